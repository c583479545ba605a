//! The session lifecycle: login, token reissue (the seed, `Update-ArmorApiToken`),
//! freshness checks with automatic renewal, identity refresh, account context, logout.
//!
//! # Concurrency
//!
//! Renewal is double-checked at two levels. In one process, the session mutex is held
//! across the reissue, so concurrent callers wait and then find the new token. Across
//! processes, the profile's file lock is held around read-reissue-write and the session
//! is re-read after taking it: if another process already reissued, its token is used
//! and no second reissue is sent (the server has invalidated the old token anyway).

use std::sync::Arc;

use armor_core::auth::{
    AuthorizeRequest, AuthorizeResponse, GRANT_AUTHORIZATION_CODE, ReissueRequest, TokenRequest,
    TokenResponse,
};
use armor_core::{AccessToken, AccountId, Me};
use reqwest::Method;
use secrecy::{ExposeSecret, SecretString};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::{Auth, Call};
use crate::session::{ApiKey, Credentials, Freshness, Session, TokenState};
use crate::store::StoreLock;

impl Client {
    /// Signs in with a username and password: `POST /auth/authorize`, `POST /auth/token`,
    /// `GET /me`, then sets the account context to `account` (which must be one of the
    /// user's accounts) or the first account. Replaces any stored session.
    pub async fn login(
        &self,
        username: &str,
        password: SecretString,
        account: Option<AccountId>,
    ) -> Result<Session> {
        let http = &self.inner.http;
        let mut call = Call::new(Method::POST, "/auth/authorize")
            .json(&AuthorizeRequest { username: username.to_owned(), password });
        call.timeout = Some(self.inner.timeouts.login);
        let authorized: AuthorizeResponse = http.send(call).await?;
        let request = TokenRequest { code: authorized.code, grant_type: GRANT_AUTHORIZATION_CODE.into() };
        let tokens: TokenResponse = http.send(Call::new(Method::POST, "/auth/token").json(&request)).await?;
        let now = self.now();
        let token = self.token_state(&tokens, now, now)?;
        let me = self.fetch_me(Auth::Token(&token.access_token), None).await?;
        let session = self.new_session(Credentials::Token(token), me, account)?;
        self.store_login(session).await
    }

    /// Signs in with an API key (ARMOR-PSK): `GET /me`, signed, then sets the account
    /// context like [`Client::login`]. Replaces any stored session.
    pub async fn login_api_key(
        &self,
        key_id: &str,
        secret: SecretString,
        account: Option<AccountId>,
    ) -> Result<Session> {
        let mut key = ApiKey::new(key_id, secret)?;
        key.stored_at = Some(self.now());
        let session = self.api_key_session(key, account).await?;
        self.store_login(session).await
    }

    /// The session of an API key: its identity from a signed `GET /me`.
    pub(crate) async fn api_key_session(&self, key: ApiKey, account: Option<AccountId>) -> Result<Session> {
        let me = self.fetch_me(Auth::Key(&key), None).await?;
        self.new_session(Credentials::ApiKey(key), me, account)
    }

    fn new_session(&self, auth: Credentials, me: Me, account: Option<AccountId>) -> Result<Session> {
        let mut session = Session::new(self.server().to_string(), self.api_version(), auth, me);
        if let Some(id) = account {
            session.set_account(id)?;
        }
        Ok(session)
    }

    async fn store_login(&self, session: Session) -> Result<Session> {
        let mut slot = self.inner.session.lock().await;
        let _lock = self.lock().await?;
        self.save(&session)?;
        *slot = Some(session.clone());
        tracing::info!(user = %session.user.username, account = ?session.account_id, "logged in");
        Ok(session)
    }

    /// Ends the session: removes it from memory and from the store. Returns `false` if
    /// there was no session. (Armor has no logout endpoint; the token simply expires.)
    pub async fn logout(&self) -> Result<bool> {
        let mut slot = self.inner.session.lock().await;
        let _lock = self.lock().await?;
        let had = slot.take().is_some();
        let removed = match &self.inner.store {
            Some(store) => store.remove()?,
            None => false,
        };
        Ok(had || removed)
    }

    /// Exchanges a token for a new one (`POST /auth/token/reissue`) and updates the
    /// session: new token, lifetime and expiry; the start time stays the first login's.
    ///
    /// `token` defaults to the session's. On any failure (network, 401, malformed body or
    /// token) the session is left exactly as it was.
    pub async fn reissue_token(&self, token: Option<AccessToken>) -> Result<Session> {
        let mut slot = self.inner.session.lock().await;
        let _lock = self.lock().await?;
        self.reload(&mut slot)?;
        let session = self.current(&mut slot)?;
        let Some(current) = session.token() else {
            return Err(Error::NotTokenSession { profile: self.profile() });
        };
        let token = token.unwrap_or_else(|| current.access_token.clone());
        let renewed = self.reissue(session, &token).await?;
        self.save(&renewed)?;
        *slot = Some(renewed.clone());
        Ok(renewed)
    }

