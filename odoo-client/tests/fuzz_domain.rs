//! Structured fuzzing of the domain validator: domains generated from the grammar (so most reach
//! the deep checks), then mutated (items dropped, swapped, retyped, nested), plus arbitrary JSON and
//! mangled JSON text. The validator must never panic, accept every well-formed domain, and point
//! every refusal at a real place in the input.
//!
//! Cases per property: 256 by default (a second or two in debug); `ODOO_FUZZ_RUNS=200000` for a
//! long session.

use odoo_client::domain::{MAX_DEPTH, MAX_TERMS};
use odoo_client::{Domain, DomainError, Operator};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::{Value, json};

fn config() -> Config {
    let cases = std::env::var("ODOO_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        // Failures become named regression tests below, not files in the tree.
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

// --- grammar -------------------------------------------------------------------------------

/// A field name or dotted path the validator must accept.
fn field() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "name",
            "id",
            "partner_id.country_id.code",
            "is_company",
            "x_studio_2",
            "_private",
            "A.B",
            "0",
        ])
        .prop_map(str::to_string),
        "[A-Za-z0-9_]{1,12}(\\.[A-Za-z0-9_]{1,8}){0,3}",
    ]
}

/// An operator and the spelling sent (case changed, deprecated aliases).
fn operator() -> impl Strategy<Value = (Operator, String)> {
    (prop::sample::select(Operator::ALL.to_vec()), 0..4u8).prop_map(|(op, style)| {
        let text = match (op, style) {
            (Operator::Ne, 0) => "<>".to_string(),
            (Operator::Eq, 0) => "==".to_string(),
            (_, 1) => op.as_str().to_ascii_uppercase(),
            _ => op.as_str().to_string(),
        };
        (op, text)
    })
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from), // NaN/inf become null
        ".{0,20}".prop_map(Value::String),
    ]
}

fn plain_list() -> impl Strategy<Value = Value> {
    prop::collection::vec(scalar(), 0..6).prop_map(Value::Array)
}

/// A well-formed domain tree, serialised below in Polish notation.
#[derive(Debug, Clone)]
enum Tree {
    /// `[field, operator, value]`, with the canonical form the validator must give back.
    Leaf {
        sent: Value,
        canonical: Value,
    },
    Const(bool),
    Not(Box<Tree>),
    And(Box<Tree>, Box<Tree>),
    Or(Box<Tree>, Box<Tree>),
}

impl Tree {
    fn push(&self, sent: &mut Vec<Value>, canonical: &mut Vec<Value>) {
        let mut both = |v: Value| {
            sent.push(v.clone());
            canonical.push(v);
        };
        match self {
            Tree::Leaf {
                sent: s,
                canonical: c,
            } => {
                sent.push(s.clone());
                canonical.push(c.clone());
            }
            Tree::Const(true) => both(json!([1, "=", 1])),
            Tree::Const(false) => both(json!([0, "=", 1])),
            Tree::Not(t) => {
                both(json!("!"));
                t.push(sent, canonical);
            }
            Tree::And(a, b) | Tree::Or(a, b) => {
                both(json!(if matches!(self, Tree::And(..)) {
                    "&"
                } else {
                    "|"
                }));
                a.push(sent, canonical);
                b.push(sent, canonical);
            }
        }
    }
}

/// Top-level trees (implicitly and-ed) as `(sent, canonical)` lists.
fn domain(any_depth: u32) -> BoxedStrategy<(Value, Value)> {
    prop::collection::vec(tree(any_depth), 0..4)
        .prop_map(|trees| {
            let (mut sent, mut canonical) = (Vec::new(), Vec::new());
            for t in &trees {
                t.push(&mut sent, &mut canonical);
            }
            (Value::Array(sent), Value::Array(canonical))
        })
        .boxed()
}

fn leaf(any_depth: u32) -> BoxedStrategy<Tree> {
    (field(), operator())
        .prop_flat_map(move |(field, (op, text))| {
            let value: BoxedStrategy<(Value, Value)> = match op {
                Operator::Any | Operator::NotAny if any_depth > 0 => domain(any_depth - 1),
                Operator::Any | Operator::NotAny => Just((json!([]), json!([]))).boxed(),
                Operator::Gt | Operator::Ge | Operator::Lt | Operator::Le => {
                    scalar().prop_map(|v| (v.clone(), v)).boxed()
                }
                Operator::Like
                | Operator::NotLike
                | Operator::Ilike
                | Operator::NotIlike
                | Operator::EqLike
                | Operator::NotEqLike
                | Operator::EqIlike
                | Operator::NotEqIlike => prop_oneof![
                    ".{0,20}".prop_map(Value::String),
                    Just(Value::Null),
                    Just(Value::Bool(false))
                ]
                .prop_map(|v| (v.clone(), v))
                .boxed(),
                _ => prop_oneof![scalar(), plain_list()]
                    .prop_map(|v| (v.clone(), v))
                    .boxed(),
            };
            value.prop_map(move |(sent, canonical)| Tree::Leaf {
                sent: json!([field, text, sent]),
                canonical: json!([field, op.as_str(), canonical]),
            })
        })
        .boxed()
}

