//! How each field of each generated struct reads and writes: the facts that
//! the struct, its decoder and its schema share.

use super::plain;
use crate::ir::{FieldEntry, FieldKind};

/// Which struct a field is emitted into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Read,
    Create,
    Update,
}

/// How one field of one struct reads and writes: decided once, used by the
/// struct, its decoder and its schema alike.
pub(super) struct Shape<'a> {
    pub field: &'a FieldEntry,
    pub role: Role,
    /// `Option<…>` in Rust, `null` allowed in the schema.
    pub optional: bool,
    /// Absent from the input is fine: `None`, or for a read an empty list (x2many)
    /// or `false` (a computed boolean).
    pub has_default: bool,
}

impl<'a> Shape<'a> {
    pub fn new(field: &'a FieldEntry, role: Role) -> Self {
        let is_x2many = field.kind() == FieldKind::X2many;
        let optional = match role {
            // `false` is a boolean's value and an empty x2many is an empty list.
            Role::Read => !field.required && field.kind() != FieldKind::Boolean && !is_x2many,
            Role::Create => !field.create_required,
            Role::Update => true,
        };
        // A computed field may be left out of a read: its boolean reads as
        // `false` then, as its lists read empty.
        let read_default = role == Role::Read && (is_x2many || !field.stored);
        Self {
            field,
            role,
            optional,
            has_default: optional || read_default,
        }
    }

    /// The `odoo_client::value` helper that decodes the field, or `None` for
    /// its plain `Deserialize`.
    pub(super) fn decoder(&self) -> Option<&'static str> {
        let kind = self.field.kind();
        Some(match (kind, self.optional) {
            (FieldKind::Date, true) => "date::option::deserialize",
            (FieldKind::Date, false) => "date::deserialize",
            (FieldKind::Datetime, true) => "datetime::option::deserialize",
            (FieldKind::Datetime, false) => "datetime::deserialize",
            // Odoo's `false` for "empty"; a boolean's `false` must stay a value.
            (FieldKind::Boolean, _) => return None,
            (_, true) => "false_as_none",
            (FieldKind::X2many, false) if self.role == Role::Read => "ids_or_false",
            (FieldKind::Text, false) => "string_or_false",
            _ => return None,
        })
    }

    /// The `odoo_client::value` helper that encodes a date or datetime.
    pub(super) fn encoder(&self) -> Option<String> {
        let module = match self.field.kind() {
            FieldKind::Date => "date",
            FieldKind::Datetime => "datetime",
            _ => return None,
        };
        let option = if self.optional { "::option" } else { "" };
        Some(format!("::odoo_client::value::{module}{option}::serialize"))
    }
}

/// The paragraphs of a field's doc comment: label, help, then facts.
pub(super) fn doc_paragraphs(field: &FieldEntry) -> [String; 3] {
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
    if !field.stored {
        facts.push("not stored".into());
    }
    [
        plain(&field.label),
        plain(field.help.as_deref().unwrap_or("")),
        facts.join(", "),
    ]
}
