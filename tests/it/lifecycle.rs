//! End to end: Juju's unit lifecycle under `leaderd up` with the lifecycle test charm
//! (`tests/data/lifecycle-charm`): the hook order, config held by the controller and changed
//! with `leaderd config` (Juju's errors, nothing half-applied), update-status, statuses kept by
//! the controller, and failed hooks left in error state until `leaderd resolve`. Short leases
//! (guarantee 1 s); every wait has a deadline; every process stops when its guard drops.

use leaderd_testkit::cluster;

use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

use cluster::Up;
use leaderd_testkit::events::{Event, Mark, RecordExt};
use serde_json::{json, Value};

const APP: &str = "lifecycle";
const T: Duration = Duration::from_secs(20);

fn charm() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/lifecycle-charm")
}

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Exit code and stderr of a command expected to fail.
fn failure(out: &Output) -> (Option<i32>, String) {
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The hook names in a unit's events, in order.
fn hooks(up: &Up, unit: &str) -> Vec<String> {
    up.charm_log(unit).iter().map(|l| l.split(' ').next().unwrap_or_default().to_string()).collect()
}

fn unit_status<'a>(status: &'a Value, unit: &str) -> &'a Value {
    let units = status["applications"][0]["units"].as_array().unwrap();
    units.iter().find(|u| u["name"] == json!(unit)).unwrap_or_else(|| panic!("no {unit} in {status}"))
}

#[test]
fn hooks_run_in_juju_order_and_a_config_change_reaches_every_unit() {
    let up = Up::with(Some(&charm()), 3, "1s").args(&["--config", "port=81", "--update-status-interval", "1s"]).start();
    let units: Vec<String> = (0..3).map(|i| format!("{APP}/{i}")).collect();
    up.wait_hook_finished(&units, "update-status", T);
    let leader = up.status()["applications"][0]["leader"].as_str().expect("a leader").to_string();
    for unit in &units {
        let ran = hooks(&up, unit);
        let second = if *unit == leader { "leader-elected" } else { "leader-settings-changed" };
        assert_eq!(ran[..4], ["install", second, "config-changed", "start"], "{unit}: {ran:?}");
        assert!(ran[4..].iter().all(|h| h == "update-status"), "{unit}: {ran:?}");
        assert_eq!(up.charm_log(unit)[2], "config-changed title=Hello port=81", "the value set at deploy");
    }

    // Shown as `juju config` shows it.
    let shown: Value = serde_json::from_str(&stdout(&up.leaderd(&["config", APP, "--format", "json"]))).unwrap();
    assert_eq!(shown["application"], json!(APP));
    assert_eq!(
        shown["settings"]["port"],
        json!({"default": 8080, "description": "The port it serves on.", "source": "user", "type": "int", "value": 81})
    );
    assert_eq!(shown["settings"]["title"]["source"], json!("default"));
    assert_eq!(stdout(&up.leaderd(&["config", APP, "port"])), "81\n");

    // A change reaches every unit, with config-changed reading the new value.
    let before = Mark::now();
    assert_eq!(stdout(&up.leaderd(&["config", APP, "title=World", "debug=true"])), "");
    for unit in &units {
        up.wait_event_after(before, T, |r| r.of(unit) && r.hook_finished("config-changed"));
        up.until("the new title in config-changed", T, || {
            up.charm_log(unit).contains(&"config-changed title=World port=81".to_string())
        });
    }
    let version = up.status()["applications"][0]["config_version"].clone();
    assert_eq!(version, json!(2), "deploy, then one change");

    // Juju's words for a bad key or value; nothing of a refused change is applied.
    let out = up.leaderd(&["config", APP, "title=Partial", "nope=1"]);
    assert_eq!(failure(&out), (Some(1), "leaderd: unknown option \"nope\"\n".to_string()));
    let out = up.leaderd(&["config", APP, "title=Partial", "port=eighty"]);
    assert_eq!(failure(&out), (Some(1), "leaderd: option \"port\" expected int, got \"eighty\"\n".to_string()));
    let out = up.leaderd(&["config", APP, "debug=maybe"]);
    assert_eq!(failure(&out), (Some(1), "leaderd: option \"debug\" expected boolean, got \"maybe\"\n".to_string()));
    let out = up.leaderd(&["config", "other", "title=x"]);
    assert_eq!(failure(&out), (Some(1), "leaderd: application \"other\" not found\n".to_string()));
    assert_eq!(stdout(&up.leaderd(&["config", APP, "title"])), "World\n");
    // The same values again change nothing, so no hook runs.
    assert_eq!(stdout(&up.leaderd(&["config", APP, "title=World"])), "");
    assert_eq!(up.status()["applications"][0]["config_version"], json!(2));

    // Back to the default, with --reset and with KEY=.
    let before = Mark::now();
    assert_eq!(stdout(&up.leaderd(&["config", APP, "--reset", "title", "port="])), "");
    for unit in &units {
        up.wait_event_after(before, T, |r| r.of(unit) && r.hook_finished("config-changed"));
        up.until("the default title", T, || {
            up.charm_log(unit).contains(&"config-changed title=Hello port=8080".to_string())
        });
    }
    let yaml = stdout(&up.leaderd(&["config", APP]));
    assert!(
        yaml.contains(
            "  title:\n    default: Hello\n    description: What the application serves.\n    source: default\n"
        ),
        "{yaml}"
    );

    // The statuses the charm set, kept by the controller.
    let status = up.status();
    let app = &status["applications"][0];
    assert_eq!(app["status"], json!({"status": "active", "message": "leader serves Hello", "data": {}}));
    assert_eq!(app["version"], json!("1.2.3"));
    for unit in &units {
        let workload = &unit_status(&status, unit)["workload"];
        assert_eq!(workload["status"], json!("active"), "{unit}: {workload}");
        assert!(workload["message"].as_str().unwrap().starts_with("serving Hello on 8080"), "{workload}");
        assert_eq!(unit_status(&status, unit)["workload_version"], json!(if *unit == leader { "1.2.3" } else { "" }));
    }
}

