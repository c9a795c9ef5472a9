//! One double's data and the ORM methods over it (`search`, `read`, `create`, …).
//!
//! The 13 seeded models and `ir.attachment` (empty at start) are writable (each
//! double owns a copy of their records); `ir.model`, `ir.model.fields` and `ir.model.fields.selection` are read-only views of
//! the shared fixtures; every other model listed in `ir.model` exists but is empty.

mod group;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use odoo_client::registry::FieldType;
use serde_json::{Map, Value, json};

use super::domain::{self, is_empty, py_repr};
use super::error::OdooError;
use super::seed::{self, Record, def_type, display_name, empty_value, field_type};

pub(crate) const ADMIN_UID: i64 = 2;

/// List view archs captured on Odoo 19 (`views/list.json`), per model.
fn list_archs() -> &'static Map<String, Value> {
    static ARCHS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    ARCHS.get_or_init(|| crate::fixture("views/list.json"))
}

/// The computed fields' `depends` (`fields_get`), per model and field: non-empty
/// ones only, captured on the Odoo 19 lab (`depends.json`).
fn depends() -> &'static Map<String, Value> {
    static DEPENDS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    DEPENDS.get_or_init(|| crate::fixture("depends.json"))
}

/// What `default_get` gives on the Odoo 19 lab, per model (`defaults.json`).
fn captured_defaults() -> &'static Map<String, Value> {
    static DEFAULTS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| crate::fixture("defaults.json"))
}

/// Form archs captured on the Odoo 19 lab, per model (`views/form.json`).
fn form_archs() -> &'static Map<String, Value> {
    static ARCHS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    ARCHS.get_or_init(|| crate::fixture("views/form.json"))
}

/// The server actions bound to each model on the Odoo 19 lab
/// (`bindings.json`: model → `[{id, xml_id, label}]`).
fn captured_bindings() -> &'static Map<String, Value> {
    static BINDINGS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    BINDINGS.get_or_init(|| crate::fixture("bindings.json"))
}

/// `ir.actions.actions.get_bindings(model)`: the captured server actions
/// under `action`, as Odoo lists them.
pub(crate) fn bindings(model: &str) -> Value {
    let actions: Vec<Value> = captured_bindings()
        .get(model)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| json!({"id": a["id"], "name": a["label"], "binding_view_types": "list,form"}))
        .collect();
    if actions.is_empty() {
        json!({})
    } else {
        json!({ "action": actions })
    }
}

/// `ir.actions.server.get_external_id(ids)`: `{id: xml_id}`, `""` for an
/// id that is no captured server action.
pub(crate) fn server_action_xml_ids(ids: &[i64]) -> Value {
    let known: Vec<&Value> = captured_bindings()
        .values()
        .filter_map(Value::as_array)
        .flatten()
        .collect();
    let mut out = Map::new();
    for id in ids {
        let xml_id = known
            .iter()
            .find(|a| a["id"].as_i64() == Some(*id))
            .map(|a| a["xml_id"].clone())
            .unwrap_or(json!(""));
        out.insert(id.to_string(), xml_id);
    }
    Value::Object(out)
}

/// The companies a call's context names (`allowed_company_ids`), if any.
fn allowed_companies(env: &Env) -> Option<Vec<i64>> {
    let ids = env.context.get("allowed_company_ids")?.as_array()?;
    Some(ids.iter().filter_map(Value::as_i64).collect())
}
pub(crate) const DEMO_UID: i64 = 5;

/// Who calls, with which context.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub uid: i64,
    pub context: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Read,
    Write,
    Create,
    Unlink,
}

impl Op {
    fn verb(self) -> &'static str {
        match self {
            Op::Read => "access",
            Op::Write => "modify",
            Op::Create => "create",
            Op::Unlink => "delete",
        }
    }
}

#[derive(Clone)]
struct Table {
    records: BTreeMap<i64, Record>,
    next_id: i64,
}

enum Kind<'a> {
    Writable(&'a Table),
    ReadOnly(&'static [Record]),
    Empty,
}

#[derive(Clone)]
pub(crate) struct Store {
    tables: BTreeMap<String, Table>,
    /// The Odoo version it answers as (see [`Store::for_version`]).
    major: u32,
    /// Fields of the Odoo 19 captures this version does not have, per model.
    absent: &'static BTreeMap<String, BTreeSet<String>>,
    /// Methods a test made refuse every call with an access error.
    refused: BTreeSet<String>,
}

/// What a real Odoo 18 lacks of the Odoo 19 captures: `tests/data/odoo18-absent-fields.json`,
/// read off the odoo-lab's Odoo 18 with `fields_get`.
fn odoo18_absent() -> &'static BTreeMap<String, BTreeSet<String>> {
    static ABSENT: OnceLock<BTreeMap<String, BTreeSet<String>>> = OnceLock::new();
    ABSENT.get_or_init(|| {
        let text = include_str!("../../data/odoo18-absent-fields.json");
        let file: Value = serde_json::from_str(text).unwrap_or_default();
        serde_json::from_value(file["absent"].clone()).unwrap_or_default()
    })
}

/// What Odoo past 19 lacks of the Odoo 19 captures: `datas`, whose content
/// `raw` carries as base64 there.
fn after_19_absent() -> &'static BTreeMap<String, BTreeSet<String>> {
    static ABSENT: OnceLock<BTreeMap<String, BTreeSet<String>>> = OnceLock::new();
    ABSENT.get_or_init(|| {
        BTreeMap::from([("ir.attachment".into(), BTreeSet::from(["datas".into()]))])
    })
}

impl Store {
    /// On 18, the fields Odoo 18 lacks are gone (`ir.model.abstract` among them); below
    /// 19, so are the methods that came with 19 (see [`Store::has_method`]).
    pub fn for_version(major: u32) -> Self {
        let seed = seed::seed();
        let mut tables: BTreeMap<String, Table> = seed
            .models
            .iter()
            .map(|(model, s)| {
                let records: BTreeMap<i64, Record> = s
                    .records
                    .iter()
                    .filter_map(|r| Some((r.get("id")?.as_i64()?, r.clone())))
                    .collect();
                let next_id = records.keys().max().copied().unwrap_or(0) + 1;
                (model.clone(), Table { records, next_id })
            })
            .collect();
        // Made through the API, never captured: files attached to records,
        // wizards (every transient model), and what the business steps of
        // `business` make or pick.
        let transient = seed
            .ir_model
            .iter()
            .filter(|m| m.get("transient") == Some(&Value::Bool(true)))
            .filter_map(|m| m.get("model").and_then(Value::as_str));
        for model in [
            "ir.attachment",
            "account.payment",
            "crm.lost.reason",
            "stock.quant",
        ]
        .into_iter()
        .chain(transient)
        {
            tables.insert(
                model.into(),
                Table {
                    records: BTreeMap::new(),
                    next_id: 1,
                },
            );
        }
        static NONE: OnceLock<BTreeMap<String, BTreeSet<String>>> = OnceLock::new();
        // Only 18's fields were read off a real server; older ones lack more, unknown here.
        // Past 19, Odoo drops `ir.attachment.datas` (odoo/odoo#245916; 20 has no lab yet).
        let absent = match major {
            18 => odoo18_absent(),
            20.. => after_19_absent(),
            _ => NONE.get_or_init(BTreeMap::new),
        };
        Self {
            tables,
            major,
            absent,
            refused: BTreeSet::new(),
        }
    }

