//! The records the stores keep: the on-disk format, apart from the wire types. A wire type may
//! change with the API; a record changes only with the store's schema version (`SCHEMA_VERSION`
//! in `store`), and the controller converts at its edge (the `From` impls here) when it writes
//! and when it loads.
//!
//! Each record serialises exactly as the wire type it was copied from did when the stores
//! persisted wire types (the fixture test in `sqlite.rs` holds them to it), so databases
//! written before records existed read as they are.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use leaderd_core::charm_config::ConfigOption;
use leaderd_core::model::Settings;
use leaderd_core::relations::EndpointDecl;
use leaderd_core::wire::controller::{AppConfig, CharmRef, RelationData, RelationDef, RelationEndpoint, UnitStatus};
use leaderd_core::wire::hook::WorkloadStatus;

/// One option of a charm's config, as stored: `{"type": ..., "description": ..., "default": ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionRecord {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default)]
    pub default: Value,
}

/// An application's config, as stored: `{"options": {...}, "values": {...}, "version": N}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigRecord {
    pub options: BTreeMap<String, OptionRecord>,
    pub values: BTreeMap<String, Value>,
    pub version: u64,
    /// The charm `leaderd refresh` registered (absent until then, so the rows of a config
    /// never refreshed read as they always did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm: Option<CharmRecord>,
    /// The charm's peer endpoints, registered at deploy (absent before, and for an
    /// application deployed without `up`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<Vec<String>>,
    /// The charm's storage declarations, registered at deploy and refresh (absent before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<BTreeMap<String, leaderd_core::storage::DeclaredStorage>>,
    /// The charm's relation endpoints, registered at deploy (absent before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<EndpointDecl>>,
    /// Application config `trust` (absent while false, so rows written before read as they
    /// are).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust: bool,
    /// Being removed, or removed (absent while alive, so earlier rows read as they are).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dying: bool,
}

/// A refreshed charm, as stored: `{"revision": N, "path": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CharmRecord {
    pub revision: u64,
    pub path: String,
}

/// A workload status (a unit's, or the application's its leader set), as stored:
/// `{"status": ..., "message": ..., "data": {...}}`. Unknown fields are refused, as they were
/// when the wire type was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusRecord {
    pub status: String,
    pub message: String,
    #[serde(default)]
    pub data: Settings,
}

/// A unit's workload status and application version, as stored:
/// `{"workload": {...}, "version": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitStatusRecord {
    pub workload: StatusRecord,
    #[serde(default)]
    pub version: String,
    /// When the workload status last changed (Unix milliseconds); absent in records written
    /// before it was kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
}

/// A unit's agent status (`juju-status`), as stored: `{"status": ..., "message": ...,
/// "since_ms": N}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStatusRecord {
    pub status: String,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<u64>,
}

impl From<AgentStatusRecord> for leaderd_core::wire::controller::AgentStatus {
    fn from(s: AgentStatusRecord) -> Self {
        Self { status: s.status, message: s.message, since_ms: s.since_ms, relation_id: s.relation_id }
    }
}

impl From<leaderd_core::wire::controller::AgentStatus> for AgentStatusRecord {
    fn from(s: leaderd_core::wire::controller::AgentStatus) -> Self {
        Self { status: s.status, message: s.message, since_ms: s.since_ms, relation_id: s.relation_id }
    }
}

/// The model's config, as stored: the values an operator set (`juju model-config`) and how
/// many accepted changes produced them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelConfigRecord {
    pub values: BTreeMap<String, Value>,
    pub version: u64,
}

/// One relation of an application: the units in its scope (in name order), each unit's bag
/// (kept after the unit leaves) and the application bag. Neither store serialises it whole
/// (SQLite has a row, etcd a key, per bag key and per member).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RelationRecord {
    pub members: Vec<String>,
    pub units: BTreeMap<String, Settings>,
    pub app: Settings,
}

/// A relation's record, as stored (one row or key per relation, the id its name):
/// `{"key": "testapp:db testdb:db", "endpoints": [{"application", "name", "role",
/// "interface", "scope"}], "life": "alive"}`. Its scope and bags are kept per application,
/// as a peer relation's always were ([`RelationRecord`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationDefRecord {
    pub key: String,
    pub endpoints: Vec<EndpointRecord>,
    pub life: String,
}

/// One end of a relation, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointRecord {
    pub application: String,
    pub name: String,
    pub role: String,
    pub interface: String,
    pub scope: String,
}

