//! Two people at once through one HTTP server: MCP clients that carry their
//! own `Authorization`, and the load of 20 of them alternating between admin
//! and demo, each answer cross-checked against what its caller may read.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use odoo_tests::OdooDouble;
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;

use super::{Client, call};

/// The double's demo user (Sales / User: Own Documents Only).
pub const DEMO_UID: i64 = 5;

pub fn http_with(authorization: Option<&str>) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(value) = authorization {
        headers.insert(
            reqwest::header::AUTHORIZATION,
            reqwest::header::HeaderValue::from_str(value).expect("header"),
        );
    }
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("reqwest client")
}

/// An MCP client whose every request carries `authorization`.
pub async fn client_as(url: &str, authorization: &str) -> Client {
    let transport = StreamableHttpClientTransport::with_client(
        http_with(Some(authorization)),
        StreamableHttpClientTransportConfig::with_uri(url.to_string()),
    );
    ().serve(transport).await.expect("initialize over HTTP")
}

/// The orders the double holds whose salesperson is `uid` or nobody; all of them for `None`.
pub fn visible_orders(double: &OdooDouble, uid: Option<i64>) -> Vec<i64> {
    let mut ids: Vec<i64> = double
        .records("sale.order")
        .iter()
        .filter(|r| {
            let owner = r["user_id"][0].as_i64();
            uid.is_none() || owner.is_none() || owner == uid
        })
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    ids.sort_unstable();
    ids
}

/// What a load run saw.
pub struct Load {
    pub calls: usize,
    pub errors: usize,
    pub leaks: usize,
    /// Total time of the calls divided by concurrency: the mean per call.
    pub per_call: Duration,
}

/// 1,000 `search_records` calls from 20 clients, 50 each; `people[n]` is the
/// `Authorization` of client n and whether it is demo. An answer to demo that
/// holds an order demo may not read, or one to admin that holds no more than
/// demo's, is a leak.
pub async fn load(url: &str, people: Vec<(String, bool)>, demo_may_see: &[i64]) -> Load {
    let errors = Arc::new(AtomicUsize::new(0));
    let leaks = Arc::new(AtomicUsize::new(0));
    let calls = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for (authorization, is_demo) in people {
        clients.push((is_demo, client_as(url, &authorization).await));
    }
    let concurrency = clients.len() as u32;
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (is_demo, client) in clients {
        let (errors, leaks, calls) = (errors.clone(), leaks.clone(), calls.clone());
        let demo_may_see = demo_may_see.to_vec();
        tasks.push(tokio::spawn(async move {
            for _ in 0..50 {
                let result = call(
                    &client,
                    "search_records",
                    json!({"model": "sale.order", "fields": ["user_id"], "limit": 100}),
                )
                .await;
                calls.fetch_add(1, Ordering::SeqCst);
                if result.is_error == Some(true) {
                    errors.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
                let value = result.structured_content.unwrap_or_default();
                let ids: Vec<i64> = value["records"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|r| r["id"].as_i64())
                    .collect();
                let leaked = if is_demo {
                    ids.iter().any(|id| !demo_may_see.contains(id))
                } else {
                    ids.len() <= demo_may_see.len()
                };
                if leaked {
                    leaks.fetch_add(1, Ordering::SeqCst);
                }
            }
            client.cancel().await.ok();
        }));
    }
    for task in tasks {
        task.await.expect("client task");
    }
    let calls = calls.load(Ordering::SeqCst);
    Load {
        calls,
        errors: errors.load(Ordering::SeqCst),
        leaks: leaks.load(Ordering::SeqCst),
        per_call: started.elapsed() * concurrency / calls.max(1) as u32,
    }
}
