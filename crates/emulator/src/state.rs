//! In-memory state: authorization codes, access tokens, failed logins, PSK nonces.
//!
//! Each kind has its own lock, tokens a read-mostly one (every authenticated request reads,
//! only logins and reissues write), and expiry is amortised ([`Expiring`]'s time-ordered
//! queue, [`Tokens`] in issue order, [`Nonces`] in generations) rather than a scan per
//! request.

use std::collections::{HashMap, VecDeque};
use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use crate::config::EmulatorConfig;
use crate::estate::Estate;
use crate::expiry::Expiring;
use crate::faults::Faults;
use crate::nonces::Nonces;
use crate::random::random_hex;
use crate::stats::StatsRecorder;
use crate::tenant::Tenant;
use crate::tokens::Tokens;

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    pub config: EmulatorConfig,
    pub tenant: Tenant,
    pub stats: StatsRecorder,
    pub faults: Faults,
    /// Reissue faults injected so far.
    reissue_faults: AtomicU32,
    /// Set when the emulator stops: hanging requests give up then.
    pub stopping: tokio::sync::watch::Sender<bool>,
    /// Authorization codes (only the demo user logs in, so they need no owner).
    codes: Mutex<Expiring<String, ()>>,
    /// Access tokens (only the demo user logs in, so they need no owner).
    tokens: RwLock<Tokens>,
    failures: Mutex<HashMap<String, VecDeque<Timestamp>>>,
    /// ARMOR-PSK nonces seen in the replay window.
    nonces: Mutex<Nonces>,
    estate: Mutex<EstateSlot>,
    /// The `/me` body, serialized once (the tenant never changes).
    me_body: OnceLock<Bytes>,
}

/// The estate and the serialized bodies of read endpoints for its current version.
#[derive(Debug)]
struct EstateSlot {
    estate: Estate,
    bodies: HashMap<(&'static str, u32), Bytes>,
}

/// The locked estate. Mutable access drops the cached bodies, so a cached body is always
/// the one the current estate would serialize to.
#[derive(Debug)]
pub struct EstateGuard<'a>(MutexGuard<'a, EstateSlot>);

impl Deref for EstateGuard<'_> {
    type Target = Estate;
    fn deref(&self) -> &Estate {
        &self.0.estate
    }
}

impl DerefMut for EstateGuard<'_> {
    fn deref_mut(&mut self) -> &mut Estate {
        self.0.bodies.clear();
        &mut self.0.estate
    }
}

impl EstateGuard<'_> {
    /// The JSON body `key` (an endpoint and an account) of this version of the estate,
    /// built and serialized by `build` only if not cached yet.
    pub fn cached_json<T: Serialize>(
        &mut self,
        key: (&'static str, u32),
        build: impl FnOnce(&Estate) -> T,
    ) -> Bytes {
        let slot = &mut *self.0;
        if let Some(body) = slot.bodies.get(&key) {
            return body.clone();
        }
        let body = to_json(&build(&slot.estate));
        slot.bodies.insert(key, body.clone());
        body
    }
}

/// Serializes a response body (the emulator's models always serialize).
fn to_json(value: &impl Serialize) -> Bytes {
    Bytes::from(serde_json::to_vec(value).expect("response models serialize to JSON"))
}

/// A `200` response with an already serialized JSON body.
pub fn json_response(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// Why `/auth/authorize` refused.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    BadCredentials,
    TooManyAttempts,
}

/// A newly issued access token.
#[derive(Debug)]
pub struct Issued {
    pub token: String,
}

const FAILURE_WINDOW: SignedDuration = SignedDuration::from_secs(60);

