//! Typed per-model tools, driven in-process with a hand-written descriptor of
//! `res.partner` shaped like odoo-codegen's output (so these tests do not wait
//! on the generated crate), against the Odoo test double.

mod common;

use common::{assert_valid_schema, err, ok, tool};
use odoo_client::registry::{FieldDescriptor, FieldType, ModelDescriptor, reencode, schema_for};
use odoo_client::value::{false_as_none, ids_or_false, string_or_false};
use odoo_client::{Many2One, RecordId};
use odoo_mcp::OdooMcp;
use odoo_mcp::settings::{Access, Settings, TypedTools};
use odoo_tests::OdooDouble;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// Address Type.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum AddressType {
    Contact,
    Invoice,
    Delivery,
    Other,
}

/// Contact, as read.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
struct PartnerRead {
    id: RecordId,
    /// Name
    #[serde(default, deserialize_with = "string_or_false")]
    name: String,
    /// Email
    #[serde(default, deserialize_with = "false_as_none")]
    email: Option<String>,
    /// Is a Company
    #[serde(default)]
    is_company: bool,
    /// Country
    #[serde(default, deserialize_with = "false_as_none")]
    country_id: Option<Many2One>,
    /// Address Type
    #[serde(rename = "type", default, deserialize_with = "false_as_none")]
    kind: Option<AddressType>,
    /// Contacts
    #[serde(default, deserialize_with = "ids_or_false")]
    child_ids: Vec<RecordId>,
    /// Notes
    #[serde(default, deserialize_with = "false_as_none")]
    comment: Option<String>,
}

/// Values of a new contact.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PartnerCreate {
    /// Name
    name: String,
    /// Email
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    /// Is a Company
    #[serde(default, skip_serializing_if = "Option::is_none")]
    is_company: Option<bool>,
    /// Address Type
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    kind: Option<AddressType>,
}

/// Values to write on a contact.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct PartnerUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    kind: Option<AddressType>,
}

const fn field(name: &'static str, ttype: FieldType, label: &'static str) -> FieldDescriptor {
    FieldDescriptor {
        name,
        ttype,
        label,
        required: false,
        readonly: false,
        stored: true,
        relation: None,
    }
}

static PARTNER_FIELDS: [FieldDescriptor; 8] = [
    field("id", FieldType::Integer, "ID"),
    FieldDescriptor {
        required: true,
        ..field("name", FieldType::Char, "Name")
    },
    field("email", FieldType::Char, "Email"),
    field("is_company", FieldType::Boolean, "Is a Company"),
    FieldDescriptor {
        relation: Some("res.country"),
        ..field("country_id", FieldType::Many2one, "Country")
    },
    field("type", FieldType::Selection, "Address Type"),
    FieldDescriptor {
        relation: Some("res.partner"),
        ..field("child_ids", FieldType::One2many, "Contacts")
    },
    field("comment", FieldType::Html, "Notes"),
];

static MODELS: [ModelDescriptor; 1] = [ModelDescriptor {
    model: "res.partner",
    label: "Contact",
    tool_prefix: "res_partner",
    fields: &PARTNER_FIELDS,
    read_schema: schema_for::<PartnerRead>,
    create_schema: Some(schema_for::<PartnerCreate>),
    update_schema: Some(schema_for::<PartnerUpdate>),
    check_record: reencode::<PartnerRead>,
    check_create: Some(reencode::<PartnerCreate>),
    check_update: Some(reencode::<PartnerUpdate>),
    buttons: &[],
}];

fn server(double: &OdooDouble, access: Access) -> OdooMcp {
    let settings = Settings {
        access,
        typed_tools: TypedTools::ALL,
        ..Settings::default()
    };
    OdooMcp::new(double.config_json2(), settings, &MODELS).expect("server")
}

fn args(value: Value) -> Option<Map<String, Value>> {
    value.as_object().cloned()
}

/// Checks `value` against a tool's output schema with the server's own validator.
fn conforms(schema: &Map<String, Value>, value: &Value) {
    if let Err(e) = odoo_mcp::arguments::check(schema, value) {
        panic!("structuredContent does not match outputSchema: {e}\n{value}");
    }
}

