//! [`OdooDouble`]: an in-process HTTP server that answers like Odoo 19 over JSON/2 and
//! XML-RPC, seeded from the captured fixtures.
//!
//! Supported: `search_read`, `search`, `search_count`, `read`, `create`, `write`,
//! `unlink`, `copy`, `fields_get`, `name_search`, `default_get`, `has_access`,
//! `check_access_rights`, `formatted_read_group`, `export_data`, `base_import.import.execute_import` (see [`imports`]) and the deprecated `read_group` (see
//! `store/group.rs`), and `res.users.context_get`, with Odoo's argument binding (JSON/2 named arguments with
//! `ids`/`context`; XML-RPC positional + keyword). CRUD on the 13 seeded models and on
//! `ir.attachment` (empty at start; `file_size` and a default `mimetype` computed); read-only
//! `ir.model`, `ir.model.fields`, `ir.model.fields.selection`; every other model of
//! `ir.model` exists with no records. Domains: see [`domain`]; dotted paths through
//! many2one fields; `active_test`. `order`: `field [asc|desc]`, comma-separated, default
//! the model's `_order`. Error bodies and faults as recorded (see [`error`]).
//!
//! Not supported: other public methods (`action_*`, `web_search_read`, …
//! answer 404 like an unknown method), translations (`context.lang` is recorded, not
//! applied), computed fields other than `display_name` and res.partner `complete_name`
//! (non-stored fields read as empty), x2many commands 0/1/2, record rules beyond the demo
//! user's few refusals, `/doc-bearer`, multi-database, sessions.
//!
//! Request log kinds (see [`OdooDouble::requests`]): `("json2", model, method)`,
//! `("xmlrpc", model, method)` for `execute_kw`, `("xmlrpc-common", "", method)` for
//! `version`/`authenticate`, `("web", "", "version")` for `/web/version` and
//! `/json/version`, `("other", "", path)` for anything else.

mod business;
mod domain;
mod error;
mod faults;
mod imports;
mod json2;
mod methods;
mod seed;
mod store;
mod xmlrpc;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::Method;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub use faults::Fault;

use error::OdooError;
use faults::{Action, Conn, KillableListener};
use store::{ADMIN_UID, DEMO_UID, Store};

const DB: &str = "lab";
const ADMIN_LOGIN: &str = "admin";
const DEMO_LOGIN: &str = "demo";
const ADMIN_KEY: &str = "odoo-double-admin-0b1c2d3e4f5a6b7c8d9e";
const DEMO_KEY: &str = "odoo-double-demo-9e8d7c6b5a4f3e2d1c0b";

struct LoggedRequest {
    kind: String,
    model: String,
    method: String,
    context: Value,
}

/// Shared server state.
pub(crate) struct App {
    major: u32,
    store: Mutex<Store>,
    fault: Mutex<Option<Fault>>,
    log: Mutex<Vec<LoggedRequest>>,
    admin_revoked: AtomicBool,
}

/// Locks a mutex, ignoring poisoning: a panicking test must not hide others' results.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl App {
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    pub(crate) fn check_db(&self, db: &str) -> Result<(), OdooError> {
        if db == DB {
            Ok(())
        } else {
            Err(OdooError::Python {
                class: "OperationalError",
                message: format!(
                    "connection to server failed: FATAL:  database \"{db}\" does not exist"
                ),
            })
        }
    }

    /// The uid an API key belongs to.
    pub(crate) fn key_uid(&self, key: &str) -> Option<i64> {
        match key {
            ADMIN_KEY if !self.admin_revoked.load(Ordering::SeqCst) => Some(ADMIN_UID),
            DEMO_KEY => Some(DEMO_UID),
            _ => None,
        }
    }

    /// `common.authenticate`: the uid for a login and its API key.
    pub(crate) fn login_uid(&self, login: &str, secret: &str) -> Option<i64> {
        let uid = self.key_uid(secret)?;
        let expected = if uid == ADMIN_UID {
            ADMIN_LOGIN
        } else {
            DEMO_LOGIN
        };
        (login == expected).then_some(uid)
    }

    pub(crate) fn password_ok(&self, uid: i64, secret: &str) -> bool {
        self.key_uid(secret) == Some(uid)
    }

    pub(crate) fn common_version(&self) -> Value {
        let version = format!("{}.0", self.major);
        json!({
            "server_version": version,
            "server_version_info": [self.major, 0, 0, "final", 0, ""],
            "server_serie": version,
            "protocol_version": 1,
        })
    }

    fn record(&self, kind: &str, model: &str, method: &str, context: Value) {
        lock(&self.log).push(LoggedRequest {
            kind: kind.into(),
            model: model.into(),
            method: method.into(),
            context,
        });
    }

    fn next_action(&self) -> Action {
        lock(&self.fault)
            .as_mut()
            .map_or(Action::Normal, Fault::next_action)
    }
}

