//! Shared drivers for the fuzz targets in `fuzz_targets/`: each target is a thin
//! `fuzz_target!` around one function here, so the same code can be replayed from a test
//! or a debugger. Every function only calls meshscope's library, never the binary, and
//! ignores results: the property checked is "no panic, no hang, bounded memory".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use meshscope::internals::{
    CompiledCrd, Connection, Context, Criterion, Document, FilterChainMatch, Format, Listener,
    ListenerChains, Matcher, MatcherSemantics, ProxyKind, RULES, Sections, SourceFile,
    chain_select, compile, crd_of, decode_head, evaluate_matcher, lint as run_lint,
    listener_warnings, reduced_sites, render_template, report, resources_of, sanitize, simulate,
    to_json_text,
};
use serde_json::Value;

const LABEL: &str = "fuzz.json";

/// Targets 1 and 2: the dump loader on JSON text (`yaml == false`: the bytes are fed to the
/// JSON loader even when `to_json_text` would have sent them to YAML) or on any input
/// through `to_json_text` (`yaml == true`), as `pc listener`, `pc ecds` and `explain` do.
pub fn dump(data: &[u8], yaml: bool) {
    let text = match to_json_text(LABEL, data) {
        Ok(t) => t,
        Err(e) => {
            let _ = e.to_string();
            if !yaml {
                // Still give the JSON loader bytes that look like YAML or are not text.
                load_document(data, false, 0);
            }
            return;
        }
    };
    if !yaml && text.from_yaml {
        load_document(data, false, 0);
        return;
    }
    load_document(&text.json, text.from_yaml, text.skipped);
}

