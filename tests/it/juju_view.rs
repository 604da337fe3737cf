//! `juju status`, `config`, `model-config`, `trust` and `show-unit` against a running model, as
//! jubilant's test_config.py and test_relations.py's show-unit drive them: `juju add-model`,
//! `juju deploy`, then the viewing commands.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use leaderd_testkit::cluster::charm;
use leaderd_testkit::JUJU;
use serde_json::{json, Value};

/// A model named `m` in a `juju` root of the test's own, with one application deployed; the
/// model is destroyed (and anything of it still running killed) when the test ends.
struct Model {
    home: tempfile::TempDir,
}

impl Model {
    fn start(charm: &Path) -> Model {
        let model = Model { home: tempfile::tempdir().unwrap() };
        let (_, err, code) = model.juju(&["add-model", "--no-switch", "m"]);
        assert_eq!(code, 0, "add-model: {err}");
        let (_, err, code) = model.juju(&["deploy", charm.to_str().unwrap(), "-m", "m"]);
        assert_eq!(code, 0, "deploy: {err}");
        model
    }

    /// A model with nothing deployed, added with `add_model_args` (`--config K=V`...).
    fn empty(add_model_args: &[&str]) -> Model {
        let model = Model { home: tempfile::tempdir().unwrap() };
        let mut args = vec!["add-model", "--no-switch", "m"];
        args.extend(add_model_args);
        let (_, err, code) = model.juju(&args);
        assert_eq!(code, 0, "add-model: {err}");
        model
    }

    fn juju(&self, args: &[&str]) -> (String, String, i32) {
        let out = Command::new(JUJU)
            .args(args)
            .env("LEADERD_HOME", self.home.path())
            .env_remove("JUJU_MODEL")
            .output()
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (text(out.stdout), text(out.stderr), out.status.code().unwrap())
    }

