//! The tools beyond the generic six, through the real binary against the Odoo test double:
//! get_fields, get_current_context, aggregate_records and the typed
//! `<model>_aggregate`, create_records, update_records (same values or values
//! per record), dry runs, post_message, call_model_method, search_by_name and GET /health.

mod common;

use common::*;
use odoo_tests::OdooDouble;
use serde_json::{Value, json};

const EXTRA: [&str; 6] = [
    "get_fields",
    "get_current_context",
    "aggregate_records",
    "create_records",
    "update_records",
    "post_message",
];

/// Requests that change data in the double.
fn writes(double: &OdooDouble) -> Vec<(String, String, String)> {
    double
        .requests()
        .into_iter()
        .filter(|(_, _, m)| {
            matches!(
                m.as_str(),
                "create" | "write" | "web_save_multi" | "unlink" | "message_post"
            )
        })
        .collect()
}

fn methods(double: &OdooDouble) -> Vec<String> {
    double.requests().into_iter().map(|(_, _, m)| m).collect()
}

/// No keyword outside what Gemini and OpenAI strict function calling accept.
fn assert_strict(name: &str, schema: &Value) {
    match schema {
        Value::Object(map) => {
            for key in ["$ref", "$defs", "oneOf", "allOf", "prefixItems", "const"] {
                assert!(!map.contains_key(key), "{name}: `{key}` in {schema}");
            }
            map.values().for_each(|v| assert_strict(name, v));
        }
        Value::Array(items) => items.iter().for_each(|v| assert_strict(name, v)),
        _ => {}
    }
}

