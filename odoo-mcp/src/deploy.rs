//! `odoo-mcp deploy`: turns a list of Odoo instances into a `docker-compose.yml`
//! (one service per instance, replicas honoured, secrets from env files), a
//! `Caddyfile` (one site, `/<name>/*` load-balanced over that instance's
//! replicas) and a multi-stage `Dockerfile` for a small non-root image; or,
//! with [`Target::Kubernetes`], into Kubernetes manifests (see [`kubernetes`]).
//!
//! Everything is validated before anything is written, so bad input leaves the
//! output directory untouched.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

mod kubernetes;

/// Port every instance's server listens on inside its container.
pub const SERVICE_PORT: u16 = 8000;
/// The proxy's own service name, so no instance may take it.
const PROXY_SERVICE: &str = "caddy";

/// Why a deployment could not be generated. Line numbers are 1-based and
/// refer to the instances file.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What `odoo-mcp deploy` writes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// docker-compose.yml, Caddyfile and Dockerfile for one host.
    #[default]
    Compose,
    /// One kustomization per instance, and the Dockerfile.
    Kubernetes,
}

/// The instances file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deployment {
    /// Address Caddy serves: a host name (automatic HTTPS) or `:port`.
    #[serde(default = "default_site")]
    pub site: String,
    /// Image the services run; built from the generated Dockerfile.
    #[serde(default = "default_image")]
    pub image: String,
    /// Settings only `--target kubernetes` reads.
    #[serde(default)]
    pub kubernetes: KubernetesSettings,
    pub instances: Vec<Instance>,
}

/// The `kubernetes:` section of the instances file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KubernetesSettings {
    /// Namespace of every object; created by the operator, never by the manifests.
    #[serde(default = "default_namespace")]
    pub namespace: String,
    /// Host name of the Ingress; defaults to `site` when that is a host name.
    #[serde(default)]
    pub host: Option<String>,
    #[serde(default = "default_ingress_class")]
    pub ingress_class: String,
    /// Namespace of the ingress controller: the only one the NetworkPolicy lets in.
    #[serde(default = "default_ingress_namespace")]
    pub ingress_namespace: String,
    /// Existing TLS Secret for the host (e.g. made by cert-manager); none: plain HTTP.
    #[serde(default)]
    pub tls_secret: Option<String>,
}

impl Default for KubernetesSettings {
    fn default() -> Self {
        Self {
            namespace: default_namespace(),
            host: None,
            ingress_class: default_ingress_class(),
            ingress_namespace: default_ingress_namespace(),
            tls_secret: None,
        }
    }
}

/// One Odoo instance served under `/<name>/`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    pub odoo_url: String,
    #[serde(default)]
    pub db: Option<String>,
    #[serde(default)]
    pub api_version: ApiVersion,
    #[serde(default)]
    pub yolo: Yolo,
    /// File with the secrets (`ODOO_API_KEY`, …), relative to the instances file.
    pub env_file: PathBuf,
    #[serde(default = "one")]
    pub replicas: u32,
    /// Extra models the generic tools may reach (`ODOO_MCP_MODELS`).
    #[serde(default)]
    pub models: Vec<String>,
    /// Fixed `host:port` upstreams instead of the compose service's replicas,
    /// for running the servers without Docker.
    #[serde(default)]
    pub upstreams: Vec<String>,
    /// Autoscaling range on Kubernetes; defaults to `replicas` ..= 2 × `replicas`.
    #[serde(default)]
    pub min_replicas: Option<u32>,
    #[serde(default)]
    pub max_replicas: Option<u32>,
    /// `OAUTH_ISSUER_URL`: protects `/mcp` with OAuth (client id and secret stay secret).
    #[serde(default)]
    pub oauth_issuer_url: Option<String>,
    /// Whose Odoo account calls use (`ODOO_MCP_IDENTITY`): `service` (the env
    /// file's `ODOO_API_KEY`) or `odoo-key` (each request brings its caller's key;
    /// the env file needs no key).
    #[serde(default)]
    pub identity: Identity,
    /// With `identity: oauth`, where people's Odoo keys are kept: `sqlite` (a
    /// volume, one replica) or `postgres` (several; `ODOO_MCP_KEY_STORE` in the
    /// env file or Secret). The store's secret is always a secret.
    #[serde(default)]
    pub key_store: KeyStoreKind,
    /// Address ranges Odoo and the OAuth issuer live in, for the NetworkPolicy;
    /// none: their ports on any address.
    #[serde(default)]
    pub egress_cidrs: Vec<String>,
}

impl Instance {
    /// oauth with its keys in a SQLite file: one pod owns the volume.
    pub fn single_file_store(&self) -> bool {
        self.identity == Identity::Oauth && self.key_store == KeyStoreKind::Sqlite
    }

    /// The autoscaling range, `(min, max)`.
    pub fn replica_range(&self) -> (u32, u32) {
        if self.single_file_store() {
            return (1, 1);
        }
        let min = self.min_replicas.unwrap_or(self.replicas);
        let max = self
            .max_replicas
            .unwrap_or_else(|| (self.replicas * 2).min(MAX_REPLICAS));
        (min, max)
    }
}

/// Most replicas (or autoscaled pods) one instance may ask for.
const MAX_REPLICAS: u32 = 64;

#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ApiVersion {
    #[default]
    Auto,
    Json2,
    Xmlrpc,
}

impl ApiVersion {
    fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Json2 => "json2",
            Self::Xmlrpc => "xmlrpc",
        }
    }
}

/// `ODOO_MCP_IDENTITY` of an instance.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Identity {
    #[default]
    Service,
    OdooKey,
    Oauth,
}

