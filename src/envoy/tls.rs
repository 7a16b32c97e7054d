//! `envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext`, as far as meshscope
//! reads it: whether a chain terminates TLS, asks for client certificates, and with which
//! SDS secrets (Istio's mTLS uses `default` and `ROOTCA`, DOMAIN.md §5.3).

use serde::Deserialize;

use crate::envoy::filter_chain::TransportSocket;
use crate::envoy::proto::Str;

/// Transport socket name of Envoy's TLS.
pub const TLS_SOCKET: &str = "envoy.transport_sockets.tls";

/// What a chain's TLS termination looks like.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DownstreamTls {
    pub require_client_certificate: bool,
    /// ALPN offered in the handshake (not matched on).
    pub alpn_protocols: Vec<String>,
    /// `tls_certificate_sds_secret_configs[].name`.
    pub certificate_secrets: Vec<String>,
    /// `combined_validation_context.validation_context_sds_secret_config.name`, or that of
    /// `validation_context_sds_secret_config`.
    pub validation_secret: Option<String>,
}

impl DownstreamTls {
    /// Istio's mutual TLS: client certificates required and Istio's SDS secrets.
    pub fn is_istio_mtls(&self) -> bool {
        self.require_client_certificate
            && self.certificate_secrets.iter().any(|s| s == "default")
            && self.validation_secret.as_deref() == Some("ROOTCA")
    }
}

#[derive(Deserialize)]
struct Fields<'a> {
    #[serde(default, alias = "requireClientCertificate")]
    require_client_certificate: Option<BoolValue>,
    #[serde(borrow, default, alias = "commonTlsContext")]
    common_tls_context: Option<CommonTlsContext<'a>>,
}

/// `google.protobuf.BoolValue`: bare, or `{"value": …}` from some producers.
#[derive(Deserialize)]
#[serde(untagged)]
enum BoolValue {
    Bare(bool),
    Wrapped {
        #[serde(default)]
        value: bool,
    },
}

#[derive(Deserialize)]
struct CommonTlsContext<'a> {
    #[serde(borrow, default, alias = "alpnProtocols")]
    alpn_protocols: Vec<Str<'a>>,
    #[serde(borrow, default, alias = "tlsCertificateSdsSecretConfigs")]
    tls_certificate_sds_secret_configs: Vec<Named<'a>>,
    #[serde(borrow, default, alias = "combinedValidationContext")]
    combined_validation_context: Option<Combined<'a>>,
    #[serde(borrow, default, alias = "validationContextSdsSecretConfig")]
    validation_context_sds_secret_config: Option<Named<'a>>,
}

#[derive(Deserialize)]
struct Combined<'a> {
    #[serde(borrow, default, alias = "validationContextSdsSecretConfig")]
    validation_context_sds_secret_config: Option<Named<'a>>,
}

#[derive(Deserialize)]
struct Named<'a> {
    #[serde(borrow, default)]
    name: Str<'a>,
}

impl TransportSocket<'_> {
    /// The TLS context when this socket terminates TLS; `None` for other sockets, and for
    /// a TLS socket whose config does not decode (it still terminates TLS, see
    /// [`TransportSocket::is_tls`]).
    pub fn downstream_tls(&self) -> Option<DownstreamTls> {
        if !self.is_tls() {
            return None;
        }
        let fields: Fields = serde_json::from_str(self.typed_config?.get()).ok()?;
        let common = fields.common_tls_context;
        let validation_secret = common.as_ref().and_then(|c| {
            c.combined_validation_context
                .as_ref()
                .and_then(|v| v.validation_context_sds_secret_config.as_ref())
                .or(c.validation_context_sds_secret_config.as_ref())
                .map(|n| n.name.to_string())
        });
        Some(DownstreamTls {
            require_client_certificate: matches!(
                fields.require_client_certificate,
                Some(BoolValue::Bare(true) | BoolValue::Wrapped { value: true })
            ),
            alpn_protocols: common
                .as_ref()
                .map(|c| c.alpn_protocols.iter().map(|a| a.to_string()).collect())
                .unwrap_or_default(),
            certificate_secrets: common
                .as_ref()
                .map(|c| {
                    c.tls_certificate_sds_secret_configs
                        .iter()
                        .map(|n| n.name.to_string())
                        .collect()
                })
                .unwrap_or_default(),
            validation_secret,
        })
    }

    /// True for Envoy's TLS transport socket (the chain terminates TLS).
    pub fn is_tls(&self) -> bool {
        self.name == TLS_SOCKET || self.name == "tls"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_istio_mtls_in_both_spellings() {
        let snake = r#"{"name":"envoy.transport_sockets.tls","typed_config":{"@type":"x",
          "common_tls_context":{"alpn_protocols":["h2","http/1.1"],
            "tls_certificate_sds_secret_configs":[{"name":"default"}],
            "combined_validation_context":{"validation_context_sds_secret_config":{"name":"ROOTCA"}}},
          "require_client_certificate":true}}"#;
        let camel = r#"{"name":"envoy.transport_sockets.tls","typedConfig":{"@type":"x",
          "commonTlsContext":{"alpnProtocols":["h2","http/1.1"],
            "tlsCertificateSdsSecretConfigs":[{"name":"default"}],
            "combinedValidationContext":{"validationContextSdsSecretConfig":{"name":"ROOTCA"}}},
          "requireClientCertificate":{"value":true}}}"#;
        for json in [snake, camel] {
            let ts: TransportSocket = serde_json::from_str(json).unwrap();
            let tls = ts.downstream_tls().unwrap();
            assert!(tls.is_istio_mtls(), "{json}");
            assert_eq!(tls.alpn_protocols, ["h2", "http/1.1"]);
        }
        let user: TransportSocket = serde_json::from_str(
            r#"{"name":"envoy.transport_sockets.tls","typed_config":{"common_tls_context":{}}}"#,
        )
        .unwrap();
        assert!(!user.downstream_tls().unwrap().is_istio_mtls());
        let raw: TransportSocket = serde_json::from_str(r#"{"name":"raw_buffer"}"#).unwrap();
        assert_eq!(raw.downstream_tls(), None);
    }
}
