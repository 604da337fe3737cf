//! The relation hook tools in a relation between two applications, byte for byte, running the
//! real `jujuc` against the real hook endpoint: the unit is `app/0`, whose application requires
//! `db` of `testdb` through relation 3 (`app:db testdb:db`, the controller's record). In scope:
//! `app/0`, its sibling `app/1` (not a remote unit) and `testdb/0`, whose bag is {host: db0};
//! testdb's application bag is {dbkey: dbvalue}, app's own {mine: m}. The own application's bag
//! is the leader's to read only (Juju's uniter facade: `permission denied`).

use leaderd_testkit as common;

use common::{assert_output, settings, Agent};
use leaderd_core::relations::EndpointDecl;
use leaderd_core::wire::controller::{RelationData, RelationDef, RelationEndpoint};

fn start(leader: bool) -> Agent {
    let agent = Agent::start(leader, &[]);
    std::fs::write(agent.dir.path().join("metadata.yaml"), "name: app\nrequires:\n  db:\n    interface: dbi\n")
        .unwrap();
    let end = |application: &str, role: &str| RelationEndpoint {
        application: application.into(),
        endpoint: EndpointDecl {
            name: "db".into(),
            role: role.into(),
            interface: "dbi".into(),
            scope: "global".into(),
        },
    };
    agent.backend.update_relations(|r| {
        r.relations.insert(
            3,
            RelationData {
                members: vec!["app/0".into(), "app/1".into(), "testdb/0".into()],
                units: [
                    ("app/0".to_string(), settings(&[("private-address", "127.0.0.1")])),
                    ("app/1".to_string(), settings(&[("sibling", "s")])),
                    ("testdb/0".to_string(), settings(&[("host", "db0")])),
                ]
                .into(),
                app: settings(&[("mine", "m")]),
                relation: Some(RelationDef {
                    id: 3,
                    key: "app:db testdb:db".into(),
                    endpoints: vec![end("testdb", "provider"), end("app", "requirer")],
                    life: "alive".into(),
                }),
                remote_app: settings(&[("dbkey", "dbvalue")]),
            },
        );
    });
    agent
}

/// Runs `tool args` in a `db-relation-changed` for `testdb/0`.
fn run(agent: &Agent, tool: &str, args: &[&str]) -> std::process::Output {
    let id = agent.open("db-relation-changed");
    let env = [
        ("JUJU_RELATION", "db"),
        ("JUJU_RELATION_ID", "db:3"),
        ("JUJU_REMOTE_UNIT", "testdb/0"),
        ("JUJU_REMOTE_APP", "testdb"),
    ];
    agent.command(&id, tool).args(args).envs(env).output().unwrap()
}

#[test]
fn the_tools_see_the_other_application_and_only_the_leader_its_own_bag() {
    for leader in [true, false] {
        let agent = start(leader);
        let who = if leader { "leader" } else { "minion" };
        assert_output(&run(&agent, "relation-ids", &["db"]), "db:3\n", "", 0, who);
        assert_output(&run(&agent, "relation-list", &[]), "testdb/0\n", "", 0, "remote units only, not app/1");
        assert_output(&run(&agent, "relation-list", &["--app"]), "testdb\n", "", 0, "the remote application");
        assert_output(&run(&agent, "relation-get", &["-", "testdb/0"]), "host: db0\n", "", 0, who);
        assert_output(&run(&agent, "relation-get", &[]), "host: db0\n", "", 0, "JUJU_REMOTE_UNIT's");
        // ops: `relation-get -r ID - testdb --app --format=json`.
        assert_output(
            &run(&agent, "relation-get", &["-r", "3", "-", "testdb", "--app", "--format=json"]),
            "{\"dbkey\":\"dbvalue\"}\n",
            "",
            0,
            who,
        );
        assert_output(&run(&agent, "relation-get", &["--app", "dbkey", "testdb"]), "dbvalue\n", "", 0, who);
        assert_output(
            &run(&agent, "relation-get", &["-", "testdb/0", "-r", "db:3"]),
            "host: db0\n",
            "",
            0,
            "the unit's own id form",
        );
        // A unit of its own application is not a remote unit of this relation.
        assert_output(&run(&agent, "relation-get", &["-", "app/1"]), "", "ERROR permission denied\n", 1, who);
        assert_output(&run(&agent, "relation-get", &["--app", "-", "other"]), "", "ERROR permission denied\n", 1, who);
        let own = run(&agent, "relation-get", &["--app", "-", "app"]);
        if leader {
            assert_output(&own, "mine: m\n", "", 0, "the leader reads its own application's bag");
        } else {
            assert_output(&own, "", "ERROR permission denied\n", 1, "a minion does not");
        }
        assert_output(&run(&agent, "relation-get", &["-", "app/0"]), "private-address: 127.0.0.1\n", "", 0, who);
    }
}
