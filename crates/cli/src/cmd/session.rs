//! `armor login`, `armor logout` and `armor status`.

use std::io::Write;

use anyhow::{Result, bail};
use armor_client::core::AccountId;
use armor_client::{Client, Credentials, Freshness, Session};
use jiff::{Timestamp, Unit};
use secrecy::SecretString;
use serde::Serialize;

use crate::args::{LoginArgs, LogoutArgs};
use crate::context::Context;
use crate::output::{Render, human_duration, labelled, or_dash};
use crate::prompt;

/// Where the credentials of a login come from, already resolved.
pub struct PasswordLogin {
    pub username: String,
    pub password: SecretString,
}

pub async fn login(ctx: &Context, args: LoginArgs, out: &mut dyn Write) -> Result<()> {
    let account = args.account.as_deref().map(str::parse::<AccountId>).transpose()?;
    if let Some(key_id) = &args.api_key_id {
        let secret = prompt::secret(
            args.api_key_secret_stdin,
            "--api-key-secret-stdin",
            "ARMOR_API_KEY_SECRET",
            "API key secret",
            "API key secret",
        )?;
        let client = ctx.login_client()?;
        let session = client.login_api_key_with(key_id, secret, account, args.keyring).await?;
        return print_login(ctx, &client, &session, out);
    }
    if args.keyring {
        // (clap's `requires` is not checked when --username is given.)
        bail!("--keyring keeps an API key's secret: use it with --api-key-id");
    }
    let creds = credentials(&args)?;
    login_with(ctx, creds, account, out).await
}

fn credentials(args: &LoginArgs) -> Result<PasswordLogin> {
    let interactive = prompt::interactive();
    let username = match args.username.clone().filter(|u| !u.trim().is_empty()) {
        Some(u) => u,
        None if interactive && !args.password_stdin => prompt::ask("Username (e-mail)")?,
        None => bail!("no user name: pass --username or set ARMOR_USERNAME"),
    };
    if username.trim().is_empty() {
        bail!("the user name is empty");
    }
    let password =
        prompt::secret(args.password_stdin, "--password-stdin", "ARMOR_PASSWORD", "password", "Password")?;
    Ok(PasswordLogin { username, password })
}

pub async fn login_with(
    ctx: &Context,
    creds: PasswordLogin,
    account: Option<AccountId>,
    out: &mut dyn Write,
) -> Result<()> {
    let client = ctx.login_client()?;
    if prompt::interactive() {
        eprintln!(
            "Signing in to {} as {} (approve the MFA request if asked)...",
            client.server(),
            creds.username
        );
    }
    let session = client.login(&creds.username, creds.password, account).await?;
    print_login(ctx, &client, &session, out)
}

fn print_login(ctx: &Context, client: &Client, session: &Session, out: &mut dyn Write) -> Result<()> {
    let view = StatusView::new(ctx, client, session);
    Render::new(ctx.format, out).with(&view, |out| {
        {
            let with = view.key_id.as_ref().map(|k| format!(" with API key {k}")).unwrap_or_default();
            writeln!(
                out,
                "Logged in to {} as {}{with} (profile {}).",
                view.server,
                crate::sanitize::line(&view.username),
                view.profile
            )?;
            writeln!(out, "Account context: {}", account_label(session))?;
            match (&view.expires_at, view.seconds_remaining) {
                (Some(at), Some(left)) => {
                    writeln!(out, "Session expires at {at} (in {}).", human_duration(left))?
                }
                _ => writeln!(out, "API keys do not expire; every request is signed.")?,
            }
            match view.secret_location {
                Some("keyring") => writeln!(
                    out,
                    "The secret is in the OS credential store; the session file holds only a reference."
                )?,
                Some("session_file") => writeln!(
                    out,
                    "The secret is in the session file (mode 0600); use --keyring to keep it in the OS credential store."
                )?,
                _ => {}
            }
            Ok(())
        }
    })
}

pub async fn logout(ctx: &Context, args: LogoutArgs, out: &mut dyn Write) -> Result<()> {
    ctx.require_stored("log out")?;
    let client = ctx.client()?;
    let session = client.session().await?;
    let what = format!(
        "the session of profile {} ({} on {})",
        ctx.profile,
        crate::sanitize::line(&session.user.username),
        session.server
    );
    if args.what_if {
        writeln!(out, "What if: remove {what}; nothing is sent to the server.")?;
        return Ok(());
    }
    if !args.yes {
        if !prompt::interactive() {
            bail!("refusing to log out without confirmation: there is no terminal to ask on; pass --yes");
        }
        if !prompt::confirm(&format!("Log out and remove {what}?"))? {
            bail!("cancelled; the session was kept");
        }
    }
    client.logout().await?;
    Render::new(ctx.format, out)
        .line(&serde_json::json!({"profile": ctx.profile, "logged_out": true}), || {
            format!("Logged out of {} (profile {}).", session.server, ctx.profile)
        })
}

