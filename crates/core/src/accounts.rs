//! Account-management models (v1): users of an account and account addresses.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A user of the account (`GET /users`, GetUserResponse).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccountUser {
    /// User id.
    pub id: u32,
    /// `active`, `disabled`, ...
    #[serde(default)]
    pub status: Option<String>,
    /// Job title.
    #[serde(default)]
    pub title: Option<String>,
    /// First name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// E-mail address (the user name).
    #[serde(default)]
    pub email: String,
    /// Primary phone.
    #[serde(default)]
    pub phone_primary: Option<Value>,
    /// Time zone.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Culture, e.g. `en-US`.
    #[serde(default)]
    pub culture: Option<String>,
    /// Permission ids.
    #[serde(default)]
    pub permissions: Vec<u32>,
    /// Last login.
    #[serde(default)]
    pub last_login: Option<String>,
    /// Number of API keys.
    #[serde(default)]
    pub api_key_count: Option<u32>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An account's mailing address (`GET /accounts/{id}`, AccountDetail).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccountAddress {
    /// Account name.
    #[serde(default)]
    pub name: String,
    /// Account id, as a string.
    #[serde(default)]
    pub account_id: String,
    /// Street.
    #[serde(default)]
    pub address_line1: Option<String>,
    /// Suite, floor.
    #[serde(default)]
    pub address_line2: Option<String>,
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// State or region.
    #[serde(default)]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// Country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Sign-up type.
    #[serde(default)]
    pub account_signup_type: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
