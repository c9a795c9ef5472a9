//! `odoo-live`: the live suite against real Odoo servers (see docs/live-suite.md).
//!
//! Each env file names one Odoo (`ODOO_URL`, `ODOO_DB`, `ODOO_USER`, `ODOO_API_KEY` or
//! `ODOO_PASSWORD`); optional `ODOO_API_VERSION` (else every API the server has),
//! `ODOO_DEMO_USER` + `ODOO_DEMO_API_KEY` (a restricted user), and `ODOO_LIVE_STOP` /
//! `ODOO_LIVE_START` (shell commands that stop and start Odoo, for the outage scenario).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use odoo_tests::live::{self, BoxFuture, Outage, Recording, Target};

/// Run the live suite: the real odoo-mcp and odoo-codegen against real Odoo servers.
#[derive(Debug, Parser)]
#[command(name = "odoo-live")]
struct Args {
    /// Env files, one per Odoo server.
    #[arg(required = true, value_name = "ENV_FILE")]
    env_files: Vec<PathBuf>,
    /// Write each run's outcomes to tests/live/<target>.json for the contract test.
    #[arg(long)]
    record: bool,
    /// The odoo-mcp binary. [default: beside this one]
    #[arg(long, env = "ODOO_LIVE_MCP_BIN")]
    mcp_bin: Option<PathBuf>,
    /// The odoo-codegen binary. [default: beside this one]
    #[arg(long, env = "ODOO_LIVE_CODEGEN_BIN")]
    codegen_bin: Option<PathBuf>,
}

/// Stops and starts Odoo with the env file's shell commands.
struct Commands {
    stop: String,
    start: String,
}

async fn shell(command: &str) -> Result<(), String> {
    let status = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdout(std::process::Stdio::null())
        .status()
        .await
        .map_err(|e| format!("{command}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command}: {status}"))
    }
}

impl Outage for Commands {
    fn stop(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(shell(&self.stop))
    }

    fn start(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(shell(&self.start))
    }
}

fn sibling(name: &str) -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
        .unwrap_or_else(|| PathBuf::from(name))
}

/// The server's environment, and which APIs to run it with.
fn split_env(
    vars: &BTreeMap<String, String>,
) -> (BTreeMap<String, String>, Option<BTreeMap<String, String>>) {
    let server: BTreeMap<String, String> = vars
        .iter()
        .filter(|(k, _)| !k.starts_with("ODOO_LIVE_") && !k.starts_with("ODOO_DEMO_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let demo = vars.get("ODOO_DEMO_USER").map(|user| {
        let mut demo = BTreeMap::new();
        demo.insert("ODOO_USER".to_string(), user.clone());
        for (from, to) in [
            ("ODOO_DEMO_API_KEY", "ODOO_API_KEY"),
            ("ODOO_DEMO_PASSWORD", "ODOO_PASSWORD"),
        ] {
            if let Some(value) = vars.get(from) {
                demo.insert(to.to_string(), value.clone());
            }
        }
        demo
    });
    (server, demo)
}

async fn apis(env: &BTreeMap<String, String>) -> Result<(u32, Vec<&'static str>), String> {
    let config =
        odoo_client::Config::from_lookup(|k| env.get(k).cloned()).map_err(|e| e.to_string())?;
    let client = odoo_client::OdooClient::new(config).map_err(|e| e.to_string())?;
    let version = client.version().await.map_err(|e| e.to_string())?;
    let apis = match env.get("ODOO_API_VERSION").map(String::as_str) {
        Some("json2") => vec!["json2"],
        Some("xmlrpc") => vec!["xmlrpc"],
        _ if version.major >= 19 && env.contains_key("ODOO_USER") => vec!["json2", "xmlrpc"],
        _ if version.major >= 19 => vec!["json2"],
        _ => vec!["xmlrpc"],
    };
    Ok((version.major, apis))
}

async fn run_file(args: &Args, path: &Path) -> Result<(usize, usize), String> {
    let vars = live::read_env_file(path)?;
    let (server, demo) = split_env(&vars);
    let (major, apis) = apis(&server)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut totals = (0, 0);
    for (i, api) in apis.iter().enumerate() {
        let mut env = server.clone();
        env.insert("ODOO_API_VERSION".into(), (*api).into());
        let outage = match (vars.get("ODOO_LIVE_STOP"), vars.get("ODOO_LIVE_START")) {
            (Some(stop), Some(start)) if i == 0 => Some(Box::new(Commands {
                stop: stop.clone(),
                start: start.clone(),
            }) as Box<dyn Outage>),
            _ => None,
        };
        let target = Target {
            label: format!("odoo{major}-{api}"),
            env,
            demo: demo.clone(),
            mcp_bin: args.mcp_bin.clone().unwrap_or_else(|| sibling("odoo-mcp")),
            codegen_bin: Some(
                args.codegen_bin
                    .clone()
                    .unwrap_or_else(|| sibling("odoo-codegen")),
            ),
            outage,
            key_store_url: vars.get("ODOO_LIVE_PG_URL").cloned(),
            http: i == 0,
        };
        eprintln!("== {} ({})", target.label, path.display());
        let report = live::run(&target).await;
        for outcome in &report.outcomes {
            if outcome.passed {
                println!("ok    {:<55} {}", outcome.scenario, outcome.detail);
            } else {
                println!(
                    "FAIL  {:<55} {} ({})",
                    outcome.scenario, outcome.detail, outcome.label
                );
            }
        }
        let failed = report.failed().count();
        if let Some((calls, median, p95)) = report.latency() {
            println!(
                "{}: {calls} tool calls over stdio, median {:.1} ms, 95th percentile {:.1} ms",
                report.target,
                median.as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3
            );
        }
        println!(
            "{}: Odoo {}: {} passed, {} failed",
            report.target,
            report.odoo_version,
            report.passed(),
            failed
        );
        if args.record {
            let file = live::recordings_dir().join(format!("{}.json", report.target));
            let text = serde_json::to_string_pretty(&Recording::from_report(&report))
                .map_err(|e| e.to_string())?;
            std::fs::write(&file, text + "\n").map_err(|e| format!("{}: {e}", file.display()))?;
            eprintln!("recorded {}", file.display());
        }
        totals.0 += report.passed();
        totals.1 += failed;
    }
    Ok(totals)
}

#[tokio::main]
async fn main() -> ExitCode {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = Args::parse();
    let (mut passed, mut failed) = (0, 0);
    for path in &args.env_files {
        match run_file(&args, path).await {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(e) => {
                eprintln!("odoo-live: {e}");
                failed += 1;
            }
        }
    }
    println!("{passed} passed, {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
