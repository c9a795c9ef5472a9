//! OAuth 2.1 resource server for the streamable-http transport.
//!
//! On when `OAUTH_ISSUER_URL` is set. Every request needs `Authorization: Bearer <token>`; the
//! token is checked by RFC 7662 introspection at the issuer with the server's own service-client
//! credentials (`active`, `exp`, `iss`, `aud`), and valid answers are cached for
//! min(`exp`, 60 s). Without a valid token the answer is `401` with a `WWW-Authenticate` challenge
//! that points at the RFC 9728 metadata document, which [`protect`] also serves. When the
//! introspection endpoint is down, slow or answers nonsense the request gets `503`: never a pass.
//!
//! The client's token stays here: it is removed from the request before the MCP service sees it,
//! so nothing downstream can forward it (Odoo only ever gets the server's own key). Tokens and
//! secrets never appear in logs, errors or `Debug` output.
//!
//! ```no_run
//! # async fn serve(mcp: axum::Router) -> Result<(), odoo_mcp::auth::AuthError> {
//! use odoo_mcp::auth::{AuthSettings, AuthState, protect};
//! let app = match AuthSettings::from_env()? {
//!     Some(settings) => protect(mcp, AuthState::new(settings).await?),
//!     None => mcp,
//! };
//! # let _ = app; Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Where the RFC 9728 protected-resource metadata is served.
pub const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";
/// How long one introspection (or discovery) request may take before the answer is `503`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
/// Upper bound of how long a valid introspection answer is reused.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60);
/// Most tokens remembered at once.
pub const DEFAULT_CACHE_CAPACITY: usize = 10_000;
/// Longer bearer values are refused without asking the issuer.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A secret string whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret itself; only for sending it where it belongs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Errors of setting OAuth up. Request-time failures are [`Rejection`]s.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    #[error("OAUTH_ISSUER_URL is set, so OAuth is on, but {names} is not set; {hint}")]
    Missing {
        names: &'static str,
        hint: &'static str,
    },
    #[error(
        "{name} {shown} is not usable: {reason}; give an absolute http(s) URL such as https://auth.example.com"
    )]
    InvalidUrl {
        name: &'static str,
        /// The value, or a placeholder when it might hold credentials.
        shown: String,
        reason: String,
    },
    #[error(
        "cannot discover the introspection endpoint of {issuer}: {reason}; check OAUTH_ISSUER_URL \
         or set ZITADEL_INTROSPECTION_URL (or OAUTH_INTROSPECTION_URL)"
    )]
    Discovery { issuer: String, reason: String },
    #[error("cannot build the HTTP client for token introspection: {reason}")]
    HttpClient { reason: String },
}

/// Why a request was not let through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// No bearer token was sent: `401` without an error code.
    #[error("no bearer token; send Authorization: Bearer <access token>")]
    Missing,
    /// A token was sent and is not good here: `401` with `error="invalid_token"`.
    #[error("the access token is not valid here: {reason}")]
    InvalidToken { reason: &'static str },
    /// The issuer could not say whether the token is good: `503`.
    #[error("the authorization server could not check the token: {reason}")]
    Unavailable { reason: String },
}

/// OAuth settings, read from the environment by [`AuthSettings::from_env`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AuthSettings {
    /// `OAUTH_ISSUER_URL`, without a trailing slash.
    pub issuer: String,
    /// `ZITADEL_INTROSPECTION_URL` or `OAUTH_INTROSPECTION_URL`; discovered from the issuer when unset.
    pub introspection_url: Option<String>,
    /// `ZITADEL_CLIENT_ID` or `OAUTH_CLIENT_ID`: the service client that introspects.
    pub client_id: String,
    /// `ZITADEL_CLIENT_SECRET` or `OAUTH_CLIENT_SECRET`.
    pub client_secret: Secret,
    /// `OAUTH_AUDIENCE` (comma-separated): accepted `aud` values besides [`Self::public_url`].
    pub audiences: Vec<String>,
    /// `ODOO_MCP_PUBLIC_URL`, without a trailing slash: the resource identifier.
    pub public_url: String,
    pub timeout: Duration,
    pub cache_ttl: Duration,
    pub cache_capacity: usize,
}

