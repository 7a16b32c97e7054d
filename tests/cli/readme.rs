//! The README's console examples run as written (#19 point 8), so the README cannot drift
//! from the binary: change an output and this test shows the example to update, as a
//! unified diff naming its README line.
//!
//! The conventions (`console.rs` implements them; they agree with
//! `../shared/tools/readme_check.py`, which checks the same examples from outside):
//! - Every ```` ```console ```` block is read; in it a line starting with `$ ` is a
//!   command, and a command line ending with `\` continues on the next line. The lines up
//!   to the next `$ ` or the end of the block are what it prints: stdout, then stderr.
//! - `$ meshscope ARGS` runs the binary built with this test (no shell: the arguments are
//!   split with shell quoting rules), from the repository root, with `NO_COLOR=1`,
//!   `COLUMNS=200` and without `LINES`: the output is what a 200-column terminal shows,
//!   whatever the reader's terminal.
//! - Only examples that read a file of the repository run (an argument, or a
//!   `--flag=value`, names an existing path); pods, deployments and admin URLs need a
//!   cluster and are shown, not run (the live tests in `tests/cli/live*.rs` cover them).
//!   Other programs (`kubectl …`) are not run either.
//! - Trailing whitespace and trailing blank lines are ignored; a line `...` stands for
//!   any number of lines.
//! - Exit status: `$ echo $?` right after a command shows its exit status, and the
//!   status must be that. Without one, it must be 0 or 1 (1: "found something");
//!   an example that ends with an error (2) shows it with `$ echo $?`.
//! - Pipes, redirections and command lists (`|`, `>`, `&&`, `;`) in a meshscope example
//!   fail the test: the README shows meshscope's own output.

mod console;
mod tests;

use std::time::Duration;

use crate::support::{Test, root};
use console::{Ran, Step};

/// The terminal width the README's examples show (meshscope's own tables fit it).
const README_COLUMNS: &str = "200";

/// What checking one README gave.
#[derive(Debug, Default)]
pub struct Report {
    pub ran: usize,
    /// `README.md:LINE: $ command (why)`, for the commands shown but not run.
    pub skipped: Vec<String>,
    /// One message per failed example.
    pub failures: Vec<String>,
}

/// Runs every console example of `readme` (README text; paths are read from the
/// repository root) and compares each output.
pub fn check_readme(readme: &str) -> Report {
    let mut report = Report::default();
    let commands = match console::commands(readme) {
        Ok(commands) => commands,
        Err(problem) => {
            report.failures.push(problem);
            return report;
        }
    };
    for step in console::steps(commands, |path| root().join(path).exists()) {
        match step {
            Step::Run(example) => {
                report.ran += 1;
                let out = Test::new(&example.args)
                    .env("NO_COLOR", "1")
                    // The width the examples are laid out for (readme_check.py's too).
                    .env("COLUMNS", README_COLUMNS)
                    .env_remove("LINES")
                    // A guard against a hang, not a time limit on the example.
                    .deadline(Duration::from_secs(300))
                    .run();
                let ran = Ran {
                    status: out.code,
                    stdout: out.stdout,
                    stderr: out.stderr,
                };
                if let Err(message) = console::check(&example, &ran) {
                    report.failures.push(message);
                }
            }
            Step::Skip { line, text, why } => {
                report
                    .skipped
                    .push(format!("README.md:{line}: $ {text} ({why})"));
            }
            Step::Invalid {
                line,
                text,
                problem,
            } => {
                report
                    .failures
                    .push(format!("README.md:{line}: $ {text}\n  {problem}"));
            }
        }
    }
    report
}

#[test]
fn every_readme_console_example_runs_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let report = check_readme(&readme);
    eprintln!(
        "README: {} example(s) run, {} command(s) not run:",
        report.ran,
        report.skipped.len()
    );
    for skipped in &report.skipped {
        eprintln!("  {skipped}");
    }
    assert!(
        report.failures.is_empty(),
        "{} README example(s) do not run as written (fix the README, or the binary):\n\n{}",
        report.failures.len(),
        report.failures.join("\n\n")
    );
    // A README whose blocks all stopped being read would pass with nothing checked.
    assert!(report.ran > 0, "no README example was run");
}
