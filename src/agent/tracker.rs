//! The leadership tracker (spec 3.1, 3.2; Juju's `worker/leadership/tracker.go`).
//!
//! It claims the lease for twice the guarantee and renews every guarantee, measuring from when
//! it *sent* each claim, so its view of the lease always ends before the controller's. A unit
//! is leader while that view has at least the guarantee left. A minion long-polls the
//! controller for the lease's release and claims the moment it frees. Claims, renewals and
//! is-leader questions are serialised, like the tickets of Juju's single event loop.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Mutex};
use tokio::time::Instant;

use super::controller_client::ControllerClient;
use super::event;

/// What the tracker knows, published to the hook runner and the status endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LeaderStatus {
    /// No answer from the controller yet.
    Unknown,
    Leader {
        term: u64,
    },
    Minion,
}

/// The tracker's view of the lease.
struct View {
    /// Some while this unit holds the lease.
    term: Option<u64>,
    /// When a renewal is due: claim sent + guarantee. Leader only before this instant.
    renew_at: Instant,
    /// The local lease end: claim sent + 2 × guarantee.
    ends_at: Instant,
    /// The last claim got no answer (controller down or restarting). Keep claiming rather than
    /// waiting for a release: the controller may still count this unit as the holder.
    claim_failed: bool,
}

pub struct Tracker {
    unit: String,
    client: ControllerClient,
    guarantee: Duration,
    view: Mutex<View>,
    status: watch::Sender<LeaderStatus>,
}

/// How long a minion's release long-poll waits before asking again.
const RELEASE_POLL: Duration = Duration::from_secs(30);
/// Pause after a failed call to the controller.
const RETRY: Duration = Duration::from_millis(250);

impl Tracker {
    pub fn new(unit: &str, client: ControllerClient, guarantee: Duration) -> Arc<Tracker> {
        let now = Instant::now();
        Arc::new(Tracker {
            unit: unit.into(),
            client,
            guarantee,
            view: Mutex::new(View { term: None, renew_at: now, ends_at: now, claim_failed: false }),
            status: watch::channel(LeaderStatus::Unknown).0,
        })
    }

    pub fn subscribe(&self) -> watch::Receiver<LeaderStatus> {
        self.status.subscribe()
    }

    pub fn status(&self) -> LeaderStatus {
        *self.status.borrow()
    }

    /// The term to write with, while leader.
    pub async fn term(&self) -> Option<u64> {
        let view = self.view.lock().await;
        view.term.filter(|_| Instant::now() < view.renew_at)
    }

    /// For status: does this unit hold the lease with the guarantee left? Never waits (a claim
    /// in flight holds the view; then the last published status answers).
    pub fn guaranteed_now(&self) -> bool {
        match self.view.try_lock() {
            Ok(view) => view.term.is_some() && Instant::now() < view.renew_at,
            Err(_) => matches!(self.status(), LeaderStatus::Leader { .. }),
        }
    }

    /// A claim ticket for is-leader: a minion is answered at once, without a claim; a leader
    /// whose renewal is due renews before answering.
    pub async fn is_leader(&self) -> bool {
        let mut view = self.view.lock().await;
        match view.term {
            None => false,
            Some(_) if Instant::now() < view.renew_at => true,
            Some(_) => self.claim(&mut view).await.unwrap_or(false),
        }
    }

    /// One claim for twice the guarantee; updates the view and publishes any change.
    async fn claim(&self, view: &mut View) -> Result<bool, ()> {
        let sent = Instant::now();
        let answer = self.client.claim(self.guarantee * 2).await;
        view.claim_failed = answer.is_err();
        match answer {
            Ok(r) if r.granted => {
                let term = r.term.unwrap_or_default();
                view.term = Some(term);
                view.renew_at = sent + self.guarantee;
                view.ends_at = sent + self.guarantee * 2;
                self.publish(LeaderStatus::Leader { term });
                Ok(true)
            }
            Ok(_) => {
                view.term = None;
                self.publish(LeaderStatus::Minion);
                Ok(false)
            }
            Err(e) => {
                tracing::warn!(unit = self.unit, error = %e, "lease claim failed");
                if view.term.is_some() && Instant::now() >= view.ends_at {
                    view.term = None;
                    self.publish(LeaderStatus::Minion);
                }
                Err(())
            }
        }
    }

    fn publish(&self, new: LeaderStatus) {
        let old = self.status.send_replace(new);
        match (old, new) {
            (LeaderStatus::Leader { term: a }, LeaderStatus::Leader { term: b }) if a == b => {}
            (_, LeaderStatus::Leader { term }) => event(&self.unit, format_args!("leader elected (term {term})")),
            (LeaderStatus::Leader { .. }, _) => event(&self.unit, format_args!("leadership lost")),
            _ => {}
        }
    }

    /// The tracker's loop: first claim, renewals while leader, release waits while minion.
    pub async fn run(self: Arc<Self>) {
        loop {
            let (leader, renew_at, claim_now) = {
                let view = self.view.lock().await;
                (view.term.is_some(), view.renew_at, self.status() == LeaderStatus::Unknown || view.claim_failed)
            };
            if leader {
                tokio::time::sleep_until(renew_at).await;
                let mut view = self.view.lock().await;
                // is-leader may have renewed meanwhile.
                if view.term.is_some() && Instant::now() >= view.renew_at && self.claim(&mut view).await.is_err() {
                    drop(view);
                    tokio::time::sleep(RETRY).await;
                }
            } else if claim_now {
                let claimed = self.claim(&mut *self.view.lock().await).await;
                if claimed.is_err() {
                    tokio::time::sleep(RETRY).await;
                }
            } else {
                match self.client.wait_released(RELEASE_POLL).await {
                    Ok(true) => {
                        let _ = self.claim(&mut *self.view.lock().await).await;
                    }
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(unit = self.unit, error = %e, "waiting for the lease failed");
                        tokio::time::sleep(RETRY).await;
                    }
                }
            }
        }
    }
}
