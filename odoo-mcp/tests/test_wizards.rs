//! Buttons and wizards through the real binary against the Odoo test double:
//! `press_button` presses a form's button where the form shows it, a method's
//! answer that opens a wizard describes it (`next`), `run_wizard` describes,
//! refuses bad calls (a button or field the wizard lacks) before anything is made, and finishes a lead marked lost
//! and order to cash (the double runs those steps as the labs' Odoo 18 and 19 do).

mod common;

use common::*;
use odoo_tests::OdooDouble;
use serde_json::{Value, json};

fn full_access(double: &OdooDouble) -> Vec<(String, String)> {
    server_env(
        double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_MCP_ENABLE_METHOD_CALLS", "true"),
        ],
    )
}

/// Requests of `method` on `model` the double received.
fn requests(double: &OdooDouble, model: &str, method: &str) -> usize {
    double
        .requests()
        .into_iter()
        .filter(|(_, m, name)| m == model && name == method)
        .count()
}

async fn created(client: &Client, model: &str, values: Value) -> i64 {
    let answer = ok(&call(
        client,
        "create_record",
        json!({"model": model, "values": values}),
    )
    .await);
    answer["id"].as_i64().expect("an id")
}

async fn read(client: &Client, model: &str, id: i64, fields: &[&str]) -> Value {
    let answer = ok(&call(
        client,
        "get_record",
        json!({"model": model, "record_id": id, "fields": fields}),
    )
    .await);
    answer["record"].clone()
}

#[tokio::test]
async fn listed_with_full_access_only_and_refused_otherwise() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| t.name != "run_wizard"));
    let refused = err(&call(
        &client,
        "run_wizard",
        json!({"model": "crm.lead", "record_ids": [1], "wizard": "crm.lead.lost"}),
    )
    .await);
    assert!(refused.contains("needs ODOO_YOLO=true"), "{refused}");
    assert_eq!(double.request_count(), 0, "refused before Odoo is asked");

    let (client, _) = stdio_client(&full_access(&double)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let wizard = tool(&tools, "run_wizard");
    assert_valid_schema(&Value::Object((*wizard.input_schema).clone()));
    let hints = wizard.annotations.clone().expect("annotations");
    assert_eq!(hints.read_only_hint, Some(false));
    assert_eq!(hints.destructive_hint, Some(true));
}

#[tokio::test]
async fn a_lead_marked_lost_with_a_reason_and_bad_calls_refused_before_anything_is_made() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&full_access(&double)).await;
    let reason = created(&client, "crm.lost.reason", json!({"name": "Too expensive"})).await;
    let lead = created(
        &client,
        "crm.lead",
        json!({"name": "Big deal", "type": "opportunity"}),
    )
    .await;
    let on_lead = json!({"model": "crm.lead", "record_ids": [lead], "wizard": "crm.lead.lost"});

    // Described: the form's fields, the lead in the context, the button.
    let described = ok(&call(&client, "run_wizard", on_lead.clone()).await);
    let form = &described["form"];
    assert_eq!(form["wizard"], "crm.lead.lost");
    assert_eq!(form["fields"][0]["name"], "lost_reason_id");
    assert_eq!(form["fields"][0]["relation"], "crm.lost.reason");
    assert_eq!(form["context"]["default_lead_ids"], json!([lead]));
    assert_eq!(form["context"]["active_model"], "crm.lead");
    assert_eq!(
        form["buttons"],
        json!([{"method": "action_lost_reason_apply", "label": "Mark as Lost"}])
    );
    assert_eq!(requests(&double, "crm.lead.lost", "create"), 0);

    let mut press = on_lead.clone();
    press["button"] = json!("action_lost_reason_apply");
    press["values"] = json!({"lost_reason": reason});
    let unknown = err(&call(&client, "run_wizard", press.clone()).await);
    assert!(
        unknown.contains("unknown field `lost_reason`") && unknown.contains("lost_reason_id"),
        "{unknown}"
    );
    press["values"] = json!({"lost_reason_id": reason});
    press["button"] = json!("action_lost");
    let button = err(&call(&client, "run_wizard", press.clone()).await);
    assert!(
        button.contains("`action_lost` is not a button of crm.lead.lost's form")
            && button.contains("action_lost_reason_apply (Mark as Lost)"),
        "{button}"
    );
    assert_eq!(requests(&double, "crm.lead.lost", "create"), 0);
    assert!(read(&client, "crm.lead", lead, &["active"]).await["active"] == json!(true));

    press["button"] = json!("action_lost_reason_apply");
    let pressed = ok(&call(&client, "run_wizard", press).await);
    assert_eq!(pressed["next"], json!({"kind": "done"}));
    assert_eq!(pressed["button"], "action_lost_reason_apply");
    let after = read(&client, "crm.lead", lead, &["active", "lost_reason_id"]).await;
    assert_eq!(after["active"], json!(false));
    assert_eq!(after["lost_reason_id"][0], json!(reason));
}

