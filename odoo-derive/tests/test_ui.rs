//! Compile tests of `#[derive(OdooModel)]`: the happy path builds and runs, every
//! refused input fails with the message and span recorded in its `.stderr`.
//!
//! Regenerate snapshots after an intended message change with
//! `TRYBUILD=overwrite cargo test -p odoo-derive --test test_ui`, then review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
