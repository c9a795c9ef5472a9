//! Wizards: the dialogs (transient models) that many business steps open
//! instead of finishing (register a payment, invoice an order, mark a lead
//! lost, confirm a delivery). A wizard is described from its form view, made
//! in the context it was opened with, and one of its buttons pressed.

use odoo_client::registry::FieldType;
use odoo_client::{OdooClient, RecordId};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::Odoo;
use super::onchange;
use super::{computed_on_create, is_empty, kwargs};
use crate::error::ToolError;
use odoo_client::views::{self as form_view, Form};

/// A wizard waiting for its values and one of its buttons.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Wizard {
    /// The wizard's model: run_wizard's `wizard`.
    pub wizard: String,
    /// The wizard record the action already made: run_wizard's `wizard_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wizard_id: Option<RecordId>,
    /// The context it runs in (the records it acts on, its defaults): run_wizard's `context`, as is.
    pub context: Map<String, Value>,
    /// The fields its form shows, required ones first, with the value Odoo gives them.
    pub fields: Vec<WizardField>,
    /// Its buttons: run_wizard's `button` is one's `method`.
    pub buttons: Vec<WizardButton>,
    /// The values of the hidden fields the conditions name.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub hidden: Map<String, Value>,
    /// Required fields without a value that Odoo does not compute either:
    /// run_wizard needs them in `values`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Why the values may be incomplete (Odoo's onchange could not be asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WizardField {
    pub name: String,
    pub label: String,
    #[serde(rename = "type", serialize_with = "type_name")]
    #[schemars(with = "String")]
    pub kind: FieldType,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Required only when this condition (Odoo's expression on the wizard's fields) holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_when: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub readonly: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readonly_when: Option<String>,
    /// The form hides the field when this condition holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_when: Option<String>,
    /// Odoo's value (its default, or the wizard record's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The model a relational field points to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// A selection's values and labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection: Option<Vec<(String, String)>>,
}

/// A field type as Odoo names it.
fn type_name<S: serde::Serializer>(kind: &FieldType, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(kind.as_str())
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WizardButton {
    pub method: String,
    pub label: String,
    /// The form hides the button when this condition holds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden_when: Option<String>,
}

/// What pressing a button (or a business method) led to.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Next {
    /// Finished: nothing more to do.
    Done,
    /// A record to look at (e.g. the invoice made).
    Record {
        model: String,
        id: RecordId,
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// Records to look at: the action's model and domain.
    Records {
        model: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        domain: Option<Value>,
    },
    /// Another wizard, to run with run_wizard.
    Wizard(Box<Wizard>),
    /// Another kind of action (a report, a web page): Odoo's own description.
    Action { action: Value },
    /// Odoo ran it, but its answer did not come back (XML-RPC cannot carry a
    /// None inside it): what it made is to be read from the records.
    Unknown { note: String },
}

impl Next {
    /// The step after an answer XML-RPC could not carry.
    pub(crate) fn lost() -> Self {
        Next::Unknown {
            note: "Odoo ran it, but XML-RPC cannot carry its answer (an action holding a None value; JSON/2 on Odoo 19+ can), so where it leads is unknown: read the records it acted on (e.g. an order's invoice_ids) to see what it made. Do not run it again".into(),
        }
    }
}

/// The wizard's form and field definitions, asked of Odoo in its context.
pub(crate) struct WizardModel {
    pub(crate) form: Form,
    pub(crate) defs: Map<String, Value>,
}

/// The records a context says the wizard acts on: `active_model`, `active_ids`.
fn active(context: &Map<String, Value>) -> Option<(&str, Vec<RecordId>)> {
    let model = context.get("active_model")?.as_str()?;
    let ids: Vec<RecordId> = match context.get("active_ids") {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_i64).collect(),
        _ => vec![context.get("active_id")?.as_i64()?],
    };
    Some((model, ids))
}

