//! Charm text on a terminal: a charm sets a status message, a juju-log line, relation data, a
//! secret's description, action results and a config option's description with ESC, CSI
//! (U+009B), OSC, BEL, CR, U+202E, U+2066 and a newline followed by a forged event line. No
//! output of `leaderd` shows any of them raw (the text forms spell them out, JSON and YAML
//! escape them and still decode to the charm's text), and none shows the forged line as a line
//! of its own; nor does a hand-edited event log with such a unit name get through debug-log or
//! the text timeline.

use std::time::Duration;

use leaderd_testkit::cluster::{self, Up};

const T: Duration = Duration::from_secs(30);

/// What the charm writes everywhere: ESC [31m, U+009B 2J, OSC 0 (retitle) ended by BEL, CR,
/// U+202E, U+2066, and a newline before a forged line of another unit.
const NASTY: &str =
    "esc\u{1b}[31m csi\u{9b}2J osc\u{1b}]0;owned\u{7} cr\rover rlo\u{202e}txt lri\u{2066}x\nevil/9: leader elected (term 99)";

const NASTY_SH: &str = r"esc\033[31m csi\302\2332J osc\033]0;owned\007 cr\rover rlo\342\200\256txt lri\342\201\246x\nevil/9: leader elected (term 99)";

const CONFIG: &str = "options:\n  title:\n    type: string\n    default: \"esc\\e[31m csi\\u009b2J osc\\e]0;owned\\a \
cr\\rover rlo\\u202etxt lri\\u2066x\\nevil/9: leader elected (term 99)\"\n    description: \"esc\\e[31m csi\\u009b2J \
osc\\e]0;owned\\a cr\\rover rlo\\u202etxt lri\\u2066x\\nevil/9: leader elected (term 99)\"\n";

