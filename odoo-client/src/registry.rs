//! Static descriptions of generated models, so a server can offer typed tools
//! for every model without a hand-written block per model.
//!
//! odoo-codegen emits one [`ModelDescriptor`] per model and a `MODELS` table.

use schemars::{JsonSchema, Schema};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// An Odoo field type, parsed once from Odoo's type string (`fields_get`'s
/// `type`, `ir.model.fields.ttype`) and emitted by odoo-codegen into descriptors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Char,
    Text,
    Html,
    Integer,
    Float,
    Monetary,
    Boolean,
    Date,
    Datetime,
    Selection,
    Many2one,
    One2many,
    Many2many,
    Binary,
    Reference,
    Many2oneReference,
    Json,
    Properties,
    PropertiesDefinition,
    /// A type this crate does not know (one Odoo adds later), by its name.
    Other(&'static str),
}

impl FieldType {
    /// Odoo's type string (`many2one`, `properties_definition`, …).
    pub fn parse(ttype: &str) -> Self {
        match ttype {
            "char" => Self::Char,
            "text" => Self::Text,
            "html" => Self::Html,
            "integer" => Self::Integer,
            "float" => Self::Float,
            "monetary" => Self::Monetary,
            "boolean" => Self::Boolean,
            "date" => Self::Date,
            "datetime" => Self::Datetime,
            "selection" => Self::Selection,
            "many2one" => Self::Many2one,
            "one2many" => Self::One2many,
            "many2many" => Self::Many2many,
            "binary" => Self::Binary,
            "reference" => Self::Reference,
            "many2one_reference" => Self::Many2oneReference,
            "json" => Self::Json,
            "properties" => Self::Properties,
            "properties_definition" => Self::PropertiesDefinition,
            other => Self::Other(intern(other)),
        }
    }

    /// Odoo's type string, as [`FieldType::parse`] reads it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Char => "char",
            Self::Text => "text",
            Self::Html => "html",
            Self::Integer => "integer",
            Self::Float => "float",
            Self::Monetary => "monetary",
            Self::Boolean => "boolean",
            Self::Date => "date",
            Self::Datetime => "datetime",
            Self::Selection => "selection",
            Self::Many2one => "many2one",
            Self::One2many => "one2many",
            Self::Many2many => "many2many",
            Self::Binary => "binary",
            Self::Reference => "reference",
            Self::Many2oneReference => "many2one_reference",
            Self::Json => "json",
            Self::Properties => "properties",
            Self::PropertiesDefinition => "properties_definition",
            Self::Other(name) => name,
        }
    }

    /// Binary, html, x2many and JSON blobs: costly in an assistant's context,
    /// so a compact default read leaves them out.
    pub fn is_blob(self) -> bool {
        matches!(
            self,
            Self::Binary
                | Self::Html
                | Self::One2many
                | Self::Many2many
                | Self::Json
                | Self::Properties
                | Self::PropertiesDefinition
        )
    }

    /// Types a typed aggregate tool offers to group by: not floats (one group
    /// per value), texts, blobs or one2many lists.
    pub fn is_groupable(self) -> bool {
        matches!(
            self,
            Self::Boolean
                | Self::Char
                | Self::Selection
                | Self::Many2one
                | Self::Many2many
                | Self::Integer
                | Self::Date
                | Self::Datetime
        )
    }

    /// Date and datetime: the types a group-by granularity applies to.
    pub fn is_temporal(self) -> bool {
        matches!(self, Self::Date | Self::Datetime)
    }

    /// Integer, float and monetary: the types sums and averages apply to.
    pub fn is_numeric(self) -> bool {
        matches!(self, Self::Integer | Self::Float | Self::Monetary)
    }

    /// many2one, one2many and many2many.
    pub fn is_relational(self) -> bool {
        matches!(self, Self::Many2one | Self::One2many | Self::Many2many)
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// As Odoo's type string (`"many2one"`): schema snapshots and Odoo's metadata
/// records read and write it as they always did.
impl Serialize for FieldType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for FieldType {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::parse(&name))
    }
}

