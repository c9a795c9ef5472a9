//! The conditions of Odoo's views (`invisible="state != 'draft'"`), a small
//! subset of Python: field names, literals, tuples and lists, comparisons,
//! `in` / `not in`, `not`, `and`, `or`, parentheses. Evaluated on a record
//! as Odoo's web client does; anything else (`context.get(…)`, `parent.x`,
//! calls) makes the condition unknown rather than guessed.

use serde_json::{Map, Value};

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Str(String),
    Num(f64),
    Op(&'static str),
    Open(char),
    Close(char),
    Comma,
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            c if c.is_whitespace() => i += 1,
            '(' | '[' => {
                out.push(Token::Open(c));
                i += 1;
            }
            ')' | ']' => {
                out.push(Token::Close(c));
                i += 1;
            }
            ',' => {
                out.push(Token::Comma);
                i += 1;
            }
            '\'' | '"' => {
                let end = chars[i + 1..].iter().position(|&d| d == c)? + i + 1;
                out.push(Token::Str(chars[i + 1..end].iter().collect()));
                i = end + 1;
            }
            '=' | '!' | '<' | '>' => {
                let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
                let op = match two.as_str() {
                    "==" => "==",
                    "!=" => "!=",
                    "<=" => "<=",
                    ">=" => ">=",
                    _ if c == '<' => "<",
                    _ if c == '>' => ">",
                    _ => return None,
                };
                i += op.len();
                out.push(Token::Op(op));
            }
            c if c.is_ascii_digit()
                || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) =>
            {
                let start = i;
                i += 1;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                let text: String = chars[start..i].iter().collect();
                out.push(Token::Num(text.parse().ok()?));
            }
            c if c.is_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len()
                    && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
                {
                    i += 1;
                }
                out.push(Token::Name(chars[start..i].iter().collect()));
            }
            _ => return None,
        }
    }
    Some(out)
}

