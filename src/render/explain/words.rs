//! The words of `explain`: elimination reasons, warnings and the inputs a
//! real sidecar could not see. Shared by the text and JSON outputs. Only lays out what
//! `analysis::explain` decided; every name from the dump goes through [`sanitize`].

use crate::analysis::explain::chain_select::{
    Chosen, Connection, Criterion, Elimination, Tie, TieKind, got,
};
use crate::analysis::explain::{ChainInfo, Derivation, Inspector, InspectorState, Unseen, Warning};
use crate::render::explain::refusal::{WOULD_REFUSE, refusal_words};
use crate::render::refused_update::{Reading, refused_update_words};
use crate::util::sanitize::sanitize;

/// `name` sanitised and in backticks.
pub fn code(name: &str) -> String {
    format!("`{}`", sanitize(name))
}

pub(crate) fn code_list(items: &[impl AsRef<str>]) -> String {
    let v: Vec<String> = items.iter().map(|s| code(s.as_ref())).collect();
    v.join(", ")
}

/// 1st, 2nd, 3rd, 4th, ... 11th, 12th, 13th, 21st.
pub fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A chain's name for lists: `name` (Nth), or "the unnamed Nth chain".
pub fn chain_label(info: &ChainInfo) -> String {
    let pos = if info.is_default {
        "default".to_string()
    } else {
        ordinal(info.position)
    };
    if info.name.is_empty() {
        format!("unnamed chain ({pos})")
    } else {
        format!("{} ({pos})", code(&info.name))
    }
}

/// A chain as the subject or object of a sentence: chain `name` (Nth), or "the unnamed
/// chain (Nth)" (never "chain unnamed chain").
pub fn chain_phrase(info: &ChainInfo) -> String {
    if info.name.is_empty() {
        format!("the {}", chain_label(info))
    } else {
        format!("chain {}", chain_label(info))
    }
}

/// The default chain in a sentence: the default chain `name`, or "the unnamed default chain".
pub fn default_chain_phrase(name: &str) -> String {
    if name.is_empty() {
        "the unnamed default chain".to_string()
    } else {
        format!("the default chain {}", code(name))
    }
}

/// The criterion in words.
pub fn criterion_words(c: Criterion) -> &'static str {
    match c {
        Criterion::DestinationPort => "destination port",
        Criterion::DestinationIp => "destination IP",
        Criterion::ServerName => "server name (SNI)",
        Criterion::TransportProtocol => "transport protocol",
        Criterion::ApplicationProtocols => "application protocols (ALPN)",
        Criterion::DirectSourceIp => "direct source IP",
        Criterion::SourceType => "source type",
        Criterion::SourceIp => "source IP",
        Criterion::SourcePort => "source port",
    }
}

/// Why a chain dropped out, after "criterion: ".
pub fn reason_words(c: Criterion, reason: &Elimination, conn: &Connection) -> String {
    let g = got(c, conn);
    match reason {
        Elimination::Mismatch { wanted, got } => {
            let w = wanted.join(", ");
            match c {
                Criterion::DestinationPort => {
                    format!("the chain wants port {w}, the connection goes to port {got}")
                }
                Criterion::DestinationIp => {
                    format!("the chain wants destination IPs in {w}, the connection goes to {got}")
                }
                Criterion::ServerName if got.is_empty() => {
                    format!(
                        "the chain wants SNI {}, the connection has no SNI",
                        code_list(wanted)
                    )
                }
                Criterion::ServerName => format!(
                    "the chain wants SNI {}, the connection's SNI is {}",
                    code_list(wanted),
                    code(got)
                ),
                Criterion::TransportProtocol => {
                    format!("the chain wants {w}, the connection is {got}")
                }
                Criterion::ApplicationProtocols if got.is_empty() => format!(
                    "the chain wants one of the ALPN values {}, the connection has no ALPN",
                    code_list(wanted)
                ),
                Criterion::ApplicationProtocols => format!(
                    "the chain wants one of the ALPN values {}, the connection offers {}",
                    code_list(wanted),
                    code_list(&conn.alpn)
                ),
                Criterion::DirectSourceIp => {
                    format!("the chain wants direct source IPs in {w}, the peer is {got}")
                }
                Criterion::SourceType => {
                    format!("the chain wants {w} peers, the connection is {got}")
                }
                Criterion::SourceIp => {
                    format!("the chain wants source IPs in {w}, the connection comes from {got}")
                }
                Criterion::SourcePort => format!(
                    "the chain wants source ports {w}, the connection comes from port {got}"
                ),
            }
        }
        Elimination::Shadowed { winner } => match c {
            Criterion::DestinationPort => format!(
                "port {winner} has chains of its own, so chains without a port are never considered"
            ),
            Criterion::DestinationIp | Criterion::DirectSourceIp | Criterion::SourceIp => format!(
                "chains for the longer prefix {winner} take {g}; chains without ranges are only the fallback"
            ),
            _ => format!(
                "chains naming {} take this connection; chains without {} are only the fallback",
                code(winner),
                c.field()
            ),
        },
        Elimination::LessSpecific { own, winner } => match c {
            Criterion::DestinationIp | Criterion::DirectSourceIp | Criterion::SourceIp => {
                format!("the chain's {own} holds {g}, but {winner} is a longer prefix")
            }
            Criterion::ApplicationProtocols => format!(
                "the chain's {} is offered, but the client lists {} first",
                code(own),
                code(winner)
            ),
            _ => format!(
                "the chain's {} fits, but {} is more specific",
                code(own),
                code(winner)
            ),
        },
    }
}