fn tree(any_depth: u32) -> BoxedStrategy<Tree> {
    let base = prop_oneof![8 => leaf(any_depth), 1 => any::<bool>().prop_map(Tree::Const)];
    base.prop_recursive(5, 24, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|t| Tree::Not(Box::new(t))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Tree::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Tree::Or(Box::new(a), Box::new(b))),
        ]
    })
    .boxed()
}

// --- mutations -----------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Mutation {
    Remove(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, Value),
    /// Replace the n-th part (field, operator, value) of the condition at index.
    Part(usize, usize, Value),
    WrapInList(usize),
    ShiftConditionArity(usize, bool),
}

fn junk() -> impl Strategy<Value = Value> {
    prop_oneof![
        scalar(),
        prop::sample::select(vec![
            "&",
            "|",
            "!",
            "and",
            "OR",
            "=",
            "in",
            "any!",
            "not any!",
            "",
            " ",
            "a..b",
            ".",
            "é",
            "[[\"a\",\"=\",1]]",
        ])
        .prop_map(Value::from),
        Just(json!({"field": "name", "operator": "=", "value": 1})),
        Just(json!([[["deep"]]])),
        Just(json!(["name", "=", ["nested", ["list"]]])),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Remove),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), junk()).prop_map(|(i, v)| Mutation::Insert(i, v)),
        (any::<usize>(), 0..3usize, junk()).prop_map(|(i, p, v)| Mutation::Part(i, p, v)),
        any::<usize>().prop_map(Mutation::WrapInList),
        (any::<usize>(), any::<bool>())
            .prop_map(|(i, grow)| Mutation::ShiftConditionArity(i, grow)),
    ]
}

fn apply(value: &mut Value, mutation: &Mutation) {
    let Value::Array(items) = value else { return };
    let n = items.len();
    match mutation {
        Mutation::Insert(i, v) => items.insert(i % (n + 1), v.clone()),
        _ if n == 0 => {}
        Mutation::Remove(i) => {
            items.remove(i % n);
        }
        Mutation::Duplicate(i) => {
            let item = items[i % n].clone();
            items.insert(i % n, item);
        }
        Mutation::Swap(a, b) => items.swap(a % n, b % n),
        Mutation::Part(i, p, v) => match &mut items[i % n] {
            Value::Array(parts) if parts.len() > *p => parts[*p] = v.clone(),
            other => *other = v.clone(),
        },
        Mutation::WrapInList(i) => {
            let item = items[i % n].take();
            items[i % n] = json!([item]);
        }
        Mutation::ShiftConditionArity(i, grow) => {
            if let Value::Array(parts) = &mut items[i % n] {
                if *grow {
                    parts.push(json!("extra"));
                } else {
                    parts.pop();
                }
            }
        }
    }
}

// --- properties ----------------------------------------------------------------------------

/// Follows an error path such as `[1][2][0]` into the input.
fn resolve<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    for index in path.split(['[', ']']).filter(|s| !s.is_empty()) {
        current = current.get(index.parse::<usize>().ok()?)?;
    }
    Some(current)
}

