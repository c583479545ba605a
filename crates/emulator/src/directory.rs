//! Tenant-wide endpoints: datacenters (`/locations`), users (`/users`), and account
//! addresses (`/accounts/{id}`).

use std::sync::Arc;

use armor_core::accounts::{AccountAddress, AccountUser};
use armor_core::infra::Datacenter;
use axum::Json;
use axum::extract::{Path, State};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::estate::address;
use crate::state::AppState;
use crate::vms::id;

/// `GET /locations`.
pub async fn locations(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<Vec<Datacenter>>, ApiError> {
    caller.account()?;
    Ok(Json(state.estate().datacenters.clone()))
}

/// `GET /users`.
pub async fn users(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<Vec<AccountUser>>, ApiError> {
    caller.account()?;
    Ok(Json(state.estate().users.clone()))
}

/// `GET /users/{id}`.
pub async fn user(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<AccountUser>, ApiError> {
    let account = caller.account()?;
    let user_id = id("user", &raw)?;
    let estate = state.estate();
    estate
        .users
        .iter()
        .find(|u| u.id == user_id)
        .cloned()
        .map(Json)
        .ok_or_else(|| ApiError::missing("User", user_id, account))
}

/// `GET /accounts/{id}`: the mailing address; 403 for an account the user lacks.
pub async fn account(
    State(state): State<Arc<AppState>>,
    _caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<AccountAddress>, ApiError> {
    let account_id = id("account", &raw)?;
    let demo = state
        .tenant
        .accounts
        .iter()
        .find(|a| a.id == account_id)
        .ok_or_else(|| ApiError::forbidden(format!("The user has no access to account {account_id}")))?;
    Ok(Json(address(demo.id, demo.name)))
}
