//! The secret watcher: keeps the hook runner's copy of the controller's view of this unit's
//! secrets fresh, by long-polling the secrets version; reads the view again when leadership
//! changes (the leader manages its application's secrets) and sends it again when a rotation
//! or expiry falls due, so the uniter looks at the clock then.

use std::time::Duration;

use tokio::sync::watch;

use super::lease_view::LeaderStatus;
use super::secret_hooks::next_due_ms;
use leaderd_core::wire::controller::SecretView;
use leaderd_net::controller_client::ControllerClient;
use leaderd_net::long_poll::{pause_after, WAIT};

/// Publishes the view into `view` until the receiver is gone. `term` is the unit's term while
/// it leads (from the tracker).
pub(crate) async fn run(
    client: ControllerClient,
    mut leader: watch::Receiver<LeaderStatus>,
    view: watch::Sender<Option<SecretView>>,
) {
    while !view.is_closed() {
        let term = match *leader.borrow_and_update() {
            LeaderStatus::Leader { term } => Some(term),
            _ => None,
        };
        let current = match client.secret_view(term).await {
            Ok(current) => current,
            Err(e) => {
                tokio::time::sleep(pause_after(&e, "reading the secrets failed; will retry")).await;
                continue;
            }
        };
        let version = current.version;
        // Wake the uniter when the next rotation or expiry falls due. One already past due
        // needs no timer: the uniter reads the clock whenever it next decides, and this view
        // is what it decides from.
        let now =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let due = next_due_ms(&current, now).map(|at| Duration::from_millis(at - now));
        view.send_replace(Some(current));
        let wake = async {
            match due {
                Some(due) => tokio::time::sleep(due).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            watched = client.watch_secrets(version, WAIT) => {
                if let Err(e) = watched {
                    tokio::time::sleep(pause_after(&e, "watching the secrets failed; will retry")).await;
                }
            }
            _ = leader.changed() => {}
            _ = wake => {}
        }
    }
}
