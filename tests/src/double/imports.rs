//! Odoo's import and export: `base_import.import.execute_import` on a CSV
//! wizard (a dry run rolls back; errors per row in Odoo's words, as the Odoo 19
//! lab answers them) and `export_data` (a many2one as its name, `/` paths
//! through many2one fields, booleans as such, empty values as '').

use odoo_client::registry::FieldType;
use serde_json::{Map, Value, json};

use super::error::OdooError;
use super::seed::def_type;
use super::store::{Env, Store};

/// `execute_import(fields, columns, options, dryrun)` on the wizard `ids[0]`.
pub(crate) fn execute_import(
    store: &mut Store,
    ids: &[i64],
    args: &Map<String, Value>,
    env: &Env,
) -> Result<Value, OdooError> {
    let wanted = ["res_model".to_string(), "file".to_string()];
    let wizard = store
        .read("base_import.import", &ids[..ids.len().min(1)], &wanted, env)?
        .into_iter()
        .next()
        .ok_or_else(|| OdooError::Missing("Record does not exist or has been deleted.".into()))?;
    let model = wizard["res_model"].as_str().unwrap_or_default().to_string();
    let fields: Vec<String> = args
        .get("fields")
        .and_then(Value::as_array)
        .map(|f| {
            f.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let options = args.get("options").cloned().unwrap_or(Value::Null);
    let dryrun = args.get("dryrun").and_then(Value::as_bool).unwrap_or(false);
    let mut rows = read_csv(wizard["file"].as_str().unwrap_or_default());
    if options["has_headers"].as_bool() == Some(true) && !rows.is_empty() {
        rows.remove(0);
    }
    rows.retain(|r| r.iter().any(|c| !c.trim().is_empty()));
    let limit = options["limit"].as_u64().map_or(usize::MAX, |l| l as usize);
    let taken = rows.len().min(limit);
    let saved = store.clone();
    let mut messages = Vec::new();
    let mut made = Vec::new();
    for (index, row) in rows.iter().take(taken).enumerate() {
        match values(store, &model, &fields, row, index, env) {
            Ok(vals) => match store.create(&model, &[vals], env) {
                Ok(new) => made.extend(new),
                Err(e) => messages.push(json!({
                    "rows": {"from": index, "to": index}, "record": index, "type": "error",
                    "message": e.message().trim_start_matches("The operation cannot be completed: ").to_string(),
                })),
            },
            Err(mut problems) => messages.append(&mut problems),
        }
    }
    if dryrun || !messages.is_empty() {
        *store = saved;
    }
    let nextrow = if taken < rows.len() { taken } else { 0 };
    let ids = match messages.is_empty() {
        true => json!(made),
        false => json!(false),
    };
    Ok(json!({"ids": ids, "messages": messages, "nextrow": nextrow}))
}

/// One row's values, or its messages as Odoo words them.
fn values(
    store: &Store,
    model: &str,
    fields: &[String],
    row: &[String],
    index: usize,
    env: &Env,
) -> Result<Map<String, Value>, Vec<Value>> {
    let defs = store.defs(model);
    let mut vals = Map::new();
    let mut problems = Vec::new();
    for (field, cell) in fields.iter().zip(row) {
        let cell = cell.trim();
        let Some(def) = defs.get(field.as_str()).filter(|_| !cell.is_empty()) else {
            continue;
        };
        let label = def["string"].as_str().unwrap_or(field);
        let converted = match def_type(def) {
            FieldType::Boolean => boolean(cell, label),
            FieldType::Integer => cell.parse::<i64>().map(Value::from).map_err(|_| {
                format!("'{cell}' does not seem to be an integer for field '{label}'")
            }),
            FieldType::Float | FieldType::Monetary => cell
                .parse::<f64>()
                .map(Value::from)
                .map_err(|_| format!("'{cell}' does not seem to be a number for field '{label}'")),
            FieldType::Many2one => {
                let relation = def["relation"].as_str().unwrap_or_default();
                let found = store
                    .name_search(relation, cell, &json!([]), "=", Some(1), env)
                    .unwrap_or(Value::Null);
                found[0][0].as_i64().map(Value::from).ok_or_else(|| {
                    format!("No matching record found for name '{cell}' in field '{label}'")
                })
            }
            _ => Ok(Value::String(cell.to_string())),
        };
        match converted {
            Ok(value) => {
                vals.insert(field.clone(), value);
            }
            Err(message) => problems.push(json!({
                "rows": {"from": index, "to": index}, "type": "error", "record": index,
                "field": field, "message": message, "field_name": label,
            })),
        }
    }
    match problems.is_empty() {
        true => Ok(vals),
        false => Err(problems),
    }
}

/// Odoo's words for true and false in an import.
fn boolean(cell: &str, label: &str) -> Result<Value, String> {
    match cell.to_lowercase().as_str() {
        "1" | "true" | "yes" => Ok(Value::Bool(true)),
        "0" | "false" | "no" => Ok(Value::Bool(false)),
        _ => Err(format!(
            "Unknown value '{cell}' for boolean field '{label}'"
        )),
    }
}

/// The rows of a CSV text (`,` and `"`), as Python's csv reader gives them.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut cell, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => cell.push(c),
        }
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    rows
}

/// `export_data(fields_to_export)`: `{"datas": [[…], …]}`, one line per record.
pub(crate) fn export_data(
    store: &Store,
    model: &str,
    ids: &[i64],
    args: &Map<String, Value>,
    env: &Env,
) -> Result<Value, OdooError> {
    let paths: Vec<Vec<String>> = args
        .get("fields_to_export")
        .and_then(Value::as_array)
        .map(|f| {
            f.iter()
                .filter_map(Value::as_str)
                .map(|p| p.split('/').map(str::to_string).collect())
                .collect()
        })
        .unwrap_or_default();
    let mut lines = Vec::new();
    for &id in ids {
        let mut line = Vec::new();
        for path in &paths {
            line.push(cell(store, model, id, path, env)?);
        }
        lines.push(Value::Array(line));
    }
    Ok(json!({ "datas": lines }))
}

/// The value at `path` from record `id`: through many2one fields, the last
/// one as its name; `id` as an external id (`__export__` for records without one).
fn cell(
    store: &Store,
    model: &str,
    id: i64,
    path: &[String],
    env: &Env,
) -> Result<Value, OdooError> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(json!(""));
    };
    if first == "id" {
        return Ok(json!(format!(
            "__export__.{}_{id}",
            model.replace('.', "_")
        )));
    }
    if first == ".id" {
        return Ok(json!(id.to_string()));
    }
    let record = store.read(model, &[id], std::slice::from_ref(first), env)?;
    let value = record
        .first()
        .and_then(|r| r.get(first))
        .cloned()
        .unwrap_or(Value::Bool(false));
    let def = store.defs(model).get(first).cloned().unwrap_or(Value::Null);
    let def = &def;
    match (def_type(def), &value) {
        (FieldType::Many2one, Value::Array(pair)) => {
            let target = pair[0].as_i64().unwrap_or_default();
            match rest.is_empty() {
                true => Ok(pair[1].clone()),
                false => cell(
                    store,
                    def["relation"].as_str().unwrap_or_default(),
                    target,
                    rest,
                    env,
                ),
            }
        }
        (FieldType::Boolean, _) => Ok(value),
        (_, Value::Bool(false)) | (_, Value::Null) => Ok(json!("")),
        _ => Ok(value),
    }
}
