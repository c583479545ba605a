//! Accounts, users and datacenters.

use armor_core::accounts::{AccountAddress, AccountUser};
use armor_core::infra::Datacenter;
use armor_core::{Account, AccountId};

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

    /// `GET /accounts/{id}`: the mailing address.
    pub async fn address(&self, id: AccountId) -> Result<AccountAddress> {
        self.client.get(&format!("/accounts/{id}")).await
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

    /// `GET /users/{id}`.
    pub async fn get(&self, id: u32) -> Result<AccountUser> {
        self.client.get(&format!("/users/{id}")).await
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
