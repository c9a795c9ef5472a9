//! A small, independent evaluator of Odoo domains over JSON records.
//!
//! It is deliberately separate from `odoo_client::Domain` (the code under test), so a
//! bug in the client's domain builder cannot hide behind the same bug in the double.
//!
//! Supported: prefix `&`, `|`, `!` (implicit `&` between top-level terms), the
//! constant leaves `[1, "=", 1]` / `[0, "=", 1]`, and the operators `=`, `!=`, `<>`,
//! `<`, `>`, `<=`, `>=`, `=?`, `in`, `not in`, `like`, `ilike`, `not like`,
//! `not ilike`, `=like`, `=ilike`. Many2one values (`[id, name]`) compare by id with
//! numbers and by name with strings; x2many values (id lists) match `=`/`in` when
//! they contain one of the ids. As in Odoo, `!=`, `not in` and the negative `like`
//! operators also match empty (`false`) values.
//!
//! Not supported (the double answers a 500 `ValueError` naming the operator):
//! `child_of`, `parent_of`, `any`, `not any`; `like` operators on x2many fields
//! never match; accent-insensitive matching (`unaccent`) is not emulated.

use std::cmp::Ordering;

use serde_json::Value;

/// A parsed domain.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    True,
    False,
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Leaf(Leaf),
}

/// One `(field, operator, value)` condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub field: String,
    pub operator: Operator,
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    EqOrUnset,
    In,
    NotIn,
    Like,
    Ilike,
    NotLike,
    NotIlike,
    EqLike,
    EqIlike,
}

impl Operator {
    fn parse(op: &str) -> Option<Self> {
        Some(match op {
            "=" | "==" => Self::Eq,
            "!=" | "<>" => Self::Ne,
            "<" => Self::Lt,
            ">" => Self::Gt,
            "<=" => Self::Le,
            ">=" => Self::Ge,
            "=?" => Self::EqOrUnset,
            "in" => Self::In,
            "not in" => Self::NotIn,
            "like" => Self::Like,
            "ilike" => Self::Ilike,
            "not like" => Self::NotLike,
            "not ilike" => Self::NotIlike,
            "=like" => Self::EqLike,
            "=ilike" => Self::EqIlike,
            _ => return None,
        })
    }
}

/// Why a domain cannot be evaluated. Messages follow Odoo's `ValueError` wording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError(pub String);

/// Parses a domain given as a JSON array.
pub fn parse(domain: &Value) -> Result<Node, DomainError> {
    let items = match domain {
        Value::Array(items) => items.as_slice(),
        Value::Bool(false) | Value::Null => &[],
        other => {
            return Err(DomainError(format!(
                "Domain {} is not a list",
                py_repr(other)
            )));
        }
    };
    let mut pos = 0;
    let mut terms = Vec::new();
    while pos < items.len() {
        terms.push(parse_one(items, &mut pos)?);
    }
    Ok(terms
        .into_iter()
        .rev()
        .reduce(|acc, term| Node::And(Box::new(term), Box::new(acc)))
        .unwrap_or(Node::True))
}

fn parse_one(items: &[Value], pos: &mut usize) -> Result<Node, DomainError> {
    let Some(item) = items.get(*pos) else {
        return Err(DomainError(format!(
            "Domain {} is syntactically not correct: an operator lacks its operands",
            py_repr(&Value::Array(items.to_vec()))
        )));
    };
    *pos += 1;
    match item {
        Value::String(op) if op == "&" || op == "|" => {
            let left = parse_one(items, pos)?;
            let right = parse_one(items, pos)?;
            Ok(if op == "&" {
                Node::And(Box::new(left), Box::new(right))
            } else {
                Node::Or(Box::new(left), Box::new(right))
            })
        }
        Value::String(op) if op == "!" => Ok(Node::Not(Box::new(parse_one(items, pos)?))),
        Value::Array(leaf) if leaf.len() == 3 => parse_leaf(leaf),
        other => Err(DomainError(format!("Invalid leaf {}", py_repr(other)))),
    }
}

