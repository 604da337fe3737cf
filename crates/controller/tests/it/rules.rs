//! The controller's rules in-process, on tokio's paused clock: time moves only when the test
//! says so (or when every task is idle), so a 5-minute restart grace costs nothing.

use std::time::Duration;

use leaderd_controller::store::{memory::MemoryStore, sqlite::SqliteStore};
use leaderd_controller::{ClaimError, ClaimOutcome, Controller, LeaderWriteError, Removed};
use leaderd_core::model::Settings;
use leaderd_core::model::Term;

use crate::{app, config, kv, term, unit, LEASE};
use tokio::time::{advance, Instant};

#[tokio::test(start_paused = true)]
async fn claims_terms_and_fenced_writes() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let t1 = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    assert_eq!(t1, 1);
    assert_eq!(c.claim(&unit("app/1"), LEASE).await.unwrap(), ClaimOutcome::Denied);
    assert_eq!(c.merge(&unit("app/0"), t1, kv(&[("a", "1"), ("b", "2")])).await, Ok(1));
    assert_eq!(c.merge(&unit("app/1"), t1, kv(&[("a", "x")])).await, Err(LeaderWriteError::NotLeader));
    assert_eq!(c.merge(&unit("app/0"), t1 + 1, kv(&[("a", "x")])).await, Err(LeaderWriteError::NotLeader));
    // Empty values delete; the version moves once per accepted write.
    assert_eq!(c.merge(&unit("app/0"), t1, kv(&[("b", ""), ("c", "3")])).await, Ok(2));
    // A merge that changes no key is accepted without a new version.
    assert_eq!(c.merge(&unit("app/0"), t1, Settings::new()).await, Ok(2));
    let bucket = c.read(&app("app"));
    assert_eq!((bucket.settings, bucket.version), (kv(&[("a", "1"), ("c", "3")]), 2));

    // The lease expires; app/1 takes it with a new term; app/0's term is fenced off for good,
    // even once app/0 leads again.
    advance(LEASE).await;
    assert_eq!(c.merge(&unit("app/0"), t1, kv(&[("a", "late")])).await, Err(LeaderWriteError::NotLeader));
    let t2 = term(c.claim(&unit("app/1"), LEASE).await.unwrap());
    assert_eq!(t2, 2);
    assert_eq!(c.revoke(&app("app")).await, Some(Term(2)));
    advance(LEASE).await;
    let t3 = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    assert_eq!(t3, 3);
    assert_eq!(c.merge(&unit("app/0"), t1, kv(&[("a", "stale")])).await, Err(LeaderWriteError::NotLeader));
    assert_eq!(c.read(&app("app")).settings["a"], "1", "rejected merges changed nothing");
    assert_eq!(c.merge(&unit("app/0"), t3, kv(&[("a", "fresh")])).await, Ok(3));
}

#[tokio::test(start_paused = true)]
async fn release_wait_returns_the_moment_the_lease_expires_and_not_before() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    let start = Instant::now();
    advance(Duration::from_secs(20)).await;
    // The holder renews at 20 s: the lease now ends at 80 s.
    term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    assert!(c.wait_released(&app("app"), Duration::from_secs(300)).await);
    assert_eq!(Instant::now() - start, Duration::from_secs(80));
    // A wait that times out first says so, at its timeout.
    term(c.claim(&unit("app/1"), LEASE).await.unwrap());
    let before = Instant::now();
    assert!(!c.wait_released(&app("app"), Duration::from_secs(10)).await);
    assert_eq!(Instant::now() - before, Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn a_revoked_lease_refuses_renewal_and_frees_at_its_expiry_not_before() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let start = Instant::now();
    term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    advance(Duration::from_secs(10)).await;
    assert_eq!(c.revoke(&app("app")).await, Some(Term(1)));
    // The holder was promised the lease until its expiry, and may be answering is-leader True
    // until then: nobody else gets it sooner, and it cannot renew.
    assert_eq!(c.claim(&unit("app/0"), LEASE).await.unwrap(), ClaimOutcome::Denied);
    assert_eq!(c.claim(&unit("app/1"), LEASE).await.unwrap(), ClaimOutcome::Denied);
    assert!(c.wait_released(&app("app"), Duration::from_secs(300)).await);
    assert_eq!(Instant::now() - start, LEASE, "released at the original expiry");
    assert_eq!(term(c.claim(&unit("app/1"), LEASE).await.unwrap()), 2);
    assert_eq!(c.revoke(&app("other")).await, None, "nothing to revoke");
}

