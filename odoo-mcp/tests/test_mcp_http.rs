//! The real `odoo-mcp` binary over streamable HTTP against the Odoo test double.

mod common;

use common::*;
use odoo_tests::OdooDouble;
use rmcp::model::ProtocolVersion;
use rmcp::service::ClientLifecycleMode;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::{ClientServiceExt, ServiceExt};
use serde_json::{Value, json};

fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().build().expect("reqwest client")
}

/// The JSON-RPC message of a response body, plain JSON or one SSE `data:` event.
fn jsonrpc(body: &str) -> Value {
    if let Ok(value) = serde_json::from_str(body) {
        return value;
    }
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .find_map(|d| {
            serde_json::from_str::<Value>(d)
                .ok()
                .filter(|v| v.get("id").is_some())
        })
        .unwrap_or_else(|| panic!("no JSON-RPC message in {body:?}"))
}

#[tokio::test]
async fn rmcp_client_with_initialize_session() {
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
    let client = ().serve(transport).await.expect("initialize over HTTP");
    assert_eq!(
        client.peer_info().expect("info").protocol_version,
        ProtocolVersion::V_2025_11_25
    );
    let tools = client.list_all_tools().await.expect("tools/list");
    for t in &tools {
        assert_valid_schema(&Value::Object((*t.input_schema).clone()));
    }
    assert_eq!(
        double.request_count(),
        0,
        "no Odoo request before a tool call"
    );

    let found = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "domain": [["name", "ilike", "mitchell"]], "fields": ["name"]}),
    )
    .await);
    assert_eq!(found["records"][0]["name"], "Mitchell Admin");
    let m = err(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "order": "nmae desc"}),
    )
    .await);
    assert!(m.contains("`nmae`") && m.contains("order"), "{m}");
    let created = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Over HTTP"}}),
    )
    .await);
    assert!(created["id"].as_i64().is_some());
    client.cancel().await.ok();
    assert_no_secret(&server.stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn rmcp_client_with_2026_07_28_discover() {
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
    let client = ()
        .serve_with_lifecycle(
            transport,
            ClientLifecycleMode::Discover {
                preferred_versions: vec![ProtocolVersion::V_2026_07_28],
            },
        )
        .await
        .expect("discover over HTTP");
    assert_eq!(
        client.peer_info().expect("info").protocol_version,
        ProtocolVersion::V_2026_07_28
    );
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(
        tools.iter().all(|t| t.name != "create_record"),
        "read-only lists no write tool"
    );
    let got = ok(&call(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": 3, "fields": ["name"]}),
    )
    .await);
    assert_eq!(got["record"]["name"], "Mitchell Admin");
    let m = err(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": 3}),
    )
    .await);
    assert!(m.contains("read-only"), "{m}");
    assert!(
        double
            .requests()
            .iter()
            .all(|(_, _, method)| !matches!(method.as_str(), "create" | "write" | "unlink"))
    );
    client.cancel().await.ok();
}

