//! ARMOR-PSK nonces seen in the replay window, without a queue and in 16 bytes each.
//!
//! A nonce is kept as a keyed 64-bit SipHash of key id and nonce (the key chosen at
//! start-up, so nobody can craft colliding nonces) with the time it leaves the window.
//! Nonces go into the current generation; every window length the current one becomes
//! the previous one and the previous one is dropped whole: everything in it had left
//! the window by then. So expiry costs nothing per request, and a nonce is checked in two
//! hash tables, against its exact expiry time.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use jiff::{SignedDuration, Timestamp};

use crate::expiry::{Nanos, nanos};

/// The nonces of the replay window.
#[derive(Debug)]
pub struct Nonces {
    hasher: RandomState,
    window: Nanos,
    /// When `current` started.
    turned_at: Nanos,
    current: HashMap<u64, Nanos>,
    previous: HashMap<u64, Nanos>,
}

impl Nonces {
    /// Nonces remembered for `window`.
    pub fn new(window: SignedDuration) -> Nonces {
        Nonces {
            hasher: RandomState::new(),
            window: Nanos::try_from(window.as_nanos()).unwrap_or(Nanos::MAX),
            turned_at: Nanos::MIN,
            current: HashMap::new(),
            previous: HashMap::new(),
        }
    }

    /// Records the nonce of `key_id`; `false` if it was seen within the window before `now`.
    pub fn fresh(&mut self, key_id: &str, nonce: &str, now: Timestamp) -> bool {
        let now = nanos(now);
        if now.saturating_sub(self.turned_at) >= self.window {
            // Whatever `previous` holds left the window by now; so does `current`'s
            // content by the next turn.
            self.previous = std::mem::take(&mut self.current);
            self.turned_at = now;
        }
        let digest = self.hasher.hash_one((key_id, nonce));
        let seen = |g: &HashMap<u64, Nanos>| g.get(&digest).is_some_and(|&until| until > now);
        if seen(&self.current) || seen(&self.previous) {
            return false;
        }
        self.current.insert(digest, now.saturating_add(self.window));
        true
    }

    /// Nonces held, in or out of the window (for tests and sizing).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.current.len() + self.previous.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn nonces_are_single_use_for_exactly_the_window() {
        let mut n = Nonces::new(SignedDuration::from_secs(600));
        assert!(n.fresh("key", "n1", at(0)));
        assert!(!n.fresh("key", "n1", at(0)));
        assert!(n.fresh("other", "n1", at(0)), "nonces are per key");
        assert!(n.fresh("ke", "yn1", at(0)), "key id and nonce do not run together");
        assert!(n.fresh("key", "n2", at(300)));
        assert!(!n.fresh("key", "n1", at(599)));
        assert!(n.fresh("key", "n1", at(600)), "out of the window (now in the previous generation)");
        assert!(!n.fresh("key", "n2", at(899)), "still in the window after the turn");
        assert!(n.fresh("key", "n2", at(900)));
        assert!(!n.fresh("key", "n1", at(1199)));
    }

    #[test]
    fn memory_holds_at_most_two_windows() {
        let mut n = Nonces::new(SignedDuration::from_secs(60));
        for i in 0..100_000 {
            assert!(n.fresh("key", &i.to_string(), at(i / 100)));
        }
        assert!(n.held() <= 12_000, "{}", n.held());
    }
}
