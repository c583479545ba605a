//! VMs: the list shape ([`Vm`]) and the detail shape ([`VmDetail`]), which share most
//! of their fields; status codes, power actions, and the body of a removal.

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

/// Declares a VM shape. [`Vm`] (the list) and [`VmDetail`] (the detail) are distinct
/// DTOs that name some fields differently and each have their own, but share most; the
/// shared ones are written here once, in the order both shapes have on the wire: the id
/// (named by `id:`), `coreInstanceId`, `name`, `status`, the workload fields (`app`),
/// `location`, `zone`, the operating system (named by `os:`), `ipAddress`, `cpu`, `memory`,
/// `storage`, the shape's own fields (`own`), and `extra`. Every field is optional and
/// read tolerantly; unknown ones are kept in `extra`.
macro_rules! vm_shape {
    (
        $(#[$attr:meta])*
        pub struct $shape:ident { id: $id:ident, os: $os:ident }
        app { $($(#[$app_attr:meta])* pub $app:ident: $app_ty:ty,)* }
        own { $($(#[$own_attr:meta])* pub $own:ident: $own_ty:ty,)* }
    ) => {
        $(#[$attr])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct $shape {
            /// The VM id (`0` for agent-only VMs).
            #[serde(default, deserialize_with = "lenient::int")]
            pub $id: Option<i64>,
            /// The Armor agent's core instance GUID.
            #[serde(default, deserialize_with = "lenient::text")]
            pub core_instance_id: Option<String>,
            /// Display name.
            #[serde(default, deserialize_with = "lenient::text")]
            pub name: Option<String>,
            /// Status code, see [`vm_status`].
            #[serde(default, deserialize_with = "lenient::int")]
            pub status: Option<i64>,
            $($(#[$app_attr])* pub $app: $app_ty,)*
            /// Datacenter code, e.g. `DFW01`.
            #[serde(default, deserialize_with = "lenient::text")]
            pub location: Option<String>,
            /// Zone.
            #[serde(default, deserialize_with = "lenient::text")]
            pub zone: Option<String>,
            /// Operating system.
            #[serde(default, deserialize_with = "lenient::text")]
            pub $os: Option<String>,
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
            $($(#[$own_attr])* pub $own: $own_ty,)*
            /// Fields not modelled here.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

vm_shape! {
    /// A VM as listed by `GET /vms` (AccountVmDto). Agent-only VMs (Armor Anywhere) come
    /// with `vmId` 0 and no name.
    pub struct Vm { id: vm_id, os: operating_system }
    app {
        /// Owning account.
        #[serde(default, deserialize_with = "lenient::int")]
        pub account_id: Option<i64>,
        /// Workload id.
        #[serde(default, rename = "workLoadId", alias = "workloadId", deserialize_with = "lenient::int")]
        pub workload_id: Option<i64>,
        /// Workload name.
        #[serde(default, rename = "workLoadName", alias = "workloadName", deserialize_with = "lenient::text")]
        pub workload_name: Option<String>,
    }
    own {}
}

vm_shape! {
    /// A VM in detail (`GET /vms/{id}`, VmDetail; also CoreVmDetail).
    pub struct VmDetail { id: id, os: os }
    app {
        /// Workload id.
        #[serde(default, deserialize_with = "lenient::int")]
        pub app_id: Option<i64>,
        /// Workload name.
        #[serde(default, deserialize_with = "lenient::text")]
        pub app_name: Option<String>,
    }
    own {
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
