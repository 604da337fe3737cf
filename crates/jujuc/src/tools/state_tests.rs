//! The state, reboot, resource and refusing tools end to end (`main_with`) against a fake hook
//! context: help, Init errors and Run output byte for byte, as Juju 3.6.0 prints them (its
//! `state-*_test.go`, `add-metric_test.go` and `resource-get_test.go` cases, help texts produced
//! by running Juju 3.6.0's own command code), and what each tool sends.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::{ContextError, ToolContext};
use leaderd_core::model::Settings;
use leaderd_core::wire::hook::{LogRecord, StatusGetResponse, WorkloadStatus};
use leaderd_core::wire::ErrorCode;

/// A call the fake context received.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    State,
    Set(Vec<(&'static str, String)>),
    Delete(String),
    ActionParams,
    Reboot(bool),
    Resource(String),
    IsLeader,
}

/// A hook context with a charm state (and, with `action`, running an action; with `error`,
/// answering state calls with it); it records every call.
#[derive(Default, Clone)]
struct Fake {
    calls: Rc<RefCell<Vec<Call>>>,
    state: BTreeMap<String, String>,
    action: bool,
    leader: bool,
    error: Option<ContextError>,
}

impl Fake {
    fn with_state(pairs: &[(&str, &str)]) -> Fake {
        Fake { state: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), ..Default::default() }
    }

    fn answer<T>(&self, call: Call, value: T) -> Result<T, ContextError> {
        self.calls.borrow_mut().push(call);
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(value),
        }
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn unused<T>() -> Result<T, ContextError> {
    panic!("not a call these tools make")
}

impl ToolContext for Fake {
    fn is_leader(&mut self) -> Result<bool, ContextError> {
        self.calls.borrow_mut().push(Call::IsLeader);
        Ok(self.leader)
    }
    fn leader_settings(&mut self) -> Result<Settings, ContextError> {
        unused()
    }
    fn write_leader_settings(&mut self, _: Settings) -> Result<(), ContextError> {
        unused()
    }
    fn log(&mut self, _: Vec<LogRecord>) -> Result<(), ContextError> {
        unused()
    }
    fn set_status(&mut self, _: bool, _: WorkloadStatus) -> Result<(), ContextError> {
        unused()
    }
    fn status(&mut self, _: bool) -> Result<StatusGetResponse, ContextError> {
        unused()
    }
    fn set_workload_version(&mut self, _: String) -> Result<(), ContextError> {
        unused()
    }
    fn config(&mut self) -> Result<BTreeMap<String, serde_json::Value>, ContextError> {
        unused()
    }
    fn action_params(&mut self) -> Result<serde_json::Map<String, serde_json::Value>, ContextError> {
        self.calls.borrow_mut().push(Call::ActionParams);
        if self.action {
            Ok(Default::default())
        } else {
            Err(ContextError::Refused { code: ErrorCode::NotFound, message: "not running an action".into() })
        }
    }
    fn charm_state(&mut self) -> Result<BTreeMap<String, String>, ContextError> {
        self.answer(Call::State, self.state.clone())
    }
    fn set_charm_state(&mut self, values: BTreeMap<String, String>) -> Result<(), ContextError> {
        self.answer(Call::Set(values.into_iter().map(|(k, v)| (leak(&k), v)).collect()), ())
    }
    fn delete_charm_state(&mut self, key: &str) -> Result<(), ContextError> {
        self.answer(Call::Delete(key.into()), ())
    }
    fn request_reboot(&mut self, now: bool) -> Result<(), ContextError> {
        self.answer(Call::Reboot(now), ())
    }
    fn download_resource(&mut self, name: &str) -> Result<String, ContextError> {
        self.calls.borrow_mut().push(Call::Resource(name.into()));
        match name {
            "software" => Ok("/var/lib/leaderd/units/app-0/resources/software/software.zip".into()),
            _ => {
                Err(ContextError::Refused { code: ErrorCode::NotFound, message: super::resource_get::not_found(name) })
            }
        }
    }
}

/// The result of one call: stdout, stderr, exit code, and the calls made.
type Ran = super::Ran<Call>;

fn run_with(fake: &Fake, argv: &[&str]) -> Ran {
    let fake = Fake { calls: Default::default(), ..fake.clone() };
    super::run_recorded(&fake, &fake.calls, argv)
}

fn run(argv: &[&str]) -> Ran {
    run_with(&Fake::default(), argv)
}

/// A usage error: exit 2, nothing sent.
#[track_caller]
fn assert_usage(argv: &[&str], message: &str) {
    super::assert_usage_error(&run(argv), argv, message);
}

#[test]
fn help_is_juju_3_6s_byte_for_byte() {
    let cases = [
        ("state-get", include_str!("testdata/help-state-get.txt")),
        ("state-set", include_str!("testdata/help-state-set.txt")),
        ("state-delete", include_str!("testdata/help-state-delete.txt")),
        ("juju-reboot", include_str!("testdata/help-juju-reboot.txt")),
        ("credential-get", include_str!("testdata/help-credential-get.txt")),
        ("resource-get", include_str!("testdata/help-resource-get.txt")),
        ("storage-list", include_str!("testdata/help-storage-list.txt")),
        ("storage-get", include_str!("testdata/help-storage-get.txt")),
        ("storage-add", include_str!("testdata/help-storage-add.txt")),
        ("add-metric", include_str!("testdata/help-add-metric.txt")),
        ("payload-register", include_str!("testdata/help-payload-register.txt")),
        ("payload-unregister", include_str!("testdata/help-payload-unregister.txt")),
        ("payload-status-set", include_str!("testdata/help-payload-status-set.txt")),
        ("k8s-spec-set", include_str!("testdata/help-k8s-spec-set.txt")),
        ("k8s-spec-get", include_str!("testdata/help-k8s-spec-get.txt")),
        ("k8s-raw-set", include_str!("testdata/help-k8s-raw-set.txt")),
        ("k8s-raw-get", include_str!("testdata/help-k8s-raw-get.txt")),
        ("pod-spec-set", include_str!("testdata/help-pod-spec-set.txt")),
        ("pod-spec-get", include_str!("testdata/help-pod-spec-get.txt")),
    ];
    for (tool, want) in cases {
        for argv in [vec![tool, "--help"], vec![tool, "-h"]] {
            let ran = run(&argv);
            assert_eq!(ran.stdout, want, "{argv:?}");
            assert_eq!((ran.stderr.as_str(), ran.code, ran.calls), ("", 0, vec![]));
        }
    }
}

#[test]
fn state_get_prints_the_state_as_jujus_cases_do() {
    let two = Fake::with_state(&[("one", "two"), ("three", "four")]);
    let cases: &[(&[&str], &str, &str, i32)] = &[
        // state-get_test.go
        (&[], "one: two\nthree: four\n", "", 0),
        (&["-"], "one: two\nthree: four\n", "", 0),
        (&["one"], "two\n", "", 0),
        (&["--strict", "five"], "", "ERROR \"five\" not found\n", 1),
        (&["five"], "", "", 0),
        // Formats of a value, of every key, and of a missing key.
        (&["--format=json", "one"], "\"two\"\n", "", 0),
        (&["--format=yaml", "five"], "\"\"\n", "", 0),
        (&["--format=json", "five"], "\"\"\n", "", 0),
        (&["--format=json"], "{\"one\":\"two\",\"three\":\"four\"}\n", "", 0),
        (&["--strict=false", "five"], "", "", 0),
        (&["one", "two"], "", "ERROR unrecognized args: [\"two\"]\n", 2),
    ];
    for (args, stdout, stderr, code) in cases {
        let argv: Vec<&str> = ["state-get"].iter().chain(args.iter()).copied().collect();
        let ran = run_with(&two, &argv);
        assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), (*stdout, *stderr, *code), "{argv:?}");
        let want_calls = if *code == 2 { vec![] } else { vec![Call::State] };
        assert_eq!(ran.calls, want_calls, "{argv:?}");
    }
    // An empty state is Juju's nil map: `{}` in yaml, `null` in json.
    let empty = Fake::default();
    assert_eq!(run_with(&empty, &["state-get"]).stdout, "{}\n");
    assert_eq!(run_with(&empty, &["state-get", "--format=yaml"]).stdout, "{}\n");
    assert_eq!(run_with(&empty, &["state-get", "--format=json"]).stdout, "null\n");
    // The context's failure, as it is.
    let failing = Fake {
        error: Some(ContextError::Refused {
            code: ErrorCode::Unreachable,
            message: "loading unit state from database: connection refused".into(),
        }),
        ..Default::default()
    };
    let ran = run_with(&failing, &["state-get", "x"]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR loading unit state from database: connection refused\n", 1));
}

