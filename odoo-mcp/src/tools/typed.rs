//! The typed tools of each generated model (`res_partner_search`, `_get`,
//! `_aggregate`, `_create`, `_update`, `_delete`, `_action`): a generic tool
//! with the model fixed. Each kind's arguments are a Rust type: the generic
//! tool's own `Args` where they share arguments, else a struct here; the parts
//! that come from the model (its fields, buttons, record label) are slot types,
//! whose schemas are filled in per model ([`schema::fill_slots`]). A call
//! decodes into that type and converts into the generic tool's `Args`, so a
//! renamed argument is a compile error, and a slot left unfilled fails the tests.
//! Which typed tools are built, and in how much detail, follows the settings.

use std::borrow::Cow;

use odoo_client::RecordId;
use odoo_client::registry::{FieldDescriptor, ModelDescriptor};
use rmcp::model::{Tool, ToolAnnotations};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::aggregate_records::{self, AggregateRecords, GRANULARITIES, NUMERIC_FUNCTIONS};
use super::create_record::{self, CreateRecord};
use super::create_records::MAX_BATCH;
use super::delete_record::{self, DeleteRecord};
use super::get_record::{self, GetRecord};
use super::press_button::{self, PressButton};
use super::schema::{
    self, add_company, compact_output, inline_refs, merge_properties, object, shorten_descriptions,
    type_untyped, without_property_descriptions,
};
use super::search_records::{self, SearchRecords};
use super::shared::DryRun;
use super::update_record::{self, UpdateRecord};
use super::{Decoder, Entry, Shape, ToolSpec, decoded};
use crate::error::ToolError;
use crate::settings::SchemaDetail;

/// Longest label kept in a compact schema.
const MAX_LABEL: usize = 60;
/// Selections with more values are listed without their values in compact
/// detail (e.g. 90 Peppol codes); the call is still checked against them.
const MAX_COMPACT_ENUM: usize = 40;

/// Declares slot types: each decodes as its inner type and derives as a
/// marker that the model's schema replaces.
macro_rules! slots {
    ($($(#[$doc:meta])* $name:ident($inner:ty);)*) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Default, Deserialize, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                schema::slot_marker(stringify!($name))
            }
        }
    )*};
}

slots! {
    /// Field names to read: the model's fields.
    Fields(Option<Vec<String>>);
    /// One record of the model, labelled with it.
    Record(RecordId);
    /// Records of the model to press a button on.
    Records(Vec<RecordId>);
    /// `dry_run`, described in a few words.
    DryRunFlag(Option<DryRun>);
    /// Fields to group by: the model's groupable ones.
    GroupBy(Option<Vec<String>>);
    /// Totals to compute: the model's numeric fields.
    Aggregates(Option<Vec<String>>);
    /// The order of groups, with an example of the model's.
    GroupOrder(Option<String>);
    /// Values to write: the model's update struct.
    Values(Map<String, Value>);
    /// A button of the model's form.
    Button(String);
    /// A record as the model's read struct has it (answers only).
    ReadRecord(Map<String, Value>);
}

/// `<model>_search`: search_records' arguments with the model's fields.
type Search = search_records::Args<Fields>;

/// `<model>_aggregate`: aggregate_records' arguments with the model's fields.
type Aggregate = aggregate_records::Args<GroupBy, Aggregates, GroupOrder>;

/// `<model>_get`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Get {
    record_id: Record,
    #[serde(default)]
    fields: Fields,
}

/// `<model>_create`: the values are the arguments.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
struct Create {
    #[serde(default)]
    dry_run: DryRunFlag,
    #[serde(flatten)]
    values: Map<String, Value>,
}

/// `<model>_update`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Update {
    record_id: Record,
    values: Values,
    #[serde(default)]
    dry_run: DryRunFlag,
}

/// `<model>_delete`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Delete {
    record_id: Record,
    #[serde(default)]
    dry_run: DryRunFlag,
}

/// `<model>_action`: press_button with the button named `action`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Action {
    record_ids: Records,
    action: Button,
}

