//! The session: server, API version, credentials, lifetime, identity, account context,
//! and the renewal policy that decides when its token is reissued.

use std::time::Duration;

use std::fmt;

use armor_core::{AccessToken, Account, AccountId, ApiVersion, Me, User};
use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::keyring::KeyringRef;

/// The current session file format.
pub const FORMAT: u32 = 1;

/// A signed-in Armor session, as kept in memory and in the session file.
///
/// `Debug` never shows the token or the API key secret, and it does not implement
/// `Serialize`: secrets are written only by [`SessionStore`](crate::SessionStore) in its
/// own private file format.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Session {
    /// Session file format, [`FORMAT`].
    pub format: u32,
    /// The server's base URL.
    pub server: String,
    /// The API version.
    pub api_version: ApiVersion,
    /// How requests authenticate: an FH-AUTH token, or an API key.
    pub auth: Credentials,
    /// The signed-in user.
    pub user: User,
    /// The user's accounts.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// The user's departments, as the server sent them.
    #[serde(default)]
    pub departments: Vec<Value>,
    /// The user's permissions, as the server sent them.
    #[serde(default)]
    pub permissions: Value,
    /// The user's features, as the server sent them.
    #[serde(default)]
    pub features: Vec<Value>,
    /// The account context sent as `X-Account-Context`.
    pub account_id: Option<AccountId>,
}

/// How a session authenticates its requests.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Credentials {
    /// An FH-AUTH access token, reissued before it expires.
    Token(TokenState),
    /// An ARMOR-PSK API key: every request is signed; nothing expires.
    ApiKey(ApiKey),
}

impl Credentials {
    /// `token` or `api_key`, as in the session file and `armor status`.
    pub fn mode(&self) -> &'static str {
        match self {
            Credentials::Token(_) => "token",
            Credentials::ApiKey(_) => "api_key",
        }
    }
}

/// An API key (ARMOR-PSK). `Debug` never shows the secret.
///
/// With [`ApiKey::keyring`] set, the secret lives in the OS credential store: the session
/// file holds only the reference, and the secret is read from the store when a request
/// needs it (until then it is empty).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct ApiKey {
    /// The key id (a UUID in Armor's portal).
    pub key_id: String,
    /// The secret key (empty until read when it lives in the OS credential store).
    #[serde(default)]
    pub secret: ApiSecret,
    /// When the key was stored (login), if it was.
    #[serde(default)]
    pub stored_at: Option<Timestamp>,
    /// The OS credential store entry holding the secret, if it is kept there.
    #[serde(default)]
    pub keyring: Option<KeyringRef>,
}

impl ApiKey {
    /// Where the secret is: `keyring` (the OS credential store) or `session_file`.
    pub fn secret_location(&self) -> &'static str {
        if self.keyring.is_some() { "keyring" } else { "session_file" }
    }

    /// Whether the secret still has to be read from the OS credential store.
    pub(crate) fn needs_secret(&self) -> Option<&KeyringRef> {
        self.keyring.as_ref().filter(|_| self.secret.expose().is_empty())
    }
}

impl ApiKey {
    /// A key from its id and secret. Both must be non-empty; the id has no colon.
    pub fn new(key_id: &str, secret: SecretString) -> Result<Self> {
        if key_id.is_empty()
            || key_id.contains(':')
            || key_id.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::InvalidApiKey("the key id must be non-empty, without colons or white space"));
        }
        if secret.expose_secret().is_empty() {
            return Err(Error::InvalidApiKey("the secret is empty"));
        }
        Ok(ApiKey { key_id: key_id.to_owned(), secret: ApiSecret(secret), stored_at: None, keyring: None })
    }
}

/// An API key secret: redacted in `Debug`, written only to the session file.
#[derive(Clone, Default)]
pub struct ApiSecret(SecretString);

impl From<SecretString> for ApiSecret {
    fn from(s: SecretString) -> Self {
        ApiSecret(s)
    }
}

impl ApiSecret {
    /// The secret, still wrapped (for the transport).
    pub(crate) fn secret(&self) -> &SecretString {
        &self.0
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for ApiSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiSecret(<redacted>)")
    }
}

impl PartialEq for ApiSecret {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}

impl<'de> Deserialize<'de> for ApiSecret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        SecretString::deserialize(d).map(ApiSecret)
    }
}

/// An FH-AUTH token and its lifetime.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct TokenState {
    /// The access token.
    pub access_token: AccessToken,
    /// The lifetime the server gave the current token, in seconds.
    pub length_secs: u64,
    /// When the session was first started (login); reissue keeps it.
    pub started_at: Timestamp,
    /// When the current token was issued.
    pub issued_at: Timestamp,
    /// When the current token expires.
    pub expires_at: Timestamp,
}

impl TokenState {
    /// A token issued at `now`, living `length`.
    pub fn new(access_token: AccessToken, length: Duration, started_at: Timestamp, now: Timestamp) -> Self {
        TokenState {
            access_token,
            length_secs: length.as_secs(),
            started_at,
            issued_at: now,
            expires_at: add(now, length),
        }
    }

