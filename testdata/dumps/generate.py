#!/usr/bin/env python3
"""Writes meshscope's hand-made Envoy config-dump fixtures (testdata/dumps/).

Rerun (from anywhere; Python 3.8+, standard library only):

    python3 testdata/dumps/generate.py           # rewrite every fixture next to this script
    python3 testdata/dumps/generate.py --check   # rewrite nothing; fail if a file differs from
                                                 # what this script produces, and print/verify the
                                                 # virtualInbound chain and plugin counts

The output is deterministic: no clocks, no randomness, fixed key order. Edit this script, never
the generated files, then rerun it and commit both. testdata/dumps/README.md describes each file.

What the dumps model (the spec is DOMAIN.md; section numbers below refer to it):
  * the seed workload httpbin (pod httpbin-7d5b9c6f48-qz8vw, namespace default, labels
    app=httpbin,version=v1; Service httpbin port 8000 -> targetPort 80 named `http`, so explicit
    HTTP; WasmPlugin default/helloworld with selector app: httpbin, phase unset) as Istio 1.12
    (pod reporting IPv4 + a link-local IPv6 address, so two passthrough sets, §5.5) and as current
    Istio (1.30 / HEAD, one passthrough set) builds it, for PERMISSIVE, STRICT and DISABLE (§5, §7);
  * camelCase YAML and istioctl's bare listener array (§1.4, §4.7);
  * an internal listener with a filter_chain_matcher (§2.4);
  * a sidecar that sends outbound HBONE through connect_originate (§3.1);
  * warming / draining / error listener states (§1.2), and an active listener whose last
    update Envoy refused (§3.2);
  * an ambient waypoint, a Gateway-API gateway and a classic ingress gateway carrying
    WasmPlugins and TrafficExtensions as istiod 1.30 places them, clean and with planted
    faults, for `wasm count` against testdata/manifests/wasm-count/ (§6);
  * broken inputs for error tests.
Everything here is written for meshscope; nothing is copied from real dumps.
"""

import argparse
import base64
import copy
import hashlib
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

TG = "type.googleapis.com/"


def any_(type_name, **fields):
    """A protobuf Any as Envoy prints it: `@type` first, then the message's fields."""
    out = {"@type": TG + type_name}
    out.update(fields)
    return out


def typed_struct(type_name, value=None):
    """A udpa TypedStruct; `value` is a google.protobuf.Struct (its keys are data)."""
    out = {"@type": TG + "udpa.type.v1.TypedStruct", "type_url": TG + type_name}
    if value is not None:
        out["value"] = value
    return out


def string_value(text):
    return any_("google.protobuf.StringValue", value=text)


def sha256_hex(text):
    return hashlib.sha256(text.encode()).hexdigest()


def ads_source():
    return {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"}


def socket(address, port):
    return {"socket_address": {"address": address, "port_value": port}}


def port_range(port):
    """Istio encodes port p as the half-open range [p, p+1) (§2.3)."""
    return {"destination_port_range": {"start": port, "end": port + 1}}


def ports_predicate(ports):
    rules = [port_range(p) for p in sorted(ports)]
    return rules[0] if len(rules) == 1 else {"or_match": {"rules": rules}}


def filter_chain_match(prefix=None, dport=None, transport=None, alpn=None):
    """Fields in Envoy's print order (field number order)."""
    m = {}
    if prefix is not None:
        m["prefix_ranges"] = [{"address_prefix": prefix[0], "prefix_len": prefix[1]}]
    if dport is not None:
        m["destination_port"] = dport
    if transport is not None:
        m["transport_protocol"] = transport
    if alpn:
        m["application_protocols"] = list(alpn)
    return m


# ---------------------------------------------------------------------------------------------
# The seed workload and version profiles
# ---------------------------------------------------------------------------------------------

POD = "httpbin-7d5b9c6f48-qz8vw"
POD_IP = "10.244.0.12"
POD_LINK_LOCAL_V6 = "fe80::4c7a:b1ff:fe2e:9d31"
NAMESPACE = "default"
SERVICE_HOST = "httpbin.default.svc.cluster.local"
SERVICE_VIP = "10.96.88.150"
SERVICE_PORT = 8000
TARGET_PORT = 80
KUBE_DNS_VIP = "10.96.0.10"
KUBE_DNS_CLUSTER = "outbound|53||kube-dns.kube-system.svc.cluster.local"
OUTBOUND_CLUSTER = "outbound|8000||httpbin.default.svc.cluster.local"
INBOUND_CLUSTER = "inbound|80||"

PLUGIN_NS, PLUGIN_NAME = "default", "helloworld"
PLUGIN_URL = "oci://ghcr.io/meshscope-fixtures/wasm/helloworld:1.0.0"
# The istio-agent caches a remote module under /var/lib/istio/data/<sha256 of the module name>/
# <sha256 of the module>.wasm (§6.2, 1.15+). Both hashes are computed from fixture text here.
PLUGIN_MODULE_NAME = "oci://ghcr.io/meshscope-fixtures/wasm/helloworld"
PLUGIN_MODULE_SHA = sha256_hex("meshscope fixture: helloworld wasm module bytes v1.0.0")
PLUGIN_LOCAL_FILE = "/var/lib/istio/data/%s/%s.wasm" % (sha256_hex(PLUGIN_MODULE_NAME), PLUGIN_MODULE_SHA)
PLUGIN_CONFIG_JSON = '{"greeting":"hello from meshscope"}'

WASM_HTTP = TG + "envoy.extensions.filters.http.wasm.v3.Wasm"
RBAC_HTTP = TG + "envoy.extensions.filters.http.rbac.v3.RBAC"

ALPN_MTLS_HTTP = ["istio-http/1.0", "istio-http/1.1", "istio-h2"]
ALPN_ALL_ISTIO = ["istio", "istio-peer-exchange", "istio-http/1.0", "istio-http/1.1", "istio-h2"]
ALPN_MTLS_TCP = ["istio-peer-exchange", "istio"]

PERMISSIVE, STRICT, DISABLE = "PERMISSIVE", "STRICT", "DISABLE"
MODES = [PERMISSIVE, STRICT, DISABLE]


class Profile:
    """What differs between the Istio versions these fixtures model."""

    def __init__(self, key):
        self.key = key
        self.head = key == "current"
        if self.head:
            self.istio_version = "1.30.0"
            self.version_info = "2026-05-18T08:41:07Z/9"
            self.updated = "2026-05-18T08:41:07.%03dZ"
            self.boot_updated = "2026-05-18T08:40:51.204Z"
            self.plain_alpn = ["http/1.1", "h2c"]  # §5.3, 1.13+
            # One passthrough set, no prefix_ranges (§5.5, 1.23+).
            self.families = [{"prefix": None, "cluster": "InboundPassthroughCluster"}]
            self.plugin_filter_name = (
                "extensions.istio.io/trafficextension/%s.%s~istio-translated-wasmplugin"
                % (PLUGIN_NS, PLUGIN_NAME)
            )
            self.plugin_type_urls = [WASM_HTTP, RBAC_HTTP]  # §6.2, 1.16+
            self.instance_ips = POD_IP
        else:
            self.istio_version = "1.12.9"
            self.version_info = "2022-07-21T14:05:32Z/12"
            self.updated = "2022-07-21T14:05:33.%03dZ"
            self.boot_updated = "2022-07-21T14:05:18.611Z"
            self.plain_alpn = ["http/1.0", "http/1.1", "h2c"]  # §5.3, 1.12
            # 1.12-1.13 report link-local addresses, so an IPv4 pod with an fe80:: address on
            # eth0 gets an IPv4 and an IPv6 passthrough set (§5.5).
            self.families = [
                {"prefix": ("0.0.0.0", 0), "cluster": "InboundPassthroughClusterIpv4"},
                {"prefix": ("::0", 0), "cluster": "InboundPassthroughClusterIpv6"},
            ]
            self.plugin_filter_name = "%s.%s" % (PLUGIN_NS, PLUGIN_NAME)
            self.plugin_type_urls = [WASM_HTTP]  # §6.2, 1.12-1.15
            self.instance_ips = POD_IP + "," + POD_LINK_LOCAL_V6

    def ts(self, millis):
        return self.updated % millis


# ---------------------------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------------------------


def router():
    return {"name": "envoy.filters.http.router", "typed_config": any_("envoy.extensions.filters.http.router.v3.Router")}


def cors():
    return {"name": "envoy.filters.http.cors", "typed_config": any_("envoy.extensions.filters.http.cors.v3.Cors")}


def fault():
    return {"name": "envoy.filters.http.fault", "typed_config": any_("envoy.extensions.filters.http.fault.v3.HTTPFault")}


def grpc_stats():
    return {
        "name": "envoy.filters.http.grpc_stats",
        "typed_config": any_(
            "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig",
            emit_filter_state=True,
            stats_for_all_methods=False,
        ),
    }


def alpn_filter():
    overrides = [
        {"alpn_override": ["istio-http/1.0", "istio", "http/1.0"]},
        {"upstream_protocol": "HTTP11", "alpn_override": ["istio-http/1.1", "istio", "http/1.1"]},
        {"upstream_protocol": "HTTP2", "alpn_override": ["istio-h2", "istio", "h2"]},
    ]
    return {
        "name": "istio.alpn",
        "typed_config": any_("istio.envoy.config.filter.http.alpn.v2alpha1.FilterConfig", alpn_override=overrides),
    }


def plugin_filter(p, name=None):
    """A WasmPlugin as an ECDS-delivered HTTP filter (§6.2): no typed_config, no default."""
    return {
        "name": name or p.plugin_filter_name,
        "config_discovery": {"config_source": ads_source(), "type_urls": list(p.plugin_type_urls)},
    }


def null_vm(code):
    return {"runtime": "envoy.wasm.runtime.null", "code": {"local": {"inline_string": code}}}


def http_mx(p, outbound=False):
    if p.head:
        # Current Istio: the peer_metadata filter, delivered as a TypedStruct; not Wasm.
        if outbound:
            value = {
                "upstream_discovery": [{"istio_headers": {}}, {"workload_discovery": {}}],
                "upstream_propagation": [{"istio_headers": {}}],
            }
        else:
            value = {
                "downstream_discovery": [{"istio_headers": {}}, {"workload_discovery": {}}],
                "downstream_propagation": [{"istio_headers": {}}],
            }
        return {"name": "istio.metadata_exchange", "typed_config": typed_struct("io.istio.http.peer_metadata.Config", value)}
    # 1.12: istiod builds it as inline Wasm on the null VM.
    return {
        "name": "istio.metadata_exchange",
        "typed_config": any_(
            "envoy.extensions.filters.http.wasm.v3.Wasm",
            config={
                "vm_config": null_vm("envoy.wasm.metadata_exchange"),
                "configuration": any_("envoy.tcp.metadataexchange.config.MetadataExchange"),
            },
        ),
    }


def stats_config_json(outbound):
    lines = ['  "debug": "false",', '  "stat_prefix": "istio"']
    if not outbound:
        lines[-1] += ","
        lines.append('  "disable_host_header_fallback": true')
    return "{\n" + "\n".join(lines) + "\n}\n"


def http_stats(p, outbound=False):
    if p.head:
        cfg = {} if outbound else {"disable_host_header_fallback": True}
        return {"name": "istio.stats", "typed_config": any_("stats.PluginConfig", **cfg)}
    # 1.12: EnvoyFilter stats-filter-1.12 inserts inline Wasm (null VM) as a TypedStruct.
    direction = "outbound" if outbound else "inbound"
    return {
        "name": "istio.stats",
        "typed_config": typed_struct(
            "envoy.extensions.filters.http.wasm.v3.Wasm",
            {
                "config": {
                    "configuration": {
                        "@type": TG + "google.protobuf.StringValue",
                        "value": stats_config_json(outbound),
                    },
                    "root_id": "stats_" + direction,
                    "vm_config": {
                        "code": {"local": {"inline_string": "envoy.wasm.stats"}},
                        "runtime": "envoy.wasm.runtime.null",
                        "vm_id": "stats_" + direction,
                    },
                }
            },
        ),
    }


def network_mx(p):
    if p.head:
        value = {"enable_discovery": True, "protocol": "istio-peer-exchange"}
    else:
        value = {"protocol": "istio-peer-exchange"}
    return {
        "name": "istio.metadata_exchange",
        "typed_config": typed_struct("envoy.tcp.metadataexchange.config.MetadataExchange", value),
    }


def network_stats(p, outbound=False):
    if p.head:
        cfg = {} if outbound else {"disable_host_header_fallback": True}
        return {"name": "istio.stats", "typed_config": any_("stats.PluginConfig", **cfg)}
    direction = "outbound" if outbound else "inbound"
    return {
        "name": "istio.stats",
        "typed_config": typed_struct(
            "envoy.extensions.filters.network.wasm.v3.Wasm",
            {
                "config": {
                    "configuration": {
                        "@type": TG + "google.protobuf.StringValue",
                        "value": '{\n  "debug": "false",\n  "stat_prefix": "istio"\n}\n',
                    },
                    "root_id": "stats_" + direction,
                    "vm_config": {
                        "code": {"local": {"inline_string": "envoy.wasm.stats"}},
                        "runtime": "envoy.wasm.runtime.null",
                        "vm_id": "tcp_stats_" + direction,
                    },
                }
            },
        ),
    }


def tcp_proxy(cluster, stat_prefix=None):
    return {
        "name": "envoy.filters.network.tcp_proxy",
        "typed_config": any_(
            "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
            stat_prefix=stat_prefix or cluster,
            cluster=cluster,
        ),
    }


def inbound_http_filters(p, with_plugin=True):
    """§6.3: the seed's inbound HCM filters, plugin (phase unset) included."""
    plugin = [plugin_filter(p)] if with_plugin else []
    if p.head:
        return [http_mx(p)] + plugin + [grpc_stats(), fault(), cors(), http_stats(p), router()]
    return plugin + [http_mx(p), cors(), fault(), http_stats(p), router()]


def outbound_http_filters(p, extra_plugins=()):
    if p.head:
        # 1.14+: plugins without `match` also land on sidecar outbound HCMs (§6.4, pitfall 12).
        plugin = [plugin_filter(p)] + [plugin_filter(p, name) for name in extra_plugins]
        return [http_mx(p, outbound=True)] + plugin + [grpc_stats(), alpn_filter(), fault(), cors(), http_stats(p, outbound=True), router()]
    return [http_mx(p, outbound=True), alpn_filter(), cors(), fault(), http_stats(p, outbound=True), router()]


def inline_route(route_name, vhost, cluster, operation):
    return {
        "name": route_name,
        "virtual_hosts": [
            {
                "name": vhost,
                "domains": ["*"],
                "routes": [
                    {
                        "match": {"prefix": "/"},
                        "route": {
                            "cluster": cluster,
                            "timeout": "0s",
                            "max_stream_duration": {"max_stream_duration": "0s", "grpc_timeout_header_max": "0s"},
                        },
                        "decorator": {"operation": operation},
                        "name": "default",
                    }
                ],
            }
        ],
        "validate_clusters": False,
    }


def hcm_common_tail(inbound):
    tail = {}
    tail["server_name"] = "istio-envoy"
    tail["use_remote_address"] = False
    if inbound:
        tail["forward_client_cert_details"] = "APPEND_FORWARD"
        tail["set_current_client_cert_details"] = {"subject": True, "dns": True, "uri": True}
    tail["upgrade_configs"] = [{"upgrade_type": "websocket"}]
    tail["stream_idle_timeout"] = "0s"
    tail["normalize_path"] = True
    tail["request_id_extension"] = {
        "typed_config": any_(
            "envoy.extensions.request_id.uuid.v3.UuidRequestIdConfig", use_request_id_for_trace_sampling=True
        )
    }
    tail["path_with_escaped_slashes_action"] = "KEEP_UNCHANGED"
    return tail


def inbound_hcm(p, stat_prefix, route_config):
    cfg = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    cfg["stat_prefix"] = stat_prefix
    cfg["route_config"] = route_config
    cfg["http_filters"] = inbound_http_filters(p)
    cfg.update(hcm_common_tail(inbound=True))
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": cfg}


def outbound_hcm(p, port, extra_plugins=()):
    cfg = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    cfg["stat_prefix"] = "outbound_0.0.0.0_%d" % port
    cfg["rds"] = {"config_source": ads_source(), "route_config_name": str(port)}
    cfg["http_filters"] = outbound_http_filters(p, extra_plugins)
    cfg.update(hcm_common_tail(inbound=False))
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": cfg}


# ---------------------------------------------------------------------------------------------
# Transport sockets
# ---------------------------------------------------------------------------------------------


def sds(name):
    return {
        "name": name,
        "sds_config": {
            "api_config_source": {
                "api_type": "GRPC",
                "grpc_services": [{"envoy_grpc": {"cluster_name": "sds-grpc"}}],
                "set_node_on_first_message_only": True,
                "transport_api_version": "V3",
            },
            "initial_fetch_timeout": "0s",
            "resource_api_version": "V3",
        },
    }


def istio_mtls(p, alpn):
    """Istio's server-side mTLS context (§5.3): SDS `default` + `ROOTCA`, client cert required."""
    validation = {"match_subject_alt_names": [{"prefix": "spiffe://cluster.local/"}]} if p.head else {}
    ctx = any_("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext")
    ctx["common_tls_context"] = {
        "tls_params": {
            "tls_minimum_protocol_version": "TLSv1_2",
            "tls_maximum_protocol_version": "TLSv1_3",
            "cipher_suites": [
                "ECDHE-ECDSA-AES256-GCM-SHA384",
                "ECDHE-RSA-AES256-GCM-SHA384",
                "ECDHE-ECDSA-AES128-GCM-SHA256",
                "ECDHE-RSA-AES128-GCM-SHA256",
                "AES256-GCM-SHA384",
                "AES128-GCM-SHA256",
            ],
        },
        "alpn_protocols": list(alpn),
        "tls_certificate_sds_secret_configs": [sds("default")],
        "combined_validation_context": {
            "default_validation_context": validation,
            "validation_context_sds_secret_config": sds("ROOTCA"),
        },
    }
    ctx["require_client_certificate"] = True
    return {"name": "envoy.transport_sockets.tls", "typed_config": ctx}


SERVER_ALPN_HTTP = ["h2", "http/1.1"]
SERVER_ALPN_TCP = ["istio-peer-exchange", "h2", "http/1.1"]


# ---------------------------------------------------------------------------------------------
# virtualInbound (§5)
# ---------------------------------------------------------------------------------------------


def chain(match, filters, name, tls=None):
    c = {"filter_chain_match": match, "filters": filters}
    if tls is not None:
        c["transport_socket"] = tls
    c["name"] = name
    return c


def blackhole_chain(p):
    return chain(
        filter_chain_match(dport=15006),
        [network_mx(p), network_stats(p), tcp_proxy("BlackHoleCluster")],
        "virtualInbound-blackhole",
    )


def passthrough_options(p, mode):
    """The `auto` table of §5.4 for the passthrough: (kind, transport, alpn, server alpn|None)."""
    if mode == PERMISSIVE:
        return [
            ("http", "tls", ALPN_MTLS_HTTP, SERVER_ALPN_HTTP),
            ("http", "raw_buffer", p.plain_alpn, None),
            ("tcp", "tls", ALPN_MTLS_TCP, SERVER_ALPN_TCP),
            ("tcp", "raw_buffer", None, None),
            ("tcp", "tls", None, None),
        ]
    if mode == STRICT:
        return [("http", "tls", ALPN_MTLS_HTTP, SERVER_ALPN_HTTP), ("tcp", "tls", None, SERVER_ALPN_TCP)]
    return [("http", "raw_buffer", p.plain_alpn, None), ("tcp", "raw_buffer", None, None)]


def http_port_options(mode):
    """The `HTTP` row of §5.4 for port 80."""
    if mode == PERMISSIVE:
        return [("tls", ALPN_ALL_ISTIO, SERVER_ALPN_HTTP), ("raw_buffer", None, None)]
    if mode == STRICT:
        return [("tls", None, SERVER_ALPN_HTTP)]
    return [("raw_buffer", None, None)]


def passthrough_chains(p, mode, family, dport=None):
    cluster = family["cluster"]
    chains = []
    for kind, transport, alpn, server_alpn in passthrough_options(p, mode):
        match = filter_chain_match(prefix=family["prefix"], dport=dport, transport=transport, alpn=alpn)
        tls = istio_mtls(p, server_alpn) if server_alpn else None
        if kind == "http":
            route = inline_route(cluster, "inbound|http|0", cluster, ":0/*")
            chains.append(chain(match, [network_mx(p), inbound_hcm(p, cluster, route)], "virtualInbound-catchall-http", tls))
        else:
            chains.append(chain(match, [network_mx(p), network_stats(p), tcp_proxy(cluster)], "virtualInbound", tls))
    return chains


MIXED_PASSTHROUGH_PORT = 9090


def mixed_virtual_inbound(p):
    """portLevelMtls {80: STRICT, 9090: PERMISSIVE} under a PERMISSIVE workload (§5.5, §7).

    No Service targets 9090, so it gets a per-port passthrough set right after the full set.
    """
    listener = virtual_inbound(p, PERMISSIVE)
    chains = [blackhole_chain(p)]
    for family in p.families:
        chains += passthrough_chains(p, PERMISSIVE, family)
        chains += passthrough_chains(p, PERMISSIVE, family, dport=MIXED_PASSTHROUGH_PORT)
    chains += service_chains(p, STRICT)
    listener["filter_chains"] = chains
    return listener


def service_chains(p, mode):
    chains = []
    for transport, alpn, server_alpn in http_port_options(mode):
        match = filter_chain_match(dport=TARGET_PORT, transport=transport, alpn=alpn)
        tls = istio_mtls(p, server_alpn) if server_alpn else None
        route = inline_route(
            INBOUND_CLUSTER, "inbound|http|%d" % SERVICE_PORT, INBOUND_CLUSTER, "%s:%d/*" % (SERVICE_HOST, SERVICE_PORT)
        )
        hcm = inbound_hcm(p, "inbound_0.0.0.0_%d" % TARGET_PORT, route)
        chains.append(chain(match, [network_mx(p), hcm], "0.0.0.0_%d" % TARGET_PORT, tls))
    return chains


def listener_filter(short, type_name, predicate=None, **cfg):
    f = {"name": "envoy.filters.listener." + short, "typed_config": any_(type_name, **cfg)}
    if predicate is not None:
        f["filter_disabled"] = predicate
    return f


def virtual_inbound_listener_filters(p, mode):
    """§5.6 for httpbin (port 80 explicit HTTP)."""
    filters = [listener_filter("original_dst", "envoy.extensions.filters.listener.original_dst.v3.OriginalDst")]
    tls_type = "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector"
    http_type = "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector"
    if p.head:
        if mode in (PERMISSIVE, STRICT):
            filters.append(listener_filter("tls_inspector", tls_type, ports_predicate([15006]), initial_read_buffer_size=512))
        if mode in (PERMISSIVE, DISABLE):
            filters.append(listener_filter("http_inspector", http_type, ports_predicate([TARGET_PORT, 15006])))
    else:
        if mode in (PERMISSIVE, STRICT):
            filters.append(listener_filter("tls_inspector", tls_type))
        filters.append(listener_filter("http_inspector", http_type, ports_predicate([TARGET_PORT])))
    return filters


def virtual_inbound(p, mode):
    chains = [blackhole_chain(p)]
    for family in p.families:
        chains += passthrough_chains(p, mode, family)
    chains += service_chains(p, mode)
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "virtualInbound"
    listener["address"] = socket("0.0.0.0", 15006)
    listener["filter_chains"] = chains
    listener["listener_filters"] = virtual_inbound_listener_filters(p, mode)
    listener["listener_filters_timeout"] = "0s"
    listener["traffic_direction"] = "INBOUND"
    listener["continue_on_listener_filters_timeout"] = True
    return listener


# ---------------------------------------------------------------------------------------------
# Outbound and static listeners
# ---------------------------------------------------------------------------------------------


def virtual_outbound(p):
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "virtualOutbound"
    listener["address"] = socket("0.0.0.0", 15001)
    listener["filter_chains"] = [
        chain(
            filter_chain_match(dport=15001),
            [network_stats(p, outbound=True), tcp_proxy("BlackHoleCluster")],
            "virtualOutbound-blackhole",
        ),
        {
            "filters": [network_stats(p, outbound=True), tcp_proxy("PassthroughCluster")],
            "name": "virtualOutbound-catchall-tcp",
        },
    ]
    listener["use_original_dst"] = True
    listener["traffic_direction"] = "OUTBOUND"
    return listener


def passthrough_filter_chain(p):
    return {
        "filter_chain_match": {},
        "filters": [network_stats(p, outbound=True), tcp_proxy("PassthroughCluster")],
        "name": "PassthroughFilterChain",
    }


def outbound_http_listener(p, port, extra_plugins=()):
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "0.0.0.0_%d" % port
    listener["address"] = socket("0.0.0.0", port)
    listener["filter_chains"] = [
        {
            "filter_chain_match": filter_chain_match(transport="raw_buffer", alpn=p.plain_alpn),
            "filters": [outbound_hcm(p, port, extra_plugins)],
        }
    ]
    tls_cfg = {"initial_read_buffer_size": 512} if p.head else {}
    listener["listener_filters"] = [
        listener_filter("tls_inspector", "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", **tls_cfg),
        listener_filter("http_inspector", "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector"),
    ]
    listener["listener_filters_timeout"] = "0s"
    listener["traffic_direction"] = "OUTBOUND"
    listener["continue_on_listener_filters_timeout"] = True
    listener["default_filter_chain"] = passthrough_filter_chain(p)
    listener["bind_to_port"] = False
    return listener


def outbound_tcp_listener(p, vip, port, cluster):
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "%s_%d" % (vip, port)
    listener["address"] = socket(vip, port)
    listener["filter_chains"] = [{"filters": [network_stats(p, outbound=True), tcp_proxy(cluster)]}]
    listener["traffic_direction"] = "OUTBOUND"
    listener["bind_to_port"] = False
    return listener


def static_http_listener(port, stat_prefix, prefix, cluster):
    hcm = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    hcm["stat_prefix"] = stat_prefix
    hcm["route_config"] = {
        "virtual_hosts": [
            {"name": "backend", "domains": ["*"], "routes": [{"match": {"prefix": prefix}, "route": {"cluster": cluster}}]}
        ]
    }
    hcm["http_filters"] = [router()]
    listener = any_("envoy.config.listener.v3.Listener")
    listener["address"] = socket("0.0.0.0", port)
    listener["filter_chains"] = [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}]}]
    return listener


