//! Writing one2many and many2many fields: Odoo's commands, typed by the
//! values of the records they make and change.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::value::RecordId;

/// One change to a one2many or many2many field, as Odoo's `Command` has it.
#[derive(Debug, Clone, PartialEq)]
pub enum X2ManyCommand<C, U> {
    /// Makes a record with these values and links it: `[0, 0, values]`.
    Create(C),
    /// Writes these values on a linked record: `[1, id, values]`.
    Update(RecordId, U),
    /// Deletes the record: `[2, id, 0]`.
    Delete(RecordId),
    /// Removes the link (a one2many's line may be deleted with it): `[3, id, 0]`.
    Unlink(RecordId),
    /// Links an existing record: `[4, id, 0]`.
    Link(RecordId),
    /// Removes every link: `[5, 0, 0]`.
    Clear,
    /// Replaces the links with these records: `[6, 0, ids]`.
    Set(Vec<RecordId>),
}

/// What a write does to a one2many or many2many field: commands, in order.
/// `C` and `U` are the values of the records it creates and updates (the
/// generated `…Create` and `…Update` types of the target model, or plain maps).
///
/// Sent to Odoo as its command list. Read from an object naming each change
/// (`{"create": [{…}], "update": [{"id": 5, "values": {…}}], "delete": [6],
/// "link": [3], "unlink": [4], "set": [1, 2], "clear": true}`), from Odoo's
/// command list, from a list of ids (set them) or from a list of objects
/// (create them).
#[derive(Debug, Clone, PartialEq)]
pub struct X2Many<C, U = C>(pub Vec<X2ManyCommand<C, U>>);

impl<C, U> Default for X2Many<C, U> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<C, U> X2Many<C, U> {
    /// Creates a record for each of `values`.
    pub fn create(values: impl IntoIterator<Item = C>) -> Self {
        Self(values.into_iter().map(X2ManyCommand::Create).collect())
    }

    /// Links exactly these records.
    pub fn set(ids: impl IntoIterator<Item = RecordId>) -> Self {
        Self(vec![X2ManyCommand::Set(ids.into_iter().collect())])
    }

    /// Adds links to these records.
    pub fn link(ids: impl IntoIterator<Item = RecordId>) -> Self {
        Self(ids.into_iter().map(X2ManyCommand::Link).collect())
    }
}

impl<C, U> From<Vec<RecordId>> for X2Many<C, U> {
    fn from(ids: Vec<RecordId>) -> Self {
        Self::set(ids)
    }
}

impl<C: Serialize, U: Serialize> Serialize for X2Many<C, U> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for command in &self.0 {
            match command {
                X2ManyCommand::Create(values) => seq.serialize_element(&(0, 0, values))?,
                X2ManyCommand::Update(id, values) => seq.serialize_element(&(1, id, values))?,
                X2ManyCommand::Delete(id) => seq.serialize_element(&(2, id, 0))?,
                X2ManyCommand::Unlink(id) => seq.serialize_element(&(3, id, 0))?,
                X2ManyCommand::Link(id) => seq.serialize_element(&(4, id, 0))?,
                X2ManyCommand::Clear => seq.serialize_element(&(5, 0, 0))?,
                X2ManyCommand::Set(ids) => seq.serialize_element(&(6, 0, ids))?,
            }
        }
        seq.end()
    }
}

/// The keys of the object form, in the order their commands run.
const KEYS: [&str; 7] = [
    "clear", "set", "unlink", "link", "delete", "update", "create",
];

fn ids(value: Value, what: &str) -> Result<Vec<RecordId>, String> {
    match value {
        Value::Array(items) => items.iter().map(|id| id_of(id, what)).collect(),
        other => Err(format!(
            "{what}: expected a list of record ids, got {other}"
        )),
    }
}

/// The values of one record to make or change, decoded as `T`. A field `T`
/// does not have is refused, not dropped: the generated types ignore names
/// they do not know, which would write less than asked.
fn values<T: DeserializeOwned + Serialize>(value: Value, what: &str) -> Result<T, String> {
    let given: Vec<String> = match &value {
        Value::Object(map) => map
            .iter()
            // Null and Odoo's `false` may leave an empty value out.
            .filter(|(_, v)| !v.is_null() && **v != Value::Bool(false))
            .map(|(k, _)| k.clone())
            .collect(),
        _ => Vec::new(),
    };
    let decoded = T::deserialize(value).map_err(|e| format!("{what}: {e}"))?;
    if !given.is_empty()
        && let Ok(Value::Object(kept)) = serde_json::to_value(&decoded)
        && let Some(lost) = given.iter().find(|k| !kept.contains_key(*k))
    {
        return Err(format!(
            "{what}: `{lost}` is not a field these values can write (unknown, read-only or computed)"
        ));
    }
    Ok(decoded)
}

