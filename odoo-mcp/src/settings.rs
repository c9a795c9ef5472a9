//! What the server needs to run, validated once at start-up.

use std::collections::BTreeSet;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

/// How far the tools may reach (`ODOO_YOLO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Access {
    /// `false` (default): only the generated models and the `ODOO_MCP_MODELS` allowlist, read and write.
    #[default]
    Standard,
    /// `read`: every model, reads only; write tools are neither listed nor callable.
    ReadOnly,
    /// `true`: the generic tools reach every model, reads and writes.
    Full,
}

impl Access {
    pub fn allows_writes(self) -> bool {
        !matches!(self, Access::ReadOnly)
    }

    /// Whether a model outside the generated table and the allowlist is reachable.
    pub fn reaches_any_model(self) -> bool {
        !matches!(self, Access::Standard)
    }
}

impl std::str::FromStr for Access {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "false" | "off" | "no" | "0" => Ok(Access::Standard),
            "read" | "readonly" | "read-only" | "read_only" => Ok(Access::ReadOnly),
            "true" | "on" | "yes" | "1" => Ok(Access::Full),
            _ => Err(SettingsError::Invalid {
                name: "ODOO_YOLO",
                value: s.to_string(),
                expected: "false, read or true",
            }),
        }
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Standard => "false",
            Access::ReadOnly => "read",
            Access::Full => "true",
        })
    }
}

/// Which MCP transport to serve (`ODOO_MCP_TRANSPORT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TransportKind {
    #[default]
    Stdio,
    StreamableHttp,
}

impl std::str::FromStr for TransportKind {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "stdio" => Ok(TransportKind::Stdio),
            "streamable-http" | "streamable_http" | "http" => Ok(TransportKind::StreamableHttp),
            _ => Err(SettingsError::Invalid {
                name: "ODOO_MCP_TRANSPORT",
                value: s.to_string(),
                expected: "stdio or streamable-http",
            }),
        }
    }
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Stdio => "stdio",
            TransportKind::StreamableHttp => "streamable-http",
        })
    }
}

/// Whose Odoo account a call uses (`ODOO_MCP_IDENTITY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Identity {
    /// The server's own credentials (`ODOO_API_KEY`): one Odoo user for everyone.
    #[default]
    Service,
    /// Streamable HTTP only: each request carries its caller's own Odoo API key
    /// (`Authorization: Bearer <key>` on Odoo 19+, `Basic login:key` below).
    OdooKey,
    /// The OAuth subject's own Odoo key, kept by the server (not yet available).
    OAuth,
}

impl std::str::FromStr for Identity {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "service" => Ok(Self::Service),
            "odoo-key" | "odoo_key" | "odookey" => Ok(Self::OdooKey),
            "oauth" => Ok(Self::OAuth),
            _ => Err(SettingsError::Invalid {
                name: "ODOO_MCP_IDENTITY",
                value: s.to_string(),
                expected: "service, odoo-key or oauth",
            }),
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Service => "service",
            Self::OdooKey => "odoo-key",
            Self::OAuth => "oauth",
        })
    }
}

/// How callers' identities are checked and how much the server keeps per person
/// (`ODOO_MCP_IDENTITY_TTL`, `ODOO_MCP_IDENTITY_MAX_USERS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdentityCache {
    /// How long Odoo's answer to "whose key is this" is reused: a revoked key
    /// stops working within it.
    pub ttl: Duration,
    /// Most people whose caches (fields, views, companies, model list) are kept;
    /// the least recently seen is forgotten first.
    pub max_users: usize,
}

impl Default for IdentityCache {
    fn default() -> Self {
        Self {
            ttl: Duration::from_secs(60),
            max_users: 200,
        }
    }
}

/// Search paging limits (`ODOO_MCP_DEFAULT_LIMIT`, `ODOO_MCP_MAX_LIMIT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub default: u64,
    pub max: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            default: 10,
            max: 100,
        }
    }
}

impl Limits {
    pub fn new(default: u64, max: u64) -> Result<Self, SettingsError> {
        if default == 0 || max == 0 {
            return Err(SettingsError::Invalid {
                name: "ODOO_MCP_DEFAULT_LIMIT/ODOO_MCP_MAX_LIMIT",
                value: format!("{default}/{max}"),
                expected: "limits of at least 1",
            });
        }
        if default > max {
            return Err(SettingsError::Conflict(format!(
                "ODOO_MCP_DEFAULT_LIMIT ({default}) is greater than ODOO_MCP_MAX_LIMIT ({max}): lower the default or raise the maximum"
            )));
        }
        Ok(Self { default, max })
    }
}

