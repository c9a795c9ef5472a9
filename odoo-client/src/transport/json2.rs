//! JSON/2: `POST /json/2/<model>/<method>` with named arguments (Odoo 19+).

use serde_json::{Map, Value};

use super::http::{Http, Reply, excerpt};
use super::{Call, ServerVersion, Transport};
use crate::config::{Config, Secret};
use crate::error::{Error, Missing, OdooFault, Result};

pub struct Json2Transport {
    http: Http,
    api_key: Secret,
    db: Option<String>,
}

impl Json2Transport {
    pub(crate) fn new(config: &Config, http: Http) -> Result<Self> {
        let api_key = config
            .api_key
            .clone()
            .ok_or_else(|| Error::Config("JSON/2 needs an API key: set ODOO_API_KEY".into()))?;
        Ok(Self {
            http,
            api_key,
            db: config.db.clone(),
        })
    }

    fn body(call: &Call<'_>) -> Value {
        let mut body = Map::with_capacity(call.kwargs.len() + 2);
        if let Some(ids) = call.ids {
            body.insert("ids".into(), Value::from(ids.to_vec()));
        }
        if let Some(context) = &call.context {
            body.insert("context".into(), Value::Object(context.clone()));
        }
        for (k, v) in &call.kwargs {
            body.insert(k.clone(), v.clone());
        }
        Value::Object(body)
    }
}

impl Transport for Json2Transport {
    async fn execute(&self, call: &Call<'_>, idempotent: bool) -> Result<Value> {
        let url = format!("{}/json/2/{}/{}", self.http.base, call.model, call.method);
        let body = Self::body(call);
        let reply = self
            .http
            .send(
                || {
                    let mut request = self
                        .http
                        .client
                        .post(&url)
                        .header(
                            reqwest::header::AUTHORIZATION,
                            format!("bearer {}", self.api_key.expose()),
                        )
                        .json(&body);
                    if let Some(db) = &self.db {
                        request = request.header("X-Odoo-Database", db);
                    }
                    request
                },
                idempotent,
            )
            .await?;
        decode_reply(reply).map_err(|e| with_url(e, &self.http.base))
    }

    async fn version(&self) -> Result<ServerVersion> {
        web_version(&self.http).await
    }
}

/// `GET /web/version`: no authentication, JSON on Odoo 16+.
pub(crate) async fn web_version(http: &Http) -> Result<ServerVersion> {
    let url = format!("{}/web/version", http.base);
    let reply = http.send(|| http.client.get(&url), true).await?;
    let value = decode_reply(reply).map_err(|e| with_url(e, &http.base))?;
    let version = value
        .get("version")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::UnexpectedResponse {
            status: 200,
            detail: "no \"version\" in /web/version".into(),
        })?
        .to_string();
    Ok(ServerVersion::from_info(version, value.get("version_info")))
}

/// `decode_reply` does not know the server: name it in gateway (`Unreachable`) errors.
fn with_url(error: Error, base: &str) -> Error {
    match error {
        Error::Unreachable { url, reason } if url.is_empty() => Error::Unreachable {
            url: base.to_string(),
            reason,
        },
        other => other,
    }
}

/// Turns a JSON/2 answer into the method's value or a typed error.
pub(crate) fn decode_reply(reply: Reply) -> Result<Value> {
    let status = reply.status.as_u16();
    let is_json = reply.content_type.starts_with("application/json");
    let parsed: Option<Value> = if is_json {
        serde_json::from_slice(&reply.body).ok()
    } else {
        None
    };
    if reply.status.is_success() {
        return parsed.ok_or_else(|| Error::UnexpectedResponse {
            status,
            detail: format!("expected JSON, got {}", excerpt(&reply.body)),
        });
    }
    if matches!(status, 502..=504) {
        return Err(Error::Unreachable {
            url: String::new(),
            reason: format!("HTTP {status} from a gateway in front of Odoo"),
        });
    }
    match parsed.as_ref().and_then(fault_of) {
        Some(fault) => Err(classify(fault, status)),
        // Redirects are not followed: Odoo below 19 sends `/json/2/...` to its login page.
        None if reply.status.is_redirection() => Err(Error::NotFound {
            what: Missing::Endpoint,
            fault: OdooFault {
                name: "redirect".into(),
                message: format!(
                    "HTTP {status} redirect instead of a JSON/2 answer: Odoo below 19 has no JSON/2 (set ODOO_API_VERSION=xmlrpc), or ODOO_URL is not the server's own address (e.g. http instead of https)"
                ),
                status: Some(status),
            },
        }),
        // Odoo answers an unknown database with an HTML 404.
        None if status == 404 => Err(Error::NotFound {
            what: Missing::Endpoint,
            fault: OdooFault {
                name: "werkzeug.exceptions.NotFound".into(),
                message: format!(
                    "not an Odoo JSON/2 endpoint (check ODOO_URL and ODOO_DB): {}",
                    excerpt(&reply.body)
                ),
                status: Some(status),
            },
        }),
        None => Err(Error::UnexpectedResponse {
            status,
            detail: excerpt(&reply.body),
        }),
    }
}

fn fault_of(body: &Value) -> Option<OdooFault> {
    let name = body.get("name")?.as_str()?.to_string();
    let message = body.get("message")?.as_str()?.to_string();
    Some(OdooFault {
        name,
        message,
        status: None,
    })
}

/// Maps Odoo's status and exception name to an [`Error`] variant.
fn classify(mut fault: OdooFault, status: u16) -> Error {
    fault.status = Some(status);
    let class = fault.name.rsplit('.').next().unwrap_or_default();
    match (status, class) {
        (401, _) | (_, "AccessDenied") => Error::Authentication(fault),
        (_, "MissingError") => Error::NotFound {
            what: Missing::Record,
            fault,
        },
        (403, _) | (_, "AccessError") => Error::AccessDenied(fault),
        (404, _) => Error::NotFound {
            what: not_found_kind(&fault.message),
            fault,
        },
        (400 | 422, _) | (_, "ValidationError" | "UserError" | "RedirectWarning") => {
            Error::Validation(fault)
        }
        _ => Error::Server(fault),
    }
}

/// What a 404 names, from the wording of Odoo's message.
pub(crate) fn not_found_kind(message: &str) -> Missing {
    let lower = message.to_ascii_lowercase();
    if lower.contains("the model")
        || (lower.starts_with("object ") && lower.contains("doesn't exist"))
    {
        Missing::Model
    } else if lower.contains("the method") {
        Missing::Method
    } else if lower.contains("record does not exist") {
        Missing::Record
    } else {
        Missing::Endpoint
    }
}
