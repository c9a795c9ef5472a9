//! Confirmation of destructive calls through MCP elicitation (`ODOO_MCP_CONFIRM`):
//! deletes and updates (generic and typed), update_records (showing each record's
//! values when they differ) and call_model_method ask the user first: each
//! overwrites or removes what is there. Sessions of 2025-11-25 and older get an
//! `elicitation/create` request; 2026-07-28 clients get an input-required result
//! and call again with the answer. Dry runs and calls the checks will refuse
//! anyway are never asked. run_wizard's question also asks for the required
//! wizard values the call lacks; the user's answers join its `values`.

use odoo_client::RecordId;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequest,
    ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema, InputRequest,
    InputRequiredResult, ProtocolVersion,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, model::JsonObject};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::OdooMcp;
use super::wizards::WizardField;
use crate::arguments;
use crate::settings::{Confirm, TransportKind};
use crate::tools::run_wizard::{self, RunWizard, wizard_run};
use crate::tools::shared::{CompanyId, ModelName};
use crate::tools::{ToolSpec, decode};

/// The key of the one input request, in `inputRequests` and `inputResponses`.
const KEY: &str = "confirm";
/// Longest rendering of values or keyword arguments in the question.
const MAX_SHOWN: usize = 600;
/// Longest list of per-record values in the question; the ids of the records
/// past it are still named.
const MAX_LISTED: usize = 4_000;

fn refusal(message: String) -> Option<CallToolResponse> {
    Some(CallToolResult::error(vec![ContentBlock::text(message)]).into())
}

/// A value as the question shows it, cut at `MAX_SHOWN` characters.
pub(crate) fn shown(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(MAX_SHOWN) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// update_records' `updates`, one line per record: `- 3: {"city":"Gent"}`.
pub(crate) fn per_record<'a>(updates: impl Iterator<Item = (RecordId, &'a JsonObject)>) -> String {
    let mut text = String::new();
    let mut rest = Vec::new();
    for (id, values) in updates {
        let line = format!("\n- {id}: {}", shown(&Value::Object(values.clone())));
        if rest.is_empty() && text.len() + line.len() <= MAX_LISTED {
            text.push_str(&line);
        } else {
            rest.push(id.to_string());
        }
    }
    if !rest.is_empty() {
        text.push_str(&format!(
            "\n- and {} more records, values not shown: {}",
            rest.len(),
            rest.join(", ")
        ));
    }
    text
}