#[tokio::test]
async fn listed_with_annotations_strict_schemas_and_read_only_refusal() {
    let double = OdooDouble::start().await;
    let all_typed = [("ODOO_MCP_TYPED_TOOLS", "all")];
    let (client, stderr) = stdio_client(&server_env(&double, &all_typed)).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    for name in EXTRA {
        let t = tool(&tools, name);
        let schema = Value::Object((*t.input_schema).clone());
        assert_valid_schema(&schema);
        assert_strict(name, &schema);
    }
    assert!(tools.iter().all(|t| t.name != "call_model_method"));
    let hints = |name: &str| tool(&tools, name).annotations.clone().expect("annotations");
    for name in ["get_fields", "get_current_context", "aggregate_records"] {
        assert_eq!(hints(name).read_only_hint, Some(true), "{name}");
    }
    assert_eq!(hints("create_records").destructive_hint, Some(false));
    assert_eq!(hints("create_records").idempotent_hint, Some(false));
    assert_eq!(hints("update_records").destructive_hint, Some(true));
    assert_eq!(hints("update_records").idempotent_hint, Some(true));
    assert_eq!(hints("post_message").read_only_hint, Some(false));
    // dry_run on every create/update/delete tool, generic and typed.
    for name in [
        "create_record",
        "update_record",
        "delete_record",
        "create_records",
        "update_records",
        "res_partner_create",
        "res_partner_update",
        "res_partner_delete",
    ] {
        let props = tool(&tools, name).input_schema["properties"].clone();
        assert_eq!(props["dry_run"]["type"], "boolean", "{name}");
    }
    client.cancel().await.ok();

    // Read-only: batch writes and chatter are neither listed nor callable.
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "read")])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    for name in ["create_records", "update_records", "post_message"] {
        assert!(tools.iter().all(|t| t.name != name), "{name} listed");
    }
    tool(&tools, "aggregate_records");
    double.clear_requests();
    let refused = err(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": [{"name": "A"}]}),
    )
    .await);
    assert!(refused.contains("ODOO_YOLO=read"), "{refused}");
    let refused = err(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [3], "values": {"city": "X"}, "dry_run": true}),
    )
    .await);
    assert!(refused.contains("read-only"), "{refused}");
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn answers_link_each_record_in_odoos_web_client() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let base = double.url();
    let found = ok(&call(
        &client,
        "search_records",
        json!({"model": "res.partner", "fields": ["name"], "limit": 2}),
    )
    .await);
    // A page says the address once, `{id}` standing for each record's id.
    assert_eq!(found["url"], format!("{base}/odoo/res.partner/{{id}}"));
    for record in found["records"].as_array().expect("records") {
        assert!(record.get("url").is_none(), "{record}");
    }
    let created = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Linked"}}),
    )
    .await);
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["url"], format!("{base}/odoo/res.partner/{id}"));
    let read = ok(&call(
        &client,
        "res_partner_search",
        json!({"domain": [["id", "=", id]], "fields": ["name"]}),
    )
    .await);
    let template = read["url"].as_str().expect("the page's address");
    assert_eq!(template.replace("{id}", &id.to_string()), created["url"]);
    let batch = ok(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": [{"name": "L1"}, {"name": "L2"}]}),
    )
    .await);
    let urls: Vec<String> = batch["ids"]
        .as_array()
        .expect("ids")
        .iter()
        .map(|id| format!("{base}/odoo/res.partner/{id}"))
        .collect();
    assert_eq!(batch["urls"], json!(urls));
    client.cancel().await.ok();

    // Users reach Odoo elsewhere; Odoo 17 and older route /web#.
    let old = OdooDouble::start_with_version(17).await;
    let public = [("ODOO_MCP_PUBLIC_ODOO_URL", "https://erp.example.com/")];
    let (client, _) = stdio_client(&server_env(&old, &public)).await;
    let got = ok(&call(
        &client,
        "get_record",
        json!({"model": "res.partner", "record_id": 3, "fields": ["name"]}),
    )
    .await);
    assert_eq!(
        got["record"]["url"],
        "https://erp.example.com/web#id=3&model=res.partner&view_type=form"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn calls_act_in_the_company_asked_for_and_only_the_users_ones() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let context = ok(&call(&client, "get_current_context", json!({})).await);
    let ids: Vec<&Value> = context["allowed_companies"]
        .as_array()
        .expect("allowed companies")
        .iter()
        .map(|c| &c["id"])
        .collect();
    assert_eq!(ids, [&json!(3), &json!(2), &json!(1)], "{context}");
    let count = |answer: &Value| answer["records"].as_array().map_or(0, Vec::len);
    // The captured sale orders all belong to company 1.
    let search = |company: i64| json!({"model": "sale.order", "fields": ["company_id"], "limit": 50, "company_id": company});
    let in_one = ok(&call(&client, "search_records", search(1)).await);
    assert!(count(&in_one) > 0, "{in_one}");
    assert!(
        in_one["records"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["company_id"][0] == 1)
    );
    let in_two = ok(&call(&client, "search_records", search(2)).await);
    assert_eq!(count(&in_two), 0, "{in_two}");
    let typed = ok(&call(
        &client,
        "sale_order_search",
        json!({"fields": ["name"], "company_id": 2}),
    )
    .await);
    assert_eq!(count(&typed), 0, "{typed}");
    let last = double
        .request_contexts()
        .last()
        .cloned()
        .unwrap_or_default();
    assert_eq!(last["allowed_company_ids"], json!([2]), "{last}");
    // What is made in a company belongs to it.
    let order = ok(&call(
        &client,
        "create_record",
        json!({"model": "sale.order", "values": {"partner_id": 3}, "company_id": 2}),
    )
    .await);
    let stored = double
        .records("sale.order")
        .into_iter()
        .find(|r| r["id"] == order["id"])
        .expect("created");
    assert_eq!(stored["company_id"][0], 2, "{stored}");
    double.clear_requests();
    let refused = err(&call(&client, "search_records", search(99)).await);
    assert!(
        refused.contains("company 99") && refused.contains("1 (My Company (San Francisco))"),
        "{refused}"
    );
    assert!(
        !methods(&double).contains(&"search_read".to_string()),
        "refused before the search"
    );
    client.cancel().await.ok();

    // ODOO_ALLOWED_COMPANIES: every call acts there, the first one current.
    double.clear_requests();
    let only_one = [("ODOO_ALLOWED_COMPANIES", "1")];
    let (client, _) = stdio_client(&server_env(&double, &only_one)).await;
    let context = ok(&call(&client, "get_current_context", json!({})).await);
    assert_eq!(context["company"]["id"], 1, "{context}");
    assert_eq!(
        context["allowed_companies"].as_array().map(Vec::len),
        Some(1)
    );
    let refused = err(&call(&client, "search_records", search(2)).await);
    assert!(refused.contains("company 2"), "{refused}");
    assert!(
        double
            .request_contexts()
            .iter()
            .filter(|c| !c.is_null())
            .all(|c| c["allowed_company_ids"] == json!([1])),
        "{:?}",
        double.request_contexts()
    );
    client.cancel().await.ok();

    // A company the user is not in, configured: Odoo's own refusal, worded.
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_ALLOWED_COMPANIES", "9")])).await;
    let refused = err(&call(&client, "search_records", json!({"model": "res.partner"})).await);
    assert!(
        refused.contains("unauthorized or invalid companies"),
        "{refused}"
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn default_fields_are_the_list_views_columns() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    // The columns a default read takes, as a generic read's note names them
    // (it leaves empty values out; a typed read keeps them): every record
    // key is one of them.
    let keys = |answer: &Value| -> Vec<String> {
        let note = answer["notes"][0].as_str().unwrap_or_default();
        if !note.contains(" (") {
            return answer["records"][0]
                .as_object()
                .map(|r| r.keys().cloned().collect())
                .unwrap_or_default();
        }
        let columns: Vec<String> = note
            .split_once(" (")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(names, _)| names.split(", ").map(String::from).collect())
            .unwrap_or_default();
        for record in answer["records"].as_array().into_iter().flatten() {
            let record = record.as_object().expect("a record");
            assert!(
                record.keys().all(|k| columns.contains(k)),
                "{record:?} {note}"
            );
        }
        columns
    };
    for (model, shown) in [
        (
            "res.partner",
            &["display_name", "email", "phone", "country_id"][..],
        ),
        (
            "crm.lead",
            &["name", "contact_name", "expected_revenue", "stage_id"][..],
        ),
        (
            "sale.order",
            &[
                "name",
                "date_order",
                "partner_id",
                "amount_total",
                "invoice_status",
            ][..],
        ),
    ] {
        let found = ok(&call(
            &client,
            "search_records",
            json!({"model": model, "limit": 2}),
        )
        .await);
        let got = keys(&found);
        for field in shown.iter().chain(&["id"]) {
            assert!(
                got.iter().any(|k| k == field),
                "{model}: {field} missing from {got:?}"
            );
        }
        // Images, x2many ids and properties stay out, as hidden columns do.
        for field in [
            "avatar_128",
            "activity_ids",
            "lead_properties",
            "vat",
            "currency_id",
        ] {
            assert!(
                !got.iter().any(|k| k == field),
                "{model}: {field} in {got:?}"
            );
        }
        let note = found["notes"][0].as_str().unwrap_or_default();
        assert!(note.contains("list view"), "{model}: {note}");
    }
    // The typed tool reads the same columns; the view is asked once per model.
    let typed = ok(&call(&client, "res_partner_search", json!({"limit": 1})).await);
    assert!(keys(&typed).iter().any(|k| k == "email"), "{typed}");
    let asked = methods(&double)
        .iter()
        .filter(|m| m.as_str() == "get_views")
        .count();
    assert_eq!(asked, 3, "{:?}", methods(&double));
    client.cancel().await.ok();
}