def static_listeners(p):
    return [
        {"listener": static_http_listener(15090, "stats", "/stats/prometheus", "prometheus_stats"), "last_updated": p.boot_updated},
        {"listener": static_http_listener(15021, "agent", "/healthz/ready", "agent"), "last_updated": p.boot_updated},
    ]


def active(p, listener, millis):
    return {
        "name": listener["name"],
        "active_state": {"version_info": p.version_info, "listener": listener, "last_updated": p.ts(millis)},
    }


# ---------------------------------------------------------------------------------------------
# Other sections
# ---------------------------------------------------------------------------------------------


def bootstrap_section(p, node_id=None, labels=None, workload=None, instance_ips=None, pod=POD):
    labels = labels or {
        "app": "httpbin",
        "pod-template-hash": "7d5b9c6f48",
        "security.istio.io/tlsMode": "istio",
        "service.istio.io/canonical-name": "httpbin",
        "service.istio.io/canonical-revision": "v1",
        "version": "v1",
    }
    metadata = {
        "ANNOTATIONS": {
            "kubectl.kubernetes.io/default-container": "httpbin",
            "kubernetes.io/config.source": "api",
            "prometheus.io/path": "/stats/prometheus",
            "prometheus.io/port": "15020",
            "prometheus.io/scrape": "true",
        },
        "APP_CONTAINERS": "httpbin",
        "CLUSTER_ID": "Kubernetes",
        "ENVOY_PROMETHEUS_PORT": 15090,
        "ENVOY_STATUS_PORT": 15021,
        "INSTANCE_IPS": instance_ips or p.instance_ips,
        "INTERCEPTION_MODE": "REDIRECT",
        "ISTIO_PROXY_SHA": sha256_hex("meshscope fixture proxy " + p.istio_version)[:40],
        "ISTIO_VERSION": p.istio_version,
        "LABELS": labels,
        "MESH_ID": "cluster.local",
        "NAME": pod,
        "NAMESPACE": NAMESPACE,
        "NODE_NAME": "meshscope-control-plane",
        "OWNER": "kubernetes://apis/apps/v1/namespaces/default/deployments/" + (workload or "httpbin"),
        "PILOT_SAN": ["istiod.istio-system.svc"],
        "POD_PORTS": '[{"name":"http","containerPort":80,"protocol":"TCP"}]',
        # A Struct whose keys are camelCase even in a snake_case dump: data, never re-cased.
        "PROXY_CONFIG": {
            "binaryPath": "/usr/local/bin/envoy",
            "configPath": "./etc/istio/proxy",
            "controlPlaneAuthPolicy": "MUTUAL_TLS",
            "discoveryAddress": "istiod.istio-system.svc:15012",
            "drainDuration": "45s",
            "proxyAdminPort": 15000,
            "serviceCluster": "istio-proxy",
            "statNameLength": 189,
            "statusPort": 15020,
            "terminationDrainDuration": "5s",
        },
        "SERVICE_ACCOUNT": workload or "httpbin",
        "WORKLOAD_NAME": workload or "httpbin",
    }
    node = {
        "id": node_id or "sidecar~%s~%s.%s~%s.svc.cluster.local" % (POD_IP, pod, NAMESPACE, NAMESPACE),
        "cluster": "%s.%s" % (workload or "httpbin", NAMESPACE),
        "metadata": metadata,
        "locality": {},
        "user_agent_name": "envoy",
    }
    bootstrap = {
        "node": node,
        "dynamic_resources": {
            "lds_config": ads_source(),
            "cds_config": ads_source(),
            "ads_config": {
                "api_type": "GRPC",
                "grpc_services": [{"envoy_grpc": {"cluster_name": "xds-grpc"}}],
                "set_node_on_first_message_only": True,
                "transport_api_version": "V3",
            },
        },
        "admin": {"address": socket("127.0.0.1", 15000)},
    }
    return any_("envoy.admin.v3.BootstrapConfigDump", bootstrap=bootstrap, last_updated=p.boot_updated)


def static_cluster(name, port):
    return any_(
        "envoy.config.cluster.v3.Cluster",
        name=name,
        type="STATIC",
        connect_timeout="0.250s",
        load_assignment={
            "cluster_name": name,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": socket("127.0.0.1", port)}}]}],
        },
    )


def original_dst_cluster(name, bind=None):
    c = any_("envoy.config.cluster.v3.Cluster", name=name, type="ORIGINAL_DST", connect_timeout="10s", lb_policy="CLUSTER_PROVIDED")
    if bind:
        c["upstream_bind_config"] = {"source_address": {"address": bind, "port_value": 0}}
    return c


def istio_config_path(kind, name, namespace=NAMESPACE):
    """What Istio writes into `filter_metadata.istio.config`: the resource's API path."""
    return "/apis/networking.istio.io/v1/namespaces/%s/%s/%s" % (namespace, kind, name)


