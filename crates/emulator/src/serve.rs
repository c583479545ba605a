//! The connection loop: HTTP/1.1 with hyper, bounded against hostile clients.
//!
//! - Request headers must arrive within [`EmulatorConfig::header_timeout`] (10 s by
//!   default), so slowloris connections are closed; a request's body must arrive within
//!   the same time after its headers, else reading it fails (and the request is answered
//!   with an error), so a body that never comes does not keep a connection busy.
//! - At most [`EmulatorConfig::max_connections`] connections are open. When a new one
//!   arrives at the limit, the oldest *idle* connection (no request in progress: waiting
//!   for headers or between keep-alive requests) is closed to make room; if every one is
//!   busy, the new one is closed. A flood of idle connections cannot starve real requests.
//! - Fault rules ([`crate::faults`]) run before the router.
//! - With TLS, each connection's handshake runs in its own task, within the header timeout.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use axum::response::IntoResponse;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::{Notify, oneshot, watch};
use tokio_rustls::TlsAcceptor;
use tower_service::Service;

use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::state::AppState;

/// The error that makes hyper close a connection without answering (a `reset` fault).
#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by a fault rule")
    }
}

impl std::error::Error for Reset {}

/// One open connection: how many requests it has in progress, and how to close it.
#[derive(Debug)]
struct Conn {
    busy: Arc<AtomicUsize>,
    close: Arc<Notify>,
}

/// The open connections, oldest first.
#[derive(Debug, Default)]
struct Registry {
    conns: Mutex<BTreeMap<u64, Conn>>,
}

