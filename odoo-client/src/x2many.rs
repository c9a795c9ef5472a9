//! Writing one2many and many2many fields: Odoo's commands, typed by the
//! values of the records they make and change.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::value::RecordId;

/// What a write does to a one2many or many2many field: Odoo's commands, in
/// order. `C` and `U` are the values of the records it creates and updates
/// (the generated `…Create` and `…Update` types of the target model, or plain
/// maps), checked and encoded when a command is added or read.
///
/// Sent to Odoo as its command list. Read from an object naming each change
/// (`{"create": [{…}], "update": [{"id": 5, "values": {…}}], "delete": [6],
/// "link": [3], "unlink": [4], "set": [1, 2], "clear": true}`), from Odoo's
/// command list (an empty one changes nothing), from a list of ids (set
/// them) or from a list of objects (create them).
///
/// The commands are held encoded: a generated type can contain itself
/// through its lines (a partner's contacts, a task's subtasks), and holding
/// the values would make every model's types one recursive knot.
pub struct X2Many<C, U = C> {
    commands: Vec<Value>,
    types: PhantomData<fn() -> (C, U)>,
}

impl<C, U> Default for X2Many<C, U> {
    fn default() -> Self {
        Self {
            commands: Vec::new(),
            types: PhantomData,
        }
    }
}

impl<C, U> Clone for X2Many<C, U> {
    fn clone(&self) -> Self {
        Self {
            commands: self.commands.clone(),
            types: PhantomData,
        }
    }
}

impl<C, U> PartialEq for X2Many<C, U> {
    fn eq(&self, other: &Self) -> bool {
        self.commands == other.commands
    }
}

impl<C, U> fmt::Debug for X2Many<C, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("X2Many").field(&self.commands).finish()
    }
}

impl<C, U> X2Many<C, U> {
    /// No change.
    pub fn new() -> Self {
        Self::default()
    }

    /// Odoo's commands, as sent: `[0, 0, values]`, `[4, id, 0]`, …
    pub fn commands(&self) -> &[Value] {
        &self.commands
    }

    fn push(mut self, code: u8, id: RecordId, third: Value) -> Self {
        self.commands.push(json!([code, id, third]));
        self
    }

    /// Deletes the record: `[2, id, 0]`.
    pub fn delete(self, id: RecordId) -> Self {
        self.push(2, id, json!(0))
    }

    /// Removes the link (a one2many's line may be deleted with it): `[3, id, 0]`.
    pub fn unlink(self, id: RecordId) -> Self {
        self.push(3, id, json!(0))
    }

    /// Links an existing record: `[4, id, 0]`.
    pub fn link(self, id: RecordId) -> Self {
        self.push(4, id, json!(0))
    }

    /// Removes every link: `[5, 0, 0]`.
    pub fn clear(self) -> Self {
        self.push(5, 0, json!(0))
    }

    /// Replaces the links with these records: `[6, 0, ids]`.
    pub fn set(self, ids: impl IntoIterator<Item = RecordId>) -> Self {
        let ids: Vec<RecordId> = ids.into_iter().collect();
        self.push(6, 0, json!(ids))
    }
}

impl<C: Serialize, U: Serialize> X2Many<C, U> {
    /// Makes a record with these values and links it: `[0, 0, values]`.
    pub fn create(self, values: &C) -> Result<Self, serde_json::Error> {
        let values = serde_json::to_value(values)?;
        Ok(self.push(0, 0, values))
    }

    /// Writes these values on a linked record: `[1, id, values]`.
    pub fn update(self, id: RecordId, values: &U) -> Result<Self, serde_json::Error> {
        let values = serde_json::to_value(values)?;
        Ok(self.push(1, id, values))
    }
}

impl<C, U> From<Vec<RecordId>> for X2Many<C, U> {
    fn from(ids: Vec<RecordId>) -> Self {
        Self::new().set(ids)
    }
}

impl<C, U> Serialize for X2Many<C, U> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.commands.serialize(serializer)
    }
}

