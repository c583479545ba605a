//! `armor whoami`, `armor account list` and `armor account context`.

use std::io::Write;

use anyhow::Result;
use armor_client::core::{Account, AccountId};

use crate::args::Format;
use crate::cmd::session::account_label;
use crate::context::Context;
use crate::output::{self, Render, full_name, or_dash};

pub async fn whoami(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    let me = client.whoami().await?;
    // Only the text view shows the session's server and account context.
    let session = match ctx.format {
        Format::Json => None,
        Format::Table => Some(client.session().await?),
    };
    Render::new(ctx.format, out).with(&me, |out| {
        let Some(session) = session else { return Ok(()) };
        let u = &me.user;
        output::fields(
            out,
            &[
                ("User", u.username.clone()),
                ("Name", full_name(u.first_name.as_deref(), u.last_name.as_deref())),
                ("User id", or_dash(u.links.as_ref().and_then(|l| l.user_id))),
                ("Server", session.server.clone()),
                ("Account", account_label(&session)),
            ],
        )?;
        writeln!(out)?;
        accounts_table(out, &me.accounts, session.account_id)
    })
}

pub async fn list(ctx: &Context, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    let accounts = client.accounts().list().await?;
    let current = match ctx.format {
        Format::Json => None,
        Format::Table => client.session().await.ok().and_then(|s| s.account_id),
    };
    Render::new(ctx.format, out).with(&accounts, |out| accounts_table(out, &accounts, current))
}

fn accounts_table(out: &mut dyn Write, accounts: &[Account], current: Option<AccountId>) -> Result<()> {
    let rows = accounts
        .iter()
        .map(|a| {
            vec![
                if Some(a.id) == current { "*".into() } else { String::new() },
                a.id.to_string(),
                or_dash(a.name.as_deref()),
                or_dash(a.status.as_deref()),
                or_dash(a.account_type.as_deref()),
                or_dash(a.parent),
            ]
        })
        .collect();
    output::table(out, &["", "id", "name", "status", "type", "parent"], rows)
}

pub async fn context(ctx: &Context, id: Option<String>, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    let session = match id {
        None => client.session().await?,
        Some(id) => client.set_account(id.parse::<AccountId>()?).await?,
    };
    let value = serde_json::json!({
        "account_id": session.account_id,
        "account_name": session.account().and_then(|a| a.name.clone()),
    });
    Render::new(ctx.format, out).with(&value, |out| Ok(writeln!(out, "{}", account_label(&session))?))
}