/// The context an action that a button on `model`'s `ids` returned runs in:
/// its own, plus the records it came from, as Odoo's web client adds them.
pub(crate) fn action_context(
    action: &Map<String, Value>,
    model: &str,
    ids: &[RecordId],
) -> Map<String, Value> {
    // A context still written in Python (`"{'default_x': active_id}"`) cannot be used here.
    let own = match action.get("context") {
        Some(Value::Object(context)) => context.clone(),
        _ => Map::new(),
    };
    with_records(own, model, ids)
}

/// `context` acting on `model`'s `ids` (`active_model`, `active_ids`,
/// `active_id`), unless it already names the records it acts on.
pub(crate) fn with_records(
    mut context: Map<String, Value>,
    model: &str,
    ids: &[RecordId],
) -> Map<String, Value> {
    if !ids.is_empty() && !context.contains_key("active_model") {
        context.insert("active_model".into(), json!(model));
        context.insert("active_ids".into(), json!(ids));
        context.insert("active_id".into(), json!(ids[0]));
    }
    context
}

impl WizardModel {
    pub(crate) async fn load(
        client: &OdooClient,
        wizard: &str,
        context: &Map<String, Value>,
    ) -> Result<Self, ToolError> {
        let search = kwargs(vec![
            ("domain", json!([["model", "=", wizard]])),
            ("fields", json!(["transient"])),
        ]);
        let found = client
            .execute("ir.model", "search_read", None, search, None)
            .await?;
        match found.get(0).map(|m| m.get("transient")) {
            None => {
                return Err(ToolError::UnknownModel {
                    model: wizard.to_string(),
                    suggestion: String::new(),
                });
            }
            Some(Some(Value::Bool(true))) => {}
            Some(_) => {
                return Err(ToolError::Invalid {
                    argument: "wizard",
                    message: format!(
                        "{wizard} is not a wizard (a transient model); use the record tools for it"
                    ),
                });
            }
        }
        let form = super::buttons::fetch_form(client, wizard, Some(context)).await?;
        let attributes = json!(super::FIELD_ATTRIBUTES);
        let defs = match client
            .execute(
                wizard,
                "fields_get",
                None,
                kwargs(vec![("attributes", attributes)]),
                Some(context),
            )
            .await?
        {
            Value::Object(defs) => defs,
            _ => Map::new(),
        };
        Ok(Self { form, defs })
    }

    fn def(&self, field: &str) -> Option<&Map<String, Value>> {
        self.defs.get(field).and_then(Value::as_object)
    }

    /// A field's type, as its definition gives it.
    fn field_type(&self, field: &str) -> Option<FieldType> {
        Some(FieldType::parse(self.def(field)?.get("type")?.as_str()?))
    }

    /// Fills in what the action that opens such a wizard usually sets (its
    /// `default_<field>: active_ids`): the one field that points to the active
    /// records' model, when the context gives it no value.
    pub(crate) fn complete(&self, context: &mut Map<String, Value>) {
        let Some((model, ids)) = active(context) else {
            return;
        };
        if ids.is_empty() {
            return;
        }
        let pointing: Vec<(&String, FieldType)> = self
            .defs
            .iter()
            .filter_map(|(name, def)| {
                let def = def.as_object()?;
                let kind = self.field_type(name)?;
                (def.get("relation")?.as_str()? == model
                    && def.get("readonly") != Some(&Value::Bool(true))
                    && kind.is_relational())
                .then_some((name, kind))
            })
            .collect();
        let [(name, kind)] = pointing[..] else {
            return;
        };
        let key = format!("default_{name}");
        if context.contains_key(&key) {
            return;
        }
        let value = match (kind, &ids[..]) {
            (FieldType::Many2one, [id]) => json!(id),
            (FieldType::Many2one, _) => return,
            _ => json!(ids),
        };
        context.insert(key, value);
    }

    /// The names of the fields its form shows.
    fn shown(&self) -> Vec<&str> {
        self.form
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .filter(|n| self.defs.contains_key(*n))
            .collect()
    }

