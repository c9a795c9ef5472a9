//! What a form view (`get_views`' arch) offers a person: the fields it shows
//! and the buttons it runs (`type="object"`), each with the condition under
//! which Odoo hides it. The generator reads a model's buttons from it, the
//! server a wizard's fields and whether a button shows on a record.

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use serde_json::{Map, Value, json};

use crate::OdooClient;
use crate::suggest::{close_matches, did_you_mean};

/// The arch of `model`'s default view of type `view` (`form`, `list`; `tree`
/// before Odoo 17) from `get_views`, asked in `context`; `None` when Odoo
/// answers without one.
pub async fn default_arch(
    client: &OdooClient,
    model: &str,
    view: &str,
    context: Option<&Map<String, Value>>,
) -> crate::Result<Option<String>> {
    let mut views = Map::new();
    views.insert("views".into(), json!([[false, view]]));
    views.insert("options".into(), json!({}));
    let answer = client
        .execute(model, "get_views", None, views, context)
        .await?;
    Ok(answer["views"][view]["arch"].as_str().map(str::to_string))
}

/// A `type="object"` button: pressing it calls `method` on the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub method: String,
    /// The button's text; several buttons of one method (shown in different
    /// states) are one entry with their texts joined by " / ".
    pub label: String,
    /// Odoo's `invisible` expression, when the button is hidden in some states;
    /// `None` when one of its buttons always shows.
    pub hidden_when: Option<String>,
    /// A smart button (`oe_stat_button`, in the form's button box): it counts
    /// and opens related records rather than moving the record along.
    pub stat: bool,
    /// A server action of the model's Action menu (`binding_model_id`): its
    /// id on this instance; `method` is then the action's xml id, which no
    /// method name can be (it has a dot).
    pub server_action: Option<i64>,
}

/// A server action bound to a model (its Action menu), as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BoundAction {
    pub id: i64,
    /// Its xml id, e.g. `purchase.action_confirm_rfqs`: the same on every
    /// instance, so the name a caller and the generated code use.
    pub xml_id: String,
    pub label: String,
}

impl BoundAction {
    pub fn button(&self) -> Button {
        Button {
            method: self.xml_id.clone(),
            label: self.label.clone(),
            hidden_when: None,
            stat: false,
            server_action: Some(self.id),
        }
    }
}

/// The view type of a list: `list` on Odoo 18+, `tree` below.
pub fn list_view_type(major: u32) -> &'static str {
    if major >= 18 { "list" } else { "tree" }
}

/// The archs of `model`'s list views as the user sees them (`get_views`
/// applies inheritance and groups): the default one, then the other primary
/// ones, which the menus open (the inventory count list of `stock.quant`, the
/// purchase list with its Create Bills). Finding those needs `ir.ui.view`
/// read access (administrators); without it, the default list alone.
pub async fn list_archs(client: &OdooClient, model: &str) -> crate::Result<Vec<String>> {
    let view = list_view_type(client.version().await?.major);
    let mut archs: Vec<String> = default_arch(client, model, view, None)
        .await?
        .into_iter()
        .collect();
    let domain = json!([
        ["model", "=", model],
        ["type", "=", view],
        ["mode", "=", "primary"]
    ]);
    let mut search = Map::new();
    search.insert("domain".into(), domain);
    search.insert("order".into(), json!("priority, id"));
    let ids = match client
        .execute("ir.ui.view", "search", None, search, None)
        .await
    {
        Ok(ids) => ids,
        Err(crate::Error::AccessDenied(_)) => return Ok(archs),
        Err(error) => return Err(error),
    };
    for id in ids
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
    {
        let mut views = Map::new();
        views.insert("views".into(), json!([[id, view]]));
        views.insert("options".into(), json!({}));
        // One other list Odoo will not give (a module's broken view) is skipped.
        let answer = match client.execute(model, "get_views", None, views, None).await {
            Ok(answer) => answer,
            Err(error) if error.is_transport() => return Err(error),
            Err(_) => continue,
        };
        if let Some(arch) = answer["views"][view]["arch"].as_str()
            && !archs.iter().any(|a| a == arch)
        {
            archs.push(arch.to_string());
        }
    }
    Ok(archs)
}

