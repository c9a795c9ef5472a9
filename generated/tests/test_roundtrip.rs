//! Every real record captured from Odoo 19 decodes into its generated read struct
//! and encodes back to the same values: the proof that the types match a real
//! instance.
//!
//! Equality is Odoo's, with one documented difference: the generated types read
//! Odoo's `false` for an empty non-boolean field as `None`, and write `None` as
//! `null` (what their JSON schema declares), so `false` on a non-boolean field
//! must come back as `null`. Booleans keep `false`.

use odoo_client::registry::{FieldType, ModelDescriptor};
use serde_json::{Map, Value};

fn descriptor(model: &str) -> &'static ModelDescriptor {
    generated::MODELS
        .iter()
        .find(|d| d.model == model)
        .unwrap_or_else(|| panic!("no generated model for the fixture of {model}"))
}

fn load(model: &str) -> Vec<Map<String, Value>> {
    let file: Value = odoo_tests::fixture(&format!("records/{model}.json"));
    assert_eq!(file["model"], model);
    serde_json::from_value(file["records"].clone()).unwrap()
}

fn same(expected: &Value, actual: &Value, ttype: FieldType) -> bool {
    match (expected, actual) {
        (Value::Bool(false), Value::Null) => ttype != FieldType::Boolean,
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => expected == actual,
    }
}

/// The enum values the read schema allows for `field`, when it is a selection enum.
fn schema_enum(schema: &Value, field: &str) -> Option<Vec<String>> {
    let property = &schema["properties"][field];
    let reference = property
        .get("$ref")
        .or_else(|| {
            property["anyOf"]
                .as_array()?
                .iter()
                .find_map(|s| s.get("$ref"))
        })?
        .as_str()?;
    let name = reference.rsplit('/').next()?;
    let values = schema["$defs"][name]["enum"].as_array()?;
    Some(
        values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
    )
}

