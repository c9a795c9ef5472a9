//! The captured Odoo 19 data, parsed once per process and shared by every double.
//!
//! `records/` and `fields_get/` (about 1.5 MB) and `ir_model.json` load on first use of
//! any double; the 9.5 MB `ir_model_fields.json` and the selection values load only
//! when something asks for them (`ir.model.fields` queries, `fields_get` of a model
//! without its own `fields_get/` capture).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use odoo_client::registry::FieldType;
use serde_json::{Map, Value};

use crate::fixture;

pub(crate) type Record = Map<String, Value>;

/// The 13 models captured with records and `fields_get`.
pub(crate) const SEEDED_MODELS: [&str; 13] = [
    "res.partner",
    "res.users",
    "crm.lead",
    "sale.order",
    "sale.order.line",
    "product.product",
    "product.template",
    "account.move",
    "stock.picking",
    "project.task",
    "hr.employee",
    "res.company",
    "res.country",
];

pub(crate) struct Seed {
    pub models: BTreeMap<String, SeedModel>,
    /// Every `ir.model` record, by model name.
    pub ir_model: Vec<Record>,
    ir_model_index: HashMap<String, usize>,
    /// Display names seen in many2one values anywhere: `(model, id) -> name`.
    pub names: HashMap<(String, i64), String>,
}

pub(crate) struct SeedModel {
    /// `fields_get` as captured.
    pub fields: Map<String, Value>,
    /// The stored fields every record carries.
    pub columns: Vec<String>,
    pub records: Vec<Record>,
    /// Values a new record starts from (audit fields and `name` excluded).
    pub defaults: Record,
}

impl Seed {
    pub fn ir_model(&self, model: &str) -> Option<&Record> {
        self.ir_model_index.get(model).map(|i| &self.ir_model[*i])
    }

    /// `_order` of the model, `id` when unknown.
    pub fn default_order(&self, model: &str) -> String {
        self.ir_model(model)
            .and_then(|m| m.get("order"))
            .and_then(Value::as_str)
            .unwrap_or("id")
            .to_string()
    }

    /// The model's label (`Contact` for res.partner).
    pub fn description(&self, model: &str) -> String {
        self.ir_model(model)
            .and_then(|m| m.get("name"))
            .and_then(Value::as_str)
            .unwrap_or(model)
            .to_string()
    }
}

fn records_of(value: Value) -> Vec<Record> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::Object(m) => Some(m),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn seed() -> &'static Seed {
    static SEED: OnceLock<Seed> = OnceLock::new();
    SEED.get_or_init(build_seed)
}

