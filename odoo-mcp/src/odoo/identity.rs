//! Who a call acts as when each caller brings their own Odoo API key
//! (`ODOO_MCP_IDENTITY=odoo-key`): the resolver from a caller's credentials to
//! an [`Odoo`] that acts as that Odoo user.
//!
//! Odoo is asked once who a key belongs to (`res.users.context_get` for the uid,
//! then the user's login and companies); the answer is kept for
//! `ODOO_MCP_IDENTITY_TTL` under a SHA-256 of the login and key, never the key
//! itself, so a revoked key stops working within that time. What Odoo told a
//! user (fields, views, companies, the model list) is kept per Odoo uid, for at
//! most `ODOO_MCP_IDENTITY_MAX_USERS` people, the least recently seen forgotten
//! first: it serves only calls as that same user.
//!
//! An OAuth key store plugs in here later: it too turns a caller into
//! [`Credentials`], which [`Identities::resolve`] checks and caches alike.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use odoo_client::{ApiVersion, Error as OdooError, Secret};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Learned, Odoo};
use crate::error::ToolError;
use crate::settings::IdentityCache;

/// What a caller presented: an Odoo API key, with the login XML-RPC needs.
#[derive(Clone)]
pub struct Credentials {
    pub login: Option<String>,
    pub key: Secret,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("login", &self.login)
            .field("key", &self.key)
            .finish()
    }
}

/// The Odoo user a key belongs to, as Odoo said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub uid: i64,
    pub login: String,
    pub companies: Vec<i64>,
}

/// A verified caller: who they are in Odoo, and the [`Odoo`] that acts as them.
pub struct Caller {
    pub person: Person,
    pub(crate) odoo: Arc<Odoo>,
    fingerprint: [u8; 32],
}

impl std::fmt::Debug for Caller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Caller")
            .field("person", &self.person)
            .finish_non_exhaustive()
    }
}

/// Why a caller was not let in; each says what the person can do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    #[error(
        "this server acts in Odoo as each person: send your own Odoo API key as `Authorization: Bearer <key>` (make one in Odoo under Preferences → Account Security → New API Key)"
    )]
    NoKey,
    #[error(
        "this server reaches Odoo over XML-RPC, which needs your login with your key: send `Authorization: Basic <base64 of login:key>` (make a key in Odoo under Preferences → Account Security → New API Key)"
    )]
    NoLogin,
    #[error(
        "Odoo refused this API key (wrong, expired or revoked){login}: make a new one in Odoo under Preferences → Account Security → New API Key and put it in your client's Authorization header"
    )]
    Refused { login: String },
    #[error(
        "this API key belongs to Odoo user {actual:?}, not to the login {given:?} sent with it: send the login of the key's owner"
    )]
    WrongLogin { given: String, actual: String },
    #[error(
        "Odoo accepted this API key, but its user {login:?} may not use Odoo's API (a portal or archived user, or no access): use the key of an internal user"
    )]
    NotAllowed { login: String },
    /// Why is logged, not told: the caller is not signed in yet.
    #[error("Odoo cannot be asked who this key belongs to right now; try again shortly")]
    Unavailable(String),
    /// Too many unknown keys were refused lately (or are being checked now):
    /// new keys wait; keys Odoo already vouched for are not affected.
    #[error(
        "too many unknown API keys were tried on this server lately, so new keys are not checked with Odoo for now; try again in {retry_after} s (keys already accepted keep working)"
    )]
    TooMany { retry_after: u64 },
}

impl Refusal {
    /// Whether asking again with other credentials can help (an HTTP 401), or the
    /// server cannot tell now (a 503).
    pub fn is_unauthorized(&self) -> bool {
        !matches!(self, Self::Unavailable(_) | Self::TooMany { .. })
    }
}

/// At most this many keys are checked with Odoo at once; a check waits
/// [`CHECK_WAIT`] for its turn, then is answered [`Refusal::TooMany`].
pub const KEY_CHECKS_IN_FLIGHT: usize = 8;
const CHECK_WAIT: Duration = Duration::from_secs(5);
/// Keys Odoo refused in the last [`REFUSAL_WINDOW`] beyond which unknown keys
/// are not checked with Odoo until the window has room again.
pub const REFUSED_CHECKS_PER_MINUTE: usize = 30;
const REFUSAL_WINDOW: Duration = Duration::from_secs(60);

