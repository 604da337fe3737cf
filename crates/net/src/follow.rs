//! Which of several controllers a client talks to next, as a pure rule with `now` passed in.
//!
//! One controller is active at a time (on etcd); the others answer `not_active`, naming the
//! active one when they know it. A client follows that pointer at once. A controller that did
//! not answer at all (refused, reset, or silent until the caller gave up: a killed process
//! whose port is still open, a machine that is gone) is passed over for [`DOWN_FOR`], so the
//! next calls go to the others rather than wait on it again; it is tried again after that, or
//! at once when another controller names it active, or when every other one is down too.

use std::time::{Duration, Instant};

/// How long a controller that did not answer is passed over.
pub(crate) const DOWN_FOR: Duration = Duration::from_secs(5);

#[derive(Debug, Clone)]
pub(crate) struct Follow {
    current: usize,
    /// When each controller last failed to answer (cleared when it answers).
    down_since: Vec<Option<Instant>>,
}

impl Follow {
    /// `n` controllers (at least one); the first is tried first.
    pub fn new(n: usize) -> Follow {
        Follow { current: 0, down_since: vec![None; n.max(1)] }
    }

    /// The controller to call now.
    pub fn current(&self) -> usize {
        self.current
    }

    /// Controller `i` answered (whatever it said, it is up).
    pub fn answered(&mut self, i: usize) {
        self.down_since[i] = None;
    }

    /// Controller `i` did not answer: pass it over for a while.
    pub fn unreachable(&mut self, i: usize, now: Instant) {
        self.down_since[i] = Some(now);
        self.current = self.next_up(i, now);
    }

    /// Controller `i` is not the active one; `active` is the one it named, if it knows.
    pub fn not_active(&mut self, i: usize, active: Option<usize>, now: Instant) {
        self.down_since[i] = None;
        self.current = match active {
            Some(a) if a < self.down_since.len() && a != i => {
                self.down_since[a] = None;
                a
            }
            _ => self.next_up(i, now),
        };
    }

    /// Within one call that controllers `tried` already refused as not active: the controller
    /// to try next, now the current one. The current one if it is untried, else the next
    /// untried one that is not passed over, else an untried one that is (every other
    /// controller says it is not the active one, so this may be it); None once every
    /// controller was tried.
    pub fn untried(&mut self, tried: &[bool], now: Instant) -> Option<usize> {
        let n = self.down_since.len();
        let untried = |j: &usize| !tried.get(*j).copied().unwrap_or(false);
        let order: Vec<usize> = (0..n).map(|k| (self.current + k) % n).filter(untried).collect();
        let up = |j: &&usize| self.down_since[**j].is_none_or(|t| now.duration_since(t) >= DOWN_FOR);
        let next = order.iter().find(up).or(order.first()).copied()?;
        self.current = next;
        Some(next)
    }

    /// The next controller after `i` that is not passed over (`i + 1` if every other one is).
    fn next_up(&self, i: usize, now: Instant) -> usize {
        let n = self.down_since.len();
        (1..n)
            .map(|k| (i + k) % n)
            .find(|&j| self.down_since[j].is_none_or(|t| now.duration_since(t) >= DOWN_FOR))
            .unwrap_or((i + 1) % n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn a_pointer_to_the_active_controller_is_followed_at_once() {
        let t0 = Instant::now();
        let mut f = Follow::new(3);
        f.not_active(0, Some(2), t0);
        assert_eq!(f.current(), 2);
        // Without a pointer (an election under way): the next one.
        f.not_active(2, None, t0);
        assert_eq!(f.current(), 0);
    }

    #[test]
    fn a_silent_controller_is_passed_over_for_a_while() {
        let t0 = Instant::now();
        let mut f = Follow::new(3);
        // controller/0 was killed but its port is held open: the call gave up on it.
        f.unreachable(0, t0);
        assert_eq!(f.current(), 1);
        // 1 and 2 are standbys that do not know the active one yet: the round goes 1, 2, 1,
        // never back to the silent 0 ...
        f.not_active(1, None, t0 + ms(10));
        assert_eq!(f.current(), 2);
        f.not_active(2, None, t0 + ms(20));
        assert_eq!(f.current(), 1);
        // ... until DOWN_FOR has passed: then 0 is tried again.
        f.not_active(1, None, t0 + DOWN_FOR);
        assert_eq!(f.current(), 2);
        f.not_active(2, None, t0 + DOWN_FOR + ms(1));
        assert_eq!(f.current(), 0);
    }

    #[test]
    fn a_controller_named_active_is_tried_even_if_it_was_silent() {
        let t0 = Instant::now();
        let mut f = Follow::new(3);
        f.unreachable(0, t0);
        f.not_active(1, Some(0), t0 + ms(100));
        assert_eq!(f.current(), 0, "restarted and elected: a standby says so");
        // It answers: no longer passed over.
        f.answered(0);
        f.unreachable(1, t0 + ms(200));
        assert_eq!(f.current(), 2);
        f.not_active(2, None, t0 + ms(300));
        assert_eq!(f.current(), 0);
    }

    #[test]
    fn one_call_tries_every_controller_once_a_silent_one_last() {
        let t0 = Instant::now();
        let mut f = Follow::new(3);
        f.unreachable(2, t0);
        assert_eq!(f.current(), 0);
        let mut tried = [false; 3];
        assert_eq!(f.untried(&tried, t0), Some(0));
        // 0 is a standby that names an active controller this client does not know by that
        // URL (a proxy, an alias): the next untried one that is up ...
        tried[0] = true;
        f.not_active(0, None, t0);
        assert_eq!(f.untried(&tried, t0), Some(1));
        // ... and when 1 says the same, the silent one after all: it may be back and active.
        tried[1] = true;
        f.not_active(1, None, t0);
        assert_eq!(f.untried(&tried, t0), Some(2));
        tried[2] = true;
        assert_eq!(f.untried(&tried, t0), None);
    }

    #[test]
    fn when_every_other_controller_is_down_the_next_one_is_tried_anyway() {
        let t0 = Instant::now();
        let mut f = Follow::new(2);
        f.unreachable(0, t0);
        assert_eq!(f.current(), 1);
        f.unreachable(1, t0 + ms(1));
        assert_eq!(f.current(), 0);
        // One controller: always that one.
        let mut one = Follow::new(1);
        one.unreachable(0, t0);
        assert_eq!(one.current(), 0);
        one.not_active(0, None, t0);
        assert_eq!(one.current(), 0);
    }
}
