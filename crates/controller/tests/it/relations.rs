//! Relation data in the controller, in-process: scopes, bags, the leader-only application bag
//! fenced by the lease term at the write, the watch that wakes units, and durability across a
//! restart with the SQLite store.

use std::time::Duration;

use leaderd_controller::store::{memory::MemoryStore, sqlite::SqliteStore};
use leaderd_controller::HookCommit;
use leaderd_controller::{Controller, LeaderWriteError};
use leaderd_core::model::Settings;
use leaderd_core::model::Term;

use crate::{app, config, kv, term, unit, LEASE};
use leaderd_core::wire::controller::RelationChanges;

fn unit_change(id: u64, pairs: &[(&str, &str)]) -> RelationChanges {
    RelationChanges { relation_id: id, unit: kv(pairs), app: None }
}

fn app_change(id: u64, pairs: &[(&str, &str)]) -> RelationChanges {
    RelationChanges { relation_id: id, unit: Settings::new(), app: Some(kv(pairs)) }
}

#[tokio::test]
async fn scopes_bags_and_the_leader_only_application_bag() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let v0 = c.relations(&app("app")).version;
    c.join_relations(&unit("app/0"), &[0]).await.unwrap();
    c.join_relations(&unit("app/1"), &[0]).await.unwrap();
    let r = c.relations(&app("app"));
    assert_ne!(r.version, v0);
    assert_eq!(r.relations[&0].members, vec!["app/0", "app/1"]);
    assert_eq!(r.relations[&0].units["app/1"]["private-address"], "127.0.0.1", "Juju's scope keys");

    // A unit writes its own bag; the application bag needs the lease under the current term.
    let t = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    c.commit_hook(&unit("app/1"), None, vec![unit_change(0, &[("addr", "10.0.0.2")])], vec![]).await.unwrap();
    let refused = c.commit_hook(&unit("app/1"), Some(t), vec![app_change(0, &[("secret", "x")])], vec![]).await;
    assert_eq!(refused, Err(LeaderWriteError::NotLeader));
    let no_term = c.commit_hook(&unit("app/0"), None, vec![app_change(0, &[("secret", "x")])], vec![]).await;
    assert_eq!(no_term, Err(LeaderWriteError::NotLeader));
    // Refused means nothing at all: the unit-bag change in the same commit is not written.
    let stale = vec![unit_change(0, &[("mine", "1")]), app_change(0, &[("secret", "x")])];
    assert_eq!(
        c.commit_hook(&unit("app/0"), Some(Term(t.0 + 1)), stale, vec![]).await,
        Err(LeaderWriteError::NotLeader)
    );
    assert!(!c.relations(&app("app")).relations[&0].units["app/0"].contains_key("mine"));
    let both = vec![unit_change(0, &[("mine", "1")]), app_change(0, &[("secret", "s1")])];
    c.commit_hook(&unit("app/0"), Some(t), both, vec![]).await.unwrap();
    let r = c.relations(&app("app"));
    assert_eq!(r.relations[&0].app, kv(&[("secret", "s1")]));
    assert_eq!(r.relations[&0].units["app/0"]["mine"], "1");
    assert_eq!(r.relations[&0].units["app/1"]["addr"], "10.0.0.2");

    // Leaving: out of the scope, the bag stays readable; joining again keeps the bag.
    c.leave_relations(&unit("app/1")).await.unwrap();
    let r = c.relations(&app("app"));
    assert_eq!(r.relations[&0].members, vec!["app/0"]);
    assert_eq!(r.relations[&0].units["app/1"]["addr"], "10.0.0.2");
    c.join_relations(&unit("app/1"), &[0]).await.unwrap();
    assert_eq!(c.relations(&app("app")).relations[&0].units["app/1"]["addr"], "10.0.0.2");
}

#[tokio::test]
async fn the_watch_wakes_on_every_change_and_times_out_without_one() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let v = c.relations(&app("app")).version;
    let started = tokio::time::Instant::now();
    assert_eq!(c.watch_relations(&app("app"), v, Duration::from_millis(100)).await, v);
    assert!(started.elapsed() >= Duration::from_millis(100));
    let watcher = {
        let c = c.clone();
        tokio::spawn(async move { c.watch_relations(&app("app"), v, Duration::from_secs(10)).await })
    };
    c.join_relations(&unit("app/0"), &[0]).await.unwrap();
    let woke = tokio::time::timeout(Duration::from_secs(5), watcher).await.unwrap().unwrap();
    assert_ne!(woke, v);
    // A version from before (another controller run) is answered at once.
    assert_eq!(c.watch_relations(&app("app"), 1, Duration::from_secs(10)).await, woke);
}

