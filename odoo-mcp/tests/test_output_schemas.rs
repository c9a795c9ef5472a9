//! Issue 14, through the real binary against the Odoo test double with every
//! tool listed (`ODOO_YOLO=true`, `ODOO_MCP_TYPED_TOOLS=all`,
//! `ODOO_MCP_ENABLE_METHOD_CALLS=true`):
//!
//! - every successful answer validates against its tool's declared
//!   `outputSchema` (the official MCP Python SDK refuses one that does not), in
//!   each mode: plain, dry run (valid or not), batch, values per record,
//!   partial reads, over-size attachments; in compact and full schema detail,
//!   and on Odoo 17 over XML-RPC. A tool listed but never called fails the walk,
//!   so a new tool cannot slip past it.
//! - array and object arguments sent as JSON text (MCP Inspector's CLI) are
//!   parsed, and listed static schemas give each property one plain `type`.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use odoo_tests::OdooDouble;
use rmcp::model::Tool;
use serde_json::{Map, Value, json};

/// What makes every tool listed.
const ALL_TOOLS: [(&str, &str); 3] = [
    ("ODOO_YOLO", "true"),
    ("ODOO_MCP_TYPED_TOOLS", "all"),
    ("ODOO_MCP_ENABLE_METHOD_CALLS", "true"),
];

/// Suffixes of the typed tools of a generated model.
const TYPED: [&str; 6] = ["search", "get", "aggregate", "create", "update", "delete"];

/// One server, its listed tools with a validator of each outputSchema, and the
/// tools called so far.
struct Walk {
    label: String,
    client: Client,
    tools: Vec<Tool>,
    validators: BTreeMap<String, jsonschema::Validator>,
    called: BTreeSet<String>,
    /// Makes created names unique (logins, country codes).
    serial: u32,
}

