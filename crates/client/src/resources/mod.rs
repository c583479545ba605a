//! One handler per resource, e.g. `client.vms().list()`. Every call goes through the
//! session's freshness check and sends its account context.

mod directory;
mod vms;
mod workloads;

pub use directory::{Accounts, Datacenters, Users};
pub use vms::{Orders, Vms, WaitOptions};
pub use workloads::{Tiers, Workloads};

use armor_core::WorkloadId;

use crate::client::Client;

impl Client {
    /// VMs.
    pub fn vms(&self) -> Vms<'_> {
        Vms { client: self }
    }

    /// Workloads (`/apps`).
    pub fn workloads(&self) -> Workloads<'_> {
        Workloads { client: self }
    }

    /// The tiers of workload `workload`.
    pub fn tiers(&self, workload: WorkloadId) -> Tiers<'_> {
        Tiers { client: self, workload }
    }

    /// Datacenters (`/locations`).
    pub fn datacenters(&self) -> Datacenters<'_> {
        Datacenters { client: self }
    }

    /// Users of the account.
    pub fn users(&self) -> Users<'_> {
        Users { client: self }
    }

    /// Accounts.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { client: self }
    }

    /// Orders.
    pub fn orders(&self) -> Orders<'_> {
        Orders { client: self }
    }
}
