//! The tolerant reader: how `armor` decodes Armor's loose, .NET-serialized responses.
//!
//! One mechanism for every model:
//!
//! * [`from_slice`] / [`from_value`] decode a whole body. They bring PascalCase
//!   property names to camelCase ([`camel_case_keys`]; [`from_slice`] does it on the
//!   bytes, found by one [`Scan`] that also counts the body's values, without a `Value`
//!   tree). A failure names the JSON path (`accounts[1].id`), found by decoding again
//!   with `serde_path_to_error` (only then: tracking the path costs on every value).
//! * Fields a command needs (a token, an expiry, an account id) use plain, strict types:
//!   missing or invalid is an error.
//! * Every other field uses one of the `deserialize_with` helpers below, with
//!   `#[serde(default)]`: `null`, a missing field, or a value of an unexpected JSON type
//!   becomes `None` (or an empty list), never an error.
//!
//! | helper | field type | accepts |
//! |---|---|---|
//! | [`text`] | `Option<String>` | a string (trimmed; blank is absent), a number or a bool as text |
//! | [`int`] | `Option<i64>` | an integer, an integral float, a numeric string (`-1` and `0` are values) |
//! | [`flag`] | `Option<bool>` | a bool, `"true"`/`"false"`, `0`/`1` |
//! | [`timestamp`] | `Option<Timestamp>` | RFC 3339, or a date-time without a zone (read as UTC) |
//! | [`opt`] | `Option<T>` | whatever decodes as `T` |
//! | [`many`] | `Vec<T>` | a list, or one object as a list of one; `null` or anything else is empty |
//! | [`items`] | `Vec<T>` | like [`many`], but drops elements that do not decode |
//! | [`one`] / [`One`] | `T` | an object, or a list of exactly one |

use jiff::Timestamp;
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod lists;
mod scan;
pub use lists::{Answer, One, items, many, one};
pub use scan::{Scan, count_values};

/// A body that did not decode: where, and why.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
#[error("at JSON path {json_path}")]
pub struct DecodeError {
    /// The JSON path of the failing value, e.g. `accounts[1].id` (`.` for the root).
    pub json_path: String,
    /// What was wrong there.
    #[source]
    pub source: serde_json::Error,
}

/// Decodes a response body as `T`, tolerating PascalCase names; errors name the JSON path.
/// Bytes that are not UTF-8 (a server sending Latin-1 text) become U+FFFD rather than
/// failing the whole body.
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeError> {
    decode(body, Scan::of(body, u64::MAX))
}

/// Decodes a body already scanned by [`Scan::of`] (which counted its values), as
/// [`from_slice`] does.
///
/// The body is decoded straight into `T`, without an intermediate `serde_json::Value`
/// tree: PascalCase keys found by the scan are renamed in place (the camelCase name has
/// the same length), then plain `serde_json` decodes. Only when that fails (a syntax
/// error, a missing required field, a key twice) is the body decoded again the careful
/// way: every object checked, `serde_path_to_error` to name the path that failed, and a
/// `Value` tree for a body the bytes cannot be renamed in (an object with the same key
/// twice keeps the last, as a `Value` does; an escaped PascalCase key).
pub fn decode<T: DeserializeOwned>(body: &[u8], scan: Scan) -> Result<T, DecodeError> {
    // Not UTF-8: serde_json refuses the string, and the careful way makes it U+FFFD.
    let quick = match scan.renames {
        Some(renames) if renames.is_empty() => serde_json::from_slice(body),
        Some(renames) => serde_json::from_slice(&renamed(body, &renames)),
        None => return careful(body),
    };
    quick.or_else(|_| careful(body))
}

/// `body` with the bytes at `renames` lower-cased.
fn renamed(body: &[u8], renames: &[usize]) -> Vec<u8> {
    let mut bytes = body.to_vec();
    for &at in renames {
        bytes[at] = bytes[at].to_ascii_lowercase();
    }
    bytes
}

