//! Fuzzing the name sanitiser over arbitrary Odoo model, field and selection names: every result
//! is a Rust identifier syn accepts (never a keyword), names are unique where Rust needs them
//! unique, and a whole model space built from hostile names emits files that parse.
//!
//! Cases per property: 256 by default; `ODOO_FUZZ_RUNS=20000` for a long session.

use std::collections::BTreeSet;

use odoo_codegen::emit::emit;
use odoo_codegen::ir::ModelSpace;
use odoo_codegen::naming::{
    Case, Namer, field_name, field_names, module_name, type_name, variant_name,
};
use odoo_codegen::snapshot::{FieldSchema, ModelSchema};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence};
use serde_json::json;

fn config() -> Config {
    config_divided(1)
}

/// `ODOO_FUZZ_RUNS / by` cases (for the slower whole-pipeline property).
fn config_divided(by: u32) -> Config {
    let cases: u32 = std::env::var("ODOO_FUZZ_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    Config {
        cases: (cases / by).max(1),
        failure_persistence: Some(Box::new(FileFailurePersistence::Off)),
        ..Config::default()
    }
}

/// Names near the edges: keywords, digits, separators only, non-ASCII, reserved modules,
/// and names that meet after conversion (`a.b`, `a_b`, `A B`).
fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", "_", "__", ".", "type", "type_", "Type", "self", "Self", "self_", "crate", "super",
            "r#type", "mod", "fn", "async", "gen", "try", "union", "core", "std", "serde",
            "odoo_client", "tests", "2fa", "-1", "1", "0", "é", "日本", "a.b", "a_b", "A B",
            "a__b", "_a", "a_", "id", "field", "field_2", "Value", "Empty", "Unknown", "unknown",
            "res.partner", "res_partner", "ResPartner", "x_studio_Field", "ABC", "aBC", "a-b",
            "a\u{0}b", "\u{200b}", "model_3d", "3d", "M3d",
        ])
        .prop_map(str::to_string),
        3 => "[a-zA-Z0-9_.]{0,16}",
        2 => "[a-z_]{1,8}(\\.[a-z0-9_]{1,8}){0,3}",
        1 => ".{0,12}",
        1 => "\\PC{0,8}",
    ]
}

fn is_ident(s: &str) -> bool {
    syn::parse_str::<syn::Ident>(s).is_ok() && s.is_ascii()
}

fn is_snake(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn is_camel(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

fn schema(model: &str, fields: &[(String, String, Vec<String>)]) -> ModelSchema {
    let fields = fields
        .iter()
        .map(|(name, ttype, values)| {
            serde_json::from_value::<FieldSchema>(json!({
                "name": name,
                "ttype": ttype,
                "label": format!("Label of {name}"),
                "help": "help with \"quotes\", */ and \u{0}",
                "store": true,
                "selection": values.iter().map(|v| [v.clone(), v.clone()]).collect::<Vec<_>>(),
                "relation": (ttype.contains("2")).then_some("res.partner"),
            }))
            .expect("a field schema")
        })
        .collect();
    ModelSchema {
        model: model.to_string(),
        label: format!("Model {model}"),
        info: None,
        transient: false,
        is_abstract: false,
        modules: String::new(),
        fields,
        buttons: Vec::new(),
    }
}

fn ttype() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "char",
        "text",
        "html",
        "integer",
        "float",
        "monetary",
        "boolean",
        "date",
        "datetime",
        "selection",
        "many2one",
        "one2many",
        "many2many",
        "binary",
        "reference",
        "many2one_reference",
        "json",
        "properties",
        "unknown_kind",
    ])
    .prop_map(str::to_string)
}

