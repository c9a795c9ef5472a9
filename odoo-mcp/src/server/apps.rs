//! What the MCP Apps record card needs beyond `get_record`'s answer, for
//! clients that show apps (they declare the `io.modelcontextprotocol/ui`
//! extension): the record's address in Odoo and the form's buttons shown on
//! it, in the result's `_meta`. Other clients get the answer alone, and no
//! answer's text or `structuredContent` changes.

use rmcp::RoleServer;
use rmcp::model::{JsonObject, MetaObject};
use rmcp::service::RequestContext;
use serde_json::{Map, Value, json};

use super::OdooMcp;
use super::front::Ready;
use crate::tools::apps::{self, View};

/// The extension's identifier in client capabilities.
const UI: &str = "io.modelcontextprotocol/ui";
/// The `_meta` key of what the record card shows beyond the answer.
pub(crate) const CARD: &str = "odoo-mcp/record";

/// The extension as this server declares it: views of the Apps MIME type.
pub(super) fn extension() -> (String, JsonObject) {
    let mut settings = JsonObject::new();
    settings.insert("mimeTypes".into(), json!([apps::MIME]));
    (UI.to_string(), settings)
}

/// Whether the client shows MCP Apps views: it declares the extension with
/// the Apps MIME type.
pub(super) fn shows_apps(context: &RequestContext<RoleServer>) -> bool {
    context.peer.peer_info().is_some_and(|info| {
        info.capabilities
            .extensions
            .as_ref()
            .and_then(|e| e.get(UI))
            .and_then(|ui| ui.get("mimeTypes"))
            .and_then(Value::as_array)
            .is_some_and(|types| types.iter().any(|t| t == apps::MIME))
    })
}

impl OdooMcp {
    /// The record card's `_meta` for a get_record (or typed `_get`) answer:
    /// the record's url and, where writes are allowed, the form's buttons
    /// the form shows on it. What Odoo will not tell leaves it out.
    pub(super) async fn card_meta(&self, ready: &Ready<'_>, answer: &Value) -> Option<MetaObject> {
        let uri = ready
            .entry
            .tool
            .meta
            .as_ref()?
            .0
            .get("ui")?
            .get("resourceUri")?
            .clone();
        if uri != View::Record.uri() {
            return None;
        }
        let call = ready.call();
        let target = call.target().ok()?;
        let id = answer.get("record")?.get("id")?.as_i64()?;
        let mut card = Map::new();
        if let Some(links) = self.odoo().links(target.name).await {
            card.insert("url".into(), json!(links.url(id)));
        }
        if self.settings().access.allows_writes() {
            match self.odoo().shown_buttons(call.client(), target, id).await {
                Ok(buttons) => {
                    let buttons: Vec<Value> = buttons
                        .iter()
                        .map(|b| json!({"method": b.method, "label": b.label}))
                        .collect();
                    card.insert("buttons".into(), json!(buttons));
                }
                Err(error) => tracing::debug!(%error, "no buttons for the record card"),
            }
        }
        let mut meta = Map::new();
        meta.insert(CARD.into(), Value::Object(card));
        Some(MetaObject(meta))
    }
}
