//! `pc secret`'s table: istioctl's `RESOURCE NAME  TYPE  STATUS  VALID CERT  SERIAL NUMBER
//! NOT AFTER  NOT BEFORE` (plus `TRUST DOMAIN` when every row has one), Go tabwriter with
//! padding 5 (sds/writer.go `printSecretItemsTabular`).

use std::io::Write;

use crate::analysis::secret::time_text::rfc3339_utc;
use crate::analysis::secret::{CertKind, SecretRow, SecretState};
use crate::render::tables::layout::write_go_table;

const HEADER: [&str; 7] = [
    "RESOURCE NAME",
    "TYPE",
    "STATUS",
    "VALID CERT",
    "SERIAL NUMBER",
    "NOT AFTER",
    "NOT BEFORE",
];

/// istioctl's secret table; `prefix` is `pc all`'s `secret/` before each name.
pub fn write_secrets(out: &mut dyn Write, rows: &[SecretRow], prefix: &str) -> std::io::Result<()> {
    if rows.is_empty() {
        return writeln!(out, "No secret items to show.");
    }
    // Trust domains are shown only when every secret has one (trust domain federation);
    // istioctl cannot tell them from a certificate otherwise.
    let with_trust_domain = rows.iter().all(|r| !r.trust_domain.is_empty());
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut cells = vec![format!("{prefix}{}", r.name)];
            match &r.cert {
                Some(c) => cells.extend([
                    match c.kind {
                        CertKind::Ca => "CA",
                        CertKind::CertChain => "Cert Chain",
                    }
                    .to_string(),
                    state(r.state).to_string(),
                    c.valid.to_string(),
                    c.serial.clone(),
                    rfc3339_utc(c.not_after),
                    rfc3339_utc(c.not_before),
                ]),
                None => cells.extend([
                    String::new(),
                    state(r.state).to_string(),
                    "false".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]),
            }
            if with_trust_domain {
                cells.push(r.trust_domain.clone());
            }
            cells
        })
        .collect();
    let mut header = HEADER.to_vec();
    if with_trust_domain {
        header.push("TRUST DOMAIN");
    }
    write_go_table(out, 5, &header, &cells)
}

fn state(s: SecretState) -> &'static str {
    match s {
        SecretState::Warming => "WARMING",
        SecretState::Active => "ACTIVE",
    }
}
