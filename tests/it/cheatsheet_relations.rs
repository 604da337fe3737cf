//! The conformance cheat-sheet of Juju 3.6's relation-ids, relation-list, relation-get and
//! relation-set on a peer relation, byte for byte on stdout and stderr and in the exit code,
//! running the real `jujuc` against the real hook endpoint; and the relation sandbox: one
//! snapshot per hook, the hook's own writes visible to it at once, committed only when the hook
//! succeeds, the application bag written only by the leader.
//!
//! The unit is `app/0` of an application whose `metadata.yaml` declares the peer endpoints
//! `cluster` (relation 0) and `replicas` (relation 1). Relation 0's scope holds `app/0`, `app/1`
//! and `app/2`; `app/1`'s bag is {password: "12345", username: jim}, `app/2`'s {pew: "pew\npew\n"}
//! and the application bag {secret: s3}.

use leaderd_testkit as common;

use std::io::Write;
use std::process::{Output, Stdio};

use common::{assert_output, row_mismatch, settings, Agent};
use leaderd_agent::RelationCommitError;
use leaderd_core::wire::controller::RelationData;

const METADATA: &str = "name: app\npeers:\n  cluster:\n    interface: cluster\n  replicas:\n    interface: r\n";

/// The hook a row runs in.
#[derive(Clone, Copy, PartialEq)]
enum Hook {
    /// Not a relation hook (config-changed).
    Plain,
    /// `cluster-relation-changed` for remote unit `app/1`.
    Changed,
    /// `cluster-relation-created`: a remote application, no remote unit.
    Created,
}

struct Row {
    tool: &'static str,
    args: &'static [&'static str],
    hook: Hook,
    leader: bool,
    stdin: Option<&'static str>,
    stdout: &'static str,
    stderr: &'static str,
    code: i32,
}

const fn row(
    tool: &'static str,
    args: &'static [&'static str],
    stdout: &'static str,
    stderr: &'static str,
    code: i32,
) -> Row {
    Row { tool, args, hook: Hook::Plain, leader: true, stdin: None, stdout, stderr, code }
}
const fn minion(r: Row) -> Row {
    Row { leader: false, ..r }
}
const fn changed(r: Row) -> Row {
    Row { hook: Hook::Changed, ..r }
}
const fn created(r: Row) -> Row {
    Row { hook: Hook::Created, ..r }
}
const fn stdin(input: &'static str, r: Row) -> Row {
    Row { stdin: Some(input), ..r }
}

fn start(leader: bool) -> Agent {
    let agent = Agent::start(leader, &[]);
    std::fs::write(agent.dir.path().join("metadata.yaml"), METADATA).unwrap();
    agent.backend.update_relations(|r| {
        let units = [
            ("app/0".to_string(), settings(&[("private-address", "127.0.0.1")])),
            ("app/1".to_string(), settings(&[("password", "12345"), ("username", "jim")])),
            ("app/2".to_string(), settings(&[("pew", "pew\npew\n")])),
        ];
        r.relations.insert(
            0,
            RelationData {
                members: vec!["app/0".into(), "app/1".into(), "app/2".into()],
                units: units.into(),
                app: settings(&[("secret", "s3")]),
                ..RelationData::default()
            },
        );
    });
    agent
}

fn relation_env(hook: Hook) -> Vec<(&'static str, &'static str)> {
    match hook {
        Hook::Plain => vec![],
        Hook::Changed => vec![
            ("JUJU_RELATION", "cluster"),
            ("JUJU_RELATION_ID", "cluster:0"),
            ("JUJU_REMOTE_UNIT", "app/1"),
            ("JUJU_REMOTE_APP", "app"),
        ],
        Hook::Created => {
            vec![("JUJU_RELATION", "cluster"), ("JUJU_RELATION_ID", "cluster:0"), ("JUJU_REMOTE_APP", "app")]
        }
    }
}

