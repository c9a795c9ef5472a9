//! The columns a model's default list view shows: what a person sees first in
//! Odoo, and so what a search answers without `fields`.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use odoo_client::views::{always, attribute};

/// The fields of the list's own columns (`<field>` children of the root), in
/// order, without the ones never shown: `column_invisible` or `invisible` set
/// to true, `optional="hide"`, and drag handles. A column shown under a
/// condition counts as shown. Fields of nested views (an x2many's own list)
/// are not the list's columns.
pub fn visible_columns(arch: &str) -> Vec<String> {
    let mut reader = Reader::from_str(arch);
    let mut depth = 0usize;
    let mut columns = Vec::new();
    loop {
        let (element, opens) = match reader.read_event() {
            Ok(Event::Start(element)) => (element, true),
            Ok(Event::Empty(element)) => (element, false),
            Ok(Event::End(_)) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        if depth == 1
            && element.name().as_ref() == "field"
            && let Some(name) = shown_field(&element)
            && !columns.contains(&name)
        {
            columns.push(name);
        }
        if opens {
            depth += 1;
        }
    }
    columns
}

/// The field a `<field>` element shows as a column, if it does.
fn shown_field(element: &BytesStart<'_>) -> Option<String> {
    let attribute = |key: &str| attribute(element, key);
    let always = |value: Option<String>| value.as_deref().is_some_and(always);
    if always(attribute("column_invisible"))
        || always(attribute("invisible"))
        || attribute("optional").as_deref() == Some("hide")
        || attribute("widget").as_deref() == Some("handle")
    {
        return None;
    }
    attribute("name").filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Odoo 19's res.partner list view (demo data), as `get_views` answers it.
    const PARTNERS: &str = r#"<list string="Contacts" sample="1" multi_edit="1">
        <field name="avatar_128" widget="image" width="30" nolabel="1"/>
        <field name="complete_name" string="Name" column_invisible="true" on_change="1"/>
        <field name="display_name" string="Name"/>
        <field name="vat" optional="hide" readonly="1"/>
        <field name="invoice_sending_method" optional="hide" invisible="1" column_invisible="1"/>
        <field name="currency_id" column_invisible="True"/>
        <field name="email" optional="show"/>
        <field name="phone" class="o_force_ltr" optional="show"/>
        <field name="user_id" optional="hide" widget="many2one_avatar_user" domain="[('share', '=', False)]"/>
        <field name="country_id" optional="show" readonly="1"/>
        <field name="company_id" readonly="1" invisible="not company_id"/>
    </list>"#;

    #[test]
    fn shown_columns_in_order() {
        assert_eq!(
            visible_columns(PARTNERS),
            [
                "avatar_128",
                "display_name",
                "email",
                "phone",
                "country_id",
                "company_id"
            ]
        );
    }

    #[test]
    fn nested_views_headers_and_handles_are_not_columns() {
        let arch = r#"<tree editable="bottom">
            <header><button name="action_confirm" type="object" string="Confirm"/></header>
            <field name="sequence" widget="handle"/>
            <field name="name"/>
            <field name="order_line"><tree><field name="product_id"/></tree></field>
            <field name="state" column_invisible="context.get('hide_state')"/>
        </tree>"#;
        assert_eq!(visible_columns(arch), ["name", "order_line", "state"]);
        assert!(visible_columns("not xml <").is_empty());
    }
}
