//! Why a tool call failed, worded for the assistant that made it: what was
//! wrong and what to do instead. Every one becomes a tool result with
//! `isError: true`, never a protocol error.

use odoo_client::{Error as OdooError, Missing};

use crate::arguments::ArgError;
use crate::text::{CLIPPED, clip, clip_to};

/// A failed tool call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolError {
    #[error("unknown tool `{}`{suggestion}; call tools/list to see the tools", clip(.name))]
    UnknownTool { name: String, suggestion: String },
    #[error(
        "`{tool}` writes to Odoo and this server is read-only (ODOO_YOLO=read), so nothing was sent; writes need ODOO_YOLO=false or true"
    )]
    ReadOnly { tool: String },
    #[error(
        "model `{}` is not enabled on this server{suggestion}; enabled models: {enabled}. To reach it, add it to ODOO_MCP_MODELS or set ODOO_YOLO=read or true",
        clip(.model)
    )]
    ModelNotEnabled {
        model: String,
        suggestion: String,
        enabled: String,
    },
    /// A field path (`partner_id.email`, `partner_id/email`) that passes
    /// through a model the server does not enable.
    #[error(
        "`{argument}`: the path `{}` goes through `{}` to model `{}`, which is not enabled on this server (ODOO_YOLO=false); to reach it, add {} to ODOO_MCP_MODELS or set ODOO_YOLO=read or true",
        clip(.path), clip(.field), clip(.model), clip(.model)
    )]
    PathNotEnabled {
        argument: &'static str,
        path: String,
        field: String,
        model: String,
    },
    #[error("unknown model `{}`{suggestion}; call list_models to see the models", clip(.model))]
    UnknownModel { model: String, suggestion: String },
    #[error("unknown field `{}` in `{argument}` for {}{suggestion}", clip(.field), clip(.model))]
    UnknownField {
        model: String,
        field: String,
        argument: &'static str,
        suggestion: String,
    },
    #[error("{0}")]
    Argument(#[from] ArgError),
    #[error("malformed domain at {0}")]
    Domain(String),
    #[error("argument `{argument}`: {}", clip_long(.message))]
    Invalid {
        argument: &'static str,
        message: String,
    },
    /// A call this server refuses by policy (disabled tool, forbidden method), with why and what instead.
    /// May name what the caller sent (a method name), hence cut short.
    #[error("{}", clip_long(.0))]
    Refused(String),
    #[error("{model} record {id} does not exist or is not visible to this Odoo user")]
    RecordNotFound { model: String, id: i64 },
    #[error("{}", describe_odoo(.0))]
    Odoo(#[from] OdooError),
    /// A write whose answer never came back whole (timeout, dropped connection, gateway
    /// error, mangled answer): Odoo may have applied it, so it is not retried.
    #[error(
        "{}. This was a write, so it was not retried: it may or may not have happened in Odoo; check the record (search or get it) before trying again",
        describe_unanswered(.0)
    )]
    WriteOutcomeUnknown(OdooError),
    /// Per-record values in one `web_save_multi` call that Odoo refused.
    #[error(
        "{cause}. Nothing was written: the {count} records were one transaction (web_save_multi)"
    )]
    BatchNotWritten { count: usize, cause: Box<ToolError> },
    /// Per-record values written one record at a time (the Odoo version has no
    /// single call for them) that stopped at a failing record.
    #[error(
        "stopped at {model} record {failed}: {cause}. Written before it: {}; not attempted: {}. Odoo {version} has no single call for different values per record (web_save_multi, Odoo 19+), so each record was its own write and the batch was not one transaction: the written records keep their new values",
        id_list(.written),
        id_list(.rest)
    )]
    PartialWrite {
        model: String,
        version: String,
        failed: i64,
        written: Vec<i64>,
        rest: Vec<i64>,
        cause: Box<ToolError>,
    },
}

fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "none".into();
    }
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    list.join(", ")
}

impl ToolError {
    /// The error of a create, write or unlink call: one whose outcome is unknown says so.
    pub fn from_write(error: OdooError) -> ToolError {
        match error {
            OdooError::Timeout { .. }
            | OdooError::Unreachable { .. }
            | OdooError::UnexpectedResponse { .. } => ToolError::WriteOutcomeUnknown(error),
            other => ToolError::Odoo(other),
        }
    }
}

/// What went wrong on the way, without the "retry" advice reads get.
fn describe_unanswered(error: &OdooError) -> String {
    match error {
        OdooError::Timeout { after } => {
            format!("Odoo did not answer within {}s", after.as_secs_f64())
        }
        OdooError::Unreachable { url, reason } => {
            format!("Odoo is unreachable at {url} ({reason})")
        }
        OdooError::UnexpectedResponse { status, detail } => format!(
            "Odoo answered HTTP {status} with something that is not an API answer ({detail})"
        ),
        other => describe_odoo(other),
    }
}

/// A message that quotes the caller's input, cut short: Odoo quotes what it refused (an order
/// term, a value, the request it could not parse), and so do value decoders, so a hostile
/// argument would come back whole.
fn clip_long(message: &str) -> String {
    clip_to(message, 2_000)
}

