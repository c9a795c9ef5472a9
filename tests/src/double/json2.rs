//! JSON/2: `POST /json/2/<model>/<method>` with a bearer API key and named arguments.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::App;
use super::error::OdooError;
use super::methods;
use super::store::Env;

pub(crate) fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        body.to_string(),
    )
        .into_response()
}

pub(crate) fn error_response(error: &OdooError) -> Response {
    let mut response = json_response(error.status(), &error.json_body());
    if matches!(error, OdooError::Unauthorized(_)) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// Odoo's answer for a database it does not serve (or a route it does not have): HTML.
pub(crate) fn html_not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        "<!DOCTYPE html>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>No database is selected and the requested URL was not found in the server-wide controllers.</p>\n<p>Please verify the hostname, <a href=/web/login>login</a> and try again.</p>\n\n<!-- Alternatively, use the X-Odoo-Database header. -->\n",
    )
        .into_response()
}

/// What Odoo below 19 answers on `/json/...`: no such controller, so its
/// authentication redirects to the login page (recorded on a real Odoo 18).
pub(crate) fn login_redirect(path: &str) -> Response {
    let target = format!("/web/login?redirect={}%3F", path.replace('/', "%2F"));
    (
        StatusCode::SEE_OTHER,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::LOCATION, target.clone()),
        ],
        format!("<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n<p>You should be redirected automatically to the target URL: <a href=\"{target}\">{target}</a>. If not, click the link.\n"),
    )
        .into_response()
}

/// The body's `context`, for the request log.
pub(crate) fn context_of(body: &[u8]) -> Value {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|b| b.get("context").cloned())
        .unwrap_or(Value::Null)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim())
}

pub(crate) fn handle(
    app: &App,
    model: &str,
    method: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    if let Some(db) = headers.get("x-odoo-database")
        && app.check_db(db.to_str().unwrap_or_default()).is_err()
    {
        return html_not_found();
    }
    match call(app, model, method, headers, body) {
        Ok(value) => json_response(200, &value),
        Err(e) => error_response(&e),
    }
}

fn call(
    app: &App,
    model: &str,
    method: &str,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OdooError> {
    let uid = match bearer(headers) {
        None => {
            return Err(OdooError::Unauthorized(
                "User not authenticated, use an API Key with a Bearer Authorization header.".into(),
            ));
        }
        Some(key) => app
            .key_uid(key)
            .ok_or_else(|| OdooError::Unauthorized("Invalid apikey".into()))?,
    };
    let body: Map<String, Value> = if body.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(m)) => m,
            Ok(Value::Null) => Map::new(),
            Ok(other) => {
                return Err(OdooError::BadRequest(format!(
                    "the body must be a JSON object of named arguments, got {other}"
                )));
            }
            Err(e) => {
                return Err(OdooError::BadRequest(format!(
                    "could not parse the body as json: {e}"
                )));
            }
        }
    };
    let mut kwargs = body;
    let ids = match kwargs.remove("ids") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| {
                    v.as_i64().ok_or_else(|| {
                        OdooError::Unprocessable(format!("ids must be integers, got {v}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        ),
        Some(Value::Number(n)) => Some(n.as_i64().into_iter().collect()),
        Some(other) => {
            return Err(OdooError::Unprocessable(format!(
                "ids must be a list of integers, got {other}"
            )));
        }
    };
    let context = match kwargs.remove("context") {
        Some(Value::Object(c)) => c,
        _ => Map::new(),
    };
    let env = Env { uid, context };
    let mut store = app.store();
    methods::call_json2(&mut store, model, method, ids, kwargs, &env)
}

pub(crate) fn version_response(major: u32) -> Response {
    json_response(
        200,
        &serde_json::json!({
            "version": format!("{major}.0"),
            "version_info": [major, 0, 0, "final", 0, ""],
        }),
    )
}
