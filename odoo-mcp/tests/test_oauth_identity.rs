//! `ODOO_MCP_IDENTITY=oauth`: the real binary over streamable HTTP, the real
//! OpenID provider of tests/oidc and the Odoo test double. Each OAuth subject
//! acts through the Odoo key it enrolled on the server's page, signing in on
//! the provider's own form (driven over HTTP by a cookie-keeping client).

mod common;

use std::sync::Arc;

use common::load::{self, visible_orders};
use common::oauth::*;
use common::*;
use odoo_tests::oidc::Browser;
use serde_json::json;

#[tokio::test]
async fn a_subject_enrolls_on_the_page_then_acts_as_its_odoo_user() {
    let setup = Setup::start().await;
    let demo = setup.client("demo", ()).await;
    // No URL elicitation declared: a tool error gives the address in words.
    let link = asked_to_enroll(&demo).await;
    let browser = setup.browser();
    let key = setup.double.demo_api_key();
    let shown = browser.enroll(&link, "demo", key).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(
        shown.body.contains("acts in Odoo as demo"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains(key), "the key is echoed");
    assert_eq!(order_count(&demo).await, 17, "demo's own orders");
    // A write is demo's, and its audit line names the subject and the Odoo user.
    let created = ok(&call(
        &demo,
        "create_record",
        json!({"model": "res.partner", "values": {"name": "enrolled demo's partner"}}),
    )
    .await);
    assert!(created["id"].as_i64().is_some(), "{created}");
    let mut line = String::new();
    for _ in 0..100 {
        line = std::fs::read_to_string(&setup.audit).unwrap_or_default();
        if !line.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let audit: serde_json::Value =
        serde_json::from_str(line.lines().next().expect("an audit line")).expect("JSON");
    assert_eq!(
        (audit["subject"].as_str(), audit["odoo_uid"].as_i64()),
        (Some("demo"), Some(5)),
        "{audit}"
    );
    assert_eq!(audit["odoo_login"], "demo");
    assert!(!line.contains(key));

    // The link is spent.
    let again = setup.browser().go(&link, None).await;
    assert_eq!(again.status, 410, "{}", again.body);

    // Operators see who enrolled, never the key; the file holds no key in clear.
    let (listed, text) = setup.identity(&["list"]).await;
    assert!(listed, "{text}");
    assert!(text.contains("demo\tdemo\t5\t"), "{text}");
    assert!(!text.contains(key), "{text}");
    let file = std::fs::read(&setup.store_file).expect("store file");
    assert!(!String::from_utf8_lossy(&file).contains(key));

    // Revoked: the next call asks for enrollment again.
    let (revoked, text) = setup.identity(&["revoke", "demo"]).await;
    assert!(revoked, "{text}");
    let (_, text) = setup.identity(&["revoke", "demo"]).await;
    assert!(text.contains("no stored key"), "{text}");
    asked_to_enroll(&demo).await;
    assert!(
        !setup.server.stderr.text().contains(key),
        "a key in the log"
    );
}

#[tokio::test]
async fn rotating_the_store_secret_keeps_every_key() {
    let setup = Setup::start().await;
    let demo = setup.client("demo", ()).await;
    let link = asked_to_enroll(&demo).await;
    let key = setup.double.demo_api_key();
    let shown = setup.browser().enroll(&link, "demo", key).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(order_count(&demo).await, 17);

    let (rotated, text) = setup.identity(&["rotate-secret"]).await;
    assert!(
        !rotated && text.contains("ODOO_MCP_KEY_STORE_NEW_SECRET"),
        "{text}"
    );
    let new_secret = "the-rotated-key-store-secret-9876543210";
    let with_new = [("ODOO_MCP_KEY_STORE_NEW_SECRET", new_secret)];
    let (rotated, text) = setup.identity_with(&with_new, &["rotate-secret"]).await;
    assert!(rotated && text.contains("1 keys sealed"), "{text}");
    let (listed, text) = setup.identity(&["list"]).await;
    assert!(!listed && text.contains("rotate-secret"), "{text}");
    let with_new = [("ODOO_MCP_KEY_STORE_SECRET", new_secret)];
    let (listed, text) = setup.identity_with(&with_new, &["list"]).await;
    assert!(listed && text.contains("demo\tdemo\t5\t"), "{text}");

    // The running server still holds the old secret: its calls fail without
    // dropping the key or showing the store to the caller; the log says why.
    let failed = demo
        .call_tool(
            rmcp::model::CallToolRequestParams::new("search_records")
                .with_arguments(args(json!({"model": "sale.order"}))),
        )
        .await
        .expect_err("no key can be opened");
    let message = failed.to_string();
    assert!(
        message.contains("operator's log") && !message.contains("sqlite"),
        "{message}"
    );
    assert!(setup.server.stderr.text().contains("rotated to one since"));
    let (listed, text) = setup.identity_with(&with_new, &["list"]).await;
    assert!(
        listed && text.contains("demo\tdemo\t5\t"),
        "the key was kept: {text}"
    );
}

#[tokio::test]
async fn links_and_keys_must_belong_to_the_signed_in_person() {
    let setup = Setup::start().await;
    let demo = setup.client("demo", ()).await;

    // demo's link, but admin signs in: refused, nothing stored.
    let link = asked_to_enroll(&demo).await;
    let shown = setup
        .browser()
        .enroll(&link, "admin", setup.double.api_key())
        .await;
    assert_eq!(shown.status, 403, "{}", shown.body);
    assert!(shown.body.contains("someone other"), "{}", shown.body);

    // demo signs in but gives admin's key: refused.
    let link = asked_to_enroll(&demo).await;
    let shown = setup
        .browser()
        .enroll(&link, "demo", setup.double.api_key())
        .await;
    assert_eq!(shown.status, 403, "{}", shown.body);
    assert!(
        shown
            .body
            .contains("belongs to Odoo user &quot;admin&quot;"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains(setup.double.api_key()));

    // A wrong key: Odoo refuses it.
    let link = asked_to_enroll(&demo).await;
    let shown = setup
        .browser()
        .enroll(&link, "demo", "not-a-key-0123456789")
        .await;
    assert_eq!(shown.status, 403, "{}", shown.body);
    assert!(
        shown.body.contains("Odoo did not accept this key"),
        "{}",
        shown.body
    );
    asked_to_enroll(&demo).await;

    // The key form needs the session and its CSRF token.
    let base = setup.server.url.trim_end_matches("/mcp").to_owned();
    let http = reqwest::Client::new();
    let forged = http
        .post(format!("{base}/enroll/key"))
        .form(&[("csrf", "x"), ("key", setup.double.demo_api_key())])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403);
    let unknown = setup
        .browser()
        .go(&format!("{PUBLIC_URL}/enroll?link=made-up"), None)
        .await;
    assert_eq!(unknown.status, 410);
}

/// A client that completes each URL elicitation's page over HTTP as `login` with `key`.
fn enroller(setup: &Setup, login: &'static str, key: &'static str) -> Enroller {
    let browser = Arc::new(setup.browser());
    Enroller::new(Arc::new(move |url| {
        let browser = browser.clone();
        Box::pin(async move {
            let shown = browser.enroll(&url, login, key).await;
            assert_eq!(shown.status, 200, "{}", shown.body);
        })
    }))
}

#[tokio::test]
async fn url_elicitation_enrolls_within_the_call() {
    let setup = Setup::start().await;
    let enroller = enroller(&setup, "admin", setup.double.api_key());
    let admin = setup.client("admin", enroller.clone()).await;
    // The first call asks by URL elicitation, then runs as admin: every order.
    assert_eq!(
        order_count(&admin).await,
        setup.double.records("sale.order").len()
    );
    let urls = enroller.urls();
    assert_eq!(urls.len(), 1, "{urls:?}");
    assert!(urls[0].starts_with(&format!("{PUBLIC_URL}/enroll?link=")));
    // Enrolled: no more questions.
    assert_eq!(
        order_count(&admin).await,
        setup.double.records("sale.order").len()
    );
    assert_eq!(enroller.urls().len(), 1);
}

#[tokio::test]
async fn a_key_odoo_later_refuses_is_dropped_and_enrollment_asked_again() {
    let setup = Setup::start().await;
    let admin = setup.client("admin", ()).await;
    let link = asked_to_enroll(&admin).await;
    let shown = setup
        .browser()
        .enroll(&link, "admin", setup.double.api_key())
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(
        order_count(&admin).await,
        setup.double.records("sale.order").len()
    );
    // The admin revokes the key in Odoo: the call that meets the refusal fails…
    setup.double.revoke_api_key();
    let refused = call(&admin, "search_records", json!({"model": "sale.order"})).await;
    assert!(
        err(&refused).contains("API key") || err(&refused).contains("Odoo"),
        "{}",
        text(&refused)
    );
    // …the key is gone from the store, and the next call asks for enrollment again.
    let (_, listed) = setup.identity(&["list"]).await;
    assert!(!listed.contains("admin\t"), "{listed}");
    asked_to_enroll(&admin).await;
}

/// 2026-07-28: the URL elicitation comes as an input request; the call, sent
/// again with the answer once the person enrolled, runs as them.
#[tokio::test]
async fn url_elicitation_as_a_2026_input_request() {
    let setup = Setup::start().await;
    let enroller = enroller(&setup, "demo", setup.double.demo_api_key());
    let demo = setup.client_2026("demo", enroller.clone()).await;
    assert_eq!(order_count(&demo).await, 17, "demo's own orders");
    assert_eq!(enroller.urls().len(), 1);
    assert_eq!(order_count(&demo).await, 17);
    assert_eq!(enroller.urls().len(), 1, "asked once");
}

/// Two replicas on one key store: a link one of them gave opens on the other,
/// and the key enrolled there serves the first.
#[tokio::test]
async fn enrollment_works_across_replicas() {
    let setup = Setup::start().await;
    let other = http_server(&setup.env).await;
    let demo = setup.client("demo", ()).await;
    let link = asked_to_enroll(&demo).await;
    let other_base = other.url.trim_end_matches("/mcp").to_owned();
    let browser = Browser::new(PUBLIC_URL, &other_base);
    let shown = browser
        .enroll(&link, "demo", setup.double.demo_api_key())
        .await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert_eq!(
        order_count(&demo).await,
        17,
        "the first replica acts as demo"
    );
    // A link spent on one replica is spent on the other.
    let again = setup.browser().go(&link, None).await;
    assert_eq!(again.status, 410, "{}", again.body);
}

/// The load in oauth mode: admin and demo enrolled, 20 clients at
/// once (each with its subject's token) alternating between them for 1,000
/// calls: no error, no answer holding an order its caller cannot read.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn load_twenty_clients_two_subjects_no_leak() {
    let setup = Setup::start().await;
    for (subject, key) in [
        ("admin", setup.double.api_key()),
        ("demo", setup.double.demo_api_key()),
    ] {
        let client = setup.client(subject, ()).await;
        let link = asked_to_enroll(&client).await;
        let shown = setup.browser().enroll(&link, subject, key).await;
        assert_eq!(shown.status, 200, "{}", shown.body);
        client.cancel().await.ok();
    }
    let admin = setup.provider.token_of("admin", PUBLIC_URL).await;
    let demo = setup.provider.token_of("demo", PUBLIC_URL).await;
    let people = (0..20)
        .map(|n| match n % 2 {
            1 => (format!("Bearer {demo}"), true),
            _ => (format!("Bearer {admin}"), false),
        })
        .collect();
    let demo_may_see = visible_orders(&setup.double, Some(load::DEMO_UID));
    let seen = load::load(&setup.server.url, people, &demo_may_see).await;
    assert_eq!((seen.calls, seen.errors, seen.leaks), (1000, 0, 0));
    eprintln!(
        "oauth load: {} calls, {} errors, {} leaks; mean {:.2} ms per call",
        seen.calls,
        seen.errors,
        seen.leaks,
        seen.per_call.as_secs_f64() * 1000.0
    );
    let logs = setup.server.stderr.text();
    for key in [setup.double.api_key(), setup.double.demo_api_key()] {
        assert_no_secret(&logs, key, "stderr");
    }
}
