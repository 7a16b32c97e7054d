//! Reads a README's ```` ```console ```` blocks into examples and compares an example's
//! expected output with what the command printed. Pure: it starts no process and reads no
//! file (whether an argument names a repository file is asked through a closure), so the
//! unit tests in `tests.rs` can feed it small in-memory READMEs. The conventions it
//! implements are listed once, in `tests/cli/readme.rs`.

/// One `$ ` line of a console block (with its `\` continuations) and the lines after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    /// Which console block (0-based, in README order): `$ echo $?` belongs to its own.
    pub block: usize,
    /// The README line (1-based) of the `$ `.
    pub line: usize,
    /// The command as the shell reads it: no `$ `, continuations joined.
    pub text: String,
    /// The README line of the first expected output line.
    pub output_line: usize,
    /// The lines up to the next `$ ` or the end of the block.
    pub output: Vec<String>,
}

/// Every command of every console block, in README order. An unclosed console fence is an
/// error: everything after it would render as one code block.
pub fn commands(readme: &str) -> Result<Vec<Command>, String> {
    let mut out: Vec<Command> = Vec::new();
    // The README line of the open console fence, while inside one.
    let mut open: Option<usize> = None;
    let mut block = 0;
    let mut continued = false;
    for (i, line) in readme.lines().enumerate() {
        let number = i + 1;
        // The same fence rule as `shared/tools/readme_check.py`: any line starting with
        // three backticks closes an open block; only ```console opens one we read.
        if line.starts_with("```") {
            if open.take().is_some() {
                block += 1;
            } else if line.trim().starts_with("```console") {
                open = Some(number);
            }
            continued = false;
            continue;
        }
        if open.is_none() {
            continue;
        }
        if continued {
            // The shell drops a backslash-newline before it splits words, so the
            // continuation is glued on as it is (shlex would make an empty word of it).
            let Some(command) = out.last_mut() else {
                continue;
            };
            let (part, more) = strip_continuation(line);
            command.text.push_str(part);
            command.output_line = number + 1;
            continued = more;
        } else if let Some(rest) = line.strip_prefix("$ ") {
            let (part, more) = strip_continuation(rest);
            out.push(Command {
                block,
                line: number,
                text: part.to_string(),
                output_line: number + 1,
                output: Vec::new(),
            });
            continued = more;
        } else if let Some(command) = out.last_mut().filter(|c| c.block == block) {
            command.output.push(line.to_string());
        }
    }
    match open {
        Some(line) => Err(format!(
            "README.md:{line}: the ```console block is never closed"
        )),
        None => Ok(out),
    }
}

fn strip_continuation(line: &str) -> (&str, bool) {
    match line.strip_suffix('\\') {
        Some(part) => (part, true),
        None => (line, false),
    }
}

/// A `$ meshscope …` example that is run.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub line: usize,
    pub text: String,
    /// The arguments after `meshscope`, split as the shell splits them.
    pub args: Vec<String>,
    pub output_line: usize,
    pub output: Vec<String>,
    /// The exit status a following `$ echo $?` shows, if one does.
    pub status: Option<i32>,
}

/// What becomes of each command.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Run(Example),
    /// Not run, and why (another program, or a command that needs a cluster).
    Skip {
        line: usize,
        text: String,
        why: String,
    },
    /// Written so it cannot be checked: a failure of the README test.
    Invalid {
        line: usize,
        text: String,
        problem: String,
    },
}

/// Turns commands into steps; `is_repo_path` says whether an argument names a file or
/// folder of the repository (relative to its root).
pub fn steps(commands: Vec<Command>, is_repo_path: impl Fn(&str) -> bool) -> Vec<Step> {
    let mut out: Vec<Step> = Vec::new();
    let mut previous_block = None;
    for command in commands {
        let same_block = previous_block == Some(command.block);
        previous_block = Some(command.block);
        let Some(words) = shlex::split(&command.text) else {
            out.push(invalid(
                &command,
                "it cannot be split into words (an open quote?)",
            ));
            continue;
        };
        if words == ["echo", "$?"] {
            let step = exit_status(&command, out.last_mut().filter(|_| same_block));
            out.push(step);
            continue;
        }
        if words.first().map(String::as_str) != Some("meshscope") {
            out.push(skip(&command, "not meshscope"));
            continue;
        }
        let args = words[1..].to_vec();
        if !reads_repository(&args, &is_repo_path) {
            out.push(skip(
                &command,
                "reads no file of the repository: needs a cluster",
            ));
            continue;
        }
        if let Some(op) = args.iter().find(|a| is_shell_operator(a)) {
            let problem = format!(
                "`{op}`: pipes, redirections and command lists are not run; \
                 show meshscope's own output"
            );
            out.push(invalid(&command, &problem));
            continue;
        }
        out.push(Step::Run(Example {
            line: command.line,
            text: command.text,
            args,
            output_line: command.output_line,
            output: command.output,
            status: None,
        }));
    }
    out
}

