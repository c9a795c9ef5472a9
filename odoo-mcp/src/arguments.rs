//! Checks tool arguments against the tool's own input schema, so a wrong call
//! gets one precise message (which argument, what was expected, what came)
//! instead of a serde error without a path.
//!
//! Covers the JSON Schema subset schemars emits: `type`, `enum`, `const`,
//! `$ref` into `$defs`, `anyOf`/`oneOf`/`allOf`, `properties`, `required`,
//! `additionalProperties`, `items`, `minItems`/`maxItems`, `minimum`/`maximum`.
//! Anything else is accepted; Odoo and serde remain the final judges.

use serde_json::{Map, Value, json};

use odoo_client::suggest::{close_matches, did_you_mean};

/// One argument problem, with its JSON path (`values.country_id`, `fields[2]`).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArgError {
    #[error("missing required argument `{path}`{hint}")]
    Missing { path: String, hint: String },
    #[error("unknown argument `{path}`{suggestion}; accepted: {accepted}")]
    Unknown {
        path: String,
        suggestion: String,
        accepted: String,
    },
    #[error("argument `{path}`: expected {expected}, got {got}")]
    Mismatch {
        path: String,
        expected: String,
        got: String,
    },
}

impl ArgError {
    /// The same problem, its path under `prefix` (`country_id` → `records[2].country_id`).
    pub fn under(self, prefix: &str) -> Self {
        let join = |path: String| match path.as_str() {
            "" => prefix.to_string(),
            _ if path.starts_with('[') => format!("{prefix}{path}"),
            _ => format!("{prefix}.{path}"),
        };
        match self {
            Self::Missing { path, hint } => Self::Missing {
                path: join(path),
                hint,
            },
            Self::Unknown {
                path,
                suggestion,
                accepted,
            } => Self::Unknown {
                path: join(path),
                suggestion,
                accepted,
            },
            Self::Mismatch {
                path,
                expected,
                got,
            } => Self::Mismatch {
                path: join(path),
                expected,
                got,
            },
        }
    }
}

/// A check-only keyword: what a wrong value of this node (or of one of its
/// items) is told was expected, in place of the types the schema lists. Where
/// the types alone do not teach the shape (a field's lines), it names the
/// shapes and gives an example. Listed schemas never carry it.
pub const EXPECTED: &str = "x-expected";

/// Checks `value` against `schema`, whose `$defs` resolve `$ref`s.
pub fn check(schema: &Map<String, Value>, value: &Value) -> Result<(), ArgError> {
    Checker { root: schema }.node(&Value::Object(schema.clone()), value, "")
}

/// Replaces each argument given as a JSON string holding an array or object,
/// where its property expects one and takes no string, by the parsed value:
/// some clients can only send text (MCP Inspector's CLI turns `--tool-arg`
/// into JSON only for a property with one plain `type`). Anything else is left
/// for [`check`], which then says precisely what was expected.
pub fn coerce_json_strings(schema: &Map<String, Value>, args: &mut Map<String, Value>) {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let checker = Checker { root: schema };
    for (key, value) in args.iter_mut() {
        let (Value::String(text), Some(property)) = (&*value, properties.get(key)) else {
            continue;
        };
        // `None`: any value goes, a string included.
        let Some(kinds) = checker.kinds(property, 0) else {
            continue;
        };
        if kinds.contains(&"string") || !kinds.iter().any(|k| matches!(*k, "array" | "object")) {
            continue;
        }
        if let Ok(parsed) = serde_json::from_str::<Value>(text)
            && kinds.iter().any(|k| {
                (*k == "array" && parsed.is_array()) || (*k == "object" && parsed.is_object())
            })
        {
            *value = parsed;
        }
    }
}

struct Checker<'a> {
    root: &'a Map<String, Value>,
}

