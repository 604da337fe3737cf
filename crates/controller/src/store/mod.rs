//! Durable controller state: each application's lease holder and term (written only when they
//! change) and its leader-settings bucket with a version. The controller keeps the live state
//! in memory and writes through a [`Store`]; a store only has to load everything at start-up
//! and make a batch of writes durable together.
//!
//! What a store keeps are its own records (`records`), not the wire types: the controller
//! converts at its edge. Each durable store carries a schema version (SQLite's `user_version`,
//! etcd's `PREFIX/schema`): one written by a newer release is refused untouched, an older or
//! unversioned one is read (migrated if it needs to be) and stamped.

#[cfg(feature = "etcd")]
pub mod etcd;
pub mod etcd_keys;
pub mod memory;
pub mod records;
pub mod sqlite;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use leaderd_core::model::Settings;

pub use records::{
    AgentStatusRecord, ConfigRecord, ConsumerRecord, EndpointRecord, GrantRecord, ModelConfigRecord, OptionRecord,
    RelationDefRecord, RelationRecord, RevisionRecord, SecretRecord, StatusRecord, StorageRecord, TaskRecord,
    UnitStatusRecord,
};

/// One application's relations, by relation id.
pub(crate) type AppRelations = BTreeMap<u64, RelationRecord>;

/// The schema this release's stores write. Version 1 is the layout of the releases that
/// stamped none, so an unversioned store is read as version 1 and stamped. Version 2 adds the
/// secrets and the operations' tasks (tables, key prefixes): a version 1 store is migrated by
/// adding them, and a release that knows only version 1 refuses a version 2 store rather than
/// lose its secrets.
/// A change to a record's encoding or to the tables or keys is a new version, with its
/// migration in each store's open (SQLite) or load (etcd).
pub(crate) const SCHEMA_VERSION: u64 = 2;

/// A store this release cannot use because of its schema version: nothing in it was changed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "{store} holds schema version {found}, newer than this leaderd knows ({known}): it was written \
         by a newer leaderd; run that release (or a later one) on it. Nothing was changed"
    )]
    Newer { store: String, found: u64, known: u64 },
    #[error("{store} has a schema version this leaderd cannot read ({found:?}). Nothing was changed")]
    Unreadable { store: String, found: String },
}

/// Checks the schema version a store holds (`None`: unversioned, as the releases before
/// versions left it); answers whether the store needs stamping with [`SCHEMA_VERSION`].
pub(crate) fn check_schema(store: &str, found: Option<u64>) -> Result<bool, SchemaError> {
    match found {
        Some(found) if found > SCHEMA_VERSION => {
            Err(SchemaError::Newer { store: store.into(), found, known: SCHEMA_VERSION })
        }
        Some(found) => Ok(found < SCHEMA_VERSION),
        None => Ok(true),
    }
}

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

/// Everything a controller needs at start-up.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub leases: Vec<StoredLease>,
    pub buckets: HashMap<String, Bucket>,
    /// By application.
    pub configs: HashMap<String, ConfigRecord>,
    /// By unit name.
    pub unit_statuses: HashMap<String, UnitStatusRecord>,
    /// By application: the status its leader set.
    pub app_statuses: HashMap<String, StatusRecord>,
    /// Each application's relations: scopes and bags.
    pub relations: HashMap<String, AppRelations>,
    /// Every unit the operator removed, by name (`app/N`): a tombstone, kept for good since a
    /// unit number is never reused. A removed unit's token is refused.
    pub removed: BTreeSet<String>,
    /// Every secret, by id.
    pub secrets: HashMap<String, SecretRecord>,
    /// Every task of every operation, by id.
    pub tasks: BTreeMap<u64, TaskRecord>,
    /// Each unit's charm state (none for an empty one), by unit name.
    pub unit_states: HashMap<String, BTreeMap<String, String>>,
    /// Each unit's opened port ranges by endpoint, by unit name (units with none left out).
    pub unit_ports: HashMap<String, leaderd_core::ports::GroupedPortRanges>,
    /// Each unit's storage instances in the order they were added, by unit name (units with
    /// none left out).
    pub unit_storage: HashMap<String, Vec<StorageRecord>>,
    /// Per application: the next storage instance number (Juju's model-wide `stores` sequence).
    pub storage_sequences: HashMap<String, u64>,
    /// Each unit's payloads by class (payload-register); a unit with none is absent.
    pub unit_payloads: HashMap<String, leaderd_core::payloads::UnitPayloads>,
    /// Every relation's record, by id.
    pub relation_defs: BTreeMap<u64, RelationDefRecord>,
    /// The model's next relation id (none: no relation was ever recorded).
    pub relation_sequence: Option<u64>,
    /// Each unit's agent status (`juju-status`), by unit name.
    pub agent_statuses: HashMap<String, AgentStatusRecord>,
    /// The model's config (none until an operator changed it).
    pub model_config: Option<ModelConfigRecord>,
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

