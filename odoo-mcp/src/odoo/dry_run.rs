//! Dry runs of the write tools: what a write would do, checked against Odoo
//! without writing. The records exist, required fields get a value (given or
//! default), selection values and many2one targets exist, and the user has the
//! access right.

use std::collections::{BTreeMap, BTreeSet};

use odoo_client::registry::FieldType;
use odoo_client::{Error as OdooError, OdooClient, RecordId};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::{Odoo, Target, onchange};
use super::{is_empty, kwargs};
use crate::error::ToolError;

impl Odoo {
    /// What a write would do, checked against Odoo without writing: the records
    /// exist, required fields get a value (given or default), selection values
    /// and many2one targets exist, and the user has the access right.
    pub(crate) async fn plan_write(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        operation: &str,
        record_ids: &[RecordId],
        values_list: &[Map<String, Value>],
    ) -> Result<WritePlan, ToolError> {
        let mut problems: Vec<String> = Vec::new();
        let mut notes: Vec<String> = Vec::new();
        let defs = self.write_field_defs(client, target, values_list).await?;
        let targets = check_values(&defs, operation, values_list, &mut problems, &mut notes);
        self.check_many2one_targets(client, target, &targets, &mut problems, &mut notes)
            .await;
        let defaults = if operation == "create" {
            self.check_required(
                client,
                target,
                &defs,
                values_list,
                &mut problems,
                &mut notes,
            )
            .await
        } else {
            Map::new()
        };
        let (records, defaults) = if record_ids.is_empty() {
            let records = values_list.iter().cloned().map(Value::Object).collect();
            (records, (!defaults.is_empty()).then_some(defaults))
        } else {
            let records = self
                .planned_changes(client, target, record_ids, values_list, &mut problems)
                .await?;
            (records, None)
        };
        self.check_access_right(client, target.name, operation, &mut problems, &mut notes)
            .await;
        Ok(WritePlan {
            model: target.name.to_string(),
            dry_run: true,
            operation: operation.to_string(),
            valid: problems.is_empty(),
            problems,
            notes,
            records,
            defaults,
            written: false,
        })
    }

    /// The field definitions a dry run checks values against; none are read
    /// when no values are written (a delete).
    async fn write_field_defs(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        values_list: &[Map<String, Value>],
    ) -> Result<Map<String, Value>, ToolError> {
        if values_list.is_empty() {
            return Ok(Map::new());
        }
        Ok(client
            .fields_get(target.name, super::FIELD_ATTRIBUTES)
            .await?)
    }

    /// Every many2one target a dry run's values name must exist.
    async fn check_many2one_targets(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        targets: &BTreeMap<String, BTreeSet<RecordId>>,
        problems: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) {
        for (relation, wanted) in targets {
            let wanted: Vec<RecordId> = wanted.iter().copied().collect();
            let call = kwargs(vec![("domain", json!([["id", "in", wanted]]))]);
            match client.execute(relation, "search", None, call, None).await {
                Ok(Value::Array(found)) => {
                    let found: BTreeSet<i64> = found.iter().filter_map(Value::as_i64).collect();
                    for id in wanted.iter().filter(|id| !found.contains(id)) {
                        problems.push(format!(
                            "{relation} record {id} does not exist or is not visible (referenced by {})",
                            target.name
                        ));
                    }
                }
                Ok(_) => {}
                Err(e) => notes.push(format!(
                    "{relation} ids could not be checked: {}",
                    ToolError::from(e)
                )),
            }
        }
    }

    /// Required fields a create leaves out must get a value from Odoo's form:
    /// its defaults, onchanges and computes, asked with each record's values
    /// (Odoo's defaults alone when onchange cannot be asked). Returns what the
    /// form fills for them, the values every record gets alike.
    async fn check_required(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        defs: &Map<String, Value>,
        values_list: &[Map<String, Value>],
        problems: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) -> Map<String, Value> {
        let required = onchange::required_fields(defs, false);
        let mut form = Form::Onchange;
        let mut alike: Option<Map<String, Value>> = None;
        for (i, values) in values_list.iter().enumerate() {
            let left_out: Vec<&str> = required
                .iter()
                .copied()
                .filter(|f| !values.contains_key(*f))
                .collect();
            if left_out.is_empty() {
                continue;
            }
            let Some(proposed) = form
                .ask(client, target.name, defs, values, &left_out, notes)
                .await
            else {
                return Map::new();
            };
            let at = if values_list.len() > 1 {
                format!("records[{i}]: ")
            } else {
                String::new()
            };
            for field in left_out
                .iter()
                .filter(|f| proposed.get(**f).is_none_or(is_empty))
            {
                let label = field_label(defs, field);
                if defs.get(*field).is_some_and(is_relational) {
                    notes.push(format!(
                        "{at}required field {field} ({label}) has no value and its form fills none: Odoo may fill it when it creates the record; give it if the create is refused"
                    ));
                } else {
                    problems.push(format!(
                        "{at}required field {field} ({label}) has no value and its form fills none"
                    ));
                }
            }
            let filled: Map<String, Value> = proposed
                .into_iter()
                .filter(|(f, v)| left_out.contains(&f.as_str()) && !is_empty(v))
                .collect();
            alike = Some(match alike {
                None => filled,
                Some(mut agreed) => {
                    agreed.retain(|f, v| filled.get(f) == Some(v));
                    agreed
                }
            });
        }
        alike.unwrap_or_default()
    }

