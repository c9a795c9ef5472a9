//! Confirmation of destructive calls through MCP elicitation (`ODOO_MCP_CONFIRM`):
//! deletes and updates (generic and typed), update_records (showing each record's
//! values when they differ) and call_model_method ask the user first: each
//! overwrites or removes what is there. Sessions of 2025-11-25 and older get an
//! `elicitation/create` request; 2026-07-28 clients get an input-required result
//! and call again with the answer. Dry runs and calls the checks will refuse
//! anyway are never asked.

use odoo_client::RecordId;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, ElicitRequest,
    ElicitRequestParams, ElicitResult, ElicitationAction, ElicitationSchema, InputRequest,
    InputRequiredResult, ProtocolVersion,
};
use rmcp::service::RequestContext;
use rmcp::{RoleServer, model::JsonObject};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::OdooMcp;
use crate::arguments;
use crate::settings::{Confirm, TransportKind};

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
    pub(super) async fn confirm(
        &self,
        request: &CallToolRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Option<CallToolResponse> {
        let mode = self.inner.settings.confirm;
        if mode == Confirm::Off {
            return None;
        }
        let args = request.arguments.clone().unwrap_or_default();
        let question = self.question(&request.name, &args)?;
        let tool = &request.name;
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
        let params = ElicitRequestParams::FormElicitationParams {
            meta: None,
            message: question,
            requested_schema: ElicitationSchema::new(Default::default()),
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
            Ok(answer) if answer.action == ElicitationAction::Accept => None,
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
