//! Selection enums.
//!
//! serde's `#[serde(other)]` only fits a unit variant and forgets the value, so a
//! value added to Odoo after generation could not be written back. Instead each
//! enum has an `Unknown(String)` variant and hand-emitted `Serialize`/`Deserialize`
//! through the Odoo value: any value reads, and every value writes back as read.
//! The JSON schema lists the known values only, which is what a caller may send.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{description, docs, plain};
use crate::ir::EnumEntry;

pub(super) fn emit(entry: &EnumEntry) -> TokenStream {
    let name = format_ident!("{}", entry.name);
    let name_str = &entry.name;
    let unknown = format_ident!("{}", entry.unknown);
    let idents: Vec<_> = entry
        .variants
        .iter()
        .map(|v| format_ident!("{}", v.ident))
        .collect();
    let values: Vec<&str> = entry.variants.iter().map(|v| v.value.as_str()).collect();
    let labels: Vec<&str> = entry.variants.iter().map(|v| v.label.as_str()).collect();
    let variant_docs = entry.variants.iter().map(|v| {
        let value = format!("`{:?}`", v.value);
        docs([plain(&v.label).as_str(), value.as_str()])
    });
    let title = format!(
        "{} (selection field `{}`).",
        plain(&entry.label),
        entry.field
    );
    let doc = docs([title.as_str()]);
    let schema_desc = {
        let choices: Vec<String> = entry
            .variants
            .iter()
            .map(|v| format!("{}={}", v.value, v.label))
            .collect();
        description(&entry.label, Some(&choices.join(", ")))
    };
    let codec = codec_impls(&name, name_str, &schema_desc);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variant_docs #idents,)*
            #[doc = " A value this code does not know (added to Odoo after generation)."]
            #unknown(::std::string::String),
        }

        impl #name {
            /// Known values, in Odoo's order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value Odoo stores.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #values,)*
                    Self::#unknown(value) => value,
                }
            }

            /// Odoo's label for a known value.
            pub fn label(&self) -> ::std::option::Option<&'static str> {
                match self {
                    #(Self::#idents => ::std::option::Option::Some(#labels),)*
                    Self::#unknown(_) => ::std::option::Option::None,
                }
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#idents,)*
                    other => Self::#unknown(other.into()),
                }
            }
        }

        #codec
    }
}

/// `Display`, serde and schemars through the value as Odoo stores it.
fn codec_impls(name: &proc_macro2::Ident, name_str: &str, schema_desc: &str) -> TokenStream {
    quote! {
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let value = <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)?;
                ::std::result::Result::Ok(Self::from(value.as_str()))
            }
        }

        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name_str)
            }

            fn json_schema(_: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                // Built without `json!`, whose recursion limit long value lists reach.
                let mut schema = ::serde_json::Map::new();
                schema.insert("type".into(), "string".into());
                schema.insert(
                    "enum".into(),
                    Self::VALUES.iter().map(|v| ::serde_json::Value::from(*v)).collect(),
                );
                schema.insert("description".into(), #schema_desc.into());
                ::schemars::Schema::from(schema)
            }
        }
    }
}
