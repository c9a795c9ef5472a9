//! What a write sends: values checked against the model's fields, and on a
//! generated model against its generated types, before Odoo is asked.

use std::collections::BTreeSet;
use std::sync::Arc;

use odoo_client::registry::{FieldType, ModelDescriptor};
use odoo_client::{OdooClient, RecordId};
use serde_json::{Map, Value};

use super::{Odoo, Target, onchange};
use crate::arguments;
use crate::error::ToolError;

impl Odoo {
    /// The generated model's field types as a schema for any write's values:
    /// its update struct (types, selections), no field required, other fields
    /// left to Odoo. x2many fields are left out: generic calls send Odoo's
    /// commands, which the typed struct does not describe.
    fn value_schema(&self, descriptor: &ModelDescriptor) -> Option<Arc<Map<String, Value>>> {
        self.shared
            .value_schemas
            .get_or_init(descriptor.model, || values_schema(descriptor))
    }

    /// Checks each values map of a generic write against the generated types of
    /// `target`'s model, if it has them; `at(i)` names where the i-th map is.
    pub(crate) fn check_typed_values(
        &self,
        target: Target<'_>,
        list: &[Map<String, Value>],
        at: impl Fn(usize) -> String,
    ) -> Result<(), ToolError> {
        let Some(schema) = target.descriptor.and_then(|d| self.value_schema(d)) else {
            return Ok(());
        };
        for (i, values) in list.iter().enumerate() {
            arguments::check(&schema, &Value::Object(values.clone()))
                .map_err(|error| error.under(&at(i)))?;
        }
        Ok(())
    }

    /// Checks write values: typed tools through the generated struct, generic
    /// ones against the model's fields (so a typo is not silently dropped).
    pub(crate) async fn write_values(
        &self,
        typed_tool: Option<&str>,
        target: Target<'_>,
        values: &Map<String, Value>,
        encode: Option<fn(Value) -> Result<Value, serde_json::Error>>,
        argument: &'static str,
        dry_run: bool,
    ) -> Result<Map<String, Value>, ToolError> {
        if values.is_empty() {
            return Err(ToolError::Invalid {
                argument,
                message: "give at least one field value, e.g. {\"name\": \"Acme\"}".into(),
            });
        }
        let names: Vec<&str> = values.keys().map(String::as_str).collect();
        let metadata = self.metadata(target, &names).await?;
        Self::check_names(target, &metadata, &names, argument)?;
        let (Some(tool), Some(encode)) = (typed_tool, encode) else {
            // A dry run reports such problems in its plan instead.
            if !dry_run {
                self.check_typed_values(target, std::slice::from_ref(values), |_| {
                    argument.to_string()
                })?;
            }
            return Ok(values.clone());
        };
        let encoded = match encode(Value::Object(values.clone())) {
            Ok(Value::Object(encoded)) => encoded,
            Ok(other) => {
                return Err(ToolError::Invalid {
                    argument,
                    message: format!("expected an object of field values, got {other}"),
                });
            }
            Err(e) => {
                return Err(ToolError::Invalid {
                    argument,
                    message: e.to_string(),
                });
            }
        };
        // serde drops what the generated struct does not have: say so rather
        // than write less than asked.
        if let Some((name, _)) = values
            .iter()
            .find(|(name, value)| !value.is_null() && !encoded.contains_key(*name))
        {
            return Err(ToolError::Invalid {
                argument,
                message: format!(
                    "`{name}` cannot be written with {}: it is read-only or computed on {}",
                    tool, target.name
                ),
            });
        }
        Ok(encoded)
    }

    /// Checks every record's field names at once, so the error names the first unknown one.
    /// `at` says where the i-th values are (`records[i]`, `updates[i].values`).
    pub(crate) async fn batch_values(
        &self,
        target: Target<'_>,
        argument: &'static str,
        list: Vec<Map<String, Value>>,
        at: fn(usize) -> String,
        dry_run: bool,
    ) -> Result<Vec<Map<String, Value>>, ToolError> {
        if let Some(i) = list.iter().position(Map::is_empty) {
            return Err(ToolError::Invalid {
                argument,
                message: format!(
                    "{} must be an object with at least one field value, e.g. {{\"name\": \"Acme\"}}",
                    at(i)
                ),
            });
        }
        let names: BTreeSet<&str> = list
            .iter()
            .flat_map(|v| v.keys().map(String::as_str))
            .collect();
        let names: Vec<&str> = names.into_iter().collect();
        let metadata = self.metadata(target, &names).await?;
        Self::check_names(target, &metadata, &names, argument)?;
        if !dry_run {
            self.check_typed_values(target, &list, at)?;
        }
        Ok(list)
    }

    /// Creates the records. When Odoo refuses them (perhaps for a required
    /// value left out), adds what the model's form fills in the required fields each record
    /// leaves out (onchange, as the web client asks it before it saves) and
    /// tries once more; the refusal stands when the form fills none of them.
    pub(crate) async fn create_as_form(
        &self,
        client: &OdooClient,
        target: Target<'_>,
        values_list: Vec<Map<String, Value>>,
    ) -> Result<Vec<RecordId>, ToolError> {
        let refusal = match client.create(target.name, &values_list).await {
            Err(error) if onchange::may_lack_a_required_value(&error) => error,
            done => return done.map_err(ToolError::from_write),
        };
        match filled_as_form(client, target.name, &values_list).await {
            Some(filled) => {
                tracing::debug!(
                    model = target.name,
                    "create refused for a value left out; retried with its form's values"
                );
                client
                    .create(target.name, &filled)
                    .await
                    .map_err(ToolError::from_write)
            }
            None => Err(ToolError::from_write(refusal)),
        }
    }
}

/// Each record's values with what `model`'s form fills in the required fields
/// it leaves out; `None` when that adds nothing or Odoo cannot say.
async fn filled_as_form(
    client: &OdooClient,
    model: &str,
    values_list: &[Map<String, Value>],
) -> Option<Vec<Map<String, Value>>> {
    let defs = client
        .fields_get(model, super::FIELD_ATTRIBUTES)
        .await
        .ok()?;
    let kind = |name: &str| onchange::field_type(&defs, name);
    let required = onchange::required_fields(&defs, true);
    let mut added = false;
    let mut filled = Vec::with_capacity(values_list.len());
    for values in values_list {
        let left_out: Vec<&str> = required
            .iter()
            .copied()
            .filter(|f| !values.contains_key(*f))
            .collect();
        let mut values = values.clone();
        if !left_out.is_empty() {
            let proposed = onchange::form_values(client, model, &values, &left_out, kind, None)
                .await
                .ok()?;
            for (name, value) in proposed {
                if left_out.contains(&name.as_str()) && !super::is_empty(&value) {
                    values.insert(name, value);
                    added = true;
                }
            }
        }
        filled.push(values);
    }
    added.then_some(filled)
}

/// What [`Odoo::value_schema`] holds for one model; `None` without an update struct.
fn values_schema(descriptor: &ModelDescriptor) -> Option<Map<String, Value>> {
    let schema = crate::arguments::inline_refs(Value::from((descriptor.update_schema?)()));
    let Value::Object(mut schema) = schema else {
        return None;
    };
    for key in ["required", "additionalProperties", "title", "description"] {
        schema.remove(key);
    }
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.retain(|name, _| {
            descriptor
                .field(name)
                .is_none_or(|f| !matches!(f.ttype, FieldType::One2many | FieldType::Many2many))
        });
    }
    Some(schema)
}
