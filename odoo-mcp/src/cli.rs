//! Command line: every option also comes from the environment, named as the
//! Python server names it. The server is the default command; other
//! subcommands (e.g. `deploy`) can join [`Command`] later.

use clap::{Args, Parser, Subcommand};

use crate::settings::{
    HttpBind, Identity, IdentityCache, KeyStoreSettings, Limits, Settings, SettingsError,
    TransportKind, parse_allowlist,
};

#[derive(Debug, Parser)]
#[command(
    name = "odoo-mcp",
    version,
    about = "MCP server for Odoo: generic and typed per-model tools over stdio or streamable HTTP"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the MCP server (what `odoo-mcp` does with no subcommand).
    Serve,
    /// Write docker-compose.yml, a Caddyfile and a Dockerfile (or Kubernetes manifests) serving several Odoo instances.
    Deploy(DeployArgs),
    /// The oauth key store, for operators: who enrolled, and revoking a person's key (never shows keys).
    Identity {
        #[command(subcommand)]
        action: IdentityAction,
    },
}

/// `odoo-mcp identity …` (reads ODOO_MCP_KEY_STORE and its secret).
#[derive(Debug, Clone, Subcommand)]
pub enum IdentityAction {
    /// Every enrolled subject with its Odoo login and uid.
    List,
    /// Forgets a subject's Odoo key: their next call asks them to enroll again.
    Revoke {
        /// The OAuth subject (`sub`), as `identity list` shows it.
        subject: String,
    },
    /// Re-seals every stored key under a new secret, all or nothing. Stop the servers first and
    /// start them again with the new ODOO_MCP_KEY_STORE_SECRET.
    RotateSecret(NewSecret),
}

/// The secret `identity rotate-secret` moves the key store to.
#[derive(Debug, Clone, Args)]
pub struct NewSecret {
    /// At least 16 characters, e.g. `openssl rand -base64 32`.
    #[arg(long, env = "ODOO_MCP_KEY_STORE_NEW_SECRET", hide_env_values = true)]
    pub new_secret: Option<String>,
    /// A file holding the new secret (a mounted secret).
    #[arg(long, env = "ODOO_MCP_KEY_STORE_NEW_SECRET_FILE")]
    pub new_secret_file: Option<std::path::PathBuf>,
}

impl NewSecret {
    pub fn secret(&self) -> Result<odoo_client::Secret, SettingsError> {
        secret_from(
            &self.new_secret,
            &self.new_secret_file,
            "ODOO_MCP_KEY_STORE_NEW_SECRET",
        )?
        .map(odoo_client::Secret::new)
        .ok_or_else(|| {
            SettingsError::Conflict(
                "identity rotate-secret needs the new secret: set ODOO_MCP_KEY_STORE_NEW_SECRET or ODOO_MCP_KEY_STORE_NEW_SECRET_FILE (or --new-secret-file)".into(),
            )
        })
    }
}

/// A secret given as `NAME` or read from the file of `NAME_FILE`; not both.
fn secret_from(
    given: &Option<String>,
    file: &Option<std::path::PathBuf>,
    name: &str,
) -> Result<Option<String>, SettingsError> {
    match (given.as_ref().filter(|v| !v.is_empty()), file) {
        (Some(_), Some(_)) => Err(SettingsError::Conflict(format!(
            "set {name} or {name}_FILE, not both"
        ))),
        (Some(secret), None) => Ok(Some(secret.clone())),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map(|text| Some(text.trim_end_matches(['\n', '\r']).to_string()))
            .map_err(|e| {
                SettingsError::Conflict(format!(
                    "{name}_FILE {} cannot be read: {e}",
                    path.display()
                ))
            }),
        (None, None) => Ok(None),
    }
}

/// Options of `odoo-mcp deploy`.
#[derive(Debug, Clone, Args)]
pub struct DeployArgs {
    /// The instances file (see deploy/instances.example.yml).
    #[arg(long, value_name = "FILE")]
    pub instances: std::path::PathBuf,
    /// Directory the files are written to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
    /// Docker build context: the workspace root holding the sources.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub context: std::path::PathBuf,
    /// What to write: compose (one host) or kubernetes (one kustomization per instance).
    #[arg(long, value_enum, default_value_t)]
    pub target: crate::deploy::Target,
    /// Image the servers run, replacing the instances file's; Kubernetes needs a pinned tag.
    #[arg(long, value_name = "IMAGE")]
    pub image: Option<String>,
}

