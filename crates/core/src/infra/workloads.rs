//! Workloads ("apps" in the API) and their tiers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::VmDetail;
use crate::lenient;

/// A tier of a workload, with its VMs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Tier {
    /// Tier id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Its VMs.
    #[serde(default, deserialize_with = "lenient::many")]
    pub vms: Vec<VmDetail>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A workload (an "app" in the API: ApplicationDto, or ApplicationDetail with tiers).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Workload {
    /// Workload id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Datacenter code.
    #[serde(default, deserialize_with = "lenient::text")]
    pub location: Option<String>,
    /// Zone.
    #[serde(default, deserialize_with = "lenient::text")]
    pub zone: Option<String>,
    /// Status code.
    #[serde(default, deserialize_with = "lenient::int")]
    pub status: Option<i64>,
    /// Whether it is deployed.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub deployed: Option<bool>,
    /// Number of tiers.
    #[serde(default, deserialize_with = "lenient::int")]
    pub tier_count: Option<i64>,
    /// Number of VMs.
    #[serde(default, deserialize_with = "lenient::int")]
    pub vm_count: Option<i64>,
    /// vCPUs of all VMs.
    #[serde(default, deserialize_with = "lenient::int")]
    pub total_cpu: Option<i64>,
    /// Memory of all VMs, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub total_memory: Option<i64>,
    /// Storage of all VMs, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub total_storage: Option<i64>,
    /// Tiers, with their VMs (detail responses).
    #[serde(default, deserialize_with = "lenient::opt", skip_serializing_if = "Option::is_none")]
    pub tiers: Option<Vec<Tier>>,
    /// Tags.
    #[serde(default, deserialize_with = "lenient::items")]
    pub tags: Vec<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
