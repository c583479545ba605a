//! [`ErrorKind`]: which kind of failure an [`Error`] is, for a program to act on.

use super::Error;

/// What kind of failure an [`Error`] is. New kinds may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A value given by the caller is not usable (server, API version, profile name, API
    /// key, token, request path, renewal policy).
    InvalidInput,
    /// No session is stored for the profile: log in first.
    NoSession,
    /// A token operation on a session that uses an API key.
    NotTokenSession,
    /// The session expired and was removed: log in again.
    SessionExpired,
    /// The session file cannot be read as a session: log in again to replace it.
    CorruptSession,
    /// The session file was written by a newer version of this library.
    NewerSession,
    /// The settings file cannot be read as settings.
    CorruptSettings,
    /// The stored session belongs to another server than the one asked for.
    ServerMismatch,
    /// An account id that is not one of the session's accounts.
    UnknownAccount,
    /// A file system operation failed.
    Io,
    /// A session or lock file is a symbolic link.
    Symlink,
    /// Another process held the profile's lock too long.
    LockTimeout,
    /// The server could not be reached (nothing was acted on).
    Unreachable,
    /// The connection broke after a request that changes something was sent.
    ConnectionLost,
    /// The server answered, but its answer broke off before its end (for a change, the
    /// server may have acted on it).
    AnswerBrokeOff,
    /// The server's certificate is not vouched for by a trusted CA.
    UntrustedCertificate,
    /// Another TLS handshake failure.
    Tls,
    /// TLS could not be set up (CA certificates).
    TlsSetup,
    /// The OS credential store is not available.
    KeyringUnavailable,
    /// The OS credential store did not give the secret of the session's API key (there is
    /// no entry, or the store refused to read it).
    KeyringSecretMissing,
    /// Another OS credential store failure.
    Keyring,
    /// The server answered 401: the credentials were not accepted.
    Unauthorized,
    /// The server answered with another error status.
    Api,
    /// A success response that is not what the API documents.
    BadResponse,
    /// A response larger than the client's limit.
    ResponseTooLarge,
    /// Waiting for something took longer than allowed.
    Timeout,
    /// The operating system gave no random numbers.
    NoRandomness,
}

impl Error {
    /// What kind of failure this is, for a program to act on (the message is for people).
    pub fn kind(&self) -> ErrorKind {
        use ErrorKind as K;
        match self {
            Error::InvalidServer { .. }
            | Error::InsecureServer { .. }
            | Error::InvalidApiVersion(_)
            | Error::InvalidProfile(_)
            | Error::InvalidApiKey(_)
            | Error::InvalidToken(_)
            | Error::InvalidPath { .. }
            | Error::InvalidRenewalPolicy(_)
            | Error::Encode { .. } => K::InvalidInput,
            Error::NewerSession { .. } => K::NewerSession,
            Error::NoRandomness(_) => K::NoRandomness,
            Error::MalformedToken(_) | Error::BadLifetime(_) | Error::Decode { .. } => K::BadResponse,
            Error::BodyTooLarge { .. } | Error::TooManyValues { .. } => K::ResponseTooLarge,
            Error::NoSession { .. } => K::NoSession,
            Error::NotTokenSession { .. } => K::NotTokenSession,
            Error::SessionExpired { .. } => K::SessionExpired,
            Error::CorruptSession { .. } => K::CorruptSession,
            Error::CorruptSettings { .. } => K::CorruptSettings,
            Error::ServerMismatch { .. } => K::ServerMismatch,
            Error::UnknownAccount { .. } => K::UnknownAccount,
            Error::Io { .. } => K::Io,
            Error::Symlink { .. } => K::Symlink,
            Error::LockTimeout { .. } => K::LockTimeout,
            Error::Unreachable { .. } => K::Unreachable,
            Error::ConnectionLost { .. } => K::ConnectionLost,
            Error::AnswerBrokeOff { .. } => K::AnswerBrokeOff,
            Error::Tls { untrusted: true, .. } => K::UntrustedCertificate,
            Error::Tls { .. } => K::Tls,
            Error::TlsSetup(_) | Error::CaBundle { .. } => K::TlsSetup,
            Error::Keyring { kind, .. } => *kind,
            Error::Api(f) if f.status == 401 => K::Unauthorized,
            Error::Api(_) => K::Api,
            Error::Timeout { .. } => K::Timeout,
        }
    }
}
