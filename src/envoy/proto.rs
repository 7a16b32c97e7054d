//! Protobuf-JSON value rules shared by every model type (DOMAIN.md §1.4).
//!
//! Integers may arrive as numbers or strings, enums as names or numbers, and map fields
//! keep their order so that what we print follows the dump. Nothing here knows Envoy.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// A string that borrows from the dump unless it had escapes.
pub type Str<'a> = Cow<'a, str>;

struct U32Visitor;

impl<'de> Visitor<'de> for U32Visitor {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an unsigned 32-bit integer (number or string)")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
        u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
        u32::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u32, E> {
        if v.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&v) {
            Ok(v as u32)
        } else {
            Err(E::invalid_value(de::Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        v.trim()
            .parse()
            .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }

    /// A wrapper type written as an object (`{"value": 80}`) by some producers.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
        let mut value = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == "value" {
                value = Some(map.next_value_seed(U32Seed)?);
            } else {
                map.next_value::<de::IgnoredAny>()?;
            }
        }
        Ok(value.unwrap_or(0))
    }
}

struct U32Seed;

impl<'de> de::DeserializeSeed<'de> for U32Seed {
    type Value = u32;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_any(U32Visitor)
    }
}

/// `uint32` / `UInt32Value`: a number or a decimal string.
pub fn u32_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    d.deserialize_any(U32Visitor)
}

/// An optional `UInt32Value`; `null` is absent.
pub fn opt_u32_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an unsigned 32-bit integer or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            u32_lenient(d).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

/// `repeated uint32`: each element a number or a string.
pub fn vec_u32_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u32>, D::Error> {
    struct Seq;
    impl<'de> Visitor<'de> for Seq {
        type Value = Vec<u32>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of unsigned 32-bit integers")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(v) = seq.next_element_seed(U32Seed)? {
                out.push(v);
            }
            Ok(out)
        }
    }
    d.deserialize_any(Seq)
}

/// A protobuf enum field: a name, or a number mapped through `names` (index = number).
pub trait ProtoEnum: Sized {
    /// Enum value names in number order; a number past the end is kept as `Unknown`.
    const NAMES: &'static [&'static str];
    /// Builds the value from its position in `NAMES`, or `None` for an unknown name/number.
    fn from_index(index: usize) -> Self;
    /// The value for a name or number this build does not know.
    fn unknown() -> Self;
}

/// Deserializes any [`ProtoEnum`] from a name or a number.
pub fn proto_enum<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: ProtoEnum,
{
    struct EnumVisitor<T>(PhantomData<T>);
    impl<'de, T: ProtoEnum> Visitor<'de> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an enum name or number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
            Ok(T::NAMES
                .iter()
                .position(|n| *n == v)
                .map(T::from_index)
                .unwrap_or_else(T::unknown))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
            Ok(usize::try_from(v)
                .ok()
                .filter(|i| *i < T::NAMES.len())
                .map(T::from_index)
                .unwrap_or_else(T::unknown))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
            match u64::try_from(v) {
                Ok(u) => self.visit_u64(u),
                Err(_) => Ok(T::unknown()),
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<T, E> {
            Ok(T::from_index(0))
        }
    }
    d.deserialize_any(EnumVisitor(PhantomData))
}

/// A protobuf `map<string, V>` that keeps the dump's key order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderedMap<'a, V>(pub Vec<(Str<'a>, V)>);

impl<V> Default for OrderedMap<'_, V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<'a, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<'a, V>(PhantomData<(&'a (), V)>);
        impl<'de: 'a, 'a, V: Deserialize<'de>> Visitor<'de> for MapVisitor<'a, V> {
            type Value = OrderedMap<'a, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap(Vec::new()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<BorrowedStr<'a>>()? {
                    out.push((key.0, map.next_value()?));
                }
                Ok(OrderedMap(out))
            }
        }
        d.deserialize_map(MapVisitor(PhantomData))
    }
}

/// A `Cow<str>` that borrows from the input where serde can (map keys included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BorrowedStr<'a>(pub Str<'a>);

impl<'de: 'a, 'a> Deserialize<'de> for BorrowedStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = BorrowedStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(BorrowedStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(BorrowedStr(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(BorrowedStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Port {
        #[serde(deserialize_with = "u32_lenient")]
        port: u32,
    }

    #[test]
    fn u32_accepts_numbers_and_strings() {
        for (json, want) in [(r#"{"port":80}"#, 80), (r#"{"port":"8080"}"#, 8080)] {
            let p: Port = serde_json::from_str(json).unwrap();
            assert_eq!(p.port, want, "{json}");
        }
        assert!(serde_json::from_str::<Port>(r#"{"port":"eighty"}"#).is_err());
        assert!(serde_json::from_str::<Port>(r#"{"port":-1}"#).is_err());
        assert!(serde_json::from_str::<Port>(r#"{"port":true}"#).is_err());
    }

    #[test]
    fn ordered_map_keeps_order_and_borrows() {
        let json = r#"{"b":1,"a":2,"c\n":3}"#;
        let m: OrderedMap<u32> = serde_json::from_str(json).unwrap();
        let keys: Vec<&str> = m.0.iter().map(|(k, _)| k.as_ref()).collect();
        assert_eq!(keys, ["b", "a", "c\n"]);
        assert!(matches!(m.0[0].0, Cow::Borrowed(_)));
    }
}