pub async fn status(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    let session = client.session().await?;
    let view = StatusView::new(ctx, &client, &session);
    Render::new(ctx.format, out).fields(&view, || {
        let remaining = match view.seconds_remaining {
            Some(s) if s > 0 => human_duration(s),
            Some(_) => "none".into(),
            None => "does not expire".into(),
        };
        let mode = match &view.key_id {
            Some(k) => format!("API key {k} (ARMOR-PSK)"),
            None => "token (FH-AUTH)".into(),
        };
        vec![
            ("Profile", view.profile.clone()),
            ("Server", view.server.clone()),
            ("API version", view.api_version.clone()),
            ("Auth mode", mode),
            ("User", view.username.clone()),
            ("Account", account_label(&session)),
            ("Started", or_dash(view.started_at.as_deref())),
            ("Expires", or_dash(view.expires_at.as_deref())),
            ("Remaining", remaining),
            ("Renew after", or_dash(view.renew_after.as_deref())),
            ("State", view.state.replace('_', " ")),
            ("Secret", secret_label(&session, view.secret_location)),
            ("Session file", or_dash(view.session_file.as_deref())),
        ]
    })?;
    if view.state == "expired" {
        bail!("the session expired at {}; run `armor login`", or_dash(view.expires_at.as_deref()));
    }
    Ok(())
}

/// `armor status --output json`: stable snake_case fields, documented in the README.
/// Token fields are `null` for API-key sessions.
#[derive(Debug, Serialize)]
pub struct StatusView {
    pub profile: String,
    pub server: String,
    pub api_version: String,
    pub mode: &'static str,
    pub key_id: Option<String>,
    pub username: String,
    pub account_id: Option<u32>,
    pub account_name: Option<String>,
    pub started_at: Option<String>,
    pub expires_at: Option<String>,
    pub seconds_remaining: Option<i64>,
    pub renew_after: Option<String>,
    pub state: String,
    pub session_file: Option<String>,
    /// Where an API key's secret is: `keyring`, `session_file` or `environment`.
    pub secret_location: Option<&'static str>,
}

impl StatusView {
    pub fn new(ctx: &Context, client: &Client, s: &Session) -> Self {
        let now = client.now();
        let policy = client.renewal_policy();
        let state = match s.freshness(&policy, now) {
            Freshness::Fresh => "active",
            Freshness::RenewalDue | Freshness::RenewalRequired => "renewal_due",
            Freshness::Expired => "expired",
        };
        let token = s.token();
        let key = match &s.auth {
            Credentials::ApiKey(k) => Some(k),
            _ => None,
        };
        StatusView {
            profile: if client.is_memory_key() { "(environment)".into() } else { ctx.profile.clone() },
            server: s.server.clone(),
            api_version: s.api_version.to_string(),
            mode: s.auth.mode(),
            key_id: key.map(|k| k.key_id.clone()),
            username: s.user.username.clone(),
            account_id: s.account_id.map(AccountId::get),
            account_name: s.account().and_then(|a| a.name.clone()),
            started_at: token.map(|t| t.started_at).or(key.and_then(|k| k.stored_at)).map(rfc3339),
            expires_at: token.map(|t| rfc3339(t.expires_at)),
            seconds_remaining: token
                .map(|t| t.expires_at.duration_since(now).as_secs_f64().round().max(0.0) as i64),
            renew_after: token.map(|t| rfc3339(policy.renew_after(t))),
            state: state.into(),
            session_file: client.store().map(|st| st.path().display().to_string()),
            secret_location: key
                .map(|k| if client.is_memory_key() { "environment" } else { k.secret_location() }),
        }
    }
}

/// RFC 3339 in UTC, to the second.
pub fn rfc3339(t: Timestamp) -> String {
    t.round(Unit::Second).unwrap_or(t).to_string()
}

/// Where the secret of an API key is, for `armor status`; `-` for tokens.
fn secret_label(s: &Session, location: Option<&str>) -> String {
    let key = match &s.auth {
        Credentials::ApiKey(k) => k,
        _ => return "-".into(),
    };
    match (location, &key.keyring) {
        (Some("keyring"), Some(r)) => format!("OS credential store ({r})"),
        (Some("environment"), _) => "ARMOR_API_KEY_SECRET (environment)".into(),
        _ => "session file".into(),
    }
}

/// `1000 (Demo Corp)`, or `-`.
pub fn account_label(s: &Session) -> String {
    labelled(s.account_id, s.account().and_then(|a| a.name.as_deref()))
}
