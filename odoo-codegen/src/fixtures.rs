//! `--from-fixtures DIR`: builds a snapshot from metadata captured from a real
//! Odoo (`ir_model.json`, `ir_model_fields.json`, `ir_model_fields_selection.json`,
//! `fields_get/<model>.json` for which fields the API lets one read, and
//! `depends.json` and `defaults.json` for which fields Odoo computes or
//! defaults, so that a create need not give them).
//!
//! Each file may also be gzipped (`ir_model_fields.json.gz`), as the captures
//! checked into this repository are; a plain file wins over its `.gz`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{ErrorKind, Read};
use std::path::Path;

use flate2::read::MultiGzDecoder;
use serde::de::DeserializeOwned;

use crate::Error;
use crate::raw::RawMetadata;

/// The bytes of `name` (a path relative to `dir`, e.g. `records/res.partner.json`):
/// the plain file when it exists, else `name.gz` decompressed.
pub fn read(dir: &Path, name: &str) -> Result<Vec<u8>, Error> {
    let plain = dir.join(name);
    match std::fs::read(&plain) {
        Err(e) if e.kind() == ErrorKind::NotFound => {} // try the gzipped twin
        plain_result => {
            return plain_result.map_err(|source| Error::Read {
                path: plain,
                source,
            });
        }
    }
    let gz = dir.join(format!("{name}.gz"));
    let file = std::fs::File::open(&gz).map_err(|source| match source.kind() {
        // Neither exists: name the file asked for, and the twin looked for.
        ErrorKind::NotFound => Error::Read {
            path: plain,
            source: std::io::Error::new(ErrorKind::NotFound, format!("{source} (nor {name}.gz)")),
        },
        _ => Error::Read {
            path: gz.clone(),
            source,
        },
    })?;
    let mut bytes = Vec::new();
    MultiGzDecoder::new(file)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read { path: gz, source })?;
    Ok(bytes)
}

/// [`read`], parsed as JSON.
pub fn read_json<T: DeserializeOwned>(dir: &Path, name: &str) -> Result<T, Error> {
    serde_json::from_slice(&read(dir, name)?).map_err(|source| Error::Fixture {
        path: dir.join(name),
        source,
    })
}

/// Reads the metadata files of a fixture directory.
pub fn load(dir: &Path) -> Result<RawMetadata, Error> {
    let models = read_json(dir, "ir_model.json")?;
    let fields = read_json(dir, "ir_model_fields.json")?;
    let selections = read_json(dir, "ir_model_fields_selection.json")?;
    let mut readable = BTreeMap::new();
    // Optional: without it every field counts as readable.
    if let Ok(entries) = std::fs::read_dir(dir.join("fields_get")) {
        let captured: BTreeSet<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|name| {
                let model = name.strip_suffix(".gz").unwrap_or(&name);
                Some(model.strip_suffix(".json")?.to_string())
            })
            .collect();
        for model in captured {
            let fields: BTreeMap<String, serde_json::Value> =
                read_json(dir, &format!("fields_get/{model}.json"))?;
            readable.insert(model, fields.into_keys().collect());
        }
    }
    // Optional too: which fields Odoo computes (`fields_get`'s `depends`,
    // non-empty ones: model → field → paths) and which `default_get` fills
    // (model → field → value); without them a create requires every required field.
    let computed =
        optional::<BTreeMap<String, BTreeMap<String, serde_json::Value>>>(dir, "depends.json")?
            .into_iter()
            .map(|(model, fields)| (model, fields.into_keys().collect()))
            .collect();
    let defaulted =
        optional::<BTreeMap<String, BTreeMap<String, serde_json::Value>>>(dir, "defaults.json")?
            .into_iter()
            .map(|(model, values)| (model, values.into_keys().collect()))
            .collect();
    // Optional: the default form of some models (model → arch), for their buttons.
    let forms = optional(dir, "views/form.json")?;
    // Optional: the default list of some models (model → arch), and the
    // server actions bound to them (model → [{id, xml_id, label}]).
    let lists = optional::<BTreeMap<String, String>>(dir, "views/list.json")?
        .into_iter()
        .map(|(model, arch)| (model, vec![arch]))
        .collect();
    let actions = optional(dir, "bindings.json")?;
    Ok(RawMetadata {
        models,
        fields,
        selections,
        readable,
        computed,
        defaulted,
        forms,
        lists,
        actions,
    })
}

/// A capture that may be absent (an empty value then); a corrupt one is an error.
fn optional<T: DeserializeOwned + Default>(dir: &Path, name: &str) -> Result<T, Error> {
    let present = [name.to_string(), format!("{name}.gz")]
        .iter()
        .any(|file| dir.join(file).exists());
    if present {
        read_json(dir, name)
    } else {
        Ok(T::default())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn reads_the_plain_file_first_then_its_gzipped_twin() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.json.gz"), gzip(b"[1]")).unwrap();
        assert_eq!(read_json::<Vec<u8>>(dir.path(), "a.json").unwrap(), [1]);
        std::fs::write(dir.path().join("a.json"), b"[2]").unwrap();
        assert_eq!(read_json::<Vec<u8>>(dir.path(), "a.json").unwrap(), [2]);
    }

    #[test]
    fn a_missing_or_corrupt_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = read(dir.path(), "ir_model.json").unwrap_err().to_string();
        assert!(missing.contains("ir_model.json") && missing.contains("nor ir_model.json.gz"));
        std::fs::write(dir.path().join("b.json.gz"), b"not gzip").unwrap();
        let corrupt = read(dir.path(), "b.json").unwrap_err().to_string();
        assert!(corrupt.contains("b.json.gz"), "{corrupt}");
    }

    #[test]
    fn loads_plain_and_gzipped_captures_alike() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path();
        std::fs::write(path.join("ir_model.json"), b"[]").unwrap();
        std::fs::write(path.join("ir_model_fields.json.gz"), gzip(b"[]")).unwrap();
        std::fs::write(path.join("ir_model_fields_selection.json"), b"[]").unwrap();
        std::fs::create_dir(path.join("fields_get")).unwrap();
        std::fs::write(
            path.join("fields_get/res.partner.json.gz"),
            gzip(br#"{"name": {}, "email": {}}"#),
        )
        .unwrap();
        std::fs::write(path.join("fields_get/res.country.json"), br#"{"code": {}}"#).unwrap();
        std::fs::write(path.join("fields_get/notes.txt"), b"ignored").unwrap();
        let raw = load(path).unwrap();
        let readable: Vec<(&str, Vec<&str>)> = raw
            .readable
            .iter()
            .map(|(m, f)| (m.as_str(), f.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            readable,
            [
                ("res.country", vec!["code"]),
                ("res.partner", vec!["email", "name"])
            ]
        );
    }
}
