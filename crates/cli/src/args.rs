//! Command-line arguments, parsed by clap into plain data.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::args_res::{ApiArgs, DatacenterCommand, TierCommand, UserCommand, VmCommand, WorkloadCommand};
use crate::lazy::Lazy;

/// armor: the Armor cloud-security API from your shell, CI jobs and scripts.
///
/// Sign in once with `armor login`; every later command reuses and silently renews the
/// session of the profile. Try everything offline with `armor demo` or `armor emulator`.
#[derive(Debug, Parser)]
#[command(name = "armor", version, propagate_version = true, max_term_width = 100)]
#[cfg_attr(not(feature = "emulator"), command(after_help = format!("This armor was {NO_EMULATOR}")))]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// Armor API server: a host (https) or a URL; http:// only to loopback
    /// [default: the session's server, else api.armor.com]
    #[arg(long, global = true, env = "ARMOR_SERVER", value_name = "URL")]
    pub server: Option<String>,

    /// API version: v1.0 or internal [default: the session's, else v1.0]
    #[arg(long, global = true, env = "ARMOR_API_VERSION", value_name = "VERSION")]
    pub api_version: Option<String>,

    /// Profile whose session to use [default: the one chosen by `armor profile use`, else "default"]
    #[arg(long, global = true, env = "ARMOR_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,

    /// Directory of sessions and settings [default: the platform config dir + armor]
    #[arg(long, global = true, env = "ARMOR_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,

    /// Output format
    #[arg(long, short = 'o', global = true, env = "ARMOR_OUTPUT", value_enum, default_value_t = Format::Table)]
    pub output: Format,

    /// Filter the JSON output with a jq expression (implies -o json); strings print raw,
    /// other values as JSON, one per line
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Also trust the CA certificates in this PEM file (a private or TLS-inspecting CA);
    /// the operating system's trust store is always used
    #[arg(long, global = true, env = "ARMOR_CA_BUNDLE", value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,

    /// Log requests to stderr (-v: requests and session events, -vv: more; or ARMOR_VERBOSE=1|2);
    /// secrets are never logged
    #[arg(long, short = 'v', global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned, human-readable text
    Table,
    /// The API's JSON objects
    Json,
}

