//! Fuzzing tool argument decoding for every tool of the real catalog: the generic tools, the
//! extra tools and the typed tools of the generated models (`ODOO_MCP_TYPED_TOOLS=all`,
//! `ODOO_YOLO=true`, method calls on), against the Odoo test double over JSON/2 and XML-RPC.
//!
//! Arguments are derived from each tool's own input schema (so most calls reach Odoo), then
//! mutated: wrong types, extreme numbers, negative ids, deep nesting, unknown or missing keys,
//! unicode and huge strings, long lists; plus arbitrary JSON objects. Every call goes through
//! `OdooMcp::call`, the body of the server's `tools/call` handler, and a share of them through
//! the real binary over stdio. A call must never panic, must answer within a generous bound (a
//! hang, not a timing), an error must be an `isError` result with a short, non-empty message, and
//! no output may carry the API key or password.
//!
//! Cases per tool: 16 by default (the file runs in seconds in debug); `ODOO_FUZZ_RUNS=2000` for
//! a long session. Failures print the shrunk tool name and arguments; each one found is kept as
//! a named regression test at the end of this file.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Client, server_env, stdio_client};
use odoo_mcp::OdooMcp;
use odoo_mcp::settings::{Access, Settings, TypedTools};
use odoo_tests::OdooDouble;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestError, TestRunner};
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use serde_json::{Map, Value, json};

/// A call that takes longer than this is a hang (the double answers at once).
const BOUND: Duration = Duration::from_secs(20);
/// An error message longer than this echoes the input back.
const MAX_MESSAGE: usize = 16 * 1024;
/// Deepest arguments made: JSON-RPC parsers stop at 128 levels (the message and `params` add
/// three), so deeper ones never reach a tool
/// (`deep_json_over_stdio_is_dropped_and_the_server_keeps_serving`).
const MAX_DEPTH: usize = 120;
/// Most bytes a `Repeat` mutation makes (the HTTP transport refuses bodies over 4 MiB).
const MAX_REPEAT_BYTES: usize = 2 << 20;
/// Stands in for a password next to the double's API key.
const PASSWORD: &str = "pw-Fuzz-Secret-7781";

fn cases() -> u32 {
    std::env::var("ODOO_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(16)
}

fn config(cases: u32) -> Config {
    Config {
        cases: cases.max(1),
        // Failures become named regression tests below, not files in the tree.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        // A hang costs BOUND per shrinking step.
        max_shrink_time: 120_000,
        ..Config::default()
    }
}

fn settings() -> Settings {
    Settings {
        access: Access::Full,
        typed_tools: TypedTools::ALL,
        enable_method_calls: true,
        ..Settings::default()
    }
}

/// The server over JSON/2 and over XML-RPC, each also knowing a password it must not leak.
fn servers(double: &OdooDouble) -> [OdooMcp; 2] {
    [double.config_json2(), double.config_xmlrpc()].map(|config| {
        OdooMcp::new(
            config.password(PASSWORD),
            settings(),
            odoo_mcp::generated_models(),
        )
        .expect("server")
    })
}

// --- values ---------------------------------------------------------------------------------

const MODELS: [&str; 18] = [
    "res.partner",
    "res.country",
    "res.company",
    "res.users",
    "sale.order",
    "sale.order.line",
    "product.product",
    "product.template",
    "account.move",
    "crm.lead",
    "hr.employee",
    "project.task",
    "stock.picking",
    "ir.model",
    "mail.message",
    "no.such.model",
    "res.partne",
    "Res.Partner",
];

const FIELDS: [&str; 18] = [
    "name",
    "id",
    "email",
    "country_id",
    "is_company",
    "display_name",
    "create_date",
    "parent_id",
    "child_ids",
    "image_1920",
    "state",
    "amount_total",
    "amount_total:sum",
    "date_order:month",
    "__count",
    "__all__",
    "emial",
    "partner_id.country_id.code",
];

const METHODS: [&str; 12] = [
    "action_confirm",
    "read",
    "write",
    "unlink",
    "_private",
    "name_search",
    "copy",
    "message_post",
    "fields_get",
    "search_count",
    "sudo",
    "__init__",
];

fn pick(names: &'static [&'static str]) -> BoxedStrategy<Value> {
    prop::sample::select(names).prop_map(Value::from).boxed()
}

