//! Filesystem storage end to end on `leaderd up` with a shell charm: each unit gets the
//! charm's minimum count of each storage at deploy, as private directories of its own, and
//! runs `<name>-storage-attached` for each before install (with `JUJU_STORAGE_ID`); storage-add
//! from an action or an exec adds instances when it commits, whose attached hooks then run;
//! counts over the charm's maximum and unknown names fail the commit in Juju's words; an agent
//! restart keeps the same instances and runs no hook again; remove-unit runs
//! `<name>-storage-detaching` before stop and remove; ids are never used twice.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use leaderd_testkit::cluster::{self, Up};
use leaderd_testkit::events::{Mark, RecordExt};

const T: Duration = Duration::from_secs(30);

const METADATA: &str = "name: store
peers:
  cluster:
    interface: store-cluster
storage:
  data:
    type: filesystem
    location: /srv/data
    multiple:
      range: 1-2
    minimum-size: 1M
  cache:
    type: filesystem
    multiple:
      range: 0-
";

const ACTIONS: &str = "add-data:\n  description: Adds one data instance.\n";

fn storage_charm() -> tempfile::TempDir {
    let attached = "echo \"attached $JUJU_STORAGE_ID $JUJU_STORAGE_KIND $(storage-get location) \
                    installed=$(test -e installed && echo yes || echo no)\" >> observed\n\
                    test -d \"$JUJU_STORAGE_LOCATION\"\n\
                    test \"$(storage-get -s \"$JUJU_STORAGE_ID\" location)\" = \"$JUJU_STORAGE_LOCATION\"\n\
                    touch \"$JUJU_STORAGE_LOCATION/written\"";
    let hooks = [
        ("data-storage-attached", attached),
        ("cache-storage-attached", attached),
        ("install", "touch installed\necho \"install $(storage-list | tr '\\n' ' ')\" >> observed"),
        ("data-storage-detaching", "echo \"detaching $JUJU_STORAGE_ID $(storage-get kind)\" >> observed"),
        ("cache-storage-detaching", "echo \"detaching $JUJU_STORAGE_ID\" >> observed"),
        ("stop", "echo \"stop [$(storage-list | tr '\\n' ' ')]\" >> observed"),
        ("remove", "echo remove >> observed"),
        ("start", "true"),
        ("leader-elected", "true"),
        ("leader-settings-changed", "true"),
    ];
    let scripts: Vec<(&str, String)> =
        hooks.iter().map(|(name, body)| (*name, format!("#!/bin/sh\nset -e\n{body}\n"))).collect();
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(name, script)| (*name, script.as_str())).collect();
    let dir = cluster::charm(METADATA, &scripts);
    std::fs::write(dir.path().join("actions.yaml"), ACTIONS).unwrap();
    std::fs::create_dir(dir.path().join("actions")).unwrap();
    let action = dir.path().join("actions/add-data");
    std::fs::write(
        &action,
        "#!/bin/sh\nset -e\nstorage-add data\naction-set listed=\"$(storage-list data | tr '\\n' ' ')\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&action, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

fn observed(up: &Up, unit: &str) -> Vec<String> {
    let path = up.unit_dir(unit).join("charm/observed");
    std::fs::read_to_string(path).unwrap_or_default().lines().map(String::from).collect()
}

/// Runs `command` on `unit` as `leaderd exec` does: stdout, stderr, exit code.
fn run(up: &Up, unit: &str, command: &str) -> (String, String, i32) {
    let out = up.exec(unit, &["sh", "-c", command]);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr), out.status.code().unwrap_or(-1))
}

fn storage_list(up: &Up, unit: &str) -> Vec<String> {
    let (out, err, code) = run(up, unit, "storage-list");
    assert_eq!(code, 0, "{err}");
    out.lines().map(String::from).collect()
}

/// The number of an id (`2` of `data/2`).
fn number(id: &str) -> u64 {
    id.split_once('/').unwrap().1.parse().unwrap()
}

