//! `armor vm ...`: list, show, power actions (with `--wait`), rename, remove, create.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Result, bail};
use armor_client::Client;
use armor_client::core::ids::parse_id;
use armor_client::core::infra::{
    DeleteVmRequest, PowerAction, StorageItem, VmDetail, VmOrderRequest, VmStatus, vm_status,
};
use armor_client::core::{CoreInstanceId, VmId, infra::Vm};
use armor_client::resources::WaitOptions;
use serde_json::json;

use crate::args_res::{Change, CreateVm, RenameArgs, StopType, VmCommand, Wait};
use crate::change::{Impact, gate};
use crate::cmd::Format;
use crate::context::Context;
use crate::glob;
use crate::output::{self, Render, labelled, or_dash};
use crate::prompt;

pub async fn run(ctx: &Context, cmd: VmCommand, out: &mut dyn Write) -> Result<()> {
    match cmd {
        VmCommand::List { name } => list(ctx, name.as_deref(), out).await,
        VmCommand::Show { vm } => show(ctx, &vm, out).await,
        VmCommand::Start(a) => {
            power(ctx, &a.id, PowerAction::On, Impact::Medium, a.wait, a.change, out).await
        }
        VmCommand::Restart(a) => {
            power(ctx, &a.id, PowerAction::Reboot, Impact::High, a.wait, a.change, out).await
        }
        VmCommand::Reset(a) => {
            power(ctx, &a.id, PowerAction::Reset, Impact::High, a.wait, a.change, out).await
        }
        VmCommand::Stop { id, kind, wait, change } => {
            let action = match kind {
                StopType::Shutdown => PowerAction::Shutdown,
                StopType::Poweroff => PowerAction::Off,
                StopType::Forceoff => PowerAction::ForceOff,
            };
            power(ctx, &id, action, Impact::High, wait, change, out).await
        }
        VmCommand::Rename(RenameArgs { id, new_name, change }) => {
            rename(ctx, &id, &new_name, change, out).await
        }
        VmCommand::Remove { id, delete_now, change } => remove(ctx, &id, delete_now, change, out).await,
        VmCommand::Create(args) => create(ctx, args, out).await,
    }
}

fn vm_id(raw: &str) -> Result<u32> {
    parse_id("VM", raw).map_err(anyhow::Error::msg)
}

async fn list(ctx: &Context, name: Option<&str>, out: &mut dyn Write) -> Result<()> {
    let vms: Vec<Vm> = ctx.client()?.vms().list().await?;
    let vms: Vec<Vm> = vms.into_iter().filter(|v| glob::keep(name, v.name.as_deref())).collect();
    if let (Some(pattern), true) = (name, vms.is_empty()) {
        bail!("no VM in the account matches the name {pattern:?}");
    }
    if ctx.format == Format::Json {
        return output::json(out, &vms);
    }
    // Rows are made as they are written: a long list is not held twice.
    let row = |i: usize| {
        let v: &Vm = &vms[i];
        vec![
            or_dash(v.vm_id),
            or_dash(v.name.as_deref()),
            vm_status::name(v.status).into(),
            or_dash(v.workload_name.as_deref()),
            or_dash(v.location.as_deref()),
            or_dash(v.operating_system.as_deref()),
            or_dash(v.ip_address.as_deref()),
        ]
    };
    output::table_by(out, &["id", "name", "status", "workload", "location", "os", "ip"], vms.len(), row)
}

async fn show(ctx: &Context, vm: &str, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    let detail = match vm.parse::<u32>() {
        Ok(_) => client.vms().get(VmId(vm_id(vm)?)).await?,
        Err(_) => {
            let guid: CoreInstanceId = vm.parse().map_err(|_| {
                anyhow::anyhow!("invalid VM {vm:?}: expected a VM id (a number) or a core instance GUID")
            })?;
            client.vms().get_by_core_id(&guid).await?
        }
    };
    print_detail(ctx, &detail, out)
}

