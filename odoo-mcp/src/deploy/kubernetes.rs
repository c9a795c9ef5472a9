//! `odoo-mcp deploy --target kubernetes`: per instance, a directory with a
//! `kustomization.yaml` and its objects (ConfigMap, Deployment, Service,
//! HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy, Ingress), plus
//! `secret.yaml.example`, which the kustomization leaves out: the real Secret
//! is created by the operator and never written here.
//!
//! Objects are built as `serde_json::Value`s shaped like the manifests (the
//! tests validate them against the Kubernetes API schemas in strict mode, which
//! typed structs would only repeat) and written in JSON syntax, which is YAML
//! where every string is quoted: kubectl's YAML 1.1 parser reads a plain `off`
//! (ingress-nginx's buffering switch) or a database named `no` as a boolean.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{
    ApiVersion, DeployError, Deployment, HEADER, Instance, SERVICE_PORT, instance_key_line,
    invalid, plain_settings, section_key_line, top_key_line,
};

/// Prefix of every object name: it makes the name start with a letter (as
/// Services need) and keeps instances apart from other workloads.
const NAME_PREFIX: &str = "odoo-mcp-";
/// Name of the container port, which every probe, the Service and the
/// NetworkPolicy refer to.
const PORT_NAME: &str = "mcp";
/// The placeholder Secret, outside the kustomization and without a manifest
/// extension, so neither `kubectl apply -k` nor `-f <dir>` overwrites the real one.
const SECRET_EXAMPLE: &str = "secret.yaml.example";

// Sizing, from docs/performance.md: peak RSS with all 518 generated models is
// 13.4 MiB (3.7 heap and stacks, 9.7 code) over 1,000 stdio calls. HTTP adds
// the multi-threaded runtime and connection buffers, so the request is about
// twice that. The limit leaves room for attachments: a 10 MiB file
// (ODOO_MCP_MAX_BINARY_SIZE) is held base64-encoded and decoded, ~35 MiB, so
// a few at once fit in 128 MiB. CPU: ~0.65 ms per search, so 50m serves ~75
// searches/s; the HPA adds pods above 70% of that; the limit only stops a
// runaway pod from starving its node.
const MEMORY_REQUEST: &str = "32Mi";
const MEMORY_LIMIT: &str = "128Mi";
const CPU_REQUEST: &str = "50m";
const CPU_LIMIT: &str = "1";
const CPU_TARGET_PERCENT: u32 = 70;

// Shutdown: the preStop sleep lets the Service and Ingress drop the pod before
// SIGTERM stops the listener; the server then finishes the calls in flight,
// each bounded by ODOO_TIMEOUT (30 s by default), before Kubernetes kills it.
const PRE_STOP_SECONDS: u32 = 5;
const GRACE_SECONDS: u32 = PRE_STOP_SECONDS + 30 + 10;

/// Refuses what the compose target accepts but Kubernetes cannot name or run.
pub(super) fn check(
    deployment: &Deployment,
    source: &str,
    path: &Path,
    image_from_flag: bool,
) -> Result<(), DeployError> {
    for (index, instance) in deployment.instances.iter().enumerate() {
        check_instance(deployment, instance, index, source, path)?;
    }
    let settings = &deployment.kubernetes;
    for (key, value) in [
        ("namespace", Some(&settings.namespace)),
        ("ingress_namespace", Some(&settings.ingress_namespace)),
        ("ingress_class", Some(&settings.ingress_class)),
        ("tls_secret", settings.tls_secret.as_ref()),
    ] {
        if let Some(value) = value
            && !is_dns_label(value, 63)
        {
            return Err(invalid(
                path,
                section_key_line(source, "kubernetes", key),
                format!(
                    "kubernetes.{key} {value:?} is not a DNS label (lowercase letters, digits, '-')"
                ),
            ));
        }
    }
    if let Some(host) = &settings.host
        && !is_host_name(host)
    {
        return Err(invalid(
            path,
            section_key_line(source, "kubernetes", "host"),
            format!("kubernetes.host {host:?} is not a host name such as mcp.example.com"),
        ));
    }
    if !is_pinned(&deployment.image) {
        let line = if image_from_flag {
            None
        } else {
            top_key_line(source, "image")
        };
        return Err(invalid(
            path,
            line,
            format!(
                "image {:?} is not pinned: give --image with a version tag or a digest, e.g. \
                 registry.example.com/odoo-mcp:1.4.0, so every pod runs the same build",
                deployment.image
            ),
        ));
    }
    Ok(())
}

