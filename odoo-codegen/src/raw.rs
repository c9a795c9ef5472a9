//! Odoo's metadata records as `search_read` returns them, and their assembly
//! into a [`Snapshot`]. Shared by live introspection and the fixture import.

use std::collections::{BTreeMap, BTreeSet};

use odoo_client::registry::FieldType;
use odoo_client::value::false_as_none;
use serde::Deserialize;

use crate::snapshot::{ButtonSchema, FieldSchema, ModelSchema, Snapshot};

/// Columns read from `ir.model`.
pub const MODEL_COLUMNS: &[&str] = &["model", "name", "info", "transient", "abstract", "modules"];

/// Columns read from `ir.model.fields`.
pub const FIELD_COLUMNS: &[&str] = &[
    "model",
    "name",
    "ttype",
    "field_description",
    "help",
    "required",
    "readonly",
    "store",
    "state",
    "relation",
    "relation_field",
    "related",
];

/// Columns read from `ir.model.fields.selection`.
pub const SELECTION_COLUMNS: &[&str] = &["field_id", "value", "name", "sequence"];

/// One `ir.model` row.
#[derive(Debug, Clone, Deserialize)]
pub struct RawModel {
    pub id: i64,
    pub model: String,
    #[serde(default, deserialize_with = "false_as_none")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    pub info: Option<String>,
    #[serde(default)]
    pub transient: bool,
    #[serde(default, rename = "abstract")]
    pub is_abstract: bool,
    #[serde(default, deserialize_with = "false_as_none")]
    pub modules: Option<String>,
}

/// One `ir.model.fields` row.
#[derive(Debug, Clone, Deserialize)]
pub struct RawField {
    pub id: i64,
    pub model: String,
    pub name: String,
    pub ttype: FieldType,
    #[serde(default, deserialize_with = "false_as_none")]
    pub field_description: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub readonly: bool,
    #[serde(default)]
    pub store: bool,
    #[serde(default, deserialize_with = "false_as_none")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    pub relation: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    pub relation_field: Option<String>,
    #[serde(default, deserialize_with = "false_as_none")]
    pub related: Option<String>,
}

/// One `ir.model.fields.selection` row.
#[derive(Debug, Clone, Deserialize)]
pub struct RawSelection {
    pub id: i64,
    pub field_id: odoo_client::Many2One,
    #[serde(deserialize_with = "odoo_client::value::string_or_false")]
    pub value: String,
    #[serde(default, deserialize_with = "false_as_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub sequence: i64,
}

/// Everything fetched, before assembly.
#[derive(Debug, Default)]
pub struct RawMetadata {
    pub models: Vec<RawModel>,
    pub fields: Vec<RawField>,
    pub selections: Vec<RawSelection>,
    /// Readable field names per model, when known (from `fields_get`); models
    /// absent here count every field as readable.
    pub readable: BTreeMap<String, BTreeSet<String>>,
    /// Fields Odoo computes, per model (`fields_get`'s `depends`), when known.
    pub computed: BTreeMap<String, BTreeSet<String>>,
    /// Fields `default_get` gives a value, per model, when known.
    pub defaulted: BTreeMap<String, BTreeSet<String>>,
    /// The arch of each model's default form (`get_views`), when known.
    pub forms: BTreeMap<String, String>,
    /// The archs of each model's list views, when known.
    pub lists: BTreeMap<String, Vec<String>>,
    /// The server actions bound to each model (its Action menu), when known.
    pub actions: BTreeMap<String, Vec<odoo_client::views::BoundAction>>,
}

/// How the docstrings of Odoo's base classes begin. A model without its own
/// docstring reports its base class's, which says nothing about the model.
const BASE_DOCSTRINGS: &[&str] = &[
    "Main super-class for regular database-persisted Odoo models.",
    "Model super-class for transient records",
    "The base model, which is implicitly inherited by all models.",
    "Abstract Model super-class",
];

fn model_info(info: Option<String>) -> Option<String> {
    trimmed(info).filter(|text| !BASE_DOCSTRINGS.iter().any(|base| text.starts_with(base)))
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// A selection field's values: its own, or for a related field (which has none
/// in `ir.model.fields.selection`) those of the field it mirrors.
fn selection_of(
    field: &RawField,
    index: &BTreeMap<(&str, &str), &RawField>,
    own: &BTreeMap<i64, Vec<(String, String)>>,
    depth: usize,
) -> Option<Vec<(String, String)>> {
    if let Some(values) = own.get(&field.id).filter(|v| !v.is_empty()) {
        return Some(values.clone());
    }
    // Odoo caps related chains well below this; the bound only guards cycles.
    if depth > 8 {
        return None;
    }
    let path = field.related.as_deref()?;
    let mut model = field.model.as_str();
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        let step = index.get(&(model, part))?;
        if parts.peek().is_none() {
            return selection_of(step, index, own, depth + 1);
        }
        model = step.relation.as_deref()?;
    }
    None
}

