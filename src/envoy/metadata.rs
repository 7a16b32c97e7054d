//! `envoy.config.core.v3.Metadata`, as far as Istio's own entry in it is read: the
//! `istio` filter metadata's `config`, the Istio resource that produced a cluster or route.

use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::envoy::proto::{OrderedMap, Str};

/// `envoy.config.core.v3.Metadata`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Metadata<'a> {
    /// `filter_metadata`: a map from filter name to a `google.protobuf.Struct`; its keys are
    /// data (DOMAIN.md §1.4), so only the `istio` key is read, as it is spelled.
    #[serde(borrow, default, alias = "filterMetadata")]
    pub filter_metadata: FilterMetadata<'a>,
}

/// `envoy.config.core.v3.Metadata` with every `filter_metadata` entry kept: each filter's
/// Struct as its fields, values raw, in the dump's order.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StructMetadata<'a> {
    #[serde(borrow, default, alias = "filterMetadata")]
    pub filter_metadata: OrderedMap<'a, OrderedMap<'a, &'a RawValue>>,
}

impl<'a> StructMetadata<'a> {
    /// The fields of filter `name`'s Struct; empty when it has none.
    pub fn fields(&self, name: &str) -> &[(Str<'a>, &'a RawValue)] {
        (self.filter_metadata.0.iter())
            .find(|(k, _)| k.as_ref() == name)
            .map_or(&[], |(_, v)| v.0.as_slice())
    }

    /// Field `field` of filter `name`'s Struct when it is a string.
    pub fn string(&self, name: &str, field: &str) -> Option<String> {
        let (_, raw) = self
            .fields(name)
            .iter()
            .find(|(k, _)| k.as_ref() == field)?;
        serde_json::from_str::<String>(raw.get()).ok()
    }
}

/// The entries of `filter_metadata` that meshscope reads.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterMetadata<'a> {
    #[serde(borrow, default)]
    pub istio: Option<IstioMetadata<'a>>,
}

/// The `istio` Struct Istio writes on clusters and routes (pilot/pkg/networking/util).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct IstioMetadata<'a> {
    /// The `config` field as a `google.protobuf.Value`, kept raw: `null` included, since a
    /// present field that is not a string still differs from an absent one.
    #[serde(borrow, default, deserialize_with = "present")]
    pub config: Option<&'a RawValue>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&'de RawValue>::deserialize(d).map(Some)
}

/// What `filter_metadata.istio.config` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IstioConfig<'a> {
    /// No metadata, no `istio` entry, or no `config` in it.
    Absent,
    /// A string value: the resource's API path.
    Path(Str<'a>),
    /// A value of another kind (number, list, null, …).
    NotAString,
}

impl<'a> Metadata<'a> {
    /// The `istio` entry's `config`.
    pub fn istio_config(&self) -> IstioConfig<'a> {
        let Some(raw) = self
            .filter_metadata
            .istio
            .as_ref()
            .and_then(|istio| istio.config)
        else {
            return IstioConfig::Absent;
        };
        match serde_json::from_str::<Str<'a>>(raw.get()) {
            Ok(path) => IstioConfig::Path(path),
            Err(_) => IstioConfig::NotAString,
        }
    }
}

/// [`Metadata::istio_config`] of optional metadata.
pub fn istio_config<'a>(metadata: Option<&Metadata<'a>>) -> IstioConfig<'a> {
    metadata.map_or(IstioConfig::Absent, Metadata::istio_config)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(json: &str) -> IstioConfig<'_> {
        serde_json::from_str::<Metadata<'_>>(json)
            .unwrap()
            .istio_config()
    }

    #[test]
    fn reads_the_istio_config_in_either_spelling() {
        let path = "/apis/networking.istio.io/v1/namespaces/default/destination-rule/httpbin";
        let snake = format!(r#"{{"filter_metadata":{{"istio":{{"config":"{path}"}}}}}}"#);
        let camel = format!(r#"{{"filterMetadata":{{"istio":{{"config":"{path}"}}}}}}"#);
        assert_eq!(config(&snake), IstioConfig::Path(path.into()));
        assert_eq!(config(&camel), IstioConfig::Path(path.into()));
    }

    #[test]
    fn absent_and_other_values_differ() {
        assert_eq!(config("{}"), IstioConfig::Absent);
        assert_eq!(
            config(r#"{"filter_metadata":{"other":{"config":"x"}}}"#),
            IstioConfig::Absent
        );
        assert_eq!(
            config(r#"{"filter_metadata":{"istio":{}}}"#),
            IstioConfig::Absent
        );
        assert_eq!(
            config(r#"{"filter_metadata":{"istio":{"config":null}}}"#),
            IstioConfig::NotAString
        );
        assert_eq!(
            config(r#"{"filter_metadata":{"istio":{"config":7}}}"#),
            IstioConfig::NotAString
        );
    }
}