/// Options of the server. Secrets hide their environment values from `--help`.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// Odoo base URL, e.g. https://odoo.example.com
    #[arg(long, env = "ODOO_URL", global = true)]
    pub url: Option<String>,
    /// Database name (optional on single-database servers over JSON/2).
    #[arg(long, env = "ODOO_DB", global = true)]
    pub db: Option<String>,
    /// Login (needed by XML-RPC).
    #[arg(long, env = "ODOO_USER", global = true)]
    pub user: Option<String>,
    /// API key (preferred over a password). Prefer the environment variable to the flag.
    #[arg(long, env = "ODOO_API_KEY", hide_env_values = true, global = true)]
    pub api_key: Option<String>,
    /// Password, for XML-RPC when no API key is given.
    #[arg(long, env = "ODOO_PASSWORD", hide_env_values = true, global = true)]
    pub password: Option<String>,
    /// Odoo API: json2, xmlrpc or auto.
    #[arg(long, env = "ODOO_API_VERSION", global = true)]
    pub api_version: Option<String>,
    /// Alias of --api-version, as the Python server names it.
    #[arg(long, env = "ODOO_RPC_TRANSPORT", hide = true, global = true)]
    pub rpc_transport: Option<String>,
    /// Language sent to Odoo as context.lang, e.g. fr_FR.
    #[arg(long, env = "ODOO_LOCALE", global = true)]
    pub locale: Option<String>,
    /// Whole-request timeout to Odoo, in seconds.
    #[arg(long, env = "ODOO_TIMEOUT", global = true)]
    pub timeout: Option<String>,
    /// Connect timeout to Odoo, in seconds.
    #[arg(long, env = "ODOO_CONNECT_TIMEOUT", global = true)]
    pub connect_timeout: Option<String>,
    /// Access level: false (generated models and allowlist), read (every model, no writes), true (every model).
    #[arg(long, env = "ODOO_YOLO", global = true)]
    pub yolo: Option<String>,
    /// Records returned when a search gives no limit.
    #[arg(long, env = "ODOO_MCP_DEFAULT_LIMIT", global = true)]
    pub default_limit: Option<String>,
    /// Largest limit a search may ask; larger ones are clamped.
    #[arg(long, env = "ODOO_MCP_MAX_LIMIT", global = true)]
    pub max_limit: Option<String>,
    /// Extra models the generic tools may reach, comma-separated (e.g. sale.order,res.country).
    #[arg(long, env = "ODOO_MCP_MODELS", global = true)]
    pub models: Option<String>,
    /// MCP transport: stdio or streamable-http.
    #[arg(long, env = "ODOO_MCP_TRANSPORT", global = true)]
    pub transport: Option<String>,
    /// Address the streamable-http transport binds.
    #[arg(long, env = "ODOO_MCP_HOST", global = true)]
    pub host: Option<String>,
    /// Serve streamable HTTP without sessions (true/false), for replicas behind a load balancer.
    #[arg(long, env = "ODOO_MCP_STATELESS", global = true)]
    pub stateless: Option<String>,
    /// Port the streamable-http transport binds (0 picks a free one).
    #[arg(long, env = "ODOO_MCP_PORT", global = true)]
    pub port: Option<String>,
    /// Offer call_model_method (true/false); also needs ODOO_YOLO=true.
    #[arg(long, env = "ODOO_MCP_ENABLE_METHOD_CALLS", global = true)]
    pub enable_method_calls: Option<String>,
    /// Typed tools per generated model: all, read (search,get,aggregate), none, or a list of search,get,aggregate,create,update,delete (default search).
    #[arg(long, env = "ODOO_MCP_TYPED_TOOLS", global = true)]
    pub typed_tools: Option<String>,
    /// Generated models that get typed tools: default (odoo-codegen.toml's default_models), all, or a comma-separated list such as res.partner,sale.order.
    #[arg(long, env = "ODOO_MCP_TYPED_MODELS", global = true)]
    pub typed_models: Option<String>,
    /// Listed schema detail: compact (default) or full. Calls are checked against the full schemas either way.
    #[arg(long, env = "ODOO_MCP_SCHEMA_DETAIL", global = true)]
    pub schema_detail: Option<String>,
    /// Confirm deletes, update_records and call_model_method through elicitation: off (default), ask or require.
    #[arg(long, env = "ODOO_MCP_CONFIRM", global = true)]
    pub confirm: Option<String>,
    /// Largest attachment uploaded or returned, in bytes (default 10485760, 10 MiB).
    #[arg(long, env = "ODOO_MCP_MAX_BINARY_SIZE", global = true)]
    pub max_binary_size: Option<String>,
    /// Append one JSON line per write-tool call to this file (who, tool, model, ids, outcome).
    #[arg(long, env = "ODOO_MCP_AUDIT_LOG", global = true)]
    pub audit_log: Option<std::path::PathBuf>,
    /// Odoo's address as users open it in a browser, for the record links in answers (default ODOO_URL).
    #[arg(long, env = "ODOO_MCP_PUBLIC_ODOO_URL", global = true)]
    pub public_odoo_url: Option<String>,
    /// Companies every call acts in on a multi-company database: ids, the first one current (default: the user's setting).
    #[arg(long, env = "ODOO_ALLOWED_COMPANIES", global = true)]
    pub allowed_companies: Option<String>,
    /// Whose Odoo account calls use: service (ODOO_API_KEY, default), odoo-key (each HTTP request brings its caller's own key) or oauth.
    #[arg(long, env = "ODOO_MCP_IDENTITY", global = true)]
    pub identity: Option<String>,
    /// Seconds Odoo's answer to "whose key is this" is reused with odoo-key (default 60): a revoked key stops working within it.
    #[arg(long, env = "ODOO_MCP_IDENTITY_TTL", global = true)]
    pub identity_ttl: Option<String>,
    /// Most people whose caches are kept with odoo-key (default 200); the least recently seen are forgotten first.
    #[arg(long, env = "ODOO_MCP_IDENTITY_MAX_USERS", global = true)]
    pub identity_max_users: Option<String>,
    /// With oauth: the database of people's Odoo keys, sqlite://PATH (one replica; default sqlite://odoo-mcp-keys.db) or postgres://… (several).
    #[arg(
        long,
        env = "ODOO_MCP_KEY_STORE",
        global = true,
        hide_env_values = true
    )]
    pub key_store: Option<String>,
    /// With oauth: the secret the stored keys are encrypted with (at least 16 characters).
    #[arg(
        long,
        env = "ODOO_MCP_KEY_STORE_SECRET",
        global = true,
        hide_env_values = true
    )]
    pub key_store_secret: Option<String>,
    /// With oauth: a file holding that secret (e.g. a mounted Kubernetes secret).
    #[arg(long, env = "ODOO_MCP_KEY_STORE_SECRET_FILE", global = true)]
    pub key_store_secret_file: Option<std::path::PathBuf>,
}

