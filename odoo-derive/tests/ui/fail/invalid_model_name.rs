use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "Res.Partner")]
struct Partner {
    id: i64,
}

#[derive(OdooModel)]
#[odoo(model = res.partner)]
struct Unquoted {
    id: i64,
}

fn main() {}
