//! Fault injection, so scripts can be tested against an unreliable API:
//! `METHOD PATH=KIND:RATE` rules (e.g. `GET /vms=503:0.3`, `GET /me=reset:0.2`,
//! `POST /vms/{id}/power/off=delay:1500:1`). `PATH` matches segment by segment, `{name}`
//! matching any one segment; `KIND` is `500`, `503`, `429` (with `Retry-After: 1`), `reset`
//! (close the connection without answering) or `delay:MS`; `RATE` is the fraction of
//! matching requests that get the fault, 0 to 1.
//!
//! Faults are spread evenly rather than drawn independently: a rule with rate 0.3 fires
//! on 3 of every 10 matching requests, never on two in a row (any rate up to 0.5 leaves
//! a healthy request between two faults), like a flaky link rather than an outage. The
//! seed sets where in that pattern each rule starts, so a run is reproducible and
//! different seeds hit different requests. Each injected fault is counted in
//! `/_emulator/stats` under `faults`.

use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this status (500, 503 or 429) with an error body.
    Status(u16),
    /// Close the connection without answering.
    Reset,
    /// Wait this long, then answer normally.
    Delay(Duration),
}

/// One `METHOD PATH=KIND:RATE` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    method: String,
    path: String,
    kind: FaultKind,
    rate: f64,
}

/// A rule that cannot be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid fault {spec:?}: {reason}; expected METHOD PATH=KIND:RATE, e.g. 'GET /vms=503:0.3', with KIND 500, 503, 429, reset or delay:MS and RATE from 0 to 1"
)]
pub struct FaultError {
    spec: String,
    reason: &'static str,
}

impl FaultRule {
    /// What the rule does.
    pub fn kind(&self) -> FaultKind {
        self.kind
    }

    /// The chance it fires, 0 to 1.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if !self.method.eq_ignore_ascii_case(method) {
            return false;
        }
        let mut want = self.path.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if w.starts_with('{') && w.ends_with('}') && !g.is_empty() => {}
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    }
}

impl FromStr for FaultRule {
    type Err = FaultError;

    fn from_str(spec: &str) -> Result<Self, FaultError> {
        let err = |reason| FaultError { spec: spec.chars().take(200).collect(), reason };
        let (target, effect) = spec.trim().split_once('=').ok_or_else(|| err("no '='"))?;
        let (method, path) =
            target.trim().split_once(' ').ok_or_else(|| err("no space between METHOD and PATH"))?;
        let (method, path) = (method.trim(), path.trim());
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(err("METHOD must be letters, e.g. GET"));
        }
        if !path.starts_with('/') || path.contains(char::is_whitespace) {
            return Err(err("PATH must start with '/' and have no spaces"));
        }
        let (kind, rate) = effect.trim().rsplit_once(':').ok_or_else(|| err("no ':' before RATE"))?;
        let rate: f64 = rate.parse().map_err(|_| err("RATE is not a number"))?;
        if !(0.0..=1.0).contains(&rate) {
            return Err(err("RATE must be from 0 to 1"));
        }
        let kind = match kind {
            "500" => FaultKind::Status(500),
            "503" => FaultKind::Status(503),
            "429" => FaultKind::Status(429),
            "reset" => FaultKind::Reset,
            k => match k.strip_prefix("delay:").map(str::parse::<u64>) {
                Some(Ok(ms)) if ms <= 600_000 => FaultKind::Delay(Duration::from_millis(ms)),
                Some(_) => return Err(err("delay:MS needs a number of milliseconds up to 600000")),
                None => return Err(err("unknown KIND")),
            },
        };
        Ok(FaultRule { method: method.to_ascii_uppercase(), path: path.to_owned(), kind, rate })
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            FaultKind::Status(s) => s.to_string(),
            FaultKind::Reset => "reset".into(),
            FaultKind::Delay(d) => format!("delay:{}", d.as_millis()),
        };
        write!(f, "{} {}={kind}", self.method, self.path)
    }
}

