//! `#[derive(OdooModel)]` (being written).
use proc_macro::TokenStream;

#[proc_macro_derive(OdooModel, attributes(odoo))]
pub fn derive_odoo_model(_input: TokenStream) -> TokenStream {
    TokenStream::new()
}
