//! End to end: the forms a charm comes in (`leaderd up --charm` with a packed `.charm` built
//! here with the zip crate, a charmcraft.yaml source directory, a charm with neither dispatch
//! nor hooks/, a zip that climbs out of its directory) and `leaderd refresh --path`: every unit
//! swaps the new charm in and runs upgrade-charm, then config-changed, from it, keeping what its
//! hooks wrote in the charm directory and the config values the new charm still takes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use leaderd_testkit::cluster::{self, Up};
use leaderd_testkit::events::RecordExt;
use serde_json::{json, Value};

const T: Duration = Duration::from_secs(20);

/// A shell charm's dispatch: records each hook in `$CHARM_DIR/events.log` (prefixed with
/// `tag`), and on config-changed sets the unit's status to `<tag> <greeting>`.
fn dispatch(tag: &str) -> String {
    format!(
        "#!/bin/sh\nhook=$(basename \"$JUJU_DISPATCH_PATH\")\necho \"{tag} $hook\" >> \"$CHARM_DIR/events.log\"\n\
         case $hook in\n  config-changed) status-set active \"{tag} $(config-get greeting)$(config-get extra)\" ;;\n\
         upgrade-charm) status-set maintenance \"{tag} upgrading\" ;;\nesac\n"
    )
}

