//! Oversized data gets the documented words, on a real `leaderd up` with a shell charm: a tool
//! call over the hook endpoint's body limit (8 MiB, docs/hook-endpoint.md) reads the agent's
//! 413 rather than a broken pipe, and a call that would take the hook's changes past what the
//! controller accepts in one commit fails itself, so that the hook's commit never fails for
//! its size (before, the hook failed at its commit and was retried for ever).

use std::time::Duration;

use leaderd_testkit::cluster::{self, Up};
use leaderd_testkit::events::RecordExt;

const T: Duration = Duration::from_secs(60);

/// The start hook writes a 10 MiB relation-set, then two of 5 MiB, then a small one; each
/// call's output and exit code go to a file in the charm directory.
const START: &str = r#"#!/bin/sh
cd "$CHARM_DIR"
big() { printf '%s: "' "$1"; head -c "$2" /dev/zero | tr '\0' a; printf '"\n'; }
call() { out=$1; shift; "$@" > "$out" 2>&1; echo "exit $?" >> "$out"; }
big huge 10485760 > huge.yaml
call huge.out relation-set -r cluster:0 --file huge.yaml
big one 5242880 > one.yaml
big two 5242880 > two.yaml
call one.out relation-set -r cluster:0 --file one.yaml
call two.out relation-set -r cluster:0 --file two.yaml
big three 5242880 | call three.out leader-set --file -
call small.out relation-set -r cluster:0 small=yes
rm -f huge.yaml one.yaml two.yaml
"#;

#[test]
fn oversized_tool_calls_fail_in_the_documented_words_and_the_hook_commits() {
    let charm = cluster::charm(
        "name: big\npeers:\n  cluster:\n    interface: big-cluster\n",
        &[("install", "#!/bin/sh\n"), ("start", START)],
    );
    let up = Up::start(Some(charm.path()), 1, "1s");
    let unit = "big/0";
    up.wait_hook_finished(&[unit], "start", T);
    let out = |name: &str| std::fs::read_to_string(up.unit_dir(unit).join("charm").join(name)).unwrap();

    assert_eq!(out("huge.out"), "ERROR bad request: request body is larger than the 8388608 byte limit\nexit 1\n");
    assert_eq!(out("one.out"), "exit 0\n");
    let two = out("two.out");
    assert!(two.starts_with("ERROR this hook's changes would be "), "{two}");
    assert!(
        two.ends_with(
            " bytes, more than the controller accepts in one commit (8323072 bytes): nothing was changed by this \
             call\nexit 1\n"
        ),
        "{two}"
    );
    // leader-set goes to the controller at once, not with the commit: 5 MiB is taken.
    assert_eq!(out("three.out"), "exit 0\n");
    assert_eq!(out("small.out"), "exit 0\n");

    // The hook succeeded once, and its commit went through: the first 5 MiB value and the small
    // one, not the refused one.
    let finished: Vec<_> = up.events().into_iter().filter(|r| r.of(unit) && r.hook_finished("start")).collect();
    assert_eq!(finished.len(), 1, "{finished:?}");
    assert_eq!(up.hooks_started(unit).iter().filter(|h| *h == "start").count(), 1, "the start hook ran once");
    let get = |key: &str| {
        let command = format!("relation-get -r cluster:0 {key} {unit} | wc -c");
        String::from_utf8(up.exec(unit, &["sh", "-c", &command]).stdout).unwrap().trim().to_string()
    };
    assert_eq!(get("small"), "4");
    assert_eq!(get("one"), (5242880 + 1).to_string());
    assert!(get("two").parse::<usize>().unwrap() <= 1, "the refused call set nothing");
}

/// A unit's bag has a bound across hooks too (8 MiB, docs/security.md): 5 MiB written by one
/// command and committed, then 5 MiB more by the next, is refused at that relation-set call in
/// clear words, and nothing of it is written; deleting a key makes room.
#[test]
fn a_relation_bag_cannot_grow_past_its_bound_across_hooks() {
    let charm = cluster::charm(
        "name: big\npeers:\n  cluster:\n    interface: big-cluster\n",
        &[("install", "#!/bin/sh\n"), ("start", "#!/bin/sh\n")],
    );
    let up = Up::start(Some(charm.path()), 1, "1s");
    let unit = "big/0";
    up.wait_hook_finished(&[unit], "start", T);
    let dir = tempfile::tempdir().unwrap();
    let set = |key: &str| {
        let file = dir.path().join(format!("{key}.yaml"));
        std::fs::write(&file, format!("{key}: \"{}\"\n", "a".repeat(5 * 1024 * 1024))).unwrap();
        up.exec(unit, &["relation-set", "-r", "cluster:0", "--file", file.to_str().unwrap()])
    };
    let first = set("one");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let second = set("two");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("ERROR big/0's settings in relation 0 would be "), "{stderr}");
    assert!(
        stderr.ends_with(
            " bytes, more than one relation bag may hold (8388608 bytes): nothing was changed by this call. Delete \
             keys (relation-set KEY=) to make room\n"
        ),
        "{stderr}"
    );
    let get = |key: &str| {
        let command = format!("relation-get -r cluster:0 {key} {unit} | wc -c");
        String::from_utf8(up.exec(unit, &["sh", "-c", &command]).stdout).unwrap().trim().to_string()
    };
    assert!(get("two").parse::<usize>().unwrap() <= 1, "the refused call set nothing");
    assert!(up.exec(unit, &["relation-set", "-r", "cluster:0", "one="]).status.success());
    assert!(set("two").status.success(), "room made by deleting a key");
}
