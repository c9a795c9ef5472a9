//! The front door: a `tools/call` decoded once into a [`Ready`] call, or
//! refused. The steps, in the order their errors come: the tool, read-only
//! mode (before Odoo is asked anything), arguments sent as JSON text, the
//! domain, one check against the tool's schema, the tool's `Args` by serde (a
//! typed tool's through its own type), then the model through the access rules
//! and the company (which asks Odoo for the user's companies). Confirmation,
//! the audit line and the handler all read what this makes.

use odoo_client::registry::ModelDescriptor;
use odoo_client::{Domain, Error as OdooError, OdooClient};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::OdooMcp;
use super::audit::Line;
use crate::arguments;
use crate::domain_arg;
use crate::error::ToolError;
use crate::odoo::Target;
use crate::text::clip;
use crate::tools::shared::{CompanyId, ModelName};
use crate::tools::{Call, Decoded, Entry};
use odoo_client::suggest::{close_matches, did_you_mean};

/// The model a call acts on and its generated descriptor; `None` for tools without one.
type Model = Option<(String, Option<&'static ModelDescriptor>)>;

/// A call that passed every check, its arguments typed.
pub(crate) struct Ready<'a> {
    pub entry: &'a Entry,
    /// The model acted on and its generated descriptor; `None` for tools without one.
    model: Model,
    /// The connection, acting in the call's `company_id` when it names one.
    client: OdooClient,
    pub args: Box<dyn Decoded>,
}

impl Ready<'_> {
    pub fn call(&self) -> Call<'_> {
        Call {
            entry: self.entry,
            target: self.model.as_ref().map(|(name, descriptor)| Target {
                name,
                descriptor: *descriptor,
            }),
            client: self.client.clone(),
        }
    }

    pub fn model(&self) -> Option<&str> {
        self.model.as_ref().map(|(name, _)| name.as_str())
    }

    /// What the audit line says of the call.
    pub fn audit(&self) -> Line {
        line(
            self.entry,
            self.model().map(str::to_string),
            Some(self.args.as_ref()),
        )
    }
}

/// The audit line of a call to `entry` on `model`; its records from the
/// decoded arguments, none when they could not be decoded.
fn line(entry: &Entry, model: Option<String>, args: Option<&dyn Decoded>) -> Line {
    Line {
        tool: entry.tool.name.to_string(),
        effect: entry.effect(),
        model,
        ids: args.map(|a| a.record_ids()).unwrap_or_default(),
        dry_run: args.is_some_and(|a| a.dry_run()),
    }
}

/// A call's arguments decoded, before the model and the company are resolved
/// (which may ask Odoo).
struct Decoding {
    named: Option<ModelName>,
    /// The `domain` argument, whose paths are checked once the model is known.
    domain: Option<Domain>,
    company: Option<CompanyId>,
    args: Box<dyn Decoded>,
}

/// The argument `key`, which the server reads itself rather than the handler.
fn take<T: DeserializeOwned>(
    args: &mut Map<String, Value>,
    key: &'static str,
) -> Result<Option<T>, ToolError> {
    args.remove(key)
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| ToolError::Invalid {
            argument: key,
            message: e.to_string(),
        })
}

/// A call refused at the front door, with what its audit line says (`None`
/// for an unknown tool).
pub(crate) struct Refused {
    pub audit: Option<Line>,
    pub error: ToolError,
}

