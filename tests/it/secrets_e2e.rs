//! Secrets end to end on `leaderd up` with a shell charm, the way data-platform-libs keeps an
//! admin password: the leader creates an application secret in leader-elected and shares its
//! URI in the peer relation's application bag; every unit reads it; the leader publishes a new
//! revision and the others run secret-changed and refresh. Leadership moves (`leaderd elect`):
//! the new leader manages the secret, the deposed one is refused by the controller, and every
//! unit ends on the latest revision.

use leaderd_testkit::cluster;

use std::time::Duration;

use cluster::Up;

const T: Duration = Duration::from_secs(30);

fn secret_charm() -> tempfile::TempDir {
    let hooks = [
        ("install", "true"),
        ("start", "true"),
        ("leader-settings-changed", "true"),
        (
            "leader-elected",
            "if [ -z \"$(relation-get -r cluster:0 --app secret-id \"${JUJU_UNIT_NAME%/*}\")\" ]; then\n\
               id=$(secret-add --label admin password=pw-one-7f3a)\n\
               relation-set -r cluster:0 --app secret-id=\"$id\"\n\
               echo \"created $id\" >> observed\n\
             fi",
        ),
        (
            "secret-changed",
            "echo \"changed $JUJU_SECRET_ID label=$JUJU_SECRET_LABEL rev=${JUJU_SECRET_REVISION:-none} $(secret-get \"$JUJU_SECRET_ID\" --refresh password)\" >> observed",
        ),
        ("secret-remove", "echo \"remove $JUJU_SECRET_ID $JUJU_SECRET_REVISION\" >> observed\nsecret-remove \"$JUJU_SECRET_ID\" --revision \"$JUJU_SECRET_REVISION\""),
    ];
    let scripts: Vec<(&str, String)> =
        hooks.iter().map(|(name, body)| (*name, format!("#!/bin/sh\nset -e\n{body}\n"))).collect();
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(name, script)| (*name, script.as_str())).collect();
    cluster::charm("name: sec\npeers:\n  cluster:\n    interface: sec-cluster\n", &scripts)
}

fn observed(up: &Up, unit: &str) -> Vec<String> {
    let path = up.unit_dir(unit).join("charm/observed");
    std::fs::read_to_string(path).unwrap_or_default().lines().map(String::from).collect()
}

/// Runs `command` on `unit` as `leaderd exec` does: stdout, stderr, exit code.
fn run(up: &Up, unit: &str, command: &str) -> (String, String, i32) {
    let out = up.exec(unit, &["sh", "-c", command]);
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr), out.status.code().unwrap_or(-1))
}

