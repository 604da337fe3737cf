//! `juju status`'s output, byte for byte, from a fixed snapshot (Juju 3.6's
//! `formattedStatus`; juju/juju `cmd/juju/status/status_internal_test.go` for the shapes).

use super::*;
use leaderd_core::relations::EndpointDecl;
use leaderd_core::wire::controller::{AgentStatus, ModelRelation, RelationEndpoint, WorkloadStatusSince};
use leaderd_core::wire::hook::WorkloadStatus;

/// 2026-12-07T06:00:00Z, and so many seconds after it.
fn at(seconds: u64) -> Option<u64> {
    Some(1_796_623_200_000 + seconds * 1000)
}

fn workload(status: &str, message: &str, since: u64) -> WorkloadStatusSince {
    WorkloadStatusSince {
        status: WorkloadStatus { status: status.into(), message: message.into(), data: Default::default() },
        since_ms: at(since),
    }
}

fn agent(status: &str, message: &str, since: u64) -> AgentStatus {
    AgentStatus { status: status.into(), message: message.into(), since_ms: at(since), relation_id: None }
}

fn unit(w: WorkloadStatusSince, a: AgentStatus) -> ModelUnit {
    ModelUnit { workload: w, agent: a, version: String::new(), ports: Vec::new(), life: "alive".into() }
}

/// testdb (two units: one active and leading, one that failed its install) and testapp (one
/// unit waiting for its agent), testdb with a peer relation.
fn snapshot() -> ModelStatusResponse {
    let mut testdb = ModelApplication { leader: Some("testdb/0".into()), ..Default::default() };
    let mut active = unit(workload("active", "relation created", 21), agent("idle", "", 22));
    active.ports = vec!["80/tcp".into()];
    active.version = "1.2".into();
    testdb.units.insert("testdb/0".into(), active);
    testdb.units.insert(
        "testdb/1".into(),
        unit(workload("maintenance", "installing charm software", 5), agent("error", "hook failed: \"install\"", 9)),
    );
    let mut testapp = ModelApplication { charm_revision: 2, ..Default::default() };
    testapp
        .units
        .insert("testapp/0".into(), unit(workload("waiting", "waiting for machine", 1), agent("allocating", "", 1)));
    let peer = ModelRelation {
        id: 0,
        endpoints: vec![RelationEndpoint {
            application: "testdb".into(),
            endpoint: EndpointDecl {
                name: "cluster".into(),
                role: "peer".into(),
                interface: "db-peers".into(),
                scope: "global".into(),
            },
        }],
        members: vec!["testdb/0".into()],
    };
    ModelStatusResponse {
        applications: [("testdb".into(), testdb), ("testapp".into(), testapp)].into(),
        relations: vec![peer],
        config: Default::default(),
        now_ms: at(25).unwrap(),
    }
}

/// The formatters' input for model `m1` over `snapshot`, created at second 0, nothing dying,
/// no bases.
fn input<'a>(snapshot: &'a ModelStatusResponse, charms: &'a BTreeMap<String, (String, u64)>) -> Input<'a> {
    Input {
        model: "m1",
        created_ms: at(0).unwrap(),
        snapshot,
        charms,
        iso: false,
        dying: Default::default(),
        bases: Default::default(),
    }
}

fn charms() -> BTreeMap<String, (String, u64)> {
    [("testdb".to_string(), ("testdb".to_string(), 0)), ("testapp".to_string(), ("testapp".to_string(), 2))].into()
}

