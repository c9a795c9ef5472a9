//! Field paths that cross into other models (`partner_id.email` in a domain,
//! `partner_id/email` in an export, `order_line/product_id` in an import) under
//! model access control (ODOO_YOLO unset): each model along the path is held to
//! the same rule as asking it directly. The generated models (res.partner,
//! res.country, sale.order, sale.order.line, …) are enabled; res.country.state,
//! res.partner.bank and res.partner.category are not.

mod common;

use common::*;
use odoo_tests::OdooDouble;
use serde_json::{Value, json};

/// Refused by the path rule, naming the model and the setting that allows it.
fn assert_path_refused(result: &rmcp::model::CallToolResult, model: &str) {
    let message = err(result);
    assert!(
        message.contains(&format!("model `{model}`"))
            && message.contains("not enabled on this server")
            && message.contains("ODOO_MCP_MODELS")
            && message.contains("ODOO_YOLO=read or true"),
        "{message}"
    );
}

/// Not refused by the path rule (Odoo, here the double, may still answer an error).
fn assert_not_refused(result: &rmcp::model::CallToolResult) {
    let text = text(result);
    assert!(!text.contains("not enabled on this server"), "{text}");
}

/// How often the double was asked `method` on `model`.
fn asked(double: &OdooDouble, model: &str, method: &str) -> usize {
    double
        .requests()
        .iter()
        .filter(|(_, m, name)| m == model && name == method)
        .count()
}

async fn search(
    client: &Client,
    tool: &str,
    model: Option<&str>,
    domain: Value,
) -> rmcp::model::CallToolResult {
    let mut args = json!({"domain": domain, "fields": ["name"], "limit": 5});
    if let Some(model) = model {
        args["model"] = json!(model);
    }
    call(client, tool, args).await
}

