//! Everything the derive accepts, checked against the real `odoo_client` traits and
//! against a record as Odoo's `search_read` returns it.

use odoo_client::value::false_as_none;
use odoo_client::{Many2One, Model, OdooModel, RecordId, WritableModel};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, OdooModel)]
#[odoo(model = "res.partner", create = PartnerCreate, update = PartnerUpdate)]
struct Partner {
    id: RecordId,
    name: String,
    #[serde(default, deserialize_with = "false_as_none")]
    email: Option<String>,
    #[serde(rename = "country_id", default, deserialize_with = "false_as_none")]
    country: Option<Many2One>,
    #[serde(rename = "type")]
    kind: AddressType,
    r#active: bool,
    /// Not read from Odoo: filled in by the application.
    #[odoo(skip)]
    #[serde(default)]
    score: u32,
    #[serde(skip)]
    cache: Vec<u8>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum AddressType {
    Contact,
    Invoice,
    #[serde(other)]
    Other,
}

#[derive(Serialize)]
struct PartnerCreate {
    name: String,
}

#[derive(Serialize, Default)]
struct PartnerUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

/// Upper-case column names from `rename_all`, a generic field, a string-typed `create`.
#[derive(Deserialize, odoo_client::OdooModel)]
#[serde(rename_all(deserialize = "UPPERCASE"), deny_unknown_fields)]
#[odoo(model = "x_legacy.table")]
struct Legacy<T> {
    #[serde(rename = "id")]
    key: i64,
    code: T,
}

fn writable<M: WritableModel>() -> &'static str {
    M::MODEL
}

fn main() {
    assert_eq!(Partner::MODEL, "res.partner");
    assert_eq!(
        Partner::FIELDS,
        ["id", "name", "email", "country_id", "type", "active"]
    );
    assert_eq!(writable::<Partner>(), "res.partner");
    let _: <Partner as WritableModel>::Create = PartnerCreate { name: "x".into() };
    let _: <Partner as WritableModel>::Update = PartnerUpdate::default();

    assert_eq!(<Legacy<String> as Model>::MODEL, "x_legacy.table");
    assert_eq!(<Legacy<String> as Model>::FIELDS, ["id", "CODE"]);

    // What Odoo answers to `search_read(fields = Partner::FIELDS)`.
    let record = serde_json::json!({
        "id": 7, "name": "Azure Interior", "email": false,
        "country_id": [233, "United States"], "type": "delivery", "active": true
    });
    let partner: Partner = serde_json::from_value(record).unwrap();
    assert_eq!(partner.email, None);
    assert_eq!(partner.country, Some(Many2One::new(233, "United States")));
    assert_eq!(partner.kind, AddressType::Other);
    assert_eq!(
        (partner.id, partner.name.as_str(), partner.active),
        (7, "Azure Interior", true)
    );
    assert_eq!((partner.score, partner.cache.len()), (0, 0));

    let legacy: Legacy<String> =
        serde_json::from_value(serde_json::json!({"id": 1, "CODE": "A"})).unwrap();
    assert_eq!((legacy.key, legacy.code.as_str()), (1, "A"));
}