/// Bounds on asking Odoo about keys it has not vouched for (yet). Keys already
/// verified are answered from the cache before these are consulted, so a
/// flood of made-up keys cannot lock out people whose keys are known good.
/// Behind a proxy every request comes from the proxy's address, so the bound
/// is the server's, not a peer's.
struct CheckLimits {
    in_flight: tokio::sync::Semaphore,
    /// When each recent refusal happened, oldest first.
    refusals: Mutex<std::collections::VecDeque<Instant>>,
}

impl CheckLimits {
    fn new() -> Self {
        Self {
            in_flight: tokio::sync::Semaphore::new(KEY_CHECKS_IN_FLIGHT),
            refusals: Mutex::new(std::collections::VecDeque::new()),
        }
    }

    /// `Err` with the seconds to wait when the window is full.
    fn room(&self) -> Result<(), Refusal> {
        let mut refusals = lock(&self.refusals);
        while refusals
            .front()
            .is_some_and(|t| t.elapsed() >= REFUSAL_WINDOW)
        {
            refusals.pop_front();
        }
        match refusals.front() {
            Some(oldest) if refusals.len() >= REFUSED_CHECKS_PER_MINUTE => Err(Refusal::TooMany {
                retry_after: REFUSAL_WINDOW
                    .saturating_sub(oldest.elapsed())
                    .as_secs()
                    .max(1),
            }),
            _ => Ok(()),
        }
    }

    fn refused(&self) {
        lock(&self.refusals).push_back(Instant::now());
    }
}

/// When a key was checked with Odoo, and whose it is.
type Verified = (Instant, Arc<Caller>);

/// Callers' verified keys and what Odoo told each user, both bounded.
pub struct Identities {
    base: Arc<Odoo>,
    cache: IdentityCache,
    keys: Mutex<Lru<[u8; 32], Verified>>,
    /// Keys Odoo refused, for the same time: asking again cannot change the
    /// answer, and each bad request would otherwise cost Odoo two calls.
    refused: Mutex<Lru<[u8; 32], (Instant, Refusal)>>,
    users: Mutex<Lru<i64, Arc<Learned>>>,
    limits: CheckLimits,
}

impl std::fmt::Debug for Identities {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identities")
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

impl Identities {
    /// `base` knows where Odoo is and holds no credentials.
    pub fn new(base: Arc<Odoo>) -> Self {
        let cache = base.settings().identity_cache;
        Self {
            keys: Mutex::new(Lru::new(cache.max_users)),
            refused: Mutex::new(Lru::new(cache.max_users)),
            users: Mutex::new(Lru::new(cache.max_users)),
            limits: CheckLimits::new(),
            base,
            cache,
        }
    }

    /// Whether callers must send their login with the key (`Basic`): XML-RPC
    /// authenticates by login; it is Odoo's only API below 19.
    pub async fn needs_login(&self) -> bool {
        let client = self.base.client();
        match client.config().api_version {
            ApiVersion::XmlRpc => true,
            ApiVersion::Json2 => false,
            // A caller's key with their login: what Auto then speaks.
            ApiVersion::Auto => client
                .version()
                .await
                .is_ok_and(|v| ApiVersion::auto(v.major, true, true) == ApiVersion::XmlRpc),
        }
    }