fn parse_leaf(leaf: &[Value]) -> Result<Node, DomainError> {
    let condition = || py_repr(&Value::Array(leaf.to_vec()));
    // Odoo's TRUE_LEAF / FALSE_LEAF.
    if leaf[1] == "=" && leaf[2] == 1 {
        if leaf[0] == 1 {
            return Ok(Node::True);
        }
        if leaf[0] == 0 {
            return Ok(Node::False);
        }
    }
    let Value::String(field) = &leaf[0] else {
        return Err(DomainError(format!("Invalid leaf {}", condition())));
    };
    let Value::String(op) = &leaf[1] else {
        return Err(DomainError(format!(
            "Invalid operator in condition {}",
            condition()
        )));
    };
    let operator = Operator::parse(&op.to_ascii_lowercase()).ok_or_else(|| {
        DomainError(format!(
            "Invalid operator {} in condition {} (operators child_of, parent_of, any and not any are not supported by the Odoo test double)",
            py_repr(&leaf[1]),
            condition()
        ))
    })?;
    Ok(Node::Leaf(Leaf {
        field: field.clone(),
        operator,
        value: leaf[2].clone(),
    }))
}

impl Node {
    /// Every leaf, to validate field names before evaluating anything.
    pub fn leaves(&self) -> Vec<&Leaf> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Leaf>) {
        match self {
            Node::True | Node::False => {}
            Node::And(a, b) | Node::Or(a, b) => {
                a.collect(out);
                b.collect(out);
            }
            Node::Not(a) => a.collect(out),
            Node::Leaf(leaf) => out.push(leaf),
        }
    }

    /// Evaluates against one record; `get` returns a field's value (`false` when empty).
    pub fn eval(&self, get: &dyn Fn(&str) -> Value) -> bool {
        match self {
            Node::True => true,
            Node::False => false,
            Node::And(a, b) => a.eval(get) && b.eval(get),
            Node::Or(a, b) => a.eval(get) || b.eval(get),
            Node::Not(a) => !a.eval(get),
            Node::Leaf(leaf) => leaf.eval(&get(&leaf.field)),
        }
    }
}

/// Odoo's empty value: `false`, `null`, an empty list.
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// `[id, "name"]`, a many2one value.
fn as_many2one(value: &Value) -> Option<(&Value, &str)> {
    match value.as_array().map(Vec::as_slice) {
        Some([id @ Value::Number(_), Value::String(name)]) => Some((id, name.as_str())),
        _ => None,
    }
}

fn list_of(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    }
}

impl Leaf {
    fn eval(&self, field: &Value) -> bool {
        use Operator::*;
        let target = &self.value;
        // x2many: a list of ids (and not a many2one pair).
        if let (Value::Array(ids), None) = (field, as_many2one(field)) {
            let contains_any = |wanted: &[&Value]| {
                wanted
                    .iter()
                    .any(|w| ids.iter().any(|id| loose_eq(id, w) == Some(true)))
            };
            return match self.operator {
                Eq | In if is_empty(target) => ids.is_empty(),
                Ne | NotIn if is_empty(target) => !ids.is_empty(),
                Eq | In => contains_any(&list_of(target)),
                Ne | NotIn => !contains_any(&list_of(target)),
                EqOrUnset => is_empty(target) || contains_any(&list_of(target)),
                _ => false,
            };
        }
        let empty = is_empty(field) && !matches!(field, Value::Bool(false) if target.is_boolean());
        match self.operator {
            EqOrUnset if is_empty(target) => true,
            Eq | EqOrUnset => eq(field, target, empty),
            Ne => !eq(field, target, empty),
            In => list_of(target).into_iter().any(|t| eq(field, t, empty)),
            NotIn => !list_of(target).into_iter().any(|t| eq(field, t, empty)),
            Lt | Gt | Le | Ge => {
                if empty {
                    return false;
                }
                let ordering = compare(field, target);
                match (self.operator, ordering) {
                    (_, None) => false,
                    (Lt, Some(o)) => o == Ordering::Less,
                    (Gt, Some(o)) => o == Ordering::Greater,
                    (Le, Some(o)) => o != Ordering::Greater,
                    (_, Some(o)) => o != Ordering::Less,
                }
            }
            Like | Ilike | NotLike | NotIlike | EqLike | EqIlike => {
                let text = match (field, as_many2one(field)) {
                    (_, Some((_, name))) => Some(name.to_string()),
                    (Value::String(s), _) => Some(s.clone()),
                    (Value::Number(n), _) => Some(n.to_string()),
                    _ => None,
                };
                let pattern = match target {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                };
                let insensitive = matches!(self.operator, Ilike | NotIlike | EqIlike);
                let pattern = match self.operator {
                    EqLike | EqIlike => pattern,
                    _ => format!("%{pattern}%"),
                };
                let hit = text.is_some_and(|t| like(&t, &pattern, insensitive));
                match self.operator {
                    NotLike | NotIlike => !hit,
                    _ => hit,
                }
            }
        }
    }
}