/// Where a request goes.
enum Route {
    Json2 {
        model: String,
        method: String,
    },
    Json2BadPath,
    XmlRpc {
        service: String,
        call: xmlrpc::XmlCall,
    },
    XmlRpcBad {
        detail: String,
    },
    Version,
    Other,
}

fn classify(method: &Method, path: &str, body: &[u8]) -> Route {
    if let Some(rest) = path.strip_prefix("/json/2/") {
        let parts: Vec<&str> = rest.split('/').collect();
        return match parts.as_slice() {
            [model, name] if method == Method::POST && !model.is_empty() && !name.is_empty() => {
                Route::Json2 {
                    model: (*model).to_string(),
                    method: (*name).to_string(),
                }
            }
            _ => Route::Json2BadPath,
        };
    }
    if path == "/json/2" {
        return Route::Json2BadPath;
    }
    if let Some(service) = path.strip_prefix("/xmlrpc/2/") {
        return match xmlrpc::parse_call(body) {
            Ok(call) => Route::XmlRpc {
                service: service.to_string(),
                call,
            },
            Err(detail) => Route::XmlRpcBad { detail },
        };
    }
    match path {
        "/web/version" | "/json/version" => Route::Version,
        _ => Route::Other,
    }
}

async fn handle(
    State(app): State<Arc<App>>,
    ConnectInfo(conn): ConnectInfo<Conn>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 256 << 20)
        .await
        .unwrap_or_default();
    let route = classify(&parts.method, parts.uri.path(), &body);
    let json = matches!(route, Route::Json2 { .. } | Route::Json2BadPath);
    match &route {
        Route::Json2 { model, method } => {
            app.record("json2", model, method, json2::context_of(&body));
        }
        Route::XmlRpc { service, call } if service == "object" => {
            let (model, method, context) = xmlrpc::describe(call);
            app.record("xmlrpc", &model, &method, context);
        }
        Route::XmlRpc { call, .. } => app.record("xmlrpc-common", "", &call.name, Value::Null),
        Route::Version => app.record("web", "", "version", Value::Null),
        Route::Json2BadPath | Route::XmlRpcBad { .. } | Route::Other => {
            app.record("other", "", parts.uri.path(), Value::Null);
        }
    }
    let truncated = match app.next_action() {
        Action::Normal => false,
        Action::Delay(delay) => {
            tokio::time::sleep(delay).await;
            false
        }
        Action::Status(status) => return faults::status_response(status, json),
        Action::Html => return faults::html_page(),
        Action::Truncated => true,
        Action::Drop => {
            conn.kill();
            return ().into_response();
        }
    };
    let response = match route {
        // Below 19 (as a real Odoo 18 answers): no JSON/2 and no GET /web/version.
        Route::Json2 { .. } | Route::Json2BadPath if app.major < 19 => {
            json2::login_redirect(parts.uri.path())
        }
        Route::Version if app.major < 19 && parts.uri.path() == "/web/version" => {
            json2::html_not_found()
        }
        Route::Version if app.major < 19 => json2::login_redirect(parts.uri.path()),
        Route::Json2 { model, method } => {
            json2::handle(&app, &model, &method, &parts.headers, &body)
        }
        Route::Json2BadPath => json2::error_response(&OdooError::BadRoute),
        Route::XmlRpc { service, call } => xmlrpc::handle(&app, &service, call),
        Route::XmlRpcBad { detail } => xmlrpc::fault_response(&OdooError::type_error(format!(
            "bad XML-RPC call: {detail}"
        ))),
        Route::Version => json2::version_response(app.major),
        Route::Other => json2::html_not_found(),
    };
    if truncated {
        faults::truncate(response).await
    } else {
        response
    }
}

/// An Odoo server double on `127.0.0.1:<random port>`. Stops when dropped.
pub struct OdooDouble {
    app: Arc<App>,
    addr: SocketAddr,
    server: JoinHandle<()>,
}

