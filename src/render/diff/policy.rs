//! `diff -o text`'s PeerAuthentication section: per side, the policy its proxy composes to
//! and each inbound port's mode, policy against chains. Lays out what
//! `analysis::mtls_policy` decided; every name is sanitised.

use std::io::Write;

use crate::analysis::mtls::policy::PolicyCheck;
use crate::render::tables::layout::{Paint, write_titled_table_fit};
use crate::render::terminal::{Terminal, wrap_text};
use crate::util::sanitize::sanitize;

/// `diff DUMP --resources PA…`: the one dump's label, then its check (there is no diff).
pub fn write_check(
    out: &mut dyn Write,
    dump: &str,
    check: &PolicyCheck,
    term: Terminal,
) -> std::io::Result<()> {
    writeln!(out, "DUMP: {}", sanitize(dump))?;
    write_policy(out, check, term)
}

/// A disagreement in red, an agreement in green (the AGREE column).
fn paint_agreement(_row: usize, column: usize, text: &str) -> Option<String> {
    use colored::Colorize;
    match (column, text) {
        (4, "NO") => Some(text.red().bold().to_string()),
        (4, "yes") => Some(text.green().to_string()),
        _ => None,
    }
}

/// Writes the section after the diff.
pub fn write_policy(
    out: &mut dyn Write,
    check: &PolicyCheck,
    term: Terminal,
) -> std::io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "PeerAuthentication (the mode the policies give each proxy)"
    )?;
    let sides = match check {
        PolicyCheck::Sides(sides) => sides,
        PolicyCheck::Unavailable(why) => {
            return writeln!(out, "not checked: {}", sanitize(why));
        }
    };
    let mut rows = Vec::new();
    for s in sides {
        let side = s.side.to_uppercase();
        let (Some(workload), Some(policy)) = (&s.workload, &s.policy) else {
            writeln!(
                out,
                "{side}: not checked: the dump has no bootstrap node.metadata.NAMESPACE"
            )?;
            continue;
        };
        let from: Vec<String> = policy
            .applied
            .iter()
            .map(|a| format!("{} {} {}", a.level.as_str(), sanitize(&a.id), a.mode))
            .collect();
        writeln!(
            out,
            "{side}: {}: {}{}",
            sanitize(&workload.short()),
            policy.mode,
            if from.is_empty() {
                " (no policy applies: Istio's default)".to_string()
            } else {
                format!(" from {}", from.join(", "))
            }
        )?;
        for (port, mode) in &policy.ports {
            writeln!(out, "  port {port}: {mode} (portLevelMtls)")?;
        }
        for i in &policy.ignored {
            writeln!(
                out,
                "  ignored {}: {}",
                sanitize(&i.id),
                sanitize(&i.reason)
            )?;
        }
        rows.extend(s.ports.iter().map(|p| {
            vec![
                side.clone(),
                sanitize(&p.chains).into_owned(),
                p.policy.to_string(),
                p.dump.as_str().to_string(),
                if p.agrees { "yes" } else { "NO" }.to_string(),
            ]
        }));
    }
    writeln!(out)?;
    if rows.is_empty() {
        return Ok(());
    }
    write_titled_table_fit(
        out,
        "policy against chains (virtualInbound)",
        &["SIDE", "PORT", "POLICY", "CHAINS", "AGREE"],
        rows,
        term.width,
        term.color.then_some(&paint_agreement as Paint<'_>),
    )?;
    let disagreeing = check.disagreements();
    if disagreeing > 0 {
        let why = format!(
            "{disagreeing} port(s) disagree: the proxy has not received the policy yet, or an \
             EnvoyFilter or Sidecar ingress TLS changes the chains"
        );
        match term.width {
            Some(width) => writeln!(out, "{}", wrap_text(&why, width))?,
            None => writeln!(out, "{why}")?,
        }
    }
    Ok(())
}
