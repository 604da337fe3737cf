//! The chaos suite: real clusters (controllers and agents, each agent behind its own fault
//! proxies) under a seeded schedule of faults (SIGKILL and SIGSTOP of agents and of the
//! controller; delayed requests, held answers, cut connections and partitions between one
//! agent and the controllers; and with several controllers on etcd, SIGKILL and SIGSTOP of the
//! active controller and of etcd members), while probes ask every unit is-leader and write
//! leader settings. The history checker (`common/history.rs`) then asserts that no two units
//! answered True within a guarantee of each other, that every acknowledged write reads back,
//! that no write was acknowledged beside a guaranteed leader, and that terms never go back.
//!
//! Short mode (the default, in CI): a few schedules of a few seconds. Long mode:
//! `LEADERD_CHAOS_SCHEDULES=200 cargo test --release --test chaos -- --nocapture`; also
//! `LEADERD_CHAOS_SEED` (replay: every failure prints the seed of its schedule),
//! `LEADERD_CHAOS_SECONDS` (faults per schedule, default 6) and `LEADERD_CHAOS_PARALLEL`
//! (schedules at once, default 1). The etcd schedules need `--features etcd` and the `etcd`
//! binary (Debian: etcd-server), so they are `#[ignore]`d in plain `cargo test`:
//! `cargo test --features etcd --test chaos -- --ignored` (`.ci/run` runs them).

use leaderd_testkit::chaos;
use leaderd_testkit::history;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chaos::{Cluster, Rng};
use history::{Call, Election, History, Op, Stopped};

const G: Duration = Duration::from_secs(1);

/// On etcd, a lease guarantee that outlasts a failover (the 2 s session TTL and a poll), so the
/// leader may still lead when a standby takes over: what the new active controller's grace on
/// reload must cover. With `G` (2 s leases) every lease has lapsed by then, and a controller
/// that honoured no persisted holder would go unseen.
const G_ETCD: Duration = Duration::from_secs(3);

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

// ---- The checker, on hand-made histories: it must catch what it is for. ----

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn answer(unit: &str, sent: u64, recv: u64, leader: bool) -> Call {
    Call { unit: unit.into(), sent: ms(sent), recv: ms(recv), op: Op::IsLeader(leader) }
}

fn write(unit: &str, sent: u64, recv: u64, key: &str, acked: bool) -> Call {
    Call {
        unit: unit.into(),
        sent: ms(sent),
        recv: ms(recv),
        op: Op::Write { key: key.into(), value: "1".into(), acked },
    }
}

fn elected(unit: &str, term: u64, at: u64) -> Election {
    Election { unit: unit.into(), term, at: ms(at) }
}

fn history(calls: Vec<Call>, elections: Vec<Election>, settings: &[&str]) -> History {
    let final_settings = Some(settings.iter().map(|k| (k.to_string(), "1".to_string())).collect::<BTreeMap<_, _>>());
    History { guarantee: G, stopped: Vec::new(), calls, elections, final_settings }
}

#[test]
fn the_checker_passes_a_clean_failover() {
    // app/0 leads (term 1) until its last True at 1.0 s; app/1 is elected at 3.0 s (term 2).
    let h = history(
        vec![
            answer("app/0", 100, 105, true),
            write("app/0", 106, 120, "a", true),
            answer("app/1", 200, 203, false),
            answer("app/0", 995, 1000, true),
            answer("app/0", 2100, 2105, false),
            write("app/1", 2150, 2160, "b", false),
            answer("app/1", 3010, 3012, true),
            write("app/1", 3013, 3020, "c", true),
        ],
        vec![elected("app/0", 1, 50), elected("app/1", 2, 3000)],
        &["a", "c"],
    );
    let v = h.check();
    assert!(v.ok(), "{:?}", v.violations);
    assert_eq!((v.answers, v.true_answers, v.acked_writes, v.lost_writes), (5, 3, 2, 0));
}