#[tokio::test]
async fn not_a_wizard_is_refused() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&full_access(&double)).await;
    let refused = err(&call(
        &client,
        "run_wizard",
        json!({"model": "res.partner", "record_ids": [1], "wizard": "res.partner", "button": "action_archive"}),
    )
    .await);
    assert!(refused.contains("res.partner is not a wizard"), "{refused}");
    let unknown = err(&call(
        &client,
        "run_wizard",
        json!({"model": "res.partner", "wizard": "no.such.wizard"}),
    )
    .await);
    assert!(
        unknown.contains("unknown model `no.such.wizard`"),
        "{unknown}"
    );
    assert_eq!(requests(&double, "res.partner", "create"), 0);
}

/// Quotation with a line → confirmed → delivery validated (through the SMS
/// question) → invoiced through sale.advance.payment.inv → posted → paid
/// through account.payment.register.
#[tokio::test]
async fn order_to_cash_with_the_tools_alone_over_json2() {
    order_to_cash("json2").await;
}

/// The same over XML-RPC, where the invoicing wizard's answer (an action whose
/// context holds a None: the customer has no payment terms) is lost: the
/// answer says so, and the order names its invoice.
#[tokio::test]
async fn order_to_cash_with_the_tools_alone_over_xmlrpc() {
    order_to_cash("xmlrpc").await;
}

