//! Emulator settings: address, lifetimes, demo credentials, clock.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use armor_core::{Clock, SystemClock};

use crate::faults::FaultRule;

/// The unit the emulator reports `expires_in` in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TokenUnit {
    /// Minutes with token type `Bearer`, as the v1 API does (`15`).
    #[default]
    Minutes,
    /// Seconds with token type `FH-AUTH`, as the published contract documents (`900`).
    Seconds,
}

/// A fault injected into `POST /auth/token/reissue`, to test clients against it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReissueFault {
    /// Apply the reissue (the old token stops working, subject to the grace period), then
    /// drop the connection without answering: the client never learns the new token.
    Drop,
    /// Answer `500 Internal Server Error` without reissuing.
    Error,
    /// Never answer (the client's timeout ends the request); nothing is reissued.
    Hang,
}

impl ReissueFault {
    /// Its name, as `--reissue-fault` takes it and the stats count it
    /// (`reissue-fault=NAME`).
    pub fn name(self) -> &'static str {
        match self {
            ReissueFault::Drop => "drop",
            ReissueFault::Error => "error",
            ReissueFault::Hang => "hang",
        }
    }
}

/// How the emulator behaves. [`EmulatorConfig::default`] matches the real API.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to bind; port 0 picks a free one. Default `127.0.0.1:0`.
    pub listen: SocketAddr,
    /// Access token lifetime. Default 900 s.
    pub token_ttl: Duration,
    /// Authorization code lifetime. Default 120 s.
    pub code_ttl: Duration,
    /// Unit of `expires_in` in token responses. Default minutes.
    pub expires_in_unit: TokenUnit,
    /// The demo user's name (an e-mail address).
    pub demo_username: String,
    /// The demo user's password.
    pub demo_password: String,
    /// The demo API key's id (ARMOR-PSK).
    pub demo_api_key_id: String,
    /// The demo API key's secret.
    pub demo_api_key_secret: String,
    /// Keep a token valid after it was reissued (the default invalidates it).
    pub keep_old_tokens: bool,
    /// How long a reissued token stays valid after the reissue (capped at its expiry).
    /// Default 0: it stops working at once, as a strict server does.
    pub reissue_grace: Duration,
    /// A fault injected into reissues. Default none.
    pub reissue_fault: Option<ReissueFault>,
    /// How many reissues get [`EmulatorConfig::reissue_fault`]; `None`: all of them.
    pub reissue_fault_count: Option<u32>,
    /// Failed logins per username within a minute before `/auth/authorize` answers 429.
    pub max_failed_logins: u32,
    /// How long a power action or a new VM takes to reach its state. Default 2 s.
    pub power_delay: Duration,
    /// Serve `GET /me` with PascalCase names, `User` as a one-element list and `Links`
    /// an empty string, as recorded from the original module. Default: the contract's
    /// camelCase.
    pub pascal_case_me: bool,
    /// Mutate every JSON success response with this seed (see [`crate::mutate`]).
    pub mutate_responses: Option<u64>,
    /// Fault rules applied before routing (see [`FaultRule`]). Default none.
    pub faults: Vec<FaultRule>,
    /// The seed of the generator that decides when fault rules fire. Default 1.
    pub fault_seed: u64,
    /// The most connections open at once; at the limit the oldest idle one is closed to
    /// make room. Default 1024.
    pub max_connections: usize,
    /// How long a client may take to send a request's headers, and then its body (a body
    /// late by more is answered `408`). Default 10 s.
    pub header_timeout: Duration,
    /// Where time comes from.
    pub clock: Arc<dyn Clock>,
}

impl EmulatorConfig {
    /// The default demo username.
    pub const DEMO_USERNAME: &'static str = "demo@armor.example";
    /// The default demo password.
    pub const DEMO_PASSWORD: &'static str = "demo-password";
    /// The default demo API key id.
    pub const DEMO_API_KEY_ID: &'static str = "6f1f7c0e-3b8d-4c51-9a0e-2d5b8c1e4a70";
    /// The default demo API key secret.
    pub const DEMO_API_KEY_SECRET: &'static str = "demo-api-key-secret";

