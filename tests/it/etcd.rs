//! Several controllers on real etcd processes (loopback ports, temp dirs): failover after kill
//! -9 of the active controller, a paused active controller that resumes deposed, a three-member
//! etcd losing one and then two members, and etcd with client certificates. Needs the `etcd`
//! binary (Debian: etcd-server) and a leaderd built with `--features etcd`, so these are
//! `#[ignore]`d in plain `cargo test`; `.ci/run` installs etcd and runs them with
//! `cargo test --features etcd --test etcd -- --include-ignored`.
#![cfg(feature = "etcd")]

use leaderd_testkit::etcd as etcd_cluster;
use leaderd_testkit::procs;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use etcd_cluster::EtcdCluster;
use leaderd_testkit::events::{self, Mark, Record, RecordExt};
use procs::{token, tool, Proc, LEADERD};
use serde_json::{json, Value};

/// A controller on the etcd store, plain HTTP (the agents' TLS is not what these tests are
/// about), 2 s session TTL, 1–3 s leases; the secret shared by all controllers in `dir`.
struct Ctl {
    proc: Proc,
    url: String,
    pid: i32,
}

fn controller(dir: &Path, i: usize, store: &str, extra: &[&str]) -> Ctl {
    controller_max_lease(dir, i, store, "3s", extra)
}

/// [`controller`] with another `--max-lease`.
fn controller_max_lease(dir: &Path, i: usize, store: &str, max_lease: &str, extra: &[&str]) -> Ctl {
    let mut cmd = Command::new(LEADERD);
    cmd.args([
        "controller",
        "--listen",
        "127.0.0.1:0",
        "--insecure-http",
        "--min-lease",
        "1s",
        "--max-lease",
        max_lease,
    ])
    .args(["--etcd-session-ttl", "2s", "--store", store])
    .arg("--secret-file")
    .arg(dir.join("secret"))
    .args(extra)
    .env("RUST_LOG", "info");
    let proc = Proc::spawn(cmd, &dir.join(format!("controller{i}.log")));
    let line = proc.wait_for("listening on ", Duration::from_secs(20));
    let url = line.trim_start_matches("listening on ").to_string();
    let pid = proc.child.id() as i32;
    Ctl { proc, url, pid }
}

fn http() -> reqwest::Client {
    leaderd_net::tls::http_client("http://x", &leaderd_net::tls::Trust::InsecureHttp, Duration::from_secs(1)).unwrap()
}

/// POSTs (or GETs without a body) and answers (status, JSON body); 0 when unreachable.
async fn call(url: &str, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let client = http();
    let request = match body {
        Some(b) => client.post(format!("{url}{path}")).json(&b),
        None => client.get(format!("{url}{path}")),
    };
    match request.bearer_auth(token).timeout(Duration::from_secs(8)).send().await {
        Ok(r) => {
            let status = r.status().as_u16();
            (status, r.json().await.unwrap_or(Value::Null))
        }
        Err(_) => (0, Value::Null),
    }
}

async fn claim(url: &str, token: &str) -> (u16, Value) {
    call(url, "/v1/applications/app/lease/claim", token, Some(json!({"duration_ms": 3000}))).await
}

/// Polls until `check` holds, up to `timeout`.
async fn until<T>(what: &str, timeout: Duration, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not within {timeout:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Which controller is active, by asking each.
async fn active_of(ctls: &[&Ctl], operator: &str) -> Option<usize> {
    for (i, c) in ctls.iter().enumerate() {
        let (status, body) = call(&c.url, "/v1/status", operator, None).await;
        if status == 200 && body["role"] == "active" {
            return Some(i);
        }
    }
    None
}

/// Waits until the cluster answers (a leader elected, quorum there).
fn healthy(etcd: &EtcdCluster) {
    let ok = tokio::task::block_in_place(|| etcd.wait_healthy(Duration::from_secs(20)));
    assert!(ok, "etcd did not become healthy within 20 s");
}

struct Setup {
    // Dropped first: the logs are printed before the directory goes.
    _logs: Logs,
    dir: tempfile::TempDir,
    etcd: EtcdCluster,
    ctls: Vec<Ctl>,
    operator: String,
    unit0: String,
    unit1: String,
}

async fn setup(members: usize, controllers: usize) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let etcd = EtcdCluster::start(dir.path(), members);
    healthy(&etcd);
    let store = format!("etcd:{}/t", etcd.endpoints());
    let ctls: Vec<Ctl> = (0..controllers).map(|i| controller(dir.path(), i, &store, &[])).collect();
    let secret = dir.path().join("secret");
    let (operator, unit0, unit1) =
        (token(&secret, "operator", "1h"), token(&secret, "app/0", "1h"), token(&secret, "app/1", "1h"));
    Setup { _logs: Logs(dir.path().to_path_buf()), dir, etcd, ctls, operator, unit0, unit1 }
}

/// On a failing test, prints every log in the directory (controllers, agents, etcd tails).
struct Logs(PathBuf);

impl Drop for Logs {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        let Ok(entries) = std::fs::read_dir(&self.0) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(40).collect();
                eprintln!("--- {}:\n{}", path.display(), tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
        }
    }
}

impl Setup {
    fn refs(&self) -> Vec<&Ctl> {
        self.ctls.iter().collect()
    }

    async fn active(&self) -> usize {
        let refs = self.refs();
        until("an active controller", Duration::from_secs(15), async || active_of(&refs, &self.operator).await).await
    }
}

