//! The OAuth key store (`ODOO_MCP_IDENTITY=oauth`): each OAuth subject's Odoo
//! API key, kept in a database and encrypted at rest.
//!
//! One crate speaks both databases (sqlx's `Any` driver): SQLite, embedded, for a
//! single replica (`sqlite://path`), PostgreSQL for several (`postgres://…`).
//! A key is sealed with XChaCha20-Poly1305 under a data key derived from the
//! operator's secret (`ODOO_MCP_KEY_STORE_SECRET`), a random nonce per key and
//! the subject as associated data, so a sealed key copied to another subject's
//! row does not open. A check value sealed at creation tells a wrong secret
//! apart from a damaged row.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, Payload};
use chacha20poly1305::{Key, KeyInit, XChaCha20Poly1305, XNonce};
use odoo_client::Secret;
use sha2::{Digest, Sha256};
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Row};

use crate::settings::KeyStoreSettings;

/// Shortest secret accepted: the data key is only as strong as it.
const MIN_SECRET_LEN: usize = 16;
const CHECK_AD: &[u8] = b"odoo-mcp key store check";
const CHECK_PLAIN: &[u8] = b"odoo-mcp key store v1";
const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD_NO_PAD;

/// Why the key store cannot be used; none shows a key or the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error(
        "ODOO_MCP_IDENTITY=oauth keeps each person's Odoo API key encrypted: set ODOO_MCP_KEY_STORE_SECRET (or ODOO_MCP_KEY_STORE_SECRET_FILE) to a random secret of at least {MIN_SECRET_LEN} characters, e.g. `openssl rand -base64 32`"
    )]
    NoSecret,
    #[error(
        "ODOO_MCP_KEY_STORE_SECRET is too short ({0} characters): give at least {MIN_SECRET_LEN}, e.g. `openssl rand -base64 32`"
    )]
    ShortSecret(usize),
    #[error(
        "ODOO_MCP_KEY_STORE_SECRET does not open the key store at {0}: it was created with another secret, or rotated to one since (`odoo-mcp identity rotate-secret`); give that one (keys cannot be read without it)"
    )]
    WrongSecret(String),
    #[error("ODOO_MCP_KEY_STORE {0:?} is not a sqlite:// or postgres:// URL")]
    BadUrl(String),
    #[error("the key store at {place} failed: {reason}")]
    Database { place: String, reason: String },
    #[error(
        "the stored key of {0:?} cannot be opened (damaged or moved between subjects); it was not used"
    )]
    Damaged(String),
}

/// A subject's stored key, opened.
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub login: String,
    pub uid: i64,
    pub key: Secret,
}

/// What an operator sees of an entry: never the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub subject: String,
    pub login: String,
    pub uid: i64,
    /// Unix seconds.
    pub created: i64,
    pub last_used: i64,
}

/// The database and the data key.
pub struct KeyStore {
    pool: AnyPool,
    cipher: XChaCha20Poly1305,
    /// The URL without its password, for messages.
    place: String,
}

impl std::fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyStore")
            .field("place", &self.place)
            .finish_non_exhaustive()
    }
}

