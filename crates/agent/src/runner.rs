//! The hook runner: the real processes, files and agent behind the uniter (`executor.rs`), which
//! runs the charm's hooks one at a time, in the order the resolver (`resolver.rs`) decides
//! (Juju's uniter). A failing hook is reported with its exit code and output, puts the unit in
//! error state (`hook failed: "<hook>"`), and is retried as Juju retries it (5 s, doubling, up
//! to 5 min: `apiserver/facades/agent/retrystrategy/retrystrategy.go`), or, with retries off,
//! waits for `leaderd resolve`. A resolve retries the hook at once, or with `--no-retry` marks it
//! done without running it again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use super::executor::{Agent, Attempt, HookRunner, Inputs, StateStore, Uniter};
use super::hook_endpoint::HookEndpoint;
pub(crate) use super::lifecycle::UniterState;
use super::relation_hooks::Seen;
use super::resolver::UnitInfo;
use super::tracker::Tracker;
use super::{emit, event, AgentBackend};
use leaderd_core::wire::controller::{CharmRef, SecretChange};
use leaderd_core::wire::run::FailingHook;
use leaderd_sys::events::Event;

/// What the runner is doing, for `leaderd status`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct RunnerStatus {
    /// The hook running now, if any.
    pub running: Option<String>,
    /// The hook that last failed and is waiting to be retried.
    pub failing: Option<FailingHook>,
}

/// How a failed hook is retried.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retry by itself (Juju's model setting `automatically-retry-hooks`); off: wait for a
    /// resolve.
    pub enabled: bool,
    /// The first pause; each next one doubles.
    pub first: Duration,
    /// The longest pause.
    pub max: Duration,
}

impl Default for RetryPolicy {
    /// Juju's: 5 s, doubling, at most 5 minutes.
    fn default() -> RetryPolicy {
        RetryPolicy { enabled: true, first: Duration::from_secs(5), max: Duration::from_secs(300) }
    }
}

/// What `leaderd resolve` asks of a unit in error state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Resolve {
    /// Run the failed hook again now.
    Retry,
    /// Take the failed hook as done without running it again, and carry on.
    NoRetry,
}

/// Everything a hook needs to run, shared with the exec endpoint.
pub(crate) struct HookEnv {
    pub unit: String,
    pub charm_dir: PathBuf,
    pub socket: PathBuf,
    pub tools_dir: PathBuf,
    pub model_uuid: String,
    /// The model's name (`juju add-model`'s), or `local` for an `up` run by hand.
    pub model_name: String,
}

impl HookEnv {
    /// The environment of a hook (or, with `hook = None`, an exec command) in context `id`
    /// (docs/architecture.md, "How a unit knows it leads"). The agent's own environment is kept, less Juju's variables.
    pub fn vars(&self, id: &str, hook: Option<&str>) -> HashMap<String, String> {
        let mut vars: HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| {
                !k.starts_with("JUJU_")
                    && k != "OPERATOR_DISPATCH"
                    && k != "CHARM_DIR"
                    && k != "LEADERD_TOKEN"
                    && k != leaderd_sys::private::USER_UMASK_VAR
            })
            .collect();
        let path = vars.remove("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
        let charm = self.charm_dir.display().to_string();
        vars.extend([
            ("PATH".into(), format!("{}:{path}", self.tools_dir.display())),
            ("JUJU_CONTEXT_ID".into(), id.into()),
            ("JUJU_AGENT_SOCKET_ADDRESS".into(), self.socket.display().to_string()),
            ("JUJU_AGENT_SOCKET_NETWORK".into(), "unix".into()),
            ("JUJU_UNIT_NAME".into(), self.unit.clone()),
            ("JUJU_CHARM_DIR".into(), charm.clone()),
            ("CHARM_DIR".into(), charm),
            ("JUJU_MODEL_NAME".into(), self.model_name.clone()),
            ("JUJU_MODEL_UUID".into(), self.model_uuid.clone()),
            ("JUJU_VERSION".into(), leaderd_core::JUJU_VERSION.into()),
        ]);
        if let Some(hook) = hook {
            vars.insert("JUJU_HOOK_NAME".into(), hook.into());
            vars.insert("JUJU_DISPATCH_PATH".into(), format!("hooks/{hook}"));
        }
        vars
    }

