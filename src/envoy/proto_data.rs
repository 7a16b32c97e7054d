//! Which JSON values of a config dump are data rather than proto fields: the keys of a
//! `map<…>` field and everything inside a `google.protobuf.Struct`/`Value`/`ListValue`
//! (DOMAIN.md §1.4). The table itself, [`DATA_FIELDS`], is generated from Envoy's and xDS's
//! .proto files (`src/envoy/proto_maps.rs`, `tools/gen_proto_maps.py`); this file decides
//! which of its rows applies where a field name means data in one message and not in another.

// The generated table; kept as a separate file so it is regenerated whole.
include!("proto_maps.rs");

/// What a map field's values are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapValue {
    /// Strings, numbers or booleans: nothing below the key to re-case.
    Scalar,
    /// `google.protobuf.Struct`/`Value`: data all the way down.
    Struct,
    /// A message (often an `Any`): its field names are field names again.
    Message,
}

/// How a data-holding field is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `map<K, V>`: keys are data.
    Map(MapValue),
    /// `google.protobuf.Struct`, `Value` or `ListValue`: the whole value is data.
    Struct,
}

/// One proto field name that holds data in the messages named.
#[derive(Debug)]
pub struct DataField {
    /// The proto (snake_case) name.
    pub name: &'static str,
    /// protojson's name (`json_name`).
    pub json: &'static str,
    pub kind: FieldKind,
    /// The messages (full names) where the field has this kind.
    pub messages: &'static [&'static str],
    /// Field names whose type is one of `messages`; empty when the name is unambiguous.
    pub held_by: &'static [&'static str],
    /// Messages where a field of the same name is an ordinary message or has another kind.
    pub elsewhere: &'static [&'static str],
    /// Field names whose type is one of `elsewhere`.
    pub elsewhere_held_by: &'static [&'static str],
}

/// What is known about the message an object is: the `@type` it carries (an `Any`'s body)
/// and the proto name of the field that holds it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// The full message name from `@type`, without `type.googleapis.com/`.
    pub any_type: Option<&'a str>,
    /// The snake_case name of the field this object is the value (or list item) of.
    pub parent: Option<&'a str>,
}

/// The kind of the field named `snake` (proto spelling) inside an object in `context`, or
/// `None` for an ordinary field. A name that is data in some messages and an ordinary field
/// in others is settled by the object's `@type` when the protos know it, else by the field that
/// holds the object when only one side is held by a field of that name; otherwise it is
/// taken as an ordinary field, since re-casing a data key is visible but not destructive.
pub fn data_kind(snake: &str, context: Context<'_>) -> Option<FieldKind> {
    let start = DATA_FIELDS.partition_point(|f| f.name < snake);
    let rows = DATA_FIELDS[start..].iter().take_while(|f| f.name == snake);
    let mut found = None;
    for row in rows {
        if row.elsewhere.is_empty() {
            return Some(row.kind);
        }
        // A `@type` the protos know settles it; one they do not (Istio's own extensions)
        // leaves it to the holding field.
        let by_type = context
            .any_type
            .filter(|t| row.messages.contains(t) || row.elsewhere.contains(t));
        let applies = match (by_type, context.parent) {
            (Some(t), _) => row.messages.contains(&t),
            (None, Some(p)) => row.held_by.contains(&p) && !row.elsewhere_held_by.contains(&p),
            (None, None) => false,
        };
        if applies {
            found = Some(row.kind);
        }
    }
    found
}

/// protojson's name for a proto field: the table's `json_name` when the field is listed,
/// else protobuf's `ToJsonName` rule (`src/util/case.rs`).
pub fn json_name(snake: &str) -> Option<&'static str> {
    let start = DATA_FIELDS.partition_point(|f| f.name < snake);
    DATA_FIELDS
        .get(start)
        .filter(|f| f.name == snake)
        .map(|f| f.json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_by_name_for_the_binary_search() {
        assert!(DATA_FIELDS.windows(2).all(|w| w[0].name <= w[1].name));
    }

    #[test]
    fn unambiguous_maps_need_no_context() {
        // envoy.config.route.v3.Route.typed_per_filter_config: map<string, google.protobuf.Any>
        let kind = data_kind("typed_per_filter_config", Context::default());
        assert_eq!(kind, Some(FieldKind::Map(MapValue::Message)));
        // envoy.extensions.wasm.v3.EnvironmentVariables.key_values: map<string, string>
        let kind = data_kind("key_values", Context::default());
        assert_eq!(kind, Some(FieldKind::Map(MapValue::Scalar)));
        // envoy.config.core.v3.Metadata.typed_filter_metadata: map<string, google.protobuf.Any>
        let kind = data_kind("typed_filter_metadata", Context::default());
        assert_eq!(kind, Some(FieldKind::Map(MapValue::Message)));
        assert_eq!(data_kind("filter_chains", Context::default()), None);
    }

    #[test]
    fn metadata_is_a_struct_in_node_and_a_message_in_a_cluster() {
        // envoy.config.core.v3.Node.metadata: google.protobuf.Struct
        let node = Context {
            any_type: None,
            parent: Some("node"),
        };
        assert_eq!(data_kind("metadata", node), Some(FieldKind::Struct));
        // envoy.config.cluster.v3.Cluster.metadata: envoy.config.core.v3.Metadata
        let cluster = Context {
            any_type: Some("envoy.config.cluster.v3.Cluster"),
            parent: None,
        };
        assert_eq!(data_kind("metadata", cluster), None);
        let chain = Context {
            any_type: None,
            parent: Some("filter_chains"),
        };
        assert_eq!(data_kind("metadata", chain), None);
    }

    #[test]
    fn typed_struct_value_is_a_struct_by_its_type() {
        // xds.type.v3.TypedStruct.value and udpa.type.v1.TypedStruct.value: google.protobuf.Struct
        for t in ["xds.type.v3.TypedStruct", "udpa.type.v1.TypedStruct"] {
            let c = Context {
                any_type: Some(t),
                parent: None,
            };
            assert_eq!(data_kind("value", c), Some(FieldKind::Struct), "{t}");
        }
        let other = Context {
            any_type: Some("google.protobuf.UInt32Value"),
            parent: None,
        };
        assert_eq!(data_kind("value", other), None);
    }

    #[test]
    fn filter_metadata_keys_are_data_in_metadata() {
        // envoy.config.core.v3.Metadata.filter_metadata: map<string, google.protobuf.Struct>
        let c = Context {
            any_type: None,
            parent: Some("metadata"),
        };
        assert_eq!(
            data_kind("filter_metadata", c),
            Some(FieldKind::Map(MapValue::Struct))
        );
        assert_eq!(json_name("filter_metadata"), Some("filterMetadata"));
    }
}
