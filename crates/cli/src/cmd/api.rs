//! `armor api METHOD PATH`: a raw authenticated call, like `gh api`.

use std::io::{IsTerminal, Read, Write};

use anyhow::{Context as _, Result, bail};
use armor_client::Method;
use serde_json::Value;

use crate::args_res::ApiArgs;
use crate::change::{Impact, gate};
use crate::context::Context;

pub async fn run(ctx: &Context, args: ApiArgs, out: &mut dyn Write) -> Result<()> {
    let method = match args.method.to_ascii_uppercase().as_str() {
        "GET" => Method::GET,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "PATCH" => Method::PATCH,
        "DELETE" => Method::DELETE,
        other => bail!("unsupported method {other:?}: use GET, POST, PUT, PATCH or DELETE"),
    };
    if !args.path.starts_with('/')
        || args.path.contains("://")
        || args.path.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        bail!("invalid path {:?}: give an API path such as /vms", args.path);
    }
    let body = args.body.as_deref().map(read_body).transpose()?;
    let client = ctx.client()?;
    if method != Method::GET {
        let shown = body.as_ref().map(|b| b.1.clone());
        let what = format!("call {method} {}", args.path);
        if gate(out, &client, args.change, Impact::Medium, &what, (method.as_str(), &args.path, shown))
            .await?
        {
            return Ok(());
        }
    } else if args.change.what_if {
        bail!("--what-if is for requests that change something; a GET changes nothing");
    }
    let mut response = client.request_stream(method.clone(), &args.path, body.map(|b| b.0)).await?;
    let status = response.status();
    let ok = match args.expect {
        Some(want) => status == want,
        None => (200..300).contains(&status),
    };
    if !ok {
        // Not what was asked for: quote the start of the body in the error, print nothing.
        let mut start = Vec::new();
        while start.len() < QUOTED_BYTES
            && let Some(chunk) = response.chunk().await?
        {
            start.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&start[..start.len().min(QUOTED_BYTES)]).into_owned();
        let text = crate::sanitize::line(text.trim());
        let cut = if start.len() > QUOTED_BYTES { "…" } else { "" };
        let want = args.expect.map_or("2xx".to_owned(), |s| s.to_string());
        let said = if text.is_empty() { String::new() } else { format!(": {text}{cut}") };
        bail!("{method} {} answered HTTP {status} (expected {want}){said}", args.path);
    }
    if std::io::stdout().is_terminal() {
        // A person reads this: no escape sequences or control characters from the server
        // (a pipe or a file gets the exact bytes).
        let body = response.collect().await?;
        for line in String::from_utf8_lossy(&body).lines() {
            writeln!(out, "{}", crate::sanitize::clean(line, crate::sanitize::Mode::Cell))?;
        }
        return Ok(());
    }
    // Copied as it arrives (within the response size limit), never held whole.
    let mut last = None;
    while let Some(chunk) = response.chunk().await? {
        out.write_all(&chunk)?;
        last = chunk.last().copied().or(last);
    }
    if last.is_some_and(|b| b != b'\n') {
        writeln!(out)?;
    }
    Ok(())
}

/// How much of an unexpected answer's body the error quotes.
const QUOTED_BYTES: usize = 300;

/// The largest request body `armor api` reads from a file or stdin: 32 MiB (Armor's
/// endpoints take far less; the emulator refuses more than 1 MiB).
pub const MAX_REQUEST_BYTES: u64 = 32 * 1024 * 1024;

/// The body: JSON text, `@FILE` or `-` (stdin), at most [`MAX_REQUEST_BYTES`]; must be
/// valid JSON. Returns the bytes to send and the parsed value (for `--what-if`).
fn read_body(spec: &str) -> Result<(Vec<u8>, Value)> {
    let bytes = if spec == "-" {
        read_limited(std::io::stdin().lock(), "stdin")?
    } else if let Some(file) = spec.strip_prefix('@') {
        let f = std::fs::File::open(file).with_context(|| format!("cannot read the body from {file}"))?;
        read_limited(f, file)?
    } else {
        spec.as_bytes().to_vec()
    };
    let value: Value = serde_json::from_slice(&bytes).context("the body is not valid JSON")?;
    Ok((bytes, value))
}

/// Reads at most [`MAX_REQUEST_BYTES`] from `from` (an endless source such as `/dev/zero`
/// fails once past it, holding no more).
fn read_limited(from: impl Read, name: &str) -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    from.take(MAX_REQUEST_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read the body from {name}"))?;
    if buf.len() as u64 > MAX_REQUEST_BYTES {
        bail!("the body from {name} is larger than the limit of {MAX_REQUEST_BYTES} bytes");
    }
    Ok(buf)
}
