//! `ODOO_MCP_IDENTITY=oauth` over streamable HTTP, against the project's real
//! OpenID provider (tests/oidc, started here): admin and demo, each with an
//! OAuth subject, enroll their own Odoo keys through the server's page (signing
//! in on the provider's own form; demo in a headless Chromium, admin over
//! HTTP) and then see what Odoo shows each of them.
//! The key store is the lab's PostgreSQL when the env file names one
//! (`ODOO_LIVE_PG_URL`), else a SQLite file.

use std::collections::BTreeMap;

use serde_json::json;

use super::super::session::Session;
use super::{Check, Run, clip, failed_setup};
use crate::enrollment::PersonBrowser;
use crate::oidc::{Browser, OidcProvider};

/// The server's public address: the provider's registered redirect is under it.
const PUBLIC_URL: &str = "http://odoo-mcp.test";
const STORE_SECRET: &str = "live-suite-key-store-secret-2f6c1d";

impl Run<'_> {
    pub(super) async fn oauth_identity(&mut self) {
        let Some(demo_env) = self.demo_env() else {
            return;
        };
        let provider = match OidcProvider::start().await {
            Ok(provider) => provider,
            Err(e) => {
                return self
                    .outcomes
                    .push(failed_setup("oauth: OpenID provider", e));
            }
        };
        let sqlite =
            std::env::temp_dir().join(format!("odoo-mcp-live-keys-{}.db", std::process::id()));
        let store = self
            .target
            .key_store_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", sqlite.display()));
        let mut vars = vec![("ODOO_YOLO", "true")];
        vars.extend(provider.oauth_identity_vars(PUBLIC_URL, &store, STORE_SECRET));
        let mut env = self.server_env(&vars);
        for key in ["ODOO_API_KEY", "ODOO_PASSWORD", "ODOO_USER"] {
            env.remove(key);
        }
        let people = [self.target.env.clone(), demo_env.clone()];
        // A store shared between targets may know these subjects already.
        for person in &people {
            let _ = self
                .identity_command(&env, &["revoke", &login(person)])
                .await;
        }
        let (_child, stderr, url) = match Session::http_server(&self.target.mcp_bin, &env).await {
            Ok(server) => server,
            Err(e) => return self.outcomes.push(failed_setup("oauth: HTTP server", e)),
        };
        let mut sessions = Vec::new();
        // Each person signs in in their own browser: admin's speaks HTTP, demo's is Chromium.
        for (person, in_chromium) in people.iter().zip([false, true]) {
            match self
                .oauth_enrolled(&provider, &url, person, in_chromium)
                .await
            {
                Some(session) => sessions.push(session),
                None => return,
            }
        }
        let demo = sessions.pop().expect("demo's session");
        let admin = sessions.pop().expect("admin's session");
        self.identity_orders("oauth", &admin, &demo, &demo_env)
            .await;
        let mut tokens = Vec::new();
        for (person, is_demo) in [(&people[0], false), (&people[1], true)] {
            let token = provider.token_of(&login(person), PUBLIC_URL).await;
            tokens.push((format!("Bearer {token}"), is_demo));
        }
        if let Ok(people) = <[(String, bool); 2]>::try_from(tokens) {
            self.identity_load("oauth", &url, people, &demo_env).await;
        }
        self.oauth_operators(&env, &people, &demo).await;
        let logs = stderr.text();
        let leaked = people
            .iter()
            .filter_map(|p| p.get("ODOO_API_KEY"))
            .any(|key| key.len() >= 8 && logs.contains(key.as_str()));
        self.step(
            "oauth: no key in logs",
            if leaked {
                Err("an enrolled Odoo key appeared in the server's debug log".into())
            } else {
                Ok(format!(
                    "{} bytes of debug log checked; store {}",
                    logs.len(),
                    shown(&store)
                ))
            },
        );
        admin.close().await;
        demo.close().await;
        let _ = std::fs::remove_file(&sqlite);
    }

    /// The target's connection with demo's credentials.
    fn demo_env(&self) -> Option<BTreeMap<String, String>> {
        let demo = self.target.demo.as_ref()?;
        let mut env = self.target.env.clone();
        for key in ["ODOO_USER", "ODOO_API_KEY", "ODOO_PASSWORD"] {
            env.remove(key);
        }
        env.extend(demo.clone());
        env.contains_key("ODOO_API_KEY").then_some(env)
    }

    /// A person's client: asked to enroll (a tool error with the link), enrolled
    /// through the page with their key, over HTTP or in Chromium.
    async fn oauth_enrolled(
        &mut self,
        provider: &OidcProvider,
        url: &str,
        person: &BTreeMap<String, String>,
        in_chromium: bool,
    ) -> Option<Session> {
        let login = login(person);
        let token = provider.token_of(&login, PUBLIC_URL).await;
        let session = match Session::http_client_as(url, &format!("Bearer {token}")).await {
            Ok(session) => session,
            Err(e) => {
                self.outcomes.push(failed_setup("oauth: client", e));
                return None;
            }
        };
        let asked = session
            .call(
                "search_records",
                json!({"model": "res.partner", "limit": 1}),
            )
            .await;
        let link = asked
            .text
            .split_whitespace()
            .find(|w| w.starts_with(&format!("{PUBLIC_URL}/enroll?link=")))
            .map(str::to_string);
        let Some(link) = link else {
            let why = format!("no enrollment link: {}", asked.text);
            self.step(format!("oauth: {login} is sent to enrollment"), Err(why));
            return None;
        };
        let key = person.get("ODOO_API_KEY").cloned().unwrap_or_default();
        let actual = url.trim_end_matches("/mcp");
        let (scenario, check) = if in_chromium {
            let check = in_chromium_enrolled(actual, &link, &login, &key).await;
            (
                format!("oauth: {login} enrolls in Chromium through the sign-in page"),
                check,
            )
        } else {
            let shown = Browser::new(PUBLIC_URL, actual)
                .enroll(&link, &login, &key)
                .await;
            let connected = shown.body.contains(&format!("acts in Odoo as {login}"));
            let check = if shown.status == 200 && connected && !shown.body.contains(&key) {
                Ok(format!(
                    "signed in at the provider, key accepted for {login}"
                ))
            } else {
                Err(format!("page answered {}: {}", shown.status, shown.body))
            };
            (
                format!("oauth: {login} enrolls through the sign-in page"),
                check,
            )
        };
        self.step(scenario, check);
        Some(session)
    }

    /// `identity list` names both, without keys; `identity revoke` sends demo back to enrollment.
    async fn oauth_operators(
        &mut self,
        env: &BTreeMap<String, String>,
        people: &[BTreeMap<String, String>],
        demo: &Session,
    ) {
        let listed = self.identity_command(env, &["list"]).await;
        let check = match &listed {
            Ok(text)
                if people
                    .iter()
                    .all(|p| text.contains(&format!("{}\t{}\t", login(p), login(p)))) =>
            {
                if people
                    .iter()
                    .filter_map(|p| p.get("ODOO_API_KEY"))
                    .any(|k| text.contains(k.as_str()))
                {
                    Err("identity list printed a key".into())
                } else {
                    Ok("both subjects listed, no key".into())
                }
            }
            Ok(text) => Err(format!("identity list: {text}")),
            Err(e) => Err(e.clone()),
        };
        self.step("oauth: identity list", check);
        let demo_login = login(&people[1]);
        let revoked = self.identity_command(env, &["revoke", &demo_login]).await;
        let again = demo
            .call(
                "search_records",
                json!({"model": "res.partner", "limit": 1}),
            )
            .await;
        let check = match revoked {
            Ok(_) if again.text.contains("/enroll?link=") => {
                Ok("the next call asks to enroll again".into())
            }
            Ok(_) => Err(format!("after revoke: {}", again.text)),
            Err(e) => Err(e),
        };
        self.step("oauth: identity revoke asks for enrollment again", check);
    }

    async fn identity_command(
        &self,
        env: &BTreeMap<String, String>,
        args: &[&str],
    ) -> Result<String, String> {
        let output = tokio::process::Command::new(&self.target.mcp_bin)
            .env_clear()
            .envs(env)
            .arg("identity")
            .args(args)
            .output()
            .await
            .map_err(|e| format!("cannot run odoo-mcp identity: {e}"))?;
        let text = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        if output.status.success() {
            Ok(text)
        } else {
            Err(text)
        }
    }
}

