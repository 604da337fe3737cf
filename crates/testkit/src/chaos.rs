//! A cluster for chaos runs: controllers and N agents, each agent reaching every controller
//! through its own fault proxies; probes that ask is-leader and write leader settings through
//! each agent's sockets and record every answer with its send and receive times; a seeded
//! schedule of faults. Either one controller on SQLite, or several on real etcd members (one
//! active, the others standing by), where the faults also reach the active controller and the
//! etcd members. Every process is killed when the cluster drops, even when a test fails
//! (stopped ones are continued first), and a failing test prints the tails of the controllers'
//! and etcd members' logs.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leaderd_sys::process::{self, Signal};

use super::etcd::EtcdCluster;
use super::events::{self, Mark, RecordExt};
use super::history::{Call, Election, History, Op, Stopped};
use super::probe::{self, probe_once, Probes};
use super::proxy::Proxy;

pub const LEADERD: &str = env!("LEADERD_TESTKIT_LEADERD");
pub const JUJUC: &str = env!("LEADERD_TESTKIT_JUJUC");
pub const APP: &str = "chaos";

/// A small deterministic generator (splitmix64): a schedule is a pure function of its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    pub fn ms(&mut self, lo: u64, hi: u64) -> Duration {
        Duration::from_millis(self.range(lo, hi))
    }
}

struct Unit {
    name: String,
    dir: PathBuf,
    /// Its way to controller 0; `more` to the others, under the same faults.
    proxy: Proxy,
    more: Vec<Proxy>,
    child: Option<Child>,
    stopped: bool,
}

/// One controller: its address (kept across restarts) and its process while it runs.
struct Ctl {
    addr: SocketAddr,
    child: Option<Child>,
    stopped: bool,
}

pub struct Cluster {
    pub dir: tempfile::TempDir,
    pub guarantee: Duration,
    pub start: Instant,
    /// `start` on the event logs' clock.
    start_mark: Mark,
    controllers: Vec<Ctl>,
    /// The etcd members the controllers share (none: one controller on SQLite).
    pub etcd: Option<EtcdCluster>,
    units: Vec<Unit>,
    pub calls: Arc<Mutex<Vec<Call>>>,
    /// Agents stopped with SIGSTOP: unit, from, to (None while still stopped).
    stops: Vec<(String, Duration, Option<Duration>)>,
    probes: Option<Probes>,
    charm: PathBuf,
}

/// A unit's event log: beside its state directory (which its agent makes, private).
fn events_of(unit_dir: &Path) -> PathBuf {
    unit_dir.with_extension("events.jsonl")
}

/// An etcd session TTL that fails over within a couple of the 1 s guarantees the suite uses.
const SESSION_TTL: &str = "2s";

