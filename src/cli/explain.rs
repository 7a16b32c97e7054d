//! `meshscope explain`: each filter chain in plain words, and Envoy's chain selection
//! simulated for one connection (CLI.md `explain`).

use std::net::{IpAddr, SocketAddr};

use clap::{ArgGroup, Args, ValueEnum};

use super::InputArgs;
use super::request::{RequestArg, parse_header, parse_request};

/// `explain` flags.
#[derive(Debug, Args)]
#[command(group(ArgGroup::new("destination").args(["dst", "dst_port", "authority"]).multiple(false)))]
#[command(after_help = "Examples:\n  \
    # Where a connection from the application to 10.96.88.150:8000 goes: the capture\n  \
    # listener, Envoy's hand-off to the listener bound to it, then that listener's chain\n  \
    meshscope explain -f config_dump.json --dst 10.96.88.150:8000 --alpn http/1.1\n\n  \
    # Outbound HBONE from a sidecar: the cluster's host at connect_originate, its CONNECT\n  \
    # tunnel, and the ORIGINAL_DST cluster to port 15008\n  \
    meshscope explain -f config_dump.json --dst 10.96.45.12:3306 -o dot | dot -Tsvg > way.svg\n\n  \
    # An HBONE connection into a waypoint, for the service 10.96.1.201:9080\n  \
    meshscope explain -f waypoint_dump.json --hbone --authority 10.96.1.201:9080\n\n  \
    # Every inbound chain in plain words, then warnings\n  \
    meshscope explain -f config_dump.json --port 15006\n\n  \
    # Where a request goes from the application: listener, chain, route configuration,\n  \
    # virtual host, route, cluster and endpoints\n  \
    meshscope explain -f config_dump.json \\\n      \
    --request 'GET http://httpbin.default:8000/status/418' -H 'end-user: jason'\n\n  \
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
    /// a simulated connection (--dst, --dst-port) follows its way: the capture listener,
    /// Envoy's hand-off by original destination, and the listener whose chains decide;
    /// then past the chain that takes it: the tcp_proxy's cluster, its hosts (the dump's
    /// clusters and endpoints sections), and an internal listener a host leads to with
    /// its own chain and tunnel (outbound HBONE through connect_originate). A listener on
    /// --port that hands off (use_original_dst, Istio's virtualOutbound) shows its
    /// hand-off too.
    #[arg(long, value_name = "PORT")]
    pub port: Option<u32>,

    /// Simulate a connection to this destination (after original_dst), IP:PORT or
    /// [IPv6]:PORT; the same as --dst-ip IP --dst-port PORT.
    #[arg(long, value_name = "IP:PORT", conflicts_with = "dst_ip")]
    pub dst: Option<SocketAddr>,

    /// Which capture listener a sidecar's connection arrives on: outbound (from the
    /// application, virtualOutbound) or inbound (to it, virtualInbound) [default: inbound
    /// when the destination is one of the pod's own addresses (bootstrap INSTANCE_IPS),
    /// else outbound]. A proxy without capture listeners (a gateway) takes a connection on
    /// the listener bound to its destination.
    #[arg(long, value_enum, value_name = "DIRECTION", requires = "destination")]
    pub direction: Option<DirectionArg>,

    /// Simulate an HBONE connection into a waypoint: mTLS HTTP/2 on connect_terminate
    /// (15008), its CONNECT route, the internal listener (main_internal) it leads to, and
    /// that listener's filter_chain_matcher for the tunnelled connection to --authority.
    /// --transport, --alpn and --sni then describe the tunnelled stream.
    #[arg(
        long,
        requires = "authority",
        conflicts_with_all = ["port", "direction"]
    )]
    pub hbone: bool,

    /// The CONNECT authority of an --hbone connection, IP:PORT ([IPv6]:PORT): the
    /// tunnelled connection's destination.
    #[arg(long, value_name = "IP:PORT", requires = "hbone")]
    pub authority: Option<SocketAddr>,

    /// Filter state the connection carries, KEY=VALUE (repeatable), for a matcher's
    /// FilterStateInput. With --hbone, io.istio.connect_authority is the authority unless
    /// given (multi-network waypoints match on it first).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_key_value, requires = "destination")]
    pub filter_state: Vec<(String, String)>,

    /// Simulate a connection to this destination port (after original_dst).
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u32).range(1..=65535))]
    pub dst_port: Option<u32>,

    /// Destination IP of the simulated connection [default: 10.0.0.1].
    #[arg(
        long,
        value_name = "IP",
        requires = "destination",
        conflicts_with = "authority"
    )]
    pub dst_ip: Option<IpAddr>,

    /// Transport protocol as Envoy sees it [default: raw_buffer; tls when --sni is given].
    #[arg(long, value_enum, value_name = "PROTOCOL", requires = "destination")]
    pub transport: Option<Transport>,

    /// ALPN values in client order, comma-separated (or the sniffed plaintext HTTP version).
    #[arg(
        long,
        value_name = "A[,B]",
        value_delimiter = ',',
        requires = "destination"
    )]
    pub alpn: Vec<String>,

    /// SNI (server name) from the TLS ClientHello.
    #[arg(long, value_name = "NAME", requires = "destination")]
    pub sni: Option<String>,

    /// Source IP of the simulated connection [default: 10.0.0.2].
    #[arg(long, value_name = "IP", requires = "destination")]
    pub src_ip: Option<IpAddr>,

    /// Source port of the simulated connection [default: 40000].
    #[arg(long, value_name = "PORT", requires = "destination")]
    pub src_port: Option<u32>,

    /// Directly connected peer's IP, when PROXY protocol rewrote the source [default: --src-ip].
    #[arg(long, value_name = "IP", requires = "destination")]
    pub direct_src_ip: Option<IpAddr>,

    /// Where the connection comes from [default: derived from --src-ip/--dst-ip: local when
    /// the source is 127.0.0.1 or ::1 or the destination's own IP, as Envoy decides it].
    #[arg(long, value_enum, value_name = "TYPE", requires = "destination")]
    pub src_type: Option<SrcType>,

    /// Simulate filter_chain_matcher listeners with the matcher rules of this Envoy release
    /// (X.Y) instead of the dump's own (bootstrap node.user_agent_build_version); without
    /// either, today's rules. Envoy 1.35 changed what follows a nested matcher that does not
    /// match, prefix-map retries and keep_matching.
    #[arg(long, value_name = "X.Y", value_parser = parse_envoy_version)]
    pub envoy_version: Option<EnvoyVersionArg>,

    /// Follow an HTTP request past the selected chain, 'METHOD URL' (e.g. 'GET
    /// http://httpbin.default:8000/status/418', or 'GET /path' with -H 'host: …'): the
    /// route configuration (inline, or by name from the dump's routes section), the virtual
    /// host and route in Envoy's matching order, the route's action, the cluster(s) and
    /// their endpoints. The Host is the URL's authority; --alpn defaults to http/1.1 on a
    /// plaintext connection. Without --dst or --port, the destination is the URL's host if
    /// it is an IP address (port: the URL's, else 80 or 443), else the one address the
    /// dump's route configuration for the port lists beside that name (Istio lists a
    /// Service's address among its domains; the mesh's DNS answers the name with it); with
    /// none, --dst is needed. On a tcp_proxy chain it shows the cluster(s) and endpoints
    /// instead.
    #[arg(long, value_name = "METHOD URL", value_parser = parse_request, conflicts_with = "hbone")]
    pub request: Option<RequestArg>,

    /// A header of the --request, 'name: value' (repeatable); 'host: …' replaces the URL's
    /// authority.
    #[arg(
        short = 'H',
        long = "header",
        value_name = "NAME: VALUE",
        value_parser = parse_header,
        requires = "request"
    )]
    pub headers: Vec<(String, String)>,

    /// Output format: text, json, or dot (Graphviz).
    #[arg(short = 'o', long = "output", value_enum, default_value_t = ExplainFormat::Text, value_name = "FORMAT")]
    pub output: ExplainFormat,
}

/// `--direction`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DirectionArg {
    /// From the application out: virtualOutbound (15001).
    Outbound,
    /// Into the application: virtualInbound (15006).
    Inbound,
}

fn parse_key_value(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("expected KEY=VALUE, not {text:?}")),
    }
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
