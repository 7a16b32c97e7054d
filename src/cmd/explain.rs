//! `meshscope explain`: loads the listeners, explains the chosen ones, and simulates a
//! connection when `--dst-port` is given.

use std::io::Write;
use std::net::IpAddr;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::explain::hbone::hbone_way;
use crate::analysis::explain::matcher_eval::rules::{EnvoyRelease, semantics_for_dump};
use crate::analysis::explain::request::HttpRequest;
use crate::analysis::explain::upstream::Leg;
use crate::analysis::explain::way::{self as way_of, Direction, HopKind, Way, from_capture};
use crate::analysis::explain::{
    Assumption, Derivation, ExplainedListener, HboneNote, Inspector, InspectorState, WayReport,
    explain_listener, inspector_state, is_same_ip_or_loopback, simulate, way,
};
use crate::analysis::listener::refused::refused_updates;
use crate::analysis::listener::rows::{self, ListenerQuery};
use crate::cli::{DirectionArg, ExplainArgs, ExplainFormat, SrcType, Transport};
use crate::cmd::explain_request::UrlTarget;
use crate::cmd::{LISTENERS_AND_NODE, explain_request, explain_upstream, input, listener_select};
use crate::envoy::dump::{
    ClustersSection, EndpointsSection, LISTENERS_TYPE, ListenersSection, RoutingSections,
};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Listener, ListenerState, MissingError, Sections};
use crate::error::{Error, ExitCode};
use crate::render::explain::{dot, json, text};
use crate::render::terminal::Terminal;
use crate::source::{self, DumpMask};

/// The filter state key under which Istio's `connect_terminate` keeps the CONNECT
/// authority (istio/istio `pilot/pkg/xds/filters/filters.go` `AuthorityFilterStateKey`).
const CONNECT_AUTHORITY_KEY: &str = "io.istio.connect_authority";

/// Options resolved from the flags before any I/O.
struct Options {
    /// `--port`; `None` lets a simulated connection pick the listeners.
    port: Option<u32>,
    connection: Option<Connection>,
    /// `--direction`.
    direction: Option<Direction>,
    assumptions: Vec<Assumption>,
    format: ExplainFormat,
    /// `--request`, as Envoy's router sees it.
    request: Option<HttpRequest>,
    /// `--alpn http/1.1` was derived from `--request`: only a listener whose HTTP inspector
    /// runs for the port sniffs it.
    alpn_from_request: bool,
}

