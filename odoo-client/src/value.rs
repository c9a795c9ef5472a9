//! Odoo's wire values and serde helpers for them.
//!
//! Odoo sends `false` for an empty field of any type, a many2one as
//! `[id, "display name"]`, dates as `YYYY-MM-DD` and datetimes as
//! `YYYY-MM-DD HH:MM:SS` in UTC. The helpers here map those to `Option<T>`,
//! [`Many2One`] and chrono types; use them with `deserialize_with` /
//! `serialize_with` so schemars keeps deriving the schema from the field type.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

/// Odoo's datetime wire format (UTC, no offset).
pub const DATETIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";
/// Odoo's date wire format.
pub const DATE_FORMAT: &str = "%Y-%m-%d";

/// Record id as Odoo uses it.
pub type RecordId = i64;

/// A many2one value: the target's id and display name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Many2One {
    pub id: RecordId,
    pub name: String,
}

impl Many2One {
    pub fn new(id: RecordId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: name.into(),
        }
    }
}

impl Serialize for Many2One {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tuple = serializer.serialize_tuple(2)?;
        tuple.serialize_element(&self.id)?;
        tuple.serialize_element(&self.name)?;
        tuple.end()
    }
}

impl<'de> Deserialize<'de> for Many2One {
    /// Accepts `[id, "name"]` (read), a bare id (some write results), and
    /// `{"id": .., "display_name": ..}` (web_search_read specifications).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Many2OneVisitor;
        impl<'de> Visitor<'de> for Many2OneVisitor {
            type Value = Many2One;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a many2one value: [id, \"name\"] or an id")
            }
            fn visit_i64<E: de::Error>(self, id: i64) -> Result<Many2One, E> {
                Ok(Many2One::new(id, ""))
            }
            fn visit_u64<E: de::Error>(self, id: u64) -> Result<Many2One, E> {
                i64::try_from(id)
                    .map(|id| Many2One::new(id, ""))
                    .map_err(|_| E::custom("many2one id out of range"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Many2One, A::Error> {
                let id: i64 = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                // Odoo sends `false` as the name when the target has no display name.
                let name: Option<NameOrFalse> = seq.next_element()?;
                if seq.next_element::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_length(3, &self));
                }
                Ok(Many2One::new(id, name.map(|n| n.0).unwrap_or_default()))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Many2One, A::Error> {
                let mut id = None;
                let mut name = String::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "id" => id = Some(map.next_value::<i64>()?),
                        "display_name" | "name" => name = map.next_value::<NameOrFalse>()?.0,
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
                Ok(Many2One::new(id, name))
            }
        }
        deserializer.deserialize_any(Many2OneVisitor)
    }
}

impl JsonSchema for Many2One {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Many2One".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "array",
            "description": "A related record as [id, display name]",
            "prefixItems": [{"type": "integer"}, {"type": "string"}],
            "minItems": 2,
            "maxItems": 2
        })
    }
}

/// A string that Odoo may send as `false`.
struct NameOrFalse(String);

impl<'de> Deserialize<'de> for NameOrFalse {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match FalseOr::<String>::deserialize(deserializer)? {
            FalseOr::Value(s) => Ok(NameOrFalse(s)),
            FalseOr::Empty => Ok(NameOrFalse(String::new())),
        }
    }
}

/// `false` or `null` (Odoo's empty value), or a `T`.
enum FalseOr<T> {
    Empty,
    Value(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for FalseOr<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Buffer once so that `T` sees the original value when it is not `false`.
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::Bool(false) | serde_json::Value::Null => Ok(FalseOr::Empty),
            other => T::deserialize(other)
                .map(FalseOr::Value)
                .map_err(de::Error::custom),
        }
    }
}

/// `deserialize_with` for `Option<T>` fields: Odoo's `false` (and `null`) become `None`.
///
/// Not for boolean fields, where `false` is a value.
pub fn false_as_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(match FalseOr::<T>::deserialize(deserializer)? {
        FalseOr::Empty => None,
        FalseOr::Value(v) => Some(v),
    })
}

/// `deserialize_with` for x2many fields: an id list, with `false` read as empty.
pub fn ids_or_false<'de, D>(deserializer: D) -> Result<Vec<RecordId>, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match FalseOr::<Vec<RecordId>>::deserialize(deserializer)? {
        FalseOr::Empty => Vec::new(),
        FalseOr::Value(v) => v,
    })
}

/// `deserialize_with` for required string-like fields that Odoo may still send as `false`.
pub fn string_or_false<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(NameOrFalse::deserialize(deserializer)?.0)
}

/// One record as Odoo sends it: field name → value.
pub type RecordMap = serde_json::Map<String, serde_json::Value>;

