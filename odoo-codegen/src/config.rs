//! `odoo-codegen.toml`: which models get typed code.
//!
//! ```toml
//! # Technical names or globs (`*` any run of characters, `?` one character).
//! include = ["res.partner", "sale.order*"]
//! exclude = ["sale.order.template*"]
//! # Custom fields (`x_…`, state `manual`) become typed fields too.
//! include_custom_fields = true
//! # One cargo feature per Odoo app (`ir.model`'s `modules`): a model builds when
//! # a feature of one of its apps is on, e.g. `--no-default-features --features sale`.
//! app_features = true
//! # With `app_features`, what the `curated` feature (the default one) builds.
//! default_models = ["res.partner", "sale.order"]
//! # Crates the models are split into, which cargo builds in parallel (one per
//! # core is fastest); unset: 1 up to 100 models, else 2.
//! parts = 2
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::Error;

/// The curated default set, used when the config file does not say.
pub const DEFAULT_MODELS: &[&str] = &[
    "res.partner",
    "res.users",
    "res.company",
    "res.country",
    "product.product",
    "product.template",
    "crm.lead",
    "sale.order",
    "sale.order.line",
    "account.move",
    "stock.picking",
    "project.task",
    "hr.employee",
];

/// Up to this many models, the generated code is one crate by default.
const SINGLE_CRATE_MODELS: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CodegenConfig {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub include_custom_fields: bool,
    /// Gate each model behind cargo features, one per Odoo app that defines or
    /// extends it (a model without apps is always built).
    pub app_features: bool,
    /// Names or globs of the generated models that the `curated` feature, the
    /// crate's default, builds; `None`: every generated model.
    pub default_models: Option<Vec<String>>,
    /// How many crates (`parts/partN`, re-exported by the generated crate)
    /// the models are split into so that cargo compiles them in parallel;
    /// `None`: [`CodegenConfig::parts_for`].
    pub parts: Option<usize>,
}

impl Default for CodegenConfig {
    fn default() -> Self {
        Self {
            include: DEFAULT_MODELS.iter().map(|m| m.to_string()).collect(),
            exclude: Vec::new(),
            include_custom_fields: true,
            app_features: false,
            default_models: None,
            parts: None,
        }
    }
}

