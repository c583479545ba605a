//! `armor user ...`, `armor datacenter list`, `armor account show|address`.

use std::io::Write;

use anyhow::{Result, bail};
use armor_client::core::AccountId;
use armor_client::core::accounts::AccountUser;
use armor_client::core::ids::parse_id;
use armor_client::core::infra::Datacenter;

use crate::args::Format;
use crate::args_res::{DatacenterCommand, UserCommand};
use crate::context::Context;
use crate::glob;
use crate::output::{self, or_dash};

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
                    glob::keep(username.as_deref(), Some(&u.email))
                        && glob::keep(first_name.as_deref(), u.first_name.as_deref())
                        && glob::keep(last_name.as_deref(), u.last_name.as_deref())
                })
                .collect();
            if ctx.format == Format::Json {
                return output::json(out, &users);
            }
            let rows = users
                .iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.email.clone(),
                        or_dash(u.first_name.as_deref()),
                        or_dash(u.last_name.as_deref()),
                        or_dash(u.status.as_deref()),
                    ]
                })
                .collect();
            output::table(out, &["id", "email", "first name", "last name", "status"], rows)
        }
        UserCommand::Show { id } => {
            let u = client.users().get(parse_id("user", &id).map_err(anyhow::Error::msg)?).await?;
            if ctx.format == Format::Json {
                return output::json(out, &u);
            }
            output::fields(
                out,
                &[
                    ("Id", u.id.to_string()),
                    ("E-mail", u.email.clone()),
                    (
                        "Name",
                        format!(
                            "{} {}",
                            u.first_name.as_deref().unwrap_or(""),
                            u.last_name.as_deref().unwrap_or("")
                        )
                        .trim()
                        .to_owned(),
                    ),
                    ("Status", or_dash(u.status.as_deref())),
                    ("Time zone", or_dash(u.timezone.as_deref())),
                    ("Last login", or_dash(u.last_login.as_deref())),
                    ("API keys", or_dash(u.api_key_count)),
                ],
            )
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
        .filter(|d| id.is_none_or(|i| d.id == i))
        .filter(|d| glob::keep(name.as_deref(), Some(&d.name)))
        .filter(|d| location.as_deref().is_none_or(|l| d.location.eq_ignore_ascii_case(l)))
        .collect();
    if ctx.format == Format::Json {
        return output::json(out, &list);
    }
    let rows = list
        .iter()
        .map(|d| vec![d.id.to_string(), d.location.clone(), d.name.clone(), d.zones.join(", ")])
        .collect();
    output::table(out, &["id", "location", "name", "zones"], rows)
}

pub async fn account_show(ctx: &Context, raw: &str, out: &mut dyn Write) -> Result<()> {
    let id: AccountId = raw.parse()?;
    let accounts = ctx.client()?.accounts().list().await?;
    let Some(a) = accounts.into_iter().find(|a| a.id == id) else {
        bail!("account {id} is not one of your accounts; see `armor account list`");
    };
    if ctx.format == Format::Json {
        return output::json(out, &a);
    }
    output::fields(
        out,
        &[
            ("Id", a.id.to_string()),
            ("Name", a.name.clone()),
            ("Status", or_dash(a.status.as_deref())),
            ("Type", or_dash(a.account_type.as_deref())),
            ("Currency", or_dash(a.currency.as_deref())),
            ("Parent", or_dash(a.parent)),
            (
                "Products",
                match &a.products {
                    serde_json::Value::Object(m) => m.keys().cloned().collect::<Vec<_>>().join(", "),
                    serde_json::Value::Array(v) => {
                        v.iter().filter_map(|p| p.as_str()).collect::<Vec<_>>().join(", ")
                    }
                    _ => "-".into(),
                },
            ),
        ],
    )
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
    if ctx.format == Format::Json {
        return output::json(out, &a);
    }
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
    output::fields(
        out,
        &[
            ("Account", format!("{} ({})", a.account_id, a.name)),
            ("Street", street),
            ("City", city),
            ("Country", or_dash(a.country.as_deref())),
        ],
    )
}
