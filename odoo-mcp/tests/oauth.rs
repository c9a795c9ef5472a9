//! The OAuth resource server (`odoo_mcp::auth`) against a REAL OpenID provider: `oidc-provider`
//! from tests/oidc, installed by `npm ci --prefix tests/oidc`. When it cannot start these tests
//! fail; they never skip.

use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::routing::any;
use odoo_mcp::auth::{AuthError, AuthSettings, AuthState, METADATA_PATH, Principal, protect};
use odoo_tests::OdooDouble;
use odoo_tests::oidc::{OidcProvider, SHORT_TTL};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, WWW_AUTHENTICATE};
use serde_json::Value;
use tokio::net::TcpListener;

async fn provider() -> OidcProvider {
    match OidcProvider::start().await {
        Ok(provider) => provider,
        Err(why) => panic!("{why}"),
    }
}

/// A protected app on 127.0.0.1 in front of `provider`: its one route answers with the verified
/// principal and whether an Authorization header reached it.
struct App {
    base: String,
    state: AuthState,
    http: reqwest::Client,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    fn challenge(&self) -> &str {
        self.headers
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("no WWW-Authenticate on {}: {}", self.status, self.body))
    }
}

fn settings(provider: &OidcProvider, public_url: &str, extra: &[(&str, &str)]) -> AuthSettings {
    let vars = [
        ("OAUTH_ISSUER_URL", provider.issuer()),
        ("OAUTH_CLIENT_ID", provider.service_client_id()),
        ("OAUTH_CLIENT_SECRET", provider.service_client_secret()),
        ("ODOO_MCP_PUBLIC_URL", public_url),
    ];
    AuthSettings::from_lookup(|name| {
        extra
            .iter()
            .chain(vars.iter())
            .find(|(key, _)| *key == name)
            .map(|(_, value)| (*value).to_owned())
    })
    .expect("valid settings")
    .expect("OAuth is on")
}

async fn echo_principal(request: Request) -> axum::Json<Value> {
    let principal = request.extensions().get::<Principal>().cloned();
    axum::Json(serde_json::json!({
        "subject": principal.as_ref().map(|p| p.subject.clone()),
        "client_id": principal.and_then(|p| p.client_id),
        "saw_authorization": request.headers().contains_key("authorization"),
    }))
}

async fn app_with(
    provider: &OidcProvider,
    extra: &[(&str, &str)],
    tweak: impl FnOnce(&mut AuthSettings),
) -> App {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let mut settings = settings(provider, &base, extra);
    tweak(&mut settings);
    let state = AuthState::new(settings).await.expect("auth state");
    let app = protect(
        Router::new().route("/mcp", any(echo_principal)),
        state.clone(),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    App {
        base,
        state,
        http: reqwest::Client::new(),
    }
}

async fn app(provider: &OidcProvider) -> App {
    app_with(provider, &[], |_| {}).await
}

impl App {
    fn resource(&self) -> &str {
        &self.base
    }

    async fn call(&self, authorization: Option<&str>) -> Answer {
        let mut request = self.http.post(format!("{}/mcp", self.base)).body("{}");
        if let Some(value) = authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("the app answers");
        Answer {
            status: response.status(),
            headers: response.headers().clone(),
            body: response.text().await.expect("body"),
        }
    }

    async fn bearer(&self, token: &str) -> Answer {
        self.call(Some(&format!("Bearer {token}"))).await
    }

    fn expected_challenge(&self) -> String {
        format!("Bearer resource_metadata=\"{}{METADATA_PATH}\"", self.base)
    }
}

#[tokio::test]
async fn no_token_gets_the_challenge_without_an_error_code() {
    let provider = provider().await;
    let app = app(&provider).await;
    let answer = app.call(None).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.challenge(), app.expected_challenge());
    // Another scheme is no bearer token either.
    let answer = app.call(Some("Basic dXNlcjpwYXNz")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.challenge(), app.expected_challenge());
}