fn build_seed() -> Seed {
    let ir_model = records_of(fixture("ir_model.json"));
    let ir_model_index = ir_model
        .iter()
        .enumerate()
        .filter_map(|(i, m)| Some((m.get("model")?.as_str()?.to_string(), i)))
        .collect();
    let mut models = BTreeMap::new();
    for model in SEEDED_MODELS {
        let fields = match fixture(&format!("fields_get/{model}.json")) {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let captured: Value = fixture(&format!("records/{model}.json"));
        let mut columns: Vec<String> = captured
            .get("fields")
            .and_then(Value::as_array)
            .map(|f| {
                f.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let records = records_of(captured.get("records").cloned().unwrap_or_default());
        if fields.contains_key("name") && !columns.iter().any(|c| c == "name") {
            columns.push("name".into());
        }
        let defaults = defaults_for(&fields, &columns, &records);
        models.insert(
            model.to_string(),
            SeedModel {
                fields,
                columns,
                records,
                defaults,
            },
        );
    }
    fill_user_names(&mut models);
    let names = index_names(&models);
    Seed {
        models,
        ir_model,
        ir_model_index,
        names,
    }
}

/// res.users `name` is related to its partner and was not captured: take the partner's.
fn fill_user_names(models: &mut BTreeMap<String, SeedModel>) {
    let partner_names: HashMap<i64, String> = models
        .get("res.partner")
        .map(|p| {
            p.records
                .iter()
                .filter_map(|r| {
                    Some((r.get("id")?.as_i64()?, r.get("name")?.as_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    if let Some(users) = models.get_mut("res.users") {
        for user in &mut users.records {
            if user.get("name").is_some_and(Value::is_string) {
                continue;
            }
            let partner = user.get("partner_id").and_then(Value::as_array);
            let name = partner
                .and_then(|p| p.first()?.as_i64())
                .and_then(|id| partner_names.get(&id).cloned())
                .or_else(|| partner.and_then(|p| p.get(1)?.as_str().map(str::to_string)))
                .or_else(|| user.get("login")?.as_str().map(str::to_string))
                .unwrap_or_default();
            user.insert("name".into(), Value::String(name));
        }
    }
}

fn index_names(models: &BTreeMap<String, SeedModel>) -> HashMap<(String, i64), String> {
    let mut names = HashMap::new();
    for (model, seed) in models {
        for record in &seed.records {
            for (field, value) in record {
                let relation = seed
                    .fields
                    .get(field)
                    .filter(|d| def_type(d) == FieldType::Many2one)
                    .and_then(|d| d.get("relation"))
                    .and_then(Value::as_str);
                if let (Some(relation), Some([Value::Number(id), Value::String(name)])) =
                    (relation, value.as_array().map(Vec::as_slice))
                    && let Some(id) = id.as_i64()
                {
                    names.insert((relation.to_string(), id), name.clone());
                }
            }
        }
        for record in &seed.records {
            if let Some(id) = record.get("id").and_then(Value::as_i64) {
                names.insert((model.clone(), id), display_name(model, record));
            }
        }
    }
    names
}

/// Odoo's `display_name`: `complete_name` or `name`, else `model,id`.
pub(crate) fn display_name(model: &str, record: &Record) -> String {
    for key in ["display_name", "complete_name", "name"] {
        if let Some(Value::String(s)) = record.get(key)
            && !s.is_empty()
        {
            return s.clone();
        }
    }
    let id = record.get("id").and_then(Value::as_i64).unwrap_or_default();
    format!("{model},{id}")
}

/// The type of `field` in a model's `fields_get` definitions; an unknown
/// field has the empty type name.
pub(crate) fn field_type(fields: &Map<String, Value>, field: &str) -> FieldType {
    fields.get(field).map_or(FieldType::parse(""), def_type)
}

/// The type of one field's `fields_get` definition.
pub(crate) fn def_type(def: &Value) -> FieldType {
    FieldType::parse(def.get("type").and_then(Value::as_str).unwrap_or(""))
}

/// The empty value of a field type as Odoo reads it.
pub(crate) fn empty_value(kind: FieldType) -> Value {
    match kind {
        FieldType::Integer => Value::from(0),
        FieldType::Float | FieldType::Monetary => Value::from(0.0),
        FieldType::One2many | FieldType::Many2many => Value::Array(Vec::new()),
        FieldType::Properties => Value::Array(Vec::new()),
        _ => Value::Bool(false),
    }
}

const AUDIT: [&str; 5] = ["id", "create_date", "create_uid", "write_date", "write_uid"];

/// Defaults of a new record: empty values, `active` true, required many2one and
/// selection fields from the data (the seeded company, the usual state, …).
fn defaults_for(fields: &Map<String, Value>, columns: &[String], records: &[Record]) -> Record {
    let mut defaults = Map::new();
    for column in columns {
        if AUDIT.contains(&column.as_str()) || column == "name" {
            continue;
        }
        let def = fields.get(column);
        let kind = field_type(fields, column);
        let required = def
            .and_then(|d| d.get("required"))
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let seeded: Vec<&Value> = records.iter().filter_map(|r| r.get(column)).collect();
        let all_set = !seeded.is_empty() && seeded.iter().all(|v| !super::domain::is_empty(v));
        let value = match kind {
            _ if column == "active" => Value::Bool(true),
            FieldType::Selection if all_set => most_common(&seeded),
            FieldType::Selection if required => def
                .and_then(|d| d.get("selection"))
                .and_then(|s| s.get(0)?.get(0).cloned())
                .unwrap_or(Value::Bool(false)),
            FieldType::Many2one if required && all_set => most_common(&seeded),
            FieldType::Char if required => Value::String("New".into()),
            other => empty_value(other),
        };
        defaults.insert(column.clone(), value);
    }
    defaults
}

fn most_common(values: &[&Value]) -> Value {
    let mut counts: Vec<(&Value, usize)> = Vec::new();
    for v in values {
        match counts.iter_mut().find(|(seen, _)| seen == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(v, _)| v.clone())
        .unwrap_or(Value::Bool(false))
}

/// Every `ir.model.fields` record (9.5 MB, parsed on first use only).
pub(crate) fn ir_fields() -> &'static [Record] {
    static FIELDS: OnceLock<Vec<Record>> = OnceLock::new();
    FIELDS.get_or_init(|| records_of(fixture("ir_model_fields.json")))
}

/// Every `ir.model.fields.selection` record.
pub(crate) fn ir_selections() -> &'static [Record] {
    static SELECTIONS: OnceLock<Vec<Record>> = OnceLock::new();
    SELECTIONS.get_or_init(|| records_of(fixture("ir_model_fields_selection.json")))
}

/// `fields_get`-shaped definitions for models without a `fields_get/` capture,
/// derived from `ir.model.fields` and its selection values.
pub(crate) fn derived_fields(model: &str) -> Option<&'static Map<String, Value>> {
    static DERIVED: OnceLock<HashMap<String, Map<String, Value>>> = OnceLock::new();
    DERIVED
        .get_or_init(|| {
            let mut selections: HashMap<i64, Vec<(i64, Value)>> = HashMap::new();
            for s in ir_selections() {
                let field_id = s
                    .get("field_id")
                    .and_then(|f| f.get(0))
                    .and_then(Value::as_i64);
                if let (Some(field_id), Some(value), Some(name)) =
                    (field_id, s.get("value"), s.get("name"))
                {
                    let sequence = s.get("sequence").and_then(Value::as_i64).unwrap_or(0);
                    selections
                        .entry(field_id)
                        .or_default()
                        .push((sequence, Value::Array(vec![value.clone(), name.clone()])));
                }
            }
            let mut out: HashMap<String, Map<String, Value>> = HashMap::new();
            for f in ir_fields() {
                let (Some(model), Some(name)) = (
                    f.get("model").and_then(Value::as_str),
                    f.get("name").and_then(Value::as_str),
                ) else {
                    continue;
                };
                let mut def = Map::new();
                let get = |k: &str| f.get(k).cloned().unwrap_or(Value::Bool(false));
                def.insert("string".into(), get("field_description"));
                def.insert("type".into(), get("ttype"));
                def.insert("required".into(), get("required"));
                def.insert("readonly".into(), get("readonly"));
                def.insert("store".into(), get("store"));
                if let Some(Value::String(help)) = f.get("help") {
                    def.insert("help".into(), Value::String(help.clone()));
                }
                if let Some(Value::String(relation)) = f.get("relation") {
                    def.insert("relation".into(), Value::String(relation.clone()));
                }
                if let Some(mut values) = f
                    .get("id")
                    .and_then(Value::as_i64)
                    .and_then(|id| selections.remove(&id))
                {
                    values.sort_by_key(|(seq, _)| *seq);
                    def.insert(
                        "selection".into(),
                        Value::Array(values.into_iter().map(|(_, v)| v).collect()),
                    );
                }
                out.entry(model.to_string())
                    .or_default()
                    .insert(name.to_string(), Value::Object(def));
            }
            out
        })
        .get(model)
}

/// The many2one a one2many `model.field` is the inverse of (`relation_field`).
pub(crate) fn inverse_field(model: &str, field: &str) -> Option<&'static str> {
    ir_fields()
        .iter()
        .find(|f| {
            f.get("model").and_then(Value::as_str) == Some(model)
                && f.get("name").and_then(Value::as_str) == Some(field)
        })?
        .get("relation_field")?
        .as_str()
}

/// Position by id in one of the shared read-only tables (dotted domains on
/// `ir.model.fields.selection` look up thousands of `ir.model.fields` rows).
pub(crate) fn id_index(model: &str, rows: &'static [Record]) -> &'static HashMap<i64, usize> {
    static INDEXES: OnceLock<std::sync::Mutex<HashMap<String, &'static HashMap<i64, usize>>>> =
        OnceLock::new();
    let mut indexes = INDEXES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    indexes.entry(model.to_string()).or_insert_with(|| {
        let index = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| Some((r.get("id")?.as_i64()?, i)))
            .collect();
        // Built once per model per process; leaked like the tables it indexes.
        Box::leak(Box::new(index))
    })
}
