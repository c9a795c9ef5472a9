//! Who is calling: the principal the HTTP transport verified, as the server
//! reads it from a call's request.

use std::sync::Arc;

use rmcp::model::Extensions;

use crate::odoo::identity::Caller;

/// Who the verified token belongs to; in the request's extensions behind `auth::protect`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Principal {
    /// `sub`, or the `client_id` for client-credentials tokens that have no subject.
    pub subject: String,
    pub client_id: Option<String>,
    pub username: Option<String>,
    pub scope: Option<String>,
}

/// The OAuth subject of the HTTP request a call came in (rmcp puts the request's
/// parts into the call's extensions; `auth::require_bearer` put the [`Principal`] there).
pub(crate) fn subject(extensions: &Extensions) -> Option<String> {
    extensions
        .get::<axum::http::request::Parts>()?
        .extensions
        .get::<Principal>()
        .map(|principal| principal.subject.clone())
}

/// The Odoo user the HTTP transport verified for this call's request
/// (`ODOO_MCP_IDENTITY=odoo-key`).
pub(crate) fn odoo_caller(extensions: &Extensions) -> Option<Arc<Caller>> {
    extensions
        .get::<axum::http::request::Parts>()?
        .extensions
        .get::<Arc<Caller>>()
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subject_from_the_http_request_parts() {
        let mut extensions = Extensions::new();
        assert_eq!(subject(&extensions), None);
        let (mut parts, ()) = axum::http::Request::new(()).into_parts();
        extensions.insert(parts.clone());
        assert_eq!(subject(&extensions), None, "a request without a token");
        parts.extensions.insert(Principal {
            subject: "user-42".into(),
            client_id: Some("mcp-client".into()),
            username: None,
            scope: None,
        });
        extensions.insert(parts);
        assert_eq!(subject(&extensions).as_deref(), Some("user-42"));
    }
}
