//! `update_record`: field values written on one record; with `dry_run`, what would change.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::shared::{DryRun, WriteAnswer, is_dry_run};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use super::shared::shown;

pub struct UpdateRecord;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Record id
    #[schemars(range(min = 1))]
    pub record_id: i64,
    /// Field values, e.g. {"name": "Acme", "email": "a@acme.com"}
    pub values: Map<String, Value>,
    pub dry_run: Option<DryRun>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Updated {
    pub model: String,
    pub id: i64,
    pub updated: bool,
    /// The record in Odoo's web client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl ToolSpec for UpdateRecord {
    const NAME: &'static str = "update_record";
    const TITLE: &'static str = "Update a record";
    const DESCRIPTION: &'static str = "Write field values on one record.";
    const EFFECT: Effect = Effect::Overwrite;
    type Args = Args;
    type Output = WriteAnswer<Updated>;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        vec![args.record_id]
    }

    fn dry_run(args: &Args) -> bool {
        is_dry_run(args.dry_run)
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Self::Output, ToolError> {
        let target = call.target()?;
        let id = args.record_id;
        let encode = call.typed().and_then(|d| d.check_update);
        let values = odoo
            .write_values(
                call.typed_tool(),
                target,
                &args.values,
                encode,
                "values",
                is_dry_run(args.dry_run),
            )
            .await?;
        if is_dry_run(args.dry_run) {
            let plan = odoo.plan_write(call.client(), target, "write", &[id], &[values]).await?;
            return Ok(WriteAnswer::Planned(plan));
        }
        call
            .client()
            .write(target.name, &[id], &values)
            .await
            .map_err(ToolError::from_write)?;
        Ok(WriteAnswer::Done(Updated {
            model: target.name.to_string(),
            id,
            updated: true,
            url: odoo.links(target.name).await.map(|l| l.url(id)),
        }))
    }

    fn question(_odoo: &Odoo, model: &str, args: &Args) -> Option<String> {
        (!is_dry_run(args.dry_run)).then(|| {
            format!(
                "Write {} on {model} record {}?",
                shown(&Value::Object(args.values.clone())),
                args.record_id
            )
        })
    }
}
