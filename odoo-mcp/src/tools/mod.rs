//! The tool catalog. A static tool is one module here, `tools/<tool>.rs`: its
//! arguments and its answer as types (the listed schemas are derived from them),
//! its [`Effect`], and its handler, registered once in [`STATIC_TOOLS`]. The typed
//! tools of each generated model (`typed.rs`) run through a generic tool with the
//! model fixed. Whether a tool writes, is destructive, asks for confirmation or
//! gets an audit line is read from its effect, nowhere else.
//!
//! Adding a tool: write `tools/<tool>.rs` (a unit struct implementing [`ToolSpec`])
//! and name it in `register!` below.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use odoo_client::registry::ModelDescriptor;
use odoo_client::{OdooClient, RecordId};
use rmcp::model::{JsonObject, Tool, ToolAnnotations};
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ToolError;
use crate::odoo::wizards::WizardField;
use crate::odoo::{Odoo, Target};
use crate::settings::{Limits, SchemaDetail, Settings, TypedTools};

pub mod apps;
pub mod schema;
pub(crate) mod shared;
mod typed;

/// Declares each static tool's module and lists it in [`STATIC_TOOLS`]: one line per tool.
macro_rules! register {
    ($($module:ident :: $tool:ident),* $(,)?) => {
        $(pub mod $module;)*
        /// Every static tool, in `tools/list` order.
        pub static STATIC_TOOLS: &[&dyn DynTool] = &[$(&$module::$tool),*];
    };
}

register! {
    search_records::SearchRecords,
    get_record::GetRecord,
    list_models::ListModels,
    create_record::CreateRecord,
    update_record::UpdateRecord,
    delete_record::DeleteRecord,
    get_fields::GetFields,
    get_current_context::GetCurrentContext,
    aggregate_records::AggregateRecords,
    create_records::CreateRecords,
    update_records::UpdateRecords,
    post_message::PostMessage,
    call_model_method::CallModelMethod,
    run_wizard::RunWizard,
    press_button::PressButton,
    upload_attachment::UploadAttachment,
    get_attachment::GetAttachment,
    search_by_name::SearchByName,
    import_records::ImportRecords,
    export_records::ExportRecords,
}

/// What a call does to Odoo's data: the MCP annotations, read-only mode, the
/// confirmation step and the audit log all follow from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads only.
    Read,
    /// Makes new records; their ids come from the answer.
    Create,
    /// Adds to an existing record (a message, an attachment); nothing is overwritten.
    Append,
    /// Overwrites field values: destructive, idempotent, confirmed first.
    Overwrite,
    /// Removes records: destructive, idempotent, confirmed first.
    Delete,
    /// Runs a business method: anything may change; confirmed first.
    Run,
}

impl Effect {
    pub fn writes(self) -> bool {
        self != Effect::Read
    }

    /// Destructive calls ask the user first when `ODOO_MCP_CONFIRM` is on.
    pub fn asks_confirmation(self) -> bool {
        matches!(self, Effect::Overwrite | Effect::Delete | Effect::Run)
    }

    /// The ids an audit line names come from the answer, not the arguments.
    pub fn creates(self) -> bool {
        self == Effect::Create
    }

    fn annotations(self, base: ToolAnnotations) -> ToolAnnotations {
        let base = base.open_world(false);
        match self {
            Effect::Read => base.read_only(true),
            Effect::Create | Effect::Append => {
                base.read_only(false).destructive(false).idempotent(false)
            }
            Effect::Overwrite | Effect::Delete => {
                base.read_only(false).destructive(true).idempotent(true)
            }
            Effect::Run => base.read_only(false).destructive(true).idempotent(false),
        }
    }
}

/// One call as the handler sees it, after the server's checks.
pub struct Call<'a> {
    pub entry: &'a Entry,
    /// The model acted on; `None` for tools without a `model` ([`ToolSpec::ON_MODEL`]).
    pub target: Option<Target<'a>>,
    /// The Odoo connection, acting in the call's `company_id` when it names one.
    pub client: OdooClient,
}

