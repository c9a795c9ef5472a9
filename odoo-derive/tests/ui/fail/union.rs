use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "res.partner")]
union Partner {
    id: i64,
    score: f64,
}

fn main() {}