fn print_detail(ctx: &Context, d: &VmDetail, out: &mut dyn Write) -> Result<()> {
    Render::new(ctx.format, out).fields(d, || {
        let disks = d
            .disks
            .iter()
            .map(|k| or_dash(k.capacity.map(|c| format!("{} GB", c / 1024))))
            .collect::<Vec<_>>()
            .join(", ");
        vec![
            ("Id", or_dash(d.id)),
            ("Name", or_dash(d.name.as_deref())),
            (
                "Status",
                d.status.map_or_else(|| "-".into(), |s| format!("{} ({s})", vm_status::name(d.status))),
            ),
            ("Core instance", or_dash(d.core_instance_id.as_deref())),
            ("Workload", labelled(d.app_id, d.app_name.as_deref())),
            ("Location", or_dash(d.location.as_deref())),
            ("OS", or_dash(d.os.as_deref())),
            ("IP address", or_dash(d.ip_address.as_deref())),
            ("CPU", or_dash(d.cpu)),
            ("Memory", d.memory.map_or("-".into(), |m| format!("{m} MB"))),
            ("Disks", if disks.is_empty() { "-".into() } else { disks }),
            ("SKU", or_dash(d.product.as_ref().and_then(|p| p.sku.as_deref()))),
        ]
    })
}

async fn power(
    ctx: &Context,
    raw: &str,
    action: PowerAction,
    impact: Impact,
    wait: Wait,
    change: Change,
    out: &mut dyn Write,
) -> Result<()> {
    let id = vm_id(raw)?;
    let client = ctx.client()?;
    let path = format!("/vms/{id}/power/{}", action.as_str());
    let what = format!("{} VM {id}", verb(action));
    if gate(out, &client, change, impact, &what, ("POST", &path, None)).await? {
        return Ok(());
    }
    let mut vm = client.vms().power(VmId(id), action).await?;
    if wait.wait {
        vm = Some(wait_for(&client, id, action.target(), Duration::from_secs(wait.timeout)).await?);
    }
    // The server acted; its answer may describe the VM, or not (`true`, nothing).
    let Some(vm) = vm else {
        return Render::new(ctx.format, out)
            .line(&json!({"id": id}), || format!("VM {id}: {} accepted.", verb(action)));
    };
    Render::new(ctx.format, out)
        .line(&vm, || format!("VM {id} ({}): {}.", or_dash(vm.name.as_deref()), vm_status::name(vm.status)))
}

fn verb(action: PowerAction) -> &'static str {
    match action {
        PowerAction::On => "start",
        PowerAction::Reboot => "restart",
        PowerAction::Reset => "reset",
        PowerAction::Shutdown => "shut down",
        PowerAction::Off => "power off",
        PowerAction::ForceOff => "force off",
    }
}

async fn wait_for(client: &Client, id: u32, status: VmStatus, timeout: Duration) -> Result<VmDetail> {
    let spinner = std::io::stderr().is_terminal().then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        pb.enable_steady_tick(Duration::from_millis(120));
        pb
    });
    let options = WaitOptions::new(timeout, Duration::from_millis(500));
    let result = client
        .vms()
        .wait_for_status(VmId(id), status, options, |vm| {
            if let Some(pb) = &spinner {
                pb.set_message(format!(
                    "VM {id} ({}): {}",
                    or_dash(vm.name.as_deref()),
                    vm_status::name(vm.status)
                ));
            }
        })
        .await;
    if let Some(pb) = spinner {
        pb.finish_and_clear();
    }
    Ok(result?)
}

async fn rename(ctx: &Context, raw: &str, new_name: &str, change: Change, out: &mut dyn Write) -> Result<()> {
    let id = vm_id(raw)?;
    if new_name.trim().is_empty() {
        bail!("the new name is empty");
    }
    let client = ctx.client()?;
    let what = format!("rename VM {id} to {new_name:?}");
    let body = json!({"id": id, "name": new_name});
    if gate(out, &client, change, Impact::High, &what, ("PUT", &format!("/vms/{id}"), Some(body))).await? {
        return Ok(());
    }
    let vm = client.vms().rename(VmId(id), new_name).await?;
    let name = vm.as_ref().and_then(|v| v.name.as_deref()).unwrap_or(new_name);
    let shown = vm.as_ref().map_or_else(|| json!({"id": id, "name": new_name}), |v| json!(v));
    Render::new(ctx.format, out).line(&shown, || format!("VM {id} is now named {name:?}."))
}

