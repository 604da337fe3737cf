//! The relation watcher: enters this unit into its peer relations' scope, then keeps the hook
//! runner's copy of the application's relation data fresh by long-polling the controller's
//! relations version (the runner decides from it which relation hooks are due).

use tokio::sync::watch;

use leaderd_core::wire::controller::RelationsResponse;
use leaderd_net::controller_client::ControllerClient;
use leaderd_net::long_poll::{pause_after, WAIT};

/// Joins `relation_ids`, then publishes every new version of the relation data into `data`
/// (starting with the first read) until the receiver is gone.
pub async fn run(client: ControllerClient, relation_ids: Vec<u64>, data: watch::Sender<Option<RelationsResponse>>) {
    if !relation_ids.is_empty() {
        while let Err(e) = client.join_relations(relation_ids.clone()).await {
            tokio::time::sleep(pause_after(&e, "entering the peer relations failed; will retry")).await;
        }
    }
    while !data.is_closed() {
        let relations = match client.relations().await {
            Ok(relations) => relations,
            Err(e) => {
                tokio::time::sleep(pause_after(&e, "reading the relations failed; will retry")).await;
                continue;
            }
        };
        let version = relations.version;
        data.send_replace(Some(relations));
        if let Err(e) = client.watch_relations(version, WAIT).await {
            tokio::time::sleep(pause_after(&e, "watching the relations failed; will retry")).await;
        }
    }
}
