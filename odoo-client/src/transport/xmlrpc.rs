//! XML-RPC: `/xmlrpc/2/common` (version, authenticate) and `/xmlrpc/2/object` (`execute_kw`).
//! Encoding and decoding go through dxr; no XML is built by hand.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine as _;
use dxr::{FaultResponse, MethodCall, MethodResponse, Value as Xml};
use serde_json::{Map, Number, Value};
use tokio::sync::OnceCell;

use super::http::{Http, excerpt};
use super::json2::not_found_kind;
use super::{Call, ServerVersion, Transport};
use crate::config::{Config, Secret};
use crate::error::{Error, Missing, OdooFault, Result};

pub struct XmlRpcTransport {
    http: Http,
    db: String,
    user: String,
    secret: Secret,
    uid: OnceCell<i64>,
}

impl XmlRpcTransport {
    pub(crate) fn new(config: &Config, http: Http) -> Result<Self> {
        let missing = || {
            Error::Config(
                "XML-RPC needs ODOO_DB, ODOO_USER and ODOO_API_KEY (or ODOO_PASSWORD)".into(),
            )
        };
        Ok(Self {
            http,
            db: config.db.clone().ok_or_else(missing)?,
            user: config.user.clone().ok_or_else(missing)?,
            secret: config.xmlrpc_secret().cloned().ok_or_else(missing)?,
            uid: OnceCell::new(),
        })
    }

    async fn rpc(
        &self,
        service: &str,
        method: &str,
        params: Vec<Xml>,
        idempotent: bool,
    ) -> Result<Value> {
        rpc(&self.http, service, method, params, idempotent).await
    }

    /// The uid, authenticating once per client. A refusal is not cached.
    async fn uid(&self) -> Result<i64> {
        self.uid
            .get_or_try_init(|| async {
                let params = vec![
                    Xml::String(self.db.clone()),
                    Xml::String(self.user.clone()),
                    Xml::String(self.secret.expose().to_string()),
                    Xml::Struct(BTreeMap::new()),
                ];
                match self.rpc("common", "authenticate", params, true).await? {
                    Value::Number(n) if n.as_i64().is_some_and(|uid| uid > 0) => Ok(n.as_i64().unwrap_or_default()),
                    _ => Err(Error::Authentication(OdooFault {
                        name: "xmlrpc.authenticate".into(),
                        message: format!(
                            "login {:?} on database {:?} was refused (wrong user, password or API key)",
                            self.user, self.db
                        ),
                        status: None,
                    })),
                }
            })
            .await
            .copied()
    }
}

impl Transport for XmlRpcTransport {
    async fn execute(&self, call: &Call<'_>, idempotent: bool) -> Result<Value> {
        let uid = self.uid().await?;
        let mut args = match call.ids {
            Some(ids) => vec![Xml::Array(ids.iter().map(|id| int(*id)).collect())],
            None => Vec::new(),
        };
        let mut kwargs: BTreeMap<String, Xml> = call
            .kwargs
            .iter()
            .map(|(k, v)| (k.clone(), to_xml(v)))
            .collect();
        if let Some((_, param)) = POSITIONAL.iter().find(|(m, _)| *m == call.method)
            && let Some(value) = kwargs.remove(*param)
        {
            args.push(value);
        }
        if let Some(context) = &call.context {
            kwargs.insert("context".into(), to_xml(&Value::Object(context.clone())));
        }
        let params = vec![
            Xml::String(self.db.clone()),
            int(uid),
            Xml::String(self.secret.expose().to_string()),
            Xml::String(call.model.to_string()),
            Xml::String(call.method.to_string()),
            Xml::Array(args),
            Xml::Struct(kwargs),
        ];
        self.rpc("object", "execute_kw", params, idempotent).await
    }

    async fn version(&self) -> Result<ServerVersion> {
        common_version(&self.http).await
    }
}

