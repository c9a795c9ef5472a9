//! Connection settings, from the environment or built in code.

use std::fmt;
use std::time::Duration;

use crate::error::{Error, Result};

/// A secret string (API key, password). Its `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Which Odoo API to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiVersion {
    /// `POST /json/2/<model>/<method>` with a bearer API key (Odoo 19+).
    Json2,
    /// `/xmlrpc/2/common` + `/xmlrpc/2/object` (Odoo 14-18; deprecated in 19).
    XmlRpc,
    /// Ask the server its version once: JSON/2 on 19+, XML-RPC below.
    #[default]
    Auto,
}

impl ApiVersion {
    /// What `Auto` speaks to an Odoo of version `major`: JSON/2 needs Odoo 19
    /// and an API key; XML-RPC, Odoo's only API below 19, a login.
    pub fn auto(major: u32, has_key: bool, has_login: bool) -> Self {
        if has_key && (major >= 19 || !has_login) {
            Self::Json2
        } else {
            Self::XmlRpc
        }
    }
}

impl std::str::FromStr for ApiVersion {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json2" | "json/2" | "json-2" | "json" => Ok(ApiVersion::Json2),
            "xmlrpc" | "xml-rpc" | "xml_rpc" => Ok(ApiVersion::XmlRpc),
            "auto" | "" => Ok(ApiVersion::Auto),
            other => Err(Error::Config(format!(
                "unknown Odoo API version {other:?}: expected json2, xmlrpc or auto"
            ))),
        }
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ApiVersion::Json2 => "json2",
            ApiVersion::XmlRpc => "xmlrpc",
            ApiVersion::Auto => "auto",
        })
    }
}

/// Everything needed to reach one Odoo database.
///
/// ```
/// use odoo_client::{ApiVersion, Config};
/// let config = Config::new("https://odoo.example.com")
///     .db("prod")
///     .api_key("0123456789abcdef")
///     .api_version(ApiVersion::Json2);
/// assert!(config.validate().is_ok());
/// assert!(!format!("{config:?}").contains("0123456789abcdef"));
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL, without a trailing slash.
    pub url: String,
    /// Database name (`X-Odoo-Database`); optional on single-database servers over JSON/2.
    pub db: Option<String>,
    /// Login, needed by XML-RPC.
    pub user: Option<String>,
    pub api_key: Option<Secret>,
    /// XML-RPC fallback when no API key is given.
    pub password: Option<Secret>,
    pub api_version: ApiVersion,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Language sent as `context.lang` on every call (e.g. `fr_FR`).
    pub lang: Option<String>,
    /// Companies every call acts in (`context.allowed_company_ids`, the first
    /// one current), on a multi-company database; empty: the user's own setting.
    pub allowed_companies: Vec<crate::RecordId>,
}

pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl Config {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into().trim_end_matches('/').to_string(),
            db: None,
            user: None,
            api_key: None,
            password: None,
            api_version: ApiVersion::Auto,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            lang: None,
            allowed_companies: Vec::new(),
        }
    }

    /// Companies every call acts in, the first one current (`ODOO_ALLOWED_COMPANIES`).
    pub fn allowed_companies(mut self, ids: impl IntoIterator<Item = crate::RecordId>) -> Self {
        self.allowed_companies = ids.into_iter().collect();
        self
    }

    pub fn db(mut self, db: impl Into<String>) -> Self {
        self.db = Some(db.into());
        self
    }

    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(Secret::new(key));
        self
    }

    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Secret::new(password));
        self
    }

    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = version;
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    pub fn lang(mut self, lang: impl Into<String>) -> Self {
        self.lang = Some(lang.into());
        self
    }

    /// Reads `ODOO_URL`, `ODOO_DB`, `ODOO_USER`, `ODOO_API_KEY`, `ODOO_PASSWORD`,
    /// `ODOO_API_VERSION` (alias `ODOO_RPC_TRANSPORT`), `ODOO_TIMEOUT` and
    /// `ODOO_CONNECT_TIMEOUT` (seconds), `ODOO_LOCALE` and `ODOO_ALLOWED_COMPANIES`
    /// (company ids, the first one current), then validates.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`] over any variable source (tests, CLI layers).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let config = Self::read_lookup(lookup)?;
        config.validate()?;
        Ok(config)
    }

    /// [`Config::from_lookup`] with the address checked but not the credentials
    /// (a server whose callers bring their own).
    pub fn from_lookup_without_credentials(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self> {
        let config = Self::read_lookup(lookup)?;
        config.validate_address()?;
        Ok(config)
    }

    fn read_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let url = get("ODOO_URL").ok_or_else(|| Error::Config("ODOO_URL is not set".into()))?;
        let mut config = Config::new(url);
        config.db = get("ODOO_DB");
        config.user = get("ODOO_USER");
        config.api_key = get("ODOO_API_KEY").map(Secret::new);
        config.password = get("ODOO_PASSWORD").map(Secret::new);
        config.lang = get("ODOO_LOCALE");
        if let Some(v) = get("ODOO_ALLOWED_COMPANIES") {
            config.allowed_companies = parse_ids("ODOO_ALLOWED_COMPANIES", &v)?;
        }
        if let Some(v) = get("ODOO_API_VERSION").or_else(|| get("ODOO_RPC_TRANSPORT")) {
            config.api_version = v.parse()?;
        }
        if let Some(v) = get("ODOO_TIMEOUT") {
            config.timeout = parse_seconds("ODOO_TIMEOUT", &v)?;
        }
        if let Some(v) = get("ODOO_CONNECT_TIMEOUT") {
            config.connect_timeout = parse_seconds("ODOO_CONNECT_TIMEOUT", &v)?;
        }
        Ok(config)
    }

    /// Checks that the settings can work for the chosen API, without any request.
    pub fn validate(&self) -> Result<()> {
        self.validate_address()?;
        self.validate_credentials()
    }

    /// Checks the URL and timeouts alone (a server whose callers bring the credentials).
    pub fn validate_address(&self) -> Result<()> {
        let host = self
            .url
            .strip_prefix("https://")
            .or_else(|| self.url.strip_prefix("http://"));
        if host.is_none_or(str::is_empty) {
            return Err(Error::Config(format!(
                "ODOO_URL must be an http:// or https:// URL, got {:?}",
                self.url
            )));
        }
        if self.timeout.is_zero() || self.connect_timeout.is_zero() {
            return Err(Error::Config("timeouts must be greater than zero".into()));
        }
        Ok(())
    }

    fn validate_credentials(&self) -> Result<()> {
        let has_secret = self.api_key.is_some() || self.password.is_some();
        match self.api_version {
            ApiVersion::Json2 if self.api_key.is_none() => Err(Error::Config(
                "JSON/2 needs an API key: set ODOO_API_KEY".into(),
            )),
            ApiVersion::XmlRpc if self.user.is_none() || !has_secret => Err(Error::Config(
                "XML-RPC needs ODOO_USER and ODOO_API_KEY (or ODOO_PASSWORD)".into(),
            )),
            ApiVersion::XmlRpc if self.db.is_none() => {
                Err(Error::Config("XML-RPC needs ODOO_DB".into()))
            }
            ApiVersion::Auto if !has_secret => Err(Error::Config(
                "set ODOO_API_KEY (or ODOO_USER and ODOO_PASSWORD)".into(),
            )),
            _ => Ok(()),
        }
    }

    /// The secret XML-RPC sends as password: the API key, else the password.
    pub(crate) fn xmlrpc_secret(&self) -> Option<&Secret> {
        self.api_key.as_ref().or(self.password.as_ref())
    }
}

/// Comma-separated positive ids, each once, in order.
fn parse_ids(name: &str, raw: &str) -> Result<Vec<crate::RecordId>> {
    let mut ids = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<crate::RecordId>() {
            Ok(id) if id > 0 => {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
            _ => {
                return Err(Error::Config(format!(
                    "{name} must be comma-separated company ids such as 1,3 (the first one current), got {raw:?}"
                )));
            }
        }
    }
    Ok(ids)
}

