//! Hardening of the real `odoo-mcp` binary: a misbehaving Odoo (slow, 5xx, HTML, truncated,
//! dropped, revoked key), writes that must not be retried, input bounds, read-only enforcement
//! at the call path, secrets in every output, and many concurrent HTTP clients.
//!
//! Calls are wrapped in a generous deadline only to turn a hang into a failure; no test asserts
//! how fast anything is. `--nocapture` prints the fault table.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use odoo_tests::oidc::{OidcProvider, SHORT_TTL};
use odoo_tests::{Fault, OdooDouble};
use rmcp::ServiceExt;
use rmcp::model::CallToolResult;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::{Value, json};

/// Long enough for any bounded failure (1 s timeout, three tries with backoff), short enough
/// that a hang fails the test instead of the CI run.
const DEADLINE: Duration = Duration::from_secs(20);

async fn call_within(client: &Client, name: &str, arguments: Value) -> (CallToolResult, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(DEADLINE, call(client, name, arguments))
        .await
        .unwrap_or_else(|_| panic!("{name} did not answer within {DEADLINE:?}: a hang"));
    (result, started.elapsed())
}

fn count(double: &OdooDouble, method: &str) -> usize {
    double
        .requests()
        .iter()
        .filter(|(_, _, m)| m == method)
        .count()
}

/// One table cell: the start of a message, on one line.
fn short(text: &str) -> String {
    text.chars()
        .take(140)
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect()
}

fn read_args() -> Value {
    json!({"model": "res.partner", "fields": ["name"], "limit": 2})
}