    /// What runs for `hook`: the charm's executable `dispatch` if it has one, else
    /// `hooks/<hook>` if present; nothing for a missing hook.
    fn program(&self, hook: &str) -> Option<PathBuf> {
        let dispatch = self.charm_dir.join("dispatch");
        if executable(&dispatch) {
            return Some(dispatch);
        }
        let hook = self.charm_dir.join("hooks").join(hook);
        hook.exists().then_some(hook)
    }
}

pub(crate) struct Runner {
    pub env: Arc<HookEnv>,
    pub endpoint: Arc<HookEndpoint<AgentBackend>>,
    pub tracker: Arc<Tracker>,
    pub state_file: PathBuf,
    pub status: Arc<Mutex<RunnerStatus>>,
    /// Serialises hooks with exec commands.
    pub lock: Arc<tokio::sync::Mutex<()>>,
    /// How failed hooks are retried.
    pub retry: RetryPolicy,
    /// Resolves from the control socket (sent only while a hook has failed).
    pub resolves: tokio::sync::mpsc::Receiver<Resolve>,
    /// The process groups of hooks that still have processes: hooks run in their own process
    /// group, and what they left running is stopped with the agent. Groups whose processes
    /// have all exited are forgotten after every hook, so a recycled id is not signalled.
    pub hook_groups: Arc<Mutex<Vec<i32>>>,
    /// Turns true when the unit is being removed (`leaderd remove-unit`).
    pub dying: watch::Receiver<bool>,
    /// The relation data the relation watcher keeps fresh.
    pub relations: RelationInputs,
}

/// What the runner needs to run relation hooks.
pub(crate) struct RelationInputs {
    /// The latest relation data (`None` until the controller first answered).
    pub data: watch::Receiver<Option<leaderd_core::wire::controller::RelationsResponse>>,
    /// What the hooks have been told, persisted here (`<state>/relations.json`).
    pub seen_file: PathBuf,
    /// The controller's view of this unit's secrets (`secret_watch`).
    pub secrets: watch::Receiver<Option<leaderd_core::wire::controller::SecretView>>,
}

impl Runner {
    /// Runs hooks until the agent stops, from the persisted `state`. `remote` counts settings
    /// changes seen by the watcher (starting at 1 for its first answer, as Juju's watcher counts
    /// its initial event); `config` is the application's config version (none until the
    /// controller has answered); `ticks` counts the update-status timer's ticks. Fails only if
    /// the uniter state cannot be saved.
    pub async fn run(
        self,
        state: UniterState,
        remote: watch::Receiver<u64>,
        config: watch::Receiver<Option<super::executor::ConfigSeen>>,
        ticks: watch::Receiver<u64>,
    ) -> Result<(), StateError> {
        let seen = load_seen(&self.relations.seen_file)?;
        let unit = UnitInfo {
            unit: self.env.unit.clone(),
            app: leaderd_core::names::unit_application(&self.env.unit).unwrap_or_default().to_string(),
            storage_root: self.endpoint.storage_root.lock().unwrap().clone().unwrap_or_default(),
        };
        let inputs = Inputs {
            leader: self.tracker.subscribe(),
            settings: remote,
            config,
            ticks,
            dying: self.dying,
            relations: self.relations.data,
            secrets: self.relations.secrets,
            storage: self.endpoint.storage_watch(),
            resolves: self.resolves,
        };
        let charm_dir = self.env.charm_dir.clone();
        let hooks = ProcessHooks {
            env: self.env,
            endpoint: self.endpoint.clone(),
            status: self.status.clone(),
            lock: self.lock.clone(),
            hook_groups: self.hook_groups,
        };
        let store = StateFiles { uniter: self.state_file, relations: self.relations.seen_file };
        let agent = AgentSide { tracker: self.tracker, endpoint: self.endpoint, lock: self.lock };
        Uniter::new(unit, hooks, store, agent, self.retry, self.status, state, seen)
            .deployed(leaderd_core::charm::deployed_revision(&charm_dir))
            .run(inputs)
            .await
    }
}