    /// The values Odoo gives the shown fields: the wizard record's, or, for a
    /// new one, what its form proposes (defaults plus onchange). When onchange
    /// fails (Odoo before 17, access), its defaults only, with a note.
    pub(crate) async fn proposal(
        &self,
        client: &OdooClient,
        run: &WizardRun<'_>,
    ) -> Result<Proposal, ToolError> {
        let mut names = self.shown();
        if names.is_empty() {
            return Ok(Proposal::default());
        }
        names.extend(self.conditions_name());
        let (wizard, context) = (run.wizard, &run.context);
        let call = kwargs(vec![("fields", json!(names))]);
        let answer = match run.wizard_id {
            Some(id) => {
                let rows = client
                    .execute(wizard, "read", Some(&[id]), call, Some(context))
                    .await?;
                rows.get(0).cloned().unwrap_or(Value::Null)
            }
            None => match self.onchange(client, wizard, context).await {
                Ok(values) => {
                    return Ok(Proposal {
                        values,
                        onchange: true,
                        note: None,
                    });
                }
                Err(error) => {
                    tracing::debug!(wizard, %error, "onchange refused; defaults only");
                    let values = client
                        .execute(wizard, "default_get", None, call, Some(context))
                        .await?;
                    return Ok(Proposal {
                        values: values.as_object().cloned().unwrap_or_default(),
                        onchange: false,
                        note: Some(format!(
                            "Odoo's onchange could not be asked ({error}): the values are its defaults only, and a required field its form fills may be left out of `missing`; if run_wizard then names one, give it in `values`"
                        )),
                    });
                }
            },
        };
        Ok(Proposal {
            values: answer.as_object().cloned().unwrap_or_default(),
            onchange: false,
            note: None,
        })
    }

    /// What the web client shows for a new wizard: `onchange` on an empty
    /// recordset with no field changed, many2one values reduced to ids and
    /// x2many commands to id lists.
    async fn onchange(
        &self,
        client: &OdooClient,
        wizard: &str,
        context: &Map<String, Value>,
    ) -> Result<Map<String, Value>, odoo_client::Error> {
        // Every field of the form, hidden ones too, as the web client asks:
        // Odoo fills only the spec's fields, and computes read the hidden ones
        // (the reversal's journal is its hidden moves' journal).
        let hidden = self.form.hidden.iter().map(String::as_str);
        let fields: Vec<&str> = self
            .shown()
            .into_iter()
            .chain(hidden.filter(|n| self.defs.contains_key(*n)))
            .collect();
        let kind = |name: &str| self.field_type(name);
        onchange::form_values(client, wizard, &Map::new(), &fields, kind, Some(context)).await
    }

    /// The values to make the wizard with: the caller's over the editable
    /// ones onchange proposed, as the web client saves a new record (the
    /// stored computes it fills, such as a reversal's journal, are not
    /// computed by `create` in time for their NOT NULL column).
    pub(crate) fn creation_values(
        &self,
        proposal: &Proposal,
        given: Map<String, Value>,
    ) -> Map<String, Value> {
        if !proposal.onchange {
            return given;
        }
        let mut values: Map<String, Value> = proposal
            .values
            .iter()
            .filter(|(name, value)| !is_empty(value) && self.editable(name))
            .filter_map(|(name, value)| match self.field_type(name) {
                // Setting existing lines would take them from their record:
                // Odoo's own default makes a new wizard's lines.
                Some(FieldType::One2many) => None,
                Some(FieldType::Many2many) => Some((name.clone(), json!([[6, 0, value]]))),
                _ => Some((name.clone(), value.clone())),
            })
            .collect();
        values.extend(given);
        values
    }

    /// Whether the form lets the field be written (Odoo ignores the others on create).
    fn editable(&self, name: &str) -> bool {
        let view = self.form.fields.iter().find(|f| f.name == name);
        self.def(name)
            .is_some_and(|d| d.get("readonly") != Some(&Value::Bool(true)))
            && !view
                .and_then(|f| f.readonly_when.as_deref())
                .is_some_and(form_view::always)
    }

    /// Whether Odoo computes the field when the wizard is made: it needs no
    /// value from the caller.
    fn computed(&self, name: &str) -> bool {
        self.defs.get(name).is_some_and(computed_on_create)
    }

