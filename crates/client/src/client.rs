//! [`Client`]: a session (in memory, optionally persisted in a [`SessionStore`]) plus the
//! shared HTTP transport, and the builder that makes one.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, PoisonError, RwLock};

use armor_core::{AccountId, ApiVersion, Clock, ExpiresInUnit, SystemClock};
use reqwest::Method;
use secrecy::SecretString;
use tokio::sync::{Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::http::{Auth, Call, Http, RawResponse, Timeouts};
use crate::server::ServerUrl;
use crate::session::{ApiKey, RenewalPolicy, Session};
use crate::store::{DEFAULT_PROFILE, SessionStore};

/// Builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    server: Option<String>,
    api_version: Option<String>,
    store: Option<SessionStore>,
    policy: RenewalPolicy,
    expires_in_unit: ExpiresInUnit,
    timeouts: Timeouts,
    clock: Arc<dyn Clock>,
    replace_session: bool,
    api_key: Option<ApiKey>,
    account: Option<AccountId>,
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
            clock: Arc::new(SystemClock),
            replace_session: false,
            api_key: None,
            account: None,
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
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
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

    /// Validates the settings, reads the stored session (if any) and builds the client.
    ///
    /// A corrupt session file is not an error here (so that `login` can replace it); it is
    /// reported by the first call that needs the session.
    pub fn build(self) -> Result<Client> {
        let stored = match &self.store {
            Some(store) if !self.replace_session => store.load().ok().flatten(),
            _ => None,
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
            (Some(v), _) => v.parse().map_err(Error::InvalidApiVersion)?,
            (None, Some(s)) => s.api_version,
            (None, None) => ApiVersion::default(),
        };
        let http = Http::new(server, self.timeouts, self.clock.clone())?;
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
                session: SessionSlot::new(stored),
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
    pub http: Http,
    pub api_version: ApiVersion,
    pub store: Option<SessionStore>,
    pub policy: RenewalPolicy,
    pub expires_in_unit: ExpiresInUnit,
    pub timeouts: Timeouts,
    pub clock: Arc<dyn Clock>,
    /// An API key (and account context) given in memory, not stored.
    pub memory_key: Option<(ApiKey, Option<AccountId>)>,
    /// The session as last seen. Held during renewal, so callers in this process share
    /// one reissue.
    pub session: SessionSlot,
}

/// The session as last seen, behind an async mutex that renewal holds, plus a snapshot of
/// it published whenever the mutex is released (and withdrawn while it is held). A
/// request whose token is fresh reads the snapshot and never queues on the mutex.
#[derive(Debug)]
pub(crate) struct SessionSlot {
    slot: Mutex<Option<Session>>,
    published: RwLock<Option<Arc<Session>>>,
}

impl SessionSlot {
    fn new(session: Option<Session>) -> Self {
        let published = RwLock::new(session.clone().map(Arc::new));
        SessionSlot { slot: Mutex::new(session), published }
    }

    /// Takes the mutex; until the guard is dropped, [`SessionSlot::snapshot`] is `None`.
    pub async fn lock(&self) -> SlotGuard<'_> {
        let guard = self.slot.lock().await;
        *self.published.write().unwrap_or_else(PoisonError::into_inner) = None;
        SlotGuard { guard, published: &self.published }
    }

    /// The session as of the last release of the mutex; `None` while it is held.
    pub fn snapshot(&self) -> Option<Arc<Session>> {
        self.published.read().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

/// The locked session; publishes it as the snapshot when dropped.
pub(crate) struct SlotGuard<'a> {
    guard: MutexGuard<'a, Option<Session>>,
    published: &'a RwLock<Option<Arc<Session>>>,
}

impl Deref for SlotGuard<'_> {
    type Target = Option<Session>;
    fn deref(&self) -> &Self::Target {
        &self.guard
    }
}

impl DerefMut for SlotGuard<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.guard
    }
}

impl Drop for SlotGuard<'_> {
    fn drop(&mut self) {
        let current = self.guard.clone().map(Arc::new);
        *self.published.write().unwrap_or_else(PoisonError::into_inner) = current;
    }
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

    pub(crate) fn profile(&self) -> String {
        self.inner.store.as_ref().map_or(DEFAULT_PROFILE, |s| s.profile()).to_owned()
    }

    pub(crate) fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }

    /// The session as stored, without checking or renewing it. (An in-memory API key's
    /// session is created on first use, which fetches `GET /me`.)
    pub async fn session(&self) -> Result<Session> {
        let mut slot = self.inner.session.lock().await;
        self.init_memory_key(&mut slot).await?;
        self.current(&mut slot).cloned()
    }

    /// Whether the session comes from an in-memory API key rather than the store.
    pub fn is_memory_key(&self) -> bool {
        self.inner.memory_key.is_some()
    }

    /// Creates the session of an in-memory API key, once.
    pub(crate) async fn init_memory_key(&self, slot: &mut Option<Session>) -> Result<()> {
        if let (None, Some((key, account))) = (slot.as_ref(), &self.inner.memory_key) {
            *slot = Some(self.api_key_session(key.clone(), *account).await?);
        }
        Ok(())
    }

    /// The session in `slot`; if there is none, the store is read again so that a corrupt
    /// file is reported as such rather than as a missing session.
    pub(crate) fn current<'s>(&self, slot: &'s mut Option<Session>) -> Result<&'s Session> {
        if slot.is_none() {
            self.reload(slot)?;
        }
        slot.as_ref().ok_or_else(|| Error::NoSession { profile: self.profile() })
    }

    /// Re-reads the stored session into `slot` (no-op without a store).
    pub(crate) fn reload(&self, slot: &mut Option<Session>) -> Result<()> {
        if let Some(store) = &self.inner.store {
            *slot = store.load()?;
        }
        Ok(())
    }

    /// An authenticated request with the session's token and account context, after
    /// [`Client::ensure_fresh`]. Returns any response, error status or not.
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<RawResponse> {
        let session = self.fresh_session().await?;
        let mut call = Call::new(method, path);
        call.auth = Auth::from(&session.auth);
        call.account = session.account_id;
        call.body = body;
        self.inner.http.send_raw(call).await
    }

    /// An authenticated `GET` decoded as `T`.
    pub async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T> {
        self.send_json(Method::GET, path, crate::resources::NO_BODY).await
    }
}