/// The keys of the object form, in the order their commands run.
const KEYS: [&str; 7] = [
    "clear", "set", "unlink", "link", "delete", "update", "create",
];

fn id_of(value: &Value, what: &str) -> Result<RecordId, String> {
    value
        .as_i64()
        .filter(|id| *id > 0)
        .ok_or_else(|| format!("{what}: expected a record id, got {value}"))
}

fn ids(value: Value, what: &str) -> Result<Vec<RecordId>, String> {
    match value {
        Value::Array(items) => items.iter().map(|id| id_of(id, what)).collect(),
        other => Err(format!(
            "{what}: expected a list of record ids, got {other}"
        )),
    }
}

/// The values of one record to make or change, checked as `T` and encoded as
/// Odoo takes them. A field `T` does not have is refused, not dropped: the
/// generated types ignore names they do not know, which would write less
/// than asked.
fn values<T: DeserializeOwned + Serialize>(value: Value, what: &str) -> Result<Value, String> {
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
    let encoded = serde_json::to_value(&decoded).map_err(|e| format!("{what}: {e}"))?;
    if let Some(lost) = given.iter().find(|k| encoded.get(k.as_str()).is_none()) {
        return Err(format!(
            "{what}: `{lost}` is not a field these values can write (unknown, read-only or computed)"
        ));
    }
    Ok(encoded)
}

/// Reads and encodes commands, checking the values of records made and
/// changed as `C` and `U`.
struct Reader<C, U> {
    commands: Vec<Value>,
    types: PhantomData<fn() -> (C, U)>,
}

impl<C, U> Reader<C, U>
where
    C: DeserializeOwned + Serialize,
    U: DeserializeOwned + Serialize,
{
    fn push(&mut self, code: u8, id: RecordId, third: Value) {
        self.commands.push(json!([code, id, third]));
    }

    fn create(&mut self, item: Value, what: &str) -> Result<(), String> {
        let encoded = values::<C>(item, what)?;
        self.push(0, 0, encoded);
        Ok(())
    }

    fn update(&mut self, id: RecordId, item: Value, what: &str) -> Result<(), String> {
        let encoded = values::<U>(item, what)?;
        self.push(1, id, encoded);
        Ok(())
    }

    /// One of Odoo's commands, `[code, id, values]`.
    fn odoo_command(&mut self, n: usize, command: Vec<Value>) -> Result<(), String> {
        let what = format!("command {n}");
        let mut parts = command.into_iter();
        let code = parts.next().and_then(|c| c.as_u64());
        let id = parts.next().unwrap_or(Value::Null);
        let third = parts.next().unwrap_or(Value::Null);
        match code {
            Some(0) => self.create(third, &what)?,
            Some(1) => self.update(id_of(&id, &what)?, third, &what)?,
            Some(code @ 2..=4) => self.push(code as u8, id_of(&id, &what)?, json!(0)),
            Some(5) => self.push(5, 0, json!(0)),
            Some(6) => self.push(6, 0, json!(ids(third, &what)?)),
            _ => {
                return Err(format!(
                    "{what}: expected Odoo's [code, id, values] with a code from 0 to 6"
                ));
            }
        }
        Ok(())
    }

    fn object(&mut self, mut object: Map<String, Value>) -> Result<(), String> {
        if let Some(key) = object.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(format!(
                "unknown change `{key}`: expected create, update, delete, link, unlink, set or clear; records to create go in a list, e.g. {EXAMPLE}"
            ));
        }
        for key in KEYS {
            let Some(value) = object.remove(key) else {
                continue;
            };
            let list = |value: Value| match value {
                Value::Array(items) => Ok(items),
                other => Err(format!("{key}: expected a list, got {other}")),
            };
            match key {
                "clear" => match value {
                    Value::Bool(true) => self.push(5, 0, json!(0)),
                    Value::Bool(false) => {}
                    other => return Err(format!("clear: expected true or false, got {other}")),
                },
                "set" => {
                    let ids = ids(value, key)?;
                    self.push(6, 0, json!(ids));
                }
                "unlink" | "link" | "delete" => {
                    let code = match key {
                        "unlink" => 3,
                        "link" => 4,
                        _ => 2,
                    };
                    for id in ids(value, key)? {
                        self.push(code, id, json!(0));
                    }
                }
                "update" => {
                    for (n, item) in list(value)?.into_iter().enumerate() {
                        let what = format!("update {n}");
                        let expected =
                            || format!("{what}: expected {{\"id\": …, \"values\": {{…}}}}");
                        let Value::Object(mut item) = item else {
                            return Err(expected());
                        };
                        if item.keys().any(|k| k != "id" && k != "values") {
                            return Err(expected());
                        }
                        let id = id_of(item.get("id").unwrap_or(&Value::Null), &what)?;
                        let new = item.remove("values").unwrap_or(Value::Null);
                        self.update(id, new, &what)?;
                    }
                }
                _ => {
                    for (n, item) in list(value)?.into_iter().enumerate() {
                        self.create(item, &format!("create {n}"))?;
                    }
                }
            }
        }
        Ok(())
    }

    /// A record of a list: its values to create, or with an `id`, the new
    /// values of that linked record.
    fn record(&mut self, mut item: Map<String, Value>, n: usize) -> Result<(), String> {
        match item.remove("id") {
            None => self.create(Value::Object(item), &format!("item {n}")),
            Some(id) => {
                let what = format!("item {n}");
                let id = id_of(&id, &format!("{what}: `id`"))
                    .map_err(|e| format!("{e} (leave `id` out to create a record)"))?;
                self.update(id, Value::Object(item), &what)
            }
        }
    }

    fn list(&mut self, items: Vec<Value>) -> Result<(), String> {
        // No commands: Odoo changes nothing (a set of no ids would unlink all).
        if items.is_empty() {
            return Ok(());
        }
        if items.iter().all(Value::is_i64) {
            let ids = ids(Value::Array(items), "ids")?;
            self.push(6, 0, json!(ids));
            return Ok(());
        }
        for (n, item) in items.into_iter().enumerate() {
            match item {
                Value::Array(command) => self.odoo_command(n, command)?,
                Value::Object(record) => self.record(record, n)?,
                // Ids set the links only as a whole list: beside records they
                // would mean link, keep or set.
                other => return Err(format!("item {n}: {}, got {other}", wrong_shape())),
            }
        }
        Ok(())
    }
}