/// Every fault of the double on a read: a clear `isError` within the timeout, the server keeps
/// serving, and the same read succeeds once the fault is cleared, without a restart.
#[tokio::test]
async fn odoo_faults_are_tool_errors_and_reads_recover() {
    let double = OdooDouble::start().await;
    let vars = server_env(&double, &[("ODOO_YOLO", "true"), ("ODOO_TIMEOUT", "1")]);
    let (client, stderr) = stdio_client(&vars).await;
    ok(&call_within(&client, "search_records", read_args()).await.0);

    let faults: [(Fault, &str, &[&str]); 9] = [
        (
            Fault::Delay(Duration::from_secs(4)),
            "slow past ODOO_TIMEOUT=1",
            &["did not answer within 1s"],
        ),
        (Fault::Status(500), "500", &["Odoo raised", "RuntimeError"]),
        (Fault::Status(502), "502", &["502"]),
        (Fault::Status(503), "503", &["503"]),
        (Fault::Status(504), "504", &["504"]),
        (Fault::Html, "HTML instead of JSON", &["not an API answer"]),
        (Fault::Truncated, "truncated body", &["not an API answer"]),
        (Fault::Drop, "dropped connection", &["unreachable"]),
        (
            Fault::FailTimes {
                status: 503,
                times: 2,
            },
            "2 x 503 then fine",
            &[],
        ),
    ];
    eprintln!("| fault | what the client saw | time | recovery |");
    for (fault, label, expected) in faults {
        double.set_fault(Some(fault));
        let (result, took) = call_within(&client, "search_records", read_args()).await;
        let seen = if expected.is_empty() {
            // Retried within the call: the read just works.
            ok(&result);
            "ok (retried by the client)".to_string()
        } else {
            let m = err(&result);
            for needle in expected {
                assert!(m.contains(needle), "{label}: {m}");
            }
            m
        };
        // The server keeps serving while Odoo is broken.
        tokio::time::timeout(DEADLINE, client.list_all_tools())
            .await
            .expect("tools/list hung")
            .expect("tools/list");
        double.set_fault(None);
        let (again, _) = call_within(&client, "search_records", read_args()).await;
        let again = ok(&again);
        assert!(again["count"].as_u64().is_some_and(|n| n > 0), "{again}");
        eprintln!(
            "| {label} | {} | {:.1}s | next read ok |",
            short(&seen),
            took.as_secs_f64()
        );
    }

    // A key revoked mid-session: a clear error naming the setting, the server still up.
    double.revoke_api_key();
    let (result, _) = call_within(&client, "search_records", read_args()).await;
    let m = err(&result);
    assert!(
        m.contains("refused the credentials") && m.contains("ODOO_API_KEY"),
        "{m}"
    );
    let (result, _) = call_within(
        &client,
        "update_record",
        json!({"model": "res.partner", "record_id": 3, "values": {"name": "x"}}),
    )
    .await;
    let m = err(&result);
    assert!(
        m.contains("refused the credentials") && !m.contains("may or may not"),
        "{m}"
    );
    eprintln!(
        "| API key revoked mid-session | {} | - | fails until the key is fixed (no restart needed) |",
        short(&m)
    );
    assert!(
        tokio::time::timeout(DEADLINE, client.list_all_tools())
            .await
            .is_ok()
    );
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

/// A write whose answer does not come back is sent once, never retried, and the result says it
/// may or may not have happened. Reads around it still work.
#[tokio::test]
async fn unanswered_writes_are_sent_once_and_say_the_outcome_is_unknown() {
    let double = OdooDouble::start().await;
    let vars = server_env(
        &double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_TIMEOUT", "1"),
            ("ODOO_MCP_TYPED_TOOLS", "all"),
        ],
    );
    let (client, stderr) = stdio_client(&vars).await;
    // Warm up: the API is detected and the metadata cached, so the faulty call is the write.
    let created = ok(&call_within(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Warm-up"}}),
    )
    .await
    .0);
    let id = created["id"].as_i64().expect("an id");
    ok(&call_within(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await
    .0);

    let cases: Vec<(Fault, &str, Value, &str)> = vec![
        (
            Fault::Delay(Duration::from_secs(3)),
            "create_record",
            json!({"model": "res.partner", "values": {"name": "Slow create"}}),
            "create",
        ),
        (
            Fault::Delay(Duration::from_secs(3)),
            "update_record",
            json!({"model": "res.partner", "record_id": id, "values": {"name": "Slow update"}}),
            "write",
        ),
        (
            Fault::Delay(Duration::from_secs(3)),
            "delete_record",
            json!({"model": "res.partner", "record_id": id}),
            "unlink",
        ),
        (
            Fault::Delay(Duration::from_secs(3)),
            "res_partner_create",
            json!({"name": "Slow typed create"}),
            "create",
        ),
        (
            Fault::Drop,
            "create_record",
            json!({"model": "res.partner", "values": {"name": "Dropped create"}}),
            "create",
        ),
        (
            Fault::Status(503),
            "create_record",
            json!({"model": "res.partner", "values": {"name": "Gateway create"}}),
            "create",
        ),
        (
            Fault::Truncated,
            "create_record",
            json!({"model": "res.partner", "values": {"name": "Truncated create"}}),
            "create",
        ),
    ];
    for (fault, tool, arguments, method) in cases {
        let label = format!("{fault:?} on {tool}");
        double.clear_requests();
        double.set_fault(Some(fault));
        let (result, took) = call_within(&client, tool, arguments).await;
        double.set_fault(None);
        let m = err(&result);
        assert!(
            m.contains("may or may not have happened") && m.contains("not retried"),
            "{label}: {m}"
        );
        assert_eq!(
            count(&double, method),
            1,
            "{label}: the write was sent {} times: {:?}",
            count(&double, method),
            double.requests()
        );
        eprintln!(
            "| {label} | {} | {:.1}s | sent once; reads ok |",
            short(&m),
            took.as_secs_f64()
        );
        ok(&call_within(&client, "search_records", read_args()).await.0);
    }
    // None of the unanswered creates happened twice.
    for name in [
        "Slow create",
        "Dropped create",
        "Gateway create",
        "Truncated create",
    ] {
        let n = double
            .records("res.partner")
            .iter()
            .filter(|r| r["name"] == name)
            .count();
        assert!(n <= 1, "{name} created {n} times");
    }
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

/// Every write tool the server has (generic, typed, and any other), called by name under
/// `ODOO_YOLO=read`: refused, and Odoo sees no request at all.
#[tokio::test]
async fn read_only_refuses_every_write_tool_at_the_call_path() {
    let double = OdooDouble::start().await;
    let everything = [("ODOO_YOLO", "true"), ("ODOO_MCP_TYPED_TOOLS", "all")];
    let (full, _) = stdio_client(&server_env(&double, &everything)).await;
    let write_tools: Vec<String> = full
        .list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .filter(|t| t.annotations.as_ref().and_then(|a| a.read_only_hint) != Some(true))
        .map(|t| t.name.to_string())
        .collect();
    full.cancel().await.ok();
    for expected in [
        "create_record",
        "update_record",
        "delete_record",
        "res_partner_create",
        "res_partner_update",
        "res_partner_delete",
    ] {
        assert!(
            write_tools.iter().any(|t| t == expected),
            "{expected} not among {write_tools:?}"
        );
    }

    let read_only = [("ODOO_YOLO", "read"), ("ODOO_MCP_TYPED_TOOLS", "all")];
    let (client, _) = stdio_client(&server_env(&double, &read_only)).await;
    let listed: BTreeSet<String> = client
        .list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    double.clear_requests();
    let arguments = json!({
        "model": "res.partner", "record_id": 3, "record_ids": [3], "ids": [3],
        "values": {"name": "x"}, "name": "x",
    });
    for tool in &write_tools {
        assert!(!listed.contains(tool), "{tool} listed in read-only mode");
        let (result, _) = call_within(&client, tool, arguments.clone()).await;
        let m = err(&result);
        assert!(
            m.contains("read-only") && m.contains("ODOO_YOLO"),
            "{tool}: {m}"
        );
    }
    assert!(
        double.requests().is_empty(),
        "refused writes reached Odoo: {:?}",
        double.requests()
    );
    eprintln!(
        "read-only: {} write tools refused by name, 0 Odoo requests",
        write_tools.len()
    );

    // Standard mode: a model outside the generated set and ODOO_MCP_MODELS is refused before
    // Odoo is asked, for reads and writes alike.
    client.cancel().await.ok();
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    double.clear_requests();
    for (tool, arguments) in [
        (
            "create_record",
            json!({"model": "ir.model", "values": {"name": "x"}}),
        ),
        ("search_records", json!({"model": "ir.model"})),
    ] {
        let m = err(&call_within(&client, tool, arguments).await.0);
        assert!(
            m.contains("not enabled") && m.contains("ODOO_MCP_MODELS"),
            "{m}"
        );
    }
    assert!(double.requests().is_empty(), "{:?}", double.requests());
    client.cancel().await.ok();
}

/// Hostile sizes over stdio: each is refused early with a clear message (or clamped and said
/// so), no Odoo request where none is needed, and the server keeps serving.
#[tokio::test]
async fn input_bounds_over_stdio() {
    let double = OdooDouble::start().await;
    let vars = server_env(
        &double,
        &[("ODOO_YOLO", "true"), ("ODOO_MCP_TYPED_TOOLS", "all")],
    );
    let (client, stderr) = stdio_client(&vars).await;
    ok(&call_within(&client, "search_records", read_args()).await.0);

    // limit 10^12: clamped, and the result says so; the typed search and the aggregate too.
    for (tool, arguments) in [
        (
            "search_records",
            json!({"model": "res.partner", "fields": ["name"], "limit": 1_000_000_000_000u64}),
        ),
        (
            "res_partner_search",
            json!({"fields": ["name"], "limit": 1_000_000_000_000u64}),
        ),
    ] {
        let found = ok(&call_within(&client, tool, arguments).await.0);
        assert_eq!(found["limit"], 100, "{tool}");
        assert!(found["notes"].to_string().contains("clamped"), "{found}");
    }
    let grouped = ok(&call_within(
        &client,
        "aggregate_records",
        json!({"model": "res.partner", "groupby": ["is_company"], "limit": 1_000_000_000_000u64}),
    )
    .await
    .0);
    assert!(grouped.to_string().contains("clamped"), "{grouped}");
    // And an offset at the top of u64 (sums must not overflow).
    let (result, _) = call_within(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"], "offset": u64::MAX}),
    )
    .await;
    let _ = text(&result);

    // 10^5 field names, to the generic and the typed tools: refused before any Odoo request.
    double.clear_requests();
    let distinct: Vec<String> = (0..100_000).map(|i| format!("f{i}")).collect();
    for names in [json!(vec!["name"; 100_000]), json!(distinct)] {
        for (tool, mut arguments) in [
            ("search_records", json!({"model": "res.partner"})),
            ("res_partner_search", json!({})),
            ("res_partner_get", json!({"record_id": 3})),
        ] {
            arguments["fields"] = names.clone();
            let (result, _) = call_within(&client, tool, arguments).await;
            let m = err(&result);
            assert!(
                m.contains("fields") && (m.contains("at most") || m.contains("expected")),
                "{tool}: {}",
                short(&m)
            );
            assert!(m.len() < 2_000, "{tool}: {} bytes", m.len());
        }
    }
    assert!(double.requests().is_empty(), "{:?}", double.requests());

    // A domain nested deep through `any`, past MAX_DEPTH but within JSON's 128 levels: a
    // domain error, no Odoo request.
    let mut deep = json!([]);
    for _ in 0..60 {
        deep = Value::Array(vec![Value::Array(vec![
            json!("parent_id"),
            json!("any"),
            deep,
        ])]);
    }
    let m = err(&call_within(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": deep}),
    )
    .await
    .0);
    assert!(m.contains("domain"), "{}", short(&m));
    // 500 `!` in a row: flat in JSON, checked without recursion, sent to Odoo. (The double's
    // domain evaluator recurses per `!`, as Odoo's Python does, so the chain stays short here;
    // `long_not_chains_stay_flat` in odoo-client covers the validator up to MAX_TERMS.)
    let mut nots = vec![json!("!"); 500];
    nots.push(json!(["name", "=", "nobody"]));
    let (result, _) = call_within(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"], "domain": nots}),
    )
    .await;
    let _ = text(&result);
    // More terms than the validator takes: refused with the reason.
    let many = vec![json!(["name", "=", "x"]); 10_001];
    let m = err(&call_within(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": many}),
    )
    .await
    .0);
    assert!(m.contains("too many terms"), "{}", short(&m));

    // A 4 MB string value: Odoo gets it (its own limits apply), the answer is not echoed back
    // whole in any error.
    let huge = "x".repeat(4 << 20);
    let (result, _) = call_within(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"], "domain": [["name", "=", huge]]}),
    )
    .await;
    assert!(
        text(&result).len() < 100_000,
        "{} bytes echoed",
        text(&result).len()
    );
    // A 4 MB name where a short one belongs: a clear error at once (the "did you mean" search
    // used to run a quadratic edit distance over it, for minutes), not echoed back whole.
    double.clear_requests();
    for (tool, arguments) in [
        (
            "search_records",
            json!({"model": "res.partner", "fields": [huge.clone()]}),
        ),
        (
            "search_records",
            json!({"model": "res.partner", "order": huge.clone()}),
        ),
        ("search_records", json!({"model": huge.clone()})),
        (
            "get_record",
            json!({"model": "res.partner", "record_id": 1, "fields": [huge.clone()]}),
        ),
        (huge.as_str(), json!({})),
    ] {
        let m = err(&call_within(&client, tool, arguments).await.0);
        assert!(m.len() < 2_000, "{} bytes echoed: {}", m.len(), short(&m));
    }

    // Still serving.
    ok(&call_within(&client, "search_records", read_args()).await.0);
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

/// JSON nested far deeper than serde_json's 128 levels, over stdio: rmcp drops the unparsable
/// line (MCP SDKs do not answer what they cannot parse), and the server goes on serving.
#[tokio::test]
async fn deep_json_over_stdio_is_dropped_and_the_server_keeps_serving() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let double = OdooDouble::start().await;
    let mut child = command(&server_env(&double, &[("ODOO_YOLO", "true")]))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn odoo-mcp");
    let stderr = Captured::spawn_reader(child.stderr.take().expect("stderr"));
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let depth = 5_000;
    let deep = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{{\"name\":\"search_records\",\"arguments\":{{\"model\":\"res.partner\",\"domain\":{}{}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let lines = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
        .to_string(),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        deep,
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {
            "name": "search_records", "arguments": {"model": "res.partner", "fields": ["name"], "limit": 1}}})
        .to_string(),
    ];
    for line in lines {
        stdin.write_all(line.as_bytes()).await.expect("write");
        stdin.write_all(b"\n").await.expect("write");
    }
    stdin.flush().await.expect("flush");
    let mut answered = Vec::new();
    let read = async {
        while let Ok(Some(line)) = stdout.next_line().await {
            let message: Value = serde_json::from_str(&line).expect("stdout carries JSON-RPC only");
            answered.push(message["id"].clone());
            if message["id"] == 3 {
                assert_eq!(
                    message["result"]["structuredContent"]["count"], 1,
                    "{message}"
                );
                return;
            }
        }
        panic!("stdout closed; stderr:\n{}", stderr.text());
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .expect("the call after the deep one was answered");
    assert!(!answered.contains(&json!(2)), "{answered:?}");
    eprintln!("stdio JSON nested {depth} deep -> dropped unanswered (rmcp), next call answered");
    child.kill().await.ok();
}

/// Over HTTP: a body over rmcp's 4 MiB limit gets 413 before parsing; JSON nested deeper than
/// the parser takes is refused; the session keeps working.
#[tokio::test]
async fn input_bounds_over_http() {
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let _ = rustls::crypto::ring::default_provider().install_default();
    // No pooled connections: the server closes a connection whose body it refused to read.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("reqwest client");
    let post = |body: String, session: Option<&str>| {
        let mut request = http
            .post(&server.url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .body(body);
        if let Some(session) = session {
            request = request
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-11-25");
        }
        request.send()
    };
    let response = post(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
        .to_string(),
        None,
    )
    .await
    .expect("initialize");
    let session = response
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .expect("Mcp-Session-Id")
        .to_string();
    let _ = response.text().await;
    post(
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}).to_string(),
        Some(&session),
    )
    .await
    .expect("initialized");

    let huge = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
        "name": "search_records",
        "arguments": {"model": "res.partner", "domain": [["name", "=", "x".repeat(5 << 20)]]}}});
    let response = post(huge.to_string(), Some(&session)).await.expect("sent");
    assert_eq!(response.status().as_u16(), 413);
    eprintln!("HTTP 5 MiB body -> {}", response.status());

    let depth = 5_000;
    let deep = format!(
        "{{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{{\"name\":\"search_records\",\"arguments\":{{\"model\":\"res.partner\",\"domain\":{}{}}}}}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let response = post(deep, Some(&session)).await.expect("sent");
    let status = response.status().as_u16();
    assert!((400..500).contains(&status), "deep JSON got {status}");
    eprintln!("HTTP JSON nested {depth} deep -> {status}");

    let call = json!({"jsonrpc": "2.0", "id": 4, "method": "tools/call", "params": {
        "name": "search_records", "arguments": {"model": "res.partner", "fields": ["name"], "limit": 1}}});
    let response = post(call.to_string(), Some(&session)).await.expect("sent");
    let body = response.text().await.expect("body");
    assert!(body.contains("\"count\":1"), "{body}");
    assert_eq!(count(&double, "search_read"), 1, "{:?}", double.requests());
}

