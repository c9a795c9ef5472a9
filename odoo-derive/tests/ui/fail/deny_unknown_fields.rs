use odoo_client::OdooModel;
use serde::Deserialize;

#[derive(Deserialize, OdooModel)]
#[serde(deny_unknown_fields)]
#[odoo(model = "res.partner")]
struct Partner {
    name: String,
}

fn main() {}