fn unicode() -> BoxedStrategy<String> {
    prop_oneof![
        "(?s).{0,24}",
        prop::sample::select(vec![
            "",
            " ",
            "\u{0}",
            "\u{202e}gnp.exe",
            "名前",
            "😀👩‍👩‍👧",
            "e\u{301}",
            "\u{feff}name",
            "'; DROP TABLE res_partner; --",
            "<methodCall>",
            "]]>",
            "%s%n",
            "\\u0000",
            "\u{fffd}",
        ])
        .prop_map(str::to_string),
    ]
    .boxed()
}

fn integer() -> BoxedStrategy<Value> {
    prop_oneof![
        4 => (1..60i64).prop_map(Value::from),
        1 => prop::sample::select(vec![
            json!(0),
            json!(-1),
            json!(-3),
            json!(424_242),
            json!(i32::MAX),
            json!(i32::MAX as i64 + 1),
            json!(1_000_000_000_000u64),
            json!(i64::MAX),
            json!(i64::MIN),
            json!(u64::MAX),
            json!(1e308),
            json!(-1e308),
            json!(3.5),
            json!(1e-300),
        ]),
        1 => any::<i64>().prop_map(Value::from),
    ]
    .boxed()
}

fn scalar() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        integer(),
        any::<f64>().prop_map(Value::from),
        unicode().prop_map(Value::String),
    ]
    .boxed()
}

