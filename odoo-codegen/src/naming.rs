//! The one place that turns Odoo names into Rust identifiers.
//!
//! Rules (each has a unit test below):
//! - only ASCII letters, digits and `_` survive; anything else separates words;
//! - fields and modules are snake_case, types and variants UpperCamelCase (heck);
//! - a Rust keyword gets a suffix: `type` → `type_`, `self` → `self_`, `Self` → `SelfValue`
//!   (never `r#`, which cannot spell `self`/`crate` and reads badly in generated docs);
//! - a leading digit gets a prefix: field `2fa` → `field_2fa`, variant `1` → `V1`;
//! - an empty result falls back to `field` / `Empty` (for the value `""`) / `Value`;
//! - two names that meet after conversion are told apart with a numeric suffix in
//!   a stable order (`[`Namer`]`).
//!
//! Whenever the identifier differs from the Odoo name, the emitter adds a serde rename.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers (strict and reserved keywords, all editions),
/// plus `_`.
const KEYWORDS: &[&str] = &[
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Crate-root module names that would shadow the crates generated code names.
const RESERVED_MODULES: &[&str] = &[
    "alloc",
    "chrono",
    "core",
    "odoo_client",
    "schemars",
    "serde",
    "serde_json",
    "std",
    "tests",
];

pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Replaces everything but ASCII letters and digits by `_`, so heck sees word breaks
/// and never produces non-ASCII identifiers.
fn ascii_words(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

fn starts_with_digit(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// A struct field name for the Odoo field `name` (before collision handling).
pub fn field_name(name: &str) -> String {
    let mut snake = ascii_words(name).to_snake_case();
    if snake.is_empty() {
        snake = "field".into();
    }
    if starts_with_digit(&snake) {
        snake = format!("field_{snake}");
    }
    if is_keyword(&snake) {
        snake.push('_');
    }
    snake
}

/// The module of a model: `res.partner` → `res_partner`.
pub fn module_name(model: &str) -> String {
    let mut snake = ascii_words(model).to_snake_case();
    if snake.is_empty() {
        snake = "model".into();
    }
    if starts_with_digit(&snake) {
        snake = format!("model_{snake}");
    }
    if is_keyword(&snake) || RESERVED_MODULES.contains(&snake.as_str()) {
        snake.push_str("_model");
    }
    snake
}

/// A type name: `res.partner` → `ResPartner`, (`sale.order`, `state`) → `SaleOrderState`.
pub fn type_name(parts: &[&str]) -> String {
    let mut camel: String = parts
        .iter()
        .map(|p| ascii_words(p).to_upper_camel_case())
        .collect();
    if camel.is_empty() {
        camel = "Model".into();
    }
    if starts_with_digit(&camel) {
        camel = format!("M{camel}");
    }
    if is_keyword(&camel) {
        camel.push_str("Model");
    }
    camel
}

/// An enum variant for a selection value (before collision handling).
pub fn variant_name(value: &str) -> String {
    if value.is_empty() {
        return "Empty".into();
    }
    let mut camel = ascii_words(value).to_upper_camel_case();
    // `-1` and `1` are both common priority values: keep the sign.
    if value.starts_with('-') && starts_with_digit(&camel) {
        camel = format!("Neg{camel}");
    }
    if camel.is_empty() {
        camel = "Value".into();
    }
    if starts_with_digit(&camel) {
        camel = format!("V{camel}");
    }
    if is_keyword(&camel) {
        camel.push_str("Value");
    }
    camel
}

/// Hands out unique names within one scope, in the order asked.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    used: BTreeSet<String>,
}

/// How a numeric suffix joins a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// `x_2`, `type_2` (not `type__2`)
    Snake,
    /// `Foo2`, or `V1_2` when the name ends with a digit (still UpperCamelCase for rustc).
    Camel,
}

impl Namer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks `name` as taken without handing it out.
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_string());
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// `base` if free, else `base` with the smallest free suffix from 2.
    pub fn unique(&mut self, base: String, case: Case) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let joiner = match case {
            Case::Snake if base.ends_with('_') => "",
            Case::Snake => "_",
            Case::Camel if base.ends_with(|c: char| c.is_ascii_digit()) => "_",
            Case::Camel => "",
        };
        (2..)
            .map(|n| format!("{base}{joiner}{n}"))
            .find(|candidate| self.used.insert(candidate.clone()))
            .unwrap_or(base)
    }
}