fn parse_seconds(name: &str, value: &str) -> Result<Duration> {
    value
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            Error::Config(format!(
                "{name} must be a positive number of seconds, got {value:?}"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn auto_speaks_json2_from_19_with_a_key() {
        assert_eq!(ApiVersion::auto(19, true, true), ApiVersion::Json2);
        assert_eq!(ApiVersion::auto(18, true, true), ApiVersion::XmlRpc);
        // A key without a login can only go over JSON/2.
        assert_eq!(ApiVersion::auto(18, true, false), ApiVersion::Json2);
        assert_eq!(ApiVersion::auto(19, false, true), ApiVersion::XmlRpc);
    }

    #[test]
    fn reads_every_variable() {
        let config = Config::from_lookup(env(&[
            ("ODOO_URL", "https://odoo.example.com/"),
            ("ODOO_DB", "lab"),
            ("ODOO_USER", "admin"),
            ("ODOO_API_KEY", "k3y"),
            ("ODOO_RPC_TRANSPORT", "xmlrpc"),
            ("ODOO_TIMEOUT", "2.5"),
            ("ODOO_CONNECT_TIMEOUT", "1"),
            ("ODOO_LOCALE", "fr_FR"),
            ("ODOO_ALLOWED_COMPANIES", "3, 1,3"),
        ]))
        .unwrap();
        assert_eq!(config.allowed_companies, [3, 1]);
        assert_eq!(config.url, "https://odoo.example.com");
        assert_eq!(config.api_version, ApiVersion::XmlRpc);
        assert_eq!(config.timeout, Duration::from_millis(2500));
        assert_eq!(config.connect_timeout, Duration::from_secs(1));
        assert_eq!(config.lang.as_deref(), Some("fr_FR"));
        assert_eq!(config.xmlrpc_secret().unwrap().expose(), "k3y");
    }

    #[test]
    fn defaults_and_refusals() {
        let config =
            Config::from_lookup(env(&[("ODOO_URL", "http://h"), ("ODOO_API_KEY", "k")])).unwrap();
        assert_eq!(config.api_version, ApiVersion::Auto);
        assert_eq!(config.timeout, DEFAULT_TIMEOUT);
        assert_eq!(config.connect_timeout, DEFAULT_CONNECT_TIMEOUT);

        let err = |pairs: &[(&str, &str)]| Config::from_lookup(env(pairs)).unwrap_err().to_string();
        assert!(err(&[]).contains("ODOO_URL"));
        assert!(err(&[("ODOO_URL", "ftp://x"), ("ODOO_API_KEY", "k")]).contains("http"));
        assert!(err(&[("ODOO_URL", "http://h")]).contains("ODOO_API_KEY"));
        assert!(config.allowed_companies.is_empty());
        for companies in ["main", "1;2", "0", "-3"] {
            let message = err(&[
                ("ODOO_URL", "http://h"),
                ("ODOO_API_KEY", "k"),
                ("ODOO_ALLOWED_COMPANIES", companies),
            ]);
            assert!(message.contains("ODOO_ALLOWED_COMPANIES"), "{message}");
        }
        assert!(
            err(&[
                ("ODOO_URL", "http://h"),
                ("ODOO_API_KEY", "k"),
                ("ODOO_API_VERSION", "soap")
            ])
            .contains("soap")
        );
        assert!(
            err(&[
                ("ODOO_URL", "http://h"),
                ("ODOO_API_KEY", "k"),
                ("ODOO_TIMEOUT", "-1")
            ])
            .contains("ODOO_TIMEOUT")
        );
        assert!(
            err(&[
                ("ODOO_URL", "http://h"),
                ("ODOO_API_KEY", "k"),
                ("ODOO_API_VERSION", "xmlrpc")
            ])
            .contains("ODOO_USER")
        );
    }

    #[test]
    fn secrets_never_print() {
        let config = Config::new("http://h")
            .api_key("sekrit-key")
            .password("sekrit-pw");
        let shown = format!("{config:?}");
        assert!(!shown.contains("sekrit"), "{shown}");
        assert_eq!(Secret::new("sekrit").to_string(), "***");
    }
}
