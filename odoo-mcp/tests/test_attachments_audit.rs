//! upload_attachment / get_attachment and the audit log (ODOO_MCP_AUDIT_LOG),
//! through the real binary against the Odoo test double; the audit subject over
//! streamable HTTP with a token from the real OpenID provider (tests/oidc).

mod common;

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::*;
use odoo_tests::OdooDouble;
use odoo_tests::oidc::OidcProvider;
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

/// Every byte value, so nothing is lost to a text encoding on the way.
fn file(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 256) as u8).collect()
}

fn partner_id(double: &OdooDouble) -> i64 {
    double.records("res.partner")[0]["id"]
        .as_i64()
        .expect("a partner id")
}

/// Requests that change data in the double.
fn writes(double: &OdooDouble) -> Vec<(String, String, String)> {
    double
        .requests()
        .into_iter()
        .filter(|(_, _, m)| matches!(m.as_str(), "create" | "write" | "unlink" | "message_post"))
        .collect()
}

#[tokio::test]
async fn upload_then_get_round_trip() {
    let double = OdooDouble::start().await;
    let (client, stderr) = stdio_client(&server_env(&double, &[])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let hints = |name: &str| tool(&tools, name).annotations.clone().expect("annotations");
    assert_eq!(hints("upload_attachment").read_only_hint, Some(false));
    assert_eq!(hints("upload_attachment").destructive_hint, Some(false));
    assert_eq!(hints("get_attachment").read_only_hint, Some(true));
    for name in ["upload_attachment", "get_attachment"] {
        assert_valid_schema(&Value::Object((*tool(&tools, name).input_schema).clone()));
    }

    let partner = partner_id(&double);
    let bytes = file(3000);
    let uploaded = ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner, "name": "report.bin",
               "data": STANDARD.encode(&bytes), "mimetype": "application/octet-stream"}),
    )
    .await);
    assert_eq!(uploaded["file_size"], 3000, "{uploaded}");
    assert_eq!(uploaded["record_id"], partner);
    let id = uploaded["id"].as_i64().expect("the attachment id");
    let stored = double.records("ir.attachment");
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["res_model"], "res.partner");
    assert_eq!(stored[0]["res_id"], partner);

    let got = ok(&call(&client, "get_attachment", json!({"attachment_id": id})).await);
    assert_eq!(got["name"], "report.bin");
    assert_eq!(got["mimetype"], "application/octet-stream");
    assert_eq!(got["file_size"], 3000);
    assert_eq!(got["res_model"], "res.partner");
    assert_eq!(got["res_id"], partner);
    let data = STANDARD
        .decode(got["data"].as_str().expect("data"))
        .expect("base64");
    assert_eq!(data, bytes);

    // Metadata only on request; a data: URI gives its mimetype; unpadded base64 is fine.
    let meta = ok(&call(
        &client,
        "get_attachment",
        json!({"attachment_id": id, "include_data": false}),
    )
    .await);
    assert!(meta.get("data").is_none(), "{meta}");
    let text = base64::engine::general_purpose::STANDARD_NO_PAD.encode(b"hello");
    let uploaded = ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner, "name": "hello.txt",
               "data": format!("data:text/plain;base64,{text}")}),
    )
    .await);
    let got = ok(&call(
        &client,
        "get_attachment",
        json!({"attachment_id": uploaded["id"]}),
    )
    .await);
    assert_eq!(got["mimetype"], "text/plain");
    assert_eq!(
        STANDARD.decode(got["data"].as_str().unwrap()).unwrap(),
        b"hello"
    );

    // A record that does not exist gets nothing attached.
    let missing = err(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": 999_999, "name": "x.txt", "data": "eA=="}),
    )
    .await);
    assert!(
        missing.contains("999999") && missing.contains("does not exist"),
        "{missing}"
    );
    let missing = err(&call(&client, "get_attachment", json!({"attachment_id": 999_999})).await);
    assert!(missing.contains("999999"), "{missing}");
    assert_eq!(double.records("ir.attachment").len(), 2);
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

