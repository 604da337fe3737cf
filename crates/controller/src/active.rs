//! "Am I safely the active controller?", as a pure rule with `now` passed in.
//!
//! Several controllers share one etcd; the active one is whichever holds the election key on
//! its etcd session lease (`controller::election`). It grants and renews unit leases in memory,
//! so the whole guarantee rests on one fact: **no other controller can become active while this
//! one may still grant.** Another controller becomes active only after this one's session lease
//! has expired in etcd, and etcd counts the session's TTL from when a keepalive *arrived*. This
//! controller counts from when it *sent* the keepalive that etcd then confirmed, which is
//! earlier, and stops a margin before that, so it stops granting before etcd can let anyone else
//! in, whatever the network delayed. A controller that then becomes active loads every holder
//! from etcd after winning and honours each for the maximum lease (the restart grace), which
//! covers every lease the previous one granted: all of them were granted before its session
//! expired, so before the new one won.
//!
//! A controller that was paused (SIGSTOP) and resumes finds `now` past its deadline and grants
//! nothing; its writes are refused by etcd too, since each compares the election key.

use std::collections::VecDeque;
use std::time::Duration;

use tokio::time::Instant;

/// This controller's part, as the election last left it.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    /// The only controller on its store (SQLite, memory): always active.
    Sole,
    /// Won the election. etcd confirmed the session alive in answer to a keepalive sent at
    /// `confirmed_sent`, so it cannot expire before `confirmed_sent + ttl`.
    Active { ttl: Duration, confirmed_sent: Instant },
    /// Another controller is active (its URL when known), or none is yet, or this one is
    /// loading its state after winning.
    Standby { active: Option<String> },
}

/// Why this controller may not grant (or serve a unit) now.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("this controller is a standby; the active controller is {}", .active.as_deref().unwrap_or("not known yet (an election is under way)"))]
    Standby { active: Option<String> },
    /// Active, but etcd has not confirmed the session recently enough (etcd unreachable, or it
    /// lost quorum, or this process was paused): it steps down rather than risk a second leader.
    #[error("this controller cannot confirm its etcd session (etcd unreachable or without quorum); it grants nothing until it can")]
    SessionUnconfirmed,
}

/// How long before the session could expire an active controller stops granting: a fifth of the
/// TTL, at least 500 ms (clock rate differences, the time between the check and the grant, and
/// scheduling), at most half the TTL.
pub fn margin(ttl: Duration) -> Duration {
    (ttl / 5).max(Duration::from_millis(500)).min(ttl / 2)
}

/// Until when an active controller may grant, given the last confirmed keepalive.
pub fn deadline(ttl: Duration, confirmed_sent: Instant) -> Instant {
    confirmed_sent + ttl - margin(ttl)
}

/// May this controller grant (or serve units) at `now`?
pub fn check(role: &Role, now: Instant) -> Result<(), Refusal> {
    match role {
        Role::Sole => Ok(()),
        Role::Active { ttl, confirmed_sent } if now < deadline(*ttl, *confirmed_sent) => Ok(()),
        Role::Active { .. } => Err(Refusal::SessionUnconfirmed),
        Role::Standby { active } => Err(Refusal::Standby { active: active.clone() }),
    }
}

impl Role {
    /// Records a keepalive that etcd answered (the session lives), sent at `sent`. A confirmation
    /// of an older keepalive never moves the deadline back.
    pub fn confirm(&mut self, sent: Instant) {
        if let Role::Active { confirmed_sent, .. } = self {
            *confirmed_sent = (*confirmed_sent).max(sent);
        }
    }

    /// Is this the role of the active (or only) controller, whether or not its session is
    /// confirmed right now?
    pub fn is_active(&self) -> bool {
        matches!(self, Role::Sole | Role::Active { .. })
    }
}

/// The keepalives sent on one etcd keepalive stream and not answered yet, oldest first, by when
/// each was sent. etcd answers a stream's keepalives one at a time, in the order they came
/// (`leaseKeepAlive` in etcd's `etcdserver/api/v3rpc/lease.go`), so an answer confirms the
/// oldest one still waiting: a late answer to a keepalive that timed out counts from when *that*
/// one was sent, never from a later one's send time (which would move the deadline past the
/// moment etcd may expire the session).
#[derive(Debug, Default)]
pub struct Keepalives {
    waiting: VecDeque<Instant>,
}

impl Keepalives {
    /// A keepalive went out on the stream at `at`.
    pub fn sent(&mut self, at: Instant) {
        self.waiting.push_back(at);
    }

    /// An answer came: when the keepalive it answers was sent (`None` if none was waiting).
    pub fn answered(&mut self) -> Option<Instant> {
        self.waiting.pop_front()
    }

    /// Are keepalives still waiting for their answers?
    pub fn waiting(&self) -> bool {
        !self.waiting.is_empty()
    }

