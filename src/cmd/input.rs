//! Resolves a command's input flags to bytes, and bytes to a loaded document.

use crate::cli::InputArgs;
use crate::cli::UsageError;
use crate::envoy::Document;
use crate::error::Error;
use crate::source::kube::{KubeOptions, PodFetch};
use crate::source::{self, AdminUrl, DumpSource, InputBytes};

/// The raw input of a single-dump command, with the label errors show.
pub struct RawInput {
    pub label: String,
    pub bytes: InputBytes,
}

/// Exactly one of POD, `--file` or `--admin` (istioctl's rule, extended to `--admin`).
pub fn resolve(args: &InputArgs, command: &'static str) -> Result<DumpSource, Error> {
    let given = [
        args.pod.is_some(),
        args.file.is_some(),
        args.admin.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err(UsageError::NeedsOneInput { command }.into());
    }
    if args.context.len() > 1 {
        return Err(UsageError::ContextsNeedFleet.into());
    }
    let query = query_for(command).to_string();
    Ok(if let Some(f) = &args.file {
        DumpSource::File(f.clone())
    } else if let Some(url) = &args.admin {
        DumpSource::Admin {
            url: url.clone(),
            query,
            timeout: args.timeout,
        }
    } else {
        DumpSource::Pod(PodFetch {
            reference: args.pod.clone().unwrap_or_default(),
            kube: KubeOptions {
                kubeconfig: args.kubeconfig.clone(),
                context: args.context.first().cloned(),
                namespace: args.namespace.clone(),
            },
            admin_port: args.proxy_admin_port,
            query,
            timeout: args.timeout,
        })
    })
}

/// Only the listener sections (Envoy applies the mask to every config of the dump).
pub const LISTENERS_QUERY: &str = "?mask=dynamic_listeners,static_listeners";

/// What `wasm count` reads: the bootstrap (the proxy's node), the listeners and the ECDS
/// filters; clusters, routes and secrets, most of a big dump, stay on the proxy.
pub const WASM_COUNT_QUERY: &str =
    "?mask=bootstrap,dynamic_listeners,static_listeners,ecds_filters";

/// What `diff` reads: the bootstrap (the proxy's node and Istio version, for the policy
/// check and the what-if rules) and the listeners.
pub const DIFF_QUERY: &str = "?mask=bootstrap,dynamic_listeners,static_listeners";

/// The `/config_dump` query a command fetches with, as istioctl does (DOMAIN.md): `pc
/// listener` masks to the listener sections, `pc ecds` asks for endpoints too; the others
/// need several sections and take the whole dump.
fn query_for(command: &str) -> &'static str {
    match command {
        "listener" | "explain" => LISTENERS_QUERY,
        "ecds" => "?include_eds=true",
        _ => "",
    }
}

/// Reads the single dump a command's flags name and runs `body` on it. The text lives
/// only for the call, so the model can borrow from it instead of copying strings.
pub fn with_document<T>(
    args: &InputArgs,
    command: &'static str,
    body: impl FnOnce(&Document<'_>) -> Result<T, Error>,
) -> Result<T, Error> {
    let source = resolve(args, command)?;
    let raw = read(&source)?;
    let text = source::to_json_text(&raw.label, &raw.bytes)?;
    body(&text.document(&raw.label))
}

/// How errors name a source before it is read: the path, URL or POD argument as given.
pub fn label(source: &DumpSource) -> String {
    match source {
        DumpSource::File(path) => path.display().to_string(),
        DumpSource::Admin { url, .. } => url.clone(),
        DumpSource::Pod(fetch) => fetch.reference.clone(),
    }
}

/// Fetches the bytes of a dump source.
pub fn read(source: &DumpSource) -> Result<RawInput, Error> {
    match source {
        DumpSource::File(path) => {
            let (label, bytes) = source::read_dump(path)?;
            Ok(RawInput { label, bytes })
        }
        DumpSource::Admin {
            url,
            query,
            timeout,
        } => {
            let url = AdminUrl::parse(url)?;
            let bytes = source::block_on(source::admin::fetch_url(&url, query, *timeout))??;
            Ok(RawInput {
                label: url.label,
                bytes: bytes.into(),
            })
        }
        DumpSource::Pod(fetch) => {
            let (label, bytes) = source::block_on(source::kube::fetch_pod(fetch))??;
            Ok(RawInput {
                label,
                bytes: bytes.into(),
            })
        }
    }
}
