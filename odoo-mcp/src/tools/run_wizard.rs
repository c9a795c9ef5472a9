//! `run_wizard`: finishes a business step that Odoo runs through a wizard
//! (register a payment, invoice an order, mark a lead lost, confirm a
//! delivery): makes the wizard in its context with the given values and
//! presses one of its form's buttons; without a button, describes it.
//! Listed and callable with `ODOO_YOLO=true`; the buttons are the form's own,
//! so no `ODOO_MCP_ENABLE_METHOD_CALLS` is needed.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use odoo_client::OdooClient;
use odoo_client::suggest::{close_matches, did_you_mean};
use serde_json::{Map, Value, json};

use super::create_records::MAX_BATCH;
use super::shared::unique_ids;
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use super::shared::shown;
use super::shared::kwargs;
use crate::odoo::wizards::{
    Next, Proposal, Wizard, WizardField, WizardModel, WizardRun, with_records,
};
use crate::settings::{Access, Settings};

pub struct RunWizard;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// The wizard's model, e.g. sale.advance.payment.inv, or the `wizard` of a method's answer
    pub wizard: String,
    /// The records of `model` it acts on (its active_ids)
    #[schemars(length(max = MAX_BATCH), inner(range(min = 1)))]
    pub record_ids: Option<Vec<RecordId>>,
    /// The wizard record a method's answer made
    #[schemars(range(min = 1))]
    pub wizard_id: Option<RecordId>,
    /// The `context` of a method's answer, as is
    pub context: Option<Map<String, Value>>,
    /// Field values, e.g. {"lost_reason_id": 1}
    pub values: Option<Map<String, Value>>,
    /// The button's method; omit to see the wizard's fields, values and buttons
    pub button: Option<String>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub wizard: String,
    /// The wizard record the button was pressed on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wizard_id: Option<RecordId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub button: Option<String>,
    /// What pressing it led to, by `kind`: done, record (model, id, url), records
    /// (model, domain), wizard (as `form`), action or unknown (note).
    // Listed as an object: its kinds, said once above, cost 2 KB as a schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Map<String, Value>>")]
    pub next: Option<Next>,
    /// Without a button: the wizard as its form shows it (nothing was made).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<Box<Wizard>>,
}

/// The wizard a call makes: in its context on `model`'s `record_ids`, with
/// its values.
pub(crate) fn wizard_run<'a>(args: &'a Args, model: &str) -> WizardRun<'a> {
    let ids = unique_ids(args.record_ids.as_deref().unwrap_or_default());
    WizardRun {
        wizard: &args.wizard,
        wizard_id: args.wizard_id,
        context: with_records(args.context.clone().unwrap_or_default(), model, &ids),
        values: args.values.clone().unwrap_or_default(),
    }
}

/// Whether the server runs wizards: full access.
fn enabled(settings: &Settings) -> bool {
    settings.access == Access::Full
}

