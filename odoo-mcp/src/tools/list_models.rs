//! `list_models`: the models this server reaches, with their labels.

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::notes_if_any;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use crate::settings::Access;

pub struct ListModels;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Keep models whose name or label contains this text
    pub query: Option<String>,
    /// Forget cached model and field metadata first
    pub refresh: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub count: usize,
    pub models: Vec<ModelEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct ModelEntry {
    pub model: String,
    pub name: String,
}

impl ToolSpec for ListModels {
    const NAME: &'static str = "list_models";
    const TITLE: &'static str = "List models";
    const DESCRIPTION: &'static str =
        "List the Odoo models this server can reach, with their labels.";
    const EFFECT: Effect = Effect::Read;
    const ON_MODEL: bool = false;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, _call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        if args.refresh == Some(true) {
            odoo.forget_metadata();
        }
        let list = odoo.model_list().await?;
        let query = args
            .query
            .map(|q| q.to_lowercase())
            .filter(|q| !q.is_empty());
        let models: Vec<ModelEntry> = list
            .iter()
            .filter(|(model, name)| {
                query.as_ref().is_none_or(|q| {
                    model.contains(q.as_str()) || name.to_lowercase().contains(q.as_str())
                })
            })
            .map(|(model, name)| ModelEntry {
                model: model.clone(),
                name: name.clone(),
            })
            .collect();
        let settings = odoo.settings();
        let mut notes = Vec::new();
        match settings.access {
            Access::Standard => notes.push(
                "only generated models and ODOO_MCP_MODELS are reachable (ODOO_YOLO=false)"
                    .to_string(),
            ),
            Access::ReadOnly => {
                notes.push("read-only: every model, no writes (ODOO_YOLO=read)".into())
            }
            Access::Full => {}
        }
        if settings.access == Access::Standard {
            let listed: BTreeSet<&str> = list.iter().map(|(m, _)| m.as_str()).collect();
            let missing: Vec<&str> = settings
                .allowlist
                .iter()
                .map(String::as_str)
                .filter(|m| !listed.contains(m))
                .collect();
            if !missing.is_empty() {
                notes.push(format!(
                    "not found in Odoo (check ODOO_MCP_MODELS): {}",
                    missing.join(", ")
                ));
            }
        }
        Ok(Output {
            count: models.len(),
            models,
            notes: notes_if_any(notes),
        })
    }
}
