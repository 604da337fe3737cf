//! The channel between agents and the controller, against real processes: an impostor on the
//! controller's port is refused and never sees a token; `up` keeps its controller's port
//! through a kill -9; tokens expire and agents renew theirs; plain HTTP only when asked for.
//! Every process is killed when its guard drops; every wait has a deadline.

use leaderd_testkit::cluster;
use leaderd_testkit::procs;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use leaderd_testkit::events::{Event, Mark, RecordExt};
use procs::{agent, is_leader, Controller};

const T: Duration = Duration::from_secs(15);

/// A fake controller: TLS with a certificate from a CA of its own (valid for 127.0.0.1), that
/// answers every request as a controller granting everything would. It records how many
/// connections it got and every byte of every request it could read.
struct Impostor {
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Impostor {
    fn start(listener: TcpListener, dir: &std::path::Path) -> Impostor {
        let tls = leaderd_net::tls::TlsDir::new(dir.join("impostor-tls"));
        tls.ensure(&[]).unwrap();
        let config = leaderd_net::tls::server_config(&tls.cert(), &tls.key()).unwrap();
        listener.set_nonblocking(true).unwrap();
        let (connections, received, stop) = (Arc::new(AtomicUsize::new(0)), Arc::default(), Arc::default());
        let (c, r, s): (Arc<AtomicUsize>, Arc<Mutex<Vec<u8>>>, Arc<AtomicBool>) =
            (Arc::clone(&connections), Arc::clone(&received), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                };
                c.fetch_add(1, Ordering::Relaxed);
                stream.set_nonblocking(false).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
                let conn = rustls::ServerConnection::new(config.clone()).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 4096];
                if let Ok(n) = tls.read(&mut buf) {
                    r.lock().unwrap().extend_from_slice(&buf[..n]);
                    let body = r#"{"granted":true,"term":99,"expires_in_ms":60000,"released":true,"version":1}"#;
                    let answer = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(answer.as_bytes());
                }
            }
        });
        Impostor { connections, received, stop, thread: Some(thread) }
    }
}

impl Drop for Impostor {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Binds `port` on loopback, retrying for a moment (the killed controller's socket may linger).
fn bind_port(port: u16) -> TcpListener {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(l) => return l,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("could not bind port {port}: {e}"),
        }
    }
}

#[test]
fn an_impostor_on_the_controllers_port_is_refused_and_never_gets_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut controller = Controller::start(dir.path(), &[]);
    let token = controller.token("recorder/0", "1h");
    let ca = controller.ca();
    let unit = agent(dir.path(), "recorder/0", &controller.url, &token, &["--controller-ca", ca.to_str().unwrap()]);
    let state = dir.path().join("recorder-0");
    unit.wait_event(T, |r| r.of("recorder/0") && r.hook_finished("start"));
    assert_eq!(is_leader(&state), "True");

    let port = controller.port();
    controller.proc.kill9();
    let impostor = Impostor::start(bind_port(port), dir.path());

    // The agent keeps calling, is refused by TLS, says why, and loses leadership when its
    // guarantee runs out instead of believing the impostor's grants.
    unit.wait_for_log("failed TLS verification against the controller CA", T);
    let log = unit.log_text();
    assert!(log.contains("no token was sent"), "{log}");
    assert!(log.contains("invalid peer certificate"), "{log}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while is_leader(&state) != "False" {
        assert!(Instant::now() < deadline, "still leader 5 s after its controller died");
        std::thread::sleep(Duration::from_millis(100));
    }
    let connections_then = impostor.connections.load(Ordering::Relaxed);
    for _ in 0..15 {
        assert_eq!(is_leader(&state), "False", "the impostor made it leader again");
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(connections_then > 0, "the agent never tried the impostor");
    let received = impostor.received.lock().unwrap().clone();
    assert!(
        received.is_empty(),
        "the impostor read a request: {:?}",
        String::from_utf8_lossy(&received[..received.len().min(300)])
    );
    assert!(!unit.log_text().contains(&token), "the token is in the agent's log");
}

