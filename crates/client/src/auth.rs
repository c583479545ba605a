//! The session lifecycle: login, token reissue (the seed, `Update-ArmorApiToken`),
//! identity refresh, account context, logout. Automatic renewal and the handling of
//! tokens reissued by others are in [`crate::renewal`].

use std::time::Duration;

use ::http::Method;
use armor_core::auth::{AuthorizeRequest, AuthorizeResponse, GRANT_AUTHORIZATION_CODE, TokenRequest};
use armor_core::{AccessToken, AccountId, Me};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::{Auth, Call, check_status};
use crate::session::{ApiKey, Credentials, Session, TokenState};

/// The longest token lifetime accepted (after the `expires_in` unit rule).
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// A token response (`/auth/token`, `/auth/token/reissue`), read loosely so that a bad
/// `expires_in` gets its own clear error.
#[derive(Debug, Deserialize)]
pub(crate) struct TokenReply {
    access_token: SecretString,
    #[serde(default)]
    expires_in: Option<Value>,
    #[serde(default)]
    token_type: Option<Value>,
}

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
        let http = self.http();
        let mut call = Call::new(Method::POST, "/auth/authorize")
            .json(&AuthorizeRequest { username: username.to_owned(), password }.expose_body())?;
        call.timeout = Some(self.timeouts().login);
        let authorized: AuthorizeResponse = http.send(call).await?;
        let request = TokenRequest { code: authorized.code, grant_type: GRANT_AUTHORIZATION_CODE.into() };
        let tokens: TokenReply =
            http.send(Call::new(Method::POST, "/auth/token").json(&request.expose_body())?).await?;
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
        self.login_api_key_with(key_id, secret, account, false).await
    }

    /// Like [`Client::login_api_key`]; with `keyring` the secret is stored in the OS
    /// credential store (see [`crate::keyring`]) and the session file holds only a
    /// reference to it. Nothing is stored if the key does not work or the credential
    /// store cannot be used.
    pub async fn login_api_key_with(
        &self,
        key_id: &str,
        secret: SecretString,
        account: Option<AccountId>,
        keyring: bool,
    ) -> Result<Session> {
        let mut key = ApiKey::new(key_id, secret.clone())?;
        key.stored_at = Some(self.now());
        let mut session = self.api_key_session(key, account).await?;
        if keyring {
            let entry = crate::keyring::KeyringRef::new(&self.profile(), key_id);
            let e = entry.clone();
            crate::keyring::blocking(move || crate::keyring::store_secret(&e, &secret)).await?;
            if let Credentials::ApiKey(k) = &mut session.auth {
                k.keyring = Some(entry);
            }
        }
        self.store_login(session).await
    }

    /// The session of an API key: its identity from a signed `GET /me`.
    pub(crate) async fn api_key_session(&self, key: ApiKey, account: Option<AccountId>) -> Result<Session> {
        let me = self.fetch_me(Auth::Key { key_id: &key.key_id, secret: key.secret.secret() }, None).await?;
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
        let _writer = self.writer().lock().await;
        let _lock = self.lock_store().await?;
        let previous = self.store().and_then(|s| s.load().ok().flatten());
        let stamp = self.save(&session)?;
        self.set_seen(Some(session.clone().into()), stamp);
        // A secret the replaced session kept in the OS credential store is not needed any more.
        if let Some(old) = previous.as_ref().and_then(keyring_ref)
            && keyring_ref(&session) != Some(old)
        {
            let old = old.clone();
            if let Err(e) = crate::keyring::blocking(move || crate::keyring::delete_secret(&old)).await {
                tracing::warn!("{e}");
            }
        }
        // Debug-formatted: the name comes from the server and may hold control characters.
        tracing::info!(user = ?session.user.username, account = ?session.account_id, "logged in");
        Ok(session)
    }

    /// Ends the session: removes it from memory and from the store. Returns `false` if
    /// there was no session. (Armor has no logout endpoint; the token simply expires.)
    pub async fn logout(&self) -> Result<bool> {
        let _writer = self.writer().lock().await;
        let _lock = self.lock_store().await?;
        let stored = self.reload().ok().flatten();
        self.set_seen(None, None);
        let removed = match self.store() {
            Some(store) => store.remove()?,
            None => false,
        };
        if let Some(entry) = stored.as_deref().and_then(keyring_ref).cloned() {
            crate::keyring::blocking(move || crate::keyring::delete_secret(&entry)).await?;
        }
        Ok(stored.is_some() || removed)
    }

    /// Exchanges a token for a new one (`POST /auth/token/reissue`) and updates the
    /// session: new token, lifetime and expiry; the start time stays the first login's.
    ///
    /// `token` defaults to the session's. The new session file is prepared before the
    /// request is sent, so an unwritable sessions directory fails before the server
    /// invalidates anything. On any failure (network, 401, malformed body, token or
    /// lifetime) the session is left exactly as it was.
    pub async fn reissue_token(&self, token: Option<AccessToken>) -> Result<Session> {
        let _writer = self.wait_writer().await?;
        let _lock = self.lock_store().await?;
        let session = self.reload()?.ok_or_else(|| self.no_session())?;
        let Some(current) = session.token() else {
            return Err(Error::NotTokenSession { profile: self.profile() });
        };
        let token = token.unwrap_or_else(|| current.access_token.clone());
        let renewed = self.exchange(&session, &token).await?;
        Ok(Session::clone(&renewed))
    }

    /// `GET /me`: refreshes the session's identity (user, accounts, departments,
    /// permissions, features) and returns it. An unchanged identity is not written, so
    /// this takes no lock unless something changed.
    pub async fn whoami(&self) -> Result<Me> {
        let raw = self.request_raw(Method::GET, "/me", None).await?;
        check_status("GET", "/me", &raw)?;
        let me: Me = self.http().decode("GET", "/me", &raw.body)?;
        let current = self.observe().await?;
        let mut updated = Session::clone(&current);
        updated.set_identity(me.clone());
        if updated != *current {
            let fresh = me.clone();
            self.update(move |s| {
                s.set_identity(fresh);
                Ok(())
            })
            .await?;
        }
        Ok(me)
    }

    /// Sets the account context (it must be one of the session's accounts).
    pub async fn set_account(&self, id: AccountId) -> Result<Session> {
        self.update(|s| s.set_account(id)).await
    }

    /// Applies `change` to the stored session under the lock (waiting for it at most
    /// [`crate::Timeouts::lock`]), re-reading it first so a concurrent renewal is not lost.
    async fn update(&self, change: impl FnOnce(&mut Session) -> Result<()>) -> Result<Session> {
        let _writer = self.wait_writer().await?;
        let _lock = self.lock_store().await?;
        let current = self.reload()?.ok_or_else(|| self.no_session())?;
        let mut session = Session::clone(&current);
        change(&mut session)?;
        let stamp = self.save(&session)?;
        self.set_seen(Some(session.clone().into()), stamp);
        Ok(session)
    }

    /// `POST /auth/token/reissue` with `token`; the session with the new token (not yet
    /// saved).
    pub(crate) async fn reissue(&self, session: &Session, token: &AccessToken) -> Result<Session> {
        let body = armor_core::auth::ReissueRequest { token: SecretString::from(token.expose().to_owned()) };
        let mut call = Call::new(Method::POST, "/auth/token/reissue").json(&body.expose_body())?;
        call.timeout = Some(self.timeouts().reissue);
        let tokens: TokenReply = self.http().send(call).await?;
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
        tokens: &TokenReply,
        started_at: jiff::Timestamp,
        now: jiff::Timestamp,
    ) -> Result<TokenState> {
        let token = AccessToken::parse(tokens.access_token.expose_secret()).map_err(Error::MalformedToken)?;
        let length = lifetime(self.expires_in_unit(), tokens)?;
        Ok(TokenState::new(token, length, started_at, now))
    }

    async fn fetch_me(&self, auth: Auth<'_>, account: Option<AccountId>) -> Result<Me> {
        let mut call = Call::new(Method::GET, "/me");
        call.auth = auth;
        call.account = account;
        self.http().send(call).await
    }

    fn save(&self, session: &Session) -> Result<Option<crate::store::FileStamp>> {
        match self.store() {
            Some(store) => store.save(session).map(Some),
            None => Ok(None),
        }
    }
}

