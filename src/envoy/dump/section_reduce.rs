//! Reads a listed section's text (routes, endpoints: a dynamic and a static list of
//! `{version_info, <object>, last_updated}` entries) and reduces each object as it is
//! decoded, in one scan: what a [`super::SectionHook`] of a command that only tabulates them
//! does, instead of keeping each object raw and decoding it again.
//!
//! It reads exactly what the loader's section parse does (the two lists and each entry's
//! fields with their camelCase spellings; the last of a repeated list; an entry without its
//! object skipped) and refuses whatever that parse or the decode would refuse, so that the
//! caller can fall back to the ordinary load and its error.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::sections::{ENDPOINTS_TYPE, ROUTES_TYPE};
use crate::envoy::proto::Str;

/// A section of two lists of entries that each hold one object, and its spellings.
#[derive(Debug, Clone, Copy)]
pub struct ListedSection {
    /// The section's `@type`.
    pub type_url: &'static str,
    /// The dynamic list's key, snake_case and camelCase.
    pub dynamic: [&'static str; 2],
    /// The static list's key.
    pub statics: [&'static str; 2],
    /// The entry's object field.
    pub object: [&'static str; 2],
}

/// `RoutesConfigDump`: route configurations.
pub const ROUTE_CONFIGS: ListedSection = ListedSection {
    type_url: ROUTES_TYPE,
    dynamic: ["dynamic_route_configs", "dynamicRouteConfigs"],
    statics: ["static_route_configs", "staticRouteConfigs"],
    object: ["route_config", "routeConfig"],
};

/// `EndpointsConfigDump`: cluster load assignments.
pub const ENDPOINT_CONFIGS: ListedSection = ListedSection {
    type_url: ENDPOINTS_TYPE,
    dynamic: ["dynamic_endpoint_configs", "dynamicEndpointConfigs"],
    statics: ["static_endpoint_configs", "staticEndpointConfigs"],
    object: ["endpoint_config", "endpointConfig"],
};

/// Whether the section `slice` opens with `"@type": type_url`.
pub(super) fn opens_as(slice: &[u8], type_url: &str) -> bool {
    let head = String::from_utf8_lossy(&slice[..slice.len().min(512)]);
    section_type(&head) == Some(type_url)
}

/// The `@type` a section's text opens with (`{"@type": "…"`), if it opens so.
fn section_type(text: &str) -> Option<&str> {
    let rest = text.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"@type\"")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
    rest.find('"').map(|end| &rest[..end])
}

/// Each object of the section `text` (a `what` section) decoded as `T` and reduced by
/// `reduce`: the dynamic ones, then the static ones (istioctl's order before its sort);
/// `None` when `text` is another section.
pub fn reduce_listed<'a, T: Deserialize<'a>, R>(
    text: &'a str,
    what: &ListedSection,
    reduce: &(dyn Fn(T) -> R + Sync),
) -> Option<Result<Vec<R>, serde_json::Error>> {
    if section_type(text) != Some(what.type_url) {
        return None;
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let read = de
        .deserialize_map(SectionVisitor {
            what,
            reduce,
            object: PhantomData,
        })
        .and_then(|lists| de.end().map(|()| lists));
    Some(read.map(|(mut dynamic, statics)| {
        dynamic.extend(statics);
        dynamic
    }))
}

type Reduce<'r, T, R> = &'r (dyn Fn(T) -> R + Sync);

struct SectionVisitor<'r, T, R> {
    what: &'r ListedSection,
    reduce: Reduce<'r, T, R>,
    object: PhantomData<T>,
}

impl<'a, T: Deserialize<'a>, R> Visitor<'a> for SectionVisitor<'_, T, R> {
    type Value = (Vec<R>, Vec<R>);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a config dump section")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut dynamic, mut statics) = (Vec::new(), Vec::new());
        while let Some(key) = map.next_key::<Str<'a>>()? {
            let list = ListSeed {
                what: self.what,
                reduce: self.reduce,
                object: PhantomData,
            };
            if self.what.dynamic.contains(&key.as_ref()) {
                dynamic = map.next_value_seed(list)?;
            } else if self.what.statics.contains(&key.as_ref()) {
                statics = map.next_value_seed(list)?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok((dynamic, statics))
    }
}

struct ListSeed<'r, T, R> {
    what: &'r ListedSection,
    reduce: Reduce<'r, T, R>,
    object: PhantomData<T>,
}

impl<'a, T: Deserialize<'a>, R> DeserializeSeed<'a> for ListSeed<'_, T, R> {
    type Value = Vec<R>;

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Vec<R>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'a, T: Deserialize<'a>, R> Visitor<'a> for ListSeed<'_, T, R> {
    type Value = Vec<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of entries")
    }

