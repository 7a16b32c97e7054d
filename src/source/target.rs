//! Parses a POD argument (`name[.namespace]`, `pod/…`, `deploy/…`, `deployment/…`) into
//! a [`Target`], and the pod rules used to pick one (sidecar, phase, selector). Pure: no
//! I/O; `kube.rs` resolves a target against the cluster.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::Error;

/// What kind of object a POD argument names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    /// A pod, by name.
    Pod,
    /// A deployment: its first running pod is read (istioctl's rule).
    Deployment,
}

/// A parsed POD argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Pod or deployment.
    pub kind: TargetKind,
    /// The object's name.
    pub name: String,
    /// The namespace given as `name.namespace`, if any.
    pub namespace: Option<String>,
}

impl Target {
    /// Parses `reference`. As istioctl, the namespace is whatever follows the first dot.
    pub fn parse(reference: &str) -> Result<Target, Error> {
        let (kind, rest) = match reference.split_once('/') {
            None => (TargetKind::Pod, reference),
            Some(("pod" | "pods" | "po", rest)) => (TargetKind::Pod, rest),
            Some(("deploy" | "deployment" | "deployments", rest)) => (TargetKind::Deployment, rest),
            Some((other, _)) => {
                return Err(Error::BadTarget {
                    target: reference.to_string(),
                    reason: format!("unsupported kind \"{other}\" (use pod/ or deploy/)"),
                });
            }
        };
        let (name, namespace) = match rest.split_once('.') {
            Some((name, ns)) => (name, Some(ns)),
            None => (rest, None),
        };
        if name.is_empty() || namespace.is_some_and(str::is_empty) || rest.contains('/') {
            return Err(Error::BadTarget {
                target: reference.to_string(),
                reason: "expected name[.namespace]".to_string(),
            });
        }
        Ok(Target {
            kind,
            name: name.to_string(),
            namespace: namespace.map(str::to_string),
        })
    }
}

/// The sidecar container meshscope reads.
const SIDECAR: &str = "istio-proxy";

/// Whether the pod runs `istio-proxy`, as a container or as a native sidecar (an init
/// container, Istio's `ENABLE_NATIVE_SIDECARS`).
pub fn has_sidecar(pod: &Pod) -> bool {
    pod.spec.as_ref().is_some_and(|s| {
        s.containers.iter().any(|c| c.name == SIDECAR)
            || s.init_containers
                .iter()
                .flatten()
                .any(|c| c.name == SIDECAR)
    })
}

/// Whether the pod's phase is `Running`.
pub fn is_running(pod: &Pod) -> bool {
    pod.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
}

/// A label selector in the `-l` syntax the API takes.
pub fn selector_string(selector: &LabelSelector) -> String {
    let mut parts: Vec<String> = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in selector.match_expressions.iter().flatten() {
        let values = e.values.clone().unwrap_or_default().join(",");
        parts.push(match e.operator.as_str() {
            "In" => format!("{} in ({values})", e.key),
            "NotIn" => format!("{} notin ({values})", e.key),
            "DoesNotExist" => format!("!{}", e.key),
            _ => e.key.clone(),
        });
    }
    parts.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    #[test]
    fn selectors_render_as_kubectl_takes_them() {
        let selector = LabelSelector {
            match_labels: Some([("app".to_string(), "httpbin".to_string())].into()),
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: "In".into(),
                values: Some(vec!["a".into(), "b".into()]),
            }]),
        };
        assert_eq!(selector_string(&selector), "app=httpbin,tier in (a,b)");
    }

    #[test]
    fn parses_the_istioctl_forms() {
        let cases: [(&str, TargetKind, &str, Option<&str>); 6] = [
            ("httpbin-xxx", TargetKind::Pod, "httpbin-xxx", None),
            (
                "httpbin-xxx.default",
                TargetKind::Pod,
                "httpbin-xxx",
                Some("default"),
            ),
            (
                "pod/httpbin-xxx.ns",
                TargetKind::Pod,
                "httpbin-xxx",
                Some("ns"),
            ),
            ("deploy/httpbin", TargetKind::Deployment, "httpbin", None),
            (
                "deployment/httpbin.a",
                TargetKind::Deployment,
                "httpbin",
                Some("a"),
            ),
            ("deployments/h", TargetKind::Deployment, "h", None),
        ];
        for (input, kind, name, ns) in cases {
            let t = Target::parse(input).unwrap();
            assert_eq!(
                (t.kind, t.name.as_str(), t.namespace.as_deref()),
                (kind, name, ns),
                "{input}"
            );
        }
    }

    #[test]
    fn rejects_bad_forms() {
        for input in ["", "svc/x", "pod/", "x.", "deploy/a/b", ".ns"] {
            assert!(Target::parse(input).is_err(), "{input}");
        }
    }
}
