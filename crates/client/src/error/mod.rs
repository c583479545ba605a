//! The client's error type. Each message says what went wrong; [`Error::kind`] tells a
//! program which kind of failure it is, so that an application can give its own advice
//! (the `armor` CLI says "run `armor login`" for [`ErrorKind::NoSession`], for example).
//! No message contains a password, token or secret.

use std::io;
use std::path::PathBuf;

use armor_core::{AccountId, TokenFormatError};
use jiff::Timestamp;

mod kind;

pub use kind::ErrorKind;

/// A specialized result for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `armor-client`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server address is not a usable URL.
    #[error("invalid server {input:?}: {reason}")]
    InvalidServer {
        /// What was given.
        input: String,
        /// Why it is not usable.
        reason: &'static str,
    },
    /// Plain `http://` to a host that is not loopback.
    #[error("refusing plain http:// to {host}: only loopback hosts may use http, use https://")]
    InsecureServer {
        /// The host.
        host: String,
    },
    /// An API version other than `v1.0` or `internal`.
    #[error("{0}")]
    InvalidApiVersion(armor_core::api_version::InvalidApiVersion),
    /// A profile name with characters that cannot name a file.
    #[error("invalid profile name {0:?}: use 1-64 letters, digits, '-' or '_'")]
    InvalidProfile(String),
    /// An API key id or secret that cannot be used.
    #[error("invalid API key: {0}")]
    InvalidApiKey(&'static str),
    /// A token given by the user is not a valid token.
    #[error("invalid token")]
    InvalidToken(#[source] TokenFormatError),
    /// The server answered with a token that is not valid.
    #[error("the server returned a malformed access token; the session was not changed")]
    MalformedToken(#[source] TokenFormatError),
    /// No session is stored for the profile.
    #[error("no Armor session for profile {profile:?}")]
    NoSession {
        /// The profile.
        profile: String,
    },
    /// A token operation on a session that uses an API key.
    #[error("profile {profile:?} uses an API key, which has no token to reissue")]
    NotTokenSession {
        /// The profile.
        profile: String,
    },
    /// The session expired; it has been removed.
    #[error("the session expired at {expired_at} and was removed")]
    SessionExpired {
        /// When it expired.
        expired_at: Timestamp,
    },
    /// The session file cannot be read as a session.
    #[error("session file {} is corrupt or truncated", path.display())]
    CorruptSession {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The session file was written by a newer version of this library: reading it would
    /// drop what this version does not know.
    #[error(
        "session file {} has format {format}, newer than this version reads (up to {supported})",
        path.display()
    )]
    NewerSession {
        /// The file.
        path: PathBuf,
        /// Its format.
        format: u32,
        /// The newest format this version reads.
        supported: u32,
    },
    /// A request body that cannot be serialized as JSON.
    #[error("cannot encode the body of {method} {path} as JSON")]
    Encode {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The operating system gave no random numbers (needed for request nonces).
    #[error("no random numbers from the operating system: {0}")]
    NoRandomness(String),
    /// The settings file cannot be read as settings.
    #[error("settings file {} is corrupt; fix or delete it", path.display())]
    CorruptSettings {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// A file system operation failed.
    #[error("could not {action} {}", path.display())]
    Io {
        /// What was being done (`read`, `write`, `lock`, ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The server could not be reached, or did not answer in time.
    #[error("could not reach {url}")]
    Unreachable {
        /// The request URL (no query string, no credentials).
        url: String,
        /// The cause.
        #[source]
        source: TransportError,
    },
    /// The connection broke after a request that changes something may have reached the
    /// server. Not retried: whether the server acted on it is unknown.
    #[error(
        "the connection to {url} broke during {method}; the server may have acted on it: check before trying again"
    )]
    ConnectionLost {
        /// The request method.
        method: String,
        /// The request URL (no query string).
        url: String,
        /// The cause.
        #[source]
        source: TransportError,
    },
    /// The server answered, but the connection broke (or the time ran out) while its
    /// answer was read. A `GET` is retried first; for a change, the server may have acted.
    #[error(
        "the answer to {method} {url} (HTTP {status}) broke off before its end{}",
        if is_change(method) { "; the server may have acted on it: check before trying again" } else { "" }
    )]
    AnswerBrokeOff {
        /// The request method.
        method: String,
        /// The request URL (no query string).
        url: String,
        /// The status the server answered with.
        status: u16,
        /// The cause.
        #[source]
        source: TransportError,
    },
    /// The TLS handshake failed: the server's certificate was not trusted, or similar.
    #[error("TLS handshake with {host} failed: {reason}{}", hint.map(|h| format!("; {h}")).unwrap_or_default())]
    Tls {
        /// The server's host (and port).
        host: String,
        /// Why, in a few words.
        reason: String,
        /// What to do about it, if that can be told.
        hint: Option<&'static str>,
        /// Whether the certificate was rejected because no trusted CA vouches for it
        /// (a private or corporate CA may be missing): [`ErrorKind::UntrustedCertificate`].
        untrusted: bool,
    },
    /// TLS could not be set up (e.g. no CA certificates could be loaded).
    #[error("cannot set up TLS: {0}")]
    TlsSetup(String),
    /// A CA bundle file that holds no usable certificate.
    #[error("CA bundle {} is not usable: {reason}", path.display())]
    CaBundle {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: &'static str,
    },
    /// The OS credential store could not be used.
    #[error("cannot {action}: {reason}{}", hint.map(|h| format!("; {h}")).unwrap_or_default())]
    Keyring {
        /// What was being done.
        action: &'static str,
        /// Why it failed (never contains the secret).
        reason: String,
        /// What to do about it, if that can be told.
        hint: Option<&'static str>,
        /// [`ErrorKind::KeyringUnavailable`], [`ErrorKind::KeyringSecretMissing`] or
        /// [`ErrorKind::Keyring`].
        kind: ErrorKind,
    },
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiFailure>),
    /// A success response whose body does not have the expected shape.
    #[error("unexpected response body from {method} {path} at JSON path `{json_path}`")]
    Decode {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
        /// Where in the body it failed.
        json_path: String,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// An account id that is not one of the session's accounts.
    #[error("account {id} is not one of this session's accounts; valid ids: {}", join(valid))]
    UnknownAccount {
        /// The id asked for.
        id: AccountId,
        /// The session's account ids.
        valid: Vec<AccountId>,
    },
    /// The stored session belongs to another server than the one asked for.
    #[error("profile {profile:?} is logged in to {stored}, not {given}")]
    ServerMismatch {
        /// The profile.
        profile: String,
        /// The server in the session.
        stored: String,
        /// The server asked for.
        given: String,
    },
    /// Waiting for something took longer than allowed.
    #[error("timed out after {}s waiting for {what}", after.as_secs())]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long it waited.
        after: std::time::Duration,
    },
    /// A session or lock file that is a symbolic link: refused, never followed.
    #[error("refusing to use {}: it is a symbolic link; armor keeps its session files as regular files", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// A request path that is not an API path on the client's server.
    #[error("invalid request path {path:?}: {reason}")]
    InvalidPath {
        /// The path (at most a few hundred characters of it).
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A response body larger than the client's limit (see
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)).
    #[error("the response to {method} {path} is larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A response body with more JSON values than the client's limit (see
    /// [`ClientBuilder::max_response_values`](crate::ClientBuilder::max_response_values)).
    #[error("the response to {method} {path} has more than the limit of {limit} JSON values and keys")]
    TooManyValues {
        /// The request method.
        method: String,
        /// The request path.
        path: String,
        /// The limit in values.
        limit: u64,
    },
    /// The profile's lock stayed held by another process longer than allowed.
    #[error(
        "timed out after {}s waiting for the session lock {}{}",
        after.as_secs(),
        path.display(),
        holder.map(|p| format!(" (held by process {p})")).unwrap_or_default()
    )]
    LockTimeout {
        /// The lock file.
        path: PathBuf,
        /// The process id the holder wrote into it, if readable.
        holder: Option<u32>,
        /// How long it waited.
        after: std::time::Duration,
    },
    /// A token response whose `expires_in` cannot be a token lifetime.
    #[error("the server returned an unusable token lifetime: expires_in {0}; the session was not changed")]
    BadLifetime(String),
    /// The renewal policy's fraction is outside (0, 1].
    #[error("invalid renewal threshold {0}: expected a fraction above 0 and at most 1")]
    InvalidRenewalPolicy(f64),
}