    /// Whether a field must have a value whatever the wizard's state.
    fn always_required(&self, name: &str) -> bool {
        let view = self.form.fields.iter().find(|f| f.name == name);
        let in_view = view
            .and_then(|f| f.required_when.as_deref())
            .is_some_and(form_view::always);
        let readonly = view
            .and_then(|f| f.readonly_when.as_deref())
            .is_some_and(form_view::always);
        let in_model = self
            .def(name)
            .is_some_and(|d| d.get("required") == Some(&Value::Bool(true)));
        (in_view || in_model) && !readonly
    }

    /// The required fields that neither `run.values` nor Odoo fill (its
    /// context completed).
    pub(crate) fn unset(&self, run: &WizardRun<'_>, proposal: &Proposal) -> Vec<WizardField> {
        let description = self.describe(run.wizard, run.wizard_id, Map::new(), proposal);
        description
            .fields
            .into_iter()
            .filter(|f| description.missing.contains(&f.name))
            .filter(|f| run.values.get(&f.name).is_none_or(is_empty))
            .collect()
    }

    fn describe(
        &self,
        wizard: &str,
        wizard_id: Option<RecordId>,
        context: Map<String, Value>,
        proposal: &Proposal,
    ) -> Wizard {
        let values = &proposal.values;
        let mut fields: Vec<WizardField> = self
            .form
            .fields
            .iter()
            .filter_map(|view| self.field(view, values))
            .collect();
        // Required first, in the form's order otherwise.
        fields.sort_by_key(|f| !(f.required || f.required_when.is_some()));
        let missing = fields
            .iter()
            // Onchange computed what the form fills: what it leaves empty, nobody
            // fills. Without it, a computed field is taken as filled on create.
            .filter(|f| {
                f.required
                    && f.value.as_ref().is_none_or(is_empty)
                    && (proposal.onchange || !self.computed(&f.name))
            })
            .map(|f| f.name.clone())
            .collect();
        Wizard {
            wizard: wizard.to_string(),
            wizard_id,
            context,
            fields,
            buttons: self
                .form
                .button_elements
                .iter()
                .map(|b| WizardButton {
                    method: b.method.clone(),
                    label: b.label.clone(),
                    hidden_when: b.hidden_when.clone(),
                })
                .collect(),
            hidden: self.named_hidden(values),
            missing,
            note: proposal.note.clone(),
        }
    }

    /// A field of the form as the description gives it, with its value in `values`.
    fn field(&self, view: &form_view::Field, values: &Map<String, Value>) -> Option<WizardField> {
        let def = self.def(&view.name)?;
        let text = |key: &str| def.get(key).and_then(Value::as_str).map(str::to_string);
        let kind = self
            .field_type(&view.name)
            .unwrap_or_else(|| FieldType::parse(""));
        let condition = |c: &Option<String>| c.clone().filter(|c| !form_view::always(c));
        let value = values
            .get(&view.name)
            .filter(|v| !(kind != FieldType::Boolean && **v == Value::Bool(false)))
            .cloned();
        Some(WizardField {
            name: view.name.clone(),
            label: (view.label.clone().or_else(|| text("string")))
                .unwrap_or_else(|| view.name.clone()),
            required: self.always_required(&view.name),
            required_when: condition(&view.required_when),
            readonly: def.get("readonly") == Some(&Value::Bool(true))
                || view.readonly_when.as_deref().is_some_and(form_view::always),
            readonly_when: condition(&view.readonly_when),
            hidden_when: view.hidden_when.clone(),
            value,
            relation: text("relation"),
            selection: def.get("selection").and_then(Value::as_array).map(|s| {
                s.iter()
                    .filter_map(|pair| {
                        Some((
                            pair.get(0)?.as_str()?.to_string(),
                            pair.get(1)?.as_str()?.to_string(),
                        ))
                    })
                    .collect()
            }),
            kind,
        })
    }