/// A controller whose `--secret-file` is not the one the controllers before it used on this etcd
/// (every agent's token would be refused by it) does not become active: it says why in its log,
/// and stands by; the units keep their leader once a controller with the right secret is back.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn a_controller_with_another_secret_does_not_serve() {
    let mut s = setup(1, 1).await;
    s.active().await;
    let other = s.dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    let store = format!("etcd:{}/t", s.etcd.endpoints());
    let wrong = controller(&other, 1, &store, &[]);
    let wrong_operator = token(&other.join("secret"), "operator", "1h");
    s.ctls[0].proc.kill9();
    wrong.proc.wait_for_log("is not the one the controllers before it used on this etcd", Duration::from_secs(15));
    for _ in 0..10 {
        let (status, body) = call(&wrong.url, "/v1/status", &wrong_operator, None).await;
        assert_ne!(status, 200, "the controller with another secret serves: {body}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A controller with the right secret takes over.
    let right = controller(s.dir.path(), 2, &store, &[]);
    until("the controller with the right secret active", Duration::from_secs(20), async || {
        active_of(&[&right], &s.operator).await
    })
    .await;
    let (status, body) = claim(&right.url, &s.unit0).await;
    assert_eq!(status, 200, "{body}");
}

/// A 3 s controller is active first (it records 3 s), then an 8 s one (it records 8 s), which
/// grants app/0 an 8 s lease: the setup, the store, the 8 s controller and when it granted.
async fn an_8s_lease_from_an_8s_controller() -> (Setup, String, Ctl, Instant) {
    let mut s = setup(1, 1).await;
    s.active().await;
    let store = format!("etcd:{}/t", s.etcd.endpoints());
    s.ctls.remove(0).proc.kill9();
    let long = controller_max_lease(s.dir.path(), 1, &store, "8s", &[]);
    let (status, granted) = until("the 8 s controller grants", Duration::from_secs(15), async || {
        let (status, g) =
            call(&long.url, "/v1/applications/app/lease/claim", &s.unit0, Some(json!({"duration_ms": 8000}))).await;
        (status == 200).then_some((status, g))
    })
    .await;
    assert_eq!((status, &granted["granted"]), (200, &json!(true)), "{granted}");
    (s, store, long, Instant::now())
}

/// Claims for app/1 (with `token`) at `url` until granted, which must be no sooner than 8 s
/// after app/0's 8 s lease was granted (`granted_at`), and before `give_up` after it.
async fn app1_granted_after_8s(url: &str, token: &str, granted_at: Instant, give_up: Duration) {
    loop {
        let (status, g) = claim(url, token).await;
        if status == 200 && g["granted"] == true {
            assert!(
                granted_at.elapsed() >= Duration::from_secs(8),
                "app/1 granted {:?} after app/0's 8 s lease: {g}",
                granted_at.elapsed()
            );
            return;
        }
        assert!(granted_at.elapsed() < give_up, "app/1 never granted: {status} {g}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Controllers with different `--max-lease`: a lease of 8 s granted by one is honoured for 8 s
/// by the next active one, whose own maximum is 3 s (the longest maximum any active controller
/// had is recorded in etcd), so no second unit is granted while the first may still lead.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn a_shorter_max_lease_on_the_next_controller_still_honours_a_longer_lease() {
    let (mut s, store, mut long, granted_at) = an_8s_lease_from_an_8s_controller().await;
    let short = controller(s.dir.path(), 2, &store, &[]);
    long.proc.kill9();
    s.ctls.push(short);
    // The 3 s controller takes over (after the 2 s session TTL) and must deny app/1 until 8 s
    // after it loaded app/0 as holder (so surely until 8 s after app/0's grant).
    app1_granted_after_8s(&s.ctls[0].url, &s.unit1, granted_at, Duration::from_secs(30)).await;
}

/// Someone writes junk over the recorded longest `--max-lease` while an 8 s lease granted by an
/// 8 s controller runs: the next controller (3 s) cannot know how long that leader may lead, so
/// it does not serve (it says why) rather than honour it for its own 3 s; once the operator puts
/// the right figure back, it serves and honours the lease the full 8 s.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn junk_in_the_recorded_max_lease_does_not_shorten_the_grace() {
    let (mut s, store, mut long, granted_at) = an_8s_lease_from_an_8s_controller().await;
    let mut etcd = etcd_client::Client::connect([s.etcd.endpoints().split(',').next().unwrap()], None).await.unwrap();
    let keys = etcd.get("", Some(etcd_client::GetOptions::new().with_all_keys().with_keys_only())).await.unwrap();
    let key = keys
        .kvs()
        .iter()
        .map(|kv| String::from_utf8_lossy(kv.key()).into_owned())
        .find(|k| k.ends_with("controller/max-lease"))
        .expect("the max-lease key is recorded");
    etcd.put(key.as_str(), "junk", None).await.unwrap();
    long.proc.kill9();
    let short = controller(s.dir.path(), 2, &store, &[]);
    while granted_at.elapsed() < Duration::from_secs(7) {
        let (status, g) = claim(&short.url, &s.unit1).await;
        assert_ne!(
            (status, &g["granted"]),
            (200, &json!(true)),
            "app/1 granted {:?} after app/0's 8 s lease, on a junk max-lease: {g}",
            granted_at.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    short.proc.wait_for_log("not the longest --max-lease in milliseconds", Duration::from_secs(15));
    // The operator puts the figure back: the 3 s controller serves, honouring app/0 for 8 s.
    etcd.put(key.as_str(), "8000", None).await.unwrap();
    app1_granted_after_8s(&short.url, &s.unit1, granted_at, Duration::from_secs(40)).await;
    s.ctls.push(short);
}

/// An election key on no etcd session (someone put it there by hand) would keep every controller
/// out for good: the controller says so in its log, and becomes active once it is deleted.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn an_election_key_on_no_session_is_reported() {
    let mut s = setup(1, 1).await;
    s.active().await;
    let mut etcd = etcd_client::Client::connect([s.etcd.endpoints().split(',').next().unwrap()], None).await.unwrap();
    s.ctls.remove(0).proc.kill9();
    // Once the killed controller's session is gone, a key that no session holds.
    let keys = etcd.get("", Some(etcd_client::GetOptions::new().with_all_keys().with_keys_only())).await.unwrap();
    let key = keys
        .kvs()
        .iter()
        .map(|kv| String::from_utf8_lossy(kv.key()).into_owned())
        .find(|k| k.ends_with("controller/secret"))
        .unwrap()
        .replace("controller/secret", "controller/active");
    until("the killed controller's session gone", Duration::from_secs(10), async || {
        let got = etcd.get(key.as_str(), None).await.unwrap();
        got.kvs().is_empty().then_some(())
    })
    .await;
    etcd.put(key.as_str(), "junk", None).await.unwrap();
    let store = format!("etcd:{}/t", s.etcd.endpoints());
    s.ctls.push(controller(s.dir.path(), 3, &store, &[]));
    s.ctls[0].proc.wait_for_log("is held by no etcd session", Duration::from_secs(10));
    etcd.delete(key.as_str(), None).await.unwrap();
    s.active().await;
}

/// A removed unit cannot get a fresh token from a standby (which has not loaded the removals):
/// the standby names the active controller, which refuses the unit.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn a_removed_unit_gets_no_fresh_token_from_a_standby() {
    let s = setup(1, 2).await;
    let active = s.active().await;
    let standby = &s.ctls[1 - active];
    let (status, body) = call(
        &s.ctls[active].url,
        "/v1/applications/app/status/unit/forget",
        &s.operator,
        Some(json!({"unit": "app/1"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = call(&s.ctls[active].url, "/v1/token/renew", &s.unit1, Some(json!({}))).await;
    assert_eq!((status, &body["code"]), (403, &json!("forbidden")), "{body}");
    let (status, body) = call(&standby.url, "/v1/token/renew", &s.unit1, Some(json!({}))).await;
    assert_eq!(
        (status, &body["active"]),
        (421, &json!(s.ctls[active].url)),
        "a standby renewed a removed unit: {body}"
    );
    // A unit that was not removed renews at the active controller as before.
    let (status, body) = call(&s.ctls[active].url, "/v1/token/renew", &s.unit0, Some(json!({}))).await;
    assert_eq!(status, 200, "{body}");
}

/// kill -9 of the active controller: a standby takes over; the leader keeps leading (its lease
/// is honoured, same term), nobody else is granted meanwhile, acknowledged settings survive,
/// and standbys name the active controller.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn killing_the_active_controller_hands_over_without_a_second_leader() {
    let mut s = setup(1, 3).await;
    let a = s.active().await;
    let (status, granted) = claim(&s.ctls[a].url, &s.unit0).await;
    assert_eq!(status, 200, "{granted}");
    assert_eq!(granted["granted"], true);
    let term = granted["term"].as_u64().unwrap();
    let merge = json!({"term": term, "set": {"k": "v1"}});
    let (status, merged) = call(&s.ctls[a].url, "/v1/applications/app/settings/merge", &s.unit0, Some(merge)).await;
    assert_eq!((status, &merged["version"]), (200, &json!(1)), "{merged}");
    // A standby names the active controller.
    let b = (a + 1) % 3;
    let (status, refused) = claim(&s.ctls[b].url, &s.unit1).await;
    assert_eq!(status, 421, "{refused}");
    assert_eq!(refused["code"], "not_active");
    assert_eq!(refused["active"], json!(s.ctls[a].url));

    let killed_at = Instant::now();
    s.ctls[a].proc.kill9();
    let others: Vec<&Ctl> = s.ctls.iter().enumerate().filter(|(i, _)| *i != a).map(|(_, c)| c).collect();
    // Until a standby is active, the other unit is never granted; after, the leader is.
    let new = until("a standby takes over and the leader renews", Duration::from_secs(15), async || {
        for (i, c) in others.iter().enumerate() {
            let (status, other) = claim(&c.url, &s.unit1).await;
            assert!(!(status == 200 && other["granted"] == true), "a second leader was granted: {other}");
            let (status, renewed) = claim(&c.url, &s.unit0).await;
            if status == 200 {
                assert_eq!(renewed["granted"], true, "{renewed}");
                assert_eq!(renewed["term"], json!(term), "the leader keeps its term across the failover");
                return Some(i);
            }
            assert!([0, 421, 503].contains(&status), "{status} {renewed}");
        }
        None
    })
    .await;
    eprintln!("failover (kill -9 until the leader renews again): {:?}", killed_at.elapsed());
    let (status, read) = call(&others[new].url, "/v1/applications/app/settings", &s.unit1, None).await;
    assert_eq!(status, 200);
    assert_eq!(read, json!({"settings": {"k": "v1"}, "version": 1}));
    // The other unit is still denied while the leader holds the honoured lease.
    let (_, other) = claim(&others[new].url, &s.unit1).await;
    assert_eq!(other["granted"], false, "{other}");
    drop(s.dir);
}

/// A SIGSTOPped active controller resumed after its session expired finds itself deposed: it
/// grants nothing and writes nothing.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn a_paused_active_controller_resumes_deposed() {
    let s = setup(1, 2).await;
    let a = s.active().await;
    let b = 1 - a;
    let (_, granted) = claim(&s.ctls[a].url, &s.unit0).await;
    let term = granted["term"].as_u64().unwrap();
    leaderd_sys::process::signal(s.ctls[a].pid as u32, leaderd_sys::process::Signal::STOP);
    // The other controller takes over once the session expired; the honoured holder renews there.
    until("the standby takes over", Duration::from_secs(15), async || {
        let (status, _) = claim(&s.ctls[b].url, &s.unit0).await;
        (status == 200).then_some(())
    })
    .await;
    // Let the leader's lease lapse (max lease 3 s) and let app/1 lead under the new controller.
    let term2 = until("app/1 leads after app/0 stopped renewing", Duration::from_secs(10), async || {
        let (_, g) = claim(&s.ctls[b].url, &s.unit1).await;
        (g["granted"] == true).then(|| g["term"].as_u64().unwrap())
    })
    .await;
    assert!(term2 > term);
    leaderd_sys::process::signal(s.ctls[a].pid as u32, leaderd_sys::process::Signal::CONT);
    // The resumed controller grants nothing, to either unit, and writes nothing.
    for _ in 0..10 {
        for unit in [&s.unit0, &s.unit1] {
            let (status, answer) = claim(&s.ctls[a].url, unit).await;
            assert!(status == 421 || status == 503, "the deposed controller answered {status} {answer}");
        }
        let merge = json!({"term": term, "set": {"stale": "write"}});
        let (status, _) = call(&s.ctls[a].url, "/v1/applications/app/settings/merge", &s.unit0, Some(merge)).await;
        assert!(status == 421 || status == 503, "{status}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (_, read) = call(&s.ctls[b].url, "/v1/applications/app/settings", &s.unit1, None).await;
    assert_eq!(read["settings"], json!({}), "nothing from the deposed controller reached etcd");
    let (code, status) = call(&s.ctls[a].url, "/v1/status", &s.operator, None).await;
    assert_eq!((code, &status["code"]), (421, &json!("not_active")), "{status}");
    assert_eq!(status["active"], json!(s.ctls[b].url));
}

/// Three etcd members: losing one changes nothing; losing two stops grants and writes with a
/// clear 503 (within the session TTL), and a controller started meanwhile stands by; when they
/// return, leadership resumes with the holder honoured.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn etcd_losing_quorum_stops_grants_and_leadership_resumes_after() {
    let mut s = setup(3, 2).await;
    let a = s.active().await;
    let (_, granted) = claim(&s.ctls[a].url, &s.unit0).await;
    let term = granted["term"].as_u64().unwrap();
    let follower =
        until("an etcd follower", Duration::from_secs(10), async || s.etcd.members.iter().position(|m| m.follower()))
            .await;
    s.etcd.members[follower].kill();
    let second = (follower + 1) % 3;
    // Nothing changes: renewals and writes go on at the same controller for a few TTLs.
    let started = Instant::now();
    let mut version = 0;
    while started.elapsed() < Duration::from_secs(5) {
        let (status, g) = claim(&s.ctls[a].url, &s.unit0).await;
        assert_eq!((status, &g["term"]), (200, &json!(term)), "{g}");
        version += 1;
        let merge = json!({"term": term, "set": {"n": version.to_string()}});
        let (status, m) = call(&s.ctls[a].url, "/v1/applications/app/settings/merge", &s.unit0, Some(merge)).await;
        assert_eq!((status, &m["version"]), (200, &json!(version)), "{m}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    s.etcd.members[second].kill();
    // Within the session TTL (2 s), grants and writes stop, with a 503 that says why.
    let refused = until("grants refused without quorum", Duration::from_secs(10), async || {
        let (status, g) = claim(&s.ctls[a].url, &s.unit0).await;
        (status == 503 || status == 421).then_some(g)
    })
    .await;
    assert!(refused["error"].as_str().unwrap().contains("etcd") || refused["code"] == "not_active", "{refused}");
    for c in &s.ctls {
        let (status, g) = claim(&c.url, &s.unit1).await;
        assert_ne!(status, 200, "granted without quorum: {g}");
    }
    // A controller that starts now (the machine rebooted, say) stands by rather than exit, and
    // can take over once quorum is back.
    let store = format!("etcd:{}/t", s.etcd.endpoints());
    let late = controller(s.dir.path(), s.ctls.len(), &store, &[]);
    let (status, g) = claim(&late.url, &s.unit1).await;
    assert_eq!((status, &g["code"]), (421, &json!("not_active")), "{g}");
    s.ctls.push(late);
    s.etcd.members[follower].start();
    s.etcd.members[second].start();
    // Leadership resumes: an active controller again, the holder honoured (same term) or, if
    // its lease ran out meanwhile, someone granted under a new term.
    let refs = s.refs();
    let (who, g) = until("leadership resumes", Duration::from_secs(30), async || {
        for c in &refs {
            for unit in [&s.unit0, &s.unit1] {
                let (status, g) = claim(&c.url, unit).await;
                if status == 200 && g["granted"] == true {
                    return Some((unit.clone(), g));
                }
            }
        }
        None
    })
    .await;
    if who == s.unit0 {
        assert!(g["term"].as_u64().unwrap() >= term);
    } else {
        assert!(g["term"].as_u64().unwrap() > term, "{g}");
    }
    let b = s.active().await;
    let (_, read) = call(&s.ctls[b].url, "/v1/applications/app/settings", &s.unit1, None).await;
    assert_eq!(read["version"], json!(version), "every acknowledged write survived: {read}");
}

/// etcd requiring client certificates: the controller connects with --etcd-cacert,
/// --etcd-cert and --etcd-key; without them it stands by and its log says why.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn etcd_with_client_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let tls = dir.path().join("etcd-tls");
    make_certs(&tls);
    let etcd = EtcdCluster::start_with(dir.path(), 1, Some(&tls), &[]);
    // Health over TLS needs a client certificate: wait for etcd's own word instead.
    until("etcd ready", Duration::from_secs(20), async || {
        etcd.members[0].log_text().contains("ready to serve client requests").then_some(())
    })
    .await;
    let store = format!("etcd:{}/tls", etcd.endpoints());
    let (ca, cert, key) = (tls.join("ca.pem"), tls.join("controller.pem"), tls.join("controller.key"));
    let flags = [
        "--etcd-cacert",
        ca.to_str().unwrap(),
        "--etcd-cert",
        cert.to_str().unwrap(),
        "--etcd-key",
        key.to_str().unwrap(),
    ];
    let c = controller(dir.path(), 0, &store, &flags);
    let secret = dir.path().join("secret");
    let unit0 = token(&secret, "app/0", "1h");
    until("the controller is active on TLS etcd", Duration::from_secs(15), async || {
        let (status, g) = claim(&c.url, &unit0).await;
        (status == 200 && g["granted"] == true).then_some(())
    })
    .await;
    // Without a client certificate, etcd refuses the controller: it stands by (a controller
    // waits for its etcd rather than exit), never becomes active, and its log says where it
    // failed (etcd's refusal reads as a bad certificate or a closed connection, as the
    // handshake goes).
    let without = controller(dir.path(), 1, &store, &["--etcd-cacert", ca.to_str().unwrap()]);
    without.proc.wait_for_log("controller election: starting over", Duration::from_secs(20));
    assert!(without.proc.log_text().contains(" at etcd https://127.0.0.1:"), "{}", without.proc.log_text());
    let (status, body) = claim(&without.url, &unit0).await;
    assert_eq!(status, 421, "{body}");
    assert_eq!(body["code"], "not_active", "{body}");
}

/// A hook's relation changes that are more key changes than etcd takes in one transaction
/// (`--max-txn-ops`): refused as too large (413, not "unavailable": sending it again will not
/// help), nothing written, and the controller goes on committing changes that fit.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn a_change_bigger_than_an_etcd_transaction_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let _logs = Logs(dir.path().to_path_buf());
    let etcd = EtcdCluster::start_with(dir.path(), 1, None, &["--max-txn-ops=16"]);
    healthy(&etcd);
    let c = controller(dir.path(), 0, &format!("etcd:{}/big", etcd.endpoints()), &[]);
    let unit0 = token(&dir.path().join("secret"), "app/0", "1h");
    let joined = until("the controller is active", Duration::from_secs(15), async || {
        let (status, _) =
            call(&c.url, "/v1/applications/app/relations/join", &unit0, Some(json!({"relation_ids": [1]}))).await;
        (status == 200).then_some(())
    });
    joined.await;
    let bag = |n: usize, prefix: &str| -> Value {
        let keys: serde_json::Map<String, Value> = (0..n).map(|i| (format!("{prefix}{i}"), json!("v"))).collect();
        json!({"changes": [{"relation_id": 1, "unit": keys}]})
    };
    let (status, refused) = call(&c.url, "/v1/applications/app/relations/commit", &unit0, Some(bag(40, "big-"))).await;
    assert_eq!((status, &refused["code"]), (413, &json!("too_large")), "{refused}");
    let message = refused["error"].as_str().or(refused["message"].as_str()).unwrap_or_default().to_string();
    assert!(
        message.contains("key changes in one etcd transaction, more than the etcd cluster allows (its --max-txn-ops"),
        "{refused}"
    );
    let (status, ok) = call(&c.url, "/v1/applications/app/relations/commit", &unit0, Some(bag(5, "small-"))).await;
    assert_eq!(status, 200, "{ok}");
    let (status, read) = call(&c.url, "/v1/applications/app/relations", &unit0, None).await;
    assert_eq!(status, 200, "{read}");
    let mine = read["relations"]["1"]["units"]["app/0"].as_object().cloned().unwrap_or_default();
    // Beside the addresses Juju puts in every unit's bag: the small change, none of the big one.
    let keys: Vec<&str> =
        mine.keys().map(String::as_str).filter(|k| k.contains("small-") || k.contains("big-")).collect();
    assert_eq!(keys, ["small-0", "small-1", "small-2", "small-3", "small-4"], "{read}");
}

/// A CA and one certificate for 127.0.0.1 good for both ends (etcd serves it and checks the
/// controller's, the controller presents it): ca.pem, controller.pem, controller.key.
fn make_certs(dir: &Path) {
    use rcgen::{BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, KeyPair};
    std::fs::create_dir_all(dir).unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let mut leaf = CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
    let leaf_key = KeyPair::generate().unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    std::fs::write(dir.join("ca.pem"), ca_cert.pem()).unwrap();
    std::fs::write(dir.join("controller.pem"), leaf_cert.pem()).unwrap();
    std::fs::write(dir.join("controller.key"), leaf_key.serialize_pem()).unwrap();
    // A key others can read is refused, as ssh refuses one.
    std::fs::set_permissions(dir.join("controller.key"), std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
}

/// Agents given every controller (`--controller` repeated) follow the active one: across a
/// kill -9 of the active controller, never two units answer is-leader True at once, the leader
/// leads again afterwards, and the minion sees the leader's next write (its watch resumed on
/// the new active controller).
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn agents_follow_the_active_controller() {
    let mut s = setup(1, 3).await;
    let a = s.active().await;
    // The first --controller the helper passes is a standby's: the agent must be sent on.
    let first = &s.ctls[(a + 1) % 3].url;
    let mut extra: Vec<String> = vec!["--insecure-http".into()];
    for c in s.ctls.iter().filter(|c| c.url != *first) {
        extra.push("--controller".into());
        extra.push(c.url.clone());
    }
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let dir = s.dir.path().to_path_buf();
    let _agents: Vec<Proc> = [(0, &s.unit0), (1, &s.unit1)]
        .into_iter()
        .map(|(i, t)| procs::agent(&dir, &format!("app/{i}"), first, t, &extra))
        .collect();
    let states = [dir.join("app-0"), dir.join("app-1")];
    leader_write_reaches_the_minion(&states, "v1", Duration::from_secs(20), Duration::from_secs(10)).await;

    s.ctls[a].proc.kill9();
    let started = Instant::now();
    let mut leader_again = None;
    while started.elapsed() < Duration::from_secs(12) {
        let answers: Vec<String> = states.iter().map(|st| tool(st, "is-leader", &[]).1).collect();
        assert!(!(answers[0] == "True" && answers[1] == "True"), "two leaders: {answers:?}");
        if leader_again.is_none() && answers.iter().any(|x| x == "True") && started.elapsed() > Duration::from_secs(1) {
            leader_again = Some(started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("is-leader True again {leader_again:?} after the kill");
    leader_write_reaches_the_minion(&states, "v2", Duration::from_secs(10), Duration::from_secs(15)).await;
}

/// Of two agents (their state dirs), waits up to `find` for the one answering is-leader True;
/// it writes `k=value`, and the other must read it within `reach`.
async fn leader_write_reaches_the_minion(states: &[PathBuf; 2], value: &str, find: Duration, reach: Duration) {
    let leader =
        until("a leader", find, async || states.iter().position(|st| tool(st, "is-leader", &[]).1 == "True")).await;
    let minion = 1 - leader;
    assert_eq!(tool(&states[leader], "leader-set", &[&format!("k={value}")]).0, 0);
    until(&format!("the minion sees {value}"), reach, async || {
        (tool(&states[minion], "leader-get", &["k"]).1 == value).then_some(())
    })
    .await;
}

fn up_status(state: &Path) -> Option<Value> {
    let out = Command::new(LEADERD).args(["status", "--format", "json", "--state"]).arg(state).output().ok()?;
    out.status.success().then(|| serde_json::from_slice(&out.stdout).ok()).flatten()
}

/// `leaderd up --controllers 3 --etcd local`: status shows every controller and which is
/// active; kill -9 of the active one hands over (up restarts the killed one as a standby),
/// never two units leading at once; stopping up stops its etcd too.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn up_with_three_controllers_on_a_local_etcd() {
    let dir = tempfile::tempdir().unwrap();
    let _logs = Logs(dir.path().to_path_buf());
    let state = dir.path().join("state");
    let mut cmd = Command::new(LEADERD);
    cmd.args(["up", "--controllers", "3", "--etcd", "local", "--units", "2", "--lease-guarantee", "1s", "--state"])
        .arg(&state);
    let mut up = Proc::spawn(cmd, &dir.path().join("up.log"));
    events::wait(&state.join("events.jsonl"), Mark::START, Duration::from_secs(30), |r| r.elected().is_some());
    let active = |s: &Value| -> Vec<String> {
        let list = s["controllers"].as_array().cloned().unwrap_or_default();
        list.iter().filter(|c| c["role"] == "active").map(|c| c["name"].as_str().unwrap().to_string()).collect()
    };
    // One active controller, a leader, and the leader's secret written (settings version 1).
    let status = until("status names one active controller", Duration::from_secs(10), async || {
        up_status(&state).filter(|s| {
            active(s).len() == 1
                && s["applications"][0]["leader"].is_string()
                && s["applications"][0]["settings_version"].as_u64() >= Some(1)
        })
    })
    .await;
    let app = |s: &Value| (s["applications"][0]["leader"].clone(), s["applications"][0]["term"].clone());
    let (leader, term) = app(&status);
    let written = status["applications"][0]["settings_version"].as_u64().unwrap();
    let controllers = status["controllers"].as_array().unwrap();
    assert_eq!(controllers.len(), 3, "{status}");
    let first = active(&status)[0].clone();
    let pid = controllers.iter().find(|c| c["name"] == first.as_str()).unwrap()["pid"].as_i64().unwrap();
    leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::KILL);
    let started = Instant::now();
    let after = until("another controller active and a leader", Duration::from_secs(20), async || {
        let s = up_status(&state)?;
        let units = s["applications"][0]["units"].as_array().cloned().unwrap_or_default();
        let leading = units.iter().filter(|u| u["leader"] == true).count();
        assert!(leading <= 1, "two units lead: {s}");
        // The new active one may be a standby or the killed one restarted by up (a new pid).
        let list = s["controllers"].as_array().cloned().unwrap_or_default();
        let new_active = list.iter().filter(|c| c["role"] == "active").all(|c| c["pid"].as_i64() != Some(pid));
        (active(&s).len() == 1 && new_active && leading == 1).then_some(s)
    })
    .await;
    eprintln!("up: a standby active and a unit leading {:?} after kill -9", started.elapsed());
    // The same leader under the same term: the new active controller honoured its lease, and
    // its agent, whose claims the killed controller left unanswered (up holds its port open),
    // went to the others. The secret it wrote is still there.
    assert_eq!(app(&after), (leader, term), "{after}");
    assert!(after["applications"][0]["settings_version"].as_u64() >= Some(written), "{after}");
    let killed = after["controllers"].as_array().unwrap().iter().find(|c| c["name"] == first.as_str()).unwrap().clone();
    assert_ne!(killed["pid"].as_i64().unwrap(), pid, "up restarted the killed controller: {after}");
    // `leaderd pause controller/0` (active or not): status still shows the leader, from
    // whichever controller is active, and controller/0 as paused.
    let lever = |what: &str| {
        let out = Command::new(LEADERD).args([what, "controller/0", "--state"]).arg(&state).output().unwrap();
        assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    };
    lever("pause");
    until("status shows the leader with controller/0 paused", Duration::from_secs(20), async || {
        let s = up_status(&state)?;
        let list = s["controllers"].as_array().cloned().unwrap_or_default();
        let zero_paused = list.iter().any(|c| c["name"] == "controller/0" && c["role"] == "paused");
        (zero_paused && active(&s).len() == 1 && s["applications"][0]["leader"].is_string()).then_some(s)
    })
    .await;
    // The operator's levers reach the active controller too.
    let app = status["applications"][0]["name"].as_str().unwrap().to_string();
    let out = Command::new(LEADERD).args(["revoke", &app, "--state"]).arg(&state).output().unwrap();
    assert!(out.status.success(), "revoke with controller/0 paused: {}", String::from_utf8_lossy(&out.stderr));
    lever("resume");
    // SIGTERM: up stops its agents, controllers and etcd, and exits 0.
    leaderd_sys::process::signal(up.child.id() as u32, leaderd_sys::process::Signal::TERM);
    let exit = up.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let etcd_dir = state.join("etcd").display().to_string();
    let leftovers: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&etcd_dir))
        .collect();
    assert!(leftovers.is_empty(), "etcd still running after up stopped: {leftovers:?}");
}

/// `leaderd up` (with several controllers) as a test's child: on drop, whatever the test left
/// paused is continued first, so that up's death (SIGKILL; its children get SIGTERM) stops it.
struct UpProc {
    proc: Proc,
    state: PathBuf,
}

impl UpProc {
    /// The first record of its event log after `mark` that `check` accepts, waiting up to
    /// `timeout`.
    #[track_caller]
    fn wait_event(&self, mark: Mark, timeout: Duration, check: impl Fn(&Record) -> bool) -> Record {
        events::wait(&self.state.join("events.jsonl"), mark, timeout, check)
    }

    fn up_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.state.join("up.json")).unwrap()).unwrap()
    }

    /// `leaderd ARGS --state STATE`: exit code, stdout, stderr.
    fn leaderd(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(LEADERD).args(args).arg("--state").arg(&self.state).output().unwrap();
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
    }

    /// `leaderd ARGS`, which must succeed: its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.leaderd(args);
        assert_eq!(code, 0, "leaderd {args:?}: {out}{err}");
        out
    }

    /// `leaderd ARGS`, which must be refused with exit code 1 and change nothing: its stderr.
    fn refused(&self, args: &[&str]) -> String {
        let before = self.up_json()["controllers"].clone();
        let (code, out, err) = self.leaderd(args);
        assert_eq!((code, out.as_str()), (1, ""), "leaderd {args:?}: {err}");
        assert_eq!(self.up_json()["controllers"], before, "leaderd {args:?} changed the controllers");
        err
    }
}

impl Drop for UpProc {
    fn drop(&mut self) {
        let Ok(bytes) = std::fs::read(self.state.join("up.json")) else { return };
        let record: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let controllers = record["controllers"].as_array().cloned().unwrap_or_default();
        let units = record["units"].as_array().cloned().unwrap_or_default();
        for pid in controllers.iter().chain(&units).filter_map(|p| p["pid"].as_i64()) {
            leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::CONT);
        }
        self.proc.kill9();
    }
}

