//! `odoo-mcp deploy --target kubernetes`, checked as far as a machine without a
//! cluster can: every object against the Kubernetes API schemas in strict mode
//! (kubernetes-validate, which scripts/test installs), then what schemas miss
//! (ports, selectors, references, scaling) by the checks below. Each check is
//! shown to fail on a tree broken the way it guards against.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use tokio::process::Command;

use super::{assert_server_accepts, copy_shipped_example, deploy_with, write_instances};

/// Oldest Kubernetes the manifests are for (`lifecycle.preStop.sleep` is 1.30's).
const KUBERNETES_VERSION: &str = "1.30.0";
const IMAGE: &str = "registry.example.com/odoo-mcp:1.4.0";

/// The validator: `$KUBERNETES_VALIDATE`, else `kubernetes-validate` on the PATH.
fn validator() -> String {
    std::env::var("KUBERNETES_VALIDATE").unwrap_or_else(|_| "kubernetes-validate".into())
}

/// Every option of the instances file in use: OAuth, egress ranges, TLS, and
/// an instance whose autoscaler may scale it beyond its one replica.
const FULL_INSTANCES: &str = "\
site: \":8080\"
kubernetes:
  namespace: assistants
  host: mcp.example.com
  ingress_class: nginx
  ingress_namespace: ingress
  tls_secret: mcp-example-com-tls
instances:
  - name: a
    odoo_url: http://odoo.internal:8069
    db: a
    api_version: xmlrpc
    env_file: a.env
    replicas: 3
    min_replicas: 2
    max_replicas: 6
    oauth_issuer_url: https://idp.example.com:8443
    egress_cidrs: [10.20.0.0/16, \"fd00::/8\"]
    models: [sale.order]
  - name: b
    odoo_url: https://b.example.com
    env_file: b.env
";

/// One rendered file: its path under the output directory and its object.
#[derive(Clone, Debug)]
struct Manifest {
    file: PathBuf,
    object: Value,
}

type Tree = Vec<Manifest>;

/// Renders `instances` for Kubernetes into `out` and reads the tree back.
async fn render(instances: &Path, out: &Path) -> Tree {
    let (written, stderr) = deploy_with(
        instances,
        out,
        &["--target", "kubernetes", "--image", IMAGE],
    )
    .await;
    assert!(written, "deploy failed: {stderr}");
    read_tree(out)
}

fn read_tree(out: &Path) -> Tree {
    let mut files = Vec::new();
    let mut dirs = vec![out.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml")
                || path.ends_with("secret.yaml.example")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let object = yaml_serde::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not YAML: {e}", path.display()));
            let file = path.strip_prefix(out).unwrap().to_owned();
            Manifest { file, object }
        })
        .collect()
}

fn write_tree(tree: &Tree, out: &Path) {
    for manifest in tree {
        let path = out.join(&manifest.file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(
            path,
            serde_json::to_string_pretty(&manifest.object).unwrap(),
        )
        .unwrap();
    }
}

fn is_kustomization(manifest: &Manifest) -> bool {
    manifest.file.file_name().unwrap() == "kustomization.yaml"
}

/// What kubernetes-validate says about every Kubernetes object of the tree in
/// `out` (kustomizations are kustomize's, not the API's): one line per
/// problem. A warning counts too: it is how the validator says it knows no
/// schema for an object, which then went unchecked.
async fn schema_problems(out: &Path) -> Vec<String> {
    let files: Vec<PathBuf> = read_tree(out)
        .iter()
        .filter(|m| !is_kustomization(m))
        .map(|m| out.join(&m.file))
        .collect();
    assert!(!files.is_empty());
    let output = Command::new(validator())
        .args([
            "--strict",
            "--quiet",
            "--kubernetes-version",
            KUBERNETES_VERSION,
        ])
        .args(&files)
        .output()
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {} ({e}); scripts/test installs kubernetes-validate",
                validator()
            )
        });
    let mut problems: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&output.stderr).lines())
        .filter(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .collect();
    if !output.status.success() && problems.is_empty() {
        problems.push(format!("kubernetes-validate failed: {}", output.status));
    }
    problems
}

/// The checks schemas cannot make, each returning what it found wrong.
type Check = fn(&Tree) -> Vec<String>;

const CHECKS: [(&str, Check); 9] = [
    ("probe ports", probe_ports_are_declared),
    ("services", services_reach_their_pods),
    ("network policies", network_policies_admit_their_pods),
    ("scalers", scalers_target_their_deployment),
    ("references", references_resolve),
    ("ingress", ingress_backends_resolve),
    ("stateless", stateless_when_scaled),
    ("pod safety", pods_are_locked_down),
    ("kustomizations", kustomizations_list_every_object),
];