async fn order_to_cash(api: &str) {
    let double = OdooDouble::start().await;
    let mut env = full_access(&double);
    env.push(("ODOO_API_VERSION".into(), api.into()));
    let (client, _) = stdio_client(&env).await;
    let partner = created(&client, "res.partner", json!({"name": "Cash Customer"})).await;
    let products = ok(&call(
        &client,
        "search_records",
        json!({"model": "product.product", "fields": ["id"], "limit": 1}),
    )
    .await);
    let product = products["records"][0]["id"].as_i64().expect("a product");
    let order = created(
        &client,
        "sale.order",
        json!({"partner_id": partner, "order_line": [[0, 0, {"product_id": product, "product_uom_qty": 2}]]}),
    )
    .await;
    let lines = read(&client, "sale.order", order, &["order_line"]).await["order_line"].clone();
    assert_eq!(lines.as_array().map(Vec::len), Some(1), "{lines}");

    let confirm = json!({"model": "sale.order", "button": "action_confirm", "record_ids": [order]});
    let confirmed = ok(&call(&client, "press_button", confirm.clone()).await);
    assert_eq!(confirmed["result"], json!(true));
    assert_eq!(confirmed["label"], "Confirm");
    assert!(confirmed.get("next").is_none(), "{confirmed}");
    // The form hides Confirm on a confirmed order: refused, naming why.
    let again = err(&call(&client, "press_button", confirm).await);
    assert!(
        again.contains(&format!("Odoo hides Confirm (action_confirm) on sale.order record {order} (state = \"sale\") when (state != 'sent') and (state != 'draft')")),
        "{again}"
    );
    assert_eq!(requests(&double, "sale.order", "action_confirm"), 1);
    let pickings =
        read(&client, "sale.order", order, &["picking_ids"]).await["picking_ids"].clone();

    // Validating asks about SMS first: the answer describes that wizard.
    let validated = ok(&call(
        &client,
        "call_model_method",
        json!({"model": "stock.picking", "method": "button_validate", "record_ids": pickings}),
    )
    .await);
    let sms = &validated["next"];
    assert_eq!(sms["kind"], "wizard", "{validated}");
    assert_eq!(sms["wizard"], "confirm.stock.sms");
    assert!(sms["wizard_id"].as_i64().is_some());
    assert_eq!(sms["context"]["button_validate_picking_ids"], pickings);
    assert_eq!(sms["context"]["active_model"], "stock.picking");
    let methods: Vec<&str> = sms["buttons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["method"].as_str())
        .collect();
    assert_eq!(methods, ["send_sms", "dont_send_sms"]);
    let done = ok(&call(
        &client,
        "run_wizard",
        json!({"model": "stock.picking", "wizard": sms["wizard"], "wizard_id": sms["wizard_id"], "context": sms["context"], "button": "dont_send_sms"}),
    )
    .await);
    assert_eq!(done["next"]["kind"], "done");
    assert_eq!(
        read(
            &client,
            "stock.picking",
            pickings[0].as_i64().unwrap(),
            &["state"]
        )
        .await["state"],
        "done"
    );

    let invoiced = ok(&call(
        &client,
        "run_wizard",
        json!({"model": "sale.order", "record_ids": [order], "wizard": "sale.advance.payment.inv", "button": "create_invoices"}),
    )
    .await);
    let next = &invoiced["next"];
    let invoices =
        read(&client, "sale.order", order, &["invoice_ids"]).await["invoice_ids"].clone();
    let invoice = invoices[0].as_i64().expect("the order's invoice");
    if api == "xmlrpc" {
        assert_eq!(next["kind"], "unknown", "{invoiced}");
        let note = next["note"].as_str().unwrap_or_default();
        assert!(
            note.contains("XML-RPC cannot carry its answer")
                && note.contains("Do not run it again"),
            "{note}"
        );
    } else {
        assert_eq!(next["kind"], "record", "{invoiced}");
        assert_eq!(next["model"], "account.move");
        assert_eq!(next["id"], json!(invoice));
        assert!(
            next["url"]
                .as_str()
                .is_some_and(|u| u.ends_with(&format!("/odoo/account.move/{invoice}"))),
            "{next}"
        );
    }

    ok(&call(
        &client,
        "press_button",
        json!({"model": "account.move", "button": "action_post", "record_ids": [invoice]}),
    )
    .await);
    let pay = ok(&call(
        &client,
        "press_button",
        json!({"model": "account.move", "button": "action_register_payment", "record_ids": [invoice]}),
    )
    .await);
    let wizard = &pay["next"];
    assert_eq!(wizard["wizard"], "account.payment.register", "{pay}");
    assert!(wizard.get("wizard_id").is_none());
    // The form requires a journal and a payment method (no default) that
    // its onchange fills, as the web client shows them: nothing is missing.
    let journal = field(wizard, "journal_id");
    assert_eq!(journal["required"], json!(true), "{journal}");
    assert_eq!(journal["value"], json!(6), "{journal}");
    assert!(wizard.get("missing").is_none(), "{wizard}");
    // The web client's parts of the action are not repeated.
    assert!(pay["result"].get("views").is_none());
    let paid = ok(&call(
        &client,
        "run_wizard",
        json!({"model": "account.move", "record_ids": [invoice], "wizard": wizard["wizard"], "context": wizard["context"], "button": "action_create_payments"}),
    )
    .await);
    assert_eq!(paid["next"]["kind"], "record");
    assert_eq!(paid["next"]["model"], "account.payment");
    assert_eq!(
        read(&client, "account.move", invoice, &["payment_state"]).await["payment_state"],
        "paid"
    );
}

fn field(wizard: &Value, name: &str) -> Value {
    wizard["fields"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["name"] == name)
        .cloned()
        .unwrap_or_default()
}

#[tokio::test]
async fn a_credit_note_with_the_journal_onchange_proposes_over_json2() {
    credit_note("json2").await;
}

#[tokio::test]
async fn a_credit_note_with_the_journal_onchange_proposes_over_xmlrpc() {
    credit_note("xmlrpc").await;
}

/// The reversal wizard's journal is a stored compute only the form's
/// onchange fills (Odoo's create refuses it empty): the description shows
/// onchange's journal, not as missing, and run_wizard given only a reason
/// makes the wizard with it and the credit note.
async fn credit_note(api: &str) {
    let double = OdooDouble::start().await;
    let mut env = full_access(&double);
    env.push(("ODOO_API_VERSION".into(), api.into()));
    let (client, _) = stdio_client(&env).await;
    // A posted customer invoice of the captured demo data, in the Sales journal.
    let invoice = 1;
    let pressed = ok(&call(
        &client,
        "press_button",
        json!({"model": "account.move", "button": "action_reverse", "record_ids": [invoice]}),
    )
    .await);
    let wizard = &pressed["next"];
    assert_eq!(wizard["wizard"], "account.move.reversal", "{pressed}");
    let journal = field(wizard, "journal_id");
    assert_eq!(journal["required"], json!(true), "{journal}");
    assert_eq!(journal["value"], json!(1), "{journal}");
    assert!(wizard.get("missing").is_none(), "{wizard}");
    assert!(wizard.get("note").is_none(), "{wizard}");
    assert_eq!(requests(&double, "account.move.reversal", "onchange"), 1);

    let made = ok(&call(
        &client,
        "run_wizard",
        json!({"model": "account.move", "record_ids": [invoice], "wizard": wizard["wizard"], "context": wizard["context"], "values": {"reason": "Damaged goods"}, "button": "refund_moves"}),
    )
    .await);
    let next = &made["next"];
    assert_eq!(next["kind"], "record", "{made}");
    assert_eq!(next["model"], "account.move");
    let refund = next["id"].as_i64().expect("the credit note");
    let record = read(
        &client,
        "account.move",
        refund,
        &[
            "move_type",
            "state",
            "reversed_entry_id",
            "journal_id",
            "ref",
        ],
    )
    .await;
    assert_eq!(record["move_type"], "out_refund", "{record}");
    assert_eq!(record["state"], "draft");
    assert_eq!(record["reversed_entry_id"][0], json!(invoice));
    assert_eq!(record["journal_id"][0], json!(1));
    assert!(
        record["ref"]
            .as_str()
            .is_some_and(|r| r.ends_with(", Damaged goods")),
        "{record}"
    );
    // Made with onchange's values under the caller's.
    let wizards = double.records("account.move.reversal");
    assert_eq!(wizards.len(), 1);
    assert_eq!(wizards[0]["journal_id"][0], json!(1), "{}", wizards[0]);
    assert_eq!(wizards[0]["reason"], "Damaged goods");
    // The form's hidden moves, asked of onchange with the rest, as the web client does.
    assert_eq!(wizards[0]["move_ids"], json!([invoice]), "{}", wizards[0]);
}

/// Without onchange (an Odoo that refuses it), the description has Odoo's
/// defaults only and says so; the journal Odoo then refuses empty is named
/// by Odoo's own error, and given, the credit note is made.
#[tokio::test]
async fn without_onchange_the_defaults_only_with_a_note() {
    let double = OdooDouble::start().await;
    double.refuse_method("onchange");
    let (client, _) = stdio_client(&full_access(&double)).await;
    let on_invoice =
        json!({"model": "account.move", "record_ids": [1], "wizard": "account.move.reversal"});
    let described = ok(&call(&client, "run_wizard", on_invoice.clone()).await);
    let form = &described["form"];
    let note = form["note"].as_str().unwrap_or_default();
    assert!(
        note.contains("onchange could not be asked") && note.contains("not allowed"),
        "{form}"
    );
    assert!(field(form, "journal_id").get("value").is_none(), "{form}");
    assert!(field(form, "date")["value"].is_string(), "{form}");
    // As before onchange: a computed field is taken as filled on create.
    assert!(form.get("missing").is_none(), "{form}");

    let mut press = on_invoice;
    press["button"] = json!("refund_moves");
    let refused = err(&call(&client, "run_wizard", press.clone()).await);
    assert!(
        refused.contains("Missing required value for the field 'Journal' (journal_id)"),
        "{refused}"
    );
    press["values"] = json!({"journal_id": 1});
    let made = ok(&call(&client, "run_wizard", press).await);
    assert_eq!(made["next"]["kind"], "record", "{made}");
}

/// Known buttons need no ODOO_MCP_ENABLE_METHOD_CALLS: with the default
/// access, a generated model's button is pressed; a button the form lacks is
/// refused naming the form's; read-only servers neither list nor run it.
#[tokio::test]
async fn buttons_on_the_default_access_and_read_only_refusal() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let press = tool(&tools, "press_button");
    assert_valid_schema(&Value::Object((*press.input_schema).clone()));
    assert_eq!(
        press.annotations.clone().and_then(|a| a.read_only_hint),
        Some(false)
    );
    let lead = created(
        &client,
        "crm.lead",
        json!({"name": "Deal", "type": "opportunity"}),
    )
    .await;
    let unknown = err(&call(
        &client,
        "press_button",
        json!({"model": "crm.lead", "button": "action_set_won", "record_ids": [lead]}),
    )
    .await);
    assert!(
        unknown.contains("`action_set_won` is not a button of crm.lead's form")
            && unknown.contains("action_set_won_rainbowman (Won)"),
        "{unknown}"
    );
    let archived = err(&call(
        &client,
        "press_button",
        json!({"model": "ir.cron", "button": "method_direct_trigger", "record_ids": [1]}),
    )
    .await);
    assert!(
        archived.contains("not enabled on this server"),
        "{archived}"
    );

    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| t.name != "press_button"));
    let refused = err(&call(
        &client,
        "press_button",
        json!({"model": "crm.lead", "button": "action_set_won_rainbowman", "record_ids": [lead]}),
    )
    .await);
    assert!(refused.contains("read-only"), "{refused}");
}