/// The real hooks: processes in the charm directory, each in a fresh hook context.
struct ProcessHooks {
    env: Arc<HookEnv>,
    endpoint: Arc<HookEndpoint<AgentBackend>>,
    status: Arc<Mutex<RunnerStatus>>,
    lock: Arc<tokio::sync::Mutex<()>>,
    hook_groups: Arc<Mutex<Vec<i32>>>,
}

impl HookRunner for ProcessHooks {
    /// Runs the hook with Juju's status steps around it (`status_report.rs`): the agent
    /// executing it, and the workload statuses the uniter sets before it and once it succeeded.
    async fn run(&self, hook: &str, env: &[(String, String)], commit: Vec<SecretChange>) -> Attempt {
        self.endpoint.reports.hook_started(hook, env);
        if self.endpoint.before_hook(hook) {
            // Juju's order: the agent executing the hook, then the workload step.
            let runner = self.status.lock().unwrap().clone();
            self.endpoint.publish_agent_now(&runner).await;
            self.endpoint.publish_workload_now().await;
        }
        let attempt = self.run_hook(hook, env, commit).await;
        if attempt == Attempt::Missing && self.endpoint.after_hook(hook) {
            self.endpoint.publish_workload_now().await;
        }
        self.endpoint.reports.hook_ended();
        attempt
    }

    async fn settle(&self, commit: Vec<SecretChange>) -> Result<(), String> {
        if commit.is_empty() {
            return Ok(());
        }
        let _serialised = self.lock.lock().await;
        let id = self.endpoint.open_context("settle");
        let committed = self.endpoint.commit_context(&id, commit).await;
        self.endpoint.close_context(&id);
        committed.map(|_| ()).map_err(|e| e.to_string())
    }

    /// Juju's charm deployer (`worker/uniter/charm`) replaces the files in the charm directory
    /// while the uniter holds the machine lock; here the new charm is copied next to the unit's
    /// charm directory (`<charm>.new`), then the two are swapped in one step under the hook
    /// lock, so no hook or exec ever sees half a charm, and the path hooks and `exec` run in
    /// (`JUJU_CHARM_DIR`) stays the same. A hook or exec in flight finishes first.
    async fn deploy(&self, charm: &CharmRef) -> Result<(), String> {
        let dir = &self.env.charm_dir;
        let mut staged = dir.as_os_str().to_owned();
        staged.push(".new");
        let staged = PathBuf::from(staged);
        let _ = std::fs::remove_dir_all(&staged);
        let source = PathBuf::from(&charm.path);
        let copied = tokio::task::spawn_blocking({
            let staged = staged.clone();
            move || leaderd_sys::private::copy_tree(&source, &staged)
        })
        .await
        .map_err(|e| e.to_string())
        .and_then(|copied| copied.map_err(|e| format!("{e:#}")));
        if let Err(why) = copied {
            let _ = std::fs::remove_dir_all(&staged);
            return Err(why);
        }
        let swapped = {
            let _serialised = self.lock.lock().await;
            // What the unit's hooks made in the charm directory (files the old charm's
            // manifest does not list, and the new charm does not have) carries over, as Juju's
            // manifest deployer leaves it in place: ops's `.unit-state.db` among them.
            carry_over(dir, &staged).and_then(|()| leaderd_sys::private::exchange(&staged, dir))
        };
        // The old charm, now at `<charm>.new`.
        let _ = std::fs::remove_dir_all(&staged);
        swapped.map_err(|e| format!("{e:#}"))?;
        // The new charm's storage: the unit gets the minimum count of a storage it lacks, as
        // Juju's upgrade adds the shortfall (`state/application.go`, `addUnitStorageOps` with
        // a minimum count); their attached hooks run once upgrade-charm and its config-changed
        // are done.
        match leaderd_core::storage::charm_storage(dir) {
            Ok(storage) if !storage.is_empty() => {
                match super::HookBackend::ensure_storage(&*self.endpoint.backend, super::minimum_storage(&storage))
                    .await
                {
                    Ok(storage) => self.endpoint.set_storage(storage),
                    Err(e) => tracing::warn!(unit = self.env.unit, error = %e, "adding the new charm's storage"),
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(unit = self.env.unit, error = %e, "reading the new charm's storage"),
        }
        Ok(())
    }
}

/// Copies into `staged` (the new charm) the files of the charm directory `dir` that its
/// manifest does not list (the unit made them) and `staged` does not have. Without a manifest
/// (a charm directory given to `leaderd agent` by hand) nothing is carried over.
fn carry_over(dir: &Path, staged: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    let Some(charm_files) = leaderd_core::charm::read_manifest(dir) else { return Ok(()) };
    for file in leaderd_core::charm::files(dir).with_context(|| format!("listing {}", dir.display()))? {
        let to = staged.join(&file);
        if charm_files.contains(&file)
            || file == Path::new(leaderd_core::charm::MANIFEST)
            || to.symlink_metadata().is_ok()
        {
            continue;
        }
        let from = dir.join(&file);
        if let Some(parent) = to.parent() {
            leaderd_sys::private::create_dir(parent)?;
        }
        let meta = from.symlink_metadata()?;
        if meta.file_type().is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&from)?, &to)?;
        } else {
            std::fs::copy(&from, &to).with_context(|| format!("keeping {}", from.display()))?;
        }
    }
    Ok(())
}

