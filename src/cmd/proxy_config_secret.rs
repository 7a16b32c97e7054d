//! `meshscope proxy-config secret`: istioctl's certificate table and `-o json|yaml|jsonpath`
//! of the secrets section, key material redacted.

use std::io::Write;

use serde_json::{Map, Value};

use crate::analysis::secret::redact::redact_key_material;
use crate::analysis::secret::{SecretInput, SecretRow, SecretState, secret_rows};
use crate::cli::{OutputFormat, SecretArgs, UsageError};
use crate::cmd::input;
use crate::envoy::dump::{RoutingSections, SECRETS_TYPE, SecretEntry, SecretsSection};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::structured;
use crate::render::tables::secret::write_secrets;
use crate::source::DumpMask;

/// What `pc secret` reads, and all a live fetch asks for (proxyconfig.go `secretPath`).
const READS: RoutingSections = RoutingSections {
    secrets: true,
    ..RoutingSections::NONE
};

pub fn run(args: &SecretArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.output.output == OutputFormat::Wide {
        return Err(UsageError::FormatNotSupported { format: "wide" }.into());
    }
    let output = args.output.output.clone();
    input::with_document(&args.input, "secret", DumpMask::Routing(READS), |doc| {
        let dump = doc.load_with_routing(Sections::default(), READS)?;
        let section = required(
            dump.secrets,
            doc.label,
            SectionWording::ConfigDump,
            SECRETS_TYPE,
        )?;
        match super::structured_format(&output) {
            None => write_summary(doc, &section, "", out)?,
            Some(format) => structured::write(out, &section_value(&section)?, format)?,
        }
        Ok(ExitCode::Ok)
    })
}

/// istioctl's `PrintSecretSummary`; `prefix` is `pc all`'s `secret/`.
pub(super) fn write_summary(
    doc: &Document<'_>,
    section: &SecretsSection<'_>,
    prefix: &str,
    out: &mut dyn Write,
) -> Result<(), Error> {
    if section.dynamic_active_secrets.is_empty() && section.dynamic_warming_secrets.is_empty() {
        writeln!(out, "No active or warming secrets found.")?;
        return Ok(());
    }
    let rows = rows(doc, section, unix_now())?;
    write_secrets(out, &rows, prefix)?;
    Ok(())
}

/// `GetEnvoySecrets`: the warming secrets, then the active ones; static secrets are not
/// shown. istioctl means to mark an active secret at version `uninitialized` as
/// UNINITIALIZED, but sets it on a copy, so it prints ACTIVE; so does meshscope.
fn rows(doc: &Document<'_>, s: &SecretsSection<'_>, now: i64) -> Result<Vec<SecretRow>, Error> {
    let warming = s
        .dynamic_warming_secrets
        .iter()
        .map(|e| (e, SecretState::Warming));
    let active = s
        .dynamic_active_secrets
        .iter()
        .map(|e| (e, SecretState::Active));
    let mut rows = Vec::new();
    for (entry, state) in warming.chain(active) {
        let secret = doc.secret(entry)?;
        rows.extend(secret_rows(
            &SecretInput {
                name: &entry.name,
                state,
                secret: secret.as_ref(),
            },
            now,
        ));
    }
    Ok(rows)
}

/// The clock istioctl's VALID CERT compares with.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The secrets section as `SecretsConfigDump` holds it (lists and fields left out when
/// empty, as protojson does), key material redacted.
fn section_value(s: &SecretsSection<'_>) -> Result<Value, Error> {
    let mut map = Map::new();
    for (key, list) in [
        ("static_secrets", &s.static_secrets),
        ("dynamic_active_secrets", &s.dynamic_active_secrets),
        ("dynamic_warming_secrets", &s.dynamic_warming_secrets),
    ] {
        if !list.is_empty() {
            let items = list.iter().map(entry_value).collect::<Result<_, _>>()?;
            map.insert(key.to_string(), Value::Array(items));
        }
    }
    // istioctl prints the `SecretsConfigDump` message in protojson: camelCase names, and
    // each secret an `Any` that keeps its `@type` (protomarshal.ToJSONWithIndent).
    let mut value = crate::render::protojson::into_camel_case(Value::Object(map));
    redact_key_material(&mut value);
    Ok(value)
}

fn entry_value(e: &SecretEntry<'_>) -> Result<Value, Error> {
    let mut map = Map::new();
    for (key, text) in [
        ("name", &e.name),
        ("version_info", &e.version_info),
        ("last_updated", &e.last_updated),
    ] {
        if !text.is_empty() {
            map.insert(key.to_string(), Value::String(text.to_string()));
        }
    }
    if let Some(raw) = e.secret {
        let secret: Value =
            serde_json::from_str(raw.get()).map_err(|e| crate::render::RenderError::Encode {
                format: "json",
                error: crate::render::Encoding::Json(e),
            })?;
        map.insert("secret".to_string(), secret);
    }
    Ok(Value::Object(map))
}
