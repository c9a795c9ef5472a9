//! MCP server for Odoo: generic tools named as the Python `mcp-server-odoo`
//! names them (`search_records`, `get_record`, `list_models`, `create_record`,
//! `update_record`, `delete_record`), more tools (batches, aggregates, chatter,
//! attachments, method calls, wizards; one module each in `tools/`), and six typed tools
//! per generated model (`res_partner_search`, `_get`, `_aggregate`, `_create`,
//! `_update`, `_delete`), over stdio or streamable HTTP.
//!
//! Odoo is not contacted until the first tool call; field metadata and the
//! model list are cached with a TTL, so a tool call costs one Odoo round trip.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use odoo_mcp::{OdooMcp, settings::Settings};
//! let config = odoo_client::Config::new("http://localhost:8069").api_key("key");
//! let server = OdooMcp::new(config, Settings::default(), odoo_mcp::generated_models())?;
//! let result = server
//!     .call("search_records", serde_json::json!({"model": "res.partner"}).as_object().cloned())
//!     .await;
//! println!("{:?}", result.structured_content);
//! # Ok(()) }
//! ```

pub mod arguments;
pub mod auth;
pub mod cli;
pub mod deploy;
mod domain_arg;
mod enroll;
pub mod error;
pub mod http;
mod key_auth;
mod odoo;
mod server;
pub mod settings;
mod shutdown;
mod text;
mod tools;

/// "Did you mean" suggestions, shared with odoo-client and odoo-codegen.
pub use odoo_client::suggest;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use odoo_client::registry::ModelDescriptor;
use rmcp::ServiceExt;

pub use server::OdooMcp;
pub use shutdown::shutdown_signal;

use crate::cli::Cli;
use crate::settings::TransportKind;

/// The generated models, offered as typed tools.
pub fn generated_models() -> &'static [ModelDescriptor] {
    generated::MODELS
}

/// Exit code for missing or invalid configuration.
const EXIT_CONFIG: u8 = 2;

