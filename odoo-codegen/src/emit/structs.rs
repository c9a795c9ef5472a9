//! The read struct and the `…Create` / `…Update` payloads of a model.
//!
//! Each struct derives what is cheap to compile (`Debug`, `Clone`, `PartialEq`,
//! `Serialize`) and gets the rest as plain code and data:
//!
//! - `Deserialize` is a small generic shell around `from_record`, a plain
//!   function that decodes each field from a `serde_json::Value` with
//!   `odoo_client::value`'s helpers. serde's derive would expand into a field
//!   enum, a visitor and one wrapper type per `deserialize_with` field, all
//!   generic: most of the build time of hundreds of models. The values,
//!   defaults and error messages stay those of the derive (first bad field in
//!   the input's order, then missing fields in the struct's order).
//! - `JsonSchema` returns the schema that the generator already knows, written
//!   out as JSON text (see [`super::schema`]), instead of deriving it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shape::{Role, Shape, doc_paragraphs};
use super::{description, doc_title, docs, plain, schema};
use crate::ir::{FieldEntry, FieldKind, ModelEntry, WriteTypes};

fn base_type(field: &FieldEntry, role: Role) -> TokenStream {
    match field.kind() {
        FieldKind::Text | FieldKind::Binary | FieldKind::Reference => {
            quote!(::std::string::String)
        }
        FieldKind::Integer | FieldKind::Many2oneReference => quote!(i64),
        FieldKind::Float => quote!(f64),
        FieldKind::Boolean => quote!(bool),
        FieldKind::Date => quote!(::chrono::NaiveDate),
        FieldKind::Datetime => quote!(::chrono::NaiveDateTime),
        FieldKind::Selection { enum_name } => {
            let ident = format_ident!("{}", enum_name);
            quote!(#ident)
        }
        FieldKind::Many2one if role == Role::Read => quote!(::odoo_client::Many2One),
        FieldKind::Many2one => quote!(::odoo_client::RecordId),
        FieldKind::X2many if role == Role::Read => quote!(::std::vec::Vec<::odoo_client::RecordId>),
        FieldKind::X2many => match &field.comodel {
            Some(types) => {
                let create = format_ident!("{}", types.create);
                let update = format_ident!("{}", types.update);
                // A model's own types are in scope; another's are in its
                // sibling module.
                if types.own {
                    quote!(::odoo_client::X2Many<#create, #update>)
                } else {
                    let module = format_ident!("{}", types.module);
                    quote!(::odoo_client::X2Many<super::#module::#create, super::#module::#update>)
                }
            }
            None => quote!(::odoo_client::X2Many<::odoo_client::value::RecordMap>),
        },
        FieldKind::Json => quote!(::serde_json::Value),
    }
}

/// The field's Rust type.
fn rust_type(shape: &Shape) -> TokenStream {
    let base = base_type(shape.field, shape.role);
    if shape.optional {
        quote!(::std::option::Option<#base>)
    } else {
        base
    }
}

fn field_tokens(shape: &Shape) -> TokenStream {
    let field = shape.field;
    let ident = format_ident!("{}", field.ident);
    let ty = rust_type(shape);

    let doc = docs(doc_paragraphs(field).iter().map(String::as_str));
    quote! {
        #doc
        pub #ident: #ty,
    }
}

/// The body of `from_record`: decodes each field, checks the required ones
/// at once, then builds the struct without an early return. With
/// `decode_via` (a create payload's update struct: the same fields, all
/// optional), it decodes through that struct's `from_record` and only checks
/// what is required: one decoder per field instead of two, a third of the build.
fn decode_body(shapes: &[Shape], decode_via: Option<&proc_macro2::Ident>) -> TokenStream {
    let slots: Vec<_> = shapes
        .iter()
        .map(|s| format_ident!("{}", s.field.ident))
        .collect();
    // Where each field's decoded `Option` is: a local, or the update struct's field.
    let decoded = |slot: &proc_macro2::Ident| match decode_via {
        Some(_) => quote!(__values.#slot),
        None => quote!(#slot),
    };
    let required: Vec<_> = shapes
        .iter()
        .zip(&slots)
        .filter(|(shape, _)| !shape.has_default)
        .map(|(shape, slot)| {
            let key = &shape.field.odoo_name;
            let decoded = decoded(slot);
            quote!((#key, #decoded.is_some()))
        })
        .collect();
    // One check, then no early return while the struct is built.
    let check = (!required.is_empty()).then(|| quote!(wire::check_required(&[#(#required),*])?;));
    let values: Vec<TokenStream> = shapes
        .iter()
        .zip(&slots)
        .map(|(shape, slot)| {
            let decoded = decoded(slot);
            match (shape.has_default, decode_via) {
                (false, _) => quote!(#slot: wire::given(#decoded),),
                // The update struct's optional fields are the create's.
                (true, Some(_)) => quote!(#slot: #decoded,),
                (true, None) => quote!(#slot: #decoded.unwrap_or_default(),),
            }
        })
        .collect();
    let Some(via) = decode_via else {
        return decode_fields(shapes, &slots, check, &values);
    };
    let wire = check.is_some().then(|| {
        quote!(
            use ::odoo_client::value as wire;
        )
    });
    quote! {
        #wire
        let __values = #via::from_record(__record)?;
        #check
        ::std::result::Result::Ok(Self { #(#values)* })
    }
}

/// [`decode_body`] into one local per field, named after it.
fn decode_fields(
    shapes: &[Shape],
    slots: &[proc_macro2::Ident],
    check: Option<TokenStream>,
    values: &[TokenStream],
) -> TokenStream {
    let types: Vec<TokenStream> = shapes.iter().map(rust_type).collect();
    let arms = shapes.iter().zip(slots).map(|(shape, slot)| {
        let key = &shape.field.odoo_name;
        let helper: syn::Path =
            syn::parse_str(&format!("wire::{}", shape.decoder().unwrap_or("field")))
                .expect("a helper path");
        quote!(#key => wire::decode(&mut #slot, __value, #helper),)
    });
    quote! {
        use ::odoo_client::value as wire;
        // Locals are named after the fields: the other names are
        // paths (`wire::…`) or `__`-prefixed, so that none can clash.
        #(let mut #slots: ::std::option::Option<#types> = ::std::option::Option::None;)*
        for (__key, __value) in __record {
            match __key.as_str() {
                #(#arms)*
                _ => ::std::result::Result::Ok(()),
            }
            .map_err(|e| wire::in_field(&__key, e))?;
        }
        #check
        ::std::result::Result::Ok(Self { #(#values)* })
    }
}

/// The statements of `to_fields`: one `put` per field.
fn encode_fields(shapes: &[Shape]) -> Vec<TokenStream> {
    shapes
        .iter()
        .map(|shape| {
            let ident = format_ident!("{}", shape.field.ident);
            let key = &shape.field.odoo_name;
            let put = match shape.encoder() {
                Some(encoder) => {
                    let path: syn::Path = syn::parse_str(&encoder).expect("a helper path");
                    quote!(wire::put_with(&mut __fields, #key, &self.#ident, #path)?;)
                }
                None => quote!(wire::put(&mut __fields, #key, &self.#ident)?;),
            };
            // Payloads leave unset fields out: Odoo then keeps (or defaults) them.
            if shape.optional && shape.role != Role::Read {
                quote!(if self.#ident.is_some() { #put })
            } else {
                put
            }
        })
        .collect()
}

/// `impl Deserialize` (through `from_record`, see [`decode_body`]), `impl
/// Serialize` (through `to_fields`), `impl JsonSchema` (from the schema as
/// data) and the schema constant of one struct.
fn codec_tokens(
    ident: &proc_macro2::Ident,
    shapes: &[Shape],
    schema_const: &proc_macro2::Ident,
    schema: &serde_json::Value,
    defs: &[(String, TokenStream)],
    decode_via: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let name = ident.to_string();
    let decode = decode_body(shapes, decode_via);
    let puts = encode_fields(shapes);
    let capacity = shapes.len();
    let schema_doc =
        format!(" The JSON Schema of [`{name}`] (serde's deserialize side), as JSON text.");
    let schema_text = schema::literal(schema);
    let traits = trait_impls(ident, &name, schema_const, defs);
    quote! {
        #[doc = #schema_doc]
        pub const #schema_const: &str = #schema_text;

        impl #ident {
            /// Decodes one object as Odoo sends it (see `Deserialize`).
            fn from_record(
                __record: ::odoo_client::value::RecordMap,
            ) -> ::std::result::Result<Self, ::serde_json::Error> {
                #decode
            }
        }

        impl #ident {
            /// Encodes the fields as Odoo takes them (see `Serialize`).
            fn to_fields(
                &self,
            ) -> ::std::result::Result<
                ::std::vec::Vec<(&'static str, ::serde_json::Value)>,
                ::serde_json::Error,
            > {
                use ::odoo_client::value as wire;
                let mut __fields = ::std::vec::Vec::with_capacity(#capacity);
                #(#puts)*
                ::std::result::Result::Ok(__fields)
            }
        }

        #traits
    }
}

/// serde's traits through `from_record` and `to_fields`; schemars' from the
/// schema constant.
fn trait_impls(
    ident: &proc_macro2::Ident,
    name: &str,
    schema_const: &proc_macro2::Ident,
    defs: &[(String, TokenStream)],
) -> TokenStream {
    // `Many2One` and the selection enums are `$defs` of the root schema.
    let generator = if defs.is_empty() {
        format_ident!("_generator")
    } else {
        format_ident!("generator")
    };
    let defs = defs.iter().map(|(name, ty)| {
        quote!(::odoo_client::registry::add_definition(#generator, #name, <#ty as ::schemars::JsonSchema>::json_schema);)
    });
    quote! {
        impl ::serde::Serialize for #ident {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                ::odoo_client::value::serialize_fields(serializer, #name, self.to_fields())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #ident {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                ::odoo_client::value::deserialize_record(deserializer, #name, Self::from_record)
            }
        }

        impl ::schemars::JsonSchema for #ident {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed(#name)
            }

            fn json_schema(#generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                #(#defs)*
                ::odoo_client::registry::schema_from_json(#schema_const)
            }
        }
    }
}

/// One struct with its codec; `derives` beyond the common ones.
fn struct_tokens(
    ident: &proc_macro2::Ident,
    doc: &[&str],
    derives: TokenStream,
    shapes: &[Shape],
    schema_const: &str,
    desc: &str,
    decode_via: Option<&proc_macro2::Ident>,
) -> TokenStream {
    let fields = shapes.iter().map(field_tokens);
    let schema = schema::object(doc_title(doc.iter().copied()), desc, shapes);
    let doc = docs(doc.iter().copied());
    let defs = schema::defs(shapes);
    let codec = codec_tokens(
        ident,
        shapes,
        &format_ident!("{}", schema_const),
        &schema,
        &defs,
        decode_via,
    );
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #derives)]
        pub struct #ident {
            #(#fields)*
        }

        #codec
    }
}

pub(super) fn emit(model: &ModelEntry) -> TokenStream {
    let read_ident = format_ident!("{}", model.type_name);
    let read = read_tokens(model, &read_ident);
    let Some(write) = &model.write else {
        return read;
    };
    let create_ident = format_ident!("{}", write.create);
    let update_ident = format_ident!("{}", write.update);
    let create = create_tokens(model, write, &create_ident, &update_ident);
    let update = update_tokens(model, write, &update_ident);
    quote! {
        #read
        impl ::odoo_client::WritableModel for #read_ident {
            type Create = #create_ident;
            type Update = #update_ident;
        }
        #create
        #update
    }
}

/// The read struct and its `Model` impl.
fn read_tokens(model: &ModelEntry, read_ident: &proc_macro2::Ident) -> TokenStream {
    let odoo_name = &model.model;
    let label = plain(&model.label);
    let title = format!("{label} (`{}`): one record as Odoo reads it.", model.model);
    let read_doc = [
        title.as_str(),
        "Every field Odoo reads: stored ones and computed or related ones (not stored: \
         neither searched nor sorted on unless Odoo says so). A typed read asks for \
         `FIELDS`: all but the computed files, documents, lists and properties, which \
         stay empty unless asked for by name. Odoo's `false` for an empty value is `None`.",
    ];
    let read_desc = description(&model.label, model.info.as_deref());
    let read_shapes: Vec<Shape> = model
        .read_fields
        .iter()
        .map(|f| Shape::new(f, Role::Read))
        .collect();
    // `Model` by hand rather than `#[derive(OdooModel)]`, which reads the Odoo
    // names from `#[serde(rename)]` attributes that these structs do not have.
    let names = model
        .read_fields
        .iter()
        .filter(|f| f.read_by_default())
        .map(|f| &f.odoo_name);
    let read_model = quote! {
        impl ::odoo_client::Model for #read_ident {
            const MODEL: &'static str = #odoo_name;
            const FIELDS: &'static [&'static str] = &[#(#names),*];
        }
    };
    let read = struct_tokens(
        read_ident,
        &read_doc,
        quote!(),
        &read_shapes,
        "READ_SCHEMA",
        &read_desc,
        None,
    );
    quote! {
        #read
        #read_model
    }
}

/// The create payload, decoded through the update struct.
fn create_tokens(
    model: &ModelEntry,
    write: &WriteTypes,
    create_ident: &proc_macro2::Ident,
    update_ident: &proc_macro2::Ident,
) -> TokenStream {
    let label = plain(&model.label);
    let create_title = format!("Values to create a {label} (`{}`).", model.model);
    let create_doc = [
        create_title.as_str(),
        "Fields Odoo requires must be given; the others take Odoo's defaults when `None`.",
    ];
    let create_shapes: Vec<Shape> = write
        .fields
        .iter()
        .map(|f| Shape::new(f, Role::Create))
        .collect();
    let create_default =
        (!write.fields.iter().any(|f| f.create_required)).then(|| quote!(Default,));
    struct_tokens(
        create_ident,
        &create_doc,
        quote!(#create_default),
        &create_shapes,
        "CREATE_SCHEMA",
        &format!("Values of a new {} record", model.label),
        Some(update_ident),
    )
}

/// The update payload: every field optional.
fn update_tokens(
    model: &ModelEntry,
    write: &WriteTypes,
    update_ident: &proc_macro2::Ident,
) -> TokenStream {
    let label = plain(&model.label);
    let update_title = format!("Values to change on {label} (`{}`) records.", model.model);
    let update_doc = [
        update_title.as_str(),
        "Fields left `None` are not sent and keep their value.",
    ];
    let update_shapes: Vec<Shape> = write
        .fields
        .iter()
        .map(|f| Shape::new(f, Role::Update))
        .collect();
    struct_tokens(
        update_ident,
        &update_doc,
        quote!(Default),
        &update_shapes,
        "UPDATE_SCHEMA",
        &format!(
            "Values to change on {} records; fields left out are kept",
            model.label
        ),
        None,
    )
}