#[test]
fn state_set_sends_pairs_and_files_as_jujus_cases_do() {
    let set = |pairs: &[(&'static str, &str)]| Call::Set(pairs.iter().map(|(k, v)| (*k, v.to_string())).collect());
    // state-set_test.go
    assert_eq!(run(&["state-set"]), Ran { stdout: "".into(), stderr: "".into(), code: 0, calls: vec![] });
    assert_eq!(run(&["state-set", "one=two"]).calls, vec![set(&[("one", "two")])]);
    assert_eq!(run(&["state-set", "one=two", "three=four"]).calls, vec![set(&[("one", "two"), ("three", "four")])]);
    assert_eq!(run(&["state-set", "one="]).calls, vec![set(&[("one", "")])]);
    assert_usage(&["state-set", "five"], "expected \"key=value\", got \"five\"");
    assert_usage(&["state-set", "a=1", "a=2"], "key \"a\" specified more than once");
    // --file: a YAML map, overridden by the arguments.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kv.yaml");
    std::fs::write(&file, "{one: two, three: four}").unwrap();
    let path = file.to_str().unwrap();
    assert_eq!(run(&["state-set", "--file", path]).calls, vec![set(&[("one", "two"), ("three", "four")])]);
    assert_eq!(run(&["state-set", "--file", path, "one=1"]).calls, vec![set(&[("one", "1"), ("three", "four")])]);
    std::fs::write(&file, "one = two").unwrap();
    let ran = run(&["state-set", "--file", path]);
    let want = "ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `one = two` into map[string]string\n";
    assert_eq!((ran.stderr.as_str(), ran.code, ran.calls), (want, 1, vec![]));
    let missing = dir.path().join("missing.yaml");
    let ran = run(&["state-set", "--file", missing.to_str().unwrap(), "a=b"]);
    let want = format!("ERROR open {}: no such file or directory\n", missing.display());
    assert_eq!((ran.stderr.as_str(), ran.code), (want.as_str(), 1));
    // The context's refusal (its size limits) is printed as it is.
    let too_long = Fake {
        error: Some(ContextError::Refused {
            code: ErrorCode::TooLarge,
            message: "max allowed key length (256) exceeded".into(),
        }),
        ..Default::default()
    };
    let ran = run_with(&too_long, &["state-set", &format!("{}=v", "k".repeat(257))]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR max allowed key length (256) exceeded\n", 1));
}

#[test]
fn state_delete_deletes_one_key_and_nothing_for_none() {
    // state-delete_test.go: one key; "" deletes nothing, without a call.
    assert_eq!(run(&["state-delete", "five"]).calls, vec![Call::Delete("five".into())]);
    assert_eq!(run(&["state-delete", ""]), Ran { stdout: "".into(), stderr: "".into(), code: 0, calls: vec![] });
    // No argument: Juju's Init gets none and Run does nothing.
    assert_eq!(run(&["state-delete"]), Ran { stdout: "".into(), stderr: "".into(), code: 0, calls: vec![] });
    assert_usage(&["state-delete", "a", "b"], "unrecognized args: [\"b\"]");
}

#[test]
fn juju_reboot_asks_the_agent_and_is_refused_in_actions() {
    assert_eq!(run(&["juju-reboot"]).calls, vec![Call::ActionParams, Call::Reboot(false)]);
    assert_eq!(run(&["juju-reboot", "--now"]).calls, vec![Call::ActionParams, Call::Reboot(true)]);
    assert_usage(&["juju-reboot", "now"], "unrecognized args: [\"now\"]");
    let action = Fake { action: true, ..Default::default() };
    let ran = run_with(&action, &["juju-reboot", "--now"]);
    let want = "ERROR juju-reboot is not supported when running an action.\n";
    assert_eq!((ran.stderr.as_str(), ran.code, ran.calls), (want, 1, vec![Call::ActionParams]));
}

#[test]
fn credential_get_answers_as_juju_does_an_application_without_trust() {
    for argv in [vec!["credential-get"], vec!["credential-get", "--format=json"]] {
        let ran = run(&argv);
        let want = "ERROR cannot access cloud credentials: permission denied\n";
        assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("", want, 1), "{argv:?}");
    }
    assert_usage(&["credential-get", "x"], "unrecognized args: [\"x\"]");
}

#[test]
fn resource_get_prints_the_path_without_a_newline() {
    let ran = run(&["resource-get", "software"]);
    let path = "/var/lib/leaderd/units/app-0/resources/software/software.zip";
    assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), (path, "", 0));
    let ran = run(&["resource-get", "nope"]);
    let want = "ERROR could not download resource: HTTP request failed: resource \"nope\" not found\n";
    assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("", want, 1));
    // resource-get_test.go
    assert_usage(&["resource-get"], "missing required resource name");
    assert_usage(&["resource-get", "spam", "eggs"], "unrecognized args: [\"eggs\"]");
}

