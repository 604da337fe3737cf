//! The unit's view of its lease, as a pure table: every method takes `now` (and a claim's
//! answer takes the instant the claim was *sent*), so the rules are tested without sleeping and
//! without a controller. The tracker (`tracker.rs`) owns one view and does the talking.
//!
//! The rules (Juju's `worker/leadership/tracker.go` keeps the same promise):
//!
//! - A claim's answer counts from when the claim was sent, never from when it arrived: the
//!   controller counts the lease from when it *received* the claim, which is later, so the
//!   view always ends no later than the controller's lease.
//! - The unit is leader, and is-leader may answer True, only while the view has at least the
//!   guarantee left: `now + guarantee <= ends_at`. A grant that arrives after that point (a
//!   slow network, a stalled controller) proves nothing any more: it is recorded, so the unit
//!   renews at once, but it never turns into a True.
//! - A denial makes the unit a minion at once. No answer at all (an error, a timeout) changes
//!   nothing the unit knew, except that the view runs out: once `ends_at` passes, the unit is
//!   a minion, because the controller may have given the lease to another unit by then.
//! - After a failed or stale claim the tracker claims again rather than waiting for the lease
//!   to be released: the controller may still count this unit as the holder.

use std::time::Duration;

use tokio::time::Instant;

/// What the tracker knows and publishes to the hook runner and the status endpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LeaderStatus {
    /// No answer from the controller yet.
    Unknown,
    Leader {
        term: u64,
    },
    Minion,
}

/// The controller's answer to one claim, as the view needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClaimAnswer {
    /// Granted under `term`; the lease runs `expires_in` from when the controller received the
    /// claim (`None`: the duration the unit asked for).
    Granted {
        term: u64,
        expires_in: Option<Duration>,
    },
    Denied,
    /// An error or a timeout: the claim may or may not have been granted.
    NoAnswer,
}

/// What the tracker should do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Next {
    /// Renew the lease this unit holds, at this instant (which may have passed: at once).
    Renew { at: Instant },
    /// Claim at once: nothing known yet, or the last claim got no usable answer.
    Claim,
    /// A minion: wait for the controller to say the lease is free, then claim.
    WaitRelease,
}

/// One unit's view of its application's lease.
#[derive(Debug, Clone)]
pub(crate) struct LeaseView {
    guarantee: Duration,
    /// Some while this unit may hold the lease (until `ends_at`).
    term: Option<u64>,
    /// The end of the lease as this unit may count it: claim sent + lease granted.
    ends_at: Instant,
    /// The last claim got no usable answer: claim again rather than wait for a release.
    claim_again: bool,
    status: LeaderStatus,
}

impl LeaseView {
    pub fn new(guarantee: Duration, now: Instant) -> LeaseView {
        LeaseView { guarantee, term: None, ends_at: now, claim_again: false, status: LeaderStatus::Unknown }
    }

    /// How long each claim asks for: twice the guarantee.
    pub fn claim_duration(&self) -> Duration {
        self.guarantee * 2
    }

    /// The instant from which a held lease has less than the guarantee left: the renewal is
    /// due, and is-leader stops answering True until a fresh grant.
    fn renew_at(&self) -> Instant {
        self.ends_at.checked_sub(self.guarantee).unwrap_or(self.ends_at)
    }

    /// The term to act under, if this unit holds the lease with at least the guarantee left at
    /// `now`. This, and only this, makes is-leader True and lets a write go out.
    pub fn guaranteed(&self, now: Instant) -> Option<u64> {
        self.term.filter(|_| now < self.renew_at())
    }

    /// The instant until which [`guaranteed`](Self::guaranteed) holds, if it holds at `now`.
    pub fn guaranteed_until(&self, now: Instant) -> Option<(u64, Instant)> {
        self.guaranteed(now).map(|term| (term, self.renew_at()))
    }

    /// Does this unit hold the lease, but with its renewal due (is-leader must claim first)?
    pub fn renewal_due(&self, now: Instant) -> bool {
        self.term.is_some() && now >= self.renew_at()
    }

    pub fn status(&self) -> LeaderStatus {
        self.status
    }