/// The real state: `uniter.json` and `relations.json` in the state directory.
struct StateFiles {
    uniter: PathBuf,
    relations: PathBuf,
}

impl StateStore for StateFiles {
    fn save_uniter(&mut self, state: &UniterState) -> Result<(), StateError> {
        save_state(&self.uniter, state)
    }

    fn save_relations(&mut self, seen: &Seen) -> Result<(), StateError> {
        save_seen(&self.relations, seen)
    }
}

/// The real rest of the agent: the tracker, the hook endpoint, the hook lock.
struct AgentSide {
    tracker: Arc<Tracker>,
    endpoint: Arc<HookEndpoint<AgentBackend>>,
    lock: Arc<tokio::sync::Mutex<()>>,
}

impl Agent for AgentSide {
    async fn is_leader(&self) -> bool {
        self.tracker.is_leader().await
    }

    fn tell_relations(&self, joined: BTreeMap<u64, Vec<String>>, seen: &Seen) {
        self.endpoint.set_joined(joined);
        self.endpoint.set_broken(seen.broken.clone());
        self.endpoint.set_known(seen.known.iter().map(|(id, k)| (*id, k.unit_relation(*id))).collect());
    }

    fn storage_detached(&self, id: &str) {
        self.endpoint.storage_detached(id);
    }

    async fn terminate(&self) {
        // Hold the hook lock while the tracker stops answering True and gives the lease up: no
        // exec command may act as the unit any more (the agent exits right after).
        let _hooks = self.lock.lock().await;
        self.tracker.resign().await;
    }
}

