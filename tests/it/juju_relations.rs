//! Relations between two applications of one model, end to end through `juju`: add-model,
//! deploy two shell charms (one provides `db`, the other requires it), `juju integrate`, the
//! hooks on both sides with Juju's environment (and the remote application's bag reaching the
//! other side through a `-relation-changed` with no remote unit), `juju remove-relation`
//! (`-departed` and `-broken` on both sides), a new relation id on integrating again, and
//! remove-application ending the relation for the other side.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use leaderd_testkit::JUJU;

/// A `juju` root of this test's own (`LEADERD_HOME`), whose models are destroyed when it is
/// dropped, and anything of them still running killed, whatever the test did.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn juju(&self, args: &[&str]) -> (String, String, i32) {
        let out = Command::new(JUJU)
            .env("LEADERD_HOME", self.dir.path())
            .env_remove("JUJU_MODEL")
            .env_remove("JUJU_CONTROLLER")
            .args(args)
            .output()
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (text(out.stdout), text(out.stderr), out.status.code().unwrap())
    }

    /// Every process whose command line names this root.
    fn processes(&self) -> Vec<u32> {
        let root = self.dir.path().display().to_string();
        std::fs::read_dir("/proc")
            .unwrap()
            .flatten()
            .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
            .filter(|pid| {
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                cmdline.split(|b| *b == 0).any(|part| String::from_utf8_lossy(part).contains(&root))
            })
            .collect()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let models = std::fs::read_dir(self.dir.path().join("models"))
            .map(|d| d.flatten().collect::<Vec<_>>())
            .unwrap_or_default();
        for model in models {
            let name = model.file_name().to_string_lossy().into_owned();
            self.juju(&["destroy-model", &name, "--no-prompt", "--force", "--timeout", "5s"]);
        }
        for pid in self.processes() {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}

/// A relation hook that appends `UNIT HOOK JUJU_RELATION JUJU_RELATION_ID JUJU_REMOTE_APP
/// REMOTE_UNIT DEPARTING_UNIT EXTRA` (`-` for an unset one) to `marks`; `extra` is shell run
/// first, its output the last field.
fn hook(marks: &Path, extra: &str) -> String {
    format!(
        "#!/bin/sh\nset -e\nextra=$({extra})\necho \"$JUJU_UNIT_NAME $(basename $0) $JUJU_RELATION $JUJU_RELATION_ID \
         $JUJU_REMOTE_APP ${{JUJU_REMOTE_UNIT:--}} ${{JUJU_DEPARTING_UNIT:--}} ${{extra:--}}\" >> {}\n",
        marks.display()
    )
}

/// Waits (up to 60 s) until `marks` has a line for each of `want` (each a line's start);
/// answers every line.
fn wait_for(marks: &Path, want: &[String]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(marks).unwrap_or_default();
        let lines: Vec<String> = text.lines().map(String::from).collect();
        let missing: Vec<&String> = want.iter().filter(|w| !lines.iter().any(|l| l.starts_with(w.as_str()))).collect();
        if missing.is_empty() {
            return lines;
        }
        assert!(Instant::now() < deadline, "no hook line {missing:?} within 60s; the hooks ran:\n{text}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn integrate_runs_both_sides_hooks_and_remove_relation_departs_and_breaks() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let marks_dir = tempfile::tempdir().unwrap();
    let marks = marks_dir.path().join("hooks");
    // testdb's leader writes its application bag in -relation-created (as jubilant's testdb).
    let created = "if [ \"$(is-leader)\" = True ]; then relation-set -r $JUJU_RELATION_ID --app dbkey=dbvalue; fi";
    let db_hooks: Vec<(String, String)> = ["created", "joined", "changed", "departed", "broken"]
        .iter()
        .map(|kind| {
            let extra = if *kind == "created" { created } else { "true" };
            (format!("db-relation-{kind}"), hook(&marks, extra))
        })
        .collect();
    // testapp reads the remote application's bag (ops: `relation-get -r ID - testdb --app`).
    let app_hooks: Vec<(String, String)> = ["created", "joined", "changed", "departed", "broken"]
        .iter()
        .map(|kind| {
            let extra = match *kind {
                "changed" => "relation-get -r $JUJU_RELATION_ID --app dbkey testdb",
                _ => "true",
            };
            (format!("db-relation-{kind}"), hook(&marks, extra))
        })
        .collect();
    let db_hooks: Vec<(&str, &str)> = db_hooks.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    let app_hooks: Vec<(&str, &str)> = app_hooks.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    let testdb = leaderd_testkit::cluster::charm("name: testdb\nprovides:\n  db:\n    interface: dbi\n", &db_hooks);
    let testapp = leaderd_testkit::cluster::charm("name: testapp\nrequires:\n  db:\n    interface: dbi\n", &app_hooks);

    let (_, err, code) = home.juju(&["add-model", "m"]);
    assert_eq!(code, 0, "{err}");
    for charm in [&testdb, &testapp] {
        let (_, err, code) = home.juju(&["deploy", charm.path().to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let (_, err, code) = home.juju(&["integrate", "testdb", "nope"]);
    assert_eq!((err.as_str(), code), ("ERROR application \"nope\" not found\n", 1));
    let (_, err, code) = home.juju(&["integrate", "testdb", "testdb"]);
    assert_eq!((err.as_str(), code), ("ERROR no relations found\n", 1));
    // At once, as jubilant's test does (the units may not have installed yet).
    let (out, err, code) = home.juju(&["integrate", "testdb", "testapp"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));
    let (_, err, code) = home.juju(&["integrate", "testapp:db", "testdb"]);
    assert_eq!(
        (err.as_str(), code),
        (
            "ERROR cannot add relation \"testapp:db testdb:db\"\nrelation testapp:db testdb:db already exists: \n\n\
             Use 'juju status --relations' to view the current relations.\n",
            1
        )
    );

    // Relation 0 (neither charm has peers): created on both sides, the remote units joined,
    // and testapp's -changed with only the remote application carries testdb's bag.
    let lines = |id: u64| -> Vec<String> {
        vec![
            format!("testdb/0 db-relation-created db db:{id} testapp - -"),
            format!("testapp/0 db-relation-created db db:{id} testdb - -"),
            format!("testdb/0 db-relation-joined db db:{id} testapp testapp/0 -"),
            format!("testdb/0 db-relation-changed db db:{id} testapp testapp/0 -"),
            format!("testapp/0 db-relation-joined db db:{id} testdb testdb/0 -"),
            format!("testapp/0 db-relation-changed db db:{id} testdb - - dbvalue"),
        ]
    };
    wait_for(&marks, &lines(0));

    let (out, err, code) = home.juju(&["remove-relation", "testdb", "testapp"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));
    let gone = vec![
        "testdb/0 db-relation-departed db db:0 testapp testapp/0 testapp/0".to_string(),
        "testdb/0 db-relation-broken db db:0 testapp - -".to_string(),
        "testapp/0 db-relation-departed db db:0 testdb testdb/0 testdb/0".to_string(),
        "testapp/0 db-relation-broken db db:0 testdb - -".to_string(),
    ];
    wait_for(&marks, &gone);
    let (_, err, code) = home.juju(&["remove-relation", "testdb", "testapp"]);
    assert_eq!((err.as_str(), code), ("ERROR relation matching \"testdb testapp\" not found\n", 1));

    // Integrating again makes a new relation, with the next id.
    let (_, err, code) = home.juju(&["integrate", "testapp", "testdb"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let all = wait_for(&marks, &lines(1));
    // Each hook ran once per relation on each side, and nothing ran after -broken.
    for line in lines(0).iter().chain(&gone) {
        assert_eq!(all.iter().filter(|l| l.starts_with(line.as_str())).count(), 1, "{line}:\n{all:#?}");
    }

    // Removing an application ends its relations: the other side departs and breaks.
    let (_, err, code) = home.juju(&["remove-application", "--no-prompt", "testapp"]);
    assert_eq!(code, 0, "{err}");
    wait_for(
        &marks,
        &[
            "testdb/0 db-relation-departed db db:1 testapp testapp/0 testapp/0".to_string(),
            "testdb/0 db-relation-broken db db:1 testapp - -".to_string(),
        ],
    );

    let (_, err, code) = home.juju(&["destroy-model", "m", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
}

/// A shell charm `name` with `metadata` (after its name) whose every hook in `hooks` logs
/// through [`hook`].
fn logging_charm(name: &str, metadata: &str, marks: &Path, hooks: &[&str]) -> tempfile::TempDir {
    let scripts: Vec<(String, String)> = hooks.iter().map(|h| (h.to_string(), hook(marks, "true"))).collect();
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(n, s)| (n.as_str(), s.as_str())).collect();
    leaderd_testkit::cluster::charm(&format!("name: {name}\n{metadata}"), &scripts)
}

#[test]
fn refresh_refuses_a_charm_that_breaks_a_relation_and_registers_the_new_endpoints() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let marks_dir = tempfile::tempdir().unwrap();
    let marks = marks_dir.path().join("hooks");
    let relation_hooks = ["db-relation-created", "cache-relation-created", "cluster-relation-created"];
    let testdb = logging_charm("testdb", "provides:\n  db:\n    interface: dbi\n", &marks, &relation_hooks);
    let testapp = logging_charm("testapp", "requires:\n  db:\n    interface: dbi\n", &marks, &relation_hooks);
    // Revision 1 drops `db` (in a relation); another changes its interface.
    let dropped = logging_charm("testapp", "requires:\n  db2:\n    interface: dbi\n", &marks, &relation_hooks);
    let retyped = logging_charm("testapp", "requires:\n  db:\n    interface: other\n", &marks, &relation_hooks);
    // One that keeps `db` and adds `cache`, which integrate must then know.
    let more = "requires:\n  db:\n    interface: dbi\n  cache:\n    interface: dbi\n";
    let more = logging_charm("testapp", more, &marks, &relation_hooks);

    assert_eq!(home.juju(&["add-model", "m"]).2, 0);
    for charm in [&testdb, &testapp] {
        let (_, err, code) = home.juju(&["deploy", charm.path().to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    assert_eq!(home.juju(&["integrate", "testdb", "testapp"]).2, 0);
    wait_for(&marks, &["testapp/0 db-relation-created db db:0 testdb - -".to_string()]);

    // Juju's `SetCharm` (state/application.go: `checkRelationsOps`, annotated by SetCharm).
    for charm in [&dropped, &retyped] {
        let (out, err, code) = home.juju(&["refresh", "testapp", "--path", charm.path().to_str().unwrap()]);
        assert_eq!(
            (out.as_str(), err.as_str(), code),
            (
                "",
                "ERROR cannot upgrade application \"testapp\" to charm \"local:testapp-1\": would break relation \
                 \"testapp:db testdb:db\"\n",
                1
            )
        );
    }
    // Nothing changed: integrate still knows only `db`.
    let (_, err, code) = home.juju(&["integrate", "testapp:cache", "testdb"]);
    assert_eq!((err.as_str(), code), ("ERROR application \"testapp\" has no \"cache\" relation\n", 1));

    let (_, err, code) = home.juju(&["refresh", "testapp", "--path", more.path().to_str().unwrap()]);
    assert_eq!((err.as_str(), code), ("Added local charm \"testapp\", revision 1, to the model\n", 0));
    let (_, err, code) = home.juju(&["integrate", "testapp:cache", "testdb"]);
    assert_eq!((err.as_str(), code), ("", 0));
    wait_for(
        &marks,
        &[
            "testapp/0 cache-relation-created cache cache:1 testdb - -".to_string(),
            "testdb/0 db-relation-created db db:1 testapp - -".to_string(),
        ],
    );
    let (_, err, code) = home.juju(&["destroy-model", "m", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn refresh_that_adds_a_peer_relation_creates_it_and_one_that_drops_it_removes_it() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let marks_dir = tempfile::tempdir().unwrap();
    let marks = marks_dir.path().join("hooks");
    let hooks =
        ["cluster-relation-created", "cluster-relation-joined", "cluster-relation-changed", "cluster-relation-broken"];
    let v0 = logging_charm("testapp", "", &marks, &hooks);
    let v1 = logging_charm("testapp", "peers:\n  cluster:\n    interface: c\n", &marks, &hooks);

    assert_eq!(home.juju(&["add-model", "m"]).2, 0);
    let (_, err, code) = home.juju(&["deploy", v0.path().to_str().unwrap(), "-n", "2"]);
    assert_eq!(code, 0, "{err}");
    // Juju's `SetCharm` creates the new charm's new peer relations (`addPeerRelationsOps`).
    let (_, err, code) = home.juju(&["refresh", "testapp", "--path", v1.path().to_str().unwrap()]);
    assert_eq!((err.as_str(), code), ("Added local charm \"testapp\", revision 1, to the model\n", 0));
    wait_for(
        &marks,
        &[
            "testapp/0 cluster-relation-created cluster cluster:0 testapp - -".to_string(),
            "testapp/1 cluster-relation-created cluster cluster:0 testapp - -".to_string(),
            "testapp/0 cluster-relation-joined cluster cluster:0 testapp testapp/1 -".to_string(),
            "testapp/1 cluster-relation-joined cluster cluster:0 testapp testapp/0 -".to_string(),
        ],
    );
    // And one that drops it has it removed (`removeStalePeerRelationsOps`): -broken runs.
    let (_, err, code) = home.juju(&["refresh", "testapp", "--path", v0.path().to_str().unwrap()]);
    assert_eq!((err.as_str(), code), ("Added local charm \"testapp\", revision 2, to the model\n", 0));
    wait_for(
        &marks,
        &[
            "testapp/0 cluster-relation-broken cluster cluster:0 testapp - -".to_string(),
            "testapp/1 cluster-relation-broken cluster cluster:0 testapp - -".to_string(),
        ],
    );
    let (_, err, code) = home.juju(&["destroy-model", "m", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn deploy_refuses_subordinate_and_sidecar_charms_and_starts_nothing() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let marks_dir = tempfile::tempdir().unwrap();
    let marks = marks_dir.path().join("hooks");
    let sub = "subordinate: true\nrequires:\n  juju-info:\n    interface: juju-info\n    scope: container\n";
    let sub = logging_charm("sub", sub, &marks, &["install"]);
    let k8s = "containers:\n  workload:\n    resource: img\nresources:\n  img:\n    type: oci-image\n";
    let k8s = logging_charm("k8s", k8s, &marks, &["install"]);

    assert_eq!(home.juju(&["add-model", "m"]).2, 0);
    let (out, err, code) = home.juju(&["deploy", sub.path().to_str().unwrap()]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "",
            "ERROR cannot deploy charm \"sub\": it is a subordinate charm (subordinate: true), and leaderd does not \
             run subordinates\n",
            1
        )
    );
    let (out, err, code) = home.juju(&["deploy", k8s.path().to_str().unwrap()]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "",
            "ERROR cannot deploy charm \"k8s\": it declares containers (a Kubernetes sidecar charm), and leaderd runs \
             no Kubernetes pods or Pebble\n",
            1
        )
    );
    let (status, err, code) = home.juju(&["status", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(status["applications"], serde_json::json!({}), "{status}");
    std::thread::sleep(Duration::from_millis(500));
    assert!(!marks.exists(), "a hook ran: {}", std::fs::read_to_string(&marks).unwrap_or_default());
    let (_, err, code) = home.juju(&["destroy-model", "m", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_model_from_add_model_gives_its_hooks_an_allow_listed_environment() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let out_dir = tempfile::tempdir().unwrap();
    let dump = out_dir.path().join("env");
    let install = format!("#!/bin/sh\nenv | sort > {}\n", dump.display());
    let charm = leaderd_testkit::cluster::charm("name: envdump\n", &[("install", install.as_str())]);
    let path = format!("/opt/only-here/bin:{}", std::env::var("PATH").unwrap_or_default());
    let added = Command::new(JUJU)
        .env("LEADERD_HOME", home.dir.path())
        .env_remove("JUJU_MODEL")
        .env_remove("JUJU_CONTROLLER")
        .env("PATH", &path)
        .env("PYTHONPATH", "/tmp/leak-pp")
        .env("VIRTUAL_ENV", "/tmp/leak-venv")
        .env("AWS_SECRET_ACCESS_KEY", "leaked")
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .env("TZ", "UTC")
        .args(["add-model", "m"])
        .status()
        .unwrap();
    assert!(added.success());
    let (_, err, code) = home.juju(&["deploy", charm.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let deadline = Instant::now() + Duration::from_secs(60);
    let env = loop {
        match std::fs::read_to_string(&dump) {
            Ok(text) if text.contains("JUJU_UNIT_NAME=") => break text,
            _ => assert!(Instant::now() < deadline, "no install hook ran within 60s"),
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let names: Vec<&str> = env.lines().filter_map(|l| l.split_once('=')).map(|(k, _)| k).collect();
    for leaked in ["PYTHONPATH", "VIRTUAL_ENV", "AWS_SECRET_ACCESS_KEY", "LEADERD_HOME", "OLDPWD"] {
        assert!(!names.contains(&leaked), "{leaked} reached the hook:\n{env}");
    }
    for kept in ["LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TZ=UTC"] {
        assert!(env.lines().any(|l| l == kept), "{kept} missing:\n{env}");
    }
    // The tools directory first, then add-model's PATH (where the charm's python3 is found).
    let hook_path = env.lines().find_map(|l| l.strip_prefix("PATH=")).unwrap();
    assert!(hook_path.ends_with(&format!(":{path}")), "{hook_path}");
    let (_, err, code) = home.juju(&["destroy-model", "m", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn run_background_then_show_operation_and_operations_as_juju_prints_them() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let charm = leaderd_testkit::cluster::charm("name: act\n", &[]);
    std::fs::write(charm.path().join("actions.yaml"), "greet:\n  description: Says hello.\n").unwrap();
    let dispatch = charm.path().join("dispatch");
    std::fs::write(
        &dispatch,
        "#!/bin/sh\n[ \"$JUJU_DISPATCH_PATH\" = actions/greet ] && action-set greeting=hello\nexit 0\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&dispatch, std::fs::Permissions::from_mode(0o755)).unwrap();

    assert_eq!(home.juju(&["add-model", "m"]).2, 0);
    let (_, err, code) = home.juju(&["deploy", charm.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (out, err, code) = home.juju(&["operations"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "no matching operations\n", 0));
    let (_, said, code) = home.juju(&["run", "act/0", "greet", "--background"]);
    assert_eq!(code, 0, "{said}");
    // "Scheduled operation N with task M" (on stderr) and Juju's pointer to show-operation.
    let words: Vec<&str> = said.split_whitespace().collect();
    let (op, task) = (words[2], words[5]);
    assert!(said.contains(&format!("juju show-operation {op}")), "{said}");

    let (out, err, code) = home.juju(&["show-operation", op, "--wait", "60s", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["summary"], "greet run on unit-act-0", "{shown}");
    assert_eq!(shown["status"], "completed", "{shown}");
    assert_eq!(shown["tasks"][task]["host"], "act/0", "{shown}");
    assert_eq!(shown["tasks"][task]["results"]["greeting"], "hello", "{shown}");
    let (out, _, code) = home.juju(&["show-operation", op]);
    assert_eq!(code, 0);
    assert!(out.starts_with("summary: greet run on unit-act-0\nstatus: completed\naction:\n  name: greet\n"), "{out}");
    let (_, err, code) = home.juju(&["show-operation", "999"]);
    assert_eq!((err.as_str(), code), ("ERROR operation \"999\" not found\n", 1));

    let (out, err, code) = home.juju(&["operations"]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(
        lines[0].starts_with("ID  Status     Started              Finished             Task IDs  Summary"),
        "{out}"
    );
    let row: Vec<&str> = lines[1].split_whitespace().collect();
    assert_eq!((row[0], row[1], row[4], row[5..].join(" ")), (op, "completed", task, "greet run on unit-act-0".into()));
    let (out, _, _) = home.juju(&["operations", "--format", "json"]);
    let listed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(listed[op]["status"], "completed", "{listed}");
    let (_, err, code) = home.juju(&["destroy-model", "m", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
}

/// A secret granted over a relation: the other application reads it while the relation is
/// there, and no more once it is removed (juju/juju state/relation.go removes the grants made
/// over a relation with it). An application being removed takes no new relation.
#[test]
fn a_removed_relation_takes_its_secret_grants_and_a_removed_application_takes_no_relation() {
    let home = Home { dir: tempfile::tempdir().unwrap() };
    let marks_dir = tempfile::tempdir().unwrap();
    let secret_file = marks_dir.path().join("secret-id");
    let created = format!(
        "#!/bin/sh\nset -e\nif [ \"$(is-leader)\" = True ]; then ID=$(secret-add --owner application password=hunter2); \
         secret-grant -r $JUJU_RELATION_ID $ID; echo $ID > {}.tmp; mv {}.tmp {}; fi\n",
        secret_file.display(),
        secret_file.display(),
        secret_file.display()
    );
    let prov = leaderd_testkit::cluster::charm(
        "name: prov\nprovides:\n  db:\n    interface: dbi\n",
        &[("db-relation-created", created.as_str())],
    );
    let req = leaderd_testkit::cluster::charm("name: req\nrequires:\n  db:\n    interface: dbi\n", &[]);
    let (_, err, code) = home.juju(&["add-model", "m"]);
    assert_eq!(code, 0, "{err}");
    for charm in [&prov, &req] {
        let (_, err, code) = home.juju(&["deploy", charm.path().to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
    }
    let (_, err, code) = home.juju(&["integrate", "prov", "req"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let deadline = Instant::now() + Duration::from_secs(60);
    let id = loop {
        if let Ok(id) = std::fs::read_to_string(&secret_file) {
            break id.trim().to_string();
        }
        assert!(Instant::now() < deadline, "no secret granted within 60s");
        std::thread::sleep(Duration::from_millis(100));
    };
    let get = || home.juju(&["exec", "--unit", "req/0", "--", "secret-get", &id, "--refresh"]);
    let (out, err, code) = get();
    assert_eq!((out.as_str(), code), ("password: hunter2\n", 0), "{err}");

    let (_, err, code) = home.juju(&["remove-relation", "prov", "req"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        // secret-get's words for a secret the unit may not read (as for one never granted).
        let (out, err, code) = get();
        if code != 0 {
            assert!(out.is_empty() && err.starts_with("ERROR permission denied\n"), "{out:?} {err:?}");
            break;
        }
        assert!(Instant::now() < deadline, "req/0 still reads the secret 60s after remove-relation");
        std::thread::sleep(Duration::from_millis(250));
    }

    let (_, err, code) = home.juju(&["remove-application", "--no-prompt", "prov"]);
    assert_eq!(code, 0, "{err}");
    let (_, err, code) = home.juju(&["integrate", "req", "prov"]);
    let refused = (err.as_str(), code);
    assert!(
        refused == ("ERROR cannot add relation \"prov:db req:db\": application \"prov\" is not alive\n", 1)
            || refused == ("ERROR application \"prov\" not found\n", 1),
        "{refused:?}"
    );
}