/// Every tool and a series of error paths, with known secrets: none appears in a tool result,
/// the tool list, or stderr at debug level; in JSON/2 and XML-RPC (password) modes.
#[tokio::test]
async fn secrets_never_appear_in_results_or_logs() {
    let password = "pw-Known-Secret-4242";
    for xmlrpc in [false, true] {
        // A fresh double per mode: the last error path revokes its key.
        let double = OdooDouble::start().await;
        let mode = if xmlrpc {
            vec![
                ("ODOO_API_VERSION", "xmlrpc"),
                ("ODOO_API_KEY", ""),
                ("ODOO_PASSWORD", double.api_key()),
            ]
        } else {
            vec![("ODOO_PASSWORD", password)]
        };
        let mut extra = vec![
            ("ODOO_YOLO", "true"),
            ("ODOO_TIMEOUT", "1"),
            ("ODOO_MCP_TYPED_TOOLS", "all"),
            ("ODOO_MCP_LOG", "trace"),
        ];
        extra.extend(mode.iter().copied());
        let mut vars = server_env(&double, &extra);
        vars.retain(|(_, v)| !v.is_empty());
        let (client, stderr) = stdio_client(&vars).await;
        let tools = client.list_all_tools().await.expect("tools/list");
        let mut seen = serde_json::to_string(&tools).unwrap_or_default();
        let sample = json!({
            "model": "res.partner", "record_id": 3, "fields": ["name"], "limit": 1,
            "values": {"name": "Secret test"}, "domain": [["name", "ilike", "a"]],
        });
        let mut record = |result: &CallToolResult| {
            seen.push_str(&serde_json::to_string(result).unwrap_or_default());
        };
        for t in &tools {
            for arguments in [json!({}), sample.clone()] {
                record(&call_within(&client, &t.name, arguments).await.0);
            }
        }
        for fault in [
            Fault::Status(500),
            Fault::Status(502),
            Fault::Html,
            Fault::Truncated,
            Fault::Drop,
            Fault::Delay(Duration::from_secs(2)),
        ] {
            double.set_fault(Some(fault));
            record(
                &call_within(&client, "search_records", sample.clone())
                    .await
                    .0,
            );
            record(
                &call_within(&client, "create_record", sample.clone())
                    .await
                    .0,
            );
        }
        double.set_fault(None);
        // Refusals before Odoo, and Odoo's own errors.
        for (tool, arguments) in [
            ("no_such_tool", json!({})),
            ("search_records", json!({"model": "no.such"})),
            (
                "search_records",
                json!({"model": "res.partner", "domain": [["name", "equals", "x"]]}),
            ),
            (
                "search_records",
                json!({"model": "res.partner", "fields": ["emial"]}),
            ),
            (
                "get_record",
                json!({"model": "res.partner", "record_id": 424242}),
            ),
            (
                "create_record",
                json!({"model": "res.partner", "values": {}}),
            ),
            (
                "update_record",
                json!({"model": "res.partner", "record_id": 3, "values": {"country_id": "France"}}),
            ),
            ("res_partner_create", json!({"name": 7})),
        ] {
            record(&call_within(&client, tool, arguments).await.0);
        }
        // Last: the key revoked mid-session (authentication error paths).
        double.revoke_api_key();
        for tool in ["search_records", "create_record", "get_record"] {
            record(&call_within(&client, tool, sample.clone()).await.0);
        }
        client.cancel().await.ok();
        let logs = stderr.text();
        assert!(logs.lines().count() > 5, "debug logs were written: {logs}");
        for secret in [double.api_key(), password] {
            assert_no_secret(&seen, secret, "tool results");
            assert_no_secret(&logs, secret, "stderr");
        }
    }
}

