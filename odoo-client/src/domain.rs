//! Odoo domains: a validator for domains that come from outside (an assistant, a config file, a
//! caller) and a builder for domains written in Rust.
//!
//! A domain is a JSON list in Polish (prefix) notation. Each item is either
//! - a condition `[field, operator, value]`, where `field` is a field name or a dotted path through
//!   relations (`"partner_id.country_id.code"`),
//! - a logical operator: `"&"` (and, 2 operands), `"|"` (or, 2 operands), `"!"` (not, 1 operand),
//! - a constant leaf: `[1, "=", 1]` (true) or `[0, "=", 1]` (false).
//!
//! Top-level terms that are not operands of an operator are joined by an implicit `&`, so `[]`
//! matches every record and `[a, b]` means `a AND b`.
//!
//! The operator list and value rules follow Odoo 19.0's `odoo/orm/domains.py`
//! (`STANDARD_CONDITION_OPERATORS` plus those registered by `operator_optimization`). Odoo
//! lowercases operators and rewrites `<>`/`==` to `!=`/`=` with a deprecation warning; we do the
//! same rewrite here so Odoo never sees the deprecated forms. The internal operators `any!` and
//! `not any!` are refused, as Odoo 19 refuses them in domain lists sent over RPC.
//!
//! ```
//! use odoo_client::Domain;
//!
//! // Validate a domain from outside.
//! let domain: Domain = r#"["|", ["is_company", "=", true], ["name", "ilike", "azure"]]"#.parse()?;
//! assert_eq!(domain.len(), 3);
//!
//! // Build one.
//! let built = Domain::eq("is_company", true)?.or(Domain::ilike("name", "azure")?);
//! assert_eq!(built, domain);
//!
//! // A malformed domain says what, where and how to fix it.
//! let err = Domain::from_value(&serde_json::json!([["name", "equals", "Azure"]])).unwrap_err();
//! assert_eq!(err.path, "[0][1]");
//! # Ok::<(), odoo_client::DomainError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// Deepest nesting of `any` / `not any` sub-domains accepted when parsing or building.
pub const MAX_DEPTH: usize = 64;

/// Most items (terms at every nesting level) accepted when parsing a domain.
///
/// Refuses hostile input early. Combining built domains with [`Domain::and`] and friends is not
/// limited: that input is the program's own.
pub const MAX_TERMS: usize = 10_000;

/// Longest piece of user input echoed back in an error message.
const MAX_ECHO: usize = 40;

/// A condition operator Odoo 19 accepts in a domain sent over RPC.
///
/// Parsing is case-insensitive and maps the deprecated `<>` and `==` to [`Operator::Ne`] and
/// [`Operator::Eq`]; [`Operator::as_str`] gives the canonical spelling Odoo expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Operator {
    /// `=`; a list value means "in" (Odoo rewrites it).
    Eq,
    /// `!=`; a list value means "not in".
    Ne,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `=?`: equal when the value is set, always true when it is empty (`false`, `null`, `""`).
    EqIfSet,
    /// `in`: the field's value is one of a list.
    In,
    /// `not in`
    NotIn,
    /// `like`: case-sensitive substring match (`%` and `_` are wildcards).
    Like,
    /// `not like`
    NotLike,
    /// `ilike`: case-insensitive substring match.
    Ilike,
    /// `not ilike`
    NotIlike,
    /// `=like`: case-sensitive match of the whole value against a SQL pattern.
    EqLike,
    /// `not =like`
    NotEqLike,
    /// `=ilike`: case-insensitive match of the whole value against a SQL pattern.
    EqIlike,
    /// `not =ilike`
    NotEqIlike,
    /// `child_of`: the record or one of its descendants in the hierarchy.
    ChildOf,
    /// `parent_of`: the record or one of its ancestors in the hierarchy.
    ParentOf,
    /// `any`: a related record matches the sub-domain.
    Any,
    /// `not any`: no related record matches the sub-domain.
    NotAny,
}

/// What kind of value an operator takes; drives value validation.
#[derive(Clone, Copy)]
enum ValueRule {
    /// One value or a list of plain values (Odoo turns a list into `in`).
    ValueOrList,
    /// Exactly one plain value (number, string, boolean, null).
    Single,
    /// A string pattern, or `false`/`null` (empty).
    Pattern,
    /// A list of plain values, or one value (Odoo wraps it in a list).
    List,
    /// A record id, a name, or a list of them.
    Hierarchy,
    /// A nested domain.
    SubDomain,
}

impl Operator {
    /// Every operator, in the order used in messages and the JSON schema.
    pub const ALL: [Operator; 21] = [
        Operator::Eq,
        Operator::Ne,
        Operator::Gt,
        Operator::Ge,
        Operator::Lt,
        Operator::Le,
        Operator::EqIfSet,
        Operator::In,
        Operator::NotIn,
        Operator::Like,
        Operator::NotLike,
        Operator::Ilike,
        Operator::NotIlike,
        Operator::EqLike,
        Operator::NotEqLike,
        Operator::EqIlike,
        Operator::NotEqIlike,
        Operator::ChildOf,
        Operator::ParentOf,
        Operator::Any,
        Operator::NotAny,
    ];

    /// The spelling Odoo expects.
    pub const fn as_str(self) -> &'static str {
        match self {
            Operator::Eq => "=",
            Operator::Ne => "!=",
            Operator::Gt => ">",
            Operator::Ge => ">=",
            Operator::Lt => "<",
            Operator::Le => "<=",
            Operator::EqIfSet => "=?",
            Operator::In => "in",
            Operator::NotIn => "not in",
            Operator::Like => "like",
            Operator::NotLike => "not like",
            Operator::Ilike => "ilike",
            Operator::NotIlike => "not ilike",
            Operator::EqLike => "=like",
            Operator::NotEqLike => "not =like",
            Operator::EqIlike => "=ilike",
            Operator::NotEqIlike => "not =ilike",
            Operator::ChildOf => "child_of",
            Operator::ParentOf => "parent_of",
            Operator::Any => "any",
            Operator::NotAny => "not any",
        }
    }

    /// Case-insensitive lookup, with the deprecated aliases.
    fn lookup(text: &str) -> Option<Operator> {
        // Longest spelling is "not =ilike" (10 bytes): skip lowercasing anything longer.
        if text.len() > 10 {
            return None;
        }
        let lower = text.to_ascii_lowercase();
        match lower.as_str() {
            "<>" => Some(Operator::Ne),
            "==" => Some(Operator::Eq),
            other => Operator::ALL.into_iter().find(|op| op.as_str() == other),
        }
    }

    fn rule(self) -> ValueRule {
        match self {
            Operator::Eq | Operator::Ne | Operator::EqIfSet => ValueRule::ValueOrList,
            Operator::Gt | Operator::Ge | Operator::Lt | Operator::Le => ValueRule::Single,
            Operator::Like
            | Operator::NotLike
            | Operator::Ilike
            | Operator::NotIlike
            | Operator::EqLike
            | Operator::NotEqLike
            | Operator::EqIlike
            | Operator::NotEqIlike => ValueRule::Pattern,
            Operator::In | Operator::NotIn => ValueRule::List,
            Operator::ChildOf | Operator::ParentOf => ValueRule::Hierarchy,
            Operator::Any | Operator::NotAny => ValueRule::SubDomain,
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Operator {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_operator(s).map_err(|message| DomainError::new("", message))
    }
}

impl Serialize for Operator {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Operator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<str>::deserialize(deserializer)?;
        parse_operator(&text).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Operator {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Operator".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "odoo_client::domain::Operator".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "description": "An Odoo domain condition operator.",
            "enum": operator_names(),
        })
    }
}

fn operator_names() -> Vec<&'static str> {
    Operator::ALL.iter().map(|op| op.as_str()).collect()
}

/// Why a domain was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainError {
    /// Position of the culprit in the domain, e.g. `[2][1]` (item 2, its operator); empty when the
    /// domain as a whole is wrong.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl DomainError {
    /// An error at `path` (e.g. `[2][0]`; empty for the whole domain), for callers that check
    /// more than the syntax, such as whether fields exist.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "invalid domain: {}", self.message)
        } else {
            write!(f, "invalid domain at {}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DomainError {}

/// One item of a domain list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Term {
    /// `"&"`: both of the next two terms hold.
    And,
    /// `"|"`: at least one of the next two terms holds.
    Or,
    /// `"!"`: the next term does not hold.
    Not,
    /// `[1, "=", 1]`: always true.
    True,
    /// `[0, "=", 1]`: always false.
    False,
    /// `[field, operator, value]`.
    Condition(Condition),
}

impl Term {
    /// How many terms that follow this one are its operands.
    pub fn arity(&self) -> usize {
        match self {
            Term::And | Term::Or => 2,
            Term::Not => 1,
            Term::True | Term::False | Term::Condition(_) => 0,
        }
    }

    /// The term as Odoo expects it in the domain list.
    pub fn to_value(&self) -> Value {
        match self {
            Term::And => Value::from("&"),
            Term::Or => Value::from("|"),
            Term::Not => Value::from("!"),
            Term::True => Value::Array(vec![1.into(), "=".into(), 1.into()]),
            Term::False => Value::Array(vec![0.into(), "=".into(), 1.into()]),
            Term::Condition(condition) => Value::Array(vec![
                Value::from(condition.field.as_str()),
                Value::from(condition.operator.as_str()),
                match &condition.operand {
                    Operand::Value(value) => value.clone(),
                    Operand::Domain(domain) => domain.to_value(),
                },
            ]),
        }
    }
}

impl Serialize for Term {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Term::And => serializer.serialize_str("&"),
            Term::Or => serializer.serialize_str("|"),
            Term::Not => serializer.serialize_str("!"),
            Term::True => (1, "=", 1).serialize(serializer),
            Term::False => (0, "=", 1).serialize(serializer),
            Term::Condition(condition) => condition.serialize(serializer),
        }
    }
}

