//! The controller's API over real HTTP, against the real `leaderd controller` process, with
//! both stores: fenced writes, durability across kill -9, restart grace, auth, bad input,
//! long-polls and graceful shutdown. Short leases (1–2 s) keep it fast; every wait has a
//! deadline; every process is killed when its guard drops, even on failure.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

const LEADERD: &str = env!("CARGO_BIN_EXE_leaderd");

/// A running controller; killed (SIGKILL) when dropped.
struct ControllerProcess {
    child: Child,
    url: String,
    /// The CA its certificate chains to (in `<dir>/tls`).
    ca: std::path::PathBuf,
}

/// A client that trusts `ca` only.
fn client(ca: &Path) -> reqwest::Client {
    let tls = leaderd_net::tls::client_config(ca).expect("CA");
    reqwest::Client::builder().tls_backend_preconfigured(tls).build().unwrap()
}

impl ControllerProcess {
    fn start(dir: &Path, store: &str) -> ControllerProcess {
        let mut child = Command::new(LEADERD)
            .args(["controller", "--listen", "127.0.0.1:0", "--store", store, "--min-lease", "1s", "--max-lease", "2s"])
            .arg("--secret-file")
            .arg(dir.join("secret"))
            .arg("--tls-dir")
            .arg(dir.join("tls"))
            .current_dir(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start leaderd controller");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| {
            let _ = child.kill();
            panic!("controller did not start: {line:?}")
        });
        assert!(url.starts_with("https://127.0.0.1:"), "{url}");
        ControllerProcess { url: url.to_string(), child, ca: dir.join("tls/ca.pem") }
    }

    fn kill9(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ControllerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn token(dir: &Path, who: &str) -> String {
    let mut cmd = Command::new(LEADERD);
    cmd.arg("token").arg("--secret-file").arg(dir.join("secret"));
    if who == "operator" {
        cmd.arg("--operator")
    } else {
        cmd.arg(who)
    };
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// A client acting as one principal.
struct As {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
}

impl As {
    fn new(c: &ControllerProcess, dir: &Path, who: &str) -> As {
        As { http: client(&c.ca), base: c.url.clone(), token: Some(token(dir, who)) }
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        let text = resp.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text:?}")))
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    async fn claim(&self, app: &str, ms: u64) -> Value {
        let (status, body) =
            self.post(&format!("/v1/applications/{app}/lease/claim"), json!({"duration_ms": ms})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    async fn merge(&self, app: &str, term: u64, set: Value) -> (StatusCode, Value) {
        self.post(&format!("/v1/applications/{app}/settings/merge"), json!({"term": term, "set": set})).await
    }
}

fn stores(dir: &Path) -> Vec<String> {
    vec!["memory".into(), format!("sqlite:{}", dir.join("state.db").display())]
}

#[tokio::test]
async fn fenced_writes_with_both_stores() {
    for (i, store) in stores(&tempfile::tempdir().unwrap().keep()).into_iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let c = ControllerProcess::start(dir.path(), &store);
        let (u0, u1, op) =
            (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"), As::new(&c, dir.path(), "operator"));

        let granted = u0.claim("app", 2000).await;
        assert_eq!(
            (granted["granted"].clone(), granted["term"].clone()),
            (json!(true), json!(1)),
            "store {i}: {granted}"
        );
        assert_eq!(u1.claim("app", 2000).await, json!({"granted": false}));
        assert_eq!(u0.merge("app", 1, json!({"a": "1", "b": "2"})).await, (StatusCode::OK, json!({"version": 1})));
        let refused = u1.merge("app", 1, json!({"a": "minion"})).await;
        assert_eq!(refused, (StatusCode::CONFLICT, json!({"error": "not the leader", "code": "not_leader"})));

        // Revoke: app/0 may not renew; the lease frees at its expiry and app/0 may not take it
        // straight back, so the waiting app/1 leads under term 2.
        let (_, revoked) = op.post("/v1/applications/app/lease/revoke", json!({})).await;
        assert_eq!(revoked, json!({"revoked": true, "term": 1}));
        assert_eq!(u0.claim("app", 2000).await, json!({"granted": false}), "no renewal after a revoke");
        let (_, released) = u1.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 5000})).await;
        assert_eq!(released, json!({"released": true}));
        assert_eq!(u0.claim("app", 2000).await, json!({"granted": false}), "not straight back to app/0");
        assert_eq!(u1.claim("app", 2000).await["term"], json!(2));
        // Later app/0 leads again, under term 3: its term-1 writes stay fenced off.
        op.post("/v1/applications/app/lease/revoke", json!({})).await;
        let (_, released) = u0.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 5000})).await;
        assert_eq!(released, json!({"released": true}));
        assert_eq!(u0.claim("app", 2000).await["term"], json!(3));
        assert_eq!(u0.merge("app", 1, json!({"a": "stale"})).await.0, StatusCode::CONFLICT);
        let (status, body) = u0.post("/v1/applications/app/settings/merge", json!({"term": 3, "unset": ["b"]})).await;
        assert_eq!((status, body), (StatusCode::OK, json!({"version": 2})));
        let (_, read) = u1.get("/v1/applications/app/settings").await;
        assert_eq!(
            read,
            json!({"settings": {"a": "1"}, "version": 2}),
            "a minion reads; rejected writes changed nothing"
        );

        let (status, st) = op.get("/v1/status").await;
        assert_eq!(status, StatusCode::OK);
        let app = &st["applications"][0];
        assert_eq!(
            (app["name"].clone(), app["leader"].clone(), app["term"].clone(), app["settings_version"].clone()),
            (json!("app"), json!("app/0"), json!(3), json!(2))
        );
        assert!(app["lease_remaining_ms"].as_u64().unwrap() <= 2000);
    }
}