/// A wizard's context comes from outside (the assistant passes it back): it
/// cannot widen the companies the server acts in (`ODOO_ALLOWED_COMPANIES`).
#[tokio::test]
async fn a_wizard_context_cannot_widen_the_companies() {
    let double = OdooDouble::start().await;
    let mut env = full_access(&double);
    env.push(("ODOO_ALLOWED_COMPANIES".into(), "1".into()));
    let (client, _) = stdio_client(&env).await;
    let lead = created(
        &client,
        "crm.lead",
        json!({"name": "Deal", "type": "opportunity"}),
    )
    .await;
    let described = ok(&call(
        &client,
        "run_wizard",
        json!({"model": "crm.lead", "record_ids": [lead], "wizard": "crm.lead.lost", "context": {"allowed_company_ids": [99]}}),
    )
    .await);
    assert_eq!(described["form"]["wizard"], "crm.lead.lost");
    assert!(
        double.request_contexts().iter().all(|c| c
            .get("allowed_company_ids")
            .is_none_or(|ids| ids == &json!([1]))),
        "a request acted outside company 1"
    );
}

/// `ODOO_MCP_TYPED_TOOLS` with `action`: `sale_order_action` offers the
/// order form's buttons as an enum (smart buttons left out), presses one like
/// press_button (refused where the form hides it), refuses a method outside
/// the enum before Odoo is asked, and is gone under `ODOO_YOLO=read`.
#[tokio::test]
async fn typed_actions_press_the_generated_form_buttons() {
    let double = OdooDouble::start().await;
    let typed = [("ODOO_MCP_TYPED_TOOLS", "search,action")];
    let (client, _) = stdio_client(&server_env(&double, &typed)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let action = tool(&tools, "sale_order_action");
    let schema = Value::Object((*action.input_schema).clone());
    assert_valid_schema(&schema);
    let methods = schema["properties"]["action"]["enum"].clone();
    let methods: Vec<&str> = methods
        .as_array()
        .expect("an enum")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        methods.contains(&"action_confirm") && methods.contains(&"action_cancel"),
        "{methods:?}"
    );
    assert_eq!(schema["properties"]["company_id"]["type"], "integer");
    // Smart buttons (the order's invoices, deliveries) stay with press_button.
    assert!(!methods.contains(&"action_view_invoice"), "{methods:?}");
    // res.users' form has only smart buttons: its action tool offers its
    // Action menu's server actions, by xml id.
    let users = Value::Object((*tool(&tools, "res_users_action").input_schema).clone());
    let users = users["properties"]["action"]["enum"].to_string();
    assert!(
        users.contains("\"auth_signup.action_send_password_reset_instructions\""),
        "{users}"
    );
    // A model without buttons anywhere gets no action tool.
    assert!(tools.iter().all(|t| t.name != "res_country_action"));

    let partner = created(&client, "res.partner", json!({"name": "Typed Buyer"})).await;
    let order = created(&client, "sale.order", json!({"partner_id": partner})).await;
    let press = json!({"record_ids": [order], "action": "action_confirm"});
    let confirmed = ok(&call(&client, "sale_order_action", press.clone()).await);
    assert_eq!(confirmed["model"], "sale.order");
    assert_eq!(confirmed["button"], "action_confirm");
    assert_eq!(confirmed["label"], "Confirm");
    assert_eq!(
        read(&client, "sale.order", order, &["state"]).await["state"],
        "sale"
    );
    let again = err(&call(&client, "sale_order_action", press).await);
    assert!(again.contains("Odoo hides Confirm"), "{again}");

    let before = double.request_count();
    let unknown = err(&call(
        &client,
        "sale_order_action",
        json!({"record_ids": [order], "action": "unlink"}),
    )
    .await);
    assert!(
        unknown.contains("argument `action`: expected one of")
            && unknown.contains("\"action_confirm\"")
            && unknown.contains("got string \"unlink\""),
        "{unknown}"
    );
    assert_eq!(
        double.request_count(),
        before,
        "refused before Odoo is asked"
    );
    assert_eq!(requests(&double, "sale.order", "unlink"), 0);

    let mut read_only = typed.to_vec();
    read_only.push(("ODOO_YOLO", "read"));
    let (client, _) = stdio_client(&server_env(&double, &read_only)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| !t.name.ends_with("_action")));
    let refused = err(&call(
        &client,
        "sale_order_action",
        json!({"record_ids": [order], "action": "action_cancel"}),
    )
    .await);
    assert!(refused.contains("read-only"), "{refused}");
}

