//! API-key secrets in the operating system's credential store (the `keyring` crates):
//! Secret Service on Linux and the BSDs, Keychain on macOS, Credential Manager on Windows.
//! The session file then holds only a [`KeyringRef`], never the secret.
//!
//! Every call blocks (D-Bus, Security framework, Win32); async callers run them on the
//! blocking pool. Tests select the crate's in-memory mock store with [`use_mock_store`]
//! (the CLI: `ARMOR_KEYRING_BACKEND=mock`).

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};

/// The service name of armor's entries.
pub const SERVICE: &str = "armor";

/// Where a secret lives in the credential store: the entry's service and user name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeyringRef {
    /// The service (always [`SERVICE`] for entries armor made).
    pub service: String,
    /// The entry's user name: `<profile>:<key id>`.
    pub user: String,
}

impl KeyringRef {
    /// The entry of `profile`'s API key `key_id`.
    pub fn new(profile: &str, key_id: &str) -> KeyringRef {
        KeyringRef { service: SERVICE.to_owned(), user: format!("{profile}:{key_id}") }
    }
}

impl std::fmt::Display for KeyringRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "service {:?}, user {:?}", self.service, self.user)
    }
}

/// Uses the `keyring-core` mock store (in memory, this process only) instead of the
/// operating system's. For tests; call before any other function of this module.
pub fn use_mock_store() {
    if let Ok(store) = keyring_core::mock::Store::new() {
        keyring_core::set_default_store(store);
    }
}

/// Makes sure a credential store is set up: the one chosen by the application (e.g. the
/// mock), else the platform's.
fn ensure_store() -> Result<()> {
    if keyring_core::get_default_store().is_some() {
        return Ok(());
    }
    keyring::Entry::store_status().as_ref().map_err(|e| Error::Keyring {
        action: "open the OS credential store",
        reason: describe(e),
        hint: None,
        kind: ErrorKind::KeyringUnavailable,
    })?;
    Ok(())
}

fn entry(r: &KeyringRef) -> Result<keyring_core::Entry> {
    ensure_store()?;
    keyring_core::Entry::new(&r.service, &r.user).map_err(|e| Error::Keyring {
        action: "open the credential store entry",
        reason: describe(&e),
        hint: None,
        kind: ErrorKind::KeyringUnavailable,
    })
}

/// A message for a keyring error that never contains secret bytes.
fn describe(e: &keyring_core::Error) -> String {
    use keyring_core::Error as K;
    match e {
        K::BadEncoding(_) | K::BadDataFormat(..) => "the stored secret is not valid text".into(),
        K::NoEntry => "there is no such entry".into(),
        K::NoDefaultStore => "there is no credential store on this system".into(),
        other => other.to_string().replace(['\n', '\r'], " "),
    }
}

/// Stores `secret` in the entry `r` (replacing any previous one).
pub fn store_secret(r: &KeyringRef, secret: &SecretString) -> Result<()> {
    entry(r)?.set_password(secret.expose_secret()).map_err(|e| Error::Keyring {
        action: "store the secret in the OS credential store",
        reason: describe(&e),
        hint: None,
        kind: ErrorKind::KeyringUnavailable,
    })
}

/// Reads the secret of entry `r`.
pub fn load_secret(r: &KeyringRef) -> Result<SecretString> {
    entry(r)?.get_password().map(SecretString::from).map_err(|e| Error::Keyring {
        action: "read the API key secret from the OS credential store",
        reason: format!("{} ({r})", describe(&e)),
        hint: None,
        kind: ErrorKind::KeyringSecretMissing,
    })
}

/// Deletes entry `r`; a missing entry is not an error.
pub fn delete_secret(r: &KeyringRef) -> Result<()> {
    match entry(r)?.delete_credential() {
        Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
        Err(e) => Err(Error::Keyring {
            action: "delete the secret from the OS credential store",
            reason: describe(&e),
            hint: Some("remove the entry with the system's keychain tool"),
            kind: ErrorKind::Keyring,
        }),
    }
}

/// Runs a blocking credential-store call off the async runtime's thread.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Keyring {
        action: "use the OS credential store",
        reason: e.to_string(),
        hint: Some("try again"),
        kind: ErrorKind::Keyring,
    })?
}
