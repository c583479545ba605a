//! Identity models: the `/me` response, users and accounts.
//!
//! Reading is tolerant, writing follows the contract: `user` may arrive as an object or
//! as a one-element list and under `User`; fields may be camelCase or PascalCase.
//! Unknown fields are kept (`extra`) so that nothing the server sent is lost.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::AccountId;

/// `GET /me`: the signed-in user, their accounts, departments, permissions, features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Me {
    /// The user.
    #[serde(alias = "User", deserialize_with = "one_or_list")]
    pub user: User,
    /// The accounts the user can act in.
    #[serde(default, alias = "Accounts")]
    pub accounts: Vec<Account>,
    /// Departments, as the server sends them.
    #[serde(default, alias = "Departments", skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<Value>,
    /// Permissions (a map of account id to permission names in the contract).
    #[serde(default, alias = "Permissions", skip_serializing_if = "Value::is_null")]
    pub permissions: Value,
    /// Feature flags per account.
    #[serde(default, alias = "Features", skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<Value>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Me {
    /// A `/me` body with the given user and accounts.
    pub fn new(user: User, accounts: Vec<Account>) -> Self {
        Me {
            user,
            accounts,
            departments: Vec::new(),
            permissions: Value::Null,
            features: Vec::new(),
            extra: Map::new(),
        }
    }
}

fn one_or_list<'de, D: Deserializer<'de>>(d: D) -> Result<User, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrList {
        One(User),
        List(Vec<User>),
    }
    match OneOrList::deserialize(d)? {
        OneOrList::One(u) => Ok(u),
        OneOrList::List(mut list) if list.len() == 1 => Ok(list.remove(0)),
        OneOrList::List(list) => {
            Err(serde::de::Error::custom(format!("expected one user, found a list of {}", list.len())))
        }
    }
}

/// A user profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// Entity type, `user`.
    #[serde(default, rename = "type", alias = "Type")]
    pub kind: Option<String>,
    /// E-mail address.
    #[serde(alias = "Username", alias = "UserName")]
    pub username: String,
    /// First name.
    #[serde(default, alias = "FirstName")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, alias = "LastName")]
    pub last_name: Option<String>,
    /// Related ids.
    #[serde(default, alias = "Links", skip_serializing_if = "Option::is_none")]
    pub links: Option<UserLinks>,
    /// Password expiry, seconds from now, as a string.
    #[serde(default, alias = "PasswordExpiry", skip_serializing_if = "Option::is_none")]
    pub password_expiry: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// A user with the given name fields.
    pub fn new(username: &str, first_name: &str, last_name: &str, user_id: u32) -> Self {
        User {
            kind: Some("user".into()),
            username: username.into(),
            first_name: Some(first_name.into()),
            last_name: Some(last_name.into()),
            links: Some(UserLinks { user_id: Some(user_id) }),
            password_expiry: None,
            extra: Map::new(),
        }
    }
}

/// Related ids of a user.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct UserLinks {
    /// The user's numeric id.
    #[serde(default, alias = "UserId")]
    pub user_id: Option<u32>,
}

/// An account (tenant) the user can act in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Account {
    /// The account id, used as `X-Account-Context`.
    #[serde(alias = "Id", alias = "ID")]
    pub id: AccountId,
    /// Display name.
    #[serde(default, alias = "Name")]
    pub name: String,
    /// Billing currency.
    #[serde(default, alias = "Currency", skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// `Claimed`, `Pending` or `Inactive`.
    #[serde(default, alias = "Status", skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Parent account id (`parentAccountId` in some responses).
    #[serde(default, alias = "Parent", alias = "parentAccountId")]
    pub parent: Option<u32>,
    /// Products: a list (`/me`) or a map of product to features (`/accounts`).
    #[serde(default, alias = "Products", skip_serializing_if = "Value::is_null")]
    pub products: Value,
    /// `Partner`, `Direct` or `Partner Customer`.
    #[serde(default, alias = "AccountType", skip_serializing_if = "Option::is_none")]
    pub account_type: Option<String>,
    /// Whether the account is synced with external systems.
    #[serde(default, alias = "IsSynced", skip_serializing_if = "Option::is_none")]
    pub is_synced: Option<bool>,
    /// Whether the account is on a free trial.
    #[serde(default, alias = "IsFreeTrial", skip_serializing_if = "Option::is_none")]
    pub is_free_trial: Option<bool>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Account {
    /// An account with an id and a name; other fields empty.
    pub fn new(id: u32, name: &str) -> Self {
        Account {
            id: AccountId(id),
            name: name.into(),
            currency: None,
            status: None,
            parent: None,
            products: Value::Null,
            account_type: None,
            is_synced: None,
            is_free_trial: None,
            extra: Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_contract_form() {
        let me: Me = serde_json::from_str(
            r#"{"user":{"type":"user","username":"john.doe@armor.com","firstName":"John",
                "lastName":"Doe","links":{"userId":4922},"passwordExpiry":"2609961"},
               "accounts":[{"id":1000,"currency":"USD","name":"Test","status":"Claimed",
                "parent":1,"products":["A"],"accountType":"Partner","isSynced":true,
                "isFreeTrial":false,"futureField":7}]}"#,
        )
        .unwrap();
        assert_eq!(me.user.username, "john.doe@armor.com");
        assert_eq!(me.user.links.as_ref().unwrap().user_id, Some(4922));
        assert_eq!(me.accounts[0].id, AccountId(1000));
        assert_eq!(me.accounts[0].extra["futureField"], 7);
    }

    #[test]
    fn reads_the_original_modules_form_and_writes_the_contracts() {
        let me: Me = serde_json::from_str(
            r#"{"User":[{"Type":"user","UserName":"a@b.c","FirstName":"A","LastName":"B"}],
               "Accounts":[{"Id":7,"Name":"Seven","parentAccountId":3}],
               "Departments":[{"id":1}],"Permissions":[],"Features":[]}"#,
        )
        .unwrap();
        assert_eq!(me.user.first_name.as_deref(), Some("A"));
        assert_eq!(me.accounts[0].parent, Some(3));
        let out = serde_json::to_value(&me).unwrap();
        assert_eq!(out["user"]["firstName"], "A");
        assert_eq!(out["accounts"][0]["id"], 7);
        assert!(out.get("User").is_none());
    }

    #[test]
    fn rejects_a_list_of_several_users() {
        let err = serde_json::from_str::<Me>(
            r#"{"user":[{"username":"a@b.c"},{"username":"d@e.f"}],"accounts":[]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("expected one user"), "{err}");
    }
}