impl ServeArgs {
    /// Validates everything, without any request to Odoo.
    pub fn resolve(&self) -> Result<(odoo_client::Config, Settings), SettingsError> {
        let settings = self.settings()?;
        let odoo = self.odoo_config(settings.identity)?;
        check_identity(&settings)?;
        check_companies(&settings, &odoo)?;
        Ok((odoo, settings))
    }

    /// The connection to Odoo: the `ODOO_*` options, read as the client reads
    /// its environment.
    fn odoo_config(&self, identity: Identity) -> Result<odoo_client::Config, SettingsError> {
        let lookup = |name: &str| -> Option<String> {
            match name {
                "ODOO_URL" => self.url.clone(),
                "ODOO_DB" => self.db.clone(),
                "ODOO_USER" => self.user.clone(),
                "ODOO_API_KEY" => self.api_key.clone(),
                "ODOO_PASSWORD" => self.password.clone(),
                "ODOO_API_VERSION" => self.api_version.clone(),
                "ODOO_RPC_TRANSPORT" => self.rpc_transport.clone(),
                "ODOO_LOCALE" => self.locale.clone(),
                "ODOO_ALLOWED_COMPANIES" => self.allowed_companies.clone(),
                "ODOO_TIMEOUT" => self.timeout.clone(),
                "ODOO_CONNECT_TIMEOUT" => self.connect_timeout.clone(),
                _ => None,
            }
        };
        let config = match identity {
            // Callers bring the credentials: the server's own are neither needed nor used.
            Identity::OdooKey | Identity::OAuth => {
                odoo_client::Config::from_lookup_without_credentials(lookup)
            }
            Identity::Service => odoo_client::Config::from_lookup(lookup),
        };
        config.map_err(|e| match e {
            odoo_client::Error::Config(message) => SettingsError::Odoo(message),
            other => SettingsError::Odoo(other.to_string()),
        })
    }

