//! What a read returns: the fields asked for, or by default the list view's
//! columns; records normalised (Odoo's `false` for empty, the typed read
//! struct's shapes) and linked to Odoo's web client.

use std::sync::Arc;

use odoo_client::registry::{FieldType, ModelDescriptor};
use odoo_client::{Error as OdooError, RecordId};
use serde_json::{Map, Value};

use super::model_fields::ModelFields;
use super::{Odoo, Target};
use crate::error::ToolError;

/// Most names a `fields` argument may list (Odoo's largest models have about 700 fields).
const MAX_REQUESTED_FIELDS: usize = 1_000;

impl Odoo {
    /// A note saying how many fields a default read left out and where they
    /// are named: once, not on every read (an assistant's context is the
    /// user's real cost).
    fn default_fields_note(
        typed_tool: Option<&str>,
        fields: &ModelFields,
        defaults: &[String],
        from_view: bool,
    ) -> String {
        let more = fields
            .names()
            .filter(|n| !defaults.iter().any(|d| d == n))
            .count();
        let what = if from_view {
            "default fields: the list view's columns"
        } else {
            "compact default fields"
        };
        match typed_tool {
            Some(tool) => format!("{what}; {more} more in the `fields` enum of {tool}"),
            // Named, since a generic default read leaves the empty ones out.
            None => format!(
                "{what} ({}), empty ones left out; {more} more: name them in `fields`, see get_fields",
                defaults.join(", ")
            ),
        }
    }

    /// The columns of `model`'s default list view, asked once (`get_views`) and
    /// cached with the other metadata; empty when it has none Odoo will give.
    async fn list_columns(&self, model: &str) -> Arc<Vec<String>> {
        if let Some(columns) = self.learned.list_columns.get(model) {
            return columns;
        }
        let client = &self.client;
        let Ok(version) = client.version().await else {
            return Arc::new(Vec::new());
        };
        let view = odoo_client::views::list_view_type(version.major);
        let columns = match odoo_client::views::default_arch(client, model, view, None).await {
            Ok(arch) => arch
                .as_deref()
                .map(super::list_view::visible_columns)
                .unwrap_or_default(),
            // Odoo is away: the read that follows says so; ask again next time.
            Err(error) if error.is_transport() => return Arc::new(Vec::new()),
            Err(error) => {
                tracing::debug!(model, %error, "no list view to pick default fields from");
                Vec::new()
            }
        };
        self.learned.list_columns.insert(model, columns)
    }

    /// What a read without `fields` returns: `id`, `display_name` and the list
    /// view's columns (but blobs: images, HTML, x2many ids), as a person sees the
    /// model in Odoo; the compact set where the view shows nothing more. The
    /// metadata returned knows every one of them (`true`: from the view).
    async fn default_fields(
        &self,
        target: Target<'_>,
        metadata: Arc<ModelFields>,
    ) -> Result<(Arc<ModelFields>, Vec<String>, bool), ToolError> {
        let columns = self.list_columns(target.name).await;
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        // A column the generated descriptor lacks (computed, not stored) is in fields_get.
        let metadata = if names.iter().all(|n| metadata.contains(n)) {
            metadata
        } else {
            self.metadata(target, &names).await?
        };
        match view_fields(&metadata, &columns) {
            Some(fields) => Ok((metadata, fields, true)),
            None => {
                let defaults = metadata.defaults.clone();
                Ok((metadata, defaults, false))
            }
        }
    }

    /// Resolves the `fields` argument against metadata: names to read and notes.
    pub async fn read_plan(
        &self,
        typed_tool: Option<&str>,
        target: Target<'_>,
        requested: Option<&[String]>,
        extra_names: &[&str],
    ) -> Result<(Arc<ModelFields>, Vec<String>, Vec<String>), ToolError> {
        // An empty list asks for the default set, as no list does.
        let requested = requested.filter(|r| !r.is_empty()).map(<[String]>::to_vec);
        // Refused before any request: each name costs a lookup here and a column in Odoo.
        if let Some(n) = requested
            .as_ref()
            .map(Vec::len)
            .filter(|n| *n > MAX_REQUESTED_FIELDS)
        {
            return Err(ToolError::Invalid {
                argument: "fields",
                message: format!(
                    "{n} field names given; ask for at most {MAX_REQUESTED_FIELDS}, or [\"__all__\"] for every field"
                ),
            });
        }
        let mut names: Vec<&str> = extra_names.to_vec();
        let all = requested
            .as_ref()
            .is_some_and(|r| r.iter().any(|f| f == "__all__"));
        if let Some(requested) = &requested
            && !all
        {
            names.extend(requested.iter().map(String::as_str));
        }
        let mut metadata = self.metadata(target, &names).await?;
        let mut notes = Vec::new();
        let fields = match requested {
            Some(requested) if !all => {
                let names: Vec<&str> = requested.iter().map(String::as_str).collect();
                Self::check_names(target, &metadata, &names, "fields")?;
                requested
            }
            Some(_) => metadata.all_but_binary(),
            None => {
                let (with_columns, defaults, from_view) =
                    self.default_fields(target, metadata).await?;
                metadata = with_columns;
                notes.push(Self::default_fields_note(
                    typed_tool, &metadata, &defaults, from_view,
                ));
                defaults
            }
        };
        if !metadata.absent.is_empty() {
            // Named in full when asked for; here a few are enough.
            let mut missing: Vec<String> = metadata.absent.iter().take(8).cloned().collect();
            if metadata.absent.len() > missing.len() {
                missing.push(format!("… ({} in all)", metadata.absent.len()));
            }
            let mismatch = OdooError::SchemaMismatch {
                model: target.name.to_string(),
                missing,
            };
            notes.push(format!("{mismatch}; they were left out"));
        }
        Ok((metadata, fields, notes))
    }

