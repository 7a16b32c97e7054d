//! Writes a large, Istio-like sidecar config dump for benchmarks, deterministically.
//!
//! ```text
//! cargo run --release --example gen_dump -- [--size MB | --services N] [--seed S] [--endpoints] > dump.json
//! ```
//! Per service: an outbound listener (HCM for HTTP services, tcp_proxy for TCP ones, with a
//! passthrough chain), an EDS cluster with an mTLS transport socket, a route configuration
//! with virtual hosts, and with `--endpoints` its endpoints. Plus a bootstrap, a
//! virtualInbound whose HCMs carry ECDS Wasm filters, virtualOutbound (use_original_dst), the
//! ECDS section, and secrets.
//! `--size` picks the service count for roughly that many megabytes.

use std::io::{self, BufWriter, Write};

use serde_json::{Value, json};

/// Bytes one service adds, measured on this generator (without / with endpoints).
const BYTES_PER_SERVICE: [usize; 2] = [12_300, 16_800];

struct Args {
    services: usize,
    seed: u64,
    endpoints: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        services: 1000,
        seed: 1,
        endpoints: false,
    };
    let mut size_mb = None;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or(format!("{name} takes a number"))
        };
        match a.as_str() {
            "--services" => args.services = value("--services")? as usize,
            "--size" => size_mb = Some(value("--size")? as usize),
            "--seed" => args.seed = value("--seed")?,
            "--endpoints" => args.endpoints = true,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if let Some(mb) = size_mb {
        args.services = (mb << 20) / BYTES_PER_SERVICE[usize::from(args.endpoints)];
    }
    Ok(args)
}

/// xorshift64*: small, deterministic, good enough to vary names and shapes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// One generated service.
struct Service {
    host: String,
    ip: String,
    port: u16,
    http: bool,
    vhosts: usize,
    endpoints: usize,
}

fn services(args: &Args) -> Vec<Service> {
    let mut rng = Rng(args.seed.max(1) * 0x9e37_79b9_7f4a_7c15);
    (0..args.services)
        .map(|i| {
            let ns = format!("ns-{}", rng.below(40));
            let port = [80, 8080, 9080, 5432, 6379, 443][rng.below(6) as usize];
            Service {
                host: format!("svc-{i}.{ns}.svc.cluster.local"),
                ip: format!("10.{}.{}.{}", 96 + i / 65536 % 100, i / 256 % 256, i % 256),
                port,
                http: !matches!(port, 5432 | 6379),
                vhosts: 1 + rng.below(6) as usize,
                endpoints: 1 + rng.below(5) as usize,
            }
        })
        .collect()
}

fn main() -> io::Result<()> {
    let args = parse_args().map_err(io::Error::other)?;
    let svcs = services(&args);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 20, stdout.lock());
    write!(out, "{{\n \"configs\": [\n")?;
    write_value(&mut out, &bootstrap(args.seed))?;
    section(
        &mut out,
        "ClustersConfigDump",
        "dynamic_active_clusters",
        &svcs,
        |s| {
            json!({"version_info": "2026-01-01T00:00:00Z/42", "cluster": cluster(s),
               "last_updated": "2026-01-01T00:00:01.000Z"})
        },
    )?;
    writeln!(out, ",")?;
    write_value(&mut out, &ecds())?;
    if args.endpoints {
        section(
            &mut out,
            "EndpointsConfigDump",
            "dynamic_endpoint_configs",
            &svcs,
            |s| json!({"version_info": "v1", "endpoint_config": endpoints(s)}),
        )?;
    }
    write!(
        out,
        ",\n{{\"@type\": \"type.googleapis.com/envoy.admin.v3.ListenersConfigDump\", \"version_info\": \"v1\", \"dynamic_listeners\": [\n"
    )?;
    write_value(&mut out, &dynamic(virtual_inbound()))?;
    writeln!(out, ",")?;
    write_value(&mut out, &dynamic(virtual_outbound()))?;
    for s in &svcs {
        writeln!(out, ",")?;
        write_value(&mut out, &dynamic(outbound_listener(s)))?;
    }
    write!(out, "]}}")?;
    section(
        &mut out,
        "RoutesConfigDump",
        "dynamic_route_configs",
        &svcs,
        |s| json!({"version_info": "v1", "route_config": route(s, &svcs)}),
    )?;
    writeln!(out, ",")?;
    write_value(&mut out, &secrets())?;
    writeln!(out, "\n ]\n}}")?;
    out.flush()
}

