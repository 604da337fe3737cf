//! Controller failover on etcd (`--features etcd`; needs `etcd` on PATH, Debian: etcd-server):
//! one etcd member and three `leaderd controller`s on loopback (HTTPS, one TLS directory),
//! session TTL 2 s (`SESSION_TTL`), leases 2 s (max 3 s). A unit renews its lease every 250 ms at
//! whichever controller is active; each round kill -9s the active controller and measures the
//! time until the unit's renewal succeeds again (at the new active controller), and whether the
//! leader changed (a new term) across it. The killed controller is started again before the
//! next round.
//!
//! Run: `cargo bench --features etcd --bench failover` (ROUNDS=n to change).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use leaderd_net::auth::Secret;
use serde_json::json;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn controller(dir: &Path, store: &str, ttl: &str) -> (Killed, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaderd"))
        .args(["controller", "--listen", "127.0.0.1:0", "--min-lease", "1s", "--max-lease", "3s"])
        .args(["--store", store, "--etcd-session-ttl", ttl])
        .arg("--secret-file")
        .arg(dir.join("secret"))
        .arg("--tls-dir")
        .arg(dir.join("tls"))
        .env("LEADERD_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").expect("controller started").to_string();
    (Killed(child), url)
}

fn main() {
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let ttl = std::env::var("SESSION_TTL").unwrap_or_else(|_| "2s".into());
    let dir = tempfile::tempdir().unwrap();
    let (client_port, peer_port) = (free_port(), free_port());
    let endpoint = format!("http://127.0.0.1:{client_port}");
    let _etcd = Killed(
        Command::new("etcd")
            .arg(format!("--data-dir={}", dir.path().join("etcd").display()))
            .arg(format!("--listen-client-urls={endpoint}"))
            .arg(format!("--advertise-client-urls={endpoint}"))
            .arg(format!("--listen-peer-urls=http://127.0.0.1:{peer_port}"))
            .arg(format!("--initial-advertise-peer-urls=http://127.0.0.1:{peer_port}"))
            .arg(format!("--initial-cluster=default=http://127.0.0.1:{peer_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("etcd on PATH (Debian: etcd-server)"),
    );
    std::thread::sleep(Duration::from_secs(2));
    let store = format!("etcd:{endpoint}/failover");
    let mut ctls: Vec<(Killed, String)> = (0..3).map(|_| controller(dir.path(), &store, &ttl)).collect();
    let secret = Secret::load(&dir.path().join("secret")).unwrap();
    let token = secret.token("app/0", Duration::from_secs(3600));

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let tls = leaderd_net::tls::client_config(&dir.path().join("tls/ca.pem")).unwrap();
    let http =
        reqwest::Client::builder().tls_backend_preconfigured(tls).timeout(Duration::from_secs(2)).build().unwrap();
    // One renewal at whichever controller grants it: (controller index, term).
    let renew = |urls: Vec<String>| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            for (i, url) in urls.iter().enumerate() {
                let answer = http
                    .post(format!("{url}/v1/applications/app/lease/claim"))
                    .bearer_auth(&token)
                    .json(&json!({"duration_ms": 2000}))
                    .send()
                    .await;
                if let Ok(r) = answer {
                    if r.status().is_success() {
                        let body: serde_json::Value = r.json().await.unwrap();
                        if body["granted"] == json!(true) {
                            return Some((i, body["term"].as_u64().unwrap()));
                        }
                    }
                }
            }
            None
        }
    };
    let mut times = Vec::new();
    let mut changes = 0;
    for _ in 0..rounds {
        let urls: Vec<String> = ctls.iter().map(|(_, u)| u.clone()).collect();
        let (active, term) = runtime.block_on(async {
            let deadline = Instant::now() + Duration::from_secs(30);
            let mut last = None;
            // A second of steady renewals first.
            let steady = Instant::now();
            while Instant::now() < deadline && (last.is_none() || steady.elapsed() < Duration::from_secs(1)) {
                if let Some(r) = renew(urls.clone()).await {
                    last = Some(r);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            last.expect("the unit holds the lease")
        });
        let killed_at = Instant::now();
        let _ = ctls[active].0 .0.kill();
        let _ = ctls[active].0 .0.wait();
        let (_, new_term) = runtime.block_on(async {
            loop {
                if let Some(r) = renew(urls.clone()).await {
                    return r;
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        times.push(killed_at.elapsed().as_secs_f64());
        if new_term != term {
            changes += 1;
        }
        ctls[active] = controller(dir.path(), &store, &ttl);
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let all: Vec<String> = times.iter().map(|t| format!("{t:.2}")).collect();
    println!("controller failover on etcd (session TTL {ttl}, leases 2 s, renewals every 250 ms); {rounds} rounds");
    println!(
        "  kill -9 of the active controller until the leader's renewal succeeds again: median {:.2} s   [{}]",
        times[times.len() / 2],
        all.join(", ")
    );
    println!("  the leader changed (a new term) across the failover in {changes} of {rounds} rounds");
}
