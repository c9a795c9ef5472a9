//! Fuzzing the two response decoders with Odoo's real answers (every recorded JSON/2 and XML-RPC
//! exchange) and mutations of them: truncation, byte flips, spliced junk, other statuses and
//! content types, and deep nesting. A decoder must never panic, must map every answer to a value
//! or a typed error, and must keep its error text bounded.
//!
//! Cases per property: 256 by default; `ODOO_FUZZ_RUNS=100000` for a long session.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::Value;

use super::http::Reply;
use super::json2::decode_reply;
use super::xmlrpc::decode_response;
use crate::error::Error;
use crate::test_fixtures::exchanges;

fn config() -> Config {
    let cases = std::env::var("ODOO_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

/// `(status, content type, body)` of every recorded JSON/2 answer.
fn json2_bodies() -> Vec<(u16, String, Vec<u8>)> {
    exchanges("json2_exchanges.json")
        .iter()
        .map(|e| {
            let r = &e["response"];
            let body = match (&r["body"], r.get("body_is_json")) {
                (Value::String(s), Some(Value::Bool(false))) => s.clone().into_bytes(),
                (body, _) => serde_json::to_vec(body).unwrap_or_default(),
            };
            let status = r["status"].as_u64().unwrap_or(200) as u16;
            let content_type = r["headers"]["Content-Type"]
                .as_str()
                .unwrap_or("")
                .to_string();
            (status, content_type, body)
        })
        .collect()
}

fn xmlrpc_bodies() -> Vec<String> {
    exchanges("xmlrpc_exchanges.json")
        .iter()
        .filter_map(|e| e["response"]["body"].as_str().map(str::to_string))
        .collect()
}

/// One way to damage a body.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(Index),
    Flip(Index, u8),
    Splice(Index, Vec<u8>),
    Remove(Index, Index),
    /// Wrap the whole body in `n` levels of the format's nesting.
    Nest(usize),
}

const SPLICES: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "\"",
    "\\",
    ",",
    ":",
    "null",
    "1e999999",
    "-0",
    "\u{0}",
    "\u{feff}",
    "<",
    ">",
    "</value>",
    "<value>",
    "<array><data>",
    "<struct><member><name>x</name>",
    "<int>99999999999999999999</int>",
    "<i8>-9223372036854775808</i8>",
    "<double>NaN</double>",
    "<double>1e400</double>",
    "<base64>!!!</base64>",
    "<dateTime.iso8601>99999999T99:99:99</dateTime.iso8601>",
    "<nil/>",
    "&amp;",
    "&#0;",
    "&bogus;",
    "<![CDATA[",
    "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
    "<fault>",
    "<faultCode>",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::Truncate),
        3 => (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        3 => (
            any::<Index>(),
            prop_oneof![
                prop::sample::select(SPLICES).prop_map(|s| s.as_bytes().to_vec()),
                prop::collection::vec(any::<u8>(), 0..8),
            ],
        )
            .prop_map(|(i, b)| Mutation::Splice(i, b)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Remove(a, b)),
        1 => (1usize..300).prop_map(Mutation::Nest),
    ]
}

fn apply(body: &mut Vec<u8>, mutation: &Mutation, xml: bool) {
    match mutation {
        Mutation::Truncate(i) => body.truncate(i.index(body.len() + 1)),
        Mutation::Flip(i, b) if !body.is_empty() => {
            let at = i.index(body.len());
            body[at] ^= b | 1;
        }
        Mutation::Flip(..) => {}
        Mutation::Splice(i, bytes) => {
            let at = i.index(body.len() + 1);
            body.splice(at..at, bytes.iter().copied());
        }
        Mutation::Remove(a, b) if !body.is_empty() => {
            let (a, b) = (a.index(body.len()), b.index(body.len()));
            body.drain(a.min(b)..a.max(b));
        }
        Mutation::Remove(..) => {}
        Mutation::Nest(n) => {
            let (open, close): (&[u8], &[u8]) = if xml {
                (b"<value><array><data>", b"</data></array></value>")
            } else {
                (b"[", b"]")
            };
            let mut nested = open.repeat(*n);
            nested.append(body);
            nested.extend(close.repeat(*n));
            *body = nested;
        }
    }
}

/// Bounds every error must keep, whatever the body.
fn check_error(error: &Error, body_len: usize) -> Result<(), TestCaseError> {
    let text = error.to_string();
    prop_assert!(!text.is_empty());
    // Odoo's own message passes through whole; anything else is an excerpt.
    let bound = match error.fault() {
        Some(_) => body_len + 512,
        None => 1_024,
    };
    prop_assert!(text.len() <= bound, "{} bytes: {}", text.len(), text);
    Ok(())
}

fn decode_json2(status: u16, content_type: &str, body: Vec<u8>) -> Result<Value, Error> {
    decode_reply(Reply {
        status: reqwest::StatusCode::from_u16(status).unwrap_or(reqwest::StatusCode::OK),
        content_type: content_type.to_string(),
        body: body.into(),
    })
}

