//! Line and column of a place in the dump file. A JSON dump is read in place, so a place's
//! raw JSON slice gives its offset; a YAML dump was transcoded to JSON first, so there the
//! place's path (`configs[0].dynamic_listeners[2]…`) is followed through the YAML tree,
//! trying each key in snake_case and camelCase.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use super::locate::offset_in;
use crate::envoy::Document;
use crate::envoy::load_error::position_of;
use crate::istio::yaml_tree::{Node, Pos, parse_documents};
use crate::util::case::to_camel;

/// Where something is in the dump file: a byte offset into a JSON dump (turned into a line
/// and column only when a finding is reported: a big dump has thousands of places), or the
/// position found in a YAML dump.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    /// Byte offset in the file's text.
    Offset(usize),
    /// Line and column.
    At(Pos),
}

impl Spot {
    /// The start of the file, where findings go when nothing better is known.
    pub const START: Spot = Spot::At(Pos { line: 1, column: 1 });

    /// Line and column in `text`, the dump file's text.
    pub fn resolve(self, text: &str) -> Pos {
        match self {
            Spot::At(p) => p,
            Spot::Offset(o) => {
                let p = position_of(text, o);
                Pos {
                    line: p.line,
                    column: p.column,
                }
            }
        }
    }
}

/// One step of a path into the dump.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// A field, in snake_case.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A place in the dump: its raw JSON (when the walk found it) and its path.
#[derive(Debug, Clone, Default)]
pub struct Place<'a> {
    /// The raw JSON of the place.
    pub raw: Option<&'a RawValue>,
    /// The path from the top of the document.
    pub path: Vec<Seg>,
}

impl<'a> Place<'a> {
    /// A place below this one.
    pub fn child<'b>(&self, raw: Option<&'b RawValue>, steps: &[Seg]) -> Place<'b> {
        let mut path = self.path.clone();
        path.extend_from_slice(steps);
        Place { raw, path }
    }
}

/// `Seg::Key` from a snake_case field name.
pub fn key(name: &str) -> Seg {
    Seg::Key(name.to_string())
}

/// Reads a path as the loader writes it: `configs[0].dynamic_listeners[1].active_state.listener`
/// or `[3]`.
pub fn parse_path(path: &str) -> Vec<Seg> {
    let mut out = Vec::new();
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, rest) = part.split_at(part.find('[').unwrap_or(part.len()));
        if !name.is_empty() {
            out.push(key(name));
        }
        for index in rest.split(['[', ']']).filter(|s| !s.is_empty()) {
            if let Ok(i) = index.parse() {
                out.push(Seg::Index(i));
            }
        }
    }
    out
}

/// Turns places into positions for one dump.
pub struct Locator<'t> {
    text: &'t [u8],
    from_yaml: bool,
    yaml: Option<Node>,
}

impl<'t> Locator<'t> {
    /// A locator for `doc`; `source` is the file's own text (the YAML, for YAML dumps).
    pub fn new(doc: &Document<'t>, source: &str) -> Self {
        let yaml = if doc.from_yaml {
            parse_documents(source)
                .ok()
                .and_then(|docs| docs.into_iter().next())
        } else {
            None
        };
        Locator {
            text: doc.text,
            from_yaml: doc.from_yaml,
            yaml,
        }
    }

    /// Where `place` is, when it can be told.
    pub fn pos(&self, place: &Place<'_>) -> Option<Spot> {
        if self.from_yaml {
            let root = self.yaml.as_ref()?;
            return follow(root, &place.path).map(|n| Spot::At(n.pos));
        }
        offset_in(self.text, place.raw?).map(Spot::Offset)
    }

    /// Where the value at `path` is, found from the top of the document: for places the
    /// listener walk does not reach (a listener's `error_state`). A JSON dump is walked
    /// again, so this is for the few places that are not listeners.
    pub fn pos_of_path(&self, path: &[Seg]) -> Option<Spot> {
        if self.from_yaml {
            return follow(self.yaml.as_ref()?, path).map(|n| Spot::At(n.pos));
        }
        let text = std::str::from_utf8(self.text).ok()?;
        let raw = raw_at(text, path)?;
        offset_in(self.text, raw).map(Spot::Offset)
    }

