//! Decoding a WasmPlugin / TrafficExtension from its ECDS resource name (DOMAIN.md §6.1).

/// Prefix used by Istio 1.21–1.25 (the misspelling is Istio's).
const PREFIX_1_21: &str = "extenstions.istio.io/wasmplugin/";
/// Prefix used by Istio 1.26–1.29.
const PREFIX_1_26: &str = "extensions.istio.io/wasmplugin/";
/// Prefix used from Istio 1.30 on.
const PREFIX_1_30: &str = "extensions.istio.io/trafficextension/";
/// Suffix of a TrafficExtension that istiod synthesised from a WasmPlugin.
const TRANSLATED_SUFFIX: &str = "~istio-translated-wasmplugin";

/// Which resource asked for a filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PluginKind {
    WasmPlugin,
    TrafficExtension,
}

/// The Istio resource behind an ECDS filter name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PluginRef {
    pub kind: PluginKind,
    pub namespace: String,
    pub name: String,
}

/// Which of Istio's ECDS naming schemes a filter name follows (DOMAIN.md §6.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NamingScheme {
    /// `<ns>.<name>` (1.12–1.20).
    Bare,
    /// `extenstions.istio.io/wasmplugin/<ns>.<name>` (1.21–1.25, Istio's misspelling).
    Extenstions,
    /// `extensions.istio.io/wasmplugin/<ns>.<name>` (1.26–1.29).
    WasmPlugin,
    /// `extensions.istio.io/trafficextension/<ns>.<name>~istio-translated-wasmplugin` (1.30+).
    TranslatedWasmPlugin,
    /// `extensions.istio.io/trafficextension/<ns>.<name>`: a native TrafficExtension (1.30+).
    TrafficExtension,
}

impl NamingScheme {
    /// The Istio releases that name filters this way.
    pub fn istio_versions(self) -> &'static str {
        match self {
            NamingScheme::Bare => "1.12-1.20",
            NamingScheme::Extenstions => "1.21-1.25",
            NamingScheme::WasmPlugin => "1.26-1.29",
            NamingScheme::TranslatedWasmPlugin | NamingScheme::TrafficExtension => "1.30+",
        }
    }
}

impl PluginRef {
    /// Decodes a prefixed name (1.21+), or the bare `<ns>.<name>` form when `bare_allowed`
    /// (1.12–1.20: only for `config_discovery` filters whose type URLs name Wasm).
    /// Both parts must be valid Kubernetes names, or the name is not a plugin's.
    pub fn from_ecds_name(ecds_name: &str, bare_allowed: bool) -> Option<PluginRef> {
        Self::decode(ecds_name, bare_allowed).map(|(plugin, _)| plugin)
    }

    /// Like [`PluginRef::from_ecds_name`], also saying which naming scheme matched (and so
    /// which Istio versions produce such a name).
    pub fn decode(ecds_name: &str, bare_allowed: bool) -> Option<(PluginRef, NamingScheme)> {
        let (rest, kind, scheme) = if let Some(rest) = ecds_name.strip_prefix(PREFIX_1_30) {
            match rest.strip_suffix(TRANSLATED_SUFFIX) {
                Some(r) => (
                    r,
                    PluginKind::WasmPlugin,
                    NamingScheme::TranslatedWasmPlugin,
                ),
                None => (
                    rest,
                    PluginKind::TrafficExtension,
                    NamingScheme::TrafficExtension,
                ),
            }
        } else if let Some(rest) = ecds_name.strip_prefix(PREFIX_1_26) {
            (rest, PluginKind::WasmPlugin, NamingScheme::WasmPlugin)
        } else if let Some(rest) = ecds_name.strip_prefix(PREFIX_1_21) {
            (rest, PluginKind::WasmPlugin, NamingScheme::Extenstions)
        } else if bare_allowed {
            (ecds_name, PluginKind::WasmPlugin, NamingScheme::Bare)
        } else {
            return None;
        };
        // The namespace is a DNS label (no dots); the name may contain dots.
        let (namespace, name) = rest.split_once('.')?;
        (is_dns_label(namespace) && is_dns_subdomain(name)).then(|| {
            let plugin = PluginRef {
                kind,
                namespace: namespace.to_string(),
                name: name.to_string(),
            };
            (plugin, scheme)
        })
    }
}

/// An ECDS filter name shortened for a narrow terminal: the decoded plugin (`ns/name`) for
/// every scheme that carries a prefix; other names (the 1.12 bare `ns.name`, Istio's
/// built-ins) are short already and stay as they are.
pub fn short_ecds_name(ecds_name: &str) -> std::borrow::Cow<'_, str> {
    match PluginRef::from_ecds_name(ecds_name, false) {
        Some(plugin) => plugin.to_string().into(),
        None => ecds_name.into(),
    }
}

impl std::fmt::Display for PluginRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// RFC 1123 label: 1–63 of `[a-z0-9-]`, alphanumeric at both ends.
fn is_dns_label(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 63
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

/// RFC 1123 subdomain: dot-separated labels, at most 253 characters.
fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns_label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_every_scheme() {
        let cases = [
            (
                "default.helloworld",
                true,
                Some((PluginKind::WasmPlugin, "default", "helloworld")),
            ),
            ("default.helloworld", false, None),
            (
                "extenstions.istio.io/wasmplugin/ns.a.b",
                false,
                Some((PluginKind::WasmPlugin, "ns", "a.b")),
            ),
            (
                "extensions.istio.io/wasmplugin/ns.p",
                false,
                Some((PluginKind::WasmPlugin, "ns", "p")),
            ),
            (
                "extensions.istio.io/trafficextension/default.helloworld~istio-translated-wasmplugin",
                false,
                Some((PluginKind::WasmPlugin, "default", "helloworld")),
            ),
            (
                "extensions.istio.io/trafficextension/ns.lua",
                false,
                Some((PluginKind::TrafficExtension, "ns", "lua")),
            ),
            (
                "istio.io/telemetry/stats/prometheus/sidecar/Inbound/HTTP",
                true,
                None,
            ),
            ("Default.x", true, None),
            ("nodot", true, None),
            ("ns.bad~name", true, None),
        ];
        for (input, bare, want) in cases {
            let got = PluginRef::from_ecds_name(input, bare);
            let want = want.map(|(kind, ns, name)| PluginRef {
                kind,
                namespace: ns.into(),
                name: name.into(),
            });
            assert_eq!(got, want, "{input}");
        }
    }

    #[test]
    fn reports_the_version_range_of_each_scheme() {
        let cases = [
            ("default.hw", "1.12-1.20"),
            ("extenstions.istio.io/wasmplugin/default.hw", "1.21-1.25"),
            ("extensions.istio.io/wasmplugin/default.hw", "1.26-1.29"),
            (
                "extensions.istio.io/trafficextension/default.hw~istio-translated-wasmplugin",
                "1.30+",
            ),
            ("extensions.istio.io/trafficextension/default.hw", "1.30+"),
        ];
        for (input, want) in cases {
            let (_, scheme) = PluginRef::decode(input, true).unwrap();
            assert_eq!(scheme.istio_versions(), want, "{input}");
        }
        assert_eq!(
            PluginRef::decode("extensions.istio.io/wasmplugin/default.hw", false)
                .unwrap()
                .1,
            NamingScheme::WasmPlugin
        );
    }
}