/// A `.charm` at `path` with `files`: (name, executable, contents), as `charmcraft pack` zips
/// one (deflated, the modes in the external attributes).
pub(crate) fn pack(path: &Path, files: &[(&str, bool, &str)]) {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for &(name, executable, contents) in files {
        let mode = if executable { 0o755 } else { 0o644 };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .unix_permissions(mode);
        zip.start_file(name, options).unwrap();
        zip.write_all(contents.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
}

const CONFIG: &str = "options:\n  greeting: {type: string, default: hello}\n";

fn stdout(out: &Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The last line `up` wrote on stderr (its error; log lines may come before it).
fn last_line(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or_default().to_string()
}

fn workload(up: &Up, unit: &str) -> Value {
    let status = up.status();
    let units = status["applications"][0]["units"].as_array().unwrap().clone();
    let found = units.into_iter().find(|u| u["name"] == json!(unit));
    found.unwrap_or_else(|| panic!("no {unit} in {status}"))["workload"].clone()
}

fn charm_log(up: &Up, unit: &str) -> Vec<String> {
    up.charm_log(unit)
}

#[test]
fn up_runs_a_packed_charm_with_its_executable_bits() {
    let dir = tempfile::tempdir().unwrap();
    let packed = dir.path().join("greeter_ubuntu-22.04-amd64.charm");
    let dispatch = dispatch("packed");
    pack(
        &packed,
        &[
            ("metadata.yaml", false, "name: greeter\nsummary: s\ndescription: d\n"),
            ("config.yaml", false, CONFIG),
            ("actions.yaml", false, "hi:\n  description: Say hi.\n"),
            ("dispatch", true, &dispatch),
            ("src/charm.py", true, "#!/usr/bin/env python3\n"),
            ("manifest.yaml", false, "analysis: {}\n"),
        ],
    );
    let up = Up::with(Some(&packed), 1, "1s").args(&["--config", "greeting=from-zip"]).start();
    up.wait_hook_finished(&["greeter/0"], "start", T);
    assert_eq!(up.status()["applications"][0]["charm"], json!("local:greeter-0"));
    assert!(!stdout(&up.leaderd(&["status"])).contains("charm revision"), "the deployed charm's line as before");
    assert_eq!(workload(&up, "greeter/0")["message"], json!("packed from-zip"));
    assert_eq!(
        charm_log(&up, "greeter/0"),
        ["packed install", "packed leader-elected", "packed config-changed", "packed start"]
    );
    use std::os::unix::fs::PermissionsExt;
    let copy = up.unit_dir("greeter/0").join("charm");
    let mode = |f: &str| std::fs::metadata(copy.join(f)).unwrap().permissions().mode() & 0o777;
    assert_eq!((mode("dispatch"), mode("src/charm.py"), mode("metadata.yaml")), (0o700, 0o700, 0o600));
    // The unpacked charm is what `up` records and the other commands read (actions.yaml here).
    let recorded = &up.up_json()["applications"][0]["charm"];
    assert!(recorded.as_str().unwrap().ends_with("/charms/greeter/0"), "{}", up.up_json());
    let shown: Value = serde_json::from_str(&stdout(&up.leaderd(&["config", "greeter", "--format", "json"]))).unwrap();
    assert_eq!(shown["settings"]["greeting"]["value"], json!("from-zip"), "{shown}");
}

#[test]
fn up_runs_a_charmcraft_yaml_source_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("greeter");
    std::fs::create_dir_all(source.join("hooks")).unwrap();
    std::fs::write(
        source.join("charmcraft.yaml"),
        format!(
            "name: greeter\ntype: charm\ntitle: Greeter\nsummary: s\ndescription: d\nbases:\n  - name: ubuntu\n    \
             channel: '22.04'\npeers:\n  cluster:\n    interface: greeter-peers\nconfig:\n{}actions:\n  hi:\n    \
             description: Say hi.\n",
            CONFIG.lines().map(|l| format!("  {l}\n")).collect::<String>()
        ),
    )
    .unwrap();
    for hook in ["install", "config-changed", "start"] {
        let path = source.join("hooks").join(hook);
        std::fs::write(&path, dispatch("source").replace("$(basename \"$JUJU_DISPATCH_PATH\")", hook)).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let up = Up::start(Some(&source), 2, "1s");
    up.wait_hook_finished(&["greeter/0", "greeter/1"], "start", T);
    for unit in ["greeter/0", "greeter/1"] {
        // config.yaml from charmcraft.yaml's config: (the default), the peer relation from its peers:.
        assert_eq!(workload(&up, unit)["message"], json!("source hello"), "{unit}");
        let relations = stdout(&up.exec(unit, &["relation-ids", "cluster"]));
        assert_eq!(relations, "cluster:0\n", "{unit}");
    }
    let copy = up.unit_dir("greeter/0").join("charm");
    assert_eq!(
        std::fs::read_to_string(copy.join("metadata.yaml")).unwrap(),
        "name: greeter\ndisplay-name: Greeter\nsummary: s\ndescription: d\npeers:\n  cluster:\n    interface: greeter-peers\n"
    );
    assert_eq!(std::fs::read_to_string(copy.join("actions.yaml")).unwrap(), "hi:\n  description: Say hi.\n");
    assert!(!source.join("metadata.yaml").exists(), "the source directory is not written to");
}

/// `leaderd up --charm <charm>` in a fresh state directory: its output once it exited.
fn up_refused(charm: &Path) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let out = up_exited(dir.path(), &["--state".as_ref(), state.as_os_str(), "--charm".as_ref(), charm.as_os_str()]);
    assert!(!dir.path().join("state/units").exists(), "no unit was started");
    out
}

/// `leaderd up --units 1 <args>` run in `cwd` (no `LEADERD_STATE`): its output once it exited
/// (within [`T`], or the test fails).
fn up_exited(cwd: &Path, args: &[&std::ffi::OsStr]) -> Output {
    let mut child = Command::new(cluster::LEADERD)
        .args(["up", "--units", "1"])
        .args(args)
        .current_dir(cwd)
        .env_remove("LEADERD_STATE")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + T;
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("`up` {args:?} did not exit: {}", String::from_utf8_lossy(&out.stdout));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// `cd mycharm && leaderd up --charm .` would put the default `.leaderd` inside the charm, and
/// each deployment (or refresh) copies the charm with it: refused, before anything is written
/// or printed; as is a refresh from a directory holding the state directory. A charm that is
/// not there is named, before the banner and before the state directory is made.
#[test]
fn a_state_directory_inside_the_charm_or_a_missing_charm_is_refused_before_anything_starts() {
    let charm = cluster::charm("name: mine\n", &[("install", "#!/bin/sh\n")]);
    let out = up_exited(charm.path(), &["--charm".as_ref(), ".".as_ref()]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "no banner");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "leaderd: the state directory {}/.leaderd is inside the charm directory {}: each deployment copies the \
             charm, which would copy the state directory into itself. Give --state a directory outside the charm \
             (the default .leaderd is in the current directory: run leaderd from outside the charm, or set \
             --state)\n",
            charm.path().display(),
            charm.path().display()
        )
    );
    assert!(!charm.path().join(".leaderd").exists(), "nothing written in the charm");

    let dir = tempfile::tempdir().unwrap();
    let (missing, state) = (dir.path().join("nonexistent"), dir.path().join("state"));
    let out = up_exited(dir.path(), &["--charm".as_ref(), missing.as_os_str(), "--state".as_ref(), state.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "no banner");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with(&format!("leaderd: no charm at {}: ", missing.display())), "{stderr}");
    assert!(!state.exists(), "no state directory made");

    // `leaderd refresh --path D` where D holds the state directory (the testkit's state is
    // `<dir>/state`): D made a charm of the same name.
    let holder = v1_charm();
    let v1 = v1_charm();
    let up = Up::with(Some(v1.path()), 1, "1s").dir(holder).start();
    up.wait_hook_finished(&["greeter/0"], "start", T);
    let holder = up.dir.path();
    let out = up.leaderd(&["refresh", "greeter", "--path", holder.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "leaderd: the state directory {} is inside the charm directory {}",
            up.state.display(),
            holder.display()
        )),
        "{stderr}"
    );
    assert!(!up.state.join("charms/greeter/1").exists(), "nothing copied");
}

