//! The state, reboot and resource tools end to end on `leaderd up` with a shell charm: charm
//! state set by hooks is kept by the controller per unit, seen by the hook that set it before
//! it is committed, dropped with a hook that fails, and still there after the unit's agent
//! restarts; `juju-reboot` reboots the unit after its hook (leftover processes stopped, then
//! `start`), and `juju-reboot --now` kills the hook, which runs again uncommitted; resource-get
//! prints the unit's copy of a resource given to `leaderd up --resource`.

use leaderd_sys::events::Event;
use leaderd_testkit::cluster;
use leaderd_testkit::events::RecordExt;

use std::process::Output;
use std::time::Duration;

use cluster::Up;

const T: Duration = Duration::from_secs(30);

fn text(out: &Output) -> (String, String, i32) {
    let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (s(&out.stdout), s(&out.stderr), out.status.code().unwrap_or(-1))
}

fn unit_status(up: &Up, unit: &str) -> serde_json::Value {
    let status = up.status();
    let units = status["applications"][0]["units"].as_array().unwrap().clone();
    units.into_iter().find(|u| u["name"] == unit).unwrap_or(serde_json::Value::Null)
}

#[test]
fn charm_state_is_the_units_own_committed_with_its_hook_and_survives_an_agent_restart() {
    let charm = cluster::charm(
        "name: kept\n",
        &[
            ("install", "#!/bin/sh\nset -e\nstate-set unit=\"$JUJU_UNIT_NAME\" phase=installed\n"),
            ("start", "#!/bin/sh\nset -e\nstate-set phase=started\nstate-delete missing\n"),
        ],
    );
    let up = Up::start(Some(charm.path()), 2, "1s");
    up.wait_hook_finished(&["kept/0", "kept/1"], "start", T);
    let get = |unit: &str, args: &[&str]| {
        let mut command = vec!["state-get"];
        command.extend(args);
        text(&up.exec(unit, &command))
    };
    assert_eq!(get("kept/0", &[]), ("phase: started\nunit: kept/0\n".into(), String::new(), 0));
    assert_eq!(get("kept/1", &["unit"]), ("kept/1\n".into(), String::new(), 0));
    assert_eq!(get("kept/0", &["--format=json"]).0, "{\"phase\":\"started\",\"unit\":\"kept/0\"}\n");
    assert_eq!(get("kept/0", &["--strict", "nope"]), (String::new(), "ERROR \"nope\" not found\n".into(), 1));

    // A hook sees its own changes at once; one that fails commits none of them.
    let out = up.exec("kept/0", &["sh", "-c", "state-set a=1 && state-delete phase && state-get && exit 3"]);
    assert_eq!(text(&out), ("a: \"1\"\nunit: kept/0\n".into(), String::new(), 3));
    assert_eq!(get("kept/0", &[]).0, "phase: started\nunit: kept/0\n");
    // One that succeeds commits them all.
    let out = up.exec("kept/0", &["sh", "-c", "state-set a=1 b=2 && state-delete phase"]);
    assert_eq!(text(&out).2, 0);
    assert_eq!(get("kept/0", &[]).0, "a: \"1\"\nb: \"2\"\nunit: kept/0\n");
    // Juju's limits, in its words.
    let long_key = format!("{}=v", "k".repeat(257));
    let out = up.exec("kept/0", &["state-set", &long_key]);
    assert_eq!(text(&out), (String::new(), "ERROR max allowed key length (256) exceeded\n".into(), 1));
    let long_value = format!("k={}", "v".repeat(65537));
    let out = up.exec("kept/0", &["state-set", &long_value]);
    assert_eq!(text(&out), (String::new(), "ERROR max allowed value length (65536) exceeded\n".into(), 1));

    // Kept by the controller: the same after the agent restarts.
    let out = up.leaderd(&["restart", "kept/0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.until("the restarted unit answers", T, || unit_status(&up, "kept/0")["state"] == "idle");
    assert_eq!(get("kept/0", &[]).0, "a: \"1\"\nb: \"2\"\nunit: kept/0\n");
    assert_eq!(get("kept/1", &[]).0, "phase: started\nunit: kept/1\n", "the other unit's is its own");
}

#[test]
fn juju_reboot_reboots_the_unit_after_its_hook_and_now_reruns_the_hook_uncommitted() {
    // install: the first time, sets state and reboots --now: killed before it logs "after",
    // so nothing of that run is committed, and it runs again. start: the first time, leaves a
    // process behind and asks for a reboot after the hook: the process is stopped and start
    // runs again.
    let install = "#!/bin/sh
echo install >> \"$CHARM_DIR/log\"
if [ ! -e \"$CHARM_DIR/now-done\" ]; then
  touch \"$CHARM_DIR/now-done\"
  state-set killed=yes
  juju-reboot --now
  echo after >> \"$CHARM_DIR/log\"
fi
";
    let start = "#!/bin/sh
echo start >> \"$CHARM_DIR/log\"
if [ ! -e \"$CHARM_DIR/later-done\" ]; then
  touch \"$CHARM_DIR/later-done\"
  sleep 1000 > /dev/null 2>&1 &
  echo $! > \"$CHARM_DIR/sleeper\"
  juju-reboot
  echo after >> \"$CHARM_DIR/log\"
fi
";
    let charm = cluster::charm("name: boot\n", &[("install", install), ("start", start)]);
    let up = Up::start(Some(charm.path()), 1, "1s");
    up.wait_event(T, |r| {
        r.of("boot/0") && matches!(&r.event, Event::UnitRebooted { hook, now: false } if hook == "start")
    });
    up.until("start ran again", T, || up.hooks_started("boot/0").iter().filter(|h| *h == "start").count() == 2);
    up.wait_hook_finished(&["boot/0"], "start", T);
    std::thread::sleep(Duration::from_millis(300));
    let charm_dir = up.unit_dir("boot/0").join("charm");
    let log = std::fs::read_to_string(charm_dir.join("log")).unwrap();
    assert_eq!(log, "install\ninstall\nstart\nafter\nstart\n");
    let installs = up.hooks_started("boot/0").iter().filter(|h| *h == "install").count();
    assert_eq!(installs, 2, "{:?}", up.hooks_started("boot/0"));
    assert_eq!(
        up.count_events(
            |r| r.of("boot/0") && matches!(&r.event, Event::UnitRebooted { hook, now: true } if hook == "install")
        ),
        1
    );
    // The process the first start left behind was stopped by the reboot.
    let sleeper: u32 = std::fs::read_to_string(charm_dir.join("sleeper")).unwrap().trim().parse().unwrap();
    up.until("the leftover process stopped", T, || !cluster::pid_alive(sleeper));
    // The killed install committed nothing.
    assert_eq!(text(&up.exec("boot/0", &["state-get", "killed"])), (String::new(), String::new(), 0));
    // Juju runs exec as an action, where juju-reboot is refused.
    let out = up.exec("boot/0", &["juju-reboot"]);
    assert_eq!(text(&out), (String::new(), "ERROR juju-reboot is not supported when running an action.\n".into(), 1));
}

#[test]
fn resource_get_prints_the_units_copy_of_a_resource_given_to_up() {
    let charm = cluster::charm(
        "name: res\nresources:\n  software:\n    type: file\n    filename: software.zip\n",
        &[("install", "#!/bin/sh\nresource-get software > \"$CHARM_DIR/path\"\n")],
    );
    let source = charm.path().join("payload.bin");
    std::fs::write(&source, b"the software\n").unwrap();
    let resource = format!("software={}", source.display());
    let up = Up::with(Some(charm.path()), 1, "1s").args(&["--resource", &resource]).start();
    up.wait_hook_finished(&["res/0"], "install", T);
    let copy = up.unit_dir("res/0").join("resources/software/software.zip");
    let printed = std::fs::read_to_string(up.unit_dir("res/0").join("charm/path")).unwrap();
    assert_eq!(printed, copy.display().to_string(), "the path, without a newline");
    assert_eq!(std::fs::read(&copy).unwrap(), b"the software\n");
    let out = up.exec("res/0", &["resource-get", "nope"]);
    let want = "ERROR could not download resource: HTTP request failed: resource \"nope\" not found\n";
    assert_eq!(text(&out), (String::new(), want.into(), 1));
    // A resource the charm does not declare is refused before anything starts, as juju deploy
    // refuses it.
    let charm_dir = charm.path().display().to_string();
    let nope = format!("nope={}", source.display());
    let out = up.leaderd(&["up", "--charm", &charm_dir, "--resource", &nope]);
    let (_, stderr, code) = text(&out);
    assert_eq!((stderr.contains("unrecognized resource \"nope\""), code), (true, 1), "{stderr}");
    // A machine model has no cloud credentials for an application without trust.
    let out = up.exec("res/0", &["credential-get"]);
    assert_eq!(text(&out), (String::new(), "ERROR cannot access cloud credentials: permission denied\n".into(), 1));
}

/// The payload tools on `leaderd up`: payload-register in a hook, kept by the controller per
/// unit and shown by `leaderd payloads` in `juju payloads`' shapes; a hook that fails commits
/// none of its payload changes; Juju's words for a status-set on a class with no payload and
/// none for an unknown one unregistered; a removed unit's payloads go with it.
#[test]
fn payloads_are_registered_with_their_hook_kept_per_unit_and_go_with_the_unit() {
    let metadata = "name: pl\npayloads:\n  monitoring:\n    type: docker\n  kvm-guest:\n    type: kvm\n";
    let install = "#!/bin/sh\nset -e\npayload-register docker monitoring \"id-${JUJU_UNIT_NAME#pl/}\" tag1 tag2\n";
    let charm = cluster::charm(metadata, &[("install", install)]);
    let up = Up::start(Some(charm.path()), 2, "1s");
    up.wait_hook_finished(&["pl/0", "pl/1"], "install", T);
    let payloads = |args: &[&str]| {
        let mut argv = vec!["payloads"];
        argv.extend(args);
        text(&up.leaderd(&argv))
    };
    let row = |unit: &str, id: &str, status: &str| {
        format!(
            "{{\"unit\":\"{unit}\",\"machine\":\"\",\"id\":\"{id}\",\"type\":\"docker\",\"payload-class\":\"monitoring\",\"tags\":[\"tag1\",\"tag2\"],\"status\":\"{status}\"}}"
        )
    };
    let both = format!("[{},{}]\n", row("pl/0", "id-0", "running"), row("pl/1", "id-1", "running"));
    assert_eq!(payloads(&["--format", "json"]), (both, String::new(), 0));
    assert_eq!(
        payloads(&["pl/1"]),
        (
            "[Unit Payloads]\n\
             Unit  Machine  Payload class  Status   Type    Id    Tags       \n\
             pl/1           monitoring     running  docker  id-1  tag1 tag2  \n"
                .into(),
            String::new(),
            0
        )
    );

    // A hook that fails commits none of its payload changes.
    let out = up.exec("pl/0", &["sh", "-c", "payload-status-set monitoring id-0 stopping && exit 3"]);
    assert_eq!(text(&out), (String::new(), String::new(), 3));
    let out = up.exec("pl/0", &["payload-status-set", "monitoring", "id-0", "stopped"]);
    assert_eq!(text(&out), (String::new(), String::new(), 0));
    let only = |unit: &str| payloads(&[unit, "--format", "json"]).0;
    assert_eq!(only("pl/0"), format!("[{}]\n", row("pl/0", "id-0", "stopped")));
    // Juju's words: status-set on a class with no payload; unregister of one is silent.
    let out = up.exec("pl/0", &["payload-status-set", "kvm-guest", "vm", "running"]);
    assert_eq!(text(&out), (String::new(), "ERROR payload not found\n".into(), 1));
    let out = up.exec("pl/0", &["payload-unregister", "kvm-guest", "vm"]);
    assert_eq!(text(&out), (String::new(), String::new(), 0));
    let out = up.exec("pl/0", &["payload-register", "kvm", "monitoring", "x"]);
    let want = "ERROR incorrect type \"kvm\" for payload \"monitoring\", expected \"docker\"\n";
    assert_eq!(text(&out), (String::new(), want.into(), 1));
    // Unregistered: gone from the list once the hook commits.
    let out = up.exec("pl/0", &["payload-unregister", "monitoring", "id-0"]);
    assert_eq!(text(&out), (String::new(), String::new(), 0));
    assert_eq!(only("pl/0"), "");
    assert_eq!(payloads(&["pl/0"]), (String::new(), "No payloads to display.\n".into(), 0));

    // A removed unit's payloads go with it.
    let out = up.leaderd(&["remove-unit", "pl/1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.until("pl/1's payloads are gone", T, || payloads(&["--format", "json"]).0.is_empty());
}
