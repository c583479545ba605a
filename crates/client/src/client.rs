//! [`Client`]: a session (in memory, optionally persisted in a [`SessionStore`]) plus the
//! shared HTTP transport, and the builder that makes one.

use std::sync::{Arc, PoisonError, RwLock};

use armor_core::{AccountId, ApiVersion, Clock, ExpiresInUnit, SystemClock};
use secrecy::SecretString;
use tokio::sync::Mutex;

use crate::error::{Error, Result};
use crate::http::{Http, Timeouts};
use crate::overlap::Overlap;
use crate::server::ServerUrl;
use crate::session::{ApiKey, RenewalPolicy, Session};
use crate::store::{DEFAULT_PROFILE, FileStamp, SessionStore};
use crate::tls::CaBundle;

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    server: Option<String>,
    api_version: Option<ApiVersion>,
    store: Option<SessionStore>,
    policy: RenewalPolicy,
    expires_in_unit: ExpiresInUnit,
    timeouts: Timeouts,
    max_response_bytes: u64,
    max_response_values: u64,
    clock: Arc<dyn Clock>,
    replace_session: bool,
    api_key: Option<ApiKey>,
    account: Option<AccountId>,
    defer_signals: bool,
    ca: CaBundle,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            server: None,
            api_version: None,
            store: None,
            policy: RenewalPolicy::default(),
            expires_in_unit: ExpiresInUnit::Auto,
            timeouts: Timeouts::default(),
            max_response_bytes: crate::limits::DEFAULT_MAX_RESPONSE_BYTES,
            max_response_values: crate::limits::DEFAULT_MAX_RESPONSE_VALUES,
            clock: Arc::new(SystemClock),
            replace_session: false,
            api_key: None,
            account: None,
            defer_signals: false,
            ca: CaBundle::default(),
        }
    }
}

impl ClientBuilder {
    /// The server to talk to. Default: the stored session's, else `https://api.armor.com`.
    /// If a stored session belongs to another server, building fails.
    pub fn server(mut self, server: impl Into<String>) -> Self {
        self.server = Some(server.into());
        self
    }

    /// The API version (`v1.0` or `internal`). Default: the session's, else `v1.0`.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Keep the session in `store`, shared with other processes. Without a store the
    /// session lives only in this client's memory.
    pub fn store(mut self, store: SessionStore) -> Self {
        self.store = Some(store);
        self
    }