def eds_cluster(name, destination_rule=None):
    c = any_(
        "envoy.config.cluster.v3.Cluster",
        name=name,
        type="EDS",
        eds_cluster_config={"eds_config": ads_source(), "service_name": name},
        connect_timeout="10s",
        metadata={
            "filter_metadata": {
                "istio": {
                    "default_original_port": int(name.split("|")[1]),
                    "services": [
                        {
                            "host": name.split("|")[3],
                            "name": name.split("|")[3].split(".")[0],
                            "namespace": name.split("|")[3].split(".")[1],
                        }
                    ],
                }
            }
        },
    )
    # What Istio sets on every outbound EDS cluster: unlimited circuit breakers and auto mTLS
    # (TLS to endpoints labelled tlsMode=istio, plaintext to the others).
    c["circuit_breakers"] = {
        "thresholds": [
            {
                "max_connections": 4294967295,
                "max_pending_requests": 4294967295,
                "max_requests": 4294967295,
                "max_retries": 4294967295,
                "track_remaining": True,
            }
        ]
    }
    if name.startswith("outbound|"):
        host = name.split("|")[3]
        upstream_tls = any_("envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext")
        upstream_tls["common_tls_context"] = {
            "alpn_protocols": ["istio-peer-exchange", "istio"],
            "tls_certificate_sds_secret_configs": [sds("default")],
            "combined_validation_context": {"default_validation_context": {}, "validation_context_sds_secret_config": sds("ROOTCA")},
        }
        subset = name.split("|")[2]
        upstream_tls["sni"] = "outbound_.%s_.%s_.%s" % (name.split("|")[1], subset, host)
        c["transport_socket_matches"] = [
            {
                "name": "tlsMode-istio",
                "match": {"tlsMode": "istio"},
                "transport_socket": {"name": "envoy.transport_sockets.tls", "typed_config": upstream_tls},
            },
            {
                "name": "tlsMode-disabled",
                "match": {},
                "transport_socket": {"name": "envoy.transport_sockets.raw_buffer", "typed_config": any_("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer")},
            },
        ]
    if destination_rule:
        c["metadata"]["filter_metadata"]["istio"]["config"] = istio_config_path("destination-rule", destination_rule)
        # The DestinationRule's trafficPolicy: LEAST_REQUEST and outlier detection.
        c["lb_policy"] = "LEAST_REQUEST"
        c["outlier_detection"] = {
            "consecutive_5xx": 5,
            "interval": "10s",
            "base_ejection_time": "30s",
            "max_ejection_percent": 50,
            "enforcing_consecutive_5xx": 100,
        }
    return c


# A bookinfo-like outbound set beside the seed's httpbin (§1: clusters and routes of a sidecar
# that calls them): reviews with a DestinationRule and subsets v1/v2, ratings without one, and an
# external API through a ServiceEntry (STRICT_DNS).
REVIEWS_HOST = "reviews.default.svc.cluster.local"
RATINGS_HOST = "ratings.default.svc.cluster.local"
EXTERNAL_HOST = "api.example.com"


def outbound_service_clusters():
    reviews = ["outbound|9080|%s|%s" % (subset, REVIEWS_HOST) for subset in ("", "v1", "v2")]
    external = any_(
        "envoy.config.cluster.v3.Cluster",
        name="outbound|443||%s" % EXTERNAL_HOST,
        type="STRICT_DNS",
        connect_timeout="10s",
        dns_lookup_family="V4_ONLY",
        load_assignment={
            "cluster_name": "outbound|443||%s" % EXTERNAL_HOST,
            "endpoints": [{"lb_endpoints": [{"endpoint": {"address": socket(EXTERNAL_HOST, 443)}}]}],
        },
        metadata={"filter_metadata": {"istio": {"config": istio_config_path("service-entry", "external-api")}}},
    )
    return [eds_cluster(name, destination_rule="reviews") for name in reviews] + [
        eds_cluster("outbound|9080||%s" % RATINGS_HOST),
        external,
    ]


def clusters_section(p):
    dynamic = [any_("envoy.config.cluster.v3.Cluster", name="BlackHoleCluster", type="STATIC", connect_timeout="10s")]
    if p.head:
        dynamic.append(original_dst_cluster("InboundPassthroughCluster", bind="127.0.0.6"))
        inbound = original_dst_cluster(INBOUND_CLUSTER, bind="127.0.0.6")
    else:
        dynamic.append(original_dst_cluster("InboundPassthroughClusterIpv4", bind="127.0.0.6"))
        dynamic.append(original_dst_cluster("InboundPassthroughClusterIpv6", bind="::6"))
        inbound = any_(
            "envoy.config.cluster.v3.Cluster",
            name=INBOUND_CLUSTER,
            type="STATIC",
            connect_timeout="10s",
            load_assignment={
                "cluster_name": INBOUND_CLUSTER,
                "endpoints": [{"lb_endpoints": [{"endpoint": {"address": socket("127.0.0.1", TARGET_PORT)}}]}],
            },
        )
    dynamic.append(inbound)
    dynamic.append(original_dst_cluster("PassthroughCluster"))
    dynamic.append(eds_cluster(OUTBOUND_CLUSTER))
    dynamic.append(eds_cluster(KUBE_DNS_CLUSTER))
    dynamic += outbound_service_clusters()
    return any_(
        "envoy.admin.v3.ClustersConfigDump",
        version_info=p.version_info,
        static_clusters=[
            {"cluster": static_cluster("agent", 15020), "last_updated": p.boot_updated},
            {"cluster": static_cluster("prometheus_stats", 15000), "last_updated": p.boot_updated},
        ],
        dynamic_active_clusters=[
            {"version_info": p.version_info, "cluster": c, "last_updated": p.ts(300 + i)} for i, c in enumerate(dynamic)
        ],
    )


def routes_section(p):
    short = ["httpbin", "httpbin.default.svc", "httpbin.default", SERVICE_HOST, SERVICE_VIP]
    if p.head:
        domains = service_domains(p, SERVICE_HOST, SERVICE_VIP, SERVICE_PORT)
    else:
        domains = []
        for d in [SERVICE_HOST] + short[:-2] + [SERVICE_VIP]:
            domains += [d, "%s:%d" % (d, SERVICE_PORT)]
    route_config = any_(
        "envoy.config.route.v3.RouteConfiguration",
        name=str(SERVICE_PORT),
        virtual_hosts=[
            {
                "name": "%s:%d" % (SERVICE_HOST, SERVICE_PORT),
                "domains": domains,
                "routes": [
                    {
                        "match": {"prefix": "/"},
                        "route": {
                            "cluster": OUTBOUND_CLUSTER,
                            "timeout": "0s",
                            "retry_policy": {
                                "retry_on": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes",
                                "num_retries": 2,
                            },
                            "max_stream_duration": {"max_stream_duration": "0s", "grpc_timeout_header_max": "0s"},
                        },
                        "decorator": {"operation": "%s:%d/*" % (SERVICE_HOST, SERVICE_PORT)},
                        "name": "default",
                    }
                ],
                "include_request_attempt_count": True,
            },
            {
                "name": "allow_any",
                "domains": ["*"],
                "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "PassthroughCluster", "timeout": "0s"}, "name": "allow_any"}],
                "include_request_attempt_count": True,
            },
        ],
        validate_clusters=False,
    )
    configs = [route_config, bookinfo_route_config(p), external_route_config()]
    if p.head:
        for c in configs:
            c["ignore_port_in_host_matching"] = True
    return any_(
        "envoy.admin.v3.RoutesConfigDump",
        dynamic_route_configs=[
            {"version_info": p.version_info, "route_config": c, "last_updated": p.ts(420 + i)} for i, c in enumerate(configs)
        ],
    )


def service_domains(p, host, vip, port):
    """A service's virtual host domains as Istio writes them (pilot/pkg/networking/core/
    httproute.go `generateVirtualHostDomains`): 1.12 lists each with and without the port;
    current Istio only the forms without (it sets `ignore_port_in_host_matching`) and, after
    the FQDN, the absolute FQDN with its trailing dot (`GenerateAltVirtualHosts`)."""
    name, namespace = host.split(".")[:2]
    short = [host, name, "%s.%s.svc" % (name, namespace), "%s.%s" % (name, namespace), vip]
    if p.head:
        return [host, host + "."] + short[1:]
    return [d for form in short for d in (form, "%s:%d" % (form, port))]


def vs_route(match, action, virtual_service, name):
    return {
        "match": match,
        "route": action,
        "metadata": {"filter_metadata": {"istio": {"config": istio_config_path("virtual-service", virtual_service)}}},
        "decorator": {"operation": "%s/*" % name},
        "name": name,
    }


def allow_any_vhost():
    return {
        "name": "allow_any",
        "domains": ["*"],
        "routes": [{"match": {"prefix": "/"}, "route": {"cluster": "PassthroughCluster", "timeout": "0s"}, "name": "allow_any"}],
        "include_request_attempt_count": True,
    }


def bookinfo_route_config(p):
    """RDS `9080`: reviews behind a VirtualService (a header route to v2, a regex route, the
    rest to v1), ratings without one, and the passthrough host."""
    reviews = "outbound|9080|%s|" + REVIEWS_HOST
    jason = {"prefix": "/", "headers": [{"name": "end-user", "string_match": {"exact": "jason"}}]}
    return any_(
        "envoy.config.route.v3.RouteConfiguration",
        name="9080",
        virtual_hosts=[
            {
                "name": "%s:9080" % REVIEWS_HOST,
                "domains": service_domains(p, REVIEWS_HOST, "10.96.40.7", 9080),
                "routes": [
                    vs_route(jason, {"cluster": reviews % "v2", "timeout": "0s"}, "reviews", "jason"),
                    vs_route(
                        {"safe_regex": {"regex": "/reviews/[0-9]+"}},
                        {"weighted_clusters": {"clusters": [{"name": reviews % "v1", "weight": 50}, {"name": reviews % "v2", "weight": 50}]}},
                        "reviews",
                        "split",
                    ),
                    vs_route({"prefix": "/"}, {"cluster": reviews % "v1", "timeout": "0s"}, "reviews", "default"),
                ],
            },
            {
                "name": "%s:9080" % RATINGS_HOST,
                "domains": service_domains(p, RATINGS_HOST, "10.96.40.9", 9080),
                "routes": [
                    {
                        "match": {"prefix": "/"},
                        "route": {"cluster": "outbound|9080||" + RATINGS_HOST, "timeout": "0s"},
                        "name": "default",
                    }
                ],
            },
            allow_any_vhost(),
        ],
        validate_clusters=False,
    )


def external_route_config():
    """RDS `80`: the external API through a ServiceEntry and a VirtualService with an exact
    path and a path-separated prefix, and REGISTRY_ONLY's `block_all` host."""
    cluster = "outbound|443||" + EXTERNAL_HOST
    return any_(
        "envoy.config.route.v3.RouteConfiguration",
        name="80",
        virtual_hosts=[
            {
                "name": "%s:80" % EXTERNAL_HOST,
                "domains": [EXTERNAL_HOST],
                "routes": [
                    vs_route({"path": "/healthz"}, {"cluster": cluster, "timeout": "0s"}, "external-api", "health"),
                    vs_route({"path_separated_prefix": "/v1"}, {"cluster": cluster, "timeout": "5s"}, "external-api", "v1"),
                ],
            },
            {
                "name": "block_all",
                "domains": ["*"],
                "routes": [{"match": {"prefix": "/"}, "direct_response": {"status": 502}, "name": "block_all"}],
            },
        ],
        validate_clusters=False,
    )


def b64(text):
    return base64.b64encode(text.encode()).decode()


# Throwaway self-signed certificates made for these fixtures with openssl (P-256, valid
# 2026-12-07 to 2126-11-13); their keys were discarded. Never real certificates.
FIXTURE_CA_PEM = """-----BEGIN CERTIFICATE-----
MIIBhjCCAS2gAwIBAgIEXu0AATAKBggqhkjOPQQDAjAYMRYwFAYDVQQKDA1jbHVz
dGVyLmxvY2FsMCAXDTI2MTIwNzEyMjY1NFoYDzIxMjYxMTEzMTIyNjU0WjAYMRYw
FAYDVQQKDA1jbHVzdGVyLmxvY2FsMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
3Jc6CflWbVXxFLdbxRtKTfcjh2US8WqTvCMvFcwnu9Lo1ZxvR5AR9RHicRk872OK
fXBPe08j4uQFH0AuWnlGnqNjMGEwHQYDVR0OBBYEFMx//yEJ9E2rVHzmMh6AJ+dJ
nwT5MB8GA1UdIwQYMBaAFMx//yEJ9E2rVHzmMh6AJ+dJnwT5MA8GA1UdEwEB/wQF
MAMBAf8wDgYDVR0PAQH/BAQDAgEGMAoGCCqGSM49BAMCA0cAMEQCICw7ZnJliioo
nvGcdYEE8W/IM0KINcYXOxqggTBu/y7mAiAKv+dbVdDaup0RBwd34AtdTlZrngpO
SPUMu13K9U1yOw==
-----END CERTIFICATE-----
"""
# Signed by FIXTURE_CA_PEM; URI SAN spiffe://cluster.local/ns/default/sa/httpbin.
FIXTURE_LEAF_PEM = """-----BEGIN CERTIFICATE-----
MIIBqDCCAU2gAwIBAgIEbWVzaDAKBggqhkjOPQQDAjAYMRYwFAYDVQQKDA1jbHVz
dGVyLmxvY2FsMCAXDTI2MTIwNzEyMjY1NFoYDzIxMjYxMTEzMTIyNjU0WjAAMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9F1/bZq2U4sgY+DMTTPZ3CxSELfaAkl4
n9Oqu0RqpMZMg45PXVt0ONO6Tsej4oDDqxv1G+Msj1LulTsS4ETodaOBmjCBlzAM
BgNVHRMBAf8EAjAAMDcGA1UdEQQwMC6GLHNwaWZmZTovL2NsdXN0ZXIubG9jYWwv
bnMvZGVmYXVsdC9zYS9odHRwYmluMA4GA1UdDwEB/wQEAwIFoDAdBgNVHQ4EFgQU
twc/e5FhhywJtLf9UTmMNhT1eSAwHwYDVR0jBBgwFoAUzH//IQn0TatUfOYyHoAn
50mfBPkwCgYIKoZIzj0EAwIDSQAwRgIhAIn8CUGaABywvylTCmZRltQwgDmnAoSu
zCUM8IeYyRaPAiEA6WPajxxTMGhS7ofcdjbfDIrWfuYVUYpeKFD/sPRfvQI=
-----END CERTIFICATE-----
"""


def secrets_section(p):
    """`default` (the workload chain, leaf then CA) and `ROOTCA`; the private key is what
    Envoy's admin prints for it: `[redacted]`."""
    return any_(
        "envoy.admin.v3.SecretsConfigDump",
        dynamic_active_secrets=[
            {
                "name": "default",
                "version_info": p.version_info.split("/")[0],
                "last_updated": p.ts(12),
                "secret": any_(
                    "envoy.extensions.transport_sockets.tls.v3.Secret",
                    name="default",
                    tls_certificate={
                        "certificate_chain": {"inline_bytes": b64(FIXTURE_LEAF_PEM + FIXTURE_CA_PEM)},
                        "private_key": {"inline_bytes": b64("[redacted]")},
                    },
                ),
            },
            {
                "name": "ROOTCA",
                "version_info": p.version_info.split("/")[0],
                "last_updated": p.ts(13),
                "secret": any_(
                    "envoy.extensions.transport_sockets.tls.v3.Secret",
                    name="ROOTCA",
                    validation_context={"trusted_ca": {"inline_bytes": b64(FIXTURE_CA_PEM)}},
                ),
            },
        ],
    )


def lb_endpoint(address, port, status="HEALTHY", internal=None):
    if internal:
        addr = {"envoy_internal_address": {"server_listener_name": internal, "endpoint_id": "%s:%d" % (address, port)}}
    else:
        addr = socket(address, port)
    return {"endpoint": {"address": addr, "health_check_config": {}}, "health_status": status, "load_balancing_weight": 1}


def load_assignment(cluster, localities):
    return {
        "endpoint_config": any_(
            "envoy.config.endpoint.v3.ClusterLoadAssignment",
            cluster_name=cluster,
            endpoints=[
                {"locality": loc, "lb_endpoints": eps, "load_balancing_weight": len(eps)} for loc, eps in localities
            ],
            policy={"overprovisioning_factor": 140},
        )
    }


