//! The MCP Apps views in a real headless Chromium (Debian's `chromium`,
//! driven over CDP): a test-only host page (`tests/apps/host.html`) embeds a
//! view as a host does, plays the host's side of the protocol with a real
//! answer of the server against the double, forwards the view's `tools/call`
//! to that server and records what the view sends. Without a `chromium` on
//! the machine the tests fail: `scripts/test` installs it. The harness is
//! odoo-tests' `apps` module (the live suite uses it too).

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use odoo_tests::OdooDouble;
use odoo_tests::apps::{self, Backend, BoxFuture, Shown};
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, Implementation,
    ReadResourceRequestParams, ResourceContents,
};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{Value, json};

/// A client that shows MCP Apps views, as the hosts that embed them are.
type AppsClient = RunningService<RoleClient, ClientConfig>;

async fn apps_client(vars: &[(String, String)]) -> AppsClient {
    let (transport, _) = TokioChildProcess::builder(command(vars))
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn odoo-mcp");
    let mut capabilities = ClientCapabilities::default();
    let ui = json!({"mimeTypes": ["text/html;profile=mcp-app"]});
    let Value::Object(ui) = ui else {
        unreachable!("an object")
    };
    capabilities.extensions = Some([("io.modelcontextprotocol/ui".to_string(), ui)].into());
    ClientConfig::new(capabilities, Implementation::new("apps-test-host", "1.0"))
        .serve(transport)
        .await
        .expect("initialize")
}

async fn run(client: &AppsClient, name: &str, arguments: Value) -> CallToolResult {
    client
        .call_tool(CallToolRequestParams::new(name.to_string()).with_arguments(args(arguments)))
        .await
        .unwrap_or_else(|e| panic!("tools/call {name}: {e}"))
}

/// The server under test as the host page reaches it: through an Apps client.
struct Server(Arc<AppsClient>);

impl Backend for Server {
    fn view(&self, name: String) -> BoxFuture<'_, Result<String, String>> {
        Box::pin(async move {
            let uri = format!("ui://odoo/{name}");
            let read = self
                .0
                .read_resource(ReadResourceRequestParams::new(uri))
                .await
                .map_err(|e| e.to_string())?;
            match &read.contents[0] {
                ResourceContents::TextResourceContents { text, .. } => Ok(text.clone()),
                other => Err(format!("a view is text, got {other:?}")),
            }
        })
    }

    fn call(&self, params: Value) -> BoxFuture<'_, Result<Value, String>> {
        Box::pin(async move {
            let params: CallToolRequestParams =
                serde_json::from_value(params).map_err(|e| e.to_string())?;
            let result = self.0.call_tool(params).await.map_err(|e| e.to_string())?;
            serde_json::to_value(result).map_err(|e| e.to_string())
        })
    }
}

/// The host page showing `view` with `scenario`'s answer. Without chromium
/// the test fails: the test command installs it, so a browser test never
/// passes unrun.
async fn show(client: Arc<AppsClient>, view: &str, scenario: Value) -> Option<Shown> {
    let shown = apps::show(Arc::new(Server(client)), view, scenario)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(shown.is_some(), "{}", odoo_tests::chromium::MISSING);
    shown
}

fn full_access(double: &OdooDouble) -> Vec<(String, String)> {
    server_env(
        double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_MCP_ENABLE_METHOD_CALLS", "true"),
        ],
    )
}

async fn created(client: &AppsClient, model: &str, values: Value) -> i64 {
    let answer = ok(&run(
        client,
        "create_record",
        json!({"model": model, "values": values}),
    )
    .await);
    answer["id"].as_i64().expect("an id")
}

async fn field_of(client: &AppsClient, model: &str, id: i64, field: &str) -> Value {
    let answer = ok(&run(
        client,
        "get_record",
        json!({"model": model, "record_id": id, "fields": [field]}),
    )
    .await);
    answer["record"][field].clone()
}

