//! The event log end to end: a real `leaderd up` with a failover writes `<state>/events.jsonl`
//! (private), which outlives Ctrl-C and `kill -9` of `up`; `leaderd debug-log` replays it whole,
//! filters it, and follows it as it grows.

use leaderd_testkit::cluster;

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use cluster::{pid_alive, Up, LEADERD};
use leaderd_testkit::events::RecordExt;

const T: Duration = Duration::from_secs(20);

fn records(up: &Up) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(up.state.join("events.jsonl")).unwrap();
    text.lines().map(|l| serde_json::from_str(l).expect("every line is one JSON record")).collect()
}

fn debug_log(up: &Up, args: &[&str]) -> Vec<String> {
    let mut all = vec!["debug-log", "--no-tail"];
    all.extend(args);
    let out = up.leaderd(&all);
    assert!(out.status.success(), "debug-log {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(String::from).collect()
}

/// Starts a 3-unit up, waits for all starts, kills the leader's agent and waits for the next
/// term. Returns the first leader's name.
fn failover(up: &Up) -> String {
    up.wait_hook_finished(&["shared-secret/0", "shared-secret/1", "shared-secret/2"], "start", T);
    let leader = up.wait_event(T, |r| r.elected() == Some(1)).unit.expect("a unit was elected");
    assert_eq!(up.kill_leader(&leader, T).elected(), Some(2));
    leader
}

#[test]
fn the_log_survives_ctrl_c_and_debug_log_replays_and_filters_it() {
    let mut up = Up::start(None, 3, "1s");
    let leader = failover(&up);
    // A line that arrives while `debug-log --tail` follows the log.
    let mut follow = Command::new(LEADERD)
        .args(["debug-log", "--tail", "-n", "0", "-i", "leaderd-up"])
        .env("LEADERD_STATE", &up.state)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = follow.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    // Once it has the log open, what comes next is new to it.
    let fds = format!("/proc/{}/fd", follow.id());
    let log = up.state.join("events.jsonl");
    up.until("debug-log to open the log", T, || {
        std::fs::read_dir(&fds).is_ok_and(|d| d.flatten().any(|e| std::fs::read_link(e.path()).is_ok_and(|p| p == log)))
    });
    assert!(up.stop(libc::SIGINT).success());
    // "stopping" then, after the agents have stopped, "stopped" (the first could, in theory, land
    // between its open and its first read, and count as backlog).
    let mut followed = Vec::new();
    while let Ok(line) = rx.recv_timeout(T) {
        followed.push(line);
        if followed.last().unwrap().ends_with("leaderd up: stopped") {
            break;
        }
    }
    let _ = follow.kill();
    let _ = follow.wait();
    assert!(
        followed
            .last()
            .is_some_and(|l| l.starts_with("leaderd-up: ") && l.ends_with(" INFO leaderd.up leaderd up: stopped")),
        "followed the new lines: {followed:?}"
    );

    let path = up.state.join("events.jsonl");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    let all = records(&up);
    let kinds: Vec<&str> = all.iter().map(|r| r["event"].as_str().unwrap()).collect();
    for kind in
        ["up-started", "leader-elected", "hook-started", "hook-finished", "juju-log", "agent-exited", "up-stopped"]
    {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    // Every record has both stamps, and the monotonic ones order the history.
    let stamps: Vec<u64> = all.iter().map(|r| r["mono_ns"].as_u64().unwrap()).collect();
    assert!(all.iter().all(|r| r["time"].as_str().unwrap().ends_with('Z')));
    let mut sorted = stamps.clone();
    sorted.sort();
    assert_eq!((stamps.first(), stamps.last()), (sorted.first(), sorted.last()));
    let died = all.iter().find(|r| r["event"] == "agent-exited").unwrap();
    assert_eq!((died["unit"].as_str(), died["how"].as_str()), (Some(leader.as_str()), Some("signal 9")));

    // --replay: every record but the TRACE lease grants, one text line each, in order.
    let replay = debug_log(&up, &["--replay"]);
    assert_eq!(replay.len(), all.iter().filter(|r| r["level"] != "TRACE").count());
    assert!(replay[0].starts_with("leaderd-up: ") && replay[0].contains(" INFO leaderd.up leaderd up: application"));
    assert!(replay.last().unwrap().ends_with("leaderd up: stopped"));
    // Each line up printed for a unit is in the log.
    for line in up.output().lines().filter(|l| l.contains("shared-secret/")) {
        let text = line.split_once(": ").unwrap().1;
        let text = text.trim_start_matches("  | ");
        let text = text.split_once(": ").filter(|_| text.starts_with("juju-log")).map_or(text, |(_, m)| m);
        assert!(replay.iter().any(|l| l.ends_with(text)), "{line:?} in the replay");
    }
    // The default: the last 10.
    assert_eq!(debug_log(&up, &[]), replay[replay.len() - 10..]);
    assert_eq!(debug_log(&up, &["-n", "3"]), replay[replay.len() - 3..]);
    assert_eq!(debug_log(&up, &["--replay", "--limit", "2"]), replay[..2]);

    // Filters: one unit, an application, a level.
    let tag = format!("unit-{}", leader.replace('/', "-"));
    let one = debug_log(&up, &["--replay", "--include", &leader]);
    assert!(!one.is_empty() && one.iter().all(|l| l.starts_with(&format!("{tag}: "))));
    assert_eq!(debug_log(&up, &["--replay", "-i", &tag]), one);
    let others = debug_log(&up, &["--replay", "-x", &leader]);
    assert_eq!(one.len() + others.len(), replay.len());
    let warnings = debug_log(&up, &["--replay", "--level", "WARNING"]);
    assert!(warnings.iter().any(|l| l.contains(" WARNING leaderd.up agent exited (signal 9)")));
    assert!(warnings.iter().all(|l| l.contains(" WARNING ") || l.contains(" ERROR ")));
    let traced = debug_log(&up, &["--replay", "--level", "TRACE", "--format", "json"]);
    assert_eq!(traced.len(), all.len());
    assert!(traced.iter().any(|l| l.contains("\"event\":\"lease\"")));
}

#[test]
fn the_log_survives_kill_9_of_up() {
    let mut up = Up::start(None, 3, "1s");
    failover(&up);
    let printed = up.count("shared-secret/");
    leaderd_sys::process::signal(up.child.id(), leaderd_sys::process::Signal::KILL);
    up.child.wait().unwrap();
    // The agents are told (SIGTERM) when up dies; wait for them to go.
    let units = up.up_json()["units"].as_array().unwrap().clone();
    up.until("the agents to exit", T, || {
        units.iter().filter_map(|u| u["pid"].as_u64()).all(|pid| !pid_alive(pid as u32))
    });
    let all = records(&up);
    let unit_records = all.iter().filter(|r| r["unit"].is_string() && r["level"] != "TRACE").count();
    // Some events went only to the log (settings versions); none up printed is missing.
    assert!(unit_records >= printed, "{unit_records} records for {printed} printed lines");
    let replay = debug_log(&up, &["--replay", "-i", "shared-secret"]);
    assert!(replay.iter().any(|l| l.contains("leader elected (term 2)")));
}
