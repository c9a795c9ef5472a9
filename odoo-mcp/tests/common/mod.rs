//! Shared helpers of the end-to-end tests: start the real `odoo-mcp` binary
//! against the Odoo test double, over stdio or streamable HTTP.
#![allow(dead_code)]

pub mod load;

use std::process::Stdio;

pub use odoo_tests::Captured;
use odoo_tests::OdooDouble;
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Map, Value, json};
use tokio::process::{Child, Command};

pub mod oauth;

pub const BIN: &str = env!("CARGO_BIN_EXE_odoo-mcp");

/// Environment for the server against `double`, plus `extra` (later wins).
pub fn server_env(double: &OdooDouble, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = vec![
        ("ODOO_URL".into(), double.url()),
        ("ODOO_DB".into(), double.db().into()),
        ("ODOO_API_KEY".into(), double.api_key().into()),
        ("ODOO_USER".into(), double.login().into()),
        // Debug logs must not leak the key either.
        ("ODOO_MCP_LOG".into(), "debug".into()),
    ];
    for (k, v) in extra {
        vars.retain(|(name, _)| name != k);
        vars.push((k.to_string(), v.to_string()));
    }
    vars
}

/// The binary with exactly `vars` as environment (nothing inherited from the test's).
pub fn command(vars: &[(String, String)]) -> Command {
    let mut command = Command::new(BIN);
    command.env_clear();
    for (k, v) in vars {
        command.env(k, v);
    }
    command.kill_on_drop(true);
    command
}

pub type Client = RunningService<RoleClient, ()>;

/// The server on stdio, with rmcp's client (legacy `initialize` lifecycle).
pub async fn stdio_client(vars: &[(String, String)]) -> (Client, Captured) {
    let (transport, stderr) = TokioChildProcess::builder(command(vars))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn odoo-mcp");
    let stderr = Captured::spawn_reader(stderr.expect("stderr is piped"));
    let client = ().serve(transport).await.unwrap_or_else(|e| {
        panic!(
            "initialize over stdio failed: {e}\nstderr:\n{}",
            stderr.text()
        )
    });
    (client, stderr)
}

/// The server on streamable HTTP (port picked by the OS), its URL and stderr.
pub struct HttpServer {
    pub child: Child,
    pub url: String,
    pub stderr: Captured,
}

pub async fn http_server(vars: &[(String, String)]) -> HttpServer {
    let mut vars = vars.to_vec();
    vars.push(("ODOO_MCP_TRANSPORT".into(), "streamable-http".into()));
    vars.push(("ODOO_MCP_PORT".into(), "0".into()));
    let mut child = command(&vars)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn odoo-mcp");
    let stderr = Captured::spawn_reader(child.stderr.take().expect("stderr is piped"));
    let line = stderr.wait_for("listening on http://").await;
    let start = line.find("http://").expect("url in line");
    let url = line[start..]
        .split_whitespace()
        .next()
        .expect("url")
        .to_string();
    HttpServer { child, url, stderr }
}

pub fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("arguments must be an object, got {other}"),
    }
}

pub async fn call(client: &Client, name: &str, arguments: Value) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args(arguments)))
        .await
        .unwrap_or_else(|e| panic!("tools/call {name} was a protocol error: {e}"))
}

/// The text blocks of a result, joined.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A successful result's structured content (panics with the error text otherwise).
pub fn ok(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "tool error: {}", text(result));
    let structured = result
        .structured_content
        .clone()
        .expect("structuredContent on success");
    // The text block is the same JSON, compact.
    let from_text: Value = serde_json::from_str(&text(result)).expect("text block is JSON");
    assert_eq!(from_text, structured);
    assert_eq!(text(result), structured.to_string(), "compact JSON text");
    structured
}

/// An error result's message (panics if the call succeeded).
pub fn err(result: &CallToolResult) -> String {
    assert_eq!(
        result.is_error,
        Some(true),
        "expected an error, got {:?}",
        result.structured_content
    );
    text(result)
}

pub fn tool<'a>(tools: &'a [Tool], name: &str) -> &'a Tool {
    tools
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no tool {name}"))
}

/// Checks that `schema` is a well-formed JSON Schema (2020-12 subset used by
/// MCP tools): known keywords with the right shapes, `required` naming
/// declared properties, every `$ref` resolving.
pub fn assert_valid_schema(root: &Value) {
    let obj = root.as_object().expect("a schema is an object");
    assert_eq!(
        obj.get("type"),
        Some(&json!("object")),
        "tool schemas are objects: {root}"
    );
    walk(root, root, "#");
}

fn walk(root: &Value, schema: &Value, path: &str) {
    let obj = match schema {
        Value::Bool(_) => return,
        Value::Object(obj) => obj,
        other => panic!("{path}: a schema must be an object or boolean, got {other}"),
    };
    const TYPES: [&str; 7] = [
        "null", "boolean", "object", "array", "number", "string", "integer",
    ];
    for (key, value) in obj {
        let here = format!("{path}/{key}");
        match key.as_str() {
            "type" => match value {
                Value::String(t) => assert!(TYPES.contains(&t.as_str()), "{here}: {t}"),
                Value::Array(ts) => {
                    assert!(!ts.is_empty(), "{here}: empty");
                    for t in ts {
                        assert!(TYPES.contains(&t.as_str().unwrap_or("")), "{here}: {t}");
                    }
                }
                other => panic!("{here}: {other}"),
            },
            "properties" | "$defs" | "definitions" | "patternProperties" => {
                for (name, sub) in value
                    .as_object()
                    .unwrap_or_else(|| panic!("{here}: object"))
                {
                    walk(root, sub, &format!("{here}/{name}"));
                }
            }
            "items"
            | "additionalProperties"
            | "not"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "if"
            | "then"
            | "else" => walk(root, value, &here),
            "anyOf" | "oneOf" | "allOf" | "prefixItems" => {
                let list = value.as_array().unwrap_or_else(|| panic!("{here}: array"));
                assert!(!list.is_empty(), "{here}: empty");
                for (i, sub) in list.iter().enumerate() {
                    walk(root, sub, &format!("{here}/{i}"));
                }
            }
            "required" => {
                let props = obj.get("properties").and_then(Value::as_object);
                for name in value.as_array().unwrap_or_else(|| panic!("{here}: array")) {
                    let name = name.as_str().unwrap_or_else(|| panic!("{here}: strings"));
                    if obj.get("additionalProperties") == Some(&json!(false)) {
                        assert!(
                            props.is_some_and(|p| p.contains_key(name)),
                            "{here}: `{name}` is required but not a property"
                        );
                    }
                }
            }
            "enum" => assert!(value.as_array().is_some_and(|a| !a.is_empty()), "{here}"),
            "$ref" => {
                let reference = value.as_str().unwrap_or_else(|| panic!("{here}: string"));
                let target = reference
                    .strip_prefix('#')
                    .and_then(|pointer| root.pointer(pointer));
                assert!(target.is_some(), "{here}: {reference} does not resolve");
            }
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                assert!(value.is_number(), "{here}")
            }
            "minItems" | "maxItems" | "minLength" | "maxLength" | "minProperties"
            | "maxProperties" => assert!(value.is_u64(), "{here}"),
            "description" | "title" | "format" | "pattern" | "$schema" | "$id" | "$comment" => {
                assert!(value.is_string(), "{here}")
            }
            _ => {}
        }
    }
}

/// Fails if `secret` occurs anywhere in `haystack`.
pub fn assert_no_secret(haystack: &str, secret: &str, what: &str) {
    assert!(!haystack.contains(secret), "the API key appeared in {what}");
}
