use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "res.partner", create = PartnerCreate)]
struct Partner {
    id: i64,
}

struct PartnerCreate;

fn main() {}
