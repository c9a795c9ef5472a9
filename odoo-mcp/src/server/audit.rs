//! The audit log (`ODOO_MCP_AUDIT_LOG`): one JSON line per write-tool call, with
//! when, who (the OAuth subject of the HTTP request, when there is one, and the
//! Odoo uid and login the call acted as, with odoo-key), which
//! tool, model and record ids, and the outcome. Never the values written, and
//! error messages go through the same secret scrubbing as tool results.
//!
//! Lines are handed to one writer thread over a channel, so a tool call never
//! waits on the disk and never fails because of the log: a file that cannot be
//! written costs a warning on stderr, and the next line tries again.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;

use serde_json::{Value, json};

use crate::error::ToolError;
use crate::tools::{Answer, Effect};

/// An error message is cut to this many characters in the log.
const MAX_MESSAGE: usize = 500;

/// Where audit lines go; the writer thread ends (after writing what it was given)
/// when this is dropped.
pub(crate) struct AuditLog {
    lines: Option<Sender<String>>,
    writer: Option<JoinHandle<()>>,
}

impl AuditLog {
    /// Starts the writer; the file is opened (created, appended to) on the first line.
    pub(crate) fn start(path: PathBuf) -> Self {
        let (lines, received) = channel::<String>();
        let writer = std::thread::Builder::new()
            .name("odoo-mcp-audit".into())
            .spawn(move || {
                let mut file: Option<File> = None;
                for line in received {
                    if file.is_none() {
                        file = open(&path);
                    }
                    if let Some(open_file) = file.as_mut()
                        && let Err(error) = open_file.write_all(line.as_bytes())
                    {
                        tracing::warn!(path = %path.display(), %error, "cannot write the audit log (ODOO_MCP_AUDIT_LOG); this line is lost");
                        file = None;
                    }
                }
            });
        let writer = match writer {
            Ok(writer) => Some(writer),
            Err(error) => {
                tracing::warn!(%error, "cannot start the audit log writer; no audit lines will be written");
                None
            }
        };
        Self {
            lines: Some(lines),
            writer,
        }
    }

    /// A write-tool call about to run (or refused); `None` for tools that do not write.
    pub(crate) fn begin(&self, line: &Line) -> Option<Pending<'_>> {
        line.effect.writes().then(|| Pending {
            log: self,
            line: line.clone(),
        })
    }

    fn append(&self, line: String) {
        if let Some(lines) = &self.lines
            && lines.send(line).is_err()
        {
            tracing::warn!("the audit log writer has stopped; this line is lost");
        }
    }
}

impl Drop for AuditLog {
    fn drop(&mut self) {
        // Closing the channel lets the writer finish the lines it holds.
        self.lines.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

fn open(path: &Path) -> Option<File> {
    match OpenOptions::new().create(true).append(true).open(path) {
        Ok(file) => Some(file),
        Err(error) => {
            tracing::warn!(path = %path.display(), %error, "cannot open the audit log (ODOO_MCP_AUDIT_LOG); this line is lost");
            None
        }
    }
}

fn clip(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// What an audit line says of a call, from the decoded call (the tool names its records).
#[derive(Debug, Clone)]
pub(crate) struct Line {
    pub tool: String,
    pub effect: Effect,
    pub model: Option<String>,
    /// The existing records acted on; a create's come from its answer.
    pub ids: Vec<i64>,
    pub dry_run: bool,
}

/// Who made a call, as far as the server knows.
#[derive(Debug, Clone, Default)]
pub(crate) struct Who {
    /// The OAuth subject of the HTTP request.
    pub subject: Option<String>,
    /// The Odoo user the call acted as, when callers bring their own keys.
    pub odoo_uid: Option<i64>,
    pub odoo_login: Option<String>,
}

impl Who {
    pub(crate) fn subject(subject: Option<String>) -> Self {
        Self {
            subject,
            ..Self::default()
        }
    }
}

/// A write-tool call under way; [`Pending::finish`] writes its line.
pub(crate) struct Pending<'a> {
    log: &'a AuditLog,
    line: Line,
}

impl Pending<'_> {
    pub(crate) fn finish(
        mut self,
        who: &Who,
        outcome: &Result<Answer, ToolError>,
        secrets: &[String],
    ) {
        let (kind, message) = match outcome {
            Ok(_) if self.line.dry_run => ("dry_run", None),
            Ok(answer) => {
                if self.line.effect.creates() {
                    self.line.ids = answer.created.clone();
                }
                ("ok", None)
            }
            Err(
                error @ (ToolError::ReadOnly { .. }
                | ToolError::Refused(_)
                | ToolError::ModelNotEnabled { .. }
                | ToolError::PathNotEnabled { .. }),
            ) => ("refused", Some(error.render(secrets))),
            Err(error) => ("error", Some(error.render(secrets))),
        };
        self.write(who, kind, message);
    }

    fn write(self, who: &Who, kind: &str, message: Option<String>) {
        let mut line = json!({
            "ts": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "subject": who.subject,
            "tool": self.line.tool,
            "model": self.line.model.as_deref().map(clip),
            "ids": self.line.ids,
            "outcome": kind,
        });
        if let Some(uid) = who.odoo_uid {
            line["odoo_uid"] = Value::from(uid);
            line["odoo_login"] = Value::from(who.odoo_login.clone());
        }
        if let Some(message) = message {
            line["message"] = Value::String(clip(&message));
        }
        let mut text = line.to_string();
        text.push('\n');
        self.log.append(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping() {
        let long = "é".repeat(MAX_MESSAGE + 10);
        assert_eq!(clip(&long).chars().count(), MAX_MESSAGE + 1);
    }
}
