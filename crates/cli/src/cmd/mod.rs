//! The commands. Each takes the resolved [`Context`] and writes its result to `out`.

mod account;
mod api;
#[cfg(feature = "emulator")]
mod demo;
mod directory;
#[cfg(feature = "emulator")]
mod emulator;
pub mod exec;
mod man;
mod profile;
mod session;
mod token;
mod vm;
mod workload;

use std::io::Write;

use anyhow::{Result, bail};
use clap::CommandFactory;

use crate::args::{AccountCommand, Cli, Command, Format, ProfileCommand, TokenCommand};
use crate::context::Context;
use crate::jq;
use crate::lazy::Lazy;

/// Runs the parsed command line.
pub async fn run(mut cli: Cli, out: &mut dyn Write) -> Result<()> {
    let Some(code) = cli.global.jq.take() else {
        return run_command(cli, out).await;
    };
    #[cfg(feature = "emulator")]
    if matches!(cli.command, Command::Emulator(_) | Command::Demo) {
        bail!("--jq works only with commands that print JSON; this one does not");
    }
    if matches!(
        cli.command,
        Command::Completions { .. }
            | Command::Man { .. }
            | Command::Exec { .. }
            | Command::Token(Lazy(TokenCommand::Print))
    ) {
        bail!("--jq works only with commands that print JSON; this one does not");
    }
    // Compile first: a bad expression fails before anything is sent.
    let filter = jq::Filter::new(&code)?;
    cli.global.output = Format::Json;
    let mut json = Vec::new();
    run_command(cli, &mut json).await?;
    filter.run(&json, out)
}

async fn run_command(cli: Cli, out: &mut dyn Write) -> Result<()> {
    // Only the commands that use a session resolve the global options (and may fail on them).
    let global = cli.global;
    let ctx = || Context::from_global(&global);
    match cli.command {
        #[cfg(feature = "emulator")]
        Command::Emulator(Lazy(args)) => emulator::run(args, out).await,
        #[cfg(feature = "emulator")]
        Command::Demo => demo::run(global.output, out).await,
        #[cfg(not(feature = "emulator"))]
        Command::NoEmulator { .. } => bail!("this armor was {}", crate::args::NO_EMULATOR),
        Command::Man { dir } => man::run(&dir, out),
        Command::Exec { command } => exec::run(&ctx()?, command).await,
        Command::Completions { shell } => {
            // clap_complete panics on write errors, so render first, then write.
            let mut script = Vec::new();
            crate::lazy::build_all();
            clap_complete::generate(shell, &mut Cli::command(), "armor", &mut script);
            out.write_all(&script)?;
            Ok(())
        }
        Command::Login(Lazy(args)) => session::login(&ctx()?, args, out).await,
        Command::Logout(Lazy(args)) => session::logout(&ctx()?, args, out).await,
        Command::Status => session::status(&ctx()?, out).await,
        Command::Whoami => account::whoami(&ctx()?, out).await,
        Command::Token(Lazy(TokenCommand::Reissue { token, what_if, confirm })) => {
            token::reissue(&ctx()?, token, what_if, confirm, out).await
        }
        Command::Token(Lazy(TokenCommand::Print)) => token::print(&ctx()?, out).await,
        Command::Account(Lazy(AccountCommand::List)) => account::list(&ctx()?, out).await,
        Command::Account(Lazy(AccountCommand::Context { id })) => account::context(&ctx()?, id, out).await,
        Command::Account(Lazy(AccountCommand::Show { id })) => {
            directory::account_show(&ctx()?, &id, out).await
        }
        Command::Account(Lazy(AccountCommand::Address { id })) => {
            directory::account_address(&ctx()?, id.as_deref(), out).await
        }
        Command::Vm(Lazy(cmd)) => vm::run(&ctx()?, cmd, out).await,
        Command::Workload(Lazy(cmd)) => workload::workload(&ctx()?, cmd, out).await,
        Command::Tier(Lazy(cmd)) => workload::tier(&ctx()?, cmd, out).await,
        Command::User(Lazy(cmd)) => directory::user(&ctx()?, cmd, out).await,
        Command::Datacenter(Lazy(cmd)) => directory::datacenter(&ctx()?, cmd, out).await,
        Command::Api(Lazy(args)) => api::run(&ctx()?, args, out).await,
        Command::Profile(Lazy(ProfileCommand::List)) => profile::list(&ctx()?, out),
        Command::Profile(Lazy(ProfileCommand::Use { name })) => profile::use_profile(&ctx()?, &name, out),
    }
}
