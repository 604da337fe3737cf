//! Peer relations end to end on `leaderd up` with a shell charm (no Python needed): the hooks'
//! order and environment, relation data flowing between units through the controller, a
//! failing hook's relation-set dropped, and a unit leaving the scope (the controller operation
//! `leaderd remove-unit` builds on) running -relation-departed on the others and -departed then
//! -broken on itself.

use leaderd_testkit::cluster;

use std::time::Duration;

use cluster::Up;
use leaderd_testkit::events::{Mark, RecordExt};

const T: Duration = Duration::from_secs(30);

/// A charm whose hooks write what they see to `observed` in their charm directory.
fn observing_charm() -> tempfile::TempDir {
    let hooks = [
        ("install", "true"),
        ("leader-elected", "relation-set -r cluster:0 --app secret=s-$JUJU_UNIT_NAME\necho leader-elected >> observed"),
        ("leader-settings-changed", "true"),
        ("start", "relation-set -r cluster:0 addr=ip-$JUJU_UNIT_NAME"),
        ("cluster-relation-created", "echo \"created $JUJU_RELATION $JUJU_RELATION_ID $JUJU_REMOTE_APP unit=${JUJU_REMOTE_UNIT:-}\" >> observed"),
        ("cluster-relation-joined", "echo \"joined $JUJU_REMOTE_UNIT members=$(relation-list | tr '\\n' ' ')\" >> observed"),
        (
            "cluster-relation-changed",
            // The first attempt writes and fails: its write must never be committed.
            "if [ ! -e failed-once ]; then touch failed-once; relation-set dropped=yes; exit 1; fi\n\
             if [ -n \"${JUJU_REMOTE_UNIT:-}\" ]; then\n\
               echo \"changed $JUJU_REMOTE_UNIT addr=$(relation-get addr) members=$(relation-list | tr '\\n' ' ')\" >> observed\n\
             else\n\
               echo \"changed-app secret=$(relation-get --app secret)\" >> observed\n\
             fi",
        ),
        (
            "cluster-relation-departed",
            "echo \"departed $JUJU_REMOTE_UNIT $JUJU_DEPARTING_UNIT members=$(relation-list | tr '\\n' ' ')\" >> observed",
        ),
        ("cluster-relation-broken", "echo \"broken $JUJU_RELATION_ID unit=${JUJU_REMOTE_UNIT:-} members=$(relation-list)\" >> observed"),
        ("stop", "echo stop >> observed"),
        ("remove", "echo remove >> observed"),
    ];
    let scripts: Vec<(&str, String)> =
        hooks.iter().map(|(name, body)| (*name, format!("#!/bin/sh\nset -e\n{body}\n"))).collect();
    let scripts: Vec<(&str, &str)> = scripts.iter().map(|(name, script)| (*name, script.as_str())).collect();
    cluster::charm("name: rel\npeers:\n  cluster:\n    interface: rel-cluster\n", &scripts)
}

fn observed(up: &Up, unit: &str) -> Vec<String> {
    let path = up.unit_dir(unit).join("charm/observed");
    std::fs::read_to_string(path).unwrap_or_default().lines().map(String::from).collect()
}

