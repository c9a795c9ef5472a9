//! The tool catalog: generic tools named as the Python server names them, and
//! up to six typed tools per generated model. Built once; `tools/list` hands out
//! the same `Arc`ed schemas every time.

use std::collections::HashMap;
use std::sync::Arc;

use odoo_client::registry::{FieldDescriptor, ModelDescriptor};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use crate::settings::{Access, Limits, SchemaDetail, TypedTools};

pub mod extra;

/// What a tool does; generic and typed tools share the implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Search,
    Get,
    Create,
    Update,
    Delete,
    ListModels,
    /// The tools beyond the generic six (tools/extra.rs).
    Extra(extra::ExtraOp),
}

impl Op {
    pub fn writes(self) -> bool {
        match self {
            Op::Extra(op) => op.writes(),
            op => matches!(op, Op::Create | Op::Update | Op::Delete),
        }
    }
}

/// One callable tool.
#[derive(Debug, Clone)]
pub struct Entry {
    pub op: Op,
    /// The model of a typed tool; `None` for generic tools.
    pub model: Option<&'static ModelDescriptor>,
    pub tool: Tool,
    /// What arguments are checked against: the listed input schema, or a
    /// fuller one when the listed one is shortened (typed update).
    pub check_schema: Arc<JsonObject>,
}

/// Every tool, and the ones `tools/list` shows under the current access level.
#[derive(Debug)]
pub struct Catalog {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    listed: Vec<Tool>,
}

impl Catalog {
    pub fn build(models: &'static [ModelDescriptor], access: Access, shape: Shape) -> Self {
        let limits = shape.limits;
        let mut entries = generic_tools(limits);
        for descriptor in models {
            entries.extend(typed_tools(descriptor, &shape));
        }
        entries.extend(extra::tools(limits));
        extra::add_dry_run(&mut entries);
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.tool.name.to_string(), i))
            .collect();
        // Read-only mode hides write tools (and refuses them by name at call time).
        let listed = entries
            .iter()
            .filter(|e| access.allows_writes() || !e.op.writes())
            .map(|e| e.tool.clone())
            .collect();
        Self {
            entries,
            by_name,
            listed,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    pub fn listed(&self) -> &[Tool] {
        &self.listed
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.listed.iter().map(|t| t.name.as_ref())
    }
}

fn object(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(Map::new()),
    }
}

fn annotations(op: Op, title: String) -> ToolAnnotations {
    op_hints(op, ToolAnnotations::with_title(title))
}

fn op_hints(op: Op, base: ToolAnnotations) -> ToolAnnotations {
    let base = base.open_world(false);
    match op {
        Op::Search | Op::Get | Op::ListModels => base.read_only(true),
        Op::Create => base.read_only(false).destructive(false).idempotent(false),
        Op::Update => base.read_only(false).destructive(true).idempotent(true),
        Op::Delete => base.read_only(false).destructive(true).idempotent(true),
        Op::Extra(op) => op.annotations(base),
    }
}

fn tool(
    name: String,
    description: String,
    op: Op,
    title: String,
    input: Value,
    output: Value,
) -> Tool {
    Tool::new(name, description, object(input))
        .with_raw_output_schema(object(output))
        .with_annotations(annotations(op, title))
}

/// The `domain` argument, described once for every search tool.
///
/// Strict-client safe (every array has `items`, no type unions): an item is
/// an operator string or a condition whose value is a scalar or a list (a list
/// of scalars, or a condition of an `any` sub-domain). `domain_arg` checks the
/// structure itself first.
pub fn domain_schema() -> Value {
    json!({
        "type": "array",
        "description": "Odoo domain: [field, operator, value] conditions, AND-ed; prefix \"|\" (or) or \"!\" (not). E.g. [[\"name\",\"ilike\",\"acme\"]]",
        "items": {"anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"anyOf": [
                {"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "null"},
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}, {"type": "null"}]}}
            ]}}
        ]}
    })
}

fn limit_schema(limits: Limits) -> Value {
    json!({
        "type": "integer", "minimum": 1,
        "description": format!("Max records (default {}, at most {}; larger values are clamped)", limits.default, limits.max)
    })
}