/// The server actions bound to `model` that the user may run (Odoo's
/// `get_bindings` filters them by groups), in Odoo's order. Window actions
/// and reports are left out: a user cannot read a window action over the API
/// (its context is Python the web client evaluates), and a report prints
/// rather than moves records along. A server action without an xml id (made
/// in the interface) has no name stable across instances and is left out.
pub async fn bound_actions(client: &OdooClient, model: &str) -> crate::Result<Vec<BoundAction>> {
    let mut call = Map::new();
    call.insert("model_name".into(), json!(model));
    let bindings = client
        .execute("ir.actions.actions", "get_bindings", None, call, None)
        .await?;
    let listed: Vec<(i64, String)> = bindings["action"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|a| Some((a["id"].as_i64()?, a["name"].as_str()?.trim().to_string())))
        .collect();
    if listed.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = listed.iter().map(|(id, _)| *id).collect();
    let xml_ids = server_action_xml_ids(client, &ids).await?;
    Ok(listed
        .into_iter()
        .filter_map(|(id, label)| {
            let xml_id = xml_ids.iter().find(|(i, _)| *i == id)?.1.clone();
            Some(BoundAction { id, xml_id, label })
        })
        .collect())
}

/// The xml ids of those of `ids` that are server actions. `get_external_id`
/// answers any user over JSON/2, but its integer keys cannot travel over
/// XML-RPC: there `ir.model.data` is read (administrators; others get none).
async fn server_action_xml_ids(
    client: &OdooClient,
    ids: &[i64],
) -> crate::Result<Vec<(i64, String)>> {
    let pairs = |map: &Map<String, Value>| -> Vec<(i64, String)> {
        map.iter()
            .filter_map(|(id, xml_id)| {
                let xml_id = xml_id.as_str().filter(|x| !x.is_empty())?;
                Some((id.parse().ok()?, xml_id.to_string()))
            })
            .collect()
    };
    match client
        .execute(
            "ir.actions.server",
            "get_external_id",
            Some(ids),
            Map::new(),
            None,
        )
        .await
    {
        Ok(Value::Object(map)) => return Ok(pairs(&map)),
        Err(error) if error.is_transport() => return Err(error),
        // XML-RPC cannot send its integer-keyed answer: read ir.model.data.
        _ => {}
    }
    let mut search = Map::new();
    search.insert(
        "domain".into(),
        json!([["model", "=", "ir.actions.server"], ["res_id", "in", ids]]),
    );
    search.insert("fields".into(), json!(["module", "name", "res_id"]));
    let rows = match client
        .execute("ir.model.data", "search_read", None, search, None)
        .await
    {
        Ok(rows) => rows,
        Err(crate::Error::AccessDenied(_)) => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut found = Vec::new();
    for row in rows.as_array().into_iter().flatten() {
        if let (Some(id), Some(module), Some(name)) = (
            row["res_id"].as_i64(),
            row["module"].as_str(),
            row["name"].as_str(),
        ) && !found.iter().any(|(i, _)| *i == id)
        {
            found.push((id, format!("{module}.{name}")));
        }
    }
    Ok(found)
}

/// Every button a person can press on a model's records: the form's object
/// buttons, then those of its lists (header buttons act on the selected
/// records, row buttons on one), then its Action menu's server actions. A
/// method on several views is one button, shown wherever one of them is.
/// The answer is a `Form` of buttons alone, so that `button` and
/// `unknown_button` serve it.
pub fn known_buttons(form: &Form, lists: &[Form], actions: &[BoundAction]) -> Form {
    let mut buttons = form.buttons.clone();
    for button in lists.iter().flat_map(|list| &list.buttons) {
        add_button(&mut buttons, button.clone());
    }
    for action in actions {
        if !buttons.iter().any(|b| b.method == action.xml_id) {
            buttons.push(action.button());
        }
    }
    Form {
        buttons,
        ..Form::default()
    }
}

/// A `<field>` of the form itself (not of an x2many's nested view).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    pub hidden_when: Option<String>,
    /// `required="…"`: `Some("True")` or a condition.
    pub required_when: Option<String>,
    pub readonly_when: Option<String>,
    /// The view's own label (`string="…"`), over the field's.
    pub label: Option<String>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
    pub buttons: Vec<Button>,
    /// The form's buttons one per element, as written: where `buttons` joins
    /// a method's alternatives ("Create Payments / Create Payment"), a form
    /// shown to a person shows the one whose condition holds.
    pub button_elements: Vec<Button>,
    /// The fields the form always hides: the web client still reads them
    /// (its onchange computes from them, e.g. a wizard's active records).
    pub hidden: Vec<String>,
}

