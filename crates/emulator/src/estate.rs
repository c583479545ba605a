//! The demo tenant's estate: per-account VMs and workloads (with tiers), plus the
//! tenant-wide datacenters and users. Power actions finish after a delay, evaluated
//! lazily against the injected clock (no timers).

use std::collections::BTreeMap;
use std::time::Duration;

use armor_core::accounts::{AccountAddress, AccountUser};
use armor_core::infra::{Datacenter, Disk, Product, Tier, Vm, VmDetail, Workload, vm_status};
use jiff::Timestamp;
use serde_json::json;

use crate::error::ApiError;

/// One VM as the emulator keeps it.
#[derive(Debug, Clone)]
pub struct VmRecord {
    pub id: u32,
    pub guid: String,
    pub name: String,
    pub status: i32,
    /// A power action in progress: the status it reaches, and when.
    pub pending: Option<(i32, Timestamp)>,
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

/// One account's resources.
#[derive(Debug, Clone, Default)]
pub struct AccountEstate {
    pub vms: BTreeMap<u32, VmRecord>,
    pub apps: BTreeMap<u32, AppRecord>,
}

/// Everything: accounts' resources and tenant-wide data.
#[derive(Debug, Clone)]
pub struct Estate {
    pub accounts: BTreeMap<u32, AccountEstate>,
    pub datacenters: Vec<Datacenter>,
    pub users: Vec<AccountUser>,
    pub next_id: u32,
    pub next_order: u32,
}

fn zone(location: &str) -> String {
    format!("{location}-VC01")
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
    pub fn transition(&mut self, target: i32, now: Timestamp, delay: Duration, through: i32) {
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

    fn product(&self) -> Product {
        let mut p = Product::default();
        p.sku = Some(self.sku.clone());
        p.size = self.sku.split('-').next().map(str::to_owned);
        p.is_expired = Some(false);
        p
    }

    /// The `GET /vms` shape.
    pub fn to_vm(&self, account: u32, app: Option<&AppRecord>) -> Vm {
        let mut v = Vm::default();
        v.vm_id = self.id;
        v.core_instance_id = Some(self.guid.clone());
        v.name = self.name.clone();
        v.status = self.status;
        v.account_id = Some(account);
        v.workload_id = Some(self.app_id);
        v.workload_name = app.map(|a| a.name.clone());
        v.location = Some(self.location.clone());
        v.zone = Some(zone(&self.location));
        v.operating_system = Some(self.os.clone());
        v.ip_address = Some(self.ip.clone());
        v.cpu = Some(self.cpu);
        v.memory = Some(self.memory);
        v.storage = Some(self.storage_mb());
        v.extra.insert("provider".into(), json!("Complete"));
        v.extra.insert("isCore".into(), json!(true));
        v.extra.insert("deployed".into(), json!(self.status != vm_status::PROVISIONING));
        v.extra.insert("product".into(), json!(self.product()));
        v.extra.insert("tags".into(), json!([]));
        v
    }

    /// The `GET /vms/{id}` shape.
    pub fn to_detail(&self, app: Option<&AppRecord>) -> VmDetail {
        let mut d = VmDetail::default();
        d.id = self.id;
        d.core_instance_id = Some(self.guid.clone());
        d.name = self.name.clone();
        d.status = self.status;
        d.app_id = Some(self.app_id);
        d.app_name = app.map(|a| a.name.clone());
        d.location = Some(self.location.clone());
        d.zone = Some(zone(&self.location));
        d.os = Some(self.os.clone());
        d.ip_address = Some(self.ip.clone());
        d.cpu = Some(self.cpu);
        d.memory = Some(self.memory);
        d.storage = Some(self.storage_mb());
        d.deployed = Some(self.status != vm_status::PROVISIONING);
        d.disks = self
            .disks_gb
            .iter()
            .enumerate()
            .map(|(i, gb)| {
                let mut disk = Disk::default();
                disk.id = i as u32 + 1;
                disk.capacity = gb * 1024;
                disk.name = format!("Disk {}", i + 1);
                disk.kind = Some("SSD".into());
                disk
            })
            .collect();
        d.product = Some(self.product());
        d.extra.insert("hostType".into(), json!("Virtual Machine"));
        d.extra.insert("provider".into(), json!("4"));
        d.extra.insert("isDeleted".into(), json!(false));
        d
    }
}

impl AccountEstate {
    /// The workload list shape (no tiers) or the detail shape (with tiers).
    pub fn workload(&self, app: &AppRecord, with_tiers: bool) -> Workload {
        let vms: Vec<&VmRecord> = self.vms.values().filter(|v| v.app_id == app.id).collect();
        let mut w = Workload::default();
        w.id = app.id;
        w.name = app.name.clone();
        w.location = Some(app.location.clone());
        w.zone = Some(zone(&app.location));
        let any_on = vms.iter().any(|v| v.status == vm_status::POWERED_ON);
        w.status = if any_on { vm_status::POWERED_ON } else { vm_status::POWERED_OFF };
        w.deployed = Some(!vms.is_empty());
        w.tier_count = app.tiers.len() as u32;
        w.vm_count = vms.len() as u32;
        w.total_cpu = vms.iter().map(|v| v.cpu).sum();
        w.total_memory = vms.iter().map(|v| v.memory).sum();
        w.total_storage = vms.iter().map(|v| v.storage_mb()).sum();
        w.tiers = with_tiers.then(|| app.tiers.iter().map(|t| self.tier(app, t)).collect());
        w
    }

    /// The tier shape, with its VMs.
    pub fn tier(&self, app: &AppRecord, t: &TierRecord) -> Tier {
        let mut tier = Tier::default();
        tier.id = t.id;
        tier.name = t.name.clone();
        tier.vms = self.vms.values().filter(|v| v.tier_id == t.id).map(|v| v.to_detail(Some(app))).collect();
        tier
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

/// The mailing address of a demo account.
pub fn address(id: u32, name: &str) -> AccountAddress {
    let mut a = AccountAddress::default();
    a.name = name.into();
    a.account_id = id.to_string();
    a.address_line1 = Some(format!("{} Security Way", 100 + id % 100));
    a.address_line2 = Some("Suite 500".into());
    a.city = Some("Richardson".into());
    a.state = Some("TX".into());
    a.postal_code = Some("75080".into());
    a.country = Some("US".into());
    a
}

fn datacenter(id: u32, location: &str, name: &str) -> Datacenter {
    let mut d = Datacenter::default();
    d.id = id;
    d.location = location.into();
    d.name = name.into();
    d.zones = vec![format!("{location}T01-VC01"), format!("{location}T01-VC02")];
    d
}

fn user(id: u32, first: &str, last: &str, email: &str, status: &str) -> AccountUser {
    let mut u = AccountUser::default();
    u.id = id;
    u.status = Some(status.into());
    u.title = Some(String::new());
    u.first_name = Some(first.into());
    u.last_name = Some(last.into());
    u.email = email.into();
    u.phone_primary =
        Some(json!({"countryCode": 1, "countryIsoCode": "US", "number": "8880000000", "phoneExt": null}));
    u.timezone = Some("Central Standard Time".into());
    u.culture = Some("en-US".into());
    u.permissions = vec![1, 2];
    u.last_login = Some("2026-11-20T14:02:11".into());
    u.api_key_count = Some(u32::from(id == 4922));
    u.extra.insert("mustChangePassword".into(), json!(false));
    u
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
    status: i32,
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