impl std::fmt::Debug for OdooDouble {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OdooDouble")
            .field("url", &self.url())
            .field("version", &self.app.major)
            .finish_non_exhaustive()
    }
}

impl OdooDouble {
    /// An Odoo 19 double, seeded from the fixtures.
    ///
    /// # Panics
    /// When the fixtures are missing or no local port can be bound (tests only).
    pub async fn start() -> OdooDouble {
        Self::start_with_version(19).await
    }

    /// A double that reports major version `major`; below 19, as a real Odoo 18 answers:
    /// `/json/2/...` and `/json/version` redirect to the login page, `GET /web/version` is 404.
    ///
    /// # Panics
    /// As [`OdooDouble::start`].
    pub async fn start_with_version(major: u32) -> OdooDouble {
        let app = Arc::new(App {
            major,
            store: Mutex::new(Store::for_version(major)),
            fault: Mutex::new(None),
            log: Mutex::new(Vec::new()),
            admin_revoked: AtomicBool::new(false),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("Odoo test double: cannot bind 127.0.0.1:0: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("Odoo test double: no local address: {e}"));
        let router = Router::new().fallback(handle).with_state(app.clone());
        let server = tokio::spawn(async move {
            let service = router.into_make_service_with_connect_info::<Conn>();
            // Only fails if the listener breaks; the test then sees Unreachable errors.
            let _ = axum::serve(KillableListener(listener), service).await;
        });
        OdooDouble { app, addr, server }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn db(&self) -> &'static str {
        DB
    }

    /// The admin's API key (uid 2); also its XML-RPC password.
    pub fn api_key(&self) -> &'static str {
        ADMIN_KEY
    }

    pub fn login(&self) -> &'static str {
        ADMIN_LOGIN
    }

    /// The demo user's API key (uid 5, login `demo`): a plain user.
    pub fn demo_api_key(&self) -> &'static str {
        DEMO_KEY
    }

    /// JSON/2 with the admin key.
    pub fn config_json2(&self) -> odoo_client::Config {
        odoo_client::Config::new(self.url())
            .db(DB)
            .api_key(ADMIN_KEY)
            .api_version(odoo_client::ApiVersion::Json2)
    }

    /// XML-RPC as `admin` with the admin key.
    pub fn config_xmlrpc(&self) -> odoo_client::Config {
        odoo_client::Config::new(self.url())
            .db(DB)
            .user(ADMIN_LOGIN)
            .api_key(ADMIN_KEY)
            .api_version(odoo_client::ApiVersion::XmlRpc)
    }

    /// `auto`: db, login and key, so the client may pick either API.
    pub fn config_auto(&self) -> odoo_client::Config {
        odoo_client::Config::new(self.url())
            .db(DB)
            .user(ADMIN_LOGIN)
            .api_key(ADMIN_KEY)
            .api_version(odoo_client::ApiVersion::Auto)
    }

    /// Applies `fault` to every following request until cleared with `None`.
    pub fn set_fault(&self, fault: Option<Fault>) {
        *lock(&self.app.fault) = fault;
    }

    /// Every request seen, in order: `(kind, model, method)` (see the module docs).
    pub fn requests(&self) -> Vec<(String, String, String)> {
        lock(&self.app.log)
            .iter()
            .map(|r| (r.kind.clone(), r.model.clone(), r.method.clone()))
            .collect()
    }

    /// The `context` each request carried (`null` when none), parallel to [`Self::requests`].
    pub fn request_contexts(&self) -> Vec<Value> {
        lock(&self.app.log)
            .iter()
            .map(|r| r.context.clone())
            .collect()
    }

    pub fn request_count(&self) -> usize {
        lock(&self.app.log).len()
    }

    pub fn clear_requests(&self) {
        lock(&self.app.log).clear();
    }

    /// Current records of a model with every stored field and `display_name`, by id.
    pub fn records(&self, model: &str) -> Vec<Value> {
        self.app.store().dump(model)
    }

    /// From now on every call of `method` fails with an access error (e.g.
    /// `onchange`, which Odoo guards with the model's create access).
    pub fn refuse_method(&self, method: &str) {
        self.app.store().refuse(method);
    }

    /// From now on the admin key is refused (JSON/2 401, XML-RPC `Access Denied`).
    pub fn revoke_api_key(&self) {
        self.app.admin_revoked.store(true, Ordering::SeqCst);
    }
}

impl Drop for OdooDouble {
    fn drop(&mut self) {
        self.server.abort();
    }
}
