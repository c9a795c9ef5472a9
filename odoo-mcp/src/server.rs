//! The MCP server: tools/list from the [`Catalog`], tools/call through the
//! checks (access, arguments, model, fields) to one Odoo request.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use odoo_client::registry::ModelDescriptor;
use odoo_client::{Error as OdooError, Missing, OdooClient};
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    ContentBlock, Implementation, ListResourceTemplatesResult, ListResourcesResult,
    ListToolsResult, PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Map, Value, json};

use crate::arguments;
use crate::domain_arg;
use crate::error::ToolError;
use crate::model_fields::{ModelFields, PerModel, TtlCache};
use crate::settings::{Access, Settings};
use crate::suggest::{close_matches, did_you_mean};
use crate::tools::shared::{CompanyId, ModelName};
use crate::tools::{Call, Catalog, Entry, Shape};

mod buttons;
mod companies;
pub(crate) mod confirm;
mod dry_run;
mod reads;
mod resources;
pub(crate) mod wizards;
mod writes;

pub use companies::Company;
pub(crate) use reads::{Links, normalize};

/// The Odoo MCP server. Cheap to clone: the HTTP transport makes one per session.
#[derive(Clone)]
pub struct OdooMcp {
    inner: Arc<Inner>,
}

struct Inner {
    client: OdooClient,
    settings: Settings,
    models: &'static [ModelDescriptor],
    catalog: OnceLock<Catalog>,
    descriptor_fields: PerModel<ModelFields>,
    /// Per generated model, what generic writes' values are checked against.
    value_schemas: PerModel<Map<String, Value>>,
    fields: TtlCache<ModelFields>,
    /// Per generated model, the fields this instance lacks; learned when Odoo first
    /// refuses one of them.
    absent: TtlCache<Vec<String>>,
    model_list: TtlCache<Vec<(String, String)>>,
    companies: TtlCache<Vec<Company>>,
    /// Per model, the columns of its default list view (empty: none to go by).
    list_columns: TtlCache<Vec<String>>,
    /// Per model, the fields and buttons of its default form view.
    forms: TtlCache<odoo_client::views::Form>,
    /// API key and password, scrubbed from every message as a last line of defence.
    secrets: Vec<String>,
    audit: Option<crate::audit::AuditLog>,
}

/// The model a call is about, and its generated descriptor if there is one.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub name: &'a str,
    pub descriptor: Option<&'static ModelDescriptor>,
}

