//! The schema snapshot: what odoo-codegen knows about an Odoo instance.
//!
//! It is the only input of the generator, checked in as `generated/schema.json`,
//! so regenerating needs no server. Models are sorted by technical name, fields
//! by name, selection values keep Odoo's order (sequence, then id): the same
//! instance always gives the same bytes.

use std::path::Path;

use odoo_client::registry::FieldType;
use serde::{Deserialize, Serialize};

use crate::Error;

/// Version of the snapshot format; bump when a change is not backward compatible.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub format: u32,
    pub models: Vec<ModelSchema>,
}

/// One `ir.model` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSchema {
    /// Technical name, e.g. `res.partner`.
    pub model: String,
    /// Odoo's description, e.g. `Contact`.
    pub label: String,
    /// The model's docstring, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<String>,
    #[serde(default)]
    pub transient: bool,
    /// No table: cannot be searched or written.
    #[serde(default, rename = "abstract")]
    pub is_abstract: bool,
    /// Modules that define or extend it, as Odoo lists them.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub modules: String,
    pub fields: Vec<FieldSchema>,
    /// The `type="object"` buttons of its default form (`get_views`), in the
    /// form's order, but smart buttons, then those of its lists, then the
    /// server actions of its Action menu (named by xml id): what a person
    /// can run on a record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buttons: Vec<ButtonSchema>,
}

/// A button of a model's form or lists that calls a method of the model, or
/// a server action of its Action menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ButtonSchema {
    /// The public method it calls, e.g. `action_confirm`, or the server
    /// action's xml id, e.g. `purchase.action_confirm_rfqs`.
    pub method: String,
    /// Its text on the form (texts of one method's buttons joined by " / ").
    pub label: String,
    /// Odoo's `invisible` expression: the records on which the form hides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invisible: Option<String>,
}

impl ButtonSchema {
    /// The known buttons (`views::known_buttons`) of a form's and lists'
    /// archs and bound server actions that call public methods and move a
    /// record along (confirm, validate, post): smart buttons, which open
    /// related records, are left to press_button.
    pub fn from_views(
        form: Option<&str>,
        lists: &[String],
        actions: &[odoo_client::views::BoundAction],
    ) -> Vec<Self> {
        use odoo_client::views::{known_buttons, parse};
        let form = form.map(parse).unwrap_or_default();
        let lists: Vec<_> = lists.iter().map(|arch| parse(arch)).collect();
        known_buttons(&form, &lists, actions)
            .buttons
            .into_iter()
            .filter(|b| !b.method.starts_with('_') && !b.stat)
            .map(|b| Self {
                method: b.method,
                label: b.label,
                invisible: b.hidden_when,
            })
            .collect()
    }
}

/// One `ir.model.fields` record, with its selection values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSchema {
    pub name: String,
    /// Odoo field type, written as Odoo's string: `char`, `many2one`, `selection`, …
    pub ttype: FieldType,
    /// Odoo's label (`field_description`).
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub readonly: bool,
    /// Stored in the database (read by `search_read` without being asked).
    #[serde(default)]
    pub store: bool,
    /// Readable over the API. False for fields no group may read (Odoo's
    /// `groups='.'`), which `fields_get` hides and `read` refuses.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub readable: bool,
    /// `base` for fields defined in code, `manual` for custom (`x_`) fields.
    #[serde(default = "base_state", skip_serializing_if = "is_base")]
    pub state: String,
    /// Target model of relational fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// Inverse many2one of a one2many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_field: Option<String>,
    /// Path of a related field, e.g. `partner_id.email`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related: Option<String>,
    /// Selection values as `[value, label]`, in Odoo's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub selection: Vec<(String, String)>,
    /// Odoo computes it (a compute method: `fields_get`'s `depends`, not a
    /// related path), so a create may leave it out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub computed: bool,
    /// Odoo gives a new record a value for it (`default_get`), so a create may
    /// leave it out.
    #[serde(default, skip_serializing_if = "is_false")]
    pub has_default: bool,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn base_state() -> String {
    "base".into()
}

fn is_base(s: &str) -> bool {
    s == "base"
}

impl FieldSchema {
    /// A custom field added in the UI or by Studio (`x_…`).
    pub fn is_custom(&self) -> bool {
        self.state == "manual"
    }
}

impl ModelSchema {
    pub fn field(&self, name: &str) -> Option<&FieldSchema> {
        self.fields.iter().find(|f| f.name == name)
    }
}

impl Snapshot {
    pub fn new(mut models: Vec<ModelSchema>) -> Self {
        models.sort_by(|a, b| a.model.cmp(&b.model));
        for model in &mut models {
            model.fields.sort_by(|a, b| a.name.cmp(&b.name));
        }
        Snapshot {
            format: FORMAT_VERSION,
            models,
        }
    }

    pub fn model(&self, name: &str) -> Option<&ModelSchema> {
        self.models
            .binary_search_by(|m| m.model.as_str().cmp(name))
            .ok()
            .map(|i| &self.models[i])
    }

    /// Parses a snapshot, checking its format version and restoring the sort order.
    pub fn from_json(text: &str, path: &Path) -> Result<Self, Error> {
        let snapshot: Snapshot =
            serde_json::from_str(text).map_err(|source| Error::SnapshotParse {
                path: path.to_path_buf(),
                source,
            })?;
        if snapshot.format != FORMAT_VERSION {
            return Err(Error::SnapshotFormat {
                path: path.to_path_buf(),
                found: snapshot.format,
                expected: FORMAT_VERSION,
            });
        }
        Ok(Snapshot::new(snapshot.models))
    }

    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_json(&text, path)
    }

    /// Pretty JSON with a trailing newline: the checked-in form.
    pub fn to_pretty_json(&self) -> String {
        // Serializing plain strings, bools and vectors cannot fail.
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str) -> FieldSchema {
        FieldSchema {
            name: name.into(),
            ttype: FieldType::Char,
            label: name.into(),
            help: None,
            required: false,
            readonly: false,
            store: true,
            readable: true,
            state: "base".into(),
            relation: None,
            relation_field: None,
            related: None,
            selection: vec![],
            computed: false,
            has_default: false,
        }
    }

    #[test]
    fn sorted_and_round_trips_through_json() {
        let snapshot = Snapshot::new(vec![
            ModelSchema {
                model: "b.model".into(),
                label: "B".into(),
                info: None,
                transient: false,
                is_abstract: false,
                modules: String::new(),
                fields: vec![field("z"), field("a")],
                buttons: vec![],
            },
            ModelSchema {
                model: "a.model".into(),
                label: "A".into(),
                info: Some("doc".into()),
                transient: true,
                is_abstract: false,
                modules: "base".into(),
                fields: vec![],
                buttons: vec![ButtonSchema {
                    method: "action_go".into(),
                    label: "Go".into(),
                    invisible: Some("state != 'draft'".into()),
                }],
            },
        ]);
        assert_eq!(snapshot.models[0].model, "a.model");
        assert_eq!(snapshot.models[1].fields[0].name, "a");
        let text = snapshot.to_pretty_json();
        assert!(!text.contains("readable"), "defaults are left out: {text}");
        let back = Snapshot::from_json(&text, Path::new("x.json")).unwrap();
        assert_eq!(back, snapshot);
        assert!(back.model("b.model").is_some());
        assert!(back.model("c.model").is_none());
    }

    #[test]
    fn wrong_format_version_is_refused() {
        let err = Snapshot::from_json(r#"{"format": 99, "models": []}"#, Path::new("s.json"))
            .unwrap_err();
        assert!(err.to_string().contains("99"), "{err}");
    }
}