fn section(
    out: &mut impl Write,
    kind: &str,
    field: &str,
    svcs: &[Service],
    item: impl Fn(&Service) -> Value,
) -> io::Result<()> {
    write!(
        out,
        ",\n{{\"@type\": \"type.googleapis.com/envoy.admin.v3.{kind}\", \"{field}\": [\n"
    )?;
    for (i, s) in svcs.iter().enumerate() {
        if i > 0 {
            writeln!(out, ",")?;
        }
        write_value(out, &item(s))?;
    }
    write!(out, "]}}")
}

fn write_value(out: &mut impl Write, v: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(io::Error::other)
}

fn bootstrap(seed: u64) -> Value {
    json!({"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
        "bootstrap": {"node": {"id": format!("sidecar~10.244.0.{}~bench-0.default~default.svc.cluster.local", seed % 250),
            "cluster": "bench.default",
            "metadata": {"NAMESPACE": "default", "ISTIO_VERSION": "1.30.0", "WORKLOAD_NAME": "bench",
                "LABELS": {"app": "bench", "version": "v1"}}}},
        "last_updated": "2026-01-01T00:00:00Z"})
}

const WASM_NAME: &str =
    "extensions.istio.io/trafficextension/default.bench~istio-translated-wasmplugin";

fn ecds() -> Value {
    json!({"@type": "type.googleapis.com/envoy.admin.v3.EcdsConfigDump", "ecds_filters": [{
        "version_info": "v1",
        "ecds_filter": {"@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig", "name": WASM_NAME,
            "typed_config": {"@type": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                "config": {"name": "default.bench~istio-translated-wasmplugin", "root_id": "bench",
                    "vm_config": {"runtime": "envoy.wasm.runtime.v8", "code": {"local": {"filename":
                        "/var/lib/istio/data/0b5e1f3c7a9d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f/1f2e3d4c5b6a79880f1e2d3c4b5a69788f7e6d5c4b3a2918f7e6d5c4b3a29180.wasm"}}},
                    "configuration": {"@type": "type.googleapis.com/google.protobuf.StringValue", "value": "{}"},
                    "failure_policy": "FAIL_CLOSED"}}},
        "last_updated": "2026-01-01T00:00:02.000Z"}]})
}

fn dynamic(listener: Value) -> Value {
    let name = listener["name"].clone();
    json!({"name": name, "active_state": {"version_info": "v1", "listener": listener,
        "last_updated": "2026-01-01T00:00:00Z"}})
}

fn mtls_socket(sni: Option<&str>) -> Value {
    let mut ctx = json!({"@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        "common_tls_context": {"alpn_protocols": ["istio-peer-exchange", "istio"],
            "tls_certificate_sds_secret_configs": [{"name": "default", "sds_config": {"api_config_source": {
                "api_type": "GRPC", "grpc_services": [{"envoy_grpc": {"cluster_name": "sds-grpc"}}],
                "transport_api_version": "V3"}, "resource_api_version": "V3"}}],
            "combined_validation_context": {"default_validation_context": {"match_subject_alt_names": [
                {"exact": "spiffe://cluster.local/ns/default/sa/bench"}]},
                "validation_context_sds_secret_config": {"name": "ROOTCA", "sds_config": {"api_config_source": {
                    "api_type": "GRPC", "grpc_services": [{"envoy_grpc": {"cluster_name": "sds-grpc"}}],
                    "transport_api_version": "V3"}, "resource_api_version": "V3"}}}}});
    if let Some(sni) = sni {
        ctx["sni"] = json!(sni);
    }
    json!({"name": "envoy.transport_sockets.tls", "typed_config": ctx})
}

fn cluster(s: &Service) -> Value {
    let name = format!("outbound|{}||{}", s.port, s.host);
    json!({"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster", "name": name, "type": "EDS",
        "eds_cluster_config": {"eds_config": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
            "service_name": name},
        "connect_timeout": "10s", "lb_policy": "LEAST_REQUEST",
        "circuit_breakers": {"thresholds": [{"max_connections": 4294967295u32, "max_pending_requests": 4294967295u32,
            "max_requests": 4294967295u32, "max_retries": 4294967295u32, "track_remaining": true}]},
        "common_lb_config": {"locality_weighted_lb_config": {}},
        "metadata": {"filter_metadata": {"istio": {"services": [{"host": s.host, "name": s.host.split('.').next(),
            "namespace": s.host.split('.').nth(1)}]}}},
        "transport_socket_matches": [{"name": "tlsMode-istio", "match": {"tlsMode": "istio"},
            "transport_socket": mtls_socket(Some(&format!("outbound_.{}_._.{}", s.port, s.host)))},
            {"name": "tlsMode-disabled", "match": {}, "transport_socket": {"name": "envoy.transport_sockets.raw_buffer",
                "typed_config": {"@type": "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer"}}}]})
}

