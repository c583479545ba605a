//! The demo tenant's estate: per-account VMs and workloads (with tiers), plus the
//! tenant-wide datacenters and users. Power actions finish after a delay, evaluated
//! lazily against the injected clock (no timers).
//!
//! Responses are built in these modules as JSON in the shapes the real (ASP.NET) API sends, loose
//! parts included: `null` for optional strings, .NET timestamps without a zone, and
//! agent-only VMs (Armor Anywhere on AWS) with `vmId` 0 and no name. They are not the
//! client's models, so the client is tested against the API's shapes, not its own.
//!
//! By concern: `vms` (VM records and their shapes), `workloads` (workloads and tiers),
//! `directory` (datacenters, users, account addresses), `demo` (the demo estate); what
//! holds them together, and the helpers they share, is here.

use std::collections::BTreeMap;

use jiff::Timestamp;

mod demo;
mod directory;
mod vms;
mod workloads;

pub use directory::{DatacenterRecord, UserRecord, address};
pub use vms::{AgentVm, VmRecord, new_vm};
pub use workloads::{AppRecord, TierRecord};

/// One account's resources.
#[derive(Debug, Clone, Default)]
pub struct AccountEstate {
    pub vms: BTreeMap<u32, VmRecord>,
    pub apps: BTreeMap<u32, AppRecord>,
    pub agents: Vec<AgentVm>,
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

impl Estate {
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
