//! The local cluster: `leaderd up` runs a controller and the unit agents of its applications
//! (one charm each) as child processes; `leaderd exec` and `leaderd status` find them through
//! the state directory's `up.json`. A `juju` model is such an `up`, started with no
//! application (`up --host`), which `juju deploy` adds to through `up.socket`.

pub(crate) mod charm;
pub mod config;
pub mod debug_log;
pub mod etcd;
pub mod exec;
pub mod levers;
pub mod payloads;
pub(crate) mod relations;
pub mod run;
pub mod secrets;
pub mod show_operation;
pub(crate) mod show_unit;
pub mod status;
pub mod timeline;
pub mod up;
pub(crate) mod up_socket;
pub(crate) mod yaml_v2;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// `<state>/up.json`: what a running `leaderd up` started.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UpState {
    /// The `leaderd up` process.
    pub pid: u32,
    /// Every application, in the order they were deployed.
    #[serde(default)]
    pub applications: Vec<AppInfo>,
    /// controller/0 (in memory, a copy of `controllers[0]`: `controllers` is what changes).
    pub controller: ControllerInfo,
    /// Every controller: `controller/N` is the N-th. In `up.json` only when `up` runs several
    /// on etcd; once loaded (or built by `up`), always every one, the only one included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controllers: Vec<ControllerInfo>,
    pub units: Vec<UnitInfo>,
}

/// One application of an `up`: its charm as deployed or last refreshed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppInfo {
    pub name: String,
    /// The prepared charm of its current revision, `<state>/charms/<app>/<revision>`, which
    /// every new unit copies.
    pub charm: PathBuf,
    /// The charm's own name (its metadata.yaml `name`).
    pub charm_name: String,
    /// The charm's revision: per model and charm name, 0 for the first deploy of a charm,
    /// one more for each later deploy or refresh of a charm of that name (as Juju numbers
    /// local charms).
    pub revision: u64,
    /// The file resources given at deploy: each the model's own copy (the given file may be
    /// gone by the time a unit starts).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub resources: BTreeMap<String, PathBuf>,
    /// `deploy --trust`.
    #[serde(default)]
    pub trust: bool,
    /// The base it runs on as Juju names it (`ubuntu@22.04`), when `juju deploy` said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// `remove-application`: its units are leaving; it leaves with the last.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub removing: bool,
}

