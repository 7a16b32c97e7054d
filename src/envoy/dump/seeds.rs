//! The top of a document (`{"configs": [...]}` or a bare listener array) and skipped
//! values, as serde seeds that tell the text check where the parser is.

use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::Sections;
use super::Top;
use super::sections::{Section, SectionSeed};
use super::text_check::TextCheck;
use crate::envoy::listener::Listener;
use crate::envoy::proto::BorrowedStr;

/// How the loader keeps each listener: its raw JSON (decoded on demand, so a command pays
/// only for the listeners it reads) or the decoded model (for commands that read all).
pub trait ListenerBody<'de>: Deserialize<'de> {
    /// A slice of the text in it, which tells the text check where the parser is.
    fn landmark(&self) -> Option<&str>;
    /// False for an element of a bare array that is not an object (not a listener list).
    fn is_object(&self) -> bool;
}

impl<'de> ListenerBody<'de> for &'de RawValue {
    fn landmark(&self) -> Option<&str> {
        Some(self.get())
    }
    fn is_object(&self) -> bool {
        self.get().starts_with('{')
    }
}

impl<'de> ListenerBody<'de> for Box<Listener<'de>> {
    fn landmark(&self) -> Option<&str> {
        match &self.name {
            std::borrow::Cow::Borrowed(name) => Some(name),
            std::borrow::Cow::Owned(_) => None,
        }
    }
    fn is_object(&self) -> bool {
        true
    }
}

/// Tells the text check where the parser is; a no-op on the reference parse.
pub(super) fn passed(check: Option<&TextCheck<'_>>, seen: &str) {
    if let Some(c) = check {
        c.passed(seen);
    }
}

/// Skips a value. On the fast path (`check` set) the elements of an array and the entries
/// of an object are taken as raw values, which serde_json checks to be UTF-8 while they
/// are still in the cache, and which tell the text check how far the parser got.
pub(super) struct Skip<'c> {
    pub(super) check: Option<&'c TextCheck<'c>>,
}

impl<'de> DeserializeSeed<'de> for Skip<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        match self.check {
            None => IgnoredAny::deserialize(d).map(|_| ()),
            Some(_) => d.deserialize_any(self),
        }
    }
}

impl<'de> Visitor<'de> for Skip<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            passed(self.check, raw.get());
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            passed(self.check, &key.0);
            let raw = map.next_value::<&'de RawValue>()?;
            passed(self.check, raw.get());
        }
        Ok(())
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<(), E> {
        passed(self.check, v);
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

pub(super) struct TopSeed<'c, L> {
    sections: Sections,
    check: Option<&'c TextCheck<'c>>,
    body: PhantomData<L>,
}

impl<'c, L> TopSeed<'c, L> {
    pub(super) fn new(sections: Sections, check: Option<&'c TextCheck<'c>>) -> Self {
        TopSeed {
            sections,
            check,
            body: PhantomData,
        }
    }
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for TopSeed<'_, L> {
    type Value = Top<'de, L>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for TopSeed<'_, L> {
    type Value = Top<'de, L>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an Envoy config dump object or an array of listeners")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut configs = None;
        while let Some(key) = map.next_key::<BorrowedStr<'de>>()? {
            passed(self.check, &key.0);
            if key.0 == "configs" {
                configs = Some(map.next_value_seed(ConfigsSeed {
                    sections: self.sections,
                    check: self.check,
                    body: PhantomData::<L>,
                })?);
            } else {
                map.next_value_seed(Skip { check: self.check })?;
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
            if let Some(seen) = listener.landmark() {
                passed(self.check, seen);
            }
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

struct ConfigsSeed<'c, L> {
    sections: Sections,
    check: Option<&'c TextCheck<'c>>,
    body: PhantomData<L>,
}

impl<'de, L: ListenerBody<'de>> DeserializeSeed<'de> for ConfigsSeed<'_, L> {
    type Value = Vec<Section<'de, L>>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, L: ListenerBody<'de>> Visitor<'de> for ConfigsSeed<'_, L> {
    type Value = Vec<Section<'de, L>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of config sections")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(section) = seq.next_element_seed(SectionSeed {
            sections: self.sections,
            check: self.check,
            body: PhantomData::<L>,
        })? {
            out.push(section);
        }
        Ok(out)
    }
}