/// `target` is where a `--request` without `--dst` goes, from its URL; `service` the
/// address the dump lists for its host when that is a name.
fn resolve_options(
    args: &ExplainArgs,
    target: Option<&UrlTarget>,
    service: Option<IpAddr>,
) -> Options {
    let mut assumptions = Vec::new();
    // `--authority` is the tunnelled connection's destination, as `--dst` is a plain one's.
    let whole = args.dst.or(args.authority);
    let destination = match (whole, args.dst_port, target) {
        (Some(dst), _, _) => Some((Some(dst.ip()), u32::from(dst.port()))),
        (None, Some(port), _) => Some((args.dst_ip, port)),
        (None, None, Some(UrlTarget::Address(ip, port))) => Some((*ip, *port)),
        (None, None, Some(UrlTarget::Name { port, .. })) => Some((service, *port)),
        (None, None, None) => None,
    };
    let from_url = target.is_some();
    let from_service = matches!(target, Some(UrlTarget::Name { .. }));
    // A request on a plaintext connection is what the HTTP inspector sniffs as HTTP/1.1.
    let alpn_from_request = args.request.is_some()
        && args.alpn.is_empty()
        && args.sni.is_none()
        && args.transport != Some(Transport::Tls);
    let alpn_given = if alpn_from_request {
        vec!["http/1.1".to_string()]
    } else {
        args.alpn.clone()
    };
    let connection = destination.map(|(given_ip, dst_port)| {
        let mut note = |flag: &'static str, value: String, given: bool| {
            assumptions.push(Assumption {
                flag,
                value,
                defaulted: !given,
                derived: None,
            });
        };
        let dst_ip = given_ip.unwrap_or(IpAddr::from([10, 0, 0, 1]));
        let src_ip = args.src_ip.unwrap_or(IpAddr::from([10, 0, 0, 2]));
        let direct_src_ip = args.direct_src_ip.unwrap_or(src_ip);
        // Only the TLS inspector sets an SNI, so an SNI means TLS unless told otherwise.
        let transport = match (args.transport, &args.sni) {
            (Some(Transport::Tls), _) | (None, Some(_)) => "tls",
            _ => "raw_buffer",
        };
        let src_port = args.src_port.unwrap_or(40000);
        // Envoy decides the source type from the addresses (DOMAIN.md §3.3); a given value
        // is kept, and simulate() flags it when the addresses say otherwise.
        let src_local = match args.src_type {
            Some(t) => t == SrcType::Local,
            None => is_same_ip_or_loopback(src_ip, dst_ip),
        };
        match (args.dst, args.authority) {
            (Some(dst), _) => note("--dst", dst.to_string(), true),
            (None, Some(authority)) => note("--authority", authority.to_string(), true),
            (None, None) if from_url && given_ip.is_some() => {
                note("--dst", way_of::ip_port(dst_ip, dst_port), false);
            }
            (None, None) => {
                note("--dst-port", dst_port.to_string(), !from_url);
                note("--dst-ip", dst_ip.to_string(), given_ip.is_some());
            }
        }
        note(
            "--transport",
            transport.to_string(),
            args.transport.is_some(),
        );
        let alpn = if alpn_given.is_empty() {
            "none".to_string()
        } else {
            alpn_given.join(",")
        };
        note("--alpn", alpn, !args.alpn.is_empty());
        note(
            "--sni",
            args.sni.clone().unwrap_or_else(|| "none".into()),
            args.sni.is_some(),
        );
        note("--src-ip", src_ip.to_string(), args.src_ip.is_some());
        note("--src-port", src_port.to_string(), args.src_port.is_some());
        note(
            "--direct-src-ip",
            direct_src_ip.to_string(),
            args.direct_src_ip.is_some(),
        );
        note(
            "--src-type",
            if src_local { "local" } else { "external" }.to_string(),
            args.src_type.is_some(),
        );
        // An HBONE waypoint's connect_terminate stores the CONNECT authority as filter state
        // (`io.istio.connect_authority`), which multi-network waypoints match on first.
        let mut filter_state = args.filter_state.clone();
        if let Some(authority) = args.authority
            && !filter_state.iter().any(|(k, _)| k == CONNECT_AUTHORITY_KEY)
        {
            let value = authority.to_string();
            note(
                "--filter-state",
                format!("{CONNECT_AUTHORITY_KEY}={value}"),
                false,
            );
            filter_state.push((CONNECT_AUTHORITY_KEY.to_string(), value));
        }
        for (k, v) in &args.filter_state {
            note("--filter-state", format!("{k}={v}"), true);
        }
        for a in assumptions.iter_mut().filter(|a| a.defaulted) {
            a.derived = match a.flag {
                "--src-type" => Some(Derivation::SourceTypeFromAddresses),
                "--transport" if args.sni.is_some() => Some(Derivation::TransportFromSni),
                "--filter-state" => Some(Derivation::FilterStateFromAuthority),
                "--dst" if from_service => Some(Derivation::DestinationFromService),
                "--dst" | "--dst-port" if from_url => Some(Derivation::DestinationFromUrl),
                "--alpn" if alpn_from_request => Some(Derivation::AlpnFromRequest),
                _ => None,
            };
        }
        Connection {
            dst_port,
            dst_ip,
            server_name: args.sni.clone(),
            transport: transport.to_string(),
            alpn: alpn_given
                .iter()
                .filter(|a| !a.is_empty())
                .cloned()
                .collect(),
            direct_src_ip,
            src_local,
            src_ip,
            src_port,
            filter_state,
        }
    });
    Options {
        port: args.port,
        connection,
        direction: args.direction.map(|d| match d {
            DirectionArg::Outbound => Direction::Outbound,
            DirectionArg::Inbound => Direction::Inbound,
        }),
        assumptions,
        format: args.output,
        request: (args.request.as_ref()).map(|r| explain_request::http_request(r, &args.headers)),
        alpn_from_request,
    }
}

/// Why no listener was picked: none binds the port, or Envoy refused the update of the
/// one that would (a refused configuration that does not read tells nothing).
fn no_listener_on_port(
    doc: &Document<'_>,
    section: &ListenersSection<'_>,
    query: &ListenerQuery,
    path: &str,
    port: u32,
) -> MissingError {
    let refused = section.errors.iter().find(|e| {
        e.failed_configuration
            .as_ref()
            .and_then(|c| doc.listener_head(c, false).ok())
            .is_some_and(|head| query.accepts_place(head.address.as_ref(), &[]))
    });
    match refused {
        Some(e) => MissingError::RefusedOnPort {
            path: path.to_string(),
            port,
            listener: e.listener_name(),
            details: e.details.to_string(),
        },
        None => MissingError::NoListenerOnPort {
            path: path.to_string(),
            port,
        },
    }
}

