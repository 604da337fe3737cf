//! The hook runner: runs the charm's hooks one at a time (spec 3.3; Juju's uniter resolver).
//!
//! - Lifecycle: `install`, then `leader-elected` (leader) or `leader-settings-changed`
//!   (minion), then `start`; afterwards events as they come.
//! - `leader-elected` runs when the unit becomes leader and its persisted state says it was not
//!   (so an agent restart does not run it again); it is skipped if leadership is lost before it
//!   starts.
//! - `leader-settings-changed` runs on minions when the application's settings change (several
//!   changes coalesce into one run), once after every agent start (the local counter lives in
//!   memory only, as Juju's does), and at least once on a unit that loses leadership.
//! - A failing hook is reported with its exit code and output and retried with backoff.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tokio::time::Instant;

use super::hook_endpoint::HookEndpoint;
use super::tracker::{LeaderStatus, Tracker};
use super::{event, AgentLeadership};

/// What survives an agent restart (`<state>/uniter.json`).
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct UniterState {
    pub installed: bool,
    /// The unit ran (or was about to run) leader-elected and has not lost leadership since.
    pub leader: bool,
    /// leader-elected is due and has not succeeded yet (run it again after an agent restart).
    #[serde(default)]
    pub leader_elected_pending: bool,
    pub started: bool,
}

/// What the runner is doing, for `leaderd status`.
#[derive(Debug, Default, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunnerStatus {
    /// The hook running now, if any.
    pub running: Option<String>,
    /// The hook that last failed and is waiting to be retried.
    pub failing: Option<FailingHook>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailingHook {
    pub hook: String,
    pub exit_code: i32,
    pub attempts: u32,
}

/// Everything a hook needs to run, shared with the exec endpoint.
pub struct HookEnv {
    pub unit: String,
    pub charm_dir: PathBuf,
    pub socket: PathBuf,
    pub tools_dir: PathBuf,
    pub model_uuid: String,
}

