//! The house rules of `src/`, checked (STYLE.md "Layer rules", "The house at 30k lines";
//! ARCHITECTURE.md is the map these tests hold true).
//!
//! - Every `use crate::…` / `use super::…` / `use self::…` line of non-test code, and every
//!   other `crate::<layer>::…` path in it, respects the layer order: a layer imports only
//!   the layers before it (`LAYERS`).
//! - No cycle between files through those imports (a child importing its parent `mod.rs`
//!   counts too: a folder's `mod.rs` is its API, and logic that both sides need lives in a
//!   file of its own).
//! - No source file over 500 lines before its tests, except `util/go_sort.rs` (a port of
//!   Go's sort that is kept whole to be compared with Go's source).
//! - Every path ARCHITECTURE.md names exists.
//!
//! Test-only modules (`#[cfg(test)] mod x;` and everything under them) are left out: they
//! may reach anything.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each layer and the layers it may import. `lib`, `main` and `internals` (the re-exports
/// for tests and fuzz) and the binaries (`main.rs`, `bin/`) may import anything.
const LAYERS: &[(&str, &[&str])] = &[
    ("util", &[]),
    ("envoy", &["util"]),
    ("istio", &["util", "envoy"]),
    ("source", &["util", "envoy", "istio"]),
    ("analysis", &["util", "envoy", "istio"]),
    ("render", &["util", "envoy", "istio", "analysis"]),
    ("lint", &["util", "envoy", "istio", "analysis", "render"]),
    ("cli", &["util", "istio"]),
    (
        "error",
        &[
            "util", "envoy", "istio", "source", "analysis", "render", "lint", "cli",
        ],
    ),
    (
        "cmd",
        &[
            "util", "envoy", "istio", "source", "analysis", "render", "lint", "cli", "error",
        ],
    ),
];

const MAX_LINES: usize = 500;
const LONG_FILE_EXEMPT: &[&str] = &["util/go_sort.rs"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One source file: its path under `src/`, its module path and its non-test text.
struct SourceFile {
    rel: String,
    module: Vec<String>,
    code: String,
}

fn module_path(rel: &str) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The text before the file's first `#[cfg(test)]`: the tests live at the end of a file.
fn non_test_part(text: &str) -> &str {
    text.split("#[cfg(test)]").next().unwrap_or(text)
}

/// Module names declared test-only in `text` (`#[cfg(test)]` then `mod x;`).
fn test_only_children(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    for (i, line) in lines.iter().enumerate() {
        if *line != "#[cfg(test)]" {
            continue;
        }
        for next in lines.iter().skip(i + 1) {
            if next.starts_with("#[") || next.starts_with("//") {
                continue;
            }
            let decl = next
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            if let Some(name) = decl.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                out.push(name.trim().to_string());
            }
            break;
        }
    }
    out
}

fn read_sources() -> Vec<SourceFile> {
    let src = root().join("src");
    let mut all = Vec::new();
    collect(&src, &src, &mut all);
    // Folders (module paths) that only tests compile.
    let mut test_only: BTreeSet<Vec<String>> = BTreeSet::new();
    for (rel, text) in &all {
        for child in test_only_children(text) {
            let mut m = module_path(rel);
            m.push(child);
            test_only.insert(m);
        }
    }
    all.into_iter()
        .filter_map(|(rel, text)| {
            let module = module_path(&rel);
            let is_test = (1..=module.len()).any(|k| test_only.contains(&module[..k]));
            (!is_test).then(|| SourceFile {
                code: strip_comments(non_test_part(&text)),
                rel,
                module,
            })
        })
        .collect()
}

