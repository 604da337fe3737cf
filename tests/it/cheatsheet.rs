//! Every row of Juju 3.x's conformance cheat-sheet for the four tools, byte for byte on stdout and
//! stderr and in the exit code, running the real `jujuc` (called through its tool names via
//! argv[0]) against the real hook endpoint on a unix socket.
//!
//! Outputs are compared as exact bytes rather than through snapbox: several rows differ only
//! by a trailing newline, which snapbox's newline filters would smooth over.

use leaderd_testkit as common;

use common::{assert_output, row_mismatch, Agent};

const KV: &[(&str, &str)] = &[("key", "value"), ("sample", "settings")];

/// One cheat-sheet row: `tool args...` in a fresh hook context of a unit that is (or is not)
/// leader, with the bucket holding `settings`.
struct Row {
    tool: &'static str,
    args: &'static [&'static str],
    leader: bool,
    settings: &'static [(&'static str, &'static str)],
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
    Row { tool, args, leader: true, settings: KV, stdout, stderr, code }
}

const fn minion(r: Row) -> Row {
    Row { leader: false, ..r }
}

const fn with(settings: &'static [(&'static str, &'static str)], r: Row) -> Row {
    Row { settings, ..r }
}

const ROWS: &[Row] = &[
    // is-leader
    row("is-leader", &[], "True\n", "", 0),
    minion(row("is-leader", &[], "False\n", "", 0)),
    row("is-leader", &["--format=smart"], "True\n", "", 0),
    minion(row("is-leader", &["--format=smart"], "False\n", "", 0)),
    row("is-leader", &["--format=json"], "true\n", "", 0),
    minion(row("is-leader", &["--format=json"], "false\n", "", 0)),
    row("is-leader", &["--format", "json"], "true\n", "", 0),
    row("is-leader", &["--format=yaml"], "true\n", "", 0),
    minion(row("is-leader", &["--format=yaml"], "false\n", "", 0)),
    row("is-leader", &["blah"], "", "ERROR unrecognized args: [\"blah\"]\n", 2),
    row("is-leader", &["a", "--format=json", "b"], "", "ERROR unrecognized args: [\"a\" \"b\"]\n", 2),
    row(
        "is-leader",
        &["--format", "bad"],
        "",
        "ERROR invalid value \"bad\" for option --format: unknown format \"bad\"\n",
        2,
    ),
    row("is-leader", &["--format"], "", "ERROR option needs an argument: --format\n", 2),
    row("is-leader", &["--foo"], "", "ERROR option provided but not defined: --foo\n", 2),
    row("is-leader", &["-x"], "", "ERROR option provided but not defined: -x\n", 2),
    row("is-leader", &["-format"], "", "ERROR option provided but not defined: -f\n", 2),
    // leader-get
    row("leader-get", &["key"], "value\n", "", 0),
    row("leader-get", &["--format=yaml", "key"], "value\n", "", 0),
    row("leader-get", &["--format=json", "key"], "\"value\"\n", "", 0),
    row("leader-get", &["key", "--format", "json"], "\"value\"\n", "", 0),
    row("leader-get", &["missing"], "", "", 0),
    row("leader-get", &["--format=yaml", "missing"], "", "", 0),
    row("leader-get", &["--format=json", "missing"], "null\n", "", 0),
    row("leader-get", &[], "key: value\nsample: settings\n", "", 0),
    row("leader-get", &["-"], "key: value\nsample: settings\n", "", 0),
    row("leader-get", &["--format=yaml", "-"], "key: value\nsample: settings\n", "", 0),
    row("leader-get", &["--format=json"], "{\"key\":\"value\",\"sample\":\"settings\"}\n", "", 0),
    row("leader-get", &["--format=json", "-"], "{\"key\":\"value\",\"sample\":\"settings\"}\n", "", 0),
    minion(row("leader-get", &["--format=json", "-"], "{\"key\":\"value\",\"sample\":\"settings\"}\n", "", 0)),
    with(&[], row("leader-get", &[], "{}\n", "", 0)),
    with(&[], row("leader-get", &["--format=yaml"], "{}\n", "", 0)),
    with(&[], row("leader-get", &["--format=json", "-"], "{}\n", "", 0)),
    row("leader-get", &["x=y"], "", "ERROR invalid key \"x=y\"\n", 2),
    row("leader-get", &["x=y", "b"], "", "ERROR invalid key \"x=y\"\n", 2),
    row("leader-get", &["a", "b"], "", "ERROR unrecognized args: [\"b\"]\n", 2),
    row("leader-get", &["-", "b"], "", "ERROR unrecognized args: [\"b\"]\n", 2),
    row("leader-get", &["--", "--format"], "", "", 0),
    // leader-set
    row("leader-set", &["a=1", "b=2"], "", "", 0),
    minion(row(
        "leader-set",
        &["a=1"],
        "",
        "ERROR cannot write leadership settings: cannot write settings: not the leader\n",
        1,
    )),
    row("leader-set", &["nonsense"], "", "ERROR expected \"key=value\", got \"nonsense\"\n", 2),
    row("leader-set", &["=v"], "", "ERROR expected \"key=value\", got \"=v\"\n", 2),
    row("leader-set", &["a=1", "a=2"], "", "ERROR key \"a\" specified more than once\n", 2),
    row("leader-set", &[], "", "", 0),
    minion(row(
        "leader-set",
        &[],
        "",
        "ERROR cannot write leadership settings: cannot write settings: not the leader\n",
        1,
    )),
    row("leader-set", &["--foo=1"], "", "ERROR option provided but not defined: --foo\n", 2),
    row("leader-set", &["-x"], "", "ERROR option provided but not defined: -x\n", 2),
    // juju-log
    row("juju-log", &["hello", "world"], "", "", 0),
    row("juju-log", &[], "", "ERROR no message specified\n", 2),
    row("juju-log", &["--"], "", "ERROR no message specified\n", 2),
    row("juju-log", &["-l"], "", "ERROR option needs an argument: -l\n", 2),
    row("juju-log", &["--log-level"], "", "ERROR option needs an argument: --log-level\n", 2),
    row("juju-log", &["--format", "foo", "msg"], "", "--format flag deprecated for command \"juju-log\"", 0),
    row("juju-log", &["-x", "msg"], "", "ERROR option provided but not defined: -x\n", 2),
    row("juju-log", &["-starts-with-dash"], "", "ERROR option provided but not defined: -s\n", 2),
];

