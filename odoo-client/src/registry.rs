//! Static descriptions of generated models, so a server can offer typed tools
//! for every model without a hand-written block per model.
//!
//! odoo-codegen emits one [`ModelDescriptor`] per model and a `MODELS` table.

use schemars::{JsonSchema, Schema};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One field of a generated model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDescriptor {
    /// Odoo field name.
    pub name: &'static str,
    /// Odoo field type (`char`, `many2one`, …).
    pub ttype: &'static str,
    /// Odoo's label.
    pub label: &'static str,
    pub required: bool,
    pub readonly: bool,
    /// Target model of relational fields.
    pub relation: Option<&'static str>,
}

impl FieldDescriptor {
    /// Whether the field is cheap enough for a default, compact read
    /// (no binary, html, x2many or JSON blobs).
    pub fn is_compact(&self) -> bool {
        !matches!(
            self.ttype,
            "binary"
                | "html"
                | "one2many"
                | "many2many"
                | "json"
                | "properties"
                | "properties_definition"
        )
    }
}

/// Everything a server needs to expose one model as typed tools.
#[derive(Debug, Clone, Copy)]
pub struct ModelDescriptor {
    /// Technical name, e.g. `res.partner`.
    pub model: &'static str,
    /// Odoo's description, e.g. `Contact`.
    pub label: &'static str,
    /// Identifier-safe prefix for tool names, e.g. `res_partner`.
    pub tool_prefix: &'static str,
    /// Readable fields, in the order of the read struct.
    pub fields: &'static [FieldDescriptor],
    /// JSON Schema of the read struct.
    pub read_schema: fn() -> Schema,
    /// JSON Schema of the create payload; `None` when the model has no write types.
    pub create_schema: Option<fn() -> Schema>,
    pub update_schema: Option<fn() -> Schema>,
    /// Decodes Odoo's record into the read struct and encodes it back (typed output).
    pub check_record: fn(Value) -> Result<Value, serde_json::Error>,
    /// Decodes create values into the create struct and encodes them for Odoo.
    pub check_create: Option<fn(Value) -> Result<Value, serde_json::Error>>,
    pub check_update: Option<fn(Value) -> Result<Value, serde_json::Error>>,
}

impl ModelDescriptor {
    pub fn field(&self, name: &str) -> Option<&FieldDescriptor> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// The JSON Schema of `T`, for a descriptor's schema slots.
pub fn schema_for<T: JsonSchema>() -> Schema {
    schemars::SchemaGenerator::default().into_root_schema_for::<T>()
}

/// Decodes `value` as `T` and encodes it again: validates and normalises in one step.
pub fn reencode<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, serde_json::Error> {
    serde_json::to_value(serde_json::from_value::<T>(value)?)
}
