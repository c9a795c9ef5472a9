//! The IR between the snapshot and the tokens: every model with its Rust names,
//! which fields go into which struct, and the Rust shape of each field.
//!
//! All per-model facts are decided here; the emitter only prints them.

use std::collections::{BTreeMap, BTreeSet};

use odoo_client::registry::FieldType;

use crate::config::CodegenConfig;
use crate::naming::{self, Case, Namer};
use crate::snapshot::{ButtonSchema, FieldSchema, ModelSchema, Snapshot};

/// Fields Odoo maintains itself: read, never written.
const MAGIC_FIELDS: &[&str] = &[
    "id",
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "display_name",
    "__last_update",
];

/// Selections with more values than this are typed as strings.
pub const MAX_ENUM_VALUES: usize = 100;

/// The Rust shape of a field: not a second vocabulary of Odoo types but what
/// [`FieldEntry::kind`] derives from one (several types share a shape).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind<'a> {
    /// char, text, html, and selections without known values: `String`.
    Text,
    /// integer: `i64`.
    Integer,
    /// float, monetary: `f64`.
    Float,
    /// boolean: `bool`, never optional (`false` is a value).
    Boolean,
    /// date: `chrono::NaiveDate`.
    Date,
    /// datetime: `chrono::NaiveDateTime`, UTC.
    Datetime,
    /// selection: a generated enum.
    Selection { enum_name: &'a str },
    /// many2one: `Many2One` when read, an id when written.
    Many2one,
    /// one2many, many2many: a list of ids.
    X2many,
    /// binary: base64 `String`.
    Binary,
    /// reference: `"model,id"` `String`.
    Reference,
    /// json, properties, properties_definition, and any type this version does not know.
    Json,
    /// many2one_reference: the id, an `i64`.
    Many2oneReference,
}

#[derive(Debug, Clone)]
pub struct FieldEntry {
    pub odoo_name: String,
    pub ident: String,
    pub ttype: FieldType,
    /// The generated enum of a selection with known values; other selections
    /// are strings (see [`FieldKind::Text`]).
    pub enum_name: Option<String>,
    pub label: String,
    pub help: Option<String>,
    pub required: bool,
    /// Must be given to `create`. Not for fields Odoo fills itself although it
    /// calls them required: non-stored ones (related/computed, set through their
    /// source), computed ones and ones with a default (`default_get`: a
    /// sequence's `New`, the current company, today), the link to an
    /// `_inherits` parent, which Odoo creates, and
    /// booleans and selections: `false` satisfies a boolean and Odoo gives required
    /// selections defaults (`ir.model.fields` does not say which; if one has none,
    /// Odoo's own validation error names it); one2many and many2many, which a
    /// model's `create` fills (an employee's first version); a line's link to
    /// its parent, which the parent fills when it makes its lines inline
    /// (alone, Odoo's own error asks for it).
    pub create_required: bool,
    pub readonly: bool,
    /// Kept in the database; the others are computed or related.
    pub stored: bool,
    pub relation: Option<String>,
    /// A one2many or many2many written with Odoo's commands: the generated
    /// types of the records they create and update, when the target model
    /// has them in the same crate (else plain maps of values).
    pub comodel: Option<ComodelTypes>,
}

/// The create and update types of a relational field's target model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComodelTypes {
    /// Its module in the crate that holds both models.
    pub module: String,
    pub create: String,
    pub update: String,
    /// The target is the model itself (e.g. a partner's contacts).
    pub own: bool,
}

impl FieldEntry {
    /// Read by a typed read (`Model::FIELDS`): stored fields, and computed
    /// ones but blobs (files, documents, lists of records, properties: too
    /// costly when Odoo computes them on each read); never one named like a secret.
    pub fn read_by_default(&self) -> bool {
        (self.stored || !self.ttype.is_blob())
            && !odoo_client::registry::is_credential(&self.odoo_name)
    }

