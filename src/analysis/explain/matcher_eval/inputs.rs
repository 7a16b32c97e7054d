//! What a matcher reads from the connection (the network inputs) and how a single
//! predicate compares it: `StringMatcher` (with `safe_regex`) and the IP input matcher
//! (DOMAIN.md §2.4).

use std::net::IpAddr;

use crate::analysis::explain::chain_select::Connection;
use crate::analysis::explain::request::header_match::{
    Eval, StringKind, string_match, string_rule,
};
use crate::envoy::matcher::{InputMatcher, StringMatcher, TypedExtensionConfig};

/// The `@type` of `envoy.matching.input_matchers.ip`.
const IP_INPUT_MATCHER: &str = "envoy.extensions.matching.input_matchers.ip.v3.Ip";

/// The value an input yields for the connection; `None` = no data. `Err` names an input
/// this simulation cannot supply.
pub fn input_value(
    input: &TypedExtensionConfig<'_>,
    conn: &Connection,
) -> Result<Option<String>, String> {
    let type_url = input.type_url();
    let short = type_url.rsplit('.').next().unwrap_or_default();
    // Istio names its inputs (pilot/pkg/networking/core/match/match.go); the type decides.
    let kind = if short.is_empty() {
        input.name.as_ref()
    } else {
        short
    };
    Ok(match kind {
        "DestinationIPInput" | "ip" => Some(conn.dst_ip.to_string()),
        "DestinationPortInput" | "port" => Some(conn.dst_port.to_string()),
        "SourceIPInput" | "source-ip" => Some(conn.src_ip.to_string()),
        "SourcePortInput" | "source-port" => Some(conn.src_port.to_string()),
        "DirectSourceIPInput" => Some(conn.direct_src_ip.to_string()),
        "SourceTypeInput" => conn.src_local.then(|| "local".to_string()),
        // DOMAIN.md §2.4: Envoy stores the requested server name lower-cased
        // (`ConnectionSocketImpl::setRequestedServerName`, envoyproxy/envoy#14793, before
        // `filter_chain_matcher` existed), and `ServerNameInput` reads that stored value.
        "ServerNameInput" | "sni" => conn
            .server_name
            .as_deref()
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_lowercase),
        "TransportProtocolInput" | "transport-protocol" => Some(conn.transport.clone()),
        "ApplicationProtocolInput" | "application-protocol" => (!conn.alpn.is_empty()).then(|| {
            let quoted: Vec<String> = conn.alpn.iter().map(|a| format!("'{a}'")).collect();
            quoted.join(",")
        }),
        // The filter state under the input's key (Istio's multi-network waypoints read
        // `io.istio.connect_authority`); none when the connection carries no such state.
        "FilterStateInput" | "authority-filter-state" | "request-source-filter-state" => {
            let key = input.typed_config.as_ref().and_then(|t| t.key.as_deref());
            let Some(key) = key else {
                return Err("filter state input without a key".to_string());
            };
            conn.filter_state
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        }
        other => {
            return Err(if other.is_empty() {
                "unnamed input".to_string()
            } else {
                other.to_string()
            });
        }
    })
}

/// Why a predicate could not be decided here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undecided {
    /// A `safe_regex` the `regex` crate does not accept (RE2 syntax it lacks).
    Regex(String),
    /// An input matcher other than the IP one.
    InputMatcher(String),
}

/// `xds.type.matcher.v3.StringMatcher` against `value` (DOMAIN.md §2.4): Envoy's
/// `StringMatcherImpl::match`, the one evaluation `explain --request` uses too
/// (`header_match::string_match`; `safe_regex` is RE2's full match). An extension matcher
/// (`custom`) runs code meshscope does not have: undecided, never a guess. A matcher with no
/// specifier (Envoy's validation refuses it) matches nothing.
pub fn string_matches(sm: &StringMatcher<'_>, value: &str) -> Result<bool, Undecided> {
    let rule = string_rule(sm);
    let compared = match rule.kind {
        StringKind::Custom => return Err(Undecided::InputMatcher(custom_name(sm))),
        StringKind::Exact => sm.exact.is_some(),
        _ => true,
    };
    if !compared {
        return Ok(false);
    }
    match string_match(&rule, value) {
        Eval::Holds => Ok(true),
        Eval::Fails => Ok(false),
        Eval::Undecidable => Err(Undecided::Regex(rule.value)),
    }
}

/// The extension a `StringMatcher.custom` names (`TypedExtensionConfig.name`, else its
/// type), for the "not simulated" list.
fn custom_name(sm: &StringMatcher<'_>) -> String {
    let config: Option<serde_json::Value> = sm
        .custom
        .and_then(|raw| serde_json::from_str(raw.get()).ok());
    let field = |v: &serde_json::Value, path: &str| {
        v.pointer(path)
            .and_then(serde_json::Value::as_str)
            .map(str::to_string)
    };
    config
        .and_then(|v| field(&v, "/name").or_else(|| field(&v, "/typed_config/@type")))
        .filter(|n| !n.is_empty())
        .map_or_else(
            || "a custom string matcher".to_string(),
            |n| format!("custom string matcher {n}"),
        )
}

/// A single predicate's `custom_match` against `value` (`None`: the input had no data).
pub fn input_matcher_matches(m: &InputMatcher<'_>, value: Option<&str>) -> Result<bool, Undecided> {
    let config = &m.typed_config;
    if !config.type_url.ends_with(IP_INPUT_MATCHER) {
        let name = if config.type_url.is_empty() {
            m.name.to_string()
        } else {
            config.type_url.to_string()
        };
        return Err(Undecided::InputMatcher(name));
    }
    // source/extensions/matching/input_matchers/ip/matcher.cc `Matcher::match`: no data or
    // a value that is not an IP address does not match (the latter counts
    // `ip_parsing_failed`); otherwise the address must lie in one of `cidr_ranges`.
    let Some(ip) = value.and_then(|v| v.parse::<IpAddr>().ok()) else {
        return Ok(false);
    };
    Ok(config
        .cidr_ranges
        .iter()
        .filter_map(|r| r.cidr())
        .any(|c| c.contains(ip)))
}