impl RelationDefRecord {
    pub(crate) fn to_wire(&self, id: u64) -> RelationDef {
        let endpoints = self
            .endpoints
            .iter()
            .map(|e| RelationEndpoint {
                application: e.application.clone(),
                endpoint: EndpointDecl {
                    name: e.name.clone(),
                    role: e.role.clone(),
                    interface: e.interface.clone(),
                    scope: e.scope.clone(),
                },
            })
            .collect();
        RelationDef { id, key: self.key.clone(), endpoints, life: self.life.clone() }
    }
}

/// One secret, as stored: whole, as one JSON value (SQLite has a row, etcd a key, per secret).
/// Times are Unix milliseconds. The content of every revision is here, base64 as the charm
/// gave it: the store is as private as the rest of the state (docs/security.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretRecord {
    /// Who owns it: `application` or `unit` (a charm's) or `model` (the operator's).
    pub owner_kind: String,
    /// The owning application or unit, or the user secret's name.
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The rotate policy (`never` when empty) and when rotation is next due.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rotate_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotate_ms: Option<u64>,
    pub created_ms: u64,
    pub updated_ms: u64,
    /// Every revision kept, oldest first.
    pub revisions: Vec<RevisionRecord>,
    /// The highest revision number the secret ever had (a removed revision's number is not
    /// given again).
    #[serde(default)]
    pub last_revision: u32,
    /// Who may read it beyond its owner: units or applications, each through a relation (or,
    /// for a user secret, none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<GrantRecord>,
    /// Each consumer's tracked revision and label, by unit (or application, for a user
    /// secret an application reads).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub consumers: BTreeMap<String, ConsumerRecord>,
}

/// One revision's content (key to base64 value) and when it expires.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RevisionRecord {
    pub revision: u32,
    pub content: BTreeMap<String, String>,
    pub created_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_ms: Option<u64>,
    /// When the expiry hook is asked for again (it ran, and the revision is still here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_retry_ms: Option<u64>,
}

/// A grant: `subject` (a unit or an application) may read, through `relation_id` (none for a
/// user secret granted to an application), in `scope` (Juju's scope tag: `relation-KEY`, or
/// `model`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GrantRecord {
    pub subject: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<u64>,
    pub scope: String,
}

/// A consumer's view of a secret: the revision it tracks and the label it gave it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsumerRecord {
    pub revision: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
}

/// One task of an operation (`leaderd run`): an action on one unit, and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    pub operation: u64,
    pub unit: String,
    pub action: String,
    #[serde(default)]
    pub params: serde_json::Map<String, Value>,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub results: serde_json::Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_code: Option<i32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stdout: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub stderr: String,
    /// action-log's messages: (Unix ms, text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<(u64, String)>,
    pub enqueued_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_ms: Option<u64>,
}

impl From<ConfigOption> for OptionRecord {
    fn from(o: ConfigOption) -> OptionRecord {
        OptionRecord { kind: o.kind, description: o.description, default: o.default }
    }
}

impl From<OptionRecord> for ConfigOption {
    fn from(o: OptionRecord) -> ConfigOption {
        ConfigOption { kind: o.kind, description: o.description, default: o.default }
    }
}

impl From<AppConfig> for ConfigRecord {
    fn from(c: AppConfig) -> ConfigRecord {
        ConfigRecord {
            options: c.options.into_iter().map(|(name, o)| (name, o.into())).collect(),
            values: c.values,
            version: c.version,
            charm: c.charm.map(|c| CharmRecord { revision: c.revision, path: c.path }),
            peers: c.peers,
            storage: c.storage,
            endpoints: c.endpoints,
            trust: c.trust,
            dying: c.dying,
        }
    }
}

impl From<ConfigRecord> for AppConfig {
    fn from(c: ConfigRecord) -> AppConfig {
        AppConfig {
            options: c.options.into_iter().map(|(name, o)| (name, o.into())).collect(),
            values: c.values,
            version: c.version,
            charm: c.charm.map(|c| CharmRef { revision: c.revision, path: c.path }),
            peers: c.peers,
            storage: c.storage,
            endpoints: c.endpoints,
            trust: c.trust,
            dying: c.dying,
        }
    }
}

impl From<WorkloadStatus> for StatusRecord {
    fn from(s: WorkloadStatus) -> StatusRecord {
        StatusRecord { status: s.status, message: s.message, data: s.data }
    }
}

impl From<StatusRecord> for WorkloadStatus {
    fn from(s: StatusRecord) -> WorkloadStatus {
        WorkloadStatus { status: s.status, message: s.message, data: s.data }
    }
}

