//! Identity endpoints: `GET /me` and `GET /accounts`.

use std::sync::Arc;

use armor_core::{Account, Me};
use axum::Json;
use axum::extract::State;

use crate::auth::Caller;
use crate::state::AppState;

/// `GET /me`: works without `X-Account-Context` (login calls it before any is known).
pub async fn me(State(state): State<Arc<AppState>>, caller: Caller) -> Json<Me> {
    tracing::debug!(account = ?caller.account, "GET /me");
    Json(state.tenant.me())
}

/// `GET /accounts`.
pub async fn accounts(State(state): State<Arc<AppState>>, caller: Caller) -> Json<Vec<Account>> {
    tracing::debug!(account = ?caller.account, "GET /accounts");
    Json(state.tenant.accounts())
}
