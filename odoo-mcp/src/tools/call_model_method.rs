//! `call_model_method`: a public business method (e.g. sale.order
//! action_confirm), listed and callable only with `ODOO_YOLO=true` and
//! `ODOO_MCP_ENABLE_METHOD_CALLS=true`; methods with a dedicated tool or
//! that run code with other rights are refused.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::create_records::MAX_BATCH;
use super::shared::unique_ids;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use super::shared::shown;
use crate::odoo::wizards::Next;
use crate::odoo::{Odoo, Target};
use crate::settings::{Access, Settings};

pub struct CallModelMethod;

/// Methods with a dedicated tool, or that bypass its checks: never through `call_model_method`.
const DEDICATED: [&str; 19] = [
    "create",
    "write",
    "unlink",
    "read",
    "search",
    "search_read",
    "search_count",
    "search_fetch",
    "read_group",
    "formatted_read_group",
    "fields_get",
    "copy",
    "copy_data",
    "name_search",
    "name_create",
    "default_get",
    "message_post",
    "load",
    "browse",
];

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Public method name, e.g. action_confirm
    pub method: String,
    /// Records the method runs on; omit for a model method
    #[schemars(length(max = MAX_BATCH), inner(range(min = 1)))]
    pub record_ids: Option<Vec<RecordId>>,
    /// Named arguments
    pub kwargs: Option<Map<String, Value>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub method: String,
    /// What the method returned.
    pub result: Value,
    /// Where that leads when it is an action: a wizard to finish with
    /// run_wizard (its fields, values and buttons), a record, records.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Next>,
}

/// Whether the server runs method calls: full access and the opt-in.
pub fn enabled(settings: &Settings) -> bool {
    settings.access == Access::Full && settings.enable_method_calls
}

impl ToolSpec for CallModelMethod {
    const NAME: &'static str = "call_model_method";
    const TITLE: &'static str = "Call a model method";
    const DESCRIPTION: &'static str = "Call a public business method, e.g. sale.order action_confirm on record_ids. No private, CRUD, ir.actions.*, ir.cron or web_* methods.";
    const EFFECT: Effect = Effect::Run;
    type Args = Args;
    type Output = Output;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        args.record_ids.clone().unwrap_or_default()
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let settings = odoo.settings();
        if !enabled(settings) {
            return Err(ToolError::Refused(format!(
                "{} is disabled on this server (ODOO_YOLO={}, ODOO_MCP_ENABLE_METHOD_CALLS={}); it needs ODOO_YOLO=true and ODOO_MCP_ENABLE_METHOD_CALLS=true. Use the dedicated tools instead",
                Self::NAME,
                settings.access,
                settings.enable_method_calls
            )));
        }
        let method = args.method.as_str();
        if let Some(reason) = refusal(target, method) {
            return Err(ToolError::Refused(format!(
                "{} refused {}.{method}: {reason}",
                Self::NAME,
                target.name
            )));
        }
        let record_ids = unique_ids(args.record_ids.as_deref().unwrap_or_default());
        let (result, next) = odoo
            .run_method(
                call.client(),
                target.name,
                method,
                &record_ids,
                args.kwargs.unwrap_or_default(),
            )
            .await?;
        Ok(Output {
            model: target.name.to_string(),
            method: args.method,
            result,
            next,
        })
    }

    fn question(odoo: &Odoo, model: &str, args: &Args) -> Option<String> {
        if !enabled(odoo.settings()) {
            return None;
        }
        let on = match args.record_ids.as_deref().unwrap_or_default() {
            [] => "on the model".to_string(),
            ids => format!(
                "on records {}",
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let kwargs = args
            .kwargs
            .as_ref()
            .filter(|k| !k.is_empty())
            .map(|k| format!(" with {}", shown(&Value::Object(k.clone()))))
            .unwrap_or_default();
        Some(format!(
            "Run {model}.{} {on}{kwargs}? It may change or delete data.",
            args.method
        ))
    }

    fn listed(settings: &Settings) -> bool {
        enabled(settings)
    }
}

/// Why `method` is never called through this tool, if it is not.
fn refusal(target: Target<'_>, method: &str) -> Option<String> {
    if method.is_empty()
        || !method
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        Some(format!(
            "`{method}` is not a method name (letters, digits and _ only)"
        ))
    } else if method.starts_with('_') {
        Some(format!("`{method}` is private"))
    } else if method.starts_with("web_") {
        Some(format!("`{method}` is a web client method (web_*)"))
    } else if DEDICATED.contains(&method) {
        Some(format!(
            "`{method}` has a dedicated tool (search_records, get_record, create_record(s), update_record(s), delete_record, aggregate_records, get_fields, post_message): use it"
        ))
    } else if matches!(
        method,
        "run" | "method_direct_trigger" | "sudo" | "with_user" | "with_context" | "with_company"
    ) {
        Some(format!(
            "`{method}` runs code with other rights (server actions, scheduled jobs, sudo)"
        ))
    } else if target.name.starts_with("ir.actions") || target.name == "ir.cron" {
        Some(format!(
            "methods of {} run server code and are never called through this tool",
            target.name
        ))
    } else {
        None
    }
}