/// Why a store did not make a commit (nothing of it was written).
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    /// Too big for one transaction: the same request will be refused again.
    #[error(transparent)]
    TooBig(#[from] TooBig),
    /// The store failed: its error and every cause under it.
    #[error("{0:#}")]
    Failed(#[source] anyhow::Error),
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
        config: ConfigRecord,
    },
    /// Replace `unit`'s workload status and version.
    UnitStatus {
        unit: String,
        status: UnitStatusRecord,
    },
    /// `unit` was removed: forget its workload status and version and its charm state (Juju
    /// drops a unit's status and state with the unit), and record it as removed for good (its token is refused from then on;
    /// Juju never lets a removed unit act, nor reuses its number).
    ForgetUnit {
        unit: String,
    },
    /// Replace `app`'s application status (its leader's, fenced before it gets here).
    AppStatus {
        app: String,
        status: StatusRecord,
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
    /// Replace secret `id` whole with `record`, or with `None` remove it.
    Secret {
        id: String,
        record: Option<SecretRecord>,
    },
    /// Replace task `id` whole with `record`.
    Task {
        id: u64,
        record: TaskRecord,
    },
    /// Replace `unit`'s charm state whole with `state` (empty: it has none).
    UnitState {
        unit: String,
        state: BTreeMap<String, String>,
    },
    /// Replace `unit`'s opened port ranges whole (none: forget them).
    UnitPorts {
        unit: String,
        ports: leaderd_core::ports::GroupedPortRanges,
    },
    /// Replace `unit`'s storage instances whole (none: forget them).
    UnitStorage {
        unit: String,
        storage: Vec<StorageRecord>,
    },
    /// `app`'s next storage instance number: only ever moves on, so no id is used twice.
    StorageSequence {
        app: String,
        next: u64,
    },
    /// Replace `unit`'s payloads whole (none: forget them).
    UnitPayloads {
        unit: String,
        payloads: leaderd_core::payloads::UnitPayloads,
    },
    /// Replace relation `id`'s record; with `None` the relation is removed, its scopes and
    /// bags (every application's) with it.
    RelationDef {
        id: u64,
        record: Option<RelationDefRecord>,
    },
    /// The model's next relation id: only ever moves on, so no relation id is used twice.
    RelationSequence {
        next: u64,
    },
    /// Replace `unit`'s agent status.
    AgentStatus {
        unit: String,
        status: AgentStatusRecord,
    },
    /// Replace the model's config whole.
    ModelConfig {
        config: ModelConfigRecord,
    },
}

/// Applies a relation write to relations held in memory (the memory store's and the
/// controller's live copy); other writes are ignored.
pub(crate) fn apply_relation_write(relations: &mut HashMap<String, AppRelations>, write: &Write) {
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
        Write::RelationDef { id, record: None } => {
            for app in relations.values_mut() {
                app.remove(id);
            }
            relations.retain(|_, app| !app.is_empty());
        }
        _ => {}
    }
}

/// Where the controller's state survives restarts.
pub trait Store: Send + 'static {
    /// Reads everything back.
    fn load(&mut self) -> anyhow::Result<Snapshot>;

    /// Makes every write in `batch` durable, in order, all or nothing, before returning.
    fn commit(&mut self, batch: &[Write]) -> Result<(), CommitError>;

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
pub(crate) fn open_with(spec: &str, etcd_tls: &etcd_keys::EtcdTls) -> anyhow::Result<Box<dyn Store>> {
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
