//! `create_record`: one record; with `dry_run`, the checked plan instead.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::shared::{DryRun, WriteAnswer, is_dry_run};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;

pub struct CreateRecord;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Field values, e.g. {"name": "Acme", "email": "a@acme.com"}
    pub values: Map<String, Value>,
    pub dry_run: Option<DryRun>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Created {
    pub model: String,
    pub id: i64,
    pub created: bool,
    /// The record in Odoo's web client.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl ToolSpec for CreateRecord {
    const NAME: &'static str = "create_record";
    const TITLE: &'static str = "Create a record";
    const DESCRIPTION: &'static str = "Create one record; returns its id.";
    const EFFECT: Effect = Effect::Create;
    type Args = Args;
    type Output = WriteAnswer<Created>;

    fn created_ids(output: &Self::Output) -> Vec<RecordId> {
        match output {
            WriteAnswer::Done(created) => vec![created.id],
            WriteAnswer::Planned(_) => Vec::new(),
        }
    }

    fn dry_run(args: &Args) -> bool {
        is_dry_run(args.dry_run)
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Self::Output, ToolError> {
        let target = call.target()?;
        // A typed create takes the values themselves as its arguments.
        let typed = call.typed();
        let argument = if typed.is_some() {
            "arguments"
        } else {
            "values"
        };
        let encode = typed.and_then(|d| d.check_create);
        let values = odoo
            .write_values(
                call.typed_tool(),
                target,
                &args.values,
                encode,
                argument,
                is_dry_run(args.dry_run),
            )
            .await?;
        if is_dry_run(args.dry_run) {
            let plan = odoo.plan_write(call.client(), target, "create", &[], &[values]).await?;
            return Ok(WriteAnswer::Planned(plan));
        }
        let ids = odoo
            .create_as_form(call.client(), target, vec![values])
            .await?;
        let id = ids.first().copied().unwrap_or_default();
        Ok(WriteAnswer::Done(Created {
            model: target.name.to_string(),
            id,
            created: true,
            url: odoo.links(target.name).await.map(|l| l.url(id)),
        }))
    }
}