/// Each controller's role in `leaderd status`, by index (`controller/N`).
fn roles(status: &Value) -> Vec<String> {
    let list = status["controllers"].as_array().cloned().unwrap_or_default();
    list.iter().map(|c| c["role"].as_str().unwrap_or("").to_string()).collect()
}

/// The units whose agents say they lead, in `leaderd status`.
fn leading(status: &Value) -> Vec<String> {
    let units = status["applications"][0]["units"].as_array().cloned().unwrap_or_default();
    units.iter().filter(|u| u["leader"] == true).map(|u| u["name"].as_str().unwrap().to_string()).collect()
}

fn pid_alive(pid: i64) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

/// A minion hears of a leader-set soon after the active controller is paused: its settings
/// watch, held by the controller that stopped answering, gives up within seconds (with several
/// controllers a long-poll waits 10 s at most, plus 2 s) and resumes at the new active one,
/// rather than after its whole 30 s wait.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn a_minion_hears_of_a_change_soon_after_the_active_controller_is_paused() {
    let dir = tempfile::tempdir().unwrap();
    let _logs = Logs(dir.path().to_path_buf());
    let state = dir.path().join("state");
    let mut cmd = Command::new(LEADERD);
    cmd.args(["up", "--controllers", "3", "--etcd", "local", "--units", "2", "--lease-guarantee", "1s", "--state"])
        .arg(&state);
    let up = UpProc { proc: Proc::spawn(cmd, &dir.path().join("up.log")), state: state.clone() };
    let status = until("one active controller, a leader, its secret sent", Duration::from_secs(30), async || {
        up_status(&state).filter(|s| {
            roles(s).iter().filter(|r| *r == "active").count() == 1
                && leading(s).len() == 1
                && s["applications"][0]["settings_version"].as_u64() >= Some(1)
        })
    })
    .await;
    let leader = leading(&status)[0].clone();
    let units = status["applications"][0]["units"].as_array().unwrap().clone();
    let minion = units.iter().map(|u| u["name"].as_str().unwrap().to_string()).find(|u| *u != leader).unwrap();
    // The minion has heard of the secret: its watch is now a fresh long-poll at the active one.
    let heard = |r: &Record| r.of(&minion) && r.hook_finished("leader-settings-changed");
    up.wait_event(Mark::START, Duration::from_secs(20), heard);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let a = roles(&status).iter().position(|r| r == "active").unwrap();
    up.ok(&["pause", &format!("controller/{a}")]);
    let paused = Instant::now();
    until("another controller active and the same leader", Duration::from_secs(20), async || {
        let s = up_status(&state)?;
        (roles(&s).iter().filter(|r| *r == "active").count() == 1 && leading(&s) == [leader.clone()]).then_some(())
    })
    .await;
    // What the log holds so far is behind us.
    let before = Mark::now();
    let out = Command::new(LEADERD)
        .args(["exec", "--unit", &leader, "--state"])
        .arg(&state)
        .args(["--", "leader-set", "colour=blue"])
        .output()
        .unwrap();
    assert!(out.status.success(), "leader-set: {}", String::from_utf8_lossy(&out.stderr));
    let set = Instant::now();
    up.wait_event(before, Duration::from_secs(45), heard);
    eprintln!("minion heard {:?} after the leader-set, {:?} after the pause", set.elapsed(), paused.elapsed());
    assert!(set.elapsed() < Duration::from_secs(20), "the minion heard {:?} after the leader-set", set.elapsed());
    up.ok(&["resume", &format!("controller/{a}")]);
}

