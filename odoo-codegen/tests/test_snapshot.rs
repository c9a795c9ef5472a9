//! The checked-in `generated/` is exactly what odoo-codegen makes of
//! `generated/schema.json` with the root `odoo-codegen.toml`.
//!
//! On drift the test fails with a diff. `UPDATE_GENERATED=1 cargo test -p
//! odoo-codegen --test test_snapshot` accepts the new output by writing it.

mod common;

use odoo_codegen::config::CodegenConfig;
use odoo_codegen::snapshot::Snapshot;
use odoo_codegen::write::{self, Drift};

fn unified(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("checked-in {path}"),
            &format!("regenerated {path}"),
        )
        .to_string()
}

#[test]
fn generated_code_matches_the_snapshot() {
    let root = common::workspace();
    let out = common::generated_dir();
    let schema_path = out.join("schema.json");
    let snapshot = Snapshot::load(&schema_path).unwrap();
    let config = CodegenConfig::load(&root.join("odoo-codegen.toml"), true).unwrap();
    let output = odoo_codegen::generate(&snapshot, &config, "generated/schema.json").unwrap();

    if std::env::var_os("UPDATE_GENERATED").is_some() {
        let written = write::write(&out, &output).unwrap();
        eprintln!("UPDATE_GENERATED: {} file(s) written", written.len());
        return;
    }
    let drift = write::diff(&out, &output).unwrap();
    if drift.is_empty() {
        return;
    }
    let mut report = String::new();
    for d in &drift {
        match d {
            Drift::Added(p) => report.push_str(&format!("+ {p} would be added\n")),
            Drift::Removed(p) => report.push_str(&format!("- {p} would be removed\n")),
            Drift::Changed { path, old, new } => report.push_str(&unified(path, old, new)),
        }
    }
    // Keep the failure readable: the first lines tell what changed.
    let shown: String = report.lines().take(400).collect::<Vec<_>>().join("\n");
    panic!(
        "generated/ is out of date with generated/schema.json ({} file(s)):\n{shown}\n\n\
         If the change is intended, accept it with:\n  UPDATE_GENERATED=1 cargo test -p odoo-codegen --test test_snapshot",
        drift.len()
    );
}

#[test]
fn the_snapshot_is_in_canonical_form() {
    let path = common::generated_dir().join("schema.json");
    let text = std::fs::read_to_string(&path).unwrap();
    let snapshot = Snapshot::from_json(&text, &path).unwrap();
    assert_eq!(
        snapshot.to_pretty_json(),
        text,
        "schema.json is not sorted/pretty"
    );
    assert_eq!(snapshot.models.len(), 13);
}
