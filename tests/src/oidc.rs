//! A real OpenID provider for the OAuth tests: `tests/oidc/provider.mjs` (the npm package
//! `oidc-provider`) run by node on 127.0.0.1.
//!
//! Install it once with `npm ci --prefix tests/oidc`. When node or the package is missing,
//! [`OidcProvider::start`] fails with a message that says so: OAuth tests never skip quietly.

use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdin, Command};

/// The resource server's service client: it may introspect every token.
pub const SERVICE_CLIENT_ID: &str = "odoo-mcp-introspector";
/// Secret of [`SERVICE_CLIENT_ID`].
pub const SERVICE_CLIENT_SECRET: &str = "introspector-secret";
/// The client the tests get access tokens for (tokens live 600 s).
pub const TEST_CLIENT_ID: &str = "test-client";
const TEST_CLIENT_SECRET: &str = "test-client-secret";
/// A client whose tokens live [`SHORT_TTL`] only, for "expired" tests.
pub const SHORT_CLIENT_ID: &str = "test-client-short";
const SHORT_CLIENT_SECRET: &str = "test-client-short-secret";
/// Lifetime of tokens from [`OidcProvider::short_lived_token`].
pub const SHORT_TTL: Duration = Duration::from_secs(1);

/// node's start-up plus oidc-provider's import; generous for a loaded 2-core CI machine.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
const STDERR_KEEP: usize = 8 * 1024;

/// A running `oidc-provider`; killed when dropped (and it exits by itself when this process dies,
/// because it watches the stdin pipe held here).
pub struct OidcProvider {
    child: Option<Child>,
    _stdin: Option<ChildStdin>,
    issuer: String,
    http: reqwest::Client,
}

impl std::fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer)
            .field("running", &self.child.is_some())
            .finish()
    }
}

/// `tests/oidc` inside this package.
pub fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

