//! `odoo-mcp deploy`: the generated Caddyfile passes the real Caddy's
//! validation, the compose file has the expected structure, and a real Caddy
//! routes `/a/` and `/b/` to two servers, each against its own Odoo. The
//! Kubernetes target's checks are in deploy/kubernetes.rs.

mod common;
#[path = "deploy/kubernetes.rs"]
mod kubernetes;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use common::*;
use odoo_tests::OdooDouble;
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use serde_json::{Value, json};
use tokio::process::Command;

/// The Caddy binary: `$CADDY`, else `caddy` on the PATH (scripts/test installs it).
fn caddy() -> String {
    std::env::var("CADDY").unwrap_or_else(|_| "caddy".into())
}

fn write_instances(dir: &Path, body: &str) -> PathBuf {
    for env in ["a.env", "b.env"] {
        std::fs::write(dir.join(env), "ODOO_API_KEY=not-used-here\n").unwrap();
    }
    let path = dir.join("instances.yml");
    std::fs::write(&path, body).unwrap();
    path
}

/// Runs `odoo-mcp deploy`; returns (success, stderr).
async fn deploy(instances: &Path, out: &Path) -> (bool, String) {
    deploy_with(instances, out, &[]).await
}

/// Runs `odoo-mcp deploy` with `extra` arguments; returns (success, stderr).
async fn deploy_with(instances: &Path, out: &Path, extra: &[&str]) -> (bool, String) {
    let output = Command::new(BIN)
        .args(["deploy", "--instances"])
        .arg(instances)
        .arg("--out")
        .arg(out)
        .args(extra)
        .env_clear()
        .output()
        .await
        .expect("run odoo-mcp deploy");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn caddy_validate(caddyfile: &Path) -> (bool, String) {
    let output = Command::new(caddy())
        .args(["validate", "--adapter", "caddyfile", "--config"])
        .arg(caddyfile)
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run caddy ({e}); scripts/test installs it"));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const COMPOSE_INSTANCES: &str = "\
site: mcp.example.com
instances:
  - name: a
    odoo_url: https://a.example.com
    db: a
    api_version: json2
    yolo: read
    env_file: a.env
    replicas: 3
  - name: b
    odoo_url: https://b.example.com
    env_file: b.env
";

#[tokio::test]
async fn generated_files_validate_and_have_the_expected_structure() {
    let dir = tempfile::tempdir().unwrap();
    let instances = write_instances(dir.path(), COMPOSE_INSTANCES);
    let out = dir.path().join("out");
    let (written, stderr) = deploy(&instances, &out).await;
    assert!(written, "deploy failed: {stderr}");

    let (valid, log) = caddy_validate(&out.join("Caddyfile")).await;
    assert!(valid, "caddy validate refused the Caddyfile:\n{log}");

    let compose: Value =
        yaml_serde::from_str(&std::fs::read_to_string(out.join("docker-compose.yml")).unwrap())
            .unwrap();
    let services = compose["services"].as_object().expect("services");
    let mut names: Vec<&str> = services.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["a", "b", "caddy"]);
    let a = &services["a"];
    assert_eq!(a["deploy"]["replicas"], 3);
    assert_eq!(services["b"]["deploy"]["replicas"], 1);
    assert_eq!(a["env_file"], json!(["../a.env"]));
    assert_eq!(a["environment"]["ODOO_YOLO"], "read");
    assert_eq!(a["environment"]["ODOO_MCP_STATELESS"], "true");
    assert_eq!(
        a["environment"]["ODOO_MCP_PUBLIC_URL"],
        "https://mcp.example.com/a"
    );
    for service in ["a", "b"] {
        let env = services[service]["environment"].as_object().unwrap();
        assert!(
            env.keys()
                .all(|k| !k.contains("KEY") && !k.contains("PASSWORD")),
            "secrets stay in env files: {env:?}"
        );
    }
    assert_eq!(services["caddy"]["depends_on"], json!(["a", "b"]));

    let dockerfile = std::fs::read_to_string(out.join("Dockerfile")).unwrap();
    assert!(dockerfile.contains(" AS build"), "multi-stage");
    assert!(dockerfile.contains("USER nonroot"), "non-root");
}

#[tokio::test]
async fn bad_instances_name_the_line_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (body, expected) in [
        (
            COMPOSE_INSTANCES.replace("name: b", "name: a"),
            "line 10: duplicate instance name \"a\" (first on line 3)",
        ),
        (
            COMPOSE_INSTANCES.replace("name: b", "name: B/2"),
            "line 10: instance name \"B/2\" is not URL-safe",
        ),
        (
            COMPOSE_INSTANCES.replace("replicas: 3", "replicaz: 3"),
            "line 9: instances[0]: unknown field `replicaz`",
        ),
        (
            COMPOSE_INSTANCES.replace("env_file: b.env", "env_file: missing.env"),
            "line 12: env_file",
        ),
    ] {
        let instances = write_instances(dir.path(), &body);
        let (written, stderr) = deploy(&instances, &out).await;
        assert!(!written, "deploy accepted:\n{body}");
        assert!(stderr.contains(expected), "{expected:?} not in {stderr:?}");
        assert!(!out.exists(), "nothing is written on error");
    }
}

