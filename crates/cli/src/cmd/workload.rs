//! `armor workload ...` and `armor tier ...`.

use std::io::Write;

use anyhow::{Result, bail};
use armor_client::core::ids::parse_id;
use armor_client::core::infra::{Tier, Workload, vm_status};
use armor_client::core::{TierId, WorkloadId};
use serde_json::json;

use crate::args_res::{RenameArgs, TierCommand, WorkloadCommand};
use crate::change::{Impact, gate};
use crate::context::Context;
use crate::glob;
use crate::output::{self, Render, or_dash};

fn id(kind: &str, raw: &str) -> Result<u32> {
    parse_id(kind, raw).map_err(anyhow::Error::msg)
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        bail!("the name is empty");
    }
    Ok(())
}

pub async fn workload(ctx: &Context, cmd: WorkloadCommand, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    match cmd {
        WorkloadCommand::List { name } => {
            let list: Vec<Workload> = client.workloads().list().await?;
            let list: Vec<Workload> =
                list.into_iter().filter(|w| glob::keep(name.as_deref(), w.name.as_deref())).collect();
            Render::new(ctx.format, out).table(
                &list,
                &["id", "name", "location", "tiers", "vms", "status"],
                || {
                    list.iter()
                        .map(|w| {
                            vec![
                                or_dash(w.id),
                                or_dash(w.name.as_deref()),
                                or_dash(w.location.as_deref()),
                                or_dash(w.tier_count),
                                or_dash(w.vm_count),
                                vm_status::name(w.status).into(),
                            ]
                        })
                        .collect()
                },
            )
        }
        WorkloadCommand::Show { id: raw } => {
            let w = client.workloads().get(WorkloadId(id("workload", &raw)?)).await?;
            Render::new(ctx.format, out).with(&w, |out| {
                output::fields(
                    out,
                    &[
                        ("Id", or_dash(w.id)),
                        ("Name", or_dash(w.name.as_deref())),
                        ("Location", or_dash(w.location.as_deref())),
                        ("Status", vm_status::name(w.status).into()),
                        ("Tiers", or_dash(w.tier_count)),
                        ("VMs", or_dash(w.vm_count)),
                        ("CPU", or_dash(w.total_cpu)),
                        ("Memory", or_dash(w.total_memory.map(|m| format!("{m} MB")))),
                    ],
                )?;
                let tiers = w.tiers.as_deref().unwrap_or_default();
                writeln!(out)?;
                tiers_table(out, tiers)?;
                writeln!(out)?;
                vms_table(out, tiers)
            })
        }
        WorkloadCommand::Rename(RenameArgs { id: raw, new_name, change }) => {
            let wid = id("workload", &raw)?;
            check_name(&new_name)?;
            let what = format!("rename workload {wid} to {new_name:?}");
            let body = json!({"id": wid, "name": new_name});
            if gate(out, &client, change, Impact::High, &what, ("PUT", &format!("/apps/{wid}"), Some(body)))
                .await?
            {
                return Ok(());
            }
            let w = client.workloads().rename(WorkloadId(wid), &new_name).await?;
            Render::new(ctx.format, out).line(&w, || {
                format!("Workload {wid} is now named {:?}.", w.name.as_deref().unwrap_or(&new_name))
            })
        }
        WorkloadCommand::Remove { id: raw, change } => {
            let wid = id("workload", &raw)?;
            let what = format!("remove workload {wid}");
            if gate(out, &client, change, Impact::High, &what, ("DELETE", &format!("/apps/{wid}"), None))
                .await?
            {
                return Ok(());
            }
            client.workloads().remove(WorkloadId(wid)).await?;
            Render::new(ctx.format, out)
                .line(&json!({"workloadId": wid, "removed": true}), || format!("Workload {wid} removed."))
        }
    }
}

/// `value` as JSON, or `tiers` as a table.
fn print_tiers(
    ctx: &Context,
    out: &mut dyn Write,
    value: &impl serde::Serialize,
    tiers: &[Tier],
) -> Result<()> {
    Render::new(ctx.format, out).with(value, |out| tiers_table(out, tiers))
}

