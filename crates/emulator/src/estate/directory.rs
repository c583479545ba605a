//! The tenant-wide records: datacenters and users, and the mailing address of an account,
//! in the shapes of `GET /locations`, `GET /users` and `GET /accounts/{id}`.

use serde_json::{Value, json};

use super::created;

/// A datacenter.
#[derive(Debug, Clone)]
pub struct DatacenterRecord {
    pub id: u32,
    pub location: String,
    pub name: &'static str,
}

/// A user of the tenant.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub id: u32,
    pub first: &'static str,
    pub last: &'static str,
    pub email: String,
    pub status: &'static str,
}

/// The mailing address of a demo account (AccountDetail).
pub fn address(id: u32, name: &str) -> Value {
    json!({
        "name": name,
        "accountId": id.to_string(),
        "addressLine1": format!("{} Security Way", 100 + id % 100),
        "addressLine2": if id.is_multiple_of(2) { Some("Suite 500") } else { None },
        "city": "Richardson",
        "state": "TX",
        "postalCode": "75080",
        "country": "US",
        "accountSignupType": null,
    })
}

impl DatacenterRecord {
    /// The `GET /locations` shape (LocationDto).
    pub fn to_json(&self) -> Value {
        let l = &self.location;
        json!({
            "id": self.id,
            "location": l,
            "name": self.name,
            "zones": [format!("{l}T01-VC01"), format!("{l}T01-VC02")],
            "displayName": null,
        })
    }
}

impl UserRecord {
    /// The `GET /users` shape (GetUserResponse).
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status,
            "title": null,
            "firstName": self.first,
            "lastName": self.last,
            "email": self.email,
            "phonePrimary": {"countryCode": 1, "countryIsoCode": "US", "number": "8880000000", "phoneExt": null},
            "timezone": "Central Standard Time",
            "culture": "en-US",
            "permissions": [1, 2],
            "lastLogin": if self.status == "active" { Some(created(self.id)) } else { None },
            "apiKeyCount": u32::from(self.id == 4922),
            "mustChangePassword": false,
            "lastModified": created(self.id + 7),
        })
    }
}
