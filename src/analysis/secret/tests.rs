use super::*;
use crate::envoy::secret::{
    CustomValidator, DataSource, SpiffeValidatorConfig, TlsCertificate, TrustDomain,
    ValidationContext,
};

/// A throwaway certificate made here, never a real one.
fn cert_pem(ca: bool, spiffe: Option<&str>, serial: u64) -> String {
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    if ca {
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    }
    if let Some(uri) = spiffe {
        params.subject_alt_names = vec![rcgen::SanType::URI(uri.try_into().unwrap())];
    }
    params.serial_number = Some(rcgen::SerialNumber::from(serial));
    params.not_before = rcgen::date_time_ymd(2020, 1, 2);
    params.not_after = rcgen::date_time_ymd(2030, 1, 2);
    let key = rcgen::KeyPair::generate().unwrap();
    params.self_signed(&key).unwrap().pem()
}

fn inline(pem: &str) -> Option<DataSource<'static>> {
    Some(DataSource {
        inline_bytes: Some(STANDARD.encode(pem).into()),
    })
}

fn input<'s>(secret: &'s Secret<'static>) -> SecretInput<'s, 'static> {
    SecretInput {
        name: "default",
        state: SecretState::Active,
        secret: Some(secret),
    }
}

const IN_2025: i64 = 1_735_689_600;

/// Follows `secretMetaFromCert`: type from IsCA, `%032x` serial, RFC 3339 times, validity
/// strictly inside the window, trust domain from the spiffe SAN.
#[test]
fn a_certificate_chain_is_summarised() {
    let secret = Secret {
        tls_certificate: Some(TlsCertificate {
            certificate_chain: inline(&cert_pem(false, Some("spiffe://td.example/ns/a"), 0x6f)),
        }),
        ..Secret::default()
    };
    let rows = secret_rows(&input(&secret), IN_2025);
    let cert = rows[0].cert.clone().unwrap();
    assert_eq!(cert.kind, CertKind::CertChain);
    assert_eq!(cert.serial, format!("{:032x}", 0x6f));
    assert_eq!(
        time_text::rfc3339_utc(cert.not_before),
        "2020-01-02T00:00:00Z"
    );
    assert!(cert.valid);
    assert_eq!(rows[0].trust_domain, "td.example");
    // After not_after: not valid.
    let later = secret_rows(&input(&secret), 2_000_000_000);
    assert!(!later[0].cert.as_ref().unwrap().valid);
}

/// `parseDynamicSecret`: the trusted CA when there is no chain.
#[test]
fn a_trusted_ca_is_summarised_as_ca() {
    let secret = Secret {
        validation_context: Some(ValidationContext {
            trusted_ca: inline(&cert_pem(true, None, 1)),
            ..ValidationContext::default()
        }),
        ..Secret::default()
    };
    let rows = secret_rows(&input(&secret), IN_2025);
    assert_eq!(rows[0].cert.as_ref().unwrap().kind, CertKind::Ca);
    assert_eq!(rows[0].trust_domain, "");
}

/// `parseTrustBundles`: one row per SPIFFE trust domain, named by the validator.
#[test]
fn spiffe_trust_bundles_give_one_row_each() {
    let secret = Secret {
        validation_context: Some(ValidationContext {
            custom_validator_config: Some(CustomValidator {
                typed_config: Some(SpiffeValidatorConfig {
                    type_url: SPIFFE_VALIDATOR_TYPE.into(),
                    trust_domains: vec![
                        TrustDomain {
                            name: "a.example".into(),
                            trust_bundle: inline(&cert_pem(true, None, 2)),
                        },
                        TrustDomain {
                            name: "b.example".into(),
                            trust_bundle: None,
                        },
                    ],
                }),
            }),
            ..ValidationContext::default()
        }),
        ..Secret::default()
    };
    let rows = secret_rows(&input(&secret), IN_2025);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].trust_domain, "a.example");
    assert!(rows[0].cert.is_some());
    assert_eq!(rows[1].trust_domain, "b.example");
    assert!(rows[1].cert.is_none());
}

/// Text that is no certificate gives a row without one (istioctl: VALID CERT false).
#[test]
fn garbage_is_no_certificate() {
    let secret = Secret {
        tls_certificate: Some(TlsCertificate {
            certificate_chain: inline(
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
            ),
        }),
        ..Secret::default()
    };
    assert_eq!(secret_rows(&input(&secret), IN_2025)[0].cert, None);
    assert_eq!(serial_hex(&[0, 0x93, 0xa5]), format!("{:032x}", 0x93a5));
}