/// What must hold for any input: no panic, a refusal names a place in the input and says what
/// is wrong in bounded text, an acceptance round-trips.
fn check_any(input: &Value) -> Result<Option<Domain>, TestCaseError> {
    match Domain::from_value(input) {
        Ok(domain) => {
            let out = domain.to_value();
            prop_assert_eq!(Domain::from_value(&out), Ok(domain.clone()));
            // Through text only the shape is compared: serde_json (without `float_roundtrip`)
            // may read a float back one ULP off.
            let reparsed = domain.to_string().parse::<Domain>();
            prop_assert_eq!(reparsed.map(|d| d.len()), Ok(domain.len()));
            prop_assert!(domain.fields().all(|f| !f.is_empty() && !f.contains('.')));
            // The combinators keep any domain valid.
            let combined = domain.clone().not().or(domain.clone()).and(domain.clone());
            prop_assert!(Domain::from_value(&combined.to_value()).is_ok());
            Ok(Some(domain))
        }
        Err(DomainError { path, message, .. }) => {
            prop_assert!(!message.is_empty());
            prop_assert!(message.len() < 2_000, "{}", message);
            prop_assert!(
                resolve(input, &path).is_some(),
                "path {} not in {}",
                path,
                input
            );
            Ok(None)
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn grammar_domains_are_accepted_in_canonical_form((sent, canonical) in domain(3)) {
        let domain = Domain::from_value(&sent)
            .map_err(|e| TestCaseError::fail(format!("{sent} refused: {e}")))?;
        prop_assert_eq!(domain.to_value(), canonical);
        prop_assert_eq!(domain.len(), sent.as_array().map_or(0, Vec::len));
        check_any(&sent)?;
    }

    #[test]
    fn mutated_domains_never_panic(
        (sent, _) in domain(2),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let mut input = sent;
        for m in &mutations {
            apply(&mut input, m);
        }
        check_any(&input)?;
    }

    #[test]
    fn arbitrary_json_never_panics(input in arbitrary_json()) {
        check_any(&input)?;
    }

    #[test]
    fn mangled_json_text_never_panics(
        (sent, _) in domain(2),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let mut bytes = sent.to_string().into_bytes();
        for (at, byte) in &flips {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
        }
        let keep = cut.index(bytes.len() + 1);
        bytes.truncate(keep);
        let text = String::from_utf8_lossy(&bytes);
        if let Ok(domain) = text.parse::<Domain>() {
            let reparsed = domain.to_string().parse::<Domain>();
            prop_assert_eq!(reparsed.map(|d| d.len()), Ok(domain.len()));
        }
    }

    /// `!` chains are checked without recursion: any length up to the term budget is fine.
    #[test]
    fn long_not_chains_stay_flat(n in 0usize..(MAX_TERMS - 1)) {
        let mut items = vec![json!("!"); n];
        items.push(json!(["name", "=", "x"]));
        let input = Value::Array(items);
        let domain = Domain::from_value(&input).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(domain.len(), n + 1);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        scalar(),
        junk(),
        field().prop_map(Value::String),
        operator().prop_map(|(_, t)| Value::String(t)),
    ];
    leaf.prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            3 => prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            // Three-item lists look like conditions and get past the first check.
            3 => (inner.clone(), operator(), inner.clone())
                .prop_map(|(f, (_, op), v)| json!([f, op, v])),
            1 => prop::collection::btree_map("[a-z]{1,6}", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

// --- bounds and regressions ----------------------------------------------------------------

/// `[["a", "any", [["a", "any", ... [] ...]]]]`, `depth` sub-domains deep.
fn nested_any(depth: usize) -> Value {
    // Built by moving, not with `json!`, which would re-serialise the whole value each time.
    let mut value = json!([]);
    for _ in 0..depth {
        let condition = vec![json!("partner_id"), json!("any"), value];
        value = Value::Array(vec![Value::Array(condition)]);
    }
    value
}

#[test]
fn any_nesting_is_bounded_by_max_depth() {
    assert!(Domain::from_value(&nested_any(MAX_DEPTH)).is_ok());
    let err = Domain::from_value(&nested_any(MAX_DEPTH + 1)).unwrap_err();
    assert!(err.message.contains("nested more than"), "{err}");
    // Far past the bound: refused at the bound, not by a stack overflow.
    let deep = nested_any(5_000);
    let err = Domain::from_value(&deep).unwrap_err();
    assert!(err.message.contains("nested more than"), "{err}");
    assert!(resolve(&deep, &err.path).is_some());
    // Dropping a 5 000-deep serde_json::Value recurses; do it on a roomy stack.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || drop(deep))
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn nested_plain_lists_are_refused_without_recursion() {
    // A value nested 10 000 lists deep inside a condition: refused by the list check, which
    // looks one level down only.
    let mut value = json!(1);
    for _ in 0..10_000 {
        value = Value::Array(vec![value]);
    }
    let input = Value::Array(vec![Value::Array(vec![json!("id"), json!("in"), value])]);
    let err = Domain::from_value(&input).unwrap_err();
    assert!(err.message.contains("plain values"), "{err}");
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || drop(input))
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn term_budget_counts_every_level() {
    let many = |n: usize| Value::Array(vec![json!(["id", "=", 1]); n]);
    assert!(Domain::from_value(&many(MAX_TERMS)).is_ok());
    let err = Domain::from_value(&many(MAX_TERMS + 1)).unwrap_err();
    assert!(err.message.contains("too many terms"), "{err}");
    // Spread over sub-domains: the budget is global.
    let half = many(MAX_TERMS / 2);
    let split = json!([["a", "any", half], ["b", "any", half]]);
    let err = Domain::from_value(&split).unwrap_err();
    assert!(err.message.contains("too many terms"), "{err}");
}

#[test]
fn hostile_strings_are_echoed_short() {
    let long = "x".repeat(1 << 20);
    for input in [
        json!([[long.clone(), "=", 1]]),
        json!([["name", long.clone(), 1]]),
        json!([long.clone()]),
        json!([["name.", "=", 1]]),
        json!(long.clone()),
    ] {
        if let Err(e) = Domain::from_value(&input) {
            assert!(e.to_string().len() < 2_000, "{} bytes", e.to_string().len());
        }
    }
    // A huge but valid value is accepted as is (Odoo decides what it matches).
    assert!(Domain::from_value(&json!([["name", "=", long]])).is_ok());
}
