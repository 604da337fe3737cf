//! Bad input gets a clear error, the right exit code, nothing half-written, and the endpoint
//! keeps serving.

use leaderd_testkit as common;

use std::ffi::OsStr;
use std::io::{Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::net::UnixStream;
use std::path::Path;

use common::{assert_output, settings, Agent};

#[test]
fn arguments_that_are_not_utf8() {
    let agent = Agent::start(true, &[("a", "1")]);
    let id = agent.open("install");
    let bad = OsStr::from_bytes(b"k=\xff");
    let out = agent.run(&id, "leader-set", &[OsStr::new("ok=1"), bad]);
    assert_output(&out, "", "ERROR argument \"k=\\xff\" is not valid UTF-8\n", 2, "leader-set");
    assert_eq!(agent.backend.settings(), settings(&[("a", "1")]), "nothing written, not even ok=1");
    let out = agent.run(&id, "leader-get", &[OsStr::from_bytes(b"\xfe")]);
    assert_output(&out, "", "ERROR argument \"\\xfe\" is not valid UTF-8\n", 2, "leader-get");
    let out = agent.run(&id, "is-leader", &[OsStr::from_bytes(b"x\xff")]);
    assert_output(&out, "", "ERROR unrecognized args: [\"x\\xff\"]\n", 2, "is-leader");
    // A log line is never worth failing a hook over.
    let out = agent.run(&id, "juju-log", &[OsStr::from_bytes(b"caf\xe9")]);
    assert_output(&out, "", "", 0, "juju-log");
    assert_eq!(agent.logs.lock().unwrap()[0].2.message, "caf\u{fffd}");
}

#[test]
fn values_with_newlines_and_100_kib_values_round_trip() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("leader-elected");
    let big = "x".repeat(100 * 1024);
    let multi = "line one\nline two: with colon\n";
    assert_output(&agent.run(&id, "leader-set", &[format!("big={big}"), format!("multi={multi}")]), "", "", 0, "set");
    // keyvalues.Parse trims values, so the trailing newline goes.
    assert_output(&agent.run(&id, "leader-get", &["multi"]), "line one\nline two: with colon\n", "", 0, "smart");
    assert_output(
        &agent.run(&id, "leader-get", &["--format=yaml", "multi"]),
        "|-\n  line one\n  line two: with colon\n",
        "",
        0,
        "yaml",
    );
    assert_output(
        &agent.run(&id, "leader-get", &["--format=json", "multi"]),
        "\"line one\\nline two: with colon\"\n",
        "",
        0,
        "json",
    );
    assert_output(&agent.run(&id, "leader-get", &["big"]), &format!("{big}\n"), "", 0, "100 KiB");
    // ops logs messages of up to 131071 characters, with newlines.
    let long_log = format!("{}\nsecond line", "y".repeat(131_000));
    assert_output(&agent.run(&id, "juju-log", &["--log-level", "INFO", "--", &long_log]), "", "", 0, "long log");
    assert_eq!(agent.logs.lock().unwrap()[0].2.message, long_log);
}

/// One raw HTTP/1.1 request on the agent's socket: (status, body).
fn raw_request(socket: &Path, method: &str, path: &str, body: &[u8]) -> (u16, String) {
    let mut stream = UnixStream::connect(socket).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) and close before reading everything we send.
    let _ = stream.write_all(body);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn error_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    v["error"].as_str().unwrap_or_else(|| panic!("no error field: {body}")).to_string()
}