def endpoints_section():
    """EDS for the EDS clusters (`?include_eds=true`; current Istio fixtures only), with
    localities, unhealthy and draining endpoints, and the static clusters' endpoints."""
    zone_a = {"region": "us-east1", "zone": "us-east1-b"}
    zone_b = {"region": "us-east1", "zone": "us-east1-c", "sub_zone": "rack-7"}
    reviews = "outbound|9080|%s|" + REVIEWS_HOST
    return any_(
        "envoy.admin.v3.EndpointsConfigDump",
        static_endpoint_configs=[
            load_assignment("agent", [({}, [lb_endpoint("127.0.0.1", 15020)])]),
            load_assignment("prometheus_stats", [({}, [lb_endpoint("127.0.0.1", 15000)])]),
        ],
        dynamic_endpoint_configs=[
            load_assignment(OUTBOUND_CLUSTER, [(zone_a, [lb_endpoint(POD_IP, TARGET_PORT)])]),
            load_assignment(KUBE_DNS_CLUSTER, [(zone_a, [lb_endpoint("10.244.0.2", 53), lb_endpoint("10.244.0.3", 53)])]),
            load_assignment(
                reviews % "",
                [
                    (zone_a, [lb_endpoint("10.244.1.21", 9080), lb_endpoint("10.244.1.22", 9080, "UNHEALTHY")]),
                    (zone_b, [lb_endpoint("10.244.2.23", 9080, "DRAINING")]),
                ],
            ),
            load_assignment(reviews % "v1", [(zone_a, [lb_endpoint("10.244.1.21", 9080)])]),
            load_assignment(reviews % "v2", [(zone_a, [lb_endpoint("10.244.1.22", 9080, "UNHEALTHY")])]),
            load_assignment(
                "outbound|9080||" + RATINGS_HOST,
                [(zone_b, [lb_endpoint("10.244.2.31", 9080, internal="connect_originate")])],
            ),
            # A cluster whose endpoints are all gone: istioctl shows no row for it.
            load_assignment("outbound|9080||details.default.svc.cluster.local", [(zone_a, [])]),
        ],
    )


def plugin_ecds_entry(p):
    """The ECDS resource of the seed plugin on current Istio (§6.1, §6.2, §6.5)."""
    name = "%s.%s~istio-translated-wasmplugin" % (PLUGIN_NS, PLUGIN_NAME)
    wasm = any_(
        "envoy.extensions.filters.http.wasm.v3.Wasm",
        config={
            "name": name,
            "vm_config": {"runtime": "envoy.wasm.runtime.v8", "code": {"local": {"filename": PLUGIN_LOCAL_FILE}}},
            "configuration": string_value(PLUGIN_CONFIG_JSON),
            "failure_policy": "FAIL_CLOSED",
        },
    )
    return {
        "version_info": p.version_info,
        "ecds_filter": any_("envoy.config.core.v3.TypedExtensionConfig", name=p.plugin_filter_name, typed_config=wasm),
        "last_updated": p.ts(512),
    }


def telemetry_ecds_entries(p):
    return [
        {
            "ecds_filter": any_(
                "envoy.config.core.v3.TypedExtensionConfig",
                name="istio.io/telemetry/stats/prometheus/sidecar/%s/HTTP" % direction,
            ),
            "last_updated": p.ts(millis),
        }
        for direction, millis in (("Outbound", 488), ("Inbound", 491))
    ]


def seed_dump(p, mode, inbound=None):
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        static_listeners=static_listeners(p),
        dynamic_listeners=[
            active(p, outbound_tcp_listener(p, KUBE_DNS_VIP, 53, KUBE_DNS_CLUSTER), 601),
            active(p, outbound_http_listener(p, SERVICE_PORT), 604),
            active(p, virtual_outbound(p), 611),
            active(p, inbound if inbound is not None else virtual_inbound(p, mode), 618),
        ],
    )
    configs = [bootstrap_section(p), clusters_section(p)]
    if p.head:
        # Envoy 1.25+ (Istio 1.17+) dumps ECDS; Istio 1.12's Envoy has no such section (§1.3).
        configs.append(any_("envoy.admin.v3.EcdsConfigDump", ecds_filters=[plugin_ecds_entry(p)] + telemetry_ecds_entries(p)))
        # Dumped with `?include_eds=true`; the 1.12 fixtures are taken without it.
        configs.append(endpoints_section())
    configs += [listeners, any_("envoy.admin.v3.ScopedRoutesConfigDump"), routes_section(p), secrets_section(p)]
    return {"configs": configs}


# ---------------------------------------------------------------------------------------------
# matcher-tree.json (§2.4)
# ---------------------------------------------------------------------------------------------


def chain_action(chain_name):
    return {"action": {"name": chain_name, "typed_config": string_value(chain_name)}}


def matcher_input(name, type_name):
    return {"name": name, "typed_config": any_("envoy.extensions.matching.common_inputs.network.v3." + type_name)}


def port_matcher(ports_to_chain, on_no_match=None):
    m = {
        "matcher_tree": {
            "input": matcher_input("port", "DestinationPortInput"),
            "exact_match_map": {"map": {str(port): chain_action(c) for port, c in ports_to_chain}},
        }
    }
    if on_no_match:
        m["on_no_match"] = chain_action(on_no_match)
    return {"matcher": m}


def waypoint_hcm(stat_prefix, cluster, port):
    hcm = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    hcm["stat_prefix"] = stat_prefix
    hcm["route_config"] = inline_route(cluster, "inbound|http|%d" % port, cluster, ":%d/*" % port)
    hcm["http_filters"] = [grpc_stats(), fault(), cors(), router()]
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}


def matcher_tree_dump():
    p = Profile("current")
    httpbin = "inbound-vip|8000|http|httpbin.default.svc.cluster.local"
    postgres = "inbound-vip|5432|tcp|postgres.default.svc.cluster.local"
    legacy = "inbound-vip|9090|http|legacy.default.svc.cluster.local"
    direct = "direct-tcp"
    internal = any_("envoy.config.listener.v3.Listener")
    internal["name"] = "main_internal"
    internal["filter_chains"] = [
        {"filters": [waypoint_hcm("inbound_0.0.0.0_8000", httpbin, 8000)], "name": httpbin},
        {"filters": [tcp_proxy(postgres)], "name": postgres},
        {"filters": [tcp_proxy("PassthroughCluster", stat_prefix="direct-tcp")], "name": direct},
        # No matcher branch names this chain: it can never be selected.
        {"filters": [waypoint_hcm("inbound_0.0.0.0_9090", legacy, 9090)], "name": legacy},
    ]
    internal["listener_filters"] = [
        listener_filter("original_dst", "envoy.extensions.filters.listener.original_dst.v3.OriginalDst")
    ]
    internal["traffic_direction"] = "INBOUND"
    internal["internal_listener"] = {}
    internal["filter_chain_matcher"] = {
        "matcher_tree": {
            "input": matcher_input("ip", "DestinationIPInput"),
            "custom_match": {
                "name": "ip",
                "typed_config": any_(
                    "xds.type.matcher.v3.IPMatcher",
                    range_matchers=[
                        {
                            "ranges": [
                                {"address_prefix": SERVICE_VIP, "prefix_len": 32},
                                {"address_prefix": "fd00:10:96::5a1", "prefix_len": 128},
                            ],
                            "on_match": port_matcher([(8000, httpbin)]),
                        },
                        {
                            "ranges": [{"address_prefix": "10.96.14.7", "prefix_len": 32}],
                            "on_match": port_matcher([(5432, postgres)], on_no_match=direct),
                        },
                        {
                            "ranges": [{"address_prefix": "10.244.0.0", "prefix_len": 16}],
                            "on_match": chain_action(direct),
                        },
                    ],
                ),
            },
        },
    }

    terminate = connect_terminate_listener(p)

    waypoint_pod = "waypoint-6c9f8d7b5-m2kxt"
    boot = bootstrap_section(
        p,
        node_id="waypoint~10.244.0.31~%s.default~default.svc.cluster.local" % waypoint_pod,
        labels={
            "gateway.istio.io/managed": "istio.io-mesh-controller",
            "gateway.networking.k8s.io/gateway-name": "waypoint",
            "istio.io/dataplane-mode": "none",
            "service.istio.io/canonical-name": "waypoint",
            "service.istio.io/canonical-revision": "latest",
        },
        workload="waypoint",
        instance_ips="10.244.0.31",
        pod=waypoint_pod,
    )
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[active(p, terminate, 640), active(p, internal, 643)],
    )
    # The proxy's Envoy release (§5.8), which decides the matcher rules explain applies.
    boot["bootstrap"]["node"]["user_agent_build_version"] = {
        "version": {"major_number": 1, "minor_number": 36, "patch": 2},
        "metadata": {"build.type": "RELEASE", "revision.sha": "0" * 40, "revision.status": "Clean", "ssl.version": "BoringSSL"},
    }
    return {"configs": [boot, listeners]}


# ---------------------------------------------------------------------------------------------
# sidecar-hbone-outbound.json (§3.1: outbound HBONE through connect_originate)
# ---------------------------------------------------------------------------------------------

ORIGINAL_DST_KEY = "envoy.filters.listener.original_dst"
MYSQL_HOST = "mysqldb.default.svc.cluster.local"
POSTGRES_HOST = "postgres.default.svc.cluster.local"


def internal_upstream_socket(inner):
    """Istio's FullMetadataPassthroughInternalUpstreamTransportSocket (pilot/pkg/networking/util/
    internal_upstream.go): the host's original_dst and istio metadata, the cluster's istio."""
    host, cluster = {"host": {}}, {"cluster": {}}
    return {
        "name": "internal_upstream",
        "typed_config": any_(
            "envoy.extensions.transport_sockets.internal_upstream.v3.InternalUpstreamTransport",
            passthrough_metadata=[
                {"kind": host, "name": ORIGINAL_DST_KEY},
                {"kind": cluster, "name": "istio"},
                {"kind": host, "name": "istio"},
            ],
            transport_socket=inner,
        ),
    }


def raw_buffer_socket():
    return {"name": "envoy.transport_sockets.raw_buffer", "typed_config": any_("envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer")}


def hbone_eds_cluster(name):
    """An outbound EDS cluster of an HBONE-capable sidecar (cluster_tls.go hboneOrPlaintextSocket):
    hosts marked `tunnel: http` go through the internal upstream socket, the others plaintext."""
    c = eds_cluster(name)
    c["transport_socket_matches"] = [
        {"name": "hbone", "match": {"tunnel": "http"}, "transport_socket": internal_upstream_socket(raw_buffer_socket())},
        {"name": "tlsMode-disabled", "match": {}, "transport_socket": raw_buffer_socket()},
    ]
    return c


def connect_originate_cluster(p):
    """cluster_waypoint.go buildConnectOriginate: ORIGINAL_DST to port 15008 (or the metadata's
    waypoint), TLS 1.3 with ALPN h2 and Istio's SDS certificates, HTTP/2 with CONNECT."""
    tls = any_("envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext")
    tls["common_tls_context"] = {
        "tls_params": {"tls_minimum_protocol_version": "TLSv1_3", "tls_maximum_protocol_version": "TLSv1_3"},
        "alpn_protocols": ["h2"],
        "tls_certificate_sds_secret_configs": [sds("default")],
        "combined_validation_context": {"default_validation_context": {}, "validation_context_sds_secret_config": sds("ROOTCA")},
    }
    c = any_("envoy.config.cluster.v3.Cluster", name="connect_originate", type="ORIGINAL_DST", connect_timeout="10s", lb_policy="CLUSTER_PROVIDED")
    c["cleanup_interval"] = "60s"
    c["typed_extension_protocol_options"] = {
        "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": any_(
            "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
            common_http_protocol_options={"idle_timeout": "3600s"},
            explicit_http_config={"http2_protocol_options": {"allow_connect": True}},
        )
    }
    c["original_dst_lb_config"] = {
        "upstream_port_override": 15008,
        "metadata_key": {"key": ORIGINAL_DST_KEY, "path": [{"key": "waypoint"}]},
    }
    c["transport_socket"] = {"name": "tls", "typed_config": tls}
    c["alt_stat_name"] = "connect_originate;"
    return c


def connect_originate_listener():
    """listener_waypoint.go buildConnectForwarder with tunnel and EnableAmbientBaggage: an internal
    listener with original_dst, whose tcp_proxy tunnels to %DOWNSTREAM_LOCAL_ADDRESS%."""
    proxy = any_(
        "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
        stat_prefix="connect_originate",
        cluster="connect_originate",
        tunneling_config={
            "hostname": "%DOWNSTREAM_LOCAL_ADDRESS%",
            "headers_to_add": [
                {"header": {"key": "baggage", "value": "%FILTER_STATE(io.istio.baggage:PLAIN)%"}, "append_action": "OVERWRITE_IF_EXISTS_OR_ADD"}
            ],
            "propagate_response_headers": True,
        },
    )
    peer = {
        "name": "upstream_hbone_peer_metadata",
        "typed_config": typed_struct("envoy.extensions.network_filters.peer_metadata.Config", {"baggage_key": "io.istio.baggage"}),
    }
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "connect_originate"
    listener["filter_chains"] = [{"filters": [peer, {"name": "envoy.filters.network.tcp_proxy", "typed_config": proxy}]}]
    listener["use_original_dst"] = False
    listener["listener_filters"] = [listener_filter("original_dst", "envoy.extensions.filters.listener.original_dst.v3.OriginalDst")]
    listener["internal_listener"] = {}
    return listener


def tunnel_endpoint(address, port, waypoint=None, status="HEALTHY"):
    """endpoint_builder.go: a host behind HBONE is the internal address of connect_originate, with
    the tunnel's destination (and a service's waypoint) in its original_dst metadata."""
    target = waypoint or "%s:%d" % (address, port)
    tunnel = {"local": "%s:%d" % (address, port)}
    if waypoint:
        tunnel["waypoint"] = waypoint
    ep = {
        "endpoint": {"address": {"envoy_internal_address": {"server_listener_name": "connect_originate", "endpoint_id": target}}},
        "health_status": status,
        "metadata": {
            "filter_metadata": {
                ORIGINAL_DST_KEY: tunnel,
                "envoy.transport_socket_match": {"tunnel": "http"},
                "istio": {"workload": "mysqldb;default;mysqldb;v1;Kubernetes"},
            }
        },
        "load_balancing_weight": 1,
    }
    return ep


def hbone_outbound_dump():
    p = Profile("current")
    zone = {"region": "us-east1", "zone": "us-east1-b"}
    mysql = "outbound|3306||" + MYSQL_HOST
    postgres = "outbound|5432||" + POSTGRES_HOST
    redis = "outbound|6379||redis.default.svc.cluster.local"
    mongo = "outbound|27017||mongo.default.svc.cluster.local"
    memcached = "outbound|11211||memcached.default.svc.cluster.local"
    clusters = [
        any_("envoy.config.cluster.v3.Cluster", name="BlackHoleCluster", type="STATIC", connect_timeout="10s"),
        original_dst_cluster("PassthroughCluster"),
        hbone_eds_cluster(mysql),
        hbone_eds_cluster(postgres),
        hbone_eds_cluster(redis),
        connect_originate_cluster(p),
    ]
    clusters_dump = any_(
        "envoy.admin.v3.ClustersConfigDump",
        version_info=p.version_info,
        dynamic_active_clusters=[
            {"version_info": p.version_info, "cluster": c, "last_updated": p.ts(300 + i)} for i, c in enumerate(clusters)
        ],
        # Still waiting for its first EDS answer: Envoy sends no connection to it yet.
        dynamic_warming_clusters=[{"version_info": p.version_info, "cluster": hbone_eds_cluster(memcached), "last_updated": p.ts(320)}],
    )
    postgres_waypoint = "10.244.4.50:15008"
    endpoints = any_(
        "envoy.admin.v3.EndpointsConfigDump",
        dynamic_endpoint_configs=[
            load_assignment(mysql, [(zone, [tunnel_endpoint("10.244.2.40", 3306), tunnel_endpoint("10.244.3.41", 3306)])]),
            # A service with a waypoint: the tunnel goes to the service address, through the waypoint.
            load_assignment(postgres, [(zone, [tunnel_endpoint("10.96.45.40", 5432, waypoint=postgres_waypoint)])]),
        ],
    )
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[
            active(p, outbound_tcp_listener(p, "10.96.45.12", 3306, mysql), 601),
            active(p, outbound_tcp_listener(p, "10.96.45.40", 5432, postgres), 602),
            # No load assignment for redis in the endpoints section; mongo's cluster is not in the dump.
            active(p, outbound_tcp_listener(p, "10.96.45.20", 6379, redis), 603),
            active(p, outbound_tcp_listener(p, "10.96.45.30", 27017, mongo), 604),
            active(p, outbound_tcp_listener(p, "10.96.45.60", 11211, memcached), 606),
            active(p, outbound_http_listener(p, 9080), 605),
            active(p, virtual_outbound(p), 611),
            active(p, connect_originate_listener(), 612),
        ],
    )
    return {"configs": [bootstrap_section(p), clusters_dump, endpoints, listeners]}


