//! `armor user ...`, `armor datacenter list`, `armor account show|address`.

use std::io::Write;

use anyhow::{Result, bail};
use armor_client::core::accounts::AccountUser;
use armor_client::core::ids::parse_id;
use armor_client::core::infra::Datacenter;
use armor_client::core::{AccountId, UserId};

use crate::args_res::{DatacenterCommand, UserCommand};
use crate::cmd::session::rfc3339;
use crate::context::Context;
use crate::glob;
use crate::output::{Render, full_name, labelled, or_dash};

pub async fn user(ctx: &Context, cmd: UserCommand, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    match cmd {
        UserCommand::List { username, first_name, last_name } => {
            let users: Vec<AccountUser> = client
                .users()
                .list()
                .await?
                .into_iter()
                .filter(|u| {
                    glob::keep(username.as_deref(), u.email.as_deref())
                        && glob::keep(first_name.as_deref(), u.first_name.as_deref())
                        && glob::keep(last_name.as_deref(), u.last_name.as_deref())
                })
                .collect();
            Render::new(ctx.format, out).table(
                &users,
                &["id", "email", "first name", "last name", "status"],
                || {
                    users
                        .iter()
                        .map(|u| {
                            vec![
                                or_dash(u.id),
                                or_dash(u.email.as_deref()),
                                or_dash(u.first_name.as_deref()),
                                or_dash(u.last_name.as_deref()),
                                or_dash(u.status.as_deref()),
                            ]
                        })
                        .collect()
                },
            )
        }
        UserCommand::Show { id } => {
            let u = client.users().get(UserId(parse_id("user", &id).map_err(anyhow::Error::msg)?)).await?;
            Render::new(ctx.format, out).fields(&u, || {
                vec![
                    ("Id", or_dash(u.id)),
                    ("E-mail", or_dash(u.email.as_deref())),
                    ("Name", full_name(u.first_name.as_deref(), u.last_name.as_deref())),
                    ("Status", or_dash(u.status.as_deref())),
                    ("Time zone", or_dash(u.timezone.as_deref())),
                    ("Last login", or_dash(u.last_login.map(rfc3339))),
                    ("API keys", or_dash(u.api_key_count)),
                ]
            })
        }
    }
}

pub async fn datacenter(ctx: &Context, cmd: DatacenterCommand, out: &mut dyn Write) -> Result<()> {
    let DatacenterCommand::List { id, name, location } = cmd;
    let list: Vec<Datacenter> = ctx
        .client()?
        .datacenters()
        .list()
        .await?
        .into_iter()
        .filter(|d| id.is_none_or(|i| d.id == Some(i64::from(i))))
        .filter(|d| glob::keep(name.as_deref(), d.name.as_deref()))
        .filter(|d| {
            location
                .as_deref()
                .is_none_or(|l| d.location.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(l)))
        })
        .collect();
    Render::new(ctx.format, out).table(&list, &["id", "location", "name", "zones"], || {
        list.iter()
            .map(|d| {
                vec![
                    or_dash(d.id),
                    or_dash(d.location.as_deref()),
                    or_dash(d.name.as_deref()),
                    or_dash(Some(d.zones.join(", ")).filter(|z| !z.is_empty())),
                ]
            })
            .collect()
    })
}

pub async fn account_show(ctx: &Context, raw: &str, out: &mut dyn Write) -> Result<()> {
    let id: AccountId = raw.parse()?;
    let accounts = ctx.client()?.accounts().list().await?;
    let Some(a) = accounts.into_iter().find(|a| a.id == id) else {
        bail!("account {id} is not one of your accounts; see `armor account list`");
    };
    Render::new(ctx.format, out).fields(&a, || {
        vec![
            ("Id", a.id.to_string()),
            ("Name", or_dash(a.name.as_deref())),
            ("Status", or_dash(a.status.as_deref())),
            ("Type", or_dash(a.account_type.as_deref())),
            ("Currency", or_dash(a.currency.as_deref())),
            ("Parent", or_dash(a.parent)),
            (
                "Products",
                or_dash(a.products.as_ref().map(|p| p.names().join(", ")).filter(|p| !p.is_empty())),
            ),
        ]
    })
}

pub async fn account_address(ctx: &Context, raw: Option<&str>, out: &mut dyn Write) -> Result<()> {
    let client = ctx.client()?;
    let id = match raw {
        Some(r) => r.parse::<AccountId>()?,
        None => match client.session().await?.account_id {
            Some(id) => id,
            None => bail!("no account context; give an account id"),
        },
    };
    let a = client.accounts().address(id).await?;
    Render::new(ctx.format, out).fields(&a, || {
        let street = [a.address_line1.as_deref(), a.address_line2.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        let city = [a.city.as_deref(), a.state.as_deref(), a.postal_code.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        vec![
            ("Account", labelled(a.account_id.as_deref(), a.name.as_deref())),
            ("Street", or_dash(Some(street).filter(|s| !s.is_empty()))),
            ("City", or_dash(Some(city).filter(|s| !s.is_empty()))),
            ("Country", or_dash(a.country.as_deref())),
        ]
    })
}
