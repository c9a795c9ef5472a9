//! `post_message`: a message on a record's chatter.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::shared::kwargs;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;

pub struct PostMessage;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    #[schemars(range(min = 1))]
    pub record_id: RecordId,
    /// Message text (plain text; HTML is escaped by Odoo)
    pub body: String,
    /// note: internal, no notification (default); comment: sent to followers
    pub subtype: Option<Subtype>,
    /// Default comment
    pub message_type: Option<MessageType>,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Subtype {
    Note,
    Comment,
}

#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageType {
    Comment,
    Notification,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub record_id: RecordId,
    pub message_id: Value,
}

impl ToolSpec for PostMessage {
    const NAME: &'static str = "post_message";
    const TITLE: &'static str = "Post a message";
    const DESCRIPTION: &'static str =
        "Post on a record's chatter: an internal note (default) or a comment sent to followers.";
    const EFFECT: Effect = Effect::Append;
    type Args = Args;
    type Output = Output;

    fn record_ids(args: &Args) -> Vec<RecordId> {
        vec![args.record_id]
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let metadata = odoo.metadata(target, &["message_ids"]).await?;
        if !metadata.contains("message_ids") {
            return Err(ToolError::Invalid {
                argument: "model",
                message: format!(
                    "{} has no chatter (it does not inherit mail.thread); post on a model that has one, e.g. res.partner or sale.order",
                    target.name
                ),
            });
        }
        let id = args.record_id;
        if args.body.trim().is_empty() {
            return Err(ToolError::Invalid {
                argument: "body",
                message: "give the message text".into(),
            });
        }
        let subtype = match args.subtype {
            Some(Subtype::Comment) => "mail.mt_comment",
            _ => "mail.mt_note",
        };
        let message_type = match args.message_type {
            Some(MessageType::Notification) => "notification",
            _ => "comment",
        };
        let arguments = kwargs(vec![
            ("body", json!(args.body)),
            ("message_type", json!(message_type)),
            ("subtype_xmlid", json!(subtype)),
        ]);
        let answer = call
            .client()
            .execute(target.name, "message_post", Some(&[id]), arguments, None)
            .await?;
        let message_id = match answer {
            Value::Array(items) => items.first().cloned().unwrap_or_default(),
            other => other,
        };
        Ok(Output {
            model: target.name.to_string(),
            record_id: id,
            message_id,
        })
    }
}
