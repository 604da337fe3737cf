//! `leaderd up`: a whole application on this machine, in one command: an embedded controller
//! (SQLite in the state directory) and N unit agents, each a child process, wired up with a CA,
//! the controller's certificate and tokens. It relays every agent event as one line, restarts
//! each controller that dies by itself, and stops everything on SIGINT or SIGTERM.
//!
//! One `up` holds any number of applications: the one it is started with, and those `juju
//! deploy` adds through `up.socket` (`up --host`, a `juju` model, starts with none). Each has
//! its charm's revisions in `<state>/charms/<app>/<revision>` and its units `app/N`, numbered
//! per application; `up.json` records them all.
//!
//! `up` binds the controller's port itself and hands the listening socket to each controller
//! it starts, keeping its own copy open for the whole run: between a controller's death and its
//! restart no other process can bind that port, and agents' connections wait in the socket's
//! queue for the next controller.
//!
//! Each `up` is a fresh deployment: the previous run's units and controller state are replaced
//! (a charm author re-running `up` after editing the charm wants install to run again).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use std::os::fd::{AsRawFd, RawFd};
use std::os::unix::fs::DirBuilderExt;

use super::{AppInfo, ControllerInfo, RunState, UnitInfo, UpState};
use leaderd_net::auth::{Secret, DEFAULT_TOKEN_TTL};
use leaderd_net::tls::TlsDir;
use leaderd_sys::events::Event;
use leaderd_sys::process::{self, Signal};

/// Prints one line on stdout, ignoring a closed stdout (`leaderd up | head -1`): `up` keeps
/// running its application, and still stops it in order on SIGINT or SIGTERM.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, $($arg)*);
        let _ = out.flush();
    }};
}
pub(super) use say;

/// Records one of `up`'s own events in the event log and prints it, time-stamped: `say!` for
/// what the log should keep too. `tell!(None, Event::...)` or `tell!(Some(unit), ...)`.
macro_rules! tell {
    ($unit:expr, $event:expr) => {{
        let record = leaderd_sys::events::record($unit, $event);
        if record.level >= *PRINT_LEVEL.get().unwrap_or(&leaderd_sys::events::Level::Info) {
            say!("{} {}", clock(), record.line());
        }
    }};
}

/// `up --log-level`: the least level of the events `up` prints itself; the agents get it too
/// (`leaderd agent --log-level`) and print only those. The banner, the levers' answers and the
/// stop lines are always printed.
static PRINT_LEVEL: std::sync::OnceLock<leaderd_sys::events::Level> = std::sync::OnceLock::new();

pub struct UpOptions {
    /// None: the bundled example charm.
    pub charm: Option<PathBuf>,
    pub app: Option<String>,
    pub units: u32,
    pub state: PathBuf,
    pub guarantee: Duration,
    /// `KEY=VALUE` config values set at deploy (`KEY=`: the default), or config files (a value
    /// without `=`, as Juju's `deploy --config`).
    pub config: Vec<String>,
    /// A config file in Juju's format (a YAML mapping of the application name to its values).
    pub config_file: Option<PathBuf>,
    /// More flags for every agent (update-status interval, hook retries).
    pub agent_args: Vec<String>,
    /// How many controllers (more than one needs `etcd`).
    pub controllers: u32,
    /// `local`, `local:M`, or etcd endpoints: the controllers' store (default: SQLite).
    pub etcd: Option<String>,
    /// The least level of the events printed (`--log-level`, also in `agent_args`).
    pub log_level: leaderd_sys::events::Level,
    /// The charm's file resources (`--resource NAME=PATH`): each unit copies the file at start.
    pub resources: Vec<(String, PathBuf)>,
    /// No application: a model's host, which `juju deploy` adds applications to through
    /// `up.socket` (`charm`, `app`, `units`, `config` and `resources` are not used).
    pub host: bool,
    /// A descriptor inherited from whoever started `up` (`juju add-model`): `up` writes
    /// `ready` on it once `up.socket` answers, then closes it; one closed without that line says
    /// `up` failed (its log says why).
    pub ready_fd: Option<i32>,
}

/// The example charm in `examples/shared-secret`, built into the binary.
const EXAMPLE: &[(&str, &str, bool)] = &[
    ("metadata.yaml", include_str!("../../examples/shared-secret/metadata.yaml"), false),
    ("hooks/install", include_str!("../../examples/shared-secret/hooks/install"), true),
    ("hooks/leader-elected", include_str!("../../examples/shared-secret/hooks/leader-elected"), true),
    ("hooks/leader-settings-changed", include_str!("../../examples/shared-secret/hooks/leader-settings-changed"), true),
    ("hooks/start", include_str!("../../examples/shared-secret/hooks/start"), true),
];

/// The charm's storage declaration must be one leaderd can attach: filesystem storage only
/// (each instance a directory of the unit's own); block storage a unit must have (a minimum
/// count above 0) is refused, since leaderd has no block devices.
///
/// Answers the declarations to register with the controller, which checks every unit's
/// storage against them.
pub(crate) fn check_storage(
    charm: &std::path::Path,
) -> anyhow::Result<std::collections::BTreeMap<String, leaderd_core::storage::DeclaredStorage>> {
    let storage = leaderd_core::storage::charm_storage(charm).context("the charm's storage (metadata.yaml)")?;
    // A unit is made with its minimum count, in one request: a minimum over what one request
    // makes is refused here rather than installed short.
    let max = leaderd_core::storage::MAX_ADDED;
    if let Some(many) = storage.iter().find(|s| s.count_min > max) {
        anyhow::bail!(
            "the charm needs at least {} instances of storage {:?} per unit: leaderd makes at most {max} at once",
            many.count_min,
            many.name
        );
    }
    let block = storage.iter().find(|s| s.kind == leaderd_core::storage::StorageKind::Block && s.count_min > 0);
    if let Some(block) = block {
        anyhow::bail!(
            "the charm needs block storage {:?} (at least {} instance{}): leaderd has no block devices; it attaches \
             filesystem storage only",
            block.name,
            block.count_min,
            if block.count_min == 1 { "" } else { "s" }
        );
    }
    Ok(leaderd_core::storage::declared(&storage))
}

