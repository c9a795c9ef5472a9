//! The codegen figures of issue 9, each with its target and PASS/FAIL (a
//! benchmark, not a test): `cargo bench -p odoo-codegen --bench codegen`.
//!
//! - the full Odoo 19 fixture schema (518 models, 10,586 fields) → code:
//!   fixture import plus generation, target under 2 s;
//! - `cargo build -p generated` for the curated set (debug, as CI builds):
//!   the `generated` crate once its dependencies are built, target under
//!   60 s; and the cold build of it all in a fresh target dir.
//!
//! `CODEGEN_BENCH_BUILD=0` skips the build timings (they take a minute or
//! two); `CODEGEN_BENCH_OUT=DIR` also writes the all-models crate sources.

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

/// `cargo build -p generated` (debug, as CI builds) in `target_dir`.
fn cargo_build_generated(root: &Path, target_dir: &Path) -> Duration {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let start = Instant::now();
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["build", "--quiet", "-p", "generated", "--target-dir"])
        .arg(target_dir)
        .status()
        .expect("run cargo build");
    assert!(status.success(), "cargo build -p generated failed");
    start.elapsed()
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
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
    // Builds share the 2 cores with whatever else runs: say how busy they were.
    let load_average = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string));
    let builds = build.then(|| {
        let dir = tempfile::tempdir().expect("temporary target dir");
        let cold = cargo_build_generated(&root, dir.path());
        // Forget `generated` alone (in this private target dir) to time its own compilation.
        for entry in std::fs::read_dir(dir.path().join("debug/.fingerprint")).expect("fingerprints")
        {
            let path = entry.expect("fingerprint").path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("generated-"))
            {
                std::fs::remove_dir_all(&path).expect("remove fingerprint");
            }
        }
        let crate_alone = cargo_build_generated(&root, dir.path());
        (cold, crate_alone)
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
        Some((cold, crate_alone)) => {
            // The curated set decides what `generated` itself compiles; its
            // dependencies (odoo-client's HTTP and TLS stack) build once.
            row(
                "cargo build -p generated, the crate (debug, deps built)",
                secs(crate_alone),
                "< 60 s",
                Some(crate_alone < Duration::from_secs(60)),
            );
            row(
                "cargo build -p generated, cold (debug, with deps)",
                secs(cold),
                "",
                None,
            );
            if let Some(load) = &load_average {
                row("  load average before the builds", load.clone(), "", None);
            }
        }
        None => println!("cargo build -p generated: skipped (CODEGEN_BENCH_BUILD=0)"),
    }

    // Writes the all-models crate sources for a by-hand `cargo build` timing.
    if let Some(dir) = std::env::var_os("CODEGEN_BENCH_OUT") {
        let output = odoo_codegen::generate(&snapshot, &all, "fixtures").expect("generate");
        odoo_codegen::write::write(&PathBuf::from(dir), &output).expect("write");
    }
}
