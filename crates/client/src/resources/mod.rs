//! One handler per resource, e.g. `client.vms().list()`. Every call goes through the
//! session's freshness check and sends its account context.

mod directory;
mod vms;
mod workloads;

pub use directory::{Accounts, Datacenters, Users};
pub use vms::{Orders, Vms, WaitOptions};
pub use workloads::{Tiers, Workloads};

use armor_core::lenient::Answer;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::http::check_status;

impl Client {
    /// VMs.
    pub fn vms(&self) -> Vms<'_> {
        Vms { client: self }
    }

    /// Workloads (`/apps`).
    pub fn workloads(&self) -> Workloads<'_> {
        Workloads { client: self }
    }

    /// The tiers of workload `workload`.
    pub fn tiers(&self, workload: u32) -> Tiers<'_> {
        Tiers { client: self, workload }
    }

    /// Datacenters (`/locations`).
    pub fn datacenters(&self) -> Datacenters<'_> {
        Datacenters { client: self }
    }

    /// Users of the account.
    pub fn users(&self) -> Users<'_> {
        Users { client: self }
    }

    /// Accounts.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { client: self }
    }

    /// Orders.
    pub fn orders(&self) -> Orders<'_> {
        Orders { client: self }
    }

    /// An authenticated request with an optional JSON body, decoded as `T`. Never
    /// retried: Armor has no idempotency keys.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<T> {
        let raw = self.send_checked(method.clone(), path, body).await?;
        self.inner.http.decode(method.as_str(), path, &raw)
    }

    /// An authenticated change (never retried) whose 2xx answer is a success whatever its
    /// body; returns the objects the body describes ([`Answer`]): none for `true`, an
    /// empty or a non-JSON body, several for a list. A body over the JSON value limit is
    /// still an error.
    pub async fn send_change<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Vec<T>> {
        let raw = self.send_checked(method.clone(), path, body).await?;
        if raw.trim_ascii().is_empty() {
            return Ok(Vec::new());
        }
        match self.inner.http.decode::<Answer<T>>(method.as_str(), path, &raw) {
            Ok(answer) => Ok(answer.0),
            Err(Error::Decode { .. }) => {
                tracing::debug!(method = %method, path, "the answer to a change is not JSON; ignored");
                Ok(Vec::new())
            }
            Err(e) => Err(e),
        }
    }

    /// An authenticated request whose success body is not needed (e.g. `202`).
    pub async fn send_ok(&self, method: Method, path: &str, body: Option<&impl Serialize>) -> Result<()> {
        self.send_checked(method, path, body).await.map(drop)
    }

    async fn send_checked(
        &self,
        method: Method,
        path: &str,
        body: Option<&impl Serialize>,
    ) -> Result<Vec<u8>> {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        let raw = self.request_raw(method.clone(), path, bytes).await?;
        check_status(method.as_str(), path, &raw)?;
        Ok(raw.body)
    }
}

/// `None` as a body, for calls without one.
pub(crate) const NO_BODY: Option<&()> = None;