fn search_meta_properties() -> Map<String, Value> {
    let props = json!({
        "model": {"type": "string"},
        "count": {"type": "integer"},
        "offset": {"type": "integer"},
        "limit": {"type": "integer"},
        "more": {"type": "boolean", "description": "More records match: call again with next_offset"},
        "next_offset": {"type": "integer"},
        "total": {"type": "integer"},
        "fields": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "array", "items": {"type": "string"}}
    });
    match props {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// What a create/update/delete tool answers: the record's id and `flag`, or
/// with `dry_run` the checked plan. Nothing is required: a planned create has
/// no id yet, and clients (the MCP Python SDK) refuse an answer that lacks a
/// required key.
fn write_output(flag: &str) -> Value {
    let mut props = Map::new();
    props.insert("model".into(), json!({"type": "string"}));
    props.insert("id".into(), json!({"type": "integer"}));
    props.insert(flag.into(), json!({"type": "boolean"}));
    extra::dry_run_output(&mut props);
    json!({"type": "object", "properties": props})
}

fn generic_tools(limits: Limits) -> Vec<Entry> {
    let model = json!({"type": "string", "description": "Technical model name, e.g. res.partner"});
    let record_id = json!({"type": "integer", "minimum": 1, "description": "Record id"});
    // One plain type: MCP Inspector's CLI parses an argument as JSON only then.
    let fields = json!({
        "type": "array", "items": {"type": "string"},
        "description": "Fields to return; omit for a compact default set, [\"__all__\"] for every non-binary field"
    });
    let values = json!({"type": "object", "description": "Field values, e.g. {\"name\": \"Acme\", \"email\": \"a@acme.com\"}"});
    let record_out = json!({"type": "object", "properties": {"model": {"type": "string"}, "record": {"type": "object"}, "notes": {"type": "array", "items": {"type": "string"}}}, "required": ["record"]});
    let mut search_out = search_meta_properties();
    search_out.insert(
        "records".into(),
        json!({"type": "array", "items": {"type": "object"}}),
    );
    let entry =
        |name: &str, op: Op, title: &str, description: &str, input: Value, output: Value| {
            // Listed as an array only, `fields: null` is still taken (the default set).
            let check = input
                .get("properties")
                .and_then(|p| p.get("fields"))
                .map(|_| {
                    let mut check = input.clone();
                    check["properties"]["fields"]["type"] = json!(["array", "null"]);
                    object(check)
                });
            let tool = tool(
                name.into(),
                description.into(),
                op,
                title.into(),
                input,
                output,
            );
            Entry {
                op,
                model: None,
                check_schema: check.unwrap_or_else(|| tool.input_schema.clone()),
                tool,
            }
        };
    vec![
        entry(
            "search_records",
            Op::Search,
            "Search records",
            "Search records of an Odoo model. Without `fields`, returns a compact default set and names the other fields. Page with `offset`.",
            json!({
                "type": "object",
                "properties": {
                    "model": model, "domain": domain_schema(), "fields": fields,
                    "limit": limit_schema(limits),
                    "offset": {"type": "integer", "minimum": 0},
                    "order": {"type": "string", "description": "Sort, e.g. \"name asc, id desc\""},
                    "count": {"type": "boolean", "description": "Also return the total number of matches"}
                },
                "required": ["model"], "additionalProperties": false
            }),
            json!({"type": "object", "properties": search_out, "required": ["records"]}),
        ),
        entry(
            "get_record",
            Op::Get,
            "Get a record",
            "Read one record by id.",
            json!({
                "type": "object",
                "properties": {"model": model, "record_id": record_id, "fields": fields},
                "required": ["model", "record_id"], "additionalProperties": false
            }),
            record_out,
        ),
        entry(
            "list_models",
            Op::ListModels,
            "List models",
            "List the Odoo models this server can reach, with their labels.",
            json!({
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "Keep models whose name or label contains this text"},
                    "refresh": {"type": "boolean", "description": "Forget cached model and field metadata first"}
                },
                "additionalProperties": false
            }),
            json!({
                "type": "object",
                "properties": {
                    "models": {"type": "array", "items": {"type": "object", "properties": {"model": {"type": "string"}, "name": {"type": "string"}}}},
                    "count": {"type": "integer"},
                    "notes": {"type": "array", "items": {"type": "string"}}
                },
                "required": ["models"]
            }),
        ),
        entry(
            "create_record",
            Op::Create,
            "Create a record",
            "Create one record; returns its id.",
            json!({
                "type": "object",
                "properties": {"model": model, "values": values},
                "required": ["model", "values"], "additionalProperties": false
            }),
            write_output("created"),
        ),
        entry(
            "update_record",
            Op::Update,
            "Update a record",
            "Write field values on one record.",
            json!({
                "type": "object",
                "properties": {"model": model, "record_id": record_id, "values": values},
                "required": ["model", "record_id", "values"], "additionalProperties": false
            }),
            write_output("updated"),
        ),
        entry(
            "delete_record",
            Op::Delete,
            "Delete a record",
            "Delete one record.",
            json!({
                "type": "object",
                "properties": {"model": model, "record_id": record_id},
                "required": ["model", "record_id"], "additionalProperties": false
            }),
            write_output("deleted"),
        ),
    ]
}