/// Keys are the caller's: a hostile multi-megabyte key is not echoed back whole.
fn join(path: &str, key: &str) -> String {
    let key = crate::text::clip(key);
    if path.is_empty() {
        key
    } else {
        format!("{path}.{key}")
    }
}

/// `string "abc"`, `integer 3`, `null`, … shortened for messages.
pub fn describe_value(value: &Value) -> String {
    let text = value.to_string();
    let text = if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    };
    match value {
        Value::Null => "null".into(),
        Value::Bool(_) => format!("boolean {text}"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer {text}"),
        Value::Number(_) => format!("number {text}"),
        Value::String(_) => format!("string {text}"),
        Value::Array(_) => format!("array {text}"),
        Value::Object(_) => format!("object {text}"),
    }
}

/// The JSON type name of a value (`integer` for whole numbers).
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The checks on `value` itself: `type`, `enum`, `const`, `minimum` and
/// `maximum` (a failed one is a mismatch, whichever it is).
fn meets_constraints(obj: &Map<String, Value>, value: &Value) -> bool {
    if let Some(types) = obj.get("type") {
        let ok = match types {
            Value::String(t) => type_matches(t, value),
            Value::Array(ts) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(t, value)),
            _ => true,
        };
        if !ok {
            return false;
        }
    }
    if let Some(values) = obj.get("enum").and_then(Value::as_array)
        && !values.contains(value)
    {
        return false;
    }
    if let Some(constant) = obj.get("const")
        && constant != value
    {
        return false;
    }
    if let Some(n) = value.as_f64() {
        let below = obj
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m);
        let above = obj
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m);
        if below || above {
            return false;
        }
    }
    true
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        _ => true,
    }
}