    /// Checks the session before an authenticated call: expired → removed, and an error
    /// naming the expiry time; renewal due (see [`crate::RenewalPolicy`]) → the token is
    /// reissued first. Returns the session to use.
    pub async fn ensure_fresh(&self) -> Result<Session> {
        self.fresh_session().await.map(Arc::unwrap_or_clone)
    }

    /// [`Client::ensure_fresh`], shared: a fresh token is taken from the published
    /// snapshot without waiting on the session mutex or copying the session.
    pub(crate) async fn fresh_session(&self) -> Result<Arc<Session>> {
        if let Some(session) = self.inner.session.snapshot()
            && session.freshness(&self.inner.policy, self.now()) == Freshness::Fresh
        {
            return Ok(session);
        }
        self.renew_if_due().await.map(Arc::new)
    }

    async fn renew_if_due(&self) -> Result<Session> {
        let mut slot = self.inner.session.lock().await;
        self.init_memory_key(&mut slot).await?;
        let session = self.current(&mut slot)?;
        if session.freshness(&self.inner.policy, self.now()) == Freshness::Fresh {
            return Ok(session.clone());
        }
        // Due or expired: take the cross-process lock and look again.
        let _lock = self.lock().await?;
        self.reload(&mut slot)?;
        let session = self.current(&mut slot)?;
        match session.freshness(&self.inner.policy, self.now()) {
            Freshness::Fresh => {
                tracing::debug!("another process already renewed the token");
                Ok(session.clone())
            }
            Freshness::Expired => {
                let expired_at = session.token().map_or(jiff::Timestamp::UNIX_EPOCH, |t| t.expires_at);
                if let Some(store) = &self.inner.store {
                    store.remove()?;
                }
                *slot = None;
                Err(Error::SessionExpired { expired_at })
            }
            Freshness::RenewalDue => {
                let token = session.token().map(|t| t.access_token.clone());
                let Some(token) = token else {
                    return Ok(session.clone());
                };
                let renewed = self.reissue(session, &token).await?;
                self.save(&renewed)?;
                *slot = Some(renewed.clone());
                Ok(renewed)
            }
        }
    }

    /// `GET /me`: refreshes the session's identity (user, accounts, departments,
    /// permissions, features) and returns it.
    pub async fn whoami(&self) -> Result<Me> {
        let session = self.ensure_fresh().await?;
        let me = self.fetch_me(Auth::from(&session.auth), session.account_id).await?;
        let update = me.clone();
        self.update(move |s| {
            s.set_identity(update);
            Ok(())
        })
        .await?;
        Ok(me)
    }

    /// Sets the account context (it must be one of the session's accounts).
    pub async fn set_account(&self, id: AccountId) -> Result<Session> {
        self.update(|s| s.set_account(id)).await
    }

    /// Applies `change` to the stored session under the lock, re-reading it first so a
    /// concurrent renewal is not lost.
    async fn update(&self, change: impl FnOnce(&mut Session) -> Result<()>) -> Result<Session> {
        let mut slot = self.inner.session.lock().await;
        let _lock = self.lock().await?;
        self.reload(&mut slot)?;
        let mut session = self.current(&mut slot)?.clone();
        change(&mut session)?;
        self.save(&session)?;
        *slot = Some(session.clone());
        Ok(session)
    }

    async fn reissue(&self, session: &Session, token: &AccessToken) -> Result<Session> {
        let body = ReissueRequest { token: SecretString::from(token.expose().to_owned()) };
        let call = Call::new(Method::POST, "/auth/token/reissue").json(&body);
        let tokens: TokenResponse = self.inner.http.send(call).await?;
        let now = self.now();
        let started_at = session.token().map_or(now, |t| t.started_at);
        let state = self.token_state(&tokens, started_at, now)?;
        tracing::info!(expires_at = %state.expires_at, "token reissued");
        let mut renewed = session.clone();
        renewed.auth = Credentials::Token(state);
        Ok(renewed)
    }

    fn token_state(
        &self,
        tokens: &TokenResponse,
        started_at: jiff::Timestamp,
        now: jiff::Timestamp,
    ) -> Result<TokenState> {
        let token = AccessToken::parse(tokens.access_token.expose_secret()).map_err(Error::MalformedToken)?;
        let length = self.inner.expires_in_unit.lifetime(tokens.expires_in, tokens.token_type.as_deref());
        Ok(TokenState::new(token, length, started_at, now))
    }

    async fn fetch_me(&self, auth: Auth<'_>, account: Option<AccountId>) -> Result<Me> {
        let mut call = Call::new(Method::GET, "/me");
        call.auth = auth;
        call.account = account;
        self.inner.http.send(call).await
    }

    async fn lock(&self) -> Result<Option<StoreLock>> {
        match &self.inner.store {
            Some(store) => store.lock().await.map(Some),
            None => Ok(None),
        }
    }

    fn save(&self, session: &Session) -> Result<()> {
        match &self.inner.store {
            Some(store) => store.save(session),
            None => Ok(()),
        }
    }
}