#[test]
fn every_real_record_round_trips_through_its_read_struct() {
    // Every curated model has its captured records (the load fails otherwise).
    let mut checked = 0;
    for descriptor in generated::MODELS {
        let model = descriptor.model;
        let schema = serde_json::to_value((descriptor.read_schema)()).unwrap();
        for record in load(model) {
            let id = record["id"].clone();
            let out = (descriptor.check_record)(Value::Object(record.clone()))
                .unwrap_or_else(|e| panic!("{model} {id}: {e}"));
            let out = out.as_object().unwrap();
            for (name, expected) in &record {
                let field = descriptor
                    .field(name)
                    .unwrap_or_else(|| panic!("{model}.{name} is not in the read struct"));
                let actual = out
                    .get(name)
                    .unwrap_or_else(|| panic!("{model} {id}: {name} lost or renamed"));
                assert!(
                    same(expected, actual, field.ttype),
                    "{model} {id}: {name} ({}) was {expected}, came back as {actual}",
                    field.ttype
                );
                if let (Some(values), Value::String(value)) = (schema_enum(&schema, name), actual) {
                    assert!(
                        values.contains(value),
                        "{model} {id}: {name} = {value:?} is not a known value of its enum"
                    );
                }
            }
            for (name, value) in out {
                if !record.contains_key(name) {
                    // The captures hold stored non-binary fields; the read struct
                    // adds binary and computed ones, which must read as empty.
                    let field = descriptor.field(name).expect("a field of the struct");
                    let empty = value.is_null()
                        || *value == Value::Bool(false)
                        || *value == Value::Array(vec![]);
                    assert!(
                        empty && (field.ttype == FieldType::Binary || !field.stored),
                        "{model} {id}: unexpected {name} = {value}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} records checked");
}

#[test]
fn typed_values_are_the_expected_rust_types() {
    let partner = load("res.partner")
        .into_iter()
        .find(|r| r["id"] == 1)
        .unwrap();
    let partner: generated::ResPartner = serde_json::from_value(Value::Object(partner)).unwrap();
    assert_eq!(partner.id, 1);
    assert_eq!(partner.name.as_deref(), Some("My Company (San Francisco)"));
    assert_eq!(partner.country_id.as_ref().map(|c| c.id), Some(233));
    assert_eq!(partner.type_, Some(generated::ResPartnerType::Contact));
    assert_eq!(partner.vat, None, "Odoo's false reads as None");
    assert!(partner.is_company);
    assert_eq!(
        partner.write_date.map(|d| d.to_string()),
        Some("2026-11-25 05:48:16".to_string())
    );
}

#[test]
fn unknown_selection_values_are_kept_and_written_back() {
    let value: generated::ResPartnerType =
        serde_json::from_value(Value::from("brand_new")).unwrap();
    assert_eq!(
        value,
        generated::ResPartnerType::Unknown("brand_new".into())
    );
    assert_eq!(
        serde_json::to_value(&value).unwrap(),
        Value::from("brand_new")
    );
    assert_eq!(generated::ResPartnerType::Contact.as_str(), "contact");
}

#[test]
fn schemas_carry_descriptions_enums_formats_and_required_fields() {
    let order = descriptor("sale.order");
    let read = serde_json::to_value((order.read_schema)()).unwrap();
    assert_eq!(read["properties"]["date_order"]["format"], "date-time");
    assert!(
        read["properties"]["partner_id"]["description"]
            .as_str()
            .unwrap()
            .starts_with("Customer")
    );
    assert_eq!(
        schema_enum(&read, "state").unwrap(),
        ["draft", "sent", "sale", "cancel"]
    );
    let create = serde_json::to_value((order.create_schema.unwrap())()).unwrap();
    let required: Vec<&str> = create["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(required.contains(&"partner_id"), "{required:?}");
    assert!(!required.contains(&"note"), "{required:?}");
    assert_eq!(create["properties"]["partner_id"]["type"], "integer");
    let update = serde_json::to_value((order.update_schema.unwrap())()).unwrap();
    assert!(
        update.get("required").is_none(),
        "update fields are all optional"
    );

    let move_ = descriptor("account.move");
    let read = serde_json::to_value((move_.read_schema)()).unwrap();
    assert_eq!(read["properties"]["date"]["format"], "date");
}

#[test]
fn write_payloads_leave_out_unset_fields_and_send_ids() {
    let update = generated::SaleOrderUpdate {
        partner_id: Some(7),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&update).unwrap(),
        serde_json::json!({"partner_id": 7})
    );
    let checked = (descriptor("sale.order").check_create.unwrap())(serde_json::json!({
        "partner_id": 7, "partner_invoice_id": 7, "partner_shipping_id": 7,
        "company_id": 1, "name": "S1", "date_order": "2026-01-02 03:04:05",
        "picking_policy": "direct"
    }))
    .unwrap();
    assert_eq!(checked["date_order"], "2026-01-02 03:04:05");
    assert!(checked.get("note").is_none());
    let missing = (descriptor("sale.order").check_create.unwrap())(serde_json::json!({}));
    assert!(missing.unwrap_err().to_string().contains("missing field"));
}

#[test]
fn descriptors_match_the_derived_model_impls() {
    use odoo_client::Model;
    assert_eq!(generated::ResPartner::MODEL, "res.partner");
    let names: Vec<&str> = generated::res_partner::FIELDS
        .iter()
        .map(|f| f.name)
        .collect();
    // A typed read asks for every field but the costly computed ones.
    let skipped: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !generated::ResPartner::FIELDS.contains(n))
        .collect();
    let read: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !skipped.contains(n))
        .collect();
    assert_eq!(read, generated::ResPartner::FIELDS);
    for name in &skipped {
        let field = generated::res_partner::FIELDS
            .iter()
            .find(|f| f.name == *name);
        assert!(field.is_some_and(|f| !f.stored), "{name} is stored");
    }
    assert!(skipped.contains(&"avatar_128") && skipped.contains(&"message_partner_ids"));
    assert!(read.contains(&"company_type") && read.contains(&"email_formatted"));
    assert_eq!(names[0], "id");
    assert!(
        names.contains(&"type"),
        "renamed fields keep their Odoo name"
    );
    let mut sorted: Vec<&str> = generated::MODELS.iter().map(|m| m.model).collect();
    sorted.sort();
    assert_eq!(
        sorted,
        generated::MODELS
            .iter()
            .map(|m| m.model)
            .collect::<Vec<_>>()
    );
    assert_eq!(generated::MODELS.len(), 13);
}
