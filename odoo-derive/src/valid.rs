//! Checks the parsed input and turns it into what expansion needs: the model
//! name, the Odoo field names in field order, and the optional write types.

use std::collections::HashMap;

use syn::ext::IdentExt;
use syn::{Generics, Ident, LitStr, Type};

use crate::ast::{Field, Input};
use crate::attr::Keyed;
use crate::errors::Errors;

/// A validated model, ready to expand.
pub(crate) struct Model<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub model: LitStr,
    /// Odoo field names, in struct field order, after serde renames and skips.
    pub fields: Vec<String>,
    pub writable: Option<(Type, Type)>,
}

/// Odoo's technical model names: lowercase dotted words (`res.partner`,
/// `ir.model.fields`, `x_custom`); `_unknown` is a real one, hence the underscore.
fn is_model_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// Odoo field names are Python attribute names.
fn is_field_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A likely intended model name: `Res.Partner` → `res.partner`, `res_partner`
/// stays (it might be right), `res partner` → `res.partner`.
fn model_suggestion(name: &str) -> Option<String> {
    let guess: String = name
        .trim()
        .chars()
        .map(|c| match c {
            ' ' | '/' | ':' => '.',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    (guess != name && is_model_name(&guess)).then_some(guess)
}

pub(crate) fn validate<'a>(input: Input<'a>, errors: &mut Errors) -> Option<Model<'a>> {
    let attrs = input.attrs;
    let model = validate_model_name(&attrs.model, errors);

    let writable = write_types(attrs.create, attrs.update, errors);

    let fields = input.fields?;
    let rename_all = attrs.rename_all.as_ref();

    if attrs.model.is_none() && !attrs.model_written {
        let message = format!(
            "missing `model`: name the Odoo model `{}` reads, \
             e.g. `#[odoo(model = \"res.partner\")]`",
            input.ident
        );
        errors.push(match &attrs.odoo_attr {
            Some(attr) => syn::Error::new_spanned(attr, message),
            None => syn::Error::new_spanned(input.ident, message),
        });
    }

    let (names, reads_id) = field_names(&fields, rename_all, attrs.serde_default, errors);

    if let Some(deny) = &attrs.deny_unknown_fields
        && !reads_id
    {
        errors.push(syn::Error::new_spanned(
            deny,
            format!(
                "Odoo sends `id` with every record, which `deny_unknown_fields` would refuse \
                 because `{}` has no `id` field; add `id: odoo_client::RecordId`, \
                 or remove `deny_unknown_fields`",
                input.ident
            ),
        ));
    }

    Some(Model {
        ident: input.ident,
        generics: input.generics,
        model: model?,
        fields: names,
        writable,
    })
}

/// The create and update types, which come as a pair.
fn write_types(
    create: Option<Keyed<Type>>,
    update: Option<Keyed<Type>>,
    errors: &mut Errors,
) -> Option<(Type, Type)> {
    match (create, update) {
        (Some(create), Some(update)) => Some((create.value, update.value)),
        (Some(only), None) | (None, Some(only)) => {
            let (given, missing) = if only.key.is_ident("create") {
                ("create", "update")
            } else {
                ("update", "create")
            };
            errors.push(syn::Error::new_spanned(
                &only.key,
                format!(
                    "`{given}` needs `{missing}` too: `WritableModel` has both types; \
                     add `{missing} = YourType` to this attribute"
                ),
            ));
            None
        }
        (None, None) => None,
    }
}

/// The Odoo names of the fields serde reads, in field order, each once;
/// and whether `id` is among them.
fn field_names(
    fields: &[Field],
    rename_all: Option<&(crate::case::RenameRule, LitStr)>,
    container_default: bool,
    errors: &mut Errors,
) -> (Vec<String>, bool) {
    let mut names = Vec::with_capacity(fields.len());
    // Odoo name → the Rust field that took it first.
    let mut seen: HashMap<String, Ident> = HashMap::new();
    // Whether serde accepts the `id` that Odoo sends with every record.
    let mut reads_id = false;
    for field in fields {
        if field.attrs.serde_skip {
            continue;
        }
        let name = odoo_name(field, rename_all.map(|(rule, _)| *rule));
        reads_id |= name == "id";
        if let Some(skip) = &field.attrs.odoo_skip {
            if !container_default && !field.attrs.serde_default && !defaults_when_missing(field) {
                errors.push(syn::Error::new_spanned(
                    skip,
                    format!(
                        "field `{}` is not read from Odoo, so serde finds no value for it and \
                         would fail with \"missing field\"; add `#[serde(default)]` to it, \
                         or use `#[serde(skip)]` instead of `#[odoo(skip)]`",
                        field.ident.unraw()
                    ),
                ));
            }
            continue;
        }
        if let Some(flatten) = &field.attrs.serde_flatten {
            errors.push(syn::Error::new_spanned(
                flatten,
                "`#[serde(flatten)]` is not supported by `OdooModel`, which must list every \
                 Odoo field it reads; write the fields out here, or add `#[odoo(skip)]`",
            ));
            continue;
        }
        if !is_field_name(&name) {
            errors.push(invalid_field_name(field, &name, rename_all));
            continue;
        }
        if let Some(first) = seen.get(&name) {
            let span = match &field.attrs.serde_rename {
                Some(lit) => lit.span(),
                None => field.ident.span(),
            };
            errors.push(syn::Error::new(
                span,
                format!(
                    "duplicate Odoo field `{name}`: fields `{first}` and `{}` both read it \
                     (after serde renames); rename one, or add `#[odoo(skip)]` to one",
                    field.ident.unraw()
                ),
            ));
            continue;
        }
        seen.insert(name.clone(), field.ident.unraw());
        names.push(name);
    }
    (names, reads_id)
}