/// What the catalog builds and how much of the generated schemas it lists.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub limits: Limits,
    pub typed: TypedTools,
    pub detail: SchemaDetail,
}

/// Replaces every `$ref` into the root's `$defs` by the definition itself and
/// drops `$defs`/`$schema`: strict clients (OpenAI strict mode, Gemini) take
/// no references. Sibling keys of a `$ref` (its description) win.
pub fn inline_refs(schema: Value) -> Value {
    let Value::Object(mut root) = schema else {
        return schema;
    };
    root.remove("$schema");
    let mut defs = Map::new();
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(inner)) = root.remove(key) {
            defs.extend(inner);
        }
    }
    let mut value = Value::Object(root);
    resolve(&mut value, &defs, 0);
    value
}

fn resolve(value: &mut Value, defs: &Map<String, Value>, depth: usize) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let name = reference.rsplit('/').next().unwrap_or_default();
                // Recursive types stop at a plain object rather than loop.
                let target = match defs.get(name) {
                    Some(Value::Object(def)) if depth < 8 => def.clone(),
                    _ => json!({"type": "object"})
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                };
                map.remove("$ref");
                for (key, def_value) in target {
                    map.entry(key).or_insert(def_value);
                }
                for child in map.values_mut() {
                    resolve(child, defs, depth + 1);
                }
                return;
            }
            for child in map.values_mut() {
                resolve(child, defs, depth);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve(v, defs, depth)),
        _ => {}
    }
}

/// Longest description kept in a listed input schema in full detail.
const MAX_DESCRIPTION: usize = 120;
/// Longest label kept in a compact schema.
const MAX_LABEL: usize = 60;
/// Selections with more values are listed without their values in compact
/// detail (e.g. 90 Peppol codes); the call is still checked against them.
const MAX_COMPACT_ENUM: usize = 40;

fn shorten_descriptions(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::String(text)) = map.get_mut("description")
                && text.chars().count() > MAX_DESCRIPTION
            {
                let cut: String = text.chars().take(MAX_DESCRIPTION).collect();
                let end = cut.rfind(", ").unwrap_or(cut.len());
                *text = format!("{}, …", &cut[..end]);
            }
            for value in map.values_mut() {
                shorten_descriptions(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(shorten_descriptions),
        _ => {}
    }
}

/// Gives an untyped property (a JSON field, any value) the type `object`:
/// strict clients want a type on every schema. Only the listing: the check
/// schema still takes any value.
fn type_untyped(schema: &mut Value) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        for property in properties.values_mut() {
            if let Value::Object(map) = property
                && !map.contains_key("type")
                && !map.contains_key("anyOf")
            {
                map.insert("type".into(), json!("object"));
            }
        }
    }
}

/// An output schema keeps the shape (types, properties) and drops what only
/// an input needs: descriptions, titles, formats and enum lists.
fn compact_output(mut schema: Value) -> Value {
    fn strip(value: &mut Value, in_properties: bool) {
        match value {
            Value::Object(map) => {
                if !in_properties {
                    for key in [
                        "description",
                        "title",
                        "examples",
                        "default",
                        "enum",
                        "const",
                        "format",
                    ] {
                        map.remove(key);
                    }
                }
                for (key, child) in map.iter_mut() {
                    strip(child, !in_properties && key == "properties");
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, false)),
            _ => {}
        }
    }
    strip(&mut schema, false);
    schema
}