/// The rules and, per rule, how far it is towards its next fault.
#[derive(Debug)]
pub struct Faults {
    rules: Vec<FaultRule>,
    /// Per rule: accumulates `rate` per matching request; the rule fires on reaching 1.
    credit: Mutex<Vec<f64>>,
}

impl Faults {
    /// The rules, each starting at a point of its pattern drawn from `seed`.
    pub fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        // Start below 1 - rate: the first matching request is never a fault unless rate 1.
        let credit =
            rules.iter().map(|r| if r.rate >= 1.0 { 1.0 } else { rng.f64() * (1.0 - r.rate) }).collect();
        Faults { rules, credit: Mutex::new(credit) }
    }

    /// The first rule for `method path` that fires this time, if any.
    pub fn pick(&self, method: &str, path: &str) -> Option<&FaultRule> {
        let mut credit = self.credit.lock().unwrap_or_else(PoisonError::into_inner);
        let mut fired = None;
        for (i, rule) in self.rules.iter().enumerate().filter(|(_, r)| r.matches(method, path)) {
            credit[i] += rule.rate;
            if credit[i] >= 1.0 - 1e-9 && fired.is_none() {
                credit[i] = (credit[i] - 1.0).max(0.0);
                fired = Some(rule);
            }
        }
        fired
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_rules() {
        for (spec, kind) in [
            ("GET /vms=503:0.3", FaultKind::Status(503)),
            ("get /me=reset:0.2", FaultKind::Reset),
            ("POST /vms/{id}/power/off=reset:1", FaultKind::Reset),
            ("GET /apps=delay:250:0.5", FaultKind::Delay(Duration::from_millis(250))),
            ("GET /x=429:0", FaultKind::Status(429)),
            ("GET /x=500:1", FaultKind::Status(500)),
        ] {
            let rule: FaultRule = spec.parse().unwrap();
            assert_eq!(rule.kind(), kind, "{spec}");
        }
        assert_eq!("get /me=reset:0.2".parse::<FaultRule>().unwrap().to_string(), "GET /me=reset");
        for bad in [
            "GET /vms",
            "GET /vms=503",
            "GET /vms=404:1",
            "GET /vms=503:2",
            "/vms=503:1",
            "GET vms=503:1",
            "GET /x=delay:x:1",
            "G-T /x=500:1",
        ] {
            let err = bad.parse::<FaultRule>().unwrap_err().to_string();
            assert!(err.contains("METHOD PATH=KIND:RATE"), "{bad}: {err}");
        }
    }

    #[test]
    fn templates_match_one_segment() {
        let rule: FaultRule = "POST /vms/{id}/power/off=reset:1".parse().unwrap();
        assert!(rule.matches("POST", "/vms/12/power/off"));
        assert!(!rule.matches("POST", "/vms//power/off"));
        assert!(!rule.matches("POST", "/vms/12/power/on"));
        assert!(!rule.matches("GET", "/vms/12/power/off"));
        assert!(!rule.matches("POST", "/vms/12/power/off/x"));
    }

    #[test]
    fn rates_are_exact_spread_and_seeded() {
        let draw = |seed| {
            let f = Faults::new(vec!["GET /vms=503:0.3".parse().unwrap()], seed);
            (0..1000).map(|_| f.pick("GET", "/vms").is_some()).collect::<Vec<_>>()
        };
        let a = draw(7);
        assert_eq!(a, draw(7), "same seed, same faults");
        assert_ne!(a, draw(8), "another seed, another pattern");
        let fired = a.iter().filter(|x| **x).count();
        assert!((299..=301).contains(&fired), "{fired}");
        assert!(!a.windows(2).any(|w| w[0] && w[1]), "never two in a row at rate 0.3");
        assert!(!a[0], "the first request is not a fault");
        let never = Faults::new(vec!["GET /vms=503:0".parse().unwrap()], 1);
        assert!((0..100).all(|_| never.pick("GET", "/vms").is_none()));
        assert!(Faults::new(vec!["GET /vms=503:1".parse().unwrap()], 1).pick("GET", "/vms").is_some());
    }
}