/// A typed create makes an order with its lines in one call (`order_line`
/// takes the lines' typed values), a typed update changes and adds lines, and
/// a line value the line type lacks is refused before anything is written.
#[tokio::test]
async fn typed_quotation_with_its_lines_in_one_call() {
    let double = OdooDouble::start().await;
    let mut env = full_access(&double);
    env.push(("ODOO_MCP_TYPED_TOOLS".into(), "all".into()));
    let (client, _) = stdio_client(&env).await;
    let partner = created(&client, "res.partner", json!({"name": "Typed Customer"})).await;
    let products = ok(&call(
        &client,
        "search_records",
        json!({"model": "product.product", "fields": ["id"], "limit": 1}),
    )
    .await);
    let product = products["records"][0]["id"].as_i64().expect("a product");

    let orders = double.records("sale.order").len();
    let refused = err(&call(
        &client,
        "sale_order_create",
        json!({"partner_id": partner, "order_line": {"create": [{"product_id": product, "no_such_field": 1}]}}),
    )
    .await);
    assert!(
        refused.contains("create 0") && refused.contains("`no_such_field`"),
        "{refused}"
    );
    let refused = err(&call(
        &client,
        "sale_order_create",
        json!({"partner_id": partner, "order_line": {"create": [{"product_id": "Desk"}]}}),
    )
    .await);
    assert!(
        refused.contains("`order_line`: create 0: `product_id`: invalid type"),
        "{refused}"
    );
    assert_eq!(double.records("sale.order").len(), orders, "nothing made");

    let order = ok(&call(
        &client,
        "sale_order_create",
        json!({"partner_id": partner, "order_line": {"create": [{"product_id": product, "product_uom_qty": 2}]}}),
    )
    .await)["id"]
        .as_i64()
        .expect("an order id");
    let lines = read(&client, "sale.order", order, &["order_line"]).await["order_line"].clone();
    let line = lines[0].as_i64().expect("one line");
    assert_eq!(lines.as_array().map(Vec::len), Some(1), "{lines}");
    let qty = |double: &OdooDouble, id: i64| {
        double
            .records("sale.order.line")
            .into_iter()
            .find(|l| l["id"] == id)
            .map(|l| l["product_uom_qty"].clone())
    };
    assert_eq!(qty(&double, line), Some(json!(2.0)));

    ok(&call(
        &client,
        "sale_order_update",
        json!({"record_id": order, "values": {"order_line": {
            "update": [{"id": line, "values": {"product_uom_qty": 5}}],
            "create": [{"product_id": product}]
        }}}),
    )
    .await);
    let lines = read(&client, "sale.order", order, &["order_line"]).await["order_line"].clone();
    assert_eq!(lines.as_array().map(Vec::len), Some(2), "{lines}");
    assert_eq!(qty(&double, line), Some(json!(5.0)));
}