    pub fn next(&self) -> Next {
        match self.term {
            Some(_) => Next::Renew { at: self.renew_at() },
            None if self.claim_again || self.status == LeaderStatus::Unknown => Next::Claim,
            None => Next::WaitRelease,
        }
    }

    /// Records the answer to a claim sent at `sent` that arrived at `now`; returns the status
    /// afterwards (the caller publishes a change).
    pub fn record(&mut self, sent: Instant, answer: ClaimAnswer, now: Instant) -> LeaderStatus {
        match answer {
            ClaimAnswer::Granted { term, expires_in } => {
                self.term = Some(term);
                self.ends_at = sent + expires_in.unwrap_or(self.claim_duration());
                let fresh = now < self.renew_at();
                self.claim_again = !fresh;
                if fresh {
                    self.status = LeaderStatus::Leader { term };
                }
                // A stale grant leaves the status as it was: the unit renews at once, and only a
                // fresh grant makes it (or keeps it) leader.
            }
            ClaimAnswer::Denied => {
                self.term = None;
                self.claim_again = false;
                self.status = LeaderStatus::Minion;
            }
            ClaimAnswer::NoAnswer => self.claim_again = true,
        }
        self.expire(now)
    }

    /// Forgets a lease whose end has passed: another unit may hold it by now. Returns the
    /// status afterwards.
    pub fn expire(&mut self, now: Instant) -> LeaderStatus {
        if self.term.is_some() && now >= self.ends_at {
            self.term = None;
            if matches!(self.status, LeaderStatus::Leader { .. }) {
                self.status = LeaderStatus::Minion;
            }
        }
        self.status
    }

    /// The term of a lease this unit may still hold (guaranteed or not) at `now`: what a
    /// leaving unit releases.
    pub fn held_term(&self, now: Instant) -> Option<u64> {
        self.term.filter(|_| now < self.ends_at)
    }

    /// The unit is leaving (`leaderd remove-unit`, after its last hook): it gives up whatever
    /// it held and is a minion from now on, so nothing it is asked afterwards is True.
    pub fn resign(&mut self) {
        self.term = None;
        self.claim_again = false;
        self.status = LeaderStatus::Minion;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: Duration = Duration::from_secs(1);

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn granted(term: u64) -> ClaimAnswer {
        ClaimAnswer::Granted { term, expires_in: None }
    }

    #[test]
    fn a_fresh_grant_leads_for_the_guarantee_counted_from_the_send() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        assert_eq!(view.next(), Next::Claim, "nothing known: claim at once");
        // Sent at t0, answered 300 ms later: leader until t0 + 1 s, not t0 + 1.3 s.
        assert_eq!(view.record(t0, granted(7), t0 + ms(300)), LeaderStatus::Leader { term: 7 });
        assert_eq!(view.guaranteed(t0 + ms(999)), Some(7));
        assert_eq!(view.guaranteed(t0 + G), None);
        assert!(view.renewal_due(t0 + G));
        assert_eq!(view.next(), Next::Renew { at: t0 + G });
        assert_eq!(view.guaranteed_until(t0 + ms(500)), Some((7, t0 + G)));
    }

    #[test]
    fn a_grant_that_arrives_after_the_guarantee_never_makes_a_leader() {
        // The slow-claim case: the renewal sent at 1 s is granted, but the answer is held until
        // 3.5 s, after the controller's lease (counted from its receipt) ran out and another
        // unit took it. The view must not answer True on it.
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        view.record(t0, granted(1), t0 + ms(5));
        let sent = t0 + G;
        let status = view.record(sent, granted(1), t0 + ms(3500));
        assert_eq!(view.guaranteed(t0 + ms(3500)), None);
        assert_eq!(status, LeaderStatus::Minion, "past the view's end: minion");
        assert_eq!(view.next(), Next::Claim, "claim again at once rather than wait");
    }

