//! Bulk import through Odoo's own import (`base_import.import.execute_import`,
//! the web client's "Import records"): a dry run first (Odoo checks every row,
//! then rolls back), the real import only when asked and clean; and export
//! through `export_data`. Row numbers are the caller's: 1-based data rows.

use odoo_client::{OdooClient, RecordId};
use serde_json::{Map, Value, json};

use super::kwargs;
use crate::error::ToolError;

/// At most this many records per call (Odoo's `limit` option); the answer says
/// where to resume (Odoo's `nextrow`).
pub const MAX_IMPORT_ROWS: usize = 1000;

/// One data row and its number as the caller counts it (1-based).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<String>,
}

/// One of Odoo's import messages, its rows turned into the caller's numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportMessage {
    pub error: bool,
    pub row: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

/// What one `execute_import` answered.
#[derive(Debug, Clone, Default)]
pub struct ImportRun {
    pub ids: Vec<RecordId>,
    pub messages: Vec<ImportMessage>,
    /// The caller's row to resume from, when Odoo stopped at the limit.
    pub next_row: Option<usize>,
}

impl ImportRun {
    pub fn clean(&self) -> bool {
        !self.messages.iter().any(|m| m.error)
    }
}

/// The rows of a CSV text (RFC 4180: `,` between cells, `"` quotes, `""` a
/// quote inside one). Lines without any text are left out, as Odoo does; each
/// kept row keeps its line number among the data rows.
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    // Spreadsheets save UTF-8 CSV with a byte-order mark: not part of the first cell.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') if cell.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    if quoted {
        return Err(format!(
            "a quoted cell in line {} is never closed",
            rows.len() + 1
        ));
    }
    if !cell.is_empty() || !row.is_empty() {
        row.push(cell);
        rows.push(row);
    }
    Ok(rows)
}

/// Numbers the rows from `first` (1-based) and drops the blank ones, which
/// Odoo skips without counting them.
pub fn numbered(rows: Vec<Vec<String>>, first: usize) -> Vec<Row> {
    rows.into_iter()
        .enumerate()
        .map(|(i, cells)| Row {
            number: first + i,
            cells,
        })
        .filter(|r| r.cells.iter().any(|c| !c.trim().is_empty()))
        .collect()
}

/// The CSV Odoo reads: a header of the columns, then the rows, every cell quoted.
pub fn to_csv(fields: &[String], rows: &[Row]) -> String {
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut text = line(fields);
    for row in rows {
        text.push('\n');
        text.push_str(&line(&row.cells));
    }
    text.push('\n');
    text
}

/// Reads `execute_import`'s answer; Odoo's row indexes (0-based among the rows
/// sent) become the caller's numbers.
pub fn read_answer(answer: &Value, sent: &[Row]) -> ImportRun {
    let number = |index: &Value| {
        let i = usize::try_from(index.as_u64()?).ok()?;
        sent.get(i).map(|r| r.number)
    };
    let messages = answer["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let row = number(&m["rows"]["from"]);
            ImportMessage {
                error: m["type"].as_str() != Some("warning"),
                row,
                field: m["field"].as_str().map(str::to_string),
                message: m["message"]
                    .as_str()
                    .map_or_else(|| m["message"].to_string(), str::to_string),
            }
        })
        .collect();
    let ids = answer["ids"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_i64)
        .collect();
    let next_row = answer["nextrow"]
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|&n| n > 0)
        .and_then(|n| sent.get(n))
        .map(|r| r.number);
    ImportRun {
        ids,
        messages,
        next_row,
    }
}

/// One import of `rows` into `model` through Odoo's import wizard: made once,
/// run as a dry run, then for real when `import` and the dry run is clean.
pub struct Import<'a> {
    pub client: &'a OdooClient,
    pub model: &'a str,
    pub fields: &'a [String],
    pub rows: &'a [Row],
}