#[test]
fn peer_relation_data_flows_between_units_and_only_successful_hooks_commit() {
    let charm = observing_charm();
    let up = Up::start(Some(charm.path()), 3, "1s");
    let units: Vec<String> = (0..3).map(|i| format!("rel/{i}")).collect();
    up.wait_hook_finished(&units, "start", T);
    let leader = up.status()["applications"][0]["leader"].as_str().unwrap().to_string();
    for unit in &units {
        let others: Vec<&String> = units.iter().filter(|u| *u != unit).collect();
        for other in &others {
            let want = format!("changed {other} addr=ip-{other}");
            up.until(&format!("{unit} read {other}'s address"), T, || {
                observed(&up, unit).iter().any(|l| l.starts_with(&want))
            });
        }
        let seen = observed(&up, unit);
        assert_eq!(seen[0], "created cluster cluster:0 rel unit=", "{unit}: {seen:?}");
        // During -joined, relation-list already has the joining unit.
        for line in seen.iter().filter(|l| l.starts_with("joined ")) {
            let joining = line.split(' ').nth(1).unwrap();
            assert!(line.split("members=").nth(1).unwrap().split(' ').any(|m| m == joining), "{line}");
        }
        if *unit != leader {
            let want = format!("changed-app secret=s-{leader}");
            up.until(&format!("{unit} read the secret"), T, || observed(&up, unit).contains(&want));
        }
    }
    // Every unit's first -relation-changed failed after a relation-set: never committed.
    let shown = up.leaderd(&["show-unit", &units[0], "--format", "json"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let info = &shown[units[0].as_str()]["relation-info"][0];
    assert!(info["local-unit"]["data"].get("dropped").is_none(), "{info}");
    for other in &units[1..] {
        assert!(info["related-units"][other.as_str()]["data"].get("dropped").is_none(), "{info}");
    }
    assert_eq!(info["application-data"]["secret"], format!("s-{leader}"));

    // `leaderd exec`: a command that succeeds commits its relation-set, one that fails does not.
    let minion = units.iter().find(|u| **u != leader).unwrap().clone();
    let out = up.exec(&minion, &["relation-set", "-r", "cluster:0", "via=exec"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = up.exec(&minion, &["sh", "-c", "relation-set -r 0 lost=yes; exit 3"]);
    assert_eq!(out.status.code(), Some(3));
    let out = up.exec(&leader, &["relation-set", "-r", "0", "--app", "from-exec=1"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let shown = up.leaderd(&["show-unit", &minion, "--format", "json"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    let info = &shown[minion.as_str()]["relation-info"][0];
    assert_eq!(info["local-unit"]["data"]["via"], "exec", "{info}");
    assert!(info["local-unit"]["data"].get("lost").is_none(), "{info}");
    assert_eq!(info["application-data"]["from-exec"], "1", "{info}");

    // A minion leaves the scope (the operator's controller call): the others run departed.
    let gone = units.iter().find(|u| **u != leader).unwrap().clone();
    leave(&up, &gone);
    for unit in units.iter().filter(|u| **u != gone) {
        let want = format!("departed {gone} {gone} members=");
        up.until(&format!("{unit} saw {gone} depart"), T, || observed(&up, unit).iter().any(|l| l.starts_with(&want)));
        // relation-list no longer has the departing unit during -departed.
        let line = observed(&up, unit).into_iter().find(|l| l.starts_with(&want)).unwrap();
        assert!(!line[want.len()..].contains(gone.as_str()), "{line}");
    }
    // The unit that left runs departed for each unit it knew, itself departing, then broken.
    for other in units.iter().filter(|u| **u != gone) {
        let want = format!("departed {other} {gone} members=");
        up.until(&format!("{gone} departed from {other}"), T, || {
            observed(&up, &gone).iter().any(|l| l.starts_with(&want))
        });
    }
    let broken = "broken cluster:0 unit= members=".to_string();
    up.until(&format!("{gone} ran broken"), T, || observed(&up, &gone).contains(&broken));
    assert_eq!(observed(&up, &gone).last(), Some(&broken), "nothing after broken");
    let status = up.status();
    let scope = status["applications"][0]["relations"][0]["units"].as_array().unwrap().len();
    assert_eq!(scope, 2, "{status}");
}

/// `POST /v1/applications/rel/relations/leave` as the operator.
fn leave(up: &Up, unit: &str) {
    use leaderd_net::auth::{Secret, OPERATOR};
    use leaderd_net::controller_client::ControllerClient;
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(up.state.join("up.json")).unwrap()).unwrap();
    let url = state["controller"]["url"].as_str().unwrap().to_string();
    let secret = Secret::load(&up.state.join("secret")).unwrap();
    let token = secret.token(OPERATOR, Duration::from_secs(60));
    let trust = leaderd_net::tls::Trust::Ca(leaderd_net::tls::TlsDir::new(up.state.join("tls")).ca_cert());
    let client = ControllerClient::new(&url, "rel", &token, &trust).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(client.leave_relations(unit)).unwrap();
}

/// Units that come and go with `leaderd add-unit` and `remove-unit`, in Juju's order: a new
/// unit is joined (then changed) on every unit; a removed unit runs -relation-departed for each
/// unit it knew and -relation-broken, then stop and remove, and the others run
/// -relation-departed for it.
#[test]
fn add_unit_joins_and_remove_unit_departs_in_jujus_order() {
    let charm = observing_charm();
    let up = Up::start(Some(charm.path()), 2, "1s");
    up.wait_hook_finished(&["rel/0", "rel/1"], "start", T);
    let from = Mark::now();
    let out = up.leaderd(&["add-unit", "rel"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.wait_event_after(from, T, |r| r.of("rel/2") && r.hook_finished("start"));
    for unit in ["rel/0", "rel/1"] {
        up.until(&format!("{unit} joined rel/2 and read its address"), T, || {
            let seen = observed(&up, unit);
            let joined = seen.iter().position(|l| l.starts_with("joined rel/2 "));
            let changed = seen.iter().position(|l| l.starts_with("changed rel/2 addr=ip-rel/2"));
            matches!((joined, changed), (Some(j), Some(c)) if j < c)
        });
    }
    up.until("rel/2 joined both others", T, || {
        let seen = observed(&up, "rel/2");
        ["rel/0", "rel/1"].iter().all(|o| seen.iter().any(|l| l.starts_with(&format!("joined {o} "))))
    });

    let from = Mark::now();
    let out = up.leaderd(&["remove-unit", "rel/1"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    up.wait_event_after(from, T, |r| r.of("rel/1") && r.hook_finished("remove"));
    let seen = observed(&up, "rel/1");
    let tail: Vec<&str> = seen.iter().rev().take(5).rev().map(|l| l.split(" members=").next().unwrap()).collect();
    let departed_then: Vec<&str> = tail[..2].to_vec();
    assert!(
        departed_then.contains(&"departed rel/0 rel/1") && departed_then.contains(&"departed rel/2 rel/1"),
        "{seen:?}"
    );
    assert_eq!(tail[2..], ["broken cluster:0 unit=", "stop", "remove"], "{seen:?}");
    for unit in ["rel/0", "rel/2"] {
        up.until(&format!("{unit} saw rel/1 depart"), T, || {
            observed(&up, unit).iter().any(|l| l.starts_with("departed rel/1 rel/1 members="))
        });
    }
    up.until("rel/1 gone from the relation and from status", T, || {
        let status = up.status();
        let app = &status["applications"][0];
        let members: Vec<&str> =
            app["relations"][0]["units"].as_array().unwrap().iter().filter_map(|u| u.as_str()).collect();
        let units: Vec<&str> = app["units"].as_array().unwrap().iter().filter_map(|u| u["name"].as_str()).collect();
        members == ["rel/0", "rel/2"] && units == ["rel/0", "rel/2"]
    });
}