    /// The fields the form's conditions name that it does not show.
    fn conditions_name(&self) -> Vec<&str> {
        let fields = self.form.fields.iter().flat_map(|f| {
            [&f.hidden_when, &f.required_when, &f.readonly_when]
                .into_iter()
                .flatten()
        });
        let buttons = self
            .form
            .button_elements
            .iter()
            .filter_map(|b| b.hidden_when.as_ref());
        let shown = self.shown();
        let mut names: Vec<&str> = fields
            .chain(buttons)
            .flat_map(|c| form_view::names(c))
            .filter(|n| self.defs.contains_key(*n) && !shown.contains(n))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The values of the hidden fields the conditions name, as short as the
    /// conditions need them: a many2one's id, an x2many's ids, whether a
    /// text is set.
    fn named_hidden(&self, values: &Map<String, Value>) -> Map<String, Value> {
        self.conditions_name()
            .into_iter()
            .map(|name| {
                let value = values.get(name).cloned().unwrap_or(Value::Bool(false));
                let value = match (self.field_type(name), value) {
                    (Some(FieldType::Many2one), Value::Array(pair)) => {
                        pair.first().cloned().unwrap_or(Value::Bool(false))
                    }
                    (Some(FieldType::Text | FieldType::Html | FieldType::Binary), v) => {
                        Value::Bool(!is_empty(&v))
                    }
                    (_, v) => v,
                };
                (name.to_string(), value)
            })
            .collect()
    }
}

/// The values a wizard's form shows before the caller's.
#[derive(Debug, Default)]
pub(crate) struct Proposal {
    pub(crate) values: Map<String, Value>,
    /// Whether they are onchange's (else the record's, or defaults only).
    pub(crate) onchange: bool,
    pub(crate) note: Option<String>,
}

/// A wizard to run: which, on what, with which values.
pub(crate) struct WizardRun<'a> {
    pub wizard: &'a str,
    pub wizard_id: Option<RecordId>,
    pub context: Map<String, Value>,
    pub values: Map<String, Value>,
}

impl Odoo {
    /// The wizard as its form shows it, with Odoo's values in `context`.
    pub(crate) async fn describe_wizard(
        &self,
        client: &OdooClient,
        wizard: &str,
        wizard_id: Option<RecordId>,
        mut context: Map<String, Value>,
    ) -> Result<Wizard, ToolError> {
        let model = WizardModel::load(client, wizard, &context).await?;
        model.complete(&mut context);
        let run = WizardRun {
            wizard,
            wizard_id,
            context,
            values: Map::new(),
        };
        let proposal = model.proposal(client, &run).await?;
        Ok(model.describe(wizard, wizard_id, run.context, &proposal))
    }

    /// The required values `run` lacks, as the wizard's form describes them.
    pub(crate) async fn wizard_unset(
        &self,
        client: &OdooClient,
        mut run: WizardRun<'_>,
    ) -> Result<Vec<WizardField>, ToolError> {
        let model = WizardModel::load(client, run.wizard, &run.context).await?;
        model.complete(&mut run.context);
        let proposal = model.proposal(client, &run).await?;
        Ok(model.unset(&run, &proposal))
    }

    /// Runs a business method (a button) on `model`'s `ids` (none: on the
    /// model) and says where its answer leads; an action's web-client parts
    /// (views, help HTML) are left out of the answer.
    pub(crate) async fn run_method(
        &self,
        client: &OdooClient,
        model: &str,
        method: &str,
        ids: &[RecordId],
        kwargs: Map<String, Value>,
    ) -> Result<(Value, Option<Next>), odoo_client::Error> {
        let on = (!ids.is_empty()).then_some(ids);
        let answer = client.execute(model, method, on, kwargs, None).await;
        self.answered(client, model, ids, answer).await
    }

