//! "did you mean" hints for misspelt attribute keys, by the workspace's one
//! algorithm: odoo-client's `suggest.rs`, compiled in here from its source
//! (a proc-macro crate cannot depend on odoo-client, which depends on it).

#[allow(
    dead_code,
    reason = "the server's wording of a hint; the derive words its own"
)]
#[path = "../../odoo-client/src/suggest.rs"]
mod shared;

/// The candidate closest to `input`, if it is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let best = shared::close_matches(input, candidates.iter().copied(), 1)
        .into_iter()
        .next()?;
    candidates.iter().copied().find(|c| *c == best)
}

/// `a`, `b`, `c` for messages.
pub(crate) fn list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        let keys = ["model", "create", "update"];
        assert_eq!(did_you_mean("modle", &keys), Some("model"));
        assert_eq!(did_you_mean("mdel", &keys), Some("model"));
        assert_eq!(did_you_mean("updat", &keys), Some("update"));
        assert_eq!(did_you_mean("crate", &keys), Some("create"));
        assert_eq!(did_you_mean("table", &keys), None);
        assert_eq!(did_you_mean("skp", &["skip"]), Some("skip"));
        assert_eq!(did_you_mean("rename", &["skip"]), None);
    }
}