/// An error status from the API, with what its body said.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiFailure {
    /// The HTTP status.
    pub status: u16,
    /// The request method.
    pub method: String,
    /// The request path.
    pub path: String,
    /// The message from the error body, if the body had one.
    pub message: Option<String>,
    /// The reference id to quote to Armor support.
    pub reference_id: Option<String>,
    /// What to do about it, when that can be told (e.g. a clock that is off).
    pub hint: Option<String>,
    /// The raw response body (never contains request secrets).
    pub body: String,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} failed with HTTP {}", self.method, self.path, self.status)?;
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        if let Some(r) = &self.reference_id {
            write!(f, " (reference id {r})")?;
        }
        match &self.hint {
            Some(h) => write!(f, "; {h}"),
            None => Ok(()),
        }
    }
}

fn join(ids: &[AccountId]) -> String {
    ids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

impl Error {
    /// The HTTP status of an API error, if this is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(f) => Some(f.status),
            _ => None,
        }
    }

    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    /// The URL of an answer that broke off for another reason than the time running out:
    /// a `GET` of it is worth another attempt.
    pub(crate) fn broken_answer_url(&self) -> Option<&str> {
        match self {
            Error::AnswerBrokeOff { url, source, .. } if !source.is_timeout() => Some(url),
            _ => None,
        }
    }
}

/// A transport failure (connection, timeout, protocol), without the URL (the error that
/// holds it names the URL already). Its [`source`](std::error::Error::source) chain tells
/// the cause.
#[derive(Debug)]
pub struct TransportError(reqwest::Error);

impl TransportError {
    pub(crate) fn new(e: reqwest::Error) -> Self {
        TransportError(e.without_url())
    }

    /// Whether the request timed out.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// Whether the connection could not be made.
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Whether `method` may change something on the server: the line the retries draw
/// ([`crate::retry::is_retryable_method`]), and [`Error::ConnectionLost`] with them.
fn is_change(method: &str) -> bool {
    !method.parse::<::http::Method>().is_ok_and(|m| crate::retry::is_retryable_method(&m))
}
