//! Request and response bodies of the FH-AUTH endpoints (`/auth/*`).

//!
//! Secrets (a password, a code, a token) are never part of a type's `Serialize`: it
//! leaves them out, so that `serde_json::to_string(&request)` in user code cannot leak
//! one. The one way to serialize them is the explicitly named `expose_body()`, which the
//! client calls to build what it sends and the emulator to build what it answers.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `value` as JSON with `secrets` added under their names (`null` for `None`): the body
/// that carries them, built on purpose.
pub(crate) fn with_secrets(value: &impl Serialize, secrets: &[(&str, Option<&SecretString>)]) -> Value {
    let mut v = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        for (name, secret) in secrets {
            let exposed = secret.map_or(Value::Null, |s| Value::String(s.expose_secret().to_owned()));
            o.insert((*name).to_owned(), exposed);
        }
    }
    v
}

/// `POST /auth/authorize` request. `Debug` redacts the password and `Serialize` leaves
/// it out; [`AuthorizeRequest::expose_body`] is the body with it.
#[derive(Debug, Serialize, Deserialize)]
pub struct AuthorizeRequest {
    /// The user's e-mail address.
    pub username: String,
    /// The user's password.
    #[serde(skip_serializing)]
    pub password: SecretString,
}

impl AuthorizeRequest {
    /// The JSON body to send, password included.
    pub fn expose_body(&self) -> Value {
        with_secrets(self, &[("password", Some(&self.password))])
    }
}

/// `POST /auth/authorize` response. `Serialize` leaves the code out;
/// [`AuthorizeResponse::expose_body`] is the body with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuthorizeResponse {
    /// The temporary, single-use authorization code.
    #[serde(skip_serializing)]
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

    /// The JSON body to answer with, code included.
    pub fn expose_body(&self) -> Value {
        with_secrets(self, &[("code", Some(&self.code))])
    }
}

/// The only grant type `/auth/token` accepts.
pub const GRANT_AUTHORIZATION_CODE: &str = "authorization_code";

/// `POST /auth/token` request. `Serialize` leaves the code out;
/// [`TokenRequest::expose_body`] is the body with it.
#[derive(Debug, Serialize, Deserialize)]
pub struct TokenRequest {
    /// The code from `/auth/authorize`.
    #[serde(skip_serializing)]
    pub code: SecretString,
    /// Must be [`GRANT_AUTHORIZATION_CODE`].
    pub grant_type: String,
}

impl TokenRequest {
    /// The JSON body to send, code included.
    pub fn expose_body(&self) -> Value {
        with_secrets(self, &[("code", Some(&self.code))])
    }
}

/// `POST /auth/token/reissue` request. `Serialize` leaves the token out;
/// [`ReissueRequest::expose_body`] is the body with it.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReissueRequest {
    /// The current access token. Kept as a plain secret here: the server validates it.
    #[serde(skip_serializing)]
    pub token: SecretString,
}

impl ReissueRequest {
    /// The JSON body to send, token included.
    pub fn expose_body(&self) -> Value {
        with_secrets(self, &[("token", Some(&self.token))])
    }
}

/// Response of `POST /auth/token` and `POST /auth/token/reissue`. `Serialize` leaves the
/// tokens out; [`TokenResponse::expose_body`] is the body with them.
///
/// `access_token` and `expires_in` are required; `access_token` is not validated while
/// parsing, so that the client can tell a malformed token apart from a malformed body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenResponse {
    /// The new access token.
    #[serde(skip_serializing)]
    pub access_token: SecretString,
    /// The ID token (identity claims), when the server sends one.
    #[serde(default, skip_serializing, deserialize_with = "crate::lenient::opt")]
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

    /// The JSON body to answer with, tokens included.
    pub fn expose_body(&self) -> Value {
        with_secrets(
            self,
            &[("access_token", Some(&self.access_token)), ("id_token", self.id_token.as_ref())],
        )
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
        assert!(!json.contains("hunter2-pw"), "a plain Serialize must not carry it: {json}");
        assert_eq!(req.expose_body()["password"], "hunter2-pw", "the wire form must carry it");
        let resp: TokenResponse = serde_json::from_str(
            r#"{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab","id_token":"x.y.z","expires_in":15,"token_type":"Bearer"}"#,
        )
        .unwrap();
        let dbg = format!("{resp:?}");
        assert!(!dbg.contains("2261bac2") && !dbg.contains("x.y.z"), "{dbg}");
        let json = serde_json::to_string(&resp).unwrap();
        assert!(!json.contains("2261bac2") && !json.contains("x.y.z"), "{json}");
        let body = resp.expose_body();
        assert_eq!(
            (&body["access_token"], &body["id_token"], &body["expires_in"]),
            (&"2261bac252204c2ea93ed32ea1ffd3ab".into(), &"x.y.z".into(), &15.into())
        );
        let code = TokenRequest { code: "c0de-s3cret".into(), grant_type: GRANT_AUTHORIZATION_CODE.into() };
        assert!(!serde_json::to_string(&code).unwrap().contains("c0de-s3cret"));
        assert_eq!(code.expose_body()["code"], "c0de-s3cret");
        let r = ReissueRequest { token: "t0ken-s3cret".into() };
        assert!(!serde_json::to_string(&r).unwrap().contains("t0ken-s3cret"));
        assert_eq!(r.expose_body()["token"], "t0ken-s3cret");
        let a = AuthorizeResponse::new("c0de-s3cret".into());
        assert!(!serde_json::to_string(&a).unwrap().contains("c0de-s3cret"));
        assert_eq!(a.expose_body()["code"], "c0de-s3cret");
    }
}
