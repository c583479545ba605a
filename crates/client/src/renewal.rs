//! Keeping the token alive: the freshness check before every call, advisory and
//! mandatory renewal, and the resend of a request whose token someone else reissued.
//!
//! # Concurrency
//!
//! A call whose token is fresh takes no lock: it copies the session from memory, after
//! one `stat` of the session file to notice a reissue by another process.
//!
//! From 2/3 of the lifetime (see [`crate::RenewalPolicy`]) renewal is *advisory*: the
//! call tries to become the renewer — the one task of this process (a mutex, never
//! waited for) holding the profile's file lock (never waited for either). If someone
//! else is renewing, or the reissue fails, the call goes on with the still-valid token;
//! a failure logs one warning and is not retried for a twentieth of the lifetime.
//!
//! In the last minute (or last 10 %) renewal is *mandatory*: the call waits for the
//! renewer (at most [`crate::Timeouts::lock`]), re-reads the session (another process may
//! have renewed it) and reissues if still needed; a failure is an error.
//!
//! A reissue first prepares the new session file (so an unwritable directory fails before
//! the server invalidates anything), is bounded by [`crate::Timeouts::reissue`], and, with
//! [`crate::ClientBuilder::defer_signals`], holds SIGINT/SIGTERM/SIGHUP until the new token
//! is renamed into place.
//!
//! A strict server invalidates the old token at reissue, so a request sent with it by a
//! sibling task or process just before can get 401. Then the session is read again
//! under the profile's lock taken *shared* (which waits for a renewal to be saved and
//! keeps the next one from starting) and, if the token changed, the request is sent once
//! more with the new one, still under that lock, so the token cannot be exchanged while
//! it is in flight. Never more than once.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use armor_core::AccessToken;
use tokio::sync::MutexGuard;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::session::{Credentials, Freshness, Session};
use crate::signals::Shield;
use crate::store::StoreLock;

impl Client {
    /// Checks the session before an authenticated call: expired → removed, and an error
    /// naming the expiry time; renewal due (see [`crate::RenewalPolicy`]) → the token is
    /// reissued first (advisory: on failure the still-valid token is used; mandatory in
    /// the last minute: a failure is an error). Returns the session to use.
    pub async fn ensure_fresh(&self) -> Result<Session> {
        Ok(Session::clone(&*self.fresh().await?))
    }

    /// Like [`Client::ensure_fresh`], but when renewal is due and another task or process
    /// is renewing, waits for it (at most [`crate::Timeouts::lock`]) instead of going on
    /// with the old token: for a token handed to another program (`armor token print`),
    /// which cannot resend on 401. A failed advisory renewal still only warns.
    pub async fn ensure_renewed(&self) -> Result<Session> {
        let session = self.observe().await?;
        let renewed = match session.freshness(&self.renewal_policy(), self.now()) {
            Freshness::Fresh => session,
            Freshness::RenewalDue => {
                let attempt = async {
                    let _writer = self.wait_writer().await?;
                    let _lock = self.lock_store().await?;
                    self.renew_locked().await
                };
                match attempt.await {
                    Ok(renewed) => renewed,
                    Err(e @ (Error::SessionExpired { .. } | Error::NoSession { .. })) => return Err(e),
                    Err(e) => self.advisory_failed(session, e)?,
                }
            }
            Freshness::RenewalRequired | Freshness::Expired => self.renew_required().await?,
        };
        Ok(Session::clone(&renewed))
    }

    /// [`Client::ensure_fresh`] without copying the session.
    pub(crate) async fn fresh(&self) -> Result<Arc<Session>> {
        let session = self.with_keyring_secret(self.observe().await?).await?;
        match session.freshness(&self.renewal_policy(), self.now()) {
            Freshness::Fresh => Ok(session),
            Freshness::RenewalDue => self.renew_advisory(session).await,
            Freshness::RenewalRequired | Freshness::Expired => self.renew_required().await,
        }
    }

    /// `session`, with its API key secret read from the OS credential store if it is kept
    /// there and was not read yet (then remembered in memory).
    async fn with_keyring_secret(&self, session: Arc<Session>) -> Result<Arc<Session>> {
        let Credentials::ApiKey(key) = &session.auth else {
            return Ok(session);
        };
        let Some(entry) = key.needs_secret().cloned() else {
            return Ok(session);
        };
        let secret = crate::keyring::blocking(move || crate::keyring::load_secret(&entry)).await?;
        let mut filled = Session::clone(&session);
        if let Credentials::ApiKey(k) = &mut filled.auth {
            k.secret = secret.into();
        }
        let filled = Arc::new(filled);
        self.remember(filled.clone());
        Ok(filled)
    }

    /// Renews if no one else is, without waiting; on failure warns and keeps `session`
    /// (unless it turned out to be gone or expired meanwhile).
    async fn renew_advisory(&self, session: Arc<Session>) -> Result<Arc<Session>> {
        let now = self.now();
        let backing_off = self.retry_after().is_some_and(|t| now < t);
        if backing_off {
            return Ok(session);
        }
        let Ok(_writer) = self.writer().try_lock() else {
            return Ok(session);
        };
        let lock = match self.store() {
            Some(store) => match store.try_lock() {
                Ok(Some(lock)) => Some(lock),
                Ok(None) => return Ok(session),
                Err(e) => return self.advisory_failed(session, e),
            },
            None => None,
        };
        let result = self.renew_locked().await;
        drop(lock);
        match result {
            Ok(renewed) => Ok(renewed),
            Err(e @ (Error::SessionExpired { .. } | Error::NoSession { .. })) => Err(e),
            Err(e) => self.advisory_failed(session, e),
        }
    }

