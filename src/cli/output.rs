//! Output flags shared by commands: `-o` formats and `--color`.

use std::fmt;
use std::str::FromStr;

/// `--color`: decided once in `cmd/`, then passed down as a plain bool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `-o/--output` of the proxy-config commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFormat {
    /// istioctl's table (the default).
    Short,
    /// The table with meshscope's extra columns.
    Wide,
    /// The selected objects as JSON.
    Json,
    /// The selected objects as YAML.
    Yaml,
    /// kubectl-style JSONPath template over the JSON form.
    JsonPath(String),
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // Names in any case (CLI.md); a jsonpath template keeps its own.
        match s.to_ascii_lowercase().as_str() {
            "short" => Ok(OutputFormat::Short),
            "wide" => Ok(OutputFormat::Wide),
            "json" => Ok(OutputFormat::Json),
            "yaml" => Ok(OutputFormat::Yaml),
            _ => match s.get(..9).filter(|p| p.eq_ignore_ascii_case("jsonpath=")) {
                Some(_) => Ok(OutputFormat::JsonPath(s[9..].to_string())),
                // istioctl's wording (proxyconfig.go), so scripts that grep for it keep working.
                None => Err(format!("output format \"{s}\" not supported")),
            },
        }
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputFormat::Short => f.write_str("short"),
            OutputFormat::Wide => f.write_str("wide"),
            OutputFormat::Json => f.write_str("json"),
            OutputFormat::Yaml => f.write_str("yaml"),
            OutputFormat::JsonPath(t) => write!(f, "jsonpath={t}"),
        }
    }
}
