//! `up`'s control socket, `<state>/up.socket` (HTTP over a unix socket, 0600 in the private
//! state directory, served within `leaderd_net::server`'s limits and timeouts): how the levers
//! (`leaderd kill|pause|resume|restart [UNIT|controller/N|--controller]`, `add-unit`, `remove-unit`, `refresh`)
//! and the `juju` model commands (`deploy`, `remove-application`, `destroy-model`) reach
//! the running `up`, which owns the child processes. Each request is handed to `up`'s main
//! loop, which applies it between the events it already handles (an agent's exit, the
//! controller's), so the record (`up.json`) has one writer. Wire types: `wire::up`.

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use tokio::sync::{mpsc, oneshot};

use super::up::{clock, say, stop_hook_leftovers, Running};
use super::{RunState, UnitInfo};
use leaderd_core::wire::up::*;
use leaderd_core::wire::ErrorCode;
use leaderd_net::server::{self, Body, HttpError};
use leaderd_sys::process::{self, Signal};

/// One request for `up`'s main loop.
#[derive(Debug)]
pub enum Request {
    Lever(LeverRequest),
    AddUnit(AddUnitRequest),
    RemoveUnit(RemoveUnitRequest),
    Refresh(RefreshRequest),
    Deploy(DeployRequest),
    RemoveApplication(RemoveApplicationRequest),
    Stop(StopRequest),
}

impl Request {
    /// The lever's name, as the event log records it.
    fn action(&self) -> String {
        match self {
            Request::Lever(LeverRequest { lever, .. }) => lever.name().into(),
            Request::AddUnit(_) => "add-unit".into(),
            Request::RemoveUnit(_) => "remove-unit".into(),
            Request::Refresh(_) => "refresh".into(),
            Request::Deploy(_) => "deploy".into(),
            Request::RemoveApplication(_) => "remove-application".into(),
            Request::Stop(_) => "stop".into(),
        }
    }
}

/// Where the answer goes.
pub type Reply = oneshot::Sender<Result<Done, HttpError>>;

/// The most units one `add-unit` starts.
pub(crate) const MAX_ADD: u32 = 100;

/// Binds `path` (0600) and serves it until the returned task is aborted.
pub fn serve(path: &Path, requests: mpsc::Sender<(Request, Reply)>) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    use anyhow::Context;
    let listener =
        leaderd_agent::hook_endpoint::bind_socket(path).with_context(|| format!("binding {}", path.display()))?;
    let limits = leaderd_net::server::Limits::new(16, MAX_BODY_BYTES);
    Ok(tokio::spawn(async move {
        let _ = leaderd_net::server::serve(listener, None, router(requests), limits, std::future::pending()).await;
    }))
}

type Requests = State<mpsc::Sender<(Request, Reply)>>;

