//! Durable controller state: each application's lease holder and term (written only when they
//! change) and its leader-settings bucket with a version. The controller keeps the live state
//! in memory and writes through a [`Store`]; a store only has to load everything at start-up
//! and make a batch of writes durable together.

pub mod memory;
pub mod sqlite;

use std::collections::HashMap;

use crate::format::Settings;
use crate::wire::hook::WorkloadStatus;

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

pub use crate::wire::controller::{AppConfig, UnitStatus};

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
    /// Forget `unit`'s workload status and version: the unit was removed (Juju drops a unit's
    /// status with the unit).
    ForgetUnit {
        unit: String,
    },
    /// Replace `app`'s application status (its leader's, fenced before it gets here).
    AppStatus {
        app: String,
        status: WorkloadStatus,
    },
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

/// Opens the store named on the command line: `sqlite:PATH` or `memory`.
pub fn open(spec: &str) -> anyhow::Result<Box<dyn Store>> {
    if spec == "memory" {
        return Ok(Box::new(memory::MemoryStore::default()));
    }
    if let Some(path) = spec.strip_prefix("sqlite:") {
        anyhow::ensure!(!path.is_empty(), "--store sqlite:PATH needs a path");
        return Ok(Box::new(sqlite::SqliteStore::open(std::path::Path::new(path))?));
    }
    anyhow::bail!("unknown store {spec:?}: use sqlite:PATH or memory")
}
