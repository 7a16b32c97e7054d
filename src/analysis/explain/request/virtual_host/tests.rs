use super::*;

fn config(json: &'static str) -> RouteConfiguration<'static> {
    serde_json::from_str(json).unwrap()
}

fn request(authority: &str) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        scheme: "http".into(),
        authority: authority.into(),
        path: "/".into(),
        headers: Vec::new(),
    }
}

/// The chosen virtual host's name and rule, or `None`.
fn pick(
    c: &RouteConfiguration<'_>,
    host: &str,
    port: PortHandling,
) -> Option<(String, DomainRule)> {
    find_virtual_host(c, &request(host), port)
        .chosen
        .map(|m| (m.name, m.rule))
}

fn named(name: &str, rule: DomainRule) -> Option<(String, DomainRule)> {
    Some((name.to_string(), rule))
}

const HOSTS: &str = r#"{"name":"80","virtual_hosts":[
  {"name":"exact","domains":["api.example.com"]},
  {"name":"short-suffix","domains":["*.example.com"]},
  {"name":"long-suffix","domains":["*-bar.example.com"]},
  {"name":"short-prefix","domains":["api.*"]},
  {"name":"long-prefix","domains":["api.example.*"]},
  {"name":"default","domains":["*"]}]}"#;

/// Follows `RouteMatcher::findVirtualHost`: an exact domain wins over every wildcard that
/// also fits.
#[test]
fn find_virtual_host_exact_domain_first() {
    let c = config(HOSTS);
    assert_eq!(
        pick(&c, "api.example.com", PortHandling::Kept),
        named("exact", DomainRule::Exact)
    );
}

/// Follows `RouteMatcher::findWildcardVirtualHost` over `wildcard_virtual_host_suffixes_`:
/// the longest `*suffix` first (`foo-bar.example.com` takes `*-bar.example.com` before
/// `*.example.com`).
#[test]
fn find_wildcard_virtual_host_longest_suffix_first() {
    let c = config(HOSTS);
    assert_eq!(
        pick(&c, "foo-bar.example.com", PortHandling::Kept),
        named("long-suffix", DomainRule::SuffixWildcard)
    );
    assert_eq!(
        pick(&c, "www.example.com", PortHandling::Kept),
        named("short-suffix", DomainRule::SuffixWildcard)
    );
}

/// Follows `RouteMatcher::findWildcardVirtualHost`'s `wildcard_length >= host.size()`:
/// `*.example.com` does not take `.example.com` (the wildcard must stand for something).
#[test]
fn find_wildcard_virtual_host_needs_a_longer_host() {
    let c = config(
        r#"{"virtual_hosts":[{"name":"w","domains":["*.example.com"]},{"name":"d","domains":["*"]}]}"#,
    );
    assert_eq!(
        pick(&c, ".example.com", PortHandling::Kept),
        named("d", DomainRule::Default)
    );
}

/// Follows `RouteMatcher::findVirtualHost`: suffix wildcards are tried before prefix
/// wildcards, whatever their lengths (`api.example.*` is longer than `*.example.com`).
#[test]
fn find_virtual_host_suffix_wildcards_before_prefix_wildcards() {
    let c = config(HOSTS);
    assert_eq!(
        pick(&c, "api.example.com.au", PortHandling::Kept),
        named("long-prefix", DomainRule::PrefixWildcard)
    );
    assert_eq!(
        pick(&c, "x.example.com", PortHandling::Kept),
        named("short-suffix", DomainRule::SuffixWildcard)
    );
}

/// Follows `RouteMatcher::findWildcardVirtualHost` over `wildcard_virtual_host_prefixes_`:
/// the longest `prefix*` first.
#[test]
fn find_wildcard_virtual_host_longest_prefix_first() {
    let c = config(HOSTS);
    assert_eq!(
        pick(&c, "api.example.org", PortHandling::Kept),
        named("long-prefix", DomainRule::PrefixWildcard)
    );
    assert_eq!(
        pick(&c, "api.other.org", PortHandling::Kept),
        named("short-prefix", DomainRule::PrefixWildcard)
    );
}