/// Lowercase words of a name or label, for comparing them.
fn words(text: &str) -> String {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The short label a compact property carries: Odoo's label when the field
/// name does not already say it, and the related model when the name does
/// not hint at it. `None` when the name says everything.
fn compact_label(field: &FieldDescriptor) -> Option<String> {
    let stem = field
        .name
        .strip_suffix("_ids")
        .or_else(|| field.name.strip_suffix("_id"))
        .unwrap_or(field.name);
    let mut label = (words(field.label) != words(stem)).then(|| field.label.to_string());
    if let Some(relation) = field.relation {
        let last = relation.rsplit('.').next().unwrap_or(relation);
        let singular = last.strip_suffix('s').unwrap_or(last);
        if !stem.contains(singular) {
            let text = format!("{relation} id");
            label = Some(match label {
                Some(l) => format!("{l} ({text})"),
                None => text,
            });
        }
    }
    label.map(|l| {
        if l.chars().count() > MAX_LABEL {
            let mut cut: String = l.chars().take(MAX_LABEL - 1).collect();
            cut.push('…');
            cut
        } else {
            l
        }
    })
}

/// A property of an inlined generated schema, reduced to what a call needs:
/// one type (nullable is implied by not being required), the enum, array
/// items, date formats, and a short label.
fn compact_property(full: &Value, field: Option<&FieldDescriptor>) -> Value {
    let core = match full.get("anyOf").and_then(Value::as_array) {
        Some(branches) => branches
            .iter()
            .find(|b| b.get("type").and_then(Value::as_str) != Some("null"))
            .unwrap_or(full),
        None => full,
    };
    let kind = match core.get("type") {
        Some(Value::String(t)) => Some(t.as_str()),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    };
    let values = core.get("enum").and_then(Value::as_array);
    let kind = kind.unwrap_or(if values.is_some() { "string" } else { "object" });
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    let mut label = field.and_then(compact_label);
    match values {
        Some(values) if values.len() <= MAX_COMPACT_ENUM => {
            let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
            out.insert("enum".into(), json!(values));
        }
        Some(values) => {
            let base = label.unwrap_or_else(|| field.map(|f| f.label).unwrap_or("").to_string());
            label = Some(format!(
                "{base}: one of {} codes (get_fields)",
                values.len()
            ));
        }
        None => {}
    }
    if kind == "array" {
        let items = core
            .get("items")
            .map(|i| compact_property(i, None))
            .unwrap_or_else(|| json!({"type": "integer"}));
        out.insert("items".into(), items);
    }
    if let Some(format) = core.get("format").and_then(Value::as_str)
        && matches!(format, "date" | "date-time")
    {
        out.insert("format".into(), json!(format));
    }
    if let Some(label) = label {
        out.insert("description".into(), json!(label));
    }
    Value::Object(out)
}

/// Whether a compact payload lists a property, given its name and whether it is required.
type KeepProperty<'a> = &'a dyn Fn(&str, bool) -> bool;

/// A compact object schema of a write payload: `keep` picks the listed
/// properties (all of them when it is `None`); `required` is kept for creates.
fn compact_payload(
    d: &ModelDescriptor,
    full: &Value,
    keep: Option<KeepProperty>,
    with_required: bool,
) -> Value {
    let required: Vec<&str> = full
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut properties = Map::new();
    let mut all = true;
    if let Some(Value::Object(props)) = full.get("properties") {
        for (name, schema) in props {
            if keep.is_some_and(|keep| !keep(name, required.contains(&name.as_str()))) {
                all = false;
                continue;
            }
            properties.insert(name.clone(), compact_property(schema, d.field(name)));
        }
    }
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert("properties".into(), Value::Object(properties));
    if with_required && !required.is_empty() {
        out.insert("required".into(), json!(required));
    }
    // A shortened list must not stop a client from sending the other fields.
    if all {
        out.insert("additionalProperties".into(), json!(false));
    }
    Value::Object(out)
}

/// The create payload's properties a compact listing shows: required fields
/// and the compact default read set (what an assistant reads, it writes).
fn main_fields(d: &ModelDescriptor) -> Vec<String> {
    crate::model_fields::ModelFields::from_descriptor(d).defaults
}

fn typed_tools(d: &'static ModelDescriptor, shape: &Shape) -> Vec<Entry> {
    let kit = TypedKit::new(d, shape);
    let typed = shape.typed;
    let mut out = Vec::new();
    if typed.search {
        out.push(typed_search(&kit));
    }
    if typed.get {
        out.push(typed_get(&kit));
    }
    if typed.aggregate {
        out.push(typed_aggregate(&kit));
    }
    if typed.create {
        out.extend(typed_create(&kit));
    }
    if typed.update {
        out.extend(typed_update(&kit));
    }
    if typed.delete {
        out.push(typed_delete(&kit));
    }
    out
}

/// What the typed tools of one model share: the model, the listing shape and
/// the schema pieces several tools repeat.
struct TypedKit<'a> {
    d: &'static ModelDescriptor,
    shape: &'a Shape,
    full: bool,
    fields_enum: Value,
    record_id: Value,
}