impl Import<'_> {
    /// The wizard record holding the CSV (`file` is raw bytes, not base64:
    /// text goes as it is over JSON/2 and XML-RPC).
    pub async fn prepare(&self) -> Result<RecordId, ToolError> {
        let values = json!({
            "res_model": self.model,
            "file": to_csv(self.fields, self.rows),
            "file_name": "import.csv",
            "file_type": "text/csv",
        });
        let list = [values.as_object().cloned().unwrap_or_default()];
        let ids = self.client.create("base_import.import", &list).await?;
        ids.first().copied().ok_or_else(|| {
            ToolError::Refused("Odoo made no import wizard (base_import.import)".into())
        })
    }

    /// `execute_import` on the wizard; `dryrun` rolls everything back.
    pub async fn run(&self, wizard: RecordId, dryrun: bool) -> Result<ImportRun, ToolError> {
        let options = json!({
            "has_headers": true,
            "separator": ",",
            "quoting": "\"",
            "encoding": "utf-8",
            "limit": MAX_IMPORT_ROWS,
        });
        let arguments = kwargs(vec![
            ("fields", json!(self.fields)),
            ("columns", json!(self.fields)),
            ("options", options),
            ("dryrun", json!(dryrun)),
        ]);
        let answer = self
            .client
            .execute(
                "base_import.import",
                "execute_import",
                Some(&[wizard]),
                arguments,
                None,
            )
            .await?;
        Ok(read_answer(&answer, self.rows))
    }
}

/// `export_data` of `ids` for `fields` (names, `/` paths): one line per
/// record, more where a one2many path lists several lines.
pub async fn export(
    client: &OdooClient,
    model: &str,
    ids: &[RecordId],
    fields: &[String],
) -> Result<Vec<Vec<Value>>, ToolError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let arguments: Map<String, Value> = kwargs(vec![("fields_to_export", json!(fields))]);
    let answer = client
        .execute(model, "export_data", Some(ids), arguments, None)
        .await?;
    Ok(answer["datas"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|line| line.as_array().cloned().unwrap_or_default())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_reads_quotes_commas_and_line_ends() {
        let text = "a,\"b, c\",\"say \"\"hi\"\"\"\r\n\n\"two\nlines\",,x\n";
        let rows = parse_csv(text).expect("csv");
        assert_eq!(
            rows,
            vec![
                vec!["a".to_string(), "b, c".into(), "say \"hi\"".into()],
                vec![String::new()],
                vec!["two\nlines".into(), String::new(), "x".into()],
            ]
        );
        assert!(parse_csv("a,\"open").is_err());
        // A spreadsheet's byte-order mark is not part of the first column's name.
        let rows = parse_csv("\u{feff}name,email\nAcme,a@acme.com\n").expect("csv");
        assert_eq!(rows[0], vec!["name".to_string(), "email".into()]);
    }

    #[test]
    fn blank_rows_are_dropped_but_counted() {
        let rows = numbered(
            vec![vec!["a".into()], vec![" ".into()], vec!["b".into()]],
            1,
        );
        let numbers: Vec<usize> = rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, vec![1, 3]);
        let csv = to_csv(&["name".into()], &rows);
        assert_eq!(csv, "\"name\"\n\"a\"\n\"b\"\n");
    }

    #[test]
    fn odoo_rows_become_the_callers() {
        let sent = numbered(
            vec![vec!["a".into()], vec![String::new()], vec!["b".into()]],
            11,
        );
        let answer = json!({"ids": false, "nextrow": 1, "messages": [
            {"type": "error", "rows": {"from": 1, "to": 1}, "field": "country_id",
             "message": "No matching record found for name 'Narnia' in field 'Country'"},
            {"type": "warning", "message": "Found more than 10 errors"}
        ]});
        let run = read_answer(&answer, &sent);
        assert!(!run.clean());
        assert_eq!(run.messages[0].row, Some(13));
        assert_eq!(run.messages[0].field.as_deref(), Some("country_id"));
        assert!(!run.messages[1].error);
        assert_eq!(run.next_row, Some(13));
    }
}
