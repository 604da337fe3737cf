//! The hook's sandboxed view of leadership, through the real jujuc and the
//! real endpoint: lazy snapshot, the leader seeing its own writes, sticky False, ended contexts.

use leaderd_testkit as common;

use common::{assert_output, settings, Agent};

#[test]
fn leader_get_reads_lazily_once_then_serves_the_snapshot() {
    let agent = Agent::start(false, &[("a", "1")]);
    let id = agent.open("leader-settings-changed");
    // A write after the hook started but before its first leader-get is visible.
    agent.backend.replace_settings(settings(&[("a", "2")]));
    assert_eq!(agent.backend.reads(), 0, "the bucket is not read at hook start");
    assert_output(&agent.run(&id, "leader-get", &["a"]), "2\n", "", 0, "first read");
    // Later writes are not: the hook keeps its snapshot.
    agent.backend.replace_settings(settings(&[("a", "3"), ("b", "new")]));
    assert_output(&agent.run(&id, "leader-get", &["a"]), "2\n", "", 0, "snapshot");
    assert_output(&agent.run(&id, "leader-get", &["b"]), "", "", 0, "snapshot has no b");
    assert_eq!(agent.backend.reads(), 1, "one read per hook");
    // The next hook sees the new bucket.
    let next = agent.open("leader-settings-changed");
    assert_output(
        &agent.run(&next, "leader-get", &["--format=json"]),
        "{\"a\":\"3\",\"b\":\"new\"}\n",
        "",
        0,
        "next hook",
    );
}

#[test]
fn the_leader_sees_its_own_write_merged_by_the_server() {
    let agent = Agent::start(true, &[("a", "1"), ("drop", "x")]);
    let id = agent.open("leader-elected");
    assert_output(&agent.run(&id, "leader-get", &["--format=json"]), "{\"a\":\"1\",\"drop\":\"x\"}\n", "", 0, "before");
    agent.backend.replace_settings(settings(&[("a", "1"), ("drop", "x"), ("other", "y")]));
    assert_output(&agent.run(&id, "leader-set", &["b=2", "drop="]), "", "", 0, "write");
    // The snapshot was dropped: the re-read shows the server's merge, other writers included.
    assert_output(
        &agent.run(&id, "leader-get", &["--format=json"]),
        "{\"a\":\"1\",\"b\":\"2\",\"other\":\"y\"}\n",
        "",
        0,
        "after",
    );
}

#[test]
fn a_minions_refused_write_keeps_its_snapshot_and_changes_nothing() {
    let agent = Agent::start(false, &[("a", "1")]);
    let id = agent.open("leader-settings-changed");
    assert_output(&agent.run(&id, "leader-get", &["a"]), "1\n", "", 0, "snapshot");
    agent.backend.replace_settings(settings(&[("a", "2")]));
    let out = agent.run(&id, "leader-set", &["a=9"]);
    assert_output(
        &out,
        "",
        "ERROR cannot write leadership settings: cannot write settings: not the leader\n",
        1,
        "minion write",
    );
    assert_output(&agent.run(&id, "leader-get", &["a"]), "1\n", "", 0, "snapshot kept");
    assert_eq!(agent.backend.settings(), settings(&[("a", "2")]));
    assert_eq!(agent.backend.reads(), 1);
}

#[test]
fn false_is_sticky_for_the_rest_of_the_hook_and_true_is_asked_each_time() {
    let agent = Agent::start(true, &[]);
    let id = agent.open("config-changed");
    assert_output(&agent.run(&id, "is-leader", &[] as &[&str]), "True\n", "", 0, "leader");
    agent.backend.set_leader(false);
    assert_output(&agent.run(&id, "is-leader", &[] as &[&str]), "False\n", "", 0, "lost it");
    agent.backend.set_leader(true);
    assert_output(&agent.run(&id, "is-leader", &["--format=json"]), "false\n", "", 0, "still False in this hook");
    let out = agent.run(&id, "leader-set", &["a=1"]);
    assert_eq!(out.status.code(), Some(1), "leader-set shares the sticky answer");
    assert!(agent.backend.settings().is_empty());
    let next = agent.open("leader-elected");
    assert_output(&agent.run(&next, "is-leader", &[] as &[&str]), "True\n", "", 0, "a new hook asks again");
}

#[test]
fn a_failed_read_is_reported_in_jujus_words() {
    let agent = Agent::start(true, &[("a", "1")]);
    agent.backend.fail_reads(Some("connection to the controller lost"));
    let id = agent.open("install");
    let want = "ERROR cannot read leadership settings: cannot read settings: connection to the controller lost\n";
    assert_output(&agent.run(&id, "leader-get", &["a"]), "", want, 1, "read fails");
    // A failed read leaves no snapshot behind: the next call reads again.
    agent.backend.fail_reads(None);
    assert_output(&agent.run(&id, "leader-get", &["a"]), "1\n", "", 0, "read recovers");
}

#[test]
fn an_ended_context_is_refused_clearly_and_changes_nothing() {
    let agent = Agent::start(true, &[("a", "1")]);
    let id = agent.open("install");
    assert_output(&agent.run(&id, "is-leader", &[] as &[&str]), "True\n", "", 0, "while running");
    agent.endpoint.close_context(&id);
    let want =
        format!("ERROR bad request: hook context \"{id}\" has ended: hook tools only work while their hook runs\n");
    assert_output(&agent.run(&id, "leader-set", &["a=2"]), "", &want, 1, "after the hook");
    assert_output(&agent.run(&id, "is-leader", &[] as &[&str]), "", &want, 1, "after the hook");
    assert_eq!(agent.backend.settings(), settings(&[("a", "1")]));
}

#[test]
fn context_ids_are_unguessable_and_contexts_are_independent() {
    let agent = Agent::start(false, &[("a", "1")]);
    let first = agent.open("install");
    let second = agent.open("install");
    assert_ne!(first, second);
    let random = first.rsplit('-').next().unwrap();
    assert_eq!(random.len(), 32, "128 random bits as hex: {first}");
    assert!(first.starts_with("app/0-install-"), "{first}");
    assert_output(&agent.run(&first, "is-leader", &[] as &[&str]), "False\n", "", 0, "first is a minion");
    agent.backend.set_leader(true);
    assert_output(&agent.run(&second, "is-leader", &[] as &[&str]), "True\n", "", 0, "second is not sticky");
}
