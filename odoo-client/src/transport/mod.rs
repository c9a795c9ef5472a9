//! The two wire protocols behind one trait.

mod http;
mod json2;
mod xmlrpc;

use std::future::Future;

use serde_json::{Map, Value};

use crate::error::Result;
use crate::value::RecordId;

pub use json2::Json2Transport;
pub use xmlrpc::XmlRpcTransport;

/// One model method call, in the protocol-neutral shape both APIs can carry:
/// JSON/2 sends `ids`, `context` and the keyword arguments as one JSON object;
/// XML-RPC sends `[ids]` as the positional arguments and the rest as kwargs.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub model: &'a str,
    pub method: &'a str,
    /// Records the method runs on; `None` for `@api.model` methods.
    pub ids: Option<&'a [RecordId]>,
    pub kwargs: Map<String, Value>,
    pub context: Option<Map<String, Value>>,
}

/// Odoo's `server_version` answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    /// e.g. `19.0`, or `saas~18.3`.
    pub version: String,
    /// Major version number (19 for `19.0` and `saas~19.1`).
    pub major: u32,
}

impl ServerVersion {
    pub(crate) fn from_info(version: String, info: Option<&Value>) -> Self {
        let major = info
            .and_then(|i| i.get(0))
            .and_then(Value::as_u64)
            .map(|m| m as u32)
            .or_else(|| {
                version
                    .trim_start_matches("saas~")
                    .split('.')
                    .next()
                    .and_then(|m| m.parse().ok())
            })
            .unwrap_or(0);
        Self { version, major }
    }
}

/// A wire protocol that can run model methods.
pub trait Transport: Send + Sync {
    /// Runs one method. `idempotent` allows bounded retries on connect errors and 502/503/504.
    fn execute(
        &self,
        call: &Call<'_>,
        idempotent: bool,
    ) -> impl Future<Output = Result<Value>> + Send;
    /// Asks the server its version (no authentication needed).
    fn version(&self) -> impl Future<Output = Result<ServerVersion>> + Send;
}