/// A raw `initialize` POST: the status, and the headers and body as text.
async fn raw_initialize(
    http: &reqwest::Client,
    url: &str,
    authorization: Option<String>,
) -> (u16, String) {
    let mut request = http
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {},
                "clientInfo": {"name": "raw", "version": "1"}}})
            .to_string(),
        );
    if let Some(value) = authorization {
        request = request.header("Authorization", value);
    }
    let response = request.send().await.expect("odoo-mcp answers");
    let status = response.status().as_u16();
    let headers = format!("{:?}", response.headers());
    (
        status,
        format!("{headers}\n{}", response.text().await.unwrap_or_default()),
    )
}

/// The OAuth paths with a real OpenID provider and known tokens: no token, a garbage one, one
/// for another resource, an expired one, a revoked one, a valid one (tool calls and their error
/// paths), and the provider down. No token, the introspection secret or the API key appears in
/// any status line, header or body the client gets, nor in the server's trace-level stderr.
#[tokio::test]
async fn secrets_never_appear_on_the_oauth_paths() {
    const PUBLIC_URL: &str = "http://odoo-mcp.test";
    let mut provider = OidcProvider::start()
        .await
        .unwrap_or_else(|why| panic!("{why}"));
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(
        &double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_TIMEOUT", "1"),
            ("ODOO_MCP_LOG", "trace"),
            ("OAUTH_ISSUER_URL", provider.issuer()),
            ("ZITADEL_CLIENT_ID", provider.service_client_id()),
            ("ZITADEL_CLIENT_SECRET", provider.service_client_secret()),
            ("ODOO_MCP_PUBLIC_URL", PUBLIC_URL),
        ],
    ))
    .await;
    let valid = provider.token(PUBLIC_URL).await;
    let elsewhere = provider.token("https://elsewhere.example.com").await;
    let expired = provider.short_lived_token(PUBLIC_URL).await;
    let revoked = provider.token(PUBLIC_URL).await;
    provider.revoke(&revoked).await;
    // Never shown to the server before the provider goes down, so not cached.
    let unchecked = provider.token(PUBLIC_URL).await;
    tokio::time::sleep(SHORT_TTL + Duration::from_secs(1)).await;

    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let mut seen = String::new();
    let refused = [
        None,
        Some("Bearer garbage-token".to_string()),
        Some(format!("Basic {valid}")),
        Some(format!("Bearer {elsewhere}")),
        Some(format!("Bearer {expired}")),
        Some(format!("Bearer {revoked}")),
    ];
    for authorization in refused {
        let (status, answer) = raw_initialize(&http, &server.url, authorization).await;
        assert_eq!(status, 401, "{answer}");
        seen.push_str(&answer);
    }

    let client = ()
        .serve(StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(server.url.clone()).auth_header(&valid),
        ))
        .await
        .unwrap_or_else(|e| panic!("initialize with a valid token: {e}"));
    let tools = client.list_all_tools().await.expect("tools/list");
    seen.push_str(&serde_json::to_string(&tools).unwrap_or_default());
    double.set_fault(None);
    for (tool, arguments) in [
        ("search_records", read_args()),
        ("search_records", json!({"model": "no.such"})),
        (
            "get_record",
            json!({"model": "res.partner", "record_id": 424242}),
        ),
        ("no_such_tool", json!({})),
    ] {
        seen.push_str(
            &serde_json::to_string(&call_within(&client, tool, arguments).await.0)
                .unwrap_or_default(),
        );
    }
    double.set_fault(Some(Fault::Status(500)));
    seen.push_str(
        &serde_json::to_string(&call_within(&client, "search_records", read_args()).await.0)
            .unwrap_or_default(),
    );
    double.set_fault(None);
    client.cancel().await.ok();

    // The provider down: an unchecked token gets 503, never a pass.
    provider.stop().await;
    let (status, answer) =
        raw_initialize(&http, &server.url, Some(format!("Bearer {unchecked}"))).await;
    assert_eq!(status, 503, "{answer}");
    seen.push_str(&answer);

    let logs = server.stderr.text();
    assert!(logs.lines().count() > 5, "trace logs were written: {logs}");
    for (secret, what) in [
        (valid.as_str(), "a valid token"),
        (elsewhere.as_str(), "another resource's token"),
        (expired.as_str(), "an expired token"),
        (revoked.as_str(), "a revoked token"),
        (unchecked.as_str(), "an unchecked token"),
        ("garbage-token", "a garbage token"),
        (provider.service_client_secret(), "the introspection secret"),
        (double.api_key(), "the API key"),
    ] {
        assert!(!seen.contains(secret), "{what} in what the client got");
        assert!(!logs.contains(secret), "{what} in stderr");
    }
    eprintln!(
        "OAuth: 6 refused requests (401/503), 5 calls with a valid token; no secret shown or logged"
    );
}

