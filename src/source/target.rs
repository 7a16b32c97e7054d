//! Parses a POD argument (`name[.namespace]`, `pod/…`, `deploy/…`, `deployment/…`) into
//! a [`Target`], and the pod rules used to pick one (sidecar, phase, selector). Pure: no
//! I/O; `kube.rs` resolves a target against the cluster.

use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::Error;

/// What a positional POD argument names (CLI.md "Commands", and `diff`'s sides).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Positional {
    /// An existing path, or `-` (stdin): a dump file.
    File(std::path::PathBuf),
    /// A pod or deployment reference, for the cluster.
    Pod(String),
}

/// Kinds a POD argument may name before a `/` (kubectl's spellings).
const KINDS: [&str; 6] = ["pod", "pods", "po", "deploy", "deployment", "deployments"];

/// Classifies a positional argument: an existing path (or `-`) is a file; `kind/name` and
/// plain names are pods; anything else that looks like a file (a `.json`, `.yaml` or
/// `.yml` ending, or a path separator) and does not exist is an error naming it, so that a
/// mistyped path never becomes a cluster lookup.
pub fn positional(arg: &str) -> Result<Positional, Error> {
    let path = std::path::Path::new(arg);
    if arg == "-" || path.exists() {
        return Ok(Positional::File(path.to_path_buf()));
    }
    let has_kind = arg
        .split_once('/')
        .is_some_and(|(kind, rest)| KINDS.contains(&kind) && !rest.contains(['/', '\\']));
    let lower = arg.to_ascii_lowercase();
    let looks_like_file = [".json", ".yaml", ".yml"]
        .iter()
        .any(|e| lower.ends_with(e))
        || arg.contains(['/', '\\']);
    if !has_kind && looks_like_file {
        return Err(Error::NotFound {
            path: arg.to_string(),
        });
    }
    Ok(Positional::Pod(arg.to_string()))
}

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

    /// See: #19. CLI.md: an existing path is a file for every command; one that looks like a
    /// file and does not exist is an error, never a cluster lookup.
    #[test]
    fn positional_arguments_are_files_pods_or_missing_files() {
        let file = |p: &str| Some(Positional::File(p.into()));
        let pod = |p: &str| Some(Positional::Pod(p.into()));
        let positional = |arg: &str| positional(arg).ok();
        assert_eq!(positional("Cargo.toml"), file("Cargo.toml"));
        assert_eq!(positional("testdata/dumps"), file("testdata/dumps"));
        assert_eq!(positional("-"), file("-"));
        assert_eq!(
            positional("httpbin-7d5b9c6f48-qz8vw"),
            pod("httpbin-7d5b9c6f48-qz8vw")
        );
        assert_eq!(positional("httpbin.default"), pod("httpbin.default"));
        assert_eq!(
            positional("deploy/httpbin.default"),
            pod("deploy/httpbin.default")
        );
        assert_eq!(positional("pod/x.json"), pod("pod/x.json"));
        for missing in [
            "nosuch.json",
            "before.YAML",
            "x.yml",
            "dumps/a",
            "./a",
            "a\\b",
            "svc/x/y",
        ] {
            assert!(
                matches!(super::positional(missing), Err(Error::NotFound { path }) if path == missing),
                "{missing}"
            );
        }
    }
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
