//! `update_records`: the same values on several records (one `write`), or each
//! record's own values: one `web_save_multi` on Odoo 19+ (one transaction),
//! else one `write` per record in order, stopping at the first failure.

use odoo_client::{OdooClient, RecordId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::create_records::MAX_BATCH;
use super::shared::{DryRun, WriteAnswer, is_dry_run, kwargs, notes_if_any, unique_ids};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use super::shared::{per_record, shown};

pub struct UpdateRecords;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Record ids (1 to {max_batch})
    #[schemars(length(min = 1, max = MAX_BATCH), inner(range(min = 1)))]
    pub record_ids: Option<Vec<RecordId>>,
    /// Field values, e.g. {"name": "Acme"}
    pub values: Option<Map<String, Value>>,
    /// Instead of record_ids + values: values per record (1 to {max_batch}), e.g. [{"id": 3, "values": {"city": "Gent"}}]
    #[schemars(length(min = 1, max = MAX_BATCH))]
    pub updates: Option<Vec<RecordValues>>,
    pub dry_run: Option<DryRun>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordValues {
    #[schemars(range(min = 1))]
    pub id: RecordId,
    pub values: Map<String, Value>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Updated {
    pub model: String,
    pub ids: Vec<RecordId>,
    pub count: usize,
    pub updated: bool,
    /// The records in Odoo's web client, in the order of `ids`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

/// The two forms of update_records.
pub enum Form<'a> {
    /// The same `values` on every id of `record_ids`.
    Same(&'a [RecordId], &'a Map<String, Value>),
    /// `updates`: values per record.
    PerRecord(&'a [RecordValues]),
}

impl Args {
    /// Which form the call uses; both or neither is refused before anything is
    /// sent (the schema cannot say "exactly one of" to strict clients).
    pub fn form(&self) -> Result<Form<'_>, ToolError> {
        let same = self.record_ids.is_some() || self.values.is_some();
        match (&self.updates, &self.record_ids, &self.values) {
            (Some(_), ..) if same => Err(ToolError::Invalid {
                argument: "updates",
                message: "give either `updates` (values per record) or `record_ids` with `values` (the same values on each record), not both".into(),
            }),
            (Some(updates), ..) => Ok(Form::PerRecord(updates)),
            (None, Some(ids), Some(values)) => Ok(Form::Same(ids, values)),
            (None, ids, _) => {
                let missing = if ids.is_none() { "record_ids" } else { "values" };
                Err(ToolError::Invalid {
                    argument: missing,
                    message: format!(
                        "missing `{missing}`: give `record_ids` with `values` (the same values on each record), or `updates`: [{{\"id\": 3, \"values\": {{\"city\": \"Gent\"}}}}] (values per record)"
                    ),
                })
            }
        }
    }
}

impl ToolSpec for UpdateRecords {
    const NAME: &'static str = "update_records";
    const TITLE: &'static str = "Update records";
    const DESCRIPTION: &'static str = "Write values on record_ids, or each record's own in updates: one transaction (before Odoo 19, updates write one by one, stopping at the first failure).";
    const EFFECT: Effect = Effect::Overwrite;
    type Args = Args;
    type Output = WriteAnswer<Updated>;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        let per_record = args.updates.iter().flatten().map(|update| update.id);
        args.record_ids.iter().flatten().copied().chain(per_record).collect()
    }

    fn dry_run(args: &Args) -> bool {
        is_dry_run(args.dry_run)
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Self::Output, ToolError> {
        let target = call.target()?;
        let dry_run = is_dry_run(args.dry_run);
        let (record_ids, values_list) = match args.form()? {
            Form::Same(ids, values) => {
                let values = odoo
                    .write_values(call.typed_tool(), target, values, None, "values", dry_run)
                    .await?;
                (unique_ids(ids), vec![values])
            }
            Form::PerRecord(updates) => {
                let record_ids = distinct_ids(updates)?;
                let values = updates.iter().map(|u| u.values.clone()).collect();
                let list = odoo
                    .batch_values(
                        target,
                        "updates",
                        values,
                        |i| format!("updates[{i}].values"),
                        dry_run,
                    )
                    .await?;
                (record_ids, list)
            }
        };
        if dry_run {
            let plan = odoo
                .plan_write(call.client(), target, "write", &record_ids, &values_list)
                .await?;
            return Ok(WriteAnswer::Planned(plan));
        }
        let client = call.client();
        let links = odoo.links(target.name).await;
        let out = Updated {
            model: target.name.to_string(),
            count: record_ids.len(),
            ids: record_ids.clone(),
            updated: true,
            urls: links.map(|l| record_ids.iter().map(|id| l.url(*id)).collect()),
            notes: None,
        };
        if let [values] = values_list.as_slice() {
            client
                .write(target.name, &record_ids, values)
                .await
                .map_err(ToolError::from_write)?;
            return Ok(WriteAnswer::Done(out));
        }
        write_each_record(client, target.name, &record_ids, &values_list, out).await
    }

    fn question(_odoo: &Odoo, model: &str, args: &Args) -> Option<String> {
        if is_dry_run(args.dry_run) {
            return None;
        }
        Some(match args.form().ok()? {
            Form::PerRecord(updates) => format!(
                "Write these values on {model} records?{}",
                per_record(updates.iter().map(|u| (u.id, &u.values)))
            ),
            Form::Same(ids, values) => format!(
                "Write {} on {model} records {}?",
                shown(&Value::Object(values.clone())),
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }
}

/// The ids of `updates`, in order; a record given twice is refused, since
/// which of its values would win is not the caller's to guess.
fn distinct_ids(updates: &[RecordValues]) -> Result<Vec<RecordId>, ToolError> {
    let mut record_ids = Vec::with_capacity(updates.len());
    for id in updates.iter().map(|u| u.id) {
        if record_ids.contains(&id) {
            return Err(ToolError::Invalid {
                argument: "updates",
                message: format!(
                    "record {id} appears more than once; give each record one entry with all its values"
                ),
            });
        }
        record_ids.push(id);
    }
    Ok(record_ids)
}

/// Each record's own values: one `web_save_multi` on Odoo 19+ (one
/// transaction), else one `write` per record in order, stopping at the first
/// failure and saying which were written.
async fn write_each_record(
    client: &OdooClient,
    model: &str,
    record_ids: &[RecordId],
    values_list: &[Map<String, Value>],
    mut out: Updated,
) -> Result<WriteAnswer<Updated>, ToolError> {
    let version = client.version().await?;
    if version.major >= 19 {
        // The web client's own call: each record written with its values, in
        // order, in one transaction; an empty specification reads back ids only.
        let arguments = kwargs(vec![
            ("vals_list", json!(values_list)),
            ("specification", json!({})),
        ]);
        return match client
            .execute(model, "web_save_multi", Some(record_ids), arguments, None)
            .await
            .map_err(ToolError::from_write)
        {
            Ok(_) => Ok(WriteAnswer::Done(out)),
            Err(unknown @ ToolError::WriteOutcomeUnknown(_)) => Err(unknown),
            Err(refused) => Err(ToolError::BatchNotWritten {
                count: record_ids.len(),
                cause: Box::new(refused),
            }),
        };
    }
    for (i, (id, values)) in record_ids.iter().zip(values_list).enumerate() {
        if let Err(error) = client.write(model, &[*id], values).await {
            return Err(ToolError::PartialWrite {
                model: model.to_string(),
                version: version.version,
                failed: *id,
                written: record_ids[..i].to_vec(),
                rest: record_ids[i + 1..].to_vec(),
                cause: Box::new(ToolError::from_write(error)),
            });
        }
    }
    out.notes = notes_if_any(vec![format!(
        "Odoo {} has no web_save_multi (Odoo 19+): each record was its own write, in order, not one transaction",
        version.version
    )]);
    Ok(WriteAnswer::Done(out))
}