#[tokio::test]
async fn relation_data_survives_a_restart_with_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let before = {
        let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
        c.join_relations(&unit("app/0"), &[0, 1]).await.unwrap();
        c.join_relations(&unit("app/2"), &[0]).await.unwrap();
        let t = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
        let changes = vec![unit_change(0, &[("private-address", ""), ("a", "1")]), app_change(1, &[("k", "v")])];
        c.commit_hook(&unit("app/0"), Some(t), changes, vec![]).await.unwrap();
        c.leave_relations(&unit("app/2")).await.unwrap();
        let r = c.relations(&app("app"));
        tokio::time::sleep(Duration::from_millis(5)).await;
        r
    };
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    let after = c.relations(&app("app"));
    assert_eq!(after.relations, before.relations);
    assert_eq!(
        after.relations[&0].units["app/0"],
        kv(&[("a", "1"), ("egress-subnets", "127.0.0.1/32"), ("ingress-address", "127.0.0.1")])
    );
    assert_eq!(after.relations[&0].members, vec!["app/0"]);
    assert_ne!(after.version, before.version, "a new run's versions never repeat the old run's");
}

/// A unit's charm state (state-set) is committed with its hook, whole, checked against Juju's
/// limits (a refused one writes nothing of the hook), kept across a restart with SQLite, and
/// forgotten with the unit.
#[tokio::test]
async fn charm_state_is_committed_with_the_hook_kept_across_a_restart_and_forgotten_with_the_unit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
        c.join_relations(&unit("app/0"), &[0]).await.unwrap();
        let state = Some(kv(&[("k", "v"), ("dotted.key", "")]));
        c.commit_hook_full(&unit("app/0"), None, HookCommit { charm_state: state, ..Default::default() })
            .await
            .unwrap();
        c.commit_hook_full(
            &unit("app/1"),
            None,
            HookCommit { charm_state: Some(kv(&[("mine", "1")])), ..Default::default() },
        )
        .await
        .unwrap();
        assert_eq!(c.unit_state(&unit("app/0")), kv(&[("k", "v"), ("dotted.key", "")]));
        // Over 2 MiB as BSON: refused in Juju's words, and the hook's relation change with it.
        let big: Settings = (0..32).map(|i| (format!("k{i:02}"), "v".repeat(65536))).collect();
        let refused = c
            .commit_hook_full(
                &unit("app/0"),
                None,
                HookCommit {
                    changes: vec![unit_change(0, &[("a", "1")])],
                    charm_state: Some(big),
                    ..Default::default()
                },
            )
            .await;
        let words = "persisting charm state: max allowed size (2097152) exceeded";
        assert_eq!(refused, Err(LeaderWriteError::Invalid(words.into())));
        assert_eq!(c.relations(&app("app")).relations[&0].units["app/0"].get("a"), None);
        assert_eq!(c.unit_state(&unit("app/0")), kv(&[("k", "v"), ("dotted.key", "")]));
        c.forget_unit(&unit("app/1")).await.unwrap();
        assert_eq!(c.unit_state(&unit("app/1")), Settings::new());
    }
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(c.unit_state(&unit("app/0")), kv(&[("k", "v"), ("dotted.key", "")]));
    assert_eq!(c.unit_state(&unit("app/1")), Settings::new(), "forgotten with the unit");
    // An empty state clears it.
    c.commit_hook_full(&unit("app/0"), None, HookCommit { charm_state: Some(Settings::new()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(c.unit_state(&unit("app/0")), Settings::new());
}

/// A hook's open-port and close-port requests are applied to the unit's opened ranges in the
/// commit's write (opening an open range and closing a closed one do nothing), kept per unit
/// across a restart with SQLite, and forgotten with a removed unit.
#[tokio::test]
async fn opened_ports_are_committed_per_unit_and_survive_a_restart() {
    use leaderd_core::ports::{parse, PortChange};
    let change = |open: bool, endpoint: &str, range: &str| PortChange {
        open,
        endpoint: endpoint.into(),
        range: parse(range).unwrap(),
    };
    let text = |c: &Controller, u: &str| -> Vec<String> {
        let ports = c.unit_ports(&app("app"));
        ports.get(u).map(|p| leaderd_core::ports::unique(p).iter().map(|r| r.to_string()).collect()).unwrap_or_default()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    let opens = vec![change(true, "", "80"), change(true, "website", "8000-8010/udp"), change(true, "", "80")];
    c.commit_hook_full(&unit("app/0"), None, HookCommit { ports: opens, ..Default::default() }).await.unwrap();
    c.commit_hook_full(
        &unit("app/1"),
        None,
        HookCommit { ports: vec![change(true, "", "icmp")], ..Default::default() },
    )
    .await
    .unwrap();
    assert_eq!(text(&c, "app/0"), ["80/tcp", "8000-8010/udp"]);
    let closes = vec![change(false, "", "80"), change(false, "", "9999"), change(false, "", "8000-8010/udp")];
    c.commit_hook_full(&unit("app/0"), None, HookCommit { ports: closes, ..Default::default() }).await.unwrap();
    assert_eq!(text(&c, "app/0"), ["8000-8010/udp"], "closed only where open for that endpoint");
    drop(c);

    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(text(&c, "app/0"), ["8000-8010/udp"]);
    assert_eq!(text(&c, "app/1"), ["icmp"]);
    c.forget_unit(&unit("app/1")).await.unwrap();
    assert!(!c.unit_ports(&app("app")).contains_key("app/1"));
    // Closing the last range leaves the unit without any.
    let last = vec![change(false, "website", "8000-8010/udp")];
    c.commit_hook_full(&unit("app/0"), None, HookCommit { ports: last, ..Default::default() }).await.unwrap();
    assert!(c.unit_ports(&app("app")).is_empty());
}

/// A unit's storage: made up to the charm's minimum counts once (an ensure again adds nothing),
/// numbered from one sequence per application, added by a hook's commit within the charm's
/// counts (an over-maximum add refused in Juju's words, with the rest of the hook), kept across
/// a restart with SQLite, forgotten with a removed unit, and no id used twice.
#[tokio::test]
async fn storage_is_ensured_added_within_its_counts_kept_across_a_restart_and_never_renumbered() {
    use leaderd_core::storage::{CharmStorageCounts, StorageKind};
    use leaderd_core::wire::controller::StorageDirective;
    let data = |count| StorageDirective {
        name: "data".into(),
        kind: StorageKind::Filesystem,
        count,
        counts: CharmStorageCounts { min: 1, max: Some(2) },
    };
    let ids = |c: &Controller, u: &str| -> Vec<String> { c.unit_storage(&unit(u)).into_iter().map(|s| s.id).collect() };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
        let got = c.ensure_storage(&unit("app/0"), vec![data(1)]).await.unwrap();
        assert_eq!(got.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["data/0"]);
        c.ensure_storage(&unit("app/0"), vec![data(1)]).await.unwrap();
        c.ensure_storage(&unit("app/1"), vec![data(1)]).await.unwrap();
        assert_eq!((ids(&c, "app/0"), ids(&c, "app/1")), (vec!["data/0".to_string()], vec!["data/1".to_string()]));
        c.commit_hook_full(&unit("app/0"), None, HookCommit { storage: vec![data(1)], ..Default::default() })
            .await
            .unwrap();
        assert_eq!(ids(&c, "app/0"), ["data/0", "data/2"]);
        c.join_relations(&unit("app/0"), &[0]).await.unwrap();
        let change = vec![unit_change(0, &[("a", "1")])];
        let refused = c
            .commit_hook_full(
                &unit("app/0"),
                None,
                HookCommit { changes: change, storage: vec![data(1)], ..Default::default() },
            )
            .await;
        let words = "adding \"data\" storage to app/0: attaching 1 storage instance brings the total to 3, exceeding \
                     the maximum of 2";
        assert_eq!(refused, Err(LeaderWriteError::Invalid(words.into())));
        assert_eq!(c.relations(&app("app")).relations[&0].units["app/0"].get("a"), None, "nothing of the hook");
        assert_eq!(c.app_storage(&app("app")).len(), 2);
        c.forget_unit(&unit("app/1")).await.unwrap();
    }
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(ids(&c, "app/0"), ["data/0", "data/2"]);
    assert!(ids(&c, "app/1").is_empty(), "forgotten with the unit");
    c.ensure_storage(&unit("app/2"), vec![data(1)]).await.unwrap();
    assert_eq!(ids(&c, "app/2"), ["data/3"], "the sequence outlives a restart and a removed unit");
}

/// Once the application's storage declarations are registered (as `up` does), the controller
/// checks the units' storage against them and not against what a unit sends: a lying maximum
/// or an undeclared storage is refused, an ensure makes up the declared minimums. A refresh
/// whose storage the units cannot follow (Juju's `checkStorageUpgrade`: an optional storage
/// a unit has instances of removed) is refused and changes nothing.
#[tokio::test]
async fn registered_storage_declarations_decide_and_a_refresh_is_checked_against_them() {
    use leaderd_controller::{ConfigChange, ConfigChangeError};
    use leaderd_core::storage::{CharmStorageCounts, DeclaredStorage, StorageKind};
    use leaderd_core::wire::controller::{CharmRef, StorageDirective};
    let fs = StorageKind::Filesystem;
    let decl =
        |min, max| DeclaredStorage { kind: fs, min, max, location: String::new(), read_only: false, shared: false };
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    let declared: std::collections::BTreeMap<_, _> =
        [("data".to_string(), decl(1, Some(2))), ("cache".to_string(), decl(0, None))].into();
    let deploy = ConfigChange { options: Some(Default::default()), storage: Some(declared), ..Default::default() };
    c.change_config(&app("app"), deploy).await.unwrap();
    let lying = |name: &str, count| StorageDirective {
        name: name.into(),
        kind: fs,
        count,
        counts: CharmStorageCounts { min: 9, max: Some(50) },
    };
    let got = c.ensure_storage(&unit("app/0"), vec![lying("data", 9)]).await.unwrap();
    assert_eq!(got.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["data/0"], "the declared minimum");
    let add = |d| HookCommit { storage: vec![d], ..Default::default() };
    let over = c.commit_hook_full(&unit("app/0"), None, add(lying("data", 5))).await;
    let words = "adding \"data\" storage to app/0: attaching 5 storage instances brings the total to 6, exceeding the \
                 maximum of 2";
    assert_eq!(over, Err(LeaderWriteError::Invalid(words.into())));
    let undeclared = c.commit_hook_full(&unit("app/0"), None, add(lying("extra", 1))).await;
    let words = "adding storage extra for unit-app-0: storage \"extra\" not found";
    assert_eq!(undeclared, Err(LeaderWriteError::Invalid(words.into())));
    c.commit_hook_full(&unit("app/0"), None, add(lying("cache", 1))).await.unwrap();
    assert_eq!(c.unit_storage(&unit("app/0")).len(), 2);

    let before = c.app_config(&app("app")).unwrap();
    let refresh = ConfigChange {
        options: Some(Default::default()),
        charm: Some(CharmRef { revision: 1, path: "/x".into() }),
        storage: Some([("data".to_string(), decl(1, Some(2)))].into()),
        ..Default::default()
    };
    let refused = c.change_config(&app("app"), refresh).await.unwrap_err();
    assert_eq!(
        refused,
        ConfigChangeError::Storage("cannot upgrade application \"app\": in-use storage \"cache\" removed".into())
    );
    assert_eq!(c.app_config(&app("app")).unwrap(), before, "nothing changed");
}

/// No bag grows past `MAX_BAG_BYTES` however the writes are spread over hooks: 5 MiB per
/// commit, repeated, is refused at the commit that would pass 8 MiB (with nothing of it
/// written), for a unit's bag and the application bag; deleting keys makes room again.
#[tokio::test]
async fn a_bag_is_bounded_across_hooks_and_a_refused_commit_writes_nothing() {
    use leaderd_core::relations::MAX_BAG_BYTES;
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    c.join_relations(&unit("app/0"), &[0]).await.unwrap();
    let t = term(c.claim(&unit("app/0"), LEASE).await.unwrap());
    let five = "x".repeat(5 * 1024 * 1024);
    c.commit_hook(&unit("app/0"), None, vec![unit_change(0, &[("a", &five)])], vec![]).await.unwrap();
    let before = leaderd_core::relations::bag_bytes(&c.relations(&app("app")).relations[&0].units["app/0"]);
    let refused =
        c.commit_hook(&unit("app/0"), None, vec![unit_change(0, &[("b", &five), ("small", "1")])], vec![]).await;
    let Err(LeaderWriteError::Invalid(words)) = refused else { panic!("{refused:?}") };
    assert!(
        words.starts_with(&format!("app/0's settings in relation 0 would be {} bytes", before + 1 + five.len() + 6)),
        "{words}"
    );
    assert!(words.contains(&format!("more than one relation bag may hold ({MAX_BAG_BYTES} bytes)")), "{words}");
    assert!(words.contains("nothing this hook changed was committed"), "{words}");
    let bag = &c.relations(&app("app")).relations[&0].units["app/0"];
    assert!(!bag.contains_key("b") && !bag.contains_key("small"), "nothing of the refused commit was written");
    // Room made by deleting a key: the same write fits.
    c.commit_hook(&unit("app/0"), None, vec![unit_change(0, &[("a", "")])], vec![]).await.unwrap();
    c.commit_hook(&unit("app/0"), None, vec![unit_change(0, &[("b", &five)])], vec![]).await.unwrap();
    // The application bag, the same.
    c.commit_hook(&unit("app/0"), Some(t), vec![app_change(0, &[("a", &five)])], vec![]).await.unwrap();
    let refused = c.commit_hook(&unit("app/0"), Some(t), vec![app_change(0, &[("b", &five)])], vec![]).await;
    let Err(LeaderWriteError::Invalid(words)) = refused else { panic!("{refused:?}") };
    assert!(words.starts_with("app's settings in relation 0 would be"), "{words}");
}

/// Two applications deployed with their endpoints, as `up` registers them.
async fn deploy(c: &Controller, app_name: &str, metadata: &str) {
    let endpoints = leaderd_core::relations::parse_declared(metadata).unwrap();
    let deploy = leaderd_controller::ConfigChange {
        options: Some(Default::default()),
        endpoints: Some(endpoints),
        ..Default::default()
    };
    c.change_config(&app(app_name), deploy).await.unwrap();
}

const TESTDB: &str = "name: testdb\nprovides:\n  db: {interface: dbi}\npeers:\n  replicas: {interface: r}\n";
const TESTAPP: &str = "name: testapp\nrequires:\n  db: {interface: dbi}\n";

fn names(a: &str, b: &str) -> Vec<String> {
    vec![a.to_string(), b.to_string()]
}

/// Relations between applications: ids from one model-wide sequence (peers at deploy, the
/// others at integrate), never reused; Juju's words for what integrate and remove-relation
/// refuse; what each unit may read (the remote units' bags while in scope, the remote
/// application's bag, its own application's only as leader); the application bag fenced by
/// the term; a dying relation removed once nobody is in its scope; all of it across a restart.
#[tokio::test]
async fn relations_between_applications_from_integrate_to_removal() {
    use leaderd_controller::RelationError;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.db");
    {
        let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
        deploy(&c, "testdb", TESTDB).await;
        deploy(&c, "testapp", TESTAPP).await;
        // Registering again (a restarted `up`) adds no second peer relation.
        deploy(&c, "testdb", TESTDB).await;
        let defs = c.relation_defs();
        assert_eq!(defs.iter().map(|d| (d.id, d.key.as_str())).collect::<Vec<_>>(), [(0, "testdb:replicas")]);

        let refused = |e: RelationError| e.to_string();
        assert_eq!(refused(c.integrate(names("testdb", "nope")).await.unwrap_err()), "application \"nope\" not found");
        assert_eq!(refused(c.integrate(names("testdb", "testdb")).await.unwrap_err()), "no relations found");
        let r = c.integrate(names("testdb", "testapp")).await.unwrap();
        assert_eq!((r.id, r.key.as_str(), r.life.as_str()), (1, "testapp:db testdb:db", "alive"));
        let again = c.integrate(names("testapp:db", "testdb")).await.unwrap_err();
        assert!(matches!(again, RelationError::Exists(_)), "{again:?}");
        assert_eq!(
            again.to_string(),
            "cannot add relation \"testapp:db testdb:db\": relation testapp:db testdb:db already exists"
        );

        // Both sides enter the scope; each sees the other's unit bags and application bag.
        for u in ["testdb/0", "testdb/1", "testapp/0"] {
            c.join_relations(&unit(u), &[1]).await.unwrap();
        }
        // `juju status` reads the same records (VIEW's model status snapshot).
        let status = c.model_status();
        let shown = status.relations.iter().find(|r| r.id == 1).expect("relation 1 in the model status");
        let ends: Vec<(&str, &str, &str)> = shown
            .endpoints
            .iter()
            .map(|e| (e.application.as_str(), e.endpoint.name.as_str(), e.endpoint.role.as_str()))
            .collect();
        assert_eq!(ends.len(), 2, "{ends:?}");
        assert!(
            ends.contains(&("testdb", "db", "provider")) && ends.contains(&("testapp", "db", "requirer")),
            "{ends:?}"
        );
        assert_eq!(shown.members, ["testapp/0", "testdb/0", "testdb/1"]);
        let t = term(c.claim(&unit("testdb/0"), LEASE).await.unwrap());
        let write = vec![unit_change(1, &[("u", "0")]), app_change(1, &[("dbkey", "dbvalue")])];
        // A minion's application-bag write is refused, whatever term it names.
        let minion = c.commit_hook(&unit("testdb/1"), Some(t), write.clone(), vec![]).await;
        assert_eq!(minion, Err(LeaderWriteError::NotLeader));
        c.commit_hook(&unit("testdb/0"), Some(t), write, vec![]).await.unwrap();
        let seen = c.relations_for(&unit("testapp/0"));
        let rel = &seen.relations[&1];
        assert_eq!(rel.members, ["testapp/0", "testdb/0", "testdb/1"]);
        assert_eq!(rel.remote_app, kv(&[("dbkey", "dbvalue")]));
        assert_eq!(rel.units["testdb/0"]["u"], "0");
        assert!(rel.app.is_empty());
        assert_eq!(rel.relation.as_ref().unwrap().key, "testapp:db testdb:db");
        assert!(!seen.relations.contains_key(&0), "testdb's peer relation is not testapp's");
        // Its own application's bag: the leader reads it, a minion does not.
        assert_eq!(c.relations_for(&unit("testdb/0")).relations[&1].app, kv(&[("dbkey", "dbvalue")]));
        assert!(c.relations_for(&unit("testdb/1")).relations[&1].app.is_empty());
        // A unit writes only to its application's relations.
        let elsewhere = c.commit_hook(&unit("testapp/0"), None, vec![unit_change(0, &[("x", "y")])], vec![]).await;
        assert_eq!(elsewhere, Err(LeaderWriteError::Invalid("permission denied".into())));
        // A unit out of scope: its bag is no longer the other side's to read.
        c.depart_relations(&unit("testdb/1"), Some(&[1])).await.unwrap();
        assert!(!c.relations_for(&unit("testapp/0")).relations[&1].units.contains_key("testdb/1"));

        assert_eq!(
            refused(c.remove_relation(names("testapp", "nope")).await.unwrap_err()),
            "relation matching \"testapp nope\" not found"
        );
        let dying = c.remove_relation(names("testdb", "testapp")).await.unwrap();
        assert_eq!((dying.id, dying.life.as_str()), (1, "dying"));
        let again = c.integrate(names("testdb", "testapp")).await.unwrap_err();
        assert!(again.to_string().ends_with("relation testapp:db testdb:db is dying, but not yet removed"), "{again}");
        c.depart_relations(&unit("testdb/0"), Some(&[1])).await.unwrap();
        assert_eq!(c.relation_defs().len(), 2, "testapp/0 is still in scope");
        let listed = c.relation_defs_with_members();
        assert_eq!((listed[1].0.id, listed[1].1.as_slice()), (1, &["testapp/0".to_string()][..]));
        assert_eq!(c.relations_for(&unit("testapp/0")).relations[&1].relation.as_ref().unwrap().life, "dying");
    }
    // After a restart the dying relation is there; the last unit's departure removes it with
    // its bags, and the next relation gets a new id.
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(c.relations_for(&unit("testapp/0")).relations[&1].members, ["testapp/0"]);
    c.leave_relations(&unit("testapp/0")).await.unwrap();
    assert_eq!(c.relation_defs().iter().map(|d| d.id).collect::<Vec<_>>(), [0]);
    assert!(!c.relations(&app("testdb")).relations.contains_key(&1), "its bags went with it");
    let r = c.integrate(names("testapp", "testdb")).await.unwrap();
    assert_eq!(r.id, 2, "never reused");
    // remove-relation by id (`juju remove-relation 2`): nobody in scope, so removed at once.
    assert_eq!(c.remove_relation_id(9).await.unwrap_err().to_string(), "relation 9 not found");
    assert_eq!(c.remove_relation_id(2).await.unwrap().life, "dying");
    assert_eq!(c.relation_defs().iter().map(|d| d.id).collect::<Vec<_>>(), [0]);
    let r = c.integrate(names("testapp", "testdb")).await.unwrap();
    assert_eq!(r.id, 3);
    drop(c);
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    deploy(&c, "other", "name: other\npeers:\n  p: {interface: x}\n").await;
    assert_eq!(c.relation_defs().iter().map(|d| d.id).collect::<Vec<_>>(), [0, 3, 4]);
}

/// Removing an application makes each of its relations dying (the other side's units run
/// -departed and -broken); one nobody is in the scope of goes at once.
#[tokio::test]
async fn an_application_removed_takes_its_relations_with_it() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    deploy(&c, "testdb", TESTDB).await;
    deploy(&c, "testapp", TESTAPP).await;
    deploy(&c, "other", TESTAPP).await;
    c.integrate(names("testdb", "testapp")).await.unwrap();
    c.integrate(names("testdb", "other")).await.unwrap();
    c.join_relations(&unit("testapp/0"), &[1]).await.unwrap();
    let gone = c.destroy_application_relations(&app("testdb")).await.unwrap();
    assert_eq!(
        gone.iter().map(|d| (d.id, d.life.as_str())).collect::<Vec<_>>(),
        [(0, "dying"), (1, "dying"), (2, "dying")]
    );
    // Relation 1 has testapp/0 in scope; the peer relation and relation 2 had nobody.
    assert_eq!(c.relation_defs().iter().map(|d| d.id).collect::<Vec<_>>(), [1]);
    c.leave_relations(&unit("testapp/0")).await.unwrap();
    assert!(c.relation_defs().is_empty());
}

/// A unit writes bags and enters scopes only in a relation whose record names its
/// application, checked in the writer: not in an id nobody allocated (a far one would move the
/// id sequence to its end after a restart), not in a removed relation, not in another
/// application's; and the sequence itself never wraps nor panics.
#[tokio::test]
async fn relation_ids_without_a_record_of_the_application_are_refused_in_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let denied = Err(LeaderWriteError::Invalid("permission denied".into()));
    {
        let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
        deploy(&c, "testdb", TESTDB).await;
        deploy(&c, "testapp", TESTAPP).await;
        deploy(&c, "other", TESTAPP).await;
        assert_eq!(c.integrate(names("testdb", "testapp")).await.unwrap().id, 1);
        let far = u64::MAX - 1;
        for id in [far, u64::MAX, 7] {
            let commit = c.commit_hook(&unit("testdb/0"), None, vec![unit_change(id, &[("k", "v")])], vec![]).await;
            assert_eq!(commit, denied, "commit to {id}");
            assert_eq!(c.join_relations(&unit("testdb/0"), &[id]).await, denied.clone(), "join {id}");
        }
        // Relation 1 is testdb's and testapp's, not other's.
        assert_eq!(c.commit_hook(&unit("other/0"), None, vec![unit_change(1, &[("k", "v")])], vec![]).await, denied);
        assert_eq!(c.join_relations(&unit("other/0"), &[1]).await, denied.clone());
        // Removed: its bags cannot come back.
        c.commit_hook(&unit("testapp/0"), None, vec![unit_change(1, &[("k", "v")])], vec![]).await.unwrap();
        c.remove_relation_id(1).await.unwrap();
        assert!(c.relation_defs().iter().all(|d| d.id != 1));
        assert_eq!(c.commit_hook(&unit("testapp/0"), None, vec![unit_change(1, &[("k", "v")])], vec![]).await, denied);
        assert!(!c.relations(&app("testapp")).relations.contains_key(&1));
    }
    // After a restart the sequence goes on from the records: the next integrate gets id 2.
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(c.integrate(names("testdb", "other")).await.unwrap().id, 2);
}

