//! The double's own behaviour, checked on the wire (raw HTTP, no odoo-client) against
//! the recorded Odoo 19 exchanges.

use std::time::Duration;

use odoo_tests::{Fault, OdooDouble};
use serde_json::{Value, json};

fn http() -> reqwest::Client {
    client(reqwest::Client::builder())
}

/// Every client goes through here: reqwest (`rustls-no-provider`) panics when a client
/// is built before a crypto provider is installed, whichever test runs first.
fn client(builder: reqwest::ClientBuilder) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    builder
        .timeout(Duration::from_secs(20))
        .build()
        .expect("reqwest client")
}

async fn json2(odoo: &OdooDouble, path: &str, key: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = http()
        .post(format!("{}{path}", odoo.url()))
        .header("X-Odoo-Database", odoo.db())
        .json(body);
    if let Some(key) = key {
        request = request.header("Authorization", format!("bearer {key}"));
    }
    let response = request.send().await.expect("double answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn xmlrpc(odoo: &OdooDouble, service: &str, call: dxr::MethodCall<'_>) -> String {
    http()
        .post(format!("{}/xmlrpc/2/{service}", odoo.url()))
        .header("Content-Type", "text/xml")
        .body(call.to_xml().expect("encode"))
        .send()
        .await
        .expect("double answers")
        .text()
        .await
        .expect("body")
}

/// Replays every recorded JSON/2 exchange the double supports: same status, same
/// error name, and the same body for deterministic successes and messages.
#[tokio::test]
async fn replays_recorded_json2_exchanges() {
    let odoo = OdooDouble::start().await;
    let same_body = [
        "search_read_order_offset",
        "search",
        "read",
        "name_search",
        "missing_record_read",
        "missing_record_read_mixed",
        "default_get",
        "check_access_rights_style",
        "no_body",
        "web_version",
        "json_version",
    ];
    let same_message = [
        "error_bad_api_key",
        "error_missing_authorization",
        "error_unknown_model",
        "error_unknown_method",
        "error_private_method",
        "error_browse_is_private",
        "error_validation_missing_name",
        "error_validation_constraint",
        "error_integrity_unlink",
        "error_missing_record_unlink",
        "error_missing_record_write",
        "error_ids_on_model_method",
        "error_bad_argument",
        "error_missing_argument",
        "error_invalid_domain",
        "error_invalid_field_read",
        "error_path_too_short",
    ];
    for exchange in odoo_tests::fixture::<Vec<Value>>("json2_exchanges.json") {
        let name = exchange["name"].as_str().unwrap_or_default();
        if !same_body.contains(&name) && !same_message.contains(&name) {
            continue;
        }
        let request = &exchange["request"];
        let path = request["path"].as_str().unwrap_or_default();
        let key = match request["headers"]["Authorization"].as_str() {
            Some("bearer <API_KEY>") => Some(odoo.api_key()),
            Some("bearer <API_KEY_DEMO_USER>") => Some(odoo.demo_api_key()),
            Some(_) => Some("wrong-key"),
            None => None,
        };
        let (status, body) = if request["method"] == "GET" {
            let response = http()
                .get(format!("{}{path}", odoo.url()))
                .send()
                .await
                .expect("answer");
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        } else {
            let body = if request["body"].is_null() {
                json!({})
            } else {
                request["body"].clone()
            };
            json2(&odoo, path, key, &body).await
        };
        let expected = &exchange["response"];
        assert_eq!(status, expected["status"], "{name}: status");
        if same_body.contains(&name) {
            assert_eq!(body, expected["body"], "{name}: body");
        } else {
            assert_eq!(body["name"], expected["body"]["name"], "{name}: error name");
            assert_eq!(
                body["message"], expected["body"]["message"],
                "{name}: message"
            );
            assert_eq!(
                body["arguments"], expected["body"]["arguments"],
                "{name}: arguments"
            );
            assert!(
                body["debug"]
                    .as_str()
                    .is_some_and(|d| d.contains("Traceback"))
            );
        }
    }
}

#[tokio::test]
async fn json2_crud_round_trip() {
    let odoo = OdooDouble::start().await;
    let key = Some(odoo.api_key());
    let (status, ids) = json2(
        &odoo,
        "/json/2/res.partner/create",
        key,
        &json!({"vals_list": [{"name": "Double A", "country_id": 233, "type": "invoice"}, {"name": "Double B"}]}),
    )
    .await;
    assert_eq!(status, 200);
    // Ids continue after the highest seeded id (43).
    assert_eq!(ids, json!([44, 45]));
    let (_, rows) = json2(
        &odoo,
        "/json/2/res.partner/read",
        key,
        &json!({"ids": [44], "fields": ["name", "country_id", "type", "active", "display_name"]}),
    )
    .await;
    assert_eq!(
        rows,
        json!([{"id": 44, "name": "Double A", "country_id": [233, "United States"], "type": "invoice", "active": true, "display_name": "Double A"}])
    );
    let (status, ok) = json2(
        &odoo,
        "/json/2/res.partner/write",
        key,
        &json!({"ids": [44, 45], "vals": {"parent_id": 9}}),
    )
    .await;
    assert_eq!((status, ok), (200, json!(true)));
    let (_, rows) = json2(
        &odoo,
        "/json/2/res.partner/search_read",
        key,
        &json!({"domain": [["parent_id", "=", 9], ["name", "=like", "Double%"]], "fields": ["complete_name"], "order": "id desc"}),
    )
    .await;
    assert_eq!(
        rows,
        json!([{"id": 45, "complete_name": "Acme Corporation, Double B"}, {"id": 44, "complete_name": "Acme Corporation, Double A"}])
    );
    let (status, _) = json2(
        &odoo,
        "/json/2/res.partner/unlink",
        key,
        &json!({"ids": [44]}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(odoo.records("res.partner").iter().all(|r| r["id"] != 44));
    let (status, body) = json2(
        &odoo,
        "/json/2/res.partner/create",
        key,
        &json!({"vals_list": [{"name": "Bad", "type": "bogus"}]}),
    )
    .await;
    // As real Odoo 19 answers a selection value it does not have.
    assert_eq!(status, 500);
    assert_eq!(body["name"], "builtins.ValueError");
    assert_eq!(body["message"], "Wrong value for res.partner.type: 'bogus'");
}

/// `web_save_multi` as Odoo 19's web module has it: `ids`, `vals_list` (one per id)
/// and `specification`; one transaction; answers `web_read(specification)`.
#[tokio::test]
async fn web_save_multi_writes_values_per_record_in_one_transaction() {
    let odoo = OdooDouble::start().await;
    let key = Some(odoo.api_key());
    let path = "/json/2/res.partner/web_save_multi";
    let (status, answer) = json2(
        &odoo,
        path,
        key,
        &json!({"ids": [3, 7], "vals_list": [{"city": "Gent"}, {"city": "Brugge", "country_id": 20}], "specification": {}}),
    )
    .await;
    assert_eq!((status, answer), (200, json!([{"id": 3}, {"id": 7}])));
    let (_, answer) = json2(
        &odoo,
        path,
        key,
        &json!({"ids": [7], "vals_list": [{"city": "Liège"}], "specification": {"city": {}, "country_id": {}}}),
    )
    .await;
    // read(load=None): a many2one is its id.
    assert_eq!(
        answer,
        json!([{"id": 7, "city": "Liège", "country_id": 20}])
    );
    let city = |id: i64| {
        odoo.records("res.partner")
            .into_iter()
            .find(|r| r["id"] == id)
            .map(|r| r["city"].clone())
    };
    assert_eq!(city(3), Some(json!("Gent")));

    // A failing record undoes the records written before it.
    let (status, body) = json2(
        &odoo,
        path,
        key,
        &json!({"ids": [3, 999999], "vals_list": [{"city": "Oostende"}, {"city": "X"}], "specification": {}}),
    )
    .await;
    assert_ne!(status, 200);
    assert_eq!(body["name"], "odoo.exceptions.MissingError", "{body}");
    assert_eq!(city(3), Some(json!("Gent")));
    let (status, body) = json2(
        &odoo,
        path,
        key,
        &json!({"ids": [3, 7], "vals_list": [{"city": "X"}], "specification": {}}),
    )
    .await;
    assert_ne!(status, 200);
    assert!(
        body.to_string()
            .contains("Each record must have a corresponding vals entry."),
        "{body}"
    );
    let (status, _) = json2(
        &odoo,
        path,
        key,
        &json!({"ids": [3], "vals_list": [{"city": "X"}]}),
    )
    .await;
    assert_eq!(status, 422, "specification is required");
    assert_eq!(city(3), Some(json!("Gent")));
}

#[tokio::test]
async fn domain_operators_on_seeded_data() {
    let odoo = OdooDouble::start().await;
    let key = Some(odoo.api_key());
    let ids = |domain: Value| {
        let odoo = &odoo;
        async move {
            json2(
                odoo,
                "/json/2/res.country/search",
                key,
                &json!({"domain": domain, "order": "id"}),
            )
            .await
            .1
        }
    };
    assert_eq!(
        ids(json!([["code", "in", ["BE", "AD"]]])).await,
        json!([1, 20])
    );
    assert_eq!(
        ids(json!([["name", "=ilike", "a%a"]])).await,
        json!([1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14])
    );
    assert_eq!(
        ids(json!(["|", ["code", "=", "BE"], "!", ["id", ">", 2]])).await,
        json!([1, 2, 20])
    );
    assert_eq!(
        ids(json!([["id", "<=", 3], ["name", "not ilike", "arab"]])).await,
        json!([1, 3])
    );
    let (status, body) = json2(
        &odoo,
        "/json/2/res.country/search",
        key,
        &json!({"domain": [["parent_id", "child_of", 1]]}),
    )
    .await;
    assert_eq!(status, 500);
    assert_eq!(body["name"], "builtins.ValueError");
}

#[tokio::test]
async fn ir_model_metadata_is_served() {
    let odoo = OdooDouble::start().await;
    let key = Some(odoo.api_key());
    let (status, rows) = json2(
        &odoo,
        "/json/2/ir.model/search_read",
        key,
        &json!({"domain": [["model", "=", "res.partner"]], "fields": ["model", "name"]}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(rows[0]["name"], "Contact");
    let (_, count) = json2(
        &odoo,
        "/json/2/ir.model.fields/search_count",
        key,
        &json!({"domain": [["model", "=", "res.partner"], ["ttype", "=", "many2one"]]}),
    )
    .await;
    assert!(count.as_u64().is_some_and(|n| n > 10), "{count}");
    let (_, values) = json2(
        &odoo,
        "/json/2/ir.model.fields.selection/search_read",
        key,
        &json!({"domain": [["field_id.model", "=", "res.partner"], ["field_id.name", "=", "type"]], "fields": ["value"]}),
    )
    .await;
    let values: Vec<&Value> = values
        .as_array()
        .map(|v| v.iter().map(|r| &r["value"]).collect())
        .unwrap_or_default();
    assert_eq!(
        values,
        [
            &json!("contact"),
            &json!("invoice"),
            &json!("delivery"),
            &json!("other")
        ]
    );
    // Read-only in the double; an AccessError for the demo user, like Odoo.
    let (status, body) = json2(
        &odoo,
        "/json/2/ir.model.fields/write",
        Some(odoo.demo_api_key()),
        &json!({"ids": [4], "vals": {"help": "x"}}),
    )
    .await;
    assert_eq!(
        (status, &body["name"]),
        (403, &json!("odoo.exceptions.AccessError"))
    );
}

#[tokio::test]
async fn xmlrpc_speaks_like_odoo() {
    let odoo = OdooDouble::start().await;
    let call = |name: &'static str, params: Vec<dxr::Value>| dxr::MethodCall {
        name: name.into(),
        params,
    };
    let s = |v: &str| dxr::Value::String(v.into());
    let version = xmlrpc(&odoo, "common", call("version", vec![])).await;
    let version = dxr::MethodResponse::from_xml(&version).expect("methodResponse");
    let dxr::Value::Struct(version) = version.value else {
        panic!("version is a struct")
    };
    assert_eq!(version["server_version"], s("19.0"));

    let auth = |password: &str| {
        call(
            "authenticate",
            vec![
                s("lab"),
                s("admin"),
                s(password),
                dxr::Value::Struct(Default::default()),
            ],
        )
    };
    let uid = xmlrpc(&odoo, "common", auth(odoo.api_key())).await;
    assert_eq!(
        dxr::MethodResponse::from_xml(&uid).expect("uid").value,
        dxr::Value::Integer(2)
    );
    let refused = xmlrpc(&odoo, "common", auth("wrong")).await;
    assert_eq!(
        dxr::MethodResponse::from_xml(&refused)
            .expect("false")
            .value,
        dxr::Value::Boolean(false)
    );

    let execute = |password: &str, method: &'static str, args: Vec<dxr::Value>| {
        call(
            "execute_kw",
            vec![
                s("lab"),
                dxr::Value::Integer(2),
                s(password),
                s("res.partner"),
                s(method),
                dxr::Value::Array(args),
                dxr::Value::Struct(Default::default()),
            ],
        )
    };
    let domain = dxr::Value::Array(vec![dxr::Value::Array(vec![
        s("is_company"),
        s("="),
        dxr::Value::Boolean(true),
    ])]);
    let count = xmlrpc(
        &odoo,
        "object",
        execute(odoo.api_key(), "search_count", vec![domain]),
    )
    .await;
    assert_eq!(
        dxr::MethodResponse::from_xml(&count).expect("count").value,
        dxr::Value::Integer(11)
    );
    for (password, method, args, code) in [
        ("wrong", "search_count", vec![dxr::Value::Array(vec![])], 3),
        (
            odoo.api_key(),
            "_compute_display_name",
            vec![dxr::Value::Array(vec![])],
            4,
        ),
        (odoo.api_key(), "no_such_method", vec![], 1),
    ] {
        let fault = xmlrpc(&odoo, "object", execute(password, method, args)).await;
        let fault = dxr::FaultResponse::from_xml(&fault).expect("a fault");
        assert_eq!(
            fault.fault.code(),
            code,
            "{method}: {}",
            fault.fault.string()
        );
    }
    let write = execute(
        odoo.api_key(),
        "write",
        vec![
            dxr::Value::Array(vec![dxr::Value::Integer(999_999)]),
            dxr::Value::Struct([("name".to_string(), s("x"))].into_iter().collect()),
        ],
    );
    let fault = xmlrpc(&odoo, "object", write).await;
    let fault = dxr::FaultResponse::from_xml(&fault).expect("a fault");
    assert_eq!(fault.fault.code(), 2);
    assert_eq!(
        fault.fault.string(),
        "Record does not exist or has been deleted.\n(Record: res.partner(999999,), User: 2)"
    );
    assert_eq!(
        odoo.requests()
            .iter()
            .filter(|(kind, _, _)| kind == "xmlrpc")
            .count(),
        5
    );
}

#[tokio::test]
async fn faults_on_the_wire() {
    let odoo = OdooDouble::start().await;
    let body = json!({"domain": [], "fields": ["name"], "limit": 1});
    let path = "/json/2/res.partner/search_read";
    let key = Some(odoo.api_key());

    odoo.set_fault(Some(Fault::Status(503)));
    let (status, page) = json2(&odoo, path, key, &body).await;
    assert_eq!(status, 503);
    assert!(page.as_str().is_some_and(|p| p.contains("nginx")));

    odoo.set_fault(Some(Fault::FailTimes {
        status: 502,
        times: 2,
    }));
    assert_eq!(json2(&odoo, path, key, &body).await.0, 502);
    assert_eq!(json2(&odoo, path, key, &body).await.0, 502);
    assert_eq!(json2(&odoo, path, key, &body).await.0, 200);

    odoo.set_fault(Some(Fault::Html));
    let (status, page) = json2(&odoo, path, key, &body).await;
    assert_eq!(status, 200);
    assert!(page.as_str().is_some_and(|p| p.contains("<html>")));

    odoo.set_fault(Some(Fault::Truncated));
    let (status, cut) = json2(&odoo, path, key, &body).await;
    assert_eq!(status, 200);
    assert!(cut.is_string(), "a cut JSON body does not parse: {cut}");

    odoo.set_fault(Some(Fault::Drop));
    let dropped = http()
        .post(format!("{}{path}", odoo.url()))
        .json(&body)
        .send()
        .await;
    assert!(dropped.is_err(), "{dropped:?}");

    odoo.set_fault(None);
    assert_eq!(json2(&odoo, path, key, &body).await.0, 200);
    assert!(odoo.request_count() >= 8);
}

/// As a real Odoo 18 answers: `/json/2` redirects to the login page, `GET /web/version`
/// is 404, and the version comes from XML-RPC `common.version`.
#[tokio::test]
async fn before_19_there_is_no_json2() {
    let odoo = OdooDouble::start_with_version(18).await;
    let no_redirects =
        client(reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()));
    let answer = no_redirects
        .post(format!("{}/json/2/res.partner/search_count", odoo.url()))
        .header("Authorization", format!("bearer {}", odoo.api_key()))
        .json(&json!({"domain": []}))
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status().as_u16(), 303);
    let location = answer.headers()["location"].to_str().expect("ascii");
    assert!(location.starts_with("/web/login?redirect="), "{location}");
    let version = http()
        .get(format!("{}/web/version", odoo.url()))
        .send()
        .await
        .expect("answer");
    assert_eq!(version.status().as_u16(), 404);
    let common = xmlrpc(
        &odoo,
        "common",
        dxr::MethodCall {
            name: "version".into(),
            params: vec![],
        },
    )
    .await;
    assert!(common.contains("18.0"), "{common}");
}

#[tokio::test]
async fn revoked_key_is_refused() {
    let odoo = OdooDouble::start().await;
    odoo.revoke_api_key();
    let (status, body) = json2(
        &odoo,
        "/json/2/res.partner/search_count",
        Some(odoo.api_key()),
        &json!({"domain": []}),
    )
    .await;
    assert_eq!((status, &body["message"]), (401, &json!("Invalid apikey")));
}

/// Real Odoo 19 and 18: XML-RPC `create` needs its values positionally (call_kw reads
/// `args[0]` to shape the answer); keyword `vals_list` is a fault and creates nothing.
#[tokio::test]
async fn xmlrpc_create_needs_positional_values() {
    for (major, message) in [
        (19, "IndexError: list index out of range"),
        (18, "IndexError: tuple index out of range"),
    ] {
        let odoo = OdooDouble::start_with_version(major).await;
        let before = odoo.records("res.partner").len();
        let s = |v: &str| dxr::Value::String(v.into());
        let values = dxr::Value::Array(vec![dxr::Value::Struct(
            [("name".to_string(), s("Keyword create"))]
                .into_iter()
                .collect(),
        )]);
        let create = |args: Vec<dxr::Value>, kwargs: Vec<(String, dxr::Value)>| dxr::MethodCall {
            name: "execute_kw".into(),
            params: vec![
                s("lab"),
                dxr::Value::Integer(2),
                s(odoo.api_key()),
                s("res.partner"),
                s("create"),
                dxr::Value::Array(args),
                dxr::Value::Struct(kwargs.into_iter().collect()),
            ],
        };
        let keyword = xmlrpc(
            &odoo,
            "object",
            create(vec![], vec![("vals_list".into(), values.clone())]),
        )
        .await;
        let fault = dxr::FaultResponse::from_xml(&keyword).expect("a fault");
        assert_eq!(fault.fault.code(), 1, "Odoo {major}");
        assert!(
            fault.fault.string().trim_end().ends_with(message),
            "Odoo {major}: {}",
            fault.fault.string()
        );
        assert_eq!(odoo.records("res.partner").len(), before, "Odoo {major}");

        let positional = xmlrpc(&odoo, "object", create(vec![values], vec![])).await;
        let ids = dxr::MethodResponse::from_xml(&positional).expect("created ids");
        assert!(matches!(ids.value, dxr::Value::Array(ref a) if a.len() == 1));
        assert_eq!(odoo.records("res.partner").len(), before + 1);
    }
}

async fn xmlrpc_execute(
    odoo: &OdooDouble,
    model: &str,
    method: &str,
    args: Vec<dxr::Value>,
    kwargs: Vec<(&str, dxr::Value)>,
) -> Result<dxr::Value, (i32, String)> {
    let s = |v: &str| dxr::Value::String(v.into());
    let call = dxr::MethodCall {
        name: "execute_kw".into(),
        params: vec![
            s("lab"),
            dxr::Value::Integer(2),
            s(odoo.api_key()),
            s(model),
            s(method),
            dxr::Value::Array(args),
            dxr::Value::Struct(
                kwargs
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            ),
        ],
    };
    let answer = xmlrpc(odoo, "object", call).await;
    match dxr::MethodResponse::from_xml(&answer) {
        Ok(response) => Ok(response.value),
        Err(_) => {
            let fault = dxr::FaultResponse::from_xml(&answer).expect("a response or a fault");
            Err((fault.fault.code(), fault.fault.string().to_string()))
        }
    }
}

/// As the live suite found a real Odoo 18: no `ir.model.abstract`, no fields that came
/// with 19 (`res.partner.group_on`), no `formatted_read_group` or `web_save_multi`.
#[tokio::test]
async fn odoo_18_lacks_what_came_with_19() {
    let s = |v: &str| dxr::Value::String(v.into());
    let fields = |names: &[&str]| dxr::Value::Array(names.iter().map(|n| s(n)).collect());
    for major in [18, 19] {
        let odoo = OdooDouble::start_with_version(major).await;
        let read = |model: &'static str, names: &'static [&'static str]| {
            xmlrpc_execute(
                &odoo,
                model,
                "search_read",
                vec![],
                vec![("fields", fields(names)), ("limit", dxr::Value::Integer(1))],
            )
        };
        let abstract_flag = read("ir.model", &["model", "abstract"]).await;
        let group_on = read("res.partner", &["name", "group_on"]).await;
        let described = xmlrpc_execute(&odoo, "ir.model", "fields_get", vec![], vec![])
            .await
            .expect("fields_get");
        let dxr::Value::Struct(described) = described else {
            panic!("fields_get is a struct")
        };
        let grouped = xmlrpc_execute(
            &odoo,
            "res.partner",
            "formatted_read_group",
            vec![dxr::Value::Array(vec![])],
            vec![("groupby", fields(&["is_company"]))],
        )
        .await;
        if major >= 19 {
            assert!(abstract_flag.is_ok() && group_on.is_ok() && grouped.is_ok());
            assert!(described.contains_key("abstract"));
        } else {
            let (code, text) = abstract_flag.expect_err("18 has no ir.model.abstract");
            assert_eq!(code, 1);
            assert!(
                text.trim_end()
                    .ends_with("ValueError: Invalid field 'abstract' on 'ir.model'"),
                "{text}"
            );
            let (_, text) = group_on.expect_err("18 has no res.partner.group_on");
            assert!(
                text.contains("Invalid field 'group_on' on 'res.partner'"),
                "{text}"
            );
            assert!(!described.contains_key("abstract"));
            let (_, text) = grouped.expect_err("formatted_read_group came with 19");
            assert!(text.contains("does not exist"), "{text}");
            let write = xmlrpc_execute(
                &odoo,
                "res.partner",
                "write",
                vec![
                    dxr::Value::Array(vec![dxr::Value::Integer(1)]),
                    dxr::Value::Struct([("group_on".to_string(), s("default"))].into()),
                ],
                vec![],
            )
            .await;
            let (_, text) = write.expect_err("18 cannot write group_on");
            assert!(
                text.contains("Invalid field 'group_on' on 'res.partner'"),
                "{text}"
            );
        }
    }
}

/// Real Odoo over XML-RPC: a record method takes `args[0]` as its ids (none is an
/// IndexError), and a method that returns None cannot be marshalled (a fault, after the
/// transaction committed: the archive happened).
#[tokio::test]
async fn xmlrpc_record_methods_and_none_answers() {
    let odoo = OdooDouble::start().await;
    let s = |v: &str| dxr::Value::String(v.into());
    let without_ids = xmlrpc_execute(
        &odoo,
        "res.partner",
        "has_access",
        vec![],
        vec![("operation", s("read"))],
    )
    .await;
    let (code, text) = without_ids.expect_err("no ids");
    assert_eq!(code, 1);
    assert!(
        text.trim_end()
            .ends_with("IndexError: list index out of range"),
        "{text}"
    );
    let on_model = xmlrpc_execute(
        &odoo,
        "res.partner",
        "has_access",
        vec![dxr::Value::Array(vec![])],
        vec![("operation", s("read"))],
    )
    .await;
    assert_eq!(on_model, Ok(dxr::Value::Boolean(true)));

    let partner = odoo.records("res.partner")[0]["id"]
        .as_i64()
        .expect("an id");
    let archived = xmlrpc_execute(
        &odoo,
        "res.partner",
        "action_archive",
        vec![dxr::Value::Array(vec![dxr::Value::Integer(partner as i32)])],
        vec![],
    )
    .await;
    let (code, text) = archived.expect_err("None cannot be marshalled");
    assert_eq!(code, 1);
    assert!(
        text.contains("cannot marshal None unless allow_none is enabled"),
        "{text}"
    );
    let record = odoo
        .records("res.partner")
        .into_iter()
        .find(|r| r["id"] == partner)
        .expect("still there");
    assert_eq!(record["active"], false);
}

/// As real Odoo 19 and 18 group: a record with several tags counts in each tag's group,
/// a record without one in the `false` group.
#[tokio::test]
async fn groups_by_many2many() {
    let odoo = OdooDouble::start().await;
    let (status, groups) = json2(
        &odoo,
        "/json/2/res.partner/formatted_read_group",
        Some(odoo.api_key()),
        &json!({"domain": [], "groupby": ["category_id"], "aggregates": ["__count"]}),
    )
    .await;
    assert_eq!(status, 200, "{groups}");
    let groups = groups.as_array().expect("groups");
    let partners = odoo.records("res.partner");
    let tagged = |tag: i64| {
        partners
            .iter()
            .filter(|p| {
                p["category_id"]
                    .as_array()
                    .is_some_and(|t| t.contains(&json!(tag)))
            })
            .count()
    };
    let mut tag_groups = 0;
    for group in groups {
        match &group["category_id"] {
            Value::Array(pair) => {
                tag_groups += 1;
                let tag = pair[0].as_i64().expect("tag id");
                assert_eq!(group["__count"], json!(tagged(tag)), "{group}");
            }
            Value::Bool(false) => {
                let untagged = partners
                    .iter()
                    .filter(|p| p["category_id"].as_array().is_none_or(Vec::is_empty))
                    .count();
                assert_eq!(group["__count"], json!(untagged));
            }
            other => panic!("unexpected group value {other}"),
        }
    }
    assert!(tag_groups > 0, "the seeded partners carry tags");
}

/// `onchange` for a new record as the Odoo 19 lab answers it on a posted
/// invoice's reversal wizard: every spec field but empty x2many ones, a
/// many2one as its id (or `{id, display_name}` when the spec asks for
/// fields), x2many as link commands; an unknown spec field is a KeyError.
#[tokio::test]
async fn onchange_answers_a_new_wizard_as_odoo_19() {
    let odoo = OdooDouble::start().await;
    let context = json!({"active_model": "account.move", "active_ids": [1], "active_id": 1});
    let spec = json!({"company_id": {}, "move_ids": {}, "move_type": {}, "available_journal_ids": {}, "reason": {}, "journal_id": {}, "date": {}});
    let body = json!({"ids": [], "values": {}, "field_names": [], "fields_spec": spec, "context": context});
    let path = "/json/2/account.move.reversal/onchange";
    let (status, answer) = json2(&odoo, path, Some(odoo.api_key()), &body).await;
    assert_eq!(status, 200, "{answer}");
    let value = &answer["value"];
    assert_eq!(value["journal_id"], json!(1), "{answer}");
    assert_eq!(value["company_id"], json!(1));
    assert_eq!(value["move_type"], "out_invoice");
    assert_eq!(value["reason"], json!(false));
    assert!(value["date"].is_string());
    assert_eq!(value["move_ids"], json!([[4, 1, {"id": 1}]]));
    assert_eq!(value["available_journal_ids"], json!([[4, 1, {"id": 1}]]));

    let named = json!({"values": {"reason": "x"}, "field_names": [], "fields_spec": {"journal_id": {"fields": {"display_name": {}}}, "reason": {}}, "context": context});
    let (_, answer) = json2(&odoo, path, Some(odoo.api_key()), &named).await;
    assert_eq!(
        answer["value"],
        json!({"journal_id": {"id": 1, "display_name": "Sales"}, "reason": "x"})
    );

    let unknown = json!({"values": {}, "field_names": [], "fields_spec": {"nonexistent": {}}});
    let (status, answer) = json2(&odoo, path, Some(odoo.api_key()), &unknown).await;
    assert_eq!(status, 500, "{answer}");
    assert_eq!(answer["name"], "builtins.KeyError");
}
