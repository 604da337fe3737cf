//! The conformance cheat-sheet of Juju 3.6's config-get, byte for byte on stdout and stderr and
//! in the exit code, running the real `jujuc` against the real hook endpoint, with the values
//! coming from the defaults in the charm's `config.yaml`. Numbers reach the tool as float64, as
//! they do through Juju's API: `1e+06` in smart and yaml, `1000000` in json.

use leaderd_testkit as common;

use common::{assert_output, row_mismatch, Agent};

const CONFIG: &str = "options:
  monsters: {type: boolean, default: false, description: Are there monsters?}
  spline-reticulation: {type: int, default: 45}
  title: {type: string, default: My Title}
  username: {type: string, default: admin001}
  empty: {type: string, description: no default}
  big: {type: int, default: 1000000}
  ratio: {type: float, default: 0.5}
  tiny: {type: float, default: 1.0e-7}
  huge: {type: int, default: 123456789}
";

const ALL_YAML: &str = "big: 1e+06\nhuge: 1.23456789e+08\nmonsters: false\nratio: 0.5\nspline-reticulation: 45\n\
tiny: 1e-07\ntitle: My Title\nusername: admin001\n";
const ALL_JSON: &str =
    "{\"big\":1000000,\"huge\":123456789,\"monsters\":false,\"ratio\":0.5,\"spline-reticulation\":45,\
\"tiny\":1e-7,\"title\":\"My Title\",\"username\":\"admin001\"}\n";
const WITH_NIL_YAML: &str = "big: 1e+06\nempty: null\nhuge: 1.23456789e+08\nmonsters: false\nratio: 0.5\n\
spline-reticulation: 45\ntiny: 1e-07\ntitle: My Title\nusername: admin001\n";
const WITH_NIL_JSON: &str = "{\"big\":1000000,\"empty\":null,\"huge\":123456789,\"monsters\":false,\"ratio\":0.5,\
\"spline-reticulation\":45,\"tiny\":1e-7,\"title\":\"My Title\",\"username\":\"admin001\"}\n";

/// (args, stdout, stderr, exit code)
const ROWS: &[(&[&str], &str, &str, i32)] = &[
    // usage errors
    (&["a", "b"], "", "ERROR unrecognized args: [\"b\"]\n", 2),
    (
        &["--all", "--format", "json", "monsters"],
        "",
        "ERROR cannot use argument --all together with key \"monsters\"\n",
        2,
    ),
    (&["-a", "monsters"], "", "ERROR cannot use argument --all together with key \"monsters\"\n", 2),
    (&["--all", "a", "b"], "", "ERROR cannot use argument --all together with key \"a\"\n", 2),
    (&["--format=xml"], "", "ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n", 2),
    (
        &["--all=maybe"],
        "",
        "ERROR invalid value \"maybe\" for option --all: strconv.ParseBool: parsing \"maybe\": invalid syntax\n",
        2,
    ),
    // one key
    (&["monsters"], "False\n", "", 0),
    (&["--format=yaml", "monsters"], "false\n", "", 0),
    (&["--format=json", "monsters"], "false\n", "", 0),
    (&["spline-reticulation"], "45\n", "", 0),
    (&["--format=yaml", "spline-reticulation"], "45\n", "", 0),
    (&["--format=json", "spline-reticulation"], "45\n", "", 0),
    (&["big"], "1e+06\n", "", 0),
    (&["--format=yaml", "big"], "1e+06\n", "", 0),
    (&["--format=json", "big"], "1000000\n", "", 0),
    (&["huge"], "1.23456789e+08\n", "", 0),
    (&["--format=json", "huge"], "123456789\n", "", 0),
    (&["ratio"], "0.5\n", "", 0),
    (&["tiny"], "1e-07\n", "", 0),
    (&["--format=json", "tiny"], "1e-7\n", "", 0),
    (&["title"], "My Title\n", "", 0),
    (&["--format=yaml", "title"], "My Title\n", "", 0),
    (&["--format=json", "title"], "\"My Title\"\n", "", 0),
    (&["empty"], "", "", 0),
    (&["--format=yaml", "empty"], "", "", 0),
    (&["--format=json", "empty"], "null\n", "", 0),
    (&["missing"], "", "", 0),
    (&["--format=yaml", "missing"], "", "", 0),
    (&["--format=json", "missing"], "null\n", "", 0),
    // every option
    (&[], ALL_YAML, "", 0),
    (&[""], ALL_YAML, "", 0),
    (&["--format=yaml"], ALL_YAML, "", 0),
    (&["--format=json"], ALL_JSON, "", 0),
    (&["--all"], WITH_NIL_YAML, "", 0),
    (&["-a"], WITH_NIL_YAML, "", 0),
    (&["--all", ""], WITH_NIL_YAML, "", 0),
    (&["--all", "--format=json"], WITH_NIL_JSON, "", 0),
    (&["--all=false", "--format=json"], ALL_JSON, "", 0),
];

