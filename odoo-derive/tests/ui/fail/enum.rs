use odoo_client::OdooModel;

#[derive(OdooModel)]
#[odoo(model = "res.partner")]
enum PartnerType {
    Contact,
    Invoice,
}

fn main() {}
