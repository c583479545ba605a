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
//! ```no_run
//! # async fn demo() -> armor_client::Result<()> {
//! use armor_client::{Client, SessionStore};
//! let store = SessionStore::new("/home/me/.config/armor", "default")?;
//! let client = Client::builder().server("https://api.armor.com").store(store).build()?;
//! let me = client.whoami().await?;
//! println!("{}", me.user.username);
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
mod renewal;
pub mod resources;
mod retry;
mod safe_fs;
mod server;
mod session;
mod session_file;
mod settings;
mod signals;
mod store;
mod tls;

pub use armor_core as core;
pub use client::{Client, ClientBuilder};
pub use error::{ApiFailure, Error, Result};
pub use http::{RawResponse, Timeouts};
pub use limits::{DEFAULT_MAX_RESPONSE_BYTES, ResponseStream};
pub use reqwest::Method;
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
