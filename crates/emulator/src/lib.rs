//! A local, in-memory emulator of the Armor API.
//!
//! The emulator serves the FH-AUTH login flow (`/auth/authorize`, `/auth/token`,
//! `/auth/token/reissue`), identity (`/me`, `/accounts`), the resources of a demo tenant
//! (VMs, workloads, tiers, datacenters, users, VM orders), and a statistics endpoint
//! (`/_emulator/stats`) over plain HTTP on loopback, or https with a certificate from a
//! private CA generated at start ([`Emulator::start_tls`]). Requests authenticate with an
//! FH-AUTH token or an ARMOR-PSK signature; resources are scoped by `X-Account-Context`. All state lives in memory and time
//! comes from an injectable [`Clock`](armor_core::Clock), so tests can advance it.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use armor_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig::default()).await?;
//! println!("listening on {}", emulator.url());
//! emulator.stop().await;
//! # Ok(()) }
//! ```

mod auth;
mod body;
mod config;
mod directory;
mod error;
mod estate;
mod expiry;
mod faults;
mod helpers;
mod identity;
pub mod mutate;
mod nonces;
mod random;
mod serve;
mod server;
mod state;
mod stats;
mod tenant;
mod tls;
mod tokens;
mod vms;
mod workloads;

pub use config::{ConfigError, EmulatorConfig, ReissueFault, TokenUnit};
pub use faults::{FaultError, FaultKind, FaultRule};
pub use server::Emulator;
pub use stats::{EndpointStats, Stats};