# ---------------------------------------------------------------------------------------------
# warming-draining.json (§1.2)
# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# istio-current-gateway.json: an ingress gateway for `explain --request` (routes without `*`)
# ---------------------------------------------------------------------------------------------

PRODUCTPAGE_CLUSTER = "outbound|9080||productpage.default.svc.cluster.local"


def gateway_dump():
    """An Istio 1.30 ingress gateway: `0.0.0.0_8080` routes by RDS `http.8080`, whose virtual
    hosts (Gateway + VirtualService `bookinfo`) have no `*` domain, so a Host they do not list
    ends in NR. Domains as Istio writes them on gateways with `ignore_port_in_host_matching`.
    The bookinfo host: exact path, prefix, a header route to reviews v2, a weighted split of
    reviews v1/v2 (v2's endpoint unhealthy), a query-parameter route and a redirect."""
    p = Profile("current")
    hcm = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    hcm["stat_prefix"] = "outbound_0.0.0.0_8080"
    hcm["rds"] = {"config_source": ads_source(), "route_config_name": "http.8080"}
    hcm["http_filters"] = [router()]
    hcm.update(hcm_common_tail(inbound=False))
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "0.0.0.0_8080"
    listener["address"] = socket("0.0.0.0", 8080)
    listener["filter_chains"] = [{"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}]}]
    listener["traffic_direction"] = "OUTBOUND"
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[active(p, listener, 640)],
    )
    productpage = eds_cluster(PRODUCTPAGE_CLUSTER)
    reviews = "outbound|9080|%s|" + REVIEWS_HOST
    subsets = [eds_cluster(reviews % v, destination_rule="reviews") for v in ("v1", "v2")]
    clusters = any_(
        "envoy.admin.v3.ClustersConfigDump",
        version_info=p.version_info,
        dynamic_active_clusters=[
            {"version_info": p.version_info, "cluster": c, "last_updated": p.ts(300 + i)}
            for i, c in enumerate(
                [any_("envoy.config.cluster.v3.Cluster", name="BlackHoleCluster", type="STATIC", connect_timeout="10s"), productpage]
                + subsets
            )
        ],
    )
    bookinfo = {
        "name": "bookinfo.example.com:80",
        "domains": ["bookinfo.example.com"],
        "routes": [
            vs_route({"path": "/productpage"}, {"cluster": PRODUCTPAGE_CLUSTER, "timeout": "0s"}, "bookinfo", "productpage"),
            vs_route({"prefix": "/static"}, {"cluster": PRODUCTPAGE_CLUSTER, "timeout": "0s"}, "bookinfo", "static"),
            vs_route(
                {"prefix": "/reviews", "headers": [{"name": "end-user", "string_match": {"exact": "jason"}}]},
                {"cluster": reviews % "v2", "timeout": "0s"},
                "bookinfo",
                "reviews-jason",
            ),
            vs_route(
                {"path_separated_prefix": "/reviews"},
                {"weighted_clusters": {"clusters": [{"name": reviews % "v1", "weight": 80}, {"name": reviews % "v2", "weight": 20}]}},
                "bookinfo",
                "reviews-split",
            ),
            vs_route(
                {"prefix": "/api/v1/products", "query_parameters": [{"name": "debug", "present_match": True}]},
                {"cluster": PRODUCTPAGE_CLUSTER, "timeout": "0s"},
                "bookinfo",
                "api-debug",
            ),
            {
                "match": {"prefix": "/login", "case_sensitive": False},
                "redirect": {"https_redirect": True, "response_code": "PERMANENT_REDIRECT"},
                "name": "login",
            },
        ],
    }
    wildcard = {
        "name": "*.example.org:80",
        "domains": ["*.example.org"],
        "routes": [{"match": {"prefix": "/"}, "direct_response": {"status": 418}, "name": "teapot"}],
    }
    route_config = any_(
        "envoy.config.route.v3.RouteConfiguration",
        name="http.8080",
        virtual_hosts=[bookinfo, wildcard],
        validate_clusters=False,
        ignore_port_in_host_matching=True,
    )
    routes = any_(
        "envoy.admin.v3.RoutesConfigDump",
        dynamic_route_configs=[{"version_info": p.version_info, "route_config": route_config, "last_updated": p.ts(420)}],
    )
    zone_a = {"region": "us-east1", "zone": "us-east1-b"}
    endpoints = any_(
        "envoy.admin.v3.EndpointsConfigDump",
        dynamic_endpoint_configs=[
            load_assignment(PRODUCTPAGE_CLUSTER, [(zone_a, [lb_endpoint("10.244.1.40", 9080)])]),
            load_assignment(reviews % "v1", [(zone_a, [lb_endpoint("10.244.1.21", 9080)])]),
            load_assignment(reviews % "v2", [(zone_a, [lb_endpoint("10.244.1.22", 9080, "UNHEALTHY")])]),
        ],
    )
    gateway_pod = "istio-ingressgateway-7f8d9c6b5-x2x9p"
    boot = bootstrap_section(
        p,
        node_id="router~10.244.0.20~%s.istio-system~istio-system.svc.cluster.local" % gateway_pod,
        labels={"app": "istio-ingressgateway", "istio": "ingressgateway"},
        workload="istio-ingressgateway",
        instance_ips="10.244.0.20",
        pod=gateway_pod,
    )
    return {"configs": [boot, clusters, endpoints, listeners, routes]}


def warming_draining_dump():
    p = Profile("current")
    reviews_cluster = "outbound|9080||reviews.default.svc.cluster.local"
    old_version = "2026-05-18T08:39:44Z/8"

    # 0.0.0.0_9080: the Service port became HTTP; the old TCP listener drains meanwhile.
    new_9080 = outbound_http_listener(p, 9080)
    old_9080 = any_("envoy.config.listener.v3.Listener")
    old_9080["name"] = "0.0.0.0_9080"
    old_9080["address"] = socket("0.0.0.0", 9080)
    old_9080["filter_chains"] = [{"filters": [network_stats(p, outbound=True), tcp_proxy(reviews_cluster)]}]
    old_9080["traffic_direction"] = "OUTBOUND"
    old_9080["bind_to_port"] = False

    # 0.0.0.0_8000: besides helloworld it now needs a second plugin, whose ECDS resource never
    # arrived (initial_fetch_timeout 0s), so it stays warming; the ECDS section lacks it.
    ratelimit = "extensions.istio.io/trafficextension/default.ratelimit~istio-translated-wasmplugin"
    warming_8000 = outbound_http_listener(p, SERVICE_PORT, extra_plugins=[ratelimit])

    # 0.0.0.0_15010: the last update was rejected; it never became active.
    rejected = any_("envoy.config.listener.v3.Listener")
    rejected["name"] = "0.0.0.0_15010"
    rejected["address"] = socket("0.0.0.0", 15010)
    rejected["filter_chains"] = [
        {
            "filter_chain_match": filter_chain_match(dport=15010, transport="raw_buffer"),
            "filters": [tcp_proxy("outbound|15010||istiod.istio-system.svc.cluster.local")],
            "name": name,
        }
        for name in ("tcp-a", "tcp-b")
    ]
    rejected["traffic_direction"] = "OUTBOUND"
    rejected["bind_to_port"] = False
    details = (
        "error adding listener '0.0.0.0:15010': filter chain 'tcp-b' has the same matching rules "
        "defined as 'tcp-a'. duplicate matcher is: "
        '{"destination_port":15010,"transport_protocol":"raw_buffer"}'
    )

    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        static_listeners=static_listeners(p),
        dynamic_listeners=[
            active(p, outbound_tcp_listener(p, KUBE_DNS_VIP, 53, KUBE_DNS_CLUSTER), 601),
            {
                "name": "0.0.0.0_9080",
                "active_state": {"version_info": p.version_info, "listener": new_9080, "last_updated": p.ts(702)},
                "draining_state": {"version_info": old_version, "listener": old_9080, "last_updated": "2026-05-18T08:39:44.918Z"},
            },
            {
                "name": "0.0.0.0_8000",
                "warming_state": {"version_info": p.version_info, "listener": warming_8000, "last_updated": p.ts(705)},
            },
            {
                "name": "0.0.0.0_15010",
                "error_state": {"failed_configuration": rejected, "last_update_attempt": p.ts(707), "details": details},
            },
        ],
    )
    return sidecar_dump(p, listeners)


def sidecar_dump(p, listeners):
    """A current sidecar's dump: bootstrap, the plugin's and telemetry's ECDS, `listeners`."""
    return {
        "configs": [
            bootstrap_section(p),
            any_("envoy.admin.v3.EcdsConfigDump", ecds_filters=[plugin_ecds_entry(p)] + telemetry_ecds_entries(p)),
            listeners,
        ]
    }


# ---------------------------------------------------------------------------------------------
# sidecar-network-wasm*.json (§6.1, §6.2, §6.5: a NETWORK WasmPlugin on TCP chains, 1.30 naming)
# ---------------------------------------------------------------------------------------------

NETWORK_PLUGIN = "extensions.istio.io/trafficextension/default.tcp-audit~istio-translated-wasmplugin"
TCP_AUDIT_SHA = "5e" * 32


def network_wasm_dump(with_plugin=True, ecds="wasm"):
    """A 1.30 sidecar whose TCP chains (a bound outbound TCP listener and virtualOutbound's
    passthrough chain) carry the NETWORK WasmPlugin default/tcp-audit through ECDS.
    `ecds`: "wasm" (the module), "deny" (the agent's deny-all network RBAC stand-in,
    stat_prefix wasm-default-deny), "empty" (an ECDS section without it)."""

    def tcp_proxy(cluster):
        return {
            "name": "envoy.filters.network.tcp_proxy",
            "typed_config": {
                "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
                "stat_prefix": cluster,
                "cluster": cluster,
            },
        }

    def filters(cluster):
        wasm = {
            "name": NETWORK_PLUGIN,
            "config_discovery": {
                "config_source": {"ads": {}, "initial_fetch_timeout": "0s", "resource_api_version": "V3"},
                "type_urls": [
                    "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm",
                    "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC",
                ],
            },
        }
        return ([wasm] if with_plugin else []) + [tcp_proxy(cluster)]

    mysql = "outbound|3306||mysql.default.svc.cluster.local"
    listeners = [
        {
            "name": "virtualOutbound",
            "address": {"socket_address": {"address": "0.0.0.0", "port_value": 15001}},
            "use_original_dst": True,
            "traffic_direction": "OUTBOUND",
            "filter_chains": [{"name": "virtualOutbound-catchall-tcp", "filters": filters("PassthroughCluster")}],
        },
        {
            "name": "10.96.0.20_3306",
            "address": {"socket_address": {"address": "10.96.0.20", "port_value": 3306}},
            "traffic_direction": "OUTBOUND",
            "bind_to_port": False,
            "filter_chains": [{"filters": filters(mysql)}],
        },
    ]
    configs = [
        {
            "@type": "type.googleapis.com/envoy.admin.v3.BootstrapConfigDump",
            "bootstrap": {
                "node": {
                    "id": "sidecar~10.244.0.9~app-1.default~default.svc.cluster.local",
                    "user_agent_build_version": {"version": {"major_number": 1, "minor_number": 38, "patch": 0}},
                    "metadata": {"NAMESPACE": "default", "LABELS": {"app": "app"}, "ISTIO_VERSION": "1.30.0"},
                }
            },
        },
        {
            "@type": "type.googleapis.com/envoy.admin.v3.ListenersConfigDump",
            "version_info": "1",
            "dynamic_listeners": [
                {
                    "name": l["name"],
                    "active_state": {
                        "version_info": "1",
                        "listener": dict({"@type": "type.googleapis.com/envoy.config.listener.v3.Listener"}, **l),
                    },
                }
                for l in listeners
            ],
        },
    ]
    if ecds == "wasm":
        typed = {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.wasm.v3.Wasm",
            "config": {
                "name": "default.tcp-audit~istio-translated-wasmplugin",
                "configuration": {
                    "@type": "type.googleapis.com/google.protobuf.StringValue",
                    "value": '{"log":"all"}',
                },
                "vm_config": {
                    "runtime": "envoy.wasm.runtime.v8",
                    # The agent's local copy (1.15+): <sha256 of the module name>/<sha256>.wasm.
                    "code": {"local": {"filename": "/var/lib/istio/data/%s/%s.wasm" % ("1f" * 32, TCP_AUDIT_SHA)}},
                },
                "failure_policy": "FAIL_CLOSED",
            },
        }
    elif ecds == "deny":
        typed = {
            "@type": "type.googleapis.com/envoy.extensions.filters.network.rbac.v3.RBAC",
            "stat_prefix": "wasm-default-deny",
            "rules": {},
        }
    else:
        typed = None
    entries = []
    if with_plugin and typed is not None:
        entries.append(
            {
                "version_info": "1",
                "ecds_filter": {
                    "@type": "type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig",
                    "name": NETWORK_PLUGIN,
                    "typed_config": typed,
                },
            }
        )
    configs.append({"@type": "type.googleapis.com/envoy.admin.v3.EcdsConfigDump", "ecds_filters": entries})
    return {"configs": configs}


# ---------------------------------------------------------------------------------------------
# refused-update.json (§1.2, §3.2: an active listener whose last update Envoy refused)
# ---------------------------------------------------------------------------------------------


def refused_update_dump():
    p = Profile("current")
    # 0.0.0.0_8000 runs the version of the seed dump (helloworld on its outbound HCM).
    running = outbound_http_listener(p, SERVICE_PORT)
    running["filter_chains"][0]["name"] = "http"
    # The next update adds a chain for a second plugin with the same match as the first:
    # Envoy refuses the whole listener (filter_chain_manager_impl.cc
    # verifyNoDuplicateMatchers) and keeps the running version.
    ratelimit = "extensions.istio.io/trafficextension/default.ratelimit~istio-translated-wasmplugin"
    refused = copy.deepcopy(running)
    second = copy.deepcopy(refused["filter_chains"][0])
    second["name"] = "http-ratelimit"
    second["filters"] = [outbound_hcm(p, SERVICE_PORT, extra_plugins=[ratelimit])]
    refused["filter_chains"].append(second)
    details = (
        "error adding listener '0.0.0.0:8000': filter chain 'http-ratelimit' has the same matching "
        "rules defined as 'http'. duplicate matcher is: "
        '{"transport_protocol":"raw_buffer","application_protocols":["http/1.1","h2c"]}'
    )
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        static_listeners=static_listeners(p),
        dynamic_listeners=[
            active(p, outbound_tcp_listener(p, KUBE_DNS_VIP, 53, KUBE_DNS_CLUSTER), 601),
            {
                "name": running["name"],
                "active_state": {"version_info": p.version_info, "listener": running, "last_updated": p.ts(602)},
                "error_state": {"failed_configuration": refused, "last_update_attempt": p.ts(707), "details": details},
            },
        ],
    )
    return sidecar_dump(p, listeners)


# ---------------------------------------------------------------------------------------------
# refused-on-load.json (§3.2: active listeners Envoy would refuse to load; §3: one it loads
# although which chain takes a connection is unspecified)
# ---------------------------------------------------------------------------------------------


def bound_tcp_listener(port, chains, listener_filters=()):
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "0.0.0.0_%d" % port
    listener["address"] = socket("0.0.0.0", port)
    listener["filter_chains"] = [chain(match, [tcp_proxy(cluster)], name) for name, match, cluster in chains]
    if listener_filters:
        listener["listener_filters"] = list(listener_filters)
    listener["traffic_direction"] = "INBOUND"
    return listener


