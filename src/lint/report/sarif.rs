//! `-o sarif`: SARIF 2.1.0 built with serde-sarif's typed builders, for GitHub code scanning
//! (tool.driver.rules with id and help; results with ruleId, level, message and a physical
//! location with startLine/startColumn).

use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, Message, MultiformatMessageString, Notification,
    PhysicalLocation, Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult,
    ResultLevel, Run, SCHEMA_URL, Sarif, Tool, ToolComponent, Version,
};

use crate::lint::finding::{Finding, Severity};
use crate::lint::rules::Rule;

use super::rule_docs::page_url;

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Info => ResultLevel::Note,
    }
}

fn text(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(s.to_string())
        .build()
}

fn descriptor(rule: &Rule, rules_url: Option<&str>) -> ReportingDescriptor {
    let help = MultiformatMessageString::builder()
        .text(rule.hint.to_string())
        .markdown(rule.docs.to_string())
        .build();
    let config = ReportingConfiguration::builder()
        .level(serde_json::json!(level_name(rule.severity)))
        .build();
    let builder = ReportingDescriptor::builder()
        .id(rule.code.to_string())
        .name(rule.name.to_string())
        .short_description(text(rule.summary))
        .full_description(text(rule.summary))
        .help(help)
        .default_configuration(config);
    // A link is only given where the page is known to be published; otherwise code
    // scanning shows the same page from `help.markdown`, and no link points nowhere.
    match rules_url {
        Some(base) => builder.help_uri(page_url(base, rule)).build(),
        None => builder.build(),
    }
}

fn level_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Where a finding's file is, as code scanning wants it: relative to the directory the
/// run started in, with `uriBaseId` `%SRCROOT%` (GitHub resolves it against the checkout),
/// `/`-separated. A file outside that directory keeps an absolute `file://` URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    let p = std::path::Path::new(path);
    let relative = match std::env::current_dir() {
        Ok(cwd) if p.is_absolute() => p.strip_prefix(&cwd).ok().map(|r| r.to_path_buf()),
        _ if p.is_absolute() => None,
        _ => Some(p.strip_prefix(".").unwrap_or(p).to_path_buf()),
    };
    match relative {
        Some(r) => {
            let parts: Vec<String> = r
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            ArtifactLocation::builder()
                .uri(parts.join("/"))
                .uri_base_id("%SRCROOT%".to_string())
                .build()
        }
        None => ArtifactLocation::builder()
            .uri(format!("file://{}", p.display()))
            .build(),
    }
}

fn result(f: &Finding, rules: &[&'static Rule]) -> SarifResult {
    let region = Region::builder()
        .start_line(f.line as i64)
        .start_column(f.column as i64)
        .build();
    let artifact = artifact_location(&f.path);
    let physical = PhysicalLocation::builder()
        .artifact_location(artifact)
        .region(region)
        .build();
    let location = Location::builder().physical_location(physical).build();
    let message = Message::builder()
        .text(format!("{} ({})", f.message, f.hint))
        .build();
    let builder = SarifResult::builder()
        .rule_id(f.code.to_string())
        .level(level(f.severity))
        .message(message)
        .locations(vec![location]);
    match rules.iter().position(|r| r.code == f.code) {
        Some(i) => builder.rule_index(i as i64).build(),
        None => builder.build(),
    }
}

/// Writes one SARIF log with one run; `rules` are the rules that ran; `rules_url` the
/// published `docs/rules` folder, if known.
pub fn write(
    findings: &[Finding],
    rules: &[&'static Rule],
    unchecked: &[String],
    rules_url: Option<&str>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let driver = ToolComponent::builder()
        .name("meshscope".to_string())
        .semantic_version(env!("CARGO_PKG_VERSION").to_string())
        .rules(
            rules
                .iter()
                .map(|r| descriptor(r, rules_url))
                .collect::<Vec<_>>(),
        )
        .build();
    // SARIF's own place for inputs that could not be checked: an unsuccessful invocation
    // with one error notification each.
    let invocation = Invocation::builder()
        .execution_successful(unchecked.is_empty())
        .tool_execution_notifications(
            unchecked
                .iter()
                .map(|u| {
                    Notification::builder()
                        .message(Message::builder().text(u.clone()).build())
                        .level(serde_json::json!("error"))
                        .build()
                })
                .collect::<Vec<_>>(),
        )
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .invocations(vec![invocation])
        .results(
            findings
                .iter()
                .map(|f| result(f, rules))
                .collect::<Vec<_>>(),
        )
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URL.to_string())
        .version(serde_json::json!(Version::V2_1_0.to_string()))
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