/// Unique snake_case identifiers for a list of Odoo field names, in the same order.
///
/// Fields whose identifier is already their Odoo name claim it first, so a
/// field called `type_` keeps `type_` and the keyword field `type` becomes `type_2`,
/// whatever order they come in.
pub fn field_names(odoo_names: &[&str]) -> Vec<String> {
    let mut namer = Namer::new();
    let candidates: Vec<String> = odoo_names.iter().map(|n| field_name(n)).collect();
    let mut out: Vec<Option<String>> = vec![None; odoo_names.len()];
    for (i, (odoo, candidate)) in odoo_names.iter().zip(&candidates).enumerate() {
        if odoo == candidate && !namer.is_taken(candidate) {
            namer.reserve(candidate);
            out[i] = Some(candidate.clone());
        }
    }
    out.into_iter()
        .zip(candidates)
        .map(|(done, candidate)| done.unwrap_or_else(|| namer.unique(candidate, Case::Snake)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_field_names_are_kept() {
        assert_eq!(field_name("partner_id"), "partner_id");
        assert_eq!(field_name("image_1920"), "image_1920");
        assert_eq!(field_name("l10n_in_gst"), "l10n_in_gst");
    }

    #[test]
    fn keyword_fields_get_an_underscore() {
        for (odoo, rust) in [
            ("type", "type_"),
            ("ref", "ref_"),
            ("self", "self_"),
            ("move", "move_"),
            ("async", "async_"),
            ("gen", "gen_"),
            ("crate", "crate_"),
        ] {
            assert_eq!(field_name(odoo), rust);
        }
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(field_name("2fa_enabled"), "field_2fa_enabled");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(variant_name("3_global"), "V3Global");
        assert_eq!(type_name(&["3d.model"]), "M3dModel");
        assert_eq!(module_name("3d.model"), "model_3d_model");
    }

    #[test]
    fn case_conversion_and_odd_characters() {
        assert_eq!(field_name("x_Studio_Field"), "x_studio_field");
        assert_eq!(field_name("__last_update"), "last_update");
        assert_eq!(field_name("_"), "field");
        assert_eq!(field_name("é"), "field");
        assert_eq!(module_name("res.partner"), "res_partner");
        assert_eq!(module_name("_unknown"), "unknown");
        assert_eq!(type_name(&["res.partner"]), "ResPartner");
        assert_eq!(type_name(&["sale.order", "state"]), "SaleOrderState");
        assert_eq!(type_name(&["ir.actions.act_window"]), "IrActionsActWindow");
    }

    #[test]
    fn reserved_module_and_type_names() {
        assert_eq!(module_name("core"), "core_model");
        assert_eq!(module_name("serde"), "serde_model");
        assert_eq!(module_name("mod"), "mod_model");
        assert_eq!(type_name(&["self"]), "SelfModel");
    }

    #[test]
    fn selection_values_become_variants() {
        assert_eq!(variant_name("draft"), "Draft");
        assert_eq!(variant_name("to invoice"), "ToInvoice");
        assert_eq!(variant_name("a-b"), "AB");
        assert_eq!(variant_name("ir.actions.report"), "IrActionsReport");
        assert_eq!(variant_name("HALF-UP"), "HalfUp");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("0"), "V0");
        assert_eq!(variant_name("-1"), "Neg1");
        assert_eq!(variant_name("[3,0]"), "V30");
        assert_eq!(variant_name("/"), "Value");
        assert_eq!(variant_name("self"), "SelfValue");
    }

    #[test]
    fn collisions_get_numeric_suffixes() {
        let mut namer = Namer::new();
        namer.reserve("Unknown");
        assert_eq!(namer.unique("Unknown".into(), Case::Camel), "Unknown2");
        assert_eq!(namer.unique("AB".into(), Case::Camel), "AB");
        assert_eq!(namer.unique("AB".into(), Case::Camel), "AB2");
        assert_eq!(namer.unique("V1".into(), Case::Camel), "V1");
        assert_eq!(namer.unique("V1".into(), Case::Camel), "V1_2");
        assert_eq!(namer.unique("x".into(), Case::Snake), "x");
        assert_eq!(namer.unique("x".into(), Case::Snake), "x_2");
        assert_eq!(namer.unique("x".into(), Case::Snake), "x_3");
    }

    #[test]
    fn fields_that_meet_after_conversion_stay_apart() {
        assert_eq!(
            field_names(&["type", "type_", "x_Foo", "x_foo"]),
            ["type_2", "type_", "x_foo_2", "x_foo"]
        );
        assert_eq!(field_names(&["a", "b"]), ["a", "b"]);
    }

    #[test]
    fn generated_identifiers_parse_as_rust_identifiers() {
        for name in ["type", "self", "Self", "2x", "", "a-b", "crate", "super"] {
            for ident in [field_name(name), variant_name(name), module_name(name)] {
                assert!(
                    syn::parse_str::<syn::Ident>(&ident).is_ok(),
                    "{name:?} gave {ident:?}"
                );
            }
        }
    }
}