    /// Checks that the settings can be served as asked.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let ttl = self.token_ttl.as_secs();
        if ttl == 0 || self.token_ttl.subsec_nanos() != 0 {
            return Err(ConfigError::TokenTtl);
        }
        if self.expires_in_unit == TokenUnit::Minutes && !ttl.is_multiple_of(60) {
            return Err(ConfigError::TtlNotMinutes(ttl));
        }
        if self.code_ttl.is_zero() {
            return Err(ConfigError::CodeTtl);
        }
        if self.demo_username.trim().is_empty() || self.demo_password.is_empty() {
            return Err(ConfigError::DemoCredentials);
        }
        let id = &self.demo_api_key_id;
        if id.is_empty()
            || id.contains(':')
            || id.contains(char::is_whitespace)
            || self.demo_api_key_secret.is_empty()
        {
            return Err(ConfigError::DemoApiKey);
        }
        if self.max_connections == 0 {
            return Err(ConfigError::MaxConnections);
        }
        if self.header_timeout.is_zero() {
            return Err(ConfigError::HeaderTimeout);
        }
        Ok(())
    }

    /// The `token_type` token responses carry: `Bearer` with minutes (as the v1 API),
    /// `FH-AUTH` with seconds (as the published contract).
    pub fn token_type(&self) -> &'static str {
        match self.expires_in_unit {
            TokenUnit::Minutes => "Bearer",
            TokenUnit::Seconds => "FH-AUTH",
        }
    }

    /// The `expires_in` value token responses carry.
    pub fn expires_in(&self) -> u64 {
        match self.expires_in_unit {
            TokenUnit::Minutes => self.token_ttl.as_secs() / 60,
            TokenUnit::Seconds => self.token_ttl.as_secs(),
        }
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            token_ttl: Duration::from_secs(900),
            code_ttl: Duration::from_secs(120),
            expires_in_unit: TokenUnit::Minutes,
            demo_username: Self::DEMO_USERNAME.into(),
            demo_password: Self::DEMO_PASSWORD.into(),
            demo_api_key_id: Self::DEMO_API_KEY_ID.into(),
            demo_api_key_secret: Self::DEMO_API_KEY_SECRET.into(),
            keep_old_tokens: false,
            reissue_grace: Duration::ZERO,
            reissue_fault: None,
            reissue_fault_count: None,
            max_failed_logins: 5,
            power_delay: Duration::from_secs(2),
            pascal_case_me: false,
            mutate_responses: None,
            faults: Vec::new(),
            fault_seed: 1,
            max_connections: 1024,
            header_timeout: Duration::from_secs(10),
            clock: Arc::new(SystemClock),
        }
    }
}

/// Settings the emulator cannot serve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The token lifetime is zero or not whole seconds.
    #[error("the token lifetime must be a whole number of seconds above 0")]
    TokenTtl,
    /// The token lifetime cannot be reported in minutes.
    #[error(
        "a token lifetime of {0} s cannot be reported in minutes; use a multiple of 60 or report seconds"
    )]
    TtlNotMinutes(u64),
    /// The code lifetime is zero.
    #[error("the authorization code lifetime must be above 0")]
    CodeTtl,
    /// Empty demo username or password.
    #[error("the demo username and password must not be empty")]
    DemoCredentials,
    /// No connection allowed.
    #[error("the connection limit must be at least 1")]
    MaxConnections,
    /// A zero header timeout.
    #[error("the header timeout must be above 0")]
    HeaderTimeout,
    /// An unusable demo API key.
    #[error("the demo API key id must be non-empty without colons or spaces, and its secret non-empty")]
    DemoApiKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_report_minutes() {
        let c = EmulatorConfig::default();
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.expires_in(), 15);
    }

    #[test]
    fn short_ttls_need_seconds() {
        let mut c = EmulatorConfig { token_ttl: Duration::from_secs(6), ..Default::default() };
        assert_eq!(c.validate(), Err(ConfigError::TtlNotMinutes(6)));
        c.expires_in_unit = TokenUnit::Seconds;
        assert_eq!(c.validate(), Ok(()));
        assert_eq!(c.expires_in(), 6);
    }
}
