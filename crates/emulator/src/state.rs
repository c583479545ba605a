//! In-memory state: authorization codes, access tokens, failed logins.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::config::EmulatorConfig;
use crate::estate::Estate;
use crate::faults::Faults;
use crate::random::random_hex;
use crate::stats::StatsRecorder;
use crate::tenant::Tenant;

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    pub config: EmulatorConfig,
    pub tenant: Tenant,
    pub stats: StatsRecorder,
    pub faults: Faults,
    inner: Mutex<Inner>,
    estate: Mutex<Estate>,
    /// Reissue faults injected so far.
    reissue_faults: AtomicU32,
    /// Set when the emulator stops: hanging requests give up then.
    pub stopping: tokio::sync::watch::Sender<bool>,
}

#[derive(Debug, Default)]
struct Inner {
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, Grant>,
    failures: HashMap<String, VecDeque<Timestamp>>,
    /// ARMOR-PSK nonces seen (key id + nonce), with when they were seen.
    nonces: HashMap<String, Timestamp>,
}

/// Who a code or token belongs to, and until when it is valid.
#[derive(Debug, Clone)]
struct Grant {
    username: String,
    expires_at: Timestamp,
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

impl AppState {
    pub fn new(config: EmulatorConfig) -> Self {
        let tenant = Tenant::demo(&config.demo_username);
        let estate = Mutex::new(Estate::demo(&config.demo_username));
        let faults = Faults::new(config.faults.clone(), config.fault_seed);
        AppState {
            config,
            tenant,
            stats: StatsRecorder::default(),
            faults,
            inner: Mutex::default(),
            estate,
            reissue_faults: AtomicU32::new(0),
            stopping: tokio::sync::watch::Sender::new(false),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The estate, with every power action due by now finished.
    pub fn estate(&self) -> MutexGuard<'_, Estate> {
        let now = self.now();
        let mut e = self.estate.lock().unwrap_or_else(PoisonError::into_inner);
        e.accounts.values_mut().for_each(|a| a.settle(now));
        e
    }

    pub fn now(&self) -> Timestamp {
        self.config.clock.now()
    }

    fn expiry(&self, ttl: Duration) -> Timestamp {
        let ttl = SignedDuration::try_from(ttl).unwrap_or(SignedDuration::MAX);
        self.now().saturating_add(ttl).unwrap_or(Timestamp::MAX)
    }

    /// Checks credentials and issues a single-use authorization code.
    pub fn authorize(&self, username: &str, password: &str) -> Result<String, LoginRefused> {
        let now = self.now();
        let mut inner = self.lock();
        // Made-up user names must not grow the table without end: past a bound, forget
        // the names whose failures are out of the window.
        if inner.failures.len() >= MAX_TRACKED_USERS {
            inner.failures.retain(|_, f| f.back().is_some_and(|t| now.duration_since(*t) < FAILURE_WINDOW));
        }
        let failures = inner.failures.entry(username.chars().take(256).collect()).or_default();
        while failures.front().is_some_and(|t| now.duration_since(*t) >= FAILURE_WINDOW) {
            failures.pop_front();
        }
        if failures.len() >= self.config.max_failed_logins as usize {
            return Err(LoginRefused::TooManyAttempts);
        }
        let ok = username == self.config.demo_username && password == self.config.demo_password;
        if !ok {
            failures.push_back(now);
            return Err(LoginRefused::BadCredentials);
        }
        inner.failures.remove(&username.chars().take(256).collect::<String>());
        let code = random_hex(24);
        let grant = Grant { username: username.to_owned(), expires_at: self.expiry(self.config.code_ttl) };
        inner.codes.retain(|_, g| g.expires_at > now);
        inner.codes.insert(code.clone(), grant);
        Ok(code)
    }

    /// Exchanges a code for a token; the code is used up whether or not it was valid.
    pub fn exchange(&self, code: &str) -> Option<Issued> {
        let now = self.now();
        let mut inner = self.lock();
        let grant = inner.codes.remove(code).filter(|g| g.expires_at > now)?;
        Some(self.issue(&mut inner, grant.username))
    }

    /// Exchanges a valid token for a new one; the old one stops working (after
    /// `reissue_grace`) unless `keep_old_tokens` is set.
    pub fn reissue(&self, token: &str) -> Option<Issued> {
        let now = self.now();
        let mut inner = self.lock();
        let grant = inner.tokens.get(token).filter(|g| g.expires_at > now)?.clone();
        if !self.config.keep_old_tokens {
            if self.config.reissue_grace.is_zero() {
                inner.tokens.remove(token);
            } else if let Some(old) = inner.tokens.get_mut(token) {
                old.expires_at = old.expires_at.min(self.expiry(self.config.reissue_grace));
            }
        }
        Some(self.issue(&mut inner, grant.username))
    }

    /// The fault to inject into this reissue, if any (counted against
    /// `reissue_fault_count`).
    pub fn reissue_fault(&self) -> Option<crate::config::ReissueFault> {
        let fault = self.config.reissue_fault?;
        let Some(limit) = self.config.reissue_fault_count else {
            return Some(fault);
        };
        self.reissue_faults
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < limit).then_some(n + 1))
            .ok()?;
        Some(fault)
    }

    /// Records an ARMOR-PSK nonce; `false` if it was seen within the replay window.
    pub fn fresh_nonce(&self, key_id: &str, nonce: &str) -> bool {
        let now = self.now();
        let window = SignedDuration::from_secs(2 * armor_core::psk::MAX_SKEW_SECS);
        let mut inner = self.lock();
        inner.nonces.retain(|_, seen| now.duration_since(*seen) < window);
        inner.nonces.insert(format!("{key_id}:{nonce}"), now).is_none()
    }

    /// The user a valid token belongs to.
    pub fn authenticate(&self, token: &str) -> Option<String> {
        let now = self.now();
        let inner = self.lock();
        inner.tokens.get(token).filter(|g| g.expires_at > now).map(|g| g.username.clone())
    }

    fn issue(&self, inner: &mut Inner, username: String) -> Issued {
        let now = self.now();
        inner.tokens.retain(|_, g| g.expires_at > now);
        let token = random_hex(16);
        let grant = Grant { username, expires_at: self.expiry(self.config.token_ttl) };
        inner.tokens.insert(token.clone(), grant);
        Issued { token }
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
    fn tokens_are_32_lowercase_hex() {
        let t = random_hex(16);
        assert_eq!(t.len(), 32);
        assert!(t.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
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
        let inner = s.lock();
        assert!(inner.failures.len() <= MAX_TRACKED_USERS + 1, "{}", inner.failures.len());
        assert!(inner.failures.keys().all(|k| k.len() <= 256));
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
        assert!(s.authenticate(&old).is_some(), "within the grace period");
        clock.advance(Duration::from_secs(1));
        assert!(s.authenticate(&old).is_none(), "after the grace period");
        assert!(s.authenticate(&new).is_some());
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
        assert!(s.authenticate(&issued.token).is_some());
        clock.advance(Duration::from_secs(900));
        assert!(s.authenticate(&issued.token).is_none());
        assert!(s.reissue(&issued.token).is_none());
    }
}
