use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "res.partner")]
struct Partner {
    id: i64,
    #[odoo(skip)]
    score: u32,
}

fn main() {}
