//! MCP resources and argument completion: the models index (`odoo://models`),
//! one record (`odoo://{model}/record/{id}`), a model's fields
//! (`odoo://{model}/fields`) and one field (`odoo://{model}/fields/{field}`).
//! Reads go through the tools (list_models, get_record, get_fields), so the
//! access rules, checks and messages are theirs; failures are JSON-RPC errors.
//! The MCP Apps views (`ui://odoo/…`) are the tools' HTML pages.

use odoo_client::{Error as OdooError, Missing};
use rmcp::ErrorData;
use rmcp::model::{
    CompleteRequestParams, CompleteResult, CompletionInfo, Reference, Resource, ResourceContents,
    ResourceTemplate,
};
use serde_json::{Map, Value, json};

use super::OdooMcp;
use crate::error::ToolError;
use crate::settings::Access;
use crate::tools::apps::{self, View};
use odoo_client::suggest::close_matches;

const INDEX_URI: &str = "odoo://models";
const RECORD_TEMPLATE: &str = "odoo://{model}/record/{id}";
const FIELDS_TEMPLATE: &str = "odoo://{model}/fields";
const FIELD_TEMPLATE: &str = "odoo://{model}/fields/{field}";
const JSON: &str = "application/json";
const SHAPES: &str = "odoo://models, odoo://{model}/record/{id}, odoo://{model}/fields, odoo://{model}/fields/{field} or the views ui://odoo/wizard, ui://odoo/chart, ui://odoo/record";

/// A parsed resource URI. Model names hold no `/`, so the shapes cannot overlap.
#[derive(Debug, PartialEq, Eq)]
enum Uri<'a> {
    Index,
    Record { model: &'a str, id: &'a str },
    Fields { model: &'a str },
    Field { model: &'a str, field: &'a str },
}

fn parse(uri: &str) -> Option<Uri<'_>> {
    let rest = uri.strip_prefix("odoo://")?;
    if rest == "models" {
        return Some(Uri::Index);
    }
    let parts: Vec<&str> = rest.split('/').collect();
    match parts[..] {
        [model, "record", id] if !model.is_empty() => Some(Uri::Record { model, id }),
        [model, "fields"] if !model.is_empty() => Some(Uri::Fields { model }),
        [model, "fields", field] if !model.is_empty() && !field.is_empty() => {
            Some(Uri::Field { model, field })
        }
        _ => None,
    }
}

/// A failed read as a JSON-RPC error: what does not exist is "resource not
/// found" (rmcp sends invalid params to 2026-07-28 peers, as that revision asks).
fn resource_error(error: ToolError, uri: &str, secrets: &[String]) -> ErrorData {
    let message = error.render(secrets);
    let data = Some(json!({"uri": uri}));
    match error {
        ToolError::UnknownModel { .. }
        | ToolError::ModelNotEnabled { .. }
        | ToolError::RecordNotFound { .. }
        | ToolError::UnknownField { .. }
        | ToolError::Odoo(OdooError::NotFound {
            what: Missing::Model | Missing::Record,
            ..
        }) => ErrorData::resource_not_found(message, data),
        ToolError::Argument(_)
        | ToolError::Invalid { .. }
        | ToolError::Domain(_)
        | ToolError::Refused(_)
        | ToolError::ReadOnly { .. }
        | ToolError::UnknownTool { .. } => ErrorData::invalid_params(message, data),
        _ => ErrorData::internal_error(message, data),
    }
}

/// Prefix matches first (in order), then close ones; at most
/// [`CompletionInfo::MAX_VALUES`], with `hasMore` when cut.
fn rank(value: &str, candidates: &[&str]) -> CompletionInfo {
    let mut values: Vec<String> = candidates
        .iter()
        .filter(|c| c.starts_with(value))
        .map(|c| c.to_string())
        .collect();
    values.sort();
    if !value.is_empty() {
        for close in close_matches(value, candidates.iter().copied(), usize::MAX) {
            if !values.contains(&close) {
                values.push(close);
            }
        }
    }
    let total = values.len();
    values.truncate(CompletionInfo::MAX_VALUES);
    let more = total > values.len();
    CompletionInfo::with_pagination(values, u32::try_from(total).ok(), more).unwrap_or_default()
}

impl OdooMcp {
    pub(super) fn resources(&self) -> Vec<Resource> {
        vec![
            Resource::new(INDEX_URI, "models")
                .with_title("Odoo models")
                .with_description(
                    "The models this server reaches (technical name and label), as list_models returns them",
                )
                .with_mime_type(JSON),
        ]
        .into_iter()
        .chain(View::ALL.map(|view| {
            Resource::new(view.uri(), view.name())
                .with_description(view.description())
                .with_mime_type(apps::MIME)
        }))
        .collect()
    }

    pub(super) fn resource_templates(&self) -> Vec<ResourceTemplate> {
        vec![
            ResourceTemplate::new(RECORD_TEMPLATE, "record")
                .with_title("Odoo record")
                .with_description(
                    "One record's compact default fields, as get_record returns them, e.g. odoo://res.partner/record/7",
                )
                .with_mime_type(JSON),
            ResourceTemplate::new(FIELDS_TEMPLATE, "fields")
                .with_title("Odoo model fields")
                .with_description(
                    "A model's fields (type, label, required, readonly, selection, relation), as get_fields returns them",
                )
                .with_mime_type(JSON),
            ResourceTemplate::new(FIELD_TEMPLATE, "field")
                .with_title("Odoo field")
                .with_description("One field of a model, as get_fields returns it")
                .with_mime_type(JSON),
        ]
    }