/// Methods whose first argument goes positionally over XML-RPC. Odoo's dispatch
/// shapes `create`'s answer from `args[0]` (keyword `vals_list` is an IndexError), and
/// the parameter names drift across versions and overrides (`write(values)` in
/// Odoo 18's res.company, `default_get(fields_list)` before 19): the position holds.
const POSITIONAL: [(&str, &str); 3] = [
    ("create", "vals_list"),
    ("write", "vals"),
    ("default_get", "fields"),
];

/// One XML-RPC call on `/xmlrpc/2/<service>`.
async fn rpc(
    http: &Http,
    service: &str,
    method: &str,
    params: Vec<Xml>,
    idempotent: bool,
) -> Result<Value> {
    let url = format!("{}/xmlrpc/2/{service}", http.base);
    let body = MethodCall {
        name: Cow::Borrowed(method),
        params,
    }
    .to_xml()
    .map_err(|e| Error::InvalidRequest(format!("cannot encode the XML-RPC call: {e}")))?;
    let reply = http
        .send(
            || {
                http.client
                    .post(&url)
                    .header(reqwest::header::CONTENT_TYPE, "text/xml")
                    .body(body.clone())
            },
            idempotent,
        )
        .await?;
    let status = reply.status.as_u16();
    if matches!(status, 502..=504) {
        return Err(Error::Unreachable {
            url: http.base.clone(),
            reason: format!("HTTP {status} from a gateway in front of Odoo"),
        });
    }
    let text = std::str::from_utf8(&reply.body).map_err(|_| Error::UnexpectedResponse {
        status,
        detail: "XML-RPC answer is not UTF-8".into(),
    })?;
    decode_response(status, text)
}

/// `common.version()`: no authentication needed.
pub(crate) async fn common_version(http: &Http) -> Result<ServerVersion> {
    let value = rpc(http, "common", "version", Vec::new(), true).await?;
    let version = value
        .get("server_version")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::UnexpectedResponse {
            status: 200,
            detail: "no server_version in common.version()".into(),
        })?
        .to_string();
    Ok(ServerVersion::from_info(
        version,
        value.get("server_version_info"),
    ))
}

fn int(v: i64) -> Xml {
    match i32::try_from(v) {
        Ok(small) => Xml::Integer(small),
        Err(_) => Xml::Long(v),
    }
}

/// JSON → XML-RPC. `null` goes as `false`, Odoo's empty value.
pub(crate) fn to_xml(value: &Value) -> Xml {
    match value {
        Value::Null => Xml::Boolean(false),
        Value::Bool(b) => Xml::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => int(i),
            None => Xml::Double(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => Xml::String(s.clone()),
        Value::Array(items) => Xml::Array(items.iter().map(to_xml).collect()),
        Value::Object(map) => {
            Xml::Struct(map.iter().map(|(k, v)| (k.clone(), to_xml(v))).collect())
        }
    }
}

/// XML-RPC → JSON, in the shapes JSON/2 gives for the same data.
pub(crate) fn from_xml(value: Xml) -> Value {
    match value {
        Xml::Integer(i) => Value::from(i),
        Xml::Long(i) => Value::from(i),
        Xml::Boolean(b) => Value::Bool(b),
        Xml::String(s) => Value::String(s),
        Xml::Double(f) => Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Xml::DateTime(dt) => Value::String(dt.to_string()),
        Xml::Base64(bytes) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
        }
        Xml::Struct(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, from_xml(v)))
                .collect::<Map<_, _>>(),
        ),
        Xml::Array(items) => Value::Array(items.into_iter().map(from_xml).collect()),
        Xml::Nil => Value::Null,
        // dxr's Value is non-exhaustive; new kinds have no Odoo meaning yet.
        _ => Value::Null,
    }
}

