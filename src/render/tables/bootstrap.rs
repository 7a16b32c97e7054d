//! The bootstrap summary (`pc bootstrap -o short`, the head of `pc all`): istioctl's
//! `Istio Version:`, `Istio Proxy Version:`, `Envoy Version:` lines, Go tabwriter with
//! padding 1 (configdump.go `PrintBootstrapSummary`).

use std::io::Write;

use crate::analysis::bootstrap::VersionSummary;
use crate::render::tables::layout::write_go_table;

/// The summary lines, each only when its value is not empty.
pub fn write_version_summary(out: &mut dyn Write, s: &VersionSummary) -> std::io::Result<()> {
    let mut lines: Vec<Vec<String>> = [
        ("Istio Version:", &s.istio_version),
        ("Istio Proxy Version:", &s.istio_proxy_sha),
        ("Envoy Version:", &s.envoy_version),
    ]
    .into_iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(label, value)| vec![label.to_string(), value.clone()])
    .collect();
    if lines.is_empty() {
        return Ok(());
    }
    let first = lines.remove(0);
    let header: Vec<&str> = first.iter().map(String::as_str).collect();
    write_go_table(out, 1, &header, &lines)
}
