//! VM orders (`POST /orders/vms`): the request, with its secret kept out of `Debug` and
//! `Serialize`, its disks, and the order the API answers with.

use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient;

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
    fn order_debug_redacts_the_secret() {
        let o = VmOrderRequest::new("web", "DFW01", "A1-101", "Sup3r-secret!");
        assert!(!format!("{o:?}").contains("Sup3r-secret!"));
        assert_eq!(o.redacted()["secret"], "<redacted>");
        assert!(!serde_json::to_string(&o).unwrap().contains("Sup3r-secret!"));
        assert_eq!(o.expose_body()["secret"], "Sup3r-secret!");
        assert_eq!(o.expose_body()["sku"], "A1-101");
    }
}