#[test]
fn add_metric_checks_its_arguments_then_fails_as_juju_3_6_does() {
    // add-metric_test.go's argument errors.
    assert_usage(&["add-metric"], "no metrics specified");
    assert_usage(&["add-metric", "key"], "invalid metrics: expected \"key=value\", got \"key\"");
    assert_usage(&["add-metric", "=key"], "invalid metrics: expected \"key=value\", got \"=key\"");
    assert_usage(&["add-metric", " =value"], "invalid metrics: expected \"key=value\", got \"=value\"");
    assert_usage(&["add-metric", " \t =  \n"], "invalid metrics: expected \"key=value\", got \"=\"");
    assert_usage(&["add-metric", " key =  "], "invalid metrics: expected \"key=value\", got \"key=\"");
    assert_usage(&["add-metric", "key=60", "key=50.4"], "invalid metrics: key \"key\" specified more than once");
    assert_usage(&["add-metric", "--labels", "foo", "key=1"], "invalid labels: expected \"key=value\", got \"foo\"");
    assert_usage(&["add-metric", "-l", " =bar", "key=1"], "invalid labels: expected \"key=value\", got \"=bar\"");
    // Juju 3.6's hook contexts take no metrics.
    let ran = run(&["add-metric", "key=60", "key2=50.4"]);
    let want = "ERROR cannot record metric: metrics not allowed in this context\n";
    assert_eq!((ran.stderr.as_str(), ran.code, ran.calls), (want, 1, vec![]));
    let ran = run(&["add-metric", "juju-key=50"]);
    assert_eq!((ran.stderr.as_str(), ran.code), ("ERROR juju-key uses a reserved prefix\n", 1));
}

