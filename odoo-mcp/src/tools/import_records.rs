//! `import_records`: rows into a model through Odoo's own import
//! (`base_import`), the web client's "Import records": a dry run always comes
//! first and its errors are answered per row; the import happens only when
//! asked and the dry run was clean.

use odoo_client::RecordId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Call, Effect, ToolSpec};
use crate::error::ToolError;
use crate::odoo::Odoo;
use crate::odoo::imports::{Import, ImportMessage, ImportRun, MAX_IMPORT_ROWS, Row};
use crate::odoo::imports::{numbered, parse_csv};

pub struct ImportRecords;

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Args {
    /// Columns in import notation, e.g. ["name","country_id","parent_id/id"]; else the csv's first line
    pub fields: Option<Vec<String>>,
    /// Rows, a text per column
    pub rows: Option<Vec<Vec<String>>>,
    /// Or CSV text (comma, double quotes)
    pub csv: Option<String>,
    /// Import if the dry run is clean (default: dry run only)
    pub import: Option<bool>,
    /// 1-based row to start at (an answer's next_row)
    #[schemars(range(min = 1))]
    pub start_row: Option<u64>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Output {
    pub model: String,
    pub errors: Vec<Problem>,
    pub imported: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<RecordId>,
    /// Rows left: call again with start_row
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_row: Option<usize>,
    pub summary: String,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Problem {
    /// None: the whole batch
    pub row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Odoo's words; a warning (which does not stop the import) says so
    pub message: String,
}

impl From<ImportMessage> for Problem {
    fn from(m: ImportMessage) -> Self {
        Self {
            row: m.row,
            field: m.field,
            message: match m.error {
                true => m.message,
                false => format!("warning: {}", m.message),
            },
        }
    }
}

impl ToolSpec for ImportRecords {
    const NAME: &'static str = "import_records";
    const TITLE: &'static str = "Import records";
    const DESCRIPTION: &'static str = "Import rows with Odoo's import (base_import): a dry run gives errors by row, field and message; import: true imports a clean batch (1,000 records a call).";
    const EFFECT: Effect = Effect::Create;
    type Args = Args;
    type Output = Output;

    fn dry_run(args: &Args) -> bool {
        args.import != Some(true)
    }

    fn created_ids(output: &Output) -> Vec<RecordId> {
        output.ids.clone()
    }

    async fn run(odoo: &Odoo, call: &Call<'_>, args: Args) -> Result<Output, ToolError> {
        let target = call.target()?;
        let (fields, rows) = table(&args)?;
        // `order_line/product_id` creates sale.order.line records: that model must be reachable too.
        for column in &fields {
            odoo.check_path(target.name, column, '/', false, "fields")
                .await?;
        }
        let import = Import {
            client: call.client(),
            model: target.name,
            fields: &fields,
            rows: &rows,
        };
        let wizard = import.prepare().await?;
        let dry = import.run(wizard, true).await?;
        let wanted = args.import == Some(true);
        let real = match wanted && dry.clean() {
            true => Some(import.run(wizard, false).await?),
            false => None,
        };
        Ok(answer(target.name, &rows, dry, real, wanted))
    }
}

/// The columns and the numbered rows from `start_row` on, checked for shape.
fn table(args: &Args) -> Result<(Vec<String>, Vec<Row>), ToolError> {
    let invalid = |argument, message: String| ToolError::Invalid { argument, message };
    let (fields, all) = match (&args.rows, &args.csv) {
        (Some(rows), None) => {
            let fields = args.fields.clone().ok_or_else(|| {
                invalid("fields", "give the columns of `rows`, e.g. [\"name\",\"email\"]".into())
            })?;
            (fields, numbered(rows.clone(), 1))
        }
        (None, Some(text)) => {
            let mut lines = parse_csv(text).map_err(|e| invalid("csv", e))?;
            match args.fields.clone() {
                Some(fields) => (fields, numbered(lines, 1)),
                None if lines.is_empty() => return Err(invalid("csv", "it is empty".into())),
                None => {
                    let header = lines.remove(0);
                    (header, numbered(lines, 1))
                }
            }
        }
        _ => return Err(invalid("rows", "give either `rows` or `csv`".into())),
    };
    let fields: Vec<String> = fields.iter().map(|f| f.trim().to_string()).collect();
    if fields.is_empty() || fields.iter().any(String::is_empty) {
        return Err(invalid("fields", "every column needs a field name".into()));
    }
    // With the record's own id, Odoo's import updates existing records: that
    // is update_records' to do (and to confirm), not an import's.
    if let Some(own_id) = fields.iter().find(|f| matches!(f.as_str(), "id" | ".id")) {
        return Err(invalid(
            "fields",
            format!(
                "`{own_id}` names existing records, which Odoo's import would overwrite; import_records only creates: leave the column out, or change existing records with update_records"
            ),
        ));
    }
    if let Some(bad) = all.iter().find(|r| r.cells.len() != fields.len()) {
        return Err(invalid(
            "rows",
            format!(
                "row {} has {} cells for {} columns ({}); nothing was imported",
                bad.number,
                bad.cells.len(),
                fields.len(),
                fields.join(", ")
            ),
        ));
    }
    let start = usize::try_from(args.start_row.unwrap_or(1)).unwrap_or(usize::MAX);
    let rows: Vec<Row> = all.into_iter().filter(|r| r.number >= start).collect();
    if rows.is_empty() {
        return Err(invalid(
            "start_row",
            format!("no data rows from row {start} on"),
        ));
    }
    Ok((fields, rows))
}

/// The answer: the dry run's problems, or the import's outcome.
fn answer(
    model: &str,
    rows: &[Row],
    dry: ImportRun,
    real: Option<ImportRun>,
    wanted: bool,
) -> Output {
    let next_row = dry.next_row;
    let first = rows.first().map_or(0, |r| r.number);
    let last = rows
        .iter()
        .map(|r| r.number)
        .filter(|n| next_row.is_none_or(|next| *n < next))
        .max()
        .unwrap_or(first);
    let errors = dry.messages.iter().filter(|m| m.error).count();
    let clean = dry.clean();
    let (messages, imported, ids) = match real {
        Some(run) => {
            let done = run.clean() && !run.ids.is_empty();
            (run.messages, done, run.ids)
        }
        None => (dry.messages, false, Vec::new()),
    };
    let mut summary = match (wanted, clean, imported) {
        (_, _, true) => format!("Imported {} records (rows {first}–{last}).", ids.len()),
        (true, true, false) => {
            "The dry run was clean but the import failed: see errors; nothing was imported.".into()
        }
        (true, false, _) => format!(
            "Not imported: the dry run found {errors} errors; fix those rows and call again."
        ),
        (false, true, _) => format!(
            "Dry run clean for rows {first}–{last}; nothing imported yet: call again with import: true."
        ),
        (false, false, _) => format!(
            "Dry run: {errors} errors in rows {first}–{last}; nothing imported. Fix them, then call with import: true."
        ),
    };
    if let Some(next) = next_row {
        summary.push_str(&format!(
            " This call took at most {MAX_IMPORT_ROWS} records: continue with start_row: {next}."
        ));
    }
    Output {
        model: model.to_string(),
        errors: messages.into_iter().map(Problem::from).collect(),
        imported,
        ids,
        next_row,
        summary,
    }
}
