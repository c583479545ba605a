//! Request-body binding the way the real (ASP.NET) Armor API does it, for the emulator.
//!
//! ASP.NET model binding reads JSON property names without regard to case, so
//! `username`, `Username`, `userName` and `USERNAME` all fill the same field; it accepts a
//! UTF-8 byte-order mark; and it converts numbers sent as strings (`"vmId": "2002"`) into
//! numeric fields. [`from_slice`] and [`from_value`] bind any serde type that way, once,
//! for every request body: the keys of each JSON object bound to a struct (at any depth)
//! are folded to the struct's own field names before serde sees them. Two spellings of
//! one field in the same object are an error, as are missing required fields and wrong
//! types; unknown keys are left as they are (and ignored unless the type keeps them).
//!
//! Only the emulator binds this way. What `armor` sends stays exactly the documented
//! spelling.

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, Error as _, IntoDeserializer, MapAccess,
    SeqAccess, Visitor,
};
use serde_json::{Map, Number, Value};

/// Why a request body could not be bound.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BindError {
    /// The body is empty (or white space only).
    #[error("A non-empty request body is required")]
    Empty,
    /// The body is not JSON.
    #[error("The request body is not valid JSON: {0}")]
    Syntax(serde_json::Error),
    /// The JSON does not fit the expected shape: a missing field, a wrong type, two
    /// spellings of one field.
    #[error("The request body does not match the expected shape: {0}")]
    Shape(serde_json::Error),
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Binds `T` from a JSON request body: an optional UTF-8 byte-order mark, then JSON whose
/// object keys match `T`'s field names case-insensitively (see the module docs).
pub fn from_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, BindError> {
    let body = body.strip_prefix(BOM).unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(BindError::Empty);
    }
    let value: Value = serde_json::from_slice(body).map_err(BindError::Syntax)?;
    from_value(value).map_err(BindError::Shape)
}

/// Binds `T` from a parsed JSON value, folding the case of object keys to `T`'s field
/// names and converting numeric strings where `T` wants a number.
pub fn from_value<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    T::deserialize(Folding(value))
}

/// A JSON value deserialized with ASP.NET's binding rules.
struct Folding(Value);

impl Folding {
    /// The value with a numeric string (`"2002"`, `"-1"`, `"1.5"`) turned into a number,
    /// for a field that wants one; anything else as it is.
    fn numeric(self) -> Value {
        match self.0 {
            Value::String(s) => match parse_number(&s) {
                Some(n) => Value::Number(n),
                None => Value::String(s),
            },
            other => other,
        }
    }
}

/// A JSON number written as a string: an optional minus sign, digits, an optional
/// fraction and exponent; no white space, no plus sign (as ASP.NET reads them).
fn parse_number(s: &str) -> Option<Number> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if !digits.starts_with(|c: char| c.is_ascii_digit()) || !s.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Number(n)) => Some(n),
        _ => None,
    }
}

/// Renames the keys of `map` that match one of `fields` (ignoring ASCII case) to that
/// field's name. Two keys for one field are an error naming the field.
fn fold_keys(
    map: Map<String, Value>,
    fields: &'static [&'static str],
) -> Result<Map<String, Value>, serde_json::Error> {
    let mut out = Map::new();
    let mut taken: Vec<(&'static str, String)> = Vec::new();
    for (key, value) in map {
        let Some(field) = fields.iter().copied().find(|f| f.eq_ignore_ascii_case(&key)) else {
            out.insert(key, value);
            continue;
        };
        if let Some((_, first)) = taken.iter().find(|(f, _)| *f == field) {
            return Err(serde_json::Error::custom(format!(
                "duplicate field `{field}`: sent both as `{first}` and as `{key}`"
            )));
        }
        taken.push((field, key));
        out.insert(field.to_owned(), value);
    }
    Ok(out)
}

macro_rules! numeric {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.numeric().$method(visitor)
        }
    )*};
}