fn endpoints(s: &Service) -> Value {
    let lb: Vec<Value> = (0..s.endpoints)
        .map(|k| json!({"endpoint": {"address": {"socket_address": {"address": format!("10.244.{}.{}", k, s.port % 250), "port_value": s.port}},
            "health_check_config": {}}, "health_status": "HEALTHY",
            "metadata": {"filter_metadata": {"istio": {"workload": format!("{};default;v1;;Kubernetes", s.host)},
                "envoy.transport_socket_match": {"tlsMode": "istio"}}}, "load_balancing_weight": 1}))
        .collect();
    json!({"@type": "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
        "cluster_name": format!("outbound|{}||{}", s.port, s.host),
        "endpoints": [{"locality": {"region": "r1", "zone": "z1"}, "lb_endpoints": lb, "load_balancing_weight": s.endpoints}]})
}

fn http_filters(wasm: bool) -> Vec<Value> {
    let mut filters = vec![json!({"name": "istio.metadata_exchange", "typed_config": {
        "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
        "type_url": "type.googleapis.com/io.istio.http.peer_metadata.Config", "value": {"upstream_discovery": [{"istio_headers": {}}]}}})];
    if wasm {
        filters.push(json!({"name": WASM_NAME, "config_discovery": {"config_source": {"ads": {}, "initial_fetch_timeout": "0s",
            "resource_api_version": "V3"}, "type_urls": ["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
            "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"]}}));
    }
    for (name, ty) in [
        (
            "envoy.filters.http.grpc_stats",
            "grpc_stats.v3.FilterConfig",
        ),
        ("envoy.filters.http.fault", "fault.v3.HTTPFault"),
        ("envoy.filters.http.cors", "cors.v3.Cors"),
        ("istio.stats", "stats.PluginConfig"),
        ("envoy.filters.http.router", "router.v3.Router"),
    ] {
        filters.push(json!({"name": name, "typed_config": {"@type": format!("type.googleapis.com/envoy.extensions.filters.http.{ty}")}}));
    }
    filters
}