/// Decodes a methodResponse: the value, or the fault mapped to an [`Error`].
pub(crate) fn decode_response(status: u16, text: &str) -> Result<Value> {
    if let Ok(response) = MethodResponse::from_xml(text) {
        return Ok(from_xml(response.value));
    }
    if let Ok(fault) = FaultResponse::from_xml(text) {
        // Odoo marshals the answer after the call's transaction has committed, so a
        // method that returned None (`action_archive`, most buttons) did run: its
        // answer is `null`, as JSON/2 gives it. A None inside the answer (an
        // action's context) fails in a struct or list: that answer is lost.
        if fault.fault.code() == 1
            && last_exception_line(fault.fault.string())
                == (
                    Some("TypeError"),
                    "cannot marshal None unless allow_none is enabled".to_string(),
                )
        {
            let traceback = fault.fault.string();
            if traceback.contains("in dump_struct") || traceback.contains("in dump_array") {
                return Err(Error::AnswerNotCarried);
            }
            return Ok(Value::Null);
        }
        return Err(classify_fault(fault.fault.code(), fault.fault.string()));
    }
    Err(Error::UnexpectedResponse {
        status,
        detail: format!("not an XML-RPC response: {}", excerpt(text.as_bytes())),
    })
}

/// Odoo's fault codes: 1 = unhandled exception (the traceback is the string),
/// 2 = UserError/ValidationError/MissingError, 3 = AccessDenied, 4 = AccessError.
fn classify_fault(code: i32, text: &str) -> Error {
    let (class, message) = match code {
        1 => last_exception_line(text),
        _ => (None, text.trim().to_string()),
    };
    let fault = OdooFault {
        name: class.map_or_else(|| format!("xmlrpc.fault.{code}"), str::to_string),
        message,
        status: None,
    };
    let missing = |fault: OdooFault| Error::NotFound {
        what: not_found_kind(&fault.message),
        fault,
    };
    match code {
        3 => Error::Authentication(fault),
        4 => Error::AccessDenied(fault),
        2 if fault.message.starts_with("Record does not exist") => Error::NotFound {
            what: Missing::Record,
            fault,
        },
        2 if fault.message.starts_with("Object ") && fault.message.ends_with("doesn't exist") => {
            missing(fault)
        }
        2 => Error::Validation(fault),
        _ if fault.name == "AttributeError" && fault.message.contains("does not exist") => {
            missing(fault)
        }
        _ => Error::Server(fault),
    }
}

/// `("ValueError", "Invalid field …")` from the last line of a Python traceback.
fn last_exception_line(traceback: &str) -> (Option<&str>, String) {
    let last = traceback
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    match last.split_once(": ") {
        Some((class, message)) if !class.contains(' ') => (Some(class), message.to_string()),
        _ => (None, last.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(code: i32, text: &str) -> String {
        FaultResponse {
            fault: dxr::Fault::new(code, text.to_string()),
        }
        .to_xml()
        .expect("encode")
    }

    /// Odoo commits, then fails to marshal a None answer: the call happened.
    /// A None inside the answer loses the answer: an error that says so.
    #[test]
    fn a_none_answer_is_null_and_a_none_inside_it_is_a_lost_answer() {
        let traceback = "Traceback (most recent call last):\n  File \"<odoo-src>/odoo/http.py\", line 1, in dispatch\nTypeError: cannot marshal None unless allow_none is enabled\n";
        assert_eq!(
            decode_response(200, &fault(1, traceback)).ok(),
            Some(Value::Null)
        );
        // Odoo 18's fault for sale.advance.payment.inv create_invoices on a customer
        // without payment terms: the action's context holds a None (shortened).
        let nested = "Traceback (most recent call last):\n  File \"/usr/lib/python3.11/xmlrpc/client.py\", line 514, in dumps\n    dump(v, write)\n  File \"/usr/lib/python3.11/xmlrpc/client.py\", line 607, in dump_struct\n    dump(v, write)\n  File \"/usr/lib/python3.11/xmlrpc/client.py\", line 540, in dump_nil\n    raise TypeError(\"cannot marshal None unless allow_none is enabled\")\nTypeError: cannot marshal None unless allow_none is enabled\n";
        assert!(matches!(
            decode_response(200, &fault(1, nested)),
            Err(Error::AnswerNotCarried)
        ));
        let other = "Traceback (most recent call last):\nTypeError: unsupported operand\n";
        assert!(matches!(
            decode_response(200, &fault(1, other)),
            Err(Error::Server(_))
        ));
    }
}