/// A secret granted over a relation is readable by the other application while the relation
/// is there, and no more once it is removed (juju/juju state/relation.go removes the grants
/// made over a relation with it): its units are refused in Juju's words, and keep no revision.
#[tokio::test]
async fn a_relation_removed_takes_the_secret_grants_made_over_it() {
    use leaderd_core::wire::controller::{SecretChange, SecretReadRequest};
    use leaderd_core::wire::hook::SecretFields;
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    deploy(&c, "testdb", TESTDB).await;
    deploy(&c, "testapp", TESTAPP).await;
    deploy(&c, "other", TESTAPP).await;
    let id = c.integrate(names("testdb", "testapp")).await.unwrap().id;
    let other = c.integrate(names("testdb", "other")).await.unwrap().id;
    let t = term(c.claim(&unit("testdb/0"), LEASE).await.unwrap());
    let secret = "d4ajvh2o8etbv2m5oc3g";
    let fields =
        SecretFields { content: Some([("password".into(), "aHVudGVyMg==".into())].into()), ..Default::default() };
    let changes = vec![
        SecretChange::Create { id: secret.into(), owner: "application".into(), fields },
        SecretChange::Grant {
            id: secret.into(),
            subject: "testapp".into(),
            relation_id: id,
            scope: format!("relation-{id}"),
        },
        SecretChange::Grant {
            id: secret.into(),
            subject: "other".into(),
            relation_id: other,
            scope: format!("relation-{other}"),
        },
    ];
    c.commit_hook(&unit("testdb/0"), Some(t), vec![], changes).await.unwrap();
    let read = || SecretReadRequest { id: Some(secret.into()), ..Default::default() };
    assert_eq!(c.read_secret(&unit("testapp/0"), read()).await.unwrap().revision, 1);
    assert_eq!(c.read_secret(&unit("other/0"), read()).await.unwrap().revision, 1);

    c.remove_relation_id(id).await.unwrap();
    assert!(c.relation_defs().iter().all(|d| d.id != id), "removed, nobody was in scope");
    let refused = c.read_secret(&unit("testapp/0"), read()).await.unwrap_err();
    assert_eq!(refused.to_string(), "permission denied");
    assert!(c.secret_view(&unit("testapp/0"), None).consumed.is_empty(), "it tracks nothing more");
    // The grant over the other relation stays.
    assert_eq!(c.read_secret(&unit("other/0"), read()).await.unwrap().revision, 1);
}

