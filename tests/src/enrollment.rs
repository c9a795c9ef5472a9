//! The enrollment page of `ODOO_MCP_IDENTITY=oauth` in a real headless
//! chromium ([`crate::chromium`]), used as a person uses it: the one-time
//! link opens, the OpenID provider's own sign-in form is filled by typing into
//! its inputs and clicking its button, then the page's key form the same way.
//!
//! The server's public address (`http://odoo-mcp.test`) reaches the server
//! under test by chromium's host-resolver rules (`MAP odoo-mcp.test
//! 127.0.0.1:PORT`), as DNS and a reverse proxy would: the browser still asks
//! for `odoo-mcp.test`, the provider's registered redirect.

use std::time::Duration;

use chromiumoxide::Page;
use serde_json::Value;

use crate::chromium::Chromium;

/// Put in every document before its own content: the Content-Security-Policy
/// violations it meets (a blocked inline style or script), for the test to read.
const WATCH_CSP: &str = "window.__csp = []; document.addEventListener('securitypolicyviolation', \
    (e) => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));";

/// What the next step is, read from the page shown.
const WHICH_FORM: &str = "document.querySelector('input[name=prompt][value=login]') ? 'login' \
    : document.querySelector('input[name=prompt][value=consent]') ? 'consent' \
    : document.querySelector('input[name=key]') ? 'key' : 'none'";

/// One page of the server, as shown.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub url: String,
    /// The document's title (the page's heading).
    pub title: String,
    /// What a person reads (`innerText`).
    pub text: String,
    /// The page's CSP violations: none when its headers leave it working.
    pub violations: Vec<String>,
    /// Its inline style applied (`body` has the page's width).
    pub styled: bool,
}

/// The way through: the server's pages (the key form included) and the
/// page it ended on, in order.
#[derive(Debug, Clone, Default)]
pub struct Journey {
    pub pages: Vec<Seen>,
}

impl Journey {
    /// The page it ended on.
    pub fn last(&self) -> Seen {
        self.pages.last().cloned().unwrap_or_default()
    }

    /// The key form, when it was shown.
    pub fn key_form(&self) -> Option<&Seen> {
        self.pages.iter().find(|p| p.title.contains("Connect your"))
    }

    /// Every CSP violation met on the server's pages.
    pub fn violations(&self) -> Vec<String> {
        self.pages
            .iter()
            .flat_map(|p| p.violations.iter().map(move |v| format!("{}: {v}", p.url)))
            .collect()
    }
}

/// One person's chromium; `public` is the server's address as its links name it.
pub struct PersonBrowser {
    chromium: Chromium,
    public_host: String,
}

