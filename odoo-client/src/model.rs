//! The [`Model`] trait that `#[derive(OdooModel)]` and odoo-codegen implement.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A Rust type that mirrors records of one Odoo model.
///
/// `FIELDS` lists the exact Odoo field names to read, so a typed search asks Odoo
/// for those fields only.
pub trait Model: DeserializeOwned + Send + Sync + 'static {
    /// Technical model name, e.g. `res.partner`.
    const MODEL: &'static str;
    /// Odoo field names read into this type (after serde renames).
    const FIELDS: &'static [&'static str];
}

/// A model with typed payloads for `create` and `write`.
pub trait WritableModel: Model {
    /// Values for `create`: required fields are not optional.
    type Create: Serialize + Send + Sync;
    /// Values for `write`: every field optional, absent ones untouched.
    type Update: Serialize + Send + Sync;
}
