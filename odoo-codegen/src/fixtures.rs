//! `--from-fixtures DIR`: builds a snapshot from metadata captured from a real
//! Odoo (`ir_model.json`, `ir_model_fields.json`, `ir_model_fields_selection.json`,
//! and `fields_get/<model>.json` for which fields the API lets one read).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::de::DeserializeOwned;

use crate::Error;
use crate::raw::RawMetadata;

fn read_json<T: DeserializeOwned>(path: &Path) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| Error::Fixture {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads the metadata files of a fixture directory.
pub fn load(dir: &Path) -> Result<RawMetadata, Error> {
    let models = read_json(&dir.join("ir_model.json"))?;
    let fields = read_json(&dir.join("ir_model_fields.json"))?;
    let selections = read_json(&dir.join("ir_model_fields_selection.json"))?;
    let mut readable = BTreeMap::new();
    let fields_get = dir.join("fields_get");
    // Optional: without it every field counts as readable.
    if let Ok(entries) = std::fs::read_dir(&fields_get) {
        let mut paths: Vec<_> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        paths.sort();
        for path in paths {
            let Some(model) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let fields: BTreeMap<String, serde_json::Value> = read_json(&path)?;
            let names: BTreeSet<String> = fields.into_keys().collect();
            readable.insert(model.to_string(), names);
        }
    }
    Ok(RawMetadata {
        models,
        fields,
        selections,
        readable,
    })
}