#[test]
fn the_checker_catches_concurrent_and_ordered_overlaps() {
    // Concurrent: both True at the same moment.
    let v = history(vec![answer("app/0", 100, 110, true), answer("app/1", 105, 108, true)], vec![], &[]).check();
    assert_eq!(v.violations.len(), 1, "{:?}", v.violations);
    assert!(v.violations[0].contains("two leaders"), "{:?}", v.violations);
    // Ordered: the slow-claim case: app/1 True at 2,970 ms; app/0 asked at 950 ms and told True
    // at 3,449 ms (decided late: its agent was running, so at most 250 ms before that).
    let slow = vec![answer("app/1", 2960, 2970, true), answer("app/0", 950, 3449, true)];
    let v = history(slow.clone(), vec![], &[]).check();
    assert_eq!(v.violations.len(), 1, "{:?}", v.violations);
    // Had app/0's agent been stopped meanwhile, it may have decided at 950 ms: not certain.
    let mut h = history(slow, vec![], &[]);
    h.stopped.push(Stopped { unit: "app/0".into(), from: ms(1000), to: ms(3400) });
    assert!(h.check().ok(), "{:?}", h.check().violations);
    // A guarantee apart is fine; the same unit twice is fine.
    let v = history(vec![answer("app/0", 0, 5, true), answer("app/1", 1006, 1010, true)], vec![], &[]).check();
    assert!(v.ok(), "{:?}", v.violations);
    let v = history(vec![answer("app/0", 0, 5, true), answer("app/0", 6, 10, true)], vec![], &[]).check();
    assert!(v.ok());
}

#[test]
fn the_checker_catches_a_lost_write_and_a_write_beside_the_leader() {
    let v = history(vec![write("app/0", 10, 20, "a", true), write("app/0", 30, 40, "b", true)], vec![], &["a"]).check();
    assert_eq!(v.lost_writes, 1);
    assert!(v.violations[0].contains("lost write: b=1"), "{:?}", v.violations);
    // A refused write need not read back.
    let v = history(vec![write("app/0", 10, 20, "a", false)], vec![], &[]).check();
    assert!(v.ok());
    // No final read at all, with acknowledged writes: a failure, not a pass.
    let mut h = history(vec![write("app/0", 10, 20, "a", true)], vec![], &[]);
    h.final_settings = None;
    assert!(!h.check().ok());
    // app/1 was guaranteed leader from 105 ms to 1,100 ms; app/0's write was acknowledged inside.
    let v = history(vec![answer("app/1", 100, 105, true), write("app/0", 200, 300, "a", true)], vec![], &["a"]).check();
    assert_eq!(v.violations.len(), 1, "{:?}", v.violations);
    assert!(v.violations[0].contains("while app/1"), "{:?}", v.violations);
}

#[test]
fn the_checker_catches_terms_that_go_back_or_have_two_holders() {
    let v = history(vec![], vec![elected("app/0", 2, 100), elected("app/1", 1, 3000)], &[]).check();
    assert!(v.violations.iter().any(|m| m.contains("term went back")), "{:?}", v.violations);
    let v = history(vec![], vec![elected("app/0", 1, 100), elected("app/1", 1, 3000)], &[]).check();
    assert!(v.violations.iter().any(|m| m.contains("term 1 held by both")), "{:?}", v.violations);
    // Re-elected under the same term (the lease was still its own): fine.
    let v = history(vec![], vec![elected("app/0", 1, 100), elected("app/0", 1, 3000)], &[]).check();
    assert!(v.ok(), "{:?}", v.violations);
}

// ---- Named, deterministic scenarios. ----

/// Runs the probes, then heals, waits for a leader, reads the settings back and checks.
fn finish(cluster: &mut Cluster, what: &str) -> history::Verdict {
    cluster.heal();
    let leader = cluster.wait_leader(Duration::from_secs(30));
    cluster.stop_probes();
    let settings = leader.and_then(|i| {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match cluster.read_settings(i) {
                Some(s) => break Some(s),
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
                None => break None,
            }
        }
    });
    let history = cluster.history(settings);
    // The term checks read the agents' elections: a run with a leader has at least one.
    assert!(leader.is_none() || !history.elections.is_empty(), "{what}: no election in the agents' event logs");
    let verdict = history.check();
    assert!(
        leader.is_some() && verdict.ok(),
        "{what}: leader after healing: {leader:?}; violations: {:#?}\nhistory:\n{}",
        verdict.violations,
        history.describe()
    );
    verdict
}

