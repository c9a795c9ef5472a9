//! What several tools share: argument types (a model name, a domain, record ids),
//! the dry-run answer, and small helpers for Odoo's values.

use std::collections::BTreeSet;

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Technical model name, e.g. res.partner
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ModelName(pub String);

impl ModelName {
    /// The `model` argument of a call (empty when absent: the checks refuse that first).
    pub fn of(args: &Map<String, Value>) -> Self {
        Self(
            args.get("model")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        )
    }
}

/// Act in this company, one of get_current_context's allowed_companies
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct CompanyId(#[schemars(range(min = 1))] pub RecordId);

impl CompanyId {
    /// The `company_id` argument of a call, if given.
    pub fn of(args: &Map<String, Value>) -> Option<Self> {
        args.get("company_id").and_then(Value::as_i64).map(Self)
    }
}

/// Odoo domain: [field, operator, value] conditions, AND-ed; prefix "|" (or) or "!" (not). E.g. [["name","ilike","acme"]]
// The listed shape only (`#[schemars(with = "Domain")]` on a `Value`), kept to
// what strict clients take (every array has `items`, no type unions): an item
// is an operator or a condition whose value is a scalar or a list of scalars.
// `domain_arg` parses the argument itself.
#[derive(JsonSchema)]
#[serde(transparent)]
#[allow(dead_code)]
pub struct Domain(Vec<DomainItem>);

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum DomainItem {
    Operator(String),
    Condition(Vec<ConditionPart>),
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ConditionPart {
    Text(String),
    Number(f64),
    Flag(bool),
    Null(()),
    List(Vec<Scalar>),
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Scalar {
    Text(String),
    Number(f64),
    Flag(bool),
    Null(()),
}

/// Validate against Odoo (fields, required, selections, access) and report; write nothing
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct DryRun(pub bool);

/// Whether `dry_run` asks for a plan rather than the write.
pub fn is_dry_run(dry_run: Option<DryRun>) -> bool {
    dry_run.is_some_and(|d| d.0)
}

/// The answer of a write tool: done, or with `dry_run` the checked plan.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum WriteAnswer<T> {
    Done(T),
    Planned(WritePlan),
}

/// What a write would do, checked against Odoo without writing.
#[derive(Debug, Serialize, JsonSchema)]
pub struct WritePlan {
    pub model: String,
    pub dry_run: bool,
    /// create, write or unlink
    pub operation: String,
    /// Whether the write would pass the checks.
    pub valid: bool,
    /// Why it would not.
    pub problems: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Values to create, or the records to change with their changes.
    pub records: Vec<Value>,
    /// Odoo's defaults for the required fields a create leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Map<String, Value>>,
    pub written: bool,
}

/// Record ids in order, each once.
pub fn unique_ids(ids: &[RecordId]) -> Vec<RecordId> {
    let mut seen = BTreeSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// Keyword arguments of an Odoo call.
pub fn kwargs(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Whether Odoo fills a field on create from others (`fields_get`'s
/// `depends`: a compute, or a related field's source), so a required one is
/// not asked of the caller (Odoo's own error names it if it stays empty).
pub fn computed_on_create(def: &Value) -> bool {
    def.get("depends")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
        || def.get("related").is_some_and(|r| !is_empty(r))
}

/// Odoo's empty value for a field (`false`, `null`, `""`, `[]`).
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// Notes, or nothing when there are none (answers leave the key out).
pub fn notes_if_any(notes: Vec<String>) -> Option<Vec<String>> {
    (!notes.is_empty()).then_some(notes)
}