/// Past Odoo 19 `ir.attachment` has no `datas`: content goes through `raw`, as
/// base64 (the double, like Odoo, refuses a field it lacks).
#[tokio::test]
async fn attachments_without_datas_use_raw() {
    let double = OdooDouble::start_with_version(20).await;
    let (client, _stderr) = stdio_client(&server_env(&double, &[])).await;
    let partner = partner_id(&double);
    let bytes = file(700);
    let uploaded = ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner, "name": "scan.bin",
               "data": STANDARD.encode(&bytes)}),
    )
    .await);
    let stored = double.records("ir.attachment");
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(stored[0]["raw"], STANDARD.encode(&bytes), "content in raw");
    assert!(stored[0].get("datas").is_none(), "{:?}", stored[0]);
    let id = uploaded["id"].as_i64().expect("the attachment id");
    let got = ok(&call(&client, "get_attachment", json!({"attachment_id": id})).await);
    assert_eq!(got["file_size"], 700, "{got}");
    let data = STANDARD
        .decode(got["data"].as_str().expect("data"))
        .expect("base64");
    assert_eq!(data, bytes);
}

#[tokio::test]
async fn oversized_upload_is_refused_before_any_request() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_MAX_BINARY_SIZE", "1000")]);
    let (client, _) = stdio_client(&env).await;
    double.clear_requests();
    let refused = err(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner_id(&double), "name": "big.bin",
               "data": STANDARD.encode(file(1500))}),
    )
    .await);
    assert!(
        refused.contains("1500 bytes")
            && refused.contains("1000 bytes")
            && refused.contains("ODOO_MCP_MAX_BINARY_SIZE"),
        "{refused}"
    );
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    // At the limit it goes through.
    ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner_id(&double), "name": "ok.bin",
               "data": STANDARD.encode(file(1000))}),
    )
    .await);
    client.cancel().await.ok();
}

#[tokio::test]
async fn invalid_base64_is_a_clear_error() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    double.clear_requests();
    for data in ["not base64 at all!", "QUJD-_", "QQ=Q"] {
        let wrong = err(&call(
            &client,
            "upload_attachment",
            json!({"model": "res.partner", "record_id": partner_id(&double), "name": "x", "data": data}),
        )
        .await);
        assert!(wrong.contains("not valid base64"), "{data}: {wrong}");
    }
    let wrong = err(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner_id(&double), "name": " ", "data": "eA=="}),
    )
    .await);
    assert!(wrong.contains("name"), "{wrong}");
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn read_only_server_neither_lists_nor_runs_upload() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| t.name != "upload_attachment"));
    tool(&tools, "get_attachment");
    double.clear_requests();
    let refused = err(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner_id(&double), "name": "x.txt", "data": "eA==", "dry_run": true}),
    )
    .await);
    assert!(refused.contains("ODOO_YOLO=read"), "{refused}");
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn dry_run_uploads_nothing() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    double.clear_requests();
    let plan = ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner_id(&double), "name": "plan.pdf",
               "data": STANDARD.encode(file(10)), "mimetype": "application/pdf", "dry_run": true}),
    )
    .await);
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["valid"], true, "{plan}");
    assert_eq!(plan["written"], false);
    assert_eq!(plan["file_size"], 10);
    assert_eq!(plan["mimetype"], "application/pdf");
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    assert!(double.records("ir.attachment").is_empty());
    // The record is still checked.
    let missing = err(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": 999_999, "name": "x", "data": "eA==", "dry_run": true}),
    )
    .await);
    assert!(missing.contains("does not exist"), "{missing}");
    client.cancel().await.ok();
}

