//! The codegen figures of issue 9, each with its target and PASS/FAIL (a
//! benchmark, not a test): `cargo bench -p odoo-codegen --bench codegen`.
//!
//! - the full Odoo 19 fixture schema (518 models, 10,586 fields) → code:
//!   fixture import plus generation, target under 2 s;
//! - `cargo build -p generated` (debug, as CI builds), the crate alone from
//!   scratch once its dependencies are built, with the peak memory of the
//!   build: every model of the fixtures (a workspace of its own under
//!   `target/codegen-bench`), target 60 s and 2 GB; the curated set (the
//!   checked-in crate, default features), target 10 s (issue 16);
//! - `cargo build --release -p odoo-mcp` with every model against the
//!   curated set (`generated` and `odoo-mcp` from scratch, dependencies
//!   built), target 3x; it leaves the all-models server binary for the
//!   server bench's memory and start-up (`ODOO_MCP_BENCH_BIN`);
//! - the machine the figures come from.
//!
//! `CODEGEN_BENCH_BUILD=0` skips the builds, `CODEGEN_BENCH_RELEASE=0` the
//! release ones (the first run also builds their
//! dependencies, a few minutes); `CODEGEN_BENCH_OUT=DIR` also writes the
//! all-models crate sources.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use odoo_codegen::config::CodegenConfig;
use odoo_codegen::fixtures;
use odoo_codegen::snapshot::Snapshot;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut samples = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        last = Some(f());
        samples.push(start.elapsed());
    }
    let min = *samples.iter().min().unwrap_or(&Duration::ZERO);
    (median(samples), min, last.expect("runs > 0"))
}

fn row(figure: &str, measured: String, target: &str, pass: Option<bool>) {
    let verdict = match pass {
        Some(true) => "PASS",
        Some(false) => "FAIL",
        None => "",
    };
    println!("{figure:<52} {measured:>12}  {target:<8} {verdict}");
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// One build's wall time and the peak resident memory of the processes it
/// waited for (cargo and the rustc processes it ran).
struct Build {
    time: Duration,
    /// The largest process (a rustc).
    peak_rss_kib: u64,
    /// All its processes at once, sampled every 50 ms (part crates build side by side).
    peak_together_kib: u64,
}

/// A build the bench times: a package of a workspace, debug or release.
#[derive(Clone, Copy)]
enum Target {
    /// `cargo build -p generated` (debug, as CI builds).
    GeneratedDebug,
    /// `cargo build --release -p odoo-mcp --bin odoo-mcp` (the server binary).
    ServerRelease,
}

impl Target {
    fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Self::GeneratedDebug => &["-p", "generated"],
            Self::ServerRelease => &["--release", "-p", "odoo-mcp", "--bin", "odoo-mcp"],
        }
    }

    fn profile_dir(self) -> &'static str {
        match self {
            Self::GeneratedDebug => "debug",
            Self::ServerRelease => "release",
        }
    }

    /// The crates it builds from scratch (their build-state prefixes), the
    /// dependencies being built.
    fn own_crates(self) -> &'static [&'static str] {
        match self {
            Self::GeneratedDebug => &["generated-", "generated_"],
            Self::ServerRelease => &["generated-", "generated_", "odoo-mcp-", "odoo_mcp-"],
        }
    }
}

/// Runs `target`'s build in `workspace` with `target_dir`, from a child of
/// this bench so that the peak memory counts that build alone
/// (`getrusage(RUSAGE_CHILDREN)` there).
fn cargo_build(workspace: &Path, target_dir: &Path, target: Target) -> Build {
    let output = Command::new(std::env::current_exe().expect("the bench binary"))
        .env(CHILD_ENV, "1")
        .arg(workspace)
        .arg(target_dir)
        .args(target.cargo_args())
        .output()
        .expect("run the build child");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo build {:?} failed in {}:\n{text}{}",
        target.cargo_args(),
        workspace.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let mut fields = text.split_whitespace();
    let mut next = || {
        fields
            .next()
            .and_then(|f| f.parse::<u64>().ok())
            .expect("child figures")
    };
    Build {
        time: Duration::from_millis(next()),
        peak_rss_kib: next(),
        peak_together_kib: next(),
    }
}

const CHILD_ENV: &str = "CODEGEN_BENCH_CHILD";