/// The lines as an assistant first writes them: `order_line` a plain list of
/// line values makes the order with its lines, a line with an `id` in the
/// update's list changes that line, and a wrong shape is answered with the
/// accepted shapes and an example before anything is written.
#[tokio::test]
async fn typed_quotation_with_its_lines_as_a_plain_list() {
    let double = OdooDouble::start().await;
    let mut env = full_access(&double);
    env.push(("ODOO_MCP_TYPED_TOOLS".into(), "all".into()));
    let (client, _) = stdio_client(&env).await;
    let partner = created(&client, "res.partner", json!({"name": "List Customer"})).await;
    let products = ok(&call(
        &client,
        "search_records",
        json!({"model": "product.product", "fields": ["id"], "limit": 2}),
    )
    .await);
    let product = products["records"][0]["id"].as_i64().expect("a product");
    let other = products["records"][1]["id"]
        .as_i64()
        .expect("a second product");

    let orders = double.records("sale.order").len();
    let shapes = |message: &str| {
        message.contains("a list of records to create")
            && message.contains("a list of ids to set")
            && message.contains("e.g. [{\"product_id\": 7, \"product_uom_qty\": 2}")
    };
    for (wrong, at) in [
        (json!("7"), "`order_line`"),
        (json!({"product_id": product}), "`order_line`"),
        (json!([[0, 0, {"product_id": product}]]), "`order_line[0]`"),
        (json!([{"product_id": product}, true]), "`order_line[1]`"),
    ] {
        let refused = err(&call(
            &client,
            "sale_order_create",
            json!({"partner_id": partner, "order_line": wrong}),
        )
        .await);
        assert!(
            refused.contains(at) && shapes(&refused),
            "{wrong}: {refused}"
        );
    }
    // Past the schema, the decoder says it: an id among lines is ambiguous.
    let refused = err(&call(
        &client,
        "sale_order_create",
        json!({"partner_id": partner, "order_line": [{"product_id": product}, 4]}),
    )
    .await);
    assert!(
        refused.contains("item 1: expected") && shapes(&refused),
        "{refused}"
    );
    assert_eq!(double.records("sale.order").len(), orders, "nothing made");

    let order = ok(&call(
        &client,
        "sale_order_create",
        json!({"partner_id": partner, "order_line": [
            {"product_id": product, "product_uom_qty": 2},
            {"product_id": other, "product_uom_qty": 3}
        ]}),
    )
    .await)["id"]
        .as_i64()
        .expect("an order id");
    let lines_of = |double: &OdooDouble| {
        let mut lines: Vec<(i64, Value, Value)> = double
            .records("sale.order.line")
            .into_iter()
            .filter(|l| l["order_id"] == order || l["order_id"][0] == order)
            .map(|l| {
                let product = match &l["product_id"] {
                    Value::Array(pair) => pair[0].clone(),
                    id => id.clone(),
                };
                (
                    l["id"].as_i64().unwrap(),
                    product,
                    l["product_uom_qty"].clone(),
                )
            })
            .collect();
        lines.sort_by_key(|l| l.0);
        lines
    };
    let lines = lines_of(&double);
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.1.clone(), l.2.clone()))
            .collect::<Vec<_>>(),
        [(json!(product), json!(2.0)), (json!(other), json!(3.0))],
        "{lines:?}"
    );

    ok(&call(
        &client,
        "sale_order_update",
        json!({"record_id": order, "values": {"order_line": [
            {"id": lines[0].0, "product_uom_qty": 5},
            {"product_id": product}
        ]}}),
    )
    .await);
    let after = lines_of(&double);
    assert_eq!(after.len(), 3, "{after:?}");
    assert_eq!(after[0].2, json!(5.0), "{after:?}");
    assert_eq!(after[1], lines[1], "the other line is kept");
}

