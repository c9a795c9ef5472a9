//! Odoo domains: a builder and a validator.
//! (Being written: see the domain section of the foundation issue.)

use serde_json::Value;

/// A validated Odoo domain (Polish-notation list of conditions and `&`/`|`/`!`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Domain {
    terms: Vec<Value>,
}

impl Domain {
    /// The empty domain: every record.
    pub fn new() -> Self {
        Self::default()
    }

    /// The domain as the JSON array Odoo expects.
    pub fn to_value(&self) -> Value {
        Value::Array(self.terms.clone())
    }
}

impl serde::Serialize for Domain {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.terms.serialize(serializer)
    }
}

/// Why a domain was refused, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("invalid domain at {path}: {message}")]
pub struct DomainError {
    /// JSON-pointer-like position of the culprit, e.g. `[2][1]`.
    pub path: String,
    pub message: String,
}

impl Domain {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}