/// Where the streamable-http transport listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBind {
    pub host: String,
    pub port: u16,
    /// No MCP sessions on the server (`ODOO_MCP_STATELESS`): every request stands
    /// alone, so replicas behind a load balancer need no sticky routing.
    pub stateless: bool,
}

impl Default for HttpBind {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".into(),
            port: 8000,
            stateless: false,
        }
    }
}

impl HttpBind {
    pub fn is_loopback(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .trim_matches(|c| c == '[' || c == ']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    }
}

/// Everything the server needs besides the Odoo connection settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub access: Access,
    pub limits: Limits,
    /// Extra models the generic tools may reach in [`Access::Standard`] (`ODOO_MCP_MODELS`).
    pub allowlist: BTreeSet<String>,
    pub transport: TransportKind,
    pub http: HttpBind,
    /// How long a model's `fields_get` answer is reused.
    pub fields_ttl: Duration,
    /// `call_model_method` is offered (`ODOO_MCP_ENABLE_METHOD_CALLS`, and only with `ODOO_YOLO=true`).
    pub enable_method_calls: bool,
    /// Which typed per-model tools exist (`ODOO_MCP_TYPED_TOOLS`).
    pub typed_tools: TypedTools,
    /// Which generated models get typed tools (`ODOO_MCP_TYPED_MODELS`).
    pub typed_models: TypedModels,
    /// How much of the generated schemas `tools/list` carries (`ODOO_MCP_SCHEMA_DETAIL`).
    pub schema_detail: SchemaDetail,
    /// Whether destructive calls are confirmed through elicitation (`ODOO_MCP_CONFIRM`).
    pub confirm: Confirm,
    /// Largest attachment, in decoded bytes, uploaded or returned (`ODOO_MCP_MAX_BINARY_SIZE`).
    pub max_binary_size: u64,
    /// File that gets one JSON line per write-tool call (`ODOO_MCP_AUDIT_LOG`).
    pub audit_log: Option<std::path::PathBuf>,
    /// Where users open Odoo in a browser, when not at `ODOO_URL`
    /// (`ODOO_MCP_PUBLIC_ODOO_URL`): the base of the record links in answers.
    pub public_odoo_url: Option<String>,
    /// Whose Odoo account calls use (`ODOO_MCP_IDENTITY`).
    pub identity: Identity,
    pub identity_cache: IdentityCache,
    /// Where oauth mode keeps each person's Odoo key (`ODOO_MCP_KEY_STORE`, `_SECRET`).
    pub key_store: KeyStoreSettings,
}

/// The oauth key store: its database and the secret its data key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStoreSettings {
    /// `sqlite://path` (one replica) or `postgres://…` (several).
    pub url: String,
    /// `ODOO_MCP_KEY_STORE_SECRET`, or the content of `ODOO_MCP_KEY_STORE_SECRET_FILE`.
    pub secret: Option<odoo_client::Secret>,
}

/// Default of [`KeyStoreSettings::url`]: a file beside the working directory.
pub const DEFAULT_KEY_STORE: &str = "sqlite://odoo-mcp-keys.db";

impl Default for KeyStoreSettings {
    fn default() -> Self {
        Self {
            url: DEFAULT_KEY_STORE.to_string(),
            secret: None,
        }
    }
}

/// Default of [`Settings::max_binary_size`]: 10 MiB.
pub const DEFAULT_MAX_BINARY_SIZE: u64 = 10 * 1024 * 1024;

impl Default for Settings {
    fn default() -> Self {
        Self {
            access: Access::default(),
            limits: Limits::default(),
            allowlist: BTreeSet::new(),
            transport: TransportKind::default(),
            http: HttpBind::default(),
            fields_ttl: Duration::from_secs(300),
            enable_method_calls: false,
            typed_tools: TypedTools::default(),
            typed_models: TypedModels::default(),
            schema_detail: SchemaDetail::default(),
            confirm: Confirm::default(),
            max_binary_size: DEFAULT_MAX_BINARY_SIZE,
            audit_log: None,
            public_odoo_url: None,
            identity: Identity::default(),
            identity_cache: IdentityCache::default(),
            key_store: KeyStoreSettings::default(),
        }
    }
}

