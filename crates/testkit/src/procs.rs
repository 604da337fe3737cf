//! A standalone `leaderd controller` and `leaderd agent` started by hand (not under `up`), for
//! tests that need to kill, replace or impersonate one. Each is killed (SIGKILL) and reaped
//! when its guard drops, even when the test fails; every wait has a deadline.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use crate::events::{self, Mark, Record};

pub const LEADERD: &str = env!("LEADERD_TESTKIT_LEADERD");
pub const JUJUC: &str = env!("LEADERD_TESTKIT_JUJUC");

/// A child process, killed when dropped; its stdout lines arrive on `lines`, its stderr goes
/// to `log`.
pub struct Proc {
    pub child: Child,
    pub lines: Receiver<String>,
    pub log: PathBuf,
    /// Its event log (an agent's `--event-log`), if it keeps one.
    pub events: Option<PathBuf>,
}

impl Proc {
    pub fn spawn(mut command: Command, log: &Path) -> Proc {
        let stderr = std::fs::File::create(log).unwrap();
        let mut child = command.stdout(Stdio::piped()).stderr(stderr).stdin(Stdio::null()).spawn().unwrap();
        let out = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Proc { child, lines, log: log.to_path_buf(), events: None }
    }

    /// The first record of its event log that `check` accepts, waiting up to `timeout`.
    #[track_caller]
    pub fn wait_event(&self, timeout: Duration, check: impl Fn(&Record) -> bool) -> Record {
        let path = self.events.as_ref().expect("a process started with an event log");
        events::wait_for(path, Mark::START, timeout, check).unwrap_or_else(|seen| {
            panic!("no such event within {timeout:?}; its log:\n{}\nstderr:\n{}", events::lines(&seen), self.log_text())
        })
    }

    /// The first stdout line containing `text`, waiting up to `timeout`.
    pub fn wait_for(&self, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(line) => seen.push(line),
                Err(_) => panic!("no line with {text:?} within {timeout:?}; got {seen:?}; log:\n{}", self.log_text()),
            }
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits (up to `timeout`) until the log contains `text`.
    pub fn wait_for_log(&self, text: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self.log_text().contains(text) {
            assert!(Instant::now() < deadline, "no {text:?} in the log within {timeout:?}:\n{}", self.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}

/// `leaderd controller` on a free loopback port with its TLS directory, secret and log in
/// `dir`; short leases (1–2 s); the memory store unless `extra` (more flags) names one.
pub struct Controller {
    pub proc: Proc,
    pub url: String,
    pub dir: PathBuf,
}

impl Controller {
    pub fn start(dir: &Path, extra: &[&str]) -> Controller {
        let mut cmd = Command::new(LEADERD);
        cmd.args(["controller", "--listen", "127.0.0.1:0", "--min-lease", "1s", "--max-lease", "2s"]);
        if !extra.contains(&"--store") {
            cmd.args(["--store", "memory"]);
        }
        cmd.arg("--secret-file")
            .arg(dir.join("secret"))
            .arg("--tls-dir")
            .arg(dir.join("tls"))
            .args(extra)
            .current_dir(dir);
        let proc = Proc::spawn(cmd, &dir.join("controller.log"));
        let line = proc.wait_for("listening on ", Duration::from_secs(15));
        let url = line.trim_start_matches("listening on ").to_string();
        Controller { proc, url, dir: dir.to_path_buf() }
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.join("tls/ca.pem")
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().unwrap().parse().unwrap()
    }

    /// `leaderd token` for `who` (`operator` or a unit) under this controller's secret.
    pub fn token(&self, who: &str, ttl: &str) -> String {
        token(&self.dir.join("secret"), who, ttl)
    }

    /// A client that trusts this controller's CA only.
    pub fn client(&self) -> reqwest::Client {
        let tls = leaderd_net::tls::client_config(&self.ca()).unwrap();
        reqwest::Client::builder().tls_backend_preconfigured(tls).build().unwrap()
    }
}

pub fn token(secret: &Path, who: &str, ttl: &str) -> String {
    let mut cmd = Command::new(LEADERD);
    cmd.arg("token").arg("--secret-file").arg(secret).args(["--ttl", ttl]);
    if who == "operator" {
        cmd.arg("--operator");
    } else {
        cmd.arg(who);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// `leaderd agent` for `unit` of the recorder charm, state in `dir/<unit>`, guarantee 1 s; its
/// event log in its state directory.
pub fn agent(dir: &Path, unit: &str, url: &str, token: &str, extra: &[&str]) -> Proc {
    let state = dir.join(unit.replace('/', "-"));
    let charm = state.join("charm");
    let events = state.join(leaderd_sys::events::FILE_NAME);
    copy_charm(&crate::test_data("recorder-charm"), &charm);
    let mut cmd = Command::new(LEADERD);
    cmd.args(["agent", "--unit", unit, "--controller", url, "--lease-guarantee", "1s", "--jujuc", JUJUC])
        .arg("--charm")
        .arg(&charm)
        .arg("--state")
        .arg(&state)
        .arg("--event-log")
        .arg(&events)
        .args(extra)
        .env("LEADERD_TOKEN", token);
    let mut proc = Proc::spawn(cmd, &dir.join(format!("{}.log", unit.replace('/', "-"))));
    proc.events = Some(events);
    proc
}

fn copy_charm(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dst = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_charm(&entry.path(), &dst);
        } else {
            std::fs::copy(entry.path(), &dst).unwrap();
        }
    }
}

/// Runs hook tool `name args...` in a fresh exec context of the agent whose state is
/// `agent_state`, as `leaderd exec` does: opens the context on `run.socket`, runs jujuc in it,
/// closes it. Its (exit code, stdout trimmed), or why no context opened.
pub fn try_tool(agent_state: &Path, name: &str, args: &[&str]) -> Result<(i32, String), String> {
    use std::os::unix::process::CommandExt;
    let context = crate::probe::open(agent_state)?;
    let out = Command::new(JUJUC).arg0(name).args(args).env_clear().envs(&context.env).output().unwrap();
    crate::probe::close(agent_state, &context);
    Ok((out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).trim().to_string()))
}

/// [`try_tool`], with (-1, "") when no context opened (an agent not up yet, or stopped).
pub fn tool(agent_state: &Path, name: &str, args: &[&str]) -> (i32, String) {
    try_tool(agent_state, name, args).unwrap_or((-1, String::new()))
}

/// `is-leader` through [`try_tool`]: its stdout; the agent must answer.
pub fn is_leader(agent_state: &Path) -> String {
    try_tool(agent_state, "is-leader", &[]).unwrap_or_else(|why| panic!("run.socket: {why}")).1
}