impl From<Search> for search_records::Args {
    fn from(args: Search) -> Self {
        let search_records::Args {
            domain,
            fields,
            limit,
            offset,
            order,
            count,
        } = args;
        Self {
            domain,
            fields: fields.0,
            limit,
            offset,
            order,
            count,
        }
    }
}

impl From<Aggregate> for aggregate_records::Args {
    fn from(args: Aggregate) -> Self {
        let aggregate_records::Args {
            domain,
            groupby,
            aggregates,
            order,
            limit,
            offset,
        } = args;
        Self {
            domain,
            groupby: groupby.0,
            aggregates: aggregates.0,
            order: order.0,
            limit,
            offset,
        }
    }
}

impl From<Get> for get_record::Args {
    fn from(args: Get) -> Self {
        Self {
            record_id: args.record_id.0,
            fields: args.fields.0,
        }
    }
}

impl From<Create> for create_record::Args {
    fn from(args: Create) -> Self {
        Self {
            values: args.values,
            dry_run: args.dry_run.0,
        }
    }
}

impl From<Update> for update_record::Args {
    fn from(args: Update) -> Self {
        Self {
            record_id: args.record_id.0,
            values: args.values.0,
            dry_run: args.dry_run.0,
        }
    }
}

impl From<Delete> for delete_record::Args {
    fn from(args: Delete) -> Self {
        Self {
            record_id: args.record_id.0,
            dry_run: args.dry_run.0,
        }
    }
}

impl From<Action> for press_button::Args {
    fn from(args: Action) -> Self {
        Self {
            record_ids: args.record_ids.0,
            button: args.action.0,
        }
    }
}

/// Decodes a typed tool's arguments as `A` and hands them to `H` as its own.
fn decode_as<A, H>(args: Map<String, Value>) -> Result<Box<dyn super::Decoded>, ToolError>
where
    A: DeserializeOwned + Into<H::Args>,
    H: ToolSpec,
{
    Ok(decoded::<H>(super::decode::<A>(args)?.into()))
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

/// The schemas of one typed tool: as listed, and as calls are checked.
struct Schemas {
    listed: Value,
    check: Value,
    output: Value,
    /// Whether `company_id` is the company the call acts in (not a field value).
    company: bool,
}

/// What the typed tools of one model share: the model, the listing shape and
/// the slots several tools fill alike.
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
    dry_run: Value,
}

