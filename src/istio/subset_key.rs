//! Istio's cluster names, `direction|port|subset|hostname` (pilot's `BuildSubsetKey`), read
//! back as istioctl reads them for `proxy-config cluster`.

use crate::util::go_strconv::atoi;

/// The parts of a cluster name, as istio/istio `pilot/pkg/model/service.go`
/// `ParseSubsetKey` returns them (1.30.3 and master@86c9f01 alike): whatever it could cut
/// before it stopped, the rest empty or 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubsetKey<'a> {
    pub direction: &'a str,
    /// Go's `strconv.Atoi` of the port part, its error ignored (0, or clamped).
    pub port: i64,
    pub subset: &'a str,
    pub hostname: &'a str,
}

/// Whether istioctl parses `name` as a subset key at all: its writers test
/// `len(strings.Split(name, "|")) > 3`, i.e. at least three `|`
/// (`istioctl/pkg/writer/envoy/configdump/cluster.go` `PrintClusterSummary`,
/// `safelyParseSubsetKey`).
pub fn looks_like_subset_key(name: &str) -> bool {
    name.matches('|').count() >= 3
}

/// `ParseSubsetKey`: cuts `direction`, `port` and `subset` at `|` (at `_.` when the name
/// starts `outbound_` or `inbound_`, the DNS SRV form), and takes the rest as the hostname
/// unless it still holds the separator.
pub fn parse_subset_key(name: &str) -> SubsetKey<'_> {
    let sep = if name.starts_with("outbound_") || name.starts_with("inbound_") {
        "_."
    } else {
        "|"
    };
    let mut key = SubsetKey::default();
    let Some((direction, rest)) = name.split_once(sep) else {
        return key;
    };
    key.direction = direction;
    let Some((port, rest)) = rest.split_once(sep) else {
        return key;
    };
    key.port = atoi(port).0;
    let Some((subset, rest)) = rest.split_once(sep) else {
        return key;
    };
    key.subset = subset;
    if !rest.contains(sep) {
        key.hostname = rest;
    }
    key
}

/// `safelyParseSubsetKey` (cluster.go): a subset key when the name has the shape, else the
/// whole name as the hostname with no direction, subset or port. istioctl sorts by this.
pub fn sort_key(name: &str) -> SubsetKey<'_> {
    if looks_like_subset_key(name) {
        parse_subset_key(name)
    } else {
        SubsetKey {
            hostname: name,
            ..SubsetKey::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key<'a>(d: &'a str, p: i64, s: &'a str, h: &'a str) -> SubsetKey<'a> {
        SubsetKey {
            direction: d,
            port: p,
            subset: s,
            hostname: h,
        }
    }

    /// Follows `ParseSubsetKey` (pilot/pkg/model/service.go).
    #[test]
    fn parse_subset_key_as_pilot() {
        let parse = parse_subset_key;
        assert_eq!(
            parse("outbound|8000||httpbin.default.svc.cluster.local"),
            key("outbound", 8000, "", "httpbin.default.svc.cluster.local")
        );
        assert_eq!(
            parse("inbound-vip|8000|http|httpbin.default.svc.cluster.local"),
            key(
                "inbound-vip",
                8000,
                "http",
                "httpbin.default.svc.cluster.local"
            )
        );
        assert_eq!(parse("inbound|80||"), key("inbound", 80, "", ""));
        // A fourth separator: the hostname is dropped, the rest kept.
        assert_eq!(parse("outbound|80|v1|a|b"), key("outbound", 80, "v1", ""));
        // A port that is not a number is 0, as Atoi's error is ignored.
        assert_eq!(parse("outbound|http|v1|a"), key("outbound", 0, "v1", "a"));
        assert_eq!(parse("a|b"), key("a", 0, "", ""));
        assert_eq!(parse("PassthroughCluster"), key("", 0, "", ""));
        // The DNS SRV form.
        assert_eq!(
            parse("outbound_.9080_.v1_.reviews.default.svc.cluster.local"),
            key("outbound", 9080, "v1", "reviews.default.svc.cluster.local")
        );
        // A `|` name that starts like the SRV form is cut at `_.`, which it lacks.
        assert_eq!(parse("outbound_x|1|2|3"), key("", 0, "", ""));
    }

    /// Follows `safelyParseSubsetKey` (istioctl cluster.go).
    #[test]
    fn safely_parse_subset_key_keeps_plain_names_whole() {
        assert_eq!(sort_key("agent"), key("", 0, "", "agent"));
        assert_eq!(sort_key("a|b|c"), key("", 0, "", "a|b|c"));
        assert_eq!(sort_key("a|1|c|d"), key("a", 1, "c", "d"));
        assert!(looks_like_subset_key("inbound|80||"));
        assert!(!looks_like_subset_key("outbound_.9080_.v1_.reviews"));
    }
}