/// Odoo's own message, with what to do about it.
fn describe_odoo(error: &OdooError) -> String {
    match error {
        OdooError::Authentication(fault) => format!(
            "Odoo refused the credentials ({}): check ODOO_API_KEY (or ODOO_USER and ODOO_PASSWORD) and ODOO_DB",
            clip_long(&fault.message)
        ),
        OdooError::AccessDenied(fault) => format!(
            "Odoo denied access: {}. The Odoo user lacks the rights for this; use another record or model, or ask an administrator",
            clip_long(&fault.message)
        ),
        OdooError::NotFound {
            what: Missing::Record,
            fault,
        } => format!(
            "Odoo could not find the record: {}",
            clip_long(&fault.message)
        ),
        OdooError::NotFound { what, fault } => {
            format!("Odoo {what} not found: {}", clip_long(&fault.message))
        }
        OdooError::Validation(fault) => {
            format!("Odoo rejected the request: {}", clip_long(&fault.message))
        }
        OdooError::Server(fault) => format!(
            "Odoo raised {}: {}",
            fault.name.rsplit('.').next().unwrap_or(&fault.name),
            clip_long(&fault.message)
        ),
        OdooError::Unreachable { url, reason } => format!(
            "Odoo is unreachable at {url} ({reason}); check that Odoo is running and ODOO_URL is right, then retry"
        ),
        OdooError::Timeout { after } => format!(
            "Odoo did not answer within {}s; retry, or ask for less (smaller limit, narrower domain)",
            after.as_secs_f64()
        ),
        OdooError::UnexpectedResponse { status, detail } => format!(
            "Odoo answered HTTP {status} with something that is not an API answer ({detail}); a proxy in front of Odoo may be failing or Odoo is restarting: retry later"
        ),
        other => other.to_string(),
    }
}

impl ToolError {
    /// The message sent to the client, with every secret replaced by `***`.
    pub fn render(&self, secrets: &[String]) -> String {
        redact(self.to_string(), secrets)
    }
}

/// Replaces each secret in `text` (defence in depth: odoo-client already keeps
/// secrets out of its errors).
pub fn redact(mut text: String, secrets: &[String]) -> String {
    for secret in secrets {
        if text.contains(secret.as_str()) {
            text = text.replace(secret.as_str(), "***");
        }
    }
    // A quote cut short (see `clip_to`) may end inside a secret: its head goes too.
    let mut out = String::with_capacity(text.len());
    for (i, piece) in text.split(CLIPPED).enumerate() {
        if i > 0 {
            out.push_str(CLIPPED);
        }
        let head = secrets
            .iter()
            .filter_map(|secret| secret_head_at_end(piece, secret))
            .max()
            .unwrap_or(0);
        out.push_str(&piece[..piece.len() - head]);
        if head > 0 {
            out.push_str("***");
        }
    }
    out
}

/// The length of the longest head of `secret` (4 bytes or more) that `text` ends with.
fn secret_head_at_end(text: &str, secret: &str) -> Option<usize> {
    (4..secret.len())
        .rev()
        .filter(|&n| secret.is_char_boundary(n))
        .find(|&n| text.ends_with(&secret[..n]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use odoo_client::OdooFault;

    #[test]
    fn a_secret_cut_by_clipping_is_redacted_too() {
        let secret = "k3y-0123456789abcdef".to_string();
        let quoted = format!("{}{}", "x".repeat(1_990), secret);
        let error = ToolError::Odoo(OdooError::Validation(OdooFault {
            name: "odoo.exceptions.ValidationError".into(),
            message: quoted,
            status: Some(422),
        }));
        let text = error.render(std::slice::from_ref(&secret));
        assert!(text.contains("***…"), "{}", &text[text.len() - 40..]);
        assert!(!text.contains(&secret[..4]), "{}", &text[text.len() - 40..]);
        // Text that merely ends like a short head of nothing secret is kept.
        assert_eq!(redact("abc…".into(), &[secret]), "abc…");
    }

    #[test]
    fn odoo_messages_pass_through_and_secrets_do_not() {
        let e = ToolError::Odoo(OdooError::Validation(OdooFault {
            name: "odoo.exceptions.ValidationError".into(),
            message: "The field 'Name' is required, key s3cr3t-key".into(),
            status: Some(422),
        }));
        let text = e.render(&["s3cr3t-key".into()]);
        assert_eq!(
            text,
            "Odoo rejected the request: The field 'Name' is required, key ***"
        );
        let e = ToolError::Odoo(OdooError::Unreachable {
            url: "http://127.0.0.1:9".into(),
            reason: "connection refused".into(),
        });
        assert!(e.to_string().contains("ODOO_URL"));
    }

    #[test]
    fn a_write_without_an_answer_may_or_may_not_have_happened() {
        let timeout = || OdooError::Timeout {
            after: std::time::Duration::from_secs(1),
        };
        let e = ToolError::from_write(timeout());
        let text = e.to_string();
        assert!(
            text.contains("may or may not have happened") && text.contains("not retried"),
            "{text}"
        );
        assert!(!text.contains("; retry"), "{text}");
        // Odoo's own refusal is certain: no such warning.
        let refused = ToolError::from_write(OdooError::Validation(OdooFault {
            name: "odoo.exceptions.ValidationError".into(),
            message: "no".into(),
            status: Some(422),
        }));
        assert!(!refused.to_string().contains("may or may not"));
        // Reads keep the plain message.
        assert!(
            !ToolError::Odoo(timeout())
                .to_string()
                .contains("may or may not")
        );
    }
}