    /// After a failed advisory renewal: warns and keeps `session`, unless the attempt took
    /// so long (a reissue that hung until its timeout) that renewal is mandatory or the
    /// token expired meanwhile: then the failure is the call's error.
    fn advisory_failed(&self, session: Arc<Session>, e: Error) -> Result<Arc<Session>> {
        let Some(token) = session.token() else {
            return Ok(session);
        };
        if matches!(
            session.freshness(&self.renewal_policy(), self.now()),
            Freshness::RenewalRequired | Freshness::Expired
        ) {
            return Err(e);
        }
        // Try again after a twentieth of the lifetime (at least a second).
        let pause = (token.length() / 20).max(Duration::from_secs(1));
        *self.retry_after_cell().lock().unwrap_or_else(PoisonError::into_inner) =
            Some(crate::session::add(self.now(), pause));
        tracing::warn!(
            "token renewal failed, going on with the current token (valid until {}): {}",
            token.expires_at,
            chain(&e)
        );
        Ok(session)
    }

    fn retry_after(&self) -> Option<jiff::Timestamp> {
        *self.retry_after_cell().lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for the renewer, then renews if still needed; a failure is an error.
    async fn renew_required(&self) -> Result<Arc<Session>> {
        let _writer = self.wait_writer().await?;
        let _lock = self.lock_store().await?;
        self.renew_locked().await
    }

    /// Holding the writer mutex and the file lock: re-reads the session and reissues its
    /// token if it is (still) due. An expired session is removed.
    async fn renew_locked(&self) -> Result<Arc<Session>> {
        let session = self.reload()?.ok_or_else(|| self.no_session())?;
        match session.freshness(&self.renewal_policy(), self.now()) {
            Freshness::Fresh => {
                tracing::debug!("another task or process already renewed the token");
                Ok(session)
            }
            Freshness::Expired => {
                let expired_at = session.token().map_or(jiff::Timestamp::UNIX_EPOCH, |t| t.expires_at);
                if let Some(store) = self.store() {
                    store.remove()?;
                }
                self.set_seen(None, None);
                Err(Error::SessionExpired { expired_at })
            }
            Freshness::RenewalDue | Freshness::RenewalRequired => {
                let Some(token) = session.token().map(|t| t.access_token.clone()) else {
                    return Ok(session);
                };
                self.exchange(&session, &token).await
            }
        }
    }

    /// Holding the writer mutex and the file lock: prepares the save, reissues `token`,
    /// and saves the result, with termination signals deferred from the request to the
    /// rename.
    pub(crate) async fn exchange(&self, session: &Session, token: &AccessToken) -> Result<Arc<Session>> {
        let prepared = self.store().map(|s| s.prepare()).transpose()?;
        let shield = Shield::enter(self.defers_signals());
        let saved = async {
            let renewed = self.reissue(session, token).await?;
            // The old token is dead now: rename first, fsync after, to keep the window in
            // which a kill loses the new token as short as the write and the rename.
            let stamp = prepared.map(|p| p.commit_now(&renewed)).transpose()?;
            Ok::<_, Error>((renewed, stamp))
        }
        .await;
        shield.release().await;
        let (renewed, stamp) = saved?;
        let renewed = Arc::new(renewed);
        self.set_seen(Some(renewed.clone()), stamp);
        *self.retry_after_cell().lock().unwrap_or_else(PoisonError::into_inner) = None;
        Ok(renewed)
    }

    /// After a 401 to a request sent with `sent`: the current session if its token is
    /// another one by now, with a guard that keeps anyone from exchanging that token
    /// until the request is resent. A renewal in progress (between its exchange and its
    /// save) is waited for, at most [`crate::Timeouts::lock`].
    pub(crate) async fn rotated(
        &self,
        sent: &AccessToken,
    ) -> Result<Option<(Arc<Session>, ResendGuard<'_>)>> {
        let changed = |s: &Session| s.token().is_some_and(|t| t.access_token != *sent);
        let guard = match self.store() {
            // Other processes (and tasks) renew under the exclusive lock: a shared one
            // waits for a renewal to be saved and holds off the next one.
            Some(store) => {
                // A renewal by another task of this process holds the writer mutex until
                // its session is saved: wait for that without polling the file lock.
                drop(self.wait_writer().await?);
                ResendGuard {
                    _shared: Some(store.lock_shared_within(self.timeouts().lock).await?),
                    _writer: None,
                }
            }
            // In memory, renewals hold the writer mutex.
            None => ResendGuard { _shared: None, _writer: Some(self.wait_writer().await?) },
        };
        Ok(self.reload().ok().flatten().filter(|s| changed(s)).map(|s| (s, guard)))
    }

    /// The writer mutex of this process, waiting at most [`crate::Timeouts::lock`].
    pub(crate) async fn wait_writer(&self) -> Result<MutexGuard<'_, ()>> {
        let after = self.timeouts().lock;
        tokio::time::timeout(after, self.writer().lock())
            .await
            .map_err(|_| Error::Timeout { what: "another task renewing the token".into(), after })
    }

    /// The profile's file lock (none without a store), waiting at most
    /// [`crate::Timeouts::lock`].
    pub(crate) async fn lock_store(&self) -> Result<Option<StoreLock>> {
        match self.store() {
            Some(store) => store.lock_within(self.timeouts().lock).await.map(Some),
            None => Ok(None),
        }
    }
}

/// Held while a request is resent with a rotated token: no renewal meanwhile.
#[derive(Debug)]
pub(crate) struct ResendGuard<'a> {
    _shared: Option<StoreLock>,
    _writer: Option<MutexGuard<'a, ()>>,
}

/// An error and its causes on one line.
fn chain(e: &Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text.replace(['\n', '\r'], " ")
}
