//! `ODOO_MCP_IDENTITY=odoo-key` over streamable HTTP: admin's and demo's own keys,
//! each seeing what Odoo shows that user; demo's creates are demo's; demo cannot
//! change the company; a key made for the run and then revoked stops working.

use std::collections::BTreeMap;

use std::time::Duration;

use base64::Engine as _;
use odoo_client::{Domain, OdooClient, SearchOptions};
use serde_json::{Map, Value, json};

use super::super::session::Session;
use super::{Run, client_for, failed_setup};

/// Demo's password, which Odoo's identity check asks before demo makes or revokes a
/// key of its own: the demo env's `ODOO_PASSWORD`, else `ODOO_LIVE_DEMO_PASSWORD`
/// (the lab build sets demo/demo). Without one the revocation scenario does not run
/// (nor on the double, which has no key wizard).
fn demo_password(demo_env: &BTreeMap<String, String>) -> Option<String> {
    demo_env
        .get("ODOO_PASSWORD")
        .cloned()
        .or_else(|| std::env::var("ODOO_LIVE_DEMO_PASSWORD").ok())
        .filter(|p| !p.is_empty())
}

/// The identity cache's TTL (seconds) of the Odoo 18 revocation server.
const REVOCATION_TTL: u64 = 2;

impl Run<'_> {
    pub(super) async fn identity(&mut self) {
        let Some(demo) = &self.target.demo else {
            return;
        };
        // The target's connection with demo's credentials.
        let mut demo_env = self.target.env.clone();
        for key in ["ODOO_USER", "ODOO_API_KEY", "ODOO_PASSWORD"] {
            demo_env.remove(key);
        }
        demo_env.extend(demo.clone());
        let mut env = self.server_env(&[("ODOO_YOLO", "true"), ("ODOO_MCP_IDENTITY", "odoo-key")]);
        for key in ["ODOO_API_KEY", "ODOO_PASSWORD", "ODOO_USER"] {
            env.remove(key);
        }
        let (_child, stderr, url) = match Session::http_server(&self.target.mcp_bin, &env).await {
            Ok(server) => server,
            Err(e) => return self.outcomes.push(failed_setup("odoo-key: HTTP server", e)),
        };
        let admin_auth = self.authorization(&self.target.env);
        let demo_auth = self.authorization(&demo_env);
        let (admin, demo) = match (
            Session::http_client_as(&url, &admin_auth).await,
            Session::http_client_as(&url, &demo_auth).await,
        ) {
            (Ok(admin), Ok(demo)) => (admin, demo),
            (Err(e), _) | (_, Err(e)) => {
                return self.outcomes.push(failed_setup("odoo-key: clients", e));
            }
        };
        self.identity_orders("odoo-key", &admin, &demo, &demo_env)
            .await;
        self.identity_writes(&demo).await;
        let people = [(admin_auth.clone(), false), (demo_auth.clone(), true)];
        self.identity_load("odoo-key", &url, people, &demo_env)
            .await;
        self.identity_revoked(&url, &env, &demo_env).await;
        let logs = stderr.text();
        let leaked = [&self.target.env, &demo_env]
            .iter()
            .filter_map(|e| e.get("ODOO_API_KEY"))
            .any(|key| key.len() >= 8 && logs.contains(key.as_str()));
        self.step(
            "odoo-key: no key in logs",
            if leaked {
                Err("a caller's API key appeared in the server's debug log".into())
            } else {
                Ok(format!("{} bytes of debug log checked", logs.len()))
            },
        );
        admin.close().await;
        demo.close().await;
    }

    /// `Bearer <key>` where the server speaks JSON/2, `Basic login:key` over XML-RPC.
    fn authorization(&self, env: &BTreeMap<String, String>) -> String {
        let key = env.get("ODOO_API_KEY").cloned().unwrap_or_default();
        let xmlrpc = self.major < 19
            || self.target.env.get("ODOO_API_VERSION").map(String::as_str) == Some("xmlrpc");
        if xmlrpc {
            let login = env.get("ODOO_USER").cloned().unwrap_or_default();
            let pair = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{key}"));
            format!("Basic {pair}")
        } else {
            format!("Bearer {key}")
        }
    }

    /// Demo sees exactly the orders Odoo shows demo (asked directly as demo); admin all.
    pub(super) async fn identity_orders(
        &mut self,
        mode: &str,
        admin: &Session,
        demo: &Session,
        demo_env: &BTreeMap<String, String>,
    ) {
        let direct = match client_for(demo_env) {
            Ok(client) => {
                client
                    .search("sale.order", &Domain::new(), &SearchOptions::new())
                    .await
            }
            Err(e) => {
                return self
                    .outcomes
                    .push(failed_setup(&format!("{mode}: demo's own client"), e));
            }
        };
        let all = self.odoo.search_count("sale.order", &Domain::new()).await;
        let (Ok(mut direct), Ok(all)) = (direct, all) else {
            return self.step(
                format!("{mode}: demo's orders"),
                Err("direct calls failed".into()),
            );
        };
        direct.sort_unstable();
        // `count`: Odoo's count as the caller, beyond the server's page limit.
        let args = json!({"model": "sale.order", "fields": ["id"], "limit": 1000, "order": "id", "count": true});
        let a = demo.call("search_records", args.clone()).await;
        let through = ids(&a.value);
        let check = if through == direct && (direct.len() as u64) < all {
            Ok(format!(
                "demo sees {} of {all} orders, as Odoo shows demo",
                direct.len()
            ))
        } else {
            Err(format!(
                "through MCP {} orders, Odoo shows demo {}, all {all}",
                through.len(),
                direct.len()
            ))
        };
        self.done(
            format!("{mode}: demo sees what Odoo shows demo"),
            "ok",
            &a,
            check,
        );
        let a = admin.call("search_records", args).await;
        let seen = a.value["total"].as_u64();
        let check = if seen == Some(all) {
            Ok(format!("admin sees all {all}"))
        } else {
            Err(format!("admin sees {seen:?} of {all}"))
        };
        self.done(format!("{mode}: admin sees every order"), "ok", &a, check);
    }

    /// Demo's create is demo's (`create_uid`); demo's write to the company is Odoo's access error.
    async fn identity_writes(&mut self, demo: &Session) {
        let name = self.name("odoo-key");
        let a = demo
            .call(
                "create_record",
                json!({"model": "res.partner", "values": {"name": name}}),
            )
            .await;
        let id = a.value["id"].as_i64();
        let check = match id {
            Some(id) => {
                self.created.push(("res.partner".into(), id));
                match self.direct_read("res.partner", id, &["create_uid"]).await {
                    Ok(row) => {
                        let login = match row["create_uid"][0].as_i64() {
                            Some(uid) => self.login_of(uid).await,
                            None => String::new(),
                        };
                        if login == "demo" {
                            Ok("create_uid is demo".into())
                        } else {
                            Err(format!("create_uid is {}", row["create_uid"]))
                        }
                    }
                    Err(e) => Err(e),
                }
            }
            None => Err("no id".into()),
        };
        self.done("odoo-key: demo's create is demo's", "ok", &a, check);
        let a = demo
            .call(
                "update_record",
                json!({"model": "res.company", "record_id": 1, "values": {"name": "renamed through demo's key"}}),
            )
            .await;
        let check = if a.text.contains("not allowed to modify") || a.text.contains("access") {
            Ok("Odoo's access error".into())
        } else {
            Err(format!("unclear: {}", a.text))
        };
        self.done(
            "odoo-key: demo's write to the company is refused",
            "error:access",
            &a,
            check,
        );
    }

    async fn login_of(&self, uid: i64) -> String {
        self.odoo
            .read("res.users", &[uid], &["login"])
            .await
            .ok()
            .and_then(|rows| rows.first()?.get("login")?.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// A key demo makes for this run works, then, once demo revokes it, is a 401.
    async fn identity_revoked(
        &mut self,
        url: &str,
        env: &BTreeMap<String, String>,
        demo_env: &BTreeMap<String, String>,
    ) {
        let Some(password) = demo_password(demo_env) else {
            return;
        };
        // The double has no password check to make keys with: not recorded.
        self.real_odoo_only = true;
        if self.major >= 19 {
            self.identity_revocation(url, demo_env, &password, None)
                .await;
        } else {
            // Odoo 18 caches a key that passed its XML-RPC check (`res.users.check`
            // is an ormcache that removing a key does not clear), so a call
            // right after revocation may still pass: the server's TTL is what
            // bounds it. A server of its own with a short one.
            let mut env = env.clone();
            env.insert("ODOO_MCP_IDENTITY_TTL".into(), REVOCATION_TTL.to_string());
            match Session::http_server(&self.target.mcp_bin, &env).await {
                Ok((_child, _stderr, url)) => {
                    let wait = Duration::from_secs(REVOCATION_TTL + 1);
                    self.identity_revocation(&url, demo_env, &password, Some(wait))
                        .await
                }
                Err(e) => self
                    .outcomes
                    .push(failed_setup("odoo-key: revocation server", e)),
            }
        }
        self.real_odoo_only = false;
    }

    async fn identity_revocation(
        &mut self,
        url: &str,
        demo_env: &BTreeMap<String, String>,
        password: &str,
        ttl: Option<Duration>,
    ) {
        // Odoo runs its identity check within HTTP requests only, not XML-RPC:
        // demo manages its keys over JSON/2 on 19, and as a browser does (a web
        // session) below 19, whichever API the target tests.
        let demo = if self.major >= 19 {
            let mut manage = demo_env.clone();
            manage.insert("ODOO_API_VERSION".into(), "json2".into());
            client_for(&manage).map(KeyManager::Api)
        } else {
            WebSession::sign_in(demo_env, password)
                .await
                .map(KeyManager::Web)
        };
        let demo = match demo {
            Ok(demo) => demo,
            Err(e) => return self.outcomes.push(failed_setup("odoo-key: revocation", e)),
        };
        let fresh = match make_key(&demo, &self.name("key"), password).await {
            Ok(fresh) => fresh,
            Err(e) => return self.step("odoo-key: a revoked key stops working", Err(e)),
        };
        let mut env = demo_env.clone();
        env.insert("ODOO_API_KEY".into(), fresh.0.clone());
        let auth = self.authorization(&env);
        let before = Session::http_client_as(url, &auth).await;
        let works = match &before {
            Ok(s) => {
                s.call(
                    "search_records",
                    json!({"model": "res.partner", "limit": 1}),
                )
                .await
                .label
                    == "ok"
            }
            Err(_) => false,
        };
        let revoked = revoke_key(&demo, fresh.1, password).await;
        if let Some(ttl) = ttl {
            tokio::time::sleep(ttl).await;
        }
        // The server asks Odoo again when a call is refused (or after its TTL):
        // the open session's next call is refused.
        let during = match &before {
            Ok(s) => {
                s.call(
                    "search_records",
                    json!({"model": "res.partner", "limit": 1}),
                )
                .await
                .label
            }
            Err(e) => e.clone(),
        };
        if let Ok(s) = before {
            s.close().await;
        }
        let after = Session::http_client_as(url, &auth).await;
        let check = match (works, revoked, &after) {
            (true, Ok(()), _) if during == "ok" => {
                Err("a call of the open session still ran after revocation".into())
            }
            // rmcp's client reports the 401 as "Auth required".
            (true, Ok(()), Err(e))
                if e.contains("401")
                    || e.to_lowercase().contains("unauthorized")
                    || e.contains("Auth required") =>
            {
                Ok(format!(
                    "worked, then revoked: the call {during}, a new session 401"
                ))
            }
            (false, _, _) => Err("the fresh key did not work".into()),
            (_, Err(e), _) => Err(format!("could not revoke: {e}")),
            (_, _, Err(e)) => Err(format!("refused, but not as a 401: {e}")),
            (_, _, Ok(_)) => Err("the revoked key still opens a session".into()),
        };
        if let Ok(s) = after {
            s.close().await;
        }
        self.step("odoo-key: a revoked key stops working", check);
    }
}

pub(super) fn ids(value: &Value) -> Vec<i64> {
    let mut ids: Vec<i64> = value["records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

/// Where demo manages its keys: JSON/2 on Odoo 19, a web session below.
enum KeyManager {
    Api(OdooClient),
    Web(WebSession),
}

impl KeyManager {
    async fn call(
        &self,
        model: &str,
        method: &str,
        args: Value,
        context: Value,
    ) -> Result<Value, String> {
        match self {
            KeyManager::Web(web) => web.call_kw(model, method, args, context).await,
            KeyManager::Api(client) => {
                let mut args = args.as_array().cloned().unwrap_or_default().into_iter();
                let context = context.as_object().cloned();
                match method {
                    "create" => client
                        .create(
                            model,
                            &[args
                                .next()
                                .and_then(|v| v.as_object().cloned())
                                .unwrap_or_default()],
                        )
                        .await
                        .map(|ids| json!(ids.first())),
                    "search" => {
                        let domain = Domain::from_value(&args.next().unwrap_or_default())
                            .map_err(|e| e.message)?;
                        client
                            .search(model, &domain, &SearchOptions::new())
                            .await
                            .map(|ids| json!(ids))
                    }
                    _ => {
                        let ids: Vec<i64> = serde_json::from_value(args.next().unwrap_or_default())
                            .map_err(|e| e.to_string())?;
                        if method == "write" {
                            let vals = args.next().and_then(|v| v.as_object().cloned());
                            return client
                                .write(model, &ids, &vals.unwrap_or_default())
                                .await
                                .map(Value::Bool)
                                .map_err(|e| e.to_string());
                        }
                        client
                            .execute(model, method, Some(&ids), Map::new(), context.as_ref())
                            .await
                    }
                }
                .map_err(|e| e.to_string())
            }
        }
    }
}

/// A person's web session on Odoo, as the browser holds one: signed in with
/// login and password at `/web/session/authenticate`, then `call_kw` with its
/// cookie (Odoo 18's identity check lives in the session).
struct WebSession {
    http: reqwest::Client,
    base: String,
    cookie: String,
}

impl WebSession {
    async fn sign_in(env: &BTreeMap<String, String>, password: &str) -> Result<Self, String> {
        let base = env.get("ODOO_URL").cloned().unwrap_or_default();
        let base = base.trim_end_matches('/').to_string();
        let http = reqwest::Client::new();
        let params = json!({
            "db": env.get("ODOO_DB").cloned().unwrap_or_default(),
            "login": env.get("ODOO_USER").cloned().unwrap_or_default(),
            "password": password,
        });
        let answer = http
            .post(format!("{base}/web/session/authenticate"))
            .json(&json!({"jsonrpc": "2.0", "method": "call", "params": params}))
            .send()
            .await
            .map_err(|e| format!("web sign-in: {e}"))?;
        let cookie = answer
            .headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.split(';').next().filter(|c| c.starts_with("session_id=")))
            .map(str::to_string)
            .ok_or("web sign-in: Odoo set no session cookie")?;
        let body: Value = answer
            .json()
            .await
            .map_err(|e| format!("web sign-in: {e}"))?;
        if body["result"]["uid"].as_i64().is_none() {
            return Err(format!(
                "web sign-in refused: {}",
                body["error"]["data"]["message"]
            ));
        }
        Ok(Self { http, base, cookie })
    }

    async fn call_kw(
        &self,
        model: &str,
        method: &str,
        args: Value,
        context: Value,
    ) -> Result<Value, String> {
        let mut kwargs = Map::new();
        if !context.is_null() {
            kwargs.insert("context".into(), context);
        }
        let params = json!({"model": model, "method": method, "args": args, "kwargs": kwargs});
        let body: Value = self
            .http
            .post(format!(
                "{}/web/dataset/call_kw/{model}/{method}",
                self.base
            ))
            .header(reqwest::header::COOKIE, &self.cookie)
            .json(&json!({"jsonrpc": "2.0", "method": "call", "params": params}))
            .send()
            .await
            .map_err(|e| format!("{model}.{method}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("{model}.{method}: {e}"))?;
        match body.get("error") {
            Some(error) => Err(format!("{model}.{method}: {}", error["data"]["message"])),
            None => Ok(body["result"].clone()),
        }
    }
}

/// Runs one of Odoo's identity-checked actions as `manager`'s user: the action
/// answers with Odoo's password check wizard, which runs it given the password.
async fn with_identity_check(
    manager: &KeyManager,
    model: &str,
    method: &str,
    ids: &[i64],
    password: &str,
) -> Result<Value, String> {
    let action = manager
        .call(model, method, json!([ids]), Value::Null)
        .await?;
    let Some(wizard) = action["res_id"].as_i64() else {
        return Ok(action);
    };
    // Odoo 19 reads the password from the context, 18 from the wizard's field.
    let check = "res.users.identitycheck";
    manager
        .call(
            check,
            "write",
            json!([[wizard], {"password": password}]),
            Value::Null,
        )
        .await?;
    manager
        .call(
            check,
            "run_check",
            json!([[wizard]]),
            json!({"password": password}),
        )
        .await
}

/// A new API key of the manager's own user, as Odoo's Preferences make one: (key, its id).
async fn make_key(
    manager: &KeyManager,
    name: &str,
    password: &str,
) -> Result<(String, i64), String> {
    let description = manager
        .call(
            "res.users.apikeys.description",
            "create",
            json!([{"name": name}]),
            Value::Null,
        )
        .await?
        .as_i64()
        .ok_or("Odoo made no key description")?;
    let shown = with_identity_check(
        manager,
        "res.users.apikeys.description",
        "make_key",
        &[description],
        password,
    )
    .await?;
    let key = shown["context"]["default_key"]
        .as_str()
        .ok_or("Odoo showed no key")?
        .to_string();
    let found = manager
        .call(
            "res.users.apikeys",
            "search",
            json!([[["name", "=", name]]]),
            Value::Null,
        )
        .await?;
    let id = found[0].as_i64().ok_or("the new key is not listed")?;
    Ok((key, id))
}

/// Revokes a key of the manager's own user, as Odoo's Preferences do.
async fn revoke_key(manager: &KeyManager, id: i64, password: &str) -> Result<(), String> {
    with_identity_check(manager, "res.users.apikeys", "remove", &[id], password)
        .await
        .map(|_| ())
}
