//! Debian's `chromium`, headless, driven over CDP (chromiumoxide): the one
//! launcher of the browser tests (the MCP Apps views, the enrollment page).
//! Each launch is a new person's browser: a fresh profile, removed after.

use std::path::{Path, PathBuf};

use chromiumoxide::{Browser, BrowserConfig, Page};
use futures::StreamExt;

/// Debian's chromium, when installed (`scripts/test` installs it).
pub fn executable() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// What a test says when chromium is missing: browser tests fail, never pass unrun.
pub const MISSING: &str =
    "chromium is not installed: scripts/test installs it (Debian's chromium package)";

/// A new, empty profile directory, removed on drop.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Result<Self, String> {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("odoo-chromium-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        Ok(Profile(dir))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running headless chromium; [`Chromium::close`] ends it.
pub struct Chromium {
    browser: Browser,
    _profile: Profile,
}

impl Chromium {
    /// Starts chromium with `switches` (`--name=value`) besides the usual ones;
    /// `None` when it is not installed.
    pub async fn launch(switches: &[(&str, &str)]) -> Result<Option<Chromium>, String> {
        let Some(executable) = executable() else {
            return Ok(None);
        };
        let profile = Profile::new()?;
        let config = BrowserConfig::builder()
            .chrome_executable(executable)
            .disable_default_args()
            .no_sandbox()
            .user_data_dir(&profile.0)
            .window_size(800, 1000)
            .viewport(None)
            // chromiumoxide writes the dashes itself (given them, it would pass
            // `----name`, which chromium ignores).
            .args([
                "disable-gpu",
                "disable-quic",
                "no-first-run",
                "disable-background-networking",
                "disable-component-update",
                "disable-sync",
                "disable-dev-shm-usage",
            ])
            .args(switches.iter().copied())
            .build()?;
        let (browser, mut handler) = Browser::launch(config)
            .await
            .map_err(|e| format!("launch chromium: {e}"))?;
        tokio::spawn(async move { while handler.next().await.is_some() {} });
        Ok(Some(Chromium {
            browser,
            _profile: profile,
        }))
    }

    /// A new tab showing `url`.
    pub async fn new_page(&self, url: &str) -> Result<Page, String> {
        self.browser
            .new_page(url)
            .await
            .map_err(|e| format!("open {url}: {e}"))
    }

    /// Closes the browser, waits for it to exit, then removes its profile
    /// (again for a while: chromium's helpers may still write there briefly).
    pub async fn close(mut self) {
        let _ = self.browser.close().await;
        let _ = self.browser.wait().await;
        for _ in 0..40 {
            if std::fs::remove_dir_all(&self._profile.0).is_ok() || !self._profile.0.exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}