impl From<UnitStatus> for UnitStatusRecord {
    fn from(s: UnitStatus) -> UnitStatusRecord {
        UnitStatusRecord { workload: s.workload.into(), version: s.version, since_ms: s.since_ms }
    }
}

impl From<UnitStatusRecord> for UnitStatus {
    fn from(s: UnitStatusRecord) -> UnitStatus {
        UnitStatus { workload: s.workload.into(), version: s.version, since_ms: s.since_ms }
    }
}

impl From<RelationData> for RelationRecord {
    fn from(r: RelationData) -> RelationRecord {
        RelationRecord { members: r.members, units: r.units, app: r.app }
    }
}

impl From<RelationRecord> for RelationData {
    fn from(r: RelationRecord) -> RelationData {
        RelationData { members: r.members, units: r.units, app: r.app, ..RelationData::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// Each record's JSON is the bytes the stores have always written (the fixture's rows), and
    /// a record converted to its wire type and back is unchanged.
    #[test]
    fn records_keep_the_stored_json_and_convert_both_ways() {
        let config = ConfigRecord {
            options: [
                (
                    "port".to_string(),
                    OptionRecord { kind: "int".into(), description: "The port".into(), default: json!(8080) },
                ),
                (
                    "name".to_string(),
                    OptionRecord { kind: "string".into(), description: String::new(), default: Value::Null },
                ),
            ]
            .into(),
            values: [("port".to_string(), json!(81))].into(),
            version: 3,
            charm: None,
            peers: None,
            storage: None,
            endpoints: None,
            trust: false,
            dying: false,
        };
        assert_eq!(
            serde_json::to_string(&config).unwrap(),
            r#"{"options":{"name":{"type":"string","default":null},"port":{"type":"int","description":"The port","default":8080}},"values":{"port":81},"version":3}"#
        );
        assert_eq!(ConfigRecord::from(AppConfig::from(config.clone())), config);

        let unit = UnitStatusRecord {
            workload: StatusRecord {
                status: "blocked".into(),
                message: "needs db".into(),
                data: settings(&[("since", "boot")]),
            },
            version: "1.2".into(),
            since_ms: None,
        };
        assert_eq!(
            serde_json::to_string(&unit).unwrap(),
            r#"{"workload":{"status":"blocked","message":"needs db","data":{"since":"boot"}},"version":"1.2"}"#
        );
        assert_eq!(UnitStatusRecord::from(UnitStatus::from(unit.clone())), unit);
        let since = UnitStatusRecord { since_ms: Some(1_767_322_800_000), ..unit };
        assert_eq!(
            serde_json::to_string(&since).unwrap(),
            r#"{"workload":{"status":"blocked","message":"needs db","data":{"since":"boot"}},"version":"1.2","since_ms":1767322800000}"#
        );
        assert_eq!(UnitStatusRecord::from(UnitStatus::from(since.clone())), since);

        let app = StatusRecord { status: "waiting".into(), message: "for quorum".into(), data: Settings::new() };
        assert_eq!(serde_json::to_string(&app).unwrap(), r#"{"status":"waiting","message":"for quorum","data":{}}"#);
        assert_eq!(StatusRecord::from(WorkloadStatus::from(app.clone())), app);

        let relation = RelationRecord {
            members: vec!["a/0".into()],
            units: [("a/0".to_string(), settings(&[("k", "v")]))].into(),
            app: settings(&[("s", "t")]),
        };
        assert_eq!(RelationRecord::from(RelationData::from(relation.clone())), relation);
    }

    /// What older writers left out reads as its default; a status with a field no release
    /// wrote is refused (as it always was).
    #[test]
    fn records_read_what_older_writers_left_out() {
        let option: OptionRecord = serde_json::from_str(r#"{"type":"string"}"#).unwrap();
        assert_eq!(option, OptionRecord { kind: "string".into(), description: String::new(), default: Value::Null });
        let unit: UnitStatusRecord = serde_json::from_str(r#"{"workload":{"status":"active","message":""}}"#).unwrap();
        assert_eq!(
            unit,
            UnitStatusRecord {
                workload: StatusRecord { status: "active".into(), message: String::new(), data: Settings::new() },
                version: String::new(),
                since_ms: None,
            }
        );
        assert!(serde_json::from_str::<StatusRecord>(r#"{"status":"a","message":"","extra":1}"#).is_err());
    }
}

/// One storage instance attached to a unit, as stored: `{"id": "data/0", "kind": "filesystem"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageRecord {
    pub id: String,
    pub kind: String,
}
