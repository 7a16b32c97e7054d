//! `meshscope proxy-config ecds`: istioctl's table, `-o json|yaml`, and `-o wide`.

use std::io::Write;

use serde_json::{Map, Value};

use crate::analysis::listener::ecds_rows::ecds_rows;
use crate::cli::{EcdsArgs, OutputFormat};
use crate::cmd::{SectionWording, input, required};
use crate::envoy::dump::ECDS_TYPE;
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::tables::ecds;
use crate::render::{RenderError, jsonpath, protojson, structured};

pub fn run(args: &EcdsArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let output = args.output.clone();
    input::with_document(&args.input, "ecds", |doc| render(doc, &output, out))
}

fn render(
    doc: &Document<'_>,
    output: &OutputFormat,
    out: &mut dyn Write,
) -> Result<ExitCode, Error> {
    let dump = doc.load(Sections {
        ecds: true,
        ..Sections::default()
    })?;
    let filters = required(dump.ecds, doc.label, SectionWording::ConfigDump, ECDS_TYPE)?;

    match output {
        OutputFormat::Short => ecds::write_short(out, &ecds_rows(&filters))?,
        OutputFormat::Wide => ecds::write_wide(out, &ecds_rows(&filters))?,
        OutputFormat::Json | OutputFormat::Yaml | OutputFormat::JsonPath(_) => {
            // istioctl prints the merged EcdsConfigDump as protojson (camelCase names).
            let entries = filters
                .iter()
                .map(|f| {
                    serde_json::from_str::<Value>(f.raw.get())
                        .map(|v| protojson::to_camel_case(&v))
                        .map_err(|e| RenderError::Encode {
                            format: "json",
                            message: e.to_string(),
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut merged = Map::new();
            merged.insert("ecdsFilters".into(), Value::Array(entries));
            let merged = Value::Object(merged);
            match &output {
                OutputFormat::Json => structured::write_json(out, &merged)?,
                OutputFormat::Yaml => structured::write_yaml(out, &merged)?,
                OutputFormat::JsonPath(t) => {
                    out.write_all(jsonpath::render_template(t, &merged)?.as_bytes())?
                }
                _ => unreachable!("outer match arm only admits structured formats"),
            }
        }
    }
    Ok(ExitCode::Ok)
}