/// The careful way: every object checked, errors naming their JSON path.
fn careful<T: DeserializeOwned>(text: &[u8]) -> Result<T, DecodeError> {
    if std::str::from_utf8(text).is_err() {
        return careful(String::from_utf8_lossy(text).as_bytes());
    }
    let Some(renames) = scan::scan(text, u64::MAX, true).renames else {
        let value: Value =
            serde_json::from_slice(text).map_err(|source| DecodeError { json_path: ".".into(), source })?;
        return from_value(value);
    };
    let text = renamed(text, &renames);
    let mut de = serde_json::Deserializer::from_slice(&text);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| DecodeError { json_path: e.path().to_string(), source: e.into_inner() })?;
    de.end().map_err(|source| DecodeError { json_path: ".".into(), source })?;
    Ok(value)
}

/// Decodes a JSON value as `T`, tolerating PascalCase names; errors name the JSON path.
pub fn from_value<T: DeserializeOwned>(mut value: Value) -> Result<T, DecodeError> {
    camel_case_keys(&mut value);
    serde_path_to_error::deserialize(value)
        .map_err(|e| DecodeError { json_path: e.path().to_string(), source: e.into_inner() })
}

/// Renames PascalCase object keys to camelCase at every depth (`UserName` → `userName`,
/// `ID` → `id`), unless the camelCase key is also present. Keys that are not PascalCase
/// (`ARMOR-COMPLETE`, `1000`, `camelCase`) are left alone.
pub fn camel_case_keys(value: &mut Value) {
    match value {
        Value::Array(list) => list.iter_mut().for_each(camel_case_keys),
        Value::Object(map) => {
            let renames: Vec<(String, String)> = map
                .keys()
                .filter_map(|k| camel(k).map(|c| (k.clone(), c)))
                .filter(|(_, c)| !map.contains_key(c))
                .collect();
            for (from, to) in renames {
                if let Some(v) = map.remove(&from) {
                    map.insert(to, v);
                }
            }
            map.values_mut().for_each(camel_case_keys);
        }
        _ => {}
    }
}

fn camel(key: &str) -> Option<String> {
    if key == "ID" {
        return Some("id".into());
    }
    let mut chars = key.chars();
    let first = chars.next()?;
    let second = chars.next();
    let pascal = first.is_ascii_uppercase()
        && second.is_none_or(|c| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_alphanumeric());
    pascal.then(|| first.to_ascii_lowercase().to_string() + &key[1..])
}

/// Any `T`, or `None` when the value is `null` or does not decode as `T`.
pub fn opt<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(if v.is_null() { None } else { T::deserialize(v).ok() })
}

/// Optional text: a string (trimmed; blank is absent) or a number or bool as text.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(text_of(&Value::deserialize(d)?))
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim()).filter(|s| !s.is_empty()).map(str::to_owned),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An optional integer: a JSON integer, an integral float, or a numeric string.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(int_of(&Value::deserialize(d)?))
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15).map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An optional flag: a bool, `"true"`/`"false"` (any case), or `0`/`1`.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => Some(b),
        Value::String(s) if s.trim().eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.trim().eq_ignore_ascii_case("false") => Some(false),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        _ => None,
    })
}

/// An optional point in time: RFC 3339, or a date-time without a zone (read as UTC).
pub fn timestamp<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => parse_timestamp(&s),
        _ => None,
    })
}

/// Parses `2018-05-31T07:29:43.653Z`, `...+02:00`, or zone-less `2018-05-31T07:29:43.653`
/// (UTC).
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    s.parse::<Timestamp>().ok().or_else(|| {
        s.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

/// A required whole number: a JSON integer or a numeric string.
pub fn required_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    let v = Value::deserialize(d)?;
    match &v {
        Value::Number(n) if n.as_u64().is_some() => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .ok_or_else(|| de::Error::custom(format!("expected a whole number, found {}", kind(&v))))
}

/// A required whole number above zero (a lifetime): like [`required_u64`], but `0` is an
/// error too.
pub fn required_positive_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    match required_u64(d)? {
        0 => Err(de::Error::custom("expected a whole number above 0, found 0")),
        n => Ok(n),
    }
}

/// Required text: a string with something in it besides white space.
pub fn required_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Ok(s),
        Value::String(_) => Err(de::Error::custom("expected a non-blank string, found a blank one")),
        v => Err(de::Error::invalid_type(unexpected(&v), &"a non-blank string")),
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(_) => de::Unexpected::Other("a number"),
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a bool",
        Value::Number(n) if n.as_i64().is_some_and(|i| i < 0) => "a negative number",
        Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => "a number that is too large",
        Value::Number(_) => "a number that is not a whole number",
        Value::String(_) => "a string that is not a whole number",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Products of an account: a list of names (`/me`), or a map of product to its features
/// (`/accounts`, `{"ARMOR-COMPLETE": ["Invoicing"]}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Products {
    /// Product names.
    List(Vec<Value>),
    /// Product name to features.
    Map(Map<String, Value>),
}

