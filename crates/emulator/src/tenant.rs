//! The demo tenant: one user with several accounts, departments, permissions, features.
//!
//! `/me` and `/accounts` are built as JSON in the real API's shapes: a top-level account
//! with parent `-1`, currencies padded to ten characters (`"USD       "`), products as a
//! list in `/me` and as a product → features map in `/accounts`, `null` for optional
//! strings. Property names are the contract's camelCase; [`Tenant::me_pascal`] gives the
//! PascalCase form recorded from the original module (`User` as a one-element list,
//! `Links` an empty string).

use armor_core::AccountId;
use serde_json::{Map, Value, json};

/// The data of the demo tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub username: String,
    pub user_id: u32,
    pub accounts: Vec<DemoAccount>,
}

/// One account of the tenant, with its products per product line.
#[derive(Debug, Clone)]
pub struct DemoAccount {
    pub id: u32,
    pub name: &'static str,
    pub status: &'static str,
    /// `-1` for a top-level account, as the API sends it.
    pub parent: i64,
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
        Tenant {
            username: username.into(),
            user_id: 4922,
            accounts: vec![
                DemoAccount {
                    id: 1000,
                    name: "Demo Corp",
                    status: "Claimed",
                    parent: -1,
                    account_type: "Partner",
                    products: &[ANYWHERE, COMPLETE],
                },
                DemoAccount {
                    id: 1001,
                    name: "Demo Corp - Staging",
                    status: "Claimed",
                    parent: 1000,
                    account_type: "Partner Customer",
                    products: &[COMPLETE],
                },
                DemoAccount {
                    id: 1002,
                    name: "Demo Corp - Lab",
                    status: "Claimed",
                    parent: 1000,
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

    /// The `/me` body, in the contract's camelCase.
    pub fn me(&self) -> Value {
        let accounts: Vec<Value> = self.accounts.iter().map(|a| a.to_json(false)).collect();
        let names = ["Read Virtual Machines", "Write Virtual Machines", "Read Users", "API Keys Self Manage"];
        let permissions: Map<String, Value> =
            self.accounts.iter().map(|a| (a.id.to_string(), json!(names))).collect();
        let features: Vec<Value> = self
            .accounts
            .iter()
            .flat_map(|a| {
                a.products.iter().map(move |(p, _)| {
                    json!({"accountId": a.id, "feature": format!("{p}.LOG-MANAGEMENT"), "productId": 1})
                })
            })
            .collect();
        json!({
            "user": {
                "type": "user",
                "username": self.username,
                "firstName": "Dana",
                "lastName": "Demo",
                "links": {"userId": self.user_id},
                "passwordExpiry": "2609961",
                "lastLogin": "2026-11-20T14:02:11.387",
                "phone": null,
            },
            "accounts": accounts,
            "departments": [
                {"id": 11, "name": "Security Operations", "accountId": 1000},
                {"id": 12, "name": "Platform Engineering", "accountId": 1001},
            ],
            "permissions": permissions,
            "features": features,
        })
    }

    /// The `/me` body as recorded from the original module: PascalCase names, `User` as
    /// a one-element list, `Links` an empty string.
    pub fn me_pascal(&self) -> Value {
        let mut me = self.me();
        if let Some(user) = me.get_mut("user") {
            user["links"] = json!("");
            *user = json!([user.take()]);
        }
        pascal_keys(&mut me, 0);
        me
    }

    /// The `/accounts` body.
    pub fn accounts(&self) -> Vec<Value> {
        self.accounts.iter().map(|a| a.to_json(true)).collect()
    }
}

/// PascalCase for the keys of the `/me` body's models (not for map keys such as
/// account ids in `Permissions`).
fn pascal_keys(v: &mut Value, depth: usize) {
    match v {
        Value::Array(list) => list.iter_mut().for_each(|x| pascal_keys(x, depth)),
        Value::Object(map) if depth < 3 => {
            let old = std::mem::take(map);
            for (k, mut val) in old {
                let models = !matches!(k.as_str(), "permissions" | "products");
                if models {
                    pascal_keys(&mut val, depth + 1);
                }
                let mut c = k.chars();
                let key =
                    c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default();
                map.insert(key, val);
            }
        }
        _ => {}
    }
}

impl DemoAccount {
    /// The account as the API shows it: products as a list (`/me`) or a map (`/accounts`).
    fn to_json(&self, products_by_line: bool) -> Value {
        let products = if products_by_line {
            Value::Object(self.products.iter().map(|(p, f)| ((*p).to_owned(), json!(f))).collect())
        } else {
            json!(self.products.iter().map(|(p, _)| p).collect::<Vec<_>>())
        };
        json!({
            "id": self.id,
            "name": self.name,
            "currency": "USD       ",
            "status": self.status,
            "parent": self.parent,
            "products": products,
            "accountType": self.account_type,
            "isSynced": false,
            "isFreeTrial": false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_me_keeps_map_keys() {
        let me = Tenant::demo("a@b.c").me_pascal();
        assert_eq!(me["User"][0]["UserName"], Value::Null, "only the first letter changes");
        assert_eq!(me["User"][0]["Username"], "a@b.c");
        assert_eq!(me["User"][0]["Links"], "");
        assert_eq!(me["Accounts"][0]["Parent"], -1);
        assert!(me["Permissions"]["1000"].is_array());
        assert!(me["Accounts"][0]["Products"].is_array());
    }
}
