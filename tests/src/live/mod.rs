//! The live suite: the real `odoo-mcp` binary driven through rmcp's client against a
//! real Odoo (or the double, for the contract test), every tool's effect checked by
//! a direct odoo-client call, every answer validated against the tool's `outputSchema`.
//!
//! A run yields one [`Outcome`] per scenario: its label (`ok`, or `error:<kind>` for
//! the kind of tool error) and whether it met its expectation. Labels recorded from
//! real servers (`tests/live/*.json`) are replayed on the double by the contract test.

mod scenarios;
mod session;

use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;

use serde::{Deserialize, Serialize};

pub use session::error_kind;

/// A boxed future, for the outage hooks.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Takes Odoo down and brings it back, for the outage scenario.
pub trait Outage: Send + Sync {
    fn stop(&self) -> BoxFuture<'_, Result<(), String>>;
    fn start(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// Where the suite runs.
pub struct Target {
    /// Names the recording: `odoo19-json2`, `odoo18-xmlrpc`, …
    pub label: String,
    /// `ODOO_URL`, `ODOO_DB`, `ODOO_USER`, `ODOO_API_KEY` (or `ODOO_PASSWORD`), `ODOO_API_VERSION`.
    pub env: BTreeMap<String, String>,
    /// The same for a restricted user (the demo user), if any.
    pub demo: Option<BTreeMap<String, String>>,
    pub mcp_bin: PathBuf,
    /// The `odoo-codegen` binary; `None` runs the generator in-process.
    pub codegen_bin: Option<PathBuf>,
    pub outage: Option<Box<dyn Outage>>,
    /// `ODOO_LIVE_PG_URL`: a PostgreSQL database for the oauth key store.
    pub key_store_url: Option<String>,
    /// Also run a pass over streamable HTTP.
    pub http: bool,
}

/// One scenario's result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    pub scenario: String,
    /// `ok`, or `error:<kind>` (see [`error_kind`]).
    pub label: String,
    pub expected: String,
    pub passed: bool,
    /// What went wrong, or what was checked.
    pub detail: String,
    /// Needs data only a real Odoo has (purchase, stock): left out of the
    /// recordings, so the contract test does not hold the double to it.
    #[serde(default)]
    pub real_odoo_only: bool,
}

/// Every outcome of one run on one target.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub target: String,
    pub odoo_version: String,
    pub outcomes: Vec<Outcome>,
    /// Durations of the main session's tool calls (stdio), for the figures printed.
    #[serde(skip)]
    pub latencies: Vec<std::time::Duration>,
}

impl Report {
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.passed).count()
    }

    pub fn failed(&self) -> impl Iterator<Item = &Outcome> {
        self.outcomes.iter().filter(|o| !o.passed)
    }

    /// `(calls, median, 95th percentile)` of the tool calls' durations.
    pub fn latency(&self) -> Option<(usize, std::time::Duration, std::time::Duration)> {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
        (!sorted.is_empty()).then(|| (sorted.len(), at(0.5), at(0.95)))
    }

    /// Scenario → label, as recorded in `tests/live/<target>.json` (no values,
    /// no secrets); not the scenarios only a real Odoo can run.
    pub fn labels(&self) -> BTreeMap<String, String> {
        self.outcomes
            .iter()
            .filter(|o| !o.real_odoo_only)
            .map(|o| (o.scenario.clone(), o.label.clone()))
            .collect()
    }
}

/// A recording of a live run: what the contract test holds the double to.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Recording {
    pub target: String,
    pub odoo_version: String,
    pub outcomes: BTreeMap<String, String>,
}

impl Recording {
    pub fn from_report(report: &Report) -> Self {
        Self {
            target: report.target.clone(),
            odoo_version: report.odoo_version.clone(),
            outcomes: report.labels(),
        }
    }

    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The folder of the recordings, `tests/live/` in this repository.
pub fn recordings_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("live")
}

/// Runs every scenario on `target`.
pub async fn run(target: &Target) -> Report {
    scenarios::run(target).await
}

/// Reads an env file: `KEY=VALUE` lines, `#` comments, optional `export ` and quotes.
pub fn read_env_file(path: &Path) -> Result<BTreeMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut vars = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            return Err(format!("{}:{}: expected KEY=VALUE", path.display(), n + 1));
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        vars.insert(key.trim().to_string(), value.to_string());
    }
    Ok(vars)
}