#[tokio::test]
async fn search_by_name_finds_what_name_search_finds() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let out = ok(&call(
        &client,
        "search_by_name",
        json!({"model": "res.partner", "name": "azure", "limit": 3}),
    )
    .await);
    let records = out["records"].as_array().expect("records");
    assert!(!records.is_empty() && records.len() <= 3, "{out}");
    assert_eq!(out["count"], records.len());
    for record in records {
        let name = record["display_name"].as_str().expect("display_name");
        assert!(name.to_lowercase().contains("azure"), "{name}");
        // The id names that record.
        let read = ok(&call(
            &client,
            "get_record",
            json!({"model": "res.partner", "record_id": record["id"], "fields": ["display_name"]}),
        )
        .await);
        assert_eq!(read["record"]["display_name"], name);
    }
    assert!(methods(&double).contains(&"name_search".to_string()));

    // A model the server does not reach is refused before Odoo is asked.
    double.clear_requests();
    let refused = err(&call(
        &client,
        "search_by_name",
        json!({"model": "res.partnr", "name": "azure"}),
    )
    .await);
    assert!(refused.contains("res.partner"), "{refused}");
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn get_fields_and_current_context() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_LOCALE", "fr_FR")])).await;

    let out = ok(&call(
        &client,
        "get_fields",
        json!({"model": "res.partner", "names": ["name", "country_id", "type"]}),
    )
    .await);
    assert_eq!(out["count"], 3);
    let field = |name: &str| {
        out["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("no {name} in {out}"))
    };
    assert_eq!(field("country_id")["type"], "many2one");
    assert_eq!(field("country_id")["relation"], "res.country");
    assert_eq!(field("type")["selection"][0], json!(["contact", "Contact"]));
    assert_eq!(field("name")["label"], "Name");
    assert!(field("name")["required"].is_boolean() && field("name")["readonly"].is_boolean());

    let out = ok(&call(
        &client,
        "get_fields",
        json!({"model": "sale.order", "types": ["many2one"], "query": "partner"}),
    )
    .await);
    let fields = out["fields"].as_array().unwrap();
    assert!(fields.iter().any(|f| f["name"] == "partner_id"), "{out}");
    assert!(fields.iter().all(|f| f["type"] == "many2one"), "{out}");

    let wrong = err(&call(
        &client,
        "get_fields",
        json!({"model": "res.partner", "names": ["emial"]}),
    )
    .await);
    assert!(
        wrong.contains("emial") && wrong.contains("email"),
        "{wrong}"
    );
    let wrong = err(&call(&client, "get_fields", json!({"model": "crm.stage"})).await);
    assert!(wrong.contains("not enabled"), "{wrong}");

    let context = ok(&call(&client, "get_current_context", json!({})).await);
    assert_eq!(context["user"]["id"], 2);
    assert_eq!(context["user"]["login"], "admin");
    assert_eq!(context["lang"], "en_US");
    assert_eq!(context["tz"], "Europe/Brussels");
    assert_eq!(context["locale"], "fr_FR");
    assert_eq!(context["company"]["id"], 1);
    assert_eq!(context["server_version"], "19.0");
    assert_eq!(context["allowed_companies"].as_array().unwrap().len(), 3);
    // ODOO_LOCALE goes to Odoo as the `lang` context.
    let contexts = double.request_contexts();
    assert!(
        contexts.iter().any(|c| c["lang"] == "fr_FR"),
        "{contexts:?}"
    );
    client.cancel().await.ok();
}

/// The groups Odoo 19 answered in the captured `formatted_read_group_sale` exchange.
fn captured_sale_groups() -> Value {
    json!([
        {"state": "draft", "date_order:month": ["2026-10-01 00:00:00", "October 2026"], "amount_total:sum": 5092.5, "__count": 3},
        {"state": "draft", "date_order:month": ["2026-11-01 00:00:00", "November 2026"], "amount_total:sum": 377.5, "__count": 1},
        {"state": "sale", "date_order:month": ["2026-10-01 00:00:00", "October 2026"], "amount_total:sum": 4729.5, "__count": 3},
        {"state": "sale", "date_order:month": ["2026-11-01 00:00:00", "November 2026"], "amount_total:sum": 93181.0, "__count": 18},
        {"state": "sent", "date_order:month": ["2026-10-01 00:00:00", "October 2026"], "amount_total:sum": 1740.0, "__count": 1}
    ])
}

