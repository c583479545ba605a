//! [`Expiring`]: a map whose entries expire, kept with a time-ordered queue so that expiry
//! costs amortised O(1) per insert instead of a scan of the whole map per request.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;

use jiff::Timestamp;

/// An expiry time in nanoseconds since the Unix epoch (8 bytes rather than a
/// [`Timestamp`]'s 16: this is most of what the emulator keeps per token and nonce).
pub(crate) type Nanos = i64;

pub(crate) fn nanos(t: Timestamp) -> Nanos {
    Nanos::try_from(t.as_nanosecond()).unwrap_or(if t > Timestamp::UNIX_EPOCH {
        Nanos::MAX
    } else {
        Nanos::MIN
    })
}

/// Entries with an expiry time. Expired entries are invisible at once and dropped by
/// [`Expiring::sweep`] from the oldest, which every insert does.
#[derive(Debug)]
pub struct Expiring<K, V> {
    map: HashMap<K, (V, Nanos)>,
    /// Keys by expiry, oldest first (in insertion order, which is expiry order as long as
    /// the clock does not go back and the lifetime is fixed; out-of-order entries are
    /// only dropped later, never too early). May hold keys already removed or replaced.
    queue: VecDeque<(Nanos, K)>,
}

impl<K, V> Default for Expiring<K, V> {
    fn default() -> Self {
        Expiring { map: HashMap::new(), queue: VecDeque::new() }
    }
}

impl<K: Hash + Eq + Clone, V> Expiring<K, V> {
    /// Inserts `key` until `expires_at` (after sweeping what expired by `now`); returns the
    /// unexpired value it replaced.
    pub fn insert(&mut self, key: K, value: V, expires_at: Timestamp, now: Timestamp) -> Option<V> {
        self.sweep(now);
        let (now, expires_at) = (nanos(now), nanos(expires_at));
        self.queue.push_back((expires_at, key.clone()));
        self.map.insert(key, (value, expires_at)).filter(|(_, at)| *at > now).map(|(v, _)| v)
    }

    /// Removes `key`; returns its value if it had not expired by `now`.
    pub fn remove(&mut self, key: &K, now: Timestamp) -> Option<V> {
        let now = nanos(now);
        let removed = self.map.remove(key).filter(|(_, at)| *at > now).map(|(v, _)| v);
        // Removed keys leave stale queue entries: compact once they are the majority, so
        // the queue stays within twice the map (amortised O(1) per removal).
        if self.queue.len() > 2 * self.map.len() + 1024 {
            let map = &self.map;
            self.queue.retain(|(at, k)| map.get(k).is_some_and(|(_, e)| e == at));
        }
        removed
    }

    /// Drops every entry that expired by `now`, oldest first; stops at the first live one.
    pub fn sweep(&mut self, now: Timestamp) {
        let now = nanos(now);
        while let Some((at, _)) = self.queue.front()
            && *at <= now
        {
            let Some((at, key)) = self.queue.pop_front() else { break };
            if self.map.get(&key).is_some_and(|(_, e)| *e == at) {
                self.map.remove(&key);
            }
        }
    }

    /// Entries held, expired or not (for tests and sizing).
    #[cfg(test)]
    pub fn held(&self) -> (usize, usize) {
        (self.map.len(), self.queue.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> Timestamp {
        Timestamp::from_second(s).unwrap()
    }

    #[test]
    fn entries_expire_and_are_swept_from_the_oldest() {
        let mut e = Expiring::default();
        e.insert(1u32, "a", at(10), at(0));
        e.insert(2, "b", at(20), at(5));
        e.insert(4, "d", at(20), at(5));
        assert_eq!(e.remove(&4, at(9)), Some("d"));
        e.insert(5, "e", at(10), at(5));
        assert_eq!(e.remove(&5, at(10)), None, "gone once expired, before any sweep");
        e.insert(3, "c", at(30), at(15));
        assert_eq!(
            e.held(),
            (2, 4),
            "the first entry was swept by the insert; removed ones wait in the queue"
        );
        e.sweep(at(100));
        assert_eq!(e.held(), (0, 0));
    }

    #[test]
    fn a_replaced_key_is_not_swept_by_its_old_expiry() {
        let mut e = Expiring::default();
        e.insert(1u32, (), at(10), at(0));
        assert_eq!(e.insert(1, (), at(30), at(20)), None, "the old entry had expired");
        e.sweep(at(25));
        assert_eq!(e.insert(1, (), at(40), at(26)), Some(()), "the new one was not swept");
    }

    #[test]
    fn removals_do_not_grow_the_queue_without_bound() {
        let mut e = Expiring::default();
        for i in 0..100_000u32 {
            e.insert(i, (), at(1_000), at(0));
            assert_eq!(e.remove(&i, at(0)), Some(()));
        }
        let (map, queue) = e.held();
        assert_eq!(map, 0);
        assert!(queue <= 1024 + 1, "queue {queue}");
    }
}
