//! Request and response bodies of the FH-AUTH endpoints (`/auth/*`).

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

pub(crate) fn expose<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

fn expose_opt<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(v) => s.serialize_str(v.expose_secret()),
        None => s.serialize_none(),
    }
}

/// `POST /auth/authorize` request. `Debug` redacts the password.
#[derive(Debug, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    /// The user's e-mail address.
    pub username: String,
    /// The user's password.
    #[serde(serialize_with = "expose")]
    pub password: SecretString,
}

/// `POST /auth/authorize` response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorizeResponse {
    /// The temporary, single-use authorization code.
    #[serde(serialize_with = "expose")]
    pub code: SecretString,
    /// Always `true` on success.
    #[serde(default, deserialize_with = "crate::lenient::flag")]
    pub success: Option<bool>,
    /// Always `null` for API clients.
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub redirect_uri: Option<String>,
}

impl AuthorizeResponse {
    /// A successful response carrying `code`.
    pub fn new(code: SecretString) -> Self {
        AuthorizeResponse { code, success: Some(true), redirect_uri: None }
    }
}

/// The only grant type `/auth/token` accepts.
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";

/// `POST /auth/token` request.
#[derive(Debug, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The code from `/auth/authorize`.
    #[serde(serialize_with = "expose")]
    pub code: SecretString,
    /// Must be [`GRANT_AUTHORIZATION_CODE`].
    pub grant_type: String,
}

/// `POST /auth/token/reissue` request.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReissueRequest {
    /// The current access token. Kept as a plain secret here: the server validates it.
    #[serde(serialize_with = "expose")]
    pub token: SecretString,
}

/// Response of `POST /auth/token` and `POST /auth/token/reissue`.
///
/// `access_token` and `expires_in` are required; `access_token` is not validated while
/// parsing, so that the client can tell a malformed token apart from a malformed body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenResponse {
    /// The new access token.
    #[serde(serialize_with = "expose")]
    pub access_token: SecretString,
    /// The ID token (identity claims), when the server sends one.
    #[serde(default, serialize_with = "expose_opt", deserialize_with = "crate::lenient::opt")]
    pub id_token: Option<SecretString>,
    /// Token lifetime; minutes or seconds, see [`crate::ExpiresInUnit`]. Required (a
    /// number above 0, or a numeric string): a token that expires at once is no session.
    #[serde(deserialize_with = "crate::lenient::required_positive_u64")]
    pub expires_in: u64,
    /// `Bearer` (v1) or `FH-AUTH` (contract).
    #[serde(default, deserialize_with = "crate::lenient::text")]
    pub token_type: Option<String>,
}

impl TokenResponse {
    /// A response with the given fields.
    pub fn new(
        access_token: SecretString,
        id_token: Option<SecretString>,
        expires_in: u64,
        token_type: &str,
    ) -> Self {
        TokenResponse { access_token, id_token, expires_in, token_type: Some(token_type.into()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_secrets() {
        let req = AuthorizeRequest { username: "a@b.c".into(), password: "hunter2-pw".into() };
        assert!(!format!("{req:?}").contains("hunter2-pw"));
        let json = serde_json::to_string(&req).unwrap();
        assert!(json.contains("hunter2-pw"), "the wire form must carry it");
        let resp: TokenResponse = serde_json::from_str(
            r#"{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab","id_token":"x.y.z","expires_in":15,"token_type":"Bearer"}"#,
        )
        .unwrap();
        let dbg = format!("{resp:?}");
        assert!(!dbg.contains("2261bac2") && !dbg.contains("x.y.z"), "{dbg}");
    }
}
