//! The HTTP transport: one shared `reqwest` client, Armor's headers, status and body
//! handling. Logs method, URL, status and timing at debug level; never headers or bodies.

use std::sync::Arc;
use std::time::{Duration, Instant};

use armor_core::{AccessToken, AccountId, Clock, ErrorBody, psk};
use jiff::Timestamp;
use reqwest::header::{ACCEPT, AUTHORIZATION, DATE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiFailure, Error, Result};
use crate::server::ServerUrl;
use crate::session::{ApiKey, Credentials};

/// Timeouts of the shared HTTP client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to establish a connection. Default 10 s.
    pub connect: Duration,
    /// Time for a whole request. Default 60 s.
    pub request: Duration,
    /// Time for `/auth/authorize`, which waits for the user's MFA approval. Default 180 s.
    pub login: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
            login: Duration::from_secs(180),
        }
    }
}

/// How a request authenticates.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth<'a> {
    None,
    Token(&'a AccessToken),
    Key(&'a ApiKey),
}

impl<'a> From<&'a Credentials> for Auth<'a> {
    fn from(c: &'a Credentials) -> Self {
        match c {
            Credentials::Token(t) => Auth::Token(&t.access_token),
            Credentials::ApiKey(k) => Auth::Key(k),
        }
    }
}

/// One request to send.
#[derive(Debug)]
pub(crate) struct Call<'a> {
    pub method: Method,
    pub path: &'a str,
    pub auth: Auth<'a>,
    pub account: Option<AccountId>,
    pub body: Option<Vec<u8>>,
    pub timeout: Option<Duration>,
}

impl<'a> Call<'a> {
    pub fn new(method: Method, path: &'a str) -> Self {
        Call { method, path, auth: Auth::None, account: None, body: None, timeout: None }
    }

    pub fn json(mut self, body: &impl Serialize) -> Self {
        // Our own request types always serialize.
        self.body = Some(serde_json::to_vec(body).unwrap_or_default());
        self
    }
}

/// A raw response: status and body bytes.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
    /// The server's `Date` header, if it sent a valid one.
    pub date: Option<Timestamp>,
    /// The local time the response arrived.
    pub received_at: Timestamp,
}

/// The shared HTTP client of one server. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    server: ServerUrl,
    clock: Arc<dyn Clock>,
}

impl Http {
    pub fn new(server: ServerUrl, timeouts: Timeouts, clock: Arc<dyn Clock>) -> Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("armor/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .https_only(!server.as_str().starts_with("http://"))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| Error::Unreachable { url: server.to_string(), source })?;
        Ok(Http { client, server, clock })
    }

    pub fn server(&self) -> &ServerUrl {
        &self.server
    }

    /// Sends `call`; returns status and body of any response, error or not.
    pub async fn send_raw(&self, call: Call<'_>) -> Result<RawResponse> {
        let url = self.server.join(call.path);
        let mut req = self.client.request(call.method.clone(), &url).header(ACCEPT, "application/json");
        match call.auth {
            Auth::None => {}
            Auth::Token(token) => {
                req = req.header(AUTHORIZATION, sensitive(format!("FH-AUTH {}", token.expose()))?);
            }
            Auth::Key(key) => {
                let signable = psk::Signable {
                    key_id: &key.key_id,
                    method: call.method.as_str(),
                    path: call.path.split('?').next().unwrap_or(call.path),
                    nonce: &random_nonce(),
                    timestamp: self.clock.now().as_second(),
                    body: call.body.as_deref().unwrap_or_default(),
                };
                let value = psk::authorization(key.secret.expose(), &signable);
                req = req.header(AUTHORIZATION, sensitive(value)?);
            }
        }
        if let Some(id) = call.account {
            req = req.header("X-Account-Context", id.to_string());
        }
        if let Some(body) = call.body {
            req = req.header(reqwest::header::CONTENT_TYPE, "application/json").body(body);
        }
        if let Some(t) = call.timeout {
            req = req.timeout(t);
        }
        let started = Instant::now();
        let unreachable = |source| Error::Unreachable { url: url.clone(), source };
        let resp = req.send().await.map_err(unreachable)?;
        let status = resp.status();
        let date = resp.headers().get(DATE).and_then(|d| d.to_str().ok()).and_then(parse_http_date);
        let body = resp.bytes().await.map_err(unreachable)?.to_vec();
        tracing::debug!(
            method = %call.method,
            url = %url,
            status = status.as_u16(),
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "http request"
        );
        Ok(RawResponse { status: status.as_u16(), body, date, received_at: self.clock.now() })
    }

