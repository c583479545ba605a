//! The requests of a [`Client`]: authenticated with the session's credentials and account
//! context after the freshness check, resent once after a 401 to a token that was reissued
//! meanwhile, JSON in and out. Resource handlers build paths and types and call these.

use std::sync::Arc;

use ::http::Method;
use armor_core::lenient::Answer;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::{Auth, Call, RawResponse, check_status, encode};
use crate::limits::ResponseStream;
use crate::renewal::ResendGuard;
use crate::session::{Credentials, Session};

/// No request body, for [`Client::send_json`] and [`Client::send_ok`]:
/// `client.send_ok(Method::DELETE, "/apps/7", NO_BODY)`.
pub const NO_BODY: Option<&'static ()> = None;

/// A copy of a request's body for a resend: only token requests can be resent (API-key
/// requests never meet a reissue).
fn for_resend(session: &Session, body: &Option<Vec<u8>>) -> Option<Vec<u8>> {
    session.token().and_then(|_| body.clone())
}

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
        let session = self.fresh().await?;
        let _in_flight = self.inner.overlap.in_flight();
        let again = for_resend(&session, &body);
        // `send_raw`, not a stream read here: a GET whose body breaks off is retried.
        let raw = self.http().send_raw(self.call_as(&session, method.clone(), path, body)).await?;
        let Some((current, _no_renewal)) = self.resend_after(&session, raw.status, &method, path).await?
        else {
            return Ok(raw);
        };
        self.http().send_raw(self.call_as(&current, method, path, again)).await
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
        let _in_flight = self.inner.overlap.in_flight();
        let again = for_resend(&session, &body);
        let stream = self.http().send_stream(self.call_as(&session, method.clone(), path, body)).await?;
        let Some((current, _no_renewal)) =
            self.resend_after(&session, stream.status(), &method, path).await?
        else {
            return Ok(stream);
        };
        drop(stream);
        self.http().send_stream(self.call_as(&current, method, path, again)).await
    }

    /// After a 401 to a request sent with `session`'s token: the session to send it once
    /// more with, if the token was reissued meanwhile (and the guard that keeps it from
    /// being exchanged while the resend is in flight).
    async fn resend_after(
        &self,
        session: &Session,
        status: u16,
        method: &Method,
        path: &str,
    ) -> Result<Option<(Arc<Session>, ResendGuard<'_>)>> {
        let Some(sent) = session.token().filter(|_| status == 401) else {
            return Ok(None);
        };
        let rotated = self.rotated(&sent.access_token).await?;
        if rotated.is_some() {
            tracing::debug!(%method, path, "the token was reissued meanwhile; sending once more with the new one");
        }
        Ok(rotated)
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
        self.http().decode(method.as_str(), path, &raw)
    }

    /// An authenticated change (never retried) whose 2xx answer is a success whatever its
    /// body; returns the objects the body describes ([`Answer`]): none for `true`, an
    /// empty or a non-JSON body, several for a list. A body over the JSON value limit is
    /// still an error.
    pub async fn send_change<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Vec<T>> {
        let raw = self.send_checked(method.clone(), path, body).await?;
        if raw.trim_ascii().is_empty() {
            return Ok(Vec::new());
        }
        match self.http().decode::<Answer<T>>(method.as_str(), path, &raw) {
            Ok(answer) => Ok(answer.0),
            Err(Error::Decode { .. }) => {
                tracing::debug!(method = %method, path, "the answer to a change is not JSON; ignored");
                Ok(Vec::new())
            }
            Err(e) => Err(e),
        }
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
