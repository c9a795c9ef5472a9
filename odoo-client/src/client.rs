//! [`OdooClient`]: the high-level API over either transport.

use std::sync::Arc;

use serde_json::{Map, Value, json};
use tokio::sync::OnceCell;
use tracing::Instrument;

use crate::config::{ApiVersion, Config};
use crate::domain::Domain;
use crate::error::{Error, Result};
use crate::transport::http::Http;
use crate::transport::{
    Call, Json2Transport, Transport, XmlRpcTransport, common_version, web_version,
};
use crate::value::RecordId;

pub use crate::transport::ServerVersion;

/// One record as Odoo returns it: field name → value.
pub type Record = Map<String, Value>;

/// Options of a search: fields, paging, order, extra context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchOptions {
    /// Fields to read; empty reads every field (for `search_read`).
    pub fields: Vec<String>,
    pub limit: Option<u64>,
    pub offset: Option<u64>,
    /// Odoo `order` clause, e.g. `name asc, id desc`.
    pub order: Option<String>,
    /// Extra context merged over the client's (e.g. `lang`, `active_test`).
    pub context: Option<Map<String, Value>>,
}

impl SearchOptions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.fields = fields.into_iter().map(Into::into).collect();
        self
    }

    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = Some(limit);
        self
    }

    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    pub fn order(mut self, order: impl Into<String>) -> Self {
        self.order = Some(order.into());
        self
    }

    pub fn context(mut self, context: Map<String, Value>) -> Self {
        self.context = Some(context);
        self
    }
}

enum AnyTransport {
    Json2(Json2Transport),
    XmlRpc(XmlRpcTransport),
}

impl AnyTransport {
    async fn execute(&self, call: &Call<'_>, idempotent: bool) -> Result<Value> {
        match self {
            AnyTransport::Json2(t) => t.execute(call, idempotent).await,
            AnyTransport::XmlRpc(t) => t.execute(call, idempotent).await,
        }
    }

    async fn version(&self) -> Result<ServerVersion> {
        match self {
            AnyTransport::Json2(t) => t.version().await,
            AnyTransport::XmlRpc(t) => t.version().await,
        }
    }

    fn kind(&self) -> ApiVersion {
        match self {
            AnyTransport::Json2(_) => ApiVersion::Json2,
            AnyTransport::XmlRpc(_) => ApiVersion::XmlRpc,
        }
    }
}

struct Inner {
    config: Config,
    /// The one connection pool, shared by the transport and version probes.
    http: Http,
    transport: OnceCell<AnyTransport>,
    version: OnceCell<ServerVersion>,
}

/// An Odoo connection. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct OdooClient {
    inner: Arc<Inner>,
    /// Companies this handle acts in instead of the configured ones ([`Self::in_company`]).
    companies: Option<Arc<[RecordId]>>,
}

impl std::fmt::Debug for OdooClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OdooClient")
            .field("url", &self.inner.config.url)
            .field("db", &self.inner.config.db)
            .field("api_version", &self.inner.config.api_version)
            .finish()
    }
}

/// Methods that only read, so a failed attempt may be retried.
fn is_read_method(method: &str) -> bool {
    matches!(
        method,
        "search_read"
            | "search"
            | "search_count"
            | "read"
            | "fields_get"
            | "name_search"
            | "read_group"
            | "formatted_read_group"
            | "web_search_read"
            | "default_get"
            | "has_access"
            | "check_access_rights"
            | "context_get"
    )
}

impl OdooClient {
    /// Validates the config; makes no request (the transport is chosen on first use).
    pub fn new(config: Config) -> Result<Self> {
        config.validate()?;
        let http = Http::new(&config)?;
        Self::build(config, http, OnceCell::new())
    }

