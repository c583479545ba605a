//! [`Lazy`]: a command whose arguments clap builds only when the command line names it
//! (`clap::Command::defer`), so that `armor status` does not build the arguments of every
//! other command first. Completions and man pages, which need the whole tree at once (the
//! `help` subcommand's included), build it eagerly after [`build_all`].

use std::sync::atomic::{AtomicBool, Ordering};

use clap::{ArgMatches, Args, Command, FromArgMatches, Subcommand};

static EAGER: AtomicBool = AtomicBool::new(false);

/// From now on, `Cli::command()` builds every command at once, as without [`Lazy`].
pub fn build_all() {
    EAGER.store(true, Ordering::Relaxed);
}

/// `cmd` with `augment` applied now or on use; either way the command keeps the about
/// text it has (its variant's doc comment), as when clap's derive applies it last.
fn augment(cmd: Command, now: fn(Command) -> Command, later: fn(Command) -> Command) -> Command {
    if EAGER.load(Ordering::Relaxed) { now(cmd) } else { cmd.defer(later) }
}

fn keeping_about(cmd: Command, augment: impl FnOnce(Command) -> Command) -> Command {
    let (about, long_about) = (cmd.get_about().cloned(), cmd.get_long_about().cloned());
    let mut cmd = augment(cmd);
    if let Some(about) = about {
        cmd = cmd.about(about);
    }
    if let Some(long_about) = long_about {
        cmd = cmd.long_about(long_about);
    }
    cmd
}

fn subcommands<T: Subcommand>(cmd: Command) -> Command {
    keeping_about(cmd, T::augment_subcommands)
}

fn subcommands_for_update<T: Subcommand>(cmd: Command) -> Command {
    keeping_about(cmd, T::augment_subcommands_for_update)
}

fn args<T: Args>(cmd: Command) -> Command {
    keeping_about(cmd, T::augment_args)
}

fn args_for_update<T: Args>(cmd: Command) -> Command {
    keeping_about(cmd, T::augment_args_for_update)
}

/// `T` (a group of subcommands, or a command's arguments), built on use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lazy<T>(pub T);

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Lazy)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

impl<T: Subcommand> Subcommand for Lazy<T> {
    fn augment_subcommands(cmd: Command) -> Command {
        augment(cmd, T::augment_subcommands, subcommands::<T>)
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        augment(cmd, T::augment_subcommands_for_update, subcommands_for_update::<T>)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: Command) -> Command {
        augment(cmd, T::augment_args, args::<T>)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        augment(cmd, T::augment_args_for_update, args_for_update::<T>)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}
