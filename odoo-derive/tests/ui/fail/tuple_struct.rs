use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "res.partner")]
struct Partner(i64, String);

fn main() {}
