//! istioctl's DOMAINS cell: a virtual host's domains, abbreviated.

use std::collections::HashSet;

/// How many domains istioctl shows before `+ N more...`.
const SHOWN: usize = 2;

/// The domains a row shows, and how many more there are.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DomainSummary {
    pub shown: Vec<String>,
    pub more: usize,
}

/// `describeRouteDomains` (route.go): one domain is shown as it is; of several, those
/// without a port (IPv6 literals in brackets count as such), less the ones a shorter form
/// of which is also listed (`unexpandDomains`), the first two shown and the rest counted.
pub fn describe_route_domains<S: AsRef<str>>(domains: &[S]) -> DomainSummary {
    match domains {
        [] => return DomainSummary::default(),
        [one] => {
            return DomainSummary {
                shown: vec![one.as_ref().to_string()],
                more: 0,
            };
        }
        _ => {}
    }
    let without_port: Vec<&str> = domains
        .iter()
        .map(AsRef::as_ref)
        .filter(|d| {
            let colons = d.matches(':').count();
            colons == 0 || (colons > 2 && d.ends_with(']'))
        })
        .collect();
    let mut kept = unexpand_domains(&without_port);
    let more = kept.len().saturating_sub(SHOWN);
    kept.truncate(SHOWN);
    DomainSummary {
        shown: kept.into_iter().map(str::to_string).collect(),
        more,
    }
}

/// `unexpandDomains` (route.go): drops each domain whose form without `.svc.cluster.local`
/// or without `.svc` is listed too, keeping the order.
fn unexpand_domains<'a>(domains: &[&'a str]) -> Vec<&'a str> {
    let unique: HashSet<&str> = domains.iter().copied().collect();
    let shorter_listed = |h: &str| {
        [".svc.cluster.local", ".svc"].iter().any(|suffix| {
            h.strip_suffix(suffix)
                .is_some_and(|short| unique.contains(short))
        })
    };
    domains
        .iter()
        .copied()
        .filter(|h| !shorter_listed(h))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(domains: &[&str]) -> (Vec<&'static str>, usize) {
        let s = describe_route_domains(domains);
        let shown = s
            .shown
            .into_iter()
            .map(|d| &*Box::leak(d.into_boxed_str()))
            .collect();
        (shown, s.more)
    }

    /// Follows `describeRouteDomains` (istioctl route.go).
    #[test]
    fn describe_route_domains_as_istioctl() {
        assert_eq!(cell(&[]), (vec![], 0));
        // One domain is shown even with a port.
        assert_eq!(cell(&["httpbin:8000"]), (vec!["httpbin:8000"], 0));
        // Ports dropped, longer forms of listed names dropped, two shown.
        assert_eq!(
            cell(&[
                "httpbin.default.svc.cluster.local",
                "httpbin.default.svc.cluster.local:8000",
                "httpbin",
                "httpbin:8000",
                "httpbin.default.svc",
                "httpbin.default",
                "10.96.88.150",
                "10.96.88.150:8000",
            ]),
            (vec!["httpbin", "httpbin.default"], 1)
        );
        // IPv6 literals: bare brackets kept, with a port dropped.
        assert_eq!(
            cell(&["[fd00:10:96::7fc7]", "[fd00:10:96::7fc7]:8090", "a"]),
            (vec!["[fd00:10:96::7fc7]", "a"], 0)
        );
        // All with ports: nothing left to show.
        assert_eq!(cell(&["a:1", "b:2"]), (vec![], 0));
    }

    /// Follows `unexpandDomains` (istioctl route.go).
    #[test]
    fn unexpand_domains_as_istioctl() {
        assert_eq!(
            unexpand_domains(&["a.ns.svc.cluster.local", "a.ns", "a.ns.svc", "b.svc"]),
            // `b` is not listed, so `b.svc` stays.
            ["a.ns", "b.svc"]
        );
        // Duplicates stay.
        assert_eq!(unexpand_domains(&["x", "x"]), ["x", "x"]);
    }
}
