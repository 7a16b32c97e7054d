//! The address a sidecar's application connects to for a service name, read from the dump:
//! Istio lists a service's addresses among its virtual host's domains (istio/istio
//! `pilot/pkg/networking/core/httproute.go` `generateVirtualHostDomains`: the hostname, its
//! short forms, then each address), in the route configuration named after the port, and
//! the mesh's DNS (or kube-dns) answers the name with that address. So `explain --request
//! 'GET http://httpbin.default:8000/…'` can start where the application's connection does,
//! without meshscope resolving names itself.

use std::net::IpAddr;

use crate::analysis::explain::request::virtual_host::port_start;
use crate::envoy::route::RouteConfiguration;

/// What the route configuration says of a host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServiceAddress {
    /// One address, listed with the name.
    One(IpAddr),
    /// No virtual host lists the name exactly, or it lists no address.
    None,
    /// Several addresses: which one the application used cannot be told.
    Several(Vec<IpAddr>),
}

/// The address listed beside `host` (a domain equal to it, case aside) in `config`.
pub fn service_address(config: &RouteConfiguration<'_>, host: &str) -> ServiceAddress {
    let host = host.to_ascii_lowercase();
    let without_port = |d: &str| match port_start(d) {
        Some(i) if d[i + 1..].parse::<u16>().is_ok() => d[..i].to_string(),
        _ => d.to_string(),
    };
    let mut addresses: Vec<IpAddr> = Vec::new();
    for vh in &config.virtual_hosts {
        let names = vh
            .domains
            .iter()
            .map(|d| without_port(&d.to_ascii_lowercase()));
        if !names.clone().any(|d| d == host) {
            continue;
        }
        for d in names {
            let ip = d
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>();
            if let Ok(ip) = ip
                && !addresses.contains(&ip)
            {
                addresses.push(ip);
            }
        }
    }
    match addresses.as_slice() {
        [] => ServiceAddress::None,
        [one] => ServiceAddress::One(*one),
        _ => ServiceAddress::Several(addresses),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &'static str) -> RouteConfiguration<'static> {
        serde_json::from_str(json).unwrap()
    }

    /// Follows `generateVirtualHostDomains`: the address sits among the name's domains,
    /// with or without the port (1.12 lists both forms).
    #[test]
    fn the_address_listed_with_the_name() {
        let c = config(
            r#"{"virtual_hosts":[
              {"domains":["httpbin.default.svc.cluster.local","httpbin.default:8000","10.96.88.150","10.96.88.150:8000"]},
              {"domains":["*"]}]}"#,
        );
        let want = ServiceAddress::One("10.96.88.150".parse().unwrap());
        assert_eq!(service_address(&c, "HTTPBIN.default"), want);
        assert_eq!(service_address(&c, "other"), ServiceAddress::None);
        let v6 = config(r#"{"virtual_hosts":[{"domains":["a","[fd00::1]","10.0.0.1"]}]}"#);
        assert!(matches!(service_address(&v6, "a"), ServiceAddress::Several(v) if v.len() == 2));
    }
}