impl<'a> TypedKit<'a> {
    fn new(d: &'static ModelDescriptor, shape: &'a Shape) -> Self {
        let full = shape.detail == SchemaDetail::Full;
        let names: Vec<&str> = d.fields.iter().map(|f| f.name).collect();
        let fields_enum = json!({
            "type": "array", "items": {"type": "string", "enum": names},
            "description": if full { "Fields to return; omit for a compact default set" } else { "Omit for a default set" }
        });
        let record_id =
            json!({"type": "integer", "minimum": 1, "description": format!("{} id", d.label)});
        Self {
            d,
            shape,
            full,
            fields_enum,
            record_id,
        }
    }

    /// The schema of one read record: the model's fields in full detail, any object otherwise.
    fn read_record(&self) -> Value {
        if self.full {
            let mut record = inline_refs(Value::from((self.d.read_schema)()));
            if let Some(map) = record.as_object_mut() {
                // Records may carry a subset of the fields.
                map.remove("required");
            }
            compact_output(record)
        } else {
            json!({"type": "object"})
        }
    }

    /// Builds the entry of `<prefix>_<suffix>` (titled "<Suffix> <label>" in
    /// full detail); `check` replaces the listed
    /// input schema as what arguments are checked against.
    fn entry(
        &self,
        suffix: &str,
        op: Op,
        description: String,
        input: Value,
        output: Value,
        check: Option<Value>,
    ) -> Entry {
        let d = self.d;
        let mut tool = Tool::new(
            format!("{}_{suffix}", d.tool_prefix),
            description,
            object(input),
        )
        .with_raw_output_schema(object(output));
        // Titles and long descriptions only in full detail: the name says it.
        let base = if self.full {
            ToolAnnotations::with_title(format!("{} {}", capitalized(suffix), d.label))
        } else {
            ToolAnnotations::new()
        };
        tool = tool.with_annotations(op_hints(op, base));
        Entry {
            op,
            model: Some(d),
            check_schema: check
                .map(object)
                .unwrap_or_else(|| tool.input_schema.clone()),
            tool,
        }
    }
}

fn typed_search(kit: &TypedKit) -> Entry {
    let (d, full) = (kit.d, kit.full);
    let mut search_out = if full {
        search_meta_properties()
    } else {
        // The shape only; the other keys are search_records' and allowed.
        let props = json!({"more": {"type": "boolean"}, "next_offset": {"type": "integer"}, "total": {"type": "integer"}});
        props.as_object().cloned().unwrap_or_default()
    };
    search_out.insert(
        "records".into(),
        json!({"type": "array", "items": kit.read_record()}),
    );
    let mut domain = domain_schema();
    if let (false, Some(map)) = (full, domain.as_object_mut()) {
        map.remove("description");
    }
    let (description, limit, order, count) = if full {
        (
            format!("Search {} ({}) records.", d.label, d.model),
            limit_schema(kit.shape.limits),
            json!({"type": "string", "description": "Sort, e.g. \"name asc, id desc\""}),
            json!({"type": "boolean", "description": "Also return the total number of matches"}),
        )
    } else {
        (
            format!(
                "Search {} ({}); arguments as search_records.",
                d.label, d.model
            ),
            json!({"type": "integer", "minimum": 1}),
            json!({"type": "string"}),
            json!({"type": "boolean"}),
        )
    };
    kit.entry(
        "search",
        Op::Search,
        description,
        json!({
            "type": "object",
            "properties": {
                "domain": domain, "fields": kit.fields_enum,
                "limit": limit,
                "offset": {"type": "integer", "minimum": 0},
                "order": order, "count": count
            },
            "additionalProperties": false
        }),
        json!({"type": "object", "properties": search_out, "required": ["records"]}),
        None,
    )
}