#[test]
fn every_row_of_the_cheat_sheet() {
    let mut failures = Vec::new();
    for r in ROWS {
        let agent = Agent::start(r.leader, r.settings);
        let id = agent.open("config-changed");
        let out = agent.run(&id, r.tool, r.args);
        let what = format!("{} {:?} (leader={})", r.tool, r.args, r.leader);
        failures.extend(row_mismatch(&out, r.stdout, r.stderr, r.code, &what));
    }
    assert!(failures.is_empty(), "{} rows differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn leader_set_writes_merge_and_delete_and_a_minion_changes_nothing() {
    let agent = Agent::start(true, &[("keep", "1"), ("gone", "x")]);
    let id = agent.open("leader-elected");
    assert_output(&agent.run(&id, "leader-set", &["a=1", "b = two words ", "gone="]), "", "", 0, "leader-set");
    assert_eq!(agent.backend.settings(), common::settings(&[("a", "1"), ("b", "two words"), ("keep", "1")]));

    agent.backend.set_leader(false);
    let before = agent.backend.settings();
    let id = agent.open("leader-settings-changed");
    let out = agent.run(&id, "leader-set", &["a=changed"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(agent.backend.settings(), before, "a refused write changed the bucket");
}

#[test]
fn juju_log_reaches_the_agent_log_with_its_level() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("install");
    assert_output(&agent.run(&id, "juju-log", &["hello", "world"]), "", "", 0, "plain");
    assert_output(
        &agent.run(&id, "juju-log", &["--log-level", "warning", "--", "-dash", "line"]),
        "",
        "",
        0,
        "ops style",
    );
    assert_output(&agent.run(&id, "juju-log", &["--debug", "dbg"]), "", "", 0, "--debug");
    assert_output(&agent.run(&id, "juju-log", &["-l", "bogus", "still logged"]), "", "", 0, "bad level");
    let logs: Vec<(String, String, String)> = agent
        .logs
        .lock()
        .unwrap()
        .iter()
        .map(|(unit, hook, r)| (format!("{unit} {hook}"), r.level.as_str().to_string(), r.message.clone()))
        .collect();
    let want = [
        ("INFO", "hello world"),
        ("WARNING", "-dash line"),
        ("DEBUG", "dbg"),
        ("WARNING", "Specified log level of \"bogus\" is not valid"),
        ("INFO", "still logged"),
    ];
    let want: Vec<(String, String, String)> =
        want.iter().map(|(l, m)| ("app/0 install".to_string(), l.to_string(), m.to_string())).collect();
    assert_eq!(logs, want);
}

#[test]
fn help_goes_to_stdout_with_exit_0_for_every_tool_and_both_spellings() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    for tool in jujuc::tools::TOOL_NAMES {
        for flag in ["-h", "--help"] {
            let out = agent.run(&id, tool, &[flag]);
            assert_eq!(out.status.code(), Some(0), "{tool} {flag}");
            assert!(out.stderr.is_empty(), "{tool} {flag}: stderr {:?}", out.stderr);
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.starts_with(&format!("Usage: {tool}")), "{tool} {flag}: {text}");
            assert!(text.contains("\nSummary:\n"), "{tool} {flag}: {text}");
        }
    }
    // Help is noticed while parsing, before Init: juju-log --help needs no message, and a
    // later bad option does not matter; an earlier one does.
    assert_eq!(agent.run(&id, "juju-log", &["--help"]).status.code(), Some(0));
    assert_eq!(agent.run(&id, "is-leader", &["-h", "--foo"]).status.code(), Some(0));
    assert_output(
        &agent.run(&id, "is-leader", &["--foo", "-h"]),
        "",
        "ERROR option provided but not defined: --foo\n",
        2,
        "error before -h",
    );
    // After --, -h is an argument.
    assert_output(
        &agent.run(&id, "is-leader", &["--", "-h"]),
        "",
        "ERROR unrecognized args: [\"-h\"]\n",
        2,
        "-h after --",
    );
}

