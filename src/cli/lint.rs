//! `meshscope lint` flags.

use std::path::PathBuf;

use clap::Args;

/// `--fail-on`: the CLI's names for lint's severities (lint itself does not depend on clap;
/// `cmd/lint.rs` maps them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintSeverity {
    /// Worth knowing.
    Info,
    /// Probably a mistake; Istio accepts it.
    Warning,
    /// Istio would reject the document.
    Error,
}

/// `lint -o`: the CLI's names for lint's report formats (mapped in `cmd/lint.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LintOutput {
    /// Human-readable, grouped by file, with the source line and a caret.
    Text,
    /// A JSON report: findings (code, severity, path, line, column, message, hint) and a summary.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
}

/// Oldest and newest Istio minor releases whose rules meshscope knows.
pub const ISTIO_MINORS: (u32, u32) = (12, 30);

/// Preflight checks of WasmPlugin, TrafficExtension and PeerAuthentication manifests.
#[derive(Debug, Clone, Args)]
#[command(after_help = "Examples:\n  \
    meshscope lint manifests/\n  \
    meshscope lint plugin.yaml --istio-version 1.22 -o sarif > lint.sarif\n  \
    kubectl get wasmplugins,peerauthentications -A -o yaml | meshscope lint -\n  \
    meshscope lint --list-rules\n  \
    meshscope lint manifests/ --dump config_dump.json\n\n\
    Exit status: 0 no findings at or above --fail-on, 1 some, 2 an input could not be read or parsed\n\
    (every other input is still checked and reported).\n\
    Suppress rules on one resource with the annotation meshscope.io/ignore: MS1001,MS1002;\n\
    config-dump findings (MS3xxx) have no resource: turn them off with --disable.")]
pub struct LintArgs {
    /// Files or directories (searched recursively for *.yaml, *.yml, *.json); '-' reads stdin.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Skip files whose path matches this glob (repeatable; `**` crosses directories, e.g.
    /// 'charts/**' or '**/templates/*.yaml'); matched against the path as found under the
    /// PATH arguments, without a leading './'.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Also check this Envoy config dump (JSON or YAML; '-' reads stdin) with the MS3xxx rules.
    #[arg(long, value_name = "DUMP")]
    pub dump: Option<PathBuf>,

    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = LintSeverity::Error, value_name = "SEVERITY")]
    pub fail_on: LintSeverity,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = LintOutput::Text)]
    pub output: LintOutput,

    /// Run only these rules (codes, code prefixes such as MS1, or names); comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub enable: Vec<String>,

    /// Do not run these rules (codes, code prefixes or names); comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub disable: Vec<String>,

    /// List the rules and exit.
    #[arg(long)]
    pub list_rules: bool,

    /// Apply this Istio release's validation rules (1.12 to 1.30).
    #[arg(long, value_name = "X.Y", value_parser = parse_istio_version, default_value = "1.30")]
    pub istio_version: u32,

    /// Validate kinds this CustomResourceDefinition defines against its OpenAPI schema and CEL
    /// rules instead of the built-in ones (repeatable; webhook checks still apply).
    #[arg(long, value_name = "FILE")]
    pub crd: Vec<PathBuf>,

    /// Where the rule pages (the repository's docs/rules folder) are published, e.g.
    /// https://github.com/OWNER/meshscope/blob/v0.1.0/docs/rules: SARIF's helpUri is then
    /// URL/CODE.md. Defaults to the package's repository at this release's tag when the
    /// package names one; without either, SARIF carries each page as help text and no link.
    #[arg(long, value_name = "URL", value_parser = parse_rules_url)]
    pub rules_url: Option<String>,

    /// The mesh root namespace (meshConfig rootNamespace).
    #[arg(long, default_value = "istio-system", value_name = "NAMESPACE")]
    pub root_namespace: String,
}

/// An absolute URL (`scheme://…`), since SARIF's helpUri must be one.
fn parse_rules_url(s: &str) -> Result<String, String> {
    let absolute = s.split_once("://").is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if absolute {
        Ok(s.to_string())
    } else {
        Err(format!(
            "expected an absolute URL such as https://host/path/docs/rules, got '{s}'"
        ))
    }
}

/// Parses `1.N` (also `1.N.P`) into N within [`ISTIO_MINORS`].
pub fn parse_istio_version(s: &str) -> Result<u32, String> {
    let minor = crate::istio::version::parse(s)
        .filter(|v| v.is_release())
        .map(|v| v.minor);
    match minor {
        Some(m) if (ISTIO_MINORS.0..=ISTIO_MINORS.1).contains(&m) => Ok(m),
        _ => Err(format!(
            "unsupported Istio version {s:?}: expected 1.{} to 1.{}",
            ISTIO_MINORS.0, ISTIO_MINORS.1
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn istio_versions() {
        assert_eq!(parse_istio_version("1.12"), Ok(12));
        assert_eq!(parse_istio_version("1.30.1"), Ok(30));
        assert!(parse_istio_version("1.11").is_err());
        assert!(parse_istio_version("2.0").is_err());
        crate::cli::command().debug_assert();
    }
}
