//! Identity models: the `/me` response, users and accounts.
//!
//! Reading is tolerant (see [`crate::lenient`]), writing follows the contract: `user` may
//! arrive as an object or as a one-element list; names may be camelCase or PascalCase
//! (decode through [`crate::lenient::from_slice`]). Required: the user's `username` and
//! each account's `id` (the account context). Everything else may be absent. Unknown
//! fields are kept (`extra`) so that nothing the server sent is lost.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::AccountId;
use crate::lenient::{self, Products};

/// `GET /me`: the signed-in user, their accounts, departments, permissions, features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Me {
    /// The user (an object, or a list of one).
    #[serde(alias = "User", deserialize_with = "lenient::one")]
    pub user: User,
    /// The accounts the user can act in.
    #[serde(default, alias = "Accounts", deserialize_with = "lenient::many")]
    pub accounts: Vec<Account>,
    /// Departments, as the server sends them.
    #[serde(default, alias = "Departments", deserialize_with = "lenient::many")]
    pub departments: Vec<Value>,
    /// Permissions (a map of account id to permission names in the contract).
    #[serde(default, alias = "Permissions")]
    pub permissions: Value,
    /// Feature flags per account.
    #[serde(default, alias = "Features", deserialize_with = "lenient::many")]
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

/// A user profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct User {
    /// Entity type, `user`.
    #[serde(default, rename = "type", alias = "Type", deserialize_with = "lenient::text")]
    pub kind: Option<String>,
    /// E-mail address. Required: it names the session's user.
    #[serde(
        alias = "Username",
        alias = "UserName",
        alias = "userName",
        deserialize_with = "lenient::required_text"
    )]
    pub username: String,
    /// First name.
    #[serde(default, alias = "FirstName", deserialize_with = "lenient::text")]
    pub first_name: Option<String>,
    /// Last name.
    #[serde(default, alias = "LastName", deserialize_with = "lenient::text")]
    pub last_name: Option<String>,
    /// Related ids (an empty string in some responses: absent).
    #[serde(default, alias = "Links", deserialize_with = "lenient::opt")]
    pub links: Option<UserLinks>,
    /// Password expiry, seconds from now, as a string.
    #[serde(default, alias = "PasswordExpiry", deserialize_with = "lenient::text")]
    pub password_expiry: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// A user with the given name fields.
    pub fn new(username: &str, first_name: &str, last_name: &str, user_id: i64) -> Self {
        User {
            kind: Some("user".into()),
            username: username.into(),
            first_name: Some(first_name.into()),
            last_name: Some(last_name.into()),
            links: Some(UserLinks { user_id: Some(user_id), extra: Map::new() }),
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
    #[serde(default, alias = "UserId", deserialize_with = "lenient::int")]
    pub user_id: Option<i64>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An account (tenant) the user can act in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Account {
    /// The account id, used as `X-Account-Context`. Required.
    #[serde(alias = "Id", alias = "ID")]
    pub id: AccountId,
    /// Display name.
    #[serde(default, alias = "Name", deserialize_with = "lenient::text")]
    pub name: Option<String>,
    /// Billing currency (the API pads it: `"USD       "`; read trimmed).
    #[serde(default, alias = "Currency", deserialize_with = "lenient::text")]
    pub currency: Option<String>,
    /// `Claimed`, `Pending` or `Inactive`.
    #[serde(default, alias = "Status", deserialize_with = "lenient::text")]
    pub status: Option<String>,
    /// Parent account id (`parentAccountId` in some responses); `-1` for a top-level account.
    #[serde(default, alias = "Parent", alias = "parentAccountId", deserialize_with = "lenient::int")]
    pub parent: Option<i64>,
    /// Products: a list (`/me`) or a map of product to features (`/accounts`).
    #[serde(default, alias = "Products", deserialize_with = "lenient::opt")]
    pub products: Option<Products>,
    /// `Partner`, `Direct` or `Partner Customer`.
    #[serde(default, alias = "AccountType", deserialize_with = "lenient::text")]
    pub account_type: Option<String>,
    /// Whether the account is synced with external systems.
    #[serde(default, alias = "IsSynced", deserialize_with = "lenient::flag")]
    pub is_synced: Option<bool>,
    /// Whether the account is on a free trial.
    #[serde(default, alias = "IsFreeTrial", deserialize_with = "lenient::flag")]
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
            name: Some(name.into()),
            currency: None,
            status: None,
            parent: None,
            products: None,
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
    fn a_blank_or_missing_username_is_an_error() {
        for body in [
            r#"{"user":{"username":""}}"#,
            r#"{"user":{"username":"   "}}"#,
            r#"{"user":{"username":null}}"#,
            r#"{"user":{"username":7}}"#,
            r#"{"user":{}}"#,
        ] {
            let err = crate::lenient::from_slice::<Me>(body.as_bytes()).unwrap_err();
            assert_eq!(err.json_path, if body.contains("{}") { "user" } else { "user.username" }, "{body}");
        }
        let me: Me = crate::lenient::from_slice(br#"{"User":{"UserName":"a@b.c"}}"#).unwrap();
        assert_eq!(me.user.username, "a@b.c");
    }

    #[test]
    fn rejects_a_list_of_several_users() {
        let err = serde_json::from_str::<Me>(
            r#"{"user":[{"username":"a@b.c"},{"username":"d@e.f"}],"accounts":[]}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("expected one object"), "{err}");
    }

    #[test]
    fn reads_recorded_pascal_case_me_with_loose_values() {
        let me: Me = crate::lenient::from_slice(
            br#"{"User":[{"Type":"user","UserName":"a@b.c","FirstName":null,"LastName":"B","Links":""}],
               "Accounts":[{"Id":"7","Name":"Seven","Currency":"USD       ","Status":"Claimed","Parent":-1,
                 "Products":{"ARMOR-COMPLETE":["Invoicing"]},"IsSynced":"x"}],
               "Departments":"","Permissions":null,"Features":{}}"#,
        )
        .unwrap();
        assert_eq!(me.user.username, "a@b.c");
        assert_eq!((me.user.first_name.as_deref(), me.user.links.as_ref()), (None, None));
        let a = &me.accounts[0];
        assert_eq!((a.id, a.parent, a.currency.as_deref()), (AccountId(7), Some(-1), Some("USD")));
        assert_eq!(a.products.as_ref().unwrap().names(), ["ARMOR-COMPLETE"]);
        assert_eq!(a.is_synced, None);
        assert!(me.departments.is_empty() && me.features.is_empty());
    }

    #[test]
    fn a_bad_account_id_names_its_json_path() {
        let e = crate::lenient::from_slice::<Me>(
            br#"{"user":{"username":"a@b.c"},"accounts":[{"id":1},{"id":"abc"}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.json_path, "accounts[1].id");
        let e = crate::lenient::from_slice::<Me>(br#"{"user":{"firstName":"A"},"accounts":[]}"#).unwrap_err();
        assert!(e.source.to_string().contains("missing field `username`"), "{e:?}");
    }
}
