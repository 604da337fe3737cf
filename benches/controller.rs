//! Controller throughput, over HTTPS (TLS, verified against its CA) against the real `leaderd controller` process with the
//! SQLite store (WAL, synchronous=FULL):
//! - lease renewals per second with 1,000 applications (each held by one unit, renewed over
//!   and over by 64 concurrent clients);
//! - acknowledged durable leader-set writes per second with 1 and with 32 concurrent writers
//!   (32 applications, one leader writing each), where the controller's writer groups whatever
//!   queued up during one commit into the next.
//!
//! Run: `cargo bench --bench controller` (ROUNDS=n, SECONDS=n per round to change). With
//! `STORE=etcd:http://127.0.0.1:2379/bench` (and `--features etcd`) the same against etcd: the
//! controller elects itself, renewals stay in memory, every durable write is an etcd
//! transaction (group commit: one transaction per batch).
//! Targets (README, "Benchmark: controller throughput"): ≥ 20,000 renewals/s; ≥ 1,000 durable writes/s with 32 writers.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use leaderd::controller::auth::Secret;
use serde_json::json;

fn main() {
    let rounds: usize = env_or("ROUNDS", 5);
    let seconds: u64 = env_or("SECONDS", 3);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let store = std::env::var("STORE").unwrap_or_else(|_| format!("sqlite:{}", db.display()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaderd"))
        .args(["controller", "--listen", "127.0.0.1:0", "--min-lease", "1s"])
        .arg("--store")
        .arg(&store)
        .arg("--secret-file")
        .arg(dir.path().join("secret"))
        .arg("--tls-dir")
        .arg(dir.path().join("tls"))
        .env("LEADERD_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let base = line.trim().strip_prefix("listening on ").expect("controller started").to_string();
    let secret = Secret::load(&dir.path().join("secret")).unwrap();

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (renewals, writes1, writes32) = runtime.block_on(async {
        let tls = leaderd::tls::client_config(&dir.path().join("tls/ca.pem")).unwrap();
        let http =
            reqwest::Client::builder().tls_backend_preconfigured(tls).pool_max_idle_per_host(256).build().unwrap();
        // On etcd the controller serves once it has won its election.
        let operator = secret.token(leaderd::controller::auth::OPERATOR, Duration::from_secs(3600));
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let answer = http.get(format!("{base}/v1/status")).bearer_auth(&operator).send().await.unwrap();
            if answer.status().is_success() {
                break;
            }
            assert!(Instant::now() < deadline, "the controller did not become active");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // 1,000 applications, each claimed once by its unit.
        let units: Arc<Vec<(String, String)>> = Arc::new(
            (0..1000)
                .map(|i| {
                    (format!("app{}", name(i)), secret.token(&format!("app{}/0", name(i)), Duration::from_secs(3600)))
                })
                .collect(),
        );
        for (app, token) in units.iter() {
            claim(&http, &base, app, token).await;
        }
        let mut renewals = Vec::new();
        let mut writes1 = Vec::new();
        let mut writes32 = Vec::new();
        for _ in 0..rounds {
            let (h, b, u) = (http.clone(), base.clone(), units.clone());
            renewals.push(
                rate(seconds, 64, move |i, n| {
                    let (http, base, units) = (h.clone(), b.clone(), u.clone());
                    let (app, token) = units[(i * 97 + n as usize) % units.len()].clone();
                    async move { claim(&http, &base, &app, &token).await }
                })
                .await,
            );
            for (writers, out) in [(1usize, &mut writes1), (32, &mut writes32)] {
                let terms: Vec<u64> = futures_join(units[..writers].iter().map(|(app, token)| {
                    let (http, base) = (http.clone(), base.clone());
                    let (app, token) = (app.clone(), token.clone());
                    async move { claim(&http, &base, &app, &token).await }
                }))
                .await;
                let (h, b, u, terms) = (http.clone(), base.clone(), units.clone(), Arc::new(terms));
                out.push(
                    rate(seconds, writers, move |i, n| {
                        let (http, base) = (h.clone(), b.clone());
                        let (app, token) = u[i].clone();
                        let term = terms[i];
                        async move {
                            let resp = http
                                .post(format!("{base}/v1/applications/{app}/settings/merge"))
                                .bearer_auth(&token)
                                .json(&json!({"term": term, "set": {"n": n.to_string()}}))
                                .send()
                                .await
                                .unwrap();
                            assert!(resp.status().is_success(), "{}", resp.text().await.unwrap());
                            term
                        }
                    })
                    .await,
                );
            }
        }
        (renewals, writes1, writes32)
    });
    let _ = child.kill();
    let _ = child.wait();

    let kind = if store.starts_with("sqlite:") { "sqlite store (WAL, synchronous=FULL)".to_string() } else { store };
    println!("controller throughput over HTTPS, {kind}; median of {rounds} rounds of {seconds} s");
    report("lease renewals/s, 1,000 applications, 64 clients", renewals, 20_000.0);
    report("durable leader-set writes/s, 1 writer", writes1, 0.0);
    report("durable leader-set writes/s, 32 writers", writes32, 1_000.0);
}

/// Runs `clients` loops of `op(client, n)` for `seconds`; returns completed ops per second.
async fn rate<F, Fut>(seconds: u64, clients: usize, op: F) -> f64
where
    F: Fn(usize, u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = u64> + Send + 'static,
{
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let stop = start + Duration::from_secs(seconds);
    let op = Arc::new(op);
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (done, op) = (done.clone(), op.clone());
        tasks.push(async move {
            let mut n = 0u64;
            while Instant::now() < stop {
                op(client, n).await;
                n += 1;
                done.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    futures_join(tasks).await;
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

async fn futures_join<T: Send + 'static>(
    futures: impl IntoIterator<Item = impl std::future::Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

async fn claim(http: &reqwest::Client, base: &str, app: &str, token: &str) -> u64 {
    let resp = http
        .post(format!("{base}/v1/applications/{app}/lease/claim"))
        .bearer_auth(token)
        .json(&json!({"duration_ms": 60_000}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["granted"], json!(true), "{body}");
    body["term"].as_u64().unwrap()
}

fn report(what: &str, mut samples: Vec<f64>, target: f64) {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = samples[samples.len() / 2];
    let all: Vec<String> = samples.iter().map(|s| format!("{s:.0}")).collect();
    let verdict = if target == 0.0 {
        String::new()
    } else {
        format!(
            "   target >= {target:.0}: {} ({:.2}x)",
            if median >= target { "met" } else { "MISSED" },
            median / target
        )
    };
    println!("  {what:<52} median {median:>9.0}   [{}]{verdict}", all.join(", "));
}

/// Application names must be letters after a dash-free prefix: app + letters for the index.
fn name(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return s;
        }
    }
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}
