//! The real `odoo-mcp` binary over stdio against the Odoo test double.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use odoo_tests::{Fault, OdooDouble};
use rmcp::model::ProtocolVersion;
use rmcp::service::ClientLifecycleMode;
use rmcp::{ClientServiceExt, transport::TokioChildProcess};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const GENERIC: [&str; 6] = [
    "search_records",
    "get_record",
    "list_models",
    "create_record",
    "update_record",
    "delete_record",
];

fn writes(double: &OdooDouble) -> Vec<(String, String, String)> {
    double
        .requests()
        .into_iter()
        .filter(|(_, _, method)| matches!(method.as_str(), "create" | "write" | "unlink"))
        .collect()
}

#[tokio::test]
async fn initialize_and_list_tools_without_touching_odoo() {
    let double = OdooDouble::start().await;
    let (client, stderr) = stdio_client(&server_env(&double, &[])).await;

    let info = client.peer_info().expect("server info");
    assert_eq!(info.protocol_version, ProtocolVersion::V_2025_11_25);
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("odoo-mcp")
    );
    assert!(info.capabilities.tools.is_some());

    let tools = client.list_all_tools().await.expect("tools/list");
    for name in GENERIC {
        tool(&tools, name);
    }
    for t in &tools {
        assert_valid_schema(&Value::Object((*t.input_schema).clone()));
        if let Some(output) = &t.output_schema {
            walk_output(output);
        }
        assert!(t.description.is_some(), "{} has a description", t.name);
    }
    let hints = |name: &str| tool(&tools, name).annotations.clone().expect("annotations");
    assert_eq!(hints("search_records").read_only_hint, Some(true));
    assert_eq!(hints("get_record").read_only_hint, Some(true));
    assert_eq!(hints("list_models").read_only_hint, Some(true));
    assert_eq!(hints("delete_record").destructive_hint, Some(true));
    assert_eq!(hints("update_record").idempotent_hint, Some(true));
    assert_eq!(hints("create_record").destructive_hint, Some(false));
    // Starting, initialize and tools/list asked Odoo nothing.
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());

    // Typed tools of the generated models are listed too (search by default).
    tool(&tools, "res_partner_search");
    tool(&tools, "sale_order_search");
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

fn walk_output(schema: &rmcp::model::JsonObject) {
    assert_valid_schema(&Value::Object(schema.clone()));
}

#[tokio::test]
async fn discover_lifecycle_2026_07_28() {
    let double = OdooDouble::start().await;
    let (transport, _stderr) =
        TokioChildProcess::builder(command(&server_env(&double, &[("ODOO_YOLO", "true")])))
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
    let client = ()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .expect("discover lifecycle");
    assert_eq!(
        client.peer_info().expect("info").protocol_version,
        ProtocolVersion::V_2026_07_28
    );
    let tools = client.list_all_tools().await.expect("tools/list");
    tool(&tools, "search_records");
    let found = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": [["id", "=", 3]], "fields": ["name"]}),
    )
    .await);
    assert_eq!(found["records"][0]["name"], "Mitchell Admin");
    client.cancel().await.ok();
}

