//! Request counters per endpoint, served at `GET /_emulator/stats`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError, RwLock};

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
/// faults, keyed by their rule (`"GET /vms=503"`, `"reissue-fault=hang"`).
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

/// The counters of one endpoint, kept while serving.
#[derive(Debug, Default)]
struct Counters {
    total: AtomicU64,
    ok: AtomicU64,
    client_error: AtomicU64,
    server_error: AtomicU64,
}

/// Collects [`Stats`]: per method and route template, atomic counters behind a
/// read-mostly lock (only an endpoint's first request takes it exclusively), so that
/// counting does not make concurrent requests wait for each other.
#[derive(Debug, Default)]
pub struct StatsRecorder {
    endpoints: RwLock<HashMap<&'static str, HashMap<Box<str>, Counters>>>,
    faults: Mutex<BTreeMap<String, u64>>,
}

impl StatsRecorder {
    /// Counts a request to `path` (a route template, or `<unmatched>`) answered `status`.
    pub fn record(&self, method: &'static str, path: &str, status: u16) {
        let count = |c: &Counters| {
            c.total.fetch_add(1, Ordering::Relaxed);
            let class = match status {
                400..=499 => &c.client_error,
                500.. => &c.server_error,
                _ => &c.ok,
            };
            class.fetch_add(1, Ordering::Relaxed);
        };
        {
            let endpoints = self.endpoints.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(c) = endpoints.get(method).and_then(|m| m.get(path)) {
                return count(c);
            }
        }
        let mut endpoints = self.endpoints.write().unwrap_or_else(PoisonError::into_inner);
        count(endpoints.entry(method).or_default().entry(path.into()).or_default());
    }

    /// Counts a fault injected by `rule`.
    pub fn record_fault(&self, rule: String) {
        *self.faults.lock().unwrap_or_else(PoisonError::into_inner).entry(rule).or_default() += 1;
    }

    pub fn snapshot(&self) -> Stats {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let endpoints = self.endpoints.read().unwrap_or_else(PoisonError::into_inner);
        Stats {
            endpoints: endpoints
                .iter()
                .flat_map(|(method, paths)| {
                    paths.iter().map(move |(path, c)| {
                        let counts = EndpointStats {
                            total: load(&c.total),
                            ok: load(&c.ok),
                            client_error: load(&c.client_error),
                            server_error: load(&c.server_error),
                        };
                        (format!("{method} {path}"), counts)
                    })
                })
                .collect(),
            faults: self.faults.lock().unwrap_or_else(PoisonError::into_inner).clone(),
        }
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
