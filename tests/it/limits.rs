//! Connection limits on every server of a real `leaderd up`: the controller (TLS over TCP),
//! the agent's hook endpoint (`agent.socket`) and its control socket (`run.socket`). A client
//! that trickles its headers, and one that says nothing, are cut off within the timeouts; with
//! 2,000 hostile connections open against any one of them, all still answer real requests at once.
//! Every loop is bounded in count and time; `up` is stopped when its guard drops.

use leaderd_testkit::cluster;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cluster::{recorder_charm, Up};
use leaderd_testkit::events::RecordExt;

const T: Duration = Duration::from_secs(20);

/// A connection to one of the servers, TLS or not.
enum Conn {
    Tls(Box<rustls::StreamOwned<rustls::ClientConnection, TcpStream>>),
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Conn {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Conn::Tls(s) => s.write_all(bytes).and_then(|_| s.flush()),
            Conn::Tcp(s) => s.write_all(bytes),
            Conn::Unix(s) => s.write_all(bytes),
        }
    }

    /// True once the server has closed the connection (waits up to 100 ms to see); what it
    /// sent before goes to `got`.
    fn closed(&mut self, got: &mut Vec<u8>) -> bool {
        let timeout = Some(Duration::from_millis(100));
        let mut buf = [0u8; 4096];
        let read = match self {
            Conn::Tls(s) => {
                s.sock.set_read_timeout(timeout).unwrap();
                s.read(&mut buf)
            }
            Conn::Tcp(s) => {
                s.set_read_timeout(timeout).unwrap();
                s.read(&mut buf)
            }
            Conn::Unix(s) => {
                s.set_read_timeout(timeout).unwrap();
                s.read(&mut buf)
            }
        };
        match read {
            Ok(0) => true,
            // An answer (a 408, say) before the close: not closed yet.
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                false
            }
            Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
        }
    }
}

/// One of the three servers.
#[derive(Clone)]
enum Target {
    Controller { port: u16, ca: PathBuf },
    Socket(PathBuf),
}

impl Target {
    fn name(&self) -> String {
        match self {
            Target::Controller { .. } => "the controller".into(),
            Target::Socket(path) => path.file_name().unwrap().to_string_lossy().into_owned(),
        }
    }

    /// A connection; for the controller, with the TLS handshake done when `tls`.
    fn connect(&self, tls: bool) -> Conn {
        match self {
            Target::Controller { port, ca } => {
                let tcp = TcpStream::connect(("127.0.0.1", *port)).unwrap();
                if !tls {
                    return Conn::Tcp(tcp);
                }
                let config = std::sync::Arc::new(leaderd_net::tls::client_config(ca).unwrap());
                let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
                let conn = rustls::ClientConnection::new(config, name).unwrap();
                let mut stream = rustls::StreamOwned::new(conn, tcp);
                stream.sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                while stream.conn.is_handshaking() {
                    stream.conn.complete_io(&mut stream.sock).expect("TLS handshake with the real controller");
                }
                Conn::Tls(Box::new(stream))
            }
            Target::Socket(path) => Conn::Unix(UnixStream::connect(path).unwrap()),
        }
    }
}

/// How long until the server closes `conn`, feeding it `trickle` every 200 ms (nothing if
/// empty); panics after 10 s.
fn time_to_close(conn: Conn, trickle: &[u8], what: &str) -> Duration {
    answer_and_close(conn, trickle, what).0
}