    /// The token's lifetime.
    pub fn length(&self) -> Duration {
        Duration::from_secs(self.length_secs)
    }
}

impl Session {
    /// A new session from a login: `me` is the `/me` response.
    pub fn new(server: String, api_version: ApiVersion, auth: Credentials, me: Me) -> Self {
        let mut s = Session {
            format: FORMAT,
            server,
            api_version,
            auth,
            user: me.user.clone(),
            accounts: Vec::new(),
            departments: Vec::new(),
            permissions: Value::Null,
            features: Vec::new(),
            account_id: None,
        };
        s.set_identity(me);
        s
    }

    /// Replaces the identity (user, accounts, departments, permissions, features) with a
    /// fresh `/me` response. The account context is kept if still valid, else the first.
    pub fn set_identity(&mut self, me: Me) {
        self.user = me.user;
        self.accounts = me.accounts;
        self.departments = me.departments;
        self.permissions = me.permissions;
        self.features = me.features;
        let keep = self.account_id.filter(|id| self.has_account(*id));
        self.account_id = keep.or_else(|| self.accounts.first().map(|a| a.id));
    }

    /// The FH-AUTH token state, unless the session uses an API key.
    pub fn token(&self) -> Option<&TokenState> {
        match &self.auth {
            Credentials::Token(t) => Some(t),
            Credentials::ApiKey(_) => None,
        }
    }

    /// Where the session stands: API-key sessions are always fresh.
    pub fn freshness(&self, policy: &RenewalPolicy, now: Timestamp) -> Freshness {
        self.token().map_or(Freshness::Fresh, |t| policy.freshness(t, now))
    }

    /// Whether `id` is one of the session's accounts.
    pub fn has_account(&self, id: AccountId) -> bool {
        self.accounts.iter().any(|a| a.id == id)
    }

    /// Sets the account context; it must be one of the session's accounts.
    pub fn set_account(&mut self, id: AccountId) -> Result<()> {
        if !self.has_account(id) {
            return Err(Error::UnknownAccount { id, valid: self.accounts.iter().map(|a| a.id).collect() });
        }
        self.account_id = Some(id);
        Ok(())
    }

    /// The account context, if any.
    pub fn account(&self) -> Option<&Account> {
        let id = self.account_id?;
        self.accounts.iter().find(|a| a.id == id)
    }
}

/// Where a session stands in its lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Usable as is.
    Fresh,
    /// Usable, and its token should be reissued first; if that fails, the still-valid
    /// token is used (advisory renewal).
    RenewalDue,
    /// About to expire: its token must be reissued first, and a failure is an error
    /// (mandatory renewal).
    RenewalRequired,
    /// Past its expiry.
    Expired,
}

/// When to reissue a token: once less than `remaining_fraction` of its lifetime is left.
///
/// The default, as in the original module, is 2/3: a 15-minute token is reissued by the
/// first call made after 5 minutes. That renewal is *advisory*: if the reissue fails, the
/// call goes on with the still-valid token. In the last minute of the lifetime (the last
/// 10 % for tokens shorter than ten minutes) it is *mandatory*: a failure is an error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenewalPolicy {
    remaining_fraction: f64,
}

impl Default for RenewalPolicy {
    fn default() -> Self {
        RenewalPolicy { remaining_fraction: 2.0 / 3.0 }
    }
}

impl RenewalPolicy {
    /// A policy that renews once less than `remaining_fraction` (0 < f ≤ 1) is left.
    pub fn new(remaining_fraction: f64) -> Result<Self> {
        if remaining_fraction > 0.0 && remaining_fraction <= 1.0 {
            Ok(RenewalPolicy { remaining_fraction })
        } else {
            Err(Error::InvalidRenewalPolicy(remaining_fraction))
        }
    }

    /// The fraction of the lifetime below which a token is renewed.
    pub fn remaining_fraction(&self) -> f64 {
        self.remaining_fraction
    }

    /// When renewal becomes due for `token`.
    pub fn renew_after(&self, token: &TokenState) -> Timestamp {
        let keep = token.length().mul_f64(self.remaining_fraction);
        sub(token.expires_at, keep)
    }

    /// From when renewal is mandatory for `token`: the last minute of its lifetime, or
    /// the last 10 % if that is shorter.
    pub fn required_after(&self, token: &TokenState) -> Timestamp {
        let keep = (token.length() / 10).min(Duration::from_secs(60));
        sub(token.expires_at, keep)
    }

    /// Where `token` stands at `now`.
    pub fn freshness(&self, token: &TokenState, now: Timestamp) -> Freshness {
        if now >= token.expires_at {
            Freshness::Expired
        } else if now >= self.required_after(token) {
            Freshness::RenewalRequired
        } else if now >= self.renew_after(token) {
            Freshness::RenewalDue
        } else {
            Freshness::Fresh
        }
    }
}

