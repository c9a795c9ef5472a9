//! The companies a multi-company server acts in (`ODOO_ALLOWED_COMPANIES`, else
//! the user's), and the connection a call's `company_id` acts through.

use std::sync::Arc;

use odoo_client::{OdooClient, RecordId};
use serde_json::{Map, Value};

use super::Odoo;
use crate::error::ToolError;

impl Odoo {
    /// The companies this server acts in: `ODOO_ALLOWED_COMPANIES` when set (the
    /// first one current), else every company of the Odoo user; cached.
    pub async fn companies(&self) -> Result<Arc<Vec<Company>>, ToolError> {
        if let Some(companies) = self.learned.companies.get("all") {
            return Ok(companies);
        }
        let client = &self.client;
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
        Ok(self.learned.companies.insert("all", companies))
    }

    /// The connection acting in `company`, one of [`Self::companies`].
    pub async fn company_client(&self, company: RecordId) -> Result<OdooClient, ToolError> {
        let companies = self.companies().await?;
        if companies.iter().any(|c| c.id == company) {
            return Ok(self.client.in_company(company));
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
                company,
                if allowed.is_empty() {
                    "none".to_string()
                } else {
                    allowed.join(", ")
                }
            ),
        })
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
