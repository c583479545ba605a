//! `armor token reissue` (the seed, `Update-ArmorApiToken`) and `armor token print`.

use std::io::Write;

use anyhow::{Context as _, Result, bail};
use armor_client::core::AccessToken;

use crate::cmd::session::StatusView;
use crate::context::Context;
use crate::output::{Render, human_duration};
use crate::prompt;

pub async fn reissue(
    ctx: &Context,
    token: Option<String>,
    what_if: bool,
    confirm: bool,
    out: &mut dyn Write,
) -> Result<()> {
    let given = match token.as_deref() {
        None => None,
        Some("-") => Some(prompt::stdin_line("token")?),
        Some(t) => Some(t.to_owned()),
    };
    let given = given
        .map(|t| AccessToken::parse(&t).map_err(|e| anyhow::Error::new(armor_client::Error::InvalidToken(e))))
        .transpose()?;
    ctx.require_stored("reissue a token")?;
    let client = ctx.client()?;
    let session = client.session().await?;
    if session.token().is_none() {
        return Err(armor_client::Error::NotTokenSession { profile: ctx.profile.clone() }.into());
    }
    let which = if given.is_some() { "the given token" } else { "the session's token" };
    if what_if {
        writeln!(
            out,
            "What if: POST {}/auth/token/reissue with {which}, then store the new token in profile {}.",
            session.server, ctx.profile
        )?;
        return Ok(());
    }
    if confirm {
        if !prompt::interactive() {
            bail!("--confirm needs a terminal to ask on; run without --confirm to proceed");
        }
        if !prompt::confirm(&format!("Reissue {which} of profile {} on {}?", ctx.profile, session.server))? {
            bail!("cancelled; nothing was sent");
        }
    }
    let renewed = client.reissue_token(given).await.context("token reissue failed")?;
    let view = StatusView::new(ctx, &client, &renewed);
    Render::new(ctx.format, out).line(&view, || {
        format!(
            "Token reissued for profile {}; it expires at {} (in {}).",
            ctx.profile,
            view.expires_at.as_deref().unwrap_or("-"),
            human_duration(view.seconds_remaining.unwrap_or_default())
        )
    })
}

pub async fn print(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    // The token leaves our hands: wait for a renewal in progress rather than print the
    // token it is about to invalidate.
    let session = client.ensure_renewed().await?;
    let Some(token) = session.token() else {
        bail!(
            "profile {} uses an API key, which has no token to print; every request is signed instead",
            ctx.profile
        );
    };
    writeln!(out, "{}", token.access_token.expose())?;
    Ok(())
}