    /// The field's Rust shape, from its Odoo type.
    pub fn kind(&self) -> FieldKind<'_> {
        match self.ttype {
            FieldType::Char | FieldType::Text | FieldType::Html => FieldKind::Text,
            FieldType::Integer => FieldKind::Integer,
            FieldType::Float | FieldType::Monetary => FieldKind::Float,
            FieldType::Boolean => FieldKind::Boolean,
            FieldType::Date => FieldKind::Date,
            FieldType::Datetime => FieldKind::Datetime,
            FieldType::Selection => match &self.enum_name {
                Some(enum_name) => FieldKind::Selection { enum_name },
                None => FieldKind::Text,
            },
            FieldType::Many2one => FieldKind::Many2one,
            FieldType::One2many | FieldType::Many2many => FieldKind::X2many,
            FieldType::Binary => FieldKind::Binary,
            FieldType::Reference => FieldKind::Reference,
            FieldType::Many2oneReference => FieldKind::Many2oneReference,
            FieldType::Json
            | FieldType::Properties
            | FieldType::PropertiesDefinition
            | FieldType::Other(_) => FieldKind::Json,
        }
    }
}

#[derive(Debug, Clone)]
pub struct VariantEntry {
    pub ident: String,
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct EnumEntry {
    pub name: String,
    /// The Odoo field it types.
    pub field: String,
    pub label: String,
    pub variants: Vec<VariantEntry>,
    /// The variant that keeps values unknown at generation time (`Unknown`).
    pub unknown: String,
}

#[derive(Debug, Clone)]
pub struct WriteTypes {
    pub create: String,
    pub update: String,
    pub fields: Vec<FieldEntry>,
}

#[derive(Debug, Clone)]
pub struct ModelEntry {
    pub model: String,
    pub label: String,
    pub info: Option<String>,
    pub module: String,
    pub type_name: String,
    /// Every readable field, stored or computed; `id` first, then by name.
    pub read_fields: Vec<FieldEntry>,
    /// `None` for abstract models and models with nothing writable.
    pub write: Option<WriteTypes>,
    pub enums: Vec<EnumEntry>,
    /// Cargo features that build the model, any one of them (config
    /// `app_features`); empty: always built.
    pub features: Vec<String>,
    /// The part crate that holds it (0-based), when [`ModelSpace::parts`] > 1.
    pub part: usize,
    /// The object buttons of its form.
    pub buttons: Vec<ButtonSchema>,
}

/// Every model to emit, by technical name.
#[derive(Debug, Clone, Default)]
pub struct ModelSpace {
    pub models: BTreeMap<String, ModelEntry>,
    /// The models whose typed tools odoo-mcp lists unless told otherwise
    /// (config `default_models`; every model when it is unset).
    pub default_models: Vec<String>,
    /// How many part crates hold the models (1: the crate itself holds them).
    pub parts: usize,
}

/// The feature of the models that `default_models` names, on by default.
pub const CURATED_FEATURE: &str = "curated";

/// Feature names the manifest uses itself; an app of that name gets `app-`.
const RESERVED_FEATURES: &[&str] = &["default", CURATED_FEATURE, "all"];

/// The features that build a model: `curated` if it is a default model, then
/// one per app in `ir.model`'s `modules` ("account, sale, …").
fn features_of(schema: &ModelSchema, curated: bool) -> Vec<String> {
    let mut features: Vec<String> = curated
        .then(|| CURATED_FEATURE.to_string())
        .into_iter()
        .collect();
    for app in schema
        .modules
        .split(',')
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let feature = if RESERVED_FEATURES.contains(&app) {
            format!("app-{app}")
        } else {
            app.to_string()
        };
        if !features.contains(&feature) {
            features.push(feature);
        }
    }
    features
}

/// How many same-name related fields mark a many2one as an `_inherits` link.
/// Delegation mirrors every parent field (res.users → res.partner: 179); an
/// ordinary required many2one mirrors a few (sale.order.line → order: 4).
const DELEGATION_MIRRORS: usize = 5;

/// The required many2one fields that link to an `_inherits` parent.
fn delegated_links(schema: &ModelSchema) -> Vec<&str> {
    schema
        .fields
        .iter()
        .filter(|f| f.ttype == FieldType::Many2one && f.required)
        .filter(|link| {
            let mirrors = schema
                .fields
                .iter()
                .filter(|f| {
                    f.related.as_deref().is_some_and(|r| {
                        r.strip_prefix(link.name.as_str())
                            .and_then(|rest| rest.strip_prefix('.'))
                            == Some(f.name.as_str())
                    })
                })
                .count();
            mirrors >= DELEGATION_MIRRORS
        })
        .map(|f| f.name.as_str())
        .collect()
}

/// Whether `line` is a model of `parent`'s lines: named under it
/// (sale.order.line under sale.order).
fn is_line_of(parent: &str, line: &str) -> bool {
    line.strip_prefix(parent)
        .is_some_and(|rest| rest.starts_with('.'))
}