/// The page in a headless Chromium: the provider's form and the key form
/// typed into and submitted; the server's pages work under their CSP.
async fn in_chromium_enrolled(actual: &str, link: &str, login: &str, key: &str) -> Check {
    let Some(person) = PersonBrowser::launch(PUBLIC_URL, actual).await? else {
        return Err(crate::chromium::MISSING.into());
    };
    let journey = person.enroll(link, login, key).await;
    person.close().await;
    let journey = journey?;
    let end = journey.last();
    let violations = journey.violations();
    if end.title != "Connected"
        || !end.text.contains(&format!("acts in Odoo as {login}"))
        || end.text.contains(key)
    {
        Err(format!(
            "the page ended on {:?}: {}",
            end.title,
            clip(&end.text)
        ))
    } else if !violations.is_empty() || journey.pages.iter().any(|p| !p.styled) {
        Err(format!(
            "the page's CSP blocked its own content: {violations:?}"
        ))
    } else {
        Ok(format!(
            "typed into the provider's sign-in and the key form; {} pages of the server, no CSP violation",
            journey.pages.len()
        ))
    }
}

fn login(env: &BTreeMap<String, String>) -> String {
    env.get("ODOO_USER")
        .cloned()
        .unwrap_or_else(|| "admin".into())
}

/// A store URL without its password.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user = url[scheme + 3..at].split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
