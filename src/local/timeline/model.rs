//! The timeline's model: lanes, leadership terms, hook bars, markers and the leaderless gaps,
//! built from the event log's records by one pure function ([`build`]). Times are
//! milliseconds from the first record of the run (monotonic stamps, so exact across
//! processes). The renderers (`text`, `svg`, `html`) only draw this.

use serde::Serialize;

use leaderd_sys::events::{Event, Record};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    pub app: String,
    /// Wall clock of t = 0 (RFC 3339) and the span shown, in ms.
    pub start_time: String,
    pub end: f64,
    pub lanes: Vec<Lane>,
    /// Intervals with no leader.
    pub gaps: Vec<Gap>,
    /// Application-wide moments: controller restarts, operator levers without a unit.
    pub markers: Vec<Marker>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lane {
    pub unit: String,
    pub terms: Vec<Term>,
    pub hooks: Vec<HookBar>,
    pub markers: Vec<Marker>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    pub term: u64,
    pub from: f64,
    pub to: f64,
    pub end: TermEnd,
    /// The last grant's lease end and guarantee end, as the unit counted them.
    pub lease_until: Option<f64>,
    pub guarantee_until: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TermEnd {
    /// The unit saw its lease end (or be denied).
    Lost,
    /// The unit's agent died while leader.
    AgentExited,
    /// `up` stopped the application.
    Stopped,
    /// Still leader at the end of the log.
    Open,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HookBar {
    pub hook: String,
    pub from: f64,
    pub to: f64,
    /// None: it never finished (the agent died, or the log ends).
    pub exit: Option<i32>,
    /// Its juju-log lines (`LEVEL: message`) and output lines, in order, capped.
    pub lines: Vec<String>,
}

impl HookBar {
    pub fn failed(&self) -> bool {
        self.exit != Some(0)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Marker {
    pub at: f64,
    pub kind: MarkerKind,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkerKind {
    LeaderSet,
    Lever,
    ControllerRestart,
    AgentExited,
    /// A hook that could not start, or a retry scheduled.
    HookTrouble,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    pub from: f64,
    pub to: f64,
    /// Until here no unit could claim: the previous leader's lease still ran at the controller
    /// (its agent died holding it, or it lost it without releasing it: revoked by `revoke` or
    /// `elect`, or cut off). None: the lease was free (released or never held).
    pub blocked_until: Option<f64>,
}

/// How many lines a hook bar keeps for its details.
const MAX_LINES: usize = 20;

/// The timeline of the last run in `records` (from its last `up-started`, or all of them).
pub fn build(records: &[Record]) -> Timeline {
    let from = records.iter().rposition(|r| matches!(r.event, Event::UpStarted { .. })).unwrap_or(0);
    let mut run: Vec<&Record> = records[from..].iter().collect();
    run.sort_by_key(|r| r.mono_ns);
    let Some(first) = run.first() else {
        return Timeline {
            app: String::new(),
            start_time: String::new(),
            end: 0.0,
            lanes: vec![],
            gaps: vec![],
            markers: vec![],
        };
    };
    let t0 = first.mono_ns;
    let at = |r: &Record| (r.mono_ns.saturating_sub(t0)) as f64 / 1e6;
    let end = run.last().map(|r| at(r)).unwrap_or(0.0);
    let mut app = String::new();
    let mut lanes: Vec<Lane> = Vec::new();
    let mut markers = Vec::new();
    // Terms whose unit released the lease as it lost it (unit, term): free at once.
    let mut released: Vec<(String, u64)> = Vec::new();
    // Open terms and hooks per lane, by lane index.
    let mut open_term: Vec<Option<Term>> = Vec::new();
    let mut open_hook: Vec<Option<HookBar>> = Vec::new();

    fn lane_of(
        unit: &str,
        lanes: &mut Vec<Lane>,
        open_term: &mut Vec<Option<Term>>,
        open_hook: &mut Vec<Option<HookBar>>,
    ) -> usize {
        if let Some(i) = lanes.iter().position(|l| l.unit == unit) {
            return i;
        }
        lanes.push(Lane { unit: unit.into(), terms: vec![], hooks: vec![], markers: vec![] });
        open_term.push(None);
        open_hook.push(None);
        lanes.len() - 1
    }
    fn close_term(lane: &mut Lane, open: &mut Option<Term>, to: f64, end: TermEnd) {
        if let Some(mut term) = open.take() {
            // A unit that could not see its lease end when it did (stopped with SIGSTOP, say)
            // reports the loss late: it led only until its last lease ran out.
            term.to = match term.lease_until {
                Some(until) if end == TermEnd::Lost && until < to => until.max(term.from),
                _ => to,
            };
            term.end = end;
            lane.terms.push(term);
        }
    }
    fn close_hook(lane: &mut Lane, open: &mut Option<HookBar>, to: f64, exit: Option<i32>) {
        if let Some(mut hook) = open.take() {
            hook.to = to;
            hook.exit = exit;
            lane.hooks.push(hook);
        }
    }

    for r in &run {
        let t = at(r);
        let Some(unit) = r.unit.as_deref() else {
            match &r.event {
                Event::UpStarted { app: name, .. } => app = name.clone(),
                Event::UpStopping | Event::UpStopped => {
                    for (i, lane) in lanes.iter_mut().enumerate() {
                        close_term(lane, &mut open_term[i], t, TermEnd::Stopped);
                        close_hook(lane, &mut open_hook[i], t, None);
                    }
                }
                Event::ControllerExited { how, .. } => markers.push(Marker {
                    at: t,
                    kind: MarkerKind::ControllerRestart,
                    label: format!("controller exited ({how}); restarted"),
                }),
                Event::Lever { .. } => {
                    markers.push(Marker { at: t, kind: MarkerKind::Lever, label: r.event.to_string() })
                }
                _ => {}
            }
            continue;
        };
        let i = lane_of(unit, &mut lanes, &mut open_term, &mut open_hook);
        if app.is_empty() {
            app = unit.split('/').next().unwrap_or_default().into();
        }
        if let Event::LeaderElected { term } = &r.event {
            // A leader that never recorded its loss (paused, cut off, its agent's log lost) led
            // only until its last lease ran out: a later term elsewhere ends it there. A lease
            // still running now stays drawn, overlapping: that would be two leaders.
            for (j, other) in lanes.iter_mut().enumerate() {
                let superseded = open_term[j]
                    .as_ref()
                    .is_some_and(|o| j != i && o.term < *term && o.lease_until.is_none_or(|until| until <= t));
                if superseded {
                    close_term(other, &mut open_term[j], t, TermEnd::Lost);
                }
            }
        }
        let lane = &mut lanes[i];
        match &r.event {
            Event::LeaderElected { term } => {
                close_term(lane, &mut open_term[i], t, TermEnd::Lost);
                open_term[i] = Some(Term {
                    term: *term,
                    from: t,
                    to: end,
                    end: TermEnd::Open,
                    lease_until: None,
                    guarantee_until: None,
                });
            }
            Event::Lease { term, lease_ms, guarantee_ms } => {
                if let Some(open) = open_term[i].as_mut().filter(|o| o.term == *term) {
                    open.lease_until = Some(t + *lease_ms as f64);
                    open.guarantee_until = Some(t + *guarantee_ms as f64);
                }
            }
            Event::LeadershipLost { .. } => close_term(lane, &mut open_term[i], t, TermEnd::Lost),
            Event::AgentExited { .. } => {
                close_term(lane, &mut open_term[i], t, TermEnd::AgentExited);
                close_hook(lane, &mut open_hook[i], t, None);
                lane.markers.push(Marker { at: t, kind: MarkerKind::AgentExited, label: r.event.to_string() });
            }
            Event::HookStarted { hook } => {
                close_hook(lane, &mut open_hook[i], t, None);
                open_hook[i] = Some(HookBar { hook: hook.clone(), from: t, to: end, exit: None, lines: vec![] });
            }
            Event::HookFinished { exit, .. } => close_hook(lane, &mut open_hook[i], t, Some(*exit)),
            Event::HookOutput { line, hook, .. } => {
                attach(&mut open_hook[i], lane, hook, format!("| {line}"));
            }
            Event::JujuLog { level, message, hook } => {
                attach(&mut open_hook[i], lane, hook, format!("{}: {message}", level.as_str()));
            }
            Event::HookNotStarted { .. } | Event::HookRetry { .. } => {
                lane.markers.push(Marker { at: t, kind: MarkerKind::HookTrouble, label: r.event.to_string() })
            }
            Event::LeaderSet { .. } => {
                lane.markers.push(Marker { at: t, kind: MarkerKind::LeaderSet, label: r.event.to_string() })
            }
            // The controller took the unit's release: the lease freed then, not at its expiry.
            Event::LeaseReleased { term } => released.push((unit.to_string(), *term)),
            Event::Lever { .. } => {
                lane.markers.push(Marker { at: t, kind: MarkerKind::Lever, label: r.event.to_string() })
            }
            _ => {}
        }
    }
    for (i, lane) in lanes.iter_mut().enumerate() {
        close_term(lane, &mut open_term[i], end, TermEnd::Open);
        close_hook(lane, &mut open_hook[i], end, None);
    }
    lanes.sort_by_key(|l| unit_order(&l.unit));
    let gaps = gaps(&lanes, end, &released);
    Timeline { app, start_time: first.time.clone(), end, lanes, gaps, markers }
}

/// Adds a line to the running hook (or, output that came after it finished, to the lane's last
/// bar of that hook).
fn attach(open: &mut Option<HookBar>, lane: &mut Lane, hook: &str, line: String) {
    let bar = match open.as_mut().filter(|b| b.hook == hook) {
        Some(bar) => Some(bar),
        None => lane.hooks.iter_mut().rev().find(|b| b.hook == hook),
    };
    if let Some(bar) = bar {
        if bar.lines.len() < MAX_LINES {
            bar.lines.push(line);
        }
    }
}

/// `app/10` after `app/9`.
fn unit_order(unit: &str) -> (String, u64) {
    let (app, n) = unit.rsplit_once('/').unwrap_or((unit, ""));
    (app.to_string(), n.parse().unwrap_or(u64::MAX))
}

/// The intervals no term covers, from the first event to `end`, each blocked (no unit could
/// claim) while the term before it still held the lease at the controller: see [`gap`].
fn gaps(lanes: &[Lane], end: f64, released: &[(String, u64)]) -> Vec<Gap> {
    let mut terms: Vec<(&str, &Term)> =
        lanes.iter().flat_map(|l| l.terms.iter().map(|t| (l.unit.as_str(), t))).collect();
    terms.sort_by(|a, b| a.1.from.total_cmp(&b.1.from));
    let mut gaps = Vec::new();
    let mut covered_to = 0.0;
    let mut last: Option<(&str, &Term)> = None;
    let was_released = |last: Option<(&str, &Term)>| {
        last.is_some_and(|(unit, t)| released.iter().any(|(u, term)| u == unit && *term == t.term))
    };
    for (unit, term) in terms {
        if term.from > covered_to {
            gaps.push(gap(covered_to, term.from, last.map(|l| l.1), was_released(last), true));
        }
        if term.to >= covered_to {
            covered_to = term.to;
            last = Some((unit, term));
        }
    }
    // After a term that `up` stopped, nobody is expected to lead; a run with no term at all
    // had no leader from its start to its end.
    if covered_to < end && last.is_none_or(|t| t.1.end != TermEnd::Stopped) {
        gaps.push(gap(covered_to, end, last.map(|l| l.1), was_released(last), false));
    }
    gaps
}

/// A gap after `before`. The controller frees a lease at its expiry unless its holder releases
/// it, so no unit could claim until the last grant's lease end (as the unit counted it, which
/// is never later than the controller's) when:
/// - the holder's agent died, or
/// - the holder lost it without releasing it: a revoke (`leaderd revoke`, `leaderd elect`)
///   refuses its renewal, so it turns minion at once while the controller keeps the lease to
///   its expiry (docs/architecture.md, "What the controller guarantees"); or it was cut off.
///
/// A lost term that was released, or whose successor (`next_term`) was granted before that
/// lease end, shows the lease was free: the gap is not blocked.
fn gap(from: f64, to: f64, before: Option<&Term>, released: bool, next_term: bool) -> Gap {
    let blocked_until = before
        .filter(|t| match t.end {
            TermEnd::AgentExited => true,
            TermEnd::Lost => {
                // A successor granted before the lease end shows the lease was free.
                let freed_early = next_term && t.lease_until.is_some_and(|until| to < until);
                !released && !freed_early
            }
            TermEnd::Stopped | TermEnd::Open => false,
        })
        .and_then(|t| t.lease_until)
        .filter(|until| *until > from)
        .map(|until| until.min(to));
    Gap { from, to, blocked_until }
}

#[cfg(test)]
mod tests {
    use super::*;
    use leaderd_sys::events::Level;

    /// A record at `ms` (monotonic) for `unit`.
    fn at(ms: u64, unit: Option<&str>, event: Event) -> Record {
        let mut r = Record::now(unit, event);
        r.mono_ns = 1_000_000_000 + ms * 1_000_000;
        r
    }

    fn hook(ms: u64, unit: &str, name: &str, exit: Option<i32>) -> Record {
        match exit {
            None => at(ms, Some(unit), Event::HookStarted { hook: name.into() }),
            Some(exit) => at(ms, Some(unit), Event::HookFinished { hook: name.into(), exit, duration_ms: 0 }),
        }
    }

    fn started(ms: u64) -> Record {
        at(
            ms,
            None,
            Event::UpStarted {
                app: "db".into(),
                units: 2,
                charm: "c".into(),
                controller: "u".into(),
                state: "s".into(),
            },
        )
    }

    #[test]
    fn a_leader_that_never_reports_its_loss_is_not_drawn_beside_its_successor() {
        // db/0 is paused (SIGSTOP) while leader and never resumed: it never records the loss.
        // Once db/1 is elected under a later term, db/0 led only until its last lease ran out.
        let a = Some("db/0");
        let b = Some("db/1");
        let records = vec![
            started(0),
            at(100, a, Event::LeaderElected { term: 1 }),
            at(100, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            at(500, None, Event::Lever { action: "pause db/0".into(), detail: String::new() }),
            at(3000, b, Event::LeaderElected { term: 2 }),
            at(5000, None, Event::UpStopping),
        ];
        let t = build(&records);
        let t0 = &t.lanes[0].terms;
        assert_eq!(t0.len(), 1);
        assert_eq!((t0[0].term, t0[0].from, t0[0].to, t0[0].end), (1, 100.0, 2100.0, TermEnd::Lost));
        let t1 = &t.lanes[1].terms;
        assert_eq!((t1[0].term, t1[0].from, t1[0].to, t1[0].end), (2, 3000.0, 5000.0, TermEnd::Stopped));
        assert_eq!(t.gaps[1..], [Gap { from: 2100.0, to: 3000.0, blocked_until: None }]);
    }

    #[test]
    fn a_run_that_never_had_a_leader_is_one_gap() {
        let records = vec![
            started(0),
            hook(100, "db/0", "install", None),
            hook(200, "db/0", "install", Some(1)),
            at(1000, None, Event::UpStopping),
        ];
        let t = build(&records);
        assert!(t.lanes[0].terms.is_empty());
        assert_eq!(t.gaps, vec![Gap { from: 0.0, to: 1000.0, blocked_until: None }]);
    }

    #[test]
    fn a_failover_gives_two_terms_a_blocked_gap_and_hook_bars() {
        let a = Some("db/0");
        let b = Some("db/1");
        let records = vec![
            // An earlier run is ignored.
            started(0),
            at(1, a, Event::LeaderElected { term: 9 }),
            started(100),
            hook(110, "db/1", "install", None),
            hook(120, "db/0", "install", None),
            at(125, Some("db/0"), Event::JujuLog { hook: "install".into(), level: Level::Info, message: "hi".into() }),
            hook(130, "db/1", "install", Some(0)),
            hook(140, "db/0", "install", Some(1)),
            at(150, a, Event::LeaderElected { term: 1 }),
            at(150, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            at(160, a, Event::LeaderSet { term: 1, keys: vec!["secret".into()] }),
            at(1150, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            hook(1200, "db/0", "config-changed", None),
            at(1500, a, Event::AgentExited { how: "signal 9".into() }),
            at(3200, b, Event::LeaderElected { term: 2 }),
            hook(3201, "db/1", "leader-elected", None),
            hook(3300, "db/1", "leader-elected", Some(0)),
            at(4000, None, Event::ControllerExited { how: "signal 9".into(), restart_on: "x".into() }),
            at(5000, None, Event::UpStopping),
        ];
        let t = build(&records);
        assert_eq!((t.app.as_str(), t.end), ("db", 4900.0));
        let units: Vec<&str> = t.lanes.iter().map(|l| l.unit.as_str()).collect();
        assert_eq!(units, ["db/0", "db/1"]);
        let (l0, l1) = (&t.lanes[0], &t.lanes[1]);
        assert_eq!(
            l0.terms,
            [Term {
                term: 1,
                from: 50.0,
                to: 1400.0,
                end: TermEnd::AgentExited,
                lease_until: Some(3050.0),
                guarantee_until: Some(2050.0)
            }]
        );
        assert_eq!(
            l1.terms,
            [Term {
                term: 2,
                from: 3100.0,
                to: 4900.0,
                end: TermEnd::Stopped,
                lease_until: None,
                guarantee_until: None
            }]
        );
        let bars: Vec<(&str, f64, f64, Option<i32>)> =
            l0.hooks.iter().map(|h| (h.hook.as_str(), h.from, h.to, h.exit)).collect();
        assert_eq!(bars, [("install", 20.0, 40.0, Some(1)), ("config-changed", 1100.0, 1400.0, None)]);
        assert!(l0.hooks[0].failed() && l0.hooks[1].failed() && !l1.hooks[0].failed());
        assert_eq!(l0.hooks[0].lines, ["INFO: hi"]);
        let kinds: Vec<MarkerKind> = l0.markers.iter().map(|m| m.kind).collect();
        assert_eq!(kinds, [MarkerKind::LeaderSet, MarkerKind::AgentExited]);
        assert_eq!(t.markers.iter().map(|m| m.kind).collect::<Vec<_>>(), [MarkerKind::ControllerRestart]);
        // Before the first election the lease was free; after the leader died it was held
        // until its lease ran out, then free until the next claim.
        assert_eq!(
            t.gaps,
            [
                Gap { from: 0.0, to: 50.0, blocked_until: None },
                Gap { from: 1400.0, to: 3100.0, blocked_until: Some(3050.0) }
            ]
        );
    }

    #[test]
    fn a_lost_lease_is_a_free_gap_and_an_open_term_runs_to_the_end() {
        let a = Some("db/0");
        let records = vec![
            at(0, a, Event::LeaderElected { term: 1 }),
            at(0, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            at(500, a, Event::LeadershipLost { term: Some(1) }),
            at(700, a, Event::LeaderElected { term: 2 }),
            hook(800, "db/0", "leader-elected", None),
        ];
        let t = build(&records);
        assert_eq!(t.gaps, [Gap { from: 500.0, to: 700.0, blocked_until: None }]);
        let ends: Vec<(u64, TermEnd, f64)> = t.lanes[0].terms.iter().map(|t| (t.term, t.end, t.to)).collect();
        assert_eq!(ends, [(1, TermEnd::Lost, 500.0), (2, TermEnd::Open, 800.0)]);
        assert_eq!(t.lanes[0].hooks[0].exit, None, "still running at the end of the log");
        assert_eq!(build(&[]).lanes, vec![]);
    }

    #[test]
    fn a_paused_leader_led_only_until_its_lease_ran_out() {
        let (a, b) = (Some("db/0"), Some("db/1"));
        let records = vec![
            at(0, a, Event::LeaderElected { term: 1 }),
            at(0, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            at(2100, b, Event::LeaderElected { term: 2 }),
            // Resumed long after: it sees the loss only now.
            at(5000, a, Event::LeadershipLost { term: Some(1) }),
        ];
        let t = build(&records);
        assert_eq!((t.lanes[0].terms[0].to, t.lanes[0].terms[0].end), (2000.0, TermEnd::Lost));
        assert_eq!(t.gaps, [Gap { from: 2000.0, to: 2100.0, blocked_until: None }]);
    }

    #[test]
    fn after_a_revoke_no_unit_could_claim_until_the_revoked_lease_ran_out() {
        // `leaderd elect db/1`: db/0's renewal is refused at 1000, so it turns minion then; the
        // controller keeps its lease to 2000, and db/1 claims it the moment it frees.
        let (a, b) = (Some("db/0"), Some("db/1"));
        let records = vec![
            at(0, a, Event::LeaderElected { term: 1 }),
            at(0, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            at(900, None, Event::Lever { action: "elect".into(), detail: "db/1 leads next".into() }),
            at(1000, a, Event::LeadershipLost { term: Some(1) }),
            at(2005, b, Event::LeaderElected { term: 2 }),
        ];
        let t = build(&records);
        assert_eq!(t.gaps, [Gap { from: 1000.0, to: 2005.0, blocked_until: Some(2000.0) }]);
        // Dark to the end of a log that ends while nobody could claim yet.
        let mut waiting = records[..4].to_vec();
        waiting.push(at(1500, b, Event::HookStarted { hook: "update-status".into() }));
        assert_eq!(build(&waiting).gaps, [Gap { from: 1000.0, to: 1500.0, blocked_until: Some(1500.0) }]);
    }

    #[test]
    fn a_released_lease_is_free_at_once() {
        // remove-unit of the leader: it resigns, its release is taken, the lease is free.
        let (a, b) = (Some("db/0"), Some("db/1"));
        let records = vec![
            at(0, a, Event::LeaderElected { term: 1 }),
            at(0, a, Event::Lease { term: 1, lease_ms: 2000, guarantee_ms: 1000 }),
            at(1000, a, Event::LeadershipLost { term: Some(1) }),
            at(1010, a, Event::LeaseReleased { term: 1 }),
            at(1500, b, Event::HookStarted { hook: "update-status".into() }),
        ];
        assert_eq!(build(&records).gaps, [Gap { from: 1000.0, to: 1500.0, blocked_until: None }]);
    }

    #[test]
    fn units_sort_numerically() {
        let records: Vec<Record> = [10, 2, 1].iter().map(|n| hook(*n, &format!("db/{n}"), "install", None)).collect();
        let units: Vec<String> = build(&records).lanes.into_iter().map(|l| l.unit).collect();
        assert_eq!(units, ["db/1", "db/2", "db/10"]);
    }
}
