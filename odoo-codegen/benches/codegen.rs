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
//! - the machine the figures come from.
//!
//! `CODEGEN_BENCH_BUILD=0` skips the builds (the first run also builds their
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
/// waited for (cargo and the rustc that compiled `generated`).
struct Build {
    time: Duration,
    peak_rss_kib: u64,
}

/// Runs `cargo build -p generated` (debug, as CI builds) in `workspace` with
/// `target_dir`, from a child of this bench so that the peak memory counts
/// that build alone (`getrusage(RUSAGE_CHILDREN)` there).
fn cargo_build_generated(workspace: &Path, target_dir: &Path) -> Build {
    let output = Command::new(std::env::current_exe().expect("the bench binary"))
        .env(CHILD_ENV, "1")
        .arg(workspace)
        .arg(target_dir)
        .output()
        .expect("run the build child");
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "cargo build -p generated failed in {}:\n{text}{}",
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
    }
}

const CHILD_ENV: &str = "CODEGEN_BENCH_CHILD";

/// The child of [`cargo_build_generated`]: builds, then prints milliseconds and KiB.
fn build_child(workspace: &Path, target_dir: &Path) -> ! {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .current_dir(workspace)
        .args(["build", "--quiet", "-p", "generated", "--target-dir"])
        .arg(target_dir)
        .status()
        .expect("run cargo build");
    let time = start.elapsed();
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let peak = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    };
    println!("{} {peak}", time.as_millis());
    std::process::exit(if status.success() { 0 } else { 1 });
}

/// Forgets `generated` (its fingerprint and incremental state) in `target_dir`,
/// so that the next build compiles it, and only it, from scratch.
fn forget_generated(target_dir: &Path) {
    for dir in ["debug/.fingerprint", "debug/incremental"] {
        let Ok(entries) = std::fs::read_dir(target_dir.join(dir)) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("target entry").path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("generated-"))
            {
                std::fs::remove_dir_all(&path).expect("remove build state");
            }
        }
    }
}

/// Builds its dependencies, then `generated` alone from scratch.
fn crate_alone(workspace: &Path, target_dir: &Path) -> Build {
    cargo_build_generated(workspace, target_dir);
    forget_generated(target_dir);
    cargo_build_generated(workspace, target_dir)
}

/// The crates of the all-models workspace: links to the real first two, and `generated`.
const MEMBERS: [&str; 3] = ["odoo-client", "odoo-derive", "generated"];

/// A workspace of odoo-client, odoo-derive and a `generated` crate with
/// `sources` (every model, no features), next to the real one's lock file.
fn all_models_workspace(root: &Path, dir: &Path, sources: &odoo_codegen::emit::Files) {
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
    for krate in &MEMBERS[..2] {
        std::os::unix::fs::symlink(root.join(krate), dir.join(krate)).expect("symlink");
    }
    let generated = read("generated/Cargo.toml");
    let package = generated
        .split("[dev-dependencies]")
        .next()
        .unwrap_or(&generated);
    let package = package
        .split(odoo_codegen::write::FEATURES_MARKER)
        .next()
        .unwrap_or(package);
    write("generated/Cargo.toml", package);
    for (name, text) in sources {
        write(&format!("generated/src/{name}"), text);
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
        build_child(&workspace, &target_dir);
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
    let all_files = output.sources.len();
    let all_lines: usize = output.sources.values().map(|s| s.lines().count()).sum();
    let all_bytes: usize = output.sources.values().map(String::len).sum();

    let curated = CodegenConfig::default();
    let (median_curated, _, output) = time(10, || {
        odoo_codegen::generate(&snapshot, &curated, "fixtures").expect("generate")
    });
    let curated_lines: usize = output.sources.values().map(|s| s.lines().count()).sum();

    let build = std::env::var("CODEGEN_BENCH_BUILD").map_or(true, |v| v != "0");
    // Builds share the cores with whatever else runs: say how busy they were.
    let load_before = load_average();
    let builds = build.then(|| {
        // Kept between runs (under the workspace's target dir): dependencies build once.
        let bench_dir = std::env::var_os("CARGO_TARGET_DIR")
            .map_or_else(|| root.join("target"), PathBuf::from)
            .join("codegen-bench");
        let target_dir = bench_dir.join("target");
        let curated = crate_alone(&root, &target_dir);
        let workspace = bench_dir.join("all-models");
        let output = odoo_codegen::generate(&snapshot, &all, "fixtures").expect("generate");
        all_models_workspace(&root, &workspace, &output.sources);
        let all_models = crate_alone(&workspace, &target_dir);
        (curated, all_models)
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
    match builds {
        Some((curated, all_models)) => {
            let gb = |b: &Build| b.peak_rss_kib as f64 / 1024.0 / 1024.0;
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
                "  peak memory of that build (cargo, rustc)",
                format!("{:.2} GB", gb(&all_models)),
                "<= 2 GB",
                Some(gb(&all_models) <= 2.0),
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
