//! Retries for reads: `GET` and `HEAD` only, on connection errors and on 429, 502, 503
//! and 504, with exponential backoff and full jitter, honouring `Retry-After`, at most
//! [`MAX_ATTEMPTS`] attempts, all inside the request's overall timeout.
//!
//! Requests that change something (`POST`, `PUT`, `PATCH`, `DELETE`) are never retried:
//! Armor has no idempotency keys, and a byte of the request may have reached the server.

use std::time::{Duration, Instant};

use ::http::Method;
use jiff::Timestamp;
use reqwest::header::{HeaderMap, RETRY_AFTER};

/// Attempts in all, the first included.
pub const MAX_ATTEMPTS: u32 = 3;
/// The backoff before the second attempt is drawn from `0..=BASE`; it doubles each time.
const BASE: Duration = Duration::from_millis(250);
/// The backoff never exceeds this (a longer `Retry-After` is honoured if time allows).
const CAP: Duration = Duration::from_secs(8);

/// Whether `method` may be sent again.
pub(crate) fn is_retryable_method(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD
}

/// Whether a response with `status` is worth another attempt.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// Whether a transport error is worth another attempt: anything but our own timeout
/// (which means the overall budget is spent) or a request we could not even build.
pub(crate) fn is_retryable_error(e: &reqwest::Error) -> bool {
    !e.is_timeout() && !e.is_builder() && !e.is_redirect()
}

/// The wait before attempt `next` (2 or 3): full jitter over an exponential window, or the
/// server's `Retry-After` if it gave one. `None` if that wait would not end before
/// `deadline` (then the last answer stands).
pub(crate) fn delay(next: u32, retry_after: Option<Duration>, deadline: Instant) -> Option<Duration> {
    if next > MAX_ATTEMPTS {
        return None;
    }
    let window = BASE.saturating_mul(1 << (next.saturating_sub(2)).min(16)).min(CAP);
    let jitter = window.mul_f64(fastrand::f64());
    let wait = retry_after.unwrap_or(jitter);
    let left = deadline.saturating_duration_since(Instant::now());
    // Leave the next attempt some time of its own.
    (wait + Duration::from_millis(100) < left).then_some(wait)
}

/// `Retry-After` as seconds or as an HTTP date, relative to `now`.
pub(crate) fn retry_after(headers: &HeaderMap, now: Timestamp) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = jiff::fmt::rfc2822::parse(value).ok()?.timestamp();
    let secs = at.as_second().saturating_sub(now.as_second()).max(0);
    Some(Duration::from_secs(secs as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn only_reads_are_retried() {
        assert!(is_retryable_method(&Method::GET) && is_retryable_method(&Method::HEAD));
        for m in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
            assert!(!is_retryable_method(&m), "{m}");
        }
        for s in [429, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 404, 500, 501] {
            assert!(!is_retryable_status(s));
        }
    }

    #[test]
    fn delays_are_jittered_bounded_and_fit_the_deadline() {
        let far = Instant::now() + Duration::from_secs(60);
        for _ in 0..100 {
            assert!(delay(2, None, far).unwrap() <= BASE);
            assert!(delay(3, None, far).unwrap() <= BASE * 2);
        }
        assert_eq!(delay(4, None, far), None);
        assert_eq!(delay(2, Some(Duration::from_secs(2)), far), Some(Duration::from_secs(2)));
        let near = Instant::now() + Duration::from_secs(1);
        assert_eq!(delay(2, Some(Duration::from_secs(5)), near), None);
    }

    #[test]
    fn retry_after_as_seconds_or_date() {
        let now = Timestamp::from_second(784_111_777).unwrap(); // Sun, 06 Nov 1994 08:49:37 GMT
        let mut h = HeaderMap::new();
        assert_eq!(retry_after(&h, now), None);
        h.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(3)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("Sun, 06 Nov 1994 08:49:47 GMT"));
        assert_eq!(retry_after(&h, now), Some(Duration::from_secs(10)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
    }
}
