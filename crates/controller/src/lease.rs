//! The lease rules, per application (Juju's `worker/lease/manager.go`), as a pure
//! table: every method takes `now` from the controller's monotonic clock, so tests drive time
//! by hand.
//!
//! - A claim is granted when the lease is free (never held, expired, or revoked) or already held
//!   by the claimant (then it is extended); it is denied while another unit holds it.
//! - Every grant to a holder that did not hold the lease a moment ago increments the **term**,
//!   the fencing token that leader-settings writes must carry. Re-acquiring after an expiry or a
//!   revoke is a new term too, so writes from before can never be mistaken for current ones.
//! - Expiry runs from the receipt of the claim on this clock; renewals are not persisted.
//! - A revoke (the operator forcing a leader change) refuses the holder's renewals, so the lease
//!   frees at its current expiry: the holder was promised the lease until then, and may be
//!   answering is-leader True until then, so freeing it sooner would make two leaders. For one
//!   second after that expiry the revoked unit may not take the lease back, so a minion (which
//!   claims the moment the lease frees) leads next.
//! - An elect (the operator naming the next leader, `leaderd elect APP/N`) revokes the holder
//!   the same way and **designates** the chosen unit: once the lease frees, only that unit may
//!   claim it. The designation lapses a bound (the maximum lease) after the lease frees, so an
//!   application whose chosen unit never claims is not left leaderless for long.
//! - A release (a leaving unit, `leaderd remove-unit`, after its last hook) frees the lease at
//!   once, if the caller holds it under the term it gives: it promises it no longer acts as
//!   leader, so nobody need wait out its lease.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

/// How long past its expiry a revoked holder may not take the lease back.
const REVOKED_BAR: Duration = Duration::from_secs(1);

/// One application's lease.
#[derive(Debug, Clone, PartialEq)]
pub struct Lease {
    /// The unit holding it, until `expiry`.
    pub holder: Option<String>,
    /// Revoked by the operator: the holder may not renew; the lease frees at `expiry`.
    pub revoked: bool,
    /// After a revoke, the revoked unit may not take the lease again until this instant, so
    /// that a waiting minion gets it: the operator asked for a different leader.
    pub barred: Option<(String, Instant)>,
    /// The unit the operator elected: while the lease is free and before the instant, only it
    /// may claim.
    pub designated: Option<(String, Instant)>,
    /// The fencing term of the current (or last) holder. 0: never granted.
    pub term: u64,
    pub expiry: Instant,
}

impl Lease {
    /// The holder, if the lease has not expired at `now`.
    pub fn live_holder(&self, now: Instant) -> Option<&str> {
        self.holder.as_deref().filter(|_| self.expiry > now)
    }
}

/// The answer to a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Claim {
    /// The claimant holds the lease with `term` until `expiry`. `new_term` says the holder or
    /// term changed, which must be persisted before the claimant is told.
    Granted {
        term: u64,
        expiry: Instant,
        new_term: bool,
    },
    Denied,
}

/// The answer to an elect.
#[derive(Debug, Clone, PartialEq)]
pub enum Elect {
    /// The unit holds the lease already (under `term`): nothing to do.
    AlreadyLeader { term: u64 },
    /// The unit is designated; the lease frees at `frees_at` (now, if nobody held it), and
    /// `revoked_term` is the holder's term, if anyone held it.
    Designated { revoked_term: Option<u64>, frees_at: Instant },
}

/// Every application's lease.
#[derive(Debug, Default)]
pub(crate) struct LeaseTable {
    leases: HashMap<String, Lease>,
}

impl LeaseTable {
    /// `unit` claims `app`'s lease for `duration` (the caller has checked the range).
    pub fn claim(&mut self, app: &str, unit: &str, duration: Duration, now: Instant) -> Claim {
        let lease = self.leases.entry(app.to_string()).or_insert_with(|| Lease {
            holder: None,
            revoked: false,
            barred: None,
            designated: None,
            term: 0,
            expiry: now,
        });
        let designated_other = lease.designated.as_ref().is_some_and(|(chosen, until)| chosen != unit && now < *until);
        let designated_me = lease.designated.as_ref().is_some_and(|(chosen, until)| chosen == unit && now < *until);
        match lease.live_holder(now) {
            Some(holder) if holder == unit && lease.revoked => Claim::Denied,
            Some(holder) if holder == unit => {
                // Extending never shortens a lease.
                lease.expiry = lease.expiry.max(now + duration);
                Claim::Granted { term: lease.term, expiry: lease.expiry, new_term: false }
            }
            Some(_) => Claim::Denied,
            None if designated_other => Claim::Denied,
            None if !designated_me
                && lease.barred.as_ref().is_some_and(|(barred, until)| barred == unit && now < *until) =>
            {
                Claim::Denied
            }
            None => {
                lease.barred = None;
                lease.designated = None;
                lease.holder = Some(unit.to_string());
                lease.revoked = false;
                lease.term += 1;
                lease.expiry = now + duration;
                Claim::Granted { term: lease.term, expiry: lease.expiry, new_term: true }
            }
        }
    }

