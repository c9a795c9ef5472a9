//! The Odoo services the tools share, on top of odoo-client: which models a
//! call may reach, field metadata and its caches, reads, writes, dry runs,
//! wizards, form buttons and companies. Every tool receives one [`Odoo`].
//! Nothing here knows MCP: the tools and the server sit above it.

use std::collections::BTreeSet;
use std::sync::Arc;

use odoo_client::registry::ModelDescriptor;
use odoo_client::{Domain, Error as OdooError, Missing, OdooClient};
use serde_json::{Map, Value, json};

use crate::error::ToolError;
use crate::settings::{Access, Settings};
use odoo_client::suggest::{close_matches, did_you_mean};

mod buttons;
mod companies;
mod dry_run;
pub(crate) mod identity;
pub(crate) mod imports;
pub(crate) mod key_store;
mod list_view;
pub(crate) mod model_fields;
mod onchange;
mod reads;
pub(crate) mod view_expr;
pub(crate) mod wizards;
mod writes;

pub use companies::Company;
pub use dry_run::WritePlan;
pub(crate) use reads::{Links, leave_out_empty, normalize};

use model_fields::{ModelFields, PerModel, TtlCache};

/// The attributes of `fields_get` the services read: one list, so every cached
/// answer serves every reader.
pub(crate) const FIELD_ATTRIBUTES: &[&str] = &[
    "string",
    "type",
    "required",
    "readonly",
    "store",
    "relation",
    "selection",
    "depends",
    "related",
];

/// One Odoo connection, as one Odoo user, with what it has learned (field
/// metadata, model list, companies, list and form views), each cached with
/// `ODOO_MCP_FIELDS_TTL`. Cheap to make for another user ([`Odoo::as_user`]):
/// what comes from the generated code is shared, what Odoo answered is the user's.
pub struct Odoo {
    client: OdooClient,
    shared: Arc<Shared>,
    learned: Arc<Learned>,
    /// API key and password, scrubbed from every message as a last line of defence.
    secrets: Arc<[String]>,
}

/// What every user's [`Odoo`] has alike: settings and what the generated code says.
struct Shared {
    settings: Settings,
    models: &'static [ModelDescriptor],
    descriptor_fields: PerModel<ModelFields>,
    /// Per generated model, what generic writes' values are checked against.
    value_schemas: PerModel<Map<String, Value>>,
}

/// What Odoo told one user: field groups, record rules and company rights make it
/// differ between users, so it serves only calls as that same user.
pub(crate) struct Learned {
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
}

impl Learned {
    pub(crate) fn new(ttl: std::time::Duration) -> Self {
        Self {
            fields: TtlCache::new(ttl),
            absent: TtlCache::new(ttl),
            model_list: TtlCache::new(ttl),
            companies: TtlCache::new(ttl),
            list_columns: TtlCache::new(ttl),
            forms: TtlCache::new(ttl),
        }
    }
}

fn secrets_of(config: &odoo_client::Config) -> Arc<[String]> {
    [config.api_key.as_ref(), config.password.as_ref()]
        .into_iter()
        .flatten()
        .map(|s| s.expose().to_string())
        .filter(|s| s.len() >= 4)
        .collect()
}

/// The model a call is about, and its generated descriptor if there is one.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub name: &'a str,
    pub descriptor: Option<&'static ModelDescriptor>,
}

impl Odoo {
    /// Makes no request: Odoo is first asked at the first tool call.
    pub fn new(
        config: odoo_client::Config,
        settings: Settings,
        models: &'static [ModelDescriptor],
    ) -> Result<Self, OdooError> {
        let client = OdooClient::new(config)?;
        Ok(Self::with_client(client, settings, models))
    }

    /// An [`Odoo`] whose callers bring their own credentials ([`Odoo::as_user`]);
    /// its own calls fail, it only knows where Odoo is.
    pub fn without_credentials(
        config: odoo_client::Config,
        settings: Settings,
        models: &'static [ModelDescriptor],
    ) -> Result<Self, OdooError> {
        let client = OdooClient::without_credentials(config)?;
        Ok(Self::with_client(client, settings, models))
    }

    fn with_client(
        client: OdooClient,
        settings: Settings,
        models: &'static [ModelDescriptor],
    ) -> Self {
        Self {
            secrets: secrets_of(client.config()),
            learned: Arc::new(Learned::new(settings.fields_ttl)),
            client,
            shared: Arc::new(Shared {
                settings,
                models,
                descriptor_fields: PerModel::default(),
                value_schemas: PerModel::default(),
            }),
        }
    }

