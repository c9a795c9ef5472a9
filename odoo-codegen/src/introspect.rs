//! Live introspection: three batched `search_read` calls, whatever the number of
//! models (over JSON/2 or XML-RPC, whichever odoo-client picked):
//! 1. every `ir.model` row (a few hundred small rows), matched against the config here;
//! 2. `ir.model.fields` of the selected models, plus every selection and many2one
//!    field (to resolve related selections);
//! 3. `ir.model.fields.selection` of those selection fields.

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget};
use odoo_client::OdooClient;
use odoo_client::registry::FieldType;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::Error;
use crate::config::CodegenConfig;
use crate::raw::{FIELD_COLUMNS, MODEL_COLUMNS, RawMetadata, SELECTION_COLUMNS};
use crate::snapshot::Snapshot;

async fn search_read<T: DeserializeOwned>(
    client: &OdooClient,
    model: &'static str,
    domain: Value,
    fields: &[&str],
) -> Result<Vec<T>, Error> {
    let mut kwargs = Map::new();
    kwargs.insert("domain".into(), domain);
    kwargs.insert("fields".into(), json!(fields));
    kwargs.insert("order".into(), json!("id"));
    // Custom fields and translated labels come in the server's language unless told.
    let value = client
        .execute(model, "search_read", None, kwargs, None)
        .await
        .map_err(|source| Error::Odoo {
            model,
            source: Box::new(source),
        })?;
    serde_json::from_value(value).map_err(|source| Error::OdooShape { model, source })
}

fn progress() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(3), ProgressDrawTarget::stderr());
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// The `wanted` columns that `model` has on this instance: metadata models gain
/// fields across versions (`ir.model.abstract` is new in 19), so ask, never assume.
async fn existing_columns(
    client: &OdooClient,
    model: &'static str,
    wanted: &[&'static str],
) -> Result<Vec<&'static str>, Error> {
    let missing = client
        .missing_fields(model, wanted.iter().copied())
        .await
        .map_err(|source| Error::Odoo {
            model,
            source: Box::new(source),
        })?;
    if !missing.is_empty() {
        tracing::info!(model, ?missing, "columns this Odoo version does not have");
    }
    Ok(wanted
        .iter()
        .copied()
        .filter(|c| !missing.contains(c))
        .collect())
}

/// Reads the metadata of the models `config` selects and returns their snapshot.
pub async fn introspect(client: &OdooClient, config: &CodegenConfig) -> Result<Snapshot, Error> {
    let bar = progress();
    bar.set_message("ir.model");
    let model_columns = existing_columns(client, "ir.model", MODEL_COLUMNS).await?;
    let models: Vec<crate::raw::RawModel> =
        search_read(client, "ir.model", json!([]), &model_columns).await?;
    let origin = format!("the Odoo at {}", client.config().url);
    let selected = config.select(models.iter().map(|m| m.model.as_str()), &origin)?;
    let ids: Vec<i64> = models
        .iter()
        .filter(|m| selected.binary_search(&m.model).is_ok())
        .map(|m| m.id)
        .collect();
    bar.inc(1);
    bar.set_message(format!("ir.model.fields of {} models", ids.len()));
    let mut fields_columns = existing_columns(client, "ir.model.fields", FIELD_COLUMNS).await?;
    fields_columns.push("id");
    // Also every selection and many2one field of the instance (a few thousand
    // small rows): related selections take their values from the field they
    // mirror, found by walking the many2one path, possibly through other models.
    let fields: Vec<crate::raw::RawField> = search_read(
        client,
        "ir.model.fields",
        json!([
            "|",
            ["model_id", "in", ids],
            ["ttype", "in", [FieldType::Selection, FieldType::Many2one]]
        ]),
        &fields_columns,
    )
    .await?;
    bar.inc(1);
    let selection_fields: Vec<i64> = fields
        .iter()
        .filter(|f| matches!(f.ttype, FieldType::Selection | FieldType::Reference))
        .map(|f| f.id)
        .collect();
    bar.set_message("ir.model.fields.selection");
    let selections = if selection_fields.is_empty() {
        Vec::new()
    } else {
        search_read(
            client,
            "ir.model.fields.selection",
            json!([["field_id", "in", selection_fields]]),
            SELECTION_COLUMNS,
        )
        .await?
    };
    bar.inc(1);
    let (computed, defaulted) = computed_and_defaulted(client, &selected, &fields, &bar).await;
    let concrete: Vec<&String> = selected
        .iter()
        .filter(|name| models.iter().any(|m| &m.model == *name && !m.is_abstract))
        .collect();
    let forms = forms(client, &concrete, &bar).await;
    let (lists, actions) = lists_and_actions(client, &concrete, &bar).await;
    bar.finish_and_clear();
    tracing::info!(
        models = selected.len(),
        fields = fields.len(),
        selection_values = selections.len(),
        "introspected"
    );
    let raw = RawMetadata {
        models,
        fields,
        selections,
        computed,
        defaulted,
        forms,
        lists,
        actions,
        ..Default::default()
    };
    Ok(raw.assemble(Some(&selected)))
}