/// The shapes a one2many or many2many value may take, and an example: what a
/// wrong one is answered with (the MCP server's argument check says it too).
pub const SHAPES: &str = "a list of records to create ({field: value} objects; one with an \"id\" updates that record), a list of ids to set, or an object of changes {\"create\": [{…}], \"update\": [{\"id\": 5, \"values\": {…}}], \"delete\"/\"link\"/\"unlink\"/\"set\": [ids], \"clear\": true}";

/// A one-line example of the list of records.
pub const EXAMPLE: &str = "[{\"product_id\": 7, \"product_uom_qty\": 2}, {\"id\": 12, \"name\": \"Renamed\"}] creates one line and updates line 12";

fn wrong_shape() -> String {
    format!("expected {SHAPES}; e.g. {EXAMPLE}")
}

impl<'de, C, U> Deserialize<'de> for X2Many<C, U>
where
    C: DeserializeOwned + Serialize,
    U: DeserializeOwned + Serialize,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut reader = Reader::<C, U> {
            commands: Vec::new(),
            types: PhantomData,
        };
        let read = match Value::deserialize(deserializer)? {
            Value::Object(object) => reader.object(object),
            Value::Array(items) => reader.list(items),
            other => Err(format!("{}, got {other}", wrong_shape())),
        };
        read.map_err(de::Error::custom)?;
        Ok(Self {
            commands: reader.commands,
            types: PhantomData,
        })
    }
}

impl<C: JsonSchema, U: JsonSchema> JsonSchema for X2Many<C, U> {
    fn schema_name() -> Cow<'static, str> {
        format!("X2Many_{}_{}", C::schema_name(), U::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let create = generator.subschema_for::<C>().to_value();
        let update = generator.subschema_for::<U>().to_value();
        Schema::try_from(commands_schema(create, update)).unwrap_or_else(|_| json_schema!({}))
    }
}

