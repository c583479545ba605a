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

    /// The tiers of workload `workload`. Workload and tier ids have types of their own,
    /// so they cannot be swapped:
    ///
    /// ```no_run
    /// # async fn f(client: armor_client::Client) -> armor_client::Result<()> {
    /// use armor_client::core::{TierId, WorkloadId};
    /// client.tiers(WorkloadId(7)).rename(TierId(3), "web").await?;
    /// # Ok(()) }
    /// ```
    ///
    /// ```compile_fail
    /// # async fn f(client: armor_client::Client) -> armor_client::Result<()> {
    /// use armor_client::core::{TierId, WorkloadId};
    /// client.tiers(TierId(3)).rename(WorkloadId(7), "web").await?;
    /// # Ok(()) }
    /// ```
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
