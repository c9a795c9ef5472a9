//! `#[derive(OdooModel)]`: implements `odoo_client::Model` (and optionally
//! `odoo_client::WritableModel`) for a struct that mirrors an Odoo model.
//!
//! Use it through `odoo_client::OdooModel`; the output names `::odoo_client` paths.
//!
//! ```
//! use odoo_client::{Model, OdooModel};
//!
//! #[derive(serde::Deserialize, OdooModel)]
//! #[odoo(model = "res.partner")]
//! struct Partner {
//!     id: i64,
//!     #[serde(rename = "name")]
//!     display: String,
//!     #[odoo(skip)]
//!     #[serde(default)]
//!     local_note: String,
//! }
//!
//! assert_eq!(Partner::MODEL, "res.partner");
//! assert_eq!(Partner::FIELDS, ["id", "name"]);
//! ```
//!
//! Attributes:
//! - struct: `#[odoo(model = "res.partner")]` (required), `#[odoo(create = T, update = U)]`
//!   (both or neither) to also implement `WritableModel`;
//! - field: `#[odoo(skip)]` leaves the field out of `FIELDS` (serde must be able to
//!   default it: `#[serde(default)]` or an `Option`);
//! - serde: `rename`, `rename_all`, `skip`, `skip_deserializing` are honoured; `flatten` is
//!   refused; `deny_unknown_fields` needs an `id` field, since Odoo always sends `id`.
//!
//! Stages: `ast` reads the input and its attributes, `valid` checks it and
//! computes the Odoo field names, `expand` emits the impls. Errors are collected
//! across stages so one compile shows them all.

mod ast;
mod attr;
mod case;
mod errors;
mod expand;
mod suggest;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

#[proc_macro_derive(OdooModel, attributes(odoo))]
pub fn derive_odoo_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
