//! The JSON Schema of each struct, computed here and emitted as data.
//!
//! It is the schema `#[derive(schemars::JsonSchema)]` gave for the same struct
//! (deserialize side, default settings): same types, formats, descriptions,
//! defaults and `required` list, with `Many2One` and the selection enums as
//! `$defs` that the struct's `JsonSchema` impl registers. Deriving it cost a
//! quarter of the generated code; as data it costs a string.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value, json};

use super::doc_title;
use super::shape::{Role, Shape, doc_paragraphs};
use crate::ir::FieldKind;

/// Where schemars puts definitions by default (draft 2020-12).
const DEFS: &str = "#/$defs/";

const MANY2ONE: &str = "Many2One";

/// The field's schema without `null`, as schemars gives it for its Rust type.
fn base(shape: &Shape) -> Value {
    let int64 = || json!({"type": "integer", "format": "int64"});
    match shape.field.kind() {
        FieldKind::Text | FieldKind::Binary | FieldKind::Reference => json!({"type": "string"}),
        FieldKind::Integer | FieldKind::Many2oneReference => int64(),
        FieldKind::Float => json!({"type": "number", "format": "double"}),
        FieldKind::Boolean => json!({"type": "boolean"}),
        FieldKind::Date => json!({"type": "string", "format": "date"}),
        FieldKind::Datetime => json!({"type": "string", "format": "date-time"}),
        FieldKind::Selection { enum_name } => json!({"$ref": format!("{DEFS}{enum_name}")}),
        FieldKind::Many2one if shape.role == Role::Read => {
            json!({"$ref": format!("{DEFS}{MANY2ONE}")})
        }
        FieldKind::Many2one => int64(),
        FieldKind::X2many if shape.role == Role::Read => json!({"type": "array", "items": int64()}),
        FieldKind::X2many => commands(shape),
        // `serde_json::Value`: any value (schemars' `true`, an empty object here).
        FieldKind::Json => json!({}),
    }
}

/// Odoo's commands on a one2many or many2many field, as `X2Many` reads them:
/// a list of records to create (or, with an id, update) or of ids to set, or
/// an object of changes. The values of the records
/// it makes or changes are objects here (listing the target's whole schema
/// in every parent would repeat it, and a model can contain itself); the
/// target's generated types decode them.
fn commands(shape: &Shape) -> Value {
    let target = shape.field.relation.as_deref().unwrap_or("record");
    let values = |what: &str| json!({"type": "object", "description": format!("{what} {target} record, as its create and update take them")});
    odoo_client::x2many::commands_schema(
        values("Values of a new"),
        values("New values of a linked"),
    )
}

/// `null` allowed, as schemars does it for `Option<T>`.
fn nullable(schema: Value) -> Value {
    let Value::Object(mut map) = schema else {
        return schema;
    };
    if map.is_empty() {
        // Any value already includes null.
        return Value::Object(map);
    }
    if map.contains_key("$ref") {
        return json!({"anyOf": [Value::Object(map), {"type": "null"}]});
    }
    if let Some(Value::Array(any_of)) = map.get_mut("anyOf") {
        any_of.push(json!({"type": "null"}));
        return Value::Object(map);
    }
    if let Some(Value::String(ty)) = map.get("type").cloned() {
        map.insert("type".into(), json!([ty, "null"]));
    }
    Value::Object(map)
}

/// The description of a field as its schema gives it: label, help, then the
/// target of relational fields and formats.
fn field_description(shape: &Shape) -> String {
    let field = shape.field;
    let mut text = super::description(&field.label, field.help.as_deref());
    if let Some(relation) = &field.relation {
        let what = match (field.kind(), shape.role) {
            (FieldKind::Many2one, Role::Read) => format!("[id, display name] of a {relation}"),
            (FieldKind::Many2one, _) => format!("id of a {relation}"),
            (FieldKind::X2many, Role::Read) => format!("ids of {relation} records"),
            (FieldKind::X2many, _) => format!(
                "{relation} records: a list of records to create (with an id: to update) or of ids to set, or changes: create, update, delete, link, unlink, set, clear"
            ),
            _ => String::new(),
        };
        if !what.is_empty() {
            text = format!("{text} ({what})");
        }
    }
    match field.kind() {
        FieldKind::Datetime => text.push_str(" (UTC, YYYY-MM-DD HH:MM:SS)"),
        FieldKind::Binary => text.push_str(" (base64)"),
        _ => {}
    }
    text
}

