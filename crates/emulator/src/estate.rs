//! The demo tenant's estate: per-account VMs and workloads (with tiers), plus the
//! tenant-wide datacenters and users. Power actions finish after a delay, evaluated
//! lazily against the injected clock (no timers).
//!
//! Responses are built here as JSON in the shapes the real (ASP.NET) API sends, loose
//! parts included: `null` for optional strings, .NET timestamps without a zone, and
//! agent-only VMs (Armor Anywhere on AWS) with `vmId` 0 and no name. They are not the
//! client's models, so the client is tested against the API's shapes, not its own.

use std::collections::BTreeMap;
use std::time::Duration;

use armor_core::infra::vm_status;
use jiff::Timestamp;
use serde_json::{Value, json};

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

/// A tier as the emulator keeps it.
#[derive(Debug, Clone)]
pub struct TierRecord {
    pub id: u32,
    pub name: String,
}

/// A workload as the emulator keeps it.
#[derive(Debug, Clone)]
pub struct AppRecord {
    pub id: u32,
    pub name: String,
    pub location: String,
    pub tiers: Vec<TierRecord>,
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

/// One account's resources.
#[derive(Debug, Clone, Default)]
pub struct AccountEstate {
    pub vms: BTreeMap<u32, VmRecord>,
    pub apps: BTreeMap<u32, AppRecord>,
    pub agents: Vec<AgentVm>,
}

/// A datacenter.
#[derive(Debug, Clone)]
pub struct DatacenterRecord {
    pub id: u32,
    pub location: String,
    pub name: &'static str,
}

/// A user of the tenant.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: u32,
    pub first: &'static str,
    pub last: &'static str,
    pub email: String,
    pub status: &'static str,
}

/// Everything: accounts' resources and tenant-wide data.
#[derive(Debug, Clone)]
pub struct Estate {
    pub accounts: BTreeMap<u32, AccountEstate>,
    pub datacenters: Vec<DatacenterRecord>,
    pub users: Vec<UserRecord>,
    pub next_id: u32,
    pub next_order: u32,
}

fn zone(location: &str) -> String {
    format!("{location}-VC01")
}

/// A .NET-style timestamp without a zone (`2019-03-05T07:29:43.653`), as the API sends.
pub fn dotnet_time(t: Timestamp) -> String {
    let dt = t.to_zoned(jiff::tz::TimeZone::UTC).datetime();
    format!("{}.{:03}", dt.strftime("%Y-%m-%dT%H:%M:%S"), dt.subsec_nanosecond() / 1_000_000)
}