    /// Where the last ECDS entry named `name` is (YAML dumps; JSON dumps use its raw).
    pub fn ecds_entry(&self, name: &str, raw: &RawValue) -> Option<Spot> {
        if !self.from_yaml {
            return self.pos(&Place {
                raw: Some(raw),
                path: Vec::new(),
            });
        }
        let root = self.yaml.as_ref()?;
        field(root, "configs")?
            .items()
            .iter()
            .filter_map(|c| field(c, "ecds_filters"))
            .flat_map(|list| list.items())
            .rfind(|e| {
                field(e, "ecds_filter")
                    .and_then(|f| f.get("name"))
                    .and_then(Node::as_scalar)
                    == Some(name)
            })
            .map(|e| Spot::At(e.pos))
    }
}

/// A mapping's field in snake_case or camelCase.
fn field<'n>(node: &'n Node, name: &str) -> Option<&'n Node> {
    node.get(name).or_else(|| node.get(&to_camel(name)))
}

/// The raw JSON of the value at `path` in `text`, each key tried in snake_case and
/// camelCase.
fn raw_at<'t>(text: &'t str, path: &[Seg]) -> Option<&'t RawValue> {
    let mut here: &'t RawValue = serde_json::from_str(text).ok()?;
    for seg in path {
        here = match seg {
            Seg::Key(k) => {
                let fields: BTreeMap<String, &'t RawValue> =
                    serde_json::from_str(here.get()).ok()?;
                fields
                    .get(k.as_str())
                    .or_else(|| fields.get(&to_camel(k)))
                    .copied()?
            }
            Seg::Index(i) => {
                let items: Vec<&'t RawValue> = serde_json::from_str(here.get()).ok()?;
                items.get(*i).copied()?
            }
        };
    }
    Some(here)
}

fn follow<'n>(root: &'n Node, path: &[Seg]) -> Option<&'n Node> {
    path.iter().try_fold(root, |node, seg| match seg {
        Seg::Key(k) => field(node, k),
        Seg::Index(i) => node.items().get(*i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_camel_case() {
        assert_eq!(
            parse_path("configs[1].dynamic_listeners[2].active_state.listener"),
            [
                key("configs"),
                Seg::Index(1),
                key("dynamic_listeners"),
                Seg::Index(2),
                key("active_state"),
                key("listener")
            ]
        );
        assert_eq!(parse_path("[3]"), [Seg::Index(3)]);
        assert_eq!(to_camel("filter_chain_match"), "filterChainMatch");
    }

    #[test]
    fn follows_yaml_paths_in_either_spelling() {
        let yaml = "- name: l\n  filterChains:\n  - name: a\n  - name: b\n    filter_chain_match:\n      destination_port: 80\n";
        let doc = Document {
            from_yaml: true,
            ..Document::new("d.yaml", b"[]")
        };
        let loc = Locator::new(&doc, yaml);
        let place = Place {
            raw: None,
            path: parse_path("[0].filter_chains[1].filter_chain_match"),
        };
        assert_eq!(loc.pos(&place), Some(Spot::At(Pos { line: 6, column: 7 })));
        assert_eq!(
            loc.pos_of_path(&place.path),
            Some(Spot::At(Pos { line: 6, column: 7 }))
        );
    }

    #[test]
    fn follows_json_paths_from_the_top_in_either_spelling() {
        let text = "{\"configs\":[{},\n {\"dynamicListeners\":[{\"error_state\":\n  {\"details\":\"x\"}}]}]}";
        let doc = Document::new("d.json", text.as_bytes());
        let loc = Locator::new(&doc, text);
        let at = |path: &str| loc.pos_of_path(&parse_path(path)).map(|s| s.resolve(text));
        assert_eq!(
            at("configs[1].dynamic_listeners[0].error_state.details"),
            Some(Pos {
                line: 3,
                column: 14
            })
        );
        assert_eq!(at("configs[1].dynamic_listeners[1]"), None);
        assert_eq!(at("configs[0].dynamic_listeners"), None);
    }
}
