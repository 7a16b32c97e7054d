//! Just where a listener binds, read without decoding the rest of it.
//!
//! `pc listener --port/--address` keeps a handful of listeners out of thousands; reading
//! each one whole only to drop it would double the work on big dumps. Envoy writes fields
//! in proto field order (`name`, `address`, `filter_chains`, …), so the primary address is
//! known after a few bytes and the scan stops there. Any other order still works, with a
//! full (skipping) scan of that listener.

use std::fmt;

use serde::Deserializer;
use serde::de::{IgnoredAny, MapAccess, Visitor};

use crate::envoy::listener::{AdditionalAddress, Address};
use crate::envoy::proto::BorrowedStr;

/// A listener's addresses.
#[derive(Debug, Clone, Default)]
pub struct ListenerHead<'a> {
    pub address: Option<Address<'a>>,
    pub additional_addresses: Vec<AdditionalAddress<'a>>,
}

/// Reads the head of a listener from its JSON text. `with_additional` also reads the
/// additional addresses, which come late in the object (so the scan goes to its end).
pub fn decode_head<'a>(
    json: &'a str,
    with_additional: bool,
) -> Result<ListenerHead<'a>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(json);
    let mut head = ListenerHead::default();
    let mut complete = false;
    let scanned = de.deserialize_map(HeadVisitor {
        head: &mut head,
        complete: &mut complete,
        with_additional,
    });
    // A scan that stopped early leaves the object unfinished, which serde_json reports as
    // it returns; the head is complete all the same.
    match scanned {
        Ok(()) => Ok(head),
        Err(_) if complete => Ok(head),
        Err(e) => Err(e),
    }
}

struct HeadVisitor<'h, 'a> {
    head: &'h mut ListenerHead<'a>,
    /// Set when the scan stops on purpose after the address.
    complete: &'h mut bool,
    with_additional: bool,
}

impl<'de: 'a, 'a> Visitor<'de> for HeadVisitor<'_, 'a> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a listener object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen_address = false;
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            match key.0.as_ref() {
                "address" => {
                    self.head.address = map.next_value()?;
                    seen_address = true;
                }
                "additional_addresses" | "additionalAddresses" => {
                    self.head.additional_addresses = map.next_value()?;
                }
                // Fields that sort before `address` in proto order.
                "@type" | "name" => {
                    map.next_value::<IgnoredAny>()?;
                }
                _ if seen_address && !self.with_additional => {
                    *self.complete = true;
                    return Ok(());
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stops_after_the_address_but_reads_any_order() {
        let first = r#"{"name":"l","address":{"socket_address":{"address":"0.0.0.0","port_value":15006}},
                        "filter_chains":[BROKEN"#;
        let head = decode_head(first, false).unwrap();
        let port = head.address.unwrap().socket_address.unwrap().port_value;
        assert_eq!(port, 15006, "stopped before the broken tail");

        let late = r#"{"filter_chains":[],"additionalAddresses":[{"address":{"socketAddress":{"address":"::"}}}],
                       "address":{"socketAddress":{"address":"0.0.0.0","portValue":80}}}"#;
        let head = decode_head(late, true).unwrap();
        assert_eq!(head.additional_addresses.len(), 1);
        assert_eq!(head.address.unwrap().socket_address.unwrap().port_value, 80);
    }

    #[test]
    fn real_errors_still_surface() {
        assert!(
            decode_head(
                r#"{"address":{"socket_address":{"port_value":true}}}"#,
                false
            )
            .is_err()
        );
        assert!(decode_head("[]", false).is_err());
    }
}