impl ProcessHooks {
    /// Runs one hook in a fresh context.
    ///
    /// The context ends when the hook's own process exits: a process it left in the background
    /// cannot act as the hook afterwards, even if it keeps the hook's output pipes open (the
    /// output is collected for a moment longer, then drained unread).
    async fn run_hook(&self, hook: &str, relation_env: &[(String, String)], commit: Vec<SecretChange>) -> Attempt {
        let Some(program) = self.env.program(hook) else {
            // A charm without the hook: its secret bookkeeping (a rotation or expiry handled)
            // is still recorded, as Juju's uniter does when it skips a missing hook; if it
            // cannot be, the hook is retried like one whose changes could not be committed.
            if let Err(why) = self.settle(commit).await {
                return Attempt::CommitFailed(format!("committing relation and secret changes: {why}"));
            }
            return Attempt::Missing;
        };
        let unit = &self.env.unit;
        // A hook without its execute bit would fail to exec with EACCES: say what to do about it
        // rather than report an exit code the hook never produced.
        if !executable(&program) {
            let why = format!("not executable: chmod +x {}", program.display());
            emit(unit, Event::HookNotStarted { hook: hook.into(), why: why.clone() });
            return Attempt::NotStarted(why);
        }
        let _serialised = self.lock.lock().await;
        let id = self.endpoint.open_context(hook);
        self.status.lock().unwrap().running = Some(hook.into());
        emit(unit, Event::HookStarted { hook: hook.into() });
        let started = Instant::now();
        let mut command = tokio::process::Command::new(&program);
        leaderd_sys::private::restore_user_umask(command.as_std_mut());
        let spawned = command
            .env_clear()
            .envs(self.env.vars(&id, Some(hook)))
            .envs(relation_env.iter().cloned())
            .current_dir(&self.env.charm_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn();
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                self.endpoint.close_context(&id);
                self.status.lock().unwrap().running = None;
                let why = format!("{} ({})", jujuc::tools::go_error_text(&e), program.display());
                emit(unit, Event::HookNotStarted { hook: hook.into(), why: why.clone() });
                return Attempt::NotStarted(why);
            }
        };
        if let Some(pid) = child.id() {
            self.hook_groups.lock().unwrap().push(pid as i32);
            self.endpoint.set_process_group(&id, pid).await;
        }
        let (stdout, stdout_done) = collect(child.stdout.take());
        let (stderr, stderr_done) = collect(child.stderr.take());
        let status = child.wait().await;
        forget_empty_groups(&self.hook_groups);
        let mut code = status.as_ref().map(leaderd_sys::process::exit_code).unwrap_or(127);
        // juju-reboot: after the hook (if it succeeds), or `--now`, which killed it.
        let reboot = self.endpoint.reboot_request(&id).await;
        let requeue = reboot == Some(true);
        // A hook that succeeded commits its relation-set changes; one that failed drops them,
        // as does one that juju-reboot --now killed.
        let mut commit_error = None;
        if code == 0 && !requeue {
            if let Err(e) = self.endpoint.commit_context(&id, commit).await {
                commit_error = Some(e.to_string());
            }
        }
        self.endpoint.close_context(&id);
        self.status.lock().unwrap().running = None;
        let duration_ms = started.elapsed().as_millis() as u64;
        if let Some(why) = &commit_error {
            event(unit, format_args!("hook {hook} failed to commit its relation and secret changes: {why}"));
            code = 1;
        }
        // Juju's `afterHook` once the hook succeeded, before its finish is recorded.
        if code == 0 && !requeue && self.endpoint.after_hook(hook) {
            self.endpoint.publish_workload_now().await;
        }
        emit(unit, Event::HookFinished { hook: hook.into(), exit: code, duration_ms });
        // The hook's own output, as Juju logs it: a tool's error is visible even when the hook
        // carried on (charmhelpers ignores juju-log's exit code, for one).
        // Output normally ends with the hook; a background child holding the pipes gets 50 ms.
        let _ = tokio::time::timeout(Duration::from_millis(50), async {
            let _ = stdout_done.await;
            let _ = stderr_done.await;
        })
        .await;
        let (stdout, stderr) = (stdout.lock().unwrap().clone(), stderr.lock().unwrap().clone());
        for (bytes, stderr) in [(&stdout, false), (&stderr, true)] {
            for line in String::from_utf8_lossy(bytes).lines() {
                emit(unit, Event::HookOutput { hook: hook.into(), line: line.into(), stderr });
            }
        }
        match commit_error {
            Some(why) => Attempt::CommitFailed(format!("committing relation and secret changes: {why}")),
            None if requeue || (reboot == Some(false) && code == 0) => {
                self.reboot_unit(hook, requeue);
                Attempt::Rebooted { requeue }
            }
            None => Attempt::Exited(code),
        }
    }

    /// juju-reboot's local equivalent: leaderd's units share their host, so the unit is
    /// "rebooted" rather than the machine: every process its hooks left behind is stopped (as a
    /// reboot stops them), then the uniter carries on as Juju's does after a reboot (a hook
    /// killed by `--now` runs again, then `start`).
    fn reboot_unit(&self, hook: &str, requeue: bool) {
        stop_hook_groups(&self.hook_groups);
        emit(&self.env.unit, Event::UnitRebooted { hook: hook.into(), now: requeue });
    }
}

