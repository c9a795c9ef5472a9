//! MCP Apps on a real Odoo 19 (issue 26): a lead marked lost through the
//! wizard form view in a headless Chromium: the view shows crm.lead.lost's
//! fields, its reason picker searches through search_by_name, and its button
//! runs run_wizard through the host, which loses the lead with that reason.
//! Needs a browser, not the double's data: left out of the recordings.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Check, Run, Session, clip};
use crate::apps::{self, Backend, BoxFuture, Shown};

/// The live server as the host page reaches it.
struct Live(Arc<Session>);

impl Backend for Live {
    fn view(&self, name: String) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async move { self.0.read_text(&format!("ui://odoo/{name}")).await })
    }

    fn call(&self, params: Value) -> BoxFuture<'_, Result<Value, String>> {
        Box::pin(async move { self.0.call_raw(params).await })
    }
}

const STEP: &str = "apps: a lead lost through the wizard view";

impl Run<'_> {
    pub(super) async fn apps(&mut self) {
        if self.major < 19 {
            return;
        }
        self.real_odoo_only = true;
        let env = self.server_env(&[("ODOO_YOLO", "true")]);
        match Session::stdio(&self.target.mcp_bin, &env).await {
            Ok(session) => {
                let session = Arc::new(session);
                let check = self.lost_through_the_view(&session).await;
                self.step(STEP, check);
                if let Ok(session) = Arc::try_unwrap(session) {
                    session.close().await;
                }
            }
            Err(e) => self.step(STEP, Err(format!("start odoo-mcp: {e}"))),
        }
        self.real_odoo_only = false;
    }

    async fn lost_through_the_view(&mut self, s: &Arc<Session>) -> Check {
        let reason_name = format!("{} view reason", self.prefix);
        let reason = s
            .call(
                "create_record",
                json!({"model": "crm.lost.reason", "values": {"name": reason_name}}),
            )
            .await;
        let lead = s
            .call(
                "create_record",
                json!({"model": "crm.lead", "values": {"name": format!("{} view lead", self.prefix), "type": "opportunity"}}),
            )
            .await;
        let (Some(reason), Some(lead)) = (Self::id_of(&reason), Self::id_of(&lead)) else {
            return Err(format!("setup: {}", clip(&lead.text)));
        };
        self.created.push(("crm.lost.reason".into(), reason));
        self.created.push(("crm.lead".into(), lead));
        let input = json!({"model": "crm.lead", "record_ids": [lead], "wizard": "crm.lead.lost"});
        let result = s
            .call_raw(json!({"name": "run_wizard", "arguments": input}))
            .await?;
        let scenario = json!({"input": input, "result": result});
        let backend: Arc<dyn Backend> = Arc::new(Live(s.clone()));
        let Some(shown) = apps::show(backend, "wizard", scenario).await? else {
            return Err(crate::chromium::MISSING.into());
        };
        let check = drive(&shown, &reason_name, reason).await;
        shown.close().await;
        check?;
        let read = self
            .direct_read("crm.lead", lead, &["active", "lost_reason_id"])
            .await?;
        if read["active"] == json!(false) && read["lost_reason_id"].get(0) == Some(&json!(reason)) {
            Ok(format!(
                "the view picked reason {reason} through search_by_name; run_wizard lost crm.lead {lead}"
            ))
        } else {
            Err(format!("crm.lead {lead} after the view: {read:?}"))
        }
    }
}

/// Picks the reason in the view's picker and presses Mark as Lost.
async fn drive(shown: &Shown, reason_name: &str, reason: i64) -> Result<(), String> {
    let picker = "document.querySelector('#f_lost_reason_id')";
    shown.until_view(picker).await?;
    let typed = serde_json::to_string(reason_name).map_err(|e| e.to_string())?;
    shown
        .try_view(&format!(
            "{picker}.value = {typed}; {picker}.dispatchEvent(new Event('input', {{bubbles: true}}))"
        ))
        .await?;
    shown
        .until_view(&format!(
            "[...document.querySelector('#l_lost_reason_id').options].some(o => o.dataset.id === '{reason}')"
        ))
        .await?;
    // Picking the suggestion: the text becomes the option's, as a browser does.
    shown
        .try_view(&format!(
            "(() => {{ const o = [...document.querySelector('#l_lost_reason_id').options].find(o => o.dataset.id === '{reason}'); {picker}.value = o.value; {picker}.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"
        ))
        .await?;
    let button = "document.querySelector('button[data-method=action_lost_reason_apply]')";
    shown.until_view(button).await?;
    shown.try_view(&format!("{button}.click()")).await?;
    shown
        .until_host("window.host.calls.some(c => c.name === 'run_wizard')")
        .await?;
    let run = shown.calls("run_wizard").await;
    let values = &run[0]["arguments"]["values"];
    if values["lost_reason_id"] != json!(reason) {
        return Err(format!("run_wizard got {}", run[0]));
    }
    shown
        .until_view("document.querySelector('#status').textContent.startsWith('Done')")
        .await
        .map(|_| ())
}