#[tokio::test]
async fn get_attachment_over_the_limit_returns_metadata_only() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let uploaded = ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner_id(&double), "name": "big.bin",
               "data": STANDARD.encode(file(2048))}),
    )
    .await);
    client.cancel().await.ok();

    let env = server_env(&double, &[("ODOO_MCP_MAX_BINARY_SIZE", "1024")]);
    let (client, _) = stdio_client(&env).await;
    double.clear_requests();
    let got = ok(&call(
        &client,
        "get_attachment",
        json!({"attachment_id": uploaded["id"]}),
    )
    .await);
    assert!(got.get("data").is_none(), "{got}");
    assert_eq!(got["file_size"], 2048);
    assert_eq!(got["name"], "big.bin");
    let note = got["notes"][0].as_str().expect("a note");
    assert!(
        note.contains("2048 bytes") && note.contains("ODOO_MCP_MAX_BINARY_SIZE"),
        "{note}"
    );
    // The content was never read: one search_read for the metadata (and the version probe).
    let methods: Vec<String> = double.requests().into_iter().map(|(_, _, m)| m).collect();
    assert!(
        !methods.iter().any(|m| m == "read") && methods.iter().any(|m| m == "search_read"),
        "{methods:?}"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn get_attachment_follows_the_access_of_the_record_model() {
    let double = OdooDouble::start().await;
    // An attachment on a mail.message, a model outside the generated ones.
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let posted = ok(&call(
        &client,
        "post_message",
        json!({"model": "res.partner", "record_id": partner_id(&double), "body": "see file"}),
    )
    .await);
    let uploaded = ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "mail.message", "record_id": posted["message_id"], "name": "note.txt", "data": "eA=="}),
    )
    .await);
    client.cancel().await.ok();
    let id = uploaded["id"].clone();

    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let hidden = err(&call(&client, "get_attachment", json!({"attachment_id": id})).await);
    assert!(
        hidden.contains("not enabled") && hidden.contains("ODOO_MCP_MODELS"),
        "{hidden}"
    );
    assert!(!hidden.contains("mail.message"), "{hidden}");
    let refused = err(&call(
        &client,
        "upload_attachment",
        json!({"model": "mail.message", "record_id": posted["message_id"], "name": "x", "data": "eA=="}),
    )
    .await);
    assert!(refused.contains("not enabled"), "{refused}");
    client.cancel().await.ok();

    let env = server_env(&double, &[("ODOO_MCP_MODELS", "ir.attachment")]);
    let (client, _) = stdio_client(&env).await;
    let got = ok(&call(&client, "get_attachment", json!({"attachment_id": id})).await);
    assert_eq!(got["res_model"], "mail.message");
    assert_eq!(got["data"], "eA==");
    client.cancel().await.ok();
}

// ---- audit log ------------------------------------------------------------------------------

