//! Tool schemas of the real catalog (generic, the other static tools and the 13 generated
//! models), built in-process: every inputSchema stays inside the JSON Schema
//! subset strict clients accept (OpenAI strict mode, Gemini), and the default
//! `tools/list` stays within its 50 KB budget (a size, not a timing).

use odoo_mcp::OdooMcp;
use odoo_mcp::settings::{Access, SchemaDetail, Settings, TypedTools};
use rmcp::model::Tool;
use serde_json::{Value, json};

/// Keywords an inputSchema may use.
const ALLOWED: [&str; 14] = [
    "type",
    "properties",
    "required",
    "items",
    "enum",
    "description",
    "anyOf",
    "format",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "additionalProperties",
    "title",
];

const TYPES: [&str; 7] = [
    "string", "number", "integer", "boolean", "array", "object", "null",
];

/// The default `tools/list` budget of issue 9.
const MAX_DEFAULT_LIST: usize = 50_000;
/// The `ODOO_YOLO=true` listing (issue 24): no larger than the Python server's
/// (mcp-server-odoo 0.9.0: 49,665 B for 16 tools), whose tools ours cover.
const MAX_YOLO_LIST: usize = 49_665;

fn tools(access: Access, typed: TypedTools, detail: SchemaDetail) -> Vec<Tool> {
    let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("k3y-not-used");
    let settings = Settings {
        access,
        typed_tools: typed,
        schema_detail: detail,
        ..Settings::default()
    };
    // Building and listing makes no request: the URL is never contacted.
    OdooMcp::new(config, settings, odoo_mcp::generated_models())
        .expect("server")
        .tools()
}

fn list_bytes(tools: &[Tool]) -> usize {
    serde_json::to_string(&json!({"tools": tools}))
        .expect("json")
        .len()
}

/// Walks one schema node; `path` says where a failure is.
fn assert_strict(tool: &str, path: &str, schema: &Value) {
    let Some(map) = schema.as_object() else {
        panic!("{tool}: {path} is not a schema object: {schema}");
    };
    for key in map.keys() {
        assert!(
            ALLOWED.contains(&key.as_str()),
            "{tool}: `{key}` at {path} is outside the strict subset"
        );
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        // Only the nullable form: [T, "null"].
        Some(Value::Array(ts)) => {
            let ts: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
            assert!(
                ts.len() == 2 && ts.contains(&"null"),
                "{tool}: type union {ts:?} at {path}: only [T, \"null\"] is accepted"
            );
            ts
        }
        Some(other) => panic!("{tool}: type {other} at {path}"),
        None => {
            assert!(
                map.contains_key("anyOf"),
                "{tool}: no `type` (nor anyOf) at {path}"
            );
            vec![]
        }
    };
    for t in &types {
        assert!(TYPES.contains(t), "{tool}: unknown type {t} at {path}");
    }
    if types.contains(&"array") {
        let items = map
            .get("items")
            .unwrap_or_else(|| panic!("{tool}: array without `items` at {path}"));
        assert_strict(tool, &format!("{path}.items"), items);
    }
    if let Some(values) = map.get("enum") {
        let values = values.as_array().expect("enum is a list");
        assert!(!values.is_empty(), "{tool}: empty enum at {path}");
        assert!(
            types.contains(&"string") && values.iter().all(Value::is_string),
            "{tool}: enum at {path} must be of strings with type string"
        );
    }
    if let Some(properties) = map.get("properties") {
        let properties = properties.as_object().expect("properties is an object");
        for (name, child) in properties {
            assert_strict(tool, &format!("{path}.{name}"), child);
        }
        if let Some(required) = map.get("required") {
            for name in required.as_array().expect("required is a list") {
                let name = name.as_str().expect("required names");
                assert!(
                    properties.contains_key(name),
                    "{tool}: required `{name}` at {path} is not a property"
                );
            }
        }
    }
    if let Some(extra) = map.get("additionalProperties") {
        assert_eq!(
            extra,
            &Value::Bool(false),
            "{tool}: additionalProperties at {path}"
        );
    }
    if let Some(branches) = map.get("anyOf") {
        for (i, branch) in branches.as_array().expect("anyOf list").iter().enumerate() {
            assert_strict(tool, &format!("{path}.anyOf[{i}]"), branch);
        }
    }
}