/// `field = target`, with Odoo's notion of empty and of many2one values.
fn eq(field: &Value, target: &Value, field_empty: bool) -> bool {
    if is_empty(target) && !target.is_boolean() || target == &Value::Bool(false) {
        // `= false` matches unset values; a boolean field holding false is "unset" too.
        return field_empty || field == &Value::Bool(false);
    }
    if field_empty {
        return false;
    }
    if let Some((id, name)) = as_many2one(field) {
        return match target {
            Value::String(s) => name == s,
            other => loose_eq(id, other) == Some(true),
        };
    }
    loose_eq(field, target).unwrap_or(false)
}

fn loose_eq(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.as_f64()? == y.as_f64()?),
        (Value::Bool(x), Value::Number(y)) | (Value::Number(y), Value::Bool(x)) => {
            Some((y.as_f64()? != 0.0) == *x)
        }
        _ => Some(a == b),
    }
}

/// Orders two non-empty values of the same kind (numbers, strings, many2one ids).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => match (as_many2one(a), as_many2one(b)) {
            (Some((x, _)), _) => compare(x, b),
            (_, Some((y, _))) => compare(a, y),
            _ => None,
        },
    }
}

/// SQL `LIKE`: `%` any run, `_` one character, `\` escapes.
pub fn like(text: &str, pattern: &str, insensitive: bool) -> bool {
    let fold = |s: &str| -> Vec<char> {
        if insensitive {
            s.to_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let text = fold(text);
    let mut tokens = Vec::new();
    let mut chars = fold(pattern).into_iter();
    while let Some(c) = chars.next() {
        tokens.push(match c {
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            '%' => Token::Any,
            '_' => Token::One,
            c => Token::Char(c),
        });
    }
    // Classic wildcard DP: reachable[j] = the first i text chars match the first j tokens.
    let mut reachable = vec![false; tokens.len() + 1];
    reachable[0] = true;
    for (j, token) in tokens.iter().enumerate() {
        if *token == Token::Any {
            reachable[j + 1] = reachable[j];
        }
    }
    for c in &text {
        let mut next = vec![false; tokens.len() + 1];
        for (j, token) in tokens.iter().enumerate() {
            next[j + 1] = match token {
                Token::Any => next[j] || reachable[j + 1],
                Token::One => reachable[j],
                Token::Char(p) => reachable[j] && p == c,
            };
        }
        reachable = next;
    }
    reachable[tokens.len()]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Any,
    One,
    Char(char),
}

/// Python `repr` of a JSON value, for error messages worded like Odoo's.
pub fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Array(items) if items.len() == 3 && items[0].is_string() && items[1].is_string() => {
            // Odoo prints conditions as tuples.
            format!(
                "({}, {}, {})",
                py_repr(&items[0]),
                py_repr(&items[1]),
                py_repr(&items[2])
            )
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(py_repr).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("'{k}': {}", py_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn matches(domain: Value, record: Value) -> bool {
        let node = parse(&domain).expect("valid domain");
        node.eval(&|f| record.get(f).cloned().unwrap_or(Value::Bool(false)))
    }

    #[test]
    fn prefix_operators_and_implicit_and() {
        let r = json!({"a": 1, "b": "x", "c": false});
        assert!(matches(json!([["a", "=", 1], ["b", "=", "x"]]), r.clone()));
        assert!(!matches(json!([["a", "=", 1], ["b", "=", "y"]]), r.clone()));
        assert!(matches(
            json!(["|", ["a", "=", 2], ["b", "=", "x"]]),
            r.clone()
        ));
        assert!(matches(json!(["!", ["a", "=", 2]]), r.clone()));
        assert!(matches(
            json!(["&", "|", ["a", "=", 2], ["a", "=", 1], ["b", "!=", "y"]]),
            r.clone()
        ));
        assert!(matches(json!([[1, "=", 1]]), r.clone()));
        assert!(!matches(json!([[0, "=", 1]]), r));
    }

    #[test]
    fn empty_values_and_negative_operators() {
        let r = json!({"c": false, "d": "hello"});
        assert!(matches(json!([["c", "=", false]]), r.clone()));
        assert!(matches(json!([["c", "!=", "x"]]), r.clone()));
        assert!(matches(json!([["c", "not ilike", "x"]]), r.clone()));
        assert!(!matches(json!([["c", "ilike", "x"]]), r.clone()));
        assert!(matches(json!([["d", "!=", false]]), r.clone()));
        assert!(matches(json!([["d", "=?", false]]), r.clone()));
        assert!(matches(json!([["c", "in", [false, "z"]]]), r));
    }

    #[test]
    fn like_operators() {
        assert!(like("Acme Corporation", "%corp%", true));
        assert!(!like("Acme Corporation", "%corp%", false));
        assert!(like("abc", "a_c", false));
        assert!(like("50%", "50\\%", false));
        let r = json!({"name": "Acme Corporation"});
        assert!(matches(json!([["name", "ilike", "acme"]]), r.clone()));
        assert!(matches(json!([["name", "=ilike", "acme%"]]), r.clone()));
        assert!(!matches(json!([["name", "=like", "acme%"]]), r.clone()));
        assert!(matches(json!([["name", "not like", "acme"]]), r));
    }

    #[test]
    fn relational_values() {
        let r = json!({"country_id": [233, "United States"], "child_ids": [40, 41], "tag_ids": []});
        assert!(matches(json!([["country_id", "=", 233]]), r.clone()));
        assert!(matches(json!([["country_id", "in", [1, 233]]]), r.clone()));
        assert!(matches(
            json!([["country_id", "ilike", "united"]]),
            r.clone()
        ));
        assert!(matches(json!([["child_ids", "in", [41]]]), r.clone()));
        assert!(matches(json!([["child_ids", "=", 40]]), r.clone()));
        assert!(matches(json!([["tag_ids", "=", false]]), r.clone()));
        assert!(!matches(json!([["child_ids", "not in", [40]]]), r));
    }

    #[test]
    fn comparisons() {
        let r = json!({"n": 5, "d": "2026-01-02", "e": false});
        assert!(matches(json!([["n", ">", 4], ["n", "<=", 5]]), r.clone()));
        assert!(matches(json!([["d", ">=", "2026-01-01"]]), r.clone()));
        assert!(!matches(json!([["e", "<", 3]]), r));
    }

    #[test]
    fn malformed_domains_are_refused() {
        assert!(parse(&json!(["&", ["a", "=", 1]])).is_err());
        assert!(parse(&json!([["a", "child_of", 1]])).is_err());
        assert!(parse(&json!([["a", "="]])).is_err());
        assert!(parse(&json!("a")).is_err());
    }
}