fn router(requests: mpsc::Sender<(Request, Reply)>) -> Router {
    Router::new()
        .route(
            LEVER_PATH,
            post(|State(tx): Requests, body: Body| async move { forward(tx, Request::Lever(decode(body)?)).await }),
        )
        .route(
            ADD_UNIT_PATH,
            post(|State(tx): Requests, body: Body| async move { forward(tx, Request::AddUnit(decode(body)?)).await }),
        )
        .route(
            REMOVE_UNIT_PATH,
            post(
                |State(tx): Requests, body: Body| async move { forward(tx, Request::RemoveUnit(decode(body)?)).await },
            ),
        )
        .route(
            REFRESH_PATH,
            post(|State(tx): Requests, body: Body| async move { forward(tx, Request::Refresh(decode(body)?)).await }),
        )
        .route(
            DEPLOY_PATH,
            post(|State(tx): Requests, body: Body| async move { forward(tx, Request::Deploy(decode(body)?)).await }),
        )
        .route(
            REMOVE_APPLICATION_PATH,
            post(|State(tx): Requests, body: Body| async move {
                forward(tx, Request::RemoveApplication(decode(body)?)).await
            }),
        )
        .route(
            STOP_PATH,
            post(|State(tx): Requests, body: Body| async move { forward(tx, Request::Stop(decode(body)?)).await }),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(requests)
}

fn decode<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, HttpError> {
    server::decode(body, MAX_BODY_BYTES)
}

async fn forward(tx: mpsc::Sender<(Request, Reply)>, request: Request) -> Result<Json<Done>, HttpError> {
    let stopping = || HttpError::new(ErrorCode::Unavailable, "leaderd up is stopping");
    let (reply, answer) = oneshot::channel();
    tx.send((request, reply)).await.map_err(|_| stopping())?;
    answer.await.map_err(|_| stopping())?.map(Json)
}

fn refused(message: impl Into<String>) -> HttpError {
    HttpError::new(ErrorCode::BadRequest, message.into())
}

fn failed(e: anyhow::Error) -> HttpError {
    HttpError::new(ErrorCode::Internal, format!("{e:#}"))
}

/// What a lever did (`apply` says it on `up`'s output once the record is saved).
fn done(message: String, units: Vec<String>) -> Result<Done, HttpError> {
    Ok(Done { message, units, charm: None })
}

impl Running {
    /// Applies one request; the record is saved before the answer goes out and before `up`
    /// says what was done on its output (and so in its log).
    pub(super) async fn apply(&mut self, request: Request) -> Result<Done, HttpError> {
        let action = request.action();
        let answer = match request {
            Request::Lever(LeverRequest { lever, target: Target::Controller(which) }) => {
                self.controller_lever(lever, which).await
            }
            Request::Lever(LeverRequest { lever, target: Target::Unit(unit) }) => self.unit_lever(lever, &unit).await,
            Request::AddUnit(AddUnitRequest { app, count }) => self.add_units(&app, count).await,
            Request::RemoveUnit(RemoveUnitRequest { unit, force }) if force && self.failing(&unit).await => {
                self.kill_leaving(&unit, "removed with --force while its hook is failing");
                done(format!("removing {unit} without its remaining hooks (--force)"), vec![unit])
            }
            Request::RemoveUnit(RemoveUnitRequest { unit, force }) => {
                let answer = self.remove_unit(&unit).await;
                if force && answer.is_ok() {
                    // Its hook may yet fail on the way out.
                    self.forced.insert(unit);
                }
                answer
            }
            Request::Refresh(RefreshRequest { app, path }) => self.refresh(&app, std::path::Path::new(&path)).await,
            Request::Deploy(deploy) => self.deploy(deploy).await,
            Request::RemoveApplication(RemoveApplicationRequest { app, force }) => {
                self.remove_application(&app, force).await
            }
            Request::Stop(stop) => self.stop(stop).await,
        };
        self.record.save(&self.state).map_err(failed)?;
        if let Ok(done) = &answer {
            let event = leaderd_sys::events::Event::Lever { action, detail: done.message.clone() };
            say!("{} {}", clock(), leaderd_sys::events::record(None, event).line());
        }
        answer
    }

    fn unit_index(&self, name: &str) -> Result<usize, HttpError> {
        self.record.units.iter().position(|u| u.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.record.units.iter().map(|u| u.name.as_str()).collect();
            refused(format!("no unit {name:?} here (units: {})", names.join(", ")))
        })
    }

    async fn unit_lever(&mut self, lever: Lever, name: &str) -> Result<Done, HttpError> {
        let i = self.unit_index(name)?;
        let unit = self.record.units[i].clone();
        let units = vec![unit.name.clone()];
        let pid = unit.pid.unwrap_or(0);
        match (lever, unit.run) {
            (Lever::Kill, RunState::Removing) => {
                // The way out of a removal stuck in a hook that never ends (Juju has no hook
                // timeout; its way out is `remove-unit --force`): the agent's exit drops the unit
                // (`agent_exited`), and what its hooks left running is stopped.
                process::signal(pid, Signal::KILL);
                done(
                    format!(
                        "killed {name} (agent pid {pid}, SIGKILL) while it was being removed: it leaves without its \
                         remaining hooks"
                    ),
                    units,
                )
            }
            (_, RunState::Removing) => Err(refused(format!(
                "{name} is being removed (`leaderd kill {name}` ends its removal without its remaining hooks)"
            ))),
            (Lever::Kill, RunState::Running | RunState::Paused) => {
                self.record.units[i].run = RunState::Killed;
                // An agent this `up` started and has not reaped (its exit is reaped by the task
                // that waits for it, and recorded before pid is cleared): the pid is still its.
                process::signal(pid, Signal::KILL);
                if unit.run == RunState::Paused {
                    // Its hooks' processes were stopped too: let them see the SIGTERM `up` sends
                    // what a killed agent leaves behind.
                    signal_unit(&unit, Signal::CONT);
                }
                done(
                    format!("killed {name} (agent pid {pid}, SIGKILL); `leaderd restart {name}` brings it back"),
                    units,
                )
            }
            (Lever::Pause, RunState::Running) => {
                let stopped = signal_unit(&unit, Signal::STOP);
                wait_stopped(pid).await;
                self.record.units[i].run = RunState::Paused;
                done(format!("paused {name} (agent pid {pid} and {} hook process(es), SIGSTOP)", stopped - 1), units)
            }
            (Lever::Resume, RunState::Paused) => {
                let continued = signal_unit(&unit, Signal::CONT);
                self.record.units[i].run = RunState::Running;
                done(format!("resumed {name} (agent pid {pid} and {} hook process(es), SIGCONT)", continued - 1), units)
            }
            (Lever::Restart, was) => {
                if matches!(was, RunState::Running | RunState::Paused) {
                    self.record.units[i].run = RunState::Killed;
                    process::signal(pid, Signal::KILL);
                    if was == RunState::Paused {
                        signal_unit(&unit, Signal::CONT);
                    }
                    self.wait_agent_exit(name).await?;
                }
                stop_hook_leftovers(&unit.state_dir.join("agent.socket"));
                let mut info = self.record.units[i].clone();
                self.start_agent(&mut info).map_err(failed)?;
                let new_pid = info.pid.unwrap_or(0);
                self.record.units[i] = info;
                done(
                    format!(
                        "restarted {name} (agent pid {new_pid}, was {}; same command line, a fresh token)",
                        was.name()
                    ),
                    units,
                )
            }
            (Lever::Resume, RunState::Running) => Err(refused(format!("{name} is not paused"))),
            // Stopped, not dead: the advice is resume's, in exec's and elect's words.
            (Lever::Pause, RunState::Paused) => {
                Err(refused(format!("{name} is already paused: `leaderd resume {name}` continues it")))
            }
            (_, state) => Err(refused(format!(
                "{name}'s agent is {} (not running): `leaderd restart {name}` starts it again",
                state.name()
            ))),
        }
    }

    /// Waits (up to 10 s) for `name`'s agent to exit, recording every agent exit meanwhile.
    async fn wait_agent_exit(&mut self, name: &str) -> Result<(), HttpError> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        loop {
            match tokio::time::timeout_at(deadline, self.agents.join_next()).await {
                Ok(Some(Ok((exited, status)))) => {
                    self.agent_exited(&exited, status).await.map_err(failed)?;
                    if exited == name {
                        return Ok(());
                    }
                }
                Ok(Some(Err(e))) => return Err(failed(e.into())),
                Ok(None) => return Ok(()),
                Err(_) => return Err(failed(anyhow::anyhow!("{name}'s agent did not exit within 10s of SIGKILL"))),
            }
        }
    }

    /// The controllers' levers. A controller killed with `kill` stays down until `restart`
    /// (one that dies by itself is restarted at once): the point of the lever is to watch the
    /// units without it for as long as the user chooses. `which` is `controller/N`, or None
    /// for `--controller`: the only one, or the one active now when there are several.
    async fn controller_lever(&mut self, lever: Lever, which: Option<u32>) -> Result<Done, HttpError> {
        let several = self.controllers.len() > 1;
        let (i, active) = match which {
            Some(n) if n as usize >= self.controllers.len() => {
                let there = match self.controllers.len() {
                    1 => "this up runs one controller: controller/0 (or --controller)".to_string(),
                    count => format!("this up runs {count} controllers: controller/0 to controller/{}", count - 1),
                };
                return Err(refused(format!("no controller/{n} here ({there})")));
            }
            Some(n) => (n as usize, false),
            None if !several => (0, false),
            None => (self.active_controller().await?, true),
        };
        // One controller keeps the words it always had; several are named.
        let (label, again) = match several {
            false => ("the controller".to_string(), "--controller".to_string()),
            true => (format!("controller/{i}"), format!("controller/{i}")),
        };
        let role = if active { "active, " } else { "" };
        let pid = self.record.controllers[i].pid;
        let was = self.record.controllers[i].run;
        let listen = self.record.controllers[i].url.trim_start_matches("https://").to_string();
        match (lever, was) {
            (Lever::Kill, RunState::Running | RunState::Paused) => {
                let _ = self.controllers[i].child.kill().await;
                self.record.controllers[i].run = RunState::Killed;
                let agents = match several {
                    false => format!("agents keep retrying {listen}"),
                    true => "agents turn to whichever controller is active".to_string(),
                };
                done(
                    format!(
                        "killed {label} ({role}pid {pid}, SIGKILL); it stays down until `leaderd restart {again}` \
                         ({agents})"
                    ),
                    vec![],
                )
            }
            (Lever::Pause, RunState::Running) => {
                // A controller this `up` started and has not reaped: the pid is still its.
                process::signal(pid, Signal::STOP);
                wait_stopped(pid).await;
                self.record.controllers[i].run = RunState::Paused;
                done(format!("paused {label} ({role}pid {pid}, SIGSTOP)"), vec![])
            }
            (Lever::Resume, RunState::Paused) => {
                process::signal(pid, Signal::CONT);
                self.record.controllers[i].run = RunState::Running;
                done(format!("resumed {label} (pid {pid}, SIGCONT)"), vec![])
            }
            (Lever::Restart, _) => {
                if was != RunState::Killed {
                    let _ = self.controllers[i].child.kill().await;
                }
                self.record.controllers[i].run = RunState::Killed;
                self.controllers[i].respawn().await.map_err(failed)?;
                let new_pid = self.controllers[i].child.id().unwrap_or(0);
                self.record.controllers[i].pid = new_pid;
                self.record.controllers[i].run = RunState::Running;
                let was_active = if active { ", active" } else { "" };
                done(format!("restarted {label} (pid {new_pid}, was {}{was_active}) on {listen}", was.name()), vec![])
            }
            (Lever::Resume, _) => Err(refused(format!("{label} is not paused (it is {})", was.name()))),
            (Lever::Pause, RunState::Paused) => {
                Err(refused(format!("{label} is already paused: `leaderd resume {again}` continues it")))
            }
            (_, _) => Err(refused(format!(
                "{label} is {} (not running): `leaderd restart {again}` starts it again",
                was.name()
            ))),
        }
    }

    /// The controller active now, of several (asked of each running one, as `leaderd status`
    /// asks); a clear refusal if none is.
    async fn active_controller(&self) -> Result<usize, HttpError> {
        let token = self.secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(300));
        let trust = leaderd_net::tls::Trust::Ca(self.ca.clone());
        let mut roles = Vec::new();
        for (i, c) in self.record.controllers.iter().enumerate() {
            let role = match c.run {
                RunState::Running => {
                    super::status::ask_role(&c.url, self.record.any_application(), &token, &trust).await
                }
                RunState::Paused | RunState::Killed => c.run.name().to_string(),
                _ => "down".into(),
            };
            if role == "active" {
                return Ok(i);
            }
            roles.push(format!("controller/{i} {role}"));
        }
        Err(refused(format!("no controller is active right now ({}): name one, like `controller/0`", roles.join(", "))))
    }

    /// The application `app`, one that is not leaving, in the words of Juju's state
    /// (`application "x" not found`).
    fn live_application(&self, app: &str) -> Result<super::AppInfo, HttpError> {
        match self.record.applications.iter().find(|a| a.name == app && !a.removing) {
            Some(info) => Ok(info.clone()),
            None => Err(HttpError::new(ErrorCode::NotFound, format!("application {app:?} not found"))),
        }
    }

    async fn add_units(&mut self, app: &str, count: u32) -> Result<Done, HttpError> {
        if count == 0 || count > MAX_ADD {
            return Err(refused(format!("-n must be from 1 to {MAX_ADD}, not {count}")));
        }
        self.refuse_when_stopping()?;
        self.live_application(app)?;
        let mut added = Vec::new();
        for _ in 0..count {
            added.push(self.add_unit(app).map_err(failed)?);
        }
        // `juju status` lists them (waiting for machine) once add-unit returns.
        self.register_units(app, &added).await;
        done(format!("added {}", added.join(", ")), added)
    }

    /// `leaderd refresh`: prepares the charm at `given` as the next revision in
    /// `<state>/charms/<revision>` and registers it with the controller, with its config
    /// options (values kept where the option still takes them). The agents see the new charm
    /// through their config watchers, swap it into their charm directories and run
    /// upgrade-charm, then config-changed (`crates/agent/src/lifecycle.rs`). Units added later
    /// copy the new charm.
    async fn refresh(&mut self, app: &str, given: &Path) -> Result<Done, HttpError> {
        self.refuse_when_stopping()?;
        let info = self.live_application(app)?;
        let revision = self.revisions.get(&info.charm_name).map_or(0, |r| r + 1);
        let dest = self.state.join("charms").join(app).join(revision.to_string());
        super::charm::check_state_outside(given, &self.state).map_err(|e| refused(format!("{e:#}")))?;
        let (form, name) = super::charm::prepare(given, &dest, revision).map_err(|e| refused(format!("{e:#}")))?;
        let name = name.unwrap_or_default();
        let checked = self.check_refresh(&info, &name);
        let storage = checked.and_then(|()| super::up::check_storage(&dest).map_err(|e| refused(format!("{e:#}"))));
        let options = storage.and_then(|storage| {
            let options = leaderd_core::charm_config::read_options(&dest.join("config.yaml"));
            options.map(|options| (options, storage)).map_err(|e| refused(e.to_string()))
        });
        let declared = options.and_then(|(options, storage)| {
            let peers = leaderd_core::relations::peers(&dest).map_err(|e| refused(e.to_string()))?;
            let endpoints = leaderd_core::relations::declared_endpoints(&dest).map_err(|e| refused(e.to_string()))?;
            Ok((options, storage, peers.into_iter().map(|p| p.endpoint).collect(), endpoints))
        });
        let (options, storage, peers, endpoints) = match declared {
            Ok(declared) => declared,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dest);
                return Err(e);
            }
        };
        let change = leaderd_core::wire::controller::ConfigChangeRequest {
            options: Some(options),
            set: Default::default(),
            reset: Vec::new(),
            charm: Some(leaderd_core::wire::controller::CharmRef { revision, path: dest.display().to_string() }),
            // The new charm's relation endpoints: the controller refuses a charm that no
            // longer implements one in a relation (Juju's `checkRelationsOps`), and integrate
            // infers from the new ones.
            peers: Some(peers),
            charm_url: Some(format!("local:{name}-{revision}")),
            // The controller checks them against the ones before (Juju's
            // `checkStorageUpgrade`) and refuses the whole change if the units' storage cannot
            // follow.
            storage: Some(storage),
            endpoints: Some(endpoints),
            trust: None,
        };
        let tls = leaderd_net::tls::TlsDir::new(self.state.join("tls"));
        let url = self.record.live_controller_urls();
        if let Err(e) = super::up::register_config(&self.secret, &tls, &url, app, &change).await {
            let _ = std::fs::remove_dir_all(&dest);
            // The controller's refusal (a storage upgrade check) is the operator's to read as is.
            return Err(match e.downcast::<leaderd_net::controller_client::CallError>() {
                Ok(leaderd_net::controller_client::CallError::Refused { code: ErrorCode::BadRequest, message }) => {
                    refused(message)
                }
                Ok(e) => failed(anyhow::anyhow!("registering the config: {e}")),
                Err(e) => failed(e),
            });
        }
        if let Some(record) = self.record.applications.iter_mut().find(|a| a.name == app) {
            record.charm = dest;
            record.revision = revision;
        }
        self.revisions.insert(name.clone(), revision);
        let units = self.record.units_of(app).map(|u| u.name.clone()).collect();
        let mut answer = done(
            format!(
                "Added local charm {name:?}, revision {revision}, to the model ({}, from {}); each unit runs \
                 upgrade-charm, then config-changed",
                form.name(),
                given.display()
            ),
            units,
        )?;
        answer.charm = Some(CharmRevision { name, revision });
        Ok(answer)
    }

    /// What a refresh to the charm `name` may not change: the charm's name.
    fn check_refresh(&self, info: &super::AppInfo, name: &str) -> Result<(), HttpError> {
        let current = info.charm_name.clone();
        if name != current {
            // Juju's words (`cmd/juju/application/refresher/refresher.go`).
            return Err(refused(format!("cannot refresh {current:?} to {name:?}")));
        }
        // A change of peer relations is the controller's: Juju's `SetCharm`
        // (`state/application.go`) creates the new charm's new peer relations
        // (`addPeerRelationsOps`) and removes the ones it drops (`removeStalePeerRelationsOps`).
        Ok(())
    }

    async fn remove_unit(&mut self, name: &str) -> Result<Done, HttpError> {
        let i = self.unit_index(name)?;
        let unit = self.record.units[i].clone();
        match unit.run {
            RunState::Removing => Err(refused(format!("{name} is already being removed"))),
            RunState::Paused => Err(refused(format!(
                "{name} is paused: `leaderd resume {name}` first, so its stop and remove hooks can run"
            ))),
            RunState::Killed | RunState::Exited => {
                self.forget_unit(name).await;
                self.record.units.remove(i);
                self.drop_removed_applications();
                stop_hook_leftovers(&unit.state_dir.join("agent.socket"));
                self.leave_relations(name);
                done(
                    format!(
                        "removed {name} (its agent was {}: no stop or remove hook ran, as with `juju remove-unit --force`)",
                        unit.run.name()
                    ),
                    vec![name.into()],
                )
            }
            RunState::Running => {
                let socket = unit.state_dir.join("run.socket");
                let asked = tokio::task::spawn_blocking(move || {
                    leaderd_core::unix_http::request_within(
                        &socket,
                        "POST",
                        leaderd_core::wire::run::REMOVE_PATH,
                        Some(b"{}"),
                        Some(Duration::from_secs(5)),
                    )
                })
                .await
                .map_err(|e| failed(e.into()))?;
                match asked {
                    Ok((200, _)) => {
                        self.record.units[i].run = RunState::Removing;
                        done(
                            format!(
                                "removing {name}: its stop and remove hooks run, then its agent stops and it leaves"
                            ),
                            vec![name.into()],
                        )
                    }
                    Ok((status, body)) => {
                        let why = leaderd_core::wire::ErrorResponse::decode(status, &body)
                            .map(|(_, message)| message)
                            .unwrap_or_else(|| String::from_utf8_lossy(&body).into_owned());
                        Err(failed(anyhow::anyhow!("the agent of {name} refused: {why}")))
                    }
                    Err(e) => Err(failed(anyhow::anyhow!("asking the agent of {name}: {e}"))),
                }
            }
        }
    }
}