// Real clock: with a paused clock the runtime would skip ahead to a pending timer while a merge
// or revoke is on the writer thread, which tokio cannot see.
#[tokio::test]
async fn watch_returns_when_the_version_moves_past_after() {
    let c = std::sync::Arc::new(Controller::start(Box::new(MemoryStore::default()), config()).unwrap());
    let t = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    assert_eq!(c.watch(&app("app"), 0, Duration::from_millis(50)).await, 0, "timeout: the current version");
    let watcher = {
        let c = c.clone();
        tokio::spawn(async move { c.watch(&app("app"), 0, Duration::from_secs(30)).await })
    };
    tokio::task::yield_now().await;
    c.merge(&unit("app/0"), t, kv(&[("k", "v")])).await.unwrap();
    assert_eq!(watcher.await.unwrap(), 1);
    assert_eq!(c.watch(&app("app"), 0, Duration::from_secs(30)).await, 1, "already past: at once");
}

#[tokio::test(start_paused = true)]
async fn a_restarted_controller_honours_persisted_holders_for_the_max_lease() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    let first = Controller::start(Box::new(SqliteStore::open(&db).unwrap()), config()).unwrap();
    let t = term(first.claim(&unit("app/0"), Duration::from_secs(5)).await.unwrap());
    first.merge(&unit("app/0"), t, kv(&[("k", "v")])).await.unwrap();
    drop(first);

    let second = Controller::start(Box::new(SqliteStore::open(&db).unwrap()), config()).unwrap();
    assert_eq!(second.read(&app("app")).settings, kv(&[("k", "v")]));
    // The 5 s lease would have ended long ago, but the new controller cannot know the holder
    // did not renew: it honours it for a full max lease (300 s).
    advance(Duration::from_secs(299)).await;
    assert_eq!(second.claim(&unit("app/1"), LEASE).await.unwrap(), ClaimOutcome::Denied);
    // The holder may renew, keeping its term, and write.
    assert_eq!(term(second.claim(&unit("app/0"), Duration::from_secs(5)).await.unwrap()), t);
    assert_eq!(second.merge(&unit("app/0"), t, kv(&[("k", "v2")])).await, Ok(2));
    advance(Duration::from_secs(5)).await;
    assert_eq!(term(second.claim(&unit("app/1"), LEASE).await.unwrap()), t + 1);
}

#[test]
fn both_stores_keep_config_and_statuses() {
    use leaderd_controller::store::{ConfigRecord, StatusRecord, Store, UnitStatusRecord as UnitStatus, Write};
    use leaderd_core::wire::controller::AppConfig;
    let dir = tempfile::tempdir().unwrap();
    let options = leaderd_core::charm_config::options("options:\n  port: {type: int, default: 8080}\n").unwrap();
    let config: ConfigRecord = AppConfig {
        options,
        values: [("port".to_string(), serde_json::json!(81))].into(),
        version: 3,
        charm: None,
        peers: None,
        storage: None,
        endpoints: None,
        trust: false,
        dying: false,
    }
    .into();
    let active = StatusRecord { status: "active".into(), message: "up".into(), data: Settings::new() };
    let writes = vec![
        Write::Config { app: "app".into(), config: config.clone() },
        Write::UnitStatus {
            unit: "app/0".into(),
            status: UnitStatus { workload: active.clone(), version: "1".into(), since_ms: None },
        },
        Write::UnitStatus {
            unit: "app/0".into(),
            status: UnitStatus { workload: active.clone(), version: "2".into(), since_ms: None },
        },
        Write::AppStatus { app: "app".into(), status: active.clone() },
    ];
    let path = dir.path().join("state.db");
    let stores: Vec<Box<dyn Fn() -> Box<dyn Store>>> = vec![
        Box::new(|| Box::new(MemoryStore::default())),
        Box::new(move || Box::new(SqliteStore::open(&path).unwrap())),
    ];
    for (i, open) in stores.iter().enumerate() {
        let mut store = open();
        store.commit(&writes).unwrap();
        // The memory store keeps nothing across opens; SQLite is read back from disk.
        let snapshot = if i == 0 { store.load().unwrap() } else { open().load().unwrap() };
        assert_eq!(snapshot.configs["app"], config, "store {i}");
        assert_eq!(snapshot.unit_statuses["app/0"].version, "2", "store {i}: the last write wins");
        assert_eq!(snapshot.app_statuses["app"], active, "store {i}");
        // A removed unit's status is forgotten, durably.
        let other = UnitStatus { workload: active.clone(), version: String::new(), since_ms: None };
        store.commit(&[Write::UnitStatus { unit: "app/1".into(), status: other }]).unwrap();
        store.commit(&[Write::ForgetUnit { unit: "app/0".into() }]).unwrap();
        let snapshot = if i == 0 { store.load().unwrap() } else { open().load().unwrap() };
        let units: Vec<&String> = snapshot.unit_statuses.keys().collect();
        assert_eq!(units, ["app/1"], "store {i}");
        // And it stays removed, for good (a tombstone: unit numbers are never reused).
        let removed: Vec<&String> = snapshot.removed.iter().collect();
        assert_eq!(removed, ["app/0"], "store {i}");
    }
}