#[test]
fn is_leader_help_is_juju_3_byte_for_byte() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    let want = "Usage: is-leader [options]\n\nSummary:\nPrint application leadership status.\n\nOptions:\n\
--format  (= smart)\n    Specify output format (json|smart|yaml)\n-o, --output (= \"\")\n    Specify an output file\n\n\
Details:\nis-leader prints a boolean indicating whether the local unit is guaranteed to\n\
be application leader for at least 30 seconds. If it fails, you should assume that\n\
there is no such guarantee.\n\nExamples:\n\n    LEADER=$(is-leader)\n    if [ \"${LEADER}\" == \"True\" ]; then\n      # Do something a leader would do\n    fi\n";
    assert_output(&agent.run(&id, "is-leader", &["--help"]), want, "", 0, "is-leader --help");
    let juju_log = "Usage: juju-log [options] <message>\n\nSummary:\nwrite a message to the juju log\n\nOptions:\n\
--debug  (= false)\n    log at debug level\n--format (= \"\")\n    deprecated format flag\n-l, --log-level (= \"INFO\")\n    Send log message at the given level\n";
    assert_output(&agent.run(&id, "juju-log", &["-h"]), juju_log, "", 0, "juju-log -h");
    // Juju's, with leaderd's --file (the whole text: crates/jujuc/src/tools/testdata/help-leader-set.txt).
    let leader_set = agent.run(&id, "leader-set", &["--help"]);
    assert!(String::from_utf8_lossy(&leader_set.stdout).starts_with(
        "Usage: leader-set [options] <key>=<value> [...]\n\nSummary:\nWrite application leadership settings.\n\n\
         Options:\n--file  (= )\n    file containing key-value pairs (leaderd's addition)\n\nDetails:\n"
    ));
}

