//! Tools beyond the Python server's six: field metadata, the current
//! user's context, grouped aggregates, batch writes, chatter, attachments and
//! guarded method calls; and `dry_run` on every create/update/delete tool. Their schemas keep to
//! the strict subset (no `$ref`, `oneOf`, `const`, …) and stay small.

use std::sync::Arc;

use odoo_client::registry::ModelDescriptor;
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use super::{Entry, Op, domain_schema, object};
use crate::settings::Limits;

/// At most this many records per batch write: one Odoo call, one transaction.
pub const MAX_BATCH: u64 = 100;

/// Date granularities Odoo groups by (`date_order:month`).
pub const GRANULARITIES: [&str; 5] = ["day", "week", "month", "quarter", "year"];

/// Functions a typed aggregate tool offers on numeric fields.
const NUMERIC_FUNCTIONS: [&str; 4] = ["sum", "avg", "min", "max"];

/// The guarded tool, listed only with `ODOO_YOLO=true` and `ODOO_MCP_ENABLE_METHOD_CALLS=true`.
pub const METHOD_TOOL: &str = "call_model_method";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraOp {
    GetFields,
    CurrentContext,
    Aggregate,
    CreateMany,
    UpdateMany,
    PostMessage,
    CallMethod,
    UploadAttachment,
    GetAttachment,
}

impl ExtraOp {
    pub fn writes(self) -> bool {
        matches!(
            self,
            Self::CreateMany
                | Self::UpdateMany
                | Self::PostMessage
                | Self::CallMethod
                | Self::UploadAttachment
        )
    }

    pub fn annotations(self, base: ToolAnnotations) -> ToolAnnotations {
        match self {
            Self::GetFields | Self::CurrentContext | Self::Aggregate | Self::GetAttachment => {
                base.read_only(true)
            }
            Self::CreateMany | Self::PostMessage | Self::UploadAttachment => {
                base.read_only(false).destructive(false).idempotent(false)
            }
            Self::UpdateMany => base.read_only(false).destructive(true).idempotent(true),
            Self::CallMethod => base.read_only(false).destructive(true).idempotent(false),
        }
    }
}

fn dry_run_schema() -> Value {
    json!({"type": "boolean", "description": "Validate against Odoo (fields, required, selections, access) and report; write nothing"})
}

/// The keys a `dry_run: true` answer adds to a write tool's output (see
/// `plan_write` in server/extra.rs): whether the write would pass, and why not.
pub fn dry_run_output(properties: &mut Map<String, Value>) {
    let strings = json!({"type": "array", "items": {"type": "string"}});
    properties.insert("dry_run".into(), json!({"type": "boolean"}));
    properties.insert("valid".into(), json!({"type": "boolean"}));
    properties.insert("problems".into(), strings.clone());
    properties.insert("notes".into(), strings);
}

/// Adds `dry_run` to every create/update/delete tool, generic and typed.
pub fn add_dry_run(entries: &mut [Entry]) {
    let short = json!({"type": "boolean", "description": "Validate only; write nothing"});
    for entry in entries {
        let schema = match entry.op {
            Op::Create | Op::Update | Op::Delete if entry.model.is_none() => dry_run_schema(),
            Op::Create | Op::Update | Op::Delete => short.clone(),
            _ => continue,
        };
        let listed = Arc::ptr_eq(&entry.check_schema, &entry.tool.input_schema);
        insert_property(&mut entry.tool.input_schema, &schema);
        if listed {
            entry.check_schema = entry.tool.input_schema.clone();
        } else {
            insert_property(&mut entry.check_schema, &schema);
        }
    }
}

fn insert_property(schema: &mut Arc<JsonObject>, property: &Value) {
    let schema = Arc::make_mut(schema);
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.insert("dry_run".into(), property.clone());
    }
}

fn entry(
    op: ExtraOp,
    name: &str,
    title: &str,
    description: &str,
    input: Value,
    output: Value,
) -> Entry {
    let op = Op::Extra(op);
    let tool = Tool::new(name.to_string(), description.to_string(), object(input))
        .with_raw_output_schema(object(output))
        .with_annotations(super::annotations(op, title.to_string()));
    Entry {
        op,
        model: None,
        check_schema: tool.input_schema.clone(),
        tool,
    }
}