def refused_on_load_dump():
    p = Profile("current")
    cidr = {"address_prefix": "10.0.0.0", "prefix_len": 8}
    catch_all = {"address_prefix": "0.0.0.0", "prefix_len": 0}
    tls_inspector = listener_filter("tls_inspector", "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector")
    listeners = [
        # setupFilterChainMatcher: "partial wildcards are not supported in \"server_names\"".
        bound_tcp_listener(
            8443,
            [
                ("api", {"server_names": ["api.example.com"], "transport_protocol": "tls"}, "outbound|443||api.example.com"),
                ("wild", {"server_names": ["*example.com"], "transport_protocol": "tls"}, "outbound|443||web.example.com"),
            ],
            [tls_inspector],
        ),
        # One chain listing a CIDR twice: addFilterChainForSourcePorts, "overlapping matching rules".
        bound_tcp_listener(
            9000,
            [
                ("internal", {"prefix_ranges": [cidr, dict(cidr)]}, "outbound|9000||internal.default.svc.cluster.local"),
                ("rest", {}, "PassthroughCluster"),
            ],
        ),
        # destination_port 0: proto validation, "value must be inside range [1, 65535]".
        bound_tcp_listener(
            9100,
            [
                ("web", {"destination_port": 9100}, "outbound|9100||web.default.svc.cluster.local"),
                ("zero", {"destination_port": 0}, "PassthroughCluster"),
            ],
        ),
        # No prefix_ranges beside 0.0.0.0/0: Envoy loads it; which chain takes IPv4 is unspecified.
        bound_tcp_listener(
            9200,
            [
                ("any", {}, "outbound|9200||any.default.svc.cluster.local"),
                ("ipv4", {"prefix_ranges": [catch_all]}, "outbound|9200||ipv4.default.svc.cluster.local"),
            ],
        ),
    ]
    section = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[active(p, l, 610 + i) for i, l in enumerate(listeners)],
    )
    return {"configs": [section]}


# ---------------------------------------------------------------------------------------------
# wasm-verdicts.json (wasm count: every verdict; manifests in testdata/manifests/wasm-count/)
# ---------------------------------------------------------------------------------------------


def split_ref(ref):
    """`name` (in the proxy's namespace) or `ns/name` -> (ns, name)."""
    return tuple(ref.split("/")) if "/" in ref else (NAMESPACE, ref)


def verdict_filter_name(ref):
    """§6.1, 1.30+: a WasmPlugin as a translated TrafficExtension."""
    return "extensions.istio.io/trafficextension/%s.%s~istio-translated-wasmplugin" % split_ref(ref)


def verdict_plugins(p, refs):
    return [plugin_filter(p, verdict_filter_name(r)) for r in refs]


def verdict_inbound_hcm(p, stat_prefix, route_config, plugins):
    cfg = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    cfg["stat_prefix"] = stat_prefix
    cfg["route_config"] = route_config
    cfg["http_filters"] = [http_mx(p)] + verdict_plugins(p, plugins) + [grpc_stats(), fault(), cors(), http_stats(p), router()]
    cfg.update(hcm_common_tail(inbound=True))
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": cfg}


def verdict_wasm_entry(p, ref, millis, failure="FAIL_CLOSED"):
    """A plugin's ECDS Wasm entry, its module a remote OCI image cached by the agent (§6.2)."""
    ns, name = split_ref(ref)
    module = "oci://ghcr.io/meshscope-fixtures/wasm/%s" % name
    sha = sha256_hex("meshscope fixture: %s wasm module bytes" % name)
    local = "/var/lib/istio/data/%s/%s.wasm" % (sha256_hex(module), sha)
    wasm = any_(
        "envoy.extensions.filters.http.wasm.v3.Wasm",
        config={
            "name": "%s.%s~istio-translated-wasmplugin" % (ns, name),
            "root_id": name,
            "vm_config": {"runtime": "envoy.wasm.runtime.v8", "code": {"local": {"filename": local}}},
            "configuration": any_("google.protobuf.StringValue"),
            "failure_policy": failure,
        },
    )
    return {
        "version_info": p.version_info,
        "ecds_filter": any_("envoy.config.core.v3.TypedExtensionConfig", name=verdict_filter_name(ref), typed_config=wasm),
        "last_updated": p.ts(millis),
    }


def verdict_deny_all_entry(p, name, millis):
    """§6.5: the agent could not fetch the module (FAIL_CLOSED, 1.25+): deny-all RBAC, same name."""
    rbac = any_("envoy.extensions.filters.http.rbac.v3.RBAC", rules={}, rules_stat_prefix="wasm-default-deny")
    return {
        "version_info": p.version_info,
        "ecds_filter": any_("envoy.config.core.v3.TypedExtensionConfig", name=verdict_filter_name(name), typed_config=rbac),
        "last_updated": p.ts(millis),
    }


def wasm_verdicts_dump():
    """Istio 1.30 httpbin sidecar (DISABLE, so plaintext chains only) with seven plugins:

    inbound catch-all: authn-check before jwt-extra (wrong order: AUTHN 10 vs 100);
    inbound port 80: correct order, header-rewrite (SERVER, port 80) missing;
    outbound 0.0.0.0_8000, warming: authn-check (SERVER only: not expected), ratelimit (its
    ECDS resource is missing), auth-remote (deny-all stand-in), mesh-telemetry, client-metrics.
    """
    p = Profile("current")
    inbound = ["authn-check", "jwt-extra", "auth-remote", "istio-system/mesh-telemetry"]
    port80 = ["jwt-extra", "authn-check", "auth-remote", "istio-system/mesh-telemetry"]
    outbound = ["authn-check", "ratelimit", "auth-remote", "istio-system/mesh-telemetry", "client-metrics"]

    passthrough = p.families[0]["cluster"]
    catchall_route = inline_route(passthrough, "inbound|http|0", passthrough, ":0/*")
    port_route = inline_route(
        INBOUND_CLUSTER, "inbound|http|%d" % SERVICE_PORT, INBOUND_CLUSTER, "%s:%d/*" % (SERVICE_HOST, SERVICE_PORT)
    )
    chains = [
        blackhole_chain(p),
        chain(
            filter_chain_match(transport="raw_buffer", alpn=p.plain_alpn),
            [network_mx(p), verdict_inbound_hcm(p, passthrough, catchall_route, inbound)],
            "virtualInbound-catchall-http",
        ),
        chain(
            filter_chain_match(transport="raw_buffer"),
            [network_mx(p), network_stats(p), tcp_proxy(passthrough)],
            "virtualInbound",
        ),
        chain(
            filter_chain_match(dport=TARGET_PORT, transport="raw_buffer"),
            [network_mx(p), verdict_inbound_hcm(p, "inbound_0.0.0.0_%d" % TARGET_PORT, port_route, port80)],
            "0.0.0.0_%d" % TARGET_PORT,
        ),
    ]
    vi = any_("envoy.config.listener.v3.Listener")
    vi["name"] = "virtualInbound"
    vi["address"] = socket("0.0.0.0", 15006)
    vi["filter_chains"] = chains
    vi["listener_filters"] = virtual_inbound_listener_filters(p, DISABLE)
    vi["listener_filters_timeout"] = "0s"
    vi["traffic_direction"] = "INBOUND"
    vi["continue_on_listener_filters_timeout"] = True

    # outbound_http_listener adds helloworld first; this proxy has no helloworld, so drop it.
    out = outbound_http_listener(p, SERVICE_PORT)
    hcm = out["filter_chains"][0]["filters"][0]["typed_config"]
    filters = [f for f in hcm["http_filters"] if f.get("name") != p.plugin_filter_name]
    hcm["http_filters"] = filters[:1] + verdict_plugins(p, outbound) + filters[1:]

    ecds = [
        verdict_wasm_entry(p, "authn-check", 520),
        verdict_wasm_entry(p, "jwt-extra", 521),
        verdict_deny_all_entry(p, "auth-remote", 522),
        verdict_wasm_entry(p, "istio-system/mesh-telemetry", 523, failure="FAIL_OPEN"),
        verdict_wasm_entry(p, "client-metrics", 524),
    ]
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[
            {
                "name": out["name"],
                "warming_state": {"version_info": p.version_info, "listener": out, "last_updated": p.ts(705)},
            },
            active(p, vi, 618),
        ],
    )
    return {
        "configs": [
            bootstrap_section(p),
            any_("envoy.admin.v3.EcdsConfigDump", ecds_filters=ecds),
            listeners,
        ]
    }


# ---------------------------------------------------------------------------------------------
# istio-current-{waypoint,gateway-api,ingress-classic}*.json (wasm count on gateways and
# waypoints, #16 point 6; manifests in testdata/manifests/wasm-count/{waypoint,gateway-api,
# ingress-classic}/plugins.yaml)
# ---------------------------------------------------------------------------------------------

WASM_NETWORK = TG + "envoy.extensions.filters.network.wasm.v3.Wasm"
RBAC_NETWORK = TG + "envoy.extensions.filters.network.rbac.v3.RBAC"
TE_PREFIX = "extensions.istio.io/trafficextension/"
# translate.go syntheticMarker: every WasmPlugin becomes a TrafficExtension named with it.
SYNTHETIC = "~istio-translated-wasmplugin"
SHOP = "shop"


class Ext:
    """One WasmPlugin or TrafficExtension as its manifest states it (the manifests under
    testdata/manifests/wasm-count/ must say exactly this: the clean fixtures show no drift)."""

    def __init__(self, ns, name, url, kind="WasmPlugin", sha256=None, config=None, fail=None,
                 pull=None, env=(), host_env=(), plugin_name=None, network=False, rv="1"):
        self.ns, self.name, self.url, self.kind = ns, name, url, kind
        self.sha256, self.config, self.fail, self.pull = sha256, config, fail, pull
        self.env, self.host_env, self.plugin_name, self.network = list(env), list(host_env), plugin_name, network
        self.resource_version = rv

    @property
    def te_name(self):
        """translate.go: a WasmPlugin's synthetic TrafficExtension name; a native one's own."""
        return self.name + (SYNTHETIC if self.kind == "WasmPlugin" else "")

    @property
    def filter_name(self):
        """§6.1, 1.30+: the ECDS resource and filter name (convertToTrafficExtensionWrapper)."""
        return TE_PREFIX + "%s.%s" % (self.ns, self.te_name)

    def filter(self):
        """§6.2: an ECDS-delivered filter, HTTP or (type NETWORK) network."""
        urls = [WASM_NETWORK, RBAC_NETWORK] if self.network else [WASM_HTTP, RBAC_HTTP]
        return {"name": self.filter_name, "config_discovery": {"config_source": ads_source(), "type_urls": urls}}

    def module_sha(self):
        """The digest the agent fetched: the pinned one, else the fixture module's own."""
        return self.sha256 or sha256_hex("meshscope fixture: %s/%s wasm module bytes" % (self.ns, self.name))

    def ecds_entry(self, p, millis, sha256=None, config=None):
        """extensions.go buildWasmConfig/buildVMConfig/buildDataSource as the istio-agent leaves
        it (pkg/wasm/convert.go rewriteVMConfig): a remote module becomes the local copy
        /var/lib/istio/data/<sha256(module)>/<sha256>.wasm and loses its ISTIO_META_* keys
        (1.18+); a file:// module keeps them. `sha256`/`config` override what runs (drift)."""
        env = {}
        if self.url.startswith("file://"):
            code = {"local": {"filename": self.url[len("file://"):]}}
            if self.pull:
                env["ISTIO_META_WASM_IMAGE_PULL_POLICY"] = self.pull
            env["ISTIO_META_WASM_PLUGIN_RESOURCE_VERSION"] = self.resource_version
        else:
            module = self.url.rsplit(":", 1)[0] if self.url.count(":") > 1 else self.url
            digest = sha256 or self.module_sha()
            code = {"local": {"filename": "/var/lib/istio/data/%s/%s.wasm" % (sha256_hex(module), digest)}}
        env.update(self.env)
        vm = {"runtime": "envoy.wasm.runtime.v8", "code": code}
        variables = {}
        if env:
            variables["key_values"] = dict(sorted(env.items()))
        if self.host_env:
            variables["host_env_keys"] = list(self.host_env)
        if variables:
            vm["environment_variables"] = variables
        cfg = self.config if config is None else config
        wasm_config = {"name": "%s.%s" % (self.ns, self.te_name)}
        if self.plugin_name:
            wasm_config["root_id"] = self.plugin_name
        wasm_config["vm_config"] = vm
        # protomarshal.ToJSON of the Struct: compact, keys sorted; none when empty.
        wasm_config["configuration"] = (
            string_value(json.dumps(cfg, sort_keys=True, separators=(",", ":"))) if cfg else {}
        )
        # FAIL_CLOSE is enum 0, so unset also gives an explicit FAIL_CLOSED (§6.5, 1.25+).
        wasm_config["failure_policy"] = {"FAIL_OPEN": "FAIL_OPEN", "FAIL_RELOAD": "FAIL_RELOAD"}.get(self.fail, "FAIL_CLOSED")
        type_name = "envoy.extensions.filters.%s.wasm.v3.Wasm" % ("network" if self.network else "http")
        return {
            "version_info": p.version_info,
            "ecds_filter": any_(
                "envoy.config.core.v3.TypedExtensionConfig",
                name=self.filter_name,
                typed_config=any_(type_name, config=wasm_config),
            ),
            "last_updated": p.ts(millis),
        }


def ecds_dump_section(p, exts, skip=(), overrides=None):
    """One ECDS entry per distinct plugin filter, in the order given, minus `skip`."""
    overrides = overrides or {}
    entries = [
        e.ecds_entry(p, 520 + i, **overrides.get(e.name, {})) for i, e in enumerate(exts) if e.name not in skip
    ]
    return any_("envoy.admin.v3.EcdsConfigDump", ecds_filters=entries)


def peer_metadata_filter(name, value):
    return {"name": name, "typed_config": typed_struct("io.istio.http.peer_metadata.Config", value)}


def ambient_bootstrap(p, node_id, pod, workload, ip, namespace, labels):
    boot = bootstrap_section(p, node_id=node_id, labels=labels, workload=workload, instance_ips=ip, pod=pod)
    meta = boot["bootstrap"]["node"]["metadata"]
    meta["NAMESPACE"] = namespace
    meta["OWNER"] = "kubernetes://apis/apps/v1/namespaces/%s/deployments/%s" % (namespace, workload)
    meta["POD_PORTS"] = "[]"
    del meta["APP_CONTAINERS"]
    meta["ANNOTATIONS"] = {"kubernetes.io/config.source": "api"}
    boot["bootstrap"]["node"]["cluster"] = "%s.%s" % (workload, namespace)
    return with_envoy_version(boot)


def with_envoy_version(boot):
    """The proxy's Envoy release (§5.8), which decides the matcher rules explain applies."""
    boot["bootstrap"]["node"]["user_agent_build_version"] = {
        "version": {"major_number": 1, "minor_number": 36, "patch": 2},
        "metadata": {"build.type": "RELEASE", "revision.sha": "0" * 40, "revision.status": "Clean", "ssl.version": "BoringSSL"},
    }
    return boot


# The waypoint: shop/waypoint serving reviews and ratings (HTTP, 9080) and mongodb (TCP, 27017).
WAYPOINT_IP = "10.244.1.15"
WAYPOINT_POD = "waypoint-7b9c5d8f4-h2lqp"
WAYPOINT_SERVICES = [
    # (host, VIP, port, protocol); api.example.com is ServiceEntry shop/api (auto-allocated VIP)
    ("reviews.shop.svc.cluster.local", "10.96.120.11", 9080, "http"),
    ("ratings.shop.svc.cluster.local", "10.96.120.12", 9080, "http"),
    ("mongodb.shop.svc.cluster.local", "10.96.120.13", 27017, "tcp"),
    ("api.example.com", "240.240.0.5", 80, "http"),
]

WP_MESH = Ext("istio-system", "mesh-stats", "file:///opt/istio/wasm/mesh-stats.wasm", pull="IfNotPresent",
              config={"metric_prefix": "mesh"}, fail="FAIL_OPEN", rv="48102")
WP_REVIEWS = Ext(SHOP, "reviews-auth", "oci://ghcr.io/meshscope-fixtures/wasm/reviews-auth:2.1.0",
                 sha256=sha256_hex("meshscope fixture: reviews-auth wasm module bytes v2.1.0"),
                 config={"header": "x-reviews-user", "require": True}, fail="FAIL_CLOSE",
                 env=[("AUTH_MODE", "strict")], host_env=["POD_NAME"], plugin_name="reviews_auth", rv="48117")
