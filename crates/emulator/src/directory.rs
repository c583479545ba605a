//! Tenant-wide endpoints: datacenters (`/locations`), users (`/users`), and account
//! addresses (`/accounts/{id}`).

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::Value;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::estate::address;
use crate::helpers::id;
use crate::state::AppState;

/// `GET /locations`.
pub async fn locations(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<Vec<Value>>, ApiError> {
    caller.account()?;
    Ok(Json(state.estate().datacenters.iter().map(|d| d.to_json()).collect()))
}

/// `GET /users`.
pub async fn users(State(state): State<Arc<AppState>>, caller: Caller) -> Result<Json<Vec<Value>>, ApiError> {
    caller.account()?;
    Ok(Json(state.estate().users.iter().map(|u| u.to_json()).collect()))
}

/// `GET /users/{id}`.
pub async fn user(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let user_id = id("user", &raw)?;
    let estate = state.estate();
    estate
        .users
        .iter()
        .find(|u| u.id == user_id)
        .map(|u| Json(u.to_json()))
        .ok_or_else(|| ApiError::missing("User", user_id, account))
}

/// `GET /accounts/{id}`: the mailing address, as a one-element list (as the v1 documents
/// say); 403 for an account the user lacks.
pub async fn account(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<[Value; 1]>, ApiError> {
    let account_id = id("account", &raw)?;
    let demo = state
        .tenant
        .accounts
        .iter()
        .find(|a| a.id == account_id)
        .ok_or_else(|| ApiError::forbidden(format!("The user has no access to account {account_id}")))?;
    Ok(Json([address(demo.id, demo.name)]))
}
