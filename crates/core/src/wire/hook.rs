//! The hook endpoint's wire types, shared by jujuc (client) and the unit agent (server).
//!
//! One HTTP/1.1 request per tool call over the agent's unix socket. Every request is a `POST`
//! with a JSON body naming the hook context; jujuc has already parsed and validated the
//! command line, so the agent only answers with data. The protocol is documented in
//! `docs/hook-endpoint.md`.

use serde::{Deserialize, Serialize};

use super::ErrorCode;
use crate::model::Settings;

/// `POST` paths, one per tool.
pub const IS_LEADER_PATH: &str = "/v1/is-leader";
pub const LEADER_GET_PATH: &str = "/v1/leader-get";
pub const LEADER_SET_PATH: &str = "/v1/leader-set";
pub const JUJU_LOG_PATH: &str = "/v1/juju-log";
pub const STATUS_SET_PATH: &str = "/v1/status-set";
pub const STATUS_GET_PATH: &str = "/v1/status-get";
pub const APPLICATION_VERSION_SET_PATH: &str = "/v1/application-version-set";
pub const CONFIG_GET_PATH: &str = "/v1/config-get";

/// The largest request body the endpoint reads (8 MiB): room for a big leader-set, and a bound
/// so a runaway caller cannot exhaust the agent's memory.
pub const MAX_BODY_BYTES: usize = 8 << 20;

/// Body of `is-leader` and `leader-get`: just the context.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRequest {
    pub context_id: String,
}

/// Answer to `is-leader`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IsLeaderResponse {
    pub leader: bool,
}

/// Answer to `leader-get`: the hook's snapshot of the whole bucket; jujuc picks the key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LeaderGetResponse {
    pub settings: Settings,
}

/// Body of `leader-set`: a merge; an empty value deletes its key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderSetRequest {
    pub context_id: String,
    pub settings: Settings,
}

/// Body of `juju-log`: the records to log, in order (a bad `-l` level adds a warning first,
/// as Juju does).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JujuLogRequest {
    pub context_id: String,
    pub records: Vec<LogRecord>,
}

/// A workload status as a charm sets and reads it: the status name, its message, and its data
/// (which the tools can read but never set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkloadStatus {
    pub status: String,
    pub message: String,
    #[serde(default)]
    pub data: Settings,
}

impl WorkloadStatus {
    /// The status of a unit or application whose charm has not set one.
    pub fn unknown() -> WorkloadStatus {
        WorkloadStatus { status: "unknown".into(), message: String::new(), data: Settings::new() }
    }
}

/// Body of `status-set`: the unit's status, or with `application` the application's (leader
/// only). jujuc has already checked the status name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusSetRequest {
    pub context_id: String,
    pub application: bool,
    pub status: String,
    pub message: String,
}

/// Body of `status-get`: the unit's status, or with `application` the application's and its
/// units' (leader only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusGetRequest {
    pub context_id: String,
    pub application: bool,
}

/// Answer to `status-get`: the status asked for, and for the application its units' statuses
/// by unit name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StatusGetResponse {
    pub status: WorkloadStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<std::collections::BTreeMap<String, WorkloadStatus>>,
}

/// Answer to `config-get` (the body is a [`ContextRequest`]): every option of the charm's
/// `config.yaml` with its value, `null` for an option without one. Numbers are JSON numbers,
/// read as float64 as Juju's API delivers them.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConfigGetResponse {
    pub settings: std::collections::BTreeMap<String, serde_json::Value>,
}

/// Body of `application-version-set`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationVersionSetRequest {
    pub context_id: String,
    pub version: String,
}

/// One juju-log line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogRecord {
    pub level: LogLevel,
    pub message: String,
}

/// loggo's levels, as juju-log accepts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LogLevel {
    /// Below TRACE: loggo drops messages at this level.
    Unspecified,
    Trace,
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

