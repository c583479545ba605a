//! Confirmation and `--what-if` for commands that change something, following the
//! original module's confirm impacts: High asks unless `--yes` (and refuses without a
//! terminal); Medium and Low ask only with `--confirm`.

use std::io::Write;

use anyhow::{Result, bail};
use armor_client::Client;
use serde_json::Value;

use crate::args_res::Change;
use crate::prompt;

/// How much a command changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impact {
    /// Asks unless `--yes`.
    High,
    /// Asks only with `--confirm`.
    Medium,
}

/// Prints what `--what-if` would send and returns `true` if the command must stop
/// there; otherwise asks for confirmation as `impact` requires. `what` describes the
/// change for the prompt.
pub async fn gate(
    out: &mut dyn Write,
    client: &Client,
    change: Change,
    impact: Impact,
    what: &str,
    request: (&str, &str, Option<Value>),
) -> Result<bool> {
    let (method, path, body) = request;
    if change.what_if {
        // Like the real call, this needs a session (its server and account context), but
        // sends nothing: an API key from the environment has no session until `GET /me`.
        let (server, account) = if client.is_memory_key() {
            let account = client
                .memory_key_account()
                .map_or_else(|| "the key's first account".into(), |a| a.to_string());
            (client.server().to_string(), format!(" (X-Account-Context: {account})"))
        } else {
            let session = client.session().await?;
            let account =
                session.account_id.map(|a| format!(" (X-Account-Context: {a})")).unwrap_or_default();
            (session.server, account)
        };
        let body = body.map(|b| format!(" {b}")).unwrap_or_default();
        writeln!(out, "What if: {what}: {method} {server}{path}{body}{account}")?;
        writeln!(out, "Nothing was sent.")?;
        return Ok(true);
    }
    let ask = match impact {
        Impact::High => !change.yes,
        Impact::Medium => change.confirm,
    };
    if !ask {
        return Ok(false);
    }
    if !prompt::interactive() {
        match impact {
            Impact::High => {
                bail!("refusing to {what} without confirmation: there is no terminal to ask on; pass --yes")
            }
            Impact::Medium => {
                bail!("--confirm needs a terminal to ask on; run without --confirm to proceed")
            }
        }
    }
    if !prompt::confirm(&format!("{}?", capitalize(what)))? {
        bail!("cancelled; nothing was sent");
    }
    Ok(false)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}