/// Each selection field's own values as `(value, label)`, by field id: in
/// Odoo's order (sequence, then id), each value once.
fn own_selections(rows: Vec<RawSelection>) -> BTreeMap<i64, Vec<(String, String)>> {
    let mut selections: BTreeMap<i64, Vec<RawSelection>> = BTreeMap::new();
    for row in rows {
        selections.entry(row.field_id.id).or_default().push(row);
    }
    let mut own: BTreeMap<i64, Vec<(String, String)>> = BTreeMap::new();
    for (field_id, mut values) in selections {
        values.sort_by_key(|s| (s.sequence, s.id));
        let mut seen = BTreeSet::new();
        own.insert(
            field_id,
            values
                .into_iter()
                .filter(|s| seen.insert(s.value.clone()))
                .map(|s| {
                    let label = s.name.unwrap_or_else(|| s.value.clone());
                    (s.value, label)
                })
                .collect(),
        );
    }
    own
}

impl RawMetadata {
    /// Builds the snapshot of the models named in `keep` (all when `None`).
    pub fn assemble(self, keep: Option<&[String]>) -> Snapshot {
        let wanted = |model: &str| keep.is_none_or(|k| k.iter().any(|m| m == model));
        let own = own_selections(self.selections);
        let index: BTreeMap<(&str, &str), &RawField> = self
            .fields
            .iter()
            .map(|f| ((f.model.as_str(), f.name.as_str()), f))
            .collect();
        let resolved: BTreeMap<i64, Vec<(String, String)>> = self
            .fields
            .iter()
            .filter(|f| wanted(&f.model) && f.ttype == FieldType::Selection)
            .filter_map(|f| Some((f.id, selection_of(f, &index, &own, 0)?)))
            .collect();
        let mut fields: BTreeMap<String, Vec<FieldSchema>> = BTreeMap::new();
        for row in self.fields.into_iter().filter(|f| wanted(&f.model)) {
            let selection = resolved.get(&row.id).cloned().unwrap_or_default();
            let readable = self
                .readable
                .get(&row.model)
                .is_none_or(|names| names.contains(&row.name));
            let label = trimmed(row.field_description).unwrap_or_else(|| row.name.clone());
            let known = |sets: &BTreeMap<String, BTreeSet<String>>| {
                sets.get(&row.model)
                    .is_some_and(|names| names.contains(&row.name))
            };
            // A related field's source may be made by the same create (a
            // company's partner and its name): only a compute fills it alone.
            let computed = known(&self.computed) && row.related.is_none();
            let has_default = known(&self.defaulted);
            fields.entry(row.model).or_default().push(FieldSchema {
                name: row.name,
                ttype: row.ttype,
                label,
                help: trimmed(row.help),
                required: row.required,
                readonly: row.readonly,
                store: row.store,
                readable,
                state: row.state.unwrap_or_else(|| "base".into()),
                relation: row.relation,
                relation_field: row.relation_field,
                related: row.related,
                selection,
                computed,
                has_default,
            });
        }
        let models = self
            .models
            .into_iter()
            .filter(|m| wanted(&m.model))
            .map(|m| ModelSchema {
                fields: fields.remove(&m.model).unwrap_or_default(),
                buttons: ButtonSchema::from_views(
                    self.forms.get(&m.model).map(String::as_str),
                    self.lists
                        .get(&m.model)
                        .map(Vec::as_slice)
                        .unwrap_or_default(),
                    self.actions
                        .get(&m.model)
                        .map(Vec::as_slice)
                        .unwrap_or_default(),
                ),
                label: trimmed(m.name).unwrap_or_else(|| m.model.clone()),
                info: model_info(m.info),
                transient: m.transient,
                is_abstract: m.is_abstract,
                modules: m.modules.unwrap_or_default(),
                model: m.model,
            })
            .collect();
        Snapshot::new(models)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn field(id: i64, model: &str, name: &str, ttype: &str, extra: serde_json::Value) -> RawField {
        let mut row = json!({"id": id, "model": model, "name": name, "ttype": ttype,
                             "field_description": name, "store": true});
        if let (Some(row), Some(extra)) = (row.as_object_mut(), extra.as_object()) {
            row.extend(extra.clone());
        }
        serde_json::from_value(row).unwrap()
    }

    #[test]
    fn related_selections_take_the_values_of_the_field_they_mirror() {
        let raw = RawMetadata {
            models: serde_json::from_value(json!([
                {"id": 1, "model": "res.users", "name": "User", "info": false},
                {"id": 2, "model": "res.partner", "name": "Contact", "info": false},
            ]))
            .unwrap(),
            fields: vec![
                field(10, "res.partner", "trust", "selection", json!({})),
                field(11, "res.users", "partner_id", "many2one", json!({"relation": "res.partner"})),
                field(12, "res.users", "trust", "selection",
                      json!({"related": "partner_id.trust", "store": false})),
                field(13, "res.users", "loop", "selection", json!({"related": "loop"})),
            ],
            selections: serde_json::from_value(json!([
                {"id": 2, "field_id": [10, "Trust"], "value": "bad", "name": "Bad", "sequence": 2},
                {"id": 1, "field_id": [10, "Trust"], "value": "good", "name": "Good", "sequence": 1},
            ]))
            .unwrap(),
            ..Default::default()
        };
        let keep = vec!["res.users".to_string()];
        let snapshot = raw.assemble(Some(&keep));
        assert_eq!(snapshot.models.len(), 1);
        let users = &snapshot.models[0];
        assert_eq!(
            users.field("trust").unwrap().selection,
            [("good".into(), "Good".into()), ("bad".into(), "Bad".into())]
        );
        assert!(
            users.field("loop").unwrap().selection.is_empty(),
            "cycles end"
        );
        assert!(users.info.is_none());
    }
}
