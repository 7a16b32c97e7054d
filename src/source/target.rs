//! Parses a POD argument (`name[.namespace]`, `pod/…`, `deploy/…`, `deployment/…`) into
//! a [`Target`]. Pure: no I/O; `kube.rs` resolves a target against the cluster.

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

#[cfg(test)]
mod tests {
    use super::*;

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
