//! The listener filters a chain's match depends on (DOMAIN.md §2.3, §3): which inspector a
//! criterion needs, and whether that inspector runs for a port. Shared by the explanation,
//! the simulation and the warnings, so none of them imports another for it.

use crate::envoy::{FilterChainMatch, Listener};

/// Listener filter name of the TLS inspector.
pub const TLS_INSPECTOR: &str = "envoy.filters.listener.tls_inspector";
/// Listener filter name of the HTTP inspector.
pub const HTTP_INSPECTOR: &str = "envoy.filters.listener.http_inspector";
/// The ALPN values the HTTP inspector can set on plaintext connections.
pub const SNIFFED_ALPN: [&str; 3] = ["http/1.0", "http/1.1", "h2c"];

/// A listener filter a chain depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Inspector {
    Tls,
    Http,
}

impl Inspector {
    /// The listener filter's name.
    pub fn filter_name(self) -> &'static str {
        match self {
            Inspector::Tls => TLS_INSPECTOR,
            Inspector::Http => HTTP_INSPECTOR,
        }
    }
}

/// Whether an inspector runs for a destination port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectorState {
    Active,
    Absent,
    /// `filter_disabled` matches the port.
    Disabled,
}

/// tls/SNI/ALPN-on-TLS need the TLS inspector; ALPN on plaintext needs the HTTP inspector.
pub fn needed_inspectors(m: &FilterChainMatch<'_>) -> Vec<Inspector> {
    let tls = m.transport_protocol == "tls";
    let mut needs = Vec::new();
    if tls || !m.server_names.is_empty() {
        needs.push(Inspector::Tls);
    }
    if !m.application_protocols.is_empty() && !tls {
        let sniffable = m
            .application_protocols
            .iter()
            .any(|a| SNIFFED_ALPN.contains(&a.as_ref()));
        needs.push(if sniffable {
            Inspector::Http
        } else {
            Inspector::Tls
        });
    }
    needs.sort();
    needs.dedup();
    needs
}

/// Whether `inspector` runs for connections to `port` on `listener`.
pub fn inspector_state(listener: &Listener<'_>, inspector: Inspector, port: u32) -> InspectorState {
    let type_marker = match inspector {
        Inspector::Tls => "TlsInspector",
        Inspector::Http => "HttpInspector",
    };
    let found = listener.listener_filters.iter().find(|f| {
        f.name == inspector.filter_name()
            || f.typed_config
                .is_some_and(|t| t.get().contains(type_marker))
    });
    match found {
        None => InspectorState::Absent,
        Some(f)
            if f.filter_disabled
                .as_ref()
                .is_some_and(|p| p.matches_port(port)) =>
        {
            InspectorState::Disabled
        }
        Some(_) => InspectorState::Active,
    }
}