impl OdooMcp {
    /// Makes no request: Odoo is first asked at the first tool call.
    pub fn new(
        config: odoo_client::Config,
        settings: Settings,
        models: &'static [ModelDescriptor],
    ) -> Result<Self, OdooError> {
        let secrets = [config.api_key.as_ref(), config.password.as_ref()]
            .into_iter()
            .flatten()
            .map(|s| s.expose().to_string())
            .filter(|s| s.len() >= 4)
            .collect();
        let client = OdooClient::new(config)?;
        let audit = settings
            .audit_log
            .clone()
            .map(crate::audit::AuditLog::start);
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                fields: TtlCache::new(settings.fields_ttl),
                absent: TtlCache::new(settings.fields_ttl),
                model_list: TtlCache::new(settings.fields_ttl),
                companies: TtlCache::new(settings.fields_ttl),
                list_columns: TtlCache::new(settings.fields_ttl),
                forms: TtlCache::new(settings.fields_ttl),
                settings,
                models,
                catalog: OnceLock::new(),
                descriptor_fields: PerModel::default(),
                value_schemas: PerModel::default(),
                secrets,
                audit,
            }),
        })
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The Odoo connection (the HTTP transport's health probe asks it).
    pub(crate) fn client(&self) -> &OdooClient {
        &self.inner.client
    }

    /// An error as a client or a log may see it: secrets scrubbed.
    pub(crate) fn render(&self, error: &ToolError) -> String {
        error.render(&self.inner.secrets)
    }

    fn catalog(&self) -> &Catalog {
        self.inner.catalog.get_or_init(|| {
            let settings = &self.inner.settings;
            Catalog::build(self.inner.models, settings, Shape::of(settings))
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
        let mut args = arguments.unwrap_or_default();
        self.coerce_arguments(name, &mut args);
        self.call_coerced(name, args, subject).await
    }

    /// [`Self::call_as`] once the arguments are coerced (`call_tool` does it before the
    /// confirmation question).
    async fn call_coerced(
        &self,
        name: &str,
        args: Map<String, Value>,
        subject: Option<&str>,
    ) -> CallToolResult {
        let audit = self.inner.audit.as_ref().and_then(|log| {
            let entry = self.catalog().get(name)?;
            log.begin(entry, &args)
        });
        let outcome = self.dispatch(name, args).await;
        if let Some(audit) = audit {
            audit.finish(subject, &outcome, &self.inner.secrets);
        }
        match outcome {
            Ok(value) => CallToolResult::structured(value),
            Err(error) => {
                tracing::debug!(tool = name, %error, "tool call failed");
                CallToolResult::error(vec![ContentBlock::text(error.render(&self.inner.secrets))])
            }
        }
    }

    /// Parses arguments sent as JSON text where the tool expects an array or
    /// object ([`arguments::coerce_json_strings`]), before anything reads them: the
    /// confirmation question, the audit line and the call itself.
    fn coerce_arguments(&self, name: &str, args: &mut Map<String, Value>) {
        if let Some(entry) = self.catalog().get(name) {
            arguments::coerce_json_strings(&entry.check_schema, args);
        }
    }

    /// The audit line of a write the confirmation step stopped (declined, or no way to ask).
    fn audit_unconfirmed(
        &self,
        request: &CallToolRequestParams,
        response: &CallToolResponse,
        subject: Option<&str>,
    ) {
        let (Some(log), Some(entry), CallToolResponse::Complete(result)) = (
            &self.inner.audit,
            self.catalog().get(&request.name),
            response,
        ) else {
            return;
        };
        let args = request.arguments.clone().unwrap_or_default();
        if result.is_error == Some(true)
            && let Some(pending) = log.begin(entry, &args)
        {
            let message: Vec<&str> = result
                .content
                .iter()
                .filter_map(|c| c.as_text().map(|t| t.text.as_str()))
                .collect();
            pending.refused(subject, &message.join(" "), &self.inner.secrets);
        }
    }

    async fn dispatch(&self, name: &str, mut args: Map<String, Value>) -> Result<Value, ToolError> {
        let catalog = self.catalog();
        let Some(entry) = catalog.get(name) else {
            return Err(ToolError::UnknownTool {
                name: name.to_string(),
                suggestion: did_you_mean(&close_matches(name, catalog.names(), 3)),
            });
        };
        if entry.effect().writes() && !self.inner.settings.access.allows_writes() {
            return Err(ToolError::ReadOnly {
                tool: name.to_string(),
            });
        }
        // The domain first: its own checker says where it is malformed. (A domain
        // sent as JSON text was parsed with the other arguments, in `call_as`.)
        if let Some(value) = args.get("domain") {
            let parsed = domain_arg::parse(value).map_err(ToolError::Domain)?;
            args.insert("domain".into(), parsed.value);
        }
        self.check_arguments(entry, &args)?;
        let args = entry.handler_args(args);
        if !entry.handler.on_model() {
            let call = Call {
                entry,
                target: None,
                client: self.inner.client.clone(),
            };
            return entry.handler.run(self, &call, args).await;
        }
        let model = ModelName::of(&args);
        let target = match entry.model {
            Some(descriptor) => Target {
                name: descriptor.model,
                descriptor: Some(descriptor),
            },
            None => self.resolve_model(&model.0)?,
        };
        let client = match CompanyId::of(&args).filter(|_| entry.handler.takes_company()) {
            Some(company) => self.company_client(company).await?,
            None => self.inner.client.clone(),
        };
        let call = Call {
            entry,
            target: Some(target),
            client,
        };
        let mut outcome = entry.handler.run(self, &call, args.clone()).await;
        // Odoo refused a field of the generated code: learn which ones this instance
        // lacks, then run once more without them (or refuse what names them).
        if let Err(ToolError::Odoo(error)) = &outcome
            && error.invalid_field().is_some()
            && self.learn_absent(target).await
        {
            outcome = entry.handler.run(self, &call, args).await;
        }
        match outcome {
            Ok(value) => Ok(value),
            Err(error) => Err(self.explain_model_error(error, target.name).await),
        }
    }

    /// The arguments against the tool's schema; a field the generated schema
    /// requires and this instance lacks is named as such.
    fn check_arguments(&self, entry: &Entry, args: &Map<String, Value>) -> Result<(), ToolError> {
        let Err(error) = arguments::check(&entry.check_schema, &Value::Object(args.clone())) else {
            return Ok(());
        };
        if let (arguments::ArgError::Missing { path, .. }, Some(descriptor)) = (&error, entry.model)
            && self
                .inner
                .absent
                .get(descriptor.model)
                .is_some_and(|absent| absent.iter().any(|a| a == path))
        {
            return Err(ToolError::Odoo(OdooError::SchemaMismatch {
                model: descriptor.model.to_string(),
                missing: vec![path.clone()],
            }));
        }
        Err(error.into())
    }

    /// Asks Odoo which fields of `target`'s generated descriptor it has; true when
    /// some are missing (and newly learned), so the call is worth running again.
    async fn learn_absent(&self, target: Target<'_>) -> bool {
        let Some(descriptor) = target.descriptor else {
            return false;
        };
        if self.inner.absent.get(target.name).is_some() {
            return false;
        }
        let names = descriptor.fields.iter().map(|f| f.name);
        let Ok(absent) = self.inner.client.missing_fields(target.name, names).await else {
            return false;
        };
        let absent: Vec<String> = absent.into_iter().map(str::to_string).collect();
        if !absent.is_empty() {
            tracing::warn!(
                model = target.name,
                ?absent,
                "the generated code has fields this Odoo lacks: regenerate with `cargo run -p odoo-codegen`"
            );
        }
        !self.inner.absent.insert(target.name, absent).is_empty()
    }

    /// Which models the current access level reaches without `ODOO_YOLO`.
    pub(crate) fn enabled_models(&self) -> BTreeSet<&str> {
        self.inner
            .models
            .iter()
            .map(|d| d.model)
            .chain(self.inner.settings.allowlist.iter().map(String::as_str))
            .collect()
    }

    fn resolve_model<'a>(&self, model: &'a str) -> Result<Target<'a>, ToolError> {
        let descriptor = self.inner.models.iter().find(|d| d.model == model);
        let enabled = self.enabled_models();
        if !crate::settings::is_model_name(model) {
            return Err(ToolError::UnknownModel {
                model: model.to_string(),
                suggestion: did_you_mean(&close_matches(model, enabled.iter().copied(), 3)),
            });
        }
        if self.inner.settings.access == Access::Standard && !enabled.contains(model) {
            let shown: Vec<&str> = enabled.iter().copied().take(30).collect();
            return Err(ToolError::ModelNotEnabled {
                model: model.to_string(),
                suggestion: did_you_mean(&close_matches(model, enabled.iter().copied(), 3)),
                enabled: if shown.is_empty() {
                    "none".into()
                } else {
                    shown.join(", ")
                },
            });
        }
        Ok(Target {
            name: model,
            descriptor,
        })
    }

    /// Turns Odoo's "no such model" into a message with close model names
    /// (the model list is fetched on this error path only, then cached).
    async fn explain_model_error(&self, error: ToolError, model: &str) -> ToolError {
        match error {
            ToolError::Odoo(OdooError::NotFound {
                what: Missing::Model,
                ..
            }) => {
                let suggestion = match self.model_list().await {
                    Ok(list) => did_you_mean(&close_matches(
                        model,
                        list.iter().map(|(m, _)| m.as_str()),
                        3,
                    )),
                    Err(_) => String::new(),
                };
                ToolError::UnknownModel {
                    model: model.to_string(),
                    suggestion,
                }
            }
            other => other,
        }
    }

    fn descriptor_fields(&self, descriptor: &ModelDescriptor) -> Option<Arc<ModelFields>> {
        self.inner
            .descriptor_fields
            .get_or_init(descriptor.model, || {
                Some(ModelFields::from_descriptor(descriptor))
            })
    }

    /// Field metadata that knows every name in `names`: the descriptor when it
    /// does, else Odoo's `fields_get` (cached with a TTL).
    pub(crate) async fn metadata(
        &self,
        target: Target<'_>,
        names: &[&str],
    ) -> Result<Arc<ModelFields>, ToolError> {
        if let Some(fields) = target.descriptor.and_then(|d| self.descriptor_fields(d))
            && names.iter().all(|n| fields.contains(n))
        {
            return Ok(match self.inner.absent.get(target.name) {
                Some(absent) if !absent.is_empty() => Arc::new(fields.without(&absent)),
                _ => fields,
            });
        }
        if let Some(fields) = self.inner.fields.get(target.name) {
            return Ok(fields);
        }
        let answer = self
            .inner
            .client
            .fields_get(
                target.name,
                &["type", "string", "required", "readonly", "store"],
            )
            .await?;
        Ok(self
            .inner
            .fields
            .insert(target.name, ModelFields::from_fields_get(&answer)))
    }

    pub(crate) fn check_names(
        target: Target<'_>,
        fields: &ModelFields,
        names: &[&str],
        argument: &'static str,
    ) -> Result<(), ToolError> {
        let absent: Vec<String> = names
            .iter()
            .filter(|n| fields.absent.iter().any(|a| a == *n))
            .map(|n| n.to_string())
            .collect();
        if !absent.is_empty() {
            return Err(ToolError::Odoo(OdooError::SchemaMismatch {
                model: target.name.to_string(),
                missing: absent,
            }));
        }
        match names.iter().find(|n| !fields.contains(n)) {
            None => Ok(()),
            Some(unknown) => Err(ToolError::UnknownField {
                model: target.name.to_string(),
                field: unknown.to_string(),
                argument,
                suggestion: did_you_mean(&close_matches(unknown, fields.names(), 5)),
            }),
        }
    }

    /// Forgets the cached model list and field metadata (`list_models` with `refresh`).
    pub(crate) fn forget_metadata(&self) {
        self.inner.model_list.clear();
        self.inner.fields.clear();
        self.inner.absent.clear();
        self.inner.list_columns.clear();
        self.inner.forms.clear();
        self.inner.companies.clear();
    }

    pub(crate) async fn model_list(&self) -> Result<Arc<Vec<(String, String)>>, ToolError> {
        if let Some(list) = self.inner.model_list.get("all") {
            return Ok(list);
        }
        let access = self.inner.settings.access;
        if access == Access::Standard && self.inner.settings.allowlist.is_empty() {
            let list = self
                .inner
                .models
                .iter()
                .map(|d| (d.model.to_string(), d.label.to_string()))
                .collect();
            return Ok(self.inner.model_list.insert("all", list));
        }
        let domain = if access == Access::Standard {
            json!([["model", "in", self.enabled_models()]])
        } else if self.inner.client.version().await?.major >= 19 {
            json!([["transient", "=", false], ["abstract", "=", false]])
        } else {
            // `ir.model.abstract` is new in Odoo 19.
            json!([["transient", "=", false]])
        };
        let mut kwargs = Map::new();
        kwargs.insert("domain".into(), domain);
        kwargs.insert("fields".into(), json!(["model", "name"]));
        kwargs.insert("order".into(), json!("model"));
        let answer = self
            .inner
            .client
            .execute("ir.model", "search_read", None, kwargs, None)
            .await?;
        let mut list: Vec<(String, String)> = answer
            .as_array()
            .map(|rows| {
                rows.iter()
                    .filter_map(|r| {
                        Some((
                            r.get("model")?.as_str()?.to_string(),
                            r.get("name")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Generated models Odoo did not list (e.g. not installed) stay out.
        list.sort();
        Ok(self.inner.model_list.insert("all", list))
    }
}

impl ServerHandler for OdooMcp {
    fn get_info(&self) -> ServerConfig {
        let access = match self.inner.settings.access {
            Access::Standard => "generated models and ODOO_MCP_MODELS, read and write",
            Access::ReadOnly => "every model, read-only",
            Access::Full => "every model, read and write",
        };
        let capabilities = ServerCapabilities::builder()
            .enable_completions()
            .enable_resources()
            .enable_tools()
            .build();
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
        _context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, ErrorData> {
        let contents = self.read_resource_json(&request.uri).await?;
        Ok(ReadResourceResult::new(vec![contents]).into())
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, ErrorData> {
        self.complete_argument(&request).await
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Before the confirmation: `values` sent as text must be asked about, not slip past.
        if let Some(args) = request.arguments.as_mut() {
            self.coerce_arguments(&request.name, args);
        }
        let subject = crate::audit::subject(&context.extensions);
        if let Some(response) = self.confirm(&mut request, &context).await {
            self.audit_unconfirmed(&request, &response, subject.as_deref());
            return Ok(response);
        }
        let args = request.arguments.unwrap_or_default();
        Ok(self
            .call_coerced(&request.name, args, subject.as_deref())
            .await
            .into())
    }
}

impl std::fmt::Debug for OdooMcp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OdooMcp")
            .field("client", &self.inner.client)
            .field("settings", &self.inner.settings)
            .finish()
    }
}