#[test]
fn the_leaders_shared_password_through_a_new_revision_and_a_leader_change() {
    let charm = secret_charm();
    let up = Up::start(Some(charm.path()), 3, "1s");
    let units: Vec<String> = (0..3).map(|i| format!("sec/{i}")).collect();
    up.wait_hook_finished(&units, "start", T);
    let leader = up.status()["applications"][0]["leader"].as_str().unwrap().to_string();
    let minions: Vec<&String> = units.iter().filter(|u| **u != leader).collect();
    up.until("the leader created the secret", T, || !observed(&up, &leader).is_empty());
    let created = observed(&up, &leader)[0].clone();
    let uri = created.strip_prefix("created ").unwrap().to_string();
    assert!(uri.starts_with("secret://"), "secret-add prints the full URI: {uri}");
    let id = uri.rsplit('/').next().unwrap().to_string();

    // Every unit reads it through the URI in the application bag (tracking revision 1).
    for unit in &units {
        let (out, err, code) =
            run(&up, unit, "secret-get \"$(relation-get -r cluster:0 --app secret-id sec)\" password");
        assert_eq!((out.as_str(), err.as_str(), code), ("pw-one-7f3a\n", "", 0), "{unit}");
    }
    // A minion may read but not manage it: secret-add says so at once; a secret-set is the
    // hook's change, refused by the controller at commit, and nothing changes.
    let minion = minions[0].as_str();
    let (out, err, code) = run(&up, minion, "secret-add password=x");
    assert_eq!((out.as_str(), err.as_str(), code), ("", "ERROR this unit is not the leader\n", 1));
    let (_, err, code) = run(&up, minion, &format!("secret-set {id} password=pw-evil-55aa"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("\"{minion}\" is not leader of \"sec\"")), "{err}");
    let (out, _, _) = run(&up, &leader, &format!("secret-get {id} password --peek"));
    assert_eq!(out, "pw-one-7f3a\n");

    // A new revision: each minion runs secret-changed and refreshes; the leader does not.
    // The leader reads its own new revision with --refresh (owners track revisions too).
    let (out, err, code) =
        run(&up, "sec/leader", &format!("secret-set {id} password=pw-two-9c1e && secret-get {id} --refresh password"));
    assert_eq!((out.as_str(), code), ("pw-two-9c1e\n", 0), "{err}");
    for unit in &minions {
        let want = format!("changed secret:{id} label=admin rev=none pw-two-9c1e");
        up.until(&format!("{unit} ran secret-changed"), T, || observed(&up, unit).contains(&want));
    }
    assert!(!observed(&up, &leader).iter().any(|l| l.starts_with("changed ")), "{:?}", observed(&up, &leader));
    // Revision 1 is tracked by no one now: the leader is told to remove it, and does.
    up.until("the leader ran secret-remove for revision 1", T, || {
        observed(&up, &leader).contains(&format!("remove secret:{id} 1"))
    });

    // Leadership moves to a minion. The deposed leader's change is refused; the new leader's
    // is published and every other unit moves to it.
    let next = minions[1].as_str();
    let out = up.leaderd(&["elect", next]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.until(&format!("{next} leads"), T, || up.status()["applications"][0]["leader"] == *next);
    let (_, err, code) = run(&up, &leader, &format!("secret-set {id} password=pw-stale-66bb"));
    assert_eq!(code, 1, "the deposed leader: {err}");
    let (out, err, code) =
        run(&up, next, &format!("secret-set {id} password=pw-three-2b8d && secret-get {id} --refresh password"));
    assert_eq!((out.as_str(), code), ("pw-three-2b8d\n", 0), "{err}");
    for unit in units.iter().filter(|u| u.as_str() != next) {
        let want = format!("changed secret:{id} label=admin rev=none pw-three-2b8d");
        up.until(&format!("{unit} moved to revision 3"), T, || observed(&up, unit).contains(&want));
    }
    for unit in &units {
        let (out, _, _) = run(&up, unit, &format!("secret-get {id} password"));
        assert_eq!(out, "pw-three-2b8d\n", "{unit} ends on the latest revision");
    }
    // The content, bare or base64 as it travels, is in no output of up, no event, no
    // debug-log line, and not in status or show-unit.
    let debug_log = up.leaderd(&["debug-log", "--replay", "--no-tail"]);
    let status = up.leaderd(&["status", "--format", "json"]);
    let show_unit = up.leaderd(&["show-unit", &leader, "--format", "json"]);
    let places = [
        ("up's output", up.output()),
        ("the event log", std::fs::read_to_string(up.event_log()).unwrap()),
        ("debug-log", String::from_utf8_lossy(&debug_log.stdout).into_owned()),
        ("status", String::from_utf8_lossy(&status.stdout).into_owned()),
        ("show-unit", String::from_utf8_lossy(&show_unit.stdout).into_owned()),
    ];
    for secret in ["pw-one-7f3a", "pw-two-9c1e", "pw-three-2b8d", "pw-evil-55aa", "pw-stale-66bb"] {
        let base64 = base64_of(secret);
        for (place, text) in &places {
            assert!(!text.contains(secret) && !text.contains(&base64), "{secret} in {place}");
        }
    }
}

/// Standard base64, as secret content travels and is stored.
fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