WP_RATINGS = Ext(SHOP, "ratings-header", "oci://ghcr.io/meshscope-fixtures/wasm/ratings-header:1.4.0",
                 kind="TrafficExtension", config={"add": {"x-ratings": "waypoint"}}, fail="FAIL_RELOAD", rv="48120")
WP_EGRESS = Ext(SHOP, "egress-audit", "oci://ghcr.io/meshscope-fixtures/wasm/egress-audit:1.0.0",
                config={"log": "requests"}, rv="48130")
WP_MONGO = Ext(SHOP, "mongo-audit", "oci://ghcr.io/meshscope-fixtures/wasm/mongo-audit:0.3.0",
               config={"log": "writes"}, network=True, rv="48125")


def waypoint_http_chain(p, host, port, pre, post):
    """listener_waypoint.go buildWaypointInboundHTTPFilters: pre (AUTHN, AUTHZ plugins, no
    policy filters here), the HCM's own (grpc_stats, fault, cors), post (STATS, UNSPECIFIED
    plugins, waypoint_upstream_peer_metadata, telemetry), router last. `host` is the service's
    (a Kubernetes FQDN or a ServiceEntry host); None for direct-http."""
    if host is None:
        # direct-http: cluster encap, no service (port "unknown", 0).
        host, name = "encap", "direct-http"
    else:
        name = "inbound-vip|%d|http|%s" % (port, host)
    hcm = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    cluster = "encap" if name == "direct-http" else name
    hcm["stat_prefix"] = cluster
    hcm["route_config"] = inline_route(cluster, "inbound|http|%d" % port, cluster, "%s:%d/*" % (host, port))
    upstream = peer_metadata_filter("waypoint_upstream_peer_metadata", {"upstream_discovery": [{"workload_discovery": {}}]})
    hcm["http_filters"] = (
        [e.filter() for e in pre]
        + [grpc_stats(), fault(), cors()]
        + [e.filter() for e in post]
        + [upstream, http_stats(p), router()]
    )
    hcm.update(hcm_common_tail(inbound=True))
    return {"filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}], "name": name}


def waypoint_tcp_chain(p, svc, port, plugins):
    """buildWaypointNetworkFilters → buildCompleteNetworkFilters (SidecarInbound, service
    port): metadata exchange, NETWORK plugins by phase, istio.stats, tcp_proxy."""
    name = "inbound-vip|%d|tcp|%s.%s.svc.cluster.local" % (port, svc, SHOP)
    filters = [network_mx(p)] + [e.filter() for e in plugins] + [network_stats(p), tcp_proxy(name)]
    return {"filters": filters, "name": name}


def waypoint_wasm_dump(defect=False):
    """An Istio 1.30 ambient waypoint (shop/waypoint) as buildWaypointInbound builds it:
    connect_terminate (15008) hands CONNECT to main_internal, whose per-service chains carry
    the extensions of ListenerInfo{Class: SidecarInbound}.WithService(svc).

    Clean: reviews: reviews-auth (AUTHN) … mesh-stats (STATS); ratings: ratings-header
    (TrafficExtension, AUTHZ) … mesh-stats; mongodb (TCP): mongo-audit (NETWORK).
    Defect: reviews-auth also on ratings' chain (misplaced); mesh-stats absent from ratings'
    chain (missing); no ECDS entry for ratings-header; reviews-auth runs another sha256;
    mongo-audit runs another pluginConfig."""
    p = Profile("current")
    reviews_pre, ratings_pre, ratings_post = [WP_REVIEWS], [WP_RATINGS], [WP_MESH]
    if defect:
        ratings_pre, ratings_post = [WP_REVIEWS, WP_RATINGS], []
    chains = [
        waypoint_http_chain(p, "reviews.shop.svc.cluster.local", 9080, reviews_pre, [WP_MESH]),
        waypoint_http_chain(p, "ratings.shop.svc.cluster.local", 9080, ratings_pre, ratings_post),
        waypoint_tcp_chain(p, "mongodb", 27017, [WP_MONGO]),
        # ServiceEntry shop/api's host: egress-audit by its ServiceEntry targetRef (1.24+).
        waypoint_http_chain(p, "api.example.com", 80, [], [WP_MESH, WP_EGRESS]),
    ]
    # The direct pod-access chains (WithService(nil): only class-wide plugins, so mesh-stats on
    # direct-http). This waypoint is for services only, so no matcher branch reaches them.
    authority = {"name": "connect_authority", "typed_config": any_("io.istio.network.connect_authority.Config")}
    chains.append({"filters": [authority, network_mx(p), network_stats(p), tcp_proxy("encap")], "name": "direct-tcp"})
    direct_http = waypoint_http_chain(p, None, 0, [], [WP_MESH])
    direct_http["filters"].insert(0, authority)
    chains.append(direct_http)
    range_matchers = []
    for host, vip, port, proto in WAYPOINT_SERVICES:
        chain_name = "inbound-vip|%d|%s|%s" % (port, proto, host)
        range_matchers.append(
            {"ranges": [{"address_prefix": vip, "prefix_len": 32}], "on_match": port_matcher([(port, chain_name)])}
        )
    internal = any_("envoy.config.listener.v3.Listener")
    internal["name"] = "main_internal"
    internal["filter_chains"] = chains
    # Every port is HTTP-only or TCP-only, so the HTTP inspector is disabled on all of them.
    internal["listener_filters"] = [
        listener_filter("original_dst", "envoy.extensions.filters.listener.original_dst.v3.OriginalDst"),
        listener_filter(
            "http_inspector",
            "envoy.extensions.filters.listener.http_inspector.v3.HttpInspector",
            ports_predicate([port for _, _, port, _ in WAYPOINT_SERVICES]),
        ),
    ]
    internal["traffic_direction"] = "INBOUND"
    internal["internal_listener"] = {}
    internal["filter_chain_matcher"] = {
        "matcher_tree": {
            "input": matcher_input("ip", "DestinationIPInput"),
            "custom_match": {"name": "ip", "typed_config": any_("xds.type.matcher.v3.IPMatcher", range_matchers=range_matchers)},
        },
    }
    terminate = connect_terminate_listener(p)
    boot = ambient_bootstrap(
        p,
        "waypoint~%s~%s.%s~%s.svc.cluster.local" % (WAYPOINT_IP, WAYPOINT_POD, SHOP, SHOP),
        WAYPOINT_POD,
        "waypoint",
        WAYPOINT_IP,
        SHOP,
        {
            "gateway.istio.io/managed": "istio.io-mesh-controller",
            "gateway.networking.k8s.io/gateway-name": "waypoint",
            "istio.io/dataplane-mode": "none",
            "service.istio.io/canonical-name": "waypoint",
            "service.istio.io/canonical-revision": "latest",
        },
    )
    exts = [WP_REVIEWS, WP_RATINGS, WP_MESH, WP_MONGO, WP_EGRESS]
    skip, overrides = (), {}
    if defect:
        skip = ("ratings-header",)
        overrides = {
            "reviews-auth": {"sha256": sha256_hex("meshscope fixture: reviews-auth wasm module bytes v2.2.0")},
            "mongo-audit": {"config": {"log": "all"}},
        }
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[active(p, terminate, 640), active(p, internal, 643)],
    )
    return {"configs": [boot, ecds_dump_section(p, exts, skip, overrides), listeners]}


def connect_terminate_listener(p):
    """buildConnectTerminateListener: 0.0.0.0:15008, mTLS, CONNECT → main_internal."""
    hcm = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    hcm["stat_prefix"] = "connect_terminate"
    hcm["route_config"] = {
        "name": "default",
        "virtual_hosts": [
            {
                "name": "default",
                "domains": ["*"],
                "routes": [
                    {
                        "match": {"connect_matcher": {}},
                        "route": {"cluster": "main_internal", "upgrade_configs": [{"upgrade_type": "CONNECT", "connect_config": {}}]},
                    }
                ],
            }
        ],
    }
    hcm["http_filters"] = [router()]
    hcm["http2_protocol_options"] = {"allow_connect": True}
    hcm["upgrade_configs"] = [{"upgrade_type": "CONNECT"}]
    terminate = any_("envoy.config.listener.v3.Listener")
    terminate["name"] = "connect_terminate"
    terminate["address"] = socket("0.0.0.0", 15008)
    terminate["filter_chains"] = [
        {
            "filters": [{"name": "envoy.filters.network.http_connection_manager", "typed_config": hcm}],
            "transport_socket": istio_mtls(p, ["h2"]),
            "name": "default",
        }
    ]
    return terminate


# The Gateway-API gateway shop/web: listeners http (8080) and https (8443, TLS terminated).
WEB_IP = "10.244.1.20"
WEB_POD = "web-istio-6b7d9c8f5-q4zkw"

GW_AUTH = Ext(SHOP, "web-auth", "oci://ghcr.io/meshscope-fixtures/wasm/web-auth:3.0.1",
              sha256=sha256_hex("meshscope fixture: web-auth wasm module bytes v3.0.1"),
              config={"issuer": "https://auth.example.com", "audiences": ["web"]},
              env=[("LOG_LEVEL", "info")], plugin_name="web_auth", rv="51007")
GW_TE = Ext(SHOP, "web-headers", "file:///opt/istio/wasm/web-headers.wasm", kind="TrafficExtension",
            config={"set": {"x-served-by": "web"}}, pull="Always", rv="51011")
GW_SELECTOR = Ext(SHOP, "web-metrics", "oci://ghcr.io/meshscope-fixtures/wasm/web-metrics:1.0.0", fail="FAIL_OPEN", rv="51015")
GW_TLS = Ext(SHOP, "tls-audit", "oci://ghcr.io/meshscope-fixtures/wasm/tls-audit:1.2.0",
             config={"sample": 10}, rv="51019")


def gateway_hcm(p, port, route, plugins):
    """listener_builder.go buildHTTPConnectionManager, class Gateway: plugins by phase, then
    grpc_stats, istio.alpn (every class but sidecar inbound), fault, cors, istio.stats, router."""
    cfg = any_("envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager")
    cfg["stat_prefix"] = "outbound_0.0.0.0_%d" % port
    cfg["rds"] = {"config_source": ads_source(), "route_config_name": route}
    cfg["http_filters"] = [e.filter() for e in plugins] + [grpc_stats(), alpn_filter(), fault(), cors(), http_stats(p, outbound=True), router()]
    cfg.update(hcm_common_tail(inbound=False))
    return {"name": "envoy.filters.network.http_connection_manager", "typed_config": cfg}


def gateway_listener(p, port, chain_):
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "0.0.0.0_%d" % port
    listener["address"] = socket("0.0.0.0", port)
    listener["filter_chains"] = [chain_]
    listener["traffic_direction"] = "OUTBOUND"
    return listener


def gateway_tls(secret):
    ctx = any_("envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext")
    ctx["common_tls_context"] = {"alpn_protocols": ["h2", "http/1.1"], "tls_certificate_sds_secret_configs": [sds(secret)]}
    ctx["require_client_certificate"] = False
    return {"name": "envoy.transport_sockets.tls", "typed_config": ctx}


def gateway_api_wasm_dump(defect=False):
    """An Istio 1.30 Gateway-API gateway (shop/web) as gateway.go builds it: 0.0.0.0_8080 (one
    HTTP chain, RDS http.8080) and 0.0.0.0_8443 (TLS terminated for web.example.com, RDS
    https.8443.https.web.shop); both HCMs take the extensions of ListenerInfo{Port: server
    port, Class: Gateway}.

    Clean: both: web-auth (Gateway ref, AUTHN), web-headers (TrafficExtension, Gateway ref,
    AUTHZ), web-metrics (selector, STATS); 8443 also tls-audit (ports [8443]).
    Defect: tls-audit also on 8080 (misplaced); web-metrics absent from 8443 (missing); no
    ECDS entry for web-headers; web-auth runs another sha256; tls-audit another pluginConfig."""
    p = Profile("current")
    # Phase order: AUTHN, AUTHZ, STATS, then UNSPECIFIED (tls-audit).
    plain = [GW_AUTH, GW_TE, GW_SELECTOR]
    tls = [GW_AUTH, GW_TE, GW_SELECTOR, GW_TLS]
    if defect:
        plain = [GW_AUTH, GW_TE, GW_SELECTOR, GW_TLS]
        tls = [GW_AUTH, GW_TE, GW_TLS]
    http = gateway_listener(p, 8080, {"filters": [gateway_hcm(p, 8080, "http.8080", plain)]})
    https = gateway_listener(
        p,
        8443,
        {
            "filter_chain_match": {"server_names": ["web.example.com"]},
            "filters": [gateway_hcm(p, 8443, "https.8443.https.web.shop", tls)],
            "transport_socket": gateway_tls("kubernetes://web-cert"),
        },
    )
    https["listener_filters"] = [listener_filter("tls_inspector", "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector")]
    boot = ambient_bootstrap(
        p,
        "router~%s~%s.%s~%s.svc.cluster.local" % (WEB_IP, WEB_POD, SHOP, SHOP),
        WEB_POD,
        "web-istio",
        WEB_IP,
        SHOP,
        {
            "gateway.istio.io/managed": "istio.io-gateway-controller",
            "gateway.networking.k8s.io/gateway-name": "web",
            "service.istio.io/canonical-name": "web-istio",
            "service.istio.io/canonical-revision": "latest",
            "sidecar.istio.io/inject": "false",
        },
    )
    exts = [GW_AUTH, GW_TE, GW_SELECTOR, GW_TLS]
    skip, overrides = (), {}
    if defect:
        skip = ("web-headers",)
        overrides = {
            "web-auth": {"sha256": sha256_hex("meshscope fixture: web-auth wasm module bytes v3.0.0")},
            "tls-audit": {"config": {"sample": 100}},
        }
    listeners = any_(
        "envoy.admin.v3.ListenersConfigDump",
        version_info=p.version_info,
        dynamic_listeners=[active(p, http, 640), active(p, https, 641)],
    )
    return {"configs": [boot, ecds_dump_section(p, exts, skip, overrides), listeners]}


# The classic ingress gateway istio-system/istio-ingressgateway (selector-only attachment).
INGRESS_IP = "10.244.0.20"
INGRESS_POD = "istio-ingressgateway-7f8d9c6b5-x2x9p"
IG_AUTH = Ext("istio-system", "ingress-auth", "oci://ghcr.io/meshscope-fixtures/wasm/ingress-auth:1.0.0",
              config={"realm": "ingress"}, plugin_name="ingress_auth", rv="30110")
IG_MESH = Ext("istio-system", "mesh-headers", "oci://ghcr.io/meshscope-fixtures/wasm/mesh-headers:1.0.0", rv="30114")


def ingress_classic_wasm_dump():
    """An Istio 1.30 classic ingress gateway (pod labels app/istio: ingressgateway, no
    gateway-name label) as gateway.go builds it: 0.0.0.0_8080 (RDS http.8080). ingress-auth
    (selector, AUTHN) and mesh-headers (root namespace, no selector) attach; every plugin with
    targetRefs, a SERVER-mode one and another namespace's do not (ShouldAttachPolicy)."""
    p = Profile("current")
    http = gateway_listener(p, 8080, {"filters": [gateway_hcm(p, 8080, "http.8080", [IG_AUTH, IG_MESH])]})
    boot = bootstrap_section(
        p,
        node_id="router~%s~%s.istio-system~istio-system.svc.cluster.local" % (INGRESS_IP, INGRESS_POD),
        labels={"app": "istio-ingressgateway", "istio": "ingressgateway"},
        workload="istio-ingressgateway",
        instance_ips=INGRESS_IP,
        pod=INGRESS_POD,
    )
    boot["bootstrap"]["node"]["metadata"]["NAMESPACE"] = "istio-system"
    boot["bootstrap"]["node"]["metadata"]["OWNER"] = (
        "kubernetes://apis/apps/v1/namespaces/istio-system/deployments/istio-ingressgateway"
    )
    boot["bootstrap"]["node"]["cluster"] = "istio-ingressgateway.istio-system"
    with_envoy_version(boot)
    listeners = any_("envoy.admin.v3.ListenersConfigDump", version_info=p.version_info, dynamic_listeners=[active(p, http, 640)])
    return {"configs": [boot, ecds_dump_section(p, [IG_AUTH, IG_MESH]), listeners]}