    /// Sends `call` and decodes a success body as `T`; an error status becomes
    /// [`Error::Api`].
    pub async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let method = call.method.to_string();
        let path = call.path.to_owned();
        let raw = self.send_raw(call).await?;
        check_status(&method, &path, &raw)?;
        decode(&method, &path, &raw.body)
    }
}

fn sensitive(value: String) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_str(&value)
        .map_err(|_| Error::InvalidApiKey("it cannot go into an HTTP header"))?;
    v.set_sensitive(true);
    Ok(v)
}

/// A fresh nonce: 32 random lowercase hex characters (no colon, well under 128).
fn random_nonce() -> String {
    let mut buf = [0u8; 16];
    // Without OS randomness, fall back to the time: still unique per request here.
    if getrandom::fill(&mut buf).is_err() {
        buf = Timestamp::now().as_nanosecond().to_le_bytes();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(s: &str) -> Option<Timestamp> {
    jiff::fmt::rfc2822::parse(s).ok().map(|z| z.timestamp())
}

/// A hint for a rejected timestamp: how far the local clock is from the server's.
fn clock_hint(message: Option<&str>, raw: &RawResponse) -> Option<String> {
    let about_time = message.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("timestamp") || m.contains("clock")
    });
    if raw.status != 401 || !about_time {
        return None;
    }
    Some(match raw.date {
        Some(server) => {
            let skew = raw.received_at.as_second() - server.as_second();
            let side = if skew >= 0 { "ahead of" } else { "behind" };
            format!(
                "the local clock looks {} s {side} the server's; ARMOR-PSK needs it within 5 minutes",
                skew.abs()
            )
        }
        None => "the local clock looks off; ARMOR-PSK needs it within 5 minutes of the server's".into(),
    })
}

/// Turns an error status into [`Error::Api`], keeping the status even when the body is
/// not JSON.
pub(crate) fn check_status(method: &str, path: &str, raw: &RawResponse) -> Result<()> {
    let status = StatusCode::from_u16(raw.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if status.is_success() {
        return Ok(());
    }
    let parsed: Option<ErrorBody> = serde_json::from_slice(&raw.body).ok();
    let text = String::from_utf8_lossy(&raw.body);
    let message = parsed
        .as_ref()
        .and_then(|b| b.message().map(str::to_owned))
        .or_else(|| {
            let t = text.trim();
            (!t.is_empty() && t.len() <= 200 && !t.starts_with('<')).then(|| t.to_owned())
        })
        .or_else(|| status.canonical_reason().map(str::to_owned));
    Err(Error::Api(Box::new(ApiFailure {
        status: raw.status,
        method: method.to_owned(),
        path: path.to_owned(),
        hint: clock_hint(message.as_deref(), raw),
        message,
        reference_id: parsed.and_then(|b| b.reference_id),
        body: text.into_owned(),
    })))
}

/// Decodes `body` as `T`, naming the JSON path that failed.
pub(crate) fn decode<T: DeserializeOwned>(method: &str, path: &str, body: &[u8]) -> Result<T> {
    // Plain serde_json first; only a failure is decoded again to find its JSON path.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        method: method.to_owned(),
        path: path.to_owned(),
        json_path: e.path().to_string(),
        source: e.into_inner(),
    })
}
