//! Reading `#[odoo(...)]` and the `#[serde(...)]` keys that change Odoo field names.
//!
//! `#[odoo]` is ours: unknown keys are errors with a did-you-mean. `#[serde]` is
//! serde's: we read only the keys we need and skip the rest silently, since
//! serde's derive already reports malformed serde attributes.

use proc_macro2::TokenTree;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Path, Token, Type};

use crate::case::RenameRule;
use crate::errors::Errors;
use crate::suggest::{did_you_mean, list};

const STRUCT_KEYS: &[&str] = &["model", "create", "update"];
const FIELD_KEYS: &[&str] = &["skip"];

/// A key with its value, keeping the key for error spans.
pub(crate) struct Keyed<T> {
    pub key: Path,
    pub value: T,
}

#[derive(Default)]
pub(crate) struct StructAttrs {
    /// The first `#[odoo(...)]`, pointed at when `model` is missing from it.
    pub odoo_attr: Option<Attribute>,
    pub model: Option<Keyed<LitStr>>,
    /// `model` was written (or misspelt), even if refused: no "missing `model`" then.
    pub model_written: bool,
    pub create: Option<Keyed<Type>>,
    pub update: Option<Keyed<Type>>,
    /// serde's `rename_all` (or `rename_all(deserialize = ..)`), with its literal.
    pub rename_all: Option<(RenameRule, LitStr)>,
    /// serde's container `default`: every missing field gets a value.
    pub serde_default: bool,
    /// serde's `deny_unknown_fields`, kept for its span.
    pub deny_unknown_fields: Option<Path>,
}

#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// `#[odoo(skip)]`: not read from Odoo, serde still sees the field. Kept for its span.
    pub odoo_skip: Option<Path>,
    /// The name serde deserializes this field from, when renamed.
    pub serde_rename: Option<LitStr>,
    /// `#[serde(skip)]` or `#[serde(skip_deserializing)]`.
    pub serde_skip: bool,
    /// `#[serde(flatten)]`, kept for its span.
    pub serde_flatten: Option<Path>,
    /// `#[serde(default)]` or `#[serde(default = "path")]`.
    pub serde_default: bool,
    /// `#[serde(with)]` or `#[serde(deserialize_with)]`: serde then no longer
    /// treats a missing `Option` field as `None`.
    pub serde_deserialize_with: bool,
}

fn key_name(path: &Path) -> String {
    match path.get_ident() {
        Some(ident) => ident.to_string(),
        None => path.to_token_stream().to_string().replace(' ', ""),
    }
}

/// Consumes a key's value (`= ...` or `(...)`) up to the next top-level comma.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    while !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

fn unknown_key(path: &Path, expected: &[&str]) -> syn::Error {
    let key = key_name(path);
    let message = match did_you_mean(&key, expected) {
        Some(suggestion) => format!(
            "unknown key `{key}` in `#[odoo(...)]`: did you mean `{suggestion}`? (keys here: {})",
            list(expected)
        ),
        None => format!(
            "unknown key `{key}` in `#[odoo(...)]`; keys here: {}",
            list(expected)
        ),
    };
    syn::Error::new_spanned(path, message)
}

/// A key that is valid, but on the other kind of item (struct vs field).
fn misplaced_key(path: &Path, fix: &str) -> syn::Error {
    syn::Error::new_spanned(path, format!("`{}` {fix}", key_name(path)))
}

fn duplicate_key(path: &Path) -> syn::Error {
    syn::Error::new_spanned(
        path,
        format!("duplicate key `{}`; give it once", key_name(path)),
    )
}

/// `model = "res.partner"`: any expression parses, so that a missing quote gets a
/// precise message instead of syn's generic one (recorded in `errors`).
fn parse_model_value(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<LitStr>> {
    let expr: Expr = meta.value()?.parse()?;
    Ok(match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Some(lit),
        other => {
            errors.push(syn::Error::new_spanned(
                other,
                "expected a string literal: `model = \"res.partner\"`",
            ));
            None
        }
    })
}

/// `create = Type` or, serde-style, `create = "Type"`.
fn parse_type_value(meta: &ParseNestedMeta) -> syn::Result<Type> {
    let input = meta.value()?;
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        lit.parse()
    } else {
        input.parse()
    }
}

