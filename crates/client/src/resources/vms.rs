//! VMs (`/vms`) and VM orders (`/orders/vms`).

use std::time::{Duration, Instant};

use ::http::Method;
use armor_core::infra::{
    DeleteVmRequest, NameRequest, Order, PowerAction, Vm, VmDetail, VmOrderRequest, VmStatus,
};
use armor_core::lenient::One;
use armor_core::{CoreInstanceId, VmId};

use crate::client::Client;
use crate::error::{Error, Result};
use crate::request::NO_BODY;

/// The VMs of the account context.
#[derive(Debug, Clone, Copy)]
pub struct Vms<'c> {
    pub(crate) client: &'c Client,
}

/// How [`Vms::wait_for_status`] polls.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Give up after this long.
    pub timeout: Duration,
    /// Time between polls.
    pub interval: Duration,
}

impl WaitOptions {
    /// Give up after `timeout`, polling every `interval`.
    pub fn new(timeout: Duration, interval: Duration) -> Self {
        WaitOptions { timeout, interval }
    }
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { timeout: Duration::from_secs(600), interval: Duration::from_secs(2) }
    }
}

impl Vms<'_> {
    /// `GET /vms`.
    pub async fn list(&self) -> Result<Vec<Vm>> {
        self.client.get("/vms").await
    }

    /// `GET /vms/{id}` (an object, or a one-element list as the v1 documents say).
    pub async fn get(&self, id: VmId) -> Result<VmDetail> {
        self.client.get::<One<VmDetail>>(&format!("/vms/{id}")).await.map(|o| o.0)
    }

    /// `GET /vms/core/{guid}` (an object, or a one-element list).
    pub async fn get_by_core_id(&self, guid: &CoreInstanceId) -> Result<VmDetail> {
        self.client.get::<One<VmDetail>>(&format!("/vms/core/{guid}")).await.map(|o| o.0)
    }

    /// `PUT /vms/{id}` `{id, name}`; returns the VM as the server describes it after, if
    /// it does (any 2xx answer is a success, whatever its body).
    pub async fn rename(&self, id: VmId, name: &str) -> Result<Option<VmDetail>> {
        let mut body = NameRequest::new(name);
        body.id = Some(id.get());
        let answer =
            self.client.send_change::<VmDetail>(Method::PUT, &format!("/vms/{id}"), Some(&body)).await?;
        Ok(answer.into_iter().next())
    }

    /// `POST /vms/{id}/power/{action}`; returns the VM as the server describes it right
    /// after, if it does (any 2xx answer is a success, whatever its body: `true`, a list,
    /// nothing).
    pub async fn power(&self, id: VmId, action: PowerAction) -> Result<Option<VmDetail>> {
        let path = format!("/vms/{id}/power/{}", action.as_str());
        Ok(self.client.send_change::<VmDetail>(Method::POST, &path, NO_BODY).await?.into_iter().next())
    }

    /// `DELETE /vms/{id}` (202).
    pub async fn remove(&self, request: &DeleteVmRequest) -> Result<()> {
        self.client.send_ok(Method::DELETE, &format!("/vms/{}", request.vm_id), Some(request)).await
    }

    /// Polls `GET /vms/{id}` until its status is `status`; `on_poll` sees each state.
    /// A response without a numeric `status` is an error: there is nothing to wait on.
    pub async fn wait_for_status(
        &self,
        id: VmId,
        status: VmStatus,
        options: WaitOptions,
        mut on_poll: impl FnMut(&VmDetail),
    ) -> Result<VmDetail> {
        let started = Instant::now();
        loop {
            let vm = self.get(id).await?;
            on_poll(&vm);
            let Some(current) = vm.status else {
                return Err(Error::Decode {
                    method: "GET".into(),
                    path: format!("/vms/{id}"),
                    json_path: "status".into(),
                    source: serde::de::Error::custom("no VM status (a number) to wait on"),
                });
            };
            if VmStatus::from(current) == status {
                return Ok(vm);
            }
            if started.elapsed() >= options.timeout {
                return Err(Error::Timeout {
                    what: format!("VM {id} to reach status {}", status.code()),
                    after: options.timeout,
                });
            }
            tokio::time::sleep(options.interval.min(options.timeout.saturating_sub(started.elapsed()))).await;
        }
    }
}

/// Orders.
#[derive(Debug, Clone, Copy)]
pub struct Orders<'c> {
    pub(crate) client: &'c Client,
}

impl Orders<'_> {
    /// `POST /orders/vms`: order new VMs. Never retried. Returns the orders the server
    /// describes: usually one, possibly several or none (any 2xx answer is a success).
    pub async fn create_vm(&self, order: &VmOrderRequest) -> Result<Vec<Order>> {
        self.client.send_change::<Order>(Method::POST, "/orders/vms", Some(&order.expose_body())).await
    }
}
