//! Probes of a unit's leadership through its agent's own sockets, as `leaderd exec` and a hook
//! do: a fresh hook context from `run.socket`, the hook tools' calls on `agent.socket` in it,
//! the context closed after. Every call gives up after [`CALL_TIMEOUT`] (a stopped agent
//! answers nothing), and probe threads record each answer with its send and receive times for
//! the history checker.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leaderd_core::unix_http::request_within;
use leaderd_core::wire::hook;

use crate::history::{Call, Op};

/// A probe call gives up after this long.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// `POST path` with `body` on the agent's `socket` (in its state directory `dir`): the status
/// and body, or none if it did not answer in time.
pub fn call(dir: &Path, socket: &str, path: &str, body: &[u8]) -> Option<(u16, Vec<u8>)> {
    request_within(&dir.join(socket), "POST", path, Some(body), Some(CALL_TIMEOUT)).ok()
}

/// A hook context opened on a unit's run socket: its id and the environment a hook tool
/// needs in it.
pub struct Context {
    pub id: String,
    pub env: HashMap<String, String>,
}

/// Opens a hook context for this process on the run socket of the agent whose state is `dir`;
/// why not, if it cannot.
pub fn open(dir: &Path) -> Result<Context, String> {
    let body = serde_json::to_vec(&serde_json::json!({ "pid": std::process::id() })).unwrap();
    let (status, bytes) = call(dir, "run.socket", "/v1/exec/open", &body).ok_or("run.socket did not answer")?;
    if status != 200 {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&bytes)));
    }
    let answer: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    let id = answer["context_id"].as_str().ok_or("no context_id")?.to_string();
    let env = serde_json::from_value(answer["env"].clone()).unwrap_or_default();
    Ok(Context { id, env })
}

pub fn close(dir: &Path, context: &Context) {
    let body = serde_json::to_vec(&serde_json::json!({ "context_id": context.id })).unwrap();
    let _ = call(dir, "run.socket", "/v1/exec/close", &body);
}

fn in_context(context: &Context) -> Vec<u8> {
    serde_json::to_vec(&hook::ContextRequest { context_id: context.id.clone() }).unwrap()
}

/// is-leader in `context`; none if the agent did not answer it.
pub fn is_leader(dir: &Path, context: &Context) -> Option<bool> {
    match call(dir, "agent.socket", hook::IS_LEADER_PATH, &in_context(context))? {
        (200, bytes) => serde_json::from_slice::<hook::IsLeaderResponse>(&bytes).ok().map(|r| r.leader),
        _ => None,
    }
}

/// leader-get in `context`: the whole bucket.
pub fn leader_get(dir: &Path, context: &Context) -> Option<BTreeMap<String, String>> {
    let (200, bytes) = call(dir, "agent.socket", hook::LEADER_GET_PATH, &in_context(context))? else { return None };
    let answer: hook::LeaderGetResponse = serde_json::from_slice(&bytes).ok()?;
    Some(answer.settings.into_iter().collect())
}

/// leader-set `key=value` in `context`: the answer's status, none if there was no answer.
pub fn leader_set(dir: &Path, context: &Context, key: &str, value: &str) -> Option<u16> {
    let settings = [(key.to_string(), value.to_string())].into_iter().collect();
    let request = hook::LeaderSetRequest { context_id: context.id.clone(), settings };
    call(dir, "agent.socket", hook::LEADER_SET_PATH, &serde_json::to_vec(&request).unwrap()).map(|(s, _)| s)
}

/// One probe round on `unit` (its agent's state in `dir`): a fresh context, is-leader, and, with
/// `writes` (a counter for fresh keys), a leader-set of a fresh key when the answer is True.
/// Each answer goes into `calls` with its send and receive times since `start`.
pub fn probe_once(unit: &str, dir: &Path, start: Instant, calls: &Mutex<Vec<Call>>, writes: Option<&mut u64>) {
    let Ok(context) = open(dir) else {
        std::thread::sleep(Duration::from_millis(50));
        return;
    };
    let record = |sent: Instant, op: Op| {
        let call = Call { unit: unit.into(), sent: sent - start, recv: start.elapsed(), op };
        calls.lock().unwrap().push(call);
    };
    let sent = Instant::now();
    let leader = is_leader(dir, &context);
    if let Some(leader) = leader {
        record(sent, Op::IsLeader(leader));
    }
    if let (Some(true), Some(seq)) = (leader, writes) {
        *seq += 1;
        let key = format!("w-{}-{seq}", unit.replace('/', "-"));
        let value = format!("{seq}");
        let sent = Instant::now();
        // No answer at all (a timeout): unknown, so neither acknowledged nor refused.
        if let Some(status) = leader_set(dir, &context, &key, &value) {
            record(sent, Op::Write { key, value, acked: status == 200 });
        }
    }
    close(dir, &context);
}

/// One probe thread per unit, each probing round after round (`pause` apart) until stopped;
/// stopped and joined when dropped.
pub struct Probes {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Probes {
    /// Probes `units` (name, agent state directory), recording into `calls` with times since
    /// `start`; with `write`, each True answer is followed by a write of a fresh key.
    pub fn start(
        units: Vec<(String, PathBuf)>,
        start: Instant,
        calls: Arc<Mutex<Vec<Call>>>,
        pause: Duration,
        write: bool,
    ) -> Probes {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = units
            .into_iter()
            .map(|(unit, dir)| {
                let (calls, stop) = (calls.clone(), stop.clone());
                std::thread::spawn(move || {
                    let mut seq = 0u64;
                    while !stop.load(Ordering::SeqCst) {
                        probe_once(&unit, &dir, start, &calls, write.then_some(&mut seq));
                        std::thread::sleep(pause);
                    }
                })
            })
            .collect();
        Probes { stop, threads }
    }

    /// Tells every thread to stop after its current round (without waiting for it).
    pub fn halt(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// Stops every thread and waits for it.
    pub fn finish(mut self) {
        self.join();
    }

    fn join(&mut self) {
        self.halt();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl Drop for Probes {
    fn drop(&mut self) {
        self.join();
    }
}
