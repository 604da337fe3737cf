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