/// A 2025-11-25 client speaking raw JSON-RPC lines: `initialize`,
/// `notifications/initialized`, then calls. Stdout carries only JSON-RPC.
#[tokio::test]
async fn raw_initialize_2025_11_25_and_clean_stdout() {
    let double = OdooDouble::start().await;
    let vars = server_env(&double, &[("ODOO_YOLO", "true")]);
    let mut child = command(&vars)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = Captured::spawn_reader(child.stderr.take().unwrap());
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut all_stdout = String::new();

    let mut exchange = async |message: Value| -> Value {
        stdin
            .write_all(format!("{message}\n").as_bytes())
            .await
            .unwrap();
        stdin.flush().await.unwrap();
        if message.get("id").is_none() {
            return Value::Null;
        }
        let line = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
            .await
            .expect("answer in time")
            .unwrap()
            .expect("a line");
        all_stdout.push_str(&line);
        let answer: Value = serde_json::from_str(&line).expect("stdout lines are JSON");
        assert_eq!(answer["jsonrpc"], "2.0");
        assert_eq!(answer["id"], message["id"]);
        answer
    };

    let init = exchange(json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}
    }))
    .await;
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");
    assert_eq!(init["result"]["serverInfo"]["name"], "odoo-mcp");
    exchange(json!({"jsonrpc": "2.0", "method": "notifications/initialized"})).await;

    let list = exchange(json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"})).await;
    let names: Vec<&str> = list["result"]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert!(names.contains(&"search_records"), "{names:?}");

    let found = exchange(json!({
        "jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "search_records", "arguments": {"model": "res.partner", "limit": 2}}
    }))
    .await;
    let result = &found["result"];
    assert_eq!(result["isError"], false);
    assert_eq!(result["structuredContent"]["count"], 2);
    // Legacy peers get no 2026 `resultType`.
    assert!(result.get("resultType").is_none(), "{result}");

    let bad = exchange(json!({
        "jsonrpc": "2.0", "id": 4, "method": "tools/call",
        "params": {"name": "get_record", "arguments": {"model": "res.partner", "record_id": "three"}}
    }))
    .await;
    assert_eq!(bad["result"]["isError"], true);
    assert!(
        bad["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("record_id")
    );

    drop(stdin);
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("exits when stdin closes")
        .unwrap();
    assert!(status.success(), "{status:?}");
    while let Ok(Some(line)) = stdout.next_line().await {
        serde_json::from_str::<Value>(&line).expect("only JSON-RPC on stdout");
        all_stdout.push_str(&line);
    }
    assert_no_secret(&all_stdout, double.api_key(), "stdout");
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn generic_tools_read_and_write() {
    let double = OdooDouble::start().await;
    let (client, stderr) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let mut seen = String::new();

    let models = call(&client, "list_models", json!({"query": "partner"})).await;
    seen.push_str(&text(&models));
    let models = ok(&models);
    assert!(
        models["models"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["model"] == "res.partner" && m["name"] == "Contact"),
        "{models}"
    );

    // Explicit fields, a domain, paging with `more`.
    let companies = call(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": [["is_company", "=", true]], "fields": ["name", "email", "is_company"], "limit": 3, "order": "id asc"}),
    )
    .await;
    seen.push_str(&text(&companies));
    let companies = ok(&companies);
    assert_eq!(companies["count"], 3);
    assert_eq!(companies["more"], true);
    assert_eq!(companies["next_offset"], 3);
    assert_eq!(
        companies["records"][0]["name"],
        "My Company (San Francisco)"
    );
    for record in companies["records"].as_array().unwrap() {
        assert_eq!(record["is_company"], true);
        let keys: Vec<&String> = record.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["email", "id", "is_company", "name"]);
    }

    // Next page, and a total count fetched in the same round trip.
    let page = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": [["is_company", "=", true]], "fields": ["name"], "limit": 3, "offset": 3, "order": "id asc", "count": true}),
    )
    .await);
    assert_eq!(page["offset"], 3);
    assert!(page["total"].as_u64().unwrap() > 3, "{page}");

    // No fields: the list view's columns, and how many others there are and
    // where they are named (once, in get_fields, not on every read).
    double.clear_requests();
    let compact = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "limit": 2}),
    )
    .await);
    let record = compact["records"][0].as_object().unwrap();
    assert!(record.contains_key("display_name") && record.contains_key("id"));
    assert!(record.len() <= 15, "{record:?}");
    // Empty values are left out of a generic default read (the note names the columns).
    assert!(record.values().all(|v| !v.is_null()), "{record:?}");
    for blob in ["image_1920", "comment", "child_ids", "message_ids"] {
        assert!(!record.contains_key(blob), "{blob} in the default read");
    }
    let note = compact["notes"][0].as_str().unwrap_or_default();
    let more: usize = note
        .split_once("left out; ")
        .and_then(|(_, rest)| rest.split_once(" more: "))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_default();
    assert!(
        note.starts_with("default fields: the list view's columns (id, display_name, ")
            && note.contains("email")
            && more > 10
            && note.ends_with("name them in `fields`, see get_fields")
            && !note.contains("comment"),
        "{note}"
    );
    // fields_get was asked once and is cached: the next call is one request.
    double.clear_requests();
    ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "limit": 1}),
    )
    .await);
    assert_eq!(double.request_count(), 1, "{:?}", double.requests());

    let one = ok(&call(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": 3, "fields": ["name", "email", "country_id"]}),
    )
    .await);
    assert_eq!(one["record"]["name"], "Mitchell Admin");
    assert_eq!(one["record"]["country_id"], json!([233, "United States"]));

    let created = call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "MCP Test Co", "email": "mcp@example.com", "is_company": true}}),
    )
    .await;
    seen.push_str(&text(&created));
    let created = ok(&created);
    let id = created["id"].as_i64().expect("new id");
    assert!(
        double
            .records("res.partner")
            .iter()
            .any(|r| r["id"] == id && r["name"] == "MCP Test Co")
    );
    let email_false = ok(&call(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": id, "fields": ["name", "phone"]}),
    )
    .await);
    // Odoo's `false` for an empty char field reads as null.
    assert_eq!(email_false["record"]["phone"], Value::Null);

    let updated = ok(&call(
        &client,
        "update_record",
        json!({"model": "res.partner", "record_id": id, "values": {"phone": "+32 2 123 45 67"}}),
    )
    .await);
    assert_eq!(updated["updated"], true);
    assert!(
        double
            .records("res.partner")
            .iter()
            .any(|r| r["id"] == id && r["phone"] == "+32 2 123 45 67")
    );

    let deleted = ok(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert_eq!(deleted["deleted"], true);
    assert!(!double.records("res.partner").iter().any(|r| r["id"] == id));

    client.cancel().await.ok();
    assert_no_secret(&seen, double.api_key(), "tool results");
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn every_bad_call_is_an_actionable_tool_error() {
    let double = OdooDouble::start().await;
    let (client, stderr) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let mut seen = String::new();
    let mut error = async |name: &str, arguments: Value| -> String {
        let result = call(&client, name, arguments).await;
        let message = err(&result);
        seen.push_str(&message);
        message
    };

    let m = error("search_record", json!({})).await;
    assert!(
        m.contains("unknown tool") && m.contains("`search_records`"),
        "{m}"
    );

    let m = error("search_records", json!({"model": "res.partnr"})).await;
    assert!(
        m.contains("unknown model `res.partnr`") && m.contains("`res.partner`"),
        "{m}"
    );

    let m = error(
        "search_records",
        json!({"model": "res.partner", "fields": ["name", "emial"]}),
    )
    .await;
    assert!(
        m.contains("unknown field `emial`") && m.contains("`email`"),
        "{m}"
    );

    let m = error(
        "search_records",
        json!({"model": "res.partner", "domain": [["nmae", "=", "x"]]}),
    )
    .await;
    assert!(
        m.contains("`nmae`") && m.contains("domain") && m.contains("`name`"),
        "{m}"
    );

    let m = error(
        "search_records",
        json!({"model": "res.partner", "domain": [["name", "="]]}),
    )
    .await;
    assert!(
        m.contains("malformed domain") && m.contains("domain[0]"),
        "{m}"
    );

    let m = error(
        "search_records",
        json!({"model": "res.partner", "domain": ["|", ["name", "=", "x"]]}),
    )
    .await;
    assert!(m.contains("malformed domain"), "{m}");

    let m = error(
        "search_records",
        json!({"model": "res.partner", "limit": "ten"}),
    )
    .await;
    assert!(
        m.contains("`limit`") && m.contains("integer") && m.contains("\"ten\""),
        "{m}"
    );

    let m = error("get_record", json!({"model": "res.partner"})).await;
    assert!(m.contains("missing required argument `record_id`"), "{m}");

    let m = error(
        "get_record",
        json!({"model": "res.partner", "record_id": 3, "feilds": ["name"]}),
    )
    .await;
    assert!(
        m.contains("unknown argument `feilds`") && m.contains("`fields`"),
        "{m}"
    );

    let m = error(
        "create_record",
        json!({"model": "res.partner", "values": "name=x"}),
    )
    .await;
    assert!(m.contains("`values`") && m.contains("object"), "{m}");

    let m = error(
        "create_record",
        json!({"model": "res.partner", "values": {"nam": "x"}}),
    )
    .await;
    assert!(
        m.contains("unknown field `nam`") && m.contains("`name`"),
        "{m}"
    );

    let m = error(
        "get_record",
        json!({"model": "res.partner", "record_id": 999_999}),
    )
    .await;
    assert!(m.contains("999999") && m.contains("does not exist"), "{m}");

    // Odoo's own messages pass through.
    let m = error(
        "update_record",
        json!({"model": "res.partner", "record_id": 999_999, "values": {"name": "x"}}),
    )
    .await;
    assert!(m.starts_with("Odoo could not find the record"), "{m}");
    let m = error(
        "create_record",
        json!({"model": "res.partner", "values": {"name": "x", "autopost_bills": "sometimes"}}),
    )
    .await;
    // A generated model's types check generic writes before Odoo is asked.
    assert!(
        m.contains("`values.autopost_bills`: expected one of \"always\", \"ask\", \"never\""),
        "{m}"
    );

    // Odoo down or broken.
    double.set_fault(Some(Fault::Status(502)));
    let m = error(
        "search_records",
        json!({"model": "res.partner", "fields": ["name"]}),
    )
    .await;
    assert!(m.contains("502"), "{m}");
    double.set_fault(Some(Fault::Html));
    let m = error(
        "search_records",
        json!({"model": "res.partner", "fields": ["name"]}),
    )
    .await;
    assert!(
        m.contains("not an API answer") || m.contains("unexpected"),
        "{m}"
    );
    double.set_fault(Some(Fault::Drop));
    let m = error(
        "search_records",
        json!({"model": "res.partner", "fields": ["name"]}),
    )
    .await;
    assert!(m.contains("Odoo"), "{m}");
    double.set_fault(None);

    double.revoke_api_key();
    let m = error(
        "search_records",
        json!({"model": "res.partner", "fields": ["name"]}),
    )
    .await;
    assert!(
        m.contains("refused the credentials") && m.contains("ODOO_API_KEY"),
        "{m}"
    );

    client.cancel().await.ok();
    assert_no_secret(&seen, double.api_key(), "error messages");
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn access_errors_from_odoo_pass_through() {
    let double = OdooDouble::start().await;
    let vars = server_env(
        &double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_API_KEY", double.demo_api_key()),
            ("ODOO_USER", "demo"),
        ],
    );
    let (client, _stderr) = stdio_client(&vars).await;
    let result = call(
        &client,
        "create_record",
        json!({"model": "res.users", "values": {"name": "Eve", "login": "eve"}}),
    )
    .await;
    let m = err(&result);
    assert!(m.starts_with("Odoo denied access"), "{m}");
    client.cancel().await.ok();
}

#[tokio::test]
async fn odoo_unreachable_is_a_tool_error() {
    // A port nobody listens on.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let vars = vec![
        ("ODOO_URL".to_string(), format!("http://127.0.0.1:{port}")),
        (
            "ODOO_API_KEY".to_string(),
            "unreachable-key-123".to_string(),
        ),
        ("ODOO_YOLO".to_string(), "true".to_string()),
    ];
    let (client, stderr) = stdio_client(&vars).await;
    let m = err(&call(&client, "search_records", json!({"model": "res.partner"})).await);
    assert!(m.contains("unreachable") && m.contains("ODOO_URL"), "{m}");
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), "unreachable-key-123", "stderr");
}