pub(crate) fn parse_struct_attrs(attrs: &[Attribute], errors: &mut Errors) -> StructAttrs {
    let mut out = StructAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("odoo") {
            if out.odoo_attr.is_none() {
                out.odoo_attr = Some(attr.clone());
            }
            let result = attr.parse_nested_meta(|meta| {
                let key = key_name(&meta.path);
                match key.as_str() {
                    "model" => {
                        out.model_written = true;
                        let value = parse_model_value(&meta, errors)?;
                        if out.model.is_some() {
                            errors.push(duplicate_key(&meta.path));
                        } else if let Some(value) = value {
                            out.model = Some(Keyed {
                                key: meta.path.clone(),
                                value,
                            });
                        }
                    }
                    "create" | "update" => {
                        let value = parse_type_value(&meta)?;
                        let slot = if key == "create" {
                            &mut out.create
                        } else {
                            &mut out.update
                        };
                        if slot.is_some() {
                            errors.push(duplicate_key(&meta.path));
                        } else {
                            *slot = Some(Keyed {
                                key: meta.path.clone(),
                                value,
                            });
                        }
                    }
                    "skip" => {
                        errors.push(misplaced_key(
                            &meta.path,
                            "goes on a field, not on the struct: write `#[odoo(skip)]` above the field",
                        ));
                        skip_value(meta.input)?;
                    }
                    _ => {
                        // A misspelt `model` is reported once, not also as missing.
                        out.model_written |= did_you_mean(&key, STRUCT_KEYS) == Some("model");
                        errors.push(unknown_key(&meta.path, STRUCT_KEYS));
                        skip_value(meta.input)?;
                    }
                }
                Ok(())
            });
            errors.ok(result.map_err(|e| with_usage(e, "#[odoo(model = \"res.partner\")]")));
        } else if attr.path().is_ident("serde") {
            // Malformed serde attributes are serde's to report.
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    if let Some(lit) = deserialize_name(&meta)? {
                        // An unknown rule is serde's error to report; ignore it here.
                        if let Some(rule) = RenameRule::from_str(&lit.value()) {
                            out.rename_all = Some((rule, lit));
                        }
                    }
                } else if meta.path.is_ident("deny_unknown_fields") {
                    out.deny_unknown_fields = Some(meta.path.clone());
                } else if meta.path.is_ident("default") {
                    out.serde_default = true;
                    skip_value(meta.input)?;
                } else {
                    skip_value(meta.input)?;
                }
                Ok(())
            });
        }
    }
    out
}

pub(crate) fn parse_field_attrs(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("odoo") {
            let result = attr.parse_nested_meta(|meta| {
                match key_name(&meta.path).as_str() {
                    "skip" => {
                        if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
                            errors.push(syn::Error::new_spanned(
                                &meta.path,
                                "`skip` takes no value; write `#[odoo(skip)]`",
                            ));
                            skip_value(meta.input)?;
                        }
                        if out.odoo_skip.is_some() {
                            errors.push(duplicate_key(&meta.path));
                        }
                        out.odoo_skip = Some(meta.path.clone());
                    }
                    key @ ("model" | "create" | "update") => {
                        let fix = format!(
                            "goes on the struct, not on a field: write `#[odoo({key} = ...)]` above `struct`"
                        );
                        errors.push(misplaced_key(&meta.path, &fix));
                        skip_value(meta.input)?;
                    }
                    _ => {
                        errors.push(unknown_key(&meta.path, FIELD_KEYS));
                        skip_value(meta.input)?;
                    }
                }
                Ok(())
            });
            errors.ok(result.map_err(|e| with_usage(e, "#[odoo(skip)]")));
        } else if attr.path().is_ident("serde") {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if let Some(lit) = deserialize_name(&meta)? {
                        out.serde_rename = Some(lit);
                    }
                } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_deserializing") {
                    out.serde_skip = true;
                } else if meta.path.is_ident("flatten") {
                    out.serde_flatten = Some(meta.path.clone());
                } else if meta.path.is_ident("default") {
                    out.serde_default = true;
                    skip_value(meta.input)?;
                } else if meta.path.is_ident("with") || meta.path.is_ident("deserialize_with") {
                    out.serde_deserialize_with = true;
                    skip_value(meta.input)?;
                } else {
                    skip_value(meta.input)?;
                }
                Ok(())
            });
        }
    }
    out
}

/// The deserialize side of `key = "x"` or `key(serialize = "a", deserialize = "b")`;
/// `None` when only the serialize side is renamed.
fn deserialize_name(meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut name = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("deserialize") {
            name = Some(inner.value()?.parse()?);
        } else {
            skip_value(inner.input)?;
        }
        Ok(())
    })?;
    Ok(name)
}

/// Adds the expected shape to syn's syntax errors (e.g. `#[odoo]` without parentheses).
fn with_usage(error: syn::Error, usage: &str) -> syn::Error {
    let mut out: Option<syn::Error> = None;
    for e in error {
        let e = syn::Error::new(e.span(), format!("{e} (usage: `{usage}`)"));
        match &mut out {
            Some(out) => out.combine(e),
            None => out = Some(e),
        }
    }
    out.unwrap_or_else(|| syn::Error::new(proc_macro2::Span::call_site(), usage))
}