#[test]
fn json_is_jujus_formatted_status() {
    let (snapshot, charms) = (snapshot(), charms());
    let input = input(&snapshot, &charms);
    let json = format::render(Format::Json, &Value::Struct(formatted(&input)));
    let want = concat!(
        r#"{"model":{"name":"m1","type":"iaas","controller":"leaderd","cloud":"localhost","region":"localhost","version":"3.6.0","model-status":{"current":"available","since":"07 Dec 2026 06:00:00Z"},"sla":"unsupported"},"#,
        r#""machines":{},"applications":{"#,
        r#""testapp":{"charm":"local:testapp-2","charm-origin":"local","charm-name":"testapp","charm-rev":2,"exposed":false,"#,
        r#""application-status":{"current":"waiting","message":"waiting for machine","since":"07 Dec 2026 06:00:01Z"},"#,
        r#""units":{"testapp/0":{"workload-status":{"current":"waiting","message":"waiting for machine","since":"07 Dec 2026 06:00:01Z"},"juju-status":{"current":"allocating","since":"07 Dec 2026 06:00:01Z"},"public-address":"127.0.0.1","address":"127.0.0.1","provider-id":"testapp-0"}}},"#,
        r#""testdb":{"charm":"local:testdb-0","charm-origin":"local","charm-name":"testdb","charm-rev":0,"exposed":false,"#,
        r#""application-status":{"current":"error","message":"hook failed: \"install\"","since":"07 Dec 2026 06:00:09Z"},"#,
        r#""relations":{"cluster":[{"related-application":"testdb","interface":"db-peers","scope":"global"}]},"#,
        r#""units":{"testdb/0":{"workload-status":{"current":"active","message":"relation created","since":"07 Dec 2026 06:00:21Z"},"juju-status":{"current":"idle","since":"07 Dec 2026 06:00:22Z","version":"3.6.0"},"leader":true,"open-ports":["80/tcp"],"public-address":"127.0.0.1","address":"127.0.0.1","provider-id":"testdb-0"},"#,
        r#""testdb/1":{"workload-status":{"current":"error","message":"hook failed: \"install\"","since":"07 Dec 2026 06:00:09Z"},"juju-status":{"current":"idle","since":"07 Dec 2026 06:00:09Z","version":"3.6.0"},"public-address":"127.0.0.1","address":"127.0.0.1","provider-id":"testdb-1"}},"#,
        r#""version":"1.2"}},"#,
        r#""storage":{},"controller":{"timestamp":"06:00:25Z"}}"#,
        "\n"
    );
    assert_eq!(json, want);
}

