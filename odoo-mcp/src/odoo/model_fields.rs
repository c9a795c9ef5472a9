//! Field and model metadata: what a model's fields are, which ones make a
//! compact default read, and a TTL cache so `fields_get` and the model list
//! are asked once, not per call.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use odoo_client::registry::{FieldType, ModelDescriptor};
use serde_json::{Map, Value};

/// Fields returned when a call names none (the Python server's default too).
pub const MAX_DEFAULT_FIELDS: usize = 15;

/// One field, from a generated descriptor or from `fields_get`.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldInfo {
    pub name: String,
    pub ttype: FieldType,
    pub label: String,
    pub required: bool,
    pub readonly: bool,
    /// `false` for computed fields that are not stored (cannot be sorted on).
    pub store: bool,
    /// The model a relational field points to.
    pub relation: Option<String>,
}

impl FieldInfo {
    /// Binary, html, x2many and JSON blobs: costly in an assistant's context.
    pub fn is_blob(&self) -> bool {
        self.ttype.is_blob()
    }
}

/// Every known field of one model, and its compact default selection.
#[derive(Debug, Clone)]
pub struct ModelFields {
    /// In declaration order (descriptor) or by name (`fields_get`).
    pub fields: Vec<FieldInfo>,
    pub defaults: Vec<String>,
    /// Fields the generated code knows that this instance lacks (code generated
    /// from another version or database); left out of `fields`.
    pub absent: Vec<String>,
}

impl ModelFields {
    pub fn from_descriptor(descriptor: &ModelDescriptor) -> Self {
        let fields = descriptor
            .fields
            .iter()
            .map(|f| FieldInfo {
                name: f.name.to_string(),
                ttype: f.ttype,
                label: f.label.to_string(),
                required: f.required,
                readonly: f.readonly,
                store: f.stored,
                relation: f.relation.map(str::to_string),
            })
            .collect();
        Self::new(fields)
    }

    /// From a `fields_get` answer (`{name: {type, string, required, …}}`).
    pub fn from_fields_get(answer: &Map<String, Value>) -> Self {
        let flag = |attrs: &Value, key: &str, default: bool| {
            attrs.get(key).and_then(Value::as_bool).unwrap_or(default)
        };
        let mut fields: Vec<FieldInfo> = answer
            .iter()
            .map(|(name, attrs)| FieldInfo {
                name: name.clone(),
                ttype: FieldType::parse(
                    attrs.get("type").and_then(Value::as_str).unwrap_or("char"),
                ),
                label: attrs
                    .get("string")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                required: flag(attrs, "required", false),
                readonly: flag(attrs, "readonly", false),
                store: flag(attrs, "store", true),
                relation: attrs
                    .get("relation")
                    .and_then(Value::as_str)
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
            })
            .collect();
        fields.sort_by(|a, b| a.name.cmp(&b.name));
        Self::new(fields)
    }

    fn new(fields: Vec<FieldInfo>) -> Self {
        let defaults = default_fields(&fields);
        Self {
            fields,
            defaults,
            absent: Vec::new(),
        }
    }

    /// The same fields without `absent` ones, which stay named for messages.
    pub fn without(&self, absent: &[String]) -> Self {
        let keep = |name: &String| !absent.contains(name);
        Self {
            fields: self
                .fields
                .iter()
                .filter(|f| keep(&f.name))
                .cloned()
                .collect(),
            defaults: self.defaults.iter().filter(|f| keep(f)).cloned().collect(),
            absent: absent.to_vec(),
        }
    }

    pub fn get(&self, name: &str) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        name == "id" || self.get(name).is_some()
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }

    /// Every field except binary ones (for `fields: ["__all__"]`).
    pub fn all_but_binary(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.ttype != FieldType::Binary)
            .map(|f| f.name.clone())
            .collect()
    }
}

/// Technical plumbing nobody asks about first (mail threads, activities, audit).
pub fn is_technical(name: &str) -> bool {
    const PREFIXES: [&str; 9] = [
        "message_",
        "activity_",
        "website_message",
        "access_",
        "rating_",
        "my_activity",
        "has_message",
        "avatar_",
        "image_",
    ];
    PREFIXES.iter().any(|p| name.starts_with(p))
        || name.starts_with("__")
        || matches!(
            name,
            "create_uid" | "write_uid" | "create_date" | "write_date" | "display_name"
        )
}

