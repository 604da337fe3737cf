//! How the controller's state lies in etcd, as pure functions (compiled with or without the
//! `etcd` feature, so the layout is tested everywhere): the `--store etcd:...` spec, the keys,
//! and the one place where each [`Write`] becomes key changes ([`Layout::ops`]) and where each
//! key is read back ([`Layout::read`]). A new `Write` variant is an arm in each. Values are
//! the store's records (`records`), as JSON, or the bag values as they are.
//!
//! Under the prefix (default `/leaderd`):
//!
//! | key | value |
//! | --- | --- |
//! | `PREFIX/leases/APP` | `{"holder": "app/0" or null, "term": N}` |
//! | `PREFIX/buckets/APP` | `{"version": N, "settings": {...}}`: the whole bucket, so a merge is one key |
//! | `PREFIX/config/APP` | the application's config: `{"options": {...}, "values": {...}, "version": N}` |
//! | `PREFIX/unit-status/APP/N` | a unit's `{"workload": {...}, "version": "..."}` |
//! | `PREFIX/app-status/APP` | the application status its leader set |
//! | `PREFIX/relation-bags/APP/ID/OWNER/KEY` | one key of a relation bag: OWNER is the unit (`app:0`) or `-` for the application bag |
//! | `PREFIX/relation-scope/APP/ID/OWNER` | present while the unit (`app:0`) is in the relation's scope |
//! | `PREFIX/unit-ports/APP/N` | a unit's opened port ranges by endpoint: `{"": ["80/tcp"]}` (absent: none) |
//! | `PREFIX/removed/APP/N` | present (empty) once the unit was removed: for good, its token is refused |
//! | `PREFIX/unit-state/APP/N` | a unit's charm state (state-set), its whole map; absent when empty (schema version 2) |
//! | `PREFIX/unit-payloads/APP/N` | a unit's payloads by class (payload-register); absent when none (schema version 2) |
//! | `PREFIX/controller/active` | the active controller's URL, on its session lease (the election) |
//! | `PREFIX/schema` | the schema version of the keys above, as decimal text (`1`); absent under a prefix the releases before versions wrote, which reads as version 1 |

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{check_schema, Bucket, SchemaError, Snapshot, StoredLease, Write, SCHEMA_VERSION};
use leaderd_core::model::{apply_changes, Settings};

/// The prefix when the spec names none.
pub(crate) const DEFAULT_PREFIX: &str = "/leaderd";

/// etcd's default `--max-txn-ops`. A batch is always one transaction (all or nothing): one with
/// more key changes than the cluster allows fails, and the controller's writer then commits its
/// requests one by one, so only a single request that is too big on its own is refused.
pub(crate) const MAX_TXN_OPS: usize = 128;

/// Client certificates for an etcd cluster that requires them (`--etcd-cacert`, `--etcd-cert`,
/// `--etcd-key`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EtcdTls {
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// `etcd:http://h1:2379,http://h2:2379[/prefix]`, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct EtcdSpec {
    pub endpoints: Vec<String>,
    pub prefix: String,
}

/// A `--store etcd:...` the controller cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SpecError {
    #[error("--store etcd:ENDPOINTS needs at least one endpoint, like etcd:http://127.0.0.1:2379")]
    NoEndpoint,
    #[error("etcd endpoint {0:?} is not a URL: use http://HOST:PORT or https://HOST:PORT")]
    BadEndpoint(String),
    #[error("etcd endpoints name different prefixes ({0:?} and {1:?}): give the prefix once, after the last endpoint")]
    TwoPrefixes(String, String),
}

impl EtcdSpec {
    /// Parses what follows `etcd:`. The prefix is the path after an endpoint's `host:port`.
    pub fn parse(text: &str) -> Result<EtcdSpec, SpecError> {
        let mut endpoints = Vec::new();
        let mut prefix: Option<String> = None;
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (scheme, rest) = part.split_once("://").ok_or_else(|| SpecError::BadEndpoint(part.into()))?;
            if scheme != "http" && scheme != "https" {
                return Err(SpecError::BadEndpoint(part.into()));
            }
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let port_ok = authority.rsplit_once(':').is_some_and(|(host, port)| {
                !host.is_empty() && !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit())
            });
            if !port_ok {
                return Err(SpecError::BadEndpoint(part.into()));
            }
            let path = path.trim_end_matches('/');
            if !path.is_empty() {
                match &prefix {
                    Some(p) if p != path => return Err(SpecError::TwoPrefixes(p.clone(), path.into())),
                    _ => prefix = Some(path.into()),
                }
            }
            endpoints.push(format!("{scheme}://{authority}"));
        }
        if endpoints.is_empty() {
            return Err(SpecError::NoEndpoint);
        }
        Ok(EtcdSpec { endpoints, prefix: prefix.unwrap_or_else(|| DEFAULT_PREFIX.into()) })
    }
}

/// One key change.
#[derive(Debug, Clone, PartialEq)]
pub enum KeyOp {
    Put(String, Vec<u8>),
    Delete(String),
}

impl KeyOp {
    pub fn key(&self) -> &str {
        match self {
            KeyOp::Put(k, _) | KeyOp::Delete(k) => k,
        }
    }
}