#[tokio::test]
async fn aggregate_records_on_odoo_19() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let query = json!({
        "model": "sale.order", "groupby": ["state", "date_order:month"],
        "aggregates": ["amount_total:sum", "__count"], "limit": 5
    });
    double.clear_requests();
    let out = ok(&call(&client, "aggregate_records", query.clone()).await);
    assert_eq!(out["groups"], captured_sale_groups());
    assert_eq!(out["count"], 5);
    assert_eq!(out["more"], false);
    assert!(methods(&double).contains(&"formatted_read_group".to_string()));

    let out = ok(&call(
        &client,
        "aggregate_records",
        json!({"model": "sale.order", "groupby": ["state"], "aggregates": ["amount_total:sum"],
               "order": "amount_total:sum desc", "limit": 2, "domain": [["state", "!=", "cancel"]]}),
    )
    .await);
    assert_eq!(out["groups"][0]["state"], "sale");
    assert_eq!(out["groups"][0]["amount_total:sum"], 97910.5);
    assert_eq!(out["more"], true);
    assert_eq!(out["next_offset"], 2);

    // Default aggregate is the count; many2one groups come as [id, name].
    let out = ok(&call(
        &client,
        "aggregate_records",
        json!({"model": "res.partner", "groupby": ["is_company"]}),
    )
    .await);
    let partners = double.records("res.partner");
    let companies = partners.iter().filter(|p| p["is_company"] == true).count();
    assert_eq!(
        out["groups"],
        json!([
            {"is_company": false, "__count": partners.len() - companies},
            {"is_company": true, "__count": companies}
        ])
    );

    let out = ok(&call(
        &client,
        "aggregate_records",
        json!({"model": "sale.order", "groupby": ["partner_id"], "limit": 500}),
    )
    .await);
    assert!(out["groups"][0]["partner_id"].is_array(), "{out}");
    assert!(out["notes"][0].as_str().unwrap().contains("clamped"));

    // Refusals, before any Odoo call.
    double.clear_requests();
    for (args, needle) in [
        (
            json!({"model": "sale.order", "groupby": ["state:month"]}),
            "date and datetime",
        ),
        (
            json!({"model": "sale.order", "groupby": ["date_order:fortnight"]}),
            "unknown granularity",
        ),
        (
            json!({"model": "sale.order", "groupby": ["state"], "aggregates": ["amount_total:median"]}),
            "function among",
        ),
        (
            json!({"model": "sale.order", "groupby": ["stat"]}),
            "`state`",
        ),
        (
            json!({"model": "sale.order", "groupby": ["state"], "domain": [["state", "="]]}),
            "domain",
        ),
    ] {
        let message = err(&call(&client, "aggregate_records", args.clone()).await);
        assert!(message.contains(needle), "{args}: {message}");
    }
    assert!(
        !methods(&double).contains(&"formatted_read_group".to_string()),
        "{:?}",
        double.requests()
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn aggregate_records_below_19_uses_read_group() {
    let double = OdooDouble::start_with_version(17).await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let out = ok(&call(
        &client,
        "aggregate_records",
        json!({"model": "sale.order", "groupby": ["state", "date_order:month"],
               "aggregates": ["amount_total:sum", "__count"], "limit": 5}),
    )
    .await);
    // The same shape as formatted_read_group, whatever answered.
    assert_eq!(out["groups"], captured_sale_groups());
    let requests = double.requests();
    assert!(
        requests
            .iter()
            .any(|(kind, _, m)| kind == "xmlrpc" && m == "read_group"),
        "{requests:?}"
    );
    assert!(!requests.iter().any(|(_, _, m)| m == "formatted_read_group"));
    let out = ok(&call(
        &client,
        "aggregate_records",
        json!({"model": "sale.order", "groupby": ["state"], "aggregates": ["amount_total:sum"], "order": "amount_total:sum desc", "limit": 1}),
    )
    .await);
    assert_eq!(
        out["groups"],
        json!([{"state": "sale", "amount_total:sum": 97910.5}])
    );
    client.cancel().await.ok();
}

#[tokio::test]
async fn typed_aggregate_offers_the_model_fields_and_runs_aggregate_records() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_MCP_TYPED_TOOLS", "read")])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let typed = tool(&tools, "sale_order_aggregate");
    let schema = Value::Object((*typed.input_schema).clone());
    assert_valid_schema(&schema);
    assert_strict("sale_order_aggregate", &schema);
    assert!(schema["properties"].get("model").is_none(), "{schema}");
    assert_eq!(
        typed.annotations.as_ref().and_then(|a| a.read_only_hint),
        Some(true)
    );
    let listed = |key: &str| -> Vec<String> {
        schema["properties"][key]["items"]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{key} enum in {schema}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let groupby = listed("groupby");
    for name in [
        "state",
        "partner_id",
        "tag_ids",
        "date_order",
        "date_order:day",
        "date_order:month",
        "date_order:year",
        "create_date:week",
    ] {
        assert!(groupby.iter().any(|g| g == name), "{name} in {groupby:?}");
    }
    // One2many lists, amounts, binaries, non-stored and chatter fields are not groups.
    for name in [
        "order_line",
        "amount_total",
        "signature",
        "display_name",
        "message_ids",
        "id",
        "state:month",
    ] {
        assert!(!groupby.iter().any(|g| g == name), "{name} in {groupby:?}");
    }
    let aggregates = listed("aggregates");
    for name in [
        "__count",
        "amount_total:sum",
        "amount_untaxed:avg",
        "amount_tax:max",
    ] {
        assert!(aggregates.iter().any(|a| a == name), "{name}");
    }
    for name in ["state:sum", "name:max", "partner_id:sum", "amount_total"] {
        assert!(!aggregates.iter().any(|a| a == name), "{name}");
    }

    // The same answer as aggregate_records, through the same Odoo call.
    double.clear_requests();
    let query = json!({
        "groupby": ["state", "date_order:month"],
        "aggregates": ["amount_total:sum", "__count"], "limit": 5
    });
    let out = ok(&call(&client, "sale_order_aggregate", query.clone()).await);
    assert_eq!(out["groups"], captured_sale_groups());
    assert_eq!(out["model"], "sale.order");
    let mut generic = query;
    generic["model"] = json!("sale.order");
    assert_eq!(ok(&call(&client, "aggregate_records", generic).await), out);
    let grouped: Vec<(String, String, String)> = double
        .requests()
        .into_iter()
        .filter(|(_, _, m)| m.ends_with("read_group"))
        .collect();
    assert_eq!(grouped.len(), 2, "{grouped:?}");
    assert!(
        grouped
            .iter()
            .all(|(_, model, method)| model == "sale.order" && method == "formatted_read_group")
    );

    // Refusals before any Odoo call: a typo gets the close field names.
    double.clear_requests();
    let message = err(&call(
        &client,
        "sale_order_aggregate",
        json!({"groupby": ["stat"]}),
    )
    .await);
    assert!(
        message.contains("groupby[0]") && message.contains("`state`"),
        "{message}"
    );
    let message = err(&call(
        &client,
        "sale_order_aggregate",
        json!({"groupby": ["state"], "aggregates": ["amount_totl:sum"]}),
    )
    .await);
    assert!(message.contains("`amount_total:sum`"), "{message}");
    for args in [
        json!({"groupby": ["order_line"]}),
        json!({"groupby": ["state:month"]}),
        json!({"groupby": ["state"], "aggregates": ["amount_total:median"]}),
        json!({"model": "res.partner", "groupby": ["state"]}),
    ] {
        err(&call(&client, "sale_order_aggregate", args).await);
    }
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    client.cancel().await.ok();

    // Not listed by default: the default tools/list keeps its budget.
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| !t.name.ends_with("_aggregate")));
    client.cancel().await.ok();
}