#[test]
fn output_file_in_every_spelling_is_written_by_jujuc_relative_to_its_cwd() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    for (args, file) in [
        (vec!["-o", "a.txt"], "a.txt"),
        (vec!["--output", "b.txt"], "b.txt"),
        (vec!["-oc.txt"], "c.txt"),
        (vec!["--output=d.txt"], "d.txt"),
        (vec!["-o", "ignored.txt", "--output", "e.txt"], "e.txt"),
    ] {
        let mut full = vec!["--format=json", "key"];
        full.extend(args.iter());
        assert_output(&agent.run(&id, "leader-get", &full), "", "", 0, &format!("{full:?}"));
        let written = std::fs::read_to_string(agent.dir.path().join(file)).unwrap();
        assert_eq!(written, "\"value\"\n", "{full:?}");
    }
    assert!(!agent.dir.path().join("ignored.txt").exists(), "the last -o/--output wins");
    // Created even when there is nothing to print.
    assert_output(&agent.run(&id, "leader-get", &["missing", "-o", "empty.txt"]), "", "", 0, "missing key");
    assert_eq!(std::fs::read(agent.dir.path().join("empty.txt")).unwrap(), b"");
    // Unwritable: a clear error, exit 1.
    let out = agent.run(&id, "is-leader", &["-o", "no/such/dir/x"]);
    let want = format!("ERROR open {}/no/such/dir/x: no such file or directory\n", agent.dir.path().display());
    assert_output(&out, "", &want, 1, "unwritable -o");
}

/// Typed in a terminal (stderr a tty, here through `script`'s pseudo-terminal), a tool outside a
/// hook prints Juju's line first and then where tools run; through a pipe (above), Juju's line
/// alone.
#[test]
fn outside_a_hook_in_a_terminal_juju_line_then_a_hint() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: no `script` (util-linux) to give the tool a terminal");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tool = dir.path().join("is-leader");
    std::os::unix::fs::symlink(common::JUJUC, &tool).unwrap();
    let out = std::process::Command::new("script")
        .args(["-qec", &tool.display().to_string(), "/dev/null"])
        .env_remove("JUJU_CONTEXT_ID")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    // On a terminal "ERROR" is coloured, as juju/cmd colours it.
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        ["ERROR JUJU_CONTEXT_ID not set", "\u{1b}[91mERROR\u{1b}[0m JUJU_CONTEXT_ID not set"].contains(&lines[0]),
        "{text:?}"
    );
    assert_eq!(
        lines[1..],
        ["hook tools run inside a hook; to try one by hand: leaderd exec --unit APP/N -- is-leader"],
        "{text:?}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn environment_contract_in_juju_order() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    let run = |remove: &[&str], set: &[(&str, &std::ffi::OsStr)]| {
        let mut cmd = agent.command(&id, "is-leader");
        for name in remove {
            cmd.env_remove(name);
        }
        for (name, value) in set {
            cmd.env(name, value);
        }
        cmd.output().unwrap()
    };
    let all = ["JUJU_CONTEXT_ID", "JUJU_AGENT_SOCKET_ADDRESS", "JUJU_AGENT_SOCKET_NETWORK"];
    assert_output(&run(&all, &[]), "", "ERROR JUJU_CONTEXT_ID not set\n", 1, "nothing set");
    assert_output(&run(&[], &[("JUJU_CONTEXT_ID", "".as_ref())]), "", "ERROR JUJU_CONTEXT_ID not set\n", 1, "empty id");
    assert_output(&run(&all[1..], &[]), "", "ERROR JUJU_AGENT_SOCKET_ADDRESS not set\n", 1, "no address");
    assert_output(&run(&all[2..], &[]), "", "ERROR JUJU_AGENT_SOCKET_NETWORK not set\n", 1, "no network");

    let gone = agent.dir.path().join("gone.socket");
    let want = format!("ERROR dial unix {}: connect: no such file or directory\n", gone.display());
    assert_output(&run(&[], &[("JUJU_AGENT_SOCKET_ADDRESS", gone.as_os_str())]), "", &want, 1, "socket gone");

    let refused = agent.dir.path().join("refused.socket");
    drop(std::os::unix::net::UnixListener::bind(&refused).unwrap());
    let want = format!("ERROR dial unix {}: connect: connection refused\n", refused.display());
    assert_output(&run(&[], &[("JUJU_AGENT_SOCKET_ADDRESS", refused.as_os_str())]), "", &want, 1, "not listening");

    assert_output(
        &run(&[], &[("JUJU_CONTEXT_ID", "app/0-install-nope".as_ref())]),
        "",
        "ERROR bad request: wrong context ID; got \"app/0-install-nope\"\n",
        1,
        "wrong context id",
    );
}

