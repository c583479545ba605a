//! Values Armor sends in more than one shape: an object or a list of one ([`One`]),
//! a list or one object or nothing ([`many`], [`items`]), and the answer to a change,
//! whatever objects it holds ([`Answer`]).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Required: an object, or a list of exactly one object.
pub fn one<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<T, D::Error> {
    One::<T>::deserialize(d).map(|o| o.0)
}

/// A value the API sends as an object or as a one-element list (v1 detail endpoints).
#[derive(Debug, Clone, PartialEq)]
pub struct One<T>(pub T);

impl<T: Serialize> Serialize for One<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for One<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = One<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object or a list of one object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(One)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let first: T = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("expected one object, found an empty list"))?;
                let mut more = 0usize;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {
                    more += 1;
                }
                if more > 0 {
                    return Err(de::Error::custom(format!(
                        "expected one object, found a list of {}",
                        more + 1
                    )));
                }
                Ok(One(first))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// What a change answered (a power action, a rename, an order): the objects of an object
/// or of a list of any length. Anything else (`true`, a number, a string, `null`) holds
/// none, and so do elements of a list that do not decode as `T`: the server acted, and
/// its answer is only a description of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer<T>(pub Vec<T>);

impl<T> Default for Answer<T> {
    fn default() -> Self {
        Answer(Vec::new())
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Answer<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Answer(match Value::deserialize(d)? {
            v @ Value::Object(_) => T::deserialize(v).ok().into_iter().collect(),
            Value::Array(list) => list.into_iter().filter_map(|v| T::deserialize(v).ok()).collect(),
            _ => Vec::new(),
        }))
    }
}

/// A list: a JSON array (elements must decode), one object as a list of one, and
/// `null` or any other value as an empty list.
pub fn many<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(x) = seq.next_element()? {
                out.push(x);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            // An empty object stands for "nothing" as often as an empty list does.
            let v = Map::<String, Value>::deserialize(de::value::MapAccessDeserializer::new(map))?;
            if v.is_empty() {
                return Ok(Vec::new());
            }
            T::deserialize(Value::Object(v)).map(|t| vec![t]).map_err(de::Error::custom)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V(PhantomData))
}

/// A list whose elements are optional: like [`many`], but elements that do not decode
/// are dropped.
pub fn items<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let list: Vec<Value> = many(d)?;
    Ok(list.into_iter().filter_map(|v| T::deserialize(v).ok()).collect())
}