/// Which typed tools each generated model gets (`ODOO_MCP_TYPED_TOOLS`): a
/// comma-separated list of `search`, `get`, `aggregate`, `create`, `update`,
/// `delete`, `action`, or `all`, `read` (search,get,aggregate), `none`. The
/// default, `search`, lists each model's field names once (the `fields` enum)
/// and leaves get, writes and buttons to the generic tools, which take the same
/// arguments plus `model`: with the 13 curated models `tools/list` stays under
/// 50 KB (search,get is about 60 KB, search,action about 55 KB; the aggregate
/// tools add about 40 KB, so read is about 100 KB and all about 152 KB, even compacted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypedTools {
    pub search: bool,
    pub get: bool,
    /// `<prefix>_aggregate`: aggregate_records with the model's groupable and numeric fields as enums.
    pub aggregate: bool,
    pub create: bool,
    pub update: bool,
    pub delete: bool,
    /// `<prefix>_action`: press_button with the model's form buttons as an enum.
    pub action: bool,
}

impl TypedTools {
    pub const ALL: Self = Self {
        search: true,
        get: true,
        aggregate: true,
        create: true,
        update: true,
        delete: true,
        action: true,
    };
    pub const NONE: Self = Self {
        search: false,
        get: false,
        aggregate: false,
        create: false,
        update: false,
        delete: false,
        action: false,
    };
}

impl Default for TypedTools {
    fn default() -> Self {
        Self {
            search: true,
            ..Self::NONE
        }
    }
}

impl std::str::FromStr for TypedTools {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || SettingsError::Invalid {
            name: "ODOO_MCP_TYPED_TOOLS",
            value: s.to_string(),
            expected: "all, read, none, or a comma-separated list of search, get, aggregate, create, update, delete, action",
        };
        let mut tools = Self::NONE;
        let mut any = false;
        for word in s.split(',').map(|w| w.trim().to_ascii_lowercase()) {
            match word.as_str() {
                "" => continue,
                "all" => tools = Self::ALL,
                "read" => {
                    tools.search = true;
                    tools.get = true;
                    tools.aggregate = true;
                }
                "none" => {}
                "search" => tools.search = true,
                "get" => tools.get = true,
                "aggregate" => tools.aggregate = true,
                "create" => tools.create = true,
                "update" => tools.update = true,
                "delete" => tools.delete = true,
                "action" => tools.action = true,
                _ => return Err(invalid()),
            }
            any = true;
        }
        if any { Ok(tools) } else { Err(invalid()) }
    }
}

/// How much of the generated schemas is listed (`ODOO_MCP_SCHEMA_DETAIL`).
/// Calls are checked against the full schemas either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SchemaDetail {
    /// Types, enums, required fields and short labels; no help texts.
    #[default]
    Compact,
    /// Every description, and the read struct in output schemas.
    Full,
}

impl std::str::FromStr for SchemaDetail {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "compact" => Ok(Self::Compact),
            "full" => Ok(Self::Full),
            _ => Err(SettingsError::Invalid {
                name: "ODOO_MCP_SCHEMA_DETAIL",
                value: s.to_string(),
                expected: "compact or full",
            }),
        }
    }
}

/// Confirmation of destructive calls (deletes, `update_records`, `call_model_method`)
/// through MCP elicitation (`ODOO_MCP_CONFIRM`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Confirm {
    /// Never ask.
    #[default]
    Off,
    /// Ask clients that support elicitation; others proceed unasked.
    Ask,
    /// Ask; clients without elicitation are refused.
    Require,
}

impl std::str::FromStr for Confirm {
    type Err = SettingsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "off" | "false" | "no" => Ok(Self::Off),
            "ask" => Ok(Self::Ask),
            "require" | "required" => Ok(Self::Require),
            _ => Err(SettingsError::Invalid {
                name: "ODOO_MCP_CONFIRM",
                value: s.to_string(),
                expected: "off, ask or require",
            }),
        }
    }
}

/// Parses `ODOO_MCP_MODELS`: comma-separated technical model names.
pub fn parse_allowlist(raw: &str) -> Result<BTreeSet<String>, SettingsError> {
    parse_models("ODOO_MCP_MODELS", raw)
}

/// Which generated models get typed tools (`ODOO_MCP_TYPED_MODELS`): the
/// default build's models (`generated::DEFAULT_MODELS`, odoo-codegen.toml's
/// `default_models`), every generated one (`all`), or the ones named. Generic
/// writes are checked against the generated types of every generated model
/// either way; listing hundreds of typed tools would overflow what clients take
/// (Cursor about 40, VS Code 128).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum TypedModels {
    #[default]
    Default,
    All,
    Only(BTreeSet<String>),
}