    fn visit_seq<S: SeqAccess<'a>>(self, mut seq: S) -> Result<Vec<R>, S::Error> {
        let mut out = Vec::new();
        while let Some(reduced) = seq.next_element_seed(EntrySeed {
            what: self.what,
            reduce: self.reduce,
            object: PhantomData,
        })? {
            out.extend(reduced);
        }
        Ok(out)
    }
}

/// One `{version_info, <object>, last_updated}` entry, as the derived reader of the
/// loader's section parse takes it (a repeated field is an error there too).
struct EntrySeed<'r, T, R> {
    what: &'r ListedSection,
    reduce: Reduce<'r, T, R>,
    object: PhantomData<T>,
}

impl<'a, T: Deserialize<'a>, R> DeserializeSeed<'a> for EntrySeed<'_, T, R> {
    type Value = Option<R>;

    fn deserialize<D: Deserializer<'a>>(self, d: D) -> Result<Option<R>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'a, T: Deserialize<'a>, R> Visitor<'a> for EntrySeed<'_, T, R> {
    type Value = Option<R>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an entry")
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Option<R>, A::Error> {
        let (mut version, mut object, mut updated) = (false, None, false);
        while let Some(key) = map.next_key::<Str<'a>>()? {
            match key.as_ref() {
                "version_info" | "versionInfo" => {
                    once(&mut version, "version_info")?;
                    map.next_value::<Str<'a>>()?;
                }
                "last_updated" | "lastUpdated" => {
                    once(&mut updated, "last_updated")?;
                    map.next_value::<Str<'a>>()?;
                }
                k if self.what.object.contains(&k) => {
                    if object.is_some() {
                        return Err(de::Error::duplicate_field(self.what.object[0]));
                    }
                    object = Some(map.next_value::<Option<T>>()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(object.flatten().map(self.reduce))
    }
}

fn once<E: de::Error>(seen: &mut bool, field: &'static str) -> Result<(), E> {
    if std::mem::replace(seen, true) {
        return Err(E::duplicate_field(field));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envoy::route::RouteConfiguration;

    #[test]
    fn reads_the_section_type() {
        assert_eq!(
            section_type(" { \"@type\" :\n \"type.x/Routes\", \"a\": 1}"),
            Some("type.x/Routes")
        );
        assert_eq!(section_type("{\"a\": 1}"), None);
    }

    fn names(text: &str) -> Option<Result<Vec<String>, serde_json::Error>> {
        let name = |c: RouteConfiguration<'_>| c.name.to_string();
        reduce_listed(text, &ROUTE_CONFIGS, &name)
    }

    /// Dynamic then static, the last of a repeated list, entries without a configuration
    /// skipped; what the section parse refuses is refused; another section is not read.
    #[test]
    fn reduces_as_the_section_parse_reads() {
        let text = r#"{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","static_route_configs":[{"route_config":{"name":"s"}}],
            "dynamic_route_configs":[{"route_config":{"name":"old"}}],
            "dynamicRouteConfigs":[{"versionInfo":"1","route_config":{"name":"a"},"last_updated":"x"},
              {"version_info":"2"},{"route_config":null},{"routeConfig":{"name":"b"},"extra":[1]}]}"#;
        assert_eq!(names(text).unwrap().unwrap(), ["a", "b", "s"]);
        let other = r#"{"@type":"type.googleapis.com/envoy.admin.v3.ClustersConfigDump"}"#;
        assert!(names(other).is_none());
        let head = r#"{"@type":"type.googleapis.com/envoy.admin.v3.RoutesConfigDump","#;
        for bad in [
            r#""dynamic_route_configs":[{"route_config":{"name":"a"},"routeConfig":{}}]}"#,
            r#""dynamic_route_configs":[{"version_info":1}]}"#,
            r#""dynamic_route_configs":[{"route_config":{"virtual_hosts":7}}]}"#,
            r#""dynamic_route_configs":null}"#,
            r#""dynamic_route_configs":[]} x"#,
        ] {
            assert!(names(&format!("{head}{bad}")).unwrap().is_err(), "{bad}");
        }
    }
}
