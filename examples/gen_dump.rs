//! Writes a large, Istio-like sidecar config dump for benchmarks (deterministic).
//!
//! `cargo run --release --example gen_dump -- SERVICES > dump.json`: SERVICES outbound
//! services, each with an HTTP listener, an EDS cluster with an mTLS transport socket and
//! a route configuration; plus a virtualInbound listener whose HCMs carry an ECDS Wasm
//! filter. About 1 MB per 100 services.

use std::io::{self, BufWriter, Write};

use serde_json::{Value, json};

fn main() -> io::Result<()> {
    let services: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write!(out, "{{\"configs\":[")?;
    write_value(&mut out, &bootstrap())?;
    write!(
        out,
        ",{{\"@type\":\"type.googleapis.com/envoy.admin.v3.ClustersConfigDump\",\"dynamic_active_clusters\":["
    )?;
    for i in 0..services {
        sep(&mut out, i)?;
        write_value(
            &mut out,
            &json!({"version_info": "v1", "cluster": cluster(i)}),
        )?;
    }
    write!(
        out,
        "]}},{{\"@type\":\"type.googleapis.com/envoy.admin.v3.ListenersConfigDump\",\"dynamic_listeners\":["
    )?;
    write_value(&mut out, &dynamic(virtual_inbound()))?;
    for i in 0..services {
        write!(out, ",")?;
        write_value(&mut out, &dynamic(outbound_listener(i)))?;
    }
    write!(
        out,
        "]}},{{\"@type\":\"type.googleapis.com/envoy.admin.v3.RoutesConfigDump\",\"dynamic_route_configs\":["
    )?;
    for i in 0..services {
        sep(&mut out, i)?;
        write_value(
            &mut out,
            &json!({"version_info": "v1", "route_config": route(i, services)}),
        )?;
    }
    writeln!(out, "]}}]}}")?;
    out.flush()
}

fn sep(out: &mut impl Write, i: usize) -> io::Result<()> {
    if i > 0 { write!(out, ",") } else { Ok(()) }
}

fn write_value(out: &mut impl Write, v: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v).map_err(io::Error::other)
}

fn svc(i: usize) -> String {
    format!("svc-{i}.ns-{}.svc.cluster.local", i % 37)
}

fn bootstrap() -> Value {
    json!({"@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
        "bootstrap": {"node": {"id": "sidecar~10.0.0.1~bench-0.default~default.svc.cluster.local",
            "metadata": {"NAMESPACE": "default", "ISTIO_VERSION": "1.30.0", "LABELS": {"app": "bench"}}}}})
}

fn dynamic(listener: Value) -> Value {
    let name = listener["name"].clone();
    json!({"name": name, "active_state": {"version_info": "v1", "listener": listener,
        "last_updated": "2026-01-01T00:00:00Z"}})
}

fn cluster(i: usize) -> Value {
    json!({"@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster",
        "name": format!("outbound|8080||{}", svc(i)), "type": "EDS",
        "eds_cluster_config": {"eds_config": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
            "service_name": format!("outbound|8080||{}", svc(i))},
        "connect_timeout": "10s", "circuit_breakers": {"thresholds": [{"max_connections": 4294967295u32,
            "max_pending_requests": 4294967295u32, "max_requests": 4294967295u32, "max_retries": 4294967295u32}]},
        "transport_socket_matches": [{"name": "tlsMode-istio", "match": {"tlsMode": "istio"},
            "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
                "common_tls_context": {"alpn_protocols": ["istio-peer-exchange", "istio"],
                    "tls_certificate_sds_secret_configs": [{"name": "default", "sds_config": {"api_config_source": {
                        "api_type": "GRPC", "grpc_services": [{"envoy_grpc": {"cluster_name": "sds-grpc"}}]}}}]},
                "sni": format!("outbound_.8080_._.{}", svc(i))}}}]})
}

