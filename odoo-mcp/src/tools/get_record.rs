//! `get_record`: one record by id.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::shared::notes_if_any;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::{Links, Odoo, leave_out_empty, normalize};

pub struct GetRecord;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Record id
    #[schemars(range(min = 1))]
    pub record_id: i64,
    /// Fields to return; omit for a compact default set, ["__all__"] for every non-binary field
    pub fields: Option<Vec<String>>,
}

/// The answer; a typed tool lists its model's read record as `R`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output<R = Map<String, Value>> {
    pub model: String,
    pub record: R,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

impl ToolSpec for GetRecord {
    const NAME: &'static str = "get_record";
    const TITLE: &'static str = "Get a record";
    const DESCRIPTION: &'static str = "Read one record by id.";
    const EFFECT: Effect = Effect::Read;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let id = args.record_id;
        let (metadata, fields, notes) = odoo
            .read_plan(call.typed_tool(), target, args.fields.as_deref(), &[])
            .await?;
        let names: Vec<&str> = fields.iter().map(String::as_str).collect();
        let mut records = call.client().read(target.name, &[id], &names).await?;
        if records.is_empty() {
            return Err(ToolError::RecordNotFound {
                model: target.name.to_string(),
                id,
            });
        }
        let mut record = normalize(
            Value::Object(records.swap_remove(0)),
            &metadata,
            call.typed(),
        );
        leave_out_empty(&mut record, call.typed().is_some(), args.fields.is_some());
        Links::add_to(odoo.links(target.name).await.as_ref(), &mut record);
        Ok(Output {
            model: target.name.to_string(),
            record,
            notes: notes_if_any(notes),
        })
    }
}