/// A store that refuses any write whose settings change the key `too-big` (a request too big for
/// one transaction, as etcd refuses one over its `--max-txn-ops`), failing its whole batch.
struct Picky(MemoryStore);

impl leaderd_controller::store::Store for Picky {
    fn load(&mut self) -> anyhow::Result<leaderd_controller::store::Snapshot> {
        self.0.load()
    }
    fn commit(&mut self, batch: &[leaderd_controller::store::Write]) -> Result<(), leaderd_controller::CommitError> {
        let too_big = |w: &leaderd_controller::store::Write| matches!(w, leaderd_controller::store::Write::Settings { changes, .. } if changes.contains_key("too-big"));
        if batch.iter().any(too_big) {
            return Err(leaderd_controller::store::TooBig { changes: batch.len() }.into());
        }
        self.0.commit(batch)
    }
    fn describe(&self) -> String {
        "picky".into()
    }
}

/// A batch the store refuses as a whole is committed again request by request: only the request
/// that is refused on its own fails, the others in its batch are durable and acknowledged.
#[tokio::test]
async fn a_refused_batch_is_retried_request_by_request() {
    let c = Controller::start(Box::new(Picky(MemoryStore::default())), config()).unwrap();
    let mut terms = Vec::new();
    for i in 0..8 {
        terms.push(term(c.claim(&unit(&format!("a{i}/0")), LEASE).await.unwrap()));
    }
    // Sent together, so the writer batches them; a3's is the one the store refuses.
    let merges: Vec<_> = (0..8)
        .map(|i| {
            let (c, t) = (c.clone(), terms[i]);
            let key = if i == 3 { "too-big" } else { "k" };
            tokio::spawn(async move { c.merge(&unit(&format!("a{i}/0")), t, kv(&[(key, "v")])).await })
        })
        .collect();
    let mut results = Vec::new();
    for merge in merges {
        results.push(merge.await.unwrap());
    }
    for (i, result) in results.iter().enumerate() {
        if i == 3 {
            // Too large, not a failure to retry: the same request would be refused again.
            assert!(
                matches!(result, Err(LeaderWriteError::TooLarge(e)) if e.contains("more than the etcd cluster allows")),
                "{result:?}"
            );
            assert!(c.read(&app("a3")).settings.is_empty());
        } else {
            assert_eq!(result.as_ref().ok(), Some(&1), "a{i}: {result:?}");
            assert_eq!(c.read(&app(&format!("a{i}"))).settings, kv(&[("k", "v")]));
        }
    }
}

fn removed(claim: Result<ClaimOutcome, ClaimError>) -> Removed {
    match claim {
        Err(ClaimError::Removed(removed)) => removed,
        Err(e) => panic!("refused, but not as removed: {e}"),
        Ok(outcome) => panic!("a removed unit's claim was answered: {outcome:?}"),
    }
}

/// A removed unit never claims again: not while the lease it held runs out (nobody else gets
/// it sooner either), not after it frees, not after a restart (the tombstone is durable).
/// The other units are unaffected.
#[tokio::test(start_paused = true)]
async fn a_removed_unit_never_claims_again_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("state.db");
    let first = Controller::start(Box::new(SqliteStore::open(&db).unwrap()), config()).unwrap();
    let t1 = term(first.claim(&unit("app/0"), LEASE).await.unwrap());
    first.forget_unit(&unit("app/0")).await.unwrap();
    assert!(first.is_removed("app/0"));
    assert!(!first.is_removed("app/1") && !first.is_removed("other/0"));
    let refusal = removed(first.claim(&unit("app/0"), LEASE).await);
    assert_eq!(refusal.to_string(), "unit app/0 has been removed");
    // The lease it held runs to its expiry (it may have answered is-leader True until then).
    assert_eq!(first.claim(&unit("app/1"), LEASE).await.unwrap(), ClaimOutcome::Denied);
    advance(LEASE).await;
    removed(first.claim(&unit("app/0"), LEASE).await);
    let t2 = term(first.claim(&unit("app/1"), LEASE).await.unwrap());
    assert_eq!(t2, t1 + 1);
    assert_eq!(first.merge(&unit("app/1"), t2, kv(&[("k", "v")])).await, Ok(1));
    drop(first);

    let second = Controller::start(Box::new(SqliteStore::open(&db).unwrap()), config()).unwrap();
    assert!(second.is_removed("app/0"), "the tombstone survived the restart");
    assert!(!second.is_removed("app/1"));
    removed(second.claim(&unit("app/0"), LEASE).await);
    assert_eq!(term(second.claim(&unit("app/1"), LEASE).await.unwrap()), t2, "the holder renews");
    assert_eq!(term(second.claim(&unit("other/0"), LEASE).await.unwrap()), 1);
}

