use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "res.partner")]
struct Partner;

fn main() {}
