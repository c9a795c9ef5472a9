//! The typed client with a hand-written model.
//!
//! ```sh
//! ODOO_URL=https://odoo.example.com ODOO_DB=mydb ODOO_API_KEY=... \
//!     cargo run -p odoo-client --example typed            # reads only
//! cargo run -p odoo-client --example typed -- --write     # also creates, updates, deletes a partner
//! ```
//! Over XML-RPC (Odoo 14-18) also set `ODOO_USER`.

use std::process::ExitCode;

use odoo_client::value::false_as_none;
use odoo_client::{Config, Domain, Many2One, OdooClient, OdooModel, RecordId};
use serde::{Deserialize, Serialize};

/// The fields of `res.partner` this program needs; a typed search reads only these.
#[derive(Debug, Deserialize, OdooModel)]
#[odoo(model = "res.partner", create = NewPartner, update = PartnerChanges)]
struct Partner {
    id: RecordId,
    name: String,
    /// Odoo sends `false` for an empty field: `Option` + `false_as_none`.
    #[serde(default, deserialize_with = "false_as_none")]
    email: Option<String>,
    #[serde(rename = "country_id", default, deserialize_with = "false_as_none")]
    country: Option<Many2One>,
    /// A selection field.
    #[serde(rename = "type")]
    kind: AddressType,
    is_company: bool,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
enum AddressType {
    Contact,
    Invoice,
    Delivery,
    /// Any value this program does not know (Odoo modules add their own).
    #[serde(other)]
    Other,
}

#[derive(Serialize)]
struct NewPartner {
    name: String,
    email: String,
}

/// `None` fields are left out, so `write` leaves them untouched.
#[derive(Default, Serialize)]
struct PartnerChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!(
                "this example needs an Odoo server: {e}\n\
                 set ODOO_URL, ODOO_DB and ODOO_API_KEY (and ODOO_USER for XML-RPC)"
            );
            return ExitCode::from(2);
        }
    };
    let write = std::env::args().any(|a| a == "--write");
    match run(config, write).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config, write: bool) -> odoo_client::Result<()> {
    let client = OdooClient::new(config)?;
    let partners = client.model::<Partner>();

    let companies = partners.count(Domain::eq("is_company", true)?).await?;
    println!("{companies} companies; the first five contacts by name:");
    for p in partners
        .search(Domain::new())
        .order("name")
        .limit(5)
        .await?
    {
        let what = if p.is_company { "company" } else { "person" };
        let country = p.country.as_ref().map_or("-", |c| c.name.as_str());
        let email = p.email.as_deref().unwrap_or("-");
        println!(
            "  #{:<4} {:<30} {what:<8} {:<9?} {country:<20} {email}",
            p.id, p.name, p.kind
        );
    }

    if write {
        let id = partners
            .create(&NewPartner {
                name: "odoo-client typed example".into(),
                email: "typed@example.com".into(),
            })
            .await?;
        partners
            .update(
                id,
                &PartnerChanges {
                    comment: Some("written by examples/typed.rs".into()),
                    ..Default::default()
                },
            )
            .await?;
        let created = partners.get(id).await?;
        println!("created and updated: {created:?}");
        partners.delete(&[id]).await?;
        match partners.get(id).await {
            Err(odoo_client::Error::NotFound { .. }) => println!("deleted #{id}"),
            other => println!("unexpected after delete: {other:?}"),
        }
    } else {
        println!("(pass --write to also create, update and delete a partner)");
    }
    Ok(())
}
