//! What several tools share: argument types (a model name, a domain, record ids),
//! the dry-run answer, and small helpers for Odoo's values.

use std::collections::BTreeSet;

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use crate::odoo::{WritePlan, is_empty, kwargs};

/// Model, e.g. res.partner
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct ModelName(pub String);

/// Company to act in, from get_current_context
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct CompanyId(#[schemars(range(min = 1))] pub RecordId);

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
    // Nullable text rather than a null branch of its own: the same values, fewer bytes listed.
    Text(Option<String>),
    Number(f64),
    Flag(bool),
    List(Vec<Scalar>),
}

#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Scalar {
    Text(Option<String>),
    Number(f64),
    Flag(bool),
}

/// Check with Odoo and report; write nothing
#[derive(Debug, Clone, Copy, Deserialize, Serialize, JsonSchema)]
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

/// Record ids in order, each once.
pub fn unique_ids(ids: &[RecordId]) -> Vec<RecordId> {
    let mut seen = BTreeSet::new();
    ids.iter().copied().filter(|id| seen.insert(*id)).collect()
}

/// Notes, or nothing when there are none (answers leave the key out).
pub fn notes_if_any(notes: Vec<String>) -> Option<Vec<String>> {
    (!notes.is_empty()).then_some(notes)
}

/// Longest list of per-record values in the question; the ids of the records
/// past it are still named.
const MAX_LISTED: usize = 4_000;

/// Longest rendering of values or keyword arguments in the question.
const MAX_SHOWN: usize = 600;

/// A value as the question shows it, cut at `MAX_SHOWN` characters.
pub fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// update_records' `updates`, one line per record: `- 3: {"city":"Gent"}`.
pub fn per_record<'a>(updates: impl Iterator<Item = (RecordId, &'a Map<String, Value>)>) -> String {
    let mut text = String::new();
    let mut rest = Vec::new();
    for (id, values) in updates {
        let line = format!("\n- {id}: {}", shown(&Value::Object(values.clone())));
        if rest.is_empty() && text.len() + line.len() <= MAX_LISTED {
            text.push_str(&line);
        } else {
            rest.push(id.to_string());
        }
    }
    if !rest.is_empty() {
        text.push_str(&format!(
            "\n- and {} more records, values not shown: {}",
            rest.len(),
            rest.join(", ")
        ));
    }
    text
}
