//! The pooled HTTP client both transports share, with timeouts and bounded retries.

use std::time::Duration;

use reqwest::StatusCode;

use crate::config::Config;
use crate::error::{Error, Result};

const MAX_TRIES: u32 = 3;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

#[derive(Clone)]
pub(crate) struct Http {
    pub client: reqwest::Client,
    pub base: String,
    timeout: Duration,
}

/// Status, content type and body of an answer.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub body: bytes::Bytes,
}

impl Http {
    pub fn new(config: &Config) -> Result<Self> {
        // reqwest is built without a bundled crypto provider; ring is ours. A second
        // install (several clients in one process) is refused by rustls and harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            // An API answer never comes from elsewhere: a redirect says ODOO_URL or the API is wrong.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("odoo-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                Error::Config(format!("cannot build the HTTP client: {}", e.without_url()))
            })?;
        Ok(Self {
            client,
            base: config.url.clone(),
            timeout: config.timeout,
        })
    }

    /// Sends the request `build` makes; when `idempotent`, retries connect errors and
    /// 502/503/504 up to [`MAX_TRIES`] times with backoff. Never retries a timeout:
    /// Odoo may still be working on it.
    pub async fn send(
        &self,
        build: impl Fn() -> reqwest::RequestBuilder,
        idempotent: bool,
    ) -> Result<Reply> {
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            let outcome = self.send_once(build()).await;
            let retryable = match &outcome {
                Ok(reply) => matches!(reply.status.as_u16(), 502..=504),
                Err(Error::Unreachable { .. }) => true,
                Err(_) => false,
            };
            if !(idempotent && retryable && attempt < MAX_TRIES) {
                return outcome;
            }
            tracing::debug!(attempt, "retrying an idempotent Odoo call");
            tokio::time::sleep(backoff).await;
            backoff *= 3;
            attempt += 1;
        }
    }

    async fn send_once(&self, request: reqwest::RequestBuilder) -> Result<Reply> {
        let response = request.send().await.map_err(|e| self.map_error(e))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = response.bytes().await.map_err(|e| self.map_error(e))?;
        Ok(Reply {
            status,
            content_type,
            body,
        })
    }

    fn map_error(&self, error: reqwest::Error) -> Error {
        if error.is_timeout() {
            return Error::Timeout {
                after: self.timeout,
            };
        }
        // The reason chain names the cause (refused, reset, DNS) without the URL.
        let mut causes = String::new();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            causes.push_str(": ");
            causes.push_str(&cause.to_string());
            source = cause.source();
        }
        let reason = format!("{}{causes}", error.without_url());
        Error::Unreachable {
            url: self.base.clone(),
            reason,
        }
    }
}

/// A short, printable excerpt of a body that is not what was expected.
pub(crate) fn excerpt(body: &[u8]) -> String {
    const MAX: usize = 200;
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return "empty body".into();
    }
    let mut cut = text.len().min(MAX);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    if cut < text.len() {
        format!("{}…", &text[..cut])
    } else {
        text.to_string()
    }
}