/// `Deserialize` for a generated struct: reads an object (one record or payload)
/// and hands it to `from_record`, the struct's own decoder.
///
/// odoo-codegen emits this instead of `#[derive(Deserialize)]`: the derive
/// expands into a field enum, a visitor and one wrapper type per
/// `deserialize_with` field, all generic over the deserializer; here the only
/// generic code is this small function, and `from_record` (plain code, compiled
/// once) decodes each field from a `serde_json::Value` with the helpers of this
/// module, so the values, defaults and error messages are those of the derive.
/// `name` is the struct's name, for "expected struct …" errors.
pub fn deserialize_record<'de, D, T>(
    deserializer: D,
    name: &'static str,
    from_record: fn(RecordMap) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct RecordVisitor(&'static str);
    impl<'de> Visitor<'de> for RecordVisitor {
        type Value = RecordMap;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            write!(f, "struct {}", self.0)
        }
        fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<RecordMap, A::Error> {
            let mut record = RecordMap::new();
            while let Some(key) = map.next_key::<String>()? {
                if record.contains_key(&key) {
                    return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                }
                let value = map.next_value()?;
                record.insert(key, value);
            }
            Ok(record)
        }
    }
    let record = deserializer.deserialize_map(RecordVisitor(name))?;
    from_record(record).map_err(de::Error::custom)
}