impl<'a> Call<'a> {
    /// The model acted on.
    pub fn target(&self) -> Result<Target<'a>, ToolError> {
        self.target.ok_or_else(|| ToolError::Invalid {
            argument: "model",
            message: "give the technical model name, e.g. res.partner".into(),
        })
    }

    pub fn client(&self) -> &OdooClient {
        &self.client
    }

    /// The typed tool's model, when the call came through one.
    pub fn typed(&self) -> Option<&'static ModelDescriptor> {
        self.entry.model
    }

    /// The typed tool's name, when the call came through one.
    pub fn typed_tool(&self) -> Option<&str> {
        self.entry.model.map(|_| self.entry.tool.name.as_ref())
    }
}

/// A static tool: one module, one unit struct.
pub trait ToolSpec: Send + Sync + 'static {
    const NAME: &'static str;
    const TITLE: &'static str;
    /// May name `{default_limit}`, `{max_limit}` and `{max_batch}`, filled in at listing.
    const DESCRIPTION: &'static str;
    const EFFECT: Effect;
    /// Whether the tool acts on the model named by a `model` argument. The
    /// server reads it (access rules; a typed tool fixes it) and hands the
    /// handler the [`Call::target`]: [`Self::Args`] leave it out, and the
    /// listed schema gets it from [`shared::ModelName`].
    const ON_MODEL: bool = true;
    /// Whether the call may act in another of the user's companies (`company_id`):
    /// the server checks it and hands the handler a [`Call::client`] acting there.
    const COMPANY: bool = Self::ON_MODEL;
    /// Doc comments are the descriptions (with the same placeholders).
    type Args: DeserializeOwned + JsonSchema + Clone + Send + Sync;
    type Output: Serialize + JsonSchema;

    fn run(
        odoo: &Odoo,
        call: &Call<'_>,
        args: Self::Args,
    ) -> impl Future<Output = Result<Self::Output, ToolError>> + Send;

    /// What the user is asked before a destructive call ([`Effect::asks_confirmation`]);
    /// `None` when there is nothing to confirm (a dry run).
    fn question(_odoo: &Odoo, _model: &str, _args: &Self::Args) -> Option<String> {
        None
    }

    /// Values the call lacks that the confirmation asks the user for, as form fields.
    fn wanted(
        _odoo: &Odoo,
        _call: &Call<'_>,
        _args: &Self::Args,
    ) -> impl Future<Output = Vec<WizardField>> + Send {
        std::future::ready(Vec::new())
    }

    /// Joins the user's answers to [`Self::wanted`] to the arguments.
    fn answer(_args: &mut Self::Args, _values: Map<String, Value>) {}

    /// The existing records the call acts on, as its audit line names them.
    fn record_ids(_args: &Self::Args) -> Vec<RecordId> {
        Vec::new()
    }

    /// Whether the call only checks and reports (`dry_run`).
    fn dry_run(_args: &Self::Args) -> bool {
        false
    }

    /// The records the call made, as its audit line names them ([`Effect::Create`]).
    fn created_ids(_output: &Self::Output) -> Vec<RecordId> {
        Vec::new()
    }

    /// Whether `tools/list` shows the tool under these settings.
    fn listed(_settings: &Settings) -> bool {
        true
    }
}

pub type ToolFuture<'a> = Pin<Box<dyn Future<Output = Result<Answer, ToolError>> + Send + 'a>>;

/// A [`ToolSpec`] behind a pointer: what the catalog and the server hold.
pub trait DynTool: Send + Sync {
    fn effect(&self) -> Effect;
    fn on_model(&self) -> bool;
    fn takes_company(&self) -> bool;
    /// The listed tool and the schema arguments are checked against.
    fn declare(&self, limits: Limits) -> (Tool, Arc<JsonObject>);
    /// Decodes checked arguments as the tool's [`ToolSpec::Args`].
    fn decoder(&self) -> Decoder;
    fn listed(&self, settings: &Settings) -> bool;
}

