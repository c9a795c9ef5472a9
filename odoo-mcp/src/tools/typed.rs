//! The typed tools of each generated model (`res_partner_search`, `_get`,
//! `_aggregate`, `_create`, `_update`, `_delete`, `_action`): a generic tool
//! with the model fixed, its schemas narrowed to the model's fields (or form
//! buttons) from the generated code.
//! Which of them are built, and in how much detail, follows the settings.

use odoo_client::registry::{FieldDescriptor, ModelDescriptor};
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use super::aggregate_records::{AggregateRecords, GRANULARITIES, NUMERIC_FUNCTIONS};
use super::create_record::CreateRecord;
use super::delete_record::DeleteRecord;
use super::get_record::GetRecord;
use super::press_button::PressButton;
use super::schema::{
    add_company, compact_output, inline_refs, keep_properties, object, property,
    shorten_descriptions, type_untyped,
};
use super::search_records::SearchRecords;
use super::update_record::UpdateRecord;
use super::{DynTool, Entry, Shape};
use crate::settings::SchemaDetail;

/// Longest label kept in a compact schema.
const MAX_LABEL: usize = 60;
/// Selections with more values are listed without their values in compact
/// detail (e.g. 90 Peppol codes); the call is still checked against them.
const MAX_COMPACT_ENUM: usize = 40;

/// Which generic tool a typed tool runs through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Search,
    Get,
    Aggregate,
    Create,
    Update,
    Delete,
    /// press_button on one of the model's form buttons.
    Action,
}

impl Kind {
    fn suffix(self) -> &'static str {
        match self {
            Kind::Search => "search",
            Kind::Get => "get",
            Kind::Aggregate => "aggregate",
            Kind::Create => "create",
            Kind::Update => "update",
            Kind::Delete => "delete",
            Kind::Action => "action",
        }
    }

    fn handler(self) -> &'static dyn DynTool {
        match self {
            Kind::Search => &SearchRecords,
            Kind::Get => &GetRecord,
            Kind::Aggregate => &AggregateRecords,
            Kind::Create => &CreateRecord,
            Kind::Update => &UpdateRecord,
            Kind::Delete => &DeleteRecord,
            Kind::Action => &PressButton,
        }
    }

    /// The handler's arguments: the model added; a create's values (its
    /// arguments but `dry_run`) gathered under `values`; an action's `action`
    /// as press_button's `button`.
    pub fn handler_args(
        self,
        descriptor: &ModelDescriptor,
        mut args: Map<String, Value>,
    ) -> Map<String, Value> {
        if self == Kind::Create {
            let dry_run = args.remove("dry_run");
            let values = std::mem::take(&mut args);
            args.insert("values".into(), Value::Object(values));
            if let Some(dry_run) = dry_run {
                args.insert("dry_run".into(), dry_run);
            }
        }
        if self == Kind::Action
            && let Some(action) = args.remove("action")
        {
            args.insert("button".into(), action);
        }
        args.insert("model".into(), json!(descriptor.model));
        args
    }
}

pub fn tools(d: &'static ModelDescriptor, shape: &Shape) -> Vec<Entry> {
    let kit = TypedKit::new(d, shape);
    let typed = shape.typed;
    let mut out = Vec::new();
    if typed.search {
        out.push(kit.search());
    }
    if typed.get {
        out.push(kit.get());
    }
    if typed.aggregate {
        out.push(kit.aggregate());
    }
    if typed.create {
        out.extend(kit.create());
    }
    if typed.update {
        out.extend(kit.update());
    }
    if typed.delete {
        out.push(kit.delete());
    }
    if typed.action {
        out.extend(kit.action());
    }
    out
}

/// What the typed tools of one model share: the model, the listing shape and
/// the schema pieces several tools repeat.
struct TypedKit<'a> {
    d: &'static ModelDescriptor,
    shape: &'a Shape,
    full: bool,
    /// `fields` as listed: the stored fields and `display_name`, so that the
    /// listing stays within its budget.
    fields_enum: Value,
    /// `fields` as checked: every field of the read struct, computed ones too.
    every_field: Value,
    record_id: Value,
}