#[test]
fn every_row_of_the_config_cheat_sheet() {
    let agent = Agent::start(false, &[]);
    std::fs::write(agent.dir.path().join("config.yaml"), CONFIG).unwrap();
    let id = agent.open("config-changed");
    let mut failures = Vec::new();
    for (args, stdout, stderr, code) in ROWS {
        let out = agent.run(&id, "config-get", args);
        failures.extend(row_mismatch(&out, stdout, stderr, *code, &format!("config-get {args:?}")));
    }
    assert!(failures.is_empty(), "{} rows differ:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_charm_without_config_has_no_options_and_a_bad_config_is_an_error() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("install");
    for format in ["smart", "yaml", "json"] {
        assert_output(&agent.run(&id, "config-get", &["--format", format]), "{}\n", "", 0, format);
    }
    assert_output(&agent.run(&id, "config-get", &["x"]), "", "", 0, "no such option");
    std::fs::write(agent.dir.path().join("config.yaml"), "options:\n  n: {type: int, default: lots}\n").unwrap();
    // The hook reads its config once (Juju snapshots it per hook context): the change shows in
    // the next hook.
    assert_output(&agent.run(&id, "config-get", &["--format", "json"]), "{}\n", "", 0, "snapshot");
    let id = agent.open("config-changed");
    let out = agent.run(&id, "config-get", &[] as &[&str]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("ERROR cannot read charm config ") && stderr.contains("option \"n\""), "{stderr}");
}

#[test]
fn an_empty_string_default_prints_nothing_in_smart_and_quotes_in_yaml_and_json() {
    let agent = Agent::start(true, &[]);
    std::fs::write(agent.dir.path().join("config.yaml"), "options:\n  s: {type: string, default: \"\"}\n").unwrap();
    let id = agent.open("install");
    assert_output(&agent.run(&id, "config-get", &["s"]), "", "", 0, "smart");
    assert_output(&agent.run(&id, "config-get", &["--format=yaml", "s"]), "\"\"\n", "", 0, "yaml");
    assert_output(&agent.run(&id, "config-get", &["--format=json", "s"]), "\"\"\n", "", 0, "json");
}

#[test]
fn config_get_help_is_juju_3_6_byte_for_byte() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("install");
    let want = "Usage: config-get [options] [<key>]\n\nSummary:\nPrint application configuration.\n\nOptions:\n\
-a, --all  (= false)\n    print all keys\n--format  (= smart)\n    Specify output format (json|smart|yaml)\n\
-o, --output (= \"\")\n    Specify an output file\n\nDetails:\n\
config-get returns information about the application configuration\n\
(as defined by config.yaml). If called without arguments, it returns\n\
a dictionary containing all config settings that are either explicitly\n\
set, or which have a non-nil default value. If the --all flag is passed,\n\
it returns a dictionary containing all defined config settings including\n\
nil values (for those without defaults). If called with a single argument,\n\
it returns the value of that config key. Missing config keys are reported\n\
as nulls, and do not return an error.\n\n<key> and --all are mutually exclusive.\n\nExamples:\n\n\
\x20   INTERVAL=$(config-get interval)\n\n    config-get --all\n";
    assert_output(&agent.run(&id, "config-get", &["--help"]), want, "", 0, "config-get --help");
}
