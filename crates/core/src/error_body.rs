//! Error bodies of the Armor API.
//!
//! Auth endpoints answer `{"error", "error_description", "status"}`; the rest of the API
//! answers `{"Message"}` or `{"ErrorCode", "Message", "Detail", "ReferenceId"}`. One
//! tolerant type reads all of them: names in PascalCase or camelCase, and a field of an
//! unexpected type (`"status": "400"`, `"ReferenceId": 12345`, `"error": {...}`) is read
//! as text where it can be and is otherwise absent, so that it never hides the message.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lenient;

/// Any Armor error body. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Machine-readable error code (auth endpoints).
    #[serde(default, deserialize_with = "lenient::text", skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Human-readable description (auth endpoints).
    #[serde(default, deserialize_with = "lenient::text", skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// The HTTP status, repeated in the body.
    #[serde(default, deserialize_with = "status", skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Human-readable message (resource endpoints).
    #[serde(
        default,
        rename = "Message",
        alias = "message",
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub message: Option<String>,
    /// Error code (resource endpoints), a string or a number.
    #[serde(default, rename = "ErrorCode", alias = "errorCode", skip_serializing_if = "Option::is_none")]
    pub error_code: Option<Value>,
    /// Details (resource endpoints).
    #[serde(default, rename = "Detail", alias = "detail", skip_serializing_if = "Option::is_none")]
    pub detail: Option<Value>,
    /// The id to quote to Armor support.
    #[serde(
        default,
        rename = "ReferenceId",
        alias = "referenceId",
        deserialize_with = "lenient::text",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_id: Option<String>,
}

impl ErrorBody {
    /// An auth-style error: `{"error", "error_description", "status"}`.
    pub fn auth(status: u16, error: &str, description: impl Into<String>) -> Self {
        ErrorBody {
            error: Some(error.into()),
            error_description: Some(description.into()),
            status: Some(status),
            ..ErrorBody::default()
        }
    }

    /// A resource-style error: `{"ErrorCode", "Message", "ReferenceId"}`.
    pub fn api(code: &str, message: impl Into<String>, reference_id: impl Into<String>) -> Self {
        ErrorBody {
            error_code: Some(Value::String(code.into())),
            message: Some(message.into()),
            reference_id: Some(reference_id.into()),
            ..ErrorBody::default()
        }
    }

    /// The best human-readable message in the body, if any.
    pub fn message(&self) -> Option<&str> {
        [&self.error_description, &self.message, &self.error]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|s| !s.trim().is_empty())
    }
}

/// The status repeated in the body: a number or a numeric string; anything else is absent.
fn status<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u16>, D::Error> {
    Ok(lenient::int(d)?.and_then(|n| u16::try_from(n).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_shapes() {
        let a: ErrorBody = serde_json::from_str(
            r#"{"error":"invalid_credentials","error_description":"The provided credentials are invalid","status":401}"#,
        )
        .unwrap();
        assert_eq!(a.message(), Some("The provided credentials are invalid"));
        let b: ErrorBody = serde_json::from_str(
            r#"{"ErrorCode":404,"Message":"Not found","Detail":null,"ReferenceId":"abc"}"#,
        )
        .unwrap();
        assert_eq!(b.message(), Some("Not found"));
        assert_eq!(b.reference_id.as_deref(), Some("abc"));
        let c: ErrorBody = serde_json::from_str(r#"{"error":"x"}"#).unwrap();
        assert_eq!(c.message(), Some("x"));
    }

    #[test]
    fn an_odd_field_does_not_hide_the_message() {
        for body in [
            r#"{"message":"bad request","status":"400","referenceId":"r1"}"#,
            r#"{"Message":"bad request","ErrorCode":404,"ReferenceId":12345}"#,
            r#"{"error":{"code":"forbidden"},"message":"bad request"}"#,
            r#"{"Message":null,"error_description":["x"],"error":"bad request"}"#,
            r#"{"message":"bad request","status":99999,"detail":[1,2]}"#,
        ] {
            let b: ErrorBody = serde_json::from_str(body).unwrap_or_else(|e| panic!("{body}: {e}"));
            assert_eq!(b.message(), Some("bad request"), "{body}");
        }
        let b: ErrorBody =
            serde_json::from_str(r#"{"Message":"m","ReferenceId":12345,"status":"400"}"#).unwrap();
        assert_eq!((b.reference_id.as_deref(), b.status), (Some("12345"), Some(400)));
        let b: ErrorBody = serde_json::from_str(r#"{"message":"m","referenceId":"abc"}"#).unwrap();
        assert_eq!(b.reference_id.as_deref(), Some("abc"));
    }
}
