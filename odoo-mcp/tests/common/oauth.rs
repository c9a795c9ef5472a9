//! The set-up of the `ODOO_MCP_IDENTITY=oauth` tests: the real binary over
//! streamable HTTP with a SQLite key store, the project's OpenID provider
//! (tests/oidc) and the Odoo double; clients of OAuth subjects, and one that
//! takes URL elicitations.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use odoo_tests::OdooDouble;
use odoo_tests::enrollment::PersonBrowser;
use odoo_tests::oidc::{Browser, OidcProvider};
use rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    ElicitationCapability, Implementation, UrlElicitationCapability,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{ClientHandler, ClientServiceExt, ErrorData, RoleClient, ServiceExt};
use serde_json::json;

use super::*;

/// What the server is told it is; the provider redirects sign-ins there.
pub const PUBLIC_URL: &str = "http://odoo-mcp.test";
pub const STORE_SECRET: &str = "a-test-key-store-secret-0123456789";

pub struct Setup {
    pub provider: OidcProvider,
    pub double: OdooDouble,
    pub server: HttpServer,
    pub env: Vec<(String, String)>,
    pub store_file: std::path::PathBuf,
    pub audit: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl Setup {
    pub async fn start() -> Setup {
        let provider = OidcProvider::start()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let double = OdooDouble::start().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let store_file = dir.path().join("keys.db");
        let store = format!("sqlite://{}", store_file.display());
        let audit = dir.path().join("audit.jsonl");
        let audit_path = audit.display().to_string();
        let mut vars = provider
            .oauth_identity_vars(PUBLIC_URL, &store, STORE_SECRET)
            .to_vec();
        vars.push(("ODOO_MCP_AUDIT_LOG", &audit_path));
        let mut env = server_env(&double, &vars);
        env.retain(|(name, _)| name != "ODOO_API_KEY" && name != "ODOO_USER");
        let server = http_server(&env).await;
        Setup {
            provider,
            double,
            server,
            env,
            store_file,
            audit,
            _dir: dir,
        }
    }

    /// The server's address without `/mcp`: where its public URL is routed.
    pub fn base(&self) -> &str {
        self.server.url.trim_end_matches("/mcp")
    }

    /// A person's browser, as far as plain HTML forms go (HTTP).
    pub fn browser(&self) -> Browser {
        Browser::new(PUBLIC_URL, self.base())
    }

    /// A person's headless chromium; fails the test without one (the test
    /// command installs it).
    pub async fn chromium(&self) -> PersonBrowser {
        PersonBrowser::launch(PUBLIC_URL, self.base())
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("{}", odoo_tests::chromium::MISSING))
    }

    pub async fn client<H: ClientHandler>(
        &self,
        subject: &str,
        handler: H,
    ) -> RunningService<RoleClient, H> {
        let transport = self.transport_of(subject).await;
        handler
            .serve(transport)
            .await
            .expect("initialize over HTTP")
    }

    /// A client of the 2026-07-28 lifecycle (input requests instead of server requests).
    pub async fn client_2026<H: ClientHandler>(
        &self,
        subject: &str,
        handler: H,
    ) -> RunningService<RoleClient, H> {
        let transport = self.transport_of(subject).await;
        let lifecycle = rmcp::service::ClientLifecycleMode::Discover {
            preferred_versions: vec![rmcp::model::ProtocolVersion::V_2026_07_28],
        };
        handler
            .serve_with_lifecycle(transport, lifecycle)
            .await
            .expect("discover over HTTP")
    }

    /// Streamable HTTP to the server with `subject`'s token.
    async fn transport_of(&self, subject: &str) -> StreamableHttpClientTransport<reqwest::Client> {
        let token = self.provider.token_of(subject, PUBLIC_URL).await;
        StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(self.server.url.clone())
                .auth_header(token),
        )
    }

    /// `odoo-mcp identity …` with the server's key store.
    pub async fn identity(&self, args: &[&str]) -> (bool, String) {
        self.identity_with(&[], args).await
    }

    /// `odoo-mcp identity …` with the server's key store and `extra` variables.
    pub async fn identity_with(&self, extra: &[(&str, &str)], args: &[&str]) -> (bool, String) {
        let mut env = self.env.clone();
        env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let output = command(&env)
            .arg("identity")
            .args(args)
            .output()
            .await
            .expect("run odoo-mcp identity");
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        (output.status.success(), text)
    }
}

/// The enrollment link of a tool error.
pub fn link_in(message: &str) -> String {
    let start = message
        .find(&format!("{PUBLIC_URL}/enroll?link="))
        .unwrap_or_else(|| panic!("no enrollment link in {message:?}"));
    message[start..]
        .split_whitespace()
        .next()
        .expect("link")
        .to_owned()
}

pub async fn order_count<S: rmcp::Service<RoleClient>>(
    client: &RunningService<RoleClient, S>,
) -> usize {
    let result = client
        .call_tool(
            rmcp::model::CallToolRequestParams::new("search_records").with_arguments(args(
                json!({"model": "sale.order", "fields": ["id"], "limit": 100}),
            )),
        )
        .await
        .expect("tools/call");
    ok(&result)["records"].as_array().expect("records").len()
}

pub async fn asked_to_enroll(client: &Client) -> String {
    let result = call(client, "search_records", json!({"model": "sale.order"})).await;
    let message = err(&result);
    assert!(message.contains("Odoo API key"), "{message}");
    link_in(&message)
}

/// What a person does with an enrollment URL (opens it, signs in, gives a key).
pub type Complete = Arc<dyn Fn(String) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A client that takes URL elicitations: each URL is completed by `complete`,
/// then accepted.
#[derive(Clone)]
pub struct Enroller {
    complete: Complete,
    pub urls: Arc<Mutex<Vec<String>>>,
}

impl Enroller {
    pub fn new(complete: Complete) -> Self {
        Enroller {
            complete,
            urls: Arc::default(),
        }
    }

    /// The URLs it was given so far.
    pub fn urls(&self) -> Vec<String> {
        self.urls.lock().unwrap().clone()
    }
}

impl ClientHandler for Enroller {
    fn get_info(&self) -> ClientConfig {
        let mut elicitation = ElicitationCapability::new();
        elicitation.url = Some(UrlElicitationCapability::default());
        let mut capabilities = ClientCapabilities::default();
        capabilities.elicitation = Some(elicitation);
        ClientConfig::new(capabilities, Implementation::new("enroll-test", "1.0"))
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let ElicitRequestParams::UrlElicitationParams { url, .. } = request else {
            return Ok(ElicitResult::new(ElicitationAction::Decline));
        };
        self.urls.lock().unwrap().push(url.clone());
        (self.complete)(url).await;
        Ok(ElicitResult::new(ElicitationAction::Accept))
    }
}
