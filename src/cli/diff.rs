//! `meshscope diff`: what changes between two dumps, read as PeerAuthentication modes, or
//! what one dump would become under another mode (`--what-if`).

use std::path::PathBuf;

use clap::Args;

/// `diff -o` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffOutput {
    /// The report, then a unified diff of the two `pc listener -o wide` tables.
    Text,
    /// The report as JSON (documented in the `analysis::diff` report types).
    Json,
}

/// The mode `--what-if` predicts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "UPPER")]
pub enum WhatIfMode {
    /// Istio mTLS only.
    Strict,
    /// Istio mTLS and plaintext.
    Permissive,
    /// Plaintext only.
    Disable,
}

/// Compare two proxies' listeners: chains removed, added and changed, the mTLS mode per
/// inbound port on each side, and where each Wasm filter goes.
///
/// Chains are paired by their filter chain match (plus the chain name when two matches are
/// equal), never by position. A pair whose filters, transport socket (TLS termination) or
/// destination differ is "changed". With --what-if, the AFTER side is predicted from one
/// dump by rebuilding virtualInbound's chains for the new mode with Istio's rules, and the
/// report is labelled as a prediction. With one dump and --resources (no --what-if), that
/// dump's inbound chains are checked against its PeerAuthentications alone, with no second
/// side. Exits 0 when equal and every checked port agrees with its policy, 1 when they
/// differ (or the prediction differs) or a port's chains disagree with its policy, 2 on
/// error.
#[derive(Debug, Args)]
#[command(mut_arg("namespace", |a| a.help(
    "Namespace of pod sides (default: the kubeconfig context's namespace, else 'default')",
)))]
#[command(mut_arg("kubeconfig", |a| a.help("Path to the kubeconfig file (for pod sides)")))]
#[command(mut_arg("timeout", |a| a.help("Time bound of each pod side's fetch, e.g. 30s, 500ms, 2m")))]
#[command(mut_arg("context", |a| a
    .help("The kubeconfig context to use (for pod sides)")
    .action(clap::ArgAction::Set)))]
#[command(after_help = "Examples:\n  \
    # What turning on STRICT changed on the inbound listener\n  \
    meshscope diff permissive.json strict.json --port 15006\n\n  \
    # Force both sides to be files\n  \
    meshscope diff -f before.json -f after.json -o json\n\n  \
    # What STRICT would do, predicted from today's dump\n  \
    meshscope diff -f config_dump.json --what-if STRICT --port 15006\n\n  \
    # Did both proxies get the mode their PeerAuthentications ask for?\n  \
    meshscope diff before.json after.json --resources peer-authentications/\n\n  \
    # Did this one get it? (one dump, no second side)\n  \
    meshscope diff -f config_dump.json --resources peer-authentications/\n\n  \
    # Two pods of one deployment, checked against the cluster's PeerAuthentications\n  \
    meshscope diff httpbin-7d5b9c6f48-m4n7t httpbin-7d5b9c6f48-x2k9p -n default\n\n\
    Exit status: 0 no differences, and every checked port agrees with its PeerAuthentication; 1 differences\n\
    (with --what-if: predicted ones), or a port whose chains disagree with its PeerAuthentication; 2 an\n\
    input could not be read, parsed or fetched, or bad flags.")]
pub struct DiffArgs {
    /// BEFORE and AFTER: each a dump file if such a path exists, otherwise a pod (one alone
    /// with --what-if, or with --resources to check it).
    #[arg(value_name = "BEFORE AFTER", num_args = 0..=2)]
    pub sides: Vec<String>,

    /// Envoy config dump files: BEFORE then AFTER, the one dump of --what-if, or one dump to
    /// check against --resources; '-' reads stdin.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<PathBuf>,

    /// Predict the AFTER side for this PeerAuthentication mode instead of reading it.
    #[arg(long, value_name = "MODE", value_enum, ignore_case = true)]
    pub what_if: Option<WhatIfMode>,

    /// Only listeners on this port (the listener's socket port, as pc listener --port).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u32,

    /// PeerAuthentication manifests (files or directories; '-' reads stdin): each side's
    /// inbound modes are checked against the policy they compose to for that proxy; with one
    /// dump, only that check is made. Without it, a side read from a pod is checked against
    /// the cluster's PeerAuthentications.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub resources: Vec<PathBuf>,

    #[command(flatten)]
    pub kube: super::KubeArgs,

    /// The mesh root namespace (meshConfig rootNamespace), for the policy check.
    #[arg(long, default_value = "istio-system", value_name = "NAMESPACE")]
    pub root_namespace: String,

    /// Output format.
    #[arg(short = 'o', long = "output", value_enum, default_value_t = DiffOutput::Text)]
    pub output: DiffOutput,
}

impl DiffArgs {
    /// How many dumps the command line names, and whether that is a valid diff: two sides;
    /// one with --what-if (its AFTER is predicted); one with --resources (checked alone).
    /// clap cannot count across POD arguments and -f, so the parser and `cmd/` both ask here.
    pub fn side_count_error(&self) -> Option<super::UsageError> {
        let sides = self.sides.len() + self.files.len();
        let valid = match (self.what_if.is_some(), self.resources.is_empty()) {
            (true, _) => sides == 1,
            (false, true) => sides == 2,
            (false, false) => sides == 1 || sides == 2,
        };
        match (valid, self.what_if.is_some()) {
            (true, _) => None,
            (false, true) => Some(super::UsageError::WhatIfNeedsOne),
            (false, false) => Some(super::UsageError::DiffNeedsTwo),
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Cli, Command, UsageError};

    fn problem(args: &[&str]) -> Option<UsageError> {
        let argv = ["meshscope", "diff"].iter().chain(args);
        let Command::Diff(diff) = Cli::try_parse_from(argv).unwrap().command else {
            panic!("not diff");
        };
        diff.side_count_error()
    }

    /// Two sides; one with --what-if; one or two with --resources (#19 point 7).
    #[test]
    fn sides_each_mode_needs() {
        let ok: [&[&str]; 6] = [
            &["a", "b"],
            &["-f", "a", "-f", "b"],
            &["-f", "a", "b"],
            &["-f", "a", "--what-if", "STRICT"],
            &["a", "--resources", "pa/"],
            &["a", "b", "--resources", "pa/"],
        ];
        for args in ok {
            assert!(problem(args).is_none(), "{args:?}");
        }
        let two: [&[&str]; 4] = [
            &[],
            &["a"],
            &["--resources", "pa/"],
            &["-f", "a", "b", "-f", "c", "--resources", "pa/"],
        ];
        for args in two {
            assert!(
                matches!(problem(args), Some(UsageError::DiffNeedsTwo)),
                "{args:?}"
            );
        }
        let one: [&[&str]; 2] = [&["--what-if", "STRICT"], &["a", "b", "--what-if", "STRICT"]];
        for args in one {
            assert!(
                matches!(problem(args), Some(UsageError::WhatIfNeedsOne)),
                "{args:?}"
            );
        }
    }
}
