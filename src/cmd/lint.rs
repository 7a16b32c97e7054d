//! `meshscope lint`: reads every input it can, lints them together, reports, and picks the
//! exit code (1: findings at or above --fail-on; 2: an input could not be read or parsed,
//! after every other input was still checked and reported).

use std::io::Write;

use crate::cli::{LintArgs, LintOutput, LintSeverity, UsageError};
use crate::error::{Error, ExitCode};
use crate::istio::crd::crd_of;
use crate::istio::manifest::Resource;
use crate::lint::dump::DumpFacts;
use crate::lint::validate::crd::{CompiledCrd, compile};
use crate::lint::{self, Context, LintError, Severity, SourceFile, report};
use crate::source;
use crate::source::resources::{self, ResourceError};

/// Runs `lint`.
pub fn run(args: &LintArgs, color: bool, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let rules = lint::select_rules(&args.enable, &args.disable)?;
    if args.list_rules {
        report::rule_list::write_rule_list(&rules, out)?;
        return Ok(ExitCode::Ok);
    }
    let stdin = std::path::Path::new("-");
    if args.dump.as_deref() == Some(stdin) && args.paths.iter().any(|p| p == stdin) {
        return Err(UsageError::StdinTwice.into());
    }
    if args.paths.is_empty() && args.dump.is_none() {
        return Err(UsageError::NoLintInput.into());
    }
    let crds = args
        .crd
        .iter()
        .map(|p| load_crds(p))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let exclude = exclusions(&args.exclude)?;
    let mut errors: Vec<Error> = Vec::new();
    let mut files = Vec::new();
    let mut resources: Vec<Resource> = Vec::new();
    for path in &args.paths {
        let expanded = match source::manifest_files(path) {
            Ok(list) => list,
            Err(e) => {
                errors.push(e.into());
                continue;
            }
        };
        // A directory of nothing to check is an error; one whose files are all excluded
        // was asked for.
        if expanded.is_empty() {
            let path = path.display().to_string();
            errors.push(LintError::NoManifests { path }.into());
        }
        let expanded = expanded.into_iter().filter(|f| !excluded(&exclude, f));
        for file in expanded {
            match load(&file, files.len()) {
                Ok((source_file, found)) => {
                    files.push(source_file);
                    resources.extend(found);
                }
                Err(e) => errors.push(e.into()),
            }
        }
    }
    let ctx = Context::with_crds(
        files,
        resources,
        args.istio_version,
        &args.root_namespace,
        &crds,
    );
    let ctx = match &args.dump {
        Some(path) => match load_dump(path) {
            Ok((file, facts)) => ctx.with_dump(file, facts),
            Err(e) => {
                errors.push(e);
                ctx
            }
        },
        None => ctx,
    };
    let findings = lint::lint(&ctx, &rules);
    // Templates were reported (MS0006), not checked: the run must not read as clean.
    let dump_file = ctx.dump.as_ref().map(|d| d.file);
    for (_, f) in (ctx.files.iter().enumerate()).filter(|(i, _)| Some(*i) != dump_file) {
        if let Some(pos) = crate::lint::template::first_action(&f.text) {
            errors.push(
                LintError::Templated {
                    path: f.label.clone(),
                    line: pos.line,
                    column: pos.column,
                }
                .into(),
            );
        }
    }
    let unchecked: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    report::write(
        args.output.into(),
        &findings,
        &ctx.files,
        &rules,
        &unchecked,
        report::Layout {
            color,
            rules_url: rules_url(args).as_deref(),
        },
        out,
    )?;
    if !errors.is_empty() {
        out.flush()?;
        return Err(Error::Many(errors));
    }
    let fail_on = Severity::from(args.fail_on);
    Ok(if findings.iter().any(|f| f.severity >= fail_on) {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
}

/// Where the rule pages are published: `--rules-url`, else the package's repository at
/// this release's tag (`docs/rules` is generated into the repository), else unknown.
fn rules_url(args: &LintArgs) -> Option<String> {
    if let Some(url) = &args.rules_url {
        return Some(url.clone());
    }
    let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    (!repository.is_empty()).then(|| {
        format!(
            "{repository}/blob/v{}/docs/rules",
            env!("CARGO_PKG_VERSION")
        )
    })
}

/// The `--exclude` globs as one set.
fn exclusions(globs: &[String]) -> Result<globset::GlobSet, Error> {
    let mut set = globset::GlobSetBuilder::new();
    for g in globs {
        let glob = globset::GlobBuilder::new(g)
            .literal_separator(true)
            .build()
            .map_err(|e| LintError::BadExclude {
                glob: g.clone(),
                reason: e.kind().to_string(),
            })?;
        set.add(glob);
    }
    set.build().map_err(|e| {
        LintError::BadExclude {
            glob: globs.join(" "),
            reason: e.to_string(),
        }
        .into()
    })
}

/// Whether `--exclude` skips `file`: its path as found, without a leading `./`.
fn excluded(set: &globset::GlobSet, file: &std::path::Path) -> bool {
    let path = file.strip_prefix(".").unwrap_or(file);
    set.is_match(path)
}

/// Reads and parses one file.
fn load(
    path: &std::path::Path,
    index: usize,
) -> Result<(SourceFile, Vec<Resource>), ResourceError> {
    let (label, bytes) = source::read_input(path)?;
    let text = String::from_utf8(bytes).map_err(|e| ResourceError::NotUtf8At {
        path: label.clone(),
        offset: e.utf8_error().valid_up_to(),
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    // A Helm template is not what the cluster receives: MS0006 reports it, unparsed.
    if crate::lint::template::first_action(&text).is_some() {
        return Ok((SourceFile { label, text }, Vec::new()));
    }
    let found = resources::parse(&label, index, &text)?;
    Ok((SourceFile { label, text }, found))
}

/// Reads and loads the `--dump` file.
fn load_dump(path: &std::path::Path) -> Result<(SourceFile, DumpFacts), Error> {
    let (label, bytes) = source::read_input(path)?;
    let text = source::to_json_text(&label, &bytes)?;
    let doc = text.document(&label);
    let shown = String::from_utf8_lossy(&bytes);
    let shown = shown.strip_prefix('\u{feff}').unwrap_or(&shown).to_string();
    let facts = DumpFacts::load(&doc, &shown, 0)?;
    Ok((SourceFile { label, text: shown }, facts))
}

/// Reads the CRDs in one `--crd` file and compiles their schemas and rules.
fn load_crds(path: &std::path::Path) -> Result<Vec<CompiledCrd>, Error> {
    let (_, resources) = load(path, usize::MAX)?;
    let label = path.display().to_string();
    let crds: Vec<_> = resources.iter().filter_map(crd_of).collect();
    if crds.is_empty() {
        return Err(LintError::NoCrd { path: label }.into());
    }
    crds.iter()
        .map(|c| {
            compile(c).map_err(|problems| {
                LintError::CrdRules {
                    path: label.clone(),
                    problems,
                }
                .into()
            })
        })
        .collect()
}

/// The CLI names lint's severities itself, so that lint does not depend on clap.
impl From<LintSeverity> for Severity {
    fn from(s: LintSeverity) -> Self {
        match s {
            LintSeverity::Info => Severity::Info,
            LintSeverity::Warning => Severity::Warning,
            LintSeverity::Error => Severity::Error,
        }
    }
}

impl From<LintOutput> for report::Format {
    fn from(f: LintOutput) -> Self {
        match f {
            LintOutput::Text => report::Format::Text,
            LintOutput::Json => report::Format::Json,
            LintOutput::Sarif => report::Format::Sarif,
            LintOutput::Github => report::Format::Github,
        }
    }
}