/// The commands; each one's arguments are built only when it is used ([`Lazy`]).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in and store the session of the profile
    Login(Lazy<LoginArgs>),
    /// End the session of the profile (asks for confirmation)
    Logout(Lazy<LogoutArgs>),
    /// Show the session: server, user, account context, expiry, renewal time
    Status,
    /// Show the signed-in user (GET /me) and refresh the stored identity
    Whoami,
    /// Work with the session's token
    #[command(subcommand)]
    Token(Lazy<TokenCommand>),
    /// Accounts and the account context
    #[command(subcommand)]
    Account(Lazy<AccountCommand>),
    /// Named profiles: one session (server, credentials, account context) each
    #[command(subcommand)]
    Profile(Lazy<ProfileCommand>),
    /// Virtual machines: list, show, power, rename, remove, create
    #[command(subcommand)]
    Vm(Lazy<VmCommand>),
    /// Workloads (groups of tiers and VMs)
    #[command(subcommand)]
    Workload(Lazy<WorkloadCommand>),
    /// Tiers of a workload
    #[command(subcommand)]
    Tier(Lazy<TierCommand>),
    /// Users of the account
    #[command(subcommand)]
    User(Lazy<UserCommand>),
    /// Datacenters
    #[command(subcommand)]
    Datacenter(Lazy<DatacenterCommand>),
    /// Call any API endpoint with the session (like `gh api`) and print the response body
    Api(Lazy<ApiArgs>),
    /// Run a command with ARMOR_SERVER, ARMOR_TOKEN (freshly renewed) and ARMOR_ACCOUNT_ID set
    ///
    /// The token is passed only in the environment, never in an argument list. Profiles
    /// with an API key have no token: ARMOR_TOKEN is then not set. The exit status is the
    /// command's. Example: armor exec -- sh -c 'curl -s -H "Authorization: FH-AUTH
    /// $ARMOR_TOKEN" "$ARMOR_SERVER/me"'
    Exec {
        /// The command and its arguments (after --)
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true, value_name = "COMMAND")]
        command: Vec<String>,
    },
    /// Run the Armor API emulator in the foreground until Ctrl-C
    #[cfg(feature = "emulator")]
    Emulator(Lazy<EmulatorArgs>),
    /// Walk through login, status, token reissue, whoami and logout against a built-in emulator
    #[cfg(feature = "emulator")]
    Demo,
    /// `armor emulator` and `armor demo` in a build without the emulator: says how to get them
    #[cfg(not(feature = "emulator"))]
    #[command(name = "emulator", alias = "demo", hide = true, disable_help_flag = true)]
    NoEmulator {
        /// Ignored
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
    },
    /// Write man pages (one per command and subcommand) to DIR; view with man -l DIR/armor.1
    Man {
        /// Directory to write the pages to (created if missing)
        dir: PathBuf,
    },
    /// Print a shell completion script
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// User name (e-mail); prompts on a terminal if missing
    #[arg(long, env = "ARMOR_USERNAME")]
    pub username: Option<String>,
    /// Read the password from the first line of stdin (else ARMOR_PASSWORD, else a prompt)
    #[arg(long, conflicts_with = "api_key_id")]
    pub password_stdin: bool,
    /// Store an API key (ARMOR-PSK) instead of signing in with a password
    #[arg(long, value_name = "ID", conflicts_with = "username")]
    pub api_key_id: Option<String>,
    /// Read the API key's secret from the first line of stdin (else ARMOR_API_KEY_SECRET, else a prompt)
    #[arg(long, requires = "api_key_id")]
    pub api_key_secret_stdin: bool,
    /// Keep the API key's secret in the OS credential store (Secret Service, Keychain,
    /// Credential Manager) instead of the session file, which then holds only a reference
    #[arg(long, requires = "api_key_id")]
    pub keyring: bool,
    /// Account context to use (one of your account ids) [default: the first]
    #[arg(long, value_name = "ID")]
    pub account: Option<String>,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Show what would be done and change nothing
    #[arg(long)]
    pub what_if: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Exchange the token for a new one (POST /auth/token/reissue) and update the session
    Reissue {
        /// The token to reissue, or - to read it from stdin [default: the session's]
        token: Option<String>,
        /// Show what would be done and send nothing
        #[arg(long)]
        what_if: bool,
        /// Ask for confirmation first
        #[arg(long)]
        confirm: bool,
    },
    /// Print the session's token (renewed first if due), e.g. for curl -H
    Print,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// List your accounts (GET /accounts)
    List,
    /// Show one of your accounts
    Show {
        /// Account id
        id: String,
    },
    /// Show an account's mailing address (GET /accounts/{id}) [default: the account context]
    Address {
        /// Account id
        id: Option<String>,
    },
    /// Show the account context, or set it to ID
    Context {
        /// Account id to switch to
        id: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProfileCommand {
    /// List the profiles with a stored session
    List,
    /// Make NAME the profile used when --profile and ARMOR_PROFILE are not given
    Use {
        /// The profile
        name: String,
    },
}

/// What a client-only build says about `armor emulator` and `armor demo` (in its help and
/// as the error of those commands), after "this armor was".
#[cfg(not(feature = "emulator"))]
pub const NO_EMULATOR: &str = "built without the emulator: `armor emulator` and `armor demo` need the \
`emulator` feature of armor-cli, which is on by default (`cargo install --path crates/cli` in a \
checkout of armor, without --no-default-features).";

#[cfg(feature = "emulator")]
#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Address to listen on; port 0 picks a free port
    #[arg(long, default_value = "127.0.0.1:0")]
    pub listen: std::net::SocketAddr,
    /// Access token lifetime in seconds
    #[arg(long, default_value_t = 900, value_name = "SECONDS")]
    pub token_ttl: u64,
    /// Authorization code lifetime in seconds
    #[arg(long, default_value_t = 120, value_name = "SECONDS")]
    pub code_ttl: u64,
    /// Unit of expires_in in token responses (the v1 API uses minutes)
    #[arg(long, value_enum, default_value_t = Unit::Minutes)]
    pub expires_in_unit: Unit,
    /// Demo user name
    #[arg(long, default_value = armor_emulator::EmulatorConfig::DEMO_USERNAME)]
    pub demo_username: String,
    /// Demo password
    #[arg(long, default_value = armor_emulator::EmulatorConfig::DEMO_PASSWORD)]
    pub demo_password: String,
    /// Demo API key id (ARMOR-PSK)
    #[arg(long, default_value = armor_emulator::EmulatorConfig::DEMO_API_KEY_ID)]
    pub demo_api_key_id: String,
    /// Demo API key secret
    #[arg(long, default_value = armor_emulator::EmulatorConfig::DEMO_API_KEY_SECRET)]
    pub demo_api_key_secret: String,
    /// How long power actions and new VMs take to reach their state, in milliseconds
    #[arg(long, default_value_t = 2000, value_name = "MS")]
    pub power_delay_ms: u64,
    /// Serve GET /me with PascalCase names (User as a one-element list), as recorded from the original module
    #[arg(long)]
    pub pascal_case_me: bool,
    /// Change a few fields of every JSON response (null, "", -1, 0, [], {}, a string for a number, removed), reproducibly from SEED
    #[arg(long, value_name = "SEED")]
    pub mutate_responses: Option<u64>,
    /// Keep tokens valid after they are reissued (by default reissue invalidates the old token)
    #[arg(long)]
    pub keep_old_tokens: bool,
    /// How long a reissued token keeps working after the reissue (default: not at all)
    #[arg(long, default_value_t = 0, value_name = "SECONDS")]
    pub reissue_grace: u64,
    /// Inject a fault into token reissues: drop (apply it, then drop the connection
    /// without answering), error (answer 500), hang (never answer)
    #[arg(long, value_enum, value_name = "FAULT")]
    pub reissue_fault: Option<ReissueFaultArg>,
    /// Inject the reissue fault this many times only (default: every time)
    #[arg(long, value_name = "N", requires = "reissue_fault")]
    pub reissue_fault_count: Option<u32>,
    /// Failed logins per user name within a minute before answering 429
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub max_failed_logins: u32,
    /// Inject a fault: 'METHOD PATH=KIND:RATE', KIND one of 500, 503, 429, reset, delay:MS;
    /// RATE from 0 to 1; PATH may use {name} for one segment (repeatable)
    #[arg(long = "fault", value_name = "RULE")]
    pub faults: Vec<armor_emulator::FaultRule>,
    /// Seed of the generator that decides when faults fire (same seed, same faults)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub fault_seed: u64,
    /// Most connections open at once; at the limit the oldest idle one is closed
    #[arg(long, default_value_t = 1024, value_name = "N")]
    pub max_connections: usize,
    /// Serve https with a certificate from a private CA generated at start; the CA's PEM
    /// file path is printed on the line after the URL
    #[arg(long)]
    pub tls: bool,
}

/// A fault injected into token reissues.
#[cfg(feature = "emulator")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReissueFaultArg {
    /// Apply the reissue, then drop the connection without answering
    Drop,
    /// Answer 500 without reissuing
    Error,
    /// Never answer
    Hang,
}

/// The unit of `expires_in`.
#[cfg(feature = "emulator")]
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Unit {
    /// Minutes (15)
    Minutes,
    /// Seconds (900)
    Seconds,
}
