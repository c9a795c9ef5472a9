//! The buttons a person can press on a model's records: the object buttons
//! of its form and lists, and the server actions of its Action menu; and
//! whether a view shows one on a record, so that a button is pressed only
//! where a person could press it.

use std::sync::Arc;

use odoo_client::{OdooClient, RecordId};
use serde_json::{Map, Value, json};

use super::kwargs;
use super::view_expr::Condition;
use super::{Odoo, Target};
use crate::error::ToolError;
use odoo_client::views::{self as form_view, Button, Form};

impl Odoo {
    /// `model`'s known buttons (`views::known_buttons`), asked once and
    /// cached with the other metadata. Lists or bound actions Odoo will not
    /// describe (an older server, a model without them) add none; an Odoo
    /// that does not answer is an error, so nothing incomplete is cached.
    pub(crate) async fn buttons(&self, model: &str) -> Result<Arc<Form>, ToolError> {
        if let Some(buttons) = self.learned.forms.get(model) {
            return Ok(buttons);
        }
        let form = fetch_form(&self.client, model, None).await?;
        let lists: Vec<Form> = match form_view::list_archs(&self.client, model).await {
            Ok(archs) => archs.iter().map(|a| form_view::parse(a)).collect(),
            Err(error) if error.is_transport() => return Err(error.into()),
            Err(error) => {
                tracing::debug!(model, %error, "no list views");
                Vec::new()
            }
        };
        let actions = match form_view::bound_actions(&self.client, model).await {
            Ok(actions) => actions,
            Err(error) if error.is_transport() => return Err(error.into()),
            Err(error) => {
                tracing::debug!(model, %error, "no bound actions");
                Vec::new()
            }
        };
        let buttons = form_view::known_buttons(&form, &lists, &actions);
        Ok(self.learned.forms.insert(model, buttons))
    }

    /// The records of `ids` on which Odoo hides `button`, each with the
    /// values that hide it; a condition this server cannot evaluate hides
    /// nothing (Odoo itself decides).
    pub(crate) async fn hiding(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        button: &Button,
        ids: &[RecordId],
    ) -> Result<Vec<(RecordId, String)>, ToolError> {
        let Some(condition) = button.hidden_when.as_deref().and_then(Condition::parse) else {
            return Ok(Vec::new());
        };
        let metadata = self.metadata(target, &[]).await?;
        let names = condition.fields();
        // A name that is no field (a typo, `uid`) leaves the condition to Odoo.
        if names.iter().any(|n| n != "id" && !metadata.contains(n)) {
            return Ok(Vec::new());
        }
        let mut fields: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| *n != "id")
            .collect();
        // `read` without fields reads them all: a condition on `id` alone reads only it.
        if fields.is_empty() {
            fields.push("id");
        }
        let call = kwargs(vec![("fields", json!(fields))]);
        let rows = client
            .execute(target.name, "read", Some(ids), call, None)
            .await?;
        let mut hidden = Vec::new();
        for row in rows.as_array().into_iter().flatten() {
            let Some(record) = row.as_object() else {
                continue;
            };
            if condition.holds(record) == Some(true) {
                let id = record.get("id").and_then(Value::as_i64).unwrap_or_default();
                hidden.push((id, values_of(record, &fields)));
            }
        }
        Ok(hidden)
    }
}

impl Odoo {
    /// The form's own buttons (no smart buttons, no Action menu) the form
    /// shows on record `id`, from one read of the fields their conditions
    /// name; a condition this server cannot evaluate shows the button (Odoo
    /// decides when it is pressed).
    pub(crate) async fn shown_buttons(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        id: RecordId,
    ) -> Result<Vec<Button>, ToolError> {
        let form = self.buttons(target.name).await?;
        let metadata = self.metadata(target, &[]).await?;
        let candidates: Vec<(&Button, Option<Condition>)> = form
            .buttons
            .iter()
            .filter(|b| !b.stat && b.server_action.is_none())
            .map(|b| {
                let condition = b
                    .hidden_when
                    .as_deref()
                    .and_then(Condition::parse)
                    .filter(|c| c.fields().iter().all(|n| n == "id" || metadata.contains(n)));
                (b, condition)
            })
            .collect();
        let mut fields: Vec<String> = candidates
            .iter()
            .filter_map(|(_, c)| c.as_ref())
            .flat_map(Condition::fields)
            .filter(|n| n != "id")
            .collect();
        fields.sort();
        fields.dedup();
        fields.push("id".into());
        let call = kwargs(vec![("fields", json!(fields))]);
        let rows = client
            .execute(target.name, "read", Some(&[id]), call, None)
            .await?;
        let record = rows
            .as_array()
            .and_then(|rows| rows.first())
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        Ok(candidates
            .into_iter()
            .filter(|(_, c)| c.as_ref().and_then(|c| c.holds(&record)) != Some(true))
            .map(|(b, _)| b.clone())
            .collect())
    }
}

/// `model`'s default form view (`get_views`), asked in `context`; a model
/// without one has no fields or buttons to offer.
pub(crate) async fn fetch_form(
    client: &OdooClient,
    model: &str,
    context: Option<&Map<String, Value>>,
) -> Result<Form, odoo_client::Error> {
    Ok(form_view::default_arch(client, model, "form", context)
        .await?
        .as_deref()
        .map(form_view::parse)
        .unwrap_or_default())
}

/// `state = 'sale', locked = false`: the values a condition read.
fn values_of(record: &Map<String, Value>, fields: &[&str]) -> String {
    fields
        .iter()
        .filter_map(|f| {
            let value = match record.get(*f)? {
                Value::Array(pair) if pair.len() == 2 && pair[1].is_string() => pair[1].clone(),
                other => other.clone(),
            };
            Some(format!("{f} = {value}"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