/// The levers on several controllers: `kill --controller` kills the active one (named in the
/// answer), which stays down (status: killed) while another takes over and one unit leads
/// throughout; `restart controller/N` brings it back as a standby; `pause`/`resume
/// controller/N` of a standby; `elect` with controller/0 down; bad targets refused, nothing
/// changed; `--controller` with none active refused.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
async fn levers_on_several_controllers() {
    let dir = tempfile::tempdir().unwrap();
    let _logs = Logs(dir.path().to_path_buf());
    let state = dir.path().join("state");
    let mut cmd = Command::new(LEADERD);
    cmd.args(["up", "--controllers", "3", "--etcd", "local", "--units", "2", "--lease-guarantee", "1s", "--state"])
        .arg(&state);
    let up = UpProc { proc: Proc::spawn(cmd, &dir.path().join("up.log")), state: state.clone() };
    up.wait_event(Mark::START, Duration::from_secs(30), |r| r.elected().is_some());
    let status = until("one active controller and one leader", Duration::from_secs(15), async || {
        up_status(&state).filter(|s| roles(s).iter().filter(|r| *r == "active").count() == 1 && leading(s).len() == 1)
    })
    .await;
    let a = roles(&status).iter().position(|r| r == "active").unwrap();
    let pid = status["controllers"][a]["pid"].as_i64().unwrap();
    let (leader, term) = (leading(&status)[0].clone(), status["applications"][0]["term"].as_u64().unwrap());

    // Bad targets: refused in plain words, exit 1, nothing changed.
    let err = up.refused(&["kill", "controller/9"]);
    assert!(err.contains("no controller/9 here (this up runs 3 controllers: controller/0 to controller/2)"), "{err}");
    let err = up.refused(&["pause", "controller/x"]);
    assert!(err.contains("\"controller/x\" is not a controller: controllers are named controller/N"), "{err}");
    let err = up.refused(&["resume", &format!("controller/{a}")]);
    assert!(err.contains(&format!("controller/{a} is not paused (it is running)")), "{err}");

    // --controller: the active one, named in the answer.
    let out = up.ok(&["kill", "--controller"]);
    assert!(
        out.starts_with(&format!(
            "killed controller/{a} (active, pid {pid}, SIGKILL); it stays down until `leaderd restart controller/{a}`"
        )),
        "{out}"
    );
    assert!(!pid_alive(pid), "controller/{a} (pid {pid}) still runs");
    let started = Instant::now();
    let after = until("another controller active and one unit leading", Duration::from_secs(20), async || {
        let s = up_status(&state)?;
        assert!(leading(&s).len() <= 1, "two units lead: {s}");
        let r = roles(&s);
        (r[a] == "killed" && r.iter().filter(|r| *r == "active").count() == 1 && leading(&s).len() == 1).then_some(s)
    })
    .await;
    let new_term = after["applications"][0]["term"].as_u64().unwrap();
    eprintln!(
        "another controller active and {} leading (term {new_term}, was {leader} term {term}) {:?} after the kill",
        leading(&after)[0],
        started.elapsed()
    );
    // The same leader, same term: the new active controller honoured its lease, and its agent
    // did not wait on the killed controller, whose port up holds open (its claims there go
    // unanswered), but went to the others.
    assert_eq!((&leading(&after)[0], new_term), (&leader, term), "{after}");
    // It stays down: up does not restart a controller a lever killed.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let record = up.up_json();
    assert_eq!(record["controllers"][a]["run"], "killed", "{record}");
    assert_eq!(record["controllers"][a]["pid"].as_i64(), Some(pid), "{record}");
    assert_eq!(roles(&up_status(&state).unwrap())[a], "killed");
    let table = up.ok(&["status"]);
    let url = record["controllers"][a]["url"].as_str().unwrap();
    assert!(table.contains(&format!("controller/{a} {url}  pid {pid}  killed\n")), "{table}");
    let err = up.refused(&["pause", &format!("controller/{a}")]);
    assert!(
        err.contains(&format!("controller/{a} is killed (not running): `leaderd restart controller/{a}`")),
        "{err}"
    );
    // The lever is in the event log, naming the controller.
    let events = std::fs::read_to_string(state.join("events.jsonl")).unwrap();
    let lever: Vec<Value> = events
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|e| e["event"] == "lever" && e["action"] == "kill")
        .collect();
    assert_eq!(lever.len(), 1, "{events}");
    assert!(lever[0]["detail"].as_str().unwrap().starts_with(&format!("killed controller/{a} (active")), "{events}");

    // restart controller/N: back, as a standby (another is active now).
    let out = up.ok(&["restart", &format!("controller/{a}")]);
    assert!(out.starts_with(&format!("restarted controller/{a} (pid ")) && out.contains("was killed"), "{out}");
    let s = until("the restarted controller stands by", Duration::from_secs(15), async || {
        up_status(&state).filter(|s| roles(s)[a] == "standby")
    })
    .await;
    let new_pid = s["controllers"][a]["pid"].as_i64().unwrap();
    assert_ne!(new_pid, pid);
    assert_eq!(up.up_json()["controllers"][a]["run"], "running");

    // pause / resume controller/N of a standby.
    let b = roles(&s).iter().position(|r| r == "standby").unwrap();
    let b_pid = s["controllers"][b]["pid"].as_i64().unwrap();
    assert_eq!(
        up.ok(&["pause", &format!("controller/{b}")]),
        format!("paused controller/{b} (pid {b_pid}, SIGSTOP)\n")
    );
    let stat = std::fs::read_to_string(format!("/proc/{b_pid}/stat")).unwrap();
    assert!(stat[stat.rfind(')').unwrap()..].starts_with(") T"), "{stat}");
    let s = up_status(&state).unwrap();
    assert_eq!(roles(&s)[b], "paused", "{s}");
    assert_eq!(s["controller_state"], "running", "{s}");
    assert_eq!(leading(&s).len(), 1, "{s}");
    assert_eq!(up.up_json()["controllers"][b]["run"], "paused");
    let yaml = up.ok(&["status", "--format", "yaml"]);
    assert!(yaml.contains("role: paused"), "{yaml}");
    assert_eq!(
        up.ok(&["resume", &format!("controller/{b}")]),
        format!("resumed controller/{b} (pid {b_pid}, SIGCONT)\n")
    );
    until("the resumed controller stands by", Duration::from_secs(10), async || {
        up_status(&state).filter(|s| roles(s)[b] == "standby")
    })
    .await;

    // elect with controller/0 down: another controller answers.
    let r = roles(&up_status(&state).unwrap());
    if r[0] != "killed" {
        up.ok(&["kill", "controller/0"]);
    }
    let s = until("an active controller and a leader without controller/0", Duration::from_secs(20), async || {
        up_status(&state).filter(|s| roles(s).iter().any(|r| r == "active") && leading(s).len() == 1)
    })
    .await;
    let minion = if leading(&s)[0] == "shared-secret/0" { "shared-secret/1" } else { "shared-secret/0" };
    let out = up.ok(&["elect", minion]);
    assert!(out.starts_with(&format!("{minion} is the leader (term ")), "{out}");

    // --controller with none active: refused, naming each one's state.
    for i in 0..3 {
        if up.up_json()["controllers"][i]["run"] != "killed" {
            up.ok(&["kill", &format!("controller/{i}")]);
        }
    }
    let err = up.refused(&["pause", "--controller"]);
    assert!(
        err.contains(
            "no controller is active right now (controller/0 killed, controller/1 killed, controller/2 killed)"
        ),
        "{err}"
    );
    let err = up.refused(&["elect", minion]);
    assert!(
        err.contains(&format!(
            "cannot elect {minion}: no controller is running (controller/0 killed, controller/1 killed, controller/2 killed)"
        )),
        "{err}"
    );
    let s = up_status(&state).unwrap();
    assert_eq!(s["controller_state"], "killed", "{s}");
    assert_eq!(roles(&s), ["killed", "killed", "killed"], "{s}");
    let table = up.ok(&["status"]);
    assert!(table.contains("leader unknown (the controller is killed)"), "{table}");

    // SIGTERM with a paused controller: up continues it, stops it, and exits 0.
    up.ok(&["restart", "controller/2"]);
    up.ok(&["pause", "controller/2"]);
    let paused = up.up_json()["controllers"][2]["pid"].as_i64().unwrap();
    leaderd_sys::process::signal(up.proc.child.id() as u32, leaderd_sys::process::Signal::TERM);
    let mut up = up;
    let exit = up.proc.child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    assert!(!pid_alive(paused), "the paused controller/2 (pid {paused}) outlived up");
}

/// `--etcd local` without etcd installed: a clear error naming the Debian package, nothing
/// started.
#[test]
fn up_with_a_local_etcd_needs_etcd_installed() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("/usr/bin/timeout")
        .args(["30", LEADERD, "up", "--controllers", "2", "--etcd", "local", "--state"])
        .arg(dir.path().join("state"))
        .env("PATH", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("needs the etcd server on PATH") && stderr.contains("apt-get install etcd-server"),
        "{stderr}"
    );
    let out = Command::new("timeout")
        .args(["30", LEADERD, "up", "--controllers", "2", "--state"])
        .arg(dir.path().join("state2"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--controllers 2 needs --etcd"), "{stderr}");
}