#[test]
fn dispatch_on_argv0_basename_and_as_jujuc_subcommand() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    // ops <= 3.3 passes an absolute path as argv[0].
    assert_output(
        &agent.run(&id, "/var/lib/juju/tools/unit-app-0/is-leader", &[] as &[&str]),
        "True\n",
        "",
        0,
        "absolute argv0",
    );
    assert_output(&agent.run(&id, "jujuc", &["leader-get", "key"]), "value\n", "", 0, "jujuc <tool>");
}

/// An unknown tool name: Juju 3.6's agent answers the RPC with `bad request: unknown command:
/// <name>` (jujuc.NewCommand, wrapped by Jujuc.Main), and jujuc prints it as `ERROR <err>` and
/// exits 1. "unknown hook command" is another function's wording and must never appear.
#[test]
fn an_unknown_tool_name_is_jujus_unknown_command() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    for (argv0, args) in [
        ("frobnicate", &["x"][..]),
        ("/var/lib/juju/tools/unit-app-0/leader-gets", &[][..]),
        ("Is-Leader", &[][..]),
        ("leader_get", &["-"][..]),
        ("jujuc", &[][..]),
    ] {
        let name = argv0.rsplit('/').next().unwrap();
        let want = format!("ERROR bad request: unknown command: {name}\n");
        assert_output(&agent.run(&id, argv0, args), "", &want, 1, &format!("{argv0} in a hook"));
    }
    // `jujuc <name> ...` is this project's own form (Juju would answer `unknown command: jujuc`
    // to it): the name it reports is the one it was asked to run.
    assert_output(
        &agent.run(&id, "jujuc", &["frobnicate", "--help"]),
        "",
        "ERROR bad request: unknown command: frobnicate\n",
        1,
        "jujuc frobnicate",
    );

    // Outside a hook: the same first line, byte for byte, then one line naming the tools that
    // exist (a deliberate addition), and the same exit code.
    for name in ["jujuc", "frobnicate"] {
        let out = agent.command("", name).env_remove("JUJU_CONTEXT_ID").output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert!(out.stdout.is_empty(), "{name}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        let (first, hint) = stderr.split_once('\n').unwrap();
        assert_eq!(first, format!("ERROR bad request: unknown command: {name}"));
        assert!(hint.starts_with("jujuc runs the hook tools is-leader, leader-get, leader-set, juju-log, "), "{hint}");
        assert_eq!(
            hint,
            format!(
                "jujuc runs the hook tools {}: call it through a symlink of that name, or as \"jujuc <tool> \
                 [args...]\"\n",
                jujuc::tools::TOOL_NAMES.join(", ")
            )
        );
        assert!(hint.contains(", state-get, ") && hint.contains(", pod-spec-get: "), "{hint}");
        assert!(hint.contains(", unit-get, open-port, close-port, opened-ports, network-get, goal-state, "), "{hint}");
        assert!(!stderr.contains("unknown hook command"), "{stderr}");
    }
}

