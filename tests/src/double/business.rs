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
use super::store::{Env, Op, Store};
use odoo_client::registry::FieldType;

/// Whether `model.method` is one of the steps: a record method without arguments.
pub(crate) fn knows(model: &str, method: &str) -> bool {
    matches!(
        (model, method),
        ("sale.order", "action_confirm")
            | ("stock.picking", "button_validate")
            | ("confirm.stock.sms", "send_sms" | "dont_send_sms")
            | ("sale.advance.payment.inv", "create_invoices")
            | (
                "account.move",
                "action_post" | "action_register_payment" | "action_reverse"
            )
            | ("account.move.reversal", "refund_moves")
            | ("account.payment.register", "action_create_payments")
            | ("crm.lead.lost", "action_lost_reason_apply")
            | (
                "stock.backorder.confirmation",
                "process" | "process_cancel_backorder"
            )
            | ("privacy.lookup.wizard", "action_lookup")
            | ("ir.actions.server", "run")
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
        "account.move.reversal" if active_model == "account.move" => {
            defaults.insert("move_ids".into(), json!([[6, 0, active_ids]]));
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
    if (model, method) == ("ir.actions.server", "run") {
        return run_server_actions(store, ids, env);
    }
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
                        "journal_id": SALES_JOURNAL,
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
        // Odoo's action as `_for_xml_id` reads it: its context still Python text.
        ("account.move", "action_reverse") => Ok(json!({
            "id": 253,
            "name": "Credit Note",
            "type": "ir.actions.act_window",
            "xml_id": "account.action_view_account_move_reversal",
            "res_model": "account.move.reversal",
            "view_mode": "list,form",
            "views": [[754, "form"], [false, "list"]],
            "target": "new",
            "context": "{}",
            "domain": false,
            "res_id": 0,
        })),
        ("account.move.reversal", "refund_moves") => refund(store, ids, env),
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
        // The context's pickings validated, with a backorder of each unless cancelled
        // (the double keeps no quantities: what is left is the whole picking's).
        ("stock.backorder.confirmation", "process" | "process_cancel_backorder") => {
            let pickings = ids_of(
                env.context
                    .get("button_validate_picking_ids")
                    .unwrap_or(&Value::Null),
            );
            store.existing("stock.picking", &pickings, env)?;
            if method == "process" {
                for &picking in &pickings {
                    let read = |f: &str| one(store, "stock.picking", picking, f, env);
                    let (name, partner, sale) =
                        (read("name")?, read("partner_id")?, read("sale_id")?);
                    let vals = json!({
                        "name": format!("{}-BO", name.as_str().unwrap_or_default()),
                        "partner_id": partner.get(0).cloned().unwrap_or(json!(false)),
                        "sale_id": sale.get(0).cloned().unwrap_or(json!(false)),
                        "backorder_id": picking,
                        "state": "assigned",
                    });
                    let vals = vals.as_object().cloned().unwrap_or_default();
                    store.create("stock.picking", &[vals], env)?;
                }
            }
            validate(store, &pickings, env)?;
            Ok(json!(true))
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

/// `ir.actions.server.run` as Odoo runs the one captured server action whose
/// code the double knows: "Mark Quotation as Sent" (its code calls the
/// context's active orders' `action_quotation_sent`: a quotation becomes
/// sent). Odoo answers `False` when the code returns no action.
fn run_server_actions(store: &mut Store, ids: &[i64], env: &Env) -> Result<Value, OdooError> {
    let xml_ids = super::store::server_action_xml_ids(ids);
    let (active_model, active_ids) = active(env);
    for id in ids {
        match xml_ids[id.to_string()].as_str() {
            Some("sale.model_sale_order_action_quotation_sent") if active_model == "sale.order" => {
                store.existing(active_model, &active_ids, env)?;
                set(
                    store,
                    active_model,
                    &active_ids,
                    json!({"state": "sent"}),
                    env,
                )?;
            }
            _ => {
                return Err(OdooError::User(format!(
                    "The Odoo test double cannot run server action {id} on {active_model:?}"
                )));
            }
        }
    }
    Ok(Value::Bool(false))
}

/// The lab's customer invoices' journal.
const SALES_JOURNAL: i64 = 1;
/// The lab's WH/Stock location, which a new quant's form proposes.
const WH_STOCK: i64 = 5;

/// What the wizards' forms compute from the records they act on (the
/// reversal's journal, type and amount are its moves').
fn form_computes(store: &Store, model: &str, env: &Env) -> Result<Record, OdooError> {
    let mut values = Map::new();
    let (active_model, moves) = active(env);
    // The lab's bank journal and its manual inbound method; the amount is what is left to pay.
    if model == "account.payment.register" && active_model == "account.move" {
        let Some(&first) = moves.first() else {
            return Ok(values);
        };
        values.insert("journal_id".into(), json!(6));
        values.insert("payment_method_line_id".into(), json!(1));
        values.insert("payment_type".into(), json!("inbound"));
        values.insert("partner_type".into(), json!("customer"));
        values.insert(
            "amount".into(),
            one(store, active_model, first, "amount_residual", env)?,
        );
        values.insert(
            "communication".into(),
            one(store, active_model, first, "name", env)?,
        );
        // What the form's conditions read, as the lab's onchange gives it for
        // one invoice (several: one payment each, not editable in the wizard).
        let one_batch = moves.len() == 1;
        for (field, value) in [
            ("can_edit_wizard", json!(one_batch)),
            ("can_group_payments", json!(false)),
            ("group_payment", json!(true)),
            ("show_partner_bank_account", json!(true)),
            ("require_partner_bank_account", json!(false)),
            ("total_payments_amount", json!(moves.len())),
            ("untrusted_payments_count", json!(0)),
            ("payment_difference", json!(0.0)),
            ("payment_difference_handling", json!("open")),
            ("show_payment_difference", json!(false)),
            ("hide_writeoff_section", json!(false)),
            ("writeoff_label", json!("Write-Off")),
            ("installments_mode", json!("full")),
        ] {
            values.insert(field.into(), value);
        }
    }
    if model == "sale.advance.payment.inv" && active_model == "sale.order" {
        // The orders counted; none has down payments or draft invoices here.
        values.insert("count".into(), json!(moves.len()));
        values.insert("consolidated_billing".into(), json!(true));
        values.insert("has_down_payments".into(), json!(false));
        values.insert("display_draft_invoice_warning".into(), json!(false));
        values.insert("amount_invoiced".into(), json!(0.0));
    }
    if model == "stock.quant" {
        values.insert("location_id".into(), json!(WH_STOCK));
    }
    if model == "account.move.reversal" && active_model == "account.move" {
        let Some(&first) = moves.first() else {
            return Ok(values);
        };
        let journal = one(store, active_model, first, "journal_id", env)?;
        let journal = journal.get(0).cloned().unwrap_or(json!(SALES_JOURNAL));
        values.insert("journal_id".into(), journal.clone());
        values.insert("available_journal_ids".into(), json!([journal]));
        for (field, from) in [("move_type", "move_type"), ("residual", "amount_residual")] {
            values.insert(field.into(), one(store, active_model, first, from, env)?);
        }
    }
    Ok(values)
}

/// The ids in an x2many value: ids, or `[6, 0, ids]` / `[4, id]` commands.
fn many_ids(value: &Value) -> Vec<i64> {
    let mut ids = Vec::new();
    for item in value.as_array().into_iter().flatten() {
        match item {
            Value::Number(n) => ids.extend(n.as_i64()),
            Value::Array(c) if c.first() == Some(&json!(6)) => {
                ids = c.get(2).map(ids_of).unwrap_or_default();
            }
            Value::Array(c) if c.first() == Some(&json!(4)) => {
                ids.extend(c.get(1).and_then(Value::as_i64));
            }
            _ => {}
        }
    }
    ids
}

/// `onchange` as a new record's form asks it (no field changed), as Odoo 19
/// answers: its defaults, what the form computes, the values given, each
/// field of `spec` in web_read's format (a many2one as its id, or
/// `{id, display_name}` when the spec asks for fields; an x2many as link
/// commands, left out when empty).
pub(crate) fn onchange(
    store: &Store,
    model: &str,
    values: &Record,
    spec: &Record,
    env: &Env,
) -> Result<Value, OdooError> {
    store.check_access(model, Op::Create, env)?;
    let defs = store.defs(model);
    if let Some(unknown) = spec.keys().find(|f| !defs.contains_key(*f)) {
        return Err(OdooError::Python {
            class: "KeyError",
            message: unknown.clone(),
        });
    }
    let mut filled = store.defaults(model);
    filled.extend(wizard_defaults(model, env));
    filled.extend(store.context_defaults(model, env)?);
    filled.extend(form_computes(store, model, env)?);
    filled.extend(values.clone());
    let mut out = Map::new();
    for (field, field_spec) in spec {
        let value = filled.get(field).cloned().unwrap_or(Value::Bool(false));
        let named = field_spec
            .get("fields")
            .is_some_and(|f| !super::domain::is_empty(f));
        let shown = |id: i64| {
            let relation = defs[field]
                .get("relation")
                .and_then(Value::as_str)
                .unwrap_or("");
            match named {
                true => json!({"id": id, "display_name": store.name_of(relation, id)}),
                false => json!({"id": id}),
            }
        };
        let value = match super::seed::field_type(defs, field) {
            FieldType::Many2one => match value.as_i64().or_else(|| value.get(0)?.as_i64()) {
                Some(id) if named => shown(id),
                Some(id) => json!(id),
                None => json!(false),
            },
            FieldType::One2many | FieldType::Many2many => {
                let ids = many_ids(&value);
                if ids.is_empty() {
                    continue;
                }
                json!(
                    ids.iter()
                        .map(|&id| json!([4, id, shown(id)]))
                        .collect::<Vec<_>>()
                )
            }
            _ => value,
        };
        out.insert(field.clone(), value);
    }
    Ok(json!({ "value": out }))
}

/// The reversal wizard's `refund_moves`: a draft credit note per move, opened.
fn refund(store: &mut Store, wizards: &[i64], env: &Env) -> Result<Value, OdooError> {
    let mut made = Vec::new();
    for &wizard in wizards {
        let field = |f: &str| one(store, "account.move.reversal", wizard, f, env);
        let (moves, journal, reason) = (field("move_ids")?, field("journal_id")?, field("reason")?);
        // Odoo's default_get fills the moves from the context; the double's create does not.
        let mut moves = ids_of(&moves);
        if moves.is_empty() {
            moves = active(env).1;
        }
        for source in moves {
            let read = |f: &str| one(store, "account.move", source, f, env);
            let name = read("name")?;
            let name = name.as_str().unwrap_or_default();
            let kind = match read("move_type")?.as_str() {
                Some("in_invoice") => "in_refund",
                Some("out_invoice") => "out_refund",
                _ => "entry",
            };
            let reference = match reason.as_str() {
                Some(reason) => format!("Reversal of: {name}, {reason}"),
                None => format!("Reversal of: {name}"),
            };
            let vals = json!({
                "move_type": kind,
                "state": "draft",
                "reversed_entry_id": source,
                "journal_id": journal.get(0).cloned().unwrap_or(json!(SALES_JOURNAL)),
                "partner_id": read("partner_id")?.get(0).cloned().unwrap_or(json!(false)),
                "ref": reference,
                "amount_total": read("amount_total")?,
            });
            let vals = vals.as_object().cloned().unwrap_or_default();
            made.extend(store.create("account.move", &[vals], env)?);
        }
    }
    Ok(match made[..] {
        [one] => json!({
            "name": "Reverse Moves",
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": one,
            "context": {"default_move_type": "out_refund"},
        }),
        _ => json!({
            "name": "Reverse Moves",
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [["id", "in", made]],
            "context": {"default_move_type": "out_refund"},
        }),
    })
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
