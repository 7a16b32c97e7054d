//! The clap definition itself is consistent.

use crate::support::Test;

#[test]
fn clap_definition_is_valid() {
    meshscope::internals::command().debug_assert();
}

#[test]
fn completion_scripts_generate() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = Test::new(["completion", shell]).ok();
        assert!(out.contains("meshscope"), "{shell}");
    }
}

#[test]
fn version_and_help_exit_zero() {
    assert!(Test::new(["--version"]).ok().starts_with("meshscope "));
    assert!(
        Test::new(["pc", "listener", "--help"])
            .ok()
            .contains("--port")
    );
}
