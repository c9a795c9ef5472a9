//! The one error type of odoo-client.

use std::time::Duration;

use crate::domain::DomainError;

/// What Odoo said when it refused a call: its exception name, message and HTTP status.
///
/// `name` is Odoo's dotted exception class (`odoo.exceptions.AccessError`,
/// `werkzeug.exceptions.NotFound`, …) over JSON/2, or the XML-RPC fault code
/// (`xmlrpc.fault.3`) where Odoo sends no class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OdooFault {
    pub name: String,
    pub message: String,
    /// HTTP status over JSON/2; `None` for an XML-RPC fault (always sent with 200).
    pub status: Option<u16>,
}

impl std::fmt::Display for OdooFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = self.name.rsplit('.').next().unwrap_or(&self.name);
        match self.status {
            Some(status) => write!(f, "{short} (HTTP {status}): {}", self.message),
            None => write!(f, "{short}: {}", self.message),
        }
    }
}

/// What was not found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Model,
    Method,
    Record,
    /// A URL that is not an Odoo endpoint (wrong path, unknown database).
    Endpoint,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Missing::Model => "model",
            Missing::Method => "method",
            Missing::Record => "record",
            Missing::Endpoint => "endpoint",
        })
    }
}

/// Errors from odoo-client. Secrets (API key, password) never appear in them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad API key, password or login (JSON/2 401, XML-RPC `Access Denied`).
    #[error("Odoo authentication failed: {0}")]
    Authentication(OdooFault),
    /// The user may not do this (JSON/2 403 `AccessError`, XML-RPC fault 4).
    #[error("Odoo access denied: {0}")]
    AccessDenied(OdooFault),
    /// Unknown model or method, a missing record, or a wrong endpoint.
    #[error("Odoo {what} not found: {fault}")]
    NotFound { what: Missing, fault: OdooFault },
    /// Odoo refused the values or the arguments (`ValidationError`, `UserError`, 422, 400).
    #[error("Odoo rejected the request: {0}")]
    Validation(OdooFault),
    /// Any other exception raised inside Odoo (500, e.g. an invalid field in a domain).
    #[error("Odoo error: {0}")]
    Server(OdooFault),
    /// Odoo could not be reached (DNS, refused connection, TLS, dropped connection).
    #[error("Odoo is unreachable at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// No answer within the configured timeout.
    #[error("Odoo did not answer within {}s", .after.as_secs_f64())]
    Timeout { after: Duration },
    /// Odoo answered with something that is not what the API promises (HTML, broken JSON/XML).
    #[error("unexpected response from Odoo (HTTP {status}): {detail}")]
    UnexpectedResponse { status: u16, detail: String },
    /// The result did not have the expected shape for the requested type.
    #[error("could not decode Odoo's answer for {context}: {source}")]
    Decode {
        context: String,
        #[source]
        source: serde_json::Error,
    },
    /// A domain refused locally, before any request.
    #[error(transparent)]
    InvalidDomain(#[from] DomainError),
    /// A request that cannot be made as asked (e.g. positional arguments over JSON/2).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// Missing or invalid configuration.
    #[error("configuration error: {0}")]
    Config(String),
    /// Typed code generated for another schema: fields it names are missing on this instance.
    #[error(
        "generated for a schema where {model} has {}; this instance lacks {}: regenerate with `cargo run -p odoo-codegen`",
        .missing.join(", "),
        if .missing.len() == 1 { "it" } else { "them" }
    )]
    SchemaMismatch { model: String, missing: Vec<String> },

    /// Odoo ran the call (its transaction committed), but its answer holds a
    /// None that XML-RPC cannot carry: the answer is lost, not the call.
    #[error(
        "Odoo ran the call, but its answer holds a None value that XML-RPC cannot carry (JSON/2, Odoo 19+, can): the answer is lost, the call was not undone"
    )]
    AnswerNotCarried,
}

impl Error {
    /// Odoo's own fault, when Odoo answered with one.
    pub fn fault(&self) -> Option<&OdooFault> {
        match self {
            Error::Authentication(f)
            | Error::AccessDenied(f)
            | Error::Validation(f)
            | Error::Server(f)
            | Error::NotFound { fault: f, .. } => Some(f),
            _ => None,
        }
    }

    /// True when the request may not have reached Odoo or its outcome is unknown
    /// (a write that failed this way may or may not have happened).
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Unreachable { .. } | Error::Timeout { .. })
    }

    /// `(field, model)` when Odoo refused a field name it does not have
    /// (`ValueError: Invalid field 'x' on model 'y'`, over either API).
    pub fn invalid_field(&self) -> Option<(&str, &str)> {
        let Error::Server(fault) = self else {
            return None;
        };
        // Odoo words it three ways: "on model 'm'" (read, search), "on 'm'" (write),
        // "in 'm'" (create).
        let rest = fault.message.strip_prefix("Invalid field '")?;
        let (field, rest) = rest.split_once('\'')?;
        let rest = [" on model '", " on '", " in '"]
            .iter()
            .find_map(|p| rest.strip_prefix(p))?;
        let (model, _) = rest.split_once('\'')?;
        Some((field, model))
    }

    /// HTTP status Odoo answered with, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::UnexpectedResponse { status, .. } => Some(*status),
            _ => self.fault().and_then(|f| f.status),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod invalid_field_tests {
    use super::*;

    fn server(message: &str) -> Error {
        Error::Server(OdooFault {
            name: "builtins.ValueError".into(),
            message: message.into(),
            status: Some(500),
        })
    }

    /// Odoo's three wordings (read, write, create), and what is not one.
    #[test]
    fn reads_the_field_and_model_odoo_refused() {
        for (message, expected) in [
            (
                "Invalid field 'group_on' on model 'res.partner'",
                Some(("group_on", "res.partner")),
            ),
            (
                "Invalid field 'x_a' on 'crm.lead'",
                Some(("x_a", "crm.lead")),
            ),
            (
                "Invalid field 'x_b' in 'sale.order'",
                Some(("x_b", "sale.order")),
            ),
            (
                "Invalid field 'amount' on model 'sale.order' for 'amount:sum'.",
                Some(("amount", "sale.order")),
            ),
            ("Invalid field name 'x'", None),
            ("Wrong value for res.partner.type: 'x'", None),
        ] {
            assert_eq!(server(message).invalid_field(), expected, "{message}");
        }
        let validation = Error::Validation(OdooFault {
            name: "odoo.exceptions.ValidationError".into(),
            message: "Invalid field 'a' on model 'b'".into(),
            status: Some(422),
        });
        assert_eq!(validation.invalid_field(), None);
    }
}