/// remove-relation refuses a peer relation, by id or by name, in Juju's words (juju/juju
/// state/relation.go); its bags and scopes stay.
#[tokio::test]
async fn a_peer_relation_is_not_removed_by_remove_relation() {
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    deploy(&c, "testdb", TESTDB).await;
    c.join_relations(&unit("testdb/0"), &[0]).await.unwrap();
    let want = "cannot destroy relation \"testdb:replicas\": is a peer relation";
    assert_eq!(c.remove_relation_id(0).await.unwrap_err().to_string(), want);
    assert_eq!(c.remove_relation(vec!["testdb:replicas".into()]).await.unwrap_err().to_string(), want);
    let defs = c.relation_defs();
    assert_eq!((defs.len(), defs[0].life.as_str()), (1, "alive"));
    assert_eq!(c.relations(&app("testdb")).relations[&0].members, ["testdb/0"]);
}

/// An application being removed takes no new relation (juju/juju state/state.go `AddRelation`:
/// `application "x" is not alive`), across a restart; deployed again under its name, it does.
#[tokio::test]
async fn integrate_refuses_an_application_being_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.db");
    let want = "cannot add relation \"testapp:db testdb:db\": application \"testdb\" is not alive";
    {
        let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
        deploy(&c, "testdb", TESTDB).await;
        deploy(&c, "testapp", TESTAPP).await;
        c.destroy_application_relations(&app("testdb")).await.unwrap();
        assert_eq!(c.integrate(names("testapp", "testdb")).await.unwrap_err().to_string(), want);
        assert!(c.relation_defs().is_empty());
    }
    let c = Controller::start(Box::new(SqliteStore::open(&path).unwrap()), config()).unwrap();
    assert_eq!(c.integrate(names("testdb", "testapp")).await.unwrap_err().to_string(), want);
    deploy(&c, "testdb", TESTDB).await;
    assert_eq!(c.integrate(names("testdb", "testapp")).await.unwrap().life, "alive");
}