/// Above this many user names with failed logins, old ones are forgotten.
const MAX_TRACKED_USERS: usize = 10_000;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    pub fn new(config: EmulatorConfig) -> Self {
        let tenant = Tenant::demo(&config.demo_username);
        let estate =
            Mutex::new(EstateSlot { estate: Estate::demo(&config.demo_username), bodies: HashMap::new() });
        let faults = Faults::new(config.faults.clone(), config.fault_seed);
        AppState {
            config,
            tenant,
            stats: StatsRecorder::default(),
            faults,
            reissue_faults: AtomicU32::new(0),
            stopping: tokio::sync::watch::Sender::new(false),
            codes: Mutex::default(),
            tokens: RwLock::default(),
            failures: Mutex::default(),
            nonces: Mutex::new(Nonces::new(SignedDuration::from_secs(2 * armor_core::psk::MAX_SKEW_SECS))),
            estate,
            me_body: OnceLock::new(),
        }
    }

    /// The estate, with every power action due by now finished.
    pub fn estate(&self) -> EstateGuard<'_> {
        let now = self.now();
        let mut guard = EstateGuard(lock(&self.estate));
        let due = guard
            .accounts
            .values()
            .flat_map(|a| a.vms.values())
            .any(|v| v.pending.is_some_and(|(_, at)| now >= at));
        if due {
            guard.accounts.values_mut().for_each(|a| a.settle(now));
        }
        guard
    }

    /// The `GET /me` body.
    pub fn me_body(&self) -> Bytes {
        self.me_body
            .get_or_init(|| {
                to_json(&if self.config.pascal_case_me { self.tenant.me_pascal() } else { self.tenant.me() })
            })
            .clone()
    }

    pub fn now(&self) -> Timestamp {
        self.config.clock.now()
    }

    fn expiry(&self, now: Timestamp, ttl: Duration) -> Timestamp {
        let ttl = SignedDuration::try_from(ttl).unwrap_or(SignedDuration::MAX);
        now.saturating_add(ttl).unwrap_or(Timestamp::MAX)
    }

    /// Checks credentials and issues a single-use authorization code.
    pub fn authorize(&self, username: &str, password: &str) -> Result<String, LoginRefused> {
        let now = self.now();
        {
            let mut failures = lock(&self.failures);
            // Made-up user names must not grow the table without end: past a bound, forget
            // the names whose failures are out of the window.
            if failures.len() >= MAX_TRACKED_USERS {
                failures.retain(|_, f| f.back().is_some_and(|t| now.duration_since(*t) < FAILURE_WINDOW));
            }
            let name: String = username.chars().take(256).collect();
            let seen = failures.entry(name.clone()).or_default();
            while seen.front().is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW) {
                seen.pop_front();
            }
            if seen.len() >= self.config.max_failed_logins as usize {
                return Err(LoginRefused::TooManyAttempts);
            }
            let ok = username == self.config.demo_username && password == self.config.demo_password;
            if !ok {
                seen.push_back(now);
                return Err(LoginRefused::BadCredentials);
            }
            failures.remove(&name);
        }
        let code = random_hex(24);
        let expires_at = self.expiry(now, self.config.code_ttl);
        lock(&self.codes).insert(code.clone(), (), expires_at, now);
        Ok(code)
    }

    /// Exchanges a code for a token; the code is used up whether or not it was valid.
    pub fn exchange(&self, code: &str) -> Option<Issued> {
        let now = self.now();
        lock(&self.codes).remove(&code.to_owned(), now)?;
        Some(self.issue(&mut self.tokens.write().unwrap_or_else(PoisonError::into_inner), now))
    }

    /// Exchanges a valid token for a new one; the old one stops working (after
    /// `reissue_grace`) unless `keep_old_tokens` is set.
    pub fn reissue(&self, token: &str) -> Option<Issued> {
        let now = self.now();
        let mut tokens = self.tokens.write().unwrap_or_else(PoisonError::into_inner);
        let live = if self.config.keep_old_tokens {
            tokens.is_live(token, now)
        } else {
            tokens.expire_by(token, self.expiry(now, self.config.reissue_grace), now)
        };
        live.then(|| self.issue(&mut tokens, now))
    }

    /// The fault to inject into this reissue, if any (counted against
    /// `reissue_fault_count`, and in the stats as `reissue-fault=hang` and so on, before
    /// it takes effect).
    pub fn reissue_fault(&self) -> Option<crate::config::ReissueFault> {
        let fault = self.config.reissue_fault?;
        if let Some(limit) = self.config.reissue_fault_count {
            self.reissue_faults
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < limit).then_some(n + 1))
                .ok()?;
        }
        self.stats.record_fault(format!("reissue-fault={}", fault.name()));
        Some(fault)
    }

    /// Records an ARMOR-PSK nonce; `false` if it was seen within the replay window.
    pub fn fresh_nonce(&self, key_id: &str, nonce: &str) -> bool {
        lock(&self.nonces).fresh(key_id, nonce, self.now())
    }

    /// Whether `token` is a valid token.
    pub fn authenticate(&self, token: &str) -> bool {
        self.tokens.read().unwrap_or_else(PoisonError::into_inner).is_live(token, self.now())
    }

    fn issue(&self, tokens: &mut Tokens, now: Timestamp) -> Issued {
        Issued { token: tokens.issue(self.expiry(now, self.config.token_ttl), now) }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use armor_core::ManualClock;

    use super::*;

    fn state(clock: &ManualClock) -> AppState {
        AppState::new(EmulatorConfig { clock: Arc::new(clock.clone()), ..Default::default() })
    }

    #[test]
    fn failures_age_out_of_the_window() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        let s = state(&clock);
        let user = EmulatorConfig::DEMO_USERNAME;
        for _ in 0..5 {
            assert_eq!(s.authorize(user, "wrong"), Err(LoginRefused::BadCredentials));
        }
        assert_eq!(s.authorize(user, EmulatorConfig::DEMO_PASSWORD), Err(LoginRefused::TooManyAttempts));
        clock.advance(Duration::from_secs(61));
        assert!(s.authorize(user, EmulatorConfig::DEMO_PASSWORD).is_ok());
    }

    #[test]
    fn made_up_user_names_do_not_pile_up() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        let s = state(&clock);
        for round in 0..3 {
            for i in 0..MAX_TRACKED_USERS {
                let _ = s.authorize(&format!("{round}-{i}-{}", "x".repeat(1000)), "wrong");
            }
            clock.advance(Duration::from_secs(61));
        }
        let failures = lock(&s.failures);
        assert!(failures.len() <= MAX_TRACKED_USERS + 1, "{}", failures.len());
        assert!(failures.keys().all(|k| k.len() <= 256));
    }

    #[test]
    fn a_reissued_token_lives_on_for_the_grace_period() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        let s = AppState::new(EmulatorConfig {
            clock: Arc::new(clock.clone()),
            reissue_grace: Duration::from_secs(10),
            ..Default::default()
        });
        let code = s.authorize(EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).unwrap();
        let old = s.exchange(&code).unwrap().token;
        let new = s.reissue(&old).unwrap().token;
        clock.advance(Duration::from_secs(9));
        assert!(s.authenticate(&old), "within the grace period");
        clock.advance(Duration::from_secs(1));
        assert!(!s.authenticate(&old), "after the grace period");
        assert!(s.authenticate(&new));
    }

    #[test]
    fn faults_are_counted() {
        let s = AppState::new(EmulatorConfig {
            reissue_fault: Some(crate::config::ReissueFault::Error),
            reissue_fault_count: Some(2),
            ..Default::default()
        });
        assert!(s.reissue_fault().is_some());
        assert!(s.reissue_fault().is_some());
        assert!(s.reissue_fault().is_none());
    }

    #[test]
    fn tokens_expire_with_the_clock() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        let s = state(&clock);
        let code = s.authorize(EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).unwrap();
        let issued = s.exchange(&code).unwrap();
        assert!(s.authenticate(&issued.token));
        clock.advance(Duration::from_secs(900));
        assert!(!s.authenticate(&issued.token));
        assert!(s.reissue(&issued.token).is_none());
    }

    #[test]
    fn a_reissued_token_stops_working() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        let s = state(&clock);
        let code = s.authorize(EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).unwrap();
        let issued = s.exchange(&code).unwrap();
        assert!(s.exchange(&code).is_none(), "a code is used up");
        let renewed = s.reissue(&issued.token).unwrap();
        assert!(!s.authenticate(&issued.token), "the old token stops working");
        assert!(s.reissue(&issued.token).is_none(), "and cannot be reissued again");
        assert!(s.authenticate(&renewed.token));
    }

    #[test]
    fn old_tokens_are_kept_on_request() {
        let s = AppState::new(EmulatorConfig { keep_old_tokens: true, ..Default::default() });
        let code = s.authorize(EmulatorConfig::DEMO_USERNAME, EmulatorConfig::DEMO_PASSWORD).unwrap();
        let old = s.exchange(&code).unwrap().token;
        let new = s.reissue(&old).unwrap().token;
        assert!(s.authenticate(&old) && s.authenticate(&new));
        assert!(s.reissue(&old).is_some());
    }

    #[test]
    fn cached_bodies_follow_changes_and_settled_power_actions() {
        let clock = ManualClock::new(Timestamp::UNIX_EPOCH);
        let s = state(&clock);
        let body = |s: &AppState| {
            s.estate().cached_json(("test", 1000), |e| {
                e.accounts[&1000].vms.values().map(|v| (v.name.clone(), v.status)).collect::<Vec<_>>()
            })
        };
        let first = body(&s);
        assert_eq!(body(&s), first);
        let change = |f: &dyn Fn(&mut crate::estate::VmRecord)| {
            let mut e = s.estate();
            f(e.accounts.get_mut(&1000).unwrap().vms.values_mut().next().unwrap());
        };
        change(&|vm| vm.name = "renamed".into());
        let renamed = body(&s);
        assert_ne!(renamed, first);
        assert!(String::from_utf8_lossy(&renamed).contains("renamed"));
        change(&|vm| vm.transition(8, Timestamp::UNIX_EPOCH, Duration::from_secs(2), 3));
        let transitioning = body(&s);
        assert_ne!(transitioning, renamed);
        clock.advance(Duration::from_secs(3));
        assert_ne!(body(&s), transitioning, "a power action that finished shows without a write");
    }
}