    /// The records exist, and what would change on them: each record's id,
    /// display name and changed fields (`from`, `to`).
    async fn planned_changes(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        record_ids: &[RecordId],
        values_list: &[Map<String, Value>],
        problems: &mut Vec<String>,
    ) -> Result<Vec<Value>, ToolError> {
        // One values map for every record, or one per record (update_records' updates).
        let values_of = |id: i64| match values_list {
            [values] => Some(values),
            _ => record_ids
                .iter()
                .position(|r| *r == id)
                .and_then(|i| values_list.get(i)),
        };
        let wanted: BTreeSet<&str> = values_list
            .iter()
            .flat_map(|v| v.keys().map(String::as_str))
            .chain(["display_name"])
            .collect();
        let wanted: Vec<&str> = wanted.into_iter().collect();
        let rows = client.read(target.name, record_ids, &wanted).await?;
        let found: BTreeSet<i64> = rows
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .collect();
        for id in record_ids.iter().filter(|id| !found.contains(id)) {
            problems.push(format!(
                "{} record {id} does not exist or is not visible to this Odoo user",
                target.name
            ));
        }
        Ok(rows
            .iter()
            .map(|row| {
                let mut entry = Map::new();
                entry.insert("id".into(), row.get("id").cloned().unwrap_or_default());
                entry.insert(
                    "display_name".into(),
                    row.get("display_name").cloned().unwrap_or_default(),
                );
                let id = row.get("id").and_then(Value::as_i64).unwrap_or_default();
                if let Some(values) = values_of(id) {
                    let changes: Map<String, Value> = values
                        .iter()
                        .filter(|(f, v)| !same_value(row.get(*f), v))
                        .map(|(f, v)| {
                            (
                                f.clone(),
                                json!({"from": row.get(f).cloned().unwrap_or(Value::Null), "to": v}),
                            )
                        })
                        .collect();
                    entry.insert("changes".into(), Value::Object(changes));
                }
                Value::Object(entry)
            })
            .collect())
    }

    /// Whether the Odoo user may `operation` on `model` (has_access on Odoo 18+,
    /// check_access_rights below): a problem when not, a note when it cannot tell.
    pub(crate) async fn check_access_right(
        &self,
        client: &OdooClient,
        model: &str,
        operation: &str,
        problems: &mut Vec<String>,
        notes: &mut Vec<String>,
    ) {
        let modern = client
            .version()
            .await
            .map(|v| v.major >= 18)
            .unwrap_or(true);
        let (method, call) = if modern {
            ("has_access", kwargs(vec![("operation", json!(operation))]))
        } else {
            (
                "check_access_rights",
                kwargs(vec![
                    ("operation", json!(operation)),
                    ("raise_exception", json!(false)),
                ]),
            )
        };
        // has_access is a record method: the empty recordset asks about the model
        // (XML-RPC takes the first positional argument as its ids).
        let ids: Option<&[RecordId]> = modern.then_some(&[]);
        match client.execute(model, method, ids, call, None).await {
            Ok(Value::Bool(true)) => {}
            Ok(_) | Err(OdooError::AccessDenied(_)) => problems.push(format!(
                "the Odoo user has no {operation} access on {model}"
            )),
            Err(e) => notes.push(format!(
                "access rights could not be checked: {}",
                ToolError::from(e)
            )),
        }
    }
}

/// Where a dry run learns what a new record's form fills: Odoo's onchange,
/// or, once that fails (Odoo before 17, no create access), its defaults.
enum Form {
    Onchange,
    Defaults,
}

