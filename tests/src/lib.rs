//! Test support for the odoo-mcp workspace: an in-process Odoo 19 test double
//! ([`OdooDouble`]) seeded from the real captures in `../shared/fixtures/odoo19`.
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

pub mod double;
pub mod live;
pub mod oidc;

pub use double::{Fault, OdooDouble};

use std::path::PathBuf;

/// Absolute path of the Odoo 19 fixtures: `$ODOO_FIXTURES_DIR`, else
/// `../../shared/fixtures/odoo19` from this crate's manifest directory (`tests/`).
///
/// # Panics
/// When the folder does not exist (tests only), saying where it looked.
pub fn fixtures_dir() -> PathBuf {
    // `cargo test` also sets CARGO_MANIFEST_DIR at run time: prefer it, so a binary built
    // from another checkout sharing the target dir still finds this checkout's fixtures.
    let from_manifest = |manifest: PathBuf| manifest.join("../../shared/fixtures/odoo19");
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