/// One instance's name and addresses, as Kubernetes objects and policies need them.
fn check_instance(
    deployment: &Deployment,
    instance: &Instance,
    index: usize,
    source: &str,
    path: &Path,
) -> Result<(), DeployError> {
    let longest = 63 - NAME_PREFIX.len();
    if !is_dns_label(&instance.name, longest) {
        return Err(invalid(
            path,
            instance_key_line(source, index, "name"),
            format!(
                "instance name {:?} is not DNS-safe, as Kubernetes names must be: use at most \
                 {longest} lowercase letters, digits or '-', starting and ending with a letter \
                 or digit",
                instance.name
            ),
        ));
    }
    for (key, url) in [
        ("odoo_url", Some(&instance.odoo_url)),
        ("oauth_issuer_url", instance.oauth_issuer_url.as_ref()),
    ] {
        if let Some(url) = url
            && url_port(url).is_none()
        {
            return Err(invalid(
                path,
                instance_key_line(source, index, key),
                format!("{key} {url:?} has no valid host and port"),
            ));
        }
    }
    if instance.oauth_issuer_url.is_some() && ingress_host(deployment).is_none() {
        return Err(invalid(
            path,
            instance_key_line(source, index, "oauth_issuer_url"),
            "OAuth needs the public address tokens are issued for: set kubernetes.host to \
             the Ingress host name"
                .into(),
        ));
    }
    Ok(())
}

/// Every file of the tree, relative to the output directory.
pub(super) fn render(deployment: &Deployment) -> BTreeMap<PathBuf, String> {
    let mut files = BTreeMap::new();
    for instance in &deployment.instances {
        let dir = PathBuf::from(&instance.name);
        let objects = objects(deployment, instance);
        let resources: Vec<&str> = objects.iter().map(|(file, _)| *file).collect();
        files.insert(
            dir.join("kustomization.yaml"),
            to_yaml(&kustomization(&resources)),
        );
        for (file, object) in objects {
            files.insert(dir.join(file), to_yaml(&object));
        }
        files.insert(
            dir.join(SECRET_EXAMPLE),
            to_yaml(&secret_example(deployment, instance)),
        );
    }
    let dirs: Vec<&str> = deployment
        .instances
        .iter()
        .map(|i| i.name.as_str())
        .collect();
    files.insert(
        PathBuf::from("kustomization.yaml"),
        to_yaml(&kustomization(&dirs)),
    );
    files
}

fn to_yaml(object: &Value) -> String {
    let body = serde_json::to_string_pretty(object).expect("a JSON value serializes");
    format!("{HEADER}{body}\n")
}

fn kustomization(resources: &[&str]) -> Value {
    json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": resources,
    })
}

/// The objects `kubectl apply -k` applies for one instance, by file name, in order.
fn objects(deployment: &Deployment, instance: &Instance) -> Vec<(&'static str, Value)> {
    let mut objects = vec![
        ("configmap.yaml", config_map(deployment, instance)),
        ("deployment.yaml", workload(deployment, instance)),
        ("service.yaml", service(deployment, instance)),
        ("hpa.yaml", autoscaler(deployment, instance)),
        ("pdb.yaml", disruption_budget(deployment, instance)),
        ("networkpolicy.yaml", network_policy(deployment, instance)),
        ("ingress.yaml", ingress(deployment, instance)),
    ];
    if instance.single_file_store() {
        objects.push(("pvc.yaml", key_store_claim(deployment, instance)));
    }
    objects
}

/// oauth with SQLite: the one pod's volume for the key store.
fn key_store_claim(deployment: &Deployment, instance: &Instance) -> Value {
    let mut metadata = metadata(deployment, instance);
    metadata["name"] = json!(format!("{}-keys", object_name(instance)));
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": metadata,
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "1Gi"}},
        },
    })
}

fn object_name(instance: &Instance) -> String {
    format!("{NAME_PREFIX}{}", instance.name)
}

/// Labels that select the instance's pods.
fn selector(instance: &Instance) -> Value {
    json!({
        "app.kubernetes.io/name": "odoo-mcp",
        "app.kubernetes.io/instance": instance.name,
    })
}

fn metadata(deployment: &Deployment, instance: &Instance) -> Value {
    let mut labels = selector(instance);
    labels["app.kubernetes.io/managed-by"] = json!("odoo-mcp-deploy");
    json!({
        "name": object_name(instance),
        "namespace": deployment.kubernetes.namespace,
        "labels": labels,
    })
}

/// The Ingress host: `kubernetes.host`, else `site` when it is a host name.
fn ingress_host(deployment: &Deployment) -> Option<String> {
    deployment.kubernetes.host.clone().or_else(|| {
        let site = deployment.site.trim_end_matches('/');
        let site = site
            .strip_prefix("https://")
            .or_else(|| site.strip_prefix("http://"))
            .unwrap_or(site);
        is_host_name(site).then(|| site.to_owned())
    })
}

