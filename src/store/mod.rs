//! Durable controller state: each application's lease holder and term (written only when they
//! change) and its leader-settings bucket with a version. The controller keeps the live state
//! in memory and writes through a [`Store`]; a store only has to load everything at start-up
//! and make a batch of writes durable together.

#[cfg(feature = "etcd")]
pub mod etcd;
pub mod etcd_keys;
pub mod memory;
pub mod sqlite;

use std::collections::HashMap;

use crate::format::Settings;

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