#[test]
fn help_and_usage_errors_work_outside_a_hook_context() {
    let agent = Agent::start(true, KV);
    for (tool, args, code) in
        [("is-leader", &["--help"][..], 0), ("leader-get", &["x=y"][..], 2), ("juju-log", &[][..], 2)]
    {
        let out = agent.command("", tool).env_clear().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn gnuflag_edge_cases() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    let run = |tool: &str, args: &[&str]| agent.run(&id, tool, args);
    // Options are taken in order: the first problem wins, -h included.
    assert_output(
        &run("is-leader", &["--format=bad", "--help"]),
        "",
        "ERROR invalid value \"bad\" for option --format: unknown format \"bad\"\n",
        2,
        "bad value before -h",
    );
    assert_eq!(run("is-leader", &["--help", "--format=bad"]).status.code(), Some(0), "-h before the bad value");
    assert_output(
        &run("is-leader", &["--format", "bad", "--foo"]),
        "",
        "ERROR invalid value \"bad\" for option --format: unknown format \"bad\"\n",
        2,
        "bad value before unknown",
    );
    // One namespace for short and long names; one dash for a one-byte name.
    assert_output(&run("is-leader", &["--format", "json", "--o", "o.txt"]), "", "", 0, "--o");
    assert_eq!(std::fs::read_to_string(agent.dir.path().join("o.txt")).unwrap(), "true\n");
    assert_eq!(run("leader-get", &["--h"]).status.code(), Some(0), "--h is help");
    assert_output(&run("is-leader", &["--x"]), "", "ERROR option provided but not defined: -x\n", 2, "--x");
    assert_output(&run("is-leader", &["--=x"]), "", "ERROR empty flag in argument \"--=x\"\n", 2, "--=x");
    // `=` splits a value from a long name only.
    assert_output(&run("leader-get", &["-o=eq.txt", "key"]), "", "", 0, "-o=FILE");
    assert_eq!(std::fs::read_to_string(agent.dir.path().join("=eq.txt")).unwrap(), "value\n");
    // juju-log's --debug is a Go bool option.
    assert_output(&run("juju-log", &["--debug=false", "quiet"]), "", "", 0, "--debug=false");
    assert_output(&run("juju-log", &["--debug=1", "loud"]), "", "", 0, "--debug=1");
    assert_output(
        &run("juju-log", &["--debug=yes", "x"]),
        "",
        "ERROR invalid value \"yes\" for option --debug: strconv.ParseBool: parsing \"yes\": invalid syntax\n",
        2,
        "--debug=yes",
    );
    assert_output(&run("juju-log", &["-l", "\u{131}nfo", "dotless"]), "", "", 0, "Unicode upper-casing");
    let levels: Vec<(String, String)> =
        agent.logs.lock().unwrap().iter().map(|(_, _, r)| (r.level.as_str().into(), r.message.clone())).collect();
    assert_eq!(
        levels,
        [("INFO".into(), "quiet".into()), ("DEBUG".into(), "loud".into()), ("INFO".into(), "dotless".into())]
    );
    // juju/utils/v3 keyvalues.Parse skips empty arguments.
    assert_output(&run("leader-set", &[""]), "", "", 0, "leader-set \"\"");
    assert_output(&run("leader-set", &["n=1", "", "m=2"]), "", "", 0, "an empty argument among pairs");
    assert_eq!(agent.backend.settings().get("m").map(String::as_str), Some("2"));
    // -o paths are cleaned as Go's filepath.Join does.
    assert_output(&run("is-leader", &["-o", "nodir/../clean.txt"]), "", "", 0, "cleaned -o");
    assert!(agent.dir.path().join("clean.txt").exists());
    // Go's %q escapes Unicode spaces.
    assert_output(&run("is-leader", &["a\u{a0}b"]), "", "ERROR unrecognized args: [\"a\\u00a0b\"]\n", 2, "NBSP");
}

#[test]
fn a_deleted_working_directory_fails_like_jujus_client() {
    let agent = Agent::start(true, KV);
    let id = agent.open("install");
    let gone = agent.dir.path().join("gone");
    std::fs::create_dir(&gone).unwrap();
    let tool = agent.dir.path().join("is-leader");
    std::os::unix::fs::symlink(common::JUJUC, &tool).unwrap();
    let script = format!("cd '{}' && rmdir '{}' && exec '{}'", gone.display(), gone.display(), tool.display());
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(script)
        .env_clear()
        .envs(agent.hook_env(&id))
        .current_dir(agent.dir.path())
        .output()
        .unwrap();
    assert_output(&out, "", "ERROR getwd: no such file or directory\n", 2, "deleted cwd");
}