fn config_map(deployment: &Deployment, instance: &Instance) -> Value {
    let public_base = ingress_host(deployment).map(|host| format!("https://{host}"));
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(deployment, instance),
        "data": plain_settings(instance, public_base.as_deref()),
    })
}

/// The Secret's keys, each with whether the server cannot start without it.
pub(super) fn secret_keys(instance: &Instance) -> Vec<(&'static str, bool)> {
    let xmlrpc = matches!(instance.api_version, ApiVersion::Xmlrpc);
    let oauth = instance.oauth_issuer_url.is_some();
    // Callers bring their own keys: the server holds none.
    if instance.identity == super::Identity::OdooKey {
        return Vec::new();
    }
    // The store keeps people's keys; the server has none of its own.
    if instance.identity == super::Identity::Oauth {
        let mut keys = vec![
            ("OAUTH_CLIENT_ID", true),
            ("OAUTH_CLIENT_SECRET", true),
            ("ODOO_MCP_KEY_STORE_SECRET", true),
        ];
        if !instance.single_file_store() {
            keys.push(("ODOO_MCP_KEY_STORE", true));
        }
        return keys;
    }
    // XML-RPC may log in with a password instead of an API key.
    let mut keys = vec![
        ("ODOO_API_KEY", !xmlrpc),
        ("ODOO_USER", xmlrpc),
        ("ODOO_PASSWORD", false),
    ];
    if oauth {
        keys.extend([("OAUTH_CLIENT_ID", true), ("OAUTH_CLIENT_SECRET", true)]);
    }
    keys
}

fn workload(deployment: &Deployment, instance: &Instance) -> Value {
    let mut container = container(deployment, instance);
    let mut volumes = Vec::new();
    if instance.single_file_store() {
        container["volumeMounts"] = json!([{"name": "keys", "mountPath": super::KEY_STORE_DIR}]);
        let claim = format!("{}-keys", object_name(instance));
        volumes.push(json!({"name": "keys", "persistentVolumeClaim": {"claimName": claim}}));
    }
    let mut workload = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(deployment, instance),
        "spec": {
            "replicas": instance.replicas,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector(instance)},
            "strategy": strategy(instance),
            "template": {
                "metadata": {"labels": selector(instance)},
                "spec": {
                    // The server never talks to the Kubernetes API.
                    "automountServiceAccountToken": false,
                    // Service links would inject variables such as ODOO_MCP_…_PORT.
                    "enableServiceLinks": false,
                    "terminationGracePeriodSeconds": GRACE_SECONDS,
                    "securityContext": {
                        "runAsNonRoot": true,
                        // The distroless image's `nonroot` user.
                        "runAsUser": 65532,
                        "runAsGroup": 65532,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "topologySpreadConstraints": [{
                        "maxSkew": 1,
                        "topologyKey": "kubernetes.io/hostname",
                        "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": {"matchLabels": selector(instance)},
                    }],
                    "containers": [container],
                },
            },
        },
    });
    if !volumes.is_empty() {
        let pod = &mut workload["spec"]["template"]["spec"];
        pod["volumes"] = json!(volumes);
        // The volume is writable by the image's `nonroot` group.
        pod["securityContext"]["fsGroup"] = json!(65532);
    }
    workload
}

/// Rolling, but one pod at a time when it owns the key store's volume.
fn strategy(instance: &Instance) -> Value {
    if instance.single_file_store() {
        return json!({"type": "Recreate"});
    }
    json!({
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    })
}