/// Follows `RouteMatcher::findVirtualHost`: `*` (`default_virtual_host_`) only after
/// everything else; without it no virtual host takes the request (Envoy's `NR`).
#[test]
fn find_virtual_host_default_last_else_none() {
    let c = config(HOSTS);
    assert_eq!(
        pick(&c, "other.net", PortHandling::Kept),
        named("default", DomainRule::Default)
    );
    let c = config(r#"{"virtual_hosts":[{"name":"a","domains":["a.com"]}]}"#);
    let lookup = find_virtual_host(&c, &request("b.com"), PortHandling::Kept);
    assert_eq!(lookup.chosen, None);
    assert_eq!(lookup.compared.as_deref(), Some("b.com"));
}

/// Follows `RouteMatcher::findVirtualHost`'s fast path: with no domain but `*`, the
/// default virtual host takes the request without reading the Host.
#[test]
fn find_virtual_host_only_default_fast_path() {
    let c = config(r#"{"virtual_hosts":[{"name":"d","domains":["*"]}]}"#);
    let lookup = find_virtual_host(&c, &request("ANY:1"), PortHandling::Kept);
    assert_eq!(lookup.chosen.map(|m| m.rule), Some(DomainRule::OnlyDefault));
    assert_eq!(lookup.compared, None);
}

/// Follows `RouteMatcher::RouteMatcher` (domains filed as `Http::LowerCaseString`) and
/// `findVirtualHost` (`absl::AsciiStrToLower` of the host): case does not matter.
#[test]
fn find_virtual_host_lower_cases_host_and_domains() {
    let c = config(r#"{"virtual_hosts":[{"name":"a","domains":["API.Example.com"]}]}"#);
    assert_eq!(
        pick(&c, "api.EXAMPLE.com", PortHandling::Kept),
        named("a", DomainRule::Exact)
    );
}

/// Follows `RouteMatcher::findVirtualHost` with `ignore_port_in_host_matching` and
/// `Http::HeaderUtility::getPortStart`: the port is cut before comparing, but not a colon
/// inside an IPv6 literal's brackets; without the option the port is compared too.
#[test]
fn ignore_port_in_host_matching_cuts_the_port() {
    let c = config(
        r#"{"ignore_port_in_host_matching":true,"virtual_hosts":[
          {"name":"h","domains":["httpbin.default"]},{"name":"v6","domains":["[fd00::1]"]}]}"#,
    );
    let port = port_handling(&Default::default(), &c, 8000);
    assert_eq!(port, PortHandling::Ignored);
    assert_eq!(
        pick(&c, "httpbin.default:8000", port),
        named("h", DomainRule::Exact)
    );
    assert_eq!(
        pick(&c, "[fd00::1]:80", port),
        named("v6", DomainRule::Exact)
    );
    assert_eq!(pick(&c, "[fd00::1]", port), named("v6", DomainRule::Exact));
    assert_eq!(port_start("[fd00::1]"), None);
    assert_eq!(pick(&c, "httpbin.default:8000", PortHandling::Kept), None);
}

/// Follows `ConnectionManagerUtility::maybeNormalizeHost` and
/// `Http::HeaderUtility::stripPortFromHost`: `strip_any_host_port` removes any numeric
/// port, `strip_matching_host_port` only the listener's.
#[test]
fn strip_port_from_host_before_matching() {
    let c = config(r#"{"virtual_hosts":[{"name":"h","domains":["a.com"]}]}"#);
    let hcm = |any: bool, matching: bool| HttpConnectionManager {
        strip_any_host_port: any,
        strip_matching_host_port: matching,
        ..Default::default()
    };
    let any = port_handling(&hcm(true, false), &c, 80);
    assert_eq!(pick(&c, "a.com:9999", any), named("h", DomainRule::Exact));
    // Not a number: stripPortFromHost leaves the host alone.
    assert_eq!(pick(&c, "a.com:x", any), None);
    let matching = port_handling(&hcm(false, true), &c, 80);
    assert_eq!(
        pick(&c, "a.com:80", matching),
        named("h", DomainRule::Exact)
    );
    assert_eq!(pick(&c, "a.com:81", matching), None);
}

/// Follows `RouteMatcher::findVirtualHost` with `vhost_header`: the domains are compared
/// with that header, and without it no virtual host is chosen.
#[test]
fn vhost_header_replaces_authority() {
    let c =
        config(r#"{"vhost_header":"X-Host","virtual_hosts":[{"name":"h","domains":["a.com"]}]}"#);
    let mut r = request("b.com");
    assert_eq!(find_virtual_host(&c, &r, PortHandling::Kept).chosen, None);
    r.headers.push(("x-host".into(), "a.com".into()));
    let lookup = find_virtual_host(&c, &r, PortHandling::Kept);
    assert_eq!(lookup.header, "x-host");
    assert_eq!(lookup.chosen.map(|m| m.name), Some("h".to_string()));
}

/// Follows `RouteMatcher::RouteMatcher`: an empty domain is filed as an exact one (it is
/// neither `*` nor starts or ends with `*`), so it takes only an empty Host.
#[test]
fn empty_domain_is_an_exact_domain() {
    let c =
        config(r#"{"virtual_hosts":[{"name":"e","domains":[""]},{"name":"w","domains":["*.a"]}]}"#);
    assert_eq!(
        pick(&c, "", PortHandling::Kept),
        named("e", DomainRule::Exact)
    );
    assert_eq!(
        pick(&c, "x.a", PortHandling::Kept),
        named("w", DomainRule::SuffixWildcard)
    );
    assert_eq!(pick(&c, "b", PortHandling::Kept), None);
}
