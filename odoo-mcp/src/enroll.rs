//! The enrollment page of `ODOO_MCP_IDENTITY=oauth`: where a person gives the
//! server their Odoo API key, once.
//!
//! `GET /enroll?link=…` spends a one-time link (bound to an OAuth subject) and
//! sends the browser to the OpenID provider (authorization code + PKCE): the
//! link alone is not enough. `GET /enroll/callback` takes the code, and the ID
//! token must name the link's subject; the page then shows a form with a CSRF
//! token bound to this enrollment session (an HttpOnly, SameSite cookie whose
//! value the server seals with the key store's cipher, so any replica reads it).
//! `POST /enroll/key` checks the key with Odoo, and that its Odoo user is the
//! one the provider signed in (login or email), then stores it. Plain HTML, no
//! external assets, the key never echoed.
//!
//! The ID token comes straight from the provider's token endpoint, so its
//! issuer is the one this server talks to (OpenID Connect Core 3.1.3.7): its
//! claims are checked (iss, aud, nonce, exp), not its signature.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use odoo_client::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::auth::AuthSettings;
use crate::odoo::identity::{Credentials, Identities};
use crate::odoo::key_store::{Enrolled, random_token};
use crate::server::enrollment::{Enrollment, LinkRefused};

const COOKIE: &str = "odoo_mcp_enroll";
/// How long a person has between opening the link and sending the key.
const SESSION_TTL: Duration = Duration::from_secs(15 * 60);

/// The provider's endpoints and the client that signs people in.
#[derive(Debug)]
struct Provider {
    issuer: String,
    authorize: String,
    token: String,
    /// Where the login claims are when the ID token does not carry them.
    userinfo: Option<String>,
    client_id: String,
    client_secret: crate::auth::Secret,
    redirect: String,
}

/// One person's way through the page, kept sealed in their cookie.
#[derive(Serialize, Deserialize)]
struct Session {
    subject: String,
    /// Unix seconds.
    started: i64,
    state: String,
    nonce: String,
    verifier: String,
    /// After sign-in: the logins the provider vouches for, and the form's CSRF token.
    signed_in: Option<(Vec<String>, String)>,
}

/// Everything the page needs; cheap to clone.
#[derive(Clone)]
pub(crate) struct Page {
    inner: Arc<Inner>,
}

struct Inner {
    enrollment: Arc<Enrollment>,
    identities: Arc<Identities>,
    provider: Provider,
    http: reqwest::Client,
    secure: bool,
}

/// Where the page is: `ODOO_MCP_PUBLIC_URL` without a final `/mcp`, then `/enroll`.
pub(crate) fn page_url(public_url: &str) -> String {
    let base = public_url.trim_end_matches('/');
    format!("{}/enroll", base.strip_suffix("/mcp").unwrap_or(base))
}