fn typed_get(kit: &TypedKit) -> Entry {
    let d = kit.d;
    // The field names are listed once, by the search tool.
    let fields = if kit.shape.typed.search && !kit.full {
        json!({"type": "array", "items": {"type": "string"}, "description": format!("Names as in {}_search; omit for a default set", d.tool_prefix)})
    } else {
        kit.fields_enum.clone()
    };
    kit.entry(
        "get",
        Op::Get,
        format!("Read one {} ({}) by id.", d.label, d.model),
        json!({
            "type": "object",
            "properties": {"record_id": kit.record_id, "fields": fields},
            "required": ["record_id"], "additionalProperties": false
        }),
        json!({"type": "object", "properties": {"model": {"type": "string"}, "record": kit.read_record(), "notes": {"type": "array", "items": {"type": "string"}}}, "required": ["record"]}),
        None,
    )
}

fn typed_aggregate(kit: &TypedKit) -> Entry {
    let (description, input) = extra::typed_aggregate(kit.d, kit.shape.limits, kit.full);
    kit.entry(
        "aggregate",
        Op::Extra(extra::ExtraOp::Aggregate),
        description,
        input,
        extra::aggregate_output(),
        None,
    )
}

/// `None` when the model has no create schema.
fn typed_create(kit: &TypedKit) -> Option<Entry> {
    let d = kit.d;
    let create_schema = d.create_schema?;
    let mut check = inline_refs(Value::from(create_schema()));
    if let Some(map) = check.as_object_mut() {
        map.insert("type".into(), json!("object"));
        map.remove("title");
        map.remove("description");
    }
    let (listed, description) = if kit.full {
        let mut listed = check.clone();
        shorten_descriptions(&mut listed);
        type_untyped(&mut listed);
        (
            listed,
            format!("Create one {} ({}); returns its id.", d.label, d.model),
        )
    } else {
        let main = main_fields(d);
        let keep = |name: &str, required: bool| required || main.iter().any(|m| m == name);
        (
            compact_payload(d, &check, Some(&keep), true),
            format!(
                "Create one {} ({}); returns its id. Main fields listed, any writable one accepted.",
                d.label, d.model
            ),
        )
    };
    Some(kit.entry(
        "create",
        Op::Create,
        description,
        listed,
        write_output("created"),
        Some(check),
    ))
}

/// `None` when the model has no update schema.
fn typed_update(kit: &TypedKit) -> Option<Entry> {
    let d = kit.d;
    let update_schema = d.update_schema?;
    let mut values = inline_refs(Value::from(update_schema()));
    if let Some(map) = values.as_object_mut() {
        map.insert("type".into(), json!("object"));
        map.remove("title");
    }
    let check = json!({
        "type": "object",
        "properties": {"record_id": kit.record_id, "values": values},
        "required": ["record_id", "values"], "additionalProperties": false
    });
    // The create tool already lists the fields: not repeated here.
    let listed_values = if kit.shape.typed.create && d.create_schema.is_some() {
        json!({"type": "object", "description": format!("Fields to change, as in {}_create (none required)", d.tool_prefix)})
    } else if kit.full {
        let mut values = values.clone();
        shorten_descriptions(&mut values);
        type_untyped(&mut values);
        values
    } else {
        compact_payload(d, &values, None, false)
    };
    Some(kit.entry(
        "update",
        Op::Update,
        format!("Write values on one {} ({}).", d.label, d.model),
        json!({
            "type": "object",
            "properties": {"record_id": kit.record_id, "values": listed_values},
            "required": ["record_id", "values"], "additionalProperties": false
        }),
        write_output("updated"),
        Some(check),
    ))
}

fn typed_delete(kit: &TypedKit) -> Entry {
    let d = kit.d;
    kit.entry(
        "delete",
        Op::Delete,
        format!("Delete one {} ({}).", d.label, d.model),
        json!({
            "type": "object",
            "properties": {"record_id": kit.record_id},
            "required": ["record_id"], "additionalProperties": false
        }),
        write_output("deleted"),
        None,
    )
}

/// `search` → `Search`: a typed tool's title verb is its suffix.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
