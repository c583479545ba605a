//! The demo estate: three accounts with workloads, tiers and VMs in four datacenters,
//! two agent-only VMs, and five users.

use std::collections::BTreeMap;

use armor_core::infra::vm_status;

use super::{AgentVm, AppRecord, DatacenterRecord, Estate, TierRecord, UserRecord, new_vm};

fn datacenter(id: u32, location: &str, name: &'static str) -> DatacenterRecord {
    DatacenterRecord { id, location: location.into(), name }
}

fn user(id: u32, first: &'static str, last: &'static str, email: &str, status: &'static str) -> UserRecord {
    UserRecord { id, first, last, email: email.into(), status }
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
        estate.account(1000).agents = vec![
            AgentVm {
                guid: "3f6c1a2e-8b4d-4e0f-9a71-5c2d8e9b0a14",
                os: "Amazon Linux 2",
                ip: "172.31.18.201",
                region: "us-east-1",
                last_seen: "2018-05-31T07:29:43.653",
            },
            AgentVm {
                guid: "b7e2d9c4-1f3a-4c8e-8d20-6a9f4b3e7c51",
                os: "Windows Server 2019",
                ip: "172.31.40.17",
                region: "us-west-2",
                last_seen: "2018-06-02T19:03:11.2",
            },
        ];
        estate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::estate::VmRecord;

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