/// What `aggregate_records` and the typed aggregate tools answer.
pub fn aggregate_output() -> Value {
    json!({"type": "object", "properties": {"model": {"type": "string"}, "count": {"type": "integer"}, "more": {"type": "boolean"}, "groups": {"type": "array", "items": {"type": "object"}}, "notes": {"type": "array", "items": {"type": "string"}}}, "required": ["groups"]})
}

fn aggregate_limit(limits: Limits) -> Value {
    json!({"type": "integer", "minimum": 1, "description": format!("Max groups (default and max {})", limits.max)})
}

/// The typed `<prefix>_aggregate` tool of a generated model: aggregate_records
/// without `model`, its groupby and aggregates offered as enums of the model's
/// stored fields (descriptors hold stored fields and `display_name` only). Every
/// date granularity is listed: a strict client can send only listed values.
/// Returns the description and the input schema.
pub fn typed_aggregate(d: &ModelDescriptor, limits: Limits, full: bool) -> (String, Value) {
    let offered = |name: &str| {
        name != "id"
            && name != "display_name"
            && (!crate::model_fields::is_technical(name)
                || matches!(name, "create_date" | "create_uid"))
    };
    let fields = || d.fields.iter().filter(|f| offered(f.name));
    let mut groupby: Vec<String> = fields()
        .filter(|f| f.ttype.is_groupable())
        .map(|f| f.name.to_string())
        .collect();
    for field in fields().filter(|f| f.ttype.is_temporal()) {
        groupby.extend(GRANULARITIES.iter().map(|g| format!("{}:{g}", field.name)));
    }
    let mut aggregates = vec!["__count".to_string()];
    for field in fields().filter(|f| f.ttype.is_numeric()) {
        aggregates.extend(
            NUMERIC_FUNCTIONS
                .iter()
                .map(|f| format!("{}:{f}", field.name)),
        );
    }
    let example = aggregates.get(1).map_or("__count", String::as_str);
    let names = |values: Vec<String>, description: String| {
        let mut items = json!({"type": "string"});
        if !values.is_empty() {
            items["enum"] = json!(values);
        }
        json!({"type": "array", "items": items, "description": description})
    };
    let mut domain = domain_schema();
    let (description, limit, order) = if full {
        (
            format!(
                "Grouped totals of {} ({}), like a pivot: count, sum, avg, min, max per group. Arguments as aggregate_records, without model.",
                d.label, d.model
            ),
            aggregate_limit(limits),
            json!({"type": "string", "description": format!("Sort groups, e.g. \"{example} desc\"")}),
        )
    } else {
        if let Some(map) = domain.as_object_mut() {
            map.remove("description");
        }
        (
            format!(
                "Grouped totals of {} ({}); arguments as aggregate_records.",
                d.label, d.model
            ),
            json!({"type": "integer", "minimum": 1}),
            json!({"type": "string", "description": format!("e.g. \"{example} desc\"")}),
        )
    };
    let input = json!({
        "type": "object",
        "properties": {
            "domain": domain,
            "groupby": names(groupby, "Fields to group by; dates by day, week, month, quarter or year".into()),
            "aggregates": names(aggregates, "Default [\"__count\"]".into()),
            "order": order,
            "limit": limit,
            "offset": {"type": "integer", "minimum": 0}
        },
        "additionalProperties": false
    });
    (description, input)
}

pub fn tools(limits: Limits) -> Vec<Entry> {
    vec![
        get_fields_tool(),
        current_context_tool(),
        aggregate_records_tool(limits),
        create_records_tool(),
        update_records_tool(),
        post_message_tool(),
        call_method_tool(),
        upload_attachment_tool(),
        get_attachment_tool(),
    ]
}

/// The `model` argument of the tools that take any model.
fn model_schema() -> Value {
    json!({"type": "string", "description": "Technical model name, e.g. res.partner"})
}

/// A list of names (fields, types, aggregates).
fn names_schema(description: &str) -> Value {
    json!({"type": "array", "items": {"type": "string"}, "description": description})
}

/// What a batch create or update answers; `flag` says which.
fn batch_write_output(flag: &str) -> Value {
    let mut props = Map::new();
    props.insert("model".into(), json!({"type": "string"}));
    props.insert(
        "ids".into(),
        json!({"type": "array", "items": {"type": "integer"}}),
    );
    props.insert("count".into(), json!({"type": "integer"}));
    props.insert(flag.into(), json!({"type": "boolean"}));
    dry_run_output(&mut props);
    json!({"type": "object", "properties": props})
}