fn load_document(text: &[u8], from_yaml: bool, skipped: usize) {
    let doc = Document {
        label: LABEL,
        text,
        from_yaml,
        skipped,
    };
    // The lazy path (sections only validated) and the full one.
    if let Err(e) = doc.load(Sections::default()) {
        let _ = e.to_string();
    }
    let all = Sections {
        listeners: true,
        ecds: true,
        bootstrap: true,
    };
    // The fused path of `wasm count`: listeners reduced while the text is parsed.
    match doc.load_decoded::<ListenerChains>(all) {
        Ok(d) => {
            if let Some(section) = d.listeners {
                let listeners = section.entries.into_iter().map(|e| (e.state, e.raw));
                let _ = reduced_sites(listeners.collect(), ProxyKind::Sidecar, false);
            }
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    let dump = match doc.load(all) {
        Ok(d) => d,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    if let Some(section) = &dump.listeners {
        for entry in &section.entries {
            let _ = entry.json_path();
            match doc.listener(entry) {
                Ok(l) => {
                    let _ = l.socket_address();
                    let _ = l.chains().count();
                    let _ = l.is_internal();
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
            for with_additional in [false, true] {
                let _ = decode_head(entry.raw.get(), with_additional);
                if let Err(e) = doc.listener_head(entry, with_additional) {
                    let _ = e.to_string();
                }
            }
        }
    }
    // The head scanner on the whole document too (any JSON, not just listeners).
    if let Ok(text) = std::str::from_utf8(text) {
        let _ = decode_head(text, false);
        let _ = decode_head(text, true);
    }
}

/// CRDs from `testdata/crds/`, compiled once, so the CRD rules have schemas to check.
fn seed_crds() -> &'static [CompiledCrd] {
    static CRDS: OnceLock<Vec<CompiledCrd>> = OnceLock::new();
    CRDS.get_or_init(|| {
        let text = include_str!("../../testdata/crds/wasmplugin.yaml");
        let Ok(resources) = resources_of(usize::MAX, text) else {
            return Vec::new();
        };
        resources
            .iter()
            .filter_map(crd_of)
            .filter_map(|c| compile(&c).ok())
            .collect()
    })
}

/// Target 3: `lint` as `cmd/lint.rs` assembles it (manifest loader, context with CRDs,
/// every rule, text and JSON reports), plus compiling any CRD the input holds, as `--crd`.
pub fn lint(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let resources = match resources_of(0, text) {
        Ok(r) => r,
        Err(e) => {
            let _ = format!("{}:{}: {}", e.pos.line, e.pos.column, sanitize(&e.message));
            return;
        }
    };
    // CRDs in the input are compiled as `--crd` files are; without any, the seed CRDs.
    let mut own: Vec<CompiledCrd> = Vec::new();
    for crd in resources.iter().filter_map(crd_of) {
        match compile(&crd) {
            Ok(c) => own.push(c),
            Err(e) => {
                let _ = e.join("; ");
            }
        }
    }
    // Istio 1.12 ..= 1.30, picked by the input so each input is deterministic.
    let version = 12 + (data.len() % 19) as u32;
    let files = vec![SourceFile {
        label: "fuzz.yaml".into(),
        text: text.to_string(),
    }];
    let crds = if own.is_empty() { seed_crds() } else { &own };
    let ctx = Context::with_crds(files, resources, version, "istio-system", crds);
    let findings = run_lint(&ctx, RULES);
    for format in [Format::Text, Format::Json, Format::Github] {
        let mut out = Vec::new();
        let _ = report::write(format, &findings, &ctx.files, RULES, false, &mut out);
    }
}

/// The connection part of a chain-selection input, decoded from a fixed-size header.
#[derive(Debug, Arbitrary)]
struct ConnSpec {
    dst_port: u16,
    wide_port: Option<u32>,
    dst_ip: Ip,
    server_name: Option<Word>,
    transport: Word,
    alpn: Vec<Word>,
    direct_src_ip: Ip,
    src_local: bool,
    src_ip: Ip,
    src_port: u16,
}

#[derive(Debug, Arbitrary)]
enum Ip {
    V4([u8; 4]),
    V6([u8; 16]),
    Loopback,
    Unspecified,
}

impl Ip {
    fn get(&self) -> IpAddr {
        match self {
            Ip::V4(o) => IpAddr::V4(Ipv4Addr::from(*o)),
            Ip::V6(o) => IpAddr::V6(Ipv6Addr::from(*o)),
            Ip::Loopback => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Ip::Unspecified => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        }
    }
}

/// A value that listeners match on: one of the usual ones, or any short text.
#[derive(Debug, Arbitrary)]
enum Word {
    Known(u8),
    Other(String),
}

const WORDS: &[&str] = &[
    "tls",
    "raw_buffer",
    "h2",
    "http/1.1",
    "http/1.0",
    "h2c",
    "istio",
    "istio-peer-exchange",
    "istio-http/1.1",
    "foo.example.com",
    "*.example.com",
    "outbound_.80_._.reviews.default.svc.cluster.local",
    "",
];

impl Word {
    fn get(&self) -> String {
        match self {
            Word::Known(i) => WORDS[usize::from(*i) % WORDS.len()].to_string(),
            Word::Other(s) => s.clone(),
        }
    }
}

/// Bytes of the connection header that precedes the JSON in chain/matcher inputs.
pub const CONN_HEADER: usize = 64;

fn connection(header: &[u8]) -> Connection {
    let mut u = Unstructured::new(header);
    let spec = ConnSpec::arbitrary(&mut u).unwrap_or(ConnSpec {
        dst_port: 80,
        wide_port: None,
        dst_ip: Ip::Unspecified,
        server_name: None,
        transport: Word::Known(1),
        alpn: Vec::new(),
        direct_src_ip: Ip::Loopback,
        src_local: false,
        src_ip: Ip::Loopback,
        src_port: 0,
    });
    Connection {
        dst_port: spec.wide_port.unwrap_or(u32::from(spec.dst_port)),
        dst_ip: spec.dst_ip.get(),
        server_name: spec.server_name.map(|w| w.get()),
        transport: spec.transport.get(),
        alpn: spec.alpn.iter().map(Word::get).collect(),
        direct_src_ip: spec.direct_src_ip.get(),
        src_local: spec.src_local,
        src_ip: spec.src_ip.get(),
        src_port: u32::from(spec.src_port),
        filter_state: Vec::new(),
    }
}

/// Splits an input into the connection header and the JSON text after it.
fn split(data: &[u8]) -> Option<(Connection, &str)> {
    let at = data.len().min(CONN_HEADER);
    let (header, rest) = data.split_at(at);
    let json = std::str::from_utf8(rest).ok()?;
    Some((connection(header), json))
}

/// Target 4: filter-chain selection on a listener decoded from the JSON after the header,
/// as `explain` runs it (the simulation, the raw selection with and without a default
/// chain, the wording inputs of every criterion, and the listener warnings).
pub fn chain_select(data: &[u8]) {
    let Some((conn, json)) = split(data) else {
        return;
    };
    let Ok(listener) = serde_json::from_str::<Listener<'_>>(json) else {
        return;
    };
    let _ = simulate(&listener, &conn, &MatcherSemantics::current());
    let matches: Vec<Option<&FilterChainMatch<'_>>> = listener
        .filter_chains
        .iter()
        .map(|c| c.filter_chain_match.as_ref())
        .collect();
    for has_default in [false, true] {
        let _ = chain_select::select_chain(&matches, has_default, &conn);
    }
    for m in matches.iter().flatten() {
        for c in Criterion::ALL {
            let _ = chain_select::wanted(c, m);
            let _ = chain_select::got(c, &conn);
        }
        if let Some(sni) = &conn.server_name {
            for pattern in m.server_names.iter() {
                let _ = chain_select::wildcard_rank(pattern, sni);
            }
        }
    }
    let _ = listener_warnings(&listener);
}

/// Target 5: a `filter_chain_matcher` tree decoded from the JSON after the header.
pub fn matcher_eval(data: &[u8]) {
    let Some((conn, json)) = split(data) else {
        return;
    };
    let Ok(matcher) = serde_json::from_str::<Matcher<'_>>(json) else {
        return;
    };
    let _ = evaluate_matcher(&matcher, &conn);
}

/// The document templates run against when the input brings none: `pc listener -o json`
/// output of a real dump.
fn default_value() -> &'static Value {
    static VALUE: OnceLock<Value> = OnceLock::new();
    VALUE.get_or_init(|| {
        serde_json::from_str(include_str!("../jsonpath_doc.json")).unwrap_or(Value::Null)
    })
}

/// Target 6: the `-o jsonpath=` template parser and evaluator. The input is a template,
/// optionally followed by a NUL byte and the JSON document to run it against.
pub fn jsonpath(data: &[u8]) {
    let (template, doc) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], Some(&data[i + 1..])),
        None => (data, None),
    };
    let Ok(template) = std::str::from_utf8(template) else {
        return;
    };
    let own = doc.and_then(|d| serde_json::from_slice::<Value>(d).ok());
    let value = own.as_ref().unwrap_or_else(|| default_value());
    if let Err(e) = render_template(template, value) {
        let _ = e.to_string();
    }
}
