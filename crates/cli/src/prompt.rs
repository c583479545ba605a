//! Talking to the person at the terminal: confirmations, hidden password entry, stdin.

use std::io::{self, BufRead, IsTerminal, Write};

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

/// Whether a person can answer prompts (stdin and stderr are terminals).
pub fn interactive() -> bool {
    io::stdin().is_terminal() && io::stderr().is_terminal()
}

/// Asks a yes/no question on the terminal; only `y` or `yes` is yes.
pub fn confirm(question: &str) -> Result<bool> {
    let answer = read_answer(&format!("{question} [y/N] "))?;
    Ok(matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes"))
}

/// Asks for a line of text on the terminal.
pub fn ask(question: &str) -> Result<String> {
    read_answer(&format!("{question}: "))
}

fn read_answer(prompt: &str) -> Result<String> {
    let mut err = io::stderr().lock();
    write!(err, "{prompt}")?;
    err.flush()?;
    let mut answer = String::new();
    io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim().to_owned())
}

/// A secret from the first line of stdin (when `from_stdin`, the `flag` option), else the
/// environment variable `env`, else a hidden prompt labelled `label`. Without a terminal
/// and without either source it fails, naming both. Never from a flag value.
pub fn secret(from_stdin: bool, flag: &str, env: &str, what: &str, label: &str) -> Result<SecretString> {
    if from_stdin {
        return Ok(SecretString::from(stdin_line(what)?));
    }
    if let Some(value) = std::env::var_os(env).filter(|v| !v.is_empty()) {
        let value = value.into_string().map_err(|_| anyhow::anyhow!("{env} is not valid UTF-8"))?;
        return Ok(SecretString::from(value));
    }
    if interactive() {
        return password(label);
    }
    bail!("no {what}: use {flag} or set {env} (there is no terminal to prompt on)")
}

/// Asks for a password without echo.
pub fn password(question: &str) -> Result<SecretString> {
    let pw = rpassword::prompt_password(format!("{question}: ")).context("cannot read the password")?;
    Ok(SecretString::from(pw))
}

/// Reads the first line of stdin, without its line ending. Empty input is an error.
pub fn stdin_line(what: &str) -> Result<String> {
    let mut line = String::new();
    io::stdin().lock().read_line(&mut line).with_context(|| format!("cannot read the {what} from stdin"))?;
    let line = line.strip_suffix('\n').unwrap_or(&line);
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        bail!("no {what} on stdin");
    }
    Ok(line.to_owned())
}