/// One `&'static str` per unknown type name: Odoo has few types, so the set stays small.
fn intern(name: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// One field of a generated model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDescriptor {
    /// Odoo field name.
    pub name: &'static str,
    /// Odoo field type.
    pub ttype: FieldType,
    /// Odoo's label.
    pub label: &'static str,
    pub required: bool,
    pub readonly: bool,
    /// Kept in the database: searchable, sortable and groupable. The others
    /// are computed or related, read like any field.
    pub stored: bool,
    /// Target model of relational fields.
    pub relation: Option<&'static str>,
}

/// A button of a generated model's form that calls one of its methods
/// (`type="object"`), as the generator found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ButtonDescriptor {
    /// The public method, e.g. `action_confirm`.
    pub method: &'static str,
    /// Its text on the form, e.g. `Confirm`.
    pub label: &'static str,
    /// Odoo's `invisible` expression: where the form hides it.
    pub invisible: Option<&'static str>,
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
    /// The object buttons of its default form, in the form's order.
    pub buttons: &'static [ButtonDescriptor],
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

/// A JSON Schema that odoo-codegen wrote out as JSON text: generated structs
/// carry their schemas as data rather than deriving `JsonSchema`.
///
/// Panics when `json` is not a JSON object, which only a hand-edited generated
/// file can cause.
pub fn schema_from_json(json: &str) -> Schema {
    match serde_json::from_str(json) {
        Ok(Value::Object(map)) => Schema::from(map),
        _ => panic!(
            "a generated JSON Schema is not a JSON object: regenerate with `cargo run -p odoo-codegen`"
        ),
    }
}

/// Adds the schema of a type that generated schemas refer to (`$ref` to
/// `#/$defs/<name>`) to `generator`'s definitions, as `subschema_for` does for
/// a type that is not inlined; without its generic code per type.
pub fn add_definition(
    generator: &mut schemars::SchemaGenerator,
    name: &str,
    schema: fn(&mut schemars::SchemaGenerator) -> Schema,
) {
    if !generator.definitions().contains_key(name) {
        let schema = schema(generator);
        generator
            .definitions_mut()
            .insert(name.to_string(), schema.to_value());
    }
}

/// Decodes `value` as `T` and encodes it again: validates and normalises in one step.
pub fn reencode<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, serde_json::Error> {
    serde_json::to_value(serde_json::from_value::<T>(value)?)
}

/// Names that look like secrets: never read by default, never asked of a
/// user through a form.
pub fn is_credential(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("password")
        || n.contains("passwd")
        || n.contains("secret")
        || n.ends_with("_token")
        || n.ends_with("apikey")
        || n.ends_with("api_key")
        || n.ends_with("_pass")
}

#[cfg(test)]
mod tests {
    use super::FieldType;

    #[test]
    fn every_type_parses_back_from_its_string() {
        for t in [
            FieldType::Char,
            FieldType::Text,
            FieldType::Html,
            FieldType::Integer,
            FieldType::Float,
            FieldType::Monetary,
            FieldType::Boolean,
            FieldType::Date,
            FieldType::Datetime,
            FieldType::Selection,
            FieldType::Many2one,
            FieldType::One2many,
            FieldType::Many2many,
            FieldType::Binary,
            FieldType::Reference,
            FieldType::Many2oneReference,
            FieldType::Json,
            FieldType::Properties,
            FieldType::PropertiesDefinition,
        ] {
            assert_eq!(FieldType::parse(t.as_str()), t);
        }
        let later = FieldType::parse("vector");
        assert_eq!(later, FieldType::Other("vector"));
        assert_eq!(later.to_string(), "vector");
        assert!(!later.is_blob() && !later.is_groupable());
    }

    #[test]
    fn serde_uses_odoo_type_strings() {
        let t: FieldType = serde_json::from_str(r#""many2one_reference""#).unwrap();
        assert_eq!(t, FieldType::Many2oneReference);
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""many2one_reference""#
        );
        let later: FieldType = serde_json::from_value(serde_json::json!("vector")).unwrap();
        assert_eq!(serde_json::to_value(later).unwrap(), "vector");
    }
}