fn hcm(stat_prefix: &str, route: Value, wasm: bool) -> Value {
    let mut typed = json!({"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": stat_prefix, "http_filters": http_filters(wasm), "tracing": {"client_sampling": {"value": 100}, "random_sampling": {"value": 1}},
        "use_remote_address": false, "upgrade_configs": [{"upgrade_type": "websocket"}], "normalize_path": true,
        "access_log": [{"name": "envoy.access_loggers.file", "typed_config": {"@type": "type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog", "path": "/dev/stdout"}}]});
    if route.is_string() {
        typed["rds"] = json!({"config_source": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"}, "route_config_name": route});
    } else {
        typed["route_config"] = route;
    }
    json!({"name": "envoy.filters.network.http_connection_manager", "typed_config": typed})
}

fn tcp_proxy(cluster: &str) -> Value {
    json!({"name": "envoy.filters.network.tcp_proxy", "typed_config": {
        "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
        "stat_prefix": cluster, "cluster": cluster, "access_log": [{"name": "envoy.access_loggers.file"}]}})
}

fn outbound_listener(s: &Service) -> Value {
    let cluster = format!("outbound|{}||{}", s.port, s.host);
    let main = if s.http {
        json!({"filter_chain_match": {"transport_protocol": "raw_buffer", "application_protocols": ["http/1.1", "h2c"]},
            "filters": [hcm(&format!("outbound_{}_{}", s.ip, s.port), json!(s.port.to_string()), true)]})
    } else {
        json!({"filters": [tcp_proxy(&cluster)]})
    };
    json!({"@type": "type.googleapis.com/envoy.config.listener.v3.Listener",
        "name": format!("{}_{}", s.ip, s.port), "address": {"socket_address": {"address": s.ip, "port_value": s.port}},
        "filter_chains": [main, {"filter_chain_match": {}, "filters": [tcp_proxy("PassthroughCluster")], "name": "PassthroughFilterChain"}],
        "listener_filters": [{"name": "envoy.filters.listener.tls_inspector", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"}},
            {"name": "envoy.filters.listener.http_inspector", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector"}}],
        "listener_filters_timeout": "0s", "continue_on_listener_filters_timeout": true,
        "traffic_direction": "OUTBOUND", "bind_to_port": false})
}

fn virtual_inbound() -> Value {
    let route = |cluster: &str, vhost: &str| {
        json!({"name": cluster, "virtual_hosts": [{"name": vhost, "domains": ["*"],
        "routes": [{"match": {"prefix": "/"}, "route": {"cluster": cluster, "timeout": "0s"}, "decorator": {"operation": ":80/*"}}]}],
        "validate_clusters": false})
    };
    let tls = mtls_socket(None);
    json!({"@type": "type.googleapis.com/envoy.config.listener.v3.Listener", "name": "virtualInbound",
        "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15006}},
        "filter_chains": [
            {"name": "virtualInbound-blackhole", "filter_chain_match": {"destination_port": 15006}, "filters": [tcp_proxy("BlackHoleCluster")]},
            {"name": "virtualInbound-catchall-http", "filter_chain_match": {"transport_protocol": "tls", "application_protocols": ["istio-http/1.0", "istio-http/1.1", "istio-h2"]},
             "filters": [hcm("InboundPassthroughCluster", route("InboundPassthroughCluster", "inbound|http|0"), true)], "transport_socket": tls},
            {"name": "virtualInbound-catchall-http", "filter_chain_match": {"transport_protocol": "raw_buffer", "application_protocols": ["http/1.1", "h2c"]},
             "filters": [hcm("InboundPassthroughCluster", route("InboundPassthroughCluster", "inbound|http|0"), true)]},
            {"name": "virtualInbound", "filter_chain_match": {"transport_protocol": "raw_buffer"}, "filters": [tcp_proxy("InboundPassthroughCluster")]},
            {"name": "0.0.0.0_80", "filter_chain_match": {"destination_port": 80, "transport_protocol": "tls",
                "application_protocols": ["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"]},
             "filters": [hcm("inbound_0.0.0.0_80", route("inbound|80||", "inbound|http|8000"), true)], "transport_socket": mtls_socket(None)},
            {"name": "0.0.0.0_80", "filter_chain_match": {"destination_port": 80, "transport_protocol": "raw_buffer"},
             "filters": [hcm("inbound_0.0.0.0_80", route("inbound|80||", "inbound|http|8000"), true)]}],
        "listener_filters": [{"name": "envoy.filters.listener.original_dst", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst"}},
            {"name": "envoy.filters.listener.tls_inspector", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"},
             "filter_disabled": {"destination_port_range": {"start": 15006, "end": 15007}}}],
        "traffic_direction": "INBOUND", "continue_on_listener_filters_timeout": true})
}

/// Istio's outbound capture listener: hands connections off by original destination.
fn virtual_outbound() -> Value {
    json!({"@type": "type.googleapis.com/envoy.config.listener.v3.Listener", "name": "virtualOutbound",
        "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15001}},
        "filter_chains": [
            {"name": "virtualOutbound-blackhole", "filter_chain_match": {"destination_port": 15001}, "filters": [tcp_proxy("BlackHoleCluster")]},
            {"name": "virtualOutbound-catchall-tcp", "filters": [tcp_proxy("PassthroughCluster")]}],
        "use_original_dst": true, "traffic_direction": "OUTBOUND"})
}

fn route(s: &Service, all: &[Service]) -> Value {
    let hosts: Vec<Value> = (0..s.vhosts)
        .map(|k| {
            let t = &all[(s.ip.len() * 31 + k * 7919 + s.port as usize) % all.len()];
            json!({"name": format!("{}:{}", t.host, t.port), "domains": [t.host, format!("{}:{}", t.host, t.port)],
                "routes": [{"name": "default", "match": {"prefix": "/"}, "route": {"cluster": format!("outbound|{}||{}", t.port, t.host),
                    "timeout": "0s", "retry_policy": {"retry_on": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes",
                    "num_retries": 2, "retry_host_predicate": [{"name": "envoy.retry_host_predicates.previous_hosts"}],
                    "host_selection_retry_max_attempts": "5", "retriable_status_codes": [503]}, "max_grpc_timeout": "0s"},
                    "decorator": {"operation": format!("{}:{}/*", t.host, t.port)}}], "include_request_attempt_count": true})
        })
        .collect();
    json!({"@type": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "name": s.port.to_string(),
        "virtual_hosts": hosts, "validate_clusters": false, "ignore_port_in_host_matching": true})
}

fn secrets() -> Value {
    json!({"@type": "type.googleapis.com/envoy.admin.v3.SecretsConfigDump", "dynamic_active_secrets": [
        {"name": "default", "version_info": "v1", "last_updated": "2026-01-01T00:00:00Z", "secret": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "name": "default",
            "tls_certificate": {"certificate_chain": {"inline_bytes": "LS0tLS1CRUdJTi1CRU5DSE1BUkstQ0VSVElGSUNBVEUtLS0tLQ=="},
                "private_key": {"inline_bytes": "W3JlZGFjdGVkXQ=="}}}},
        {"name": "ROOTCA", "version_info": "v1", "last_updated": "2026-01-01T00:00:00Z", "secret": {
            "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret", "name": "ROOTCA",
            "validation_context": {"trusted_ca": {"inline_bytes": "LS0tLS1CRUdJTi1CRU5DSE1BUkstQ0EtLS0tLQ=="}}}}]})
}
