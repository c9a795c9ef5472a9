//! Emits `impl Model` (and `impl WritableModel`) from a validated model.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, Generics, parse_quote};

use crate::ast::Input;
use crate::errors::Errors;
use crate::valid::{Model, validate};

/// The whole derive: parse attributes → validate → expand. Errors from every
/// stage are reported together.
pub fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let parsed = Input::from_syn(&input, &mut errors);
    let model = validate(parsed, &mut errors);
    errors.finish()?;
    match model {
        Some(model) => Ok(emit(&model)),
        // validate() returns None only after recording an error.
        None => Err(syn::Error::new_spanned(
            &input.ident,
            "`OdooModel` could not read this item",
        )),
    }
}

fn emit(model: &Model) -> TokenStream {
    let ident = model.ident;
    let generics = bounded_generics(model);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &model.model;
    let fields = &model.fields;
    let writable = model.writable.as_ref().map(|(create, update)| {
        quote! {
            #[automatically_derived]
            impl #impl_generics ::odoo_client::WritableModel for #ident #ty_generics #where_clause {
                type Create = #create;
                type Update = #update;
            }
        }
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::odoo_client::Model for #ident #ty_generics #where_clause {
            const MODEL: &'static str = #name;
            const FIELDS: &'static [&'static str] = &[#(#fields),*];
        }
        #writable
    }
}