#[test]
fn slow_claim_a_held_renewal_never_makes_a_second_leader() {
    // The reproduction: the leader's renewal fails fast (its connection to the controller is
    // refused for 1.3 s); then one claim gets through and is granted, but its answer is held
    // for 2.5 s, and every later request arrives too late to renew. The lease runs out and the
    // other unit takes it; the held grant then arrives. The old leader must answer False from
    // its guarantee's end on, never True beside the new leader.
    let mut cluster = Cluster::start(2, G);
    let leader = cluster.wait_leader(Duration::from_secs(15)).expect("a leader");
    let other = 1 - leader;
    cluster.start_probes(Duration::from_millis(20));
    std::thread::sleep(Duration::from_millis(300));
    let held_from = cluster.start.elapsed();
    cluster.proxy(leader).refuse(true);
    std::thread::sleep(ms(1300));
    cluster.proxy(leader).delay_down(ms(2500));
    cluster.proxy(leader).refuse(false);
    std::thread::sleep(ms(300));
    cluster.proxy(leader).delay_up(Duration::from_secs(5));
    // The other unit takes over once the lease runs out (within 2 s of the last renewal).
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cluster.elections().iter().any(|e| e.unit == cluster.unit_name(other)) {
        assert!(Instant::now() < deadline, "the other unit was never elected");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let verdict = finish(&mut cluster, "slow claim");
    // The old leader was asked during the hold, after its guarantee ran out, and said False.
    let name = cluster.unit_name(leader).to_string();
    let calls = cluster.calls.lock().unwrap().clone();
    let asked_late: Vec<&Call> = calls
        .iter()
        .filter(|c| c.unit == name && c.sent > held_from + G * 2 && c.sent < held_from + ms(4500))
        .filter(|c| matches!(c.op, Op::IsLeader(_)))
        .collect();
    assert!(!asked_late.is_empty(), "the old leader was not asked during the hold");
    assert!(asked_late.iter().all(|c| c.op == Op::IsLeader(false)), "{asked_late:#?}");
    println!(
        "slow claim: {} answers, {} True, {} acknowledged writes, violations 0",
        verdict.answers, verdict.true_answers, verdict.acked_writes
    );
}

// ---- Seeded random schedules. ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    KillAgent,
    StopAgent,
    /// The active controller (with one, the controller).
    KillController,
    StopController,
    DelayRequests,
    HoldAnswers,
    CutConnections,
    Partition,
    /// An etcd member (with several controllers on etcd).
    KillEtcd,
    StopEtcd,
}

/// The faults of a cluster with one controller on SQLite.
const FAULTS: [Fault; 8] = [
    Fault::KillAgent,
    Fault::StopAgent,
    Fault::KillController,
    Fault::StopController,
    Fault::DelayRequests,
    Fault::HoldAnswers,
    Fault::CutConnections,
    Fault::Partition,
];

/// The faults several controllers on etcd add to those: etcd members killed or paused.
const ETCD_FAULTS: [Fault; 2] = [Fault::KillEtcd, Fault::StopEtcd];

/// A fault on an agent or its network (`usize`: the unit), on a controller, or on an etcd
/// member (`usize`: which one; for the controller faults, chosen when injected: the active
/// one).
#[derive(Debug, Clone, Copy)]
enum Action {
    Inject(Fault, usize, Duration),
    Heal(Fault, usize),
}

/// The schedule of a seed: faults every 0.3–1.2 s for `seconds`, each healed 0.2–2.8 s later:
/// first those of `first` (so a short schedule surely has them), then drawn from `faults`;
/// `targets` is how many units (or etcd members) a fault picks from.
fn schedule(rng: &mut Rng, first: &[Fault], faults: &[Fault], targets: usize, seconds: u64) -> Vec<(Duration, Action)> {
    let mut actions = Vec::new();
    let mut t = rng.ms(200, 800);
    let mut first = first.iter();
    while t < Duration::from_secs(seconds) {
        let drawn = faults[rng.range(0, faults.len() as u64 - 1) as usize];
        let fault = first.next().copied().unwrap_or(drawn);
        let target = rng.range(0, targets as u64 - 1) as usize;
        let size = rng.ms(50, 2500);
        actions.push((t, Action::Inject(fault, target, size)));
        actions.push((t + rng.ms(200, 2800), Action::Heal(fault, target)));
        t += rng.ms(300, 1200);
    }
    actions.sort_by_key(|(at, _)| *at);
    actions
}