#[derive(Serialize, Deserialize)]
struct LeaseValue {
    holder: Option<String>,
    term: u64,
}

#[derive(Serialize, Deserialize)]
struct BucketValue {
    version: u64,
    settings: Settings,
}

/// The keys under one prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub prefix: String,
}

impl Layout {
    pub fn new(prefix: &str) -> Layout {
        Layout { prefix: prefix.trim_end_matches('/').to_string() }
    }

    /// Every key this layout uses starts with this.
    pub fn root(&self) -> String {
        format!("{}/", self.prefix)
    }

    fn lease_key(&self, app: &str) -> String {
        format!("{}/leases/{app}", self.prefix)
    }

    fn bucket_key(&self, app: &str) -> String {
        format!("{}/buckets/{app}", self.prefix)
    }

    /// The schema version of the state under the prefix.
    pub fn schema_key(&self) -> String {
        format!("{}/schema", self.prefix)
    }

    /// Checks the schema version among `kvs` (every key under the prefix); answers whether
    /// the prefix needs stamping ([`Layout::stamp`]).
    pub fn check_schema(&self, kvs: &[(Vec<u8>, Vec<u8>)]) -> Result<bool, SchemaError> {
        let key = self.schema_key();
        let store = format!("etcd prefix {}", self.prefix);
        let found = match kvs.iter().find(|(k, _)| k.as_slice() == key.as_bytes()) {
            None => None,
            Some((_, value)) => {
                let text = String::from_utf8_lossy(value);
                let version = text
                    .parse::<u64>()
                    .map_err(|_| SchemaError::Unreadable { store: store.clone(), found: text.to_string() })?;
                Some(version)
            }
        };
        check_schema(&store, found)
    }

    /// The key change that stamps the prefix with this release's schema version.
    pub fn stamp(&self) -> KeyOp {
        KeyOp::Put(self.schema_key(), SCHEMA_VERSION.to_string().into_bytes())
    }

    /// The election key: the active controller's URL, on its etcd session lease.
    pub fn election_key(&self) -> String {
        format!("{}/controller/active", self.prefix)
    }

    /// The fingerprint of the secret the controllers on this prefix issue tokens with
    /// (`election::check_secret`).
    pub fn secret_key(&self) -> String {
        format!("{}/controller/secret", self.prefix)
    }

    /// The longest `--max-lease` (in milliseconds) of any controller that was active on this
    /// prefix: how long a new active controller honours the holders it loads.
    pub fn max_lease_key(&self) -> String {
        format!("{}/controller/max-lease", self.prefix)
    }