#[test]
fn filesystem_storage_is_attached_before_install_added_by_storage_add_and_detached_on_removal() {
    let charm = storage_charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    let units = ["store/0", "store/1"];
    up.wait_hook_finished(&units, "start", T);

    // Each unit: one data instance (the range's minimum), none of cache (0-), attached before
    // install, a private directory under the unit's state directory.
    let mut first = BTreeSet::new();
    for unit in units {
        let listed = storage_list(&up, unit);
        assert_eq!(listed.len(), 1, "{unit}: {listed:?}");
        let id = listed[0].clone();
        assert!(id.starts_with("data/"), "{id}");
        let location = up.unit_dir(unit).join("storage").join(&id);
        let seen = observed(&up, unit);
        assert_eq!(
            seen[..2],
            [format!("attached {id} filesystem {} installed=no", location.display()), format!("install {id} ")],
            "{unit}"
        );
        let meta = std::fs::metadata(&location).unwrap();
        assert!(meta.is_dir(), "{}", location.display());
        assert_eq!(meta.permissions().mode() & 0o777, 0o700, "{}", location.display());
        assert!(location.join("written").exists());
        let hooks = up.hooks_started(unit);
        let attached_at = hooks.iter().position(|h| h == "data-storage-attached").unwrap();
        let install_at = hooks.iter().position(|h| h == "install").unwrap();
        assert!(attached_at < install_at, "{hooks:?}");
        first.insert(number(&id));
    }
    assert_eq!(first, BTreeSet::from([0, 1]), "unit ids from one sequence");

    // storage-get's answers, outside a storage hook with -s, and Juju's words for one not there.
    let id0 = storage_list(&up, "store/0")[0].clone();
    let (out, _, code) = run(&up, "store/0", &format!("storage-get -s {id0} --format json"));
    let location0 = up.unit_dir("store/0").join("storage").join(&id0);
    assert_eq!((out, code), (format!("{{\"kind\":\"filesystem\",\"location\":\"{}\"}}\n", location0.display()), 0));
    let (_, err, code) = run(&up, "store/0", "storage-get -s data/99");
    assert_eq!(
        (err.as_str(), code),
        ("ERROR invalid value \"data/99\" for option -s: storage attachment data/99:store/0 not found\n", 2)
    );
    let (_, err, code) = run(&up, "store/0", "storage-get");
    assert_eq!((err.as_str(), code), ("ERROR no storage instance specified\n", 2));

    // storage-add from an action: committed when the action ends (its own storage-list does
    // not show it yet), then the new instance's attached hook runs.
    let from = Mark::now();
    let out = up.leaderd(&["run", "store/0", "add-data", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let task: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(task["store/0"]["status"], "completed", "{task}");
    assert_eq!(task["store/0"]["results"]["listed"], format!("{id0} "), "queued until the action commits");
    up.wait_event_after(from, T, |r| r.of("store/0") && r.hook_finished("data-storage-attached"));
    let listed = storage_list(&up, "store/0");
    assert_eq!(listed.len(), 2, "{listed:?}");
    let added = listed[1].clone();
    assert!(number(&added) >= 2, "a new id: {added}");
    let seen = observed(&up, "store/0");
    let location = up.unit_dir("store/0").join("storage").join(&added);
    assert!(seen.contains(&format!("attached {added} filesystem {} installed=yes", location.display())), "{seen:?}");

    // Over the range's maximum (1-2): the commit fails in Juju's words, nothing is added, and
    // the action fails as Juju's finalizeAction fails it: its message, the error after its
    // stderr, return code 1, so `run` exits 1.
    let out = up.leaderd(&["run", "store/0", "add-data", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let task: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(task["store/0"]["status"], "failed", "{task}");
    assert_eq!(task["store/0"]["message"], "committing requested changes failed", "{task}");
    assert_eq!(task["store/0"]["results"]["return-code"], 1, "{task}");
    let stderr = task["store/0"]["results"]["stderr"].as_str().unwrap_or_default().to_string();
    assert!(
        stderr.ends_with(
            "adding \"data\" storage to store/0: attaching 1 storage instance brings the total to 3, exceeding the \
             maximum of 2"
        ),
        "{stderr}"
    );
    let (_, err, code) = run(&up, "store/0", "storage-add nope");
    assert_eq!(
        (err.as_str(), code),
        (
            "ERROR committing relation and secret changes: adding storage nope for unit-store-0: storage \"nope\" not \
          found\n",
            1
        )
    );
    let (_, err, code) = run(&up, "store/0", "storage-add data=0");
    assert_eq!(
        (err.as_str(), code),
        ("ERROR cannot parse constraints for storage \"data\": cannot parse count: count must be greater than zero, \
          got \"0\"\n", 2)
    );
    assert_eq!(storage_list(&up, "store/0"), listed, "nothing added");

    // An exec's storage-add of an unbounded storage: two cache instances, each attached.
    let from = Mark::now();
    let (_, err, code) = run(&up, "store/0", "storage-add cache=2");
    assert_eq!(code, 0, "{err}");
    up.until("two cache-storage-attached hooks", T, || {
        up.events_after(from).iter().filter(|r| r.of("store/0") && r.hook_finished("cache-storage-attached")).count()
            == 2
    });
    // `exec --format` (Juju's juju-exec task): a command that exits non-zero commits its
    // changes too, as Juju's does (its exit code is a return code): one more cache instance.
    let from = Mark::now();
    let out = up.leaderd(&["exec", "--unit", "store/0", "--format", "json", "--", "storage-add cache=1; exit 3"]);
    let task: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(task["store/0"]["results"]["return-code"], 3, "{task}");
    up.wait_event_after(from, T, |r| r.of("store/0") && r.hook_finished("cache-storage-attached"));
    let listed = storage_list(&up, "store/0");
    assert_eq!(listed.len(), 5, "{listed:?}");
    let (out, _, _) = run(&up, "store/0", "storage-list cache --format yaml");
    assert_eq!(out, format!("- {}\n- {}\n- {}\n", listed[2], listed[3], listed[4]));

    // Where an operator looks: status and show-unit.
    let status = up.status();
    let unit0 = status["applications"][0]["units"].as_array().unwrap().iter().find(|u| u["name"] == "store/0").cloned();
    assert_eq!(unit0.unwrap()["storage"], serde_json::json!(listed));
    let shown = String::from_utf8_lossy(&up.leaderd(&["show-unit", "store/0"]).stdout).into_owned();
    let want = format!(
        "    {added}:\n      kind: filesystem\n      life: alive\n      status:\n        current: \
         attached\n      persistent: false\n      attachments:\n        units:\n          store/0:\n            \
         location: {}\n            life: alive\n",
        location.display()
    );
    assert!(shown.contains("\n  storage:\n    cache/") && shown.contains(&want), "{shown}");

    // An agent restart keeps the same instances and directories and runs no storage hook again.
    let hooks_before = up.hooks_started("store/0");
    let out = up.leaderd(&["restart", "store/0"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.until("store/0 answers after its restart", T, || run(&up, "store/0", "true").2 == 0);
    assert_eq!(storage_list(&up, "store/0"), listed);
    assert!(location.join("written").exists());
    std::thread::sleep(Duration::from_secs(2));
    let again: Vec<String> = up.hooks_started("store/0")[hooks_before.len()..].to_vec();
    assert!(!again.iter().any(|h| h.contains("storage")), "{again:?}");

    // remove-unit: -storage-detaching for each instance, before stop and remove.
    let id1 = storage_list(&up, "store/1")[0].clone();
    let from = Mark::now();
    let out = up.leaderd(&["remove-unit", "store/1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.wait_event_after(from, T, |r| r.of("store/1") && r.hook_finished("remove"));
    let seen = observed(&up, "store/1");
    let tail: Vec<&str> = seen.iter().rev().take(3).rev().map(String::as_str).collect();
    // The detached instance is gone from storage-list in stop (Juju removed the attachment).
    assert_eq!(tail, [format!("detaching {id1} filesystem").as_str(), "stop []", "remove"], "{seen:?}");

    // A new unit numbers on: no id is used twice.
    let from = Mark::now();
    let out = up.leaderd(&["add-unit", "store"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.wait_event_after(from, T, |r| r.of("store/2") && r.hook_finished("start"));
    let fresh = storage_list(&up, "store/2");
    let highest = listed.iter().map(|id| number(id)).max().unwrap();
    assert!(fresh.len() == 1 && number(&fresh[0]) > highest, "{fresh:?} after {listed:?}");
}

/// A refreshed charm that declares a new storage: each unit gets its minimum count when it swaps
/// the charm in (Juju's upgrade adds the shortfall), and runs its attached hook after
/// upgrade-charm and the config-changed it queues. A charm that needs block storage is refused.
#[test]
fn a_refresh_that_adds_a_storage_attaches_it_after_upgrade_charm() {
    let hooks = [
        ("install", "true"),
        ("start", "true"),
        ("leader-elected", "true"),
        ("upgrade-charm", "echo upgrade-charm >> observed"),
        ("config-changed", "echo config-changed >> observed"),
        ("logs-storage-attached", "echo \"attached $JUJU_STORAGE_ID\" >> observed\ntouch \"$JUJU_STORAGE_LOCATION/x\""),
    ];
    let scripts: Vec<(&str, String)> =
        hooks.iter().map(|(name, body)| (*name, format!("#!/bin/sh\nset -e\n{body}\n"))).collect();
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(name, script)| (*name, script.as_str())).collect();
    let v1 = cluster::charm("name: grow\n", &scripts);
    let up = Up::start(Some(v1.path()), 1, "1s");
    up.wait_hook_finished(&["grow/0"], "start", T);
    assert_eq!(storage_list(&up, "grow/0"), Vec::<String>::new());

    let block = cluster::charm("name: grow\nstorage:\n  raw:\n    type: block\n", &scripts);
    let out = up.leaderd(&["refresh", "grow", "--path", block.path().to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the charm needs block storage \"raw\""),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let v2 = cluster::charm("name: grow\nstorage:\n  logs:\n    type: filesystem\n", &scripts);
    let from = Mark::now();
    let out = up.leaderd(&["refresh", "grow", "--path", v2.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.wait_event_after(from, T, |r| r.of("grow/0") && r.hook_finished("logs-storage-attached"));
    assert_eq!(storage_list(&up, "grow/0"), ["logs/0"]);
    let seen = observed(&up, "grow/0");
    assert_eq!(seen[seen.len() - 3..], ["upgrade-charm", "config-changed", "attached logs/0"], "{seen:?}");
    assert!(up.unit_dir("grow/0").join("storage/logs/0/x").exists());
}

/// The controller holds the charm's storage, not the unit: a hook that edits its copy of
/// metadata.yaml (a higher maximum, a storage of its own) still cannot go over the deployed
/// charm's maximum nor add a storage the deployed charm does not declare. And `leaderd refresh`
/// runs Juju's storage upgrade checks (`checkStorageUpgrade`), in Juju's words, leaving the
/// charm, the units and their storage as they were when it refuses.
#[test]
fn the_controller_checks_storage_against_the_deployed_charm_and_refresh_checks_the_upgrade() {
    let charm = storage_charm();
    let up = Up::start(Some(charm.path()), 1, "1s");
    up.wait_hook_finished(&["store/0"], "start", T);
    let listed = storage_list(&up, "store/0");
    assert_eq!(listed.len(), 1, "{listed:?}");

    let edit = "sed -i 's/range: 1-2/range: 1-50/' metadata.yaml && \
                printf '  extra:\\n    type: filesystem\\n    multiple:\\n      range: 0-5\\n' >> metadata.yaml";
    let (_, err, code) = run(&up, "store/0", &format!("{edit} && storage-add data=5"));
    assert_eq!(
        (err.as_str(), code),
        (
            "ERROR committing relation and secret changes: adding \"data\" storage to store/0: attaching 5 storage \
             instances brings the total to 6, exceeding the maximum of 2\n",
            1
        )
    );
    let (_, err, code) = run(&up, "store/0", "storage-add extra=2");
    assert_eq!(
        (err.as_str(), code),
        (
            "ERROR committing relation and secret changes: adding storage extra for unit-store-0: storage \"extra\" \
             not found\n",
            1
        )
    );
    assert_eq!(storage_list(&up, "store/0"), listed, "nothing added");

    // Refreshes the storage cannot follow: refused, nothing changes.
    let refused = |metadata: String, want: &str| {
        let next = storage_charm();
        std::fs::write(next.path().join("metadata.yaml"), metadata).unwrap();
        let out = up.leaderd(&["refresh", "store", "--path", next.path().to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success() && stderr.contains(want), "{want}: {stderr}");
    };
    let without_data = METADATA.replace(
        "  data:\n    type: filesystem\n    location: /srv/data\n",
        "  data-gone:\n    type: filesystem\n    location: /srv/data\n",
    );
    refused(without_data, "cannot upgrade application \"store\": required storage \"data\" removed");
    refused(
        METADATA.replace("range: 1-2", "range: 1-1"),
        "cannot upgrade application \"store\": existing storage \"data\" range contracted: max decreased from 2 to 1",
    );
    refused(
        METADATA.replace("location: /srv/data", "location: /srv/other"),
        "cannot upgrade application \"store\": existing storage \"data\" location changed from \"/srv/data\" to \
         \"/srv/other\"",
    );
    assert!(!up.state.join("charms/store/1").exists(), "no revision kept");
    assert_eq!(storage_list(&up, "store/0"), listed);
    assert!(!up.hooks_started("store/0").iter().any(|h| h == "upgrade-charm"));

    // One the storage can follow (a wider range): the next revision.
    let wider = storage_charm();
    std::fs::write(wider.path().join("metadata.yaml"), METADATA.replace("range: 1-2", "range: 1-3")).unwrap();
    let out = up.leaderd(&["refresh", "store", "--path", wider.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("revision 1"), "{}", String::from_utf8_lossy(&out.stdout));
}