/// The `odoo-mcp` binary: parse, validate (one line and exit code 2 when
/// wrong, before any protocol traffic), then serve.
pub fn main_entry() -> ExitCode {
    let cli = match parse_cli() {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if let Some(cli::Command::Deploy(args)) = &cli.command {
        return run_deploy(args);
    }
    if let Some(cli::Command::Identity { action }) = &cli.command {
        return run_identity(&cli.serve, action);
    }
    let server = match configured_server(&cli.serve) {
        Ok(server) => server,
        Err(code) => return code,
    };
    serve(server)
}

/// The command line; `Err` is the exit code once help or the version was
/// printed, or the one-line error about the arguments.
fn parse_cli() -> Result<Cli, ExitCode> {
    Cli::try_parse().map_err(|error| {
        use clap::error::ErrorKind;
        if matches!(
            error.kind(),
            ErrorKind::DisplayHelp
                | ErrorKind::DisplayVersion
                | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        ) {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        let text = error.to_string();
        let line = text.lines().next().unwrap_or("invalid arguments");
        eprintln!(
            "odoo-mcp: {}; see odoo-mcp --help",
            line.trim_start_matches("error: ")
        );
        ExitCode::from(EXIT_CONFIG)
    })
}

/// The server, its settings checked; a configuration error is printed as
/// one line and `Err` holds exit code 2.
fn configured_server(args: &cli::ServeArgs) -> Result<OdooMcp, ExitCode> {
    let (config, settings) = args.resolve().map_err(config_error)?;
    let generated: Vec<&str> = generated_models().iter().map(|d| d.model).collect();
    settings
        .typed_models
        .check(&generated)
        .map_err(config_error)?;
    init_tracing();
    OdooMcp::new(config, settings, generated_models()).map_err(config_error)
}

/// Prints a configuration error as one line; exit code 2.
fn config_error(error: impl std::fmt::Display) -> ExitCode {
    eprintln!("odoo-mcp: {error}");
    ExitCode::from(EXIT_CONFIG)
}

/// Serves on the configured transport until the client leaves or a signal
/// stops it.
fn serve(server: OdooMcp) -> ExitCode {
    let transport = server.settings().transport;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        %transport,
        access = %server.settings().access,
        typed_models = generated_models().len(),
        "starting"
    );
    // stdio serves one client: one thread is enough and keeps memory low.
    let runtime = match transport {
        TransportKind::Stdio => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        TransportKind::StreamableHttp => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("odoo-mcp: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        match transport {
            TransportKind::Stdio => serve_stdio(server).await,
            TransportKind::StreamableHttp => {
                let bind = server.settings().http.clone();
                http::serve(server, &bind).await
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!(%error, "server stopped");
            eprintln!("odoo-mcp: {error}");
            ExitCode::FAILURE
        }
    }
}

/// `odoo-mcp deploy`: validate everything, then write; nothing is written on error.
fn run_deploy(args: &cli::DeployArgs) -> ExitCode {
    let options = deploy::Options {
        target: args.target,
        context: &args.context,
        image: args.image.as_deref(),
    };
    let outcome = deploy::plan(&args.instances, &args.out, options)
        .and_then(|rendered| deploy::write(&rendered, &args.out).map(|()| rendered));
    match outcome {
        Ok(rendered) => {
            let next = match args.target {
                deploy::Target::Compose => "docker compose -f <out>/docker-compose.yml up -d",
                deploy::Target::Kubernetes => {
                    "create each instance's Secret, then kubectl apply -k <out>"
                }
            };
            eprintln!(
                "odoo-mcp: wrote {} files to {}; next: {next}",
                rendered.files.len(),
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("odoo-mcp: {error}");
            ExitCode::from(EXIT_CONFIG)
        }
    }
}

/// `odoo-mcp identity list|revoke`: the oauth key store as an operator sees
/// it (subjects, Odoo users, dates; never a key).
fn run_identity(args: &cli::ServeArgs, action: &cli::IdentityAction) -> ExitCode {
    let settings = match args.key_store() {
        Ok(settings) => settings,
        Err(error) => return config_error(error),
    };
    // Read before the store opens, so a missing new secret changes nothing.
    let new_secret = match action {
        cli::IdentityAction::RotateSecret(new) => match new.secret() {
            Ok(secret) => Some(secret),
            Err(error) => return config_error(error),
        },
        _ => None,
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let Ok(runtime) = runtime else {
        eprintln!("odoo-mcp: cannot start the async runtime");
        return ExitCode::FAILURE;
    };
    let outcome = runtime.block_on(async {
        let store = odoo::key_store::KeyStore::open(&settings).await?;
        match action {
            cli::IdentityAction::List => {
                println!("subject\todoo_login\todoo_uid\tenrolled\tlast_used");
                for entry in store.list().await? {
                    let date = |t: i64| {
                        chrono::DateTime::from_timestamp(t, 0)
                            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                            .unwrap_or_default()
                    };
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        entry.subject,
                        entry.login,
                        entry.uid,
                        date(entry.created),
                        date(entry.last_used)
                    );
                }
            }
            cli::IdentityAction::Revoke { subject } => {
                if store.revoke(subject).await? {
                    eprintln!(
                        "odoo-mcp: {subject:?} revoked; their next call asks them to enroll again"
                    );
                } else {
                    eprintln!("odoo-mcp: {subject:?} has no stored key");
                    return Ok(ExitCode::from(1));
                }
            }
            cli::IdentityAction::RotateSecret(_) => {
                if let Some(new_secret) = &new_secret {
                    let count = store.rotate(new_secret).await?;
                    eprintln!(
                        "odoo-mcp: {count} keys sealed under the new secret; start the servers with it as ODOO_MCP_KEY_STORE_SECRET"
                    );
                }
            }
        }
        Ok::<_, odoo::key_store::StoreError>(ExitCode::SUCCESS)
    });
    outcome.unwrap_or_else(config_error)
}

async fn serve_stdio(server: OdooMcp) -> std::io::Result<()> {
    let running = tokio::select! {
        running = server.serve(rmcp::transport::stdio()) => running,
        () = shutdown_signal() => return Ok(()),
    };
    let running = match running {
        Ok(running) => running,
        Err(error) => {
            // The client left (or spoke no MCP) before the lifecycle started.
            tracing::info!(%error, "no MCP session on stdio");
            return Ok(());
        }
    };
    let token = running.cancellation_token();
    tokio::select! {
        quit = running.waiting() => {
            if let Err(error) = quit {
                tracing::warn!(%error, "stdio session ended abnormally");
            }
        }
        () = shutdown_signal() => token.cancel(),
    }
    Ok(())
}

/// Logs go to stderr only: on stdio, stdout carries nothing but MCP messages.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("ODOO_MCP_LOG")
        .or_else(|_| EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| EnvFilter::new("warn,odoo_mcp=info"));
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
