//! Controller throughput, over HTTPS (TLS, verified against its CA) against the real `leaderd
//! controller` process:
//! - lease renewals per second with 1,000 applications (each held by one unit, renewed over
//!   and over by 64 concurrent clients);
//! - acknowledged durable leader-set writes per second with 1 and with 32 concurrent writers
//!   (32 applications, one leader writing each), where the controller's writer groups whatever
//!   queued up during one commit into the next.
//!
//! Run: `cargo bench --bench controller` (ROUNDS=n, SECONDS=n per round to change) for the
//! SQLite store (WAL, synchronous=FULL). `STORES` names the stores to measure side by side in
//! one run, separated by spaces: `sqlite`, `etcd` (a one-member etcd this bench starts on
//! loopback, from `etcd` on PATH; needs `--features etcd`) or `etcd:ENDPOINTS/PREFIX` (an etcd
//! of yours). With several, their rounds alternate (sqlite, etcd, sqlite, ...), so both see the
//! same noise, and a ratio line follows each figure:
//! `STORES="sqlite etcd" cargo bench --features etcd --bench controller`.
//! On etcd the controller elects itself, renewals stay in memory, and every durable write is an
//! etcd transaction (group commit: one transaction per batch).
//! Targets (docs/benchmarks.md, "Controller throughput"): ≥ 20,000 renewals/s; ≥ 1,000 durable
//! writes/s with 32 writers.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use leaderd_net::auth::Secret;
use serde_json::json;

/// One store under test: its controller (and etcd member, for `etcd`), and the units' tokens.
struct Target {
    label: String,
    children: Vec<Child>,
    base: String,
    http: reqwest::Client,
    units: Arc<Vec<(String, String)>>,
}

