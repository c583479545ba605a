//! Error bodies of the Armor API.
//!
//! Auth endpoints answer `{"error", "error_description", "status"}`; the rest of the API
//! answers `{"Message"}` or `{"ErrorCode", "Message", "Detail", "ReferenceId"}`. One
//! tolerant type reads all of them.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Any Armor error body. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorBody {
    /// Machine-readable error code (auth endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Human-readable description (auth endpoints).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_description: Option<String>,
    /// The HTTP status, repeated in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Human-readable message (resource endpoints).
    #[serde(default, rename = "Message", alias = "message", skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Error code (resource endpoints), a string or a number.
    #[serde(default, rename = "ErrorCode", skip_serializing_if = "Option::is_none")]
    pub error_code: Option<Value>,
    /// Details (resource endpoints).
    #[serde(default, rename = "Detail", skip_serializing_if = "Option::is_none")]
    pub detail: Option<Value>,
    /// The id to quote to Armor support.
    #[serde(default, rename = "ReferenceId", skip_serializing_if = "Option::is_none")]
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
}
