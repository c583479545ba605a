//! The router and the running server.

use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::routing::{get, post};
use axum::{Json, Router, middleware};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::config::EmulatorConfig;
use crate::error::{self, ApiError};
use crate::helpers::MAX_BODY;
use crate::state::AppState;
use crate::stats::{self, Stats};
use crate::tls::{self, TlsFiles};
use crate::{auth, directory, identity, mutate, vms, workloads};

fn router(state: Arc<AppState>) -> Router {
    let protected = Router::new()
        .route("/me", get(identity::me))
        .route("/accounts", get(identity::accounts))
        .route("/users/{id}/keys", get(identity::user_keys))
        .route("/accounts/{id}", get(directory::account))
        .route("/users", get(directory::users))
        .route("/users/{id}", get(directory::user))
        .route("/locations", get(directory::locations))
        .route("/vms", get(vms::list))
        .route("/vms/{id}", get(vms::show).put(vms::rename).delete(vms::remove))
        .route("/vms/core/{guid}", get(vms::show_core))
        .route("/vms/{id}/power/{action}", post(vms::power))
        .route("/orders/vms", post(vms::order))
        .route("/apps", get(workloads::list))
        .route("/apps/{id}", get(workloads::show).put(workloads::rename).delete(workloads::remove))
        .route("/apps/{id}/tiers", get(workloads::tiers).post(workloads::add_tier))
        .route(
            "/apps/{id}/tiers/{tier}",
            get(workloads::show_tier).put(workloads::rename_tier).delete(workloads::remove_tier),
        )
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::authenticate));
    let mut app = Router::new()
        .route("/auth/authorize", post(auth::authorize))
        .route("/auth/token", post(auth::token))
        .route("/auth/token/reissue", post(auth::reissue))
        .merge(protected)
        .route("/_emulator/stats", get(stats_handler))
        .method_not_allowed_fallback(error::method_not_allowed)
        .route_layer(middleware::from_fn_with_state(state.clone(), count));
    // Only when asked for: every layer costs each request a little.
    if state.config.mutate_responses.is_some() {
        app = app.route_layer(middleware::from_fn_with_state(state.clone(), mutate::responses));
    }
    app.fallback(unmatched).layer(DefaultBodyLimit::max(MAX_BODY)).with_state(state)
}

/// Middleware that counts each request under its matched route, or `<unmatched>`.
async fn count(
    State(state): State<Arc<AppState>>,
    req: Request,
    next: middleware::Next,
) -> axum::response::Response {
    let method = stats::method_key(req.method());
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    let path = matched.as_ref().map_or("<unmatched>", MatchedPath::as_str);
    if !path.starts_with("/_emulator/") {
        state.stats.record(method, path, response.status().as_u16());
    }
    response
}

async fn stats_handler(State(state): State<Arc<AppState>>) -> Json<Stats> {
    Json(state.stats.snapshot())
}

async fn unmatched(State(state): State<Arc<AppState>>, req: Request) -> ApiError {
    state.stats.record(stats::method_key(req.method()), "<unmatched>", 404);
    error::not_found(req).await
}

/// A running emulator. Dropping it without [`Emulator::stop`] leaves the server running
/// until the Tokio runtime ends.
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    url: String,
    state: Arc<AppState>,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<io::Result<()>>,
    tls: Option<TlsFiles>,
}

impl Emulator {
    /// Validates `config`, binds its address and starts serving plain http in the
    /// background.
    pub async fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        config.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        Ok(Self::serve(listener, addr, "http", config, None))
    }

    /// Like [`Emulator::start`], but serves https with a certificate for `localhost`,
    /// `127.0.0.1` and `::1` issued by a private CA generated now. Clients must trust
    /// that CA: its PEM file is [`Emulator::ca_file`] (removed when the emulator stops).
    pub async fn start_tls(config: EmulatorConfig) -> io::Result<Emulator> {
        config.validate().map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let (acceptor, files) = tls::setup(config.listen)?;
        let listener = TcpListener::bind(config.listen).await?;
        let addr = listener.local_addr()?;
        Ok(Self::serve(listener, addr, "https", config, Some((acceptor, files))))
    }

    fn serve(
        listener: TcpListener,
        addr: SocketAddr,
        scheme: &str,
        config: EmulatorConfig,
        tls: Option<(TlsAcceptor, TlsFiles)>,
    ) -> Emulator {
        let (acceptor, tls) = tls.unzip();
        let state = Arc::new(AppState::new(config));
        let app = router(state.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(crate::serve::serve(listener, app, state.clone(), rx, acceptor));
        // Bound to every interface: give the loopback URL, which clients accept over http.
        let url = match addr {
            SocketAddr::V4(a) if a.ip().is_unspecified() => format!("{scheme}://127.0.0.1:{}", a.port()),
            SocketAddr::V6(a) if a.ip().is_unspecified() => format!("{scheme}://[::1]:{}", a.port()),
            _ => format!("{scheme}://{addr}"),
        };
        tracing::info!(%url, "armor emulator listening");
        Emulator { addr, url, state, shutdown: Some(tx), task, tls }
    }

    /// The PEM file of the CA that issued the https certificate (only with
    /// [`Emulator::start_tls`]).
    pub fn ca_file(&self) -> Option<PathBuf> {
        self.tls.as_ref().map(TlsFiles::ca_file)
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (`https://` with TLS).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The settings it runs with.
    pub fn config(&self) -> &EmulatorConfig {
        &self.state.config
    }

    /// The request counters so far (the same as `GET /_emulator/stats`).
    pub fn stats(&self) -> Stats {
        self.state.stats.snapshot()
    }

    /// Stops accepting connections, lets requests in flight finish, and waits.
    pub async fn stop(mut self) {
        self.state.stopping.send_replace(true);
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Serves until `signal` completes (e.g. Ctrl-C), then stops.
    pub async fn run_until(self, signal: impl Future<Output = ()>) {
        signal.await;
        self.stop().await;
    }
}
