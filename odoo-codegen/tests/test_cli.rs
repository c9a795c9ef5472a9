//! The `odoo-codegen` binary: a fresh run changes nothing, `--check` reports
//! drift, and every failure (unknown model, unreachable Odoo, bad key) exits
//! non-zero with a clear message and leaves the output untouched. Live
//! introspection runs against a small JSON/2 stand-in serving the real Odoo 19
//! metadata, counting the requests.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

const API_KEY: &str = "secret-api-key-0123456789";

fn codegen(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_odoo-codegen"));
    cmd.args(args);
    for var in [
        "ODOO_URL",
        "ODOO_DB",
        "ODOO_USER",
        "ODOO_API_KEY",
        "ODOO_PASSWORD",
        "ODOO_API_VERSION",
        "ODOO_RPC_TRANSPORT",
        "CARGO_MANIFEST_DIR",
    ] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The root `odoo-codegen.toml`, which the checked-in output was made with.
fn root_config() -> String {
    common::workspace()
        .join("odoo-codegen.toml")
        .display()
        .to_string()
}

#[test]
fn a_fresh_run_from_the_snapshot_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    let before = common::contents(&out);
    let config = root_config();
    let run = codegen(&["--out", out.to_str().unwrap(), "--config", &config], &[]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(common::contents(&out), before, "files or mtimes changed");

    // The checked-in tree itself is up to date (`--check` writes nothing).
    let check = codegen(
        &[
            "--check",
            "--out",
            common::generated_dir().to_str().unwrap(),
            "--config",
            &config,
        ],
        &[],
    );
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn check_reports_drift_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    std::fs::write(out.join("src/res_country.rs"), "// edited by hand\n").unwrap();
    std::fs::write(out.join("src/stale.rs"), "").unwrap();
    let before = common::contents(&out);
    let config = root_config();
    let run = codegen(
        &[
            "--check",
            "--out",
            out.to_str().unwrap(),
            "--config",
            &config,
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(err.contains("res_country.rs: would change"), "{err}");
    assert!(err.contains("stale.rs: would be removed"), "{err}");
    assert_eq!(common::contents(&out), before);

    // Without --check the same run repairs the tree.
    let fix = codegen(&["--out", out.to_str().unwrap(), "--config", &config], &[]);
    assert!(fix.status.success(), "{}", stderr(&fix));
    assert!(!out.join("src/stale.rs").exists());
    assert_eq!(
        std::fs::read(out.join("src/res_country.rs")).unwrap(),
        std::fs::read(common::generated_dir().join("src/res_country.rs")).unwrap()
    );
}

#[test]
fn an_unknown_configured_model_fails_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    let before = common::contents(&out);
    let config = dir.path().join("codegen.toml");
    std::fs::write(
        &config,
        "include = [\"res.partner\", \"res.partnr.bank\"]\n",
    )
    .unwrap();
    let run = codegen(
        &[
            "--out",
            out.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("\"res.partnr.bank\" is configured but does not exist"),
        "{err}"
    );
    assert_eq!(common::contents(&out), before);
}

#[test]
fn an_unreachable_odoo_fails_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    let before = common::contents(&out);
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let run = codegen(
        &["--out", out.to_str().unwrap()],
        &[
            ("ODOO_URL", &url),
            ("ODOO_API_KEY", API_KEY),
            ("ODOO_API_VERSION", "json2"),
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(err.contains("unreachable"), "{err}");
    assert!(!err.contains(API_KEY));
    assert_eq!(common::contents(&out), before);
}

/// A JSON/2 stand-in: `fields_get` and `search_read` on the three metadata models,
/// answered from the fixtures; or 401 for every call when `reject` is set.
struct FakeOdoo {
    url: String,
    requests: Arc<AtomicUsize>,
}

fn rows(file: &str) -> Vec<Value> {
    odoo_tests::fixture(file)
}

/// Evaluates the domains odoo-codegen sends: `[]`, `[[key, "in", ids]]`, and
/// `["|", [key, "in", ids], ["ttype", "in", types]]`.
fn answer(path: &str, body: &Value, data: &[(String, Vec<Value>)]) -> Value {
    let (model, method) = path
        .trim_start_matches("/json/2/")
        .rsplit_once('/')
        .unwrap();
    let (_, table) = data.iter().find(|(m, _)| m == model).unwrap();
    // `fields_get`: the columns the captured rows have.
    if method == "fields_get" {
        let columns: serde_json::Map<String, Value> = table
            .iter()
            .flat_map(|row| row.as_object().unwrap().keys())
            .map(|k| (k.clone(), json!({"type": "char"})))
            .collect();
        return Value::Object(columns);
    }
    let domain = body["domain"].as_array().unwrap();
    let conditions: Vec<&Value> = domain.iter().filter(|c| c.is_array()).collect();
    let matches = |row: &Value, cond: &Value| {
        let field = cond[0].as_str().unwrap();
        let value = match &row[field] {
            Value::Array(pair) => pair[0].clone(),
            other => other.clone(),
        };
        cond[2].as_array().unwrap().contains(&value)
    };
    Value::Array(
        table
            .iter()
            .filter(|row| conditions.is_empty() || conditions.iter().any(|c| matches(row, c)))
            .cloned()
            .collect(),
    )
}

fn fake_odoo(reject: bool) -> FakeOdoo {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let data = vec![
        ("ir.model".to_string(), rows("ir_model.json")),
        ("ir.model.fields".to_string(), rows("ir_model_fields.json")),
        (
            "ir.model.fields.selection".to_string(),
            rows("ir_model_fields_selection.json"),
        ),
    ];
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut length = 0;
            let mut auth = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let (name, value) = line.split_once(':').unwrap_or((line, ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap(),
                    "authorization" => auth = value.trim().to_string(),
                    _ => {}
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
            let path = request_line.split(' ').nth(1).unwrap_or("").to_string();
            let (status, payload) = if reject || auth != format!("bearer {API_KEY}") {
                (
                    "401 UNAUTHORIZED",
                    json!({"name": "werkzeug.exceptions.Unauthorized",
                           "message": "Invalid apikey", "arguments": ["Invalid apikey", 401],
                           "context": {}, "debug": ""}),
                )
            } else {
                let body: Value = serde_json::from_slice(&body).unwrap();
                ("200 OK", answer(&path, &body, &data))
            };
            let payload = payload.to_string();
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
                payload.len()
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    FakeOdoo { url, requests }
}

#[test]
fn introspection_takes_five_requests_and_matches_the_fixture_import() {
    let odoo = fake_odoo(false);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let config = root_config();
    let run = codegen(
        &["--out", out.to_str().unwrap(), "--config", &config],
        &[
            ("ODOO_URL", &odoo.url),
            ("ODOO_API_KEY", API_KEY),
            ("ODOO_API_VERSION", "json2"),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    // fields_get of ir.model and ir.model.fields (which columns this version has),
    // then three batched search_read.
    assert_eq!(odoo.requests.load(Ordering::SeqCst), 5, "batched requests");
    assert!(!stderr(&run).contains(API_KEY));
    // Same code as the checked-in one, which came from the fixture import. The
    // live snapshot differs only in `readable` (no fields_get), which no curated
    // field depends on except res.users' totp_last_counter.
    for file in ["res_partner.rs", "sale_order.rs", "lib.rs"] {
        assert_eq!(
            std::fs::read_to_string(out.join("src").join(file)).unwrap(),
            std::fs::read_to_string(common::generated_dir().join("src").join(file)).unwrap(),
            "{file}"
        );
    }
}

/// `--from-fixtures` reads the captures (gzipped in this repository), and their
/// import is exactly the checked-in code and snapshot.
#[test]
fn the_checked_in_output_is_the_import_of_the_captured_fixtures() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    let before = common::contents(&out);
    let fixtures = odoo_tests::fixtures_dir();
    let config = root_config();
    let run = codegen(
        &[
            "--from-fixtures",
            fixtures.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--config",
            &config,
            "--check",
        ],
        &[],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(common::contents(&out), before);
}

#[test]
fn a_bad_api_key_fails_clearly_and_touches_nothing() {
    let odoo = fake_odoo(true);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    let before = common::contents(&out);
    let run = codegen(
        &["--out", out.to_str().unwrap()],
        &[
            ("ODOO_URL", &odoo.url),
            ("ODOO_API_KEY", API_KEY),
            ("ODOO_API_VERSION", "json2"),
        ],
    );
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(err.contains("authentication failed"), "{err}");
    assert!(!err.contains(API_KEY));
    assert_eq!(common::contents(&out), before);
}