impl HookEnv {
    /// The environment of a hook (or, with `hook = None`, an exec command) in context `id`
    /// (DESIGN.md, "Contracts"). The agent's own environment is kept, less Juju's variables.
    pub fn vars(&self, id: &str, hook: Option<&str>) -> HashMap<String, String> {
        let mut vars: HashMap<String, String> = std::env::vars()
            .filter(|(k, _)| {
                !k.starts_with("JUJU_") && k != "OPERATOR_DISPATCH" && k != "CHARM_DIR" && k != "LEADERD_TOKEN"
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
            ("JUJU_MODEL_NAME".into(), "local".into()),
            ("JUJU_MODEL_UUID".into(), self.model_uuid.clone()),
            ("JUJU_VERSION".into(), "3.6.0".into()),
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
        use std::os::unix::fs::PermissionsExt;
        let executable =
            |p: &Path| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
        let dispatch = self.charm_dir.join("dispatch");
        if executable(&dispatch) {
            return Some(dispatch);
        }
        let hook = self.charm_dir.join("hooks").join(hook);
        hook.exists().then_some(hook)
    }
}

pub struct Runner {
    pub env: Arc<HookEnv>,
    pub endpoint: Arc<HookEndpoint<AgentLeadership>>,
    pub tracker: Arc<Tracker>,
    pub state_file: PathBuf,
    pub status: Arc<Mutex<RunnerStatus>>,
    /// Serialises hooks with exec commands.
    pub lock: Arc<tokio::sync::Mutex<()>>,
    /// Longest pause between retries of a failing hook.
    pub retry_cap: Duration,
    /// The process groups of the hooks run so far: hooks run in their own process group, and
    /// everything they started is stopped with the agent.
    pub hook_groups: Arc<Mutex<Vec<i32>>>,
}

impl Runner {
    /// Runs hooks until the agent stops. `remote` counts settings changes seen by the watcher
    /// (starting at 1 for its first answer, as Juju's watcher counts its initial event).
    pub async fn run(self, mut remote: watch::Receiver<u64>) {
        let mut leader = self.tracker.subscribe();
        let mut state = load_state(&self.state_file);
        if !state.installed {
            self.run_until_ok("install").await;
            state.installed = true;
            save_state(&self.state_file, &state);
        }
        let mut local: u64 = 0;
        loop {
            let status = *leader.borrow_and_update();
            let remote_now = *remote.borrow_and_update();
            match status {
                LeaderStatus::Unknown => {}
                LeaderStatus::Leader { .. } if !state.leader || state.leader_elected_pending => {
                    state.leader = true;
                    state.leader_elected_pending = true;
                    save_state(&self.state_file, &state);
                    self.run_until_ok("leader-elected").await;
                    state.leader_elected_pending = false;
                    save_state(&self.state_file, &state);
                    continue;
                }
                LeaderStatus::Minion if state.leader => {
                    state.leader = false;
                    state.leader_elected_pending = false;
                    save_state(&self.state_file, &state);
                    // A deposed leader runs leader-settings-changed at least once.
                    local = 0;
                    continue;
                }
                LeaderStatus::Minion if remote_now != 0 && local != remote_now => {
                    self.run_until_ok("leader-settings-changed").await;
                    local = remote_now;
                    continue;
                }
                // A minion starts after its first leader-settings-changed.
                LeaderStatus::Leader { .. } | LeaderStatus::Minion
                    if !state.started && (status != LeaderStatus::Minion || local != 0) =>
                {
                    self.run_until_ok("start").await;
                    state.started = true;
                    save_state(&self.state_file, &state);
                    continue;
                }
                _ => {}
            }
            tokio::select! {
                changed = leader.changed() => if changed.is_err() { return },
                changed = remote.changed() => if changed.is_err() { return },
            }
        }
    }

    /// Runs `hook` until it succeeds (or is skipped), retrying with backoff.
    async fn run_until_ok(&self, hook: &str) {
        let mut delay = Duration::from_secs(1);
        let mut attempts = 0;
        loop {
            if hook == "leader-elected" && !self.tracker.is_leader().await {
                event(
                    &self.env.unit,
                    format_args!("unit is no longer the leader; skipping \"leader-elected\" execution"),
                );
                return;
            }
            attempts += 1;
            match self.run_hook(hook).await {
                None | Some(0) => {
                    self.status.lock().unwrap().failing = None;
                    return;
                }
                Some(code) => {
                    self.status.lock().unwrap().failing =
                        Some(FailingHook { hook: hook.into(), exit_code: code, attempts });
                    event(
                        &self.env.unit,
                        format_args!("hook {hook} will be retried in {}", crate::duration::format(delay)),
                    );
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry_cap);
                }
            }
        }
    }

    /// Runs one hook in a fresh context. `None`: the charm has no such hook.
    ///
    /// The context ends when the hook's own process exits: a process it left in the background
    /// cannot act as the hook afterwards, even if it keeps the hook's output pipes open (the
    /// output is collected for a moment longer, then drained unread).
    async fn run_hook(&self, hook: &str) -> Option<i32> {
        let program = self.env.program(hook)?;
        let _serialised = self.lock.lock().await;
        let id = self.endpoint.open_context(hook);
        self.status.lock().unwrap().running = Some(hook.into());
        event(&self.env.unit, format_args!("hook {hook} started"));
        let started = Instant::now();
        let spawned = tokio::process::Command::new(&program)
            .env_clear()
            .envs(self.env.vars(&id, Some(hook)))
            .current_dir(&self.env.charm_dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .kill_on_drop(true)
            .spawn();
        let unit = &self.env.unit;
        let mut child = match spawned {
            Ok(child) => child,
            Err(e) => {
                self.endpoint.close_context(&id);
                self.status.lock().unwrap().running = None;
                event(unit, format_args!("hook {hook} could not start: {e}"));
                return Some(127);
            }
        };
        if let Some(pid) = child.id() {
            self.hook_groups.lock().unwrap().push(pid as i32);
        }
        let (stdout, stdout_done) = collect(child.stdout.take());
        let (stderr, stderr_done) = collect(child.stderr.take());
        let status = child.wait().await;
        self.endpoint.close_context(&id);
        self.status.lock().unwrap().running = None;
        let took = crate::duration::format(started.elapsed());
        let code = status.map(|s| crate::process::exit_code(&s)).unwrap_or(127);
        if code == 0 {
            event(unit, format_args!("hook {hook} finished (exit 0, {took})"));
        } else {
            event(unit, format_args!("hook {hook} failed (exit {code}, {took})"));
        }
        // The hook's own output, as Juju logs it: a tool's error is visible even when the hook
        // carried on (charmhelpers ignores juju-log's exit code, for one).
        // Output normally ends with the hook; a background child holding the pipes gets 50 ms.
        let _ = tokio::time::timeout(Duration::from_millis(50), async {
            let _ = stdout_done.await;
            let _ = stderr_done.await;
        })
        .await;
        let (stdout, stderr) = (stdout.lock().unwrap().clone(), stderr.lock().unwrap().clone());
        for line in String::from_utf8_lossy(&stdout).lines().chain(String::from_utf8_lossy(&stderr).lines()) {
            event(unit, format_args!("  | {line}"));
        }
        Some(code)
    }
}

/// Reads a pipe to its end in the background; the bytes so far are always at hand, and the
/// handle finishes at the end of the pipe.
fn collect<R>(pipe: Option<R>) -> (Arc<Mutex<Vec<u8>>>, tokio::task::JoinHandle<()>)
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

/// Stops every process group a hook started (the agent is stopping).
pub fn stop_hook_groups(groups: &Mutex<Vec<i32>>) {
    for pgid in groups.lock().unwrap().drain(..) {
        // SAFETY: kill(2) on a process group we created; a group that is gone gives ESRCH.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
    }
}

fn load_state(path: &Path) -> UniterState {
    std::fs::read(path).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// Written (0600) to a temporary file and renamed over the old one, so a crash leaves either state.
fn save_state(path: &Path, state: &UniterState) {
    if let Err(e) = crate::private::write_file(path, &serde_json::to_vec_pretty(state).unwrap()) {
        tracing::error!(path = %path.display(), error = %e, "cannot save the uniter state");
    }
}