    /// Models and labels, from Odoo's `ir.model` (cached), or the generated
    /// table alone when nothing else is reachable.
    /// Where users open `model`'s records in a browser; `None` when Odoo's
    /// version cannot be read (the form of the address depends on it).
    pub async fn links(&self, model: &str) -> Option<Links> {
        let version = self.client.version().await.ok()?;
        let base = self
            .settings()
            .public_odoo_url
            .clone()
            .unwrap_or_else(|| self.client.config().url.clone());
        Some(Links {
            base,
            model: model.to_string(),
            // `/odoo/<model>/<id>` came with Odoo 18 (17.2); 17.0 and below route `/web#…`.
            modern: version.major >= 18,
        })
    }
}

/// Builds the web addresses of one model's records.
pub(crate) struct Links {
    base: String,
    model: String,
    modern: bool,
}

impl Links {
    pub fn url(&self, id: RecordId) -> String {
        self.address(&id.to_string())
    }

    /// Every record's address at once: `{id}` stands for the record's id
    /// (a page of records says it once rather than per record).
    pub fn template(&self) -> String {
        self.address("{id}")
    }

    fn address(&self, id: &str) -> String {
        let (base, model) = (&self.base, &self.model);
        if self.modern {
            format!("{base}/odoo/{model}/{id}")
        } else {
            format!("{base}/web#id={id}&model={model}&view_type=form")
        }
    }

    /// Adds `url` to a record read from Odoo (which carries its `id`).
    pub fn add_to(links: Option<&Links>, record: &mut Map<String, Value>) {
        if let (Some(links), Some(id)) = (links, record.get("id").and_then(Value::as_i64)) {
            record.insert("url".into(), Value::String(links.url(id)));
        }
    }
}

/// A generic read of the default fields (no `fields`) leaves empty values
/// out, as its note says: they are much of a wide list's bytes. Typed tools
/// keep them, as their read struct lists them.
pub(crate) fn leave_out_empty(record: &mut Map<String, Value>, typed: bool, fields_named: bool) {
    if !typed && !fields_named {
        record.retain(|_, value| !value.is_null());
    }
}

/// Odoo sends `false` for every empty field; a non-boolean `false` becomes
/// `null`. A typed tool's record also goes through its read struct, so it
/// matches the tool's output schema (generic tools promise only an object,
/// and skip that cost).
pub(crate) fn normalize(
    record: Value,
    metadata: &ModelFields,
    descriptor: Option<&ModelDescriptor>,
) -> Map<String, Value> {
    let Value::Object(mut record) = record else {
        return Map::new();
    };
    for (name, value) in record.iter_mut() {
        if *value == Value::Bool(false)
            && metadata
                .get(name)
                .is_some_and(|f| f.ttype != FieldType::Boolean)
        {
            *value = Value::Null;
        }
    }
    let Some(descriptor) = descriptor else {
        return record;
    };
    // An absent required field reads as Odoo's empty value, so a partial
    // record decodes (the others default); not every field: a partner has 150.
    let mut full = record.clone();
    for field in descriptor.fields.iter().filter(|f| f.required) {
        full.entry(field.name.to_string())
            .or_insert(Value::Bool(false));
    }
    match (descriptor.check_record)(Value::Object(full)) {
        Ok(Value::Object(typed)) => {
            for (name, value) in record.iter_mut() {
                if let Some(typed) = typed.get(name) {
                    *value = typed.clone();
                }
            }
        }
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(model = descriptor.model, %error, "record does not fit the generated read struct");
        }
    }
    record
}

/// `id`, `display_name` and the list view's `columns` a default read takes
/// (no blobs); `None` when the view adds nothing to them.
fn view_fields(metadata: &ModelFields, columns: &[String]) -> Option<Vec<String>> {
    let mut fields = vec!["id".to_string()];
    if metadata.contains("display_name") {
        fields.push("display_name".into());
    }
    // `complete_name` (Odoo 18's contact list) is what `display_name` already says.
    let named = fields.len() > 1;
    let mut shown = false;
    for column in columns {
        if metadata.get(column).is_some_and(|f| !f.is_blob()) && !fields.contains(column) {
            shown = true;
            if !(named && column == "complete_name") {
                fields.push(column.clone());
            }
        }
    }
    shown.then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(names: &[&str]) -> ModelFields {
        let answer: Map<String, Value> = names
            .iter()
            .map(|n| (n.to_string(), json!({"type": "char", "string": n})))
            .collect();
        ModelFields::from_fields_get(&answer)
    }

    fn columns(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn complete_name_is_left_to_display_name() {
        let fields = metadata(&["display_name", "complete_name", "email"]);
        let picked = view_fields(&fields, &columns(&["complete_name", "email"]));
        assert_eq!(picked.unwrap(), ["id", "display_name", "email"]);
        // Without display_name it is the record's name: kept.
        let fields = metadata(&["complete_name", "email"]);
        let picked = view_fields(&fields, &columns(&["complete_name", "email"]));
        assert_eq!(picked.unwrap(), ["id", "complete_name", "email"]);
    }

    #[test]
    fn a_view_of_nothing_more_picks_nothing() {
        let fields = metadata(&["display_name", "complete_name"]);
        assert_eq!(view_fields(&fields, &columns(&["display_name"])), None);
        assert_eq!(view_fields(&fields, &[]), None);
        // A view of the name alone is still the view's choice.
        let picked = view_fields(&fields, &columns(&["complete_name"]));
        assert_eq!(picked.unwrap(), ["id", "display_name"]);
    }
}