impl Identity {
    fn as_str(self) -> &'static str {
        match self {
            Self::Service => "service",
            Self::OdooKey => "odoo-key",
            Self::Oauth => "oauth",
        }
    }
}

/// Where an oauth instance keeps people's Odoo keys.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStoreKind {
    #[default]
    Sqlite,
    Postgres,
}

/// Where the SQLite key store lives in the container (a volume).
pub(crate) const KEY_STORE_DIR: &str = "/var/lib/odoo-mcp";

/// `ODOO_YOLO`: YAML `false`/`true` or the string `read`.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(try_from = "YoloInput")]
pub enum Yolo {
    #[default]
    Off,
    Read,
    All,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum YoloInput {
    Flag(bool),
    Word(String),
}

impl TryFrom<YoloInput> for Yolo {
    type Error = String;
    fn try_from(input: YoloInput) -> Result<Self, String> {
        match input {
            YoloInput::Flag(false) => Ok(Self::Off),
            YoloInput::Flag(true) => Ok(Self::All),
            YoloInput::Word(word) => match word.to_ascii_lowercase().as_str() {
                "false" => Ok(Self::Off),
                "read" => Ok(Self::Read),
                "true" => Ok(Self::All),
                _ => Err(format!("yolo must be false, read or true, not {word:?}")),
            },
        }
    }
}

impl Yolo {
    fn as_str(self) -> &'static str {
        match self {
            Self::Off => "false",
            Self::Read => "read",
            Self::All => "true",
        }
    }
}

fn default_site() -> String {
    ":80".into()
}
fn default_image() -> String {
    "odoo-mcp:latest".into()
}
fn one() -> u32 {
    1
}
fn default_namespace() -> String {
    "odoo-mcp".into()
}
fn default_ingress_class() -> String {
    "nginx".into()
}
fn default_ingress_namespace() -> String {
    "ingress-nginx".into()
}

/// The generated files, in memory: paths relative to the output directory.
#[derive(Debug)]
pub struct Rendered {
    pub files: BTreeMap<PathBuf, String>,
}

/// What to generate besides the instances file.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub target: Target,
    /// Docker build context (the workspace root).
    pub context: &'a Path,
    /// Image that replaces the instances file's `image`.
    pub image: Option<&'a str>,
}

/// Reads and validates `instances`, then renders the files for `out`.
pub fn plan(instances: &Path, out: &Path, options: Options<'_>) -> Result<Rendered, DeployError> {
    let source = std::fs::read_to_string(instances).map_err(|source| DeployError::Read {
        path: instances.to_owned(),
        source,
    })?;
    let mut deployment = parse(&source, instances)?;
    if let Some(image) = options.image {
        deployment.image = image.to_owned();
    }
    let base = instances.parent().unwrap_or(Path::new("."));
    for (index, instance) in deployment.instances.iter().enumerate() {
        let env_file = base.join(&instance.env_file);
        if !env_file.is_file() {
            return Err(invalid(
                instances,
                instance_key_line(&source, index, "env_file"),
                format!(
                    "env_file {} of instance {:?} does not exist; create it with the instance's \
                     ODOO_API_KEY (and ODOO_USER/ODOO_PASSWORD for XML-RPC)",
                    env_file.display(),
                    instance.name
                ),
            ));
        }
    }
    let mut files = match options.target {
        Target::Compose => {
            check_compose(&deployment, &source, instances)?;
            let env_dir = relative_to(out, base);
            let build = BuildPaths {
                context: relative_to(out, options.context),
                dockerfile: relative_to(options.context, out).join("Dockerfile"),
            };
            BTreeMap::from([
                (
                    PathBuf::from("docker-compose.yml"),
                    render_compose(&deployment, &env_dir, &build),
                ),
                (PathBuf::from("Caddyfile"), render_caddyfile(&deployment)),
            ])
        }
        Target::Kubernetes => {
            kubernetes::check(&deployment, &source, instances, options.image.is_some())?;
            kubernetes::render(&deployment)
        }
    };
    files.insert(PathBuf::from("Dockerfile"), DOCKERFILE.to_owned());
    Ok(Rendered { files })
}

/// Parses and validates an instances file (`path` only names it in errors).
pub fn parse(source: &str, path: &Path) -> Result<Deployment, DeployError> {
    let deployment: Deployment = yaml_serde::from_str(source).map_err(|error| {
        let line = error.location().map(|location| location.line());
        // The location is already given as the line; drop yaml's own suffix.
        let message = error.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        invalid(path, line, message)
    })?;
    if deployment.instances.is_empty() {
        return Err(invalid(
            path,
            None,
            "no instances: list at least one under `instances:`".into(),
        ));
    }
    let mut seen = BTreeMap::new();
    for (index, instance) in deployment.instances.iter().enumerate() {
        let line = instance_key_line(source, index, "name");
        if let Err(why) = check_name(&instance.name) {
            return Err(invalid(
                path,
                line,
                format!("instance name {:?} {why}", instance.name),
            ));
        }
        if let Some(first) = seen.insert(instance.name.as_str(), line) {
            let first = first
                .map(|l| format!(" (first on line {l})"))
                .unwrap_or_default();
            return Err(invalid(
                path,
                line,
                format!("duplicate instance name {:?}{first}", instance.name),
            ));
        }
        check_instance(instance, index, source, path)?;
    }
    Ok(deployment)
}

