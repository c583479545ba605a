//! Infrastructure models (v1 "Armor Services API"): VMs, workloads (apps), tiers,
//! datacenters (locations), VM orders. Field names follow the v1 documents; unknown
//! fields are kept in `extra`, so printing a model as JSON loses nothing the server sent.
//!
//! Response models have no required field: every id, name and number is optional and
//! read tolerantly ([`crate::lenient`]); a command that must act on one checks it then.

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient;

/// VM status codes as the API reports them in `status`.
pub mod vm_status {
    /// Running.
    pub const POWERED_ON: i64 = 4;
    /// Stopped.
    pub const POWERED_OFF: i64 = 8;
    /// A power action is in progress.
    pub const TRANSITIONING: i64 = 3;
    /// Being built from an order.
    pub const PROVISIONING: i64 = 100;

    /// A human name for a status code; `-` when there is none.
    pub fn name(code: Option<i64>) -> &'static str {
        code.map_or("-", |c| super::VmStatus::from(c).name())
    }
}

/// A VM's status, from the code the API reports in `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VmStatus {
    /// A power action is in progress (3).
    Transitioning,
    /// Running (4).
    PoweredOn,
    /// Stopped (8).
    PoweredOff,
    /// Being built from an order (100).
    Provisioning,
    /// A code the documentation does not name.
    Unknown(i64),
}

impl VmStatus {
    /// The code as the API reports it.
    pub fn code(self) -> i64 {
        match self {
            VmStatus::Transitioning => vm_status::TRANSITIONING,
            VmStatus::PoweredOn => vm_status::POWERED_ON,
            VmStatus::PoweredOff => vm_status::POWERED_OFF,
            VmStatus::Provisioning => vm_status::PROVISIONING,
            VmStatus::Unknown(code) => code,
        }
    }

    /// A human name (`unknown` for an unknown code).
    pub fn name(self) -> &'static str {
        match self {
            VmStatus::Transitioning => "transitioning",
            VmStatus::PoweredOn => "powered on",
            VmStatus::PoweredOff => "powered off",
            VmStatus::Provisioning => "provisioning",
            VmStatus::Unknown(_) => "unknown",
        }
    }
}

impl From<i64> for VmStatus {
    fn from(code: i64) -> Self {
        match code {
            vm_status::TRANSITIONING => VmStatus::Transitioning,
            vm_status::POWERED_ON => VmStatus::PoweredOn,
            vm_status::POWERED_OFF => VmStatus::PoweredOff,
            vm_status::PROVISIONING => VmStatus::Provisioning,
            other => VmStatus::Unknown(other),
        }
    }
}

impl std::fmt::Display for VmStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

/// A power action: the last segment of `POST /vms/{id}/power/{action}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowerAction {
    /// Start (`on`).
    On,
    /// Restart (`reboot`).
    Reboot,
    /// Hard reset (`reset`).
    Reset,
    /// Graceful shutdown through the guest OS (`shutdown`).
    Shutdown,
    /// Hard power off (`off`).
    Off,
    /// Mark as off without stopping it (`forceOff`).
    ForceOff,
}

impl PowerAction {
    /// Every action.
    pub const ALL: [PowerAction; 6] = [
        PowerAction::On,
        PowerAction::Reboot,
        PowerAction::Reset,
        PowerAction::Shutdown,
        PowerAction::Off,
        PowerAction::ForceOff,
    ];

    /// The path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            PowerAction::On => "on",
            PowerAction::Reboot => "reboot",
            PowerAction::Reset => "reset",
            PowerAction::Shutdown => "shutdown",
            PowerAction::Off => "off",
            PowerAction::ForceOff => "forceOff",
        }
    }

    /// Parses a path segment.
    pub fn parse(s: &str) -> Option<PowerAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The status the VM ends in.
    pub fn target(self) -> VmStatus {
        VmStatus::from(self.target_status())
    }

    /// The code of the status the VM ends in.
    pub fn target_status(self) -> i64 {
        match self {
            PowerAction::On | PowerAction::Reboot | PowerAction::Reset => vm_status::POWERED_ON,
            PowerAction::Shutdown | PowerAction::Off | PowerAction::ForceOff => vm_status::POWERED_OFF,
        }
    }
}

/// Product (size and SKU) of a VM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Product {
    /// SKU, e.g. `A1-101`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub sku: Option<String>,
    /// Size, e.g. `A1`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub size: Option<String>,
    /// Whether the product has expired.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub is_expired: Option<bool>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A VM as listed by `GET /vms` (AccountVmDto). Agent-only VMs (Armor Anywhere) come