/// Waits (up to 1 s) until `pid` is stopped, so "paused" is true when it is said: a signal is
/// delivered asynchronously.
async fn wait_stopped(pid: u32) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while tokio::time::Instant::now() < deadline {
        if matches!(process::state(pid), Some('T') | None) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The processes of a unit: its agent, everything the agent started (hooks and their
/// children, as `/proc` parentage says), and anything still carrying its hook environment (a
/// hook's daemonised child). Each gets `signal`, the agent first (a stopped agent starts no
/// new hook); answers how many got it.
pub(crate) fn signal_unit(unit: &UnitInfo, signal: Signal) -> usize {
    let Some(agent) = unit.pid else { return 0 };
    // The agent this `up` started and has not reaped: the pid is still its.
    process::signal(agent, signal);
    let mut signalled = std::collections::BTreeSet::from([agent]);
    // A hook may fork while its siblings are being stopped: look again until nothing is new.
    for _ in 0..5 {
        let fresh: Vec<u32> = unit_processes(agent, &unit.state_dir.join("agent.socket"))
            .into_iter()
            .filter(|pid| !signalled.contains(pid))
            .collect();
        if fresh.is_empty() {
            break;
        }
        for pid in fresh {
            process::signal(pid, signal);
            signalled.insert(pid);
        }
    }
    signalled.len()
}

/// The descendants of `agent` and the processes carrying the hook environment of `socket`.
fn unit_processes(agent: u32, socket: &Path) -> Vec<u32> {
    let mut found = process::with_hook_environment(socket);
    found.extend(process::descendants(agent));
    found.sort_unstable();
    found.dedup();
    found.retain(|pid| *pid != agent);
    found
}

/// The bound on a graceful stop without `--force`: the units' stop and remove hooks normally
/// take seconds; one stuck in a hook does not keep the model's processes for ever.
const STOP_BOUND: Duration = Duration::from_secs(300);
/// The bound on a forced stop without `--timeout`.
const FORCED_STOP_BOUND: Duration = Duration::from_secs(30);

impl Running {
    fn refuse_when_stopping(&self) -> Result<(), HttpError> {
        match self.stopping {
            Some(_) => Err(HttpError::new(ErrorCode::Unavailable, "the model is being destroyed")),
            None => Ok(()),
        }
    }

    /// `juju deploy`: prepares the charm as the next revision of its name in
    /// `<state>/charms/<app>/<revision>`, copies its resources into `<state>/resources/<app>/`,
    /// registers the application with the controller, records it and starts its units; answers
    /// once all of that is in `up.json`, so `juju status` lists the application and its units
    /// the moment `deploy` returns (as Juju's state has them when its deploy returns).
    async fn deploy(&mut self, request: DeployRequest) -> Result<Done, HttpError> {
        self.refuse_when_stopping()?;
        if request.units > MAX_ADD {
            return Err(refused(format!("-n must be from 0 to {MAX_ADD}, not {}", request.units)));
        }
        let given = Path::new(&request.charm);
        super::charm::check_state_outside(given, &self.state).map_err(|e| refused(format!("{e:#}")))?;
        // Prepared aside first: its name (and so its revision and the application's name) is
        // known only once it is read.
        let staging = self.state.join("charms").join(".deploying");
        let (_, name) = super::charm::prepare(given, &staging, 0).map_err(|e| refused(format!("{e:#}")))?;
        let cleanup = |dir: &Path| {
            let _ = std::fs::remove_dir_all(dir);
        };
        let Some(charm_name) = name else {
            cleanup(&staging);
            return Err(refused(format!("{}: metadata.yaml has no name", given.display())));
        };
        let app = request.app.clone().unwrap_or_else(|| charm_name.clone());
        if let Err(e) = leaderd_core::names::check_application(&app) {
            cleanup(&staging);
            return Err(refused(e.to_string()));
        }
        if self.record.applications.iter().any(|a| a.name == app) {
            cleanup(&staging);
            // Juju's words (`state/state.go`, `errLocalApplicationExists`).
            return Err(HttpError::new(
                ErrorCode::BadRequest,
                format!("cannot add application {app:?}: application already exists"),
            ));
        }
        let revision = self.revisions.get(&charm_name).map_or(0, |r| r + 1);
        let dest = self.state.join("charms").join(&app).join(revision.to_string());
        let placed = (|| -> anyhow::Result<()> {
            let marker = staging.join(leaderd_core::charm::MARKER);
            std::fs::write(&marker, leaderd_core::charm::marker_text(&charm_name, revision))?;
            leaderd_sys::private::create_dir(dest.parent().expect("under charms/"))?;
            let _ = std::fs::remove_dir_all(&dest);
            std::fs::rename(&staging, &dest)?;
            Ok(())
        })();
        if let Err(e) = placed {
            cleanup(&staging);
            return Err(failed(e));
        }
        let resources_dir = self.state.join("resources").join(&app);
        let prepared = (|| -> anyhow::Result<_> {
            let mut config = super::up::application_config(&dest, true, &app, &request.config, None)?;
            // `deploy --trust`: the application config `trust`, as Juju's deploy sets it.
            config.trust = request.trust.then_some(true);
            let metadata = std::fs::read_to_string(dest.join("metadata.yaml")).ok();
            super::up::check_resources(metadata.as_deref(), request.resources.iter().map(|(n, _)| n.as_str()))?;
            let _ = std::fs::remove_dir_all(&resources_dir);
            let mut resources = std::collections::BTreeMap::new();
            for (name, path) in &request.resources {
                let path = Path::new(path);
                let file =
                    path.file_name().with_context(|| format!("resource {name}: {} is not a file", path.display()))?;
                let dir = resources_dir.join(name);
                leaderd_sys::private::create_state_dir(&dir)?;
                let copy = dir.join(file);
                std::fs::copy(path, &copy).with_context(|| format!("resource {name}: copying {}", path.display()))?;
                resources.insert(name.clone(), copy);
            }
            Ok((config, resources))
        })();
        let (config, resources) = match prepared {
            Ok(prepared) => prepared,
            Err(e) => {
                cleanup(&dest);
                cleanup(&resources_dir);
                return Err(refused(format!("{e:#}")));
            }
        };
        let tls = leaderd_net::tls::TlsDir::new(self.state.join("tls"));
        let url = self.record.live_controller_urls();
        if let Err(e) = super::up::register_config(&self.secret, &tls, &url, &app, &config).await {
            cleanup(&dest);
            cleanup(&resources_dir);
            return Err(match e.downcast::<leaderd_net::controller_client::CallError>() {
                Ok(leaderd_net::controller_client::CallError::Refused { code: ErrorCode::BadRequest, message }) => {
                    refused(message)
                }
                Ok(e) => failed(anyhow::anyhow!("registering the application: {e}")),
                Err(e) => failed(e),
            });
        }
        self.revisions.insert(charm_name.clone(), revision);
        self.record.applications.push(super::AppInfo {
            name: app.clone(),
            charm: dest,
            charm_name: charm_name.clone(),
            revision,
            resources,
            trust: request.trust,
            base: request.base.clone(),
            removing: false,
        });
        let mut units = Vec::new();
        for _ in 0..request.units {
            units.push(self.add_unit(&app).map_err(failed)?);
        }
        // `juju status` lists them (waiting for machine) once deploy returns.
        self.register_units(&app, &units).await;
        let mut answer = done(
            format!("deployed {app} (local:{charm_name}-{revision} from {}): {}", given.display(), units.join(", ")),
            units,
        )?;
        answer.charm = Some(CharmRevision { name: charm_name, revision });
        Ok(answer)
    }

    /// `juju remove-application`: every unit of `app` runs its stop and remove hooks and
    /// leaves; the application leaves the record with its last unit.
    async fn remove_application(&mut self, app: &str, force: bool) -> Result<Done, HttpError> {
        self.refuse_when_stopping()?;
        self.live_application(app)?;
        if let Some(info) = self.record.applications.iter_mut().find(|a| a.name == app) {
            info.removing = true;
        }
        self.destroy_relations(app);
        let units: Vec<String> = self.record.units_of(app).map(|u| u.name.clone()).collect();
        for unit in &units {
            if force {
                self.forced.insert(unit.clone());
            }
            if force && self.failing(unit).await {
                self.kill_leaving(unit, "removed with --force while its hook is failing");
                continue;
            }
            self.leave(unit).await;
        }
        self.drop_removed_applications();
        done(format!("removing {app}: {}", units.join(", ")), units)
    }

    /// `juju destroy-model`: every unit runs its stop and remove hooks and leaves; once none is
    /// left (or at the bound), `up` stops its controllers and exits. Answered at once; the
    /// caller waits for `up` to exit.
    async fn stop(&mut self, request: StopRequest) -> Result<Done, HttpError> {
        let bound = match (request.force, request.timeout_ms) {
            (true, Some(ms)) => Duration::from_millis(ms),
            (true, None) => FORCED_STOP_BOUND,
            (false, _) => STOP_BOUND,
        };
        let deadline = tokio::time::Instant::now() + bound;
        match &mut self.stopping {
            // A second stop may only bring the bound nearer, or force it.
            Some(stopping) => stopping.deadline = stopping.deadline.min(deadline),
            None => self.stopping = Some(super::up::Stopping { deadline }),
        }
        for app in &mut self.record.applications {
            app.removing = true;
        }
        let units: Vec<String> = self.record.units.iter().map(|u| u.name.clone()).collect();
        for unit in &units {
            // `--force` ignores errors (destroy.go): a unit whose hook is failing would not get
            // to its stop and remove hooks before the bound, so it is stopped now (or once its
            // hook fails, if it is running one).
            if request.force {
                self.forced.insert(unit.clone());
            }
            if request.force && self.failing(unit).await {
                self.kill_leaving(unit, "its hook is failing");
                continue;
            }
            self.leave(unit).await;
        }
        self.drop_removed_applications();
        done(format!("stopping: {} unit(s) leaving", units.len()), units)
    }

    /// The look, each second, at the units leaving with `--force` for one whose hook has
    /// failed: each is stopped at once.
    pub(super) async fn stop_failing_units(&mut self) {
        let units = &self.record.units;
        self.forced.retain(|name| units.iter().any(|u| &u.name == name));
        let leaving: Vec<String> = self
            .forced
            .iter()
            .filter(|name| units.iter().any(|u| &u.name == *name && u.pid.is_some()))
            .cloned()
            .collect();
        for unit in leaving {
            if self.failing(&unit).await {
                self.kill_leaving(&unit, "its hook is failing");
            }
        }
    }

    /// Whether `name`'s agent says a hook of its is failing (waiting to be retried or resolved).
    async fn failing(&self, name: &str) -> bool {
        let Some(unit) = self.record.units.iter().find(|u| u.name == name) else { return false };
        if !matches!(unit.run, RunState::Running | RunState::Removing) || unit.pid.is_none() {
            return false;
        }
        let socket = unit.state_dir.join("run.socket");
        let asked = tokio::task::spawn_blocking(move || {
            leaderd_core::unix_http::request_within(
                &socket,
                "GET",
                leaderd_core::wire::run::STATUS_PATH,
                None,
                Some(Duration::from_secs(2)),
            )
        })
        .await;
        let status = match asked {
            Ok(Ok((200, body))) => serde_json::from_slice::<leaderd_core::wire::run::AgentStatus>(&body).ok(),
            _ => None,
        };
        status.is_some_and(|s| s.failing_hook.is_some())
    }

    /// Makes `name` leave without its remaining hooks: its agent is killed, and its exit
    /// (`agent_exited`) drops it from the record.
    fn kill_leaving(&mut self, name: &str, why: &str) {
        let Some(i) = self.record.units.iter().position(|u| u.name == name) else { return };
        let unit = self.record.units[i].clone();
        self.record.units[i].run = RunState::Removing;
        say!("{} {name}: {why}; stopping its agent", clock());
        if let Some(pid) = unit.pid {
            // Not reaped yet (its exit would have cleared the pid): the pid is still its.
            process::signal(pid, Signal::KILL);
            if unit.run == RunState::Paused {
                signal_unit(&unit, Signal::CONT);
            }
        }
    }

    /// Makes `name` leave as `remove-unit` does, whatever its agent's state: a paused agent is
    /// continued first, a unit already leaving is left to it, one whose agent is down leaves at
    /// once (without its hooks); an agent that cannot be asked is stopped (SIGKILL).
    async fn leave(&mut self, name: &str) {
        let Some(i) = self.record.units.iter().position(|u| u.name == name) else { return };
        let unit = self.record.units[i].clone();
        match unit.run {
            RunState::Removing => return,
            RunState::Paused => {
                signal_unit(&unit, Signal::CONT);
                self.record.units[i].run = RunState::Running;
            }
            _ => {}
        }
        if let Err(e) = self.remove_unit(name).await {
            self.kill_leaving(name, &format!("could not ask it to leave ({})", e.message));
        }
    }
}