    /// Does `unit` hold `app`'s lease under `term` at `now`? This is the fence for writes.
    pub fn holds(&self, app: &str, unit: &str, term: u64, now: Instant) -> bool {
        self.leases.get(app).is_some_and(|l| l.term == term && l.live_holder(now) == Some(unit))
    }

    /// Revokes `app`'s lease: no more renewals; it frees at its expiry. Returns the revoked
    /// term and that expiry, or `None` if nobody holds it.
    pub fn revoke(&mut self, app: &str, now: Instant) -> Option<(u64, Instant)> {
        let lease = self.leases.get_mut(app)?;
        let holder = lease.live_holder(now)?.to_string();
        lease.revoked = true;
        lease.barred = Some((holder, lease.expiry + REVOKED_BAR));
        Some((lease.term, lease.expiry))
    }

    /// May `unit` claim `app`'s lease at `now` and get it? `Err(at)`: not before `at` (the
    /// holder's expiry, the end of another unit's designation, or the end of this unit's bar),
    /// when it is worth asking again. What a minion's release wait waits for, so a minion that
    /// would be denied (an elect chose another unit) does not claim in a loop.
    pub fn claimable(&self, app: &str, unit: &str, now: Instant) -> Result<(), Instant> {
        let Some(lease) = self.leases.get(app) else { return Ok(()) };
        if lease.live_holder(now).is_some() {
            return Err(lease.expiry);
        }
        match &lease.designated {
            Some((chosen, until)) if now < *until && chosen != unit => return Err(*until),
            Some((_, until)) if now < *until => return Ok(()),
            _ => {}
        }
        match &lease.barred {
            Some((barred, until)) if barred == unit && now < *until => Err(*until),
            _ => Ok(()),
        }
    }

    /// The operator elects `unit` (of `app`) as the next leader: the holder, if another, is
    /// revoked (its lease runs to its expiry, never shorter), and only `unit` may claim the
    /// lease once it frees, until `bound` after that.
    pub fn elect(&mut self, app: &str, unit: &str, now: Instant, bound: Duration) -> Elect {
        let lease = self.leases.entry(app.to_string()).or_insert_with(|| Lease {
            holder: None,
            revoked: false,
            barred: None,
            designated: None,
            term: 0,
            expiry: now,
        });
        match lease.live_holder(now).map(String::from) {
            Some(holder) if holder == unit => {
                // The operator wants the holder: a revoke pending on it is withdrawn (it holds
                // the lease throughout, so nobody else could have been told anything).
                lease.revoked = false;
                lease.barred = None;
                lease.designated = None;
                Elect::AlreadyLeader { term: lease.term }
            }
            Some(holder) => {
                lease.revoked = true;
                lease.barred = Some((holder, lease.expiry + REVOKED_BAR));
                lease.designated = Some((unit.to_string(), lease.expiry + bound));
                Elect::Designated { revoked_term: Some(lease.term), frees_at: lease.expiry }
            }
            None => {
                lease.designated = Some((unit.to_string(), now + bound));
                Elect::Designated { revoked_term: None, frees_at: now }
            }
        }
    }

    /// `unit` gives up `app`'s lease, held under `term`: it frees at once. False (nothing
    /// changes) if `unit` does not hold it under `term` at `now`.
    pub fn release(&mut self, app: &str, unit: &str, term: u64, now: Instant) -> bool {
        if !self.holds(app, unit, term, now) {
            return false;
        }
        let lease = self.leases.get_mut(app).expect("held");
        lease.expiry = now;
        lease.revoked = false;
        lease.barred = None;
        true
    }

