//! The streamable-http transport: rmcp's service on axum at `/mcp`.
//!
//! Both MCP lifecycles work on the same endpoint: 2026-07-28 clients send
//! self-contained requests (stateless), older ones `initialize` and then carry
//! `Mcp-Session-Id` (rmcp's legacy session mode).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use odoo_client::Error as OdooError;
use serde_json::{Map, Value, json};

use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use tokio::net::TcpListener;

use crate::error::ToolError;
use crate::server::OdooMcp;
use crate::settings::HttpBind;

/// Browser origins accepted: the local machine only. Any other `Origin` gets 403
/// (DNS rebinding and cross-site requests from a web page).
const LOCAL_ORIGINS: [&str; 6] = [
    "http://localhost:*",
    "http://127.0.0.1:*",
    "http://[::1]:*",
    "https://localhost:*",
    "https://127.0.0.1:*",
    "https://[::1]:*",
];

fn config(bind: &HttpBind) -> StreamableHttpServerConfig {
    let config = StreamableHttpServerConfig::default()
        // Stateless: legacy clients' `initialize` gets no session, so any replica
        // can answer any request, and simple answers go out as plain JSON.
        .with_legacy_session_mode(!bind.stateless)
        .with_json_response(bind.stateless)
        .with_allowed_origins(LOCAL_ORIGINS)
        .enforce_origin_validation();
    if bind.is_loopback() {
        return config;
    }
    let host = bind.host.trim_matches(|c| c == '[' || c == ']');
    if host == "0.0.0.0" || host == "::" {
        // Any interface: the Host header can be any name; Origin checks still apply.
        tracing::warn!(
            host = %bind.host,
            "listening on every interface: anyone who reaches this port uses Odoo with this server's credentials"
        );
        config.disable_allowed_hosts()
    } else {
        tracing::warn!(host = %bind.host, "listening on a non-loopback address");
        let mut hosts = config.allowed_hosts.clone();
        hosts.push(host.to_string());
        config.with_allowed_hosts(hosts)
    }
}

/// `ODOO_MCP_IDENTITY=oauth`: OAuth guards `/mcp`; each subject acts through
/// the key the store keeps, given once on the (public) enrollment page.
async fn with_stored_keys<S>(
    router: axum::Router<S>,
    server: &OdooMcp,
    identities: Arc<crate::odoo::identity::Identities>,
) -> std::io::Result<axum::Router<S>>
where
    S: Clone + Send + Sync + 'static,
{
    use crate::odoo::key_store::KeyStore;
    use crate::server::enrollment::Enrollment;
    let settings = crate::auth::AuthSettings::from_env()
        .map_err(std::io::Error::other)?
        .ok_or_else(|| {
            std::io::Error::other(
                "ODOO_MCP_IDENTITY=oauth maps each OAuth subject to that person's Odoo key: set OAUTH_ISSUER_URL and the OAuth client (see docs/oauth.md)",
            )
        })?;
    let store = KeyStore::open(&server.settings().key_store)
        .await
        .map_err(std::io::Error::other)?;
    let page_url = crate::enroll::page_url(&settings.public_url);
    let enrollment = Arc::new(Enrollment::new(Arc::new(store), page_url));
    server.set_enrollment(enrollment.clone());
    let page = crate::enroll::Page::new(&settings, enrollment, identities)
        .await
        .map_err(std::io::Error::other)?;
    let state = crate::auth::AuthState::new(settings)
        .await
        .map_err(std::io::Error::other)?;
    Ok(crate::auth::protect(router, state).merge(page.router()))
}

/// For load balancers: 200 when Odoo answers (with its version), 503 when not;
/// cached a few seconds (see [`HealthProbe`]).
async fn health(probe: HealthProbe) -> impl axum::response::IntoResponse {
    let (status, body) = probe.check().await;
    let status = axum::http::StatusCode::from_u16(status)
        .unwrap_or(axum::http::StatusCode::SERVICE_UNAVAILABLE);
    (status, axum::Json(body))
}

