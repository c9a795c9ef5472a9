//! What the per-person identity check adds to a call with a warm cache, against
//! the Odoo test double (a benchmark, not a test: nothing here fails a build):
//! `cargo bench -p odoo-mcp --bench identity`.
//!
//! One client over streamable HTTP makes the same search again and again, with
//! the server's own key (`service`), with the caller's key (`odoo-key`: the
//! key's SHA-256 looked up in the verified-key cache, the per-user `Odoo`),
//! and with an OAuth token (`oauth`: token introspection answered from its
//! cache, then the subject's key from the key store and the same key cache).
//! Each mode's median less `service`'s is the check's cost per call.

use std::process::Stdio;
use std::time::{Duration, Instant};

use odoo_tests::OdooDouble;
use odoo_tests::oidc::{Browser, OidcProvider};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// Timed searches per mode, after `WARMUP` untimed ones (caches, connections).
const CALLS: usize = 300;
const WARMUP: usize = 20;
const PUBLIC_URL: &str = "http://odoo-mcp.test";

type Client = RunningService<rmcp::RoleClient, ()>;

/// The server over streamable HTTP with `env` on top of the double's address.
async fn server(double: &OdooDouble, env: &[(&str, &str)]) -> (Child, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_odoo-mcp"));
    command
        .env_clear()
        .env("ODOO_URL", double.url())
        .env("ODOO_DB", double.db())
        .env("ODOO_API_VERSION", "json2")
        .env("ODOO_YOLO", "true")
        .env("ODOO_MCP_TRANSPORT", "streamable-http")
        .env("ODOO_MCP_PORT", "0")
        .env("ODOO_MCP_LOG", "info")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    let mut child = command.spawn().expect("spawn odoo-mcp");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .expect("read stderr")
            .expect("odoo-mcp exited before listening");
        if let Some(start) = line
            .find("http://")
            .filter(|_| line.contains("listening on"))
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

async fn client(url: &str, authorization: Option<&str>) -> Client {
    let mut config = StreamableHttpClientTransportConfig::with_uri(url.to_string());
    if let Some(token) = authorization {
        config = config.auth_header(token);
    }
    ().serve(StreamableHttpClientTransport::from_config(config))
        .await
        .expect("initialize over HTTP")
}

async fn search(client: &Client) -> Result<Duration, String> {
    let arguments = json!({"model": "res.partner", "fields": ["name"], "limit": 5});
    let params = CallToolRequestParams::new("search_records")
        .with_arguments(arguments.as_object().cloned().unwrap_or_default());
    let start = Instant::now();
    let result = client.call_tool(params).await.map_err(|e| e.to_string())?;
    let took = start.elapsed();
    match result.is_error {
        Some(true) => Err(format!("{:?}", result.content)),
        _ => Ok(took),
    }
}

/// (median, p95) of `CALLS` searches after the warm-up.
async fn timed(client: &Client) -> (Duration, Duration) {
    for _ in 0..WARMUP {
        search(client).await.expect("warm-up search");
    }
    let mut samples = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        samples.push(search(client).await.expect("search"));
    }
    samples.sort_unstable();
    (samples[CALLS / 2], samples[CALLS * 95 / 100])
}

/// An oauth server on the double with admin enrolled; its URL and admin's token.
async fn oauth(
    double: &OdooDouble,
    provider: &OidcProvider,
    store: &str,
) -> (Child, String, String) {
    let vars = provider.oauth_identity_vars(PUBLIC_URL, store, "bench-key-store-secret-0123456789");
    let (child, url) = server(double, &vars).await;
    let token = provider.token_of("admin", PUBLIC_URL).await;
    let asking = client(&url, Some(&token)).await;
    let message = match search(&asking).await {
        Err(message) => message,
        Ok(_) => panic!("admin was not asked to enroll"),
    };
    let start = message
        .find(&format!("{PUBLIC_URL}/enroll?link="))
        .expect("enrollment link");
    let link: String = message[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '\\')
        .collect();
    let shown = Browser::new(PUBLIC_URL, url.trim_end_matches("/mcp"))
        .enroll(&link, "admin", double.api_key())
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    asking.cancel().await.ok();
    (child, url, token)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let double = OdooDouble::start().await;
    let mut rows = Vec::new();

    let (_service, url) = server(&double, &[("ODOO_API_KEY", double.api_key())]).await;
    let service = client(&url, None).await;
    rows.push(("service", timed(&service).await));
    service.cancel().await.ok();

    let (_keyed, url) = server(&double, &[("ODOO_MCP_IDENTITY", "odoo-key")]).await;
    let keyed = client(&url, Some(double.api_key())).await;
    rows.push(("odoo-key", timed(&keyed).await));
    keyed.cancel().await.ok();

    let provider = OidcProvider::start().await.expect("OpenID provider");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = format!("sqlite://{}", dir.path().join("keys.db").display());
    let (_oauth, url, token) = oauth(&double, &provider, &store).await;
    let oauthed = client(&url, Some(&token)).await;
    rows.push(("oauth", timed(&oauthed).await));
    oauthed.cancel().await.ok();

    let base = rows[0].1.0;
    println!(
        "search_records over streamable HTTP against the double, 1 client, {CALLS} calls after {WARMUP} warm-up"
    );
    println!(
        "{:<10} {:>12} {:>12} {:>22}",
        "identity", "median", "p95", "added (median)"
    );
    for (mode, (median, p95)) in &rows {
        let added = median.as_secs_f64() - base.as_secs_f64();
        println!(
            "{mode:<10} {:>12} {:>12} {:>19.3} ms",
            ms(*median),
            ms(*p95),
            added * 1000.0
        );
    }
}