#[test]
fn an_application_with_no_units_or_statuses_is_unknown_and_lists_no_units() {
    let mut snapshot = snapshot();
    snapshot.applications = [("empty".to_string(), ModelApplication::default())].into();
    snapshot.relations.clear();
    let charms = BTreeMap::new();
    let input = Input { created_ms: 0, iso: true, ..input(&snapshot, &charms) };
    let json = format::render(Format::Json, &Value::Struct(formatted(&input)));
    assert!(
        json.contains(r#""applications":{"empty":{"charm":"local:empty-0","charm-origin":"local","charm-name":"empty","charm-rev":0,"exposed":false,"application-status":{"current":"unknown"}}}"#),
        "{json}"
    );
    assert!(json.contains(r#""model-status":{"current":"available"}"#), "{json}");
    assert!(json.ends_with("\"controller\":{\"timestamp\":\"06:00:25\"}}\n"), "--utc: {json}");
}

#[test]
fn the_application_status_set_by_its_leader_wins_over_the_units() {
    let mut app = snapshot().applications["testdb"].clone();
    app.status = Some(workload("blocked", "needs a database", 30));
    let status = application_status(&app);
    assert_eq!((status.current.as_str(), status.message.as_str()), ("blocked", "needs a database"));
    // Derived: the most severe, the first in name order on a tie.
    app.status = None;
    app.units.insert("testdb/2".into(), unit(workload("blocked", "b2", 3), agent("idle", "", 3)));
    app.units.insert("testdb/3".into(), unit(workload("blocked", "b3", 3), agent("idle", "", 3)));
    assert_eq!(application_status(&app).current, "error");
    app.units.remove("testdb/1");
    assert_eq!(application_status(&app).message, "b2");
}

#[test]
fn yaml_and_tabular() {
    let (snapshot, charms) = (snapshot(), charms());
    let input = input(&snapshot, &charms);
    let yaml = format::render(Format::Yaml, &Value::Struct(formatted(&input)));
    assert!(yaml.starts_with("model:\n  name: m1\n  type: iaas\n"), "{yaml}");
    assert!(yaml.contains("\nmachines: {}\n"), "{yaml}");
    assert!(yaml.contains("\nstorage: {}\ncontroller:\n  timestamp: 06:00:25Z\n"), "{yaml}");
    assert_eq!(
        tabular(&input, true),
        "Model  Controller  Cloud/Region         Version  SLA          Timestamp\n\
         m1     leaderd     localhost/localhost  3.6.0    unsupported  06:00:25Z\n\
         \n\
         App      Version  Status   Scale  Charm    Channel  Rev  Exposed  Message\n\
         testapp           waiting      1  testapp             2  no       waiting for machine\n\
         testdb   1.2      error        2  testdb              0  no       hook failed: \"install\"\n\
         \n\
         Unit       Workload  Agent       Address    Ports   Message\n\
         testapp/0  waiting   allocating  127.0.0.1          waiting for machine\n\
         testdb/0*  active    idle        127.0.0.1  80/tcp  relation created\n\
         testdb/1   error     idle        127.0.0.1          hook failed: \"install\"\n\
         \n\
         Integration provider  Requirer        Interface  Type  Message\n\
         testdb:cluster        testdb:cluster  db-peers   peer\n"
    );
}

#[test]
fn a_unit_in_error_over_a_relation_hook_names_the_other_end() {
    let mut snapshot = snapshot();
    let mut failed = unit(workload("active", "", 1), agent("error", "hook failed: \"db-relation-changed\"", 2));
    failed.agent.relation_id = Some(1);
    snapshot.applications.get_mut("testapp").unwrap().units.insert("testapp/0".into(), failed.clone());
    let end = |application: &str| RelationEndpoint {
        application: application.into(),
        endpoint: EndpointDecl {
            name: "db".into(),
            role: String::new(),
            interface: "dbi".into(),
            scope: "global".into(),
        },
    };
    snapshot.relations.push(ModelRelation { id: 1, endpoints: vec![end("testapp"), end("testdb")], members: vec![] });
    let (workload, _) = unit_statuses(&failed);
    let shown = with_relation("testapp", &failed, workload.clone(), &snapshot);
    assert_eq!(shown.message, "hook failed: \"db-relation-changed\" for testdb:db");
    failed.agent.relation_id = Some(0);
    let peer = with_relation("testdb", &failed, workload, &snapshot);
    assert_eq!(peer.message, "hook failed: \"db-relation-changed\"", "testdb's peer relation");
    // The application's status is derived without it, as Juju derives it on the server.
    assert_eq!(application_status(&snapshot.applications["testapp"]).message, "hook failed: \"db-relation-changed\"");
}

#[test]
fn applications_and_units_being_removed_are_dying() {
    let (snapshot, charms) = (snapshot(), charms());
    let dying = ["testdb".to_string(), "testdb/1".to_string()].into();
    let input = Input { created_ms: 0, dying, ..input(&snapshot, &charms) };
    let json = format::render(Format::Json, &Value::Struct(formatted(&input)));
    assert!(json.contains(r#""charm-rev":0,"exposed":false,"life":"dying","application-status""#), "{json}");
    assert!(
        json.contains(
            r#""juju-status":{"current":"idle","since":"07 Dec 2026 06:00:09Z","version":"3.6.0","life":"dying"}"#
        ),
        "{json}"
    );
    assert_eq!(json.matches(r#""life":"dying""#).count(), 2, "{json}");
}

#[test]
fn the_integrations_table_lists_the_provider_then_the_requirer() {
    let mut snapshot = snapshot();
    let end = |application: &str, role: &str| RelationEndpoint {
        application: application.into(),
        endpoint: EndpointDecl {
            name: "db".into(),
            role: role.into(),
            interface: "dbi".into(),
            scope: "global".into(),
        },
    };
    let relation = ModelRelation {
        id: 1,
        endpoints: vec![end("testapp", "requirer"), end("testdb", "provider")],
        members: vec![],
    };
    snapshot.relations.push(relation);
    let charms = charms();
    let input = Input { created_ms: 0, ..input(&snapshot, &charms) };
    let table = tabular(&input, true);
    assert!(
        table.ends_with(
            "Integration provider  Requirer        Interface  Type     Message\n\
             testdb:cluster        testdb:cluster  db-peers   peer\n\
             testdb:db             testapp:db      dbi        regular\n"
        ),
        "{table}"
    );
}

#[test]
fn selectors_keep_the_applications_they_name() {
    let snapshot = snapshot();
    let only = |s: &[&str]| {
        let selectors: Vec<String> = s.iter().map(|s| s.to_string()).collect();
        filtered(&snapshot, &selectors).applications.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(only(&[]), ["testapp", "testdb"]);
    assert_eq!(only(&["testdb"]), ["testdb"]);
    assert_eq!(only(&["testapp/0"]), ["testapp"]);
    assert_eq!(only(&["test*"]), ["testapp", "testdb"]);
    assert!(only(&["nope"]).is_empty());
}

#[test]
fn help_and_errors_in_jujus_words() {
    let juju = |args: &[&str]| {
        let args: Vec<std::ffi::OsString> = args.iter().map(std::ffi::OsString::from).collect();
        super::super::main_with(&args)
    };
    let f = juju(&["status", "--format", "xml"]);
    assert_eq!(
        (String::from_utf8(f.stderr).unwrap(), f.code),
        ("ERROR invalid value \"xml\" for option --format: unknown format \"xml\"\n".into(), 2)
    );
    let f = juju(&["status", "--color", "--no-color"]);
    assert_eq!((String::from_utf8(f.stderr).unwrap(), f.code), ("ERROR cannot mix --no-color and --color\n".into(), 2));
    let help = String::from_utf8(juju(&["status", "--help"]).stdout).unwrap();
    assert!(help.starts_with("Usage: juju status [options] [<selector> [...]]\n"), "{help}");
    assert!(
        help.contains("\nSummary:\nReport the status of the model, its machines, applications and units.\n"),
        "{help}"
    );
}

#[test]
fn a_unit_whose_agent_is_gone_is_lost_unless_it_was_still_installing() {
    let lost = |w: WorkloadStatusSince, a: AgentStatus| {
        let mut u = unit(w, a);
        mark_lost("testdb/0", &mut u);
        (u.workload.status.status, u.workload.status.message, u.agent.status, u.agent.message)
    };
    let gone = |w: &str, m: &str| {
        (w.to_string(), m.to_string(), "lost".to_string(), "agent is not communicating with the server".to_string())
    };
    assert_eq!(
        lost(workload("active", "ready", 1), agent("idle", "", 1)),
        gone("unknown", "agent lost, see 'juju show-status-log testdb/0'")
    );
    assert_eq!(
        lost(workload("active", "", 1), agent("error", "hook failed: \"start\"", 1)),
        gone("error", "hook failed: \"start\""),
        "an error stays shown"
    );
    assert_eq!(lost(workload("terminated", "", 1), agent("idle", "", 1)), gone("terminated", ""));
    for (w, a) in [
        (workload("waiting", "waiting for machine", 1), agent("allocating", "", 1)),
        (workload("maintenance", "installing charm software", 1), agent("executing", "running install hook", 1)),
        (workload("maintenance", "installing charm software", 1), agent("idle", "", 1)),
    ] {
        let before = (w.status.status.clone(), a.status.clone());
        let (status, _, agent, _) = lost(w, a);
        assert_eq!((status, agent), before, "not lost while installing");
    }
}

#[test]
fn an_application_shows_its_base_after_its_charm_as_juju_orders_it() {
    let (snapshot, charms) = (snapshot(), charms());
    let bases = [("testdb".to_string(), "ubuntu@24.04".to_string())].into();
    let input = Input { created_ms: 0, bases, ..input(&snapshot, &charms) };
    let json = format::render(Format::Json, &Value::Struct(formatted(&input)));
    assert!(
        json.contains(r#""charm":"local:testdb-0","base":{"name":"ubuntu","channel":"24.04"},"charm-origin":"local""#),
        "{json}"
    );
    assert_eq!(json.matches(r#""base":"#).count(), 1, "an application deployed without a base has none: {json}");
}

/// Charm-made text reaches the table spelled out, in every column: the version
/// (application-version-set), the charm's name and the interface (metadata.yaml).
#[test]
fn charm_text_in_every_column_of_the_table_is_spelled_out() {
    let mut snapshot = snapshot();
    let app = snapshot.applications.get_mut("testdb").unwrap();
    app.units.get_mut("testdb/0").unwrap().version = "v\u{1b}]0;PWNED\u{7}\u{1b}[31mRED\r".into();
    snapshot.relations[0].endpoints[0].endpoint.interface = "x\u{1b}]0;TITLE\u{7}y".into();
    let mut charms = charms();
    charms.insert("testdb".into(), ("ab\u{1b}]0;T\u{7}\rc".into(), 0));
    let input = Input { created_ms: 0, ..input(&snapshot, &charms) };
    let table = tabular(&input, true);
    assert!(!table.chars().any(|c| c != '\n' && leaderd_sys::events::terminal_unsafe(c)), "{table:?}");
    assert!(table.contains("v\\u{1b}]0;PWNED\\u{7}\\u{1b}[31mRED\\r"), "{table}");
    assert!(table.contains("ab\\u{1b}]0;T\\u{7}\\rc"), "{table}");
    assert!(table.contains("x\\u{1b}]0;TITLE\\u{7}y"), "{table}");
}
