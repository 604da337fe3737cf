//! Real etcd members on loopback ports for tests that run several controllers (`--features
//! etcd`; the `etcd` binary is Debian's etcd-server): started in a temp dir with fast raft
//! timings (50 ms heartbeats, 500 ms elections), each one killable with SIGKILL, pausable with
//! SIGSTOP and restartable on its own data directory and ports. Synchronous (threads only), and
//! every member is killed when the cluster drops, stopped ones continued first.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use leaderd_sys::process::{self, Signal};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One member: its command line (the same on every restart), its process while it runs.
pub struct Member {
    pub name: String,
    pub client_port: u16,
    /// `http`, or `https` when the cluster requires client certificates.
    scheme: &'static str,
    args: Vec<String>,
    log: PathBuf,
    child: Option<Child>,
    stopped: bool,
}

impl Member {
    pub fn client_url(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme, self.client_port)
    }

    /// Starts the member (again, after a kill: etcd finds its data directory and rejoins).
    pub fn start(&mut self) {
        if self.child.is_some() {
            return;
        }
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new("etcd")
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("starting etcd (Debian: etcd-server)");
        self.child = Some(child);
        self.stopped = false;
    }

    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::signal(child.id(), Signal::CONT);
            let _ = child.kill();
            let _ = child.wait();
        }
        self.stopped = false;
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`).
    pub fn pause(&mut self, stop: bool) {
        if let Some(child) = &self.child {
            process::signal(child.id(), if stop { Signal::STOP } else { Signal::CONT });
            self.stopped = stop;
        }
    }

    pub fn running(&self) -> bool {
        self.child.is_some()
    }

    pub fn paused(&self) -> bool {
        self.stopped
    }

    /// Whether the member answers `/health` with `"health":"true"` (it has a raft leader).
    /// Plain HTTP only: with client certificates, wait for its log instead.
    pub fn healthy(&self) -> bool {
        if self.child.is_none() || self.stopped {
            return false;
        }
        http(self.client_port, "GET", "/health").is_some_and(|body| body.contains("\"true\""))
    }

    /// Whether the member says it is a follower (it knows a raft leader, and it is another).
    pub fn follower(&self) -> bool {
        if self.child.is_none() || self.stopped {
            return false;
        }
        let Some(body) = http(self.client_port, "POST", "/v3/maintenance/status") else { return false };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) else { return false };
        v["leader"].is_string() && v["header"]["member_id"].is_string() && v["leader"] != v["header"]["member_id"]
    }

    /// The member's log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// `members` etcd members forming one cluster.
pub struct EtcdCluster {
    pub members: Vec<Member>,
}

impl EtcdCluster {
    pub fn start(dir: &Path, members: usize) -> EtcdCluster {
        EtcdCluster::start_with(dir, members, None, &[])
    }

    /// [`EtcdCluster::start`], requiring client certificates when `tls` names a directory with
    /// `ca.pem`, `controller.pem` and `controller.key` (served by every member, and trusted for
    /// clients), and with `extra` flags for every member.
    pub fn start_with(dir: &Path, members: usize, tls: Option<&Path>, extra: &[&str]) -> EtcdCluster {
        let scheme = if tls.is_some() { "https" } else { "http" };
        let ports: Vec<(u16, u16)> = (0..members).map(|_| (free_port(), free_port())).collect();
        let initial: Vec<String> =
            ports.iter().enumerate().map(|(i, (_, peer))| format!("m{i}=http://127.0.0.1:{peer}")).collect();
        let mut cluster = EtcdCluster { members: Vec::new() };
        for (i, (client, peer)) in ports.iter().enumerate() {
            let client_url = format!("{scheme}://127.0.0.1:{client}");
            let mut args = vec![
                format!("--name=m{i}"),
                format!("--data-dir={}", dir.join(format!("etcd{i}")).display()),
                format!("--listen-client-urls={client_url}"),
                format!("--advertise-client-urls={client_url}"),
                format!("--listen-peer-urls=http://127.0.0.1:{peer}"),
                format!("--initial-advertise-peer-urls=http://127.0.0.1:{peer}"),
                format!("--initial-cluster={}", initial.join(",")),
                "--initial-cluster-state=new".into(),
                "--initial-cluster-token=leaderd-test".into(),
                "--heartbeat-interval=50".into(),
                "--election-timeout=500".into(),
            ];
            if let Some(tls) = tls {
                args.push(format!("--cert-file={}", tls.join("controller.pem").display()));
                args.push(format!("--key-file={}", tls.join("controller.key").display()));
                args.push(format!("--trusted-ca-file={}", tls.join("ca.pem").display()));
                args.push("--client-cert-auth".into());
            }
            args.extend(extra.iter().map(|f| f.to_string()));
            let mut member = Member {
                name: format!("m{i}"),
                client_port: *client,
                scheme,
                args,
                log: dir.join(format!("etcd{i}.log")),
                child: None,
                stopped: false,
            };
            member.start();
            cluster.members.push(member);
        }
        cluster
    }

    /// Every member's client URL, comma-separated (for `--store etcd:...`).
    pub fn endpoints(&self) -> String {
        self.members.iter().map(Member::client_url).collect::<Vec<_>>().join(",")
    }

    /// Waits (up to `timeout`) until some member reports a healthy cluster.
    pub fn wait_healthy(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.members.iter().any(Member::healthy) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// Continues the paused members and starts the killed ones.
    pub fn heal(&mut self) {
        for member in &mut self.members {
            if member.paused() {
                member.pause(false);
            }
            member.start();
        }
    }
}

impl Drop for EtcdCluster {
    fn drop(&mut self) {
        for member in &mut self.members {
            member.kill();
        }
    }
}

/// A plain HTTP/1.0 request without a body (a POST sends `{}`) on loopback with short
/// timeouts; the body, or None.
fn http(port: u16, method: &str, path: &str) -> Option<String> {
    let timeout = Duration::from_millis(500);
    let mut stream = TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), timeout).ok()?;
    stream.set_read_timeout(Some(timeout)).ok()?;
    stream.set_write_timeout(Some(timeout)).ok()?;
    let body = if method == "POST" { "{}" } else { "" };
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).ok()?;
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_string())
}