impl Form {
    fn add_button(&mut self, button: Button) {
        self.button_elements.push(button.clone());
        add_button(&mut self.buttons, button);
    }

    pub fn button(&self, method: &str) -> Option<&Button> {
        self.buttons.iter().find(|b| b.method == method)
    }

    /// Why `button` cannot be pressed on `model`'s form: the form lacks it.
    /// Names close matches and the form's buttons with their labels.
    pub fn unknown_button(&self, model: &str, button: &str) -> String {
        let buttons: Vec<String> = self
            .buttons
            .iter()
            .map(|b| format!("{} ({})", b.method, b.label))
            .collect();
        format!(
            "`{button}` is not a button of {model}'s form, lists or Action menu{}; its buttons: {}",
            did_you_mean(&close_matches(
                button,
                self.buttons.iter().map(|b| b.method.as_str()),
                3
            )),
            if buttons.is_empty() {
                "none".to_string()
            } else {
                buttons.join(", ")
            }
        )
    }
}

/// The field names an expression (Odoo's Python) reads: its names but
/// keywords, literals, what follows a dot and what is called (`context.get`).
pub fn names(expression: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = expression;
    while let Some(c) = rest.chars().next() {
        let len = match c {
            '\'' | '"' => rest[1..].find(c).map_or(rest.len(), |end| end + 2),
            c if c.is_ascii_alphabetic() || c == '_' => {
                let len = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                let called = rest[len..].trim_start().starts_with('(');
                let keyword = matches!(
                    word,
                    "and" | "or" | "not" | "in" | "is" | "True" | "False" | "None"
                );
                if !keyword && !called && !word.contains('.') {
                    names.push(word);
                }
                len
            }
            c => c.len_utf8(),
        };
        rest = &rest[len.min(rest.len())..];
    }
    names
}

/// Whether an attribute's expression is always true.
pub fn always(value: &str) -> bool {
    matches!(value.trim(), "1" | "True" | "true")
}