impl Page {
    /// Discovers the provider's endpoints (at start-up, so a wrong issuer fails loudly).
    pub(crate) async fn new(
        settings: &AuthSettings,
        enrollment: Arc<Enrollment>,
        identities: Arc<Identities>,
    ) -> Result<Self, String> {
        // reqwest has no bundled crypto provider; ring is the workspace's (a second install is harmless).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let issuer = settings.issuer.trim_end_matches('/').to_string();
        let discovery = format!("{issuer}/.well-known/openid-configuration");
        let document: Value = async { http.get(&discovery).send().await?.json().await }
            .await
            .map_err(|e| format!("cannot read {discovery} for the enrollment sign-in: {e}"))?;
        let endpoint = |name: &str| {
            document[name]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("{discovery} names no {name}"))
        };
        let page = page_url(&settings.public_url);
        let provider = Provider {
            authorize: endpoint("authorization_endpoint")?,
            token: endpoint("token_endpoint")?,
            userinfo: endpoint("userinfo_endpoint").ok(),
            issuer,
            client_id: settings.client_id.clone(),
            client_secret: settings.client_secret.clone(),
            redirect: format!("{page}/callback"),
        };
        Ok(Self {
            inner: Arc::new(Inner {
                secure: page.starts_with("https://"),
                enrollment,
                identities,
                provider,
                http,
            }),
        })
    }

    /// The page's routes (public: the page does its own sign-in).
    pub(crate) fn router<S>(self) -> axum::Router<S>
    where
        S: Clone + Send + Sync + 'static,
    {
        axum::Router::new()
            .route("/enroll", get(start))
            .route("/enroll/callback", get(callback))
            .route("/enroll/key", post(take_key))
            .with_state(self)
    }

    /// The browser's session, from its sealed cookie, while it is fresh.
    fn take_session(&self, headers: &HeaderMap) -> Option<Session> {
        let sealed = cookie(headers)?;
        let plain = self.inner.enrollment.open_session(&sealed)?;
        let session: Session = serde_json::from_slice(&plain).ok()?;
        let age = chrono::Utc::now().timestamp() - session.started;
        (0..i64::try_from(SESSION_TTL.as_secs()).unwrap_or(i64::MAX))
            .contains(&age)
            .then_some(session)
    }

    /// `Set-Cookie` for `session` (sealed), or clearing it.
    fn session_cookie(&self, session: Option<&Session>) -> String {
        let secure = if self.inner.secure { "; Secure" } else { "" };
        let (value, age) = match session.and_then(|s| serde_json::to_vec(s).ok()) {
            Some(plain) => (
                self.inner.enrollment.seal_session(&plain),
                SESSION_TTL.as_secs(),
            ),
            None => (String::new(), 0),
        };
        format!("{COOKIE}={value}; Path=/enroll; HttpOnly; SameSite=Lax; Max-Age={age}{secure}")
    }
}

#[derive(Deserialize)]
struct Start {
    link: Option<String>,
}

/// Spends the link, opens a session, sends the browser to sign in.
async fn start(State(page): State<Page>, Query(query): Query<Start>) -> Response {
    let subject = match page
        .inner
        .enrollment
        .redeem(query.link.as_deref().unwrap_or_default())
        .await
    {
        Ok(subject) => subject,
        Err(refused @ LinkRefused::Unavailable) => {
            return html(
                StatusCode::SERVICE_UNAVAILABLE,
                "Try again",
                &refused.to_string(),
            );
        }
        Err(refused) => return html(StatusCode::GONE, "Link not valid", &refused.to_string()),
    };
    let session = Session {
        subject,
        started: chrono::Utc::now().timestamp(),
        state: random_token(),
        nonce: random_token(),
        verifier: random_token(),
        signed_in: None,
    };
    let provider = &page.inner.provider;
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(session.verifier.as_bytes()));
    let mut target = match url::Url::parse(&provider.authorize) {
        Ok(url) => url,
        Err(_) => {
            return html(
                StatusCode::BAD_GATEWAY,
                "Sign-in unavailable",
                "the provider's address is not a URL",
            );
        }
    };
    target
        .query_pairs_mut()
        .append_pair("client_id", &provider.client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", &provider.redirect)
        .append_pair("scope", "openid email profile")
        .append_pair("state", &session.state)
        .append_pair("nonce", &session.nonce)
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("prompt", "login");
    let mut response = StatusCode::SEE_OTHER.into_response();
    set(&mut response, header::LOCATION, target.as_str());
    set(
        &mut response,
        header::SET_COOKIE,
        &page.session_cookie(Some(&session)),
    );
    response
}

#[derive(Deserialize)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Back from the provider: the signed-in subject must be the link's.
async fn callback(
    State(page): State<Page>,
    headers: HeaderMap,
    Query(query): Query<Callback>,
) -> Response {
    let Some(session) = page.take_session(&headers) else {
        return expired();
    };
    // A sign-in already used to open the form cannot be replayed.
    if session.signed_in.is_some() {
        return expired();
    }
    if let Some(error) = query.error {
        return html(
            StatusCode::FORBIDDEN,
            "Not signed in",
            &format!("the sign-in did not succeed ({error}); ask your assistant for a new link"),
        );
    }
    if query.state.as_deref() != Some(session.state.as_str()) {
        return html(
            StatusCode::FORBIDDEN,
            "Not signed in",
            "this sign-in does not belong to this enrollment; ask your assistant for a new link",
        );
    }
    let claims = match page
        .exchange(query.code.unwrap_or_default(), &session)
        .await
    {
        Ok(claims) => claims,
        Err(reason) => return html(StatusCode::FORBIDDEN, "Not signed in", &reason),
    };
    if claims["sub"].as_str() != Some(session.subject.as_str()) {
        return html(
            StatusCode::FORBIDDEN,
            "Another account",
            "you signed in as someone other than the person this link was made for; sign in with your own account through a link your assistant gives you",
        );
    }
    let logins: Vec<String> = ["preferred_username", "email"]
        .iter()
        .filter_map(|name| claims[*name].as_str().map(str::to_string))
        .collect();
    let csrf = random_token();
    let shown = logins.first().cloned().unwrap_or_default();
    let session = Session {
        signed_in: Some((logins, csrf.clone())),
        ..session
    };
    let mut response = key_form(&shown, &csrf);
    set(
        &mut response,
        header::SET_COOKIE,
        &page.session_cookie(Some(&session)),
    );
    response
}