/// Decodes one field's `value` with `decode` into its `slot`, for a generated
/// `from_record`: one call per field, so that a large struct's decoder stays
/// small (no early return per field, each dropping every other field).
pub fn decode<T>(
    slot: &mut Option<T>,
    value: serde_json::Value,
    decode: fn(serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<(), serde_json::Error> {
    *slot = Some(decode(value)?);
    Ok(())
}

/// serde's "missing field" error for the first field without a default that
/// the input lacked (`(name, given)` in the struct's order), for a generated
/// `from_record`: one check before the struct is built.
pub fn check_required(fields: &[(&'static str, bool)]) -> Result<(), serde_json::Error> {
    match fields.iter().find(|(_, given)| !given) {
        Some((name, _)) => Err(missing_field(name)),
        None => Ok(()),
    }
}

/// The value of a field that [`check_required`] found given.
pub fn given<T>(slot: Option<T>) -> T {
    slot.expect("check_required saw this field given")
}

/// Decodes one field's value as `T` (its plain `Deserialize`), for a
/// generated `from_record`.
pub fn field<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, serde_json::Error> {
    T::deserialize(value)
}

/// One field of a generated struct as it is sent, for its `to_fields`.
pub fn put<T: Serialize + ?Sized>(
    fields: &mut Vec<(&'static str, serde_json::Value)>,
    name: &'static str,
    value: &T,
) -> Result<(), serde_json::Error> {
    fields.push((name, serde_json::to_value(value)?));
    Ok(())
}

/// [`put`] through a `serialize_with` helper (dates and datetimes).
pub fn put_with<T: ?Sized>(
    fields: &mut Vec<(&'static str, serde_json::Value)>,
    name: &'static str,
    value: &T,
    serialize: fn(
        &T,
        serde_json::value::Serializer,
    ) -> Result<serde_json::Value, serde_json::Error>,
) -> Result<(), serde_json::Error> {
    fields.push((name, serialize(value, serde_json::value::Serializer)?));
    Ok(())
}

/// `Serialize` for a generated struct: its fields, as its plain `to_fields`
/// encodes them, written as serde's derive writes a struct named `name`.
pub fn serialize_fields<S: Serializer>(
    serializer: S,
    name: &'static str,
    fields: Result<Vec<(&'static str, serde_json::Value)>, serde_json::Error>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::{Error as _, SerializeStruct};
    let fields = fields.map_err(S::Error::custom)?;
    let mut state = serializer.serialize_struct(name, fields.len())?;
    for (key, value) in &fields {
        state.serialize_field(key, value)?;
    }
    state.end()
}

/// A field's decoding error, naming the field (serde's own errors do not),
/// for a generated `from_record`.
pub fn in_field(name: &str, error: serde_json::Error) -> serde_json::Error {
    de::Error::custom(format_args!("`{name}`: {error}"))
}

/// serde's "missing field `name`" error, for a generated `from_record`.
pub fn missing_field(name: &'static str) -> serde_json::Error {
    de::Error::missing_field(name)
}

/// Serde helpers for `chrono::NaiveDateTime` in Odoo's `YYYY-MM-DD HH:MM:SS` (UTC).
pub mod datetime {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer, Serializer, de};

    use super::{DATETIME_FORMAT, FalseOr};

    pub fn parse(s: &str) -> Result<NaiveDateTime, chrono::ParseError> {
        NaiveDateTime::parse_from_str(s, DATETIME_FORMAT)
            // Tolerate ISO `T` separator and fractional seconds from other sources.
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f"))
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f"))
    }

    pub fn serialize<S: Serializer>(
        value: &NaiveDateTime,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format(DATETIME_FORMAT))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<NaiveDateTime, D::Error> {
        let s = String::deserialize(deserializer)?;
        parse(&s).map_err(|e| de::Error::custom(format!("invalid Odoo datetime {s:?}: {e}")))
    }

    /// For `Option<NaiveDateTime>`: `false`/`null` ↔ `None`.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            value: &Option<NaiveDateTime>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<NaiveDateTime>, D::Error> {
            match FalseOr::<String>::deserialize(deserializer)? {
                FalseOr::Empty => Ok(None),
                FalseOr::Value(s) => parse(&s)
                    .map(Some)
                    .map_err(|e| de::Error::custom(format!("invalid Odoo datetime {s:?}: {e}"))),
            }
        }
    }
}

/// Serde helpers for `chrono::NaiveDate` in Odoo's `YYYY-MM-DD`.
pub mod date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer, de};

    use super::{DATE_FORMAT, FalseOr};

    pub fn serialize<S: Serializer>(value: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&value.format(DATE_FORMAT))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let s = String::deserialize(deserializer)?;
        NaiveDate::parse_from_str(&s, DATE_FORMAT)
            .map_err(|e| de::Error::custom(format!("invalid Odoo date {s:?}: {e}")))
    }

    /// For `Option<NaiveDate>`: `false`/`null` ↔ `None`.
    pub mod option {
        use super::*;

        pub fn serialize<S: Serializer>(
            value: &Option<NaiveDate>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(v) => super::serialize(v, serializer),
                None => serializer.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<NaiveDate>, D::Error> {
            match FalseOr::<String>::deserialize(deserializer)? {
                FalseOr::Empty => Ok(None),
                FalseOr::Value(s) => NaiveDate::parse_from_str(&s, DATE_FORMAT)
                    .map(Some)
                    .map_err(|e| de::Error::custom(format!("invalid Odoo date {s:?}: {e}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, NaiveDateTime};
    use serde_json::json;

    #[derive(Debug, Deserialize, Serialize, PartialEq)]
    struct Row {
        #[serde(default, deserialize_with = "false_as_none")]
        email: Option<String>,
        #[serde(default, deserialize_with = "false_as_none")]
        country_id: Option<Many2One>,
        #[serde(default, deserialize_with = "ids_or_false")]
        child_ids: Vec<RecordId>,
        #[serde(default, with = "datetime::option")]
        write_date: Option<NaiveDateTime>,
        #[serde(default, with = "date::option")]
        date: Option<NaiveDate>,
    }

    #[test]
    fn odoo_false_reads_as_none_and_empty() {
        let row: Row = serde_json::from_value(json!({
            "email": false, "country_id": false, "child_ids": false,
            "write_date": false, "date": false
        }))
        .unwrap();
        assert_eq!(
            row,
            Row {
                email: None,
                country_id: None,
                child_ids: vec![],
                write_date: None,
                date: None
            }
        );
    }

    #[test]
    fn odoo_values_read_and_write_back_in_odoo_format() {
        let wire = json!({
            "email": "info@yourcompany.com", "country_id": [233, "United States"],
            "child_ids": [40, 41], "write_date": "2026-11-25 05:48:16", "date": "2026-10-01"
        });
        let row: Row = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(row.country_id, Some(Many2One::new(233, "United States")));
        assert_eq!(
            row.write_date.unwrap().to_string(),
            "2026-11-25 05:48:16".to_string()
        );
        assert_eq!(serde_json::to_value(&row).unwrap(), wire);
    }

    #[test]
    fn many2one_accepts_bare_id_map_and_false_name() {
        assert_eq!(
            serde_json::from_value::<Many2One>(json!(7)).unwrap(),
            Many2One::new(7, "")
        );
        assert_eq!(
            serde_json::from_value::<Many2One>(json!({"id": 3, "display_name": "X"})).unwrap(),
            Many2One::new(3, "X")
        );
        assert_eq!(
            serde_json::from_value::<Many2One>(json!([5, false])).unwrap(),
            Many2One::new(5, "")
        );
        assert!(serde_json::from_value::<Many2One>(json!([1, "a", 2])).is_err());
        assert!(serde_json::from_value::<Many2One>(json!("x")).is_err());
    }

    #[test]
    fn bad_datetime_is_an_error_naming_the_value() {
        let err = serde_json::from_value::<Row>(json!({"write_date": "yesterday"})).unwrap_err();
        assert!(err.to_string().contains("yesterday"), "{err}");
    }
}
