//! One `odoo-mcp` process and rmcp's client on it: tool calls whose answers are
//! validated against the tool's declared `outputSchema`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult,
    ElicitationAction, Implementation, ReadResourceRequestParams, ResourceContents, Tool,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, ErrorData, RoleClient, ServiceExt};
use serde_json::{Map, Value};
use tokio::process::{Child, Command};

use crate::Captured;

/// What one tool call gave: its label and, on success, its structured content.
#[derive(Debug, Clone)]
pub struct Answer {
    /// `ok`, or `error:<kind>`.
    pub label: String,
    pub value: Value,
    /// The error text, or the compact JSON text.
    pub text: String,
}

impl Answer {
    pub fn is_ok(&self) -> bool {
        self.label == "ok"
    }
}

/// The kind of a tool error, from the server's wording (see odoo-mcp's `ToolError`).
pub fn error_kind(text: &str) -> &'static str {
    let kinds: [(&str, &str); 19] = [
        ("is read-only (ODOO_YOLO=read)", "read_only"),
        ("Odoo hides", "button_hidden"),
        ("call_model_method refused", "refused"),
        ("Nothing was written: the", "batch_not_written"),
        ("stopped at ", "partial_write"),
        ("generated for a schema where", "schema_mismatch"),
        ("Odoo denied access", "access"),
        ("Odoo refused the credentials", "auth"),
        ("Odoo could not find the record", "not_found"),
        ("does not exist or is not visible", "not_found"),
        ("Odoo rejected the request", "validation"),
        ("Odoo is unreachable", "unreachable"),
        ("Odoo did not answer within", "timeout"),
        ("unknown field", "unknown_field"),
        ("unknown model", "unknown_model"),
        ("malformed domain", "domain"),
        ("Odoo raised ", "server"),
        ("argument `", "argument"),
        ("not enabled on this server", "model_not_enabled"),
    ];
    kinds
        .iter()
        .find(|(needle, _)| text.contains(needle))
        .map_or("other", |(_, kind)| kind)
}

/// The client side: without `answers`, a plain client; with them, one that
/// supports elicitation and accepts every question with these values (a user
/// who fills in the form).
#[derive(Debug, Clone, Default)]
pub struct User {
    pub answers: Option<Value>,
}

impl ClientHandler for User {
    fn get_info(&self) -> ClientConfig {
        match self.answers {
            None => ClientConfig::default(),
            Some(_) => {
                let mut capabilities = ClientCapabilities::default();
                capabilities.elicitation = Some(Default::default());
                ClientConfig::new(
                    capabilities,
                    Implementation::new("odoo-live", env!("CARGO_PKG_VERSION")),
                )
            }
        }
    }

    async fn create_elicitation(
        &self,
        _request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        let mut answer = ElicitResult::new(ElicitationAction::Accept);
        answer.content = self.answers.clone();
        Ok(answer)
    }
}

/// A running server and the client connected to it.
pub struct Session {
    client: RunningService<RoleClient, User>,
    tools: BTreeMap<String, Tool>,
    validators: BTreeMap<String, jsonschema::Validator>,
    pub stderr: Captured,
    /// Kept so that the HTTP server lives as long as the session.
    _child: Option<Child>,
    /// Tools called so far, to tell which listed ones the suite never touched.
    called: Mutex<BTreeSet<String>>,
    /// How long each answered call took, client side (MCP + server + Odoo).
    latencies: Mutex<Vec<Duration>>,
}

fn command(bin: &Path, env: &BTreeMap<String, String>) -> Command {
    let mut command = Command::new(bin);
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.envs(env);
    command.kill_on_drop(true);
    command
}

impl Session {
    /// The server over stdio (rmcp's client, `initialize` lifecycle).
    pub async fn stdio(bin: &Path, env: &BTreeMap<String, String>) -> Result<Self, String> {
        Self::stdio_as(bin, env, User::default()).await
    }

