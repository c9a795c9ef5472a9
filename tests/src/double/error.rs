//! The exceptions the double raises, rendered the way Odoo 19 renders them:
//! a JSON/2 error body with its HTTP status, or an XML-RPC fault.
//! Shapes copied from `json2_exchanges.json` and `xmlrpc_exchanges.json`.

use serde_json::{Value, json};

/// An exception "raised inside Odoo".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum OdooError {
    /// 401 `werkzeug.exceptions.Unauthorized`; XML-RPC fault 3 `Access Denied`.
    Unauthorized(String),
    /// 404 `werkzeug.exceptions.NotFound` "the model 'x' does not exist";
    /// XML-RPC fault 2 "Object x doesn't exist".
    UnknownModel(String),
    /// 404 "The method 'm.x' does not exist"; XML-RPC fault 1 with an `AttributeError` traceback.
    UnknownMethod { model: String, method: String },
    /// 404 for a path that is not `/json/2/<model>/<method>` or a `GET`.
    BadRoute,
    /// 403 `odoo.exceptions.AccessError`; XML-RPC fault 4.
    Access(String),
    /// 422 `odoo.exceptions.ValidationError`; XML-RPC fault 2.
    Validation(String),
    /// 422 `odoo.exceptions.UserError`; XML-RPC fault 2.
    User(String),
    /// 404 `odoo.exceptions.MissingError`; XML-RPC fault 2.
    Missing(String),
    /// 422 `werkzeug.exceptions.UnprocessableEntity` (signature check); XML-RPC fault 1 `TypeError`.
    Unprocessable(String),
    /// 400 `werkzeug.exceptions.BadRequest` (body is not JSON).
    BadRequest(String),
    /// 500 `builtins.<class>`, e.g. `ValueError` for an invalid field; XML-RPC fault 1.
    Python {
        class: &'static str,
        message: String,
    },
}

impl OdooError {
    pub fn value_error(message: impl Into<String>) -> Self {
        Self::Python {
            class: "ValueError",
            message: message.into(),
        }
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        Self::Python {
            class: "TypeError",
            message: message.into(),
        }
    }

    /// `MissingError` for ids of `model` that do not exist.
    pub fn missing(model: &str, ids: &[i64], uid: i64) -> Self {
        let ids = match ids {
            [one] => format!("{one},"),
            many => many
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        };
        Self::Missing(format!(
            "Record does not exist or has been deleted.\n(Record: {model}({ids}), User: {uid})"
        ))
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::Unauthorized(_) => 401,
            Self::UnknownModel(_)
            | Self::UnknownMethod { .. }
            | Self::BadRoute
            | Self::Missing(_) => 404,
            Self::Access(_) => 403,
            Self::Validation(_) | Self::User(_) | Self::Unprocessable(_) => 422,
            Self::BadRequest(_) => 400,
            Self::Python { .. } => 500,
        }
    }

    /// Odoo's dotted exception name.
    pub fn name(&self) -> String {
        match self {
            Self::Unauthorized(_) => "werkzeug.exceptions.Unauthorized".into(),
            Self::UnknownModel(_) | Self::UnknownMethod { .. } | Self::BadRoute => {
                "werkzeug.exceptions.NotFound".into()
            }
            Self::Access(_) => "odoo.exceptions.AccessError".into(),
            Self::Validation(_) => "odoo.exceptions.ValidationError".into(),
            Self::User(_) => "odoo.exceptions.UserError".into(),
            Self::Missing(_) => "odoo.exceptions.MissingError".into(),
            Self::Unprocessable(_) => "werkzeug.exceptions.UnprocessableEntity".into(),
            Self::BadRequest(_) => "werkzeug.exceptions.BadRequest".into(),
            Self::Python { class, .. } => format!("builtins.{class}"),
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::UnknownModel(model) => format!("the model '{model}' does not exist"),
            Self::UnknownMethod { model, method } => {
                format!("The method '{model}.{method}' does not exist")
            }
            Self::BadRoute => "Did you mean POST /json/2/<model>/<method>?".into(),
            Self::Unauthorized(m)
            | Self::Access(m)
            | Self::Validation(m)
            | Self::User(m)
            | Self::Missing(m)
            | Self::Unprocessable(m)
            | Self::BadRequest(m)
            | Self::Python { message: m, .. } => m.clone(),
        }
    }

    fn is_werkzeug(&self) -> bool {
        self.name().starts_with("werkzeug.")
    }

    /// A short traceback in Odoo's shape, ending with `Class: message`.
    fn traceback(&self) -> String {
        let name = self.name();
        let short = name.rsplit('.').next().unwrap_or(&name);
        let class = match self {
            Self::UnknownMethod { .. } => "AttributeError",
            Self::Unprocessable(_) => "TypeError",
            _ => short,
        };
        format!(
            "Traceback (most recent call last):\n  File \"<odoo-src>/odoo/http.py\", line 2302, in _serve_db\n    return service_model.retrying(serve_func, env=self.env)\n  File \"<odoo-src>/odoo/service/model.py\", line 188, in retrying\n    result = func()\n{class}: {}\n",
            self.message()
        )
    }

    /// The JSON/2 error body.
    pub fn json_body(&self) -> Value {
        let message = self.message();
        let arguments = if self.is_werkzeug() {
            json!([message, self.status()])
        } else {
            json!([message])
        };
        json!({
            "name": self.name(),
            "message": message,
            "arguments": arguments,
            "context": {},
            "debug": self.traceback(),
        })
    }

    /// The XML-RPC `(faultCode, faultString)`.
    pub fn fault(&self) -> (i32, String) {
        match self {
            Self::Unauthorized(_) => (3, "Access Denied".into()),
            Self::Access(m) => (4, m.clone()),
            Self::UnknownModel(model) => (2, format!("Object {model} doesn't exist")),
            Self::Validation(m) | Self::User(m) | Self::Missing(m) => (2, m.clone()),
            Self::UnknownMethod { .. }
            | Self::BadRoute
            | Self::Unprocessable(_)
            | Self::BadRequest(_)
            | Self::Python { .. } => (1, self.traceback()),
        }
    }
}