fn of_kind<'t>(tree: &'t Tree, kind: &'t str) -> impl Iterator<Item = &'t Manifest> + 't {
    tree.iter().filter(move |m| m.object["kind"] == kind)
}

fn name(manifest: &Manifest) -> &str {
    manifest.object["metadata"]["name"].as_str().unwrap_or("")
}

fn namespace(manifest: &Manifest) -> &str {
    manifest.object["metadata"]["namespace"]
        .as_str()
        .unwrap_or("")
}

/// The object of `kind` named `name` in `namespace`.
fn find<'t>(tree: &'t Tree, kind: &str, namespace_: &str, name_: &str) -> Option<&'t Manifest> {
    tree.iter()
        .find(|m| m.object["kind"] == kind && name(m) == name_ && namespace(m) == namespace_)
}

fn containers(deployment: &Manifest) -> &[Value] {
    deployment.object["spec"]["template"]["spec"]["containers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Whether `port` (a name or a number) is one `container` declares.
fn declares_port(container: &Value, port: &Value) -> bool {
    container["ports"].as_array().is_some_and(|ports| {
        ports
            .iter()
            .any(|p| (port.is_string() && p["name"] == *port) || p["containerPort"] == *port)
    })
}

/// Whether every label of `selector` is on `labels`.
fn selects(selector: &Value, labels: &Value) -> bool {
    selector
        .as_object()
        .is_some_and(|s| !s.is_empty() && s.iter().all(|(k, v)| labels[k] == *v))
}

fn pod_labels(deployment: &Manifest) -> &Value {
    &deployment.object["spec"]["template"]["metadata"]["labels"]
}

fn probe_ports_are_declared(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for deployment in of_kind(tree, "Deployment") {
        for container in containers(deployment) {
            for probe in ["startupProbe", "livenessProbe", "readinessProbe"] {
                let probe_ = &container[probe];
                if probe_.is_null() {
                    problems.push(format!("{}: no {probe}", name(deployment)));
                    continue;
                }
                let port = &probe_["tcpSocket"]["port"];
                let port = if port.is_null() {
                    &probe_["httpGet"]["port"]
                } else {
                    port
                };
                if !declares_port(container, port) {
                    problems.push(format!(
                        "{}: {probe} port {port} is not a port of container {}",
                        name(deployment),
                        container["name"]
                    ));
                }
            }
        }
    }
    problems
}

fn services_reach_their_pods(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for service in of_kind(tree, "Service") {
        let selector = &service.object["spec"]["selector"];
        let pods: Vec<&Manifest> = of_kind(tree, "Deployment")
            .filter(|d| namespace(d) == namespace(service) && selects(selector, pod_labels(d)))
            .collect();
        if pods.is_empty() {
            problems.push(format!(
                "service {}: selector {selector} matches no pods",
                name(service)
            ));
        }
        for port in service.object["spec"]["ports"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let target = &port["targetPort"];
            if !pods
                .iter()
                .all(|d| containers(d).iter().any(|c| declares_port(c, target)))
            {
                problems.push(format!(
                    "service {}: targetPort {target} is not a container port",
                    name(service)
                ));
            }
        }
    }
    problems
}

/// Each Deployment's pods are governed by a NetworkPolicy that admits traffic
/// on a port the container declares (else the ingress controller is cut off).
fn network_policies_admit_their_pods(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for deployment in of_kind(tree, "Deployment") {
        let policies: Vec<&Manifest> = of_kind(tree, "NetworkPolicy")
            .filter(|p| {
                namespace(p) == namespace(deployment)
                    && selects(
                        &p.object["spec"]["podSelector"]["matchLabels"],
                        pod_labels(deployment),
                    )
            })
            .collect();
        if policies.is_empty() {
            problems.push(format!(
                "{}: no NetworkPolicy selects its pods",
                name(deployment)
            ));
        }
        let rules = policies
            .iter()
            .flat_map(|p| p.object["spec"]["ingress"].as_array().into_iter().flatten());
        for port in rules.flat_map(|r| r["ports"].as_array().into_iter().flatten()) {
            if !containers(deployment)
                .iter()
                .any(|c| declares_port(c, &port["port"]))
            {
                problems.push(format!(
                    "{}: NetworkPolicy admits port {} the container does not declare",
                    name(deployment),
                    port["port"]
                ));
            }
        }
    }
    problems
}

fn scalers_target_their_deployment(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for deployment in of_kind(tree, "Deployment") {
        let (ns, deployment_name) = (namespace(deployment), name(deployment));
        let scales_it = |hpa: &&Manifest| {
            let target = &hpa.object["spec"]["scaleTargetRef"];
            namespace(hpa) == ns
                && target["kind"] == "Deployment"
                && target["apiVersion"] == "apps/v1"
                && target["name"] == deployment_name
        };
        let hpas = of_kind(tree, "HorizontalPodAutoscaler")
            .filter(scales_it)
            .count();
        if hpas != 1 {
            problems.push(format!(
                "deployment {deployment_name}: {hpas} autoscalers target it"
            ));
        }
        let budgets = of_kind(tree, "PodDisruptionBudget")
            .filter(|pdb| {
                namespace(pdb) == ns
                    && selects(
                        &pdb.object["spec"]["selector"]["matchLabels"],
                        pod_labels(deployment),
                    )
            })
            .count();
        if budgets != 1 {
            problems.push(format!(
                "deployment {deployment_name}: {budgets} disruption budgets select its pods"
            ));
        }
    }
    for hpa in of_kind(tree, "HorizontalPodAutoscaler") {
        let target = &hpa.object["spec"]["scaleTargetRef"]["name"];
        if find(
            tree,
            "Deployment",
            namespace(hpa),
            target.as_str().unwrap_or(""),
        )
        .is_none()
        {
            problems.push(format!("autoscaler {}: no Deployment {target}", name(hpa)));
        }
    }
    problems
}

/// Every `secretKeyRef`, `secretRef`, `configMapRef` and `configMapKeyRef`
/// names an object of the tree (the example Secret stands for the real one),
/// and the example Secret holds every key a pod cannot start without.
fn references_resolve(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for deployment in of_kind(tree, "Deployment") {
        let ns = namespace(deployment);
        for container in containers(deployment) {
            let from_env = container["env"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    let from = &e["valueFrom"];
                    [("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")]
                        .into_iter()
                        .find(|(key, _)| !from[key].is_null())
                        .map(|(key, kind)| (kind, &from[key]))
                });
            let from_env_from = container["envFrom"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| {
                    [("secretRef", "Secret"), ("configMapRef", "ConfigMap")]
                        .into_iter()
                        .find(|(key, _)| !e[key].is_null())
                        .map(|(key, kind)| (kind, &e[key]))
                });
            for (kind, reference) in from_env.chain(from_env_from) {
                let target = reference["name"].as_str().unwrap_or("");
                let Some(object) = find(tree, kind, ns, target) else {
                    problems.push(format!(
                        "{}: no {kind} {target:?} in the tree",
                        name(deployment)
                    ));
                    continue;
                };
                let Some(key) = reference["key"].as_str() else {
                    continue;
                };
                let data = if kind == "Secret" {
                    "stringData"
                } else {
                    "data"
                };
                if reference["optional"] != true && object.object[data][key].is_null() {
                    problems.push(format!(
                        "{}: {kind} {target:?} lacks the required key {key}",
                        name(deployment)
                    ));
                }
            }
        }
    }
    problems
}

fn ingress_backends_resolve(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for ingress in of_kind(tree, "Ingress") {
        let rules = ingress.object["spec"]["rules"]
            .as_array()
            .into_iter()
            .flatten();
        let paths = rules.flat_map(|r| r["http"]["paths"].as_array().into_iter().flatten());
        for path in paths {
            let backend = &path["backend"]["service"];
            let service = backend["name"].as_str().unwrap_or("");
            let Some(service_) = find(tree, "Service", namespace(ingress), service) else {
                problems.push(format!("ingress {}: no Service {service:?}", name(ingress)));
                continue;
            };
            let port = &backend["port"];
            let known = service_.object["spec"]["ports"]
                .as_array()
                .is_some_and(|ports| {
                    ports.iter().any(|p| {
                        (!port["name"].is_null() && p["name"] == port["name"])
                            || (!port["number"].is_null() && p["port"] == port["number"])
                    })
                });
            if !known {
                problems.push(format!(
                    "ingress {}: Service {service:?} has no port {port}",
                    name(ingress)
                ));
            }
        }
    }
    problems
}

/// Replicas share no MCP sessions: stateless mode must be on whenever a
/// Deployment runs, or its autoscaler may run, more than one pod.
fn stateless_when_scaled(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for deployment in of_kind(tree, "Deployment") {
        let ns = namespace(deployment);
        let most = of_kind(tree, "HorizontalPodAutoscaler")
            .filter(|h| {
                namespace(h) == ns && h.object["spec"]["scaleTargetRef"]["name"] == name(deployment)
            })
            .filter_map(|h| h.object["spec"]["maxReplicas"].as_u64())
            .chain(deployment.object["spec"]["replicas"].as_u64())
            .max()
            .unwrap_or(1);
        if most <= 1 {
            continue;
        }
        for container in containers(deployment) {
            let stateless = env_value(tree, ns, container, "ODOO_MCP_STATELESS");
            if stateless.as_deref() != Some("true") {
                problems.push(format!(
                    "{}: up to {most} pods but ODOO_MCP_STATELESS is {stateless:?}",
                    name(deployment)
                ));
            }
        }
    }
    problems
}

/// The value `container` gets for `variable`: `env` wins over `envFrom`, as in Kubernetes.
fn env_value(tree: &Tree, ns: &str, container: &Value, variable: &str) -> Option<String> {
    let env = container["env"].as_array().into_iter().flatten();
    if let Some(entry) = env.rev().find(|e| e["name"] == variable) {
        return entry["value"].as_str().map(str::to_owned);
    }
    let sources = container["envFrom"].as_array().into_iter().flatten();
    // A later source overrides an earlier one.
    sources.rev().find_map(|source| {
        let config_map = source["configMapRef"]["name"].as_str()?;
        find(tree, "ConfigMap", ns, config_map)?.object["data"][variable]
            .as_str()
            .map(str::to_owned)
    })
}

/// Non-root, read-only, unprivileged, bounded, and restarted only when the
/// process stops answering (never because Odoo does not).
fn pods_are_locked_down(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for deployment in of_kind(tree, "Deployment") {
        let pod = &deployment.object["spec"]["template"]["spec"];
        let mut expect = |what: &str, ok: bool| {
            if !ok {
                problems.push(format!("{}: {what}", name(deployment)));
            }
        };
        expect(
            "pod runs as non-root",
            pod["securityContext"]["runAsNonRoot"] == true,
        );
        expect(
            "no service account token",
            pod["automountServiceAccountToken"] == false,
        );
        for container in containers(deployment) {
            let security = &container["securityContext"];
            expect(
                "read-only root filesystem",
                security["readOnlyRootFilesystem"] == true,
            );
            expect(
                "no privilege escalation",
                security["allowPrivilegeEscalation"] == false,
            );
            expect(
                "capabilities dropped",
                security["capabilities"]["drop"] == json!(["ALL"]),
            );
            for resource in ["cpu", "memory"] {
                for bound in ["requests", "limits"] {
                    expect(
                        &format!("{resource} {bound} set"),
                        container["resources"][bound][resource].is_string(),
                    );
                }
            }
            expect(
                "liveness probes the process only (no HTTP endpoint that asks Odoo)",
                container["livenessProbe"]["tcpSocket"].is_object()
                    && container["livenessProbe"]["httpGet"].is_null(),
            );
            expect(
                "readiness asks /health",
                container["readinessProbe"]["httpGet"]["path"] == "/health",
            );
        }
        let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap_or(30);
        let pre_stop = containers(deployment)
            .iter()
            .filter_map(|c| c["lifecycle"]["preStop"]["sleep"]["seconds"].as_u64())
            .max()
            .unwrap_or(0);
        // Calls in flight may take ODOO_TIMEOUT (30 s) after the pre-stop pause.
        expect(
            "grace period outlasts pre-stop pause and a call",
            grace >= pre_stop + 30,
        );
    }
    problems
}

/// `kubectl apply -k` applies exactly the objects of each directory, except
/// the example Secret, and the top kustomization every instance.
fn kustomizations_list_every_object(tree: &Tree) -> Vec<String> {
    let mut problems = Vec::new();
    for kustomization in tree.iter().filter(|m| is_kustomization(m)) {
        let dir = kustomization.file.parent().unwrap();
        let mut listed: Vec<String> = kustomization.object["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect();
        listed.sort();
        let mut present: Vec<String> = tree
            .iter()
            .filter(|m| m.file.parent() == Some(dir) && !is_kustomization(m))
            .filter(|m| !m.file.ends_with("secret.yaml.example"))
            .map(|m| m.file.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        if dir.as_os_str().is_empty() {
            present = tree
                .iter()
                .filter(|m| is_kustomization(m) && m.file.components().count() == 2)
                .map(|m| m.file.parent().unwrap().to_string_lossy().into_owned())
                .collect();
        }
        present.sort();
        if listed != present {
            problems.push(format!(
                "{}: lists {listed:?}, the directory holds {present:?}",
                kustomization.file.display()
            ));
        }
        if tree
            .iter()
            .any(|m| m.object["kind"] == "Secret" && !m.file.ends_with("secret.yaml.example"))
        {
            problems.push("a Secret is written outside the example".into());
        }
    }
    problems
}

/// The manifests under `out` pass the Kubernetes schemas and the semantic checks.
async fn assert_valid(out: &Path, tree: &Tree) {
    let problems = schema_problems(out).await;
    assert!(
        problems.is_empty(),
        "schema problems:\n{}",
        problems.join("\n")
    );
    let problems = semantic_problems(tree);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn semantic_problems(tree: &Tree) -> Vec<String> {
    CHECKS
        .iter()
        .flat_map(|(what, check)| check(tree).into_iter().map(move |p| format!("{what}: {p}")))
        .collect()
}

fn manifest<'t>(tree: &'t mut Tree, file: &str) -> &'t mut Value {
    &mut tree
        .iter_mut()
        .find(|m| m.file == Path::new(file))
        .unwrap_or_else(|| panic!("no {file}"))
        .object
}

/// Sets the value at JSON `pointer` of `file`'s object.
fn set(tree: &mut Tree, file: &str, pointer: &str, value: Value) {
    *manifest(tree, file)
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in {file}")) = value;
}

const CONTAINER: &str = "/spec/template/spec/containers/0";

#[tokio::test]
async fn the_shipped_example_renders_valid_manifests_the_server_accepts() {
    let dir = tempfile::tempdir().unwrap();
    let instances = copy_shipped_example(dir.path());
    let out = dir.path().join("out");
    let tree = render(&instances, &out).await;
    assert!(
        out.join("Dockerfile").is_file(),
        "the image is built as for compose"
    );

    assert_valid(&out, &tree).await;

    let mut files: Vec<String> = tree.iter().map(|m| m.file.display().to_string()).collect();
    files.sort();
    let per_instance = [
        "configmap.yaml",
        "deployment.yaml",
        "hpa.yaml",
        "ingress.yaml",
        "kustomization.yaml",
        "networkpolicy.yaml",
        "pdb.yaml",
        "secret.yaml.example",
        "service.yaml",
    ];
    let mut expected: Vec<String> = ["acme", "globex"]
        .iter()
        .flat_map(|i| per_instance.iter().map(move |f| format!("{i}/{f}")))
        .collect();
    expected.push("kustomization.yaml".into());
    expected.sort();
    assert_eq!(files, expected);

    // The pod's environment (ConfigMap, then the Secret with the example's
    // placeholders) is a configuration the server accepts.
    for instance in ["acme", "globex"] {
        let data = &tree
            .iter()
            .find(|m| m.file == Path::new(instance).join("configmap.yaml"))
            .unwrap()
            .object["data"];
        let secret = &tree
            .iter()
            .find(|m| m.file == Path::new(instance).join("secret.yaml.example"))
            .unwrap()
            .object["stringData"];
        let env: Vec<(String, String)> = data
            .as_object()
            .unwrap()
            .iter()
            .chain(secret.as_object().unwrap())
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        assert!(env.iter().any(|(k, v)| k == "ODOO_MCP_PUBLIC_URL"
            && v == &format!("https://mcp.example.com/{instance}")));
        assert_server_accepts(instance, env).await;
    }
    let acme = &tree
        .iter()
        .find(|m| m.file == Path::new("acme/deployment.yaml"))
        .unwrap()
        .object;
    assert_eq!(acme["spec"]["replicas"], 2);
    assert_eq!(
        acme["spec"]["template"]["spec"]["containers"][0]["image"],
        IMAGE
    );
    // Secrets are referenced, never written: no value of the env files appears.
    for m in &tree {
        let text = m.object.to_string();
        assert!(
            !text.contains("replace-with-acme-api-key") && !text.contains("replace-with-globex"),
            "{}",
            m.file.display()
        );
    }
}

#[tokio::test]
async fn every_option_renders_valid_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let instances = write_instances(dir.path(), FULL_INSTANCES);
    let out = dir.path().join("out");
    let tree = render(&instances, &out).await;
    assert_valid(&out, &tree).await;

    let object = |file: &str| {
        &tree
            .iter()
            .find(|m| m.file == Path::new(file))
            .unwrap()
            .object
    };
    let policy = &object("a/networkpolicy.yaml")["spec"];
    assert_eq!(
        policy["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
        "ingress"
    );
    assert_eq!(
        policy["egress"][1],
        json!({
            "ports": [{"protocol": "TCP", "port": 8069}, {"protocol": "TCP", "port": 8443}],
            "to": [{"ipBlock": {"cidr": "10.20.0.0/16"}}, {"ipBlock": {"cidr": "fd00::/8"}}],
        })
    );
    assert_eq!(
        object("b/networkpolicy.yaml")["spec"]["egress"][1],
        json!({"ports": [{"protocol": "TCP", "port": 443}]})
    );
    let hpa = &object("a/hpa.yaml")["spec"];
    assert_eq!(
        (hpa["minReplicas"].clone(), hpa["maxReplicas"].clone()),
        (json!(2), json!(6))
    );
    assert_eq!(object("b/hpa.yaml")["spec"]["maxReplicas"], 2);
    let ingress = &object("a/ingress.yaml")["spec"];
    assert_eq!(
        ingress["tls"],
        json!([{"hosts": ["mcp.example.com"], "secretName": "mcp-example-com-tls"}])
    );
    assert_eq!(ingress["rules"][0]["host"], "mcp.example.com");
    assert_eq!(
        ingress["rules"][0]["http"]["paths"][0]["path"],
        "/a(/|$)(.*)"
    );
    let config = &object("a/configmap.yaml")["data"];
    assert_eq!(config["OAUTH_ISSUER_URL"], "https://idp.example.com:8443");
    assert_eq!(config["ODOO_MCP_PUBLIC_URL"], "https://mcp.example.com/a");
    assert_eq!(config["ODOO_MCP_MODELS"], "sale.order");
    let secret = &object("a/secret.yaml.example")["stringData"];
    let mut keys: Vec<&String> = secret.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "OAUTH_CLIENT_ID",
            "OAUTH_CLIENT_SECRET",
            "ODOO_API_KEY",
            "ODOO_USER"
        ]
    );
    assert!(
        tree.iter()
            .all(|m| is_kustomization(m) || namespace(m) == "assistants")
    );
}

