//! Width and colour (#19 point 5): meshscope's own tables and text fit `COLUMNS` (or the
//! terminal) and keep whole values when piped; `--color` reaches every command that
//! colours; istioctl-parity tables never change.

use crate::support::{Test, assert_golden};

const DUMP: &str = "testdata/dumps/istio-current-permissive.json";
const ECDS_NAME: &str =
    "extensions.istio.io/trafficextension/default.helloworld~istio-translated-wasmplugin";

fn run(args: &[&str], columns: Option<&str>) -> String {
    let t = Test::new(args);
    let t = match columns {
        Some(c) => t.env("COLUMNS", c),
        None => t,
    };
    let out = t.run();
    assert!(out.code <= 1, "{args:?}: {}", out.stderr);
    out.stdout
}

fn widest(text: &str) -> usize {
    text.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

#[test]
fn wide_listener_table_fits_columns_and_shortens_ecds_names() {
    let args = [
        "pc", "listener", "-f", DUMP, "--port", "15006", "-o", "wide",
    ];
    let fitted = run(&args, Some("120"));
    assert!(widest(&fitted) <= 120, "{fitted}");
    assert!(fitted.contains("default/helloworld"), "{fitted}");
    assert!(!fitted.contains(ECDS_NAME), "{fitted}");
    assert_golden("terminal/pc-listener-wide-120.txt", &fitted);
    // Piped without COLUMNS: every value whole, on one line.
    let piped = run(&args, None);
    assert!(piped.contains(ECDS_NAME));
    assert!(widest(&piped) > 120);
}

#[test]
fn istioctl_parity_tables_ignore_the_width() {
    for args in [
        &["pc", "listener", "-f", DUMP, "--port", "15006"][..],
        &["pc", "listener", "-f", DUMP, "--verbose"][..],
        &["pc", "ecds", "-f", DUMP][..],
    ] {
        assert_eq!(run(args, Some("60")), run(args, None), "{args:?}");
        let painted = Test::new([args, &["--color", "always"]].concat())
            .run()
            .stdout;
        assert!(!painted.contains('\u{1b}'), "{args:?}");
    }
}

#[test]
fn own_tables_and_text_fit_the_width() {
    let cases: [(&[&str], usize); 4] = [
        (&["wasm", "count", "-f", DUMP], 100),
        (&["pc", "ecds", "-f", DUMP, "-o", "wide"], 100),
        (&["explain", "-f", DUMP, "--port", "15006"], 80),
        (
            &[
                "explain",
                "-f",
                DUMP,
                "--dst-port",
                "80",
                "--alpn",
                "http/1.1",
            ],
            72,
        ),
    ];
    for (args, width) in cases {
        let text = run(args, Some(&width.to_string()));
        assert!(widest(&text) <= width, "{args:?}:\n{text}");
        assert!(
            widest(&run(args, None)) > width,
            "{args:?} is narrow anyway"
        );
    }
}

#[test]
fn fleet_tables_fit_the_width() {
    let args = [
        "pc",
        "listener",
        "--bug-report",
        "testdata/bug-report.tar.gz",
        "-A",
    ];
    let out = Test::new(args).env("COLUMNS", "70").run().stdout;
    assert!(widest(&out) <= 70, "{out}");
    assert!(widest(&Test::new(args).run().stdout) > 70);
}

#[test]
fn color_always_reaches_explain_and_wasm_count() {
    let explain_port_80 = |color: &str| {
        let args = ["explain", "-f", DUMP, "--port", "15006", "--dst-port", "80"];
        Test::new([&args[..], &["--color", color]].concat())
            .run()
            .stdout
    };
    let explain = explain_port_80("always");
    assert!(explain.contains("\u{1b}[32mSelected: chain"), "{explain}");
    let wasm = Test::new([
        "wasm",
        "count",
        "-f",
        "testdata/dumps/wasm-verdicts.json",
        "--resources",
        "testdata/manifests/wasm-count/verdicts/",
        "--color",
        "always",
    ])
    .run()
    .stdout;
    assert!(wasm.contains("\u{1b}[31mexpected-missing"), "{wasm}");
    assert!(wasm.contains("PROBLEMS: \u{1b}[31m"), "{wasm}");
    for never in ["never", "auto"] {
        let plain = explain_port_80(never);
        assert!(!plain.contains('\u{1b}'), "--color {never}");
    }
}

/// `diff`'s own tables fit the width (ECDS names shortened); the unified diff of the two
/// `-o wide` tables after them compares whole values, so it is left as it is.
#[test]
fn diff_tables_fit_the_width_and_the_unified_diff_stays_whole() {
    let args = [
        "diff",
        "testdata/dumps/istio-current-permissive.json",
        "testdata/dumps/istio-current-strict.json",
        "--port",
        "15006",
    ];
    let fitted = run(&args, Some("90"));
    let (report, unified) = fitted.split_once("pc listener -o wide\n").unwrap();
    assert!(widest(report) <= 90, "{report}");
    assert!(report.contains("default/helloworld"), "{report}");
    assert!(!report.contains(ECDS_NAME), "{report}");
    assert!(unified.contains(ECDS_NAME), "{unified}");
    let piped = run(&args, None);
    let (report, _) = piped.split_once("pc listener -o wide\n").unwrap();
    assert!(report.contains(ECDS_NAME));
    assert!(widest(report) > 90, "{report}");
}

/// `diff -f DUMP --resources PA…`: AGREE painted with `--color always`, never otherwise.
#[test]
fn diff_policy_agreement_is_coloured_only_when_asked() {
    let args = [
        "diff",
        "-f",
        "testdata/dumps/istio-1.12-permissive.json",
        "--resources",
        "testdata/manifests/peer-authentication/mesh-strict.yaml",
    ];
    let plain = Test::new(args).run();
    assert_eq!(plain.code, 1, "{}", plain.stderr);
    assert!(!plain.stdout.contains('\u{1b}'));
    assert!(plain.stdout.contains("NO"), "{}", plain.stdout);
    let painted = Test::new([&args[..], &["--color", "always"]].concat()).run();
    assert!(
        painted.stdout.contains("\u{1b}[1;31mNO"),
        "{}",
        painted.stdout
    );
}
