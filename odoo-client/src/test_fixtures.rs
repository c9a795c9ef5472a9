//! Odoo's recorded answers, for the unit tests. `odoo_tests::fixtures_dir` finds
//! the captures for every other crate; this one cannot depend on odoo-tests (which
//! depends on it), and the two exchange files it reads are kept uncompressed.

use std::path::PathBuf;

use serde_json::Value;

/// The recorded request/response pairs of `file` (`json2_exchanges.json` or
/// `xmlrpc_exchanges.json`) in `$ODOO_FIXTURES_DIR`, else the repository's
/// `tests/fixtures/odoo19`.
pub(crate) fn exchanges(file: &str) -> Vec<Value> {
    let dir = std::env::var_os("ODOO_FIXTURES_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/odoo19"),
        PathBuf::from,
    );
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}
