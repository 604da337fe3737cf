//! `leaderd up` for end-to-end tests: started on a charm in a temp state dir with short leases,
//! its output lines collected with the instant each arrived, stopped (SIGTERM, then SIGKILL of
//! its whole process group) when dropped, even when the test fails. Tests wait on its event log
//! ([`Up::wait_event`]); its printed lines are for the tests of those lines.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::events::{self, Mark, Record, RecordExt};
use leaderd_sys::process::{self, Signal};

pub const LEADERD: &str = env!("LEADERD_TESTKIT_LEADERD");

pub struct Up {
    pub child: Child,
    pub state: PathBuf,
    pub dir: tempfile::TempDir,
    pub lines: Arc<Mutex<Vec<(Instant, String)>>>,
    /// Just before this `up` started: its records are the ones after (an `up` started again in
    /// the same state directory appends to the log of the one before).
    pub started: Mark,
}

pub fn recorder_charm() -> PathBuf {
    crate::test_data("recorder-charm")
}

/// A charm made for one test, in a temp dir: `metadata.yaml` holding `metadata`, and each
/// `(name, script)` of `hooks` as an executable hook.
pub fn charm(metadata: &str, hooks: &[(&str, &str)]) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("metadata.yaml"), metadata).unwrap();
    std::fs::create_dir(dir.path().join("hooks")).unwrap();
    for (name, script) in hooks {
        let hook = dir.path().join("hooks").join(name);
        std::fs::write(&hook, script).unwrap();
        std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    dir
}

/// How to start an `up` beyond its charm, units and guarantee:
/// `Up::with(charm, 3, "1s").args(&["--hook-retry", "off"]).start()`.
pub struct UpOptions<'a> {
    charm: Option<&'a Path>,
    units: u32,
    guarantee: &'a str,
    dir: Option<tempfile::TempDir>,
    path_first: Option<&'a Path>,
    env: &'a [(&'a str, &'a str)],
    open_files: Option<u64>,
    umask: Option<u32>,
    args: &'a [&'a str],
}

impl<'a> UpOptions<'a> {
    /// In `dir` (its state in `dir/state`) rather than a fresh temp dir.
    pub fn dir(mut self, dir: tempfile::TempDir) -> Self {
        self.dir = Some(dir);
        self
    }

    /// With `bin` first on `up`'s PATH (hooks inherit it: a venv's `bin`, say).
    pub fn path_first(mut self, bin: &'a Path) -> Self {
        self.path_first = Some(bin);
        self
    }

    /// With `env` set for `up` and, through it, for the controller and every agent.
    pub fn env(mut self, env: &'a [(&'a str, &'a str)]) -> Self {
        self.env = env;
        self
    }

    /// With this open-file limit (soft and hard) for `up` and everything it starts.
    pub fn open_files(mut self, limit: Option<u64>) -> Self {
        self.open_files = limit;
        self
    }

    /// With its umask set to `mask` (as if the user had run `umask N` first).
    pub fn umask(mut self, mask: u32) -> Self {
        self.umask = Some(mask);
        self
    }

    /// With more `up` flags (`--config`, `--hook-retry`, `--update-status-interval`, ...).
    pub fn args(mut self, args: &'a [&'a str]) -> Self {
        self.args = args;
        self
    }

    pub fn start(self) -> Up {
        Up::spawn(self)
    }
}

impl Up {
    pub fn start(charm: Option<&Path>, units: u32, guarantee: &str) -> Up {
        Up::with(charm, units, guarantee).start()
    }

    /// An `up` to start with more options ([`UpOptions`]).
    pub fn with<'a>(charm: Option<&'a Path>, units: u32, guarantee: &'a str) -> UpOptions<'a> {
        UpOptions {
            charm,
            units,
            guarantee,
            dir: None,
            path_first: None,
            env: &[],
            open_files: None,
            umask: None,
            args: &[],
        }
    }