type PerModel = BTreeMap<String, BTreeSet<String>>;

/// The arch of each model's default form (`get_views`), for its buttons. A
/// model whose form cannot be read (access, a broken view) has no buttons.
async fn forms(
    client: &OdooClient,
    models: &[&String],
    bar: &ProgressBar,
) -> BTreeMap<String, String> {
    let mut forms = BTreeMap::new();
    for model in models {
        bar.set_message(format!("form view of {model}"));
        match odoo_client::views::default_arch(client, model, "form", None).await {
            Ok(Some(arch)) => {
                forms.insert(model.to_string(), arch);
            }
            Ok(None) => {}
            Err(error) => tracing::debug!(model = model.as_str(), %error, "no form view"),
        }
    }
    forms
}

/// The archs of each model's list views and the server actions bound to it,
/// for their buttons; a model Odoo will not describe has none.
async fn lists_and_actions(
    client: &OdooClient,
    models: &[&String],
    bar: &ProgressBar,
) -> (
    BTreeMap<String, Vec<String>>,
    BTreeMap<String, Vec<odoo_client::views::BoundAction>>,
) {
    let (mut lists, mut actions) = (BTreeMap::new(), BTreeMap::new());
    for model in models {
        bar.set_message(format!("list views and actions of {model}"));
        match odoo_client::views::list_archs(client, model).await {
            Ok(archs) => {
                lists.insert(model.to_string(), archs);
            }
            Err(error) => tracing::debug!(model = model.as_str(), %error, "no list views"),
        }
        match odoo_client::views::bound_actions(client, model).await {
            Ok(bound) => {
                actions.insert(model.to_string(), bound);
            }
            Err(error) => tracing::debug!(model = model.as_str(), %error, "no bound actions"),
        }
    }
    (lists, actions)
}

/// The fields Odoo computes (`fields_get`'s `depends`) and the ones
/// `default_get` fills, per selected model: what a create may leave out. A
/// model that refuses either (a wizard that needs its context) counts as
/// computing and defaulting nothing.
async fn computed_and_defaulted(
    client: &OdooClient,
    selected: &[String],
    fields: &[crate::raw::RawField],
    bar: &ProgressBar,
) -> (PerModel, PerModel) {
    let (mut computed, mut defaulted) = (PerModel::new(), PerModel::new());
    for model in selected {
        bar.set_message(format!("fields_get and default_get of {model}"));
        let attributes = [("attributes".to_string(), json!(["depends"]))];
        match client
            .execute(
                model,
                "fields_get",
                None,
                attributes.into_iter().collect(),
                None,
            )
            .await
        {
            Ok(Value::Object(defs)) => {
                let names = defs
                    .into_iter()
                    .filter(|(_, def)| def["depends"].as_array().is_some_and(|d| !d.is_empty()))
                    .map(|(name, _)| name)
                    .collect();
                computed.insert(model.clone(), names);
            }
            Ok(_) => {}
            Err(error) => tracing::debug!(model, %error, "no fields_get depends"),
        }
        let names: Vec<&str> = fields
            .iter()
            .filter(|f| &f.model == model)
            .map(|f| f.name.as_str())
            .collect();
        let wanted = [("fields".to_string(), json!(names))];
        match client
            .execute(
                model,
                "default_get",
                None,
                wanted.into_iter().collect(),
                None,
            )
            .await
        {
            Ok(Value::Object(values)) => {
                let names = values
                    .into_iter()
                    .filter(|(_, v)| {
                        !matches!(v, Value::Null | Value::Bool(false))
                            && v != &json!([])
                            && v != &json!("")
                    })
                    .map(|(name, _)| name)
                    .collect();
                defaulted.insert(model.clone(), names);
            }
            Ok(_) => {}
            Err(error) => tracing::debug!(model, %error, "no default_get"),
        }
    }
    (computed, defaulted)
}
