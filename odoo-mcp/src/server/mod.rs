//! The MCP server: `tools/list` from the tool [`Catalog`], `tools/call` through
//! the front door ([`front`]: the call decoded once), the confirmation
//! ([`confirm`]) and the audit line ([`audit`]) to the tool's handler; resources
//! and completions. It reaches Odoo only through [`Odoo`].

use std::sync::{Arc, OnceLock};

use odoo_client::OdooClient;
use odoo_client::registry::ModelDescriptor;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    ContentBlock, Extensions, Implementation, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value};

use crate::error::ToolError;
use crate::odoo::Odoo;
use crate::odoo::identity::{Caller, Identities};
use crate::settings::{Access, Confirm, Identity, Settings};
use crate::tools::{Answer, Catalog, Shape};

mod apps;
pub(crate) mod audit;
mod caller;
mod confirm;
pub(crate) mod enrollment;
mod front;
mod resources;

use audit::Who;
pub use caller::Principal;
use enrollment::Enrollment;

use front::{Ready, Refused};

/// The Odoo MCP server. Cheap to clone: the HTTP transport makes one per session,
/// and with `ODOO_MCP_IDENTITY=odoo-key` each call acts through its caller's clone.
#[derive(Clone)]
pub struct OdooMcp {
    inner: Arc<Inner>,
    /// The Odoo this server acts through: the service account's, or a caller's.
    odoo: Arc<Odoo>,
    /// The verified caller `odoo` acts as, with odoo-key.
    caller: Option<Arc<Caller>>,
}

struct Inner {
    catalog: OnceLock<Catalog>,
    audit: Option<audit::AuditLog>,
    /// Callers' keys and what Odoo told each user (odoo-key and oauth).
    identities: Option<Arc<Identities>>,
    /// The key store and enrollment links (oauth; set once the store is open).
    enrollment: OnceLock<Arc<Enrollment>>,
}

/// Why a request does not act as anyone yet.
enum NotActing {
    Error(ErrorData),
    /// oauth: this subject has no usable Odoo key.
    Enroll(String),
}

