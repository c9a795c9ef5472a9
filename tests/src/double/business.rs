//! The business steps the live suite runs, as Odoo 18 and 19 run them on the
//! labs' demo data: order to cash (confirm a quotation, validate its delivery,
//! invoice it through `sale.advance.payment.inv`, post the invoice, pay it
//! through `account.payment.register`) and a lead marked lost through
//! `crm.lead.lost`. Enough state for each step's answer (an action, a wizard,
//! nothing) to be Odoo's; amounts, stock moves and accounting entries are not
//! kept.

use serde_json::{Map, Value, json};

use super::error::OdooError;
use super::seed::Record;
use super::store::{Env, Store};

/// Whether `model.method` is one of the steps: a record method without arguments.
pub(crate) fn knows(model: &str, method: &str) -> bool {
    matches!(
        (model, method),
        ("sale.order", "action_confirm")
            | ("stock.picking", "button_validate")
            | ("confirm.stock.sms", "send_sms" | "dont_send_sms")
            | ("sale.advance.payment.inv", "create_invoices")
            | ("account.move", "action_post" | "action_register_payment")
            | ("account.payment.register", "action_create_payments")
            | ("crm.lead.lost", "action_lost_reason_apply")
            | ("privacy.lookup.wizard", "action_lookup")
    )
}

/// The defaults Odoo computes for the wizards from the records they act on.
pub(crate) fn wizard_defaults(model: &str, env: &Env) -> Record {
    let mut defaults = Map::new();
    let (active_model, active_ids) = active(env);
    match model {
        "sale.advance.payment.inv" => {
            defaults.insert("advance_payment_method".into(), json!("delivered"));
            if active_model == "sale.order" {
                defaults.insert("sale_order_ids".into(), json!([[6, 0, active_ids]]));
            }
        }
        "account.payment.register" => {
            // The journal and payment method are computed when it is made, not defaults.
            defaults.insert(
                "payment_date".into(),
                json!(chrono::Utc::now().format("%Y-%m-%d").to_string()),
            );
        }
        _ => {}
    }
    defaults
}

fn active(env: &Env) -> (&str, Vec<i64>) {
    let model = env
        .context
        .get("active_model")
        .and_then(Value::as_str)
        .unwrap_or("");
    let ids = env
        .context
        .get("active_ids")
        .and_then(Value::as_array)
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    (model, ids)
}

