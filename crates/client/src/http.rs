//! The HTTP transport: one shared `reqwest` client, Armor's headers, status and body
//! handling. Logs method, URL, status and timing at debug level; never headers or bodies.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use armor_core::{AccessToken, AccountId, Clock, ErrorBody, psk};
use jiff::Timestamp;
use reqwest::header::{ACCEPT, AUTHORIZATION, DATE, HeaderValue};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::{ApiFailure, Error, Result, TransportError};
use crate::limits::{self, ResponseStream};
use crate::retry;
use crate::server::ServerUrl;
use crate::tls::{self, CaBundle};

/// Timeouts of the shared HTTP client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Time to establish a connection. Default 10 s.
    pub connect: Duration,
    /// Time for a whole request. Default 60 s.
    pub request: Duration,
    /// Time for `/auth/authorize`, which waits for the user's MFA approval. Default 180 s.
    pub login: Duration,
    /// Time for a token reissue, shorter so that no one waits long behind it. Default 15 s.
    pub reissue: Duration,
    /// Longest wait for the profile's lock held by another process (only calls that must
    /// write the session wait; a call with a valid token never does). Default 20 s.
    pub lock: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
            login: Duration::from_secs(180),
            reissue: Duration::from_secs(15),
            lock: Duration::from_secs(20),
        }
    }
}

/// How a request authenticates: plain data, no session model.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Auth<'a> {
    None,
    /// FH-AUTH with this token.
    Token(&'a AccessToken),
    /// ARMOR-PSK: every request signed with this key.
    Key {
        key_id: &'a str,
        secret: &'a SecretString,
    },
}

/// One request to send.
#[derive(Debug, Clone)]
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

    /// Sets `body`, serialized as JSON.
    pub fn json(mut self, body: &impl Serialize) -> Result<Self> {
        self.body = Some(encode(self.method.as_str(), self.path, body)?);
        Ok(self)
    }
}

/// A raw response: status and body bytes.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
///
/// The `reqwest` client is built on the first request, not before: commands that send
/// none (`armor status`, `armor token print` with a fresh token) do not pay for it, nor
/// for reading the operating system's trust store for an https server.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    client: Arc<OnceLock<reqwest::Client>>,
    ca: CaBundle,
    server: ServerUrl,
    clock: Arc<dyn Clock>,
    timeouts: Timeouts,
    max_response_bytes: u64,
    max_response_values: u64,
}

impl Http {
    pub fn new(
        server: ServerUrl,
        timeouts: Timeouts,
        (max_response_bytes, max_response_values): (u64, u64),
        clock: Arc<dyn Clock>,
        ca: &CaBundle,
    ) -> Self {
        let client = Arc::new(OnceLock::new());
        Http { client, ca: ca.clone(), server, clock, timeouts, max_response_bytes, max_response_values }
    }