/// A quant's location is filled by its form alone (Odoo's create refuses it
/// empty): create_record retries once with what onchange proposes, and the
/// dry run reports it as what the form fills.
#[tokio::test]
async fn a_quant_gets_the_location_its_form_proposes() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&full_access(&double)).await;
    let product = double.records("product.product")[0]["id"].clone();
    let values = json!({"product_id": product, "inventory_quantity": 3});

    let planned = ok(&call(
        &client,
        "create_record",
        json!({"model": "stock.quant", "values": values, "dry_run": true}),
    )
    .await);
    assert_eq!(planned["valid"], true, "{planned}");
    assert_eq!(planned["defaults"]["location_id"], json!(5), "{planned}");
    assert!(double.records("stock.quant").is_empty());

    let id = created(&client, "stock.quant", values).await;
    let quants = double.records("stock.quant");
    assert_eq!(quants.len(), 1);
    assert_eq!(quants[0]["id"], json!(id));
    assert_eq!(quants[0]["location_id"][0], json!(5), "{}", quants[0]);
    // Refused once, onchange asked with the caller's values, made the second time.
    assert_eq!(requests(&double, "stock.quant", "create"), 2);
    assert_eq!(requests(&double, "stock.quant", "onchange"), 2);
}

/// A required value the form does not fill either: Odoo's own refusal stands,
/// after one onchange; without onchange, the dry run checks Odoo's defaults
/// and says so.
#[tokio::test]
async fn a_value_no_form_fills_is_still_refused_and_named() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&full_access(&double)).await;
    let refused = err(&call(
        &client,
        "create_record",
        json!({"model": "res.country", "values": {"phone_code": 9999}}),
    )
    .await);
    assert!(refused.contains("(name)"), "{refused}");
    assert_eq!(requests(&double, "res.country", "create"), 1);
    assert_eq!(requests(&double, "res.country", "onchange"), 1);
    assert!(
        double
            .records("res.country")
            .iter()
            .all(|c| c["phone_code"] != json!(9999))
    );

    double.refuse_method("onchange");
    let planned = ok(&call(
        &client,
        "create_record",
        json!({"model": "stock.quant", "values": {"inventory_quantity": 3}, "dry_run": true}),
    )
    .await);
    let notes = planned["notes"].to_string();
    assert!(notes.contains("onchange could not be asked"), "{planned}");
    assert!(notes.contains("required field location_id"), "{planned}");
}

