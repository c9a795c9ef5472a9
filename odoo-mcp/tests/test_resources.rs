//! Resources (`odoo://models`, `odoo://{model}/record/{id}`, `odoo://{model}/fields`,
//! `odoo://{model}/fields/{field}`), argument completion, and the elicitation
//! confirmation of destructive calls (`ODOO_MCP_CONFIRM`), through the real
//! binary against the Odoo test double.

mod common;

use std::process::Stdio;
use std::sync::{Arc, Mutex};

use common::*;
use odoo_tests::OdooDouble;
use rmcp::model::CallToolResponse;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, CompletionContext,
    ElicitRequestParams, ElicitResult, ElicitationAction, ErrorCode, Implementation,
    ProtocolVersion, ReadResourceRequestParams, ResourceContents,
};
use rmcp::service::{ClientLifecycleMode, RequestContext, RunningService, ServiceError};
use rmcp::transport::{StreamableHttpClientTransport, TokioChildProcess};
use rmcp::{ClientHandler, ClientServiceExt, ErrorData, RoleClient};
use serde_json::{Value, json};

/// Requests that change data in the double.
fn writes(double: &OdooDouble) -> Vec<(String, String, String)> {
    double
        .requests()
        .into_iter()
        .filter(|(_, _, m)| matches!(m.as_str(), "create" | "write" | "unlink"))
        .collect()
}

/// The JSON a resource read returned (one text block, `application/json`).
async fn read<S: rmcp::Service<RoleClient>>(
    client: &RunningService<RoleClient, S>,
    uri: &str,
) -> Result<Value, ErrorData> {
    let result = match client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
    {
        Ok(result) => result,
        Err(ServiceError::McpError(error)) => return Err(error),
        Err(other) => panic!("resources/read {uri}: {other}"),
    };
    assert_eq!(result.contents.len(), 1);
    match &result.contents[0] {
        ResourceContents::TextResourceContents {
            uri: got,
            mime_type,
            text,
            ..
        } => {
            assert_eq!(got, uri);
            assert_eq!(mime_type.as_deref(), Some("application/json"));
            Ok(serde_json::from_str(text).expect("JSON text"))
        }
        other => panic!("expected text contents, got {other:?}"),
    }
}

fn read_error(result: Result<Value, ErrorData>) -> ErrorData {
    match result {
        Err(error) => error,
        Ok(value) => panic!("expected an error, read {value}"),
    }
}

