//! Tool schemas from Rust types: derived with schemars, then brought into the
//! subset strict clients take (OpenAI strict mode, Gemini): no `$ref`, no
//! titles or defaults, one type per property of a listed input, formats only
//! where they say something (dates).

use std::sync::Arc;

use rmcp::model::JsonObject;
use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

pub use crate::arguments::inline_refs;
use crate::settings::Limits;

use super::create_records::MAX_BATCH;

pub fn object(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(Map::new()),
    }
}

/// `T`'s schema with every subschema inlined, and no title.
fn derive_inline<T: JsonSchema>(settings: SchemaSettings) -> Value {
    let mut settings = settings;
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<T>();
    let mut value = inline_refs(Value::from(schema));
    if let Some(root) = value.as_object_mut() {
        root.remove("title");
    }
    value
}

/// An object schema of `T`: the root's title and description go (the tool has them).
fn derive<T: JsonSchema>(settings: SchemaSettings) -> Value {
    let mut value = derive_inline::<T>(settings);
    if let Some(root) = value.as_object_mut() {
        for key in ["title", "description"] {
            root.remove(key);
        }
        root.insert("type".into(), json!("object"));
        root.entry("properties").or_insert_with(|| json!({}));
        if root
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            root.remove("required");
        }
    }
    value
}

/// The listed input schema of `T`: an optional argument has its plain type
/// (absent is how it is left out).
pub fn input_schema<T: JsonSchema>() -> Value {
    let mut value = derive::<T>(SchemaSettings::draft2020_12().for_deserialize());
    tidy(&mut value);
    drop_optional_nulls(&mut value);
    value
}

/// What arguments are checked against: the input schema with `null` still
/// taken for an optional argument (it means the argument is left out).
pub fn check_schema<T: JsonSchema>() -> Value {
    let mut value = derive::<T>(SchemaSettings::draft2020_12().for_deserialize());
    tidy(&mut value);
    value
}

/// The output schema of `T`, as it is serialized.
pub fn output_schema<T: JsonSchema>() -> Value {
    let mut value = derive::<T>(SchemaSettings::draft2020_12().for_serialize());
    merge_variants(&mut value);
    tidy(&mut value);
    // A key left out when empty is never null; bounds and descriptions only
    // matter to the caller of a tool, not to its reader.
    drop_optional_nulls(&mut value);
    strip_keys(&mut value, &["description", "minimum", "maximum"]);
    value
}

/// Removes `keys` from every schema node (not from `properties`, whose keys are names).
fn strip_keys(value: &mut Value, keys: &[&str]) {
    fn walk(value: &mut Value, keys: &[&str], names: bool) {
        match value {
            Value::Object(map) => {
                if !names {
                    map.retain(|key, _| !keys.contains(&key.as_str()));
                }
                for (key, child) in map.iter_mut() {
                    walk(child, keys, !names && key == "properties");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, keys, false)),
            _ => {}
        }
    }
    walk(value, keys, false);
}

/// An answer of several shapes (done, or a dry run's plan) is listed as one
/// object, as MCP wants an output schema: every variant's properties, and
/// required only what every variant has.
fn merge_variants(value: &mut Value) {
    let Some(root) = value.as_object_mut() else {
        return;
    };
    let Some(Value::Array(variants)) = root.remove("anyOf") else {
        return;
    };
    let mut properties = Map::new();
    let mut required: Option<Vec<Value>> = None;
    for variant in &variants {
        if let Some(Value::Object(props)) = variant.get("properties") {
            for (name, schema) in props {
                properties
                    .entry(name.clone())
                    .or_insert_with(|| schema.clone());
            }
        }
        let own: Vec<Value> = variant
            .get("required")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        required = Some(match required {
            None => own,
            Some(all) => all.into_iter().filter(|r| own.contains(r)).collect(),
        });
    }
    root.insert("properties".into(), Value::Object(properties));
    match required {
        Some(required) if !required.is_empty() => {
            root.insert("required".into(), Value::Array(required));
        }
        _ => {
            root.remove("required");
        }
    }
}

/// Drops what strict clients refuse or what says nothing to an assistant:
/// titles, defaults, integer formats, `additionalProperties: true`; an
/// any-value schema (`true`) becomes `{}`.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in ["title", "default", "examples", "$schema"] {
                map.remove(key);
            }
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !matches!(f, "date" | "date-time"))
            {
                map.remove("format");
            }
            if map.get("additionalProperties") == Some(&Value::Bool(true)) {
                map.remove("additionalProperties");
            }
            for child in map.values_mut() {
                tidy(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        Value::Bool(true) => *value = json!({}),
        _ => {}
    }
}

/// `Option<T>` derives as "T or null"; a listed optional argument is just T.
fn drop_optional_nulls(value: &mut Value) {
    let Some(map) = value.as_object_mut() else {
        return;
    };
    let required: Vec<String> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if !required.contains(name) {
                strip_null(property);
            }
            drop_optional_nulls(property);
        }
    }
    if let Some(items) = map.get_mut("items") {
        drop_optional_nulls(items);
    }
}