/// A 2025-11-25 client by hand: `initialize` returns `Mcp-Session-Id`, which
/// every later request carries.
#[tokio::test]
async fn raw_initialize_2025_11_25_with_session_header() {
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let http = http_client();
    let post = |body: Value, session: Option<&str>| {
        let mut request = http
            .post(&server.url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .body(body.to_string());
        if let Some(session) = session {
            request = request
                .header("Mcp-Session-Id", session)
                .header("MCP-Protocol-Version", "2025-11-25");
        }
        request.send()
    };

    let response = post(
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}),
        None,
    )
    .await
    .expect("initialize");
    assert!(response.status().is_success(), "{}", response.status());
    let session = response
        .headers()
        .get("mcp-session-id")
        .expect("Mcp-Session-Id header")
        .to_str()
        .unwrap()
        .to_string();
    let init = jsonrpc(&response.text().await.unwrap());
    assert_eq!(init["result"]["protocolVersion"], "2025-11-25");

    let response = post(
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        Some(&session),
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 202);

    let response = post(
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {
            "name": "search_records", "arguments": {"model": "res.partner", "fields": ["name"], "limit": 1}}}),
        Some(&session),
    )
    .await
    .unwrap();
    let answer = jsonrpc(&response.text().await.unwrap());
    assert_eq!(answer["id"], 2);
    assert_eq!(answer["result"]["structuredContent"]["count"], 1);

    // An unknown session is refused; the session can be closed.
    let response = post(
        json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
        Some("no-such-session"),
    )
    .await
    .unwrap();
    assert_eq!(response.status().as_u16(), 404);
    let response = http
        .delete(&server.url)
        .header("Mcp-Session-Id", &session)
        .header("MCP-Protocol-Version", "2025-11-25")
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    assert_no_secret(&server.stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn foreign_origin_is_refused() {
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[])).await;
    let http = http_client();
    let initialize = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}});
    let send = |origin: &'static str| {
        http.post(&server.url)
            .header("Accept", "application/json, text/event-stream")
            .header("Content-Type", "application/json")
            .header("Origin", origin)
            .body(initialize.to_string())
            .send()
    };
    assert_eq!(
        send("https://evil.example")
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert_eq!(
        send("http://attacker.test:8000")
            .await
            .unwrap()
            .status()
            .as_u16(),
        403
    );
    assert!(
        send("http://localhost:6274")
            .await
            .unwrap()
            .status()
            .is_success()
    );
    assert_eq!(double.request_count(), 0);
}

/// A TCP proxy to `target` (`host:port`) that holds each new connection for
/// `delay` before passing bytes, and reports each connection on the channel:
/// an Odoo that answers slowly.
async fn slow_proxy(
    target: String,
    delay: std::time::Duration,
) -> (String, tokio::sync::mpsc::UnboundedReceiver<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (reached, arrivals) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let (target, reached) = (target.clone(), reached.clone());
            tokio::spawn(async move {
                let _ = reached.send(());
                tokio::time::sleep(delay).await;
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (format!("http://{address}"), arrivals)
}

/// Kubernetes sends SIGTERM to a pod that may still be answering: a stateless
/// call in flight must get its answer, and the server then exit by itself.
#[tokio::test]
async fn sigterm_lets_a_stateless_call_in_flight_finish() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let double = OdooDouble::start().await;
    let target = double
        .url()
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();
    let (odoo_url, mut arrivals) = slow_proxy(target, std::time::Duration::from_millis(1500)).await;
    let mut env = server_env(
        &double,
        &[
            ("ODOO_MCP_STATELESS", "true"),
            ("ODOO_API_VERSION", "json2"),
        ],
    );
    env.retain(|(name, _)| name != "ODOO_URL");
    env.push(("ODOO_URL".into(), odoo_url));
    let mut server = http_server(&env).await;
    let client =
        ().serve(StreamableHttpClientTransport::from_uri(server.url.clone()))
            .await
            .expect("initialize over HTTP");
    let in_flight = tokio::spawn(async move {
        let result = call(
            &client,
            "search_records",
            json!({"model": "res.partner", "limit": 1}),
        )
        .await;
        client.cancel().await.ok();
        result
    });
    arrivals.recv().await.expect("the call reaches Odoo");
    let pid = server.child.id().expect("server runs").to_string();
    let killed = tokio::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .await
        .expect("run kill");
    assert!(killed.success());
    let result = in_flight.await.expect("call task");
    assert_ne!(
        result.is_error,
        Some(true),
        "{}\n{}",
        text(&result),
        server.stderr.text()
    );
    assert!(ok(&result)["records"].is_array(), "{}", text(&result));
    let status = tokio::time::timeout(std::time::Duration::from_secs(10), server.child.wait())
        .await
        .expect("the server exits after its last call")
        .expect("wait for the server");
    assert!(status.success(), "{status}\n{}", server.stderr.text());
}
