//! MCP Apps on a real Odoo (issue 26), through the wizard form view in a
//! headless Chromium: a lead marked lost (Odoo 19: the view shows
//! crm.lead.lost's fields, its reason picker searches through search_by_name,
//! and its button runs run_wizard through the host, which loses the lead with
//! that reason); an order invoiced through Create Invoice and its invoice
//! reversed through Credit Note (Odoo 18 and 19), each view showing exactly
//! the fields Odoo's form shows for the case. Needs a browser, not the
//! double's data: left out of the recordings.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Check, Run, Session, clip};
use crate::apps::{self, Backend, BoxFuture, Shown};

/// The live server as the host page reaches it.
struct Live(Arc<Session>);

impl Backend for Live {
    fn view(&self, name: String) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async move { self.0.read_text(&format!("ui://odoo/{name}")).await })
    }

    fn call(&self, params: Value) -> BoxFuture<'_, Result<Value, String>> {
        Box::pin(async move { self.0.call_raw(params).await })
    }
}

const STEP: &str = "apps: a lead lost through the wizard view";
const INVOICED: &str = "apps: an order invoiced through the wizard view";
const REVERSED: &str = "apps: a credit note through the wizard view";

impl Run<'_> {
    pub(super) async fn apps(&mut self) {
        self.real_odoo_only = true;
        let env = self.server_env(&[("ODOO_YOLO", "true")]);
        match Session::stdio(&self.target.mcp_bin, &env).await {
            Ok(session) => {
                let session = Arc::new(session);
                if self.major >= 19 {
                    let check = self.lost_through_the_view(&session).await;
                    self.step(STEP, check);
                }
                let (check, invoice) = self.invoiced_through_the_view(&session).await;
                self.step(INVOICED, check);
                if let Some(invoice) = invoice {
                    let check = self.reversed_through_the_view(&session, invoice).await;
                    self.step(REVERSED, check);
                }
                if let Ok(session) = Arc::try_unwrap(session) {
                    session.close().await;
                }
            }
            Err(e) => self.step(STEP, Err(format!("start odoo-mcp: {e}"))),
        }
        self.real_odoo_only = false;
    }

    async fn lost_through_the_view(&mut self, s: &Arc<Session>) -> Check {
        let reason_name = format!("{} view reason", self.prefix);
        let reason = s
            .call(
                "create_record",
                json!({"model": "crm.lost.reason", "values": {"name": reason_name}}),
            )
            .await;
        let lead = s
            .call(
                "create_record",
                json!({"model": "crm.lead", "values": {"name": format!("{} view lead", self.prefix), "type": "opportunity"}}),
            )
            .await;
        let (Some(reason), Some(lead)) = (Self::id_of(&reason), Self::id_of(&lead)) else {
            return Err(format!("setup: {}", clip(&lead.text)));
        };
        self.created.push(("crm.lost.reason".into(), reason));
        self.created.push(("crm.lead".into(), lead));
        let input = json!({"model": "crm.lead", "record_ids": [lead], "wizard": "crm.lead.lost"});
        let shown = wizard_view(s, input).await?;
        let check = drive(&shown, &reason_name, reason).await;
        shown.close().await;
        check?;
        let read = self
            .direct_read("crm.lead", lead, &["active", "lost_reason_id"])
            .await?;
        if read["active"] == json!(false) && read["lost_reason_id"].get(0) == Some(&json!(reason)) {
            Ok(format!(
                "the view picked reason {reason} through search_by_name; run_wizard lost crm.lead {lead}"
            ))
        } else {
            Err(format!("crm.lead {lead} after the view: {read:?}"))
        }
    }
}