/// Every field Odoo reads for this user, stored or computed.
fn is_read_field(field: &FieldSchema) -> bool {
    field.readable
}

/// Writable fields; one2many and many2many ones take Odoo's commands (`X2Many`).
fn is_write_field(field: &FieldSchema) -> bool {
    field.readable && !field.readonly && !MAGIC_FIELDS.contains(&field.name.as_str())
}

impl ModelSpace {
    /// Builds the IR of the models `config` selects in `snapshot`.
    ///
    /// Errors when a configured model is not in the snapshot.
    pub fn build(
        snapshot: &Snapshot,
        config: &CodegenConfig,
        origin: &str,
    ) -> Result<Self, crate::Error> {
        let selected = config.select(snapshot.models.iter().map(|m| m.model.as_str()), origin)?;
        let schemas: Vec<&ModelSchema> = selected
            .iter()
            .filter_map(|name| snapshot.model(name))
            .collect();
        let mut space = Self::from_models(&schemas, config.include_custom_fields);
        let defaults = config.select_default(&selected)?;
        space.default_models = defaults.clone();
        if config.app_features {
            for schema in &schemas {
                if let Some(entry) = space.models.get_mut(&schema.model) {
                    entry.features = features_of(schema, defaults.contains(&schema.model));
                }
            }
            space.build_lines_with_their_models();
        }
        space.split(config.parts_for(space.models.len()));
        space.link_comodels();
        Ok(space)
    }

    /// A model's lines (a one2many to a model named under it, e.g.
    /// sale.order → sale.order.line) are built with every app of the model,
    /// so that its typed create can always make them inline.
    fn build_lines_with_their_models(&mut self) {
        // Until nothing changes: the lines of a line follow the top model too.
        while self.pull_lines_into_features() {}
    }

    /// One round of [`Self::build_lines_with_their_models`]; true when a
    /// line's features changed.
    fn pull_lines_into_features(&mut self) -> bool {
        let mut changed = false;
        let mut pulls: Vec<(String, Vec<String>)> = Vec::new();
        for entry in self.models.values() {
            let Some(write) = &entry.write else { continue };
            for field in write
                .fields
                .iter()
                .filter(|f| f.ttype == FieldType::One2many)
            {
                let Some(line) = field.relation.as_deref() else {
                    continue;
                };
                if is_line_of(&entry.model, line) && self.models.contains_key(line) {
                    pulls.push((line.to_string(), entry.features.clone()));
                }
            }
        }
        for (line, features) in pulls {
            let Some(entry) = self.models.get_mut(&line) else {
                continue;
            };
            if features.is_empty() {
                // Its model is always built: so is it.
                changed |= !entry.features.is_empty();
                entry.features.clear();
            } else if !entry.features.is_empty() {
                for feature in features {
                    if !entry.features.contains(&feature) {
                        entry.features.push(feature);
                        changed = true;
                    }
                }
            }
        }
        changed
    }

    /// Types the commands of each writable one2many and many2many field with
    /// its target's create and update types, where the target is built
    /// whenever the model is (same crate, and every app feature of the model
    /// builds it too).
    pub fn link_comodels(&mut self) {
        let targets: BTreeMap<String, (ComodelTypes, usize, Vec<String>)> = self
            .models
            .values()
            .filter_map(|m| {
                let write = m.write.as_ref()?;
                let types = ComodelTypes {
                    module: m.module.clone(),
                    create: write.create.clone(),
                    update: write.update.clone(),
                    own: false,
                };
                Some((m.model.clone(), (types, m.part, m.features.clone())))
            })
            .collect();
        for entry in self.models.values_mut() {
            let (part, features) = (entry.part, entry.features.clone());
            let model = entry.model.clone();
            let Some(write) = entry.write.as_mut() else {
                continue;
            };
            for field in write.fields.iter_mut() {
                if field.kind() != FieldKind::X2many {
                    continue;
                }
                field.comodel = field
                    .relation
                    .as_deref()
                    .and_then(|r| targets.get(r))
                    .filter(|(_, target_part, target_features)| {
                        *target_part == part
                            && (target_features.is_empty()
                                || (!features.is_empty()
                                    && features.iter().all(|f| target_features.contains(f))))
                    })
                    .map(|(types, _, _)| ComodelTypes {
                        own: field.relation.as_deref() == Some(model.as_str()),
                        ..types.clone()
                    });
            }
        }
    }