/// A model: unique field names (Odoo guarantees it), unique selection values per field.
fn model() -> impl Strategy<Value = (String, Vec<(String, String, Vec<String>)>)> {
    (
        name(),
        prop::collection::btree_map(
            name(),
            (ttype(), prop::collection::btree_set(name(), 0..6)),
            0..10,
        ),
    )
        .prop_map(|(model, fields)| {
            let fields = fields
                .into_iter()
                .map(|(n, (t, values))| (n, t, values.into_iter().collect()))
                .collect();
            (model, fields)
        })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn each_converter_gives_an_identifier(name in name(), other in name()) {
        let field = field_name(&name);
        prop_assert!(is_ident(&field) && is_snake(&field), "field {:?} -> {:?}", name, field);
        let module = module_name(&name);
        prop_assert!(is_ident(&module) && is_snake(&module), "module {:?} -> {:?}", name, module);
        prop_assert!(!["core", "std", "alloc", "serde", "serde_json", "schemars", "chrono", "odoo_client", "tests"].contains(&module.as_str()));
        let ty = type_name(&[&name, &other]);
        prop_assert!(is_ident(&ty) && is_camel(&ty), "type {:?} -> {:?}", name, ty);
        let variant = variant_name(&name);
        prop_assert!(is_ident(&variant) && is_camel(&variant), "variant {:?} -> {:?}", name, variant);
        // Deterministic: the same input always gives the same name.
        prop_assert_eq!(field_name(&name), field);
    }

    #[test]
    fn field_names_are_unique_identifiers(names in prop::collection::btree_set(name(), 0..40)) {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let idents = field_names(&names);
        prop_assert_eq!(idents.len(), names.len());
        let unique: BTreeSet<&String> = idents.iter().collect();
        prop_assert_eq!(unique.len(), idents.len(), "{:?} -> {:?}", names, idents);
        for (odoo, ident) in names.iter().zip(&idents) {
            prop_assert!(is_ident(ident), "{:?} -> {:?}", odoo, ident);
            // A name that already is a free identifier is kept as is.
            if is_ident(odoo) && is_snake(odoo) && field_name(odoo) == *odoo {
                prop_assert_eq!(ident, odoo);
            }
        }
        // Order-independent for kept names, stable for the rest.
        prop_assert_eq!(field_names(&names), idents);
    }

    #[test]
    fn namer_suffixes_stay_identifiers(names in prop::collection::vec(name(), 0..30)) {
        let (mut snake, mut camel) = (Namer::new(), Namer::new());
        let (mut seen_snake, mut seen_camel) = (BTreeSet::new(), BTreeSet::new());
        for n in &names {
            let s = snake.unique(field_name(n), Case::Snake);
            let c = camel.unique(variant_name(n), Case::Camel);
            prop_assert!(is_ident(&s) && is_ident(&c), "{:?} -> {:?} / {:?}", n, s, c);
            prop_assert!(seen_snake.insert(s) && seen_camel.insert(c));
        }
    }

}

proptest! {
    #![proptest_config(config_divided(4))]

    /// The whole pipeline on hostile names: IR names unique where Rust needs it, and every
    /// emitted file parses (emit itself builds tokens with these identifiers and would panic on
    /// an invalid one).
    #[test]
    fn hostile_model_spaces_emit_parsable_code(
        models in prop::collection::btree_map(name(), model().prop_map(|(_, f)| f), 1..4),
    ) {
        let schemas: Vec<ModelSchema> = models.iter().map(|(m, f)| schema(m, f)).collect();
        let refs: Vec<&ModelSchema> = schemas.iter().collect();
        let space = ModelSpace::from_models(&refs, true);
        let mut modules = BTreeSet::new();
        let mut types = BTreeSet::new();
        for entry in space.models.values() {
            prop_assert!(modules.insert(entry.module.clone()), "module {} twice", entry.module);
            prop_assert!(types.insert(entry.type_name.clone()), "type {} twice", entry.type_name);
            let idents: Vec<&String> = entry.read_fields.iter().map(|f| &f.ident).collect();
            let unique: BTreeSet<&&String> = idents.iter().collect();
            prop_assert_eq!(unique.len(), idents.len(), "{:?}", idents);
            if let Some(write) = &entry.write {
                prop_assert!(types.insert(write.create.clone()) && types.insert(write.update.clone()));
                let idents: BTreeSet<&String> = write.fields.iter().map(|f| &f.ident).collect();
                prop_assert_eq!(idents.len(), write.fields.len());
            }
            for e in &entry.enums {
                prop_assert!(types.insert(e.name.clone()), "type {} twice", e.name);
                let variants: BTreeSet<&String> = e.variants.iter().map(|v| &v.ident).collect();
                prop_assert_eq!(variants.len(), e.variants.len());
                prop_assert!(!variants.contains(&e.unknown));
                prop_assert!(variants.iter().all(|v| is_ident(v)));
            }
        }
        let files = emit(&space)
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .sources;
        prop_assert_eq!(files.len(), space.models.len() + 1);
        for (file, text) in &files {
            prop_assert!(syn::parse_file(text).is_ok(), "{} does not parse", file);
        }
    }
}

#[test]
fn names_that_meet_after_conversion_are_told_apart() {
    let names = ["a.b", "a_b", "A B", "a__b", "a-b", "AB", "a_b_2"];
    let idents = field_names(&names);
    let unique: BTreeSet<&String> = idents.iter().collect();
    assert_eq!(unique.len(), names.len(), "{idents:?}");
    assert!(idents.iter().all(|i| is_ident(i)), "{idents:?}");
}

/// Found by `hostile_model_spaces_emit_parsable_code`: a lone `\r` in a name or label went into a
/// `///` comment, where rustc refuses a bare CR, and the emitted file did not parse.
#[test]
fn carriage_returns_in_odoo_text_do_not_break_doc_comments() {
    let field = serde_json::from_value::<FieldSchema>(json!({
        "name": "a\rb",
        "ttype": "char",
        "label": "first\rsecond",
        "help": "one\r\ntwo\rthree",
        "store": true,
    }))
    .expect("a field schema");
    let mut model = schema("x.\r", &[]);
    model.label = "Label\rwith CR".into();
    model.fields.push(field);
    let space = ModelSpace::from_models(&[&model], true);
    for (file, text) in emit(&space).expect("emits").sources {
        assert!(
            syn::parse_file(&text).is_ok(),
            "{file} does not parse:\n{text}"
        );
        assert!(!text.contains('\r'), "{file} keeps a CR");
    }
}
