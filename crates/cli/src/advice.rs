//! What to do about a library error, in terms of this command-line tool: `armor-client`
//! says what happened and which [`ErrorKind`] it is; the advice ("run `armor login`",
//! "use another --profile") is the CLI's, appended to the error line.

use armor_client::{Error, ErrorKind};

/// Advice for the first `armor-client` error in `e`'s chain, if there is any, including
/// its leading `"; "`.
pub fn for_error(e: &anyhow::Error) -> Option<String> {
    e.chain().find_map(|c| c.downcast_ref::<Error>()).and_then(advice)
}

/// Advice for one library error.
pub fn advice(e: &Error) -> Option<String> {
    let text = match (e.kind(), e) {
        (ErrorKind::NoSession | ErrorKind::SessionExpired, _) => "run `armor login`".to_owned(),
        (ErrorKind::Unauthorized, Error::Api(f)) if f.hint.is_none() => "run `armor login`".to_owned(),
        (ErrorKind::CorruptSession, _) => "run `armor login` to replace it".to_owned(),
        (ErrorKind::NewerSession, _) => "update armor, or run `armor login` to replace it".to_owned(),
        (ErrorKind::ServerMismatch, Error::ServerMismatch { given, .. }) => {
            format!("run `armor login --server {given}` or use another --profile")
        }
        (ErrorKind::UntrustedCertificate, _) => {
            "if it uses a private or corporate CA, add that CA with --ca-cert FILE or ARMOR_CA_BUNDLE=FILE (PEM)"
                .to_owned()
        }
        (ErrorKind::TlsSetup, Error::TlsSetup(_)) => {
            "add a CA bundle with --ca-cert FILE or ARMOR_CA_BUNDLE=FILE".to_owned()
        }
        (ErrorKind::KeyringUnavailable, _) => "no credential store is available here; keep the secret in the session file (0600) instead: log in without --keyring".to_owned(),
        (ErrorKind::KeyringSecretMissing, _) => "run `armor login --api-key-id ID --keyring` again".to_owned(),
        (ErrorKind::ResponseTooLarge, Error::TooManyValues { .. }) => {
            "set ARMOR_MAX_RESPONSE_VALUES to change the limit".to_owned()
        }
        (ErrorKind::ResponseTooLarge, _) => "set ARMOR_MAX_RESPONSE_BYTES to change the limit".to_owned(),
        _ => return None,
    };
    Some(format!("; {text}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_advice_for_a_missing_session() {
        let e = anyhow::Error::new(Error::NoSession { profile: "p".into() }).context("cannot list vms");
        assert_eq!(for_error(&e).as_deref(), Some("; run `armor login`"));
        assert_eq!(advice(&Error::InvalidProfile("x y".into())), None);
    }
}
