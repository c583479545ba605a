//! A lean HTTP/1.1 load generator: `connections` keep-alive connections on raw hyper,
//! each sending its next request as soon as the last answer is read (like `wrk`), counted
//! per second so that a long run shows whether throughput stays flat.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use armor_core::auth::{AuthorizeRequest, AuthorizeResponse, TokenRequest};
use armor_core::psk;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HOST, HeaderName, HeaderValue};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use secrecy::{ExposeSecret, SecretString};
use tokio::net::TcpStream;

/// What each connection sends, over and over.
#[derive(Debug, Clone)]
pub enum Scenario {
    /// `GET path` with fixed headers.
    Get {
        /// The path.
        path: String,
        /// Extra headers (e.g. a static token).
        headers: Vec<(HeaderName, HeaderValue)>,
    },
    /// `POST path` with a fixed JSON body.
    Post {
        /// The path.
        path: String,
        /// The body.
        body: Bytes,
    },
    /// A password login: `POST /auth/authorize`, then `POST /auth/token` with its code
    /// (two requests).
    Login {
        /// The username.
        username: String,
        /// The password.
        password: String,
    },
    /// `GET path` signed with ARMOR-PSK, a new nonce each time.
    PskGet {
        /// The path.
        path: String,
        /// The `X-Account-Context`.
        account: u32,
        /// The key id.
        key_id: String,
        /// The key secret.
        secret: String,
    },
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Requests answered 2xx.
    pub ok: u64,
    /// Requests that failed (non-2xx, or a connection error).
    pub failed: u64,
    /// How long the run took.
    pub elapsed: Duration,
    /// 2xx answers per second of the run.
    pub per_second: Vec<u64>,
}

impl Report {
    /// 2xx answers per second over the whole run.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// 2xx answers per second over whole seconds `from..to` of the run.
    pub fn window_rate(&self, from: usize, to: usize) -> f64 {
        let to = to.min(self.per_second.len());
        let from = from.min(to);
        let n: u64 = self.per_second[from..to].iter().sum();
        n as f64 / ((to - from).max(1)) as f64
    }
}

/// Runs `scenario` on `connections` connections to `addr` for `duration`.
pub async fn run(addr: SocketAddr, scenario: Scenario, connections: usize, duration: Duration) -> Report {
    let scenario = Arc::new(scenario);
    let start = Instant::now();
    let deadline = start + duration;
    let tasks: Vec<_> =
        (0..connections).map(|_| tokio::spawn(connection(addr, scenario.clone(), start, deadline))).collect();
    let mut report = Report { per_second: vec![0; duration.as_secs() as usize + 1], ..Report::default() };
    for task in tasks {
        let part = task.await.expect("load connection task");
        report.ok += part.ok;
        report.failed += part.failed;
        for (total, n) in report.per_second.iter_mut().zip(&part.per_second) {
            *total += n;
        }
    }
    report.elapsed = start.elapsed();
    // A partial last second would distort window rates.
    report.per_second.truncate(duration.as_secs() as usize);
    report
}

async fn connect(addr: SocketAddr) -> Option<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let (sender, conn) = http1::handshake(TokioIo::new(stream)).await.ok()?;
    tokio::spawn(conn);
    Some(sender)
}

async fn connection(addr: SocketAddr, scenario: Arc<Scenario>, start: Instant, deadline: Instant) -> Report {
    let mut report =
        Report { per_second: vec![0; (deadline - start).as_secs() as usize + 1], ..Report::default() };
    let host = HeaderValue::from_str(&addr.to_string()).expect("an address is a valid header");
    let mut sender = None;
    while Instant::now() < deadline {
        if sender.is_none() {
            sender = connect(addr).await;
            if sender.is_none() {
                report.failed += 1;
                tokio::time::sleep(Duration::from_millis(10)).await;
                continue;
            }
        }
        let conn = sender.as_mut().expect("connected above");
        let (ok, failed) = once(conn, &scenario, &host).await;
        if failed > 0 {
            sender = None;
        }
        report.failed += failed;
        report.ok += ok;
        let second = start.elapsed().as_secs() as usize;
        if let Some(slot) = report.per_second.get_mut(second) {
            *slot += ok;
        }
    }
    report
}

