//! `odoo-codegen`: regenerate `generated/` from a live Odoo, captured fixtures,
//! or the checked-in snapshot.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use odoo_codegen::config::CodegenConfig;
use odoo_codegen::snapshot::Snapshot;
use odoo_codegen::write::{self, Drift};
use odoo_codegen::{Error, fixtures, introspect};

/// Generate typed Rust models from an Odoo instance's metadata.
///
/// Where the metadata comes from, first match wins: `--from-fixtures DIR`,
/// `--schema FILE`, a live Odoo when ODOO_URL is set, else the checked-in
/// `<out>/schema.json`. Nothing is written when the output would not change,
/// and nothing is touched when anything fails.
#[derive(Debug, Parser)]
#[command(name = "odoo-codegen", version)]
struct Args {
    /// Regenerate from this schema snapshot instead of asking Odoo.
    #[arg(long, value_name = "FILE", conflicts_with = "from_fixtures")]
    schema: Option<PathBuf>,
    /// Build the snapshot from captured Odoo metadata (ir_model*.json, plain or gzipped).
    #[arg(long, value_name = "DIR")]
    from_fixtures: Option<PathBuf>,
    /// Output crate directory (its `src/` and `schema.json` are replaced).
    /// [default: generated/ at the workspace root]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Which models to generate. [default: odoo-codegen.toml at the workspace root;
    /// the curated default set when that file does not exist]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report files that would change, write nothing; exit status 1 on drift.
    #[arg(long)]
    check: bool,
    /// Odoo URL to introspect. The API key and password are read from
    /// ODOO_API_KEY / ODOO_PASSWORD only, never from the command line.
    #[arg(long, env = "ODOO_URL", value_name = "URL")]
    url: Option<String>,
    /// Database name.
    #[arg(long, env = "ODOO_DB", value_name = "NAME")]
    db: Option<String>,
    /// Login (XML-RPC).
    #[arg(long, env = "ODOO_USER", value_name = "LOGIN")]
    user: Option<String>,
}

fn odoo_config(args: &Args) -> Result<odoo_client::Config, odoo_client::Error> {
    odoo_client::Config::from_lookup(|name| match name {
        "ODOO_URL" => args.url.clone(),
        "ODOO_DB" => args.db.clone(),
        "ODOO_USER" => args.user.clone(),
        other => std::env::var(other).ok(),
    })
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error(transparent)]
    Codegen(#[from] Error),
    #[error("invalid Odoo settings: {0}")]
    OdooConfig(odoo_client::Error),
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

enum Outcome {
    Written(usize),
    UpToDate,
    Drift(usize),
}

fn run(args: Args) -> Result<Outcome, CliError> {
    let root = write::workspace_root();
    let out = args.out.clone().unwrap_or_else(write::default_out_dir);
    let config = match &args.config {
        Some(path) => CodegenConfig::load(path, true)?,
        None => CodegenConfig::load(&root.join("odoo-codegen.toml"), false)?,
    };

    let (snapshot, origin) = if let Some(dir) = &args.from_fixtures {
        tracing::info!(dir = %dir.display(), "reading fixtures");
        let origin = format!("the fixtures in {}", dir.display());
        let all = fixtures::load(dir)?.assemble(None);
        (all, origin)
    } else if let Some(path) = &args.schema {
        (Snapshot::load(path)?, path.display().to_string())
    } else if args
        .url
        .as_deref()
        .is_some_and(|url| !url.trim().is_empty())
    {
        let odoo = odoo_config(&args).map_err(CliError::OdooConfig)?;
        tracing::info!(url = %odoo.url, "introspecting");
        let origin = format!("the Odoo at {}", odoo.url);
        let client = odoo_client::OdooClient::new(odoo).map_err(CliError::OdooConfig)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(CliError::Runtime)?;
        let snapshot = runtime.block_on(introspect::introspect(&client, &config))?;
        (snapshot, origin)
    } else {
        let path = out.join(write::SCHEMA_FILE);
        tracing::info!(schema = %path.display(), "no Odoo configured (ODOO_URL): regenerating from the snapshot");
        (Snapshot::load(&path)?, path.display().to_string())
    };

    let output = odoo_codegen::generate(&snapshot, &config, &origin)?;
    if args.check {
        let drift = write::diff(&out, &output)?;
        for d in &drift {
            let what = match d {
                Drift::Added(_) => "would be added",
                Drift::Removed(_) => "would be removed",
                Drift::Changed { .. } => "would change",
            };
            eprintln!("{}: {what}", out.join(d.path()).display());
        }
        return Ok(if drift.is_empty() {
            Outcome::UpToDate
        } else {
            Outcome::Drift(drift.len())
        });
    }
    let drift = write::write(&out, &output)?;
    for d in &drift {
        tracing::info!(file = %out.join(d.path()).display(), "updated");
    }
    Ok(if drift.is_empty() {
        Outcome::UpToDate
    } else {
        Outcome::Written(drift.len())
    })
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let args = Args::parse();
    match run(args) {
        Ok(Outcome::UpToDate) => {
            tracing::info!("generated code is up to date");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Written(n)) => {
            tracing::info!(files = n, "generated code updated");
            ExitCode::SUCCESS
        }
        Ok(Outcome::Drift(n)) => {
            eprintln!(
                "error: {n} generated file(s) are out of date; run `cargo run -p odoo-codegen` to update them"
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            let mut message = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                let text = s.to_string();
                if !message.contains(&text) {
                    message.push_str(": ");
                    message.push_str(&text);
                }
                source = s.source();
            }
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
