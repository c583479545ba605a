//! Accounts, users and datacenters.

use armor_core::accounts::{AccountAddress, AccountUser};
use armor_core::infra::Datacenter;
use armor_core::lenient::One;
use armor_core::{Account, AccountId, UserId};

use crate::client::Client;
use crate::error::Result;

/// Accounts of the signed-in user.
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'c> {
    pub(crate) client: &'c Client,
}

impl Accounts<'_> {
    /// `GET /accounts`.
    pub async fn list(&self) -> Result<Vec<Account>> {
        self.client.get("/accounts").await
    }

    /// `GET /accounts/{id}`: the mailing address (an object, or a one-element list).
    pub async fn address(&self, id: AccountId) -> Result<AccountAddress> {
        self.client.get::<One<AccountAddress>>(&format!("/accounts/{id}")).await.map(|o| o.0)
    }
}

/// Users of the account context.
#[derive(Debug, Clone, Copy)]
pub struct Users<'c> {
    pub(crate) client: &'c Client,
}

impl Users<'_> {
    /// `GET /users`.
    pub async fn list(&self) -> Result<Vec<AccountUser>> {
        self.client.get("/users").await
    }

    /// `GET /users/{id}` (an object, or a one-element list).
    pub async fn get(&self, id: UserId) -> Result<AccountUser> {
        self.client.get::<One<AccountUser>>(&format!("/users/{id}")).await.map(|o| o.0)
    }
}

/// Datacenters.
#[derive(Debug, Clone, Copy)]
pub struct Datacenters<'c> {
    pub(crate) client: &'c Client,
}

impl Datacenters<'_> {
    /// `GET /locations`.
    pub async fn list(&self) -> Result<Vec<Datacenter>> {
        self.client.get("/locations").await
    }
}
