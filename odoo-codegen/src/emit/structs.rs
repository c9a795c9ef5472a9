//! The read struct and the `…Create` / `…Update` payloads of a model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{description, docs, plain};
use crate::ir::{FieldEntry, FieldKind, ModelEntry};

/// Which struct a field is emitted into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Read,
    Create,
    Update,
}

const FALSE_AS_NONE: &str = "::odoo_client::value::false_as_none";
const IDS_OR_FALSE: &str = "::odoo_client::value::ids_or_false";
const STRING_OR_FALSE: &str = "::odoo_client::value::string_or_false";
const SKIP_NONE: &str = "::std::option::Option::is_none";

/// serde's `deserialize_with` / `serialize_with` paths for a date or datetime field.
fn chrono_helpers(kind: &FieldKind, optional: bool) -> Option<(String, String)> {
    let module = match kind {
        FieldKind::Date => "date",
        FieldKind::Datetime => "datetime",
        _ => return None,
    };
    let base = if optional {
        format!("::odoo_client::value::{module}::option")
    } else {
        format!("::odoo_client::value::{module}")
    };
    Some((format!("{base}::deserialize"), format!("{base}::serialize")))
}

fn base_type(field: &FieldEntry, role: Role) -> TokenStream {
    match &field.kind {
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
        FieldKind::X2many => quote!(::std::vec::Vec<::odoo_client::RecordId>),
        FieldKind::Json => quote!(::serde_json::Value),
    }
}

/// What the schema says beyond the label: the target of relational fields, formats.
fn schema_description(field: &FieldEntry, role: Role) -> String {
    let mut text = description(&field.label, field.help.as_deref());
    if let Some(relation) = &field.relation {
        let what = match (&field.kind, role) {
            (FieldKind::Many2one, Role::Read) => format!("[id, display name] of a {relation}"),
            (FieldKind::Many2one, _) => format!("id of a {relation}"),
            (FieldKind::X2many, _) => format!("ids of {relation} records"),
            _ => String::new(),
        };
        if !what.is_empty() {
            text = format!("{text} ({what})");
        }
    }
    match field.kind {
        FieldKind::Datetime => text.push_str(" (UTC, YYYY-MM-DD HH:MM:SS)"),
        FieldKind::Binary => text.push_str(" (base64)"),
        _ => {}
    }
    text
}

fn field_tokens(field: &FieldEntry, role: Role) -> TokenStream {
    let ident = format_ident!("{}", field.ident);
    let base = base_type(field, role);
    let is_x2many = field.kind == FieldKind::X2many;
    let is_bool = field.kind == FieldKind::Boolean;
    let optional = match role {
        // `false` is a boolean's value and an empty x2many is an empty list.
        Role::Read => !field.required && !is_bool && !is_x2many,
        Role::Create => !field.create_required,
        Role::Update => true,
    };
    let ty = if optional {
        quote!(::std::option::Option<#base>)
    } else {
        base
    };

    let mut serde_args: Vec<TokenStream> = Vec::new();
    if field.ident != field.odoo_name {
        let name = &field.odoo_name;
        serde_args.push(quote!(rename = #name));
    }
    if optional {
        serde_args.push(quote!(default));
        if role != Role::Read {
            serde_args.push(quote!(skip_serializing_if = #SKIP_NONE));
        }
    }
    if let Some((de, ser)) = chrono_helpers(&field.kind, optional) {
        serde_args.push(quote!(deserialize_with = #de));
        serde_args.push(quote!(serialize_with = #ser));
    } else if optional && !is_bool {
        // Odoo's `false` for "empty"; a boolean's `false` must stay a value.
        serde_args.push(quote!(deserialize_with = #FALSE_AS_NONE));
    } else if is_x2many && role == Role::Read {
        serde_args.push(quote!(default));
        serde_args.push(quote!(deserialize_with = #IDS_OR_FALSE));
    } else if field.kind == FieldKind::Text && !optional {
        serde_args.push(quote!(deserialize_with = #STRING_OR_FALSE));
    }
    let serde_attr = (!serde_args.is_empty()).then(|| quote!(#[serde(#(#serde_args),*)]));

    let desc = schema_description(field, role);
    let format =
        (field.kind == FieldKind::Datetime).then(|| quote!(, extend("format" = "date-time")));
    let schemars_attr = quote!(#[schemars(description = #desc #format)]);

    let mut facts = vec![format!("`{}`: {}", field.odoo_name, field.ttype)];
    if let Some(relation) = &field.relation {
        facts.push(format!("to `{relation}`"));
    }
    if field.required {
        facts.push("required".into());
    }
    if field.readonly {
        facts.push("readonly".into());
    }
    let facts = facts.join(", ");
    let doc = docs([
        plain(&field.label).as_str(),
        plain(field.help.as_deref().unwrap_or("")).as_str(),
        facts.as_str(),
    ]);
    quote! {
        #doc
        #serde_attr
        #schemars_attr
        pub #ident: #ty,
    }
}

pub(super) fn emit(model: &ModelEntry) -> TokenStream {
    let read_ident = format_ident!("{}", model.type_name);
    let odoo_name = &model.model;
    let label = plain(&model.label);
    let title = format!("{label} (`{}`): one record as Odoo reads it.", model.model);
    let read_doc = docs([
        title.as_str(),
        "Stored fields only; Odoo's `false` for an empty value is `None`.",
    ]);
    let read_desc = description(&model.label, model.info.as_deref());
    let read_fields = model
        .read_fields
        .iter()
        .map(|f| field_tokens(f, Role::Read));

    let Some(write) = &model.write else {
        return quote! {
            #read_doc
            #[derive(
                Debug, Clone, PartialEq,
                ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema, ::odoo_client::OdooModel
            )]
            #[odoo(model = #odoo_name)]
            #[schemars(description = #read_desc)]
            pub struct #read_ident {
                #(#read_fields)*
            }
        };
    };

    let create_ident = format_ident!("{}", write.create);
    let update_ident = format_ident!("{}", write.update);
    let create_title = format!("Values to create a {label} (`{}`).", model.model);
    let create_doc = docs([
        create_title.as_str(),
        "Fields Odoo requires must be given; the others take Odoo's defaults when `None`.",
    ]);
    let create_desc = format!("Values of a new {} record", model.label);
    let update_title = format!("Values to change on {label} (`{}`) records.", model.model);
    let update_doc = docs([
        update_title.as_str(),
        "Fields left `None` are not sent and keep their value.",
    ]);
    let update_desc = format!(
        "Values to change on {} records; fields left out are kept",
        model.label
    );
    let create_fields = write.fields.iter().map(|f| field_tokens(f, Role::Create));
    let update_fields = write.fields.iter().map(|f| field_tokens(f, Role::Update));
    let create_default =
        (!write.fields.iter().any(|f| f.create_required)).then(|| quote!(Default,));
    quote! {
        #read_doc
        #[derive(
            Debug, Clone, PartialEq,
            ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema, ::odoo_client::OdooModel
        )]
        #[odoo(model = #odoo_name, create = #create_ident, update = #update_ident)]
        #[schemars(description = #read_desc)]
        pub struct #read_ident {
            #(#read_fields)*
        }

        #create_doc
        #[derive(
            Debug, Clone, PartialEq, #create_default
            ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema
        )]
        #[schemars(description = #create_desc)]
        pub struct #create_ident {
            #(#create_fields)*
        }

        #update_doc
        #[derive(
            Debug, Clone, PartialEq, Default,
            ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema
        )]
        #[schemars(description = #update_desc)]
        pub struct #update_ident {
            #(#update_fields)*
        }
    }
}
