//! `meshscope lint`: reads every input it can, lints them together, reports, and picks the
//! exit code (1: findings at or above --fail-on; 2: an input could not be read or parsed,
//! after every other input was still checked and reported).

use std::io::Write;

use crate::cli::LintArgs;
use crate::error::{Error, ExitCode};
use crate::istio::crd::crd_of;
use crate::istio::manifest::{Resource, resources_of};
use crate::lint::dump::DumpFacts;
use crate::lint::validate::crd::{CompiledCrd, compile};
use crate::lint::{self, Context, SourceFile, report};
use crate::source;
use crate::util::sanitize::sanitize;

/// Lint-specific failures.
#[derive(Debug, thiserror::Error)]
pub enum LintError {
    /// Inputs that could not be read or parsed; one line each (printed after the report).
    #[error("{}", .0.join("\nmeshscope: error: "))]
    Inputs(Vec<String>),
    /// `--enable`/`--disable` named no rule.
    #[error("{0}")]
    UnknownRule(String),
    /// A `--crd` file that is unreadable, holds no CRD, or has rules that do not compile.
    #[error("{0}")]
    Crd(String),
    /// PATH `-` and `--dump -` both want stdin.
    #[error("PATH '-' and --dump '-' cannot both read stdin")]
    StdinTwice,
    /// Neither PATH nor --dump given.
    #[error("lint requires at least one PATH, '-' for stdin, or --dump")]
    NoInput,
}

/// Runs `lint`.
pub fn run(args: &LintArgs, color: bool, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let rules = lint::select_rules(&args.enable, &args.disable).map_err(LintError::UnknownRule)?;
    if args.list_rules {
        list_rules(&rules, out)?;
        return Ok(ExitCode::Ok);
    }
    let stdin = std::path::Path::new("-");
    if args.dump.as_deref() == Some(stdin) && args.paths.iter().any(|p| p == stdin) {
        return Err(LintError::StdinTwice.into());
    }
    if args.paths.is_empty() && args.dump.is_none() {
        return Err(LintError::NoInput.into());
    }
    let crds = args
        .crd
        .iter()
        .map(|p| load_crds(p))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect::<Vec<_>>();
    let mut errors = Vec::new();
    let mut files = Vec::new();
    let mut resources: Vec<Resource> = Vec::new();
    for path in &args.paths {
        let expanded = match source::manifest_files(path) {
            Ok(list) => list,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        for file in expanded {
            match load(&file, files.len()) {
                Ok((source_file, found)) => {
                    files.push(source_file);
                    resources.extend(found);
                }
                Err(message) => errors.push(message),
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
            Err(message) => {
                errors.push(message);
                ctx
            }
        },
        None => ctx,
    };
    let findings = lint::lint(&ctx, &rules);
    report::write(args.output, &findings, &ctx.files, &rules, color, out)?;
    if !errors.is_empty() {
        out.flush()?;
        return Err(LintError::Inputs(errors).into());
    }
    Ok(if findings.iter().any(|f| f.severity >= args.fail_on) {
        ExitCode::Found
    } else {
        ExitCode::Ok
    })
}

/// Reads and parses one file; the error is the line to print.
fn load(path: &std::path::Path, index: usize) -> Result<(SourceFile, Vec<Resource>), String> {
    let (label, bytes) = source::read_input(path).map_err(|e| e.to_string())?;
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "{label}: not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    let text = text
        .strip_prefix('\u{feff}')
        .map(str::to_string)
        .unwrap_or(text);
    let found = resources_of(index, &text).map_err(|e| {
        format!(
            "{label}:{}:{}: {}",
            e.pos.line,
            e.pos.column,
            sanitize(&e.message)
        )
    })?;
    Ok((SourceFile { label, text }, found))
}

/// Reads and loads the `--dump` file; the error is the line to print.
fn load_dump(path: &std::path::Path) -> Result<(SourceFile, DumpFacts), String> {
    let (label, bytes) = source::read_input(path).map_err(|e| e.to_string())?;
    let text = source::to_json_text(&label, &bytes).map_err(|e| e.to_string())?;
    let doc = text.document(&label);
    let shown = String::from_utf8_lossy(&bytes);
    let shown = shown.strip_prefix('\u{feff}').unwrap_or(&shown).to_string();
    let facts = DumpFacts::load(&doc, &shown, 0).map_err(|e| e.to_string())?;
    Ok((SourceFile { label, text: shown }, facts))
}

/// Reads the CRDs in one `--crd` file and compiles their schemas and rules.
fn load_crds(path: &std::path::Path) -> Result<Vec<CompiledCrd>, LintError> {
    let (_, resources) = load(path, usize::MAX).map_err(LintError::Crd)?;
    let label = path.display().to_string();
    let crds: Vec<_> = resources.iter().filter_map(crd_of).collect();
    if crds.is_empty() {
        return Err(LintError::Crd(format!(
            "{label}: no CustomResourceDefinition found"
        )));
    }
    crds.iter()
        .map(|c| compile(c).map_err(|e| LintError::Crd(format!("{label}: {}", e.join("; ")))))
        .collect()
}

fn list_rules(rules: &[&'static lint::Rule], out: &mut dyn Write) -> std::io::Result<()> {
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .force_no_tty();
    table.set_header(["CODE", "NAME", "SEVERITY", "SUMMARY"]);
    for r in rules {
        table.add_row([r.code, r.name, r.severity.as_str(), r.summary]);
    }
    writeln!(
        out,
        "{}",
        table
            .to_string()
            .lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    )?;
    Ok(())
}