#[tokio::test]
async fn typed_tools_are_listed_with_real_schemas() {
    let double = OdooDouble::start().await;
    let server = server(&double, Access::Standard);
    let tools = server.tools();
    for suffix in ["search", "get", "create", "update", "delete"] {
        let t = tool(&tools, &format!("res_partner_{suffix}"));
        assert_valid_schema(&Value::Object((*t.input_schema).clone()));
        assert_valid_schema(&Value::Object(
            (**t.output_schema.as_ref().unwrap()).clone(),
        ));
    }
    let search = tool(&tools, "res_partner_search");
    let fields = &search.input_schema["properties"]["fields"]["items"]["enum"];
    assert_eq!(fields.as_array().unwrap().len(), PARTNER_FIELDS.len());
    assert!(fields.as_array().unwrap().contains(&json!("email")));
    let create = tool(&tools, "res_partner_create");
    assert_eq!(create.input_schema["required"], json!(["name"]));
    // Selections are inlined as enums: strict clients take no `$ref`.
    let listed = serde_json::to_string(&create.input_schema).unwrap();
    assert!(
        !listed.contains("$ref") && !listed.contains("$defs"),
        "{listed}"
    );
    assert_eq!(
        create.input_schema["properties"]["type"]["enum"],
        json!(["contact", "invoice", "delivery", "other"]),
        "{listed}"
    );
    assert_eq!(
        create.annotations.as_ref().unwrap().destructive_hint,
        Some(false)
    );
    let delete = tool(&tools, "res_partner_delete");
    assert_eq!(
        delete.annotations.as_ref().unwrap().destructive_hint,
        Some(true)
    );
    assert_eq!(double.request_count(), 0);

    let read_only = server_read_only(&double);
    let names: Vec<String> = read_only
        .tools()
        .iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(names.contains(&"res_partner_search".to_string()));
    assert!(
        !names
            .iter()
            .any(|n| n.ends_with("_create") || n.ends_with("_delete"))
    );
}

fn server_read_only(double: &OdooDouble) -> OdooMcp {
    server(double, Access::ReadOnly)
}

#[tokio::test]
async fn typed_search_and_get_match_their_output_schemas() {
    let double = OdooDouble::start().await;
    let server = server(&double, Access::Standard);
    let tools = server.tools();
    let search_schema = tool(&tools, "res_partner_search")
        .output_schema
        .clone()
        .unwrap();

    // Default fields are the list view's columns: the view (and the fields this
    // small descriptor lacks) are asked once; then a search is one request.
    let search = || {
        server.call(
            "res_partner_search",
            args(json!({"domain": [["is_company", "=", true]], "limit": 3})),
        )
    };
    ok(&search().await);
    double.clear_requests();
    let result = search().await;
    let found = ok(&result);
    assert_eq!(double.requests().len(), 1, "{:?}", double.requests());
    assert!(found["records"][0].get("email").is_some(), "{found}");
    conforms(&search_schema, &found);
    let record = found["records"][0].as_object().unwrap();
    assert!(!record.contains_key("comment") && !record.contains_key("child_ids"));
    assert!(
        found["notes"][0]
            .as_str()
            .unwrap()
            .contains("res_partner_search")
    );

    // Empty values read as null through the read struct; many2one stays [id, name].
    let result = server
        .call("res_partner_search", args(json!({"domain": [["id", "=", 3]], "fields": ["email", "type", "country_id", "comment"]})))
        .await;
    let found = ok(&result);
    conforms(&search_schema, &found);
    let record = &found["records"][0];
    assert_eq!(record["country_id"], json!([233, "United States"]));
    assert_eq!(record["type"], "contact");
    assert_eq!(record["comment"], Value::Null);
    assert!(record.get("name").is_none(), "only the fields asked for");

    let get_schema = tool(&tools, "res_partner_get")
        .output_schema
        .clone()
        .unwrap();
    let got = ok(&server
        .call("res_partner_get", args(json!({"record_id": 3})))
        .await);
    conforms(&get_schema, &got);
    assert_eq!(got["record"]["display_name"], "YourCompany, Mitchell Admin");

    let m = err(&server
        .call("res_partner_get", args(json!({"record_id": 424242})))
        .await);
    assert!(m.contains("424242") && m.contains("does not exist"), "{m}");
    let m = err(&server
        .call("res_partner_search", args(json!({"fields": ["emial"]})))
        .await);
    assert!(m.contains("`fields[0]`") && m.contains("\"email\""), "{m}");
    let m = err(&server
        .call(
            "res_partner_search",
            args(json!({"domain": [["emial", "=", "x"]]})),
        )
        .await);
    assert!(m.contains("`emial`") && m.contains("`email`"), "{m}");
}

