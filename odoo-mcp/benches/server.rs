//! Every figure of issue 9 against the Odoo test double, with its target
//! (not a timed test): `cargo bench -p odoo-mcp`.
//!
//! - one `search_records` call through the server (stdio, rmcp client) versus
//!   the same `search_read` made directly with odoo-client: the server's overhead;
//! - spawn → completed `initialize`, and Odoo requests before the first call;
//! - peak RSS (VmHWM) of the server after a 1,000-call workload;
//! - the size of `tools/list`, per tool and per setting;
//! - 100 concurrent MCP clients over streamable HTTP: errors, p50/p95 under
//!   load against the idle p95;
//! - codegen figures live in odoo-codegen's own bench (pointed at, not run).

use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use odoo_client::{Domain, OdooClient, SearchOptions};
use odoo_mcp::OdooMcp;
use odoo_mcp::settings::{SchemaDetail, Settings, TypedTools};
use odoo_tests::OdooDouble;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::model::Tool;
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_odoo-mcp");
const CALLS: usize = 1_000;
const STARTS: usize = 30;
/// Concurrent MCP clients over streamable HTTP.
const HTTP_CLIENTS: usize = 100;
/// How long the HTTP load runs.
const HTTP_LOAD: Duration = Duration::from_secs(5);
/// Each client's pace under load: one search per interval (100 clients →
/// about 1,000 searches/s), so the figure is latency under load, not the
/// queue of a closed loop saturating 2 cores.
const HTTP_PACE: Duration = Duration::from_millis(100);
/// Sequential searches of one client for the idle HTTP p95.
const HTTP_IDLE_CALLS: usize = 300;

fn command(double: &OdooDouble) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("ODOO_URL", double.url())
        .env("ODOO_DB", double.db())
        .env("ODOO_API_KEY", double.api_key())
        .env("ODOO_API_VERSION", "json2")
        .env("ODOO_YOLO", "true")
        .env("ODOO_MCP_LOG", "warn")
        .kill_on_drop(true);
    command
}