fn property(shape: &Shape) -> Value {
    let mut schema = base(shape);
    if shape.optional {
        schema = nullable(schema);
    }
    let map = schema.as_object_mut().expect("field schemas are objects");
    map.insert("description".into(), field_description(shape).into());
    let doc = doc_paragraphs(shape.field);
    if let Some(title) = doc_title(doc.iter().map(String::as_str)) {
        map.insert("title".into(), title.into());
    }
    // serde's `default` shows as the value it gives, where it is serialized.
    if shape.role == Role::Read && shape.has_default {
        let default = match shape.field.kind() {
            _ if shape.optional => json!(null),
            FieldKind::Boolean => json!(false),
            _ => json!([]),
        };
        map.insert("default".into(), default);
    }
    schema
}

/// The schema of one struct: an object of its fields.
pub(super) fn object(title: Option<String>, description: &str, shapes: &[Shape]) -> Value {
    let properties: Map<String, Value> = shapes
        .iter()
        .map(|s| (s.field.odoo_name.clone(), property(s)))
        .collect();
    let required: Vec<&str> = shapes
        .iter()
        .filter(|s| !s.has_default)
        .map(|s| s.field.odoo_name.as_str())
        .collect();
    let mut schema = json!({
        "type": "object",
        "description": description,
        "properties": properties,
    });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    if let Some(title) = title {
        schema["title"] = json!(title);
    }
    schema
}

/// The types whose schemas the struct's schema refers to, as `$defs`: their
/// names and types.
pub(super) fn defs(shapes: &[Shape]) -> Vec<(String, TokenStream)> {
    let mut defs: Vec<(String, TokenStream)> = Vec::new();
    let mut many2one = false;
    for shape in shapes {
        match shape.field.kind() {
            FieldKind::Selection { enum_name } => {
                let ident = format_ident!("{}", enum_name);
                defs.push((enum_name.to_string(), quote!(#ident)));
            }
            FieldKind::Many2one if shape.role == Role::Read => many2one = true,
            _ => {}
        }
    }
    if many2one {
        defs.insert(0, (MANY2ONE.to_string(), quote!(::odoo_client::Many2One)));
    }
    defs
}

/// The schema as a raw string literal: one line per property, so that the
/// generated file stays readable and its diffs small.
pub(super) fn literal(schema: &Value) -> TokenStream {
    let compact = |v: &Value| serde_json::to_string(v).expect("JSON values serialize");
    let map = schema.as_object().expect("a struct schema is an object");
    let mut text = String::from("{\n");
    let mut first = true;
    for (key, value) in map {
        if !first {
            text.push_str(",\n");
        }
        first = false;
        text.push_str(&format!("  {}: ", compact(&Value::from(key.as_str()))));
        match value {
            Value::Object(props) if key == "properties" && !props.is_empty() => {
                text.push_str("{\n");
                let lines: Vec<String> = props
                    .iter()
                    .map(|(name, p)| {
                        format!(
                            "    {}: {}",
                            compact(&Value::from(name.as_str())),
                            compact(p)
                        )
                    })
                    .collect();
                text.push_str(&lines.join(",\n"));
                text.push_str("\n  }");
            }
            other => text.push_str(&compact(other)),
        }
    }
    text.push_str("\n}");
    // Enough `#`s that no `"#…` inside ends the raw string early.
    let mut hashes = 1;
    while text.contains(&format!("\"{}", "#".repeat(hashes))) {
        hashes += 1;
    }
    let hashes = "#".repeat(hashes);
    format!("r{hashes}\"{text}\"{hashes}")
        .parse()
        .expect("a raw string literal")
}
