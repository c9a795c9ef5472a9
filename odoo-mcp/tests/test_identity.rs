//! `ODOO_MCP_IDENTITY=odoo-key`: the real binary over streamable HTTP against
//! the Odoo test double, each client with its own Odoo API key (admin, and demo
//! with Sales / User: Own Documents Only).

mod common;

use std::time::Duration;

use base64::Engine;
use common::load::*;
use common::*;
use odoo_tests::OdooDouble;
use serde_json::{Value, json};

/// The server's environment with odoo-key and no key of its own.
fn key_env(double: &OdooDouble, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = server_env(double, &[("ODOO_MCP_IDENTITY", "odoo-key")]);
    env.retain(|(name, _)| name != "ODOO_API_KEY" && name != "ODOO_USER");
    for (k, v) in extra {
        env.retain(|(name, _)| name != k);
        env.push((k.to_string(), v.to_string()));
    }
    env
}

fn basic(login: &str, key: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{key}"));
    format!("Basic {encoded}")
}

/// The sale orders `client` gets: (id, salesperson id or None).
async fn orders(client: &Client) -> Vec<(i64, Option<i64>)> {
    let found = ok(&call(
        client,
        "search_records",
        json!({"model": "sale.order", "fields": ["user_id"], "limit": 100}),
    )
    .await);
    found["records"]
        .as_array()
        .expect("records")
        .iter()
        .map(|r| (r["id"].as_i64().expect("id"), r["user_id"][0].as_i64()))
        .collect()
}

fn count(double: &OdooDouble, method: &str) -> usize {
    double
        .requests()
        .iter()
        .filter(|(_, _, m)| m == method)
        .count()
}

#[tokio::test]
async fn each_key_sees_what_odoo_shows_its_user_and_writes_as_them() {
    let double = OdooDouble::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let audit = dir.path().join("audit.jsonl");
    let audit_path = audit.to_str().expect("path").to_string();
    let server = http_server(&key_env(&double, &[("ODOO_MCP_AUDIT_LOG", &audit_path)])).await;
    let admin = client_as(&server.url, &format!("Bearer {}", double.api_key())).await;
    let demo = client_as(&server.url, &format!("Bearer {}", double.demo_api_key())).await;

    let mut seen_by_admin: Vec<i64> = orders(&admin).await.into_iter().map(|o| o.0).collect();
    seen_by_admin.sort_unstable();
    assert_eq!(seen_by_admin, visible_orders(&double, None));
    let seen_by_demo = orders(&demo).await;
    let mut ids: Vec<i64> = seen_by_demo.iter().map(|o| o.0).collect();
    ids.sort_unstable();
    assert_eq!(ids, visible_orders(&double, Some(DEMO_UID)));
    assert!(ids.len() < seen_by_admin.len(), "demo sees fewer orders");
    assert_eq!(ids.len(), 17, "as demo sees on the Odoo 19 lab's demo data");

    // An order demo cannot see is refused as Odoo refuses it, not silently empty.
    let hidden = seen_by_admin.iter().find(|id| !ids.contains(id)).copied();
    let message = err(&call(
        &demo,
        "get_record",
        json!({"model": "sale.order", "record_id": hidden.expect("an order of admin's")}),
    )
    .await);
    assert!(message.contains("doesn't have 'read' access"), "{message}");

    // What demo creates is demo's.
    let created = ok(&call(
        &demo,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Made by demo"}}),
    )
    .await);
    let id = created["id"].as_i64().expect("id");
    let got = ok(&call(
        &admin,
        "get_record",
        json!({"model": "res.partner", "record_id": id, "fields": ["create_uid", "write_uid"]}),
    )
    .await);
    assert_eq!(got["record"]["create_uid"][0], DEMO_UID, "{got}");
    assert_eq!(got["record"]["write_uid"][0], DEMO_UID, "{got}");

    // Demo may not change the company: Odoo's access error, worded as such.
    let message = err(&call(
        &demo,
        "update_record",
        json!({"model": "res.company", "record_id": 1, "values": {"name": "Demo's company"}}),
    )
    .await);
    assert!(
        message.contains("not allowed to modify") && message.contains("res.company"),
        "{message}"
    );
    let unchanged = ok(&call(
        &admin,
        "get_record",
        json!({"model": "res.company", "record_id": 1, "fields": ["name"]}),
    )
    .await);
    assert_ne!(unchanged["record"]["name"], "Demo's company");

    // The audit line names the Odoo user each write acted as; never a key.
    let lines = audit_lines(&audit, 2).await;
    let create = lines
        .iter()
        .find(|l| l["tool"] == "create_record")
        .expect("create line");
    assert_eq!(create["odoo_uid"], DEMO_UID, "{create}");
    assert_eq!(create["odoo_login"], "demo", "{create}");
    let refused = lines
        .iter()
        .find(|l| l["tool"] == "update_record")
        .expect("update line");
    assert_eq!(refused["outcome"], "error", "{refused}");
    let text = std::fs::read_to_string(&audit).expect("audit file");
    for key in [double.api_key(), double.demo_api_key()] {
        assert_no_secret(&text, key, "audit log");
        assert_no_secret(&server.stderr.text(), key, "stderr");
    }
    admin.cancel().await.ok();
    demo.cancel().await.ok();
}