#[test]
fn statuses_outlive_the_controller_and_a_dead_agent() {
    let up = Up::start(Some(&charm()), 2, "1s");
    up.wait_hook_finished(&[format!("{APP}/0"), format!("{APP}/1")], "start", T);
    up.until("both units active", T, || {
        let status = up.status();
        (0..2).all(|i| unit_status(&status, &format!("{APP}/{i}"))["workload"]["status"] == json!("active"))
            && status["applications"][0]["status"]["status"] == json!("active")
    });
    // The controller is killed; `up` restarts it on the same port; what it kept is there.
    let controller = up.up_json()["controller"]["pid"].as_i64().unwrap() as i32;
    leaderd_sys::process::signal(controller as u32, leaderd_sys::process::Signal::KILL);
    up.wait_event(T, |r| {
        matches!(&r.event, Event::ControllerExited { how, restart_on } if how == "signal 9" && !restart_on.is_empty())
    });
    up.until("the restarted controller answering", T, || up.leaderd(&["status", "--format", "json"]).status.success());
    let status = up.status();
    assert_eq!(status["applications"][0]["status"]["message"], json!("leader serves Hello"), "{status}");
    assert_eq!(status["applications"][0]["version"], json!("1.2.3"));
    // An agent dies: its unit is down, and shows what its charm said last.
    let agent = up.up_json()["units"][1]["pid"].as_i64().unwrap() as i32;
    leaderd_sys::process::signal(agent as u32, leaderd_sys::process::Signal::KILL);
    up.wait_event(T, |r| r.of(&format!("{APP}/1")) && r.agent_exited().is_some());
    up.until("the unit down", T, || unit_status(&up.status(), &format!("{APP}/1"))["state"] == json!("down"));
    let status = up.status();
    let unit = unit_status(&status, &format!("{APP}/1"));
    assert_eq!(unit["workload"]["status"], json!("active"), "{unit}");
    assert!(unit["workload"]["message"].as_str().unwrap().starts_with("serving Hello on 8080"), "{unit}");
}