/// A validated condition `[field, operator, value]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    field: String,
    operator: Operator,
    operand: Operand,
}

/// The right-hand side of a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operand {
    /// A plain JSON value (or list of values) to compare with.
    Value(Value),
    /// The sub-domain of `any` / `not any`, on the related model.
    Domain(Domain),
}

impl Condition {
    /// The field name or dotted path, as written.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// The field of the domain's own model: the first segment of a dotted path.
    pub fn root_field(&self) -> &str {
        self.field.split('.').next().unwrap_or(&self.field)
    }

    pub fn operator(&self) -> Operator {
        self.operator
    }

    pub fn operand(&self) -> &Operand {
        &self.operand
    }

    /// The compared value, unless the operand is a sub-domain.
    pub fn value(&self) -> Option<&Value> {
        match &self.operand {
            Operand::Value(value) => Some(value),
            Operand::Domain(_) => None,
        }
    }

    /// The sub-domain of `any` / `not any`.
    pub fn subdomain(&self) -> Option<&Domain> {
        match &self.operand {
            Operand::Domain(domain) => Some(domain),
            Operand::Value(_) => None,
        }
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(3))?;
        seq.serialize_element(&self.field)?;
        seq.serialize_element(self.operator.as_str())?;
        match &self.operand {
            Operand::Value(value) => seq.serialize_element(value)?,
            Operand::Domain(domain) => seq.serialize_element(domain)?,
        }
        seq.end()
    }
}

/// A validated Odoo domain (Polish-notation list of conditions and `&`/`|`/`!`).
///
/// Every `Domain` is well formed: each operator has its operands, each condition has a valid
/// field, a known operator and a value that operator accepts. Whether the fields exist on the
/// model is for Odoo (or the caller, see [`Domain::fields`]) to check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Domain {
    terms: Vec<Term>,
}

impl Domain {
    /// The empty domain: matches every record.
    pub fn new() -> Self {
        Self::default()
    }

    /// A domain that matches no record: `[[0, "=", 1]]`.
    pub fn never() -> Self {
        Self {
            terms: vec![Term::False],
        }
    }

    /// Validates a domain given as JSON.
    pub fn from_value(value: &Value) -> Result<Self, DomainError> {
        let mut budget = MAX_TERMS;
        parse_domain(value, "", 0, &mut budget)
    }

    /// One condition `[field, operator, value]`.
    ///
    /// For `any` / `not any` the value is the sub-domain as JSON; see also [`Domain::any`].
    pub fn condition(
        field: impl Into<String>,
        operator: Operator,
        value: impl Into<Value>,
    ) -> Result<Self, DomainError> {
        let field = field.into();
        check_field(&field, "[0][0]")?;
        let mut budget = MAX_TERMS;
        let operand = check_operand(operator, &value.into(), "[0][2]", 0, &mut budget)?;
        Ok(Self::from_condition(Condition {
            field,
            operator,
            operand,
        }))
    }

    /// `[field, "=", value]`
    pub fn eq(field: impl Into<String>, value: impl Into<Value>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Eq, value)
    }

    /// `[field, "!=", value]`
    pub fn ne(field: impl Into<String>, value: impl Into<Value>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Ne, value)
    }

    /// `[field, ">", value]`
    pub fn gt(field: impl Into<String>, value: impl Into<Value>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Gt, value)
    }

    /// `[field, ">=", value]`
    pub fn ge(field: impl Into<String>, value: impl Into<Value>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Ge, value)
    }

    /// `[field, "<", value]`
    pub fn lt(field: impl Into<String>, value: impl Into<Value>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Lt, value)
    }

    /// `[field, "<=", value]`
    pub fn le(field: impl Into<String>, value: impl Into<Value>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Le, value)
    }

    /// `[field, "in", [values…]]`
    pub fn is_in<V: Into<Value>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Result<Self, DomainError> {
        let list: Vec<Value> = values.into_iter().map(Into::into).collect();
        Self::condition(field, Operator::In, list)
    }

    /// `[field, "not in", [values…]]`
    pub fn not_in<V: Into<Value>>(
        field: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Result<Self, DomainError> {
        let list: Vec<Value> = values.into_iter().map(Into::into).collect();
        Self::condition(field, Operator::NotIn, list)
    }

    /// `[field, "like", pattern]` (case-sensitive substring).
    pub fn like(field: impl Into<String>, pattern: impl Into<String>) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Like, pattern.into())
    }

    /// `[field, "ilike", pattern]` (case-insensitive substring).
    pub fn ilike(
        field: impl Into<String>,
        pattern: impl Into<String>,
    ) -> Result<Self, DomainError> {
        Self::condition(field, Operator::Ilike, pattern.into())
    }

    /// `[field, "child_of", id]`
    pub fn child_of(
        field: impl Into<String>,
        value: impl Into<Value>,
    ) -> Result<Self, DomainError> {
        Self::condition(field, Operator::ChildOf, value)
    }

    /// `[field, "any", subdomain]`: some related record matches `subdomain`.
    pub fn any(field: impl Into<String>, subdomain: Domain) -> Result<Self, DomainError> {
        Self::with_subdomain(field.into(), Operator::Any, subdomain)
    }

    /// `[field, "not any", subdomain]`: no related record matches `subdomain`.
    pub fn not_any(field: impl Into<String>, subdomain: Domain) -> Result<Self, DomainError> {
        Self::with_subdomain(field.into(), Operator::NotAny, subdomain)
    }

    fn with_subdomain(
        field: String,
        operator: Operator,
        subdomain: Domain,
    ) -> Result<Self, DomainError> {
        check_field(&field, "[0][0]")?;
        if subdomain.depth() + 1 > MAX_DEPTH {
            return Err(too_deep("[0][2]"));
        }
        Ok(Self::from_condition(Condition {
            field,
            operator,
            operand: Operand::Domain(subdomain),
        }))
    }

    fn from_condition(condition: Condition) -> Self {
        Self {
            terms: vec![Term::Condition(condition)],
        }
    }

    /// Both domains hold. The empty domain (every record) is the neutral element.
    pub fn and(mut self, other: Domain) -> Domain {
        // Top-level terms are implicitly and-ed, so concatenation is a conjunction.
        self.terms.extend(other.terms);
        self
    }

    /// At least one of the domains holds. Or-ing with the empty domain (every record) gives the
    /// empty domain.
    pub fn or(self, other: Domain) -> Domain {
        if self.is_empty() || other.is_empty() {
            return Domain::new();
        }
        let mut terms =
            Vec::with_capacity(1 + self.roots() + self.len() + other.roots() + other.len());
        terms.push(Term::Or);
        self.push_tree(&mut terms);
        other.push_tree(&mut terms);
        Domain { terms }
    }

    /// The domain does not hold. The negation of the empty domain matches no record.
    // Also available as `!domain` (std::ops::Not); the method reads better in chains.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Domain {
        if self.is_empty() {
            return Domain::never();
        }
        let mut terms = Vec::with_capacity(1 + self.roots() + self.len());
        terms.push(Term::Not);
        self.push_tree(&mut terms);
        Domain { terms }
    }

    /// Appends the domain as one tree: its implicit top-level `&`s made explicit.
    fn push_tree(self, out: &mut Vec<Term>) {
        let joins = self.roots().saturating_sub(1);
        out.extend(std::iter::repeat_n(Term::And, joins));
        out.extend(self.terms);
    }

    /// Number of top-level trees (joined by the implicit `&`).
    fn roots(&self) -> usize {
        // In a prefix forest every term is a node and every operand slot is a non-root node.
        let slots: usize = self.terms.iter().map(Term::arity).sum();
        self.terms.len().saturating_sub(slots)
    }

    /// Deepest `any` / `not any` nesting (0 when there is none).
    fn depth(&self) -> usize {
        self.conditions()
            .filter_map(Condition::subdomain)
            .map(|sub| sub.depth() + 1)
            .max()
            .unwrap_or(0)
    }

    /// The domain as the JSON list Odoo expects.
    pub fn to_value(&self) -> Value {
        Value::Array(self.terms.iter().map(Term::to_value).collect())
    }

    /// True for the empty domain, which matches every record.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Number of top-level items (conditions and operators), not counting sub-domains.
    pub fn len(&self) -> usize {
        self.terms.len()
    }

    /// The top-level items, in order.
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }

    /// The top-level conditions (not those inside `any` sub-domains), in order.
    pub fn conditions(&self) -> impl Iterator<Item = &Condition> {
        self.terms.iter().filter_map(|term| match term {
            Term::Condition(condition) => Some(condition),
            _ => None,
        })
    }

    /// The field of this domain's model each top-level condition is on: the first segment of its
    /// path (`partner_id` for `partner_id.country_id.code`). Repeats are kept. Sub-domains of
    /// `any` are on another model and are not included.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.conditions().map(Condition::root_field)
    }
}

impl std::ops::BitAnd for Domain {
    type Output = Domain;