/// Resident memory of process `pid`, in KiB (Linux `/proc`).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_else(|e| panic!("/proc/{pid}/status: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no VmRSS in /proc/{pid}/status"))
}

/// One round of `clients` concurrent streamable-HTTP clients, each creating two records, updating
/// the first, and reading three times. Returns protocol errors and tool errors.
async fn load_round(url: &str, round: usize, clients: usize) -> (Vec<String>, Vec<String>) {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            let client = ().serve(StreamableHttpClientTransport::from_uri(url)).await?;
            let mut errors = Vec::new();
            let mut first = None;
            for step in 0..6 {
                let (name, arguments) = match (step, first) {
                    (0 | 2, _) => (
                        "create_record",
                        json!({"model": "res.partner", "values": {"name": format!("load-{round}-{c}-{step}")}}),
                    ),
                    (4, Some(id)) => (
                        "update_record",
                        json!({"model": "res.partner", "record_id": id,
                               "values": {"name": format!("load-{round}-{c}-0-updated")}}),
                    ),
                    _ => ("search_records", read_args()),
                };
                let result = client
                    .call_tool(
                        rmcp::model::CallToolRequestParams::new(name.to_string())
                            .with_arguments(args(arguments)),
                    )
                    .await?;
                if result.is_error == Some(true) {
                    errors.push(text(&result));
                } else if step == 0 {
                    first = result
                        .structured_content
                        .as_ref()
                        .and_then(|v| v["id"].as_i64());
                }
            }
            client.cancel().await.ok();
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(errors)
        }));
    }
    let mut protocol_errors = Vec::new();
    let mut tool_errors = Vec::new();
    for task in tasks {
        match tokio::time::timeout(Duration::from_secs(120), task).await {
            Ok(Ok(Ok(errors))) => tool_errors.extend(errors),
            Ok(Ok(Err(e))) => protocol_errors.push(e.to_string()),
            Ok(Err(e)) => protocol_errors.push(format!("task: {e}")),
            Err(_) => protocol_errors.push("a client hung".into()),
        }
    }
    (protocol_errors, tool_errors)
}

