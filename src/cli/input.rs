//! Where a read command's configuration comes from: a pod, a dump file, or an admin URL.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

/// The config dump source of a single-proxy command (CLI.md "Where configuration comes from").
#[derive(Debug, Clone, Args)]
#[command(mut_arg("timeout", |a| a.help(
    "Time bound of each live fetch (POD or --admin), e.g. 30s, 500ms, 2m",
)))]
pub struct InputArgs {
    /// The pod to read: name[.namespace], pod/name[.namespace] or deploy/name[.namespace].
    #[arg(value_name = "POD")]
    pub pod: Option<String>,

    /// Envoy config dump file (JSON or YAML, snake_case or camelCase); '-' reads stdin.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub file: Option<PathBuf>,

    /// Envoy admin endpoint to GET URL/config_dump from (e.g. http://localhost:15000).
    #[arg(long, value_name = "URL")]
    pub admin: Option<String>,

    /// `-n`, `--kubeconfig`, `--context`, `--timeout`, `--proxy-admin-port`.
    #[command(flatten)]
    pub kube: super::KubeArgs,
}

/// Parses `N`, `Nms`, `Ns` or `Nm` (a bare number is seconds, as kubectl's timeouts).
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let (digits, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("\"{s}\" is not a duration (e.g. 30s, 500ms, 2m)"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n.saturating_mul(60))),
        _ => Err(format!("\"{s}\" is not a duration (e.g. 30s, 500ms, 2m)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("2h").is_err());
        assert!(parse_duration("s").is_err());
    }
}