#[test]
fn every_input_schema_is_in_the_strict_subset() {
    let mut seen = 0;
    for access in [Access::Standard, Access::ReadOnly, Access::Full] {
        for detail in [SchemaDetail::Compact, SchemaDetail::Full] {
            for tool in tools(access, TypedTools::ALL, detail) {
                let schema = Value::Object((*tool.input_schema).clone());
                assert_eq!(schema["type"], "object", "{}", tool.name);
                assert_strict(&tool.name, "inputSchema", &schema);
                seen += 1;
            }
        }
    }
    // 13 models x 5 typed tools, listed in two access modes with writes.
    assert!(seen > 13 * 5 * 2 * 2, "{seen} schemas walked");
}

#[test]
fn default_tools_list_fits_the_budget() {
    let listed = tools(
        Access::Standard,
        TypedTools::default(),
        SchemaDetail::Compact,
    );
    let bytes = list_bytes(&listed);
    println!("default tools/list: {bytes} bytes, {} tools", listed.len());
    assert!(
        bytes <= MAX_DEFAULT_LIST,
        "default tools/list is {bytes} bytes, over {MAX_DEFAULT_LIST}"
    );
    // The typed search tools of every generated model are there, and list
    // every stored field a person asks for once (computed ones and technical
    // plumbing are accepted, not listed).
    let plumbing = |n: &str| {
        [
            "message_",
            "activity_",
            "website_message",
            "access_",
            "rating_",
        ]
        .iter()
        .chain(&["my_activity", "has_message", "avatar_", "image_", "__"])
        .any(|p| n.starts_with(p))
            || matches!(n, "create_uid" | "write_uid")
    };
    for model in odoo_mcp::generated_models() {
        let name = format!("{}_search", model.tool_prefix);
        let search = listed
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        let names = &search.input_schema["properties"]["fields"]["items"]["enum"];
        let expected: Vec<&str> = model
            .fields
            .iter()
            .filter(|f| f.name == "display_name" || (f.stored && !plumbing(f.name)))
            .map(|f| f.name)
            .collect();
        let names: Vec<&str> = names
            .as_array()
            .expect("an enum")
            .iter()
            .filter_map(|n| n.as_str())
            .collect();
        assert_eq!(names, expected, "{name}");
    }
    // Read-only lists less, never more.
    let read_only = tools(
        Access::ReadOnly,
        TypedTools::default(),
        SchemaDetail::Compact,
    );
    assert!(list_bytes(&read_only) <= bytes);
}

#[test]
fn yolo_tools_list_fits_the_budget() {
    let listed = tools(Access::Full, TypedTools::default(), SchemaDetail::Compact);
    let bytes = list_bytes(&listed);
    println!("YOLO tools/list: {bytes} bytes, {} tools", listed.len());
    assert!(
        bytes <= MAX_YOLO_LIST,
        "ODOO_YOLO=true tools/list is {bytes} bytes, over {MAX_YOLO_LIST}"
    );
}

#[test]
fn settings_pick_the_typed_tools() {
    let count = |typed: TypedTools, suffix: &str| {
        tools(Access::Full, typed, SchemaDetail::Compact)
            .iter()
            .filter(|t| {
                t.name.ends_with(suffix)
                    && odoo_mcp::generated_models()
                        .iter()
                        .any(|m| t.name.starts_with(m.tool_prefix))
            })
            .count()
    };
    let models = odoo_mcp::generated_models().len();
    assert_eq!(count(TypedTools::default(), "_search"), models);
    assert_eq!(count(TypedTools::default(), "_get"), 0);
    assert_eq!(count(TypedTools::NONE, "_search"), 0);
    assert_eq!(count(TypedTools::ALL, "_delete"), models);
    assert_eq!(count(TypedTools::default(), "_aggregate"), 0);
    assert_eq!(count(TypedTools::ALL, "_aggregate"), models);
    // One action tool per model whose form has buttons that move a record along.
    let with_buttons = odoo_mcp::generated_models()
        .iter()
        .filter(|m| !m.buttons.is_empty())
        .count();
    assert!(with_buttons >= 6, "{with_buttons}");
    assert_eq!(count(TypedTools::ALL, "_action"), with_buttons);
    assert_eq!(count(TypedTools::default(), "_action"), 0);
    let actions: TypedTools = "search,action".parse().expect("search,action");
    assert_eq!(count(actions, "_action"), with_buttons);
    let read: TypedTools = "read".parse().expect("read");
    assert_eq!(count(read, "_get"), models);
    assert_eq!(count(read, "_aggregate"), models);
    assert_eq!(count(read, "_create"), 0);
    assert_eq!(count(read, "_action"), 0);
    assert!("search,bogus".parse::<TypedTools>().is_err());
}