/// The token lifetime a response describes: `expires_in` read by the unit rule, and
/// refused unless it is a whole number of at least 1 giving at most 24 hours.
fn lifetime(unit: armor_core::ExpiresInUnit, reply: &TokenReply) -> Result<Duration> {
    let bad = |why: String| Err(Error::BadLifetime(why));
    // A number written as a string (ASP.NET servers do that) is read as the number.
    let numeric = match &reply.expires_in {
        Some(Value::String(s)) => s.trim().parse::<serde_json::Number>().ok().map(Value::Number),
        _ => None,
    };
    let raw = match numeric.as_ref().or(reply.expires_in.as_ref()) {
        None | Some(Value::Null) => return bad("is missing".into()),
        Some(Value::Number(n)) => match (n.as_u64(), n.as_f64()) {
            (Some(v), _) => v,
            (None, Some(f)) if f < 0.0 => return bad(format!("{n} is negative")),
            // Whole, written as a float; beyond u64 it saturates (and is refused below).
            (None, Some(f)) if f.fract() == 0.0 => f as u64,
            _ => return bad(format!("{n} is not a whole number")),
        },
        Some(other) => {
            let kind = match other {
                Value::String(_) => "a string",
                Value::Bool(_) => "a boolean",
                Value::Array(_) => "an array",
                _ => "an object",
            };
            return bad(format!("is {kind}, not a number"));
        }
    };
    if raw == 0 {
        return bad("is 0".into());
    }
    let token_type = reply.token_type.as_ref().and_then(Value::as_str);
    let length = unit.lifetime(raw, token_type);
    if length > MAX_TOKEN_LIFETIME {
        let shown = reply.expires_in.as_ref().map_or_else(String::new, Value::to_string);
        return bad(format!(
            "{shown} means {} s ({} rule), more than 24 hours",
            length.as_secs(),
            unit.as_str()
        ));
    }
    Ok(length)
}

