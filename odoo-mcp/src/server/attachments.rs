//! `upload_attachment` and `get_attachment` (declared in tools/extra.rs): files
//! as base64, bounded by `ODOO_MCP_MAX_BINARY_SIZE` before anything is decoded
//! or sent.

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, STANDARD};
use serde_json::{Map, Value, json};

use super::{OdooMcp, Target};
use crate::error::ToolError;
use crate::settings::Access;

const ATTACHMENT: &str = "ir.attachment";

/// Standard base64, padded or not: what callers produce varies.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The decoded size base64 text stands for, counted without decoding or allocating.
fn implied_size(text: &str) -> u64 {
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

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Odoo's `false` for an empty char or many2one_reference field as `null`.
fn or_null(value: Option<&Value>) -> Value {
    match value {
        None | Some(Value::Bool(false)) => Value::Null,
        Some(Value::Number(n)) if n.as_i64() == Some(0) => Value::Null,
        Some(other) => other.clone(),
    }
}

impl OdooMcp {
    pub(super) async fn upload_attachment(
        &self,
        target: Target<'_>,
        args: &Map<String, Value>,
        dry_run: bool,
    ) -> Result<Value, ToolError> {
        let max = self.inner.settings.max_binary_size;
        let (uri_mimetype, text) =
            split_data_uri(args.get("data").and_then(Value::as_str).unwrap_or_default());
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
        let bytes = LENIENT
            .decode(compact.as_bytes())
            .map_err(|error| ToolError::Invalid {
                argument: "data",
                message: format!(
                    "not valid base64 ({error}); give the file content as standard base64 (A-Z, a-z, 0-9, + and /, optional = padding)"
                ),
            })?;
        drop(compact);
        let name = args
            .get("name")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or_default();
        if name.is_empty() {
            return Err(ToolError::Invalid {
                argument: "name",
                message: "give the file name, e.g. \"invoice.pdf\"".into(),
            });
        }
        let mimetype = args
            .get("mimetype")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .or(uri_mimetype);
        let id = Self::record_id(args);
        let client = &self.inner.client;
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
        let file_size = bytes.len();
        let summary = json!({
            "name": name, "mimetype": mimetype, "file_size": file_size,
            "model": target.name, "record_id": id,
        });
        if dry_run {
            let (mut problems, mut notes) = (Vec::new(), Vec::new());
            self.check_access_right(ATTACHMENT, "create", &mut problems, &mut notes)
                .await;
            let mut out = summary;
            out["dry_run"] = json!(true);
            out["valid"] = json!(problems.is_empty());
            out["problems"] = json!(problems);
            if !notes.is_empty() {
                out["notes"] = json!(notes);
            }
            out["written"] = json!(false);
            return Ok(out);
        }
        let mut values = Map::new();
        values.insert("res_model".into(), json!(target.name));
        values.insert("res_id".into(), json!(id));
        values.insert("name".into(), json!(name));
        values.insert("datas".into(), json!(STANDARD.encode(&bytes)));
        drop(bytes);
        if let Some(mimetype) = mimetype {
            values.insert("mimetype".into(), json!(mimetype));
        }
        let ids = client
            .create(ATTACHMENT, &[values])
            .await
            .map_err(ToolError::from_write)?;
        let mut out = summary;
        out["id"] = json!(ids.first().copied().unwrap_or_default());
        Ok(out)
    }

    /// With `ODOO_YOLO=false` an attachment is reachable when its record's model
    /// is (or every one is, when ir.attachment itself is in `ODOO_MCP_MODELS`);
    /// the filter goes into the search, so a hidden attachment reveals nothing.
    pub(super) async fn get_attachment(
        &self,
        args: &Map<String, Value>,
    ) -> Result<Value, ToolError> {
        let id = args
            .get("attachment_id")
            .and_then(Value::as_i64)
            .unwrap_or_default();
        let include_data = args.get("include_data").and_then(Value::as_bool) != Some(false);
        let settings = &self.inner.settings;
        let restricted =
            settings.access == Access::Standard && !settings.allowlist.contains(ATTACHMENT);
        let mut domain = vec![json!(["id", "=", id])];
        if restricted {
            domain.push(json!(["res_model", "in", self.enabled_models()]));
        }
        let mut call = Map::new();
        call.insert("domain".into(), json!(domain));
        call.insert(
            "fields".into(),
            json!(["name", "mimetype", "file_size", "res_model", "res_id"]),
        );
        let client = &self.inner.client;
        let rows = client
            .execute(ATTACHMENT, "search_read", None, call, None)
            .await?;
        let Some(row) = rows.as_array().and_then(|rows| rows.first()) else {
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
        let file_size = row.get("file_size").and_then(Value::as_u64).unwrap_or(0);
        let mut out = json!({
            "id": id,
            "name": or_null(row.get("name")),
            "mimetype": or_null(row.get("mimetype")),
            "file_size": file_size,
            "res_model": or_null(row.get("res_model")),
            "res_id": or_null(row.get("res_id")),
        });
        if !include_data {
            return Ok(out);
        }
        let max = settings.max_binary_size;
        let over = |size: u64| {
            format!(
                "content not returned: {size} bytes ({}) is over this server's limit of {max} bytes ({}, ODOO_MCP_MAX_BINARY_SIZE)",
                mib(size),
                mib(max)
            )
        };
        // Odoo's own size first: a large file is never read.
        if file_size > max {
            out["notes"] = json!([over(file_size)]);
            return Ok(out);
        }
        let mut rows = client.read(ATTACHMENT, &[id], &["datas"]).await?;
        let data = rows
            .first_mut()
            .and_then(|row| row.remove("datas"))
            .and_then(|datas| match datas {
                Value::String(text) => Some(text),
                _ => None,
            })
            .unwrap_or_default();
        // file_size can be stale or 0 (URL attachments): the content itself decides.
        let size = implied_size(&data);
        if size > max {
            out["notes"] = json!([over(size)]);
            return Ok(out);
        }
        out["data"] = json!(data);
        Ok(out)
    }
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
