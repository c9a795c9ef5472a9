//! `upload_attachment`: a file (base64) attached to a record, bounded by
//! `ODOO_MCP_MAX_BINARY_SIZE` before anything is decoded or sent.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use odoo_client::{OdooClient, RecordId};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, json};

use super::shared::{DryRun, is_dry_run, notes_if_any};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;

pub const ATTACHMENT: &str = "ir.attachment";

/// The field that carries an attachment's content as base64: `datas` up to
/// Odoo 19; later versions drop it and read and write `raw` as base64 (on 19,
/// `raw` over JSON is the bytes as text, so `datas` stays wherever it exists).
pub async fn content_field(odoo: &Odoo) -> Result<&'static str, ToolError> {
    let target = crate::odoo::Target {
        name: ATTACHMENT,
        descriptor: None,
    };
    let fields = odoo.metadata(target, &[]).await?;
    Ok(if fields.contains("datas") {
        "datas"
    } else {
        "raw"
    })
}

/// Standard base64, padded or not: what callers produce varies.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The decoded size base64 text stands for, counted without decoding or allocating.
pub fn implied_size(text: &str) -> u64 {
    let significant = text
        .bytes()
        .filter(|b| !b.is_ascii_whitespace() && *b != b'=')
        .count() as u64;
    significant * 3 / 4
}

/// `data:application/pdf;base64,JVBE…` → (`application/pdf`, `JVBE…`); other text as is.
fn split_data_uri(data: &str) -> (Option<&str>, &str) {
    let Some(rest) = data.strip_prefix("data:") else {
        return (None, data);
    };
    match rest.split_once(',') {
        Some((head, body)) if head.ends_with(";base64") => {
            let mimetype = head.trim_end_matches(";base64");
            ((!mimetype.is_empty()).then_some(mimetype), body)
        }
        _ => (None, data),
    }
}

pub fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

pub struct UploadAttachment;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The record the file is attached to
    #[schemars(range(min = 1))]
    pub record_id: RecordId,
    /// File name, e.g. invoice.pdf
    pub name: String,
    /// File content, base64 (a data: URI prefix is accepted)
    pub data: String,
    /// e.g. application/pdf; Odoo guesses it when omitted
    pub mimetype: Option<String>,
    pub dry_run: Option<DryRun>,
}

/// The attachment made, or with `dry_run` the one that would be.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    /// The ir.attachment id; absent in a dry run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<RecordId>,
    pub name: String,
    pub mimetype: Option<String>,
    pub file_size: usize,
    pub model: String,
    pub record_id: RecordId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written: Option<bool>,
}

impl ToolSpec for UploadAttachment {
    const NAME: &'static str = "upload_attachment";
    const TITLE: &'static str = "Upload an attachment";
    const DESCRIPTION: &'static str = "Attach a file (base64) to a record of a reachable model; creates an ir.attachment. At most ODOO_MCP_MAX_BINARY_SIZE bytes decoded (default 10 MiB).";
    const EFFECT: Effect = Effect::Append;
    type Args = Args;
    type Output = Output;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        vec![args.record_id]
    }

    fn dry_run(args: &Args) -> bool {
        is_dry_run(args.dry_run)
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let max = odoo.settings().max_binary_size;
        let (uri_mimetype, text) = split_data_uri(&args.data);
        let bytes = decode_within(text, max)?;
        let name = args.name.trim();
        if name.is_empty() {
            return Err(ToolError::Invalid {
                argument: "name",
                message: "give the file name, e.g. \"invoice.pdf\"".into(),
            });
        }
        let mimetype = args
            .mimetype
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .or(uri_mimetype)
            .map(str::to_string);
        let id = args.record_id;
        let client = call.client();
        // Odoo would attach a file to a record that does not exist: check first.
        if client
            .read(target.name, &[id], &["display_name"])
            .await?
            .is_empty()
        {
            return Err(ToolError::RecordNotFound {
                model: target.name.to_string(),
                id,
            });
        }
        let mut out = Output {
            id: None,
            name: name.to_string(),
            mimetype: mimetype.clone(),
            file_size: bytes.len(),
            model: target.name.to_string(),
            record_id: id,
            dry_run: None,
            valid: None,
            problems: None,
            notes: None,
            written: None,
        };
        if is_dry_run(args.dry_run) {
            return Ok(planned(odoo, client, out).await);
        }
        let mut values = Map::new();
        values.insert("res_model".into(), json!(target.name));
        values.insert("res_id".into(), json!(id));
        values.insert("name".into(), json!(name));
        let content = content_field(odoo).await?;
        values.insert(content.into(), json!(STANDARD.encode(&bytes)));
        drop(bytes);
        if let Some(mimetype) = mimetype {
            values.insert("mimetype".into(), json!(mimetype));
        }
        let ids = client
            .create(ATTACHMENT, &[values])
            .await
            .map_err(ToolError::from_write)?;
        out.id = Some(ids.first().copied().unwrap_or_default());
        Ok(out)
    }
}

/// The file's bytes, its size checked from the base64's length before anything
/// is decoded, so an oversized upload costs no memory.
fn decode_within(text: &str, max: u64) -> Result<Vec<u8>, ToolError> {
    let size = implied_size(text);
    if size > max {
        return Err(ToolError::Invalid {
            argument: "data",
            message: format!(
                "the file is {size} bytes ({}) once decoded, over this server's limit of {max} bytes ({}, ODOO_MCP_MAX_BINARY_SIZE); nothing was sent to Odoo. Upload a smaller file, or raise the limit",
                mib(size),
                mib(max)
            ),
        });
    }
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    LENIENT
        .decode(compact.as_bytes())
        .map_err(|error| ToolError::Invalid {
            argument: "data",
            message: format!(
                "not valid base64 ({error}); give the file content as standard base64 (A-Z, a-z, 0-9, + and /, optional = padding)"
            ),
        })
}

/// The dry run's answer: whether this user may create the attachment.
async fn planned(odoo: &Odoo, client: &OdooClient, mut out: Output) -> Output {
    let (mut problems, mut notes) = (Vec::new(), Vec::new());
    odoo.check_access_right(client, ATTACHMENT, "create", &mut problems, &mut notes)
        .await;
    out.dry_run = Some(true);
    out.valid = Some(problems.is_empty());
    out.problems = Some(problems);
    out.notes = notes_if_any(notes);
    out.written = Some(false);
    out
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose;

    use super::*;

    #[test]
    fn sizes_without_decoding() {
        for len in 0..10 {
            let bytes = vec![7u8; len];
            let text = general_purpose::STANDARD.encode(&bytes);
            assert_eq!(implied_size(&text), len as u64, "{text}");
            let unpadded = general_purpose::STANDARD_NO_PAD.encode(&bytes);
            assert_eq!(implied_size(&unpadded), len as u64, "{unpadded}");
        }
        assert_eq!(implied_size("QUJD\nREVG\n"), 6);
    }

    #[test]
    fn data_uris() {
        assert_eq!(
            split_data_uri("data:image/png;base64,iVBO"),
            (Some("image/png"), "iVBO")
        );
        assert_eq!(split_data_uri("data:;base64,iVBO"), (None, "iVBO"));
        assert_eq!(split_data_uri("iVBO"), (None, "iVBO"));
        assert_eq!(
            split_data_uri("data:text/plain,hi"),
            (None, "data:text/plain,hi")
        );
    }
}