/// A hook without its execute bit would fail on every unit, from each unit's own copy (which a
/// fix to the source would not reach): `up` refuses the charm before printing or creating
/// anything, naming the file in the charm given and the fix.
#[test]
fn a_hook_without_its_execute_bit_is_refused_before_anything_starts() {
    use std::os::unix::fs::PermissionsExt;
    let charm = cluster::charm("name: mine\n", &[("install", "#!/bin/sh\n"), ("start", "#!/bin/sh\n")]);
    let start = charm.path().join("hooks/start");
    std::fs::set_permissions(&start, std::fs::Permissions::from_mode(0o644)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let out =
        up_exited(dir.path(), &["--charm".as_ref(), charm.path().as_os_str(), "--state".as_ref(), state.as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "", "no banner");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "leaderd: {} is not executable: no unit could run it. Fix it with: chmod +x {}\n",
            start.display(),
            start.display()
        )
    );
    assert!(!state.exists(), "no state directory made");
}

#[test]
fn up_refuses_a_charm_without_dispatch_or_hooks_and_a_zip_that_climbs_out() {
    let dir = tempfile::tempdir().unwrap();
    let bare = dir.path().join("bare");
    std::fs::create_dir_all(bare.join("src")).unwrap();
    std::fs::write(bare.join("metadata.yaml"), "name: bare\n").unwrap();
    std::fs::write(bare.join("src/charm.py"), "").unwrap();
    let out = up_refused(&bare);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out),
        format!(
            "leaderd: {} (a charm directory) has neither dispatch nor hooks/: no hook would run. `charmcraft pack` adds \
             dispatch to an ops charm; give the .charm it builds, or add a dispatch script or hooks/",
            bare.display()
        )
    );

    let evil = dir.path().join("evil.charm");
    pack(
        &evil,
        &[("metadata.yaml", false, "name: evil\n"), ("dispatch", true, "#!/bin/sh\n"), ("../../escaped", false, "x")],
    );
    let out = up_refused(&evil);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out),
        format!(
            "leaderd: {}: refusing the entry \"../../escaped\": its path climbs out with \"..\" (unpacked nothing)",
            evil.display()
        )
    );
    assert!(!dir.path().join("escaped").exists());
}

/// A charm whose block storage a unit must have (a minimum count above 0): `up` refuses it in
/// clear words before it starts anything, as leaderd has no block devices. Block storage of
/// minimum 0 is taken (a unit gets none of it).
#[test]
fn up_refuses_a_charm_that_needs_block_storage() {
    let charm = cluster::charm("name: disks\nstorage:\n  raw:\n    type: block\n", &[("install", "#!/bin/sh\n")]);
    let out = up_refused(charm.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out),
        "leaderd: the charm needs block storage \"raw\" (at least 1 instance): leaderd has no block devices; it \
         attaches filesystem storage only"
    );
    let charm = cluster::charm("name: disks\nstorage:\n  raw:\n    type: block\n    multiple:\n      range: 2-\n", &[]);
    assert!(last_line(&up_refused(charm.path())).contains("\"raw\" (at least 2 instances)"));
}

