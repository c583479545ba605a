//! Request counters per endpoint, served at `GET /_emulator/stats`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use crate::state::AppState;

/// Counters of one endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointStats {
    /// All requests.
    pub total: u64,
    /// Answered 1xx-3xx.
    pub ok: u64,
    /// Answered 4xx.
    pub client_error: u64,
    /// Answered 5xx.
    pub server_error: u64,
}

/// Counters of every endpoint, keyed `"METHOD /path/{template}"`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Per endpoint.
    pub endpoints: BTreeMap<String, EndpointStats>,
}

impl Stats {
    /// The counters of `key` (`"POST /auth/token/reissue"`), zero if never called.
    pub fn get(&self, key: &str) -> EndpointStats {
        self.endpoints.get(key).copied().unwrap_or_default()
    }
}

/// Collects [`Stats`].
#[derive(Debug, Default)]
pub struct StatsRecorder(Mutex<Stats>);

impl StatsRecorder {
    pub fn record(&self, key: String, status: u16) {
        let mut stats = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let e = stats.endpoints.entry(key).or_default();
        e.total += 1;
        match status {
            400..=499 => e.client_error += 1,
            500.. => e.server_error += 1,
            _ => e.ok += 1,
        }
    }

    pub fn snapshot(&self) -> Stats {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// Middleware that counts each request under its matched route, or `<unmatched>`.
pub async fn count(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "<unmatched>".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(req).await;
    if !path.starts_with("/_emulator/") {
        state.stats.record(format!("{method} {path}"), response.status().as_u16());
    }
    response
}
