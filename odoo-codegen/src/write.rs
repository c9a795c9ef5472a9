//! Putting the output in place: compare, then write everything into a temporary
//! directory next to the target and swap it in, so a failed run leaves the old
//! output whole. An identical output touches nothing (no rebuild for cargo).

use std::path::{Path, PathBuf};

use crate::Error;
use crate::emit::Files;

/// Everything odoo-codegen owns in the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// `src/` files by name.
    pub sources: Files,
    /// `schema.json`.
    pub schema: String,
}

pub const SCHEMA_FILE: &str = "schema.json";
const SRC_DIR: &str = "src";

/// One file that differs between the output on disk and the new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    Added(String),
    Removed(String),
    Changed {
        path: String,
        old: String,
        new: String,
    },
}

impl Drift {
    pub fn path(&self) -> &str {
        match self {
            Drift::Added(p) | Drift::Removed(p) => p,
            Drift::Changed { path, .. } => path,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

fn read_if_exists(path: &Path) -> Result<Option<String>, Error> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// The files of `out` that `output` would add, remove or change.
pub fn diff(out: &Path, output: &Output) -> Result<Vec<Drift>, Error> {
    let mut drift = Vec::new();
    let mut compare = |rel: String, new: &str, path: &Path| -> Result<(), Error> {
        match read_if_exists(path)? {
            None => drift.push(Drift::Added(rel)),
            Some(old) if old != new => drift.push(Drift::Changed {
                path: rel,
                old,
                new: new.to_string(),
            }),
            Some(_) => {}
        }
        Ok(())
    };
    compare(
        SCHEMA_FILE.to_string(),
        &output.schema,
        &out.join(SCHEMA_FILE),
    )?;
    let src = out.join(SRC_DIR);
    for (name, text) in &output.sources {
        compare(format!("{SRC_DIR}/{name}"), text, &src.join(name))?;
    }
    if let Ok(entries) = std::fs::read_dir(&src) {
        let mut removed: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|name| !output.sources.contains_key(name))
            .map(|name| format!("{SRC_DIR}/{name}"))
            .collect();
        removed.sort();
        drift.extend(removed.into_iter().map(Drift::Removed));
    }
    Ok(drift)
}

/// Moves `from` to `to` if `from` exists; reports whether it did.
fn move_if_exists(from: &Path, to: &Path) -> Result<bool, Error> {
    match std::fs::rename(from, to) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(Error::Write {
            path: from.to_path_buf(),
            source,
        }),
    }
}

/// Writes `output` into `out` (created if needed) unless it is already there.
/// Returns the drift that was written.
pub fn write(out: &Path, output: &Output) -> Result<Vec<Drift>, Error> {
    let drift = diff(out, output)?;
    if drift.is_empty() {
        return Ok(drift);
    }
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    // Same directory as the target, so the swap is a rename on one filesystem.
    let staging = tempfile::Builder::new()
        .prefix(".odoo-codegen-")
        .tempdir_in(out)
        .map_err(io_err(out))?;
    let new_src = staging.path().join("new-src");
    std::fs::create_dir(&new_src).map_err(io_err(&new_src))?;
    for (name, text) in &output.sources {
        let path = new_src.join(name);
        std::fs::write(&path, text).map_err(io_err(&path))?;
    }
    let new_schema = staging.path().join("new-schema.json");
    std::fs::write(&new_schema, &output.schema).map_err(io_err(&new_schema))?;

    // Everything is on disk: now the swap, undone on failure.
    let src = out.join(SRC_DIR);
    let schema = out.join(SCHEMA_FILE);
    let old_src = staging.path().join("old-src");
    let old_schema = staging.path().join("old-schema.json");
    let had_src = move_if_exists(&src, &old_src)?;
    let result = (|| -> Result<(), Error> {
        std::fs::rename(&new_src, &src).map_err(io_err(&src))?;
        let had_schema = move_if_exists(&schema, &old_schema)?;
        if let Err(e) = std::fs::rename(&new_schema, &schema).map_err(io_err(&schema)) {
            if had_schema {
                let _ = std::fs::rename(&old_schema, &schema);
            }
            return Err(e);
        }
        Ok(())
    })();
    if let Err(e) = result {
        if had_src {
            // Put the old sources back; staging (and the new ones) go with it.
            let _ = std::fs::remove_dir_all(&src);
            let _ = std::fs::rename(&old_src, &src);
        }
        return Err(e);
    }
    Ok(drift)
}

/// The output directory when none is given: `generated/` at the workspace root
/// under `cargo run`, else in the current directory.
pub fn default_out_dir() -> PathBuf {
    workspace_root().join("generated")
}

/// The directory that relative default paths start from.
pub fn workspace_root() -> PathBuf {
    // `cargo run` sets CARGO_MANIFEST_DIR for the binary: odoo-codegen/.. is the root.
    match std::env::var_os("CARGO_MANIFEST_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            dir.parent().map(Path::to_path_buf).unwrap_or(dir)
        }
        None => PathBuf::from("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)], schema: &str) -> Output {
        Output {
            sources: files
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect(),
            schema: schema.into(),
        }
    }

    #[test]
    fn writes_swaps_and_reports_drift() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("gen");
        let first = output(&[("lib.rs", "a"), ("x.rs", "x")], "{}");
        let drift = write(&out, &first).unwrap();
        assert_eq!(drift.len(), 3);
        assert!(diff(&out, &first).unwrap().is_empty());
        assert!(
            write(&out, &first).unwrap().is_empty(),
            "same output: no write"
        );

        let second = output(&[("lib.rs", "b")], "{}");
        let drift = write(&out, &second).unwrap();
        let paths: Vec<_> = drift.iter().map(Drift::path).collect();
        assert_eq!(paths, ["src/lib.rs", "src/x.rs"]);
        assert_eq!(
            std::fs::read_to_string(out.join("src/lib.rs")).unwrap(),
            "b"
        );
        assert!(!out.join("src/x.rs").exists());
        // No staging directory is left behind.
        let left: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "{left:?}");
    }
}
