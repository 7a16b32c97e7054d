//! `meshscope proxy-config ecds`: istioctl's table, `-o json|yaml`, and `-o wide`.

use std::io::Write;

use serde_json::{Map, Value};

use crate::analysis::ecds_rows::ecds_rows;
use crate::cli::{EcdsArgs, OutputFormat};
use crate::cmd::{CommandError, input};
use crate::envoy::{Document, Sections};
use crate::error::{Error, ExitCode};
use crate::render::{RenderError, jsonpath, protojson, structured, table};
use crate::source;

const ECDS_TYPE: &str = "type.googleapis.com/envoy.admin.v3.EcdsConfigDump";

pub fn run(args: &EcdsArgs, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let output = args.output.clone();
    let source = input::resolve(&args.input, "ecds")?;
    let raw = input::read(&source)?;
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    let doc = Document {
        label: &raw.label,
        text: &text.json,
        from_yaml: text.from_yaml,
    };
    let dump = doc.load(Sections {
        ecds: true,
        ..Sections::default()
    })?;
    let filters = dump.ecds.ok_or_else(|| CommandError::MissingSection {
        path: raw.label.clone(),
        context: "",
        type_url: ECDS_TYPE,
    })?;

    match &output {
        OutputFormat::Short | OutputFormat::Wide => {
            let rows = ecds_rows(&filters);
            let dash = |v: Option<String>| v.unwrap_or_else(|| "-".into());
            if output == OutputFormat::Short {
                let cells: Vec<Vec<String>> = rows
                    .into_iter()
                    .map(|r| vec![r.name, r.type_name])
                    .collect();
                table::write_go_table(out, 5, &["ECDS NAME", "TYPE"], &cells)?;
            } else {
                let cells: Vec<Vec<String>> = rows
                    .into_iter()
                    .map(|r| {
                        vec![
                            r.name,
                            if r.type_name.is_empty() {
                                "-".into()
                            } else {
                                r.type_name
                            },
                            dash(r.plugin.map(|p| p.to_string())),
                            dash(r.source),
                            dash(r.sha256),
                            dash(r.failure_policy),
                            dash(r.runtime),
                            if r.last_updated.is_empty() {
                                "-".into()
                            } else {
                                r.last_updated
                            },
                            dash(r.note),
                        ]
                    })
                    .collect();
                let header = [
                    "ECDS NAME",
                    "TYPE",
                    "PLUGIN",
                    "SOURCE",
                    "SHA256",
                    "FAILURE",
                    "RUNTIME",
                    "LAST UPDATED",
                    "NOTE",
                ];
                table::write_go_table(out, 5, &header, &cells)?;
            }
        }
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