impl<'a> Checker<'a> {
    fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let name = reference
            .strip_prefix("#/$defs/")
            .or_else(|| reference.strip_prefix("#/definitions/"))?;
        self.root
            .get("$defs")
            .or_else(|| self.root.get("definitions"))
            .and_then(|defs| defs.get(name))
    }

    /// The JSON types a schema accepts, through `$ref` and `anyOf`/`oneOf`
    /// alternatives; `None` when it does not restrict the type.
    fn kinds(&self, schema: &'a Value, depth: usize) -> Option<Vec<&'a str>> {
        let obj = schema.as_object().filter(|_| depth <= 8)?;
        if let Some(target) = obj
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            return self.kinds(target, depth + 1);
        }
        let mut kinds = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let mut branches = ["anyOf", "oneOf"]
            .iter()
            .filter_map(|key| obj.get(*key).and_then(Value::as_array))
            .flatten()
            .peekable();
        if kinds.is_empty() && branches.peek().is_none() {
            // An enum without a type is of its values' types (strings, in practice).
            let values = obj.get("enum").and_then(Value::as_array)?;
            return Some(values.iter().map(kind_of).collect());
        }
        for branch in branches {
            kinds.extend(self.kinds(branch, depth + 1)?);
        }
        Some(kinds)
    }

    /// What a schema accepts, in a few words.
    fn expected(&self, schema: &Value, depth: usize) -> String {
        let Some(obj) = schema.as_object() else {
            return "any value".into();
        };
        if depth > 4 {
            return "a value of another shape".into();
        }
        if let Some(target) = obj
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            return self.expected(target, depth + 1);
        }
        if let Some(text) = obj.get(EXPECTED).and_then(Value::as_str) {
            return text.into();
        }
        if let Some(values) = obj.get("enum").and_then(Value::as_array) {
            return one_of(values);
        }
        if let Some(value) = obj.get("const") {
            return format!("exactly {value}");
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                // schemars writes a string enum with descriptions as oneOf of consts.
                let consts: Vec<Value> = branches
                    .iter()
                    .filter_map(|b| b.get("const").cloned())
                    .collect();
                if !consts.is_empty() && consts.len() == branches.len() {
                    return one_of(&consts);
                }
                let parts: Vec<String> = branches
                    .iter()
                    .map(|b| self.expected(b, depth + 1))
                    .collect();
                return parts.join(" or ");
            }
        }
        let types: Vec<&str> = match obj.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if types.is_empty() {
            return "any value".into();
        }
        let parts: Vec<String> = types
            .iter()
            .map(|t| match *t {
                "array" => match obj.get("items") {
                    Some(items) => format!("an array of {}", self.expected(items, depth + 1)),
                    None => "an array".into(),
                },
                "integer" => match (
                    obj.get("minimum").and_then(Value::as_f64),
                    obj.get("maximum").and_then(Value::as_f64),
                ) {
                    (Some(min), Some(max)) => format!("an integer from {min} to {max}"),
                    (Some(min), None) => format!("an integer ≥ {min}"),
                    _ => "an integer".into(),
                },
                "object" => "an object".into(),
                "null" => "null".into(),
                other => format!("a {other}"),
            })
            .collect();
        parts.join(" or ")
    }

    fn mismatch(&self, schema: &Value, value: &Value, path: &str) -> ArgError {
        let mut got = describe_value(value);
        // The message lists a few enum values only: name the ones closest to what came.
        if let (Some(text), Some(values)) =
            (value.as_str(), schema.get("enum").and_then(Value::as_array))
        {
            let candidates = values.iter().filter_map(Value::as_str);
            got.push_str(&did_you_mean(&close_matches(text, candidates, 3)));
        }
        ArgError::Mismatch {
            path: path.to_string(),
            expected: self.expected(schema, 0),
            got,
        }
    }

    fn node(&self, schema: &Value, value: &Value, path: &str) -> Result<(), ArgError> {
        let checked = self.node_itself(schema, value, path);
        let Some(text) = schema.get(EXPECTED).and_then(Value::as_str) else {
            return checked;
        };
        match checked {
            Err(ArgError::Mismatch { path: at, got, .. }) if at == path || is_item(&at, path) => {
                Err(ArgError::Mismatch {
                    path: at,
                    expected: text.into(),
                    got,
                })
            }
            // A record sent bare where its list was expected: the shapes say more
            // than the keys the object form accepts.
            Err(ArgError::Unknown { path: at, .. }) if is_key(&at, path) => {
                Err(ArgError::Mismatch {
                    path: path.to_string(),
                    expected: text.into(),
                    got: describe_value(value),
                })
            }
            other => other,
        }
    }

    fn node_itself(&self, schema: &Value, value: &Value, path: &str) -> Result<(), ArgError> {
        let obj = match schema {
            Value::Bool(true) => return Ok(()),
            Value::Bool(false) => return Err(self.mismatch(schema, value, path)),
            Value::Object(obj) => obj,
            _ => return Ok(()),
        };
        if let Some(target) = obj
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            self.node(target, value, path)?;
        }
        if let Some(branches) = obj.get("allOf").and_then(Value::as_array) {
            for branch in branches {
                self.node(branch, value, path)?;
            }
        }
        for key in ["anyOf", "oneOf"] {
            if let Some(branches) = obj.get(key).and_then(Value::as_array) {
                self.any_branch(schema, branches, value, path)?;
            }
        }
        if !meets_constraints(obj, value) {
            return Err(self.mismatch(schema, value, path));
        }
        match value {
            Value::Object(map) => self.object(obj, map, path),
            Value::Array(items) => self.array(schema, obj, items, path),
            _ => Ok(()),
        }
    }

    /// `anyOf`/`oneOf`: the first branch `value` fits; when none does, the
    /// error of the one branch of its JSON type, else a mismatch with them all.
    fn any_branch(
        &self,
        schema: &Value,
        branches: &[Value],
        value: &Value,
        path: &str,
    ) -> Result<(), ArgError> {
        let mut errors = Vec::new();
        for branch in branches {
            match self.node(branch, value, path) {
                Ok(()) => return Ok(()),
                Err(e) => errors.push((branch, e)),
            }
        }
        if errors.is_empty() {
            return Ok(());
        }
        // One branch of the right JSON type explains best (e.g. Option<Enum>).
        let typed: Vec<&ArgError> = errors
            .iter()
            .filter(|(branch, _)| self.same_kind(branch, value))
            .map(|(_, e)| e)
            .collect();
        Err(match typed.as_slice() {
            [only] => (*only).clone(),
            _ => self.mismatch(schema, value, path),
        })
    }

    /// Whether a branch is about the same JSON type as `value` (to pick its error).
    fn same_kind(&self, branch: &Value, value: &Value) -> bool {
        let branch = match branch
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
            Some(target) => target,
            None => branch,
        };
        match branch.get("type") {
            Some(Value::String(t)) => {
                type_matches(t, value) || (t == "integer" && value.is_number())
            }
            Some(Value::Array(ts)) => ts
                .iter()
                .filter_map(Value::as_str)
                .any(|t| type_matches(t, value)),
            _ => branch.get("enum").is_some() && value.is_string(),
        }
    }

    fn object(
        &self,
        schema: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &str,
    ) -> Result<(), ArgError> {
        let properties = schema.get("properties").and_then(Value::as_object);
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(name) {
                    let hint = properties
                        .and_then(|p| p.get(name))
                        .map(|s| format!(" ({})", self.expected(s, 0)))
                        .unwrap_or_default();
                    return Err(ArgError::Missing {
                        path: join(path, name),
                        hint,
                    });
                }
            }
        }
        for (key, item) in map {
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self.node(property, item, &join(path, key))?,
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => {
                        let names: Vec<&str> = properties
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        return Err(ArgError::Unknown {
                            path: join(path, key),
                            suggestion: did_you_mean(&close_matches(key, names.clone(), 3)),
                            accepted: accepted_list(&names),
                        });
                    }
                    Some(extra @ Value::Object(_)) => self.node(extra, item, &join(path, key))?,
                    _ => {}
                },
            }
        }
        Ok(())
    }

    fn array(
        &self,
        schema: &Value,
        obj: &Map<String, Value>,
        items: &[Value],
        path: &str,
    ) -> Result<(), ArgError> {
        let min = obj.get("minItems").and_then(Value::as_u64);
        let max = obj.get("maxItems").and_then(Value::as_u64);
        let len = items.len() as u64;
        if min.is_some_and(|m| len < m) || max.is_some_and(|m| len > m) {
            let bounds = match (min, max) {
                (Some(a), Some(b)) if a == b => format!("exactly {a} items"),
                (Some(a), Some(b)) => format!("{a} to {b} items"),
                (Some(a), None) => format!("at least {a} items"),
                (None, Some(b)) => format!("at most {b} items"),
                (None, None) => String::new(),
            };
            return Err(ArgError::Mismatch {
                path: path.to_string(),
                expected: format!("{} with {bounds}", self.expected(schema, 0)),
                got: describe_value(&Value::Array(items.to_vec())),
            });
        }
        if let Some(item_schema) = obj.get("items") {
            for (i, item) in items.iter().enumerate() {
                self.node(item_schema, item, &format!("{path}[{i}]"))?;
            }
        }
        Ok(())
    }
}

