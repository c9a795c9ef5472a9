//! `aggregate_records`: grouped totals of any model, like a pivot, through
//! `formatted_read_group` (Odoo 19+) or `read_group`, answered in one shape.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::shared::{Domain, kwargs, notes_if_any};
use super::{Call, Effect, ToolSpec};
use crate::domain_arg::parse_domain;
use crate::error::ToolError;
use crate::odoo::model_fields::ModelFields;
use crate::odoo::{Odoo, Target};

pub struct AggregateRecords;

/// Date granularities Odoo groups by (`date_order:month`).
pub const GRANULARITIES: [&str; 5] = ["day", "week", "month", "quarter", "year"];

/// Functions a typed aggregate tool offers on numeric fields.
pub const NUMERIC_FUNCTIONS: [&str; 4] = ["sum", "avg", "min", "max"];

/// Aggregate functions Odoo accepts in `field:function`.
const FUNCTIONS: [&str; 8] = [
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "count_distinct",
    "bool_and",
    "bool_or",
];

/// The arguments; a typed tool offers its model's fields as `G` (groupby)
/// and `A` (aggregates), and an example of its own in `O` (order).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(bound = "G: JsonSchema + Default + Serialize, A: JsonSchema + Default + Serialize, O: JsonSchema + Default + Serialize")]
pub struct Args<G = Option<Vec<String>>, A = Option<Vec<String>>, O = Option<String>> {
    #[schemars(with = "Option<Domain>")]
    pub domain: Option<Value>,
    /// Fields to group by; dates take :day, :week, :month, :quarter or :year, e.g. ["state", "date_order:month"]
    #[serde(default)]
    pub groupby: G,
    /// field:function (sum, avg, min, max, count, count_distinct) or __count, e.g. ["amount_total:sum", "__count"]; default ["__count"]
    #[serde(default)]
    pub aggregates: A,
    /// Sort groups, e.g. "amount_total:sum desc"
    #[serde(default)]
    pub order: O,
    /// Max groups (default and max {max_limit})
    #[schemars(range(min = 1))]
    pub limit: Option<u64>,
    pub offset: Option<u64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub count: usize,
    pub more: bool,
    /// One object per group: the groupby specs (dates as [start, label]), `field:function` and `__count`.
    pub groups: Vec<Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

impl ToolSpec for AggregateRecords {
    const NAME: &'static str = "aggregate_records";
    const TITLE: &'static str = "Aggregate records";
    const DESCRIPTION: &'static str = "Grouped totals, like a pivot: count, sum, avg, min, max per group.";
    const EFFECT: Effect = Effect::Read;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let domain = parse_domain(args.domain.as_ref())?.value;
        let request = Request::new(args, domain, odoo.settings().limits.max);
        let metadata = odoo.metadata(target, &[]).await?;
        request.check(target, &metadata)?;

        let client = call.client();
        let modern = client.version().await?.major >= 19;
        let (method, arguments) = request.read_group_call(modern);
        let answer = client
            .execute(target.name, method, None, arguments, None)
            .await?;
        let Value::Array(groups) = answer else {
            return Err(ToolError::Invalid {
                argument: "model",
                message: format!("Odoo answered {method} with {answer}, not a list"),
            });
        };
        Ok(request.answer(target, groups, modern))
    }
}

/// What an aggregate asks for, with its defaults filled in.
struct Request {
    groupby: Vec<String>,
    /// `["__count"]` when none are given.
    aggregates: Vec<String>,
    domain: Value,
    order: Option<String>,
    /// The limit asked for, before clamping to `max`.
    asked: u64,
    max: u64,
    limit: u64,
    offset: u64,
}

impl Request {
    fn new(args: Args, domain: Value, max: u64) -> Self {
        let mut aggregates = args.aggregates.unwrap_or_default();
        if aggregates.is_empty() {
            aggregates.push("__count".into());
        }
        let asked = args.limit.unwrap_or(max);
        Self {
            groupby: args.groupby.unwrap_or_default(),
            aggregates,
            domain,
            order: args.order.filter(|o| !o.trim().is_empty()),
            asked,
            max,
            limit: asked.min(max),
            offset: args.offset.unwrap_or(0),
        }
    }

    /// The aggregated `field:function` specs, without `__count`.
    fn aggregated(&self) -> impl Iterator<Item = &String> {
        self.aggregates.iter().filter(|a| *a != "__count")
    }

    /// Every name exists, groups are on stored fields with granularities on
    /// dates only, and every function is one Odoo knows.
    fn check(&self, target: Target<'_>, metadata: &ModelFields) -> Result<(), ToolError> {
        let grouped: Vec<&str> = self
            .groupby
            .iter()
            .map(|g| g.split(':').next().unwrap_or(g))
            .collect();
        let aggregated: Vec<&str> = self
            .aggregated()
            .map(|a| a.split(':').next().unwrap_or(a))
            .collect();
        Odoo::check_names(target, metadata, &grouped, "groupby")?;
        Odoo::check_names(target, metadata, &aggregated, "aggregates")?;
        check_groupby(target, metadata, &self.groupby)?;
        check_functions(&self.aggregates)
    }

