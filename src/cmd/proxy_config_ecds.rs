//! `meshscope proxy-config ecds`: istioctl's table, `-o json|yaml`, and `-o wide`.

use std::io::Write;

use serde_json::{Map, Value};

use crate::analysis::listener::ecds_rows::ecds_rows;
use crate::cli::{EcdsArgs, OutputFormat};
use crate::cmd::input;
use crate::envoy::dump::ECDS_TYPE;
use crate::envoy::missing::{SectionWording, required};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::tables::ecds;
use crate::render::terminal::Terminal;
use crate::render::{Encoding, RenderError, protojson};
use crate::source::DumpMask;

pub fn run(args: &EcdsArgs, term: Terminal, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let output = args.output.output.clone();
    // istioctl fetches the whole dump with endpoints for `pc ecds`.
    input::with_document(&args.input, "ecds", DumpMask::WithEndpoints, |doc| {
        render(doc, &output, term, out)
    })
}

fn render(
    doc: &Document<'_>,
    output: &OutputFormat,
    term: Terminal,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let dump = doc.load(Sections {
        ecds: true,
        ..Sections::default()
    })?;
    let filters = required(dump.ecds, doc.label, SectionWording::ConfigDump, ECDS_TYPE)?;

    match output {
        OutputFormat::Short => ecds::write_short(out, &ecds_rows(&filters))?,
        OutputFormat::Wide => ecds::write_wide(out, &ecds_rows(&filters), term.width)?,
        structured => {
            // istioctl prints the merged EcdsConfigDump as protojson (camelCase names).
            let entries = filters
                .iter()
                .map(|f| {
                    serde_json::from_str::<Value>(f.raw.get())
                        .map(protojson::into_camel_case)
                        .map_err(|e| RenderError::Encode {
                            format: "json",
                            error: Encoding::Json(e),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut merged = Map::new();
            merged.insert("ecdsFilters".into(), Value::Array(entries));
            let merged = Value::Object(merged);
            if let Some(format) = super::structured_format(structured) {
                super::write_with_istioctl_println(out, &merged, format)?;
            }
        }
    }
    Ok(ExitCode::Ok)
}