#[test]
fn the_endpoint_answers_bad_requests_with_json_errors_and_keeps_serving() {
    let agent = Agent::start(true, &[("a", "1")]);
    let id = agent.open("install");
    let socket = agent.socket.as_path();

    let (status, body) = raw_request(socket, "POST", "/v1/is-leader", b"{not json");
    assert_eq!(status, 400);
    assert!(error_of(&body).starts_with("bad request: invalid request body:"), "{body}");

    let (status, body) = raw_request(socket, "POST", "/v1/leader-set", br#"{"context_id":"x","settings":{"a":1}}"#);
    assert_eq!(status, 400, "wrong type: {body}");
    let (status, body) = raw_request(socket, "POST", "/v1/is-leader", br#"{"context_id":"x","surprise":true}"#);
    assert_eq!(status, 400, "unknown field: {body}");

    let huge = format!(r#"{{"context_id":"{id}","settings":{{"k":"{}"}}}}"#, "v".repeat(9 << 20));
    let (status, body) = raw_request(socket, "POST", "/v1/leader-set", huge.as_bytes());
    assert_eq!(status, 413);
    assert!(error_of(&body).contains("8388608 byte limit"), "{body}");
    assert_eq!(agent.backend.settings(), settings(&[("a", "1")]), "nothing written");

    let (status, body) = raw_request(socket, "POST", "/v1/is-leader", br#"{"context_id":"guess"}"#);
    assert_eq!((status, error_of(&body)), (404, "bad request: wrong context ID; got \"guess\"".to_string()));

    let (status, body) = raw_request(socket, "POST", "/v1/no-such-tool", b"{}");
    assert_eq!(status, 404);
    assert!(error_of(&body).contains("/v1/no-such-tool"), "{body}");
    let (status, body) = raw_request(socket, "GET", "/v1/is-leader", b"");
    assert_eq!(status, 405);
    error_of(&body);

    // Still serving, and the good context still works.
    assert_output(&agent.run(&id, "leader-get", &["a"]), "1\n", "", 0, "after the abuse");
    let (status, body) = raw_request(socket, "POST", "/v1/is-leader", format!(r#"{{"context_id":"{id}"}}"#).as_bytes());
    assert_eq!((status, body.as_str()), (200, r#"{"leader":true}"#));
}

#[test]
fn a_stale_socket_file_is_replaced_and_the_socket_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let agent = Agent::start(true, &[]);
    let mode = std::fs::metadata(&agent.socket).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("agent.socket");
    drop(std::os::unix::net::UnixListener::bind(&path).unwrap());
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async { leaderd_agent::hook_endpoint::bind_socket(&path) }).expect("rebinding over a stale socket");
}

#[test]
fn a_key_leader_set_could_never_send_is_a_400_and_writes_nothing() {
    let agent = Agent::start(true, &[("a", "1")]);
    let id = agent.open("install");
    for key in ["", " padded", "x=y", "tab\t"] {
        let body = serde_json::json!({"context_id": id, "settings": {"ok": "1", key: "v"}}).to_string();
        let (status, answer) = raw_request(&agent.socket, "POST", "/v1/leader-set", body.as_bytes());
        assert_eq!(status, 400, "key {key:?}: {answer}");
        let error: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let want = format!("bad request: invalid key {}", leaderd_core::format::go_quote(key));
        assert!(error["error"].as_str().unwrap().starts_with(&want), "{answer}");
        assert_eq!(agent.backend.settings(), settings(&[("a", "1")]), "nothing written, not even ok=1");
    }
    // The endpoint keeps serving, and good keys still write.
    assert_output(&agent.run(&id, "leader-set", &["ok=1"]), "", "", 0, "leader-set");
    assert_eq!(agent.backend.settings(), settings(&[("a", "1"), ("ok", "1")]));
}

/// The agent's controller client reports a key the controller refuses as the caller's mistake
/// (400 at the hook endpoint), not as an unreachable controller (502).
#[test]
fn the_controllers_refusal_of_a_key_is_not_reported_as_unreachable() {
    use leaderd_agent::LeaderWriteError;
    use leaderd_controller::{api, Config, Controller};
    use leaderd_net::auth::Secret;
    use leaderd_net::controller_client::ControllerClient;
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        let store = leaderd_controller::store::open("memory").unwrap();
        let controller = Controller::start(store, Config::default()).unwrap();
        let secret = Secret::new(b"0123456789abcdef0123456789abcdef".to_vec());
        let (_shutdown_tx, shutdown) = tokio::sync::watch::channel(false);
        let api = std::sync::Arc::new(api::Api {
            controller,
            secret: secret.clone(),
            shutdown,
            token_ttl: std::time::Duration::from_secs(3600),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, api::router(api)).await });
        // Plain HTTP on purpose: this test is about error mapping, not transport.
        let token = secret.token("app/0", std::time::Duration::from_secs(3600));
        let client = ControllerClient::new(&url, "app", &token, &leaderd_net::tls::Trust::InsecureHttp).unwrap();
        let term = client.claim(std::time::Duration::from_secs(60)).await.unwrap().term.unwrap();
        let refused = client.merge(term, settings(&[("x=y", "v")])).await;
        match refused {
            Err(LeaderWriteError::Invalid(message)) => assert!(message.contains("invalid key \"x=y\""), "{message}"),
            other => panic!("expected an invalid-key refusal, got {other:?}"),
        }
        assert_eq!(client.merge(term, settings(&[("x", "v")])).await, Ok(1));
        server.abort();
    });
}

#[test]
fn a_controller_on_a_listen_fd_that_is_not_open_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_leaderd"))
        .args(["controller", "--listen-fd", "97", "--store", "memory", "--insecure-http"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "leaderd: --listen-fd 97: no such open file\n");
}
