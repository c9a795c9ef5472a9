//! Confirmation of destructive calls through MCP elicitation (`ODOO_MCP_CONFIRM`):
//! deletes and updates (generic and typed), update_records (showing each record's
//! values when they differ) and call_model_method ask the user first: each
//! overwrites or removes what is there. Sessions of 2025-11-25 and older get an
//! `elicitation/create` request; 2026-07-28 clients get an input-required result
//! and call again with the answer. Dry runs and calls the checks will refuse
//! anyway are never asked. run_wizard's question also asks for the required
//! wizard values the call lacks; the user's answers join its `values`.

use odoo_client::registry::FieldType;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, ElicitRequest, ElicitRequestParams, ElicitResult,
    ElicitationAction, ElicitationSchema, InputRequest, InputRequiredResult, JsonObject,
    ProtocolVersion,
};
use rmcp::service::RequestContext;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::OdooMcp;
use super::front::Ready;
use crate::odoo::wizards::WizardField;
use crate::settings::{Confirm, TransportKind};

/// Why a call stops at the confirmation.
pub(super) enum Stop {
    /// The question, for a 2026-07-28 client to answer in its next call.
    Ask(CallToolResponse),
    /// Nothing is changed: declined, or no way to ask.
    Refused(String),
}

/// The key of the one input request, in `inputRequests` and `inputResponses`.
const KEY: &str = "confirm";

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
    /// `Ok`: go on with the call. `Err`: answer this instead (the question for
    /// a 2026-07-28 client, or a refusal saying nothing was changed). Values
    /// the user gives join the call's arguments.
    pub(super) async fn confirm(
        &self,
        ready: &mut Ready<'_>,
        request: &CallToolRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), Stop> {
        let settings = self.settings();
        let mode = settings.confirm;
        if mode == Confirm::Off {
            return Ok(());
        }
        let Some(mut question) = ready
            .args
            .question(self.odoo(), ready.model().unwrap_or_default())
        else {
            return Ok(());
        };
        let tool = &request.name;
        let modern = context
            .protocol_version()
            .is_some_and(|v| v >= ProtocolVersion::V_2026_07_28);
        let declared = context
            .client_capabilities()
            .is_some_and(|c| c.elicitation.is_some());
        // Without sessions the server cannot send a request to a legacy client.
        let stateless =
            settings.transport == TransportKind::StreamableHttp && settings.http.stateless;
        if !declared || (!modern && stateless) {
            return match mode {
                Confirm::Require => Err(Stop::Refused(format!(
                    "{tool} needs the user's confirmation on this server (ODOO_MCP_CONFIRM=require), and this client does not support MCP elicitation, so nothing was changed. Use a client that supports elicitation, or have the server run with ODOO_MCP_CONFIRM=ask or off"
                ))),
                _ => Ok(()),
            };
        }
        // What a form of plain values can ask, each with its form property.
        let wanted: Vec<(WizardField, Value)> = ready
            .args
            .wanted(self.odoo(), &ready.call())
            .await
            .into_iter()
            .filter_map(|field| form_type(&field).map(|property| (field, property)))
            .collect();
        let requested_schema = values_form(&wanted, &mut question);
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: question,
            requested_schema,
        };
        let answer = if modern {
            let args = request.arguments.clone().unwrap_or_default();
            let digest = call_digest(tool, &args);
            let Some(response) = request.input_responses.as_ref().and_then(|r| r.get(KEY)) else {
                let requests = [(
                    KEY.to_string(),
                    InputRequest::Elicitation(ElicitRequest::new(params)),
                )];
                let ask = InputRequiredResult::new(Some(requests.into()), Some(digest));
                return Err(Stop::Ask(ask.into()));
            };
            if request.request_state.as_deref() != Some(digest.as_str()) {
                return Err(Stop::Refused(format!(
                    "the confirmation sent does not belong to this {tool} call (its arguments changed), so nothing was changed; call {tool} again to be asked afresh"
                )));
            }
            serde_json::from_value::<ElicitResult>(response.clone()).map_err(|e| e.to_string())
        } else {
            context
                .peer
                .create_elicitation(params)
                .await
                .map_err(|e| e.to_string())
        };
        settle(ready, answer, &wanted, tool).map_err(Stop::Refused)
    }
}

/// Goes on when the user accepted (the values asked join the call); `Err`
/// says why nothing was changed.
fn settle(
    ready: &mut Ready<'_>,
    answer: Result<ElicitResult, String>,
    wanted: &[(WizardField, Value)],
    tool: &str,
) -> Result<(), String> {
    match answer {
        Ok(answer) if answer.action == ElicitationAction::Accept => {
            if let Some(Value::Object(given)) = answer.content {
                // Only what was asked: the answer cannot change other values.
                let asked = given
                    .into_iter()
                    .filter(|(name, _)| wanted.iter().any(|(f, _)| &f.name == name))
                    .collect::<JsonObject>();
                if !asked.is_empty() {
                    ready.args.answer(asked);
                }
            }
            Ok(())
        }
        Ok(answer) => {
            let what = match answer.action {
                ElicitationAction::Decline => "declined",
                _ => "cancelled",
            };
            Err(format!(
                "the user {what} the confirmation of {tool}, so nothing was changed"
            ))
        }
        Err(error) => {
            tracing::debug!(tool = %tool, %error, "confirmation failed");
            Err(format!(
                "{tool} needs the user's confirmation (ODOO_MCP_CONFIRM), which could not be obtained ({error}), so nothing was changed"
            ))
        }
    }
}

/// The elicitation property of a wizard field; `None` for what a form of
/// plain values cannot hold (lists of records, files) and for secrets, which
/// MCP forbids asking through a form (the call says they are missing).
fn form_type(field: &WizardField) -> Option<Value> {
    if odoo_client::registry::is_credential(&field.name) {
        return None;
    }
    let mut property = match field.kind {
        FieldType::Char | FieldType::Text | FieldType::Html => json!({"type": "string"}),
        FieldType::Date => json!({"type": "string", "format": "date"}),
        FieldType::Datetime => json!({"type": "string", "format": "date-time"}),
        FieldType::Integer => json!({"type": "integer"}),
        FieldType::Many2one => json!({"type": "integer", "minimum": 1}),
        FieldType::Float | FieldType::Monetary => json!({"type": "number"}),
        FieldType::Boolean => json!({"type": "boolean"}),
        FieldType::Selection => {
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
fn values_form(wanted: &[(WizardField, Value)], question: &mut String) -> ElicitationSchema {
    if wanted.is_empty() {
        return ElicitationSchema::new(Default::default());
    }
    let properties: serde_json::Map<String, Value> = wanted
        .iter()
        .map(|(f, property)| (f.name.clone(), property.clone()))
        .collect();
    let names: Vec<String> = wanted
        .iter()
        .map(|(f, _)| format!("{} ({})", f.label, f.name))
        .collect();
    question.push_str(&format!(
        " It needs a value for {}, which the call does not give.",
        names.join(", ")
    ));
    let schema = json!({"type": "object", "properties": properties,
                        "required": wanted.iter().map(|(f, _)| &f.name).collect::<Vec<_>>()});
    serde_json::from_value(schema).unwrap_or_else(|error| {
        tracing::debug!(%error, "wizard values form not built");
        ElicitationSchema::new(Default::default())
    })
}