/// A store whose commits of a removal wait until the test lets them through.
struct HeldRemovals {
    inner: MemoryStore,
    open: std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
}

impl leaderd_controller::store::Store for HeldRemovals {
    fn load(&mut self) -> anyhow::Result<leaderd_controller::store::Snapshot> {
        self.inner.load()
    }
    fn commit(&mut self, batch: &[leaderd_controller::store::Write]) -> Result<(), leaderd_controller::CommitError> {
        if batch.iter().any(|w| matches!(w, leaderd_controller::store::Write::ForgetUnit { .. })) {
            let (open, turned) = &*self.open;
            let _open = turned.wait_while(open.lock().unwrap(), |open| !*open).unwrap();
        }
        self.inner.commit(batch)
    }
    fn describe(&self) -> String {
        "held".into()
    }
}

/// The removal counts from the moment the operator asks, not from when it is durable: a claim
/// while the removal is still on its way to the store is refused.
// Real clock: the writer thread blocks, which tokio's paused clock cannot see.
#[tokio::test]
async fn a_removal_refuses_claims_before_it_is_durable() {
    let open = std::sync::Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
    let store = HeldRemovals { inner: MemoryStore::default(), open: open.clone() };
    let c = Controller::start(Box::new(store), config()).unwrap();
    term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    let forget = {
        let c = c.clone();
        tokio::spawn(async move { c.forget_unit(&unit("app/0")).await })
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c.is_removed("app/0") {
        assert!(Instant::now() < deadline, "the removal never started");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    removed(c.claim(&unit("app/0"), LEASE).await);
    assert!(!forget.is_finished(), "the removal was not durable yet");
    *open.0.lock().unwrap() = true;
    open.1.notify_all();
    assert_eq!(forget.await.unwrap(), Ok(()));
    removed(c.claim(&unit("app/0"), LEASE).await);
}

/// `leaderd refresh`: the new charm's options replace the old ones; a value is kept where its
/// option is still there and still takes it (typed as the option now says), dropped otherwise;
/// the charm is recorded and the version moves even when the options and values are the same.
#[tokio::test]
async fn a_refresh_keeps_the_values_the_new_charm_takes_and_moves_the_version() {
    use leaderd_controller::ConfigChange;
    use leaderd_core::wire::controller::CharmRef;
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let options = |text: &str| leaderd_core::charm_config::options(text).unwrap();
    let v1 = "options:\n  port: {type: int, default: 80}\n  name: {type: string}\n  level: {type: string}\n";
    let deploy = ConfigChange { options: Some(options(v1)), ..Default::default() };
    c.change_config(&app("app"), deploy).await.unwrap();
    let set = [("port", "81"), ("name", "x"), ("level", "5")];
    let set = set.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect();
    let before = c.change_config(&app("app"), ConfigChange { set, ..Default::default() }).await.unwrap();
    assert_eq!(before.charm, None);

    // port stays an int; level becomes an int ("5" parses); name is gone; debug is new.
    let v2 =
        "options:\n  port: {type: int, default: 80}\n  level: {type: int}\n  debug: {type: boolean, default: false}\n";
    let charm = CharmRef { revision: 1, path: "/state/charms/1".into() };
    let refresh = ConfigChange { options: Some(options(v2)), charm: Some(charm.clone()), ..Default::default() };
    let after = c.change_config(&app("app"), refresh).await.unwrap();
    let want: leaderd_core::charm_config::Values =
        [("level".to_string(), serde_json::json!(5)), ("port".to_string(), serde_json::json!(81))].into();
    assert_eq!(after.values, want);
    assert_eq!((after.charm, after.version), (Some(charm), before.version + 1));

    // The same options again with the next charm: still a change (the units must see it).
    let charm2 = CharmRef { revision: 2, path: "/state/charms/2".into() };
    let again = ConfigChange { options: Some(options(v2)), charm: Some(charm2.clone()), ..Default::default() };
    let again = c.change_config(&app("app"), again).await.unwrap();
    assert_eq!((again.charm, again.version), (Some(charm2), before.version + 2));
    // A later config change keeps the charm.
    let set = [("port".to_string(), serde_json::json!("82"))].into();
    let later = c.change_config(&app("app"), ConfigChange { set, ..Default::default() }).await.unwrap();
    assert_eq!(later.charm.map(|c| c.revision), Some(2));
}