    /// Deals the models, in name order, into `parts` runs of about equal
    /// weight (fields to compile): runs, so that a new model moves few others.
    pub fn split(&mut self, parts: usize) {
        let parts = parts.max(1);
        let weight = |m: &ModelEntry| {
            1 + m.read_fields.len() + m.write.as_ref().map_or(0, |w| 2 * w.fields.len())
        };
        let total: usize = self.models.values().map(weight).sum();
        let mut before = 0;
        for entry in self.models.values_mut() {
            let w = weight(entry);
            // The part in which the model's middle falls.
            entry.part = ((2 * before + w) * parts / (2 * total.max(1))).min(parts - 1);
            before += w;
        }
        self.parts = parts;
    }

    /// The part crates to write: none when the crate itself holds every model.
    pub fn part_crates(&self) -> usize {
        if self.parts > 1 { self.parts } else { 0 }
    }

    /// Every app feature of the models, sorted (without `curated`).
    pub fn app_features(&self) -> Vec<String> {
        let mut apps: Vec<String> = self
            .models
            .values()
            .flat_map(|m| m.features.iter())
            .filter(|f| *f != CURATED_FEATURE)
            .cloned()
            .collect();
        apps.sort();
        apps.dedup();
        apps
    }

    /// Builds the IR of exactly these models.
    pub fn from_models(schemas: &[&ModelSchema], include_custom_fields: bool) -> Self {
        // Type names are unique across the crate so that lib.rs can re-export them:
        // model structs claim theirs first, then write types, then enums.
        let mut types = Namer::new();
        let mut modules = Namer::new();
        let mut entries: Vec<ModelEntry> = schemas
            .iter()
            .map(|schema| ModelEntry {
                model: schema.model.clone(),
                label: schema.label.clone(),
                info: schema.info.clone(),
                module: modules.unique(naming::module_name(&schema.model), Case::Snake),
                type_name: types.unique(naming::type_name(&[&schema.model]), Case::Camel),
                read_fields: Vec::new(),
                write: None,
                enums: Vec::new(),
                features: Vec::new(),
                part: 0,
                buttons: schema.buttons.clone(),
            })
            .collect();
        let mut write_names = Vec::new();
        for (entry, schema) in entries.iter().zip(schemas) {
            let writable = !schema.is_abstract && schema.fields.iter().any(is_write_field);
            write_names.push(writable.then(|| {
                (
                    types.unique(format!("{}Create", entry.type_name), Case::Camel),
                    types.unique(format!("{}Update", entry.type_name), Case::Camel),
                )
            }));
        }
        let inverses = line_inverses(schemas);
        for ((entry, schema), names) in entries.iter_mut().zip(schemas).zip(write_names) {
            let fields: Vec<&FieldSchema> = schema
                .fields
                .iter()
                .filter(|f| include_custom_fields || !f.is_custom())
                .filter(|f| is_read_field(f) || is_write_field(f))
                .collect();
            let delegated = delegated_links(schema);
            let odoo_names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            let idents = naming::field_names(&odoo_names);
            let mut all = Vec::new();
            for (field, ident) in fields.iter().zip(idents) {
                let enum_name = selection_enum(field, entry, &mut types);
                let mut entry_field = field_entry(field, ident, enum_name);
                entry_field.create_required &= !delegated.contains(&field.name.as_str())
                    && !inverses.contains(&(schema.model.as_str(), field.name.as_str()));
                all.push((is_read_field(field), is_write_field(field), entry_field));
            }
            entry.fill(all, names);
        }
        let default_models = entries.iter().map(|e| e.model.clone()).collect();
        let mut space = ModelSpace {
            models: entries.into_iter().map(|e| (e.model.clone(), e)).collect(),
            default_models,
            parts: 1,
        };
        space.link_comodels();
        space
    }
}

impl ModelEntry {
    /// Its read fields (`id` first) and write types from its fields, each
    /// with whether it is read and written.
    fn fill(&mut self, all: Vec<(bool, bool, FieldEntry)>, names: Option<(String, String)>) {
        let mut read: Vec<FieldEntry> = all
            .iter()
            .filter(|(r, _, _)| *r)
            .map(|(_, _, f)| f.clone())
            .collect();
        // `id` first: it is what every caller looks at.
        read.sort_by_key(|f| f.odoo_name != "id");
        self.read_fields = read;
        self.write = names.map(|(create, update)| WriteTypes {
            create,
            update,
            fields: all
                .into_iter()
                .filter(|(_, w, _)| *w)
                .map(|(_, _, f)| f)
                .collect(),
        });
    }
}