/// The status Odoo sent, or another one a proxy might.
fn status(recorded: u16) -> impl Strategy<Value = u16> {
    prop_oneof![
        4 => Just(recorded),
        1 => prop::sample::select(vec![200u16, 204, 301, 400, 401, 403, 404, 413, 422, 429, 500, 502, 503, 504]),
        1 => 100u16..1000,
    ]
}

fn content_type(recorded: String) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(recorded),
        1 => prop::sample::select(vec![
            "application/json",
            "application/json; charset=utf-8",
            "application/jsonx",
            "text/html",
            "text/xml",
            "",
        ])
        .prop_map(str::to_string),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn json2_real_answers_mutated_never_panic(
        (status, content_type, body) in prop::sample::select(json2_bodies())
            .prop_flat_map(|(s, ct, b)| (status(s), content_type(ct), Just(b))),
        mutations in prop::collection::vec(mutation(), 0..4),
    ) {
        let mut body = body;
        for m in &mutations {
            apply(&mut body, m, false);
        }
        let len = body.len();
        match decode_json2(status, &content_type, body) {
            // Only a 2xx JSON answer is a value.
            Ok(_) => prop_assert!((200..300).contains(&status)),
            Err(e) => check_error(&e, len)?,
        }
    }

    #[test]
    fn xmlrpc_real_answers_mutated_never_panic(
        body in prop::sample::select(xmlrpc_bodies()),
        status in status(200),
        mutations in prop::collection::vec(mutation(), 0..4),
    ) {
        let mut body = body.into_bytes();
        for m in &mutations {
            apply(&mut body, m, true);
        }
        // The transport refuses non-UTF-8 before decoding; the decoder sees text only.
        let text = String::from_utf8_lossy(&body);
        if let Err(e) = decode_response(status, &text) {
            check_error(&e, text.len())?;
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(
        body in prop::collection::vec(any::<u8>(), 0..512),
        status in 100u16..1000,
        json in any::<bool>(),
    ) {
        let content_type = if json { "application/json" } else { "text/html" };
        if let Err(e) = decode_json2(status, content_type, body.clone()) {
            check_error(&e, body.len())?;
        }
        let text = String::from_utf8_lossy(&body);
        if let Err(e) = decode_response(status, &text) {
            check_error(&e, text.len())?;
        }
    }
}

/// Runs `f` on a thread with a small stack, as a Tokio worker has (2 MiB): a decoder that
/// recursed once per nesting level would overflow here.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("decoder panicked or overflowed")
}

#[test]
fn json2_deep_nesting_is_refused_not_overflowed() {
    on_small_stack(|| {
        for depth in [127usize, 128, 129, 10_000, 1_000_000] {
            let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            let outcome = decode_json2(200, "application/json", body.into_bytes());
            // serde_json stops at 128 levels: beyond, the answer is unexpected, never a crash.
            if depth > 127 {
                let err = outcome.expect_err("too deep");
                assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
            }
        }
    });
}

#[test]
fn xmlrpc_deep_nesting_is_refused_not_overflowed() {
    on_small_stack(|| {
        for depth in [10usize, 100, 1_000, 10_000, 100_000] {
            let body = format!(
                "<?xml version=\"1.0\"?><methodResponse><params><param>{}<value><int>1</int></value>{}</param></params></methodResponse>",
                "<value><array><data>".repeat(depth),
                "</data></array></value>".repeat(depth),
            );
            match decode_response(200, &body) {
                Ok(value) => {
                    // Drop the nested value here, on this small stack, too.
                    drop(value);
                }
                Err(e) => assert!(e.to_string().len() < 1_024, "{e}"),
            }
        }
    });
}

#[test]
fn xmlrpc_deep_struct_nesting_is_refused_not_overflowed() {
    on_small_stack(|| {
        let depth = 100_000;
        let body = format!(
            "<?xml version=\"1.0\"?><methodResponse><params><param>{}<value><int>1</int></value>{}</param></params></methodResponse>",
            "<value><struct><member><name>a</name>".repeat(depth),
            "</member></struct></value>".repeat(depth),
        );
        if let Err(e) = decode_response(200, &body) {
            assert!(e.to_string().len() < 1_024, "{e}");
        }
    });
}

#[test]
fn huge_fault_text_stays_an_error() {
    let message = "x".repeat(5 << 20);
    let body = serde_json::json!({"name": "odoo.exceptions.UserError", "message": message});
    let err = decode_json2(
        422,
        "application/json",
        serde_json::to_vec(&body).unwrap_or_default(),
    )
    .expect_err("a 422");
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    let html = format!("<html>{}</html>", "y".repeat(5 << 20));
    let err = decode_json2(502, "text/html", html.clone().into_bytes()).expect_err("a 502");
    assert!(err.to_string().len() < 1_024);
    let err = decode_response(200, &html).expect_err("not XML-RPC");
    assert!(err.to_string().len() < 1_024);
}
