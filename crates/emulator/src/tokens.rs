//! Access tokens, kept in issue order rather than in a table keyed by token.
//!
//! A token is 32 lowercase hex characters: a 64-bit serial number and a 64-bit tag, a
//! keyed SipHash of the serial under a key chosen at start-up (so nobody can make up a
//! token for a serial). What the emulator remembers of a token is its expiry time, 8 bytes
//! in a queue indexed by serial: tokens are issued with one lifetime, so they expire in
//! issue order and the queue is swept from its front. A million live tokens take 8 MB,
//! and checking one is a hash and an index, with no table to grow.

use std::collections::VecDeque;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use jiff::Timestamp;

use crate::expiry::{Nanos, nanos};
use crate::random::random_u128;

/// The tokens issued and not yet swept.
#[derive(Debug)]
pub struct Tokens {
    tagger: RandomState,
    /// The serial of `expiry[0]`.
    first: u64,
    /// Expiry of each token, by serial from `first` on; a revoked token's is in the past.
    expiry: VecDeque<Nanos>,
}

impl Default for Tokens {
    fn default() -> Self {
        // Serials start at a random point (below 2^63, so they never wrap), so that
        // tokens do not show how many were issued before.
        Tokens { tagger: RandomState::new(), first: (random_u128() as u64) >> 1, expiry: VecDeque::new() }
    }
}

impl Tokens {
    /// Issues a token that expires at `expires_at` (after sweeping what expired by `now`).
    pub fn issue(&mut self, expires_at: Timestamp, now: Timestamp) -> String {
        self.sweep(nanos(now));
        let serial = self.first + self.expiry.len() as u64;
        self.expiry.push_back(nanos(expires_at));
        format!("{serial:016x}{:016x}", self.tagger.hash_one(serial))
    }

    /// Whether `token` is one of ours and has not expired by `now`.
    pub fn is_live(&self, token: &str, now: Timestamp) -> bool {
        self.slot(token).is_some_and(|i| self.expiry[i] > nanos(now))
    }

    /// Makes a live `token` expire by `until` at the latest (`now` revokes it); `false`
    /// if it is not live at `now`.
    pub fn expire_by(&mut self, token: &str, until: Timestamp, now: Timestamp) -> bool {
        let Some(i) = self.slot(token).filter(|&i| self.expiry[i] > nanos(now)) else {
            return false;
        };
        let at = &mut self.expiry[i];
        *at = (*at).min(nanos(until));
        true
    }

    /// The queue index of `token`, if it is a token this emulator issued and still holds.
    fn slot(&self, token: &str) -> Option<usize> {
        let lower_hex = token.len() == 32 && token.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !lower_hex {
            return None;
        }
        let serial = u64::from_str_radix(&token[..16], 16).ok()?;
        let tag = u64::from_str_radix(&token[16..], 16).ok()?;
        if tag != self.tagger.hash_one(serial) {
            return None;
        }
        let i = usize::try_from(serial.checked_sub(self.first)?).ok()?;
        (i < self.expiry.len()).then_some(i)
    }

    /// Drops the tokens at the front that expired by `now`. A revoked token in the middle
    /// waits for the ones before it (it is no longer live all the same).
    fn sweep(&mut self, now: Nanos) {
        while self.expiry.front().is_some_and(|&at| at <= now) {
            self.expiry.pop_front();
            self.first += 1;
        }
    }

    /// Tokens held, live or not (for tests and sizing).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.expiry.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn tokens_live_until_they_expire_and_are_swept_in_order() {
        let mut t = Tokens::default();
        let a = t.issue(at(10), at(0));
        let b = t.issue(at(20), at(5));
        assert_ne!(a, b);
        assert!(t.is_live(&a, at(9)) && t.is_live(&b, at(9)));
        assert!(!t.is_live(&a, at(10)), "gone once expired, before any sweep");
        let c = t.issue(at(30), at(15));
        assert_eq!(t.held(), 2, "the first token was swept by the next issue");
        assert!(!t.is_live(&a, at(15)) && t.is_live(&b, at(15)) && t.is_live(&c, at(15)));
    }

    #[test]
    fn only_issued_tokens_with_their_tag_count() {
        let mut t = Tokens::default();
        let a = t.issue(at(100), at(0));
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert!(!t.is_live(&a.to_uppercase(), at(1)), "tokens are case-sensitive");
        let mut forged = a.clone().into_bytes();
        forged[31] = if forged[31] == b'0' { b'1' } else { b'0' };
        assert!(!t.is_live(std::str::from_utf8(&forged).unwrap(), at(1)), "a wrong tag");
        let next_serial = format!("{:016x}{}", u64::from_str_radix(&a[..16], 16).unwrap() + 1, &a[16..]);
        assert!(!t.is_live(&next_serial, at(1)), "a serial not issued, or with another's tag");
        for odd in ["", "+", &a[..31], &format!("{a}0"), &format!("+{}", &a[1..])] {
            assert!(!t.is_live(odd, at(1)), "{odd:?}");
        }
        assert!(!Tokens::default().is_live(&a, at(1)), "another emulator's token");
    }

    #[test]
    fn revoked_and_shortened_tokens() {
        let mut t = Tokens::default();
        let a = t.issue(at(100), at(0));
        let b = t.issue(at(100), at(0));
        assert!(t.expire_by(&a, at(0), at(0)), "revoked now");
        assert!(!t.is_live(&a, at(0)));
        assert!(!t.expire_by(&a, at(50), at(0)), "a revoked token cannot come back");
        assert!(t.expire_by(&b, at(10), at(0)));
        assert!(t.is_live(&b, at(9)) && !t.is_live(&b, at(10)));
        assert!(t.expire_by(&b, at(200), at(5)), "never lengthened");
        assert!(!t.is_live(&b, at(10)));
    }

    #[test]
    fn memory_is_eight_bytes_a_token_and_released_as_they_expire() {
        let mut t = Tokens::default();
        for i in 0..100_000 {
            t.issue(at(i / 100 + 60), at(i / 100));
        }
        assert!(t.held() <= 6_100, "{}", t.held());
    }
}