    /// The same, with this user answering the server's questions.
    pub async fn stdio_as(
        bin: &Path,
        env: &BTreeMap<String, String>,
        user: User,
    ) -> Result<Self, String> {
        let (transport, stderr) = TokioChildProcess::builder(command(bin, env))
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stderr = stderr.map(Captured::spawn_reader).unwrap_or_default();
        let client = match tokio::time::timeout(Duration::from_secs(30), user.serve(transport))
            .await
        {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => return Err(format!("initialize failed: {e}; stderr: {}", stderr.text())),
            Err(_) => return Err(format!("initialize timed out; stderr: {}", stderr.text())),
        };
        Self::ready(client, stderr, None).await
    }

    /// The server over streamable HTTP on a free loopback port.
    pub async fn http(bin: &Path, env: &BTreeMap<String, String>) -> Result<Self, String> {
        let (child, stderr, url) = Self::http_server(bin, env).await?;
        let client = User::default()
            .serve(StreamableHttpClientTransport::from_uri(url))
            .await
            .map_err(|e| format!("initialize over HTTP failed: {e}"))?;
        Self::ready(client, stderr, Some(child)).await
    }

    /// The server over streamable HTTP, started and not yet connected to:
    /// (process, stderr, `/mcp` URL).
    pub async fn http_server(
        bin: &Path,
        env: &BTreeMap<String, String>,
    ) -> Result<(Child, Captured, String), String> {
        let mut env = env.clone();
        env.insert("ODOO_MCP_TRANSPORT".into(), "streamable-http".into());
        env.insert("ODOO_MCP_PORT".into(), "0".into());
        let mut child = command(bin, &env)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let stderr = child
            .stderr
            .take()
            .map(Captured::spawn_reader)
            .unwrap_or_default();
        let url = stderr
            .line_with("listening on http://")
            .await
            .and_then(|line| {
                let at = line.find("http://")?;
                line[at..].split_whitespace().next().map(str::to_string)
            })
            .ok_or_else(|| format!("the HTTP server did not start: {}", stderr.text()))?;
        Ok((child, stderr, url))
    }

    /// A client of a running HTTP server whose every request carries `authorization`
    /// (a caller's own Odoo key, `ODOO_MCP_IDENTITY=odoo-key`); the session does
    /// not own the server.
    pub async fn http_client_as(url: &str, authorization: &str) -> Result<Self, String> {
        let mut headers = reqwest::header::HeaderMap::new();
        let value = reqwest::header::HeaderValue::from_str(authorization)
            .map_err(|_| "the Authorization value is not a valid header".to_string())?;
        headers.insert(reqwest::header::AUTHORIZATION, value);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .build()
            .map_err(|e| e.to_string())?;
        let transport = StreamableHttpClientTransport::with_client(
            http,
            rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(
                url.to_string(),
            ),
        );
        let client = User::default()
            .serve(transport)
            .await
            .map_err(|e| format!("initialize over HTTP failed: {e}"))?;
        Self::ready(client, Captured::default(), None).await
    }

    async fn ready(
        client: RunningService<RoleClient, User>,
        stderr: Captured,
        child: Option<Child>,
    ) -> Result<Self, String> {
        let listed = client
            .list_all_tools()
            .await
            .map_err(|e| format!("tools/list failed: {e}"))?;
        let mut tools = BTreeMap::new();
        let mut validators = BTreeMap::new();
        for tool in listed {
            if let Some(schema) = &tool.output_schema {
                let schema = Value::Object(schema.as_ref().clone());
                let validator = jsonschema::validator_for(&schema).map_err(|e| {
                    format!("{}: outputSchema is not a JSON Schema: {e}", tool.name)
                })?;
                validators.insert(tool.name.to_string(), validator);
            }
            jsonschema::validator_for(&Value::Object(tool.input_schema.as_ref().clone()))
                .map_err(|e| format!("{}: inputSchema is not a JSON Schema: {e}", tool.name))?;
            tools.insert(tool.name.to_string(), tool);
        }
        Ok(Self {
            client,
            tools,
            validators,
            stderr,
            _child: child,
            called: Mutex::new(BTreeSet::new()),
            latencies: Mutex::new(Vec::new()),
        })
    }