impl OdooMcp {
    /// Decodes a call: every check before Odoo is asked to act.
    pub(super) async fn prepare(
        &self,
        name: &str,
        arguments: Option<Map<String, Value>>,
    ) -> Result<Ready<'_>, Refused> {
        let catalog = self.catalog();
        let Some(entry) = catalog.get(name) else {
            return Err(Refused {
                audit: None,
                error: ToolError::UnknownTool {
                    name: name.to_string(),
                    suggestion: did_you_mean(&close_matches(name, catalog.names(), 3)),
                },
            });
        };
        let mut args = arguments.unwrap_or_default();
        arguments::coerce_json_strings(&entry.check_schema, &mut args);
        // Named in the audit line even when the arguments do not decode.
        let model = match entry.model {
            Some(descriptor) => Some(descriptor.model.to_string()),
            None => args.get("model").and_then(Value::as_str).map(clip),
        };
        let decoding = self.decode(entry, args);
        let refused = |error, args: Option<&dyn Decoded>| Refused {
            audit: Some(line(entry, model.clone(), args)),
            error,
        };
        // Refused before Odoo is asked anything (the model's or company's checks would).
        if entry.effect().writes() && !self.settings().access.allows_writes() {
            let error = ToolError::ReadOnly {
                tool: name.to_string(),
            };
            return Err(refused(
                error,
                decoding.as_ref().ok().map(|d| d.args.as_ref()),
            ));
        }
        let decoding = decoding.map_err(|error| refused(error, None))?;
        match self.resolve(entry, &decoding).await {
            Ok((model, client)) => Ok(Ready {
                entry,
                model,
                client,
                args: decoding.args,
            }),
            Err(error) => Err(refused(error, Some(decoding.args.as_ref()))),
        }
    }

    /// The arguments, without asking Odoo: the domain, the schema check and
    /// serde; `model` and `company_id` taken out where the server reads them.
    fn decode(&self, entry: &Entry, mut args: Map<String, Value>) -> Result<Decoding, ToolError> {
        // The domain first: its own checker says where it is malformed.
        let mut domain = None;
        if let Some(value) = args.get("domain") {
            let parsed = domain_arg::parse(value).map_err(ToolError::Domain)?;
            domain = Domain::from_value(&parsed.value).ok();
            args.insert("domain".into(), parsed.value);
        }
        self.check_arguments(entry, &args)?;
        // A typed tool's model is fixed (a typed create's `model` would be a field value).
        let named = if entry.handler.on_model() && entry.model.is_none() {
            take(&mut args, "model")?
        } else {
            None
        };
        let company = if entry.company {
            take(&mut args, "company_id")?
        } else {
            None
        };
        Ok(Decoding {
            named,
            domain,
            company,
            args: (entry.decode)(args)?,
        })
    }

    /// The model through the access rules, and the connection acting in the
    /// call's company (Odoo is asked which companies the user has).
    async fn resolve(
        &self,
        entry: &Entry,
        decoding: &Decoding,
    ) -> Result<(Model, OdooClient), ToolError> {
        let model = match (entry.handler.on_model(), entry.model, &decoding.named) {
            (false, ..) => None,
            (true, Some(descriptor), _) => Some((descriptor.model.to_string(), Some(descriptor))),
            (true, None, named) => {
                let name = named.as_ref().map_or("", |n| n.0.as_str());
                let target = self.odoo().resolve_model(name)?;
                Some((target.name.to_string(), target.descriptor))
            }
        };
        // A domain path may reach other models: each one under the same rule.
        if let (Some((name, _)), Some(domain)) = (&model, &decoding.domain) {
            self.odoo().check_domain_paths(name, domain).await?;
        }
        let client = match decoding.company {
            Some(company) => self.odoo().company_client(company.0).await?,
            None => self.client().clone(),
        };
        Ok((model, client))
    }

    /// The arguments against the tool's schema; a field the generated schema
    /// requires and this instance lacks is named as such.
    fn check_arguments(&self, entry: &Entry, args: &Map<String, Value>) -> Result<(), ToolError> {
        let Err(error) = arguments::check(&entry.check_schema, &Value::Object(args.clone())) else {
            return Ok(());
        };
        if let (arguments::ArgError::Missing { path, .. }, Some(descriptor)) = (&error, entry.model)
            && self
                .odoo()
                .absent_fields(descriptor.model)
                .is_some_and(|absent| absent.iter().any(|a| a == path))
        {
            return Err(ToolError::Odoo(OdooError::SchemaMismatch {
                model: descriptor.model.to_string(),
                missing: vec![path.clone()],
            }));
        }
        Err(error.into())
    }
}
