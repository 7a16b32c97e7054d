//! RBAC for the test API server, so a test can show that a command needs no more than
//! `deploy/rbac.yaml` grants: each request's attributes as the API server's request-info
//! resolver derives them (verb, API group, resource[/subresource], namespace) are checked
//! against the rules of the Roles and ClusterRoles given, and a request no rule allows gets
//! the API server's 403 `Status`. Discovery (`/api`, `/apis`, a group or group-version)
//! is open to every authenticated user, as `system:discovery` makes it.

use serde::Deserialize;
use serde_json::Value;

/// One rule of a Role or ClusterRole (`rbac.authorization.k8s.io/v1` `PolicyRule`).
#[derive(Debug, Clone, Deserialize)]
pub struct PolicyRule {
    #[serde(rename = "apiGroups", default)]
    pub api_groups: Vec<String>,
    #[serde(default)]
    pub resources: Vec<String>,
    #[serde(default)]
    pub verbs: Vec<String>,
}

impl PolicyRule {
    fn allows(&self, a: &Attributes) -> bool {
        let any = |list: &[String], want: &str| list.iter().any(|x| x == "*" || x == want);
        any(&self.api_groups, &a.group)
            && any(&self.resources, &a.resource)
            && any(&self.verbs, a.verb)
    }
}

/// Rules granted to the test user: each bound in one namespace (a Role and its
/// RoleBinding) or cluster-wide (a ClusterRole and its ClusterRoleBinding).
#[derive(Debug, Clone, Default)]
pub struct Rbac {
    pub grants: Vec<(Option<String>, PolicyRule)>,
}

impl Rbac {
    /// The rules of the Role or ClusterRole named `name` in a multi-document manifest; a
    /// Role's rules hold in its own namespace only.
    pub fn from_manifest(text: &str, kind: &str, name: &str) -> Rbac {
        let docs: Vec<Value> = serde_saphyr::from_multiple(text).unwrap();
        let role = docs
            .iter()
            .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
            .unwrap_or_else(|| panic!("no {kind} {name} in the manifest"));
        let namespace = match kind {
            "Role" => Some(role["metadata"]["namespace"].as_str().unwrap().to_string()),
            _ => None,
        };
        let rules: Vec<PolicyRule> = serde_json::from_value(role["rules"].clone()).unwrap();
        Rbac {
            grants: rules.into_iter().map(|r| (namespace.clone(), r)).collect(),
        }
    }

    /// Both grants.
    pub fn and(mut self, other: Rbac) -> Rbac {
        self.grants.extend(other.grants);
        self
    }

    /// `Some(message)` of the API server's 403 when no grant allows the request.
    pub fn deny(&self, method: &str, segments: &[&str], query: &str) -> Option<String> {
        let a = attributes(method, segments, query)?;
        let allowed = self.grants.iter().any(|(ns, rule)| {
            (ns.is_none() || ns.as_deref() == a.namespace.as_deref()) && rule.allows(&a)
        });
        if allowed {
            return None;
        }
        let (plural, sub) = a
            .resource
            .split_once('/')
            .map_or((a.resource.as_str(), None), |(r, s)| (r, Some(s)));
        let qualified = if a.group.is_empty() {
            plural.to_string()
        } else {
            format!("{plural}.{}", a.group)
        };
        let object = match &a.name {
            Some(n) => format!("{qualified} \"{n}\""),
            None => qualified,
        };
        let resource = match sub {
            Some(s) => format!("{plural}/{s}"),
            None => plural.to_string(),
        };
        let scope = match &a.namespace {
            Some(ns) => format!("in the namespace \"{ns}\""),
            None => "at the cluster scope".to_string(),
        };
        Some(format!(
            "{object} is forbidden: User \"meshscope-test-user\" cannot {} resource \"{resource}\" in API group \"{}\" {scope}",
            a.verb, a.group
        ))
    }
}

/// What the API server authorizes a resource request as.
#[derive(Debug)]
struct Attributes {
    verb: &'static str,
    group: String,
    /// `pods`, or `pods/portforward` for a subresource.
    resource: String,
    namespace: Option<String>,
    name: Option<String>,
}

/// The request-info resolver's reading of a path; `None` for discovery.
fn attributes(method: &str, segments: &[&str], query: &str) -> Option<Attributes> {
    let (group, rest) = match segments {
        ["api", _version, rest @ ..] => ("", rest),
        ["apis", group, _version, rest @ ..] => (*group, rest),
        _ => return None,
    };
    let (namespace, rest) = match rest {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(ns.to_string()), rest),
        rest => (None, rest),
    };
    let (resource, name, sub) = match rest {
        [] => return None,
        [resource] => (*resource, None, None),
        [resource, name] => (*resource, Some(name.to_string()), None),
        [resource, name, sub, ..] => (*resource, Some(name.to_string()), Some(*sub)),
    };
    // A port-forward is a GET upgrade; the API server checks `create` on it, as on
    // kubectl's SPDY POST (rbac.yaml also grants `get`, which older servers checked).
    let verb = match (method, name.is_some()) {
        _ if sub.is_some() => "create",
        ("GET", true) => "get",
        ("GET", false) if query.contains("watch=true") || query.contains("watch=1") => "watch",
        ("GET", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        _ => "unknown",
    };
    Some(Attributes {
        verb,
        group: group.to_string(),
        resource: match sub {
            Some(s) => format!("{resource}/{s}"),
            None => resource.to_string(),
        },
        namespace,
        name,
    })
}
