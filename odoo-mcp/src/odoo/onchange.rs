//! What a new record's form fills: Odoo's `onchange` asked as the web client
//! asks it before it saves a new record (its 17+ signature: no field changed
//! yet, so Odoo adds its defaults, applies every onchange and compute, and
//! answers each field of the spec), with the caller's values as typed in.
//! Wizards, dry runs and creates that Odoo refuses for a required value left
//! out all ask it here.

use odoo_client::registry::FieldType;
use odoo_client::{Error as OdooError, OdooClient};
use serde_json::{Map, Value, json};

use super::{computed_on_create, kwargs};

/// The values `model`'s form gives `fields` when `typed` is typed into a new
/// record, as `create` takes them (see [`form_value`]). `kind` gives a field's
/// type; fields it does not know are left out.
pub(crate) async fn form_values(
    client: &OdooClient,
    model: &str,
    typed: &Map<String, Value>,
    fields: &[&str],
    kind: impl Fn(&str) -> Option<FieldType>,
    context: Option<&Map<String, Value>>,
) -> Result<Map<String, Value>, OdooError> {
    let spec: Map<String, Value> = fields.iter().map(|f| (f.to_string(), json!({}))).collect();
    let call = kwargs(vec![
        ("values", Value::Object(typed.clone())),
        ("field_names", json!([])),
        ("fields_spec", Value::Object(spec)),
    ]);
    // Not an @api.model method: over XML-RPC it needs `[]` for its ids.
    let answer = client
        .execute(model, "onchange", Some(&[]), call, context)
        .await?;
    let Some(Value::Object(values)) = answer.get("value") else {
        return Err(OdooError::UnexpectedResponse {
            status: 200,
            detail: format!("onchange answered without a value: {answer}"),
        });
    };
    Ok(values
        .iter()
        .filter_map(|(name, value)| Some((name.clone(), form_value(kind(name)?, value)?)))
        .collect())
}

/// The required fields a new record's values must give or its form fill:
/// writable ones, but x2many lines and the magic ones. Computed ones too when
/// `computed` (a create Odoo refused: a compute left one empty); else they
/// are Odoo's to fill (see [`computed_on_create`]).
pub(crate) fn required_fields(defs: &Map<String, Value>, computed: bool) -> Vec<&str> {
    defs.iter()
        .filter(|(name, def)| {
            let kind = def
                .get("type")
                .and_then(Value::as_str)
                .map(FieldType::parse);
            def.get("required") == Some(&Value::Bool(true))
                && def.get("readonly") != Some(&Value::Bool(true))
                && (computed || !computed_on_create(def))
                && !matches!(kind, Some(FieldType::One2many | FieldType::Many2many))
                && !matches!(name.as_str(), "id" | "create_uid" | "write_uid")
        })
        .map(|(name, _)| name.as_str())
        .collect()
}

/// A field's type in `fields_get`'s definitions.
pub(crate) fn field_type(defs: &Map<String, Value>, name: &str) -> Option<FieldType> {
    Some(FieldType::parse(defs.get(name)?.get("type")?.as_str()?))
}

/// An onchange value as `create` and the descriptions take it: a many2one's
/// id (`{id, display_name}`, `[id, name]` or the id), an x2many's ids from
/// its commands; none for x2many lines to create (Odoo's default makes them).
pub(crate) fn form_value(kind: FieldType, value: &Value) -> Option<Value> {
    match (kind, value) {
        (FieldType::Many2one, Value::Object(record)) => record.get("id").cloned(),
        (FieldType::Many2one, Value::Array(pair)) => pair.first().cloned(),
        (FieldType::One2many | FieldType::Many2many, Value::Array(commands)) => {
            let mut ids: Vec<Value> = Vec::new();
            for command in commands {
                let Some(command) = command.as_array() else {
                    ids.push(command.clone());
                    continue;
                };
                let id = command.get(1).cloned().unwrap_or(Value::Null);
                match command.first().and_then(Value::as_i64) {
                    Some(1 | 4) if !ids.contains(&id) => ids.push(id),
                    Some(1 | 4) => {}
                    Some(2 | 3) => ids.retain(|i| *i != id),
                    Some(5) => ids.clear(),
                    Some(6) => ids = command.get(2)?.as_array()?.clone(),
                    _ => return None,
                }
            }
            Some(Value::Array(ids))
        }
        _ => Some(value.clone()),
    }
}

/// Whether Odoo's refusal of a create may be a required field left without a
/// value (its NOT NULL column): a validation or server error. Its words (19:
/// "Missing required value", 18: "a mandatory field is not set") are in the
/// user's language, so they are not relied on: what the form fills decides.
pub(crate) fn may_lack_a_required_value(error: &OdooError) -> bool {
    matches!(error, OdooError::Validation(_) | OdooError::Server(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onchange_values_come_as_ids() {
        let m2o = FieldType::Many2one;
        assert_eq!(
            form_value(m2o, &json!({"id": 7, "display_name": "Sales"})),
            Some(json!(7))
        );
        assert_eq!(form_value(m2o, &json!([7, "Sales"])), Some(json!(7)));
        assert_eq!(form_value(m2o, &json!(7)), Some(json!(7)));
        assert_eq!(form_value(m2o, &json!(false)), Some(json!(false)));
        let m2m = FieldType::Many2many;
        let commands = json!([[4, 71, {"id": 71}], [4, 72, {"id": 72}], [3, 72, 0]]);
        assert_eq!(form_value(m2m, &commands), Some(json!([71])));
        assert_eq!(
            form_value(m2m, &json!([[6, 0, [1, 2]]])),
            Some(json!([1, 2]))
        );
        // Lines to create are left to Odoo's defaults.
        let lines = json!([[0, "virtual_1", {"name": "x"}]]);
        assert_eq!(form_value(FieldType::One2many, &lines), None);
    }

    #[test]
    fn a_refused_create_may_lack_a_value_whatever_its_language() {
        let fault = |message: &str| odoo_client::OdooFault {
            name: "odoo.exceptions.ValidationError".into(),
            message: message.into(),
            status: Some(422),
        };
        let french = "L'opération ne peut pas être effectuée : Valeur requise manquante pour le champ « Emplacement » (location_id).";
        assert!(may_lack_a_required_value(&OdooError::Validation(fault(
            french
        ))));
        assert!(!may_lack_a_required_value(&OdooError::AccessDenied(fault(
            "no"
        ))));
        assert!(!may_lack_a_required_value(&OdooError::Timeout {
            after: std::time::Duration::from_secs(1)
        }));
    }
}