fn inspector_words(i: Inspector) -> &'static str {
    match i {
        Inspector::Tls => "the TLS inspector",
        Inspector::Http => "the HTTP inspector",
    }
}

fn state_words(state: InspectorState, port: Option<u32>) -> String {
    match (state, port) {
        (InspectorState::Absent, _) => "absent from the listener".to_string(),
        (_, Some(p)) => format!("disabled for port {p}"),
        (_, None) => "disabled for the ports without chains of their own".to_string(),
    }
}

/// What a real sidecar could not see.
pub fn unseen_words(u: &Unseen, port: u32) -> String {
    match u {
        Unseen::NeedsTlsInspector { what, state } => format!(
            "{what}: the TLS inspector is {}, so a real sidecar sees raw_buffer with no SNI or ALPN",
            state_words(*state, Some(port))
        ),
        Unseen::SniOnPlaintext => {
            "SNI: only the TLS inspector sets it, and only on TLS connections".to_string()
        }
        Unseen::NeedsHttpInspector { state } => format!(
            "ALPN on a plaintext connection: the HTTP inspector is {}, so the connection carries no ALPN",
            state_words(*state, Some(port))
        ),
        Unseen::NoOriginalDst { listener_port } => format!(
            "destination port {port}: the listener has no original_dst filter, so a real sidecar matches on its own address and port {listener_port}"
        ),
        Unseen::NotSniffable { value } => format!(
            "ALPN {} on a plaintext connection: the HTTP inspector only sets http/1.0, http/1.1 or h2c",
            code(value)
        ),
        Unseen::SourceTypeContradicted {
            given_local,
            src_ip,
            dst_ip,
        } => format!(
            "--src-type {}: Envoy decides the source type from the addresses (isSameIpOrLoopback), and a connection from {src_ip} to {dst_ip} is {}; simulated as given",
            local_words(*given_local),
            local_words(!given_local)
        ),
    }
}

fn local_words(local: bool) -> &'static str {
    if local { "local" } else { "external" }
}

/// Where a connection attribute not given came from, after its value.
pub fn derivation_words(d: Derivation) -> &'static str {
    match d {
        Derivation::SourceTypeFromAddresses => "derived from --src-ip/--dst-ip",
        Derivation::TransportFromSni => "implied by --sni",
        Derivation::FilterStateFromAuthority => "what connect_terminate stores for --authority",
        Derivation::DestinationFromUrl => "taken from the --request URL",
        Derivation::DestinationFromService => {
            "the address the dump's route configuration lists for the URL's host, as the mesh's DNS answers it"
        }
        Derivation::AlpnFromRequest => {
            "what an HTTP inspector sniffs of a plaintext --request; none on a listener without one"
        }
    }
}

/// One possible outcome of a tie, as the object of a sentence.
pub fn outcome_phrase(o: &Chosen, chains: &[ChainInfo]) -> String {
    match o {
        Chosen::Chain(i) => chains
            .get(*i)
            .map_or_else(|| format!("chain {i}"), chain_phrase),
        Chosen::Default => chains.iter().find(|c| c.is_default).map_or_else(
            || "the default chain".to_string(),
            |d| default_chain_phrase(&d.name),
        ),
        Chosen::Closed => "closing the connection (no chain matches)".to_string(),
        Chosen::Unspecified(_) => "an unspecified chain".to_string(),
    }
}