#[test]
fn typed_models_pick_which_models_get_typed_tools() {
    let only = |list: &str| {
        let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("k3y-not-used");
        let settings = Settings {
            access: Access::Full,
            typed_tools: TypedTools::ALL,
            typed_models: list.parse().expect("typed models"),
            ..Settings::default()
        };
        OdooMcp::new(config, settings, odoo_mcp::generated_models())
            .expect("server")
            .tools()
    };
    let typed_of =
        |tools: &[Tool], prefix: &str| tools.iter().filter(|t| t.name.starts_with(prefix)).count();
    let two = only("res.partner, sale.order");
    // Six tools each, and `_action` for the buttons of their forms.
    assert_eq!(typed_of(&two, "res_partner_"), 7);
    assert_eq!(typed_of(&two, "sale_order_"), 7);
    assert_eq!(typed_of(&two, "sale_order_line_"), 0);
    assert_eq!(typed_of(&two, "crm_lead_"), 0);
    // The generic tools stay whatever is listed.
    assert!(two.iter().any(|t| t.name == "create_record"));
    let all = only("all");
    assert_eq!(typed_of(&all, "crm_lead_"), 7);
    // By default, the models of the generated crate's default build.
    let default = only("default");
    for model in odoo_mcp::generated_models() {
        let typed = typed_of(&default, &format!("{}_", model.tool_prefix));
        let listed = generated::DEFAULT_MODELS.contains(&model.model);
        assert_eq!(typed > 0, listed, "{}", model.model);
    }

    // A model without generated code is a configuration error that names the close ones.
    let generated: Vec<&str> = odoo_mcp::generated_models()
        .iter()
        .map(|d| d.model)
        .collect();
    let wrong: odoo_mcp::settings::TypedModels = "res.partnr".parse().expect("a list");
    let error = wrong
        .check(&generated)
        .expect_err("unknown model")
        .to_string();
    assert!(
        error.contains("res.partnr") && error.contains("res.partner"),
        "{error}"
    );
    assert!(
        "Res Partner"
            .parse::<odoo_mcp::settings::TypedModels>()
            .is_err()
    );
}

/// Compaction shortens what is listed, never what is checked: a typed create
/// still refuses a selection value it does not list (before any request), and the full
/// detail lists every writable field with its help text.
#[tokio::test]
async fn compact_listing_keeps_full_validation() {
    let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("k3y-not-used");
    let settings = Settings {
        typed_tools: TypedTools::ALL,
        ..Settings::default()
    };
    let server = OdooMcp::new(config, settings, odoo_mcp::generated_models()).expect("server");
    let listed = server.tools();
    let create = listed
        .iter()
        .find(|t| t.name == "res_partner_create")
        .expect("listed");
    let compact_props = create.input_schema["properties"]
        .as_object()
        .expect("properties")
        .len();
    // `type` is not among the compact main fields, but is checked.
    let result = server
        .call(
            "res_partner_create",
            json!({"name": "X", "type": "robot"}).as_object().cloned(),
        )
        .await;
    assert_eq!(result.is_error, Some(true));
    let text = format!("{:?}", result.content);
    assert!(
        text.contains("`type`") && text.contains("invoice"),
        "{text}"
    );
    let full = tools(Access::Standard, TypedTools::ALL, SchemaDetail::Full);
    let full_create = full
        .iter()
        .find(|t| t.name == "res_partner_create")
        .expect("listed");
    let full_props = full_create.input_schema["properties"]
        .as_object()
        .expect("properties")
        .len();
    assert!(full_props > compact_props, "{full_props} > {compact_props}");
}