#[tokio::test]
async fn resources_are_listed_and_read_through_the_tools() {
    let double = OdooDouble::start().await;
    let (client, stderr) = stdio_client(&server_env(&double, &[])).await;
    let info = client.peer_info().expect("server info");
    assert!(info.capabilities.resources.is_some());
    assert!(info.capabilities.completions.is_some());

    let resources = client.list_all_resources().await.expect("resources/list");
    let uris: Vec<&str> = resources.iter().map(|r| r.uri.as_str()).collect();
    assert_eq!(
        uris,
        [
            "odoo://models",
            "ui://odoo/wizard",
            "ui://odoo/chart",
            "ui://odoo/record"
        ]
    );
    let templates = client
        .list_all_resource_templates()
        .await
        .expect("resources/templates/list");
    let templates: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    for template in [
        "odoo://{model}/record/{id}",
        "odoo://{model}/fields",
        "odoo://{model}/fields/{field}",
    ] {
        assert!(templates.contains(&template), "{templates:?}");
    }
    assert_eq!(double.request_count(), 0, "listing asks Odoo nothing");

    // The same answers as the tools.
    let index = read(&client, "odoo://models").await.expect("models index");
    assert_eq!(index, ok(&call(&client, "list_models", json!({})).await));
    assert!(
        index["models"].to_string().contains("res.partner"),
        "{index}"
    );

    let record = read(&client, "odoo://res.partner/record/3")
        .await
        .expect("record");
    assert_eq!(
        record["record"]["display_name"],
        "YourCompany, Mitchell Admin"
    );
    assert_eq!(
        record,
        ok(&call(
            &client,
            "get_record",
            json!({"model": "res.partner", "record_id": 3})
        )
        .await)
    );

    let fields = read(&client, "odoo://res.partner/fields")
        .await
        .expect("fields");
    assert_eq!(
        fields,
        ok(&call(&client, "get_fields", json!({"model": "res.partner"})).await)
    );
    assert!(fields["count"].as_u64().unwrap() > 10, "{fields}");

    let field = read(&client, "odoo://res.partner/fields/email")
        .await
        .expect("one field");
    assert_eq!(field["count"], 1);
    assert_eq!(field["fields"][0]["name"], "email");
    assert_eq!(field["fields"][0]["type"], "char");

    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn resource_errors_are_protocol_errors_that_say_what_to_change() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    double.clear_requests();

    // A model that is not enabled: refused before any request.
    let error = read_error(read(&client, "odoo://res.currency/record/1").await);
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND, "{error:?}");
    assert!(
        error.message.contains("not enabled") && error.message.contains("ODOO_MCP_MODELS"),
        "{}",
        error.message
    );
    let error = read_error(read(&client, "odoo://ir.model/fields").await);
    assert!(error.message.contains("not enabled"), "{}", error.message);
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());

    // A typo: close model names offered.
    let error = read_error(read(&client, "odoo://res.partnr/record/3").await);
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(error.message.contains("`res.partner`"), "{}", error.message);

    // Bad ids, missing records, unknown fields and URIs.
    let error = read_error(read(&client, "odoo://res.partner/record/abc").await);
    assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
    assert!(
        error.message.contains("positive integer") && error.message.contains("record/7"),
        "{}",
        error.message
    );
    let error = read_error(read(&client, "odoo://res.partner/record/0").await);
    assert_eq!(error.code, ErrorCode::INVALID_PARAMS);
    let error = read_error(read(&client, "odoo://res.partner/record/999999").await);
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(error.message.contains("999999"), "{}", error.message);
    let error = read_error(read(&client, "odoo://res.partner/fields/emial").await);
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(error.message.contains("`email`"), "{}", error.message);
    let error = read_error(read(&client, "odoo://res.partner").await);
    assert_eq!(error.code, ErrorCode::RESOURCE_NOT_FOUND);
    assert!(
        error.message.contains("odoo://{model}/record/{id}"),
        "{}",
        error.message
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn every_model_is_reachable_with_yolo_read() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let fields = read(&client, "odoo://res.currency/fields")
        .await
        .expect("fields of a model outside the generated ones");
    assert_eq!(fields["model"], "res.currency");
    // Completion offers Odoo's own model list here.
    let done = client
        .complete_resource_argument("odoo://{model}/fields", "model", "res.cur", None)
        .await
        .expect("completion/complete");
    assert_eq!(
        done.values.first().map(String::as_str),
        Some("res.currency")
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn completions_for_models_and_fields() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_MODELS", "res.country")]);
    let (client, _) = stdio_client(&env).await;
    let template = "odoo://{model}/record/{id}";

    let done = client
        .complete_resource_argument(template, "model", "sale", None)
        .await
        .expect("completion/complete");
    assert!(!done.values.is_empty());
    assert!(
        done.values.iter().all(|v| v.starts_with("sale")),
        "{:?}",
        done.values
    );
    assert_eq!(done.has_more, Some(false));
    // Prefix matches first, then close ones; the allowlist counts.
    let done = client
        .complete_resource_argument(template, "model", "res.co", None)
        .await
        .expect("completion/complete");
    assert!(done.values.contains(&"res.country".to_string()), "{done:?}");
    let done = client
        .complete_resource_argument(template, "model", "partner", None)
        .await
        .expect("completion/complete");
    assert_eq!(
        done.values.first().map(String::as_str),
        Some("res.partner"),
        "{done:?}"
    );
    // Models that are not enabled are not offered.
    let done = client
        .complete_resource_argument(template, "model", "res.cur", None)
        .await
        .expect("completion/complete");
    assert!(!done.values.iter().any(|v| v == "res.currency"), "{done:?}");
    // Ids are not completed.
    let done = client
        .complete_resource_argument(template, "id", "1", None)
        .await
        .expect("completion/complete");
    assert!(done.values.is_empty());

    // Field names, for the model already chosen.
    let context = CompletionContext::with_arguments(
        [("model".to_string(), "res.partner".to_string())].into(),
    );
    let done = client
        .complete_resource_argument(
            "odoo://{model}/fields/{field}",
            "field",
            "emai",
            Some(context),
        )
        .await
        .expect("completion/complete");
    assert_eq!(
        done.values.first().map(String::as_str),
        Some("email"),
        "{done:?}"
    );

    // An unknown template is invalid params.
    let error = client
        .complete_resource_argument("odoo://nope/{x}", "x", "", None)
        .await
        .expect_err("unknown template");
    match error {
        ServiceError::McpError(e) => assert_eq!(e.code, ErrorCode::INVALID_PARAMS),
        other => panic!("{other}"),
    }
    client.cancel().await.ok();
}

/// A client that declares elicitation and answers every question with
/// `action` (and `content`, the form's values, if any).
#[derive(Clone)]
struct Confirmer {
    action: ElicitationAction,
    content: Option<Value>,
    asked: Arc<Mutex<Vec<String>>>,
    forms: Arc<Mutex<Vec<Value>>>,
}

impl Confirmer {
    fn new(action: ElicitationAction) -> Self {
        Self {
            action,
            content: None,
            asked: Arc::default(),
            forms: Arc::default(),
        }
    }

    /// Accepts every question with these values.
    fn filling(content: Value) -> Self {
        Self {
            content: Some(content),
            ..Self::new(ElicitationAction::Accept)
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }

    /// The forms asked, as JSON Schemas.
    fn forms(&self) -> Vec<Value> {
        self.forms.lock().unwrap().clone()
    }
}

impl ClientHandler for Confirmer {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("confirm-test", "1.0"),
        )
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        if let ElicitRequestParams::FormElicitationParams {
            message,
            requested_schema,
            ..
        } = request
        {
            self.asked.lock().unwrap().push(message);
            let form = serde_json::to_value(requested_schema).expect("JSON");
            self.forms.lock().unwrap().push(form);
        }
        let mut answer = ElicitResult::new(self.action.clone());
        answer.content = self.content.clone();
        Ok(answer)
    }
}

