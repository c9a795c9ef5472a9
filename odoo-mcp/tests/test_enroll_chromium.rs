//! `ODOO_MCP_IDENTITY=oauth`'s enrollment page in a real headless Chromium
//! (Debian's `chromium`; the test fails without it: `scripts/test` installs
//! it), through the real OpenID provider's own sign-in form: the real binary
//! over streamable HTTP against the Odoo double. The browser types into the
//! forms and clicks their buttons as a person does; the server's public
//! address `http://odoo-mcp.test` reaches the test's server by Chromium's
//! host-resolver rules.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use common::oauth::*;
use common::*;
use odoo_tests::enrollment::{Journey, PersonBrowser};
use rmcp::model::CallToolRequestParams;
use serde_json::{Value, json};

/// demo's Odoo user on the double.
const DEMO_UID: i64 = 5;

/// The sale orders the double shows demo (Own Documents Only: demo's or nobody's).
fn demo_orders(setup: &Setup) -> BTreeSet<i64> {
    setup
        .double
        .records("sale.order")
        .iter()
        .filter(|o| match &o["user_id"] {
            Value::Bool(false) | Value::Null => true,
            user => user.get(0).unwrap_or(user).as_i64() == Some(DEMO_UID),
        })
        .filter_map(|o| o["id"].as_i64())
        .collect()
}

/// The ids a search_records of sale.order answers.
fn ids(result: &Value) -> BTreeSet<i64> {
    result["records"]
        .as_array()
        .expect("records")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect()
}

/// The server's pages kept working under their CSP: styled, nothing blocked.
fn assert_pages_work(journey: &Journey) {
    assert!(
        journey.violations().is_empty(),
        "{:?}",
        journey.violations()
    );
    assert!(journey.pages.iter().all(|p| p.styled), "{journey:?}");
}

#[tokio::test]
async fn url_elicitation_enrolls_through_the_providers_sign_in_in_chromium() {
    let setup = Setup::start().await;
    let key = setup.double.demo_api_key();
    let person = Arc::new(setup.chromium().await);
    let journeys: Arc<Mutex<Vec<Journey>>> = Arc::default();
    let (browser, seen) = (person.clone(), journeys.clone());
    let enroller = Enroller::new(Arc::new(move |url| {
        let (browser, seen) = (browser.clone(), seen.clone());
        Box::pin(async move {
            let journey = browser
                .enroll(&url, "demo", key)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            seen.lock().unwrap().push(journey);
        })
    }));
    let demo = setup.client("demo", enroller.clone()).await;

    // demo's first call asks by URL elicitation; Chromium enrolls; the call runs as demo.
    let orders = json!({"model": "sale.order", "fields": ["id"], "limit": 100});
    let result = search(&demo, orders.clone()).await;
    let urls = enroller.urls();
    assert_eq!(urls.len(), 1, "{urls:?}");
    let journey = journeys.lock().unwrap().pop().expect("a journey");
    let form = journey.key_form().expect("the key form was shown");
    assert!(form.text.contains("Signed in as demo"), "{form:?}");
    let end = journey.last();
    assert_eq!(end.title, "Connected", "{journey:?}");
    assert!(end.text.contains("acts in Odoo as demo"), "{end:?}");
    assert!(!end.text.contains(key), "the key is echoed");
    assert_pages_work(&journey);
    let expected = demo_orders(&setup);
    assert!(expected.len() < setup.double.records("sale.order").len());
    assert_eq!(ids(&ok(&result)), expected, "demo's own orders");

    // The same session keeps acting as demo, without asking again.
    let again = ok(&search(&demo, orders).await);
    assert_eq!(ids(&again), expected);
    assert_eq!(enroller.urls().len(), 1, "asked once");

    // The link is spent: a second use is refused with a page that says so.
    let spent = person
        .open(&urls[0])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(spent.title, "Link not valid", "{spent:?}");
    assert!(spent.text.contains("already used"), "{spent:?}");
    assert!(spent.violations.is_empty() && spent.styled, "{spent:?}");
    assert!(
        !setup.server.stderr.text().contains(key),
        "a key in the log"
    );
    // The client and its handler hold the browser too: end them, then close it.
    let _ = demo.cancel().await;
    drop(enroller);
    if let Ok(person) = Arc::try_unwrap(person) {
        person.close().await;
    }
}

async fn search<S: rmcp::Service<rmcp::RoleClient>>(
    client: &rmcp::service::RunningService<rmcp::RoleClient, S>,
    arguments: Value,
) -> rmcp::model::CallToolResult {
    client
        .call_tool(CallToolRequestParams::new("search_records").with_arguments(args(arguments)))
        .await
        .expect("tools/call")
}

/// Enrolls `link` in a new Chromium as demo with `key`; answers the last page.
async fn enrolled_with(setup: &Setup, link: &str, key: &str) -> Journey {
    let person: PersonBrowser = setup.chromium().await;
    let journey = person
        .enroll(link, "demo", key)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    person.close().await;
    assert_pages_work(&journey);
    assert!(journey.key_form().is_some(), "{journey:?}");
    journey
}

#[tokio::test]
async fn wrong_and_foreign_keys_are_refused_in_chromium_and_nothing_is_stored() {
    let setup = Setup::start().await;
    let demo = setup.client("demo", ()).await;

    // A key Odoo does not know: the page's error, nothing stored.
    let link = asked_to_enroll(&demo).await;
    let wrong = "not-a-key-0123456789";
    let end = enrolled_with(&setup, &link, wrong).await.last();
    assert_eq!(end.title, "Key not accepted", "{end:?}");
    assert!(end.text.contains("Odoo did not accept this key"), "{end:?}");
    assert!(!end.text.contains(wrong), "the key is echoed");
    let (_, listed) = setup.identity(&["list"]).await;
    assert!(!listed.contains("demo\t"), "{listed}");

    // demo signed in, but the key is admin's: refused, nothing stored.
    let link = asked_to_enroll(&demo).await;
    let admin_key = setup.double.api_key();
    let end = enrolled_with(&setup, &link, admin_key).await.last();
    assert_eq!(end.title, "Key not accepted", "{end:?}");
    assert!(
        end.text.contains("belongs to Odoo user \"admin\""),
        "{end:?}"
    );
    assert!(!end.text.contains(admin_key), "the key is echoed");
    let (_, listed) = setup.identity(&["list"]).await;
    assert!(!listed.contains("demo\t"), "{listed}");
    asked_to_enroll(&demo).await;
}