impl OdooMcp {
    /// Makes no request: Odoo is first asked at the first tool call.
    pub fn new(
        config: odoo_client::Config,
        settings: Settings,
        models: &'static [ModelDescriptor],
    ) -> Result<Self, odoo_client::Error> {
        let audit = settings.audit_log.clone().map(audit::AuditLog::start);
        let (odoo, identities) = match settings.identity {
            Identity::OdooKey | Identity::OAuth => {
                let base = Arc::new(Odoo::without_credentials(config, settings, models)?);
                (base.clone(), Some(Arc::new(Identities::new(base))))
            }
            Identity::Service => (Arc::new(Odoo::new(config, settings, models)?), None),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                catalog: OnceLock::new(),
                audit,
                identities,
                enrollment: OnceLock::new(),
            }),
            odoo,
            caller: None,
        })
    }

    /// The resolver from callers' credentials to Odoo users, with odoo-key
    /// (the HTTP transport checks every request with it).
    pub(crate) fn identities(&self) -> Option<&Arc<Identities>> {
        self.inner.identities.as_ref()
    }

    /// oauth: the key store and enrollment links, once the store is open.
    pub(crate) fn set_enrollment(&self, enrollment: Arc<Enrollment>) {
        let _ = self.inner.enrollment.set(enrollment);
    }

    fn enrollment(&self) -> Option<&Arc<Enrollment>> {
        self.inner.enrollment.get()
    }

    /// This server as the caller of a request acts: with odoo-key, through the
    /// caller the HTTP transport verified; with oauth, through the key the
    /// store keeps for the token's subject; else as it is.
    async fn acting(&self, extensions: &Extensions) -> Result<(Self, Who), NotActing> {
        let subject = caller::subject(extensions);
        let Some(identities) = self.identities() else {
            return Ok((self.clone(), Who::subject(subject)));
        };
        let found = match (self.enrollment(), &subject) {
            (Some(enrollment), Some(subject)) => enrollment
                .caller(identities, subject)
                .await
                .map_err(NotActing::Error)?
                .ok_or_else(|| NotActing::Enroll(subject.clone()))?,
            (Some(_), None) => {
                return Err(NotActing::Error(ErrorData::invalid_request(
                    "no OAuth subject on this request",
                    None,
                )));
            }
            (None, _) => caller::odoo_caller(extensions).ok_or_else(|| {
                NotActing::Error(ErrorData::invalid_request(
                    "no Odoo identity on this request: send your Odoo API key in the Authorization header",
                    None,
                ))
            })?,
        };
        let who = Who {
            subject,
            odoo_uid: Some(found.person.uid),
            odoo_login: Some(found.person.login.clone()),
        };
        let server = Self {
            inner: self.inner.clone(),
            odoo: found.odoo.clone(),
            caller: Some(found),
        };
        Ok((server, who))
    }

    pub fn settings(&self) -> &Settings {
        self.odoo.settings()
    }

    /// The Odoo connection (the HTTP transport's health probe asks it).
    pub(crate) fn client(&self) -> &OdooClient {
        self.odoo.client()
    }

    fn odoo(&self) -> &Odoo {
        &self.odoo
    }

    /// An error as a client or a log may see it: secrets scrubbed.
    pub(crate) fn render(&self, error: &ToolError) -> String {
        self.odoo().render(error)
    }

    fn catalog(&self) -> &Catalog {
        self.inner.catalog.get_or_init(|| {
            let settings = self.settings();
            Catalog::build(self.odoo().models(), settings, Shape::of(settings))
        })
    }

    /// Every tool `tools/list` shows.
    pub fn tools(&self) -> Vec<rmcp::model::Tool> {
        self.catalog().listed().to_vec()
    }

    /// Runs one tool call; failures become `isError` results with a readable message.
    pub async fn call(&self, name: &str, arguments: Option<Map<String, Value>>) -> CallToolResult {
        self.call_as(name, arguments, None).await
    }

    /// [`Self::call`] for `subject` (the OAuth subject of the HTTP request, if any):
    /// write tools get an audit line (`ODOO_MCP_AUDIT_LOG`).
    pub async fn call_as(
        &self,
        name: &str,
        arguments: Option<Map<String, Value>>,
        subject: Option<&str>,
    ) -> CallToolResult {
        let who = Who::subject(subject.map(str::to_string));
        match self.prepare(name, arguments).await {
            Ok(ready) => self.execute(ready, &who, false).await,
            Err(refused) => self.refuse(refused, &who).await,
        }
    }

    /// Runs a decoded call, with its audit line.
    /// `apps`: the client shows MCP Apps views, which get what they need
    /// beyond the answer in its `_meta`.
    async fn execute(&self, ready: Ready<'_>, who: &Who, apps: bool) -> CallToolResult {
        let pending = self
            .inner
            .audit
            .as_ref()
            .and_then(|log| log.begin(&ready.audit()));
        let outcome = self.run(&ready).await;
        if let Some(pending) = pending {
            pending.finish(who, &outcome, self.odoo().secrets());
        }
        match outcome {
            Ok(answer) => {
                let meta = match apps {
                    true => self.card_meta(&ready, &answer.value).await,
                    false => None,
                };
                let mut result = CallToolResult::structured(answer.value);
                result.meta = meta;
                result
            }
            Err(error) => {
                self.forget_refused_key(&error, who).await;
                tracing::debug!(tool = %ready.entry.tool.name, %error, "tool call failed");
                CallToolResult::error(vec![ContentBlock::text(self.render(&error))])
            }
        }
    }

    /// Odoo refused the caller's key mid-call (revoked): forget it, so that the
    /// next request asks Odoo again and gets its 401 without waiting for the TTL.
    /// With oauth the stored key is dropped too, so enrollment is asked again.
    async fn forget_refused_key(&self, error: &ToolError, who: &Who) {
        if let (ToolError::Odoo(odoo_client::Error::Authentication(_)), Some(caller), Some(ids)) =
            (error, &self.caller, self.identities())
        {
            ids.forget(caller);
            if let (Some(enrollment), Some(subject)) = (self.enrollment(), &who.subject) {
                enrollment.drop_key(subject).await;
            }
        }
    }

    /// A request that acts as no one, as a protocol error (resources, completions).
    async fn not_acting(&self, not: NotActing) -> ErrorData {
        let (subject, enrollment) = match (not, self.enrollment()) {
            (NotActing::Error(error), _) => return error,
            (NotActing::Enroll(subject), Some(enrollment)) => (subject, enrollment),
            (NotActing::Enroll(_), None) => {
                return ErrorData::internal_error("no key store", None);
            }
        };
        match enrollment.link(&subject).await {
            Ok(link) => ErrorData::invalid_request(
                format!(
                    "this server has no Odoo API key of yours yet: open {link} to connect your Odoo account"
                ),
                None,
            ),
            Err(error) => ErrorData::internal_error(error.to_string(), None),
        }
    }

    /// [`Self::acting`], a request that acts as no one being a protocol error.
    async fn acting_or_error(&self, extensions: &Extensions) -> Result<(Self, Who), ErrorData> {
        match self.acting(extensions).await {
            Ok(found) => Ok(found),
            Err(not) => Err(self.not_acting(not).await),
        }
    }

    /// A call refused before it ran, with its audit line.
    async fn refuse(&self, refused: Refused, who: &Who) -> CallToolResult {
        let Refused { audit, error } = refused;
        self.forget_refused_key(&error, who).await;
        let tool = audit.as_ref().map(|line| line.tool.as_str());
        tracing::debug!(tool, %error, "tool call refused");
        let text = self.render(&error);
        if let Some(pending) = self
            .inner
            .audit
            .as_ref()
            .and_then(|log| log.begin(audit.as_ref()?))
        {
            pending.finish(who, &Err(error), self.odoo().secrets());
        }
        CallToolResult::error(vec![ContentBlock::text(text)])
    }

    /// A call without confirmation nor audit (resources read through tools).
    async fn dispatch(&self, name: &str, args: Map<String, Value>) -> Result<Value, ToolError> {
        let ready = self.prepare(name, Some(args)).await.map_err(|r| r.error)?;
        Ok(self.run(&ready).await?.value)
    }

    /// The handler; when Odoo refuses a field of the generated code, the server
    /// learns which ones this instance lacks and runs it once more without them.
    async fn run(&self, ready: &Ready<'_>) -> Result<Answer, ToolError> {
        let odoo = self.odoo();
        let call = ready.call();
        let mut outcome = ready.args.run(odoo, &call).await;
        let Some(target) = call.target else {
            return outcome;
        };
        if let Err(ToolError::Odoo(error)) = &outcome
            && error.invalid_field().is_some()
            && odoo.learn_absent(target).await
        {
            outcome = ready.args.run(odoo, &call).await;
        }
        match outcome {
            Ok(value) => Ok(value),
            Err(error) => Err(odoo.explain_model_error(error, target.name).await),
        }
    }
}