/// Slot values by slot type.
fn slots<const N: usize>(pairs: [(Cow<'static, str>, Value); N]) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.into_owned(), value))
        .collect()
}

impl<'a> TypedKit<'a> {
    fn new(d: &'static ModelDescriptor, shape: &'a Shape) -> Self {
        let full = shape.detail == SchemaDetail::Full;
        // Technical plumbing (message_*, activity_*, …) is accepted, not listed:
        // the listing is paid for on every conversation.
        let listed: Vec<&str> = d
            .fields
            .iter()
            .filter(|f| is_listed_field(f))
            .map(|f| f.name)
            .collect();
        let fields_enum = json!({
            "type": "array", "items": {"type": "string", "enum": listed},
            "description": if full { "Fields to return; omit for a compact default set. Stored fields are listed (but message_*, activity_* and the like); the others (get_fields names them) are accepted too" } else { "Omit for a default set; others too (get_fields)" }
        });
        let names: Vec<&str> = d.fields.iter().map(|f| f.name).collect();
        let every_field = json!({"type": "array", "items": {"type": "string", "enum": names}});
        let record_id =
            json!({"type": "integer", "minimum": 1, "description": format!("{} id", d.label)});
        let dry_run = json!({"type": "boolean", "description": "Validate only; write nothing"});
        Self {
            d,
            shape,
            full,
            fields_enum,
            every_field,
            record_id,
            dry_run,
        }
    }

    /// `A`'s listed and checked schemas with the slots filled (`check_slots`
    /// over `slots` for the checked one): compact listings describe only what
    /// the model adds. `company_id` where the call may name its company.
    fn arguments<A: JsonSchema>(
        &self,
        company: bool,
        slots: &Map<String, Value>,
        check_slots: &Map<String, Value>,
    ) -> (Value, Value) {
        let limits = self.shape.limits;
        let mut listed = schema::fill(schema::input_schema::<A>(), limits);
        let mut check = schema::fill(schema::check_schema::<A>(), limits);
        if company {
            add_company(&mut listed);
            add_company(&mut check);
        }
        if !self.full {
            without_property_descriptions(&mut listed);
        }
        let mut unfilled = schema::fill_slots(&mut listed, slots);
        let mut check_with = slots.clone();
        check_with.extend(check_slots.clone());
        unfilled.extend(schema::fill_check_slots(&mut check, &check_with));
        self.report_unfilled(&unfilled);
        (listed, check)
    }

    /// A slot without a schema is a bug of this module: the tests build every
    /// generated model's tools in both details and fail on it; a release build
    /// says so and lists the marker.
    fn report_unfilled(&self, unfilled: &[String]) {
        debug_assert!(unfilled.is_empty(), "slots without a schema: {unfilled:?}");
        if !unfilled.is_empty() {
            tracing::error!(model = %self.d.model, ?unfilled, "typed tool slots without a schema");
        }
    }

    /// The answer's schema `O` with its record slot filled.
    fn output<O: JsonSchema>(&self) -> Value {
        let mut output = schema::output_schema::<O>();
        let unfilled = schema::fill_slots(
            &mut output,
            &slots([(ReadRecord::schema_name(), self.read_record())]),
        );
        self.report_unfilled(&unfilled);
        output
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
    /// full detail), decoded as `A` and run by `H`.
    fn entry<A, H>(
        &self,
        suffix: &str,
        handler: &'static H,
        description: String,
        schemas: Schemas,
    ) -> Entry
    where
        A: DeserializeOwned + Into<H::Args>,
        H: ToolSpec,
    {
        let d = self.d;
        let decode: Decoder = decode_as::<A, H>;
        let tool = Tool::new(
            format!("{}_{suffix}", d.tool_prefix),
            description,
            object(schemas.listed),
        )
        .with_raw_output_schema(object(schemas.output));
        // Titles and long descriptions only in full detail: the name says it.
        let base = if self.full {
            ToolAnnotations::with_title(format!("{} {}", capitalized(suffix), d.label))
        } else {
            ToolAnnotations::new()
        };
        let tool = tool.with_annotations(H::EFFECT.annotations(base));
        let tool = match super::apps::View::of_typed(suffix) {
            Some(view) => tool.with_meta(view.meta()),
            None => tool,
        };
        Entry {
            handler,
            model: Some(d),
            company: schemas.company,
            decode,
            check_schema: object(schemas.check),
            tool,
        }
    }

    fn search(&self) -> Entry {
        let d = self.d;
        let (listed, check) = self.arguments::<Search>(
            SearchRecords::COMPANY,
            &slots([(Fields::schema_name(), self.fields_enum.clone())]),
            &slots([(Fields::schema_name(), self.every_field.clone())]),
        );
        // Compact: an object, as search_records answers (its schema lists the keys once).
        let output = if self.full {
            self.output::<search_records::Output<ReadRecord>>()
        } else {
            json!({"type": "object"})
        };
        let description = if self.full {
            format!("Search {} ({}) records.", d.label, d.model)
        } else {
            format!("Search {} ({}), as search_records.", d.label, d.model)
        };
        let schemas = Schemas {
            listed,
            check,
            output,
            company: SearchRecords::COMPANY,
        };
        self.entry::<Search, _>("search", &SearchRecords, description, schemas)
    }

    fn get(&self) -> Entry {
        let d = self.d;
        // The field names are listed once, by the search tool.
        let fields = if self.shape.typed.search && !self.full {
            json!({"type": "array", "items": {"type": "string"}, "description": format!("Names as in {}_search; omit for a default set", d.tool_prefix)})
        } else {
            self.fields_enum.clone()
        };
        let (listed, check) = self.arguments::<Get>(
            GetRecord::COMPANY,
            &slots([
                (Fields::schema_name(), fields),
                (Record::schema_name(), self.record_id.clone()),
            ]),
            &slots([(Fields::schema_name(), self.every_field.clone())]),
        );
        let output = self.output::<get_record::Output<ReadRecord>>();
        let description = format!("Read one {} ({}) by id.", d.label, d.model);
        let schemas = Schemas {
            listed,
            check,
            output,
            company: GetRecord::COMPANY,
        };
        self.entry::<Get, _>("get", &GetRecord, description, schemas)
    }

    /// aggregate_records without `model`, its groupby and aggregates offered as
    /// enums of the model's stored fields (Odoo groups and sums only those).
    /// Every date granularity is listed: a strict client can send only listed
    /// values.
    fn aggregate(&self) -> Entry {
        let d = self.d;
        let (groupby, aggregates) = aggregate_offers(d);
        let example = aggregates
            .get(1)
            .map_or_else(|| "__count".to_string(), String::clone);
        let offer = |values: Vec<String>, description: &str| {
            let mut items = json!({"type": "string"});
            if !values.is_empty() {
                items["enum"] = json!(values);
            }
            json!({"type": "array", "items": items, "description": description})
        };
        let order = if self.full {
            format!("Sort groups, e.g. \"{example} desc\"")
        } else {
            format!("e.g. \"{example} desc\"")
        };
        let (listed, check) = self.arguments::<Aggregate>(
            AggregateRecords::COMPANY,
            &slots([
                (
                    GroupBy::schema_name(),
                    offer(
                        groupby,
                        "Fields to group by; dates by day, week, month, quarter or year",
                    ),
                ),
                (
                    Aggregates::schema_name(),
                    offer(aggregates, "Default [\"__count\"]"),
                ),
                (
                    GroupOrder::schema_name(),
                    json!({"type": "string", "description": order}),
                ),
            ]),
            &Map::new(),
        );
        let description = if self.full {
            format!(
                "Grouped totals of {} ({}), like a pivot: count, sum, avg, min, max per group. Arguments as aggregate_records, without model.",
                d.label, d.model
            )
        } else {
            format!(
                "Grouped totals of {} ({}); arguments as aggregate_records.",
                d.label, d.model
            )
        };
        let output = schema::output_schema::<<AggregateRecords as ToolSpec>::Output>();
        let schemas = Schemas {
            listed,
            check,
            output,
            company: AggregateRecords::COMPANY,
        };
        self.entry::<Aggregate, _>("aggregate", &AggregateRecords, description, schemas)
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
        explain_lines(d, &mut check);
        // The model's values, and the arguments of `Create` beside them.
        let dry_run = slots([(DryRunFlag::schema_name(), self.dry_run.clone())]);
        // `company_id` of a create is the model's field, a value like the others.
        let (extra, _) = self.arguments::<Create>(false, &dry_run, &Map::new());
        merge_properties(&mut listed, extra.clone());
        merge_properties(&mut check, extra);
        let output = schema::output_schema::<<CreateRecord as ToolSpec>::Output>();
        let schemas = Schemas {
            listed,
            check,
            output,
            company: false,
        };
        Some(self.entry::<Create, _>("create", &CreateRecord, description, schemas))
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
        explain_lines(d, &mut values);
        let (listed, check) = self.arguments::<Update>(
            UpdateRecord::COMPANY,
            &slots([
                (Record::schema_name(), self.record_id.clone()),
                (Values::schema_name(), listed_values),
                (DryRunFlag::schema_name(), self.dry_run.clone()),
            ]),
            &slots([(Values::schema_name(), values)]),
        );
        let output = schema::output_schema::<<UpdateRecord as ToolSpec>::Output>();
        let description = format!("Write values on one {} ({}).", d.label, d.model);
        let schemas = Schemas {
            listed,
            check,
            output,
            company: UpdateRecord::COMPANY,
        };
        Some(self.entry::<Update, _>("update", &UpdateRecord, description, schemas))
    }

    fn delete(&self) -> Entry {
        let d = self.d;
        let (listed, check) = self.arguments::<Delete>(
            DeleteRecord::COMPANY,
            &slots([
                (Record::schema_name(), self.record_id.clone()),
                (DryRunFlag::schema_name(), self.dry_run.clone()),
            ]),
            &Map::new(),
        );
        let output = schema::output_schema::<<DeleteRecord as ToolSpec>::Output>();
        let description = format!("Delete one {} ({}).", d.label, d.model);
        let schemas = Schemas {
            listed,
            check,
            output,
            company: DeleteRecord::COMPANY,
        };
        self.entry::<Delete, _>("delete", &DeleteRecord, description, schemas)
    }

    /// press_button on `record_ids` with its `button` as `action`, an enum of
    /// the known buttons: form, lists and Action menu (labels and hiding
    /// conditions in full detail); `None` when the model has none.
    fn action(&self) -> Option<Entry> {
        let d = self.d;
        if d.buttons.is_empty() {
            return None;
        }
        let methods: Vec<&str> = d.buttons.iter().map(|b| b.method).collect();
        let mut action = json!({"type": "string", "enum": methods});
        let mut record_ids = json!({
            "type": "array", "items": {"type": "integer", "minimum": 1},
            "minItems": 1, "maxItems": MAX_BATCH,
        });
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
            record_ids["description"] = json!(format!("{} ids", d.label));
            format!(
                "Press a button of the {} ({}) form, lists or Action menu on records, as a person would; refused where Odoo hides it. A wizard it opens comes back as next, for run_wizard.",
                d.label, d.model
            )
        } else {
            format!("Press a {} button; as press_button.", d.model)
        };
        let (listed, check) = self.arguments::<Action>(
            PressButton::COMPANY,
            &slots([
                (Records::schema_name(), record_ids),
                (Button::schema_name(), action),
            ]),
            &Map::new(),
        );
        let output = schema::output_schema::<<PressButton as ToolSpec>::Output>();
        let schemas = Schemas {
            listed,
            check,
            output,
            company: PressButton::COMPANY,
        };
        Some(self.entry::<Action, _>("action", &PressButton, description, schemas))
    }
}

/// Listed in a typed tool's `fields` enum: the stored fields a person asks
/// for, and `display_name`; the others are accepted all the same.
pub(crate) fn is_listed_field(f: &FieldDescriptor) -> bool {
    let name = f.name;
    name == "display_name"
        || (f.stored
            && (!crate::odoo::model_fields::is_technical(name)
                || matches!(name, "create_date" | "write_date")))
}

/// What the model's typed aggregate offers: the stored fields to group by
/// (dates at every granularity), and `__count` with the functions of its
/// numeric fields.
fn aggregate_offers(d: &ModelDescriptor) -> (Vec<String>, Vec<String>) {
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
    (groupby, aggregates)
}

/// Gives the one2many and many2many properties of a checked payload the
/// shapes they take and an example, which the argument check answers a wrong
/// value with: their types alone ("an array of an integer or an object")
/// do not teach them. The check schema only: listings keep their size.
fn explain_lines(d: &ModelDescriptor, payload: &mut Value) {
    use odoo_client::registry::FieldType;
    use odoo_client::x2many::{EXAMPLE, SHAPES};
    let Some(Value::Object(properties)) = payload.get_mut("properties") else {
        return;
    };
    for (name, schema) in properties.iter_mut() {
        let lines = d
            .field(name)
            .is_some_and(|f| matches!(f.ttype, FieldType::One2many | FieldType::Many2many));
        if let (true, Some(schema)) = (lines, schema.as_object_mut()) {
            let expected = format!("{SHAPES} (e.g. {EXAMPLE})");
            schema.insert(crate::arguments::EXPECTED.into(), json!(expected));
        }
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