impl Page {
    /// The code for tokens; the ID token's claims once checked.
    async fn exchange(&self, code: String, session: &Session) -> Result<Value, String> {
        let provider = &self.inner.provider;
        let response = self
            .inner
            .http
            .post(&provider.token)
            .basic_auth(&provider.client_id, Some(provider.client_secret.expose()))
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", provider.redirect.as_str()),
                ("code_verifier", session.verifier.as_str()),
            ])
            .send()
            .await
            .map_err(|e| {
                format!("the sign-in provider cannot be reached ({e}); try again shortly")
            })?;
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        let Some(id_token) = body["id_token"].as_str().filter(|_| status.is_success()) else {
            return Err(format!(
                "the sign-in provider refused the sign-in ({status}); ask your assistant for a new link"
            ));
        };
        let claims = id_token
            .split('.')
            .nth(1)
            .and_then(|part| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(part.trim_end_matches('='))
                    .ok()
            })
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .ok_or("the sign-in provider's ID token cannot be read")?;
        let audience_ok = match &claims["aud"] {
            Value::String(aud) => aud == &provider.client_id,
            Value::Array(auds) => auds
                .iter()
                .any(|a| a.as_str() == Some(provider.client_id.as_str())),
            _ => false,
        };
        let now = chrono::Utc::now().timestamp();
        let valid = claims["iss"].as_str() == Some(provider.issuer.as_str())
            && audience_ok
            && claims["nonce"].as_str() == Some(session.nonce.as_str())
            && claims["exp"].as_i64().is_some_and(|exp| exp > now);
        if !valid {
            return Err("the sign-in provider's ID token is not for this enrollment".into());
        }
        let access = body["access_token"].as_str().unwrap_or_default();
        Ok(self.with_login_claims(claims, access).await)
    }

    /// Many providers put `email` and `preferred_username` in the userinfo
    /// answer only; taken from there when it names the same subject.
    async fn with_login_claims(&self, mut claims: Value, access_token: &str) -> Value {
        let has_login = ["preferred_username", "email"]
            .iter()
            .any(|name| claims[*name].is_string());
        let Some(url) = self.inner.provider.userinfo.as_ref().filter(|_| !has_login) else {
            return claims;
        };
        let answer = async {
            let response = self
                .inner
                .http
                .get(url)
                .bearer_auth(access_token)
                .send()
                .await?;
            response.error_for_status()?.json::<Value>().await
        };
        if let Ok(info) = answer.await
            && info["sub"] == claims["sub"]
        {
            for name in ["preferred_username", "email"] {
                claims[name] = info[name].clone();
            }
        }
        claims
    }
}

#[derive(Deserialize)]
struct KeyForm {
    csrf: String,
    key: String,
}

/// The key: checked with Odoo, its user matched to the sign-in, then stored.
async fn take_key(
    State(page): State<Page>,
    headers: HeaderMap,
    Form(form): Form<KeyForm>,
) -> Response {
    // One try per sign-in: the browser's session ends here, whatever the outcome.
    let mut response = key_outcome(&page, &headers, form).await;
    set(
        &mut response,
        header::SET_COOKIE,
        &page.session_cookie(None),
    );
    response
}