/// A call's arguments decoded into its tool's type: what the confirmation,
/// the audit line and the handler read.
pub trait Decoded: Send + Sync {
    /// See [`ToolSpec::question`]; `None` for tools that ask nothing.
    fn question(&self, odoo: &Odoo, model: &str) -> Option<String>;
    /// See [`ToolSpec::wanted`].
    fn wanted<'a>(&'a self, odoo: &'a Odoo, call: &'a Call<'a>) -> BoxFuture<'a, Vec<WizardField>>;
    /// See [`ToolSpec::answer`].
    fn answer(&mut self, values: Map<String, Value>);
    /// See [`ToolSpec::record_ids`].
    fn record_ids(&self) -> Vec<RecordId>;
    /// See [`ToolSpec::dry_run`].
    fn dry_run(&self) -> bool;
    /// Runs the handler (again, when Odoo's answer taught the server something).
    fn run<'a>(&'a self, odoo: &'a Odoo, call: &'a Call<'a>) -> ToolFuture<'a>;
}

/// A tool's answer, and the records it made.
pub struct Answer {
    pub value: Value,
    pub created: Vec<RecordId>,
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The one decode of a call: checked arguments into a tool's `Args`.
pub type Decoder = fn(Map<String, Value>) -> Result<Box<dyn Decoded>, ToolError>;

/// `args` of a call to `T`, ready to run.
pub(crate) fn decoded<T: ToolSpec>(args: T::Args) -> Box<dyn Decoded> {
    Box::new(Arguments::<T>(args))
}

fn decode_args<T: ToolSpec>(args: Map<String, Value>) -> Result<Box<dyn Decoded>, ToolError> {
    Ok(decoded::<T>(decode(args)?))
}

/// The arguments of a call to `T`.
struct Arguments<T: ToolSpec>(T::Args);

impl<T: ToolSpec> Decoded for Arguments<T> {
    fn question(&self, odoo: &Odoo, model: &str) -> Option<String> {
        T::EFFECT
            .asks_confirmation()
            .then(|| T::question(odoo, model, &self.0))
            .flatten()
    }

    fn wanted<'a>(&'a self, odoo: &'a Odoo, call: &'a Call<'a>) -> BoxFuture<'a, Vec<WizardField>> {
        Box::pin(T::wanted(odoo, call, &self.0))
    }

    fn answer(&mut self, values: Map<String, Value>) {
        T::answer(&mut self.0, values);
    }

    fn record_ids(&self) -> Vec<RecordId> {
        T::record_ids(&self.0)
    }

    fn dry_run(&self) -> bool {
        T::dry_run(&self.0)
    }

    fn run<'a>(&'a self, odoo: &'a Odoo, call: &'a Call<'a>) -> ToolFuture<'a> {
        Box::pin(async move {
            let output = T::run(odoo, call, self.0.clone()).await?;
            let created = T::created_ids(&output);
            let value = serde_json::to_value(output).map_err(|e| ToolError::Invalid {
                argument: "arguments",
                message: format!("the answer could not be encoded: {e}"),
            })?;
            Ok(Answer { value, created })
        })
    }
}

/// Arguments the checks passed, as the tool's type (the server took `model`
/// and `company_id` out: they are the [`Call`]'s).
pub(crate) fn decode<T: DeserializeOwned>(args: Map<String, Value>) -> Result<T, ToolError> {
    serde_json::from_value(Value::Object(args)).map_err(|e| ToolError::Invalid {
        argument: "arguments",
        message: e.to_string(),
    })
}

impl<T: ToolSpec> DynTool for T {
    fn effect(&self) -> Effect {
        T::EFFECT
    }

    fn on_model(&self) -> bool {
        T::ON_MODEL
    }