/// The schema check fails on a tree the API server would refuse: an unknown
/// field (strict mode), and an object whose schema the validator does not
/// know (which it only warns about).
#[tokio::test]
async fn the_schema_check_refuses_a_broken_tree() {
    let dir = tempfile::tempdir().unwrap();
    let instances = copy_shipped_example(dir.path());
    let out = dir.path().join("out");
    let mut tree = render(&instances, &out).await;
    manifest(&mut tree, "acme/deployment.yaml")["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]
        ["tcpSocket"]["portt"] = json!("mcp");
    set(
        &mut tree,
        "globex/pdb.yaml",
        "/apiVersion",
        json!("policy/v2"),
    );
    write_tree(&tree, &out);
    let problems = schema_problems(&out).await.join("\n");
    assert!(
        problems.contains("acme/deployment.yaml") && problems.contains("'portt' was unexpected"),
        "{problems}"
    );
    assert!(problems.contains("globex/pdb.yaml"), "{problems}");
}

/// Each semantic check passes on the rendered tree and reports the breakage it
/// guards against.
#[tokio::test]
async fn each_semantic_check_reports_its_breakage() {
    let dir = tempfile::tempdir().unwrap();
    let instances = copy_shipped_example(dir.path());
    let out = dir.path().join("out");
    let tree = render(&instances, &out).await;
    type Breakage = fn(&mut Tree);
    let cases: [(&str, Check, Breakage, &str); 18] = [
        (
            "network policy selector",
            network_policies_admit_their_pods,
            |t| {
                set(
                    t,
                    "acme/networkpolicy.yaml",
                    "/spec/podSelector/matchLabels/app.kubernetes.io~1instance",
                    json!("globex"),
                )
            },
            "no NetworkPolicy selects its pods",
        ),
        (
            "network policy port",
            network_policies_admit_their_pods,
            |t| {
                set(
                    t,
                    "globex/networkpolicy.yaml",
                    "/spec/ingress/0/ports/0/port",
                    json!(80),
                )
            },
            "admits port 80",
        ),
        (
            "liveness port renamed",
            probe_ports_are_declared,
            |t| {
                set(
                    t,
                    "acme/deployment.yaml",
                    &format!("{CONTAINER}/livenessProbe/tcpSocket/port"),
                    json!("http"),
                )
            },
            "livenessProbe port \"http\"",
        ),
        (
            "readiness port renumbered",
            probe_ports_are_declared,
            |t| {
                set(
                    t,
                    "globex/deployment.yaml",
                    &format!("{CONTAINER}/readinessProbe/httpGet/port"),
                    json!(8080),
                )
            },
            "readinessProbe port 8080",
        ),
        (
            "service selector typo",
            services_reach_their_pods,
            |t| {
                set(
                    t,
                    "acme/service.yaml",
                    "/spec/selector/app.kubernetes.io~1instance",
                    json!("acmee"),
                )
            },
            "matches no pods",
        ),
        (
            "service target port",
            services_reach_their_pods,
            |t| {
                set(
                    t,
                    "acme/service.yaml",
                    "/spec/ports/0/targetPort",
                    json!("http"),
                )
            },
            "targetPort \"http\"",
        ),
        (
            "autoscaler target",
            scalers_target_their_deployment,
            |t| {
                set(
                    t,
                    "acme/hpa.yaml",
                    "/spec/scaleTargetRef/name",
                    json!("odoo-mcp-acmee"),
                )
            },
            "0 autoscalers target it",
        ),
        (
            "autoscaler kind",
            scalers_target_their_deployment,
            |t| {
                set(
                    t,
                    "globex/hpa.yaml",
                    "/spec/scaleTargetRef/kind",
                    json!("StatefulSet"),
                )
            },
            "0 autoscalers",
        ),
        (
            "disruption budget selector",
            scalers_target_their_deployment,
            |t| {
                set(
                    t,
                    "globex/pdb.yaml",
                    "/spec/selector/matchLabels/app.kubernetes.io~1instance",
                    json!("acme"),
                )
            },
            "0 disruption budgets",
        ),
        (
            "secret name",
            references_resolve,
            |t| {
                set(
                    t,
                    "acme/deployment.yaml",
                    &format!("{CONTAINER}/env/0/valueFrom/secretKeyRef/name"),
                    json!("acme"),
                )
            },
            "no Secret \"acme\"",
        ),
        (
            "required key missing from the example",
            references_resolve,
            |t| set(t, "acme/secret.yaml.example", "/stringData", json!({})),
            "lacks the required key ODOO_API_KEY",
        ),
        (
            "config map name",
            references_resolve,
            |t| {
                set(
                    t,
                    "globex/deployment.yaml",
                    &format!("{CONTAINER}/envFrom/0/configMapRef/name"),
                    json!("globex"),
                )
            },
            "no ConfigMap \"globex\"",
        ),
        (
            "ingress service",
            ingress_backends_resolve,
            |t| {
                set(
                    t,
                    "acme/ingress.yaml",
                    "/spec/rules/0/http/paths/0/backend/service/name",
                    json!("acme"),
                )
            },
            "no Service \"acme\"",
        ),
        (
            "ingress port",
            ingress_backends_resolve,
            |t| {
                set(
                    t,
                    "acme/ingress.yaml",
                    "/spec/rules/0/http/paths/0/backend/service/port",
                    json!({"name": "https"}),
                )
            },
            "has no port",
        ),
        // globex runs one replica, but its autoscaler may add a second.
        (
            "stateless off while autoscaled",
            stateless_when_scaled,
            |t| {
                set(
                    t,
                    "globex/configmap.yaml",
                    "/data/ODOO_MCP_STATELESS",
                    json!("false"),
                )
            },
            "up to 2 pods",
        ),
        (
            "liveness asks Odoo",
            pods_are_locked_down,
            |t| {
                set(
                    t,
                    "acme/deployment.yaml",
                    &format!("{CONTAINER}/livenessProbe"),
                    json!({"httpGet": {"path": "/health", "port": "mcp"}}),
                )
            },
            "liveness probes the process only",
        ),
        (
            "writable root filesystem",
            pods_are_locked_down,
            |t| {
                set(
                    t,
                    "globex/deployment.yaml",
                    &format!("{CONTAINER}/securityContext/readOnlyRootFilesystem"),
                    json!(false),
                )
            },
            "read-only root filesystem",
        ),
        (
            "object left out of the kustomization",
            kustomizations_list_every_object,
            |t| {
                let resources = manifest(t, "acme/kustomization.yaml")["resources"]
                    .as_array_mut()
                    .unwrap();
                resources.retain(|r| r != "pdb.yaml");
            },
            "acme/kustomization.yaml: lists",
        ),
    ];
    for (what, check, breakage, expected) in cases {
        assert_eq!(
            check(&tree),
            Vec::<String>::new(),
            "{what}: the rendered tree passes"
        );
        let mut broken = tree.clone();
        breakage(&mut broken);
        let problems = check(&broken);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{what}: expected {expected:?} in {problems:?}"
        );
    }
}

