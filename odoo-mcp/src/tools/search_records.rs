//! `search_records`: records of any reachable model, a compact default set of
//! fields unless `fields` names them, paged with `offset`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::shared::{Domain, notes_if_any};
use super::{Call, Effect, ToolSpec};
use crate::domain_arg::parse_domain;
use crate::error::ToolError;
use crate::odoo::{Odoo, leave_out_empty, normalize};
use crate::settings::Limits;

pub struct SearchRecords;

/// The arguments; a typed tool takes its model's field names as `F`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(bound = "F: JsonSchema + Default + Serialize")]
pub struct Args<F = Option<Vec<String>>> {
    #[schemars(with = "Option<Domain>")]
    pub domain: Option<Value>,
    /// Fields to return; omit for a compact default set, ["__all__"] for every non-binary field
    #[serde(default)]
    pub fields: F,
    /// Max records (default {default_limit}, at most {max_limit}; larger values are clamped)
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// Sort, e.g. "name asc, id desc"
    pub order: Option<String>,
    /// Also return the total number of matches
    pub count: Option<bool>,
}

/// The answer; a typed tool lists its model's read record as `R`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Output<R = Map<String, Value>> {
    pub model: String,
    pub count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    pub limit: u64,
    #[serde(flatten)]
    pub page: Page<R>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

/// The records of one page and where the next one starts: all of the answer
/// a compact typed listing describes.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Page<R> {
    /// More records match: call again with next_offset
    pub more: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
    /// Each record's address in Odoo's web client, `{id}` standing for its
    /// id. Left out of the listed schema: the address explains itself, and
    /// every typed search tool would repeat it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(skip)]
    pub url: Option<String>,
    pub records: Vec<R>,
}

impl ToolSpec for SearchRecords {
    const NAME: &'static str = "search_records";
    const TITLE: &'static str = "Search records";
    const DESCRIPTION: &'static str = "Search records of an Odoo model; without `fields`, a compact default set. Page with `offset`.";
    const EFFECT: Effect = Effect::Read;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let domain = parse_domain(args.domain.as_ref())?;
        let order = args.order.as_deref();
        let order_fields = sorted_by(order);
        let mut extra: Vec<&str> = domain.fields.iter().map(String::as_str).collect();
        extra.extend(&order_fields);
        let (metadata, fields, mut notes) = odoo
            .read_plan(call.typed_tool(), target, args.fields.as_deref(), &extra)
            .await?;
        let domain_names: Vec<&str> = domain.fields.iter().map(String::as_str).collect();
        Odoo::check_names(target, &metadata, &domain_names, "domain")?;
        Odoo::check_names(target, &metadata, &order_fields, "order")?;

        let limit = page_limit(&args, odoo.settings().limits, &mut notes);
        let offset = args.offset.unwrap_or(0);

        let kwargs = search_read_kwargs(&domain.value, &fields, limit, offset, order);
        let client = call.client();
        let read = client.execute(target.name, "search_read", None, kwargs, None);
        let (records, total) = if args.count == Some(true) {
            let mut count_kwargs = Map::new();
            count_kwargs.insert("domain".into(), domain.value.clone());
            let count = client.execute(target.name, "search_count", None, count_kwargs, None);
            let (records, total) = tokio::try_join!(read, count)?;
            (records, total.as_u64())
        } else {
            (read.await?, None)
        };
        let Value::Array(mut records) = records else {
            return Err(ToolError::Invalid {
                argument: "model",
                message: format!("Odoo answered search_read with {records}, not a list"),
            });
        };
        let more = records.len() as u64 > limit;
        records.truncate(limit as usize);
        let count = records.len() as u64;
        let records = records
            .into_iter()
            .map(|r| {
                let mut record = normalize(r, &metadata, call.typed());
                leave_out_empty(&mut record, call.typed().is_some(), args.fields.is_some());
                record
            })
            .collect();
        let total = match total {
            Some(total) => Some(total),
            None if !more && (count > 0 || offset == 0) => Some(offset.saturating_add(count)),
            None => None,
        };
        Ok(Output {
            model: target.name.to_string(),
            count,
            offset: (offset > 0).then_some(offset),
            limit,
            page: Page {
                more,
                next_offset: more.then_some(offset.saturating_add(count)),
                total,
                url: odoo.links(target.name).await.map(|l| l.template()),
                records,
            },
            notes: notes_if_any(notes),
        })
    }
}

/// The fields an `order` sorts by, e.g. `name` and `id` in "name asc, id desc".
fn sorted_by(order: Option<&str>) -> Vec<&str> {
    order
        .map(|o| {
            o.split(',')
                .filter_map(|term| term.split_whitespace().next())
                .collect()
        })
        .unwrap_or_default()
}

/// The page size: the default when none is asked, clamped to the maximum with
/// a note saying so.
fn page_limit(args: &Args, limits: Limits, notes: &mut Vec<String>) -> u64 {
    match args.limit {
        None => limits.default,
        Some(n) if n > limits.max => {
            notes.push(format!(
                "limit {n} was clamped to the maximum {} (ODOO_MCP_MAX_LIMIT); page with offset",
                limits.max
            ));
            limits.max
        }
        Some(n) => n,
    }
}

/// `search_read`'s arguments for one page, asking one record more than the page.
fn search_read_kwargs(
    domain: &Value,
    fields: &[String],
    limit: u64,
    offset: u64,
    order: Option<&str>,
) -> Map<String, Value> {
    let mut kwargs = Map::new();
    kwargs.insert("domain".into(), domain.clone());
    kwargs.insert("fields".into(), json!(fields));
    // One record more than asked tells whether more match, without a count.
    kwargs.insert("limit".into(), json!(limit + 1));
    if offset > 0 {
        kwargs.insert("offset".into(), json!(offset));
    }
    if let Some(order) = order {
        kwargs.insert("order".into(), json!(order));
    }
    kwargs
}
