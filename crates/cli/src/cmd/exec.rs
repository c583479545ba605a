//! `armor exec -- COMMAND ARGS...`: run another program with the profile's credentials in
//! its environment — `ARMOR_SERVER`, `ARMOR_TOKEN` (freshly renewed), `ARMOR_ACCOUNT_ID` —
//! and return its exit status. The token goes only into the child's environment, never
//! into an argument list (where `ps` would show it).

use std::process::Command;

use anyhow::{Context as _, Result, bail};
use armor_client::Credentials;

use crate::context::Context;

/// The exit status of the child, passed through as armor's own (no `error:` line).
#[derive(Debug)]
pub struct ChildExit(pub u8);

impl std::fmt::Display for ChildExit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the command exited with status {}", self.0)
    }
}

impl std::error::Error for ChildExit {}

pub async fn run(ctx: &Context, argv: Vec<String>) -> Result<()> {
    let Some((program, args)) = argv.split_first() else {
        bail!("no command to run: armor exec -- COMMAND [ARGS...]");
    };
    let client = ctx.client()?;
    // Renews the token first if it is due, so the child starts with at least 2/3 of its
    // lifetime left; if another process is renewing it, waits for that (the child cannot
    // resend a request on 401, as armor does, once the old token is exchanged).
    let session = client.ensure_renewed().await?;
    let mut cmd = Command::new(program);
    cmd.args(args).env("ARMOR_SERVER", &session.server).env_remove("ARMOR_TOKEN");
    match session.account_id {
        Some(id) => cmd.env("ARMOR_ACCOUNT_ID", id.to_string()),
        None => cmd.env_remove("ARMOR_ACCOUNT_ID"),
    };
    match &session.auth {
        Credentials::Token(t) => {
            cmd.env("ARMOR_TOKEN", t.access_token.expose());
        }
        _ => eprintln!(
            "armor exec: profile {} uses an API key (ARMOR-PSK), which has no token: ARMOR_TOKEN is not set; every request must be signed (use `armor api` for calls)",
            if client.is_memory_key() { "(environment)" } else { &ctx.profile }
        ),
    }
    // The child's signals: Ctrl-C reaches it through the terminal, SIGTERM and SIGHUP sent
    // to armor are passed on to it; armor waits for its status either way. (Handlers are
    // installed before it starts and stay; also those of a renewal just done.)
    #[cfg(unix)]
    let mut signals = Forward::install().context("cannot handle signals")?;
    armor_client::leave_signals_to_caller();
    let child = cmd.spawn().with_context(|| format!("cannot run {program:?}"))?;
    #[cfg(unix)]
    let pid = rustix::process::Pid::from_child(&child);
    let mut wait = tokio::task::spawn_blocking(move || {
        let mut child = child;
        child.wait()
    });
    #[cfg(unix)]
    let waited = loop {
        tokio::select! {
            waited = &mut wait => break waited,
            signal = signals.next() => {
                if let Some(signal) = signal {
                    let _ = rustix::process::kill_process(pid, signal);
                }
            }
        }
    };
    #[cfg(not(unix))]
    let waited = wait.await;
    let status =
        waited.context("waiting for the command")?.with_context(|| format!("waiting for {program:?}"))?;
    let code = match status.code() {
        Some(c) => c,
        None => signal_code(&status),
    };
    if code == 0 { Ok(()) } else { Err(ChildExit(u8::try_from(code).unwrap_or(1)).into()) }
}

/// Termination signals sent to armor while its child runs.
#[cfg(unix)]
struct Forward {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
    hup: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Forward {
    fn install() -> std::io::Result<Forward> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Forward {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
            hup: signal(SignalKind::hangup())?,
        })
    }

    /// The next signal to pass on to the child; `None` for Ctrl-C, which the terminal
    /// sends to the child itself.
    async fn next(&mut self) -> Option<rustix::process::Signal> {
        tokio::select! {
            _ = self.int.recv() => None,
            _ = self.term.recv() => Some(rustix::process::Signal::TERM),
            _ = self.hup.recv() => Some(rustix::process::Signal::HUP),
        }
    }
}

/// 128 + the signal that ended the child, as shells report it.
fn signal_code(status: &std::process::ExitStatus) -> i32 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        status.signal().map_or(1, |s| 128 + s)
    }
    #[cfg(not(unix))]
    {
        let _ = status;
        1
    }
}
