//! ARMOR-PSK authentication against a real emulator: signatures, timestamps, nonces,
//! restricted endpoints.

use std::sync::Arc;
use std::time::Duration;

mod common;

use armor_core::{Clock, ManualClock, psk};
use armor_emulator::{Emulator, EmulatorConfig};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::Value;

const KEY: &str = EmulatorConfig::DEMO_API_KEY_ID;
const SECRET: &str = EmulatorConfig::DEMO_API_KEY_SECRET;

struct Env {
    emu: Emulator,
    clock: ManualClock,
    http: reqwest::Client,
}

impl Env {
    async fn new() -> Env {
        let clock = ManualClock::new(Timestamp::from_second(1_800_000_000).unwrap());
        let config = EmulatorConfig { clock: Arc::new(clock.clone()), ..Default::default() };
        Env { emu: Emulator::start(config).await.unwrap(), clock, http: reqwest::Client::new() }
    }

    fn header(&self, method: &str, path: &str, nonce: &str, skew: i64, secret: &str) -> String {
        let r = psk::Signable {
            key_id: KEY,
            method,
            path,
            nonce,
            timestamp: self.clock.now().as_second() + skew,
            body: b"",
        };
        psk::authorization(secret, &r)
    }

    async fn get(&self, path: &str, auth: &str) -> (StatusCode, Value, Option<String>) {
        let r = self
            .http
            .get(format!("{}{path}", self.emu.url()))
            .header("Authorization", auth)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let date = r.headers().get("date").map(|d| d.to_str().unwrap().to_owned());
        (status, r.json().await.unwrap_or(Value::Null), date)
    }
}

fn assert_psk_error(body: &Value, status: u16, code: &str) {
    assert_eq!(body["error"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert!(body["Message"].is_string() && body["error_description"].is_string(), "{body}");
}

#[tokio::test]
async fn a_signed_request_is_accepted() {
    let env = Env::new().await;
    let (s, me, date) = env.get("/me", &env.header("GET", "/me", "n1", 0, SECRET)).await;
    assert_eq!(s, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["username"], EmulatorConfig::DEMO_USERNAME);
    assert!(date.is_some(), "responses carry a Date header");
    // The query string is not signed.
    let (s, _, _) = env.get("/accounts?x=1", &env.header("GET", "/accounts", "n2", 0, SECRET)).await;
    assert_eq!(s, StatusCode::OK);
}

#[tokio::test]
async fn timestamps_within_five_minutes_only() {
    let env = Env::new().await;
    assert_eq!(env.get("/me", &env.header("GET", "/me", "a", 299, SECRET)).await.0, StatusCode::OK);
    assert_eq!(env.get("/me", &env.header("GET", "/me", "b", -300, SECRET)).await.0, StatusCode::OK);
    for (nonce, skew) in [("c", 301), ("d", -301), ("e", -86_400)] {
        let (s, body, _) = env.get("/me", &env.header("GET", "/me", nonce, skew, SECRET)).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_psk_error(&body, 401, "invalid_timestamp");
    }
}

#[tokio::test]
async fn a_nonce_works_once_within_the_window() {
    let env = Env::new().await;
    let auth = env.header("GET", "/me", "once", 0, SECRET);
    assert_eq!(env.get("/me", &auth).await.0, StatusCode::OK);
    let (s, body, _) = env.get("/me", &auth).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_psk_error(&body, 401, "nonce_reused");
    // After the window the old nonce is forgotten, but its old timestamp is stale anyway.
    env.clock.advance(Duration::from_secs(601));
    assert_eq!(env.get("/me", &env.header("GET", "/me", "once", 0, SECRET)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn wrong_signatures_keys_and_headers_are_rejected() {
    let env = Env::new().await;
    let (s, body, _) = env.get("/me", &env.header("GET", "/me", "x1", 0, "wrong-secret")).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_psk_error(&body, 401, "invalid_signature");
    // Signed for another path or method.
    assert_eq!(
        env.get("/me", &env.header("GET", "/accounts", "x2", 0, SECRET)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(env.get("/me", &env.header("POST", "/me", "x3", 0, SECRET)).await.0, StatusCode::UNAUTHORIZED);
    let other_key =
        env.header("GET", "/me", "x4", 0, SECRET).replace(KEY, "00000000-0000-0000-0000-000000000000");
    let (_, body, _) = env.get("/me", &other_key).await;
    assert_psk_error(&body, 401, "invalid_key");
    for bad in ["ARMOR-PSK", "ARMOR-PSK a:b:c", "ARMOR-PSK a:b:c:d:e", "ARMOR-PSK a:b:n:soon"] {
        let (s, body, _) = env.get("/me", bad).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{bad}");
        assert_psk_error(&body, 401, "invalid_authorization");
    }
}

#[tokio::test]
async fn keys_may_not_manage_keys() {
    let env = Env::new().await;
    let (s, body, _) =
        env.get("/users/4922/keys", &env.header("GET", "/users/4922/keys", "k1", 0, SECRET)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert_psk_error(&body, 403, "psk_not_allowed");
    // With a token the same endpoint works.
    let token = common::demo_token(&env.http, env.emu.url()).await;
    let (s, keys, _) = env.get("/users/4922/keys", &format!("FH-AUTH {token}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(keys[0]["id"], KEY);
    assert!(keys[0].get("secret").is_none());
}
