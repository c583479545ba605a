//! Infrastructure models (v1 "Armor Services API"): VMs, workloads (apps), tiers,
//! datacenters (locations), VM orders. Field names follow the v1 documents; unknown
//! fields are kept in `extra`, so printing a model as JSON loses nothing the server sent.
//!
//! Response models have no required field: every id, name and number is optional and
//! read tolerantly ([`crate::lenient`]); a command that must act on one checks it then.
//!
//! The models are written in private submodules by resource and re-exported here, so
//! their one path is `infra::Name`: `vms` (VMs, their status and power actions),
//! `workloads` (workloads and tiers), `orders` (VM orders); datacenters and the rename
//! body are written here.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient;

mod orders;
mod vms;
mod workloads;

pub use orders::{Order, StorageItem, VmOrderRequest};
pub use vms::{DeleteVmRequest, Disk, PowerAction, Product, Vm, VmDetail, VmStatus, vm_status};
pub use workloads::{Tier, Workload};

/// A datacenter (`GET /locations`, LocationDto).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Datacenter {
    /// Datacenter id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// Code, e.g. `DFW01`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub location: Option<String>,
    /// Name, e.g. `US Central`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Zones.
    #[serde(default, deserialize_with = "lenient::items")]
    pub zones: Vec<String>,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub display_name: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{"name": ...}`: the body of renames (`PUT /vms/{id}`, `/apps/{id}`, tiers) and of
/// `POST /apps/{id}/tiers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NameRequest {
    /// The id being renamed, where the API wants it in the body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u32>,
    /// The new name.
    pub name: String,
}

impl NameRequest {
    /// A body with just a name.
    pub fn new(name: &str) -> Self {
        NameRequest { id: None, name: name.to_owned() }
    }
}
