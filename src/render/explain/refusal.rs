//! The words for a listener Envoy would refuse to load (DOMAIN.md §3.2): what in the
//! listener, and Envoy's own message for it, quoted as Envoy words it
//! (`filter_chain_manager_impl.cc`; the PGV rule text for ports). Shared by `explain`
//! (text and JSON) and lint's MS3005. Lays out `analysis::explain::refusal` only.

use crate::analysis::explain::refusal::{PortField, Refusal, TreePath};
use crate::envoy::SourceType;

/// What `explain` says before simulating such a listener, and what its warnings start with.
pub const WOULD_REFUSE: &str = "Envoy would refuse this listener";

/// One refusal as a clause: what is wrong, then Envoy's message in quotes. `chain` words a
/// chain index (as a subject: "chain `a` (1st)"), `name` a chain's bare name (Envoy quotes
/// names in its messages), `code` a value from the dump.
pub fn refusal_words(
    r: &Refusal,
    chain: impl Fn(usize) -> String,
    name: impl Fn(usize) -> String,
    code: impl Fn(&str) -> String,
) -> String {
    let (what, envoy) = match r {
        Refusal::PortOutOfRange {
            chain: c,
            field,
            value,
        } => (
            format!(
                "{} has {} {value}, outside 1-65535",
                chain(*c),
                match field {
                    PortField::DestinationPort => "destination_port",
                    PortField::SourcePorts => "a source_ports entry",
                }
            ),
            "value must be inside range [1, 65535]".to_string(),
        ),
        Refusal::SameMatchingRules { chain: c, same_as } => (
            format!(
                "{} has the same filter_chain_match as {}",
                chain(*c),
                chain(*same_as)
            ),
            format!(
                "filter chain '{}' has the same matching rules defined as '{}'",
                name(*c),
                name(*same_as)
            ),
        ),
        Refusal::PartialWildcard {
            chain: c,
            server_name,
        } => (
            format!(
                "{} lists server name {}, a partial wildcard (only *.suffix is allowed)",
                chain(*c),
                code(server_name)
            ),
            "partial wildcards are not supported in \"server_names\"".to_string(),
        ),
        Refusal::OverlappingRules {
            chain: c,
            with,
            path,
        } => (
            if c == with {
                format!(
                    "{} lists one value twice, so it matches {} twice",
                    chain(*c),
                    path_words(path, &code)
                )
            } else {
                format!(
                    "{} and {} both match {}",
                    chain(*with),
                    chain(*c),
                    path_words(path, &code)
                )
            },
            "multiple filter chains with overlapping matching rules are defined".to_string(),
        ),
        Refusal::UnnamedChain { chain: c } => (
            format!(
                "{} has no name, which chains under a filter_chain_matcher need",
                chain(*c)
            ),
            "\"name\" field is required when using a listener matcher".to_string(),
        ),
        Refusal::DuplicateName {
            chain: c,
            first,
            name: n,
        } => (
            format!(
                "{} has the name of {}, {}",
                chain(*c),
                chain(*first),
                code(n)
            ),
            format!("\"name\" field is duplicated with value '{}'", name(*c)),
        ),
    };
    format!("{what} (Envoy: \"{envoy}\")")
}

/// The connections a decision-tree path takes, by its non-empty keys.
fn path_words(p: &TreePath, code: &impl Fn(&str) -> String) -> String {
    let mut parts = Vec::new();
    if p.destination_port != 0 {
        parts.push(format!("destination port {}", p.destination_port));
    }
    if !p.destination_ip.is_empty() {
        parts.push(format!("destination {}", p.destination_ip));
    }
    if !p.server_name.is_empty() {
        // Envoy keys `*.example.com` by its suffix `.example.com`.
        let sni = if p.server_name.starts_with('.') {
            format!("*{}", p.server_name)
        } else {
            p.server_name.clone()
        };
        parts.push(format!("SNI {}", code(&sni)));
    }
    if !p.transport_protocol.is_empty() {
        parts.push(format!("transport {}", code(&p.transport_protocol)));
    }
    if !p.application_protocol.is_empty() {
        parts.push(format!("ALPN {}", code(&p.application_protocol)));
    }
    if !p.direct_source_ip.is_empty() {
        parts.push(format!("direct source {}", p.direct_source_ip));
    }
    match p.source_type {
        SourceType::Any => {}
        SourceType::SameIpOrLoopback => parts.push("local peers".to_string()),
        SourceType::External => parts.push("external peers".to_string()),
    }
    if !p.source_ip.is_empty() {
        parts.push(format!("source {}", p.source_ip));
    }
    if p.source_port != 0 {
        parts.push(format!("source port {}", p.source_port));
    }
    if parts.is_empty() {
        "every connection".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_envoy_and_names_the_colliding_path() {
        let chain = |i: usize| format!("chain {}", ["a", "b"][i]);
        let name = |i: usize| ["a", "b"][i].to_string();
        let code = |s: &str| format!("`{s}`");
        let path = TreePath {
            destination_port: 80,
            destination_ip: "10.0.0.0/8".into(),
            server_name: ".example.com".into(),
            transport_protocol: String::new(),
            application_protocol: String::new(),
            direct_source_ip: String::new(),
            source_type: SourceType::Any,
            source_ip: String::new(),
            source_port: 0,
        };
        let r = Refusal::OverlappingRules {
            chain: 1,
            with: 0,
            path: path.clone(),
        };
        assert_eq!(
            refusal_words(&r, chain, name, code),
            "chain a and chain b both match destination port 80, destination 10.0.0.0/8, SNI \
             `*.example.com` (Envoy: \"multiple filter chains with overlapping matching rules \
             are defined\")"
        );
        let r = Refusal::SameMatchingRules {
            chain: 1,
            same_as: 0,
        };
        assert!(
            refusal_words(&r, chain, name, code).ends_with(
                "(Envoy: \"filter chain 'b' has the same matching rules defined as 'a'\")"
            )
        );
    }
}
