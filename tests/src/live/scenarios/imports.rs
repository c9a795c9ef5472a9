//! Import and export through Odoo's own tools (issue 24): 200 contacts with two
//! bad rows, whose dry run names exactly those rows; refused while dirty,
//! imported once fixed, counted with a direct call and exported back.

use odoo_client::Domain;
use serde_json::{Value, json};

use super::super::session::{Answer, Session};
use super::{Check, Run, clip};

/// Contacts per import, and the two rows (1-based) that Odoo refuses.
const CONTACTS: usize = 200;
const BAD_COUNTRY: usize = 50;
const BAD_FLAG: usize = 120;

impl Run<'_> {
    pub(super) async fn imports(&mut self, s: &Session) {
        let prefix = self.name("import");
        let fields = json!(["name", "email", "country_id", "is_company"]);
        let rows = |fixed: bool| -> Vec<Value> {
            (1..=CONTACTS)
                .map(|i| {
                    let country = match (fixed, i) {
                        (false, BAD_COUNTRY) => "Narnia",
                        _ => "Belgium",
                    };
                    let flag = match (fixed, i) {
                        (false, BAD_FLAG) => "maybe",
                        _ => "0",
                    };
                    json!([
                        format!("{prefix} {i:03}"),
                        format!("imp{i}@example.com"),
                        country,
                        flag
                    ])
                })
                .collect()
        };
        let dirty = json!({"model": "res.partner", "fields": fields, "rows": rows(false)});
        let a = s.call("import_records", dirty.clone()).await;
        let check = self.dry_run_names_the_bad_rows(&a, &prefix).await;
        self.done("import_records.dry_run_two_bad_rows", "ok", &a, check);

        let mut asked = dirty;
        asked["import"] = json!(true);
        let a = s.call("import_records", asked).await;
        let check = match (a.value["imported"].as_bool(), self.imported(&prefix).await) {
            (Some(false), Ok(0)) => Ok("refused while the dry run has errors".to_string()),
            (imported, n) => Err(format!("imported {imported:?}, contacts: {n:?}")),
        };
        self.done("import_records.refused_when_dirty", "ok", &a, check);

        let header = "name,email,country_id,is_company\n";
        let csv = format!("{header}\"{prefix} csv\",csv@example.com,Belgium,1\n");
        let a = s
            .call(
                "import_records",
                json!({"model": "res.partner", "csv": csv}),
            )
            .await;
        let written = self.imported(&format!("{prefix} csv")).await;
        let check = match (a.value["errors"].as_array().map(Vec::len), written) {
            (Some(0), Ok(0)) => {
                Ok("a csv with its header line checks clean, nothing written".to_string())
            }
            (errors, n) => Err(format!(
                "{errors:?} errors, written: {n:?}: {}",
                clip(&a.text)
            )),
        };
        self.done("import_records.csv_dry_run", "ok", &a, check);

        let fixed =
            json!({"model": "res.partner", "fields": fields, "rows": rows(true), "import": true});
        let a = s.call("import_records", fixed).await;
        let ids = Self::ids_of(&a);
        let exist = self.imported(&prefix).await;
        let check = match (a.value["imported"].as_bool(), ids.len(), exist) {
            (Some(true), CONTACTS, Ok(n)) if n == CONTACTS as u64 => {
                Ok(format!("{CONTACTS} contacts imported, counted directly"))
            }
            (imported, got, n) => Err(format!(
                "imported {imported:?}, {got} ids, contacts: {n:?}: {}",
                clip(&a.text)
            )),
        };
        self.done("import_records.fixed_and_imported", "ok", &a, check);
        self.exports(s, &prefix).await;
        if !ids.is_empty() && self.odoo.unlink("res.partner", &ids).await.is_err() {
            self.created
                .extend(ids.iter().map(|id| ("res.partner".to_string(), *id)));
        }
    }

    /// The dry run's errors name rows BAD_COUNTRY and BAD_FLAG, with their
    /// fields, and nothing was written.
    async fn dry_run_names_the_bad_rows(&self, a: &Answer, prefix: &str) -> Check {
        let errors = a.value["errors"].as_array().ok_or("no errors list")?;
        let found: Vec<(u64, &str)> = errors
            .iter()
            .filter_map(|e| Some((e["row"].as_u64()?, e["field"].as_str().unwrap_or(""))))
            .collect();
        let expected = [
            (BAD_COUNTRY as u64, "country_id"),
            (BAD_FLAG as u64, "is_company"),
        ];
        if found != expected || errors.len() != 2 {
            return Err(format!("errors {found:?}: {}", clip(&a.text)));
        }
        match (a.value["imported"].as_bool(), self.imported(prefix).await?) {
            (Some(false), 0) => Ok(format!(
                "rows {BAD_COUNTRY} (country_id) and {BAD_FLAG} (is_company) reported: {}",
                errors[0]["message"]
            )),
            (imported, n) => Err(format!("a dry run: imported {imported:?}, {n} exist")),
        }
    }

    /// Contacts whose name starts with `prefix`.
    async fn imported(&self, prefix: &str) -> Result<u64, String> {
        let domain = Domain::from_value(&json!([["name", "=like", format!("{prefix}%")]]))
            .map_err(|e| e.message)?;
        self.odoo
            .search_count("res.partner", &domain)
            .await
            .map_err(|e| e.to_string())
    }

    /// The imported contacts come back: as CSV (a header and a line each, the
    /// country by name and by code), and as JSON pages.
    async fn exports(&mut self, s: &Session, prefix: &str) {
        let domain = json!([["name", "=like", format!("{prefix}%")]]);
        let a = s
            .call(
                "export_records",
                json!({"model": "res.partner", "domain": domain, "fields": ["name", "country_id", "country_id/code", "email"], "limit": 1000}),
            )
            .await;
        let csv = a.value["csv"].as_str().unwrap_or_default();
        let lines: Vec<&str> = csv.lines().collect();
        let check = match (lines.first(), lines.get(1)) {
            (Some(&"\"name\",\"country_id\",\"country_id/code\",\"email\""), Some(line))
                if lines.len() == CONTACTS + 1 && line.contains("\"Belgium\",\"BE\"") =>
            {
                Ok(format!("{} lines, e.g. {line}", lines.len()))
            }
            _ => Err(format!("{} lines: {}", lines.len(), clip(&a.text))),
        };
        self.done("export_records.csv", "ok", &a, check);
        let a = s
            .call(
                "export_records",
                json!({"model": "res.partner", "domain": domain, "fields": ["name", "country_id"], "limit": 5, "offset": 5, "format": "json"}),
            )
            .await;
        let rows = a.value["rows"].as_array().cloned().unwrap_or_default();
        let check = match (rows.first(), a.value["more"].as_bool()) {
            (Some(row), Some(true))
                if rows.len() == 5 && row["name"] == json!(format!("{prefix} 006")) =>
            {
                Ok(format!("page of 5 from offset 5: {row}"))
            }
            _ => Err(clip(&a.text)),
        };
        self.done("export_records.json_page", "ok", &a, check);
    }
}
