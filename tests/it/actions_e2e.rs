//! Actions end to end on `leaderd up` with a shell charm: `leaderd run` schedules an action at
//! the controller, the unit's agent runs it under its hook lock with its parameters, and the
//! results print in `juju run`'s shapes with its exit codes: a completed action, one that
//! calls action-fail (status failed, exit 0), one that crashes (exit 1, Juju's error), an
//! unknown action or bad parameters (nothing scheduled, exit 0), a timeout that leaves the task
//! running, and `leaderd show-task` reading it back from the controller.

use leaderd_testkit::cluster;

use std::time::Duration;

use cluster::Up;

const T: Duration = Duration::from_secs(30);

const ACTIONS: &str = "greet:
  description: Greets someone.
  params:
    name:
      type: string
      default: world
    times:
      type: integer
fail:
  description: Fails on purpose.
crash:
  description: Crashes.
slow:
  description: Takes its time.
leader-only:
  description: Refused on minions.
hello:
  description: Says hello to someone who must be named.
  params:
    who:
      type: string
      default: world
  required: [who]
big:
  description: Sets more results than the controller takes.
";

fn action_charm() -> tempfile::TempDir {
    let dispatch = "#!/bin/sh
set -e
case \"$JUJU_DISPATCH_PATH\" in
  actions/greet)
    action-log \"greeting $(action-get name)\"
    action-set greeting=\"hello $(action-get name)\" env.name=\"$JUJU_ACTION_NAME\" env.uuid=\"$JUJU_ACTION_UUID\"
    echo said hello ;;
  actions/fail) action-fail \"nope\" ;;
  actions/crash) echo boom >&2; exit 3 ;;
  actions/slow) sleep 2; action-set done=yes ;;
  actions/hello) action-set msg=\"hello $(action-get who)\" ;;
  actions/big)
    v=$(head -c 100000 /dev/zero | tr '\\0' z)
    for i in $(seq 90); do action-set k$i=$v; done ;;
  actions/leader-only)
    if [ \"$(is-leader)\" = True ]; then action-set leader=yes; else action-fail \"only the leader may do this\"; fi ;;
esac
";
    let dir = cluster::charm("name: act\n", &[]);
    std::fs::write(dir.path().join("actions.yaml"), ACTIONS).unwrap();
    let path = dir.path().join("dispatch");
    std::fs::write(&path, dispatch).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

struct Ran {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(up: &Up, args: &[&str]) -> Ran {
    let mut all = vec!["run"];
    all.extend(args);
    let out = up.leaderd(&all);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Ran { stdout: text(&out.stdout), stderr: text(&out.stderr), code: out.status.code().unwrap_or(-1) }
}

#[test]
fn leaderd_run_prints_juju_runs_shapes_and_exit_codes() {
    let charm = action_charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    let units = ["act/0", "act/1"];
    up.wait_hook_finished(&units, "start", T);

    // A completed action: its results nested, its log, its output; exit 0.
    let ran = run(&up, &["act/0", "greet", "name=bob", "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let task = &out["act/0"];
    let id = task["id"].as_str().unwrap().to_string();
    assert_eq!(task["status"], "completed");
    assert_eq!(task["unit"], "act/0");
    assert_eq!(task["results"]["greeting"], "hello bob");
    assert_eq!(task["results"]["env"], serde_json::json!({"name": "greet", "uuid": id}));
    assert_eq!(task["results"]["return-code"], 0);
    assert_eq!(task["results"]["stdout"], "said hello\n");
    assert!(task["log"][0].as_str().unwrap().ends_with(" +0000 UTC greeting bob"), "{}", task["log"]);
    assert!(ran.stdout.ends_with("}\n") && !ran.stdout.trim_end().contains('\n'), "one line: {}", ran.stdout);
    let want = format!(
        "Running operation {} with 1 task\n  - task {id} on unit-act-0\n\nWaiting for task {id}...\n",
        id.parse::<u64>().unwrap() - 1
    );
    assert_eq!(ran.stderr, want);
    // The schema's default fills in a parameter not given; plain output is the results, then
    // the output.
    let ran = run(&up, &["act/0", "greet"]);
    assert_eq!(ran.code, 0);
    assert!(ran.stdout.starts_with("env:\n  name: greet\n"), "{}", ran.stdout);
    assert!(ran.stdout.contains("greeting: hello world\n\nsaid hello\n"), "{}", ran.stdout);

    // action-fail: status failed with its message, return code 0, exit 0.
    let ran = run(&up, &["act/1", "fail", "--format", "yaml"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.contains("  message: nope\n") && ran.stdout.contains("  status: failed\n"), "{}", ran.stdout);
    let ran = run(&up, &["act/1", "fail"]);
    assert!(
        ran.stdout.starts_with(&format!(
            "Action id {} failed: nope\n",
            ran.stderr.split("task ").nth(1).unwrap().split(' ').next().unwrap()
        )),
        "{}",
        ran.stdout
    );

    // A crash: status failed, its exit code and stderr in the results, Juju's error, exit 1.
    let ran = run(&up, &["act/0", "crash", "--format", "json"]);
    assert_eq!(ran.code, 1);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let id = out["act/0"]["id"].as_str().unwrap();
    assert_eq!(out["act/0"]["message"], "exit status 3");
    assert_eq!(out["act/0"]["results"]["stderr"], "boom\n");
    assert!(
        ran.stderr.ends_with(&format!(
            "ERROR the following task failed:\n - id \"{id}\" with return code 3\n\nuse 'leaderd show-task' to inspect the failure\n\n"
        )),
        "{}",
        ran.stderr
    );

    // Nothing scheduled: an unknown action, or parameters its schema refuses. Exit 0, nothing
    // on stdout, Juju's words on stderr.
    let ran = run(&up, &["act/0", "nosuch"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert!(
        ran.stderr.ends_with(" failed to schedule any tasks:\naction \"nosuch\" not defined on unit \"act/0\"\n"),
        "{}",
        ran.stderr
    );
    let ran = run(&up, &["act/0", "greet", "times=many"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert!(
        ran.stderr.contains("validation failed: (root).times : must be of type integer, given \"many\""),
        "{}",
        ran.stderr
    );

    // A leader-only action: refused by the charm on the minion, done on the leader.
    let leader = up.status()["applications"][0]["leader"].as_str().unwrap().to_string();
    let minion = units.iter().find(|u| **u != leader).unwrap();
    let ran = run(&up, &[minion, "leader-only", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!((out[*minion]["status"].as_str(), ran.code), (Some("failed"), 0));
    let ran = run(&up, &["act/leader", "leader-only", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(out[leader.as_str()]["results"]["leader"], "yes");

    // Several units at once: plain output is a YAML map of them.
    let ran = run(&up, &["act/0", "act/1", "greet", "name=all"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    assert!(ran.stdout.starts_with("act/0:\n  id: "), "{}", ran.stdout);
    assert!(ran.stdout.contains("act/1:\n") && ran.stdout.contains("  output: |\n"), "{}", ran.stdout);

    // A timeout: Juju's words, exit 1, the task left running; show-task reads it later.
    let ran = run(&up, &["act/0", "slow", "--wait", "100ms"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (1, ""));
    assert!(ran.stderr.ends_with("ERROR timed out waiting for results from: unit act/0\n"), "{}", ran.stderr);
    let id = ran.stderr.split("task ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    up.until("the slow task completed", T, || {
        let out = up.leaderd(&["show-task", &id, "--format", "json"]);
        String::from_utf8_lossy(&out.stdout).contains("\"status\":\"completed\"")
    });
    let out = up.leaderd(&["show-task", &id, "--format", "yaml"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("\n  done: \"yes\"\n"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // leaderd exec with a format: juju exec's shape; a non-zero exit is the return code of a
    // completed task, and exits 1 with Juju's error.
    let out = up.leaderd(&[
        "exec",
        "--unit",
        "act/0",
        "--format",
        "json",
        "--",
        "sh",
        "-c",
        "echo hi $JUJU_ACTION_NAME; exit 3",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["act/0"]["status"], "completed");
    assert_eq!(shown["act/0"]["results"], serde_json::json!({"return-code": 3, "stdout": "hi juju-exec\n"}));
    assert!(String::from_utf8_lossy(&out.stderr).contains("with return code 3"));
    let out = up.leaderd(&["exec", "--unit", "act/leader", "--format", "yaml", "--", "is-leader"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("{leader}:\n")) && text.contains("    stdout: |\n      True\n"), "{text}");
}

/// `leaderd show-operation`: an operation scheduled in the background on two units, shown as
/// `juju show-operation` shows it (yaml by default, json), at once while it runs, and with
/// `--wait` once both tasks ended; one that does not end in time is Juju's `timeout reached`.
#[test]
fn show_operation_shows_an_operation_and_its_tasks_and_waits_for_them() {
    let charm = action_charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    up.wait_hook_finished(&["act/0", "act/1"], "start", T);
    let ran = run(&up, &["act/0", "act/1", "slow", "--background"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let operation = ran.stderr.split("Scheduled operation ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    assert!(ran.stderr.contains(&format!("Check operation status with 'leaderd show-operation {operation}'\n")));
    let show = |args: &[&str]| {
        let mut all = vec!["show-operation", operation.as_str()];
        all.extend(args);
        up.leaderd(&all)
    };
    // At once: still running (each task sleeps 2s).
    let out = show(&[]);
    let yaml = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(yaml.starts_with("summary: slow run on unit-act-0,unit-act-1\nstatus: "), "{yaml}");
    assert!(yaml.contains("action:\n  name: slow\n  parameters: {}\ntiming:\n  enqueued: "), "{yaml}");
    // A wait shorter than the tasks: Juju's words, nothing printed.
    let out = show(&["--wait", "100ms"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!((out.status.code(), out.stdout.is_empty()), (Some(1), true), "{stderr}");
    assert_eq!(stderr, "leaderd: timeout reached\n");
    // Waiting: both tasks completed, with their results.
    let out = show(&["--wait", "30s", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["status"], "completed", "{shown}");
    assert_eq!(shown["action"], serde_json::json!({"name": "slow", "parameters": {}}));
    let tasks = shown["tasks"].as_object().unwrap();
    let hosts: Vec<&str> = tasks.values().map(|t| t["host"].as_str().unwrap()).collect();
    assert_eq!(hosts, ["act/0", "act/1"]);
    for task in tasks.values() {
        assert_eq!(task["status"], "completed");
        assert_eq!(task["results"], serde_json::json!({"done": "yes", "return-code": 0}));
        for time in ["enqueued", "started", "completed"] {
            assert!(task["timing"][time].as_str().unwrap().ends_with(" +0000 UTC"), "{task}");
        }
    }
    assert!(shown["timing"]["completed"].is_string(), "{shown}");
    // --watch: the same, at once now that it has ended.
    let out = show(&["--watch"]);
    assert!(String::from_utf8_lossy(&out.stdout)
        .starts_with("summary: slow run on unit-act-0,unit-act-1\nstatus: completed\n"));
    // Juju's words for an operation that is not there, and for a bad id.
    let out = up.leaderd(&["show-operation", "999"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "leaderd: operation \"999\" not found\n");
    let out = up.leaderd(&["show-operation", "x1"]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "leaderd: operation ID \"x1\" not valid\n");
}

/// The task id in `run`'s first line (`Scheduled operation N with task M`, `Running operation
/// N with 1 task\n  - task M on ...`).
fn task_id(ran: &Ran) -> String {
    ran.stderr.split("task ").nth(1).unwrap().split([' ', '\n']).next().unwrap().to_string()
}

fn show_task_json(up: &Up, id: &str) -> serde_json::Value {
    let out = up.leaderd(&["show-task", id, "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
}

/// The controller is the queue, as Juju's: a task scheduled on a unit whose agent is down
/// (killed, paused) waits there and runs once the agent is back; `run` on a down unit waits
/// and times out in Juju's words; an agent killed while its action ran has its task failed
/// with Juju's "action terminated" when it starts again.
#[test]
fn tasks_wait_at_the_controller_for_a_unit_that_is_down() {
    let charm = action_charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    up.wait_hook_finished(&["act/0", "act/1"], "start", T);
    let status_of = |id: &str| show_task_json(&up, id)["status"].as_str().unwrap_or_default().to_string();

    // A killed unit: --background schedules, --wait times out, both run after the restart.
    assert!(up.leaderd(&["kill", "act/1"]).status.success());
    let queued = run(&up, &["act/1", "greet", "name=later", "--background"]);
    assert_eq!(queued.code, 0, "{}", queued.stderr);
    let id = task_id(&queued);
    assert!(queued.stderr.starts_with("Scheduled operation "), "{}", queued.stderr);
    let waited = run(&up, &["act/1", "greet", "--wait", "2s"]);
    assert_eq!(waited.code, 1);
    assert!(waited.stderr.ends_with("ERROR timed out waiting for results from: unit act/1\n"), "{}", waited.stderr);
    let id2 = task_id(&waited);
    assert_eq!(status_of(&id), "pending");
    assert!(up.leaderd(&["restart", "act/1"]).status.success());
    up.until("both queued tasks completed", T, || status_of(&id) == "completed" && status_of(&id2) == "completed");
    assert_eq!(show_task_json(&up, &id)["results"]["greeting"], "hello later");

    // A paused unit runs its task once resumed.
    assert!(up.leaderd(&["pause", "act/0"]).status.success());
    let queued = run(&up, &["act/0", "greet", "--background"]);
    let id = task_id(&queued);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(status_of(&id), "pending");
    assert!(up.leaderd(&["resume", "act/0"]).status.success());
    up.until("the paused unit's task completed", T, || status_of(&id) == "completed");

    // An agent killed while its action runs: the restarted agent fails the task.
    let queued = run(&up, &["act/0", "slow", "--background"]);
    let id = task_id(&queued);
    up.until("the slow task running", T, || status_of(&id) == "running");
    assert!(up.leaderd(&["kill", "act/0"]).status.success());
    assert!(up.leaderd(&["restart", "act/0"]).status.success());
    up.until("the killed task failed", T, || status_of(&id) == "failed");
    assert_eq!(show_task_json(&up, &id)["message"], "action terminated");
}

/// The operator's side of `run`, in Juju's words: key checks and `--background --wait` refused
/// at Init (exit 2); values read as yaml.v2 reads them, bad YAML refused (exit 1) before
/// anything is enqueued; parameters validated as given before the defaults fill them in;
/// parameters larger than the agent's socket takes still run (the agent reads them from the
/// controller); results too big to record fail the task in both `run` and `show-task`;
/// `show-task` prints the task itself; `exec` with one argument runs it as a script.
#[test]
fn run_checks_and_reads_its_arguments_as_juju_does() {
    let charm = action_charm();
    let up = Up::start(Some(charm.path()), 1, "1s");
    up.wait_hook_finished(&["act/0"], "start", T);
    let tasks = || up.leaderd(&["operations", "--format", "json"]).stdout;
    let before = tasks();

    let ran = run(&up, &["act/0", "greet", "Foo=1"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (2, ""));
    assert_eq!(
        ran.stderr,
        "ERROR key \"Foo\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric and hyphens\n"
    );
    let ran = run(&up, &["act/0", "greet", "a..b=1"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (2, "ERROR key \"\" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric and hyphens\n"));
    let ran = run(&up, &["act/0", "greet", "--background", "--wait", "5s"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (2, "ERROR cannot specify both --wait and --background\n"));
    let ran = run(&up, &["act/0", "greet", "name=[x"]);
    assert_eq!((ran.code, ran.stderr.as_str()), (1, "ERROR yaml: line 1: did not find expected ',' or ']'\n"));
    assert_eq!(tasks(), before, "nothing enqueued");

    // yaml.v2's reading: `times=010` is the integer 8, `name=on` a boolean the schema refuses.
    let ran = run(&up, &["act/0", "greet", "times=010", "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let ran = run(&up, &["act/0", "greet", "name=on", "--quiet"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    let ran = run(&up, &["act/0", "greet", "name=on"]);
    assert!(
        ran.stderr.contains("validation failed: (root).name : must be of type string, given true"),
        "{}",
        ran.stderr
    );

    // Validated before the defaults: a required parameter with a default must still be given.
    let ran = run(&up, &["act/0", "hello"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, ""));
    assert!(
        ran.stderr.ends_with(" failed to schedule any tasks:\nvalidation failed: (root) : \"who\" property is missing and required, given {}\n"),
        "{}",
        ran.stderr
    );
    // An operation that schedules nothing is recorded (status error, its reason), and its id
    // is its own.
    let op = |ran: &Ran| ran.stderr.split("Operation ").nth(1).unwrap().split(' ').next().unwrap().to_string();
    let first = op(&ran);
    let again = op(&run(&up, &["act/0", "nosuch"]));
    assert_ne!(first, again);
    let listed: serde_json::Value = serde_json::from_slice(&tasks()).unwrap();
    let row = listed.as_array().unwrap().iter().find(|r| r["operation"] == again.as_str()).expect("recorded");
    assert_eq!(row["status"], "error");
    assert_eq!(row["message"], "action \"nosuch\" not defined on unit \"act/0\"");
    let ran = run(&up, &["act/0", "hello", "who=you"]);
    assert_eq!((ran.code, ran.stdout.as_str()), (0, "msg: hello you\n\n"), "{}", ran.stderr);

    // Parameters of 70 KB run.
    let file = up.dir.path().join("big-params.yaml");
    std::fs::write(&file, format!("name: {}\n", "q".repeat(70_000))).unwrap();
    let ran = run(&up, &["act/0", "greet", "--params", file.to_str().unwrap(), "--format", "json"]);
    assert_eq!(ran.code, 0, "{}", ran.stderr);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    assert_eq!(out["act/0"]["results"]["greeting"].as_str().map(str::len), Some(70_006));

    // Results too big to record: the task failed, and run and show-task agree.
    let ran = run(&up, &["act/0", "big", "--format", "json"]);
    let out: serde_json::Value = serde_json::from_str(&ran.stdout).unwrap();
    let id = out["act/0"]["id"].as_str().unwrap().to_string();
    assert_eq!(out["act/0"]["status"], "failed", "{}", &ran.stdout[..ran.stdout.len().min(300)]);
    let message = out["act/0"]["message"].as_str().unwrap();
    assert!(message.starts_with("action results and output too large to record: "), "{message}");
    let shown = show_task_json(&up, &id);
    assert_eq!((shown["status"].as_str(), shown["message"].as_str()), (Some("failed"), Some(message)));
    assert_eq!(shown["unit"], "act/0", "the task itself at the top level");

    // exec with one argument: a script, as Juju passes it.
    let out = up.leaderd(&["exec", "--unit", "act/0", "--format", "json", "--", "echo hi; exit 3"]);
    assert_eq!(out.status.code(), Some(1));
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["act/0"]["results"], serde_json::json!({"return-code": 3, "stdout": "hi\n"}));

    // Binary output: base64 with its encoding named, as Juju's encodeBytes.
    let out = up.leaderd(&["exec", "--unit", "act/0", "--format", "json", "--", "printf 'a\\377\\000b'"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        shown["act/0"]["results"],
        serde_json::json!({"return-code": 0, "stdout": "Yf8AYg==", "stdout-encoding": "base64"})
    );
}
