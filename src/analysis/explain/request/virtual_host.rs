//! Which virtual host takes a request, as Envoy picks it (source/common/router/
//! config_impl.cc `RouteMatcher::RouteMatcher`, `RouteMatcher::findVirtualHost`,
//! `RouteMatcher::findWildcardVirtualHost`): the Host header lower-cased, then an exact
//! domain, then the longest `*suffix` wildcard, then the longest `prefix*` wildcard, then
//! the `*` domain. A wildcard takes only a host longer than its fixed part. The port is
//! part of the Host unless the HCM strips it first (`strip_any_host_port`,
//! `strip_matching_host_port`: `ConnectionManagerUtility::maybeNormalizeHost`,
//! `Http::HeaderUtility::stripPortFromHost`) or the route configuration sets
//! `ignore_port_in_host_matching` (Istio does on sidecars; `Http::HeaderUtility::
//! getPortStart`).

use crate::analysis::explain::request::model::HttpRequest;
use crate::envoy::filter::HttpConnectionManager;
use crate::envoy::route::RouteConfiguration;

/// What happens to the Host header's port before the domains are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortHandling {
    /// Compared as it is.
    Kept,
    /// The HCM strips any port (`strip_any_host_port`).
    StripAny,
    /// The HCM strips the port when it is the listener's (`strip_matching_host_port`).
    StripMatching { listener_port: u32 },
    /// The route configuration ignores it (`ignore_port_in_host_matching`).
    Ignored,
}

/// Which rule of Envoy's order took the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainRule {
    Exact,
    /// `*suffix`, the longest that fits.
    SuffixWildcard,
    /// `prefix*`, the longest that fits.
    PrefixWildcard,
    /// The `*` domain, after nothing else fit.
    Default,
    /// The configuration has no domain but `*`: Envoy takes it without reading the Host.
    OnlyDefault,
}

/// The virtual host that took the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualHostMatch {
    /// Index in the route configuration's `virtual_hosts`.
    pub index: usize,
    pub name: String,
    pub rule: DomainRule,
    /// The domain that matched, as configured.
    pub domain: String,
}

/// The host as Envoy compared it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostLookup {
    /// The header the host was read from: `:authority`, or the configuration's
    /// `vhost_header`.
    pub header: String,
    /// Its value as the request carries it; `None` when the header is missing.
    pub given: Option<String>,
    pub port: PortHandling,
    /// What the domains were compared with (lower-case, the port removed if it was).
    pub compared: Option<String>,
    pub chosen: Option<VirtualHostMatch>,
}

/// How the port is treated for `config` behind `hcm` on a listener port `dst_port`: the
/// HCM's stripping comes first (it rewrites the Host header), the configuration's
/// `ignore_port_in_host_matching` after.
pub fn port_handling(
    hcm: &HttpConnectionManager<'_>,
    config: &RouteConfiguration<'_>,
    dst_port: u32,
) -> PortHandling {
    if hcm.strip_any_host_port {
        PortHandling::StripAny
    } else if hcm.strip_matching_host_port {
        PortHandling::StripMatching {
            listener_port: dst_port,
        }
    } else if config.ignore_port_in_host_matching {
        PortHandling::Ignored
    } else {
        PortHandling::Kept
    }
}

/// `Http::HeaderUtility::getPortStart`: the last `:`, unless it sits inside an IPv6
/// literal's brackets.
pub fn port_start(host: &str) -> Option<usize> {
    let colon = host.rfind(':')?;
    match host.rfind(']') {
        Some(bracket) if bracket > colon => None,
        _ => Some(colon),
    }
}

/// The host with its port removed as `port` says: `stripPortFromHost` removes only a
/// numeric port (and for `strip_matching_host_port`, only the listener's);
/// `ignore_port_in_host_matching` cuts at `getPortStart` whatever follows.
fn without_port(host: &str, port: PortHandling) -> &str {
    let Some(start) = port_start(host) else {
        return host;
    };
    let number = host[start + 1..].parse::<u32>().ok();
    match port {
        PortHandling::Kept => host,
        PortHandling::Ignored => &host[..start],
        PortHandling::StripAny if number.is_some() => &host[..start],
        PortHandling::StripMatching { listener_port } if number == Some(listener_port) => {
            &host[..start]
        }
        _ => host,
    }
}

/// `RouteMatcher::findVirtualHost` for `request` on `config`.
pub fn find_virtual_host(
    config: &RouteConfiguration<'_>,
    request: &HttpRequest,
    port: PortHandling,
) -> HostLookup {
    let header = if config.vhost_header.is_empty() {
        ":authority".to_string()
    } else {
        config.vhost_header.to_ascii_lowercase()
    };
    let given = request.header(&header);
    let mut lookup = HostLookup {
        header,
        given: given.clone(),
        port,
        compared: None,
        chosen: None,
    };
    // The domains as `RouteMatcher::RouteMatcher` files them: lower-cased, `*` apart.
    let domains: Vec<(usize, String, &str)> = (config.virtual_hosts.iter().enumerate())
        .flat_map(|(i, vh)| {
            vh.domains
                .iter()
                .map(move |d| (i, d.to_ascii_lowercase(), d.as_ref()))
        })
        .collect();
    let pick = |(i, _, d): &(usize, String, &str), rule| {
        config.virtual_hosts.get(*i).map(|vh| VirtualHostMatch {
            index: *i,
            name: vh.name.to_string(),
            rule,
            domain: d.to_string(),
        })
    };
    let default = domains.iter().find(|(_, d, _)| d == "*");
    // The fast path: only a `*` virtual host (or none) is taken without reading the Host.
    if domains.iter().all(|(_, d, _)| d == "*") {
        lookup.chosen = default.and_then(|d| pick(d, DomainRule::OnlyDefault));
        return lookup;
    }
    // No Host (or no alternate header): no virtual host.
    let Some(given) = given else {
        return lookup;
    };
    let host = without_port(&given, port).to_ascii_lowercase();
    lookup.compared = Some(host.clone());
    if let Some(d) = domains.iter().find(|(_, d, _)| *d == host) {
        lookup.chosen = pick(d, DomainRule::Exact);
        return lookup;
    }
    // `findWildcardVirtualHost`: the longest fixed part first, and only when the host is
    // longer than it (`*.foo.com` does not take `.foo.com`).
    let longest = |fixed: &dyn Fn(&str) -> Option<bool>| {
        domains
            .iter()
            .filter(|(_, d, _)| d != "*")
            .filter_map(|entry| {
                // `fixed` answers only for a wildcard domain, so it has a `*` to leave out.
                let fits = fixed(&entry.1)?;
                let len = entry.1.len().saturating_sub(1);
                (fits && len < host.len()).then_some((len, entry))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, entry)| entry)
    };
    let suffix = longest(&|d| Some(host.ends_with(d.strip_prefix('*')?)));
    if let Some(d) = suffix {
        lookup.chosen = pick(d, DomainRule::SuffixWildcard);
        return lookup;
    }
    let prefix = longest(&|d| {
        // A domain starting with `*` is filed as a suffix wildcard, never as a prefix one.
        (!d.starts_with('*')).then_some(())?;
        Some(host.starts_with(d.strip_suffix('*')?))
    });
    if let Some(d) = prefix {
        lookup.chosen = pick(d, DomainRule::PrefixWildcard);
        return lookup;
    }
    lookup.chosen = default.and_then(|d| pick(d, DomainRule::Default));
    lookup
}

#[cfg(test)]
mod tests;