    #[test]
    fn a_late_grant_inside_the_lease_renews_at_once_and_keeps_the_status() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        view.record(t0, granted(1), t0);
        // Sent at 1 s, arrived at 2.2 s: the lease (to 3 s) is still this unit's, but less than
        // the guarantee is left.
        let status = view.record(t0 + G, granted(1), t0 + ms(2200));
        assert_eq!(status, LeaderStatus::Leader { term: 1 }, "no flap to minion while the lease runs");
        assert_eq!(view.guaranteed(t0 + ms(2200)), None);
        assert!(view.renewal_due(t0 + ms(2200)));
        // A fresh renewal restores the guarantee.
        view.record(t0 + ms(2200), granted(1), t0 + ms(2210));
        assert_eq!(view.guaranteed(t0 + ms(3000)), Some(1));
    }

    #[test]
    fn a_stale_first_grant_does_not_elect() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        let status = view.record(t0, granted(3), t0 + ms(1500));
        assert_eq!(status, LeaderStatus::Unknown);
        assert_eq!(view.guaranteed(t0 + ms(1500)), None);
        assert_eq!(view.next(), Next::Renew { at: t0 + G });
        let status = view.record(t0 + ms(1500), granted(3), t0 + ms(1600));
        assert_eq!(status, LeaderStatus::Leader { term: 3 });
    }

    #[test]
    fn the_controllers_expiry_shortens_the_view() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        // The controller says only 1.5 s are left: leader for 0.5 s after the send.
        view.record(t0, ClaimAnswer::Granted { term: 2, expires_in: Some(ms(1500)) }, t0 + ms(10));
        assert_eq!(view.guaranteed(t0 + ms(499)), Some(2));
        assert_eq!(view.guaranteed(t0 + ms(500)), None);
        // An answer with less than the guarantee left is stale on arrival.
        view.record(t0 + ms(600), ClaimAnswer::Granted { term: 2, expires_in: Some(ms(900)) }, t0 + ms(601));
        assert_eq!(view.guaranteed(t0 + ms(601)), None);
    }

    #[test]
    fn no_answer_keeps_the_lease_until_its_end_then_a_minion() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        view.record(t0, granted(1), t0);
        assert_eq!(view.record(t0 + G, ClaimAnswer::NoAnswer, t0 + ms(1250)), LeaderStatus::Leader { term: 1 });
        assert_eq!(view.guaranteed(t0 + ms(1250)), None);
        assert_eq!(view.next(), Next::Renew { at: t0 + G });
        assert_eq!(view.expire(t0 + ms(1999)), LeaderStatus::Leader { term: 1 });
        assert_eq!(view.expire(t0 + ms(2000)), LeaderStatus::Minion);
        assert_eq!(view.next(), Next::Claim, "the controller may still count this unit: claim, don't wait");
    }

    #[test]
    fn a_denial_makes_a_minion_that_waits_for_the_release() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        view.record(t0, granted(1), t0);
        assert_eq!(view.record(t0 + G, ClaimAnswer::Denied, t0 + ms(1010)), LeaderStatus::Minion);
        assert_eq!(view.guaranteed(t0 + ms(1010)), None);
        assert_eq!(view.next(), Next::WaitRelease);
        // No answer while a minion: claim rather than wait (the controller may be back empty).
        view.record(t0 + ms(2000), ClaimAnswer::NoAnswer, t0 + ms(2100));
        assert_eq!(view.next(), Next::Claim);
        assert_eq!(view.status(), LeaderStatus::Minion);
    }

    #[test]
    fn no_answer_before_any_answer_stays_unknown() {
        let t0 = Instant::now();
        let mut view = LeaseView::new(G, t0);
        assert_eq!(view.record(t0, ClaimAnswer::NoAnswer, t0 + ms(100)), LeaderStatus::Unknown);
        assert_eq!(view.next(), Next::Claim);
    }

    #[test]
    fn a_resigned_leader_is_a_minion_with_nothing_guaranteed_and_knows_its_term_until_then() {
        let t0 = Instant::now();
        let mut v = LeaseView::new(G, t0);
        v.record(t0, granted(3), t0 + ms(10));
        assert_eq!(v.held_term(t0 + ms(20)), Some(3));
        assert_eq!(v.guaranteed(t0 + ms(20)), Some(3));
        assert_eq!(v.held_term(t0 + G * 2), None, "the lease has run out");
        v.resign();
        assert_eq!(v.status(), LeaderStatus::Minion);
        assert_eq!(v.guaranteed(t0 + ms(20)), None);
        assert_eq!(v.held_term(t0 + ms(20)), None);
        assert!(!v.renewal_due(t0 + ms(20)));
        assert_eq!(v.next(), Next::WaitRelease);
    }
}
