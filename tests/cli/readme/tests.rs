//! The README test's parser and comparer on small in-memory READMEs, including the proof
//! that it is not vacuous: a wrong expected output is reported, through the binary too.

use super::check_readme;
use super::console::{Command, Example, Ran, Step, check, commands, matches, steps};

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// Stands for "names a path of the repository": only `testdata/…` does here.
fn offline(path: &str) -> bool {
    path.starts_with("testdata/")
}

fn example(output: &str) -> Example {
    Example {
        line: 7,
        text: "meshscope pc listener -f x.json".into(),
        args: vec!["pc".into(), "listener".into(), "-f".into(), "x.json".into()],
        output_line: 8,
        output: lines(output),
        status: None,
    }
}

fn ran(status: i32, stdout: &str, stderr: &str) -> Ran {
    Ran {
        status,
        stdout: stdout.into(),
        stderr: stderr.into(),
    }
}

const TWO_BLOCKS: &str = "\
# Title

```sh
$ not a console block
```

```console
$ meshscope pc listener -f testdata/a.json \\
    --port 15006
ROW 1
ROW 2
$ meshscope pc ecds -f testdata/a.json
ECDS
```
text
```console
$ meshscope wasm count -f testdata/b.json
PROBLEMS: 0
```
";

#[test]
fn continuation_lines_and_several_commands_per_block() {
    let got = commands(TWO_BLOCKS).unwrap();
    assert_eq!(
        got,
        vec![
            Command {
                block: 0,
                line: 8,
                text: "meshscope pc listener -f testdata/a.json     --port 15006".into(),
                output_line: 10,
                output: lines("ROW 1\nROW 2"),
            },
            Command {
                block: 0,
                line: 12,
                text: "meshscope pc ecds -f testdata/a.json".into(),
                output_line: 13,
                output: lines("ECDS"),
            },
            Command {
                block: 1,
                line: 17,
                text: "meshscope wasm count -f testdata/b.json".into(),
                output_line: 18,
                output: lines("PROBLEMS: 0"),
            },
        ]
    );
    let Step::Run(first) = &steps(got, offline)[0] else {
        panic!("the first example runs");
    };
    assert_eq!(
        first.args,
        ["pc", "listener", "-f", "testdata/a.json", "--port", "15006"]
    );
}

#[test]
fn an_unclosed_console_block_is_an_error() {
    let err = commands("intro\n```console\n$ meshscope x\n").unwrap_err();
    assert_eq!(err, "README.md:2: the ```console block is never closed");
}

#[test]
fn a_wrong_expected_output_is_a_mismatch() {
    let err = check(
        &example("HEADER\nrow a\nrow b"),
        &ran(0, "HEADER\nrow a\nrow c\n", ""),
    )
    .unwrap_err();
    assert!(
        err.starts_with("README.md:7: $ meshscope pc listener -f x.json\n"),
        "{err}"
    );
    assert!(err.contains("it starts at README.md:8"), "{err}");
    assert!(err.contains("\n-row b\n+row c\n"), "{err}");
    // A missing line and an extra line are mismatches too.
    assert!(check(&example("HEADER"), &ran(0, "HEADER\nmore\n", "")).is_err());
    assert!(check(&example("HEADER\nmore"), &ran(0, "HEADER\n", "")).is_err());
}

#[test]
fn stderr_follows_stdout_and_trailing_spaces_do_not_count() {
    let shown = example("TABLE   \nmeshscope: error: pod/x: 403\n\n");
    assert_eq!(
        check(&shown, &ran(2, "TABLE\n", "meshscope: error: pod/x: 403\n")).unwrap_err(),
        "README.md:7: $ meshscope pc listener -f x.json\n  exit status 2: an example \
         that ends with an error shows it with `$ echo $?` after the command\n  stderr: \
         meshscope: error: pod/x: 403"
    );
    let mut with_status = shown.clone();
    with_status.status = Some(2);
    check(
        &with_status,
        &ran(2, "TABLE  \n", "meshscope: error: pod/x: 403\n"),
    )
    .unwrap();
    // Order matters: stderr is not interleaved.
    assert!(
        check(
            &with_status,
            &ran(2, "", "meshscope: error: pod/x: 403\nTABLE\n")
        )
        .is_err()
    );
}