    /// When to reissue tokens. Default: with less than 2/3 of the lifetime left.
    pub fn renewal_policy(mut self, policy: RenewalPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// How to read `expires_in`. Default [`ExpiresInUnit::Auto`].
    pub fn expires_in_unit(mut self, unit: ExpiresInUnit) -> Self {
        self.expires_in_unit = unit;
        self
    }

    /// HTTP timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The largest response body read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES), 32 MiB). A larger
    /// body fails with [`Error::BodyTooLarge`] without being held in memory.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most JSON values a response body may hold (default
    /// [`DEFAULT_MAX_RESPONSE_VALUES`](crate::DEFAULT_MAX_RESPONSE_VALUES)). Counted on the
    /// bytes before anything is decoded: a body with more fails with
    /// [`Error::TooManyValues`], so that a body within the byte limit cannot make the
    /// client build a model many times its size.
    pub fn max_response_values(mut self, limit: u64) -> Self {
        self.max_response_values = limit;
        self
    }

    /// Trust these CA certificates in addition to the operating system's.
    pub fn ca_bundle(mut self, ca: CaBundle) -> Self {
        self.ca = ca;
        self
    }

    /// Where time comes from (tests inject a manual clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Do not read the stored session: this client is about to [`Client::login`] and
    /// replace it, possibly on another server.
    pub fn replace_session(mut self) -> Self {
        self.replace_session = true;
        self
    }

    /// Use an API key (ARMOR-PSK) held only in memory: nothing is read from or written to
    /// a store. The identity is fetched (`GET /me`) on first use.
    pub fn api_key(mut self, key_id: &str, secret: SecretString) -> Result<Self> {
        self.api_key = Some(ApiKey::new(key_id, secret)?);
        self.store = None;
        Ok(self)
    }

    /// The account context of an in-memory API-key session (default: the first account).
    pub fn account(mut self, id: AccountId) -> Self {
        self.account = Some(id);
        self
    }

    /// Defer SIGINT, SIGTERM and SIGHUP (Unix) while a reissued token is exchanged and
    /// saved: the process finishes the save, then exits with status 128 + the signal's
    /// number. For command-line programs; off by default, because it installs
    /// process-wide signal handlers. Needs a Tokio runtime when the first reissue starts.
    pub fn defer_signals(mut self, yes: bool) -> Self {
        self.defer_signals = yes;
        self
    }

    /// Validates the settings, reads the stored session (if any) and builds the client.
    ///
    /// A corrupt session file is not an error here (so that `login` can replace it); it is
    /// reported by the first call that needs the session.
    pub fn build(self) -> Result<Client> {
        if let Some(store) = &self.store {
            store.remove_stale_temps();
        }
        let (stored, stamp) = match &self.store {
            Some(store) if !self.replace_session => store.load_stamped().unwrap_or((None, None)),
            _ => (None, None),
        };
        let server = match (&self.server, &stored) {
            (Some(given), Some(s)) => {
                let given = ServerUrl::parse(given)?;
                let in_session = ServerUrl::parse(&s.server)?;
                if given != in_session {
                    return Err(Error::ServerMismatch {
                        profile: self.store.as_ref().map_or(DEFAULT_PROFILE, |s| s.profile()).to_owned(),
                        stored: in_session.to_string(),
                        given: given.to_string(),
                    });
                }
                given
            }
            (Some(given), None) => ServerUrl::parse(given)?,
            (None, Some(s)) => ServerUrl::parse(&s.server)?,
            (None, None) => ServerUrl::parse(ServerUrl::DEFAULT)?,
        };
        let api_version = match (&self.api_version, &stored) {
            (Some(v), _) => *v,
            (None, Some(s)) => s.api_version,
            (None, None) => ApiVersion::default(),
        };
        let http = Http::new(
            server,
            self.timeouts,
            (self.max_response_bytes, self.max_response_values),
            self.clock.clone(),
            &self.ca,
        );
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                api_version,
                store: self.store,
                policy: self.policy,
                expires_in_unit: self.expires_in_unit,
                timeouts: self.timeouts,
                clock: self.clock,
                memory_key: self.api_key.map(|k| (k, self.account)),
                defer_signals: self.defer_signals,
                seen: RwLock::new(Seen { session: stored.map(Arc::new), stamp }),
                writer: Mutex::new(()),
                retry_after: std::sync::Mutex::new(None),
                overlap: Overlap::new(),
            }),
        })
    }
}

/// A client of the Armor API. Clones share the HTTP connections, the session and its
/// single-flight renewal.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    http: Http,
    api_version: ApiVersion,
    store: Option<SessionStore>,
    policy: RenewalPolicy,
    expires_in_unit: ExpiresInUnit,
    timeouts: Timeouts,
    clock: Arc<dyn Clock>,
    /// An API key (and account context) given in memory, not stored.
    memory_key: Option<(ApiKey, Option<AccountId>)>,
    /// Whether termination signals wait for a token exchange to be saved.
    defer_signals: bool,
    /// The session as last seen, and the stamp of the file it was read from or written
    /// to. Held only to copy or replace an `Arc`, never across an `await`: a call with a
    /// fresh token takes no other lock.
    seen: RwLock<Seen>,
    /// Held by the one task of this process that renews the token or writes the session;
    /// the others go on with a still-valid token or wait for it.
    writer: Mutex<()>,
    /// After a failed advisory renewal, no new attempt before this time.
    retry_after: std::sync::Mutex<Option<jiff::Timestamp>>,
    /// Calls in flight, which share the check of the session file.
    pub(crate) overlap: Overlap,
}

/// The session as last seen.
#[derive(Debug, Clone, Default)]
pub(crate) struct Seen {
    pub session: Option<Arc<Session>>,
    pub stamp: Option<FileStamp>,
}

impl Client {
    /// A builder with default settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The server this client talks to.
    pub fn server(&self) -> &ServerUrl {
        self.inner.http.server()
    }

    /// The API version this client uses.
    pub fn api_version(&self) -> ApiVersion {
        self.inner.api_version
    }

    /// HTTP timeouts.
    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// The renewal policy.
    pub fn renewal_policy(&self) -> RenewalPolicy {
        self.inner.policy
    }