    /// Runs the server action `action` on `model`'s `ids` through Odoo's own
    /// runner (`ir.actions.server.run`, as the web client's Action menu
    /// does): Odoo checks the action's groups and the user's write access.
    pub(crate) async fn run_server_action(
        &self,
        client: &OdooClient,
        model: &str,
        action: RecordId,
        ids: &[RecordId],
    ) -> Result<(Value, Option<Next>), odoo_client::Error> {
        let mut context = Map::new();
        context.insert("active_model".into(), json!(model));
        context.insert("active_id".into(), json!(ids.first()));
        context.insert("active_ids".into(), json!(ids));
        let answer = client
            .execute(
                "ir.actions.server",
                "run",
                Some(&[action]),
                Map::new(),
                Some(&context),
            )
            .await;
        self.answered(client, model, ids, answer).await
    }

    /// What a button's answer gives back: the result, and where an action leads.
    async fn answered(
        &self,
        client: &OdooClient,
        model: &str,
        ids: &[RecordId],
        answer: Result<Value, odoo_client::Error>,
    ) -> Result<(Value, Option<Next>), odoo_client::Error> {
        match answer {
            Ok(Value::Object(action)) => {
                let next = self
                    .next_step(client, Value::Object(action.clone()), model, ids)
                    .await;
                Ok((brief(action), Some(next)))
            }
            Ok(result) => Ok((result, None)),
            Err(odoo_client::Error::AnswerNotCarried) => Ok((Value::Null, Some(Next::lost()))),
            Err(error) => Err(error),
        }
    }

    /// What the answer of a method called on `model`'s `ids` leads to: done,
    /// a record, records, another wizard (described), or another kind of action.
    pub(crate) async fn next_step(
        &self,
        client: &OdooClient,
        answer: Value,
        model: &str,
        ids: &[RecordId],
    ) -> Next {
        let source = model;
        let Value::Object(action) = answer else {
            return Next::Done;
        };
        let kind = action.get("type").and_then(Value::as_str).unwrap_or("");
        let model = action.get("res_model").and_then(Value::as_str);
        let res_id = action
            .get("res_id")
            .and_then(Value::as_i64)
            .filter(|id| *id > 0);
        match (kind, model) {
            ("ir.actions.act_window_close", _) => Next::Done,
            ("ir.actions.act_window", Some(model))
                if action.get("target").and_then(Value::as_str) == Some("new") =>
            {
                let wizard_context = action_context(&action, source, ids);
                match self
                    .describe_wizard(client, model, res_id, wizard_context)
                    .await
                {
                    Ok(wizard) => Next::Wizard(Box::new(wizard)),
                    Err(error) => {
                        tracing::debug!(model, %error, "a dialog that is not a wizard");
                        Next::Action {
                            action: brief(action),
                        }
                    }
                }
            }
            ("ir.actions.act_window", Some(model)) => match res_id {
                Some(id) => Next::Record {
                    model: model.to_string(),
                    id,
                    url: self.links(model).await.map(|l| l.url(id)),
                },
                None => Next::Records {
                    model: model.to_string(),
                    domain: action.get("domain").filter(|d| !is_empty(d)).cloned(),
                },
            },
            _ => Next::Action {
                action: brief(action),
            },
        }
    }
}