/// Whether `at` is an item of `path` (`lines[2]` of `lines`).
fn is_item(at: &str, path: &str) -> bool {
    at.strip_prefix(path)
        .and_then(|rest| rest.strip_prefix('['))
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `at` is a key of the object at `path` (`lines.name` of `lines`).
fn is_key(at: &str, path: &str) -> bool {
    let rest = if path.is_empty() {
        Some(at)
    } else {
        at.strip_prefix(path)
            .and_then(|rest| rest.strip_prefix('.'))
    };
    rest.is_some_and(|key| !key.is_empty() && !key.contains(['.', '[']))
}

fn one_of(values: &[Value]) -> String {
    const SHOWN: usize = 12;
    let mut shown: Vec<String> = values.iter().take(SHOWN).map(Value::to_string).collect();
    if values.len() > SHOWN {
        shown.push(format!("… ({} more)", values.len() - SHOWN));
    }
    format!("one of {}", shown.join(", "))
}

fn accepted_list(names: &[&str]) -> String {
    const SHOWN: usize = 25;
    let mut list: Vec<&str> = names.iter().copied().take(SHOWN).collect();
    list.sort_unstable();
    let mut text = list.join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(", … ({} more)", names.len() - SHOWN));
    }
    text
}

/// Replaces every `$ref` into the root's `$defs` by the definition itself and
/// drops `$defs`/`$schema`: strict clients (OpenAI strict mode, Gemini) take
/// no references. Sibling keys of a `$ref` (its description) win.
pub fn inline_refs(schema: Value) -> Value {
    let Value::Object(mut root) = schema else {
        return schema;
    };
    root.remove("$schema");
    let mut defs = Map::new();
    for key in ["$defs", "definitions"] {
        if let Some(Value::Object(inner)) = root.remove(key) {
            defs.extend(inner);
        }
    }
    let mut value = Value::Object(root);
    resolve(&mut value, &defs, 0);
    value
}