impl PersonBrowser {
    /// A fresh chromium where `public` (`http://odoo-mcp.test`) reaches `actual`
    /// (`http://127.0.0.1:PORT`); `None` when chromium is not installed.
    pub async fn launch(public: &str, actual: &str) -> Result<Option<Self>, String> {
        let host = |url: &str| {
            url::Url::parse(url)
                .ok()
                .and_then(|u| Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?)))
                .ok_or_else(|| format!("{url} is not an http URL"))
        };
        let public_host = url::Url::parse(public)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .ok_or_else(|| format!("{public} is not an http URL"))?;
        let rule = format!("MAP {public_host} {}", host(actual)?);
        // An http address stays http (no automatic https attempt first).
        let switches = [
            ("host-resolver-rules", rule.as_str()),
            ("disable-features", "HttpsUpgrades"),
        ];
        let Some(chromium) = Chromium::launch(&switches).await? else {
            return Ok(None);
        };
        Ok(Some(PersonBrowser {
            chromium,
            public_host,
        }))
    }

    /// Opens `url` in a new tab and answers the page it ends on.
    pub async fn open(&self, url: &str) -> Result<Seen, String> {
        let tab = self.tab(url).await?;
        let seen = self.seen(&tab).await;
        let _ = tab.close().await;
        seen
    }

    /// Opens an enrollment link, signs in at the provider as `login` (and
    /// consents when asked), then gives `key` on the key form.
    pub async fn enroll(&self, link: &str, login: &str, key: &str) -> Result<Journey, String> {
        let tab = self.tab(link).await?;
        let journey = self.through(&tab, login, key).await;
        let _ = tab.close().await;
        journey
    }

    async fn through(&self, tab: &Page, login: &str, key: &str) -> Result<Journey, String> {
        let mut journey = Journey::default();
        for _ in 0..6 {
            let form = eval(tab, WHICH_FORM).await?;
            let form = form.as_str().unwrap_or_default();
            // The server's pages, and wherever the way ends (a provider's error too).
            if form == "none" || self.on_server(tab).await {
                journey.pages.push(self.seen(tab).await?);
            }
            match form {
                "login" => {
                    type_into(tab, "input[name=login]", login).await?;
                    type_into(tab, "input[name=password]", "any password").await?;
                }
                "consent" => {}
                "key" => type_into(tab, "input[name=key]", key).await?,
                _ => return Ok(journey),
            }
            submit(tab).await?;
        }
        Err(format!("no end after six forms: {journey:?}"))
    }

    async fn tab(&self, url: &str) -> Result<Page, String> {
        let tab = self.chromium.new_page("about:blank").await?;
        tab.evaluate_on_new_document(WATCH_CSP)
            .await
            .map_err(|e| format!("watch CSP: {e}"))?;
        tab.goto(url)
            .await
            .map_err(|e| format!("open {url}: {e}"))?;
        settled(&tab).await?;
        Ok(tab)
    }

    async fn on_server(&self, tab: &Page) -> bool {
        eval(tab, "location.hostname")
            .await
            .is_ok_and(|h| h.as_str() == Some(self.public_host.as_str()))
    }

    async fn seen(&self, tab: &Page) -> Result<Seen, String> {
        let read = eval(
            tab,
            "({url: location.href, title: document.title, text: document.body.innerText, \
              violations: window.__csp || [], \
              styled: getComputedStyle(document.body).maxWidth !== 'none'})",
        )
        .await?;
        let text = |name: &str| read[name].as_str().unwrap_or_default().to_owned();
        Ok(Seen {
            url: text("url"),
            title: text("title"),
            text: text("text"),
            violations: read["violations"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            styled: read["styled"] == Value::Bool(true),
        })
    }

    /// Closes the browser.
    pub async fn close(self) {
        self.chromium.close().await;
    }
}

async fn eval(tab: &Page, js: &str) -> Result<Value, String> {
    Ok(tab
        .evaluate(js)
        .await
        .map_err(|e| format!("{js}: {e}"))?
        .into_value()
        .unwrap_or(Value::Null))
}

/// Clicks into the input and types, key by key, as a person does.
async fn type_into(tab: &Page, selector: &str, text: &str) -> Result<(), String> {
    let input = tab
        .find_element(selector)
        .await
        .map_err(|e| format!("no {selector}: {e}"))?;
    input
        .click()
        .await
        .map_err(|e| format!("click {selector}: {e}"))?;
    input
        .type_str(text)
        .await
        .map_err(|e| format!("type into {selector}: {e}"))?;
    Ok(())
}

/// Clicks the form's submit button, then waits for the next document.
async fn submit(tab: &Page) -> Result<(), String> {
    eval(tab, "window.__left = true").await?;
    tab.find_element("form button[type=submit]")
        .await
        .map_err(|e| format!("no submit button: {e}"))?
        .click()
        .await
        .map_err(|e| format!("click submit: {e}"))?;
    settled(tab).await
}

/// Waits (15 s at most) until a new document is complete: one the submit left
/// has `window.__left`; while the browser navigates, evaluation may fail.
async fn settled(tab: &Page) -> Result<(), String> {
    let js = "window.__left !== true && document.readyState === 'complete'";
    for _ in 0..300 {
        if let Ok(Value::Bool(true)) = eval(tab, js).await {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = eval(tab, "location.href").await.unwrap_or_default();
    Err(format!("no page settled; at {url}"))
}
