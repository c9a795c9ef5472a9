use odoo_client::OdooModel;
use serde::Deserialize;

#[derive(Deserialize, OdooModel)]
#[odoo(model = "res.partner")]
struct Partner {
    id: i64,
    #[serde(flatten)]
    address: Address,
}

#[derive(Deserialize)]
struct Address {
    street: String,
}

fn main() {}