/// Binds `bind`, logs the address (port 0 picks one), and serves until Ctrl-C or SIGTERM
/// (in stateless mode, until the calls in flight have answered too).
pub async fn serve(server: OdooMcp, bind: &HttpBind) -> std::io::Result<()> {
    let config = config(bind);
    let probe = HealthProbe::new(server.clone());
    let identities = server.identities().cloned();
    let oauth_identity = server.settings().identity == crate::settings::Identity::OAuth;
    let acting = server.clone();
    let cancel = config.cancellation_token.clone();
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let router = axum::Router::new().route_service("/mcp", service);
    // OAuth (when OAUTH_ISSUER_URL is set) or the callers' Odoo keys guard /mcp;
    // /health stays public.
    let router = match identities {
        Some(identities) if oauth_identity => with_stored_keys(router, &acting, identities).await?,
        Some(identities) => {
            if std::env::var("OAUTH_ISSUER_URL").is_ok_and(|v| !v.trim().is_empty()) {
                return Err(std::io::Error::other(
                    "ODOO_MCP_IDENTITY=odoo-key takes each caller's Odoo API key in the Authorization header, where OAuth would put its token: unset OAUTH_ISSUER_URL, or use the service identity with OAuth",
                ));
            }
            crate::key_auth::protect(router, identities)
        }
        None => crate::auth::protect_from_env(router)
            .await
            .map_err(std::io::Error::other)?,
    };
    let router = router.route("/health", axum::routing::get(move || health(probe.clone())));
    let listener =
        TcpListener::bind((bind.host.trim_matches(|c| c == '[' || c == ']'), bind.port)).await?;
    let addr: SocketAddr = listener.local_addr()?;
    let shown = if addr.is_ipv6() {
        format!("[{}]:{}", addr.ip(), addr.port())
    } else {
        addr.to_string()
    };
    tracing::info!("listening on http://{shown}/mcp");
    let stateless = bind.stateless;
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            crate::shutdown::shutdown_signal().await;
            // The listener closes either way. Stateless answers end on their
            // own, so calls in flight finish; session streams never do, so
            // they are cancelled, or shutdown would wait on idle clients.
            if !stateless {
                cancel.cancel();
            }
        })
        .await
}

/// The answer of `GET /health`, cached briefly so load balancers polling every
/// second cost Odoo one request per [`HealthProbe::TTL`].
#[derive(Clone)]
pub(crate) struct HealthProbe {
    server: OdooMcp,
    last: Arc<Mutex<Option<(Instant, u16, Value)>>>,
}

impl HealthProbe {
    const TTL: Duration = Duration::from_secs(5);
    const TIMEOUT: Duration = Duration::from_secs(5);

    pub(crate) fn new(server: OdooMcp) -> Self {
        Self {
            server,
            last: Arc::new(Mutex::new(None)),
        }
    }

    /// `(200, {"status": "ok", "odoo": {...}})`, or 503 when Odoo does not answer
    /// (reason in a few words: the endpoint is public, details go to the log).
    pub(crate) async fn check(&self) -> (u16, Value) {
        if let Some((at, status, body)) =
            self.last.lock().unwrap_or_else(|e| e.into_inner()).as_ref()
            && at.elapsed() < Self::TTL
        {
            return (*status, body.clone());
        }
        let client = &self.server.client();
        // With callers' own keys the server has none: Odoo's version answers without.
        let keyless = self.server.identities().is_some();
        let probe = async {
            if !keyless {
                client
                    .execute("res.users", "context_get", None, Map::new(), None)
                    .await?;
            }
            let version = client.version().await?;
            let api = match client.config().api_version {
                // What callers' clients (a key, and a login where needed) will pick.
                odoo_client::ApiVersion::Auto if keyless => {
                    odoo_client::ApiVersion::auto(version.major, true, true)
                }
                _ if keyless => client.config().api_version,
                _ => client.api_version().await?,
            };
            Ok::<_, OdooError>((version, api))
        };
        let (status, body) = match tokio::time::timeout(Self::TIMEOUT, probe).await {
            Ok(Ok((version, api))) => (
                200,
                json!({"status": "ok", "odoo": {"reachable": true, "version": version.version, "api": api.to_string()}}),
            ),
            Ok(Err(error)) => {
                let reachable = !matches!(
                    error,
                    OdooError::Unreachable { .. } | OdooError::Timeout { .. }
                );
                let reason = match &error {
                    OdooError::Authentication(_) => "credentials refused",
                    OdooError::Unreachable { .. } => "unreachable",
                    OdooError::Timeout { .. } => "timeout",
                    OdooError::UnexpectedResponse { .. } => "unexpected answer",
                    _ => "error",
                };
                tracing::warn!(error = %self.server.render(&ToolError::from(error)), "health check: Odoo is not available");
                (
                    503,
                    json!({"status": "unavailable", "odoo": {"reachable": reachable, "reason": reason}}),
                )
            }
            Err(_) => (
                503,
                json!({"status": "unavailable", "odoo": {"reachable": false, "reason": "timeout"}}),
            ),
        };
        *self.last.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((Instant::now(), status, body.clone()));
        (status, body)
    }
}