# ---------------------------------------------------------------------------------------------
# Broken inputs
# ---------------------------------------------------------------------------------------------


def small_listener_dump(port_value):
    listener = any_("envoy.config.listener.v3.Listener")
    listener["name"] = "virtualOutbound"
    listener["address"] = {"socket_address": {"address": "0.0.0.0", "port_value": port_value}}
    listener["filter_chains"] = [{"filters": [tcp_proxy("PassthroughCluster")], "name": "virtualOutbound-catchall-tcp"}]
    listener["use_original_dst"] = True
    listener["traffic_direction"] = "OUTBOUND"
    return {
        "configs": [
            any_(
                "envoy.admin.v3.ListenersConfigDump",
                version_info="2026-05-18T08:41:07Z/9",
                dynamic_listeners=[
                    {
                        "name": "virtualOutbound",
                        "active_state": {
                            "version_info": "2026-05-18T08:41:07Z/9",
                            "listener": listener,
                            "last_updated": "2026-05-18T08:41:07.611Z",
                        },
                    }
                ],
            )
        ]
    }


def truncated_text():
    """A dump cut right after `"port_value": 15001` line: inside the socket_address object."""
    text = dump_json(small_listener_dump(15001)).decode()
    marker = '"port_value": 15001\n'
    return text[: text.index(marker) + len(marker)].encode()


INVALID_YAML = """\
# A listener dump in YAML with a syntax error on line 10: a plain value may not contain ": ".
configs:
- '@type': type.googleapis.com/envoy.admin.v3.ListenersConfigDump
  dynamic_listeners:
  - name: virtualOutbound
    active_state:
      version_info: 2026-05-18T08:41:07Z/9
      listener:
        '@type': type.googleapis.com/envoy.config.listener.v3.Listener
        name: virtualOutbound: 15001
        address:
          socket_address:
            address: 0.0.0.0
            port_value: 15001
"""


def garbage_bytes():
    """384 deterministic bytes that are not UTF-8 (0xff can never occur in UTF-8)."""
    out = b""
    block = b"meshscope garbage.bin"
    while len(out) < 384:
        block = hashlib.sha256(block).digest()
        out += block
    return b"\xff\xfe\xfd" + out[: 384 - 3]


def pod_object():
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": POD,
            "namespace": NAMESPACE,
            "labels": {
                "app": "httpbin",
                "pod-template-hash": "7d5b9c6f48",
                "security.istio.io/tlsMode": "istio",
                "service.istio.io/canonical-name": "httpbin",
                "service.istio.io/canonical-revision": "v1",
                "version": "v1",
            },
            "annotations": {"kubectl.kubernetes.io/default-container": "httpbin", "prometheus.io/port": "15020"},
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": "httpbin-7d5b9c6f48",
                    "uid": "3b0c7e52-5f0d-4f5e-9c1e-2a6d8b7f9e01",
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {
            "serviceAccountName": "httpbin",
            "containers": [
                {
                    "name": "httpbin",
                    "image": "docker.io/kong/httpbin:0.1.0",
                    "ports": [{"name": "http", "containerPort": 80, "protocol": "TCP"}],
                },
                {
                    "name": "istio-proxy",
                    "image": "docker.io/istio/proxyv2:1.30.0",
                    "args": ["proxy", "sidecar", "--domain", "$(POD_NAMESPACE).svc.cluster.local"],
                    "ports": [{"name": "http-envoy-prom", "containerPort": 15090, "protocol": "TCP"}],
                },
            ],
        },
        "status": {
            "phase": "Running",
            "podIP": POD_IP,
            "podIPs": [{"ip": POD_IP}],
        },
    }


# ---------------------------------------------------------------------------------------------
# Encodings: snake_case JSON (Envoy admin), camelCase (protojson), YAML
# ---------------------------------------------------------------------------------------------


def dump_json(obj, indent=2):
    return (json.dumps(obj, indent=indent, ensure_ascii=False) + "\n").encode()


# Fields whose value is a google.protobuf.Struct: every key below them is data (§1.4).
STRUCT_FIELDS = {("node", "metadata"), ("transport_socket_matches", "match")}
# Map fields: their keys are data; their values are still messages (or scalars).
MAP_FIELDS = {"key_values", "typed_per_filter_config", "map", "policies"}
# Map fields whose values are Structs (keys and values are data).
STRUCT_MAP_FIELDS = {"filter_metadata", "typed_filter_metadata"}


def to_camel(name):
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


# Field names whose digits follow an underscore: lowerCamelCase drops it, so it cannot be
# read back from the letters alone.
DIGIT_FIELDS = {"consecutive5xx": "consecutive_5xx", "enforcingConsecutive5xx": "enforcing_consecutive_5xx"}


def to_snake(name):
    if name in DIGIT_FIELDS:
        return DIGIT_FIELDS[name]
    return "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)


def recase(obj, fn, parent=None):
    """Re-cases field names with `fn`, leaving map keys and Struct contents alone."""
    if isinstance(obj, list):
        return [recase(v, fn, parent) for v in obj]
    if not isinstance(obj, dict):
        return obj
    is_typed_struct = str(obj.get("@type", "")).endswith("TypedStruct")
    out = {}
    for key, value in obj.items():
        snake = to_snake(key)
        new_key = key if key.startswith("@") else fn(key)
        if (parent, snake) in STRUCT_FIELDS or (snake == "value" and is_typed_struct):
            out[new_key] = copy.deepcopy(value)
        elif snake in STRUCT_MAP_FIELDS:
            out[new_key] = copy.deepcopy(value)
        elif snake in MAP_FIELDS and isinstance(value, dict):
            out[new_key] = {k: recase(v, fn, None) for k, v in value.items()}
        else:
            out[new_key] = recase(value, fn, snake)
    return out


def camel(obj):
    return recase(obj, to_camel)


YAML_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def yaml_scalar(value):
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    s = str(value)
    plain = (
        s
        and (s[0].isalpha() or s[0] in "_/")
        and all(ch.isalnum() or ch in "_./-" for ch in s)
        and s.lower() not in YAML_RESERVED
    )
    return s if plain else json.dumps(s, ensure_ascii=False)


def yaml_lines(obj, indent):
    pad = " " * indent
    lines = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            k = yaml_scalar(key)
            if isinstance(value, dict) and value:
                lines.append("%s%s:" % (pad, k))
                lines += yaml_lines(value, indent + 2)
            elif isinstance(value, list) and value:
                lines.append("%s%s:" % (pad, k))
                lines += yaml_lines(value, indent)  # list dashes at the parent's indent
            else:
                lines.append("%s%s: %s" % (pad, k, yaml_inline(value)))
    else:
        for item in obj:
            if isinstance(item, dict) and item:
                inner = yaml_lines(item, indent + 2)
                inner[0] = pad + "- " + inner[0][indent + 2 :]
                lines += inner
            elif isinstance(item, list) and item:
                lines.append(pad + "-")
                lines += yaml_lines(item, indent + 2)
            else:
                lines.append("%s- %s" % (pad, yaml_inline(item)))
    return lines


def yaml_inline(value):
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return yaml_scalar(value)


def dump_yaml(obj, header):
    return ("\n".join(header + yaml_lines(obj, 0)) + "\n").encode()


def istioctl_listener_json(listeners):
    """`istioctl pc listener -o json`: Listener messages (no outer @type), camelCase, Go's
    json.Indent with 4 spaces, and Go's HTML escaping of <, > and & (§4.7)."""
    objs = []
    for listener in listeners:
        listener = dict(listener)
        listener.pop("@type", None)
        objs.append(camel(listener))
    text = json.dumps(objs, indent=4, ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return (text + "\n").encode()


# ---------------------------------------------------------------------------------------------
# All outputs
# ---------------------------------------------------------------------------------------------


def outputs():
    files = {}
    seeds = {}
    for key in ("1.12", "current"):
        p = Profile(key)
        for mode in MODES:
            name = "istio-%s-%s.json" % (key, mode.lower())
            seeds[name] = seed_dump(p, mode)
            files[name] = dump_json(seeds[name])
    files["istio-current-permissive.camel.yaml"] = dump_yaml(
        camel(seeds["istio-current-permissive.json"]),
        [
            "# istio-current-permissive.json with protojson (lowerCamelCase) field names; map keys and",
            "# Struct contents unchanged. Generated by generate.py; do not edit.",
        ],
    )
    files["matcher-tree.json"] = dump_json(matcher_tree_dump())
    head = Profile("current")
    seeds["istio-current-mixed.json"] = seed_dump(head, PERMISSIVE, mixed_virtual_inbound(head))
    files["istio-current-mixed.json"] = dump_json(seeds["istio-current-mixed.json"])
    files["listeners-only.json"] = istioctl_listener_json(
        [outbound_http_listener(head, SERVICE_PORT), virtual_inbound(head, PERMISSIVE)]
    )
    files["sidecar-hbone-outbound.json"] = dump_json(hbone_outbound_dump())
    files["warming-draining.json"] = dump_json(warming_draining_dump())
    files["istio-current-gateway.json"] = dump_json(gateway_dump())
    files["refused-update.json"] = dump_json(refused_update_dump())
    files["sidecar-network-wasm.json"] = dump_json(network_wasm_dump())
    files["sidecar-network-wasm-before.json"] = dump_json(network_wasm_dump(with_plugin=False))
    files["sidecar-network-wasm-deny.json"] = dump_json(network_wasm_dump(ecds="deny"))
    files["sidecar-network-wasm-no-ecds.json"] = dump_json(network_wasm_dump(ecds="empty"))
    files["refused-on-load.json"] = dump_json(refused_on_load_dump())
    files["wasm-verdicts.json"] = dump_json(wasm_verdicts_dump())
    files["istio-current-waypoint.json"] = dump_json(waypoint_wasm_dump())
    files["istio-current-waypoint-defect.json"] = dump_json(waypoint_wasm_dump(defect=True))
    files["istio-current-gateway-api.json"] = dump_json(gateway_api_wasm_dump())
    files["istio-current-gateway-api-defect.json"] = dump_json(gateway_api_wasm_dump(defect=True))
    files["istio-current-ingress-classic.json"] = dump_json(ingress_classic_wasm_dump())
    files["truncated.json"] = truncated_text()
    wrong = small_listener_dump(True)
    files["wrong-type.json"] = dump_json(wrong)
    files["invalid.yaml"] = INVALID_YAML.encode()
    files["empty.json"] = b""
    files["garbage.bin"] = garbage_bytes()
    files["not-a-dump.json"] = dump_json(pod_object())
    return files, seeds


# ---------------------------------------------------------------------------------------------
# --check
# ---------------------------------------------------------------------------------------------

EXPECTED = {
    "istio-1.12-permissive.json": (13, 6),
    "istio-1.12-strict.json": (6, 3),
    "istio-1.12-disable.json": (6, 3),
    "istio-current-permissive.json": (8, 4),
    "istio-current-strict.json": (4, 2),
    "istio-current-disable.json": (4, 2),
    "istio-current-mixed.json": (12, 5),
}


# The gateway and waypoint Wasm fixtures: the ECDS resources their filters reference but the
# ECDS section lacks (the planted "ECDS missing" fault of each defect file, none elsewhere),
# and how many plugin filters each listener carries in all.
EXPECTED_WASM = {
    "istio-current-waypoint.json": ((), {"connect_terminate": 0, "main_internal": 8}),
    "istio-current-waypoint-defect.json": (
        ("extensions.istio.io/trafficextension/shop.ratings-header",),
        {"connect_terminate": 0, "main_internal": 8},
    ),
    "istio-current-gateway-api.json": ((), {"0.0.0.0_8080": 3, "0.0.0.0_8443": 4}),
    "istio-current-gateway-api-defect.json": (
        ("extensions.istio.io/trafficextension/shop.web-headers",),
        {"0.0.0.0_8080": 4, "0.0.0.0_8443": 3},
    ),
    "istio-current-ingress-classic.json": ((), {"0.0.0.0_8080": 2}),
}


def wasm_references(dump):
    """(names missing from the ECDS section, plugin filters per listener)."""
    ecds, per_listener = set(), {}
    referenced = set()
    for section in dump["configs"]:
        if section["@type"].endswith("EcdsConfigDump"):
            ecds |= {e["ecds_filter"]["name"] for e in section["ecds_filters"]}
        if section["@type"].endswith("ListenersConfigDump"):
            for dl in section["dynamic_listeners"]:
                listener = dl["active_state"]["listener"]
                for ch in listener["filter_chains"]:
                    filters = list(ch["filters"])
                    for f in ch["filters"]:
                        filters += f.get("typed_config", {}).get("http_filters", [])
                    names = [f["name"] for f in filters if "config_discovery" in f]
                    referenced |= set(names)
                    per_listener[listener["name"]] = per_listener.get(listener["name"], 0) + len(names)
    return tuple(sorted(referenced - ecds)), per_listener


def virtual_inbound_of(dump):
    for section in dump["configs"]:
        if section["@type"].endswith("ListenersConfigDump"):
            for dl in section.get("dynamic_listeners", []):
                if dl["name"] == "virtualInbound":
                    return dl["active_state"]["listener"]
    raise SystemExit("no virtualInbound")


def plugin_chains(listener):
    count = 0
    for ch in listener["filter_chains"]:
        names = [
            hf["name"]
            for f in ch["filters"]
            if f["name"] == "envoy.filters.network.http_connection_manager"
            for hf in f["typed_config"].get("http_filters", [])
        ]
        count += sum("default.helloworld" in n for n in names)
    return count


def check(files, seeds):
    ok = True
    for name, data in sorted(files.items()):
        path = os.path.join(HERE, name)
        try:
            with open(path, "rb") as f:
                on_disk = f.read()
        except FileNotFoundError:
            on_disk = None
        if on_disk != data:
            print("DIFFERS  %s (rerun generate.py)" % name)
            ok = False
    print("%-32s %7s %8s %s" % ("file", "chains", "plugin", "ecds sections"))
    for name, (want_chains, want_plugin) in EXPECTED.items():
        dump = seeds[name]
        vi = virtual_inbound_of(dump)
        chains, plugin = len(vi["filter_chains"]), plugin_chains(vi)
        ecds = sum(s["@type"].endswith("EcdsConfigDump") for s in dump["configs"])
        want_ecds = 0 if "1.12" in name else 1
        good = (chains, plugin, ecds) == (want_chains, want_plugin, want_ecds)
        ok &= good
        print("%-32s %7d %8d %d%s" % (name, chains, plugin, ecds, "" if good else "  <-- expected %d/%d/%d" % (want_chains, want_plugin, want_ecds)))
    for name, want in EXPECTED_WASM.items():
        got = wasm_references(json.loads(files[name]))
        good = got == want
        ok &= good
        print("%-40s ecds missing %s, plugin filters %s%s" % (name, list(got[0]) or "none", got[1], "" if good else "  <-- expected %s" % (want,)))
    # Only field names change between the JSON and the camelCase YAML.
    base = seeds["istio-current-permissive.json"]
    if recase(camel(base), to_snake) != base:
        print("camelCase round trip changed more than field names")
        ok = False
    try:
        import yaml  # optional: not part of the standard library

        parsed = yaml.safe_load(files["istio-current-permissive.camel.yaml"])
        if parsed != camel(base):
            print("camel.yaml does not parse back to the camelCase dump")
            ok = False
    except ImportError:
        pass
    try:
        files["garbage.bin"].decode("utf-8")
        print("garbage.bin is valid UTF-8")
        ok = False
    except UnicodeDecodeError:
        pass
    for name in ("truncated.json",):
        try:
            json.loads(files[name])
            print("%s parses" % name)
            ok = False
        except ValueError:
            pass
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the files on disk and the chain counts; write nothing")
    args = parser.parse_args()
    files, seeds = outputs()
    if args.check:
        sys.exit(0 if check(files, seeds) else 1)
    for name, data in sorted(files.items()):
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        print("wrote %-40s %8d bytes" % (name, len(data)))


if __name__ == "__main__":
    main()