/// The server's container: its settings and secrets, non-root on a read-only
/// root, sized and probed.
fn container(deployment: &Deployment, instance: &Instance) -> Value {
    let name = object_name(instance);
    let secrets: Vec<Value> = secret_keys(instance)
        .into_iter()
        .map(|(key, required)| {
            json!({
                "name": key,
                "valueFrom": {"secretKeyRef": {"name": name, "key": key, "optional": !required}},
            })
        })
        .collect();
    json!({
        "name": "odoo-mcp",
        "image": deployment.image,
        "imagePullPolicy": "IfNotPresent",
        "ports": [{"name": PORT_NAME, "containerPort": SERVICE_PORT, "protocol": "TCP"}],
        "envFrom": [{"configMapRef": {"name": name}}],
        "env": secrets,
        "resources": {
            "requests": {"cpu": CPU_REQUEST, "memory": MEMORY_REQUEST},
            "limits": {"cpu": CPU_LIMIT, "memory": MEMORY_LIMIT},
        },
        "securityContext": {
            "runAsNonRoot": true,
            "allowPrivilegeEscalation": false,
            "privileged": false,
            "readOnlyRootFilesystem": true,
            "capabilities": {"drop": ["ALL"]},
        },
        // The listener is up within milliseconds, unless OAuth discovery
        // waits on the issuer at start-up: up to a minute.
        "startupProbe": {
            "tcpSocket": {"port": PORT_NAME},
            "periodSeconds": 2,
            "failureThreshold": 30,
        },
        // Process only: an Odoo outage must not restart pods in a loop.
        "livenessProbe": {
            "tcpSocket": {"port": PORT_NAME},
            "periodSeconds": 10,
            "timeoutSeconds": 2,
            "failureThreshold": 3,
        },
        // /health asks Odoo (cached 5 s, 5 s timeout): a pod that cannot reach
        // it takes no traffic, as Caddy's health checks do on compose.
        "readinessProbe": {
            "httpGet": {"path": "/health", "port": PORT_NAME},
            "periodSeconds": 10,
            "timeoutSeconds": 6,
            "failureThreshold": 2,
        },
        "lifecycle": {"preStop": {"sleep": {"seconds": PRE_STOP_SECONDS}}},
    })
}

fn service(deployment: &Deployment, instance: &Instance) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(deployment, instance),
        "spec": {
            "type": "ClusterIP",
            "selector": selector(instance),
            "ports": [{"name": "http", "port": 80, "targetPort": PORT_NAME, "protocol": "TCP"}],
        },
    })
}

fn autoscaler(deployment: &Deployment, instance: &Instance) -> Value {
    let (min, max) = instance.replica_range();
    json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(deployment, instance),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": object_name(instance)},
            "minReplicas": min,
            "maxReplicas": max,
            "metrics": [{
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": CPU_TARGET_PERCENT},
                },
            }],
        },
    })
}

/// One pod at a time may be evicted: with one replica a drain still proceeds
/// (`minAvailable: 1` would block it forever).
fn disruption_budget(deployment: &Deployment, instance: &Instance) -> Value {
    json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(deployment, instance),
        "spec": {
            "maxUnavailable": 1,
            "selector": {"matchLabels": selector(instance)},
        },
    })
}

/// NetworkPolicies match addresses, not host names, and Odoo or the issuer
/// may move between addresses: so egress goes to their TCP ports on any
/// address unless `egress_cidrs` names the ranges; DNS (port 53) may go
/// anywhere, since cluster DNS may be a pod, a node-local cache or the node.
fn network_policy(deployment: &Deployment, instance: &Instance) -> Value {
    let mut ports: Vec<u16> = [Some(&instance.odoo_url), instance.oauth_issuer_url.as_ref()]
        .into_iter()
        .flatten()
        .filter_map(|url| url_port(url))
        .collect();
    // The key store's PostgreSQL (its URL is a secret): the default port.
    if instance.identity == super::Identity::Oauth && !instance.single_file_store() {
        ports.push(5432);
    }
    ports.sort_unstable();
    ports.dedup();
    let mut upstream = json!({
        "ports": ports.iter().map(|port| json!({"protocol": "TCP", "port": port})).collect::<Vec<_>>(),
    });
    if !instance.egress_cidrs.is_empty() {
        upstream["to"] = instance
            .egress_cidrs
            .iter()
            .map(|cidr| json!({"ipBlock": {"cidr": cidr}}))
            .collect();
    }
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(deployment, instance),
        "spec": {
            "podSelector": {"matchLabels": selector(instance)},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{
                "from": [{"namespaceSelector": {"matchLabels": {
                    "kubernetes.io/metadata.name": deployment.kubernetes.ingress_namespace,
                }}}],
                "ports": [{"protocol": "TCP", "port": PORT_NAME}],
            }],
            "egress": [
                {"ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]},
                upstream,
            ],
        },
    })
}

