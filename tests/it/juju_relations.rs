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
