// serde accepts duplicate names with a warning; only OdooModel's errors are under test.
#![allow(unreachable_patterns)]

use odoo_client::OdooModel;
use serde::Deserialize;

#[derive(Deserialize, OdooModel)]
#[odoo(model = "res.partner")]
struct Partner {
    id: i64,
    name: String,
    #[serde(rename = "name")]
    display_name: String,
}

#[derive(Deserialize, OdooModel)]
#[serde(rename_all = "UPPERCASE")]
#[odoo(model = "x_legacy")]
struct Legacy {
    id: i64,
    #[serde(rename = "CODE")]
    code_a: String,
    code: String,
}

fn main() {}