/// `/<name>/…` on the shared host, the prefix stripped as the Caddyfile's
/// `handle_path` does. The annotations are ingress-nginx's: streamed answers
/// pass unbuffered, an open stream may stay idle for an hour, and uploads
/// may be as large as the server accepts.
fn ingress(deployment: &Deployment, instance: &Instance) -> Value {
    let host = ingress_host(deployment);
    let mut rule = json!({
        "http": {"paths": [{
            "path": format!("/{}(/|$)(.*)", instance.name),
            "pathType": "ImplementationSpecific",
            "backend": {"service": {"name": object_name(instance), "port": {"name": "http"}}},
        }]},
    });
    if let Some(host) = &host {
        rule["host"] = json!(host);
    }
    let mut spec = json!({
        "ingressClassName": deployment.kubernetes.ingress_class,
        "rules": [rule],
    });
    if let (Some(secret), Some(host)) = (&deployment.kubernetes.tls_secret, &host) {
        spec["tls"] = json!([{"hosts": [host], "secretName": secret}]);
    }
    let mut metadata = metadata(deployment, instance);
    metadata["annotations"] = json!({
        "nginx.ingress.kubernetes.io/use-regex": "true",
        "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
        "nginx.ingress.kubernetes.io/proxy-buffering": "off",
        "nginx.ingress.kubernetes.io/proxy-request-buffering": "off",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
        "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
        // A 10 MiB attachment (ODOO_MCP_MAX_BINARY_SIZE) is ~13.4 MiB in base64.
        "nginx.ingress.kubernetes.io/proxy-body-size": "16m",
    });
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": spec,
    })
}

/// The Secret the Deployment reads, with placeholders in place of values.
fn secret_example(deployment: &Deployment, instance: &Instance) -> Value {
    let values: BTreeMap<&str, String> = secret_keys(instance)
        .into_iter()
        .filter(|(key, required)| *required || *key == "ODOO_API_KEY")
        .map(|(key, _)| {
            (
                key,
                format!(
                    "replace-with-{}",
                    key.to_ascii_lowercase().replace('_', "-")
                ),
            )
        })
        .collect();
    let mut metadata = metadata(deployment, instance);
    metadata["annotations"] = json!({
        "odoo-mcp/example": "placeholders only: create the real Secret with kubectl create secret",
    });
    json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": "Opaque",
        "stringData": values,
    })
}

/// The TCP port of an `http(s)://host[:port]/…` URL.
fn url_port(url: &str) -> Option<u16> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let port = match host_port.rsplit_once(']') {
        Some((_, after)) => after.strip_prefix(':'),
        None => host_port.split_once(':').map(|(_, port)| port),
    };
    let host_missing = host_port.is_empty() || host_port.starts_with(':');
    match (port, scheme) {
        _ if host_missing => None,
        (Some(port), _) => port.parse().ok().filter(|&port| port != 0),
        (None, "https") => Some(443),
        (None, "http") => Some(80),
        _ => None,
    }
}

/// RFC 1123 label: lowercase letters, digits, '-', alphanumeric at both ends.
fn is_dns_label(name: &str, longest: usize) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !name.is_empty()
        && name.len() <= longest
        && name.chars().all(|c| alnum(c) || c == '-')
        && name.starts_with(alnum)
        && name.ends_with(alnum)
}

/// A DNS name of at least two labels (an Ingress host cannot be an address).
fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.contains('.')
        && host.split('.').all(|label| is_dns_label(label, 63))
        && !host
            .split('.')
            .all(|label| label.chars().all(|c| c.is_ascii_digit()))
}

/// A tag other than `latest`, or a digest.
fn is_pinned(image: &str) -> bool {
    if image.contains("@sha256:") {
        return true;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':')
        .is_some_and(|(_, tag)| !tag.is_empty() && tag != "latest")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_ports() {
        assert_eq!(url_port("https://acme.odoo.com"), Some(443));
        assert_eq!(url_port("http://odoo.internal:8069/web"), Some(8069));
        assert_eq!(url_port("http://[fd00::1]:8069"), Some(8069));
        assert_eq!(url_port("https://[fd00::1]/x"), Some(443));
        assert_eq!(url_port("https://user:pw@idp.example:8443"), Some(8443));
        assert_eq!(url_port("https://idp.example:http"), None);
        assert_eq!(url_port("https://:443"), None);
        assert_eq!(url_port("https://idp.example:0"), None);
    }

    #[test]
    fn names_and_images() {
        assert!(is_dns_label("acme-2", 54));
        for bad in ["acme_2", "-acme", "acme-", "Acme", ""] {
            assert!(!is_dns_label(bad, 54), "{bad}");
        }
        assert!(!is_dns_label(&"a".repeat(55), 54));
        assert!(is_host_name("mcp.example.com"));
        for bad in [
            "localhost",
            "10.0.0.1",
            "mcp.example.com:443",
            "MCP.example.com",
        ] {
            assert!(!is_host_name(bad), "{bad}");
        }
        assert!(is_pinned("registry.example.com:5000/odoo-mcp:1.4.0"));
        assert!(is_pinned("odoo-mcp@sha256:0123"));
        for bad in [
            "odoo-mcp",
            "odoo-mcp:latest",
            "registry.example.com:5000/odoo-mcp",
        ] {
            assert!(!is_pinned(bad), "{bad}");
        }
    }
}
