//! Grouped reads: Odoo 19's `formatted_read_group` and the deprecated `read_group`, over
//! the seeded records. Shapes as captured (`formatted_read_group*`, `read_group_deprecated`
//! in json2_exchanges.json): group values, `__extra_domain` / `__domain`, `field:agg` keys.
//!
//! Granularities: `day`, `week` (ISO, Monday first), `month` (the default on dates),
//! `quarter`, `year`; datetimes are grouped in UTC.

use std::cmp::Ordering;

use chrono::{Datelike, Duration, NaiveDate};
use odoo_client::registry::FieldType;
use serde_json::{Map, Value, json};

use super::super::domain::{self, is_empty};
use super::super::error::OdooError;
use super::super::seed::{Record, field_type};
use super::{Env, Store};

const AGGREGATES: [&str; 9] = [
    "sum",
    "avg",
    "min",
    "max",
    "count",
    "count_distinct",
    "bool_and",
    "bool_or",
    "array_agg",
];

/// One `groupby` entry: `field` or `field:granularity`.
struct GroupBy {
    spec: String,
    field: String,
    granularity: Option<&'static str>,
    kind: FieldType,
}

/// One aggregate: `__count` or `field:function`.
struct Aggregate {
    spec: String,
    field: String,
    function: String,
}

/// A group's value for one groupby: what is shown, its domain leaves, its sort key.
#[derive(Clone)]
struct Key {
    shown: Value,
    range: Option<(String, String)>,
    leaves: Vec<Value>,
    sort: Value,
}

struct Group<'a> {
    keys: Vec<Key>,
    records: Vec<&'a Record>,
}

fn granularity(name: &str) -> Option<&'static str> {
    ["day", "week", "month", "quarter", "year"]
        .into_iter()
        .find(|g| *g == name)
}

/// The period of `date` (`YYYY-MM-DD…`): start, end (exclusive), label.
fn period(date: NaiveDate, granularity: &str) -> (NaiveDate, NaiveDate, String) {
    let first_of = |y: i32, m: u32| NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(date);
    let next_month = |y: i32, m: u32, n: u32| {
        let total = y * 12 + (m as i32 - 1) + n as i32;
        first_of(total.div_euclid(12), total.rem_euclid(12) as u32 + 1)
    };
    match granularity {
        "day" => (
            date,
            date + Duration::days(1),
            date.format("%d %b %Y").to_string(),
        ),
        "week" => {
            let start = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
            let week = date.iso_week();
            (
                start,
                start + Duration::days(7),
                format!("W{} {}", week.week(), week.year()),
            )
        }
        "quarter" => {
            let q = (date.month() - 1) / 3;
            let start = first_of(date.year(), q * 3 + 1);
            (
                start,
                next_month(date.year(), q * 3 + 1, 3),
                format!("Q{} {}", q + 1, date.year()),
            )
        }
        "year" => (
            first_of(date.year(), 1),
            first_of(date.year() + 1, 1),
            date.year().to_string(),
        ),
        _ => {
            let start = first_of(date.year(), date.month());
            (
                start,
                next_month(date.year(), date.month(), 1),
                start.format("%B %Y").to_string(),
            )
        }
    }
}