/// Reads a pipe to its end in the background; the bytes so far are always at hand, and the
/// handle finishes at the end of the pipe.
pub(crate) fn collect<R>(pipe: Option<R>) -> (Arc<Mutex<Vec<u8>>>, tokio::task::JoinHandle<()>)
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
{
    let buffer: Arc<Mutex<Vec<u8>>> = Arc::default();
    let sink = buffer.clone();
    let done = tokio::spawn(async move {
        if let Some(mut pipe) = pipe {
            use tokio::io::AsyncReadExt;
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk).await {
                if n == 0 {
                    break;
                }
                let mut sink = sink.lock().unwrap();
                // Keep the first MiB; drain the rest unread so the writer never blocks.
                if sink.len() < 1 << 20 {
                    sink.extend_from_slice(&chunk[..n]);
                }
            }
        }
    });
    (buffer, done)
}

/// A regular file with an execute bit set.
pub(crate) fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Drops the groups that have no process left.
fn forget_empty_groups(groups: &Mutex<Vec<i32>>) {
    groups.lock().unwrap().retain(|&pgid| leaderd_sys::process::group_exists(pgid as u32));
}

/// Stops every process group a hook started that still has processes (the agent is stopping).
pub(crate) fn stop_hook_groups(groups: &Mutex<Vec<i32>>) {
    forget_empty_groups(groups);
    for pgid in groups.lock().unwrap().drain(..) {
        // A group that is gone meanwhile is no error. A stopped process (`leaderd pause`)
        // acts on SIGTERM only once continued.
        leaderd_sys::process::signal_group(pgid as u32, leaderd_sys::process::Signal::TERM);
        leaderd_sys::process::signal_group(pgid as u32, leaderd_sys::process::Signal::CONT);
    }
}

/// The persisted uniter state could not be read or written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StateError {
    #[error("reading the uniter state {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error(
        "the uniter state {path} is corrupt ({source}); move it away to start the unit afresh (install runs again)"
    )]
    Corrupt { path: PathBuf, source: serde_json::Error },
    #[error("saving the uniter state {path}: {reason}")]
    Write { path: PathBuf, reason: String },
}

/// What the relation hooks have been told, as persisted; a missing file is a unit whose
/// relation hooks have not run yet, a corrupt one an error (never a silent reset, which would
/// run -relation-created and -joined again).
pub(crate) fn load_seen(path: &Path) -> Result<Seen, StateError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Seen::default()),
        Err(source) => return Err(StateError::Read { path: path.into(), source }),
    };
    serde_json::from_slice(&bytes).map_err(|source| StateError::Corrupt { path: path.into(), source })
}

fn save_seen(path: &Path, seen: &Seen) -> Result<(), StateError> {
    let bytes = serde_json::to_vec_pretty(seen).expect("the relation state serialises");
    leaderd_sys::private::write_atomic(path, &bytes)
        .map_err(|e| StateError::Write { path: path.into(), reason: format!("{e:#}") })
}

/// The persisted state; a missing file is a fresh unit, a corrupt one an error (never a
/// silent reset, which would run install and leader-elected again).
pub(crate) fn load_state(path: &Path) -> Result<UniterState, StateError> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(UniterState::default()),
        Err(source) => return Err(StateError::Read { path: path.into(), source }),
    };
    serde_json::from_slice(&bytes).map_err(|source| StateError::Corrupt { path: path.into(), source })
}