/// A confirmed order of a new customer, and its delivery.
async fn confirmed_order(client: &AppsClient) -> (i64, Value) {
    let partner = created(client, "res.partner", json!({"name": "App Customer"})).await;
    let products = ok(&run(
        client,
        "search_records",
        json!({"model": "product.product", "fields": ["id"], "limit": 1}),
    )
    .await);
    let product = products["records"][0]["id"].as_i64().expect("a product");
    let order = created(
        client,
        "sale.order",
        json!({"partner_id": partner, "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 2}]]}),
    )
    .await;
    ok(&run(
        client,
        "press_button",
        json!({"model": "sale.order", "button": "action_confirm", "record_ids": [order]}),
    )
    .await);
    let pickings = field_of(client, "sale.order", order, "picking_ids").await;
    (order, pickings)
}

/// A confirmed order whose delivery is validated: to invoice.
async fn delivered_order(client: &AppsClient) -> i64 {
    let (order, pickings) = confirmed_order(client).await;
    let validated = ok(&run(
        client,
        "call_model_method",
        json!({"model": "stock.picking", "method": "button_validate", "record_ids": pickings}),
    )
    .await);
    let sms = &validated["next"];
    ok(&run(client,
        "run_wizard",
        json!({"model": "stock.picking", "wizard": sms["wizard"], "wizard_id": sms["wizard_id"], "context": sms["context"], "button": "dont_send_sms"}),
    )
    .await);
    order
}

/// A posted invoice of a confirmed, delivered order (the double's order to
/// cash, as tests/test_wizards.rs runs it).
async fn posted_invoice(client: &AppsClient) -> i64 {
    let order = delivered_order(client).await;
    ok(&run(client,
        "run_wizard",
        json!({"model": "sale.order", "record_ids": [order], "wizard": "sale.advance.payment.inv", "button": "create_invoices"}),
    )
    .await);
    let invoice = field_of(client, "sale.order", order, "invoice_ids").await[0]
        .as_i64()
        .expect("the order's invoice");
    ok(&run(
        client,
        "press_button",
        json!({"model": "account.move", "button": "action_post", "record_ids": [invoice]}),
    )
    .await);
    invoice
}

/// What the wizard view shows once drawn: its visible fields (sorted), those
/// of them marked required, and its visible buttons.
async fn seen(shown: &Shown) -> (Value, Value, Value) {
    shown
        .wait_view("document.querySelectorAll('button[data-method]').length > 0")
        .await;
    let labels = "[...document.querySelectorAll('#form > label')].filter(l => !l.hidden)";
    let fields = shown
        .view(&format!("{labels}.map(l => l.htmlFor.slice(2)).sort()"))
        .await;
    let required = shown
        .view(&format!(
            "{labels}.filter(l => l.classList.contains('req')).map(l => l.htmlFor.slice(2)).sort()"
        ))
        .await;
    let buttons = shown
        .view("[...document.querySelectorAll('button[data-method]')].filter(b => !b.hidden).map(b => b.dataset.method).sort()")
        .await;
    (fields, required, buttons)
}

/// Presses `method`'s button and waits for run_wizard's answer; the arguments sent.
async fn pressed(shown: &Shown, method: &str) -> Value {
    shown
        .view(&format!(
            "document.querySelector('button[data-method={method}]').click()"
        ))
        .await;
    shown
        .wait_host("window.host.calls.some(c => c.name === 'run_wizard')")
        .await;
    shown
        .wait_view("document.querySelector('#status').textContent.startsWith('Done')")
        .await;
    shown.calls("run_wizard").await[0]["arguments"].clone()
}

/// The description of `wizard` on `model`'s `ids` (run_wizard without a button), shown.
async fn wizard_view(client: &Arc<AppsClient>, input: Value) -> Option<(Value, Shown)> {
    let answer = run(client, "run_wizard", input.clone()).await;
    let description = ok(&answer)["form"].clone();
    let scenario = json!({"input": input, "result": answer});
    let shown = show(client.clone(), "wizard", scenario).await?;
    Some((description, shown))
}

/// The payment wizard's form: its required fields marked, Odoo's proposed
/// values filled, no run_wizard while a required one is empty, and the typed
/// values sent to run_wizard, which pays the invoice.
#[tokio::test]
async fn the_payment_wizard_form_requires_its_fields_and_runs_with_the_typed_values() {
    let double = OdooDouble::start().await;
    let client = apps_client(&full_access(&double)).await;
    let client = Arc::new(client);
    let invoice = posted_invoice(&client).await;
    let input = json!({"model": "account.move", "button": "action_register_payment", "record_ids": [invoice]});
    let pressed = run(&client, "press_button", input.clone()).await;
    let description = ok(&pressed)["next"].clone();
    assert_eq!(description["wizard"], "account.payment.register");
    let scenario = json!({"input": input, "result": pressed});
    let Some(shown) = show(client.clone(), "wizard", scenario).await else {
        return;
    };
    // What Odoo 19's and 18's form shows for one invoice (the labs' onchange,
    // the form's conditions evaluated with it): the alerts' fields and links,
    // the write-off and token fields stay hidden.
    assert_eq!(
        seen(&shown).await,
        (
            json!([
                "amount",
                "communication",
                "journal_id",
                "partner_bank_id",
                "payment_date",
                "payment_method_line_id"
            ]),
            json!(["journal_id", "payment_date", "payment_method_line_id"]),
            json!(["action_create_payments"]),
        )
    );
    // The values the conditions name are carried, values only.
    assert_eq!(description["hidden"]["can_edit_wizard"], json!(true));
    assert_eq!(description["hidden"]["payment_type"], json!("inbound"));
    // Inbound, the bank account is read-only (readonly_when).
    assert_eq!(
        shown
            .view("document.querySelector('#f_partner_bank_id').disabled")
            .await,
        json!(true)
    );

    // The handshake as the extension has it.
    let sent = shown.host("window.host.sent.map(m => m.method)").await;
    assert_eq!(sent[0], "ui/initialize", "{sent}");
    assert_eq!(sent[1], "ui/notifications/initialized", "{sent}");
    shown
        .wait_view("document.querySelector('#f_journal_id')")
        .await;
    assert_eq!(
        shown
            .view("document.querySelector('#title').textContent")
            .await,
        "account.payment.register"
    );

    // Every required field the form shows is marked, and has its input.
    let required: Vec<String> = description["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter(|f| f["required"] == json!(true) && f.get("hidden_when").is_none())
        .map(|f| f["name"].as_str().expect("name").to_string())
        .collect();
    assert!(
        required.contains(&"journal_id".to_string()),
        "{description}"
    );
    let marked = shown
        .view("[...document.querySelectorAll('label.req:not([hidden])')].map(l => l.htmlFor.slice(2))")
        .await;
    for name in &required {
        assert!(
            marked.as_array().expect("labels").contains(&json!(name)),
            "{name} not marked: {marked}"
        );
    }
    // Odoo's proposed journal is filled and named (get_record through the host).
    let journal = description["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .find(|f| f["name"] == "journal_id")
        .expect("journal_id")["value"]
        .clone();
    assert_eq!(
        shown
            .view("document.querySelector('#f_journal_id').dataset.id")
            .await,
        json!(journal.to_string())
    );

    // `required_when` applied as the user types: the write-off label is
    // required only while the difference is to be reconciled.
    let handling = "document.querySelector('#f_payment_difference_handling')";
    let label_required = "document.querySelector('#k_writeoff_label').classList.contains('req')";
    assert_eq!(shown.view(label_required).await, json!(false));
    shown
        .view(&format!("{handling}.value = 'reconcile'; {handling}.dispatchEvent(new Event('change', {{bubbles: true}}))"))
        .await;
    assert_eq!(shown.view(label_required).await, json!(true));
    shown
        .view(&format!("{handling}.value = 'open'; {handling}.dispatchEvent(new Event('change', {{bubbles: true}}))"))
        .await;
    assert_eq!(shown.view(label_required).await, json!(false));
    // Odoo's expressions as the view reads them; a name the description
    // does not carry leaves the condition undecided (false).
    for (condition, values, holds) in [
        ("state != 'draft'", json!({"state": "sale"}), true),
        (
            "(state != 'sent') and (state != 'draft')",
            json!({"state": "draft"}),
            false,
        ),
        (
            "not partner_id or amount <= 0",
            json!({"partner_id": [3, "Azure"], "amount": 5}),
            false,
        ),
        (
            "move_type in ('out_invoice', 'out_refund')",
            json!({"move_type": "out_refund"}),
            true,
        ),
        (
            "move_type not in ['entry']",
            json!({"move_type": "entry"}),
            false,
        ),
        ("journal_id == 6", json!({"journal_id": [6, "Bank"]}), true),
        ("not can_edit_wizard", json!({}), false),
        ("can_edit_wizard", json!({}), false),
        // Unknown spreads: decided only when the known part decides.
        (
            "not can_edit_wizard or amount > 0",
            json!({"amount": 5}),
            true,
        ),
        (
            "can_edit_wizard and amount > 0",
            json!({"amount": 0}),
            false,
        ),
        ("can_edit_wizard or amount > 0", json!({"amount": 0}), false),
        ("x not in ('a', 'b')", json!({}), false),
        ("context.get('x')", json!({}), false),
        ("1", json!({}), true),
    ] {
        let js = format!(
            "holds({}, {values})",
            serde_json::to_string(condition).unwrap()
        );
        assert_eq!(
            shown.view(&js).await,
            json!(holds),
            "{condition} on {values}"
        );
    }

    // Emptied, a required field stops the button: nothing is sent.
    let button = "document.querySelector('button[data-method=action_create_payments]')";
    let label = description["buttons"]
        .as_array()
        .expect("buttons")
        .iter()
        .find(|b| b["method"] == "action_create_payments")
        .expect("the pay button")["label"]
        .clone();
    assert_eq!(shown.view(&format!("{button}.textContent")).await, label);
    let date = "document.querySelector('#f_payment_date')";
    shown.type_into("payment_date", "").await;
    shown.view(&format!("{button}.click()")).await;
    let status = shown
        .view("document.querySelector('#status').textContent")
        .await;
    assert!(
        status
            .as_str()
            .is_some_and(|s| s.starts_with("Required:") && s.contains("Payment Date")),
        "{status}"
    );
    assert_eq!(
        shown
            .view(&format!("{date}.classList.contains('invalid')"))
            .await,
        json!(true)
    );
    assert!(shown.calls("run_wizard").await.is_empty());

    // A many2one picker searches through search_by_name as the user types;
    // the proposed journal stays pickable.
    let picker = "document.querySelector('#f_journal_id')";
    let proposed = shown.view(&format!("{picker}.value")).await;
    shown.type_into("journal_id", "Ba").await;
    assert_eq!(shown.view(&format!("{picker}.dataset.id")).await, "");
    shown
        .wait_host("window.host.calls.some(c => c.name === 'search_by_name')")
        .await;
    let search = &shown.calls("search_by_name").await[0];
    assert_eq!(search["arguments"]["model"], "account.journal", "{search}");
    assert_eq!(search["arguments"]["name"], "Ba", "{search}");
    shown
        .type_into(
            "journal_id",
            proposed.as_str().expect("the proposed journal"),
        )
        .await;
    assert_eq!(
        shown.view(&format!("{picker}.dataset.id")).await,
        json!(journal.to_string())
    );

    // A date and a memo typed: run_wizard gets them, as run_wizard takes them.
    shown.type_into("payment_date", "2026-12-31").await;
    shown.type_into("communication", "Paid from the app").await;
    shown.view(&format!("{button}.click()")).await;
    shown
        .wait_host("window.host.calls.some(c => c.name === 'run_wizard')")
        .await;
    let run = &shown.calls("run_wizard").await[0]["arguments"];
    assert_eq!(run["model"], "account.move", "{run}");
    assert_eq!(run["wizard"], "account.payment.register");
    assert_eq!(run["button"], "action_create_payments");
    assert_eq!(run["record_ids"], json!([invoice]));
    assert_eq!(run["context"], description["context"]);
    assert_eq!(
        run["values"],
        json!({"payment_date": "2026-12-31", "communication": "Paid from the app"}),
        "only what the user set: Odoo's proposals are its own"
    );
    shown
        .wait_view("document.querySelector('#status').textContent.startsWith('Done')")
        .await;
    assert_eq!(
        field_of(&client, "account.move", invoice, "payment_state").await,
        "paid"
    );
    shown.close().await;
}

/// Create Invoice from a sales order: as Odoo's form shows it for one order
/// (the method alone: the count, the down payment's amounts and what was
/// invoiced hidden); a down payment in percent shows and requires its
/// amount as it is picked, and run_wizard gets both.
#[tokio::test]
async fn the_invoicing_wizard_shows_the_down_payment_amount_as_it_is_picked() {
    let double = OdooDouble::start().await;
    let client = Arc::new(apps_client(&full_access(&double)).await);
    let order = delivered_order(&client).await;
    let input =
        json!({"model": "sale.order", "record_ids": [order], "wizard": "sale.advance.payment.inv"});
    let Some((description, shown)) = wizard_view(&client, input).await else {
        return;
    };
    assert_eq!(description["hidden"], json!({"has_down_payments": false}));
    assert_eq!(
        seen(&shown).await,
        (
            json!(["advance_payment_method"]),
            json!(["advance_payment_method"]),
            json!(["create_invoices"])
        )
    );
    shown
        .type_into("advance_payment_method", "percentage")
        .await;
    let (fields, required, _) = seen(&shown).await;
    assert_eq!(fields, json!(["advance_payment_method", "amount"]));
    assert_eq!(required, json!(["advance_payment_method", "amount"]));
    shown.type_into("amount", "30").await;
    let sent = pressed(&shown, "create_invoices").await;
    assert_eq!(sent["wizard"], "sale.advance.payment.inv");
    assert_eq!(sent["record_ids"], json!([order]));
    assert_eq!(
        sent["values"],
        json!({"advance_payment_method": "percentage", "amount": 30})
    );
    let invoices = field_of(&client, "sale.order", order, "invoice_ids").await;
    assert_eq!(invoices.as_array().map(Vec::len), Some(1), "{invoices}");
}

/// A credit note (account.move.reversal) from a posted invoice: reason,
/// journal and date, the last two required, both buttons; Reverse runs with
/// the typed reason and makes the credit note.
#[tokio::test]
async fn the_credit_note_wizard_reverses_with_the_typed_reason() {
    let double = OdooDouble::start().await;
    let client = Arc::new(apps_client(&full_access(&double)).await);
    let invoice = posted_invoice(&client).await;
    let input = json!({"model": "account.move", "record_ids": [invoice], "wizard": "account.move.reversal"});
    let Some((description, shown)) = wizard_view(&client, input).await else {
        return;
    };
    assert_eq!(description["hidden"], json!({"move_type": "out_invoice"}));
    assert_eq!(
        seen(&shown).await,
        (
            json!(["date", "journal_id", "reason"]),
            json!(["date", "journal_id"]),
            json!(["modify_moves", "refund_moves"])
        )
    );
    shown.type_into("reason", "Damaged").await;
    let sent = pressed(&shown, "refund_moves").await;
    assert_eq!(sent["values"], json!({"reason": "Damaged"}));
    let credits = ok(&run(
        &client,
        "search_records",
        json!({"model": "account.move", "domain": [["reversed_entry_id", "=", invoice]], "fields": ["ref", "move_type"]}),
    )
    .await);
    let credit = &credits["records"][0];
    assert_eq!(credit["move_type"], "out_refund", "{credits}");
    assert!(
        credit["ref"]
            .as_str()
            .is_some_and(|r| r.ends_with(", Damaged")),
        "{credits}"
    );
}

/// Lost reason (crm.lead.lost): the reason picked through its picker and
/// the closing note typed reach run_wizard; the lead is lost.
#[tokio::test]
async fn the_lost_reason_wizard_loses_the_lead_with_the_picked_reason() {
    let double = OdooDouble::start().await;
    let client = Arc::new(apps_client(&full_access(&double)).await);
    let reason = created(&client, "crm.lost.reason", json!({"name": "Too far away"})).await;
    let lead = created(
        &client,
        "crm.lead",
        json!({"name": "App lead", "type": "opportunity"}),
    )
    .await;
    let input = json!({"model": "crm.lead", "record_ids": [lead], "wizard": "crm.lead.lost"});
    let Some((_, shown)) = wizard_view(&client, input).await else {
        return;
    };
    assert_eq!(
        seen(&shown).await,
        (
            json!(["lost_feedback", "lost_reason_id"]),
            json!([]),
            json!(["action_lost_reason_apply"])
        )
    );
    shown.type_into("lost_reason_id", "Too far").await;
    let option = format!(
        "[...document.querySelector('#l_lost_reason_id').options].find(o => o.dataset.id === '{reason}')"
    );
    shown.wait_view(&option).await;
    shown.type_into("lost_reason_id", "Too far away").await;
    shown.type_into("lost_feedback", "Chose a local firm").await;
    let sent = pressed(&shown, "action_lost_reason_apply").await;
    assert_eq!(
        sent["values"],
        json!({"lost_reason_id": reason, "lost_feedback": "Chose a local firm"})
    );
    assert_eq!(
        field_of(&client, "crm.lead", lead, "active").await,
        json!(false)
    );
}

/// Validating a partly done delivery (stock.backorder.confirmation): no
/// field, Create Backorder and No Backorder; with several pickings
/// (show_transfers) the lines show read-only and No Backorder hides.
/// Create Backorder validates the delivery and makes its backorder.
#[tokio::test]
async fn the_backorder_wizard_validates_with_a_backorder() {
    let double = OdooDouble::start().await;
    let client = Arc::new(apps_client(&full_access(&double)).await);
    let (_, pickings) = confirmed_order(&client).await;
    let picking = pickings[0].as_i64().expect("a delivery");
    let context = |several: bool| json!({"button_validate_picking_ids": [picking], "default_pick_ids": [[4, picking]], "default_show_transfers": several});
    let input = json!({"model": "stock.picking", "record_ids": [picking], "wizard": "stock.backorder.confirmation", "context": context(true)});
    let Some((_, shown)) = wizard_view(&client, input).await else {
        return;
    };
    let (fields, _, buttons) = seen(&shown).await;
    assert_eq!(fields, json!(["backorder_confirmation_line_ids"]));
    assert_eq!(buttons, json!(["process"]));
    assert_eq!(
        shown
            .view("document.querySelector('#f_backorder_confirmation_line_ids').tagName")
            .await,
        "OUTPUT",
        "an x2many is shown, not edited"
    );
    shown.close().await;

    let input = json!({"model": "stock.picking", "record_ids": [picking], "wizard": "stock.backorder.confirmation", "context": context(false)});
    let Some((_, shown)) = wizard_view(&client, input).await else {
        return;
    };
    assert_eq!(
        seen(&shown).await,
        (
            json!([]),
            json!([]),
            json!(["process", "process_cancel_backorder"])
        )
    );
    let sent = pressed(&shown, "process").await;
    assert_eq!(sent["values"], json!({}));
    assert_eq!(
        sent["context"]["button_validate_picking_ids"],
        json!([picking])
    );
    assert_eq!(
        field_of(&client, "stock.picking", picking, "state").await,
        "done"
    );
    let backorders = ok(&run(
        &client,
        "search_records",
        json!({"model": "stock.picking", "domain": [["backorder_id", "=", picking]], "fields": ["state"]}),
    )
    .await);
    assert_eq!(
        backorders["records"][0]["state"], "assigned",
        "{backorders}"
    );
}

/// The chart of sales by month: one point per group, whose heights follow
/// the numbers of the answer, and the same numbers in the table beside it.
#[tokio::test]
async fn the_chart_of_sales_by_month_follows_the_numbers() {
    let double = OdooDouble::start().await;
    let client = apps_client(&full_access(&double)).await;
    let client = Arc::new(client);
    let partner = created(&client, "res.partner", json!({"name": "Chart Customer"})).await;
    for (date, count) in [
        ("2026-01-15 10:00:00", 1),
        ("2026-02-10 10:00:00", 3),
        ("2026-03-05 10:00:00", 2),
    ] {
        for _ in 0..count {
            created(
                &client,
                "sale.order",
                json!({"partner_id": partner, "date_order": date}),
            )
            .await;
        }
    }
    let input = json!({"model": "sale.order", "groupby": ["date_order:month"], "aggregates": ["__count"], "domain": [["partner_id", "=", partner]]});
    let answer = run(&client, "aggregate_records", input.clone()).await;
    let groups = ok(&answer)["groups"].clone();
    let counts: Vec<f64> = groups
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g["__count"].as_f64().expect("a count"))
        .collect();
    assert_eq!(counts, [1.0, 3.0, 2.0], "{groups}");
    let Some(shown) = show(
        client.clone(),
        "chart",
        json!({"input": input, "result": answer}),
    )
    .await
    else {
        return;
    };
    shown
        .wait_view("document.querySelectorAll('.point').length > 0")
        .await;
    let points = shown
        .view("[...document.querySelectorAll('.point')].map(p => [Number(p.dataset.value), Number(p.getAttribute('cy')), p.dataset.group])")
        .await;
    let points = points.as_array().expect("points");
    assert_eq!(
        points.len(),
        counts.len(),
        "one point per group: {points:?}"
    );
    let baseline = shown
        .view("Number(document.querySelector('line.axis').getAttribute('y1'))")
        .await
        .as_f64()
        .expect("the axis");
    let heights: Vec<f64> = points
        .iter()
        .map(|p| baseline - p[1].as_f64().expect("cy"))
        .collect();
    for (i, point) in points.iter().enumerate() {
        assert_eq!(point[0].as_f64(), Some(counts[i]));
        assert_eq!(point[2], groups[i]["date_order:month"][1], "{point:?}");
        // Heights in proportion to the numbers (the largest at full height).
        let expected = heights[1] * counts[i] / counts[1];
        assert!(
            (heights[i] - expected).abs() < 0.5,
            "{heights:?} for {counts:?}"
        );
    }
    assert!(
        shown
            .view("document.querySelector('polyline.line') !== null")
            .await
            == json!(true)
    );
    let table = shown
        .view(
            "[...document.querySelectorAll('#table tr')].slice(1).map(r => r.cells[1].textContent)",
        )
        .await;
    assert_eq!(table, json!(["1", "3", "2"]));
    assert_eq!(
        shown
            .view("document.querySelector('#axis').textContent")
            .await,
        "Count"
    );
    shown.close().await;
}

/// Bars for categories, and a monetary measure's currency (the company's) on
/// the axis.
#[tokio::test]
async fn the_chart_of_amounts_by_state_draws_bars_in_the_company_currency() {
    let double = OdooDouble::start().await;
    let client = Arc::new(apps_client(&full_access(&double)).await);
    let input =
        json!({"model": "sale.order", "groupby": ["state"], "aggregates": ["amount_total:sum"]});
    let answer = run(&client, "aggregate_records", input.clone()).await;
    let groups = ok(&answer)["groups"].as_array().expect("groups").len();
    assert!(groups > 0);
    let context = ok(&run(&client, "get_current_context", json!({})).await);
    let company = ok(&run(
        &client,
        "get_record",
        json!({"model": "res.company", "record_id": context["company"]["id"], "fields": ["currency_id"]}),
    )
    .await);
    let currency = company["record"]["currency_id"][1]
        .as_str()
        .expect("a currency")
        .to_string();
    let Some(shown) = show(
        client.clone(),
        "chart",
        json!({"input": input, "result": answer}),
    )
    .await
    else {
        return;
    };
    shown.wait_view("document.querySelector('#axis') && document.querySelector('#axis').textContent.includes('(')").await;
    assert_eq!(
        shown
            .view("document.querySelectorAll('rect.bar').length")
            .await,
        json!(groups)
    );
    assert_eq!(
        shown
            .view("document.querySelectorAll('.point').length")
            .await,
        json!(0)
    );
    let axis = shown
        .view("document.querySelector('#axis').textContent")
        .await;
    assert!(
        axis.as_str()
            .is_some_and(|a| a.ends_with(&format!("({currency})"))),
        "{axis}"
    );
    shown.close().await;
}

/// The record card of a sales order: its name as the title, its state on
/// the status bar among the others, its fields, a link to Odoo, and Confirm
/// only while it is a quotation: pressed through press_button, the card
/// shows the confirmed order without it.
#[tokio::test]
async fn the_record_card_offers_confirm_only_on_a_quotation() {
    let double = OdooDouble::start().await;
    let client = Arc::new(apps_client(&server_env(&double, &[])).await);
    let partner = created(&client, "res.partner", json!({"name": "Card Customer"})).await;
    let order = created(&client, "sale.order", json!({"partner_id": partner})).await;
    let input = json!({"model": "sale.order", "record_id": order, "fields": ["display_name", "state", "partner_id"]});
    let answer = run(&client, "get_record", input.clone()).await;
    let record = ok(&answer)["record"].clone();
    assert_eq!(record["state"], "draft");
    let card = answer.meta.as_ref().expect("the card's _meta").0["odoo-mcp/record"].clone();
    assert!(
        card["url"]
            .as_str()
            .is_some_and(|u| u.ends_with(&format!("/odoo/sale.order/{order}"))),
        "{card}"
    );
    let Some(shown) = show(
        client.clone(),
        "record",
        json!({"input": input, "result": answer}),
    )
    .await
    else {
        return;
    };
    shown
        .wait_view("document.querySelector('#states .current')")
        .await;
    assert_eq!(
        shown
            .view("document.querySelector('#title').textContent")
            .await,
        record["display_name"]
    );
    assert_eq!(
        shown
            .view("document.querySelector('#states .current').dataset.state")
            .await,
        "draft"
    );
    let states = shown
        .view("[...document.querySelectorAll('#states span')].map(s => s.dataset.state)")
        .await;
    assert!(
        states
            .as_array()
            .is_some_and(|s| s.contains(&json!("sale"))),
        "{states}"
    );
    let fields = shown
        .view("document.querySelector('#fields').innerText")
        .await;
    assert!(
        fields.as_str().is_some_and(|f| f.contains("Card Customer")),
        "{fields}"
    );
    assert_eq!(
        shown.view("document.querySelector('#link').hidden").await,
        json!(false)
    );
    let buttons = "[...document.querySelectorAll('#buttons button')].map(b => b.dataset.method)";
    let offered = shown.view(buttons).await;
    assert!(
        offered
            .as_array()
            .is_some_and(|b| b.contains(&json!("action_confirm"))),
        "{offered}"
    );

    shown
        .view("document.querySelector('#buttons button[data-method=action_confirm]').click()")
        .await;
    shown
        .wait_view("document.querySelector('#states .current').dataset.state === 'sale'")
        .await;
    let press = &shown.calls("press_button").await[0]["arguments"];
    assert_eq!(
        press,
        &json!({"model": "sale.order", "record_ids": [order], "button": "action_confirm"})
    );
    let offered = shown.view(buttons).await;
    assert!(
        !offered
            .as_array()
            .is_some_and(|b| b.contains(&json!("action_confirm"))),
        "{offered}"
    );
    assert_eq!(
        field_of(&client, "sale.order", order, "state").await,
        "sale"
    );
    shown.close().await;
}

/// A client without Apps gets get_record's answer alone; a read-only
/// server's card offers no button.
#[tokio::test]
async fn no_card_meta_without_apps_and_no_buttons_read_only() {
    let double = OdooDouble::start().await;
    let (plain, _) = stdio_client(&server_env(&double, &[])).await;
    let partner = ok(&call(
        &plain,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Plain"}}),
    )
    .await)["id"]
        .clone();
    let order = ok(&call(
        &plain,
        "create_record",
        json!({"model": "sale.order", "values": {"partner_id": partner}}),
    )
    .await)["id"]
        .clone();
    let input = json!({"model": "sale.order", "record_id": order});
    assert!(
        call(&plain, "get_record", input.clone())
            .await
            .meta
            .is_none()
    );
    let client = Arc::new(apps_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await);
    let answer = run(&client, "get_record", input.clone()).await;
    let card = answer.meta.as_ref().expect("the card's _meta").0["odoo-mcp/record"].clone();
    assert!(card.get("buttons").is_none(), "{card}");
    let Some(shown) = show(
        client.clone(),
        "record",
        json!({"input": input, "result": answer}),
    )
    .await
    else {
        return;
    };
    shown
        .wait_view("document.querySelector('#states .current')")
        .await;
    assert_eq!(
        shown
            .view("document.querySelectorAll('#buttons button').length")
            .await,
        json!(0)
    );
    shown.close().await;
}

/// Not a check: with `ODOO_APPS_SCREENSHOTS=<env file of a real Odoo>` (e.g.
/// the Odoo 19 lab's), shows each view with that Odoo's data and saves
/// `docs/apps-<view>.png`. Reads only: the wizard is described, not run.
#[tokio::test]
#[ignore = "makes the docs' screenshots against a real Odoo: ODOO_APPS_SCREENSHOTS=<env file> cargo test -p odoo-mcp --test test_apps -- --ignored"]
async fn screenshots_against_a_real_odoo() {
    let Ok(env_file) = std::env::var("ODOO_APPS_SCREENSHOTS") else {
        return;
    };
    let text = std::fs::read_to_string(&env_file).expect("the env file");
    let mut vars: Vec<(String, String)> = text
        .lines()
        .filter_map(|l| l.split_once('='))
        .filter(|(k, _)| ["ODOO_URL", "ODOO_DB", "ODOO_API_KEY", "ODOO_USER"].contains(k))
        .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        .collect();
    vars.push(("ODOO_YOLO".into(), "true".into()));
    let client = Arc::new(apps_client(&vars).await);
    let invoices = ok(&run(
        &client,
        "search_records",
        json!({"model": "account.move", "domain": [["move_type", "=", "out_invoice"], ["state", "=", "posted"], ["payment_state", "=", "not_paid"]], "fields": ["id"], "limit": 1}),
    )
    .await);
    let invoice = invoices["records"][0]["id"].clone();
    let orders = ok(&run(
        &client,
        "search_records",
        json!({"model": "sale.order", "domain": [["state", "=", "draft"]], "fields": ["id"], "limit": 1}),
    )
    .await);
    let order = orders["records"][0]["id"].clone();
    let scenarios = [
        (
            "wizard",
            "press_button",
            json!({"model": "account.move", "button": "action_register_payment", "record_ids": [invoice]}),
        ),
        (
            "chart",
            "aggregate_records",
            json!({"model": "sale.order", "groupby": ["date_order:month"], "aggregates": ["amount_total:sum"], "domain": [["state", "=", "sale"]]}),
        ),
        (
            "record",
            "get_record",
            json!({"model": "sale.order", "record_id": order}),
        ),
    ];
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    for (view, tool, input) in scenarios {
        let answer = run(&client, tool, input.clone()).await;
        let Some(shown) = show(
            client.clone(),
            view,
            json!({"input": input, "result": answer}),
        )
        .await
        else {
            return;
        };
        // Settled: the views' own calls through the host answered (a view
        // may make its next call only once the first is answered).
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_millis(500)).await;
            shown.wait_host("window.host.pending === 0").await;
        }
        let png = shown.png().await.expect("screenshot");
        std::fs::write(docs.join(format!("apps-{view}.png")), png).expect("write the png");
        shown.close().await;
    }
}

/// The typed `_get` answers as get_record does: the card's `_meta` too.
#[tokio::test]
async fn a_typed_get_carries_the_card_meta() {
    let double = OdooDouble::start().await;
    let env = server_env(&double, &[("ODOO_MCP_TYPED_TOOLS", "all")]);
    let client = apps_client(&env).await;
    let partner = created(&client, "res.partner", json!({"name": "Typed Card"})).await;
    let order = created(&client, "sale.order", json!({"partner_id": partner})).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let get = tools
        .iter()
        .find(|t| t.name == "sale_order_get")
        .expect("sale_order_get");
    let meta = serde_json::to_value(&get.meta).expect("meta");
    assert_eq!(meta["ui"]["resourceUri"], "ui://odoo/record");
    let answer = run(&client, "sale_order_get", json!({"record_id": order})).await;
    ok(&answer);
    let card = answer.meta.as_ref().expect("the card's _meta").0["odoo-mcp/record"].clone();
    let methods: Vec<&str> = card["buttons"]
        .as_array()
        .expect("buttons")
        .iter()
        .filter_map(|b| b["method"].as_str())
        .collect();
    assert!(methods.contains(&"action_confirm"), "{card}");
}