macro_rules! delegate {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Folding {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visit_seq(items, visitor),
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
            other => other.deserialize_any(visitor),
        }
    }

    numeric! {
        deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128
        deserialize_f32 deserialize_f64
    }

    delegate! {
        deserialize_bool deserialize_char deserialize_str deserialize_string
        deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier
        deserialize_ignored_any
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Folding(other)),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => visit_seq(items, visitor),
            other => other.deserialize_seq(visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(map)),
            other => other.deserialize_map(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Object(map) => visitor.visit_map(Entries::new(fold_keys(map, fields)?)),
            // A struct is bound from an object only (serde_json would also take an array).
            other => Err(de::Error::invalid_type(unexpected(&other), &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => de::Unexpected::Unsigned(u),
            (_, Some(i), _) => de::Unexpected::Signed(i),
            (_, _, Some(f)) => de::Unexpected::Float(f),
            _ => de::Unexpected::Other("number"),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

fn visit_seq<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, serde_json::Error> {
    let len = items.len();
    let mut seq = Items(items.into_iter(), 0);
    let value = visitor.visit_seq(&mut seq)?;
    if seq.0.as_slice().is_empty() {
        Ok(value)
    } else {
        Err(de::Error::invalid_length(len, &"fewer elements in the array"))
    }
}

/// The elements of an array, each bound with the same rules; an error names the item.
struct Items(std::vec::IntoIter<Value>, usize);

impl<'de> SeqAccess<'de> for Items {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        let Some(value) = self.0.next() else { return Ok(None) };
        let index = self.1;
        self.1 += 1;
        let item = seed.deserialize(Folding(value));
        item.map(Some).map_err(|e| serde_json::Error::custom(format_args!("item {index}: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of an object, each value bound with the same rules; an error names the
/// field.
struct Entries {
    iter: serde_json::map::IntoIter,
    entry: Option<(String, Value)>,
}

impl Entries {
    fn new(map: Map<String, Value>) -> Self {
        Entries { iter: map.into_iter(), entry: None }
    }
}

impl<'de> MapAccess<'de> for Entries {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.iter.next() {
            Some((key, value)) => {
                let name = seed.deserialize(key.as_str().into_deserializer()).map(Some);
                self.entry = Some((key, value));
                name
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        let (key, value) =
            self.entry.take().ok_or_else(|| serde_json::Error::custom("value without a key"))?;
        seed.deserialize(Folding(value))
            .map_err(|e| serde_json::Error::custom(format_args!("field `{key}`: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;
    use serde_json::json;

    use super::*;
    use crate::auth::{AuthorizeRequest, ReissueRequest, TokenRequest};
    use crate::infra::{DeleteVmRequest, NameRequest, VmOrderRequest};

    fn bind<T: DeserializeOwned>(v: Value) -> Result<T, BindError> {
        from_slice(v.to_string().as_bytes())
    }

    #[test]
    fn property_names_bind_without_regard_to_case() {
        for (u, p) in [
            ("username", "password"),
            ("Username", "Password"),
            ("userName", "password"),
            ("USERNAME", "PassWord"),
        ] {
            let r: AuthorizeRequest = bind(json!({u: "a@b.c", p: "pw"})).unwrap();
            assert_eq!((r.username.as_str(), r.password.expose_secret()), ("a@b.c", "pw"), "{u}/{p}");
        }
        let t: TokenRequest = bind(json!({"Code": "c", "GRANT_TYPE": "authorization_code"})).unwrap();
        assert_eq!((t.code.expose_secret(), t.grant_type.as_str()), ("c", "authorization_code"));
        let r: ReissueRequest = bind(json!({"Token": "t"})).unwrap();
        assert_eq!(r.token.expose_secret(), "t");
    }

    #[test]
    fn nested_objects_fold_too_and_unknown_keys_are_ignored() {
        let o: VmOrderRequest = bind(json!({
            "Name": "web", "LOCATION": "DFW01", "AppId": -1, "appname": "New", "TierID": "-1",
            "tiername": "T", "Storage": [{"Size": "40", "SKU": "SAN-001"}], "Secret": "s3cret-s3cret",
            "Sku": "A1-101", "Quantity": 1, "vmProtectionPolicyId": 1, "SomethingElse": {"x": 1}
        }))
        .unwrap();
        assert_eq!((o.app_id, o.tier_id, o.tier_name.as_deref()), (-1, -1, Some("T")));
        assert_eq!((o.storage[0].size, o.storage[0].sku.as_deref()), (40, Some("SAN-001")));
    }

    #[test]
    fn numbers_sent_as_strings_are_converted() {
        let d: DeleteVmRequest =
            bind(json!({"AccountId": "1000", "vmId": "2002", "userEmail": "a@b.c", "isActive": false}))
                .unwrap();
        assert_eq!((d.account_id, d.vm_id, d.delete_now), (1000, 2002, false));
        let n: NameRequest = bind(json!({"id": "7", "name": "x"})).unwrap();
        assert_eq!(n.id, Some(7));
        for bad in [
            json!("2002 "),
            json!(" 2002"),
            json!("+2002"),
            json!("0x10"),
            json!("two"),
            json!("-5"),
            json!("99999999999"),
            json!(""),
            json!(true),
        ] {
            let body = json!({"accountId": 1000, "vmId": bad, "userEmail": "a@b.c", "isActive": true});
            assert!(matches!(bind::<DeleteVmRequest>(body), Err(BindError::Shape(_))), "{bad}");
        }
        // Strings stay strict: a number is not a name.
        assert!(bind::<NameRequest>(json!({"name": 5})).is_err());
    }

    #[test]
    fn two_spellings_of_one_field_are_refused() {
        let e =
            bind::<AuthorizeRequest>(json!({"username": "a", "Username": "b", "password": "p"})).unwrap_err();
        assert!(matches!(e, BindError::Shape(_)));
        assert!(e.to_string().contains("duplicate field `username`"), "{e}");
        let e = bind::<VmOrderRequest>(json!({"name": "w", "location": "DFW01", "appId": 1, "tierId": 1,
            "secret": "s3cret-s3cret", "sku": "A1-101", "quantity": 1,
            "storage": [{"size": 1, "Size": 2}]}))
        .unwrap_err();
        assert!(e.to_string().contains("duplicate field `size`"), "{e}");
    }

    #[test]
    fn missing_fields_wrong_types_and_bad_json_are_errors() {
        let e = bind::<AuthorizeRequest>(json!({"Username": "a"})).unwrap_err();
        assert!(e.to_string().contains("missing field `password`"), "{e}");
        assert!(matches!(
            bind::<AuthorizeRequest>(json!({"username": 5, "password": "p"})),
            Err(BindError::Shape(_))
        ));
        assert!(
            matches!(bind::<AuthorizeRequest>(json!(["a", "p"])), Err(BindError::Shape(_))),
            "no arrays for objects"
        );
        assert!(matches!(bind::<AuthorizeRequest>(json!(null)), Err(BindError::Shape(_))));
        assert!(matches!(from_slice::<AuthorizeRequest>(b"{nope"), Err(BindError::Syntax(_))));
        assert!(matches!(from_slice::<AuthorizeRequest>(b""), Err(BindError::Empty)));
        assert!(matches!(from_slice::<AuthorizeRequest>(b"\xEF\xBB\xBF  \r\n"), Err(BindError::Empty)));
        assert!(
            matches!(
                from_slice::<NameRequest>(b"\xEF\xBB\xBF\xEF\xBB\xBF{\"name\":\"x\"}"),
                Err(BindError::Syntax(_))
            ),
            "one BOM only"
        );
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let n: NameRequest = from_slice(b"\xEF\xBB\xBF{\r\n    \"Name\":  \"x\"\r\n}").unwrap();
        assert_eq!(n.name, "x");
    }
}
