//! Workload (`/apps`) and tier (`/apps/{id}/tiers`) endpoints.

use std::sync::Arc;

use armor_core::infra::NameRequest;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::Value;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::estate::{AccountEstate, TierRecord};
use crate::helpers::{JsonBody, id, in_account, name, new_name};
use crate::state::AppState;

fn workload(acct: &AccountEstate, app_id: u32, account: u32, with_tiers: bool) -> Result<Value, ApiError> {
    let app = acct.app(app_id, account)?;
    Ok(acct.workload(app, with_tiers))
}

/// A workload or tier (`what`) is removed only without VMs (`vms` of them), else 400.
fn without_vms(what: &str, vms: usize) -> Result<(), ApiError> {
    if vms > 0 {
        return Err(ApiError::invalid(format!("{what} still has {vms} VMs; remove them first")));
    }
    Ok(())
}

/// Runs `act` on the caller's account (`act`'s second argument) and the workload and tier
/// ids of a `/apps/{id}/tiers/{tier}` path (its third), under the estate lock.
fn in_tier<T>(
    state: &AppState,
    caller: &Caller,
    (raw_app, raw_tier): &(String, String),
    act: impl FnOnce(&mut AccountEstate, u32, (u32, u32)) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let account = caller.account()?;
    let ids = (id("workload", raw_app)?, id("tier", raw_tier)?);
    in_account(state, account, |acct| act(acct, account, ids))
}

/// `GET /apps`.
pub async fn list(State(state): State<Arc<AppState>>, caller: Caller) -> Result<Json<Vec<Value>>, ApiError> {
    let account = caller.account()?;
    let estate = state.estate();
    let list = estate.accounts.get(&account).map(|a| a.apps.values().map(|w| a.workload(w, false)).collect());
    Ok(Json(list.unwrap_or_default()))
}

/// `GET /apps/{id}`: with tiers.
pub async fn show(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let app_id = id("workload", &raw)?;
    in_account(&state, account, |acct| workload(acct, app_id, account, true).map(Json))
}

/// `PUT /apps/{id}` `{name}`.
pub async fn rename(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let app_id = id("workload", &raw)?;
    let new_name = new_name(&req, app_id)?;
    in_account(&state, account, |acct| {
        acct.app_mut(app_id, account)?.name = new_name;
        workload(acct, app_id, account, true).map(Json)
    })
}

/// `DELETE /apps/{id}`: 202; refused while the workload still has VMs.
pub async fn remove(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    let account = caller.account()?;
    let app_id = id("workload", &raw)?;
    in_account(&state, account, |acct| {
        acct.app(app_id, account)?;
        without_vms(&format!("Workload {app_id}"), acct.vm_count(app_id, None))?;
        acct.apps.remove(&app_id);
        Ok(StatusCode::ACCEPTED)
    })
}

/// `GET /apps/{id}/tiers`.
pub async fn tiers(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Vec<Value>>, ApiError> {
    let account = caller.account()?;
    let app_id = id("workload", &raw)?;
    in_account(&state, account, |acct| {
        let app = acct.app(app_id, account)?;
        Ok(Json(app.tiers.iter().map(|t| acct.tier(app, t)).collect()))
    })
}

/// `POST /apps/{id}/tiers` `{name}`: the workload, with the new tier.
pub async fn add_tier(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let app_id = id("workload", &raw)?;
    let tier_name = name(&req.name)?;
    let mut estate = state.estate();
    let tier_id = estate.next_id();
    let acct = estate.account(account);
    let app = acct.app_mut(app_id, account)?;
    if app.tiers.iter().any(|t| t.name.eq_ignore_ascii_case(&tier_name)) {
        return Err(ApiError::invalid(format!("Workload {app_id} already has a tier named {tier_name:?}")));
    }
    app.tiers.push(TierRecord { id: tier_id, name: tier_name });
    workload(acct, app_id, account, true).map(Json)
}

/// `GET /apps/{id}/tiers/{tierId}`.
pub async fn show_tier(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(path): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    in_tier(&state, &caller, &path, |acct, account, (app_id, tier_id)| {
        let app = acct.app(app_id, account)?;
        Ok(Json(acct.tier(app, app.tier(tier_id, account)?)))
    })
}

/// `PUT /apps/{id}/tiers/{tierId}` `{name}`: the workload, with the renamed tier.
pub async fn rename_tier(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<Json<Value>, ApiError> {
    in_tier(&state, &caller, &path, |acct, account, (app_id, tier_id)| {
        let new_name = new_name(&req, tier_id)?;
        let app = acct.app_mut(app_id, account)?;
        let i = app.tier_index(tier_id, account)?;
        app.tiers[i].name = new_name;
        workload(acct, app_id, account, true).map(Json)
    })
}

/// `DELETE /apps/{id}/tiers/{tierId}`: the workload without the tier; refused while the
/// tier still has VMs.
pub async fn remove_tier(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(path): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    in_tier(&state, &caller, &path, |acct, account, (app_id, tier_id)| {
        let vms = acct.vm_count(app_id, Some(tier_id));
        let app = acct.app_mut(app_id, account)?;
        let pos = app.tier_index(tier_id, account)?;
        without_vms(&format!("Tier {tier_id}"), vms)?;
        app.tiers.remove(pos);
        workload(acct, app_id, account, true).map(Json)
    })
}
