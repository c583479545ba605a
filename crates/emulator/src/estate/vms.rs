//! VMs as the emulator keeps them, Complete ones and agent-only ones, and their `GET /vms`
//! and `GET /vms/{id}` shapes; power actions finish lazily against the clock.

use std::time::Duration;

use armor_core::infra::vm_status;
use jiff::Timestamp;
use serde_json::{Value, json};

use super::{AccountEstate, AppRecord, created, zone};
use crate::error::ApiError;

/// One VM as the emulator keeps it.
#[derive(Debug, Clone)]
pub struct VmRecord {
    pub id: u32,
    pub guid: String,
    pub name: String,
    pub status: i64,
    /// A power action in progress: the status it reaches, and when.
    pub pending: Option<(i64, Timestamp)>,
    pub app_id: u32,
    pub tier_id: u32,
    pub location: String,
    pub os: String,
    pub ip: String,
    pub cpu: u32,
    pub memory: u32,
    pub disks_gb: Vec<u32>,
    pub sku: String,
}

/// An agent-only VM (Armor Anywhere on a public cloud): known by its core instance GUID
/// only; the API lists it with `vmId` 0 and no name.
#[derive(Debug, Clone)]
pub struct AgentVm {
    pub guid: &'static str,
    pub os: &'static str,
    pub ip: &'static str,
    pub region: &'static str,
    pub last_seen: &'static str,
}

impl VmRecord {
    /// Finishes a pending power action whose time has come.
    pub fn settle(&mut self, now: Timestamp) {
        if let Some((target, due)) = self.pending
            && now >= due
        {
            self.status = target;
            self.pending = None;
        }
    }

    /// Moves to `target` after `delay`, showing `through` meanwhile (at once if no delay).
    pub fn transition(&mut self, target: i64, now: Timestamp, delay: Duration, through: i64) {
        if delay.is_zero() {
            self.status = target;
            self.pending = None;
            return;
        }
        let span = jiff::SignedDuration::try_from(delay).unwrap_or(jiff::SignedDuration::MAX);
        self.status = through;
        self.pending = Some((target, now.saturating_add(span).unwrap_or(Timestamp::MAX)));
    }

    pub(super) fn storage_mb(&self) -> u32 {
        self.disks_gb.iter().sum::<u32>() * 1024
    }

    fn product(&self) -> Value {
        json!({"sku": self.sku, "size": self.sku.split('-').next(), "isExpired": false})
    }

    /// The `GET /vms` shape (AccountVmDto).
    pub fn to_vm(&self, account: u32, app: Option<&AppRecord>) -> Value {
        json!({
            "coreInstanceId": self.guid,
            "provider": "Complete",
            "status": self.status,
            "isCore": true,
            "accountId": account,
            "vmId": self.id,
            "workLoadId": self.app_id,
            "workLoadName": app.map(|a| a.name.as_str()),
            "location": self.location,
            "operatingSystem": self.os,
            "ipAddress": self.ip,
            "zone": zone(&self.location),
            "name": self.name,
            "cpu": self.cpu,
            "memory": self.memory,
            "storage": self.storage_mb(),
            "deployed": self.status != vm_status::PROVISIONING,
            "product": self.product(),
            "tags": [],
            "dateCreated": created(self.id),
            "hostName": null,
        })
    }

    /// The `GET /vms/{id}` shape (VmDetail).
    pub fn to_detail(&self, app: Option<&AppRecord>) -> Value {
        let disks: Vec<Value> = self
            .disks_gb
            .iter()
            .enumerate()
            .map(|(i, gb)| json!({"id": i + 1, "capacity": gb * 1024, "name": format!("Disk {}", i + 1), "type": "SSD"}))
            .collect();
        json!({
            "id": self.id,
            "coreInstanceId": self.guid,
            "name": self.name,
            "status": self.status,
            "appId": self.app_id,
            "appName": app.map(|a| a.name.as_str()),
            "location": self.location,
            "zone": zone(&self.location),
            "os": self.os,
            "ipAddress": self.ip,
            "cpu": self.cpu,
            "memory": self.memory,
            "storage": self.storage_mb(),
            "deployed": self.status != vm_status::PROVISIONING,
            "disks": disks,
            "product": self.product(),
            "tags": [],
            "hostType": "Virtual Machine",
            "provider": "4",
            "isDeleted": false,
            "vmDateCreated": created(self.id),
            "notes": null,
        })
    }
}

