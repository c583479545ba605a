//! VM endpoints: list, detail (by id or core GUID), rename, remove, power actions, and
//! VM orders.

use secrecy::ExposeSecret;
use std::sync::Arc;

use armor_core::infra::{DeleteVmRequest, NameRequest, PowerAction, VmOrderRequest, vm_status};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::estate::{AccountEstate, AppRecord, TierRecord, dotnet_time, new_vm};
use crate::helpers::{JsonBody, id, in_account, name, new_name};
use crate::state::{AppState, json_response};

fn detail(acct: &AccountEstate, vm_id: u32) -> Option<Value> {
    let v = acct.vms.get(&vm_id)?;
    Some(v.to_detail(acct.apps.get(&v.app_id)))
}

/// `GET /vms`: Complete VMs and agent-only ones.
pub async fn list(State(state): State<Arc<AppState>>, caller: Caller) -> Result<Response, ApiError> {
    let account = caller.account()?;
    let body = state.estate().cached_json(("GET /vms", account), |estate| {
        estate.accounts.get(&account).map(|a| a.vm_list(account)).unwrap_or_default()
    });
    Ok(json_response(body))
}

/// `GET /vms/{id}`.
pub async fn show(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let vm_id = id("VM", &raw)?;
    let estate = state.estate();
    estate
        .accounts
        .get(&account)
        .and_then(|a| detail(a, vm_id))
        .map(Json)
        .ok_or_else(|| ApiError::missing("VM", vm_id, account))
}

/// `GET /vms/core/{guid}`: a one-element list, as the v1 documents say; agent-only VMs
/// are found too.
pub async fn show_core(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(guid): Path<String>,
) -> Result<Json<[Value; 1]>, ApiError> {
    let account = caller.account()?;
    if guid.parse::<armor_core::CoreInstanceId>().is_err() {
        return Err(ApiError::invalid(format!("{guid:?} is not a core instance GUID")));
    }
    let estate = state.estate();
    let acct = estate.accounts.get(&account);
    acct.and_then(|a| {
        let agent = || a.agents.iter().find(|v| v.guid.eq_ignore_ascii_case(&guid)).map(|v| v.to_detail());
        a.vms
            .values()
            .find(|v| v.guid.eq_ignore_ascii_case(&guid))
            .and_then(|v| detail(a, v.id))
            .or_else(agent)
    })
    .map(|d| Json([d]))
    .ok_or_else(|| ApiError::missing("VM with core instance", &guid, account))
}

/// `PUT /vms/{id}` `{name}`.
pub async fn rename(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<NameRequest>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let vm_id = id("VM", &raw)?;
    let new_name = new_name(&req, vm_id)?;
    in_account(&state, account, |acct| {
        acct.vm_mut(vm_id, account)?.name = new_name;
        Ok(Json(detail(acct, vm_id).unwrap_or_default()))
    })
}

/// `DELETE /vms/{id}` with a DeleteVmRequest body: 202 and the VM is gone.
pub async fn remove(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(raw): Path<String>,
    JsonBody(req): JsonBody<DeleteVmRequest>,
) -> Result<(StatusCode, Json<bool>), ApiError> {
    let account = caller.account()?;
    let vm_id = id("VM", &raw)?;
    if req.vm_id != vm_id || req.account_id != account {
        return Err(ApiError::invalid(
            "vmId and accountId in the body must match the path and the account context",
        ));
    }
    if req.user_email.trim().is_empty() {
        return Err(ApiError::invalid("userEmail is required"));
    }
    in_account(&state, account, |acct| {
        acct.vms.remove(&vm_id).ok_or_else(|| ApiError::missing("VM", vm_id, account))?;
        Ok((StatusCode::ACCEPTED, Json(true)))
    })
}