impl ToolSpec for RunWizard {
    const NAME: &'static str = "run_wizard";
    const TITLE: &'static str = "Run a wizard";
    const DESCRIPTION: &'static str = "Run a wizard (an answer's \"wizard\", or e.g. crm.lead.lost) on record_ids of model with values, pressing button; next says what followed. Without button: its fields, values and buttons.";
    const EFFECT: Effect = Effect::Run;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        if !enabled(odoo.settings()) {
            return Err(ToolError::Refused(format!(
                "{} is disabled on this server (ODOO_YOLO={}); it needs ODOO_YOLO=true",
                Self::NAME,
                odoo.settings().access
            )));
        }
        let run = wizard_run(&args, target.name);
        let client = call.client();
        let Some(button) = args.button.as_deref() else {
            let wizard = odoo
                .describe_wizard(client, run.wizard, run.wizard_id, run.context)
                .await?;
            return Ok(Output {
                wizard: args.wizard.clone(),
                wizard_id: None,
                button: None,
                next: None,
                form: Some(Box::new(wizard)),
            });
        };
        let (wizard_id, next) = press(odoo, client, run, button).await?;
        Ok(Output {
            wizard: args.wizard.clone(),
            wizard_id: Some(wizard_id),
            button: Some(button.to_string()),
            next: Some(next),
            form: None,
        })
    }

    fn question(odoo: &Odoo, model: &str, args: &Args) -> Option<String> {
        let button = args.button.as_deref()?;
        if !enabled(odoo.settings()) {
            return None;
        }
        let on = match args.record_ids.as_deref().unwrap_or_default() {
            [] => String::new(),
            ids => format!(
                " on {model} records {}",
                ids.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let values = args
            .values
            .as_ref()
            .filter(|v| !v.is_empty())
            .map(|v| format!(" with {}", shown(&Value::Object(v.clone()))))
            .unwrap_or_default();
        Some(format!(
            "Press {button} of {}{on}{values}? It may change or delete data.",
            args.wizard
        ))
    }

    /// The required wizard values the call lacks (none when the wizard cannot
    /// be read: the call then says why).
    async fn wanted(odoo: &Odoo, call: &Call<'_>, args: &Args) -> Vec<WizardField> {
        let (Some(_), Ok(target)) = (&args.button, call.target()) else {
            return Vec::new();
        };
        // In the call's company, whose defaults may fill what another's do not.
        match odoo.wizard_unset(call.client(), wizard_run(args, target.name)).await {
            Ok(unset) => unset,
            Err(error) => {
                tracing::debug!(%error, "wizard values not asked");
                Vec::new()
            }
        }
    }

    /// Only what was asked: the answer cannot change other values.
    fn answer(args: &mut Args, values: Map<String, Value>) {
        args.values.get_or_insert_with(Map::new).extend(values);
    }

    fn record_ids(args: &Args) -> Vec<RecordId> {
        args.record_ids.clone().unwrap_or_default()
    }

    fn listed(settings: &Settings) -> bool {
        enabled(settings)
    }
}

/// Makes the wizard (or fills the one an action made) with `run.values`,
/// presses `button` and says what that led to. Nothing is made when the
/// button or a value's field is unknown, or a required value is missing.
async fn press(
    odoo: &Odoo,
    client: &OdooClient,
    mut run: WizardRun<'_>,
    button: &str,
) -> Result<(RecordId, Next), ToolError> {
    let wizard = run.wizard;
    let model = WizardModel::load(client, wizard, &run.context).await?;
    check_button_and_values(&model, wizard, button, &run.values)?;
    model.complete(&mut run.context);
    let proposal = model.proposal(client, &run).await?;
    refuse_missing(&model, &run, &proposal)?;
    let context = run.context;
    let values = match run.wizard_id {
        Some(_) => run.values,
        None => model.creation_values(&proposal, run.values),
    };
    let id = make_or_fill(client, wizard, run.wizard_id, values, &context).await?;
    let next = match client
        .execute(wizard, button, Some(&[id]), Map::new(), Some(&context))
        .await
    {
        Ok(answer) => odoo.next_step(client, answer, wizard, &[id]).await,
        Err(odoo_client::Error::AnswerNotCarried) => Next::lost(),
        Err(error) => return Err(ToolError::from_write(error)),
    };
    Ok((id, next))
}

/// Refuses a button the wizard's form lacks, or a value for a field the
/// wizard does not have, before anything is made.
fn check_button_and_values(
    model: &WizardModel,
    wizard: &str,
    button: &str,
    values: &Map<String, Value>,
) -> Result<(), ToolError> {
    if model.form.button(button).is_none() {
        return Err(ToolError::Invalid {
            argument: "button",
            message: model.form.unknown_button(wizard, button),
        });
    }
    if let Some(field) = values.keys().find(|k| !model.defs.contains_key(*k)) {
        return Err(ToolError::UnknownField {
            model: wizard.to_string(),
            field: field.clone(),
            argument: "values",
            suggestion: did_you_mean(&close_matches(
                field,
                model.defs.keys().map(String::as_str),
                3,
            )),
        });
    }
    Ok(())
}

/// Refuses the run when a required value is neither given nor defaulted,
/// naming each such field with its label, type and relation.
fn refuse_missing(
    model: &WizardModel,
    run: &WizardRun<'_>,
    proposal: &Proposal,
) -> Result<(), ToolError> {
    let missing: Vec<String> = model
        .unset(run, proposal)
        .iter()
        .map(|f| {
            let to = f
                .relation
                .as_deref()
                .map(|r| format!(" to {r}"))
                .unwrap_or_default();
            format!("{} ({}, {}{to})", f.name, f.label, f.kind)
        })
        .collect();
    if !missing.is_empty() {
        return Err(ToolError::Invalid {
            argument: "values",
            message: format!(
                "{} needs a value for {}; nothing was made",
                run.wizard,
                missing.join(", ")
            ),
        });
    }
    Ok(())
}

/// The wizard record to press the button on: the one an action made, with
/// `values` written on it, or a new one made with them.
async fn make_or_fill(
    client: &OdooClient,
    wizard: &str,
    wizard_id: Option<RecordId>,
    values: Map<String, Value>,
    context: &Map<String, Value>,
) -> Result<RecordId, ToolError> {
    if let Some(id) = wizard_id {
        if !values.is_empty() {
            client
                .execute(
                    wizard,
                    "write",
                    Some(&[id]),
                    kwargs(vec![("vals", Value::Object(values))]),
                    Some(context),
                )
                .await?;
        }
        return Ok(id);
    }
    let made = client
        .execute(
            wizard,
            "create",
            None,
            kwargs(vec![("vals_list", json!([values]))]),
            Some(context),
        )
        .await?;
    made.get(0)
        .and_then(Value::as_i64)
        .or_else(|| made.as_i64())
        .ok_or_else(|| {
            ToolError::Odoo(odoo_client::Error::UnexpectedResponse {
                status: 200,
                detail: format!("Odoo made no {wizard} record: {made}"),
            })
        })
}
