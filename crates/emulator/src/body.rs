//! The JSON request-body extractor of every endpoint that takes a body.
//!
//! It binds the way the real (ASP.NET) API does, so that clients other than `armor` work
//! unchanged: property names without regard to case, a UTF-8 byte-order mark, numbers
//! sent as strings, and a `Content-Type` of `application/json`, `text/json` or
//! `application/*+json` in any case, with parameters (`; charset=utf-8`). The binding
//! itself is [`armor_core::binding`]. Every failure is a 4xx with a JSON error body: no
//! or another content type or charset 415, over the body limit 413, anything else 400
//! naming what is wrong (the missing field, the wrong type, the field sent twice).

use armor_core::binding::{self, BindError};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::serve::BodyTimeout;

/// A JSON request body bound with ASP.NET's rules (see the module docs).
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_content_type(req.headers())?;
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if BodyTimeout::caused(&rejection) {
                BodyTimeout::answer()
            } else if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", rejection.body_text())
            } else {
                ApiError::bad_request(rejection.body_text())
            }
        })?;
        binding::from_slice(&bytes).map(JsonBody).map_err(|e: BindError| ApiError::bad_request(e.to_string()))
    }
}

/// Accepts `application/json`, `text/json` and `application/*+json`, in any case, with
/// any parameters, and a charset (if given) of UTF-8.
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let unsupported =
        |text: String| ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", text);
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("Expected request with `Content-Type: application/json`".into()));
    };
    let value = value.to_str().unwrap_or_default();
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let json = match essence.split_once('/') {
        Some(("application", sub)) => sub == "json" || sub.ends_with("+json"),
        Some(("text", "json")) => true,
        _ => false,
    };
    if !json {
        return Err(unsupported(format!("Content-Type {value:?} is not JSON: send application/json")));
    }
    for param in parts {
        let Some((name, v)) = param.split_once('=') else { continue };
        let charset = v.trim().trim_matches('"');
        if name.trim().eq_ignore_ascii_case("charset")
            && !charset.eq_ignore_ascii_case("utf-8")
            && !charset.eq_ignore_ascii_case("utf8")
        {
            return Err(unsupported(format!("charset {charset:?} is not supported: send UTF-8")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        h
    }

    #[test]
    fn json_content_types_in_any_case_with_parameters() {
        for ok in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=UTF-8",
            "APPLICATION/JSON; Charset=\"utf-8\"",
            "application/json; charset=utf8; foo=bar",
            "text/json",
            "application/vnd.armor+json",
            " application/json ",
        ] {
            assert!(check_content_type(&with(ok)).is_ok(), "{ok}");
        }
        for bad in [
            "text/plain",
            "application/xml",
            "application/jsonx",
            "json",
            "",
            "application/json; charset=iso-8859-1",
        ] {
            assert!(check_content_type(&with(bad)).is_err(), "{bad}");
        }
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }
}
