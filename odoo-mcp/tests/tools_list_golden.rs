//! What clients see in `tools/list`, checked in: one golden per configuration
//! (schema detail `compact` and `full` × the default typed tools and
//! `ODOO_MCP_TYPED_TOOLS=all`), under `tests/goldens/tools_list/`. Every change
//! of a listed name, description, schema or annotation shows in review as a
//! diff of these files; a refactor must leave them byte-identical.
//!
//! Accept an intended change with
//! `UPDATE_GOLDENS=1 cargo test -p odoo-mcp --test tools_list_golden`.

#[path = "support/golden.rs"]
mod golden;

use odoo_mcp::OdooMcp;
use odoo_mcp::settings::{SchemaDetail, Settings, TypedTools};
use serde_json::json;

const UPDATE: &str = "UPDATE_GOLDENS=1 cargo test -p odoo-mcp --test tools_list_golden";

/// The listed tools as pretty JSON (object keys sorted: serde_json's map is ordered).
fn listing(detail: SchemaDetail, typed: TypedTools) -> String {
    let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("k3y-not-used");
    let settings = Settings {
        schema_detail: detail,
        typed_tools: typed,
        ..Settings::default()
    };
    // Building and listing makes no request: the URL is never contacted.
    let tools = OdooMcp::new(config, settings, odoo_mcp::generated_models())
        .expect("server")
        .tools();
    let mut text = serde_json::to_string_pretty(&json!({ "tools": tools })).expect("json");
    text.push('\n');
    text
}

#[test]
fn tools_list_matches_the_goldens() {
    let cases = [
        (
            "compact",
            SchemaDetail::Compact,
            "default",
            TypedTools::default(),
        ),
        ("compact", SchemaDetail::Compact, "all", TypedTools::ALL),
        ("full", SchemaDetail::Full, "default", TypedTools::default()),
        ("full", SchemaDetail::Full, "all", TypedTools::ALL),
    ];
    let files: Vec<(String, String)> = cases
        .into_iter()
        .map(|(detail_name, detail, typed_name, typed)| {
            (
                format!("odoo-mcp/tests/goldens/tools_list/{detail_name}-typed_{typed_name}.json"),
                listing(detail, typed),
            )
        })
        .collect();
    golden::check(&files, UPDATE);
}

#[test]
fn tools_list_is_deterministic() {
    // Two servers built one after the other list the same bytes.
    let first = listing(SchemaDetail::Full, TypedTools::ALL);
    let second = listing(SchemaDetail::Full, TypedTools::ALL);
    assert!(first == second, "tools/list differs between two builds");
}
