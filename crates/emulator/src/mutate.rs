//! `--mutate-responses SEED`: every JSON success response outside `/auth/*` gets a few of
//! its fields, at any depth, replaced with `null`, `""`, `-1`, `0`, `[]`, `{}`, a
//! number as a string, or removed, the way a loose ASP.NET API sends them. The choice is
//! a deterministic function of the seed, the request's path and how many responses came
//! before, so a failing run can be replayed.
//!
//! What a client cannot do without is left alone: the user and its name in `/me`, and
//! account ids (the account context). List elements are never replaced, only fields.
//! [`fields`] and [`mutate_at`] are public for the property test over the client's models.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;

use crate::state::AppState;

/// How many fields each response loses or changes.
pub const MUTATIONS_PER_RESPONSE: usize = 3;

/// The replacements, in the order [`mutate_at`] numbers them.
pub const KINDS: usize = 8;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The middleware: mutates 2xx JSON bodies when the emulator has a seed.
pub async fn responses(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(seed) = state.config.mutate_responses else {
        // The router adds this layer only with a seed.
        return next.run(req).await;
    };
    let path = req.uri().path().to_owned();
    let resp = next.run(req).await;
    let json =
        resp.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !resp.status().is_success() || !json || path.starts_with("/auth/") || path.starts_with("/_emulator") {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut rng = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hash(&path);
    for _ in 0..MUTATIONS_PER_RESPONSE {
        let targets = fields(&value, &path);
        if targets.is_empty() {
            break;
        }
        let target = &targets[(next_u64(&mut rng) % targets.len() as u64) as usize];
        mutate_at(&mut value, target, (next_u64(&mut rng) % KINDS as u64) as usize);
    }
    let out = serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(out))
}

/// One step of a fixed, seedable sequence (SplitMix64): reproducible runs need no
/// randomness source.
fn next_u64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3))
}

/// A step into a JSON value: an object member or a list element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// A list element.
    Index(usize),
}

/// The paths of every object member of `value`, at any depth, that a mutation may
/// touch in a response to `path`.
pub fn fields(value: &Value, path: &str) -> Vec<Vec<Step>> {
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out.retain(|p| !required(path, p));
    out
}

fn walk(value: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                at.push(Step::Key(k.clone()));
                out.push(at.clone());
                walk(v, at, out);
                at.pop();
            }
        }
        Value::Array(list) => {
            for (i, v) in list.iter().enumerate() {
                at.push(Step::Index(i));
                walk(v, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

/// What a client needs to work at all: `/me`'s user and its name, account ids, and the
/// code, token and lifetime of the `/auth/*` answers (which the middleware leaves alone
/// anyway; listed for tests that mutate those bodies themselves).
fn required(path: &str, p: &[Step]) -> bool {
    let keys: Vec<&str> = p
        .iter()
        .filter_map(|s| match s {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let lower: Vec<String> = keys.iter().map(|k| k.to_ascii_lowercase()).collect();
    let k: Vec<&str> = lower.iter().map(String::as_str).collect();
    match path {
        "/me" => matches!(k.as_slice(), ["user"] | ["user", "username"] | ["accounts"] | ["accounts", "id"]),
        "/accounts" => k == ["id"],
        "/auth/authorize" => k == ["code"],
        "/auth/token" | "/auth/token/reissue" => matches!(k.as_slice(), ["access_token"] | ["expires_in"]),
        _ => false,
    }
}

/// Replaces (or removes) the member at `path` with replacement number `kind`.
pub fn mutate_at(value: &mut Value, path: &[Step], kind: usize) {
    let Some((last, parents)) = path.split_last() else { return };
    let mut cur = value;
    for step in parents {
        cur = match (step, cur) {
            (Step::Key(k), Value::Object(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return,
            },
            (Step::Index(i), Value::Array(l)) => match l.get_mut(*i) {
                Some(v) => v,
                None => return,
            },
            _ => return,
        };
    }
    let (Step::Key(k), Value::Object(m)) = (last, cur) else { return };
    let Some(old) = m.get(k) else { return };
    let new = match kind {
        0 => Value::Null,
        1 => Value::String(String::new()),
        2 => Value::from(-1),
        3 => Value::from(0),
        4 => Value::Array(Vec::new()),
        5 => Value::Object(serde_json::Map::new()),
        6 => Value::String(match old {
            Value::Number(n) => n.to_string(),
            _ => "1".into(),
        }),
        _ => {
            m.remove(k);
            return;
        }
    };
    m.insert(k.clone(), new);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn required_fields_are_never_targets() {
        let me = json!({"user": {"username": "a", "firstName": "b"}, "accounts": [{"id": 1, "name": "x"}]});
        let f = fields(&me, "/me");
        let key = |s: &str| Step::Key(s.into());
        assert!(f.contains(&vec![key("user"), key("firstName")]));
        assert!(f.contains(&vec![key("accounts"), Step::Index(0), key("name")]));
        assert!(!f.contains(&vec![key("user")]) && !f.contains(&vec![key("user"), key("username")]));
        assert!(!f.contains(&vec![key("accounts"), Step::Index(0), key("id")]));
        let mut v = me.clone();
        mutate_at(&mut v, &[key("accounts"), Step::Index(0), key("name")], 7);
        assert_eq!(v["accounts"][0], json!({"id": 1}));
    }
}
