//! A server generated from Odoo 19's schema, in front of an Odoo 18 (the double answers
//! as the real one the live suite found): what 18 lacks is named, the rest is served.

mod common;

use common::*;
use odoo_tests::OdooDouble;
use serde_json::json;

#[tokio::test]
async fn fields_an_older_odoo_lacks_are_named_and_left_out() {
    let double = OdooDouble::start_with_version(18).await;
    let env = server_env(
        &double,
        &[("ODOO_YOLO", "read"), ("ODOO_API_VERSION", "xmlrpc")],
    );
    let (client, stderr) = stdio_client(&env).await;

    // A default read takes the list view's columns, which 18 has.
    let listed = ok(&call(&client, "res_partner_search", json!({"limit": 2})).await);
    assert!(listed["records"][0].get("email").is_some(), "{listed}");
    // Every field: the ones 18 lacks are left out and named, in words an operator can act on.
    let found = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["__all__"], "limit": 2}),
    )
    .await);
    assert_eq!(
        found["records"].as_array().map(Vec::len),
        Some(2),
        "{found}"
    );
    let notes = found["notes"].to_string();
    assert!(
        notes.contains("generated for a schema where res.partner has")
            && notes.contains("regenerate with `cargo run -p odoo-codegen`"),
        "{notes}"
    );
    assert!(found["records"][0].get("group_on").is_none());

    // Asking for one by name is refused, naming it; other fields still work.
    let refused = err(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name", "group_on"]}),
    )
    .await);
    assert_eq!(
        refused,
        "generated for a schema where res.partner has group_on; this instance lacks it: regenerate with `cargo run -p odoo-codegen`"
    );
    ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name", "email"], "limit": 1}),
    )
    .await);

    // Odoo 18's ir.model has no `abstract`: the models index still works.
    let models = ok(&call(&client, "list_models", json!({"query": "partner"})).await);
    assert!(models["count"].as_u64().is_some_and(|n| n > 0), "{models}");
    assert!(
        stderr.text().contains("regenerate"),
        "the operator sees it in the log too"
    );
    client.cancel().await.ok();
}
