use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(modle = "res.partner", table = "res_partner")]
struct Partner {
    id: i64,
    #[odoo(skp)]
    name: String,
    #[odoo(model = "res.partner")]
    email: String,
}

#[derive(OdooModel)]
#[odoo(model = "res.partner", skip)]
struct Misplaced {
    id: i64,
}

fn main() {}
