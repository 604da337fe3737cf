//! The conformance cheat-sheet of Juju 3.6's status-set, status-get and
//! application-version-set, byte for byte on stdout and stderr and in the exit code, running the
//! real `jujuc` (called through its tool names via argv[0]) against the real hook endpoint on a
//! unix socket. A unit whose charm has set no status reads `unknown`.

use leaderd_testkit as common;

use common::{assert_output, row_mismatch, Agent};
use leaderd_core::wire::hook::WorkloadStatus;

/// One row: `setup` status-set calls run first (as leader, in a hook of their own), then
/// `tool args...` in a fresh hook context of a unit that is (or is not) leader.
struct Row {
    setup: &'static [&'static [&'static str]],
    tool: &'static str,
    args: &'static [&'static str],
    leader: bool,
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
    Row { setup: &[], tool, args, leader: true, stdout, stderr, code }
}

const fn minion(r: Row) -> Row {
    Row { leader: false, ..r }
}

const fn after(setup: &'static [&'static [&'static str]], r: Row) -> Row {
    Row { setup, ..r }
}

const NONE: &[&str] = &[];
const ACTIVE: &[&[&str]] = &[&["active", "doing work"]];
const BOTH: &[&[&str]] = &[&["active", "ready"], &["--application", "active"]];
const NOT_LEADER: &str = "ERROR this unit is not the leader\n";
const APP_NOT_LEADER: &str = "ERROR finding application status: this unit is not the leader\n";

const ROWS: &[Row] = &[
    // status-set: usage errors
    row("status-set", &[], "", "ERROR invalid args, require <status> [message]\n", 2),
    row("status-set", &["foo", "hello"], "", "ERROR invalid status \"foo\", expected one of [maintenance blocked waiting active]\n", 2),
    row("status-set", &["error", "x"], "", "ERROR invalid status \"error\", expected one of [maintenance blocked waiting active]\n", 2),
    row("status-set", &["unknown"], "", "ERROR invalid status \"unknown\", expected one of [maintenance blocked waiting active]\n", 2),
    row("status-set", &["Active"], "", "ERROR invalid status \"Active\", expected one of [maintenance blocked waiting active]\n", 2),
    row("status-set", &["foo", "a", "b"], "", "ERROR invalid status \"foo\", expected one of [maintenance blocked waiting active]\n", 2),
    row("status-set", &["maintenance", "hello", "extra"], "", "ERROR unrecognized args: [\"extra\"]\n", 2),
    row("status-set", &["--format=json", "active"], "", "ERROR option provided but not defined: --format\n", 2),
    row(
        "status-set",
        &["--application=maybe", "active"],
        "",
        "ERROR invalid value \"maybe\" for option --application: strconv.ParseBool: parsing \"maybe\": invalid syntax\n",
        2,
    ),
    row("status-set", &["--application", "True", "active"], "", "ERROR invalid status \"True\", expected one of [maintenance blocked waiting active]\n", 2),
    row("status-set", &["-x"], "", "ERROR option provided but not defined: -x\n", 2),
    // Arguments that are not UTF-8: the status is echoed as Go's %q does; a message is refused.
    row("status-set", &["active", "\u{fffd}"], "", "", 0),
    // status-set: in a hook
    row("status-set", &["maintenance", "doing some work"], "", "", 0),
    row("status-set", &["active", ""], "", "", 0),
    row("status-set", &["active"], "", "", 0),
    row("status-set", &["blocked", "--", "-starts with a dash"], "", "", 0),
    minion(row("status-set", &["waiting", "a minion sets its own status"], "", "", 0)),
    row("status-set", &["--application", "maintenance", "msg"], "", "", 0),
    row("status-set", &["--application=true", "maintenance", "msg"], "", "", 0),
    row("status-set", &["--application=false", "maintenance", "msg"], "", "", 0),
    minion(row("status-set", &["--application", "maintenance", "msg"], "", NOT_LEADER, 1)),
    minion(row("status-set", &["--application=false", "maintenance", "msg"], "", "", 0)),
    // status-get: usage errors
    row("status-get", &["extra"], "", "ERROR unrecognized args: [\"extra\"]\n", 2),
    row("status-get", &["--format=xml"], "", "ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n", 2),
    row("status-get", &["--include-data=x"], "", "ERROR invalid value \"x\" for option --include-data: strconv.ParseBool: parsing \"x\": invalid syntax\n", 2),
    // status-get: the unit's status
    row("status-get", &[], "unknown\n", "", 0),
    after(ACTIVE, row("status-get", &[], "active\n", "", 0)),
    after(ACTIVE, minion(row("status-get", &[], "active\n", "", 0))),
    after(ACTIVE, row("status-get", &["--format=smart"], "active\n", "", 0)),
    after(ACTIVE, row("status-get", &["--format=yaml"], "status: active\n", "", 0)),
    after(ACTIVE, row("status-get", &["--format=json"], "{\"status\":\"active\"}\n", "", 0)),
    after(ACTIVE, row("status-get", &["--include-data"], "message: doing work\nstatus: active\nstatus-data: {}\n", "", 0)),
    after(ACTIVE, row("status-get", &["--include-data", "--format=yaml"], "message: doing work\nstatus: active\nstatus-data: {}\n", "", 0)),
    after(
        ACTIVE,
        row("status-get", &["--include-data", "--format=json"], "{\"message\":\"doing work\",\"status\":\"active\",\"status-data\":{}}\n", "", 0),
    ),
    after(&[&["maintenance"]], row("status-get", &["--include-data"], "message: \"\"\nstatus: maintenance\nstatus-data: {}\n", "", 0)),
    // status-get --application: leader only
    after(BOTH, row("status-get", &["--application"], "active\n", "", 0)),
    after(
        BOTH,
        row("status-get", &["--application", "--format=json"], "{\"application-status\":{\"status\":\"active\",\"units\":{\"app/0\":{\"status\":\"active\"}}}}\n", "", 0),
    ),
    after(
        BOTH,
        row(
            "status-get",
            &["--application", "--include-data", "--format=json"],
            "{\"application-status\":{\"message\":\"\",\"status\":\"active\",\"status-data\":{},\"units\":{\"app/0\":{\"message\":\"ready\",\"status\":\"active\",\"status-data\":{}}}}}\n",
            "",
            0,
        ),
    ),
    after(
        BOTH,
        row(
            "status-get",
            &["--application", "--include-data"],
            "application-status:\n  message: \"\"\n  status: active\n  status-data: {}\n  units:\n    app/0:\n      message: ready\n      status: active\n      status-data: {}\n",
            "",
            0,
        ),
    ),
    after(
        BOTH,
        row("status-get", &["--application", "--format=yaml"], "application-status:\n  status: active\n  units:\n    app/0:\n      status: active\n", "", 0),
    ),
    row("status-get", &["--application"], "unknown\n", "", 0),
    after(BOTH, minion(row("status-get", &["--application"], "", APP_NOT_LEADER, 1))),
    minion(row("status-get", &["--application", "--format=json"], "", APP_NOT_LEADER, 1)),
    minion(row("status-get", &["--application", "--include-data"], "", APP_NOT_LEADER, 1)),
    // application-version-set
    row("application-version-set", &[], "", "ERROR no version specified\n", 2),
    row("application-version-set", &["1", "2"], "", "ERROR unrecognized args: [\"2\"]\n", 2),
    row("application-version-set", &["--format=json", "1"], "", "ERROR option provided but not defined: --format\n", 2),
    row("application-version-set", &["-1.0"], "", "ERROR option provided but not defined: -1\n", 2),
    row("application-version-set", &["1.2.3"], "", "", 0),
    row("application-version-set", &[""], "", "", 0),
    row("application-version-set", &["--", "-x"], "", "", 0),
    minion(row("application-version-set", &["1.2.3"], "", "", 0)),
];

#[test]
fn every_row_of_the_status_cheat_sheet() {
    let mut failures = Vec::new();
    for r in ROWS {
        let agent = Agent::start(true, &[]);
        let setup = agent.open("install");
        for args in r.setup {
            assert_output(&agent.run(&setup, "status-set", args), "", "", 0, "setup");
        }
        agent.backend.set_leader(r.leader);
        let id = agent.open("config-changed");
        let out = agent.run(&id, r.tool, r.args);
        let what = format!("{} {:?} (leader={}, after {:?})", r.tool, r.args, r.leader, r.setup);
        failures.extend(row_mismatch(&out, r.stdout, r.stderr, r.code, &what));
    }
    assert!(failures.is_empty(), "{} rows differ:\n{}", failures.len(), failures.join("\n"));
}

fn status(status: &str, message: &str) -> WorkloadStatus {
    WorkloadStatus { status: status.into(), message: message.into(), data: Default::default() }
}

#[test]
fn status_set_takes_effect_at_once_and_survives_its_hook() {
    let agent = Agent::start(true, &[]);
    let hook = agent.open("install");
    assert_output(&agent.run(&hook, "status-set", &["maintenance", "installing"]), "", "", 0, "status-set");
    // Recorded before the hook ends: another context already reads it.
    assert_eq!(agent.endpoint.statuses().unit, status("maintenance", "installing"));
    let other = agent.open("update-status");
    assert_output(&agent.run(&other, "status-get", NONE), "maintenance\n", "", 0, "seen from another hook");
    // A failing hook does not roll it back.
    agent.endpoint.close_context(&hook);
    assert_eq!(agent.endpoint.statuses().unit, status("maintenance", "installing"));

    assert_output(&agent.run(&other, "status-set", &["--application", "blocked", "add a db"]), "", "", 0, "app");
    assert_eq!(agent.endpoint.statuses().application, status("blocked", "add a db"));
    agent.backend.set_leader(false);
    let minion = agent.open("update-status");
    let out = agent.run(&minion, "status-set", &["--application", "active"]);
    assert_output(&out, "", "ERROR this unit is not the leader\n", 1, "a minion's --application");
    assert_eq!(agent.endpoint.statuses().application, status("blocked", "add a db"), "unchanged by a minion");
}

/// Juju's hook context keeps the unit status it first read for the rest of the hook, and its
/// own status-set does not refresh that copy; a status-get after a status-set, with no
/// status-get before it, reads the new status.
#[test]
fn status_get_keeps_the_first_read_for_the_rest_of_its_hook() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("config-changed");
    assert_output(&agent.run(&id, "status-get", NONE), "unknown\n", "", 0, "first read");
    assert_output(&agent.run(&id, "status-set", &["blocked", "x"]), "", "", 0, "status-set");
    assert_output(&agent.run(&id, "status-get", NONE), "unknown\n", "", 0, "the hook's copy");
    let next = agent.open("update-status");
    assert_output(&agent.run(&next, "status-set", &["active"]), "", "", 0, "status-set first");
    assert_output(&agent.run(&next, "status-get", NONE), "active\n", "", 0, "then a fresh read");
}

