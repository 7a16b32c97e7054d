//! `man/` is generated from the clap definition; this test fails when it is stale.
//! `SNAPSHOTS=overwrite cargo test man` rewrites the pages.

use std::path::PathBuf;

fn pages() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    collect(meshscope::internals::command(), "meshscope", &mut out);
    out
}

fn collect(cmd: clap::Command, name: &str, out: &mut Vec<(String, Vec<u8>)>) {
    let cmd = cmd.name(name.to_string());
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .expect("render man page");
    out.push((format!("{name}.1"), buf));
    for sub in cmd.get_subcommands() {
        if sub.get_name() == "help" {
            continue;
        }
        collect(sub.clone(), &format!("{name}-{}", sub.get_name()), out);
    }
}

#[test]
fn man_pages_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("man");
    crate::support::assert_generated(
        &dir,
        &pages(),
        |name| name.ends_with(".1"),
        "SNAPSHOTS=overwrite cargo test man",
    );
}

/// See: #19 point 8. Every command's page (and `--help`) says what its exit codes mean.
#[test]
fn every_man_page_has_an_exit_status() {
    for (file, content) in pages() {
        let text = String::from_utf8(content).unwrap();
        assert!(text.contains("Exit status"), "{file} has no exit status");
    }
}