/// The audit file's lines once there are at least `n` (the writer runs beside the calls).
async fn audit_lines(path: &Path, n: usize) -> Vec<Value> {
    let mut text = String::new();
    for _ in 0..400 {
        text = std::fs::read_to_string(path).unwrap_or_default();
        if text.lines().count() >= n {
            return text
                .lines()
                .map(|line| serde_json::from_str(line).expect("each line is JSON"))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {n} audit lines:\n{text}");
}

fn assert_line(line: &Value, tool: &str, model: &str, ids: Value, outcome: &str) {
    assert_eq!(line["tool"], tool, "{line}");
    assert_eq!(line["model"], model, "{line}");
    assert_eq!(line["ids"], ids, "{line}");
    assert_eq!(line["outcome"], outcome, "{line}");
    let ts = line["ts"].as_str().expect("ts");
    assert!(
        ts.ends_with('Z') && chrono::DateTime::parse_from_rfc3339(ts).is_ok(),
        "{ts}"
    );
}

#[tokio::test]
async fn audit_log_lines_for_ok_error_dry_run_and_refused_writes() {
    let double = OdooDouble::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let log = path.to_str().expect("a UTF-8 path");
    let (client, stderr) = stdio_client(&server_env(
        &double,
        &[("ODOO_MCP_AUDIT_LOG", log), ("ODOO_MCP_TYPED_TOOLS", "all")],
    ))
    .await;
    let partner = partner_id(&double);

    let created = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Written Value Nobody Logs"}}),
    )
    .await);
    // Reads are not audited.
    ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "limit": 1}),
    )
    .await);
    err(&call(
        &client,
        "update_record",
        json!({"model": "res.partner", "record_id": 999_999, "values": {"city": "Nowhere Town"}}),
    )
    .await);
    ok(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": partner, "dry_run": true}),
    )
    .await);
    err(&call(
        &client,
        "create_record",
        json!({"model": "crm.stage", "values": {"name": "Stage"}}),
    )
    .await);
    ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [partner, created["id"]], "values": {"city": "Liège"}}),
    )
    .await);
    let typed = ok(&call(&client, "res_partner_create", json!({"name": "Typed"})).await);
    ok(&call(
        &client,
        "upload_attachment",
        json!({"model": "res.partner", "record_id": partner, "name": "a.txt", "data": "eA=="}),
    )
    .await);

    let lines = audit_lines(&path, 7).await;
    assert_eq!(lines.len(), 7, "{lines:?}");
    assert_line(
        &lines[0],
        "create_record",
        "res.partner",
        json!([created["id"]]),
        "ok",
    );
    assert_line(
        &lines[1],
        "update_record",
        "res.partner",
        json!([999_999]),
        "error",
    );
    assert!(
        lines[1]["message"].as_str().unwrap().contains("999999"),
        "{}",
        lines[1]
    );
    assert_line(
        &lines[2],
        "delete_record",
        "res.partner",
        json!([partner]),
        "dry_run",
    );
    assert_line(
        &lines[3],
        "create_record",
        "crm.stage",
        json!([]),
        "refused",
    );
    assert!(
        lines[3]["message"]
            .as_str()
            .unwrap()
            .contains("not enabled")
    );
    assert_line(
        &lines[4],
        "update_records",
        "res.partner",
        json!([partner, created["id"]]),
        "ok",
    );
    assert_line(
        &lines[5],
        "res_partner_create",
        "res.partner",
        json!([typed["id"]]),
        "ok",
    );
    assert_line(
        &lines[6],
        "upload_attachment",
        "res.partner",
        json!([partner]),
        "ok",
    );
    assert!(
        lines.iter().all(|l| l["subject"].is_null()),
        "stdio has no subject"
    );
    client.cancel().await.ok();

    // A read-only server refuses writes, and says so in the log.
    let (client, _) = stdio_client(&server_env(
        &double,
        &[("ODOO_MCP_AUDIT_LOG", log), ("ODOO_YOLO", "read")],
    ))
    .await;
    err(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": partner}),
    )
    .await);
    let lines = audit_lines(&path, 8).await;
    assert_line(
        &lines[7],
        "delete_record",
        "res.partner",
        json!([partner]),
        "refused",
    );
    assert!(
        lines[7]["message"]
            .as_str()
            .unwrap()
            .contains("ODOO_YOLO=read")
    );
    client.cancel().await.ok();

    // A write the confirmation step stops (this client cannot be asked) is refused too.
    let (client, _) = stdio_client(&server_env(
        &double,
        &[("ODOO_MCP_AUDIT_LOG", log), ("ODOO_MCP_CONFIRM", "require")],
    ))
    .await;
    err(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": partner}),
    )
    .await);
    let lines = audit_lines(&path, 9).await;
    assert_line(
        &lines[8],
        "delete_record",
        "res.partner",
        json!([partner]),
        "refused",
    );
    assert!(
        lines[8]["message"]
            .as_str()
            .unwrap()
            .contains("ODOO_MCP_CONFIRM")
    );
    client.cancel().await.ok();

    let text = std::fs::read_to_string(&path).expect("the audit log");
    assert_no_secret(&text, double.api_key(), "the audit log");
    for value in ["Written Value Nobody Logs", "Nowhere Town", "Liège", "eA=="] {
        assert!(
            !text.contains(value),
            "a written value is in the audit log: {value}"
        );
    }
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn audit_log_names_every_record_of_a_per_record_update() {
    let double = OdooDouble::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let (client, _) = stdio_client(&server_env(
        &double,
        &[("ODOO_MCP_AUDIT_LOG", path.to_str().unwrap())],
    ))
    .await;
    ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 3, "values": {"city": "Gent"}},
            {"id": 7, "values": {"city": "Brugge"}}
        ]}),
    )
    .await);
    err(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 7, "values": {"city": "Gent"}},
            {"id": 999999, "values": {"city": "Brugge"}}
        ]}),
    )
    .await);
    let lines = audit_lines(&path, 2).await;
    assert_line(
        &lines[0],
        "update_records",
        "res.partner",
        json!([3, 7]),
        "ok",
    );
    assert_line(
        &lines[1],
        "update_records",
        "res.partner",
        json!([7, 999999]),
        "error",
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn audit_log_that_cannot_be_written_never_fails_a_call() {
    let double = OdooDouble::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("no-such-directory").join("audit.jsonl");
    let (client, stderr) = stdio_client(&server_env(
        &double,
        &[("ODOO_MCP_AUDIT_LOG", path.to_str().unwrap())],
    ))
    .await;
    ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Still Created"}}),
    )
    .await);
    stderr.wait_for("cannot open the audit log").await;
    assert!(
        double
            .records("res.partner")
            .iter()
            .any(|p| p["name"] == "Still Created")
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn audit_log_over_http_carries_the_oauth_subject() {
    const PUBLIC_URL: &str = "http://odoo-mcp.test";
    let provider = OidcProvider::start()
        .await
        .unwrap_or_else(|why| panic!("{why}"));
    let double = OdooDouble::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let server = http_server(&server_env(
        &double,
        &[
            ("ODOO_MCP_AUDIT_LOG", path.to_str().unwrap()),
            ("OAUTH_ISSUER_URL", provider.issuer()),
            ("ZITADEL_CLIENT_ID", provider.service_client_id()),
            ("ZITADEL_CLIENT_SECRET", provider.service_client_secret()),
            ("ODOO_MCP_PUBLIC_URL", PUBLIC_URL),
        ],
    ))
    .await;
    let token = provider.token(PUBLIC_URL).await;
    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(server.url.clone()).auth_header(&token),
    );
    let client = ()
        .serve(transport)
        .await
        .unwrap_or_else(|e| panic!("initialize failed: {e}\n{}", server.stderr.text()));
    let created = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Over HTTP"}}),
    )
    .await);
    let lines = audit_lines(&path, 1).await;
    assert_line(
        &lines[0],
        "create_record",
        "res.partner",
        json!([created["id"]]),
        "ok",
    );
    assert_eq!(lines[0]["subject"], "test-client", "{}", lines[0]);
    client.cancel().await.ok();

    let text = std::fs::read_to_string(&path).expect("the audit log");
    assert!(!text.contains(&token), "the token is in the audit log");
    assert_no_secret(&text, double.api_key(), "the audit log");
}