async fn remove(
    ctx: &Context,
    raw: &str,
    delete_now: bool,
    change: Change,
    out: &mut dyn Write,
) -> Result<()> {
    let id = vm_id(raw)?;
    let client = ctx.client()?;
    let (account, username) = if change.what_if && client.is_memory_key() {
        // Nothing may be sent: the key's identity is not known without `GET /me`.
        (client.memory_key_account(), "<the API key's user>".to_owned())
    } else {
        let session = client.session().await?;
        (session.account_id, session.user.username)
    };
    let account = match (account, change.what_if) {
        (Some(a), _) => a.get(),
        (None, true) => 0,
        (None, false) => bail!("the session has no account context; run `armor account context ID`"),
    };
    let mut request = DeleteVmRequest::new(account, id, &username);
    request.delete_now = delete_now;
    let what = format!("remove VM {id}");
    let body = serde_json::to_value(&request)?;
    if gate(out, &client, change, Impact::High, &what, ("DELETE", &format!("/vms/{id}"), Some(body))).await? {
        return Ok(());
    }
    client.vms().remove(&request).await?;
    Render::new(ctx.format, out).line(&json!({"vmId": id, "removed": true}), || format!("VM {id} removed."))
}

async fn create(ctx: &Context, args: CreateVm, out: &mut dyn Write) -> Result<()> {
    let mut order = VmOrderRequest::new(&args.name, &args.location, &args.sku, "");
    match (&args.workload_id, &args.workload_name) {
        (Some(id), _) => order.app_id = parse_id("workload", id).map_err(anyhow::Error::msg)?.into(),
        (None, Some(name)) => order.app_name = Some(name.clone()),
        (None, None) => bail!("give --workload-id or --workload-name"),
    }
    match (&args.tier_id, &args.tier_name) {
        (Some(id), _) => order.tier_id = parse_id("tier", id).map_err(anyhow::Error::msg)?.into(),
        (None, Some(name)) => order.tier_name = Some(name.clone()),
        (None, None) => bail!("give --tier-id or --tier-name"),
    }
    order.storage = args.disks.iter().map(|gb| StorageItem::new(*gb)).collect();
    order.quantity = args.quantity;
    let client = ctx.client()?;
    let what = format!("order {} VM(s) named {:?} in {}", args.quantity, args.name, args.location);
    if gate(out, &client, args.change, Impact::High, &what, ("POST", "/orders/vms", Some(order.redacted())))
        .await?
    {
        return Ok(());
    }
    let secret = prompt::secret(
        args.secret_stdin,
        "--secret-stdin",
        "ARMOR_VM_SECRET",
        "VM secret",
        "Administrator secret for the new VM",
    )?;
    order.secret = secret;
    // The server took the order; its answer may describe one order, several or none.
    let placed = client.orders().create_vm(&order).await?;
    match ctx.format {
        Format::Json if placed.len() == 1 => output::json(out, &placed[0]),
        Format::Json => output::json(out, &placed),
        Format::Table if placed.is_empty() => {
            writeln!(out, "Order placed (the server described no order).")?;
            Ok(())
        }
        Format::Table => {
            for o in &placed {
                let ids: Vec<String> =
                    o.vms.iter().filter_map(|v| v.get("vmId")).map(|v| v.to_string()).collect();
                let line = format!(
                    "Order {} {}: VM(s) {}.",
                    or_dash(o.id),
                    or_dash(o.status.as_deref()),
                    if ids.is_empty() { "-".to_owned() } else { ids.join(", ") }
                );
                writeln!(out, "{}", crate::sanitize::line(&line))?;
            }
            Ok(())
        }
    }
}