    /// The same server acting as another Odoo user: `client` holds that user's
    /// credentials, `learned` what Odoo told that user before.
    pub(crate) fn as_user(&self, client: OdooClient, learned: Arc<Learned>) -> Self {
        Self {
            secrets: secrets_of(client.config()),
            client,
            shared: self.shared.clone(),
            learned,
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.shared.settings
    }

    pub fn client(&self) -> &OdooClient {
        &self.client
    }

    /// The generated models.
    pub fn models(&self) -> &'static [ModelDescriptor] {
        self.shared.models
    }

    /// The API key and password, which no message may show.
    pub fn secrets(&self) -> &[String] {
        &self.secrets
    }

    /// An error as a client or a log may see it: secrets scrubbed.
    pub fn render(&self, error: &ToolError) -> String {
        error.render(&self.secrets)
    }

    /// The fields of a generated model this instance lacks, once learned.
    pub fn absent_fields(&self, model: &str) -> Option<Arc<Vec<String>>> {
        self.learned.absent.get(model)
    }

    /// Asks Odoo which fields of `target`'s generated descriptor it has; true when
    /// some are missing (and newly learned), so the call is worth running again.
    pub async fn learn_absent(&self, target: Target<'_>) -> bool {
        let Some(descriptor) = target.descriptor else {
            return false;
        };
        if self.learned.absent.get(target.name).is_some() {
            return false;
        }
        let names = descriptor.fields.iter().map(|f| f.name);
        let Ok(absent) = self.client.missing_fields(target.name, names).await else {
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
        !self.learned.absent.insert(target.name, absent).is_empty()
    }

    /// Which models the current access level reaches without `ODOO_YOLO`.
    pub fn enabled_models(&self) -> BTreeSet<&str> {
        self.shared
            .models
            .iter()
            .map(|d| d.model)
            .chain(self.shared.settings.allowlist.iter().map(String::as_str))
            .collect()
    }

    /// `model` as a call may reach it under the access rules.
    pub fn resolve_model<'a>(&self, model: &'a str) -> Result<Target<'a>, ToolError> {
        let descriptor = self.shared.models.iter().find(|d| d.model == model);
        let enabled = self.enabled_models();
        if !crate::settings::is_model_name(model) {
            return Err(ToolError::UnknownModel {
                model: model.to_string(),
                suggestion: did_you_mean(&close_matches(model, enabled.iter().copied(), 3)),
            });
        }
        if self.shared.settings.access == Access::Standard && !enabled.contains(model) {
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

    /// Refuses a field path that passes through a model the access rules do
    /// not reach, the same rule as asking that model directly: every segment
    /// but the last is a relation whose model must be enabled (`through_last`:
    /// the last one too, as for `any` and for `a/b/c` columns whose last part
    /// names the related model's field). `sep` is `.` (domains) or `/` (columns).
    /// Unknown or non-relational segments are left to Odoo's own error.
    /// The model the crossed segments end at, when each is a relation (and
    /// the access rules are checked at all: `None` with ODOO_YOLO).
    pub async fn check_path(
        &self,
        model: &str,
        path: &str,
        sep: char,
        through_last: bool,
        argument: &'static str,
    ) -> Result<Option<String>, ToolError> {
        if self.shared.settings.access != Access::Standard {
            return Ok(None);
        }
        let mut segments: Vec<&str> = path.split(sep).collect();
        // `partner_id/id`, `partner_id.id`: the related record's id, as reading `partner_id` gives.
        if segments.len() > 1 && matches!(segments.last(), Some(&("id" | ".id"))) {
            segments.pop();
        }
        let crossed = segments.len() - usize::from(!through_last);
        let mut current = model.to_string();
        for field in &segments[..crossed] {
            let target = self.resolve_model(&current)?;
            let fields = self.metadata(target, &[field]).await?;
            let Some(relation) = fields.get(field).and_then(|f| f.relation.clone()) else {
                return Ok(None);
            };
            if let Err(ToolError::ModelNotEnabled { .. }) = self.resolve_model(&relation) {
                return Err(ToolError::PathNotEnabled {
                    argument,
                    path: path.to_string(),
                    field: format!("{current}.{field}"),
                    model: relation,
                });
            }
            current = relation;
        }
        Ok(Some(current))
    }

    /// Every path of `domain` on `model` (and of its `any` sub-domains, on
    /// the related models) through [`Odoo::check_path`].
    pub async fn check_domain_paths(&self, model: &str, domain: &Domain) -> Result<(), ToolError> {
        if self.shared.settings.access != Access::Standard {
            return Ok(());
        }
        // (model, domain) pairs still to check: `any` nests on the related model.
        let mut pending = vec![(model.to_string(), domain.clone())];
        while let Some((model, domain)) = pending.pop() {
            for condition in domain.conditions() {
                let path = condition.field();
                let through_last = condition.subdomain().is_some();
                let related = self
                    .check_path(&model, path, '.', through_last, "domain")
                    .await?;
                if let (Some(sub), Some(related)) = (condition.subdomain(), related) {
                    pending.push((related, sub.clone()));
                }
            }
        }
        Ok(())
    }

    /// Turns Odoo's "no such model" into a message with close model names
    /// (the model list is fetched on this error path only, then cached).
    pub async fn explain_model_error(&self, error: ToolError, model: &str) -> ToolError {
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
        self.shared
            .descriptor_fields
            .get_or_init(descriptor.model, || {
                Some(ModelFields::from_descriptor(descriptor))
            })
    }

    /// Field metadata that knows every name in `names`: the descriptor when it
    /// does, else Odoo's `fields_get` (cached with a TTL).
    pub async fn metadata(
        &self,
        target: Target<'_>,
        names: &[&str],
    ) -> Result<Arc<ModelFields>, ToolError> {
        if let Some(fields) = target.descriptor.and_then(|d| self.descriptor_fields(d))
            && names.iter().all(|n| fields.contains(n))
        {
            return Ok(match self.learned.absent.get(target.name) {
                Some(absent) if !absent.is_empty() => Arc::new(fields.without(&absent)),
                _ => fields,
            });
        }
        if let Some(fields) = self.learned.fields.get(target.name) {
            return Ok(fields);
        }
        let answer = self
            .client
            .fields_get(target.name, FIELD_ATTRIBUTES)
            .await?;
        Ok(self
            .learned
            .fields
            .insert(target.name, ModelFields::from_fields_get(&answer)))
    }

    /// Refuses a name `fields` lacks (naming close ones), or one this instance
    /// lacks although the generated code has it.
    pub fn check_names(
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
    pub fn forget_metadata(&self) {
        self.learned.model_list.clear();
        self.learned.fields.clear();
        self.learned.absent.clear();
        self.learned.list_columns.clear();
        self.learned.forms.clear();
        self.learned.companies.clear();
    }

    /// Models and labels, from Odoo's `ir.model` (cached), or the generated
    /// table alone when nothing else is reachable.
    pub async fn model_list(&self) -> Result<Arc<Vec<(String, String)>>, ToolError> {
        if let Some(list) = self.learned.model_list.get("all") {
            return Ok(list);
        }
        let access = self.shared.settings.access;
        if access == Access::Standard && self.shared.settings.allowlist.is_empty() {
            let list = self
                .models()
                .iter()
                .map(|d| (d.model.to_string(), d.label.to_string()))
                .collect();
            return Ok(self.learned.model_list.insert("all", list));
        }
        let domain = if access == Access::Standard {
            json!([["model", "in", self.enabled_models()]])
        } else if self.client.version().await?.major >= 19 {
            json!([["transient", "=", false], ["abstract", "=", false]])
        } else {
            // `ir.model.abstract` is new in Odoo 19.
            json!([["transient", "=", false]])
        };
        let kwargs = kwargs(vec![
            ("domain", domain),
            ("fields", json!(["model", "name"])),
            ("order", json!("model")),
        ]);
        let answer = self
            .client
            .execute("ir.model", "search_read", None, kwargs, None)
            .await?;
        let mut list: Vec<(String, String)> = answer
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|row| {
                let model = row.get("model")?.as_str()?.to_string();
                let label = row.get("name").and_then(Value::as_str).unwrap_or("");
                Some((model, label.to_string()))
            })
            .collect();
        // Generated models Odoo did not list (e.g. not installed) stay out.
        list.sort();
        Ok(self.learned.model_list.insert("all", list))
    }
}

impl std::fmt::Debug for Odoo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Odoo")
            .field("client", &self.client)
            .field("settings", self.settings())
            .finish()
    }
}

/// Keyword arguments of an Odoo call.
pub fn kwargs(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Whether Odoo fills a field on create from others (`fields_get`'s
/// `depends`: a compute, or a related field's source), so a required one is
/// not asked of the caller (Odoo's own error names it if it stays empty).
pub fn computed_on_create(def: &Value) -> bool {
    def.get("depends")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty())
        || def.get("related").is_some_and(|r| !is_empty(r))
}

/// Odoo's empty value for a field (`false`, `null`, `""`, `[]`).
pub fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}