fn hcm(stat_prefix: &str, route: Value, wasm: bool) -> Value {
    let mut filters = vec![json!({"name": "istio.metadata_exchange", "typed_config": {
        "@type": "type.googleapis.com/udpa.type.v1.TypedStruct",
        "type_url": "type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
        "value": {"config": {"vm_config": {"runtime": "envoy.wasm.runtime.null", "code": {"local": {"inline_string": "envoy.wasm.metadata_exchange"}}}}}}})];
    if wasm {
        filters.push(json!({"name": "extensions.istio.io/trafficextension/default.bench~istio-translated-wasmplugin",
            "config_discovery": {"config_source": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
                "type_urls": ["type.googleapis.com/envoy.extensions.filters.http.wasm.v3.Wasm",
                              "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC"]}}));
    }
    for name in [
        "envoy.filters.http.grpc_stats",
        "envoy.filters.http.fault",
        "envoy.filters.http.cors",
        "envoy.filters.http.router",
    ] {
        filters.push(
            json!({"name": name, "typed_config": {"@type": format!("type.googleapis.com/{name}")}}),
        );
    }
    let mut typed = json!({"@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
        "stat_prefix": stat_prefix, "http_filters": filters, "use_remote_address": false,
        "upgrade_configs": [{"upgrade_type": "websocket"}], "normalize_path": true});
    let key = if route.is_string() {
        "rds"
    } else {
        "route_config"
    };
    typed[key] = if route.is_string() {
        json!({"config_source": {"ads": {}, "resource_api_version": "V3"}, "route_config_name": route})
    } else {
        route
    };
    json!({"name": "envoy.filters.network.http_connection_manager", "typed_config": typed})
}

fn outbound_listener(i: usize) -> Value {
    let ip = format!("10.{}.{}.{}", 96 + i / 65536 % 100, i / 256 % 256, i % 256);
    json!({"@type": "type.googleapis.com/envoy.config.listener.v3.Listener",
        "name": format!("{ip}_8080"), "address": {"socket_address": {"address": ip, "port_value": 8080}},
        "filter_chains": [{"filter_chain_match": {"transport_protocol": "raw_buffer", "application_protocols": ["http/1.1", "h2c"]},
            "filters": [hcm(&format!("outbound_{}_8080", svc(i)), json!("8080"), true)]},
            {"filters": [{"name": "envoy.filters.network.tcp_proxy", "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                "stat_prefix": format!("outbound|8080||{}", svc(i)), "cluster": format!("outbound|8080||{}", svc(i))}}]}],
        "listener_filters": [{"name": "envoy.filters.listener.tls_inspector", "typed_config": {
            "@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"}}],
        "traffic_direction": "OUTBOUND", "bind_to_port": false})
}

fn virtual_inbound() -> Value {
    let route = |cluster: &str| {
        json!({"name": cluster, "virtual_hosts": [{"name": "inbound|http|80", "domains": ["*"],
        "routes": [{"match": {"prefix": "/"}, "route": {"cluster": cluster}}]}]})
    };
    json!({"@type": "type.googleapis.com/envoy.config.listener.v3.Listener", "name": "virtualInbound",
        "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15006}},
        "filter_chains": [
            {"name": "virtualInbound-blackhole", "filter_chain_match": {"destination_port": 15006},
             "filters": [{"name": "envoy.filters.network.tcp_proxy", "typed_config": {"stat_prefix": "BlackHoleCluster", "cluster": "BlackHoleCluster"}}]},
            {"name": "virtualInbound-catchall-http", "filter_chain_match": {"transport_protocol": "raw_buffer", "application_protocols": ["http/1.1", "h2c"]},
             "filters": [hcm("InboundPassthroughCluster", route("InboundPassthroughCluster"), true)]},
            {"name": "0.0.0.0_80", "filter_chain_match": {"destination_port": 80, "transport_protocol": "raw_buffer"},
             "filters": [hcm("inbound_0.0.0.0_80", route("inbound|80||"), true)]}],
        "traffic_direction": "INBOUND"})
}

fn route(i: usize, services: usize) -> Value {
    let hosts: Vec<Value> = (0..8).map(|k| {
        let j = (i * 8 + k) % services.max(1);
        json!({"name": format!("{}:8080", svc(j)), "domains": [svc(j), format!("{}:8080", svc(j))],
            "routes": [{"name": "default", "match": {"prefix": "/"}, "route": {"cluster": format!("outbound|8080||{}", svc(j)),
                "timeout": "0s", "retry_policy": {"retry_on": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes", "num_retries": 2}}}]})
    }).collect();
    json!({"@type": "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "name": format!("8080-{i}"), "virtual_hosts": hosts})
}