async fn key_outcome(page: &Page, headers: &HeaderMap, form: KeyForm) -> Response {
    let Some(session) = page.take_session(headers) else {
        return expired();
    };
    let Some((logins, csrf)) = session.signed_in else {
        return html(
            StatusCode::FORBIDDEN,
            "Not signed in",
            "sign in first, through a link your assistant gives you",
        );
    };
    if !same(&csrf, &form.csrf) {
        return html(
            StatusCode::FORBIDDEN,
            "Form not accepted",
            "this form does not belong to your enrollment; open a new link from your assistant",
        );
    }
    match page.check_key(form.key.trim(), &logins).await {
        Ok(enrolled) => match page
            .inner
            .enrollment
            .enrolled(&session.subject, &enrolled)
            .await
        {
            Ok(()) => html(
                StatusCode::OK,
                "Connected",
                &format!(
                    "Your assistant now acts in Odoo as {}. You can close this page and go back to it.",
                    enrolled.login
                ),
            ),
            Err(error) => html(
                StatusCode::SERVICE_UNAVAILABLE,
                "Not stored",
                &error.to_string(),
            ),
        },
        Err(reason) => html(
            StatusCode::FORBIDDEN,
            "Key not accepted",
            &format!("{reason} Ask your assistant for a new link to try again."),
        ),
    }
}

impl Page {
    /// Odoo says whose key this is; it must be the signed-in person's.
    async fn check_key(&self, key: &str, logins: &[String]) -> Result<Enrolled, String> {
        if key.is_empty() {
            return Err("No key was given.".into());
        }
        let identities = &self.inner.identities;
        // XML-RPC authenticates by login: the provider's login claim.
        let login = if identities.needs_login().await {
            logins.first().cloned()
        } else {
            None
        };
        let credentials = Credentials {
            login,
            key: Secret::new(key),
        };
        let caller = identities
            .resolve(credentials)
            .await
            .map_err(|refusal| format!("Odoo did not accept this key: {refusal}."))?;
        let person = &caller.person;
        if !logins.iter().any(|l| l.eq_ignore_ascii_case(&person.login)) {
            return Err(format!(
                "This key belongs to Odoo user {:?}, not to you ({}): give a key made in your own Odoo account.",
                person.login,
                logins.join(" / ")
            ));
        }
        Ok(Enrolled {
            login: person.login.clone(),
            uid: person.uid,
            key: Secret::new(key),
        })
    }
}

fn key_form(login: &str, csrf: &str) -> Response {
    let body = format!(
        r#"<p>Signed in as <b>{}</b>. Paste an Odoo API key of your own account (Odoo: Preferences → Account Security → New API Key). It is kept encrypted; this page never shows it again.</p>
<form method="post" action="/enroll/key" autocomplete="off">
<input type="hidden" name="csrf" value="{}">
<label>Odoo API key <input type="password" name="key" required autofocus></label>
<button type="submit">Connect</button>
</form>"#,
        escape(login),
        escape(csrf)
    );
    page_html(StatusCode::OK, "Connect your Odoo account", &body)
}

fn expired() -> Response {
    html(
        StatusCode::FORBIDDEN,
        "Enrollment expired",
        "this enrollment is over or was never started here; ask your assistant for a new link",
    )
}

fn html(status: StatusCode, title: &str, text: &str) -> Response {
    page_html(status, title, &format!("<p>{}</p>", escape(text)))
}

fn page_html(status: StatusCode, title: &str, body: &str) -> Response {
    let title = escape(title);
    let document = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
<style>body{{font-family:sans-serif;max-width:36em;margin:3em auto}}input{{width:100%}}</style></head>\
<body><h1>{title}</h1>{body}</body></html>"
    );
    let mut response = (status, document).into_response();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ),
    ] {
        set(&mut response, name, value);
    }
    response
}

fn set(response: &mut Response, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

fn cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_string)
        })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Constant-time comparison of two tokens.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_address_escape_and_cookie() {
        assert_eq!(
            page_url("https://m.example.com/mcp/"),
            "https://m.example.com/enroll"
        );
        assert_eq!(
            page_url("http://odoo-mcp.test"),
            "http://odoo-mcp.test/enroll"
        );
        assert_eq!(
            escape("<a href=\"x\">'&"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;"
        );
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; odoo_mcp_enroll=abc; b=2"),
        );
        assert_eq!(cookie(&headers).as_deref(), Some("abc"));
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
