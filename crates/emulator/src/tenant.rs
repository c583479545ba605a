//! The demo tenant: one user with several accounts, departments, permissions, features.

use armor_core::{Account, AccountId, Me, User};
use serde_json::{Value, json};

/// The data of the demo tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub user: User,
    pub accounts: Vec<DemoAccount>,
}

/// One account of the tenant, with its products per product line.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub id: u32,
    pub name: &'static str,
    pub status: &'static str,
    pub parent: Option<u32>,
    pub account_type: &'static str,
    pub products: &'static [(&'static str, &'static [&'static str])],
}

const ANYWHERE: (&str, &[&str]) = (
    "AA-CORE",
    &[
        "Monitoring",
        "Anti-Malware and Virus Protection",
        "Log Monitoring and Management",
        "Vulnerability Scanning",
        "File Integrity Monitoring",
    ],
);
const COMPLETE: (&str, &[&str]) =
    ("ARMOR-COMPLETE", &["Server Agent", "Operating System Server Hardening", "Operating System Patching"]);

impl Tenant {
    /// The demo tenant, for a user named `username`.
    pub fn demo(username: &str) -> Self {
        let mut user = User::new(username, "Dana", "Demo", 4922);
        user.password_expiry = Some("2609961".into());
        Tenant {
            user,
            accounts: vec![
                DemoAccount {
                    id: 1000,
                    name: "Demo Corp",
                    status: "Claimed",
                    parent: Some(1),
                    account_type: "Partner",
                    products: &[ANYWHERE, COMPLETE],
                },
                DemoAccount {
                    id: 1001,
                    name: "Demo Corp - Staging",
                    status: "Claimed",
                    parent: Some(1000),
                    account_type: "Partner Customer",
                    products: &[COMPLETE],
                },
                DemoAccount {
                    id: 1002,
                    name: "Demo Corp - Lab",
                    status: "Claimed",
                    parent: Some(1000),
                    account_type: "Partner Customer",
                    products: &[ANYWHERE],
                },
            ],
        }
    }

    /// Whether the user may act in `id`.
    pub fn has_account(&self, id: AccountId) -> bool {
        self.accounts.iter().any(|a| a.id == id.get())
    }

    /// The `/me` body.
    pub fn me(&self) -> Me {
        let accounts = self.accounts.iter().map(|a| a.to_account(false)).collect();
        let mut me = Me::new(self.user.clone(), accounts);
        me.departments = vec![
            json!({"id": 11, "name": "Security Operations", "accountId": 1000}),
            json!({"id": 12, "name": "Platform Engineering", "accountId": 1001}),
        ];
        let mut permissions = serde_json::Map::new();
        for a in &self.accounts {
            let names =
                ["Read Virtual Machines", "Write Virtual Machines", "Read Users", "API Keys Self Manage"];
            permissions.insert(a.id.to_string(), json!(names));
        }
        me.permissions = Value::Object(permissions);
        me.features = self
            .accounts
            .iter()
            .flat_map(|a| a.products.iter().map(move |(p, _)| json!({"accountId": a.id, "feature": format!("{p}.LOG-MANAGEMENT"), "productId": 1})))
            .collect();
        me
    }

    /// The `/accounts` body.
    pub fn accounts(&self) -> Vec<Account> {
        self.accounts.iter().map(|a| a.to_account(true)).collect()
    }
}

impl DemoAccount {
    /// The account as the API shows it: products as a list (`/me`) or a map (`/accounts`).
    fn to_account(&self, products_by_line: bool) -> Account {
        let mut a = Account::new(self.id, self.name);
        a.currency = Some("USD".into());
        a.status = Some(self.status.into());
        a.parent = self.parent;
        a.account_type = Some(self.account_type.into());
        a.is_synced = Some(false);
        a.is_free_trial = Some(false);
        a.products = if products_by_line {
            Value::Object(self.products.iter().map(|(p, f)| ((*p).to_owned(), json!(f))).collect())
        } else {
            json!(self.products.iter().map(|(p, _)| p).collect::<Vec<_>>())
        };
        a
    }
}
