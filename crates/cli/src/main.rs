//! The `armor` command-line tool: parse arguments to plain data, resolve them to a client,
//! run one command, render its result through a writer (table or JSON).
//!
//! Exit codes: 0 success, 1 error, 2 usage error. Errors are one line on stderr. A closed
//! stdout (`armor ... | head`) is not an error.

mod advice;
mod args;
mod args_res;
mod change;
mod cmd;
mod context;
mod glob;
mod jq;
mod lazy;
mod output;
mod prompt;
mod sanitize;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::args::Cli;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    // ARMOR_VERBOSE=1|2|3 does what -v, -vv, -vvv do.
    let env_verbose = std::env::var("ARMOR_VERBOSE").ok().and_then(|v| v.parse::<u8>().ok()).unwrap_or(0);
    init_tracing(cli.global.verbose.max(env_verbose));
    // For tests: keyring-core's in-memory mock instead of the OS credential store.
    if std::env::var("ARMOR_KEYRING_BACKEND").is_ok_and(|b| b == "mock") {
        armor_client::keyring::use_mock_store();
    }
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&anyhow::Error::new(e).context("cannot start the async runtime")),
    };
    let mut out = Stdout { inner: io::BufWriter::new(io::stdout()), closed: false };
    let result = runtime.block_on(cmd::run(cli, &mut out)).and_then(|()| Ok(out.flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // Only our own stdout closing is forgiven; a broken pipe on a connection is an error.
        Err(e) if out.closed && is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            match e.downcast_ref::<cmd::exec::ChildExit>() {
                // `armor exec`: the child's status, and no error line of our own.
                Some(child) => ExitCode::from(child.0),
                None => fail(&e),
            }
        }
    }
}

/// The longest error line printed.
const MAX_ERROR_CHARS: usize = 2000;

fn fail(e: &anyhow::Error) -> ExitCode {
    // The message may quote a server: one line, no control characters, not endless.
    let mut msg = sanitize::line(&format!("{e:#}"));
    if let Some(advice) = advice::for_error(e) {
        msg.push_str(&advice);
    }
    if let Some((at, _)) = msg.char_indices().nth(MAX_ERROR_CHARS) {
        msg.truncate(at);
        msg.push('…');
    }
    let _ = writeln!(io::stderr(), "error: {msg}");
    ExitCode::FAILURE
}

/// Standard output that remembers whether the reader went away (`armor ... | head`), so
/// that a broken pipe elsewhere (a socket the server closed) is not mistaken for it.
struct Stdout {
    inner: io::BufWriter<io::Stdout>,
    closed: bool,
}

impl Stdout {
    fn note<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            self.closed = true;
        }
        r
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = self.inner.write_all(buf);
        self.note(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().filter_map(|c| c.downcast_ref::<io::Error>()).any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

/// Colour only on a terminal, and never with `NO_COLOR` set (<https://no-color.org>).
fn use_colour(stderr_is_terminal: bool, no_color: bool) -> bool {
    stderr_is_terminal && !no_color
}

/// `-v` shows armor's own request and session events; `-vv` adds the HTTP client's.
/// Nothing logged at any level contains a password, token or secret.
fn init_tracing(verbose: u8) {
    let colour = use_colour(io::stderr().is_terminal(), std::env::var_os("NO_COLOR").is_some());
    let fmt = tracing_subscriber::fmt().with_ansi(colour).with_writer(io::stderr).with_target(false);
    let directives = match verbose {
        // Without -v, one level for all: no filter directives to parse at every start.
        0 => {
            let _ = fmt.with_max_level(tracing_subscriber::filter::LevelFilter::WARN).try_init();
            return;
        }
        1 => "warn,armor_client=debug,armor_cli=debug,armor_emulator=info",
        2 => "warn,armor_client=trace,armor_cli=trace,armor_emulator=debug,reqwest=debug",
        _ => "warn,armor_client=trace,armor_cli=trace,armor_emulator=trace,reqwest=trace",
    };
    let _ = fmt.with_env_filter(tracing_subscriber::EnvFilter::new(directives)).try_init();
}

#[cfg(test)]
mod tests {
    #[test]
    fn colour_needs_a_terminal_and_no_no_color() {
        assert!(super::use_colour(true, false));
        assert!(!super::use_colour(true, true));
        assert!(!super::use_colour(false, false));
    }
}