    /// The key changes that make `write` durable. `buckets` is the store's copy of every bucket
    /// as committed (plus this batch so far): a merge writes its whole bucket, so the copy is
    /// updated here and the caller keeps it only if the transaction commits.
    pub fn ops(&self, buckets: &mut HashMap<String, Bucket>, write: &Write) -> Vec<KeyOp> {
        match write {
            Write::Lease(l) => {
                let value = LeaseValue { holder: l.holder.clone(), term: l.term };
                vec![KeyOp::Put(self.lease_key(&l.app), json(&value))]
            }
            Write::Settings { app, changes, version } => {
                let bucket = buckets.entry(app.clone()).or_default();
                apply_changes(&mut bucket.settings, changes);
                bucket.version = *version;
                let value = BucketValue { version: bucket.version, settings: bucket.settings.clone() };
                vec![KeyOp::Put(self.bucket_key(app), json(&value))]
            }
            Write::Config { app, config } => vec![KeyOp::Put(format!("{}/config/{app}", self.prefix), json(config))],
            Write::UnitStatus { unit, status } => {
                vec![KeyOp::Put(format!("{}/unit-status/{unit}", self.prefix), json(status))]
            }
            Write::UnitPorts { unit, ports } => {
                let k = format!("{}/unit-ports/{unit}", self.prefix);
                vec![if ports.is_empty() { KeyOp::Delete(k) } else { KeyOp::Put(k, json(ports)) }]
            }
            Write::ForgetUnit { unit } => vec![
                KeyOp::Delete(format!("{}/unit-status/{unit}", self.prefix)),
                KeyOp::Delete(format!("{}/unit-state/{unit}", self.prefix)),
                KeyOp::Delete(format!("{}/unit-ports/{unit}", self.prefix)),
                KeyOp::Delete(format!("{}/unit-storage/{unit}", self.prefix)),
                KeyOp::Delete(format!("{}/unit-payloads/{unit}", self.prefix)),
                KeyOp::Delete(format!("{}/unit-agent-status/{unit}", self.prefix)),
                KeyOp::Put(format!("{}/removed/{unit}", self.prefix), Vec::new()),
            ],
            Write::UnitStorage { unit, storage } => {
                let k = format!("{}/unit-storage/{unit}", self.prefix);
                vec![if storage.is_empty() { KeyOp::Delete(k) } else { KeyOp::Put(k, json(storage)) }]
            }
            Write::StorageSequence { app, next } => {
                vec![KeyOp::Put(format!("{}/storage-sequence/{app}", self.prefix), json(next))]
            }
            Write::UnitPayloads { unit, payloads } => {
                let k = format!("{}/unit-payloads/{unit}", self.prefix);
                vec![if payloads.is_empty() { KeyOp::Delete(k) } else { KeyOp::Put(k, json(payloads)) }]
            }
            Write::UnitState { unit, state } => {
                let k = format!("{}/unit-state/{unit}", self.prefix);
                vec![if state.is_empty() { KeyOp::Delete(k) } else { KeyOp::Put(k, json(state)) }]
            }
            Write::AppStatus { app, status } => {
                vec![KeyOp::Put(format!("{}/app-status/{app}", self.prefix), json(status))]
            }
            Write::AgentStatus { unit, status } => {
                vec![KeyOp::Put(format!("{}/unit-agent-status/{unit}", self.prefix), json(status))]
            }
            Write::ModelConfig { config } => vec![KeyOp::Put(format!("{}/model-config", self.prefix), json(config))],
            Write::RelationSettings { app, relation_id, owner, changes } => {
                let owner = owner.as_deref().map_or("-".to_string(), |u| u.replace('/', ":"));
                changes
                    .iter()
                    .map(|(key, value)| {
                        let k = format!("{}/relation-bags/{app}/{relation_id}/{owner}/{key}", self.prefix);
                        if value.is_empty() {
                            KeyOp::Delete(k)
                        } else {
                            KeyOp::Put(k, value.as_bytes().to_vec())
                        }
                    })
                    .collect()
            }
            Write::RelationScope { app, relation_id, unit, member } => {
                let k = format!("{}/relation-scope/{app}/{relation_id}/{}", self.prefix, unit.replace('/', ":"));
                vec![if *member { KeyOp::Put(k, Vec::new()) } else { KeyOp::Delete(k) }]
            }
            // A removed relation's bags and scope keys are deleted by the writes the controller
            // sends with it (each bag key emptied, each member leaving).
            Write::RelationDef { id, record } => {
                let k = format!("{}/relations/{id}", self.prefix);
                vec![match record {
                    Some(record) => KeyOp::Put(k, json(record)),
                    None => KeyOp::Delete(k),
                }]
            }
            Write::RelationSequence { next } => {
                vec![KeyOp::Put(format!("{}/sequences/relation", self.prefix), json(next))]
            }
            Write::Task { id, record } => vec![KeyOp::Put(format!("{}/tasks/{id}", self.prefix), json(record))],
            Write::Secret { id, record } => {
                let k = format!("{}/secrets/{id}", self.prefix);
                vec![match record {
                    Some(record) => KeyOp::Put(k, json(record)),
                    None => KeyOp::Delete(k),
                }]
            }
        }
    }