impl LogLevel {
    /// loggo's `ParseLevel`: case-insensitive (Go's Unicode `ToUpper`), `WARN` is `WARNING`.
    pub fn parse(s: &str) -> Option<LogLevel> {
        Some(match s.to_uppercase().as_str() {
            "UNSPECIFIED" => LogLevel::Unspecified,
            "TRACE" => LogLevel::Trace,
            "DEBUG" => LogLevel::Debug,
            "INFO" => LogLevel::Info,
            "WARN" | "WARNING" => LogLevel::Warning,
            "ERROR" => LogLevel::Error,
            "CRITICAL" => LogLevel::Critical,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Unspecified => "UNSPECIFIED",
            LogLevel::Trace => "TRACE",
            LogLevel::Debug => "DEBUG",
            LogLevel::Info => "INFO",
            LogLevel::Warning => "WARNING",
            LogLevel::Error => "ERROR",
            LogLevel::Critical => "CRITICAL",
        }
    }
}

/// The codes whose error belongs to the tool: with these the [`super::ErrorResponse`] message
/// is the hook context's own error, which jujuc prefixes as Juju does ("cannot write leadership
/// settings: ..."); any other code is a request error that jujuc prints as it is.
pub fn is_tool_error(code: ErrorCode) -> bool {
    matches!(code, ErrorCode::NotLeader | ErrorCode::Unreachable)
}

/// `POST` paths of the relation tools.
pub const RELATIONS_PATH: &str = "/v1/relations";
pub const RELATION_GET_PATH: &str = "/v1/relation-get";
pub const RELATION_SET_PATH: &str = "/v1/relation-set";

/// One relation as the hook sees it (answer to [`RELATIONS_PATH`], whose body is a
/// [`ContextRequest`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationInfo {
    pub id: u64,
    pub endpoint: String,
    /// The application at the other end (for a peer relation, the unit's own).
    pub remote_app: String,
    /// The remote units in the relation as this hook sees them, in Go's string order.
    pub members: Vec<String>,
    /// The UUID of the model of the application at the other end (relation-model-get): for
    /// a peer relation, the unit's own model.
    #[serde(default)]
    pub remote_model_uuid: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelationsResponse {
    pub relations: Vec<RelationInfo>,
}

/// Body of `relation-get`: the bag of `target` (a unit, or with `app` an application) in a
/// relation. The answer is a [`LeaderGetResponse`]-shaped map: [`RelationGetResponse`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationGetRequest {
    pub context_id: String,
    pub relation_id: u64,
    pub target: String,
    pub app: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelationGetResponse {
    pub settings: Settings,
}

/// Body of `relation-set`: changes to the unit's bag, or with `app` to the application bag
/// (leader only), held by the hook and committed when it succeeds. An empty value deletes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationSetRequest {
    pub context_id: String,
    pub relation_id: u64,
    pub app: bool,
    pub settings: Settings,
}

/// `POST` paths of the secret tools (Juju's `jujuc.ContextSecrets`). Changes (add, set, remove,
/// grant, revoke) are held by the hook and committed with its relation changes when it
/// succeeds; reads go to the controller at once, since reading moves what a consumer tracks.
pub const SECRET_GET_PATH: &str = "/v1/secret-get";
pub const SECRET_ADD_PATH: &str = "/v1/secret-add";
pub const SECRET_SET_PATH: &str = "/v1/secret-set";
pub const SECRET_REMOVE_PATH: &str = "/v1/secret-remove";
pub const SECRET_GRANT_PATH: &str = "/v1/secret-grant";
pub const SECRET_REVOKE_PATH: &str = "/v1/secret-revoke";
/// The secrets this unit owns, with this hook's pending changes (secret-info-get, secret-ids).
pub const SECRET_METADATA_PATH: &str = "/v1/secret-metadata";

/// Body of `secret-get`: a secret by URI, by label, or both (the URI, with a label to give it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretGetRequest {
    pub context_id: String,
    /// The secret's id (jujuc has parsed the URI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default)]
    pub refresh: bool,
    #[serde(default)]
    pub peek: bool,
}

/// A secret's content: each key with its value base64-encoded (Juju's `SecretValue`
/// `EncodedValues`).
pub type SecretContent = std::collections::BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretGetResponse {
    pub content: SecretContent,
}

/// What secret-add and secret-set may change (Juju's `SecretUpdateArgs`): `None` leaves a
/// field as it is. Times are RFC 3339.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<SecretContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotate_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Body of `secret-add`: a new secret owned by the application (leader only) or the unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretAddRequest {
    pub context_id: String,
    /// `application` or `unit`.
    pub owner: String,
    pub fields: SecretFields,
}

/// Answer to `secret-add`: the new secret's URI (`secret:ID`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretAddResponse {
    pub uri: String,
}