#[test]
fn application_version_set_records_the_version_at_once() {
    let agent = Agent::start(false, &[]);
    let id = agent.open("install");
    assert_eq!(agent.endpoint.statuses().workload_version, "");
    assert_output(&agent.run(&id, "application-version-set", &["1.2.3"]), "", "", 0, "set");
    assert_eq!(agent.endpoint.statuses().workload_version, "1.2.3");
    assert_output(&agent.run(&id, "application-version-set", &["--", "-rc1"]), "", "", 0, "set after --");
    assert_eq!(agent.endpoint.statuses().workload_version, "-rc1");
}

#[test]
fn help_is_juju_3_6_byte_for_byte() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("install");
    let status_get = "Usage: status-get [options] [--include-data] [--application]\n\nSummary:\nPrint status information.\n\n\
Options:\n--application  (= false)\n    print status for all units of this application if this unit is the leader\n\
--format  (= smart)\n    Specify output format (json|smart|yaml)\n--include-data  (= false)\n    print all status data\n\
-o, --output (= \"\")\n    Specify an output file\n\nDetails:\nBy default, only the status value is printed.\n\
If the --include-data flag is passed, the associated data are printed also.\n\nFurther details:\n\
status-get allows charms to query the current workload status.\n\n\
Without arguments, it just prints the status code e.g. \u{2018}maintenance\u{2019}.\n\
With --include-data specified, it prints YAML which contains the status\nvalue plus any data associated with the status.\n\n\
Include the --application option to get the overall status for the application, rather than an individual unit.\n\n\
Examples:\n\n    # Access the unit\u{2019}s status:\n    status-get\n    status-get --include-data\n\n\
\x20   # Access the application\u{2019}s status:\n    status-get --application\n";
    assert_output(&agent.run(&id, "status-get", &["--help"]), status_get, "", 0, "status-get --help");
    let version = "Usage: application-version-set <new-version>\n\nSummary:\nSpecify which version of the application is deployed.\n\n\
Details:\napplication-version-set tells Juju which version of the application\nsoftware is running. This could be a package \
version number or some\nother useful identifier, such as a Git hash, that indicates the\nversion of the deployed software. \
(It shouldn't be confused with the\ncharm revision.) The version set will be displayed in \"juju status\"\noutput for the \
application.\n\nExamples:\n\n    application-version-set 1.1.10\n";
    assert_output(&agent.run(&id, "application-version-set", &["-h"]), version, "", 0, "application-version-set -h");
    let status_set = String::from_utf8(agent.run(&id, "status-set", &["--help"]).stdout).unwrap();
    assert!(status_set.starts_with(
        "Usage: status-set [options] <maintenance | blocked | waiting | active> [message]\n\nSummary:\n\
Set status information.\n\nOptions:\n--application  (= false)\n    set this status for the application to which the unit \
belongs if the unit is the leader\n\nDetails:\nSets the workload status of the charm. Message is optional.\n"
    ));
    // The status list's continuation lines start with a TAB, as in Juju's source.
    assert!(status_set
        .contains("    maintenance (the unit is not currently providing a service,\n\t  but expects to be soon"));
    assert!(status_set.ends_with(
        "    $ status-set --application maintenance \"I'm not the leader.\"\n    error: this unit is not the leader\n"
    ));
}