    /// From now on `method` refuses every call, as Odoo does without the access it checks.
    pub(crate) fn refuse(&mut self, method: &str) {
        self.refused.insert(method.to_string());
    }

    /// The access error a refused method raises on `model`.
    pub(crate) fn refusal(&self, model: &str, method: &str) -> Option<OdooError> {
        self.refused.contains(method).then(|| {
            OdooError::Access(format!(
                "You are not allowed to call {method} on '{}' ({model}) records.",
                seed::seed().description(model)
            ))
        })
    }

    /// Methods that exist in this version: `formatted_read_group` and `web_save_multi`
    /// came with 19, `has_access` with 18.
    pub fn has_method(&self, method: &str) -> bool {
        match method {
            "formatted_read_group" | "web_save_multi" => self.major >= 19,
            "has_access" => self.major >= 18,
            _ => true,
        }
    }

    fn is_absent(&self, model: &str, field: &str) -> bool {
        self.absent.get(model).is_some_and(|f| f.contains(field))
    }

    fn kind(&self, model: &str) -> Result<Kind<'_>, OdooError> {
        if let Some(table) = self.tables.get(model) {
            return Ok(Kind::Writable(table));
        }
        match model {
            "ir.model" => Ok(Kind::ReadOnly(&seed::seed().ir_model)),
            "ir.model.fields" => Ok(Kind::ReadOnly(seed::ir_fields())),
            "ir.model.fields.selection" => Ok(Kind::ReadOnly(seed::ir_selections())),
            _ if seed::seed().ir_model(model).is_some() => Ok(Kind::Empty),
            _ => Err(OdooError::UnknownModel(model.to_string())),
        }
    }

    /// Fails like Odoo when the model does not exist.
    pub fn check_model(&self, model: &str) -> Result<(), OdooError> {
        self.kind(model).map(|_| ())
    }

    fn rows(&self, model: &str) -> Result<Vec<&Record>, OdooError> {
        Ok(match self.kind(model)? {
            Kind::Writable(t) => t.records.values().collect(),
            // The fields this version lacks are not in its ir.model.fields either.
            Kind::ReadOnly(rows) if model == "ir.model.fields" && !self.absent.is_empty() => rows
                .iter()
                .filter(|r| {
                    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
                    !self.is_absent(text("model"), text("name"))
                })
                .collect(),
            Kind::ReadOnly(rows) => rows.iter().collect(),
            Kind::Empty => Vec::new(),
        })
    }

    fn find(&self, model: &str, id: i64) -> Option<&Record> {
        match self.kind(model).ok()? {
            Kind::Writable(t) => t.records.get(&id),
            Kind::ReadOnly(rows) => seed::id_index(model, rows)
                .get(&id)
                .and_then(|i| rows.get(*i)),
            Kind::Empty => None,
        }
    }

    /// Field definitions (`fields_get` shape) of a model.
    pub fn defs(&self, model: &str) -> &'static Map<String, Value> {
        static NONE: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        if let Some(s) = seed::seed().models.get(model) {
            return &s.fields;
        }
        seed::derived_fields(model).unwrap_or_else(|| NONE.get_or_init(Map::new))
    }

    fn has_field(&self, model: &str, field: &str) -> bool {
        field == "id"
            || field == "display_name"
            || (self.defs(model).contains_key(field) && !self.is_absent(model, field))
    }

    /// The display name of `(model, id)`: from its record, from any many2one seen, else `Record N`.
    pub(crate) fn name_of(&self, model: &str, id: i64) -> String {
        if let Some(record) = self.find(model, id) {
            return self.display(model, record);
        }
        seed::seed()
            .names
            .get(&(model.to_string(), id))
            .cloned()
            .unwrap_or_else(|| format!("Record {id}"))
    }

    fn display(&self, model: &str, record: &Record) -> String {
        if (model == "ir.model.fields.selection" || model == "ir.model.fields")
            && let Some(Value::String(name)) = record.get("name")
        {
            return name.clone();
        }
        display_name(model, record)
    }

    /// A field's value as `read` returns it (`false`/`0`/`[]` when not stored here).
    fn value_of(&self, model: &str, record: &Record, field: &str) -> Value {
        match field {
            "display_name" => Value::String(self.display(model, record)),
            _ => record
                .get(field)
                .cloned()
                .unwrap_or_else(|| empty_value(field_type(self.defs(model), field))),
        }
    }

    /// `a.b.c` through many2one fields.
    fn path_value(&self, model: &str, record: &Record, path: &str) -> Value {
        let (head, rest) = match path.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (path, None),
        };
        let value = self.value_of(model, record, head);
        let Some(rest) = rest else { return value };
        let relation = self
            .defs(model)
            .get(head)
            .and_then(|d| d.get("relation"))
            .and_then(Value::as_str);
        let target = value.get(0).and_then(Value::as_i64);
        match (relation, target) {
            (Some(relation), Some(id)) => match self.find(relation, id) {
                Some(target) => self.path_value(relation, target, rest),
                None => Value::Bool(false),
            },
            _ => Value::Bool(false),
        }
    }

    fn check_path(&self, model: &str, path: &str) -> bool {
        let (head, rest) = match path.split_once('.') {
            Some((h, r)) => (h, Some(r)),
            None => (path, None),
        };
        if !self.has_field(model, head) {
            return false;
        }
        match rest {
            None => true,
            Some(rest) => {
                let defs = self.defs(model);
                let relation = defs
                    .get(head)
                    .and_then(|d| d.get("relation"))
                    .and_then(Value::as_str);
                field_type(defs, head) == FieldType::Many2one
                    && relation.is_some_and(|r| self.check_path(r, rest))
            }
        }
    }

    /// `context.allowed_company_ids` (Odoo's `env.companies`): each must be one of
    /// the user's companies, as Odoo checks on every call that names them.
    pub fn check_companies(&self, env: &Env) -> Result<(), OdooError> {
        let Some(allowed) = allowed_companies(env) else {
            return Ok(());
        };
        let user = self
            .rows("res.users")?
            .into_iter()
            .find(|r| r.get("id").and_then(Value::as_i64) == Some(env.uid));
        let own: Vec<i64> = user
            .and_then(|u| u.get("company_ids"))
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
            .unwrap_or_default();
        if allowed.iter().any(|id| !own.contains(id)) {
            return Err(OdooError::Access(
                "Access to unauthorized or invalid companies.".into(),
            ));
        }
        Ok(())
    }

    /// Odoo's multi-company record rule: with `allowed_company_ids`, a record
    /// with a company is seen only in one of those companies.
    fn in_allowed_company(&self, model: &str, record: &Record, env: &Env) -> bool {
        let Some(allowed) = allowed_companies(env) else {
            return true;
        };
        if model == "res.company" || !self.defs(model).contains_key("company_id") {
            return true;
        }
        match record.get("company_id") {
            Some(Value::Array(pair)) => pair
                .first()
                .and_then(Value::as_i64)
                .is_none_or(|id| allowed.contains(&id)),
            Some(Value::Number(id)) => id.as_i64().is_none_or(|id| allowed.contains(&id)),
            _ => true,
        }
    }

    pub fn check_access(&self, model: &str, op: Op, env: &Env) -> Result<(), OdooError> {
        let restricted = |groups: &str| {
            let seed = seed::seed();
            OdooError::Access(format!(
                "You are not allowed to {} '{}' ({model}) records.\n\nThis operation is allowed for the following groups:\n\t- {groups}\n\nContact your administrator to request access if necessary.",
                op.verb(),
                seed.description(model)
            ))
        };
        if env.uid == DEMO_UID {
            match (model, op) {
                ("ir.config_parameter", _) => return Err(restricted("Role / Administrator")),
                (m, Op::Write | Op::Create | Op::Unlink) if m.starts_with("ir.") => {
                    return Err(restricted("Role / Administrator"));
                }
                ("res.users" | "res.company", Op::Write | Op::Create | Op::Unlink) => {
                    return Err(restricted("Access Rights"));
                }
                ("sale.order", Op::Unlink) => return Err(restricted("Sales/Administrator")),
                _ => {}
            }
        }
        if op != Op::Read && !self.tables.contains_key(model) {
            self.check_model(model)?;
            return Err(OdooError::User(format!(
                "The Odoo test double keeps {model} read-only: it has no writable data for it."
            )));
        }
        Ok(())
    }

    // ---- search -------------------------------------------------------------------------

    pub fn search(
        &self,
        model: &str,
        domain: &Value,
        offset: usize,
        limit: Option<usize>,
        order: Option<&str>,
        env: &Env,
    ) -> Result<Vec<i64>, OdooError> {
        self.check_access(model, Op::Read, env)?;
        let node = domain::parse(domain).map_err(|e| OdooError::value_error(e.0))?;
        let leaves = node.leaves();
        for leaf in &leaves {
            if !self.check_path(model, &leaf.field) {
                let condition = json!([leaf.field, op_text(domain, &leaf.field), leaf.value]);
                return Err(OdooError::value_error(format!(
                    "Invalid field {model}.{} in condition {}",
                    leaf.field,
                    py_repr(&condition)
                )));
            }
        }
        let keys = self.order_keys(model, order)?;
        let active_test = self.defs(model).contains_key("active")
            && env.context.get("active_test") != Some(&Value::Bool(false))
            && !leaves
                .iter()
                .any(|l| l.field == "active" || l.field.starts_with("active."));
        let mut found: Vec<&Record> = self
            .rows(model)?
            .into_iter()
            .filter(|r| !active_test || r.get("active") != Some(&Value::Bool(false)))
            .filter(|r| self.in_allowed_company(model, r, env))
            .filter(|r| self.rule_allows(model, r, env))
            .filter(|r| node.eval(&|path| self.path_value(model, r, path)))
            .collect();
        found.sort_by(|a, b| self.compare(model, &keys, a, b));
        Ok(found
            .into_iter()
            .skip(offset)
            .take(limit.unwrap_or(usize::MAX))
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .collect())
    }

    /// Parses `name asc, id desc`; the model's `_order` when absent.
    fn order_keys(
        &self,
        model: &str,
        order: Option<&str>,
    ) -> Result<Vec<(String, bool)>, OdooError> {
        let default = seed::seed().default_order(model);
        let order = order.filter(|o| !o.trim().is_empty()).unwrap_or(&default);
        let mut keys = Vec::new();
        for term in order.split(',') {
            let mut words = term.split_whitespace();
            let Some(field) = words.next() else { continue };
            let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(OdooError::value_error(format!(
                        "Invalid order direction {other:?} in {order:?}: use asc or desc"
                    )));
                }
            };
            if !self.has_field(model, field) {
                return Err(OdooError::value_error(format!(
                    "Invalid field '{field}' on model '{model}'"
                )));
            }
            keys.push((field.to_string(), desc));
        }
        Ok(keys)
    }

    fn compare(&self, model: &str, keys: &[(String, bool)], a: &Record, b: &Record) -> Ordering {
        let defs = self.defs(model);
        for (field, desc) in keys {
            let kind = field_type(defs, field);
            let key = |r: &Record| -> Option<Value> {
                let v = self.value_of(model, r, field);
                match (&v, kind) {
                    (Value::Bool(_), FieldType::Boolean) => Some(v),
                    _ if is_empty(&v) => None,
                    // Many2one sorts by the target's name; text case-insensitively.
                    (Value::Array(pair), _) if pair.len() == 2 && pair[1].is_string() => {
                        Some(Value::String(pair[1].as_str()?.to_lowercase()))
                    }
                    (Value::String(s), _) => Some(Value::String(s.to_lowercase())),
                    _ => Some(v),
                }
            };
            // PostgreSQL: NULLs last ascending, first descending.
            let ordering = match (key(a), key(b)) {
                (None, None) => Ordering::Equal,
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(x), Some(y)) => total_order(&x, &y),
            };
            let ordering = if *desc { ordering.reverse() } else { ordering };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }

    // ---- read ---------------------------------------------------------------------------

    fn check_fields(&self, model: &str, fields: &[String]) -> Result<(), OdooError> {
        match fields.iter().find(|f| !self.has_field(model, f)) {
            Some(bad) => Err(OdooError::value_error(format!(
                "Invalid field '{bad}' on '{model}'"
            ))),
            None => Ok(()),
        }
    }

    /// Fields `read` returns when none are asked for.
    fn all_fields(&self, model: &str, record: &Record) -> Vec<String> {
        let mut fields: Vec<String> = match seed::seed().models.get(model) {
            Some(s) => s.columns.clone(),
            None => record.keys().cloned().collect(),
        };
        fields.retain(|f| !self.is_absent(model, f));
        fields.push("display_name".into());
        fields
    }

    pub fn read(
        &self,
        model: &str,
        ids: &[i64],
        fields: &[String],
        env: &Env,
    ) -> Result<Vec<Value>, OdooError> {
        self.check_access(model, Op::Read, env)?;
        self.check_fields(model, fields)?;
        self.check_rules(model, ids, env)?;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for id in ids {
            if !seen.insert(*id) {
                continue;
            }
            let Some(record) = self.find(model, *id) else {
                continue;
            };
            let wanted = if fields.is_empty() {
                self.all_fields(model, record)
            } else {
                fields.to_vec()
            };
            let mut row = Map::new();
            row.insert("id".into(), Value::from(*id));
            for f in wanted {
                let v = self.value_of(model, record, &f);
                row.insert(f, v);
            }
            out.push(Value::Object(row));
        }
        Ok(out)
    }

    /// Every record of a model with every field, in id order.
    pub fn dump(&self, model: &str) -> Vec<Value> {
        let env = Env {
            uid: ADMIN_UID,
            context: Map::new(),
        };
        let ids: Vec<i64> = self
            .rows(model)
            .unwrap_or_default()
            .iter()
            .filter_map(|r| r.get("id").and_then(Value::as_i64))
            .collect();
        self.read(model, &ids, &[], &env).unwrap_or_default()
    }

    // ---- create / write / unlink --------------------------------------------------------

    /// A value as it would be stored and read back, or the error Odoo raises for it.
    fn normalize(
        &self,
        model: &str,
        field: &str,
        value: &Value,
        current: Option<&Value>,
    ) -> Result<Value, OdooError> {
        let defs = self.defs(model);
        let Some(def) = defs.get(field).filter(|_| !self.is_absent(model, field)) else {
            return Err(OdooError::value_error(format!(
                "Invalid field '{field}' on '{model}'"
            )));
        };
        let kind = field_type(defs, field);
        let wrong = || {
            OdooError::value_error(format!(
                "Wrong value for {model}.{field}: {}",
                py_repr(value)
            ))
        };
        let relation = def.get("relation").and_then(Value::as_str).unwrap_or("");
        Ok(match kind {
            FieldType::Many2one => match value {
                Value::Null | Value::Bool(false) => Value::Bool(false),
                Value::Number(n) if n.as_i64() == Some(0) => Value::Bool(false),
                Value::Number(n) => {
                    let id = n.as_i64().ok_or_else(wrong)?;
                    json!([id, self.name_of(relation, id)])
                }
                Value::Array(pair) if pair.len() == 2 => {
                    let id = pair[0].as_i64().ok_or_else(wrong)?;
                    json!([id, self.name_of(relation, id)])
                }
                _ => return Err(wrong()),
            },
            FieldType::One2many | FieldType::Many2many => x2many(value, current).ok_or_else(|| {
                OdooError::value_error(format!(
                    "Wrong value for {model}.{field}: {} (the Odoo test double accepts id lists and the commands 3, 4, 5 and 6)",
                    py_repr(value)
                ))
            })?,
            FieldType::Selection => {
                if is_empty(value) {
                    Value::Bool(false)
                } else {
                    let allowed = def.get("selection").and_then(Value::as_array);
                    let ok = allowed
                        .is_none_or(|opts| opts.iter().any(|o| o.get(0) == Some(value)));
                    // A ValueError (HTTP 500, XML-RPC fault 1), as real Odoo 19 and 18 raise it.
                    if !ok {
                        return Err(wrong());
                    }
                    value.clone()
                }
            }
            FieldType::Boolean => Value::Bool(match value {
                Value::Bool(b) => *b,
                Value::Number(n) => n.as_f64().unwrap_or(0.0) != 0.0,
                Value::String(s) => !s.is_empty(),
                Value::Null => false,
                _ => return Err(wrong()),
            }),
            FieldType::Integer => match value {
                Value::Null | Value::Bool(false) => Value::from(0),
                Value::Number(n) if n.is_i64() => value.clone(),
                _ => return Err(wrong()),
            },
            FieldType::Float | FieldType::Monetary => match value {
                Value::Null | Value::Bool(false) => Value::from(0.0),
                Value::Number(n) => Value::from(n.as_f64().unwrap_or_default()),
                _ => return Err(wrong()),
            },
            _ => match value {
                Value::Null => Value::Bool(false),
                Value::String(s) if s.is_empty() => Value::Bool(false),
                other => other.clone(),
            },
        })
    }

    /// Fields Odoo refuses to create without (the captured `required` ones the
    /// double cannot default sensibly), with the message Odoo gives.
    fn required_on_create(&self, model: &str, vals: &Record) -> Result<(), OdooError> {
        let given = |f: &str| vals.get(f).is_some_and(|v| !is_empty(v));
        if model == "res.partner" {
            if !given("name") {
                return Err(OdooError::Validation(
                    "The operation cannot be completed: Contacts require a name".into(),
                ));
            }
            return Ok(());
        }
        // A line's description is computed from its product; without one Odoo needs it.
        if model == "sale.order.line" && !given("name") && !given("product_id") {
            return Err(OdooError::Validation(
                "The operation cannot be completed: Missing required value for the field 'Description' (name).\nModel: 'Sales Order Line' (sale.order.line)\n- create/update: a mandatory field is not set\n- delete: another model requires the record being deleted, you can archive it instead\n".into(),
            ));
        }
        // A stored compute Odoo fills after the insert: its NOT NULL column refuses it first.
        if model == "account.move.reversal" && !given("journal_id") {
            return Err(OdooError::Validation(
                "The operation cannot be completed: Missing required value for the field 'Journal' (journal_id).\nModel: 'Account Move Reversal' (account.move.reversal)\n- create/update: a mandatory field is not set\n- delete: another model requires the record being deleted, you can archive it instead\n".into(),
            ));
        }
        // Only the quant's form proposes a location (its warehouse's stock).
        if model == "stock.quant" && !given("location_id") {
            return Err(OdooError::Validation(
                "The operation cannot be completed: Missing required value for the field 'Location' (location_id).\nModel: 'Quants' (stock.quant)\n- create/update: a mandatory field is not set\n- delete: another model requires the record being deleted, you can archive it instead\n".into(),
            ));
        }
        const ENFORCED: [&str; 5] = ["name", "code", "login", "partner_id", "order_id"];
        let defs = self.defs(model);
        let seeded = seed::seed().models.get(model);
        for field in ENFORCED {
            let required = defs
                .get(field)
                .and_then(|d| d.get("required"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let defaulted = seeded.is_some_and(|s| {
                s.defaults
                    .get(field)
                    .is_some_and(|v| !is_empty(v) && field != "name")
            }) || (model == "sale.order" || model == "sale.order.line")
                && field == "name";
            if required && !defaulted && !given(field) {
                let label = defs
                    .get(field)
                    .and_then(|d| d.get("string"))
                    .and_then(Value::as_str)
                    .unwrap_or(field);
                return Err(OdooError::Validation(format!(
                    "The operation cannot be completed: Missing required value for the field '{label}' ({field}) on model '{}' ({model})",
                    seed::seed().description(model)
                )));
            }
        }
        Ok(())
    }

    fn now() -> Value {
        Value::String(chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string())
    }

    /// The salesperson of an order's customer (`partner_id.user_id`), if any.
    fn customer_salesperson(&self, order: &Record) -> Option<i64> {
        let partner = order.get("partner_id")?;
        let partner = partner.get(0).unwrap_or(partner).as_i64()?;
        let user = self.find("res.partner", partner)?.get("user_id")?;
        user.get(0).unwrap_or(user).as_i64()
    }

    /// The demo user's record rules: Sales / User: Own Documents Only sees the
    /// orders whose salesperson is demo or nobody (sale's "Personal Orders" rule,
    /// `['|', ('user_id', '=', user.id), ('user_id', '=', False)]`). On the lab its
    /// order lines stay visible to demo, as Odoo answers there.
    fn rule_allows(&self, model: &str, record: &Record, env: &Env) -> bool {
        if env.uid != DEMO_UID || model != "sale.order" {
            return true;
        }
        match record.get("user_id") {
            None | Some(Value::Bool(false) | Value::Null) => true,
            Some(user) => user.get(0).unwrap_or(user).as_i64() == Some(DEMO_UID),
        }
    }

    /// Odoo's record-rule refusal when some of `ids` are outside the caller's rules;
    /// a write is refused with 'read' as on the lab (the records cannot be read first).
    fn check_rules(&self, model: &str, ids: &[i64], env: &Env) -> Result<(), OdooError> {
        let hidden = ids
            .iter()
            .filter_map(|id| self.find(model, *id))
            .any(|record| !self.rule_allows(model, record, env));
        if !hidden {
            return Ok(());
        }
        let user = self.name_of("res.users", env.uid);
        let description = seed::seed().description(model);
        Err(OdooError::Access(format!(
            "Uh-oh! Looks like you have stumbled upon some top-secret records.\n\nSorry, {user} (id={}) doesn't have 'read' access to:\n- {description} ({model})\n\nIf you really, really need access, perhaps you can win over your friendly administrator with a batch of freshly baked cookies.",
            env.uid
        )))
    }

    fn user_ref(&self, uid: i64) -> Value {
        json!([uid, self.name_of("res.users", uid)])
    }

    /// Computed stored fields the double keeps up to date.
    fn recompute(&self, model: &str, record: &mut Record) {
        // A line's description is computed from its product when not given.
        if model == "sale.order.line"
            && record.get("name").is_none_or(is_empty)
            && let Some(product) = record.get("product_id").and_then(|p| p.get(1)).cloned()
        {
            record.insert("name".into(), product);
        }
        if model == "res.partner" {
            let name = record.get("name").and_then(Value::as_str).unwrap_or("");
            let parent = record
                .get("parent_id")
                .and_then(|p| p.get(1))
                .and_then(Value::as_str)
                .filter(|_| record.get("is_company") != Some(&Value::Bool(true)));
            let complete = match parent {
                Some(parent) if !name.is_empty() => format!("{parent}, {name}"),
                Some(parent) => parent.to_string(),
                None => name.to_string(),
            };
            record.insert("complete_name".into(), Value::String(complete));
        }
        if model == "ir.attachment" {
            // Odoo computes the size from the decoded content, and guesses a mimetype.
            let size = match record.get("datas").or_else(|| record.get("raw")) {
                Some(Value::String(data)) => {
                    data.bytes()
                        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
                        .count()
                        * 3
                        / 4
                }
                _ => 0,
            };
            record.insert("file_size".into(), Value::from(size));
            if record.get("mimetype").is_none_or(is_empty) {
                record.insert("mimetype".into(), json!("application/octet-stream"));
            }
        }
    }

    pub fn create(
        &mut self,
        model: &str,
        vals_list: &[Record],
        env: &Env,
    ) -> Result<Vec<i64>, OdooError> {
        self.check_access(model, Op::Create, env)?;
        // Writable models without a capture (ir.attachment) start from empty values.
        let seeded = seed::seed().models.get(model);
        let defs = self.defs(model);
        let has_column = |field: &str| match seeded {
            Some(s) => s.columns.iter().any(|c| c == field),
            None => defs.contains_key(field),
        };
        // Odoo's defaults, as a new record holds them (a many2one as its pair).
        let mut odoo_defaults = Map::new();
        for (field, value) in self.defaults(model) {
            if has_column(&field) {
                let value = self.normalize(model, &field, &value, None)?;
                odoo_defaults.insert(field, value);
            }
        }
        let context_defaults = self.context_defaults(model, env)?;
        // One2many lines given as commands (`[0, 0, values]`), made once their parent is.
        let mut vals_list = vals_list.to_vec();
        let mut lines = Vec::with_capacity(vals_list.len());
        for vals in vals_list.iter_mut() {
            let (rest, taken) = self.line_commands(model, vals);
            *vals = rest;
            lines.push(taken);
        }
        let mut next_id = self.tables.get(model).map_or(1, |t| t.next_id);
        let mut new = Vec::with_capacity(vals_list.len());
        for vals in &vals_list {
            self.required_on_create(model, vals)?;
            let mut record = seeded.map(|s| s.defaults.clone()).unwrap_or_default();
            for (field, value) in &odoo_defaults {
                record.insert(field.clone(), value.clone());
            }
            for (field, value) in &context_defaults {
                record.insert(field.clone(), value.clone());
            }
            // A default company is Odoo's `env.company`: the first allowed one.
            if let (Some(Value::Array(_)), Some(&company)) = (
                record.get("company_id"),
                allowed_companies(env).as_deref().and_then(<[i64]>::first),
            ) {
                let value = self.normalize(model, "company_id", &Value::from(company), None)?;
                record.insert("company_id".into(), value);
            }
            if defs.contains_key("name") && !record.contains_key("name") {
                record.insert("name".into(), Value::Bool(false));
            }
            for (field, value) in vals {
                let current = record.get(field).cloned();
                let v = self.normalize(model, field, value, current.as_ref())?;
                record.insert(field.clone(), v);
            }
            // A required date left out is the day (or moment) of the create, as
            // Odoo's defaults have it (sale.order.date_order, account.move.date).
            for (field, def) in defs {
                let kind = def_type(def);
                if def.get("required") == Some(&Value::Bool(true))
                    && kind.is_temporal()
                    && record.get(field).is_none_or(is_empty)
                {
                    let now = Self::now();
                    let value = match (kind, now.as_str()) {
                        (FieldType::Date, Some(moment)) => json!(&moment[..10]),
                        _ => now,
                    };
                    record.insert(field.clone(), value);
                }
            }
            // Odoo 19 computes an order's salesperson from its customer, else the
            // user who creates it (sale.order `_compute_user_id`).
            if model == "sale.order" && !vals.contains_key("user_id") {
                let salesperson = self.customer_salesperson(&record).unwrap_or(env.uid);
                record.insert("user_id".into(), self.user_ref(salesperson));
            }
            record.insert("id".into(), Value::from(next_id));
            for audit in ["create_date", "write_date"] {
                if has_column(audit) {
                    record.insert(audit.into(), Self::now());
                }
            }
            for audit in ["create_uid", "write_uid"] {
                if has_column(audit) {
                    record.insert(audit.into(), self.user_ref(env.uid));
                }
            }
            self.recompute(model, &mut record);
            new.push((next_id, record));
            next_id += 1;
        }
        let table = self
            .tables
            .get_mut(model)
            .ok_or_else(|| OdooError::UnknownModel(model.to_string()))?;
        table.next_id = next_id;
        let ids: Vec<i64> = new.iter().map(|(id, _)| *id).collect();
        table.records.extend(new);
        for (&parent, taken) in ids.iter().zip(lines) {
            for (field, commands) in taken {
                self.run_line_commands(model, parent, &field, &commands, env)?;
            }
        }
        Ok(ids)
    }

    /// What `default_get` gives without a context: Odoo 19's own defaults
    /// (`defaults.json`), dates and times as of now.
    pub(crate) fn defaults(&self, model: &str) -> Record {
        let defs = self.defs(model);
        let Some(Value::Object(captured)) = captured_defaults().get(model) else {
            return Map::new();
        };
        captured
            .iter()
            .filter(|(name, _)| defs.contains_key(*name) && !self.is_absent(model, name))
            .map(|(name, value)| {
                let value = match field_type(defs, name) {
                    FieldType::Date => json!(chrono::Utc::now().format("%Y-%m-%d").to_string()),
                    FieldType::Datetime => Self::now(),
                    _ => value.clone(),
                };
                (name.clone(), value)
            })
            .collect()
    }

    /// The values a context's `default_<field>` keys give a new record of `model`.
    pub(crate) fn context_defaults(&self, model: &str, env: &Env) -> Result<Record, OdooError> {
        let mut defaults = Map::new();
        for (key, value) in &env.context {
            if let Some(field) = key.strip_prefix("default_")
                && self.has_field(model, field)
            {
                defaults.insert(
                    field.to_string(),
                    self.normalize(model, field, value, None)?,
                );
            }
        }
        Ok(defaults)
    }

    pub(crate) fn existing(&self, model: &str, ids: &[i64], env: &Env) -> Result<(), OdooError> {
        let missing: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|id| self.find(model, *id).is_none())
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(OdooError::missing(model, &missing, env.uid))
        }
    }

    pub fn write(
        &mut self,
        model: &str,
        ids: &[i64],
        vals: &Record,
        env: &Env,
    ) -> Result<(), OdooError> {
        self.check_access(model, Op::Write, env)?;
        self.existing(model, ids, env)?;
        self.check_rules(model, ids, env)?;
        let (vals, line_commands) = self.line_commands(model, vals);
        let mut updated = Vec::with_capacity(ids.len());
        for id in ids {
            let Some(mut record) = self.find(model, *id).cloned() else {
                continue;
            };
            for (field, value) in &vals {
                let current = record.get(field).cloned();
                let v = self.normalize(model, field, value, current.as_ref())?;
                record.insert(field.clone(), v);
            }
            if model == "res.partner" && self.is_recursive(*id, &record) {
                return Err(OdooError::Validation(
                    "You cannot create recursive Partner hierarchies.".into(),
                ));
            }
            if record.contains_key("write_date") {
                record.insert("write_date".into(), Self::now());
            }
            if record.contains_key("write_uid") {
                record.insert("write_uid".into(), self.user_ref(env.uid));
            }
            self.recompute(model, &mut record);
            updated.push((*id, record));
        }
        if let Some(table) = self.tables.get_mut(model) {
            table.records.extend(updated);
        }
        for (field, commands) in line_commands {
            for &id in ids {
                self.run_line_commands(model, id, &field, &commands, env)?;
            }
        }
        Ok(())
    }

    /// The one2many commands of a create's or write's `vals` that make,
    /// change or delete lines (0, 1, 2), taken out; the others stay for [`x2many`].
    fn line_commands(&self, model: &str, vals: &Record) -> (Record, Vec<(String, Vec<Value>)>) {
        let defs = self.defs(model);
        let mut rest = vals.clone();
        let mut taken = Vec::new();
        for (field, value) in vals {
            let one2many = field_type(defs, field) == FieldType::One2many;
            let Value::Array(commands) = value else {
                continue;
            };
            let (lines, others): (Vec<Value>, Vec<Value>) = commands
                .iter()
                .cloned()
                .partition(|c| one2many && matches!(c.get(0).and_then(Value::as_i64), Some(0..=2)));
            if !lines.is_empty() {
                // An empty list would unlink every line.
                if others.is_empty() {
                    rest.remove(field);
                } else {
                    rest.insert(field.clone(), Value::Array(others));
                }
                taken.push((field.clone(), lines));
            }
        }
        (rest, taken)
    }

    /// Makes, changes or deletes the lines of `model` record `id`'s `field`.
    fn run_line_commands(
        &mut self,
        model: &str,
        id: i64,
        field: &str,
        commands: &[Value],
        env: &Env,
    ) -> Result<(), OdooError> {
        let relation = self.defs(model)[field]["relation"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let line_id = |c: &Value| c.get(1).and_then(Value::as_i64).unwrap_or_default();
        for command in commands {
            let values = command.get(2).and_then(Value::as_object).cloned();
            match command.get(0).and_then(Value::as_i64) {
                Some(0) => {
                    let inverse = seed::inverse_field(model, field).ok_or_else(|| {
                        OdooError::value_error(format!(
                            "the Odoo test double cannot make {model}.{field} lines (no inverse field)"
                        ))
                    })?;
                    let mut line = values.unwrap_or_default();
                    line.insert(inverse.to_string(), Value::from(id));
                    let made = self.create(&relation, &[line], env)?;
                    let link = Map::from_iter([(field.to_string(), json!([[4, made[0]]]))]);
                    self.write(model, &[id], &link, env)?;
                }
                Some(1) => self.write(
                    &relation,
                    &[line_id(command)],
                    &values.unwrap_or_default(),
                    env,
                )?,
                _ => {
                    // Written on several parents, a line is deleted once.
                    if self.find(&relation, line_id(command)).is_some() {
                        self.unlink(&relation, &[line_id(command)], env)?;
                    }
                    let unlink =
                        Map::from_iter([(field.to_string(), json!([[3, line_id(command)]]))]);
                    self.write(model, &[id], &unlink, env)?;
                }
            }
        }
        Ok(())
    }

    /// `web_save_multi` (web module, Odoo 19): each record written with its own
    /// values, in order, in one transaction (a failure undoes the records written
    /// before it), then read back as `web_read(specification)` does.
    pub fn web_save_multi(
        &mut self,
        model: &str,
        ids: &[i64],
        vals_list: &[Record],
        specification: &Record,
        env: &Env,
    ) -> Result<Value, OdooError> {
        if ids.len() != vals_list.len() {
            return Err(OdooError::value_error(
                "Each record must have a corresponding vals entry.",
            ));
        }
        let before = self.tables.get(model).map(|t| t.records.clone());
        for (id, vals) in ids.iter().zip(vals_list) {
            if let Err(error) = self.write(model, &[*id], vals, env) {
                if let (Some(before), Some(table)) = (before, self.tables.get_mut(model)) {
                    table.records = before;
                }
                return Err(error);
            }
        }
        self.web_read(model, ids, specification, env)
    }

    /// `web_read` with a flat specification: `{}` answers the ids alone (without
    /// reading), fields come as `read(load=None)` gives them (many2one as an id).
    fn web_read(
        &self,
        model: &str,
        ids: &[i64],
        specification: &Record,
        env: &Env,
    ) -> Result<Value, OdooError> {
        if specification.is_empty() {
            return Ok(Value::from(
                ids.iter().map(|id| json!({"id": id})).collect::<Vec<_>>(),
            ));
        }
        if let Some(name) = specification
            .iter()
            .find(|(_, spec)| spec.as_object().is_some_and(|s| !s.is_empty()))
            .map(|(name, _)| name)
        {
            return Err(OdooError::value_error(format!(
                "the Odoo test double reads flat specifications only; `{name}` has a nested one"
            )));
        }
        let fields: Vec<String> = specification.keys().cloned().collect();
        let defs = self.defs(model);
        let mut rows = self.read(model, ids, &fields, env)?;
        for row in rows.iter_mut().filter_map(Value::as_object_mut) {
            for (field, value) in row.iter_mut() {
                if field_type(defs, field) == FieldType::Many2one
                    && let Some(id) = value.get(0).cloned()
                {
                    *value = id;
                }
            }
        }
        Ok(Value::Array(rows))
    }

    /// True when `record` (being written as `id`) would be its own ancestor.
    fn is_recursive(&self, id: i64, record: &Record) -> bool {
        let mut parent = record
            .get("parent_id")
            .and_then(|p| p.get(0))
            .and_then(Value::as_i64);
        let mut hops = 0;
        while let Some(p) = parent {
            if p == id || hops > 100 {
                return true;
            }
            parent = self
                .find("res.partner", p)
                .and_then(|r| r.get("parent_id"))
                .and_then(|p| p.get(0))
                .and_then(Value::as_i64);
            hops += 1;
        }
        false
    }

    pub fn unlink(&mut self, model: &str, ids: &[i64], env: &Env) -> Result<(), OdooError> {
        self.check_access(model, Op::Unlink, env)?;
        self.existing(model, ids, env)?;
        if model == "res.partner" {
            let companies = self.rows("res.company")?;
            let used = companies.iter().any(|c| {
                c.get("partner_id")
                    .and_then(|p| p.get(0))
                    .and_then(Value::as_i64)
                    .is_some_and(|p| ids.contains(&p))
            });
            if used {
                return Err(OdooError::Validation(
                    "The operation cannot be completed: Another model is using the record you are trying to delete.\n\nThe troublemaker is: 'Companies' (res.company)\nThanks to the following constraint: 'Partner' (partner_id)\nHow about archiving the record instead?".into(),
                ));
            }
        }
        if let Some(table) = self.tables.get_mut(model) {
            for id in ids {
                table.records.remove(id);
            }
        }
        Ok(())
    }

    pub fn copy(
        &mut self,
        model: &str,
        ids: &[i64],
        default: &Record,
        env: &Env,
    ) -> Result<Vec<i64>, OdooError> {
        self.existing(model, ids, env)?;
        let columns = seed::seed()
            .models
            .get(model)
            .map(|s| s.columns.clone())
            .unwrap_or_default();
        let mut vals_list = Vec::new();
        for id in ids {
            let Some(record) = self.find(model, *id) else {
                continue;
            };
            let mut vals = Map::new();
            for c in &columns {
                let kind = field_type(self.defs(model), c);
                let readonly = self
                    .defs(model)
                    .get(c)
                    .and_then(|d| d.get("readonly"))
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                if readonly || kind == FieldType::One2many || c == "id" {
                    continue;
                }
                if let Some(v) = record.get(c) {
                    vals.insert(c.clone(), v.clone());
                }
            }
            if let Some(Value::String(name)) = record.get("name") {
                vals.insert("name".into(), Value::String(format!("{name} (copy)")));
            }
            vals.extend(default.iter().map(|(k, v)| (k.clone(), v.clone())));
            vals_list.push(vals);
        }
        self.create(model, &vals_list, env)
    }

    /// `message_post` on one record of a model with chatter: stores a `mail.message`
    /// (body escaped as Odoo does for plain text) and returns its id.
    pub fn message_post(
        &mut self,
        model: &str,
        ids: &[i64],
        kwargs: &Map<String, Value>,
        env: &Env,
    ) -> Result<i64, OdooError> {
        if !self.defs(model).contains_key("message_ids") {
            return Err(OdooError::UnknownMethod {
                model: model.to_string(),
                method: "message_post".into(),
            });
        }
        let [id] = ids else {
            return Err(OdooError::value_error(format!(
                "Expected singleton: {model}({})",
                ids.iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        };
        self.check_access(model, Op::Read, env)?;
        self.existing(model, ids, env)?;
        let text = |key: &str| kwargs.get(key).and_then(Value::as_str).unwrap_or_default();
        let body = text("body")
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        let subtype = match text("subtype_xmlid") {
            "mail.mt_comment" => json!([1, "Discussions"]),
            "mail.mt_note" | "" => json!([2, "Note"]),
            other => {
                return Err(OdooError::value_error(format!(
                    "External ID not found in the system: {other}"
                )));
            }
        };
        let message_type = match text("message_type") {
            "" => "notification",
            t => t,
        };
        let author = self
            .find("res.users", env.uid)
            .and_then(|u| u.get("partner_id").cloned())
            .unwrap_or(Value::Bool(false));
        let table = self
            .tables
            .entry("mail.message".into())
            .or_insert_with(|| Table {
                records: BTreeMap::new(),
                next_id: 1,
            });
        let message_id = table.next_id;
        table.next_id += 1;
        let record = json!({
            "id": message_id, "model": model, "res_id": id, "body": format!("<p>{body}</p>"),
            "message_type": message_type, "subtype_id": subtype, "author_id": author,
            "date": Self::now(),
        });
        if let Value::Object(record) = record {
            table.records.insert(message_id, record);
        }
        Ok(message_id)
    }

    // ---- metadata and name search -------------------------------------------------------

    pub fn fields_get(
        &self,
        model: &str,
        allfields: &[String],
        attributes: &[String],
        env: &Env,
    ) -> Result<Value, OdooError> {
        self.check_access(model, Op::Read, env)?;
        let mut out = Map::new();
        for (name, def) in self.defs(model) {
            if (!allfields.is_empty() && !allfields.contains(name)) || self.is_absent(model, name) {
                continue;
            }
            let mut def = match def {
                Value::Object(d) if !attributes.is_empty() => Value::Object(
                    d.iter()
                        .filter(|(k, _)| attributes.contains(k))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                ),
                other => other.clone(),
            };
            // Captured apart (`depends.json`): given when asked for.
            if attributes.iter().any(|a| a == "depends") {
                let depends = depends()
                    .get(model)
                    .and_then(|fields| fields.get(name))
                    .cloned()
                    .unwrap_or_else(|| json!([]));
                def["depends"] = depends;
            }
            out.insert(name.clone(), def);
        }
        Ok(Value::Object(out))
    }

    /// `get_views` for list and form views: the arch captured on Odoo 19 (the
    /// seeded models' lists, the business steps' wizards' forms), else a view
    /// of `display_name` alone; `list` is `tree` below 18.
    pub fn get_views(
        &self,
        model: &str,
        views: Option<&Value>,
        env: &Env,
    ) -> Result<Value, OdooError> {
        self.check_access(model, Op::Read, env)?;
        self.check_model(model)?;
        let list_type = if self.major >= 18 { "list" } else { "tree" };
        let mut out = Map::new();
        for view in views.and_then(Value::as_array).into_iter().flatten() {
            let kind = view.get(1).and_then(Value::as_str).unwrap_or_default();
            let captured: &'static Map<String, Value> = match kind {
                "form" => form_archs(),
                kind if kind == list_type => list_archs(),
                _ => {
                    return Err(OdooError::value_error(format!(
                        "Invalid view type: '{kind}'. You might have used an invalid starting tag in the architecture. Allowed types are: {list_type}, form, search, kanban"
                    )));
                }
            };
            let arch = match captured.get(model).and_then(Value::as_str) {
                Some(arch) if self.major >= 18 || kind == "form" => arch.to_string(),
                Some(arch) => arch.replace("<list", "<tree").replace("</list>", "</tree>"),
                None => format!("<{kind}><field name=\"display_name\"/></{kind}>"),
            };
            out.insert(
                kind.to_string(),
                json!({"arch": arch, "id": false, "model": model}),
            );
        }
        Ok(json!({"views": out, "models": {model: {"fields": {}}}}))
    }

    pub fn name_search(
        &self,
        model: &str,
        name: &str,
        domain: &Value,
        operator: &str,
        limit: Option<usize>,
        env: &Env,
    ) -> Result<Value, OdooError> {
        let mut terms = match domain {
            Value::Array(items) => items.clone(),
            _ => Vec::new(),
        };
        if !name.is_empty() || !matches!(operator, "ilike" | "like" | "=ilike" | "=like") {
            let leaf = json!(["display_name", operator, name]);
            if !terms.is_empty() {
                terms.insert(0, Value::String("&".into()));
            }
            terms.push(leaf);
        }
        let ids = self.search(model, &Value::Array(terms), 0, limit, None, env)?;
        Ok(Value::Array(
            ids.into_iter()
                .map(|id| json!([id, self.name_of(model, id)]))
                .collect(),
        ))
    }
}

/// The operator text of the leaf on `field`, for an error message.
fn op_text(domain: &Value, field: &str) -> Value {
    domain
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .find(|i| i.get(0).and_then(Value::as_str) == Some(field))
        })
        .and_then(|leaf| leaf.get(1).cloned())
        .unwrap_or(Value::String("=".into()))
}