    fn bitand(self, rhs: Domain) -> Domain {
        self.and(rhs)
    }
}

impl std::ops::BitOr for Domain {
    type Output = Domain;

    fn bitor(self, rhs: Domain) -> Domain {
        self.or(rhs)
    }
}

impl std::ops::Not for Domain {
    type Output = Domain;

    fn not(self) -> Domain {
        Domain::not(self)
    }
}

impl fmt::Display for Domain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

impl TryFrom<Value> for Domain {
    type Error = DomainError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Domain::from_value(&value)
    }
}

impl TryFrom<&Value> for Domain {
    type Error = DomainError;

    fn try_from(value: &Value) -> Result<Self, Self::Error> {
        Domain::from_value(value)
    }
}

impl FromStr for Domain {
    type Err = DomainError;

    /// Parses a domain written as JSON text. serde_json refuses nesting deeper than 128.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let value: Value = serde_json::from_str(text).map_err(|err| {
            let hint = if text.contains("('") || text.contains("(\"") {
                "; Python tuples are not JSON: write [[\"name\", \"=\", \"Azure\"]], not [('name', '=', 'Azure')]"
            } else {
                "; a domain is a JSON list such as [[\"name\", \"=\", \"Azure\"]]"
            };
            DomainError::new("", format!("not valid JSON ({err}){hint}"))
        })?;
        Domain::from_value(&value)
    }
}

impl Serialize for Domain {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.terms.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Domain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Domain::from_value(&value).map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Domain {
    // Inline: strict tool-schema clients do not follow `$ref`.
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Domain".into()
    }

    fn schema_id() -> Cow<'static, str> {
        "odoo_client::Domain".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "description": "Odoo search domain: a list of conditions [field, operator, value], \
                combined in prefix (Polish) notation with \"&\" (and, 2 operands), \"|\" (or, \
                2 operands) and \"!\" (not, 1 operand); conditions not under an operator are \
                and-ed, and [] matches every record. A field may be a dotted path through \
                relations. \"in\"/\"not in\" take a list; \"any\"/\"not any\" take a nested \
                domain on the related model. Examples: [[\"is_company\", \"=\", true], \
                [\"country_id.code\", \"in\", [\"BE\", \"DE\"]]] ; [\"|\", [\"name\", \"ilike\", \
                \"azure\"], [\"email\", \"ilike\", \"azure\"]]",
            "items": {
                "anyOf": [
                    {
                        "type": "array",
                        "description": "A condition: exactly [field, operator, value].",
                        "prefixItems": [
                            {
                                "type": "string",
                                "description": "Field name, or a dotted path such as \"partner_id.country_id.code\"."
                            },
                            {
                                "type": "string",
                                "enum": operator_names()
                            },
                            {
                                "description": "Value to compare with: a string, number, boolean, false for empty, a list for \"in\"/\"not in\", or a nested domain for \"any\"/\"not any\"."
                            }
                        ],
                        "minItems": 3,
                        "maxItems": 3
                    },
                    {
                        "type": "string",
                        "enum": ["&", "|", "!"],
                        "description": "Prefix operator applying to the next terms: \"&\" and, \"|\" or, \"!\" not."
                    }
                ]
            }
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// Parses one domain list at `prefix` (the path of the list itself), `depth` levels of `any` deep.
///
/// Polish notation is checked without recursion; only `any` sub-domains recurse, and those are
/// bounded by `MAX_DEPTH`.
fn parse_domain(
    value: &Value,
    prefix: &str,
    depth: usize,
    budget: &mut usize,
) -> Result<Domain, DomainError> {
    let items = domain_items(value, prefix, budget)?;
    let mut pending: Vec<Pending> = Vec::new();
    let mut terms = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let term = parse_term(item, prefix, index, depth, budget)?;
        let arity = term.arity();
        if arity > 0 {
            let symbol = match term {
                Term::And => "&",
                Term::Or => "|",
                _ => "!",
            };
            pending.push(Pending {
                index,
                arity,
                missing: arity,
                symbol,
            });
        } else {
            // A complete operand: it fills a slot of the innermost open operator, which may
            // complete that operator too, and so on upwards.
            while let Some(top) = pending.last_mut() {
                top.missing -= 1;
                if top.missing > 0 {
                    break;
                }
                pending.pop();
            }
        }
        terms.push(term);
    }
    if let Some(top) = pending.last() {
        return Err(top.error(prefix));
    }
    Ok(Domain { terms })
}

/// The items of a domain list: within the budget of terms (which they use
/// up), and not one bare condition.
fn domain_items<'a>(
    value: &'a Value,
    prefix: &str,
    budget: &mut usize,
) -> Result<&'a [Value], DomainError> {
    let Value::Array(items) = value else {
        return Err(DomainError::new(prefix, not_a_list(value)));
    };
    if items.len() > *budget {
        return Err(DomainError::new(
            prefix,
            format!(
                "too many terms (a domain may hold at most {MAX_TERMS} in all); split the search \
                 or match many values at once with \"in\""
            ),
        ));
    }
    *budget -= items.len();
    if looks_like_bare_condition(items) {
        return Err(DomainError::new(
            prefix,
            format!(
                "this is a single condition, not a list of conditions; wrap it in a list: {}",
                wrapped(items)
            ),
        ));
    }
    Ok(items)
}

/// An operator of a domain being read, waiting for its operands.
struct Pending {
    index: usize,
    arity: usize,
    missing: usize,
    symbol: &'static str,
}

impl Pending {
    /// The error of an operator whose operands do not all follow it.
    fn error(&self, prefix: &str) -> DomainError {
        let got = self.arity - self.missing;
        let follows = match got {
            0 => "none follows".to_owned(),
            n => format!("only {n} follows"),
        };
        let operands = if self.arity == 1 {
            "1 operand"
        } else {
            "2 operands"
        };
        DomainError::new(
            format!("{prefix}[{}]", self.index),
            format!(
                "\"{}\" needs {operands} but {follows}; add the missing condition after it or \
                 remove the \"{}\"",
                self.symbol, self.symbol
            ),
        )
    }
}

fn parse_term(
    item: &Value,
    prefix: &str,
    index: usize,
    depth: usize,
    budget: &mut usize,
) -> Result<Term, DomainError> {
    let at = || format!("{prefix}[{index}]");
    match item {
        Value::String(text) => match text.as_str() {
            "&" => Ok(Term::And),
            "|" => Ok(Term::Or),
            "!" => Ok(Term::Not),
            other => Err(DomainError::new(at(), unknown_item(other))),
        },
        Value::Array(parts) => {
            let [field, operator, operand] = parts.as_slice() else {
                return Err(DomainError::new(
                    at(),
                    format!(
                        "a condition needs exactly 3 items [field, operator, value], got {}",
                        parts.len()
                    ),
                ));
            };
            let path = at();
            parse_condition(field, operator, operand, &path, depth, budget)
        }
        Value::Object(map) => {
            let hint = if map.contains_key("field") || map.contains_key("operator") {
                "; write conditions as lists, e.g. [\"name\", \"=\", \"Azure\"], not objects"
            } else {
                ""
            };
            Err(DomainError::new(
                at(),
                format!("{}, got an object{hint}", ITEM_SHAPE),
            ))
        }
        other => Err(DomainError::new(
            at(),
            format!("{}, got {}", ITEM_SHAPE, kind(other)),
        )),
    }
}

const ITEM_SHAPE: &str =
    "a domain item must be a condition [field, operator, value] or one of \"&\", \"|\", \"!\"";

fn parse_condition(
    field: &Value,
    operator: &Value,
    operand: &Value,
    path: &str,
    depth: usize,
    budget: &mut usize,
) -> Result<Term, DomainError> {
    let field = match field {
        Value::String(field) => field,
        Value::Number(_) if is_constant_leaf(field, operator, operand, 1) => return Ok(Term::True),
        Value::Number(_) if is_constant_leaf(field, operator, operand, 0) => {
            return Ok(Term::False);
        }
        other => {
            return Err(DomainError::new(
                format!("{path}[0]"),
                format!(
                    "the field must be a string such as \"name\" or \"partner_id.country_id\", got \
                     {}; the only conditions without a field name are [1, \"=\", 1] (true) and \
                     [0, \"=\", 1] (false)",
                    kind(other)
                ),
            ));
        }
    };
    check_field(field, &format!("{path}[0]"))?;
    let Value::String(operator_text) = operator else {
        return Err(DomainError::new(
            format!("{path}[1]"),
            format!(
                "the operator must be a string such as \"=\" or \"in\", got {}",
                kind(operator)
            ),
        ));
    };
    let operator = parse_operator(operator_text)
        .map_err(|message| DomainError::new(format!("{path}[1]"), message))?;
    let operand = check_operand(operator, operand, &format!("{path}[2]"), depth, budget)?;
    Ok(Term::Condition(Condition {
        field: field.clone(),
        operator,
        operand,
    }))
}

fn is_constant_leaf(field: &Value, operator: &Value, operand: &Value, left: u64) -> bool {
    field.as_u64() == Some(left) && operator == "=" && operand.as_u64() == Some(1)
}

