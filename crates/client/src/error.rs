//! The client's error type. Each message says what went wrong and, where there is one,
//! what to do next. No message contains a password, token or secret.

use std::io;
use std::path::PathBuf;

use armor_core::{AccountId, TokenFormatError};
use jiff::Timestamp;

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
    #[error("no Armor session for profile {profile:?}; run `armor login`")]
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
    #[error("the session expired at {expired_at} and was removed; run `armor login`")]
    SessionExpired {
        /// When it expired.
        expired_at: Timestamp,
    },
    /// The session file cannot be read as a session.
    #[error("session file {} is corrupt or truncated; run `armor login` to replace it", path.display())]
    CorruptSession {
        /// The file.
        path: PathBuf,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
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
        source: reqwest::Error,
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
    #[error(
        "profile {profile:?} is logged in to {stored}, not {given}; run `armor login --server {given}` or use another --profile"
    )]
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
        match (&self.hint, self.status) {
            (Some(h), _) => write!(f, "; {h}"),
            (None, 401) => f.write_str("; run `armor login`"),
            _ => Ok(()),
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
}