    /// Every answered call's duration so far.
    pub fn latencies(&self) -> Vec<Duration> {
        self.latencies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn tool_names(&self) -> impl Iterator<Item = &str> {
        self.tools.keys().map(String::as_str)
    }

    pub fn tool(&self, name: &str) -> Option<&Tool> {
        self.tools.get(name)
    }

    /// Listed tools no call has reached yet.
    pub fn uncalled(&self) -> Vec<String> {
        let called = self.called.lock().unwrap_or_else(|p| p.into_inner());
        self.tools
            .keys()
            .filter(|t| !called.contains(*t))
            .cloned()
            .collect()
    }

    /// Calls a tool; a success whose structured content breaks the tool's
    /// `outputSchema` is labelled `error:output_schema`.
    pub async fn call(&self, name: &str, arguments: Value) -> Answer {
        self.called
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(name.to_string());
        let arguments = match arguments {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        let request = CallToolRequestParams::new(name.to_string()).with_arguments(arguments);
        let started = std::time::Instant::now();
        let result =
            match tokio::time::timeout(Duration::from_secs(120), self.client.call_tool(request))
                .await
            {
                Ok(Ok(result)) => result,
                Ok(Err(e)) => {
                    return Answer {
                        label: "error:protocol".into(),
                        value: Value::Null,
                        text: e.to_string(),
                    };
                }
                Err(_) => {
                    return Answer {
                        label: "error:hang".into(),
                        value: Value::Null,
                        text: format!("{name} gave no answer within 120 s"),
                    };
                }
            };
        self.latencies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(started.elapsed());
        let text: String = result
            .content
            .iter()
            .filter_map(|c| c.as_text().map(|t| t.text.clone()))
            .collect::<Vec<_>>()
            .join("\n");
        if result.is_error == Some(true) {
            return Answer {
                label: format!("error:{}", error_kind(&text)),
                value: Value::Null,
                text,
            };
        }
        let value = result.structured_content.unwrap_or(Value::Null);
        if let Some(validator) = self.validators.get(name) {
            let problems: Vec<String> = validator
                .iter_errors(&value)
                .take(3)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            if !problems.is_empty() {
                return Answer {
                    label: "error:output_schema".into(),
                    value,
                    text: format!("answer breaks the outputSchema: {}", problems.join("; ")),
                };
            }
        }
        Answer {
            label: "ok".into(),
            value,
            text,
        }
    }

    /// `resources/read`: the one text content as is (an MCP Apps view's HTML).
    pub async fn read_text(&self, uri: &str) -> Result<String, String> {
        let result = self
            .client
            .read_resource(ReadResourceRequestParams::new(uri))
            .await
            .map_err(|e| e.to_string())?;
        match result.contents.first() {
            Some(ResourceContents::TextResourceContents { text, .. }) => Ok(text.clone()),
            other => Err(format!("{uri}: unexpected contents {other:?}")),
        }
    }

    /// A tools/call as a host forwards it (`{name, arguments}`): the whole
    /// CallToolResult, as JSON.
    pub async fn call_raw(&self, params: Value) -> Result<Value, String> {
        let request: CallToolRequestParams =
            serde_json::from_value(params).map_err(|e| e.to_string())?;
        self.called
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(request.name.to_string());
        let result = tokio::time::timeout(Duration::from_secs(120), self.client.call_tool(request))
            .await
            .map_err(|_| "no answer within 120 s".to_string())?
            .map_err(|e| e.to_string())?;
        serde_json::to_value(result).map_err(|e| e.to_string())
    }

    /// `resources/read`: the JSON of the one text content, or the error text.
    pub async fn read_resource(&self, uri: &str) -> Result<Value, String> {
        let text = self.read_text(uri).await?;
        serde_json::from_str(&text).map_err(|e| format!("{uri}: not JSON: {e}"))
    }

    /// `completion/complete` of a resource template argument.
    pub async fn complete(
        &self,
        template: &str,
        argument: &str,
        value: &str,
        model: Option<&str>,
    ) -> Result<Vec<String>, String> {
        let context = model.map(|m| {
            rmcp::model::CompletionContext::with_arguments(
                [("model".to_string(), m.to_string())].into(),
            )
        });
        self.client
            .complete_resource_argument(template, argument, value, context)
            .await
            .map(|done| done.values)
            .map_err(|e| e.to_string())
    }

    pub async fn close(self) {
        let _ = self.client.cancel().await;
    }
}
