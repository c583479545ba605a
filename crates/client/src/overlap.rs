//! [`Overlap`]: calls of one client that overlap share the `stat` of the session file.
//!
//! Before each call, a client with a store checks with one `stat` that no other process
//! replaced the session file (a reissue, a logout). A call of a token session made while
//! other calls of the client are in flight skips that check if one of them made it, and
//! found the file unchanged, within the last millisecond. A reissue by another process in
//! that millisecond is then seen by a 401 instead, after which the request is sent once
//! more with the new token (see [`crate::renewal`]). A call made alone, and every call of
//! an API-key session (whose 401 is not resent), always checks. What another process
//! does to the file in that millisecond other than a reissue (a logout, another login)
//! is seen by the next check, as a change made just after a check always was.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long a check of the session file serves overlapping calls.
const SHARED_FOR: Duration = Duration::from_millis(1);

/// Calls in flight, and when the file was last found unchanged.
#[derive(Debug)]
pub(crate) struct Overlap {
    base: Instant,
    in_flight: AtomicUsize,
    /// Nanoseconds since `base` of the last check that found the file unchanged, plus
    /// one; 0: none yet.
    checked: AtomicU64,
}

impl Overlap {
    pub fn new() -> Self {
        Overlap { base: Instant::now(), in_flight: AtomicUsize::new(0), checked: AtomicU64::new(0) }
    }

    fn now(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX - 1) + 1
    }

    /// Whether this call may skip the check: other calls are in flight, and the file was
    /// found unchanged within [`SHARED_FOR`].
    pub fn may_skip_check(&self) -> bool {
        self.may_skip_check_at(|| self.now())
    }

    /// [`Overlap::may_skip_check`] at the time `now` gives (nanoseconds since `base`, plus
    /// one), read only if a call is in flight and a check was made.
    fn may_skip_check_at(&self, now: impl FnOnce() -> u64) -> bool {
        if self.in_flight.load(Ordering::Acquire) == 0 {
            return false;
        }
        let checked = self.checked.load(Ordering::Acquire);
        checked != 0 && now().saturating_sub(checked) <= SHARED_FOR.as_nanos() as u64
    }

    /// The file was just found unchanged.
    pub fn checked(&self) {
        self.checked_at(self.now());
    }

    /// [`Overlap::checked`] at `now` (nanoseconds since `base`, plus one).
    fn checked_at(&self, now: u64) {
        self.checked.store(now, Ordering::Release);
    }

    /// The file changed, or was read again: no call skips the next check.
    pub fn forget(&self) {
        self.checked.store(0, Ordering::Release);
    }

    /// Counts a call as in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight(self)
    }
}

/// A call in flight; see [`Overlap::in_flight`].
#[derive(Debug)]
pub(crate) struct InFlight<'a>(&'a Overlap);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times are given, not read from the clock: a thread paused between two steps
    /// (a loaded CI machine) must not change the outcome (it once did: 7 in 12,000 runs).
    #[test]
    fn only_overlapping_calls_skip_and_only_for_a_moment() {
        let o = Overlap::new();
        let shared = SHARED_FOR.as_nanos() as u64;
        let t = 1_000_000_000;
        assert!(!o.may_skip_check_at(|| t), "nothing checked yet");
        o.checked_at(t);
        assert!(!o.may_skip_check_at(|| t), "a call alone always checks");
        let flight = o.in_flight();
        assert!(o.may_skip_check_at(|| t));
        assert!(o.may_skip_check_at(|| t + shared), "a check serves for SHARED_FOR");
        o.forget();
        assert!(!o.may_skip_check_at(|| t), "after a change, the next call checks");
        o.checked_at(t);
        assert!(!o.may_skip_check_at(|| t + shared + 1), "a check serves for a moment only");
        drop(flight);
        o.checked_at(t);
        assert!(!o.may_skip_check_at(|| t));
        // The clock-reading forms agree: a check just made serves a call that overlaps.
        let _flight = o.in_flight();
        o.checked();
        std::thread::sleep(SHARED_FOR * 3);
        assert!(!o.may_skip_check(), "the real clock moves on");
    }
}