impl Run<'_> {
    /// A confirmed order of a service invoiced on order, invoiced through
    /// the Create Invoice view (a regular invoice: its method alone shown);
    /// the invoice, posted, for the credit note.
    async fn invoiced_through_the_view(&mut self, s: &Arc<Session>) -> (Check, Option<i64>) {
        let partner = s
            .call(
                "create_record",
                json!({"model": "res.partner", "values": {"name": self.name("view customer")}}),
            )
            .await;
        let product = s
            .call(
                "search_records",
                json!({"model": "product.product", "domain": [["sale_ok", "=", true], ["type", "=", "service"], ["invoice_policy", "=", "order"], ["name", "not ilike", "deposit"]], "fields": ["id"], "limit": 1}),
            )
            .await;
        let (Some(partner), Some(product)) = (
            Self::id_of(&partner),
            product.value["records"][0]["id"].as_i64(),
        ) else {
            return (Err(format!("setup: {}", clip(&partner.text))), None);
        };
        self.created.push(("res.partner".into(), partner));
        let order = s
            .call(
                "create_record",
                json!({"model": "sale.order", "values": {"partner_id": partner, "client_order_ref": self.prefix, "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 3}]]}}),
            )
            .await;
        let Some(order) = Self::id_of(&order) else {
            return (Err(format!("order: {}", clip(&order.text))), None);
        };
        self.created.push(("sale.order".into(), order));
        let confirmed = s
            .call(
                "press_button",
                json!({"model": "sale.order", "button": "action_confirm", "record_ids": [order]}),
            )
            .await;
        if !confirmed.is_ok() {
            return (Err(format!("confirm: {}", clip(&confirmed.text))), None);
        }
        let input = json!({"model": "sale.order", "record_ids": [order], "wizard": "sale.advance.payment.inv"});
        let expected = Seen {
            fields: &["advance_payment_method"],
            required: &["advance_payment_method"],
            buttons: &["create_invoices"],
        };
        if let Err(e) = through_the_view(s, input, &expected, &[], "create_invoices").await {
            return (Err(e), None);
        }
        let invoice = match self
            .direct_read("sale.order", order, &["invoice_ids"])
            .await
        {
            Ok(read) => read["invoice_ids"]
                .as_array()
                .and_then(|i| i.last())
                .and_then(Value::as_i64),
            Err(e) => return (Err(e), None),
        };
        let Some(invoice) = invoice else {
            return (
                Err(format!("sale.order {order} has no invoice after the view")),
                None,
            );
        };
        let posted = s
            .call(
                "press_button",
                json!({"model": "account.move", "button": "action_post", "record_ids": [invoice]}),
            )
            .await;
        let check = match posted.is_ok() {
            true => Ok(format!(
                "the view showed the method alone; create_invoices made account.move {invoice}"
            )),
            false => Err(format!("post: {}", clip(&posted.text))),
        };
        (check, posted.is_ok().then_some(invoice))
    }

    /// The posted invoice reversed through the Credit Note view: reason,
    /// journal and date shown (the last two required), the reason typed.
    async fn reversed_through_the_view(&mut self, s: &Arc<Session>, invoice: i64) -> Check {
        let input = json!({"model": "account.move", "record_ids": [invoice], "wizard": "account.move.reversal"});
        let expected = Seen {
            fields: &["date", "journal_id", "reason"],
            required: &["date", "journal_id"],
            buttons: &["modify_moves", "refund_moves"],
        };
        let reason = self.name("view credit note");
        through_the_view(s, input, &expected, &[("reason", &reason)], "refund_moves").await?;
        let made = self.reversal_of(invoice).await?;
        Ok(format!(
            "the view showed reason, journal and date; refund_moves made the {made}"
        ))
    }
}

/// What the wizard view should show: its visible fields, those marked
/// required, its visible buttons (each sorted), as Odoo's form shows them.
struct Seen<'a> {
    fields: &'a [&'a str],
    required: &'a [&'a str],
    buttons: &'a [&'a str],
}

/// Describes a wizard (run_wizard without a button), shows its view, checks
/// what it shows, types `typed`, presses `button` and checks run_wizard got
/// the typed values.
async fn through_the_view(
    s: &Arc<Session>,
    input: Value,
    expected: &Seen<'_>,
    typed: &[(&str, &str)],
    button: &str,
) -> Result<(), String> {
    let shown = wizard_view(s, input).await?;
    let check = drive_wizard(&shown, expected, typed, button).await;
    shown.close().await;
    check
}

