//! The requests of a [`Client`]: authenticated with the session's credentials and account
//! context after the freshness check, resent once after a 401 to a token that was reissued
//! meanwhile, JSON in and out. Resource handlers build paths and types and call these.

use ::http::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::Result;
use crate::http::{Auth, Call, RawResponse, check_status, decode, encode};
use crate::limits::ResponseStream;
use crate::session::{Credentials, Session};

/// No request body, for [`Client::send_json`] and [`Client::send_ok`]:
/// `client.send_ok(Method::DELETE, "/apps/7", NO_BODY)`.
pub const NO_BODY: Option<&'static ()> = None;

/// The transport's authentication data of a session's credentials.
fn auth_of(c: &Credentials) -> Auth<'_> {
    match c {
        Credentials::Token(t) => Auth::Token(&t.access_token),
        Credentials::ApiKey(k) => Auth::Key { key_id: &k.key_id, secret: k.secret.secret() },
    }
}

impl Client {
    /// An authenticated request with the session's token and account context, after
    /// [`Client::ensure_fresh`]. Returns any response, error status or not.
    ///
    /// If the server answers 401 to a token that has meanwhile been reissued (by another
    /// task or process), the request is sent once more with the new token: a 401 means
    /// the server did not act on it, so this is safe for every method. Never more.
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse> {
        let stream = self.request_stream(method, path, body).await?;
        self.http().read_raw(stream).await
    }

    /// Like [`Client::request_raw`], but the body is left unread: read it chunk by chunk
    /// (within the response size limit) without holding it whole, e.g. to copy it to a file.
    /// A 401 to a token reissued meanwhile is resent once, as there.
    pub async fn request_stream(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<ResponseStream> {
        let session = self.fresh().await?;
        let sent = session.token().map(|t| t.access_token.clone());
        // Only token requests can be resent; keep their body for that.
        let again = if sent.is_some() { body.clone() } else { None };
        let stream = self.http().send_stream(self.call_as(&session, method.clone(), path, body)).await?;
        let Some(sent) = sent.filter(|_| stream.status() == 401) else {
            return Ok(stream);
        };
        let Some((current, _no_renewal)) = self.rotated(&sent).await? else {
            return Ok(stream);
        };
        drop(stream);
        tracing::debug!(%method, path, "the token was reissued meanwhile; sending once more with the new one");
        self.http().send_stream(self.call_as(&current, method, path, again)).await
    }

    /// A call of `session`: its credentials and account context.
    fn call_as<'a>(
        &self,
        session: &'a Session,
        method: Method,
        path: &'a str,
        body: Option<Vec<u8>>,
    ) -> Call<'a> {
        let mut call = Call::new(method, path);
        call.auth = auth_of(&session.auth);
        call.account = session.account_id;
        call.body = body;
        call
    }

    /// An authenticated `GET` decoded as `T`.
    pub async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.send_json(Method::GET, path, NO_BODY).await
    }

    /// An authenticated request with an optional JSON body, decoded as `T`. Never
    /// retried: Armor has no idempotency keys.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T> {
        let raw = self.send_checked(method.clone(), path, body).await?;
        decode(method.as_str(), path, &raw)
    }

    /// An authenticated request whose success body is not needed (e.g. `202`).
    pub async fn send_ok(&self, method: Method, path: &str, body: Option<&impl Serialize>) -> Result<()> {
        self.send_checked(method, path, body).await.map(drop)
    }

    async fn send_checked(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Vec<u8>> {
        let bytes = body.map(|b| encode(method.as_str(), path, b)).transpose()?;
        let raw = self.request_raw(method.clone(), path, bytes).await?;
        check_status(method.as_str(), path, &raw)?;
        Ok(raw.body)
    }
}