/// `POST /vms/{id}/power/{action}`: the VM goes through "transitioning" and reaches the
/// action's state after the configured delay (`forceOff` at once: it only marks it off).
pub async fn power(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((raw, action)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let vm_id = id("VM", &raw)?;
    let action = PowerAction::parse(&action).ok_or_else(|| {
        ApiError::invalid(format!(
            "Unknown power action {action:?}: use on, reboot, reset, shutdown, off or forceOff"
        ))
    })?;
    let now = state.now();
    let delay = state.config.power_delay;
    let delay = if action == PowerAction::ForceOff { std::time::Duration::ZERO } else { delay };
    in_account(&state, account, |acct| {
        let vm = acct.vm_mut(vm_id, account)?;
        if vm.status == vm_status::PROVISIONING {
            return Err(ApiError::resource(
                StatusCode::CONFLICT,
                "Conflict",
                format!("VM {vm_id} is still being provisioned"),
            ));
        }
        vm.transition(action.target_status(), now, delay, vm_status::TRANSITIONING);
        Ok(Json(detail(acct, vm_id).unwrap_or_default()))
    })
}

/// `POST /orders/vms`: validates the order and creates the VMs (and a new workload or
/// tier when asked), which are provisioned after the power delay.
pub async fn order(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    JsonBody(req): JsonBody<VmOrderRequest>,
) -> Result<Json<Value>, ApiError> {
    let account = caller.account()?;
    let vm_name = name(&req.name)?;
    if req.secret.expose_secret().chars().count() < 8 {
        return Err(ApiError::invalid("The secret must be at least 8 characters"));
    }
    if req.sku.trim().is_empty() {
        return Err(ApiError::invalid("sku is required"));
    }
    if !(1..=10).contains(&req.quantity) {
        return Err(ApiError::invalid("quantity must be from 1 to 10"));
    }
    if req.storage.iter().any(|d| d.size == 0 || d.size > 16_384) {
        return Err(ApiError::invalid("Each disk must be 1-16384 GB"));
    }
    let now = state.now();
    let delay = state.config.power_delay;
    let mut estate = state.estate();
    let location = estate
        .datacenters
        .iter()
        .find(|d| d.location.eq_ignore_ascii_case(&req.location))
        .map(|d| d.location.clone())
        .ok_or_else(|| ApiError::invalid(format!("Unknown location {:?}", req.location)))?;
    // A new workload or tier: id -1 (the documents) or 0 (the original module, whose unset
    // id parameter is 0), with a name.
    let app_id = match (req.app_id, &req.app_name) {
        (-1 | 0, Some(n)) => {
            let id = estate.next_id();
            let app = AppRecord { id, name: name(n)?, location: location.clone(), tiers: Vec::new() };
            estate.account(account).apps.insert(id, app);
            id
        }
        (id, _) if id > 0 => u32::try_from(id).map_err(|_| ApiError::invalid("appId is out of range"))?,
        _ => {
            return Err(ApiError::invalid("Give an existing appId, or appId -1 with appName"));
        }
    };
    let new_tier = estate.next_id();
    let acct = estate.account(account);
    let app = acct.app_mut(app_id, account)?;
    let tier_id = match (req.tier_id, &req.tier_name) {
        (-1 | 0, Some(n)) => {
            app.tiers.push(TierRecord { id: new_tier, name: name(n)? });
            new_tier
        }
        (id, _) if id > 0 && app.tiers.iter().any(|t| i64::from(t.id) == id) => id as u32,
        (id, _) if id > 0 => return Err(ApiError::missing("Tier", id, account)),
        _ => {
            return Err(ApiError::invalid("Give an existing tierId, or tierId -1 with tierName"));
        }
    };
    let disks: Vec<u32> =
        if req.storage.is_empty() { vec![40] } else { req.storage.iter().map(|d| d.size).collect() };
    let mut created = Vec::new();
    for i in 0..req.quantity {
        let id = estate.next_id();
        let n = if req.quantity == 1 { vm_name.clone() } else { format!("{vm_name}-{}", i + 1) };
        let mut vm = new_vm(id, &n, (app_id, tier_id), &location, vm_status::PROVISIONING, &req.sku, &disks);
        vm.transition(vm_status::POWERED_ON, now, delay, vm_status::PROVISIONING);
        created.push(json!({
            "trackingId": vm.guid, "vmId": id, "name": n, "location": location, "zone": null,
            "appId": app_id, "appName": req.app_name, "tierId": tier_id, "tierName": req.tier_name,
            "storage": req.storage, "software": [], "secret": null, "templateId": null,
            "vmProtectionPolicyId": null, "sku": req.sku, "quantity": 1, "accountId": account,
        }));
        estate.account(account).vms.insert(id, vm);
    }
    let order_id = estate.next_order;
    estate.next_order += 1;
    Ok(Json(json!({
        "id": order_id,
        "accountId": account,
        "status": "submitted",
        "dateCreated": dotnet_time(now),
        "vms": created,
        "software": [],
        "subscriptions": [],
    })))
}
