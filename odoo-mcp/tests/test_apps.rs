//! MCP Apps views in a real headless Chromium.
#[test]
fn stub() {
    let _ = chromiumoxide::BrowserConfig::builder();
}
