//! Per-model tables: the field list and the `DESCRIPTOR` that `MODELS` gathers.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use odoo_client::registry::FieldType;

use crate::ir::{FieldEntry, ModelEntry};

pub(super) fn emit(model: &ModelEntry) -> TokenStream {
    let read = format_ident!("{}", model.type_name);
    let fields = model.read_fields.iter().map(field_descriptor);
    let buttons = model.buttons.iter().map(|b| {
        let (method, label) = (&b.method, &b.label);
        let invisible = match &b.invisible {
            Some(i) => quote!(::std::option::Option::Some(#i)),
            None => quote!(::std::option::Option::None),
        };
        quote! {
            ::odoo_client::registry::ButtonDescriptor {
                method: #method,
                label: #label,
                invisible: #invisible,
            }
        }
    });
    let model_name = &model.model;
    let label = &model.label;
    let prefix = &model.module;
    let (create_schema, update_schema, check_create, check_update) = match &model.write {
        Some(write) => {
            let create = format_ident!("{}", write.create);
            let update = format_ident!("{}", write.update);
            (
                quote!(::std::option::Option::Some(::odoo_client::registry::schema_for::<#create>)),
                quote!(::std::option::Option::Some(::odoo_client::registry::schema_for::<#update>)),
                quote!(::std::option::Option::Some(::odoo_client::registry::reencode::<#create>)),
                quote!(::std::option::Option::Some(::odoo_client::registry::reencode::<#update>)),
            )
        }
        None => {
            let none = quote!(::std::option::Option::None);
            (none.clone(), none.clone(), none.clone(), none)
        }
    };
    quote! {
        /// Readable fields, in the order of the read struct.
        pub const FIELDS: &[::odoo_client::registry::FieldDescriptor] = &[#(#fields),*];

        /// The object buttons of its form, in the form's order.
        pub const BUTTONS: &[::odoo_client::registry::ButtonDescriptor] = &[#(#buttons),*];

        /// What a server needs to offer this model as typed tools.
        pub const DESCRIPTOR: ::odoo_client::registry::ModelDescriptor =
            ::odoo_client::registry::ModelDescriptor {
                model: #model_name,
                label: #label,
                tool_prefix: #prefix,
                fields: FIELDS,
                read_schema: ::odoo_client::registry::schema_for::<#read>,
                create_schema: #create_schema,
                update_schema: #update_schema,
                check_record: ::odoo_client::registry::reencode::<#read>,
                check_create: #check_create,
                check_update: #check_update,
                buttons: BUTTONS,
            };
    }
}

/// One `FieldDescriptor` of the model's `FIELDS` table.
fn field_descriptor(f: &FieldEntry) -> TokenStream {
    let name = &f.odoo_name;
    let ttype = field_type(f.ttype);
    let label = &f.label;
    let required = f.required;
    let readonly = f.readonly;
    let stored = f.stored;
    let relation = match &f.relation {
        Some(r) => quote!(::std::option::Option::Some(#r)),
        None => quote!(::std::option::Option::None),
    };
    quote! {
        ::odoo_client::registry::FieldDescriptor {
            name: #name,
            ttype: #ttype,
            label: #label,
            required: #required,
            readonly: #readonly,
            stored: #stored,
            relation: #relation,
        }
    }
}

/// `::odoo_client::registry::FieldType::…`: the type as code.
fn field_type(ttype: FieldType) -> TokenStream {
    let variant = match ttype {
        FieldType::Other(name) => {
            return quote!(::odoo_client::registry::FieldType::Other(#name));
        }
        FieldType::Char => quote!(Char),
        FieldType::Text => quote!(Text),
        FieldType::Html => quote!(Html),
        FieldType::Integer => quote!(Integer),
        FieldType::Float => quote!(Float),
        FieldType::Monetary => quote!(Monetary),
        FieldType::Boolean => quote!(Boolean),
        FieldType::Date => quote!(Date),
        FieldType::Datetime => quote!(Datetime),
        FieldType::Selection => quote!(Selection),
        FieldType::Many2one => quote!(Many2one),
        FieldType::One2many => quote!(One2many),
        FieldType::Many2many => quote!(Many2many),
        FieldType::Binary => quote!(Binary),
        FieldType::Reference => quote!(Reference),
        FieldType::Many2oneReference => quote!(Many2oneReference),
        FieldType::Json => quote!(Json),
        FieldType::Properties => quote!(Properties),
        FieldType::PropertiesDefinition => quote!(PropertiesDefinition),
    };
    quote!(::odoo_client::registry::FieldType::#variant)
}
