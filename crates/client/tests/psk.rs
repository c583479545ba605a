//! API-key (ARMOR-PSK) sessions against a real emulator.

use std::sync::Arc;
use std::time::Duration;

use armor_client::core::{AccountId, Clock, ManualClock, SystemClock};
use armor_client::{Client, Credentials, Error, SessionStore};
use armor_emulator::{Emulator, EmulatorConfig};
use secrecy::SecretString;

const KEY: &str = EmulatorConfig::DEMO_API_KEY_ID;

fn secret() -> SecretString {
    SecretString::from(EmulatorConfig::DEMO_API_KEY_SECRET)
}

#[tokio::test]
async fn a_stored_api_key_signs_every_request() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path(), "ci").unwrap();
    let client = Client::builder().server(emu.url()).store(store.clone()).build().unwrap();
    let s = client.login_api_key(KEY, secret(), Some(AccountId(1001))).await.unwrap();
    assert_eq!(s.auth.mode(), "api_key");
    assert_eq!(s.account_id, Some(AccountId(1001)));
    assert!(s.token().is_none());
    // Another "process" uses the stored key.
    let other = Client::builder().store(store).build().unwrap();
    other.whoami().await.unwrap();
    let accounts: serde_json::Value = other.get("/accounts").await.unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 3);
    assert!(matches!(other.reissue_token(None).await, Err(Error::NotTokenSession { .. })));
    let stats = emu.stats();
    assert_eq!(stats.get("GET /me").ok, 2);
    assert_eq!(stats.get("POST /auth/token/reissue").total, 0);
    assert_eq!(stats.get("POST /auth/authorize").total, 0);
}

#[tokio::test]
async fn an_in_memory_key_stores_nothing() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder()
        .server(emu.url())
        .api_key(KEY, secret())
        .unwrap()
        .account(AccountId(1002))
        .build()
        .unwrap();
    let s = client.session().await.unwrap();
    assert!(matches!(s.auth, Credentials::ApiKey(_)));
    assert_eq!(s.account_id, Some(AccountId(1002)));
    let raw = client.request_raw(armor_client::Method::GET, "/accounts", None).await.unwrap();
    assert_eq!(raw.status, 200);
    assert_eq!(emu.stats().get("GET /me").ok, 1, "identity fetched once");
}

#[tokio::test]
async fn a_wrong_secret_is_a_401() {
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::builder().server(emu.url()).build().unwrap();
    let err = client.login_api_key(KEY, SecretString::from("nope"), None).await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert!(err.to_string().contains("Signature does not match key"), "{err}");
    assert!(!err.to_string().contains("nope"));
    let err = client.login_api_key("", secret(), None).await.unwrap_err();
    assert!(matches!(err, Error::InvalidApiKey(_)), "{err}");
}

#[tokio::test]
async fn a_rejected_timestamp_says_how_far_the_clock_is_off() {
    // The emulator keeps real time (and so does its Date header); the client runs 10
    // minutes fast.
    let emu =
        Emulator::start(EmulatorConfig { clock: Arc::new(SystemClock), ..Default::default() }).await.unwrap();
    let fast = ManualClock::new(SystemClock.now());
    fast.advance(Duration::from_secs(600));
    let client = Client::builder().server(emu.url()).clock(Arc::new(fast)).build().unwrap();
    let err = client.login_api_key(KEY, secret(), None).await.unwrap_err().to_string();
    assert!(err.contains("HTTP 401"), "{err}");
    assert!(err.contains("local clock looks ") && err.contains("s ahead of the server's"), "{err}");
    // About 600 s: a second may tick over between the client's clock and the Date header.
    let skew: i64 = err.split("looks ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!((598..=602).contains(&skew), "{err}");
}