/// A parsed condition.
#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Field(String),
    Literal(Value),
    List(Vec<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(&'static str, Box<Expr>, Box<Expr>),
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token::Name(n)) if n == word)
    }

    fn or(&mut self) -> Option<Expr> {
        let mut left = self.and()?;
        while self.keyword("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Some(left)
    }

    fn and(&mut self) -> Option<Expr> {
        let mut left = self.not()?;
        while self.keyword("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.not()?));
        }
        Some(left)
    }

    fn not(&mut self) -> Option<Expr> {
        if self.keyword("not") {
            self.at += 1;
            return Some(Expr::Not(Box::new(self.not()?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Option<Expr> {
        let left = self.atom()?;
        let op = match self.peek() {
            Some(Token::Op(op)) => {
                let op = *op;
                self.at += 1;
                op
            }
            Some(Token::Name(n)) if n == "in" => {
                self.at += 1;
                "in"
            }
            Some(Token::Name(n))
                if n == "not"
                    && matches!(self.tokens.get(self.at + 1), Some(Token::Name(m)) if m == "in") =>
            {
                self.at += 2;
                "not in"
            }
            _ => return Some(left),
        };
        let right = self.atom()?;
        Some(Expr::Compare(op, Box::new(left), Box::new(right)))
    }

    fn atom(&mut self) -> Option<Expr> {
        match self.next()? {
            Token::Str(s) => Some(Expr::Literal(Value::String(s))),
            Token::Num(n) => Some(Expr::Literal(
                serde_json::Number::from_f64(n).map(Value::Number)?,
            )),
            Token::Name(n) => Some(match n.as_str() {
                "True" => Expr::Literal(Value::Bool(true)),
                "False" => Expr::Literal(Value::Bool(false)),
                "None" => Expr::Literal(Value::Null),
                // `parent.x`, `context.get`, keywords out of place: not this subset.
                name if name.contains('.') || matches!(name, "and" | "or" | "not" | "in") => {
                    return None;
                }
                _ => Expr::Field(n),
            }),
            Token::Open(open) => {
                let close = if open == '(' { ')' } else { ']' };
                let mut items = Vec::new();
                let mut tuple = open == '[';
                loop {
                    if self.peek() == Some(&Token::Close(close)) {
                        self.at += 1;
                        break;
                    }
                    items.push(self.or()?);
                    match self.next()? {
                        Token::Comma => tuple = true,
                        Token::Close(c) if c == close => break,
                        _ => return None,
                    }
                }
                match (tuple, items.len()) {
                    (false, 1) => items.pop(),
                    _ => Some(Expr::List(items)),
                }
            }
            _ => None,
        }
    }
}

/// A condition of a view, parsed; `None` when it is outside the subset.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition(Expr);

impl Condition {
    pub fn parse(text: &str) -> Option<Self> {
        let mut parser = Parser {
            tokens: tokens(text)?,
            at: 0,
        };
        let expr = parser.or()?;
        (parser.at == parser.tokens.len()).then_some(Condition(expr))
    }

    /// The field names it reads.
    pub fn fields(&self) -> Vec<String> {
        fn walk(expr: &Expr, out: &mut Vec<String>) {
            match expr {
                Expr::Field(name) => {
                    if !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                Expr::Literal(_) => {}
                Expr::List(items) => items.iter().for_each(|e| walk(e, out)),
                Expr::Not(e) => walk(e, out),
                Expr::And(a, b) | Expr::Or(a, b) | Expr::Compare(_, a, b) => {
                    walk(a, out);
                    walk(b, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out
    }

    /// Its truth on `record` (as Odoo reads it); `None` when it names a field
    /// the record lacks or compares what Python would not.
    pub fn holds(&self, record: &Map<String, Value>) -> Option<bool> {
        eval(&self.0, record).map(|v| truthy(&v))
    }
}

/// A record's value as the web client holds it: a many2one is its id.
fn plain(value: &Value) -> Value {
    match value {
        Value::Array(pair) if pair.len() == 2 && pair[0].is_i64() && pair[1].is_string() => {
            pair[0].clone()
        }
        other => other.clone(),
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => false,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => true,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        // Odoo's empty values: `false` and `None` compare as the web client sees them.
        _ => a == b || (!truthy(a) && !truthy(b) && !a.is_number() && !b.is_number()),
    }
}

fn eval(expr: &Expr, record: &Map<String, Value>) -> Option<Value> {
    Some(match expr {
        Expr::Field(name) => plain(record.get(name)?),
        Expr::Literal(v) => v.clone(),
        Expr::List(items) => Value::Array(
            items
                .iter()
                .map(|e| eval(e, record))
                .collect::<Option<Vec<_>>>()?,
        ),
        Expr::Not(e) => Value::Bool(!truthy(&eval(e, record)?)),
        // Python's short circuit: the undecided side matters only when reached.
        Expr::And(a, b) => {
            let left = eval(a, record)?;
            if truthy(&left) {
                eval(b, record)?
            } else {
                left
            }
        }
        Expr::Or(a, b) => {
            let left = eval(a, record)?;
            if truthy(&left) {
                left
            } else {
                eval(b, record)?
            }
        }
        Expr::Compare(op, a, b) => {
            let (left, right) = (eval(a, record)?, eval(b, record)?);
            Value::Bool(match *op {
                "==" => equal(&left, &right),
                "!=" => !equal(&left, &right),
                "in" | "not in" => {
                    let found = right.as_array()?.iter().any(|item| equal(&left, item));
                    found == (*op == "in")
                }
                _ => {
                    let ordering = match (left.as_f64(), right.as_f64()) {
                        (Some(x), Some(y)) => x.partial_cmp(&y)?,
                        _ => left.as_str()?.cmp(right.as_str()?),
                    };
                    match *op {
                        "<" => ordering.is_lt(),
                        "<=" => ordering.is_le(),
                        ">" => ordering.is_gt(),
                        _ => ordering.is_ge(),
                    }
                }
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn record(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    fn holds(condition: &str, on: Value) -> Option<bool> {
        Condition::parse(condition)
            .unwrap_or_else(|| panic!("{condition} should parse"))
            .holds(&record(on))
    }

    #[test]
    fn the_conditions_of_odoo_19_forms() {
        let draft = json!({"state": "draft", "locked": false, "id": 7});
        assert_eq!(holds("state != 'draft'", draft.clone()), Some(false));
        assert_eq!(
            holds("state not in ('sent', 'sale')", draft.clone()),
            Some(true)
        );
        assert_eq!(
            holds(
                "state not in ['draft', 'sent', 'sale'] or not id or locked",
                draft.clone()
            ),
            Some(false)
        );
        assert_eq!(holds("state in ('draft',)", draft), Some(true));
        let lead = json!({"won_status": "pending", "type": "opportunity", "active": true, "probability": 0});
        assert_eq!(
            holds(
                "won_status == 'won' or type == 'lead' or not active",
                lead.clone()
            ),
            Some(false)
        );
        assert_eq!(
            holds("type == 'lead' or probability == 0 and not active", lead),
            Some(false)
        );
        assert_eq!(
            holds(
                "duplicate_lead_count < 1",
                json!({"duplicate_lead_count": 0})
            ),
            Some(true)
        );
    }

    #[test]
    fn many2one_values_are_their_ids_and_empty_values_are_false() {
        let order = json!({"partner_id": [3, "Azure"], "user_id": false, "tag_ids": []});
        assert_eq!(holds("partner_id == 3", order.clone()), Some(true));
        assert_eq!(holds("not user_id", order.clone()), Some(true));
        assert_eq!(holds("tag_ids", order.clone()), Some(false));
        assert_eq!(holds("user_id == False", order), Some(true));
    }

    #[test]
    fn the_payment_button_of_a_posted_invoice() {
        // account.move's two Pay buttons, merged: hidden when both are.
        let a = "((state != 'posted' or payment_state not in ('not_paid', 'partial', 'in_payment') or move_type not in ('out_invoice', 'out_refund') or invoice_has_outstanding)) or (authorized_transaction_ids)";
        let b = a.replace(
            "or invoice_has_outstanding",
            "or not invoice_has_outstanding",
        );
        let both = format!("({a}) and ({b})");
        let posted = json!({"state": "posted", "payment_state": "not_paid", "move_type": "out_invoice", "invoice_has_outstanding": false, "authorized_transaction_ids": []});
        assert_eq!(holds(&both, posted.clone()), Some(false));
        let mut paid = posted;
        paid["payment_state"] = json!("paid");
        assert_eq!(holds(&both, paid), Some(true));
        let condition = Condition::parse(&both).unwrap();
        assert_eq!(
            condition.fields(),
            [
                "state",
                "payment_state",
                "move_type",
                "invoice_has_outstanding",
                "authorized_transaction_ids"
            ]
        );
    }

    #[test]
    fn outside_the_subset_or_the_record_is_unknown() {
        for text in [
            "context.get('x')",
            "parent.state == 'done'",
            "state ==",
            "f(x)",
            "state = 'a'",
        ] {
            assert!(Condition::parse(text).is_none(), "{text}");
        }
        assert_eq!(holds("missing_field", json!({})), None);
        // A short circuit never reads what it does not need.
        assert_eq!(
            holds(
                "state == 'done' and missing_field",
                json!({"state": "draft"})
            ),
            Some(false)
        );
        assert_eq!(holds("'a' < 3", json!({})), None);
    }
}
