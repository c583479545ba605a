//! Wire types and models of the Armor API.
//!
//! This crate is the single definition of the API that both the client library
//! (`armor-client`) and the emulator (`armor-emulator`) speak. It does no I/O: it only
//! holds serde models, validated value types (tokens, ids, API versions), the error
//! bodies the API returns, the `expires_in` unit rule, and the ASP.NET-style binding of
//! request bodies that the emulator uses ([`binding`]).
//!
//! Response models are read tolerantly ([`lenient`]): only what a command needs is
//! required; any other field may be `null`, missing or of another JSON type.
//!
//! Secrets ([`token::AccessToken`], passwords) are wrapped so that `Debug` never shows
//! them; they are exposed only where they go on the wire or into the session file.

pub mod accounts;
pub mod api_version;
pub mod auth;
pub mod binding;
pub mod clock;
pub mod error_body;
pub mod identity;
pub mod ids;
pub mod infra;
pub mod lenient;
pub mod psk;
pub mod token;

pub use api_version::ApiVersion;
pub use clock::{Clock, ManualClock, SystemClock};
pub use error_body::ErrorBody;
pub use identity::{Account, Me, User, UserLinks};
pub use ids::{AccountId, CoreInstanceId, TierId, UserId, VmId, WorkloadId};
pub use token::{AccessToken, ExpiresInUnit, TokenFormatError};