/// Runs `explain`.
pub fn run(args: &ExplainArgs, term: Terminal, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let target = explain_request::url_target(args);
    // A connection explain follows goes on into clusters and their endpoints, which a
    // live proxy dumps only with `?include_eds=true`; a request goes into the routes too.
    let follows =
        args.dst.or(args.authority).is_some() || args.dst_port.is_some() || target.is_some();
    let mask = if follows || args.request.is_some() {
        DumpMask::WithEndpoints
    } else {
        DumpMask::Sections(LISTENERS_AND_NODE)
    };
    let source = input::resolve(&args.input, "explain", mask)?;
    let raw = source::fetch::read(&source)?;
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = text.document(&raw.label);
    // A `--port` listener goes on only when it hands off (virtualOutbound): its clusters
    // are read then, in a second pass, so that `--port` alone reads no more than before.
    let routing = if args.request.is_some() {
        explain_request::REQUEST_READS
    } else if follows && args.port.is_none() {
        explain_upstream::FOLLOWS
    } else {
        RoutingSections::NONE
    };
    let dump = doc.load_with_routing(LISTENERS_AND_NODE, routing)?;
    let section = required(
        dump.listeners,
        doc.label,
        SectionWording::ListenerDump,
        LISTENERS_TYPE,
    )?;
    let node = dump.node;
    let lookup = explain_request::DumpLookup {
        doc: &doc,
        routes: dump.routes,
        clusters: dump.clusters,
        endpoints: dump.endpoints,
    };
    let service = match &target {
        Some(UrlTarget::Name { host, port }) => {
            Some(explain_request::service_ip(&lookup, host, *port)?)
        }
        _ => None,
    };
    let opts = resolve_options(args, target.as_ref(), service);
    // The pod's own addresses (a connection to one is inbound) and the dump's Envoy
    // release (which matcher rules apply) come from the bootstrap's node.
    let pod_ips = node
        .as_ref()
        .map_or_else(Vec::new, |n| n.metadata.instance_ips());
    let flag = args.envoy_version.map(|v| EnvoyRelease {
        major: v.major,
        minor: v.minor,
    });
    let semantics = semantics_for_dump(flag, node.as_ref());
    let refused = refused_updates(&section);
    // The way on past the last hop's chain, and the internal listeners it reaches.
    let go_on = |report: &mut WayReport,
                 explained: &mut Vec<ExplainedListener>,
                 listener: &Listener<'_>,
                 restored: bool,
                 upstream: (Option<&ClustersSection<'_>>, Option<&EndpointsSection<'_>>)|
     -> Result<(), Error> {
        let (Some(conn), Some(sim)) = (
            &opts.connection,
            explained.first().and_then(|e| e.simulation.as_ref()),
        ) else {
            return Ok(());
        };
        let (legs, more) = explain_upstream::follow(
            &doc,
            &section.entries,
            upstream,
            listener,
            sim,
            conn,
            restored,
            &semantics,
            &refused,
        )?;
        // With `--request` the route is followed (the request part of the output), so the
        // "route decides" stop would contradict it.
        report.onward = if opts.request.is_some() {
            legs.into_iter()
                .filter(|l| !matches!(l, Leg::RouteDecides))
                .collect()
        } else {
            legs
        };
        explained.extend(more);
        Ok(())
    };
    let explain = |l: &Listener<'_>| -> Result<ExplainedListener, Error> {
        let simulation = opts.connection.as_ref().map(|c| {
            let sniffed = inspector_state(l, Inspector::Http, c.dst_port) == InspectorState::Active;
            if opts.alpn_from_request && !sniffed {
                let unsniffed = Connection {
                    alpn: Vec::new(),
                    ..c.clone()
                };
                simulate(l, &unsniffed, &semantics)
            } else {
                simulate(l, c, &semantics)
            }
        });
        let request = match (&opts.request, &simulation) {
            (Some(r), Some(sim)) => Some(explain_request::follow(l, sim, r, &lookup)?),
            _ => None,
        };
        Ok(ExplainedListener {
            explanation: explain_listener(l, &refused),
            simulation,
            request,
            via_internal_host: false,
        })
    };
    // HBONE into a waypoint: connect_terminate, its CONNECT route, the internal listener.
    if let (Some(conn), true) = (&opts.connection, args.hbone) {
        let all =
            listener_select::select(&doc, &section.entries, &ListenerQuery::default(), |e| {
                e.state == ListenerState::Active
            })?
            .selected;
        let listeners: Vec<&Listener<'_>> = all.iter().map(|s| &s.listener).collect();
        let hbone = hbone_way(&listeners, (conn.dst_ip, conn.dst_port), conn, &semantics);
        let mut report = WayReport::new(Some(&hbone.way), &listeners, conn.dst_ip, conn.dst_port);
        report.hbone = Some(HboneNote {
            authority: report.destination.clone(),
            cluster: hbone.cluster.clone(),
            gap: hbone.gap.clone(),
        });
        let mut explained: Vec<ExplainedListener> = match hbone.gap {
            None => (hbone.way.last())
                .map(|last| explain(listeners[last]))
                .transpose()?
                .into_iter()
                .collect(),
            Some(_) => Vec::new(),
        };
        // The internal listener's connection has the CONNECT authority as its destination
        // (connect_terminate hands it over in filter state its original_dst reads).
        if hbone.gap.is_none()
            && let Some(last) = hbone.way.last()
        {
            let upstream = (lookup.clusters.as_ref(), lookup.endpoints.as_ref());
            go_on(&mut report, &mut explained, listeners[last], true, upstream)?;
        }
        return write(out, &opts, &explained, Some(&report), term);
    }
    // Without --port, a connection follows its way through the listeners (DOMAIN.md §3.1).
    if let (Some(conn), None) = (&opts.connection, opts.port) {
        let on_way =
            listener_select::on_the_way(&doc, &section.entries, conn.dst_ip, conn.dst_port)?;
        let listeners: Vec<&Listener<'_>> = on_way.iter().map(|s| &s.listener).collect();
        let way = way(
            &listeners,
            conn.dst_ip,
            conn.dst_port,
            opts.direction,
            &pod_ips,
        );
        let mut report = WayReport::new(way.as_ref(), &listeners, conn.dst_ip, conn.dst_port);
        let mut explained: Vec<ExplainedListener> = (way.as_ref().and_then(|w| w.last()))
            .map(|last| explain(listeners[last]))
            .transpose()?
            .into_iter()
            .collect();
        if let Some(w) = &way
            && let Some(last) = w.last()
        {
            let upstream = (lookup.clusters.as_ref(), lookup.endpoints.as_ref());
            go_on(
                &mut report,
                &mut explained,
                listeners[last],
                restores(w),
                upstream,
            )?;
        }
        return write(out, &opts, &explained, Some(&report), term);
    }
    let query = ListenerQuery {
        port: opts.port.unwrap_or(0),
        ..ListenerQuery::default()
    };
    let mut selected = listener_select::select(&doc, &section.entries, &query, |entry| {
        entry.state == ListenerState::Active
    })?
    .selected;
    if selected.is_empty() {
        return Err(no_listener_on_port(
            &doc,
            &section,
            &query,
            &raw.label,
            opts.port.unwrap_or(0),
        )
        .into());
    }
    rows::sort_listeners(&mut selected);
    // `--port` naming the listener that hands connections off (virtualOutbound): the
    // connection goes on to the listener bound to its destination, as in Envoy.
    if let (Some(conn), [only]) = (&opts.connection, selected.as_slice())
        && only.listener.hands_off()
    {
        let on_way =
            listener_select::on_the_way(&doc, &section.entries, conn.dst_ip, conn.dst_port)?;
        let listeners: Vec<&Listener<'_>> = on_way.iter().map(|s| &s.listener).collect();
        if let Some(start) = on_way
            .iter()
            .position(|s| s.entry_index == only.entry_index)
        {
            let way = from_capture(
                &listeners,
                start,
                Direction::Outbound,
                conn.dst_ip,
                conn.dst_port,
                None,
            );
            let mut report = WayReport::new(Some(&way), &listeners, conn.dst_ip, conn.dst_port);
            let last = way.last().unwrap_or(start);
            let mut explained = vec![explain(listeners[last])?];
            let again = doc.load_with_routing(Sections::default(), explain_upstream::FOLLOWS)?;
            let upstream = (again.clusters.as_ref(), again.endpoints.as_ref());
            go_on(
                &mut report,
                &mut explained,
                listeners[last],
                restores(&way),
                upstream,
            )?;
            return write(out, &opts, &explained, Some(&report), term);
        }
    }
    let explained: Vec<ExplainedListener> = (selected.iter())
        .map(|s| explain(&s.listener))
        .collect::<Result<_, _>>()?;
    write(out, &opts, &explained, None, term)
}

/// Whether the way's listeners see the connection's original destination restored: iptables
/// captured it (the capture listener's `original_dst`; a hand-off keeps it). A connection
/// that arrives on a listener's own socket has its local address as it is.
fn restores(way: &Way) -> bool {
    way.hops
        .first()
        .is_some_and(|h| matches!(h.kind, HopKind::Captured(_)))
}

fn write(
    out: &mut dyn Write,
    opts: &Options,
    explained: &[ExplainedListener],
    way: Option<&WayReport>,
    term: Terminal,
) -> Result<ExitCode, Error> {
    match opts.format {
        ExplainFormat::Text => {
            text::write_explain_text(out, explained, &opts.assumptions, way, term)?
        }
        ExplainFormat::Json => json::write_explain_json(out, explained, &opts.assumptions, way)?,
        ExplainFormat::Dot => dot::write_explain_dot(out, explained, way)?,
    }
    Ok(ExitCode::Ok)
}
