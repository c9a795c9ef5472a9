//! `create_records`: a batch create, one Odoo call and one transaction.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::shared::{DryRun, WriteAnswer, is_dry_run};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;

/// At most this many records per batch write: one Odoo call, one transaction.
pub const MAX_BATCH: usize = 100;

pub struct CreateRecords;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Field values per record (1 to {max_batch})
    #[schemars(length(min = 1, max = MAX_BATCH))]
    pub records: Vec<Map<String, Value>>,
    pub dry_run: Option<DryRun>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Created {
    pub model: String,
    pub ids: Vec<RecordId>,
    pub count: usize,
    pub created: bool,
    /// The records in Odoo's web client, in the order of `ids`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
}

impl ToolSpec for CreateRecords {
    const NAME: &'static str = "create_records";
    const TITLE: &'static str = "Create records";
    const DESCRIPTION: &'static str =
        "Create several records in one call (one transaction: all or none); returns their ids.";
    const EFFECT: Effect = Effect::Create;
    type Args = Args;
    type Output = WriteAnswer<Created>;

    fn created_ids(output: &Self::Output) -> Vec<RecordId> {
        match output {
            WriteAnswer::Done(created) => created.ids.clone(),
            WriteAnswer::Planned(_) => Vec::new(),
        }
    }

    fn dry_run(args: &Args) -> bool {
        is_dry_run(args.dry_run)
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Self::Output, ToolError> {
        let target = call.target()?;
        let list = odoo
            .batch_values(
                target,
                "records",
                args.records,
                |i| format!("records[{i}]"),
                is_dry_run(args.dry_run),
            )
            .await?;
        if is_dry_run(args.dry_run) {
            let plan = odoo.plan_write(call.client(), target, "create", &[], &list).await?;
            return Ok(WriteAnswer::Planned(plan));
        }
        let ids = odoo.create_as_form(call.client(), target, list).await?;
        let links = odoo.links(target.name).await;
        Ok(WriteAnswer::Done(Created {
            model: target.name.to_string(),
            count: ids.len(),
            urls: links.map(|l| ids.iter().map(|id| l.url(*id)).collect()),
            ids,
            created: true,
        }))
    }
}