#[test]
fn up_keeps_the_controllers_port_bound_while_the_controller_restarts() {
    let up = cluster::Up::start(Some(&cluster::recorder_charm()), 2, "1s");
    up.wait_hook_finished(&["recorder/0", "recorder/1"], "start", T);
    let record = up.up_json();
    let url = record["controller"]["url"].as_str().unwrap().to_string();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let port: u16 = url.rsplit(':').next().unwrap().parse().unwrap();
    let old_pid = record["controller"]["pid"].as_u64().unwrap() as i32;
    let from = Mark::now();
    leaderd_sys::process::signal(old_pid as u32, leaderd_sys::process::Signal::KILL);
    // From the moment it dies until well after its restart, nobody else may bind the port.
    let until = Instant::now() + Duration::from_secs(2);
    let mut tries = 0;
    while Instant::now() < until {
        match TcpListener::bind(("127.0.0.1", port)) {
            Ok(_) => panic!("bound the controller's port after a kill -9 ({tries} tries in)"),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::AddrInUse, "{e}"),
        }
        tries += 1;
        std::thread::sleep(Duration::from_millis(10));
    }
    up.wait_event_after(from, T, |r| matches!(&r.event, Event::ControllerExited { how, .. } if how == "signal 9"));
    up.until("the new controller to answer", T, || up.leaderd(&["status", "--format", "json"]).status.success());
    let status = up.status();
    assert_eq!(status["controller"], serde_json::json!(url), "same address");
    assert_ne!(up.up_json()["controller"]["pid"].as_u64().unwrap() as i32, old_pid);
    let leader = status["applications"][0]["leader"].as_str().expect("a leader").to_string();
    let out = up.exec(&leader, &["is-leader"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "True\n");
    let out = up.exec(&leader, &["leader-set", "after=restart"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // `leaderd status` verifies the controller too: against another CA, it refuses.
    let other = leaderd_net::tls::TlsDir::new(up.dir.path().join("other-tls"));
    other.ensure(&[]).unwrap();
    std::fs::copy(other.ca_cert(), up.state.join("tls/ca.pem")).unwrap();
    let out = up.leaderd(&["status"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("invalid peer certificate"), "{stderr}");
}

#[tokio::test]
async fn tokens_expire_and_the_renewal_gives_a_fresh_one() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite:{}", dir.path().join("state.db").display());
    let controller = Controller::start(dir.path(), &["--token-ttl", "30s", "--store", &store]);
    // What the controller wrote for itself is its owner's alone: the CA and certificate it
    // made on first start, its secret and its database.
    let mode = |p: &str| std::fs::metadata(dir.path().join(p)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("tls"), 0o700);
    for file in ["tls/ca.pem", "tls/ca.key", "tls/controller.pem", "tls/controller.key", "secret", "state.db"] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
    let http = controller.client();
    let status = |token: String| {
        let request = http.get(format!("{}/v1/status", controller.url)).bearer_auth(token);
        async move {
            let response = request.send().await.unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let short = controller.token("operator", "1s");
    assert_eq!(status(short.clone()).await.0, 200, "a live token");
    let deadline = Instant::now() + Duration::from_secs(5);
    let refused = loop {
        let (code, body) = status(short.clone()).await;
        if code != 200 {
            break (code, body);
        }
        assert!(Instant::now() < deadline, "a 1 s token still works after 5 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(refused.0, 401, "{}", refused.1);
    assert!(refused.1.contains("token expired"), "{}", refused.1);

    let unit = controller.token("app/0", "1h");
    let response = http.post(format!("{}/v1/token/renew", controller.url)).bearer_auth(&unit).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let renewed: serde_json::Value = response.json().await.unwrap();
    let fresh = renewed["token"].as_str().unwrap();
    let expires_at = renewed["expires_at"].as_u64().unwrap();
    let now = leaderd_net::auth::unix_now();
    assert!(expires_at.abs_diff(now + 30) <= 2, "renewed for the controller's 30 s: {renewed}");
    assert!(fresh.starts_with(&format!("app/0:{expires_at}:")), "{fresh}");
    let claim = http
        .post(format!("{}/v1/applications/app/lease/claim", controller.url))
        .bearer_auth(fresh)
        .json(&serde_json::json!({"duration_ms": 1000}))
        .send()
        .await
        .unwrap();
    assert_eq!(claim.status().as_u16(), 200, "the renewed token works");
    // An expired token cannot be renewed.
    let renew_expired =
        http.post(format!("{}/v1/token/renew", controller.url)).bearer_auth(&short).send().await.unwrap();
    assert_eq!(renew_expired.status().as_u16(), 401);
}

#[test]
fn an_agent_renews_its_token_and_keeps_leading_past_its_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let controller = Controller::start(dir.path(), &["--token-ttl", "4s"]);
    let token = controller.token("recorder/0", "4s");
    let expiry = leaderd_net::auth::token_expiry(&token).unwrap();
    let ca = controller.ca();
    let unit = agent(dir.path(), "recorder/0", &controller.url, &token, &["--controller-ca", ca.to_str().unwrap()]);
    let state = dir.path().join("recorder-0");
    unit.wait_event(T, |r| r.of("recorder/0") && r.hook_finished("start"));
    // Past the first token's expiry, by several renewals.
    let deadline = Instant::now() + T;
    while unit.log_text().matches("token renewed").count() < 3 || leaderd_net::auth::unix_now() <= expiry + 1 {
        assert!(Instant::now() < deadline, "no renewals:\n{}", unit.log_text());
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(is_leader(&state), "True");
    assert!(!unit.log_text().contains("token expired"), "{}", unit.log_text());
    let op = controller.token("operator", "1m");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status: serde_json::Value = rt.block_on(async {
        let r = controller.client().get(format!("{}/v1/status", controller.url)).bearer_auth(op).send().await;
        r.unwrap().json().await.unwrap()
    });
    let app = &status["applications"][0];
    assert_eq!((app["leader"].as_str(), app["term"].as_u64()), (Some("recorder/0"), Some(1)), "{status}");
}

#[test]
fn plain_http_only_with_the_insecure_flag_on_both_ends() {
    let dir = tempfile::tempdir().unwrap();
    // An agent given an http:// URL and a CA refuses to start, and says why.
    let ca = dir.path().join("ca.pem");
    leaderd_net::tls::TlsDir::new(dir.path().join("tls")).ensure(&[]).unwrap();
    std::fs::copy(dir.path().join("tls/ca.pem"), &ca).unwrap();
    let secret = dir.path().join("other-secret");
    std::fs::write(&secret, "0123456789abcdef0123456789abcdef\n").unwrap();
    // A secret others can read is refused (secrets_and_keys_others_can_read_are_refused).
    std::fs::set_permissions(&secret, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let token = procs::token(&secret, "recorder/9", "1h");
    let mut refused =
        agent(dir.path(), "recorder/9", "http://127.0.0.1:9", &token, &["--controller-ca", ca.to_str().unwrap()]);
    let deadline = Instant::now() + T;
    let exit = loop {
        if let Some(exit) = refused.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the agent did not refuse");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!exit.success());
    assert!(refused.log_text().contains("is plain http"), "{}", refused.log_text());
    // Without a CA at all: the same words (not a usage error about the missing flag).
    // Under `timeout`: an agent that wrongly started would otherwise run for ever.
    let out = std::process::Command::new("timeout")
        .args(["10", cluster_leaderd()])
        .args(["agent", "--unit", "recorder/9", "--controller", "http://127.0.0.1:9", "--charm", "."])
        .args(["--state", dir.path().join("nope").to_str().unwrap()])
        .env("LEADERD_TOKEN", &token)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr
            .contains("the controller URL http://127.0.0.1:9 is plain http: give an https:// URL and --controller-ca"),
        "{stderr}"
    );
    // Both ends insecure, on purpose: it works, and says so.
    let controller = Controller::start(dir.path(), &["--insecure-http"]);
    assert!(controller.url.starts_with("http://"), "{}", controller.url);
    let token = controller.token("recorder/0", "1h");
    let unit = agent(dir.path(), "recorder/0", &controller.url, &token, &["--insecure-http"]);
    unit.wait_event(T, |r| r.of("recorder/0") && r.elected() == Some(1));
    assert!(unit.log_text().contains("unencrypted"), "{}", unit.log_text());
    assert!(controller.proc.log_text().contains("unencrypted"), "{}", controller.proc.log_text());
}

fn cluster_leaderd() -> &'static str {
    env!("CARGO_BIN_EXE_leaderd")
}

/// A state directory another user planted (world-writable, with their secret and their CA in
/// it) is refused by `leaderd up`, before anything is served with their secret; as is a
/// secret file of ours that others can write. (The planted-by-another-user half needs root to
/// make a file another user owns: skipped otherwise.)
#[test]
fn a_planted_state_directory_or_secret_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let up = |state: &std::path::Path| {
        std::process::Command::new(cluster::LEADERD)
            .args(["up", "--units", "1", "--state"])
            .arg(state)
            .output()
            .unwrap()
    };
    // Ours, but the secret is writable by anyone.
    let state = root.path().join("mine");
    std::fs::create_dir(&state).unwrap();
    std::fs::write(state.join("secret"), format!("{:064}\n", 7)).unwrap();
    std::fs::set_permissions(state.join("secret"), std::fs::Permissions::from_mode(0o666)).unwrap();
    let out = up(&state);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("can be written by other users (mode 666)"), "{stderr}");
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    // Another user's directory, as the attack was reproduced: mkdir -m777, their secret 0644.
    let nobody = 65534;
    let planted = root.path().join("st");
    std::fs::create_dir(&planted).unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::write(planted.join("secret"), format!("{:064}\n", 7)).unwrap();
    std::fs::set_permissions(planted.join("secret"), std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::chown(&planted, Some(nobody), None).unwrap();
    std::os::unix::fs::chown(planted.join("secret"), Some(nobody), None).unwrap();
    let out = up(&planted);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("belongs to another user (uid 65534"), "{stderr}");
    assert_eq!(std::fs::read_dir(&planted).unwrap().count(), 1, "nothing was written into it");
}

/// Each `up` is a fresh deployment, with a fresh store that no longer remembers the units the
/// previous one removed: it gets a fresh secret too, so no token minted for the previous
/// deployment (a unit's, the operator's) is accepted by the new controller.
#[test]
fn a_new_up_refuses_the_tokens_of_the_deployment_before() {
    let mut first = cluster::Up::start(Some(&cluster::recorder_charm()), 1, "1s");
    first.wait_hook_finished(&["recorder/0"], "start", T);
    let secret = first.state.join("secret");
    let old_unit = procs::token(&secret, "recorder/0", "1h");
    let old_operator = procs::token(&secret, "operator", "1h");
    first.stop(libc::SIGTERM);
    let dir = std::mem::replace(&mut first.dir, tempfile::tempdir().unwrap());
    let second = cluster::Up::with(Some(&cluster::recorder_charm()), 1, "1s").dir(dir).start();
    second.wait_hook_finished(&["recorder/0"], "start", T);
    let url = second.up_json()["controller"]["url"].as_str().unwrap().to_string();
    let tls = leaderd_net::tls::client_config(&second.state.join("tls/ca.pem")).unwrap();
    let client = reqwest::Client::builder().tls_backend_preconfigured(tls).build().unwrap();
    let new_operator = procs::token(&secret, "operator", "1h");
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let status = |token: &str| {
        rt.block_on(async {
            let r = client.get(format!("{url}/v1/status")).bearer_auth(token).send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        })
    };
    assert_eq!(status(&new_operator).0, 200, "this deployment's token is accepted");
    for (who, token) in [("the unit's", &old_unit), ("the operator's", &old_operator)] {
        let (code, body) = status(token);
        assert_eq!(code, 401, "{who} token of the deployment before: {body}");
    }
}

/// `leaderd up` (or a standalone controller) run with a timeout: a refusal must come at once,
/// not hang.
fn run_refused(args: &[&str]) -> String {
    let out = std::process::Command::new("timeout").arg("20").arg(cluster::LEADERD).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "refused at once, not hung or started: {stderr}");
    stderr
}

/// A state directory others can write is refused as ssh refuses one (not narrowed to 0700 and
/// used), with nothing written in it, whoever owns it; a FIFO in place of the event log is
/// refused, not waited on for ever; a secret another user owns is refused before anything is
/// written into the directory.
#[test]
fn a_state_directory_others_can_write_or_with_their_files_is_refused_before_anything_is_written() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let state = root.path().join("open");
    std::fs::create_dir(&state).unwrap();
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o777)).unwrap();
    let stderr = run_refused(&["up", "--units", "1", "--state", state.to_str().unwrap()]);
    assert!(stderr.contains("can be written by other users (mode 777): refusing to use it"), "{stderr}");
    assert!(stderr.contains(&format!("chmod 700 {}", state.display())), "{stderr}");
    assert_eq!(std::fs::read_dir(&state).unwrap().count(), 0, "nothing was written into it");
    assert_eq!(std::fs::metadata(&state).unwrap().permissions().mode() & 0o777, 0o777);

    let state = root.path().join("fifo");
    std::fs::create_dir(&state).unwrap();
    let fifo = state.join("events.jsonl");
    assert_eq!(unsafe { libc::mkfifo(std::ffi::CString::new(fifo.to_str().unwrap()).unwrap().as_ptr(), 0o600) }, 0);
    let stderr = run_refused(&["up", "--units", "1", "--state", state.to_str().unwrap()]);
    assert!(stderr.contains("events.jsonl: not a regular file"), "{stderr}");

    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return;
    }
    let nobody = 65534;
    let state = root.path().join("theirs");
    std::fs::create_dir(&state).unwrap();
    std::fs::write(state.join("secret"), format!("{:064}\n", 7)).unwrap();
    std::os::unix::fs::chown(state.join("secret"), Some(nobody), None).unwrap();
    let stderr = run_refused(&["up", "--units", "1", "--state", state.to_str().unwrap()]);
    assert!(stderr.contains("secret belongs to another user (uid 65534"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&state).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["secret"], "nothing was written into it");
    // A standalone controller's TLS directory of another user is named as such.
    let tls = root.path().join("their-tls");
    std::fs::create_dir(&tls).unwrap();
    std::os::unix::fs::chown(&tls, Some(nobody), None).unwrap();
    let stderr = run_refused(&[
        "controller",
        "--listen",
        "127.0.0.1:0",
        "--secret-file",
        root.path().join("s").to_str().unwrap(),
        "--tls-dir",
        tls.to_str().unwrap(),
        "--store",
        &format!("sqlite:{}", root.path().join("db").display()),
    ]);
    assert!(stderr.contains(&format!("the TLS directory {} belongs to another user", tls.display())), "{stderr}");
    assert!(stderr.contains("(--tls-dir DIR)"), "{stderr}");
}