#[test]
fn a_dots_line_stands_for_any_lines() {
    let want = lines("head\n...\ntail");
    assert!(matches(&lines("head\ntail"), &want));
    assert!(matches(&lines("head\na\nb\ntail"), &want));
    assert!(!matches(&lines("head\na\nb"), &want));
    assert!(!matches(&lines("x\nhead\ntail"), &want));
    assert!(matches(&lines("a\nb\nc"), &lines("...")));
    assert!(matches(&lines("a\ntail\nb\ntail"), &lines("...\ntail")));
}

#[test]
fn echo_status_is_the_exit_status_of_the_command_before_it() {
    let readme = "\
```console
$ meshscope pc listener -f testdata/bad.json
meshscope: error: bad
$ echo $?
2
$ meshscope pc listener -f testdata/good.json
OK
```
```console
$ echo $?
0
```
";
    let got = steps(commands(readme).unwrap(), offline);
    let Step::Run(bad) = &got[0] else {
        panic!("{got:?}")
    };
    assert_eq!(
        (bad.status, bad.output.clone()),
        (Some(2), lines("meshscope: error: bad"))
    );
    assert!(matches!(&got[1], Step::Skip { line: 4, .. }));
    assert!(matches!(&got[2], Step::Run(Example { status: None, .. })));
    // `echo $?` in a block of its own checks nothing: it is an error, not a pass.
    assert!(matches!(&got[3], Step::Invalid { line: 10, .. }), "{got:?}");
    assert_eq!(
        check(bad, &ran(1, "", "meshscope: error: bad\n")).unwrap_err(),
        "README.md:2: $ meshscope pc listener -f testdata/bad.json\n  exit status 1, but \
         the README's `echo $?` shows 2"
    );
}

#[test]
fn live_commands_and_other_programs_are_not_run_and_pipes_are_refused() {
    let readme = "\
```console
$ meshscope wasm count -l app=httpbin -A     # every pod
$ meshscope pc listener --admin http://localhost:15000
$ kubectl port-forward deploy/httpbin 15000 &
$ meshscope lint --resources=testdata/m.yaml
$ meshscope explain -f testdata/d.json -o dot | dot -Tsvg
$ meshscope pc listener -f testdata/d.json -o 'jsonpath={.name}{\"\\n\"}' 2>&1
$ meshscope pc listener -f 'testdata/d.json
```
";
    let got = steps(commands(readme).unwrap(), offline);
    let kinds: Vec<&str> = got
        .iter()
        .map(|s| match s {
            Step::Run(_) => "run",
            Step::Skip { .. } => "skip",
            Step::Invalid { .. } => "invalid",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "skip", "skip", "skip", "run", "invalid", "invalid", "invalid"
        ]
    );
    let Step::Invalid { problem, .. } = &got[4] else {
        unreachable!()
    };
    assert!(problem.starts_with("`|`: pipes"), "{problem}");
}

/// The end-to-end proof: the same runner as the README test, on a README whose example
/// is right, then on one with a row changed.
#[test]
fn a_stale_example_fails_through_the_binary() {
    let right = "\
```console
$ meshscope pc listener -f testdata/dumps/istio-current-permissive.json --verbose=false
ADDRESSES  PORT  TYPE
10.96.0.10 53    TCP
...
0.0.0.0    15090 HTTP
```
";
    let report = check_readme(right);
    assert_eq!((report.ran, report.failures.len()), (1, 0), "{report:?}");

    let stale = right.replace("15090 HTTP", "15090 TCP");
    let report = check_readme(&stale);
    assert_eq!(report.ran, 1);
    let [failure] = report.failures.as_slice() else {
        panic!("{report:?}")
    };
    assert!(
        failure.starts_with("README.md:2: $ meshscope pc listener"),
        "{failure}"
    );
    assert!(failure.contains("\n-0.0.0.0    15090 TCP\n"), "{failure}");
    assert!(failure.contains("\n+0.0.0.0    15090 HTTP\n"), "{failure}");
}

/// A wildcard output does not hide an error: the exit status is checked apart.
#[test]
fn an_error_without_echo_fails_through_the_binary() {
    let readme = "\
```console
$ meshscope pc listener -f testdata/dumps/wrong-type.json
...
```
";
    let report = check_readme(readme);
    let [failure] = report.failures.as_slice() else {
        panic!("{report:?}")
    };
    assert!(failure.contains("\n  exit status 2: "), "{failure}");
    let with_status = readme.replace("...\n", "...\n$ echo $?\n2\n");
    let report = check_readme(&with_status);
    assert_eq!((report.ran, report.failures.len()), (1, 0), "{report:?}");
}