/// Which controllers the controller faults hit, so each heal reaches the one its fault hit.
#[derive(Default)]
struct Strikes {
    /// (0 kill, 1 stop; the fault's target) → the controller hit.
    hit: BTreeMap<(u8, usize), usize>,
    /// How many controller faults hit the controller that was active then, of how many.
    on_active: usize,
    total: usize,
}

/// Carries out one action. A controller fault hits the active controller, waiting up to 3 s for
/// one (a failover takes the 2 s session TTL and a little); another one if none is active by
/// then (etcd without quorum, say).
fn apply(cluster: &mut Cluster, action: Action, strikes: &mut Strikes) {
    let mut strike = |cluster: &Cluster, kind: u8, i: usize| -> usize {
        let deadline = Instant::now() + Duration::from_secs(3);
        let active = loop {
            match cluster.active_controller() {
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
                active => break active,
            }
        };
        let k = active.unwrap_or(i % cluster.controller_count());
        strikes.hit.insert((kind, i), k);
        strikes.total += 1;
        strikes.on_active += usize::from(active.is_some());
        k
    };
    match action {
        Action::Inject(Fault::KillAgent, i, _) => cluster.kill_agent(i),
        Action::Heal(Fault::KillAgent, i) if !cluster.agent_running(i) => cluster.start_agent(i),
        Action::Inject(Fault::StopAgent, i, _) => cluster.stop_agent(i, true),
        Action::Heal(Fault::StopAgent, i) => cluster.stop_agent(i, false),
        Action::Inject(Fault::KillController, i, _) => {
            let k = strike(cluster, 0, i);
            cluster.kill_controller(k)
        }
        Action::Heal(Fault::KillController, i) => {
            if let Some(k) = strikes.hit.remove(&(0, i)).filter(|&k| !cluster.controller_running(k)) {
                cluster.start_controller(k)
            }
        }
        Action::Inject(Fault::StopController, i, _) => {
            let k = strike(cluster, 1, i);
            cluster.stop_controller(k, true)
        }
        Action::Heal(Fault::StopController, i) => {
            if let Some(k) = strikes.hit.remove(&(1, i)) {
                cluster.stop_controller(k, false)
            }
        }
        Action::Inject(Fault::DelayRequests, i, d) => cluster.proxy(i).delay_up(d),
        Action::Heal(Fault::DelayRequests, i) => cluster.proxy(i).delay_up(Duration::ZERO),
        Action::Inject(Fault::HoldAnswers, i, d) => cluster.proxy(i).delay_down(d),
        Action::Heal(Fault::HoldAnswers, i) => cluster.proxy(i).delay_down(Duration::ZERO),
        Action::Inject(Fault::CutConnections, i, _) => cluster.proxy(i).drop_connections(),
        Action::Inject(Fault::Partition, i, _) => cluster.proxy(i).partition(true),
        Action::Heal(Fault::Partition, i) => cluster.proxy(i).partition(false),
        Action::Inject(Fault::KillEtcd, i, _) => cluster.etcd.as_mut().unwrap().members[i].kill(),
        Action::Heal(Fault::KillEtcd, i) => cluster.etcd.as_mut().unwrap().members[i].start(),
        Action::Inject(Fault::StopEtcd, i, _) => cluster.etcd.as_mut().unwrap().members[i].pause(true),
        Action::Heal(Fault::StopEtcd, i) => cluster.etcd.as_mut().unwrap().members[i].pause(false),
        Action::Heal(..) => {}
    }
}

/// Where a schedule runs: one controller on SQLite, or several on etcd.
#[derive(Debug, Clone, Copy)]
enum Topology {
    Sqlite,
    /// Built only with `--features etcd`.
    #[cfg_attr(not(feature = "etcd"), allow(dead_code))]
    Etcd {
        controllers: usize,
        members: usize,
    },
}

/// What one schedule did: its verdict, the faults injected, and how many of the controller
/// faults hit the active controller.
struct Outcome {
    verdict: history::Verdict,
    faults: BTreeMap<Fault, usize>,
    on_active: usize,
    controller_faults: usize,
}

