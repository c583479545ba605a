//! What every handler uses: the request-body extractor and its limit, ids and names from
//! requests, the account a request acts in, randomness.

use armor_core::infra::NameRequest;

pub use crate::body::JsonBody;
use crate::error::ApiError;
use crate::estate::AccountEstate;
pub use crate::random::random_hex;
use crate::state::AppState;

/// The largest request body accepted (1 MiB); larger ones get 413.
pub const MAX_BODY: usize = 1024 * 1024;

/// Parses a numeric path id, or 400.
pub fn id(kind: &str, raw: &str) -> Result<u32, ApiError> {
    armor_core::ids::parse_id(kind, raw).map_err(ApiError::invalid)
}

/// A name from a request body: trimmed, 1-64 characters, no control characters.
pub fn name(raw: &str) -> Result<String, ApiError> {
    let n = raw.trim();
    if n.is_empty() || n.chars().count() > 64 || n.chars().any(char::is_control) {
        return Err(ApiError::invalid("The name must be 1-64 characters without control characters"));
    }
    Ok(n.to_owned())
}

/// The name a rename's `{name}` body gives the resource whose path id is `path`: the body's
/// `id`, optional, must be the path's (else 400), and the name must pass [`name`].
pub fn new_name(req: &NameRequest, path: u32) -> Result<String, ApiError> {
    match req.id {
        Some(id) if id != path => Err(ApiError::invalid(format!(
            "The id in the body ({id}) must match the id in the path ({path})"
        ))),
        _ => name(&req.name),
    }
}

/// Runs `act` on the resources of `account` (the caller's), under the estate lock.
pub fn in_account<T>(
    state: &AppState,
    account: u32,
    act: impl FnOnce(&mut AccountEstate) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    act(state.estate().account(account))
}
