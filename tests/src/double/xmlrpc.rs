//! XML-RPC: `/xmlrpc/2/common` (version, authenticate, login) and `/xmlrpc/2/object`
//! (`execute_kw`, `execute`). Decoding and encoding go through dxr; no XML by hand.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use dxr::{Fault as XmlFault, FaultResponse, MethodCall, MethodResponse, Value as Xml};
use serde_json::{Map, Number, Value};

use super::App;
use super::error::OdooError;
use super::methods;
use super::store::Env;

/// A decoded `methodCall`: its name and parameters as JSON values.
pub(crate) struct XmlCall {
    pub name: String,
    pub params: Vec<Value>,
}

pub(crate) fn parse_call(body: &[u8]) -> Result<XmlCall, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("body is not UTF-8: {e}"))?;
    let call = MethodCall::from_xml(text).map_err(|e| format!("not an XML-RPC call: {e}"))?;
    Ok(XmlCall {
        name: call.name.into_owned(),
        params: call.params.into_iter().map(from_xml).collect(),
    })
}

/// `(model, method, context)` of an `execute_kw` call, for the request log.
pub(crate) fn describe(call: &XmlCall) -> (String, String, Value) {
    let text = |i: usize| {
        call.params
            .get(i)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let context = call
        .params
        .get(6)
        .and_then(|k| k.get("context"))
        .cloned()
        .unwrap_or(Value::Null);
    (text(3), text(4), context)
}

fn int(v: i64) -> Xml {
    i32::try_from(v).map_or(Xml::Long(v), Xml::Integer)
}

/// JSON → XML-RPC; `null` goes out as `false`, like Odoo's marshaller does.
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
        Value::Object(map) => Xml::Struct(
            map.iter()
                .map(|(k, v)| (k.clone(), to_xml(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
    }
}

pub(crate) fn from_xml(value: Xml) -> Value {
    match value {
        Xml::Integer(i) => Value::from(i),
        Xml::Long(i) => Value::from(i),
        Xml::Boolean(b) => Value::Bool(b),
        Xml::String(s) => Value::String(s),
        Xml::Double(f) => Number::from_f64(f).map_or(Value::Null, Value::Number),
        Xml::DateTime(dt) => Value::String(dt.to_string()),
        Xml::Base64(bytes) => Value::from(bytes),
        Xml::Struct(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, from_xml(v)))
                .collect::<Map<_, _>>(),
        ),
        Xml::Array(items) => Value::Array(items.into_iter().map(from_xml).collect()),
        _ => Value::Null,
    }
}

fn xml_response(body: Result<String, dxr::Error>) -> Response {
    match body {
        Ok(xml) => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/xml; charset=utf-8")],
            xml,
        )
            .into_response(),
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the Odoo test double could not encode its answer: {e}"),
        )
            .into_response(),
    }
}

pub(crate) fn value_response(value: &Value) -> Response {
    xml_response(
        MethodResponse {
            value: to_xml(value),
        }
        .to_xml(),
    )
}

pub(crate) fn fault_response(error: &OdooError) -> Response {
    let (code, string) = error.fault();
    xml_response(
        FaultResponse {
            fault: XmlFault::new(code, string),
        }
        .to_xml(),
    )
}

/// Serves one call on `/xmlrpc/2/<service>`.
pub(crate) fn handle(app: &App, service: &str, call: XmlCall) -> Response {
    let outcome = match service {
        "common" => common(app, &call),
        "object" => object(app, call),
        other => Err(OdooError::type_error(format!(
            "unknown XML-RPC service {other:?}"
        ))),
    };
    match outcome {
        // Python's marshaller refuses None, after the call's transaction committed.
        Ok(Value::Null) => fault_response(&OdooError::type_error(
            "cannot marshal None unless allow_none is enabled",
        )),
        Ok(value) if holds_null(&value) => nested_none_fault(),
        Ok(value) => value_response(&value),
        Err(e) => fault_response(&e),
    }
}

/// Whether a list or struct of the answer holds a None (`null`).
fn holds_null(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().any(|v| v.is_null() || holds_null(v)),
        Value::Object(map) => map.values().any(|v| v.is_null() || holds_null(v)),
        _ => false,
    }
}

/// The fault of an answer with a None inside (e.g. an action whose context
/// has `default_invoice_payment_term_id: None`): the marshaller fails in the
/// struct, after the call's transaction committed.
fn nested_none_fault() -> Response {
    let string = "Traceback (most recent call last):\n  File \"<odoo-src>/odoo/addons/base/controllers/rpc.py\", line 140, in _xmlrpc\n    return dumps((result,))\n  File \"<python>/xmlrpc/client.py\", line 607, in dump_struct\n    dump(v, write)\n  File \"<python>/xmlrpc/client.py\", line 540, in dump_nil\n    raise TypeError(\"cannot marshal None unless allow_none is enabled\")\nTypeError: cannot marshal None unless allow_none is enabled\n";
    xml_response(
        FaultResponse {
            fault: XmlFault::new(1, string.to_string()),
        }
        .to_xml(),
    )
}

fn common(app: &App, call: &XmlCall) -> Result<Value, OdooError> {
    let text = |i: usize| call.params.get(i).and_then(Value::as_str).unwrap_or("");
    match call.name.as_str() {
        "version" => Ok(app.common_version()),
        "authenticate" | "login" => {
            app.check_db(text(0))?;
            Ok(app
                .login_uid(text(1), text(2))
                .map_or(Value::Bool(false), Value::from))
        }
        other => Err(OdooError::Python {
            class: "NameError",
            message: format!("method not available {other:?}"),
        }),
    }
}

fn object(app: &App, call: XmlCall) -> Result<Value, OdooError> {
    let mut params = call.params.into_iter();
    let mut next = || params.next().unwrap_or(Value::Null);
    let (db, uid, password, model, method) = (next(), next(), next(), next(), next());
    let (args, kwargs) = match call.name.as_str() {
        "execute_kw" => {
            let args = match next() {
                Value::Array(a) => a,
                Value::Null => Vec::new(),
                other => vec![other],
            };
            let kwargs = match next() {
                Value::Object(k) => k,
                _ => Map::new(),
            };
            (args, kwargs)
        }
        "execute" => (params.collect(), Map::new()),
        other => {
            return Err(OdooError::Python {
                class: "NameError",
                message: format!("method not available {other:?}"),
            });
        }
    };
    app.check_db(db.as_str().unwrap_or_default())?;
    let uid = uid.as_i64().unwrap_or_default();
    if !app.password_ok(uid, password.as_str().unwrap_or_default()) {
        return Err(OdooError::Unauthorized("Access Denied".into()));
    }
    let context = match kwargs.get("context") {
        Some(Value::Object(c)) => c.clone(),
        _ => Map::new(),
    };
    let env = Env { uid, context };
    let model = model.as_str().unwrap_or_default();
    let method = method.as_str().unwrap_or_default();
    // Odoo's call_kw shapes `create`'s answer from `args[0]`: keyword-only values fail
    // after the create, and the transaction is rolled back (real 19 and 18 alike).
    if method == "create" && args.is_empty() {
        return Err(OdooError::Python {
            class: "IndexError",
            message: if app.major < 19 {
                "tuple index out of range"
            } else {
                "list index out of range"
            }
            .into(),
        });
    }
    let mut store = app.store();
    methods::call_xmlrpc(&mut store, model, method, args, kwargs, &env)
}