/// run_wizard's answer to `input`, shown in the wizard view as a host would.
async fn wizard_view(s: &Arc<Session>, input: Value) -> Result<Shown, String> {
    let result = s
        .call_raw(json!({"name": "run_wizard", "arguments": input}))
        .await?;
    let scenario = json!({"input": input, "result": result});
    let backend: Arc<dyn Backend> = Arc::new(Live(s.clone()));
    apps::show(backend, "wizard", scenario)
        .await?
        .ok_or_else(|| crate::chromium::MISSING.to_string())
}

async fn drive_wizard(
    shown: &Shown,
    expected: &Seen<'_>,
    typed: &[(&str, &str)],
    button: &str,
) -> Result<(), String> {
    shown
        .until_view("document.querySelectorAll('button[data-method]').length > 0")
        .await?;
    let labels = "[...document.querySelectorAll('#form > label')].filter(l => !l.hidden)";
    let seen = shown
        .try_view(&format!(
            "({{fields: {labels}.map(l => l.htmlFor.slice(2)).sort(), required: {labels}.filter(l => l.classList.contains('req')).map(l => l.htmlFor.slice(2)).sort(), buttons: [...document.querySelectorAll('button[data-method]')].filter(b => !b.hidden).map(b => b.dataset.method).sort()}})"
        ))
        .await?;
    let want = json!({"fields": expected.fields, "required": expected.required, "buttons": expected.buttons});
    if seen != want {
        return Err(format!("the view shows {seen}, Odoo's form {want}"));
    }
    for (field, value) in typed {
        shown.try_type(field, value).await?;
    }
    shown
        .try_view(&format!(
            "document.querySelector('button[data-method={button}]').click()"
        ))
        .await?;
    shown
        .until_host("window.host.calls.some(c => c.name === 'run_wizard')")
        .await?;
    let run = shown.calls("run_wizard").await;
    let values = &run[0]["arguments"]["values"];
    for (field, value) in typed {
        if values[*field] != json!(value) {
            return Err(format!("run_wizard got {}", run[0]));
        }
    }
    // Done, or (XML-RPC) a note that the answer did not come back.
    shown
        .until_view("!['', 'Running…'].includes(document.querySelector('#status').textContent)")
        .await?;
    let status = shown
        .try_view("document.querySelector('#status').className")
        .await?;
    match status.as_str() {
        Some("error") => Err(format!(
            "the view: {}",
            shown
                .try_view("document.querySelector('#status').textContent")
                .await?
        )),
        _ => Ok(()),
    }
}

/// Picks the reason in the view's picker and presses Mark as Lost.
async fn drive(shown: &Shown, reason_name: &str, reason: i64) -> Result<(), String> {
    let picker = "document.querySelector('#f_lost_reason_id')";
    shown.until_view(picker).await?;
    shown.try_type("lost_reason_id", reason_name).await?;
    shown
        .until_view(&format!(
            "[...document.querySelector('#l_lost_reason_id').options].some(o => o.dataset.id === '{reason}')"
        ))
        .await?;
    // Picking the suggestion: the text becomes the option's, as a browser does.
    shown
        .try_view(&format!(
            "(() => {{ const o = [...document.querySelector('#l_lost_reason_id').options].find(o => o.dataset.id === '{reason}'); {picker}.value = o.value; {picker}.dispatchEvent(new Event('input', {{bubbles: true}})); }})()"
        ))
        .await?;
    let button = "document.querySelector('button[data-method=action_lost_reason_apply]')";
    shown.until_view(button).await?;
    shown.try_view(&format!("{button}.click()")).await?;
    shown
        .until_host("window.host.calls.some(c => c.name === 'run_wizard')")
        .await?;
    let run = shown.calls("run_wizard").await;
    let values = &run[0]["arguments"]["values"];
    if values["lost_reason_id"] != json!(reason) {
        return Err(format!("run_wizard got {}", run[0]));
    }
    shown
        .until_view("document.querySelector('#status').textContent.startsWith('Done')")
        .await
        .map(|_| ())
}