    fn takes_company(&self) -> bool {
        T::COMPANY
    }

    fn declare(&self, limits: Limits) -> (Tool, Arc<JsonObject>) {
        let mut input = schema::fill(schema::input_schema::<T::Args>(), limits);
        let mut check = schema::fill(schema::check_schema::<T::Args>(), limits);
        for schema in [&mut input, &mut check] {
            if T::ON_MODEL {
                schema::add_model(schema);
            }
            if T::COMPANY {
                schema::add_company(schema);
            }
        }
        let tool = Tool::new(
            T::NAME,
            schema::fill_text(T::DESCRIPTION, limits),
            schema::object(input),
        )
        .with_raw_output_schema(schema::object(schema::output_schema::<T::Output>()))
        .with_annotations(T::EFFECT.annotations(ToolAnnotations::with_title(T::TITLE)));
        let tool = match apps::View::of_tool(T::NAME) {
            Some(view) => tool.with_meta(view.meta()),
            None => tool,
        };
        (tool, schema::object(check))
    }

    fn decoder(&self) -> Decoder {
        decode_args::<T>
    }

    fn listed(&self, settings: &Settings) -> bool {
        T::listed(settings)
    }
}

/// One callable tool: a static tool, or a typed tool running through one.
#[derive(Clone)]
pub struct Entry {
    /// The static tool that runs the call.
    pub handler: &'static dyn DynTool,
    /// The model of a typed tool; `None` for static tools.
    pub model: Option<&'static ModelDescriptor>,
    /// Whether `company_id` names the company the call acts in (a typed
    /// create's is a field value like the others).
    pub company: bool,
    /// Decodes the arguments into the handler's (a typed tool's through its own type).
    pub decode: Decoder,
    pub tool: Tool,
    /// What arguments are checked against: the listed input schema, or a
    /// fuller one (nulls allowed where an argument is optional; a typed update's values).
    pub check_schema: Arc<JsonObject>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("tool", &self.tool.name)
            .finish()
    }
}

impl Entry {
    pub fn effect(&self) -> Effect {
        self.handler.effect()
    }
}

/// Every tool, and the ones `tools/list` shows under the current access level.
#[derive(Debug)]
pub struct Catalog {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    listed: Vec<Tool>,
}

impl Catalog {
    pub fn build(models: &'static [ModelDescriptor], settings: &Settings, shape: Shape) -> Self {
        let mut entries: Vec<Entry> = STATIC_TOOLS
            .iter()
            .map(|&handler| {
                let (tool, check_schema) = handler.declare(shape.limits);
                Entry {
                    handler,
                    model: None,
                    company: handler.takes_company(),
                    decode: handler.decoder(),
                    tool,
                    check_schema,
                }
            })
            .collect();
        for descriptor in models
            .iter()
            .filter(|d| settings.typed_models.includes(d.model))
        {
            entries.extend(typed::tools(descriptor, &shape));
        }
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.tool.name.to_string(), i))
            .collect();
        // Read-only mode hides write tools (and refuses them by name at call time).
        let listed = entries
            .iter()
            .filter(|e| settings.access.allows_writes() || !e.effect().writes())
            .filter(|e| e.handler.listed(settings))
            .map(|e| e.tool.clone())
            .collect();
        Self {
            entries,
            by_name,
            listed,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.by_name.get(name).map(|&i| &self.entries[i])
    }

    pub fn listed(&self) -> &[Tool] {
        &self.listed
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.listed.iter().map(|t| t.name.as_ref())
    }
}

/// What the catalog builds and how much of the generated schemas it lists.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub limits: Limits,
    pub typed: TypedTools,
    pub detail: SchemaDetail,
}

impl Shape {
    pub fn of(settings: &Settings) -> Self {
        Self {
            limits: settings.limits,
            typed: settings.typed_tools,
            detail: settings.schema_detail,
        }
    }
}