/// One instance's addresses, replicas and autoscaling range, named by their line.
fn check_instance(
    instance: &Instance,
    index: usize,
    source: &str,
    path: &Path,
) -> Result<(), DeployError> {
    if !(instance.odoo_url.starts_with("http://") || instance.odoo_url.starts_with("https://")) {
        return Err(invalid(
            path,
            instance_key_line(source, index, "odoo_url"),
            format!(
                "odoo_url {:?} must start with http:// or https://",
                instance.odoo_url
            ),
        ));
    }
    if instance.replicas == 0 || instance.replicas > MAX_REPLICAS {
        return Err(invalid(
            path,
            instance_key_line(source, index, "replicas"),
            format!(
                "replicas must be between 1 and {MAX_REPLICAS}, not {}",
                instance.replicas
            ),
        ));
    }
    // oauth on SQLite pins one replica: said in its own words first.
    check_identity(instance, source, index, path)?;
    let (min, max) = instance.replica_range();
    if min == 0 || max > MAX_REPLICAS || !(min..=max).contains(&instance.replicas) {
        // Point at the bound the file gives that leaves `replicas` out.
        let key = if instance.min_replicas.is_some() && !(1..=instance.replicas).contains(&min) {
            "min_replicas"
        } else if instance.max_replicas.is_some() {
            "max_replicas"
        } else {
            "replicas"
        };
        return Err(invalid(
            path,
            instance_key_line(source, index, key),
            format!(
                "replicas {} is outside the autoscaling range min_replicas {min} ..= \
                 max_replicas {max} (both between 1 and {MAX_REPLICAS})",
                instance.replicas
            ),
        ));
    }
    if let Some(issuer) = &instance.oauth_issuer_url
        && !(issuer.starts_with("http://") || issuer.starts_with("https://"))
    {
        return Err(invalid(
            path,
            instance_key_line(source, index, "oauth_issuer_url"),
            format!("oauth_issuer_url {issuer:?} must start with http:// or https://"),
        ));
    }
    for cidr in &instance.egress_cidrs {
        if !is_cidr(cidr) {
            return Err(invalid(
                path,
                instance_key_line(source, index, "egress_cidrs"),
                format!("egress_cidrs: {cidr:?} is not an address range like 10.0.0.0/8"),
            ));
        }
    }
    Ok(())
}

/// The identity modes the servers can run.
fn check_identity(
    instance: &Instance,
    source: &str,
    index: usize,
    path: &Path,
) -> Result<(), DeployError> {
    let several = instance.replicas > 1 || instance.max_replicas.is_some_and(|m| m > 1);
    let problem = match instance.identity {
        Identity::Service => return Ok(()),
        Identity::Oauth if instance.oauth_issuer_url.is_none() => {
            "identity oauth maps each OAuth subject to that person's Odoo key: set oauth_issuer_url"
        }
        Identity::Oauth if instance.single_file_store() && several => {
            "identity oauth with key_store sqlite keeps people's keys in one replica's file: set replicas: 1 (and no max_replicas above 1), or key_store: postgres with ODOO_MCP_KEY_STORE in the env file"
        }
        Identity::Oauth => return Ok(()),
        Identity::OdooKey if instance.oauth_issuer_url.is_some() => {
            "identity odoo-key takes each caller's Odoo key in the Authorization header, where OAuth would put its token: drop oauth_issuer_url or use identity service"
        }
        Identity::OdooKey => return Ok(()),
    };
    Err(invalid(
        path,
        instance_key_line(source, index, "identity"),
        problem.into(),
    ))
}

/// Refuses what compose could render but the servers could not run.
fn check_compose(deployment: &Deployment, source: &str, path: &Path) -> Result<(), DeployError> {
    let oauth_without_address = (public_base(&deployment.site).is_none())
        .then(|| {
            deployment
                .instances
                .iter()
                .position(|i| i.oauth_issuer_url.is_some())
        })
        .flatten();
    match oauth_without_address {
        Some(index) => Err(invalid(
            path,
            instance_key_line(source, index, "oauth_issuer_url"),
            "OAuth needs the public address tokens are issued for: set `site` to a host name"
                .into(),
        )),
        None => Ok(()),
    }
}

/// `address/prefix`, IPv4 or IPv6.
fn is_cidr(text: &str) -> bool {
    let Some((address, prefix)) = text.split_once('/') else {
        return false;
    };
    let Ok(prefix) = prefix.parse::<u8>() else {
        return false;
    };
    match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => prefix <= 32,
        Ok(std::net::IpAddr::V6(_)) => prefix <= 128,
        Err(_) => false,
    }
}

/// Names become URL path segments and compose service names.
fn check_name(name: &str) -> Result<(), &'static str> {
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !starts_well
        || name.len() > 63
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    {
        return Err(
            "is not URL-safe: use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
        );
    }
    if name == PROXY_SERVICE {
        return Err("is reserved for the proxy service");
    }
    Ok(())
}

fn invalid(path: &Path, line: Option<usize>, message: String) -> DeployError {
    DeployError::Invalid {
        path: path.to_owned(),
        line,
        message,
    }
}

/// Line of `key:` in the `index`-th item under the top-level `instances:`, or
/// of the item's first line when it has no such key. Items are told apart by
/// the indentation of the first item's `- `, so nested lists do not count.
fn instance_key_line(source: &str, index: usize, key: &str) -> Option<usize> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines
        .iter()
        .position(|line| line.trim_end().starts_with("instances:"))?;
    let dash = |line: &str| {
        let body = line.trim_start();
        (body.starts_with("- ") || body == "-").then(|| line.len() - body.len())
    };
    let indent = lines[start + 1..].iter().find_map(|line| dash(line))?;
    let mut items = (start + 1..lines.len()).filter(|&n| dash(lines[n]) == Some(indent));
    let first = items.nth(index)?;
    let end = items.next().unwrap_or(lines.len());
    let found = (first..end).find(|&n| {
        let line = lines[n].trim_start();
        let line = if n == first {
            line.trim_start_matches('-').trim_start()
        } else {
            line
        };
        line.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(':'))
    });
    Some(found.unwrap_or(first) + 1)
}