/// Any JSON, a few levels deep.
fn arbitrary() -> BoxedStrategy<Value> {
    scalar()
        .prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(unicode(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

/// A domain from Odoo's grammar, sometimes with a broken item.
fn domain() -> BoxedStrategy<Value> {
    let operator = prop::sample::select(vec![
        "=",
        "!=",
        "ilike",
        "not ilike",
        "in",
        "not in",
        "<",
        ">=",
        "=?",
        "child_of",
        "any",
        "like",
        "=like",
        "equals",
        "",
    ]);
    let leaf = (pick(&FIELDS), operator, scalar()).prop_map(|(f, o, v)| json!([f, o, v]));
    let item = prop_oneof![
        6 => leaf,
        1 => prop::sample::select(vec!["|", "&", "!"]).prop_map(Value::from),
        1 => arbitrary(),
    ];
    prop::collection::vec(item, 0..6)
        .prop_map(Value::Array)
        .boxed()
}

/// An instance of `schema` (the listed input schema), with names that exist where a name is
/// asked for, so that calls go past the argument check.
fn instance(schema: &Value, key: &str, depth: u32) -> BoxedStrategy<Value> {
    if depth > 6 {
        return scalar();
    }
    match key {
        "model" => return pick(&MODELS),
        "domain" => return domain(),
        "method" => return pick(&METHODS),
        "order" => {
            return prop_oneof![
                prop::sample::select(vec!["name asc", "id desc", "name, id desc", "emial"])
                    .prop_map(Value::from),
                unicode().prop_map(Value::String),
            ]
            .boxed();
        }
        _ => {}
    }
    let Some(map) = schema.as_object() else {
        return arbitrary();
    };
    if let Some(values) = map.get("enum").and_then(Value::as_array) {
        return prop::sample::select(values.clone()).boxed();
    }
    if let Some(options) = map.get("anyOf").and_then(Value::as_array) {
        return Union::new(options.iter().map(|o| instance(o, key, depth + 1))).boxed();
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if types.is_empty() {
        return arbitrary();
    }
    Union::new(
        types
            .into_iter()
            .map(|t| typed_instance(map, t, key, depth)),
    )
    .boxed()
}

fn typed_instance(
    map: &Map<String, Value>,
    t: &str,
    key: &str,
    depth: u32,
) -> BoxedStrategy<Value> {
    match t {
        "null" => Just(Value::Null).boxed(),
        "boolean" => any::<bool>().prop_map(Value::Bool).boxed(),
        // Mostly within the schema's minimum (ids ≥ 1): the mutations bring the others.
        "integer" => match map.get("minimum").and_then(Value::as_i64) {
            Some(least) => {
                prop_oneof![6 => (least..least + 60).prop_map(Value::from), 1 => integer()].boxed()
            }
            None => integer(),
        },
        "number" => prop_oneof![integer(), any::<f64>().prop_map(Value::from)].boxed(),
        "string" => prop_oneof![3 => pick(&FIELDS), 2 => unicode().prop_map(Value::String)].boxed(),
        "array" => {
            let items = map.get("items").cloned().unwrap_or(json!({}));
            let most = map
                .get("maxItems")
                .and_then(Value::as_u64)
                .unwrap_or(6)
                .min(6) as usize;
            let least = map
                .get("minItems")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .min(most as u64) as usize;
            let item = if matches!(key, "fields" | "groupby" | "aggregates") {
                prop_oneof![3 => instance(&items, "", depth + 1), 1 => pick(&FIELDS)].boxed()
            } else {
                instance(&items, "", depth + 1)
            };
            prop::collection::vec(item, least..=most)
                .prop_map(Value::Array)
                .boxed()
        }
        "object" => object_instance(map, depth),
        _ => arbitrary(),
    }
}

fn object_instance(map: &Map<String, Value>, depth: u32) -> BoxedStrategy<Value> {
    let Some(properties) = map.get("properties").and_then(Value::as_object) else {
        // Free-form values (`values`, `kwargs`): field names with scalars.
        return prop::collection::btree_map(
            prop::sample::select(&FIELDS[..]).prop_map(str::to_string),
            prop_oneof![3 => scalar(), 1 => arbitrary()],
            0..5,
        )
        .prop_map(|m| Value::Object(m.into_iter().collect()))
        .boxed();
    };
    let required: Vec<&str> = map
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let members: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
        .iter()
        .map(|(name, child)| {
            let name = name.clone();
            let value = instance(child, &name, depth + 1);
            if required.contains(&name.as_str()) {
                value.prop_map(move |v| Some((name.clone(), v))).boxed()
            } else {
                prop::option::weighted(0.4, value)
                    .prop_map(move |v| v.map(|v| (name.clone(), v)))
                    .boxed()
            }
        })
        .collect();
    members
        .prop_map(|members| Value::Object(members.into_iter().flatten().collect()))
        .boxed()
}

// --- mutations ------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    /// The value at a place becomes another (wrong type, extreme number, arbitrary JSON).
    Replace(Value),
    /// The value at a place, nested this many arrays (or objects) deep.
    Wrap { depth: usize, object: bool },
    /// A string of `len` copies of `unit` at a place.
    Huge { unit: String, len: usize },
    /// A list of `len` copies of the value at a place.
    Repeat { len: usize },
    /// A key no schema knows, added to the object at a place (or its parent).
    Unknown(String, Value),
    /// The place is removed from its parent.
    Remove,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => prop_oneof![integer(), scalar(), arbitrary()].prop_map(Mutation::Replace),
        1 => (1..=MAX_DEPTH, any::<bool>()).prop_map(|(depth, object)| Mutation::Wrap { depth, object }),
        1 => (
            prop::sample::select(vec!["x", "é", "😀", "\u{0}", "a.b", "[", "\""]),
            prop_oneof![1_000..5_000usize, 200_000..1_000_000usize],
        )
            .prop_map(|(unit, len)| Mutation::Huge { unit: unit.to_string(), len }),
        1 => prop_oneof![2..50usize, 1_000..20_000usize].prop_map(|len| Mutation::Repeat { len }),
        2 => (unicode(), scalar()).prop_map(|(k, v)| Mutation::Unknown(k, v)),
        1 => Just(Mutation::Remove),
    ]
}

/// Every place in `value`, as a path of keys and indexes (the root is `[]`).
fn places(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                here.push(json!(i));
                places(item, here, out);
                here.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                here.push(json!(k));
                places(item, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match (v, step) {
        (Value::Array(items), Value::Number(i)) => &mut items[i.as_u64().unwrap_or(0) as usize],
        (Value::Object(map), Value::String(k)) => map.get_mut(k).expect("a place"),
        _ => unreachable!("paths come from places()"),
    })
}

fn depth_of(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth_of).max().unwrap_or(0),
        _ => 0,
    }
}