    /// The caller these credentials belong to: from the cache while its answer
    /// is fresh, else asked of Odoo.
    pub async fn resolve(&self, credentials: Credentials) -> Result<Arc<Caller>, Refusal> {
        let fingerprint = fingerprint(&credentials);
        if let Some(known) = self.cached(&fingerprint) {
            return known;
        }
        // A key Odoo has not vouched for: within the bounds, then asked.
        self.limits.room()?;
        let Ok(Ok(_turn)) = tokio::time::timeout(CHECK_WAIT, self.limits.in_flight.acquire()).await
        else {
            return Err(Refusal::TooMany { retry_after: 1 });
        };
        // Another request may have checked the same key while this one waited.
        if let Some(known) = self.cached(&fingerprint) {
            return known;
        }
        let caller = match self.verify(credentials, fingerprint).await {
            Ok(caller) => Arc::new(caller),
            Err(refusal) => {
                if refusal.is_unauthorized() {
                    self.limits.refused();
                    lock(&self.refused).insert(fingerprint, (Instant::now(), refusal.clone()));
                }
                return Err(refusal);
            }
        };
        lock(&self.keys).insert(fingerprint, (Instant::now(), caller.clone()));
        Ok(caller)
    }

    /// Odoo's fresh answer for this key, if the cache holds one.
    fn cached(&self, fingerprint: &[u8; 32]) -> Option<Result<Arc<Caller>, Refusal>> {
        if let Some((checked, caller)) = lock(&self.keys).get(fingerprint)
            && checked.elapsed() < self.cache.ttl
        {
            return Some(Ok(caller));
        }
        match lock(&self.refused).get(fingerprint) {
            Some((checked, refusal)) if checked.elapsed() < self.cache.ttl => Some(Err(refusal)),
            _ => None,
        }
    }

    /// Forgets a caller's key (Odoo refused it during a call): the next request
    /// asks Odoo again, and is refused if the key was revoked.
    pub fn forget(&self, caller: &Caller) {
        lock(&self.keys).remove(&caller.fingerprint);
    }

    async fn verify(
        &self,
        credentials: Credentials,
        fingerprint: [u8; 32],
    ) -> Result<Caller, Refusal> {
        let needs_login = self.needs_login().await;
        if needs_login && credentials.login.is_none() {
            return Err(Refusal::NoLogin);
        }
        let Credentials { login, key } = credentials;
        let secrets = [key.expose().to_string()];
        let unavailable = |e: OdooError| match e {
            OdooError::Authentication(_) => Refusal::Refused {
                login: login
                    .as_ref()
                    .map(|l| format!(" for login {l:?}"))
                    .unwrap_or_default(),
            },
            OdooError::AccessDenied(_) => Refusal::NotAllowed {
                login: login.clone().unwrap_or_default(),
            },
            other => {
                let detail = ToolError::from(other).render(&secrets);
                tracing::warn!(%detail, "a caller's key could not be checked with Odoo");
                Refusal::Unavailable(detail)
            }
        };
        // On JSON/2 the key alone says who; the login, if sent, is checked below.
        let client_login = if needs_login { login.clone() } else { None };
        let client = self
            .base
            .client()
            .with_credentials(client_login, key)
            .map_err(&unavailable)?;
        let context = client
            .execute("res.users", "context_get", None, Map::new(), None)
            .await
            .map_err(&unavailable)?;
        let uid = context.get("uid").and_then(Value::as_i64).ok_or_else(|| {
            Refusal::Unavailable("Odoo's res.users.context_get named no uid".into())
        })?;
        let rows = client
            .read("res.users", &[uid], &["login", "company_ids"])
            .await
            .map_err(&unavailable)?;
        let row = rows.first();
        let person = Person {
            uid,
            login: row
                .and_then(|r| r.get("login"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            companies: row
                .and_then(|r| r.get("company_ids"))
                .and_then(Value::as_array)
                .map(|ids| ids.iter().filter_map(Value::as_i64).collect())
                .unwrap_or_default(),
        };
        if let Some(given) = login
            && given != person.login
        {
            return Err(Refusal::WrongLogin {
                given,
                actual: person.login,
            });
        }
        let learned = lock(&self.users).get_or_insert_with(uid, || {
            Arc::new(Learned::new(self.base.settings().fields_ttl))
        });
        tracing::debug!(uid, login = %person.login, "caller identified");
        Ok(Caller {
            odoo: Arc::new(self.base.as_user(client, learned)),
            person,
            fingerprint,
        })
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// SHA-256 of the login and key: what the cache keeps instead of the key.
fn fingerprint(credentials: &Credentials) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(credentials.login.as_deref().unwrap_or_default().as_bytes());
    hasher.update([0]);
    hasher.update(credentials.key.expose().as_bytes());
    hasher.finalize().into()
}

/// A map of at most `capacity` entries that forgets the least recently used
/// first (a linear scan on eviction: capacities are a few hundred).
struct Lru<K, V> {
    capacity: usize,
    tick: u64,
    entries: HashMap<K, (u64, V)>,
}

impl<K: Eq + Hash + Copy, V: Clone> Lru<K, V> {
    fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            tick: 0,
            entries: HashMap::new(),
        }
    }

    fn get(&mut self, key: &K) -> Option<V> {
        self.tick += 1;
        let tick = self.tick;
        self.entries.get_mut(key).map(|(used, value)| {
            *used = tick;
            value.clone()
        })
    }

    fn insert(&mut self, key: K, value: V) {
        self.tick += 1;
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| *k);
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (self.tick, value));
    }

    fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some(value) = self.get(&key) {
            return value;
        }
        let value = make();
        self.insert(key, value.clone());
        value
    }

    fn remove(&mut self, key: &K) {
        self.entries.remove(key);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lru_forgets_the_least_recently_used() {
        let mut lru = Lru::new(2);
        lru.insert(1, "a");
        lru.insert(2, "b");
        assert_eq!(lru.get(&1), Some("a"));
        lru.insert(3, "c");
        assert_eq!(lru.len(), 2);
        assert_eq!(lru.get(&2), None, "2 was used least recently");
        assert_eq!(lru.get(&1), Some("a"));
        assert_eq!(lru.get_or_insert_with(3, || "z"), "c");
        lru.remove(&3);
        assert_eq!(lru.get(&3), None);
    }

    /// A warm cache answers without Odoo (here unreachable, so a miss would fail);
    /// prints what the check costs per request.
    #[tokio::test]
    async fn a_warm_cache_answers_without_odoo() {
        let config = odoo_client::Config::new("http://127.0.0.1:9")
            .db("lab")
            .api_version(ApiVersion::Json2);
        let base = Odoo::without_credentials(config, crate::settings::Settings::default(), &[])
            .expect("base");
        let identities = Identities::new(Arc::new(base));
        let credentials = Credentials {
            login: None,
            key: Secret::new("a-key-of-demo-0123"),
        };
        let client = identities
            .base
            .client()
            .with_credentials(None, credentials.key.clone())
            .expect("client");
        let learned = Arc::new(Learned::new(std::time::Duration::from_secs(60)));
        let caller = Arc::new(Caller {
            person: Person {
                uid: 5,
                login: "demo".into(),
                companies: vec![1],
            },
            odoo: Arc::new(identities.base.as_user(client, learned)),
            fingerprint: fingerprint(&credentials),
        });
        lock(&identities.keys).insert(caller.fingerprint, (Instant::now(), caller.clone()));
        let rounds = 10_000;
        let started = Instant::now();
        for _ in 0..rounds {
            let found = identities
                .resolve(credentials.clone())
                .await
                .expect("cached");
            assert_eq!(found.person.uid, 5);
        }
        eprintln!(
            "identity check with a warm cache: {:.2} µs per request",
            started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
        );
        let stranger = Credentials {
            login: None,
            key: Secret::new("another-key-456789"),
        };
        assert!(matches!(
            identities.resolve(stranger).await,
            Err(Refusal::Unavailable(_))
        ));
        identities.forget(&caller);
        assert!(identities.resolve(credentials).await.is_err(), "forgotten");
    }

    #[test]
    fn neither_debug_nor_fingerprint_shows_the_key() {
        let credentials = Credentials {
            login: Some("demo".into()),
            key: Secret::new("s3cret-key-123"),
        };
        assert!(!format!("{credentials:?}").contains("s3cret"));
        let other = Credentials {
            login: None,
            ..credentials.clone()
        };
        assert_ne!(fingerprint(&credentials), fingerprint(&other));
        for refusal in [Refusal::NoKey, Refusal::NoLogin] {
            assert!(refusal.to_string().contains("Preferences"), "{refusal}");
        }
    }
}
