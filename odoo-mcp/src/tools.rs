//! The tool catalog: generic tools named as the Python server names them, and
//! five typed tools per generated model. Built once; `tools/list` hands out
//! the same `Arc`ed schemas every time.

use std::collections::HashMap;
use std::sync::Arc;

use odoo_client::registry::ModelDescriptor;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use crate::settings::{Access, Limits};

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
    /// Tools of issue 8 (tools/extra.rs).
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
    pub fn build(models: &'static [ModelDescriptor], access: Access, limits: Limits) -> Self {
        let mut entries = generic_tools(limits);
        for descriptor in models {
            entries.extend(typed_tools(descriptor, limits));
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
    let base = ToolAnnotations::with_title(title).open_world(false);
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
pub fn domain_schema() -> Value {
    json!({
        "type": "array",
        "description": "Odoo domain: conditions [field, operator, value], AND-ed; prefix \"|\" (or) or \"!\" (not). E.g. [[\"name\",\"ilike\",\"acme\"]]",
        "items": {"anyOf": [{"type": "array", "minItems": 3, "maxItems": 3}, {"enum": ["&", "|", "!"]}]}
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

fn write_output(flag: &str) -> Value {
    let mut props = json!({"model": {"type": "string"}, "id": {"type": "integer"}});
    if let Some(map) = props.as_object_mut() {
        map.insert(flag.to_string(), json!({"type": "boolean"}));
    }
    json!({"type": "object", "properties": props, "required": ["id"]})
}

fn generic_tools(limits: Limits) -> Vec<Entry> {
    let model = json!({"type": "string", "description": "Technical model name, e.g. res.partner"});
    let record_id = json!({"type": "integer", "minimum": 1, "description": "Record id"});
    let fields = json!({
        "type": ["array", "null"], "items": {"type": "string"},
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
                check_schema: tool.input_schema.clone(),
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

/// Moves a root schema's `$defs` into `defs` and returns the rest, without
/// `$schema`; `partial` drops `required` (records may carry a subset of fields).
fn embed(schema: Value, defs: &mut Map<String, Value>, partial: bool) -> Value {
    let Value::Object(mut map) = schema else {
        return schema;
    };
    map.remove("$schema");
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(inner)) = map.remove(key) {
            defs.extend(inner);
        }
    }
    if partial {
        map.remove("required");
    }
    Value::Object(map)
}

fn with_defs(mut schema: Value, defs: Map<String, Value>) -> Value {
    if !defs.is_empty()
        && let Some(map) = schema.as_object_mut()
    {
        map.insert("$defs".into(), Value::Object(defs));
    }
    schema
}

fn typed_tools(d: &'static ModelDescriptor, limits: Limits) -> Vec<Entry> {
    let names: Vec<&str> = d.fields.iter().map(|f| f.name).collect();
    let fields = json!({
        "type": "array", "items": {"enum": names},
        "description": "Fields to return; omit for a compact default set"
    });
    let record_id =
        json!({"type": "integer", "minimum": 1, "description": format!("{} id", d.label)});
    let read = || {
        let mut defs = Map::new();
        let record = embed(Value::from((d.read_schema)()), &mut defs, true);
        (record, defs)
    };
    let mut out = Vec::new();
    let mut push = |suffix: &str,
                    op: Op,
                    title: String,
                    description: String,
                    input: Value,
                    output: Value,
                    check: Option<Value>| {
        let tool = tool(
            format!("{}_{suffix}", d.tool_prefix),
            description,
            op,
            title,
            input,
            compact_output(output),
        );
        out.push(Entry {
            op,
            model: Some(d),
            check_schema: check
                .map(object)
                .unwrap_or_else(|| tool.input_schema.clone()),
            tool,
        });
    };

    let (record, defs) = read();
    let mut search_out = search_meta_properties();
    search_out.insert("records".into(), json!({"type": "array", "items": record}));
    push(
        "search",
        Op::Search,
        format!("Search {}", d.label),
        format!("Search {} ({}) records.", d.label, d.model),
        json!({
            "type": "object",
            "properties": {
                "domain": domain_schema(), "fields": fields,
                "limit": limit_schema(limits),
                "offset": {"type": "integer", "minimum": 0},
                "order": {"type": "string", "description": "Sort, e.g. \"name asc, id desc\""},
                "count": {"type": "boolean", "description": "Also return the total number of matches"}
            },
            "additionalProperties": false
        }),
        with_defs(
            json!({"type": "object", "properties": search_out, "required": ["records"]}),
            defs,
        ),
        None,
    );

    let (record, defs) = read();
    push(
        "get",
        Op::Get,
        format!("Get {}", d.label),
        format!("Read one {} ({}) by id.", d.label, d.model),
        json!({
            "type": "object",
            "properties": {"record_id": record_id, "fields": fields},
            "required": ["record_id"], "additionalProperties": false
        }),
        with_defs(
            json!({"type": "object", "properties": {"model": {"type": "string"}, "record": record, "notes": {"type": "array", "items": {"type": "string"}}}, "required": ["record"]}),
            defs,
        ),
        None,
    );

    if let Some(create_schema) = d.create_schema {
        let mut defs = Map::new();
        let mut input = embed(Value::from(create_schema()), &mut defs, false);
        if let Some(map) = input.as_object_mut() {
            map.insert("type".into(), json!("object"));
            map.remove("title");
        }
        let mut input = with_defs(input, defs);
        shorten_descriptions(&mut input);
        push(
            "create",
            Op::Create,
            format!("Create {}", d.label),
            format!("Create one {} ({}); returns its id.", d.label, d.model),
            input,
            write_output("created"),
            None,
        );
    }
    if let Some(update_schema) = d.update_schema {
        let mut defs = Map::new();
        let mut values = embed(Value::from(update_schema()), &mut defs, false);
        if let Some(map) = values.as_object_mut() {
            map.remove("title");
        }
        let full = with_defs(
            json!({
                "type": "object",
                "properties": {"record_id": record_id, "values": values},
                "required": ["record_id", "values"], "additionalProperties": false
            }),
            defs,
        );
        // Listed short: the same fields as the create tool, all optional, are
        // not repeated; the full schema still checks every call.
        let values_doc = if d.create_schema.is_some() {
            format!(
                "Fields to change: the arguments of {}_create, all optional",
                d.tool_prefix
            )
        } else {
            "Fields to change".to_string()
        };
        push(
            "update",
            Op::Update,
            format!("Update {}", d.label),
            format!("Write values on one {} ({}).", d.label, d.model),
            json!({
                "type": "object",
                "properties": {"record_id": record_id, "values": {"type": "object", "description": values_doc}},
                "required": ["record_id", "values"], "additionalProperties": false
            }),
            write_output("updated"),
            Some(full),
        );
    }
    push(
        "delete",
        Op::Delete,
        format!("Delete {}", d.label),
        format!("Delete one {} ({}).", d.label, d.model),
        json!({
            "type": "object",
            "properties": {"record_id": record_id},
            "required": ["record_id"], "additionalProperties": false
        }),
        write_output("deleted"),
        None,
    );
    out
}

/// Longest description kept in a listed input schema: selection labels are
/// already in the enum, and an assistant's context is the user's real cost.
const MAX_DESCRIPTION: usize = 120;

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

/// An output schema keeps the shape (types, properties, `$ref`s) and drops
/// what only an input needs: descriptions, titles, formats and enum lists.
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
                    strip(
                        child,
                        !in_properties && matches!(key.as_str(), "properties" | "$defs"),
                    );
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| strip(v, false)),
            _ => {}
        }
    }
    strip(&mut schema, false);
    schema
}