fn resolve(value: &mut Value, defs: &Map<String, Value>, depth: usize) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                let name = reference.rsplit('/').next().unwrap_or_default();
                // Recursive types stop at a plain object rather than loop.
                let target = match defs.get(name) {
                    Some(Value::Object(def)) if depth < 8 => def.clone(),
                    _ => json!({"type": "object"})
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                };
                map.remove("$ref");
                for (key, def_value) in target {
                    map.entry(key).or_insert(def_value);
                }
                for child in map.values_mut() {
                    resolve(child, defs, depth + 1);
                }
                return;
            }
            for child in map.values_mut() {
                resolve(child, defs, depth);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve(v, defs, depth)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_node_that_says_what_it_expects_says_it_for_itself_and_its_items() {
        let lines = odoo_client::x2many::commands_schema(json!({"type": "object"}), json!({}));
        let mut lines = lines.as_object().unwrap().clone();
        lines.insert(EXPECTED.into(), json!("lines, e.g. [{\"name\": \"a\"}]"));
        let s = schema(json!({"type": "object", "properties": {"lines": lines}}));
        assert!(check(&s, &json!({"lines": [{"name": "a"}, {"id": 3}]})).is_ok());
        assert!(check(&s, &json!({"lines": [1, 2]})).is_ok());
        assert!(check(&s, &json!({"lines": {"create": [{"name": "a"}]}})).is_ok());
        let e = check(&s, &json!({"lines": "a"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "argument `lines`: expected lines, e.g. [{\"name\": \"a\"}], got string \"a\""
        );
        let e = check(&s, &json!({"lines": [{"name": "a"}, "b"]})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "argument `lines[1]`: expected lines, e.g. [{\"name\": \"a\"}], got string \"b\""
        );
        let e = check(&s, &json!({"lines": {"name": "a"}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "argument `lines`: expected lines, e.g. [{\"name\": \"a\"}], got object {\"name\":\"a\"}"
        );
        // Deeper, the precise message stays.
        let e = check(&s, &json!({"lines": {"link": ["x"]}})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("argument `lines.link[0]`: expected an integer"),
            "{e}"
        );
        assert!(is_item("lines[12]", "lines") && !is_item("lines[]", "lines"));
        assert!(!is_item("lines[0].name", "lines"));
    }

    #[test]
    fn reports_path_expected_and_got() {
        let s = schema(json!({
            "type": "object",
            "properties": {
                "limit": {"type": ["integer", "null"], "minimum": 1},
                "fields": {"type": "array", "items": {"type": "string", "enum": ["name", "email"]}},
                "values": {"$ref": "#/$defs/Values"}
            },
            "required": ["values"],
            "additionalProperties": false,
            "$defs": {"Values": {
                "type": "object",
                "properties": {"kind": {"anyOf": [{"$ref": "#/$defs/Kind"}, {"type": "null"}]}},
            }, "Kind": {"type": "string", "enum": ["person", "company"]}}
        }));
        assert!(check(&s, &json!({"values": {}, "limit": 5, "fields": ["name"]})).is_ok());
        assert!(check(&s, &json!({"values": {"kind": null}})).is_ok());

        let e = check(&s, &json!({"values": {}, "limit": "ten"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "argument `limit`: expected an integer ≥ 1 or null, got string \"ten\""
        );
        let e = check(&s, &json!({"values": {}, "fields": ["name", "emial"]})).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("argument `fields[1]`: expected one of \"name\", \"email\""),
            "{e}"
        );
        let e = check(&s, &json!({})).unwrap_err();
        assert!(
            matches!(e, ArgError::Missing { ref path, .. } if path == "values"),
            "{e}"
        );
        let e = check(&s, &json!({"values": {}, "limt": 3})).unwrap_err();
        assert!(e.to_string().contains("did you mean `limit`"), "{e}");
        let e = check(&s, &json!({"values": {"kind": "robot"}})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "argument `values.kind`: expected one of \"person\", \"company\", got string \"robot\""
        );
        let e = check(&s, &json!({"values": {}, "limit": 0})).unwrap_err();
        assert!(e.to_string().contains("≥ 1"), "{e}");
    }

    #[test]
    fn json_strings_become_the_array_or_object_expected() {
        let s = schema(json!({
            "type": "object",
            "properties": {
                "fields": {"type": ["array", "null"], "items": {"type": "string"}},
                "values": {"type": "object"},
                "ids": {"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]},
                "kwargs": {"$ref": "#/$defs/Kwargs"},
                "name": {"type": "string"},
                "note": {"anyOf": [{"type": "string"}, {"type": "object"}]},
                "any": {},
                "limit": {"type": "integer"}
            },
            "$defs": {"Kwargs": {"type": "object"}}
        }));
        let mut args = json!({
            "fields": "[\"name\", \"email\"]",
            "values": " {\"name\": \"Acme\"} ",
            "ids": "[1, 2]",
            "kwargs": "{}",
            "name": "[\"kept\"]",
            "note": "{}",
            "any": "[1]",
            "limit": "5",
            "unknown": "[1]"
        })
        .as_object()
        .cloned()
        .unwrap();
        coerce_json_strings(&s, &mut args);
        assert_eq!(
            Value::Object(args),
            json!({
                "fields": ["name", "email"],
                "values": {"name": "Acme"},
                "ids": [1, 2],
                "kwargs": {},
                "name": "[\"kept\"]",
                "note": "{}",
                "any": "[1]",
                "limit": "5",
                "unknown": "[1]"
            })
        );
    }

    #[test]
    fn a_json_string_of_another_kind_is_left_for_the_checker() {
        let s = schema(json!({
            "type": "object",
            "properties": {
                "fields": {"type": ["array", "null"], "items": {"type": "string"}},
                "values": {"type": "object"}
            }
        }));
        let mut args = json!({"fields": "name", "values": "[1]"})
            .as_object()
            .cloned()
            .unwrap();
        let before = args.clone();
        coerce_json_strings(&s, &mut args);
        assert_eq!(args, before);
        let e = check(&s, &Value::Object(args)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "argument `fields`: expected an array of a string or null, got string \"name\""
        );
        // Parsed, then checked like any array: a wrong item is still named.
        let mut args = json!({"fields": "[\"name\", 3]"})
            .as_object()
            .cloned()
            .unwrap();
        coerce_json_strings(&s, &mut args);
        let e = check(&s, &Value::Object(args)).unwrap_err();
        assert!(e.to_string().starts_with("argument `fields[1]`"), "{e}");
    }
}