/// Binds an answer to the exact call it was asked for (the client echoes it back;
/// the arguments of the retry must be the ones the user saw).
fn call_digest(name: &str, args: &JsonObject) -> String {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([0]);
    hasher.update(Value::Object(args.clone()).to_string().as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl OdooMcp {
    /// `None`: go on with the call. `Some`: answer this instead (the question for
    /// a 2026-07-28 client, or a result saying nothing was changed).
    /// Values the user gives join the call's arguments.
    pub(super) async fn confirm(
        &self,
        request: &mut CallToolRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Option<CallToolResponse> {
        let mode = self.inner.settings.confirm;
        if mode == Confirm::Off {
            return None;
        }
        let args = request.arguments.clone().unwrap_or_default();
        let mut question = self.question(&request.name, &args)?;
        let tool = &request.name.clone();
        let modern = context
            .protocol_version()
            .is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let declared = context
            .client_capabilities()
            .is_some_and(|c| c.elicitation.is_some());
        // Without sessions the server cannot send a request to a legacy client.
        let stateless = self.inner.settings.transport == TransportKind::StreamableHttp
            && self.inner.settings.http.stateless;
        if !declared || (!modern && stateless) {
            return match mode {
                Confirm::Require => refusal(format!(
                    "{tool} needs the user's confirmation on this server (ODOO_MCP_CONFIRM=require), and this client does not support MCP elicitation, so nothing was changed. Use a client that supports elicitation, or have the server run with ODOO_MCP_CONFIRM=ask or off"
                )),
                _ => None,
            };
        }
        let wanted = self.wanted_values(tool, &args).await;
        let requested_schema = values_form(&wanted, &mut question);
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: question,
            requested_schema,
        };
        let answer = if modern {
            let digest = call_digest(tool, &args);
            let Some(response) = request.input_responses.as_ref().and_then(|r| r.get(KEY)) else {
                let requests = [(
                    KEY.to_string(),
                    InputRequest::Elicitation(ElicitRequest::new(params)),
                )];
                return Some(InputRequiredResult::new(Some(requests.into()), Some(digest)).into());
            };
            if request.request_state.as_deref() != Some(digest.as_str()) {
                return refusal(format!(
                    "the confirmation sent does not belong to this {tool} call (its arguments changed), so nothing was changed; call {tool} again to be asked afresh"
                ));
            }
            serde_json::from_value::<ElicitResult>(response.clone()).map_err(|e| e.to_string())
        } else {
            context
                .peer
                .create_elicitation(params)
                .await
                .map_err(|e| e.to_string())
        };
        match answer {
            Ok(answer) if answer.action == ElicitationAction::Accept => {
                if let (Some(Value::Object(given)), false) = (answer.content, wanted.is_empty()) {
                    let args = request.arguments.get_or_insert_with(Default::default);
                    let values = args
                        .entry("values")
                        .or_insert_with(|| Value::Object(Default::default()));
                    if let Value::Object(values) = values {
                        // Only what was asked: the answer cannot change other values.
                        values.extend(
                            given
                                .into_iter()
                                .filter(|(name, _)| wanted.iter().any(|f| &f.name == name)),
                        );
                    }
                }
                None
            }
            Ok(answer) => {
                let what = match answer.action {
                    ElicitationAction::Decline => "declined",
                    _ => "cancelled",
                };
                refusal(format!(
                    "the user {what} the confirmation of {tool}, so nothing was changed"
                ))
            }
            Err(error) => {
                tracing::debug!(tool = %tool, %error, "confirmation failed");
                refusal(format!(
                    "{tool} needs the user's confirmation (ODOO_MCP_CONFIRM), which could not be obtained ({error}), so nothing was changed"
                ))
            }
        }
    }

    /// run_wizard's required values that the call lacks (none for other
    /// tools, or when the wizard cannot be read: the call then says why).
    async fn wanted_values(&self, tool: &str, args: &JsonObject) -> Vec<WizardField> {
        if tool != RunWizard::NAME {
            return Vec::new();
        }
        let Ok(wizard) = decode::<run_wizard::Args>(args.clone()) else {
            return Vec::new();
        };
        let model = ModelName::of(args);
        let (Some(_), Ok(target)) = (&wizard.button, self.resolve_model(&model.0)) else {
            return Vec::new();
        };
        let run = wizard_run(&wizard, target.name);
        // In the call's company, whose defaults may fill what another's do not.
        let client = match CompanyId::of(args) {
            Some(company) => match self.company_client(company).await {
                Ok(client) => client,
                Err(_) => return Vec::new(),
            },
            None => self.inner.client.clone(),
        };
        match self.wizard_unset(&client, run).await {
            Ok(unset) => unset
                .into_iter()
                .filter(|f| form_type(f).is_some())
                .collect(),
            Err(error) => {
                tracing::debug!(%error, "wizard values not asked");
                Vec::new()
            }
        }
    }

    /// What the user is asked, for a destructive call that would otherwise go
    /// ahead; `None` for everything else (reads, dry runs, calls the checks
    /// refuse: they report their own error, with nothing to confirm).
    fn question(&self, name: &str, args: &JsonObject) -> Option<String> {
        let entry = self.catalog().get(name)?;
        if !entry.effect().asks_confirmation()
            || !self.inner.settings.access.allows_writes()
            || arguments::check(&entry.check_schema, &Value::Object(args.clone())).is_err()
        {
            return None;
        }
        let model = match entry.model {
            Some(descriptor) => descriptor.model,
            None => args.get("model").and_then(Value::as_str)?,
        };
        let model = self.resolve_model(model).ok()?.name;
        let args = entry.handler_args(args.clone());
        entry.handler.question(self, model, &args)
    }
}

/// The elicitation property of a wizard field; `None` for what a form of
/// plain values cannot hold (lists of records, files) and for secrets, which
/// MCP forbids asking through a form (the call says they are missing).
fn form_type(field: &WizardField) -> Option<Value> {
    if odoo_client::registry::is_credential(&field.name) {
        return None;
    }
    let mut property = match field.kind.as_str() {
        "char" | "text" | "html" => json!({"type": "string"}),
        "date" => json!({"type": "string", "format": "date"}),
        "datetime" => json!({"type": "string", "format": "date-time"}),
        "integer" => json!({"type": "integer"}),
        "many2one" => json!({"type": "integer", "minimum": 1}),
        "float" | "monetary" => json!({"type": "number"}),
        "boolean" => json!({"type": "boolean"}),
        "selection" => {
            let choices: Vec<Value> = field
                .selection
                .iter()
                .flatten()
                .map(|(value, label)| json!({"const": value, "title": label}))
                .collect();
            json!({"type": "string", "oneOf": choices})
        }
        _ => return None,
    };
    property["title"] = json!(field.label);
    if let Some(relation) = &field.relation {
        property["description"] = json!(format!("The id of a {relation} record"));
    }
    Some(property)
}

/// The form asking for `wanted` (empty: a plain confirmation), their names
/// added to the question.
fn values_form(wanted: &[WizardField], question: &mut String) -> ElicitationSchema {
    if wanted.is_empty() {
        return ElicitationSchema::new(Default::default());
    }
    let properties: serde_json::Map<String, Value> = wanted
        .iter()
        .filter_map(|f| Some((f.name.clone(), form_type(f)?)))
        .collect();
    let names: Vec<String> = wanted
        .iter()
        .map(|f| format!("{} ({})", f.label, f.name))
        .collect();
    question.push_str(&format!(
        " It needs a value for {}, which the call does not give.",
        names.join(", ")
    ));
    let schema = json!({"type": "object", "properties": properties,
                        "required": wanted.iter().map(|f| &f.name).collect::<Vec<_>>()});
    serde_json::from_value(schema).unwrap_or_else(|error| {
        tracing::debug!(%error, "wizard values form not built");
        ElicitationSchema::new(Default::default())
    })
}
