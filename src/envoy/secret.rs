//! `envoy.extensions.transport_sockets.tls.v3.Secret`, as far as istioctl's
//! `proxy-config secret` reads it: the certificate chain, the trusted CA and SPIFFE trust
//! bundles. Key material (`private_key`, `password`, generic secrets) is deliberately not
//! in this model, so no command can print it from here.

use serde::Deserialize;

use crate::envoy::proto::Str;

/// A secret of the dump.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Secret<'a> {
    #[serde(borrow, default, alias = "tlsCertificate")]
    pub tls_certificate: Option<TlsCertificate<'a>>,
    #[serde(borrow, default, alias = "validationContext")]
    pub validation_context: Option<ValidationContext<'a>>,
}

/// `TlsCertificate`: only its public certificate chain.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TlsCertificate<'a> {
    #[serde(borrow, default, alias = "certificateChain")]
    pub certificate_chain: Option<DataSource<'a>>,
}

/// `CertificateValidationContext`: the trusted CA, or a custom validator.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ValidationContext<'a> {
    #[serde(borrow, default, alias = "trustedCa")]
    pub trusted_ca: Option<DataSource<'a>>,
    #[serde(borrow, default, alias = "customValidatorConfig")]
    pub custom_validator_config: Option<CustomValidator<'a>>,
}

/// `TypedExtensionConfig` of a custom validator; its config is read only when it is a
/// `SPIFFECertValidatorConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CustomValidator<'a> {
    #[serde(borrow, default, alias = "typedConfig")]
    pub typed_config: Option<SpiffeValidatorConfig<'a>>,
}

/// The type URL istioctl's `parseTrustBundles` looks for.
pub const SPIFFE_VALIDATOR_TYPE: &str =
    "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.SPIFFECertValidatorConfig";

/// `SPIFFECertValidatorConfig` (with the `Any`'s `@type`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SpiffeValidatorConfig<'a> {
    #[serde(borrow, default, rename = "@type")]
    pub type_url: Str<'a>,
    #[serde(borrow, default, alias = "trustDomains")]
    pub trust_domains: Vec<TrustDomain<'a>>,
}

/// One trust domain and its bundle.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TrustDomain<'a> {
    #[serde(borrow, default)]
    pub name: Str<'a>,
    #[serde(borrow, default, alias = "trustBundle")]
    pub trust_bundle: Option<DataSource<'a>>,
}

/// `envoy.config.core.v3.DataSource`; istioctl reads only `inline_bytes` (base64 in JSON).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DataSource<'a> {
    #[serde(borrow, default, alias = "inlineBytes")]
    pub inline_bytes: Option<Str<'a>>,
}
