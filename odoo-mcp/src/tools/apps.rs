//! MCP Apps views (the `io.modelcontextprotocol/ui` extension): self-contained
//! HTML pages (`ui://odoo/…`, no external origin) that a host shows in a
//! sandboxed frame for a tool's answer. Tools link them in `_meta.ui`, the same
//! for every client; clients without Apps ignore the link and read the answer
//! as before.

use rmcp::model::MetaObject;
use serde_json::{Map, Value, json};

use crate::settings::Access;

/// The MIME type a host renders as an app.
pub const MIME: &str = "text/html;profile=mcp-app";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// A wizard's form: run_wizard's and press_button's wizard descriptions.
    Wizard,
    /// A chart and table of aggregate_records' groups.
    Chart,
    /// A record card: get_record's answer with its form's buttons.
    Record,
}

impl View {
    pub const ALL: [View; 3] = [View::Wizard, View::Chart, View::Record];

    pub fn uri(self) -> &'static str {
        match self {
            View::Wizard => "ui://odoo/wizard",
            View::Chart => "ui://odoo/chart",
            View::Record => "ui://odoo/record",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            View::Wizard => "wizard",
            View::Chart => "chart",
            View::Record => "record",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            View::Wizard => "A wizard's form (run_wizard, press_button): its fields and buttons",
            View::Chart => "A chart and table of aggregate_records' groups",
            View::Record => "A record card (get_record): title, fields, status bar, buttons",
        }
    }

    fn html(self) -> &'static str {
        match self {
            View::Wizard => include_str!("../apps/wizard.html"),
            View::Chart => include_str!("../apps/chart.html"),
            View::Record => include_str!("../apps/record.html"),
        }
    }

    pub fn from_uri(uri: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.uri() == uri)
    }

    /// The page as this server serves it: the access mode is filled in, so a
    /// read-only server's views show no buttons.
    pub fn page(self, access: Access) -> String {
        let access = match access {
            Access::ReadOnly => "read",
            Access::Standard => "standard",
            Access::Full => "full",
        };
        // One bridge to the host for the three views, put in each as it is
        // served: a view stays one self-contained file.
        self.html()
            .replace(
                "/*__MCP_APPS_BRIDGE__*/\n",
                include_str!("../apps/bridge.js"),
            )
            .replace("__ODOO_ACCESS__", access)
    }

    /// The tool's `_meta` that links it.
    pub fn meta(self) -> MetaObject {
        let Value::Object(map) = json!({"ui": {"resourceUri": self.uri()}}) else {
            return MetaObject(Map::new());
        };
        MetaObject(map)
    }

    /// The view of a static tool's answer.
    pub fn of_tool(name: &str) -> Option<View> {
        match name {
            "run_wizard" | "press_button" => Some(View::Wizard),
            "aggregate_records" => Some(View::Chart),
            "get_record" => Some(View::Record),
            _ => None,
        }
    }

    /// The view of a typed tool's answer, by its suffix.
    pub fn of_typed(suffix: &str) -> Option<View> {
        match suffix {
            "action" => Some(View::Wizard),
            "aggregate" => Some(View::Chart),
            "get" => Some(View::Record),
            _ => None,
        }
    }
}