/// The command lines ops (3.4+ and 3.3) and charmhelpers send, with the answers they parse.
#[test]
fn what_ops_and_charmhelpers_send() {
    let agent = Agent::start(true, &[]);
    std::fs::write(
        agent.dir.path().join("config.yaml"),
        "options:\n  n: {type: int, default: 3}\n  e: {type: string}\n",
    )
    .unwrap();
    let id = agent.open("config-changed");
    for (tool, args, stdout) in [
        ("status-set", &["--application=True", "active", "--", ""][..], ""),
        ("status-set", &["--application=False", "maintenance", "--", "-starts with a dash"][..], ""),
        ("status-set", &["--application=False", "waiting", "db"][..], ""),
        ("status-set", &["blocked", "needs a db"][..], ""),
        (
            "status-get",
            &["--include-data", "--format=json", "--application=false"][..],
            "{\"message\":\"needs a db\",\"status\":\"blocked\",\"status-data\":{}}\n",
        ),
        (
            "status-get",
            &["--include-data", "--application=True", "--format=json"][..],
            "{\"application-status\":{\"message\":\"\",\"status\":\"active\",\"status-data\":{},\"units\":{\"app/0\":\
             {\"message\":\"needs a db\",\"status\":\"blocked\",\"status-data\":{}}}}}\n",
        ),
        (
            "status-get",
            &["--format=json", "--include-data"][..],
            "{\"message\":\"needs a db\",\"status\":\"blocked\",\"status-data\":{}}\n",
        ),
        ("config-get", &["--format=json"][..], "{\"n\":3}\n"),
        ("config-get", &["--all", "--format=json"][..], "{\"e\":null,\"n\":3}\n"),
        ("config-get", &["n", "--format=json"][..], "3\n"),
        ("application-version-set", &["--", "1.0"][..], ""),
        ("application-version-set", &["1.0"][..], ""),
    ] {
        assert_output(&agent.run(&id, tool, args), stdout, "", 0, &format!("{tool} {args:?}"));
    }
}

