//! The `odoo-codegen` binary: a fresh run changes nothing, `--check` reports
//! drift, and every failure (unknown model, unreachable Odoo, bad key) exits
//! non-zero with a clear message and leaves the output untouched. Live
//! introspection runs against the Odoo double (real Odoo 19 metadata), counting
//! the requests.

mod common;

use std::net::TcpListener;
use std::process::{Command, Output};

use odoo_tests::OdooDouble;

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

/// The Odoo double (real Odoo 19 metadata, answering as Odoo does), served from a
/// runtime of its own while the test runs the binary.
struct Double {
    odoo: OdooDouble,
    _runtime: tokio::runtime::Runtime,
}

fn double() -> Double {
    double_of(19)
}

fn double_of(major: u32) -> Double {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let odoo = runtime.block_on(OdooDouble::start_with_version(major));
    Double {
        odoo,
        _runtime: runtime,
    }
}

#[test]
fn introspection_batches_its_requests_and_matches_the_fixture_import() {
    let Double { odoo, .. } = &double();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let config = root_config();
    let run = codegen(
        &["--out", out.to_str().unwrap(), "--config", &config],
        &[
            ("ODOO_URL", &odoo.url()),
            ("ODOO_DB", odoo.db()),
            ("ODOO_API_KEY", odoo.api_key()),
            ("ODOO_API_VERSION", "json2"),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    // fields_get of ir.model and ir.model.fields (which columns this version has),
    // then three batched search_read, then per generated model what Odoo
    // computes (fields_get's depends) and defaults (default_get), then the
    // forms (get_views) for their buttons.
    let asked: Vec<(String, String)> = odoo
        .requests()
        .into_iter()
        .map(|(_, model, method)| (model, method))
        .collect();
    let mut expected: Vec<(String, String)> = [
        ("ir.model", "fields_get"),
        ("ir.model", "search_read"),
        ("ir.model.fields", "fields_get"),
        ("ir.model.fields", "search_read"),
        ("ir.model.fields.selection", "search_read"),
    ]
    .map(|(m, f)| (m.to_string(), f.to_string()))
    .into();
    for model in odoo_codegen::config::DEFAULT_MODELS
        .iter()
        .copied()
        .collect::<std::collections::BTreeSet<_>>()
    {
        for method in ["fields_get", "default_get"] {
            expected.push((model.to_string(), method.to_string()));
        }
    }
    let mut models: Vec<&str> = odoo_codegen::config::DEFAULT_MODELS.to_vec();
    models.sort();
    expected.extend(
        models
            .iter()
            .map(|m| (m.to_string(), "get_views".to_string())),
    );
    // Then each model's lists (the default one, the others found through
    // `ir.ui.view`) and its Action menu (`get_bindings`).
    expected.push((String::new(), "version".to_string()));
    let bound: serde_json::Map<String, serde_json::Value> = odoo_tests::fixture("bindings.json");
    for model in &models {
        for (m, method) in [
            (*model, "get_views"),
            ("ir.ui.view", "search"),
            ("ir.actions.actions", "get_bindings"),
        ] {
            expected.push((m.to_string(), method.to_string()));
        }
        if bound.contains_key(*model) {
            expected.push(("ir.actions.server".into(), "get_external_id".into()));
        }
    }
    assert_eq!(asked, expected, "batched requests");
    assert!(!stderr(&run).contains(odoo.api_key()));
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
    let Double { odoo, .. } = &double();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    common::copy_generated(&out);
    let before = common::contents(&out);
    let run = codegen(
        &["--out", out.to_str().unwrap()],
        &[
            ("ODOO_URL", &odoo.url()),
            ("ODOO_DB", odoo.db()),
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

/// Odoo 18 (over XML-RPC) has no `ir.model.abstract` and lacks fields 19 has: the
/// generator asks which columns exist and writes the instance's own schema.
#[test]
fn introspection_of_odoo_18_asks_which_columns_exist() {
    let Double { odoo, .. } = &double_of(18);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    let config = root_config();
    let run = codegen(
        &["--out", out.to_str().unwrap(), "--config", &config],
        &[
            ("ODOO_URL", &odoo.url()),
            ("ODOO_DB", odoo.db()),
            ("ODOO_USER", odoo.login()),
            ("ODOO_API_KEY", odoo.api_key()),
        ],
    );
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(
        odoo.requests()
            .iter()
            .all(|(kind, _, _)| kind.starts_with("xmlrpc") || kind == "web"),
        "auto picks XML-RPC below 19"
    );
    let partner = std::fs::read_to_string(out.join("src").join("res_partner.rs")).unwrap();
    assert!(partner.contains("pub struct ResPartner"));
    assert!(
        !partner.contains("group_on"),
        "18 has no res.partner.group_on"
    );
}
