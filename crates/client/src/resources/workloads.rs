//! Workloads (`/apps`) and their tiers (`/apps/{id}/tiers`).

use ::http::Method;
use armor_core::infra::{NameRequest, Tier, Workload};
use armor_core::lenient::One;
use armor_core::{TierId, WorkloadId};

use crate::client::Client;
use crate::error::Result;
use crate::request::NO_BODY;

/// The workloads of the account context.
#[derive(Debug, Clone, Copy)]
pub struct Workloads<'c> {
    pub(crate) client: &'c Client,
}

impl Workloads<'_> {
    /// `GET /apps`.
    pub async fn list(&self) -> Result<Vec<Workload>> {
        self.client.get("/apps").await
    }

    /// `GET /apps/{id}`, with tiers (an object, or a one-element list).
    pub async fn get(&self, id: WorkloadId) -> Result<Workload> {
        self.client.get::<One<Workload>>(&format!("/apps/{id}")).await.map(|o| o.0)
    }

    /// `PUT /apps/{id}` `{id, name}`.
    pub async fn rename(&self, id: WorkloadId, name: &str) -> Result<Workload> {
        let mut body = NameRequest::new(name);
        body.id = Some(id.get());
        self.client
            .send_json::<One<Workload>>(Method::PUT, &format!("/apps/{id}"), Some(&body))
            .await
            .map(|o| o.0)
    }

    /// `DELETE /apps/{id}` (202).
    pub async fn remove(&self, id: WorkloadId) -> Result<()> {
        self.client.send_ok(Method::DELETE, &format!("/apps/{id}"), NO_BODY).await
    }
}

/// The tiers of one workload.
#[derive(Debug, Clone, Copy)]
pub struct Tiers<'c> {
    pub(crate) client: &'c Client,
    pub(crate) workload: WorkloadId,
}

impl Tiers<'_> {
    fn path(&self, tier: Option<TierId>) -> String {
        match tier {
            Some(t) => format!("/apps/{}/tiers/{t}", self.workload),
            None => format!("/apps/{}/tiers", self.workload),
        }
    }

    /// `GET /apps/{id}/tiers`.
    pub async fn list(&self) -> Result<Vec<Tier>> {
        self.client.get(&self.path(None)).await
    }

    /// `GET /apps/{id}/tiers/{tier}` (an object, or a one-element list).
    pub async fn get(&self, tier: TierId) -> Result<Tier> {
        self.client.get::<One<Tier>>(&self.path(Some(tier))).await.map(|o| o.0)
    }

    /// `POST /apps/{id}/tiers` `{name}`; returns the workload with its tiers.
    pub async fn add(&self, name: &str) -> Result<Workload> {
        let body = NameRequest::new(name);
        self.client.send_json::<One<Workload>>(Method::POST, &self.path(None), Some(&body)).await.map(|o| o.0)
    }

    /// `PUT /apps/{id}/tiers/{tier}` `{id, name}`; returns the workload.
    pub async fn rename(&self, tier: TierId, name: &str) -> Result<Workload> {
        let mut body = NameRequest::new(name);
        body.id = Some(tier.get());
        self.client
            .send_json::<One<Workload>>(Method::PUT, &self.path(Some(tier)), Some(&body))
            .await
            .map(|o| o.0)
    }

    /// `DELETE /apps/{id}/tiers/{tier}`.
    pub async fn remove(&self, tier: TierId) -> Result<()> {
        self.client.send_ok(Method::DELETE, &self.path(Some(tier)), NO_BODY).await
    }
}