#[test]
fn k8s_spec_tools_answer_as_on_a_machine_model() {
    for tool in ["k8s-spec-get", "pod-spec-get", "k8s-raw-get"] {
        let ran = run(&[tool]);
        let want = "ERROR called CAASModel() on a non-CAAS Model not supported\n";
        assert_eq!((ran.stdout.as_str(), ran.stderr.as_str(), ran.code), ("", want, 1), "{tool}");
        assert_usage(&[tool, "x"], "unrecognized args: [\"x\"]");
    }
    let dir = tempfile::tempdir().unwrap();
    let (spec, empty) = (dir.path().join("spec.yaml"), dir.path().join("empty.yaml"));
    std::fs::write(&spec, "version: 3\ncontainers: []\n").unwrap();
    std::fs::write(&empty, "").unwrap();
    let (spec, empty) = (spec.to_str().unwrap(), empty.to_str().unwrap());
    for tool in ["k8s-spec-set", "pod-spec-set", "k8s-raw-set"] {
        // A minion is refused; a leader's spec is taken (and, on a machine model, never applied).
        let ran = run(&[tool, "--file", spec]);
        assert_eq!(
            (ran.stderr.as_str(), ran.code, ran.calls),
            ("ERROR this unit is not the leader\n", 1, vec![Call::IsLeader])
        );
        let leader = Fake { leader: true, ..Default::default() };
        assert_eq!(run_with(&leader, &[tool, "--file", spec]).code, 0, "{tool}");
        let ran = run_with(&leader, &[tool, "--file", empty]);
        let what = if tool == "k8s-raw-set" { "k8s raw spec" } else { "k8s spec" };
        let want = format!("ERROR no {what} specified: pipe {what} to command, or specify a file with --file\n");
        assert_eq!((ran.stderr.as_str(), ran.code), (want.as_str(), 1), "{tool}");
        assert_usage(&[tool, "x"], "unrecognized args: [\"x\"]");
    }
}