/// Juju ignores a failure to write `-o FILE` when status-get prints a map, but not when it
/// prints the plain status name.
#[test]
fn status_get_to_an_unwritable_file_fails_only_for_the_plain_status() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("install");
    let path = agent.dir.path().join("no/such/dir/out");
    let path = path.to_str().unwrap();
    for args in [
        &["--include-data", "-o", path][..],
        &["--format=yaml", "-o", path][..],
        &["--format=json", "-o", path][..],
        &["--application", "--format=json", "-o", path][..],
    ] {
        assert_output(&agent.run(&id, "status-get", args), "", "", 0, &format!("{args:?}"));
    }
    let want = format!("ERROR open {path}: no such file or directory\n");
    assert_output(&agent.run(&id, "status-get", &["-o", path]), "", &want, 1, "plain status");
    let written = agent.dir.path().join("out.yaml");
    let out = agent.run(&id, "status-get", &["--include-data", "-o", written.to_str().unwrap()]);
    assert_output(&out, "", "", 0, "a writable file");
    assert_eq!(std::fs::read_to_string(written).unwrap(), "message: \"\"\nstatus: unknown\nstatus-data: {}\n");
}

#[test]
fn arguments_that_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let agent = Agent::start(true, &[]);
    let id = agent.open("install");
    let bad = OsStr::from_bytes(b"\xff");
    let out = agent.run(&id, "status-set", &[bad]);
    let want = "ERROR invalid status \"\\xff\", expected one of [maintenance blocked waiting active]\n";
    assert_output(&out, "", want, 2, "a bad status");
    let out = agent.run(&id, "status-set", &[OsStr::new("active"), bad]);
    assert_output(&out, "", "ERROR argument \"\\xff\" is not valid UTF-8\n", 2, "a bad message");
    assert_eq!(agent.endpoint.statuses().unit.status, "unknown", "nothing was set");
    let out = agent.run(&id, "application-version-set", &[bad]);
    assert_output(&out, "", "ERROR argument \"\\xff\" is not valid UTF-8\n", 2, "a bad version");
}