/// `$ echo $?` after an example: its one output line is that example's exit status.
/// The step returned stands for the `echo` itself.
fn exit_status(command: &Command, previous: Option<&mut Step>) -> Step {
    let shown = normalise_lines(&command.output.join("\n"));
    let status = match shown.as_slice() {
        [one] => one.parse::<i32>().ok(),
        _ => None,
    };
    let Some(status) = status else {
        return invalid(command, "`echo $?` must be followed by one line: a number");
    };
    match previous {
        Some(Step::Run(example)) if example.status.is_none() => {
            example.status = Some(status);
            skip(
                command,
                "checked as the exit status of the command before it",
            )
        }
        Some(Step::Run(_)) => invalid(command, "a second `echo $?` for one command"),
        Some(Step::Skip { .. }) => skip(command, "the command before it is not run"),
        _ => invalid(command, "`echo $?` follows no command of its block"),
    }
}

fn skip(command: &Command, why: &str) -> Step {
    Step::Skip {
        line: command.line,
        text: command.text.clone(),
        why: why.to_string(),
    }
}

fn invalid(command: &Command, problem: &str) -> Step {
    Step::Invalid {
        line: command.line,
        text: command.text.clone(),
        problem: problem.to_string(),
    }
}

/// `shared/tools/readme_check.py`'s rule for what runs offline: an argument, or the value
/// of a `--flag=value`, names an existing path of the repository. Pods, deployments and
/// admin URLs do not, so those examples are shown but not run.
fn reads_repository(args: &[String], is_repo_path: &impl Fn(&str) -> bool) -> bool {
    args.iter().any(|a| {
        let value = match a.strip_prefix("--") {
            Some(flag) => flag.split_once('=').map(|(_, v)| v),
            None if a.starts_with('-') => None,
            None => Some(a.as_str()),
        };
        value.is_some_and(|v| !v.is_empty() && is_repo_path(v))
    })
}

/// A word the shell would read as a pipe, a redirection or a list (`|`, `>`, `2>&1`, `&&`,
/// `;`, `&`). Splitting drops the quotes, so a quoted `'|'` argument counts too; no
/// meshscope flag takes one.
fn is_shell_operator(word: &str) -> bool {
    word.starts_with(['|', '&', ';', '<', '>'])
        || (word.starts_with(|c: char| c.is_ascii_digit()) && word.contains(['<', '>']))
}

/// What a run printed and how it ended.
#[derive(Debug, Clone)]
pub struct Ran {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `Err` with the whole failure message (the README line, the command, a unified diff)
/// when the run does not match the example.
pub fn check(example: &Example, ran: &Ran) -> Result<(), String> {
    let head = format!("README.md:{}: $ {}", example.line, example.text);
    // stdout, then stderr, as readme_check.py joins them: the README shows both, and an
    // example's error line is part of what it documents.
    let got = normalise_lines(&format!("{}{}", ran.stdout, ran.stderr));
    let want = normalise_lines(&example.output.join("\n"));
    if !matches(&got, &want) {
        return Err(format!(
            "{head}\n  the output differs from the README's (it starts at README.md:{}; \
             `-` README, `+` meshscope; trailing spaces are ignored and a `...` line \
             stands for any lines)\n{}",
            example.output_line,
            unified_diff(&want, &got)
        ));
    }
    match example.status {
        Some(shown) if shown != ran.status => Err(format!(
            "{head}\n  exit status {}, but the README's `echo $?` shows {shown}",
            ran.status
        )),
        // 0 and 1 are answers (CLI.md: 1 means the command found something); 2 is an
        // error, which an example shows with `$ echo $?`, and anything else a crash.
        None if !matches!(ran.status, 0 | 1) => Err(format!(
            "{head}\n  exit status {}: an example that ends with an error shows it with \
             `$ echo $?` after the command\n  stderr: {}",
            ran.status,
            ran.stderr.trim_end()
        )),
        _ => Ok(()),
    }
}

/// Lines without trailing whitespace, trailing blank lines dropped: Markdown editors strip
/// trailing spaces and a reader cannot see them (the goldens in `testdata/golden/` hold
/// every byte; this test holds the README to what it shows).
pub fn normalise_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// Line for line, where a `...` line of `want` stands for any number of lines (none too),
/// as in readme_check.py and trycmd.
pub fn matches(got: &[String], want: &[String]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|skip| matches(&got[skip..], rest)),
        Some((w, rest)) => got.first() == Some(w) && matches(&got[1..], rest),
    }
}

fn unified_diff(want: &[String], got: &[String]) -> String {
    let want = want.join("\n") + "\n";
    let got = got.join("\n") + "\n";
    similar::TextDiff::from_lines(&want, &got)
        .unified_diff()
        .context_radius(3)
        .header("README.md", "meshscope")
        .to_string()
}
