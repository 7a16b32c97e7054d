//! What `proxy-config bootstrap -o short` and the head of `proxy-config all` show: the
//! Istio and Envoy versions of the bootstrap (istio/istio
//! `istioctl/pkg/writer/envoy/configdump/configdump.go` `PrintBootstrapSummary`,
//! `getIstioVersionInfo`, `getUserAgentVersionInfo`, at 1.30.3).

use serde_json::{Map, Value};

use crate::envoy::bootstrap::BootstrapVersions;

/// The summary's lines; a `None` (or empty) line is not printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSummary {
    pub istio_version: String,
    pub istio_proxy_sha: String,
    /// Always set: `major.minor.patch` (0.0.0 without a build version) and the metadata.
    pub envoy_version: String,
}

/// Go's `Value.GetStringValue()`: the string, or empty for any other kind.
fn string_value<'m>(md: Option<&'m Map<String, Value>>, key: &str) -> Option<&'m str> {
    md?.get(key).map(|v| v.as_str().unwrap_or_default())
}

/// The three lines istioctl derives from the bootstrap.
pub fn version_summary(b: &BootstrapVersions) -> VersionSummary {
    let node = b.node.as_ref();
    let md = node.and_then(|n| n.metadata.as_ref());
    let istio_version = string_value(md, "ISTIO_VERSION").unwrap_or_default();
    // `getIstioVersionInfo`: a SHA written `name:sha` is cut to its second part.
    let sha = string_value(md, "ISTIO_PROXY_SHA").unwrap_or_default();
    let parts: Vec<&str> = sha.split(':').collect();
    let istio_proxy_sha = if parts.len() > 1 { parts[1] } else { sha };

    let build = node.and_then(|n| n.user_agent_build_version.as_ref());
    let v = build.and_then(|b| b.version).unwrap_or_default();
    let mut envoy_version = format!("{}.{}.{}", v.major_number, v.minor_number, v.patch);
    let build_md = build.and_then(|b| b.metadata.as_ref());
    for (key, sep) in [
        ("build.label", "-"),
        ("revision.status", "/"),
        ("build.type", "/"),
        ("ssl.version", "/"),
    ] {
        if let Some(value) = string_value(build_md, key) {
            envoy_version.push_str(sep);
            envoy_version.push_str(value);
        }
    }
    VersionSummary {
        istio_version: istio_version.to_string(),
        istio_proxy_sha: istio_proxy_sha.to_string(),
        envoy_version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Follows `getUserAgentVersionInfo` and `getIstioVersionInfo`.
    #[test]
    fn versions_as_istioctl_words_them() {
        let b: BootstrapVersions = serde_json::from_str(
            r#"{"node": {"metadata": {"ISTIO_VERSION": "1.30.0", "ISTIO_PROXY_SHA": "istio-proxy:abc"},
               "userAgentBuildVersion": {"version": {"majorNumber": 1, "minor_number": 36, "patch": 2},
               "metadata": {"ssl.version": "BoringSSL", "build.type": "RELEASE", "revision.status": "Clean", "build.label": "dev"}}}}"#,
        )
        .unwrap();
        assert_eq!(
            version_summary(&b),
            VersionSummary {
                istio_version: "1.30.0".into(),
                istio_proxy_sha: "abc".into(),
                envoy_version: "1.36.2-dev/Clean/RELEASE/BoringSSL".into(),
            }
        );
        let empty = version_summary(&BootstrapVersions::default());
        assert_eq!(empty.envoy_version, "0.0.0");
        assert_eq!(empty.istio_version, "");
    }
}
