//! Which Envoy filter list a plugin's filter lands in, as far as a manifest says: two plugins
//! can only be ordered against each other (phase, priority) when istiod puts them into the
//! same list (DOMAIN.md §6.3–6.4): the same kind of filter (HTTP filters in the HTTP
//! connection manager, NETWORK filters in the chain's network filters), the same listener
//! class (`match[].mode`: CLIENT is outbound, SERVER inbound), and the same proxies (a
//! selector reaches sidecars and classic gateways, a targetRef the Gateway or the Service's
//! waypoint it names).

use std::collections::BTreeSet;

use crate::istio::manifest::Resource;
use crate::istio::yaml_tree::Node;
use crate::lint::context::match_labels;

/// The label istiod puts on a Gateway API gateway's pods (the Gateway's name).
const GATEWAY_NAME_LABEL: &str = "gateway.networking.k8s.io/gateway-name";

/// Where a plugin's filter goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Landing {
    /// `type: NETWORK` (a network filter) rather than HTTP (`UNSPECIFIED_PLUGIN_TYPE`, HTTP).
    network: bool,
    /// Outbound (CLIENT) listeners.
    client: bool,
    /// Inbound (SERVER) listeners.
    server: bool,
    /// `targetRef(s)` as (group, kind, name), core group as ""; empty: selector-based.
    refs: BTreeSet<(String, String, String)>,
}

impl Landing {
    /// Reads a plugin: `spec` holds placement (selector, targetRefs, match), `module` the
    /// module fields (`type`; a TrafficExtension's `wasm`).
    pub fn of(spec: &Node, module: &Node) -> Landing {
        let network = module.get("type").is_some_and(|t| t.display() == "NETWORK");
        let (mut client, mut server) = (false, false);
        let entries = spec.get("match").map(Node::items).unwrap_or_default();
        if entries.is_empty() {
            (client, server) = (true, true);
        }
        // `matchMode` (pilot/pkg/model/extensions.go): UNDEFINED and
        // CLIENT_AND_SERVER take both classes; an entry without mode is UNDEFINED.
        for m in entries {
            match m.get("mode").map(|v| v.display().into_owned()).as_deref() {
                Some("CLIENT") => client = true,
                Some("SERVER") => server = true,
                _ => (client, server) = (true, true),
            }
        }
        let mut refs = BTreeSet::new();
        let mut add = |r: &Node| {
            let text = |k: &str| {
                r.get(k)
                    .map(|n| n.display().into_owned())
                    .unwrap_or_default()
            };
            let group = match text("group").as_str() {
                "core" => String::new(),
                g => g.to_string(),
            };
            refs.insert((group, text("kind"), text("name")));
        };
        // `GetTargetRefs`: `targetRefs`, else `targetRef`; never both.
        let list = spec.get("targetRefs").map(Node::items).unwrap_or_default();
        if list.is_empty()
            && let Some(r) = spec.get("targetRef").filter(|r| !r.is_null())
        {
            add(r);
        }
        for r in list {
            add(r);
        }
        Landing {
            network,
            client,
            server,
            refs,
        }
    }

    /// Whether the two can land in one filter list. `same_workloads` decides for two
    /// selector-based plugins (their selectors meet on some workload); `is_waypoint` says
    /// whether the Gateway `(namespace, name)` is a waypoint (`gatewayClassName:
    /// istio-waypoint`), `None` when the input does not hold it.
    pub fn may_share(
        &self,
        mine: (&Resource, &Node),
        other: &Landing,
        theirs: (&Resource, &Node),
        same_workloads: impl FnOnce() -> bool,
        is_waypoint: impl Fn(&str, &str) -> Option<bool>,
    ) -> bool {
        if self.network != other.network
            || !(self.client && other.client || self.server && other.server)
        {
            return false;
        }
        let both_client = self.client && other.client;
        match (self.refs.is_empty(), other.refs.is_empty()) {
            (true, true) => same_workloads(),
            (false, false) => self.refs.iter().any(|r| {
                // A GatewayClass is cluster-scoped; every other kind is namespaced.
                other.refs.contains(r)
                    && (r.1 == "GatewayClass" || mine.0.namespace == theirs.0.namespace)
                    && self.classes_meet(other, ref_class(r, &mine.0.namespace, &is_waypoint))
            }),
            // A selector reaching a Gateway-API gateway: its chains are CLIENT class, and a
            // waypoint never takes a selector plugin.
            (false, true) => {
                both_client && selects_gateway(theirs, mine.0, &self.refs, &is_waypoint)
            }
            (true, false) => {
                both_client && selects_gateway(mine, theirs.0, &other.refs, &is_waypoint)
            }
        }
    }

