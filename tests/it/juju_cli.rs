//! The `juju` command as a test suite runs it: the binary `cargo build` puts beside `leaderd`,
//! its version, Juju's words and exit codes for what it does not know.

use std::process::Command;

use leaderd_testkit::JUJU;

fn juju(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(JUJU).args(args).output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr), out.status.code().unwrap())
}

#[test]
fn juju_prints_its_version_as_juju_does_and_jubilant_parses_it() {
    let (plain, err, code) = juju(&["version"]);
    assert_eq!((err.as_str(), code), ("", 0));
    // jubilant's Version._from_dict: MAJOR.MINOR.PATCH-RELEASE-ARCH, no '-' inside the parts.
    let parts: Vec<&str> = plain.trim_end().split('-').collect();
    assert_eq!(parts.len(), 3, "{plain:?}");
    assert_eq!(parts[0], "3.6.0");
    assert!(plain.ends_with('\n') && !parts[1].is_empty() && !parts[2].is_empty(), "{plain:?}");
    let (all, _, code) = juju(&["version", "--all", "--format", "json"]);
    assert_eq!(code, 0);
    let all: serde_json::Value = serde_json::from_str(&all).unwrap();
    assert_eq!(all["version"], plain.trim_end(), "`version` and `--all`'s version are one string");
    assert_eq!(juju(&["--version"]).0, plain);
}

#[test]
fn an_unknown_command_or_option_gets_jujus_words_and_exit_code() {
    let (out, err, code) = juju(&["stauts"]);
    let want = "ERROR juju: \"stauts\" is not a juju command. See \"juju --help\".\n\nDid you mean:\n\tstatus\n";
    assert_eq!((out.as_str(), err.as_str(), code), ("", want, 1));
    let (_, err, code) = juju(&["version", "--bogus"]);
    assert_eq!((err.as_str(), code), ("ERROR option provided but not defined: --bogus\n", 2));
}

// ---- run, exec, show-task, ssh, debug-log and the secrets, on a model made by hand: a
// `leaderd up` whose state directory is `<LEADERD_HOME>/models/m` (a symlink to the Up's). ----

mod model {
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::time::Duration;

    use leaderd_testkit::cluster::{self, Up};
    use leaderd_testkit::JUJU;

    const T: Duration = Duration::from_secs(30);

    const ACTIONS: &str = "do-thing:
  description: Do a thing.
  params:
    mode:
      type: string
  additionalProperties: true
";

    /// testdb's do-thing, in sh: action-fail with `error`, a crash with `exception`, else
    /// results with the parameters.
    const DISPATCH: &str = "#!/bin/sh
case \"$JUJU_DISPATCH_PATH\" in
  actions/do-thing)
    if [ -n \"$(action-get error)\" ]; then action-fail \"failed with error: $(action-get error)\"; exit 0; fi
    if [ -n \"$(action-get exception)\" ]; then echo \"Uncaught Exception in charm code: $(action-get exception)\" >&2; exit 1; fi
    action-set thingy=foo params.param1=\"$(action-get param1)\" ;;
esac
";

    /// A model `m` under a fresh LEADERD_HOME: one unit of `testdb`, started.
    pub(super) struct Model {
        pub up: Up,
        pub home: tempfile::TempDir,
        _charm: tempfile::TempDir,
    }

    impl Model {
        pub fn start() -> Model {
            use std::os::unix::fs::PermissionsExt;
            let charm = cluster::charm("name: testdb\n", &[]);
            std::fs::write(charm.path().join("actions.yaml"), ACTIONS).unwrap();
            let dispatch = charm.path().join("dispatch");
            std::fs::write(&dispatch, DISPATCH).unwrap();
            std::fs::set_permissions(&dispatch, std::fs::Permissions::from_mode(0o755)).unwrap();
            let up = Up::start(Some(charm.path()), 1, "1s");
            up.wait_hook_finished(&["testdb/0"], "start", T);
            let home = tempfile::tempdir().unwrap();
            std::fs::create_dir(home.path().join("models")).unwrap();
            std::os::unix::fs::symlink(&up.state, home.path().join("models/m")).unwrap();
            Model { up, home, _charm: charm }
        }

        /// `juju ARGS` with `--model m` right after the command's name (as jubilant puts it):
        /// (stdout, stderr, exit code).
        pub fn juju(&self, args: &[&str]) -> (String, String, i32) {
            self.juju_with_stdin(args, None)
        }

        pub fn juju_with_stdin(&self, args: &[&str], stdin: Option<&str>) -> (String, String, i32) {
            let mut all = vec![args[0], "--model", "m"];
            all.extend(&args[1..]);
            let mut command = Command::new(JUJU);
            command.args(&all).env("LEADERD_HOME", self.home.path()).env_remove("JUJU_MODEL");
            command.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
            let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            if let Some(text) = stdin {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
            }
            let out = child.wait_with_output().unwrap();
            let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
            (text(out.stdout), text(out.stderr), out.status.code().unwrap())
        }

        pub fn unit_dir(&self) -> std::path::PathBuf {
            self.up.unit_dir("testdb/0")
        }
    }

    pub(super) fn json(text: &str) -> serde_json::Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text:?}"))
    }

    pub(super) fn write(dir: &Path, name: &str, text: &str) -> String {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }
}

use model::{json, write, Model};