#[tokio::test]
async fn refused_writes_name_their_records_and_read_only_asks_odoo_nothing() {
    let double = OdooDouble::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("audit.jsonl");
    let log = path.to_str().expect("a UTF-8 path");
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_MCP_AUDIT_LOG", log)])).await;
    let partner = partner_id(&double);
    err(&call(
        &client,
        "update_record",
        json!({"model": "crm.stage", "record_id": 5, "values": {"name": "Won"}}),
    )
    .await);
    err(&call(
        &client,
        "update_record",
        json!({"model": "res.partner", "record_id": partner, "values": {"city": "Gent"}, "company_id": 999}),
    )
    .await);
    let lines = audit_lines(&path, 2).await;
    assert_line(
        &lines[0],
        "update_record",
        "crm.stage",
        json!([5]),
        "refused",
    );
    assert_line(
        &lines[1],
        "update_record",
        "res.partner",
        json!([partner]),
        "error",
    );
    client.cancel().await.ok();

    // Read-only mode refuses a write before the model's or the company's checks ask Odoo.
    let (client, _) = stdio_client(&server_env(
        &double,
        &[("ODOO_MCP_AUDIT_LOG", log), ("ODOO_YOLO", "read")],
    ))
    .await;
    let before = double.requests().len();
    let refused = err(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": partner, "company_id": 2}),
    )
    .await);
    assert!(refused.contains("ODOO_YOLO=read"), "{refused}");
    assert_eq!(
        double.requests()[before..],
        [],
        "a read-only refusal asked Odoo"
    );
    let lines = audit_lines(&path, 3).await;
    assert_line(
        &lines[2],
        "delete_record",
        "res.partner",
        json!([partner]),
        "refused",
    );
    client.cancel().await.ok();
}
