//! `get_attachment`: an attachment's metadata and its content (base64), bounded
//! by `ODOO_MCP_MAX_BINARY_SIZE`. With `ODOO_YOLO=false` an attachment is
//! reachable when its record's model is (or every one is, when ir.attachment
//! itself is in `ODOO_MCP_MODELS`); the filter goes into the search, so a hidden
//! attachment reveals nothing.

use odoo_client::{OdooClient, RecordId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::upload_attachment::{ATTACHMENT, content_field, implied_size, mib};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use crate::settings::Access;

pub struct GetAttachment;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// ir.attachment id
    #[schemars(range(min = 1))]
    pub attachment_id: RecordId,
    /// Return the content (default true)
    pub include_data: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub id: RecordId,
    pub name: Option<String>,
    pub mimetype: Option<String>,
    pub file_size: u64,
    /// The model of the record it is attached to.
    pub res_model: Option<String>,
    pub res_id: Option<RecordId>,
    /// The content, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

/// A char field's text; Odoo's `false` is `None`.
fn text(row: &Value, key: &str) -> Option<String> {
    row.get(key).and_then(Value::as_str).map(str::to_string)
}

impl ToolSpec for GetAttachment {
    const NAME: &'static str = "get_attachment";
    const TITLE: &'static str = "Get an attachment";
    const DESCRIPTION: &'static str = "An attachment's name, mimetype, size, record and base64 content (not if include_data is false or over ODOO_MCP_MAX_BINARY_SIZE). Without ODOO_YOLO, reachable models' only.";
    const EFFECT: Effect = Effect::Read;
    /// Its model is ir.attachment, reached by the rules of the record it is attached to.
    const ON_MODEL: bool = false;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let id = args.attachment_id;
        let settings = odoo.settings();
        let restricted =
            settings.access == Access::Standard && !settings.allowlist.contains(ATTACHMENT);
        let client = call.client();
        let row = find_metadata(odoo, client, id, restricted).await?;
        let file_size = row.get("file_size").and_then(Value::as_u64).unwrap_or(0);
        let mut out = Output {
            id,
            name: text(&row, "name"),
            mimetype: text(&row, "mimetype"),
            file_size,
            res_model: text(&row, "res_model"),
            // A many2one_reference: 0 when the attachment has no record.
            res_id: row
                .get("res_id")
                .and_then(Value::as_i64)
                .filter(|id| *id != 0),
            data: None,
            notes: None,
        };
        if args.include_data == Some(false) {
            return Ok(out);
        }
        let max = settings.max_binary_size;
        match content_within(odoo, client, id, file_size, max).await? {
            Ok(data) => out.data = Some(data),
            Err(note) => out.notes = Some(vec![note]),
        }
        Ok(out)
    }
}

/// The attachment's metadata, searched with the reachability filter when
/// `restricted`, so a hidden attachment reads as one that does not exist.
async fn find_metadata(
    odoo: &Odoo,
    client: &OdooClient,
    id: RecordId,
    restricted: bool,
) -> Result<Value, ToolError> {
    let mut domain = vec![json!(["id", "=", id])];
    if restricted {
        domain.push(json!(["res_model", "in", odoo.enabled_models()]));
    }
    let mut arguments = Map::new();
    arguments.insert("domain".into(), json!(domain));
    arguments.insert(
        "fields".into(),
        json!(["name", "mimetype", "file_size", "res_model", "res_id"]),
    );
    let rows = client
        .execute(ATTACHMENT, "search_read", None, arguments, None)
        .await?;
    let Some(row) = rows.as_array().and_then(|rows| rows.first()).cloned() else {
        if restricted {
            return Err(ToolError::Invalid {
                argument: "attachment_id",
                message: format!(
                    "ir.attachment {id} does not exist, is not visible to this Odoo user, or is attached to a model that is not enabled on this server (ODOO_YOLO=false: add the model, or ir.attachment, to ODOO_MCP_MODELS)"
                ),
            });
        }
        return Err(ToolError::RecordNotFound {
            model: ATTACHMENT.into(),
            id,
        });
    };
    Ok(row)
}

/// The content as base64, or (`Err`) the note saying it is over
/// `ODOO_MCP_MAX_BINARY_SIZE`: Odoo's `file_size` is checked first, so a
/// large file is never read, then the content itself.
async fn content_within(
    odoo: &Odoo,
    client: &OdooClient,
    id: RecordId,
    file_size: u64,
    max: u64,
) -> Result<Result<String, String>, ToolError> {
    let over = |size: u64| {
        format!(
            "content not returned: {size} bytes ({}) is over this server's limit of {max} bytes ({}, ODOO_MCP_MAX_BINARY_SIZE)",
            mib(size),
            mib(max)
        )
    };
    // Odoo's own size first: a large file is never read.
    if file_size > max {
        return Ok(Err(over(file_size)));
    }
    let content = content_field(odoo).await?;
    let mut rows = client.read(ATTACHMENT, &[id], &[content]).await?;
    let data = rows
        .first_mut()
        .and_then(|row| row.remove(content))
        .and_then(|datas| match datas {
            Value::String(text) => Some(text),
            _ => None,
        })
        .unwrap_or_default();
    // file_size can be stale or 0 (URL attachments): the content itself decides.
    let size = implied_size(&data);
    if size > max {
        return Ok(Err(over(size)));
    }
    Ok(Ok(data))
}