/// The example of docs/deployment.md as a new user runs it: the shipped env file examples copied
/// to the `*.env` names, then `odoo-mcp deploy` on `deploy/instances.example.yml`; every
/// instance's container environment must then be a configuration the server accepts.
#[tokio::test]
async fn the_shipped_example_deploys_and_configures_every_instance() {
    let dir = tempfile::tempdir().unwrap();
    let instances = copy_shipped_example(dir.path());
    let out = dir.path().join("out");
    let (written, stderr) = deploy(&instances, &out).await;
    assert!(written, "deploy failed: {stderr}");
    let (valid, log) = caddy_validate(&out.join("Caddyfile")).await;
    assert!(valid, "caddy validate refused the Caddyfile:\n{log}");

    let compose: Value =
        yaml_serde::from_str(&std::fs::read_to_string(out.join("docker-compose.yml")).unwrap())
            .unwrap();
    let services = compose["services"].as_object().expect("services");
    let mut names: Vec<&str> = services.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(names, ["acme", "caddy", "globex"]);
    for name in ["acme", "globex"] {
        let service = &services[name];
        let mut env: Vec<(String, String)> = Vec::new();
        for file in service["env_file"].as_array().unwrap() {
            let text = std::fs::read_to_string(out.join(file.as_str().unwrap())).unwrap();
            env.extend(
                text.lines()
                    .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
                    .map(|l| {
                        let (k, v) = l.split_once('=').expect("KEY=value");
                        (k.to_owned(), v.to_owned())
                    }),
            );
        }
        for (k, v) in service["environment"].as_object().unwrap() {
            env.push((k.clone(), v.as_str().unwrap().to_owned()));
        }
        assert_server_accepts(name, env).await;
    }
}

/// deploy/instances.example.yml and its env files, copied from the shipped
/// `*.env.example` files as docs/deployment.md says; returns the instances file.
fn copy_shipped_example(dir: &Path) -> PathBuf {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy");
    let instances = dir.join("instances.yml");
    std::fs::copy(example.join("instances.example.yml"), &instances).unwrap();
    std::fs::create_dir(dir.join("secrets")).unwrap();
    for entry in std::fs::read_dir(example.join("secrets")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if let Some(env) = name.strip_suffix(".example") {
            std::fs::copy(
                example.join("secrets").join(&name),
                dir.join("secrets").join(env),
            )
            .unwrap();
        }
    }
    instances
}