    /// The session store, if the session is persisted.
    pub fn store(&self) -> Option<&SessionStore> {
        self.inner.store.as_ref()
    }

    pub(crate) fn http(&self) -> &Http {
        &self.inner.http
    }

    pub(crate) fn expires_in_unit(&self) -> ExpiresInUnit {
        self.inner.expires_in_unit
    }

    pub(crate) fn defers_signals(&self) -> bool {
        self.inner.defer_signals
    }

    /// Held by the one task of this process that renews the token or writes the session.
    pub(crate) fn writer(&self) -> &Mutex<()> {
        &self.inner.writer
    }

    /// After a failed advisory renewal, no new attempt before this time.
    pub(crate) fn retry_after_cell(&self) -> &std::sync::Mutex<Option<jiff::Timestamp>> {
        &self.inner.retry_after
    }

    pub(crate) fn profile(&self) -> String {
        self.inner.store.as_ref().map_or(DEFAULT_PROFILE, |s| s.profile()).to_owned()
    }

    /// The time by this client's clock (see [`ClientBuilder::clock`]).
    pub fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }

    /// The session as stored, without checking or renewing it. (An in-memory API key's
    /// session is created on first use, which fetches `GET /me`.)
    pub async fn session(&self) -> Result<Session> {
        Ok(Session::clone(&*self.observe().await?))
    }

    /// Whether the session comes from an in-memory API key rather than the store.
    pub fn is_memory_key(&self) -> bool {
        self.inner.memory_key.is_some()
    }

    /// The account context asked for with an in-memory API key, if one was (without it the
    /// key's first account is used, which takes a `GET /me` to know).
    pub fn memory_key_account(&self) -> Option<AccountId> {
        self.inner.memory_key.as_ref().and_then(|(_, account)| *account)
    }

    pub(crate) fn no_session(&self) -> Error {
        Error::NoSession { profile: self.profile() }
    }

    fn seen(&self) -> Seen {
        self.inner.seen.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub(crate) fn set_seen(&self, session: Option<Arc<Session>>, stamp: Option<FileStamp>) {
        *self.inner.seen.write().unwrap_or_else(PoisonError::into_inner) = Seen { session, stamp };
    }

    /// Replaces the session in memory by an equivalent one read from the same file (its
    /// stamp stays), e.g. with a secret filled in.
    pub(crate) fn remember(&self, session: Arc<Session>) {
        self.inner.seen.write().unwrap_or_else(PoisonError::into_inner).session = Some(session);
    }

    /// The current session, cheaply: the one in memory, unless the session file was
    /// replaced (by another process) since it was read, which costs one `stat` (shared by
    /// overlapping calls, see [`crate::overlap`]). An in-memory API key's session is
    /// created on first use.
    pub(crate) async fn observe(&self) -> Result<Arc<Session>> {
        let seen = self.seen();
        if let Some(store) = &self.inner.store {
            if let Some(session) = seen.session
                && seen.stamp.is_some()
            {
                // Only a token session: its request, sent with a token another process has
                // just reissued, gets a 401 and is sent once more with the new one.
                if session.token().is_some() && self.inner.overlap.may_skip_check() {
                    return Ok(session);
                }
                if store.stamp() == seen.stamp {
                    self.inner.overlap.checked();
                    return Ok(session);
                }
            }
            self.inner.overlap.forget();
            return self.reload()?.ok_or_else(|| self.no_session());
        }
        if let Some(session) = seen.session {
            return Ok(session);
        }
        let Some((key, account)) = &self.inner.memory_key else {
            return Err(self.no_session());
        };
        let _writer = self.inner.writer.lock().await;
        if let Some(session) = self.seen().session {
            return Ok(session);
        }
        let session = Arc::new(self.api_key_session(key.clone(), *account).await?);
        self.set_seen(Some(session.clone()), None);
        Ok(session)
    }

    /// Re-reads the stored session into memory (without a store: the one in memory).
    pub(crate) fn reload(&self) -> Result<Option<Arc<Session>>> {
        match &self.inner.store {
            Some(store) => {
                let (session, stamp) = store.load_stamped()?;
                let session = session.map(Arc::new);
                self.set_seen(session.clone(), stamp);
                Ok(session)
            }
            None => Ok(self.seen().session),
        }
    }
}