fn span(d: Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}

pub(crate) fn add(t: Timestamp, d: Duration) -> Timestamp {
    t.saturating_add(span(d)).unwrap_or(Timestamp::MAX)
}

fn sub(t: Timestamp, d: Duration) -> Timestamp {
    t.saturating_sub(span(d)).unwrap_or(Timestamp::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(start: i64, len: u64) -> TokenState {
        let t = Timestamp::from_second(start).unwrap();
        TokenState::new(
            AccessToken::parse("2261bac252204c2ea93ed32ea1ffd3ab").unwrap(),
            Duration::from_secs(len),
            t,
            t,
        )
    }

    #[test]
    fn default_policy_renews_after_a_third() {
        let p = RenewalPolicy::default();
        let t = token(1000, 900);
        let at = |s| Timestamp::from_second(s).unwrap();
        assert_eq!(p.renew_after(&t), at(1300));
        assert_eq!(p.freshness(&t, at(1299)), Freshness::Fresh);
        assert_eq!(p.freshness(&t, at(1300)), Freshness::RenewalDue);
        assert_eq!(p.freshness(&t, at(1839)), Freshness::RenewalDue);
        assert_eq!(p.freshness(&t, at(1840)), Freshness::RenewalRequired, "the last minute");
        assert_eq!(p.freshness(&t, at(1899)), Freshness::RenewalRequired);
        assert_eq!(p.freshness(&t, at(1900)), Freshness::Expired);
    }

    #[test]
    fn short_tokens_must_renew_in_their_last_tenth() {
        let p = RenewalPolicy::default();
        let t = token(0, 30);
        let at = |s| Timestamp::from_second(s).unwrap();
        assert_eq!(p.freshness(&t, at(9)), Freshness::Fresh);
        assert_eq!(p.freshness(&t, at(10)), Freshness::RenewalDue);
        assert_eq!(p.freshness(&t, at(26)), Freshness::RenewalDue);
        assert_eq!(p.freshness(&t, at(27)), Freshness::RenewalRequired);
        assert_eq!(p.freshness(&t, at(30)), Freshness::Expired);
    }

    #[test]
    fn policy_is_configurable_and_checked() {
        let p = RenewalPolicy::new(0.5).unwrap();
        assert_eq!(p.renew_after(&token(0, 100)).as_second(), 50);
        assert!(RenewalPolicy::new(0.0).is_err());
        assert!(RenewalPolicy::new(1.5).is_err());
        assert!(RenewalPolicy::new(f64::NAN).is_err());
    }

    #[test]
    fn account_context_must_be_known() {
        let me =
            Me::new(User::new("a@b.c", "A", "B", 1), vec![Account::new(5, "five"), Account::new(6, "six")]);
        let mut s = Session::new("https://x".into(), ApiVersion::V1_0, Credentials::Token(token(0, 900)), me);
        assert_eq!(s.account_id, Some(AccountId(5)));
        s.set_account(AccountId(6)).unwrap();
        let err = s.set_account(AccountId(7)).unwrap_err().to_string();
        assert!(err.contains("5, 6"), "{err}");
        assert_eq!(s.account_id, Some(AccountId(6)));
    }

    #[test]
    fn debug_hides_the_token() {
        let me = Me::new(User::new("a@b.c", "A", "B", 1), vec![]);
        let s =
            Session::new("https://x".into(), ApiVersion::V1_0, Credentials::Token(token(0, 900)), me.clone());
        assert!(!format!("{s:?}").contains("2261bac2"));
        let key = ApiKey::new("key-1", SecretString::from("s3cr3t-value")).unwrap();
        let s = Session::new("https://x".into(), ApiVersion::V1_0, Credentials::ApiKey(key), me);
        assert!(!format!("{s:?}").contains("s3cr3t-value"));
        let json = String::from_utf8(crate::session_file::encode(&s).unwrap()).unwrap();
        assert!(json.contains(r#""mode": "api_key""#) && json.contains("s3cr3t-value"), "{json}");
        assert_eq!(serde_json::from_str::<Session>(&json).unwrap(), s);
    }

    #[test]
    fn a_keyring_secret_is_never_written() {
        let me = Me::new(User::new("a@b.c", "A", "B", 1), vec![]);
        let mut key = ApiKey::new("key-1", SecretString::from("s3cr3t-value")).unwrap();
        key.keyring = Some(KeyringRef::new("p", "key-1"));
        let s = Session::new("https://x".into(), ApiVersion::V1_0, Credentials::ApiKey(key), me);
        let json = String::from_utf8(crate::session_file::encode(&s).unwrap()).unwrap();
        assert!(!json.contains("s3cr3t-value") && json.contains(r#""user": "p:key-1""#), "{json}");
        let back: Session = serde_json::from_str(&json).unwrap();
        let Credentials::ApiKey(k) = &back.auth else { panic!() };
        assert_eq!(k.needs_secret(), Some(&KeyringRef::new("p", "key-1")));
    }
}