impl AppInfo {
    /// Juju's local charm URL, `local:<charm>-<revision>` (what `juju status` and `show-unit`
    /// print as the charm).
    pub fn charm_url(&self) -> String {
        format!("local:{}-{}", self.charm_name, self.revision)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ControllerInfo {
    pub url: String,
    pub pid: u32,
    /// Running, paused or killed by a lever (`leaderd pause|kill controller/N`), or exited by
    /// itself (until `up` has started it again).
    #[serde(default)]
    pub run: RunState,
}

/// What a unit's agent (or the controller) is doing, as `up` knows it: the levers set
/// `paused` and `killed`; `exited` is an agent that died by itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    #[default]
    Running,
    Paused,
    Killed,
    Exited,
    /// `leaderd remove-unit`: its stop and remove hooks are running; it leaves when they end.
    Removing,
}

impl RunState {
    /// The lever that brings `unit`'s agent back, one wording for every command that needs a
    /// running agent: `resume` for a paused one (`restart` would kill it and run it afresh),
    /// `restart` for one killed or exited; None when it runs (or is leaving).
    pub fn bring_back(self, unit: &str) -> Option<String> {
        match self {
            RunState::Paused => Some(format!("`leaderd resume {unit}` first")),
            RunState::Killed | RunState::Exited => Some(format!("`leaderd restart {unit}` first")),
            RunState::Running | RunState::Removing => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Paused => "paused",
            RunState::Killed => "killed",
            RunState::Exited => "exited",
            RunState::Removing => "removing",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UnitInfo {
    pub name: String,
    /// None once the agent has exited.
    pub pid: Option<u32>,
    pub state_dir: PathBuf,
    /// How to start this agent again by hand (its token comes from `LEADERD_TOKEN`).
    pub command: Vec<String>,
    #[serde(default)]
    pub run: RunState,
}

impl UpState {
    pub fn path(state: &Path) -> PathBuf {
        state.join("up.json")
    }

    /// The running `up` in `state`, or a clear error.
    pub fn load(state: &Path) -> anyhow::Result<UpState> {
        let path = UpState::path(state);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            // The usual case, said in one sentence (no errno after it).
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
                "no leaderd up is running with state in {} (start one with `leaderd up`, or point at its \
                 state directory with --state DIR or LEADERD_STATE=DIR)",
                state.display()
            ),
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        let mut up: UpState = serde_json::from_slice(&bytes).with_context(|| format!("reading {}", path.display()))?;
        if up.controllers.is_empty() {
            up.controllers.push(up.controller.clone());
        }
        anyhow::ensure!(
            leaderd_sys::process::alive(up.pid),
            "the leaderd up recorded in {} (pid {}) is not running",
            path.display(),
            up.pid
        );
        Ok(up)
    }

    /// Every controller's URL, comma-separated (what a controller client takes).
    pub fn controller_urls(&self) -> String {
        if self.controllers.is_empty() {
            return self.controller.url.clone();
        }
        self.controllers.iter().map(|c| c.url.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The running controllers' URLs, comma-separated (every one's if none runs): what a
    /// client of the operator asks, so it does not wait on one a lever paused.
    pub fn live_controller_urls(&self) -> String {
        let running: Vec<&str> =
            self.controller_list().iter().filter(|c| c.run == RunState::Running).map(|c| c.url.as_str()).collect();
        if running.is_empty() {
            return self.controller_urls();
        }
        running.join(",")
    }

    /// Whether `up` runs several controllers (on etcd), named `controller/N`.
    pub fn several_controllers(&self) -> bool {
        self.controllers.len() > 1
    }

    /// Whether some controller is running (not paused, killed or exited): one that may answer.
    pub fn a_controller_runs(&self) -> bool {
        self.controller_list().iter().any(|c| c.run == RunState::Running)
    }

    /// Why no controller can answer, if none runs: `the controller is killed`, or with several
    /// `no controller is running (controller/0 killed, controller/1 paused, ...)`.
    pub fn no_controller_runs(&self) -> Option<String> {
        if self.a_controller_runs() {
            return None;
        }
        Some(match self.controller_list() {
            [only] => format!("the controller is {}", only.run.name()),
            all => {
                let each: Vec<String> =
                    all.iter().enumerate().map(|(i, c)| format!("controller/{i} {}", c.run.name())).collect();
                format!("no controller is running ({})", each.join(", "))
            }
        })
    }

    /// Every controller, controller/0 first.
    pub fn controller_list(&self) -> &[ControllerInfo] {
        if self.controllers.is_empty() {
            std::slice::from_ref(&self.controller)
        } else {
            &self.controllers
        }
    }

    /// Writes `up.json`: `controller` is controller/0; `controllers` only with several.
    pub fn save(&self, state: &Path) -> anyhow::Result<()> {
        let mut record = self.clone();
        if let Some(first) = record.controllers.first() {
            record.controller = first.clone();
        }
        if record.controllers.len() <= 1 {
            record.controllers.clear();
        }
        leaderd_sys::private::write_atomic(&UpState::path(state), &serde_json::to_vec_pretty(&record)?)
    }

    /// The application named `name`, or the words for one this `up` does not run.
    pub fn application(&self, name: &str) -> anyhow::Result<&AppInfo> {
        self.applications.iter().find(|a| a.name == name).with_context(|| {
            let names: Vec<String> = self.applications.iter().map(|a| format!("{:?}", a.name)).collect();
            match names.is_empty() {
                true => format!("no application {name:?} here (nothing is deployed)"),
                false => format!("no application {name:?} here (this cluster runs {})", names.join(", ")),
            }
        })
    }

    /// The application of the unit `unit` (`app/N`), if this `up` runs it.
    pub fn application_of(&self, unit: &str) -> anyhow::Result<&AppInfo> {
        let app = leaderd_core::names::unit_application(unit)?;
        self.application(app)
    }

    /// The name of an application this `up` runs (the first deployed), for the operator's
    /// calls that are not about one application (operations, secrets, the controller's role);
    /// empty when none is deployed.
    pub fn any_application(&self) -> &str {
        self.applications.first().map_or("", |a| a.name.as_str())
    }

    /// The units of `app`, in the order they were added.
    pub fn units_of<'a>(&'a self, app: &'a str) -> impl Iterator<Item = &'a UnitInfo> + 'a {
        self.units.iter().filter(move |u| leaderd_core::names::unit_application(&u.name).ok() == Some(app))
    }

    /// The unit named `spec`, or the current leader for `APP/leader`.
    pub fn unit(&self, state: &Path, spec: &str) -> anyhow::Result<UnitInfo> {
        let name = match spec.strip_suffix("/leader") {
            Some(app) => {
                self.application(app)?;
                let report = status::controller_status(state, self)?;
                let leader = report.applications.into_iter().find(|a| a.name == app).and_then(|a| a.leader);
                leader.with_context(|| format!("application {app} has no leader right now"))?
            }
            None => spec.to_string(),
        };
        self.units.iter().find(|u| u.name == name).cloned().with_context(|| {
            let names: Vec<&str> = self.units.iter().map(|u| u.name.as_str()).collect();
            format!("no unit {name:?} here (units: {})", names.join(", "))
        })
    }
}

/// The state directory: `--state`, else `$LEADERD_STATE`, else `.leaderd` here.
pub fn state_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("LEADERD_STATE").map(PathBuf::from)).unwrap_or_else(|| PathBuf::from(".leaderd"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(runs: &[RunState]) -> UpState {
        let controllers: Vec<ControllerInfo> = runs
            .iter()
            .enumerate()
            .map(|(i, run)| ControllerInfo {
                url: format!("https://127.0.0.1:{}", 7000 + i),
                pid: 100 + i as u32,
                run: *run,
            })
            .collect();
        UpState {
            pid: std::process::id(),
            applications: Vec::new(),
            controller: controllers[0].clone(),
            controllers,
            units: Vec::new(),
        }
    }

    fn app(name: &str, charm_name: &str, revision: u64) -> AppInfo {
        AppInfo {
            name: name.into(),
            charm: format!("/state/charms/{name}/{revision}").into(),
            charm_name: charm_name.into(),
            revision,
            resources: BTreeMap::new(),
            trust: false,
            base: None,
            removing: false,
        }
    }

    fn unit(name: &str) -> UnitInfo {
        UnitInfo { name: name.into(), pid: None, state_dir: "/u".into(), command: Vec::new(), run: RunState::Running }
    }

    #[test]
    fn an_up_holds_several_applications_and_finds_each_units_own() {
        let mut up = record(&[RunState::Running]);
        assert_eq!(up.any_application(), "");
        assert_eq!(up.application("db").unwrap_err().to_string(), "no application \"db\" here (nothing is deployed)");
        up.applications = vec![app("db", "db", 0), app("db2", "db", 1)];
        up.units = ["db/0", "db2/0", "db/1"].map(unit).to_vec();
        assert_eq!(up.any_application(), "db");
        assert_eq!(up.application_of("db2/0").unwrap().charm_url(), "local:db-1");
        let names: Vec<&str> = up.units_of("db").map(|u| u.name.as_str()).collect();
        assert_eq!(names, ["db/0", "db/1"]);
        assert_eq!(
            up.application("web").unwrap_err().to_string(),
            "no application \"web\" here (this cluster runs \"db\", \"db2\")"
        );
        // The record round-trips, and one without applications (an older up.json) reads.
        let dir = tempfile::tempdir().unwrap();
        up.save(dir.path()).unwrap();
        assert_eq!(UpState::load(dir.path()).unwrap().applications, up.applications);
        let json = r#"{"pid": 1, "app": "old", "charm": "/c", "controller": {"url": "u", "pid": 2}, "units": []}"#;
        let old: UpState = serde_json::from_str(json).unwrap();
        assert!(old.applications.is_empty());
    }

    #[test]
    fn up_json_lists_the_controllers_only_when_there_are_several() {
        use RunState::*;
        let dir = tempfile::tempdir().unwrap();
        for runs in [&[Killed][..], &[Running, Paused, Killed]] {
            let mut up = record(runs);
            up.controller = record(&[Running]).controller; // stale: controllers[0] is what counts
            up.save(dir.path()).unwrap();
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(UpState::path(dir.path())).unwrap()).unwrap();
            assert_eq!(json["controller"]["run"], runs[0].name());
            assert_eq!(json.get("controllers").is_some(), runs.len() > 1, "{json}");
            let loaded = UpState::load(dir.path()).unwrap();
            let loaded: Vec<RunState> = loaded.controllers.iter().map(|c| c.run).collect();
            assert_eq!(loaded, runs);
        }
    }

    #[test]
    fn which_controllers_can_answer() {
        use RunState::*;
        let cases: &[(&[RunState], Option<&str>, &str)] = &[
            (&[Running], None, "https://127.0.0.1:7000"),
            (&[Killed], Some("the controller is killed"), "https://127.0.0.1:7000"),
            (&[Paused], Some("the controller is paused"), "https://127.0.0.1:7000"),
            (&[Killed, Running, Paused], None, "https://127.0.0.1:7001"),
            (&[Running, Paused, Running], None, "https://127.0.0.1:7000,https://127.0.0.1:7002"),
            (
                &[Killed, Paused, Killed],
                Some("no controller is running (controller/0 killed, controller/1 paused, controller/2 killed)"),
                "https://127.0.0.1:7000,https://127.0.0.1:7001,https://127.0.0.1:7002",
            ),
        ];
        for (runs, why, live) in cases {
            let up = record(runs);
            assert_eq!(up.no_controller_runs().as_deref(), *why, "{runs:?}");
            assert_eq!(up.a_controller_runs(), why.is_none(), "{runs:?}");
            assert_eq!(up.live_controller_urls(), *live, "{runs:?}");
            assert_eq!(up.several_controllers(), runs.len() > 1);
        }
    }
}
