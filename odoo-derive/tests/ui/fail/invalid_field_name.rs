use odoo_client::OdooModel;
use serde::Deserialize;

#[derive(Deserialize, OdooModel)]
#[serde(rename_all = "kebab-case")]
#[odoo(model = "res.partner")]
struct Partner {
    id: i64,
    is_company: bool,
    #[serde(rename = "e-mail")]
    email: String,
}

fn main() {}