fn mutate(value: &mut Value, place: &Index, mutation: &Mutation) {
    let mut all = Vec::new();
    places(value, &mut Vec::new(), &mut all);
    // Arguments stay an object mostly: the root is only replaced when it is empty.
    if all.len() > 1 && !matches!(mutation, Mutation::Unknown(..)) {
        all.remove(0);
    }
    let path = place.get(&all).clone();
    match mutation {
        Mutation::Replace(new) => *at(value, &path) = new.clone(),
        Mutation::Wrap { depth, object } => {
            let room = MAX_DEPTH.saturating_sub(depth_of(value));
            let target = at(value, &path);
            let mut wrapped = target.take();
            for _ in 0..(*depth).min(room) {
                wrapped = if *object {
                    json!({ "v": wrapped })
                } else {
                    json!([wrapped])
                };
            }
            *target = wrapped;
        }
        Mutation::Huge { unit, len } => *at(value, &path) = Value::String(unit.repeat(*len)),
        Mutation::Repeat { len } => {
            let target = at(value, &path);
            let size = target.to_string().len() + 1;
            *target = Value::Array(vec![target.clone(); (*len).min(MAX_REPEAT_BYTES / size)]);
        }
        Mutation::Unknown(key, new) => {
            let target = at(value, &path);
            if let Value::Object(map) = target {
                map.insert(key.clone(), new.clone());
            } else if let Some(Value::Object(map)) =
                path.split_last().map(|(_, parent)| at(value, parent))
            {
                map.insert(key.clone(), new.clone());
            }
        }
        Mutation::Remove => {
            if let Some((last, parent)) = path.split_last() {
                match (at(value, parent), last) {
                    (Value::Array(items), Value::Number(i)) => {
                        items.remove(i.as_u64().unwrap_or(0) as usize);
                    }
                    (Value::Object(map), Value::String(k)) => {
                        map.remove(k);
                    }
                    _ => {}
                }
            }
        }
    }
}

/// Arguments for `tool`: a schema instance, as is or with up to three mutations, or arbitrary
/// JSON.
fn arguments(tool: &Tool) -> BoxedStrategy<Value> {
    let schema = Value::Object((*tool.input_schema).clone());
    let mutated = (
        instance(&schema, "", 0),
        prop_oneof![
            1 => Just(Vec::new()),
            2 => prop::collection::vec((any::<Index>(), mutation()), 1..=3),
        ],
    )
        .prop_map(|(mut value, mutations)| {
            for (place, m) in &mutations {
                mutate(&mut value, place, m);
            }
            value
        });
    prop_oneof![6 => mutated, 1 => arbitrary()].boxed()
}

/// What a call may be given: a JSON object, or nothing when the fuzzed value is not one (MCP
/// `arguments` is an object; rmcp refuses anything else as a protocol error).
fn as_arguments(value: &Value) -> Option<Map<String, Value>> {
    value.as_object().cloned()
}

// --- the property ---------------------------------------------------------------------------

fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The shape every answer must have, whatever the arguments.
fn judge(
    tool: &str,
    result: &CallToolResult,
    secrets: &[&str],
    outcomes: &Outcomes,
) -> Result<(), TestCaseError> {
    let whole = serde_json::to_string(result).expect("a result serialises");
    for secret in secrets {
        prop_assert!(!whole.contains(secret), "{tool}: a secret in the result");
    }
    if result.is_error == Some(true) {
        let message = text(result);
        prop_assert!(!message.trim().is_empty(), "{tool}: empty error message");
        prop_assert!(
            message.len() <= MAX_MESSAGE,
            "{tool}: a {} byte error message: {}…",
            message.len(),
            message.chars().take(200).collect::<String>()
        );
        outcomes.errors.fetch_add(1, Ordering::Relaxed);
    } else {
        prop_assert!(
            result.structured_content.is_some(),
            "{tool}: success without structuredContent"
        );
        outcomes.ok.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

#[derive(Default)]
struct Outcomes {
    ok: AtomicUsize,
    errors: AtomicUsize,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Runs `property` over fuzzed arguments of every tool; panics with the shrunk case.
fn for_every_tool(
    tools: &[Tool],
    cases: u32,
    property: impl Fn(&Tool, bool, Value) -> Result<(), TestCaseError>,
) {
    for tool in tools {
        let mut runner = TestRunner::new(config(cases));
        let strategy = (arguments(tool), any::<bool>());
        match runner.run(&strategy, |(value, flag)| property(tool, flag, value)) {
            Ok(()) => {}
            Err(TestError::Fail(why, (value, flag))) => {
                let shown: String = value.to_string().chars().take(2_000).collect();
                panic!(
                    "{}: {why}\nminimal arguments (flag {flag}): {shown}",
                    tool.name
                );
            }
            Err(other) => panic!("{}: {other}", tool.name),
        }
    }
}

/// Every tool in-process, alternating JSON/2 and XML-RPC.
#[test]
fn every_tool_answers_fuzzed_arguments_with_a_result() {
    let rt = runtime();
    let double = rt.block_on(OdooDouble::start());
    let servers = servers(&double);
    let tools = servers[0].tools();
    assert!(tools.len() >= 70, "{} tools", tools.len());
    let secrets = [double.api_key(), PASSWORD];
    let outcomes = Outcomes::default();
    let started = Instant::now();
    let slowest = std::cell::RefCell::new((Duration::ZERO, String::new()));
    for_every_tool(&tools, cases(), |tool, xmlrpc, value| {
        let server = &servers[usize::from(xmlrpc)];
        let began = Instant::now();
        let result = rt
            .block_on(async {
                tokio::time::timeout(BOUND, server.call(&tool.name, as_arguments(&value))).await
            })
            .map_err(|_| {
                TestCaseError::fail(format!("{}: no answer within {BOUND:?}", tool.name))
            })?;
        let took = began.elapsed();
        if took > slowest.borrow().0 {
            *slowest.borrow_mut() = (took, tool.name.to_string());
        }
        judge(&tool.name, &result, &secrets, &outcomes)
    });
    eprintln!(
        "fuzz_tool_args in-process: {} tools x {} cases = {} calls ({} ok, {} isError) in {:.1}s; slowest call {:.2}s ({})",
        tools.len(),
        cases(),
        outcomes.ok.load(Ordering::Relaxed) + outcomes.errors.load(Ordering::Relaxed),
        outcomes.ok.load(Ordering::Relaxed),
        outcomes.errors.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
        slowest.borrow().0.as_secs_f64(),
        slowest.borrow().1,
    );
}

/// The same over the real binary on stdio (an eighth of the cases): rmcp's encoding on both
/// sides, and stderr at debug level, carry no secret either.
#[test]
fn every_tool_answers_fuzzed_arguments_over_stdio() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let double = rt.block_on(OdooDouble::start());
    let vars = server_env(
        &double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_MCP_TYPED_TOOLS", "all"),
            ("ODOO_MCP_ENABLE_METHOD_CALLS", "true"),
            ("ODOO_PASSWORD", PASSWORD),
        ],
    );
    let (client, stderr): (Client, _) = rt.block_on(stdio_client(&vars));
    let tools = rt.block_on(client.list_all_tools()).expect("tools/list");
    let secrets = [double.api_key(), PASSWORD];
    let outcomes = Outcomes::default();
    let started = Instant::now();
    for_every_tool(&tools, (cases() / 8).max(2), |tool, _, value| {
        let mut request = CallToolRequestParams::new(tool.name.to_string());
        if let Some(arguments) = as_arguments(&value) {
            request = request.with_arguments(arguments);
        }
        let result = rt
            .block_on(async { tokio::time::timeout(BOUND, client.call_tool(request)).await })
            .map_err(|_| TestCaseError::fail(format!("{}: no answer within {BOUND:?}", tool.name)))?
            .map_err(|e| TestCaseError::fail(format!("{}: protocol error {e}", tool.name)))?;
        judge(&tool.name, &result, &secrets, &outcomes)
    });
    rt.block_on(client.cancel()).ok();
    let logs = stderr.text();
    for secret in secrets {
        assert!(!logs.contains(secret), "a secret in stderr");
    }
    eprintln!(
        "fuzz_tool_args stdio: {} tools, {} calls ({} ok, {} isError) in {:.1}s",
        tools.len(),
        outcomes.ok.load(Ordering::Relaxed) + outcomes.errors.load(Ordering::Relaxed),
        outcomes.ok.load(Ordering::Relaxed),
        outcomes.errors.load(Ordering::Relaxed),
        started.elapsed().as_secs_f64(),
    );
}

// --- regressions ----------------------------------------------------------------------------

/// Found by the huge-string mutation: a multi-megabyte name where a short one belongs was
/// scanned once per candidate for a "did you mean" (seconds of CPU per call in debug). Now it is
/// refused with a short message and no suggestion, whichever argument carries it.
#[test]
fn a_huge_name_is_refused_without_a_suggestion_scan() {
    let rt = runtime();
    let double = rt.block_on(OdooDouble::start());
    let [server, _] = servers(&double);
    // Contains `email`: the old containment scan suggested it.
    let huge = format!("{}email", "x".repeat(4 << 20));
    let cases = [
        (
            "search_records",
            json!({"model": "res.partner", "fields": [huge]}),
        ),
        (
            "search_records",
            json!({"model": "res.partner", "order": huge}),
        ),
        ("search_records", json!({"model": huge})),
        (
            "get_record",
            json!({"model": "res.partner", "record_id": 3, "fields": [huge]}),
        ),
        ("res_partner_search", json!({"fields": [huge]})),
        (
            "create_record",
            json!({"model": "res.partner", "values": {huge.clone(): 1}}),
        ),
        (
            "search_records",
            json!({"model": "res.partner", huge.clone(): 1}),
        ),
        (huge.as_str(), json!({})),
    ];
    for (tool, arguments) in cases {
        let result = rt.block_on(server.call(tool, as_arguments(&arguments)));
        let name: String = tool.chars().take(20).collect();
        assert_eq!(result.is_error, Some(true), "{name}: {result:?}");
        let message = text(&result);
        assert!(message.len() < 2_000, "{name}: {} bytes", message.len());
        assert!(!message.contains("did you mean"), "{name}: {message}");
    }
}

/// Found by the huge-string mutation: Odoo quotes what it refuses (an order term, a value, the
/// request it could not parse), and its message was passed on whole, 200 KB and more. Now
/// Odoo's part of a message is cut short, over JSON/2 and XML-RPC alike.
#[test]
fn odoo_quoting_a_huge_argument_is_cut_short() {
    let rt = runtime();
    let double = rt.block_on(OdooDouble::start());
    let huge = "x".repeat(200_000);
    // Nested deeper than the double's XML-RPC parser takes: it quotes the whole request back.
    let mut deep = json!(null);
    for _ in 0..100 {
        deep = json!([deep]);
    }
    let [json2, xmlrpc] = servers(&double);
    let aggregate = json!({"model": "sale.order.line", "groupby": ["product_id"], "order": huge});
    // An x2many takes Odoo's commands, which the generated types leave to Odoo.
    let create = json!({"model": "res.partner", "values": {"category_id": deep}});
    for (server, tool, arguments) in [
        (&json2, "aggregate_records", &aggregate),
        (&xmlrpc, "aggregate_records", &aggregate),
        (&xmlrpc, "create_record", &create),
    ] {
        let result = rt.block_on(server.call(tool, as_arguments(arguments)));
        assert_eq!(result.is_error, Some(true), "{tool}: {result:?}");
        let message = text(&result);
        assert!(message.starts_with("Odoo"), "{tool}: {message}");
        assert!(message.len() < 3_000, "{tool}: {} bytes", message.len());
    }
}

/// Found by the huge-string mutation: a typed create's value decoder quoted a 200 KB date whole
/// in its error. Now the decoder's part of the message is cut short.
#[test]
fn a_huge_value_a_decoder_refuses_is_cut_short() {
    let rt = runtime();
    let double = rt.block_on(OdooDouble::start());
    let [server, _] = servers(&double);
    let huge = "x".repeat(200_000);
    let arguments = json!({"currency_id": 1, "journal_id": 1, "date": huge});
    let result = rt.block_on(server.call("account_move_create", as_arguments(&arguments)));
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let message = text(&result);
    assert!(message.contains("date"), "{message}");
    assert!(message.len() < 3_000, "{} bytes", message.len());
}

/// Found by the huge-string mutation: a refused method name was quoted whole (16 KB for 8,000
/// `é`). Now a refusal is cut short too.
#[test]
fn a_huge_refused_method_name_is_cut_short() {
    let rt = runtime();
    let double = rt.block_on(OdooDouble::start());
    let [server, _] = servers(&double);
    let arguments = json!({"model": "res.partner", "method": "é".repeat(200_000)});
    let result = rt.block_on(server.call("call_model_method", as_arguments(&arguments)));
    assert_eq!(result.is_error, Some(true), "{result:?}");
    let message = text(&result);
    assert!(message.contains("refused"), "{message}");
    assert!(
        message.chars().count() < 3_000,
        "{} chars",
        message.chars().count()
    );
}

/// Found by the extreme-number mutation: an offset near `u64::MAX` overflowed the next page's
/// offset (a panic in debug builds). Now the arithmetic saturates and the call answers.
#[test]
fn an_offset_at_the_top_of_u64_does_not_overflow() {
    let rt = runtime();
    let double = rt.block_on(OdooDouble::start());
    let [json2, xmlrpc] = servers(&double);
    let offset = u64::MAX - 1;
    for server in [&json2, &xmlrpc] {
        for (tool, arguments) in [
            (
                "aggregate_records",
                json!({"model": "res.partner", "groupby": ["is_company"], "offset": offset}),
            ),
            (
                "search_records",
                json!({"model": "res.partner", "offset": offset, "count": true}),
            ),
        ] {
            let result = rt.block_on(server.call(tool, as_arguments(&arguments)));
            let message = text(&result);
            assert!(!message.is_empty(), "{tool}: {result:?}");
        }
    }
}