/// The child of [`cargo_build`]: builds, then prints milliseconds and KiB.
fn build_child(workspace: &Path, target_dir: &Path, cargo_args: Vec<std::ffi::OsString>) -> ! {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let mut child = Command::new(cargo)
        .current_dir(workspace)
        .args(["build", "--quiet", "--target-dir"])
        .arg(target_dir)
        .args(cargo_args)
        .spawn()
        .expect("run cargo build");
    // Part crates compile side by side: sample what they hold together.
    let mut peak_together = 0;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for cargo") {
            break status;
        }
        peak_together = peak_together.max(descendants_rss_kib());
        std::thread::sleep(Duration::from_millis(50));
    };
    let time = start.elapsed();
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let peak = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    };
    println!("{} {peak} {peak_together}", time.as_millis());
    std::process::exit(if status.success() { 0 } else { 1 });
}

/// The resident memory of this process's descendants, summed (Linux `/proc`).
fn descendants_rss_kib() -> u64 {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let mut parents = std::collections::HashMap::new();
    for entry in entries.filter_map(Result::ok) {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid …`: comm may hold spaces, so split after `)`.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if let Some(ppid) = ppid {
            parents.insert(pid, ppid);
        }
    }
    let me = std::process::id();
    let descends = |mut pid: u32| {
        while let Some(&parent) = parents.get(&pid) {
            if parent == me {
                return true;
            }
            pid = parent;
        }
        false
    };
    parents
        .keys()
        .filter(|&&pid| descends(pid))
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/statm")).ok())
        .filter_map(|statm| statm.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map(|pages| pages * 4)
        .sum()
}

/// Forgets `target`'s own crates (their fingerprints and incremental state)
/// in `target_dir`, so that the next build compiles them, and only them,
/// from scratch.
fn forget_own_crates(target_dir: &Path, target: Target) {
    for dir in [".fingerprint", "incremental"] {
        let Ok(entries) = std::fs::read_dir(target_dir.join(target.profile_dir()).join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("target entry").path();
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            if name.is_some_and(|n| target.own_crates().iter().any(|c| n.starts_with(c))) {
                std::fs::remove_dir_all(&path).expect("remove build state");
            }
        }
    }
}

/// Builds the dependencies of `target`, then its own crates alone from scratch.
fn crate_alone(workspace: &Path, target_dir: &Path, target: Target) -> Build {
    cargo_build(workspace, target_dir, target);
    forget_own_crates(target_dir, target);
    cargo_build(workspace, target_dir, target)
}

/// The crates of the all-models workspace: `generated`, and links to the real others.
const MEMBERS: [&str; 4] = ["generated", "odoo-client", "odoo-derive", "odoo-mcp"];

/// A workspace of odoo-client, odoo-derive, odoo-mcp and a `generated` crate
/// of `output` (every model, no features; its part crates), next to the real
/// one's lock file.
fn all_models_workspace(root: &Path, dir: &Path, output: &odoo_codegen::write::Output) {
    let read = |p: &str| std::fs::read_to_string(root.join(p)).expect("workspace file");
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir.join("generated/src")).expect("bench workspace");
    let mut manifest = String::new();
    for line in read("Cargo.toml").lines() {
        // Only the crates `generated` needs: the others' dependencies stay out.
        let line = if line.starts_with("members") || line.starts_with("default-members") {
            let key = line.split('=').next().unwrap_or("members").trim();
            format!("{key} = {MEMBERS:?}")
        } else if MEMBERS
            .iter()
            .any(|m| line.contains(&format!("path = \"{m}\"")))
        {
            line.to_string()
        } else {
            // The other crates stay where they are (members' dev-dependencies).
            line.replace("path = \"", &format!("path = \"{}/", root.display()))
        };
        manifest.push_str(&line);
        manifest.push('\n');
    }
    let write = |p: &str, text: &str| std::fs::write(dir.join(p), text).expect("bench file");
    write("Cargo.toml", &manifest);
    write("Cargo.lock", &read("Cargo.lock"));
    for krate in ["odoo-client", "odoo-derive"] {
        std::os::unix::fs::symlink(root.join(krate), dir.join(krate)).expect("symlink");
    }
    // odoo-mcp's sources with a manifest that leaves out its tests and
    // benches: their dev-dependencies build the real `generated` too.
    std::fs::create_dir_all(dir.join("odoo-mcp")).expect("bench odoo-mcp");
    std::os::unix::fs::symlink(root.join("odoo-mcp/src"), dir.join("odoo-mcp/src"))
        .expect("symlink");
    let server = read("odoo-mcp/Cargo.toml");
    let mut manifest = String::new();
    let mut skipping = false;
    for line in server.lines() {
        if line.starts_with('[') {
            skipping = line == "[dev-dependencies]" || line == "[[bench]]";
        }
        if !skipping {
            manifest.push_str(line);
            manifest.push('\n');
        }
    }
    write("odoo-mcp/Cargo.toml", &manifest);
    let generated = read("generated/Cargo.toml");
    let package = generated
        .split("[dev-dependencies]")
        .next()
        .unwrap_or(&generated);
    let package = package
        .split(odoo_codegen::write::FEATURES_MARKER)
        .next()
        .unwrap_or(package);
    let generated_part = output.features.as_deref().unwrap_or_default();
    write(
        "generated/Cargo.toml",
        &format!("{package}\n{generated_part}"),
    );
    for (name, text) in &output.sources {
        write(&format!("generated/src/{name}"), text);
    }
    for (name, text) in &output.parts {
        let path = dir.join("generated/parts").join(name);
        std::fs::create_dir_all(path.parent().expect("a part file's directory"))
            .expect("bench part");
        std::fs::write(path, text).expect("bench file");
    }
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            let kib: f64 = t.lines().next()?.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "? GiB".into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores, {memory}; {rustc}")
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        let mut args = std::env::args_os().skip(1);
        let workspace = PathBuf::from(args.next().expect("workspace"));
        let target_dir = PathBuf::from(args.next().expect("target dir"));
        build_child(&workspace, &target_dir, args.collect());
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .expect("workspace root");
    let fixtures_dir = odoo_tests::fixtures_dir();
    let (load, _, snapshot): (_, _, Snapshot) = time(3, || {
        fixtures::load(&fixtures_dir)
            .expect("fixtures")
            .assemble(None)
    });
    let fields: usize = snapshot.models.iter().map(|m| m.fields.len()).sum();

    let all = CodegenConfig::all_models();
    let (median_all, min_all, output) = time(5, || {
        odoo_codegen::generate(&snapshot, &all, "fixtures").expect("generate")
    });
    let all_sources = || output.sources.values().chain(output.parts.values());
    let all_files = all_sources().count();
    let all_lines: usize = all_sources().map(|s| s.lines().count()).sum();
    let all_bytes: usize = all_sources().map(String::len).sum();

    let curated = CodegenConfig::default();
    let (median_curated, _, output) = time(10, || {
        odoo_codegen::generate(&snapshot, &curated, "fixtures").expect("generate")
    });
    let curated_lines: usize = output.sources.values().map(|s| s.lines().count()).sum();

    let build = std::env::var("CODEGEN_BENCH_BUILD").map_or(true, |v| v != "0");
    // Builds share the cores with whatever else runs: say how busy they were.
    let load_before = load_average();
    let release = build && std::env::var("CODEGEN_BENCH_RELEASE").map_or(true, |v| v != "0");
    let builds = build.then(|| {
        // Kept between runs (under the workspace's target dir): dependencies build once.
        let bench_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| root.join("target"), PathBuf::from)
            .join("codegen-bench");
        let target_dir = bench_dir.join("target");
        let curated = crate_alone(&root, &target_dir, Target::GeneratedDebug);
        let workspace = bench_dir.join("all-models");
        // Every model typed; the server lists the curated models' typed tools.
        let mut config = CodegenConfig::all_models();
        config.default_models = Some(
            odoo_codegen::config::DEFAULT_MODELS
                .iter()
                .map(|m| m.to_string())
                .collect(),
        );
        let output = odoo_codegen::generate(&snapshot, &config, "fixtures").expect("generate");
        all_models_workspace(&root, &workspace, &output);
        let all_models = crate_alone(&workspace, &target_dir, Target::GeneratedDebug);
        let server = target_dir.join("release/odoo-mcp");
        let size = || std::fs::metadata(&server).map_or(0, |m| m.len());
        let servers = release.then(|| {
            let curated = crate_alone(&root, &target_dir, Target::ServerRelease);
            let curated_size = size();
            let all_models = crate_alone(&workspace, &target_dir, Target::ServerRelease);
            (curated, curated_size, all_models, size(), server.clone())
        });
        (curated, all_models, servers)
    });
    println!("odoo-codegen figures (release build of the generator)");
    println!(
        "{:<52} {:>12}  {:<8} result",
        "figure", "measured", "target"
    );
    row(
        &format!(
            "fixture import ({} models, {fields} fields), median",
            snapshot.models.len()
        ),
        format!("{:.0} ms", load.as_secs_f64() * 1e3),
        "",
        None,
    );
    row(
        &format!(
            "generate all {} models, median (min {:.0} ms)",
            snapshot.models.len(),
            min_all.as_secs_f64() * 1e3
        ),
        format!("{:.0} ms", median_all.as_secs_f64() * 1e3),
        "",
        None,
    );
    let total = load + median_all;
    row(
        "full schema -> code (import + generate)",
        format!("{:.0} ms", total.as_secs_f64() * 1e3),
        "< 2 s",
        Some(total < Duration::from_secs(2)),
    );
    row(
        "  output: files / lines / MB",
        format!("{all_files} / {all_lines} / {:.1}", all_bytes as f64 / 1e6),
        "",
        None,
    );
    row(
        &format!("generate curated set ({curated_lines} lines), median"),
        format!("{:.0} ms", median_curated.as_secs_f64() * 1e3),
        "",
        None,
    );
    let gb = |b: &Build| b.peak_rss_kib as f64 / 1024.0 / 1024.0;
    let together = |b: &Build| b.peak_together_kib as f64 / 1024.0 / 1024.0;
    let mb = |bytes: u64| format!("{:.1} MB", bytes as f64 / 1e6);
    match builds {
        Some((curated, all_models, servers)) => {
            row(
                &format!(
                    "cargo build -p generated, all {} models (debug, deps built)",
                    snapshot.models.len()
                ),
                secs(all_models.time),
                "<= 60 s",
                Some(all_models.time <= Duration::from_secs(60)),
            );
            row(
                "  peak memory of one rustc in it",
                format!("{:.2} GB", gb(&all_models)),
                "<= 2 GB",
                Some(gb(&all_models) <= 2.0),
            );
            row(
                "  peak memory of its processes together",
                format!("{:.2} GB", together(&all_models)),
                "",
                None,
            );
            row(
                "cargo build -p generated, curated set (debug, deps built)",
                secs(curated.time),
                "<= 10 s",
                Some(curated.time <= Duration::from_secs(10)),
            );
            row(
                "  peak memory of that build (cargo, rustc)",
                format!("{:.2} GB", gb(&curated)),
                "",
                None,
            );
            match servers {
                Some((curated, curated_size, all_models, all_size, binary)) => {
                    row(
                        "release odoo-mcp, curated (generated + odoo-mcp)",
                        secs(curated.time),
                        "",
                        None,
                    );
                    let ratio = all_models.time.as_secs_f64() / curated.time.as_secs_f64();
                    row(
                        &format!("release odoo-mcp, all {} models", snapshot.models.len()),
                        format!("{} ({ratio:.1}x)", secs(all_models.time)),
                        "<= 3x",
                        Some(ratio <= 3.0),
                    );
                    row(
                        "  peak memory, curated / all models",
                        format!("{:.2} / {:.2} GB", gb(&curated), gb(&all_models)),
                        "",
                        None,
                    );
                    row(
                        "  binary, curated / all models",
                        format!("{} / {}", mb(curated_size), mb(all_size)),
                        "",
                        None,
                    );
                    println!(
                        "all-models server (RSS, start-up): ODOO_MCP_BENCH_BIN={} cargo bench -p odoo-mcp --bench server",
                        binary.display()
                    );
                }
                None => println!("release builds: skipped (CODEGEN_BENCH_RELEASE=0)"),
            }
            row(
                "  load average before / after the builds",
                format!("{load_before} / {}", load_average()),
                "",
                None,
            );
        }
        None => println!("cargo build -p generated: skipped (CODEGEN_BENCH_BUILD=0)"),
    }
    println!("machine: {}", machine());

    // Writes the all-models crate sources for a by-hand `cargo build` timing.
    if let Some(dir) = std::env::var_os("CODEGEN_BENCH_OUT") {
        let output = odoo_codegen::generate(&snapshot, &all, "fixtures").expect("generate");
        odoo_codegen::write::write(&PathBuf::from(dir), &output).expect("write");
    }
}