/// The many2one of each line to its parent (sale.order.line.order_id), as
/// (line model, field): the parent fills it when it makes its lines inline.
fn line_inverses<'a>(schemas: &[&'a ModelSchema]) -> BTreeSet<(&'a str, &'a str)> {
    schemas
        .iter()
        .flat_map(|s| s.fields.iter().map(move |f| (s.model.as_str(), f)))
        .filter(|(_, f)| f.ttype == FieldType::One2many)
        .filter_map(|(parent, f)| {
            let line = f.relation.as_deref()?;
            is_line_of(parent, line).then_some((line, f.relation_field.as_deref()?))
        })
        .collect()
}

/// The enum that types a selection field, named and added to the model's
/// enums; `None` for the fields that stay strings.
fn selection_enum(
    field: &FieldSchema,
    entry: &mut ModelEntry,
    types: &mut Namer,
) -> Option<String> {
    // Selections filled by a method list no values in
    // `ir.model.fields.selection`, and an enum of nothing but `Unknown`
    // would only get in the way; time zones list ~600, too many for a
    // tool schema an assistant has to read. Both stay strings.
    let typed = field.ttype == FieldType::Selection
        && !field.selection.is_empty()
        && field.selection.len() <= MAX_ENUM_VALUES;
    typed.then(|| {
        let name = types.unique(
            naming::type_name(&[&entry.type_name, &field.name]),
            Case::Camel,
        );
        entry.enums.push(enum_entry(&name, field));
        name
    })
}

/// The IR of one field, as its own schema says it (see
/// [`FieldEntry::create_required`] for what the model's other fields add).
fn field_entry(field: &FieldSchema, ident: String, enum_name: Option<String>) -> FieldEntry {
    if let FieldType::Other(other) = field.ttype {
        tracing::warn!(
            ttype = other,
            "unknown Odoo field type, typed as serde_json::Value"
        );
    }
    FieldEntry {
        odoo_name: field.name.clone(),
        ident,
        ttype: field.ttype,
        enum_name,
        label: field.label.clone(),
        help: field.help.clone(),
        // Every record has an id, whatever the metadata says. A
        // computed field can be empty whatever its definition says.
        required: (field.required && field.store) || field.name == "id",
        create_required: field.required
            && field.store
            && !field.computed
            && !field.has_default
            && !matches!(
                field.ttype,
                FieldType::Boolean
                    | FieldType::Selection
                    | FieldType::One2many
                    | FieldType::Many2many
            ),
        readonly: field.readonly,
        stored: field.store || field.name == "id",
        relation: field.relation.clone(),
        comodel: None,
    }
}