/// `name` and `city` of partner `id` in the double.
fn partner(double: &OdooDouble, id: i64) -> (Value, Value) {
    let partners = double.records("res.partner");
    let p = partners
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("partner {id}"));
    (p["city"].clone(), p["type"].clone())
}

#[tokio::test]
async fn update_records_with_values_per_record() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let untouched = (partner(&double, 3), partner(&double, 7));
    double.clear_requests();

    // Dry run: each record checked with its own values; nothing written.
    let out = ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "dry_run": true, "updates": [
            {"id": 3, "values": {"city": "Gent"}},
            {"id": 7, "values": {"city": "Brugge", "type": "delivery"}}
        ]}),
    )
    .await);
    assert_eq!(out["valid"], true, "{out}");
    let records = out["records"].as_array().unwrap();
    let change = |id: i64| records.iter().find(|r| r["id"] == id).unwrap()["changes"].clone();
    assert_eq!(change(3)["city"]["to"], "Gent");
    assert!(change(3).get("type").is_none(), "{out}");
    assert_eq!(change(7)["city"]["to"], "Brugge");
    assert_eq!(change(7)["type"]["to"], "delivery");
    let out = ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "dry_run": true, "updates": [
            {"id": 3, "values": {"city": "Gent"}},
            {"id": 7, "values": {"type": "robot"}}
        ]}),
    )
    .await);
    assert_eq!(out["valid"], false);
    assert!(
        out["problems"]
            .to_string()
            .contains("updates[1].values.type"),
        "{out}"
    );
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    assert_eq!((partner(&double, 3), partner(&double, 7)), untouched);

    // Odoo 19: one web_save_multi call, so one transaction.
    let out = ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 7, "values": {"city": "Brugge", "type": "delivery"}},
            {"id": 3, "values": {"city": "Gent"}}
        ]}),
    )
    .await);
    assert_eq!(out["ids"], json!([7, 3]));
    assert_eq!(out["count"], 2);
    assert_eq!(partner(&double, 3).0, "Gent");
    assert_eq!(partner(&double, 7), (json!("Brugge"), json!("delivery")));
    let sent = writes(&double);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].2, "web_save_multi");

    // A failing record in the middle: Odoo undoes the whole call.
    double.clear_requests();
    let before = (partner(&double, 3), partner(&double, 7));
    let message = err(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 3, "values": {"city": "Oostende"}},
            {"id": 999999, "values": {"city": "Nowhere"}},
            {"id": 7, "values": {"city": "Oostende"}}
        ]}),
    )
    .await);
    assert!(
        message.contains("999999") && message.contains("Nothing was written"),
        "{message}"
    );
    assert_eq!((partner(&double, 3), partner(&double, 7)), before);
    assert_eq!(writes(&double).len(), 1, "{:?}", double.requests());

    // Refusals before anything is sent.
    double.clear_requests();
    let too_many: Vec<Value> = (1..=101)
        .map(|id| json!({"id": id, "values": {"city": "X"}}))
        .collect();
    for (args, needle) in [
        (
            json!({"model": "res.partner", "record_ids": [3], "updates": [{"id": 7, "values": {"city": "X"}}]}),
            "not both",
        ),
        (
            json!({"model": "res.partner", "values": {"city": "X"}, "updates": [{"id": 7, "values": {"city": "X"}}]}),
            "not both",
        ),
        (
            json!({"model": "res.partner", "values": {"city": "X"}}),
            "missing `record_ids`",
        ),
        (json!({"model": "res.partner"}), "`updates`"),
        (
            json!({"model": "res.partner", "updates": too_many}),
            "1 to 100 items",
        ),
        (
            json!({"model": "res.partner", "updates": [{"id": 3, "values": {"city": "X"}}, {"id": 3, "values": {"type": "other"}}]}),
            "more than once",
        ),
        (
            json!({"model": "res.partner", "updates": [{"id": 3, "values": {"city": "X"}}, {"id": 7, "values": {"ctiy": "X"}}]}),
            "`city`",
        ),
        (
            json!({"model": "res.partner", "updates": [{"id": 3, "values": {"city": "X"}}, {"id": 7, "values": {}}]}),
            "updates[1].values",
        ),
        (
            json!({"model": "res.partner", "updates": [{"id": 3}]}),
            "updates[0].values",
        ),
    ] {
        let message = err(&call(&client, "update_records", args.clone()).await);
        assert!(message.contains(needle), "{args}: {message}");
    }
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn update_records_per_record_below_19_writes_one_record_at_a_time() {
    let double = OdooDouble::start_with_version(17).await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    double.clear_requests();
    let out = ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 3, "values": {"city": "Gent"}},
            {"id": 7, "values": {"city": "Brugge"}}
        ]}),
    )
    .await);
    assert_eq!(out["count"], 2);
    assert!(
        out["notes"][0]
            .as_str()
            .unwrap()
            .contains("not one transaction"),
        "{out}"
    );
    assert_eq!(partner(&double, 3).0, "Gent");
    assert_eq!(partner(&double, 7).0, "Brugge");
    let sent: Vec<String> = writes(&double).into_iter().map(|(_, _, m)| m).collect();
    assert_eq!(sent, ["write", "write"]);

    // Stops at the failing record: the one before it is written, the one after is not.
    double.clear_requests();
    let message = err(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "updates": [
            {"id": 3, "values": {"city": "Oostende"}},
            {"id": 999999, "values": {"city": "Nowhere"}},
            {"id": 7, "values": {"city": "Oostende"}}
        ]}),
    )
    .await);
    assert!(
        message.contains("stopped at res.partner record 999999")
            && message.contains("Written before it: 3;")
            && message.contains("not attempted: 7.")
            && message.contains("not one transaction"),
        "{message}"
    );
    assert_eq!(partner(&double, 3).0, "Oostende");
    assert_eq!(partner(&double, 7).0, "Brugge");
    assert_eq!(writes(&double).len(), 2, "{:?}", double.requests());
    client.cancel().await.ok();
}

