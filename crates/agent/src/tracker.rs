//! The leadership tracker (Juju's `worker/leadership/tracker.go`): it talks to the controller
//! and keeps the unit's [`LeaseView`], whose rules decide everything.
//!
//! It claims the lease for twice the guarantee and renews when less than the guarantee is left,
//! recording each answer against the instant the claim was *sent*. A minion long-polls the
//! controller for the lease's release and claims the moment it frees. Claims, renewals and
//! is-leader questions are serialised, like the tickets of Juju's single event loop; a claim
//! waits at most the guarantee for its answer (a later answer could not make a leader anyway).

use std::future::Future;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::Duration;

use tokio::sync::{watch, Mutex, MutexGuard};
use tokio::time::Instant;

use super::emit;
pub use super::lease_view::LeaderStatus;
use super::lease_view::{ClaimAnswer, LeaseView, Next};
use leaderd_net::controller_client::{CallError, ControllerClient};
use leaderd_net::long_poll::{self, REFUSED_PAUSE};
use leaderd_sys::events::Event;

/// What the tracker needs from the controller: the lease calls, nothing else.
pub trait LeaseApi: Send + Sync + 'static {
    /// Claims (or renews) the application's lease for this unit, for `duration`; gives up
    /// (unreachable) if no answer comes `within` (the next claim may go to another controller).
    fn claim(
        &self,
        duration: Duration,
        within: Duration,
    ) -> impl Future<Output = Result<ClaimAnswer, CallError>> + Send;
    /// Waits up to `timeout` for the lease to be free; true if it is.
    fn wait_released(&self, timeout: Duration) -> impl Future<Output = Result<bool, CallError>> + Send;
    /// Gives up the lease held under `term`, at once; true if the controller freed it.
    fn release(&self, term: u64) -> impl Future<Output = Result<bool, CallError>> + Send;
}

impl LeaseApi for ControllerClient {
    async fn claim(&self, duration: Duration, within: Duration) -> Result<ClaimAnswer, CallError> {
        let r = ControllerClient::claim_within(self, duration, within).await?;
        Ok(match (r.granted, r.term) {
            (true, Some(term)) => ClaimAnswer::Granted { term, expires_in: r.expires_in_ms.map(Duration::from_millis) },
            (true, None) => return Err(CallError::BadAnswer("controller: a granted claim without a term".into())),
            (false, _) => ClaimAnswer::Denied,
        })
    }

    async fn wait_released(&self, timeout: Duration) -> Result<bool, CallError> {
        ControllerClient::wait_released(self, timeout).await
    }

    async fn release(&self, term: u64) -> Result<bool, CallError> {
        ControllerClient::release(self, term).await
    }
}

/// Pause after a failed call to the controller: a claim, or a minion's long-poll for the
/// lease's release (whose wait and pause after a refusal are every long-poll's,
/// [`long_poll`]). Shorter than a watcher's retry: leadership waits on this loop.
const RETRY: Duration = Duration::from_millis(250);

/// How much longer than the guarantee a claim may take before the tracker stops waiting for
/// it, should the API not give up itself.
const CLAIM_BACKSTOP: Duration = Duration::from_millis(250);

pub struct Tracker<C: LeaseApi = ControllerClient> {
    unit: String,
    api: C,
    guarantee: Duration,
    view: Mutex<LeaseView>,
    /// The view's guarantee (term and until when), readable without waiting for a claim in
    /// flight: for write fencing and status.
    guaranteed: SyncMutex<Option<(u64, Instant)>>,
    status: watch::Sender<LeaderStatus>,
    /// The unit is leaving: no more claims, every is-leader False.
    resigned: std::sync::atomic::AtomicBool,
    /// The controller's last answer refused this unit outright (403), and that was logged: the
    /// next refusals are not (one warning, not one every claim).
    refused: std::sync::atomic::AtomicBool,
}

impl<C: LeaseApi> Tracker<C> {
    pub fn new(unit: &str, api: C, guarantee: Duration) -> Arc<Tracker<C>> {
        Arc::new(Tracker {
            unit: unit.into(),
            api,
            guarantee,
            view: Mutex::new(LeaseView::new(guarantee, Instant::now())),
            guaranteed: SyncMutex::new(None),
            status: watch::channel(LeaderStatus::Unknown).0,
            resigned: Default::default(),
            refused: Default::default(),
        })
    }

    pub fn unit(&self) -> &str {
        &self.unit
    }