fn run_in(agent: &Agent, id: &str, hook: Hook, tool: &str, args: &[&str], input: Option<&str>) -> Output {
    let mut cmd = agent.command(id, tool);
    cmd.args(args).envs(relation_env(hook));
    if input.is_none() {
        return cmd.output().expect("run jujuc");
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(input.unwrap_or_default().as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

const NO_ID: &str = "ERROR no relation id specified\n";
const APP1: &str = "password: \"12345\"\nusername: jim\n";
const NOT_FOUND_123: &str = "ERROR invalid value \"unknown:123\" for option -r: relation not found\n";

const ROWS: &[Row] = &[
    // Usage errors.
    row("relation-ids", &[], "", "ERROR no endpoint name specified\n", 2),
    row("relation-ids", &["cluster", "extra"], "", "ERROR unrecognized args: [\"extra\"]\n", 2),
    row("relation-list", &[], "", NO_ID, 2),
    row("relation-get", &[], "", NO_ID, 2),
    row("relation-set", &[], "", NO_ID, 2),
    row("relation-set", &["a=b"], "", NO_ID, 2),
    row("relation-list", &["-r", "bad"], "", "ERROR invalid value \"bad\" for option -r: invalid relation id\n", 2),
    row("relation-get", &["-r", "bad"], "", "ERROR invalid value \"bad\" for option -r: invalid relation id\n", 2),
    row("relation-set", &["-r", "bad"], "", "ERROR invalid value \"bad\" for option -r: invalid relation id\n", 2),
    row("relation-list", &["-r", "ignored:one"], "", "ERROR invalid value \"ignored:one\" for option -r: invalid relation id\n", 2),
    row("relation-list", &["-r", ""], "", "ERROR invalid value \"\" for option -r: invalid relation id\n", 2),
    row("relation-list", &["-r", "cluster:"], "", "ERROR invalid value \"cluster:\" for option -r: invalid relation id\n", 2),
    row("relation-list", &["-r=1"], "", "ERROR invalid value \"=1\" for option -r: invalid relation id\n", 2),
    row("relation-list", &["--relation", "bad"], "", "ERROR invalid value \"bad\" for option --relation: invalid relation id\n", 2),
    row("relation-list", &["-r", "unknown:123"], "", NOT_FOUND_123, 2),
    row("relation-list", &["-r", "123"], "", "ERROR invalid value \"123\" for option -r: relation not found\n", 2),
    row("relation-list", &["-r", "-1"], "", "ERROR invalid value \"-1\" for option -r: relation not found\n", 2),
    row("relation-list", &["--relation=7"], "", "ERROR invalid value \"7\" for option --relation: relation not found\n", 2),
    row("relation-list", &["-r"], "", "ERROR option needs an argument: -r\n", 2),
    row("relation-list", &["-r", "0", "extra"], "", "ERROR unrecognized args: [\"extra\"]\n", 2),
    // -r is checked while flags are parsed: a relation not found wins over Init's errors.
    row("relation-list", &["-r", "unknown:123", "extra"], "", NOT_FOUND_123, 2),
    row("relation-get", &["-r", "unknown:123", "-", "app"], "", NOT_FOUND_123, 2),
    row("relation-set", &["-r", "unknown:123", "haha"], "", NOT_FOUND_123, 2),
    // Options are read in order: an option error after a missing relation is the relation's,
    // one before it is its own, and one after a good relation is its own.
    row("relation-list", &["-r", "unknown:123", "--format=xml"], "", NOT_FOUND_123, 2),
    row("relation-get", &["-r", "unknown:123", "--nope"], "", NOT_FOUND_123, 2),
    row("relation-list", &["--format=xml", "-r", "unknown:123"], "", "ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n", 2),
    row("relation-list", &["-r", "0", "--format=xml"], "", "ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n", 2),
    row("relation-set", &["-r", "0", "-r"], "", "ERROR option needs an argument: -r\n", 2),
    row("relation-get", &["-r", "0"], "", "ERROR no unit or application specified\n", 2),
    row("relation-get", &["-r", "0", "-", "app"], "", "ERROR expected unit name, got application name \"app\"\n", 2),
    row("relation-get", &["-r", "0", "-", "unit//0"], "", "ERROR invalid unit name \"unit//0\"\n", 2),
    row("relation-get", &["-r", "0", "-", "app/1", "extra"], "", "ERROR unrecognized args: [\"extra\"]\n", 2),
    row("relation-get", &["-r", "0", "--app"], "", "ERROR no unit or application specified\n", 2),
    row("relation-set", &["-r", "0", "haha"], "", "ERROR expected \"key=value\", got \"haha\"\n", 2),
    row("relation-set", &["-r", "0", "=haha"], "", "ERROR expected \"key=value\", got \"=haha\"\n", 2),
    row("relation-set", &["-r", "0", " =haha"], "", "ERROR expected \"key=value\", got \"=haha\"\n", 2),
    row("relation-set", &["-r", "0", "a=1", "a=2"], "", "ERROR key \"a\" specified more than once\n", 2),
    row("relation-set", &["-r", "0", "--format=json", "a=1"], "", "--format flag deprecated for command \"relation-set\"", 0),
    row("relation-list", &["--format=xml", "-r", "0"], "", "ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n", 2),
    row("relation-list", &["--app=maybe", "-r", "0"], "", "ERROR invalid value \"maybe\" for option --app: strconv.ParseBool: parsing \"maybe\": invalid syntax\n", 2),
    // relation-ids
    row("relation-ids", &["cluster"], "cluster:0\n", "", 0),
    row("relation-ids", &["--format=json", "cluster"], "[\"cluster:0\"]\n", "", 0),
    row("relation-ids", &["--format=yaml", "cluster"], "- cluster:0\n", "", 0),
    row("relation-ids", &["replicas"], "replicas:1\n", "", 0),
    row("relation-ids", &["nosuch"], "", "", 0),
    row("relation-ids", &["nosuch", "--format=json"], "[]\n", "", 0),
    row("relation-ids", &["nosuch", "--format=yaml"], "[]\n", "", 0),
    row("relation-ids", &[""], "", "", 0),
    changed(row("relation-ids", &[], "cluster:0\n", "", 0)),
    minion(row("relation-ids", &["cluster"], "cluster:0\n", "", 0)),
    // relation-list
    row("relation-list", &["-r", "cluster:0"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["-r", "0"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["-r", "x:y:0"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["-r", "replicas:0"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["-r0"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["--relation=cluster:0"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["-r", "+00"], "app/1\napp/2\n", "", 0),
    row("relation-list", &["-r", "0", "--format=json"], "[\"app/1\",\"app/2\"]\n", "", 0),
    row("relation-list", &["-r", "0", "--format=yaml"], "- app/1\n- app/2\n", "", 0),
    row("relation-list", &["-r", "1"], "", "", 0),
    row("relation-list", &["-r", "1", "--format=json"], "[]\n", "", 0),
    row("relation-list", &["-r", "1", "--format=yaml"], "[]\n", "", 0),
    changed(row("relation-list", &[], "app/1\napp/2\n", "", 0)),
    row("relation-list", &["--app", "-r", "0"], "app\n", "", 0),
    row("relation-list", &["--app", "-r", "0", "--format=json"], "\"app\"\n", "", 0),
    // relation-get
    row("relation-get", &["-r", "0", "-", "app/1"], APP1, "", 0),
    row("relation-get", &["-r", "0", "", "app/1"], APP1, "", 0),
    row("relation-get", &["--format=json", "-r", "0", "-", "app/1"], "{\"password\":\"12345\",\"username\":\"jim\"}\n", "", 0),
    row("relation-get", &["-r", "0", "username", "app/1"], "jim\n", "", 0),
    row("relation-get", &["-r", "0", "username", "app/1", "--format=yaml"], "jim\n", "", 0),
    row("relation-get", &["-r", "0", "username", "app/1", "--format=json"], "\"jim\"\n", "", 0),
    row("relation-get", &["-r", "0", "password", "app/1"], "12345\n", "", 0),
    row("relation-get", &["-r", "0", "password", "app/1", "--format=yaml"], "\"12345\"\n", "", 0),
    row("relation-get", &["-r", "0", "pew", "app/2"], "pew\npew\n\n", "", 0),
    row("relation-get", &["-r", "0", "-", "app/2"], "pew: |\n  pew\n  pew\n", "", 0),
    row("relation-get", &["-r", "0", "missing", "app/1"], "", "", 0),
    row("relation-get", &["-r", "0", "missing", "app/1", "--format=yaml"], "", "", 0),
    row("relation-get", &["-r", "0", "missing", "app/1", "--format=json"], "null\n", "", 0),
    row("relation-get", &["-r", "1", "-", "app/0"], "{}\n", "", 0),
    row("relation-get", &["-r", "1", "-", "app/0", "--format=json"], "{}\n", "", 0),
    row("relation-get", &["-r", "0", "key=value", "app/1"], "", "", 0),
    changed(row("relation-get", &[], APP1, "", 0)),
    changed(row("relation-get", &["username"], "jim\n", "", 0)),
    changed(row("relation-get", &["-", "app/2"], "pew: |\n  pew\n  pew\n", "", 0)),
    changed(row("relation-get", &["--app"], "secret: s3\n", "", 0)),
    // The default unit is used even with -r naming another relation.
    changed(row("relation-get", &["-r", "1", "username"], "", "ERROR cannot read settings for unit \"app/1\" in relation \"app:replicas\": unit \"app/1\": settings not found\n", 1)),
    created(row("relation-get", &[], "secret: s3\n", "", 0)),
    created(row("relation-get", &["secret"], "s3\n", "", 0)),
    row("relation-get", &["-r", "0", "-", "app/9"], "", "ERROR cannot read settings for unit \"app/9\" in relation \"app:cluster\": unit \"app/9\": settings not found\n", 1),
    row("relation-get", &["-r", "0", "-", "other/0"], "", "ERROR permission denied\n", 1),
    row("relation-get", &["-r", "0", "--app", "-", "other"], "", "ERROR permission denied\n", 1),
    row("relation-get", &["-r", "0", "--app", "-", "other/3"], "", "ERROR permission denied\n", 1),
    row("relation-get", &["-r", "0", "--app", "-", "x//y"], "", "ERROR \"\" is not a valid unit or application\n", 1),
    row("relation-get", &["-r", "0", "--app", "-", "app"], "secret: s3\n", "", 0),
    row("relation-get", &["-r", "0", "--app", "-", "app/7"], "secret: s3\n", "", 0),
    minion(row("relation-get", &["-r", "0", "--app", "-", "app"], "secret: s3\n", "", 0)),
    row("relation-get", &["-r", "0", "-", "app/0"], "private-address: 127.0.0.1\n", "", 0),
    // relation-set
    row("relation-set", &["-r", "0", "foo=bar"], "", "", 0),
    row("relation-set", &["-r", "0", "foo="], "", "", 0),
    row("relation-set", &["-r", "0"], "", "", 0),
    changed(row("relation-set", &["foo=bar"], "", "", 0)),
    row("relation-set", &["-r", "0", "--app", "foo=bar"], "", "", 0),
    minion(row("relation-set", &["-r", "0", "--app", "foo=bar"], "", "ERROR cannot write relation settings\n", 1)),
    minion(row("relation-set", &["-r", "0", "--app=false", "foo=bar"], "", "", 0)),
    minion(row(
        "relation-set",
        &["-r", "0", "--format=json", "--app", "a=1"],
        "",
        "--format flag deprecated for command \"relation-set\"ERROR cannot write relation settings\n",
        1,
    )),
    row("relation-set", &["-r", "0", "--file", ""], "", "", 0),
    stdin("haha", row("relation-set", &["-r", "0", "--file", "-"], "", "ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `haha` into map[string]string\n", 1)),
    stdin("[haha]", row("relation-set", &["-r", "0", "--file", "-"], "", "ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into map[string]string\n", 1)),
    stdin("{a: {b: c}}", row("relation-set", &["-r", "0", "--file", "-"], "", "ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!map into string\n", 1)),
    stdin("{\"a\": \"b\"}", row("relation-set", &["-r", "0", "--file", "-"], "", "", 0)),
];

#[test]
fn every_row_of_the_relations_cheat_sheet() {
    let mut failures = Vec::new();
    for r in ROWS {
        let agent = start(r.leader);
        let id = agent.open("config-changed");
        let out = run_in(&agent, &id, r.hook, r.tool, r.args, r.stdin);
        let what = format!("{} {:?} (leader={}, stdin {:?})", r.tool, r.args, r.leader, r.stdin);
        failures.extend(row_mismatch(&out, r.stdout, r.stderr, r.code, &what));
    }
    assert!(failures.is_empty(), "{} rows differ:\n{}", failures.len(), failures.join("\n"));
}

fn rel(agent: &Agent, id: &str, tool: &str, args: &[&str]) -> Output {
    run_in(agent, id, Hook::Plain, tool, args, None)
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

/// The hook's writes are its own until it succeeds: visible to itself at once, to nobody else,
/// committed by the agent when the hook exits 0, dropped when it fails.
#[test]
fn relation_set_is_committed_only_when_the_hook_succeeds() {
    let agent = start(true);
    let hook = agent.open("cluster-relation-changed");
    assert_output(
        &rel(&agent, &hook, "relation-set", &["-r", "0", "addr=10.0.0.1", "private-address="]),
        "",
        "",
        0,
        "set",
    );
    assert_output(
        &rel(&agent, &hook, "relation-get", &["-r", "0", "-", "app/0"]),
        "addr: 10.0.0.1\n",
        "",
        0,
        "own view",
    );
    assert_output(&rel(&agent, &hook, "relation-set", &["-r", "0", "--app", "token=t1"]), "", "", 0, "app set");
    let app_bag = "secret: s3\ntoken: t1\n";
    assert_output(
        &rel(&agent, &hook, "relation-get", &["-r", "0", "--app", "-", "app"]),
        app_bag,
        "",
        0,
        "leader's view",
    );
    let other = agent.open("update-status");
    let unchanged = "private-address: 127.0.0.1\n";
    assert_output(&rel(&agent, &other, "relation-get", &["-r", "0", "-", "app/0"]), unchanged, "", 0, "another hook");
    assert_eq!(agent.backend.relations().relations[&0].units["app/0"], settings(&[("private-address", "127.0.0.1")]));

    // The hook succeeds: the agent commits.
    assert!(block_on(agent.endpoint.commit_context(&hook, Vec::new())).unwrap());
    agent.endpoint.close_context(&hook);
    let committed = agent.backend.relations().relations[&0].clone();
    assert_eq!(committed.units["app/0"], settings(&[("addr", "10.0.0.1")]));
    assert_eq!(committed.app, settings(&[("secret", "s3"), ("token", "t1")]));
    let next = agent.open("update-status");
    assert_output(
        &rel(&agent, &next, "relation-get", &["-r", "0", "-", "app/0"]),
        "addr: 10.0.0.1\n",
        "",
        0,
        "next hook",
    );

    // A failing hook: the agent closes the context without committing.
    let failing = agent.open("cluster-relation-changed");
    assert_output(&rel(&agent, &failing, "relation-set", &["-r", "0", "addr=lost"]), "", "", 0, "set");
    agent.endpoint.close_context(&failing);
    assert_eq!(agent.backend.relations().relations[&0].units["app/0"], settings(&[("addr", "10.0.0.1")]));
}

/// A leader that loses leadership between its relation-set --app and the end of its hook
/// commits nothing (its unit-bag changes neither: one transaction) and says so in Juju's words.
#[test]
fn a_deposed_leader_commits_nothing_at_the_end_of_its_hook() {
    let agent = start(true);
    let hook = agent.open("leader-elected");
    assert_output(&rel(&agent, &hook, "relation-set", &["-r", "0", "--app", "secret=mine"]), "", "", 0, "as leader");
    assert_output(&rel(&agent, &hook, "relation-set", &["-r", "0", "mine=yes"]), "", "", 0, "unit bag");
    agent.backend.set_leader(false);
    let err = block_on(agent.endpoint.commit_context(&hook, Vec::new())).unwrap_err();
    assert_eq!(err, RelationCommitError::NotLeader("\"app/0\" is not leader of \"app\"".into()));
    assert_eq!(err.to_string(), "\"app/0\" is not leader of \"app\"");
    let relation = agent.backend.relations().relations[&0].clone();
    assert_eq!(relation.app, settings(&[("secret", "s3")]));
    assert!(!relation.units["app/0"].contains_key("mine"));
    // A minion is refused at the call, before anything is held.
    let minion = agent.open("cluster-relation-changed");
    let out = rel(&agent, &minion, "relation-set", &["-r", "0", "--app", "secret=theirs"]);
    assert_output(&out, "", "ERROR cannot write relation settings\n", 1, "minion");
    assert!(!block_on(agent.endpoint.commit_context(&minion, Vec::new())).unwrap(), "nothing to commit");
}

/// Every relation's data is read once per hook: another unit's commit during the hook is seen
/// by the next hook, not this one.
#[test]
fn a_hook_reads_one_snapshot_of_the_relation_data() {
    let agent = start(false);
    let hook = agent.open("cluster-relation-changed");
    assert_output(&rel(&agent, &hook, "relation-get", &["-r", "0", "username", "app/1"]), "jim\n", "", 0, "first");
    agent.backend.update_relations(|r| {
        let relation = r.relations.get_mut(&0).unwrap();
        relation.units.insert("app/1".into(), settings(&[("username", "bob")]));
        relation.app.insert("secret".into(), "rotated".into());
        relation.members.push("app/3".into());
    });
    assert_output(&rel(&agent, &hook, "relation-get", &["-r", "0", "username", "app/1"]), "jim\n", "", 0, "same hook");
    assert_output(&rel(&agent, &hook, "relation-list", &["-r", "0"]), "app/1\napp/2\n", "", 0, "same members");
    let next = agent.open("cluster-relation-changed");
    assert_output(&rel(&agent, &next, "relation-get", &["-r", "0", "username", "app/1"]), "bob\n", "", 0, "next hook");
    let out = rel(&agent, &next, "relation-get", &["-r", "0", "--app", "secret", "app"]);
    assert_output(&out, "rotated\n", "", 0, "the app bag");
    assert_output(&rel(&agent, &next, "relation-list", &["-r", "0"]), "app/1\napp/2\napp/3\n", "", 0, "members");
}

/// What ops (3.4+) and charmhelpers send for relation data, with the answers they parse.
#[test]
fn what_ops_and_charmhelpers_send() {
    let agent = start(true);
    let id = agent.open("cluster-relation-changed");
    let file = agent.dir.path().join("settings.yaml");
    std::fs::write(&file, "address: 10.1.1.1\nport: '80'\ngone: null\n").unwrap();
    let file = file.to_str().unwrap();
    for (tool, args, input, stdout) in [
        ("relation-ids", &["cluster", "--format=json"][..], None, "[\"cluster:0\"]\n"),
        ("relation-list", &["--format=json", "-r", "cluster:0"][..], None, "[\"app/1\",\"app/2\"]\n"),
        ("relation-list", &["--format=json", "-r", "0"][..], None, "[\"app/1\",\"app/2\"]\n"),
        ("relation-list", &["--format=json", "--app", "-r", "cluster:0"][..], None, "\"app\"\n"),
        ("relation-get", &["--format=json", "-r", "cluster:0", "--app", "-", "app"][..], None, "{\"secret\":\"s3\"}\n"),
        (
            "relation-get",
            &["--format=json", "-r", "cluster:0", "-", "app/1"][..],
            None,
            "{\"password\":\"12345\",\"username\":\"jim\"}\n",
        ),
        (
            "relation-set",
            &["-r", "cluster:0", "--app", "--file", "-"][..],
            Some("{\"secret\": \"s4\", \"e\": \"\\u00e9\"}"),
            "",
        ),
        ("relation-set", &["-r", "cluster:0", "--file", "-"][..], Some("{\"ingress\": \"10.0.0.2\"}"), ""),
        (
            "relation-get",
            &["--format=json", "-r", "cluster:0", "--app", "-", "app"][..],
            None,
            "{\"e\":\"é\",\"secret\":\"s4\"}\n",
        ),
        // ops 3.3 puts --format last.
        (
            "relation-get",
            &["-r", "0", "-", "app/0", "--app=False", "--format=json"][..],
            None,
            "{\"ingress\":\"10.0.0.2\",\"private-address\":\"127.0.0.1\"}\n",
        ),
        // charmhelpers
        ("relation-ids", &["--format=json", "cluster"][..], None, "[\"cluster:0\"]\n"),
        ("relation-list", &["--format=json", "-r", "cluster:0"][..], None, "[\"app/1\",\"app/2\"]\n"),
        ("relation-get", &["--format=json", "-r", "cluster:0", "username", "app/1"][..], None, "\"jim\"\n"),
        ("relation-get", &["--format=json", "-"][..], None, "{\"password\":\"12345\",\"username\":\"jim\"}\n"),
        ("relation-set", &["-r", "cluster:0", "--file", file][..], None, ""),
        (
            "relation-get",
            &["-r", "0", "-", "app/0"][..],
            None,
            "address: 10.1.1.1\ningress: 10.0.0.2\nport: \"80\"\nprivate-address: 127.0.0.1\n",
        ),
    ] {
        let out = run_in(&agent, &id, Hook::Changed, tool, args, input);
        assert_output(&out, stdout, "", 0, &format!("{tool} {args:?}"));
    }
    // Juju's `handleSettingsFile`: the file's keys, then the key=value arguments over them (an
    // empty one deleting the key the file set), wherever --file stands among them.
    let args = ["-r", "0", "port=82", "--file", "-", "mode="];
    let out = run_in(&agent, &id, Hook::Changed, "relation-set", &args, Some("{port: \"81\", mode: file, extra: x}"));
    assert_output(&out, "", "", 0, "--file - with arguments");
    let out = run_in(&agent, &id, Hook::Changed, "relation-get", &["-r", "0", "-", "app/0"], None);
    let want = "address: 10.1.1.1\nextra: x\ningress: 10.0.0.2\nport: \"82\"\nprivate-address: 127.0.0.1\n";
    assert_output(&out, want, "", 0, "the arguments win over the file");
    let help = String::from_utf8(rel(&agent, &id, "relation-set", &["--help"]).stdout).unwrap();
    assert!(help.contains("--file"), "charmhelpers checks relation-set --help for --file");
    let missing = agent.dir.path().join("missing.yaml");
    let out = rel(&agent, &id, "relation-set", &["-r", "0", "--file", "missing.yaml"]);
    let want = format!("ERROR open {}: no such file or directory\n", missing.display());
    assert_output(&out, "", &want, 1, "a missing --file, relative to the working directory");
}

/// Outside a hook nothing can be checked against the relations: Init's own errors are printed.
#[test]
fn usage_errors_outside_a_hook_context() {
    let agent = start(true);
    let run =
        |tool: &str, args: &[&str]| agent.command("", tool).env_remove("JUJU_CONTEXT_ID").args(args).output().unwrap();
    assert_output(
        &run("relation-list", &["-r", "0", "extra"]),
        "",
        "ERROR unrecognized args: [\"extra\"]\n",
        2,
        "list",
    );
    let out = run("relation-get", &["-r", "3", "-", "app"]);
    assert_output(&out, "", "ERROR expected unit name, got application name \"app\"\n", 2, "get");
    assert_output(
        &run("relation-list", &["-r", "0"]),
        "",
        "ERROR JUJU_CONTEXT_ID not set\n",
        1,
        "a good call needs a hook",
    );
}

const LIST_HELP: &str = "Usage: relation-list [options]\n\nSummary:\nList relation units.\n\nOptions:\n--app  (= false)\n    \
List remote application instead of participating units\n--format  (= smart)\n    Specify output format (json|smart|yaml)\n\
-o, --output (= \"\")\n    Specify an output file\n-r, --relation  (= )\n    Specify a relation by id\n\nDetails:\n\
-r must be specified when not in a relation hook\n\nrelation-list outputs a list of all the related units for a relation \
identifier.\nIf not running in a relation hook context, -r needs to be specified with a\nrelation identifier similar to the \
relation-get and relation-set commands.\n";

const IDS_HELP: &str = "Usage: relation-ids [options] <name>\n\nSummary:\nList all relation IDs for the given endpoint.\n\n\
Options:\n--format  (= smart)\n    Specify output format (json|smart|yaml)\n-o, --output (= \"\")\n    Specify an output file\n\n\
Details:\nrelation-ids outputs a list of the related applications with a relation name.\nAccepts a single argument \
(relation-name) which, in a relation hook, defaults\nto the name of the current relation. The output is useful as input to \
the\nrelation-list, relation-get, and relation-set commands to read or write other\nrelation values.\n\nOnly relation ids for \
relations which are not broken are included.\n\nExamples:\n\n    relation-ids database\n";

#[test]
fn help_is_juju_3_6_byte_for_byte_in_and_out_of_a_relation_hook() {
    let agent = start(true);
    let id = agent.open("install");
    assert_output(&rel(&agent, &id, "relation-list", &["--help"]), LIST_HELP, "", 0, "relation-list");
    assert_output(&rel(&agent, &id, "relation-ids", &["-h"]), IDS_HELP, "", 0, "relation-ids");
    let hooked =
        |tool: &str| String::from_utf8(run_in(&agent, &id, Hook::Changed, tool, &["--help"], None).stdout).unwrap();
    // In a relation hook: relation-list has no Details, and -r shows the hook's relation.
    let list = LIST_HELP.split("\nDetails:").next().unwrap().replace("(= )", "(= cluster:0)");
    assert_eq!(hooked("relation-list"), list);
    let ids = IDS_HELP
        .replace("<name>\n", "[<name>]\n")
        .replace("Details:\n", "Details:\nCurrent default endpoint name is \"cluster\".\n");
    assert_eq!(hooked("relation-ids"), ids);
    let get = hooked("relation-get");
    assert!(
        get.starts_with("Usage: relation-get [options] [<key> [<unit id>]]\n\nSummary:\nGet relation settings.\n\n")
    );
    assert!(get.contains("-r, --relation  (= cluster:0)\n    Specify a relation by id\n"));
    assert!(get.contains(
        "Key value pairs for remote units that have departed remain accessible for the lifetime\nof the relation.\n\
         Current default unit id is \"app/1\".\n\nExamples:\n"
    ));
    let get_outside = String::from_utf8(rel(&agent, &id, "relation-get", &["--help"]).stdout).unwrap();
    assert!(get_outside.starts_with("Usage: relation-get [options] <key> <unit id>\n"));
    assert!(get_outside.contains("of the relation.\n\nExamples:\n"));
    let set = String::from_utf8(rel(&agent, &id, "relation-set", &["--help"]).stdout).unwrap();
    assert!(set.starts_with(
        "Usage: relation-set [options] key=value [key=value ...]\n\nSummary:\nSet relation settings.\n\nOptions:\n\
         --app  (= false)\n    pick whether you are setting \"application\" settings or \"unit\" settings\n\
         --file  (= )\n    file containing key-value pairs\n--format (= \"\")\n    deprecated format flag\n\
         -r, --relation  (= )\n    specify a relation by id\n\nDetails:\n\"relation-set\" writes the local unit's settings"
    ));
    assert!(set.ends_with(
        "\nExamples:\n\n    relation-set port=80 tuning=default\n\n    relation-set -r server:3 username=jim password=12345\n"
    ));
}

/// In a relation hook juju-log prefixes the message with the relation, as Juju's does.
#[test]
fn juju_log_names_the_relation_in_a_relation_hook() {
    let agent = start(true);
    let id = agent.open("cluster-relation-changed");
    assert_output(&run_in(&agent, &id, Hook::Changed, "juju-log", &["-l", "WARN", "hello"], None), "", "", 0, "log");
    assert_output(&run_in(&agent, &id, Hook::Plain, "juju-log", &["plain"], None), "", "", 0, "log");
    let logged: Vec<String> = agent.logs.lock().unwrap().iter().map(|(_, _, r)| r.message.clone()).collect();
    assert_eq!(logged, ["cluster:0: hello", "plain"]);
}

/// After its -relation-broken the unit is no longer in that relation (Juju's relation state
/// tracker drops its relationer once the broken hook is committed): the stop and remove hooks
/// of a dying unit neither list it nor read or write it; the other relation stays.
#[test]
fn a_broken_relation_is_gone_from_the_later_hooks() {
    let agent = start(true);
    agent.endpoint.set_broken([0].into());
    let stop = agent.open("stop");
    assert_output(&rel(&agent, &stop, "relation-ids", &["cluster"]), "", "", 0, "relation-ids");
    assert_output(&rel(&agent, &stop, "relation-ids", &["replicas"]), "replicas:1\n", "", 0, "the other relation");
    let not_found = "ERROR invalid value \"0\" for option -r: relation not found\n";
    assert_output(&rel(&agent, &stop, "relation-list", &["-r", "0"]), "", not_found, 2, "relation-list");
    assert_output(&rel(&agent, &stop, "relation-get", &["-r", "0", "-", "app/1"]), "", not_found, 2, "relation-get");
    assert_output(&rel(&agent, &stop, "relation-set", &["-r", "0", "a=b"]), "", not_found, 2, "relation-set");
    assert!(!block_on(agent.endpoint.commit_context(&stop, Vec::new())).unwrap(), "nothing to commit");
}
