//! Text from callers and from Odoo, cut short before it is echoed back.

/// Marks where `clip_to` cut a text.
pub const CLIPPED: &str = "…";

/// A name from the caller, cut short: a hostile multi-megabyte name is not echoed back whole.
pub fn clip(name: &str) -> String {
    clip_to(name, 80)
}

pub fn clip_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}{CLIPPED}", &text[..cut]),
        None => text.to_string(),
    }
}