fn enum_entry(name: &str, field: &FieldSchema) -> EnumEntry {
    let mut namer = Namer::new();
    // Named after serde's `#[serde(other)] Unknown` convention; "other" is a
    // common Odoo value and keeps the plain `Other`.
    let unknown = namer.unique("Unknown".into(), Case::Camel);
    let mut seen = std::collections::BTreeSet::new();
    let variants = field
        .selection
        .iter()
        // Odoo keeps values unique per field; a duplicate would be an unreachable arm.
        .filter(|(value, _)| seen.insert(value.clone()))
        .map(|(value, label)| VariantEntry {
            ident: namer.unique(naming::variant_name(value), Case::Camel),
            value: value.clone(),
            label: label.clone(),
        })
        .collect();
    EnumEntry {
        name: name.to_string(),
        field: field.name.clone(),
        label: field.label.clone(),
        variants,
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, ttype: &str) -> FieldSchema {
        FieldSchema {
            name: name.into(),
            ttype: FieldType::parse(ttype),
            label: name.into(),
            help: None,
            required: false,
            readonly: false,
            store: true,
            readable: true,
            state: "base".into(),
            relation: None,
            relation_field: None,
            related: None,
            selection: vec![],
            computed: false,
            has_default: false,
        }
    }

    fn model(name: &str, fields: Vec<FieldSchema>) -> ModelSchema {
        ModelSchema {
            model: name.into(),
            label: name.into(),
            info: None,
            transient: false,
            is_abstract: false,
            modules: String::new(),
            fields,
            buttons: Vec::new(),
        }
    }

    #[test]
    fn split_deals_runs_of_about_equal_weight_in_name_order() {
        let schemas: Vec<ModelSchema> = ["a.one", "b.two", "c.three", "d.four"]
            .iter()
            .map(|name| model(name, vec![field("name", "char"), field("note", "text")]))
            .collect();
        let refs: Vec<&ModelSchema> = schemas.iter().collect();
        let mut space = ModelSpace::from_models(&refs, true);
        let parts =
            |space: &ModelSpace| -> Vec<usize> { space.models.values().map(|m| m.part).collect() };
        assert_eq!(space.parts, 1);
        assert_eq!(parts(&space), [0, 0, 0, 0]);
        space.split(2);
        assert_eq!((space.parts, parts(&space)), (2, vec![0, 0, 1, 1]));
        space.split(4);
        assert_eq!(parts(&space), [0, 1, 2, 3]);
        // A model heavier than the others counts for more.
        let mut heavy = schemas[0].clone();
        heavy
            .fields
            .extend((0..20).map(|i| field(&format!("f{i}"), "char")));
        let mut refs = refs.clone();
        refs[0] = &heavy;
        let mut space = ModelSpace::from_models(&refs, true);
        space.split(2);
        assert_eq!(parts(&space), [0, 1, 1, 1]);
        space.split(0);
        assert_eq!((space.parts, parts(&space)), (1, vec![0, 0, 0, 0]));
    }

    #[test]
    fn read_and_write_sets() {
        let mut readonly = field("total", "monetary");
        readonly.readonly = true;
        let mut computed = field("display_name", "char");
        computed.store = false;
        computed.readonly = true;
        let mut inverse = field("password", "char");
        inverse.store = false;
        let mut hidden = field("secret", "integer");
        hidden.readable = false;
        let mut custom = field("x_note", "char");
        custom.state = "manual".into();
        let mut lines = field("line_ids", "one2many");
        lines.store = false;
        lines.required = true;
        let schema = model(
            "a.b",
            vec![
                field("child_ids", "one2many"),
                computed,
                field("id", "integer"),
                field("name", "char"),
                inverse,
                hidden,
                readonly,
                custom,
                lines,
            ],
        );
        let space = ModelSpace::from_models(&[&schema], true);
        let entry = &space.models["a.b"];
        let read: Vec<_> = entry
            .read_fields
            .iter()
            .map(|f| f.odoo_name.as_str())
            .collect();
        // Computed fields too; a costly one is read only when asked for, and
        // none is required (a computed value can be empty).
        assert_eq!(
            read,
            [
                "id",
                "child_ids",
                "display_name",
                "name",
                "password",
                "total",
                "x_note",
                "line_ids"
            ]
        );
        let by_default: Vec<_> = entry
            .read_fields
            .iter()
            .filter(|f| f.read_by_default())
            .map(|f| f.odoo_name.as_str())
            .collect();
        // Nor one named like a secret.
        assert_eq!(
            by_default,
            ["id", "child_ids", "display_name", "name", "total", "x_note"]
        );
        let line_ids = entry.read_fields.iter().find(|f| f.odoo_name == "line_ids");
        assert!(line_ids.is_some_and(|f| !f.required && !f.stored));
        let write = entry.write.as_ref().unwrap();
        let names: Vec<_> = write.fields.iter().map(|f| f.odoo_name.as_str()).collect();
        // one2many fields too: they take Odoo's commands.
        assert_eq!(
            names,
            ["child_ids", "name", "password", "x_note", "line_ids"]
        );
        assert_eq!(
            (write.create.as_str(), write.update.as_str()),
            ("ABCreate", "ABUpdate")
        );

        let without_custom = ModelSpace::from_models(&[&schema], false);
        assert!(
            without_custom.models["a.b"]
                .read_fields
                .iter()
                .all(|f| f.odoo_name != "x_note")
        );
    }

    #[test]
    fn commands_are_typed_by_their_target_built_with_the_model() {
        let mut lines = field("line_ids", "one2many");
        lines.relation = Some("a.b.line".into());
        let mut tags = field("tag_ids", "many2many");
        tags.relation = Some("a.tag".into());
        let order = model("a.b", vec![field("name", "char"), lines, tags]);
        let line = model("a.b.line", vec![field("name", "char")]);
        let mut space = ModelSpace::from_models(&[&order, &line], true);
        let comodel = |space: &ModelSpace, name: &str| {
            let write = space.models["a.b"].write.as_ref().unwrap();
            let field = write.fields.iter().find(|f| f.odoo_name == name).unwrap();
            field.comodel.clone()
        };
        let typed = comodel(&space, "line_ids").expect("a.b.line is generated");
        assert_eq!(
            (typed.module.as_str(), typed.create.as_str()),
            ("a_b_line", "ABLineCreate")
        );
        assert_eq!(comodel(&space, "tag_ids"), None, "a.tag is not generated");
        // Lines are built with every app of their model; another part is out of reach.
        space.models.get_mut("a.b").unwrap().features = vec!["sale".into(), "crm".into()];
        space.models.get_mut("a.b.line").unwrap().features = vec!["sale".into()];
        space.link_comodels();
        assert_eq!(comodel(&space, "line_ids"), None);
        space.build_lines_with_their_models();
        space.link_comodels();
        assert_eq!(space.models["a.b.line"].features, ["sale", "crm"]);
        assert!(comodel(&space, "line_ids").is_some());
        space.models.get_mut("a.b.line").unwrap().part = 1;
        space.link_comodels();
        assert_eq!(comodel(&space, "line_ids"), None);
    }

    #[test]
    fn type_names_are_unique_across_models() {
        let mut state = field("create", "selection");
        state.selection = vec![("a".into(), "A".into())];
        let a = model(
            "a",
            vec![field("id", "integer"), field("name", "char"), state],
        );
        let a_create = model("a.create", vec![field("id", "integer")]);
        let space = ModelSpace::from_models(&[&a, &a_create], true);
        assert_eq!(space.models["a.create"].type_name, "ACreate");
        let write = space.models["a"].write.as_ref().unwrap();
        assert_eq!(write.create, "ACreate2");
        assert_eq!(space.models["a"].enums[0].name, "ACreate3");
    }

    #[test]
    fn selection_variants_handle_odd_values() {
        let mut priority = field("priority", "selection");
        priority.selection = ["0", "1", "-1", "", "a-b", "a_b", "other", "unknown"]
            .iter()
            .map(|v| (v.to_string(), v.to_string()))
            .chain([("0".to_string(), "dup".to_string())])
            .collect();
        let schema = model("m", vec![priority]);
        let space = ModelSpace::from_models(&[&schema], true);
        let entry = &space.models["m"].enums[0];
        let idents: Vec<_> = entry.variants.iter().map(|v| v.ident.as_str()).collect();
        assert_eq!(
            idents,
            [
                "V0", "V1", "Neg1", "Empty", "AB", "AB2", "Other", "Unknown2"
            ]
        );
        assert_eq!(entry.unknown, "Unknown");
    }

    #[test]
    fn create_requires_only_what_odoo_does_not_fill() {
        let mut partner_id = field("partner_id", "many2one");
        partner_id.required = true;
        let mut order_id = field("order_id", "many2one");
        order_id.required = true;
        let mut related_required = field("group_on", "selection");
        related_required.required = true;
        related_required.store = false;
        let mut defaulted = vec![related_required];
        for (name, ttype) in [("active", "boolean"), ("autopost_bills", "selection")] {
            let mut f = field(name, ttype);
            f.required = true;
            defaulted.push(f);
        }
        let mut fields = vec![partner_id, order_id];
        fields.extend(defaulted);
        for name in ["name", "email", "phone", "street", "city"] {
            let mut mirror = field(name, "char");
            mirror.store = false;
            mirror.related = Some(format!("partner_id.{name}"));
            fields.push(mirror);
        }
        let space = ModelSpace::from_models(&[&model("res.users", fields)], true);
        let write = space.models["res.users"].write.as_ref().unwrap();
        let required: Vec<_> = write
            .fields
            .iter()
            .filter(|f| f.create_required)
            .map(|f| f.odoo_name.as_str())
            .collect();
        assert_eq!(required, ["order_id"]);
    }

    #[test]
    fn abstract_models_have_no_write_types() {
        let mut schema = model("mail.thread", vec![field("name", "char")]);
        schema.is_abstract = true;
        let space = ModelSpace::from_models(&[&schema], true);
        assert!(space.models["mail.thread"].write.is_none());
    }
}