    fn spawn(options: UpOptions) -> Up {
        let UpOptions { charm, units, guarantee, dir, path_first, env, open_files, umask, args: extra } = options;
        use std::os::unix::process::CommandExt;
        let dir = dir.unwrap_or_else(|| tempfile::tempdir().unwrap());
        let state = dir.path().join("state");
        let started = Mark::now();
        let mut cmd = Command::new(LEADERD);
        cmd.envs(env.iter().copied());
        if let Some(mask) = umask {
            with_umask(&mut cmd, mask);
        }
        if let Some(n) = open_files {
            // SAFETY: pre_exec is unsafe because the closure runs between fork and exec, where
            // only async-signal-safe calls are sound: setrlimit is one, and allocates nothing.
            unsafe {
                cmd.pre_exec(move || leaderd_sys::process::limit_fds(n));
            }
        }
        if let Some(first) = path_first {
            let path = std::env::var("PATH").unwrap_or_default();
            cmd.env("PATH", format!("{}:{path}", first.display()));
        }
        cmd.arg("up")
            .arg("--state")
            .arg(&state)
            .arg("--units")
            .arg(units.to_string())
            .arg("--lease-guarantee")
            .arg(guarantee);
        if let Some(charm) = charm {
            cmd.arg("--charm").arg(charm);
        }
        cmd.args(extra);
        let mut child = cmd.current_dir(dir.path()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
        let lines: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
        let sink = lines.clone();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                sink.lock().unwrap().push((Instant::now(), line));
            }
        });
        Up { child, state, dir, lines, started }
    }

    /// Its event log, which `up` and every agent it starts append to.
    pub fn event_log(&self) -> PathBuf {
        self.state.join(leaderd_sys::events::FILE_NAME)
    }

    /// Every record this `up` and its agents have logged so far, in the log's order.
    pub fn events(&self) -> Vec<Record> {
        self.events_after(self.started)
    }

    /// The records (of this `up`) stamped at or after `mark`.
    pub fn events_after(&self, mark: Mark) -> Vec<Record> {
        events::read_after(&self.event_log(), mark.max(self.started))
    }

    /// How many records so far `check` accepts.
    pub fn count_events(&self, check: impl Fn(&Record) -> bool) -> usize {
        self.events().iter().filter(|r| check(r)).count()
    }

    /// The first record `check` accepts, waiting up to `timeout`.
    #[track_caller]
    pub fn wait_event(&self, timeout: Duration, check: impl Fn(&Record) -> bool) -> Record {
        self.wait_event_after(self.started, timeout, check)
    }

    /// The first record stamped at or after `mark` that `check` accepts, waiting up to `timeout`.
    #[track_caller]
    pub fn wait_event_after(&self, mark: Mark, timeout: Duration, check: impl Fn(&Record) -> bool) -> Record {
        events::wait_for(&self.event_log(), mark.max(self.started), timeout, check).unwrap_or_else(|seen| {
            panic!(
                "no such event within {timeout:?}; the log after the mark:\n{}\noutput so far:\n{}",
                events::lines(&seen),
                self.output()
            )
        })
    }

    /// The hooks `unit` has started so far, in order.
    pub fn hooks_started(&self, unit: &str) -> Vec<String> {
        let started = |r: Record| match r.event {
            events::Event::HookStarted { hook } if r.unit.as_deref() == Some(unit) => Some(hook),
            _ => None,
        };
        self.events().into_iter().filter_map(started).collect()
    }

    /// Waits (up to `timeout`) until each of `units` has finished `hook` (exit 0).
    #[track_caller]
    pub fn wait_hook_finished<S: AsRef<str>>(&self, units: &[S], hook: &str, timeout: Duration) {
        for unit in units {
            self.wait_event(timeout, |r| r.of(unit.as_ref()) && r.hook_finished(hook));
        }
    }

    /// The first printed line (after `from`) containing `text`, waiting up to `timeout`: for
    /// the tests of the words `up` prints (others wait on [`Up::wait_event`]).
    pub fn wait_for(&self, text: &str, from: usize, timeout: Duration) -> (usize, Instant, String) {
        let deadline = Instant::now() + timeout;
        loop {
            {
                let lines = self.lines.lock().unwrap();
                if let Some((i, (at, line))) = lines.iter().enumerate().skip(from).find(|(_, (_, l))| l.contains(text))
                {
                    return (i, *at, line.clone());
                }
            }
            if Instant::now() > deadline {
                panic!("no line with {text:?} within {timeout:?}; output so far:\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// How many printed lines contain `text`.
    pub fn count(&self, text: &str) -> usize {
        self.lines.lock().unwrap().iter().filter(|(_, l)| l.contains(text)).count()
    }

    /// How many lines `up` has printed so far (a mark to wait from).
    pub fn lines_seen(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    pub fn output(&self) -> String {
        self.lines.lock().unwrap().iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>().join("\n")
    }

    /// `leaderd <args>` against this cluster's state.
    pub fn leaderd(&self, args: &[&str]) -> Output {
        Command::new(LEADERD)
            .args(args)
            .env("LEADERD_STATE", &self.state)
            .current_dir(self.dir.path())
            .output()
            .unwrap()
    }

    pub fn exec(&self, unit: &str, command: &[&str]) -> Output {
        let mut args = vec!["exec", "--unit", unit, "--"];
        args.extend(command);
        self.leaderd(&args)
    }

    pub fn status(&self) -> serde_json::Value {
        let out = self.leaderd(&["status", "--format", "json"]);
        assert!(out.status.success(), "status: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).unwrap()
    }

    pub fn up_json(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.state.join("up.json")).unwrap()).unwrap()
    }

    /// `unit`'s agent state directory (its sockets, its copy of the charm).
    pub fn unit_dir(&self, unit: &str) -> PathBuf {
        self.state.join("units").join(unit.replace('/', "-"))
    }

    /// The lines a unit's hooks wrote to `$CHARM_DIR/events.log` (the recorder charm's).
    pub fn charm_log(&self, unit: &str) -> Vec<String> {
        let path = self.unit_dir(unit).join("charm/events.log");
        std::fs::read_to_string(path).unwrap_or_default().lines().map(String::from).collect()
    }

    /// Waits until `check` holds, polling, up to `timeout`.
    pub fn until(&self, what: &str, timeout: Duration, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + timeout;
        while !check() {
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; output so far:\n{}", self.output());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Sends `signal` to `up` and waits (with a deadline) for it to exit.
    pub fn stop(&mut self, signal: i32) -> std::process::ExitStatus {
        let signal = Signal::from_named_raw(signal).expect("a signal's number");
        process::signal(self.child.id(), signal);
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "leaderd up did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Up {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.stop(Signal::TERM.as_raw());
        }
    }
}

/// Runs `cmd` with its umask set to `mask`, in the child only (the test process keeps its own).
pub fn with_umask(cmd: &mut Command, mask: u32) {
    use std::os::unix::process::CommandExt;
    // SAFETY: pre_exec is unsafe because the closure runs between fork and exec, where only
    // async-signal-safe calls are sound: umask(2) is one, and allocates nothing.
    unsafe {
        cmd.pre_exec(move || {
            leaderd_sys::private::set_umask(mask);
            Ok(())
        });
    }
}

pub fn pid_alive(pid: u32) -> bool {
    process::alive(pid)
}

/// An agent started by hand (as `up.json` records its command), killed when dropped; its
/// output lines arrive on `lines` (what it does is in the event log, as for any agent of `up`).
pub struct HandAgent {
    child: Child,
    pub lines: std::sync::mpsc::Receiver<String>,
}

impl Drop for HandAgent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Up {
    /// The agent pid of `unit`, from `leaderd status`.
    pub fn agent_pid(&self, unit: &str) -> i32 {
        let status = self.status();
        let units = status["applications"][0]["units"].as_array().unwrap();
        units.iter().find(|u| u["name"] == unit).unwrap()["pid"].as_u64().unwrap() as i32
    }

    /// Kills (SIGKILL) the agent of `leader` and waits until another unit is elected and has
    /// run leader-elected: that unit's election.
    #[track_caller]
    pub fn kill_leader(&self, leader: &str, timeout: Duration) -> Record {
        let from = Mark::now();
        // The leader's agent, which `up` started for this test.
        process::signal(self.agent_pid(leader) as u32, Signal::KILL);
        let elected = self.wait_event_after(from, timeout, |r| r.elected().is_some());
        let new = elected.unit.clone().expect("an election is a unit's");
        assert_ne!(new, leader, "{leader} was elected again");
        self.wait_event_after(Mark::of(&elected), timeout, |r| r.of(&new) && r.hook_finished("leader-elected"));
        elected
    }

    /// Stops `unit`'s agent (SIGTERM), runs `before_restart`, then starts it again by hand.
    pub fn restart_agent(&self, unit: &str, before_restart: impl FnOnce()) -> HandAgent {
        let record = self.up_json();
        let info = record["units"].as_array().unwrap().iter().find(|u| u["name"] == unit).unwrap().clone();
        let command: Vec<String> = serde_json::from_value(info["command"].clone()).unwrap();
        let token = self.leaderd(&["token", "--secret-file", self.state.join("secret").to_str().unwrap(), unit]);
        let token = String::from_utf8(token.stdout).unwrap();
        let stopped = Mark::now();
        process::signal(info["pid"].as_u64().unwrap() as u32, Signal::TERM);
        self.wait_event_after(stopped, Duration::from_secs(15), |r| r.of(unit) && r.agent_exited().is_some());
        before_restart();
        let mut child = Command::new(&command[0])
            .args(&command[1..])
            .env("LEADERD_TOKEN", token.trim())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        HandAgent { child, lines }
    }
}