#[tokio::test]
async fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let c = ControllerProcess::start(dir.path(), &store);
    let apps: Vec<String> = (0..8).map(|i| format!("app{}", (b'a' + i) as char)).collect();
    let mut acknowledged = std::collections::BTreeMap::new();
    let mut tasks = Vec::new();
    for app in &apps {
        let unit = As::new(&c, dir.path(), &format!("{app}/0"));
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let term = unit.claim(&app, 2000).await["term"].as_u64().unwrap();
            let mut last = 0;
            for n in 0..25 {
                let (status, body) = unit.merge(&app, term, json!({"n": n.to_string(), format!("k{n}"): "v"})).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                last = body["version"].as_u64().unwrap();
            }
            (app, last)
        }));
    }
    for t in tasks {
        let (app, version) = t.await.unwrap();
        acknowledged.insert(app, version);
    }
    c.kill9();
    let c = ControllerProcess::start(dir.path(), &store);
    let op = As::new(&c, dir.path(), "operator");
    for (app, version) in acknowledged {
        let (_, read) = op.get(&format!("/v1/applications/{app}/settings")).await;
        assert_eq!(read["version"], json!(version), "{app}");
        assert_eq!(read["settings"]["n"], json!("24"), "{app}");
        assert_eq!(read["settings"].as_object().unwrap().len(), 26, "{app}");
    }
}

#[tokio::test]
async fn a_restarted_controller_keeps_the_leader_for_the_max_lease() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let c = ControllerProcess::start(dir.path(), &store);
    let u0 = As::new(&c, dir.path(), "app/0");
    assert_eq!(u0.claim("app", 1000).await["term"], json!(1));
    c.kill9();
    let restarted = Instant::now();
    let c = ControllerProcess::start(dir.path(), &store);
    let (u0, u1) = (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"));
    // app/0's 1 s lease is over by the time anyone asks, but the new controller honours it
    // for the max lease (2 s): no second leader.
    assert_eq!(u1.claim("app", 1000).await, json!({"granted": false}));
    assert_eq!(u0.merge("app", 1, json!({"still": "leader"})).await.0, StatusCode::OK);
    // Then, without renewals, it frees: app/1 leads with term 2 no earlier than the grace.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let claim = u1.claim("app", 1000).await;
        if claim["granted"] == json!(true) {
            assert_eq!(claim["term"], json!(2));
            assert!(restarted.elapsed() >= Duration::from_secs(2), "granted before the grace ran out");
            break;
        }
        assert!(Instant::now() < deadline, "app/1 never got the lease");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn wait_released_returns_when_the_lease_expires() {
    let dir = tempfile::tempdir().unwrap();
    let c = ControllerProcess::start(dir.path(), "memory");
    let (u0, u1) = (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"));
    let claimed = Instant::now();
    u0.claim("app", 1000).await;
    let (status, body) = u1.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 10000})).await;
    let waited = claimed.elapsed();
    assert_eq!((status, body), (StatusCode::OK, json!({"released": true})));
    assert!(waited >= Duration::from_millis(900) && waited < Duration::from_millis(1900), "{waited:?}");
    assert_eq!(u1.claim("app", 1000).await["term"], json!(2));
    // A wait that times out says so.
    let (_, body) = u0.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 100})).await;
    assert_eq!(body, json!({"released": false}));
}