    pub fn subscribe(&self) -> watch::Receiver<LeaderStatus> {
        self.status.subscribe()
    }

    pub fn status(&self) -> LeaderStatus {
        *self.status.borrow()
    }

    /// The term to write with, while leader with the guarantee left. Never waits.
    pub fn term(&self) -> Option<u64> {
        let guaranteed = *self.guaranteed.lock().unwrap();
        guaranteed.filter(|(_, until)| Instant::now() < *until).map(|(term, _)| term)
    }

    /// For status: does this unit hold the lease with the guarantee left? Never waits.
    pub fn guaranteed_now(&self) -> bool {
        self.term().is_some()
    }

    /// A claim ticket for is-leader: a minion is answered at once, without a claim; a leader
    /// whose renewal is due renews first, and the answer is True only if that renewal's grant
    /// arrived with the guarantee still left.
    pub async fn is_leader(&self) -> bool {
        let mut view = self.view.lock().await;
        let now = Instant::now();
        self.settle(&mut view, now);
        if view.renewal_due(now) {
            self.claim(&mut view).await;
        }
        view.guaranteed(Instant::now()).is_some()
    }

    /// Is `e` the controller refusing this unit outright (403 `forbidden`: the operator
    /// removed it, or its token is for another application)? Logs the first of a run of them,
    /// in the controller's words (`unit app/1 has been removed`).
    fn refused_outright(&self, e: &CallError) -> bool {
        use std::sync::atomic::Ordering::SeqCst;
        if !long_poll::refused_outright(e) {
            return false;
        }
        if !self.refused.swap(true, SeqCst) {
            tracing::warn!(
                unit = self.unit,
                error = %e,
                "the controller refuses this unit (it was removed, or its token is for another application): \
                 it will not lead, is-leader answers False, and it asks again only every {}",
                leaderd_core::duration::format(REFUSED_PAUSE)
            );
        }
        true
    }

