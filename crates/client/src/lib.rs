//! Client library for the Armor cloud-security REST API (Armor Anywhere / Armor Complete).
//!
//! A [`Client`] holds a session — server, API version, FH-AUTH token, identity and
//! account context — and keeps it alive: before every authenticated call,
//! [`Client::ensure_fresh`] reissues the token once less than 2/3 of its lifetime is left
//! (advisory: a failure only warns) or in its last minute (mandatory), see
//! [`RenewalPolicy`], and removes the session once it has expired. With a
//! [`SessionStore`] the session is kept in a private file shared by every process of the
//! same profile; renewal is guarded by an advisory lock so that many processes reissue a
//! token exactly once, and a request that meets a token another process just reissued
//! (401) is sent once more with the new one. A call with a fresh token takes no lock.
//!
//! ## Logging in and calling the API
//!
//! A login stores the session in the profile's file; later clients of the same profile
//! (in this process or another) pick it up. Resources have one handler each
//! ([`Client::vms`], [`Client::workloads`], [`Client::tiers`], ...), taking typed ids
//! ([`core::VmId`], [`core::WorkloadId`], ...) so that one cannot be passed for another.
//! (This example runs against the built-in emulator; against Armor, the server is
//! `https://api.armor.com`, the default.)
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = armor_emulator::Emulator::start(Default::default()).await?;
//! # let server = emulator.url().to_owned();
//! # let dir = tempfile::tempdir()?;
//! # let (config_dir, username) = (dir.path(), armor_emulator::EmulatorConfig::DEMO_USERNAME);
//! # let password = secrecy::SecretString::from(armor_emulator::EmulatorConfig::DEMO_PASSWORD);
//! use armor_client::core::infra::VmStatus;
//! use armor_client::{Client, SessionStore};
//!
//! let store = SessionStore::new(config_dir, "default")?;
//! let client = Client::builder().server(&server).store(store.clone()).build()?;
//! let session = client.login(username, password, None).await?;
//! println!("logged in as {}", session.user.username);
//! # assert_eq!(session.user.username, username);
//!
//! // Another client of the same profile reuses (and renews) the stored session.
//! let client = Client::builder().store(store).build()?;
//! let vms = client.vms().list().await?;
//! # assert!(!vms.is_empty(), "the demo tenant has VMs");
//! for vm in vms {
//!     let status = vm.status.map(VmStatus::from);
//!     println!("{:?} {:?}: {status:?}", vm.vm_id, vm.name);
//! }
//! # emulator.stop().await;
//! # Ok(()) }
//! ```
//!
//! ## Errors
//!
//! Every failure is an [`Error`] whose message says what happened; [`Error::kind`] says
//! which kind of failure it is, for a program to act on (the `armor` CLI turns
//! [`ErrorKind::NoSession`] into "run `armor login`", for example):
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! use armor_client::{Client, ErrorKind, SessionStore};
//!
//! let store = SessionStore::new(dir.path(), "nobody")?;
//! let client = Client::builder().store(store).build()?;
//! match client.whoami().await {
//!     Err(e) if e.kind() == ErrorKind::NoSession => println!("not logged in: {e}"),
//!     Err(e) if e.kind() == ErrorKind::Unauthorized => println!("credentials refused: {e}"),
//!     Err(e) => return Err(e.into()),
//!     Ok(me) => println!("{}", me.user.username),
//! }
//! # Ok(()) }
//! ```
//!
//! A request of your own goes through the same session, freshness check and account
//! context ([`Client::get`], [`Client::send_json`], [`Client::send_ok`] with [`NO_BODY`]):
//!
//! ```no_run
//! # async fn demo(client: armor_client::Client) -> armor_client::Result<()> {
//! use armor_client::{Method, NO_BODY};
//!
//! let locations: serde_json::Value = client.get("/locations").await?;
//! client.send_ok(Method::DELETE, "/apps/7/tiers/3", NO_BODY).await?;
//! # Ok(()) }
//! ```
//!
//! API keys (ARMOR-PSK) sign every request instead ([`Client::login_api_key`], or
//! [`ClientBuilder::api_key`] for a key held only in memory); nothing is renewed.
//!
//! Plain `http://` is accepted only for loopback hosts (the emulator); anything else must
//! be https and is refused before a byte is sent. https trusts the operating system's
//! certificate store plus any [`CaBundle`] given to [`ClientBuilder::ca_bundle`];
//! `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY` are honoured for https servers.

mod auth;
mod client;
mod error;
mod http;
pub mod keyring;
mod limits;
mod overlap;
mod renewal;
mod request;
pub mod resources;
mod retry;
mod safe_fs;
mod server;
mod session;
mod session_file;
mod settings;
mod signals;
mod stamp;
mod store;
mod tls;

pub use ::http::Method;
pub use armor_core as core;
pub use client::{Client, ClientBuilder};
pub use error::{ApiFailure, Error, ErrorKind, Result, TransportError};
pub use http::{RawResponse, Timeouts};
pub use limits::{DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RESPONSE_VALUES, ResponseStream};
pub use request::NO_BODY;
pub use retry::MAX_ATTEMPTS;
pub use server::ServerUrl;
pub use session::{
    ApiKey, ApiSecret, Credentials, FORMAT as SESSION_FORMAT, Freshness, RenewalPolicy, Session, TokenState,
};
pub use settings::Settings;
pub use signals::leave_signals_to_caller;
pub use store::{
    DEFAULT_PROFILE, FileStamp, PreparedSave, SessionStore, StoreLock, default_config_dir, validate_profile,
};
pub use tls::CaBundle;