impl OidcProvider {
    /// Starts the provider on a free port and waits until it is ready.
    pub async fn start() -> Result<OidcProvider, String> {
        let dir = provider_dir();
        let script = dir.join("provider.mjs");
        if !dir
            .join("node_modules/oidc-provider/package.json")
            .is_file()
        {
            return Err(format!(
                "the OpenID provider for the OAuth tests is not installed ({} has no \
                 node_modules/oidc-provider); run `npm ci --prefix tests/oidc` from the workspace root",
                dir.display()
            ));
        }
        let mut child = Command::new("node")
            .arg(&script)
            .arg("0")
            .env("OIDC_EXIT_ON_STDIN_EOF", "1")
            .env("OIDC_SHORT_TTL", SHORT_TTL.as_secs().to_string())
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot run `node {}`: {e}; install Node.js >= 20.19 and run \
                     `npm ci --prefix tests/oidc`",
                    script.display()
                )
            })?;
        let stdin = child.stdin.take();
        let stdout = child
            .stdout
            .take()
            .ok_or("the provider's stdout was not captured")?;
        let stderr = child
            .stderr
            .take()
            .ok_or("the provider's stderr was not captured")?;

        // Forward the provider's stderr to the test output (shown when a test fails) and keep its
        // start for the error message below.
        let seen = Arc::new(Mutex::new(String::new()));
        let keep = Arc::clone(&seen);
        tokio::spawn(async move {
            let mut lines = BufReader::new(stderr).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("oidc-provider: {line}");
                if let Ok(mut kept) = keep.lock()
                    && kept.len() < STDERR_KEEP
                {
                    kept.push_str(&line);
                    kept.push('\n');
                }
            }
        });

        let mut lines = BufReader::new(stdout).lines();
        let ready = tokio::time::timeout(READY_TIMEOUT, async {
            loop {
                match lines.next_line().await {
                    Ok(Some(line)) => {
                        if let Ok(value) = serde_json::from_str::<Value>(&line)
                            && value["ready"] == Value::Bool(true)
                        {
                            return Ok(value);
                        }
                    }
                    Ok(None) => return Err("it exited before it was ready".to_owned()),
                    Err(e) => return Err(format!("cannot read its stdout: {e}")),
                }
            }
        })
        .await;
        let stderr_text = || seen.lock().map(|s| s.clone()).unwrap_or_default();
        let ready = match ready {
            Ok(Ok(ready)) => ready,
            Ok(Err(why)) => {
                // Give the stderr task a moment to collect the reason node died.
                tokio::time::sleep(Duration::from_millis(200)).await;
                return Err(format!(
                    "the OpenID provider did not start: {why}; if modules are missing run \
                     `npm ci --prefix tests/oidc`. Its stderr:\n{}",
                    stderr_text()
                ));
            }
            Err(_) => {
                return Err(format!(
                    "the OpenID provider printed no ready line within {READY_TIMEOUT:?}. Its \
                     stderr:\n{}",
                    stderr_text()
                ));
            }
        };
        let issuer = ready["issuer"]
            .as_str()
            .ok_or_else(|| format!("the provider's ready line has no issuer: {ready}"))?
            .to_owned();
        // Nothing is printed on stdout after the ready line; drain anyway so a stray write can
        // never block node on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        // reqwest is built without a bundled TLS provider; a second install is refused, harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
        Ok(OidcProvider {
            child: Some(child),
            _stdin: stdin,
            issuer,
            http,
        })
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash: the value for `OAUTH_ISSUER_URL`.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn discovery_url(&self) -> String {
        format!("{}/.well-known/openid-configuration", self.issuer)
    }

    pub fn token_url(&self) -> String {
        format!("{}/token", self.issuer)
    }

    pub fn introspection_url(&self) -> String {
        format!("{}/token/introspection", self.issuer)
    }

    pub fn revocation_url(&self) -> String {
        format!("{}/token/revocation", self.issuer)
    }

    /// The resource server's service client id (for `OAUTH_CLIENT_ID`).
    pub fn service_client_id(&self) -> &'static str {
        SERVICE_CLIENT_ID
    }

    /// The resource server's service client secret (for `OAUTH_CLIENT_SECRET`).
    pub fn service_client_secret(&self) -> &'static str {
        SERVICE_CLIENT_SECRET
    }

    /// The server's variables for `ODOO_MCP_IDENTITY=oauth` against this
    /// provider: the key store at `store` sealed under `secret`, sessions kept
    /// (URL elicitation answers within a session), `public_url` for the links.
    pub fn oauth_identity_vars<'a>(
        &'a self,
        public_url: &'a str,
        store: &'a str,
        secret: &'a str,
    ) -> [(&'static str, &'a str); 8] {
        [
            ("ODOO_MCP_IDENTITY", "oauth"),
            ("ODOO_MCP_KEY_STORE", store),
            ("ODOO_MCP_KEY_STORE_SECRET", secret),
            ("OAUTH_ISSUER_URL", self.issuer()),
            ("OAUTH_CLIENT_ID", self.service_client_id()),
            ("OAUTH_CLIENT_SECRET", self.service_client_secret()),
            ("ODOO_MCP_PUBLIC_URL", public_url),
            ("ODOO_MCP_STATELESS", "false"),
        ]
    }

    /// An access token (600 s) for `resource` by the client-credentials grant; its `aud` is
    /// `resource`. Panics when the provider refuses: tests only.
    pub async fn token(&self, resource: &str) -> String {
        self.token_for(TEST_CLIENT_ID, TEST_CLIENT_SECRET, resource)
            .await
    }

    /// Like [`Self::token`], but the token expires after [`SHORT_TTL`].
    pub async fn short_lived_token(&self, resource: &str) -> String {
        self.token_for(SHORT_CLIENT_ID, SHORT_CLIENT_SECRET, resource)
            .await
    }

    async fn token_for(&self, client_id: &str, secret: &str, resource: &str) -> String {
        let response = self
            .http
            .post(self.token_url())
            .basic_auth(client_id, Some(secret))
            .form(&[
                ("grant_type", "client_credentials"),
                ("resource", resource),
                ("scope", "mcp"),
            ])
            .send()
            .await
            .unwrap_or_else(|e| panic!("token request to the OpenID provider failed: {e}"));
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|e| panic!("token response ({status}) is not JSON: {e}"));
        match body["access_token"].as_str() {
            Some(token) if status.is_success() => token.to_owned(),
            _ => panic!("the OpenID provider refused a token for {resource}: {status} {body}"),
        }
    }

    /// Revokes `token` (RFC 7009) with the test client's credentials.
    pub async fn revoke(&self, token: &str) {
        let response = self
            .http
            .post(self.revocation_url())
            .basic_auth(TEST_CLIENT_ID, Some(TEST_CLIENT_SECRET))
            .form(&[("token", token), ("token_type_hint", "access_token")])
            .send()
            .await
            .unwrap_or_else(|e| panic!("revocation request failed: {e}"));
        assert!(
            response.status().is_success(),
            "the OpenID provider refused to revoke: {}",
            response.status()
        );
    }

    /// How many introspection requests the provider has received (any client, any answer).
    pub async fn request_count_introspection(&self) -> usize {
        let body: Value = self
            .http
            .get(format!("{}/test/introspections", self.issuer))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("cannot read the introspection count: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("introspection count is not JSON: {e}"));
        body["count"]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or_else(|| panic!("bad introspection count {body}"))
    }

    /// From now on the provider answers introspection requests only after `delay` (a slow IdP).
    pub async fn set_introspection_delay(&self, delay: Duration) {
        self.http
            .post(format!(
                "{}/test/delay?ms={}",
                self.issuer,
                delay.as_millis()
            ))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("cannot set the introspection delay: {e}"));
    }

    /// Stops the provider (for "provider down" tests); its port then refuses connections.
    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        self._stdin = None;
    }
}