/// An action without what only Odoo's web client reads (views, help HTML).
pub(crate) fn brief(mut action: Map<String, Value>) -> Value {
    for key in [
        "help",
        "views",
        "view_id",
        "search_view_id",
        "binding_model_id",
        "binding_type",
        "binding_view_types",
        "mobile_view_mode",
        "embedded_action_ids",
    ] {
        action.remove(key);
    }
    Value::Object(action)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(arch: &str, defs: Value) -> WizardModel {
        WizardModel {
            form: form_view::parse(arch),
            defs: defs.as_object().cloned().unwrap_or_default(),
        }
    }

    fn lost() -> WizardModel {
        model(
            r#"<form><field name="lead_ids" invisible="1"/><field name="lost_reason_id"/>
               <field name="lost_feedback"/>
               <footer><button name="action_lost_reason_apply" type="object" string="Mark as Lost"/>
               <button special="cancel" string="Discard"/></footer></form>"#,
            json!({
                "lead_ids": {"type": "many2many", "relation": "crm.lead", "string": "Leads"},
                "lost_reason_id": {"type": "many2one", "relation": "crm.lost.reason", "string": "Lost Reason", "required": true},
                "lost_feedback": {"type": "html", "string": "Closing Note"},
                "company_id": {"type": "many2one", "relation": "res.company", "readonly": true},
            }),
        )
    }

    #[test]
    fn the_field_pointing_to_the_active_records_gets_them_as_a_default() {
        let mut context = json!({"active_model": "crm.lead", "active_ids": [26, 27]})
            .as_object()
            .cloned()
            .unwrap();
        lost().complete(&mut context);
        assert_eq!(context["default_lead_ids"], json!([26, 27]));
        // An action's own default wins.
        let mut given =
            json!({"active_model": "crm.lead", "active_ids": [26], "default_lead_ids": [1]})
                .as_object()
                .cloned()
                .unwrap();
        lost().complete(&mut given);
        assert_eq!(given["default_lead_ids"], json!([1]));
        // Nothing points to res.partner.
        let mut other = json!({"active_model": "res.partner", "active_ids": [3]})
            .as_object()
            .cloned()
            .unwrap();
        lost().complete(&mut other);
        assert_eq!(other.len(), 2);
    }

    #[test]
    fn a_description_puts_required_fields_first_and_names_the_missing_ones() {
        let values = json!({"lost_feedback": false})
            .as_object()
            .cloned()
            .unwrap();
        let proposal = Proposal {
            values,
            ..Proposal::default()
        };
        let wizard = lost().describe("crm.lead.lost", None, Map::new(), &proposal);
        let names: Vec<&str> = wizard.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["lost_reason_id", "lost_feedback"]);
        assert!(wizard.fields[0].required);
        assert_eq!(
            wizard.fields[0].relation.as_deref(),
            Some("crm.lost.reason")
        );
        // Odoo's `false` for an empty html field is no value.
        assert_eq!(wizard.fields[1].value, None);
        assert_eq!(wizard.missing, ["lost_reason_id"]);
        assert_eq!(wizard.buttons.len(), 1);
        assert_eq!(wizard.buttons[0].label, "Mark as Lost");
    }

    #[test]
    fn an_action_from_a_button_runs_with_the_records_it_came_from() {
        let action = json!({"type": "ir.actions.act_window", "context": {"button_validate_picking_ids": [51]}});
        let context = action_context(action.as_object().unwrap(), "stock.picking", &[51]);
        assert_eq!(context["active_model"], "stock.picking");
        assert_eq!(context["active_ids"], json!([51]));
        assert_eq!(context["button_validate_picking_ids"], json!([51]));
        let own =
            json!({"context": {"active_model": "account.move.line", "active_ids": [135, 136]}});
        let context = action_context(own.as_object().unwrap(), "account.move", &[57]);
        assert_eq!(context["active_model"], "account.move.line");
        let python = json!({"context": "{'default_lead_ids': active_ids}"});
        let context = action_context(python.as_object().unwrap(), "crm.lead", &[]);
        assert!(context.is_empty());
    }

    fn reversal() -> WizardModel {
        model(
            r#"<form><field name="move_ids" invisible="1"/><field name="company_id" invisible="1"/>
               <field name="reason"/><field name="journal_id"/><field name="date" required="1"/>
               <footer><button name="refund_moves" type="object" string="Reverse"/></footer></form>"#,
            json!({
                "move_ids": {"type": "many2many", "relation": "account.move", "string": "Move", "depends": ["move_ids.state"]},
                "company_id": {"type": "many2one", "relation": "res.company", "required": true, "readonly": true},
                "reason": {"type": "char", "string": "Reason displayed on Credit Note"},
                "journal_id": {"type": "many2one", "relation": "account.journal", "string": "Journal", "required": true, "depends": ["move_ids"]},
                "date": {"type": "date", "string": "Reversal date"},
            }),
        )
    }

    #[test]
    fn with_onchange_a_computed_required_field_it_fills_is_not_missing_and_is_sent() {
        let values = json!({"move_ids": [71], "company_id": 1, "journal_id": 7, "date": "2026-12-05", "reason": false});
        let proposal = Proposal {
            values: values.as_object().cloned().unwrap(),
            onchange: true,
            note: None,
        };
        let wizard = reversal().describe("account.move.reversal", None, Map::new(), &proposal);
        let journal = wizard
            .fields
            .iter()
            .find(|f| f.name == "journal_id")
            .unwrap();
        assert_eq!(journal.value, Some(json!(7)));
        assert!(wizard.missing.is_empty(), "{:?}", wizard.missing);
        let given = json!({"reason": "Damaged", "date": "2026-12-01"});
        let made = reversal().creation_values(&proposal, given.as_object().cloned().unwrap());
        assert_eq!(
            Value::Object(made),
            // company_id is read-only; the caller's values win.
            json!({"move_ids": [[6, 0, [71]]], "journal_id": 7, "date": "2026-12-01", "reason": "Damaged"})
        );
        // Left empty by onchange, the journal is missing, computed or not.
        let mut empty = proposal;
        empty.values.insert("journal_id".into(), json!(false));
        let wizard = reversal().describe("account.move.reversal", None, Map::new(), &empty);
        assert_eq!(wizard.missing, ["journal_id"]);
        // Without onchange (defaults only), a computed one is taken as filled.
        empty.onchange = false;
        let wizard = reversal().describe("account.move.reversal", None, Map::new(), &empty);
        assert!(wizard.missing.is_empty());
        let made = reversal().creation_values(&empty, Map::new());
        assert!(made.is_empty());
    }

    /// The hidden fields the conditions read travel as values, shortened;
    /// shown ones and those no condition names do not.
    #[test]
    fn a_description_carries_the_hidden_values_its_conditions_name() {
        let wizard = model(
            r#"<form><field name="move_type" invisible="1"/><field name="partner_id" invisible="1"/>
               <field name="note" invisible="1"/><field name="line_ids" invisible="1"/><field name="unused" invisible="1"/>
               <field name="reason" invisible="move_type == 'entry' or not note"/>
               <field name="journal_id" readonly="partner_id and line_ids" required="not reason"/>
               <footer><button name="go" type="object" string="Go" invisible="context.get('x') or journal_id"/></footer></form>"#,
            json!({
                "move_type": {"type": "selection"}, "partner_id": {"type": "many2one"},
                "note": {"type": "html"}, "line_ids": {"type": "one2many"}, "unused": {"type": "char"},
                "reason": {"type": "char"}, "journal_id": {"type": "many2one"},
            }),
        );
        let values = json!({"move_type": "out_invoice", "partner_id": [7, "Azure"], "note": "<p>long text</p>", "line_ids": [3, 4], "unused": "x", "journal_id": 1});
        let proposal = Proposal {
            values: values.as_object().cloned().unwrap(),
            ..Proposal::default()
        };
        let described = wizard.describe("x.wizard", None, Map::new(), &proposal);
        assert_eq!(
            Value::Object(described.hidden),
            json!({"line_ids": [3, 4], "move_type": "out_invoice", "note": true, "partner_id": 7})
        );
        let journal = described
            .fields
            .iter()
            .find(|f| f.name == "journal_id")
            .unwrap();
        assert_eq!(
            journal.readonly_when.as_deref(),
            Some("partner_id and line_ids")
        );
        assert!(!journal.readonly);
    }

    #[test]
    fn a_new_wizard_is_not_made_with_existing_one2many_lines() {
        let wizard = model(
            r#"<form><field name="line_ids"/><field name="tag_ids"/></form>"#,
            json!({
                "line_ids": {"type": "one2many", "relation": "x.line"},
                "tag_ids": {"type": "many2many", "relation": "x.tag"},
            }),
        );
        let proposal = Proposal {
            values: json!({"line_ids": [5], "tag_ids": [2, 3]})
                .as_object()
                .cloned()
                .unwrap(),
            onchange: true,
            note: None,
        };
        let made = wizard.creation_values(&proposal, Map::new());
        assert_eq!(Value::Object(made), json!({"tag_ids": [[6, 0, [2, 3]]]}));
    }
}
