//! Builds every golden of `tests/goldens` (its `mod.rs` lists them all;
//! `test_goldens` keeps that list complete) and runs what a server calls on
//! each: its schemas and the round trip of an empty record.
//!
//! A target of its own, apart from `test_goldens`: when a generator change
//! leaves the old goldens uncompilable, `UPDATE_GOLDENS=1` must still run.

// The goldens are library modules (enum helpers, payload types) that this test
// binary only partly uses.
#[allow(dead_code)]
#[rustfmt::skip]
mod goldens;

use odoo_client::registry::FieldType;
use serde_json::{Value, json};

#[test]
fn every_golden_model_has_a_descriptor() {
    assert!(!goldens::MODELS.is_empty());
    let mut names: Vec<&str> = goldens::MODELS.iter().map(|d| d.model).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), goldens::MODELS.len(), "one model per golden");
}

#[test]
fn every_golden_builds_its_schemas() {
    for d in goldens::MODELS {
        let schemas = [Some(d.read_schema), d.create_schema, d.update_schema];
        for schema in schemas.into_iter().flatten() {
            let schema = schema();
            assert!(
                schema.get("properties").is_some(),
                "{}: {schema:?}",
                d.model
            );
        }
        assert_eq!(d.create_schema.is_some(), d.check_create.is_some());
    }
}

#[test]
fn an_update_of_nothing_round_trips() {
    for d in goldens::MODELS {
        if let Some(check) = d.check_update {
            assert_eq!(check(json!({})).unwrap(), json!({}), "{}", d.model);
        }
    }
}

#[test]
fn a_record_of_empty_values_reads() {
    // What Odoo sends for a record whose optional fields are all empty.
    for d in goldens::MODELS {
        let mut record = serde_json::Map::new();
        for f in d.fields {
            let value = match (f.name, f.ttype, f.required) {
                ("id", _, _) => json!(1),
                (_, FieldType::One2many | FieldType::Many2many, _) => json!([]),
                (_, FieldType::Many2one, true) => json!([1, "One"]),
                (
                    _,
                    FieldType::Char | FieldType::Text | FieldType::Html | FieldType::Selection,
                    true,
                ) => json!("a"),
                (_, FieldType::Integer | FieldType::Float | FieldType::Monetary, true) => json!(0),
                (_, FieldType::Date, true) => json!("2024-01-31"),
                (_, FieldType::Datetime, true) => json!("2024-01-31 12:00:00"),
                _ => Value::Bool(false),
            };
            record.insert(f.name.to_string(), value);
        }
        (d.check_record)(Value::Object(record)).unwrap_or_else(|e| panic!("{}: {e}", d.model));
    }
}