/// [`time_to_close`], and what the server sent before it closed.
fn answer_and_close(mut conn: Conn, trickle: &[u8], what: &str) -> (Duration, String) {
    let start = Instant::now();
    let mut got = Vec::new();
    let done = |got: &Vec<u8>| (start.elapsed(), String::from_utf8_lossy(got).into_owned());
    for _ in 0..100 {
        if !trickle.is_empty() && conn.write(trickle).is_err() {
            // Closed for writing: read what it answered before it closed.
            for _ in 0..10 {
                if conn.closed(&mut got) {
                    break;
                }
            }
            return done(&got);
        }
        if conn.closed(&mut got) {
            return done(&got);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{what}: the server kept the connection open for {:?}", start.elapsed());
}

fn targets(up: &Up) -> Vec<Target> {
    let url = up.up_json()["controller"]["url"].as_str().unwrap().to_string();
    let port = url.rsplit(':').next().unwrap().parse().unwrap();
    let unit_dir = up.state.join("units/recorder-0");
    vec![
        Target::Controller { port, ca: up.state.join("tls/ca.pem") },
        Target::Socket(unit_dir.join("agent.socket")),
        Target::Socket(unit_dir.join("run.socket")),
    ]
}

fn started(env: &[(&str, &str)], open_files: Option<u64>) -> Up {
    let up = Up::with(Some(&recorder_charm()), 1, "5s").env(env).open_files(open_files).start();
    up.wait_event(T, |r| r.of("recorder/0") && r.hook_finished("start"));
    up
}

#[test]
fn slow_and_idle_connections_are_closed_by_every_server() {
    // Request timeout 1 s, idle timeout 2 s, for the controller and the agent alike.
    let up = started(&[("LEADERD_HEADER_TIMEOUT", "1s"), ("LEADERD_IDLE_TIMEOUT", "2s")], None);
    let slack = Duration::from_millis(1500);
    let secret = up.state.join("secret");
    let token = up.leaderd(&["token", "--operator", "--secret-file", secret.to_str().unwrap()]);
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    for target in targets(&up) {
        let name = target.name();
        // Headers trickled a line at a time, never finished: cut off at the request timeout.
        let mut slow = target.connect(true);
        slow.write(b"POST /v1/status HTTP/1.1\r\nHost: x\r\n").unwrap();
        let took = time_to_close(slow, b"X-Slow: 1\r\n", &format!("{name}: slowloris"));
        eprintln!("{name}: slowloris closed after {took:?}");
        assert!(took >= Duration::from_millis(700) && took <= Duration::from_secs(1) + slack, "{name}: {took:?}");
        // Headers complete, the body trickled and never finished: a 408 at the request timeout.
        // (The controller reads no body without a valid token: this client has one.)
        let mut slow_body = target.connect(true);
        let auth = match target {
            Target::Controller { .. } => format!("Authorization: Bearer {token}\r\n"),
            Target::Socket(_) => String::new(),
        };
        let head = format!("POST /v1/status HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 1000\r\n\r\n{{");
        slow_body.write(head.as_bytes()).unwrap();
        let (took, answer) = answer_and_close(slow_body, b" ", &format!("{name}: slow body"));
        eprintln!("{name}: slow body answered 408 and closed after {took:?}");
        assert!(took >= Duration::from_millis(700) && took <= Duration::from_secs(1) + slack, "{name}: {took:?}");
        assert!(answer.starts_with("HTTP/1.1 408"), "{name}: {answer:?}");
        assert!(answer.contains("the request did not arrive within 1s"), "{name}: {answer:?}");
        // A connection that never sends a byte: cut off at the idle timeout.
        let took = time_to_close(target.connect(true), b"", &format!("{name}: idle"));
        eprintln!("{name}: idle connection closed after {took:?}");
        assert!(took >= Duration::from_millis(1700) && took <= Duration::from_secs(2) + slack, "{name}: {took:?}");
        if let Target::Controller { .. } = target {
            // A TCP connection that never starts TLS: the handshake is bounded by the request timeout.
            let took = time_to_close(target.connect(false), b"", "the controller: no TLS handshake");
            assert!(took <= Duration::from_secs(1) + slack, "no handshake: {took:?}");
        }
    }
    // Body limits: run.socket takes 65,536 bytes, the hook endpoint 8 MiB; more is a clear 413.
    let unit_dir = up.state.join("units/recorder-0");
    for (socket, path, limit) in
        [("run.socket", "/v1/exec/open", 65_536usize), ("agent.socket", "/v1/is-leader", 8 << 20)]
    {
        let body = format!("{{\"pid\": 1, \"pad\": \"{}\"}}", "x".repeat(limit));
        let (status, answer) =
            leaderd_core::unix_http::request(&unit_dir.join(socket), "POST", path, Some(body.as_bytes())).unwrap();
        let answer = String::from_utf8_lossy(&answer);
        assert_eq!(status, 413, "{socket}: {answer}");
        assert!(answer.contains(&format!("larger than the {limit} byte limit")), "{socket}: {answer}");
    }
    // A request in progress is not idle: the agent's 30 s settings watch (a long-poll on the
    // controller, in flight through all of the above) was never cut off by the 2 s idle timeout.
    let log = std::fs::read_to_string(unit_dir.join("agent.log")).unwrap();
    assert!(!log.contains("watching the leader settings failed"), "{log}");
    let out = up.exec("recorder/0", &["is-leader"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "True\n", "{}", String::from_utf8_lossy(&out.stderr));
}

/// Raises this test process's open-file limit to its hard limit; answers the new limit.
fn raise_fd_limit() -> u64 {
    leaderd_sys::process::raise_fd_limit()
}

/// Opens `n` connections to `target` that never send anything, in a thread, within 60 s.
fn flood(target: &Target, n: usize) -> Vec<Conn> {
    let (tx, rx) = std::sync::mpsc::channel();
    let target = target.clone();
    std::thread::spawn(move || {
        let conns: Vec<Conn> = (0..n).map(|_| target.connect(false)).collect();
        let _ = tx.send(conns);
    });
    rx.recv_timeout(Duration::from_secs(60)).expect("opening the hostile connections")
}

fn within<T>(limit: Duration, what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(start.elapsed() <= limit, "{what} took {:?}", start.elapsed());
    out
}

#[test]
fn every_server_answers_with_2000_hostile_connections_open() {
    const HOSTILE: usize = 2000;
    let limit = raise_fd_limit();
    assert!(limit >= HOSTILE as u64 + 256, "this test needs {} open files; the limit is {limit}", HOSTILE + 256);
    // Every process of the cluster gets 1,024 open files at most (a common default), so that
    // 2,000 connections would exhaust any of them without a cap; the controller is capped at
    // 256 connections. The default timeouts (5 s request, 30 s idle), so that the answers
    // below do not come from them.
    let up = started(&[("LEADERD_MAX_CONNECTIONS", "256")], Some(1024));
    for (round, target) in targets(&up).into_iter().enumerate() {
        let name = target.name();
        let hostile = flood(&target, HOSTILE);
        // The controller (an authenticated status call), run.socket (status) and, through the
        // agent's run.socket and hook endpoint, is-leader: each answers well inside the 5 s.
        let start = Instant::now();
        let status = within(Duration::from_secs(3), "leaderd status", || up.status());
        eprintln!("{name} with {HOSTILE} hostile connections: leaderd status took {:?}", start.elapsed());
        let units = &status["applications"][0]["units"];
        let unit = (units[0]["name"].as_str(), units[0]["state"].as_str());
        assert_eq!(unit, (Some("recorder/0"), Some("idle")), "{name}: {status}");
        assert_eq!(status["applications"][0]["leader"], serde_json::json!("recorder/0"), "{name}");
        let out = within(Duration::from_secs(3), "is-leader", || up.exec("recorder/0", &["is-leader"]));
        assert_eq!(String::from_utf8_lossy(&out.stdout), "True\n", "{name}: {}", String::from_utf8_lossy(&out.stderr));
        // The cluster carries on (the agent's own connections to the controller were not starved).
        let out = up.exec("recorder/0", &["leader-set", &format!("flooded={round}")]);
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        drop(hostile);
    }
}

#[test]
fn a_stalled_body_is_evictable_and_a_body_without_a_token_is_never_read() {
    // The controller capped at 64 connections; 150 clients with a valid token each send a
    // request's headers and one byte of its body, then stall. Stalled requests are evicted
    // like slowloris headers (the oldest first), so the cluster and operators get through.
    let up = started(&[("LEADERD_MAX_CONNECTIONS", "64")], None);
    let target = targets(&up).remove(0);
    let secret = up.state.join("secret");
    let token = up.leaderd(&["token", "--operator", "--secret-file", secret.to_str().unwrap()]);
    let token = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let head = format!(
        "POST /v1/applications/recorder/settings/merge HTTP/1.1\r\nHost: c\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    let (tx, rx) = std::sync::mpsc::channel();
    let opener = target.clone();
    std::thread::spawn(move || {
        let conns: Vec<Conn> = (0..150)
            .map(|_| {
                let mut conn = opener.connect(true);
                let _ = conn.write(head.as_bytes());
                conn
            })
            .collect();
        let _ = tx.send(conns);
    });
    let stalled = rx.recv_timeout(Duration::from_secs(30)).expect("150 stalled requests opened (none was evicted?)");
    let status = within(Duration::from_secs(3), "leaderd status", || up.status());
    assert_eq!(status["applications"][0]["leader"], serde_json::json!("recorder/0"), "{status}");
    let out = within(Duration::from_secs(3), "leader-set", || up.exec("recorder/0", &["leader-set", "stalled=1"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    drop(stalled);

    // Without a token, a request that announces an 8 MB body is refused before any of it is
    // read: 401 at once, and the connection closed.
    let mut conn = target.connect(true);
    let request =
        "POST /v1/applications/recorder/settings/merge HTTP/1.1\r\nHost: c\r\nContent-Length: 8000000\r\n\r\n";
    conn.write(request.as_bytes()).unwrap();
    let (took, answer) = answer_and_close(conn, b"", "a body without a token");
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("missing Authorization header"), "{answer}");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn exec_opens_waiting_for_the_hook_lock_are_bounded_and_status_stays_reachable() {
    let up = started(&[], None);
    let socket = up.state.join("units/recorder-0/run.socket");
    let open = |socket: &std::path::Path| -> UnixStream {
        let mut conn = UnixStream::connect(socket).unwrap();
        conn.write_all(b"POST /v1/exec/open HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}").unwrap();
        conn
    };
    // This test process holds the unit's hook lock through one exec context.
    let mut holder = open(&socket);
    holder.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 8192];
    let n = holder.read(&mut buf).unwrap();
    let held = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(held.starts_with("HTTP/1.1 200"), "{held}");
    // 20 more: 8 wait for the lock, the others are refused at once with 503.
    let mut refused = 0;
    let mut waiting = Vec::new();
    for _ in 0..20 {
        let mut conn = open(&socket);
        conn.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
        match conn.read(&mut buf) {
            Ok(n) if n > 0 => {
                let answer = String::from_utf8_lossy(&buf[..n]).into_owned();
                assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
                assert!(answer.contains("already waiting for this unit's hook lock"), "{answer}");
                refused += 1;
            }
            _ => waiting.push(conn),
        }
    }
    assert_eq!((waiting.len(), refused), (8, 12));
    let status = within(Duration::from_secs(3), "leaderd status", || up.status());
    assert_eq!(status["applications"][0]["units"][0]["name"], serde_json::json!("recorder/0"), "{status}");
    drop(waiting);
    drop(holder);
}