#[tokio::test]
async fn read_only_mode_lists_and_sends_no_write() {
    let double = OdooDouble::start().await;
    let (client, _stderr) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let tools = client.list_all_tools().await.unwrap();
    for t in &tools {
        assert_eq!(
            t.annotations.as_ref().and_then(|a| a.read_only_hint),
            Some(true),
            "{} listed in read-only mode",
            t.name
        );
    }
    for (name, arguments) in [
        (
            "create_record",
            json!({"model": "res.partner", "values": {"name": "x"}}),
        ),
        (
            "update_record",
            json!({"model": "res.partner", "record_id": 3, "values": {"name": "x"}}),
        ),
        (
            "delete_record",
            json!({"model": "res.partner", "record_id": 3}),
        ),
    ] {
        let m = err(&call(&client, name, arguments).await);
        assert!(m.contains("read-only") && m.contains("ODOO_YOLO"), "{m}");
    }
    // Reads reach any model.
    ok(&call(
        &client,
        "search_records",
        json!({"model": "res.country", "fields": ["name"], "limit": 1}),
    )
    .await);
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn standard_mode_reaches_generated_models_only() {
    let double = OdooDouble::start().await;
    let (client, _stderr) = stdio_client(&server_env(&double, &[])).await;
    ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"], "limit": 1}),
    )
    .await);
    ok(&call(
        &client,
        "res_partner_search",
        json!({"fields": ["name"], "limit": 1}),
    )
    .await);
    double.clear_requests();
    let m = err(&call(&client, "search_records", json!({"model": "res.currency"})).await);
    assert!(
        m.contains("not enabled") && m.contains("ODOO_MCP_MODELS"),
        "{m}"
    );
    let m = err(&call(
        &client,
        "delete_record",
        json!({"model": "ir.model", "record_id": 2}),
    )
    .await);
    assert!(m.contains("not enabled"), "{m}");
    assert_eq!(double.request_count(), 0, "refused before any request");
    let models = ok(&call(&client, "list_models", json!({})).await);
    assert!(
        models["models"].to_string().contains("res.partner"),
        "{models}"
    );
    assert_eq!(
        double.request_count(),
        0,
        "generated models are listed without Odoo"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn limits_default_and_clamp() {
    let double = OdooDouble::start().await;
    let vars = server_env(
        &double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_MCP_DEFAULT_LIMIT", "2"),
            ("ODOO_MCP_MAX_LIMIT", "5"),
        ],
    );
    let (client, _stderr) = stdio_client(&vars).await;
    let default = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"]}),
    )
    .await);
    assert_eq!(default["count"], 2);
    assert_eq!(default["limit"], 2);
    assert!(default.get("notes").is_none(), "{default}");

    let clamped = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"], "limit": 50}),
    )
    .await);
    assert_eq!(clamped["count"], 5);
    assert_eq!(clamped["limit"], 5);
    let notes = clamped["notes"].to_string();
    assert!(
        notes.contains("clamped") && notes.contains("50") && notes.contains('5'),
        "{notes}"
    );
    // The request to Odoo asked for at most max + 1 (the "more" probe).
    client.cancel().await.ok();
}

