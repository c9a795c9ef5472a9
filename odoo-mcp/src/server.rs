//! The MCP server: tools/list from the [`Catalog`], tools/call through the
//! checks (access, arguments, model, fields) to one Odoo request.

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use odoo_client::registry::{FieldType, ModelDescriptor};
use odoo_client::{Error as OdooError, Missing, OdooClient, RecordId};
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

pub(crate) mod confirm;
mod dry_run;
mod resources;

/// Other field names listed after a default read, at most.
const MAX_LISTED_FIELDS: usize = 40;
/// Most names a `fields` argument may list (Odoo's largest models have about 700 fields).
const MAX_REQUESTED_FIELDS: usize = 1_000;

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

    /// The generated model's field types as a schema for any write's values:
    /// its update struct (types, selections), no field required, other fields
    /// left to Odoo. x2many fields are left out: generic calls send Odoo's
    /// commands, which the typed struct does not describe.
    fn value_schema(&self, descriptor: &ModelDescriptor) -> Option<Arc<Map<String, Value>>> {
        self.inner
            .value_schemas
            .get_or_init(descriptor.model, || values_schema(descriptor))
    }

    /// Checks each values map of a generic write against the generated types of
    /// `target`'s model, if it has them; `at(i)` names where the i-th map is.
    pub(crate) fn check_typed_values(
        &self,
        target: Target<'_>,
        list: &[Map<String, Value>],
        at: impl Fn(usize) -> String,
    ) -> Result<(), ToolError> {
        let Some(schema) = target.descriptor.and_then(|d| self.value_schema(d)) else {
            return Ok(());
        };
        for (i, values) in list.iter().enumerate() {
            arguments::check(&schema, &Value::Object(values.clone()))
                .map_err(|error| error.under(&at(i)))?;
        }
        Ok(())
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

    /// A note naming the fields a default read left out (technical ones are
    /// only counted: an assistant's context is the user's real cost).
    fn default_fields_note(
        entry: &Entry,
        fields: &ModelFields,
        defaults: &[String],
        from_view: bool,
    ) -> String {
        let (technical, others): (Vec<&str>, Vec<&str>) = fields
            .names()
            .filter(|n| !defaults.iter().any(|d| d == n))
            .partition(|n| crate::model_fields::is_technical(n));
        let what = if from_view {
            "default fields: the list view's columns"
        } else {
            "compact default fields"
        };
        if entry.model.is_some() {
            return format!(
                "{what}; {} more in the `fields` enum of {}",
                others.len() + technical.len(),
                entry.tool.name
            );
        }
        let mut listed = others
            .iter()
            .take(MAX_LISTED_FIELDS)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if others.len() > MAX_LISTED_FIELDS {
            listed.push_str(", …");
        }
        let mut note = format!("{what}; pass `fields` to choose among: {listed}");
        if !technical.is_empty() {
            note.push_str(&format!(
                " (and {} technical ones: message_*, activity_*, create_*/write_*, …)",
                technical.len()
            ));
        }
        note
    }

    /// The columns of `model`'s default list view, asked once (`get_views`) and
    /// cached with the other metadata; empty when it has none Odoo will give.
    async fn list_columns(&self, model: &str) -> Arc<Vec<String>> {
        if let Some(columns) = self.inner.list_columns.get(model) {
            return columns;
        }
        let client = &self.inner.client;
        let Ok(version) = client.version().await else {
            return Arc::new(Vec::new());
        };
        let view = crate::list_view::view_type(version.major);
        let mut kwargs = Map::new();
        kwargs.insert("views".into(), json!([[false, view]]));
        kwargs.insert("options".into(), json!({}));
        let columns = match client.execute(model, "get_views", None, kwargs, None).await {
            Ok(answer) => answer["views"][view]["arch"]
                .as_str()
                .map(crate::list_view::visible_columns)
                .unwrap_or_default(),
            // Odoo is away: the read that follows says so; ask again next time.
            Err(error) if error.is_transport() => return Arc::new(Vec::new()),
            Err(error) => {
                tracing::debug!(model, %error, "no list view to pick default fields from");
                Vec::new()
            }
        };
        self.inner.list_columns.insert(model, columns)
    }

    /// What a read without `fields` returns: `id`, `display_name` and the list
    /// view's columns (but blobs: images, HTML, x2many ids), as a person sees the
    /// model in Odoo; the compact set where the view shows nothing more. The
    /// metadata returned knows every one of them (`true`: from the view).
    async fn default_fields(
        &self,
        target: Target<'_>,
        metadata: Arc<ModelFields>,
    ) -> Result<(Arc<ModelFields>, Vec<String>, bool), ToolError> {
        let columns = self.list_columns(target.name).await;
        let names: Vec<&str> = columns.iter().map(String::as_str).collect();
        // A column the generated descriptor lacks (computed, not stored) is in fields_get.
        let metadata = if names.iter().all(|n| metadata.contains(n)) {
            metadata
        } else {
            self.metadata(target, &names).await?
        };
        let mut fields = vec!["id".to_string()];
        if metadata.contains("display_name") {
            fields.push("display_name".into());
        }
        let base = fields.len();
        for column in columns.iter() {
            if metadata.get(column).is_some_and(|f| !f.is_blob()) && !fields.contains(column) {
                fields.push(column.clone());
            }
        }
        if fields.len() == base {
            let defaults = metadata.defaults.clone();
            return Ok((metadata, defaults, false));
        }
        Ok((metadata, fields, true))
    }

    /// Resolves the `fields` argument against metadata: names to read and notes.
    pub(crate) async fn read_plan(
        &self,
        entry: &Entry,
        target: Target<'_>,
        requested: Option<&[String]>,
        extra_names: &[&str],
    ) -> Result<(Arc<ModelFields>, Vec<String>, Vec<String>), ToolError> {
        // An empty list asks for the default set, as no list does.
        let requested = requested.filter(|r| !r.is_empty()).map(<[String]>::to_vec);
        // Refused before any request: each name costs a lookup here and a column in Odoo.
        if let Some(n) = requested
            .as_ref()
            .map(Vec::len)
            .filter(|n| *n > MAX_REQUESTED_FIELDS)
        {
            return Err(ToolError::Invalid {
                argument: "fields",
                message: format!(
                    "{n} field names given; ask for at most {MAX_REQUESTED_FIELDS}, or [\"__all__\"] for every field"
                ),
            });
        }
        let mut names: Vec<&str> = extra_names.to_vec();
        let all = requested
            .as_ref()
            .is_some_and(|r| r.iter().any(|f| f == "__all__"));
        if let Some(requested) = &requested
            && !all
        {
            names.extend(requested.iter().map(String::as_str));
        }
        let mut metadata = self.metadata(target, &names).await?;
        let mut notes = Vec::new();
        let fields = match requested {
            Some(requested) if !all => {
                let names: Vec<&str> = requested.iter().map(String::as_str).collect();
                Self::check_names(target, &metadata, &names, "fields")?;
                requested
            }
            Some(_) => metadata.all_but_binary(),
            None => {
                let (with_columns, defaults, from_view) =
                    self.default_fields(target, metadata).await?;
                metadata = with_columns;
                notes.push(Self::default_fields_note(
                    entry, &metadata, &defaults, from_view,
                ));
                defaults
            }
        };
        if !metadata.absent.is_empty() {
            // Named in full when asked for; here a few are enough.
            let mut missing: Vec<String> = metadata.absent.iter().take(8).cloned().collect();
            if metadata.absent.len() > missing.len() {
                missing.push(format!("… ({} in all)", metadata.absent.len()));
            }
            let mismatch = OdooError::SchemaMismatch {
                model: target.name.to_string(),
                missing,
            };
            notes.push(format!("{mismatch}; they were left out"));
        }
        Ok((metadata, fields, notes))
    }

    /// Checks write values: typed tools through the generated struct, generic
    /// ones against the model's fields (so a typo is not silently dropped).
    pub(crate) async fn write_values(
        &self,
        entry: &Entry,
        target: Target<'_>,
        values: &Map<String, Value>,
        encode: Option<fn(Value) -> Result<Value, serde_json::Error>>,
        argument: &'static str,
        dry_run: bool,
    ) -> Result<Map<String, Value>, ToolError> {
        if values.is_empty() {
            return Err(ToolError::Invalid {
                argument,
                message: "give at least one field value, e.g. {\"name\": \"Acme\"}".into(),
            });
        }
        let names: Vec<&str> = values.keys().map(String::as_str).collect();
        let metadata = self.metadata(target, &names).await?;
        Self::check_names(target, &metadata, &names, argument)?;
        let (Some(_), Some(encode)) = (entry.model, encode) else {
            // A dry run reports such problems in its plan instead.
            if !dry_run {
                self.check_typed_values(target, std::slice::from_ref(values), |_| {
                    argument.to_string()
                })?;
            }
            return Ok(values.clone());
        };
        let encoded = match encode(Value::Object(values.clone())) {
            Ok(Value::Object(encoded)) => encoded,
            Ok(other) => {
                return Err(ToolError::Invalid {
                    argument,
                    message: format!("expected an object of field values, got {other}"),
                });
            }
            Err(e) => {
                return Err(ToolError::Invalid {
                    argument,
                    message: e.to_string(),
                });
            }
        };
        // serde drops what the generated struct does not have: say so rather
        // than write less than asked.
        if let Some((name, _)) = values
            .iter()
            .find(|(name, value)| !value.is_null() && !encoded.contains_key(*name))
        {
            return Err(ToolError::Invalid {
                argument,
                message: format!(
                    "`{name}` cannot be written with {}: it is read-only or computed on {}",
                    entry.tool.name, target.name
                ),
            });
        }
        Ok(encoded)
    }

    /// Models and labels, from Odoo's `ir.model` (cached), or the generated
    /// table alone when nothing else is reachable.
    /// Where users open `model`'s records in a browser; `None` when Odoo's
    /// version cannot be read (the form of the address depends on it).
    pub(crate) async fn links(&self, model: &str) -> Option<Links> {
        let version = self.inner.client.version().await.ok()?;
        let base = self
            .inner
            .settings
            .public_odoo_url
            .clone()
            .unwrap_or_else(|| self.inner.client.config().url.clone());
        Some(Links {
            base,
            model: model.to_string(),
            // `/odoo/<model>/<id>` came with Odoo 18 (17.2); 17.0 and below route `/web#…`.
            modern: version.major >= 18,
        })
    }

    /// The companies this server acts in: `ODOO_ALLOWED_COMPANIES` when set (the
    /// first one current), else every company of the Odoo user; cached.
    pub(crate) async fn companies(&self) -> Result<Arc<Vec<Company>>, ToolError> {
        if let Some(companies) = self.inner.companies.get("all") {
            return Ok(companies);
        }
        let client = &self.inner.client;
        let mut ids = client.config().allowed_companies.clone();
        if ids.is_empty() {
            let context = client
                .execute("res.users", "context_get", None, Map::new(), None)
                .await?;
            if let Some(uid) = context.get("uid").and_then(Value::as_i64) {
                let users = client.read("res.users", &[uid], &["company_ids"]).await?;
                ids = users
                    .first()
                    .and_then(|u| u.get("company_ids"))
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_i64).collect())
                    .unwrap_or_default();
            }
        }
        let rows = client
            .read("res.company", &ids, &["name", "currency_id"])
            .await?;
        // In the order of the ids: the first one is the current company.
        let companies = ids
            .iter()
            .map(|id| {
                let row = rows
                    .iter()
                    .find(|r| r.get("id").and_then(Value::as_i64) == Some(*id));
                Company {
                    id: *id,
                    name: row
                        .and_then(|r| r.get("name"))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    currency: row
                        .and_then(|r| r.get("currency_id"))
                        .and_then(|c| c.get(1))
                        .and_then(Value::as_str)
                        .map(str::to_string),
                }
            })
            .collect();
        Ok(self.inner.companies.insert("all", companies))
    }

    /// The connection acting in `company`, one of [`Self::companies`].
    async fn company_client(&self, company: CompanyId) -> Result<OdooClient, ToolError> {
        let companies = self.companies().await?;
        if companies.iter().any(|c| c.id == company.0) {
            return Ok(self.inner.client.in_company(company.0));
        }
        let allowed: Vec<String> = companies
            .iter()
            .map(|c| match &c.name {
                Some(name) => format!("{} ({name})", c.id),
                None => c.id.to_string(),
            })
            .collect();
        Err(ToolError::Invalid {
            argument: "company_id",
            message: format!(
                "company {} is not one this server acts in; use one of: {}",
                company.0,
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                }
            ),
        })
    }

    /// Forgets the cached model list and field metadata (`list_models` with `refresh`).
    pub(crate) fn forget_metadata(&self) {
        self.inner.model_list.clear();
        self.inner.fields.clear();
        self.inner.absent.clear();
        self.inner.list_columns.clear();
        self.inner.companies.clear();
    }

    /// Checks every record's field names at once, so the error names the first unknown one.
    /// `at` says where the i-th values are (`records[i]`, `updates[i].values`).
    pub(crate) async fn batch_values(
        &self,
        target: Target<'_>,
        argument: &'static str,
        list: Vec<Map<String, Value>>,
        at: fn(usize) -> String,
        dry_run: bool,
    ) -> Result<Vec<Map<String, Value>>, ToolError> {
        if let Some(i) = list.iter().position(Map::is_empty) {
            return Err(ToolError::Invalid {
                argument,
                message: format!(
                    "{} must be an object with at least one field value, e.g. {{\"name\": \"Acme\"}}",
                    at(i)
                ),
            });
        }
        let names: BTreeSet<&str> = list
            .iter()
            .flat_map(|v| v.keys().map(String::as_str))
            .collect();
        let names: Vec<&str> = names.into_iter().collect();
        let metadata = self.metadata(target, &names).await?;
        Self::check_names(target, &metadata, &names, argument)?;
        if !dry_run {
            self.check_typed_values(target, &list, at)?;
        }
        Ok(list)
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

/// A company the server acts in.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Company {
    pub id: RecordId,
    /// `null` when the company cannot be read.
    pub name: Option<String>,
    pub currency: Option<String>,
}

