//! `armor emulator`: the emulator in the foreground until Ctrl-C (or SIGTERM).

use std::io::Write;
use std::time::Duration;

use anyhow::{Context, Result};
use armor_emulator::{Emulator, EmulatorConfig, ReissueFault, TokenUnit};

use crate::args::{EmulatorArgs, ReissueFaultArg, Unit};

pub async fn run(args: EmulatorArgs, out: &mut dyn Write) -> Result<()> {
    let config = EmulatorConfig {
        listen: args.listen,
        token_ttl: Duration::from_secs(args.token_ttl),
        code_ttl: Duration::from_secs(args.code_ttl),
        expires_in_unit: match args.expires_in_unit {
            Unit::Minutes => TokenUnit::Minutes,
            Unit::Seconds => TokenUnit::Seconds,
        },
        demo_username: args.demo_username,
        demo_password: args.demo_password,
        demo_api_key_id: args.demo_api_key_id,
        demo_api_key_secret: args.demo_api_key_secret,
        keep_old_tokens: args.keep_old_tokens,
        reissue_grace: Duration::from_secs(args.reissue_grace),
        reissue_fault: args.reissue_fault.map(|f| match f {
            ReissueFaultArg::Drop => ReissueFault::Drop,
            ReissueFaultArg::Error => ReissueFault::Error,
            ReissueFaultArg::Hang => ReissueFault::Hang,
        }),
        reissue_fault_count: args.reissue_fault_count,
        max_failed_logins: args.max_failed_logins,
        power_delay: Duration::from_millis(args.power_delay_ms),
        pascal_case_me: args.pascal_case_me,
        mutate_responses: args.mutate_responses,
        faults: args.faults,
        fault_seed: args.fault_seed,
        max_connections: args.max_connections,
        ..EmulatorConfig::default()
    };
    config.validate()?;
    let started = if args.tls { Emulator::start_tls(config).await } else { Emulator::start(config).await };
    let emulator = started.with_context(|| format!("cannot listen on {}", args.listen))?;
    let c = emulator.config();
    // The first line is the URL alone, for scripts: `url=$(armor emulator | head -n1)`;
    // with --tls the second is the CA file alone.
    writeln!(out, "{}", emulator.url())?;
    if let Some(ca) = emulator.ca_file() {
        writeln!(out, "{}", ca.display())?;
    }
    writeln!(out, "demo username: {}", c.demo_username)?;
    writeln!(out, "demo password: {}", c.demo_password)?;
    writeln!(out, "demo API key id: {}", c.demo_api_key_id)?;
    writeln!(out, "demo API key secret: {}", c.demo_api_key_secret)?;
    writeln!(
        out,
        "token ttl: {} s (expires_in in {}), code ttl: {} s",
        c.token_ttl.as_secs(),
        if c.expires_in_unit == TokenUnit::Minutes { "minutes" } else { "seconds" },
        c.code_ttl.as_secs()
    )?;
    for rule in &c.faults {
        writeln!(out, "fault: {rule} at rate {}", rule.rate())?;
    }
    match emulator.ca_file() {
        Some(ca) => writeln!(
            out,
            "try: ARMOR_CA_BUNDLE={} armor login --server {} --username {}",
            ca.display(),
            emulator.url(),
            c.demo_username
        )?,
        None => writeln!(out, "try: armor login --server {} --username {}", emulator.url(), c.demo_username)?,
    }
    writeln!(out, "press Ctrl-C to stop")?;
    out.flush()?;
    emulator.run_until(shutdown_signal()).await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
