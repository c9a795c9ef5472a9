//! Checked-in outputs compared with what the code produces now: a stale file
//! fails with a unified diff; `UPDATE_GOLDENS=1` rewrites it instead (the
//! convention of odoo-codegen's goldens).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The workspace root (odoo-mcp's parent).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("odoo-mcp sits in the workspace")
        .to_path_buf()
}

/// Compares each `(path, new content)`, paths relative to the workspace root.
/// With `UPDATE_GOLDENS` set, writes what differs; otherwise panics with the
/// diffs and `update` (the command that accepts the new output).
pub fn check(files: &[(String, String)], update: &str) {
    let root = workspace_root();
    let rewrite = std::env::var_os("UPDATE_GOLDENS").is_some();
    let mut report = String::new();
    let mut stale = 0;
    for (name, new) in files {
        let path = root.join(name);
        let old = std::fs::read_to_string(&path).ok();
        if old.as_deref() == Some(new.as_str()) {
            continue;
        }
        stale += 1;
        if rewrite {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).unwrap();
            }
            std::fs::write(&path, new).unwrap_or_else(|e| panic!("{name}: {e}"));
        } else if let Some(old) = old {
            report.push_str(&unified(name, &old, new));
        } else {
            report.push_str(&format!("+ {name} is missing\n"));
        }
    }
    if rewrite {
        eprintln!("UPDATE_GOLDENS: {stale} file(s) written");
        return;
    }
    assert!(
        stale == 0,
        "{stale} checked-in file(s) are out of date:\n{report}\n\
         If the change is intended, read the diff, then accept it with:\n  {update}"
    );
}

fn unified(name: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("checked-in {name}"), &format!("now {name}"))
        .to_string()
}