/// A fixed creation time for a demo resource, zone-less like the API's.
fn created(id: u32) -> String {
    format!("2019-{:02}-{:02}T07:29:43.{:03}", 1 + id % 12, 1 + id % 28, id % 1000)
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

    fn storage_mb(&self) -> u32 {
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
    /// The workload list shape (ApplicationDto, no tiers) or the detail shape (with tiers).
    pub fn workload(&self, app: &AppRecord, with_tiers: bool) -> Value {
        let vms: Vec<&VmRecord> = self.vms.values().filter(|v| v.app_id == app.id).collect();
        let any_on = vms.iter().any(|v| v.status == vm_status::POWERED_ON);
        let mut w = json!({
            "id": app.id,
            "name": app.name,
            "location": app.location,
            "zone": zone(&app.location),
            "status": if any_on { vm_status::POWERED_ON } else { vm_status::POWERED_OFF },
            "deployed": !vms.is_empty(),
            "tierCount": app.tiers.len(),
            "vmCount": vms.len(),
            "totalCpu": vms.iter().map(|v| v.cpu).sum::<u32>(),
            "totalMemory": vms.iter().map(|v| v.memory).sum::<u32>(),
            "totalStorage": vms.iter().map(|v| v.storage_mb()).sum::<u32>(),
            "tags": [],
            "notes": null,
        });
        if with_tiers {
            w["tiers"] = app.tiers.iter().map(|t| self.tier(app, t)).collect();
        }
        w
    }

    /// The tier shape, with its VMs.
    pub fn tier(&self, app: &AppRecord, t: &TierRecord) -> Value {
        let vms: Vec<Value> =
            self.vms.values().filter(|v| v.tier_id == t.id).map(|v| v.to_detail(Some(app))).collect();
        json!({"id": t.id, "name": t.name, "vms": vms})
    }

    /// Every VM of the account in the `GET /vms` shape, agent-only ones last.
    pub fn vm_list(&self, account: u32) -> Vec<Value> {
        let complete = self.vms.values().map(|v| v.to_vm(account, self.apps.get(&v.app_id)));
        complete.chain(self.agents.iter().map(|a| a.to_vm(account))).collect()
    }

    /// Finishes every pending power action whose time has come.
    pub fn settle(&mut self, now: Timestamp) {
        self.vms.values_mut().for_each(|v| v.settle(now));
    }

    /// Workload `id`, or 404.
    pub fn app(&self, id: u32, account: u32) -> Result<&AppRecord, ApiError> {
        self.apps.get(&id).ok_or_else(|| ApiError::missing("Workload", id, account))
    }

    /// Workload `id` for changing, or 404.
    pub fn app_mut(&mut self, id: u32, account: u32) -> Result<&mut AppRecord, ApiError> {
        self.apps.get_mut(&id).ok_or_else(|| ApiError::missing("Workload", id, account))
    }

    /// VM `id` for changing, or 404.
    pub fn vm_mut(&mut self, id: u32, account: u32) -> Result<&mut VmRecord, ApiError> {
        self.vms.get_mut(&id).ok_or_else(|| ApiError::missing("VM", id, account))
    }

    /// The number of VMs in workload `app` (and tier `tier`, if given).
    pub fn vm_count(&self, app: u32, tier: Option<u32>) -> usize {
        self.vms.values().filter(|v| v.app_id == app && tier.is_none_or(|t| v.tier_id == t)).count()
    }
}

/// The mailing address of a demo account (AccountDetail).
pub fn address(id: u32, name: &str) -> Value {
    json!({
        "name": name,
        "accountId": id.to_string(),
        "addressLine1": format!("{} Security Way", 100 + id % 100),
        "addressLine2": if id.is_multiple_of(2) { Some("Suite 500") } else { None },
        "city": "Richardson",
        "state": "TX",
        "postalCode": "75080",
        "country": "US",
        "accountSignupType": null,
    })
}

impl DatacenterRecord {
    /// The `GET /locations` shape (LocationDto).
    pub fn to_json(&self) -> Value {
        let l = &self.location;
        json!({
            "id": self.id,
            "location": l,
            "name": self.name,
            "zones": [format!("{l}T01-VC01"), format!("{l}T01-VC02")],
            "displayName": null,
        })
    }
}

impl UserRecord {
    /// The `GET /users` shape (GetUserResponse).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status,
            "title": null,
            "firstName": self.first,
            "lastName": self.last,
            "email": self.email,
            "phonePrimary": {"countryCode": 1, "countryIsoCode": "US", "number": "8880000000", "phoneExt": null},
            "timezone": "Central Standard Time",
            "culture": "en-US",
            "permissions": [1, 2],
            "lastLogin": if self.status == "active" { Some(created(self.id)) } else { None },
            "apiKeyCount": u32::from(self.id == 4922),
            "mustChangePassword": false,
            "lastModified": created(self.id + 7),
        })
    }
}

fn datacenter(id: u32, location: &str, name: &'static str) -> DatacenterRecord {
    DatacenterRecord { id, location: location.into(), name }
}

fn user(id: u32, first: &'static str, last: &'static str, email: &str, status: &'static str) -> UserRecord {
    UserRecord { id, first, last, email: email.into(), status }
}

/// Workloads of the demo estate: account, id, name, datacenter, tiers, VM names.
type Layout = (u32, u32, &'static str, &'static str, &'static [(u32, &'static str)], &'static [&'static str]);

const LAYOUT: [Layout; 6] = [
    (
        1000,
        1,
        "Web Storefront",
        "DFW01",
        &[(11, "Web"), (12, "App"), (13, "Database")],
        &["web-01", "web-02", "web-03", "app-01", "app-02", "db-01", "db-02"],
    ),
    (
        1000,
        2,
        "Payments",
        "PHX01",
        &[(21, "API"), (22, "Database")],
        &["pay-api-01", "pay-api-02", "pay-api-03", "pay-db-01", "pay-db-02", "pay-db-03", "pay-batch-01"],
    ),
    (1000, 3, "Sandbox", "DFW01", &[(31, "Default")], &[]),
    (
        1001,
        4,
        "Staging",
        "DFW01",
        &[(41, "All")],
        &["stage-web-01", "stage-app-01", "stage-db-01", "stage-cache-01"],
    ),
    (1002, 5, "Lab", "SIN01", &[(51, "Lab")], &["lab-01", "lab-02"]),
    (1002, 6, "Archive", "AMS01", &[(61, "Cold")], &[]),
];

