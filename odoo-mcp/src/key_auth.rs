//! `ODOO_MCP_IDENTITY=odoo-key` on streamable HTTP: every request to `/mcp`
//! carries its caller's own Odoo API key, as Odoo's own MCP endpoint takes it
//! (`Authorization: Bearer <key>`; `Basic base64(login:key)` where the server
//! reaches Odoo over XML-RPC, which needs the login). The key is checked with
//! Odoo before the request reaches MCP; a key Odoo refuses is an HTTP 401 with
//! `WWW-Authenticate` and a message a person can act on. The verified caller goes
//! into the request's extensions, where the server takes it for each call.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use odoo_client::Secret;
use serde_json::json;

use crate::odoo::identity::{Credentials, Identities, Refusal};

/// Guards every route of `router` with the callers' Odoo keys.
pub(crate) fn protect<S>(router: axum::Router<S>, identities: Arc<Identities>) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router.layer(axum::middleware::from_fn_with_state(identities, identify))
}

async fn identify(
    State(identities): State<Arc<Identities>>,
    mut request: Request,
    next: Next,
) -> Response {
    let basic = identities.needs_login().await;
    let outcome = match credentials(request.headers()) {
        Some(credentials) => identities.resolve(credentials).await,
        None if basic => Err(Refusal::NoLogin),
        None => Err(Refusal::NoKey),
    };
    match outcome {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(refusal) => refused(&refusal, basic),
    }
}

/// The key (and login) of `Authorization`: `Bearer <key>` or `Basic base64(login:key)`.
fn credentials(headers: &HeaderMap) -> Option<Credentials> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, rest) = value.trim().split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return (!rest.is_empty()).then(|| Credentials {
            login: None,
            key: Secret::new(rest),
        });
    }
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (login, key) = text.split_once(':')?;
    (!login.is_empty() && !key.is_empty()).then(|| Credentials {
        login: Some(login.to_string()),
        key: Secret::new(key),
    })
}

/// 401 (or 503 when Odoo cannot tell now) with the scheme the client should use.
fn refused(refusal: &Refusal, basic: bool) -> Response {
    let message = refusal.to_string();
    tracing::info!(reason = %message, "request refused: no valid Odoo API key");
    if let Refusal::TooMany { retry_after } = refusal {
        let body = json!({"error": "too_many_requests", "error_description": message});
        let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        return response;
    }
    if !refusal.is_unauthorized() {
        let body = json!({"error": "temporarily_unavailable", "error_description": message});
        return (StatusCode::SERVICE_UNAVAILABLE, axum::Json(body)).into_response();
    }
    let invalid = !matches!(refusal, Refusal::NoKey | Refusal::NoLogin);
    let challenge = match (basic, invalid) {
        (true, _) => r#"Basic realm="odoo-mcp", charset="UTF-8""#.to_string(),
        // RFC 6750: `error` only when a token was sent; the description in plain ASCII.
        (false, true) => format!(
            r#"Bearer realm="odoo-mcp", error="invalid_token", error_description="{}""#,
            "Odoo refused this API key"
        ),
        (false, false) => r#"Bearer realm="odoo-mcp""#.to_string(),
    };
    let body = json!({
        "error": if invalid { "invalid_token" } else { "invalid_request" },
        "error_description": message,
    });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_and_basic() {
        let bearer = credentials(&headers("Bearer abc123")).unwrap();
        assert_eq!(bearer.login, None);
        assert_eq!(bearer.key.expose(), "abc123");
        let encoded = base64::engine::general_purpose::STANDARD.encode("demo:k:ey");
        let basic = credentials(&headers(&format!("basic {encoded}"))).unwrap();
        assert_eq!(basic.login.as_deref(), Some("demo"));
        assert_eq!(basic.key.expose(), "k:ey", "a key may hold a colon");
        assert!(credentials(&headers("Bearer ")).is_none());
        assert!(credentials(&headers("Digest x")).is_none());
        assert!(credentials(&headers("Basic !!!")).is_none());
        assert!(credentials(&HeaderMap::new()).is_none());
    }

    #[test]
    fn refusals_are_401_with_a_challenge() {
        let response = refused(
            &Refusal::Refused {
                login: String::new(),
            },
            false,
        );
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let challenge = response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap();
        assert!(challenge.starts_with("Bearer") && challenge.contains("invalid_token"));
        let response = refused(&Refusal::NoLogin, true);
        assert!(
            response.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Basic")
        );
        let response = refused(&Refusal::Unavailable("timeout".into()), false);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let response = refused(&Refusal::TooMany { retry_after: 17 }, false);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "17");
    }
}