#[tokio::test]
async fn domains_are_checked_along_their_paths() {
    let double = OdooDouble::start().await;
    let (client, _stderr) =
        stdio_client(&server_env(&double, &[("ODOO_MCP_TYPED_TOOLS", "all")])).await;
    let partner = Some("res.partner");
    // res.country is enabled: allowed as before.
    ok(&search(
        &client,
        "search_records",
        partner,
        json!([["country_id.code", "=", "BE"]]),
    )
    .await);
    // res.country.state is not: refused before the search is sent.
    let before = asked(&double, "res.partner", "search_read");
    let refused = search(
        &client,
        "search_records",
        partner,
        json!([["state_id.name", "=", "Texas"]]),
    )
    .await;
    assert_path_refused(&refused, "res.country.state");
    assert!(err(&refused).contains("state_id.name"), "{}", err(&refused));
    // Deeper, behind an enabled model, and under `|` / `!`.
    let deeper = json!([
        "|",
        ["name", "=", "x"],
        "!",
        ["parent_id.state_id.code", "=", "TX"]
    ]);
    assert_path_refused(
        &search(&client, "search_records", partner, deeper).await,
        "res.country.state",
    );
    // `any` with a sub-domain is refused by the tools' schema before any of this.
    let any = json!([["category_id", "any", [["name", "=", "VIP"]]]]);
    let message = err(&search(&client, "search_records", partner, any).await);
    assert!(message.contains("domain[0][2]"), "{message}");
    // `state_id.id` is the related id, as `state_id` itself: no crossing.
    ok(&search(
        &client,
        "search_records",
        partner,
        json!([["state_id.id", "=", false]]),
    )
    .await);
    // Typed tools and aggregates take the same rule.
    assert_path_refused(
        &search(
            &client,
            "res_partner_search",
            None,
            json!([["state_id.name", "=", "Texas"]]),
        )
        .await,
        "res.country.state",
    );
    let grouped = call(
        &client,
        "aggregate_records",
        json!({"model": "res.partner", "domain": [["bank_ids.acc_number", "=", "1"]], "groupby": ["country_id"]}),
    )
    .await;
    assert_path_refused(&grouped, "res.partner.bank");
    assert_eq!(
        asked(&double, "res.partner", "search_read"),
        before + 1,
        "of these, only the `state_id.id` search reached Odoo"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn a_path_to_a_model_the_settings_enable_is_allowed() {
    let double = OdooDouble::start().await;
    let domain = json!([["state_id.name", "=", "Texas"]]);
    for extra in [
        [
            ("ODOO_MCP_MODELS", "res.country.state"),
            ("ODOO_YOLO", "false"),
        ],
        [("ODOO_MCP_MODELS", ""), ("ODOO_YOLO", "read")],
        [("ODOO_MCP_MODELS", ""), ("ODOO_YOLO", "true")],
    ] {
        let (client, _stderr) = stdio_client(&server_env(&double, &extra)).await;
        let before = asked(&double, "res.partner", "search_read");
        let answer = search(
            &client,
            "search_records",
            Some("res.partner"),
            domain.clone(),
        )
        .await;
        assert_not_refused(&answer);
        assert_eq!(
            asked(&double, "res.partner", "search_read"),
            before + 1,
            "{extra:?}: sent to Odoo"
        );
        let export = call(
            &client,
            "export_records",
            json!({"model": "res.partner", "fields": ["name", "state_id/name"], "limit": 2}),
        )
        .await;
        assert_not_refused(&export);
        client.cancel().await.ok();
    }
}

#[tokio::test]
async fn export_columns_are_checked_along_their_paths() {
    let double = OdooDouble::start().await;
    let (client, _stderr) = stdio_client(&server_env(&double, &[])).await;
    let export = |fields: Value| {
        call(
            &client,
            "export_records",
            json!({"model": "res.partner", "fields": fields, "format": "json", "limit": 3}),
        )
    };
    // Through enabled models, and the related record's external id: as before.
    let rows = ok(&export(json!([
        "name",
        "country_id/code",
        "parent_id/country_id/name",
        "state_id/id"
    ]))
    .await);
    assert_eq!(rows["count"], 3, "{rows}");
    let refused = export(json!(["name", "state_id/name"])).await;
    assert_path_refused(&refused, "res.country.state");
    assert!(err(&refused).contains("`fields`"), "{}", err(&refused));
    assert_path_refused(
        &export(json!(["parent_id/bank_ids/acc_number"])).await,
        "res.partner.bank",
    );
    assert_eq!(
        asked(&double, "res.partner", "export_data"),
        1,
        "only the allowed export ran"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn import_columns_are_checked_along_their_paths() {
    let double = OdooDouble::start().await;
    let (client, _stderr) = stdio_client(&server_env(&double, &[])).await;
    let refused = call(
        &client,
        "import_records",
        json!({"model": "res.partner", "fields": ["name", "bank_ids/acc_number"], "rows": [["Path test", "BE00 1234"]]}),
    )
    .await;
    assert_path_refused(&refused, "res.partner.bank");
    assert_eq!(
        double
            .requests()
            .iter()
            .filter(|(_, m, _)| m == "base_import.import")
            .count(),
        0,
        "no import was prepared"
    );
    // sale.order.line is enabled: creating order lines through an order's import stays allowed.
    let lines = call(
        &client,
        "import_records",
        json!({"model": "sale.order", "fields": ["partner_id/id", "order_line/product_id", "order_line/product_uom_qty"], "rows": [["base.res_partner_1", "Desk", "1"]]}),
    )
    .await;
    assert_not_refused(&lines);
    client.cancel().await.ok();
}

#[tokio::test]
async fn groupby_and_fields_paths_stay_refused_as_unknown_fields() {
    let double = OdooDouble::start().await;
    let (client, _stderr) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let grouped = call(
        &client,
        "aggregate_records",
        json!({"model": "res.partner", "groupby": ["state_id.country_id"]}),
    )
    .await;
    assert!(err(&grouped).contains("unknown field"), "{}", err(&grouped));
    let read = call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["state_id.name"]}),
    )
    .await;
    assert!(err(&read).contains("unknown field"), "{}", err(&read));
    client.cancel().await.ok();
}