/// Runs until SIGINT/SIGTERM (then exits cleanly) or until the controller cannot be kept up.
pub async fn up(options: UpOptions) -> anyhow::Result<()> {
    // Caught from the start: Ctrl-C during start-up stops what has started, in order.
    let mut signals = leaderd_sys::shutdown::Shutdown::catch()?;
    let _ = PRINT_LEVEL.set(options.log_level);
    let leaderd = std::env::current_exe().context("finding the leaderd binary")?;
    let jujuc = leaderd.with_file_name("jujuc");
    anyhow::ensure!(
        jujuc.exists(),
        "no jujuc next to {} (build both binaries: cargo build --release)",
        leaderd.display()
    );
    // Taken now, so no child inherits it; closed (an EOF for whoever waits) if `up` fails.
    let ready = options.ready_fd.and_then(leaderd_sys::process::adopt_fd);
    // Every argument is checked before anything of the previous deployment is touched.
    anyhow::ensure!(options.host || options.units >= 1, "--units must be at least 1");
    anyhow::ensure!(options.controllers >= 1, "--controllers must be at least 1");
    anyhow::ensure!(
        options.controllers == 1 || options.etcd.is_some(),
        "--controllers {} needs --etcd (several controllers share their state through etcd)",
        options.controllers
    );
    let state = absolute(&options.state)?;
    let given_charm = options.charm.as_deref().map(absolute).transpose()?;
    if let Some(charm) = &given_charm {
        super::charm::check_state_outside(charm, &state)?;
    }
    // The charm in whatever form it came (`local::charm`) is prepared in a private staging
    // directory first, so that it and the deploy values are checked before anything is written
    // in the state directory.
    let staging = Staging::new()?;
    let first = match options.host {
        true => None,
        false => Some(first_application(&options, given_charm.as_deref(), &staging)?),
    };

    // Everything in the state directory that leaderd would trust is checked before anything is
    // written there: the directory (and whose its entries are), the secret, the TLS files.
    let keeps_store = matches!(
        options.etcd.as_deref().map(super::etcd::EtcdChoice::parse).transpose()?,
        Some(super::etcd::EtcdChoice::Endpoints(_))
    );
    let tls = TlsDir::in_state(&state);
    leaderd_sys::private::check_trusted_dir(&state, leaderd_sys::private::STATE_DIR)?;
    let secret_file = state.join("secret");
    if secret_file.symlink_metadata().is_ok() {
        if keeps_store {
            leaderd_sys::private::check_secret(&secret_file)?;
        } else {
            // Replaced by a fresh one below: others reading the old one is no longer a risk,
            // but one they own or can write says someone else has been in the directory.
            leaderd_sys::private::check_own(&secret_file)?;
        }
    }
    tls.check()?;
    leaderd_sys::private::create_trusted_dir(&state, leaderd_sys::private::STATE_DIR)?;
    // One `up` per state directory, held for the whole run.
    let _lock = leaderd_sys::lockfile::lock(&state.join("up.lock"), "leaderd up")?;
    // A previous `up` here that was killed (`kill -9`) could not stop what it started.
    let left_over = stop_previous_run(&state);
    // The previous run's charms and resources go (this run's deploys and refreshes add theirs).
    let _ = std::fs::remove_dir_all(state.join("charms"));
    let _ = std::fs::remove_dir_all(state.join("resources"));
    let first = match first {
        Some(first) => Some(first.install(&state, &staging)?),
        None => None,
    };
    drop(staging);
    // A fresh deployment: forget the previous run.
    let _ = std::fs::remove_dir_all(state.join("units"));
    for file in ["controller.db", "controller.db-wal", "controller.db-shm"] {
        let _ = std::fs::remove_file(state.join(file));
    }

    // The event log outlives the run (and `kill -9` of `up`): agents append to it themselves.
    let event_log = state.join(leaderd_sys::events::FILE_NAME);
    leaderd_sys::events::init(&event_log)?;
    // A fresh store, a fresh secret: the store no longer remembers the units the previous run
    // removed (nor anything else of it), so no token minted for that deployment may be accepted.
    // An etcd `up` does not start (`--etcd` endpoints) keeps its records, and the fingerprint of
    // the secret its controllers served with (which a new one would not match): its secret stays.
    let secret = if keeps_store { Secret::load_or_create(&secret_file)? } else { Secret::renew(&secret_file)? };
    tls.ensure(&[])?;
    let (store, mut local_etcd) =
        crate::local::etcd::store_for(&state, options.controllers, options.etcd.as_deref()).await?;
    // controller/0, controller/1, ...: on etcd one is active, the others stand by. Each is
    // restarted by `up` when it exits by itself, and stays as a lever leaves it otherwise.
    let mut controllers = Vec::new();
    for i in 0..options.controllers {
        controllers.push(ControllerProcess::start(&leaderd, &state, &tls, options.guarantee * 2, &store, i).await?);
    }
    let url = controllers.iter().map(|c| c.url.as_str()).collect::<Vec<_>>().join(",");
    if let Some(first) = &first {
        register_config(&secret, &tls, &url, &first.info.name, &first.config)
            .await
            .context("registering the config")?;
    }
    let started = match &first {
        Some(first) => Event::UpStarted {
            app: first.info.name.clone(),
            units: options.units,
            charm: first.source.display().to_string(),
            controller: url.clone(),
            state: state.display().to_string(),
        },
        None => Event::Message {
            text: format!("leaderd up: no application yet (controller {url}, state {})", state.display()),
        },
    };
    say!("{}", leaderd_sys::events::record(None, started).line());
    if !left_over.is_empty() {
        let pids: Vec<String> = left_over.iter().map(u32::to_string).collect();
        let event = Event::Message {
            text: format!(
                "the previous up on this state directory was killed: killed what it left running, pids {}",
                pids.join(" ")
            ),
        };
        tell!(None, event);
    }

    let mut run = Running {
        record: UpState {
            pid: std::process::id(),
            applications: Vec::new(),
            controller: ControllerInfo {
                url: controllers[0].url.clone(),
                pid: controllers[0].child.id().unwrap_or(0),
                run: RunState::Running,
            },
            controllers: controllers
                .iter()
                .map(|c| ControllerInfo { url: c.url.clone(), pid: c.child.id().unwrap_or(0), run: RunState::Running })
                .collect(),
            units: Vec::new(),
        },
        state: state.clone(),
        controllers,
        agents: AgentWaits::new(),
        secret,
        leaderd: leaderd.clone(),
        jujuc,
        ca: tls.ca_cert(),
        guarantee: options.guarantee,
        agent_args: options.agent_args.clone(),
        next_unit: Default::default(),
        revisions: Default::default(),
        model: model_record(&state),
        stopping: None,
        forced: Default::default(),
    };
    if let Some(first) = first {
        run.revisions.insert(first.info.charm_name.clone(), first.info.revision);
        let app = first.info.name.clone();
        run.record.applications.push(first.info);
        let mut units = Vec::new();
        for _ in 0..options.units {
            units.push(run.add_unit(&app)?);
        }
        // Listed by `juju status` (waiting for machine, allocating) before anything else asks.
        run.register_units(&app, &units).await;
    }
    run.record.save(&state)?;
    // The levers' socket: `leaderd kill|pause|resume|restart|add-unit|remove-unit` and the
    // `juju` model commands reach this process, which owns the children, through it.
    let (requests_tx, mut requests) = tokio::sync::mpsc::channel(16);
    let control_socket = state.join("up.socket");
    let control = super::up_socket::serve(&control_socket, requests_tx)?;
    if let Some(ready) = ready {
        use std::io::Write as _;
        // Whoever waits reads the line; one gone already is not `up`'s concern.
        let _ = std::fs::File::from(ready).write_all(b"ready\n");
    }

    let failure = loop {
        if run.stopped() {
            break None;
        }
        let stop_by = run.stopping.as_ref().map(|s| s.deadline);
        let forced = !run.forced.is_empty();
        tokio::select! {
            _ = signals.requested() => break None,
            // `juju destroy-model`: what has not stopped by then is stopped below, SIGTERM
            // then SIGKILL.
            _ = tokio::time::sleep_until(stop_by.unwrap_or_else(tokio::time::Instant::now)), if stop_by.is_some() => {
                say!("{} the units did not all stop in time: stopping the rest", clock());
                break None;
            }
            // A forced removal looks again each second for units whose hook has failed since (one
            // that fails is retried, and a failing unit would not get to its stop hook).
            _ = tokio::time::sleep(Duration::from_secs(1)), if forced => {
                run.stop_failing_units().await;
                run.record.save(&state)?;
            }
            // A killed controller's exit is reaped already: it stays down until `restart`.
            (i, exit) = any_exit(&mut run.controllers, &run.record.controllers),
                if run.record.controllers.iter().any(|c| c.run != RunState::Killed) => {
                let how = exit.map(|s| describe(&s)).unwrap_or_else(|e| e.to_string());
                run.record.controllers[i].run = RunState::Exited;
                if let Err(e) = run.controllers[i].restart(&how).await {
                    break Some(e);
                }
                run.record.controllers[i].pid = run.controllers[i].child.id().unwrap_or(0);
                run.record.controllers[i].run = RunState::Running;
                run.record.save(&state)?;
            }
            Some(exited) = run.agents.join_next() => {
                let (name, status) = exited.context("waiting for an agent")?;
                run.agent_exited(&name, status).await?;
            }
            Some((request, reply)) = requests.recv() => {
                let answer = run.apply(request).await;
                let _ = reply.send(answer);
            }
        }
    };

    control.abort();
    let _ = std::fs::remove_file(&control_socket);
    say!("{}", leaderd_sys::events::record(None, Event::UpStopping).line());
    let Running { record, mut controllers, agents, .. } = run;
    stop_agents(&record.units, agents).await;
    for (controller, info) in controllers.iter_mut().zip(&record.controllers) {
        if info.run == RunState::Paused {
            // A stopped process acts on SIGTERM only once continued.
            process::signal(info.pid, Signal::CONT);
        }
        if info.run != RunState::Killed {
            stop(&mut controller.child).await;
        }
    }
    drop(controllers);
    if let Some(etcd) = &mut local_etcd {
        etcd.stop().await;
    }
    for unit in &record.units {
        stop_hook_leftovers(&unit.state_dir.join("agent.socket"));
        let _ = std::fs::remove_file(unit.state_dir.join("agent.socket"));
        let _ = std::fs::remove_file(unit.state_dir.join("run.socket"));
    }
    let _ = std::fs::remove_file(UpState::path(&state));
    say!("{}", leaderd_sys::events::record(None, Event::UpStopped).line());
    match failure {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// A running `up`: its record (`up.json`), its controller and agents, and what it needs to
/// start more agents. The levers (`local::control`) act on it.
pub(super) struct Running {
    pub(super) record: UpState,
    pub(super) state: PathBuf,
    /// controller/N is the N-th, as `record.controllers[N]` records it.
    pub(super) controllers: Vec<ControllerProcess>,
    pub(super) agents: AgentWaits,
    pub(super) secret: Secret,
    pub(super) leaderd: PathBuf,
    pub(super) jujuc: PathBuf,
    pub(super) ca: PathBuf,
    pub(super) guarantee: Duration,
    /// Flags every agent gets besides its own (update-status and hook retries).
    pub(super) agent_args: Vec<String>,
    /// Each application's next unit number: Juju never reuses one, nor does `up` (add-unit
    /// after remove-unit).
    pub(super) next_unit: std::collections::BTreeMap<String, u32>,
    /// The last revision each charm name got (per model, as Juju numbers local charms): a
    /// deploy or refresh of a charm of that name gets one more; the first deploy gets 0.
    pub(super) revisions: std::collections::BTreeMap<String, u64>,
    /// The model's UUID and name (`model.json`, which `juju add-model` writes), given to every
    /// unit.
    pub(super) model: Option<(String, String)>,
    /// Set by a stop request (`juju destroy-model`): the units are leaving.
    pub(super) stopping: Option<Stopping>,
    /// Units leaving with `--force`: one whose hook fails on the way is stopped, not waited for.
    pub(super) forced: std::collections::BTreeSet<String>,
}

/// A stop under way: every unit runs its stop and remove hooks, until `deadline`.
pub(super) struct Stopping {
    pub(super) deadline: tokio::time::Instant,
}

impl Running {
    /// Whether a stop has run its course: every unit has left.
    pub(super) fn stopped(&self) -> bool {
        self.stopping.is_some() && self.record.units.is_empty()
    }

    /// Starts the next unit of `app` (a fresh state directory, its own copy of the charm) and
    /// records it (the caller saves the record).
    pub(super) fn add_unit(&mut self, app: &str) -> anyhow::Result<String> {
        let info = self.record.application(app)?.clone();
        let next = self.next_unit.entry(app.to_string()).or_default();
        let n = *next;
        *next += 1;
        let unit = format!("{app}/{n}");
        let unit_dir = self.state.join("units").join(format!("{app}-{n}"));
        // Each unit gets its own copy of the charm, as Juju gives it (hooks write files there).
        let unit_charm = unit_dir.join("charm");
        leaderd_sys::private::create_dir(&unit_dir).with_context(|| format!("creating {}", unit_dir.display()))?;
        leaderd_sys::private::copy_tree(&info.charm, &unit_charm)?;
        if let Some((uuid, name)) = &self.model {
            // The agent's `model-uuid` and `model-name` (what hooks see as JUJU_MODEL_UUID and
            // JUJU_MODEL_NAME): the model's own.
            leaderd_sys::private::write_atomic(&unit_dir.join("model-uuid"), uuid.as_bytes())?;
            leaderd_sys::private::write_atomic(&unit_dir.join("model-name"), name.as_bytes())?;
        }
        let resources = info
            .resources
            .iter()
            .flat_map(|(name, path)| ["--resource".to_string(), format!("{name}={}", path.display())]);
        let command = vec![
            self.leaderd.display().to_string(),
            "agent".into(),
            "--unit".into(),
            unit.clone(),
            "--controller".into(),
            self.record.controller_urls(),
            "--controller-ca".into(),
            self.ca.display().to_string(),
            "--charm".into(),
            unit_charm.display().to_string(),
            "--state".into(),
            unit_dir.display().to_string(),
            "--lease-guarantee".into(),
            leaderd_core::duration::format(self.guarantee),
            "--jujuc".into(),
            self.jujuc.display().to_string(),
            "--event-log".into(),
            self.state.join(leaderd_sys::events::FILE_NAME).display().to_string(),
        ]
        .into_iter()
        .chain(self.agent_args.iter().cloned())
        .chain(resources)
        .collect();
        let mut info = UnitInfo { name: unit.clone(), pid: None, state_dir: unit_dir, command, run: RunState::Running };
        self.start_agent(&mut info)?;
        self.record.units.push(info);
        Ok(unit)
    }

    /// Tells the controller of new units (`juju status` lists them with workload `waiting` /
    /// `waiting for machine` and agent `allocating` until their agents report); a controller
    /// that does not answer in 5 s is left to hear of them from the agents themselves.
    pub(super) async fn register_units(&self, app: &str, units: &[String]) {
        let token = self.secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(300));
        let trust = leaderd_net::tls::Trust::Ca(self.ca.clone());
        let url = self.record.live_controller_urls();
        let registered = match leaderd_net::controller_client::ControllerClient::new(&url, app, &token, &trust) {
            Ok(client) => tokio::time::timeout(Duration::from_secs(5), client.register_units(units))
                .await
                .map_err(|_| "no answer within 5s".to_string())
                .and_then(|r| r.map_err(|e| e.to_string())),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = registered {
            tracing::warn!(error = %e, "registering the new units with the controller");
        }
    }

    /// A removed unit leaves its relations' scope, so the units that remain run
    /// `-relation-departed` for it. In the background, retried for a while: `up` answers the
    /// levers meanwhile, and a controller that is down now may be back in a moment.
    pub(super) fn leave_relations(&self, unit: &str) {
        let token = self.secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(300));
        let trust = leaderd_net::tls::Trust::Ca(self.ca.clone());
        let app = leaderd_core::names::unit_application(unit).unwrap_or_default();
        let client = match leaderd_net::controller_client::ControllerClient::new(
            &self.record.controller_urls(),
            app,
            &token,
            &trust,
        ) {
            Ok(client) => client,
            Err(e) => return tracing::warn!(unit, error = %e, "cannot take the unit out of its relations"),
        };
        let unit = unit.to_string();
        tokio::spawn(async move {
            for _ in 0..60 {
                match client.leave_relations(&unit).await {
                    Ok(_) => return,
                    Err(e) => tracing::debug!(unit, error = %e, "leaving the relations; retrying"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tracing::warn!(unit, "could not take the unit out of its relations within a minute");
        });
    }

    /// An application being removed: each of its relations becomes dying at the controller (so
    /// the other applications' units run `-relation-departed` and `-relation-broken`, as Juju's
    /// `Application.Destroy` destroys its relations). In the background, retried for a while.
    pub(super) fn destroy_relations(&self, app: &str) {
        let token = self.secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(300));
        let trust = leaderd_net::tls::Trust::Ca(self.ca.clone());
        let client = match leaderd_net::controller_client::ControllerClient::new(
            &self.record.controller_urls(),
            app,
            &token,
            &trust,
        ) {
            Ok(client) => client,
            Err(e) => return tracing::warn!(app, error = %e, "cannot end the application's relations"),
        };
        let app = app.to_string();
        tokio::spawn(async move {
            for _ in 0..60 {
                match client.destroy_relations().await {
                    Ok(_) => return,
                    Err(e) => tracing::debug!(app, error = %e, "ending the relations; retrying"),
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            tracing::warn!(app, "could not end the application's relations within a minute");
        });
    }

    /// Starts `unit`'s agent with its recorded command line and a token minted now: an agent
    /// renews its token while it runs, but one started again (`leaderd restart`) a day later
    /// would present an expired first token, and exit.
    pub(super) fn start_agent(&mut self, unit: &mut UnitInfo) -> anyhow::Result<()> {
        let token = self.secret.token(&unit.name, DEFAULT_TOKEN_TTL);
        let mut child = spawn(&unit.command, Some(&token), None, &unit.state_dir.join("agent.log"))?;
        relay(&mut child);
        unit.pid = child.id();
        unit.run = RunState::Running;
        let name = unit.name.clone();
        self.agents.spawn(async move { (name, child.wait().await) });
        Ok(())
    }

    /// A removed unit's status goes with it, as in Juju: the controller forgets it, so the
    /// leader's `status-get --application` no longer lists it, and refuses its token for good.
    /// Before the record drops the unit (`remove-unit` returns then); a controller that is down
    /// or does not answer within 2 s is only warned about.
    pub(super) async fn forget_unit(&self, name: &str) {
        let forgot = async {
            if let Some(why) = self.record.no_controller_runs() {
                anyhow::bail!("{why}");
            }
            let token = self.secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(300));
            let trust = leaderd_net::tls::Trust::Ca(self.ca.clone());
            let client = leaderd_net::controller_client::ControllerClient::new(
                &self.record.live_controller_urls(),
                leaderd_core::names::unit_application(name)?,
                &token,
                &trust,
            )?;
            tokio::time::timeout(Duration::from_secs(2), client.forget_unit(name))
                .await
                .map_err(|_| anyhow::anyhow!("no answer within 2s"))??;
            Ok(())
        };
        if let Err(e) = forgot.await {
            say!("{} {name}: the controller still keeps its status and accepts its token ({e:#})", clock());
        }
    }

    /// An agent exited: record it, and stop what its hooks left behind. A unit being removed
    /// leaves the record.
    pub(super) async fn agent_exited(
        &mut self,
        name: &str,
        status: std::io::Result<std::process::ExitStatus>,
    ) -> anyhow::Result<()> {
        let Some(i) = self.record.units.iter().position(|u| u.name == name) else { return Ok(()) };
        let unit = &mut self.record.units[i];
        let how = status.map(|s| describe(&s)).unwrap_or_else(|e| e.to_string());
        // A killed agent could not stop what its hooks started: do it for it.
        stop_hook_leftovers(&unit.state_dir.join("agent.socket"));
        unit.pid = None;
        let name = unit.name.clone();
        let removed = match unit.run {
            RunState::Removing => {
                self.record.units.remove(i);
                true
            }
            RunState::Killed => false,
            _ => {
                unit.run = RunState::Exited;
                false
            }
        };
        if removed {
            self.forget_unit(&name).await;
            self.drop_removed_applications();
        }
        // Recorded before it is said, so whoever reads the line finds the record up to date.
        self.record.save(&self.state)?;
        tell!(Some(&name), Event::AgentExited { how });
        if removed {
            self.leave_relations(&name);
            tell!(Some(&name), Event::Lever { action: "removed".into(), detail: String::new() });
        }
        Ok(())
    }
}

impl Running {
    /// Drops from the record each application being removed whose last unit has left.
    pub(super) fn drop_removed_applications(&mut self) {
        let units = &self.record.units;
        self.record.applications.retain(|a| {
            !a.removing || units.iter().any(|u| leaderd_core::names::unit_application(&u.name).ok() == Some(&a.name))
        });
    }
}

/// The first application of an `up` run in the foreground, prepared in the staging directory
/// and checked before anything in the state directory is touched.
struct FirstApp {
    staged: PathBuf,
    /// Its record (`charm` is set by `install`).
    info: AppInfo,
    config: leaderd_core::wire::controller::ConfigChangeRequest,
    /// Where the charm came from: the example charm is written into the state directory.
    source: PathBuf,
    example: bool,
}

/// Prepares `up`'s charm (given, or the bundled example) and its deploy values.
fn first_application(options: &UpOptions, given_charm: Option<&Path>, staging: &Staging) -> anyhow::Result<FirstApp> {
    let staged = staging.0.join("charm");
    let source = match given_charm {
        Some(charm) => charm.to_path_buf(),
        None => write_example(&staging.0.join("example-charm"))?,
    };
    super::charm::prepare(&source, &staged, 0)?;
    let app = match (&options.app, given_charm) {
        (Some(app), _) => app.clone(),
        (None, Some(_)) => charm_name(&staged)?,
        (None, None) => EXAMPLE_APP.to_string(),
    };
    leaderd_core::names::check_application(&app)?;
    let config =
        application_config(&staged, given_charm.is_some(), &app, &options.config, options.config_file.as_deref())?;
    let info = AppInfo {
        charm_name: charm_name(&staged).unwrap_or_else(|_| app.clone()),
        name: app,
        charm: PathBuf::new(),
        revision: 0,
        resources: options.resources.iter().cloned().collect(),
        trust: false,
        base: None,
        removing: false,
    };
    Ok(FirstApp { staged, info, config, source, example: given_charm.is_none() })
}

impl FirstApp {
    /// Moves the prepared charm to `<state>/charms/<app>/0`, which every unit copies.
    fn install(mut self, state: &Path, staging: &Staging) -> anyhow::Result<FirstApp> {
        if self.example {
            self.source = write_example(&state.join("example-charm"))?;
        }
        let charm = state.join("charms").join(&self.info.name).join("0");
        staging.move_to(&self.staged, &charm)?;
        self.info.charm = charm;
        Ok(self)
    }
}

/// The application's registration with the controller at deploy: its config (the charm's
/// options, `--config`'s values), its peer relations and its storage.
pub(super) fn application_config(
    charm: &Path,
    read_options: bool,
    app: &str,
    config: &[String],
    config_file: Option<&Path>,
) -> anyhow::Result<leaderd_core::wire::controller::ConfigChangeRequest> {
    check_runnable(charm)?;
    let storage = check_storage(charm)?;
    let mut deploy_config = deploy_config(read_options.then_some(charm), app, config, config_file)?;
    // The controller takes joins only to these relations (the agents number them the same way).
    let peers = leaderd_core::relations::peers(charm)?;
    deploy_config.peers = Some(peers.into_iter().map(|p| p.endpoint).collect());
    // Every relation endpoint: the controller creates the peer relations with the model's next
    // relation ids and infers integrate's endpoints from the others.
    deploy_config.endpoints = Some(leaderd_core::relations::declared_endpoints(charm)?);
    // The controller checks the units' storage against the charm's declarations, never a
    // unit's own (hook-writable) copy of metadata.yaml.
    deploy_config.storage = Some(storage);
    Ok(deploy_config)
}

/// Refuses, before anything is deployed, a charm leaderd cannot run as Juju would: a
/// subordinate (`subordinate: true`; Juju deploys it with no units and creates one beside each
/// principal unit on integrate, a container-scoped relation leaderd does not have) and a
/// Kubernetes sidecar charm (`containers:`; its workload runs in containers Pebble manages,
/// and without them no `-pebble-ready` hook ever comes). Running either as a standalone unit
/// would let a test pass that fails on Juju.
fn check_runnable(charm: &Path) -> anyhow::Result<()> {
    let Ok(text) = std::fs::read_to_string(charm.join("metadata.yaml")) else { return Ok(()) };
    let Ok(meta) = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text) else { return Ok(()) };
    let name = meta["name"].as_str().unwrap_or_default();
    if meta["subordinate"].as_bool() == Some(true) {
        anyhow::bail!(
            "cannot deploy charm {name:?}: it is a subordinate charm (subordinate: true), and leaderd does not run \
             subordinates"
        );
    }
    if meta["containers"].as_mapping().is_some_and(|c| !c.is_empty()) {
        anyhow::bail!(
            "cannot deploy charm {name:?}: it declares containers (a Kubernetes sidecar charm), and leaderd runs no \
             Kubernetes pods or Pebble"
        );
    }
    Ok(())
}

/// The model's UUID and name, from the `model.json` `juju add-model` writes in the state
/// directory.
fn model_record(state: &Path) -> Option<(String, String)> {
    let bytes = std::fs::read(state.join("model.json")).ok()?;
    let model: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Some((model.get("uuid")?.as_str()?.to_string(), model.get("name")?.as_str()?.to_string()))
}

/// Juju's deploy check (`cmd/juju/resource/validation.go`, `CheckExpectedResources`): every
/// resource names one the charm's `metadata.yaml` declares (`metadata`: its text, if any).
pub(crate) fn check_resources<'a>(
    metadata: Option<&str>,
    names: impl IntoIterator<Item = &'a str>,
) -> anyhow::Result<()> {
    let declared: Vec<String> = metadata
        .and_then(|text| serde_yaml_ng::from_str::<serde_yaml_ng::Value>(text).ok())
        .and_then(|meta| meta.get("resources").and_then(|r| r.as_mapping()).cloned())
        .map(|r| r.keys().filter_map(|k| k.as_str().map(String::from)).collect())
        .unwrap_or_default();
    let unknown: Vec<&str> = names.into_iter().filter(|name| !declared.iter().any(|d| d == name)).collect();
    match unknown.as_slice() {
        [] => Ok(()),
        [one] => anyhow::bail!("unrecognized resource {}", leaderd_core::format::go_quote(one)),
        many => anyhow::bail!("unrecognized resources: {}", many.join(", ")),
    }
}

/// A private directory in the system's temporary directory (0700), removed when dropped.
struct Staging(PathBuf);

impl Staging {
    fn new() -> anyhow::Result<Staging> {
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().subsec_nanos();
        let dir = std::env::temp_dir().join(format!("leaderd-up-{}-{nanos}", std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&dir).with_context(|| format!("creating {}", dir.display()))?;
        Ok(Staging(dir))
    }

    /// Moves `from` (in the staging directory) to `to`: a rename, or a copy across file systems.
    fn move_to(&self, from: &Path, to: &Path) -> anyhow::Result<()> {
        if let Some(parent) = to.parent() {
            leaderd_sys::private::create_dir(parent)?;
        }
        if std::fs::rename(from, to).is_err() {
            leaderd_sys::private::copy_tree(from, to)?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The name of the bundled example charm's application.
const EXAMPLE_APP: &str = "shared-secret";

/// `up`'s controller: the child running now, how to start another on the same held socket,
/// and the record of recent exits (one that keeps dying is not restarted for ever).
pub(super) struct ControllerProcess {
    pub(super) child: Child,
    url: String,
    leaderd: PathBuf,
    args: Vec<String>,
    /// The controller's port, held here for the whole run (see the module's comment).
    socket: std::net::TcpListener,
    exits: Vec<std::time::Instant>,
    /// Its log: controller.log, controller-1.log, ...
    log: PathBuf,
}

/// Resolves when any of `controllers` not killed by a lever (as `records` says) exits: which,
/// and how.
async fn any_exit(
    controllers: &mut [ControllerProcess],
    records: &[ControllerInfo],
) -> (usize, std::io::Result<std::process::ExitStatus>) {
    let mut waits: Vec<_> = controllers
        .iter_mut()
        .enumerate()
        .filter(|(i, _)| records.get(*i).is_none_or(|r| r.run != RunState::Killed))
        .map(|(i, c)| (i, Box::pin(c.child.wait())))
        .collect();
    std::future::poll_fn(|cx| {
        for (i, wait) in waits.iter_mut() {
            if let std::task::Poll::Ready(exit) = std::future::Future::poll(wait.as_mut(), cx) {
                return std::task::Poll::Ready((*i, exit));
            }
        }
        std::task::Poll::Pending
    })
    .await
}

impl ControllerProcess {
    /// Controller `index` (0 for the only one) on `store`.
    async fn start(
        leaderd: &Path,
        state: &Path,
        tls: &TlsDir,
        lease: Duration,
        store: &str,
        index: u32,
    ) -> anyhow::Result<ControllerProcess> {
        let socket = std::net::TcpListener::bind("127.0.0.1:0").context("binding the controller's port")?;
        let mut args = vec![
            "controller".into(),
            "--listen-fd".into(),
            socket.as_raw_fd().to_string(),
            "--tls-dir".into(),
            tls.dir.display().to_string(),
            "--store".into(),
            store.to_string(),
            "--secret-file".into(),
            state.join("secret").display().to_string(),
            "--min-lease".into(),
            leaderd_core::duration::format(lease.min(Duration::from_secs(1))),
            "--max-lease".into(),
            // Every agent claims exactly this, so a restarted controller need honour the old
            // holder for one lease and no longer.
            leaderd_core::duration::format(lease),
        ];
        if store.starts_with("etcd:") {
            // A failed active controller is replaced this long after its last keepalive.
            let ttl = lease.clamp(Duration::from_secs(2), Duration::from_secs(10));
            args.extend(["--etcd-session-ttl".to_string(), leaderd_core::duration::format(ttl)]);
        }
        let log = match index {
            0 => state.join("controller.log"),
            n => state.join(format!("controller-{n}.log")),
        };
        let (child, url) = start_controller(leaderd, &args, &log, socket.as_raw_fd()).await?;
        Ok(ControllerProcess { child, url, leaderd: leaderd.into(), args, socket, exits: Vec::new(), log })
    }

    /// After the controller exited (`how`): starts another on the same socket, after a pause
    /// that grows with recent exits; gives up after 5 exits in a minute.
    async fn restart(&mut self, how: &str) -> anyhow::Result<()> {
        self.exits.retain(|t| t.elapsed() < Duration::from_secs(60));
        self.exits.push(std::time::Instant::now());
        let log = self.log.clone();
        anyhow::ensure!(
            self.exits.len() < 5,
            "the controller exited ({how}) {} times in a minute; see {}",
            self.exits.len(),
            log.display()
        );
        let restart_on = self.url.trim_start_matches("https://").to_string();
        tell!(None, Event::ControllerExited { how: how.into(), restart_on });
        tokio::time::sleep(Duration::from_millis(200) * self.exits.len() as u32).await;
        self.respawn().await
    }

    /// Starts a controller on the held socket (the previous one has exited and been reaped).
    pub(super) async fn respawn(&mut self) -> anyhow::Result<()> {
        let (child, _) = start_controller(&self.leaderd, &self.args, &self.log, self.socket.as_raw_fd())
            .await
            .context("restarting the controller")?;
        self.child = child;
        Ok(())
    }
}

/// The agents' exit waits: each task owns its child and answers its unit and exit status.
pub(super) type AgentWaits = tokio::task::JoinSet<(String, std::io::Result<std::process::ExitStatus>)>;

/// SIGTERM to every agent still running, then waits up to 5 s for them all; SIGKILL to the rest.
async fn stop_agents(units: &[UnitInfo], mut agents: AgentWaits) {
    let mut running: std::collections::BTreeMap<String, u32> =
        units.iter().filter_map(|u| u.pid.map(|pid| (u.name.clone(), pid))).collect();
    for unit in units {
        let Some(pid) = unit.pid else { continue };
        // An agent this `up` started and whose exit it has not reaped: the pid is still its.
        process::signal(pid, Signal::TERM);
        if unit.run == RunState::Paused {
            // A stopped process acts on SIGTERM only once continued.
            super::up_socket::signal_unit(unit, Signal::CONT);
        }
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while let Ok(Some(exited)) = tokio::time::timeout_at(deadline, agents.join_next()).await {
        if let Ok((name, _)) = exited {
            running.remove(&name);
        }
    }
    for pid in running.values() {
        // As above: these have not been reaped, so their pids are still theirs.
        process::signal(*pid, Signal::KILL);
    }
    while agents.join_next().await.is_some() {}
}

pub(super) async fn start_controller(
    leaderd: &Path,
    args: &[String],
    log: &Path,
    listen_fd: RawFd,
) -> anyhow::Result<(Child, String)> {
    let mut command = vec![leaderd.display().to_string()];
    command.extend(args.iter().cloned());
    let mut child = spawn(&command, None, Some(listen_fd), log)?;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line()).await;
    match line {
        Ok(Ok(Some(line))) if line.starts_with("listening on ") => {
            Ok((child, line.trim_start_matches("listening on ").to_string()))
        }
        _ => {
            let _ = child.kill().await;
            anyhow::bail!("the controller did not start; see {}", log.display())
        }
    }
}

/// Starts a child in its own process group (Ctrl-C reaches `up`, which stops it in order),
/// told to exit if `up` dies, stdout piped, stderr to `log` (0600). `inherit` is a descriptor
/// the child keeps open across exec (only that child: it is close-on-exec everywhere else).
pub(super) fn spawn(
    command: &[String],
    token: Option<&str>,
    inherit: Option<RawFd>,
    log: &Path,
) -> anyhow::Result<Child> {
    if let Some(dir) = log.parent() {
        leaderd_sys::private::create_state_dir(dir)?;
    }
    let log_file = leaderd_sys::private::append(log)?;
    let mut cmd = Command::new(&command[0]);
    cmd.args(&command[1..]).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(log_file).process_group(0);
    if let Some(token) = token {
        cmd.env("LEADERD_TOKEN", token);
    }
    let parent = std::process::id();
    // SAFETY: pre_exec is unsafe because the closure runs in the child between fork and exec,
    // where only async-signal-safe calls are sound: prctl, getppid and fcntl are (each one
    // system call), and nothing allocates on the way to exec. `inherit` is open in `up` (its caller holds it
    // until `spawn` returns), so it is open in the child too, and borrowing it there is sound.
    unsafe {
        cmd.pre_exec(move || {
            if !process::die_with_parent(parent)? {
                return Err(std::io::Error::other("leaderd up exited while starting this process"));
            }
            if let Some(fd) = inherit {
                process::keep_across_exec(std::os::fd::BorrowedFd::borrow_raw(fd))?;
            }
            Ok(())
        });
    }
    cmd.spawn().with_context(|| format!("starting {}", command.join(" ")))
}

/// Kills (SIGKILL) what a previous `up` on `state` left running, and answers their pids. An `up`
/// that stops (Ctrl-C, SIGTERM) stops everything it started and removes `up.json`; one that is
/// killed cannot, and its children are left to stop themselves: its agents and controllers get
/// SIGTERM when it dies (a parent-death signal) and each agent then stops its hooks, what they
/// started outside their process groups, and what `leaderd exec` ran in its units. What is
/// left after that (an agent paused with SIGSTOP does not act on its SIGTERM; a process that
/// ignores SIGTERM) is found here: the agents and controllers `up.json` still names (checked by
/// their command line, so a reused pid is left alone), then every process with the hook
/// environment of a unit under `state` (hooks, their daemons, `leaderd exec` commands). A
/// process that clears its environment and leaves its hook's process group escapes both.
/// Does a command-line argument name `dir` or a path under it (`dir`, `dir/units/a`,
/// `--state=dir`)? Never another directory whose name starts with `dir`'s (`models/m1` is not
/// in `models/m10`).
pub(crate) fn arg_names_dir(arg: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    let path = arg.rsplit_once('=').map_or(arg, |(_, value)| value);
    path == dir || path.strip_prefix(dir).is_some_and(|rest| rest.starts_with('/'))
}

fn stop_previous_run(state: &Path) -> Vec<u32> {
    let mut killed = Vec::new();
    let state_text = state.display().to_string();
    if let Some(previous) =
        std::fs::read(UpState::path(state)).ok().and_then(|bytes| serde_json::from_slice::<UpState>(&bytes).ok())
    {
        let pids = previous.units.iter().filter_map(|u| u.pid);
        let pids = pids.chain(previous.controllers.iter().map(|c| c.pid)).chain([previous.controller.pid]);
        for pid in pids.filter(|pid| *pid != 0 && *pid != std::process::id()) {
            let ours = process::cmdline(pid).is_some_and(|args| {
                matches!(args.get(1).map(String::as_str), Some("agent" | "controller"))
                    && args.iter().any(|a| arg_names_dir(a, &state_text))
            });
            if ours && !killed.contains(&pid) && process::signal(pid, Signal::KILL) {
                killed.push(pid);
            }
        }
    }
    for pid in process::with_hook_environment_under(&state.join("units")) {
        if !killed.contains(&pid) && process::signal(pid, Signal::KILL) {
            killed.push(pid);
        }
    }
    killed
}

/// Prints each line the child writes on stdout, time-stamped.
pub(super) fn relay(child: &mut Child) {
    let Some(stdout) = child.stdout.take() else {
        return;
    };
    tokio::spawn(async move {
        let mut lines = BufReader::new(stdout).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            // The agent's lines are already printable ([`leaderd_sys::events::Record::line`]):
            // whatever else reaches its stdout is made so too.
            say!("{} {}", clock(), leaderd_sys::events::printable(&line));
        }
    });
}

/// Stops every process still running with the hook environment of the agent whose hook socket
/// is `socket` (a path unique to this `up`): what its hooks left behind, when the agent could not
/// stop it itself (it was killed).
pub(super) fn stop_hook_leftovers(socket: &Path) {
    for pid in process::with_hook_environment(socket) {
        process::signal(pid, Signal::TERM);
    }
}

/// SIGTERM, then SIGKILL after 5 s.
pub(super) async fn stop(child: &mut Child) {
    if let Some(pid) = child.id() {
        process::signal(pid, Signal::TERM);
        if tokio::time::timeout(Duration::from_secs(5), child.wait()).await.is_err() {
            let _ = child.kill().await;
        }
    }
}

pub(super) fn describe(status: &std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit {code}"),
        (None, Some(signal)) => format!("signal {signal}"),
        _ => "unknown".into(),
    }
}

/// `HH:MM:SS.mmm`, UTC.
pub(super) fn clock() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let ms = now.as_millis() % 86_400_000;
    format!("{:02}:{:02}:{:02}.{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
}

/// `path` made absolute against the working directory and cleaned (no `.`, no `..`), so the
/// paths `up` prints and records read as the user would write them.
fn absolute(path: &Path) -> anyhow::Result<PathBuf> {
    let joined = if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir()?.join(path) };
    Ok(leaderd_core::gocompat::go_clean(&joined))
}

/// The application's config at deploy: the charm's options, then `--config-file`'s values,
/// then `--config`'s, each checked now (a refused one stops `up` before anything starts).
fn deploy_config(
    charm: Option<&Path>,
    app: &str,
    pairs: &[String],
    file: Option<&Path>,
) -> anyhow::Result<leaderd_core::wire::controller::ConfigChangeRequest> {
    let options = match charm {
        Some(charm) => leaderd_core::charm_config::read_options(&charm.join("config.yaml"))?,
        None => Default::default(),
    };
    let mut set = leaderd_core::charm_config::Values::new();
    // As Juju's `deploy --config` (`cmd/juju/common/flags.go`, `ConfigFlag`): a value without
    // `=` names a YAML file; the files are read in order, then the KEY=VALUE pairs go over them.
    // A file keeps a secret out of up's arguments, which every user can read while up runs.
    let (files, pairs): (Vec<&String>, Vec<&String>) = pairs.iter().partition(|p| !p.contains('='));
    let files = file.into_iter().map(Path::to_path_buf).chain(files.into_iter().map(PathBuf::from));
    for file in files {
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        set.extend(leaderd_core::charm_config::file_values(&text, app)?);
    }
    let args: Vec<String> = pairs.into_iter().cloned().collect();
    match super::config::request(&args, &[])? {
        super::config::Request::Change { set: pairs, .. } => set.extend(super::config::change(&pairs, &[]).set),
        super::config::Request::Show => {}
        super::config::Request::Get(key) => anyhow::bail!("--config {key:?}: expected KEY=VALUE"),
    }
    for (name, value) in &set {
        leaderd_core::charm_config::check_value(&options, name, value)?;
    }
    Ok(leaderd_core::wire::controller::ConfigChangeRequest {
        options: Some(options),
        set,
        reset: Vec::new(),
        charm: None,
        peers: None,
        storage: None,
        endpoints: None,
        trust: None,
        charm_url: None,
    })
}

/// Registers the application's config with the controller, as the operator.
pub(super) async fn register_config(
    secret: &Secret,
    tls: &TlsDir,
    url: &str,
    app: &str,
    config: &leaderd_core::wire::controller::ConfigChangeRequest,
) -> anyhow::Result<()> {
    let token = secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(300));
    let trust = leaderd_net::tls::Trust::Ca(tls.ca_cert());
    let client = leaderd_net::controller_client::ControllerClient::new(url, app, &token, &trust)?;
    // Several controllers on etcd elect their active one first: wait for it, a while.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        use leaderd_net::controller_client::CallError;
        match client.change_config(config).await {
            Ok(_) => return Ok(()),
            Err(CallError::Refused {
                code: leaderd_core::wire::ErrorCode::NotActive | leaderd_core::wire::ErrorCode::Unavailable,
                ..
            })
            | Err(CallError::Unreachable(_))
                if tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            // Kept as is: `refresh` shows the controller's refusal to the operator.
            Err(e) => return Err(e.into()),
        }
    }
}

/// The `name:` of the charm's metadata.yaml.
pub(crate) fn charm_name(charm: &Path) -> anyhow::Result<String> {
    let path = charm.join("metadata.yaml");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {} (or give --app)", path.display()))?;
    let meta: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    meta["name"].as_str().map(String::from).with_context(|| format!("{} has no name (or give --app)", path.display()))
}

fn write_example(dir: &Path) -> anyhow::Result<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    for (name, text, executable) in EXAMPLE {
        let path = dir.join(name);
        leaderd_sys::private::create_dir(path.parent().unwrap())?;
        std::fs::write(&path, text)?;
        let mode = if *executable { 0o700 } else { 0o600 };
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(dir.to_path_buf())
}

#[cfg(test)]
mod arg_tests {
    use super::arg_names_dir;

    #[test]
    fn an_argument_names_a_directory_at_a_path_component_boundary_only() {
        let dir = "/r/models/m1";
        for yes in ["/r/models/m1", "/r/models/m1/", "/r/models/m1/units/a/0", "--state=/r/models/m1/units/a"] {
            assert!(arg_names_dir(yes, dir), "{yes}");
        }
        for no in ["/r/models/m10", "/r/models/m1-prod/units/a", "--state=/r/models/m10", "/r/models", "x/r/models/m1"]
        {
            assert!(!arg_names_dir(no, dir), "{no}");
        }
    }
}