#[tokio::test]
async fn watch_long_polls_until_the_version_moves() {
    let dir = tempfile::tempdir().unwrap();
    let c = ControllerProcess::start(dir.path(), "memory");
    let (u0, u1) = (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"));
    let term = u0.claim("app", 2000).await["term"].as_u64().unwrap();
    let watcher = tokio::spawn(async move {
        u1.post("/v1/applications/app/settings/watch", json!({"after": 0, "timeout_ms": 10000})).await
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    u0.merge("app", term, json!({"k": "v"})).await;
    assert_eq!(watcher.await.unwrap(), (StatusCode::OK, json!({"version": 1})));
}

#[tokio::test]
async fn auth_rules() {
    let dir = tempfile::tempdir().unwrap();
    let c = ControllerProcess::start(dir.path(), "memory");
    let (u0, other, op) =
        (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "db/0"), As::new(&c, dir.path(), "operator"));
    let anonymous = As { http: client(&c.ca), base: c.url.clone(), token: None };
    let forged = As {
        token: Some(u0.token.clone().unwrap().replace("app/0", "app/1")),
        ..As { http: client(&c.ca), base: c.url.clone(), token: None }
    };
    let claim = json!({"duration_ms": 1000});

    let (status, body) = anonymous.post("/v1/applications/app/lease/claim", claim.clone()).await;
    assert_eq!(
        (status, body),
        (StatusCode::UNAUTHORIZED, json!({"error": "missing Authorization header", "code": "unauthorized"}))
    );
    let (status, body) = forged.post("/v1/applications/app/lease/claim", claim.clone()).await;
    assert_eq!((status, body), (StatusCode::UNAUTHORIZED, json!({"error": "invalid token", "code": "unauthorized"})));
    // A unit acts only for its own application.
    let (status, body) = other.post("/v1/applications/app/lease/claim", claim.clone()).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(other.get("/v1/applications/app/settings").await.0, StatusCode::FORBIDDEN);
    let term = u0.claim("app", 1000).await["term"].as_u64().unwrap();
    assert_eq!(other.merge("app", term, json!({"a": "1"})).await.0, StatusCode::FORBIDDEN);
    // Operator endpoints need the operator; the operator does not claim or write.
    assert_eq!(u0.get("/v1/status").await.0, StatusCode::FORBIDDEN);
    assert_eq!(u0.post("/v1/applications/app/lease/revoke", json!({})).await.0, StatusCode::FORBIDDEN);
    assert_eq!(op.post("/v1/applications/app/lease/claim", claim.clone()).await.0, StatusCode::FORBIDDEN);
    assert_eq!(op.get("/v1/applications/app/settings").await.0, StatusCode::OK);
    // A token from another controller's secret is refused.
    let elsewhere = tempfile::tempdir().unwrap();
    drop(ControllerProcess::start(elsewhere.path(), "memory"));
    let stranger = As { http: client(&c.ca), base: c.url.clone(), token: Some(token(elsewhere.path(), "app/0")) };
    assert_eq!(stranger.post("/v1/applications/app/lease/claim", claim).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx_and_the_controller_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let c = ControllerProcess::start(dir.path(), &format!("sqlite:{}", dir.path().join("s.db").display()));
    let u0 = As::new(&c, dir.path(), "app/0");
    let term = u0.claim("app", 1000).await["term"].as_u64().unwrap();
    u0.merge("app", term, json!({"keep": "1"})).await;
    let raw = |path: &str, body: &'static str| {
        let req = u0
            .http
            .post(format!("{}{path}", c.url))
            .bearer_auth(u0.token.clone().unwrap())
            .header("content-type", "application/json")
            .body(body);
        async move {
            let resp = req.send().await.unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap()["error"].as_str().unwrap().to_string())
        }
    };
    let cases: [(&str, &'static str, StatusCode, &str); 11] = [
        (
            "/v1/applications/app/status/unit",
            r#"{"workload":{"status":"error","message":"x"},"version":""}"#,
            StatusCode::BAD_REQUEST,
            "invalid status \"error\"",
        ),
        (
            "/v1/applications/app/status/unit",
            r#"{"workload":{"status":"active","message":"x"},"version":"","extra":1}"#,
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            "/v1/applications/app/relations/join",
            r#"{"relation_ids":[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63,64]}"#,
            StatusCode::BAD_REQUEST,
            "too many relations in one join (at most 64)",
        ),
        (
            "/v1/applications/app/relations/commit",
            r#"{"changes":[],"secrets":[{"op":"create","id":"nope","owner":"unit","fields":{"content":{"a":"YQ=="}}}]}"#,
            StatusCode::BAD_REQUEST,
            "secret URI \"nope\" not valid",
        ),
        ("/v1/applications/app/lease/claim", "{nope", StatusCode::BAD_REQUEST, "invalid request body"),
        ("/v1/applications/app/lease/claim", r#"{"duration_ms":"soon"}"#, StatusCode::BAD_REQUEST, "invalid type"),
        (
            "/v1/applications/app/lease/claim",
            r#"{"duration_ms":1000,"extra":1}"#,
            StatusCode::BAD_REQUEST,
            "unknown field",
        ),
        (
            "/v1/applications/app/lease/claim",
            r#"{"duration_ms":999999}"#,
            StatusCode::BAD_REQUEST,
            "invalid duration 16m39.999s: must be between 1s and 2s",
        ),
        (
            "/v1/applications/App_1/lease/claim",
            r#"{"duration_ms":1000}"#,
            StatusCode::BAD_REQUEST,
            "not a valid application name",
        ),
        ("/v1/applications/app/settings/merge", r#"{"term":1,"set":{"":"x"}}"#, StatusCode::BAD_REQUEST, "invalid key"),
        ("/v1/nowhere", "{}", StatusCode::NOT_FOUND, "no such endpoint"),
    ];
    for (path, body, status, words) in cases {
        let (got, error) = raw(path, body).await;
        assert_eq!(got, status, "{path} {body}: {error}");
        assert!(error.contains(words), "{path} {body}: {error:?} lacks {words:?}");
    }
    let huge = format!(r#"{{"term":{term},"set":{{"k":"{}"}}}}"#, "x".repeat(9 << 20));
    // A fresh client (no pooled connection) for the oversized request. The server answers 413
    // as soon as it sees the declared length and closes the connection without reading the body,
    // so a client still writing it may see the close first (a broken pipe) instead of the answer:
    // both are the refusal.
    let big = As::new(&c, dir.path(), "app/0");
    let sent = big
        .http
        .post(format!("{}/v1/applications/app/settings/merge", c.url))
        .bearer_auth(big.token.clone().unwrap())
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await;
    match sent {
        Ok(resp) => assert_eq!(resp.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(e) => assert!(e.is_request() && format!("{e:?}").contains("BodyWrite"), "{e:?}"),
    }
    // Still serving, nothing half-written. (A fresh client: the server closed the connection
    // of the oversized request without reading it, and a pooled client would try to reuse it.)
    let u0 = As::new(&c, dir.path(), "app/0");
    let (_, read) = u0.get("/v1/applications/app/settings").await;
    assert_eq!(read, json!({"settings": {"keep": "1"}, "version": 1}));
    assert_eq!(u0.get("/v1/health").await, (StatusCode::OK, json!({"ok": true})));
}

#[test]
fn sigterm_finishes_in_flight_long_polls_and_exits_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = ControllerProcess::start(dir.path(), "memory");
    let url = c.url.clone();
    let ca = c.ca.clone();
    let token = token(dir.path(), "app/1");
    let poll = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let resp = client(&ca)
                .post(format!("{url}/v1/applications/app/settings/watch"))
                .bearer_auth(token)
                .json(&json!({"after": 0, "timeout_ms": 30000}))
                .send()
                .await
                .unwrap();
            (resp.status(), resp.json::<Value>().await.unwrap())
        })
    });
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    send_signal(c.child.id(), "TERM");
    let (status, body) = poll.join().unwrap();
    assert_eq!((status, body), (StatusCode::OK, json!({"version": 0})), "the long-poll was answered");
    let deadline = Instant::now() + Duration::from_secs(5);
    let exit = loop {
        if let Some(exit) = c.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "controller did not exit after SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "{exit:?}");
    assert!(sent.elapsed() < Duration::from_secs(5));
}

fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("kill").arg(format!("-{signal}")).arg(pid.to_string()).status().unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn config_and_statuses_operator_writes_fenced_application_status_and_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let c = ControllerProcess::start(dir.path(), &store);
    let (u0, u1, op) =
        (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"), As::new(&c, dir.path(), "operator"));
    let options = json!({
        "port": {"type": "int", "default": 8080},
        "title": {"type": "string", "default": "Hello", "description": "What it serves."}
    });
    // No config until the operator registers the charm's options (as `up` does at deploy).
    let (status, body) = u0.get("/v1/applications/app/config").await;
    assert_eq!((status, body["error"].clone()), (StatusCode::NOT_FOUND, json!("application \"app\" not found")));
    let (status, body) = u0.post("/v1/applications/app/config", json!({"options": options, "set": {}})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a unit may not change config: {body}");
    let (status, body) =
        op.post("/v1/applications/app/config", json!({"options": options, "set": {"port": "81"}})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["values"].clone(), body["version"].clone()), (json!({"port": 81}), json!(1)));

    // Refused changes, in Juju's words, change nothing.
    for (set, error) in [
        (json!({"title": "x", "nope": "1"}), "unknown option \"nope\""),
        (json!({"title": "x", "port": "eighty"}), "option \"port\" expected int, got \"eighty\""),
        (json!({"port": 1.5}), "option \"port\" expected int, got 1.5"),
    ] {
        let (status, body) = op.post("/v1/applications/app/config", json!({"set": set})).await;
        assert_eq!((status, body["error"].clone()), (StatusCode::BAD_REQUEST, json!(error)));
    }
    let (_, read) = u1.get("/v1/applications/app/config").await;
    assert_eq!((read["values"].clone(), read["version"].clone()), (json!({"port": 81}), json!(1)));

    // A watcher wakes for a change that changes a value, not for one that does not.
    let watch = {
        let u1 = As::new(&c, dir.path(), "app/1");
        tokio::spawn(async move {
            u1.post("/v1/applications/app/config/watch", json!({"after": 1, "timeout_ms": 10000})).await
        })
    };
    let (_, same) = op.post("/v1/applications/app/config", json!({"set": {"port": 81}})).await;
    assert_eq!(same["version"], json!(1), "the same value: no new version");
    let (_, changed) =
        op.post("/v1/applications/app/config", json!({"set": {"title": "World"}, "reset": ["port"]})).await;
    assert_eq!((changed["values"].clone(), changed["version"].clone()), (json!({"title": "World"}), json!(2)));
    assert_eq!(watch.await.unwrap().1, json!({"version": 2}));

    // Unit statuses from each unit; the application status from the leader only.
    let active = json!({"status": "active", "message": "up", "data": {}});
    let (status, _) = u1.post("/v1/applications/app/status/unit", json!({"workload": active, "version": "1.0"})).await;
    assert_eq!(status, StatusCode::OK);
    let term = u0.claim("app", 2000).await["term"].as_u64().unwrap();
    let refused = u1.post("/v1/applications/app/status/application", json!({"term": term, "status": active})).await;
    assert_eq!(refused.0, StatusCode::CONFLICT, "a minion's application status is fenced off");
    let (status, _) = u0.post("/v1/applications/app/status/application", json!({"term": term, "status": active})).await;
    assert_eq!(status, StatusCode::OK);
    // The controller records since when the unit's workload status stands (Unix ms, its clock).
    let read = op.get("/v1/applications/app/status").await.1;
    let since = read["units"]["app/1"]["since_ms"].as_u64().expect("since_ms");
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    assert!(since <= now_ms && now_ms - since < 60_000, "since_ms {since}, now {now_ms}");
    let expected =
        json!({"application": active, "units": {"app/1": {"workload": active, "version": "1.0", "since_ms": since}}});
    assert_eq!(read, expected);
    // The same status again (a new version) keeps its since.
    let (status, _) = u1.post("/v1/applications/app/status/unit", json!({"workload": active, "version": "1.0"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(op.get("/v1/applications/app/status").await.1, expected);

    // Everything acknowledged survives kill -9.
    c.kill9();
    let c = ControllerProcess::start(dir.path(), &store);
    let op = As::new(&c, dir.path(), "operator");
    assert_eq!(op.get("/v1/applications/app/status").await.1, expected);
    let (_, read) = op.get("/v1/applications/app/config").await;
    assert_eq!((read["values"].clone(), read["version"].clone()), (json!({"title": "World"}), json!(2)));
    assert_eq!(read["options"]["title"]["description"], json!("What it serves."));
    let (_, st) = op.get("/v1/status").await;
    assert_eq!(st["applications"][0]["config_version"], json!(2));

    // A removed unit's status is forgotten by the operator only, and stays forgotten.
    let u1 = As::new(&c, dir.path(), "app/1");
    let (status, body) = u1.post("/v1/applications/app/status/unit/forget", json!({"unit": "app/1"})).await;
    assert_eq!((status, body["code"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let (status, _) = op.post("/v1/applications/app/status/unit/forget", json!({"unit": "other/1"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = op.post("/v1/applications/app/status/unit/forget", json!({"unit": "app/1"})).await;
    assert_eq!(status, StatusCode::OK);
    c.kill9();
    let c = ControllerProcess::start(dir.path(), &store);
    let op = As::new(&c, dir.path(), "operator");
    assert_eq!(op.get("/v1/applications/app/status").await.1, json!({"application": active, "units": {}}));
}

#[tokio::test]
async fn elect_and_release_over_http_with_their_auth_rules() {
    let dir = tempfile::tempdir().unwrap();
    let c = ControllerProcess::start(dir.path(), "memory");
    let (u0, u1, u2) =
        (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"), As::new(&c, dir.path(), "app/2"));
    let operator = As::new(&c, dir.path(), "operator");
    let term = u0.claim("app", 1000).await["term"].as_u64().unwrap();
    // Who may do what.
    let (status, body) = u1.post("/v1/applications/app/lease/elect", json!({"unit": "app/1"})).await;
    assert_eq!((status, body["code"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let (status, body) = operator.post("/v1/applications/app/lease/release", json!({"term": term})).await;
    assert_eq!((status, body["code"].clone()), (StatusCode::FORBIDDEN, json!("forbidden")));
    let (status, body) = operator.post("/v1/applications/app/lease/elect", json!({"unit": "other/1"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], json!("unit other/1 is not a unit of application app"));
    let (status, _) = operator.post("/v1/applications/app/lease/elect", json!({"unit": "app/1", "x": 1})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "unknown fields");

    // Electing the holder changes nothing.
    let (status, body) = operator.post("/v1/applications/app/lease/elect", json!({"unit": "app/0"})).await;
    // app/2 makes itself known (an elect names a unit the controller has heard of).
    assert_eq!(u2.claim("app", 1000).await["granted"], json!(false));
    assert_eq!((status, body), (StatusCode::OK, json!({"already_leader": true, "term": term, "frees_in_ms": 0})));
    // Elect app/2: app/1's release wait does not answer when the lease frees (it may not claim).
    let elected = Instant::now();
    let (status, body) = operator.post("/v1/applications/app/lease/elect", json!({"unit": "app/2"})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((body["already_leader"].clone(), body["revoked_term"].clone()), (json!(false), json!(term)));
    assert!(body["frees_in_ms"].as_u64().unwrap() <= 1000);
    let passed_over = tokio::spawn(async move {
        let answer = u1.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 1500})).await;
        (answer, u1)
    });
    let (status, body) = u2.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 5000})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"released": true})));
    assert!(elected.elapsed() < Duration::from_millis(1200), "{:?}", elected.elapsed());
    assert_eq!(u0.claim("app", 1000).await["granted"], json!(false), "the old holder may not");
    let claim = u2.claim("app", 1000).await;
    assert_eq!((claim["granted"].clone(), claim["term"].clone()), (json!(true), json!(term + 1)));
    let ((status, body), u1) = passed_over.await.unwrap();
    assert_eq!((status, body), (StatusCode::OK, json!({"released": false})), "app/1 was never told to claim");

    // Release: only the holder, only under its term; then the lease is free at once.
    let released = |body: Value| body["released"].clone();
    assert_eq!(
        released(u1.post("/v1/applications/app/lease/release", json!({"term": term + 1})).await.1),
        json!(false)
    );
    assert_eq!(released(u2.post("/v1/applications/app/lease/release", json!({"term": term})).await.1), json!(false));
    let waiting = tokio::spawn(async move {
        let started = Instant::now();
        let answer = u1.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 5000})).await;
        (answer, started.elapsed(), u1)
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(released(u2.post("/v1/applications/app/lease/release", json!({"term": term + 1})).await.1), json!(true));
    let ((status, body), waited, u1) = waiting.await.unwrap();
    assert_eq!((status, body), (StatusCode::OK, json!({"released": true})));
    assert!(waited < Duration::from_millis(600), "woken by the release, not the expiry: {waited:?}");
    assert_eq!(u1.claim("app", 1000).await["term"], json!(term + 2));

    // Elect app/2, which is then removed before it claims: its designation goes with it, so
    // app/0 is woken when app/1's lease frees, not a max lease later.
    let (status, _) = operator.post("/v1/applications/app/lease/elect", json!({"unit": "app/2"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = operator.post("/v1/applications/app/status/unit/forget", json!({"unit": "app/2"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = u0.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 1500})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"released": true})));
    assert_eq!(u0.claim("app", 1000).await["term"], json!(term + 3));
}

/// The controller checks what it can: a join names only the charm's peer relations (which `up`
/// registers with the config at deploy, durably), and an elect only a unit it has heard of,
/// refusing with 404 and revoking nothing otherwise.
#[tokio::test]
async fn joins_name_the_charms_relations_and_elect_a_unit_that_exists() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let c = ControllerProcess::start(dir.path(), &store);
    let op = As::new(&c, dir.path(), "operator");
    for (app, peers) in [("app", json!(["cluster"])), ("solo", json!([]))] {
        let (status, body) =
            op.post(&format!("/v1/applications/{app}/config"), json!({"options": {}, "peers": peers})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (u0, u1) = (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"));
    let join = "/v1/applications/app/relations/join";
    assert_eq!(u0.post(join, json!({"relation_ids": [0]})).await.0, StatusCode::OK);
    for ids in [json!([1]), json!([0, 7]), json!((0..64).collect::<Vec<u64>>())] {
        let (status, body) = u1.post(join, json!({"relation_ids": ids})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(body["code"], json!("not_found"));
    }
    let (_, body) = u1.post(join, json!({"relation_ids": [1]})).await;
    assert_eq!(body["error"], json!("relation 1 not found (app's relations: 0)"));
    let solo = As::new(&c, dir.path(), "solo/0");
    let (status, body) = solo.post("/v1/applications/solo/relations/join", json!({"relation_ids": [0]})).await;
    assert_eq!(
        (status, body["error"].clone()),
        (StatusCode::NOT_FOUND, json!("relation 0 not found (solo has no relations)"))
    );
    let (_, relations) = op.get("/v1/applications/app/relations").await;
    assert_eq!(relations["relations"].as_object().unwrap().keys().collect::<Vec<_>>(), ["0"], "{relations}");
    assert_eq!(relations["relations"]["0"]["members"], json!(["app/0"]), "nothing of the refused joins");

    // Elect: a unit nobody has heard of is 404 and the leader keeps its lease, renewals and all.
    let term = u0.claim("app", 1000).await["term"].as_u64().unwrap();
    let (status, body) = op.post("/v1/applications/app/lease/elect", json!({"unit": "app/999"})).await;
    assert_eq!((status, body["code"].clone()), (StatusCode::NOT_FOUND, json!("not_found")), "{body}");
    assert!(body["error"].as_str().unwrap().starts_with("unit app/999 not found"), "{body}");
    let renewed = u0.claim("app", 1000).await;
    assert_eq!((renewed["granted"].clone(), renewed["term"].clone()), (json!(true), json!(term)), "not revoked");
    let (_, status) = op.get("/v1/status").await;
    assert!(status.to_string().contains("\"leader\":\"app/0\""), "{status}");
    // A unit that has called (app/1 joined, refused) is known; a removed one is 404 too.
    let (status, body) = op.post("/v1/applications/app/lease/elect", json!({"unit": "app/1"})).await;
    assert_eq!((status, body["revoked_term"].clone()), (StatusCode::OK, json!(term)), "{body}");
    let (status, _) = op.post("/v1/applications/app/status/unit/forget", json!({"unit": "app/1"})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = op.post("/v1/applications/app/lease/elect", json!({"unit": "app/1"})).await;
    assert_eq!((status, body["error"].clone()), (StatusCode::NOT_FOUND, json!("unit app/1 has been removed")));

    // The peer relations survive kill -9.
    c.kill9();
    let c = ControllerProcess::start(dir.path(), &store);
    let u2 = As::new(&c, dir.path(), "app/2");
    assert_eq!(u2.post(join, json!({"relation_ids": [1]})).await.0, StatusCode::NOT_FOUND);
    assert_eq!(u2.post(join, json!({"relation_ids": [0]})).await.0, StatusCode::OK);
}

/// The relations endpoints over HTTPS: who may read, commit, join and leave; a commit's
/// application-bag change fenced by the term, all or nothing; acknowledged data surviving
/// `kill -9` of the controller with SQLite.
#[tokio::test]
async fn relations_endpoints_auth_fencing_and_durability() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let c = ControllerProcess::start(dir.path(), &store);
    let (u0, u1, other, op) = (
        As::new(&c, dir.path(), "app/0"),
        As::new(&c, dir.path(), "app/1"),
        As::new(&c, dir.path(), "db/0"),
        As::new(&c, dir.path(), "operator"),
    );
    let path = |tail: &str| format!("/v1/applications/app/relations{tail}");
    for u in [&u0, &u1] {
        let (status, body) = u.post(&path("/join"), json!({"relation_ids": [0]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let term = u0.claim("app", 2000).await["term"].as_u64().unwrap();
    // A minion's application-bag change is refused, and its unit-bag change with it.
    let commit = |unit: Value, app: Value, term: u64| json!({"term": term, "changes": [{"relation_id": 0, "unit": unit, "app": app}]});
    let (status, body) = u1.post(&path("/commit"), commit(json!({"x": "1"}), json!({"s": "m"}), term)).await;
    assert_eq!((status, body["code"].clone()), (StatusCode::CONFLICT, json!("not_leader")), "{body}");
    let (status, body) = u0.post(&path("/commit"), commit(json!({"addr": "a0"}), json!({"s": "l"}), term)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) =
        u1.post(&path("/commit"), json!({"changes": [{"relation_id": 0, "unit": {"addr": "a1"}}]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Reads: a unit of the application and the operator; not another application's unit.
    let (status, body) = op.get(&path("")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let relation = &body["relations"]["0"];
    assert_eq!(relation["members"], json!(["app/0", "app/1"]));
    assert_eq!(relation["app"], json!({"s": "l"}));
    assert_eq!(relation["units"]["app/1"]["addr"], json!("a1"));
    assert!(relation["units"]["app/1"].get("x").is_none(), "the refused commit wrote nothing");
    let (status, _) = other.get(&path("")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = other.post(&path("/join"), json!({"relation_ids": [0]})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Leave: the unit itself or the operator, never another unit.
    let (status, body) = u1.post(&path("/leave"), json!({"unit": "app/0"})).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, body) = op.post(&path("/leave"), json!({"unit": "db/0"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let version = op.get(&path("")).await.1["version"].as_u64().unwrap();
    let watch = {
        let op = As::new(&c, dir.path(), "operator");
        tokio::spawn(async move {
            op.post("/v1/applications/app/relations/watch", json!({"after": version, "timeout_ms": 10000})).await
        })
    };
    let (status, body) = op.post(&path("/leave"), json!({"unit": "app/1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, woke) = watch.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_ne!(woke["version"], json!(version), "the watch woke on the leave");

    // kill -9, restart: scopes and bags are still there.
    c.kill9();
    let c = ControllerProcess::start(dir.path(), &store);
    let op = As::new(&c, dir.path(), "operator");
    let (_, body) = op.get(&path("")).await;
    assert_eq!(body["relations"]["0"]["members"], json!(["app/0"]));
    assert_eq!(body["relations"]["0"]["app"], json!({"s": "l"}));
    assert_eq!(body["relations"]["0"]["units"]["app/1"]["addr"], json!("a1"));
}

/// After the operator removes a unit, its token is refused for everything a unit may do (403
/// `forbidden`, in words that say why), however long it still runs; the other units and the
/// operator are unaffected; and the refusal survives a `kill -9` of the controller (SQLite).
#[tokio::test]
async fn a_removed_units_token_is_refused_for_everything_and_for_good() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let c = ControllerProcess::start(dir.path(), &store);
    let (u0, u1, op) =
        (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "app/1"), As::new(&c, dir.path(), "operator"));
    let (status, body) = op.post("/v1/applications/app/config", json!({"options": {}, "set": {}})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    for u in [&u0, &u1] {
        let (status, body) = u.post("/v1/applications/app/relations/join", json!({"relation_ids": [0]})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let term = u1.claim("app", 1000).await["term"].as_u64().unwrap();
    assert_eq!(u1.merge("app", term, json!({"k": "v"})).await.0, StatusCode::OK);

    let (status, body) = op.post("/v1/applications/app/status/unit/forget", json!({"unit": "app/1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let active = json!({"status": "active", "message": "", "data": {}});
    let watch = json!({"after": 0, "timeout_ms": 100});
    let calls = |term: u64| {
        use reqwest::Method;
        let relation_change = json!({"changes": [{"relation_id": 0, "unit": {"a": "1"}}]});
        vec![
            (Method::POST, "/v1/applications/app/lease/claim", Some(json!({"duration_ms": 1000}))),
            (Method::POST, "/v1/applications/app/lease/wait-released", Some(json!({"timeout_ms": 100}))),
            (Method::POST, "/v1/applications/app/lease/release", Some(json!({"term": term}))),
            (Method::GET, "/v1/applications/app/settings", None),
            (Method::POST, "/v1/applications/app/settings/merge", Some(json!({"term": term, "set": {"k": "x"}}))),
            (Method::POST, "/v1/applications/app/settings/watch", Some(watch.clone())),
            (Method::GET, "/v1/applications/app/config", None),
            (Method::POST, "/v1/applications/app/config/watch", Some(watch.clone())),
            (Method::GET, "/v1/applications/app/status", None),
            (Method::POST, "/v1/applications/app/status/unit", Some(json!({"workload": active, "version": ""}))),
            (Method::POST, "/v1/applications/app/status/application", Some(json!({"term": term, "status": active}))),
            (Method::GET, "/v1/applications/app/relations", None),
            (Method::POST, "/v1/applications/app/relations/join", Some(json!({"relation_ids": [1]}))),
            (Method::POST, "/v1/applications/app/relations/commit", Some(relation_change)),
            (Method::POST, "/v1/applications/app/relations/leave", Some(json!({"unit": "app/1"}))),
            (Method::POST, "/v1/applications/app/relations/watch", Some(watch.clone())),
            (Method::POST, "/v1/token/renew", None),
        ]
    };
    let refused = json!({"code": "forbidden", "error": "permission denied: unit app/1 has been removed"});
    for (method, path, body) in calls(term) {
        let (status, answer) = u1.send(method.clone(), path, body.clone()).await;
        assert_eq!((status, answer), (StatusCode::FORBIDDEN, refused.clone()), "{method} {path}");
    }
    // Unit app/0 and the operator carry on.
    let (status, body) = u0.post("/v1/token/renew", json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = u0.get("/v1/applications/app/settings").await;
    assert_eq!((status, body["settings"].clone()), (StatusCode::OK, json!({"k": "v"})));
    let (status, body) = op.get("/v1/applications/app/relations").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = op.post("/v1/applications/app/relations/leave", json!({"unit": "app/1"})).await;
    assert_eq!(status, StatusCode::OK, "the operator may still take it out of scope: {body}");
    let (status, body) = u0.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 5000})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"released": true})), "app/1's lease ran out");
    let t0 = u0.claim("app", 1000).await["term"].as_u64().unwrap();
    assert_eq!(t0, term + 1);

    // kill -9, restart: still refused, with the token it had.
    c.kill9();
    let c = ControllerProcess::start(dir.path(), &store);
    let u1 = As { http: client(&c.ca), base: c.url.clone(), token: u1.token };
    for (method, path, body) in calls(t0) {
        let (status, answer) = u1.send(method.clone(), path, body.clone()).await;
        assert_eq!((status, answer), (StatusCode::FORBIDDEN, refused.clone()), "after a restart: {method} {path}");
    }
    let u0 = As::new(&c, dir.path(), "app/0");
    let (status, body) = u0.post("/v1/applications/app/settings/merge", json!({"term": t0, "set": {"k": "w"}})).await;
    assert_eq!(status, StatusCode::OK, "app/0 leads on, honoured after the restart: {body}");
}

/// The agent side of a removal: a unit's leadership tracker (what answers is-leader), still
/// running with the removed unit's token, loses leadership once its lease runs out, answers
/// is-leader False from then on, and its calls are refused in the controller's words; another
/// unit takes the lease.
#[tokio::test]
async fn the_tracker_of_a_removed_unit_answers_false_and_is_refused() {
    use leaderd_agent::tracker::{LeaderStatus, Tracker};
    use leaderd_net::controller_client::{CallError, ControllerClient};
    let dir = tempfile::tempdir().unwrap();
    let c = ControllerProcess::start(dir.path(), "memory");
    let (u0, op) = (As::new(&c, dir.path(), "app/0"), As::new(&c, dir.path(), "operator"));
    let trust = leaderd_net::tls::Trust::Ca(c.ca.clone());
    let client = ControllerClient::new(&c.url, "app", &token(dir.path(), "app/1"), &trust).unwrap();
    // A 500 ms guarantee: the tracker claims for 1 s, within the controller's 1-2 s.
    let tracker = Tracker::new("app/1", client.clone(), Duration::from_millis(500));
    let run = tokio::spawn(tracker.clone().run());
    let deadline = Instant::now() + Duration::from_secs(10);
    while !tracker.is_leader().await {
        assert!(Instant::now() < deadline, "app/1 never led");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, body) = op.post("/v1/applications/app/status/unit/forget", json!({"unit": "app/1"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Its guarantee runs out within 500 ms of its last renewal, which the controller refuses.
    let removed = Instant::now();
    while tracker.is_leader().await {
        assert!(removed.elapsed() < Duration::from_secs(2), "a removed unit still answers True");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    while tracker.status() != LeaderStatus::Minion {
        assert!(removed.elapsed() < Duration::from_secs(5), "its leadership was never lost: {:?}", tracker.status());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for _ in 0..20 {
        assert!(!tracker.is_leader().await);
    }
    let refused = client.claim(Duration::from_secs(1)).await;
    assert_eq!(
        refused.map(|r| r.granted),
        Err(CallError::Refused {
            code: leaderd_core::wire::ErrorCode::Forbidden,
            message: "permission denied: unit app/1 has been removed".into()
        })
    );
    // The lease it held runs out, and app/0 takes it.
    let (status, body) = u0.post("/v1/applications/app/lease/wait-released", json!({"timeout_ms": 5000})).await;
    assert_eq!((status, body), (StatusCode::OK, json!({"released": true})));
    assert_eq!(u0.claim("app", 1000).await["granted"], json!(true));
    assert!(!tracker.is_leader().await);
    run.abort();
}