/// 100 concurrent streamable-HTTP clients, each creating 2 records, updating one and reading 3
/// times, in three rounds: no protocol error; afterwards exactly the records created, each once,
/// every update applied; and the server's memory back near where it started (a generous bound:
/// sessions and buffers must be freed, not kept per client).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_http_clients_lose_and_duplicate_nothing() {
    const CLIENTS: usize = 100;
    const ROUNDS: usize = 3;
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let pid = server.child.id().expect("server pid");
    // Warm-up, so the baseline includes the caches every session shares.
    let (protocol_errors, tool_errors) = load_round(&server.url, 0, 2).await;
    assert!(protocol_errors.is_empty() && tool_errors.is_empty());
    let before = double.records("res.partner").len();
    let creates_before = count(&double, "create");
    let writes_before = count(&double, "write");
    let baseline = rss_kib(pid);
    let mut rss = vec![baseline];
    let started = Instant::now();
    for round in 1..=ROUNDS {
        let (protocol_errors, tool_errors) = load_round(&server.url, round, CLIENTS).await;
        assert!(protocol_errors.is_empty(), "{protocol_errors:?}");
        assert!(tool_errors.is_empty(), "{tool_errors:?}");
        rss.push(rss_kib(pid));
    }
    let took = started.elapsed();
    let records = double.records("res.partner");
    let names: Vec<&str> = records
        .iter()
        .filter_map(|r| r["name"].as_str())
        .filter(|n| n.starts_with("load-") && !n.starts_with("load-0-"))
        .collect();
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    let writes = ROUNDS * CLIENTS * 2;
    assert_eq!(names.len(), writes, "records created");
    assert_eq!(unique.len(), writes, "duplicated writes");
    assert_eq!(records.len(), before + writes);
    assert_eq!(count(&double, "create") - creates_before, writes);
    assert_eq!(count(&double, "write") - writes_before, ROUNDS * CLIENTS);
    let updated = names.iter().filter(|n| n.ends_with("-0-updated")).count();
    assert_eq!(updated, ROUNDS * CLIENTS, "updates lost");
    let after = *rss.last().expect("measured");
    eprintln!(
        "load: {ROUNDS} rounds x {CLIENTS} clients x 6 calls = {} calls in {:.1}s; 0 protocol errors, 0 tool errors; {writes} records created once each, {} updates applied; server RSS {} MiB",
        ROUNDS * CLIENTS * 6,
        took.as_secs_f64(),
        ROUNDS * CLIENTS,
        rss.iter()
            .map(|k| format!("{:.1}", *k as f64 / 1024.0))
            .collect::<Vec<_>>()
            .join(" -> ")
    );
    assert!(
        after < 2 * baseline + 20 * 1024,
        "memory grew from {baseline} KiB to {after} KiB"
    );
    assert_no_secret(&server.stderr.text(), double.api_key(), "stderr");
}