    /// The method and keyword arguments: formatted_read_group on Odoo 19+
    /// (`modern`), read_group below.
    fn read_group_call(&self, modern: bool) -> (&'static str, Map<String, Value>) {
        let mut call = kwargs(vec![
            ("domain", self.domain.clone()),
            ("groupby", json!(self.groupby)),
            // One more than asked tells whether more groups exist.
            ("limit", json!(self.limit + 1)),
        ]);
        if self.offset > 0 {
            call.insert("offset".into(), json!(self.offset));
        }
        let method = if modern {
            call.insert("aggregates".into(), json!(self.aggregates));
            if let Some(order) = &self.order {
                call.insert("order".into(), json!(order));
            }
            "formatted_read_group"
        } else {
            let fields: Vec<&String> = self.aggregated().collect();
            call.insert("fields".into(), json!(fields));
            call.insert("lazy".into(), json!(false));
            if let Some(order) = &self.order {
                call.insert("orderby".into(), json!(legacy_order(order)));
            }
            "read_group"
        };
        (method, call)
    }

    /// The tool's answer from Odoo's groups (one more than the limit when more exist).
    fn answer(&self, target: Target<'_>, mut groups: Vec<Value>, modern: bool) -> Output {
        let (limit, offset) = (self.limit, self.offset);
        let more = groups.len() as u64 > limit;
        groups.truncate(limit as usize);
        let groups: Vec<Map<String, Value>> = groups
            .into_iter()
            .map(|g| normalize_group(g, &self.groupby, &self.aggregates, modern))
            .collect();
        let notes = if self.asked > self.max {
            vec![format!(
                "limit {} was clamped to {} (ODOO_MCP_MAX_LIMIT)",
                self.asked, self.max
            )]
        } else {
            Vec::new()
        };
        Output {
            model: target.name.to_string(),
            count: groups.len(),
            more,
            groups,
            next_offset: more.then_some(offset.saturating_add(limit)),
            notes: notes_if_any(notes),
        }
    }
}

/// `read_group`'s `orderby` names aggregates by field: `amount_total:sum desc` → `amount_total desc`.
fn legacy_order(order: &str) -> String {
    order
        .split(',')
        .map(|term| {
            let term = term.trim();
            let (spec, rest) = term.split_once(' ').unwrap_or((term, ""));
            let spec = match spec.split_once(':') {
                Some((field, function)) if FUNCTIONS.contains(&function) => field,
                _ => spec,
            };
            format!("{spec} {rest}").trim().to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One group in `formatted_read_group`'s shape, whichever method answered:
/// groupby specs as keys (dates as `[start, label]`), `field:function` and
/// `__count` keys, no domains.
fn normalize_group(
    group: Value,
    groupby: &[String],
    aggregates: &[String],
    modern: bool,
) -> Map<String, Value> {
    let Value::Object(mut group) = group else {
        return Map::new();
    };
    if modern {
        group.remove("__extra_domain");
        return group;
    }
    let ranges = group.remove("__range");
    let mut out = Map::new();
    for spec in groupby {
        let mut value = group.remove(spec).unwrap_or(Value::Bool(false));
        if let Some(from) = ranges
            .as_ref()
            .and_then(|r| r.get(spec))
            .and_then(|r| r.get("from"))
        {
            value = json!([from, value]);
        }
        out.insert(spec.clone(), value);
    }
    for spec in aggregates {
        let key = if spec == "__count" {
            "__count"
        } else {
            spec.split(':').next().unwrap_or(spec)
        };
        if let Some(value) = group.get(key) {
            out.insert(spec.clone(), value.clone());
        }
    }
    out
}

/// Groups are on stored fields, and granularities on dates, among GRANULARITIES.
fn check_groupby(
    target: Target<'_>,
    metadata: &ModelFields,
    groupby: &[String],
) -> Result<(), ToolError> {
    for spec in groupby {
        let (field, granularity) = match spec.split_once(':') {
            Some((f, g)) => (f, Some(g)),
            None => (spec.as_str(), None),
        };
        let Some(info) = metadata.get(field) else {
            continue;
        };
        if !info.store {
            return Err(ToolError::Invalid {
                argument: "groupby",
                message: format!(
                    "`{field}` is computed and not stored on {}, so Odoo cannot group by it; pick a stored field (get_fields shows them)",
                    target.name
                ),
            });
        }
        let dated = info.ttype.is_temporal();
        match granularity {
            Some(_) if !dated => {
                return Err(ToolError::Invalid {
                    argument: "groupby",
                    message: format!(
                        "`{spec}`: a granularity applies to date and datetime fields only; `{field}` is a {}",
                        info.ttype
                    ),
                });
            }
            Some(g) if !GRANULARITIES.contains(&g) => {
                return Err(ToolError::Invalid {
                    argument: "groupby",
                    message: format!(
                        "`{spec}`: unknown granularity `{g}`; use one of {}",
                        GRANULARITIES.join(", ")
                    ),
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Every aggregate but `__count` is `field:function`, with a function Odoo knows.
fn check_functions(aggregates: &[String]) -> Result<(), ToolError> {
    for spec in aggregates.iter().filter(|a| *a != "__count") {
        match spec.split_once(':') {
            Some((_, function)) if FUNCTIONS.contains(&function) => {}
            _ => {
                return Err(ToolError::Invalid {
                    argument: "aggregates",
                    message: format!(
                        "`{spec}`: write field:function with a function among {}, or __count",
                        FUNCTIONS.join(", ")
                    ),
                });
            }
        }
    }
    Ok(())
}