/// A secret or private key its owner left readable to others is refused, as ssh refuses an
/// unprotected private key: a standalone controller's `--secret-file`, its `ca.key` and
/// `controller.key`, and `up`'s own `tls/` keys.
#[test]
fn secrets_and_keys_others_can_read_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let chmod = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let secret = root.path().join("secret");
    std::fs::write(&secret, format!("{:064}\n", 7)).unwrap();
    chmod(&secret, 0o644);
    let tls = leaderd_net::tls::TlsDir::new(root.path().join("tls"));
    tls.ensure(&[]).unwrap();
    let controller = |secret: &std::path::Path| {
        run_refused(&[
            "controller",
            "--listen",
            "127.0.0.1:0",
            "--secret-file",
            secret.to_str().unwrap(),
            "--tls-dir",
            tls.dir.to_str().unwrap(),
            "--store",
            &format!("sqlite:{}", root.path().join("db").display()),
        ])
    };
    let stderr = controller(&secret);
    assert!(stderr.contains("can be read by other users (mode 644)"), "{stderr}");
    assert!(stderr.contains(&format!("chmod 600 {}", secret.display())), "{stderr}");
    chmod(&secret, 0o600);
    for key in [tls.ca_key(), tls.key()] {
        chmod(&key, 0o644);
        let stderr = controller(&secret);
        assert!(stderr.contains(&format!("chmod 600 {}", key.display())), "{stderr}");
        chmod(&key, 0o600);
    }
    // up's own CA key, in its state directory's tls/.
    let state = root.path().join("state");
    std::fs::create_dir(&state).unwrap();
    let tls = leaderd_net::tls::TlsDir::new(state.join("tls"));
    tls.ensure(&[]).unwrap();
    chmod(&tls.ca_key(), 0o640);
    let stderr = run_refused(&["up", "--units", "1", "--state", state.to_str().unwrap()]);
    assert!(stderr.contains(&format!("chmod 600 {}", tls.ca_key().display())), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(&state).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["tls"], "nothing was written into it");
}
