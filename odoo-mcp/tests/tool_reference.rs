//! `docs/tools.md`, the tool reference, rendered from what `tools/list` shows:
//! one section per tool of the default listing (its description, a table of
//! its arguments from the input schema, a table of its answer from the output
//! schema), the tools other settings add, and the typed tools of one example
//! model. A stale page fails with a diff; accept an intended change with
//! `UPDATE_GOLDENS=1 cargo test -p odoo-mcp --test tool_reference`.

#[path = "support/golden.rs"]
mod golden;

use std::fmt::Write as _;

use odoo_mcp::OdooMcp;
use odoo_mcp::settings::{Access, Settings, TypedTools};
use rmcp::model::Tool;
use serde_json::{Map, Value};

const PAGE: &str = "docs/tools.md";
const UPDATE: &str = "UPDATE_GOLDENS=1 cargo test -p odoo-mcp --test tool_reference";

/// The model whose typed tools the page shows in full.
const EXAMPLE_MODEL: &str = "sale.order";

/// Typed tool kinds, in the order the page names them.
const KINDS: [(&str, &str); 7] = [
    (
        "search",
        "`search_records` with the model fixed; `fields` is an enum of the model's field names. Listed by default.",
    ),
    (
        "get",
        "`get_record` with the model fixed and its field names as an enum.",
    ),
    (
        "aggregate",
        "`aggregate_records` with the model's groupable fields and numeric aggregates as enums.",
    ),
    (
        "create",
        "`create_record` whose `values` are the model's generated create type.",
    ),
    (
        "update",
        "`update_record` whose `values` are the model's generated update type.",
    ),
    ("delete", "`delete_record` with the model fixed."),
    (
        "action",
        "`press_button` with the model's form buttons as an enum (models that have buttons).",
    ),
];

fn tools(settings: Settings) -> Vec<Tool> {
    let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("k3y-not-used");
    // Building and listing makes no request: the URL is never contacted.
    OdooMcp::new(config, settings, odoo_mcp::generated_models())
        .expect("server")
        .tools()
}

/// The typed tool `name` is one of, as (model, kind).
fn typed_kind(name: &str) -> Option<(&'static str, &'static str)> {
    odoo_mcp::generated_models().iter().find_map(|d| {
        let kind = name.strip_prefix(d.tool_prefix)?.strip_prefix('_')?;
        KINDS
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(k, _)| (d.model, *k))
    })
}

fn is_typed(tool: &Tool) -> bool {
    typed_kind(&tool.name).is_some()
}

// --- types ------------------------------------------------------------------------------------

/// A short name for the type `schema` describes: `integer`, `string[]`,
/// `object`, `"a" | "b"`, `integer | null`.
fn type_name(schema: &Value) -> String {
    type_at(schema, 0)
}

/// [`type_name`] `depth` arrays down: a nested array of mixed items is just `array`.
fn type_at(schema: &Value, depth: usize) -> String {
    let Some(map) = schema.as_object() else {
        return match schema {
            Value::Bool(true) => "any".into(),
            _ => "never".into(),
        };
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        return reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
    }
    if let Some(value) = map.get("const") {
        return value.to_string();
    }
    if let Some(values) = map.get("enum").and_then(Value::as_array) {
        return enum_name(values);
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(variants) = map.get(key).and_then(Value::as_array) {
            return union(variants.iter().map(|v| type_at(v, depth)));
        }
    }
    match map.get("type") {
        Some(Value::String(t)) => single_type(t, map, depth),
        Some(Value::Array(ts)) => union(
            ts.iter()
                .filter_map(Value::as_str)
                .map(|t| single_type(t, map, depth)),
        ),
        _ if map.contains_key("properties") => "object".into(),
        _ if map.contains_key("items") => single_type("array", map, depth),
        _ => "any".into(),
    }
}

fn single_type(t: &str, map: &Map<String, Value>, depth: usize) -> String {
    match t {
        "array" => {
            let item = map
                .get("items")
                .map_or("any".into(), |i| type_at(i, depth + 1));
            if !item.contains(' ') {
                format!("{item}[]")
            } else if depth == 0 {
                format!("({item})[]")
            } else {
                "array".into()
            }
        }
        "string" => match map.get("format").and_then(Value::as_str) {
            Some(format) => format!("string ({format})"),
            None => "string".into(),
        },
        other => other.to_string(),
    }
}

