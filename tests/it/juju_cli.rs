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
    leaderd_testkit::cluster::charm(
        &format!("name: {name}\npeers:\n  cluster:\n    interface: c\n"),
        &[("install", "#!/bin/sh\n"), ("start", &mark("started")), ("remove", &mark("removed"))],
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
    let units: Vec<&str> = up["units"].as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(units, ["hello/0", "hello/1"]);
    let (_, err, code) = home.juju(&["deploy", "-m", "m1", path]);
    assert_eq!((err.as_str(), code), ("ERROR cannot add application \"hello\": application already exists\n", 1));
    // The same charm again under another name: the next revision of its name.
    let (_, err, code) = home.juju(&["deploy", "-m", "m1", path, "hello2"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("Located local charm \"hello\", revision 1\nDeploying \"hello2\" from local charm \"hello\", revision 1 on "), "{err}");
    assert_eq!(wait_lines(&marks.path().join("started"), 3), ["hello/0", "hello/1", "hello2/0"], "every unit started");
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

    // destroy-model: each unit's remove hook runs, then nothing of the model is left.
    assert!(!home.processes().is_empty());
    let (_, err, code) = home.juju(&["destroy-model", "m1", "--no-prompt", "--destroy-storage", "--force"]);
    assert_eq!((err.as_str(), code), ("Destroying model\nWaiting for model to be removed...\nModel destroyed.\n", 0));
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
    let (out, err, code) = home.juju(&["remove-application", "--no-prompt", "app"]);
    assert_eq!(
        (out.as_str(), err.as_str(), code),
        ("will remove application app\n- will remove unit app/0\n- will remove unit app/3\n", "", 0)
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