/// Builds the web addresses of one model's records.
pub(crate) struct Links {
    base: String,
    model: String,
    modern: bool,
}

impl Links {
    pub fn url(&self, id: RecordId) -> String {
        let (base, model) = (&self.base, &self.model);
        if self.modern {
            format!("{base}/odoo/{model}/{id}")
        } else {
            format!("{base}/web#id={id}&model={model}&view_type=form")
        }
    }

    /// Adds `url` to a record read from Odoo (which carries its `id`).
    pub fn add_to(links: Option<&Links>, record: &mut Map<String, Value>) {
        if let (Some(links), Some(id)) = (links, record.get("id").and_then(Value::as_i64)) {
            record.insert("url".into(), Value::String(links.url(id)));
        }
    }
}

/// What [`OdooMcp::value_schema`] holds for one model; `None` without an update struct.
fn values_schema(descriptor: &ModelDescriptor) -> Option<Map<String, Value>> {
    let schema = crate::tools::schema::inline_refs(Value::from((descriptor.update_schema?)()));
    let Value::Object(mut schema) = schema else {
        return None;
    };
    for key in ["required", "additionalProperties", "title", "description"] {
        schema.remove(key);
    }
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.retain(|name, _| {
            descriptor
                .field(name)
                .is_none_or(|f| !matches!(f.ttype, FieldType::One2many | FieldType::Many2many))
        });
    }
    Some(schema)
}

