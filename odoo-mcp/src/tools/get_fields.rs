//! `get_fields`: a model's field metadata, filtered by names, types or a text.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::shared::{is_empty, kwargs};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::FIELD_ATTRIBUTES;
use crate::odoo::Odoo;

pub struct GetFields;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Only these fields
    pub names: Option<Vec<String>>,
    /// Only these types, e.g. ["many2one", "selection"]
    pub types: Option<Vec<String>>,
    /// Keep fields whose name or label contains this text
    pub query: Option<String>,
    /// Include Odoo's help texts
    pub help: Option<bool>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub count: usize,
    pub fields: Vec<Map<String, Value>>,
}

impl ToolSpec for GetFields {
    const NAME: &'static str = "get_fields";
    const TITLE: &'static str = "Get model fields";
    const DESCRIPTION: &'static str = "A model's fields: type, label, required, readonly, selection values, relation. Filter by names, types or a text.";
    const EFFECT: Effect = Effect::Read;
    /// Field metadata is the same in every company.
    const COMPANY: bool = false;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let names = args.names.unwrap_or_default();
        if !names.is_empty() {
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let metadata = odoo.metadata(target, &refs).await?;
            Odoo::check_names(target, &metadata, &refs, "names")?;
        }
        let types = args.types.unwrap_or_default();
        let query = args
            .query
            .map(|q| q.to_lowercase())
            .filter(|q| !q.is_empty());
        let mut attributes = FIELD_ATTRIBUTES.to_vec();
        if args.help == Some(true) {
            attributes.push("help");
        }
        let mut arguments = kwargs(vec![("attributes", json!(attributes))]);
        if !names.is_empty() {
            arguments.insert("allfields".into(), json!(names));
        }
        let answer = call
            .client()
            .execute(target.name, "fields_get", None, arguments, None)
            .await?;
        let answer: BTreeMap<String, Value> = match answer {
            Value::Object(map) => map.into_iter().collect(),
            _ => BTreeMap::new(),
        };
        let fields: Vec<Map<String, Value>> = answer
            .into_iter()
            .filter(|(name, _)| names.is_empty() || names.contains(name))
            .filter(|(_, def)| {
                types.is_empty()
                    || def
                        .get("type")
                        .and_then(Value::as_str)
                        .is_some_and(|t| types.iter().any(|x| x == t))
            })
            .filter(|(name, def)| {
                query.as_ref().is_none_or(|q| {
                    name.contains(q.as_str())
                        || def
                            .get("string")
                            .and_then(Value::as_str)
                            .is_some_and(|s| s.to_lowercase().contains(q.as_str()))
                })
            })
            .map(|(name, def)| describe(name, &def))
            .collect();
        Ok(Output {
            model: target.name.to_string(),
            count: fields.len(),
            fields,
        })
    }
}

/// One field as get_fields lists it: Odoo's attributes under plain names, empty ones left out.
fn describe(name: String, def: &Value) -> Map<String, Value> {
    let flag = |key: &str| def.get(key).and_then(Value::as_bool).unwrap_or(false);
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    out.insert("type".into(), def.get("type").cloned().unwrap_or_default());
    out.insert(
        "label".into(),
        def.get("string").cloned().unwrap_or_default(),
    );
    out.insert("required".into(), json!(flag("required")));
    out.insert("readonly".into(), json!(flag("readonly")));
    if def.get("store") == Some(&Value::Bool(false)) {
        out.insert("stored".into(), json!(false));
    }
    for key in ["relation", "selection"] {
        if let Some(v) = def.get(key).filter(|v| !is_empty(v)) {
            out.insert(key.into(), v.clone());
        }
    }
    if let Some(h) = def.get("help").filter(|v| !is_empty(v)) {
        out.insert("help".into(), h.clone());
    }
    out
}