/// `get_fields`: a model's field metadata.
fn get_fields_tool() -> Entry {
    entry(
        ExtraOp::GetFields,
        "get_fields",
        "Get model fields",
        "A model's fields: type, label, required, readonly, selection values, relation. Filter by names, types or a text.",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(),
                "names": names_schema("Only these fields"),
                "types": names_schema("Only these types, e.g. [\"many2one\", \"selection\"]"),
                "query": {"type": "string", "description": "Keep fields whose name or label contains this text"},
                "help": {"type": "boolean", "description": "Include Odoo's help texts"}
            },
            "required": ["model"], "additionalProperties": false
        }),
        json!({"type": "object", "properties": {"model": {"type": "string"}, "count": {"type": "integer"}, "fields": {"type": "array", "items": {"type": "object"}}}, "required": ["fields"]}),
    )
}

/// `get_current_context`: who the server acts as.
fn current_context_tool() -> Entry {
    entry(
        ExtraOp::CurrentContext,
        "get_current_context",
        "Current user and context",
        "The Odoo user this server acts as: user, company, allowed companies, language and timezone.",
        json!({"type": "object", "properties": {}, "additionalProperties": false}),
        // `user` is null when Odoo's context names no user id (with a note).
        json!({"type": "object", "properties": {"user": {"type": ["object", "null"]}, "company": {"type": ["object", "null"]}, "lang": {"type": ["string", "null"]}, "tz": {"type": ["string", "null"]}}}),
    )
}

/// `aggregate_records`: grouped totals of any model.
fn aggregate_records_tool(limits: Limits) -> Entry {
    entry(
        ExtraOp::Aggregate,
        "aggregate_records",
        "Aggregate records",
        "Grouped totals, like a pivot: count, sum, avg, min, max per group. Uses formatted_read_group (Odoo 19+) or read_group.",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(),
                "domain": domain_schema(),
                "groupby": names_schema("Fields to group by; dates take :day, :week, :month, :quarter or :year, e.g. [\"state\", \"date_order:month\"]"),
                "aggregates": names_schema("field:function (sum, avg, min, max, count, count_distinct) or __count, e.g. [\"amount_total:sum\", \"__count\"]; default [\"__count\"]"),
                "order": {"type": "string", "description": "Sort groups, e.g. \"amount_total:sum desc\""},
                "limit": aggregate_limit(limits),
                "offset": {"type": "integer", "minimum": 0}
            },
            "required": ["model"], "additionalProperties": false
        }),
        aggregate_output(),
    )
}

/// `create_records`: a batch create.
fn create_records_tool() -> Entry {
    entry(
        ExtraOp::CreateMany,
        "create_records",
        "Create records",
        "Create several records in one call (one transaction: all or none); returns their ids.",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(),
                "records": {"type": "array", "items": {"type": "object"}, "minItems": 1, "maxItems": MAX_BATCH, "description": format!("Field values per record (1 to {MAX_BATCH})")},
                "dry_run": dry_run_schema()
            },
            "required": ["model", "records"], "additionalProperties": false
        }),
        batch_write_output("created"),
    )
}

/// `update_records`: a batch write.
fn update_records_tool() -> Entry {
    let ids = json!({"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 1, "maxItems": MAX_BATCH, "description": format!("Record ids (1 to {MAX_BATCH})")});
    let values =
        json!({"type": "object", "description": "Field values, e.g. {\"name\": \"Acme\"}"});
    entry(
        ExtraOp::UpdateMany,
        "update_records",
        "Update records",
        "Write on several records in one call: the same values on record_ids (one transaction), or each record's own values in updates (one transaction on Odoo 19+; below, one write per record, stopping at the first failure).",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(), "record_ids": ids, "values": values,
                "updates": {
                    "type": "array", "minItems": 1, "maxItems": MAX_BATCH,
                    "items": {
                        "type": "object",
                        "properties": {"id": {"type": "integer", "minimum": 1}, "values": {"type": "object"}},
                        "required": ["id", "values"], "additionalProperties": false
                    },
                    "description": format!("Instead of record_ids + values: values per record (1 to {MAX_BATCH}), e.g. [{{\"id\": 3, \"values\": {{\"city\": \"Gent\"}}}}]")
                },
                "dry_run": dry_run_schema()
            },
            "required": ["model"], "additionalProperties": false
        }),
        batch_write_output("updated"),
    )
}