    /// A client that knows where Odoo is but holds no credentials: it asks the
    /// server's version, and makes [`Self::with_credentials`] clients on its pool
    /// (a server where each caller brings their own API key). Its calls fail.
    pub fn without_credentials(mut config: Config) -> Result<Self> {
        config.api_key = None;
        config.password = None;
        config.validate_address()?;
        let http = Http::new(&config)?;
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                transport: OnceCell::new(),
                version: OnceCell::new(),
            }),
            companies: None,
        })
    }

    /// A client on the same connection pool acting as someone else: `api_key`,
    /// with `user` (the login XML-RPC needs). The server's version carries over
    /// once known, so the new client asks nothing before its first call.
    pub fn with_credentials(&self, user: Option<String>, api_key: crate::Secret) -> Result<Self> {
        let mut config = self.inner.config.clone();
        config.user = user;
        config.api_key = Some(api_key);
        config.password = None;
        config.validate()?;
        let version = OnceCell::new_with(self.inner.version.get().cloned());
        Self::build(config, self.inner.http.clone(), version)
    }

    fn build(config: Config, http: Http, version: OnceCell<ServerVersion>) -> Result<Self> {
        // A fixed API version needs no question to the server: build it now.
        let transport = match config.api_version {
            ApiVersion::Json2 => OnceCell::new_with(Some(AnyTransport::Json2(
                Json2Transport::new(&config, http.clone())?,
            ))),
            ApiVersion::XmlRpc => OnceCell::new_with(Some(AnyTransport::XmlRpc(
                XmlRpcTransport::new(&config, http.clone())?,
            ))),
            ApiVersion::Auto => OnceCell::new(),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                http,
                transport,
                version,
            }),
            companies: None,
        })
    }

    /// A handle on the same connection whose calls act in `company` alone
    /// (`allowed_company_ids: [company]`): what it reads and what it creates
    /// belong to that company. Odoo refuses a company the user is not in.
    pub fn in_company(&self, company: RecordId) -> Self {
        Self {
            inner: self.inner.clone(),
            companies: Some(Arc::from([company])),
        }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    async fn transport(&self) -> Result<&AnyTransport> {
        self.inner
            .transport
            .get_or_try_init(|| async {
                let config = &self.inner.config;
                let http = self.inner.http.clone();
                let version = self.version().await?;
                let api = ApiVersion::auto(
                    version.major,
                    config.api_key.is_some(),
                    config.user.is_some(),
                );
                Ok(if api == ApiVersion::Json2 {
                    AnyTransport::Json2(Json2Transport::new(config, http)?)
                } else {
                    AnyTransport::XmlRpc(XmlRpcTransport::new(config, http)?)
                })
            })
            .await
    }

    /// The API in use (`Json2` or `XmlRpc`), resolving `Auto` if needed.
    pub async fn api_version(&self) -> Result<ApiVersion> {
        Ok(self.transport().await?.kind())
    }

    /// The server's version, asked once and cached.
    pub async fn version(&self) -> Result<ServerVersion> {
        self.inner
            .version
            .get_or_try_init(|| async {
                if let Some(transport) = self.inner.transport.get() {
                    return transport.version().await;
                }
                // `/web/version` (JSON, Odoo 16+) first, XML-RPC `common.version` below that.
                match web_version(&self.inner.http).await {
                    Ok(version) => Ok(version),
                    Err(e) if e.is_transport() => Err(e),
                    Err(_) => common_version(&self.inner.http).await,
                }
            })
            .await
            .cloned()
    }

    fn context(&self, extra: Option<&Map<String, Value>>) -> Option<Map<String, Value>> {
        let mut context = Map::new();
        if let Some(lang) = &self.inner.config.lang {
            context.insert("lang".into(), Value::String(lang.clone()));
        }
        if let Some(extra) = extra {
            context.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        // The companies this client acts in win over a caller's context: a
        // context from outside (a wizard's) cannot widen them.
        let companies = self
            .companies
            .as_deref()
            .unwrap_or(&self.inner.config.allowed_companies);
        if !companies.is_empty() {
            context.insert(
                "allowed_company_ids".into(),
                Value::from(companies.to_vec()),
            );
        }
        (!context.is_empty()).then_some(context)
    }

    /// Runs `model.method` with records `ids` and keyword arguments.
    pub async fn execute(
        &self,
        model: &str,
        method: &str,
        ids: Option<&[RecordId]>,
        kwargs: Map<String, Value>,
        context: Option<&Map<String, Value>>,
    ) -> Result<Value> {
        let call = Call {
            model,
            method,
            ids,
            kwargs,
            context: self.context(context),
        };
        // `instrument`, not `enter`: an entered guard held across `.await` leaks the span
        // into whatever else runs on this thread meanwhile.
        let span = tracing::debug_span!("odoo", model, method);
        async {
            self.transport()
                .await?
                .execute(&call, is_read_method(method))
                .await
        }
        .instrument(span)
        .await
    }

    /// The raw call: positional `args` and keyword `kwargs`, as with XML-RPC `execute_kw`.
    ///
    /// JSON/2 takes named arguments only, so there the only positional argument
    /// accepted is a first list of record ids.
    pub async fn call(
        &self,
        model: &str,
        method: &str,
        args: Vec<Value>,
        kwargs: Map<String, Value>,
    ) -> Result<Value> {
        let mut args = args.into_iter();
        let ids = match args.next() {
            None => None,
            Some(first) => Some(serde_json::from_value::<Vec<RecordId>>(first).map_err(|_| {
                Error::InvalidRequest(
                    "the first positional argument must be a list of record ids; pass other arguments by name in kwargs"
                        .into(),
                )
            })?),
        };
        if args.next().is_some() {
            return Err(Error::InvalidRequest(
                "only record ids may be positional; pass every other argument by name in kwargs"
                    .into(),
            ));
        }
        let context = match kwargs.get("context") {
            Some(Value::Object(c)) => Some(c.clone()),
            _ => None,
        };
        let mut kwargs = kwargs;
        kwargs.remove("context");
        self.execute(model, method, ids.as_deref(), kwargs, context.as_ref())
            .await
    }

    pub async fn search_read(
        &self,
        model: &str,
        domain: &Domain,
        options: &SearchOptions,
    ) -> Result<Vec<Record>> {
        let mut kwargs = search_kwargs(domain, options);
        if !options.fields.is_empty() {
            kwargs.insert("fields".into(), json!(options.fields));
        }
        let value = self
            .execute(model, "search_read", None, kwargs, options.context.as_ref())
            .await?;
        decode(value, "search_read")
    }

    pub async fn search(
        &self,
        model: &str,
        domain: &Domain,
        options: &SearchOptions,
    ) -> Result<Vec<RecordId>> {
        let kwargs = search_kwargs(domain, options);
        let value = self
            .execute(model, "search", None, kwargs, options.context.as_ref())
            .await?;
        decode(value, "search")
    }

    pub async fn search_count(&self, model: &str, domain: &Domain) -> Result<u64> {
        let mut kwargs = Map::new();
        kwargs.insert("domain".into(), domain.to_value());
        let value = self
            .execute(model, "search_count", None, kwargs, None)
            .await?;
        decode(value, "search_count")
    }

    /// Reads `ids`; an empty `fields` reads every field. Missing ids are left out (as Odoo does).
    pub async fn read(
        &self,
        model: &str,
        ids: &[RecordId],
        fields: &[&str],
    ) -> Result<Vec<Record>> {
        let mut kwargs = Map::new();
        if !fields.is_empty() {
            kwargs.insert("fields".into(), json!(fields));
        }
        let value = self.execute(model, "read", Some(ids), kwargs, None).await?;
        decode(value, "read")
    }

    /// Creates one record per value map, in one call (one transaction); returns the new ids.
    pub async fn create(
        &self,
        model: &str,
        values: &[Map<String, Value>],
    ) -> Result<Vec<RecordId>> {
        let mut kwargs = Map::new();
        kwargs.insert("vals_list".into(), json!(values));
        let value = self.execute(model, "create", None, kwargs, None).await?;
        // JSON/2 returns a list of ids; XML-RPC a list too (or one id for a single dict).
        match value {
            Value::Number(_) => decode::<RecordId>(value, "create").map(|id| vec![id]),
            other => decode(other, "create"),
        }
    }

    pub async fn write(
        &self,
        model: &str,
        ids: &[RecordId],
        values: &Map<String, Value>,
    ) -> Result<bool> {
        let mut kwargs = Map::new();
        kwargs.insert("vals".into(), Value::Object(values.clone()));
        let value = self
            .execute(model, "write", Some(ids), kwargs, None)
            .await?;
        decode(value, "write")
    }

    pub async fn unlink(&self, model: &str, ids: &[RecordId]) -> Result<bool> {
        let value = self
            .execute(model, "unlink", Some(ids), Map::new(), None)
            .await?;
        decode(value, "unlink")
    }

    /// Field definitions; empty `attributes` asks for all of them.
    pub async fn fields_get(&self, model: &str, attributes: &[&str]) -> Result<Map<String, Value>> {
        let mut kwargs = Map::new();
        if !attributes.is_empty() {
            kwargs.insert("attributes".into(), json!(attributes));
        }
        let value = self
            .execute(model, "fields_get", None, kwargs, None)
            .await?;
        decode(value, "fields_get")
    }

    /// The names in `wanted` that `model` lacks on this instance, asked of `fields_get`:
    /// code written for another version or database may name fields this one has not.
    pub async fn missing_fields<'a>(
        &self,
        model: &str,
        wanted: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<&'a str>> {
        let present = self.fields_get(model, &["type"]).await?;
        Ok(wanted
            .into_iter()
            .filter(|f| !present.contains_key(*f))
            .collect())
    }

    /// `(id, display name)` pairs whose name matches.
    pub async fn name_search(
        &self,
        model: &str,
        name: &str,
        domain: &Domain,
        limit: Option<u64>,
    ) -> Result<Vec<(RecordId, String)>> {
        let mut kwargs = Map::new();
        kwargs.insert("name".into(), Value::String(name.to_string()));
        if !domain.is_empty() {
            kwargs.insert("domain".into(), domain.to_value());
        }
        if let Some(limit) = limit {
            kwargs.insert("limit".into(), json!(limit));
        }
        let value = self
            .execute(model, "name_search", None, kwargs, None)
            .await?;
        decode(value, "name_search")
    }
}

fn search_kwargs(domain: &Domain, options: &SearchOptions) -> Map<String, Value> {
    let mut kwargs = Map::new();
    kwargs.insert("domain".into(), domain.to_value());
    if let Some(limit) = options.limit {
        kwargs.insert("limit".into(), json!(limit));
    }
    if let Some(offset) = options.offset.filter(|o| *o > 0) {
        kwargs.insert("offset".into(), json!(offset));
    }
    if let Some(order) = &options.order {
        kwargs.insert("order".into(), Value::String(order.clone()));
    }
    kwargs
}

pub(crate) fn decode<T: serde::de::DeserializeOwned>(value: Value, context: &str) -> Result<T> {
    serde_json::from_value(value).map_err(|source| Error::Decode {
        context: context.to_string(),
        source,
    })
}