async fn spawn<S: rmcp::Service<RoleClient> + ClientHandler>(
    handler: S,
    vars: &[(String, String)],
    lifecycle: ClientLifecycleMode,
) -> RunningService<RoleClient, S> {
    let (transport, _) = TokioChildProcess::builder(command(vars))
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn odoo-mcp");
    handler
        .serve_with_lifecycle(transport, lifecycle)
        .await
        .expect("start the client")
}

async fn call_with<S: rmcp::Service<RoleClient>>(
    client: &RunningService<RoleClient, S>,
    name: &str,
    arguments: Value,
) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args(arguments)))
        .await
        .unwrap_or_else(|e| panic!("tools/call {name} was a protocol error: {e}"))
}

fn discover() -> ClientLifecycleMode {
    ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    }
}

/// A partner made for the test, so deleting it disturbs nothing else.
async fn scratch_partner<S: rmcp::Service<RoleClient>>(
    client: &RunningService<RoleClient, S>,
    name: &str,
) -> i64 {
    let created = call_with(
        client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": name}}),
    )
    .await;
    ok(&created)["id"].as_i64().expect("id")
}

#[tokio::test]
async fn confirmed_delete_goes_ahead() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_CONFIRM", "ask")]);
    let confirmer = Confirmer::new(ElicitationAction::Accept);
    let client = spawn(confirmer.clone(), &env, ClientLifecycleMode::Initialize).await;
    let id = scratch_partner(&client, "Delete me").await;
    assert!(confirmer.asked().is_empty(), "creates are not confirmed");
    double.clear_requests();

    let out = ok(&call_with(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert_eq!(out["deleted"], true);
    let asked = confirmer.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0].contains("res.partner") && asked[0].contains(&id.to_string()),
        "{asked:?}"
    );
    let writes = writes(&double);
    assert_eq!(writes.len(), 1, "{writes:?}");
    assert_eq!(writes[0].1, "res.partner");
    assert_eq!(writes[0].2, "unlink");
    assert!(
        double
            .records("res.partner")
            .iter()
            .all(|p| p["id"].as_i64() != Some(id))
    );

    // Dry runs and reads are never asked.
    ok(&call_with(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": 3, "dry_run": true}),
    )
    .await);
    ok(&call_with(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": 3}),
    )
    .await);
    assert_eq!(confirmer.asked().len(), 1);
    client.cancel().await.ok();
}