/// Line of the top-level `key:`.
fn top_key_line(source: &str, key: &str) -> Option<usize> {
    source
        .lines()
        .position(|line| line.strip_prefix(key).is_some_and(|r| r.starts_with(':')))
        .map(|n| n + 1)
}

/// Line of `key:` inside the top-level `section:` block, else of `section:`.
fn section_key_line(source: &str, section: &str, key: &str) -> Option<usize> {
    let lines: Vec<&str> = source.lines().collect();
    let start = top_key_line(source, section)? - 1;
    let found = lines[start + 1..]
        .iter()
        .take_while(|line| line.is_empty() || line.starts_with([' ', '#']))
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
    Some(found.map_or(start, |n| start + 1 + n) + 1)
}

/// `target` as seen from `from` (both relative to the current directory or
/// both absolute), so the compose file can be moved together with its inputs.
fn relative_to(from: &Path, target: &Path) -> PathBuf {
    let absolute = |path: &Path| {
        std::path::absolute(path)
            .map(|p| normalize(&p))
            .unwrap_or_else(|_| path.to_owned())
    };
    let (from, target) = (absolute(from), absolute(target));
    let common = from
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut relative = PathBuf::new();
    for _ in from.components().skip(common) {
        relative.push("..");
    }
    for component in target.components().skip(common) {
        relative.push(component);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[derive(Serialize)]
struct Compose {
    name: &'static str,
    services: BTreeMap<String, Service>,
    volumes: BTreeMap<String, BTreeMap<(), ()>>,
}

#[derive(Serialize)]
struct Service {
    image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    build: Option<Build>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    env_file: Vec<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    environment: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ports: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deploy: Option<DeploySpec>,
    restart: &'static str,
    read_only: bool,
    cap_drop: Vec<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cap_add: Vec<&'static str>,
    security_opt: Vec<&'static str>,
}

#[derive(Serialize)]
struct Build {
    context: String,
    dockerfile: String,
}

#[derive(Serialize)]
struct DeploySpec {
    replicas: u32,
}

/// Paths of the Docker build: the context as seen from the output directory,
/// the Dockerfile as seen from the context.
struct BuildPaths {
    context: PathBuf,
    dockerfile: PathBuf,
}

fn render_compose(deployment: &Deployment, env_dir: &Path, build: &BuildPaths) -> String {
    let mut services = BTreeMap::new();
    let public_base = public_base(&deployment.site);
    for (index, instance) in deployment.instances.iter().enumerate() {
        // One service builds the image; the others reuse it.
        let builds = (index == 0).then_some(build);
        let service = instance_service(
            instance,
            &deployment.image,
            builds,
            env_dir,
            public_base.as_deref(),
        );
        services.insert(instance.name.clone(), service);
    }
    services.insert(PROXY_SERVICE.to_owned(), proxy_service(deployment));
    let compose = Compose {
        name: "odoo-mcp",
        services,
        volumes: ["caddy_data".to_owned(), "caddy_config".to_owned()]
            .into_iter()
            .chain(
                deployment
                    .instances
                    .iter()
                    .filter(|i| i.single_file_store())
                    .map(|i| format!("{}-keys", i.name)),
            )
            .map(|name| (name, BTreeMap::new()))
            .collect(),
    };
    let body = yaml_serde::to_string(&compose).expect("compose structure serializes");
    format!("{HEADER}{body}")
}

/// One instance's odoo-mcp service: stateless streamable HTTP behind the
/// proxy, its secrets from its env file; `build` for the one that builds the image.
fn instance_service(
    instance: &Instance,
    image: &str,
    build: Option<&BuildPaths>,
    env_dir: &Path,
    public_base: Option<&str>,
) -> Service {
    Service {
        image: image.to_owned(),
        build: build.map(|build| Build {
            context: slash_path(&build.context),
            dockerfile: slash_path(&build.dockerfile),
        }),
        env_file: vec![slash_path(&env_dir.join(&instance.env_file))],
        environment: plain_settings(instance, public_base),
        ports: Vec::new(),
        volumes: key_store_volume(instance).into_iter().collect(),
        depends_on: Vec::new(),
        deploy: Some(DeploySpec {
            replicas: instance.replicas,
        }),
        restart: "unless-stopped",
        read_only: true,
        cap_drop: vec!["ALL"],
        cap_add: Vec::new(),
        security_opt: vec!["no-new-privileges:true"],
    }
}

/// oauth with SQLite: the key store's named volume (`<name>-keys`).
fn key_store_volume(instance: &Instance) -> Option<String> {
    instance
        .single_file_store()
        .then(|| format!("{}-keys:{KEY_STORE_DIR}", instance.name))
}

/// The environment an instance's server gets besides its secrets, on either target.
fn plain_settings(
    instance: &Instance,
    public_base: Option<&str>,
) -> BTreeMap<&'static str, String> {
    let mut environment = BTreeMap::from([
        ("ODOO_URL", instance.odoo_url.clone()),
        ("ODOO_API_VERSION", instance.api_version.as_str().to_owned()),
        ("ODOO_YOLO", instance.yolo.as_str().to_owned()),
        ("ODOO_MCP_TRANSPORT", "streamable-http".to_owned()),
        ("ODOO_MCP_HOST", "0.0.0.0".to_owned()),
        ("ODOO_MCP_PORT", SERVICE_PORT.to_string()),
        // Replicas share no session state: any replica must answer any request.
        ("ODOO_MCP_STATELESS", "true".to_owned()),
    ]);
    if let Some(db) = &instance.db {
        environment.insert("ODOO_DB", db.clone());
    }
    if !instance.models.is_empty() {
        environment.insert("ODOO_MCP_MODELS", instance.models.join(","));
    }
    if let Some(base) = public_base {
        environment.insert("ODOO_MCP_PUBLIC_URL", format!("{base}/{}", instance.name));
    }
    if let Some(issuer) = &instance.oauth_issuer_url {
        environment.insert("OAUTH_ISSUER_URL", issuer.clone());
    }
    if instance.identity != Identity::Service {
        environment.insert("ODOO_MCP_IDENTITY", instance.identity.as_str().to_owned());
    }
    if instance.single_file_store() {
        environment.insert(
            "ODOO_MCP_KEY_STORE",
            format!("sqlite://{KEY_STORE_DIR}/keys.db"),
        );
    }
    environment
}

/// The Caddy service in front of every instance, the only one with ports.
fn proxy_service(deployment: &Deployment) -> Service {
    Service {
        image: "caddy:2-alpine".to_owned(),
        build: None,
        env_file: Vec::new(),
        environment: BTreeMap::new(),
        ports: proxy_ports(&deployment.site),
        volumes: vec![
            "./Caddyfile:/etc/caddy/Caddyfile:ro".to_owned(),
            "caddy_data:/data".to_owned(),
            "caddy_config:/config".to_owned(),
        ],
        depends_on: deployment
            .instances
            .iter()
            .map(|i| i.name.clone())
            .collect(),
        deploy: None,
        restart: "unless-stopped",
        read_only: true,
        cap_drop: vec!["ALL"],
        cap_add: vec!["NET_BIND_SERVICE"],
        security_opt: vec!["no-new-privileges:true"],
    }
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// `https://host` for a host-name site; `None` for a bare `:port` site.
fn public_base(site: &str) -> Option<String> {
    if site.starts_with(':') {
        return None;
    }
    if site.starts_with("http://") || site.starts_with("https://") {
        return Some(site.trim_end_matches('/').to_owned());
    }
    Some(format!("https://{}", site.trim_end_matches('/')))
}

fn proxy_ports(site: &str) -> Vec<String> {
    match site.rsplit_once(':') {
        Some((_, port)) if port.chars().all(|c| c.is_ascii_digit()) && !port.is_empty() => {
            vec![format!("{port}:{port}")]
        }
        _ => vec!["80:80".to_owned(), "443:443".to_owned()],
    }
}

const HEADER: &str = "# @generated by odoo-mcp deploy: edit the instances file and run it again.\n";

fn render_caddyfile(deployment: &Deployment) -> String {
    let mut out = String::from(HEADER);
    let names: Vec<&str> = deployment
        .instances
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    let _ = writeln!(out, "{} {{", deployment.site);
    for instance in &deployment.instances {
        let _ = writeln!(out, "\t# Odoo {}", instance.odoo_url);
        let _ = writeln!(out, "\thandle_path /{}/* {{", instance.name);
        out.push_str("\t\treverse_proxy {\n");
        if instance.upstreams.is_empty() {
            // Each compose replica is one A record of the service name.
            let _ = writeln!(
                out,
                "\t\t\tdynamic a {{\n\t\t\t\tname {}\n\t\t\t\tport {SERVICE_PORT}\n\t\t\t\trefresh 10s\n\t\t\t}}",
                instance.name
            );
        } else {
            let _ = writeln!(out, "\t\t\tto {}", instance.upstreams.join(" "));
            out.push_str(
                "\t\t\thealth_uri /health\n\t\t\thealth_interval 10s\n\t\t\thealth_timeout 5s\n",
            );
        }
        out.push_str(concat!(
            // Replicas are stateless: spreading requests evenly is safe.
            "\t\t\tlb_policy round_robin\n",
            "\t\t\tlb_try_duration 5s\n",
            "\t\t\tfail_duration 30s\n",
            "\t\t\tmax_fails 3\n",
            "\t\t\tunhealthy_status 502 503 504\n",
            // MCP answers may stream (SSE): pass bytes through at once.
            "\t\t\tflush_interval -1\n",
            "\t\t}\n",
            "\t}\n",
        ));
    }
    out.push_str("\thandle {\n");
    let _ = writeln!(
        out,
        "\t\trespond \"unknown Odoo instance; use /<instance>/mcp with one of: {}\" 404",
        names.join(", ")
    );
    out.push_str("\t}\n}\n");
    out
}

const DOCKERFILE: &str = r#"# @generated by odoo-mcp deploy: edit the instances file and run it again.
# Build from the workspace root: docker build -f <out>/Dockerfile -t odoo-mcp:latest .
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p odoo-mcp --bin odoo-mcp \
 && strip target/release/odoo-mcp

# glibc, CA certificates and a non-root user, nothing else.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/odoo-mcp /usr/local/bin/odoo-mcp
USER nonroot:nonroot
ENV ODOO_MCP_TRANSPORT=streamable-http ODOO_MCP_HOST=0.0.0.0 ODOO_MCP_PORT=8000
EXPOSE 8000
ENTRYPOINT ["/usr/local/bin/odoo-mcp"]
"#;

/// Writes the rendered files into `out` (created if missing). Each file is
/// written beside its final name and renamed over it, so a reader never sees
/// half a file.
pub fn write(rendered: &Rendered, out: &Path) -> Result<(), DeployError> {
    let fail = |path: &Path| {
        let path = path.to_owned();
        move |source| DeployError::Write { path, source }
    };
    for (relative, body) in &rendered.files {
        let target = out.join(relative);
        let dir = target.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).map_err(fail(dir))?;
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let staging = dir.join(format!(".{name}.tmp"));
        std::fs::write(&staging, body).map_err(fail(&staging))?;
        std::fs::rename(&staging, &target).map_err(fail(&target))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = "\
site: mcp.example.com
instances:
  - name: acme
    odoo_url: https://acme.odoo.com
    db: acme
    api_version: json2
    yolo: read
    env_file: acme.env
    replicas: 2
  - name: globex
    odoo_url: http://odoo.internal:8069
    yolo: false
    env_file: globex.env
";

    fn parse_err(source: &str) -> String {
        parse(source, Path::new("instances.yml"))
            .expect_err("should be refused")
            .to_string()
    }

    #[test]
    fn parses_the_example_with_defaults() {
        let deployment = parse(EXAMPLE, Path::new("instances.yml")).unwrap();
        assert_eq!(deployment.image, "odoo-mcp:latest");
        let globex = &deployment.instances[1];
        assert_eq!(globex.replicas, 1);
        assert!(matches!(globex.api_version, ApiVersion::Auto));
        assert!(matches!(globex.yolo, Yolo::Off));
        assert!(matches!(deployment.instances[0].yolo, Yolo::Read));
    }

    #[test]
    fn duplicate_names_name_both_lines() {
        let source = EXAMPLE.replace("name: globex", "name: acme");
        assert_eq!(
            parse_err(&source),
            "instances.yml line 10: duplicate instance name \"acme\" (first on line 3)"
        );
    }

    #[test]
    fn names_must_be_url_safe() {
        let source = EXAMPLE.replace("name: globex", "name: \"Glo bex/1\"");
        let message = parse_err(&source);
        assert!(
            message
                .starts_with("instances.yml line 10: instance name \"Glo bex/1\" is not URL-safe"),
            "{message}"
        );
        let source = EXAMPLE.replace("name: globex", "name: caddy");
        assert!(parse_err(&source).contains("reserved"));
    }

    #[test]
    fn unknown_keys_name_the_line() {
        let source = EXAMPLE.replace("    replicas: 2", "    replica: 2");
        let message = parse_err(&source);
        assert!(message.starts_with("instances.yml line 9: "), "{message}");
        assert!(message.contains("unknown field `replica`"), "{message}");
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(parse_err(&EXAMPLE.replace("yolo: read", "yolo: maybe")).contains("yolo must be"));
        assert!(
            parse_err(&EXAMPLE.replace("replicas: 2", "replicas: 0")).contains("line 9: replicas")
        );
        assert!(
            parse_err(&EXAMPLE.replace("https://acme.odoo.com", "acme.odoo.com"))
                .contains("line 4: odoo_url")
        );
        assert!(parse_err("instances: []\n").contains("no instances"));
    }

    #[test]
    fn missing_env_file_names_its_line_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let instances = dir.path().join("instances.yml");
        std::fs::write(&instances, EXAMPLE).unwrap();
        std::fs::write(dir.path().join("acme.env"), "ODOO_API_KEY=x\n").unwrap();
        let out = dir.path().join("out");
        let options = Options {
            target: Target::Compose,
            context: dir.path(),
            image: None,
        };
        let message = plan(&instances, &out, options).unwrap_err().to_string();
        assert!(message.contains("line 13: env_file"), "{message}");
        assert!(message.contains("globex.env"), "{message}");
        assert!(!out.exists());
    }

    #[test]
    fn renders_routes_per_instance() {
        let deployment = parse(EXAMPLE, Path::new("instances.yml")).unwrap();
        let caddyfile = render_caddyfile(&deployment);
        assert!(caddyfile.contains("mcp.example.com {"));
        assert!(caddyfile.contains("handle_path /acme/* {"));
        assert!(caddyfile.contains("name globex"));
        let build = BuildPaths {
            context: PathBuf::from("../.."),
            dockerfile: PathBuf::from("deploy/out/Dockerfile"),
        };
        let compose = render_compose(&deployment, Path::new(".."), &build);
        let parsed: yaml_serde::Value = yaml_serde::from_str(&compose).unwrap();
        let acme = &parsed["services"]["acme"];
        assert_eq!(acme["deploy"]["replicas"], 2);
        assert_eq!(acme["env_file"][0], "../acme.env");
        assert_eq!(
            acme["environment"]["ODOO_MCP_PUBLIC_URL"],
            "https://mcp.example.com/acme"
        );
        assert_eq!(acme["environment"]["ODOO_YOLO"], "read");
        assert!(acme["environment"].get("ODOO_API_KEY").is_none());
        assert_eq!(acme["build"]["dockerfile"], "deploy/out/Dockerfile");
        assert!(parsed["services"]["globex"].get("build").is_none());
        assert_eq!(parsed["services"]["caddy"]["depends_on"][1], "globex");
    }

    #[test]
    fn replicas_outside_the_autoscaling_range_name_their_line() {
        let narrow = EXAMPLE.replace(
            "    replicas: 2\n",
            "    replicas: 2\n    max_replicas: 1\n",
        );
        let message = parse_err(&narrow);
        assert!(
            message.starts_with("instances.yml line 10: replicas 2 is outside"),
            "{message}"
        );
        let high_min = EXAMPLE.replace(
            "    yolo: false\n",
            "    yolo: false\n    min_replicas: 3\n",
        );
        let message = parse_err(&high_min);
        assert!(
            message.starts_with("instances.yml line 13: replicas 1 is outside"),
            "{message}"
        );
        let too_many = EXAMPLE.replace(
            "    replicas: 2\n",
            "    replicas: 2\n    max_replicas: 65\n",
        );
        assert!(parse_err(&too_many).contains("line 10:"));
        let deployment = parse(EXAMPLE, Path::new("instances.yml")).unwrap();
        assert_eq!(deployment.instances[0].replica_range(), (2, 4));
        assert_eq!(deployment.instances[1].replica_range(), (1, 2));
    }

    #[test]
    fn identity_per_instance() {
        let keyed = EXAMPLE.replace(
            "    yolo: false\n",
            "    yolo: false\n    identity: odoo-key\n",
        );
        let deployment = parse(&keyed, Path::new("instances.yml")).unwrap();
        let settings: Vec<_> = deployment
            .instances
            .iter()
            .map(|i| plain_settings(i, None).get("ODOO_MCP_IDENTITY").cloned())
            .collect();
        assert_eq!(settings, [None, Some("odoo-key".to_string())]);
        assert!(
            kubernetes::secret_keys(&deployment.instances[1]).is_empty(),
            "no server key"
        );
        let both = keyed.replace(
            "    identity: odoo-key\n",
            "    identity: odoo-key\n    oauth_issuer_url: https://idp.example\n",
        );
        assert!(
            parse_err(&both).contains("line 13: identity odoo-key"),
            "{}",
            parse_err(&both)
        );
        let oauth = EXAMPLE.replace(
            "    yolo: false\n",
            "    yolo: false\n    identity: oauth\n",
        );
        assert!(parse_err(&oauth).contains("set oauth_issuer_url"));
        oauth_instances();
        let unknown = EXAMPLE.replace("    yolo: false\n", "    yolo: false\n    identity: user\n");
        assert!(
            parse_err(&unknown).contains("identity"),
            "{}",
            parse_err(&unknown)
        );
    }

    /// oauth: the key store's volume or PostgreSQL, its secret by reference.
    fn oauth_instances() {
        let issuer = "    oauth_issuer_url: https://idp.example\n";
        let on_sqlite = EXAMPLE.replace(
            "    yolo: read\n",
            &format!("    yolo: read\n    identity: oauth\n{issuer}"),
        );
        assert!(
            parse_err(&on_sqlite).contains("key_store sqlite"),
            "{}",
            parse_err(&on_sqlite)
        );
        let source = EXAMPLE
            .replace(
                "    yolo: read\n",
                &format!("    yolo: read\n    identity: oauth\n    key_store: postgres\n{issuer}"),
            )
            .replace(
                "    yolo: false\n",
                &format!("    yolo: false\n    identity: oauth\n{issuer}"),
            );
        let deployment = parse(&source, Path::new("instances.yml")).unwrap();
        let [acme, globex] = &deployment.instances[..] else {
            panic!("two instances")
        };
        assert_eq!(globex.replica_range(), (1, 1));
        assert_eq!(
            plain_settings(globex, None)["ODOO_MCP_KEY_STORE"],
            "sqlite:///var/lib/odoo-mcp/keys.db"
        );
        assert!(!plain_settings(acme, None).contains_key("ODOO_MCP_KEY_STORE"));
        let keys = |i: &Instance| -> Vec<&str> {
            kubernetes::secret_keys(i)
                .into_iter()
                .map(|(k, _)| k)
                .collect()
        };
        assert_eq!(
            keys(acme),
            [
                "OAUTH_CLIENT_ID",
                "OAUTH_CLIENT_SECRET",
                "ODOO_MCP_KEY_STORE_SECRET",
                "ODOO_MCP_KEY_STORE"
            ]
        );
        assert!(!keys(globex).contains(&"ODOO_API_KEY"));
        assert!(!keys(globex).contains(&"ODOO_MCP_KEY_STORE"));
        let files = kubernetes::render(&deployment);
        let pvc = &files[Path::new("globex/pvc.yaml")];
        assert!(pvc.contains("PersistentVolumeClaim") && pvc.contains("odoo-mcp-globex-keys"));
        let workload = &files[Path::new("globex/deployment.yaml")];
        assert!(workload.contains("\"Recreate\"") && workload.contains("/var/lib/odoo-mcp"));
        assert!(workload.contains("\"key\": \"ODOO_MCP_KEY_STORE_SECRET\""));
        assert!(!files.contains_key(Path::new("acme/pvc.yaml")));
        assert!(files[Path::new("acme/networkpolicy.yaml")].contains("5432"));
        let build = BuildPaths {
            context: ".".into(),
            dockerfile: "Dockerfile".into(),
        };
        let compose = render_compose(&deployment, Path::new("."), &build);
        assert!(
            compose.contains("globex-keys:/var/lib/odoo-mcp"),
            "{compose}"
        );
    }

    #[test]
    fn kubernetes_inputs_are_checked() {
        let bad_cidr = EXAMPLE.replace(
            "    yolo: false\n",
            "    yolo: false\n    egress_cidrs: [10.0.0.0/33]\n",
        );
        assert!(parse_err(&bad_cidr).starts_with("instances.yml line 13: egress_cidrs"));
        let oauth_without_host = EXAMPLE
            .replace("site: mcp.example.com", "site: \":8080\"")
            .replace(
                "    yolo: false\n",
                "    yolo: false\n    oauth_issuer_url: https://idp.example\n",
            );
        for target in [Target::Compose, Target::Kubernetes] {
            let message = plan_err(&oauth_without_host, target, Some("x:1"));
            assert!(
                message.contains("instances.yml line 13: OAuth needs"),
                "{message}"
            );
        }
        let with_host = format!("kubernetes:\n  host: mcp.example.com\n{oauth_without_host}");
        assert!(plan_err(&with_host, Target::Compose, None).contains("line 15: OAuth needs"));
        let bad_issuer = EXAMPLE.replace(
            "    yolo: false\n",
            "    yolo: false\n    oauth_issuer_url: idp.example\n",
        );
        assert!(parse_err(&bad_issuer).starts_with("instances.yml line 13: oauth_issuer_url"));
        let unknown = format!("kubernetes:\n  namespase: x\n{EXAMPLE}");
        assert!(
            parse_err(&unknown)
                .starts_with("instances.yml line 2: kubernetes: unknown field `namespase`")
        );
    }

    /// Line numbers come from the instance's own block, whatever keys the
    /// instances before it leave out.
    #[test]
    fn key_lines_stay_inside_their_instance() {
        let source = "instances:\n  - name: a\n    models:\n      - x\n    env_file: a.env\n  - name: b\n    replicas: 3\n";
        assert_eq!(instance_key_line(source, 1, "replicas"), Some(7));
        assert_eq!(instance_key_line(source, 0, "replicas"), Some(2));
        assert_eq!(instance_key_line(source, 0, "env_file"), Some(5));
        assert_eq!(instance_key_line(source, 1, "name"), Some(6));
        assert_eq!(instance_key_line(source, 2, "name"), None);
        let source = "site: x\nkubernetes:\n  host: a.b\n  namespace: n\ninstances: []\n";
        assert_eq!(section_key_line(source, "kubernetes", "namespace"), Some(4));
        assert_eq!(
            section_key_line(source, "kubernetes", "tls_secret"),
            Some(2)
        );
        assert_eq!(top_key_line(source, "instances"), Some(5));
    }

    fn plan_err(source: &str, target: Target, image: Option<&str>) -> String {
        let dir = tempfile::tempdir().unwrap();
        let instances = dir.path().join("instances.yml");
        std::fs::write(&instances, source).unwrap();
        for env in ["acme.env", "globex.env"] {
            std::fs::write(dir.path().join(env), "ODOO_API_KEY=x\n").unwrap();
        }
        let out = dir.path().join("out");
        let options = Options {
            target,
            context: dir.path(),
            image,
        };
        let message = plan(&instances, &out, options).unwrap_err().to_string();
        assert!(!out.exists(), "nothing is written on error");
        message
    }

    #[test]
    fn kubernetes_refuses_what_it_cannot_name_or_pin() {
        let message = plan_err(
            &EXAMPLE.replace("name: globex", "name: glo_bex"),
            Target::Kubernetes,
            Some("x:1"),
        );
        assert!(message.ends_with("instances.yml line 10: instance name \"glo_bex\" is not DNS-safe, as Kubernetes names must be: use at most 54 lowercase letters, digits or '-', starting and ending with a letter or digit"), "{message}");
        let message = plan_err(
            &format!("image: odoo-mcp:latest\n{EXAMPLE}"),
            Target::Kubernetes,
            None,
        );
        assert!(
            message.contains("instances.yml line 1: image \"odoo-mcp:latest\" is not pinned"),
            "{message}"
        );
        let message = plan_err(EXAMPLE, Target::Kubernetes, Some("odoo-mcp"));
        assert!(
            message.contains("instances.yml: image \"odoo-mcp\" is not pinned"),
            "{message}"
        );
        let message = plan_err(
            &format!("kubernetes:\n  namespace: Prod\n{EXAMPLE}"),
            Target::Kubernetes,
            Some("x:1"),
        );
        assert!(
            message.contains("instances.yml line 2: kubernetes.namespace \"Prod\""),
            "{message}"
        );
        let message = plan_err(
            &format!("kubernetes:\n  host: 10.0.0.1\n{EXAMPLE}"),
            Target::Kubernetes,
            Some("x:1"),
        );
        assert!(
            message.contains("instances.yml line 2: kubernetes.host"),
            "{message}"
        );
        let message = plan_err(
            &EXAMPLE.replace("http://odoo.internal:8069", "http://odoo.internal:80x"),
            Target::Kubernetes,
            Some("x:1"),
        );
        assert!(
            message.contains("instances.yml line 11: odoo_url"),
            "{message}"
        );
    }

    #[test]
    fn compose_passes_the_oauth_issuer_as_a_plain_setting() {
        let source = EXAMPLE.replace(
            "    replicas: 2\n",
            "    replicas: 2\n    oauth_issuer_url: https://idp.example\n",
        );
        let deployment = parse(&source, Path::new("instances.yml")).unwrap();
        let build = BuildPaths {
            context: PathBuf::from(".."),
            dockerfile: PathBuf::from("out/Dockerfile"),
        };
        let compose = render_compose(&deployment, Path::new(".."), &build);
        let parsed: yaml_serde::Value = yaml_serde::from_str(&compose).unwrap();
        let services = &parsed["services"];
        assert_eq!(
            services["acme"]["environment"]["OAUTH_ISSUER_URL"],
            "https://idp.example"
        );
        assert!(
            services["globex"]["environment"]
                .get("OAUTH_ISSUER_URL")
                .is_none()
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_to(Path::new("/a/b/out"), Path::new("/a/b")),
            PathBuf::from("..")
        );
        assert_eq!(
            relative_to(Path::new("/a/out"), Path::new("/a/x/y.env")),
            PathBuf::from("../x/y.env")
        );
        assert_eq!(
            relative_to(Path::new("/a"), Path::new("/a")),
            PathBuf::from(".")
        );
    }
}
