//! What a chaos run saw, and the checker that judges it. Times are offsets from the run's
//! start on the monotonic clock.
//!
//! A probe knows when it *sent* a question and when the answer *arrived*; the unit answered
//! somewhere in between, and a hook relies on the answer from when it arrives. An agent that
//! is running delivers an answer over its unix socket within [`DELIVERY_SLACK`] of deciding
//! it, so the answer was decided in `[max(sent, recv - slack), recv]`; an agent the suite
//! stopped (SIGSTOP) while the call was open may have decided it any time from `sent`. The
//! checker flags only what is certain over those windows, so a slow machine does not make it
//! cry wolf, and a True decided late (the slow-claim defect) is still caught however early
//! the question was asked.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::time::Duration;

/// One probe call, with its send and receive times.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub unit: String,
    pub sent: Duration,
    pub recv: Duration,
    pub op: Op,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// is-leader answered.
    IsLeader(bool),
    /// leader-set of `key=value`: acknowledged (exit 0 / HTTP 200) or refused.
    Write { key: String, value: String, acked: bool },
}

/// An agent said it became leader under `term` (its event line), at `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Election {
    pub unit: String,
    pub term: u64,
    pub at: Duration,
}

/// How long after deciding an answer a running agent has surely delivered it.
pub const DELIVERY_SLACK: Duration = Duration::from_millis(250);

/// A unit's agent was stopped (SIGSTOP) from `from` to `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub unit: String,
    pub from: Duration,
    pub to: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct History {
    pub guarantee: Duration,
    pub stopped: Vec<Stopped>,
    pub calls: Vec<Call>,
    pub elections: Vec<Election>,
    /// The leader settings read after the run, once everything healed.
    pub final_settings: Option<BTreeMap<String, String>>,
}

/// The checker's findings and the run's counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdict {
    pub answers: usize,
    pub true_answers: usize,
    pub acked_writes: usize,
    pub lost_writes: usize,
    pub violations: Vec<String>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.violations.is_empty()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn span(c: &Call) -> String {
    format!("{} [{} .. {}]", c.unit, ms(c.sent), ms(c.recv))
}

impl History {
    /// The earliest instant the unit may have decided `call`'s answer.
    fn decided_from(&self, call: &Call) -> Duration {
        let stopped = self.stopped.iter().any(|s| s.unit == call.unit && s.from < call.recv && s.to > call.sent);
        if stopped {
            call.sent
        } else {
            call.sent.max(call.recv.saturating_sub(DELIVERY_SLACK))
        }
    }

    pub fn check(&self) -> Verdict {
        let g = self.guarantee;
        let mut v = Verdict::default();
        let mut trues: Vec<&Call> = Vec::new();
        let mut acked: Vec<(&Call, &str, &str)> = Vec::new();
        for call in &self.calls {
            match &call.op {
                Op::IsLeader(answer) => {
                    v.answers += 1;
                    if *answer {
                        trues.push(call);
                    }
                }
                Op::Write { key, value, acked: true } => acked.push((call, key, value)),
                Op::Write { .. } => {}
            }
        }
        v.true_answers = trues.len();
        v.acked_writes = acked.len();
        trues.sort_by_key(|c| c.sent);

        // 1. No two units answered True within a guarantee of each other: certain when even
        //    the farthest placement of the two decisions is less than the guarantee apart.
        for (i, a) in trues.iter().enumerate() {
            for b in trues[i + 1..].iter().take_while(|b| b.sent < a.recv + g) {
                if a.unit == b.unit {
                    continue;
                }
                let farthest =
                    b.recv.saturating_sub(self.decided_from(a)).max(a.recv.saturating_sub(self.decided_from(b)));
                if farthest < g {
                    v.violations.push(format!(
                        "two leaders: {} and {} both answered is-leader True, at most {} apart (guarantee {})",
                        span(a),
                        span(b),
                        ms(farthest),
                        ms(g)
                    ));
                }
            }
        }

        // 2. No write acknowledged to a unit while another was certainly the guaranteed leader:
        //    B's True promises B the lease from its decision to a guarantee after it, so a write
        //    by another unit acknowledged wholly inside that is a second leader acting.
        for (w, key, _) in &acked {
            for b in trues.iter().filter(|b| b.unit != w.unit) {
                if b.recv <= w.sent && w.recv < self.decided_from(b) + g {
                    v.violations.push(format!(
                        "write {key} acknowledged to {} while {} was the guaranteed leader",
                        span(w),
                        span(b)
                    ));
                }
            }
        }

        // 3. Every acknowledged write is readable afterwards.
        match &self.final_settings {
            None if !acked.is_empty() => v.violations.push("no final read of the leader settings".into()),
            None => {}
            Some(settings) => {
                for (w, key, value) in &acked {
                    if settings.get(*key).map(String::as_str) != Some(*value) {
                        v.lost_writes += 1;
                        v.violations.push(format!(
                            "lost write: {key}={value} acknowledged to {} but reads back as {:?}",
                            span(w),
                            settings.get(*key)
                        ));
                    }
                }
            }
        }

        // 4. Terms never go back, and each term has one holder.
        let mut holders: HashMap<u64, &str> = HashMap::new();
        for e in &self.elections {
            if let Some(other) = holders.insert(e.term, &e.unit) {
                if other != e.unit {
                    v.violations.push(format!("term {} held by both {other} and {}", e.term, e.unit));
                }
            }
        }
        let mut by_time: Vec<&Election> = self.elections.iter().collect();
        by_time.sort_by_key(|e| e.at);
        for pair in by_time.windows(2) {
            if pair[1].term < pair[0].term {
                v.violations.push(format!(
                    "term went back: {} elected under term {} at {}, after {} under term {} at {}",
                    pair[1].unit,
                    pair[1].term,
                    ms(pair[1].at),
                    pair[0].unit,
                    pair[0].term,
                    ms(pair[0].at)
                ));
            }
        }
        v
    }

    /// A readable dump of the run, for a failure message.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        let mut lines: Vec<(Duration, String)> = Vec::new();
        for c in &self.calls {
            let what = match &c.op {
                Op::IsLeader(a) => format!("is-leader {a}"),
                Op::Write { key, acked, .. } => format!("leader-set {key} acked={acked}"),
            };
            lines.push((c.sent, format!("{} {what}", span(c))));
        }
        for e in &self.elections {
            lines.push((e.at, format!("{} {} elected, term {}", ms(e.at), e.unit, e.term)));
        }
        lines.sort();
        for (_, l) in lines {
            let _ = writeln!(out, "  {l}");
        }
        out
    }
}
