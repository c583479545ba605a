//! The HTTP transport: one shared `reqwest` client, Armor's headers, status and body
//! handling. Logs method, URL, status and timing at debug level; never headers or bodies.

use std::time::{Duration, Instant};

use armor_core::{AccessToken, AccountId, ErrorBody};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::server::ServerUrl;

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
        Call {
            method,
            path,
            auth: Auth::None,
            account: None,
            body: None,
            timeout: None,
        }
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
}

/// The shared HTTP client of one server. Cheap to clone; clones share connections.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    server: ServerUrl,
}

impl Http {
    pub fn new(server: ServerUrl, timeouts: Timeouts) -> Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("armor/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .https_only(!server.as_str().starts_with("http://"))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| Error::Unreachable {
                url: server.to_string(),
                source,
            })?;
        Ok(Http { client, server })
    }

    pub fn server(&self) -> &ServerUrl {
        &self.server
    }

    /// Sends `call`; returns status and body of any response, error or not.
    pub async fn send_raw(&self, call: Call<'_>) -> Result<RawResponse> {
        let url = self.server.join(call.path);
        let mut req = self
            .client
            .request(call.method.clone(), &url)
            .header(ACCEPT, "application/json");
        match call.auth {
            Auth::None => {}
            Auth::Token(token) => {
                let mut value = HeaderValue::from_str(&format!("FH-AUTH {}", token.expose()))
                    .map_err(|_| Error::InvalidToken(armor_core::TokenFormatError::Whitespace))?;
                value.set_sensitive(true);
                req = req.header(AUTHORIZATION, value);
            }
        }
        if let Some(id) = call.account {
            req = req.header("X-Account-Context", id.to_string());
        }
        if let Some(body) = call.body {
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        if let Some(t) = call.timeout {
            req = req.timeout(t);
        }
        let started = Instant::now();
        let unreachable = |source| Error::Unreachable {
            url: url.clone(),
            source,
        };
        let resp = req.send().await.map_err(unreachable)?;
        let status = resp.status();
        let body = resp.bytes().await.map_err(unreachable)?.to_vec();
        tracing::debug!(
            method = %call.method,
            url = %url,
            status = status.as_u16(),
            bytes = body.len(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "http request"
        );
        Ok(RawResponse {
            status: status.as_u16(),
            body,
        })
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
    Err(Error::Api {
        status: raw.status,
        method: method.to_owned(),
        path: path.to_owned(),
        message,
        reference_id: parsed.and_then(|b| b.reference_id),
        body: text.into_owned(),
    })
}

/// Decodes `body` as `T`, naming the JSON path that failed.
pub(crate) fn decode<T: DeserializeOwned>(method: &str, path: &str, body: &[u8]) -> Result<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| Error::Decode {
        method: method.to_owned(),
        path: path.to_owned(),
        json_path: e.path().to_string(),
        source: e.into_inner(),
    })
}