fn tiers_table(out: &mut dyn Write, tiers: &[Tier]) -> Result<()> {
    let rows = tiers
        .iter()
        .map(|t| {
            let names: Vec<String> = t.vms.iter().map(|v| or_dash(v.name.as_deref())).collect();
            vec![or_dash(t.id), or_dash(t.name.as_deref()), t.vms.len().to_string(), names.join(", ")]
        })
        .collect();
    output::table(out, &["tier", "name", "vms", "vm names"], rows)
}

/// The VMs embedded in `tiers`, one row each.
fn vms_table(out: &mut dyn Write, tiers: &[Tier]) -> Result<()> {
    let rows = tiers
        .iter()
        .flat_map(|t| t.vms.iter().map(move |v| (t, v)))
        .map(|(t, v)| {
            vec![
                or_dash(v.id),
                or_dash(v.name.as_deref()),
                vm_status::name(v.status).into(),
                or_dash(t.name.as_deref()),
                or_dash(v.os.as_deref()),
                or_dash(v.ip_address.as_deref()),
            ]
        })
        .collect();
    output::table(out, &["vm", "name", "status", "tier", "os", "ip"], rows)
}

pub async fn tier(ctx: &Context, cmd: TierCommand, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    match cmd {
        TierCommand::List { workload, name } => {
            let tiers = client.tiers(WorkloadId(id("workload", &workload)?)).list().await?;
            let tiers: Vec<Tier> =
                tiers.into_iter().filter(|t| glob::keep(name.as_deref(), t.name.as_deref())).collect();
            print_tiers(ctx, out, &tiers, &tiers)
        }
        TierCommand::Show { workload, id: raw } => {
            let t =
                client.tiers(WorkloadId(id("workload", &workload)?)).get(TierId(id("tier", &raw)?)).await?;
            print_tiers(ctx, out, &t, std::slice::from_ref(&t))
        }
        TierCommand::Add { workload, name, change } => {
            let wid = id("workload", &workload)?;
            check_name(&name)?;
            let what = format!("add tier {name:?} to workload {wid}");
            let path = format!("/apps/{wid}/tiers");
            if gate(out, &client, change, Impact::Medium, &what, ("POST", &path, Some(json!({"name": name}))))
                .await?
            {
                return Ok(());
            }
            let w = client.tiers(WorkloadId(wid)).add(&name).await?;
            let added = w
                .tiers
                .as_deref()
                .unwrap_or_default()
                .iter()
                .rev()
                .find(|t| t.name.as_deref() == Some(&name))
                .and_then(|t| t.id);
            Render::new(ctx.format, out)
                .line(&w, || format!("Tier {} ({name:?}) added to workload {wid}.", or_dash(added)))
        }
        TierCommand::Rename { workload, rename: RenameArgs { id: raw, new_name, change } } => {
            let (wid, tid) = (id("workload", &workload)?, id("tier", &raw)?);
            check_name(&new_name)?;
            let what = format!("rename tier {tid} of workload {wid} to {new_name:?}");
            let path = format!("/apps/{wid}/tiers/{tid}");
            let body = json!({"id": tid, "name": new_name});
            if gate(out, &client, change, Impact::High, &what, ("PUT", &path, Some(body))).await? {
                return Ok(());
            }
            let w = client.tiers(WorkloadId(wid)).rename(TierId(tid), &new_name).await?;
            Render::new(ctx.format, out)
                .line(&w, || format!("Tier {tid} of workload {wid} is now named {new_name:?}."))
        }
        TierCommand::Remove { workload, id: raw, change } => {
            let (wid, tid) = (id("workload", &workload)?, id("tier", &raw)?);
            let what = format!("remove tier {tid} of workload {wid}");
            let path = format!("/apps/{wid}/tiers/{tid}");
            if gate(out, &client, change, Impact::High, &what, ("DELETE", &path, None)).await? {
                return Ok(());
            }
            client.tiers(WorkloadId(wid)).remove(TierId(tid)).await?;
            Render::new(ctx.format, out)
                .line(&json!({"workloadId": wid, "tierId": tid, "removed": true}), || {
                    format!("Tier {tid} of workload {wid} removed.")
                })
        }
    }
}