impl KeyStore {
    /// Connects, creates the tables when missing, and checks the secret.
    pub async fn open(settings: &KeyStoreSettings) -> Result<Self, StoreError> {
        let secret = settings.secret.as_ref().ok_or(StoreError::NoSecret)?;
        let length = secret.expose().chars().count();
        if length < MIN_SECRET_LEN {
            return Err(StoreError::ShortSecret(length));
        }
        let place = shown(&settings.url);
        let url = prepare_url(&settings.url)?;
        install_default_drivers();
        // TLS to PostgreSQL (`sslmode=require|verify-ca|verify-full`) uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let database = |e: sqlx::Error| StoreError::Database {
            place: place.clone(),
            reason: e.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if url.starts_with("sqlite:") { 1 } else { 5 })
            .connect(&url)
            .await
            .map_err(database)?;
        for statement in SCHEMA {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .map_err(database)?;
        }
        let store = Self {
            pool,
            cipher: XChaCha20Poly1305::new(&data_key(secret)),
            place,
        };
        store.check_secret().await?;
        Ok(store)
    }

    /// The check value opens with this secret; sealed now on a new store.
    async fn check_secret(&self) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT value FROM odoo_mcp_key_store_meta WHERE name = 'check'")
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        match row {
            Some(row) => {
                let sealed: String = row.try_get("value").map_err(|e| self.failed(e))?;
                match self.open_sealed(&sealed, CHECK_AD) {
                    Some(plain) if plain == CHECK_PLAIN => Ok(()),
                    _ => Err(StoreError::WrongSecret(self.place.clone())),
                }
            }
            None => {
                let sealed = self.seal(CHECK_PLAIN, CHECK_AD);
                // Another replica may have sealed it first: then check theirs.
                sqlx::query("INSERT INTO odoo_mcp_key_store_meta (name, value) VALUES ('check', $1) ON CONFLICT (name) DO NOTHING")
                    .bind(sealed)
                    .execute(&self.pool)
                    .await
                    .map_err(|e| self.failed(e))?;
                Box::pin(self.check_secret()).await
            }
        }
    }

    /// Stores (or replaces) `subject`'s key.
    pub async fn put(&self, subject: &str, enrolled: &Enrolled) -> Result<(), StoreError> {
        let sealed = self.seal(enrolled.key.expose().as_bytes(), subject.as_bytes());
        let now = now();
        sqlx::query(
            "INSERT INTO odoo_mcp_keys (subject, login, uid, sealed_key, created_at, last_used_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (subject) DO UPDATE SET \
             login = excluded.login, uid = excluded.uid, sealed_key = excluded.sealed_key, \
             created_at = excluded.created_at, last_used_at = excluded.last_used_at",
        )
        .bind(subject)
        .bind(&enrolled.login)
        .bind(enrolled.uid)
        .bind(sealed)
        .bind(now)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// `subject`'s key, opened; `None` when it has none. Marks it used.
    pub async fn get(&self, subject: &str) -> Result<Option<Enrolled>, StoreError> {
        let row =
            sqlx::query("SELECT login, uid, sealed_key FROM odoo_mcp_keys WHERE subject = $1")
                .bind(subject)
                .fetch_optional(&self.pool)
                .await
                .map_err(|e| self.failed(e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let sealed: String = row.try_get("sealed_key").map_err(|e| self.failed(e))?;
        let opened = self
            .open_sealed(&sealed, subject.as_bytes())
            .and_then(|plain| String::from_utf8(plain).ok());
        let Some(key) = opened else {
            // A rotation by another process makes every key unopenable: say so.
            self.check_secret().await?;
            return Err(StoreError::Damaged(subject.to_string()));
        };
        // At most one write a minute per person, not one per call.
        let now = now();
        sqlx::query(
            "UPDATE odoo_mcp_keys SET last_used_at = $1 WHERE subject = $2 AND last_used_at < $3",
        )
        .bind(now)
        .bind(subject)
        .bind(now - 60)
        .execute(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        Ok(Some(Enrolled {
            login: row.try_get("login").map_err(|e| self.failed(e))?,
            uid: row.try_get("uid").map_err(|e| self.failed(e))?,
            key: Secret::new(key),
        }))
    }

    /// Forgets `subject`'s key; whether there was one.
    pub async fn revoke(&self, subject: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM odoo_mcp_keys WHERE subject = $1")
            .bind(subject)
            .execute(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(done.rows_affected() > 0)
    }

    /// Every entry, by subject; no key.
    pub async fn list(&self) -> Result<Vec<Entry>, StoreError> {
        let rows = sqlx::query(
            "SELECT subject, login, uid, created_at, last_used_at FROM odoo_mcp_keys ORDER BY subject",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        rows.iter()
            .map(|row| {
                Ok(Entry {
                    subject: row.try_get("subject")?,
                    login: row.try_get("login")?,
                    uid: row.try_get("uid")?,
                    created: row.try_get("created_at")?,
                    last_used: row.try_get("last_used_at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(|e| self.failed(e))
    }

    /// Keeps a one-time link's token (hashed) for `subject`; forgets links older than `ttl`.
    pub async fn add_link(
        &self,
        token: &str,
        subject: &str,
        ttl: Duration,
    ) -> Result<(), StoreError> {
        let now = now();
        let oldest = now - i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX);
        sqlx::query("DELETE FROM odoo_mcp_enroll_links WHERE created_at < $1")
            .bind(oldest)
            .execute(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        sqlx::query("INSERT INTO odoo_mcp_enroll_links (token_hash, subject, created_at) VALUES ($1, $2, $3)")
            .bind(token_hash(token))
            .bind(subject)
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(|e| self.failed(e))?;
        Ok(())
    }

    /// Spends a link: its subject and age in seconds, once; `None` after.
    pub async fn take_link(&self, token: &str) -> Result<Option<(String, u64)>, StoreError> {
        let row = sqlx::query(
            "DELETE FROM odoo_mcp_enroll_links WHERE token_hash = $1 RETURNING subject, created_at",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.failed(e))?;
        let Some(row) = row else {
            return Ok(None);
        };
        let subject: String = row.try_get("subject").map_err(|e| self.failed(e))?;
        let created: i64 = row.try_get("created_at").map_err(|e| self.failed(e))?;
        Ok(Some((
            subject,
            u64::try_from(now() - created).unwrap_or_default(),
        )))
    }

    /// Seals every stored key and the check value anew under `new_secret`, in
    /// one transaction: all or nothing. The number of keys re-sealed.
    /// Servers still holding the old secret cannot open the keys afterwards,
    /// and enrollments in progress (their cookies) must start again.
    pub async fn rotate(&self, new_secret: &Secret) -> Result<usize, StoreError> {
        let length = new_secret.expose().chars().count();
        if length < MIN_SECRET_LEN {
            return Err(StoreError::ShortSecret(length));
        }
        let new = Self {
            pool: self.pool.clone(),
            cipher: XChaCha20Poly1305::new(&data_key(new_secret)),
            place: self.place.clone(),
        };
        let mut transaction = self.pool.begin().await.map_err(|e| self.failed(e))?;
        let rows = sqlx::query("SELECT subject, sealed_key FROM odoo_mcp_keys")
            .fetch_all(&mut *transaction)
            .await
            .map_err(|e| self.failed(e))?;
        for row in &rows {
            let subject: String = row.try_get("subject").map_err(|e| self.failed(e))?;
            let sealed: String = row.try_get("sealed_key").map_err(|e| self.failed(e))?;
            let plain = self
                .open_sealed(&sealed, subject.as_bytes())
                .ok_or_else(|| StoreError::Damaged(subject.clone()))?;
            sqlx::query("UPDATE odoo_mcp_keys SET sealed_key = $1 WHERE subject = $2")
                .bind(new.seal(&plain, subject.as_bytes()))
                .bind(&subject)
                .execute(&mut *transaction)
                .await
                .map_err(|e| self.failed(e))?;
        }
        sqlx::query("UPDATE odoo_mcp_key_store_meta SET value = $1 WHERE name = 'check'")
            .bind(new.seal(CHECK_PLAIN, CHECK_AD))
            .execute(&mut *transaction)
            .await
            .map_err(|e| self.failed(e))?;
        transaction.commit().await.map_err(|e| self.failed(e))?;
        Ok(rows.len())
    }

    /// Seals a short-lived value (an enrollment session in its cookie) for `purpose`.
    pub fn seal_value(&self, plain: &[u8], purpose: &[u8]) -> String {
        self.seal(plain, purpose)
    }

    /// Opens what [`Self::seal_value`] sealed for the same purpose.
    pub fn open_value(&self, sealed: &str, purpose: &[u8]) -> Option<Vec<u8>> {
        self.open_sealed(sealed, purpose)
    }

    /// Makes every link `seconds` older (tests of expiry).
    #[cfg(test)]
    pub(crate) async fn age_links(&self, seconds: i64) {
        sqlx::query("UPDATE odoo_mcp_enroll_links SET created_at = created_at - $1")
            .bind(seconds)
            .execute(&self.pool)
            .await
            .expect("age links");
    }

    /// base64(nonce ‖ ciphertext).
    fn seal(&self, plain: &[u8], ad: &[u8]) -> String {
        let nonce = XNonce::generate();
        let payload = Payload {
            msg: plain,
            aad: ad,
        };
        // Encryption fails only for messages beyond the cipher's limit (GiBs).
        let sealed = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        B64.encode(out)
    }

    fn open_sealed(&self, sealed: &str, ad: &[u8]) -> Option<Vec<u8>> {
        let bytes = B64.decode(sealed).ok()?;
        if bytes.len() < 24 {
            return None;
        }
        let (nonce, text) = bytes.split_at(24);
        let nonce = XNonce::try_from(nonce).ok()?;
        let payload = Payload { msg: text, aad: ad };
        self.cipher.decrypt(&nonce, payload).ok()
    }

    fn failed(&self, error: sqlx::Error) -> StoreError {
        StoreError::Database {
            place: self.place.clone(),
            reason: error.to_string(),
        }
    }
}

const SCHEMA: [&str; 3] = [
    "CREATE TABLE IF NOT EXISTS odoo_mcp_key_store_meta (name VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS odoo_mcp_keys (subject VARCHAR(255) PRIMARY KEY, login TEXT NOT NULL, \
     uid BIGINT NOT NULL, sealed_key TEXT NOT NULL, created_at BIGINT NOT NULL, last_used_at BIGINT NOT NULL)",
    // One-time enrollment links, by a hash of the token: any replica can spend one.
    "CREATE TABLE IF NOT EXISTS odoo_mcp_enroll_links (token_hash VARCHAR(64) PRIMARY KEY, \
     subject VARCHAR(255) NOT NULL, created_at BIGINT NOT NULL)",
];

/// What the links table keeps of a token: its SHA-256, hex.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The data key: SHA-256 of a label and the operator's secret.
fn data_key(secret: &Secret) -> Key {
    let mut hasher = Sha256::new();
    hasher.update(b"odoo-mcp key store data key v1\0");
    hasher.update(secret.expose().as_bytes());
    let digest: [u8; 32] = hasher.finalize().into();
    Key::from(digest)
}

/// A SQLite file is created when missing, readable by its owner only.
fn prepare_url(url: &str) -> Result<String, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(url.to_string());
    }
    let Some(path) = url.strip_prefix("sqlite://") else {
        return Err(StoreError::BadUrl(shown(url)));
    };
    let file = path.split('?').next().unwrap_or_default();
    if file.is_empty() || file == ":memory:" {
        return Err(StoreError::BadUrl(url.to_string()));
    }
    let created = create_private(std::path::Path::new(file));
    created.map_err(|e| StoreError::Database {
        place: url.to_string(),
        reason: e.to_string(),
    })?;
    Ok(url.to_string())
}

fn create_private(path: &std::path::Path) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// The URL without a password.
fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let user_part = &url[scheme + 3..at];
            let user = user_part.split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..scheme + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// 32 random bytes, URL-safe base64: one-time links, sessions, CSRF tokens.
pub(crate) fn random_token() -> String {
    let bytes = Key::generate();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str, secret: &str) -> KeyStoreSettings {
        KeyStoreSettings {
            url: url.to_string(),
            secret: Some(Secret::new(secret)),
        }
    }

    fn demo() -> Enrolled {
        Enrolled {
            login: "demo".into(),
            uid: 6,
            key: Secret::new("k3y-of-demo-0123456789abcdef"),
        }
    }

    #[tokio::test]
    async fn put_get_list_revoke_with_no_key_in_clear() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys.db");
        let url = format!("sqlite://{}", path.display());
        let store = KeyStore::open(&settings(&url, "a-long-operator-secret"))
            .await
            .unwrap();
        assert!(store.get("alice").await.unwrap().is_none());
        store.put("alice", &demo()).await.unwrap();
        let got = store.get("alice").await.unwrap().expect("stored");
        assert_eq!((got.login.as_str(), got.uid), ("demo", 6));
        assert_eq!(got.key.expose(), "k3y-of-demo-0123456789abcdef");
        let listed = store.list().await.unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].subject, "alice");
        assert!(!format!("{listed:?}").contains("k3y"));
        let rounds = 1_000;
        let started = std::time::Instant::now();
        for _ in 0..rounds {
            assert!(store.get("alice").await.unwrap().is_some());
        }
        eprintln!(
            "key store lookup on SQLite: {:.1} µs per call",
            started.elapsed().as_secs_f64() * 1e6 / f64::from(rounds)
        );
        drop(store);
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("k3y-of-demo"),
            "the key is in the file in clear"
        );
        assert!(text.contains("alice"), "the subject is stored");
        // A wrong secret is a clear error, not garbage.
        let err = KeyStore::open(&settings(&url, "another-operator-secret"))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::WrongSecret(_)), "{err}");
        let store = KeyStore::open(&settings(&url, "a-long-operator-secret"))
            .await
            .unwrap();
        assert!(store.revoke("alice").await.unwrap());
        assert!(!store.revoke("alice").await.unwrap());
        assert!(store.get("alice").await.unwrap().is_none());
    }

    #[tokio::test]
    async fn rotating_the_secret_reseals_every_key() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let old = settings(&url, "a-long-operator-secret");
        let store = KeyStore::open(&old).await.unwrap();
        store.put("alice", &demo()).await.unwrap();
        store.put("bob", &demo()).await.unwrap();
        let short = store.rotate(&Secret::new("short")).await.unwrap_err();
        assert!(matches!(short, StoreError::ShortSecret(5)), "{short}");
        let new_secret = "a-new-operator-secret-after-rotation";
        assert_eq!(store.rotate(&Secret::new(new_secret)).await.unwrap(), 2);
        drop(store);
        let err = KeyStore::open(&old).await.unwrap_err();
        assert!(matches!(err, StoreError::WrongSecret(_)), "{err}");
        let store = KeyStore::open(&settings(&url, new_secret)).await.unwrap();
        for subject in ["alice", "bob"] {
            let got = store.get(subject).await.unwrap().expect("kept");
            assert_eq!(got.key.expose(), "k3y-of-demo-0123456789abcdef");
        }
    }

    #[tokio::test]
    async fn a_damaged_key_stops_a_rotation_with_nothing_changed() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let old = settings(&url, "a-long-operator-secret");
        let store = KeyStore::open(&old).await.unwrap();
        store.put("alice", &demo()).await.unwrap();
        sqlx::query("INSERT INTO odoo_mcp_keys SELECT 'mallory', login, uid, sealed_key, created_at, last_used_at FROM odoo_mcp_keys WHERE subject = 'alice'")
            .execute(&store.pool)
            .await
            .unwrap();
        let err = store
            .rotate(&Secret::new("a-new-operator-secret-after-rotation"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Damaged(ref s) if s == "mallory"),
            "{err}"
        );
        drop(store);
        let store = KeyStore::open(&old)
            .await
            .expect("the old secret still opens");
        assert!(store.get("alice").await.unwrap().is_some());
    }

    #[tokio::test]
    async fn a_sealed_key_opens_only_for_its_subject() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let store = KeyStore::open(&settings(&url, "a-long-operator-secret"))
            .await
            .unwrap();
        store.put("alice", &demo()).await.unwrap();
        sqlx::query("INSERT INTO odoo_mcp_keys SELECT 'mallory', login, uid, sealed_key, created_at, last_used_at FROM odoo_mcp_keys WHERE subject = 'alice'")
            .execute(&store.pool)
            .await
            .unwrap();
        let err = store.get("mallory").await.unwrap_err();
        assert!(matches!(err, StoreError::Damaged(_)), "{err}");
    }

    #[tokio::test]
    async fn bad_settings_are_clear_errors() {
        let none = KeyStoreSettings {
            url: "sqlite://x.db".into(),
            secret: None,
        };
        assert!(matches!(
            KeyStore::open(&none).await,
            Err(StoreError::NoSecret)
        ));
        assert!(matches!(
            KeyStore::open(&settings("sqlite://x.db", "short")).await,
            Err(StoreError::ShortSecret(5))
        ));
        let err = KeyStore::open(&settings("mysql://u:pw@h/db", "a-long-operator-secret"))
            .await
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("mysql://u@h/db") && !err.contains("pw"),
            "{err}"
        );
        assert_ne!(random_token(), random_token());
        assert_eq!(random_token().len(), 43);
    }
}