/// Odoo sends `false` for every empty field; a non-boolean `false` becomes
/// `null`. A typed tool's record also goes through its read struct, so it
/// matches the tool's output schema (generic tools promise only an object,
/// and skip that cost).
pub(crate) fn normalize(
    record: Value,
    metadata: &ModelFields,
    descriptor: Option<&ModelDescriptor>,
) -> Map<String, Value> {
    let Value::Object(mut record) = record else {
        return Map::new();
    };
    for (name, value) in record.iter_mut() {
        if *value == Value::Bool(false)
            && metadata
                .get(name)
                .is_some_and(|f| f.ttype != FieldType::Boolean)
        {
            *value = Value::Null;
        }
    }
    let Some(descriptor) = descriptor else {
        return record;
    };
    // Absent fields read as Odoo's empty value, so a partial record decodes.
    let mut full = record.clone();
    for field in descriptor.fields {
        full.entry(field.name.to_string())
            .or_insert(Value::Bool(false));
    }
    match (descriptor.check_record)(Value::Object(full)) {
        Ok(Value::Object(typed)) => {
            for (name, value) in record.iter_mut() {
                if let Some(typed) = typed.get(name) {
                    *value = typed.clone();
                }
            }
        }
        Ok(_) => {}
        Err(error) => {
            tracing::warn!(model = descriptor.model, %error, "record does not fit the generated read struct");
        }
    }
    record
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
        if let Some(response) = self.confirm(&request, &context).await {
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