    /// The server's own settings (`ODOO_MCP_*`, `ODOO_YOLO`), each unset one
    /// at its default.
    fn settings(&self) -> Result<Settings, SettingsError> {
        let defaults = Settings::default();
        Ok(Settings {
            access: match &self.yolo {
                Some(v) => v.parse()?,
                None => defaults.access,
            },
            limits: Limits::new(
                parse_number(
                    "ODOO_MCP_DEFAULT_LIMIT",
                    self.default_limit.as_deref(),
                    defaults.limits.default,
                )?,
                parse_number(
                    "ODOO_MCP_MAX_LIMIT",
                    self.max_limit.as_deref(),
                    defaults.limits.max,
                )?,
            )?,
            allowlist: match &self.models {
                Some(v) => parse_allowlist(v)?,
                None => defaults.allowlist,
            },
            transport: match &self.transport {
                Some(v) => v.parse()?,
                None => defaults.transport,
            },
            http: HttpBind {
                host: self
                    .host
                    .clone()
                    .filter(|h| !h.trim().is_empty())
                    .unwrap_or(defaults.http.host),
                port: parse_number("ODOO_MCP_PORT", self.port.as_deref(), defaults.http.port)?,
                stateless: parse_flag(
                    "ODOO_MCP_STATELESS",
                    self.stateless.as_deref(),
                    defaults.http.stateless,
                )?,
            },
            fields_ttl: defaults.fields_ttl,
            enable_method_calls: parse_flag(
                "ODOO_MCP_ENABLE_METHOD_CALLS",
                self.enable_method_calls.as_deref(),
                defaults.enable_method_calls,
            )?,
            typed_tools: match &self.typed_tools {
                Some(v) => v.parse()?,
                None => defaults.typed_tools,
            },
            typed_models: match &self.typed_models {
                Some(v) => v.parse()?,
                None => defaults.typed_models,
            },
            schema_detail: match &self.schema_detail {
                Some(v) => v.parse()?,
                None => defaults.schema_detail,
            },
            confirm: match &self.confirm {
                Some(v) => v.parse()?,
                None => defaults.confirm,
            },
            max_binary_size: parse_number(
                "ODOO_MCP_MAX_BINARY_SIZE",
                self.max_binary_size.as_deref(),
                defaults.max_binary_size,
            )?,
            audit_log: self.audit_log.clone().filter(|p| !p.as_os_str().is_empty()),
            public_odoo_url: parse_public_url(self.public_odoo_url.as_deref())?,
            identity: match &self.identity {
                Some(v) => v.parse()?,
                None => defaults.identity,
            },
            identity_cache: self.identity_cache(defaults.identity_cache)?,
            key_store: self.key_store()?,
        })
    }
}

impl ServeArgs {
    /// `ODOO_MCP_IDENTITY_TTL` and `ODOO_MCP_IDENTITY_MAX_USERS`.
    fn identity_cache(&self, defaults: IdentityCache) -> Result<IdentityCache, SettingsError> {
        Ok(IdentityCache {
            ttl: std::time::Duration::from_secs(parse_number(
                "ODOO_MCP_IDENTITY_TTL",
                self.identity_ttl.as_deref(),
                defaults.ttl.as_secs(),
            )?),
            max_users: parse_number(
                "ODOO_MCP_IDENTITY_MAX_USERS",
                self.identity_max_users.as_deref(),
                defaults.max_users,
            )?
            .max(1),
        })
    }
}

impl ServeArgs {
    /// `ODOO_MCP_KEY_STORE` and its secret, given or read from `_SECRET_FILE`.
    pub fn key_store(&self) -> Result<KeyStoreSettings, SettingsError> {
        let url = self
            .key_store
            .clone()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| KeyStoreSettings::default().url);
        let secret = secret_from(
            &self.key_store_secret,
            &self.key_store_secret_file,
            "ODOO_MCP_KEY_STORE_SECRET",
        )?;
        Ok(KeyStoreSettings {
            url: url.trim().to_string(),
            secret: secret.map(odoo_client::Secret::new),
        })
    }
}