/// One schedule on a fresh 3-unit cluster. On etcd, each schedule opens with a kill -9 of the
/// active controller, a SIGSTOP of the active controller and a kill -9 of an etcd member.
fn run_schedule(seed: u64, seconds: u64, topology: Topology) -> Outcome {
    let mut rng = Rng::new(seed);
    let (mut cluster, first, faults): (_, &[Fault], Vec<Fault>) = match topology {
        Topology::Sqlite => (Cluster::start(3, G), &[], FAULTS.to_vec()),
        Topology::Etcd { controllers, members } => (
            Cluster::start_on_etcd(3, G_ETCD, controllers, members),
            &[Fault::KillController, Fault::StopController, Fault::KillEtcd],
            FAULTS.iter().chain(&ETCD_FAULTS).copied().collect(),
        ),
    };
    let wait = Duration::from_secs(if matches!(topology, Topology::Sqlite) { 15 } else { 30 });
    assert!(cluster.wait_leader(wait).is_some(), "seed {seed}: no first leader");
    let targets = cluster.unit_count().min(cluster.etcd.as_ref().map_or(usize::MAX, |e| e.members.len()));
    let actions = schedule(&mut rng, first, &faults, targets, seconds);
    cluster.start_probes(Duration::from_millis(20));
    let t0 = Instant::now();
    let mut injected = BTreeMap::new();
    let mut strikes = Strikes::default();
    for (at, action) in actions {
        std::thread::sleep((t0 + at).saturating_duration_since(Instant::now()));
        if let Action::Inject(fault, ..) = action {
            *injected.entry(fault).or_insert(0) += 1;
        }
        apply(&mut cluster, action, &mut strikes);
    }
    let verdict = finish(&mut cluster, &format!("seed {seed} (replay: LEADERD_CHAOS_SEED={seed})"));
    Outcome { verdict, faults: injected, on_active: strikes.on_active, controller_faults: strikes.total }
}

#[test]
fn seeded_fault_schedules_never_make_two_leaders_or_lose_a_write() {
    run_schedules(Topology::Sqlite, "chaos");
}

/// Three controllers on a three-member etcd: the same probes and checker, and the faults also
/// kill or pause the active controller and etcd members (two down at once loses quorum).
#[cfg(feature = "etcd")]
#[test]
#[ignore = "needs etcd (Debian: etcd-server); run by .ci/run with --features etcd"]
fn seeded_fault_schedules_on_etcd_never_make_two_leaders_or_lose_a_write() {
    run_schedules(Topology::Etcd { controllers: 3, members: 3 }, "chaos on etcd");
}

fn run_schedules(topology: Topology, what: &str) {
    let schedules = env_u64("LEADERD_CHAOS_SCHEDULES").unwrap_or(2);
    let seconds = env_u64("LEADERD_CHAOS_SECONDS").unwrap_or(6);
    let parallel = env_u64("LEADERD_CHAOS_PARALLEL").unwrap_or(1).max(1);
    let base = env_u64("LEADERD_CHAOS_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64
    });
    println!("{what}: {schedules} schedules of {seconds} s, first seed {base} (LEADERD_CHAOS_SEED={base})");
    let started = Instant::now();
    let seeds: Vec<u64> = (0..schedules).map(|i| base.wrapping_add(i)).collect();
    let mut totals = history::Verdict::default();
    let mut faults: BTreeMap<Fault, usize> = BTreeMap::new();
    let (mut on_active, mut controller_faults) = (0, 0);
    for batch in seeds.chunks(parallel as usize) {
        let results: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> =
                batch.iter().map(|&seed| s.spawn(move || (seed, run_schedule(seed, seconds, topology)))).collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        for result in results {
            let (seed, Outcome { verdict, faults: counts, on_active: active, controller_faults: of }) = match result {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            println!(
                "{what}: seed {seed}: {} answers ({} True), {} acknowledged writes, faults {counts:?} \
                 ({active} of {of} controller faults on the active controller)",
                verdict.answers, verdict.true_answers, verdict.acked_writes
            );
            on_active += active;
            controller_faults += of;
            totals.answers += verdict.answers;
            totals.true_answers += verdict.true_answers;
            totals.acked_writes += verdict.acked_writes;
            totals.lost_writes += verdict.lost_writes;
            for (fault, n) in counts {
                *faults.entry(fault).or_insert(0) += n;
            }
        }
    }
    println!(
        "{what}: {schedules} schedules in {:.0} s: {} answers ({} True), {} acknowledged writes, lost {}, violations 0; \
         faults {faults:?} ({on_active} of {controller_faults} controller faults on the active controller)",
        started.elapsed().as_secs_f64(),
        totals.answers,
        totals.true_answers,
        totals.acked_writes,
        totals.lost_writes
    );
}
