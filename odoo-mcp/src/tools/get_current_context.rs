//! `get_current_context`: the Odoo user this server acts as, its companies,
//! language and timezone.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::shared::{is_empty, notes_if_any};
use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::{Company, Odoo};

pub struct GetCurrentContext;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {}

#[derive(Debug, Default, Serialize, JsonSchema)]
pub struct Output {
    pub lang: Option<String>,
    pub tz: Option<String>,
    /// ODOO_LOCALE, when set
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// `null` when Odoo's context names no user id (with a note).
    pub user: Option<User>,
    pub company: Option<Named>,
    /// The companies this server acts in; a tool's `company_id` picks one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_companies: Option<Vec<Company>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<String>>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct User {
    pub id: RecordId,
    pub name: Value,
    pub login: Value,
    pub email: Option<Value>,
    pub partner: Option<Named>,
}

/// A record named by a many2one: `[id, name]` in Odoo.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Named {
    pub id: Value,
    pub name: Value,
}

fn named(value: Option<&Value>) -> Option<Named> {
    match value {
        Some(Value::Array(pair)) if pair.len() == 2 => Some(Named {
            id: pair[0].clone(),
            name: pair[1].clone(),
        }),
        _ => None,
    }
}

fn text(context: &Value, key: &str) -> Option<String> {
    context
        .get(key)
        .filter(|v| !is_empty(v))
        .and_then(Value::as_str)
        .map(str::to_string)
}

impl ToolSpec for GetCurrentContext {
    const NAME: &'static str = "get_current_context";
    const TITLE: &'static str = "Current user and context";
    const DESCRIPTION: &'static str = "The Odoo user this server acts as: user, company, allowed companies, language and timezone.";
    const EFFECT: Effect = Effect::Read;
    const ON_MODEL: bool = false;
    type Args = Args;
    type Output = Output;

    async fn run(odoo: &Odoo, call: &Call<'_>, _args: Args) -> Result<Output, ToolError> {
        let client = call.client();
        let context = client
            .execute("res.users", "context_get", None, Map::new(), None)
            .await?;
        let mut out = Output {
            lang: text(&context, "lang"),
            tz: text(&context, "tz"),
            locale: client.config().lang.clone(),
            server_version: client.version().await.ok().map(|v| v.version),
            ..Output::default()
        };
        let Some(uid) = context.get("uid").and_then(Value::as_i64) else {
            out.notes = notes_if_any(vec!["Odoo's context_get did not name the user id".into()]);
            return Ok(out);
        };
        let fields = [
            "name",
            "login",
            "email",
            "partner_id",
            "company_id",
            "company_ids",
        ];
        let mut users = client.read("res.users", &[uid], &fields).await?;
        let user = if users.is_empty() {
            Map::new()
        } else {
            users.swap_remove(0)
        };
        out.user = Some(User {
            id: uid,
            name: user.get("name").cloned().unwrap_or_default(),
            login: user.get("login").cloned().unwrap_or_default(),
            email: user.get("email").filter(|v| !is_empty(v)).cloned(),
            partner: named(user.get("partner_id")),
        });
        // The companies this server acts in (ODOO_ALLOWED_COMPANIES, the first one
        // current, or the user's); their ids alone when they cannot be read.
        let configured = !client.config().allowed_companies.is_empty();
        let companies = match odoo.companies().await {
            Ok(companies) => companies.as_ref().clone(),
            Err(_) => user
                .get("company_ids")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_i64)
                .map(|id| Company {
                    id,
                    name: None,
                    currency: None,
                })
                .collect(),
        };
        out.company = match companies.first() {
            Some(first) if configured => Some(Named {
                id: Value::from(first.id),
                name: first.name.clone().map_or(Value::Null, Value::from),
            }),
            _ => named(user.get("company_id")),
        };
        out.allowed_companies = Some(companies);
        Ok(out)
    }
}
