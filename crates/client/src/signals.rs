//! Deferring SIGINT, SIGTERM and SIGHUP while a reissued token is exchanged and saved
//! (opt-in, [`crate::ClientBuilder::defer_signals`]).
//!
//! Once the server has exchanged a token, the old one is dead: a process killed before
//! it renames the new session file into place strands the session. With deferral on, the
//! first exchange installs handlers (Tokio's, so no unsafe code) for the three signals.
//! From then on a signal that arrives outside an exchange ends the process at once with
//! status 128 + its number, as the default action would be reported by a shell; one
//! that arrives during an exchange is held until the new token is saved (or the exchange
//! failed), and then ends the process the same way. `kill -9` cannot be deferred.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering::SeqCst};

/// Exchanges in progress.
static DEPTH: AtomicUsize = AtomicUsize::new(0);
/// A signal held back, 0 if none.
static PENDING: AtomicI32 = AtomicI32::new(0);
static INSTALLED: AtomicBool = AtomicBool::new(false);
/// Set by [`leave_signals_to_caller`]: a signal outside an exchange does not end the process.
static CALLER: AtomicBool = AtomicBool::new(false);

/// From now on, a SIGINT, SIGTERM or SIGHUP that arrives outside a token exchange no
/// longer ends the process: the caller has its own handlers (`armor exec` passes them to
/// its child and waits for it). One that arrives during an exchange is still held back
/// and then ends the process.
pub fn leave_signals_to_caller() {
    CALLER.store(true, SeqCst);
}

/// Defers termination signals until dropped (a no-op unless enabled).
#[derive(Debug)]
pub(crate) struct Shield(bool);

impl Shield {
    pub fn enter(enabled: bool) -> Shield {
        if !enabled || !install() {
            return Shield(false);
        }
        DEPTH.fetch_add(1, SeqCst);
        Shield(true)
    }
}

impl Shield {
    /// Ends the deferral, after letting the runtime deliver a signal that has arrived
    /// but not been seen yet (its handler only wakes a task); then exits if one is held.
    pub async fn release(self) {
        if self.0 {
            // Each yield lets the runtime poll its driver and run the woken listener.
            for _ in 0..2 {
                tokio::task::yield_now().await;
            }
        }
    }
}

impl Drop for Shield {
    fn drop(&mut self) {
        if self.0 && DEPTH.fetch_sub(1, SeqCst) == 1 {
            exit_if_pending();
        }
    }
}

fn exit_if_pending() {
    let signal = PENDING.swap(0, SeqCst);
    if signal != 0 {
        tracing::warn!(signal, "exiting on a signal held back while the new token was saved");
        std::process::exit(128 + signal);
    }
}

/// Installs the handlers once; `false` if that is not possible here.
fn install() -> bool {
    if INSTALLED.load(SeqCst) {
        return true;
    }
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            return false;
        };
        let _guard = handle.enter();
        let (Ok(mut int), Ok(mut term), Ok(mut hup)) =
            (signal(SignalKind::interrupt()), signal(SignalKind::terminate()), signal(SignalKind::hangup()))
        else {
            return false;
        };
        if INSTALLED.swap(true, SeqCst) {
            return true;
        }
        handle.spawn(async move {
            loop {
                let number = tokio::select! {
                    _ = int.recv() => 2,
                    _ = term.recv() => 15,
                    _ = hup.recv() => 1,
                };
                PENDING.store(number, SeqCst);
                // Outside an exchange (or one that just ended): exit now, unless the
                // caller handles signals itself.
                if DEPTH.load(SeqCst) == 0 {
                    if CALLER.load(SeqCst) {
                        PENDING.store(0, SeqCst);
                    } else {
                        exit_if_pending();
                    }
                }
            }
        });
        true
    }
    #[cfg(not(unix))]
    false
}