/// Starts the server with exactly `env`, as its container would, but on stdio
/// with no client: a configuration error exits 2 before anything else, a
/// good configuration exits 0.
async fn assert_server_accepts(name: &str, env: Vec<(String, String)>) {
    let output = Command::new(BIN)
        .env_clear()
        .envs(env)
        .env("ODOO_MCP_TRANSPORT", "stdio")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("run odoo-mcp");
    assert!(
        output.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A port nobody listens on, for Caddy's site.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[tokio::test]
async fn caddy_routes_each_prefix_to_its_own_odoo() {
    // Two Odoo instances told apart by one partner each.
    let odoo_a = OdooDouble::start().await;
    let odoo_b = OdooDouble::start().await;
    for (odoo, name) in [(&odoo_a, "Only In A"), (&odoo_b, "Only In B")] {
        let client = odoo_client::OdooClient::new(odoo.config_json2()).unwrap();
        let values = json!({"name": name}).as_object().cloned().unwrap();
        client
            .create("res.partner", &[values])
            .await
            .expect("seed partner");
    }
    let stateless = [("ODOO_MCP_STATELESS", "true")];
    // `a` has two replicas: round-robin sends consecutive requests of one MCP
    // session to different processes, which only works when they are stateless.
    let server_a1 = http_server(&server_env(&odoo_a, &stateless)).await;
    let server_a2 = http_server(&server_env(&odoo_a, &stateless)).await;
    let server_b = http_server(&server_env(&odoo_b, &stateless)).await;
    let upstream = |url: &str| {
        url.trim_start_matches("http://")
            .trim_end_matches("/mcp")
            .to_owned()
    };

    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let instances = write_instances(
        dir.path(),
        &format!(
            "site: http://127.0.0.1:{port}\ninstances:\n  - name: a\n    odoo_url: {}\n    env_file: a.env\n    upstreams: [\"{}\", \"{}\"]\n  - name: b\n    odoo_url: {}\n    env_file: b.env\n    upstreams: [\"{}\"]\n",
            odoo_a.url(),
            upstream(&server_a1.url),
            upstream(&server_a2.url),
            odoo_b.url(),
            upstream(&server_b.url),
        ),
    );
    let out = dir.path().join("out");
    let (written, stderr) = deploy(&instances, &out).await;
    assert!(written, "deploy failed: {stderr}");
    // Several tests may run Caddy at once: no shared admin endpoint.
    let caddyfile = format!(
        "{{\n\tadmin off\n}}\n{}",
        std::fs::read_to_string(out.join("Caddyfile")).unwrap()
    );
    let test_caddyfile = dir.path().join("Caddyfile.test");
    std::fs::write(&test_caddyfile, caddyfile).unwrap();
    let mut proxy = Command::new(caddy())
        .args(["run", "--adapter", "caddyfile", "--config"])
        .arg(&test_caddyfile)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start caddy");
    let caddy_log = Captured::spawn_reader(proxy.stderr.take().unwrap());
    wait_for_port(port, &caddy_log).await;

    for (prefix, mine, other) in [
        ("a", "Only In A", "Only In B"),
        ("b", "Only In B", "Only In A"),
    ] {
        let url = format!("http://127.0.0.1:{port}/{prefix}/mcp");
        let client = ()
            .serve(StreamableHttpClientTransport::from_uri(url.clone()))
            .await
            .unwrap_or_else(|e| panic!("initialize through {url}: {e}\n{}", caddy_log.text()));
        for _ in 0..4 {
            let found = ok(&call(
                &client,
                "search_records",
                json!({"model": "res.partner", "domain": [["name", "like", "Only In"]], "fields": ["name"]}),
            )
            .await);
            let names: Vec<&str> = found["records"]
                .as_array()
                .expect("records")
                .iter()
                .filter_map(|r| r["name"].as_str())
                .collect();
            assert!(names.contains(&mine), "{prefix}: {names:?}");
            assert!(
                !names.contains(&other),
                "{prefix} reached the wrong Odoo: {names:?}"
            );
        }
        client.cancel().await.ok();
    }
    proxy.kill().await.ok();
}

async fn wait_for_port(port: u16, log: &Captured) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("caddy did not listen on {port}:\n{}", log.text());
}