/// The identity modes each transport can serve.
fn check_identity(settings: &Settings) -> Result<(), SettingsError> {
    match (settings.identity, settings.transport) {
        (Identity::OdooKey, TransportKind::Stdio) => Err(SettingsError::Conflict(
            "ODOO_MCP_IDENTITY=odoo-key needs ODOO_MCP_TRANSPORT=streamable-http: each HTTP request carries its caller's Odoo API key, and stdio has no requests to carry one; on stdio use the default service identity with ODOO_API_KEY".into(),
        )),
        (Identity::OAuth, TransportKind::Stdio) => Err(SettingsError::Conflict(
            "ODOO_MCP_IDENTITY=oauth needs ODOO_MCP_TRANSPORT=streamable-http with OAuth (OAUTH_ISSUER_URL): each request's token names the person; on stdio use the default service identity".into(),
        )),
        _ => Ok(()),
    }
}

/// `ODOO_ALLOWED_COMPANIES` names the service user's companies: with each
/// caller's own key they would be forced on people who may not be in them.
fn check_companies(settings: &Settings, odoo: &odoo_client::Config) -> Result<(), SettingsError> {
    if settings.identity != Identity::Service && !odoo.allowed_companies.is_empty() {
        return Err(SettingsError::Conflict(
            "ODOO_ALLOWED_COMPANIES sets the companies of the server's own Odoo user; with each caller's own identity every call acts in that person's companies (a call's `company` argument picks one of them): unset it".into(),
        ));
    }
    Ok(())
}

/// `ODOO_MCP_PUBLIC_ODOO_URL`: an http(s) address, kept without its trailing slash.
fn parse_public_url(raw: Option<&str>) -> Result<Option<String>, SettingsError> {
    let Some(url) = raw.map(str::trim).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(Some(url.trim_end_matches('/').to_string()))
        }
        _ => Err(SettingsError::Invalid {
            name: "ODOO_MCP_PUBLIC_ODOO_URL",
            value: url.to_string(),
            expected: "an http(s) address such as https://odoo.example.com",
        }),
    }
}

fn parse_flag(
    name: &'static str,
    value: Option<&str>,
    default: bool,
) -> Result<bool, SettingsError> {
    match value.map(|v| v.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") => Ok(default),
        Some("true" | "1" | "yes") => Ok(true),
        Some("false" | "0" | "no") => Ok(false),
        Some(other) => Err(SettingsError::Invalid {
            name,
            value: other.to_string(),
            expected: "true or false",
        }),
    }
}

