//! `press_button`: presses a button a person sees on a model's records (confirm
//! an order, validate a delivery, post an invoice, bill a purchase): an object
//! button of its form or lists, or a server action of its Action menu (by xml
//! id), and only on records where Odoo shows it. Known buttons, so no
//! `ODOO_MCP_ENABLE_METHOD_CALLS`; a write, so refused under `ODOO_YOLO=read`.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::create_records::MAX_BATCH;
use super::shared::unique_ids;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use crate::odoo::wizards::Next;

pub struct PressButton;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The records to press it on
    #[schemars(length(min = 1, max = MAX_BATCH), inner(range(min = 1)))]
    pub record_ids: Vec<RecordId>,
    /// The button's method (e.g. action_confirm) or Action menu xml id; an unknown one is refused naming them
    pub button: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub button: String,
    /// The button's text in Odoo.
    pub label: String,
    /// What the method returned.
    pub result: Value,
    /// Where that leads when it is an action (`kind`): a `wizard` to finish
    /// with run_wizard (as run_wizard describes one), a `record`, `records`.
    /// Listed as an object: the full shape is run_wizard's to list.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Map<String, Value>>")]
    pub next: Option<Next>,
}

impl ToolSpec for PressButton {
    const NAME: &'static str = "press_button";
    const TITLE: &'static str = "Press a button of a form";
    const DESCRIPTION: &'static str = "Press a button (form, lists or Action menu) on record_ids, e.g. sale.order action_confirm; refused where Odoo hides it. A wizard it opens is next, for run_wizard.";
    const EFFECT: Effect = Effect::Run;
    type Args = Args;
    type Output = Output;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        args.record_ids.clone()
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let form = odoo.buttons(target.name).await?;
        let Some(button) = form.button(&args.button).cloned() else {
            return Err(ToolError::Invalid {
                argument: "button",
                message: form.unknown_button(target.name, &args.button),
            });
        };
        let ids = unique_ids(&args.record_ids);
        let client = call.client();
        let hidden = odoo.hiding(client, target, &button, &ids).await?;
        if !hidden.is_empty() {
            let records: Vec<String> = hidden
                .iter()
                .map(|(id, values)| format!("{id} ({values})"))
                .collect();
            return Err(ToolError::Refused(format!(
                "Odoo hides {} ({}) on {} record {} when {}, so it was not pressed and nothing changed",
                button.label,
                button.method,
                target.name,
                records.join(", "),
                button.hidden_when.as_deref().unwrap_or_default()
            )));
        }
        let ran = match button.server_action {
            Some(action) => {
                odoo.run_server_action(client, target.name, action, &ids)
                    .await
            }
            None => {
                odoo.run_method(client, target.name, &button.method, &ids, Map::new())
                    .await
            }
        };
        let (result, next) = ran.map_err(ToolError::from_write)?;
        Ok(Output {
            model: target.name.to_string(),
            button: button.method,
            label: button.label,
            result,
            next,
        })
    }

    fn question(_odoo: &Odoo, model: &str, args: &Args) -> Option<String> {
        let ids: Vec<String> = args.record_ids.iter().map(ToString::to_string).collect();
        Some(format!(
            "Press {} on {model} records {}? It may change data.",
            args.button,
            ids.join(", ")
        ))
    }
}