    /// The stream was replaced: answers to what went out on the old one never come.
    pub fn reset(&mut self) {
        self.waiting.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn margins() {
        let table = [(10_000, 2_000), (5_000, 1_000), (2_000, 500), (1_000, 500), (600, 300)];
        for (ttl, want) in table {
            assert_eq!(margin(ms(ttl)), ms(want), "ttl {ttl}");
        }
    }

    /// The rule, table-style: every case is (role, how long after t0 we ask) → answer.
    #[test]
    fn an_active_controller_grants_only_while_its_session_is_confirmed() {
        let t0 = Instant::now();
        let ttl = ms(2_000);
        let active = |sent_after: u64| Role::Active { ttl, confirmed_sent: t0 + ms(sent_after) };
        let standby = |url: Option<&str>| Role::Standby { active: url.map(String::from) };
        let cases: Vec<(Role, u64, Result<(), Refusal>)> = vec![
            (Role::Sole, 0, Ok(())),
            (Role::Sole, 10_000_000, Ok(())),
            // Keepalive sent at t0, confirmed: grants until t0 + 2 s - 500 ms.
            (active(0), 0, Ok(())),
            (active(0), 1_499, Ok(())),
            (active(0), 1_500, Err(Refusal::SessionUnconfirmed)),
            (active(0), 1_999, Err(Refusal::SessionUnconfirmed)),
            (active(0), 2_000, Err(Refusal::SessionUnconfirmed)),
            // Paused for an hour: resumes refusing.
            (active(0), 3_600_000, Err(Refusal::SessionUnconfirmed)),
            // A later confirmed keepalive moves the deadline.
            (active(1_000), 2_499, Ok(())),
            (active(1_000), 2_500, Err(Refusal::SessionUnconfirmed)),
            (standby(None), 0, Err(Refusal::Standby { active: None })),
            (standby(Some("https://c2:7480")), 0, Err(Refusal::Standby { active: Some("https://c2:7480".into()) })),
        ];
        for (role, after, want) in cases {
            assert_eq!(check(&role, t0 + ms(after)), want, "{role:?} at +{after}ms");
        }
    }

    /// The deadline always falls before etcd could expire the session: etcd counts the TTL
    /// from when the keepalive arrived, which is no earlier than when it was sent.
    #[test]
    fn the_deadline_is_before_the_earliest_expiry_etcd_could_apply() {
        let t0 = Instant::now();
        for ttl in [600, 1_000, 2_000, 5_000, 10_000, 60_000] {
            for network_delay in [0, 1, 100, 5_000] {
                let sent = t0;
                let arrived = sent + ms(network_delay);
                let etcd_expiry = arrived + ms(ttl);
                let d = deadline(ms(ttl), sent);
                assert!(d < etcd_expiry, "ttl {ttl} delay {network_delay}");
                assert!(check(&Role::Active { ttl: ms(ttl), confirmed_sent: sent }, d).is_err());
            }
        }
    }

    #[test]
    fn confirming_never_moves_the_deadline_back_and_never_promotes_a_standby() {
        let t0 = Instant::now();
        let mut role = Role::Active { ttl: ms(2_000), confirmed_sent: t0 + ms(1_000) };
        role.confirm(t0); // a late answer to an older keepalive
        assert_eq!(role, Role::Active { ttl: ms(2_000), confirmed_sent: t0 + ms(1_000) });
        role.confirm(t0 + ms(1_500));
        assert_eq!(role, Role::Active { ttl: ms(2_000), confirmed_sent: t0 + ms(1_500) });
        let mut standby = Role::Standby { active: None };
        standby.confirm(t0);
        assert_eq!(standby, Role::Standby { active: None });
        assert!(!standby.is_active());
        assert!(Role::Sole.is_active());
    }

    /// A keepalive times out (its answer is late), the next one goes out, then the late answer
    /// arrives: it confirms the first one's send time, and only the second answer confirms the
    /// second. Counting the late answer from the second send would put the deadline past the
    /// earliest moment etcd could expire the session.
    #[test]
    fn a_late_answer_confirms_the_keepalive_it_answers_not_the_latest() {
        let t0 = Instant::now();
        let ttl = ms(2_000);
        let mut keepalives = Keepalives::default();
        keepalives.sent(t0);
        // No answer in time; 1.2 s later the next keepalive goes out.
        keepalives.sent(t0 + ms(1_200));
        assert!(keepalives.waiting());
        let first = keepalives.answered().unwrap();
        assert_eq!(first, t0);
        let mut role = Role::Active { ttl, confirmed_sent: t0 - ms(500) };
        role.confirm(first);
        // etcd may have renewed at t0 and heard nothing since: it may expire at t0 + 2 s.
        assert!(check(&role, t0 + ms(1_600)).is_err());
        assert_eq!(keepalives.answered(), Some(t0 + ms(1_200)));
        assert!(!keepalives.waiting());
        assert_eq!(keepalives.answered(), None);
        // A new stream: nothing sent on the old one is answered on it.
        keepalives.sent(t0 + ms(2_000));
        keepalives.reset();
        assert_eq!(keepalives.answered(), None);
    }
}
