//! Test support for the odoo-mcp workspace: an in-process Odoo 19 test double
//! ([`OdooDouble`]) seeded from the real captures in `tests/fixtures/odoo19`.
//!
//! ```no_run
//! # async fn run() {
//! use odoo_tests::OdooDouble;
//! let odoo = OdooDouble::start().await;
//! let client = odoo_client::OdooClient::new(odoo.config_json2()).unwrap();
//! let count = client
//!     .search_count("res.partner", &odoo_client::Domain::new())
//!     .await
//!     .unwrap();
//! assert!(count > 0);
//! # }
//! ```

pub mod apps;
mod captured;
pub mod chromium;
pub mod double;
pub mod enrollment;
pub mod live;
pub mod oidc;

pub use captured::Captured;
pub use double::{Fault, OdooDouble};

use std::path::PathBuf;

use serde::de::DeserializeOwned;

/// Absolute path of the captured Odoo 19 data: `$ODOO_FIXTURES_DIR`, else this
/// repository's `tests/fixtures/odoo19`. Every test finds the data through here
/// (odoo-client's unit tests, which cannot depend on this crate, excepted).
///
/// # Panics
/// When the folder does not exist (tests only), saying where it looked.
pub fn fixtures_dir() -> PathBuf {
    // `cargo test` also sets CARGO_MANIFEST_DIR (of the crate under test, one level
    // below the root) at run time: prefer it, so a binary built from another checkout
    // sharing the target dir still finds this checkout's fixtures.
    let from_manifest = |manifest: PathBuf| manifest.join("../tests/fixtures/odoo19");
    let dir = std::env::var_os("ODOO_FIXTURES_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("CARGO_MANIFEST_DIR")
                .map(|m| from_manifest(PathBuf::from(m)))
                .filter(|d| d.is_dir())
        })
        .unwrap_or_else(|| from_manifest(PathBuf::from(env!("CARGO_MANIFEST_DIR"))));
    assert!(
        dir.join("records").is_dir(),
        "Odoo fixtures not found at {}: set ODOO_FIXTURES_DIR to the odoo19 fixtures folder",
        dir.display()
    );
    dir.canonicalize().unwrap_or(dir)
}

/// One captured file, parsed: `name` is relative to [`fixtures_dir`]
/// (`records/res.partner.json`), read plain or from `name.gz`.
///
/// # Panics
/// When the file is missing or not the JSON asked for (tests only).
pub fn fixture<T: DeserializeOwned>(name: &str) -> T {
    odoo_codegen::fixtures::read_json(&fixtures_dir(), name)
        .unwrap_or_else(|e| panic!("Odoo fixture: {e} (ODOO_FIXTURES_DIR overrides the folder)"))
}
