//! The contract test: the live suite's scenarios, replayed on the Odoo double, must end
//! as they ended on real Odoo servers (`tests/live/<target>.json`, recorded by
//! `scripts/test-live --record`). CI has no Odoo; this keeps the double honest.

use std::collections::BTreeMap;
use std::sync::Arc;

use odoo_tests::live::{self, BoxFuture, Outage, Recording, Target};
use odoo_tests::{Fault, OdooDouble};

/// Odoo "down": every connection is dropped until it is "started" again.
struct DoubleOutage(Arc<OdooDouble>);

impl Outage for DoubleOutage {
    fn stop(&self) -> BoxFuture<'_, Result<(), String>> {
        self.0.set_fault(Some(Fault::Drop));
        Box::pin(async { Ok(()) })
    }

    fn start(&self) -> BoxFuture<'_, Result<(), String>> {
        self.0.set_fault(None);
        Box::pin(async { Ok(()) })
    }
}

fn recordings() -> Vec<Recording> {
    let dir = live::recordings_dir();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| Recording::load(path).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// `odoo19-json2` → (19, "json2").
fn parse_target(label: &str) -> (u32, &str) {
    let (version, api) = label
        .strip_prefix("odoo")
        .and_then(|rest| rest.split_once('-'))
        .unwrap_or_else(|| panic!("recording target {label:?} is not odoo<major>-<api>"));
    (version.parse().expect("major version"), api)
}

async fn replay(recording: &Recording) -> Vec<String> {
    let (major, api) = parse_target(&recording.target);
    let double = Arc::new(OdooDouble::start_with_version(major).await);
    let env: BTreeMap<String, String> = [
        ("ODOO_URL", double.url()),
        ("ODOO_DB", double.db().to_string()),
        ("ODOO_USER", double.login().to_string()),
        ("ODOO_API_KEY", double.api_key().to_string()),
        ("ODOO_API_VERSION", api.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let demo: BTreeMap<String, String> = [
        ("ODOO_USER", "demo".to_string()),
        ("ODOO_API_KEY", double.demo_api_key().to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let target = Target {
        label: recording.target.clone(),
        env,
        demo: Some(demo),
        mcp_bin: env!("CARGO_BIN_EXE_odoo-mcp").into(),
        codegen_bin: None,
        // The live run takes Odoo down and speaks HTTP once per server: where it did.
        outage: recording
            .outcomes
            .contains_key("outage: recovered")
            .then(|| Box::new(DoubleOutage(double.clone())) as Box<dyn Outage>),
        http: recording.outcomes.contains_key("http: list_models"),
        key_store_url: None,
    };
    let report = live::run(&target).await;
    let got = report.labels();
    let mut differences = Vec::new();
    for (scenario, label) in &recording.outcomes {
        match got.get(scenario) {
            Some(double_label) if double_label == label => {}
            Some(double_label) => {
                let detail = report
                    .outcomes
                    .iter()
                    .find(|o| &o.scenario == scenario)
                    .map(|o| o.detail.clone())
                    .unwrap_or_default();
                differences.push(format!(
                    "{}: {scenario}: Odoo {label}, double {double_label} ({detail})",
                    recording.target
                ));
            }
            None => differences.push(format!(
                "{}: {scenario}: Odoo {label}, the double run never reached it",
                recording.target
            )),
        }
    }
    for scenario in got.keys().filter(|s| !recording.outcomes.contains_key(*s)) {
        differences.push(format!(
            "{}: {scenario}: ran on the double, not in the recording (record again with scripts/test-live --record)",
            recording.target
        ));
    }
    differences
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_double_answers_as_odoo_did() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let recordings = recordings();
    assert!(
        !recordings.is_empty(),
        "no recordings in {}",
        live::recordings_dir().display()
    );
    let mut differences = Vec::new();
    for recording in &recordings {
        differences.extend(replay(recording).await);
    }
    assert!(
        differences.is_empty(),
        "the double and real Odoo disagree:\n{}",
        differences.join("\n")
    );
}