#[tokio::test]
async fn declined_delete_and_update_change_nothing() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_CONFIRM", "ask")]);
    let confirmer = Confirmer::new(ElicitationAction::Decline);
    let client = spawn(confirmer.clone(), &env, ClientLifecycleMode::Initialize).await;
    let id = scratch_partner(&client, "Keep me").await;
    double.clear_requests();

    let message = err(&call_with(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert!(
        message.contains("declined") && message.contains("nothing was changed"),
        "{message}"
    );
    let message = err(&call_with(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [3, id], "values": {"city": "Gent"}}),
    )
    .await);
    assert!(message.contains("nothing was changed"), "{message}");
    let message = err(&call_with(
        &client,
        "update_record",
        json!({"model": "res.partner", "record_id": id, "values": {"city": "Brugge"}}),
    )
    .await);
    assert!(message.contains("nothing was changed"), "{message}");
    let asked = confirmer.asked();
    assert_eq!(asked.len(), 3, "{asked:?}");
    assert!(
        asked[1].contains("Gent") && asked[1].contains(&format!("3, {id}")),
        "{asked:?}"
    );
    assert!(
        asked[2].contains("Brugge") && asked[2].contains(&format!("record {id}")),
        "{asked:?}"
    );
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    assert!(
        double
            .records("res.partner")
            .iter()
            .any(|p| p["id"].as_i64() == Some(id))
    );
    // A call the checks refuse is not asked about: its own error comes back.
    let message = err(&call_with(
        &client,
        "delete_record",
        json!({"model": "ir.model", "record_id": 2}),
    )
    .await);
    assert!(message.contains("not enabled"), "{message}");
    assert_eq!(confirmer.asked().len(), 3);
    client.cancel().await.ok();
}

