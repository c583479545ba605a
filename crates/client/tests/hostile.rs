//! The library against a faulty emulator and hostile inputs: path checks, retries within
//! the overall timeout, bounded bodies.

use std::time::Duration;

use armor_client::{Client, Error, SessionStore, Timeouts};
use armor_emulator::{Emulator, EmulatorConfig, FaultRule};
use secrecy::SecretString;

async fn emulator(rules: &[&str]) -> Emulator {
    let faults = rules.iter().map(|r| r.parse::<FaultRule>().unwrap()).collect();
    Emulator::start(EmulatorConfig { faults, ..Default::default() }).await.unwrap()
}

async fn logged_in(
    emu: &Emulator,
    dir: &std::path::Path,
    tweak: impl FnOnce(armor_client::ClientBuilder) -> armor_client::ClientBuilder,
) -> Client {
    let builder = Client::builder().server(emu.url()).store(SessionStore::new(dir, "default").unwrap());
    let client = tweak(builder).build().unwrap();
    let password = SecretString::from(EmulatorConfig::DEMO_PASSWORD);
    client.login(EmulatorConfig::DEMO_USERNAME, password, None).await.unwrap();
    client
}

#[tokio::test]
async fn paths_must_be_api_paths_on_the_server() {
    let emu = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    let client = logged_in(&emu, dir.path(), |b| b).await;
    let before = emu.stats();
    for bad in [".evil.com/x", "@evil.com/x", "//evil.com/x", "vms", "/vms\r\nX-Injected: 1", ""] {
        let err = client.get::<serde_json::Value>(bad).await.unwrap_err();
        assert!(matches!(err, Error::InvalidPath { .. }), "{bad:?}: {err}");
    }
    assert_eq!(emu.stats(), before, "nothing was sent");
    client.get::<serde_json::Value>("/vms").await.unwrap();
    emu.stop().await;
}

#[tokio::test]
async fn retry_after_is_honoured_within_the_overall_timeout() {
    let emu = emulator(&["GET /locations=429:1"]).await;
    let dir = tempfile::tempdir().unwrap();
    let timeouts = {
        let mut t = Timeouts::default();
        t.request = Duration::from_millis(2000);
        t
    };
    let client = logged_in(&emu, dir.path(), |b| b.timeouts(timeouts)).await;
    let err = client.datacenters().list().await.unwrap_err();
    assert_eq!(err.status(), Some(429), "{err}");
    // Retry-After: 1 is honoured: it leaves room for one more attempt in 2 s, not for a
    // third (the jittered backoff alone, at most 0.75 s in all, would have). 2 s, not
    // less: the first answer may take most of a second on a loaded machine.
    assert_eq!(emu.stats().faults["GET /locations=429"], 2);
    emu.stop().await;
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let emu = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    logged_in(&emu, dir.path(), |b| b).await;
    let store = SessionStore::new(dir.path(), "default").unwrap();
    let client = Client::builder().store(store).max_response_bytes(200).build().unwrap();
    let err = client.vms().list().await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { limit: 200, .. }), "{err}");
    assert!(err.to_string().contains("GET /vms"), "{err}");
    // The announced length is checked before a byte of the body is read. (A body without
    // one is counted as it streams: see the CLI's endless-body test.)
    let err = client.request_stream(armor_client::Method::GET, "/vms", None).await.unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err}");
    emu.stop().await;
}

#[tokio::test]
async fn bodies_with_too_many_json_values_are_refused_before_decoding() {
    let emu = emulator(&[]).await;
    let dir = tempfile::tempdir().unwrap();
    logged_in(&emu, dir.path(), |b| b).await;
    let store = SessionStore::new(dir.path(), "default").unwrap();
    let client = Client::builder().store(store).max_response_values(40).build().unwrap();
    let err = client.vms().list().await.unwrap_err();
    assert!(matches!(err, Error::TooManyValues { limit: 40, .. }), "{err}");
    assert!(err.to_string().contains("GET /vms"), "{err}");
    // Within the default limit the same list decodes.
    let store = SessionStore::new(dir.path(), "default").unwrap();
    let client = Client::builder().store(store).build().unwrap();
    assert!(!client.vms().list().await.unwrap().is_empty());
    emu.stop().await;
}