async fn audit_lines(path: &std::path::Path, n: usize) -> Vec<Value> {
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

/// A 2025-11-25 `initialize`, by hand, with `authorization`.
async fn raw_initialize(url: &str, authorization: Option<&str>) -> reqwest::Response {
    http_with(authorization)
        .post(url)
        .header("Accept", "application/json, text/event-stream")
        .header("Content-Type", "application/json")
        .body(
            json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
            .to_string(),
        )
        .send()
        .await
        .expect("initialize")
}

/// `initialize` by hand with `authorization`: (status, WWW-Authenticate, body).
async fn initialize(url: &str, authorization: Option<&str>) -> (u16, String, String) {
    let response = raw_initialize(url, authorization).await;
    let status = response.status().as_u16();
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    (status, challenge, response.text().await.unwrap_or_default())
}

#[tokio::test]
async fn a_missing_or_refused_key_is_a_401_before_any_tool_reaches_odoo() {
    let double = OdooDouble::start().await;
    let server = http_server(&key_env(&double, &[])).await;

    let (status, challenge, body) = initialize(&server.url, None).await;
    assert_eq!(status, 401, "{body}");
    assert!(challenge.starts_with("Bearer"), "{challenge}");
    assert!(
        body.contains("Authorization: Bearer") && body.contains("New API Key"),
        "{body}"
    );

    let wrong = "not-a-key-0123456789abcdef";
    let (status, challenge, body) = initialize(&server.url, Some(&format!("Bearer {wrong}"))).await;
    assert_eq!(status, 401, "{body}");
    assert!(challenge.contains("invalid_token"), "{challenge}");
    assert!(body.contains("refused this API key"), "{body}");
    assert_no_secret(&body, wrong, "the 401");

    // Only the question "whose key is this" reached Odoo: no tool, no search.
    let methods: Vec<String> = double.requests().into_iter().map(|r| r.2).collect();
    assert!(
        methods.iter().all(|m| m == "context_get" || m == "version"),
        "{methods:?}"
    );
    assert_no_secret(&server.stderr.text(), wrong, "stderr");
    // The refusal is remembered: the same bad key again costs Odoo nothing.
    let asked = |double: &OdooDouble| {
        let requests = double.requests();
        requests.iter().filter(|r| r.2 == "context_get").count()
    };
    let before = asked(&double);
    let (status, _, _) = initialize(&server.url, Some(&format!("Bearer {wrong}"))).await;
    assert_eq!(status, 401);
    assert_eq!(asked(&double), before);

    // A good key gets through.
    let (status, _, body) = initialize(
        &server.url,
        Some(&format!("Bearer {}", double.demo_api_key())),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn a_revoked_key_stops_working() {
    let double = OdooDouble::start().await;
    let server = http_server(&key_env(&double, &[("ODOO_MCP_IDENTITY_TTL", "60")])).await;
    let admin = client_as(&server.url, &format!("Bearer {}", double.api_key())).await;
    assert!(!orders(&admin).await.is_empty());
    double.revoke_api_key();
    // Within the TTL the call reaches Odoo, which refuses the key; the server
    // forgets it, so the next request is a 401 without waiting for the TTL.
    let message = err(&call(&admin, "search_records", json!({"model": "res.partner"})).await);
    assert!(
        message.to_lowercase().contains("api key") || message.contains("refused"),
        "{message}"
    );
    admin.cancel().await.ok();
    let (status, _, body) =
        initialize(&server.url, Some(&format!("Bearer {}", double.api_key()))).await;
    assert_eq!(status, 401, "{body}");
    assert_no_secret(&server.stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn what_one_user_taught_the_server_serves_only_that_user() {
    let double = OdooDouble::start().await;
    let server = http_server(&key_env(&double, &[("ODOO_YOLO", "true")])).await;
    let admin = client_as(&server.url, &format!("Bearer {}", double.api_key())).await;
    let demo = client_as(&server.url, &format!("Bearer {}", double.demo_api_key())).await;
    let asked = || {
        double
            .requests()
            .iter()
            .filter(|(_, model, method)| model == "ir.model" && method == "search_read")
            .count()
    };
    ok(&call(&demo, "list_models", json!({})).await);
    assert_eq!(asked(), 1);
    ok(&call(&demo, "list_models", json!({})).await);
    assert_eq!(asked(), 1, "demo's model list is cached for demo");
    ok(&call(&admin, "list_models", json!({})).await);
    assert_eq!(asked(), 2, "admin does not get the list Odoo gave demo");
    ok(&call(&admin, "list_models", json!({})).await);
    assert_eq!(asked(), 2);
    // Each key was checked with Odoo once, then served from the cache.
    assert_eq!(count(&double, "context_get"), 2);
    // tools/list is the same for everyone.
    let names = |tools: Vec<rmcp::model::Tool>| -> Vec<String> {
        tools.into_iter().map(|t| t.name.to_string()).collect()
    };
    assert_eq!(
        names(admin.list_all_tools().await.expect("tools")),
        names(demo.list_all_tools().await.expect("tools"))
    );
    admin.cancel().await.ok();
    demo.cancel().await.ok();
}

#[tokio::test]
async fn below_19_the_key_comes_with_its_login() {
    let double = OdooDouble::start_with_version(18).await;
    let server = http_server(&key_env(&double, &[])).await;
    let (status, challenge, body) = initialize(
        &server.url,
        Some(&format!("Bearer {}", double.demo_api_key())),
    )
    .await;
    assert_eq!(status, 401, "{body}");
    assert!(challenge.starts_with("Basic"), "{challenge}");
    assert!(body.contains("login:key"), "{body}");
    let (status, _, body) =
        initialize(&server.url, Some(&basic("admin", double.demo_api_key()))).await;
    assert_eq!(status, 401, "demo's key with admin's login: {body}");

    let demo = client_as(&server.url, &basic("demo", double.demo_api_key())).await;
    let ids = orders(&demo).await;
    assert_eq!(ids.len(), visible_orders(&double, Some(DEMO_UID)).len());
    assert!(
        ids.iter()
            .all(|(_, owner)| owner.is_none_or(|o| o == DEMO_UID))
    );
    assert!(
        double.requests().iter().all(|(kind, _, _)| kind != "json2"),
        "Odoo 18 is reached over XML-RPC"
    );
    demo.cancel().await.ok();
}

#[tokio::test]
async fn odoo_key_refuses_stdio_at_start_up() {
    let double = OdooDouble::start().await;
    let output = command(&key_env(&double, &[]))
        .output()
        .await
        .expect("run odoo-mcp");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("odoo-key") && stderr.contains("streamable-http"),
        "{stderr}"
    );
}

/// 20 clients at once, alternating between admin and demo, 1,000 calls: no
/// error, and no answer holds an order its caller cannot read. Prints the mean
/// time of a call with odoo-key and with the service key (the identity check
/// with a warm cache is the difference).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn load_twenty_clients_two_users_no_leak() {
    let double = OdooDouble::start().await;
    let keyed = http_server(&key_env(&double, &[])).await;
    let demo_may_see = visible_orders(&double, Some(DEMO_UID));
    let people = |keyed: bool| -> Vec<(String, bool)> {
        (0..20)
            .map(|n| {
                let demo = keyed && n % 2 == 1;
                let key = if demo {
                    double.demo_api_key()
                } else {
                    double.api_key()
                };
                (format!("Bearer {key}"), demo)
            })
            .collect()
    };
    let seen = load(&keyed.url, people(true), &demo_may_see).await;
    assert_eq!((seen.calls, seen.errors, seen.leaks), (1000, 0, 0));
    let service = http_server(&server_env(&double, &[])).await;
    let plain = load(&service.url, people(false), &demo_may_see).await;
    assert_eq!(plain.errors, 0);
    eprintln!(
        "odoo-key load: {} calls, {} errors, {} leaks; mean {:.2} ms per call (service key: {:.2} ms); two identity checks with Odoo in all: {}",
        seen.calls,
        seen.errors,
        seen.leaks,
        seen.per_call.as_secs_f64() * 1000.0,
        plain.per_call.as_secs_f64() * 1000.0,
        count(&double, "context_get")
    );
    for key in [double.api_key(), double.demo_api_key()] {
        assert_no_secret(&keyed.stderr.text(), key, "stderr");
    }
}

/// `initialize` with `authorization`: the status and the `Retry-After` header.
async fn status_and_retry(url: &str, authorization: &str) -> (u16, Option<String>) {
    let response = raw_initialize(url, Some(authorization)).await;
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap_or_default().to_string());
    (response.status().as_u16(), retry)
}

/// A flood of made-up keys costs Odoo at most the refused-checks bound a
/// minute; beyond it unknown keys are a 429 with Retry-After, unasked, while a
/// key Odoo already vouched for keeps working.
#[tokio::test]
async fn a_flood_of_made_up_keys_is_bounded_and_known_keys_keep_working() {
    let double = OdooDouble::start().await;
    let server = http_server(&key_env(&double, &[])).await;
    let admin = format!("Bearer {}", double.api_key());
    assert_eq!(status_and_retry(&server.url, &admin).await.0, 200);
    let (mut refused, mut limited) = (0, 0);
    for n in 0..45 {
        match status_and_retry(&server.url, &format!("Bearer made-up-key-{n:04}")).await {
            (401, _) => refused += 1,
            (429, Some(retry)) => {
                assert!(
                    retry.parse::<u64>().is_ok_and(|s| (1..=60).contains(&s)),
                    "{retry}"
                );
                limited += 1;
            }
            other => panic!("made-up key {n}: {other:?}"),
        }
    }
    assert_eq!(
        (refused, limited),
        (30, 15),
        "30 refused checks a minute, then 429"
    );
    assert_eq!(
        count(&double, "context_get"),
        31,
        "admin's check and 30 made-up keys asked Odoo"
    );
    // A key already refused is answered from the cache: still a 401, Odoo not asked.
    assert_eq!(
        status_and_retry(&server.url, "Bearer made-up-key-0000")
            .await
            .0,
        401
    );
    // Known good: not locked out.
    assert_eq!(status_and_retry(&server.url, &admin).await.0, 200);
    // A person's first request during the flood waits (the trade-off, in the docs).
    let demo = format!("Bearer {}", double.demo_api_key());
    assert_eq!(status_and_retry(&server.url, &demo).await.0, 429);
    assert_eq!(count(&double, "context_get"), 31);
    assert_no_secret(&server.stderr.text(), double.api_key(), "stderr");
}