#[tokio::test]
async fn per_record_update_question_shows_each_records_values() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_CONFIRM", "ask")]);
    let confirmer = Confirmer::new(ElicitationAction::Decline);
    let client = spawn(confirmer.clone(), &env, ClientLifecycleMode::Initialize).await;
    double.clear_requests();
    let message = err(&call_with(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 3, "values": {"city": "Gent"}},
            {"id": 7, "values": {"city": "Brugge", "type": "delivery"}}
        ]}),
    )
    .await);
    assert!(message.contains("nothing was changed"), "{message}");
    let asked = confirmer.asked();
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(
        asked[0].contains("res.partner")
            && asked[0].contains(r#"- 3: {"city":"Gent"}"#)
            && asked[0].contains(r#"- 7: {"city":"Brugge","type":"delivery"}"#),
        "{asked:?}"
    );
    // Both forms at once is refused by the checks: not asked about.
    let message = err(&call_with(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [3], "values": {"city": "X"},
               "updates": [{"id": 7, "values": {"city": "X"}}]}),
    )
    .await);
    assert!(message.contains("not both"), "{message}");
    assert_eq!(confirmer.asked().len(), 1);
    assert!(
        double
            .requests()
            .iter()
            .all(|(_, _, m)| m != "write" && m != "web_save_multi"),
        "{:?}",
        double.requests()
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn confirmation_over_2026_07_28_input_requests() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_CONFIRM", "require")]);

    let decliner = Confirmer::new(ElicitationAction::Decline);
    let client = spawn(decliner.clone(), &env, discover()).await;
    let id = scratch_partner(&client, "Asked twice").await;
    double.clear_requests();
    let message = err(&call_with(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert!(message.contains("nothing was changed"), "{message}");
    assert_eq!(decliner.asked().len(), 1);
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    client.cancel().await.ok();

    let accepter = Confirmer::new(ElicitationAction::Accept);
    let client = spawn(accepter.clone(), &env, discover()).await;
    let out = ok(&call_with(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert_eq!(out["deleted"], true);
    assert_eq!(accepter.asked().len(), 1);
    assert_eq!(writes(&double).len(), 1, "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn require_refuses_clients_without_elicitation() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_MCP_CONFIRM", "require")])).await;
    double.clear_requests();
    let message = err(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": 3}),
    )
    .await);
    assert!(
        message.contains("ODOO_MCP_CONFIRM")
            && message.contains("elicitation")
            && message.contains("nothing was changed"),
        "{message}"
    );
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    // Writes that are not destructive go ahead.
    ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Fine"}}),
    )
    .await);
    client.cancel().await.ok();

    // `ask` lets such a client through, as without confirmation.
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_MCP_CONFIRM", "ask")])).await;
    let id = scratch_partner(&client, "Unasked").await;
    let out = ok(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert_eq!(out["deleted"], true);
    client.cancel().await.ok();
}

#[tokio::test]
async fn typed_deletes_and_method_calls_are_asked_too() {
    let double = OdooDouble::start().await;
    let env = server_env(
        &double,
        &[
            ("ODOO_MCP_CONFIRM", "ask"),
            ("ODOO_MCP_TYPED_TOOLS", "all"),
            ("ODOO_YOLO", "true"),
            ("ODOO_MCP_ENABLE_METHOD_CALLS", "true"),
        ],
    );
    let confirmer = Confirmer::new(ElicitationAction::Cancel);
    let client = spawn(confirmer.clone(), &env, ClientLifecycleMode::Initialize).await;
    double.clear_requests();

    let message = err(&call_with(&client, "res_partner_delete", json!({"record_id": 3})).await);
    assert!(
        message.contains("cancelled") && message.contains("nothing was changed"),
        "{message}"
    );
    let message = err(&call_with(
        &client,
        "call_model_method",
        json!({"model": "res.partner", "method": "has_access", "kwargs": {"operation": "write"}}),
    )
    .await);
    assert!(message.contains("nothing was changed"), "{message}");
    let asked = confirmer.asked();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[0].contains("res.partner record 3"), "{asked:?}");
    assert!(
        asked[1].contains("res.partner.has_access") && asked[1].contains("operation"),
        "{asked:?}"
    );
    // Nothing reached Odoo.
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn an_answer_counts_only_for_the_call_it_was_asked_for() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_CONFIRM", "ask")]);
    let client = spawn(Confirmer::new(ElicitationAction::Accept), &env, discover()).await;
    double.clear_requests();
    let delete = |id: i64| {
        CallToolRequestParams::new("delete_record")
            .with_arguments(args(json!({"model": "res.partner", "record_id": id})))
    };
    let asked = match client.call_tool_once(delete(3)).await.expect("tools/call") {
        CallToolResponse::InputRequired(asked) => asked,
        other => panic!("expected an input request, got {other:?}"),
    };
    let question = serde_json::to_value(asked.input_requests.as_ref().expect("requests"))
        .expect("JSON")
        .to_string();
    assert!(question.contains("elicitation/create"), "{question}");
    // The accepted answer, replayed on other arguments: refused.
    let mut other = delete(7);
    other.input_responses = Some([("confirm".to_string(), json!({"action": "accept"}))].into());
    other.request_state = asked.request_state.clone();
    let result = match client.call_tool_once(other).await.expect("tools/call") {
        CallToolResponse::Complete(result) => result,
        other => panic!("expected a result, got {other:?}"),
    };
    let message = err(&result);
    assert!(
        message.contains("does not belong") && message.contains("nothing was changed"),
        "{message}"
    );
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn confirmation_over_http_sessions() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[("ODOO_MCP_CONFIRM", "require")])).await;
    let confirmer = Confirmer::new(ElicitationAction::Decline);
    let transport = StreamableHttpClientTransport::from_uri(server.url.clone());
    let client = confirmer
        .clone()
        .serve_with_lifecycle(transport, ClientLifecycleMode::Initialize)
        .await
        .expect("initialize over HTTP");
    let id = scratch_partner(&client, "Over HTTP").await;
    double.clear_requests();
    let message = err(&call_with(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": id}),
    )
    .await);
    assert!(message.contains("declined"), "{message}");
    assert_eq!(confirmer.asked().len(), 1);
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    // Resources over HTTP too.
    let record = read(&client, &format!("odoo://res.partner/record/{id}"))
        .await
        .expect("record");
    assert_eq!(record["record"]["display_name"], "Over HTTP");
    client.cancel().await.ok();
}