#[tokio::test]
async fn typed_writes_go_through_the_generated_structs() {
    let double = OdooDouble::start().await;
    let server = server(&double, Access::Standard);

    let m = err(&server
        .call("res_partner_create", args(json!({"email": "a@b.c"})))
        .await);
    assert!(m.contains("missing required argument `name`"), "{m}");
    let m = err(&server
        .call(
            "res_partner_create",
            args(json!({"name": "X", "type": "robot"})),
        )
        .await);
    assert!(m.contains("`type`") && m.contains("\"invoice\""), "{m}");
    let m = err(&server
        .call(
            "res_partner_create",
            args(json!({"name": "X", "emial": "a@b.c"})),
        )
        .await);
    assert!(m.contains("`emial`") && m.contains("`email`"), "{m}");
    // A typed create's arguments are field values: `model` is one it lacks, not the model.
    let m = err(&server
        .call(
            "res_partner_create",
            args(json!({"name": "X", "model": "res.users"})),
        )
        .await);
    assert!(m.contains("`model`"), "{m}");
    assert!(double.requests().is_empty(), "refused before any request");

    let created = ok(&server
        .call(
            "res_partner_create",
            args(json!({"name": "Typed Co", "type": "invoice", "is_company": true})),
        )
        .await);
    let id = created["id"].as_i64().unwrap();
    // An optional argument given as null is left out, as on the generic tools.
    let updated = ok(&server
        .call(
            "res_partner_update",
            args(
                json!({"record_id": id, "values": {"email": "typed@example.com"}, "dry_run": null}),
            ),
        )
        .await);
    assert_eq!(updated["updated"], true);
    let stored = double
        .records("res.partner")
        .into_iter()
        .find(|r| r["id"] == id)
        .unwrap();
    assert_eq!(stored["email"], "typed@example.com");
    assert_eq!(stored["type"], "invoice");
    ok(&server
        .call("res_partner_delete", args(json!({"record_id": id})))
        .await);
    assert!(!double.records("res.partner").iter().any(|r| r["id"] == id));

    let read_only = server_read_only(&double);
    double.clear_requests();
    let m = err(&read_only
        .call("res_partner_delete", args(json!({"record_id": 3})))
        .await);
    assert!(m.contains("read-only"), "{m}");
    assert!(double.requests().is_empty());
}

#[tokio::test]
async fn generic_writes_on_a_generated_model_are_checked_against_its_types() {
    let double = OdooDouble::start().await;
    let settings = Settings {
        access: Access::Full,
        ..Settings::default()
    };
    let server = OdooMcp::new(
        double.config_json2(),
        settings,
        odoo_mcp::generated_models(),
    )
    .expect("server");
    let refused = [
        (
            "create_record",
            json!({"model": "res.partner", "values": {"name": "X", "type": "robot"}}),
            "`values.type`",
        ),
        (
            "update_record",
            json!({"model": "res.partner", "record_id": 3, "values": {"country_id": "Belgium"}}),
            "`values.country_id`: expected an integer",
        ),
        (
            "create_records",
            json!({"model": "res.partner", "records": [{"name": "A"}, {"name": "B", "is_company": "yes"}]}),
            "`records[1].is_company`: expected a boolean",
        ),
        (
            "update_records",
            json!({"model": "res.partner", "updates": [{"id": 3, "values": {"type": "robot"}}]}),
            "`updates[0].values.type`",
        ),
        (
            "update_records",
            json!({"model": "res.partner", "record_ids": [3], "values": {"type": "robot"}}),
            "`values.type`",
        ),
    ];
    for (tool, arguments, expected) in refused {
        double.clear_requests();
        let m = err(&server.call(tool, args(arguments)).await);
        assert!(m.contains(expected), "{tool}: {m}");
        if expected.ends_with(".type`") {
            assert!(
                m.contains("\"invoice\""),
                "{tool}: the valid values are named: {m}"
            );
        }
        assert!(
            !double.requests().iter().any(|(_, _, method)| matches!(
                method.as_str(),
                "create" | "write" | "web_save_multi"
            )),
            "{tool}: nothing written"
        );
    }
    // A dry run reports the same problem in its plan.
    let plan = ok(&server
        .call(
            "update_record",
            args(json!({"model": "res.partner", "record_id": 3, "values": {"type": "robot"}, "dry_run": true})),
        )
        .await);
    assert_eq!(plan["valid"], false, "{plan}");
    assert!(plan["problems"].to_string().contains("robot"), "{plan}");
    // Odoo's commands on an x2many field, and valid values, still go through.
    let created = ok(&server
        .call(
            "create_record",
            args(json!({"model": "res.partner", "values": {"name": "Typed generic", "type": "invoice", "category_id": [[6, 0, []]]}})),
        )
        .await);
    assert!(created["id"].as_i64().is_some_and(|id| id > 0), "{created}");
}

#[tokio::test]
async fn allowlist_opens_extra_models_in_standard_mode() {
    let double = OdooDouble::start().await;
    let settings = Settings {
        allowlist: ["res.country".to_string()].into_iter().collect(),
        typed_tools: TypedTools::ALL,
        ..Settings::default()
    };
    let server = OdooMcp::new(double.config_json2(), settings, &MODELS).expect("server");
    let found = ok(&server
        .call(
            "search_records",
            args(json!({"model": "res.country", "fields": ["name", "code"], "limit": 2})),
        )
        .await);
    assert_eq!(found["count"], 2);
    double.clear_requests();
    let m = err(&server
        .call("search_records", args(json!({"model": "res.users"})))
        .await);
    assert!(
        m.contains("not enabled") && m.contains("res.country"),
        "{m}"
    );
    let m = err(&server
        .call("search_records", args(json!({"model": "res.countr"})))
        .await);
    assert!(m.contains("`res.country`"), "{m}");
    assert!(double.requests().is_empty());
    let models = ok(&server.call("list_models", args(json!({}))).await);
    let names = models["models"].to_string();
    assert!(
        names.contains("res.country") && names.contains("res.partner"),
        "{names}"
    );
}