/// An x2many value after applying ids or commands to `current`.
fn x2many(value: &Value, current: Option<&Value>) -> Option<Value> {
    let mut ids: Vec<i64> = current
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    match value {
        Value::Null | Value::Bool(false) => return Some(Value::Array(Vec::new())),
        Value::Array(items) if items.iter().all(Value::is_i64) => {
            return Some(Value::from(
                items.iter().filter_map(Value::as_i64).collect::<Vec<_>>(),
            ));
        }
        Value::Array(commands) => {
            for command in commands {
                let c = command.as_array()?;
                match c.first()?.as_i64()? {
                    6 => {
                        ids = c
                            .get(2)?
                            .as_array()?
                            .iter()
                            .filter_map(Value::as_i64)
                            .collect()
                    }
                    5 => ids.clear(),
                    4 => {
                        let id = c.get(1)?.as_i64()?;
                        if !ids.contains(&id) {
                            ids.push(id);
                        }
                    }
                    3 => {
                        let id = c.get(1)?.as_i64()?;
                        ids.retain(|x| *x != id);
                    }
                    _ => return None,
                }
            }
        }
        _ => return None,
    }
    Some(Value::from(ids))
}

/// A total order for sorting (`sort_by` panics on one that is not): values of one
/// kind as Odoo compares them, mixed kinds (left by odd writes) by kind.
fn total_order(a: &Value, b: &Value) -> Ordering {
    let kind = |v: &Value| match v {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    };
    match (a, b) {
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_))
            if kind(a) == kind(b) =>
        {
            a.to_string().cmp(&b.to_string())
        }
        _ if kind(a) == kind(b) => domain::compare(a, b).unwrap_or(Ordering::Equal),
        _ => kind(a).cmp(&kind(b)),
    }
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn mixed_kinds_sort_without_panic_and_by_kind() {
        let mut values: Vec<Value> = (0..64)
            .map(|i| match i % 6 {
                0 => json!(i),
                1 => json!(format!("s{i}")),
                2 => json!(i % 4 == 1),
                3 => json!([i, "x"]),
                4 => json!({"k": i}),
                _ => json!(f64::from(i) / 3.0),
            })
            .collect();
        values.sort_by(total_order);
        let kinds: Vec<u8> = values
            .iter()
            .map(|v| match v {
                Value::Bool(_) => 1,
                Value::Number(_) => 2,
                Value::String(_) => 3,
                Value::Array(_) => 4,
                _ => 5,
            })
            .collect();
        assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "{values:?}");
        let numbers: Vec<f64> = values.iter().filter_map(Value::as_f64).collect();
        assert!(numbers.windows(2).all(|w| w[0] <= w[1]), "{numbers:?}");
    }
}