impl TypedModels {
    pub fn includes(&self, model: &str) -> bool {
        match self {
            Self::Default => generated::DEFAULT_MODELS.contains(&model),
            Self::All => true,
            Self::Only(models) => models.contains(model),
        }
    }

    /// Names that are not generated models, with close matches: a configuration error.
    pub fn check(&self, generated: &[&str]) -> Result<(), SettingsError> {
        let Self::Only(models) = self else {
            return Ok(());
        };
        match models.iter().find(|m| !generated.contains(&m.as_str())) {
            None => Ok(()),
            Some(unknown) => Err(SettingsError::Conflict(format!(
                "ODOO_MCP_TYPED_MODELS names {unknown}, which has no generated code{}; generated models: {}",
                odoo_client::suggest::did_you_mean(&odoo_client::suggest::close_matches(
                    unknown,
                    generated.iter().copied(),
                    3
                )),
                generated.join(", ")
            ))),
        }
    }
}

impl std::str::FromStr for TypedModels {
    type Err = SettingsError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim() {
            "" | "default" => Ok(Self::Default),
            "all" => Ok(Self::All),
            list => Ok(Self::Only(parse_models("ODOO_MCP_TYPED_MODELS", list)?)),
        }
    }
}

fn parse_models(setting: &'static str, raw: &str) -> Result<BTreeSet<String>, SettingsError> {
    let mut models = BTreeSet::new();
    for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if !is_model_name(name) {
            return Err(SettingsError::Invalid {
                name: setting,
                value: name.to_string(),
                expected: "comma-separated technical model names such as res.partner,sale.order",
            });
        }
        models.insert(name.to_string());
    }
    Ok(models)
}

/// A technical model name: lowercase words joined by dots (`res.partner`, `x_custom`).
pub fn is_model_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_')
}

/// Invalid or conflicting settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    #[error("{name} has an invalid value {value:?}: expected {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("{0}")]
    Conflict(String),
    /// The Odoo connection settings (URL, credentials, API version).
    #[error("{0}")]
    Odoo(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_values() {
        assert_eq!("".parse::<Access>().unwrap(), Access::Standard);
        assert_eq!("False".parse::<Access>().unwrap(), Access::Standard);
        assert_eq!("read".parse::<Access>().unwrap(), Access::ReadOnly);
        assert_eq!("true".parse::<Access>().unwrap(), Access::Full);
        let err = "maybe".parse::<Access>().unwrap_err().to_string();
        assert!(err.contains("ODOO_YOLO") && err.contains("maybe"), "{err}");
    }

    #[test]
    fn limits_and_allowlist() {
        assert!(Limits::new(10, 100).is_ok());
        assert!(
            Limits::new(200, 100)
                .unwrap_err()
                .to_string()
                .contains("ODOO_MCP_MAX_LIMIT")
        );
        assert!(Limits::new(0, 100).is_err());
        let models = parse_allowlist(" sale.order, ,res.country ").unwrap();
        assert_eq!(
            models.into_iter().collect::<Vec<_>>(),
            ["res.country", "sale.order"]
        );
        assert!(parse_allowlist("Sale Order").is_err());
    }

    #[test]
    fn identity_values() {
        assert_eq!("".parse::<Identity>().unwrap(), Identity::Service);
        assert_eq!("Odoo-Key".parse::<Identity>().unwrap(), Identity::OdooKey);
        assert_eq!("oauth".parse::<Identity>().unwrap(), Identity::OAuth);
        let err = "user".parse::<Identity>().unwrap_err().to_string();
        assert!(
            err.contains("ODOO_MCP_IDENTITY") && err.contains("odoo-key"),
            "{err}"
        );
    }

    #[test]
    fn confirm_values() {
        assert_eq!("".parse::<Confirm>().unwrap(), Confirm::Off);
        assert_eq!("Ask".parse::<Confirm>().unwrap(), Confirm::Ask);
        assert_eq!("require".parse::<Confirm>().unwrap(), Confirm::Require);
        let err = "always".parse::<Confirm>().unwrap_err().to_string();
        assert!(
            err.contains("ODOO_MCP_CONFIRM") && err.contains("ask"),
            "{err}"
        );
    }

    #[test]
    fn loopback() {
        for host in ["127.0.0.1", "localhost", "::1", "[::1]"] {
            assert!(
                HttpBind {
                    host: host.into(),
                    port: 1,
                    stateless: false,
                }
                .is_loopback(),
                "{host}"
            );
        }
        assert!(
            !HttpBind {
                host: "0.0.0.0".into(),
                port: 1,
                stateless: false,
            }
            .is_loopback()
        );
    }
}