/// A generic model implements `Model` for exactly the parameters that make it
/// meet `Model`'s supertraits, so users need not repeat them as bounds. Not for a
/// non-generic struct: there the bound would be trivially true or false, and
/// rustc reports a missing `Deserialize` better at the struct itself.
fn bounded_generics(model: &Model) -> Generics {
    let mut generics = model.generics.clone();
    if generics.params.is_empty() {
        return generics;
    }
    let ident = model.ident;
    let (_, ty_generics, _) = model.generics.split_for_impl();
    generics.make_where_clause().predicates.push(parse_quote! {
        #ident #ty_generics: ::odoo_client::__private::DeserializeOwned
            + ::core::marker::Send
            + ::core::marker::Sync
            + 'static
    });
    generics
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(input: DeriveInput) -> Vec<String> {
        match expand(input) {
            Ok(tokens) => panic!("expected errors, got {tokens}"),
            Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
        }
    }

    #[test]
    fn emits_model_impl_with_odoo_names_in_field_order() {
        let out = expand(parse_quote! {
            #[derive(Deserialize)]
            #[odoo(model = "res.partner")]
            struct Partner {
                id: i64,
                #[serde(rename = "name")]
                display: String,
                #[serde(default, rename(serialize = "x", deserialize = "email"))]
                mail: Option<String>,
                #[odoo(skip)]
                #[serde(default)]
                local: u8,
                #[serde(skip)]
                cache: u8,
                #[serde(skip_deserializing)]
                other: u8,
                r#type: String,
            }
        })
        .unwrap();
        let expected = quote! {
            #[automatically_derived]
            impl ::odoo_client::Model for Partner {
                const MODEL: &'static str = "res.partner";
                const FIELDS: &'static [&'static str] = &["id", "name", "email", "type"];
            }
        };
        assert_eq!(out.to_string(), expected.to_string());
    }

    #[test]
    fn emits_writable_model_and_keeps_generics() {
        let out = expand(parse_quote! {
            #[odoo(model = "res.partner", create = PartnerCreate, update = "PartnerUpdate")]
            struct Partner<T> where T: Send {
                id: i64,
                extra: T,
            }
        })
        .unwrap();
        let expected = quote! {
            #[automatically_derived]
            impl<T> ::odoo_client::Model for Partner<T>
            where
                T: Send,
                Partner<T>: ::odoo_client::__private::DeserializeOwned
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static
            {
                const MODEL: &'static str = "res.partner";
                const FIELDS: &'static [&'static str] = &["id", "extra"];
            }
            #[automatically_derived]
            impl<T> ::odoo_client::WritableModel for Partner<T>
            where
                T: Send,
                Partner<T>: ::odoo_client::__private::DeserializeOwned
                    + ::core::marker::Send
                    + ::core::marker::Sync
                    + 'static
            {
                type Create = PartnerCreate;
                type Update = PartnerUpdate;
            }
        };
        assert_eq!(out.to_string(), expected.to_string());
    }

    #[test]
    fn rename_all_applies_unless_a_field_is_renamed() {
        let out = expand(parse_quote! {
            #[serde(rename_all(serialize = "camelCase", deserialize = "UPPERCASE"))]
            #[odoo(model = "x_legacy")]
            struct Legacy {
                code: String,
                #[serde(rename = "name")]
                label: String,
            }
        })
        .unwrap();
        assert!(out.to_string().contains(r#"& ["CODE" , "name"]"#), "{out}");
        // serialize-only rules leave the Odoo names alone.
        let out = expand(parse_quote! {
            #[serde(rename_all(serialize = "kebab-case"))]
            #[odoo(model = "res.partner")]
            struct P { is_company: bool }
        })
        .unwrap();
        assert!(out.to_string().contains(r#"& ["is_company"]"#), "{out}");
    }

    #[test]
    fn rename_all_that_breaks_odoo_names_is_refused() {
        let errors = errors_of(parse_quote! {
            #[derive(Deserialize)]
            #[serde(rename_all = "kebab-case")]
            #[odoo(model = "res.partner")]
            struct P { name: String, is_company: bool }
        });
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("`rename_all = \"kebab-case\"` turns `is_company` into `is-company`, which is not a valid Odoo field name"),
            "{errors:?}"
        );
    }

    #[test]
    fn renamed_to_an_invalid_name_suggests_one() {
        let errors = errors_of(parse_quote! {
            #[odoo(model = "res.partner")]
            struct P { #[serde(rename = "e-mail")] email: String, #[serde(rename = "1x")] x: u8 }
        });
        assert_eq!(
            errors,
            [
                "`e-mail` is not a valid Odoo field name: Odoo fields are Python identifiers (ASCII letters, digits and `_`, not starting with a digit); write the field's technical name, e.g. `#[serde(rename = \"e_mail\")]`",
                "`1x` is not a valid Odoo field name: Odoo fields are Python identifiers (ASCII letters, digits and `_`, not starting with a digit); write the field's technical name",
            ]
        );
    }

    #[test]
    fn missing_model() {
        let errors = errors_of(parse_quote! { struct P { id: i64 } });
        assert_eq!(
            errors,
            [
                "missing `model`: name the Odoo model `P` reads, e.g. `#[odoo(model = \"res.partner\")]`"
            ]
        );
        let errors = errors_of(parse_quote! {
            #[odoo(create = A, update = B)]
            struct P { id: i64 }
        });
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("missing `model`"));
    }

    #[test]
    fn wrong_shapes() {
        let tuple = errors_of(parse_quote! { #[odoo(model = "res.partner")] struct P(i64); });
        assert!(tuple[0].contains("tuple struct `P` has none"), "{tuple:?}");
        let unit = errors_of(parse_quote! { #[odoo(model = "res.partner")] struct P; });
        assert!(unit[0].contains("unit struct `P` has none"), "{unit:?}");
        let e = errors_of(parse_quote! { #[odoo(model = "res.partner")] enum P { A } });
        assert!(e[0].contains("not enums"), "{e:?}");
        let u = errors_of(parse_quote! { #[odoo(model = "res.partner")] union P { a: u8 } });
        assert!(u[0].contains("not unions"), "{u:?}");
        // The shape error does not hide attribute errors, and vice versa.
        let both = errors_of(parse_quote! { #[odoo(modle = "res.partner")] enum P { A } });
        assert_eq!(both.len(), 2, "{both:?}");
    }

    #[test]
    fn unknown_keys_suggest_the_right_one_and_all_are_reported() {
        let errors = errors_of(parse_quote! {
            #[odoo(modle = "res.partner", updat = U)]
            struct P {
                #[odoo(skp)]
                id: i64,
                #[odoo(model = "x")]
                name: String,
            }
        });
        assert_eq!(
            errors,
            [
                "unknown key `modle` in `#[odoo(...)]`: did you mean `model`? (keys here: `model`, `create`, `update`)",
                "unknown key `updat` in `#[odoo(...)]`: did you mean `update`? (keys here: `model`, `create`, `update`)",
                "unknown key `skp` in `#[odoo(...)]`: did you mean `skip`? (keys here: `skip`)",
                "`model` goes on the struct, not on a field: write `#[odoo(model = ...)]` above `struct`",
            ]
        );
        // `modle` above stood for `model`; an unrelated key does not.
        let errors = errors_of(parse_quote! { #[odoo(table = "x")] struct P { id: i64 } });
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[1].starts_with("missing `model`"), "{errors:?}");
    }

    #[test]
    fn invalid_model_names() {
        let errors =
            errors_of(parse_quote! { #[odoo(model = "Res.Partner")] struct P { id: i64 } });
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].starts_with("invalid Odoo model name \"Res.Partner\""),
            "{errors:?}"
        );
        assert!(
            errors[0].contains("did you mean \"res.partner\"?"),
            "{errors:?}"
        );
        let errors = errors_of(parse_quote! { #[odoo(model = res.partner)] struct P { id: i64 } });
        assert_eq!(
            errors,
            ["expected a string literal: `model = \"res.partner\"`"]
        );
    }

    #[test]
    fn duplicate_field_after_rename() {
        let errors = errors_of(parse_quote! {
            #[odoo(model = "res.partner")]
            struct P {
                name: String,
                #[serde(rename = "name")]
                display: String,
            }
        });
        assert_eq!(
            errors,
            [
                "duplicate Odoo field `name`: fields `name` and `display` both read it (after serde renames); rename one, or add `#[odoo(skip)]` to one"
            ]
        );
    }

    #[test]
    fn duplicate_keys_half_writable_flatten_and_bad_skip() {
        let errors = errors_of(parse_quote! {
            #[odoo(model = "res.partner", model = "res.users", create = C)]
            struct P {
                #[odoo(skip = true)]
                #[serde(default)]
                id: i64,
                #[serde(flatten)]
                rest: Rest,
            }
        });
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert_eq!(errors[0], "duplicate key `model`; give it once");
        assert_eq!(errors[1], "`skip` takes no value; write `#[odoo(skip)]`");
        assert!(
            errors[2].starts_with("`create` needs `update` too"),
            "{errors:?}"
        );
        assert!(
            errors[3].starts_with("`#[serde(flatten)]` is not supported"),
            "{errors:?}"
        );
    }

    #[test]
    fn skipped_field_needs_a_value_from_serde() {
        let errors = errors_of(parse_quote! {
            #[odoo(model = "res.partner")]
            struct P {
                id: i64,
                #[odoo(skip)]
                note: String,
                #[odoo(skip)]
                #[serde(default, deserialize_with = "parse")]
                with_default: String,
                #[odoo(skip)]
                plain_option: Option<String>,
                #[odoo(skip)]
                #[serde(deserialize_with = "odoo_client::value::false_as_none")]
                option_with: Option<String>,
                #[odoo(skip)]
                #[serde(default = "fallback")]
                default_fn: u8,
            }
        });
        assert_eq!(
            errors,
            [
                "field `note` is not read from Odoo, so serde finds no value for it and would fail with \"missing field\"; add `#[serde(default)]` to it, or use `#[serde(skip)]` instead of `#[odoo(skip)]`",
                "field `option_with` is not read from Odoo, so serde finds no value for it and would fail with \"missing field\"; add `#[serde(default)]` to it, or use `#[serde(skip)]` instead of `#[odoo(skip)]`",
            ]
        );
        // A container `#[serde(default)]` covers every field.
        let out = expand(parse_quote! {
            #[serde(default)]
            #[odoo(model = "res.partner")]
            struct P { id: i64, #[odoo(skip)] note: String }
        })
        .unwrap();
        assert!(out.to_string().contains(r#"& ["id"]"#), "{out}");
    }

    #[test]
    fn deny_unknown_fields_needs_an_id_field() {
        let errors = errors_of(parse_quote! {
            #[serde(deny_unknown_fields)]
            #[odoo(model = "res.partner")]
            struct P { name: String }
        });
        assert_eq!(
            errors,
            [
                "Odoo sends `id` with every record, which `deny_unknown_fields` would refuse because `P` has no `id` field; add `id: odoo_client::RecordId`, or remove `deny_unknown_fields`"
            ]
        );
        // A renamed or odoo-skipped `id` still takes it.
        for input in [
            parse_quote! {
                #[serde(deny_unknown_fields)]
                #[odoo(model = "res.partner")]
                struct P { #[serde(rename = "id")] key: i64, name: String }
            },
            parse_quote! {
                #[serde(deny_unknown_fields, rename_all = "lowercase")]
                #[odoo(model = "res.partner")]
                struct P { #[odoo(skip)] #[serde(default)] id: i64 }
            },
        ] {
            expand(input).unwrap();
        }
    }

    #[test]
    fn odoo_attribute_without_arguments() {
        let errors = errors_of(parse_quote! { #[odoo] struct P { id: i64 } });
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("usage: `#[odoo(model = \"res.partner\")]`"),
            "{errors:?}"
        );
    }
}
