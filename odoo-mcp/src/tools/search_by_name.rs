//! `search_by_name`: records whose name matches a text, as Odoo's own search
//! boxes and many2one fields find them (`name_search`: the name, and whatever
//! else the model searches by, e.g. a partner's email or a product's code).

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::shared::kwargs;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;

pub struct SearchByName;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The text to look for, e.g. "Azure"
    pub name: String,
    /// Max records (default {default_limit}, at most {max_limit})
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub count: usize,
    pub records: Vec<Match>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Match {
    pub id: RecordId,
    pub display_name: String,
}

impl ToolSpec for SearchByName {
    const NAME: &'static str = "search_by_name";
    const TITLE: &'static str = "Find records by name";
    const DESCRIPTION: &'static str = "Find records by name as Odoo's search boxes do (name_search): ids and display names, e.g. to pick the id of a many2one value.";
    const EFFECT: Effect = Effect::Read;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let limits = odoo.settings().limits;
        let limit = args.limit.unwrap_or(limits.default).min(limits.max);
        let arguments = kwargs(vec![("name", json!(args.name)), ("limit", json!(limit))]);
        let answer = call
            .client()
            .execute(target.name, "name_search", None, arguments, None)
            .await?;
        // Odoo answers [[id, display name], …].
        let records: Vec<Match> = answer
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|pair| {
                Some(Match {
                    id: pair.get(0)?.as_i64()?,
                    display_name: pair.get(1).and_then(Value::as_str)?.to_string(),
                })
            })
            .collect();
        Ok(Output {
            model: target.name.to_string(),
            count: records.len(),
            records,
        })
    }
}
