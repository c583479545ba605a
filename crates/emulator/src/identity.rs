//! Identity endpoints: `GET /me` and `GET /accounts`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use serde_json::Value;

use crate::auth::Caller;
use crate::state::AppState;

/// `GET /me`: works without `X-Account-Context` (login calls it before any is known).
/// PascalCase when configured so (`--pascal-case-me`).
pub async fn me(State(state): State<Arc<AppState>>, caller: Caller) -> Response {
    tracing::debug!(account = ?caller.account, "GET /me");
    crate::state::json_response(state.me_body())
}

/// `GET /accounts`.
pub async fn accounts(State(state): State<Arc<AppState>>, caller: Caller) -> Json<Vec<Value>> {
    tracing::debug!(account = ?caller.account, "GET /accounts");
    Json(state.tenant.accounts())
}

/// `GET /users/{id}/keys`: the user's API keys (never their secrets). Restricted for
/// API keys themselves.
pub async fn user_keys(
    State(state): State<Arc<AppState>>,
    axum::extract::Path(id): axum::extract::Path<String>,
    _caller: Caller,
) -> Result<Json<serde_json::Value>, crate::error::ApiError> {
    if id.parse::<u32>().ok() != Some(state.tenant.user_id) {
        return Err(crate::error::ApiError::not_found(format!("No user {id}")));
    }
    Ok(Json(serde_json::json!([{
        "id": state.config.demo_api_key_id,
        "name": "Demo key",
        "createdDate": "2026-01-05T00:00:00+00:00",
        "lastUsed": null,
        "keyStatus": "True"
    }])))
}
