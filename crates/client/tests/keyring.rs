//! API-key secrets in the OS credential store, with keyring-core's mock store in place of
//! the operating system's: the round trip, what the session file holds, failures.

use std::sync::Once;

use armor_client::keyring::{self, KeyringRef};
use armor_client::{Client, Credentials, Error, ErrorKind, SessionStore};
use armor_emulator::{Emulator, EmulatorConfig};
use secrecy::SecretString;

const KEY: &str = EmulatorConfig::DEMO_API_KEY_ID;
const SECRET: &str = EmulatorConfig::DEMO_API_KEY_SECRET;

fn mock() {
    static ONCE: Once = Once::new();
    ONCE.call_once(keyring::use_mock_store);
}

fn entry(profile: &str) -> keyring_core::Entry {
    keyring_core::Entry::new(keyring::SERVICE, &format!("{profile}:{KEY}")).unwrap()
}

#[tokio::test]
async fn round_trip_through_the_credential_store() {
    mock();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path(), "kr").unwrap();
    let client = Client::builder().server(emu.url()).store(store.clone()).build().unwrap();
    client.login_api_key_with(KEY, SecretString::from(SECRET), None, true).await.unwrap();

    // The file holds a reference, not the secret; the store holds the secret.
    let file = std::fs::read_to_string(store.path()).unwrap();
    assert!(!file.contains(SECRET), "{file}");
    let json: serde_json::Value = serde_json::from_str(&file).unwrap();
    assert_eq!(json["auth"]["keyring"]["service"], "armor");
    assert_eq!(json["auth"]["keyring"]["user"], format!("kr:{KEY}"));
    assert!(json["auth"].get("secret").is_none());
    assert_eq!(entry("kr").get_password().unwrap(), SECRET);

    // Another client (as another process would) reads the secret from the store to sign.
    let other = Client::builder().store(store.clone()).build().unwrap();
    let s = other.session().await.unwrap();
    let Credentials::ApiKey(k) = &s.auth else { panic!("not an API key session") };
    assert_eq!(k.secret_location(), "keyring");
    assert_eq!(k.keyring, Some(KeyringRef::new("kr", KEY)));
    other.whoami().await.unwrap();
    let _: serde_json::Value = other.get("/accounts").await.unwrap();
    assert_eq!(emu.stats().get("GET /me").ok, 2);
    // whoami rewrote the session: still no secret in it.
    assert!(!std::fs::read_to_string(store.path()).unwrap().contains(SECRET));

    // Logout removes the entry too.
    assert!(other.logout().await.unwrap());
    assert!(matches!(entry("kr").get_password(), Err(keyring_core::Error::NoEntry)));
}

#[tokio::test]
async fn a_missing_entry_is_a_clear_error() {
    mock();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path(), "gone").unwrap();
    let client = Client::builder().server(emu.url()).store(store.clone()).build().unwrap();
    client.login_api_key_with(KEY, SecretString::from(SECRET), None, true).await.unwrap();
    entry("gone").delete_credential().unwrap();
    let other = Client::builder().store(store).build().unwrap();
    let err = other.whoami().await.unwrap_err();
    assert!(matches!(err, Error::Keyring { .. }), "{err:?}");
    assert_eq!(err.kind(), ErrorKind::KeyringSecretMissing);
    let msg = err.to_string();
    assert!(msg.contains("credential store") && msg.contains("no such entry"), "{msg}");
}

#[tokio::test]
async fn an_unusable_store_stores_nothing_and_suggests_the_file() {
    mock();
    let emu = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SessionStore::new(dir.path(), "locked").unwrap();
    let e = entry("locked");
    let cred: &keyring_core::mock::Cred = e.as_any().downcast_ref().unwrap();
    cred.set_error(keyring_core::Error::NoStorageAccess("the keyring is locked".into()));
    let client = Client::builder().server(emu.url()).store(store.clone()).build().unwrap();
    let err = client.login_api_key_with(KEY, SecretString::from(SECRET), None, true).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::KeyringUnavailable);
    let msg = err.to_string();
    assert!(msg.contains("credential store") && !msg.contains(SECRET), "{msg}");
    assert!(store.load().unwrap().is_none());
    // Without --keyring the secret goes to the session file, as before.
    let s = client.login_api_key_with(KEY, SecretString::from(SECRET), None, false).await.unwrap();
    let Credentials::ApiKey(k) = &s.auth else { panic!() };
    assert_eq!(k.secret.expose(), SECRET);
    assert_eq!(k.secret_location(), "session_file");
}
