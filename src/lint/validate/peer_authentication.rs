//! PeerAuthentication (`security.istio.io/v1beta1`, `v1` from 1.22): CRD schema, CEL rules
//! and webhook checks per release (DOMAIN.md §7–8).

use crate::istio::yaml_tree::Node;

use super::releases::{Check, Rules};
use super::schema::{Schema, Ty, Walker};
use super::selector::{check_selector, selector_schema};
use super::{Layer, Violation, key_pos};

fn mode() -> Schema {
    Schema::enumeration(vec!["UNSET", "DISABLE", "PERMISSIVE", "STRICT"])
}

/// Every PeerAuthentication rejection under `rules`.
pub fn validate(spec: &Node, rules: &Rules, out: &mut Vec<Violation>) {
    let version = rules.version;
    let port_level = Schema {
        min_properties: Some(1).filter(|_| rules.has(Check::PortLevelMinProperties)),
        ..Schema::of(Ty::Map(Box::new(Schema::object(vec![
            mode().field("mode", 12),
        ]))))
    };
    let schema = Schema::object(vec![
        selector_schema(rules).field("selector", 12),
        Schema::object(vec![mode().field("mode", 12)]).field("mtls", 12),
        port_level.field("portLevelMtls", 12),
    ]);
    Walker { version, out }.walk(spec, &schema, "spec");
    check_selector(spec, rules, out);

    let Some(ports) = spec.get("portLevelMtls").filter(|p| !p.is_null()) else {
        return;
    };
    let has_labels = spec
        .path(&["selector", "matchLabels"])
        .is_some_and(|m| !m.entries().is_empty());
    // From 1.23 the CRD's CEL rules answer every port-level case before the webhook.
    if rules.has(Check::PeerAuthenticationCel) {
        if !has_labels {
            out.push(Violation::new(
                Layer::Cel,
                key_pos(spec, "portLevelMtls"),
                "spec: Invalid value: \"object\": portLevelMtls requires selector",
            ));
        }
        for (k, _) in ports.entries() {
            // The rule is `0 < int(key) <= 65535`: a key that is no integer fails the
            // conversion, which the API server reports as the rule's evaluation error
            // (Istio's testdata/crds/peerauth-invalid.yaml document `bad-port`).
            let message = match k.display().parse::<i64>() {
                Ok(p) if (1..=65535).contains(&p) => continue,
                Ok(_) => {
                    "spec.portLevelMtls: Invalid value: \"object\": port must be between 1-65535"
                }
                Err(_) => {
                    "spec.portLevelMtls: Invalid value: \"object\": type conversion error from 'string' to 'int' evaluating rule: port must be between 1-65535"
                }
            };
            out.push(Violation::new(Layer::Cel, k.pos, message));
        }
        return;
    }
    if ports.entries().is_empty() {
        out.push(Violation::new(
            Layer::Webhook,
            ports.pos,
            "port level mTLS, if defined, must have at least one element",
        ));
        return;
    }
    if !has_labels {
        out.push(Violation::new(
            Layer::Webhook,
            key_pos(spec, "portLevelMtls"),
            "mesh/namespace peer authentication cannot have port level mTLS",
        ));
    }
    for (k, _) in ports.entries() {
        match k.display().parse::<u32>() {
            Ok(0) => out.push(Violation::new(Layer::Webhook, k.pos, "port cannot be 0")),
            Ok(_) => {}
            Err(_) => out.push(Violation::new(
                Layer::Webhook,
                k.pos,
                format!(
                    "spec.portLevelMtls: cannot decode key {:?} as a port number",
                    k.display()
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Layer;
    use crate::istio::yaml_tree::parse_documents;

    fn run(yaml: &str, version: u32) -> Vec<(Layer, String)> {
        let spec = parse_documents(yaml).unwrap().remove(0);
        let mut out = Vec::new();
        super::validate(&spec, &super::Rules::at(version), &mut out);
        out.into_iter().map(|v| (v.layer, v.message)).collect()
    }

    #[test]
    fn port_level_without_selector() {
        let y = "mtls: {mode: STRICT}\nportLevelMtls:\n  8080: {mode: DISABLE}\n";
        assert_eq!(
            run(y, 12),
            vec![(
                Layer::Webhook,
                "mesh/namespace peer authentication cannot have port level mTLS".into()
            )]
        );
        assert_eq!(run(y, 23)[0].0, Layer::Cel);
    }

    #[test]
    fn port_zero() {
        let y = "selector: {matchLabels: {app: a}}\nportLevelMtls:\n  0: {mode: DISABLE}\n";
        assert_eq!(
            run(y, 22),
            vec![(Layer::Webhook, "port cannot be 0".into())]
        );
        assert_eq!(run(y, 30).len(), 1);
    }

    #[test]
    fn valid() {
        let y = "selector: {matchLabels: {app: a}}\nmtls: {mode: STRICT}\nportLevelMtls:\n  8080: {mode: DISABLE}\n";
        for v in 12..=30 {
            assert!(run(y, v).is_empty());
        }
    }
}
