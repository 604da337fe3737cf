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

/// Every application's lease.
#[derive(Debug, Default)]
pub struct LeaseTable {
    leases: HashMap<String, Lease>,
}

impl LeaseTable {
    /// `unit` claims `app`'s lease for `duration` (the caller has checked the range).
    pub fn claim(&mut self, app: &str, unit: &str, duration: Duration, now: Instant) -> Claim {
        let lease = self.leases.entry(app.to_string()).or_insert_with(|| Lease {
            holder: None,
            revoked: false,
            barred: None,
            term: 0,
            expiry: now,
        });
        match lease.live_holder(now) {
            Some(holder) if holder == unit && lease.revoked => Claim::Denied,
            Some(holder) if holder == unit => {
                // Extending never shortens a lease.
                lease.expiry = lease.expiry.max(now + duration);
                Claim::Granted { term: lease.term, expiry: lease.expiry, new_term: false }
            }
            Some(_) => Claim::Denied,
            None if lease.barred.as_ref().is_some_and(|(barred, until)| barred == unit && now < *until) => {
                Claim::Denied
            }
            None => {
                lease.barred = None;
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

    /// After a restart: honour a persisted holder for `grace` (the maximum lease duration),
    /// during which it may renew and nobody else may claim.
    pub fn restore(&mut self, app: &str, holder: Option<String>, term: u64, now: Instant, grace: Duration) {
        let expiry = if holder.is_some() { now + grace } else { now };
        self.leases.insert(app.to_string(), Lease { holder, revoked: false, barred: None, term, expiry });
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
}