    fn is_resigned(&self) -> bool {
        self.resigned.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The unit is leaving (its stop and remove hooks have run): from now on it claims nothing
    /// and every is-leader is False; then, if it may still hold the lease, it releases it, so
    /// another unit leads at once instead of at the lease's expiry. The release comes after
    /// the last True this unit could give (an is-leader in progress holds the view), so no
    /// other unit can be told True while this one still could be.
    pub async fn resign(&self) {
        self.resigned.store(true, std::sync::atomic::Ordering::SeqCst);
        let term = {
            let mut view = self.view.lock().await;
            let now = Instant::now();
            let term = view.held_term(now);
            view.resign();
            self.publish(&view, now);
            term
        };
        let Some(term) = term else { return };
        match self.api.release(term).await {
            Ok(true) => emit(&self.unit, Event::LeaseReleased { term }),
            Ok(false) => {}
            Err(e) => tracing::warn!(
                unit = self.unit,
                error = %e,
                "releasing the lease failed; it frees at its expiry"
            ),
        }
    }

    /// One claim; records the answer against the instant it was sent and publishes any change.
    /// Returns what the controller said. A resigned unit claims nothing.
    async fn claim(&self, view: &mut LeaseView) -> ClaimAnswer {
        if self.is_resigned() {
            return ClaimAnswer::Denied;
        }
        let sent = Instant::now();
        // The API gives up after the guarantee (an answer later than that is no use); the
        // timeout here only backs it up.
        let claim = self.api.claim(view.claim_duration(), self.guarantee);
        let mut refused = false;
        let answer = match tokio::time::timeout(self.guarantee + CLAIM_BACKSTOP, claim).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(e)) if self.refused_outright(&e) => {
                refused = true;
                ClaimAnswer::NoAnswer
            }
            Ok(Err(e)) => {
                tracing::warn!(unit = self.unit, error = %e, "lease claim failed");
                ClaimAnswer::NoAnswer
            }
            Err(_) => {
                tracing::warn!(unit = self.unit, "lease claim unanswered within the guarantee");
                ClaimAnswer::NoAnswer
            }
        };
        if !refused {
            self.refused.store(false, std::sync::atomic::Ordering::SeqCst);
        }
        let now = Instant::now();
        view.record(sent, answer, now);
        if matches!(answer, ClaimAnswer::Granted { .. }) && view.guaranteed(now).is_none() {
            let late_ms = (now - sent).as_millis() as u64;
            tracing::warn!(unit = self.unit, late_ms, "lease granted too late to count; claiming again");
        }
        self.publish(view, now);
        if let (ClaimAnswer::Granted { .. }, Some((term, until))) = (answer, view.guaranteed_until(now)) {
            let guarantee_ms = (until - now).as_millis() as u64;
            let lease_ms = guarantee_ms + self.guarantee.as_millis() as u64;
            leaderd_sys::events::record(Some(&self.unit), Event::Lease { term, lease_ms, guarantee_ms });
        }
        answer
    }

    /// A claim from the loop. After one that settled nothing (no answer, or a grant too late
    /// to count) and failed fast, pauses before the next, so a refused connection is not
    /// hammered; a claim that timed out is retried at once.
    async fn claim_or_pause(&self, mut view: MutexGuard<'_, LeaseView>) {
        let started = Instant::now();
        let answer = self.claim(&mut view).await;
        let settled = answer == ClaimAnswer::Denied || view.guaranteed(Instant::now()).is_some();
        drop(view);
        if self.refused.load(std::sync::atomic::Ordering::SeqCst) {
            self.pause_refused().await;
        } else if !settled && started.elapsed() < RETRY {
            tokio::time::sleep(RETRY).await;
        }
    }

    /// After an outright refusal: no call to the controller for [`REFUSED_PAUSE`], but the view
    /// is settled as time passes, so a lease that runs out meanwhile is published when it does.
    async fn pause_refused(&self) {
        let until = Instant::now() + REFUSED_PAUSE;
        while Instant::now() < until {
            tokio::time::sleep_until((Instant::now() + RETRY).min(until)).await;
            self.settle(&mut *self.view.lock().await, Instant::now());
        }
    }

    /// Lets the view forget a lease that ran out, and publishes the result.
    fn settle(&self, view: &mut LeaseView, now: Instant) {
        view.expire(now);
        self.publish(view, now);
    }

    fn publish(&self, view: &LeaseView, now: Instant) {
        *self.guaranteed.lock().unwrap() = view.guaranteed_until(now);
        let new = view.status();
        let old = self.status.send_replace(new);
        match (old, new) {
            (LeaderStatus::Leader { term: a }, LeaderStatus::Leader { term: b }) if a == b => {}
            (_, LeaderStatus::Leader { term }) => emit(&self.unit, Event::LeaderElected { term }),
            (LeaderStatus::Leader { term }, _) => emit(&self.unit, Event::LeadershipLost { term: Some(term) }),
            _ => {}
        }
    }

    /// The tracker's loop: first claim, renewals while leader, release waits while minion.
    pub async fn run(self: Arc<Self>) {
        loop {
            if self.is_resigned() {
                return std::future::pending().await;
            }
            let next = {
                let mut view = self.view.lock().await;
                self.settle(&mut view, Instant::now());
                view.next()
            };
            match next {
                Next::Renew { at } => {
                    tokio::time::sleep_until(at).await;
                    let view = self.view.lock().await;
                    // is-leader may have renewed meanwhile.
                    if view.renewal_due(Instant::now()) {
                        self.claim_or_pause(view).await;
                    }
                }
                Next::Claim => self.claim_or_pause(self.view.lock().await).await,
                Next::WaitRelease => match self.api.wait_released(long_poll::WAIT).await {
                    Ok(true) => {
                        self.claim(&mut *self.view.lock().await).await;
                    }
                    Ok(false) => {}
                    Err(e) if self.refused_outright(&e) => self.pause_refused().await,
                    Err(e) => {
                        tracing::warn!(unit = self.unit, error = %e, "waiting for the lease failed");
                        tokio::time::sleep(RETRY).await;
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex as StdMutex;

    use super::*;

    const G: Duration = Duration::from_secs(1);

    /// A scripted controller: each claim takes the next (delay, answer); when the script runs
    /// out, claims are denied. The lease is never released.
    #[derive(Default)]
    struct Scripted {
        claims: StdMutex<VecDeque<(Duration, Result<ClaimAnswer, CallError>)>>,
        sent: StdMutex<Vec<Instant>>,
        released: StdMutex<Vec<u64>>,
    }

    impl Scripted {
        fn new(script: Vec<(u64, Result<ClaimAnswer, CallError>)>) -> Scripted {
            let claims = script.into_iter().map(|(ms, a)| (Duration::from_millis(ms), a)).collect();
            Scripted { claims: StdMutex::new(claims), sent: StdMutex::default(), released: StdMutex::default() }
        }
    }

    impl LeaseApi for Arc<Scripted> {
        async fn claim(&self, _duration: Duration, within: Duration) -> Result<ClaimAnswer, CallError> {
            self.sent.lock().unwrap().push(Instant::now());
            let next = self.claims.lock().unwrap().pop_front();
            let (delay, answer) = next.unwrap_or((Duration::ZERO, Ok(ClaimAnswer::Denied)));
            // As the real client: no answer within the limit is a failure then.
            if delay > within {
                tokio::time::sleep(within).await;
                return Err(CallError::Unreachable("no answer in time".into()));
            }
            tokio::time::sleep(delay).await;
            answer
        }

        async fn wait_released(&self, timeout: Duration) -> Result<bool, CallError> {
            tokio::time::sleep(timeout).await;
            Ok(false)
        }

        async fn release(&self, term: u64) -> Result<bool, CallError> {
            self.released.lock().unwrap().push(term);
            Ok(true)
        }
    }

    fn granted(term: u64) -> Result<ClaimAnswer, CallError> {
        Ok(ClaimAnswer::Granted { term, expires_in: Some(G * 2) })
    }

    async fn at(t0: Instant, ms: u64) {
        tokio::time::sleep_until(t0 + Duration::from_millis(ms)).await;
    }

    #[tokio::test(start_paused = true)]
    async fn a_renewal_answered_late_never_answers_true() {
        // The slow-claim reproduction: the first claim is granted at once; the renewal sent at
        // 1 s is granted too, but its answer is held for 2.5 s, past the controller's lease
        // (which ends at 3 s, when another unit takes it). is-leader asked during the hold must
        // answer False, and so must every later question.
        let t0 = Instant::now();
        let api = Arc::new(Scripted::new(vec![(0, granted(1)), (2500, granted(1))]));
        let tracker = Tracker::new("app/0", api.clone(), G);
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 500).await;
        assert!(tracker.is_leader().await, "fresh grant: leader");
        assert_eq!(tracker.term(), Some(1));
        at(t0, 1500).await;
        assert!(!tracker.is_leader().await, "asked during the held renewal");
        assert!(Instant::now() < t0 + Duration::from_millis(2100), "answered by the guarantee's end, not the hold's");
        assert_eq!(tracker.term(), None, "no writes without the guarantee");
        at(t0, 3600).await;
        assert!(!tracker.is_leader().await);
        assert_eq!(tracker.status(), LeaderStatus::Minion);
        run.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn an_is_leader_whose_own_claim_is_answered_late_answers_false() {
        // The loop's renewal at 1 s fails fast; is-leader, asked at 1.1 s with the renewal due,
        // claims itself, and that claim is granted but answered only at 3.6 s. It must not
        // answer True then (the lease, counted from 1.1 s, ended at 3.1 s).
        let t0 = Instant::now();
        let refused = Err(CallError::Unreachable("controller unreachable: connection refused".into()));
        let api = Arc::new(Scripted::new(vec![(0, granted(1)), (0, refused), (2500, granted(1))]));
        let tracker = Tracker::new("app/0", api.clone(), G);
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 1100).await;
        assert!(!tracker.is_leader().await);
        assert_eq!(api.sent.lock().unwrap().len(), 3, "the third claim was is-leader's own");
        run.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn a_grant_that_leaves_less_than_the_guarantee_is_not_leadership() {
        // The controller grants, but says less than twice the guarantee is left (say, after a
        // restart): the answer arrives with less than the guarantee to go, so it is no proof.
        let t0 = Instant::now();
        let short = Ok(ClaimAnswer::Granted { term: 4, expires_in: Some(Duration::from_millis(1200)) });
        let api = Arc::new(Scripted::new(vec![(300, short.clone()), (300, short), (0, granted(4))]));
        let tracker = Tracker::new("app/0", api.clone(), G);
        assert!(!tracker.is_leader().await, "nothing known yet");
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 1000).await;
        assert!(tracker.is_leader().await, "the third, fresh grant");
        assert_eq!(api.sent.lock().unwrap().len(), 3, "stale grants were renewed at once");
        run.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn is_leader_does_not_claim_while_the_guarantee_holds() {
        let t0 = Instant::now();
        let api = Arc::new(Scripted::new(vec![(10, granted(1)), (10, granted(1)), (10, granted(1))]));
        let tracker = Tracker::new("app/0", api.clone(), G);
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 100).await;
        for _ in 0..100 {
            assert!(tracker.is_leader().await);
        }
        assert_eq!(api.sent.lock().unwrap().len(), 1);
        // The loop renews at 1 s after the send, and the unit stays leader throughout.
        at(t0, 2500).await;
        assert!(tracker.is_leader().await);
        let sent = api.sent.lock().unwrap().clone();
        assert_eq!(sent.len(), 3, "renewed at ~1 s and ~2 s: {sent:?}");
        assert!(sent[1] >= t0 + G && sent[1] < t0 + Duration::from_millis(1100));
        run.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn an_unreachable_controller_is_retried_with_a_pause_and_the_lease_runs_out() {
        let t0 = Instant::now();
        let down = || Err(CallError::Unreachable("controller unreachable: connection refused".into()));
        let mut script = vec![(0, granted(1))];
        script.extend((0..100).map(|_| (0, down())));
        let api = Arc::new(Scripted::new(script));
        let tracker = Tracker::new("app/0", api.clone(), G);
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 900).await;
        assert_eq!(tracker.status(), LeaderStatus::Leader { term: 1 });
        at(t0, 1500).await;
        assert!(!tracker.is_leader().await, "renewal failed: no guarantee");
        at(t0, 2100).await;
        assert_eq!(tracker.status(), LeaderStatus::Minion, "the lease ran out at 2 s");
        let claims = api.sent.lock().unwrap().len();
        assert!((4..=8).contains(&claims), "about one claim per 250 ms after 1 s, not a busy loop: {claims}");
        run.abort();
    }

    /// What the tracker logs, as text.
    #[derive(Clone, Default)]
    struct Logs(Arc<StdMutex<Vec<u8>>>);

    impl std::io::Write for Logs {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_removed_leader_answers_false_says_why_once_and_does_not_hammer() {
        let logs = Logs::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
        let _logging = tracing::subscriber::set_default(subscriber);
        let t0 = Instant::now();
        let removed = || {
            Err(CallError::Refused {
                code: leaderd_core::wire::ErrorCode::Forbidden,
                message: "permission denied: unit app/0 has been removed".into(),
            })
        };
        let mut script = vec![(0, granted(1))];
        script.extend((0..100).map(|_| (0, removed())));
        let api = Arc::new(Scripted::new(script));
        let tracker = Tracker::new("app/0", api.clone(), G);
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 900).await;
        assert!(tracker.is_leader().await);
        // The renewal at 1 s is refused: no guarantee from then on, the lease runs out.
        at(t0, 1500).await;
        assert!(!tracker.is_leader().await);
        at(t0, 2100).await;
        assert_eq!(tracker.status(), LeaderStatus::Minion);
        at(t0, 65_000).await;
        assert!(!tracker.is_leader().await);
        let sent = api.sent.lock().unwrap().len();
        // The grant, the renewal at 1 s, is-leader's own at 1.5 s (a renewal was due), then one
        // every 30 s: not one every 250 ms.
        assert!((4..=5).contains(&sent), "a claim every 30 s once refused: {sent}");
        run.abort();
        let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
        let warnings: Vec<&str> = text.lines().filter(|l| l.contains("WARN")).collect();
        assert_eq!(warnings.len(), 1, "one warning, not one per claim: {text}");
        assert!(warnings[0].contains("the controller refuses this unit (it was removed"), "{text}");
        assert!(warnings[0].contains("unit app/0 has been removed"), "{text}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_resigned_leader_answers_false_releases_its_term_and_claims_no_more() {
        let t0 = Instant::now();
        let api = Arc::new(Scripted::new(vec![(0, granted(5)), (0, granted(5)), (0, granted(5))]));
        let tracker = Tracker::new("app/0", api.clone(), G);
        let run = tokio::spawn(tracker.clone().run());
        at(t0, 100).await;
        assert!(tracker.is_leader().await);
        tracker.resign().await;
        assert_eq!(*api.released.lock().unwrap(), vec![5], "released under its term, once");
        assert!(!tracker.is_leader().await);
        assert_eq!(tracker.term(), None, "no writes");
        assert_eq!(tracker.status(), LeaderStatus::Minion);
        at(t0, 5000).await;
        assert_eq!(api.sent.lock().unwrap().len(), 1, "no renewal, no claim after resigning");
        assert!(!tracker.is_leader().await);
        run.abort();
    }
}
