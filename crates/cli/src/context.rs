//! Resolves the global options into a session store and a [`Client`].

use std::path::PathBuf;

use anyhow::{Context as _, Result, anyhow};
use armor_client::core::ExpiresInUnit;
use armor_client::{Client, SessionStore};

use crate::args::{Format, Global};

/// What every command needs: where sessions live, which profile, how to talk.
#[derive(Debug, Clone)]
pub struct Context {
    pub config_dir: PathBuf,
    pub profile: String,
    pub server: Option<String>,
    pub api_version: Option<String>,
    pub expires_in_unit: ExpiresInUnit,
    pub format: Format,
}

impl Context {
    pub fn from_global(g: &Global) -> Result<Context> {
        let config_dir = match &g.config_dir {
            Some(dir) => dir.clone(),
            None => armor_client::default_config_dir().ok_or_else(|| {
                anyhow!("cannot find a config directory (no home directory); set --config-dir or ARMOR_CONFIG_DIR")
            })?,
        };
        armor_client::validate_profile(&g.profile)?;
        if let Some(v) = &g.api_version {
            v.parse::<armor_client::core::ApiVersion>()?;
        }
        // Rarely needed (see the README), so an environment variable rather than a flag.
        let expires_in_unit = match std::env::var("ARMOR_EXPIRES_IN_UNIT") {
            Ok(v) if !v.is_empty() => v
                .parse()
                .map_err(|e: String| anyhow!("ARMOR_EXPIRES_IN_UNIT: {e}"))?,
            _ => ExpiresInUnit::Auto,
        };
        Ok(Context {
            config_dir,
            profile: g.profile.clone(),
            server: g.server.clone().filter(|s| !s.is_empty()),
            api_version: g.api_version.clone().filter(|s| !s.is_empty()),
            expires_in_unit,
            format: g.output,
        })
    }

    pub fn store(&self) -> Result<SessionStore> {
        Ok(SessionStore::new(&self.config_dir, &self.profile)?)
    }

    fn builder(&self) -> Result<armor_client::ClientBuilder> {
        let mut b = Client::builder()
            .store(self.store()?)
            .expires_in_unit(self.expires_in_unit);
        if let Some(s) = &self.server {
            b = b.server(s);
        }
        if let Some(v) = &self.api_version {
            b = b.api_version(v);
        }
        Ok(b)
    }

    /// A client for the profile's session.
    pub fn client(&self) -> Result<Client> {
        Ok(self.builder()?.build()?)
    }

    /// A client for a new login: the server is --server, else the profile's previous
    /// server, else the default; an existing session for another server is replaced.
    pub fn login_client(&self) -> Result<Client> {
        let mut b = self.builder()?;
        if self.server.is_none() {
            let previous = self.store()?.load().ok().flatten().map(|s| s.server);
            if let Some(server) = previous {
                b = b.server(server);
            }
        }
        b.replace_session().build().context("cannot log in")
    }
}