impl Walk {
    async fn start(label: &str, double: &OdooDouble, extra: &[(&str, &str)]) -> Self {
        let mut vars = ALL_TOOLS.to_vec();
        vars.extend_from_slice(extra);
        let (client, _) = stdio_client(&server_env(double, &vars)).await;
        let tools = client.list_all_tools().await.expect("tools/list");
        let validators = tools
            .iter()
            .map(|t| {
                let schema = t
                    .output_schema
                    .as_ref()
                    .unwrap_or_else(|| panic!("{}: no outputSchema", t.name));
                let schema = Value::Object((**schema).clone());
                let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| {
                    panic!("{}: outputSchema is not a JSON Schema: {e}", t.name)
                });
                (t.name.to_string(), validator)
            })
            .collect();
        Self {
            label: label.to_string(),
            client,
            tools,
            validators,
            called: BTreeSet::new(),
            serial: 0,
        }
    }

    fn unique(&mut self, stem: &str) -> String {
        self.serial += 1;
        format!("{stem} {}", self.serial)
    }

    /// Calls `name` in `mode`: it must succeed, and its structuredContent must
    /// validate against the tool's outputSchema. Returns the answer.
    async fn ok(&mut self, name: &str, mode: &str, arguments: Value) -> Value {
        let label = format!("[{}] {name} ({mode})", self.label);
        let validator = self
            .validators
            .get(name)
            .unwrap_or_else(|| panic!("{label}: not listed"));
        let result = call(&self.client, name, arguments.clone()).await;
        assert_ne!(
            result.is_error,
            Some(true),
            "{label}: {}\narguments: {arguments}",
            text(&result)
        );
        let answer = ok(&result);
        let errors: Vec<String> = validator
            .iter_errors(&answer)
            .map(|e| format!("{e} (at {})", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{label} answered outside its outputSchema: {errors:#?}\narguments: {arguments}\nanswer: {answer}"
        );
        self.called.insert(name.to_string());
        answer
    }

    /// Calls `name` with arguments its schema refuses: it must answer a tool
    /// error naming `argument`. For tools whose output schema another call
    /// checks (the typed actions share press_button's).
    async fn refused(&mut self, name: &str, argument: &str, arguments: Value) {
        let result = call(&self.client, name, arguments.clone()).await;
        assert_eq!(
            result.is_error,
            Some(true),
            "[{}] {name}: {}",
            self.label,
            text(&result)
        );
        assert!(
            text(&result).contains(&format!("argument `{argument}`")),
            "[{}] {name}: {}",
            self.label,
            text(&result)
        );
        self.called.insert(name.to_string());
    }

    fn listed(&self, name: &str) -> &Tool {
        tool(&self.tools, name)
    }

    fn assert_every_tool_called(&self) {
        let listed: BTreeSet<String> = self.tools.iter().map(|t| t.name.to_string()).collect();
        let missed: Vec<&String> = listed.difference(&self.called).collect();
        assert!(
            missed.is_empty(),
            "[{}] listed but never called, so its answers are unchecked: {missed:?}",
            self.label
        );
        assert!(self.called.len() > 90, "{} tools", self.called.len());
    }

    /// Valid values for a new record of `model`: each field the typed create
    /// tool requires, from what get_fields says of it.
    async fn create_values(&mut self, model: &str, create_tool: &str) -> Map<String, Value> {
        let required: Vec<String> = self
            .listed(create_tool)
            .input_schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let mut values = Map::new();
        // Odoo computes a line's description from its product, none given here.
        if required.is_empty() || model == "sale.order.line" {
            values.insert("name".into(), json!(self.unique("Walk")));
        }
        if required.is_empty() {
            return values;
        }
        let fields = self
            .ok(
                "get_fields",
                "names",
                json!({"model": model, "names": required}),
            )
            .await;
        for field in fields["fields"].as_array().expect("fields") {
            let name = field["name"].as_str().expect("name").to_string();
            let value = match field["type"].as_str().expect("type") {
                // What an existing record points to (the double holds records
                // of the generated models only), else any record of the relation.
                "many2one" => {
                    let used = self
                        .ok(
                            "search_records",
                            "one field",
                            json!({"model": model, "fields": [name], "domain": [[name, "!=", false]], "limit": 1}),
                        )
                        .await;
                    match &used["records"][0][&name] {
                        Value::Array(pair) => pair[0].clone(),
                        _ => {
                            let relation = field["relation"].as_str().expect("relation");
                            let found = self
                                .ok(
                                    "search_records",
                                    "ids only",
                                    json!({"model": relation, "fields": ["id"], "limit": 1}),
                                )
                                .await;
                            found["records"][0]["id"].clone()
                        }
                    }
                }
                "selection" => field["selection"][0][0].clone(),
                "integer" => json!(1),
                "float" | "monetary" => json!(1.5),
                "boolean" => json!(true),
                "date" => json!("2026-01-15"),
                "datetime" => json!("2026-01-15 10:00:00"),
                "many2many" | "one2many" => json!([]),
                _ if name == "code" => {
                    self.serial += 1;
                    json!(format!("Q{}", self.serial))
                }
                _ => json!(self.unique("Walk")),
            };
            values.insert(name, value);
        }
        values
    }
}

/// The generic and extra tools in each of their modes.
async fn walk_static(walk: &mut Walk, modern: bool) {
    // search_records: default fields (with a note), chosen ones, every one, a
    // null `fields`, a count, a page further on, a clamped limit, no match.
    for (mode, arguments) in [
        (
            "default fields",
            json!({"model": "res.partner", "limit": 2}),
        ),
        (
            "partial, counted, second page",
            json!({"model": "res.partner", "fields": ["name", "email"], "count": true, "offset": 1, "limit": 2, "domain": [["id", ">", 0]], "order": "name desc"}),
        ),
        (
            "every field",
            json!({"model": "res.partner", "fields": ["__all__"], "limit": 1}),
        ),
        (
            "null fields",
            json!({"model": "res.partner", "fields": null, "limit": 1}),
        ),
        (
            "clamped limit",
            json!({"model": "res.country", "limit": 100_000, "fields": ["code"]}),
        ),
        (
            "no match",
            json!({"model": "res.partner", "domain": [["id", "=", -1]]}),
        ),
    ] {
        walk.ok("search_records", mode, arguments).await;
    }
    walk.ok(
        "get_record",
        "default fields",
        json!({"model": "res.partner", "record_id": 3}),
    )
    .await;
    walk.ok(
        "get_record",
        "partial",
        json!({"model": "res.partner", "record_id": 3, "fields": ["name", "country_id"]}),
    )
    .await;
    walk.ok("list_models", "all", json!({})).await;
    walk.ok(
        "list_models",
        "query, refresh",
        json!({"query": "partner", "refresh": true}),
    )
    .await;

    // Generic writes: plain and dry run (valid, and with problems).
    let name = walk.unique("Schema Walk");
    let planned = walk
        .ok(
            "create_record",
            "dry run",
            json!({"model": "res.partner", "values": {"name": name}, "dry_run": true}),
        )
        .await;
    assert_eq!(planned["valid"], true, "{planned}");
    let planned = walk
        .ok(
            "create_record",
            "dry run with problems",
            json!({"model": "res.partner", "values": {"name": name, "type": "robot"}, "dry_run": true}),
        )
        .await;
    assert_eq!(planned["valid"], false, "{planned}");
    let created = walk
        .ok(
            "create_record",
            "plain",
            json!({"model": "res.partner", "values": {"name": name, "city": "Gent"}}),
        )
        .await;
    let id = created["id"].as_i64().expect("id");
    walk.ok(
        "update_record",
        "dry run",
        json!({"model": "res.partner", "record_id": id, "values": {"city": "Brugge"}, "dry_run": true}),
    )
    .await;
    walk.ok(
        "update_record",
        "plain",
        json!({"model": "res.partner", "record_id": id, "values": {"city": "Brugge"}}),
    )
    .await;

    // Extra tools.
    walk.ok("get_fields", "all", json!({"model": "res.partner"}))
        .await;
    walk.ok(
        "get_fields",
        "types, query, help",
        json!({"model": "sale.order", "types": ["many2one", "selection"], "query": "partner", "help": true}),
    )
    .await;
    walk.ok("get_current_context", "plain", json!({})).await;
    walk.ok(
        "search_by_name",
        "plain",
        json!({"model": "res.partner", "name": "a", "limit": 2}),
    )
    .await;
    let contacts = json!([
        ["Walk import one", "Belgium", "1"],
        ["Walk import two", "Narnia", "maybe"]
    ]);
    let fields = json!(["name", "country_id", "is_company"]);
    walk.ok(
        "import_records",
        "dry run with errors",
        json!({"model": "res.partner", "fields": fields, "rows": contacts}),
    )
    .await;
    walk.ok(
        "import_records",
        "imported",
        json!({"model": "res.partner", "csv": "name,country_id\nWalk import three,Belgium\n", "import": true}),
    )
    .await;
    for format in ["csv", "json"] {
        walk.ok(
            "export_records",
            format,
            json!({"model": "res.partner", "domain": [["name", "ilike", "walk import"]], "fields": ["name", "country_id/code"], "format": format}),
        )
        .await;
    }
    for (mode, arguments) in [
        ("count only", json!({"model": "res.partner"})),
        (
            "grouped, summed, ordered",
            json!({"model": "sale.order", "groupby": ["state"], "aggregates": ["amount_total:sum", "__count"], "order": "amount_total:sum desc"}),
        ),
        (
            "by month, one more page",
            json!({"model": "res.partner", "groupby": ["create_date:month", "is_company"], "limit": 1}),
        ),
        (
            "clamped limit",
            json!({"model": "res.partner", "groupby": ["is_company"], "limit": 100_000, "offset": 0}),
        ),
    ] {
        walk.ok("aggregate_records", mode, arguments).await;
    }

    let records =
        json!([{"name": walk.unique("Batch")}, {"name": walk.unique("Batch"), "type": "invoice"}]);
    walk.ok(
        "create_records",
        "dry run",
        json!({"model": "res.partner", "records": records, "dry_run": true}),
    )
    .await;
    let batch = walk
        .ok(
            "create_records",
            "plain",
            json!({"model": "res.partner", "records": records}),
        )
        .await;
    let ids = batch["ids"].clone();
    let (a, b) = (ids[0].clone(), ids[1].clone());
    for dry_run in [true, false] {
        let mode = if dry_run {
            "same values, dry run"
        } else {
            "same values"
        };
        walk.ok(
            "update_records",
            mode,
            json!({"model": "res.partner", "record_ids": ids, "values": {"city": "Gent"}, "dry_run": dry_run}),
        )
        .await;
        let mode = if dry_run {
            "values per record, dry run"
        } else if modern {
            "values per record, one transaction"
        } else {
            "values per record, one write each (notes)"
        };
        let out = walk
            .ok(
                "update_records",
                mode,
                json!({"model": "res.partner", "updates": [
                    {"id": a, "values": {"city": "Brugge"}},
                    {"id": b, "values": {"city": "Ieper", "type": "delivery"}}
                ], "dry_run": dry_run}),
            )
            .await;
        if !dry_run && !modern {
            assert!(out["notes"].is_array(), "{out}");
        }
    }

    walk.ok(
        "post_message",
        "note",
        json!({"model": "res.partner", "record_id": id, "body": "Checked <b>schemas</b>"}),
    )
    .await;
    walk.ok(
        "post_message",
        "comment",
        json!({"model": "res.partner", "record_id": id, "body": "Hello", "subtype": "comment", "message_type": "comment"}),
    )
    .await;

    let data = STANDARD.encode(b"%PDF-1.4 schema walk");
    walk.ok(
        "upload_attachment",
        "dry run",
        json!({"model": "res.partner", "record_id": id, "name": "walk.pdf", "data": data, "dry_run": true}),
    )
    .await;
    let uploaded = walk
        .ok(
            "upload_attachment",
            "plain, data URI",
            json!({"model": "res.partner", "record_id": id, "name": "walk.pdf", "data": format!("data:application/pdf;base64,{data}")}),
        )
        .await;
    let attachment = uploaded["id"].clone();
    walk.ok(
        "upload_attachment",
        "no mimetype",
        json!({"model": "res.partner", "record_id": id, "name": "walk.bin", "data": STANDARD.encode([0u8, 1, 2])}),
    )
    .await;
    let got = walk
        .ok(
            "get_attachment",
            "with data",
            json!({"attachment_id": attachment}),
        )
        .await;
    assert!(got["data"].is_string(), "{got}");
    walk.ok(
        "get_attachment",
        "without data",
        json!({"attachment_id": attachment, "include_data": false}),
    )
    .await;

    let (method, kwargs) = if modern {
        ("has_access", json!({"operation": "read"}))
    } else {
        (
            "check_access_rights",
            json!({"operation": "read", "raise_exception": false}),
        )
    };
    walk.ok(
        "call_model_method",
        "model method",
        json!({"model": "res.partner", "method": method, "kwargs": kwargs}),
    )
    .await;

    // A button, and a wizard described then run (its answer's `next`).
    let order = json!({"model": "sale.order", "values": {"partner_id": id}});
    let order = walk.ok("create_record", "plain", order).await;
    walk.ok(
        "press_button",
        "plain",
        json!({"model": "sale.order", "button": "action_confirm", "record_ids": [order["id"]]}),
    )
    .await;
    let order = json!({"model": "sale.order", "values": {"partner_id": id}});
    let order = walk.ok("create_record", "plain", order).await;
    walk.ok(
        "sale_order_action",
        "typed button",
        json!({"action": "action_confirm", "record_ids": [order["id"]]}),
    )
    .await;
    let reason = json!({"model": "crm.lost.reason", "values": {"name": walk.unique("Reason")}});
    let reason = walk.ok("create_record", "plain", reason).await;
    let lead = json!({"model": "crm.lead", "values": {"name": walk.unique("Lead")}});
    let lead = walk.ok("create_record", "plain", lead).await;
    let lost = json!({"model": "crm.lead", "record_ids": [lead["id"]], "wizard": "crm.lead.lost"});
    walk.ok("run_wizard", "described", lost.clone()).await;
    let mut press = lost;
    press["values"] = json!({"lost_reason_id": reason["id"]});
    press["button"] = json!("action_lost_reason_apply");
    walk.ok("run_wizard", "pressed", press).await;

    walk.ok(
        "delete_record",
        "dry run",
        json!({"model": "res.partner", "record_id": id, "dry_run": true}),
    )
    .await;
    // The partner keeps its attachments and messages; a fresh one is deleted.
    let spare = json!({"model": "res.partner", "values": {"name": walk.unique("Spare")}});
    let spare = walk.ok("create_record", "plain", spare).await;
    walk.ok(
        "delete_record",
        "plain",
        json!({"model": "res.partner", "record_id": spare["id"]}),
    )
    .await;
}

/// The six typed tools of every generated model, each in its modes.
async fn walk_typed(walk: &mut Walk) {
    for d in odoo_mcp::generated_models() {
        let name = |suffix: &str| format!("{}_{suffix}", d.tool_prefix);
        let some_fields: Vec<&str> = d.fields.iter().map(|f| f.name).take(3).collect();

        walk.ok(&name("search"), "default fields", json!({"limit": 2}))
            .await;
        walk.ok(
            &name("search"),
            "partial, counted",
            json!({"fields": some_fields, "count": true, "limit": 1, "order": "id desc"}),
        )
        .await;
        walk.ok(
            &name("search"),
            "no match",
            json!({"domain": [["id", "=", -1]]}),
        )
        .await;

        walk.ok(&name("aggregate"), "count only", json!({})).await;
        let groupby =
            walk.listed(&name("aggregate")).input_schema["properties"]["groupby"]["items"]["enum"]
                .as_array()
                .and_then(|specs| specs.first().cloned());
        if let Some(groupby) = groupby {
            walk.ok(
                &name("aggregate"),
                "grouped",
                json!({"groupby": [groupby], "aggregates": ["__count"], "limit": 1}),
            )
            .await;
        }

        let values = walk.create_values(d.model, &name("create")).await;
        let mut planned = values.clone();
        planned.insert("dry_run".into(), json!(true));
        walk.ok(&name("create"), "dry run", Value::Object(planned))
            .await;
        let created = walk
            .ok(&name("create"), "plain", Value::Object(values.clone()))
            .await;
        let id = created["id"].clone();
        assert!(id.as_i64().is_some_and(|id| id > 0), "{created}");

        walk.ok(&name("get"), "default fields", json!({"record_id": id}))
            .await;
        walk.ok(
            &name("get"),
            "partial",
            json!({"record_id": id, "fields": some_fields}),
        )
        .await;

        walk.ok(
            &name("update"),
            "dry run",
            json!({"record_id": id, "values": values, "dry_run": true}),
        )
        .await;
        walk.ok(
            &name("update"),
            "plain",
            json!({"record_id": id, "values": values}),
        )
        .await;

        walk.ok(
            &name("delete"),
            "dry run",
            json!({"record_id": id, "dry_run": true}),
        )
        .await;
        if !d.buttons.is_empty() && d.model != "sale.order" {
            // Answers as sale_order_action's below (press_button's schema).
            walk.refused(
                &name("action"),
                "action",
                json!({"record_ids": [1], "action": "not_a_button"}),
            )
            .await;
        }
        walk.ok(&name("delete"), "plain", json!({"record_id": id}))
            .await;
        for suffix in TYPED {
            assert!(walk.called.contains(&name(suffix)), "{}", name(suffix));
        }
    }
}

async fn walk_everything(label: &str, double: &OdooDouble, extra: &[(&str, &str)], modern: bool) {
    let mut walk = Walk::start(label, double, extra).await;
    walk_static(&mut walk, modern).await;
    walk_typed(&mut walk).await;
    walk.assert_every_tool_called();
    walk.client.cancel().await.ok();
}

#[tokio::test]
async fn every_answer_matches_its_output_schema() {
    let double = OdooDouble::start().await;
    walk_everything("compact", &double, &[], true).await;
}

/// Full detail lists each typed record's real shape as its output schema.
#[tokio::test]
async fn every_answer_matches_its_output_schema_in_full_detail() {
    let double = OdooDouble::start().await;
    walk_everything("full", &double, &[("ODOO_MCP_SCHEMA_DETAIL", "full")], true).await;
}

/// Odoo 17 over XML-RPC: read_group, one write per record, check_access_rights.
#[tokio::test]
async fn every_answer_matches_its_output_schema_on_odoo_17() {
    let double = OdooDouble::start_with_version(17).await;
    walk_everything("odoo 17", &double, &[], false).await;
}

/// An attachment over ODOO_MCP_MAX_BINARY_SIZE comes back without its content, with a note.
#[tokio::test]
async fn an_over_size_attachment_matches_the_output_schema() {
    let double = OdooDouble::start().await;
    let mut walk = Walk::start("default size", &double, &[]).await;
    let uploaded = walk
        .ok(
            "upload_attachment",
            "plain",
            json!({"model": "res.partner", "record_id": 3, "name": "big.bin", "data": STANDARD.encode(vec![7u8; 2048])}),
        )
        .await;
    walk.client.cancel().await.ok();
    let mut small = Walk::start(
        "1 KiB limit",
        &double,
        &[("ODOO_MCP_MAX_BINARY_SIZE", "1024")],
    )
    .await;
    let got = small
        .ok(
            "get_attachment",
            "over the size limit",
            json!({"attachment_id": uploaded["id"]}),
        )
        .await;
    assert!(
        got.get("data").is_none() && got["notes"].is_array(),
        "{got}"
    );
    small.client.cancel().await.ok();
}

/// MCP Inspector's CLI sends `--tool-arg` values as text unless the property
/// has one plain `type`: array and object arguments given as JSON text are
/// parsed; text that is not the expected kind is refused precisely.
#[tokio::test]
async fn arrays_and_objects_sent_as_json_text_are_accepted() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &ALL_TOOLS)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    // One plain type per property of the static tools (typed ones are generated).
    let typed: Vec<String> = odoo_mcp::generated_models()
        .iter()
        .map(|d| format!("{}_", d.tool_prefix))
        .collect();
    for t in tools
        .iter()
        .filter(|t| !typed.iter().any(|p| t.name.starts_with(p.as_str())))
    {
        for (name, property) in t.input_schema["properties"]
            .as_object()
            .expect("properties")
        {
            assert!(
                property["type"].is_string() || property.get("anyOf").is_some(),
                "{}: `{name}` has no single type: {property}",
                t.name
            );
        }
    }
    assert_eq!(
        tool(&tools, "search_records").input_schema["properties"]["fields"]["type"],
        "array"
    );

    let fields = "[\"name\",\"email\"]";
    let found = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": fields, "domain": "[[\"id\", \"=\", 3]]"}),
    )
    .await);
    let record = found["records"][0].as_object().expect("a record");
    let keys: BTreeSet<&str> = record.keys().map(String::as_str).collect();
    assert_eq!(keys, BTreeSet::from(["id", "name", "email"]), "{found}");
    let got = ok(&call(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": 3, "fields": fields}),
    )
    .await);
    assert_eq!(got["record"]["name"], "Mitchell Admin", "{got}");
    assert!(got["record"].get("email").is_some(), "{got}");
    let created = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": "{\"name\": \"From Inspector\", \"city\": \"Gent\"}"}),
    )
    .await);
    let id = created["id"].as_i64().expect("id");
    let partner = double
        .records("res.partner")
        .into_iter()
        .find(|p| p["id"] == id)
        .expect("created");
    assert_eq!(
        (&partner["name"], &partner["city"]),
        (&json!("From Inspector"), &json!("Gent"))
    );
    // `fields: null` still means the default set.
    ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": null, "limit": 1}),
    )
    .await);
    // Text that is not the expected kind is refused by the argument checker.
    let message = err(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": "name"}),
    )
    .await);
    assert!(
        message.contains("`fields`") && message.contains("expected an array"),
        "{message}"
    );
    let message = err(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": "[1]"}),
    )
    .await);
    assert!(
        message.contains("`values`") && message.contains("expected an object"),
        "{message}"
    );
    client.cancel().await.ok();
}

