//! Request counters per endpoint, served at `GET /_emulator/stats`.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use axum::http::Method;
use serde::{Deserialize, Serialize};

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

/// Counters of every endpoint, keyed `"METHOD /path/{template}"` (a method other than the
/// standard ones counts as `OTHER`, so clients cannot grow the table), and of injected
/// faults, keyed by their rule (`"GET /vms=503"`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Per endpoint.
    pub endpoints: BTreeMap<String, EndpointStats>,
    /// Faults injected, per rule.
    #[serde(default)]
    pub faults: BTreeMap<String, u64>,
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

    /// Counts a fault injected by `rule`.
    pub fn record_fault(&self, rule: String) {
        let mut stats = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        *stats.faults.entry(rule).or_default() += 1;
    }

    pub fn snapshot(&self) -> Stats {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The stats key of a method: the standard ones by name, any other as `OTHER`.
pub fn method_key(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "OTHER",
    }
}