struct Stats {
    median: Duration,
    p95: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    Stats {
        median: at(0.5),
        p95: at(0.95),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// The catalog as `tools/list` returns it, built in-process (no request).
fn listing(typed: TypedTools, detail: SchemaDetail) -> Vec<Tool> {
    let config = odoo_client::Config::new("http://127.0.0.1:9").api_key("bench-key-unused");
    let settings = Settings {
        typed_tools: typed,
        schema_detail: detail,
        ..Settings::default()
    };
    OdooMcp::new(config, settings, odoo_mcp::generated_models())
        .expect("server")
        .tools()
}

fn json_len<T: serde::Serialize>(value: &T) -> usize {
    serde_json::to_string(value).map(|s| s.len()).unwrap_or(0)
}

fn list_bytes(tools: &[Tool]) -> usize {
    json_len(&json!({ "tools": tools }))
}

/// The server over streamable HTTP on a free port; its stderr keeps being drained.
async fn http_server(double: &OdooDouble) -> (tokio::process::Child, String) {
    let mut command = command(double);
    command
        .env("ODOO_MCP_TRANSPORT", "streamable-http")
        .env("ODOO_MCP_PORT", "0")
        .env("ODOO_MCP_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("spawn odoo-mcp");
    let stderr = child.stderr.take().expect("stderr is piped");
    let mut lines = BufReader::new(stderr).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .expect("read stderr")
            .expect("odoo-mcp exited before listening");
        if line.contains("listening on http://")
            && let Some(start) = line.find("http://")
        {
            break line[start..]
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
        }
    };
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}

type HttpClient = rmcp::service::RunningService<rmcp::RoleClient, ()>;

async fn http_client(url: &str) -> Option<HttpClient> {
    ().serve(StreamableHttpClientTransport::from_uri(url.to_string()))
        .await
        .ok()
}

/// One search over HTTP: its latency, or `None` on any error.
async fn http_search(client: &HttpClient) -> Option<Duration> {
    let arguments = json!({"model": "res.partner", "fields": ["name", "email"], "limit": 5});
    let params = CallToolRequestParams::new("search_records")
        .with_arguments(arguments.as_object().cloned().unwrap_or_default());
    let start = Instant::now();
    let result = client.call_tool(params).await.ok()?;
    let elapsed = start.elapsed();
    (result.is_error != Some(true)).then_some(elapsed)
}

struct HttpFigures {
    idle: Stats,
    load: Stats,
    calls: usize,
    errors: usize,
    rss_kib: Option<u64>,
}

/// Idle p95 of one client, then `HTTP_CLIENTS` paced clients for `HTTP_LOAD`.
async fn http_load(double: &OdooDouble) -> HttpFigures {
    let (child, url) = http_server(double).await;
    let pid = child.id();
    let idle_client = http_client(&url).await.expect("initialize over HTTP");
    for _ in 0..30 {
        http_search(&idle_client).await;
    }
    let mut idle = Vec::with_capacity(HTTP_IDLE_CALLS);
    for _ in 0..HTTP_IDLE_CALLS {
        idle.push(http_search(&idle_client).await.expect("idle search"));
    }
    idle_client.cancel().await.ok();

    let errors = Arc::new(AtomicUsize::new(0));
    let barrier = Arc::new(tokio::sync::Barrier::new(HTTP_CLIENTS));
    let mut tasks = Vec::with_capacity(HTTP_CLIENTS);
    for i in 0..HTTP_CLIENTS {
        let url = url.clone();
        let errors = errors.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            let client = http_client(&url).await;
            barrier.wait().await;
            let Some(client) = client else {
                errors.fetch_add(1, Ordering::Relaxed);
                return Vec::new();
            };
            // Spread the clients over one pacing interval.
            let offset = HTTP_PACE * i as u32 / HTTP_CLIENTS as u32;
            let start = tokio::time::Instant::now() + offset;
            let deadline = start + HTTP_LOAD;
            let mut ticks = tokio::time::interval_at(start, HTTP_PACE);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut samples = Vec::new();
            loop {
                ticks.tick().await;
                if tokio::time::Instant::now() >= deadline {
                    break;
                }
                match http_search(&client).await {
                    Some(elapsed) => samples.push(elapsed),
                    None => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
            client.cancel().await.ok();
            samples
        }));
    }
    let mut load = Vec::new();
    for task in tasks {
        match task.await {
            Ok(samples) => load.extend(samples),
            Err(_) => {
                errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    let rss_kib = pid.and_then(peak_rss_kib);
    drop(child);
    let calls = load.len();
    HttpFigures {
        idle: stats(idle),
        load: stats(load),
        calls,
        errors: errors.load(Ordering::Relaxed),
        rss_kib,
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let double = OdooDouble::start().await;
    let fields = ["name", "email", "phone", "country_id"];

    // Direct: odoo-client against the double.
    let client = OdooClient::new(double.config_json2()).expect("client");
    let options = SearchOptions::new().fields(fields).limit(10);
    let domain = Domain::new();
    for _ in 0..50 {
        client
            .search_read("res.partner", &domain, &options)
            .await
            .expect("search_read");
    }
    let mut direct = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let start = Instant::now();
        client
            .search_read("res.partner", &domain, &options)
            .await
            .expect("search_read");
        direct.push(start.elapsed());
    }
    let direct = stats(direct);

    // Start-up: spawn → completed initialize.
    double.clear_requests();
    let mut starts = Vec::with_capacity(STARTS);
    for _ in 0..STARTS {
        let start = Instant::now();
        let (transport, _) = TokioChildProcess::builder(command(&double))
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let running = ().serve(transport).await.expect("initialize");
        starts.push(start.elapsed());
        running.cancel().await.ok();
    }
    let startup = stats(starts);
    let odoo_requests_at_start = double.request_count();

    // Through the server: the same search as search_records over stdio.
    let (transport, _) = TokioChildProcess::builder(command(&double))
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = transport.id().expect("pid");
    let mcp = ().serve(transport).await.expect("initialize");
    let tools = mcp.list_all_tools().await.expect("tools/list");
    let tools_bytes = serde_json::to_string(&json!({"tools": tools}))
        .expect("json")
        .len();
    let arguments = json!({"model": "res.partner", "fields": fields, "limit": 10});
    let params = || {
        CallToolRequestParams::new("search_records")
            .with_arguments(arguments.as_object().cloned().unwrap_or_default())
    };
    for _ in 0..50 {
        mcp.call_tool(params()).await.expect("call");
    }
    double.clear_requests();
    let mut through = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let start = Instant::now();
        let result = mcp.call_tool(params()).await.expect("call");
        through.push(start.elapsed());
        assert_ne!(result.is_error, Some(true), "{:?}", result.content);
    }
    let odoo_per_call = double.request_count() as f64 / CALLS as f64;
    let last = mcp.call_tool(params()).await.expect("call");
    let response_bytes = last
        .structured_content
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_default()
        .len();
    let rss = peak_rss_kib(pid);
    mcp.cancel().await.ok();
    let through = stats(through);
    let overhead = through.median.saturating_sub(direct.median);

    let http = http_load(&double).await;

    println!("odoo-mcp server figures against the test double ({CALLS} calls, release build)");
    println!("{:<44} {:>12} {:>12}  target", "figure", "median", "p95");
    println!(
        "{:<44} {:>12} {:>12}",
        "search_read direct (odoo-client)",
        ms(direct.median),
        ms(direct.p95)
    );
    println!(
        "{:<44} {:>12} {:>12}",
        "search_records through odoo-mcp (stdio)",
        ms(through.median),
        ms(through.p95)
    );
    println!(
        "{:<44} {:>12} {:>12}  <= 1 ms",
        "server overhead (median difference)",
        ms(overhead),
        ""
    );
    println!(
        "{:<44} {:>12} {:>12}  <= 25 ms",
        "spawn -> completed initialize",
        ms(startup.median),
        ms(startup.p95)
    );
    println!(
        "{:<44} {:>12}               0",
        "Odoo requests before the first tool call", odoo_requests_at_start
    );
    println!(
        "{:<44} {:>12.2}               <= 1",
        "Odoo requests per search_records", odoo_per_call
    );
    match rss {
        Some(kib) => println!(
            "{:<44} {:>9.1} MiB               <= 15 MiB",
            "peak RSS after the workload (VmHWM)",
            kib as f64 / 1024.0
        ),
        None => println!("peak RSS: /proc not available"),
    }
    let default_list = listing(TypedTools::default(), SchemaDetail::Compact);
    println!(
        "{:<44} {:>10} B               <= 50 KB",
        "tools/list size, default settings",
        list_bytes(&default_list)
    );
    println!(
        "{:<44} {:>10} B",
        "tools/list size, this run (ODOO_YOLO=true)", tools_bytes
    );
    for (label, typed) in [
        ("ODOO_MCP_TYPED_TOOLS=none", TypedTools::NONE),
        (
            "ODOO_MCP_TYPED_TOOLS=search,create",
            "search,create".parse().expect("typed tools"),
        ),
        ("ODOO_MCP_TYPED_TOOLS=all", TypedTools::ALL),
    ] {
        println!(
            "{:<44} {:>10} B",
            format!("tools/list size, {label}"),
            list_bytes(&listing(typed, SchemaDetail::Compact))
        );
    }
    println!(
        "{:<44} {:>10} B",
        "tools/list size, all + SCHEMA_DETAIL=full",
        list_bytes(&listing(TypedTools::ALL, SchemaDetail::Full))
    );
    let ratio = http.load.p95.as_secs_f64() / http.idle.p95.as_secs_f64().max(1e-9);
    println!(
        "{:<44} {:>12} {:>12}",
        "HTTP search, idle (1 client)",
        ms(http.idle.median),
        ms(http.idle.p95)
    );
    println!(
        "{:<44} {:>12} {:>12}",
        format!(
            "HTTP search, {HTTP_CLIENTS} clients x 10/s ({} calls)",
            http.calls
        ),
        ms(http.load.median),
        ms(http.load.p95)
    );
    println!(
        "{:<44} {:>11.1}x               <= 5x",
        "HTTP p95 under load / idle p95", ratio
    );
    println!(
        "{:<44} {:>12}               0",
        "HTTP errors under load", http.errors
    );
    if let Some(kib) = http.rss_kib {
        println!(
            "{:<44} {:>9.1} MiB",
            "peak RSS after the HTTP load (VmHWM)",
            kib as f64 / 1024.0
        );
    }
    println!(
        "codegen (518 models in < 2 s; cargo build -p generated < 60 s): cargo bench -p odoo-codegen --bench codegen"
    );
    println!();
    println!("tools/list by tool, default settings (bytes of JSON)");
    println!(
        "{:<32} {:>8} {:>8} {:>8}",
        "tool", "input", "output", "total"
    );
    for tool in &default_list {
        println!(
            "{:<32} {:>8} {:>8} {:>8}",
            tool.name,
            json_len(&tool.input_schema),
            json_len(&tool.output_schema),
            json_len(tool)
        );
    }
    println!(
        "{:<44} {:>10} B",
        "one search_records result (10 records)", response_bytes
    );
}