impl Estate {
    /// The demo estate: 3 accounts, 20 VMs across 6 workloads in 4 datacenters, 5 users.
    pub fn demo(username: &str) -> Estate {
        let mut estate = Estate {
            accounts: BTreeMap::new(),
            datacenters: vec![
                datacenter(1, "DFW01", "US Central"),
                datacenter(2, "PHX01", "US West"),
                datacenter(3, "AMS01", "EU West"),
                datacenter(4, "SIN01", "Asia Pacific"),
            ],
            users: vec![
                user(4922, "Dana", "Demo", username, "active"),
                user(4923, "Sam", "Rivera", "sam.rivera@armor.example", "active"),
                user(4924, "Priya", "Natarajan", "priya.natarajan@armor.example", "active"),
                user(4925, "Alex", "Smith", "alex.smith@armor.example", "disabled"),
                user(4926, "Jordan", "Smithers", "jordan.smithers@armor.example", "active"),
            ],
            next_id: 2001,
            next_order: 501,
        };
        for (account, app_id, name, location, tiers, vms) in LAYOUT {
            let tier_ids: Vec<u32> = tiers.iter().map(|(id, _)| *id).collect();
            let app = AppRecord {
                id: app_id,
                name: name.into(),
                location: location.into(),
                tiers: tiers.iter().map(|(id, n)| TierRecord { id: *id, name: (*n).into() }).collect(),
            };
            let mut records = Vec::new();
            for (i, vm_name) in vms.iter().enumerate() {
                let id = estate.next_id();
                let tier_id = tier_ids[i * tier_ids.len() / vms.len()];
                let status = if i % 5 == 4 { vm_status::POWERED_OFF } else { vm_status::POWERED_ON };
                let db = vm_name.contains("db");
                let (sku, disks): (&str, &[u32]) =
                    if db { ("A2-201", &[40, 100]) } else { ("A1-101", &[40]) };
                records.push(new_vm(id, vm_name, (app_id, tier_id), location, status, sku, disks));
            }
            let entry = estate.accounts.entry(account).or_default();
            entry.apps.insert(app_id, app);
            entry.vms.extend(records.into_iter().map(|v| (v.id, v)));
        }
        estate.account(1000).agents = vec![
            AgentVm {
                guid: "3f6c1a2e-8b4d-4e0f-9a71-5c2d8e9b0a14",
                os: "Amazon Linux 2",
                ip: "172.31.18.201",
                region: "us-east-1",
                last_seen: "2018-05-31T07:29:43.653",
            },
            AgentVm {
                guid: "b7e2d9c4-1f3a-4c8e-8d20-6a9f4b3e7c51",
                os: "Windows Server 2019",
                ip: "172.31.40.17",
                region: "us-west-2",
                last_seen: "2018-06-02T19:03:11.2",
            },
        ];
        estate
    }

    /// The resources of `account` (empty if it has none yet).
    pub fn account(&mut self, account: u32) -> &mut AccountEstate {
        self.accounts.entry(account).or_default()
    }

    /// Allocates an id for a new VM, workload or tier.
    pub fn next_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id += 1;
        id
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

impl AppRecord {
    /// The position of tier `id` in this workload, or 404.
    pub fn tier_index(&self, id: u32, account: u32) -> Result<usize, ApiError> {
        self.tiers.iter().position(|t| t.id == id).ok_or_else(|| ApiError::missing("Tier", id, account))
    }

    /// Tier `id` of this workload, or 404.
    pub fn tier(&self, id: u32, account: u32) -> Result<&TierRecord, ApiError> {
        Ok(&self.tiers[self.tier_index(id, account)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_estate_has_twenty_vms_with_unique_ids_and_guids() {
        let e = Estate::demo("demo@armor.example");
        let vms: Vec<&VmRecord> = e.accounts.values().flat_map(|a| a.vms.values()).collect();
        assert_eq!(vms.len(), 20);
        let mut guids: Vec<&str> = vms.iter().map(|v| v.guid.as_str()).collect();
        guids.sort();
        guids.dedup();
        assert_eq!(guids.len(), 20);
        assert!(vms.iter().all(|v| v.guid.len() == 36));
        assert!(vms.iter().any(|v| v.status == vm_status::POWERED_OFF));
    }
}