impl OidcProvider {
    /// An access token (600 s) of the account `subject` for `resource` (a test hook of
    /// provider.mjs: the token a person's MCP client holds after signing in).
    pub async fn token_of(&self, subject: &str, resource: &str) -> String {
        let mut url = url::Url::parse(&format!("{}/test/token", self.issuer)).expect("issuer URL");
        url.query_pairs_mut()
            .append_pair("sub", subject)
            .append_pair("resource", resource);
        let body: Value = self
            .http
            .post(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|e| panic!("cannot mint a token of {subject}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("the token of {subject} is not JSON: {e}"));
        body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no access_token in {body}"))
            .to_owned()
    }
}

/// A person's browser, as far as plain HTML forms go: keeps cookies per host, follows
/// redirects, signs in on oidc-provider's own form and consents, and fills odoo-mcp's
/// enrollment form. `public` → `actual` rewrites the server's public address (as a reverse
/// proxy would route it).
pub struct Browser {
    http: reqwest::Client,
    cookies: Mutex<std::collections::HashMap<String, Vec<(String, String)>>>,
    public: String,
    actual: String,
}

/// One answer the browser ended on.
#[derive(Debug, Clone)]
pub struct Shown {
    pub status: u16,
    pub url: String,
    pub body: String,
}

impl Browser {
    pub fn new(public: &str, actual: &str) -> Browser {
        let _ = rustls::crypto::ring::default_provider().install_default();
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()
                .expect("reqwest client"),
            cookies: Mutex::new(std::collections::HashMap::new()),
            public: public.trim_end_matches('/').to_owned(),
            actual: actual.trim_end_matches('/').to_owned(),
        }
    }

    /// Opens an enrollment link, signs in as `login` and, when the key form shows, sends `key`.
    /// Returns the last page.
    pub async fn enroll(&self, link: &str, login: &str, key: &str) -> Shown {
        let mut shown = self.go(link, None).await;
        for _ in 0..6 {
            let Some(action) = form_action(&shown.body) else {
                return shown;
            };
            let action = absolute(&shown.url, &action);
            let fields: Vec<(&str, String)> = if shown.body.contains("value=\"login\"") {
                vec![
                    ("prompt", "login".into()),
                    ("login", login.into()),
                    ("password", "any".into()),
                ]
            } else if shown.body.contains("value=\"consent\"") {
                vec![("prompt", "consent".into())]
            } else if let Some(csrf) = input_value(&shown.body, "csrf") {
                vec![("csrf", csrf), ("key", key.into())]
            } else {
                return shown;
            };
            shown = self.go(&action, Some(&fields)).await;
        }
        shown
    }

    /// GET (or POST `form`), then follows redirects.
    pub async fn go(&self, url: &str, form: Option<&[(&str, String)]>) -> Shown {
        let mut url = url.to_owned();
        let mut form = form;
        for _ in 0..12 {
            let target = url.replacen(&self.public, &self.actual, 1);
            let parsed = url::Url::parse(&target).expect("absolute URL");
            let host = parsed.host_str().unwrap_or_default().to_owned();
            let request = match form.take() {
                Some(fields) => self.http.post(parsed.clone()).form(fields),
                None => self.http.get(parsed.clone()),
            };
            let request = match self.cookie_header(&host) {
                Some(value) => request.header(reqwest::header::COOKIE, value),
                None => request,
            };
            let response = request.send().await.expect("browser request");
            self.keep_cookies(&host, response.headers());
            let status = response.status().as_u16();
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            match location {
                Some(next) if (300..400).contains(&status) => url = absolute(&target, &next),
                _ => {
                    let body = response.text().await.unwrap_or_default();
                    return Shown {
                        status,
                        url: target,
                        body,
                    };
                }
            }
        }
        panic!("too many redirects from {url}");
    }

    fn cookie_header(&self, host: &str) -> Option<String> {
        let jar = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        let pairs = jar.get(host).filter(|p| !p.is_empty())?;
        Some(
            pairs
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }

    fn keep_cookies(&self, host: &str, headers: &reqwest::header::HeaderMap) {
        let mut jar = self.cookies.lock().unwrap_or_else(|e| e.into_inner());
        let pairs = jar.entry(host.to_owned()).or_default();
        for value in headers.get_all(reqwest::header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let Some((name, rest)) = text.split_once('=') else {
                continue;
            };
            let value = rest.split(';').next().unwrap_or_default().to_owned();
            let gone = text.contains("expires=Thu, 01 Jan 1970") || text.contains("Max-Age=0");
            pairs.retain(|(k, _)| k != name);
            if !gone {
                pairs.push((name.to_owned(), value));
            }
        }
    }
}

fn absolute(base: &str, location: &str) -> String {
    url::Url::parse(base)
        .and_then(|b| b.join(location))
        .map(|u| u.to_string())
        .unwrap_or_else(|_| location.to_owned())
}

fn form_action(html: &str) -> Option<String> {
    let form = &html[html.find("<form")?..];
    let start = form.find("action=\"")? + "action=\"".len();
    let end = form[start..].find('"')?;
    Some(form[start..start + end].replace("&amp;", "&"))
}

fn input_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let start = rest.find("value=\"")? + "value=\"".len();
    let end = rest[start..].find('"')?;
    Some(rest[start..start + end].to_owned())
}