impl Drop for Target {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The figures of one round: renewals/s, writes/s with 1 writer, with 32.
type Round = (f64, f64, f64);

/// One figure: what it is, where it is in a round, and its target (0: none).
type Measure = (&'static str, fn(&Round) -> f64, f64);

fn main() {
    let rounds: usize = env_or("ROUNDS", 5);
    let seconds: u64 = env_or("SECONDS", 3);
    let stores = std::env::var("STORES").or_else(|_| std::env::var("STORE")).unwrap_or_else(|_| "sqlite".into());
    let stores: Vec<&str> = stores.split_whitespace().collect();
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let results: Vec<(String, Vec<Round>)> = runtime.block_on(async {
        let mut targets = Vec::new();
        for (i, store) in stores.iter().enumerate() {
            targets.push(start(store, &dir.path().join(format!("store-{i}"))).await);
        }
        let mut results: Vec<Vec<Round>> = vec![Vec::new(); targets.len()];
        for _ in 0..rounds {
            for (target, out) in targets.iter().zip(results.iter_mut()) {
                out.push(round(target, seconds).await);
            }
        }
        targets.iter().map(|t| t.label.clone()).zip(results).collect()
    });

    let labels: Vec<&str> = results.iter().map(|(l, _)| l.as_str()).collect();
    println!(
        "controller throughput over HTTPS; median of {rounds} rounds of {seconds} s; stores: {}",
        labels.join(", ")
    );
    let measures: [Measure; 3] = [
        ("lease renewals/s, 1,000 applications, 64 clients", |r| r.0, 20_000.0),
        ("durable leader-set writes/s, 1 writer", |r| r.1, 0.0),
        ("durable leader-set writes/s, 32 writers", |r| r.2, 1_000.0),
    ];
    for (what, pick, target) in measures {
        let medians: Vec<f64> = results
            .iter()
            .map(|(label, rounds)| report(&format!("{what} [{label}]"), rounds.iter().map(pick).collect(), target))
            .collect();
        for (i, median) in medians.iter().enumerate().skip(1) {
            println!("    {} / {}: {:.2}x", labels[i], labels[0], median / medians[0]);
        }
    }
}

/// Starts a controller on `store` (in `dir`) and claims 1,000 applications there.
async fn start(store: &str, dir: &Path) -> Target {
    std::fs::create_dir_all(dir).unwrap();
    let mut children = Vec::new();
    let (spec, label) = match store {
        "sqlite" => {
            (format!("sqlite:{}", dir.join("bench.db").display()), "sqlite (WAL, synchronous=FULL)".to_string())
        }
        "etcd" => {
            let (child, url) = local_etcd(dir);
            children.push(child);
            (format!("etcd:{url}/bench"), "etcd (one member on loopback)".to_string())
        }
        other => (other.to_string(), other.to_string()),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_leaderd"))
        .args(["controller", "--listen", "127.0.0.1:0", "--min-lease", "1s"])
        .arg("--store")
        .arg(&spec)
        .arg("--secret-file")
        .arg(dir.join("secret"))
        .arg("--tls-dir")
        .arg(dir.join("tls"))
        .env("LEADERD_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    children.push(child);
    let base = line.trim().strip_prefix("listening on ").expect("controller started").to_string();
    let secret = Secret::load(&dir.join("secret")).unwrap();
    let tls = leaderd_net::tls::client_config(&dir.join("tls/ca.pem")).unwrap();
    let http = reqwest::Client::builder().tls_backend_preconfigured(tls).pool_max_idle_per_host(256).build().unwrap();
    // On etcd the controller serves once it has won its election.
    let operator = secret.token(leaderd_net::auth::OPERATOR, Duration::from_secs(3600));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let answer = http.get(format!("{base}/v1/status")).bearer_auth(&operator).send().await;
        if answer.is_ok_and(|a| a.status().is_success()) {
            break;
        }
        assert!(Instant::now() < deadline, "the controller on {spec} did not become active");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // 1,000 applications, each claimed once by its unit.
    let units: Arc<Vec<(String, String)>> = Arc::new(
        (0..1000)
            .map(|i| (format!("app{}", name(i)), secret.token(&format!("app{}/0", name(i)), Duration::from_secs(3600))))
            .collect(),
    );
    for (app, token) in units.iter() {
        claim(&http, &base, app, token).await;
    }
    Target { label, children, base, http, units }
}

/// A one-member etcd on free loopback ports, its data in `dir`: the process and its client URL.
fn local_etcd(dir: &Path) -> (Child, String) {
    let port = || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (client, peer) = (format!("http://127.0.0.1:{}", port()), format!("http://127.0.0.1:{}", port()));
    let child = Command::new("etcd")
        .arg(format!("--data-dir={}", dir.join("etcd").display()))
        .arg(format!("--listen-client-urls={client}"))
        .arg(format!("--advertise-client-urls={client}"))
        .arg(format!("--listen-peer-urls={peer}"))
        .arg(format!("--initial-advertise-peer-urls={peer}"))
        .arg(format!("--initial-cluster=default={peer}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting etcd (Debian: etcd-server)");
    (child, client)
}

/// One round on `target`: renewals/s, then writes/s with 1 and with 32 writers.
async fn round(target: &Target, seconds: u64) -> Round {
    let (http, base, units) = (&target.http, &target.base, &target.units);
    let (h, b, u) = (http.clone(), base.clone(), units.clone());
    let renewals = rate(seconds, 64, move |i, n| {
        let (http, base, units) = (h.clone(), b.clone(), u.clone());
        let (app, token) = units[(i * 97 + n as usize) % units.len()].clone();
        async move { claim(&http, &base, &app, &token).await }
    })
    .await;
    let mut writes = [0.0; 2];
    for (writers, out) in [1usize, 32].into_iter().zip(writes.iter_mut()) {
        let terms: Vec<u64> = futures_join(units[..writers].iter().map(|(app, token)| {
            let (http, base) = (http.clone(), base.clone());
            let (app, token) = (app.clone(), token.clone());
            async move { claim(&http, &base, &app, &token).await }
        }))
        .await;
        let (h, b, u, terms) = (http.clone(), base.clone(), units.clone(), Arc::new(terms));
        *out = rate(seconds, writers, move |i, n| {
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
        .await;
    }
    (renewals, writes[0], writes[1])
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

/// Prints one figure's median, its rounds and its target; returns the median.
fn report(what: &str, mut samples: Vec<f64>, target: f64) -> f64 {
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
    median
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