/// Drops the descriptions of these properties (compact listings: the generic tool has them).
fn without_descriptions(schema: &mut Value, names: &[&str]) {
    for name in names {
        if let Some(Value::Object(map)) = property(schema, name) {
            map.remove("description");
        }
    }
}

impl<'a> TypedKit<'a> {
    fn new(d: &'static ModelDescriptor, shape: &'a Shape) -> Self {
        let full = shape.detail == SchemaDetail::Full;
        let listed: Vec<&str> = d
            .fields
            .iter()
            .filter(|f| f.stored || f.name == "display_name")
            .map(|f| f.name)
            .collect();
        let fields_enum = json!({
            "type": "array", "items": {"type": "string", "enum": listed},
            "description": if full { "Fields to return; omit for a compact default set. Stored fields are listed; computed ones (get_fields names them) are accepted too" } else { "Omit for a default set; computed fields too" }
        });
        let names: Vec<&str> = d.fields.iter().map(|f| f.name).collect();
        let every_field = json!({"type": "array", "items": {"type": "string", "enum": names}});
        let record_id =
            json!({"type": "integer", "minimum": 1, "description": format!("{} id", d.label)});
        Self {
            d,
            shape,
            full,
            fields_enum,
            every_field,
            record_id,
        }
    }

    /// The schema calls are checked against: `input` with every field of the
    /// read struct allowed in `fields`.
    fn with_every_field(&self, input: &Value) -> Value {
        let mut check = input.clone();
        if let Some(fields) = property(&mut check, "fields") {
            *fields = self.every_field.clone();
        }
        check
    }