fn collect(dir: &Path, src: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, src, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((rel, fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Drops `//` comments (docs and intra-doc links name modules without importing them).
fn strip_comments(code: &str) -> String {
    code.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One path a `use` line names, and the name it binds in the importing module.
#[derive(Debug, PartialEq)]
struct UsePath {
    path: Vec<String>,
    bound: String,
}

/// Expands one `use` tree (`a::{b, c::{d as e}}`) into full paths with their bound names.
fn expand_use(tree: &str) -> Vec<UsePath> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let mut halves = tree.splitn(2, " as ");
        let path: Vec<String> = halves
            .next()
            .unwrap_or(tree)
            .split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let bound = match halves.next() {
            Some(alias) => alias.trim().to_string(),
            None => path.last().cloned().unwrap_or_default(),
        };
        return vec![UsePath { path, bound }];
    };
    let prefix: Vec<String> = tree[..open]
        .split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut items = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    let mut out = Vec::new();
    for item in items.into_iter().map(str::trim).filter(|s| !s.is_empty()) {
        for rest in expand_use(item) {
            let mut path = prefix.clone();
            let bound = if rest.path == ["self"] {
                prefix.last().cloned().unwrap_or_default()
            } else {
                path.extend(rest.path);
                rest.bound
            };
            out.push(UsePath { path, bound });
        }
    }
    out
}

/// The `use` statements of `code`: whether each is a re-export (`pub use`), and its tree.
fn use_statements(code: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("use ") {
        let before = &rest[..at];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        // A `use` item starts its line (after a visibility): the word inside a string
        // literal or a sentence is not one.
        let lead = before[line_start..].trim();
        let is_item = matches!(lead, "" | "pub" | "pub(crate)" | "pub(super)")
            || lead.ends_with(';') && !lead.contains('"');
        let is_pub = lead.starts_with("pub");
        let after = &rest[at + 4..];
        let Some(end) = after.find(';') else { break };
        if is_item {
            out.push((is_pub, &after[..end]));
        }
        rest = &after[end..];
    }
    out
}

/// Modules declared in `code` with `mod name;` (a `use name::…` there is relative to them).
fn child_modules(code: &str) -> Vec<String> {
    code.lines()
        .map(str::trim)
        .filter_map(|l| {
            let l = l
                .trim_start_matches("pub(crate) ")
                .trim_start_matches("pub ");
            l.strip_prefix("mod ")?
                .strip_suffix(';')
                .map(|n| n.trim().to_string())
        })
        .collect()
}

/// The crate's files by module path, and what each re-exports (`pub use`), so that an
/// import through a folder's `mod.rs` is traced to the file that defines the item.
struct Crate<'s> {
    files: &'s [SourceFile],
    by_module: BTreeMap<Vec<String>, usize>,
    reexports: Vec<BTreeMap<String, Vec<String>>>,
}

impl<'s> Crate<'s> {
    fn new(files: &'s [SourceFile]) -> Self {
        let by_module = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.module.clone(), i))
            .collect();
        let reexports = files
            .iter()
            .map(|f| {
                imports_of(f)
                    .into_iter()
                    .filter(|(is_pub, _)| *is_pub)
                    .map(|(_, u)| (u.bound, u.path))
                    .collect()
            })
            .collect();
        Crate {
            files,
            by_module,
            reexports,
        }
    }

    /// The file that defines what `path` names: the longest prefix of it that is a file,
    /// followed through that file's re-exports.
    fn defining_file(&self, path: &[String]) -> Option<usize> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let (k, file) = (1..=path.len())
                .rev()
                .find_map(|k| self.by_module.get(&path[..k]).map(|&f| (k, f)))?;
            match path.get(k).and_then(|item| self.reexports[file].get(item)) {
                Some(target) if !target.starts_with(&path[..k + 1]) => {
                    let mut next = target.clone();
                    next.extend(path[k + 1..].iter().cloned());
                    path = next;
                }
                _ => return Some(file),
            }
        }
        None
    }
}

/// Every `use` of `file` with a crate-absolute path; other roots (std, deps) are left out.
fn imports_of(file: &SourceFile) -> Vec<(bool, UsePath)> {
    let children = child_modules(&file.code);
    use_statements(&file.code)
        .into_iter()
        .flat_map(|(is_pub, tree)| expand_use(tree).into_iter().map(move |u| (is_pub, u)))
        .filter_map(|(is_pub, u)| {
            let path = absolute(&file.module, &children, &u.path)?;
            Some((
                is_pub,
                UsePath {
                    path,
                    bound: u.bound,
                },
            ))
        })
        .collect()
}

/// Every crate-absolute module path that `file` reaches through `use` lines.
fn imports(file: &SourceFile) -> Vec<Vec<String>> {
    imports_of(file).into_iter().map(|(_, u)| u.path).collect()
}

