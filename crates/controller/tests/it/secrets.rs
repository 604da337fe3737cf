//! Secrets in the controller, in-process: an application secret managed only by the leader
//! under its current term (a deposed leader's change refused, even one it sent while it still
//! led), read by every unit of the application, each tracking its revision until it refreshes;
//! a unit secret managed only by its unit.

use std::time::Duration;

use leaderd_controller::store::memory::MemoryStore;
use leaderd_controller::{Controller, LeaderWriteError};
use leaderd_core::model::Term;
use leaderd_core::wire::controller::{SecretChange, SecretReadRequest};
use leaderd_core::wire::hook::{SecretContent, SecretFields};

use crate::{config, term, unit, LEASE};

const ID: &str = "d4ajvh2o8etbv2m5oc3g";

fn content(password: &str) -> SecretContent {
    [("password".to_string(), password.to_string())].into()
}

fn create(owner: &str, password: &str) -> SecretChange {
    let fields = SecretFields { content: Some(content(password)), label: Some("admin".into()), ..Default::default() };
    SecretChange::Create { id: ID.into(), owner: owner.into(), fields }
}

fn update(password: &str) -> SecretChange {
    SecretChange::Update {
        id: ID.into(),
        fields: SecretFields { content: Some(content(password)), ..Default::default() },
    }
}

fn read(refresh: bool, peek: bool) -> SecretReadRequest {
    SecretReadRequest { id: Some(ID.into()), refresh, peek, ..Default::default() }
}

#[tokio::test(start_paused = true)]
async fn an_application_secret_is_the_leaders_to_change_and_every_units_to_read() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let commit = |u: &str, t: Option<Term>, change: SecretChange| {
        let c = c.clone();
        let u = unit(u);
        async move { c.commit_hook(&u, t, vec![], vec![change]).await }
    };
    let t = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    // Only under the leader's term.
    assert_eq!(commit("app/0", None, create("application", "b25l")).await, Err(LeaderWriteError::NotLeader));
    assert_eq!(commit("app/1", Some(t), create("application", "b25l")).await, Err(LeaderWriteError::NotLeader));
    commit("app/0", Some(t), create("application", "b25l")).await.unwrap();
    assert_eq!(commit("app/1", None, update("eA==")).await, Err(LeaderWriteError::NotLeader));

    // A minion reads it and tracks revision 1; a new revision does not move it until it
    // refreshes; a peek shows the latest without moving it.
    let minion = unit("app/1");
    let first = c.read_secret(&minion, read(false, false)).await.unwrap();
    assert_eq!((first.revision, first.content), (1, content("b25l")));
    commit("app/0", Some(t), update("dHdv")).await.unwrap();
    assert_eq!(c.read_secret(&minion, read(false, false)).await.unwrap().revision, 1);
    assert_eq!(c.secret_view(&minion, None).consumed[0].latest, 2, "secret-changed is due");
    assert_eq!(c.read_secret(&minion, read(false, true)).await.unwrap().content, content("dHdv"));
    assert_eq!(c.read_secret(&minion, read(false, false)).await.unwrap().revision, 1, "a peek tracks nothing");
    assert_eq!(c.read_secret(&minion, read(true, false)).await.unwrap().revision, 2);
    assert_eq!(c.read_secret(&minion, read(false, false)).await.unwrap().revision, 2);
    // By the owner's label, from any unit of the application.
    let by_label = SecretReadRequest { label: Some("admin".into()), ..Default::default() };
    assert_eq!(c.read_secret(&unit("app/2"), by_label).await.unwrap().content, content("dHdv"));

    // The lease passes to app/1. app/0's change, made while it led, arrives after: refused,
    // and the secret is as it was.
    tokio::time::advance(LEASE + Duration::from_secs(1)).await;
    let t1 = term(c.claim(&unit("app/1"), LEASE).await.unwrap());
    assert_ne!(t1, t);
    assert_eq!(commit("app/0", Some(t), update("bG9zdA==")).await, Err(LeaderWriteError::NotLeader));
    let latest = c.read_secret(&unit("app/1"), read(false, true)).await.unwrap();
    assert_eq!((latest.revision, latest.content), (2, content("dHdv")));
    // The new leader manages it.
    commit("app/1", Some(t1), update("bmV3")).await.unwrap();
    assert_eq!(c.owned_secrets(&unit("app/1"), Some(t1)).secrets[ID].latest_revision, 3);
    assert!(c.owned_secrets(&unit("app/0"), Some(t)).secrets.is_empty(), "the deposed leader manages nothing");
}