fn id_of(value: &Value, what: &str) -> Result<RecordId, String> {
    value
        .as_i64()
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("{what}: expected a record id, got {value}"))
}

/// One of Odoo's commands, `[code, id, values]`.
fn odoo_command<C: DeserializeOwned + Serialize, U: DeserializeOwned + Serialize>(
    n: usize,
    command: Vec<Value>,
) -> Result<X2ManyCommand<C, U>, String> {
    let what = format!("command {n}");
    let mut parts = command.into_iter();
    let code = parts.next().and_then(|c| c.as_u64());
    let id = parts.next().unwrap_or(Value::Null);
    let third = parts.next().unwrap_or(Value::Null);
    Ok(match code {
        Some(0) => X2ManyCommand::Create(values(third, &what)?),
        Some(1) => X2ManyCommand::Update(id_of(&id, &what)?, values(third, &what)?),
        Some(2) => X2ManyCommand::Delete(id_of(&id, &what)?),
        Some(3) => X2ManyCommand::Unlink(id_of(&id, &what)?),
        Some(4) => X2ManyCommand::Link(id_of(&id, &what)?),
        Some(5) => X2ManyCommand::Clear,
        Some(6) => X2ManyCommand::Set(ids(third, &what)?),
        _ => {
            return Err(format!(
                "{what}: expected Odoo's [code, id, values] with a code from 0 to 6"
            ));
        }
    })
}

fn from_object<C: DeserializeOwned + Serialize, U: DeserializeOwned + Serialize>(
    mut object: Map<String, Value>,
) -> Result<Vec<X2ManyCommand<C, U>>, String> {
    if let Some(key) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(format!(
            "unknown change `{key}`: expected create, update, delete, link, unlink, set or clear"
        ));
    }
    let mut commands = Vec::new();
    for key in KEYS {
        let Some(value) = object.remove(key) else {
            continue;
        };
        let list = |value: Value| match value {
            Value::Array(items) => Ok(items),
            other => Err(format!("{key}: expected a list, got {other}")),
        };
        match key {
            "clear" if value == Value::Bool(true) => commands.push(X2ManyCommand::Clear),
            "clear" => {}
            "set" => commands.push(X2ManyCommand::Set(ids(value, key)?)),
            "unlink" => commands.extend(ids(value, key)?.into_iter().map(X2ManyCommand::Unlink)),
            "link" => commands.extend(ids(value, key)?.into_iter().map(X2ManyCommand::Link)),
            "delete" => commands.extend(ids(value, key)?.into_iter().map(X2ManyCommand::Delete)),
            "update" => {
                for (n, item) in list(value)?.into_iter().enumerate() {
                    let what = format!("update {n}");
                    let Value::Object(mut item) = item else {
                        return Err(format!("{what}: expected {{\"id\": …, \"values\": {{…}}}}"));
                    };
                    let id = id_of(item.get("id").unwrap_or(&Value::Null), &what)?;
                    let new = item.remove("values").unwrap_or(Value::Null);
                    commands.push(X2ManyCommand::Update(id, values(new, &what)?));
                }
            }
            _ => {
                for (n, item) in list(value)?.into_iter().enumerate() {
                    commands.push(X2ManyCommand::Create(values(item, &format!("create {n}"))?));
                }
            }
        }
    }
    Ok(commands)
}

fn from_list<C: DeserializeOwned + Serialize, U: DeserializeOwned + Serialize>(
    items: Vec<Value>,
) -> Result<Vec<X2ManyCommand<C, U>>, String> {
    if items.iter().all(Value::is_i64) {
        return Ok(vec![X2ManyCommand::Set(ids(Value::Array(items), "ids")?)]);
    }
    items
        .into_iter()
        .enumerate()
        .map(|(n, item)| match item {
            Value::Array(command) => odoo_command(n, command),
            Value::Object(_) => Ok(X2ManyCommand::Create(values(item, &format!("create {n}"))?)),
            other => Err(format!(
                "item {n}: expected Odoo's [code, id, values] or the values of a record to create, got {other}"
            )),
        })
        .collect()
}