/// run_wizard asks for the wizard's required values the call lacks in the
/// confirmation's form, and the answers make the wizard.
#[tokio::test]
async fn missing_wizard_values_are_asked_with_the_confirmation() {
    let double = OdooDouble::start().await;
    let env = server_env(
        &double,
        &[("ODOO_MCP_CONFIRM", "ask"), ("ODOO_YOLO", "true")],
    );
    let lookup = json!({"model": "res.partner", "wizard": "privacy.lookup.wizard",
                        "button": "action_lookup"});

    // Declined: nothing is made.
    let decliner = Confirmer::new(ElicitationAction::Decline);
    let client = spawn(decliner.clone(), &env, ClientLifecycleMode::Initialize).await;
    let message = err(&call_with(&client, "run_wizard", lookup.clone()).await);
    assert!(message.contains("declined"), "{message}");
    assert!(double.records("privacy.lookup.wizard").is_empty());
    let asked = decliner.asked();
    assert!(
        asked[0].contains("Email (email)") && asked[0].contains("Name (name)"),
        "{asked:?}"
    );
    let form = &decliner.forms()[0];
    assert_eq!(form["properties"]["email"]["type"], "string", "{form}");
    let mut required: Vec<&str> = form["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    required.sort();
    assert_eq!(required, ["email", "name"], "{form}");
    client.cancel().await.ok();

    // Filled in: the values make the wizard; a value the call gave is not asked.
    let filler = Confirmer::filling(json!({"name": "Deco Addict", "email": "deco@example.com"}));
    let client = spawn(filler.clone(), &env, ClientLifecycleMode::Initialize).await;
    let out = ok(&call_with(&client, "run_wizard", lookup.clone()).await);
    assert_eq!(out["next"]["kind"], "records", "{out}");
    assert_eq!(out["next"]["model"], "privacy.lookup.wizard.line", "{out}");
    let made = double.records("privacy.lookup.wizard");
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["email"], "deco@example.com");
    assert_eq!(made[0]["name"], "Deco Addict");
    let mut given = lookup.clone();
    given["values"] = json!({"email": "given@example.com"});
    ok(&call_with(&client, "run_wizard", given).await);
    let form = &filler.forms()[1];
    assert_eq!(form["required"], json!(["name"]), "{form}");
    let made = double.records("privacy.lookup.wizard");
    assert_eq!(made[1]["email"], "given@example.com", "{made:?}");
    client.cancel().await.ok();
}

