//! Resolves the global options into a session store and a [`Client`].

use std::path::PathBuf;

use anyhow::{Context as _, Result, anyhow, bail};
use armor_client::core::{AccountId, ExpiresInUnit};
use armor_client::{CaBundle, Client, SessionStore, Settings};
use secrecy::SecretString;

use crate::args::{Format, Global};

/// What every command needs: where sessions live, which profile, how to talk.
#[derive(Debug, Clone)]
pub struct Context {
    pub config_dir: PathBuf,
    pub profile: String,
    pub server: Option<String>,
    pub api_version: Option<armor_client::core::ApiVersion>,
    pub expires_in_unit: ExpiresInUnit,
    pub format: Format,
    /// The largest response body read (`ARMOR_MAX_RESPONSE_BYTES`, default 32 MiB).
    pub max_response_bytes: u64,
    /// The most JSON values a response body may hold (`ARMOR_MAX_RESPONSE_VALUES`,
    /// default 400,000).
    pub max_response_values: u64,
    /// An API key from `ARMOR_API_KEY_ID` + `ARMOR_API_KEY_SECRET`, used without storing.
    pub env_key: Option<EnvKey>,
    /// Extra trusted CAs from `--ca-cert` / `ARMOR_CA_BUNDLE`.
    pub ca: CaBundle,
}

/// An API key given in the environment, with its optional account context.
#[derive(Debug, Clone)]
pub struct EnvKey {
    pub key_id: String,
    pub secret: SecretString,
    pub account: Option<AccountId>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl EnvKey {
    fn from_env() -> Result<Option<EnvKey>> {
        match (env("ARMOR_API_KEY_ID"), env("ARMOR_API_KEY_SECRET")) {
            (None, None) => Ok(None),
            (Some(key_id), Some(secret)) => {
                let account = env("ARMOR_ACCOUNT_ID").map(|a| a.parse::<AccountId>()).transpose()?;
                Ok(Some(EnvKey { key_id, secret: SecretString::from(secret), account }))
            }
            (Some(_), None) => {
                bail!("ARMOR_API_KEY_ID is set but ARMOR_API_KEY_SECRET is not; set both or neither")
            }
            (None, Some(_)) => {
                bail!("ARMOR_API_KEY_SECRET is set but ARMOR_API_KEY_ID is not; set both or neither")
            }
        }
    }
}

impl Context {
    pub fn from_global(g: &Global) -> Result<Context> {
        let config_dir = match &g.config_dir {
            Some(dir) => dir.clone(),
            None => armor_client::default_config_dir().ok_or_else(|| {
                anyhow!(
                    "cannot find a config directory (no home directory); set --config-dir or ARMOR_CONFIG_DIR"
                )
            })?,
        };
        let profile = Settings::resolve_profile(&config_dir, g.profile.as_deref())?;
        if let Some(v) = &g.api_version {
            v.parse::<armor_client::core::ApiVersion>()?;
        }
        // Rarely needed (see the README), so an environment variable rather than a flag.
        let expires_in_unit = match std::env::var("ARMOR_EXPIRES_IN_UNIT") {
            Ok(v) if !v.is_empty() => v.parse().map_err(|e: String| anyhow!("ARMOR_EXPIRES_IN_UNIT: {e}"))?,
            _ => ExpiresInUnit::Auto,
        };
        let max_response_bytes = match env("ARMOR_MAX_RESPONSE_BYTES") {
            Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                anyhow!("ARMOR_MAX_RESPONSE_BYTES: expected a number of bytes above 0, got {v:?}")
            })?,
            None => armor_client::DEFAULT_MAX_RESPONSE_BYTES,
        };
        let max_response_values = match env("ARMOR_MAX_RESPONSE_VALUES") {
            Some(v) => v.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                anyhow!("ARMOR_MAX_RESPONSE_VALUES: expected a number of JSON values above 0, got {v:?}")
            })?,
            None => armor_client::DEFAULT_MAX_RESPONSE_VALUES,
        };
        let ca = match g.ca_cert.as_deref().filter(|p| !p.as_os_str().is_empty()) {
            Some(path) => CaBundle::from_pem_file(path)?,
            None => CaBundle::default(),
        };
        Ok(Context {
            max_response_bytes,
            max_response_values,
            ca,
            config_dir,
            profile,
            env_key: EnvKey::from_env()?,
            server: g.server.clone().filter(|s| !s.is_empty()),
            api_version: g.api_version.as_deref().filter(|s| !s.is_empty()).map(str::parse).transpose()?,
            expires_in_unit,
            format: g.output,
        })
    }

    pub fn store(&self) -> Result<SessionStore> {
        Ok(SessionStore::new(&self.config_dir, &self.profile)?)
    }

    /// Server, API version, unit and limit settings shared by every client.
    fn base(&self) -> armor_client::ClientBuilder {
        // A signal between a token exchange and its save would strand the session.
        let mut b = Client::builder()
            .expires_in_unit(self.expires_in_unit)
            .max_response_bytes(self.max_response_bytes)
            .max_response_values(self.max_response_values)
            .ca_bundle(self.ca.clone())
            .defer_signals(true);
        if let Some(s) = &self.server {
            b = b.server(s);
        }
        if let Some(v) = self.api_version {
            b = b.api_version(v);
        }
        b
    }

    /// A client for the profile's session, or for the API key in the environment.
    pub fn client(&self) -> Result<Client> {
        let b = match &self.env_key {
            Some(key) => {
                let b = self.base().api_key(&key.key_id, key.secret.clone())?;
                match key.account {
                    Some(id) => b.account(id),
                    None => b,
                }
            }
            None => self.base().store(self.store()?),
        };
        Ok(b.build()?)
    }

    /// A client for a new login: the server is --server, else the profile's previous
    /// server, else the default; an existing session for another server is replaced.
    pub fn login_client(&self) -> Result<Client> {
        let store = self.store()?;
        let mut b = self.base();
        if self.server.is_none()
            && let Some(previous) = store.load().ok().flatten()
        {
            b = b.server(previous.server);
        }
        b.store(store).replace_session().build().context("cannot log in")
    }

    /// Fails if the credentials come from the environment: nothing is stored to change.
    pub fn require_stored(&self, what: &str) -> Result<()> {
        if self.env_key.is_some() {
            bail!(
                "cannot {what}: the API key comes from ARMOR_API_KEY_ID and ARMOR_API_KEY_SECRET and nothing is stored; unset them to use the profile's session"
            );
        }
        Ok(())
    }
}