    /// The handler's listed input (without `model`) and output schemas.
    fn handler_schemas(&self, kind: Kind) -> (Value, Value) {
        let (mut input, output) = kind.handler().schemas(self.shape.limits);
        keep_properties_but(&mut input, "model");
        (input, output)
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

    /// `dry_run` as typed write tools list it: the generic tool describes it at length.
    fn dry_run(&self, input: &mut Value) {
        if let Some(Value::Object(properties)) = input.get_mut("properties") {
            properties.insert(
                "dry_run".into(),
                json!({"type": "boolean", "description": "Validate only; write nothing"}),
            );
        }
    }

    /// Builds the entry of `<prefix>_<suffix>` (titled "<Suffix> <label>" in
    /// full detail); `check` replaces the listed input schema as what
    /// arguments are checked against.
    fn entry(
        &self,
        kind: Kind,
        description: String,
        input: Value,
        output: Value,
        check: Option<Value>,
    ) -> Entry {
        let d = self.d;
        let suffix = kind.suffix();
        let handler = kind.handler();
        let tool = Tool::new(
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
        let tool = tool.with_annotations(handler.effect().annotations(base));
        Entry {
            handler,
            model: Some(d),
            typed: Some(kind),
            check_schema: check
                .map(object)
                .unwrap_or_else(|| tool.input_schema.clone()),
            tool,
        }
    }

    fn search(&self) -> Entry {
        let (d, full) = (self.d, self.full);
        let (mut input, mut output) = self.handler_schemas(Kind::Search);
        if let Some(fields) = property(&mut input, "fields") {
            *fields = self.fields_enum.clone();
        }
        if !full {
            without_descriptions(
                &mut input,
                &["domain", "limit", "order", "count", "company_id"],
            );
            // The shape only; the other keys are search_records' and allowed.
            keep_properties(&mut output, &["more", "next_offset", "total", "records"]);
        }
        if let Some(records) = property(&mut output, "records") {
            records["items"] = self.read_record();
        }
        let description = if full {
            format!("Search {} ({}) records.", d.label, d.model)
        } else {
            format!(
                "Search {} ({}); arguments as search_records.",
                d.label, d.model
            )
        };
        let check = self.with_every_field(&input);
        self.entry(Kind::Search, description, input, output, Some(check))
    }

    fn get(&self) -> Entry {
        let d = self.d;
        let (mut input, mut output) = self.handler_schemas(Kind::Get);
        // The field names are listed once, by the search tool.
        let fields = if self.shape.typed.search && !self.full {
            json!({"type": "array", "items": {"type": "string"}, "description": format!("Names as in {}_search; omit for a default set", d.tool_prefix)})
        } else {
            self.fields_enum.clone()
        };
        if let Some(property) = property(&mut input, "fields") {
            *property = fields;
        }
        if let Some(property) = property(&mut input, "record_id") {
            *property = self.record_id.clone();
        }
        if let Some(record) = property(&mut output, "record") {
            *record = self.read_record();
        }
        let check = self.with_every_field(&input);
        self.entry(
            Kind::Get,
            format!("Read one {} ({}) by id.", d.label, d.model),
            input,
            output,
            Some(check),
        )
    }

    /// aggregate_records without `model`, its groupby and aggregates offered as
    /// enums of the model's stored fields (Odoo groups and sums only those).
    /// Every date granularity is listed: a strict client can send only listed
    /// values.
    fn aggregate(&self) -> Entry {
        let d = self.d;
        let offered = |field: &FieldDescriptor| {
            let name = field.name;
            field.stored
                && name != "id"
                && name != "display_name"
                && (!crate::odoo::model_fields::is_technical(name)
                    || matches!(name, "create_date" | "create_uid"))
        };
        let fields = || d.fields.iter().filter(|f| offered(f));
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
        let example = aggregates
            .get(1)
            .map_or_else(|| "__count".to_string(), String::clone);
        let (mut input, output) = self.handler_schemas(Kind::Aggregate);
        let offer = |schema: &mut Value, name: &str, values: Vec<String>, description: &str| {
            if let Some(property) = property(schema, name) {
                if !values.is_empty() {
                    property["items"]["enum"] = json!(values);
                }
                property["description"] = json!(description);
            }
        };
        offer(
            &mut input,
            "groupby",
            groupby,
            "Fields to group by; dates by day, week, month, quarter or year",
        );
        offer(
            &mut input,
            "aggregates",
            aggregates,
            "Default [\"__count\"]",
        );
        let description = if self.full {
            if let Some(order) = property(&mut input, "order") {
                order["description"] = json!(format!("Sort groups, e.g. \"{example} desc\""));
            }
            format!(
                "Grouped totals of {} ({}), like a pivot: count, sum, avg, min, max per group. Arguments as aggregate_records, without model.",
                d.label, d.model
            )
        } else {
            without_descriptions(&mut input, &["domain", "limit", "company_id"]);
            if let Some(order) = property(&mut input, "order") {
                order["description"] = json!(format!("e.g. \"{example} desc\""));
            }
            format!(
                "Grouped totals of {} ({}); arguments as aggregate_records.",
                d.label, d.model
            )
        };
        self.entry(Kind::Aggregate, description, input, output, None)
    }

    /// `None` when the model has no create schema.
    fn create(&self) -> Option<Entry> {
        let d = self.d;
        let create_schema = d.create_schema?;
        let mut check = inline_refs(Value::from(create_schema()));
        if let Some(map) = check.as_object_mut() {
            map.insert("type".into(), json!("object"));
            map.remove("title");
            map.remove("description");
        }
        let (mut listed, description) = if self.full {
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
        self.dry_run(&mut listed);
        self.dry_run(&mut check);
        let (_, output) = self.handler_schemas(Kind::Create);
        Some(self.entry(Kind::Create, description, listed, output, Some(check)))
    }

    /// `None` when the model has no update schema.
    fn update(&self) -> Option<Entry> {
        let d = self.d;
        let update_schema = d.update_schema?;
        let mut values = inline_refs(Value::from(update_schema()));
        if let Some(map) = values.as_object_mut() {
            map.insert("type".into(), json!("object"));
            map.remove("title");
        }
        // The create tool already lists the fields: not repeated here.
        let listed_values = if self.shape.typed.create && d.create_schema.is_some() {
            json!({"type": "object", "description": format!("Fields to change, as in {}_create (none required)", d.tool_prefix)})
        } else if self.full {
            let mut values = values.clone();
            shorten_descriptions(&mut values);
            type_untyped(&mut values);
            values
        } else {
            compact_payload(d, &values, None, false)
        };
        let payload = |values: Value| {
            json!({
                "type": "object",
                "properties": {"record_id": self.record_id, "values": values},
                "required": ["record_id", "values"], "additionalProperties": false
            })
        };
        let (mut check, mut listed) = (payload(values), payload(listed_values));
        add_company(&mut check);
        add_company(&mut listed);
        self.dry_run(&mut listed);
        self.dry_run(&mut check);
        let (_, output) = self.handler_schemas(Kind::Update);
        Some(self.entry(
            Kind::Update,
            format!("Write values on one {} ({}).", d.label, d.model),
            listed,
            output,
            Some(check),
        ))
    }

    fn delete(&self) -> Entry {
        let d = self.d;
        let (mut input, output) = self.handler_schemas(Kind::Delete);
        if let Some(property) = property(&mut input, "record_id") {
            *property = self.record_id.clone();
        }
        self.dry_run(&mut input);
        self.entry(
            Kind::Delete,
            format!("Delete one {} ({}).", d.label, d.model),
            input,
            output,
            None,
        )
    }

    /// press_button on `record_ids` with its `button` as `action`, an enum of
    /// the form's buttons (labels and hiding conditions in full detail);
    /// `None` when the form has none.
    fn action(&self) -> Option<Entry> {
        let d = self.d;
        if d.buttons.is_empty() {
            return None;
        }
        let (mut input, output) = self.handler_schemas(Kind::Action);
        keep_properties_but(&mut input, "button");
        let methods: Vec<&str> = d.buttons.iter().map(|b| b.method).collect();
        let mut action = json!({"type": "string", "enum": methods});
        // Compact: the method names say most; full detail adds labels and states.
        let description = if self.full {
            let labels: Vec<String> = d
                .buttons
                .iter()
                .map(|b| match b.invisible {
                    Some(hidden) => format!("{}: {} (hidden when {hidden})", b.method, b.label),
                    None => format!("{}: {}", b.method, b.label),
                })
                .collect();
            action["description"] = json!(labels.join("; "));
            if let Some(record_ids) = property(&mut input, "record_ids") {
                record_ids["description"] = json!(format!("{} ids", d.label));
            }
            format!(
                "Press a button of the {} ({}) form on records, as a person would; refused where the form hides it. A wizard it opens comes back as next, for run_wizard.",
                d.label, d.model
            )
        } else {
            without_descriptions(&mut input, &["record_ids", "company_id"]);
            format!("Press a {} form button; as press_button.", d.model)
        };
        if let Some(Value::Object(properties)) = input.get_mut("properties") {
            properties.insert("action".into(), action);
        }
        if let Some(Value::Array(required)) = input.get_mut("required") {
            required.push(json!("action"));
        }
        Some(self.entry(Kind::Action, description, input, output, None))
    }
}

/// Removes one property of an object schema (and from its `required`).
fn keep_properties_but(schema: &mut Value, name: &str) {
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.remove(name);
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| r != name);
    }
    if let Some(map) = schema.as_object_mut()
        && map
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        map.remove("required");
    }
}

/// The create payload's properties a compact listing shows: required fields
/// and the compact default read set (what an assistant reads, it writes).
fn main_fields(d: &ModelDescriptor) -> Vec<String> {
    crate::odoo::model_fields::ModelFields::from_descriptor(d).defaults
}

/// `search` → `Search`: a typed tool's title verb is its suffix.
fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
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
