//! Durable controller state: each application's lease holder and term (written only when they
//! change) and its leader-settings bucket with a version. The controller keeps the live state
//! in memory and writes through a [`Store`]; a store only has to load everything at start-up
//! and make a batch of writes durable together.

#[cfg(feature = "etcd")]
pub mod etcd;
pub mod etcd_keys;
pub mod memory;
pub mod sqlite;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use leaderd_core::model::Settings;
use leaderd_core::wire::controller::RelationData;
use leaderd_core::wire::hook::WorkloadStatus;

/// One application's relations, by relation id.
pub type AppRelations = BTreeMap<u64, RelationData>;

/// A lease as persisted: who holds it (`None` after a revoke) under which term.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredLease {
    pub app: String,
    pub holder: Option<String>,
    pub term: u64,
}

/// One application's leader settings and how many accepted writes produced them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bucket {
    pub settings: Settings,
    pub version: u64,
}

pub use leaderd_core::wire::controller::{AppConfig, UnitStatus};

/// Everything a controller needs at start-up.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub leases: Vec<StoredLease>,
    pub buckets: HashMap<String, Bucket>,
    /// By application.
    pub configs: HashMap<String, AppConfig>,
    /// By unit name.
    pub unit_statuses: HashMap<String, UnitStatus>,
    /// By application: the status its leader set.
    pub app_statuses: HashMap<String, WorkloadStatus>,
    /// Each application's relations: scopes and bags.
    pub relations: HashMap<String, AppRelations>,
    /// Every unit the operator removed, by name (`app/N`): a tombstone, kept for good since a
    /// unit number is never reused. A removed unit's token is refused.
    pub removed: BTreeSet<String>,
}

/// A commit the store refused because it is too big for one transaction (etcd's
/// `--max-txn-ops`): nothing was written, and the same commit will be refused again.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "this change is {changes} key changes in one etcd transaction, more than the etcd cluster allows \
     (its --max-txn-ops, {default} by default): nothing was written",
    default = etcd_keys::MAX_TXN_OPS
)]
pub struct TooBig {
    pub changes: usize,
}

/// One durable change.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    Lease(StoredLease),
    /// Merge `changes` into `app`'s bucket (an empty value deletes its key) and set its version.
    Settings {
        app: String,
        changes: Settings,
        version: u64,
    },
    /// Replace `app`'s config (options, values and version) with `config`.
    Config {
        app: String,
        config: AppConfig,
    },
    /// Replace `unit`'s workload status and version.
    UnitStatus {
        unit: String,
        status: UnitStatus,
    },
    /// `unit` was removed: forget its workload status and version (Juju drops a unit's status
    /// with the unit), and record it as removed for good (its token is refused from then on;
    /// Juju never lets a removed unit act, nor reuses its number).
    ForgetUnit {
        unit: String,
    },
    /// Replace `app`'s application status (its leader's, fenced before it gets here).
    AppStatus {
        app: String,
        status: WorkloadStatus,
    },
    /// Merge `changes` into one bag of `app`'s relation `relation_id`: the unit `owner`'s, or
    /// with `owner` `None` the application bag (an empty value deletes its key).
    RelationSettings {
        app: String,
        relation_id: u64,
        owner: Option<String>,
        changes: Settings,
    },
    /// `unit` enters (`member`) or leaves the scope of `app`'s relation `relation_id`.
    RelationScope {
        app: String,
        relation_id: u64,
        unit: String,
        member: bool,
    },
}

/// Applies a relation write to relations held in memory (the memory store's and the
/// controller's live copy); other writes are ignored.
pub fn apply_relation_write(relations: &mut HashMap<String, AppRelations>, write: &Write) {
    match write {
        Write::RelationSettings { app, relation_id, owner, changes } => {
            let relation = relations.entry(app.clone()).or_default().entry(*relation_id).or_default();
            let bag = match owner {
                Some(unit) => relation.units.entry(unit.clone()).or_default(),
                None => &mut relation.app,
            };
            leaderd_core::model::apply_changes(bag, changes);
        }
        Write::RelationScope { app, relation_id, unit, member } => {
            let relation = relations.entry(app.clone()).or_default().entry(*relation_id).or_default();
            relation.members.retain(|m| m != unit);
            if *member {
                relation.members.push(unit.clone());
                relation.members.sort();
            }
        }
        _ => {}
    }
}

/// Where the controller's state survives restarts.
pub trait Store: Send + 'static {
    /// Reads everything back.
    fn load(&mut self) -> anyhow::Result<Snapshot>;

    /// Makes every write in `batch` durable, in order, all or nothing, before returning.
    fn commit(&mut self, batch: &[Write]) -> anyhow::Result<()>;

    /// What this store keeps, for logs and status ("sqlite:/path", "memory").
    fn describe(&self) -> String;
}

/// Opens the store named on the command line: `sqlite:PATH`, `memory` or
/// `etcd:ENDPOINTS[/PREFIX]` (one controller alone on the prefix; several controllers elect
/// one through `controller::election`).
pub fn open(spec: &str) -> anyhow::Result<Box<dyn Store>> {
    open_with(spec, &etcd_keys::EtcdTls::default())
}

/// [`open`], with client certificates for an etcd store.
pub fn open_with(spec: &str, etcd_tls: &etcd_keys::EtcdTls) -> anyhow::Result<Box<dyn Store>> {
    if let Some(rest) = spec.strip_prefix("etcd:") {
        let spec = etcd_keys::EtcdSpec::parse(rest)?;
        #[cfg(feature = "etcd")]
        {
            let fence = std::sync::Arc::new(std::sync::Mutex::new(etcd::Fence::Unfenced));
            return Ok(Box::new(etcd::EtcdStore::open(&spec, etcd_tls, fence)?));
        }
        #[cfg(not(feature = "etcd"))]
        {
            let _ = (spec, etcd_tls);
            anyhow::bail!("this leaderd was built without etcd support: build it with `cargo build --features etcd`");
        }
    }
    if spec == "memory" {
        return Ok(Box::new(memory::MemoryStore::default()));
    }
    if let Some(path) = spec.strip_prefix("sqlite:") {
        anyhow::ensure!(!path.is_empty(), "--store sqlite:PATH needs a path");
        return Ok(Box::new(sqlite::SqliteStore::open(std::path::Path::new(path))?));
    }
    anyhow::bail!("unknown store {spec:?}: use sqlite:PATH, etcd:ENDPOINTS or memory")
}