impl Form {
    /// What the form gives `fields` when `values` are typed in; `None` (with a
    /// note) when Odoo answers neither.
    async fn ask(
        &mut self,
        client: &OdooClient,
        model: &str,
        defs: &Map<String, Value>,
        values: &Map<String, Value>,
        fields: &[&str],
        notes: &mut Vec<String>,
    ) -> Option<Map<String, Value>> {
        if let Form::Onchange = self {
            let kind = |name: &str| onchange::field_type(defs, name);
            match onchange::form_values(client, model, values, fields, kind, None).await {
                Ok(proposed) => return Some(proposed),
                Err(e) => {
                    notes.push(format!(
                        "Odoo's onchange could not be asked ({}): required fields were checked against its defaults only",
                        ToolError::from(e)
                    ));
                    *self = Form::Defaults;
                }
            }
        }
        let call = kwargs(vec![("fields", json!(fields))]);
        match client.execute(model, "default_get", None, call, None).await {
            Ok(Value::Object(found)) => Some(found),
            Ok(_) => Some(Map::new()),
            Err(e) => {
                notes.push(format!(
                    "Odoo's defaults could not be read, so required fields were not checked: {}",
                    ToolError::from(e)
                ));
                None
            }
        }
    }
}

/// Whether a read value equals a written one (`[id, name]` against `id`, `false` against `null`).
fn same_value(current: Option<&Value>, new: &Value) -> bool {
    match (current, new) {
        (Some(Value::Array(pair)), Value::Number(_)) if pair.len() == 2 => pair[0] == *new,
        (Some(c), n) if is_empty(c) && is_empty(n) => true,
        (Some(c), n) => c == n,
        (None, _) => false,
    }
}

/// One attribute of a field definition (from `fields_get`).
fn field_attr(defs: &Map<String, Value>, field: &str, key: &str) -> Option<Value> {
    defs.get(field).and_then(|d| d.get(key)).cloned()
}

/// A field's label, or its name when Odoo gives none.
fn field_label(defs: &Map<String, Value>, field: &str) -> String {
    field_attr(defs, field, "string")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| field.to_string())
}

/// Selections, readonly fields and emptied required ones, per value of a dry
/// run. Returns the many2one targets named, per model, to be checked at once.
fn check_values(
    defs: &Map<String, Value>,
    operation: &str,
    values_list: &[Map<String, Value>],
    problems: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> BTreeMap<String, BTreeSet<RecordId>> {
    let attr = |field: &str, key: &str| field_attr(defs, field, key);
    let label = |field: &str| field_label(defs, field);
    let mut targets: BTreeMap<String, BTreeSet<RecordId>> = BTreeMap::new();
    for (i, values) in values_list.iter().enumerate() {
        let at = match (values_list.len(), operation) {
            (0 | 1, _) => String::new(),
            (_, "write") => format!("updates[{i}].values."),
            _ => format!("records[{i}]."),
        };
        for (field, value) in values {
            let kind = attr(field, "type").and_then(|v| v.as_str().map(FieldType::parse));
            if attr(field, "readonly") == Some(Value::Bool(true)) {
                notes.push(format!(
                    "{at}{field} ({}) is read-only in Odoo's forms: Odoo may ignore or recompute it",
                    label(field)
                ));
            }
            if attr(field, "required") == Some(Value::Bool(true)) && is_empty(value) {
                problems.push(format!(
                    "{at}{field} ({}) is required and cannot be emptied",
                    label(field)
                ));
            }
            match kind {
                Some(FieldType::Selection) if !is_empty(value) => {
                    let options: Vec<Value> = attr(field, "selection")
                        .and_then(|s| s.as_array().cloned())
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|o| o.get(0).cloned())
                        .collect();
                    if !options.is_empty() && !options.contains(value) {
                        let shown: Vec<String> = options.iter().map(Value::to_string).collect();
                        problems.push(format!(
                            "{at}{field}: {value} is not a valid value; use one of {}",
                            shown.join(", ")
                        ));
                    }
                }
                Some(FieldType::Many2one) => {
                    if let (Some(id), Some(relation)) = (
                        value.as_i64().filter(|id| *id > 0),
                        attr(field, "relation").and_then(|r| r.as_str().map(str::to_string)),
                    ) {
                        targets.entry(relation).or_default().insert(id);
                    }
                }
                _ => {}
            }
        }
    }
    targets
}

/// Relational fields may be filled by Odoo's `create`: it makes a user's
/// partner (`_inherits`), a company's partner, a template's variants; a missing
/// one gets a note rather than a problem.
fn is_relational(def: &Value) -> bool {
    def.get("type")
        .and_then(Value::as_str)
        .is_some_and(|t| FieldType::parse(t).is_relational())
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
    /// What the form fills in the required fields a create leaves out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub defaults: Option<Map<String, Value>>,
    pub written: bool,
}