impl AuthSettings {
    /// Reads the process environment; `Ok(None)` when `OAUTH_ISSUER_URL` is unset (OAuth off).
    pub fn from_env() -> Result<Option<Self>, AuthError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Self::from_env`] with `lookup` as the environment. Empty values count as unset;
    /// a `ZITADEL_*` name wins over its `OAUTH_*` alias.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, AuthError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let Some(issuer) = get("OAUTH_ISSUER_URL") else {
            return Ok(None);
        };
        let issuer = checked_url("OAUTH_ISSUER_URL", &issuer)?;
        let introspection_url = match get("ZITADEL_INTROSPECTION_URL") {
            Some(url) => Some(checked_url("ZITADEL_INTROSPECTION_URL", &url)?),
            None => match get("OAUTH_INTROSPECTION_URL") {
                Some(url) => Some(checked_url("OAUTH_INTROSPECTION_URL", &url)?),
                None => None,
            },
        };
        let client_id = get("ZITADEL_CLIENT_ID")
            .or_else(|| get("OAUTH_CLIENT_ID"))
            .ok_or(AuthError::Missing {
                names: "ZITADEL_CLIENT_ID (or OAUTH_CLIENT_ID)",
                hint: "give the id of the service client that may introspect tokens",
            })?;
        let client_secret = get("ZITADEL_CLIENT_SECRET")
            .or_else(|| get("OAUTH_CLIENT_SECRET"))
            .map(Secret)
            .ok_or(AuthError::Missing {
                names: "ZITADEL_CLIENT_SECRET (or OAUTH_CLIENT_SECRET)",
                hint: "give the secret of the service client that may introspect tokens",
            })?;
        let public_url = get("ODOO_MCP_PUBLIC_URL").ok_or(AuthError::Missing {
            names: "ODOO_MCP_PUBLIC_URL",
            hint: "give the URL clients use to reach this server, e.g. https://mcp.example.com; \
                   it names the protected resource",
        })?;
        let public_url = checked_url("ODOO_MCP_PUBLIC_URL", &public_url)?;
        let audiences = get("OAUTH_AUDIENCE")
            .map(|list| {
                list.split(',')
                    .map(|a| trim_slash(a.trim()).to_owned())
                    .filter(|a| !a.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Some(AuthSettings {
            issuer,
            introspection_url,
            client_id,
            client_secret,
            audiences,
            public_url,
            timeout: DEFAULT_TIMEOUT,
            cache_ttl: DEFAULT_CACHE_TTL,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
        }))
    }
}

fn trim_slash(url: &str) -> &str {
    url.trim_end_matches('/')
}

/// Checks that `value` is an absolute http(s) URL without credentials, query or fragment and
/// returns it without a trailing slash.
fn checked_url(name: &'static str, value: &str) -> Result<String, AuthError> {
    // A URL with userinfo may carry a password: never echo it.
    let shown = if value.contains('@') {
        "(value hidden: it contains '@')".to_owned()
    } else {
        format!("{value:?}")
    };
    let invalid = |reason: &str| AuthError::InvalidUrl {
        name,
        shown: shown.clone(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(value).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme is not http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it must not contain credentials"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment"));
    }
    Ok(trim_slash(value).to_owned())
}

pub use crate::server::Principal;

/// Verifies bearer tokens; cheap to clone.
#[derive(Clone)]
pub struct AuthState {
    inner: Arc<Inner>,
}

struct Inner {
    issuer: String,
    resource: String,
    audiences: Vec<String>,
    client_id: String,
    client_secret: Secret,
    introspection_url: String,
    http: reqwest::Client,
    cache: Mutex<TokenCache>,
    cache_ttl: Duration,
    challenge: HeaderValue,
    challenge_invalid: HeaderValue,
    metadata: serde_json::Value,
}

impl fmt::Debug for AuthState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthState")
            .field("issuer", &self.inner.issuer)
            .field("resource", &self.inner.resource)
            .field("audiences", &self.inner.audiences)
            .field("client_id", &self.inner.client_id)
            .field("client_secret", &self.inner.client_secret)
            .field("introspection_url", &self.inner.introspection_url)
            .finish_non_exhaustive()
    }
}

impl AuthState {
    /// Builds the verifier; discovers the introspection endpoint from the issuer's metadata when
    /// none is configured (so an unreachable issuer fails here, at start-up, loudly).
    pub async fn new(settings: AuthSettings) -> Result<AuthState, AuthError> {
        // reqwest is built without a bundled crypto provider; ring is the workspace's. A second
        // install (odoo-client does the same) is refused by rustls and harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout)
            // The issuer's endpoints answer directly; a redirect is a misconfiguration, and
            // following one would send the service credentials elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("odoo-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| AuthError::HttpClient {
                reason: e.to_string(),
            })?;
        let issuer = trim_slash(&settings.issuer).to_owned();
        let introspection_url = match settings.introspection_url {
            Some(url) => url,
            None => discover(&http, &issuer).await?,
        };
        let resource = trim_slash(&settings.public_url).to_owned();
        let metadata_url = format!("{resource}{METADATA_PATH}");
        let challenge = format!("Bearer resource_metadata=\"{metadata_url}\"");
        let challenge_invalid = format!("{challenge}, error=\"invalid_token\"");
        let header = |value: String| {
            HeaderValue::try_from(value).map_err(|_| AuthError::InvalidUrl {
                name: "ODOO_MCP_PUBLIC_URL",
                shown: String::from("(value)"),
                reason: "it cannot be put in an HTTP header".to_owned(),
            })
        };
        let metadata = serde_json::json!({
            "resource": resource,
            "authorization_servers": [issuer],
            "bearer_methods_supported": ["header"],
            "resource_name": "Odoo MCP server",
        });
        Ok(AuthState {
            inner: Arc::new(Inner {
                challenge: header(challenge)?,
                challenge_invalid: header(challenge_invalid)?,
                issuer,
                resource,
                audiences: settings.audiences,
                client_id: settings.client_id,
                client_secret: settings.client_secret,
                introspection_url,
                http,
                cache: Mutex::new(TokenCache::new(settings.cache_capacity)),
                cache_ttl: settings.cache_ttl,
                metadata,
            }),
        })
    }

    /// The introspection endpoint in use (configured or discovered).
    pub fn introspection_url(&self) -> &str {
        &self.inner.introspection_url
    }

    /// The resource identifier (`ODOO_MCP_PUBLIC_URL`).
    pub fn resource(&self) -> &str {
        &self.inner.resource
    }

    /// The RFC 9728 metadata document served at [`METADATA_PATH`].
    pub fn metadata(&self) -> &serde_json::Value {
        &self.inner.metadata
    }

    /// Checks one bearer token: from the cache, else by introspection.
    pub async fn verify(&self, token: &str) -> Result<Principal, Rejection> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Rejection::InvalidToken {
                reason: "the token is too long",
            });
        }
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(principal) = self.cache().get(&key, Instant::now()) {
            return Ok(principal);
        }
        let answer = self.introspect(token).await?;
        let (principal, ttl) = self.judge(answer, unix_now())?;
        self.cache()
            .insert(key, principal.clone(), Instant::now() + ttl);
        Ok(principal)
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, TokenCache> {
        // A panic while holding the lock cannot leave the map half-updated in a harmful way.
        self.inner
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn introspect(&self, token: &str) -> Result<Introspection, Rejection> {
        let inner = &self.inner;
        let unavailable = |reason: String| {
            tracing::warn!(endpoint = %inner.introspection_url, %reason, "token introspection failed; answering 503");
            Rejection::Unavailable { reason }
        };
        let response = inner
            .http
            .post(&inner.introspection_url)
            // RFC 6749 2.3.1: the client id and secret are form-encoded before basic auth.
            .basic_auth(
                form_encode(&inner.client_id),
                Some(form_encode(inner.client_secret.expose())),
            )
            .header(header::ACCEPT, "application/json")
            .form(&[("token", token), ("token_type_hint", "access_token")])
            .send()
            .await
            .map_err(|e| {
                let what = if e.is_timeout() {
                    "it did not answer in time"
                } else if e.is_connect() {
                    "it cannot be reached"
                } else {
                    "the request failed"
                };
                unavailable(format!("{what}: {}", e.without_url()))
            })?;
        let status = response.status();
        if !status.is_success() {
            let hint = if matches!(status.as_u16(), 400 | 401 | 403) {
                "; check ZITADEL_CLIENT_ID/ZITADEL_CLIENT_SECRET (or the OAUTH_* aliases)"
            } else {
                ""
            };
            return Err(unavailable(format!("it answered {status}{hint}")));
        }
        let body = response
            .bytes()
            .await
            .map_err(|e| unavailable(format!("reading its answer failed: {}", e.without_url())))?;
        serde_json::from_slice(&body)
            .map_err(|e| unavailable(format!("its answer is not an RFC 7662 response: {e}")))
    }

    /// Decides on an introspection answer; returns how long it may be cached.
    fn judge(&self, answer: Introspection, now: i64) -> Result<(Principal, Duration), Rejection> {
        let invalid = |reason| {
            tracing::debug!(reason, "bearer token rejected");
            Err(Rejection::InvalidToken { reason })
        };
        if !answer.active {
            return invalid(
                "the authorization server says it is not active (expired, revoked or unknown)",
            );
        }
        let mut ttl = self.inner.cache_ttl;
        if let Some(exp) = answer.exp {
            // Seconds since the epoch; fractions (allowed by JSON) are cut.
            let left = exp as i64 - now;
            if left <= 0 {
                return invalid("it has expired");
            }
            ttl = ttl.min(Duration::from_secs(left.unsigned_abs()));
        }
        // RFC 7662 makes `iss` optional; when present it must be our issuer.
        if let Some(iss) = &answer.iss
            && trim_slash(iss) != self.inner.issuer
        {
            return invalid("it was issued by another issuer");
        }
        let accepted = |aud: &str| {
            let aud = trim_slash(aud);
            aud == self.inner.resource || self.inner.audiences.iter().any(|a| a == aud)
        };
        let audience_ok = match &answer.aud {
            Some(Audience::One(aud)) => accepted(aud),
            Some(Audience::Many(list)) => list.iter().any(|aud| accepted(aud)),
            None => false,
        };
        if !audience_ok {
            return invalid(
                "its audience is not this server (ODOO_MCP_PUBLIC_URL or OAUTH_AUDIENCE)",
            );
        }
        let subject = match (answer.sub.clone(), answer.client_id.clone()) {
            (Some(sub), _) | (None, Some(sub)) => sub,
            (None, None) => return invalid("it names neither a subject nor a client"),
        };
        Ok((
            Principal {
                subject,
                client_id: answer.client_id,
                username: answer.username,
                scope: answer.scope,
            },
            ttl,
        ))
    }

    fn challenge(&self, rejection: &Rejection) -> Response {
        let (status, challenge, error) = match rejection {
            Rejection::Missing => (
                StatusCode::UNAUTHORIZED,
                Some(&self.inner.challenge),
                "unauthorized",
            ),
            Rejection::InvalidToken { .. } => (
                StatusCode::UNAUTHORIZED,
                Some(&self.inner.challenge_invalid),
                "invalid_token",
            ),
            Rejection::Unavailable { .. } => (
                StatusCode::SERVICE_UNAVAILABLE,
                None,
                "temporarily_unavailable",
            ),
        };
        let description = match rejection {
            // The reason names the server's own set-up; the client only needs to retry.
            Rejection::Unavailable { .. } => {
                "the authorization server could not check the token; try again later".to_owned()
            }
            other => other.to_string(),
        };
        let body = axum::Json(serde_json::json!({
            "error": error,
            "error_description": description,
        }));
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        if let Some(challenge) = challenge {
            headers.insert(header::WWW_AUTHENTICATE, challenge.clone());
        } else {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `application/x-www-form-urlencoded` encoding of one value (RFC 6749 appendix B).
fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                out.push(char::from(byte));
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Discovers the introspection endpoint: OpenID Connect discovery first, then RFC 8414.
async fn discover(http: &reqwest::Client, issuer: &str) -> Result<String, AuthError> {
    let mut candidates = vec![format!("{issuer}/.well-known/openid-configuration")];
    // RFC 8414 puts the well-known segment between the host and the issuer's path.
    if let Ok(url) = reqwest::Url::parse(issuer) {
        let path = trim_slash(url.path());
        candidates.push(format!(
            "{}/.well-known/oauth-authorization-server{path}",
            url.origin().ascii_serialization()
        ));
    }
    let mut reasons = Vec::new();
    for candidate in candidates {
        match discover_at(http, issuer, &candidate).await {
            Ok(endpoint) => return Ok(endpoint),
            Err(reason) => reasons.push(format!("{candidate}: {reason}")),
        }
    }
    Err(AuthError::Discovery {
        issuer: issuer.to_owned(),
        reason: reasons.join("; "),
    })
}

async fn discover_at(http: &reqwest::Client, issuer: &str, url: &str) -> Result<String, String> {
    #[derive(Deserialize)]
    struct Metadata {
        issuer: Option<String>,
        introspection_endpoint: Option<String>,
    }
    let response = http
        .get(url)
        .header(header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let status = response.status();
    if !status.is_success() {
        return Err(format!("answered {status}"));
    }
    let body = response
        .bytes()
        .await
        .map_err(|e| e.without_url().to_string())?;
    let metadata: Metadata =
        serde_json::from_slice(&body).map_err(|e| format!("not a metadata document: {e}"))?;
    // RFC 8414 section 3.3: a document for another issuer must not be used (mix-up attacks).
    match metadata.issuer.as_deref().map(trim_slash) {
        Some(found) if found == issuer => {}
        Some(found) => return Err(format!("it describes issuer {found:?}, not {issuer:?}")),
        None => return Err("it names no issuer".to_owned()),
    }
    let endpoint = metadata
        .introspection_endpoint
        .ok_or("it has no introspection_endpoint")?;
    checked_url("introspection_endpoint", &endpoint)
        .map_err(|e| e.to_string())
        .map(|_| endpoint)
}

/// The fields of an RFC 7662 answer that matter here; others are ignored.
#[derive(Deserialize)]
struct Introspection {
    active: bool,
    #[serde(default)]
    exp: Option<f64>,
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

/// Valid introspection answers by SHA-256 of the token, bounded in size.
struct TokenCache {
    entries: HashMap<[u8; 32], Cached>,
    capacity: usize,
}

struct Cached {
    principal: Principal,
    until: Instant,
}

impl TokenCache {
    fn new(capacity: usize) -> Self {
        TokenCache {
            entries: HashMap::new(),
            capacity,
        }
    }

    fn get(&mut self, key: &[u8; 32], now: Instant) -> Option<Principal> {
        match self.entries.get(key) {
            Some(entry) if entry.until > now => Some(entry.principal.clone()),
            Some(_) => {
                self.entries.remove(key);
                None
            }
            None => None,
        }
    }

    fn insert(&mut self, key: [u8; 32], principal: Principal, until: Instant) {
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&key) {
            let now = Instant::now();
            self.entries.retain(|_, entry| entry.until > now);
            if self.entries.len() >= self.capacity {
                // Still full of live entries: drop the one that would expire first.
                let soonest = self
                    .entries
                    .iter()
                    .min_by_key(|(_, entry)| entry.until)
                    .map(|(key, _)| *key);
                if let Some(soonest) = soonest {
                    self.entries.remove(&soonest);
                }
            }
        }
        self.entries.insert(key, Cached { principal, until });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

/// How the request presents its token.
fn bearer_token(headers: &HeaderMap) -> Result<&str, Rejection> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(Rejection::Missing);
    };
    let malformed = Err(Rejection::InvalidToken {
        reason: "the Authorization header is not `Bearer <token>`",
    });
    if values.next().is_some() {
        return Err(Rejection::InvalidToken {
            reason: "more than one Authorization header",
        });
    }
    let Ok(value) = value.to_str() else {
        return malformed;
    };
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        // Another scheme (Basic, ...) carries no bearer token: a plain challenge.
        return Err(Rejection::Missing);
    }
    let token = token.trim();
    if token.is_empty() || token.bytes().any(|b| !b.is_ascii_graphic()) {
        return malformed;
    }
    Ok(token)
}

/// The middleware: lets a request through only with a valid bearer token, and puts the token's
/// [`Principal`] into the request's extensions.
pub async fn require_bearer(
    State(state): State<AuthState>,
    mut request: Request,
    next: Next,
) -> Response {
    // CORS preflights never carry credentials; they must reach whatever answers them.
    if request.method() == Method::OPTIONS {
        return next.run(request).await;
    }
    let verdict = match bearer_token(request.headers()) {
        Ok(token) => state.verify(token).await,
        Err(rejection) => Err(rejection),
    };
    match verdict {
        Ok(principal) => {
            // The MCP service must never see (and so never forward) the client's token.
            request.headers_mut().remove(header::AUTHORIZATION);
            request.extensions_mut().insert(principal);
            next.run(request).await
        }
        Err(rejection) => state.challenge(&rejection),
    }
}

async fn metadata_document(State(state): State<AuthState>) -> Response {
    let mut response = axum::Json(state.inner.metadata.clone()).into_response();
    // Public, and browsers' MCP clients read it cross-origin.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The metadata routes alone: [`METADATA_PATH`] and, per RFC 9728 section 3.1, the same document
/// under it with a resource path appended (`/.well-known/oauth-protected-resource/mcp`).
pub fn metadata_router<S>(state: AuthState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route(METADATA_PATH, get(metadata_document))
        .route(
            &format!("{METADATA_PATH}/{{*path}}"),
            get(metadata_document),
        )
        .with_state(state)
}

/// Puts every route of `router` behind bearer-token verification and adds the (public) metadata
/// routes. Routes merged in after this call stay public.
pub fn protect<S>(router: Router<S>, state: AuthState) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    router
        .layer(from_fn_with_state(state.clone(), require_bearer))
        .merge(metadata_router(state))
}

/// [`protect`] with settings from the environment when `OAUTH_ISSUER_URL` is set; `router`
/// unchanged (no OAuth) otherwise. The one call the HTTP transport needs.
pub async fn protect_from_env<S>(router: Router<S>) -> Result<Router<S>, AuthError>
where
    S: Clone + Send + Sync + 'static,
{
    let Some(settings) = AuthSettings::from_env()? else {
        return Ok(router);
    };
    let state = AuthState::new(settings).await?;
    tracing::info!(
        issuer = %state.inner.issuer,
        resource = %state.inner.resource,
        introspection = %state.inner.introspection_url,
        "OAuth on: every request needs a bearer token"
    );
    Ok(protect(router, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    const BASE: &[(&str, &str)] = &[
        ("OAUTH_ISSUER_URL", "https://auth.example.com/"),
        ("OAUTH_CLIENT_ID", "generic-id"),
        ("OAUTH_CLIENT_SECRET", "generic-secret"),
        ("ODOO_MCP_PUBLIC_URL", "https://mcp.example.com/"),
    ];

    fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
        let mut all: Vec<_> = BASE
            .iter()
            .filter(|(k, _)| !extra.iter().any(|(e, _)| e == k))
            .copied()
            .collect();
        all.extend_from_slice(extra);
        all
    }

    #[test]
    fn off_without_issuer() {
        assert!(AuthSettings::from_lookup(env(&[])).unwrap().is_none());
        assert!(
            AuthSettings::from_lookup(env(&[("OAUTH_ISSUER_URL", "  ")]))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn generic_names_and_normalisation() {
        let s = AuthSettings::from_lookup(env(BASE)).unwrap().unwrap();
        assert_eq!(s.issuer, "https://auth.example.com");
        assert_eq!(s.public_url, "https://mcp.example.com");
        assert_eq!(s.client_id, "generic-id");
        assert_eq!(s.client_secret.expose(), "generic-secret");
        assert_eq!(s.introspection_url, None);
        assert!(s.audiences.is_empty());
        assert_eq!(s.timeout, DEFAULT_TIMEOUT);
        assert_eq!(s.cache_capacity, DEFAULT_CACHE_CAPACITY);
    }

    #[test]
    fn zitadel_names_win_over_aliases() {
        let s = AuthSettings::from_lookup(env(&with(&[
            ("ZITADEL_CLIENT_ID", "z-id"),
            ("ZITADEL_CLIENT_SECRET", "z-secret"),
            (
                "ZITADEL_INTROSPECTION_URL",
                "https://z.example.com/oauth/v2/introspect",
            ),
            (
                "OAUTH_INTROSPECTION_URL",
                "https://other.example.com/introspect",
            ),
            ("OAUTH_AUDIENCE", "123456, https://mcp.example.com/mcp/ ,"),
        ])))
        .unwrap()
        .unwrap();
        assert_eq!(s.client_id, "z-id");
        assert_eq!(s.client_secret.expose(), "z-secret");
        assert_eq!(
            s.introspection_url.as_deref(),
            Some("https://z.example.com/oauth/v2/introspect")
        );
        assert_eq!(s.audiences, ["123456", "https://mcp.example.com/mcp"]);
    }

    #[test]
    fn missing_settings_are_named() {
        let err = AuthSettings::from_lookup(env(&with(&[("OAUTH_CLIENT_SECRET", "")])))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ZITADEL_CLIENT_SECRET (or OAUTH_CLIENT_SECRET)"),
            "{err}"
        );
        let err = AuthSettings::from_lookup(env(&with(&[("ODOO_MCP_PUBLIC_URL", "")])))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ODOO_MCP_PUBLIC_URL"), "{err}");
        let only_issuer = env(&[("OAUTH_ISSUER_URL", "https://auth.example.com")]);
        let err = AuthSettings::from_lookup(only_issuer)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ZITADEL_CLIENT_ID (or OAUTH_CLIENT_ID)"),
            "{err}"
        );
    }

    #[test]
    fn bad_urls_are_refused_without_echoing_credentials() {
        for bad in [
            "auth.example.com",
            "ftp://auth.example.com",
            "https://a.example.com/?x=1",
        ] {
            let err =
                AuthSettings::from_lookup(env(&with(&[("OAUTH_ISSUER_URL", bad)]))).unwrap_err();
            assert!(
                matches!(
                    err,
                    AuthError::InvalidUrl {
                        name: "OAUTH_ISSUER_URL",
                        ..
                    }
                ),
                "{err}"
            );
        }
        let err = AuthSettings::from_lookup(env(&with(&[(
            "OAUTH_ISSUER_URL",
            "https://user:hunter2@auth.example.com",
        )])))
        .unwrap_err()
        .to_string();
        assert!(!err.contains("hunter2"), "{err}");
    }

    #[test]
    fn debug_redacts_the_secret() {
        let s = AuthSettings::from_lookup(env(BASE)).unwrap().unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("generic-secret"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn form_encoding_follows_rfc6749() {
        assert_eq!(form_encode("abc-._*09"), "abc-._*09");
        assert_eq!(form_encode("1234@proj x:/"), "1234%40proj+x%3A%2F");
    }

    #[test]
    fn bearer_header_parsing() {
        let headers = |values: &[&'static str]| {
            let mut map = HeaderMap::new();
            for v in values {
                map.append(header::AUTHORIZATION, HeaderValue::from_static(v));
            }
            map
        };
        assert_eq!(bearer_token(&headers(&[])), Err(Rejection::Missing));
        assert_eq!(
            bearer_token(&headers(&["Basic YTpi"])),
            Err(Rejection::Missing)
        );
        assert_eq!(bearer_token(&headers(&["bearer abc.def"])), Ok("abc.def"));
        assert_eq!(bearer_token(&headers(&["Bearer  abc "])), Ok("abc"));
        for bad in [&["Bearer"][..], &["Bearer a b"], &["Bearer x", "Bearer y"]] {
            assert!(
                matches!(
                    bearer_token(&headers(bad)),
                    Err(Rejection::InvalidToken { .. })
                ),
                "{bad:?}"
            );
        }
    }

    fn principal(name: &str) -> Principal {
        Principal {
            subject: name.to_owned(),
            client_id: None,
            username: None,
            scope: None,
        }
    }

    #[test]
    fn cache_is_bounded_and_expires() {
        let now = Instant::now();
        let mut cache = TokenCache::new(2);
        let later = now + Duration::from_secs(60);
        cache.insert([1; 32], principal("a"), later);
        cache.insert([2; 32], principal("b"), later + Duration::from_secs(1));
        cache.insert([3; 32], principal("c"), later + Duration::from_secs(2));
        assert_eq!(cache.len(), 2);
        // The entry closest to expiry made room.
        assert_eq!(cache.get(&[1; 32], now), None);
        assert_eq!(cache.get(&[3; 32], now), Some(principal("c")));
        // Past its time an entry is gone.
        assert_eq!(cache.get(&[2; 32], later + Duration::from_secs(5)), None);
        assert_eq!(cache.len(), 1);
        let mut off = TokenCache::new(0);
        off.insert([1; 32], principal("a"), later);
        assert_eq!(off.len(), 0);
    }

    async fn state(audiences: &'static str) -> AuthState {
        let settings = AuthSettings::from_lookup(env(&with(&[
            (
                "OAUTH_INTROSPECTION_URL",
                "https://auth.example.com/introspect",
            ),
            ("OAUTH_AUDIENCE", audiences),
        ])))
        .unwrap()
        .unwrap();
        AuthState::new(settings).await.unwrap()
    }

    fn answer(json: serde_json::Value) -> Introspection {
        serde_json::from_value(json).unwrap()
    }

    #[tokio::test]
    async fn judging_introspection_answers() {
        let state = state("project-1").await;
        let now = 1_000_000;
        let good = serde_json::json!({
            "active": true, "exp": now + 30, "iss": "https://auth.example.com/",
            "aud": ["project-1", "other"], "client_id": "app",
        });
        let (who, ttl) = state.judge(answer(good.clone()), now).unwrap();
        assert_eq!(who.subject, "app");
        assert_eq!(ttl, Duration::from_secs(30));

        let mut long = good.clone();
        long["exp"] = serde_json::json!(now + 3600);
        long["sub"] = serde_json::json!("user-7");
        long["aud"] = serde_json::json!("https://mcp.example.com");
        let (who, ttl) = state.judge(answer(long), now).unwrap();
        assert_eq!((who.subject.as_str(), ttl), ("user-7", DEFAULT_CACHE_TTL));

        let cases = [
            ("active", serde_json::json!(false), "not active"),
            ("exp", serde_json::json!(now), "expired"),
            (
                "iss",
                serde_json::json!("https://evil.example.com"),
                "another issuer",
            ),
            (
                "aud",
                serde_json::json!("https://other.example.com"),
                "audience",
            ),
            ("aud", serde_json::Value::Null, "audience"),
        ];
        for (field, value, expected) in cases {
            let mut bad = good.clone();
            bad[field] = value;
            match state.judge(answer(bad), now) {
                Err(Rejection::InvalidToken { reason }) => {
                    assert!(reason.contains(expected), "{field}: {reason}");
                }
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}