/// A storage name is a path part of each instance's directory: one that is not juju/names'
/// storage name (`../../../../victim`) refuses the charm, in Juju's words, before anything is
/// made or chmodded (it used to make `victim/0` beside the state directory and narrow
/// `victim` to 0700).
#[test]
fn up_refuses_a_storage_name_that_is_not_a_storage_name() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o755)).unwrap();
    let charm = cluster::charm(
        "name: esc\nstorage:\n  \"../../../../victim\":\n    type: filesystem\n",
        &[("install", "#!/bin/sh\n")],
    );
    let state = dir.path().join("state");
    let out =
        up_exited(dir.path(), &["--state".as_ref(), state.as_os_str(), "--charm".as_ref(), charm.path().as_os_str()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out),
        "leaderd: the charm's storage (metadata.yaml): charm \"esc\" storage name \"../../../../victim\" not valid"
    );
    assert!(!state.join("units").exists(), "no unit was started");
    assert_eq!(std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777, 0o755);
    assert!(!victim.join("0").exists());
}

/// A storage minimum over what leaderd makes at once is refused at `up`, never installed short.
#[test]
fn up_refuses_a_storage_minimum_it_cannot_make() {
    let charm = cluster::charm(
        "name: big\nstorage:\n  many:\n    type: filesystem\n    multiple:\n      range: 1100+\n",
        &[("install", "#!/bin/sh\n")],
    );
    let out = up_refused(charm.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        last_line(&out),
        "leaderd: the charm needs at least 1100 instances of storage \"many\" per unit: leaderd makes at most 1024 at once"
    );
}

/// The first charm: hooks/ that record `v1 <hook>`, a status on config-changed.
fn v1_charm() -> tempfile::TempDir {
    let hooks: Vec<(String, String)> =
        ["install", "leader-elected", "leader-settings-changed", "config-changed", "start"]
            .iter()
            .map(|h| (h.to_string(), dispatch("v1").replace("$(basename \"$JUJU_DISPATCH_PATH\")", h)))
            .collect();
    let hooks: Vec<(&str, &str)> = hooks.iter().map(|(h, s)| (h.as_str(), s.as_str())).collect();
    let charm = cluster::charm("name: greeter\n", &hooks);
    std::fs::write(charm.path().join("config.yaml"), CONFIG).unwrap();
    charm
}

#[test]
fn refresh_runs_upgrade_charm_then_config_changed_on_every_unit_from_the_new_charm() {
    let v1 = v1_charm();
    let up = Up::with(Some(v1.path()), 3, "1s").args(&["--config", "greeting=hi"]).start();
    let units: Vec<String> = (0..3).map(|i| format!("greeter/{i}")).collect();
    up.wait_hook_finished(&units, "start", T);

    // v2, packed: a dispatch of its own, and one more option.
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("greeter_v2.charm");
    let config = format!("{CONFIG}  extra: {{type: string, default: ' and more'}}\n");
    pack(
        &v2,
        &[
            ("metadata.yaml", false, "name: greeter\n"),
            ("config.yaml", false, &config),
            ("dispatch", true, &dispatch("v2")),
        ],
    );
    // An exec in flight on greeter/0 holds the hook lock: that unit's swap waits for it, so
    // what the exec reads at its end is still the old charm.
    let exec = Command::new(cluster::LEADERD)
        .args(["exec", "--unit", "greeter/0", "--", "sh", "-c", "sleep 1.5; cat \"$JUJU_CHARM_DIR/.juju-charm\""])
        .env("LEADERD_STATE", &up.state)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let before = leaderd_testkit::events::Mark::now();
    let out = up.leaderd(&["refresh", "greeter", "--path", v2.to_str().unwrap()]);
    assert_eq!(
        stdout(&out),
        format!(
            "Added local charm \"greeter\", revision 1, to the model (a packed charm, from {}); each unit runs \
             upgrade-charm, then config-changed\n",
            v2.display()
        )
    );
    for unit in &units {
        up.wait_event_after(before, T, |r| r.of(unit) && r.hook_finished("config-changed"));
    }
    assert_eq!(stdout(&exec.wait_with_output().unwrap()), "local:greeter-0\n", "the exec saw the old charm to its end");
    for unit in &units {
        // Only the two hooks, in Juju's order; the value set at deploy kept, the new option's default.
        let ran: Vec<String> = up.hooks_started(unit);
        assert_eq!(ran[ran.len() - 2..], ["upgrade-charm", "config-changed"], "{unit}: {ran:?}");
        assert_eq!(workload(&up, unit)["message"], json!("v2 hi and more"), "{unit}");
        // events.log, which the v1 hooks wrote in the charm directory, carried over.
        let log = charm_log(&up, unit);
        assert_eq!(log[log.len() - 2..], ["v2 upgrade-charm", "v2 config-changed"], "{unit}: {log:?}");
        assert_eq!(log[0], "v1 install", "{unit}: {log:?}");
        let copy = up.unit_dir(unit).join("charm");
        assert!(copy.join("dispatch").exists() && !copy.join("hooks").exists(), "{unit}: the new charm's files only");
    }
    // `leaderd status` names the charm the application runs now, and show-unit the same (Juju's
    // local charm URL, the revision moved on).
    assert_eq!(up.status()["applications"][0]["charm"], json!("local:greeter-1"));
    let shown: serde_json::Value =
        serde_json::from_str(&stdout(&up.leaderd(&["show-unit", "greeter/0", "--format", "json"]))).unwrap();
    assert_eq!(shown["greeter/0"]["charm"], json!("local:greeter-1"), "{shown}");
    let table = stdout(&up.leaderd(&["status"]));
    assert!(table.contains("  config version 2  charm revision 1\n"), "{table}");
    // exec runs in the new charm too.
    assert_eq!(stdout(&up.exec("greeter/0", &["config-get", "extra"])), " and more\n");

    // A unit added now installs the new charm: no upgrade-charm.
    stdout(&up.leaderd(&["add-unit", "greeter"]));
    up.wait_hook_finished(&["greeter/3"], "start", T);
    assert_eq!(up.hooks_started("greeter/3")[..2], ["install".to_string(), "leader-settings-changed".to_string()]);
    assert!(!up.hooks_started("greeter/3").contains(&"upgrade-charm".to_string()));
    assert_eq!(charm_log(&up, "greeter/3")[0], "v2 install");

    // A charm of another name is refused, in Juju's words, and nothing changes.
    let other = cluster::charm("name: other\n", &[("install", "#!/bin/sh\n")]);
    let out = up.leaderd(&["refresh", "greeter", "--path", other.path().to_str().unwrap()]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "leaderd: cannot refresh \"greeter\" to \"other\"\n");
    assert!(!up.up_json()["applications"][0]["charm"].as_str().unwrap().ends_with("/charms/greeter/2"));
    let out = up.leaderd(&["refresh", "nope", "--path", v2.to_str().unwrap()]);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "leaderd: no application \"nope\" here (this cluster runs \"greeter\")\n"
    );
}

