//! The relation watcher: keeps the hook runner's copy of the relation data fresh by
//! long-polling the controller's relations version (the runner decides from it which relation
//! hooks are due), and keeps this unit's scopes as the relations' records say: it enters the
//! scope of every relation of its application that is alive (the peer relations at deploy,
//! the others as integrate adds them; Juju's uniter joins each relation its state tracker
//! learns of), and leaves the scope of a relation remove-relation made dying, so that the
//! controller removes it once every unit has (its hooks run -departed and -broken from what
//! they were told, whether or not the relation is still there).

use std::collections::BTreeSet;

use tokio::sync::watch;

use leaderd_core::relations::unit_relations;
use leaderd_core::wire::controller::RelationsResponse;
use leaderd_net::controller_client::ControllerClient;
use leaderd_net::long_poll::{pause_after, WAIT};

/// What the watcher should do about the scopes, given the data: the relations to enter and
/// those to leave. `entered`: the relations this agent has entered (or found itself in) since
/// it started; one it has left since (the unit is being removed, which takes it out of every
/// scope) is not entered again.
pub(crate) fn scope_changes(
    unit: &str,
    data: &RelationsResponse,
    entered: &BTreeSet<u64>,
    dying: bool,
) -> (Vec<u64>, Vec<u64>) {
    let app = leaderd_core::names::unit_application(unit).unwrap_or(unit);
    let mut enter = Vec::new();
    let mut leave = Vec::new();
    for relation in unit_relations(app, data) {
        let member = data.relations.get(&relation.id).is_some_and(|r| r.members.iter().any(|m| m == unit));
        if relation.dying && member {
            leave.push(relation.id);
        } else if !relation.dying && !member && !dying && !entered.contains(&relation.id) {
            enter.push(relation.id);
        }
    }
    (enter, leave)
}

/// Publishes every new version of the relation data into `data` (starting with the first
/// read), entering and leaving scopes as [`scope_changes`] says, until the receiver is gone.
pub async fn run(
    client: ControllerClient,
    unit: String,
    dying: watch::Receiver<bool>,
    data: watch::Sender<Option<RelationsResponse>>,
) {
    let mut entered = BTreeSet::new();
    while !data.is_closed() {
        let relations = match client.relations().await {
            Ok(relations) => relations,
            Err(e) => {
                tokio::time::sleep(pause_after(&e, "reading the relations failed; will retry")).await;
                continue;
            }
        };
        for (id, relation) in &relations.relations {
            if relation.members.contains(&unit) {
                entered.insert(*id);
            }
        }
        let (enter, leave) = scope_changes(&unit, &relations, &entered, *dying.borrow());
        if !enter.is_empty() {
            match client.join_relations(enter.clone()).await {
                Ok(_) => {
                    entered.extend(enter);
                    continue;
                }
                Err(e) => tokio::time::sleep(pause_after(&e, "entering the relations failed; will retry")).await,
            }
        }
        if !leave.is_empty() {
            match client.depart_relations(leave).await {
                Ok(_) => continue,
                Err(e) => tokio::time::sleep(pause_after(&e, "leaving the dying relations failed; will retry")).await,
            }
        }
        let version = relations.version;
        data.send_replace(Some(relations));
        if let Err(e) = client.watch_relations(version, WAIT).await {
            tokio::time::sleep(pause_after(&e, "watching the relations failed; will retry")).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_core::wire::controller::{RelationData, RelationDef, RelationEndpoint};

    fn relation(id: u64, life: &str, members: &[&str]) -> (u64, RelationData) {
        let end = |app: &str, role: &str| RelationEndpoint {
            application: app.into(),
            endpoint: leaderd_core::relations::EndpointDecl {
                name: "db".into(),
                role: role.into(),
                interface: "dbi".into(),
                scope: "global".into(),
            },
        };
        let def = RelationDef {
            id,
            key: "testapp:db testdb:db".into(),
            endpoints: vec![end("testdb", "provider"), end("testapp", "requirer")],
            life: life.into(),
        };
        let data = RelationData {
            members: members.iter().map(|m| m.to_string()).collect(),
            relation: Some(def),
            ..RelationData::default()
        };
        (id, data)
    }

    #[test]
    fn enters_alive_relations_once_and_leaves_dying_ones() {
        let data = RelationsResponse {
            relations: [
                relation(1, "alive", &["testdb/0"]),
                relation(2, "alive", &["testapp/0"]),
                relation(3, "dying", &["testapp/0", "testdb/0"]),
                relation(4, "dying", &["testdb/0"]),
            ]
            .into(),
            version: 1,
        };
        let none = BTreeSet::new();
        assert_eq!(scope_changes("testapp/0", &data, &none, false), (vec![1], vec![3]));
        // Entered before (and since left: the unit is being removed): not again; dying: none.
        assert_eq!(scope_changes("testapp/0", &data, &[1].into(), false), (vec![], vec![3]));
        assert_eq!(scope_changes("testapp/0", &data, &none, true), (vec![], vec![3]));
    }
}