impl CodegenConfig {
    /// Every model of the instance (the all-models test and bench).
    pub fn all_models() -> Self {
        Self {
            include: vec!["*".into()],
            ..Self::default()
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let config: Self = toml::from_str(text).map_err(|source| Error::ConfigParse {
            path: path.to_path_buf(),
            source,
        })?;
        if config.parts == Some(0) {
            return Err(Error::Config {
                path: path.to_path_buf(),
                message: "`parts` must be at least 1".into(),
            });
        }
        Ok(config)
    }

    /// The number of part crates for `models` generated models. One crate is
    /// compiled by one core (rustc's front end is serial), so hundreds of
    /// models build about twice as fast in two crates; a few stay in one.
    pub fn parts_for(&self, models: usize) -> usize {
        self.parts
            .unwrap_or(if models > SINGLE_CRATE_MODELS { 2 } else { 1 })
            .clamp(1, models.max(1))
    }

    /// Reads `path`; a missing file gives the defaults only when `required` is false.
    pub fn load(path: &Path, required: bool) -> Result<Self, Error> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {
                tracing::info!(path = %path.display(), "no config file, using the curated default models");
                Ok(Self::default())
            }
            Err(source) => Err(Error::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// The models of `available` to generate, sorted.
    ///
    /// A plain name (no `*`/`?`) that is not available is an error naming the
    /// closest existing model; a glob that matches nothing only warns.
    pub fn select<'a>(
        &self,
        available: impl IntoIterator<Item = &'a str>,
        source: &str,
    ) -> Result<Vec<String>, Error> {
        let available: Vec<&str> = available.into_iter().collect();
        for pattern in &self.include {
            if is_glob(pattern) {
                if !available.iter().any(|m| glob_match(pattern, m)) {
                    tracing::warn!(pattern, "include pattern matches no model in {source}");
                }
            } else if !available.contains(&pattern.as_str()) {
                return Err(Error::UnknownModel {
                    model: pattern.clone(),
                    origin: source.to_string(),
                    suggestion: closest(pattern, &available),
                });
            }
        }
        let mut selected: Vec<String> = available
            .iter()
            .filter(|m| self.include.iter().any(|p| glob_match(p, m)))
            .filter(|m| !self.exclude.iter().any(|p| glob_match(p, m)))
            .map(|m| m.to_string())
            .collect();
        selected.sort();
        selected.dedup();
        if selected.is_empty() {
            return Err(Error::NoModels {
                origin: source.to_string(),
            });
        }
        Ok(selected)
    }
}

impl CodegenConfig {
    /// Which of the `generated` models (sorted) the `curated` feature builds.
    ///
    /// A plain name that is not generated is an error, as in `include`.
    pub fn select_default(&self, generated: &[String]) -> Result<Vec<String>, Error> {
        let Some(patterns) = &self.default_models else {
            return Ok(generated.to_vec());
        };
        let names: Vec<&str> = generated.iter().map(String::as_str).collect();
        for pattern in patterns {
            if !is_glob(pattern) && !names.contains(&pattern.as_str()) {
                return Err(Error::UnknownDefaultModel {
                    model: pattern.clone(),
                    suggestion: closest(pattern, &names),
                });
            }
        }
        Ok(generated
            .iter()
            .filter(|m| patterns.iter().any(|p| glob_match(p, m)))
            .cloned()
            .collect())
    }
}

fn is_glob(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

/// `*` matches any run of characters (dots included), `?` exactly one.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Classic two-pointer wildcard match with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The available model closest to `name`, if any is close.
fn closest(name: &str, available: &[&str]) -> Option<String> {
    odoo_client::suggest::close_matches(name, available.iter().copied(), 1)
        .into_iter()
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AVAILABLE: &[&str] = &[
        "res.partner",
        "res.partner.bank",
        "sale.order",
        "sale.order.line",
        "sale.order.template",
    ];

    #[test]
    fn globs() {
        assert!(glob_match("sale.*", "sale.order.line"));
        assert!(glob_match("*", "x"));
        assert!(glob_match("res.partne?", "res.partner"));
        assert!(!glob_match("res.partner", "res.partner.bank"));
        assert!(!glob_match("sale.*.line", "sale.order"));
        assert!(glob_match("*.line", "sale.order.line"));
    }

    #[test]
    fn include_exclude_and_defaults() {
        let config = CodegenConfig::parse(
            "include = [\"sale.order*\", \"res.partner\"]\nexclude = [\"*.template\"]",
            Path::new("c.toml"),
        )
        .unwrap();
        assert!(config.include_custom_fields, "custom fields default to yes");
        assert_eq!(
            config.select(AVAILABLE.iter().copied(), "test").unwrap(),
            ["res.partner", "sale.order", "sale.order.line"]
        );
        assert_eq!(CodegenConfig::default().include.len(), 13);
        assert!(!config.app_features && config.default_models.is_none());
    }

    #[test]
    fn default_models_pick_among_the_generated_ones() {
        let generated: Vec<String> = AVAILABLE.iter().map(|m| m.to_string()).collect();
        let all = CodegenConfig::default();
        assert_eq!(all.select_default(&generated).unwrap(), generated);
        let config = CodegenConfig::parse(
            "app_features = true\ndefault_models = [\"sale.order\", \"res.*\"]",
            Path::new("c.toml"),
        )
        .unwrap();
        assert_eq!(
            config.select_default(&generated).unwrap(),
            ["res.partner", "res.partner.bank", "sale.order"]
        );
        let typo = CodegenConfig {
            default_models: Some(vec!["sale.ordr".into()]),
            ..CodegenConfig::default()
        };
        let err = typo.select_default(&generated).unwrap_err().to_string();
        assert!(
            err.contains("sale.ordr") && err.contains("default_models"),
            "{err}"
        );
    }

    #[test]
    fn unknown_model_is_an_error_with_a_suggestion() {
        let config = CodegenConfig {
            include: vec!["res.partnr".into()],
            ..CodegenConfig::default()
        };
        let err = config
            .select(AVAILABLE.iter().copied(), "the snapshot")
            .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("res.partnr") && msg.contains("res.partner"),
            "{msg}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = CodegenConfig::parse("includes = []", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("includes"), "{err}");
    }
}
