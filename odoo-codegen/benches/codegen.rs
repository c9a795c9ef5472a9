//! Time to generate code for the full Odoo 19 fixture schema (518 models) and
//! for the curated set. Not a test: prints figures.
//!
//! `cargo bench -p odoo-codegen --bench codegen`

use std::path::PathBuf;
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

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let fixtures_dir = root.join("../shared/fixtures/odoo19");
    let (load, _, snapshot): (_, _, Snapshot) = time(3, || {
        fixtures::load(&fixtures_dir)
            .expect("fixtures")
            .assemble(None)
    });
    println!(
        "fixture import (518 models, 10,586 fields): median {:.1} ms",
        load.as_secs_f64() * 1e3
    );

    let all = CodegenConfig::all_models();
    let (median_all, min_all, output) = time(5, || {
        odoo_codegen::generate(&snapshot, &all, "fixtures").expect("generate")
    });
    let lines: usize = output.sources.values().map(|s| s.lines().count()).sum();
    let bytes: usize = output.sources.values().map(String::len).sum();
    println!(
        "generate all {} models: median {:.0} ms (min {:.0} ms), {} files, {} lines, {:.1} MB",
        snapshot.models.len(),
        median_all.as_secs_f64() * 1e3,
        min_all.as_secs_f64() * 1e3,
        output.sources.len(),
        lines,
        bytes as f64 / 1e6
    );

    let curated = CodegenConfig::default();
    let (median_curated, _, output) = time(10, || {
        odoo_codegen::generate(&snapshot, &curated, "fixtures").expect("generate")
    });
    let lines: usize = output.sources.values().map(|s| s.lines().count()).sum();
    println!(
        "generate curated 13 models: median {:.0} ms, {} lines",
        median_curated.as_secs_f64() * 1e3,
        lines
    );

    // Writes the all-models crate sources for a by-hand `cargo build` timing.
    if let Some(dir) = std::env::var_os("CODEGEN_BENCH_OUT") {
        let output = odoo_codegen::generate(&snapshot, &all, "fixtures").expect("generate");
        odoo_codegen::write::write(&PathBuf::from(dir), &output).expect("write");
    }
}