/// Written to a temporary file and renamed over the old one, so a crash leaves either state.
fn save_state(path: &Path, state: &UniterState) -> Result<(), StateError> {
    let bytes = serde_json::to_vec_pretty(state).expect("the uniter state serialises");
    leaderd_sys::private::write_atomic(path, &bytes)
        .map_err(|e| StateError::Write { path: path.into(), reason: format!("{e:#}") })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_swap_keeps_what_the_units_hooks_made_and_drops_the_old_charms_files() {
        let root = tempfile::tempdir().unwrap();
        let (dir, staged) = (root.path().join("charm"), root.path().join("charm.new"));
        for (charm, files) in [(&dir, ["hooks/install", "old-only"]), (&staged, ["hooks/install", "new-only"])] {
            std::fs::create_dir_all(charm.join("hooks")).unwrap();
            for file in files {
                std::fs::write(charm.join(file), charm.display().to_string()).unwrap();
            }
            leaderd_core::charm::write_manifest(charm).unwrap();
        }
        // What the unit's hooks wrote: kept; a file the new charm brings wins over the unit's.
        std::fs::write(dir.join(".unit-state.db"), "state").unwrap();
        std::fs::create_dir_all(dir.join("data")).unwrap();
        std::fs::write(dir.join("data/events.log"), "install\n").unwrap();
        std::fs::write(dir.join("new-only"), "the unit's").unwrap();
        carry_over(&dir, &staged).unwrap();
        leaderd_sys::private::exchange(&staged, &dir).unwrap();
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
        assert_eq!(read(".unit-state.db").as_deref(), Some("state"));
        assert_eq!(read("data/events.log").as_deref(), Some("install\n"));
        assert_eq!(read("new-only"), Some(staged.display().to_string()), "the new charm's file");
        assert_eq!(read("hooks/install"), Some(staged.display().to_string()));
        assert_eq!(read("old-only"), None, "the old charm's own file goes");
        let listed = leaderd_core::charm::read_manifest(&dir).unwrap();
        assert!(!listed.contains(Path::new(".unit-state.db")), "still the unit's, not the charm's");
    }

    #[test]
    fn groups_are_forgotten_once_their_processes_are_gone() {
        use std::os::unix::process::CommandExt;
        let mut done = std::process::Command::new("true").process_group(0).spawn().unwrap();
        let mut live = std::process::Command::new("sleep").arg("30").process_group(0).spawn().unwrap();
        done.wait().unwrap();
        let groups = Mutex::new(vec![done.id() as i32, live.id() as i32]);
        forget_empty_groups(&groups);
        assert_eq!(*groups.lock().unwrap(), vec![live.id() as i32]);
        stop_hook_groups(&groups);
        let status = live.wait().unwrap();
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(status.signal(), Some(libc::SIGTERM));
        assert!(groups.lock().unwrap().is_empty());
    }

    #[test]
    fn a_missing_state_is_a_fresh_unit_and_a_corrupt_one_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("uniter.json");
        assert_eq!(load_state(&path).unwrap(), UniterState::default());
        let state = UniterState {
            installed: true,
            leader: true,
            leader_elected_pending: false,
            started: true,
            config_version: Some(2),
            secrets: Default::default(),
            upgrade_charm: true,
            config_changed_queued: false,
            storage: Default::default(),
        };
        save_state(&path, &state).unwrap();
        assert_eq!(load_state(&path).unwrap(), state);
        std::fs::write(&path, b"{\"installed\": tru").unwrap();
        let err = load_state(&path).unwrap_err().to_string();
        assert!(err.starts_with(&format!("the uniter state {} is corrupt", path.display())), "{err}");
        let err = save_state(&dir.path().join("missing/uniter.json"), &state).unwrap_err().to_string();
        assert!(err.starts_with("saving the uniter state"), "{err}");
    }
}