/// jubilant's `juju.run` reads: a task's JSON on stdout (exit 0, or 1 after it when the task's
/// return code is 1 or more), an empty stdout for a unit or action that does not exist (exit
/// 0), `timed out` on stderr with nothing on stdout when the wait runs out.
#[test]
fn juju_run_keeps_jujus_contract() {
    let m = Model::start();
    let params = write(m.home.path(), "params.yaml", "param1: value1\n");
    let (out, err, code) = m.juju(&["run", "--format", "json", "testdb/0", "do-thing", "--params", &params]);
    assert_eq!(code, 0, "{err}");
    let task = &json(&out)["testdb/0"];
    assert_eq!(task["status"], "completed");
    assert_eq!(task["results"], serde_json::json!({"params": {"param1": "value1"}, "return-code": 0, "thingy": "foo"}));
    assert!(
        err.starts_with("Running operation ") && err.contains(" - task ") && err.contains("Waiting for task "),
        "{err}"
    );

    let (out, _, code) = m.juju(&["run", "--format", "json", "testdb/leader", "do-thing", "--params", &params]);
    assert_eq!(
        (code, json(&out)["testdb/0"]["results"]["thingy"].as_str()),
        (0, Some("foo")),
        "app/leader is the leader, keyed by its name"
    );

    let error = write(m.home.path(), "error.yaml", "error: ERR\n");
    let (out, _, code) = m.juju(&["run", "--format", "json", "testdb/0", "do-thing", "--params", &error]);
    let task = &json(&out)["testdb/0"];
    assert_eq!(
        (code, &task["status"], &task["message"], &task["results"]),
        (0, &"failed".into(), &"failed with error: ERR".into(), &serde_json::json!({"return-code": 0}))
    );

    let exception = write(m.home.path(), "exception.yaml", "exception: EXC\n");
    let (out, err, code) = m.juju(&["run", "--format", "json", "testdb/0", "do-thing", "--params", &exception]);
    let task = &json(&out)["testdb/0"];
    assert_eq!((code, &task["status"], &task["results"]["return-code"]), (1, &"failed".into(), &1.into()));
    assert_eq!(task["results"]["stderr"], "Uncaught Exception in charm code: EXC\n");
    let id = task["id"].as_str().unwrap();
    assert!(err.ends_with(&format!("ERROR the following task failed:\n - id \"{id}\" with return code 1\n\nuse 'juju show-task' to inspect the failure\n\n")), "{err}");
    let (shown, _, code) = m.juju(&["show-task", id, "--format", "json"]);
    assert_eq!((code, json(&shown)["results"]["return-code"].as_i64()), (0, Some(1)), "{shown}");

    let (out, err, code) = m.juju(&["run", "testdb/0", "do-thing", "--background"]);
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    let task = err.lines().find_map(|l| l.strip_prefix("Check task status with 'juju show-task ")).unwrap();
    let task = task.trim_end_matches('\'');
    let (shown, _, code) = m.juju(&["show-task", task, "--wait", "30s", "--format", "json"]);
    assert_eq!((code, json(&shown)["status"].as_str()), (0, Some("completed")), "{shown}");

    let (out, err, code) = m.juju(&["run", "--format", "json", "testdb/0", "do-thing", "--wait", "0.001s"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.ends_with("ERROR timed out waiting for results from: unit testdb/0\n"), "{err}");

    for (args, why) in [
        (["testdb/0", "action-not-defined"], "action \"action-not-defined\" not defined on unit \"testdb/0\""),
        (["testdb/42", "do-thing"], "\"unit-testdb-42\" not found"),
        (["nope/leader", "do-thing"], "could not determine leader for \"nope\""),
    ] {
        let (out, err, code) = m.juju(&["run", "--format", "json", args[0], args[1]]);
        assert_eq!((out.as_str(), code), ("", 0), "{args:?}: {err}");
        assert!(
            err.starts_with("\nOperation ") && err.ends_with(&format!(" failed to schedule any tasks:\n{why}\n")),
            "{err}"
        );
    }
}

/// jubilant's `juju.exec`: the command's output in the task's results (no stderr key when the
/// command wrote none), a failing command a completed task with its return code (exit 1), an
/// unknown unit nothing scheduled, and `--machine` refused: leaderd has none.
#[test]
fn juju_exec_keeps_jujus_contract() {
    let m = Model::start();
    let (out, err, code) = m.juju(&["exec", "--format", "json", "--unit", "testdb/0", "--", "echo foo"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let task = &json(&out)["testdb/0"];
    assert_eq!(
        (&task["status"], &task["results"]),
        (&"completed".into(), &serde_json::json!({"return-code": 0, "stdout": "foo\n"}))
    );
    let (out, _, _) = m.juju(&["exec", "--format", "json", "--unit", "testdb/leader", "--", "echo", "bar", "baz"]);
    assert_eq!(json(&out)["testdb/0"]["results"]["stdout"], "bar baz\n");
    let (out, err, code) = m.juju(&["exec", "--format", "json", "--unit", "testdb/0", "--", "sleep x"]);
    let task = &json(&out)["testdb/0"];
    assert_eq!((code, &task["status"], &task["results"]["return-code"]), (1, &"completed".into(), &1.into()));
    assert!(task["results"]["stderr"].as_str().unwrap().contains("invalid time"), "{out}");
    assert!(err.contains("the following task failed"), "{err}");
    let (out, err, code) =
        m.juju(&["exec", "--format", "json", "--unit", "testdb/0", "--wait", "0.001s", "--", "sleep 1"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert!(err.contains("timed out"), "{err}");
    let (out, err, code) = m.juju(&["exec", "--format", "json", "--unit", "testdb/42", "--", "echo foo"]);
    assert_eq!((out.as_str(), code), ("", 0));
    assert!(err.ends_with(" failed to schedule any tasks:\n\"unit-testdb-42\" not found\n"), "{err}");
    let (out, err, code) = m.juju(&["exec", "--format", "json", "--machine", "0", "--", "echo foo"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "ERROR leaderd has no machines: target units with --unit\n", 1)
    );
    for (target, words) in [("-a", "application \"nope\" not found"), ("-u", "could not determine leader for \"nope\"")]
    {
        let name = if target == "-a" { "nope" } else { "nope/leader" };
        let (out, err, code) = m.juju(&["exec", target, name, "--", "echo foo"]);
        assert_eq!((out.as_str(), err, code), ("", format!("ERROR {words}\n"), 1), "the call's error, not a task's");
    }
    let (out, _, code) = m.juju(&["exec", "--all", "--format", "json", "--", "echo all"]);
    assert_eq!((json(&out)["testdb/0"]["results"]["stdout"].as_str(), code), (Some("all\n"), 0));
    let (out, err, code) = m.juju(&["exec", "-u", "testdb/0", "--", "echo plain; echo err >&2"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("plain\n", "err\n", 0), "plain: the command's own output");
}

/// `juju ssh --container charm UNIT cat` with stdin `foo` prints exactly `foo`; the command runs
/// in the unit's charm directory and its exit code is ssh's.
#[test]
fn juju_ssh_runs_the_command_in_the_units_charm_directory() {
    let m = Model::start();
    let (out, err, code) = m.juju_with_stdin(&["ssh", "--container", "charm", "testdb/0", "cat"], Some("foo"));
    assert_eq!((out.as_str(), err.as_str(), code), ("foo", "", 0));
    let (out, _, code) = m.juju(&["ssh", "testdb/leader", "pwd;", "exit", "3"]);
    let charm = m.unit_dir().join("charm").canonicalize().unwrap();
    assert_eq!((out.trim_end(), code), (charm.to_str().unwrap(), 3));
    let (_, err, code) = m.juju(&["ssh", "--container", "redis", "testdb/0", "ls"]);
    assert_eq!((err.as_str(), code), ("ERROR container \"redis\" not found\n", 1));
    let (_, err, code) = m.juju(&["ssh", "testdb/7", "ls"]);
    assert_eq!((err.as_str(), code), ("ERROR unit \"testdb/7\" not found\n", 1));
}

/// `juju debug-log --limit N` prints the N most recent lines of the model's log and exits (the
/// conftest's call after a failure); without it, a captured debug-log ends after 10.
#[test]
fn juju_debug_log_limit_prints_the_most_recent_lines_and_exits() {
    let m = Model::start();
    let (all, _, code) = m.juju(&["debug-log", "--replay", "--no-tail"]);
    assert_eq!(code, 0);
    let all: Vec<&str> = all.lines().collect();
    assert!(
        all.len() > 5 && all.iter().any(|l| l.starts_with("unit-testdb-0: ") && l.contains(" hook start ")),
        "{all:?}"
    );
    let (last, _, code) = m.juju(&["debug-log", "--limit", "3"]);
    assert_eq!(code, 0);
    let last: Vec<&str> = last.lines().collect();
    assert_eq!(last.len(), 3);
    assert!(all.ends_with(&last) || last.iter().all(|l| all.contains(l)), "{last:?} not the end of {all:?}");
    let (first, _, _) = m.juju(&["debug-log", "--replay", "--limit", "2"]);
    assert_eq!(first.lines().collect::<Vec<_>>(), all[..2]);
    let (backlog, _, code) = m.juju(&["debug-log"]);
    assert_eq!((backlog.lines().count().min(10), code), (backlog.lines().count(), 0), "not a terminal: no following");
}

/// The secrets commands as test_secrets.py drives them: the URI alone on stdout, JSON keyed by
/// the bare id with the owner `<model>`, revisions ascending, content under `Data`.
#[test]
fn juju_secrets_are_the_models() {
    let m = Model::start();
    let file = write(m.home.path(), "content.yaml", "password: hunter2\nusername: usr\n");
    let (uri, err, code) = m.juju(&["add-secret", "sec1", "--info", "A description.", "--file", &file]);
    assert_eq!((err.as_str(), code), ("", 0));
    let id = uri.strip_prefix("secret:").and_then(|u| u.strip_suffix('\n')).unwrap_or_else(|| panic!("{uri:?}"));
    let new = write(m.home.path(), "new.yaml", "password: hunter3\nusername: usr2\n");
    let (out, err, code) = m.juju(&["update-secret", "sec1", "--info", "A new description.", "--file", &new]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));
    let (out, _, code) = m.juju(&["show-secret", "sec1", "--reveal", "--format", "json"]);
    let shown = &json(&out)[id];
    assert_eq!(
        (code, &shown["revision"], &shown["owner"], &shown["name"]),
        (0, &2.into(), &"<model>".into(), &"sec1".into())
    );
    assert_eq!(shown["content"]["Data"], serde_json::json!({"password": "hunter3", "username": "usr2"}));
    let (out, _, _) = m.juju(&["show-secret", &format!("secret:{id}"), "--revisions", "--format", "json"]);
    let revisions: Vec<i64> =
        json(&out)[id]["revisions"].as_array().unwrap().iter().map(|r| r["revision"].as_i64().unwrap()).collect();
    assert_eq!(revisions, [1, 2]);
    let (out, _, _) = m.juju(&["show-secret", "sec1", "--reveal", "--revision", "1", "--format", "json"]);
    assert_eq!(json(&out)[id]["content"]["Data"]["password"], "hunter2");
    let (out, _, code) = m.juju(&["secrets", "--format", "json"]);
    let listed = json(&out);
    assert_eq!((code, listed.as_object().unwrap().len()), (0, 1));
    assert_eq!(listed[id]["description"], "A new description.");
    let created = listed[id]["created"].as_str().unwrap();
    assert!(created.len() == 20 && created.ends_with('Z'), "whole seconds in UTC: {created}");
    // An application the model does not have: refused in Juju's words, nothing recorded
    // (grantrevoke.go processGrantRevokeErrors over state/secrets.go GrantSecretAccess).
    let (out, err, code) = m.juju(&["grant-secret", "sec1", "testdb,nosuch"]);
    let want = format!(
        "ERROR failed to grant/revoke secret: cannot change access to \"secret:{id}\" for \"nosuch\": invalid subject reference: application \"nosuch\" not found\n"
    );
    assert_eq!((out.as_str(), err.as_str(), code), ("", want.as_str(), 1));
    let (out, _, _) = m.juju(&["show-secret", "sec1", "--format", "json"]);
    assert_eq!(json(&out)[id]["access"], serde_json::Value::Null, "nothing granted: {out}");
    let (_, err, code) = m.juju(&["grant-secret", "sec1", "testdb"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let (out, _, _) = m.juju(&["show-secret", "sec1", "--format", "json"]);
    assert_eq!(json(&out)[id]["access"][0]["target"], "application-testdb", "{out}");
    assert_eq!(json(&out)[id]["access"].as_array().unwrap().len(), 1, "{out}");
    let (_, err, code) = m.juju(&["revoke-secret", "sec1", "testdb"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let (_, err, code) = m.juju(&["remove-secret", "sec1"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let (out, err, code) = m.juju(&["show-secret", "sec1"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "ERROR secret \"sec1\" not found\n", 1));
}

/// A `juju` root of a test's own (`LEADERD_HOME`), whose models are destroyed when it is
/// dropped, and anything of them still running killed, whatever the test did.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home { dir: tempfile::tempdir().unwrap() }
    }

    fn juju(&self, args: &[&str]) -> (String, String, i32) {
        self.juju_with(&[], args)
    }

    fn juju_with(&self, env: &[(&str, &std::path::Path)], args: &[&str]) -> (String, String, i32) {
        let out = Command::new(JUJU)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .env("LEADERD_HOME", self.dir.path())
            .env_remove("JUJU_MODEL")
            .env_remove("JUJU_CONTROLLER")
            .args(args)
            .output()
            .unwrap();
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        (text(out.stdout), text(out.stderr), out.status.code().unwrap())
    }

    fn model_dir(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join("models").join(name)
    }

    fn up_json(&self, model: &str) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.model_dir(model).join("up.json")).unwrap()).unwrap()
    }

    /// Every process whose command line or hook environment names this root.
    fn processes(&self) -> Vec<(u32, String)> {
        let root = self.dir.path().display().to_string();
        let mut found = Vec::new();
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Some(pid) = entry.file_name().to_str().and_then(|n| n.parse::<u32>().ok()) else { continue };
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let names = |bytes: &[u8], needle: &str| {
                bytes.split(|b| *b == 0).any(|part| String::from_utf8_lossy(part).contains(needle))
            };
            if names(&cmdline, &root) || names(&environ, &format!("JUJU_AGENT_SOCKET_ADDRESS={root}")) {
                found.push((pid, String::from_utf8_lossy(&cmdline).replace('\0', " ")));
            }
        }
        found
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
        for (pid, _) in self.processes() {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
        }
    }
}

/// Waits (up to 60 s) for `path` to hold `lines` lines.
fn wait_lines(path: &std::path::Path, lines: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut got: Vec<String> = text.lines().map(String::from).collect();
        if got.len() >= lines || std::time::Instant::now() > deadline {
            got.sort();
            return got;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A charm whose start and remove hooks each append the unit's name to a file in `marks`.
fn marking_charm(name: &str, marks: &std::path::Path) -> tempfile::TempDir {
    let mark = |file: &str| format!("#!/bin/sh\necho \"$JUJU_UNIT_NAME\" >> {}/{file}\n", marks.display());
    let model = format!("#!/bin/sh\necho \"$JUJU_MODEL_NAME $JUJU_MODEL_UUID\" >> {}/model\n", marks.display());
    leaderd_testkit::cluster::charm(
        &format!("name: {name}\npeers:\n  cluster:\n    interface: c\n"),
        &[("install", &model), ("start", &mark("started")), ("remove", &mark("removed"))],
    )
}

#[test]
fn a_model_is_added_deployed_to_and_destroyed_leaving_nothing_running() {
    let home = Home::new();
    let marks = tempfile::tempdir().unwrap();
    let (out, err, code) = home.juju(&["add-model", "--no-switch", "m1"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("", "Added 'm1' model on localhost/localhost for user 'admin'\n", 0)
    );
    let (_, err, code) = home.juju(&["add-model", "m1"]);
    assert_eq!((err.as_str(), code), ("ERROR failed to create new model: model \"m1\" for admin already exists\n", 1));
    // --no-switch: no model is current until `switch`.
    assert_eq!(home.juju(&["switch"]).0, "leaderd\n");
    let (_, err, code) = home.juju(&["switch", "m1"]);
    assert_eq!((err.as_str(), code), ("leaderd (controller) -> leaderd:admin/m1\n", 0));

    // show-model as jubilant reads it: keyed by the short name, every required key there.
    let (shown, err, code) = home.juju(&["show-model", "--format", "json", "admin/m1"]);
    assert_eq!((err.as_str(), code), ("", 0));
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    let info = &shown["m1"];
    for key in ["name", "short-name", "model-uuid", "model-type", "controller-uuid", "controller-name", "cloud", "life"]
    {
        assert!(info[key].is_string(), "{key}: {info}");
    }
    assert_eq!((info["name"].as_str(), info["is-controller"].as_bool()), (Some("admin/m1"), Some(false)));
    let (listed, _, _) = home.juju(&["models", "--format", "json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed["current-model"], "m1");
    assert_eq!(listed["models"][0]["model-uuid"], info["model-uuid"]);

    // deploy answers once the application and its units are recorded: no waiting.
    let charm = marking_charm("hello", marks.path());
    let path = charm.path().to_str().unwrap();
    let (out, err, code) = home.juju(&["deploy", "--model", "m1", path, "-n", "2"]);
    assert_eq!((out.as_str(), code), ("", 0), "{err}");
    assert!(
        err.starts_with(
            "Located local charm \"hello\", revision 0\nDeploying \"hello\" from local charm \"hello\", revision 0 on "
        ),
        "{err}"
    );
    assert!(err.ends_with("/stable\n"), "{err}");
    let up = home.up_json("m1");
    assert_eq!(up["applications"][0]["name"], "hello");
    assert_eq!(up["applications"][0]["revision"], 0);
    assert!(up["applications"][0]["base"].as_str().unwrap().starts_with("ubuntu@"), "{up}");
    let units: Vec<&str> = up["units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(units, ["hello/0", "hello/1"]);
    let (_, err, code) = home.juju(&["deploy", "-m", "m1", path]);
    assert_eq!((err.as_str(), code), ("ERROR cannot add application \"hello\": application already exists\n", 1));
    // The same charm again under another name: the next revision of its name.
    let (_, err, code) = home.juju(&["deploy", "-m", "m1", path, "hello2"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("Located local charm \"hello\", revision 1\nDeploying \"hello2\" from local charm \"hello\", revision 1 on "), "{err}");
    assert_eq!(wait_lines(&marks.path().join("started"), 3), ["hello/0", "hello/1", "hello2/0"], "every unit started");
    // Hooks see the model's name and UUID.
    let uuid = info["model-uuid"].as_str().unwrap();
    assert_eq!(wait_lines(&marks.path().join("model"), 3), vec![format!("m1 {uuid}"); 3]);
    let status = Command::new(leaderd_testkit::cluster::LEADERD)
        .args(["status", "--format", "json", "--state"])
        .arg(home.model_dir("m1"))
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    let apps: Vec<&str> =
        status["applications"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(apps, ["hello", "hello2"]);
    assert_eq!(status["applications"][1]["charm"], "local:hello-1");
    // The operator's commands find each unit's own application.
    let (shown, err, code) = leaderd(&home, "m1", &["show-unit", "hello2/0", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["hello2/0"]["charm"], "local:hello-1", "{shown}");
    let (said, err, code) = leaderd(&home, "m1", &["exec", "--unit", "hello2/leader", "--", "is-leader"]);
    assert_eq!((said.as_str(), err.as_str(), code), ("True\n", "", 0));

    // destroy-model: each unit's remove hook runs, then nothing of the model is left.
    assert!(!home.processes().is_empty());
    let (_, err, code) = home.juju(&["destroy-model", "m1", "--no-prompt", "--destroy-storage", "--force"]);
    assert_eq!(
        (err.as_str(), code),
        ("Destroying model\nWaiting for model to be removed, 2 application(s)...\nModel destroyed.\n", 0)
    );
    assert_eq!(std::fs::read_to_string(marks.path().join("removed")).unwrap().lines().count(), 3);
    assert!(!home.model_dir("m1").exists());
    assert_eq!(home.processes(), Vec::new());
    assert_eq!(home.juju(&["switch"]).0, "leaderd\n", "m1 is no longer current");
    let (_, err, code) = home.juju(&["show-model", "m1"]);
    assert_eq!((err.as_str(), code), ("ERROR model leaderd:admin/m1 not found\n", 1));
}

/// `leaderd ARGS --state <model's dir>`: the operator's view of a model.
fn leaderd(home: &Home, model: &str, args: &[&str]) -> (String, String, i32) {
    // `--state` right after the command: `exec`'s arguments after `--` are the command's.
    let out = Command::new(leaderd_testkit::cluster::LEADERD)
        .arg(args[0])
        .arg("--state")
        .arg(home.model_dir(model))
        .args(&args[1..])
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr), out.status.code().unwrap())
}

/// The unit names `up.json` lists now.
fn units(home: &Home, model: &str) -> Vec<String> {
    let up = home.up_json(model);
    up["units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap().to_string()).collect()
}

/// Waits (up to 60 s) until `done` holds for `up.json`.
fn wait_up_json(home: &Home, model: &str, what: &str, done: impl Fn(&serde_json::Value) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !done(&home.up_json(model)) {
        assert!(std::time::Instant::now() < deadline, "{what}: {}", home.up_json(model));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

#[test]
fn applications_scale_refresh_and_leave_with_their_resources_and_config() {
    let home = Home::new();
    let marks = tempfile::tempdir().unwrap();
    let (_, err, code) = home.juju(&["add-model", "m2"]);
    assert_eq!(code, 0, "{err}");
    let mark = |file: &str| format!("#!/bin/sh\necho \"$JUJU_UNIT_NAME\" >> {}/{file}\n", marks.path().display());
    let metadata = "name: app\nresources:\n  test-file:\n    type: file\n    filename: test-file.tar\n";
    let charm = leaderd_testkit::cluster::charm(
        metadata,
        &[("install", "#!/bin/sh\n"), ("start", &mark("started")), ("remove", &mark("removed"))],
    );
    std::fs::write(charm.path().join("config.yaml"), "options:\n  greeting:\n    type: string\n    default: hello\n")
        .unwrap();
    let given = tempfile::tempdir().unwrap();
    let resource = given.path().join("empty.tar");
    std::fs::write(&resource, "the resource").unwrap();
    let (_, err, code) = home.juju(&[
        "deploy",
        charm.path().to_str().unwrap(),
        "--resource",
        &format!("test-file={}", resource.display()),
        "--config",
        "greeting=hi",
    ]);
    assert_eq!(code, 0, "{err}");
    // The resource was copied at deploy: the file given may go (pytest removes its tmp_paths).
    drop(given);
    assert_eq!(wait_lines(&marks.path().join("started"), 1), ["app/0"]);
    let (path, err, code) = leaderd(&home, "m2", &["exec", "--unit", "app/0", "--", "resource-get", "test-file"]);
    assert_eq!(code, 0, "{err}");
    assert!(path.trim_end().ends_with("/test-file.tar"), "{path}");
    assert_eq!(std::fs::read_to_string(path.trim_end()).unwrap(), "the resource");
    let (shown, _, _) = leaderd(&home, "m2", &["config", "app", "--format", "json"]);
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["settings"]["greeting"]["value"], "hi", "{shown}");
    let (_, err, code) =
        home.juju(&["deploy", charm.path().to_str().unwrap(), "other", "--resource", "nope=/etc/hostname"]);
    assert_eq!((err.as_str(), code), ("ERROR unrecognized resource \"nope\"\n", 1));

    // add-unit: listed at once, numbered on.
    let (out, err, code) = home.juju(&["add-unit", "app", "-n", "2"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "", 0));
    assert_eq!(units(&home, "m2"), ["app/0", "app/1", "app/2"]);
    let (_, err, code) = home.juju(&["add-unit", "nope"]);
    assert_eq!((err.as_str(), code), ("ERROR application \"nope\" not found\n", 1));
    assert_eq!(wait_lines(&marks.path().join("started"), 3), ["app/0", "app/1", "app/2"]);

    // remove-unit, by name and the Kubernetes way.
    let (out, err, code) = home.juju(&["remove-unit", "--no-prompt", "app/1"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("will remove unit app/1\n", "", 0));
    let (out, err, code) = home.juju(&["remove-unit", "--no-prompt", "app", "--num-units", "1"]);
    assert_eq!((out.as_str(), err.as_str(), code), ("", "scaling down to 1 units\n", 0));
    assert_eq!(wait_lines(&marks.path().join("removed"), 2), ["app/1", "app/2"]);
    wait_up_json(&home, "m2", "the two units leave", |up| up["units"].as_array().unwrap().len() == 1);
    let (_, err, code) = home.juju(&["remove-unit", "--no-prompt", "app/9"]);
    assert_eq!((err.as_str(), code), ("ERROR removing unit app/9 failed: unit \"app/9\" does not exist\n", 1));
    home.juju(&["add-unit", "app"]);
    assert_eq!(units(&home, "m2"), ["app/0", "app/3"], "unit numbers are never reused");

    // refresh: the next revision of the charm's name.
    std::fs::write(charm.path().join("hooks/upgrade-charm"), mark("upgraded")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(charm.path().join("hooks/upgrade-charm"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let (_, err, code) = home.juju(&["refresh", "app", "--path", charm.path().to_str().unwrap()]);
    assert_eq!((err.as_str(), code), ("Added local charm \"app\", revision 1, to the model\n", 0));
    assert_eq!(home.up_json("m2")["applications"][0]["revision"], 1);
    assert_eq!(wait_lines(&marks.path().join("upgraded"), 2), ["app/0", "app/3"]);
    let (_, err, code) = home.juju(&["refresh", "nope", "--path", charm.path().to_str().unwrap()]);
    assert_eq!((err.as_str(), code), ("ERROR application \"nope\" not found\n", 1));

    // remove-application: its units leave, then it does.
    // One that is not there fails on its own, after the others (Juju's `ErrSilent`: exit 1).
    let (out, err, code) = home.juju(&["remove-application", "--no-prompt", "app", "nope"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        (
            "will remove application app\n- will remove unit app/0\n- will remove unit app/3\n",
            "ERROR removing application nope failed: application \"nope\" not found\n",
            1
        )
    );
    wait_up_json(&home, "m2", "the application leaves", |up| up["applications"].as_array().unwrap().is_empty());
    assert_eq!(wait_lines(&marks.path().join("removed"), 4), ["app/0", "app/1", "app/2", "app/3"]);
    let (_, err, code) = home.juju(&["remove-application", "--no-prompt", "app"]);
    assert_eq!((err.as_str(), code), ("ERROR removing application app failed: application \"app\" not found\n", 1));

    // A model with no application destroys as well; nothing is left.
    let (_, err, code) = home.juju(&["destroy-model", "--no-prompt", "m2"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(home.processes(), Vec::new());
}

#[test]
fn destroy_model_cleans_up_after_a_model_whose_up_was_killed() {
    let home = Home::new();
    let marks = tempfile::tempdir().unwrap();
    let (_, err, code) = home.juju(&["add-model", "--no-switch", "m3"]);
    assert_eq!(code, 0, "{err}");
    let charm = marking_charm("hello", marks.path());
    let (_, err, code) = home.juju(&["deploy", "-m", "m3", charm.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(wait_lines(&marks.path().join("started"), 1), ["hello/0"]);
    let pid = home.up_json("m3")["pid"].as_u64().unwrap();
    assert!(Command::new("kill").args(["-9", &pid.to_string()]).status().unwrap().success());
    // Gone (reaped by init, or a zombie) before the next command looks.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z ")) {
        assert!(std::time::Instant::now() < deadline, "up {pid} still running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (_, err, code) = home.juju(&["deploy", "-m", "m3", charm.path().to_str().unwrap(), "again"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("ERROR model leaderd:admin/m3 is not running"), "{err}");
    let (_, err, code) = home.juju(&["destroy-model", "--no-prompt", "--force", "m3"]);
    assert_eq!((err.as_str(), code), ("Destroying model\nWaiting for model to be removed...\nModel destroyed.\n", 0));
    assert!(!home.model_dir("m3").exists());
    assert_eq!(home.processes(), Vec::new());
}

#[test]
fn a_charm_repository_stands_in_for_charmhub_names() {
    let home = Home::new();
    let marks = tempfile::tempdir().unwrap();
    let repository = tempfile::tempdir().unwrap();
    let charm = marking_charm("hello", marks.path());
    std::fs::rename(charm.path(), repository.path().join("hello")).unwrap();
    let repo = [("LEADERD_CHARM_REPO", repository.path())];
    let (_, err, code) = home.juju(&["add-model", "m4"]);
    assert_eq!(code, 0, "{err}");
    let (_, err, code) = home.juju_with(&repo, &["deploy", "hello"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("Located local charm \"hello\", revision 0\n"), "{err}");
    assert_eq!(wait_lines(&marks.path().join("started"), 1), ["hello/0"]);
    let (_, err, code) = home.juju_with(&repo, &["refresh", "hello"]);
    assert_eq!((err.as_str(), code), ("charm \"hello\": already up-to-date\n", 0));
    let (_, err, code) = home.juju_with(&repo, &["deploy", "nope"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("ERROR leaderd's juju deploys local charms only"), "{err}");
    let (_, err, code) = home.juju(&["refresh", "hello"]);
    assert_eq!(code, 1, "without the repository: {err}");
    let (_, err, code) = home.juju(&["destroy-model", "--no-prompt", "m4"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(home.processes(), Vec::new());
}

#[test]
fn destroy_model_with_force_does_not_wait_on_a_failing_hook() {
    let home = Home::new();
    let (_, err, code) = home.juju(&["add-model", "--no-switch", "m5"]);
    assert_eq!(code, 0, "{err}");
    let charm = leaderd_testkit::cluster::charm("name: broken\n", &[("install", "#!/bin/sh\nexit 1\n")]);
    let (_, err, code) = home.juju(&["deploy", "-m", "m5", charm.path().to_str().unwrap(), "-n", "2"]);
    assert_eq!(code, 0, "{err}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let (status, _, _) = leaderd(&home, "m5", &["status", "--format", "json"]);
        let status: serde_json::Value = serde_json::from_str(&status).unwrap();
        let units = status["applications"][0]["units"].as_array().cloned().unwrap_or_default();
        if units.len() == 2 && units.iter().all(|u| !u["failing_hook"].is_null()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{status}");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // remove-unit and remove-application --force do not wait on the failing hook either.
    let (out, err, code) = home.juju(&["remove-unit", "-m", "m5", "--no-prompt", "--force", "broken/1"]);
    assert_eq!((out.as_str(), code), ("will remove unit broken/1\n", 0), "{err}");
    wait_up_json(&home, "m5", "broken/1 leaves", |up| up["units"].as_array().unwrap().len() == 1);
    let (_, err, code) = home.juju(&["add-unit", "-m", "m5", "broken"]);
    assert_eq!(code, 0, "{err}");
    let (_, err, code) = home.juju(&["remove-application", "-m", "m5", "--no-prompt", "--force", "broken"]);
    assert_eq!(code, 0, "{err}");
    wait_up_json(&home, "m5", "broken leaves", |up| up["applications"].as_array().unwrap().is_empty());
    let (_, err, code) = home.juju(&["deploy", "-m", "m5", charm.path().to_str().unwrap(), "-n", "2"]);
    assert_eq!(code, 0, "{err}");
    let started = std::time::Instant::now();
    let (_, err, code) = home.juju(&["destroy-model", "m5", "--no-prompt", "--destroy-storage", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(home.processes(), Vec::new());
}

#[test]
fn destroy_model_with_force_does_not_wait_on_a_hook_that_fails_after_it_was_asked() {
    let home = Home::new();
    let (_, err, code) = home.juju(&["add-model", "--no-switch", "m6"]);
    assert_eq!(code, 0, "{err}");
    // Still running when the stop comes; it fails after, and would be retried.
    let charm = leaderd_testkit::cluster::charm("name: slow\n", &[("install", "#!/bin/sh\nsleep 1\nexit 1\n")]);
    let (_, err, code) = home.juju(&["deploy", "-m", "m6", charm.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let started = std::time::Instant::now();
    let (_, err, code) = home.juju(&["destroy-model", "m6", "--no-prompt", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(home.processes(), Vec::new());
}

/// `juju ARGS` under `home` with `JUJU_MODEL` as given (or unset).
fn juju_in(home: &std::path::Path, model_env: Option<&str>, args: &[&str]) -> (String, String, i32) {
    let mut command = Command::new(JUJU);
    command.args(args).env("LEADERD_HOME", home).env_remove("JUJU_MODEL");
    if let Some(model) = model_env {
        command.env("JUJU_MODEL", model);
    }
    let out = command.stdin(std::process::Stdio::null()).output().unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (text(out.stdout), text(out.stderr), out.status.code().unwrap())
}

#[test]
fn a_model_name_that_is_not_one_never_reaches_the_file_system() {
    let home = tempfile::tempdir().unwrap();
    let models = home.path().join("models");
    std::fs::create_dir_all(models.join("other")).unwrap();
    std::fs::write(models.join("other/model.json"), "{}").unwrap();
    std::fs::create_dir_all(models.join("notamodel/keep")).unwrap();
    std::fs::write(home.path().join("precious"), "keep").unwrap();
    let not_valid = |name: &str| format!("ERROR model name \"admin/{name}\" not valid\n");

    // jujuclient ValidateModelName, before any lookup: by argument, -m, JUJU_MODEL, current-model.
    for name in ["..", ".", "admin/..", "leaderd:admin/.", "admin/", "UPPER"] {
        let short = name.rsplit_once('/').map_or(name.trim_start_matches("leaderd:"), |(_, n)| n);
        let (out, err, code) = juju_in(home.path(), None, &["destroy-model", "--no-prompt", name]);
        assert_eq!((out.as_str(), err.as_str(), code), ("", not_valid(short).as_str(), 1), "{name}");
    }
    let (_, err, code) = juju_in(home.path(), None, &["status", "-m", ".."]);
    assert_eq!((err.as_str(), code), (not_valid("..").as_str(), 1));
    let (_, err, code) = juju_in(home.path(), Some("."), &["status"]);
    assert_eq!((err.as_str(), code), (not_valid(".").as_str(), 1));
    std::fs::write(home.path().join("current-model"), "..\n").unwrap();
    let (_, err, code) = juju_in(home.path(), None, &["status"]);
    assert_eq!((err.as_str(), code), (not_valid("..").as_str(), 1));
    let (_, err, code) = juju_in(home.path(), None, &["destroy-model", "--no-prompt", "a/../b"]);
    assert_eq!((err.as_str(), code), ("ERROR model leaderd:a/../b not found\n", 1));

    // A directory under models/ that add-model did not make (no model.json) is not a model.
    let (_, err, code) = juju_in(home.path(), None, &["destroy-model", "--no-prompt", "notamodel"]);
    assert_eq!((err.as_str(), code), ("ERROR model leaderd:admin/notamodel not found\n", 1));

    assert!(models.join("other/model.json").is_file());
    assert!(models.join("notamodel/keep").is_dir());
    assert_eq!(std::fs::read_to_string(home.path().join("precious")).unwrap(), "keep");
}

/// add-model refused by the controller's bound on one config change leaves nothing behind:
/// no model directory and nothing running.
#[test]
fn a_failed_add_model_leaves_no_model_and_nothing_running() {
    let home = Home::new();
    let config = home.dir.path().join("big.yaml");
    let text: String = (1..=300).map(|i| format!("key{i}: v\n")).collect();
    std::fs::write(&config, text).unwrap();
    let (out, err, code) = home.juju(&["add-model", "m2", "--config", config.to_str().unwrap()]);
    let want = "ERROR failed to create new model: too many model config keys in one change (at most 256)\n";
    assert_eq!((out.as_str(), err.as_str(), code), ("", want, 1));
    assert!(!home.model_dir("m2").exists());
    assert_eq!(home.processes(), Vec::<(u32, String)>::new(), "nothing of the failed model runs");
}

/// `current-model` others can write (it could have been planted in a shared root) is not
/// followed: refused, with the reason.
#[test]
fn a_current_model_file_others_can_write_is_not_trusted() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(home.path().join("models/m")).unwrap();
    let current = home.path().join("current-model");
    std::fs::write(&current, "m\n").unwrap();
    std::fs::set_permissions(&current, std::fs::Permissions::from_mode(0o666)).unwrap();
    let (_, err, code) = juju_in(home.path(), None, &["status"]);
    assert!(err.starts_with("ERROR ") && err.contains("refusing to trust it"), "{err}");
    assert_eq!(code, 1);
}