/// with `vmId` 0 and no name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Vm {
    /// The VM id (`0` for agent-only VMs).
    #[serde(default, deserialize_with = "lenient::int")]
    pub vm_id: Option<i64>,
    /// The Armor agent's core instance GUID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub core_instance_id: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Status code, see [`vm_status`].
    #[serde(default, deserialize_with = "lenient::int")]
    pub status: Option<i64>,
    /// Owning account.
    #[serde(default, deserialize_with = "lenient::int")]
    pub account_id: Option<i64>,
    /// Workload id.
    #[serde(default, rename = "workLoadId", alias = "workloadId", deserialize_with = "lenient::int")]
    pub workload_id: Option<i64>,
    /// Workload name.
    #[serde(default, rename = "workLoadName", alias = "workloadName", deserialize_with = "lenient::text")]
    pub workload_name: Option<String>,
    /// Datacenter code, e.g. `DFW01`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub location: Option<String>,
    /// Zone.
    #[serde(default, deserialize_with = "lenient::text")]
    pub zone: Option<String>,
    /// Operating system.
    #[serde(default, deserialize_with = "lenient::text")]
    pub operating_system: Option<String>,
    /// Private IP address.
    #[serde(default, deserialize_with = "lenient::text")]
    pub ip_address: Option<String>,
    /// vCPUs.
    #[serde(default, deserialize_with = "lenient::int")]
    pub cpu: Option<i64>,
    /// Memory, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub memory: Option<i64>,
    /// Storage, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub storage: Option<i64>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A disk of a VM.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Disk {
    /// Disk id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// Capacity, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub capacity: Option<i64>,
    /// Name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Type, e.g. `SSD`.
    #[serde(default, rename = "type", deserialize_with = "lenient::text")]
    pub kind: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A VM in detail (`GET /vms/{id}`, VmDetail; also CoreVmDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VmDetail {
    /// The VM id (`0` for agent-only VMs).
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// The Armor agent's core instance GUID.
    #[serde(default, deserialize_with = "lenient::text")]
    pub core_instance_id: Option<String>,
    /// Display name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Status code, see [`vm_status`].
    #[serde(default, deserialize_with = "lenient::int")]
    pub status: Option<i64>,
    /// Workload id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub app_id: Option<i64>,
    /// Workload name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub app_name: Option<String>,
    /// Datacenter code.
    #[serde(default, deserialize_with = "lenient::text")]
    pub location: Option<String>,
    /// Zone.
    #[serde(default, deserialize_with = "lenient::text")]
    pub zone: Option<String>,
    /// Operating system.
    #[serde(default, deserialize_with = "lenient::text")]
    pub os: Option<String>,
    /// Private IP address.
    #[serde(default, deserialize_with = "lenient::text")]
    pub ip_address: Option<String>,
    /// vCPUs.
    #[serde(default, deserialize_with = "lenient::int")]
    pub cpu: Option<i64>,
    /// Memory, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub memory: Option<i64>,
    /// Storage, MB.
    #[serde(default, deserialize_with = "lenient::int")]
    pub storage: Option<i64>,
    /// Whether it is deployed.
    #[serde(default, deserialize_with = "lenient::flag")]
    pub deployed: Option<bool>,
    /// Disks.
    #[serde(default, deserialize_with = "lenient::many")]
    pub disks: Vec<Disk>,
    /// Product.
    #[serde(default, deserialize_with = "lenient::opt")]
    pub product: Option<Product>,
    /// Tags.
    #[serde(default, deserialize_with = "lenient::items")]
    pub tags: Vec<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

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

/// `DELETE /vms/{id}` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DeleteVmRequest {
    /// The account.
    pub account_id: u32,
    /// The VM.
    pub vm_id: u32,
    /// Who asks.
    pub user_email: String,
    /// Whether the VM is active.
    pub is_active: bool,
    /// Delete at once instead of at the end of the billing period.
    #[serde(default)]
    pub delete_now: bool,
}

impl DeleteVmRequest {
    /// A request to remove `vm_id` of `account_id`, made by `user_email`.
    pub fn new(account_id: u32, vm_id: u32, user_email: &str) -> Self {
        DeleteVmRequest {
            account_id,
            vm_id,
            user_email: user_email.into(),
            is_active: true,
            delete_now: false,
        }
    }
}

/// A disk in a VM order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StorageItem {
    /// Size, GB.
    pub size: u32,
    /// Storage SKU.
    #[serde(default)]
    pub sku: Option<String>,
}

impl StorageItem {
    /// A disk of `size` GB with the standard SAN SKU.
    pub fn new(size: u32) -> Self {
        StorageItem { size, sku: Some("SAN-001".into()) }
    }
}