impl Products {
    /// The product names, in the server's order.
    pub fn names(&self) -> Vec<String> {
        match self {
            Products::List(v) => v.iter().filter_map(text_of).collect(),
            Products::Map(m) => m.keys().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct M {
        #[serde(default, deserialize_with = "text")]
        name: Option<String>,
        #[serde(default, deserialize_with = "int")]
        parent: Option<i64>,
        #[serde(default, deserialize_with = "timestamp")]
        at: Option<Timestamp>,
        #[serde(default, deserialize_with = "items")]
        tags: Vec<String>,
    }

    #[test]
    fn bytes_that_are_not_utf8_do_not_fail_the_body() {
        let m: M = from_slice(b"{\"name\":\"M\xfcller\",\"parent\":7}").unwrap();
        assert_eq!((m.name.as_deref(), m.parent), (Some("M\u{fffd}ller"), Some(7)));
    }

    #[test]
    fn loose_values_become_absent_or_values() {
        let m: M =
            from_slice(br#"{"Name":"  USD       ","Parent":-1,"At":"2018-05-31T07:29:43.653","Tags":{}}"#)
                .unwrap();
        assert_eq!(m.name.as_deref(), Some("USD"));
        assert_eq!(m.parent, Some(-1));
        assert_eq!(m.at.unwrap().to_string(), "2018-05-31T07:29:43.653Z");
        assert!(m.tags.is_empty());
        let m: M = from_slice(br#"{"name":{},"parent":"x","at":7,"tags":["a",1,"b"]}"#).unwrap();
        assert_eq!((m.name, m.parent, m.at), (None, None, None));
        assert_eq!(m.tags, ["a", "b"]);
        assert_eq!(parse_timestamp("2026-11-26T10:00:00+02:00").unwrap().to_string(), "2026-11-26T08:00:00Z");
    }

    #[test]
    fn keys_become_camel_case_but_names_of_things_stay() {
        let mut v = serde_json::json!({"UserName":"a","ID":1,"Products":{"ARMOR-COMPLETE":["Invoicing"]},"1000":[],"x":{"IsCore":true}});
        camel_case_keys(&mut v);
        assert_eq!(
            v,
            serde_json::json!({"userName":"a","id":1,"products":{"ARMOR-COMPLETE":["Invoicing"]},"1000":[],"x":{"isCore":true}})
        );
    }

    #[test]
    fn one_takes_an_object_or_a_list_of_one() {
        let a: One<M> = from_slice(br#"[{"name":"a"}]"#).unwrap();
        assert_eq!(a.0.name.as_deref(), Some("a"));
        let b: One<M> = from_slice(br#"{"name":"b"}"#).unwrap();
        assert_eq!(b.0.name.as_deref(), Some("b"));
        let e = from_slice::<One<M>>(br#"[{"name":"a"},{"name":"b"}]"#).unwrap_err();
        assert!(e.source.to_string().contains("found a list of 2"), "{e:?}");
        assert!(from_slice::<One<M>>(b"[]").is_err());
    }

    #[test]
    fn bodies_the_byte_scan_cannot_rename_still_decode_like_a_value_tree() {
        // The same key twice: the last one counts, as in a `Value`.
        let m: M = from_slice(br#"{"name":"a","Name":"x","name":"b"}"#).unwrap();
        assert_eq!(m.name.as_deref(), Some("b"));
        // An escaped PascalCase key.
        let m: M = from_slice(br#"{"\u004eame":"n","Parent":3}"#).unwrap();
        assert_eq!((m.name.as_deref(), m.parent), (Some("n"), Some(3)));
        // A syntax error names where it is.
        let e = from_slice::<M>(b"{\"name\": nope}").unwrap_err();
        assert!(e.source.is_syntax() && e.json_path == "name", "{e:?}");
        assert!(from_slice::<M>(b"{} x").unwrap_err().source.is_syntax());
    }

    #[test]
    fn an_answer_is_whatever_objects_it_holds() {
        let a: Answer<M> = from_slice(br#"[{"name":"a"},true,{"name":"b"}]"#).unwrap();
        assert_eq!(a.0.iter().map(|m| m.name.as_deref()).collect::<Vec<_>>(), [Some("a"), Some("b")]);
        let a: Answer<M> = from_slice(br#"{"Name":"c"}"#).unwrap();
        assert_eq!(a.0[0].name.as_deref(), Some("c"));
        for odd in [&b"true"[..], b"1", b"\"ok\"", b"null", b"[]", b"{\"name\":[]}"] {
            let a: Answer<M> = from_slice(odd).unwrap();
            assert!(a.0.len() <= 1, "{a:?}");
        }
    }

    proptest::proptest! {
        /// Renaming keys in the bytes gives exactly what renaming a `Value` tree gives.
        #[test]
        fn byte_renames_match_the_value_tree(v in json_value()) {
            let bytes = serde_json::to_vec(&v).unwrap();
            let mut expected = v.clone();
            camel_case_keys(&mut expected);
            let got: Value = from_slice(&bytes).unwrap();
            proptest::prop_assert_eq!(got, expected);
            proptest::prop_assert_eq!(count_values(&bytes, u64::MAX), values_in(&v));
        }

        /// The quick look before the pass misses no key the pass renames, pretty-printed
        /// or not.
        #[test]
        fn the_quick_look_misses_no_pascal_key(v in json_value(), pretty in proptest::bool::ANY) {
            let bytes = if pretty { serde_json::to_vec_pretty(&v) } else { serde_json::to_vec(&v) }.unwrap();
            let quick = Scan::of(&bytes, u64::MAX).renames;
            proptest::prop_assert_eq!(quick, scan::scan(&bytes, u64::MAX, false).renames);
        }

        /// The quick way and the careful way decode any body alike, keys twice included.
        #[test]
        fn quick_and_careful_agree(text in json_text()) {
            let quick = |t: &str| (
                format!("{:?}", from_slice::<M>(t.as_bytes()).map_err(|e| e.json_path)),
                format!("{:?}", from_slice::<Vec<M>>(t.as_bytes()).map_err(|e| e.json_path)),
                format!("{:?}", from_slice::<Answer<M>>(t.as_bytes()).map_err(|e| e.json_path)),
            );
            let careful = |t: &str| (
                format!("{:?}", careful::<M>(t.as_bytes()).map_err(|e| e.json_path)),
                format!("{:?}", careful::<Vec<M>>(t.as_bytes()).map_err(|e| e.json_path)),
                format!("{:?}", careful::<Answer<M>>(t.as_bytes()).map_err(|e| e.json_path)),
            );
            proptest::prop_assert_eq!(quick(&text), careful(&text));
        }
    }

    /// JSON text for [`M`] with keys that may stand twice, in either case.
    fn json_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let key = prop_oneof![
            Just("name"),
            Just("Name"),
            Just("parent"),
            Just("Parent"),
            Just("at"),
            Just("tags"),
            Just("Tags"),
            Just("ID"),
            Just("x"),
        ];
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("7".to_owned()),
            Just("\"s\"".to_owned()),
            Just("\"2018-05-31T07:29:43\"".to_owned()),
            Just("[\"a\",1]".to_owned()),
            Just("true".to_owned()),
        ];
        leaf.prop_recursive(3, 32, 5, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
                proptest::collection::vec((key.clone(), inner), 0..6).prop_map(|kv| {
                    let fields: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                    format!("{{{}}}", fields.join(","))
                }),
            ]
        })
    }

    fn values_in(v: &Value) -> u64 {
        1 + match v {
            Value::Array(a) => a.iter().map(values_in).sum(),
            Value::Object(o) => o.len() as u64 + o.values().map(values_in).sum::<u64>(),
            _ => 0,
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let key = prop_oneof![
            Just("ID".to_owned()),
            Just("id".to_owned()),
            "[A-Za-z][a-zA-Z0-9]{0,3}",
            "[A-Z]-x",
            "\\PC{0,3}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,6}".prop_map(Value::from),
            Just(Value::from("a\"b\\c:{,}")),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }
}