impl Registry {
    fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Conn>> {
        self.conns.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Closes the oldest connection without a request in progress; `false` if none is idle.
    fn evict_idle(&self) -> bool {
        let mut conns = self.lock();
        let idle = conns.iter().find(|(_, c)| c.busy.load(Ordering::SeqCst) == 0).map(|(id, _)| *id);
        match idle.and_then(|id| conns.remove(&id)) {
            Some(conn) => {
                conn.close.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Decrements a connection's in-progress count when a request's answer is ready.
struct BusyGuard(Arc<AtomicUsize>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `app` on `listener` until `shutdown` fires, then lets requests in flight finish.
pub(crate) async fn serve(
    listener: TcpListener,
    app: Router,
    state: Arc<AppState>,
    mut shutdown: oneshot::Receiver<()>,
    tls: Option<TlsAcceptor>,
) -> io::Result<()> {
    let registry = Arc::new(Registry::default());
    let (stop_tx, stop_rx) = watch::channel(false);
    let max = state.config.max_connections.max(1);
    let mut next_id = 0u64;
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors (or a connection that died in the backlog):
                // make room if possible and try again shortly.
                tracing::debug!(error = %e, "accept failed");
                if !registry.evict_idle() {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                continue;
            }
        };
        if registry.len() >= max && !registry.evict_idle() {
            tracing::debug!(max, "connection limit reached and every connection is busy; refusing one");
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        next_id += 1;
        let conn = Conn { busy: Arc::new(AtomicUsize::new(0)), close: Arc::new(Notify::new()) };
        let (busy, close) = (conn.busy.clone(), conn.close.clone());
        registry.lock().insert(next_id, conn);
        let (app, state, registry, mut stop_rx, id) =
            (app.clone(), state.clone(), registry.clone(), stop_rx.clone(), next_id);
        let header_timeout = state.config.header_timeout;
        let tls = tls.clone();
        tokio::spawn(async move {
            let served = Served { app, state, busy, close, stop_rx: &mut stop_rx, header_timeout };
            match tls {
                None => served.run(stream).await,
                // The handshake counts against the header timeout: a silent client is closed.
                Some(acceptor) => match tokio::time::timeout(header_timeout, acceptor.accept(stream)).await {
                    Ok(Ok(stream)) => served.run(stream).await,
                    Ok(Err(e)) => tracing::info!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::info!("TLS handshake timed out"),
                },
            }
            registry.lock().remove(&id);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Requests in flight finish (for up to 5 s); idle keep-alive connections close at once.
    for _ in 0..1000 {
        if registry.len() == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for conn in std::mem::take(&mut *registry.lock()).into_values() {
        conn.close.notify_one();
    }
    Ok(())
}

/// One accepted connection (plain or TLS) and what it needs to be served.
struct Served<'a> {
    app: Router,
    state: Arc<AppState>,
    busy: Arc<AtomicUsize>,
    close: Arc<Notify>,
    stop_rx: &'a mut watch::Receiver<bool>,
    header_timeout: Duration,
}

impl Served<'_> {
    /// Serves HTTP/1.1 on `io` until the peer closes it, the registry evicts it or the
    /// emulator stops (then requests in flight finish).
    async fn run<IO>(self, io: IO)
    where
        IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Served { app, state, busy, close, stop_rx, header_timeout } = self;
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            busy.fetch_add(1, Ordering::SeqCst);
            let guard = BusyGuard(busy.clone());
            let (mut app, state) = (app.clone(), state.clone());
            async move {
                let _guard = guard;
                handle(&mut app, &state, req).await
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .serve_connection(TokioIo::new(io), service);
        tokio::pin!(conn);
        tokio::select! {
            _ = conn.as_mut() => {}
            () = close.notified() => {}
            _ = async { stop_rx.wait_for(|stop| *stop).await.map(|_| ()) } => {
                conn.as_mut().graceful_shutdown();
                let _ = conn.await;
            }
        }
    }
}

/// Applies a fault rule if one fires, else routes the request.
async fn handle(app: &mut Router, state: &AppState, req: Request<Incoming>) -> Result<Response<Body>, Reset> {
    let req = req.map(|inner| {
        if hyper::body::Body::is_end_stream(&inner) {
            // No body (most GETs): nothing to wait for, no timer to set.
            return Body::new(inner);
        }
        let deadline = tokio::time::sleep(state.config.header_timeout);
        Body::new(Deadline { inner, deadline: Box::pin(deadline) })
    });
    if let Some(rule) = state.faults.pick(req.method().as_str(), req.uri().path()) {
        state.stats.record_fault(rule.to_string());
        match rule.kind() {
            FaultKind::Reset => return Err(Reset),
            FaultKind::Delay(d) => tokio::time::sleep(d).await,
            FaultKind::Status(s) => {
                let status = StatusCode::from_u16(s).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                let mut resp = ApiError::new(
                    status,
                    "injected_fault",
                    format!("fault injected by the emulator ({rule})"),
                )
                .into_response();
                if s == 429 {
                    resp.headers_mut().insert("retry-after", axum::http::HeaderValue::from_static("1"));
                }
                return Ok(resp);
            }
        }
    }
    let resp: Result<Response<Body>, Infallible> = app.call(req).await;
    Ok(resp.unwrap_or_else(|e| match e {}))
}

/// Reading a request body failed because it did not arrive in time.
#[derive(Debug)]
pub(crate) struct BodyTimeout;

impl std::fmt::Display for BodyTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimeout {}

impl BodyTimeout {
    /// Whether `e` (or one of its sources) is a [`BodyTimeout`].
    pub(crate) fn caused(e: &(dyn std::error::Error + 'static)) -> bool {
        let mut next = Some(e);
        while let Some(e) = next {
            if e.is::<BodyTimeout>() {
                return true;
            }
            next = e.source();
        }
        false
    }

    /// The answer to such a request: 408 with a JSON error body.
    pub(crate) fn answer() -> ApiError {
        ApiError::new(StatusCode::REQUEST_TIMEOUT, "request_timeout", BodyTimeout.to_string())
    }
}

/// A request body that fails once its deadline passes before it has all arrived.
struct Deadline {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl hyper::body::Body for Deadline {
    type Data = hyper::body::Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimeout)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
    }
}
