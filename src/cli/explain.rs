//! `meshscope explain`: each filter chain in plain words, and Envoy's chain selection
//! simulated for one connection (CLI.md `explain`).

use std::net::IpAddr;

use clap::{Args, ValueEnum};

use super::InputArgs;

/// `explain` flags.
#[derive(Debug, Args)]
#[command(after_help = "Examples:\n  \
    # Every inbound chain in plain words, then warnings\n  \
    meshscope explain -f config_dump.json --port 15006\n\n  \
    # Which chain takes a plaintext HTTP/1.1 connection to port 80, and why not the others\n  \
    meshscope explain -f config_dump.json --port 15006 --dst-port 80 --alpn http/1.1\n\n  \
    # An mTLS connection from another sidecar, as a Graphviz picture\n  \
    meshscope explain -f config_dump.json --port 15006 --dst-port 80 --transport tls \\\n      \
    --alpn istio-http/1.1 -o dot | dot -Tsvg > chains.svg\n\n\
    Exit status: 0 explained (a connection that no chain takes is an answer, not an error);\n\
    2 an input could not be read, parsed or fetched, or bad flags.")]
pub struct ExplainArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Explain the listeners on this port (the listener's own port; 0 = all). Without it,
    /// every listener, or with --dst-port only the listeners that could take that
    /// connection: the one bound to its destination, capture listeners, internal ones.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u32>,

    /// Simulate a connection to this destination port (after original_dst).
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u32).range(1..=65535))]
    pub dst_port: Option<u32>,

    /// Destination IP of the simulated connection [default: 10.0.0.1].
    #[arg(long, value_name = "IP", requires = "dst_port")]
    pub dst_ip: Option<IpAddr>,

    /// Transport protocol as Envoy sees it [default: raw_buffer].
    #[arg(long, value_enum, value_name = "PROTOCOL", requires = "dst_port")]
    pub transport: Option<Transport>,

    /// ALPN values in client order, comma-separated (or the sniffed plaintext HTTP version).
    #[arg(
        long,
        value_name = "A[,B]",
        value_delimiter = ',',
        requires = "dst_port"
    )]
    pub alpn: Vec<String>,

    /// SNI (server name) from the TLS ClientHello.
    #[arg(long, value_name = "NAME", requires = "dst_port")]
    pub sni: Option<String>,

    /// Source IP of the simulated connection [default: 10.0.0.2].
    #[arg(long, value_name = "IP", requires = "dst_port")]
    pub src_ip: Option<IpAddr>,

    /// Source port of the simulated connection [default: 40000].
    #[arg(long, value_name = "PORT", requires = "dst_port")]
    pub src_port: Option<u32>,

    /// Directly connected peer's IP, when PROXY protocol rewrote the source [default: --src-ip].
    #[arg(long, value_name = "IP", requires = "dst_port")]
    pub direct_src_ip: Option<IpAddr>,

    /// Where the connection comes from [default: external].
    #[arg(long, value_enum, value_name = "TYPE", requires = "dst_port")]
    pub src_type: Option<SrcType>,

    /// Simulate filter_chain_matcher listeners with the matcher rules of this Envoy release
    /// (X.Y) instead of the dump's own (bootstrap node.user_agent_build_version); without
    /// either, today's rules. Envoy 1.35 changed what follows a nested matcher that does not
    /// match, prefix-map retries and keep_matching.
    #[arg(long, value_name = "X.Y", value_parser = parse_envoy_version)]
    pub envoy_version: Option<EnvoyVersionArg>,

    /// Output format: text, json, or dot (Graphviz).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ExplainFormat::Text, value_name = "FORMAT")]
    pub output: ExplainFormat,
}

/// `--envoy-version`: an Envoy release; a patch number is accepted and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvoyVersionArg {
    pub major: u32,
    pub minor: u32,
}

fn parse_envoy_version(text: &str) -> Result<EnvoyVersionArg, String> {
    let bad = || format!("expected an Envoy release such as 1.35, not {text:?}");
    let mut parts = text.strip_prefix('v').unwrap_or(text).split('.');
    let mut number =
        || -> Result<u32, String> { parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad) };
    let version = EnvoyVersionArg {
        major: number()?,
        minor: number()?,
    };
    match parts.next() {
        None => Ok(version),
        Some(patch) if patch.parse::<u32>().is_ok() && parts.next().is_none() => Ok(version),
        Some(_) => Err(bad()),
    }
}

/// `--transport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Transport {
    /// A TLS ClientHello was seen (tls_inspector).
    Tls,
    /// Nothing was detected.
    #[value(name = "raw_buffer")]
    RawBuffer,
}

/// `--src-type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SrcType {
    /// The peer is on the same host (same IP or loopback).
    Local,
    /// The peer is another host.
    External,
}

/// `explain -o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
    Dot,
}
