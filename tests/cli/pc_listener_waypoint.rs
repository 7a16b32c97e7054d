//! `pc listener --waypoint` (#15 point 3): istioctl's hidden waypoint view
//! (`PrintRemoteListenerSummary`): LISTENER CHAIN MATCH DESTINATION.

use crate::support::{Test, assert_golden, real_dumps, rel};

#[test]
fn waypoint_view_of_the_fixture_and_a_real_dump() {
    let out = Test::new([
        "pc",
        "listener",
        "-f",
        "testdata/dumps/matcher-tree.json",
        "--waypoint",
    ])
    .ok();
    assert_golden("pc-listener/waypoint/matcher-tree.txt", &out);
    assert!(out.starts_with("LISTENER "), "{out}");
    // Internal listeners first (port 0), then connect_terminate on 15008.
    let first: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| l.split(' ').next().unwrap())
        .collect();
    assert_eq!(first.first(), Some(&"envoy://main_internal"));
    assert_eq!(first.last(), Some(&"envoy://connect_terminate"));
    let Some(dir) = real_dumps() else { return };
    let dump = rel(&dir.join("compare-before.json"));
    let out = Test::new(["pc", "listener", "-f", &dump, "--waypoint"]).ok();
    assert_golden("pc-listener/waypoint/real-compare-before.txt", &out);
}

/// istioctl ignores the filters and -o with --waypoint; meshscope refuses them.
#[test]
fn waypoint_takes_no_filters() {
    for extra in [
        &["--port", "15008"][..],
        &["--type", "HTTP"],
        &["-o", "json"],
    ] {
        let args = [
            &[
                "pc",
                "listener",
                "-f",
                "testdata/dumps/matcher-tree.json",
                "--waypoint",
            ][..],
            extra,
        ]
        .concat();
        let out = Test::new(&args).run();
        assert_eq!(out.code, 2, "{extra:?}");
        assert!(out.stderr.contains("cannot be used with"), "{}", out.stderr);
    }
}