/// secret-grant -r: the relation must be the granting application's, alive, and the subject at
/// its other end; anything else is refused and nothing of the hook is written.
#[tokio::test]
async fn a_secret_grant_names_a_relation_of_the_owner_and_its_other_end() {
    use leaderd_core::wire::controller::SecretChange;
    use leaderd_core::wire::hook::SecretFields;
    let c = Controller::start(Box::new(MemoryStore::default()), config()).unwrap();
    deploy(&c, "testdb", TESTDB).await;
    deploy(&c, "testapp", TESTAPP).await;
    deploy(&c, "other", TESTAPP).await;
    let id = c.integrate(names("testdb", "testapp")).await.unwrap().id;
    let t = term(c.claim(&unit("testdb/0"), LEASE).await.unwrap());
    let secret = "d4ajvh2o8etbv2m5oc3g";
    let fields = SecretFields { content: Some([("k".into(), "dg==".into())].into()), ..Default::default() };
    let create = SecretChange::Create { id: secret.into(), owner: "application".into(), fields };
    c.commit_hook(&unit("testdb/0"), Some(t), vec![], vec![create]).await.unwrap();
    let grant = |subject: &str, relation_id: u64| SecretChange::Grant {
        id: secret.into(),
        subject: subject.into(),
        relation_id,
        scope: format!("relation-{relation_id}"),
    };
    let denied = Err(LeaderWriteError::Invalid("permission denied".into()));
    for (subject, relation) in [("testapp", 99), ("other", id), ("other/0", id), ("testapp", 0)] {
        let commit = c.commit_hook(&unit("testdb/0"), Some(t), vec![], vec![grant(subject, relation)]).await;
        assert_eq!(commit, denied, "{subject} over {relation}");
    }
    c.commit_hook(&unit("testdb/0"), Some(t), vec![], vec![grant("testapp", id)]).await.unwrap();
    c.commit_hook(&unit("testdb/0"), Some(t), vec![], vec![grant("testdb/1", 0)]).await.unwrap();
}
