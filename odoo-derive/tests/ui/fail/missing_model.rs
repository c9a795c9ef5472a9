use odoo_client::OdooModel;

#[derive(OdooModel)]
struct Partner {
    id: i64,
}

#[derive(OdooModel)]
#[odoo(create = PartnerCreate, update = PartnerUpdate)]
struct Writable {
    id: i64,
}

struct PartnerCreate;
struct PartnerUpdate;

fn main() {}