/// `crate::…`, `super::…`, `self::…` and `child::…` (a module this file declares) made
/// absolute; other roots (std, dependencies) are `None`.
fn absolute(here: &[String], children: &[String], path: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "super" | "self" => {
            let mut base = here.to_vec();
            let mut i = 0;
            while i < path.len() && (path[i] == "super" || path[i] == "self") {
                if path[i] == "super" {
                    base.pop();
                }
                i += 1;
            }
            base.extend(path[i..].iter().cloned());
            Some(base)
        }
        name if children.iter().any(|c| c == name) => {
            let mut base = here.to_vec();
            base.extend(path.iter().cloned());
            Some(base)
        }
        _ => None,
    }
}

fn layer_of(module: &[String]) -> &str {
    module.first().map(String::as_str).unwrap_or("lib")
}

#[test]
fn imports_follow_the_layer_order() {
    let sources = read_sources();
    let allowed: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let mut broken = Vec::new();
    for file in &sources {
        let from = layer_of(&file.module);
        let Some(may) = allowed.get(from) else {
            assert!(
                matches!(from, "lib" | "main" | "internals" | "bin"),
                "{}: layer `{from}` is not in LAYERS",
                file.rel
            );
            continue;
        };
        // `use` lines, and inline `crate::layer::` paths.
        let mut targets: Vec<String> = imports(file)
            .into_iter()
            .filter_map(|p| p.first().cloned())
            .collect();
        let mut rest = file.code.as_str();
        while let Some(at) = rest.find("crate::") {
            let name: String = rest[at + 7..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            targets.push(name);
            rest = &rest[at + 7..];
        }
        for to in targets {
            let known = allowed.contains_key(to.as_str());
            if known && to != from && !may.contains(&to.as_str()) {
                broken.push(format!("{}: {from} imports {to}", file.rel));
            }
        }
    }
    broken.sort();
    broken.dedup();
    assert!(
        broken.is_empty(),
        "layer rule broken:\n{}",
        broken.join("\n")
    );
}

#[test]
fn no_import_cycle_between_files() {
    let sources = read_sources();
    let cycles = strongly_connected(&file_edges(&sources));
    let shown: Vec<String> = cycles.iter().map(|c| c.join(" <-> ")).collect();
    assert!(shown.is_empty(), "import cycles:\n{}", shown.join("\n"));
}

/// Which files each file imports from (after re-exports are followed).
fn file_edges(sources: &[SourceFile]) -> BTreeMap<String, BTreeSet<String>> {
    let krate = Crate::new(sources);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources {
        let targets = edges.entry(file.rel.clone()).or_default();
        for path in imports(file) {
            if let Some(to) = krate.defining_file(&path).map(|i| &krate.files[i].rel)
                && *to != file.rel
            {
                targets.insert(to.clone());
            }
        }
    }
    edges
}

/// Tarjan's strongly connected components of more than one file.
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if s.low[v] == s.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                s.out.push(comp);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_source_file_is_over_500_lines() {
    let src = root().join("src");
    let mut all = Vec::new();
    collect(&src, &src, &mut all);
    let long: Vec<String> = all
        .iter()
        .filter(|(rel, _)| !LONG_FILE_EXEMPT.contains(&rel.as_str()))
        .filter_map(|(rel, text)| {
            let n = non_test_part(text).lines().count();
            (n > MAX_LINES).then(|| format!("{rel}: {n} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

/// A backticked word in ARCHITECTURE.md that names a file or folder of the repository.
fn named_paths(text: &str) -> Vec<String> {
    const ROOTS: &[&str] = &[
        "src/",
        "tests/",
        "testdata/",
        "docs/",
        "bench/",
        "benches/",
        "man/",
        "fuzz/",
        "examples/",
        ".ci/",
    ];
    let mut out = Vec::new();
    for (i, chunk) in text.split('`').enumerate() {
        // Odd chunks are inside backticks; code blocks (```) give empty chunks around them.
        if i % 2 == 0 || chunk.contains(char::is_whitespace) {
            continue;
        }
        let path = chunk.trim_end_matches('/');
        if ROOTS.iter().any(|r| chunk.starts_with(r))
            || (path.ends_with(".md") && !path.contains('*'))
        {
            out.push(path.to_string());
        }
    }
    out
}

#[test]
fn every_path_architecture_md_names_exists() {
    let text = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let paths = named_paths(&text);
    assert!(
        paths.len() > 20,
        "ARCHITECTURE.md names only {} paths",
        paths.len()
    );
    let missing: Vec<&String> = paths
        .iter()
        .filter(|p| !p.contains(['*', '<', '{']) && !root().join(p).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names missing paths: {missing:?}"
    );
}

#[test]
fn the_checks_see_what_they_check() {
    // A `use` tree with nesting and renames expands to every path it names.
    let paths: Vec<(Vec<String>, String)> = expand_use("crate::a::{b::{self, C as D}, e}")
        .into_iter()
        .map(|u| (u.path, u.bound))
        .collect();
    let owned = |p: &[&str], b: &str| (p.iter().map(|s| s.to_string()).collect(), b.to_string());
    assert_eq!(
        paths,
        vec![
            owned(&["crate", "a", "b"], "b"),
            owned(&["crate", "a", "b", "C"], "D"),
            owned(&["crate", "a", "e"], "e"),
        ]
    );
    let here: Vec<String> = ["analysis", "diff"].map(String::from).to_vec();
    let up = absolute(&here, &[], &["super".to_string(), "wasm".to_string()]);
    assert_eq!(up, Some(["analysis", "wasm"].map(String::from).to_vec()));
    let child = absolute(&here, &["chain".to_string()], &["chain".to_string()]);
    assert_eq!(
        child,
        Some(["analysis", "diff", "chain"].map(String::from).to_vec())
    );
    assert_eq!(absolute(&here, &[], &["std".to_string()]), None);
    // An import through a folder's re-export reaches the file that defines the item, and
    // a parent that uses its child is an edge: parent -> child -> parent is a cycle.
    let file = |rel: &str, code: &str| SourceFile {
        rel: rel.to_string(),
        module: module_path(rel),
        code: code.to_string(),
    };
    let tree = [
        file("f/mod.rs", "mod a;\nmod b;\npub use a::Thing;\n"),
        file("f/a.rs", "pub struct Thing;\n"),
        file("f/b.rs", "use super::Thing;\n"),
    ];
    let edges = file_edges(&tree);
    assert_eq!(edges["f/b.rs"], BTreeSet::from(["f/a.rs".to_string()]));
    assert!(strongly_connected(&edges).is_empty());
    let tree = [
        file("f/mod.rs", "mod a;\nuse a::helper;\npub struct Top;\n"),
        file("f/a.rs", "use super::Top;\n"),
    ];
    assert_eq!(
        strongly_connected(&file_edges(&tree)),
        vec![vec!["f/a.rs".to_string(), "f/mod.rs".to_string()]]
    );
    // A two-file cycle is found; a chain is not.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    edges.entry("a".into()).or_default().insert("b".into());
    edges.entry("b".into()).or_default().insert("c".into());
    edges.entry("c".into()).or_default();
    assert!(strongly_connected(&edges).is_empty());
    edges.entry("c".into()).or_default().insert("a".into());
    assert_eq!(strongly_connected(&edges), vec![vec!["a", "b", "c"]]);
    // The scan sees real imports: the whole tree has some of every layer's.
    let sources = read_sources();
    assert!(sources.len() > 100);
    let cmd = sources.iter().find(|f| f.rel == "cmd/mod.rs").unwrap();
    assert!(!imports(cmd).is_empty());
    assert!(
        named_paths("see `src/lib.rs` and `x y` and `docs/rules/`") == ["src/lib.rs", "docs/rules"]
    );
}

/// The word in a string literal or a sentence is no `use` item (it once made the reader
/// take `{x}` … up to the next `;` for an import tree and crash).
#[test]
fn a_use_word_in_a_string_is_no_import() {
    let code =
        "fn f() {\n    let s = \"we use {x} here}; ok\";\n}\nuse a::b;\npub use c::{d, e};\n";
    assert_eq!(use_statements(code), [(false, "a::b"), (true, "c::{d, e}")]);
}