#[tokio::test]
async fn batch_create_and_update() {
    let double = OdooDouble::start().await;
    let (client, stderr) = stdio_client(&server_env(&double, &[])).await;
    double.clear_requests();
    let out = ok(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": [
            {"name": "Batch A", "city": "Gent"}, {"name": "Batch B"}, {"name": "Batch C", "type": "invoice"}
        ]}),
    )
    .await);
    assert_eq!(out["count"], 3);
    let ids: Vec<i64> = out["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    // One Odoo call, so one transaction.
    assert_eq!(writes(&double).len(), 1, "{:?}", double.requests());
    let partners = double.records("res.partner");
    let names: Vec<&str> = partners
        .iter()
        .filter(|p| ids.contains(&p["id"].as_i64().unwrap()))
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Batch A", "Batch B", "Batch C"]);

    double.clear_requests();
    let out = ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": ids, "values": {"city": "Brugge"}}),
    )
    .await);
    assert_eq!(out["count"], 3);
    assert_eq!(writes(&double).len(), 1);
    for p in double.records("res.partner") {
        if ids.contains(&p["id"].as_i64().unwrap()) {
            assert_eq!(p["city"], "Brugge");
        }
    }

    // Refusals: nothing is written.
    double.clear_requests();
    let too_many: Vec<Value> = (0..101).map(|i| json!({"name": format!("P{i}")})).collect();
    let message = err(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": too_many}),
    )
    .await);
    assert!(message.contains("1 to 100 items"), "{message}");
    let message = err(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": [{"name": "ok"}, {"nmae": "typo"}]}),
    )
    .await);
    assert!(
        message.contains("nmae") && message.contains("`name`"),
        "{message}"
    );
    let message = err(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": [{"name": "ok"}, {}]}),
    )
    .await);
    assert!(message.contains("records[1]"), "{message}");
    let message = err(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [], "values": {"city": "X"}}),
    )
    .await);
    assert!(message.contains("record_ids"), "{message}");
    // Same allowlist as the single-record tools.
    let message = err(&call(
        &client,
        "create_records",
        json!({"model": "crm.stage", "records": [{"name": "X"}]}),
    )
    .await);
    assert!(message.contains("not enabled"), "{message}");
    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    // Odoo's own refusal passes through: a missing record.
    let message = err(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [3, 999999], "values": {"city": "X"}}),
    )
    .await);
    assert!(message.contains("999999"), "{message}");
    client.cancel().await.ok();
    assert_no_secret(&stderr.text(), double.api_key(), "stderr");
}

