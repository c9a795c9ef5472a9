//! The derive input, reduced to what OdooModel needs: a struct with named fields
//! and their attributes.

use syn::{Data, DeriveInput, Fields, Generics, Ident, Type};

use crate::attr::{FieldAttrs, StructAttrs, parse_field_attrs, parse_struct_attrs};
use crate::errors::Errors;

pub(crate) struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub attrs: StructAttrs,
    /// `None` when the input is not a struct with named fields (already reported).
    pub fields: Option<Vec<Field<'a>>>,
}

pub(crate) struct Field<'a> {
    pub ident: &'a Ident,
    pub ty: &'a Type,
    pub attrs: FieldAttrs,
}

const EXAMPLE: &str =
    "e.g. `#[odoo(model = \"res.partner\")] struct Partner { id: i64, name: String }`";

impl<'a> Input<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Self {
        let attrs = parse_struct_attrs(&input.attrs, errors);
        let ident = &input.ident;
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => Some(
                    named
                        .named
                        .iter()
                        .filter_map(|field| {
                            let attrs = parse_field_attrs(&field.attrs, errors);
                            field.ident.as_ref().map(|ident| Field {
                                ident,
                                ty: &field.ty,
                                attrs,
                            })
                        })
                        .collect(),
                ),
                Fields::Unnamed(unnamed) => {
                    errors.push(syn::Error::new_spanned(
                        unnamed,
                        format!(
                            "`OdooModel` needs named fields, one per Odoo field; \
                             tuple struct `{ident}` has none: {EXAMPLE}"
                        ),
                    ));
                    None
                }
                Fields::Unit => {
                    errors.push(syn::Error::new_spanned(
                        ident,
                        format!(
                            "`OdooModel` needs named fields, one per Odoo field; \
                             unit struct `{ident}` has none: {EXAMPLE}"
                        ),
                    ));
                    None
                }
            },
            Data::Enum(data) => {
                errors.push(syn::Error::new(
                    data.enum_token.span,
                    "`OdooModel` works on structs with named fields, not enums; \
                     for a selection field, derive serde's `Deserialize` on the enum \
                     and use it as a field type of the model struct",
                ));
                None
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span,
                    format!(
                        "`OdooModel` works on structs with named fields, not unions: {EXAMPLE}"
                    ),
                ));
                None
            }
        };
        Input {
            ident,
            generics: &input.generics,
            attrs,
            fields,
        }
    }
}