/// Variants joined with ` | `, each once, in order.
fn union(names: impl Iterator<Item = String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for name in names {
        if !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen.join(" | ")
}

/// An enum's values; a long one shows its first values and its size.
fn enum_name(values: &[Value]) -> String {
    const SHOWN: usize = 6;
    let mut shown: Vec<String> = values.iter().take(SHOWN).map(Value::to_string).collect();
    if values.len() > SHOWN {
        shown.push(format!("… ({} values)", values.len()));
    }
    shown.join(" | ")
}

// --- markdown ---------------------------------------------------------------------------------

/// Text fit for one table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn code(text: &str) -> String {
    format!("`{}`", cell(text))
}

fn description(schema: &Value) -> String {
    let own = schema.get("description").and_then(Value::as_str);
    // An array's description may sit on its items.
    let items = schema
        .get("items")
        .and_then(|i| i.get("description"))
        .and_then(Value::as_str);
    cell(own.or(items).unwrap_or(""))
}

fn properties(schema: &Value) -> Vec<(&String, &Value, bool)> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut props: Vec<(&String, &Value, bool)> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .map(|(name, s)| (name, s, required.contains(&name.as_str())))
                .collect()
        })
        .unwrap_or_default();
    // Required first, then by name.
    props.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    props
}

fn arguments_table(out: &mut String, input: &Value) {
    let props = properties(input);
    if props.is_empty() {
        out.push_str("Arguments: none.\n\n");
        return;
    }
    table(out, "| argument | type | required |", &props);
}

fn answer_table(out: &mut String, output: Option<&Value>) {
    let Some(output) = output else {
        out.push_str("Answer: no output schema.\n\n");
        return;
    };
    let props = properties(output);
    if props.is_empty() {
        let _ = writeln!(out, "Answer: {}.\n", code(&type_name(output)));
        return;
    }
    table(out, "| answer | type | always |", &props);
}

/// One row per property under `head` (its first three columns), then its description.
fn table(out: &mut String, head: &str, props: &[(&String, &Value, bool)]) {
    let _ = writeln!(out, "{head} description |\n| --- | --- | --- | --- |");
    for (name, schema, required) in props {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code(name),
            code(&type_name(schema)),
            if *required { "yes" } else { "no" },
            description(schema)
        );
    }
    out.push('\n');
}

/// What a tool's annotations say about its effect, in words.
fn effect(tool: &Tool) -> String {
    let Some(a) = &tool.annotations else {
        return String::new();
    };
    let mut words = Vec::new();
    match a.read_only_hint {
        Some(true) => words.push("read-only"),
        Some(false) => words.push("writes"),
        None => {}
    }
    if a.destructive_hint == Some(true) {
        words.push("destructive");
    }
    if a.idempotent_hint == Some(true) {
        words.push("idempotent");
    }
    if words.is_empty() {
        String::new()
    } else {
        format!("Effect: {}.\n\n", words.join(", "))
    }
}

fn section(out: &mut String, tool: &Tool, level: &str) {
    let _ = writeln!(out, "{level} `{}`\n", tool.name);
    if let Some(title) = tool
        .title
        .as_deref()
        .or(tool.annotations.as_ref().and_then(|a| a.title.as_deref()))
    {
        let _ = writeln!(out, "**{}**\n", title.trim());
    }
    if let Some(text) = tool.description.as_deref() {
        let _ = writeln!(out, "{}\n", text.trim());
    }
    out.push_str(&effect(tool));
    arguments_table(out, &Value::Object((*tool.input_schema).clone()));
    let output = tool
        .output_schema
        .as_ref()
        .map(|s| Value::Object((**s).clone()));
    answer_table(out, output.as_ref());
}

fn render() -> String {
    let listed = tools(Settings::default());
    let static_tools: Vec<&Tool> = listed.iter().filter(|t| !is_typed(t)).collect();
    let every = tools(Settings {
        access: Access::Full,
        enable_method_calls: true,
        typed_tools: TypedTools::ALL,
        ..Settings::default()
    });
    let extra: Vec<&Tool> = every
        .iter()
        .filter(|t| !is_typed(t) && !listed.iter().any(|l| l.name == t.name))
        .collect();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "_Generated from `tools/list` by `odoo-mcp/tests/tool_reference.rs`; do not edit by hand: regenerate with `{UPDATE}`._\n"
    );
    out.push_str("# Tool reference\n\n");
    out.push_str(
        "What `tools/list` shows with the default settings (`ODOO_MCP_SCHEMA_DETAIL=compact`, \
         `ODOO_YOLO=false`, the default limits), rendered from each tool's input and output \
         schemas. Types are the schemas' in short: `string[]` is an array of strings, \
         `\"a\" | \"b\"` an enum, `object` a JSON object. How the tools behave together \
         (dry runs, confirmation, wizards, companies) is in [the tools guide](tools-guide.md); \
         the settings are in [configuration](configuration.md).\n\n",
    );
    out.push_str("Tools of the default listing:\n\n");
    for tool in &static_tools {
        let _ = writeln!(out, "- [`{0}`](#{0})", tool.name);
    }
    out.push_str("\nListed only with other settings:\n\n");
    for tool in &extra {
        let _ = writeln!(out, "- [`{0}`](#{0})", tool.name);
    }
    out.push_str("\nand the [typed tools of each generated model](#typed-tools-per-model).\n\n");

    out.push_str("## Default tools\n\n");
    for tool in &static_tools {
        section(&mut out, tool, "###");
    }

    out.push_str("## Tools listed only with other settings\n\n");
    out.push_str(
        "`call_model_method` is listed with `ODOO_YOLO=true` and \
         `ODOO_MCP_ENABLE_METHOD_CALLS=true`; `run_wizard` with `ODOO_YOLO=true`.\n\n",
    );
    for tool in &extra {
        section(&mut out, tool, "###");
    }

    typed_section(&mut out, &every, &listed);
    out
}