    /// `juju ARGS -m m`, which must succeed; its stdout.
    fn ok(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.extend(["-m", "m"]);
        let (out, err, code) = self.juju(&all);
        assert_eq!((err.as_str(), code), ("", 0), "juju {args:?}");
        out
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.ok(args);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("juju {args:?}: {e}: {out}"))
    }

    fn dir(&self) -> std::path::PathBuf {
        self.home.path().join("models/m")
    }

    /// What a unit's hooks appended to `<unit>/ran`.
    fn ran(&self, unit: &str) -> Vec<String> {
        let path = self.dir().join("units").join(unit.replace('/', "-")).join("ran");
        std::fs::read_to_string(path).unwrap_or_default().lines().map(String::from).collect()
    }

    fn until(&self, what: &str, mut check: impl FnMut() -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !check() {
            assert!(Instant::now() < deadline, "{what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls `juju status --format json` until `check` holds for it; every answer seen.
    fn status_until(&self, what: &str, mut check: impl FnMut(&Value) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        loop {
            // An empty model's status says so on stderr (Juju's Infof): only the exit code counts.
            let (out, err, code) = self.juju(&["status", "--format", "json", "-m", "m"]);
            assert_eq!(code, 0, "{err}");
            let status: Value = serde_json::from_str(&out).unwrap();
            let done = check(&status);
            seen.push(status);
            if done {
                return seen;
            }
            assert!(Instant::now() < deadline, "{what}: {:#}", seen.last().unwrap());
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        self.juju(&["destroy-model", "m", "--no-prompt", "--force", "--timeout", "5s"]);
    }
}

const METADATA: &str = "name: testdb\npeers:\n  cluster:\n    interface: db-peers\n";
const CONFIG: &str = "options:\n  testoption:\n    type: string\n    default: \"\"\n    description: A test option.\n";

/// A charm that takes a second and a half to install, records its config-changed and
/// update-status runs and sets no status.
fn slow_charm() -> tempfile::TempDir {
    let dir = charm(
        METADATA,
        &[
            ("install", "#!/bin/sh\nsleep 1.5\n"),
            ("config-changed", "#!/bin/sh\necho config-changed >> \"$CHARM_DIR/../ran\"\n"),
            ("update-status", "#!/bin/sh\necho update-status >> \"$CHARM_DIR/../ran\"\n"),
        ],
    );
    std::fs::write(dir.path().join("config.yaml"), CONFIG).unwrap();
    dir
}

fn unit(status: &Value) -> &Value {
    &status["applications"]["testdb"]["units"]["testdb/0"]
}

#[test]
fn status_shows_jujus_steps_and_config_model_config_and_trust_round_trip_as_jubilant_reads_them() {
    let charm = slow_charm();
    let model = Model::start(charm.path());
    // Installing: Juju's maintenance step with the agent executing the hook; then unknown,
    // with no message, once start has run (what jubilant's setups wait for).
    let seen = model.status_until("the unit started", |s| {
        unit(s)["workload-status"] == json!({"current": "unknown", "since": unit(s)["workload-status"]["since"]})
            && unit(s)["juju-status"]["current"] == "idle"
    });
    // Listed the moment deploy returned (jubilant indexes it at once), and not yet `unknown`.
    let first = unit(&seen[0]);
    assert!(
        ["waiting", "maintenance"].contains(&first["workload-status"]["current"].as_str().unwrap_or("")),
        "{first}"
    );
    let installing = seen
        .iter()
        .find(|s| unit(s)["workload-status"]["message"] == "installing charm software")
        .unwrap_or_else(|| panic!("never installing: {seen:#?}"));
    assert_eq!(unit(installing)["workload-status"]["current"], "maintenance");
    assert_eq!(unit(installing)["juju-status"]["current"], "executing");
    assert_eq!(unit(installing)["juju-status"]["message"], "running install hook");
    let status = seen.last().unwrap();
    assert_eq!(status["machines"], json!({}));
    assert_eq!(status["storage"], json!({}));
    assert_eq!(status["model"]["name"], "m");
    let app = &status["applications"]["testdb"];
    assert_eq!(
        (&app["charm"], &app["charm-origin"], &app["charm-name"], &app["charm-rev"], &app["exposed"]),
        (&json!("local:testdb-0"), &json!("local"), &json!("testdb"), &json!(0), &json!(false))
    );
    assert_eq!(app["application-status"], json!({"current": "unknown"}), "derived from the units'");
    assert_eq!(
        app["relations"],
        json!({"cluster": [{"related-application": "testdb", "interface": "db-peers", "scope": "global"}]}),
        "a peer relation with its interface, as Juju shows it"
    );
    let u = unit(status);
    assert_eq!(
        (&u["address"], &u["public-address"], &u["provider-id"]),
        (&json!("127.0.0.1"), &json!("127.0.0.1"), &json!("testdb-0"))
    );
    assert_eq!(u["juju-status"]["version"], "3.6.0");

    // test_config.py's test_config.
    let settings =
        |m: &Model| m.json(&["config", "testdb", "--format", "json"])["settings"]["testoption"]["value"].clone();
    assert_eq!(settings(&model), json!(""));
    model.ok(&["config", "testdb", "testoption=foobar"]);
    assert_eq!(settings(&model), json!("foobar"));
    assert_eq!(model.ok(&["config", "testdb", "testoption"]), "foobar\n");
    model.ok(&["config", "testdb", "--reset", "testoption"]);
    assert_eq!(settings(&model), json!(""));

    // test_model_config: `10s` is taken (Juju's lower bound never fires); the agents follow
    // the interval at once.
    let interval = |m: &Model| m.json(&["model-config", "--format", "json"])["update-status-hook-interval"].clone();
    assert_eq!(interval(&model), json!({"Value": "5m", "Source": "default"}));
    model.ok(&["model-config", "update-status-hook-interval=10s"]);
    assert_eq!(interval(&model), json!({"Value": "10s", "Source": "model"}));
    model.ok(&["model-config", "update-status-hook-interval=1s"]);
    let update_status = |m: &Model| m.ran("testdb/0").iter().filter(|l| *l == "update-status").count();
    model.until("update-status every second", || update_status(&model) >= 2);
    model.ok(&["model-config", "--reset", "update-status-hook-interval"]);
    assert_eq!(interval(&model), json!({"Value": "5m", "Source": "default"}));

    // test_trust: a JSON boolean, and a change runs config-changed as a charm config change does.
    let ran = || model.ran("testdb/0").iter().filter(|l| *l == "config-changed").count();
    let trust =
        |m: &Model| m.json(&["config", "testdb", "--format", "json"])["application-config"]["trust"]["value"].clone();
    assert_eq!(trust(&model), json!(false));
    let before = ran();
    model.ok(&["trust", "testdb", "--scope", "cluster"]);
    assert_eq!(trust(&model), json!(true));
    model.until("config-changed after trust", || ran() > before);
    model.ok(&["trust", "testdb", "--remove", "--scope", "cluster"]);
    assert_eq!(trust(&model), json!(false));

    // test_relations.py's test_show_unit, as far as one application goes.
    let info = &model.json(&["show-unit", "testdb/0", "--format", "json"])["testdb/0"];
    assert_eq!(info["charm"], "local:testdb-0");
    assert!(info["leader"].is_boolean(), "{info}");
    assert_eq!((&info["provider-id"], &info["life"]), (&json!("testdb-0"), &json!("alive")));
    assert_eq!(info["opened-ports"], json!(null));
    assert_eq!(info["relation-info"][0]["endpoint"], "cluster");
    let (_, err, code) = model.juju(&["show-unit", "testdb/9", "-m", "m"]);
    assert_eq!((err.as_str(), code), ("ERROR unit \"testdb/9\" not found\n", 1));
    let (_, err, code) = model.juju(&["config", "nope", "-m", "m"]);
    assert_eq!((err.as_str(), code), ("ERROR application \"nope\" not found\n", 1));

    // remove-application: dying while its units leave, then gone from status (the controller
    // keeps its config; the model's record is what lists applications).
    let (_, err, code) = model.juju(&["remove-application", "testdb", "-m", "m", "--no-prompt"]);
    assert_eq!(code, 0, "{err}");
    model.status_until("testdb gone", |s| s["applications"].get("testdb").is_none());
    for args in [&["config", "testdb", "-m", "m"][..], &["trust", "testdb", "-m", "m"]] {
        let (_, err, code) = model.juju(args);
        assert_eq!((err.as_str(), code), ("ERROR application \"testdb\" not found\n", 1), "{args:?}");
    }
}

#[test]
fn a_failed_hook_is_the_units_error_with_the_agent_idle_and_a_charms_status_stays_after_start() {
    let dir = charm(
        "name: failing\n",
        &[("install", "#!/bin/sh\nstatus-set active ready\n"), ("start", "#!/bin/sh\nexit 1\n")],
    );
    let model = Model::start(dir.path());
    let seen = model.status_until("start failed", |s| {
        s["applications"]["failing"]["units"]["failing/0"]["workload-status"]["current"] == "error"
    });
    let status = seen.last().unwrap();
    let u = &status["applications"]["failing"]["units"]["failing/0"];
    assert_eq!(u["workload-status"]["message"], "hook failed: \"start\"");
    assert_eq!(u["juju-status"]["current"], "idle");
    assert_eq!(u["leader"], true);
    let app = &status["applications"]["failing"]["application-status"];
    assert_eq!((&app["current"], &app["message"]), (&json!("error"), &json!("hook failed: \"start\"")));
    // The charm set a status in install: no maintenance step replaced it before the failure.
    assert!(
        !seen
            .iter()
            .any(|s| s["applications"]["failing"]["units"]["failing/0"]["workload-status"]["current"] == "unknown"
                && s["applications"]["failing"]["units"]["failing/0"]["juju-status"]["current"] == "idle"),
        "{seen:#?}"
    );
    // Juju's `resolved --no-retry`, through leaderd's own lever on the model's state.
    let resolved = Command::new(leaderd_testkit::cluster::LEADERD)
        .args(["resolve", "failing/0", "--no-retry", "--state"])
        .arg(model.dir())
        .output()
        .unwrap();
    assert!(resolved.status.success(), "{resolved:?}");
    let seen = model.status_until("resolved", |s| {
        s["applications"]["failing"]["units"]["failing/0"]["workload-status"]["current"] == "active"
    });
    let u = &seen.last().unwrap()["applications"]["failing"]["units"]["failing/0"];
    assert_eq!((&u["workload-status"]["message"], &u["juju-status"]["current"]), (&json!("ready"), &json!("idle")));
}

#[test]
fn add_model_config_is_the_models_config_and_an_empty_model_is_empty() {
    let model =
        Model::empty(&["--config", "update-status-hook-interval=30s", "--config", "logging-config=<root>=DEBUG"]);
    let config = model.json(&["model-config", "--format", "json"]);
    assert_eq!(config["update-status-hook-interval"], json!({"Value": "30s", "Source": "model"}));
    assert_eq!(config["logging-config"], json!({"Value": "<root>=DEBUG", "Source": "model"}));
    assert_eq!(model.ok(&["model-config", "update-status-hook-interval"]), "30s\n");
    let (out, _, _) = model.juju(&["status", "--format", "json", "-m", "m"]);
    let status: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (&status["applications"], &status["machines"], &status["storage"]),
        (&json!({}), &json!({}), &json!({}))
    );
    let (out, err, code) = model.juju(&["status", "-m", "m"]);
    assert_eq!((err.as_str(), code), ("\nModel \"admin/m\" is empty.\n", 0), "Juju's Infof, after the output");
    assert!(out.starts_with("Model  Controller  Cloud/Region"), "{out}");
    // A bad value makes no model.
    let (_, err, code) = model.juju(&["add-model", "bad", "--config", "update-status-hook-interval=soon"]);
    assert_eq!(
        (err.as_str(), code),
        ("ERROR failed to create new model: invalid update status hook interval in model configuration: time: invalid duration \"soon\"\n", 1)
    );
    assert!(!model.home.path().join("models/bad").exists());
}

#[test]
fn a_unit_failing_a_relation_hook_names_the_other_end_and_status_lists_the_relation() {
    let provider = charm("name: prov\nprovides:\n  db:\n    interface: dbi\n", &[]);
    let requirer =
        charm("name: req\nrequires:\n  db:\n    interface: dbi\n", &[("db-relation-changed", "#!/bin/sh\nexit 1\n")]);
    let model = Model::start(provider.path());
    let (_, err, code) = model.juju(&["deploy", requirer.path().to_str().unwrap(), "-m", "m"]);
    assert_eq!(code, 0, "deploy: {err}");
    model.ok(&["integrate", "prov", "req"]);
    let seen = model.status_until("req/0 in error", |s| {
        s["applications"]["req"]["units"]["req/0"]["workload-status"]["current"] == "error"
    });
    let status = seen.last().unwrap();
    let u = &status["applications"]["req"]["units"]["req/0"];
    assert_eq!(u["workload-status"]["message"], "hook failed: \"db-relation-changed\" for prov:db");
    assert_eq!(u["juju-status"]["current"], "idle");
    // The application's status is derived on the server, without the other end.
    assert_eq!(status["applications"]["req"]["application-status"]["message"], "hook failed: \"db-relation-changed\"");
    assert_eq!(
        status["applications"]["req"]["relations"],
        json!({"db": [{"related-application": "prov", "interface": "dbi", "scope": "global"}]})
    );
    assert_eq!(
        status["applications"]["prov"]["relations"],
        json!({"db": [{"related-application": "req", "interface": "dbi", "scope": "global"}]})
    );
    let table = model.ok(&["status", "--relations"]);
    assert!(table.contains("\nIntegration provider  Requirer  Interface  Type     Message\nprov:db               req:db    dbi        regular\n"), "{table}");
}

/// A unit whose agent stops (killed here with leaderd's lever) shows lost, as Juju shows a unit
/// whose agent it no longer hears from; restarted, it is back.
#[test]
fn a_unit_whose_agent_is_killed_shows_lost_until_it_is_back() {
    let charm = charm("name: lost\n", &[("start", "#!/bin/sh\nstatus-set active ready\n")]);
    let model = Model::start(charm.path());
    let unit = |s: &Value| s["applications"]["lost"]["units"]["lost/0"].clone();
    model.status_until("active", |s| unit(s)["workload-status"]["current"] == "active");
    let leaderd = Path::new(JUJU).with_file_name("leaderd");
    let lever = |action: &str| {
        let out = Command::new(&leaderd).args([action, "lost/0", "--state"]).arg(model.dir()).output().unwrap();
        assert!(out.status.success(), "{action}: {}", String::from_utf8_lossy(&out.stderr));
    };
    lever("kill");
    let status = model.json(&["status", "--format", "json"]);
    assert_eq!(
        (&unit(&status)["workload-status"]["current"], &unit(&status)["workload-status"]["message"]),
        (&json!("unknown"), &json!("agent lost, see 'juju show-status-log lost/0'"))
    );
    assert_eq!(
        (&unit(&status)["juju-status"]["current"], &unit(&status)["juju-status"]["message"]),
        (&json!("lost"), &json!("agent is not communicating with the server"))
    );
    lever("restart");
    model.status_until("back", |s| unit(s)["juju-status"]["current"] != "lost");
}