/// The Action menu's server actions are known buttons, named by xml id and
/// run through Odoo's own runner (`ir.actions.server.run`) on the records as
/// the context's active ones: "Mark Quotation as Sent" sends a quotation.
#[tokio::test]
async fn an_action_menu_entry_runs_through_odoos_action_runner_over_json2() {
    action_menu_entry("json2").await;
}

#[tokio::test]
async fn an_action_menu_entry_runs_through_odoos_action_runner_over_xmlrpc() {
    action_menu_entry("xmlrpc").await;
}

async fn action_menu_entry(api: &str) {
    let double = OdooDouble::start().await;
    let mut env = full_access(&double);
    env.push(("ODOO_API_VERSION".into(), api.into()));
    let (client, _) = stdio_client(&env).await;
    let partner = created(&client, "res.partner", json!({"name": "Menu Buyer"})).await;
    let order = created(&client, "sale.order", json!({"partner_id": partner})).await;
    let sent = ok(&call(
        &client,
        "press_button",
        json!({"model": "sale.order", "button": "sale.model_sale_order_action_quotation_sent", "record_ids": [order]}),
    )
    .await);
    assert_eq!(sent["label"], "Mark Quotation as Sent", "{sent}");
    assert_eq!(requests(&double, "ir.actions.server", "run"), 1);
    assert_eq!(
        read(&client, "sale.order", order, &["state"]).await["state"],
        "sent"
    );
    // An entry the Action menu lacks is refused, naming the known buttons.
    let unknown = err(&call(
        &client,
        "press_button",
        json!({"model": "sale.order", "button": "sale.no_such_action", "record_ids": [order]}),
    )
    .await);
    assert!(
        unknown.contains("sale.model_sale_order_action_quotation_sent"),
        "{unknown}"
    );
    assert_eq!(requests(&double, "ir.actions.server", "run"), 1);
}
