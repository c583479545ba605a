//! What every handler uses: the request-body extractor and its limit, ids and names from
//! requests, randomness.

pub use crate::body::JsonBody;
use crate::error::ApiError;
pub use crate::random::random_hex;

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
