//! Every bad input gives one line naming the file (line:column where known), exit 2.

use crate::support::{Test, assert_golden};

#[test]
fn bad_inputs_give_one_line_and_exit_2() {
    let cases: [(&str, &[&str]); 12] = [
        (
            "pod-kubeconfig-missing",
            &[
                "pc",
                "listener",
                "httpbin.default",
                "--kubeconfig",
                "testdata/no-such-kubeconfig",
            ],
        ),
        (
            "admin-refused",
            &["pc", "ecds", "--admin", "http://127.0.0.1:1"],
        ),
        (
            "truncated",
            &["pc", "listener", "-f", "testdata/dumps/truncated.json"],
        ),
        (
            "wrong-type",
            &["pc", "listener", "-f", "testdata/dumps/wrong-type.json"],
        ),
        (
            "invalid-yaml",
            &["pc", "listener", "-f", "testdata/dumps/invalid.yaml"],
        ),
        (
            "empty",
            &["pc", "listener", "-f", "testdata/dumps/empty.json"],
        ),
        ("directory", &["pc", "listener", "-f", "testdata/dumps"]),
        (
            "garbage",
            &["pc", "listener", "-f", "testdata/dumps/garbage.bin"],
        ),
        (
            "not-a-dump",
            &["pc", "listener", "-f", "testdata/dumps/not-a-dump.json"],
        ),
        (
            "missing",
            &["pc", "listener", "-f", "testdata/dumps/no-such-file.json"],
        ),
        ("no-input", &["pc", "listener"]),
        (
            "pod-and-file",
            &[
                "pc",
                "listener",
                "httpbin",
                "-f",
                "testdata/dumps/istio-1.12-strict.json",
            ],
        ),
    ];
    for (case, args) in cases {
        let out = Test::new(args).run();
        assert_eq!(out.code, 2, "{case}: {out:?}");
        assert_eq!(out.stdout, "", "{case}");
        assert_eq!(out.stderr.lines().count(), 1, "{case}: {}", out.stderr);
        assert!(out.stderr.starts_with("meshscope: error: "), "{case}");
        assert!(!out.stderr.contains("panicked"), "{case}");
        assert_golden(&format!("errors/{case}.stderr"), &out.stderr);
    }
}

/// See: #19. A usage error is clap's whole message: what is wrong, the suggestion or the
/// valid values, the usage line (CLI.md), exit 2, nothing on stdout.
#[test]
fn usage_errors_are_clap_messages() {
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "bad-output",
            &["pc", "listener", "-f", "x.json", "-o", "xml"],
            "error: invalid value 'xml' for '--output <FORMAT>'",
        ),
        (
            "unknown-flag",
            &["pc", "listener", "--frobnicate"],
            "Usage: meshscope proxy-config listener [OPTIONS] [POD]",
        ),
    ];
    for (case, args, needle) in cases {
        let out = Test::new(*args).run();
        assert_eq!((out.code, out.stdout.as_str()), (2, ""), "{case}: {out:?}");
        assert!(out.stderr.contains(needle), "{case}: {}", out.stderr);
        assert!(
            out.stderr.contains("For more information, try '--help'."),
            "{case}"
        );
        assert_golden(&format!("errors/{case}.stderr"), &out.stderr);
    }
}

/// See: #19. Enumerated values are accepted in any case (CLI.md), flag by flag.
#[test]
fn enumerated_values_ignore_case() {
    const DUMP: &str = "testdata/dumps/istio-1.12-permissive.json";
    let pairs: [(&[&str], &[&str]); 3] = [
        (
            &[
                "explain",
                "-f",
                DUMP,
                "--port",
                "15006",
                "--dst-port",
                "80",
                "--transport",
                "TLS",
            ],
            &[
                "explain",
                "-f",
                DUMP,
                "--port",
                "15006",
                "--dst-port",
                "80",
                "--transport",
                "tls",
            ],
        ),
        (
            &[
                "pc", "listener", "-f", DUMP, "--port", "15006", "-o", "WIDE",
            ],
            &[
                "pc", "listener", "-f", DUMP, "--port", "15006", "-o", "wide",
            ],
        ),
        (
            &["wasm", "count", "-f", DUMP, "-o", "Json"],
            &["wasm", "count", "-f", DUMP, "-o", "json"],
        ),
    ];
    for (upper, lower) in pairs {
        let (a, b) = (Test::new(upper).run(), Test::new(lower).run());
        assert_eq!(a.stderr, "", "{upper:?}");
        assert_eq!((a.code, a.stdout), (b.code, b.stdout), "{upper:?}");
    }
}

#[test]
fn wrong_type_names_line_column_and_field() {
    let out = Test::new(["pc", "listener", "-f", "testdata/dumps/wrong-type.json"]).run();
    let line = out.stderr.trim_end();
    let rest = line
        .strip_prefix("meshscope: error: testdata/dumps/wrong-type.json:")
        .unwrap_or_else(|| panic!("{line}"));
    let mut parts = rest.splitn(3, ':');
    assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
    assert!(parts.next().unwrap().parse::<usize>().is_ok(), "{line}");
    assert!(line.contains("port_value"), "{line}");
}

#[test]
fn closed_stdout_is_not_an_error() {
    // `meshscope … | head -1`: a broken pipe ends quietly with exit 0.
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_meshscope"))
        .args([
            "pc",
            "listener",
            "-f",
            "testdata/dumps/istio-1.12-permissive.json",
            "-o",
            "json",
        ])
        .current_dir(crate::support::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

/// See: #19. A positional argument that names an existing file is read as that file by
/// every command (CLI.md), and one that looks like a file but does not exist is one error
/// line naming it, never a cluster lookup (`source::target::positional`).
#[test]
fn positional_files_are_files_and_missing_ones_are_errors() {
    const DUMP: &str = "testdata/dumps/istio-1.12-permissive.json";
    let by_flag = Test::new(["wasm", "count", "-f", DUMP]).run();
    let positional = Test::new(["wasm", "count", DUMP]).run();
    assert_eq!(positional.code, by_flag.code, "{}", positional.stderr);
    assert_eq!(positional.stdout, by_flag.stdout);
    let listener = Test::new(["pc", "listener", DUMP, "--port", "15006"]).run();
    let listener_flag = Test::new(["pc", "listener", "-f", DUMP, "--port", "15006"]).run();
    assert_eq!(
        (listener.code, &listener.stdout),
        (0, &listener_flag.stdout)
    );
    for args in [
        vec!["wasm", "count", "nosuch.json"],
        vec!["pc", "listener", "nosuch.json"],
        vec!["pc", "ecds", "nosuch.json"],
        vec!["explain", "nosuch.json", "--port", "15006"],
        vec!["diff", DUMP, "nosuch.json"],
    ] {
        let out = Test::new(args.clone()).run();
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (
                2,
                "",
                "meshscope: error: nosuch.json: no such file or directory\n"
            ),
            "{args:?}"
        );
    }
}