/// One round of the scenario: (answered 2xx, failed).
async fn once(conn: &mut SendRequest<Full<Bytes>>, scenario: &Scenario, host: &HeaderValue) -> (u64, u64) {
    match scenario {
        Scenario::Get { path, headers } => {
            let mut req = request(Method::GET, path, host, Bytes::new());
            for (name, value) in headers {
                req.headers_mut().insert(name, value.clone());
            }
            counted(send(conn, req).await)
        }
        Scenario::Post { path, body } => {
            counted(send(conn, request(Method::POST, path, host, body.clone())).await)
        }
        Scenario::Login { username, password } => {
            let body = json(
                &AuthorizeRequest {
                    username: username.clone(),
                    password: SecretString::from(password.as_str()),
                }
                .expose_body(),
            );
            let Some(code) = send(conn, request(Method::POST, "/auth/authorize", host, body))
                .await
                .and_then(|b| serde_json::from_slice::<AuthorizeResponse>(&b).ok())
            else {
                return (0, 1);
            };
            let body = json(
                &TokenRequest { code: code.code, grant_type: "authorization_code".into() }.expose_body(),
            );
            match send(conn, request(Method::POST, "/auth/token", host, body)).await {
                Some(_) => (2, 0),
                None => (1, 1),
            }
        }
        Scenario::PskGet { path, account, key_id, secret } => {
            let nonce = next_nonce();
            let signable = psk::Signable {
                key_id,
                method: "GET",
                path,
                nonce: &nonce,
                timestamp: jiff::Timestamp::now().as_second(),
                body: b"",
            };
            let mut req = request(Method::GET, path, host, Bytes::new());
            let value = psk::authorization(secret, &signable);
            req.headers_mut().insert(AUTHORIZATION, HeaderValue::from_str(&value).expect("header"));
            req.headers_mut().insert("x-account-context", HeaderValue::from(*account));
            counted(send(conn, req).await)
        }
    }
}

fn counted(outcome: Option<Bytes>) -> (u64, u64) {
    if outcome.is_some() { (1, 0) } else { (0, 1) }
}

fn json(value: &impl serde::Serialize) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("request types serialize"))
}

fn request(method: Method, path: &str, host: &HeaderValue, body: Bytes) -> Request<Full<Bytes>> {
    let mut req = Request::new(Full::new(body.clone()));
    *req.method_mut() = method;
    *req.uri_mut() = path.parse().expect("a valid path");
    req.headers_mut().insert(HOST, host.clone());
    req.headers_mut().insert(hyper::header::ACCEPT, HeaderValue::from_static("application/json"));
    if !body.is_empty() {
        req.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    req
}

/// Sends `req` and reads the whole answer: its body if 2xx.
async fn send(conn: &mut SendRequest<Full<Bytes>>, req: Request<Full<Bytes>>) -> Option<Bytes> {
    conn.ready().await.ok()?;
    let resp = conn.send_request(req).await.ok()?;
    let ok = resp.status().is_success();
    let body = resp.into_body().collect().await.ok()?.to_bytes();
    ok.then_some(body)
}

/// A nonce never used before in this process, nor (with the start time in it) by an
/// earlier run within the replay window.
fn next_nonce() -> String {
    static SEQ: AtomicU64 = AtomicU64::new(0);
    static EPOCH: std::sync::OnceLock<i128> = std::sync::OnceLock::new();
    let epoch = EPOCH.get_or_init(|| jiff::Timestamp::now().as_nanosecond());
    format!("{epoch:x}-{:x}", SEQ.fetch_add(1, Ordering::Relaxed))
}

/// The login flow's token, for scenarios that need one (not measured).
pub async fn login_token(addr: SocketAddr, username: &str, password: &str) -> String {
    let mut conn = connect(addr).await.expect("connect for login");
    let host = HeaderValue::from_str(&addr.to_string()).expect("header");
    let body = json(
        &AuthorizeRequest { username: username.into(), password: SecretString::from(password) }.expose_body(),
    );
    let b = send(&mut conn, request(Method::POST, "/auth/authorize", &host, body)).await.expect("authorize");
    let code: AuthorizeResponse = serde_json::from_slice(&b).expect("authorize response");
    let body = json(&TokenRequest { code: code.code, grant_type: "authorization_code".into() }.expose_body());
    let b = send(&mut conn, request(Method::POST, "/auth/token", &host, body)).await.expect("token");
    let tokens: armor_core::auth::TokenResponse = serde_json::from_slice(&b).expect("token response");
    tokens.access_token.expose_secret().to_owned()
}
