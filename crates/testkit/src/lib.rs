//! A live hook endpoint for tests: the real server on a real unix socket in a temp dir, backed
//! by an in-memory leadership, and a way to run the real `jujuc` binary inside one of its hook
//! contexts. Dropping an [`Agent`] stops its server, even when the test fails.

pub mod chaos;
pub mod cluster;
pub mod etcd;
pub mod events;
pub mod history;
pub mod probe;
pub mod procs;
pub mod proxy;

use std::ffi::OsStr;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use leaderd_agent::hook_endpoint::{bind_socket, HookEndpoint};
use leaderd_agent::memory::MemoryBackend;
use leaderd_core::model::Settings;
use leaderd_core::wire::hook::LogRecord;

/// The repository's root, where the `leaderd` package and its `tests/data` live.
pub fn repo_dir() -> &'static std::path::Path {
    std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A file or charm under the repository's `tests/data`.
pub fn test_data(name: &str) -> PathBuf {
    repo_dir().join("tests/data").join(name)
}

pub const JUJUC: &str = env!("LEADERD_TESTKIT_JUJUC");
/// The `juju` command (`src/bin/juju.rs`, which runs the `leaderd` beside it as `juju`).
pub const JUJU: &str = env!("LEADERD_TESTKIT_JUJU");

pub struct Agent {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    pub endpoint: Arc<HookEndpoint<MemoryBackend>>,
    pub backend: Arc<MemoryBackend>,
    /// Every juju-log record the endpoint received: (unit, hook, record).
    pub logs: Arc<Mutex<Vec<(String, String, LogRecord)>>>,
    runtime: Option<tokio::runtime::Runtime>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

pub fn settings(pairs: &[(&str, &str)]) -> Settings {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

impl Agent {
    pub fn start(leader: bool, pairs: &[(&str, &str)]) -> Agent {
        let dir = tempfile::tempdir().expect("temp dir");
        let socket = dir.path().join("agent.socket");
        let backend = Arc::new(MemoryBackend::new(leader, settings(pairs)));
        let logs: Arc<Mutex<Vec<(String, String, LogRecord)>>> = Arc::default();
        let sink = logs.clone();
        let endpoint = HookEndpoint::with_log(
            "app/0",
            backend.clone(),
            Arc::new(move |unit: &str, hook: &str, record: &LogRecord| {
                sink.lock().unwrap().push((unit.into(), hook.into(), record.clone()));
            }),
        );
        // The hook's charm directory is its working directory, as in a real hook.
        endpoint.set_charm_dir(dir.path());
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let listener = runtime.block_on(async { bind_socket(&socket) }).expect("bind socket");
        runtime.spawn(endpoint.clone().serve(listener, leaderd_agent::hook_endpoint::default_limits(), async {
            let _ = stopped.await;
        }));
        Agent { dir, socket, endpoint, backend, logs, runtime: Some(runtime), stop: Some(stop) }
    }

    /// Opens a hook context, as the agent does when a hook starts.
    pub fn open(&self, hook: &str) -> String {
        self.endpoint.open_context(hook)
    }

    /// The hook environment for context `id`.
    pub fn hook_env(&self, id: &str) -> Vec<(&'static str, std::ffi::OsString)> {
        vec![
            ("PATH", std::env::var_os("PATH").unwrap_or_default()),
            ("JUJU_CONTEXT_ID", id.into()),
            ("JUJU_AGENT_SOCKET_ADDRESS", self.socket.clone().into()),
            ("JUJU_AGENT_SOCKET_NETWORK", "unix".into()),
        ]
    }

    /// jujuc called as `tool` in context `id`, on a clean environment, in the agent's dir.
    pub fn command(&self, id: &str, tool: &str) -> Command {
        let mut cmd = Command::new(JUJUC);
        cmd.arg0(tool).env_clear().envs(self.hook_env(id)).current_dir(self.dir.path());
        cmd
    }

    /// Runs `tool args...` in context `id`, as a hook would.
    pub fn run<S: AsRef<OsStr>>(&self, id: &str, tool: &str, args: &[S]) -> Output {
        self.command(id, tool).args(args).output().expect("run jujuc")
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(std::time::Duration::from_secs(5));
        }
    }
}

/// A tool call's (stdout, stderr, exit code), as text.
pub fn got(out: &Output) -> (String, String, Option<i32>) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
    )
}

/// Asserts the exact bytes and exit code of a tool call, with a readable message.
#[track_caller]
pub fn assert_output(out: &Output, stdout: &str, stderr: &str, code: i32, what: &str) {
    assert_eq!(
        got(out),
        (stdout.to_string(), stderr.to_string(), Some(code)),
        "{what}: (stdout, stderr, exit code) differ"
    );
}

/// For cheat sheets checked row by row: `None` when the call printed exactly `stdout` and
/// `stderr` and exited `code`, else the line reporting the difference for the row `what`.
pub fn row_mismatch(out: &Output, stdout: &str, stderr: &str, code: i32, what: &str) -> Option<String> {
    let got = got(out);
    let want = (stdout, stderr, code);
    (got != (stdout.to_string(), stderr.to_string(), Some(code)))
        .then(|| format!("{what}:\n  want {want:?}\n  got  {got:?}"))
}