impl<'de, C, U> Deserialize<'de> for X2Many<C, U>
where
    C: DeserializeOwned + Serialize,
    U: DeserializeOwned + Serialize,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let commands = match Value::deserialize(deserializer)? {
            Value::Object(object) => from_object(object),
            Value::Array(items) => from_list(items),
            other => Err(format!(
                "expected {{\"create\": […], \"link\": […], …}} or a list of Odoo commands, got {other}"
            )),
        };
        commands.map(Self).map_err(de::Error::custom)
    }
}

impl<C: JsonSchema, U: JsonSchema> JsonSchema for X2Many<C, U> {
    fn schema_name() -> Cow<'static, str> {
        format!("X2Many_{}_{}", C::schema_name(), U::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let create = generator.subschema_for::<C>();
        let update = generator.subschema_for::<U>();
        let ids = json!({"type": "array", "items": {"type": "integer", "format": "int64"}});
        json_schema!({
            "type": "object",
            "description": "Changes, run in this order: clear, set, unlink, link, delete, update, create",
            "properties": {
                "clear": {"type": "boolean", "description": "Remove every link"},
                "set": ids.clone(),
                "unlink": ids.clone(),
                "link": ids.clone(),
                "delete": ids,
                "update": {"type": "array", "items": {
                    "type": "object",
                    "properties": {"id": {"type": "integer", "format": "int64"}, "values": update},
                    "required": ["id", "values"]
                }},
                "create": {"type": "array", "items": create}
            },
            "additionalProperties": false
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Lines = X2Many<Map<String, Value>>;

    #[test]
    fn every_form_reads_as_odoo_commands() {
        let object: Lines = serde_json::from_value(json!({
            "create": [{"name": "new"}], "update": [{"id": 5, "values": {"qty": 2}}],
            "delete": [6], "link": [3], "unlink": [4], "set": [1, 2], "clear": true
        }))
        .unwrap();
        assert_eq!(
            serde_json::to_value(&object).unwrap(),
            json!([[5, 0, 0], [6, 0, [1, 2]], [3, 4, 0], [4, 3, 0], [2, 6, 0],
                   [1, 5, {"qty": 2}], [0, 0, {"name": "new"}]])
        );
        let odoo = json!([[0, 0, {"name": "a"}], [4, 7, 0], [6, 0, [8]]]);
        let commands: Lines = serde_json::from_value(odoo.clone()).unwrap();
        assert_eq!(serde_json::to_value(&commands).unwrap(), odoo);
        let ids: Lines = serde_json::from_value(json!([1, 2])).unwrap();
        assert_eq!(ids, X2Many::set([1, 2]));
        let creates: Lines = serde_json::from_value(json!([{"name": "a"}])).unwrap();
        assert_eq!(
            serde_json::to_value(&creates).unwrap(),
            json!([[0, 0, {"name": "a"}]])
        );
    }

    #[test]
    fn mistakes_are_named() {
        let error = |value: Value| {
            serde_json::from_value::<Lines>(value)
                .unwrap_err()
                .to_string()
        };
        assert!(error(json!({"add": [1]})).contains("unknown change `add`"));
        assert!(error(json!({"link": [0]})).contains("expected a record id"));
        assert!(error(json!({"update": [{"values": {}}]})).contains("update 0"));
        assert!(error(json!([[9, 0, 0]])).contains("code from 0 to 6"));
        assert!(error(json!("1,2")).contains("expected"));
        // As the generated types do: names they lack are ignored by the decoder.
        #[derive(Debug, Deserialize, Serialize)]
        struct Line {
            product_id: i64,
        }
        let typed = |value: Value| {
            serde_json::from_value::<X2Many<Line>>(value)
                .unwrap_err()
                .to_string()
        };
        let message = typed(json!({"create": [{"qty": 1}]}));
        assert!(
            message.contains("create 0") && message.contains("product_id"),
            "{message}"
        );
        let message = typed(json!({"create": [{"product_id": 1, "qty": 1}]}));
        assert!(message.contains("`qty` is not a field"), "{message}");
    }
}