/// The JSON Schema of what [`X2Many`] reads: a list of records to create
/// (whose values follow `create`; one with an `id` updates that record) or of
/// ids to set, or an object of changes whose created and updated values follow
/// `create` and `update`. Odoo's own command lists, which [`X2Many`] reads
/// too, are left out: a caller needs no third shape. odoo-codegen emits it
/// into the generated schemas too.
pub fn commands_schema(create: Value, update: Value) -> Value {
    let id = json!({"type": "integer", "format": "int64"});
    let ids = json!({"type": "array", "items": id});
    let list = json!({
        "type": "array",
        "description": "Records to create (with an id: to update), or ids to set",
        "items": {"anyOf": [id, create.clone()]}
    });
    json!({"anyOf": [list, {
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
                "properties": {"id": id, "values": update},
                "required": ["id", "values"],
                "additionalProperties": false
            }},
            "create": {"type": "array", "items": create}
        },
        "additionalProperties": false
    }]})
}

#[cfg(test)]
mod tests {
    use super::*;

    type Lines = X2Many<Map<String, Value>>;

    fn odoo(value: Value) -> Result<Value, String> {
        serde_json::from_value::<Lines>(value)
            .map(|x| serde_json::to_value(&x).unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn every_form_reads_as_odoo_commands() {
        let object = odoo(json!({
            "create": [{"name": "new"}], "update": [{"id": 5, "values": {"qty": 2}}],
            "delete": [6], "link": [3], "unlink": [4], "set": [1, 2], "clear": true
        }));
        assert_eq!(
            object.unwrap(),
            json!([[5, 0, 0], [6, 0, [1, 2]], [3, 4, 0], [4, 3, 0], [2, 6, 0],
                   [1, 5, {"qty": 2}], [0, 0, {"name": "new"}]])
        );
        let commands = json!([[0, 0, {"name": "a"}], [4, 7, 0], [6, 0, [8]]]);
        assert_eq!(odoo(commands.clone()).unwrap(), commands);
        assert_eq!(odoo(json!([1, 2])).unwrap(), json!([[6, 0, [1, 2]]]));
        assert_eq!(
            odoo(json!([{"name": "a"}])).unwrap(),
            json!([[0, 0, {"name": "a"}]])
        );
        let built = Lines::new()
            .create(&Map::from_iter([("name".to_string(), json!("b"))]))
            .unwrap()
            .link(9)
            .set([1]);
        assert_eq!(
            built.commands(),
            [
                json!([0, 0, {"name": "b"}]),
                json!([4, 9, 0]),
                json!([6, 0, [1]])
            ]
        );
        assert_eq!(Lines::from(vec![3]), Lines::new().set([3]));
    }

    #[test]
    fn mistakes_are_named() {
        let error = |value: Value| odoo(value).unwrap_err();
        assert!(error(json!({"add": [1]})).contains("unknown change `add`"));
        assert!(error(json!({"link": [0]})).contains("expected a record id"));
        assert!(error(json!({"update": [{"values": {}}]})).contains("update 0"));
        assert!(error(json!([[9, 0, 0]])).contains("code from 0 to 6"));
        assert!(error(json!("1,2")).contains("expected"));
        assert!(error(json!({"clear": "yes"})).contains("clear: expected true or false"));
        assert!(error(json!({"update": [{"id": 1, "values": {}, "qty": 2}]})).contains("update 0"));
        // An empty list changes nothing, as in Odoo.
        assert_eq!(odoo(json!([])).unwrap(), json!([]));
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

    #[test]
    fn a_list_of_records_creates_them_and_one_with_an_id_updates_it() {
        // The first shape an assistant writes: the lines themselves.
        assert_eq!(
            odoo(json!([{"product_id": 7, "product_uom_qty": 2}, {"product_id": 8}])).unwrap(),
            json!([[0, 0, {"product_id": 7, "product_uom_qty": 2}], [0, 0, {"product_id": 8}]])
        );
        assert_eq!(
            odoo(json!([{"id": 12, "name": "Renamed"}])).unwrap(),
            json!([[1, 12, {"name": "Renamed"}]])
        );
        // Mixed: creates, updates and Odoo's own commands, in the order given.
        assert_eq!(
            odoo(json!([{"name": "new"}, {"id": 3, "qty": 1}, [4, 9, 0], [2, 5, 0]])).unwrap(),
            json!([[0, 0, {"name": "new"}], [1, 3, {"qty": 1}], [4, 9, 0], [2, 5, 0]])
        );
        // Ids alone still set the links.
        assert_eq!(odoo(json!([4, 5])).unwrap(), json!([[6, 0, [4, 5]]]));
        // Typed values: the create type checks a create, the update type an update.
        #[derive(Debug, Deserialize, Serialize)]
        struct Create {
            product_id: i64,
        }
        #[derive(Debug, Deserialize, Serialize)]
        struct Update {
            #[serde(skip_serializing_if = "Option::is_none")]
            name: Option<String>,
        }
        let typed = |value: Value| {
            serde_json::from_value::<X2Many<Create, Update>>(value)
                .map(|x| serde_json::to_value(&x).unwrap())
                .map_err(|e| e.to_string())
        };
        assert_eq!(
            typed(json!([{"product_id": 7}, {"id": 2, "name": "b"}])).unwrap(),
            json!([[0, 0, {"product_id": 7}], [1, 2, {"name": "b"}]])
        );
        let message = typed(json!([{"name": "no product"}])).unwrap_err();
        assert!(
            message.contains("item 0") && message.contains("product_id"),
            "{message}"
        );
        let message = typed(json!([{"id": 2, "product_id": 7}])).unwrap_err();
        assert!(
            message.contains("item 0: `product_id` is not a field"),
            "{message}"
        );
    }

    #[test]
    fn a_wrong_shape_is_answered_with_the_accepted_ones_and_an_example() {
        let error = |value: Value| odoo(value).unwrap_err();
        let shapes_and_example = |message: &str| {
            message.contains("a list of records to create")
                && message.contains("a list of ids to set")
                && message.contains("an object of changes")
                && message.contains(r#"e.g. [{"product_id": 7, "product_uom_qty": 2}"#)
        };
        for wrong in [json!("7"), json!(7), json!(true)] {
            let message = error(wrong.clone());
            assert!(shapes_and_example(&message), "{wrong}: {message}");
            assert!(message.ends_with(&format!("got {wrong}")), "{message}");
        }
        // An id among records: set, link or keep? Refused, not guessed.
        let message = error(json!([{"name": "a"}, 4]));
        assert!(message.starts_with("item 1: expected"), "{message}");
        assert!(shapes_and_example(&message), "{message}");
        let message = error(json!([{"name": "a"}, "b"]));
        assert!(message.starts_with("item 1: expected") && message.ends_with("got \"b\""));
        let message = error(json!([{"id": "12", "name": "a"}]));
        assert!(
            message.contains("item 0: `id`: expected a record id")
                && message.contains("leave `id` out"),
            "{message}"
        );
        // One record sent bare, not in a list: the example shows the list.
        let message = error(json!({"product_id": 7}));
        assert!(message.contains("unknown change `product_id`"), "{message}");
        assert!(
            message.contains("records to create go in a list, e.g. [{"),
            "{message}"
        );
    }

    #[test]
    fn the_schema_lists_records_and_ids_in_the_list_form() {
        let schema = commands_schema(json!({"type": "object"}), json!({"type": "object"}));
        let list = &schema["anyOf"][0];
        assert_eq!(list["type"], "array");
        assert_eq!(
            list["items"]["anyOf"],
            json!([{"type": "integer", "format": "int64"}, {"type": "object"}])
        );
        assert_eq!(
            schema["anyOf"][1]["properties"]["create"]["items"],
            json!({"type": "object"})
        );
    }
}