impl ServerHandler for OdooMcp {
    fn get_info(&self) -> ServerConfig {
        let access = match self.settings().access {
            Access::Standard => "generated models and ODOO_MCP_MODELS, read and write",
            Access::ReadOnly => "every model, read-only",
            Access::Full => "every model, read and write",
        };
        let mut capabilities = ServerCapabilities::builder()
            .enable_completions()
            .enable_resources()
            .enable_tools()
            .build();
        // MCP Apps: the ui:// views the tools link (tools/list is the same either way).
        capabilities.extensions = Some([apps::extension()].into());
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new("odoo-mcp", env!("CARGO_PKG_VERSION"))
                    .with_title("Odoo"),
            )
            .with_instructions(format!(
                "Odoo ERP tools ({access}). Use typed <model>_search/_get tools when one exists, else search_records; list_models shows the models. Searches return compact default fields unless `fields` is given."
            ))
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, ErrorData> {
        Ok(ListResourcesResult::with_all_items(self.resources()))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, ErrorData> {
        Ok(ListResourceTemplatesResult::with_all_items(
            self.resource_templates(),
        ))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let (server, _) = self.acting_or_error(&context.extensions).await?;
        let contents = server.read_resource_json(&request.uri).await?;
        Ok(ReadResourceResult::new(vec![contents]).into())
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        let (server, _) = self.acting_or_error(&context.extensions).await?;
        server.complete_argument(&request).await
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let acting = match self.acting(&context.extensions).await {
            Err(NotActing::Enroll(subject)) => {
                let Some(enrollment) = self.enrollment() else {
                    return Err(ErrorData::internal_error("no key store", None));
                };
                if let Err(response) = enrollment.ask(&subject, &context).await {
                    return Ok(response);
                }
                // Enrolled meanwhile: the call runs as that person.
                self.acting(&context.extensions).await
            }
            other => other,
        };
        let (server, who) = match acting {
            Ok(found) => found,
            Err(not) => return Err(self.not_acting(not).await),
        };
        server.call_tool_as(request, &context, &who).await
    }
}

impl OdooMcp {
    /// `tools/call` once the server acts as its caller.
    async fn call_tool_as(
        &self,
        mut request: CallToolRequestParams,
        context: &RequestContext<RoleServer>,
        who: &Who,
    ) -> Result<CallToolResponse, ErrorData> {
        // The confirmation binds its answer to the arguments as sent: kept only when it may ask.
        let arguments = if self.settings().confirm == Confirm::Off {
            request.arguments.take()
        } else {
            request.arguments.clone()
        };
        let mut ready = match self.prepare(&request.name, arguments).await {
            Ok(ready) => ready,
            Err(refused) => return Ok(self.refuse(refused, who).await.into()),
        };
        if let Err(response) = self.confirm(&mut ready, &request, context).await {
            return Ok(match response {
                confirm::Stop::Ask(response) => response,
                confirm::Stop::Refused(message) => self
                    .refuse(
                        Refused {
                            audit: Some(ready.audit()),
                            error: ToolError::Refused(message),
                        },
                        who,
                    )
                    .await
                    .into(),
            });
        }
        let apps = apps::shows_apps(context);
        Ok(self.execute(ready, who, apps).await.into())
    }
}

impl std::fmt::Debug for OdooMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OdooMcp")
            .field("odoo", self.odoo())
            .field("caller", &self.caller)
            .finish()
    }
}
