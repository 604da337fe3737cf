//! The model status snapshot and the model config, in-process: Juju's status machine as the
//! controller holds it (registration, then what the agent reports), and the durable model
//! config agents watch.

use std::time::Duration;

use leaderd_controller::store::sqlite::SqliteStore;
use leaderd_controller::{ConfigChange, Controller};
use leaderd_core::wire::controller::{AgentStatus, ModelConfigChangeRequest, UnitStatus};
use leaderd_core::wire::hook::WorkloadStatus;

use crate::{app, config, unit, LEASE};

fn agent(status: &str, message: &str) -> AgentStatus {
    AgentStatus { status: status.into(), message: message.into(), ..Default::default() }
}

#[tokio::test]
async fn units_are_waiting_from_registration_until_their_agent_reports_and_it_all_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    let deploy =
        ConfigChange { options: Some(Default::default()), peers: Some(vec!["cluster".into()]), ..Default::default() };
    c.change_config(&app("db"), deploy).await.unwrap();
    c.register_units(&app("db"), &[unit("db/0"), unit("db/1")]).await.unwrap();
    let status = c.model_status();
    let db = &status.applications["db"];
    assert_eq!(db.units.len(), 2);
    let u = &db.units["db/0"];
    assert_eq!(
        (u.workload.status.status.as_str(), u.workload.status.message.as_str()),
        ("waiting", "waiting for machine")
    );
    assert_eq!((u.agent.status.as_str(), u.agent.message.as_str()), ("allocating", ""));
    assert!(u.workload.since_ms.is_some() && u.agent.since_ms.is_some());
    assert_eq!(status.relations.len(), 1, "the peer relation");
    assert_eq!(
        (
            status.relations[0].endpoints[0].endpoint.name.as_str(),
            status.relations[0].endpoints[0].endpoint.role.as_str()
        ),
        ("cluster", "peer")
    );

    // The agent reports; a second registration changes nothing it reported.
    c.set_agent_status(&unit("db/0"), agent("executing", "running install hook")).await.unwrap();
    let maintenance = WorkloadStatus {
        status: "maintenance".into(),
        message: "installing charm software".into(),
        data: Default::default(),
    };
    c.set_unit_status(&unit("db/0"), UnitStatus { workload: maintenance, ..Default::default() }).await.unwrap();
    let since = c.model_status().applications["db"].units["db/0"].agent.since_ms;
    c.set_agent_status(&unit("db/0"), agent("executing", "running install hook")).await.unwrap();
    c.register_units(&app("db"), &[unit("db/0")]).await.unwrap();
    let u = c.model_status().applications["db"].units["db/0"].clone();
    assert_eq!((u.agent.status.as_str(), u.agent.message.as_str()), ("executing", "running install hook"));
    assert_eq!(u.agent.since_ms, since, "the same status again keeps its since");
    assert_eq!(u.workload.status.status, "maintenance");
    c.set_agent_status(&unit("db/0"), agent("error", "hook failed: \"install\"")).await.unwrap();
    c.claim(&unit("db/0"), LEASE).await.unwrap();

    // The model config: typed by key, `10s` taken, a version per change; trust moves the
    // application's config version (its units run config-changed).
    let set =
        |k: &str, v: &str| ModelConfigChangeRequest { set: [(k.to_string(), v.to_string())].into(), reset: vec![] };
    let changed = c.change_model_config(set("update-status-hook-interval", "10s")).await.unwrap();
    assert_eq!((changed.values["update-status-hook-interval"].as_str(), changed.version), (Some("10s"), 1));
    let err = c.change_model_config(set("automatically-retry-hooks", "maybe")).await.unwrap_err();
    assert_eq!(err.to_string(), "automatically-retry-hooks: expected bool, got \"maybe\"");
    assert_eq!(c.change_model_config(set("update-status-hook-interval", "10s")).await.unwrap().version, 1, "no change");
    assert_eq!(c.watch_model_config(0, Duration::from_secs(1)).await, 1);
    let before = c.app_config(&app("db")).unwrap().version;
    let trusted = c.change_config(&app("db"), ConfigChange { trust: Some(true), ..Default::default() }).await.unwrap();
    assert_eq!((trusted.trust, trusted.version), (true, before + 1));
    drop(c);

    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    let status = c.model_status();
    let db = &status.applications["db"];
    assert!(db.trust);
    assert_eq!(db.units["db/0"].agent.message, "hook failed: \"install\"");
    assert_eq!(db.units["db/1"].agent.status, "allocating");
    assert_eq!(status.config["update-status-hook-interval"], "10s");
    assert_eq!(c.model_config().version, 1);
}
