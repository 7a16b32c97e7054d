//! What `proxy-config secret` shows: istioctl's certificate summaries of the secrets
//! section (istio/istio `istioctl/pkg/writer/compare/sds/util.go` `GetEnvoySecrets`,
//! `parseDynamicSecret`, `secretMetaFromCert`, `parseTrustBundles`, at 1.30.3). Only public
//! certificates are read; the model holds no key material (`envoy::secret`).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};

use crate::envoy::secret::{SPIFFE_VALIDATOR_TYPE, Secret};

pub mod redact;
pub mod time_text;

/// Where a secret is in Envoy's life cycle, as istioctl names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretState {
    Warming,
    Active,
}

/// What the certificate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertKind {
    /// A CA certificate (basic constraints `CA:TRUE`).
    Ca,
    /// A leaf certificate chain.
    CertChain,
}

/// What was read of the first certificate, when it parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertSummary {
    pub kind: CertKind,
    /// The serial number in lower-case hex, zero-padded to 32 digits (Go `%032x`).
    pub serial: String,
    /// Unix seconds.
    pub not_before: i64,
    pub not_after: i64,
    /// Whether `now` is strictly between `not_before` and `not_after`.
    pub valid: bool,
}

/// One row of istioctl's secret table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretRow {
    pub name: String,
    pub state: SecretState,
    /// `None` when there was no certificate, or it did not parse (istioctl then shows
    /// `false` and empty cells).
    pub cert: Option<CertSummary>,
    /// The SPIFFE trust domain: the validator's, else the certificate's `spiffe://` SAN.
    pub trust_domain: String,
}

/// One secret of the dump, as the command hands it over.
pub struct SecretInput<'s, 'a> {
    pub name: &'s str,
    pub state: SecretState,
    pub secret: Option<&'s Secret<'a>>,
}

/// `parseDynamicSecret`: the certificate chain, else the trusted CA, else one row per
/// SPIFFE trust domain; `now` is Unix seconds (istioctl's `time.Now()`).
pub fn secret_rows(input: &SecretInput<'_, '_>, now: i64) -> Vec<SecretRow> {
    let row = |data: Option<Vec<u8>>, trust_domain: String| {
        let parsed = data.as_deref().and_then(|d| read_cert(d, now));
        let trust_domain = match (&parsed, trust_domain.is_empty()) {
            (Some((_, san_domain)), true) => san_domain.clone(),
            _ => trust_domain,
        };
        SecretRow {
            name: input.name.to_string(),
            state: input.state,
            cert: parsed.map(|(c, _)| c),
            trust_domain,
        }
    };
    let Some(secret) = input.secret else {
        return vec![row(None, String::new())];
    };
    let chain = secret
        .tls_certificate
        .as_ref()
        .and_then(|t| t.certificate_chain.as_ref())
        .and_then(|d| d.inline_bytes.as_deref())
        .map(decode_bytes)
        .filter(|b| !b.is_empty());
    let validation = secret.validation_context.as_ref();
    let ca = validation
        .and_then(|v| v.trusted_ca.as_ref())
        .and_then(|d| d.inline_bytes.as_deref())
        .map(decode_bytes)
        .filter(|b| !b.is_empty());
    if let Some(data) = chain.or(ca) {
        return vec![row(Some(data), String::new())];
    }
    let spiffe = validation
        .and_then(|v| v.custom_validator_config.as_ref())
        .and_then(|c| c.typed_config.as_ref())
        .filter(|t| t.type_url == SPIFFE_VALIDATOR_TYPE);
    match spiffe {
        Some(config) => config
            .trust_domains
            .iter()
            .map(|td| {
                let bundle = td
                    .trust_bundle
                    .as_ref()
                    .and_then(|d| d.inline_bytes.as_deref())
                    .map(decode_bytes);
                row(bundle, td.name.to_string())
            })
            .collect(),
        None => vec![row(None, String::new())],
    }
}

/// protojson's `bytes`: standard or URL-safe base64, padded or not. Text that is none of
/// these gives no bytes, so no certificate.
fn decode_bytes(text: &str) -> Vec<u8> {
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .unwrap_or_default()
}

/// `secretMetaFromCert`: the first PEM block parsed as an X.509 certificate, and the host
/// of its last `spiffe://` URI SAN.
fn read_cert(pem_text: &[u8], now: i64) -> Option<(CertSummary, String)> {
    let der = first_pem_block(pem_text)?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).ok()?;
    let not_before = cert.validity().not_before.timestamp();
    let not_after = cert.validity().not_after.timestamp();
    let kind = if cert.is_ca() {
        CertKind::Ca
    } else {
        CertKind::CertChain
    };
    let mut trust_domain = String::new();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::URI(uri) = name
                && let Some(rest) = strip_scheme(uri, "spiffe")
            {
                trust_domain = uri_host(rest).to_string();
            }
        }
    }
    Some((
        CertSummary {
            kind,
            serial: serial_hex(cert.raw_serial()),
            not_before,
            not_after,
            valid: now > not_before && now < not_after,
        },
        trust_domain,
    ))
}

/// Go's `fmt.Sprintf("%032x", cert.SerialNumber)`: the number in hex without leading
/// zeros (DER adds a zero byte to keep it positive), then zero-padded to 32 digits.
fn serial_hex(der: &[u8]) -> String {
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    let digits = hex.trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    format!("{digits:0>32}")
}

/// Go's `pem.Decode`: the first `-----BEGIN …-----` block, whatever its type, base64
/// decoded; text before it is skipped.
fn first_pem_block(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let start = text.find("-----BEGIN ")?;
    let after_begin = &text[start..];
    let body_start = after_begin.find('\n')? + 1;
    let body = &after_begin[body_start..];
    let end = body.find("-----END ")?;
    let b64: String = body[..end]
        .lines()
        .filter(|l| !l.contains(':'))
        .flat_map(|l| l.trim().chars())
        .collect();
    STANDARD.decode(b64).ok()
}

/// Go's `url.Parse` scheme test, case-insensitive as Go lower-cases the scheme.
fn strip_scheme<'u>(uri: &'u str, scheme: &str) -> Option<&'u str> {
    let (s, rest) = uri.split_once(':')?;
    s.eq_ignore_ascii_case(scheme).then_some(rest)
}

/// The host of `//host[:port]/path`, as `url.URL.Host` holds it (with any port).
fn uri_host(rest: &str) -> &str {
    let Some(authority) = rest.strip_prefix("//") else {
        return "";
    };
    let end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
    let host = &authority[..end];
    host.rsplit_once('@').map_or(host, |(_, h)| h)
}

#[cfg(test)]
mod tests;