fn strip_null(property: &mut Value) {
    let Some(map) = property.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(types)) = map.get("type") {
        let kept: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        map.insert(
            "type".into(),
            match kept.as_slice() {
                [one] => one.clone(),
                _ => Value::Array(kept),
            },
        );
    }
    if let Some(Value::Array(branches)) = map.get("anyOf") {
        let kept: Vec<Value> = branches
            .iter()
            .filter(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            .cloned()
            .collect();
        if let [one] = kept.as_slice() {
            let one = one.clone();
            map.remove("anyOf");
            if let Value::Object(inner) = one {
                for (key, value) in inner {
                    map.entry(key).or_insert(value);
                }
            }
        } else {
            map.insert("anyOf".into(), Value::Array(kept));
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
}

/// Adds the `model` argument, first and required, as [`super::shared::ModelName`] describes it.
pub fn add_model(schema: &mut Value) {
    let Some(root) = schema.as_object_mut() else {
        return;
    };
    let model = derive_inline::<super::shared::ModelName>(SchemaSettings::draft2020_12());
    let mut properties = Map::new();
    properties.insert("model".into(), model);
    if let Some(Value::Object(rest)) = root.remove("properties") {
        properties.extend(rest);
    }
    root.insert("properties".into(), Value::Object(properties));
    let mut required = vec![json!("model")];
    if let Some(Value::Array(rest)) = root.remove("required") {
        required.extend(rest);
    }
    root.insert("required".into(), Value::Array(required));
}

/// Adds the optional `company_id` argument, as [`super::shared::CompanyId`] describes it.
pub fn add_company(schema: &mut Value) {
    let mut company = derive_inline::<super::shared::CompanyId>(SchemaSettings::draft2020_12());
    tidy(&mut company);
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.insert("company_id".into(), company);
    }
}

/// Fills the description placeholders with this server's figures.
pub fn fill(mut value: Value, limits: Limits) -> Value {
    fn walk(value: &mut Value, limits: Limits) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(text)) = map.get_mut("description") {
                    *text = fill_text(text, limits);
                }
                map.values_mut().for_each(|v| walk(v, limits));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| walk(v, limits)),
            _ => {}
        }
    }
    walk(&mut value, limits);
    value
}

pub fn fill_text(text: &str, limits: Limits) -> String {
    text.replace("{default_limit}", &limits.default.to_string())
        .replace("{max_limit}", &limits.max.to_string())
        .replace("{max_batch}", &MAX_BATCH.to_string())
}

/// Longest description kept in a listed input schema in full detail.
const MAX_DESCRIPTION: usize = 120;

pub fn shorten_descriptions(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get_mut("description")
                && text.chars().count() > MAX_DESCRIPTION
            {
                let cut: String = text.chars().take(MAX_DESCRIPTION).collect();
                let end = cut.rfind(", ").unwrap_or(cut.len());
                *text = format!("{}, …", &cut[..end]);
            }
            for value in map.values_mut() {
                shorten_descriptions(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(shorten_descriptions),
        _ => {}
    }
}

/// Gives an untyped property (a JSON field, any value) the type `object`:
/// strict clients want a type on every schema. Only the listing: the check
/// schema still takes any value.
pub fn type_untyped(schema: &mut Value) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(map) = property
                && !map.contains_key("type")
                && !map.contains_key("anyOf")
            {
                map.insert("type".into(), json!("object"));
            }
        }
    }
}

/// An output schema keeps the shape (types, properties) and drops what only
/// an input needs: descriptions, titles, formats and enum lists.
pub fn compact_output(mut schema: Value) -> Value {
    strip_keys(
        &mut schema,
        &[
            "description",
            "title",
            "examples",
            "default",
            "enum",
            "const",
            "format",
        ],
    );
    schema
}

/// The key of a slot's marker: where a typed tool's schema takes a part from
/// its model (its fields, buttons, record label).
const SLOT: &str = "x-odoo-slot";

/// The schema a slot type derives as: a marker [`fill_slots`] replaces.
pub fn slot_marker(name: &str) -> schemars::Schema {
    let mut schema = schemars::Schema::default();
    schema.insert(SLOT.into(), json!(name));
    schema
}

/// Puts each slot's schema (by the slot type's name) where its marker stands,
/// in place of the whole node: a doc comment's description on the field is
/// dropped, the slot's own describes it. Returns the names of markers left
/// without a schema.
pub fn fill_slots(schema: &mut Value, slots: &Map<String, Value>) -> Vec<String> {
    let mut unfilled = Vec::new();
    walk_slots(schema, slots, &mut unfilled);
    unfilled
}

/// [`fill_slots`] for the schema a call is checked against: an optional
/// argument that is a slot also takes `null` (left out), as the others do.
pub fn fill_check_slots(schema: &mut Value, slots: &Map<String, Value>) -> Vec<String> {
    let required: Vec<Value> = schema
        .get("required")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for (name, property) in properties.iter_mut() {
            if property.get(SLOT).is_some() && !required.iter().any(|r| r == name) {
                *property = json!({"anyOf": [property.take(), {"type": "null"}]});
            }
        }
    }
    fill_slots(schema, slots)
}

fn walk_slots(value: &mut Value, slots: &Map<String, Value>, unfilled: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(name)) = map.get(SLOT) {
                match slots.get(name) {
                    Some(filled) => *value = filled.clone(),
                    None => unfilled.push(name.clone()),
                }
                return;
            }
            map.values_mut()
                .for_each(|child| walk_slots(child, slots, unfilled));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|child| walk_slots(child, slots, unfilled)),
        _ => {}
    }
}

/// Drops the descriptions of an object schema's properties, and a `minimum` of
/// 0 (compact typed listings: the generic tool describes them, and calls are
/// still checked against the full schema, which keeps the minimum).
pub fn without_property_descriptions(schema: &mut Value) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(map) = property {
                map.remove("description");
                if map.get("minimum") == Some(&Value::from(0)) {
                    map.remove("minimum");
                }
            }
        }
    }
}

/// Adds the properties of `extra` to the object schema `schema`.
pub fn merge_properties(schema: &mut Value, extra: Value) {
    if let (Some(Value::Object(properties)), Value::Object(mut extra)) =
        (schema.get_mut("properties"), extra)
        && let Some(Value::Object(more)) = extra.remove("properties")
    {
        properties.extend(more);
    }
}