    /// `resources/read`: the same tool call a client could make, its result as compact JSON.
    pub(super) async fn read_resource_json(
        &self,
        uri: &str,
    ) -> Result<ResourceContents, ErrorData> {
        if let Some(view) = View::from_uri(uri) {
            let page = view.page(self.settings().access);
            return Ok(ResourceContents::text(page, uri).with_mime_type(apps::MIME));
        }
        let Some(parsed) = parse(uri) else {
            return Err(ErrorData::resource_not_found(
                format!("unknown resource `{uri}`: this server serves {SHAPES}"),
                Some(json!({"uri": uri})),
            ));
        };
        let (tool, args) = match parsed {
            Uri::Index => ("list_models", Map::new()),
            Uri::Record { model, id } => {
                let Some(id) = id.parse::<i64>().ok().filter(|id| *id > 0) else {
                    return Err(ErrorData::invalid_params(
                        format!(
                            "record id `{id}` in {uri} is not a positive integer; write e.g. odoo://{model}/record/7"
                        ),
                        Some(json!({"uri": uri})),
                    ));
                };
                ("get_record", args(json!({"model": model, "record_id": id})))
            }
            Uri::Fields { model } => ("get_fields", args(json!({"model": model}))),
            Uri::Field { model, field } => (
                "get_fields",
                args(json!({"model": model, "names": [field]})),
            ),
        };
        match self.dispatch(tool, args).await {
            Ok(value) => Ok(ResourceContents::text(value.to_string(), uri).with_mime_type(JSON)),
            Err(error) => {
                tracing::debug!(uri, %error, "resource read failed");
                Err(resource_error(error, uri, self.odoo().secrets()))
            }
        }
    }

    /// `completion/complete` for the templates' arguments: `model` → reachable
    /// model names, `field` → the field names of the `model` already chosen.
    pub(super) async fn complete_argument(
        &self,
        request: &CompleteRequestParams,
    ) -> Result<CompleteResult, ErrorData> {
        let template = match &request.r#ref {
            Reference::Resource(reference) => reference.uri.as_str(),
            // No prompts: nothing to complete.
            _ => return Ok(CompleteResult::default()),
        };
        if ![RECORD_TEMPLATE, FIELDS_TEMPLATE, FIELD_TEMPLATE].contains(&template) {
            return Err(ErrorData::invalid_params(
                format!(
                    "unknown resource template `{template}`; the templates are {RECORD_TEMPLATE}, {FIELDS_TEMPLATE} and {FIELD_TEMPLATE}"
                ),
                None,
            ));
        }
        let value = request.argument.value.as_str();
        let info = match request.argument.name.as_str() {
            "model" => self.complete_model(value).await?,
            "field" if template == FIELD_TEMPLATE => {
                let model = request
                    .context
                    .as_ref()
                    .and_then(|c| c.get_argument("model"))
                    .map(String::as_str)
                    .unwrap_or_default();
                self.complete_field(model, value).await
            }
            _ => CompletionInfo::default(),
        };
        Ok(CompleteResult::new(info))
    }

    async fn complete_model(&self, value: &str) -> Result<CompletionInfo, ErrorData> {
        if self.settings().access == Access::Standard {
            return Ok(rank(value, &Vec::from_iter(self.odoo().enabled_models())));
        }
        match self.odoo().model_list().await {
            Ok(list) => Ok(rank(
                value,
                &list.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
            )),
            Err(error) => Err(ErrorData::internal_error(self.render(&error), None)),
        }
    }

    /// Nothing when the model is unknown or not reachable: completion only offers.
    async fn complete_field(&self, model: &str, value: &str) -> CompletionInfo {
        let Ok(target) = self.odoo().resolve_model(model) else {
            return CompletionInfo::default();
        };
        match self.odoo().metadata(target, &[]).await {
            Ok(fields) => rank(value, &fields.names().collect::<Vec<_>>()),
            Err(_) => CompletionInfo::default(),
        }
    }
}

fn args(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(parse("odoo://models"), Some(Uri::Index));
        assert_eq!(
            parse("odoo://res.partner/record/7"),
            Some(Uri::Record {
                model: "res.partner",
                id: "7"
            })
        );
        assert_eq!(
            parse("odoo://sale.order/fields"),
            Some(Uri::Fields {
                model: "sale.order"
            })
        );
        assert_eq!(
            parse("odoo://sale.order/fields/state"),
            Some(Uri::Field {
                model: "sale.order",
                field: "state"
            })
        );
        for bad in [
            "odoo://",
            "odoo:///record/1",
            "odoo://res.partner",
            "odoo://res.partner/record",
            "odoo://res.partner/record/1/x",
            "file://models",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ranking() {
        let names = [
            "sale.order",
            "sale.order.line",
            "res.partner",
            "account.move",
        ];
        let info = rank("sale", &names);
        assert_eq!(info.values, ["sale.order", "sale.order.line"]);
        assert_eq!(info.has_more, Some(false));
        // Not a prefix, but close.
        let info = rank("partner", &names);
        assert_eq!(info.values, ["res.partner"]);
        let many: Vec<String> = (0..150).map(|i| format!("x_model_{i:03}")).collect();
        let info = rank("x_", &many.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(info.values.len(), 100);
        assert_eq!(info.total, Some(150));
        assert_eq!(info.has_more, Some(true));
    }
}
