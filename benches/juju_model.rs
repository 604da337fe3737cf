//! What a charm's integration tests wait for, through leaderd's `juju` (release build), beside
//! the published time of the same steps on Juju:
//! - `juju deploy` of a 3-unit ops charm (examples/secrets-ops) until every unit and the
//!   application are active;
//! - a test module's steps: add-model, deploy two applications (secrets-ops and
//!   secrets-client-ops, one unit each), integrate, wait until all are active, run an action,
//!   destroy-model (`--no-prompt --destroy-storage --force`, as jubilant's temp_model does).
//!
//! "Active" is read as jubilant reads it, from `juju status --format json`, asked every 25 ms
//! (jubilant asks every second and wants three answers in a row, which adds its own 2-3 s).
//!
//! The charms are ops charms: their dispatch runs the `python3` first on PATH, which needs ops
//! (`LEADERD_PYTHON_BIN=<dir of a python3 with ops>`; else the venv the jubilant driver makes,
//! `target/tmp/jubilant-venv`).
//!
//! Run: `cargo bench --bench juju_model` (ROUNDS=n, default 5).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const JUJU: &str = env!("CARGO_BIN_EXE_juju");
const DEADLINE: Duration = Duration::from_secs(120);

/// Published figures for the same steps on Juju (docs/benchmarks.md cites them).
const JUJU_K8S_MODULE_S: f64 = 55.43;
const JUJU_LXD_MODULE_S: f64 = 277.23;

fn main() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(5);
    let Some(python) = python_bin() else {
        println!("juju_model: no python3 with ops (set LEADERD_PYTHON_BIN, or run the jubilant driver once); skipped");
        return;
    };
    let home = tempfile::Builder::new().prefix("leaderd-bench-").tempdir().unwrap();
    let path = std::env::join_paths(
        [python].into_iter().chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let juju = Juju { home: home.path().to_path_buf(), path };
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");

    let mut deploys = Vec::new();
    let mut modules = Vec::new();
    for round in 0..rounds {
        let model = format!("deploy-{round}");
        juju.ok(&["add-model", "--no-switch", &model]);
        let started = Instant::now();
        juju.ok(&["deploy", "-m", &model, examples.join("secrets-ops").to_str().unwrap(), "-n", "3"]);
        juju.wait_active(&model, 3);
        deploys.push(started.elapsed().as_secs_f64());
        juju.ok(&["destroy-model", "--no-prompt", "--destroy-storage", "--force", &model]);

        let model = format!("module-{round}");
        let started = Instant::now();
        juju.ok(&["add-model", "--no-switch", &model]);
        juju.ok(&["deploy", "-m", &model, examples.join("secrets-ops").to_str().unwrap()]);
        juju.ok(&["deploy", "-m", &model, examples.join("secrets-client-ops").to_str().unwrap()]);
        juju.ok(&["integrate", "-m", &model, "secrets-demo", "secrets-client"]);
        juju.wait_active(&model, 2);
        let ran = juju.ok(&["run", "-m", &model, "secrets-demo/0", "get-password", "--format", "json"]);
        assert!(String::from_utf8_lossy(&ran.stdout).contains("\"fingerprint\""));
        juju.ok(&["destroy-model", "--no-prompt", "--destroy-storage", "--force", &model]);
        modules.push(started.elapsed().as_secs_f64());
    }
    let (deploy, deploy_min, deploy_max) = summary(&mut deploys);
    let (module, module_min, module_max) = summary(&mut modules);
    println!("leaderd's juju, release build, ops charms; {rounds} rounds; seconds");
    println!(
        "  deploy 3-unit ops charm -> all active:        median {deploy:>6.2}  ({deploy_min:.2} - {deploy_max:.2})  target <= 3 s ({:.1}x under)",
        3.0 / deploy
    );
    println!(
        "  module: add-model .. destroy-model:           median {module:>6.2}  ({module_min:.2} - {module_max:.2})  target <= 15 s ({:.1}x under)",
        15.0 / module
    );
    println!(
        "  published Juju modules: K8s {JUJU_K8S_MODULE_S} s = {:.0}x this module; LXD {JUJU_LXD_MODULE_S} s = {:.0}x",
        JUJU_K8S_MODULE_S / module,
        JUJU_LXD_MODULE_S / module
    );
}

/// The directory of a `python3` that can import ops.
fn python_bin() -> Option<PathBuf> {
    let candidates = std::env::var_os("LEADERD_PYTHON_BIN")
        .map(PathBuf::from)
        .into_iter()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tmp/jubilant-venv/bin")]);
    candidates.into_iter().find(|dir| {
        Command::new(dir.join("python3")).args(["-c", "import ops"]).output().is_ok_and(|o| o.status.success())
    })
}

struct Juju {
    home: PathBuf,
    path: std::ffi::OsString,
}

impl Juju {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(JUJU)
            .args(args)
            .env("LEADERD_HOME", &self.home)
            .env("PATH", &self.path)
            .env_remove("JUJU_MODEL")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(args);
        assert!(out.status.success(), "juju {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    }

    /// Until the application statuses and `units` unit statuses are all active, as jubilant's
    /// `all_active` reads them.
    fn wait_active(&self, model: &str, units: usize) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let out = self.ok(&["status", "-m", model, "--format", "json"]);
            let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            let apps = status["applications"].as_object().cloned().unwrap_or_default();
            let active = |s: &serde_json::Value| s["current"] == "active";
            let unit_statuses: Vec<bool> = apps
                .values()
                .flat_map(|a| a["units"].as_object().cloned().unwrap_or_default().into_values())
                .map(|u| active(&u["workload-status"]))
                .collect();
            if !apps.is_empty()
                && apps.values().all(|a| active(&a["application-status"]))
                && unit_statuses.len() == units
                && unit_statuses.iter().all(|a| *a)
            {
                return;
            }
            assert!(Instant::now() < deadline, "not active within {DEADLINE:?}: {status}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

fn summary(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[0], samples[samples.len() - 1])
}