/// A field name or dotted path: non-empty segments of ASCII letters, digits and `_`.
fn check_field(field: &str, path: &str) -> Result<(), DomainError> {
    if field.is_empty() {
        return Err(DomainError::new(
            path,
            "the field name is empty; name a field such as \"name\"",
        ));
    }
    if let Some(bad) = field
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '.'))
    {
        return Err(DomainError::new(
            path,
            format!(
                "field {} contains {bad:?}; field names use only letters, digits and \"_\", with \
                 \".\" between the steps of a path such as \"partner_id.name\"",
                echo(field)
            ),
        ));
    }
    if field.split('.').any(str::is_empty) {
        let fixed: Vec<&str> = field.split('.').filter(|s| !s.is_empty()).collect();
        return Err(DomainError::new(
            path,
            format!(
                "field {} has an empty step in its path; write {}",
                echo(field),
                echo(&fixed.join("."))
            ),
        ));
    }
    Ok(())
}

fn parse_operator(text: &str) -> Result<Operator, String> {
    if let Some(operator) = Operator::lookup(text) {
        return Ok(operator);
    }
    let lower = text.trim().to_ascii_lowercase();
    if lower == "any!" || lower == "not any!" {
        let plain = lower.trim_end_matches('!');
        return Err(format!(
            "operator \"{lower}\" is internal to Odoo: Odoo 19 refuses it in domains sent over \
             RPC; use \"{plain}\""
        ));
    }
    let known = Operator::ALL
        .iter()
        .map(|op| format!("\"{op}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let suggestion = suggest_operator(&lower)
        .map(|op| format!("did you mean \"{op}\"? "))
        .unwrap_or_default();
    Err(format!(
        "unknown operator {}; {suggestion}use one of {known}",
        echo(text)
    ))
}

/// Common spellings from other query languages, and near-misses of Odoo's own.
fn suggest_operator(lower: &str) -> Option<Operator> {
    if lower.len() > 20 {
        return None;
    }
    let spaced = lower.replace(['_', '-'], " ");
    if let Some(op) = Operator::lookup(spaced.trim()) {
        return Some(op);
    }
    let op = match spaced.trim() {
        "eq" | "equals" | "equal" | "is" | "===" => Operator::Eq,
        "ne" | "neq" | "not equals" | "not equal" | "is not" | "!==" => Operator::Ne,
        "gt" | "greater than" => Operator::Gt,
        "gte" | "ge" | "greater or equal" => Operator::Ge,
        "lt" | "less than" => Operator::Lt,
        "lte" | "le" | "less or equal" => Operator::Le,
        "contains" | "icontains" | "has" | "search" | "match" => Operator::Ilike,
        "not contains" | "not icontains" | "notcontains" => Operator::NotIlike,
        "nin" | "notin" | "not one of" => Operator::NotIn,
        "one of" | "within" | "inside" => Operator::In,
        "childof" => Operator::ChildOf,
        "parentof" => Operator::ParentOf,
        "notany" | "none" => Operator::NotAny,
        "exists" | "some" => Operator::Any,
        _ => return None,
    };
    Some(op)
}

/// Checks the value against what `operator` accepts.
fn check_operand(
    operator: Operator,
    value: &Value,
    path: &str,
    depth: usize,
    budget: &mut usize,
) -> Result<Operand, DomainError> {
    let name = operator.as_str();
    match operator.rule() {
        ValueRule::SubDomain => sub_domain(value, path, name, depth, budget).map(Operand::Domain),
        rule => {
            check_value(rule, value, path, name)?;
            Ok(Operand::Value(value.clone()))
        }
    }
}

/// Checks a plain value (not a sub-domain) against what the operator `name` accepts.
fn check_value(rule: ValueRule, value: &Value, path: &str, name: &str) -> Result<(), DomainError> {
    match rule {
        ValueRule::ValueOrList => match value {
            Value::Object(_) => Err(DomainError::new(
                path,
                format!(
                    "\"{name}\" cannot compare with an object; use a string, number, boolean, \
                     false (empty) or a list of such values"
                ),
            )),
            Value::Array(values) => check_plain_list(values, path, name),
            _ => Ok(()),
        },
        ValueRule::Single => match value {
            Value::Array(_) => Err(DomainError::new(
                path,
                format!(
                    "\"{name}\" compares with one value, got a list; to match any of several \
                     values use \"in\""
                ),
            )),
            Value::Object(_) => Err(DomainError::new(
                path,
                format!(
                    "\"{name}\" compares with one value (a number, string or date), got an object"
                ),
            )),
            _ => Ok(()),
        },
        ValueRule::Pattern => match value {
            Value::String(_) | Value::Null | Value::Bool(false) => Ok(()),
            Value::Number(n) => Err(DomainError::new(
                path,
                format!(
                    "\"{name}\" needs a text pattern, got a number; write it as a string: \"{n}\""
                ),
            )),
            other => Err(DomainError::new(
                path,
                format!(
                    "\"{name}\" needs a text pattern (a string) or false, got {}",
                    kind(other)
                ),
            )),
        },
        ValueRule::List => match value {
            Value::Object(_) => Err(DomainError::new(
                path,
                format!("\"{name}\" needs a list of values such as [1, 2, 3], got an object"),
            )),
            Value::Array(values) => check_plain_list(values, path, name),
            // Odoo wraps a single value in a list.
            _ => Ok(()),
        },
        ValueRule::Hierarchy => match value {
            Value::Object(_) => Err(DomainError::new(
                path,
                format!("\"{name}\" needs a record id, a name, or a list of them, got an object"),
            )),
            Value::Array(values) => check_plain_list(values, path, name),
            _ => Ok(()),
        },
        // Parsed as a domain by `sub_domain`.
        ValueRule::SubDomain => Ok(()),
    }
}

/// The sub-domain of `any` / `not any` (the operator `name`), one level deeper.
fn sub_domain(
    value: &Value,
    path: &str,
    name: &str,
    depth: usize,
    budget: &mut usize,
) -> Result<Domain, DomainError> {
    if !value.is_array() {
        return Err(DomainError::new(
            path,
            format!(
                "\"{name}\" needs a sub-domain on the related model, a list of conditions \
                 such as [[\"name\", \"ilike\", \"acme\"]], got {}",
                kind(value)
            ),
        ));
    }
    if depth + 1 > MAX_DEPTH {
        return Err(too_deep(path));
    }
    parse_domain(value, path, depth + 1, budget)
}

/// List values are compared as a set by Odoo: only plain (hashable) values make sense.
fn check_plain_list(values: &[Value], path: &str, operator: &str) -> Result<(), DomainError> {
    match values
        .iter()
        .enumerate()
        .find(|(_, v)| v.is_array() || v.is_object())
    {
        Some((index, nested)) => Err(DomainError::new(
            format!("{path}[{index}]"),
            format!(
                "the values of \"{operator}\" must be plain values (string, number, boolean or \
                 null), got {}; flatten the list",
                kind(nested)
            ),
        )),
        None => Ok(()),
    }
}

fn too_deep(path: &str) -> DomainError {
    DomainError::new(
        path,
        format!(
            "sub-domains are nested more than {MAX_DEPTH} levels deep; flatten the condition, e.g. \
             with a dotted path such as \"partner_id.country_id.code\""
        ),
    )
}

fn not_a_list(value: &Value) -> String {
    let hint = match value {
        Value::String(text) if text.trim_start().starts_with('[') => {
            "; send the list itself, not a string holding it"
        }
        Value::Object(_) => "; write conditions as lists, e.g. [[\"name\", \"=\", \"Azure\"]]",
        _ => "",
    };
    format!(
        "a domain must be a list of conditions such as [[\"name\", \"=\", \"Azure\"]] ([] matches \
         every record), got {}{hint}",
        kind(value)
    )
}

fn unknown_item(text: &str) -> String {
    let lower = text.trim().to_ascii_lowercase();
    let symbol = match lower.as_str() {
        "and" | "&&" => Some("&"),
        "or" | "||" => Some("|"),
        "not" => Some("!"),
        _ => None,
    };
    match symbol {
        Some(symbol) => format!(
            "unknown item {}; write \"{symbol}\" for {lower} (\"&\" and, \"|\" or, \"!\" not)",
            echo(text)
        ),
        None if Operator::lookup(text).is_some() => format!(
            "operator {} stands alone; it belongs inside a condition such as [\"name\", {}, \
             \"Azure\"]",
            echo(text),
            echo(text)
        ),
        None => format!("unknown item {}; {ITEM_SHAPE}", echo(text)),
    }
}

/// `["name", "=", "x"]` passed as the domain itself instead of `[["name", "=", "x"]]`.
fn looks_like_bare_condition(items: &[Value]) -> bool {
    match items {
        [Value::String(field), Value::String(operator), _] => {
            !matches!(field.as_str(), "&" | "|" | "!") && Operator::lookup(operator).is_some()
        }
        _ => false,
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// User text quoted for a message, cut short so hostile input cannot bloat errors.
fn echo(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_ECHO).collect();
    let quoted = serde_json::to_string(&head).unwrap_or_default();
    if chars.next().is_some() {
        format!("{quoted}…")
    } else {
        quoted
    }
}

/// `[[field, operator, value]]` for the "wrap it in a list" hint. Only scalars are echoed: a
/// nested value may be huge or deep, and printing it would cost memory or recurse.
fn wrapped(items: &[Value]) -> String {
    let parts: Vec<String> = items
        .iter()
        .map(|item| match item {
            Value::String(text) => echo(text),
            Value::Array(_) | Value::Object(_) => "…".to_owned(),
            scalar => scalar.to_string(),
        })
        .collect();
    format!("[[{}]]", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(value: Value) -> Result<Domain, DomainError> {
        Domain::from_value(&value)
    }

    fn err(value: Value) -> DomainError {
        match parse(value.clone()) {
            Ok(domain) => panic!("{value} was accepted as {domain}"),
            Err(err) => err,
        }
    }

    fn assert_err(value: Value, path: &str, message: &str) {
        let err = err(value);
        assert_eq!(err.path, path, "path of: {err}");
        assert_eq!(err.message, message, "message of: {err}");
    }

    /// Every domain sent in the recorded Odoo 19 exchanges is accepted and sent back unchanged.
    #[test]
    fn recorded_odoo19_domains_round_trip() {
        let exchanges = crate::test_fixtures::exchanges("json2_exchanges.json");
        let domains: Vec<&Value> = exchanges
            .iter()
            .filter_map(|e| e.pointer("/request/body/domain"))
            .collect();
        assert!(domains.len() >= 10, "found {} domains", domains.len());
        assert!(
            domains
                .iter()
                .any(|d| d.as_array().is_some_and(|a| !a.is_empty()))
        );
        for raw in domains {
            let domain = Domain::from_value(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(&domain.to_value(), raw);
        }
    }

    #[test]
    fn valid_domains_round_trip_unchanged() {
        let cases = [
            json!([]),
            json!([["is_company", "=", true]]),
            json!([["code", "in", ["BE", "DE", "US"]]]),
            // The example of Odoo's ORM documentation.
            json!([
                ["name", "=", "ABC"],
                ["language.code", "!=", "en_US"],
                "|",
                ["country_id.code", "=", "be"],
                ["country_id.code", "=", "de"]
            ]),
            // The example of odoo/orm/domains.py's docstring.
            json!(["&", "!", ["a", "=", 1], "|", ["b", "=", 2], ["c", "=", 3]]),
            json!(["|", "|", ["a", "=", 1], ["b", "=", 1], ["c", "=", 1]]),
            json!(["!", "!", ["a", "=", 1]]),
            json!([[1, "=", 1]]),
            json!([[0, "=", 1]]),
            json!(["!", [1, "=", 1]]),
            json!([["parent_id", "child_of", 3]]),
            json!([["id", "parent_of", [1, "Azure Interior"]]]),
            json!([["country_id", "any", [["code", "in", ["BE", "DE"]]]]]),
            json!([["user_ids", "not any", []]]),
            json!([[
                "child_ids",
                "any",
                [
                    "|",
                    ["email", "=like", "%@azure.example"],
                    ["name", "ilike", "azure"]
                ]
            ]]),
            json!([["name", "=?", false]]),
            json!([
                ["date", "<", "2024-01-01"],
                ["date", ">=", "2023-01-01 00:00:00"]
            ]),
            json!([["amount", "<=", 12.5], ["amount", ">", -3]]),
            json!([
                ["name", "not =ilike", "a%"],
                ["ref", "not =like", "X_%"],
                ["email", "not like", "@"]
            ]),
            json!([
                ["name", "not ilike", "test"],
                ["name", "like", false],
                ["name", "ilike", null]
            ]),
            json!([["id", "in", 5]]),
            json!([["id", "not in", []]]),
            json!([["partner_id", "=", [7, "Azure Interior"]]]),
            json!([["partner_id", "!=", false], ["parent_id", "=", null]]),
            json!([["active", "in", [true, false]]]),
            json!([["date_deadline.year_number", "=", 2024]]),
            json!([["x_studio_Field_2", "!=", ""]]),
        ];
        for raw in cases {
            let domain = parse(raw.clone()).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(domain.to_value(), raw);
            assert_eq!(serde_json::to_value(&domain).unwrap(), raw);
            assert_eq!(domain.to_string().parse::<Domain>(), Ok(domain.clone()));
        }
    }

    #[test]
    fn operators_are_normalized_like_odoo_does() {
        let domain = parse(json!([
            ["id", "IN", [1]],
            ["name", "Not ILike", "x"],
            ["a", "<>", 1],
            ["b", "==", 2],
            ["c", "NOT ANY", [["d", "=", 1]]]
        ]))
        .unwrap();
        assert_eq!(
            domain.to_value(),
            json!([
                ["id", "in", [1]],
                ["name", "not ilike", "x"],
                ["a", "!=", 1],
                ["b", "=", 2],
                ["c", "not any", [["d", "=", 1]]]
            ])
        );
    }

    #[test]
    fn terms_and_conditions_are_exposed() {
        let domain = parse(json!([
            "|",
            ["partner_id.country_id.code", "=", "BE"],
            "!",
            ["name", "ilike", "x"],
            [1, "=", 1],
            ["child_ids", "any", [["email", "=", "x"]]],
            ["name", "!=", false]
        ]))
        .unwrap();
        assert_eq!(domain.len(), 7);
        assert!(!domain.is_empty());
        assert_eq!(domain.terms()[0], Term::Or);
        assert_eq!(domain.terms()[2], Term::Not);
        assert_eq!(domain.terms()[4], Term::True);
        assert_eq!(
            domain.fields().collect::<Vec<_>>(),
            ["partner_id", "name", "child_ids", "name"]
        );
        let any = domain.conditions().nth(2).unwrap();
        assert_eq!(any.field(), "child_ids");
        assert_eq!(any.operator(), Operator::Any);
        assert_eq!(any.value(), None);
        let sub = any.subdomain().unwrap();
        assert_eq!(sub.fields().collect::<Vec<_>>(), ["email"]);
        let first = domain.conditions().next().unwrap();
        assert_eq!(first.root_field(), "partner_id");
        assert_eq!(first.value(), Some(&json!("BE")));
        assert!(first.subdomain().is_none());
        assert_eq!(first.operand(), &Operand::Value(json!("BE")));
        assert_eq!(Term::Or.arity(), 2);
        assert_eq!(Term::Not.arity(), 1);
        assert_eq!(Term::False.to_value(), json!([0, "=", 1]));
    }

    // --- errors: shape of the domain -----------------------------------------------------------

    #[test]
    fn refuses_a_domain_that_is_not_a_list() {
        assert_err(
            json!({"name": "Azure"}),
            "",
            "a domain must be a list of conditions such as [[\"name\", \"=\", \"Azure\"]] ([] \
             matches every record), got an object; write conditions as lists, e.g. [[\"name\", \
             \"=\", \"Azure\"]]",
        );
        assert_err(
            json!("[[\"name\", \"=\", \"Azure\"]]"),
            "",
            "a domain must be a list of conditions such as [[\"name\", \"=\", \"Azure\"]] ([] \
             matches every record), got a string; send the list itself, not a string holding it",
        );
        assert_eq!(
            err(Value::Null).to_string(),
            "invalid domain: a domain must be a list of conditions such as [[\"name\", \"=\", \"Azure\"]] ([] matches every record), got null"
        );
    }

    #[test]
    fn refuses_a_bare_condition_and_says_to_wrap_it() {
        assert_err(
            json!(["name", "=", "Azure"]),
            "",
            "this is a single condition, not a list of conditions; wrap it in a list: \
             [[\"name\", \"=\", \"Azure\"]]",
        );
        assert_err(
            json!([["country_id", "any", ["code", "=", "BE"]]]),
            "[0][2]",
            "this is a single condition, not a list of conditions; wrap it in a list: \
             [[\"code\", \"=\", \"BE\"]]",
        );
    }

    #[test]
    fn operator_without_enough_operands_names_the_operator() {
        assert_err(
            json!(["&", ["a", "=", 1]]),
            "[0]",
            "\"&\" needs 2 operands but only 1 follows; add the missing condition after it or \
             remove the \"&\"",
        );
        assert_err(
            json!([["a", "=", 1], "!"]),
            "[1]",
            "\"!\" needs 1 operand but none follows; add the missing condition after it or \
             remove the \"!\"",
        );
        // The "&" is complete; it is the "|" that lacks its second operand.
        assert_eq!(
            err(json!(["|", "&", ["a", "=", 1], ["b", "=", 1]])).path,
            "[0]"
        );
        // The innermost open operator is the one reported.
        let e = err(json!(["&", "&", ["a", "=", 1]]));
        assert_eq!(e.path, "[1]");
        assert!(
            e.message
                .starts_with("\"&\" needs 2 operands but only 1 follows")
        );
        assert_eq!(err(json!(["|"])).path, "[0]");
        assert_eq!(
            err(json!([["a", "=", 1], "|", ["b", "=", 1]])).to_string(),
            "invalid domain at [1]: \"|\" needs 2 operands but only 1 follows; add the missing \
             condition after it or remove the \"|\""
        );
    }

    #[test]
    fn refuses_items_that_are_neither_conditions_nor_operators() {
        assert_err(
            json!([["a", "=", 1], 7]),
            "[1]",
            "a domain item must be a condition [field, operator, value] or one of \"&\", \"|\", \
             \"!\", got a number",
        );
        assert_err(
            json!([{"field": "name", "operator": "=", "value": "x"}]),
            "[0]",
            "a domain item must be a condition [field, operator, value] or one of \"&\", \"|\", \
             \"!\", got an object; write conditions as lists, e.g. [\"name\", \"=\", \"Azure\"], \
             not objects",
        );
        assert_err(
            json!(["OR", ["a", "=", 1], ["b", "=", 1]]),
            "[0]",
            "unknown item \"OR\"; write \"|\" for or (\"&\" and, \"|\" or, \"!\" not)",
        );
        assert_err(
            json!(["name", ["a", "=", 1]]),
            "[0]",
            "unknown item \"name\"; a domain item must be a condition [field, operator, value] \
             or one of \"&\", \"|\", \"!\"",
        );
        assert_err(
            json!([["a", "=", 1], "in"]),
            "[1]",
            "operator \"in\" stands alone; it belongs inside a condition such as [\"name\", \
             \"in\", \"Azure\"]",
        );
        assert_err(
            json!([["a", "="]]),
            "[0]",
            "a condition needs exactly 3 items [field, operator, value], got 2",
        );
        assert_eq!(
            err(json!([["a", "=", 1, 2]])).message,
            "a condition needs exactly 3 items [field, operator, value], got 4"
        );
    }

    // --- errors: fields ------------------------------------------------------------------------

    #[test]
    fn refuses_bad_field_names() {
        assert_err(
            json!([[5, "=", 1]]),
            "[0][0]",
            "the field must be a string such as \"name\" or \"partner_id.country_id\", got a \
             number; the only conditions without a field name are [1, \"=\", 1] (true) and [0, \
             \"=\", 1] (false)",
        );
        assert_eq!(err(json!([[1, "=", 2]])).path, "[0][0]");
        assert_eq!(err(json!([[1.0, "=", 1]])).path, "[0][0]");
        assert_eq!(err(json!([[null, "=", 1]])).path, "[0][0]");
        assert_err(
            json!([["", "=", 1]]),
            "[0][0]",
            "the field name is empty; name a field such as \"name\"",
        );
        assert_err(
            json!([["a", "=", 1], ["partner name", "=", 1]]),
            "[1][0]",
            "field \"partner name\" contains ' '; field names use only letters, digits and \"_\", \
             with \".\" between the steps of a path such as \"partner_id.name\"",
        );
        assert_err(
            json!([["partner_id..name", "=", 1]]),
            "[0][0]",
            "field \"partner_id..name\" has an empty step in its path; write \"partner_id.name\"",
        );
        assert_eq!(err(json!([[".name", "=", 1]])).path, "[0][0]");
        assert_eq!(err(json!([["name.", "=", 1]])).path, "[0][0]");
        assert_eq!(err(json!([["naïve", "=", 1]])).path, "[0][0]");
    }

    // --- errors: operators ---------------------------------------------------------------------

    const ALL_QUOTED: &str = "\"=\", \"!=\", \">\", \">=\", \"<\", \"<=\", \"=?\", \"in\", \
        \"not in\", \"like\", \"not like\", \"ilike\", \"not ilike\", \"=like\", \"not =like\", \
        \"=ilike\", \"not =ilike\", \"child_of\", \"parent_of\", \"any\", \"not any\"";

    #[test]
    fn refuses_unknown_operators_with_a_suggestion() {
        assert_err(
            json!([["a", "=", 1], ["name", "equals", "Azure"]]),
            "[1][1]",
            &format!("unknown operator \"equals\"; did you mean \"=\"? use one of {ALL_QUOTED}"),
        );
        assert_err(
            json!([["name", "regex", "^A"]]),
            "[0][1]",
            &format!("unknown operator \"regex\"; use one of {ALL_QUOTED}"),
        );
        assert_eq!(
            err(json!([["id", "not_in", [1]]])).message,
            format!(
                "unknown operator \"not_in\"; did you mean \"not in\"? use one of {ALL_QUOTED}"
            )
        );
        assert!(
            err(json!([["name", "contains", "x"]]))
                .message
                .contains("did you mean \"ilike\"?")
        );
        assert!(
            err(json!([["n", " in", [1]]]))
                .message
                .contains("did you mean \"in\"?")
        );
        assert_err(
            json!([["a", 1, 1]]),
            "[0][1]",
            "the operator must be a string such as \"=\" or \"in\", got a number",
        );
    }

    #[test]
    fn refuses_internal_any_bang_operators() {
        assert_err(
            json!([["partner_id", "any!", [["a", "=", 1]]]]),
            "[0][1]",
            "operator \"any!\" is internal to Odoo: Odoo 19 refuses it in domains sent over RPC; \
             use \"any\"",
        );
        assert_eq!(
            err(json!([["partner_id", "NOT ANY!", []]])).message,
            "operator \"not any!\" is internal to Odoo: Odoo 19 refuses it in domains sent over \
             RPC; use \"not any\""
        );
    }

    #[test]
    fn long_hostile_text_is_not_echoed_in_full() {
        let long = "x".repeat(100_000);
        let e = err(json!([["name", long, 1]]));
        assert!(e.message.len() < 1_000, "{} bytes", e.message.len());
        assert!(
            e.message
                .starts_with(&format!("unknown operator \"{}\"…;", "x".repeat(40)))
        );
        let e = err(json!([[format!("{long} "), "=", 1]]));
        assert!(e.message.len() < 1_000);
    }

    // --- errors: values ------------------------------------------------------------------------

    #[test]
    fn refuses_values_the_operator_cannot_take() {
        assert_err(
            json!([["amount", "<", [1, 2]]]),
            "[0][2]",
            "\"<\" compares with one value, got a list; to match any of several values use \"in\"",
        );
        assert_err(
            json!([["amount", ">=", {"v": 1}]]),
            "[0][2]",
            "\">=\" compares with one value (a number, string or date), got an object",
        );
        assert_err(
            json!([["name", "ilike", 42]]),
            "[0][2]",
            "\"ilike\" needs a text pattern, got a number; write it as a string: \"42\"",
        );
        assert_err(
            json!([["name", "=like", ["a"]]]),
            "[0][2]",
            "\"=like\" needs a text pattern (a string) or false, got a list",
        );
        assert_eq!(err(json!([["name", "like", true]])).path, "[0][2]");
        assert_err(
            json!([["id", "in", {"ids": [1]}]]),
            "[0][2]",
            "\"in\" needs a list of values such as [1, 2, 3], got an object",
        );
        assert_err(
            json!([["id", "not in", [1, [2, 3]]]]),
            "[0][2][1]",
            "the values of \"not in\" must be plain values (string, number, boolean or null), got \
             a list; flatten the list",
        );
        assert_eq!(
            err(json!([["partner_id", "=", [1, {"a": 1}]]])).path,
            "[0][2][1]"
        );
        assert_err(
            json!([["partner_id", "=", {"id": 1}]]),
            "[0][2]",
            "\"=\" cannot compare with an object; use a string, number, boolean, false (empty) or \
             a list of such values",
        );
        assert_err(
            json!([["parent_id", "child_of", {"id": 1}]]),
            "[0][2]",
            "\"child_of\" needs a record id, a name, or a list of them, got an object",
        );
        assert_eq!(
            err(json!([["parent_id", "parent_of", [[1]]]])).path,
            "[0][2][0]"
        );
        assert_err(
            json!([["country_id", "any", "BE"]]),
            "[0][2]",
            "\"any\" needs a sub-domain on the related model, a list of conditions such as \
             [[\"name\", \"ilike\", \"acme\"]], got a string",
        );
    }

    #[test]
    fn errors_inside_sub_domains_have_full_paths() {
        assert_err(
            json!([
                ["a", "=", 1],
                ["country_id", "any", [["code", "equals", "BE"]]]
            ]),
            "[1][2][0][1]",
            &format!("unknown operator \"equals\"; did you mean \"=\"? use one of {ALL_QUOTED}"),
        );
        assert_eq!(
            err(json!([["a", "any", [["b", "any", ["&", ["c", "=", 1]]]]]])).path,
            "[0][2][0][2][0]"
        );
    }

    #[test]
    fn domain_error_serializes_path_and_message() {
        let e = err(json!([["a", "=", 1], "!"]));
        let value = serde_json::to_value(&e).unwrap();
        assert_eq!(value["path"], "[1]");
        assert_eq!(value["message"], json!(e.message));
        let wrapped: crate::Error = e.clone().into();
        assert_eq!(wrapped.to_string(), e.to_string());
    }

    // --- limits --------------------------------------------------------------------------------

    fn nested_any(levels: usize) -> Value {
        let mut value = json!([["name", "=", "x"]]);
        for _ in 0..levels {
            value = json!([["parent_id", "any", value]]);
        }
        value
    }

    /// Drops a deeply nested value one level at a time (dropping it whole would recurse).
    fn dismantle(mut value: Value) {
        while let Some(inner) = value.pointer_mut("/0/2").map(Value::take) {
            drop(std::mem::replace(&mut value, inner));
        }
    }

    #[test]
    fn sub_domains_may_nest_up_to_the_limit() {
        let domain = parse(nested_any(MAX_DEPTH)).unwrap();
        assert_eq!(domain.depth(), MAX_DEPTH);
        let e = err(nested_any(MAX_DEPTH + 1));
        assert_eq!(e.path, "[0][2]".repeat(MAX_DEPTH + 1));
        assert_eq!(
            e.message,
            "sub-domains are nested more than 64 levels deep; flatten the condition, e.g. with a \
             dotted path such as \"partner_id.country_id.code\""
        );
    }

    #[test]
    fn a_domain_nested_100000_deep_is_refused_without_overflowing_the_stack() {
        // Built from the inside out, without recursion.
        let mut value = json!([["name", "=", "x"]]);
        for _ in 0..100_000 {
            value = Value::Array(vec![Value::Array(vec![
                "parent_id".into(),
                "any".into(),
                value,
            ])]);
        }
        let e = Domain::from_value(&value).unwrap_err();
        assert_eq!(e.path.len(), "[0][2]".len() * (MAX_DEPTH + 1));
        dismantle(value);

        // As text, serde_json's own recursion limit (128) refuses it first.
        let text = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let e = text.parse::<Domain>().unwrap_err();
        assert_eq!(e.path, "");
        assert!(
            e.message
                .starts_with("not valid JSON (recursion limit exceeded"),
            "{e}"
        );
        assert!(serde_json::from_str::<Domain>(&text).is_err());
    }

    /// Deep values outside `any` are refused by a shallow check, and never printed.
    #[test]
    fn deep_plain_values_are_refused_without_recursion() {
        let mut deep = json!(1);
        for _ in 0..100_000 {
            deep = Value::Array(vec![deep]);
        }
        // No clone, print or json! interpolation of these values here: all would recurse.
        let condition = Value::Array(vec!["name".into(), "=".into(), deep]);
        let mut as_value = Value::Array(vec![condition]);
        assert_eq!(Domain::from_value(&as_value).unwrap_err().path, "[0][2][0]");
        // The domain passed as a bare condition: the hint must not print the value.
        let mut bare = json!(["name", "in", Value::Null]);
        bare[2] = as_value[0][2].take();
        assert_eq!(
            Domain::from_value(&bare).unwrap_err().message,
            "this is a single condition, not a list of conditions; wrap it in a list: \
             [[\"name\", \"in\", …]]"
        );
        for mut value in [bare[2].take(), as_value] {
            while let Some(inner) = value.get_mut(0).map(Value::take) {
                drop(std::mem::replace(&mut value, inner));
            }
        }
    }

    #[test]
    fn long_operator_chains_need_no_recursion() {
        let mut items: Vec<Value> = vec![json!("!"); MAX_TERMS - 1];
        items.push(json!(["a", "=", 1]));
        let domain = parse(Value::Array(items)).unwrap();
        assert_eq!(domain.len(), MAX_TERMS);
        assert_eq!(domain.clone().not().len(), MAX_TERMS + 1);

        let mut items: Vec<Value> = vec![json!("&"); 4_999];
        items.extend(std::iter::repeat_n(json!(["a", "=", 1]), 5_000));
        assert_eq!(parse(Value::Array(items)).unwrap().roots(), 1);
    }

    #[test]
    fn refuses_too_many_terms() {
        let ok = Value::Array(vec![json!(["a", "=", 1]); MAX_TERMS]);
        assert_eq!(parse(ok).unwrap().len(), MAX_TERMS);
        assert_err(
            Value::Array(vec![json!(["a", "=", 1]); MAX_TERMS + 1]),
            "",
            "too many terms (a domain may hold at most 10000 in all); split the search or match \
             many values at once with \"in\"",
        );
        // Terms of sub-domains count too.
        let inner = Value::Array(vec![json!(["a", "=", 1]); MAX_TERMS - 1]);
        let e = err(json!([["b", "any", inner], ["c", "=", 1]]));
        assert_eq!(e.path, "[0][2]");
        // A long list of values is one term.
        let ids: Vec<u32> = (0..50_000).collect();
        assert!(parse(json!([["id", "in", ids]])).is_ok());
    }

    // --- builder -------------------------------------------------------------------------------

    #[test]
    fn builder_produces_odoo_prefix_notation() -> Result<(), DomainError> {
        let and = Domain::new()
            .and(Domain::eq("is_company", true)?)
            .and(Domain::ilike("name", "azure")?);
        assert_eq!(
            and.to_value(),
            json!([["is_company", "=", true], ["name", "ilike", "azure"]])
        );

        let or = Domain::or(and.clone(), Domain::is_in("country_id.code", ["BE", "DE"])?);
        assert_eq!(
            or.to_value(),
            json!([
                "|",
                "&",
                ["is_company", "=", true],
                ["name", "ilike", "azure"],
                ["country_id.code", "in", ["BE", "DE"]]
            ])
        );

        let not = Domain::not(or.clone());
        assert_eq!(not.terms()[0], Term::Not);
        assert_eq!(
            &not.to_value().as_array().unwrap()[1..],
            or.to_value().as_array().unwrap()
        );

        let not_and = and.clone().not();
        assert_eq!(
            not_and.to_value(),
            json!([
                "!",
                "&",
                ["is_company", "=", true],
                ["name", "ilike", "azure"]
            ])
        );

        // An or of two conjunctions makes each side one tree.
        let both = and
            .clone()
            .or(Domain::gt("id", 5)?.and(Domain::le("id", 9)?));
        assert_eq!(
            both.to_value(),
            json!([
                "|",
                "&",
                ["is_company", "=", true],
                ["name", "ilike", "azure"],
                "&",
                ["id", ">", 5],
                ["id", "<=", 9]
            ])
        );

        // Operators read like Odoo's Python: &, |, ~ (here !).
        assert_eq!(
            and.clone() | Domain::never(),
            Domain::or(and.clone(), Domain::never())
        );
        assert_eq!(Domain::new() & and.clone(), and);
        assert_eq!(!and.clone(), and.clone().not());

        for built in [and, or, not, not_and, both] {
            assert_eq!(Domain::from_value(&built.to_value()), Ok(built.clone()));
        }
        Ok(())
    }

    #[test]
    fn builder_handles_the_empty_domain_as_true() -> Result<(), DomainError> {
        let a = Domain::eq("a", 1)?;
        assert_eq!(Domain::new().and(a.clone()), a);
        assert_eq!(a.clone().and(Domain::new()), a);
        assert!(a.clone().or(Domain::new()).is_empty());
        assert!(Domain::new().or(a).is_empty());
        assert_eq!(Domain::new().not(), Domain::never());
        assert_eq!(Domain::never().to_value(), json!([[0, "=", 1]]));
        assert_eq!(Domain::never().not().to_value(), json!(["!", [0, "=", 1]]));
        Ok(())
    }

    #[test]
    fn builder_constructors() -> Result<(), DomainError> {
        let all = Domain::eq("a", "x")?
            .and(Domain::ne("b", false)?)
            .and(Domain::lt("c", 1)?)
            .and(Domain::ge("d", "2024-01-01")?)
            .and(Domain::not_in("e", [1, 2])?)
            .and(Domain::like("f", "%x")?)
            .and(Domain::child_of("parent_id", 1)?)
            .and(Domain::condition("g", Operator::EqIfSet, Value::Null)?)
            .and(Domain::condition(
                "h",
                Operator::NotAny,
                json!([["i", "=", 1]]),
            )?)
            .and(Domain::not_any("j", Domain::eq("k", 2)?)?);
        assert_eq!(
            all.to_value(),
            json!([
                ["a", "=", "x"],
                ["b", "!=", false],
                ["c", "<", 1],
                ["d", ">=", "2024-01-01"],
                ["e", "not in", [1, 2]],
                ["f", "like", "%x"],
                ["parent_id", "child_of", 1],
                ["g", "=?", null],
                ["h", "not any", [["i", "=", 1]]],
                ["j", "not any", [["k", "=", 2]]]
            ])
        );
        assert_eq!(
            Domain::any("country_id", Domain::eq("code", "BE")?)?.to_value(),
            json!([["country_id", "any", [["code", "=", "BE"]]]])
        );
        assert_eq!(Domain::from_value(&all.to_value()), Ok(all));
        Ok(())
    }

    #[test]
    fn builder_refuses_bad_input_without_panicking() {
        assert_eq!(Domain::eq("bad name", 1).unwrap_err().path, "[0][0]");
        assert_eq!(Domain::eq("", 1).unwrap_err().path, "[0][0]");
        assert_eq!(Domain::gt("a", json!([1, 2])).unwrap_err().path, "[0][2]");
        assert_eq!(Domain::eq("a", json!({"x": 1})).unwrap_err().path, "[0][2]");
        assert_eq!(
            Domain::condition("a", Operator::Any, "x").unwrap_err().path,
            "[0][2]"
        );
        assert_eq!(
            Domain::condition("a", Operator::Any, json!([["b", "nope", 1]]))
                .unwrap_err()
                .path,
            "[0][2][0][1]"
        );
        assert_eq!(
            Domain::any("a b", Domain::new()).unwrap_err().path,
            "[0][0]"
        );

        let mut deep = Domain::eq("name", "x").unwrap();
        for _ in 0..MAX_DEPTH {
            deep = Domain::any("parent_id", deep).unwrap();
        }
        assert_eq!(Domain::from_value(&deep.to_value()), Ok(deep.clone()));
        let e = Domain::any("parent_id", deep).unwrap_err();
        assert_eq!(e.path, "[0][2]");
    }

    // --- operators -----------------------------------------------------------------------------

    #[test]
    fn operator_names_parse_back() {
        assert_eq!(Operator::ALL.len(), 21);
        for op in Operator::ALL {
            assert_eq!(op.as_str().parse::<Operator>(), Ok(op));
            assert_eq!(op.as_str().to_uppercase().parse::<Operator>(), Ok(op));
            assert_eq!(op.to_string(), op.as_str());
            assert_eq!(serde_json::to_value(op).unwrap(), json!(op.as_str()));
            assert_eq!(
                serde_json::from_value::<Operator>(json!(op.as_str())).unwrap(),
                op
            );
        }
        assert_eq!("<>".parse::<Operator>(), Ok(Operator::Ne));
        assert_eq!("==".parse::<Operator>(), Ok(Operator::Eq));
        let e = "eq".parse::<Operator>().unwrap_err();
        assert_eq!(e.path, "");
        assert!(
            e.message
                .starts_with("unknown operator \"eq\"; did you mean \"=\"?")
        );
        assert!(serde_json::from_value::<Operator>(json!("any!")).is_err());
    }

    // --- serde and schema ----------------------------------------------------------------------

    #[test]
    fn deserialize_validates() {
        #[derive(Deserialize)]
        struct Args {
            domain: Domain,
        }
        let args: Args =
            serde_json::from_value(json!({"domain": [["name", "IN", ["a"]]]})).unwrap();
        assert_eq!(args.domain.to_value(), json!([["name", "in", ["a"]]]));

        let e = serde_json::from_value::<Args>(json!({"domain": ["&", ["a", "=", 1]]}))
            .err()
            .unwrap();
        assert!(
            e.to_string()
                .starts_with("invalid domain at [0]: \"&\" needs 2 operands but only 1 follows"),
            "{e}"
        );
        let e = serde_json::from_str::<Args>(r#"{"domain": [["a", "=", 1], 3]}"#)
            .err()
            .unwrap();
        assert!(e.to_string().starts_with("invalid domain at [1]:"), "{e}");
    }

    #[test]
    fn try_from_and_from_str() {
        let value = json!([["a", "=", 1]]);
        assert_eq!(Domain::try_from(&value), Domain::try_from(value.clone()));
        assert_eq!(Domain::try_from(value.clone()).unwrap().to_value(), value);
        assert_eq!(
            r#"[["a", "=", 1]]"#.parse::<Domain>().unwrap().to_value(),
            value
        );
        let e = "[('name', '=', 'Azure')]".parse::<Domain>().unwrap_err();
        assert_eq!(e.path, "");
        assert!(
            e.message.ends_with(
                "; Python tuples are not JSON: write [[\"name\", \"=\", \"Azure\"]], not \
                 [('name', '=', 'Azure')]"
            ),
            "{e}"
        );
        let e = "{".parse::<Domain>().unwrap_err();
        assert!(e.message.starts_with("not valid JSON ("), "{e}");
    }

    #[test]
    fn json_schema_is_inline_and_lists_the_operators() {
        #[derive(JsonSchema)]
        #[allow(dead_code)]
        struct Args {
            /// Which records.
            domain: Domain,
        }
        let schema = schemars::schema_for!(Args);
        let text = serde_json::to_string(&schema).unwrap();
        assert!(!text.contains("$ref"), "{text}");
        assert!(!text.contains("$defs"), "{text}");

        let domain = serde_json::to_value(schemars::schema_for!(Domain)).unwrap();
        assert_eq!(domain["type"], "array");
        assert!(
            domain["description"]
                .as_str()
                .unwrap()
                .contains("Examples:")
        );
        let items = domain["items"]["anyOf"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        let operators = items[0]["prefixItems"][1]["enum"].as_array().unwrap();
        assert_eq!(operators.len(), Operator::ALL.len());
        assert!(operators.contains(&json!("not in")));
        assert_eq!(items[0]["minItems"], 3);
        assert_eq!(items[0]["maxItems"], 3);
        assert_eq!(items[1]["enum"], json!(["&", "|", "!"]));
        // Each example in the description is itself a valid domain.
        let description = domain["description"].as_str().unwrap();
        let examples = description.split("Examples: ").nth(1).unwrap();
        for example in examples.split(" ; ") {
            example
                .parse::<Domain>()
                .unwrap_or_else(|e| panic!("{example}: {e}"));
        }

        let op = serde_json::to_value(schemars::schema_for!(Operator)).unwrap();
        assert_eq!(op["enum"].as_array().unwrap().len(), Operator::ALL.len());
    }

    // --- fuzz-ish: random input never panics ---------------------------------------------------

    /// xorshift64*: tiny, deterministic, no dependency.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const FIELDS: &[&str] = &[
        "name",
        "partner_id.country_id.code",
        "id",
        "",
        " ",
        "a..b",
        ".",
        "x_é",
        "is_company",
        "parent_id",
        "&",
        "1",
    ];
    const OPERATORS: &[&str] = &[
        "=",
        "!=",
        "<>",
        "==",
        "<",
        ">",
        "<=",
        ">=",
        "=?",
        "in",
        "not in",
        "IN",
        "like",
        "not like",
        "ilike",
        "not ilike",
        "=like",
        "not =like",
        "=ilike",
        "not =ilike",
        "child_of",
        "parent_of",
        "any",
        "not any",
        "any!",
        "not any!",
        "equals",
        "",
        "&",
        "|",
    ];

    fn random_scalar(rng: &mut Rng) -> Value {
        match rng.below(7) {
            0 => Value::Null,
            1 => Value::Bool(rng.below(2) == 0),
            2 => json!(rng.below(5) as i64 - 2),
            3 => json!(rng.next() as f64 / 7.0),
            4 => json!(rng.pick(FIELDS)),
            5 => json!(rng.pick(OPERATORS)),
            _ => json!(rng.pick(&["&", "|", "!", "and", "x%", "😀"])),
        }
    }

    fn random_value(rng: &mut Rng, depth: usize) -> Value {
        if depth == 0 {
            return random_scalar(rng);
        }
        match rng.below(10) {
            0..=5 => random_scalar(rng),
            6 | 7 => Value::Array(
                (0..rng.below(5))
                    .map(|_| random_value(rng, depth - 1))
                    .collect(),
            ),
            8 => random_domain(rng, depth - 1),
            _ => json!({"field": random_scalar(rng), "k": random_value(rng, depth - 1)}),
        }
    }

    /// Mostly domain-shaped values, so the fuzzing reaches past the first check.
    fn random_domain(rng: &mut Rng, depth: usize) -> Value {
        let len = rng.below(9);
        let items = (0..len)
            .map(|_| match rng.below(10) {
                0..=2 => json!(rng.pick(&["&", "|", "!"])),
                3..=7 => {
                    let field = if rng.below(10) == 0 {
                        random_scalar(rng)
                    } else {
                        json!(rng.pick(FIELDS))
                    };
                    let operator = rng.pick(OPERATORS);
                    let value = if operator.contains("any") && depth > 0 && rng.below(4) > 0 {
                        random_domain(rng, depth - 1)
                    } else {
                        random_value(rng, depth.min(2))
                    };
                    json!([field, operator, value])
                }
                8 => json!([rng.below(2), "=", 1]),
                _ => random_value(rng, depth.min(2)),
            })
            .collect();
        Value::Array(items)
    }

    /// Runs per fuzz test: 20 000 by default; set `ODOO_FUZZ_RUNS` for a longer session.
    fn fuzz_runs() -> usize {
        std::env::var("ODOO_FUZZ_RUNS")
            .ok()
            .and_then(|runs| runs.parse().ok())
            .unwrap_or(20_000)
    }

    /// Follows an error path such as `[1][2][0]` into the input.
    fn resolve<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
        let mut current = value;
        for index in path.split(['[', ']']).filter(|s| !s.is_empty()) {
            current = current.get(index.parse::<usize>().ok()?)?;
        }
        Some(current)
    }

    fn check_one(input: &Value, accepted: &mut usize) {
        match Domain::from_value(input) {
            Ok(domain) => {
                *accepted += 1;
                let output = domain.to_value();
                assert_eq!(Domain::from_value(&output).as_ref(), Ok(&domain), "{input}");
                assert_eq!(serde_json::to_value(&domain).unwrap(), output);
                assert!(domain.fields().all(|f| !f.is_empty() && !f.contains('.')));
                let _ = domain.clone().not().or(domain.clone()).and(domain);
            }
            Err(e) => {
                assert!(!e.message.is_empty());
                assert!(e.message.len() < 2_000, "{e}");
                assert!(
                    resolve(input, &e.path).is_some(),
                    "path {} not in {input}",
                    e.path
                );
                let _ = e.to_string();
            }
        }
    }

    #[test]
    fn random_json_never_panics() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut accepted = 0;
        let runs = fuzz_runs();
        for run in 0..runs {
            let input = if run % 4 == 0 {
                random_value(&mut rng, 4)
            } else {
                random_domain(&mut rng, 4)
            };
            check_one(&input, &mut accepted);
        }
        // The generator must reach valid domains too, or it only tests the first check.
        assert!(accepted > runs / 50, "only {accepted} of {runs} accepted");
        assert!(accepted < runs, "everything accepted");
    }

    #[test]
    fn random_text_never_panics() {
        const TOKENS: &[&str] = &[
            "[",
            "]",
            "[",
            "]",
            ",",
            "\"",
            "\"name\"",
            "\"=\"",
            "\"in\"",
            "\"&\"",
            "\"|\"",
            "\"!\"",
            "1",
            "0",
            "-1.5e3",
            "true",
            "false",
            "null",
            "{",
            "}",
            ":",
            "\"any\"",
            "'",
            "(",
            ")",
            "\\",
            "\"\\u0000\"",
            " ",
        ];
        let mut rng = Rng(42);
        for _ in 0..fuzz_runs() {
            let text: String = (0..rng.below(30)).map(|_| rng.pick(TOKENS)).collect();
            if let Ok(domain) = text.parse::<Domain>() {
                assert_eq!(domain.to_string().parse::<Domain>(), Ok(domain));
            }
        }
    }
}