/// Values sent as JSON text are what the confirmation asks about: with
/// ODOO_MCP_CONFIRM=require and a client that cannot confirm, the update is
/// refused, not slipped through because the text did not look like a write.
#[tokio::test]
async fn json_text_arguments_still_need_confirmation() {
    let double = OdooDouble::start().await;
    let env = server_env(
        &double,
        &[("ODOO_YOLO", "true"), ("ODOO_MCP_CONFIRM", "require")],
    );
    let (client, _) = stdio_client(&env).await;
    let before = double.records("res.partner");
    for (name, arguments) in [
        (
            "update_record",
            json!({"model": "res.partner", "record_id": 3, "values": "{\"city\": \"Nowhere\"}"}),
        ),
        (
            "update_records",
            json!({"model": "res.partner", "updates": "[{\"id\": 3, \"values\": {\"city\": \"Nowhere\"}}]"}),
        ),
        (
            "update_records",
            json!({"model": "res.partner", "record_ids": "[3]", "values": "{\"city\": \"Nowhere\"}"}),
        ),
    ] {
        let message = err(&call(&client, name, arguments.clone()).await);
        assert!(
            message.contains("confirmation"),
            "{name} {arguments}: {message}"
        );
    }
    assert_eq!(double.records("res.partner"), before);
    client.cancel().await.ok();
}
