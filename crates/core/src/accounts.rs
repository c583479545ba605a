//! Account-management models (v1): users of an account and account addresses.
//!
//! Nothing here is required: every field is optional and read tolerantly (see
//! [`crate::lenient`]); unknown fields are kept in `extra`.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::lenient;

/// A user of the account (`GET /users`, GetUserResponse).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AccountUser {
    /// User id.
    #[serde(default, deserialize_with = "lenient::int")]
    pub id: Option<i64>,
    /// `active`, `disabled`, ...
    #[serde(default, deserialize_with = "lenient::text")]
    pub status: Option<String>,
    /// Job title.
    #[serde(default, deserialize_with = "lenient::text")]
    pub title: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "lenient::text")]
    pub last_name: Option<String>,
    /// E-mail address (the user name).
    #[serde(default, deserialize_with = "lenient::text")]
    pub email: Option<String>,
    /// Primary phone, as the server sends it.
    #[serde(default, deserialize_with = "lenient::opt")]
    pub phone_primary: Option<Value>,
    /// Time zone.
    #[serde(default, deserialize_with = "lenient::text")]
    pub timezone: Option<String>,
    /// Culture, e.g. `en-US`.
    #[serde(default, deserialize_with = "lenient::text")]
    pub culture: Option<String>,
    /// Permission ids.
    #[serde(default, deserialize_with = "lenient::items")]
    pub permissions: Vec<i64>,
    /// Last login (a zone-less time is UTC).
    #[serde(default, deserialize_with = "lenient::timestamp")]
    pub last_login: Option<Timestamp>,
    /// Number of API keys.
    #[serde(default, deserialize_with = "lenient::int")]
    pub api_key_count: Option<i64>,
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
    #[serde(default, deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Account id (a string in the documents, a number in some responses).
    #[serde(default, deserialize_with = "lenient::text")]
    pub account_id: Option<String>,
    /// Street.
    #[serde(default, deserialize_with = "lenient::text")]
    pub address_line1: Option<String>,
    /// Suite, floor.
    #[serde(default, deserialize_with = "lenient::text")]
    pub address_line2: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "lenient::text")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, deserialize_with = "lenient::text")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, deserialize_with = "lenient::text")]
    pub postal_code: Option<String>,
    /// Country code.
    #[serde(default, deserialize_with = "lenient::text")]
    pub country: Option<String>,
    /// Sign-up type.
    #[serde(default, deserialize_with = "lenient::text")]
    pub account_signup_type: Option<String>,
    /// Fields not modelled here.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