#[tokio::test]
async fn a_unit_secret_is_its_units_alone() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let t = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    c.commit_hook(&unit("app/1"), None, vec![], vec![create("unit", "bWluZQ==")]).await.unwrap();
    let leader_update = c.commit_hook(&unit("app/0"), Some(t), vec![], vec![update("eA==")]).await;
    assert_eq!(leader_update, Err(LeaderWriteError::Invalid("permission denied".into())));
    let refused = c.read_secret(&unit("app/0"), read(false, false)).await.unwrap_err();
    assert_eq!(refused.to_string(), "permission denied");
    let missing = SecretReadRequest { id: Some("cd88u16ffbaql5kgmlh0".into()), ..Default::default() };
    assert_eq!(
        c.read_secret(&unit("app/1"), missing).await.unwrap_err().to_string(),
        r#"secret "secret:cd88u16ffbaql5kgmlh0" not found"#
    );
    let unknown = SecretReadRequest { label: Some("nope".into()), ..Default::default() };
    assert_eq!(
        c.read_secret(&unit("app/1"), unknown).await.unwrap_err().to_string(),
        r#"consumer label "nope" not found"#
    );
    c.commit_hook(&unit("app/1"), None, vec![], vec![update("dHdv")]).await.unwrap();
    assert_eq!(c.owned_secrets(&unit("app/1"), None).secrets[ID].revisions, [1, 2]);
}

/// A user secret (the operator's, owned by the model): every unit of an application it is
/// granted to reads it and tracks a revision; a revoke ends that; charms may not change it and
/// the operator may not change a charm's secret.
#[tokio::test]
async fn a_user_secret_granted_to_an_application_is_read_by_its_units_until_revoked() {
    use leaderd_controller::{SecretError, SecretReadError, UserChange};
    use leaderd_core::wire::controller::{
        SecretShowRequest, UserSecretAccessRequest, UserSecretAddRequest, UserSecretUpdateRequest,
    };
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let add = UserSecretAddRequest { name: "db-pass".into(), content: content("czNjcmV0"), description: None };
    let id = c.change_user_secret(UserChange::Add { id: ID.into(), request: add }).await.unwrap();
    assert_eq!(id, ID);
    let access = |apps: &[&str]| UserSecretAccessRequest {
        secret: "db-pass".into(),
        applications: apps.iter().map(|a| a.to_string()).collect(),
    };
    let refused = c.read_secret(&unit("web/0"), read(false, false)).await.unwrap_err();
    assert!(matches!(refused, SecretReadError::Refused(SecretError::PermissionDenied)), "{refused:?}");

    // Only to an application the model has (Juju's "invalid subject reference").
    let nosuch = c.change_user_secret(UserChange::Grant(access(&["web"]))).await.unwrap_err();
    assert_eq!(
        nosuch.to_string(),
        format!("cannot change access to \"secret:{ID}\" for \"web\": invalid subject reference: application \"web\" not found")
    );
    let deploy = leaderd_controller::ConfigChange { options: Some(Default::default()), ..Default::default() };
    c.change_config(&crate::app("web"), deploy).await.unwrap();
    c.change_user_secret(UserChange::Grant(access(&["web"]))).await.unwrap();
    let got = c.read_secret(&unit("web/0"), read(false, false)).await.unwrap();
    assert_eq!((got.revision, got.content), (1, content("czNjcmV0")));
    // A new revision: the unit is told (secret-changed) and keeps revision 1 until it refreshes.
    let new = UserSecretUpdateRequest {
        secret: format!("secret:{ID}"),
        content: Some(content("bmV3")),
        ..Default::default()
    };
    c.change_user_secret(UserChange::Update(new)).await.unwrap();
    let view = c.secret_view(&unit("web/0"), None);
    assert_eq!((view.consumed[0].tracked, view.consumed[0].latest), (1, 2));
    assert_eq!(c.read_secret(&unit("web/0"), read(true, false)).await.unwrap().content, content("bmV3"));
    // A charm may not change it.
    let t = term(c.claim(&unit("web/0"), LEASE).await.unwrap());
    assert!(c.commit_hook(&unit("web/0"), Some(t), vec![], vec![update("eA==")]).await.is_err());

    let shown =
        c.show_secret(&SecretShowRequest { secret: "db-pass".into(), reveal: true, revision: Some(1) }).unwrap();
    assert_eq!(shown.secrets[0].content, Some(content("czNjcmV0")));
    assert_eq!(shown.secrets[0].latest_revision, 2);

    c.change_user_secret(UserChange::Revoke(access(&["web"]))).await.unwrap();
    let refused = c.read_secret(&unit("web/0"), read(false, false)).await.unwrap_err();
    assert!(matches!(refused, SecretReadError::Refused(SecretError::PermissionDenied)), "{refused:?}");
    assert!(c.secret_view(&unit("web/0"), None).consumed.is_empty());
}