#[test]
fn a_unit_whose_agent_was_down_during_the_refresh_upgrades_when_it_comes_back() {
    let v1 = v1_charm();
    let up = Up::with(Some(v1.path()), 2, "1s").start();
    up.wait_hook_finished(&["greeter/0", "greeter/1"], "start", T);
    stdout(&up.leaderd(&["kill", "greeter/1"]));
    let dir = tempfile::tempdir().unwrap();
    let v2 = dir.path().join("v2");
    std::fs::create_dir_all(&v2).unwrap();
    std::fs::write(
        v2.join("charmcraft.yaml"),
        "name: greeter\ntype: charm\nconfig:\n  options:\n    greeting: {type: string, default: hello}\n",
    )
    .unwrap();
    let dispatch_path = v2.join("dispatch");
    std::fs::write(&dispatch_path, dispatch("v2")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dispatch_path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let before = leaderd_testkit::events::Mark::now();
    let out = stdout(&up.leaderd(&["refresh", "greeter", "--path", v2.to_str().unwrap()]));
    assert!(out.contains("revision 1, to the model (a charmcraft.yaml source directory"), "{out}");
    up.wait_event_after(before, T, |r| r.of("greeter/0") && r.hook_finished("config-changed"));
    assert!(!up.hooks_started("greeter/1").contains(&"upgrade-charm".to_string()), "down: nothing ran");

    stdout(&up.leaderd(&["restart", "greeter/1"]));
    up.wait_event_after(before, T, |r| r.of("greeter/1") && r.hook_finished("config-changed"));
    // Once back, it upgrades and then runs config-changed; a leader-settings-changed for what
    // the leader wrote while it was down may follow at once, so the check is not "the last two".
    let ran = up.hooks_started("greeter/1");
    let upgrade = ran.iter().position(|h| h == "upgrade-charm").expect("upgrade-charm ran");
    assert_eq!(ran[upgrade..upgrade + 2], ["upgrade-charm", "config-changed"], "{ran:?}");
    assert_eq!(workload(&up, "greeter/1")["message"], json!("v2 hello"));
}
