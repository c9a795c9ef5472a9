//! "Did you mean" suggestions for unknown names (models, fields, tools, arguments),
//! one algorithm for the generator, the MCP server and the derive (odoo-derive
//! compiles this file in: keep it free of dependencies).

/// Longest name that gets suggestions (Odoo's model and field names are far shorter).
const MAX_NAME: usize = 1_024;

/// Up to `max` candidates close to `wanted`, closest first: small edit distance,
/// or one name containing the other (`email` → `email_normalized`).
pub fn close_matches<'a, I>(wanted: &str, candidates: I, max: usize) -> Vec<String>
where
    I: IntoIterator<Item = &'a str>,
{
    // No typo is that long; scanning a hostile multi-megabyte name once per candidate took
    // seconds per call.
    if wanted.len() > MAX_NAME {
        return Vec::new();
    }
    let wanted_lower = wanted.to_ascii_lowercase();
    let wanted_chars = wanted.chars().count();
    let budget = (wanted_chars / 3).max(1) + 1;
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|candidate| {
            let lower = candidate.to_ascii_lowercase();
            // The distance is at least the length difference: skipping the quadratic
            // computation keeps a hostile multi-megabyte name cheap.
            let distance = if wanted_chars.abs_diff(lower.chars().count()) > budget {
                usize::MAX
            } else {
                edit_distance(&wanted_lower, &lower)
            };
            if distance <= budget {
                Some((distance, candidate))
            } else if wanted_lower.len() >= 3
                && (lower.contains(&wanted_lower) || wanted_lower.contains(&lower))
            {
                Some((budget + 1, candidate))
            } else {
                None
            }
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(max)
        .map(|(_, name)| name.to_string())
        .collect()
}

/// Levenshtein distance over chars.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// ` (did you mean `a` or `b`?)` or an empty string.
pub fn did_you_mean(matches: &[String]) -> String {
    if matches.is_empty() {
        String::new()
    } else {
        let quoted: Vec<String> = matches.iter().map(|m| format!("`{m}`")).collect();
        let list = match quoted.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => quoted.join(""),
        };
        format!(" (did you mean {list}?)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_prefixes() {
        let names = ["name", "email", "email_normalized", "phone", "is_company"];
        assert_eq!(close_matches("emial", names, 3)[0], "email");
        assert_eq!(close_matches("nmae", names, 3), ["name"]);
        assert!(close_matches("email", names, 3).contains(&"email_normalized".to_string()));
        assert!(close_matches("zzzzzz", names, 3).is_empty());
        // A long name is compared by containment only; a huge one gets no suggestion.
        let long = format!("{}email", "x".repeat(MAX_NAME - 5));
        assert_eq!(close_matches(&long, names, 3), ["email"]);
        let huge = format!("{}email", "x".repeat(4 << 20));
        assert!(close_matches(&huge, names, 3).is_empty());
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(did_you_mean(&["a".into()]), " (did you mean `a`?)");
        assert_eq!(
            did_you_mean(&["a".into(), "b".into(), "c".into()]),
            " (did you mean `a`, `b` or `c`?)"
        );
    }
}