#[tokio::test]
async fn bad_instances_name_the_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (body, image, expected) in [
        (
            FULL_INSTANCES.replace("name: b", "name: a"),
            IMAGE,
            "line 20: duplicate instance name \"a\" (first on line 9)",
        ),
        (
            FULL_INSTANCES.replace("name: b", "name: b_2"),
            IMAGE,
            "line 20: instance name \"b_2\" is not DNS-safe",
        ),
        (
            FULL_INSTANCES.replace("replicas: 3", "replicas: 7"),
            IMAGE,
            "line 16: replicas 7 is outside the autoscaling range min_replicas 2 ..= max_replicas 6",
        ),
        (
            FULL_INSTANCES.replace("tls_secret:", "tls_secrets:"),
            IMAGE,
            "line 7: kubernetes: unknown field `tls_secrets`",
        ),
        (
            FULL_INSTANCES.replace("10.20.0.0/16", "10.20.0.0"),
            IMAGE,
            "line 18: egress_cidrs",
        ),
        (
            FULL_INSTANCES.to_owned(),
            "odoo-mcp:latest",
            "image \"odoo-mcp:latest\" is not pinned",
        ),
    ] {
        let instances = write_instances(dir.path(), &body);
        let (written, stderr) = deploy_with(
            &instances,
            &out,
            &["--target", "kubernetes", "--image", image],
        )
        .await;
        assert!(!written, "deploy accepted:\n{body}");
        assert!(stderr.contains(expected), "{expected:?} not in {stderr:?}");
        assert!(!out.exists(), "nothing is written on error");
    }
}

