//! Workloads and their tiers as the emulator keeps them, and their shapes (ApplicationDto,
//! with or without tiers), built from the account's VMs.

use armor_core::infra::vm_status;
use serde_json::{Value, json};

use super::{AccountEstate, VmRecord, zone};
use crate::error::ApiError;

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

impl AccountEstate {
    /// Workload `id`, or 404.
    pub fn app(&self, id: u32, account: u32) -> Result<&AppRecord, ApiError> {
        self.apps.get(&id).ok_or_else(|| ApiError::missing("Workload", id, account))
    }

    /// Workload `id` for changing, or 404.
    pub fn app_mut(&mut self, id: u32, account: u32) -> Result<&mut AppRecord, ApiError> {
        self.apps.get_mut(&id).ok_or_else(|| ApiError::missing("Workload", id, account))
    }

    /// The number of VMs in workload `app` (and tier `tier`, if given).
    pub fn vm_count(&self, app: u32, tier: Option<u32>) -> usize {
        self.vms.values().filter(|v| v.app_id == app && tier.is_none_or(|t| v.tier_id == t)).count()
    }

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