#[test]
fn without_retries_a_failed_hook_leaves_the_unit_in_error_until_resolved() {
    let up = Up::with(Some(&charm()), 1, "1s").args(&["--hook-retry", "off"]).start();
    let unit = format!("{APP}/0");
    up.wait_event(T, |r| r.of(&unit) && r.hook_finished("start"));
    let out = up.leaderd(&["resolve", &unit]);
    assert_eq!(failure(&out), (Some(1), format!("leaderd: unit \"{unit}\" is not in an error state\n")));

    let before = Mark::now();
    stdout(&up.leaderd(&["config", APP, "title=fail"]));
    let failed = up.wait_event_after(before, T, |r| r.of(&unit) && r.hook_failed("config-changed", 1));
    let held =
        format!("hook config-changed failed: the unit is in error state until resolved (leaderd resolve {unit})");
    up.wait_event_after(Mark::of(&failed), T, |r| r.of(&unit) && r.message(&held));
    let status = up.status();
    let shown = unit_status(&status, &unit);
    assert_eq!(shown["workload"]["status"], json!("error"), "{shown}");
    assert_eq!(shown["workload"]["message"], json!("hook failed: \"config-changed\""), "{shown}");
    assert_eq!(shown["workload"]["data"], json!({"hook": "config-changed"}), "{shown}");
    assert_eq!(shown["state"], json!("failing config-changed"));
    let table = stdout(&up.leaderd(&["status"]));
    assert!(table.contains(" error "), "{table}");

    // Resolve: the hook runs again now (and fails again: the title is still "fail").
    let at = Mark::now();
    stdout(&up.leaderd(&["resolve", &unit]));
    let retrying =
        up.wait_event_after(at, T, |r| r.of(&unit) && r.message("hook config-changed resolved: retrying it now"));
    up.wait_event_after(Mark::of(&retrying), T, |r| r.of(&unit) && r.hook_failed("config-changed", 1));
    assert_eq!(up.count_events(|r| r.hook_retry("config-changed").is_some()), 0, "never by itself: {}", up.output());

    // Resolve --no-retry: taken as done; the unit carries on, showing its charm's status.
    let at = Mark::now();
    stdout(&up.leaderd(&["resolve", "--no-retry", &unit]));
    up.wait_event_after(at, T, |r| r.of(&unit) && r.message("hook config-changed resolved without running it again"));
    up.until("the error cleared", T, || unit_status(&up.status(), &unit)["failing_hook"].is_null());
    let status = up.status();
    let shown = unit_status(&status, &unit);
    assert_eq!(shown["workload"], json!({"status": "blocked", "message": "title may not be fail", "data": {}}));
    // A good value runs config-changed again, successfully.
    let at = Mark::now();
    stdout(&up.leaderd(&["config", APP, "title=fine"]));
    up.wait_event_after(at, T, |r| r.of(&unit) && r.hook_finished("config-changed"));
    up.until("active again", T, || unit_status(&up.status(), &unit)["workload"]["status"] == json!("active"));
}

#[test]
fn deploy_config_from_a_file_and_flags_checked_before_anything_starts() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.yaml");
    std::fs::write(&file, "lifecycle:\n  title: From a file\n  port: 9000\nother:\n  x: 1\n").unwrap();
    let file = file.to_str().unwrap();
    // `--config FILE` as Juju's `deploy --config` takes it: the file, then the pairs over it.
    let up = Up::with(Some(&charm()), 1, "1s").args(&["--config", "port=9001", "--config", file]).start();
    up.wait_event(T, |r| r.of(&format!("{APP}/0")) && r.hook_finished("start"));
    assert!(up.charm_log(&format!("{APP}/0")).contains(&"config-changed title=From a file port=9001".to_string()));

    for (args, stderr) in [
        (vec!["--config", "nope=1"], "leaderd: unknown option \"nope\"\n".to_string()),
        (vec!["--config", "port=x"], "leaderd: option \"port\" expected int, got \"x\"\n".to_string()),
        (
            vec!["--config-file", file, "--app", "elsewhere"],
            "leaderd: no settings found for \"elsewhere\"\n".to_string(),
        ),
        (vec!["--config", file, "--app", "elsewhere"], "leaderd: no settings found for \"elsewhere\"\n".to_string()),
    ] {
        let state = dir.path().join("refused");
        let out = std::process::Command::new(cluster::LEADERD)
            .args(["up", "--charm", charm().to_str().unwrap(), "--state", state.to_str().unwrap()])
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(failure(&out), (Some(1), stderr), "{args:?}");
        assert!(!state.exists(), "{args:?}: nothing started, nothing written");
    }
}