/// `identity: oauth`: a SQLite key store on its own volume with one pod, or
/// PostgreSQL by reference with several; the store's secret from the Secret.
#[tokio::test]
async fn oauth_instances_render_valid_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let source = "\
site: \":8080\"
kubernetes:
  host: mcp.example.com
instances:
  - name: a
    odoo_url: http://odoo.internal:8069
    env_file: a.env
    identity: oauth
    oauth_issuer_url: https://idp.example.com
  - name: b
    odoo_url: http://odoo.internal:8069
    env_file: b.env
    replicas: 2
    identity: oauth
    key_store: postgres
    oauth_issuer_url: https://idp.example.com
";
    let instances = write_instances(dir.path(), source);
    let out = dir.path().join("out");
    let tree = render(&instances, &out).await;
    assert_valid(&out, &tree).await;
    let object = |file: &str| {
        tree.iter()
            .find(|m| m.file == Path::new(file))
            .unwrap_or_else(|| panic!("no {file}"))
            .object
            .clone()
    };
    let pod = &object("a/deployment.yaml")["spec"]["template"]["spec"];
    assert_eq!(
        pod["volumes"][0]["persistentVolumeClaim"]["claimName"],
        "odoo-mcp-a-keys"
    );
    assert_eq!(
        pod["containers"][0]["volumeMounts"][0]["mountPath"],
        "/var/lib/odoo-mcp"
    );
    assert_eq!(
        object("a/deployment.yaml")["spec"]["strategy"]["type"],
        "Recreate"
    );
    assert_eq!(object("a/hpa.yaml")["spec"]["maxReplicas"], 1);
    assert_eq!(object("a/pvc.yaml")["kind"], "PersistentVolumeClaim");
    let env =
        object("b/deployment.yaml")["spec"]["template"]["spec"]["containers"][0]["env"].clone();
    let names: Vec<&str> = env
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert!(names.contains(&"ODOO_MCP_KEY_STORE") && names.contains(&"ODOO_MCP_KEY_STORE_SECRET"));
    assert!(!names.contains(&"ODOO_API_KEY"));
    assert!(!tree.iter().any(|m| m.file == Path::new("b/pvc.yaml")));

    // Several replicas on one SQLite file: refused, nothing written.
    let crowded = source.replace(
        "    env_file: a.env\n",
        "    env_file: a.env\n    replicas: 2\n",
    );
    let instances = write_instances(dir.path(), &crowded);
    let (written, stderr) = deploy_with(
        &instances,
        &dir.path().join("out2"),
        &["--target", "kubernetes", "--image", IMAGE],
    )
    .await;
    assert!(!written && stderr.contains("key_store sqlite"), "{stderr}");
}