/// The OS credential store entry of a session's API key secret, if it has one.
fn keyring_ref(s: &Session) -> Option<&crate::keyring::KeyringRef> {
    match &s.auth {
        Credentials::ApiKey(k) => k.keyring.as_ref(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use armor_core::ExpiresInUnit;

    use super::*;

    fn reply(expires_in: &str, token_type: &str) -> TokenReply {
        serde_json::from_str(&format!(
            r#"{{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab","expires_in":{expires_in},"token_type":{token_type}}}"#
        ))
        .unwrap()
    }

    fn check(expires_in: &str, token_type: &str) -> std::result::Result<u64, String> {
        lifetime(ExpiresInUnit::Auto, &reply(expires_in, token_type))
            .map(|d| d.as_secs())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn usable_lifetimes() {
        assert_eq!(check("15", r#""Bearer""#), Ok(900));
        assert_eq!(check("900", r#""FH-AUTH""#), Ok(900));
        assert_eq!(check("900.0", "null"), Ok(900), "a whole number written as a float");
        assert_eq!(check(r#"" 15 ""#, r#""Bearer""#), Ok(900), "a number written as a string");
        assert_eq!(check("1440", r#""Bearer""#), Ok(1440), "more than 60: seconds");
        assert_eq!(check("86400", r#""FH-AUTH""#), Ok(86_400), "exactly a day");
        assert_eq!(check("60", "42"), Ok(3600), "a token type that is not text is ignored");
    }

    #[test]
    fn unusable_lifetimes_are_refused_clearly() {
        let refused = |e: &str, t: &str, needle: &str| {
            let err = check(e, t).unwrap_err();
            assert!(err.contains(needle) && err.contains("session was not changed"), "{e}: {err}");
        };
        refused("null", "null", "is missing");
        refused("0", "null", "is 0");
        refused("-1", "null", "-1 is negative");
        refused("-0.5", "null", "negative");
        refused("15.5", "null", "not a whole number");
        refused(r#""soon""#, "null", "a string, not a number");
        refused(r#""0""#, "null", "is 0");
        refused("true", "null", "a boolean");
        refused("[15]", "null", "an array");
        refused("86401", r#""FH-AUTH""#, "more than 24 hours");
        refused("1000000000000", "null", "more than 24 hours");
        refused("18446744073709551615", "null", "more than 24 hours");
        refused("1e300", "null", "more than 24 hours");
        let minutes = lifetime(ExpiresInUnit::Minutes, &reply("1441", "null")).unwrap_err().to_string();
        assert!(minutes.contains("1441 means 86460 s (minutes rule)"), "{minutes}");
        let missing: TokenReply =
            serde_json::from_str(r#"{"access_token":"2261bac252204c2ea93ed32ea1ffd3ab"}"#).unwrap();
        assert!(lifetime(ExpiresInUnit::Auto, &missing).unwrap_err().to_string().contains("is missing"));
    }
}
