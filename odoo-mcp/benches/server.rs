//! Figures of the MCP server against the Odoo test double (not a timed test):
//! `cargo bench -p odoo-mcp --bench server`.
//!
//! - one `search_records` call through the server (stdio, rmcp client) versus
//!   the same `search_read` made directly with odoo-client: the server's overhead;
//! - spawn → completed `initialize`;
//! - peak RSS (VmHWM) of the server after a 1,000-call workload;
//! - the size of `tools/list`.

use std::process::Stdio;
use std::time::{Duration, Instant};

use odoo_client::{Domain, OdooClient, SearchOptions};
use odoo_tests::OdooDouble;
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_odoo-mcp");
const CALLS: usize = 1_000;
const STARTS: usize = 30;

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
    println!(
        "{:<44} {:>10} B               <= 50 KB",
        "tools/list size", tools_bytes
    );
    println!(
        "{:<44} {:>10} B",
        "one search_records result (10 records)", response_bytes
    );
}