    /// Whether both take the listener class `class` (`None`: either class will do).
    fn classes_meet(&self, other: &Landing, class: Option<ListenerClass>) -> bool {
        match class {
            Some(ListenerClass::Client) => self.client && other.client,
            Some(ListenerClass::Server) => self.server && other.server,
            None => true,
        }
    }
}

/// The listener class (`matchMode`'s) of the chains a targetRef reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListenerClass {
    Client,
    Server,
}

/// Gateway chains are CLIENT class and waypoint chains SERVER (`listener_waypoint.go`
/// builds them as `ListenerClassSidecarInbound`). Service, ServiceEntry and GatewayClass refs
/// reach waypoints only; a Gateway ref reaches a waypoint when that Gateway is one, which only
/// the Gateway's manifest says (`None` without it).
fn ref_class(
    r: &(String, String, String),
    namespace: &str,
    is_waypoint: impl Fn(&str, &str) -> Option<bool>,
) -> Option<ListenerClass> {
    match r.1.as_str() {
        "Gateway" => is_waypoint(namespace, &r.2).map(|waypoint| {
            if waypoint {
                ListenerClass::Server
            } else {
                ListenerClass::Client
            }
        }),
        _ => Some(ListenerClass::Server),
    }
}

/// A selector plugin reaches a Gateway API gateway's pods when it selects them by the
/// gateway-name label in the Gateway's namespace (what IST0166 warns about), unless that
/// Gateway is a waypoint (`ShouldAttachPolicy`: waypoints never use the selector).
fn selects_gateway(
    selector: (&Resource, &Node),
    target: &Resource,
    refs: &BTreeSet<(String, String, String)>,
    is_waypoint: impl Fn(&str, &str) -> Option<bool>,
) -> bool {
    let labels = match_labels(selector.1);
    let Some(name) = labels.get(GATEWAY_NAME_LABEL) else {
        return false;
    };
    selector.0.namespace == target.namespace
        && is_waypoint(&target.namespace, name) != Some(true)
        && refs.iter().any(|(group, kind, n)| {
            group == "gateway.networking.k8s.io" && kind == "Gateway" && n == name
        })
}

/// One `targetRef`/`targetRefs[]` entry, core group as "".
#[derive(Debug, Clone)]
pub struct TargetRef<'a> {
    pub group: String,
    pub kind: String,
    pub name: String,
    /// The reference's node, for the finding's position.
    pub node: &'a Node,
}

impl TargetRef<'_> {
    /// A reference istiod matches only on waypoints (`ShouldAttachPolicy`,
    /// pilot/pkg/model/policyattachment.go): a Service, a ServiceEntry, or a GatewayClass.
    pub fn binds_waypoints(&self) -> bool {
        matches!(
            (self.group.as_str(), self.kind.as_str()),
            ("", "Service")
                | ("networking.istio.io", "ServiceEntry")
                | ("gateway.networking.k8s.io", "GatewayClass")
        )
    }
}

/// Every target reference istiod reads (`GetTargetRefs`): `targetRefs`, else `targetRef`.
pub fn target_refs(spec: &Node) -> Vec<TargetRef<'_>> {
    let list = spec.get("targetRefs").map(Node::items).unwrap_or_default();
    let single = spec
        .get("targetRef")
        .filter(|r| !r.is_null() && list.is_empty());
    single
        .into_iter()
        .chain(list)
        .map(|node| {
            let text = |k: &str| {
                node.get(k)
                    .map(|n| n.display().into_owned())
                    .unwrap_or_default()
            };
            let group = match text("group").as_str() {
                "core" => String::new(),
                g => g.to_string(),
            };
            TargetRef {
                group,
                kind: text("kind"),
                name: text("name"),
                node,
            }
        })
        .collect()
}

/// A plugin whose every reference binds waypoints only (none: not waypoint-bound).
pub fn waypoint_bound(spec: &Node) -> bool {
    let refs = target_refs(spec);
    !refs.is_empty() && refs.iter().all(TargetRef::binds_waypoints)
}

/// The first `match[]` entry's `pick` when every entry has one; `None` without entries or
/// when one entry lacks it (that entry applies more widely, so the plugin is not held back).
pub fn every_match_entry<'n>(
    spec: &'n Node,
    pick: impl Fn(&'n Node) -> Option<&'n Node>,
) -> Option<&'n Node> {
    let entries = spec.get("match").map(Node::items).unwrap_or_default();
    let picked: Vec<&Node> = entries.iter().filter_map(pick).collect();
    (!entries.is_empty() && picked.len() == entries.len()).then(|| picked[0])
}

/// `pick` for [`every_match_entry`]: an entry whose `mode` is `mode`.
pub fn mode_is(mode: &'static str) -> impl Fn(&Node) -> Option<&Node> {
    move |m| m.get("mode").filter(|v| v.display() == mode)
}
