//! Typed async client for Odoo over JSON/2 (Odoo 19+) and XML-RPC (Odoo 14-18).
//!
//! No MCP here: this crate is a plain Rust library.
//!
//! ```no_run
//! # async fn run() -> odoo_client::Result<()> {
//! use odoo_client::{Config, Domain, OdooClient, SearchOptions};
//! let client = OdooClient::new(Config::from_env()?)?;
//! let companies = client
//!     .search_read("res.partner", &Domain::new(), &SearchOptions::new().fields(["name"]).limit(5))
//!     .await?;
//! println!("{companies:?}");
//! # Ok(()) }
//! ```

// Lets `#[derive(OdooModel)]` output (which names `::odoo_client`) compile inside this crate too.
extern crate self as odoo_client;

pub mod client;
pub mod config;
pub mod domain;
pub mod error;
pub mod model;
pub mod registry;
pub mod suggest;
#[cfg(test)]
mod test_fixtures;
pub mod transport;
mod typed;
pub mod value;
pub mod views;
pub mod x2many;

pub use client::{OdooClient, Record, SearchOptions};
pub use config::{ApiVersion, Config, Secret};
pub use domain::{Domain, DomainError, Operator};
pub use error::{Error, Missing, OdooFault, Result};
pub use model::{Model, WritableModel};
pub use odoo_derive::OdooModel;
pub use transport::ServerVersion;
pub use typed::{ModelClient, Search};
pub use value::{Many2One, RecordId};
pub use x2many::X2Many;

/// Paths used by `#[derive(OdooModel)]` output, so that it compiles without the
/// user's crate naming serde. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use serde::de::DeserializeOwned;
}