const FIELD_NAME_RULE: &str =
    "Odoo fields are Python identifiers (ASCII letters, digits and `_`, not starting with a digit)";

fn invalid_field_name(
    field: &Field,
    name: &str,
    rename_all: Option<&(crate::case::RenameRule, LitStr)>,
) -> syn::Error {
    match (&field.attrs.serde_rename, rename_all) {
        (Some(lit), _) => {
            let mut message = format!("`{name}` is not a valid Odoo field name: {FIELD_NAME_RULE}");
            let guess: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            if is_field_name(&guess) {
                message.push_str(&format!(
                    "; write the field's technical name, e.g. `#[serde(rename = \"{guess}\")]`"
                ));
            } else {
                message.push_str("; write the field's technical name");
            }
            syn::Error::new(lit.span(), message)
        }
        (None, Some((_, lit))) => {
            let rust_name = field.ident.unraw();
            syn::Error::new(
                field.ident.span(),
                format!(
                    "`rename_all = {:?}` turns `{rust_name}` into `{name}`, which is not a valid \
                     Odoo field name: {FIELD_NAME_RULE}; remove `rename_all`, or give this field \
                     `#[serde(rename = \"{rust_name}\")]`",
                    lit.value()
                ),
            )
        }
        // A Rust identifier that is no Python one: non-ASCII.
        (None, None) => syn::Error::new(
            field.ident.span(),
            format!(
                "`{name}` is not a valid Odoo field name: {FIELD_NAME_RULE}; \
                 add `#[serde(rename = \"...\")]` with the field's technical name"
            ),
        ),
    }
}

fn validate_model_name(
    model: &Option<crate::attr::Keyed<LitStr>>,
    errors: &mut Errors,
) -> Option<LitStr> {
    let lit = &model.as_ref()?.value;
    let name = lit.value();
    if is_model_name(&name) {
        return Some(lit.clone());
    }
    const RULE: &str = "technical names are lowercase words of ASCII letters, digits and `_`, \
                        separated by dots";
    let message = match model_suggestion(&name) {
        Some(guess) => {
            format!("invalid Odoo model name {name:?}: did you mean {guess:?}? ({RULE})")
        }
        None => format!(
            "invalid Odoo model name {name:?}: use the model's technical name, \
             e.g. \"res.partner\" ({RULE})"
        ),
    };
    errors.push(syn::Error::new(lit.span(), message));
    None
}

/// Whether serde gives this field a value when it is absent: `Option<T>` fields
/// are `None`, unless a `deserialize_with` takes over. The check is by name, as in
/// serde itself (an alias of `Option` is not recognised).
fn defaults_when_missing(field: &Field) -> bool {
    let is_option = match field.ty {
        Type::Path(path) => {
            path.qself.is_none()
                && path
                    .path
                    .segments
                    .last()
                    .is_some_and(|segment| segment.ident == "Option")
        }
        _ => false,
    };
    is_option && !field.attrs.serde_deserialize_with
}

/// The name serde reads this field from: explicit rename, else `rename_all`, else
/// the field name without `r#`.
fn odoo_name(field: &Field, rename_all: Option<crate::case::RenameRule>) -> String {
    if let Some(lit) = &field.attrs.serde_rename {
        return lit.value();
    }
    let name = field.ident.unraw().to_string();
    match rename_all {
        Some(rule) => rule.apply_to_field(&name),
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn model_names() {
        for ok in [
            "res.partner",
            "ir.model.fields",
            "x_custom",
            "base",
            "_unknown",
            "l10n_fr.report",
        ] {
            assert!(is_model_name(ok), "{ok}");
        }
        for bad in [
            "",
            "Res.Partner",
            "res..partner",
            "res.partner.",
            ".res",
            "res-partner",
            "res partner",
            "1res",
        ] {
            assert!(!is_model_name(bad), "{bad}");
        }
        assert_eq!(
            model_suggestion("Res.Partner").as_deref(),
            Some("res.partner")
        );
        assert_eq!(
            model_suggestion("res partner").as_deref(),
            Some("res.partner")
        );
        assert_eq!(model_suggestion("res-partner"), None);
    }

    #[test]
    fn field_names() {
        assert!(is_field_name("x_studio_field"));
        assert!(is_field_name("_private"));
        assert!(!is_field_name("is-company"));
        assert!(!is_field_name("1st"));
        assert!(!is_field_name(""));
    }
}