/// `POST /orders/vms` body. `Debug` redacts the secret and `Serialize` leaves it out;
/// [`VmOrderRequest::expose_body`] is the body with it.
#[derive(Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VmOrderRequest {
    /// VM name.
    pub name: String,
    /// Datacenter code.
    pub location: String,
    /// Existing workload id (or -1 with `app_name` for a new one).
    pub app_id: i64,
    /// New workload name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_name: Option<String>,
    /// Existing tier id (or -1 with `tier_name` for a new one).
    pub tier_id: i64,
    /// New tier name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier_name: Option<String>,
    /// Disks.
    #[serde(default)]
    pub storage: Vec<StorageItem>,
    /// The administrator password of the new VM. Serialized (exposed) only by
    /// [`VmOrderRequest::expose_body`].
    #[serde(skip_serializing)]
    pub secret: SecretString,
    /// Product SKU, e.g. `A1-101`.
    pub sku: String,
    /// How many VMs.
    pub quantity: u32,
}

impl VmOrderRequest {
    /// An order; `app`/`tier` are an existing id or a new name.
    pub fn new(name: &str, location: &str, sku: &str, secret: &str) -> Self {
        VmOrderRequest {
            name: name.into(),
            location: location.into(),
            app_id: -1,
            app_name: None,
            tier_id: -1,
            tier_name: None,
            storage: Vec::new(),
            secret: SecretString::from(secret.to_owned()),
            sku: sku.into(),
            quantity: 1,
        }
    }

    /// The body as JSON with the secret replaced by `<redacted>`, for `--what-if`.
    pub fn redacted(&self) -> Value {
        crate::auth::with_secrets(self, &[("secret", Some(&SecretString::from("<redacted>")))])
    }

    /// The JSON body to send, secret included.
    pub fn expose_body(&self) -> Value {
        crate::auth::with_secrets(self, &[("secret", Some(&self.secret))])
    }
}

impl PartialEq for VmOrderRequest {
    fn eq(&self, other: &Self) -> bool {
        self.redacted() == other.redacted() && self.secret.expose_secret() == other.secret.expose_secret()
    }
}

impl std::fmt::Debug for VmOrderRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VmOrderRequest({})", self.redacted())
    }
}

/// An order (`POST /orders/vms` response, OrderDto).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Order {
    /// Order id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// Account.
    #[serde(default, deserialize_with = "lenient::int")]
    pub account_id: Option<i64>,
    /// `submitted`, `completed`, ...
    #[serde(default, deserialize_with = "lenient::text")]
    pub status: Option<String>,
    /// When it was placed (a zone-less time is UTC).
    #[serde(default, deserialize_with = "lenient::timestamp")]
    pub date_created: Option<Timestamp>,
    /// The ordered VMs, as the API echoes them (secrets nulled).
    #[serde(default, deserialize_with = "lenient::many")]
    pub vms: Vec<Value>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_v1_examples() {
        let vms: Vec<Vm> = serde_json::from_str(r#"[{"coreInstanceId":"06daafab-bffb-4f81-8cbf-532faad97037","provider":"Complete","status":0,"isCore":true,"accountId":98345,"vmId":21309821,"workLoadId":1232,"workLoadName":"General Dynamics Web","location":"DFW01","operatingSystem":"CentOS 6.7","ipAddress":"100.64.0.120","zone":"DFW01-CD01","name":"Website Public","cpu":1,"memory":2048,"storage":81920,"product":{"sku":"A1-101","size":"A1","isExpired":false}}]"#).unwrap();
        assert_eq!(vms[0].vm_id, Some(21309821));
        assert_eq!(vms[0].workload_name.as_deref(), Some("General Dynamics Web"));
        assert_eq!(vms[0].extra["provider"], "Complete");
        let out = serde_json::to_value(&vms[0]).unwrap();
        assert_eq!(out["workLoadId"], 1232);
        assert_eq!(out["isCore"], true, "unknown fields survive a round trip");
    }

    #[test]
    fn order_debug_redacts_the_secret() {
        let o = VmOrderRequest::new("web", "DFW01", "A1-101", "Sup3r-secret!");
        assert!(!format!("{o:?}").contains("Sup3r-secret!"));
        assert_eq!(o.redacted()["secret"], "<redacted>");
        assert!(!serde_json::to_string(&o).unwrap().contains("Sup3r-secret!"));
        assert_eq!(o.expose_body()["secret"], "Sup3r-secret!");
        assert_eq!(o.expose_body()["sku"], "A1-101");
    }

    #[test]
    fn power_actions() {
        for a in PowerAction::ALL {
            assert_eq!(PowerAction::parse(a.as_str()), Some(a));
        }
        assert_eq!(PowerAction::parse("forceoff"), None);
        assert_eq!(PowerAction::ForceOff.target_status(), vm_status::POWERED_OFF);
        assert_eq!(PowerAction::Reboot.target(), VmStatus::PoweredOn);
        for code in [3, 4, 8, 100, 7, -1] {
            assert_eq!(VmStatus::from(code).code(), code);
        }
        assert_eq!(VmStatus::from(7), VmStatus::Unknown(7));
        assert_eq!(vm_status::name(Some(7)), "unknown");
    }
}