#[tokio::test]
async fn metadata_document_is_public() {
    let provider = provider().await;
    let app = app(&provider).await;
    for path in [METADATA_PATH.to_owned(), format!("{METADATA_PATH}/mcp")] {
        let response = app
            .http
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .expect("metadata answers");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let doc: Value = response.json().await.expect("metadata is JSON");
        assert_eq!(doc["resource"], app.resource());
        assert_eq!(
            doc["authorization_servers"],
            serde_json::json!([provider.issuer()])
        );
        assert_eq!(
            doc["bearer_methods_supported"],
            serde_json::json!(["header"])
        );
    }
}

#[tokio::test]
async fn garbage_token_is_invalid() {
    let provider = provider().await;
    let app = app(&provider).await;
    let garbage = "not-a-token-3f9a1c";
    let answer = app.bearer(garbage).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        answer.challenge(),
        format!("{}, error=\"invalid_token\"", app.expected_challenge())
    );
    assert_eq!(answer.json()["error"], "invalid_token");
    assert!(!answer.body.contains(garbage), "{}", answer.body);
    // A malformed header is a token that was sent, too.
    let answer = app.call(Some("Bearer two words")).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.challenge().ends_with("error=\"invalid_token\""));
}

#[tokio::test]
async fn valid_token_passes_with_its_principal_and_without_its_header() {
    let provider = provider().await;
    let app = app(&provider).await;
    let token = provider.token(app.resource()).await;
    let answer = app.bearer(&token).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let body = answer.json();
    assert_eq!(body["subject"], "test-client");
    assert_eq!(body["client_id"], "test-client");
    assert_eq!(body["saw_authorization"], false);
    // The same token with a trailing slash on the resource, and a lower-case scheme.
    let answer = app.call(Some(&format!("bearer {token}"))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn expired_token_is_invalid() {
    let provider = provider().await;
    let app = app(&provider).await;
    let token = provider.short_lived_token(app.resource()).await;
    // Token lifetimes are whole seconds: after SHORT_TTL + 1 s it has surely expired.
    tokio::time::sleep(SHORT_TTL + Duration::from_millis(1100)).await;
    let answer = app.bearer(&token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    assert!(answer.challenge().ends_with("error=\"invalid_token\""));
}

#[tokio::test]
async fn revoked_token_is_invalid() {
    let provider = provider().await;
    let app = app(&provider).await;
    let token = provider.token(app.resource()).await;
    provider.revoke(&token).await;
    let answer = app.bearer(&token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    assert!(answer.challenge().ends_with("error=\"invalid_token\""));
}

#[tokio::test]
async fn token_for_another_resource_is_invalid() {
    let provider = provider().await;
    let app = app(&provider).await;
    let token = provider.token("https://other-service.example.com").await;
    let answer = app.bearer(&token).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
    assert!(answer.challenge().ends_with("error=\"invalid_token\""));
    assert!(answer.body.contains("audience"), "{}", answer.body);
}

#[tokio::test]
async fn configured_audience_is_accepted_too() {
    let provider = provider().await;
    let app = app_with(
        &provider,
        &[("OAUTH_AUDIENCE", "urn:unused, https://gateway.example.com/")],
        |_| {},
    )
    .await;
    let token = provider.token("https://gateway.example.com").await;
    let answer = app.bearer(&token).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
}

#[tokio::test]
async fn valid_answers_are_cached() {
    let provider = provider().await;
    let app = app(&provider).await;
    let token = provider.token(app.resource()).await;
    let before = provider.request_count_introspection().await;
    for _ in 0..5 {
        let answer = app.bearer(&token).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
    assert_eq!(provider.request_count_introspection().await - before, 1);
    // Another token is asked about on its own.
    let other = provider.token(app.resource()).await;
    assert_eq!(app.bearer(&other).await.status, StatusCode::OK);
    assert_eq!(provider.request_count_introspection().await - before, 2);
}

#[tokio::test]
async fn provider_down_is_503_never_a_pass() {
    let mut provider = provider().await;
    let app = app(&provider).await;
    let token = provider.token(app.resource()).await;
    provider.stop().await;
    let answer = app.bearer(&token).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert!(answer.headers.get(WWW_AUTHENTICATE).is_none());
    assert_eq!(answer.json()["error"], "temporarily_unavailable");
    assert!(!answer.body.contains(&token));
}

#[tokio::test]
async fn slow_provider_is_503() {
    let provider = provider().await;
    let app = app_with(&provider, &[], |s| s.timeout = Duration::from_millis(300)).await;
    let token = provider.token(app.resource()).await;
    provider
        .set_introspection_delay(Duration::from_secs(3))
        .await;
    let answer = app.bearer(&token).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn wrong_service_credentials_are_503_not_a_pass() {
    let provider = provider().await;
    let app = app_with(
        &provider,
        &[("OAUTH_CLIENT_SECRET", "wrong-secret")],
        |_| {},
    )
    .await;
    let token = provider.token(app.resource()).await;
    let answer = app.bearer(&token).await;
    assert_eq!(
        answer.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        answer.body
    );
    assert!(!answer.body.contains("wrong-secret"));
}

#[tokio::test]
async fn introspection_endpoint_is_discovered_or_taken_as_configured() {
    let provider = provider().await;
    let app = app(&provider).await;
    assert_eq!(app.state.introspection_url(), provider.introspection_url());
    let zitadel_named = app_with(
        &provider,
        &[("ZITADEL_INTROSPECTION_URL", &provider.introspection_url())],
        |_| {},
    )
    .await;
    let token = provider.token(zitadel_named.resource()).await;
    assert_eq!(zitadel_named.bearer(&token).await.status, StatusCode::OK);
}

#[tokio::test]
async fn discovery_falls_back_to_rfc8414() {
    // An authorization server that only publishes RFC 8414 metadata, for an issuer with a path.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let origin = format!("http://{}", listener.local_addr().expect("address"));
    let issuer = format!("{origin}/tenant");
    let doc = serde_json::json!({
        "issuer": issuer,
        "introspection_endpoint": format!("{origin}/tenant/introspect"),
    });
    let stub = Router::new().route(
        "/.well-known/oauth-authorization-server/tenant",
        axum::routing::get(move || async move { axum::Json(doc) }),
    );
    tokio::spawn(async move { axum::serve(listener, stub).await });
    let settings = AuthSettings::from_lookup(|name| match name {
        "OAUTH_ISSUER_URL" => Some(issuer.clone()),
        "OAUTH_CLIENT_ID" => Some("id".to_owned()),
        "OAUTH_CLIENT_SECRET" => Some("secret".to_owned()),
        "ODOO_MCP_PUBLIC_URL" => Some("http://127.0.0.1:9".to_owned()),
        _ => None,
    })
    .expect("valid settings")
    .expect("OAuth is on");
    let state = AuthState::new(settings).await.expect("discovered");
    assert_eq!(
        state.introspection_url(),
        format!("{origin}/tenant/introspect")
    );
}

#[tokio::test]
async fn unreachable_issuer_fails_at_start_up() {
    let mut provider = provider().await;
    let issuer = provider.issuer().to_owned();
    provider.stop().await;
    let settings = AuthSettings::from_lookup(|name| match name {
        "OAUTH_ISSUER_URL" => Some(issuer.clone()),
        "OAUTH_CLIENT_ID" => Some("id".to_owned()),
        "OAUTH_CLIENT_SECRET" => Some("s3cr3t-value".to_owned()),
        "ODOO_MCP_PUBLIC_URL" => Some("http://127.0.0.1:9".to_owned()),
        _ => None,
    })
    .expect("valid settings")
    .expect("OAuth is on");
    let err = AuthState::new(settings)
        .await
        .expect_err("no issuer to discover");
    assert!(matches!(err, AuthError::Discovery { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains("OAUTH_INTROSPECTION_URL"), "{message}");
    assert!(!message.contains("s3cr3t-value"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// End to end: the real `odoo-mcp` binary on streamable HTTP with OAuth on.

mod binary {
    use std::process::Stdio;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    use tokio::io::{AsyncBufReadExt, BufReader};
    use tokio::process::{Child, Command};

    use super::*;

    /// The resource identifier the server is told it is (as behind a reverse proxy).
    const PUBLIC_URL: &str = "http://odoo-mcp.test";

    struct Server {
        _child: Child,
        /// `http://127.0.0.1:PORT`
        base: String,
        stderr: Arc<Mutex<String>>,
    }

    impl Server {
        async fn start(provider: &OidcProvider, odoo: &OdooDouble) -> Server {
            let mut child = Command::new(env!("CARGO_BIN_EXE_odoo-mcp"))
                .env_clear()
                .env("ODOO_URL", odoo.url())
                .env("ODOO_DB", odoo.db())
                .env("ODOO_USER", odoo.login())
                .env("ODOO_API_KEY", odoo.api_key())
                .env("ODOO_YOLO", "true")
                .env("ODOO_MCP_TRANSPORT", "streamable-http")
                .env("ODOO_MCP_HOST", "127.0.0.1")
                .env("ODOO_MCP_PORT", "0")
                .env("ODOO_MCP_LOG", "debug")
                .env("OAUTH_ISSUER_URL", provider.issuer())
                .env("ZITADEL_CLIENT_ID", provider.service_client_id())
                .env("ZITADEL_CLIENT_SECRET", provider.service_client_secret())
                .env("ODOO_MCP_PUBLIC_URL", PUBLIC_URL)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .expect("spawn odoo-mcp");
            let stderr = Arc::new(Mutex::new(String::new()));
            let sink = Arc::clone(&stderr);
            let pipe = child.stderr.take().expect("stderr is piped");
            tokio::spawn(async move {
                let mut lines = BufReader::new(pipe).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let mut text = sink.lock().unwrap_or_else(|e| e.into_inner());
                    text.push_str(&line);
                    text.push('\n');
                }
            });
            let text = || stderr.lock().unwrap_or_else(|e| e.into_inner()).clone();
            for _ in 0..600 {
                if let Some(at) = text().find("listening on http://") {
                    let url = text()[at + "listening on ".len()..]
                        .split_whitespace()
                        .next()
                        .expect("an address")
                        .trim_end_matches("/mcp")
                        .to_owned();
                    return Server {
                        _child: child,
                        base: url,
                        stderr,
                    };
                }
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("odoo-mcp exited with {status}:\n{}", text());
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            panic!("odoo-mcp did not start listening:\n{}", text());
        }

        fn stderr(&self) -> String {
            self.stderr
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        }

        fn client(&self, token: &str) -> StreamableHttpClientTransport<reqwest::Client> {
            StreamableHttpClientTransport::from_config(
                StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp", self.base))
                    .auth_header(token),
            )
        }
    }

    #[tokio::test]
    async fn tools_list_and_a_tool_call_with_a_valid_token() {
        let provider = provider().await;
        let odoo = OdooDouble::start().await;
        let server = Server::start(&provider, &odoo).await;
        let http = reqwest::Client::new();

        // Without a token: the challenge names the public metadata URL.
        let response = http
            .post(format!("{}/mcp", server.base))
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
            .send()
            .await
            .expect("odoo-mcp answers");
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "odoo-mcp let a request without a token through: OAuth is not wired into the HTTP \
             transport. In odoo-mcp/src/http.rs `serve`, after the router is built, add \
             `let router = crate::auth::protect_from_env(router).await.map_err(std::io::Error::other)?;`"
        );
        assert_eq!(
            response.headers()[WWW_AUTHENTICATE],
            format!("Bearer resource_metadata=\"{PUBLIC_URL}{METADATA_PATH}\"").as_str()
        );
        let doc: Value = http
            .get(format!("{}{METADATA_PATH}", server.base))
            .send()
            .await
            .expect("metadata answers")
            .json()
            .await
            .expect("metadata is JSON");
        assert_eq!(doc["resource"], PUBLIC_URL);
        assert_eq!(doc["authorization_servers"][0], provider.issuer());

        // A garbage token gets no MCP session.
        assert!(().serve(server.client("garbage")).await.is_err());

        // A valid token: initialize, tools/list, a tool call, all on one introspection.
        let token = provider.token(PUBLIC_URL).await;
        let before = provider.request_count_introspection().await;
        let client = ()
            .serve(server.client(&token))
            .await
            .unwrap_or_else(|e| panic!("initialize failed: {e}\n{}", server.stderr()));
        let tools = client.list_all_tools().await.expect("tools/list");
        assert!(
            tools.iter().any(|t| t.name == "search_records"),
            "{tools:?}"
        );
        let result = client
            .call_tool(
                CallToolRequestParams::new("search_records").with_arguments(
                    serde_json::json!({"model": "res.partner", "limit": 1})
                        .as_object()
                        .cloned()
                        .expect("an object"),
                ),
            )
            .await
            .expect("tools/call is answered");
        assert_ne!(result.is_error, Some(true), "{result:?}");
        let records = &result.structured_content.as_ref().expect("structured")["records"];
        assert_eq!(records.as_array().map(Vec::len), Some(1), "{result:?}");
        // Odoo saw the call, made with the server's key (the double accepts no other).
        assert!(odoo.request_count() > 0);
        assert_eq!(provider.request_count_introspection().await - before, 1);
        let _ = client.cancel().await;

        let logs = server.stderr();
        assert!(!logs.contains(&token), "the token is in the logs");
        assert!(!logs.contains(provider.service_client_secret()));
        assert!(!logs.contains(odoo.api_key()));
    }
}

/// The MCP service itself (rmcp's streamable-http service over `OdooMcp`) behind [`protect`], in
/// process: sessions, tools/list and a tool call with a bearer token, against the Odoo double.
#[tokio::test]
async fn rmcp_service_behind_protect() {
    use std::sync::Arc;

    use odoo_mcp::OdooMcp;
    use odoo_mcp::settings::{Access, Settings};
    use rmcp::ServiceExt;
    use rmcp::model::CallToolRequestParams;
    use rmcp::transport::StreamableHttpClientTransport;
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
    use rmcp::transport::streamable_http_server::{
        StreamableHttpServerConfig, StreamableHttpService,
    };

    let provider = provider().await;
    let odoo = OdooDouble::start().await;
    let settings = Settings {
        access: Access::Full,
        ..Settings::default()
    };
    let server =
        OdooMcp::new(odoo.config_json2(), settings, odoo_mcp::generated_models()).expect("server");
    let service = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        StreamableHttpServerConfig::default().with_legacy_session_mode(true),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let state = AuthState::new(settings_for(&provider, &base))
        .await
        .expect("auth state");
    let app = protect(Router::new().route_service("/mcp", service), state);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let transport = |token: &str| {
        StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(format!("{base}/mcp")).auth_header(token),
        )
    };
    assert!(().serve(transport("garbage")).await.is_err());
    let wrong_audience = provider.token("https://elsewhere.example.com").await;
    assert!(().serve(transport(&wrong_audience)).await.is_err());

    let token = provider.token(&base).await;
    let before = provider.request_count_introspection().await;
    let client = ().serve(transport(&token)).await.expect("initialize");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "search_records"));
    let result = client
        .call_tool(
            CallToolRequestParams::new("search_records").with_arguments(
                serde_json::json!({"model": "res.partner", "limit": 2})
                    .as_object()
                    .cloned()
                    .expect("an object"),
            ),
        )
        .await
        .expect("tools/call");
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let records = &result.structured_content.as_ref().expect("structured")["records"];
    assert_eq!(records.as_array().map(Vec::len), Some(2), "{result:?}");
    // initialize, notifications, tools/list and tools/call: one introspection.
    assert_eq!(provider.request_count_introspection().await - before, 1);
    let _ = client.cancel().await;
}

fn settings_for(provider: &OidcProvider, public_url: &str) -> AuthSettings {
    settings(provider, public_url, &[])
}