/// Parses a numeric option; the error names the environment variable.
fn parse_number<T: std::str::FromStr>(
    name: &'static str,
    value: Option<&str>,
    default: T,
) -> Result<T, SettingsError> {
    match value.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => text.parse().map_err(|_| SettingsError::Invalid {
            name,
            value: text.to_string(),
            expected: match name {
                "ODOO_MCP_PORT" => "a port number from 0 to 65535",
                "ODOO_MCP_MAX_BINARY_SIZE" => "a whole number of bytes",
                "ODOO_MCP_IDENTITY_TTL" => "a whole number of seconds",
                "ODOO_MCP_IDENTITY_MAX_USERS" => "a whole number of people",
                _ => "a whole number of records",
            },
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Access, TransportKind};

    fn args() -> ServeArgs {
        ServeArgs {
            url: Some("http://odoo.test".into()),
            api_key: Some("k3y".into()),
            ..ServeArgs::default()
        }
    }

    #[test]
    fn defaults() {
        let (odoo, settings) = args().resolve().unwrap();
        assert_eq!(odoo.url, "http://odoo.test");
        assert_eq!(settings.access, Access::Standard);
        assert_eq!(settings.limits, Limits::default());
        assert_eq!(settings.transport, TransportKind::Stdio);
        assert_eq!(settings.http, HttpBind::default());
    }

    #[test]
    fn rpc_transport_alias_and_errors() {
        let mut a = args();
        a.rpc_transport = Some("xmlrpc".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(err.contains("ODOO_USER"), "{err}");

        let mut a = args();
        a.url = None;
        assert!(a.resolve().unwrap_err().to_string().contains("ODOO_URL"));

        let mut a = args();
        a.transport = Some("sse".into());
        assert!(
            a.resolve()
                .unwrap_err()
                .to_string()
                .contains("ODOO_MCP_TRANSPORT")
        );
    }

    #[test]
    fn parses_subcommand_or_none() {
        let cli = Cli::try_parse_from(["odoo-mcp", "--yolo", "read"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.yolo.as_deref(), Some("read"));
        let cli = Cli::try_parse_from(["odoo-mcp", "serve", "--port", "9000"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Serve)));
        assert_eq!(cli.serve.port.as_deref(), Some("9000"));
        let mut serve = cli.serve;
        serve.url = Some("http://odoo.test".into());
        serve.api_key = Some("k".into());
        let (_, settings) = serve.resolve().unwrap();
        assert_eq!(settings.http.port, 9000);
    }

    #[test]
    fn numbers_name_their_variable() {
        let mut a = args();
        a.port = Some("eighty".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(
            err.contains("ODOO_MCP_PORT") && err.contains("eighty"),
            "{err}"
        );

        let mut a = args();
        a.max_limit = Some("-5".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(err.contains("ODOO_MCP_MAX_LIMIT"), "{err}");

        let mut a = args();
        a.default_limit = Some("50".into());
        a.max_limit = Some("20".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(err.contains("greater than ODOO_MCP_MAX_LIMIT"), "{err}");

        let mut a = args();
        a.default_limit = Some("5".into());
        a.max_limit = Some("20".into());
        a.models = Some("sale.order, res.country".into());
        a.yolo = Some("read".into());
        let (_, settings) = a.resolve().unwrap();
        assert_eq!(settings.limits, Limits::new(5, 20).unwrap());
        assert_eq!(settings.access, Access::ReadOnly);
        assert_eq!(settings.allowlist.len(), 2);
    }

    #[test]
    fn identity_modes() {
        let (_, settings) = args().resolve().unwrap();
        assert_eq!(settings.identity, Identity::Service);

        let mut a = args();
        a.identity = Some("odoo-key".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(
            err.contains("streamable-http") && err.contains("stdio"),
            "{err}"
        );

        // No server key needed: callers bring theirs.
        let mut a = args();
        a.api_key = None;
        a.identity = Some("odoo-key".into());
        a.transport = Some("streamable-http".into());
        a.identity_ttl = Some("5".into());
        let (odoo, settings) = a.resolve().unwrap();
        assert!(odoo.api_key.is_none());
        assert_eq!(settings.identity, Identity::OdooKey);
        assert_eq!(settings.identity_cache.ttl.as_secs(), 5);

        // oauth: no server key either; the store's settings come along.
        let mut a = args();
        a.api_key = None;
        a.identity = Some("oauth".into());
        a.transport = Some("streamable-http".into());
        a.key_store = Some("postgres://mcp:pw@db/keys".into());
        a.key_store_secret = Some("s3cret-s3cret-s3cret".into());
        let (odoo, settings) = a.resolve().unwrap();
        assert!(odoo.api_key.is_none());
        assert_eq!(settings.key_store.url, "postgres://mcp:pw@db/keys");
        assert!(!format!("{settings:?}").contains("s3cret"));
        let mut a = args();
        a.identity = Some("oauth".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(err.contains("streamable-http"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "from-a-file-0123456789\n").unwrap();
        let mut a = args();
        a.key_store_secret_file = Some(file.clone());
        let secret = a.key_store().unwrap().secret.unwrap();
        assert_eq!(secret.expose(), "from-a-file-0123456789");
        a.key_store_secret = Some("both".into());
        assert!(a.key_store().is_err(), "both a secret and a file");

        let mut a = args();
        a.api_key = None;
        let err = a.resolve().unwrap_err().to_string();
        assert!(err.contains("ODOO_API_KEY"), "{err}");

        // The service user's companies are not forced on every caller.
        let mut a = args();
        a.identity = Some("odoo-key".into());
        a.transport = Some("streamable-http".into());
        a.allowed_companies = Some("1".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(err.contains("ODOO_ALLOWED_COMPANIES"), "{err}");
    }

    #[test]
    fn binary_size_and_audit_log() {
        let (_, settings) = args().resolve().unwrap();
        assert_eq!(settings.max_binary_size, 10 * 1024 * 1024);
        assert_eq!(settings.audit_log, None);

        let mut a = args();
        a.max_binary_size = Some("2048".into());
        a.audit_log = Some("/var/log/odoo-mcp/audit.jsonl".into());
        let (_, settings) = a.resolve().unwrap();
        assert_eq!(settings.max_binary_size, 2048);
        assert_eq!(
            settings.audit_log.as_deref(),
            Some(std::path::Path::new("/var/log/odoo-mcp/audit.jsonl"))
        );

        let mut a = args();
        a.max_binary_size = Some("10MB".into());
        let err = a.resolve().unwrap_err().to_string();
        assert!(
            err.contains("ODOO_MCP_MAX_BINARY_SIZE") && err.contains("bytes"),
            "{err}"
        );
    }
}