/// `n` leaves AND-ed, in Odoo's prefix notation.
fn and_all(leaves: Vec<Value>) -> Value {
    let mut out: Vec<Value> = (1..leaves.len()).map(|_| json!("&")).collect();
    out.extend(leaves);
    Value::Array(out)
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

impl Store {
    fn parse_groupby(&self, model: &str, specs: &[String]) -> Result<Vec<GroupBy>, OdooError> {
        let defs = self.defs(model);
        specs
            .iter()
            .map(|spec| {
                let (field, gran) = match spec.split_once(':') {
                    Some((f, g)) => (f, Some(g)),
                    None => (spec.as_str(), None),
                };
                if !defs.contains_key(field) {
                    return Err(OdooError::value_error(format!(
                        "Invalid field '{field}' on model '{model}'"
                    )));
                }
                let kind = field_type(defs, field);
                if matches!(
                    kind,
                    FieldType::One2many | FieldType::Binary | FieldType::Html
                ) {
                    return Err(OdooError::value_error(format!(
                        "Field {model}.{field} of type {kind} cannot be grouped"
                    )));
                }
                let granularity = match (kind.is_temporal(), gran) {
                    (true, None) => Some("month"),
                    (true, Some(g)) => Some(granularity(g).ok_or_else(|| {
                        OdooError::value_error(format!("Granularity '{g}' is not supported"))
                    })?),
                    (_, Some(g)) => {
                        return Err(OdooError::value_error(format!(
                            "Granularity set on a field of type {kind}: '{field}:{g}'"
                        )));
                    }
                    (_, None) => None,
                };
                Ok(GroupBy {
                    spec: spec.clone(),
                    field: field.to_string(),
                    granularity,
                    kind,
                })
            })
            .collect()
    }

    fn parse_aggregates(&self, model: &str, specs: &[String]) -> Result<Vec<Aggregate>, OdooError> {
        let defs = self.defs(model);
        specs
            .iter()
            .map(|spec| {
                if spec == "__count" {
                    return Ok(Aggregate {
                        spec: spec.clone(),
                        field: String::new(),
                        function: "count".into(),
                    });
                }
                let Some((field, function)) = spec.split_once(':') else {
                    return Err(OdooError::value_error(format!(
                        "Invalid aggregate specification {spec:?}: use 'field:function' or '__count'"
                    )));
                };
                if !defs.contains_key(field) && field != "id" {
                    return Err(OdooError::value_error(format!(
                        "Invalid field '{field}' on model '{model}'"
                    )));
                }
                if !AGGREGATES.contains(&function) {
                    return Err(OdooError::value_error(format!(
                        "Invalid aggregation function {function:?}."
                    )));
                }
                Ok(Aggregate {
                    spec: spec.clone(),
                    field: field.to_string(),
                    function: function.to_string(),
                })
            })
            .collect()
    }

    /// A record's keys for one groupby: one, or one per linked record of a many2many.
    fn keys(&self, model: &str, record: &Record, by: &GroupBy) -> Vec<Key> {
        // A record with several tags is in each tag's group (real Odoo 19 and 18).
        if by.kind != FieldType::Many2many {
            return vec![self.key(model, record, by)];
        }
        let field = by.field.as_str();
        let ids: Vec<i64> = match self.value_of(model, record, field) {
            Value::Array(ids) => ids.iter().filter_map(Value::as_i64).collect(),
            _ => Vec::new(),
        };
        if ids.is_empty() {
            return vec![Key {
                shown: Value::Bool(false),
                range: None,
                leaves: vec![json!([field, "=", false])],
                sort: Value::Null,
            }];
        }
        let relation = self
            .defs(model)
            .get(field)
            .and_then(|d| d.get("relation"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        ids.into_iter()
            .map(|id| {
                let name = self.name_of(relation, id);
                Key {
                    shown: json!([id, name]),
                    range: None,
                    leaves: vec![json!([field, "=", id])],
                    sort: Value::String(name.to_lowercase()),
                }
            })
            .collect()
    }

    fn key(&self, model: &str, record: &Record, by: &GroupBy) -> Key {
        let value = self.value_of(model, record, &by.field);
        let field = by.field.as_str();
        let boolean = by.kind == FieldType::Boolean;
        match (by.kind, by.granularity) {
            _ if !boolean && is_empty(&value) => Key {
                shown: Value::Bool(false),
                range: None,
                leaves: vec![json!([field, "=", false])],
                sort: Value::Null,
            },
            (FieldType::Date | FieldType::Datetime, Some(granularity)) => {
                let text = value.as_str().unwrap_or_default();
                let Some(date) = text
                    .get(..10)
                    .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                else {
                    return Key {
                        shown: Value::Bool(false),
                        range: None,
                        leaves: vec![json!([field, "=", false])],
                        sort: Value::Null,
                    };
                };
                let (start, end, label) = period(date, granularity);
                let fmt = if by.kind == FieldType::Datetime {
                    "%Y-%m-%d %H:%M:%S"
                } else {
                    "%Y-%m-%d"
                };
                let (start, end) = (
                    start
                        .and_hms_opt(0, 0, 0)
                        .map(|d| d.format(fmt).to_string())
                        .unwrap_or_default(),
                    end.and_hms_opt(0, 0, 0)
                        .map(|d| d.format(fmt).to_string())
                        .unwrap_or_default(),
                );
                Key {
                    shown: json!([start, label]),
                    leaves: vec![json!([field, ">=", start]), json!([field, "<", end])],
                    sort: Value::String(start.clone()),
                    range: Some((start, end)),
                }
            }
            (FieldType::Many2one, _) => {
                let id = value.get(0).cloned().unwrap_or(Value::Bool(false));
                let name = value
                    .get(1)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_lowercase();
                Key {
                    leaves: vec![json!([field, "=", id])],
                    shown: value,
                    range: None,
                    sort: Value::String(name),
                }
            }
            _ => {
                let sort = match &value {
                    Value::String(s) => Value::String(s.to_lowercase()),
                    other => other.clone(),
                };
                Key {
                    leaves: vec![json!([field, "=", value])],
                    shown: value,
                    range: None,
                    sort,
                }
            }
        }
    }

    /// The matching records, grouped by `by` in first-seen order.
    fn group<'a>(
        &'a self,
        model: &str,
        domain: &Value,
        by: &[GroupBy],
        env: &Env,
    ) -> Result<Vec<Group<'a>>, OdooError> {
        let ids = self.search(model, domain, 0, None, None, env)?;
        let mut groups: Vec<Group<'a>> = Vec::new();
        for id in ids {
            let Some(record) = self.find(model, id) else {
                continue;
            };
            // Every combination of the record's keys (several only through many2many).
            let mut combinations: Vec<Vec<Key>> = vec![Vec::new()];
            for b in by {
                let options = self.keys(model, record, b);
                combinations = combinations
                    .into_iter()
                    .flat_map(|prefix| {
                        options.iter().map(move |key| {
                            let mut keys = prefix.clone();
                            keys.push(key.clone());
                            keys
                        })
                    })
                    .collect();
            }
            for keys in combinations {
                let same =
                    |g: &Group<'_>| g.keys.iter().zip(&keys).all(|(a, b)| a.leaves == b.leaves);
                match groups.iter_mut().find(|g| same(g)) {
                    Some(group) => group.records.push(record),
                    None => groups.push(Group {
                        keys,
                        records: vec![record],
                    }),
                }
            }
        }
        Ok(groups)
    }

    fn aggregate(&self, model: &str, records: &[&Record], agg: &Aggregate) -> Value {
        if agg.field.is_empty() {
            return Value::from(records.len());
        }
        let values: Vec<Value> = records
            .iter()
            .map(|r| self.value_of(model, r, &agg.field))
            .collect();
        let kind = field_type(self.defs(model), &agg.field);
        let numbers: Vec<f64> = values.iter().filter_map(number).collect();
        let as_kind = |x: f64| {
            if kind == FieldType::Integer {
                Value::from(x as i64)
            } else {
                Value::from(x)
            }
        };
        match agg.function.as_str() {
            "sum" => as_kind(numbers.iter().sum()),
            "avg" if numbers.is_empty() => Value::Bool(false),
            "avg" => Value::from(numbers.iter().sum::<f64>() / numbers.len() as f64),
            "min" | "max" => {
                let mut present: Vec<&Value> = values
                    .iter()
                    .filter(|v| !is_empty(v) || kind == FieldType::Boolean)
                    .collect();
                present.sort_by(|a, b| domain::compare(a, b).unwrap_or(Ordering::Equal));
                let pick = if agg.function == "min" {
                    present.first()
                } else {
                    present.last()
                };
                pick.map_or(Value::Bool(false), |v| (*v).clone())
            }
            "count" => Value::from(values.iter().filter(|v| !is_empty(v)).count()),
            "count_distinct" => {
                let mut seen: Vec<&Value> = Vec::new();
                for v in values.iter().filter(|v| !is_empty(v)) {
                    let v = v.get(0).filter(|_| v.is_array()).unwrap_or(v);
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
                Value::from(seen.len())
            }
            "bool_and" => Value::Bool(values.iter().all(|v| *v == Value::Bool(true))),
            "bool_or" => Value::Bool(values.contains(&Value::Bool(true))),
            _ => Value::Array(
                values
                    .into_iter()
                    .map(|v| match v {
                        Value::Array(pair) if pair.len() == 2 => pair[0].clone(),
                        other => other,
                    })
                    .collect(),
            ),
        }
    }

    /// Sorts groups by `order` terms naming a groupby spec, an aggregate spec or
    /// `__count`; by the groupby values when there is no order.
    fn sort_groups(
        groups: &mut [(Group<'_>, Map<String, Value>)],
        by: &[GroupBy],
        order: Option<&str>,
    ) -> Result<(), OdooError> {
        let mut terms: Vec<(String, bool)> = Vec::new();
        for term in order.unwrap_or_default().split(',') {
            let mut words = term.split_whitespace();
            let Some(name) = words.next() else { continue };
            let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
                None | Some("asc") => false,
                Some("desc") => true,
                Some(other) => {
                    return Err(OdooError::value_error(format!(
                        "Invalid order direction {other:?}: use asc or desc"
                    )));
                }
            };
            terms.push((name.to_string(), desc));
        }
        if terms.is_empty() {
            terms = by.iter().map(|b| (b.spec.clone(), false)).collect();
        }
        for (name, _) in &terms {
            let known = by.iter().any(|b| &b.spec == name || &b.field == name)
                || groups
                    .first()
                    .is_none_or(|(_, aggs)| aggs.contains_key(name));
            if !known {
                return Err(OdooError::value_error(format!(
                    "Order term {name:?} is not a groupby or an aggregate of this query"
                )));
            }
        }
        groups.sort_by(|(ga, aa), (gb, ab)| {
            for (name, desc) in &terms {
                let pick = |g: &Group<'_>, aggs: &Map<String, Value>| -> Value {
                    match by.iter().position(|b| &b.spec == name || &b.field == name) {
                        Some(i) => g.keys[i].sort.clone(),
                        None => aggs.get(name).cloned().unwrap_or(Value::Null),
                    }
                };
                let (x, y) = (pick(ga, aa), pick(gb, ab));
                let ordering = match (x.is_null(), y.is_null()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    _ => domain::compare(&x, &y).unwrap_or(Ordering::Equal),
                };
                let ordering = if *desc { ordering.reverse() } else { ordering };
                if ordering != Ordering::Equal {
                    return ordering;
                }
            }
            Ordering::Equal
        });
        Ok(())
    }

    /// `formatted_read_group(domain, groupby, aggregates, having, offset, limit, order)`.
    #[allow(clippy::too_many_arguments)]
    pub fn formatted_read_group(
        &self,
        model: &str,
        domain: &Value,
        groupby: &[String],
        aggregates: &[String],
        offset: usize,
        limit: Option<usize>,
        order: Option<&str>,
        env: &Env,
    ) -> Result<Value, OdooError> {
        let by = self.parse_groupby(model, groupby)?;
        let aggs = self.parse_aggregates(model, aggregates)?;
        let mut rows: Vec<(Group<'_>, Map<String, Value>)> = self
            .group(model, domain, &by, env)?
            .into_iter()
            .map(|g| {
                let mut values = Map::new();
                for a in &aggs {
                    values.insert(a.spec.clone(), self.aggregate(model, &g.records, a));
                }
                values.insert("__count".into(), Value::from(g.records.len()));
                (g, values)
            })
            .collect();
        Self::sort_groups(&mut rows, &by, order)?;
        let asked_count = aggregates.iter().any(|a| a == "__count");
        Ok(Value::Array(
            rows.into_iter()
                .skip(offset)
                .take(limit.unwrap_or(usize::MAX))
                .map(|(g, mut values)| {
                    let mut row = Map::new();
                    let mut leaves = Vec::new();
                    for (b, k) in by.iter().zip(g.keys) {
                        row.insert(b.spec.clone(), k.shown);
                        leaves.extend(k.leaves);
                    }
                    row.insert("__extra_domain".into(), and_all(leaves));
                    if !asked_count {
                        values.remove("__count");
                    }
                    for a in &aggs {
                        if let Some(v) = values.remove(&a.spec) {
                            row.insert(a.spec.clone(), v);
                        }
                    }
                    Value::Object(row)
                })
                .collect(),
        ))
    }

    /// The deprecated `read_group(domain, fields, groupby, offset, limit, orderby, lazy)`:
    /// `fields` as `name` or `name:function`, results keyed by field name, dates shown
    /// by their label with a `__range`, `<groupby>_count` when lazy, `__count` when not.
    #[allow(clippy::too_many_arguments)]
    pub fn read_group(
        &self,
        model: &str,
        domain: &Value,
        fields: &[String],
        groupby: &[String],
        offset: usize,
        limit: Option<usize>,
        orderby: Option<&str>,
        lazy: bool,
        env: &Env,
    ) -> Result<Value, OdooError> {
        let rest: Vec<String> = groupby.iter().skip(1).cloned().collect();
        let groupby: Vec<String> = if lazy {
            groupby.iter().take(1).cloned().collect()
        } else {
            groupby.to_vec()
        };
        let by = self.parse_groupby(model, &groupby)?;
        let defs = self.defs(model);
        let mut specs = Vec::new();
        for f in fields {
            let (name, function) = match f.split_once(':') {
                Some((n, g)) => (n, Some(g)),
                None => (f.as_str(), None),
            };
            if by.iter().any(|b| b.field == name) {
                continue;
            }
            let function = match function {
                Some(g) => g.to_string(),
                None if field_type(defs, name).is_numeric() => "sum".into(),
                None if defs.contains_key(name) => continue,
                None => {
                    return Err(OdooError::value_error(format!(
                        "Invalid field '{name}' on model '{model}'"
                    )));
                }
            };
            specs.push(format!("{name}:{function}"));
        }
        let aggs = self.parse_aggregates(model, &specs)?;
        let count_key = if lazy {
            by.first()
                .map_or("__count".to_string(), |b| format!("{}_count", b.field))
        } else {
            "__count".to_string()
        };
        let mut rows: Vec<(Group<'_>, Map<String, Value>)> = self
            .group(model, domain, &by, env)?
            .into_iter()
            .map(|g| {
                let mut values = Map::new();
                for a in &aggs {
                    values.insert(a.field.clone(), self.aggregate(model, &g.records, a));
                }
                values.insert(count_key.clone(), Value::from(g.records.len()));
                values.insert("__count".into(), Value::from(g.records.len()));
                (g, values)
            })
            .collect();
        Self::sort_groups(&mut rows, &by, orderby)?;
        let base = domain.as_array().cloned().unwrap_or_default();
        Ok(Value::Array(
            rows.into_iter()
                .skip(offset)
                .take(limit.unwrap_or(usize::MAX))
                .map(|(g, mut values)| {
                    let mut row = Map::new();
                    let mut leaves = Vec::new();
                    let mut range = Map::new();
                    for (b, k) in by.iter().zip(g.keys) {
                        let shown = match (&k.shown, &k.range) {
                            (Value::Array(pair), Some((from, to))) => {
                                range.insert(b.spec.clone(), json!({"from": from, "to": to}));
                                pair.get(1).cloned().unwrap_or(Value::Bool(false))
                            }
                            (shown, _) => shown.clone(),
                        };
                        row.insert(b.spec.clone(), shown);
                        leaves.extend(k.leaves);
                    }
                    if count_key != "__count" {
                        values.remove("__count");
                    }
                    row.extend(values);
                    let mut group_domain = and_all(leaves);
                    if !base.is_empty()
                        && let Value::Array(items) = &mut group_domain
                    {
                        items.insert(0, json!("&"));
                        items.extend(base.iter().cloned());
                    }
                    row.insert("__domain".into(), group_domain);
                    if !range.is_empty() {
                        row.insert("__range".into(), Value::Object(range));
                    }
                    if lazy && !rest.is_empty() {
                        row.insert("__context".into(), json!({"group_by": rest}));
                    }
                    Value::Object(row)
                })
                .collect(),
        ))
    }
}