impl AgentVm {
    /// The `GET /vms` shape of an agent-only VM: `vmId` 0, no name, no workload.
    pub fn to_vm(&self, account: u32) -> Value {
        json!({
            "coreInstanceId": self.guid,
            "provider": "aws",
            "status": vm_status::POWERED_ON,
            "isCore": false,
            "accountId": account,
            "vmId": 0,
            "workLoadId": 0,
            "workLoadName": null,
            "location": self.region,
            "operatingSystem": self.os,
            "ipAddress": self.ip,
            "zone": null,
            "name": null,
            "cpu": null,
            "memory": null,
            "storage": null,
            "deployed": true,
            "product": null,
            "tags": null,
            "dateCreated": self.last_seen,
            "lastPing": self.last_seen,
            "isRegistered": true,
            "hostName": null,
        })
    }

    /// The `GET /vms/core/{guid}` shape (CoreVmDetail) of an agent-only VM.
    pub fn to_detail(&self) -> Value {
        json!({
            "id": 0,
            "coreInstanceId": self.guid,
            "name": null,
            "status": vm_status::POWERED_ON,
            "appId": null,
            "appName": null,
            "location": self.region,
            "zone": null,
            "os": self.os,
            "ipAddress": self.ip,
            "cpu": null,
            "memory": null,
            "storage": null,
            "deployed": null,
            "disks": null,
            "product": null,
            "tags": null,
            "provider": "aws",
            "coreLastPing": self.last_seen,
        })
    }
}

impl AccountEstate {
    /// Every VM of the account in the `GET /vms` shape, agent-only ones last.
    pub fn vm_list(&self, account: u32) -> Vec<Value> {
        let complete = self.vms.values().map(|v| v.to_vm(account, self.apps.get(&v.app_id)));
        complete.chain(self.agents.iter().map(|a| a.to_vm(account))).collect()
    }

    /// VM `id` for changing, or 404.
    pub fn vm_mut(&mut self, id: u32, account: u32) -> Result<&mut VmRecord, ApiError> {
        self.vms.get_mut(&id).ok_or_else(|| ApiError::missing("VM", id, account))
    }

    /// Finishes every pending power action whose time has come.
    pub fn settle(&mut self, now: Timestamp) {
        self.vms.values_mut().for_each(|v| v.settle(now));
    }
}

/// A new VM record in workload `app.0`, tier `app.1`.
pub fn new_vm(
    id: u32,
    name: &str,
    app: (u32, u32),
    location: &str,
    status: i64,
    sku: &str,
    disks_gb: &[u32],
) -> VmRecord {
    let big = sku.starts_with("A2");
    VmRecord {
        id,
        guid: format!("{:08x}-5e1f-4c0a-9d2e-{:012x}", id.wrapping_mul(2_654_435_761), u64::from(id) * 7919),
        name: name.into(),
        status,
        pending: None,
        app_id: app.0,
        tier_id: app.1,
        location: location.into(),
        os: if id.is_multiple_of(3) { "Windows Server 2022".into() } else { "Ubuntu 22.04".into() },
        ip: format!("100.64.{}.{}", id / 250 % 250, id % 250 + 2),
        cpu: if big { 4 } else { 2 },
        memory: if big { 16384 } else { 4096 },
        disks_gb: disks_gb.to_vec(),
        sku: sku.into(),
    }
}