/// A tie Envoy leaves open: the outcomes it picks between, and why it does not decide.
pub fn tie_words(t: &Tie, chains: &[ChainInfo]) -> String {
    let mut names: Vec<String> = t
        .outcomes
        .iter()
        .map(|o| outcome_phrase(o, chains))
        .collect();
    let last = names.pop().unwrap_or_default();
    let list = if names.is_empty() {
        last
    } else {
        format!("{} and {last}", names.join(", "))
    };
    match t.kind {
        TieKind::CatchAllNode(c) => format!(
            "Unspecified between {list}: at {}, chains without {} (Envoy's 0.0.0.0/0 and ::/0) and chains listing the catch-all range share one trie node, and Envoy takes either (debug builds assert). Envoy loads this listener; give one of them a more specific range to decide.",
            criterion_words(c),
            c.field()
        ),
        TieKind::Overlap => format!(
            "Unspecified between {list}: their matching rules overlap for this connection, which Envoy refuses at load time (\"multiple filter chains with overlapping matching rules are defined\")."
        ),
    }
}

/// One warning, in words.
pub fn warning_words(w: &Warning, chains: &[ChainInfo], uses_matcher: bool) -> String {
    let label = |i: usize| {
        chains
            .get(i)
            .map_or_else(|| format!("chain {i}"), chain_phrase)
    };
    match w {
        Warning::RefusedUpdate(r) => refused_update_words(r, code, Reading::Shown),
        Warning::MissingInspector {
            chain,
            inspector,
            state,
            port,
        } => format!(
            "{} matches on what only {} ({}) sets, but it is {}: the chain is never selected that way",
            label(*chain),
            inspector_words(*inspector),
            code(inspector.filter_name()),
            state_words(*state, *port)
        ),
        Warning::WouldRefuse(r) => format!(
            "{WOULD_REFUSE}: {}",
            refusal_words(
                r,
                label,
                |i| chains.get(i).map_or_else(String::new, |c| sanitize(&c.name).into_owned()),
                code
            )
        ),
        Warning::NeverSelected { chain } if uses_matcher => format!(
            "{} can never be selected: no filter_chain_matcher branch leads to it",
            label(*chain)
        ),
        Warning::NeverSelected { chain } => format!(
            "{} can never be selected: no combination of the values in the listener's matches reaches it",
            label(*chain)
        ),
        Warning::NotChecked { combinations } => format!(
            "never-selected chains not checked: {combinations} combinations of match values exceed the limit of 100000"
        ),
        Warning::DefaultChain { name } => format!(
            "connections no chain matches go to {}",
            default_chain_phrase(name)
        ),
        Warning::NoDefaultChain => "the listener has no default chain: a connection no chain matches is closed (no_filter_chain_match; access log NR filter_chain_not_found)".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111]
            .iter()
            .map(|n| ordinal(*n))
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st",
                "111th"
            ]
        );
    }

    #[test]
    fn reasons_in_words_and_sanitised() {
        let conn = Connection {
            dst_port: 80,
            dst_ip: "10.0.0.1".parse().unwrap(),
            server_name: Some("evil\x1b[31m.example.com".into()),
            transport: "tls".into(),
            alpn: vec![],
            direct_src_ip: "10.0.0.2".parse().unwrap(),
            src_local: false,
            src_ip: "10.0.0.2".parse().unwrap(),
            src_port: 40000,
            filter_state: Vec::new(),
        };
        let r = Elimination::Mismatch {
            wanted: vec!["raw_buffer".into()],
            got: "tls".into(),
        };
        assert_eq!(
            reason_words(Criterion::TransportProtocol, &r, &conn),
            "the chain wants raw_buffer, the connection is tls"
        );
        let r = Elimination::Shadowed {
            winner: "80".into(),
        };
        assert_eq!(
            reason_words(Criterion::DestinationPort, &r, &conn),
            "port 80 has chains of its own, so chains without a port are never considered"
        );
        let r = Elimination::Mismatch {
            wanted: vec!["a.example.com".into()],
            got: conn.server_name.clone().unwrap(),
        };
        let text = reason_words(Criterion::ServerName, &r, &conn);
        assert!(!text.contains('\x1b'), "{text}");
        let r = Elimination::LessSpecific {
            own: "10.0.0.0/8".into(),
            winner: "10.0.0.0/24".into(),
        };
        assert_eq!(
            reason_words(Criterion::DestinationIp, &r, &conn),
            "the chain's 10.0.0.0/8 holds 10.0.0.1, but 10.0.0.0/24 is a longer prefix"
        );
    }
}
