//! The `domain` argument: parsed and checked by odoo-client's [`Domain`]
//! before any request, so a malformed domain costs no round trip and gets a
//! message with its position.

use odoo_client::Domain;
use serde_json::Value;

/// A checked domain: the JSON to send and the fields it filters on.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedDomain {
    pub value: Value,
    /// First path segment of every condition (`country_id.code` → `country_id`).
    pub fields: Vec<String>,
}

impl ParsedDomain {
    pub fn empty() -> Self {
        Self {
            value: Value::Array(vec![]),
            fields: vec![],
        }
    }
}

/// The `domain` argument of a call, checked; none is the empty domain.
pub fn parse_domain(value: Option<&Value>) -> Result<ParsedDomain, crate::error::ToolError> {
    value.map_or(Ok(ParsedDomain::empty()), |v| {
        parse(v).map_err(crate::error::ToolError::Domain)
    })
}

/// Checks `value` as an Odoo domain; `null` is the empty domain and a JSON
/// string holding a list is accepted (assistants often send one).
pub fn parse(value: &Value) -> Result<ParsedDomain, String> {
    let owned;
    let value = match value {
        Value::Null => return Ok(ParsedDomain::empty()),
        Value::String(text) => match serde_json::from_str::<Value>(text) {
            Ok(inner @ Value::Array(_)) => {
                owned = inner;
                &owned
            }
            _ => {
                return Err(format!(
                    "`domain` must be a list such as [[\"name\", \"ilike\", \"acme\"]], got the string {:?}",
                    shorten(text)
                ));
            }
        },
        other => other,
    };
    let domain = Domain::from_value(value).map_err(|e| {
        if e.path.is_empty() {
            format!("`domain`: {}", e.message)
        } else {
            format!("domain{}: {}", e.path, e.message)
        }
    })?;
    let mut fields: Vec<String> = Vec::new();
    for field in domain.fields() {
        if !fields.iter().any(|f| f == field) {
            fields.push(field.to_string());
        }
    }
    Ok(ParsedDomain {
        value: domain.to_value(),
        fields,
    })
}

fn shorten(text: &str) -> String {
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn accepts_real_domains() {
        let d = parse(&json!([
            "|",
            ["is_company", "=", true],
            ["country_id.code", "=", "BE"]
        ]))
        .unwrap();
        assert_eq!(d.fields, ["is_company", "country_id"]);
        assert!(parse(&json!([["name", "ilike", "a"], ["id", "in", [1, 2]]])).is_ok());
        assert!(parse(&json!([])).unwrap().fields.is_empty());
        assert!(parse(&Value::Null).unwrap().fields.is_empty());
        assert_eq!(
            parse(&json!("[[\"name\", \"=\", \"x\"]]")).unwrap().fields,
            ["name"]
        );
        assert!(parse(&json!(["!", ["active", "=", false]])).is_ok());
    }

    #[test]
    fn refuses_malformed_domains_with_position() {
        let e = parse(&json!([["name", "=="]])).unwrap_err();
        assert!(e.starts_with("domain[0]"), "{e}");
        let e = parse(&json!([["name", "~", "x"]])).unwrap_err();
        assert!(e.starts_with("domain[0][1]"), "{e}");
        let e = parse(&json!(["|", ["name", "=", "x"]])).unwrap_err();
        assert!(e.contains("domain"), "{e}");
        assert!(parse(&json!({"name": "x"})).is_err());
        assert!(parse(&json!("name = x")).unwrap_err().contains("string"));
    }
}