/// Body of `secret-set`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretSetRequest {
    pub context_id: String,
    pub id: String,
    pub fields: SecretFields,
}

/// Body of `secret-remove`: the whole secret, or one revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRemoveRequest {
    pub context_id: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
}

/// Body of `secret-grant` and `secret-revoke` (Juju's `SecretGrantRevokeArgs`): whom, through
/// which relation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretAccessRequest {
    pub context_id: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// One secret the unit owns (Juju's `jujuc.SecretMetadata`). Times are RFC 3339.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretMetadata {
    /// The owner's tag: `application-NAME` or `unit-NAME-N`.
    pub owner: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub label: String,
    /// The rotate policy (`never` when none was set).
    pub rotate_policy: String,
    pub latest_revision: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_expire_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotate_time: Option<String>,
    #[serde(default)]
    pub revisions: Vec<u32>,
    #[serde(default)]
    pub access: Vec<SecretAccess>,
}

/// Who may read a secret, in which scope (Juju's `secrets.AccessInfo`): tags, and the role
/// (`view`, or `manage` for the owner).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SecretAccess {
    pub target: String,
    pub scope: String,
    pub role: String,
}

/// Answer to [`SECRET_METADATA_PATH`] (body: a [`ContextRequest`]): by secret id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretMetadataResponse {
    pub secrets: std::collections::BTreeMap<String, SecretMetadata>,
}

/// `POST` paths of the action tools (Juju's `jujuc.ActionHookContext`); in a context that is
/// not running an action they answer Juju's `not running an action`.
pub const ACTION_GET_PATH: &str = "/v1/action-get";
pub const ACTION_SET_PATH: &str = "/v1/action-set";
pub const ACTION_LOG_PATH: &str = "/v1/action-log";
pub const ACTION_FAIL_PATH: &str = "/v1/action-fail";

/// Answer to `action-get` (body: a [`ContextRequest`]): the action's parameters, with the
/// defaults of its schema filled in, as JSON.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionGetResponse {
    pub params: serde_json::Map<String, serde_json::Value>,
}

/// Body of `action-set`: each result as its key path and value, applied in order (Juju's
/// `UpdateActionResults` per argument; a later path overwrites an earlier one).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionSetRequest {
    pub context_id: String,
    pub results: Vec<(Vec<String>, String)>,
}

/// Body of `action-log`: one progress message.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionLogRequest {
    pub context_id: String,
    pub message: String,
}

/// Body of `action-fail`: the action fails (when it ends), with this message (Juju's
/// `SetActionMessage` then `SetActionFailed`; none keeps the message set before, or Juju's
/// default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionFailRequest {
    pub context_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `POST` paths of the charm state tools (Juju's server-side unit state).
pub const STATE_GET_PATH: &str = "/v1/state-get";
pub const STATE_SET_PATH: &str = "/v1/state-set";
pub const STATE_DELETE_PATH: &str = "/v1/state-delete";

/// Answer to [`STATE_GET_PATH`] (body: a [`ContextRequest`]): the unit's charm state as this
/// hook sees it (its own pending changes included); jujuc picks the key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StateGetResponse {
    pub state: std::collections::BTreeMap<String, String>,
}

/// Body of `state-set`: keys to set, held by the hook until it succeeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateSetRequest {
    pub context_id: String,
    pub values: std::collections::BTreeMap<String, String>,
}

/// Body of `state-delete`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateDeleteRequest {
    pub context_id: String,
    pub key: String,
}

/// `POST` paths of the payload tools (Juju's `PayloadsHookContext`).
pub const PAYLOAD_REGISTER_PATH: &str = "/v1/payload-register";
pub const PAYLOAD_UNREGISTER_PATH: &str = "/v1/payload-unregister";
pub const PAYLOAD_STATUS_SET_PATH: &str = "/v1/payload-status-set";

/// Body of `payload-register`: the payload, `running`, held by the hook until it succeeds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadRegisterRequest {
    pub context_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub class: String,
    pub id: String,
    #[serde(default)]
    pub labels: Vec<String>,
}

/// Body of `payload-unregister` (no `status`) and `payload-status-set`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayloadRequest {
    pub context_id: String,
    pub class: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `POST` path of `juju-reboot` (body: a [`RebootRequest`]).
