//! `armor profile list` and `armor profile use`.

use std::io::Write;

use anyhow::{Result, bail};
use armor_client::{Credentials, SessionStore, Settings};
use jiff::Timestamp;
use serde::Serialize;

use crate::cmd::session::rfc3339;
use crate::context::Context;
use crate::output::{self, Render, or_dash};

/// One row of `armor profile list`.
#[derive(Debug, Serialize)]
struct ProfileView {
    name: String,
    default: bool,
    server: Option<String>,
    mode: Option<&'static str>,
    /// The user, or the API key id.
    identity: Option<String>,
    account_id: Option<u32>,
    expires_at: Option<String>,
    expired: bool,
    /// Why the session could not be read, if it could not.
    error: Option<String>,
}

pub fn list(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let default = Settings::load(&ctx.config_dir)?
        .default_profile
        .unwrap_or_else(|| armor_client::DEFAULT_PROFILE.into());
    let now = Timestamp::now();
    let mut rows = Vec::new();
    for name in SessionStore::list(&ctx.config_dir)? {
        let mut row = ProfileView {
            default: name == default,
            name,
            server: None,
            mode: None,
            identity: None,
            account_id: None,
            expires_at: None,
            expired: false,
            error: None,
        };
        match SessionStore::new(&ctx.config_dir, &row.name)?.load() {
            Ok(Some(s)) => {
                row.server = Some(s.server.clone());
                row.mode = Some(s.auth.mode());
                row.identity = Some(match &s.auth {
                    Credentials::ApiKey(k) => k.key_id.clone(),
                    _ => s.user.username.clone(),
                });
                row.account_id = s.account_id.map(|a| a.get());
                if let Some(t) = s.token() {
                    row.expires_at = Some(rfc3339(t.expires_at));
                    row.expired = now >= t.expires_at;
                }
            }
            Ok(None) => continue,
            Err(e) => row.error = Some(format!("{:#}", anyhow::Error::new(e))),
        }
        rows.push(row);
    }
    Render::new(ctx.format, out).with(&rows, |out| {
        if rows.is_empty() {
            writeln!(out, "No profiles yet; run `armor login` (add --profile NAME for another one).")?;
            return Ok(());
        }
        let table = rows
            .iter()
            .map(|r| {
                let expires = match (&r.expires_at, r.expired) {
                    (Some(at), true) => format!("{at} (expired)"),
                    (Some(at), false) => at.clone(),
                    (None, _) if r.mode == Some("api_key") => "never".into(),
                    (None, _) => "-".into(),
                };
                vec![
                    if r.default { "*".into() } else { String::new() },
                    r.name.clone(),
                    r.server.clone().unwrap_or_else(|| r.error.clone().unwrap_or_default()),
                    or_dash(r.mode),
                    or_dash(r.identity.as_deref()),
                    or_dash(r.account_id),
                    expires,
                ]
            })
            .collect();
        output::table(out, &["", "name", "server", "mode", "user or key", "account", "expires"], table)
    })
}

pub fn use_profile(ctx: &Context, name: &str, out: &mut dyn Write) -> Result<()> {
    armor_client::validate_profile(name)?;
    let known = SessionStore::list(&ctx.config_dir)?;
    if !known.iter().any(|k| k == name) {
        let list = if known.is_empty() { "none".to_owned() } else { known.join(", ") };
        bail!(
            "no stored session for profile {name:?} (profiles: {list}); run `armor login --profile {name}` first"
        );
    }
    let mut settings = Settings::load(&ctx.config_dir)?;
    settings.default_profile = Some(name.to_owned());
    settings.save(&ctx.config_dir)?;
    Render::new(ctx.format, out)
        .line(&serde_json::json!({"default_profile": name}), || format!("Profile {name} is now the default."))
}