/// `post_message`: a chatter message.
fn post_message_tool() -> Entry {
    entry(
        ExtraOp::PostMessage,
        "post_message",
        "Post a message",
        "Post on a record's chatter: an internal note (default) or a comment sent to followers.",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(),
                "record_id": {"type": "integer", "minimum": 1},
                "body": {"type": "string", "description": "Message text (plain text; HTML is escaped by Odoo)"},
                "subtype": {"type": "string", "enum": ["note", "comment"], "description": "note: internal, no notification (default); comment: sent to followers"},
                "message_type": {"type": "string", "enum": ["comment", "notification"], "description": "Default comment"}
            },
            "required": ["model", "record_id", "body"], "additionalProperties": false
        }),
        json!({"type": "object", "properties": {"model": {"type": "string"}, "record_id": {"type": "integer"}, "message_id": {"type": "integer"}}}),
    )
}

/// The guarded method call.
fn call_method_tool() -> Entry {
    entry(
        ExtraOp::CallMethod,
        METHOD_TOOL,
        "Call a model method",
        "Call a public business method, e.g. sale.order action_confirm on record_ids. No private, CRUD, ir.actions.*, ir.cron or web_* methods.",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(),
                "method": {"type": "string", "description": "Public method name, e.g. action_confirm"},
                "record_ids": {"type": "array", "items": {"type": "integer", "minimum": 1}, "maxItems": MAX_BATCH, "description": "Records the method runs on; omit for a model method"},
                "kwargs": {"type": "object", "description": "Named arguments"}
            },
            "required": ["model", "method"], "additionalProperties": false
        }),
        json!({"type": "object", "properties": {"model": {"type": "string"}, "method": {"type": "string"}, "result": {}}}),
    )
}

/// `upload_attachment`: a file attached to a record.
fn upload_attachment_tool() -> Entry {
    entry(
        ExtraOp::UploadAttachment,
        "upload_attachment",
        "Upload an attachment",
        "Attach a file (base64) to a record of a reachable model; creates an ir.attachment. At most ODOO_MCP_MAX_BINARY_SIZE bytes decoded (default 10 MiB).",
        json!({
            "type": "object",
            "properties": {
                "model": model_schema(),
                "record_id": {"type": "integer", "minimum": 1, "description": "The record the file is attached to"},
                "name": {"type": "string", "description": "File name, e.g. invoice.pdf"},
                "data": {"type": "string", "description": "File content, base64 (a data: URI prefix is accepted)"},
                "mimetype": {"type": "string", "description": "e.g. application/pdf; Odoo guesses it when omitted"},
                "dry_run": dry_run_schema()
            },
            "required": ["model", "record_id", "name", "data"], "additionalProperties": false
        }),
        {
            let mut props = json!({"id": {"type": "integer"}, "name": {"type": "string"}, "mimetype": {"type": ["string", "null"]}, "file_size": {"type": "integer"}, "model": {"type": "string"}, "record_id": {"type": "integer"}});
            if let Some(props) = props.as_object_mut() {
                dry_run_output(props);
            }
            json!({"type": "object", "properties": props})
        },
    )
}

/// `get_attachment`: an attachment and its content.
fn get_attachment_tool() -> Entry {
    entry(
        ExtraOp::GetAttachment,
        "get_attachment",
        "Get an attachment",
        "An attachment's name, mimetype, size and record, and its content (base64) unless include_data is false or it exceeds ODOO_MCP_MAX_BINARY_SIZE. With ODOO_YOLO=false, only attachments of reachable models (or any, when ir.attachment is in ODOO_MCP_MODELS).",
        json!({
            "type": "object",
            "properties": {
                "attachment_id": {"type": "integer", "minimum": 1, "description": "ir.attachment id"},
                "include_data": {"type": "boolean", "description": "Return the content (default true)"}
            },
            "required": ["attachment_id"], "additionalProperties": false
        }),
        json!({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": ["string", "null"]}, "mimetype": {"type": ["string", "null"]}, "file_size": {"type": "integer"}, "res_model": {"type": ["string", "null"]}, "res_id": {"type": ["integer", "null"]}, "data": {"type": "string"}, "notes": {"type": "array", "items": {"type": "string"}}}, "required": ["id"]}),
    )
}