fn leaderd(args: &[&str]) -> String {
    let out = Command::new(LEADERD).args(args).output().unwrap();
    assert!(out.status.success(), "leaderd {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// A day-long token for `who` (a unit, or `--operator`).
fn token(secret: &Path, who: &str) -> String {
    leaderd(&["token", "--secret-file", secret.to_str().unwrap(), who]).trim().to_string()
}

impl Cluster {
    /// A controller (SQLite) and `units` agents of application `chaos`, with guarantee
    /// `guarantee`.
    pub fn start(units: usize, guarantee: Duration) -> Cluster {
        Cluster::launch(units, guarantee, 1, None)
    }

    /// `controllers` controllers on an etcd of `members` members, and `units` agents that are
    /// each given every controller.
    pub fn start_on_etcd(units: usize, guarantee: Duration, controllers: usize, members: usize) -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let etcd = EtcdCluster::start(dir.path(), members);
        assert!(etcd.wait_healthy(Duration::from_secs(30)), "etcd did not become healthy");
        Cluster::launch_in(dir, units, guarantee, controllers, Some(etcd))
    }

    fn launch(units: usize, guarantee: Duration, controllers: usize, etcd: Option<EtcdCluster>) -> Cluster {
        Cluster::launch_in(tempfile::tempdir().unwrap(), units, guarantee, controllers, etcd)
    }

    fn launch_in(
        dir: tempfile::TempDir,
        units: usize,
        guarantee: Duration,
        controllers: usize,
        etcd: Option<EtcdCluster>,
    ) -> Cluster {
        let charm = dir.path().join("charm");
        std::fs::create_dir_all(&charm).unwrap();
        std::fs::write(charm.join("metadata.yaml"), format!("name: {APP}\n")).unwrap();
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let mut cluster = Cluster {
            guarantee,
            start: Instant::now(),
            start_mark: Mark::now(),
            controllers: (0..controllers).map(|_| Ctl { addr: any, child: None, stopped: false }).collect(),
            etcd,
            units: Vec::new(),
            calls: Arc::default(),
            stops: Vec::new(),
            probes: None,
            charm,
            dir,
        };
        // One at a time: the first makes the CA and certificate the others then share.
        for k in 0..controllers {
            cluster.start_controller(k);
        }
        for i in 0..units {
            let name = format!("{APP}/{i}");
            let unit_dir = cluster.dir.path().join(format!("unit-{i}"));
            let proxy = Proxy::start(cluster.controllers[0].addr);
            let more = cluster.controllers[1..].iter().map(|c| proxy.sibling(c.addr)).collect();
            cluster.units.push(Unit { name, dir: unit_dir, proxy, more, child: None, stopped: false });
            cluster.start_agent(i);
        }
        cluster
    }

    fn secret(&self) -> PathBuf {
        self.dir.path().join("secret")
    }

    /// The controllers' CA and certificate (made on the first one's first start); agents verify
    /// against `ca.pem` through their proxies, which pass the TLS bytes through untouched.
    fn tls_dir(&self) -> PathBuf {
        self.dir.path().join("tls")
    }

    pub fn controller_count(&self) -> usize {
        self.controllers.len()
    }

    /// Starts (or restarts, on the same address) controller `k`.
    pub fn start_controller(&mut self, k: usize) {
        let lease = self.guarantee * 2;
        let store = match &self.etcd {
            None => format!("sqlite:{}", self.dir.path().join("controller.db").display()),
            Some(etcd) => format!("etcd:{}/chaos", etcd.endpoints()),
        };
        let listen = self.controllers[k].addr.to_string();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.path().join(format!("controller-{k}.log")))
            .unwrap();
        let mut command = Command::new(LEADERD);
        command
            .args(["controller", "--listen", &listen, "--store", &store])
            .args(["--secret-file", self.secret().to_str().unwrap()])
            .args(["--tls-dir", self.tls_dir().to_str().unwrap()])
            .args(["--min-lease", &format!("{}ms", lease.as_millis().min(1000))])
            .args(["--max-lease", &format!("{}ms", lease.as_millis())])
            .env("LEADERD_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log);
        if self.etcd.is_some() {
            command.args(["--etcd-session-ttl", SESSION_TTL]);
        }
        let mut child = command.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().and_then(Result::ok).unwrap_or_default();
        let Some(url) = first.strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("controller {k} did not start: {first:?}");
        };
        self.controllers[k].addr = url.split("://").nth(1).unwrap().parse().unwrap();
        std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
        self.controllers[k].child = Some(child);
        self.controllers[k].stopped = false;
    }

    /// Starts (or restarts) unit `i`'s agent, reaching the controller through its proxy.
    pub fn start_agent(&mut self, i: usize) {
        let token = token(&self.secret(), &self.units[i].name);
        let unit = &mut self.units[i];
        let url = std::iter::once(&unit.proxy)
            .chain(&unit.more)
            .map(|p| format!("https://{}", p.addr))
            .collect::<Vec<_>>()
            .join(",");
        let ca = self.dir.path().join("tls").join("ca.pem");
        let child = Command::new(LEADERD)
            .args(["agent", "--unit", &unit.name, "--controller", &url, "--controller-ca", ca.to_str().unwrap()])
            .args(["--charm", self.charm.to_str().unwrap(), "--state", unit.dir.to_str().unwrap()])
            .args(["--lease-guarantee", &format!("{}ms", self.guarantee.as_millis()), "--jujuc", JUJUC])
            .arg("--event-log")
            .arg(events_of(&unit.dir))
            .env("LEADERD_TOKEN", token)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        unit.child = Some(child);
        unit.stopped = false;
    }

    /// Every election so far, from the agents' event logs (across their restarts), stamped as
    /// each agent learnt it, in time order.
    pub fn elections(&self) -> Vec<Election> {
        let mut elections: Vec<Election> = self
            .units
            .iter()
            .flat_map(|unit| {
                events::read_after(&events_of(&unit.dir), self.start_mark).into_iter().filter_map(|r| {
                    let at = Duration::from_nanos(r.mono_ns - self.start_mark.0);
                    r.elected().map(|term| Election { unit: unit.name.clone(), term, at })
                })
            })
            .collect();
        elections.sort_by_key(|e| e.at);
        elections
    }

    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    pub fn proxy(&self, i: usize) -> &Proxy {
        &self.units[i].proxy
    }

    pub fn unit_name(&self, i: usize) -> &str {
        &self.units[i].name
    }

    fn signal(child: &Option<Child>, signal: Signal) {
        if let Some(child) = child {
            process::signal(child.id(), signal);
        }
    }

    pub fn kill_agent(&mut self, i: usize) {
        self.stop_agent(i, false);
        if let Some(mut child) = self.units[i].child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn stop_agent(&mut self, i: usize, stop: bool) {
        if self.units[i].child.is_none() || self.units[i].stopped == stop {
            return;
        }
        let (now, name) = (self.start.elapsed(), self.units[i].name.clone());
        if stop {
            // Recorded before the signal, so the window surely covers the stop.
            self.stops.push((name.clone(), now, None));
        }
        Cluster::signal(&self.units[i].child, if stop { Signal::STOP } else { Signal::CONT });
        if !stop {
            let now = self.start.elapsed();
            if let Some(open) = self.stops.iter_mut().rev().find(|s| s.0 == name && s.2.is_none()) {
                open.2 = Some(now);
            }
        }
        self.units[i].stopped = stop;
    }

    pub fn agent_running(&self, i: usize) -> bool {
        self.units[i].child.is_some()
    }

    /// SIGKILL of controller `k`.
    pub fn kill_controller(&mut self, k: usize) {
        let ctl = &mut self.controllers[k];
        if let Some(mut child) = ctl.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        ctl.stopped = false;
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`) of controller `k`.
    pub fn stop_controller(&mut self, k: usize, stop: bool) {
        let ctl = &mut self.controllers[k];
        if ctl.child.is_some() {
            Cluster::signal(&ctl.child, if stop { Signal::STOP } else { Signal::CONT });
            ctl.stopped = stop;
        }
    }

    pub fn controller_running(&self, k: usize) -> bool {
        self.controllers[k].child.is_some()
    }

    /// Which controller says it is active now (asked of each running one, as the operator);
    /// with one controller, that one.
    pub fn active_controller(&self) -> Option<usize> {
        if self.controllers.len() == 1 {
            return Some(0);
        }
        let token = token(&self.secret(), "--operator");
        let trust = leaderd_net::tls::Trust::Ca(self.tls_dir().join("ca.pem"));
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            for (k, ctl) in self.controllers.iter().enumerate() {
                if ctl.child.is_none() || ctl.stopped {
                    continue;
                }
                let url = format!("https://{}", ctl.addr);
                let Ok(http) = leaderd_net::tls::http_client(&url, &trust, Duration::from_secs(1)) else { continue };
                let answer = http
                    .get(format!("{url}/v1/status"))
                    .bearer_auth(&token)
                    .timeout(Duration::from_millis(700))
                    .send()
                    .await;
                let Ok(answer) = answer else { continue };
                let Ok(status) = answer.json::<serde_json::Value>().await else { continue };
                if status["role"] == "active" {
                    return Some(k);
                }
            }
            None
        })
    }

    /// Ends every fault: continues what is stopped, restarts what was killed, heals proxies.
    pub fn heal(&mut self) {
        if let Some(etcd) = &mut self.etcd {
            etcd.heal();
        }
        for k in 0..self.controllers.len() {
            if self.controllers[k].stopped {
                self.stop_controller(k, false);
            }
            if self.controllers[k].child.is_none() {
                self.start_controller(k);
            }
        }
        for i in 0..self.units.len() {
            self.units[i].proxy.heal();
            if self.units[i].stopped {
                self.stop_agent(i, false);
            }
            if self.units[i].child.is_none() {
                self.start_agent(i);
            }
        }
    }

    /// Starts one probe thread per unit: each opens a fresh hook context, asks is-leader, and
    /// if True writes a fresh key; every answer is recorded with its send and receive times.
    pub fn start_probes(&mut self, pause: Duration) {
        let units = self.units.iter().map(|u| (u.name.clone(), u.dir.clone())).collect();
        self.probes = Some(Probes::start(units, self.start, self.calls.clone(), pause, true));
    }

    pub fn stop_probes(&mut self) {
        if let Some(probes) = self.probes.take() {
            probes.finish();
        }
    }

    /// One probe round on unit `i` from the test itself.
    pub fn probe(&self, i: usize) -> Option<bool> {
        let mut seq = 1_000_000;
        let before = self.calls.lock().unwrap().len();
        probe_once(&self.units[i].name, &self.units[i].dir, self.start, &self.calls, Some(&mut seq));
        let calls = self.calls.lock().unwrap();
        calls[before..].iter().find_map(|c| match c.op {
            Op::IsLeader(answer) if c.unit == self.units[i].name => Some(answer),
            _ => None,
        })
    }

    /// Waits (up to `timeout`) until some unit answers is-leader True; its index.
    pub fn wait_leader(&self, timeout: Duration) -> Option<usize> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            for i in 0..self.units.len() {
                if let Some(true) = self.probe(i) {
                    return Some(i);
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    /// The leader settings as unit `i` reads them (a fresh hook context).
    pub fn read_settings(&self, i: usize) -> Option<BTreeMap<String, String>> {
        let dir = &self.units[i].dir;
        let context = probe::open(dir).ok()?;
        let settings = probe::leader_get(dir, &context);
        probe::close(dir, &context);
        settings
    }

    /// The history so far (with the final settings if given).
    pub fn history(&self, final_settings: Option<BTreeMap<String, String>>) -> History {
        let stopped = self
            .stops
            .iter()
            .map(|(unit, from, to)| Stopped { unit: unit.clone(), from: *from, to: to.unwrap_or(Duration::MAX) })
            .collect();
        History {
            guarantee: self.guarantee,
            stopped,
            calls: self.calls.lock().unwrap().clone(),
            elections: self.elections(),
            final_settings,
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The probes stop first, then the processes they call; a probe waiting on a stopped
        // agent gives up when it is killed.
        if let Some(probes) = &self.probes {
            probes.halt();
        }
        let children =
            self.units.iter_mut().map(|u| &mut u.child).chain(self.controllers.iter_mut().map(|c| &mut c.child));
        for child in children {
            if let Some(mut child) = child.take() {
                process::signal(child.id(), Signal::CONT);
                let _ = child.kill();
                let _ = child.wait();
            }
        }
        self.stop_probes();
        if std::thread::panicking() {
            self.print_logs();
        }
    }
}

impl Cluster {
    /// The tails of the controllers' and etcd members' logs (for a failing test).
    fn print_logs(&self) {
        let Ok(entries) = std::fs::read_dir(self.dir.path()) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                eprintln!("--- {}:\n{}", path.display(), tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
        }
    }
}
