//! MS1011 yaml11-boolean: A YAML 1.1 boolean (yes/no/on/off) where a string is meant

#[allow(unused_imports)]
use super::{Context, Rule, Sink};
#[allow(unused_imports)]
use crate::istio::yaml_tree::Node;
use crate::lint::finding::Severity;

/// The rule.
pub static RULE: Rule = Rule {
    code: "MS1011",
    name: "yaml11-boolean",
    severity: Severity::Warning,
    summary: "A YAML 1.1 boolean (yes/no/on/off) where a string is meant",
    hint: "Quote the value, e.g. \"on\"",
    docs: include_str!("docs/MS1011.md"),
    check,
};

use crate::istio::yaml_tree::{Style, Value};
use crate::lint::validate::istio_kind;

const YAML11: [&str; 8] = ["yes", "no", "on", "off", "y", "n", "Yes", "No"];

fn is_yaml11_bool(s: &str) -> bool {
    YAML11.contains(&s) || ["YES", "NO", "ON", "OFF", "On", "Off", "Y", "N"].contains(&s)
}

fn walk(node: &Node, found: &mut Vec<(crate::istio::yaml_tree::Pos, String)>) {
    match &node.value {
        Value::Scalar(s, Style::Plain) if is_yaml11_bool(s) => found.push((node.pos, s.clone())),
        Value::Scalar(..) => {}
        Value::Seq(items) => items.iter().for_each(|n| walk(n, found)),
        Value::Map(entries) => entries.iter().for_each(|(_, v)| walk(v, found)),
    }
}

/// Warns on unquoted yes/no/on/off in Istio resources and in any object's labels.
pub fn check(ctx: &Context, sink: &mut Sink<'_>) {
    for (i, r) in ctx.resources.iter().enumerate() {
        let mut found = Vec::new();
        if istio_kind(r).is_some() {
            walk(&r.node, &mut found);
        } else if let Some(labels) = r.node.path(&["metadata", "labels"]) {
            walk(labels, &mut found);
        }
        for (pos, s) in found {
            sink.report(
                i,
                pos,
                format!(
                    "unquoted {s} is a boolean in YAML 1.1 (kubectl); quote it if a string is meant"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::test_support::{PA, run};

    fn count(yaml: &str) -> usize {
        run(&super::RULE, yaml, 30).len()
    }

    #[test]
    fn cases() {
        let p =
            |v: &str| format!("{PA}metadata: {{name: p, labels: {{canary: {v}}}}}\nspec: {{}}\n");
        assert_eq!(count(&p("on")), 1);
        assert_eq!(count(&p("\"on\"")), 0);
        assert_eq!(
            count(&p("true")),
            0,
            "a YAML 1.2 boolean is not this rule's business"
        );
    }
}
