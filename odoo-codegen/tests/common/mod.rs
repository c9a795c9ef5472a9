//! Paths shared by the odoo-codegen tests.

#![allow(dead_code)] // each test file uses a different subset

use std::path::PathBuf;

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("odoo-codegen lives in the workspace")
        .to_path_buf()
}

pub fn generated_dir() -> PathBuf {
    workspace().join("generated")
}

/// Copies the checked-in `schema.json` and `src/` into `dir`.
pub fn copy_generated(dir: &std::path::Path) {
    let from = generated_dir();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::copy(from.join("schema.json"), dir.join("schema.json")).unwrap();
    for entry in std::fs::read_dir(from.join("src")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), dir.join("src").join(entry.file_name())).unwrap();
    }
}

/// Every file under `dir` with its bytes and modification time.
pub fn contents(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let meta = entry.metadata().unwrap();
                out.push((
                    path.clone(),
                    std::fs::read(&path).unwrap(),
                    meta.modified().unwrap(),
                ));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
