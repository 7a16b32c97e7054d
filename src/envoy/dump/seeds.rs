//! The top of a document: `{"configs": [...]}`, whose sections `sections.rs` reads, or a
//! bare listener array.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::body::ListenerBody;
use super::model::Wanted;
use super::sections::{Section, SectionSeed};
use crate::envoy::proto::BorrowedStr;

/// What the top level of a dump turned out to be.
pub(super) enum Top<'a, L> {
    Configs(Vec<Section<'a, L>>),
    Listeners(Vec<L>),
    NotADump(String),
}

pub(super) struct TopSeed<L> {
    sections: Wanted,
    body: PhantomData<L>,
}

impl<L> TopSeed<L> {
    pub(super) fn new(sections: Wanted) -> Self {
        TopSeed {
            sections,
            body: PhantomData,
        }
    }
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for TopSeed<L> {
    type Value = Top<'de, L>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for TopSeed<L> {
    type Value = Top<'de, L>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Envoy config dump object or an array of listeners")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut configs = None;
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            if key.0 == "configs" {
                configs = Some(map.next_value_seed(ConfigsSeed {
                    sections: self.sections,
                    body: PhantomData::<L>,
                })?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(match configs {
            Some(c) => Top::Configs(c),
            None => Top::NotADump("an object without \"configs\"".into()),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        let mut not_object = None;
        while let Some(listener) = seq.next_element::<L>()? {
            if not_object.is_none() && !listener.is_object() {
                not_object = Some(out.len());
            }
            out.push(listener);
        }
        Ok(match not_object {
            Some(i) => Top::NotADump(format!("an array whose element {i} is not an object")),
            None => Top::Listeners(out),
        })
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a string".into()))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a boolean".into()))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Top::NotADump("a number".into()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Top::NotADump("null".into()))
    }
}

struct ConfigsSeed<L> {
    sections: Wanted,
    body: PhantomData<L>,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for ConfigsSeed<L> {
    type Value = Vec<Section<'de, L>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for ConfigsSeed<L> {
    type Value = Vec<Section<'de, L>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of config sections")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(section) = seq.next_element_seed(SectionSeed {
            sections: self.sections,
            body: PhantomData::<L>,
        })? {
            out.push(section);
        }
        Ok(out)
    }
}