/// A 2026-07-28 client answers the same form through `inputResponses`.
#[tokio::test]
async fn missing_wizard_values_through_input_responses() {
    let double = OdooDouble::start().await;
    let env = server_env(
        &double,
        &[("ODOO_MCP_CONFIRM", "ask"), ("ODOO_YOLO", "true")],
    );
    let client = spawn(Confirmer::new(ElicitationAction::Accept), &env, discover()).await;
    let lookup = || {
        CallToolRequestParams::new("run_wizard").with_arguments(args(json!({
            "model": "res.partner", "wizard": "privacy.lookup.wizard", "button": "action_lookup"
        })))
    };
    let asked = match client.call_tool_once(lookup()).await.expect("tools/call") {
        CallToolResponse::InputRequired(asked) => asked,
        other => panic!("expected an input request, got {other:?}"),
    };
    let question = serde_json::to_value(asked.input_requests.as_ref().expect("requests"))
        .expect("JSON")
        .to_string();
    assert!(
        question.contains("requestedSchema") && question.contains("email"),
        "{question}"
    );
    let mut answered = lookup();
    answered.input_responses = Some(
        [(
            "confirm".to_string(),
            json!({"action": "accept", "content": {"name": "Azure", "email": "azure@example.com"}}),
        )]
        .into(),
    );
    answered.request_state = asked.request_state.clone();
    let result = match client.call_tool_once(answered).await.expect("tools/call") {
        CallToolResponse::Complete(result) => result,
        other => panic!("expected a result, got {other:?}"),
    };
    ok(&result);
    let made = double.records("privacy.lookup.wizard");
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(made[0]["name"], "Azure");
    client.cancel().await.ok();
}

/// The MCP Apps views: listed as apps, read as self-contained pages (no
/// external origin), with the server's access mode filled in; the tools that
/// answer with them link them in `_meta.ui`.
#[tokio::test]
async fn app_views_are_self_contained_pages_the_tools_link() {
    let double = OdooDouble::start().await;
    for (yolo, access) in [("read", "read"), ("false", "standard"), ("true", "full")] {
        let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", yolo)])).await;
        // The server declares the extension, as its negotiation asks.
        let info = client.peer_info().expect("server info");
        let ui = &info.capabilities.extensions.as_ref().expect("extensions")["io.modelcontextprotocol/ui"];
        assert_eq!(ui["mimeTypes"], json!(["text/html;profile=mcp-app"]));
        let resources = client.list_all_resources().await.expect("resources/list");
        for view in ["wizard", "chart", "record"] {
            let uri = format!("ui://odoo/{view}");
            let listed = resources.iter().find(|r| r.uri == uri).expect("listed");
            assert_eq!(
                listed.mime_type.as_deref(),
                Some("text/html;profile=mcp-app")
            );
            let result = client
                .read_resource(ReadResourceRequestParams::new(uri.clone()))
                .await
                .expect("resources/read");
            let ResourceContents::TextResourceContents {
                mime_type, text, ..
            } = &result.contents[0]
            else {
                panic!("text contents");
            };
            assert_eq!(mime_type.as_deref(), Some("text/html;profile=mcp-app"));
            assert!(
                text.contains(&format!("data-access=\"{access}\"")),
                "{view}"
            );
            for external in [
                "src=\"http",
                "src=\"//",
                "href=\"http",
                "url(",
                "@import",
                "fetch(",
            ] {
                assert!(!text.contains(external), "{view} names an external origin");
            }
        }
        let tools = client.list_all_tools().await.expect("tools/list");
        for (name, view) in [
            ("run_wizard", "wizard"),
            ("press_button", "wizard"),
            ("aggregate_records", "chart"),
            ("get_record", "record"),
        ] {
            if let Some(tool) = tools.iter().find(|t| t.name == name) {
                let meta = serde_json::to_value(&tool.meta).expect("meta");
                assert_eq!(
                    meta["ui"]["resourceUri"],
                    format!("ui://odoo/{view}"),
                    "{name}"
                );
            }
        }
        let search = tool(&tools, "search_records");
        assert!(search.meta.is_none());
    }
}