    /// Reads one key back into `snapshot`. Keys this build does not know (a newer controller's),
    /// the schema key (see [`Layout::check_schema`]) and the election key are skipped.
    pub fn read(&self, snapshot: &mut Snapshot, key: &str, value: &[u8]) -> anyhow::Result<()> {
        let Some(rest) = key.strip_prefix(&self.root()) else { return Ok(()) };
        let bad = |e: serde_json::Error| anyhow::anyhow!("etcd key {key}: {e}");
        if let Some(app) = rest.strip_prefix("leases/") {
            let v: LeaseValue = serde_json::from_slice(value).map_err(bad)?;
            snapshot.leases.push(StoredLease { app: app.into(), holder: v.holder, term: v.term });
        } else if let Some(app) = rest.strip_prefix("buckets/") {
            let v: BucketValue = serde_json::from_slice(value).map_err(bad)?;
            snapshot.buckets.insert(app.into(), Bucket { settings: v.settings, version: v.version });
        } else if let Some(app) = rest.strip_prefix("config/") {
            snapshot.configs.insert(app.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("unit-status/") {
            snapshot.unit_statuses.insert(unit.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("unit-state/") {
            snapshot.unit_states.insert(unit.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("unit-ports/") {
            snapshot.unit_ports.insert(unit.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("unit-storage/") {
            snapshot.unit_storage.insert(unit.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(app) = rest.strip_prefix("storage-sequence/") {
            snapshot.storage_sequences.insert(app.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("unit-payloads/") {
            snapshot.unit_payloads.insert(unit.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("unit-agent-status/") {
            snapshot.agent_statuses.insert(unit.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if rest == "model-config" {
            snapshot.model_config = Some(serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(unit) = rest.strip_prefix("removed/") {
            snapshot.removed.insert(unit.into());
        } else if let Some(app) = rest.strip_prefix("app-status/") {
            snapshot.app_statuses.insert(app.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(id) = rest.strip_prefix("tasks/") {
            let id: u64 = id.parse().map_err(|_| anyhow::anyhow!("etcd key {key}: bad task id"))?;
            snapshot.tasks.insert(id, serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(id) = rest.strip_prefix("relations/") {
            let id: u64 = id.parse().map_err(|_| anyhow::anyhow!("etcd key {key}: bad relation id"))?;
            snapshot.relation_defs.insert(id, serde_json::from_slice(value).map_err(bad)?);
        } else if rest == "sequences/relation" {
            snapshot.relation_sequence = Some(serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(id) = rest.strip_prefix("secrets/") {
            snapshot.secrets.insert(id.into(), serde_json::from_slice(value).map_err(bad)?);
        } else if let Some(path) = rest.strip_prefix("relation-bags/") {
            let mut parts = path.splitn(4, '/');
            let (Some(app), Some(id), Some(owner), Some(k)) = (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                anyhow::bail!("etcd key {key}: not APP/ID/OWNER/KEY");
            };
            let id: u64 = id.parse().map_err(|_| anyhow::anyhow!("etcd key {key}: bad relation id"))?;
            let text = String::from_utf8(value.to_vec()).map_err(|_| anyhow::anyhow!("etcd key {key}: not UTF-8"))?;
            let relation = snapshot.relations.entry(app.into()).or_default().entry(id).or_default();
            let bag = match owner {
                "-" => &mut relation.app,
                unit => relation.units.entry(unit.replace(':', "/")).or_default(),
            };
            bag.insert(k.into(), text);
        } else if let Some(path) = rest.strip_prefix("relation-scope/") {
            let mut parts = path.splitn(3, '/');
            let (Some(app), Some(id), Some(unit)) = (parts.next(), parts.next(), parts.next()) else {
                anyhow::bail!("etcd key {key}: not APP/ID/UNIT");
            };
            let id: u64 = id.parse().map_err(|_| anyhow::anyhow!("etcd key {key}: bad relation id"))?;
            let members = &mut snapshot.relations.entry(app.into()).or_default().entry(id).or_default().members;
            members.push(unit.replace(':', "/"));
            members.sort();
        }
        Ok(())
    }

    /// A batch's key changes, a later change to a key replacing an earlier one (etcd refuses a
    /// key twice in one transaction), in the order keys were first changed: one transaction.
    pub fn batch(&self, buckets: &mut HashMap<String, Bucket>, writes: &[Write]) -> Vec<KeyOp> {
        let mut ops: Vec<KeyOp> = Vec::new();
        let mut at: HashMap<String, usize> = HashMap::new();
        for write in writes {
            for op in self.ops(buckets, write) {
                match at.get(op.key()) {
                    Some(&i) => ops[i] = op,
                    None => {
                        at.insert(op.key().to_string(), ops.len());
                        ops.push(op);
                    }
                }
            }
        }
        ops
    }
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain data serialises")
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn specs_parse_endpoints_and_prefix() {
        type Want = Result<(&'static [&'static str], &'static str), SpecError>;
        let cases: &[(&str, Want)] = &[
            ("http://h1:2379", Ok((&["http://h1:2379"], "/leaderd"))),
            ("http://h1:2379,http://h2:2379", Ok((&["http://h1:2379", "http://h2:2379"], "/leaderd"))),
            ("http://h1:2379,https://h2:2379/prod/x/", Ok((&["http://h1:2379", "https://h2:2379"], "/prod/x"))),
            ("http://[::1]:2379/p", Ok((&["http://[::1]:2379"], "/p"))),
            ("", Err(SpecError::NoEndpoint)),
            ("h1:2379", Err(SpecError::BadEndpoint("h1:2379".into()))),
            ("ftp://h1:2379", Err(SpecError::BadEndpoint("ftp://h1:2379".into()))),
            ("http://h1", Err(SpecError::BadEndpoint("http://h1".into()))),
            ("http://h1:2379/a,http://h2:2379/b", Err(SpecError::TwoPrefixes("/a".into(), "/b".into()))),
        ];
        for (text, want) in cases {
            let got = EtcdSpec::parse(text);
            let want = want
                .clone()
                .map(|(e, p)| EtcdSpec { endpoints: e.iter().map(|s| s.to_string()).collect(), prefix: p.to_string() });
            assert_eq!(got, want, "{text}");
        }
    }

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// What a batch writes reads back as the same state the SQLite store would load.
    #[test]
    fn writes_read_back_as_the_state_they_made() {
        let layout = Layout::new("/x/");
        let mut mirror = HashMap::new();
        let writes = [
            Write::Lease(StoredLease { app: "a".into(), holder: Some("a/0".into()), term: 1 }),
            Write::Settings { app: "a".into(), changes: settings(&[("k", "1"), ("j", "2")]), version: 1 },
            Write::Settings { app: "a".into(), changes: settings(&[("k", ""), ("l", "3")]), version: 2 },
            Write::Lease(StoredLease { app: "a".into(), holder: None, term: 1 }),
            Write::Lease(StoredLease { app: "b".into(), holder: Some("b/1".into()), term: 7 }),
        ];
        let txns = [layout.batch(&mut mirror, &writes)];
        let keys: Vec<&str> = txns[0].iter().map(KeyOp::key).collect();
        // One change per key, in first-touched order: the later lease write replaced the first.
        assert_eq!(keys, ["/x/leases/a", "/x/buckets/a", "/x/leases/b"]);
        let mut snapshot = Snapshot::default();
        for op in &txns[0] {
            let KeyOp::Put(k, v) = op else { panic!("only puts") };
            layout.read(&mut snapshot, k, v).unwrap();
        }
        layout.read(&mut snapshot, "/x/controller/active", b"https://c1").unwrap();
        layout.read(&mut snapshot, "/x/something-newer/a", b"?").unwrap();
        layout.read(&mut snapshot, "/elsewhere/leases/a", b"?").unwrap();
        snapshot.leases.sort_by(|a, b| a.app.cmp(&b.app));
        assert_eq!(
            snapshot.leases,
            [
                StoredLease { app: "a".into(), holder: None, term: 1 },
                StoredLease { app: "b".into(), holder: Some("b/1".into()), term: 7 }
            ]
        );
        assert_eq!(snapshot.buckets["a"], Bucket { settings: settings(&[("j", "2"), ("l", "3")]), version: 2 });
        assert_eq!(mirror["a"], snapshot.buckets["a"]);
        assert!(layout.read(&mut snapshot, "/x/leases/c", b"not json").is_err());
    }

    /// Config, statuses and relation data read back as written; a relation key deleted by a
    /// later write in the batch is gone.
    #[test]
    fn config_statuses_and_relations_read_back() {
        use crate::store::{ConfigRecord, StatusRecord, UnitStatusRecord};
        let layout = Layout::new("/x");
        let active = StatusRecord { status: "active".into(), message: "up".into(), data: Default::default() };
        let config = ConfigRecord { version: 3, ..Default::default() };
        let writes = [
            Write::Config { app: "a".into(), config: config.clone() },
            Write::UnitStatus {
                unit: "a/0".into(),
                status: UnitStatusRecord { workload: active.clone(), version: "1".into(), since_ms: None },
            },
            Write::AppStatus { app: "a".into(), status: active.clone() },
            Write::RelationScope { app: "a".into(), relation_id: 0, unit: "a/1".into(), member: true },
            Write::RelationScope { app: "a".into(), relation_id: 0, unit: "a/0".into(), member: true },
            Write::RelationScope { app: "a".into(), relation_id: 0, unit: "a/2".into(), member: true },
            Write::RelationScope { app: "a".into(), relation_id: 0, unit: "a/2".into(), member: false },
            Write::RelationSettings {
                app: "a".into(),
                relation_id: 0,
                owner: Some("a/0".into()),
                changes: settings(&[("addr", "10.0.0.1"), ("k/with/slashes", "v"), ("gone", "x")]),
            },
            Write::RelationSettings {
                app: "a".into(),
                relation_id: 0,
                owner: Some("a/0".into()),
                changes: settings(&[("gone", "")]),
            },
            Write::RelationSettings {
                app: "a".into(),
                relation_id: 0,
                owner: None,
                changes: settings(&[("secret", "s")]),
            },
            Write::Secret { id: "kept".into(), record: Some(secret_record(2)) },
            Write::Secret { id: "gone".into(), record: Some(secret_record(1)) },
            Write::Secret { id: "gone".into(), record: None },
        ];
        let txns = [layout.batch(&mut HashMap::new(), &writes)];
        let mut snapshot = Snapshot::default();
        let mut puts: Vec<(String, Vec<u8>)> = txns
            .concat()
            .into_iter()
            .filter_map(|op| match op {
                KeyOp::Put(k, v) => Some((k, v)),
                KeyOp::Delete(_) => None,
            })
            .collect();
        puts.sort(); // etcd answers a prefix read in key order
        for (k, v) in &puts {
            layout.read(&mut snapshot, k, v).unwrap();
        }
        assert_eq!(snapshot.configs["a"], config);
        assert_eq!(
            snapshot.unit_statuses["a/0"],
            UnitStatusRecord { workload: active.clone(), version: "1".into(), since_ms: None }
        );
        assert_eq!(snapshot.app_statuses["a"], active);
        let relation = &snapshot.relations["a"][&0];
        assert_eq!(relation.members, ["a/0", "a/1"]);
        assert_eq!(relation.units["a/0"], settings(&[("addr", "10.0.0.1"), ("k/with/slashes", "v")]));
        assert_eq!(relation.app, settings(&[("secret", "s")]));
        assert_eq!(snapshot.secrets.len(), 1, "a removed secret's key is deleted in the same batch");
        assert_eq!(snapshot.secrets["kept"], secret_record(2));
    }

    /// A secret with `revisions` revisions, everything set.
    pub(crate) fn secret_record(revisions: u32) -> crate::store::SecretRecord {
        use crate::store::{ConsumerRecord, GrantRecord, RevisionRecord, SecretRecord};
        SecretRecord {
            owner_kind: "application".into(),
            owner: "a".into(),
            label: "admin".into(),
            description: "the admin password".into(),
            rotate_policy: "daily".into(),
            next_rotate_ms: Some(86_400_000),
            created_ms: 1,
            updated_ms: 2,
            revisions: (1..=revisions)
                .map(|revision| RevisionRecord {
                    revision,
                    content: [("password".to_string(), format!("czNjcmV0{revision}"))].into(),
                    created_ms: u64::from(revision),
                    expire_ms: (revision == 1).then_some(10),
                    expire_retry_ms: (revision == 1).then_some(20),
                })
                .collect(),
            last_revision: revisions,
            grants: vec![GrantRecord { subject: "b".into(), relation_id: Some(3), scope: "relation-a.db#b.db".into() }],
            consumers: [("a/1".to_string(), ConsumerRecord { revision: 1, label: "mine".into() })].into(),
        }
    }

    /// A removed unit: its status key goes, and a tombstone key comes that reads back as removed
    /// (and a second removal of it writes the same tombstone again, harmlessly).
    #[test]
    fn a_removed_unit_leaves_a_tombstone_key_and_its_ports_storage_and_payloads_are_forgotten() {
        let layout = Layout::new("/x");
        let put = |k: &str| KeyOp::Put(k.into(), Vec::new());
        let delete = |k: &str| KeyOp::Delete(k.into());
        let forget = |unit: &str| Write::ForgetUnit { unit: unit.into() };
        let cases: &[(Write, Vec<KeyOp>)] = &[
            (
                forget("a/1"),
                vec![
                    delete("/x/unit-status/a/1"),
                    delete("/x/unit-state/a/1"),
                    delete("/x/unit-ports/a/1"),
                    delete("/x/unit-storage/a/1"),
                    delete("/x/unit-payloads/a/1"),
                    delete("/x/unit-agent-status/a/1"),
                    put("/x/removed/a/1"),
                ],
            ),
            (
                forget("b-c/12"),
                vec![
                    delete("/x/unit-status/b-c/12"),
                    delete("/x/unit-state/b-c/12"),
                    delete("/x/unit-ports/b-c/12"),
                    delete("/x/unit-storage/b-c/12"),
                    delete("/x/unit-payloads/b-c/12"),
                    delete("/x/unit-agent-status/b-c/12"),
                    put("/x/removed/b-c/12"),
                ],
            ),
        ];
        for (write, want) in cases {
            assert_eq!(&layout.ops(&mut HashMap::new(), write), want, "{write:?}");
        }
        let workload =
            crate::store::StatusRecord { status: "active".into(), message: String::new(), data: Default::default() };
        let status = crate::store::UnitStatusRecord { workload, version: String::new(), since_ms: None };
        let writes = [
            Write::UnitStatus { unit: "a/1".into(), status: status.clone() },
            Write::UnitStatus { unit: "a/0".into(), status },
            forget("a/1"),
            forget("b-c/12"),
            forget("a/1"),
        ];
        let ops = layout.batch(&mut HashMap::new(), &writes);
        let mut snapshot = Snapshot::default();
        for op in &ops {
            if let KeyOp::Put(k, v) = op {
                layout.read(&mut snapshot, k, v).unwrap();
            }
        }
        assert_eq!(snapshot.removed.iter().collect::<Vec<_>>(), ["a/1", "b-c/12"]);
        assert_eq!(snapshot.unit_statuses.keys().collect::<Vec<_>>(), ["a/0"], "a/1's status is deleted");
    }

    /// A unit's charm state is one key holding its whole map; an empty one deletes it.
    #[test]
    fn a_unit_state_is_one_key() {
        let layout = Layout::new("/x");
        let state: std::collections::BTreeMap<String, String> = [("k".to_string(), "v".to_string())].into();
        let set = Write::UnitState { unit: "a/0".into(), state: state.clone() };
        let ops = layout.ops(&mut HashMap::new(), &set);
        assert_eq!(ops, vec![KeyOp::Put("/x/unit-state/a/0".into(), br#"{"k":"v"}"#.to_vec())]);
        let mut snapshot = Snapshot::default();
        if let KeyOp::Put(k, v) = &ops[0] {
            layout.read(&mut snapshot, k, v).unwrap();
        }
        assert_eq!(snapshot.unit_states["a/0"], state);
        let clear = Write::UnitState { unit: "a/0".into(), state: Default::default() };
        assert_eq!(layout.ops(&mut HashMap::new(), &clear), vec![KeyOp::Delete("/x/unit-state/a/0".into())]);
    }

    /// A unit's opened ports are one key of JSON, deleted when it has none.
    #[test]
    fn unit_storage_is_one_key_per_unit_and_the_sequence_one_per_application() {
        let layout = Layout::new("/x");
        let storage = vec![crate::store::StorageRecord { id: "data/0".into(), kind: "filesystem".into() }];
        let put = layout.ops(&mut HashMap::new(), &Write::UnitStorage { unit: "a/0".into(), storage: storage.clone() });
        assert_eq!(
            put,
            [KeyOp::Put("/x/unit-storage/a/0".into(), br#"[{"id":"data/0","kind":"filesystem"}]"#.to_vec())]
        );
        let none = layout.ops(&mut HashMap::new(), &Write::UnitStorage { unit: "a/0".into(), storage: Vec::new() });
        assert_eq!(none, [KeyOp::Delete("/x/unit-storage/a/0".into())]);
        let seq = layout.ops(&mut HashMap::new(), &Write::StorageSequence { app: "a".into(), next: 7 });
        assert_eq!(seq, [KeyOp::Put("/x/storage-sequence/a".into(), b"7".to_vec())]);
        let mut snapshot = Snapshot::default();
        for op in put.iter().chain(&seq) {
            if let KeyOp::Put(k, v) = op {
                layout.read(&mut snapshot, k, v).unwrap();
            }
        }
        assert_eq!(snapshot.unit_storage["a/0"], storage);
        assert_eq!(snapshot.storage_sequences["a"], 7);
    }

    /// A relation's record is one key of JSON, the model's relation sequence one key.
    #[test]
    fn relation_records_are_one_key_per_relation_and_the_sequence_one_key() {
        let layout = Layout::new("/x");
        let record = crate::store::RelationDefRecord {
            key: "a:db b:db".into(),
            endpoints: vec![crate::store::EndpointRecord {
                application: "a".into(),
                name: "db".into(),
                role: "requirer".into(),
                interface: "dbi".into(),
                scope: "global".into(),
            }],
            life: "alive".into(),
        };
        let put = layout.ops(&mut HashMap::new(), &Write::RelationDef { id: 3, record: Some(record.clone()) });
        let seq = layout.ops(&mut HashMap::new(), &Write::RelationSequence { next: 4 });
        assert_eq!(seq, [KeyOp::Put("/x/sequences/relation".into(), b"4".to_vec())]);
        let mut snapshot = Snapshot::default();
        for op in put.iter().chain(&seq) {
            if let KeyOp::Put(k, v) = op {
                layout.read(&mut snapshot, k, v).unwrap();
            }
        }
        assert_eq!(snapshot.relation_defs[&3], record);
        assert_eq!(snapshot.relation_sequence, Some(4));
        let gone = layout.ops(&mut HashMap::new(), &Write::RelationDef { id: 3, record: None });
        assert_eq!(gone, [KeyOp::Delete("/x/relations/3".into())]);
    }

    #[test]
    fn unit_ports_are_one_key_per_unit() {
        let layout = Layout::new("/x");
        let mut ports = leaderd_core::ports::GroupedPortRanges::new();
        ports.insert(String::new(), vec![leaderd_core::ports::parse("80").unwrap()]);
        ports.insert("web".into(), vec![leaderd_core::ports::parse("8000-8010/udp").unwrap()]);
        let put = layout.ops(&mut HashMap::new(), &Write::UnitPorts { unit: "a/0".into(), ports: ports.clone() });
        let value = br#"{"":["80/tcp"],"web":["8000-8010/udp"]}"#.to_vec();
        assert_eq!(put, [KeyOp::Put("/x/unit-ports/a/0".into(), value.clone())]);
        let none = Write::UnitPorts { unit: "a/0".into(), ports: Default::default() };
        assert_eq!(layout.ops(&mut HashMap::new(), &none), [KeyOp::Delete("/x/unit-ports/a/0".into())]);
        let mut snapshot = Snapshot::default();
        layout.read(&mut snapshot, "/x/unit-ports/a/0", &value).unwrap();
        assert_eq!(snapshot.unit_ports["a/0"], ports);
    }

    /// A unit's payloads are one key of JSON, deleted when it has none.
    #[test]
    fn unit_payloads_are_one_key_per_unit() {
        let layout = Layout::new("/x");
        let mut payloads = leaderd_core::payloads::UnitPayloads::new();
        leaderd_core::payloads::register(&mut payloads, "docker", "monitoring", "0fcgaba", &[]).unwrap();
        let put =
            layout.ops(&mut HashMap::new(), &Write::UnitPayloads { unit: "a/0".into(), payloads: payloads.clone() });
        let value =
            br#"{"monitoring":{"class":"monitoring","type":"docker","id":"0fcgaba","status":"running"}}"#.to_vec();
        assert_eq!(put, [KeyOp::Put("/x/unit-payloads/a/0".into(), value.clone())]);
        let none = Write::UnitPayloads { unit: "a/0".into(), payloads: Default::default() };
        assert_eq!(layout.ops(&mut HashMap::new(), &none), [KeyOp::Delete("/x/unit-payloads/a/0".into())]);
        let mut snapshot = Snapshot::default();
        layout.read(&mut snapshot, "/x/unit-payloads/a/0", &value).unwrap();
        assert_eq!(snapshot.unit_payloads["a/0"], payloads);
    }

    /// A unit's agent status is one key per unit; the model config one key.
    #[test]
    fn agent_statuses_and_the_model_config_are_keys_of_their_own() {
        let layout = Layout::new("/x");
        let status = crate::store::AgentStatusRecord {
            status: "error".into(),
            message: "hook failed: \"install\"".into(),
            since_ms: Some(5),
            relation_id: None,
        };
        let put = layout.ops(&mut HashMap::new(), &Write::AgentStatus { unit: "a/0".into(), status: status.clone() });
        let value = br#"{"status":"error","message":"hook failed: \"install\"","since_ms":5}"#.to_vec();
        assert_eq!(put, [KeyOp::Put("/x/unit-agent-status/a/0".into(), value.clone())]);
        let config = crate::store::ModelConfigRecord {
            values: [("update-status-hook-interval".to_string(), serde_json::json!("10s"))].into(),
            version: 1,
        };
        let put = layout.ops(&mut HashMap::new(), &Write::ModelConfig { config: config.clone() });
        let config_value = br#"{"values":{"update-status-hook-interval":"10s"},"version":1}"#.to_vec();
        assert_eq!(put, [KeyOp::Put("/x/model-config".into(), config_value.clone())]);
        let mut snapshot = Snapshot::default();
        layout.read(&mut snapshot, "/x/unit-agent-status/a/0", &value).unwrap();
        layout.read(&mut snapshot, "/x/model-config", &config_value).unwrap();
        assert_eq!((snapshot.agent_statuses["a/0"].clone(), snapshot.model_config), (status, Some(config)));
    }

    #[test]
    fn a_big_batch_is_one_transaction_never_split() {
        let layout = Layout::new(DEFAULT_PREFIX);
        let writes: Vec<Write> = (0..(MAX_TXN_OPS as u64 + 5))
            .map(|i| Write::Lease(StoredLease { app: format!("a{i}"), holder: None, term: i }))
            .collect();
        assert_eq!(layout.batch(&mut HashMap::new(), &writes).len(), MAX_TXN_OPS + 5);
    }

    /// The schema key: absent (the releases before versions) or older needs a stamp, this
    /// release's does not, a newer or unreadable one is refused; its value is the version as
    /// text, and reading the state skips it.
    #[test]
    fn the_schema_key_is_checked_and_stamped() {
        let layout = Layout::new("/x");
        let kv = |k: &str, v: &str| (k.as_bytes().to_vec(), v.as_bytes().to_vec());
        let lease = kv("/x/leases/a", r#"{"holder":"a/0","term":1}"#);
        let store = "etcd prefix /x".to_string();
        type Kvs = Vec<(Vec<u8>, Vec<u8>)>;
        let cases: Vec<(Kvs, Result<bool, SchemaError>)> = vec![
            (vec![], Ok(true)),
            (vec![lease.clone()], Ok(true)),
            (vec![lease.clone(), kv("/x/schema", "0")], Ok(true)),
            // Version 1 has no secrets yet: nothing to migrate but the stamp.
            (vec![lease.clone(), kv("/x/schema", "1")], Ok(true)),
            (vec![lease.clone(), kv("/x/schema", "2")], Ok(false)),
            // Another prefix's schema key is not this one's.
            (vec![kv("/y/schema", "3")], Ok(true)),
            (vec![kv("/x/schema", "3")], Err(SchemaError::Newer { store: store.clone(), found: 3, known: 2 })),
            (vec![kv("/x/schema", "v2")], Err(SchemaError::Unreadable { store: store.clone(), found: "v2".into() })),
        ];
        for (kvs, want) in cases {
            assert_eq!(layout.check_schema(&kvs), want, "{kvs:?}");
        }
        assert_eq!(layout.stamp(), KeyOp::Put("/x/schema".into(), b"2".to_vec()));
        let mut snapshot = Snapshot::default();
        layout.read(&mut snapshot, "/x/schema", b"1").unwrap();
        assert!(snapshot.leases.is_empty() && snapshot.buckets.is_empty() && snapshot.configs.is_empty());
    }

    /// Each write's value is the bytes the releases before records wrote.
    #[test]
    fn values_are_the_bytes_earlier_releases_wrote() {
        use crate::store::{ConfigRecord, OptionRecord, StatusRecord, UnitStatusRecord};
        let layout = Layout::new("/x");
        let status = StatusRecord { status: "blocked".into(), message: "m".into(), data: settings(&[("k", "v")]) };
        let config = ConfigRecord {
            options: [(
                "port".to_string(),
                OptionRecord { kind: "int".into(), description: String::new(), default: serde_json::json!(8080) },
            )]
            .into(),
            values: [("port".to_string(), serde_json::json!(81))].into(),
            version: 2,
            charm: None,
            peers: None,
            storage: None,
            endpoints: None,
            trust: false,
            dying: false,
        };
        let cases: Vec<(Write, &str, &str)> = vec![
            (
                Write::Lease(StoredLease { app: "a".into(), holder: None, term: 4 }),
                "/x/leases/a",
                r#"{"holder":null,"term":4}"#,
            ),
            (
                Write::Settings { app: "a".into(), changes: settings(&[("k", "v")]), version: 3 },
                "/x/buckets/a",
                r#"{"version":3,"settings":{"k":"v"}}"#,
            ),
            (
                Write::Config { app: "a".into(), config },
                "/x/config/a",
                r#"{"options":{"port":{"type":"int","default":8080}},"values":{"port":81},"version":2}"#,
            ),
            (
                Write::UnitStatus {
                    unit: "a/0".into(),
                    status: UnitStatusRecord { workload: status.clone(), version: "1".into(), since_ms: None },
                },
                "/x/unit-status/a/0",
                r#"{"workload":{"status":"blocked","message":"m","data":{"k":"v"}},"version":"1"}"#,
            ),
            (
                Write::AppStatus { app: "a".into(), status },
                "/x/app-status/a",
                r#"{"status":"blocked","message":"m","data":{"k":"v"}}"#,
            ),
        ];
        for (write, key, value) in cases {
            let ops = layout.ops(&mut HashMap::new(), &write);
            assert_eq!(ops, [KeyOp::Put(key.into(), value.as_bytes().to_vec())], "{write:?}");
        }
    }
}