#[tokio::test]
async fn dry_runs_validate_and_write_nothing() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_MCP_TYPED_TOOLS", "all")])).await;
    let before = double.records("res.partner");
    double.clear_requests();

    let out = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Dry", "type": "invoice", "country_id": 20}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["dry_run"], true);
    assert_eq!(out["valid"], true, "{out}");
    assert_eq!(out["written"], false);

    let out = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "Dry", "type": "bogus", "country_id": 999999}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], false);
    let problems = out["problems"].to_string();
    assert!(
        problems.contains("bogus") && problems.contains("\\\"contact\\\""),
        "{problems}"
    );
    assert!(problems.contains("res.country record 999999"), "{problems}");

    let out = ok(&call(
        &client,
        "create_record",
        json!({"model": "res.country", "values": {"phone_code": 32}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], false);
    let problems = out["problems"].to_string();
    assert!(
        problems.contains("required field name") && problems.contains("required field code"),
        "{out}"
    );
    // Required fields Odoo defaults (the reference, date and company of an
    // order) or computes (its addresses) are reported, not refused.
    let out = ok(&call(
        &client,
        "create_record",
        json!({"model": "sale.order", "values": {"client_order_ref": "Dry"}, "dry_run": true}),
    )
    .await);
    // A missing many2one is a note (Odoo's create may fill it), not a problem.
    assert!(
        out["notes"]
            .to_string()
            .contains("required field partner_id"),
        "{out}"
    );
    let said = format!("{}{}", out["problems"], out["notes"]);
    for defaulted in [
        "date_order",
        "company_id",
        "partner_invoice_id",
        "field name",
    ] {
        assert!(!said.contains(defaulted), "{defaulted}: {out}");
    }
    assert!(out["defaults"]["date_order"].is_string(), "{out}");

    let out = ok(&call(
        &client,
        "update_record",
        json!({"model": "res.partner", "record_id": 3, "values": {"city": "Paris"}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], true, "{out}");
    assert_eq!(out["records"][0]["id"], 3);
    assert_eq!(out["records"][0]["changes"]["city"]["to"], "Paris");

    let out = ok(&call(
        &client,
        "res_partner_update",
        json!({"record_id": 3, "values": {"name": ""}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["dry_run"], true);

    let out = ok(&call(
        &client,
        "delete_record",
        json!({"model": "res.partner", "record_id": 999999, "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], false);
    assert!(out["problems"].to_string().contains("999999"));

    let out = ok(&call(
        &client,
        "update_records",
        json!({"model": "res.partner", "record_ids": [3, 7], "values": {"type": "delivery"}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], true, "{out}");
    assert_eq!(out["records"].as_array().unwrap().len(), 2);

    let out = ok(&call(
        &client,
        "create_records",
        json!({"model": "res.partner", "records": [{"name": "A"}, {"name": "B", "type": "nope"}], "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], false);
    assert!(
        out["problems"].to_string().contains("records[1].type"),
        "{out}"
    );

    // Argument errors stay errors in a dry run.
    let message = err(&call(
        &client,
        "create_record",
        json!({"model": "res.partner", "values": {"nmae": "x"}, "dry_run": true}),
    )
    .await);
    assert!(message.contains("nmae"), "{message}");

    assert!(writes(&double).is_empty(), "{:?}", double.requests());
    assert!(methods(&double).contains(&"has_access".to_string()));
    assert_eq!(double.records("res.partner"), before);
    client.cancel().await.ok();

    // A plain user: the access check says what Odoo would refuse.
    let demo = server_env(
        &double,
        &[
            ("ODOO_API_KEY", double.demo_api_key()),
            ("ODOO_USER", "demo"),
        ],
    );
    let (client, _) = stdio_client(&demo).await;
    let out = ok(&call(
        &client,
        "update_record",
        json!({"model": "res.company", "record_id": 1, "values": {"name": "Mine"}, "dry_run": true}),
    )
    .await);
    assert_eq!(out["valid"], false);
    assert!(
        out["problems"].to_string().contains("no write access"),
        "{out}"
    );
    assert!(writes(&double).is_empty());
    client.cancel().await.ok();
}

#[tokio::test]
async fn post_message_and_guarded_method_calls() {
    let double = OdooDouble::start().await;
    let (client, _) = stdio_client(&server_env(&double, &[])).await;
    let out = ok(&call(
        &client,
        "post_message",
        json!({"model": "res.partner", "record_id": 3, "body": "Called <b>today</b>"}),
    )
    .await);
    let message_id = out["message_id"].as_i64().expect("message id");
    let messages = double.records("mail.message");
    let message = messages
        .iter()
        .find(|m| m["id"] == message_id)
        .expect("stored");
    assert_eq!(message["model"], "res.partner");
    assert_eq!(message["res_id"], 3);
    assert_eq!(message["subtype_id"][1], "Note");
    assert_eq!(message["body"], "<p>Called &lt;b&gt;today&lt;/b&gt;</p>");

    ok(&call(
        &client,
        "post_message",
        json!({"model": "sale.order", "record_id": 1, "body": "Shipped", "subtype": "comment"}),
    )
    .await);
    assert_eq!(
        double.records("mail.message").last().unwrap()["subtype_id"][1],
        "Discussions"
    );
    let no_chatter = err(&call(
        &client,
        "post_message",
        json!({"model": "res.country", "record_id": 20, "body": "x"}),
    )
    .await);
    assert!(no_chatter.contains("no chatter"), "{no_chatter}");
    let missing = err(&call(
        &client,
        "post_message",
        json!({"model": "res.partner", "record_id": 999999, "body": "x"}),
    )
    .await);
    assert!(missing.contains("999999"), "{missing}");

    // Disabled unless ODOO_YOLO=true and ODOO_MCP_ENABLE_METHOD_CALLS=true.
    let disabled = err(&call(
        &client,
        "call_model_method",
        json!({"model": "res.partner", "method": "has_access", "kwargs": {"operation": "read"}}),
    )
    .await);
    assert!(
        disabled.contains("ODOO_MCP_ENABLE_METHOD_CALLS=true"),
        "{disabled}"
    );
    client.cancel().await.ok();
    let (client, _) = stdio_client(&server_env(&double, &[("ODOO_YOLO", "true")])).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().all(|t| t.name != "call_model_method"));
    let disabled = err(&call(
        &client,
        "call_model_method",
        json!({"model": "res.partner", "method": "has_access"}),
    )
    .await);
    assert!(disabled.contains("disabled"), "{disabled}");
    client.cancel().await.ok();

    let (client, _) = stdio_client(&server_env(
        &double,
        &[
            ("ODOO_YOLO", "true"),
            ("ODOO_MCP_ENABLE_METHOD_CALLS", "true"),
        ],
    ))
    .await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let hints = tool(&tools, "call_model_method")
        .annotations
        .clone()
        .expect("annotations");
    assert_eq!(hints.destructive_hint, Some(true));
    double.clear_requests();
    for (model, method, needle) in [
        ("res.partner", "_compute_display_name", "private"),
        ("res.partner", "write", "dedicated tool"),
        ("res.partner", "unlink", "dedicated tool"),
        ("res.partner", "web_search_read", "web_*"),
        ("ir.cron", "method_direct_trigger", "ir.cron"),
        ("ir.actions.server", "action_test", "server code"),
        ("res.partner", "x; drop", "not a method name"),
        ("res.partner", "method_direct_trigger", "other rights"),
    ] {
        let refused = err(&call(
            &client,
            "call_model_method",
            json!({"model": model, "method": method, "record_ids": [3]}),
        )
        .await);
        assert!(refused.contains(needle), "{model}.{method}: {refused}");
    }
    assert_eq!(double.request_count(), 0, "{:?}", double.requests());
    let out = ok(&call(
        &client,
        "call_model_method",
        json!({"model": "res.partner", "method": "has_access", "kwargs": {"operation": "write"}}),
    )
    .await);
    assert_eq!(out["result"], true);
    client.cancel().await.ok();
}

#[tokio::test]
async fn health_reports_odoo_and_its_version() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let double = OdooDouble::start().await;
    let server = http_server(&server_env(&double, &[])).await;
    let base = server.url.trim_end_matches("/mcp").to_string();
    let http = reqwest::Client::new();
    let answer = http
        .get(format!("{base}/health"))
        .send()
        .await
        .expect("GET /health");
    assert_eq!(answer.status().as_u16(), 200);
    let body: Value = answer.json().await.expect("JSON");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["odoo"]["reachable"], true);
    assert_eq!(body["odoo"]["version"], "19.0");
    assert_eq!(body["odoo"]["api"], "json2");
    // Cached: a second probe does not ask Odoo again.
    let asked = double.request_count();
    let again = http.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(double.request_count(), asked);
    assert_no_secret(&server.stderr.text(), double.api_key(), "stderr");

    // Odoo down: 503, with a short reason and no details.
    let mut vars = server_env(&double, &[]);
    vars.retain(|(k, _)| k != "ODOO_URL");
    vars.push(("ODOO_URL".into(), "http://127.0.0.1:9".into()));
    let down = http_server(&vars).await;
    let base = down.url.trim_end_matches("/mcp").to_string();
    let answer = http.get(format!("{base}/health")).send().await.unwrap();
    assert_eq!(answer.status().as_u16(), 503);
    let body: Value = answer.json().await.expect("JSON");
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["odoo"]["reachable"], false);
    assert!(!body.to_string().contains(double.api_key()));
}