    /// The `reqwest` client, built on first use.
    fn client(&self) -> Result<&reqwest::Client> {
        if let Some(client) = self.client.get() {
            return Ok(client);
        }
        let https = !self.server.as_str().starts_with("http://");
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("armor/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(self.timeouts.connect)
            .timeout(self.timeouts.request)
            .https_only(https)
            .redirect(reqwest::redirect::Policy::none())
            .tls_backend_preconfigured(tls::client_config(https, &self.ca)?);
        if !https {
            // Plain http goes to loopback only: never through a proxy from HTTP_PROXY,
            // which would carry it off the machine in clear text.
            builder = builder.no_proxy();
        }
        let client = builder.build().map_err(|e| Error::Unreachable {
            url: self.server.to_string(),
            source: TransportError::new(e),
        })?;
        // Two tasks may build one at once: the first kept is the one all use.
        Ok(self.client.get_or_init(|| client))
    }

    pub fn server(&self) -> &ServerUrl {
        &self.server
    }

    /// Sends `call`; returns status and body of any response, error or not. The body is
    /// read within the response size limit.
    ///
    /// A `GET` or `HEAD` whose body breaks off (the connection fails while it is read) is
    /// sent again like one whose connection failed before the answer, within the same
    /// attempts and overall timeout.
    pub async fn send_raw(&self, call: Call<'_>) -> Result<RawResponse> {
        let started = Instant::now();
        let (method, path) = (call.method.clone(), call.path);
        let deadline = started + call.timeout.unwrap_or(self.timeouts.request);
        let retryable = retry::is_retryable_method(&call.method);
        let mut attempt = 1;
        let (status, date, body) = loop {
            let mut this = call.clone();
            this.timeout = Some(deadline.saturating_duration_since(Instant::now()));
            let (stream, used) = self.send_stream_from(this, attempt).await?;
            attempt = used;
            let (status, date) = (stream.status(), stream.date);
            match stream.collect().await {
                Ok(body) => break (status, date, body),
                Err(e) => {
                    let Some(url) = e.broken_answer_url().filter(|_| retryable) else { return Err(e) };
                    let Some(delay) = retry::delay(attempt + 1, None, deadline) else { return Err(e) };
                    attempt += 1;
                    tracing::info!(
                        method = %method,
                        url = %url,
                        reason = "the response body broke off",
                        attempt,
                        of = retry::MAX_ATTEMPTS,
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        };
        log_request(&method, path, status, Some(body.len()), started);
        Ok(RawResponse { status, body, date, received_at: self.clock.now() })
    }

    /// Sends `call` (again, for `GET` and `HEAD`, on a connection error or a 429, 502, 503
    /// or 504, see [`crate::retry`]) and returns the response with its body unread.
    pub async fn send_stream(&self, call: Call<'_>) -> Result<ResponseStream> {
        let started = Instant::now();
        let (method, path) = (call.method.clone(), call.path);
        let (stream, _) = self.send_stream_from(call, 1).await?;
        log_request(&method, path, stream.status(), None, started);
        Ok(stream)
    }

    /// [`Http::send_stream`] starting at attempt `attempt`; also returns the attempt that
    /// answered.
    async fn send_stream_from(&self, call: Call<'_>, mut attempt: u32) -> Result<(ResponseStream, u32)> {
        let url = self.url(call.path)?;
        let started = Instant::now();
        let deadline = started + call.timeout.unwrap_or(self.timeouts.request);
        let retryable = retry::is_retryable_method(&call.method);
        // The URL as errors and logs show it: without the query.
        let shown = || {
            let mut shown = url.clone();
            shown.set_query(None);
            shown.to_string()
        };
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let outcome = self.request(&call, &url, left)?.send().await;
            let (reason, retry_after) = match &outcome {
                Ok(resp) if retryable && retry::is_retryable_status(resp.status().as_u16()) => (
                    format!("HTTP {}", resp.status().as_u16()),
                    retry::retry_after(resp.headers(), self.clock.now()),
                ),
                Err(e)
                    if retryable && tls::handshake_failure(e).is_none() && retry::is_retryable_error(e) =>
                {
                    (connection_error(e), None)
                }
                _ => (String::new(), None),
            };
            let delay =
                if reason.is_empty() { None } else { retry::delay(attempt + 1, retry_after, deadline) };
            let Some(delay) = delay else {
                let resp = outcome.map_err(|source| {
                    if let Some(f) = tls::handshake_failure(&source) {
                        let (reason, hint, untrusted) = (f.reason, f.hint, f.untrusted);
                        Error::Tls { host: self.server.host_port(), reason, hint, untrusted }
                    } else if retryable || source.is_connect() {
                        Error::Unreachable { url: shown(), source: TransportError::new(source) }
                    } else {
                        let source = TransportError::new(source);
                        Error::ConnectionLost { method: call.method.to_string(), url: shown(), source }
                    }
                })?;
                // Redirects are off, so this holds; checked all the same before a byte is read.
                if !self.server.same_origin(resp.url()) {
                    return Err(Error::InvalidPath {
                        path: limits::quote(call.path),
                        reason: "it led to another server",
                    });
                }
                let date = resp.headers().get(DATE).and_then(|d| d.to_str().ok()).and_then(parse_http_date);
                let mut stream =
                    ResponseStream::new(resp, call.method.as_str(), call.path, self.max_response_bytes)?;
                stream.date = date;
                return Ok((stream, attempt));
            };
            attempt += 1;
            tracing::info!(
                method = %call.method,
                url = %shown(),
                %reason,
                attempt,
                of = retry::MAX_ATTEMPTS,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            drop(outcome);
            tokio::time::sleep(delay).await;
        }
    }

    /// The URL of `path`, which must be an API path (`/...`) that stays on this server.
    fn url(&self, path: &str) -> Result<url::Url> {
        let invalid = |reason| Error::InvalidPath { path: limits::quote(path), reason };
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(invalid("an API path starts with a single '/'"));
        }
        if path.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(invalid("it contains white space or control characters"));
        }
        let url = self.server.join(path);
        let parsed = url::Url::parse(&url).map_err(|_| invalid("it does not make a valid URL"))?;
        if !self.server.same_origin(&parsed) {
            return Err(invalid("it leads to another server"));
        }
        Ok(parsed)
    }

    /// One attempt of `call`, signed afresh (a new PSK nonce each time).
    fn request(&self, call: &Call<'_>, url: &url::Url, timeout: Duration) -> Result<reqwest::RequestBuilder> {
        let mut req =
            self.client()?.request(call.method.clone(), url.clone()).header(ACCEPT, "application/json");
        match call.auth {
            Auth::None => {}
            Auth::Token(token) => {
                let token = token.expose().as_bytes();
                let mut value = Vec::with_capacity(8 + token.len());
                value.extend_from_slice(b"FH-AUTH ");
                value.extend_from_slice(token);
                req = req.header(AUTHORIZATION, sensitive(value)?);
            }
            Auth::Key { key_id, secret } => {
                let signable = psk::Signable {
                    key_id,
                    method: call.method.as_str(),
                    path: call.path.split('?').next().unwrap_or(call.path),
                    nonce: &random_nonce()?,
                    timestamp: self.clock.now().as_second(),
                    body: call.body.as_deref().unwrap_or_default(),
                };
                let value = psk::authorization(secret.expose_secret(), &signable);
                req = req.header(AUTHORIZATION, sensitive(value)?);
            }
        }
        if let Some(id) = call.account {
            req = req.header("X-Account-Context", HeaderValue::from(id.0));
        }
        if let Some(body) = &call.body {
            req = req.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        Ok(req.timeout(timeout))
    }

    /// Sends `call` and decodes a success body as `T`; an error status becomes
    /// [`Error::Api`].
    pub async fn send<T: DeserializeOwned>(&self, call: Call<'_>) -> Result<T> {
        let method = call.method.to_string();
        let path = call.path.to_owned();
        let raw = self.send_raw(call).await?;
        check_status(&method, &path, &raw)?;
        self.decode(&method, &path, &raw.body)
    }

    /// Decodes `body` as `T` with the tolerant reader, naming the JSON path that failed;
    /// a body with more JSON values than the limit fails before anything is built.
    pub fn decode<T: DeserializeOwned>(&self, method: &str, path: &str, body: &[u8]) -> Result<T> {
        let scan = limits::scan_within(method, path, body, self.max_response_values)?;
        armor_core::lenient::decode(body, scan).map_err(|e| Error::Decode {
            method: method.to_owned(),
            path: path.to_owned(),
            json_path: e.json_path,
            source: e.source,
        })
    }
}

/// The `-v` line of one answered request: the path without its query, and the body size
/// when it was read here (`None`: the caller streams it).
fn log_request(method: &Method, path: &str, status: u16, bytes: Option<usize>, started: Instant) {
    tracing::debug!(
        method = %method,
        path = %path.split('?').next().unwrap_or(path),
        status,
        bytes,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "http request"
    );
}

/// A short description of a transport error for the retry log (never a secret: reqwest
/// errors carry no headers or bodies).
fn connection_error(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut cause = String::from("connection error");
    let mut source = e.source();
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    limits::quote(&cause)
}

/// A header value marked sensitive (never logged by the HTTP stack), taken without a copy.
fn sensitive(value: impl Into<bytes::Bytes>) -> Result<HeaderValue> {
    let mut v = HeaderValue::from_maybe_shared(value.into())
        .map_err(|_| Error::InvalidApiKey("it cannot go into an HTTP header"))?;
    v.set_sensitive(true);
    Ok(v)
}

/// A fresh nonce: 32 random lowercase hex characters (no colon, well under 128). Without
/// randomness from the OS the request is not sent: a guessable nonce is no nonce.
fn random_nonce() -> Result<String> {
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).map_err(|e| Error::NoRandomness(e.to_string()))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

/// `body` as JSON; a value that cannot be serialized (e.g. a map with non-string keys) is
/// an error, never an empty body.
pub(crate) fn encode(method: &str, path: &str, body: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(body).map_err(|source| Error::Encode {
        method: method.to_owned(),
        path: limits::quote(path.split('?').next().unwrap_or(path)),
        source,
    })
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
    let small = armor_core::lenient::count_values(&raw.body, limits::MAX_ERROR_BODY_VALUES)
        <= limits::MAX_ERROR_BODY_VALUES;
    let parsed: Option<ErrorBody> = if small { serde_json::from_slice(&raw.body).ok() } else { None };
    let text = String::from_utf8_lossy(&raw.body);
    let message = parsed
        .as_ref()
        .and_then(|b| b.message().map(str::to_owned))
        .or_else(|| {
            let t = text.trim();
            (!t.is_empty() && !t.starts_with('<')).then(|| t.to_owned())
        })
        .or_else(|| status.canonical_reason().map(str::to_owned))
        .map(|m| limits::quote(&m));
    Err(Error::Api(Box::new(ApiFailure {
        status: raw.status,
        method: method.to_owned(),
        path: path.to_owned(),
        hint: clock_hint(message.as_deref(), raw),
        message,
        reference_id: parsed.and_then(|b| b.reference_id).map(|r| limits::quote(&r)),
        body: text.into_owned(),
    })))
}
