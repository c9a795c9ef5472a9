//! odoo-client against the Odoo double, over JSON/2 and XML-RPC: the high-level API,
//! transport auto-detection, every error variant, faults, retries, and secrets.

use std::time::{Duration, Instant};

use odoo_client::{ApiVersion, Config, Domain, Error, Missing, OdooClient, SearchOptions};
use odoo_tests::{Fault, OdooDouble};
use serde_json::{Map, Value, json};

fn domain(value: Value) -> Domain {
    Domain::from_value(&value).expect("a valid domain")
}

fn vals(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        other => panic!("values must be an object, got {other}"),
    }
}

fn client(config: Config) -> OdooClient {
    OdooClient::new(config).expect("valid config")
}

/// Both transports on the same double.
fn both(odoo: &OdooDouble) -> [(&'static str, OdooClient); 2] {
    [
        ("json2", client(odoo.config_json2())),
        ("xmlrpc", client(odoo.config_xmlrpc())),
    ]
}

/// How many times the double saw `method` called on a model.
fn calls(odoo: &OdooDouble, method: &str) -> usize {
    odoo.requests()
        .iter()
        .filter(|(kind, _, m)| kind != "other" && m == method)
        .count()
}

/// Everything the read API returns, over one transport.
async fn read_everything(client: &OdooClient) -> Vec<Value> {
    let companies = domain(json!([["is_company", "=", true]]));
    let options = SearchOptions::new()
        .fields(["name", "email", "country_id", "child_ids"])
        .order("name asc")
        .offset(1)
        .limit(3);
    let mut fields_all = client
        .search_read("res.partner", &companies, &SearchOptions::new().limit(5))
        .await
        .expect("search_read, every field");
    let first = fields_all.remove(0);
    vec![
        json!(
            client
                .search_read("res.partner", &companies, &options)
                .await
                .expect("search_read")
        ),
        json!(first),
        json!(
            client
                .search("res.partner", &companies, &SearchOptions::new().limit(5))
                .await
                .expect("search")
        ),
        json!(
            client
                .search_count("res.partner", &companies)
                .await
                .expect("search_count")
        ),
        json!(
            client
                .read(
                    "res.partner",
                    &[1, 999_999],
                    &["name", "country_id", "child_ids"]
                )
                .await
                .expect("read")
        ),
        json!(
            client
                .fields_get("res.partner", &["string", "type", "selection", "relation"])
                .await
                .expect("fields_get")
        ),
        json!(
            client
                .name_search("res.partner", "Acme", &Domain::new(), Some(3))
                .await
                .expect("name_search")
        ),
        client
            .call(
                "res.partner",
                "read",
                vec![json!([9])],
                vals(json!({"fields": ["display_name"]})),
            )
            .await
            .expect("call"),
    ]
}

#[tokio::test]
async fn same_results_over_both_transports() {
    let odoo = OdooDouble::start().await;
    let [(_, json2), (_, xmlrpc)] = both(&odoo);
    let over_json2 = read_everything(&json2).await;
    let over_xmlrpc = read_everything(&xmlrpc).await;
    assert_eq!(over_json2, over_xmlrpc);

    // And the values are Odoo's (compare json2_exchanges.json).
    assert_eq!(
        over_json2[0],
        json!([
            {"id": 15, "name": "Azure Interior", "email": "vauxoo@yourcompany.example.com", "country_id": [233, "United States"], "child_ids": [27, 34, 28]},
            {"id": 10, "name": "Gemini Furniture", "email": "john.b@tech.info", "country_id": [203, "San Marino"], "child_ids": [21, 23, 32, 24]},
            {"id": 13, "name": "LightsUp", "email": "lightsup@example.com", "country_id": [139, "Montenegro"], "child_ids": []},
        ])
    );
    assert_eq!(over_json2[2], json!([9, 15, 10, 13, 16]));
    assert_eq!(over_json2[3], json!(11));
    assert_eq!(
        over_json2[4],
        json!([{"id": 1, "name": "My Company (San Francisco)", "country_id": [233, "United States"], "child_ids": [40, 41]}])
    );
    assert_eq!(
        over_json2[5]["type"],
        json!({"string": "Address Type", "type": "selection", "selection": [["contact", "Contact"], ["invoice", "Invoice"], ["delivery", "Delivery"], ["other", "Other"]]})
    );
    assert_eq!(
        over_json2[6],
        json!([
            [9, "Acme Corporation"],
            [36, "Acme Corporation, Addison Olson"],
            [19, "Acme Corporation, Douglas Fletcher"]
        ])
    );
    assert_eq!(
        over_json2[7],
        json!([{"id": 9, "display_name": "Acme Corporation"}])
    );
    assert_eq!(
        odoo.requests()
            .iter()
            .filter(|(kind, _, _)| kind == "json2")
            .count(),
        8
    );
    assert_eq!(
        odoo.requests()
            .iter()
            .filter(|(kind, _, _)| kind == "xmlrpc")
            .count(),
        8
    );
}

/// Create, write, read back and unlink on a fresh double; the outcome per transport.
async fn crud(client: &OdooClient) -> Vec<Value> {
    let ids = client
        .create(
            "res.partner",
            &[
                vals(json!({"name": "Client A", "country_id": 20, "type": "invoice"})),
                vals(json!({"name": "Client B", "email": "b@example.com"})),
            ],
        )
        .await
        .expect("create");
    let fields = ["name", "country_id", "type", "email", "parent_id", "active"];
    let created = client
        .read("res.partner", &ids, &fields)
        .await
        .expect("read");
    let written = client
        .write(
            "res.partner",
            &ids,
            &vals(json!({"parent_id": 9, "phone": "+32 2 000 00 00"})),
        )
        .await
        .expect("write");
    let after_write = client
        .search_read(
            "res.partner",
            &domain(json!([["parent_id", "=", 9], ["phone", "=like", "+32%"]])),
            &SearchOptions::new()
                .fields(["complete_name", "parent_id"])
                .order("id desc"),
        )
        .await
        .expect("search_read");
    let unlinked = client
        .unlink("res.partner", &ids[..1])
        .await
        .expect("unlink");
    let gone = client
        .read("res.partner", &ids, &["name"])
        .await
        .expect("read");
    vec![
        json!(ids),
        json!(created),
        json!(written),
        json!(after_write),
        json!(unlinked),
        json!(gone),
    ]
}

#[tokio::test]
async fn crud_gives_the_same_outcome_over_both_transports() {
    let (a, b) = (OdooDouble::start().await, OdooDouble::start().await);
    let over_json2 = crud(&client(a.config_json2())).await;
    let over_xmlrpc = crud(&client(b.config_xmlrpc())).await;
    assert_eq!(over_json2, over_xmlrpc);
    assert_eq!(over_json2[0], json!([44, 45]));
    assert_eq!(
        over_json2[1][0],
        json!({"id": 44, "name": "Client A", "country_id": [20, "Belgium"], "type": "invoice", "email": false, "parent_id": false, "active": true})
    );
    assert_eq!(over_json2[2], json!(true));
    assert_eq!(
        over_json2[3],
        json!([
            {"id": 45, "complete_name": "Acme Corporation, Client B", "parent_id": [9, "Acme Corporation"]},
            {"id": 44, "complete_name": "Acme Corporation, Client A", "parent_id": [9, "Acme Corporation"]},
        ])
    );
    assert_eq!(over_json2[5], json!([{"id": 45, "name": "Client B"}]));
    // The double's state agrees with what the client saw.
    assert!(a.records("res.partner").iter().all(|r| r["id"] != 44));
    assert!(b.records("res.partner").iter().any(|r| r["id"] == 45));
}

#[tokio::test]
async fn auto_detection_picks_json2_on_19_and_xmlrpc_below() {
    let odoo19 = OdooDouble::start().await;
    let auto = client(odoo19.config_auto());
    assert_eq!(auto.version().await.expect("version").major, 19);
    assert_eq!(auto.api_version().await.expect("api"), ApiVersion::Json2);
    assert_eq!(
        auto.search_count("res.country", &Domain::new())
            .await
            .expect("count"),
        40
    );
    assert!(
        odoo19
            .requests()
            .iter()
            .any(|(kind, _, m)| kind == "json2" && m == "search_count")
    );
    assert!(
        !odoo19
            .requests()
            .iter()
            .any(|(kind, _, _)| kind.starts_with("xmlrpc"))
    );

    let odoo17 = OdooDouble::start_with_version(17).await;
    let auto = client(odoo17.config_auto());
    assert_eq!(auto.api_version().await.expect("api"), ApiVersion::XmlRpc);
    assert_eq!(auto.version().await.expect("version").major, 17);
    assert_eq!(
        auto.search_count("res.country", &Domain::new())
            .await
            .expect("count"),
        40
    );
    assert!(
        odoo17
            .requests()
            .iter()
            .any(|(kind, _, m)| kind == "xmlrpc" && m == "search_count")
    );
    assert!(!odoo17.requests().iter().any(|(kind, _, _)| kind == "json2"));
}

fn is_not_found(error: &Error, what: Missing) -> bool {
    matches!(error, Error::NotFound { what: w, .. } if *w == what)
}

#[tokio::test]
async fn every_error_variant_over_both_transports() {
    let odoo = OdooDouble::start().await;
    for (transport, client) in both(&odoo) {
        let everyone = Domain::new();
        let err = client
            .search_count("no.such.model", &everyone)
            .await
            .expect_err("unknown model");
        assert!(is_not_found(&err, Missing::Model), "{transport}: {err:?}");

        let err = client
            .call("res.partner", "no_such_method", vec![], Map::new())
            .await
            .expect_err("unknown method");
        assert!(is_not_found(&err, Missing::Method), "{transport}: {err:?}");

        let err = client
            .call(
                "res.partner",
                "_compute_display_name",
                vec![json!([1])],
                Map::new(),
            )
            .await
            .expect_err("private method");
        assert!(
            matches!(err, Error::AccessDenied(_)),
            "{transport}: {err:?}"
        );
        assert!(err.to_string().contains("Private methods"), "{err}");

        let err = client
            .write("res.partner", &[999_999], &vals(json!({"name": "x"})))
            .await
            .expect_err("missing record");
        assert!(is_not_found(&err, Missing::Record), "{transport}: {err:?}");

        let err = client
            .unlink("res.partner", &[999_999])
            .await
            .expect_err("missing record");
        assert!(is_not_found(&err, Missing::Record), "{transport}: {err:?}");

        let err = client
            .create(
                "res.partner",
                &[vals(json!({"email": "noname@example.com"}))],
            )
            .await
            .expect_err("no name");
        assert!(matches!(err, Error::Validation(_)), "{transport}: {err:?}");
        assert_eq!(
            err.fault().map(|f| f.message.as_str()),
            Some("The operation cannot be completed: Contacts require a name")
        );

        let err = client
            .create(
                "res.partner",
                &[vals(json!({"name": "x", "type": "bogus"}))],
            )
            .await
            .expect_err("bad selection");
        // A ValueError in Odoo 19 and 18, not a ValidationError.
        assert!(matches!(err, Error::Server(_)), "{transport}: {err:?}");
        assert!(
            err.to_string().contains("Wrong value for res.partner.type"),
            "{err}"
        );

        let err = client
            .write("res.partner", &[1], &vals(json!({"parent_id": 1})))
            .await
            .expect_err("recursion");
        assert!(matches!(err, Error::Validation(_)), "{transport}: {err:?}");

        let err = client
            .search_read(
                "res.partner",
                &domain(json!([["no_such_field", "=", 1]])),
                &SearchOptions::new(),
            )
            .await
            .expect_err("unknown field");
        assert!(matches!(err, Error::Server(_)), "{transport}: {err:?}");
        assert!(
            err.fault().is_some_and(
                |f| f.name.ends_with("ValueError") && f.message.contains("no_such_field")
            ),
            "{transport}: {err:?}"
        );

        let err = client
            .read("res.partner", &[1], &["no_such_field"])
            .await
            .expect_err("unknown field");
        assert!(matches!(err, Error::Server(_)), "{transport}: {err:?}");

        // Nothing was created by the refused calls.
        assert_eq!(odoo.records("res.partner").len(), 40, "{transport}");
    }
}

#[tokio::test]
async fn authentication_and_access_errors() {
    let odoo = OdooDouble::start().await;
    let bad_json2 = client(odoo.config_json2().api_key("bad-key-0123456789"));
    let bad_xmlrpc = client(odoo.config_xmlrpc().api_key("bad-key-0123456789"));
    for (transport, client) in [("json2", bad_json2), ("xmlrpc", bad_xmlrpc)] {
        let err = client
            .search_count("res.partner", &Domain::new())
            .await
            .expect_err("bad key");
        assert!(
            matches!(err, Error::Authentication(_)),
            "{transport}: {err:?}"
        );
    }

    // An unknown database: Odoo answers an HTML 404.
    let err = client(odoo.config_json2().db("no_such_db"))
        .search_count("res.partner", &Domain::new())
        .await
        .expect_err("unknown database");
    assert!(is_not_found(&err, Missing::Endpoint), "{err:?}");

    let demo_json2 = client(odoo.config_json2().api_key(odoo.demo_api_key()));
    let demo_xmlrpc = client(
        odoo.config_xmlrpc()
            .user("demo")
            .api_key(odoo.demo_api_key()),
    );
    for (transport, client) in [("json2", demo_json2), ("xmlrpc", demo_xmlrpc)] {
        let err = client
            .write("res.company", &[1], &vals(json!({"name": "nope"})))
            .await
            .expect_err("demo may not write companies");
        assert!(
            matches!(err, Error::AccessDenied(_)),
            "{transport}: {err:?}"
        );
        let err = client
            .create("res.users", &[vals(json!({"login": "x", "name": "x"}))])
            .await
            .expect_err("demo may not create users");
        assert!(
            matches!(err, Error::AccessDenied(_)),
            "{transport}: {err:?}"
        );
        // Reads are fine for the demo user.
        assert_eq!(
            client
                .search_count("res.company", &Domain::new())
                .await
                .expect("demo reads"),
            3
        );
    }

    // A key revoked while a client is in use: the next call fails to authenticate.
    let [(_, json2), (_, xmlrpc)] = both(&odoo);
    json2
        .search_count("res.partner", &Domain::new())
        .await
        .expect("ok");
    xmlrpc
        .search_count("res.partner", &Domain::new())
        .await
        .expect("ok");
    odoo.revoke_api_key();
    for (transport, client) in [("json2", json2), ("xmlrpc", xmlrpc)] {
        let err = client
            .search_count("res.partner", &Domain::new())
            .await
            .expect_err("revoked");
        assert!(
            matches!(err, Error::Authentication(_)),
            "{transport}: {err:?}"
        );
    }
}

#[tokio::test]
async fn a_slow_odoo_times_out_within_the_configured_timeout() {
    let odoo = OdooDouble::start().await;
    odoo.set_fault(Some(Fault::Delay(Duration::from_secs(10))));
    for config in [odoo.config_json2(), odoo.config_xmlrpc()] {
        let client = client(config.timeout(Duration::from_millis(300)));
        let started = Instant::now();
        let err = client
            .search_count("res.partner", &Domain::new())
            .await
            .expect_err("timeout");
        assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
        assert!(err.is_transport());
        // Generous bound: it did not wait for the 10 s answer.
        assert!(started.elapsed() < Duration::from_secs(8));
    }
}

#[tokio::test]
async fn reads_are_retried_on_gateway_errors() {
    for status in [502, 503, 504] {
        let odoo = OdooDouble::start().await;
        for (transport, client) in both(&odoo) {
            // Authenticate XML-RPC first so only the read meets the fault.
            client
                .search_count("res.country", &Domain::new())
                .await
                .expect("warm up");
            odoo.clear_requests();
            odoo.set_fault(Some(Fault::FailTimes { status, times: 2 }));
            let count = client
                .search_count("res.partner", &Domain::new())
                .await
                .expect("third try succeeds");
            assert_eq!(count, 40, "{transport}");
            assert_eq!(calls(&odoo, "search_count"), 3, "{transport} {status}");

            // Failing on every try: three tries, then the error.
            odoo.clear_requests();
            odoo.set_fault(Some(Fault::Status(status)));
            let err = client
                .search_count("res.partner", &Domain::new())
                .await
                .expect_err("still failing");
            assert!(
                matches!(&err, Error::Unreachable { url, .. } if *url == odoo.url()),
                "{transport}: the error names the server: {err:?}"
            );
            assert_eq!(calls(&odoo, "search_count"), 3, "{transport} {status}");
            odoo.set_fault(None);
        }
    }
}

#[tokio::test]
async fn writes_are_never_retried() {
    let odoo = OdooDouble::start().await;
    for (transport, client) in both(&odoo) {
        client
            .search_count("res.country", &Domain::new())
            .await
            .expect("warm up");
        for fault in [
            Fault::FailTimes {
                status: 503,
                times: 1,
            },
            Fault::Drop,
        ] {
            odoo.clear_requests();
            odoo.set_fault(Some(fault.clone()));
            let err = client
                .create("res.partner", &[vals(json!({"name": "once"}))])
                .await
                .expect_err("write meets the fault");
            assert!(err.is_transport(), "{transport} {fault:?}: {err:?}");
            assert_eq!(calls(&odoo, "create"), 1, "{transport} {fault:?}");
            odoo.clear_requests();
            odoo.set_fault(Some(fault.clone()));
            let err = client
                .write("res.partner", &[1], &vals(json!({"phone": "1"})))
                .await
                .expect_err("write meets the fault");
            assert!(err.is_transport(), "{transport} {fault:?}: {err:?}");
            assert_eq!(calls(&odoo, "write"), 1, "{transport} {fault:?}");
            odoo.set_fault(None);
        }
    }
    // Nothing was created behind the client's back.
    assert_eq!(odoo.records("res.partner").len(), 40);
}

#[tokio::test]
async fn garbage_answers_are_unexpected_responses() {
    let odoo = OdooDouble::start().await;
    for (transport, client) in both(&odoo) {
        client
            .search_count("res.country", &Domain::new())
            .await
            .expect("warm up");
        for fault in [Fault::Html, Fault::Truncated] {
            odoo.set_fault(Some(fault.clone()));
            let err = client
                .search_read(
                    "res.partner",
                    &Domain::new(),
                    &SearchOptions::new().limit(2),
                )
                .await
                .expect_err("garbage");
            assert!(
                matches!(err, Error::UnexpectedResponse { .. } | Error::Decode { .. }),
                "{transport} {fault:?}: {err:?}"
            );
            odoo.set_fault(None);
        }
    }
}

#[tokio::test]
async fn dropped_connections_and_a_dead_server_are_unreachable() {
    let odoo = OdooDouble::start().await;
    odoo.set_fault(Some(Fault::Drop));
    for (transport, client) in both(&odoo) {
        odoo.clear_requests();
        let err = client
            .search_count("res.partner", &Domain::new())
            .await
            .expect_err("dropped");
        assert!(
            matches!(err, Error::Unreachable { .. }),
            "{transport}: {err:?}"
        );
        // A read: retried, three tries in all.
        assert_eq!(odoo.request_count(), 3, "{transport}");
    }

    // Nothing listens on a port that was just released.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    drop(listener);
    let configs = [
        Config::new(&url)
            .db("lab")
            .api_key("k")
            .api_version(ApiVersion::Json2),
        Config::new(&url)
            .db("lab")
            .user("admin")
            .api_key("k")
            .api_version(ApiVersion::XmlRpc),
        Config::new(&url).db("lab").user("admin").api_key("k"),
    ];
    for config in configs {
        let err = client(config)
            .search_count("res.partner", &Domain::new())
            .await
            .expect_err("nobody listens");
        assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
        assert!(err.to_string().contains(&url), "{err}");
    }
}

/// The `context` of each model call the double received (not `/web/version`).
fn model_call_contexts(odoo: &OdooDouble) -> Vec<Value> {
    odoo.requests()
        .iter()
        .zip(odoo.request_contexts())
        .filter(|((kind, _, _), _)| kind == "json2" || kind == "xmlrpc")
        .map(|(_, context)| context)
        .collect()
}

#[tokio::test]
async fn lang_from_the_config_reaches_the_context() {
    let odoo = OdooDouble::start().await;
    for config in [odoo.config_json2(), odoo.config_xmlrpc()] {
        odoo.clear_requests();
        let client = client(config.lang("fr_FR"));
        client
            .search_read(
                "res.country",
                &Domain::new(),
                &SearchOptions::new().limit(1),
            )
            .await
            .expect("search_read");
        let options = SearchOptions::new()
            .limit(1)
            .context(vals(json!({"active_test": false})));
        client
            .search("res.partner", &Domain::new(), &options)
            .await
            .expect("search");
        let contexts = model_call_contexts(&odoo);
        assert_eq!(
            contexts,
            [
                json!({"lang": "fr_FR"}),
                json!({"lang": "fr_FR", "active_test": false})
            ]
        );
    }
}

#[tokio::test]
async fn allowed_companies_reach_the_context_and_in_company_overrides_them() {
    let odoo = OdooDouble::start().await;
    for config in [odoo.config_json2(), odoo.config_xmlrpc()] {
        odoo.clear_requests();
        let client = client(config.allowed_companies([2, 1]));
        let one = SearchOptions::new().limit(1);
        client
            .search("res.partner", &Domain::new(), &one)
            .await
            .expect("search");
        client
            .in_company(1)
            .search("res.partner", &Domain::new(), &one)
            .await
            .expect("search in company 1");
        let contexts = model_call_contexts(&odoo);
        assert_eq!(
            contexts,
            [
                json!({"allowed_company_ids": [2, 1]}),
                json!({"allowed_company_ids": [1]})
            ]
        );
    }
}

#[tokio::test]
async fn the_api_key_never_shows() {
    let odoo = OdooDouble::start().await;
    let secret = "sekrit-key-0123456789abcdef";
    let mut shown = Vec::new();
    let mut errors = Vec::new();

    for config in [
        odoo.config_json2().api_key(secret),
        odoo.config_xmlrpc().api_key(secret),
        odoo.config_auto().api_key(secret),
        odoo.config_xmlrpc().api_key(secret).password(secret),
    ] {
        shown.push(format!("{config:?}"));
        let client = client(config.timeout(Duration::from_millis(300)));
        shown.push(format!("{client:?}"));
        // Refused key.
        errors.push(
            client
                .search_count("res.partner", &Domain::new())
                .await
                .expect_err("bad key"),
        );
    }
    // Every other failure, with the real key in use.
    let real = odoo.api_key();
    for config in [odoo.config_json2(), odoo.config_xmlrpc()] {
        let client = client(config.timeout(Duration::from_millis(300)));
        shown.push(format!("{client:?}"));
        errors.push(
            client
                .call("res.partner", "_private", vec![json!([1])], Map::new())
                .await
                .expect_err("private"),
        );
        errors.push(
            client
                .create("res.partner", &[vals(json!({"email": "x"}))])
                .await
                .expect_err("validation"),
        );
        errors.push(
            client
                .write("res.partner", &[999_999], &vals(json!({"name": "x"})))
                .await
                .expect_err("missing"),
        );
        for fault in [
            Fault::Html,
            Fault::Truncated,
            Fault::Status(503),
            Fault::Status(500),
            Fault::Drop,
            Fault::Delay(Duration::from_secs(5)),
        ] {
            odoo.set_fault(Some(fault));
            errors.push(
                client
                    .search_count("res.partner", &Domain::new())
                    .await
                    .expect_err("fault"),
            );
            odoo.set_fault(None);
        }
    }
    odoo.revoke_api_key();
    errors.push(
        client(odoo.config_json2())
            .search_count("res.partner", &Domain::new())
            .await
            .expect_err("revoked"),
    );
    for error in &errors {
        shown.push(error.to_string());
        shown.push(format!("{error:?}"));
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            shown.push(cause.to_string());
            source = cause.source();
        }
    }
    assert!(errors.len() >= 20);
    for text in &shown {
        assert!(!text.contains(secret), "the key leaked: {text}");
        assert!(!text.contains(real), "the key leaked: {text}");
    }
}
