//! `armor demo`: a guided tour against a built-in emulator, through the same code paths
//! as the real commands, in a throw-away config dir.

use std::io::Write;

use anyhow::Result;
use armor_client::core::ExpiresInUnit;
use armor_emulator::{Emulator, EmulatorConfig};
use secrecy::SecretString;

use crate::args::{Format, LogoutArgs};
use crate::cmd::{account, session, token};
use crate::context::Context;

pub async fn run(format: Format, out: &mut dyn Write) -> Result<()> {
    let emulator = Emulator::start(EmulatorConfig::default()).await?;
    let dir = tempfile::tempdir()?;
    let ctx = Context {
        config_dir: dir.path().to_owned(),
        profile: "demo".into(),
        server: Some(emulator.url().to_owned()),
        api_version: None,
        expires_in_unit: ExpiresInUnit::Auto,
        format,
        env_key: None,
        max_response_bytes: armor_client::DEFAULT_MAX_RESPONSE_BYTES,
        max_response_values: armor_client::DEFAULT_MAX_RESPONSE_VALUES,
        ca: Default::default(),
    };
    let user = EmulatorConfig::DEMO_USERNAME;
    writeln!(out, "armor demo: an Armor API emulator is running at {}", emulator.url())?;
    writeln!(out, "(sessions of this demo live in a temporary directory and are deleted at the end)")?;

    step(out, &format!("armor login --server {} --username {user} --password-stdin", emulator.url()))?;
    let creds = session::PasswordLogin {
        username: user.into(),
        password: SecretString::from(EmulatorConfig::DEMO_PASSWORD),
    };
    session::login_with(&ctx, creds, None, out).await?;
    step(out, "armor status")?;
    session::status(&ctx, out).await?;
    step(out, "armor token reissue")?;
    token::reissue(&ctx, None, false, false, out).await?;
    step(out, "armor status")?;
    session::status(&ctx, out).await?;
    step(out, "armor whoami")?;
    account::whoami(&ctx, out).await?;
    step(out, "armor logout --yes")?;
    session::logout(&ctx, LogoutArgs { yes: true, what_if: false }, out).await?;

    let stats = emulator.stats();
    let total: u64 = stats.endpoints.values().map(|e| e.total).sum();
    writeln!(out)?;
    writeln!(
        out,
        "Done: {total} requests to the emulator, {} token reissue(s). Run `armor emulator` to keep one running.",
        stats.get("POST /auth/token/reissue").ok
    )?;
    emulator.stop().await;
    Ok(())
}

fn step(out: &mut dyn Write, command: &str) -> Result<()> {
    writeln!(out)?;
    writeln!(out, "$ {command}")?;
    Ok(())
}
