//! `meshscope proxy-config bootstrap`: the bootstrap section as JSON (istioctl's default)
//! or YAML, or istioctl's version summary with `-o short`.

use std::io::Write;

use serde_json::{Map, Value};

use crate::analysis::bootstrap::{VersionSummary, version_summary};
use crate::analysis::secret::redact::redact_key_material;
use crate::cli::{BootstrapArgs, OutputFormat, UsageError};
use crate::cmd::input;
use crate::envoy::bootstrap::BootstrapVersions;
use crate::envoy::dump::{BOOTSTRAP_TYPE, BootstrapSection, RoutingSections};
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::structured;
use crate::render::tables::bootstrap::write_version_summary;
use crate::source::DumpMask;

/// What `pc bootstrap` reads, and all a live fetch asks for (proxyconfig.go
/// `bootstrapPath`).
const READS: RoutingSections = RoutingSections {
    bootstrap: true,
    ..RoutingSections::NONE
};

pub fn run(args: &BootstrapArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    if args.output.output == OutputFormat::Wide {
        return Err(UsageError::FormatNotSupported { format: "wide" }.into());
    }
    let output = args.output.output.clone();
    input::with_document(&args.input, "bootstrap", DumpMask::Routing(READS), |doc| {
        let dump = doc.load_with_routing(Sections::default(), READS)?;
        let section = required(
            dump.bootstrap,
            doc.label,
            SectionWording::ConfigDump,
            BOOTSTRAP_TYPE,
        )?;
        match super::structured_format(&output) {
            // configdump.go `PrintBootstrapSummary`.
            None => write_version_summary(out, &summary(doc, &section)?)?,
            // `PrintBootstrapDump`: the BootstrapConfigDump message.
            Some(format) => structured::write(out, &section_value(&section)?, format)?,
        }
        Ok(ExitCode::Ok)
    })
}

/// The version summary of the bootstrap section.
pub(super) fn summary(
    doc: &Document<'_>,
    section: &BootstrapSection<'_>,
) -> Result<VersionSummary, Error> {
    let versions: BootstrapVersions = match section.bootstrap() {
        Some(raw) => doc.decode(raw, &section.json_path())?,
        None => BootstrapVersions::default(),
    };
    Ok(version_summary(&versions))
}

/// The section's fields but `@type`, in dump order, key material redacted.
fn section_value(section: &BootstrapSection<'_>) -> Result<Value, Error> {
    let values = super::raw_array(section.fields.iter().map(|(_, raw)| *raw))?;
    let Value::Array(values) = values else {
        return Ok(Value::Null);
    };
    // `BootstrapConfigDump`'s own field names in protojson spelling (`lastUpdated`).
    let map: Map<String, Value> = section
        .fields
        .iter()
        .map(|(k, _)| crate::util::case::to_camel(k))
        .zip(values)
        .collect();
    let mut value = Value::Object(map);
    redact_key_material(&mut value);
    Ok(value)
}
