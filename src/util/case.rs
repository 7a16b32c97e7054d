//! Proto field-name spelling: snake_case (the proto source and Envoy's own dumps) and
//! lowerCamelCase (protojson). The one converter pair of the crate; it knows no field names,
//! so which keys are data and must keep their spelling is the caller's call.

/// `vm_config` → `vmConfig`; `@type` and names without `_` are unchanged. protobuf's
/// `ToJsonName`: only an ASCII lower-case letter after `_` is upper-cased (`x_509` → `x509`).
pub fn to_camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// `vmConfig` → `vm_config`; only ASCII capitals start a word, as in protojson names.
pub fn to_snake(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_both_ways() {
        let cases = [
            ("vm_config", "vmConfig"),
            ("@type", "@type"),
            ("name", "name"),
            ("filter_chain_match", "filterChainMatch"),
        ];
        for (snake, camel) in cases {
            assert_eq!(to_camel(snake), camel);
            assert_eq!(to_snake(camel), snake);
        }
        // Digits and non-ASCII after `_` are kept as they are, as protobuf's ToJsonName does.
        assert_eq!(to_camel("x_509"), "x509");
        assert_eq!(
            to_camel("max_requests_per_connection"),
            "maxRequestsPerConnection"
        );
        assert_eq!(to_camel("a_é"), "aé");
    }
}