fn typed_section(out: &mut String, every: &[Tool], listed: &[Tool]) {
    out.push_str("## Typed tools per model\n\n");
    let curated: Vec<String> = odoo_mcp::generated_models()
        .iter()
        .filter(|d| {
            listed
                .iter()
                .any(|t| t.name == format!("{}_search", d.tool_prefix))
        })
        .map(|d| code(d.model))
        .collect();
    let _ = writeln!(
        out,
        "Each generated model that gets typed tools (`ODOO_MCP_TYPED_MODELS`; by default the \
         {} curated models: {}) has a family of tools named after it, `<model>_<kind>` with the \
         dots of the model's name as underscores, e.g. `res_partner_search`. \
         `ODOO_MCP_TYPED_TOOLS` chooses the kinds (default `search`; `read` is search, get and \
         aggregate; `all` every kind). A typed tool runs as the generic tool it names, with the \
         model fixed and the model's own field names, values and buttons in its schema:\n",
        curated.len(),
        curated.join(", ")
    );
    out.push_str(
        "| kind | runs as | tools listed with `ODOO_MCP_TYPED_TOOLS=all` |\n| --- | --- | --- |\n",
    );
    for (kind, what) in KINDS {
        let count = every
            .iter()
            .filter(|t| typed_kind(&t.name).is_some_and(|(_, k)| k == kind))
            .count();
        let _ = writeln!(out, "| `{kind}` | {what} | {count} |");
    }
    let prefix = odoo_mcp::generated_models()
        .iter()
        .find(|d| d.model == EXAMPLE_MODEL)
        .expect("the example model is generated")
        .tool_prefix;
    let _ = writeln!(
        out,
        "\nThe typed tools of `{EXAMPLE_MODEL}`, as `ODOO_MCP_TYPED_TOOLS=all` lists them \
         (compact schema detail; `full` adds Odoo's help texts):\n"
    );
    for (kind, _) in KINDS {
        let name = format!("{prefix}_{kind}");
        if let Some(tool) = every.iter().find(|t| t.name == name) {
            section(out, tool, "###");
        }
    }
}

#[test]
fn tool_reference_is_current() {
    golden::check(&[(PAGE.to_string(), render())], UPDATE);
}

#[test]
fn type_names_are_short() {
    use serde_json::json;
    assert_eq!(type_name(&json!({"type": "integer"})), "integer");
    assert_eq!(
        type_name(&json!({"type": "array", "items": {"type": "string"}})),
        "string[]"
    );
    assert_eq!(type_name(&json!({"enum": ["a", "b"]})), "\"a\" | \"b\"");
    assert_eq!(
        type_name(&json!({"type": ["integer", "null"]})),
        "integer | null"
    );
    assert_eq!(
        type_name(
            &json!({"anyOf": [{"type": "integer"}, {"type": "array", "items": {"type": "integer"}}]})
        ),
        "integer | integer[]"
    );
    assert_eq!(
        type_name(
            &json!({"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "string"}]}})
        ),
        "(integer | string)[]"
    );
    // A domain: conditions and operators, the conditions' values mixed.
    let item = json!({"anyOf": [{"type": "string"}, {"type": "number"}]});
    let condition = json!({"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "array", "items": item}]}});
    assert_eq!(
        type_name(&json!({"type": "array", "items": {"anyOf": [{"type": "string"}, condition]}})),
        "(string | array)[]"
    );
    assert_eq!(type_name(&json!({"$ref": "#/$defs/Value"})), "Value");
    assert_eq!(
        type_name(&json!({"type": "object", "properties": {}})),
        "object"
    );
    assert_eq!(
        type_name(&json!({"type": "string", "format": "date"})),
        "string (date)"
    );
}
