//! End to end: `leaderd up` with real controller and agent processes, the recorder charm and
//! short leases (guarantee 1 s, lease 2 s). Every wait has a deadline; every process is stopped
//! when its guard drops.

use leaderd_testkit::cluster;

use std::process::Command;
use std::time::{Duration, Instant};

use cluster::{pid_alive, recorder_charm, Up};
use leaderd_testkit::events::{Event, Mark, Record, RecordExt};
use serde_json::json;

const APP: &str = "recorder";
const T: Duration = Duration::from_secs(15);

fn units() -> Vec<String> {
    (0..3).map(|i| format!("{APP}/{i}")).collect()
}

/// Starts 3 units and waits until every one has run start; returns the leader.
fn started() -> (Up, String) {
    let up = Up::start(Some(&recorder_charm()), 3, "1s");
    up.wait_hook_finished(&units(), "start", T);
    let leader = up.status()["applications"][0]["leader"].as_str().expect("a leader").to_string();
    (up, leader)
}

/// A minion of the shared-secret charm read the secret the leader published.
fn got_the_secret(r: &Record) -> bool {
    r.juju_message().is_some_and(|m| m.starts_with("got the shared secret from "))
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn three_units_one_leader_and_settings_reach_every_minion() {
    let (up, leader) = started();
    assert_eq!(up.count_events(|r| r.elected().is_some()), 1, "{}", up.output());
    assert_eq!(up.count_events(|r| r.hook_started("leader-elected")), 1, "{}", up.output());
    assert_eq!(up.count_events(|r| r.of(&leader) && r.elected() == Some(1)), 1, "the leader status names");
    for unit in units() {
        let events = up.charm_log(&unit);
        let start = events.iter().find(|e| e.starts_with("start ")).unwrap_or_else(|| panic!("{unit}: {events:?}"));
        let want = if unit == leader { "leader=True" } else { "leader=False" };
        assert!(start.contains(want), "{unit}: {start}");
        assert_eq!(events[0].split(' ').next(), Some("install"), "{unit}: {events:?}");
        let second = if unit == leader { "leader-elected" } else { "leader-settings-changed" };
        assert_eq!(events[1].split(' ').next(), Some(second), "{unit}: lifecycle {events:?}");
    }

    // leader-set on the leader reaches every minion's leader-settings-changed and leader-get.
    let from = Mark::now();
    let out = up.exec(&format!("{APP}/leader"), &["leader-set", "colour=blue"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for unit in units().into_iter().filter(|u| *u != leader) {
        up.wait_event_after(from, T, |r| r.of(&unit) && r.hook_finished("leader-settings-changed"));
        up.until(&format!("{unit} sees colour"), T, || {
            up.charm_log(&unit).iter().any(|e| e.contains("\"colour\":\"blue\""))
        });
        assert_eq!(stdout(&up.exec(&unit, &["leader-get", "colour"])), "blue\n");
    }

    // A minion's leader-set fails with Juju's words and changes nothing.
    let minion = units().into_iter().find(|u| *u != leader).unwrap();
    let out = up.exec(&minion, &["leader-set", "colour=red"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ERROR cannot write leadership settings: cannot write settings: not the leader\n"
    );
    assert_eq!(stdout(&up.exec(&leader, &["leader-get", "colour"])), "blue\n");

    // exec on APP/leader and on a named unit; is-leader agrees with status.
    assert_eq!(
        stdout(&up.exec(&format!("{APP}/leader"), &["sh", "-c", "echo $JUJU_UNIT_NAME; is-leader"])),
        format!("{leader}\nTrue\n")
    );
    assert_eq!(stdout(&up.exec(&minion, &["is-leader", "--format=json"])), "false\n");
    assert_eq!(up.exec(&minion, &["sh", "-c", "exit 7"]).status.code(), Some(7), "exit codes pass through");

    // A tool run from a background process after its hook ended fails clearly.
    up.until("the background tool call", T, || up.unit_dir(&minion).join("charm/bg.rc").exists());
    let dir = up.unit_dir(&minion).join("charm");
    assert_eq!(std::fs::read_to_string(dir.join("bg.rc")).unwrap().trim(), "1");
    let err = std::fs::read_to_string(dir.join("bg.err")).unwrap();
    assert!(err.starts_with("ERROR bad request: hook context \"") && err.contains("has ended"), "{err}");
}

#[test]
fn sigkill_of_the_leader_fails_over_at_the_lease_expiry() {
    let (up, leader) = started();
    let status = up.status();
    let asked = Mark::now();
    let remaining = Duration::from_millis(status["applications"][0]["lease_remaining_ms"].as_u64().unwrap());
    let term = status["applications"][0]["term"].as_u64().unwrap();
    let pid =
        status["applications"][0]["units"].as_array().unwrap().iter().find(|u| u["name"] == json!(leader)).unwrap()
            ["pid"]
            .as_u64()
            .unwrap();
    let from = Mark::now();
    leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::KILL);
    let expiry = Duration::from_nanos(asked.0) + remaining;
    let elected = up.wait_event_after(from, T, |r| r.elected() == Some(term + 1));
    let new_leader = elected.unit.clone().expect("a unit's record");
    assert_ne!(new_leader, leader);
    // Not before the old lease's expiry (less the status call's own latency), and within one
    // guarantee after it (as the new leader's agent stamped its election).
    let elected_at = Duration::from_nanos(elected.mono_ns);
    assert!(elected_at + Duration::from_millis(100) >= expiry, "elected {:?} before the expiry", expiry - elected_at);
    assert!(elected_at <= expiry + Duration::from_secs(1), "elected {:?} after the expiry", elected_at - expiry);
    up.wait_event_after(from, T, |r| r.of(&new_leader) && r.hook_finished("leader-elected"));
    let elected = up.charm_log(&new_leader).into_iter().find(|e| e.starts_with("leader-elected")).unwrap();
    assert!(
        elected.contains(&format!("\"elected-by\":\"{leader}\"")),
        "the new leader sees the old settings: {elected}"
    );
}

#[test]
fn a_stopped_leader_loses_leadership_and_learns_it_when_it_resumes() {
    let (up, leader) = started();
    let pid = up.agent_pid(&leader);
    let from = Mark::now();
    leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::STOP);
    let elected = up.wait_event_after(from, T, |r| r.elected() == Some(2));
    assert!(!elected.of(&leader), "{}", elected.line());
    let resumed = Mark::now();
    leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::CONT);
    assert_eq!(stdout(&up.exec(&leader, &["is-leader"])), "False\n");
    let out = up.exec(&leader, &["leader-set", "late=1"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "ERROR cannot write leadership settings: cannot write settings: not the leader\n"
    );
    up.wait_event_after(resumed, T, |r| r.of(&leader) && r.hook_started("leader-settings-changed"));
    assert!(up.status()["applications"][0]["leader"] != json!(leader));
}

#[test]
fn a_restarted_leader_agent_does_not_run_leader_elected_again() {
    let (up, leader) = started();
    let from = Mark::now();
    let _agent = up.restart_agent(&leader, || {});
    // What the unit records after its first agent exited is the second agent's.
    let exited = up.wait_event_after(from, T, |r| r.of(&leader) && r.agent_exited().is_some());
    up.wait_event_after(Mark::of(&exited), T, |r| r.of(&leader) && r.elected() == Some(1));
    // Give it time to (wrongly) run hooks, then check it ran none.
    std::thread::sleep(Duration::from_millis(1500));
    let seen: Vec<_> = up.events_after(Mark::of(&exited)).into_iter().filter(|r| r.of(&leader)).collect();
    let hook = |r: &Record| match &r.event {
        Event::HookStarted { hook } | Event::HookNotStarted { hook, .. } => Some(hook.clone()),
        _ => None,
    };
    let hooks: Vec<String> = seen.iter().filter_map(hook).collect();
    assert!(!hooks.iter().any(|h| h == "leader-elected" || h == "install"), "{hooks:?}");
    assert_eq!(up.charm_log(&leader).iter().filter(|e| e.starts_with("leader-elected")).count(), 1);
}

#[test]
fn restarting_the_controller_under_up_keeps_the_leader_and_every_write() {
    let (up, leader) = started();
    for n in 0..5 {
        let out = up.exec(&leader, &["leader-set", &format!("k{n}={n}")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let controller = up.up_json()["controller"]["pid"].as_u64().unwrap() as i32;
    let from = Mark::now();
    leaderd_sys::process::signal(controller as u32, leaderd_sys::process::Signal::KILL);
    up.wait_event_after(from, T, |r| r.controller_exited());
    up.until("the controller to answer again", T, || up.leaderd(&["status", "--format", "json"]).status.success());
    // No second leader while the restarted controller honours the old one, and after.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(up.count_events(|r| r.elected().is_some()), 1, "{}", up.output());
    let settings = stdout(&up.exec(&leader, &["leader-get", "--format=json"]));
    for n in 0..5 {
        assert!(settings.contains(&format!("\"k{n}\":\"{n}\"")), "{settings}");
    }
    assert!(up.exec(&leader, &["leader-set", "after=restart"]).status.success());
}

#[test]
fn up_stops_cleanly_and_starts_again_in_the_same_directory() {
    let mut up = Up::start(None, 2, "1s");
    up.wait_event(T, got_the_secret);
    let record = up.up_json();
    let pids: Vec<u32> = record["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["pid"].as_u64().unwrap() as u32)
        .chain([record["controller"]["pid"].as_u64().unwrap() as u32])
        .collect();
    let status = up.stop(libc::SIGINT);
    assert!(status.success(), "{status:?}");
    for pid in &pids {
        assert!(!pid_alive(*pid), "process {pid} outlived leaderd up");
    }
    assert!(!up.state.join("up.json").exists());
    for unit in ["shared-secret-0", "shared-secret-1"] {
        assert!(!up.state.join("units").join(unit).join("agent.socket").exists(), "socket left behind");
    }
    // Again, in the same directory.
    let dir = std::mem::replace(&mut up.dir, tempfile::tempdir().unwrap());
    let again = Up::with(None, 2, "1s").dir(dir).start();
    again.wait_event(T, got_the_secret);
    assert_eq!(again.count_events(|r| r.elected().is_some()), 1, "{}", again.output());
}

#[test]
fn an_up_with_bad_arguments_leaves_the_previous_deployment_as_it_was() {
    let mut up = Up::start(None, 1, "1s");
    up.wait_event(T, |r| r.of("shared-secret/0") && r.hook_finished("start"));
    assert!(up.stop(libc::SIGINT).success());
    let kept = ["controller.db", "secret", "units/shared-secret-0/uniter.json", "units/shared-secret-0/charm"];
    for bad in [&["--units", "0"][..], &["--charm", "./nope"], &["--app", "Bad_Name"]] {
        // Under `timeout`: an `up` that wrongly accepted the arguments would run for ever.
        let out = Command::new("timeout")
            .args(["20", cluster::LEADERD])
            .args(["up", "--state", up.state.to_str().unwrap()])
            .args(bad)
            .current_dir(up.dir.path())
            .output()
            .unwrap();
        assert!(!out.status.success(), "{bad:?} was accepted");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("leaderd: "), "{bad:?}: {stderr}");
        for file in kept {
            assert!(up.state.join(file).exists(), "{bad:?} removed {file}; stderr: {stderr}");
        }
    }
}

#[test]
fn a_failing_hook_is_reported_retried_and_shown_in_status() {
    let charm = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/flaky-charm");
    let up = Up::with(Some(&charm), 1, "1s").args(&["--hook-retry-delay", "1s", "--hook-retry-max", "2s"]).start();
    let flaky = |r: &Record| r.of("flaky/0");
    up.wait_event(T, |r| flaky(r) && r.hook_failed("start", 3));
    up.wait_event(T, |r| flaky(r) && r.hook_output("not ready yet"));
    let retry = up.wait_event(T, |r| flaky(r) && r.hook_retry("start") == Some(Duration::from_secs(1)));
    up.wait_event_after(Mark::of(&retry), T, |r| flaky(r) && r.hook_retry("start") == Some(Duration::from_secs(2)));
    let unit = &up.status()["applications"][0]["units"][0];
    assert_eq!(unit["failing_hook"]["hook"], json!("start"), "{unit}");
    assert_eq!(unit["failing_hook"]["exit_code"], json!(3), "{unit}");
    let table = stdout(&up.leaderd(&["status"]));
    assert!(table.contains("start (exit 3, "), "{table}");
    // The write made before the failure stays.
    assert_eq!(stdout(&up.exec("flaky/0", &["leader-get", "attempted"])), "yes\n");
    // Backoff is capped (at --hook-retry-max): it never waits 4 s.
    std::thread::sleep(Duration::from_secs(3));
    let max = Duration::from_secs(2);
    assert_eq!(up.count_events(|r| r.hook_retry("start").is_some_and(|d| d > max)), 0, "{}", up.output());
    std::fs::write(up.state.join("units/flaky-0/charm/ready"), "").unwrap();
    up.wait_event(T, |r| flaky(r) && r.hook_finished("start"));
    up.until("status to clear the failure", T, || up.status()["applications"][0]["units"][0]["failing_hook"].is_null());
}

#[test]
fn the_agent_state_dir_and_sockets_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let up = Up::start(None, 1, "1s");
    up.wait_event(T, |r| r.of("shared-secret/0") && r.hook_finished("start"));
    let dir = up.state.join("units/shared-secret-0");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("agent.socket")), 0o600);
    assert_eq!(mode(&dir.join("run.socket")), 0o600);
    assert_eq!(mode(&up.state.join("secret")), 0o600);
    // Everything else up and the agent keep about the deployment is private too.
    assert_eq!(mode(&up.state), 0o700);
    assert_eq!(mode(&up.state.join("tls")), 0o700);
    for file in ["up.json", "up.lock", "controller.db", "controller.log", "tls/ca.key", "tls/controller.key"] {
        assert_eq!(mode(&up.state.join(file)), 0o600, "{file}");
    }
    for file in ["uniter.json", "model-uuid", "agent.log", "agent.lock"] {
        assert_eq!(mode(&dir.join(file)), 0o600, "{file}");
    }
    // The tools directory links the four tools to jujuc.
    for tool in ["is-leader", "leader-get", "leader-set", "juju-log"] {
        let target = std::fs::read_link(dir.join("tools").join(tool)).unwrap();
        assert_eq!(target.file_name().unwrap(), "jujuc");
    }
}

/// Every unit's answer to is-leader, from the units' own hook contexts.
fn leaders_now(up: &Up) -> Vec<String> {
    units().into_iter().filter(|u| stdout(&up.exec(u, &["is-leader"])) == "True\n").collect()
}

#[test]
fn a_revoke_never_makes_two_leaders_and_hands_over_at_the_expiry() {
    let (up, leader) = started();
    let url = up.up_json()["controller"]["url"].as_str().unwrap().to_string();
    let operator =
        stdout(&up.leaderd(&["token", "--operator", "--secret-file", up.state.join("secret").to_str().unwrap()]));
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let from = Mark::now();
    let revoked = runtime.block_on(async {
        let tls = leaderd_net::tls::client_config(&up.state.join("tls/ca.pem")).unwrap();
        let response = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .build()
            .unwrap()
            .post(format!("{url}/v1/applications/{APP}/lease/revoke"))
            .bearer_auth(operator.trim())
            .send()
            .await
            .unwrap();
        response.text().await.unwrap()
    });
    assert!(revoked.contains("\"revoked\":true"), "{revoked}");
    let deadline = Instant::now() + Duration::from_secs(4);
    while Instant::now() < deadline {
        let leading = leaders_now(&up);
        assert!(leading.len() <= 1, "two leaders after a revoke: {leading:?}");
    }
    up.wait_event_after(from, T, |r| r.elected() == Some(2));
    let renewed = up.events_after(from).into_iter().find(|r| r.of(&leader) && r.elected().is_some());
    assert!(renewed.is_none(), "the revoked unit did not renew: {renewed:?}");
}

#[test]
fn a_second_up_or_agent_on_the_same_state_is_refused() {
    let (up, leader) = started();
    let second =
        up.leaderd(&["up", "--state", up.state.to_str().unwrap(), "--charm", recorder_charm().to_str().unwrap()]);
    assert!(!second.status.success());
    assert!(
        String::from_utf8_lossy(&second.stderr).contains("another leaderd up is running"),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let unit = up.up_json()["units"].as_array().unwrap().iter().find(|u| u["name"] == json!(leader)).unwrap().clone();
    let command: Vec<String> = serde_json::from_value(unit["command"].clone()).unwrap();
    let token = up.leaderd(&["token", "--secret-file", up.state.join("secret").to_str().unwrap(), &leader]);
    let out =
        Command::new(&command[0]).args(&command[1..]).env("LEADERD_TOKEN", stdout(&token).trim()).output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another agent is running"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The running agent kept its sockets and still answers.
    assert_eq!(stdout(&up.exec(&leader, &["is-leader"])), "True\n");
}

#[test]
fn after_a_long_controller_outage_a_leader_is_back_within_a_lease() {
    let (up, _) = started();
    let controller = up.up_json()["controller"]["pid"].as_u64().unwrap() as i32;
    // Frozen past every unit's lease (2 s), then killed: `up` restarts it.
    leaderd_sys::process::signal(controller as u32, leaderd_sys::process::Signal::STOP);
    std::thread::sleep(Duration::from_secs(3));
    let from = Mark::now();
    leaderd_sys::process::signal(controller as u32, leaderd_sys::process::Signal::KILL);
    up.wait_event_after(from, T, |r| r.controller_exited());
    let restarted = Instant::now();
    up.until("a leader again", Duration::from_secs(8), || leaders_now(&up).len() == 1);
    assert!(restarted.elapsed() < Duration::from_secs(8), "{:?}", restarted.elapsed());
}

#[test]
fn hook_contexts_end_with_the_hook_process_even_when_a_child_holds_its_output() {
    let (up, leader) = started();
    let dir = up.unit_dir(&leader).join("charm");
    // start's background child holds stdout for a second; the hook finished without it.
    let finished = up.wait_event(T, |r| r.of(&leader) && r.hook_finished("start"));
    let Event::HookFinished { duration_ms, .. } = finished.event else { unreachable!() };
    assert!(duration_ms < 1000, "the hook waited for its background child: {}", finished.line());
    up.until("the background child's tool call", T, || dir.join("bg2.rc").exists());
    assert_eq!(std::fs::read_to_string(dir.join("bg2.rc")).unwrap().trim(), "1");
    assert!(std::fs::read_to_string(dir.join("bg2.err")).unwrap().contains("has ended"));
}

#[test]
fn a_killed_exec_leaves_no_usable_context_and_status_survives_a_stopped_agent() {
    let (up, leader) = started();
    let file = up.dir.path().join("context-id");
    let mut exec = Command::new(cluster::LEADERD)
        .args([
            "exec",
            "--unit",
            &leader,
            "--",
            "sh",
            "-c",
            &format!("echo $JUJU_CONTEXT_ID > {}; exec sleep 30", file.display()),
        ])
        .env("LEADERD_STATE", &up.state)
        .spawn()
        .unwrap();
    up.until("the exec command to start", T, || std::fs::read_to_string(&file).is_ok_and(|s| !s.trim().is_empty()));
    let id = std::fs::read_to_string(&file).unwrap().trim().to_string();
    let _ = exec.kill();
    let _ = exec.wait();
    let socket = up.unit_dir(&leader).join("agent.socket");
    let tool = |id: &str| {
        Command::new(cluster::LEADERD.replace("leaderd", "jujuc"))
            .args(["is-leader"])
            .env("JUJU_CONTEXT_ID", id)
            .env("JUJU_AGENT_SOCKET_ADDRESS", &socket)
            .env("JUJU_AGENT_SOCKET_NETWORK", "unix")
            .output()
            .unwrap()
    };
    up.until("the dead exec's context to end", T, || String::from_utf8_lossy(&tool(&id).stderr).contains("has ended"));

    // A stopped agent: status still answers, showing it down.
    let minion = units().into_iter().find(|u| *u != leader).unwrap();
    let pid = up.agent_pid(&minion);
    leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::STOP);
    let asked = Instant::now();
    let status = up.status();
    leaderd_sys::process::signal(pid as u32, leaderd_sys::process::Signal::CONT);
    assert!(asked.elapsed() < Duration::from_secs(6), "{:?}", asked.elapsed());
    let unit = status["applications"][0]["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == json!(minion))
        .unwrap()
        .clone();
    assert_eq!(unit["state"], json!("down"), "{unit}");
}

#[test]
fn nothing_a_hook_started_outlives_up() {
    let mut up = Up::start(Some(&recorder_charm()), 2, "1s");
    up.wait_hook_finished(&[format!("{APP}/0"), format!("{APP}/1")], "start", T);
    // This cluster's `sleep 3127` processes (other tests run the same charm), from /proc.
    let state = up.state.display().to_string();
    let running = || {
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|e| {
                let dir = e.ok()?.path();
                Some((std::fs::read(dir.join("cmdline")).ok()?, std::fs::read(dir.join("environ")).ok()?))
            })
            .filter(|(cmdline, environ)| {
                cmdline.as_slice() == b"sleep\x003127\x00" && String::from_utf8_lossy(environ).contains(&state)
            })
            .count()
    };
    // Each start hook leaves its child in the background: wait for both to be seen.
    up.until("the hooks' long-running children to be up", T, || running() >= 2);
    // One agent dies without a chance to clean up; `up` does it for it.
    leaderd_sys::process::signal(up.agent_pid(&format!("{APP}/0")) as u32, leaderd_sys::process::Signal::KILL);
    up.wait_event(T, |r| r.of(&format!("{APP}/0")) && r.agent_exited().is_some());
    up.until("the killed agent's hook children to stop", Duration::from_secs(5), || running() == 1);
    assert!(up.stop(libc::SIGINT).success());
    up.until("the hooks' children to stop", Duration::from_secs(5), || running() == 0);
}

#[test]
fn a_leader_elected_that_never_succeeded_runs_again_after_an_agent_restart() {
    let script = "#!/bin/sh\n[ -f \"$CHARM_DIR/ready\" ] || exit 4\njuju-log elected at last\n";
    let charm = cluster::charm("name: stubborn\n", &[("leader-elected", script)]);
    let up = Up::start(Some(charm.path()), 1, "1s");
    up.wait_event(T, |r| r.of("stubborn/0") && r.hook_failed("leader-elected", 4));
    let ready = up.state.join("units/stubborn-0/charm/ready");
    let from = Mark::now();
    let _agent = up.restart_agent("stubborn/0", || std::fs::write(&ready, "").unwrap());
    up.wait_event_after(from, T, |r| r.of("stubborn/0") && r.hook_finished("leader-elected"));
}

#[test]
fn minions_start_promptly_when_no_settings_were_ever_written() {
    let charm = cluster::charm("name: quiet\n", &[("start", "#!/bin/sh\ntrue\n")]);
    let started = Instant::now();
    let up = Up::start(Some(charm.path()), 2, "1s");
    up.wait_hook_finished(&["quiet/0", "quiet/1"], "start", T);
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

/// `up` refuses a charm without its execute bits (charm_forms.rs); a unit's copy that lost one
/// afterwards (here the deployed revision every new unit copies, changed under `up`) is named
/// by the agent, which runs that copy.
#[test]
fn a_hook_without_its_execute_bit_is_reported_as_not_executable_and_retried() {
    use std::os::unix::fs::PermissionsExt;
    let charm = cluster::charm("name: noexec\n", &[("install", "#!/bin/sh\ntrue\n")]);
    let up = Up::with(Some(charm.path()), 1, "1s").args(&["--hook-retry-delay", "1s"]).start();
    up.wait_hook_finished(&["noexec/0"], "install", T);
    let deployed = up.state.join("charms/noexec/0/hooks/install");
    std::fs::set_permissions(&deployed, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(up.leaderd(&["add-unit", "noexec"]).status.success());
    let copy = up.state.join("units/noexec-1/charm/hooks/install");
    let want = format!("not executable: chmod +x {}", copy.display());
    let noexec = |r: &Record| r.of("noexec/1");
    let at = up.wait_event(T, |r| noexec(r) && r.hook_not_started("install").is_some());
    assert_eq!(at.hook_not_started("install"), Some(want.as_str()), "{}", at.line());
    let retry =
        up.wait_event_after(Mark::of(&at), T, |r| noexec(r) && r.hook_retry("install") == Some(Duration::from_secs(1)));
    up.wait_event_after(Mark::of(&retry), T, |r| noexec(r) && r.hook_retry("install") == Some(Duration::from_secs(2)));
    // Not run at all (no exit 127 from a shell that could not exec it).
    assert_eq!(
        up.count_events(|r| noexec(r) && (r.hook_started("install") || r.hook_ended("install"))),
        0,
        "{}",
        up.output()
    );
    let unit = &up.status()["applications"][0]["units"][1];
    assert_eq!(unit["failing_hook"]["hook"], json!("install"), "{unit}");
    assert_eq!(unit["failing_hook"]["exit_code"], json!(null), "{unit}");
    assert_eq!(unit["failing_hook"]["error"], json!(format!("not executable: chmod +x {}", copy.display())));
    let table = stdout(&up.leaderd(&["status"]));
    assert!(table.contains("install (not executable, "), "{table}");
    // Doing what it says fixes it at the next retry.
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o700)).unwrap();
    up.wait_event(T, |r| noexec(r) && r.hook_finished("install"));
}

#[test]
fn an_exec_context_belongs_to_the_process_that_opens_it() {
    let (up, leader) = started();
    let socket = up.unit_dir(&leader).join("run.socket");
    // Naming another process (one that never exits) is refused, and holds nothing.
    let (status, body) =
        leaderd_core::unix_http::request(&socket, "POST", "/v1/exec/open", Some(br#"{"pid": 1}"#)).unwrap();
    let body = String::from_utf8_lossy(&body).into_owned();
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("pid 1 is not the calling process"), "{body}");
    // Hooks and exec are not held back: an exec runs at once.
    let mut exec = Command::new(cluster::LEADERD)
        .args(["exec", "--unit", &leader, "--", "true"])
        .env("LEADERD_STATE", &up.state)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + T;
    let status = loop {
        if let Some(status) = exec.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = exec.kill();
            let _ = exec.wait();
            panic!("leaderd exec was held back by the refused context");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    // A context opened without a pid belongs to its caller: here a short-lived python3, whose
    // context ends with it.
    let helper = "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\n\
         s.sendall(b'POST /v1/exec/open HTTP/1.1\\r\\nHost: x\\r\\nContent-Type: application/json\\r\\n\
         Content-Length: 2\\r\\nConnection: close\\r\\n\\r\\n{}')\nprint(s.recv(65536).decode())";
    let out = Command::new("python3").arg("-c").arg(helper).arg(&socket).output().unwrap();
    let answer = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}{}", String::from_utf8_lossy(&out.stderr));
    let id = answer.split("\"context_id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let hook_socket = up.unit_dir(&leader).join("agent.socket");
    let tool = || {
        Command::new(cluster::LEADERD.replace("leaderd", "jujuc"))
            .arg("is-leader")
            .env("JUJU_CONTEXT_ID", &id)
            .env("JUJU_AGENT_SOCKET_ADDRESS", &hook_socket)
            .env("JUJU_AGENT_SOCKET_NETWORK", "unix")
            .output()
            .unwrap()
    };
    up.until("the exited caller's context to end", T, || String::from_utf8_lossy(&tool().stderr).contains("has ended"));
    let out = up.exec(&leader, &["true"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn status_without_an_up_says_how_to_point_at_one_and_up_prints_clean_paths() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(cluster::LEADERD).arg("status").current_dir(dir.path()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    // One sentence, no errno after it.
    assert_eq!(
        stderr,
        "leaderd: no leaderd up is running with state in .leaderd (start one with `leaderd up`, or point at its \
         state directory with --state DIR or LEADERD_STATE=DIR)\n"
    );
    // A relative charm path is printed made absolute and clean, without "./".
    let charm = dir.path().join("mycharm");
    // A charm runs nothing without hooks/ (or dispatch): `up` refuses it.
    std::fs::create_dir_all(charm.join("hooks")).unwrap();
    std::fs::write(charm.join("metadata.yaml"), "name: tidy\n").unwrap();
    let mut up = Command::new(cluster::LEADERD)
        .args(["up", "--charm", "./mycharm", "--units", "1", "--lease-guarantee", "1s"])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = std::io::BufReader::new(up.stdout.take().unwrap());
    let read = std::io::BufRead::read_line(&mut stdout, &mut first);
    // Nobody reads `up`'s output any more (as with `leaderd up | head -1`): it carries on, and
    // still stops cleanly.
    drop(stdout);
    std::thread::sleep(Duration::from_millis(300));
    leaderd_sys::process::signal(up.id() as u32, leaderd_sys::process::Signal::TERM);
    let status = up.wait().unwrap();
    read.unwrap();
    assert!(status.success(), "up with its stdout closed: {status:?}");
    let expected = format!("charm {}, ", charm.display());
    assert!(first.contains(&expected) && !first.contains("/./"), "{first}");
    assert!(first.starts_with("leaderd up: application tidy with 1 unit, "), "{first}");
}

#[test]
fn statuses_and_the_workload_version_set_by_the_charm_show_in_leaderd_status() {
    let (up, leader) = started();
    let minion = units().into_iter().find(|u| *u != leader).unwrap();
    let app = &up.status()["applications"][0];
    assert_eq!(app["status"], json!(null), "{app}");
    assert_eq!(app["version"], json!(""), "{app}");
    assert_eq!(app["units"][0]["workload"]["status"], json!("unknown"), "{app}");

    for (unit, command) in [
        (leader.as_str(), &["status-set", "--application", "active", "all three serving"][..]),
        (leader.as_str(), &["status-set", "active", "serving"][..]),
        (leader.as_str(), &["application-version-set", "2.4.1"][..]),
        (minion.as_str(), &["status-set", "blocked", "needs a\ndatabase"][..]),
    ] {
        let out = up.exec(unit, command);
        assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = up.exec(&minion, &["status-set", "--application", "waiting"]);
    assert_eq!(
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned()),
        (Some(1), "ERROR this unit is not the leader\n".into())
    );
    assert_eq!(stdout(&up.exec(&leader, &["status-get", "--application"])), "active\n");

    let app = &up.status()["applications"][0];
    assert_eq!(app["status"], json!({"status": "active", "message": "all three serving", "data": {}}), "{app}");
    assert_eq!(app["version"], json!("2.4.1"), "{app}");
    let unit = |name: &str| app["units"].as_array().unwrap().iter().find(|u| u["name"] == json!(name)).unwrap().clone();
    assert_eq!(unit(&leader)["workload"], json!({"status": "active", "message": "serving", "data": {}}));
    assert_eq!(unit(&leader)["workload_version"], json!("2.4.1"));
    assert_eq!(unit(&minion)["workload"]["status"], json!("blocked"));

    let table = stdout(&up.leaderd(&["status"]));
    assert!(table.contains("\nstatus active: all three serving\nversion 2.4.1\n"), "{table}");
    let minion_row = table.lines().find(|l| l.starts_with(&minion)).unwrap();
    // One table line: the message's newline spelled out, as every control is.
    assert!(minion_row.ends_with(" blocked       needs a\\ndatabase"), "{table}");
}

/// `up` prints INFO and above by default, as `juju debug-log` levels them: a hook's stderr
/// (WARNING, as Juju logs it) and juju-log INFO, not its stdout or juju-log DEBUG (ops logs
/// each event at DEBUG); `--log-level DEBUG` prints those too. The event log keeps them all.
#[test]
fn up_prints_info_and_above_unless_given_a_log_level() {
    let script = "#!/bin/sh\njuju-log --log-level DEBUG dbg-line\njuju-log info-line\n\
                  echo out-line\necho err-line >&2\n";
    let charm = cluster::charm("name: lv\n", &[("install", script), ("start", "#!/bin/sh\ntrue\n")]);
    for (args, debug_shown) in [(&[][..], false), (&["--log-level", "DEBUG"][..], true)] {
        let up = Up::with(Some(charm.path()), 1, "1s").args(args).start();
        up.wait_hook_finished(&["lv/0"], "start", T);
        up.wait_for("lv/0: hook start finished", 0, T);
        let output = up.output();
        assert!(output.contains("lv/0: juju-log INFO: info-line\n"), "{output}");
        assert!(output.contains("lv/0:   | err-line\n"), "{output}");
        assert_eq!(output.contains("dbg-line"), debug_shown, "{args:?}: {output}");
        assert_eq!(output.contains("out-line"), debug_shown, "{args:?}: {output}");
        for line in ["dbg-line", "info-line", "out-line", "err-line"] {
            assert_eq!(up.count_events(|r| r.event.to_string().contains(line)), 1, "{line} in the log");
        }
        let err = up.events().into_iter().find(|r| r.hook_output("err-line")).unwrap();
        assert_eq!(err.level, leaderd_testkit::events::Level::Warning);
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_leaderd")).args(["up", "--log-level", "LOUD"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("level value \"LOUD\" is not one of"));
}

/// What a charm logs or prints reaches `up`'s output as text, never as terminal control: no
/// escape sequence, carriage return, C1 control or bidirectional override gets through, and a
/// multi-line juju-log message's later lines are marked as its own, so none passes for an event
/// line of another unit.
#[test]
fn charm_text_on_ups_output_cannot_drive_the_terminal_or_forge_an_event_line() {
    let script = "#!/bin/sh\njuju-log \"$(printf 'x\\nhostile/2: leader elected (term 99)')\"\n\
                  printf '\\033[31mred\\342\\200\\256txt\\rover\\302\\233J\\n'\n";
    let charm = cluster::charm("name: mark\n", &[("install", script), ("start", "#!/bin/sh\ntrue\n")]);
    // The hook's stdout is printed at DEBUG.
    let up = Up::with(Some(charm.path()), 1, "1s").args(&["--log-level", "DEBUG"]).start();
    up.wait_hook_finished(&["mark/0"], "start", T);
    up.wait_for("txt", 0, T);
    let output = up.output();
    for bad in ['\u{1b}', '\u{202e}', '\r', '\u{9b}'] {
        assert!(!output.contains(bad), "{bad:?} reached the terminal:\n{output}");
    }
    for line in output.lines() {
        // `<clock> <text>`.
        let text = line.split_once(' ').map_or(line, |(_, text)| text);
        assert!(!text.starts_with("hostile/2:"), "a forged event line: {line:?}");
    }
    assert!(output.contains("mark/0: juju-log INFO: x\n"), "{output}");
    assert!(output.contains("mark/0:   | hostile/2: leader elected (term 99)\n"), "{output}");
    assert!(output.contains("mark/0:   | \\u{1b}[31mred\\u{202e}txt\\rover\\u{9b}J"), "{output}");
}
