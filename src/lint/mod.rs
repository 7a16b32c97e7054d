//! `meshscope lint`: preflight checks of WasmPlugin, TrafficExtension and PeerAuthentication
//! manifests. Validation (what Istio rejects, per release) lives in [`validate`]; each rule
//! in [`rules`] turns part of it, or a semantic check, into [`Finding`]s; [`report`] renders.
//! With `--dump`, [`dump`] reduces a config dump to the facts the MS3xxx rules read.
//!
//! No I/O here: `cmd/lint.rs` reads files and builds the [`Context`].

pub mod context;
pub mod dump;
pub mod finding;
pub mod report;
pub mod rules;
pub mod template;
pub mod validate;

pub use context::{Context, SourceFile};
pub use finding::{Finding, Severity};
pub use rules::{RULES, Rule};

/// Why lint could not start: its rule selection or its `--crd` schemas.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// `--enable`/`--disable` named no rule.
    #[error("unknown rule code {pattern:?} (see --list-rules)")]
    UnknownRule {
        /// The code, prefix or name as given.
        pattern: String,
    },
    /// A `--crd` file without a CustomResourceDefinition.
    #[error("{path}: no CustomResourceDefinition found")]
    NoCrd {
        /// The `--crd` file.
        path: String,
    },
    /// A `--crd` file whose rules or patterns do not compile (the compiler's problems).
    #[error("{path}: {}", problems.join("; "))]
    CrdRules {
        /// The `--crd` file.
        path: String,
        /// What does not compile, one sentence each.
        problems: Vec<String>,
    },
    /// An input that is a Helm template (MS0006): it was reported, not checked.
    #[error(
        "{path}:{line}:{column}: a template, not a manifest: not checked (render it first: helm template …)"
    )]
    Templated {
        /// The file.
        path: String,
        line: usize,
        column: usize,
    },
    /// An `--exclude` glob that does not parse.
    #[error("--exclude {glob:?}: {reason}")]
    BadExclude { glob: String, reason: String },
    /// An input path that holds no manifest: nothing was checked there.
    #[error("{path}: no manifest found (*.yaml, *.yml, *.json)")]
    NoManifests {
        /// The path as given.
        path: String,
    },
}

/// The annotation that suppresses codes on one resource: `meshscope.io/ignore: MS1001,MS1002`.
pub const IGNORE_ANNOTATION: &str = "meshscope.io/ignore";

/// Runs `rules` over the context; drops suppressed findings; sorts by file, position, code.
pub fn lint(ctx: &Context, rules: &[&'static Rule]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for rule in rules {
        let mut sink = rules::Sink::new(rule, ctx, &mut findings);
        (rule.check)(ctx, &mut sink);
    }
    findings.retain(|f| !is_suppressed(ctx, f));
    let file_of = |f: &Finding| {
        f.resource
            .and_then(|r| ctx.resources.get(r))
            .map_or(usize::MAX, |r| r.file)
    };
    findings.sort_by(|a, b| {
        (file_of(a), a.line, a.column, a.code).cmp(&(file_of(b), b.line, b.column, b.code))
    });
    findings.dedup();
    findings
}

fn is_suppressed(ctx: &Context, f: &Finding) -> bool {
    let Some(r) = f.resource.and_then(|i| ctx.resources.get(i)) else {
        return false;
    };
    r.annotations.get(IGNORE_ANNOTATION).is_some_and(|codes| {
        codes
            .split(',')
            .map(str::trim)
            .any(|c| c.eq_ignore_ascii_case(f.code) || c == f.name)
    })
}

/// Picks rules: all, or only `enable` (codes, names or code prefixes) when given, minus `disable`.
pub fn select_rules(
    enable: &[String],
    disable: &[String],
) -> Result<Vec<&'static Rule>, LintError> {
    let matches = |r: &Rule, pat: &str| {
        r.name == pat
            || r.code
                .to_ascii_uppercase()
                .starts_with(&pat.to_ascii_uppercase())
    };
    for pat in enable.iter().chain(disable) {
        if !RULES.iter().any(|r| matches(r, pat)) {
            return Err(LintError::UnknownRule {
                pattern: pat.clone(),
            });
        }
    }
    Ok(RULES
        .iter()
        .copied()
        .filter(|r| enable.is_empty() || enable.iter().any(|p| matches(r, p)))
        .filter(|r| !disable.iter().any(|p| matches(r, p)))
        .collect())
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::istio::manifest::resources_of;

    /// Document headers rule tests build their manifests from.
    pub const WP: &str = "apiVersion: extensions.istio.io/v1alpha1\nkind: WasmPlugin\n";
    pub const PA: &str = "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n";
    pub const POD: &str = "---\napiVersion: v1\nkind: Pod\n";

    /// Lints one YAML text with one rule at Istio 1.`version`.
    pub fn run(rule: &'static Rule, yaml: &str, version: u32) -> Vec<Finding> {
        let resources = resources_of(0, yaml).unwrap();
        let files = vec![SourceFile {
            label: "t.yaml".into(),
            text: yaml.into(),
        }];
        let ctx = Context::new(files, resources, version, "istio-system");
        lint(&ctx, &[rule])
    }

    /// Lints one JSON or YAML config dump with one rule.
    pub fn run_dump(rule: &'static Rule, dump: &str) -> Vec<Finding> {
        let text = crate::source::to_json_text("dump.json", dump.as_bytes()).unwrap();
        let doc = text.document("dump.json");
        let facts = dump::DumpFacts::load(&doc, dump, 0).unwrap();
        let file = SourceFile {
            label: "dump.json".into(),
            text: dump.into(),
        };
        let ctx = Context::new(Vec::new(), Vec::new(), 30, "istio-system").with_dump(file, facts);
        lint(&ctx, &[rule])
    }

    /// Lints one YAML text with every rule.
    pub fn run_all(yaml: &str, version: u32) -> Vec<Finding> {
        let resources = resources_of(0, yaml).unwrap();
        let ctx = Context::new(Vec::new(), resources, version, "istio-system");
        lint(&ctx, RULES)
    }
}