    /// `unit` was removed: an elect's designation of it is withdrawn (it will never claim), so
    /// the lease goes to whoever claims once it frees rather than to nobody until the
    /// designation's bound. A revoke stands; a lease `unit` holds is left to expire or be
    /// released (it may have answered is-leader True until then).
    pub fn forget(&mut self, app: &str, unit: &str) {
        if let Some(lease) = self.leases.get_mut(app) {
            if lease.designated.as_ref().is_some_and(|(chosen, _)| chosen == unit) {
                lease.designated = None;
            }
        }
    }

    /// After a restart: honour a persisted holder for `grace` (the maximum lease duration),
    /// during which it may renew and nobody else may claim.
    pub fn restore(&mut self, app: &str, holder: Option<String>, term: u64, now: Instant, grace: Duration) {
        let expiry = if holder.is_some() { now + grace } else { now };
        let lease = Lease { holder, revoked: false, barred: None, designated: None, term, expiry };
        self.leases.insert(app.to_string(), lease);
    }

    pub fn get(&self, app: &str) -> Option<&Lease> {
        self.leases.get(app)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Lease)> {
        self.leases.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    fn table_at() -> (LeaseTable, Instant) {
        (LeaseTable::default(), Instant::now())
    }

    #[test]
    fn grant_extend_deny() {
        let (mut t, t0) = table_at();
        assert_eq!(t.claim("app", "app/0", MIN, t0), Claim::Granted { term: 1, expiry: t0 + MIN, new_term: true });
        assert_eq!(t.claim("app", "app/1", MIN, t0 + Duration::from_secs(10)), Claim::Denied);
        // The holder extends: same term, later expiry, nothing to persist.
        let t1 = t0 + Duration::from_secs(30);
        assert_eq!(t.claim("app", "app/0", MIN, t1), Claim::Granted { term: 1, expiry: t1 + MIN, new_term: false });
        // A shorter renewal does not shorten it.
        assert_eq!(
            t.claim("app", "app/0", Duration::from_secs(5), t1),
            Claim::Granted { term: 1, expiry: t1 + MIN, new_term: false }
        );
        // Applications are independent.
        assert!(matches!(t.claim("other", "other/3", MIN, t1), Claim::Granted { term: 1, .. }));
    }

    #[test]
    fn expiry_frees_the_lease_and_the_next_holder_gets_a_new_term() {
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        assert!(t.holds("app", "app/0", 1, t0 + MIN - Duration::from_millis(1)));
        assert!(!t.holds("app", "app/0", 1, t0 + MIN), "expired exactly at expiry");
        assert_eq!(
            t.claim("app", "app/1", MIN, t0 + MIN),
            Claim::Granted { term: 2, expiry: t0 + MIN * 2, new_term: true }
        );
        // The old holder coming back later is a new term again: its old writes stay fenced.
        let t2 = t0 + MIN * 3;
        assert_eq!(t.claim("app", "app/0", MIN, t2), Claim::Granted { term: 3, expiry: t2 + MIN, new_term: true });
        assert!(!t.holds("app", "app/0", 1, t2));
        assert!(t.holds("app", "app/0", 3, t2));
    }

    #[test]
    fn revoke_refuses_renewals_and_frees_at_the_expiry() {
        let (mut t, t0) = table_at();
        assert_eq!(t.revoke("app", t0), None, "nothing to revoke");
        t.claim("app", "app/0", MIN, t0);
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(t.revoke("app", t1), Some((1, t0 + MIN)));
        // Still the holder until the expiry (it may be answering is-leader True), but no renewal.
        assert!(t.holds("app", "app/0", 1, t1));
        assert_eq!(t.claim("app", "app/0", MIN, t1), Claim::Denied);
        assert_eq!(t.claim("app", "app/2", MIN, t1), Claim::Denied);
        // The revoked unit may not take it straight back; another may.
        assert_eq!(t.claim("app", "app/0", MIN, t0 + MIN), Claim::Denied);
        assert!(matches!(t.claim("app", "app/2", MIN, t0 + MIN), Claim::Granted { term: 2, .. }));
        assert!(
            matches!(t.claim("app", "app/2", MIN, t0 + MIN + Duration::from_secs(1)), Claim::Granted { term: 2, .. }),
            "the new holder renews"
        );
    }

    #[test]
    fn a_restored_holder_is_honoured_for_the_grace_and_may_renew() {
        let (mut t, t0) = table_at();
        let grace = Duration::from_secs(300);
        t.restore("app", Some("app/0".into()), 7, t0, grace);
        assert_eq!(t.claim("app", "app/1", MIN, t0 + grace - Duration::from_millis(1)), Claim::Denied);
        assert!(t.holds("app", "app/0", 7, t0 + Duration::from_secs(1)));
        let renewed = t.claim("app", "app/0", MIN, t0 + Duration::from_secs(10));
        assert_eq!(renewed, Claim::Granted { term: 7, expiry: t0 + grace, new_term: false });
        assert!(matches!(t.claim("app", "app/1", MIN, t0 + grace), Claim::Granted { term: 8, .. }));
        // A restored lease without a holder is free at once.
        t.restore("free", None, 4, t0, grace);
        assert!(matches!(t.claim("free", "free/0", MIN, t0), Claim::Granted { term: 5, .. }));
    }

    #[test]
    fn elect_revokes_the_holder_and_only_the_chosen_unit_claims_when_it_frees() {
        let (mut t, t0) = table_at();
        let bound = Duration::from_secs(300);
        t.claim("app", "app/0", MIN, t0);
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(t.elect("app", "app/2", t1, bound), Elect::Designated { revoked_term: Some(1), frees_at: t0 + MIN });
        // The holder keeps its lease to the expiry, never shorter, and may not renew.
        assert!(t.holds("app", "app/0", 1, t0 + MIN - Duration::from_millis(1)));
        assert_eq!(t.claim("app", "app/0", MIN, t1), Claim::Denied);
        assert_eq!(t.claim("app", "app/2", MIN, t1), Claim::Denied, "not before it frees");
        // Once free: another unit is refused, the chosen one is granted a new term.
        assert_eq!(t.claim("app", "app/1", MIN, t0 + MIN), Claim::Denied);
        assert_eq!(t.claim("app", "app/0", MIN, t0 + MIN), Claim::Denied);
        let t2 = t0 + MIN + Duration::from_millis(5);
        assert_eq!(t.claim("app", "app/2", MIN, t2), Claim::Granted { term: 2, expiry: t2 + MIN, new_term: true });
        assert_eq!(t.get("app").unwrap().designated, None, "a designation is used once");
    }

    #[test]
    fn a_designation_lapses_after_the_bound_so_the_application_is_not_left_leaderless() {
        let (mut t, t0) = table_at();
        let bound = Duration::from_secs(30);
        t.claim("app", "app/0", MIN, t0);
        t.elect("app", "app/9", t0, bound);
        assert_eq!(t.claim("app", "app/1", MIN, t0 + MIN + bound - Duration::from_millis(1)), Claim::Denied);
        assert!(matches!(t.claim("app", "app/1", MIN, t0 + MIN + bound), Claim::Granted { term: 2, .. }));
        // With nobody holding the lease, the bound runs from the elect.
        let (mut t, t0) = table_at();
        assert_eq!(t.elect("free", "free/3", t0, bound), Elect::Designated { revoked_term: None, frees_at: t0 });
        assert_eq!(t.claim("free", "free/0", MIN, t0), Claim::Denied);
        assert!(matches!(t.claim("free", "free/3", MIN, t0), Claim::Granted { term: 1, .. }));
    }

    #[test]
    fn electing_the_holder_changes_nothing_and_withdraws_a_pending_revoke() {
        let (mut t, t0) = table_at();
        let bound = Duration::from_secs(300);
        t.claim("app", "app/0", MIN, t0);
        assert_eq!(t.elect("app", "app/0", t0, bound), Elect::AlreadyLeader { term: 1 });
        t.revoke("app", t0);
        assert_eq!(t.elect("app", "app/0", t0, bound), Elect::AlreadyLeader { term: 1 });
        let t1 = t0 + Duration::from_secs(30);
        assert_eq!(t.claim("app", "app/0", MIN, t1), Claim::Granted { term: 1, expiry: t1 + MIN, new_term: false });
    }

    #[test]
    fn a_designated_unit_that_was_revoked_before_may_claim() {
        // revoke app/0, then elect app/0 again once someone else leads: the bar does not apply.
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.revoke("app", t0);
        assert!(matches!(t.claim("app", "app/1", MIN, t0 + MIN), Claim::Granted { term: 2, .. }));
        t.elect("app", "app/0", t0 + MIN, Duration::from_secs(300));
        assert!(matches!(t.claim("app", "app/0", MIN, t0 + MIN * 2), Claim::Granted { term: 3, .. }));
    }

    #[test]
    fn release_frees_the_lease_at_once_only_for_the_holder_under_its_term() {
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        let t1 = t0 + Duration::from_secs(1);
        assert!(!t.release("app", "app/1", 1, t1), "not the holder");
        assert!(!t.release("app", "app/0", 7, t1), "not its term");
        assert!(!t.release("other", "other/0", 1, t1), "no such lease");
        assert!(t.holds("app", "app/0", 1, t1));
        assert!(t.release("app", "app/0", 1, t1));
        assert!(!t.holds("app", "app/0", 1, t1), "free at once");
        assert!(!t.release("app", "app/0", 1, t1), "once");
        assert_eq!(t.claim("app", "app/1", MIN, t1), Claim::Granted { term: 2, expiry: t1 + MIN, new_term: true });
    }

    #[test]
    fn a_removed_unit_loses_its_designation_so_another_may_claim_when_the_lease_frees() {
        // elect app/2, then app/2 is removed before it claims: nobody should wait out the
        // designation's bound for a unit that will never claim.
        let (mut t, t0) = table_at();
        let bound = Duration::from_secs(300);
        t.claim("app", "app/0", MIN, t0);
        t.elect("app", "app/2", t0, bound);
        t.forget("app", "app/1");
        assert_eq!(t.claim("app", "app/1", MIN, t0 + MIN), Claim::Denied, "another unit's removal changes nothing");
        t.forget("app", "app/2");
        assert_eq!(t.claimable("app", "app/1", t0 + MIN), Ok(()));
        assert!(matches!(t.claim("app", "app/1", MIN, t0 + MIN), Claim::Granted { term: 2, .. }));
    }

    #[test]
    fn claimable_says_when_a_claim_would_be_granted() {
        let (mut t, t0) = table_at();
        let bound = Duration::from_secs(30);
        assert_eq!(t.claimable("app", "app/1", t0), Ok(()), "never held");
        t.claim("app", "app/0", MIN, t0);
        assert_eq!(t.claimable("app", "app/1", t0), Err(t0 + MIN), "held: at its expiry");
        t.elect("app", "app/2", t0, bound);
        assert_eq!(t.claimable("app", "app/2", t0 + MIN), Ok(()));
        assert_eq!(t.claimable("app", "app/1", t0 + MIN), Err(t0 + MIN + bound), "designated to another");
        assert_eq!(t.claimable("app", "app/0", t0 + MIN), Err(t0 + MIN + bound));
        assert_eq!(t.claimable("app", "app/1", t0 + MIN + bound), Ok(()), "the designation lapsed");
        // Every answer agrees with what a claim would get.
        for (unit, at) in [("app/1", t0 + MIN), ("app/2", t0 + MIN)] {
            let mut copy = LeaseTable { leases: t.leases.clone() };
            let granted = matches!(copy.claim("app", unit, MIN, at), Claim::Granted { .. });
            assert_eq!(t.claimable("app", unit, at).is_ok(), granted, "{unit}");
        }
        // A revoked holder is barred for a moment after its expiry.
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.revoke("app", t0);
        assert_eq!(t.claimable("app", "app/0", t0 + MIN), Err(t0 + MIN + REVOKED_BAR));
        assert_eq!(t.claimable("app", "app/1", t0 + MIN), Ok(()));
    }

    #[test]
    fn the_revoke_bar_ends_exactly_one_second_after_the_expiry() {
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.revoke("app", t0);
        let bar_end = t0 + MIN + REVOKED_BAR;
        let just_before = bar_end - Duration::from_millis(1);
        assert_eq!(t.claimable("app", "app/0", just_before), Err(bar_end));
        assert_eq!(t.claim("app", "app/0", MIN, just_before), Claim::Denied);
        // Nobody else claimed in that second: the revoked unit may lead again, not later than asked.
        assert_eq!(t.claimable("app", "app/0", bar_end), Ok(()));
        assert_eq!(
            t.claim("app", "app/0", MIN, bar_end),
            Claim::Granted { term: 2, expiry: bar_end + MIN, new_term: true }
        );
    }

    #[test]
    fn electing_the_unit_revoked_a_moment_ago_lifts_its_bar() {
        // revoke app/0; its lease frees; within the second it is barred, the operator changes
        // their mind and elects app/0: it claims at once, and nobody else may.
        let (mut t, t0) = table_at();
        let bound = Duration::from_secs(300);
        t.claim("app", "app/0", MIN, t0);
        t.revoke("app", t0);
        let freed = t0 + MIN;
        assert_eq!(t.elect("app", "app/0", freed, bound), Elect::Designated { revoked_term: None, frees_at: freed });
        assert_eq!(t.claimable("app", "app/0", freed), Ok(()));
        assert_eq!(t.claimable("app", "app/1", freed), Err(freed + bound));
        assert_eq!(t.claim("app", "app/1", MIN, freed), Claim::Denied);
        let t1 = freed + Duration::from_millis(100);
        assert!(t1 < freed + REVOKED_BAR, "still inside the revoke's bar");
        assert_eq!(t.claim("app", "app/0", MIN, t1), Claim::Granted { term: 2, expiry: t1 + MIN, new_term: true });
    }

    #[test]
    fn with_a_max_lease_under_a_second_a_lapsed_designation_leaves_the_revoke_bar() {
        // `leaderd controller --max-lease 500ms`: the designation (bounded by the max lease) can
        // lapse inside the one-second bar. A designation lifts the bar only while it is in force;
        // after it, the revoked unit waits out the rest of its second like any revoked holder.
        let bound = Duration::from_millis(500);

        // The operator elected the revoked unit itself once the lease freed.
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.revoke("app", t0);
        let freed = t0 + MIN;
        let bar_end = freed + REVOKED_BAR;
        t.elect("app", "app/0", freed, bound);
        for at in [freed + bound, freed + Duration::from_millis(700)] {
            assert_eq!(t.claimable("app", "app/0", at), Err(bar_end), "{:?} after the lease freed", at - freed);
            assert_eq!(t.claim("app", "app/0", MIN, at), Claim::Denied, "{:?} after the lease freed", at - freed);
        }
        assert_eq!(t.claimable("app", "app/1", freed + bound), Ok(()), "the designation lapsed exactly at its bound");

        // The operator elected another unit while app/0 held the lease, and it never claimed.
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.elect("app", "app/2", t0, bound);
        let at = t0 + MIN + Duration::from_millis(700);
        assert_eq!(t.claimable("app", "app/0", at), Err(t0 + MIN + REVOKED_BAR), "the old leader is barred");
        assert_eq!(t.claim("app", "app/0", MIN, at), Claim::Denied);
        assert_eq!(t.claimable("app", "app/1", at), Ok(()), "a minion leads next");
        assert!(matches!(t.claim("app", "app/1", MIN, at), Claim::Granted { term: 2, .. }));
    }

    #[test]
    fn an_elect_whose_unit_is_removed_still_keeps_the_old_leader_from_taking_the_lease_back() {
        // elect app/2 (revoking app/0), then app/2 is removed before the lease frees: the
        // operator still asked for a leader other than app/0, so for a second a minion goes first.
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.elect("app", "app/2", t0, Duration::from_secs(300));
        t.forget("app", "app/2");
        let freed = t0 + MIN;
        assert_eq!(t.claimable("app", "app/0", freed), Err(freed + REVOKED_BAR));
        assert_eq!(t.claim("app", "app/0", MIN, freed), Claim::Denied);
        assert!(matches!(t.claim("app", "app/1", MIN, freed), Claim::Granted { term: 2, .. }));
    }

    #[test]
    fn iter_lists_every_application_the_table_knows() {
        // What `leaderd status` lists: claimed, elected (nobody holds it yet) and restored leases.
        let (mut t, t0) = table_at();
        t.claim("app", "app/0", MIN, t0);
        t.elect("fresh", "fresh/1", t0, Duration::from_secs(300));
        t.restore("old", Some("old/4".into()), 3, t0, Duration::from_secs(300));
        let mut seen: Vec<(&str, Option<&str>, u64)> =
            t.iter().map(|(app, l)| (app.as_str(), l.live_holder(t0), l.term)).collect();
        seen.sort();
        assert_eq!(seen, [("app", Some("app/0"), 1), ("fresh", None, 0), ("old", Some("old/4"), 3)]);
    }
}