fn nasty_charm() -> tempfile::TempDir {
    let dispatch = format!(
        "#!/bin/sh\nm=$(printf '{NASTY_SH}')\ncase \"$JUJU_DISPATCH_PATH\" in\n  hooks/start)\n    \
         status-set active \"$m\"\n    juju-log \"$m\"\n    relation-set -r cluster:0 \"note=$m\"\n    \
         secret-add --description \"$m\" token=value > /dev/null\n    printf '%s\\n' \"$m\" ;;\n  actions/poke)\n    \
         action-log \"$m\"\n    action-set \"result=$m\"\n    printf '%s\\n' \"$m\" ;;\nesac\n"
    );
    let dir = cluster::charm("name: sec\npeers:\n  cluster:\n    interface: sec-cluster\n", &[]);
    std::fs::write(dir.path().join("config.yaml"), CONFIG).unwrap();
    std::fs::write(dir.path().join("actions.yaml"), "poke:\n  description: Pokes.\n").unwrap();
    let path = dir.path().join("dispatch");
    std::fs::write(&path, dispatch).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// Fails if `out` shows any of the charm's controls raw, or a line that starts as the forged one.
#[track_caller]
fn assert_clean(what: &str, out: &[u8]) {
    assert_no_controls(what, out);
    let text = String::from_utf8_lossy(out);
    assert!(!text.lines().any(|l| l.starts_with("evil/9")), "{what}: the forged line stands alone in\n{text}");
    assert!(!text.lines().any(|l| l.starts_with("forged/1")), "{what}: the forged line stands alone in\n{text}");
}

/// Fails if `out` shows any of the charm's controls raw.
#[track_caller]
fn assert_no_controls(what: &str, out: &[u8]) {
    let text = String::from_utf8_lossy(out);
    for c in ['\u{1b}', '\u{9b}', '\u{7}', '\r', '\u{202e}', '\u{2066}'] {
        assert!(!text.contains(c), "{what}: {:?} raw in\n{text}", c);
    }
}

/// Whether `value` holds the string `want` anywhere.
fn holds(value: &serde_json::Value, want: &str) -> bool {
    match value {
        serde_json::Value::String(s) => s == want,
        serde_json::Value::Array(items) => items.iter().any(|v| holds(v, want)),
        serde_json::Value::Object(map) => map.values().any(|v| holds(v, want)),
        _ => false,
    }
}

#[track_caller]
fn stdout(what: &str, out: std::process::Output) -> Vec<u8> {
    assert!(out.status.success(), "{what}: {}", String::from_utf8_lossy(&out.stderr));
    assert_clean(&format!("{what} (stderr)"), &out.stderr);
    out.stdout
}

#[test]
fn no_output_shows_a_charms_terminal_controls_raw() {
    let charm = nasty_charm();
    let up = Up::start(Some(charm.path()), 1, "1s");
    let unit = "sec/0";
    up.wait_hook_finished(&[unit], "start", T);

    // The text forms.
    let text_forms: &[&[&str]] = &[
        &["status"],
        &["show-unit", unit],
        &["debug-log", "--no-tail", "--replay"],
        &["timeline"],
        &["timeline", "--format", "text"],
        &["config", "sec"],
        &["secrets"],
        &["secrets", "--format", "yaml"],
        &["status", "--format", "yaml"],
    ];
    for args in text_forms {
        let out = stdout(&format!("{args:?}"), up.leaderd(args));
        assert_clean(&format!("{args:?}"), &out);
    }
    // One value as it is, newlines kept (a certificate is a value of many lines), its
    // controls spelled out.
    let value = stdout("config sec title", up.leaderd(&["config", "sec", "title"]));
    assert_no_controls("config sec title", &value);
    // The status table shows the message, spelled out.
    let table = String::from_utf8(stdout("status", up.leaderd(&["status"]))).unwrap();
    let want = r"esc\u{1b}[31m csi\u{9b}2J osc\u{1b}]0;owned\u{7} cr\rover rlo\u{202e}txt lri\u{2066}x\nevil/9: leader";
    assert!(table.contains(want), "{table}");

    // JSON: valid, escaped, and it decodes to the charm's own text.
    let json_forms: &[&[&str]] = &[
        &["status", "--format", "json"],
        &["show-unit", unit, "--format", "json"],
        &["config", "sec", "--format", "json"],
        &["secrets", "--format", "json"],
    ];
    for args in json_forms {
        let out = stdout(&format!("{args:?}"), up.leaderd(args));
        assert_clean(&format!("{args:?}"), &out);
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(holds(&value, NASTY), "{args:?}: the charm's text round-trips: {value}");
    }
    let log = stdout("debug-log json", up.leaderd(&["debug-log", "--no-tail", "--replay", "--format", "json"]));
    assert_clean("debug-log --format json", &log);
    let records: Vec<serde_json::Value> =
        String::from_utf8(log).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(records.iter().any(|r| r["message"] == NASTY), "the juju-log line round-trips");
    // show-unit's YAML still reads back as the status and relation data the charm set.
    let shown = stdout("show-unit", up.leaderd(&["show-unit", unit]));
    let yaml: serde_json::Value = serde_yaml_ng::from_slice(&shown).unwrap();
    assert!(holds(&yaml, NASTY), "{yaml}");

    // An action's results and log, in every form. The plain form ends with the action's own
    // output, whose lines are the charm's to print (as `juju run` shows them): its controls are
    // spelled out, its newlines kept.
    let plain = stdout("run", up.leaderd(&["run", unit, "poke"]));
    assert_no_controls("run", &plain);
    for args in [&["run", unit, "poke", "--format", "json"][..], &["run", unit, "poke", "--format", "yaml"]] {
        let out = stdout(&format!("{args:?}"), up.leaderd(args));
        assert_clean(&format!("{args:?}"), &out);
    }
    let ran = up.leaderd(&["run", unit, "poke", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap();
    let id = value[unit]["id"].as_str().unwrap().to_string();
    assert_eq!(value[unit]["results"]["result"], NASTY, "action results round-trip");
    assert_no_controls("show-task", &stdout("show-task", up.leaderd(&["show-task", &id])));

    // A hand-edited event log: a unit name with an OSC, U+202E and a newline before a forged line.
    let log = up.event_log();
    let text = std::fs::read_to_string(&log).unwrap();
    let mut record: serde_json::Value = text
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .find(|r| r["unit"] == unit)
        .unwrap();
    record["unit"] = "evil\u{1b}]0;x\u{7}\u{202e}\rx/0\nforged/1: leader elected (term 99)".into();
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut file, format!("{record}\n").as_bytes()).unwrap();
    drop(file);
    for args in [
        &["debug-log", "--no-tail", "--replay"][..],
        &["debug-log", "--no-tail", "--replay", "--format", "json"],
        &["timeline"],
        &["timeline", "--format", "text"],
    ] {
        let out = stdout(&format!("{args:?} of a hand-edited log"), up.leaderd(args));
        assert_clean(&format!("{args:?} of a hand-edited log"), &out);
    }
}