fn ids_of(value: &Value) -> Vec<i64> {
    value
        .as_array()
        .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

fn one(store: &Store, model: &str, id: i64, field: &str, env: &Env) -> Result<Value, OdooError> {
    let rows = store.read(model, &[id], &[field.to_string()], env)?;
    Ok(rows
        .first()
        .and_then(|r| r.get(field))
        .cloned()
        .unwrap_or(Value::Bool(false)))
}

fn set(
    store: &mut Store,
    model: &str,
    ids: &[i64],
    vals: Value,
    env: &Env,
) -> Result<(), OdooError> {
    let vals = vals.as_object().cloned().unwrap_or_default();
    store.write(model, ids, &vals, env)
}

fn window(model: &str, id: i64, target: &str, context: Value) -> Value {
    json!({
        "type": "ir.actions.act_window",
        "res_model": model,
        "res_id": id,
        "view_mode": "form",
        "views": [[false, "form"]],
        "target": target,
        "context": context,
    })
}

/// Runs a step on `ids`; its answer as Odoo gives it.
pub(crate) fn run(
    store: &mut Store,
    model: &str,
    method: &str,
    ids: &[i64],
    env: &Env,
) -> Result<Value, OdooError> {
    store.existing(model, ids, env)?;
    match (model, method) {
        ("sale.order", "action_confirm") => {
            for &order in ids {
                let partner = one(store, model, order, "partner_id", env)?;
                let name = one(store, model, order, "name", env)?;
                let picking = store.create(
                    "stock.picking",
                    &[json!({
                        "name": format!("WH/OUT/{order:05}"),
                        "partner_id": partner.get(0).cloned().unwrap_or(Value::Bool(false)),
                        "origin": name,
                        "sale_id": order,
                        "state": "assigned",
                    })
                    .as_object()
                    .cloned()
                    .unwrap_or_default()],
                    env,
                )?;
                set(
                    store,
                    model,
                    &[order],
                    json!({"state": "sale", "invoice_status": "no", "picking_ids": picking}),
                    env,
                )?;
            }
            Ok(json!(true))
        }
        ("stock.picking", "button_validate") => {
            // Once per company, Odoo asks whether deliveries confirm by SMS.
            let company = env
                .context
                .get("allowed_company_ids")
                .and_then(|c| c.get(0))
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let warned = one(
                store,
                "res.company",
                company,
                "has_received_warning_stock_sms",
                env,
            )?;
            if warned != Value::Bool(true) {
                let wizard = store.create("confirm.stock.sms", &[Map::new()], env)?;
                let mut action = window(
                    "confirm.stock.sms",
                    wizard[0],
                    "new",
                    json!({"button_validate_picking_ids": ids}),
                );
                action["name"] = json!("SMS");
                return Ok(action);
            }
            validate(store, ids, env)?;
            Ok(json!(true))
        }
        ("confirm.stock.sms", "send_sms" | "dont_send_sms") => {
            // Either answer is the company's: Odoo asks once.
            let company = json!({"has_received_warning_stock_sms": true});
            let companies = store.search("res.company", &json!([]), 0, None, None, env)?;
            set(store, "res.company", &companies, company, env)?;
            let pickings = ids_of(
                env.context
                    .get("button_validate_picking_ids")
                    .unwrap_or(&Value::Null),
            );
            validate(store, &pickings, env)?;
            Ok(json!(true))
        }
        ("sale.advance.payment.inv", "create_invoices") => {
            let mut orders = match ids.first() {
                Some(&wizard) => ids_of(&one(store, model, wizard, "sale_order_ids", env)?),
                None => Vec::new(),
            };
            if orders.is_empty() {
                orders = active(env).1;
            }
            let (mut invoice, mut partner_id, mut terms) = (0, Value::Null, Value::Null);
            for order in orders {
                let partner = one(store, "sale.order", order, "partner_id", env)?;
                partner_id = partner.get(0).cloned().unwrap_or(Value::Null);
                if let Some(id) = partner_id.as_i64() {
                    // None for a customer without payment terms, as Odoo has it.
                    terms = one(store, "res.partner", id, "property_payment_term_id", env)?
                        .get(0)
                        .cloned()
                        .unwrap_or(Value::Null);
                }
                let name = one(store, "sale.order", order, "name", env)?;
                let total = one(store, "sale.order", order, "amount_total", env)?;
                invoice = store.create(
                    "account.move",
                    &[json!({
                        "move_type": "out_invoice",
                        "partner_id": partner.get(0).cloned().unwrap_or(Value::Bool(false)),
                        "invoice_origin": name,
                        "state": "draft",
                        "payment_state": "not_paid",
                        "amount_total": total,
                        "amount_residual": total,
                    })
                    .as_object()
                    .cloned()
                    .unwrap_or_default()],
                    env,
                )?[0];
                set(
                    store,
                    "sale.order",
                    &[order],
                    json!({"invoice_status": "invoiced", "invoice_ids": [[4, invoice]]}),
                    env,
                )?;
            }
            let mut action = window(
                "account.move",
                invoice,
                "current",
                json!({
                    "default_move_type": "out_invoice",
                    "default_partner_id": partner_id,
                    "default_invoice_payment_term_id": terms,
                }),
            );
            action["name"] = json!("Invoices");
            Ok(action)
        }
        ("account.move", "action_post") => {
            set(store, model, ids, json!({"state": "posted"}), env)?;
            Ok(json!(false))
        }
        ("account.move", "action_register_payment") => Ok(json!({
            "name": "Pay",
            "type": "ir.actions.act_window",
            "res_model": "account.payment.register",
            "view_mode": "form",
            "views": [[false, "form"]],
            "target": "new",
            // Odoo names the invoices' receivable lines; the double keeps no lines.
            "context": {"active_model": "account.move", "active_ids": ids},
        })),
        ("account.payment.register", "action_create_payments") => {
            let (active_model, invoices) = active(env);
            if active_model != "account.move" {
                return Err(OdooError::User(
                    "The Odoo test double registers payments on account.move records only.".into(),
                ));
            }
            set(
                store,
                "account.move",
                &invoices,
                json!({"payment_state": "paid", "amount_residual": 0.0}),
                env,
            )?;
            let payment = store.create("account.payment", &[Map::new()], env)?;
            Ok(json!({
                "name": "Payments",
                "type": "ir.actions.act_window",
                "res_model": "account.payment",
                "context": {"create": false},
                "view_mode": "form",
                "res_id": payment[0],
            }))
        }
        ("crm.lead.lost", "action_lost_reason_apply") => {
            for &wizard in ids {
                let leads = ids_of(&one(store, model, wizard, "lead_ids", env)?);
                let reason = one(store, model, wizard, "lost_reason_id", env)?;
                let reason = reason.get(0).cloned().unwrap_or(Value::Bool(false));
                set(
                    store,
                    "crm.lead",
                    &leads,
                    json!({"active": false, "probability": 0, "lost_reason_id": reason}),
                    env,
                )?;
            }
            // Odoo answers None (XML-RPC cannot marshal it).
            Ok(Value::Null)
        }
        // The references found are not looked up here: Odoo's answer opens them.
        ("privacy.lookup.wizard", "action_lookup") => Ok(json!({
            "type": "ir.actions.act_window",
            "name": "Privacy Lookup Line",
            "res_model": "privacy.lookup.wizard.line",
            "view_mode": "list",
            "views": [[515, "list"]],
            "domain": [["wizard_id", "=", ids.first()]],
            "context": "{'search_default_group_by_res_model_id': 1, 'no_create_edit': True}",
            "target": "current",
        })),
        _ => Err(OdooError::UnknownMethod {
            model: model.to_string(),
            method: method.to_string(),
        }),
    }
}

/// The pickings done, and their orders to invoice.
fn validate(store: &mut Store, pickings: &[i64], env: &Env) -> Result<(), OdooError> {
    set(
        store,
        "stock.picking",
        pickings,
        json!({"state": "done"}),
        env,
    )?;
    for &picking in pickings {
        if let Some(order) = one(store, "stock.picking", picking, "sale_id", env)?
            .get(0)
            .and_then(Value::as_i64)
        {
            set(
                store,
                "sale.order",
                &[order],
                json!({"invoice_status": "to invoice"}),
                env,
            )?;
        }
    }
    Ok(())
}
