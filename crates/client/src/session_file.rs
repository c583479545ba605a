//! The session file's format, private to the store: the only place a session's token or
//! API key secret is serialized. The public types ([`Session`], [`AccessToken`],
//! [`ApiSecret`](crate::ApiSecret)) do not implement `Serialize`, so user code cannot leak
//! them with `serde_json::to_string`. Reading uses their `Deserialize`.

use std::path::Path;

use armor_core::{Account, AccountId, ApiVersion, User};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::keyring::KeyringRef;
use crate::session::{Credentials, FORMAT, Session};

#[derive(Serialize)]
struct SessionFile<'a> {
    format: u32,
    server: &'a str,
    api_version: ApiVersion,
    auth: CredentialsFile<'a>,
    user: &'a User,
    accounts: &'a [Account],
    departments: &'a [Value],
    permissions: &'a Value,
    features: &'a [Value],
    account_id: Option<AccountId>,
}

#[derive(Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
enum CredentialsFile<'a> {
    Token {
        access_token: &'a str,
        length_secs: u64,
        started_at: Timestamp,
        issued_at: Timestamp,
        expires_at: Timestamp,
    },
    ApiKey {
        key_id: &'a str,
        /// Absent when the secret is kept in the OS credential store.
        #[serde(skip_serializing_if = "Option::is_none")]
        secret: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        keyring: Option<&'a KeyringRef>,
        #[serde(skip_serializing_if = "Option::is_none")]
        stored_at: Option<Timestamp>,
    },
}

/// The session file's bytes: pretty JSON and a newline.
pub(crate) fn encode(s: &Session) -> serde_json::Result<Vec<u8>> {
    let auth = match &s.auth {
        Credentials::Token(t) => CredentialsFile::Token {
            access_token: t.access_token.expose(),
            length_secs: t.length_secs,
            started_at: t.started_at,
            issued_at: t.issued_at,
            expires_at: t.expires_at,
        },
        Credentials::ApiKey(k) => CredentialsFile::ApiKey {
            key_id: &k.key_id,
            // A secret kept in the OS credential store is never written here.
            secret: k.keyring.is_none().then(|| k.secret.expose()),
            keyring: k.keyring.as_ref(),
            stored_at: k.stored_at,
        },
    };
    let file = SessionFile {
        format: s.format,
        server: &s.server,
        api_version: s.api_version,
        auth,
        user: &s.user,
        accounts: &s.accounts,
        departments: &s.departments,
        permissions: &s.permissions,
        features: &s.features,
        account_id: s.account_id,
    };
    let mut bytes = serde_json::to_vec_pretty(&file)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Reads the session file at `path` from its bytes. A file of a newer format than
/// [`FORMAT`] is refused rather than read without the fields this version does not know.
pub(crate) fn decode(bytes: &[u8], path: &Path) -> Result<Session> {
    #[derive(Deserialize)]
    struct Format {
        format: Option<u32>,
    }
    if let Ok(Format { format: Some(format) }) = serde_json::from_slice(bytes)
        && format > FORMAT
    {
        return Err(Error::NewerSession { path: path.to_owned(), format, supported: FORMAT });
    }
    serde_json::from_slice(bytes).map_err(|source| Error::CorruptSession { path: path.to_owned(), source })
}

#[cfg(test)]
mod tests {
    use std::marker::PhantomData;

    use super::*;
    use crate::session::{ApiKey, ApiSecret, TokenState};
    use armor_core::AccessToken;

    // Autoref specialisation: `serializes()` is `true` only for types with `Serialize`.
    struct Probe<T>(PhantomData<T>);
    trait Serializes {
        fn serializes(&self) -> bool {
            true
        }
    }
    impl<T: Serialize> Serializes for Probe<T> {}
    trait DoesNot {
        fn serializes(&self) -> bool {
            false
        }
    }
    impl<T> DoesNot for &Probe<T> {}

    #[test]
    fn newer_formats_are_refused_by_name() {
        let path = Path::new("/cfg/sessions/p.json");
        let newer = format!("{{\"format\":{},\"server\":\"x\",\"something_new\":1}}", FORMAT + 1);
        let err = decode(newer.as_bytes(), path).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::NewerSession);
        let msg = err.to_string();
        assert!(msg.contains("p.json") && msg.contains(&format!("format {}", FORMAT + 1)), "{msg}");
        let err = decode(b"{\"format\":1,\"serv", path).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::CorruptSession);
    }

    #[test]
    #[allow(clippy::needless_borrow)] // the borrow is what makes the probe work
    fn secret_holding_types_do_not_serialize() {
        assert!((&Probe::<User>(PhantomData)).serializes(), "the probe detects Serialize");
        assert!(!(&Probe::<Session>(PhantomData)).serializes());
        assert!(!(&Probe::<Credentials>(PhantomData)).serializes());
        assert!(!(&Probe::<TokenState>(PhantomData)).serializes());
        assert!(!(&Probe::<ApiKey>(PhantomData)).serializes());
        assert!(!(&Probe::<ApiSecret>(PhantomData)).serializes());
        assert!(!(&Probe::<AccessToken>(PhantomData)).serializes());
    }
}
