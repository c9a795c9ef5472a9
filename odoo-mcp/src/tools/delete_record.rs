//! `delete_record`: one record removed; with `dry_run`, whether it could be.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::shared::{DryRun, WriteAnswer, is_dry_run};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;

pub struct DeleteRecord;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Record id
    #[schemars(range(min = 1))]
    pub record_id: i64,
    pub dry_run: Option<DryRun>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Deleted {
    pub model: String,
    pub id: i64,
    pub deleted: bool,
}

impl ToolSpec for DeleteRecord {
    const NAME: &'static str = "delete_record";
    const TITLE: &'static str = "Delete a record";
    const DESCRIPTION: &'static str = "Delete one record.";
    const EFFECT: Effect = Effect::Delete;
    type Args = Args;
    type Output = WriteAnswer<Deleted>;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        vec![args.record_id]
    }

    fn dry_run(args: &Args) -> bool {
        is_dry_run(args.dry_run)
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Self::Output, ToolError> {
        let target = call.target()?;
        let id = args.record_id;
        if is_dry_run(args.dry_run) {
            let plan = odoo.plan_write(call.client(), target, "unlink", &[id], &[]).await?;
            return Ok(WriteAnswer::Planned(plan));
        }
        call
            .client()
            .unlink(target.name, &[id])
            .await
            .map_err(ToolError::from_write)?;
        Ok(WriteAnswer::Done(Deleted {
            model: target.name.to_string(),
            id,
            deleted: true,
        }))
    }

    fn question(_odoo: &Odoo, model: &str, args: &Args) -> Option<String> {
        (!is_dry_run(args.dry_run)).then(|| {
            format!(
                "Delete {model} record {}? This cannot be undone.",
                args.record_id
            )
        })
    }
}
