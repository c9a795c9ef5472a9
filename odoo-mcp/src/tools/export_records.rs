//! `export_records`: the rows of a domain for named fields, as Odoo's export
//! gives them (`export_data`: a many2one as its name, `/id` as its external
//! id, a one2many path on extra lines), as CSV text or JSON.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::shared::Domain;
use super::{Call, Effect, ToolSpec};
use crate::domain_arg::parse_domain;
use crate::error::ToolError;
use crate::odoo::Odoo;
use crate::odoo::imports::{MAX_IMPORT_ROWS, Row, export, to_csv};

pub struct ExportRecords;

#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    #[default]
    Csv,
    Json,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// As search_records'
    #[schemars(with = "Option<Domain>")]
    pub domain: Option<Value>,
    /// Names or paths, e.g. ["name","country_id/code","id"]
    #[schemars(length(min = 1))]
    pub fields: Vec<String>,
    /// Default 100, at most 1,000
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    pub format: Option<Format>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csv: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<Map<String, Value>>>,
    /// More records match: call again with next_offset
    pub more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}

const DEFAULT_LIMIT: u64 = 100;

impl ToolSpec for ExportRecords {
    const NAME: &'static str = "export_records";
    const TITLE: &'static str = "Export records";
    const DESCRIPTION: &'static str = "Odoo's export (export_data) of a domain's records: CSV text (default) or JSON rows; import_records takes the CSV.";
    const EFFECT: Effect = Effect::Read;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let domain = parse_domain(args.domain.as_ref())?;
        let mut names: Vec<&str> = domain.fields.iter().map(String::as_str).collect();
        let roots: Vec<&str> = args
            .fields
            .iter()
            .filter_map(|f| f.split('/').next())
            .filter(|f| !matches!(*f, "id" | ".id"))
            .collect();
        names.extend(&roots);
        let metadata = odoo.metadata(target, &names).await?;
        Odoo::check_names(target, &metadata, &roots, "fields")?;
        // `partner_id/email` reads res.partner: that model must be reachable too.
        for field in &args.fields {
            odoo.check_path(target.name, field, '/', false, "fields")
                .await?;
        }
        let limit = args
            .limit
            .unwrap_or(DEFAULT_LIMIT)
            .min(MAX_IMPORT_ROWS as u64);
        let offset = args.offset.unwrap_or(0);
        let mut search = Map::new();
        search.insert("domain".into(), domain.value.clone());
        search.insert("offset".into(), json!(offset));
        search.insert("limit".into(), json!(limit + 1));
        search.insert("order".into(), json!("id"));
        let found = call
            .client()
            .execute(target.name, "search", None, search, None)
            .await?;
        let mut ids: Vec<i64> = found
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_i64)
            .collect();
        let more = ids.len() as u64 > limit;
        ids.truncate(limit as usize);
        let lines = export(call.client(), target.name, &ids, &args.fields).await?;
        let (csv, rows) = match args.format.unwrap_or_default() {
            Format::Csv => (Some(csv_of(&args.fields, lines)), None),
            Format::Json => (None, Some(objects(&args.fields, lines))),
        };
        Ok(Output {
            model: target.name.to_string(),
            count: ids.len(),
            csv,
            rows,
            more,
            next_offset: more.then_some(offset + ids.len() as u64),
        })
    }
}

/// A cell as CSV text: Odoo's export writes booleans as True/False.
fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn csv_of(fields: &[String], lines: Vec<Vec<Value>>) -> String {
    let rows: Vec<Row> = lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| Row {
            number: i + 1,
            cells: line.iter().map(text).collect(),
        })
        .collect();
    to_csv(fields, &rows)
}

fn objects(fields: &[String], lines: Vec<Vec<Value>>) -> Vec<Map<String, Value>> {
    lines
        .into_iter()
        .map(|line| fields.iter().cloned().zip(line).collect())
        .collect()
}