pub const REBOOT_PATH: &str = "/v1/juju-reboot";

/// Body of `juju-reboot`: after the hook (`now` false), or at once, killing the hook.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RebootRequest {
    pub context_id: String,
    pub now: bool,
}

/// `POST` path of `resource-get` (body: a [`ResourceGetRequest`]).
pub const RESOURCE_GET_PATH: &str = "/v1/resource-get";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceGetRequest {
    pub context_id: String,
    pub name: String,
}

/// Answer to `resource-get`: the path of the unit's copy of the resource.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResourceGetResponse {
    pub path: String,
}

/// `POST` paths of the storage tools (Juju's `jujuc.ContextStorage`): storage-list (body: a
/// [`ContextRequest`]; answer: a [`StorageListResponse`]), storage-get (a [`StorageGetRequest`];
/// a [`StorageGetResponse`], or `not_found` with Juju's `storage attachment ID:UNIT not found`)
/// and storage-add (a [`StorageAddRequest`]: held by the hook, committed with its other changes
/// when it succeeds).
pub const STORAGE_LIST_PATH: &str = "/v1/storage-list";
pub const STORAGE_GET_PATH: &str = "/v1/storage-get";
pub const STORAGE_ADD_PATH: &str = "/v1/storage-add";

/// The storage instances attached to the unit (their ids, in the order they were added).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StorageListResponse {
    pub ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageGetRequest {
    pub context_id: String,
    pub id: String,
}

/// One attached instance: its kind (`filesystem`) and location (its directory).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorageGetResponse {
    pub kind: String,
    pub location: String,
}

/// storage-add's directives: each charm storage name with the count to add, in order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageAddRequest {
    pub context_id: String,
    pub directives: Vec<(String, u64)>,
}

/// `POST` paths of the network tools (Juju's `jujuc.ContextNetworking`): open-port and
/// close-port requests are held by the hook and committed with its other changes when it
/// succeeds; opened-ports answers the committed ranges with the hook's requests merged in.
pub const OPEN_PORT_PATH: &str = "/v1/open-port";
pub const CLOSE_PORT_PATH: &str = "/v1/close-port";
pub const OPENED_PORTS_PATH: &str = "/v1/opened-ports";
pub const NETWORK_GET_PATH: &str = "/v1/network-get";
pub const UNIT_GET_PATH: &str = "/v1/unit-get";
pub const GOAL_STATE_PATH: &str = "/v1/goal-state";

/// Body of `open-port` and `close-port`: one range for one endpoint (`""`: every endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortRequest {
    pub context_id: String,
    pub endpoint: String,
    pub range: crate::ports::PortRange,
}

/// Answer to `opened-ports` (body: a [`ContextRequest`]): the unit's ranges by endpoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OpenedPortsResponse {
    pub ports: crate::ports::GroupedPortRanges,
}

/// Body of `network-get`: a binding (an endpoint, or `""` for the default), and the relation
/// `-r` named, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkGetRequest {
    pub context_id: String,
    pub binding: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<u64>,
}

/// One address of an interface (Juju's `params.InterfaceAddress`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterfaceAddress {
    pub hostname: String,
    pub address: String,
    pub cidr: String,
}

/// One interface in a binding's space (Juju's `params.NetworkInfo`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterfaceInfo {
    pub mac_address: String,
    pub interface_name: String,
    pub addresses: Vec<InterfaceAddress>,
}

/// Answer to `network-get` (Juju's `params.NetworkInfoResult`); an unknown binding has no
/// `info`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkInfo {
    pub info: Vec<InterfaceInfo>,
    pub egress_subnets: Vec<String>,
    pub ingress_addresses: Vec<String>,
}

/// Body of `unit-get`: the public address, or the private one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitGetRequest {
    pub context_id: String,
    pub public: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitGetResponse {
    pub address: String,
}

/// A unit's (or a related application's) goal-state status, and since when (Unix
/// milliseconds) where known.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalStatus {
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
}

/// Answer to `goal-state` (body: a [`ContextRequest`]; Juju's `application.GoalState`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GoalStateResponse {
    pub units: std::collections::BTreeMap<String, GoalStatus>,
    pub relations: std::collections::BTreeMap<String, std::collections::BTreeMap<String, GoalStatus>>,
}