#[tokio::test]
async fn bad_config_exits_2_with_one_line() {
    for (vars, needle) in [
        (vec![], "ODOO_URL"),
        (vec![("ODOO_URL", "http://127.0.0.1:1")], "ODOO_API_KEY"),
        (
            vec![
                ("ODOO_URL", "http://127.0.0.1:1"),
                ("ODOO_API_KEY", "k3y-abcdef"),
                ("ODOO_YOLO", "maybe"),
            ],
            "ODOO_YOLO",
        ),
        (
            vec![
                ("ODOO_URL", "http://127.0.0.1:1"),
                ("ODOO_API_KEY", "k3y-abcdef"),
                ("ODOO_MCP_TRANSPORT", "sse"),
            ],
            "ODOO_MCP_TRANSPORT",
        ),
        (
            vec![
                ("ODOO_URL", "http://127.0.0.1:1"),
                ("ODOO_API_KEY", "k3y-abcdef"),
                ("ODOO_MCP_MAX_LIMIT", "lots"),
            ],
            "ODOO_MCP_MAX_LIMIT",
        ),
    ] {
        let vars: Vec<(String, String)> = vars
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let output = command(&vars)
            .stdin(Stdio::null())
            .output()
            .await
            .expect("run");
        assert_eq!(output.status.code(), Some(2), "{vars:?}");
        assert!(output.stdout.is_empty(), "no protocol traffic");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(stderr.contains(needle), "{stderr}");
        assert!(!stderr.contains("k3y-abcdef"), "{stderr}");
    }
}