/// The form's shown fields and object buttons, in document order. Fields and
/// buttons that are always invisible are left out; so are the fields of
/// nested views (an x2many's own list or form) and `special` buttons (cancel).
/// An element inside hidden containers (a group, an alert) is hidden when
/// any of them is, as the web client shows it.
// long: one pass over the arch's events, each element kind handled in place.
pub fn parse(arch: &str) -> Form {
    let mut reader = Reader::from_str(arch);
    let mut form = Form::default();
    // Depth inside `<field>` elements: their children are nested views.
    let mut in_field = 0usize;
    // The `invisible` of each open element, outermost first.
    let mut containers: Vec<Option<String>> = Vec::new();
    // A button without `string` waits for its text (`<button><span>Pay</span></button>`)
    // until it closes: the depth it opened at, and the text so far, in parts:
    // children shown in turns (`invisible`) are alternatives, joined by " / ".
    let mut untitled: Option<(Button, usize, Vec<String>)> = None;
    // `<label for="x" string="…"/>`: what the form calls field x.
    let mut labels: Vec<(String, String)> = Vec::new();
    loop {
        let (element, opens) = match reader.read_event() {
            Ok(Event::Start(element)) => (element, true),
            Ok(Event::Empty(element)) => (element, false),
            Ok(Event::Text(text)) => {
                if let Some(last) = untitled.as_mut().and_then(|(_, _, parts)| parts.last_mut()) {
                    last.push_str(&text.xml10_content());
                    last.push(' ');
                }
                continue;
            }
            Ok(Event::End(end)) => {
                if let (Some((_, _, parts)), Some(Some(_))) = (untitled.as_mut(), containers.pop())
                {
                    parts.push(String::new());
                }
                if end.name().as_ref() == "field" {
                    in_field = in_field.saturating_sub(1);
                }
                if untitled
                    .as_ref()
                    .is_some_and(|(_, depth, _)| *depth == containers.len())
                    && let Some((mut button, _, parts)) = untitled.take()
                {
                    let parts: Vec<String> = parts
                        .iter()
                        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
                        .filter(|p| !p.is_empty())
                        .collect();
                    if !parts.is_empty() {
                        button.label = parts.join(" / ");
                    }
                    form.add_button(button);
                }
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let attribute = |key: &str| attribute(&element, key);
        let own = attribute("invisible").filter(|h| !is_false(h));
        if let (Some((_, _, parts)), Some(_)) = (untitled.as_mut(), &own) {
            parts.push(String::new());
        }
        let hidden = within(&containers, own.as_deref());
        if opens {
            containers.push(own);
        }
        let shown = hidden.as_deref().is_none_or(|h| !always(h));
        match element.name().as_ref() {
            "field" => {
                let name = attribute("name").filter(|n| !n.is_empty());
                if in_field == 0
                    && !shown
                    && let Some(name) = name.clone()
                    && !form.hidden.contains(&name)
                {
                    form.hidden.push(name);
                }
                // A field shown twice (the payment's difference, in an alert and in
                // the form) shows whenever one of them does.
                if in_field == 0
                    && shown
                    && let Some(name) = name.clone()
                    && let Some(field) = form.fields.iter_mut().find(|f| f.name == name)
                {
                    field.hidden_when = match (field.hidden_when.take(), hidden.clone()) {
                        (Some(a), Some(b)) if a != b => Some(format!("({a}) and ({b})")),
                        (Some(a), Some(_)) => Some(a),
                        _ => None,
                    };
                } else if in_field == 0
                    && shown
                    && let Some(name) = name
                {
                    form.fields.push(Field {
                        name,
                        hidden_when: hidden,
                        required_when: attribute("required").filter(|r| !is_false(r)),
                        readonly_when: attribute("readonly").filter(|r| !is_false(r)),
                        label: attribute("string").filter(|l| !l.is_empty()),
                    });
                }
                if opens {
                    in_field += 1;
                }
            }
            "button"
                if in_field == 0
                    && shown
                    && attribute("type").as_deref() == Some("object")
                    && attribute("special").is_none() =>
            {
                let Some(method) = attribute("name").filter(|n| !n.is_empty()) else {
                    continue;
                };
                let titled = attribute("string")
                    .or_else(|| attribute("title"))
                    .filter(|l| !l.is_empty());
                let stat = attribute("class").is_some_and(|c| c.contains("oe_stat_button"));
                let button = Button {
                    label: titled.clone().unwrap_or_else(|| method.clone()),
                    method,
                    hidden_when: hidden,
                    stat,
                    server_action: None,
                };
                match titled {
                    None if opens && untitled.is_none() => {
                        untitled = Some((button, containers.len() - 1, vec![String::new()]));
                    }
                    _ => form.add_button(button),
                }
            }
            "label" if in_field == 0 => {
                if let (Some(target), Some(text)) = (
                    attribute("for"),
                    attribute("string").filter(|t| !t.is_empty()),
                ) {
                    labels.push((target, text));
                }
            }
            _ => {}
        }
    }
    for field in form.fields.iter_mut().filter(|f| f.label.is_none()) {
        field.label = labels
            .iter()
            .find(|(target, _)| *target == field.name)
            .map(|(_, text)| text.clone());
    }
    form
}

/// An element's `invisible` with its containers': hidden when any is.
fn within(containers: &[Option<String>], own: Option<&str>) -> Option<String> {
    let all: Vec<&str> = containers
        .iter()
        .flatten()
        .map(String::as_str)
        .chain(own)
        .collect();
    if let Some(always) = all.iter().find(|h| always(h)) {
        return Some((*always).to_string());
    }
    match all[..] {
        [] => None,
        [one] => Some(one.to_string()),
        _ => Some(
            all.iter()
                .map(|h| format!("({h})"))
                .collect::<Vec<_>>()
                .join(" or "),
        ),
    }
}

fn add_button(buttons: &mut Vec<Button>, new: Button) {
    match buttons.iter_mut().find(|b| b.method == new.method) {
        Some(button) => {
            for label in new.label.split(" / ") {
                if !button.label.split(" / ").any(|l| l == label) {
                    button.label = format!("{} / {label}", button.label);
                }
            }
            // Shown whenever any of its buttons is.
            button.hidden_when = match (button.hidden_when.take(), new.hidden_when) {
                (Some(a), Some(b)) if a != b => Some(format!("({a}) and ({b})")),
                (Some(a), Some(_)) => Some(a),
                _ => None,
            };
            button.stat &= new.stat;
        }
        None => buttons.push(new),
    }
}

fn is_false(value: &str) -> bool {
    matches!(value.trim(), "0" | "False" | "false" | "")
}

/// An element's attribute, unescaped and trimmed.
pub fn attribute(element: &BytesStart<'_>, key: &str) -> Option<String> {
    element
        .try_get_attribute(key)
        .ok()
        .flatten()
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok())
        .map(|v| v.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Odoo 19's account.payment.register form, shortened (demo data, `get_views`).
    const PAYMENT: &str = r#"<form string="Register Payment">
        <field name="line_ids" invisible="1" on_change="1"/>
        <field name="partner_bank_id" invisible="not show_partner_bank_account" required="require_partner_bank_account and can_edit_wizard"/>
        <button class="oe_link" type="object" name="action_open_untrusted_bank_accounts">
            <field name="untrusted_payments_count" class="oe_inline"/>
        </button>
        <field name="journal_id" required="1" on_change="1"/>
        <field name="amount" readonly="not can_edit_wizard" on_change="1"/>
        <field name="duplicate_payment_ids">
            <list><field name="name"/></list>
        </field>
        <field name="payment_date" on_change="1"/>
        <footer>
            <button string="Create Payments" name="action_create_payments" type="object" invisible="total_payments_amount == 1"/>
            <button string="Create Payment" name="action_create_payments" type="object" invisible="total_payments_amount != 1"/>
            <button string="Discard" class="btn btn-secondary" special="cancel"/>
            <button name="hidden_always" type="object" string="Never" invisible="True"/>
            <button name="an_action" type="action" string="Open"/>
        </footer>
    </form>"#;

    /// What a hidden container holds is hidden with it: the payment form's
    /// alerts, and a field shown only inside a conditional div.
    #[test]
    fn containers_hide_what_they_hold() {
        let form = parse(
            r#"<form><div role="alert" invisible="untrusted_payments_count == 0">
                <field name="untrusted_payments_count"/>
                <button type="object" name="action_open_untrusted_bank_accounts" invisible="not x"/>
            </div>
            <group invisible="1"><field name="never"/></group>
            <field name="qr_code" invisible="1"/>
            <div invisible="not qr_code"><field name="qr_code"/></div>
            <field name="amount" invisible="False"/>
            <div invisible="not hide_writeoff_section"><field name="payment_difference"/></div>
            <div invisible="not show_payment_difference"><field name="payment_difference"/></div>
            <field name="communication" invisible="not can_edit_wizard"/><field name="communication"/></form>"#,
        );
        let hidden: Vec<(&str, Option<&str>)> = form
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.hidden_when.as_deref()))
            .collect();
        assert_eq!(
            hidden,
            [
                (
                    "untrusted_payments_count",
                    Some("untrusted_payments_count == 0")
                ),
                ("qr_code", Some("not qr_code")),
                ("amount", None),
                (
                    "payment_difference",
                    Some("(not hide_writeoff_section) and (not show_payment_difference)")
                ),
                ("communication", None),
            ]
        );
        assert_eq!(form.hidden, ["never", "qr_code"]);
        assert_eq!(
            form.buttons[0].hidden_when.as_deref(),
            Some("(untrusted_payments_count == 0) or (not x)")
        );
    }

    #[test]
    fn shown_fields_in_order_without_nested_views_or_hidden_ones() {
        let form = parse(PAYMENT);
        let names: Vec<&str> = form.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "partner_bank_id",
                "untrusted_payments_count",
                "journal_id",
                "amount",
                "duplicate_payment_ids",
                "payment_date"
            ]
        );
        let bank = &form.fields[0];
        assert_eq!(
            bank.hidden_when.as_deref(),
            Some("not show_partner_bank_account")
        );
        assert_eq!(
            bank.required_when.as_deref(),
            Some("require_partner_bank_account and can_edit_wizard")
        );
        assert_eq!(form.fields[2].required_when.as_deref(), Some("1"));
        assert_eq!(
            form.fields[3].readonly_when.as_deref(),
            Some("not can_edit_wizard")
        );
        // Always hidden: not shown, but kept for what the web client reads.
        assert!(
            form.hidden.contains(&"line_ids".to_string()),
            "{:?}",
            form.hidden
        );
    }

    #[test]
    fn object_buttons_merge_by_method_and_skip_cancel_actions_and_hidden_ones() {
        let form = parse(PAYMENT);
        assert_eq!(
            form.buttons,
            [
                Button {
                    method: "action_open_untrusted_bank_accounts".into(),
                    label: "action_open_untrusted_bank_accounts".into(),
                    hidden_when: None,
                    stat: false,
                    server_action: None,
                },
                Button {
                    method: "action_create_payments".into(),
                    label: "Create Payments / Create Payment".into(),
                    hidden_when: Some(
                        "(total_payments_amount == 1) and (total_payments_amount != 1)".into()
                    ),
                    stat: false,
                    server_action: None,
                },
            ]
        );
        assert!(form.button("an_action").is_none());
        assert!(form.button("hidden_always").is_none());
        // As written, each alternative keeps its own label and condition.
        let written: Vec<(&str, Option<&str>)> = form
            .button_elements
            .iter()
            .filter(|b| b.method == "action_create_payments")
            .map(|b| (b.label.as_str(), b.hidden_when.as_deref()))
            .collect();
        assert_eq!(
            written,
            [
                ("Create Payments", Some("total_payments_amount == 1")),
                ("Create Payment", Some("total_payments_amount != 1")),
            ]
        );
    }

    #[test]
    fn a_button_shown_always_once_is_never_hidden() {
        let form = parse(
            r#"<form><footer>
                <button name="go" type="object" string="Go" invisible="state == 'done'"/>
                <button name="go" type="object" string="Go"/>
            </footer></form>"#,
        );
        assert_eq!(form.buttons[0].hidden_when, None);
        assert_eq!(form.buttons[0].label, "Go");
    }

    /// Odoo 19's payment form labels its alert links by their text; a
    /// field's `string` in the view is the label the form shows.
    #[test]
    fn a_label_element_names_its_field() {
        let form = parse(
            r#"<form><label for="writeoff_label" string="Label"/><field name="writeoff_label"/>
            <label for="amount"/><field name="amount"/>
            <label for="memo" string="Memo"/><field name="memo" string="Reference"/></form>"#,
        );
        let labels: Vec<Option<&str>> = form.fields.iter().map(|f| f.label.as_deref()).collect();
        assert_eq!(labels, [Some("Label"), None, Some("Reference")]);
    }

    #[test]
    fn a_button_without_string_is_labelled_by_its_text() {
        let form = parse(
            r#"<form><span><field name="untrusted_payments_count"/> payments will be skipped due to
                <button class="oe_link" type="object" name="action_open_untrusted_bank_accounts">untrusted
                  bank accounts</button>.</span>
            <button type="object" name="action_open_missing_account_partners"><span>View</span> Partner(s)</button>
            <button name="action_delete_duplicates" type="object"><i class="fa fa-trash"/>
                <span invisible="ids.length == 1">Delete all duplicates</span>
                <span invisible="ids.length &gt; 1">Delete duplicate</span></button>
            <button type="object" name="action_count" class="oe_stat_button"><field name="count"/></button>
            <field name="writeoff_account_id" string="Post Difference In"/><field name="amount"/></form>"#,
        );
        let labels: Vec<(&str, &str)> = form
            .buttons
            .iter()
            .map(|b| (b.method.as_str(), b.label.as_str()))
            .collect();
        assert_eq!(
            labels,
            [
                (
                    "action_open_untrusted_bank_accounts",
                    "untrusted bank accounts"
                ),
                ("action_open_missing_account_partners", "View Partner(s)"),
                (
                    "action_delete_duplicates",
                    "Delete all duplicates / Delete duplicate"
                ),
                ("action_count", "action_count"),
            ]
        );
        let label = |name: &str| {
            let field = form.fields.iter().find(|f| f.name == name);
            field.and_then(|f| f.label.as_deref())
        };
        assert_eq!(label("writeoff_account_id"), Some("Post Difference In"));
        assert_eq!(label("amount"), None);
    }

    #[test]
    fn an_expression_names_the_fields_it_reads() {
        assert_eq!(
            names("not show_partner_bank_account or (can_group_payments and not group_payment)"),
            [
                "show_partner_bank_account",
                "can_group_payments",
                "group_payment"
            ]
        );
        assert_eq!(
            names("advance_payment_method not in ('fixed', \"percentage\") and count > 1"),
            ["advance_payment_method", "count"]
        );
        assert_eq!(
            names("context.get('hide') or parent.state == 'done' or len(x_ids) == 0"),
            ["x_ids"]
        );
        assert!(names("True").is_empty());
    }

    #[test]
    fn smart_buttons_are_told_apart() {
        let form = parse(
            r#"<form><header><button name="action_confirm" type="object" string="Confirm"/></header>
                <div name="button_box"><button name="action_view_invoice" type="object" class="oe_stat_button" icon="fa-pencil"/></div>
            </form>"#,
        );
        let stat: Vec<(&str, bool)> = form
            .buttons
            .iter()
            .map(|b| (b.method.as_str(), b.stat))
            .collect();
        assert_eq!(
            stat,
            [("action_confirm", false), ("action_view_invoice", true)]
        );
    }

    #[test]
    fn list_buttons_and_bound_actions_join_the_form_buttons() {
        let form = parse(
            r#"<form><header><button name="button_cancel" type="object" string="Cancel" invisible="state == 'cancel'"/></header></form>"#,
        );
        // Odoo 19's purchase.order list (purchase_order_view_tree), shortened.
        let list = parse(
            r#"<list><header>
                <button name="action_create_invoice" type="object" string="Create Bills"/>
                <button name="button_cancel" type="object" string="Cancel"/>
                <button name="stock.action_request" type="action" string="Request"/>
            </header><field name="name"/>
            <button name="action_apply" type="object" string="Apply" invisible="not inventory_quantity_set"/></list>"#,
        );
        let confirm = BoundAction {
            id: 558,
            xml_id: "purchase.action_confirm_rfqs".into(),
            label: "Confirm RFQ".into(),
        };
        let known = known_buttons(&form, &[list], &[confirm]);
        let names: Vec<(&str, Option<&str>, Option<i64>)> = known
            .buttons
            .iter()
            .map(|b| (b.method.as_str(), b.hidden_when.as_deref(), b.server_action))
            .collect();
        assert_eq!(
            names,
            [
                // Shown unconditionally in the list: never hidden.
                ("button_cancel", None, None),
                ("action_create_invoice", None, None),
                ("action_apply", Some("not inventory_quantity_set"), None),
                ("purchase.action_confirm_rfqs", None, Some(558)),
            ]
        );
        assert_eq!(
            known.button("purchase.action_confirm_rfqs").unwrap().label,
            "Confirm RFQ"
        );
        assert!(
            known
                .unknown_button("purchase.order", "create_bill")
                .contains("action_create_invoice (Create Bills)")
        );
        assert_eq!(list_view_type(19), "list");
        assert_eq!(list_view_type(17), "tree");
    }

    #[test]
    fn broken_xml_gives_what_came_before_the_fault() {
        let form = parse(r#"<form><field name="a"/><button name="b" type="object"/><field"#);
        assert_eq!(form.fields.len(), 1);
        assert_eq!(form.buttons.len(), 1);
    }
}