/// What an assistant usually wants to see first.
fn business_score(name: &str) -> u8 {
    const KEYWORDS: [&str; 22] = [
        "state", "stage", "email", "phone", "mobile", "partner", "amount", "total", "date", "ref",
        "code", "price", "qty", "quantity", "user_id", "country", "city", "type", "active",
        "company", "priority", "origin",
    ];
    u8::from(KEYWORDS.iter().any(|k| name.contains(k)))
}

/// A compact default read: `name` first, then required and business fields,
/// no blobs, no technical or credential-like fields, at most [`MAX_DEFAULT_FIELDS`].
fn default_fields(fields: &[FieldInfo]) -> Vec<String> {
    let mut picked: Vec<(u8, usize, &FieldInfo)> = fields
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            !f.is_blob()
                && f.store
                && !is_technical(&f.name)
                && !odoo_client::registry::is_credential(&f.name)
        })
        .map(|(i, f)| {
            let score = if f.name == "name" {
                4
            } else {
                u8::from(f.required) * 2 + business_score(&f.name)
            };
            (score, i, f)
        })
        .collect();
    picked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    picked.truncate(MAX_DEFAULT_FIELDS - 1);
    // `name` first, then the model's own order: easier to read.
    picked.sort_by_key(|(_, i, f)| (f.name != "name", *i));
    let mut names = vec!["id".to_string()];
    let has_name = fields.iter().any(|f| f.name == "name");
    names.extend(
        picked
            .into_iter()
            .filter(|(_, _, f)| f.name != "id")
            .map(|(_, _, f)| f.name.clone()),
    );
    if !has_name && fields.iter().any(|f| f.name == "display_name") {
        names.insert(1, "display_name".into());
        names.truncate(MAX_DEFAULT_FIELDS);
    }
    names
}

/// Values derived once per generated model, when first needed: with hundreds
/// of generated models, a server computes only what its calls use.
pub struct PerModel<T> {
    entries: Mutex<HashMap<&'static str, Option<Arc<T>>>>,
}

impl<T> Default for PerModel<T> {
    fn default() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<T> PerModel<T> {
    pub fn get_or_init(
        &self,
        model: &'static str,
        make: impl FnOnce() -> Option<T>,
    ) -> Option<Arc<T>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .entry(model)
            .or_insert_with(|| make().map(Arc::new))
            .clone()
    }
}

/// One cached value and when it was fetched.
struct Entry<T> {
    at: Instant,
    value: Arc<T>,
}

/// A small TTL cache keyed by model name (or a fixed key).
pub struct TtlCache<T> {
    ttl: Duration,
    entries: Mutex<HashMap<String, Entry<T>>>,
}

impl<T> TtlCache<T> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, key: &str) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.at.elapsed() < self.ttl)
            .map(|e| e.value.clone())
    }

    pub fn insert(&self, key: &str, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(
            key.to_string(),
            Entry {
                at: Instant::now(),
                value: value.clone(),
            },
        );
        value
    }

    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_skip_blobs_technical_and_secrets() {
        let answer = json!({
            "name": {"type": "char", "string": "Name", "required": true},
            "email": {"type": "char", "string": "Email"},
            "image_1920": {"type": "binary", "string": "Image"},
            "comment": {"type": "html", "string": "Notes"},
            "child_ids": {"type": "one2many", "string": "Contacts"},
            "message_ids": {"type": "one2many", "string": "Messages"},
            "signup_token": {"type": "char", "string": "Token"},
            "display_name": {"type": "char", "string": "Display Name", "store": false},
            "country_id": {"type": "many2one", "string": "Country"},
            "total_due": {"type": "monetary", "string": "Due", "store": false},
        });
        let fields = ModelFields::from_fields_get(answer.as_object().unwrap());
        assert_eq!(fields.defaults, ["id", "name", "country_id", "email"]);
        assert!(fields.contains("id") && fields.contains("comment"));
        assert!(!fields.all_but_binary().contains(&"image_1920".to_string()));
    }

    #[test]
    fn defaults_are_capped() {
        let answer: Map<String, Value> = (0..40)
            .map(|i| (format!("f{i:02}"), json!({"type": "char"})))
            .collect();
        let fields = ModelFields::from_fields_get(&answer);
        assert_eq!(fields.defaults.len(), MAX_DEFAULT_FIELDS);
        assert_eq!(fields.defaults[0], "id");
    }

    #[test]
    fn cache_expires() {
        let cache = TtlCache::new(Duration::from_secs(60));
        cache.insert("a", 1);
        assert_eq!(cache.get("a").as_deref(), Some(&1));
        cache.clear();
        assert!(cache.get("a").is_none());
        let cache = TtlCache::new(Duration::ZERO);
        cache.insert("a", 1);
        assert!(cache.get("a").is_none());
    }
}