#[tokio::test]
async fn generated_typed_tools_end_to_end() {
    let double = OdooDouble::start().await;
    let (client, stderr) =
        stdio_client(&server_env(&double, &[("ODOO_MCP_TYPED_TOOLS", "all")])).await;
    let tools = client.list_all_tools().await.unwrap();
    let search_out = tool(&tools, "res_partner_search")
        .output_schema
        .clone()
        .unwrap();
    let get_out = tool(&tools, "res_partner_get")
        .output_schema
        .clone()
        .unwrap();

    let found = ok(&call(
        &client,
        "res_partner_search",
        json!({"domain": [["is_company", "=", true]], "limit": 3}),
    )
    .await);
    assert_eq!(found["count"], 3);
    odoo_mcp::arguments::check(&search_out, &found).expect("search output matches its schema");

    let m = err(&call(
        &client,
        "res_partner_create",
        json!({"name": "Gen Co", "emial": "x@y.z"}),
    )
    .await);
    assert!(m.contains("`emial`") && m.contains("`email`"), "{m}");
    let m = err(&call(
        &client,
        "res_partner_create",
        json!({"name": "Gen Co", "display_name": "x"}),
    )
    .await);
    assert!(m.contains("`display_name` cannot be written"), "{m}");
    let m = err(&call(
        &client,
        "res_partner_create",
        json!({"name": "Gen Co", "type": "robot"}),
    )
    .await);
    assert!(m.contains("`type`") && m.contains("\"invoice\""), "{m}");
    assert!(writes(&double).is_empty(), "refused before any write");

    let created = ok(&call(
        &client,
        "res_partner_create",
        json!({"name": "Gen Co", "email": "gen@example.com", "type": "invoice"}),
    )
    .await);
    let id = created["id"].as_i64().unwrap();
    let got = ok(&call(
        &client,
        "res_partner_get",
        json!({"record_id": id, "fields": ["name", "email", "type", "parent_id"]}),
    )
    .await);
    odoo_mcp::arguments::check(&get_out, &got).expect("get output matches its schema");
    assert_eq!(got["record"]["name"], "Gen Co");
    assert_eq!(got["record"]["type"], "invoice");
    assert_eq!(got["record"]["parent_id"], Value::Null);
    ok(&call(
        &client,
        "res_partner_update",
        json!({"record_id": id, "values": {"phone": "+1 555 0100"}}),
    )
    .await);
    let m = err(&call(
        &client,
        "res_partner_update",
        json!({"record_id": id, "values": {"phnoe": "1"}}),
    )
    .await);
    assert!(m.contains("`phnoe`") && m.contains("`phone`"), "{m}");
    ok(&call(&client, "res_partner_delete", json!({"record_id": id})).await);
    assert!(!double.records("res.partner").iter().any(|r| r["id"] == id));
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}
