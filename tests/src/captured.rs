//! What a child process writes on a stream, collected in the background: the
//! end-to-end tests and the live suite read the server's log through it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};

/// Everything a process wrote on a stream so far.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<String>>);

impl Captured {
    pub fn spawn_reader<R: tokio::io::AsyncRead + Unpin + Send + 'static>(reader: R) -> Self {
        let captured = Captured::default();
        let sink = captured.clone();
        tokio::spawn(async move {
            let mut lines = BufReader::new(reader).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                let mut text = sink.0.lock().unwrap_or_else(|p| p.into_inner());
                text.push_str(&line);
                text.push('\n');
            }
        });
        captured
    }

    pub fn text(&self) -> String {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The first line containing `needle`, once it shows up within 20 s.
    pub async fn line_with(&self, needle: &str) -> Option<String> {
        for _ in 0..400 {
            if let Some(line) = self.text().lines().find(|l| l.contains(needle)) {
                return Some(line.to_string());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        None
    }

    /// [`Self::line_with`], or a panic showing what was written (tests only).
    pub async fn wait_for(&self, needle: &str) -> String {
        match self.line_with(needle).await {
            Some(line) => line,
            None => panic!("no line with {needle:?} in:\n{}", self.text()),
        }
    }
}
