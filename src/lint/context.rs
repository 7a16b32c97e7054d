//! Everything rules read: the parsed resources, the workloads and Services for context, the
//! chosen Istio release and the schema violations computed once.

use std::collections::BTreeMap;

use crate::istio::manifest::{Resource, selector_labels};
use crate::istio::workload::{Service, Workload, service_of, workload_of};
use crate::istio::yaml_tree::Node;

use super::dump::DumpFacts;
use super::validate::crd::CompiledCrd;
use super::validate::{IstioKind, Violation, istio_kind, validate_with};

/// One input file's label and text (for carets in the text report).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as given, or `-`.
    pub label: String,
    /// The whole text.
    pub text: String,
}

/// The lint context.
#[derive(Debug)]
pub struct Context {
    /// Input files.
    pub files: Vec<SourceFile>,
    /// Every object in every file, in input order.
    pub resources: Vec<Resource>,
    /// Istio minor release (1.`version`).
    pub version: u32,
    /// The mesh root namespace.
    pub root_namespace: String,
    /// Workloads in the input.
    pub workloads: Vec<Workload>,
    /// Services in the input.
    pub services: Vec<Service>,
    /// Schema/CEL/webhook violations per resource index.
    pub violations: Vec<(usize, Violation)>,
    /// The `--dump` config dump, for the MS3xxx rules (they stay silent without one).
    pub dump: Option<DumpFacts>,
}

impl Context {
    /// Builds the context and runs validation once.
    pub fn new(files: Vec<SourceFile>, resources: Vec<Resource>, version: u32, root: &str) -> Self {
        Context::with_crds(files, resources, version, root, &[])
    }

    /// Like [`Context::new`], validating kinds that `crds` define against those CRDs.
    pub fn with_crds(
        files: Vec<SourceFile>,
        resources: Vec<Resource>,
        version: u32,
        root: &str,
        crds: &[CompiledCrd],
    ) -> Self {
        let workloads = resources.iter().filter_map(workload_of).collect();
        let services = resources.iter().filter_map(service_of).collect();
        let violations = resources
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                validate_with(r, version, crds)
                    .into_iter()
                    .map(move |v| (i, v))
            })
            .collect();
        Context {
            files,
            resources,
            version,
            root_namespace: root.to_string(),
            workloads,
            services,
            violations,
            dump: None,
        }
    }

    /// Adds the `--dump` file (its text, for carets) and its facts, pointing the facts at it.
    pub fn with_dump(mut self, file: SourceFile, mut facts: DumpFacts) -> Self {
        facts.file = self.files.len();
        self.files.push(file);
        self.dump = Some(facts);
        self
    }

    /// Resources of one validated kind, with their index and spec.
    pub fn of_kind(&self, kind: IstioKind) -> impl Iterator<Item = (usize, &Resource, &Node)> {
        self.resources.iter().enumerate().filter_map(move |(i, r)| {
            (istio_kind(r) == Some(kind)).then_some(())?;
            Some((i, r, r.spec()?))
        })
    }

    /// WasmPlugins and TrafficExtensions: `(index, resource, spec, module spec)`.
    pub fn plugins(&self) -> impl Iterator<Item = (usize, &Resource, &Node, &Node)> {
        let wasm = self
            .of_kind(IstioKind::WasmPlugin)
            .map(|(i, r, s)| (i, r, s, s));
        let te = self
            .of_kind(IstioKind::TrafficExtension)
            .filter_map(|(i, r, s)| Some((i, r, s, s.get("wasm")?)));
        wasm.chain(te)
    }

    /// Whether the input has any workloads (rules about pods stay silent otherwise).
    pub fn has_workloads(&self) -> bool {
        !self.workloads.is_empty()
    }

    /// Workloads a `selector` in namespace `ns` picks (none given: the whole namespace; in
    /// the root namespace: every namespace).
    pub fn selected(&self, ns: &str, spec: &Node) -> Vec<&Workload> {
        let labels = match_labels(spec);
        self.workloads
            .iter()
            .filter(|w| (w.namespace == ns || ns == self.root_namespace) && w.matches(&labels))
            .collect()
    }
}

/// `spec.selector.matchLabels` as a map.
pub fn match_labels(spec: &Node) -> BTreeMap<String, String> {
    selector_labels(spec).unwrap_or_default()
}

/// Whether `spec` has a selector with at least one label.
pub fn has_labels(spec: &Node) -> bool {
    !match_labels(spec).is_empty()
}
