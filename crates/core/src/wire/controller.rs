//! The controller's HTTP/JSON API types, shared by the controller, the unit agent's controller
//! client and operator tools. Paths and rules: docs/controller-api.md.

use serde::{Deserialize, Serialize};

use crate::model::Settings;
use crate::wire::hook::WorkloadStatus;

/// Requests carry at most this many bytes (8 MiB).
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// A long-poll (`wait-released`, `watch`) waits at most this long, whatever it asks for.
pub const MAX_POLL_MS: u64 = 60_000;

/// `POST /v1/applications/{app}/lease/claim`: claim or extend the lease for this long.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    pub duration_ms: u64,
}

/// A claim's answer: granted with the fencing term, or denied (another unit holds it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClaimResponse {
    pub granted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
    /// Lease time left as the controller counts it, from when it received the claim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_ms: Option<u64>,
}

/// `POST /v1/applications/{app}/lease/wait-released` and `.../settings/watch` long-polls.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitReleasedRequest {
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WaitReleasedResponse {
    /// True: the lease is free now. False: the timeout passed first.
    pub released: bool,
}

/// `POST /v1/applications/{app}/lease/revoke` (operator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RevokeResponse {
    pub revoked: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
}

/// `POST /v1/applications/{app}/status/unit/forget` (operator): `unit` was removed; its status
/// goes with it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForgetUnitRequest {
    pub unit: String,
}

/// `POST /v1/applications/{app}/lease/elect` (operator): make `unit` the next leader.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectRequest {
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElectResponse {
    /// The unit leads already: nothing changed.
    pub already_leader: bool,
    /// The term the lease is under now (the leader's, or the last one's).
    pub term: u64,
    /// The holder's term that was revoked, if another unit held the lease.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_term: Option<u64>,
    /// When the lease frees (the revoked holder's remaining lease), from now.
    pub frees_in_ms: u64,
}

/// `POST /v1/applications/{app}/lease/release` (the holding unit): give the lease up now.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseRequest {
    pub term: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseResponse {
    /// False: the caller did not hold the lease under that term (nothing changed).
    pub released: bool,
}

/// `GET /v1/applications/{app}/settings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SettingsResponse {
    pub settings: Settings,
    pub version: u64,
}

/// `POST /v1/applications/{app}/settings/merge`: fenced by `term`. Keys in `unset`, and keys in
/// `set` with an empty value, are deleted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    pub term: u64,
    #[serde(default)]
    pub set: Settings,
    #[serde(default)]
    pub unset: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeResponse {
    pub version: u64,
}

/// `POST /v1/applications/{app}/settings/watch`: answer once the version is past `after`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchRequest {
    pub after: u64,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchResponse {
    pub version: u64,
}

/// `GET /v1/status` (operator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusResponse {
    pub store: String,
    pub applications: Vec<ApplicationStatus>,
    /// `active` for the active one of several controllers on etcd (absent for a lone
    /// controller); a standby answers `not_active` naming the active one instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
}

/// One application in the controller's status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationStatus {
    pub name: String,
    /// The unit holding the lease now, if any.
    pub leader: Option<String>,
    pub term: u64,
    /// Lease time left, in milliseconds (0 without a leader).
    pub lease_remaining_ms: u64,
    pub settings_version: u64,
    /// The application config's version (0: no charm config registered).
    #[serde(default)]
    pub config_version: u64,
}

/// `POST /v1/token/renew`: a fresh token for the caller (whoever the presented token names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenewResponse {
    pub token: String,
    /// Unix time (seconds) after which the new token is refused.
    pub expires_at: u64,
}

/// One application's config: its charm's options, the values an operator set (the rest take
/// their defaults), and how many accepted changes produced them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppConfig {
    pub options: crate::charm_config::Options,
    pub values: crate::charm_config::Values,
    pub version: u64,
    /// The charm the units should run, once `leaderd refresh` gave one (none: the charm they
    /// were deployed with). Juju's application charm URL and `CharmModifiedVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm: Option<CharmRef>,
    /// The charm's peer endpoints, in metadata.yaml's order: relation N is the N-th (as the
    /// agents number them, `leaderd_core::relations::peers`). None: not registered (an
    /// application deployed without `up`), and any relation id up to the join limit is taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<Vec<String>>,
    /// The charm's storage declarations, by name (`up` and `refresh` register them): every
    /// ensure and storage-add of its units is checked against these, not against what a unit
    /// sends. None: not registered (an application deployed without `up`), and a unit's
    /// directives are taken as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<std::collections::BTreeMap<String, crate::storage::DeclaredStorage>>,
    /// The charm's relation endpoints (`provides`, `requires`, `peers` and the implicit
    /// `juju-info`), registered at deploy: what integrate infers from. None: not registered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<crate::relations::EndpointDecl>>,
    /// Application config `trust` (Juju's `juju trust`): false unless an operator set it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub trust: bool,
    /// The application is being removed, or was (`remove-application`): integrate refuses it,
    /// as Juju's `AddRelation` refuses an application that is not alive. A deploy under its
    /// name registers it afresh, alive.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dying: bool,
}

/// A charm `leaderd refresh` registered: its revision (1, 2, ...: each refresh the next) and
/// the directory `up` prepared it in, which each unit's agent copies into its own charm
/// directory (Juju's agents download the charm archive from the controller; `up`'s units share
/// a machine).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CharmRef {
    pub revision: u64,
    pub path: String,
}

/// What one unit's charm last said about its workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitStatus {
    pub workload: WorkloadStatus,
    /// application-version-set's; empty until set.
    #[serde(default)]
    pub version: String,
    /// When the workload status last changed (Unix milliseconds), as the controller recorded
    /// it; absent until the charm sets one. The controller sets it: what a unit sends is
    /// ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
}

impl Default for UnitStatus {
    fn default() -> UnitStatus {
        UnitStatus { workload: WorkloadStatus::unknown(), version: String::new(), since_ms: None }
    }
}

/// `POST /v1/applications/{app}/config` (operator): change the config, all or nothing. With
/// `options`, the charm's options are (re)registered first (deploy). Values in `set` are
/// checked against the options (a string is parsed by the option's type); null resets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigChangeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<crate::charm_config::Options>,
    #[serde(default)]
    pub set: crate::charm_config::Values,
    #[serde(default)]
    pub reset: Vec<String>,
    /// With `options`: the new charm (`leaderd refresh`): the values of options that are gone
    /// or no longer valid are dropped, the others kept, and the version moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm: Option<CharmRef>,
    /// The charm's peer endpoints (deploy): the relation ids units may join are 0 to N-1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peers: Option<Vec<String>>,
    /// The charm's storage declarations (deploy and refresh). At a refresh they are checked
    /// against the ones registered before, as Juju's `checkStorageUpgrade`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage: Option<std::collections::BTreeMap<String, crate::storage::DeclaredStorage>>,
    /// The charm's relation endpoints (deploy; `leaderd_core::relations::declared_endpoints`):
    /// its peer relations are created with the next ids of the model's relation sequence, in
    /// metadata order, and integrate infers from the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoints: Option<Vec<crate::relations::EndpointDecl>>,
    /// Application config `trust` (`juju trust`, `juju trust --remove`): a change moves the
    /// version, so the units run config-changed, as Juju's `TrustHash` does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<bool>,
    /// With `charm`: the new charm's URL (`local:name-N`), named in a refusal (Juju's
    /// `SetCharm` annotation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm_url: Option<String>,
}

/// `GET /v1/applications/{app}/status`: the application status its leader set (null until
/// then) and every unit's that has reported one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusesResponse {
    pub application: Option<WorkloadStatus>,
    pub units: std::collections::BTreeMap<String, UnitStatus>,
    /// Each unit's opened port ranges by endpoint (units without any are left out).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub ports: std::collections::BTreeMap<String, crate::ports::GroupedPortRanges>,
    /// Each unit's payloads by class (units without any are left out).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub payloads: std::collections::BTreeMap<String, crate::payloads::UnitPayloads>,
    /// Each unit's storage instances (units without any are left out).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub storage: std::collections::BTreeMap<String, Vec<StorageInstance>>,
}

/// One storage instance attached to a unit: its id (`data/0`, numbered from one sequence per
/// application, as Juju's model-wide `stores` sequence) and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageInstance {
    pub id: String,
    pub kind: crate::storage::StorageKind,
}

/// Storage instances of one charm storage to add to the calling unit: `count` more (storage-add)
/// or, in an ensure, as many as make up `count` (the charm's minimum), within the charm's
/// bounds `counts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageDirective {
    pub name: String,
    pub kind: crate::storage::StorageKind,
    pub count: u64,
    pub counts: crate::storage::CharmStorageCounts,
}

/// `POST /v1/applications/{app}/storage/ensure`: the calling unit gets at least each charm
/// storage's minimum count (at its first start, as Juju adds a unit with its storage; again at
/// every start, as Juju makes up a shortfall on upgrade-charm). Answers a [`UnitStorageResponse`].
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StorageEnsureRequest {
    pub storage: Vec<StorageDirective>,
}

/// `GET /v1/applications/{app}/storage`: the calling unit's storage instances, in the order
/// they were added.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitStorageResponse {
    pub storage: Vec<StorageInstance>,
}

/// `POST /v1/applications/{app}/status/application`: the leader's application status, fenced
/// by its term.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppStatusRequest {
    pub term: u64,
    pub status: WorkloadStatus,
}

/// One relation's data as the controller holds it: which units are in its scope and every bag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelationData {
    /// The units in the relation's scope, in name order.
    #[serde(default)]
    pub members: Vec<String>,
    /// Each unit's bag, by unit name; a unit that has left keeps its bag (Juju keeps departed
    /// units' settings readable for the life of the relation).
    #[serde(default)]
    pub units: std::collections::BTreeMap<String, Settings>,
    /// The application bag, written only by the leader. In a relation between two
    /// applications it is the reader's own application's, which only its leader (and the
    /// operator) may read: empty for the other units (Juju's uniter facade, `ReadSettings`).
    #[serde(default)]
    pub app: Settings,
    /// The relation's record (its id, key, endpoints and life); absent only for a relation of
    /// an application deployed without registering its endpoints (units join it by id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<RelationDef>,
    /// The other application's bag, in a relation between two applications.
    #[serde(default, skip_serializing_if = "Settings::is_empty")]
    pub remote_app: Settings,
}

/// `GET /v1/applications/{app}/relations`: every relation's data, by relation id, and the
/// version of the whole (it changes with every accepted commit, join and leave).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelationsResponse {
    pub relations: std::collections::BTreeMap<u64, RelationData>,
    pub version: u64,
}

/// One relation's changes from one hook: to the unit's own bag, and (leader only) to the
/// application bag. An empty value deletes its key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationChanges {
    pub relation_id: u64,
    #[serde(default)]
    pub unit: Settings,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<Settings>,
}

/// `POST /v1/applications/{app}/relations/commit`: what a hook that succeeded wrote to relation
/// bags and secrets, all or nothing. With any application-bag change or change to an
/// application-owned secret, `term` must be the caller's current lease term.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationCommitRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
    pub changes: Vec<RelationChanges>,
    /// The hook's secret changes, in the order it made them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretChange>,
    /// The unit's whole charm state after the hook, when the hook changed it (Juju's
    /// `CommitHookParamsBuilder.UpdateCharmState`); empty clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm_state: Option<std::collections::BTreeMap<String, String>>,
    /// The hook's open-port and close-port requests, applied to the calling unit's opened
    /// ranges in the same write.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<crate::ports::PortChange>,
    /// The hook's storage-add directives, in order (Juju's `CommitHookParamsBuilder.AddStorage`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub storage: Vec<StorageDirective>,
    /// The unit's payloads after the hook, when the hook changed them (Juju's payload tools,
    /// which write at once); empty forgets them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payloads: Option<crate::payloads::UnitPayloads>,
}

/// `GET /v1/applications/{app}/unit-state`: the calling unit's charm state as last committed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitStateResponse {
    pub state: std::collections::BTreeMap<String, String>,
}

/// `POST /v1/applications/{app}/relations/join`: the calling unit enters the scope of these
/// relations (its peer relations, by id), creating them if need be.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationJoinRequest {
    pub relation_ids: Vec<u64>,
}

/// `POST /v1/applications/{app}/relations/leave`: `unit` leaves the scope of every relation
/// (the unit itself, or the operator removing it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationLeaveRequest {
    pub unit: String,
}

/// The answer to the relation writes and to `POST /v1/applications/{app}/relations/watch`
/// (whose body is a [`WatchRequest`]; it answers once the version differs from `after`, which
/// also covers a controller that restarted and counts afresh).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelationsVersion {
    pub version: u64,
}

/// One change to secrets from a hook that succeeded, committed with its relation changes (all
/// or nothing; any change to an application-owned secret is fenced by the caller's term).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "kebab-case", deny_unknown_fields)]
pub enum SecretChange {
    /// secret-add: `owner` is `application` or `unit`; the id was made by the agent.
    Create { id: String, owner: String, fields: crate::wire::hook::SecretFields },
    /// secret-set: a new revision when `content` is given.
    Update { id: String, fields: crate::wire::hook::SecretFields },
    /// secret-remove: the whole secret, or one revision.
    Remove {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        revision: Option<u32>,
    },
    /// secret-grant: `subject` (a unit, or an application) may read, through `relation_id`,
    /// whose relation tag (`relation-app.cluster`) is `scope`.
    Grant { id: String, subject: String, relation_id: u64, scope: String },
    /// secret-revoke: `subject` may no longer read (through `relation_id`, or any).
    Revoke {
        id: String,
        subject: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        relation_id: Option<u64>,
    },
    /// secret-get --refresh of a secret this hook changed: track the latest revision once it
    /// is written.
    TrackLatest { id: String },
    /// The secret-rotate hook for it ran, when its latest revision was `revision`.
    Rotated { id: String, revision: u32 },
    /// The secret-expired hook for `revision` ran.
    Expired { id: String, revision: u32 },
}

/// `POST /v1/applications/{app}/secrets/get`: a secret's content for the calling unit, by id,
/// label or both. With `term`, the caller says it leads (an application secret's owner label
/// is then its to use).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretReadRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default)]
    pub refresh: bool,
    #[serde(default)]
    pub peek: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretReadResponse {
    pub id: String,
    pub revision: u32,
    pub content: crate::wire::hook::SecretContent,
}

/// `POST /v1/applications/{app}/secrets/owned`: the secrets the calling unit owns, and with
/// a current `term` its application's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedSecretsRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term: Option<u64>,
}

/// What a unit needs to know of secrets to run its secret hooks (answer to
/// `POST /v1/applications/{app}/secrets/view`, whose body is an [`OwnedSecretsRequest`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecretView {
    /// Secrets the unit reads (tracks), with the revision it tracks and the latest.
    pub consumed: Vec<ConsumedSecret>,
    /// Secrets the unit manages: its own, and its application's while it leads.
    pub owned: Vec<OwnedSecret>,
    /// The secrets version this view was read at.
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumedSecret {
    pub id: String,
    #[serde(default)]
    pub label: String,
    pub tracked: u32,
    pub latest: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnedSecret {
    pub id: String,
    /// Owned by the application (managed by its leader), not the unit.
    #[serde(default)]
    pub application: bool,
    #[serde(default)]
    pub label: String,
    pub latest: u32,
    /// When rotation is due (Unix ms), if it rotates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotate_ms: Option<u64>,
    /// Revisions with an expiry whose hook has not run: (revision, Unix ms).
    #[serde(default)]
    pub expiring: Vec<(u32, u64)>,
    /// Revisions no one tracks any more, other than the latest: the owner may remove them.
    #[serde(default)]
    pub obsolete: Vec<u32>,
}

/// `POST /v1/applications/{app}/secrets/owned` answers the metadata by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OwnedSecretsResponse {
    pub secrets: std::collections::BTreeMap<String, crate::wire::hook::SecretMetadata>,
}

/// `POST /v1/operations` (operator): run `action` with `params` on each of `units` (one task
/// each). Answers the operation's id and each task's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnqueueRequest {
    pub action: String,
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    pub units: Vec<String>,
    /// With no units: why nothing could be scheduled. The operation is then recorded as
    /// failed with this message, as Juju's `FailOperationEnqueuing` records it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub failure: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EnqueueResponse {
    pub operation: u64,
    /// (task id, unit), in the order of the request's units.
    pub tasks: Vec<(u64, String)>,
}

/// A task as the controller keeps it (`GET /v1/tasks/{id}`, `POST /v1/tasks/{id}/wait`), and
/// how it ended once it has.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: u64,
    pub operation: u64,
    pub unit: String,
    pub action: String,
    #[serde(default)]
    pub params: serde_json::Map<String, serde_json::Value>,
    /// `pending`, `running`, `completed` or `failed`.
    pub status: String,
    /// How it ended (none while pending or running).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<crate::wire::run::ActionResult>,
    pub enqueued_ms: u64,
    /// When its unit started it (none while pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_ms: Option<u64>,
}

/// `GET /v1/operations` (operator): every task, by operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperationsResponse {
    pub tasks: Vec<Task>,
    /// The operations that scheduled no task, in id order.
    #[serde(default)]
    pub failed: Vec<FailedOperation>,
}

/// An operation that scheduled no task (`status: error` in Juju's `operations`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FailedOperation {
    pub operation: u64,
    pub action: String,
    pub message: String,
    pub enqueued_ms: u64,
}

/// `POST /v1/applications/{app}/pending-tasks` (a unit's long-poll for its work): the calling
/// unit's tasks left `running` and its oldest `pending` one, answered as soon as there is one
/// or after `timeout_ms`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UnitTasksResponse {
    pub tasks: Vec<Task>,
}

/// `POST /v1/applications/{app}/tasks/{id}` (the task's unit): it started (`result` none) or
/// ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<crate::wire::run::ActionResult>,
}

// The operator's secrets (`leaderd secrets`, `show-secret`, `add-secret`, ...): every
// endpoint below needs the operator token. A secret is named by its id (`secret:ID`, a
// `secret://UUID/ID` URI or the bare id) or, for a user secret, by its name.

/// One revision of a secret, as the operator sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperatorSecretRevision {
    pub revision: u32,
    pub created_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_ms: Option<u64>,
}

/// A secret's metadata as the operator sees it (answer of `GET /v1/secrets` and
/// `POST /v1/secrets/show`); `content` (base64 values) and `checksum` only when revealed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorSecret {
    pub id: String,
    /// `application`, `unit` (a charm's) or `model` (a user secret).
    pub owner_kind: String,
    /// The owning application or unit, or the user secret's name.
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub rotate_policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_rotate_ms: Option<u64>,
    pub created_ms: u64,
    pub updated_ms: u64,
    pub latest_revision: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_expire_ms: Option<u64>,
    #[serde(default)]
    pub revisions: Vec<OperatorSecretRevision>,
    /// The grants (role `view`).
    #[serde(default)]
    pub access: Vec<crate::wire::hook::SecretAccess>,
    /// The latest revision's checksum (Juju's: SHA-256 of the JSON of the base64 values).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub checksum: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<crate::wire::hook::SecretContent>,
}

/// Answer of `GET /v1/secrets` and `POST /v1/secrets/show`, by id order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OperatorSecretsResponse {
    pub secrets: Vec<OperatorSecret>,
}

/// `POST /v1/secrets/show`: one secret (by id, or the secrets with that name or owner label),
/// with the content of the latest or of `revision` when `reveal`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretShowRequest {
    pub secret: String,
    #[serde(default)]
    pub reveal: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
}

/// `POST /v1/secrets/add`: a user secret; `content` values are base64.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSecretAddRequest {
    pub name: String,
    pub content: crate::wire::hook::SecretContent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `POST /v1/secrets/update`: a user secret's new content (a new revision when it differs
/// from the latest), description or name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSecretUpdateRequest {
    pub secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<crate::wire::hook::SecretContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `POST /v1/secrets/remove`: a user secret, or one revision of it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSecretRemoveRequest {
    pub secret: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
}

/// `POST /v1/secrets/grant` and `POST /v1/secrets/revoke`: applications' access to a user
/// secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserSecretAccessRequest {
    pub secret: String,
    pub applications: Vec<String>,
}

/// Answer of the user-secret writes: the secret's id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserSecretWritten {
    pub id: String,
}

// ---- Relations between applications (integrate, remove-relation, the relation records) ----

/// One end of a relation: an application's endpoint, as Juju's `relation.Endpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationEndpoint {
    pub application: String,
    #[serde(flatten)]
    pub endpoint: crate::relations::EndpointDecl,
}

/// A relation as the controller records it: its model-wide id, its key (the endpoints as
/// `app:endpoint`, sorted, joined by a space; one endpoint for a peer relation), its endpoints
/// and its life (`alive`, then `dying` after remove-relation; removed once no unit is in its
/// scope).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationDef {
    pub id: u64,
    pub key: String,
    pub endpoints: Vec<RelationEndpoint>,
    pub life: String,
}

impl RelationDef {
    /// The endpoint `app` takes part through (for a peer relation, its only one).
    pub fn endpoint_of(&self, app: &str) -> Option<&RelationEndpoint> {
        self.endpoints.iter().find(|e| e.application == app)
    }

    /// The application at the other end from `app` (`app` itself for a peer relation).
    pub fn other_app<'a>(&'a self, app: &'a str) -> Option<&'a str> {
        self.endpoint_of(app)?;
        Some(self.endpoints.iter().find(|e| e.application != app).map_or(app, |e| e.application.as_str()))
    }

    pub fn is_peer(&self) -> bool {
        self.endpoints.len() == 1
    }

    pub fn alive(&self) -> bool {
        self.life == "alive"
    }
}

/// `POST /v1/relations` (operator, `juju integrate`): two `app[:endpoint]` references. Answers
/// the new [`RelationDef`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntegrateRequest {
    pub endpoints: Vec<String>,
}

/// `POST /v1/relations/remove` (operator, `juju remove-relation`): one or two
/// `app[:endpoint]` references naming one existing relation, or its `id`; it becomes dying.
/// Answers its [`RelationDef`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemoveRelationRequest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoints: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<u64>,
}

/// `GET /v1/relations` (operator): every relation of the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelationDefsResponse {
    pub relations: Vec<RelationDef>,
}

/// `POST /v1/applications/{app}/relations/depart` (a unit of app): the caller leaves the scope
/// of these relations (a dying relation it has finished with).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationDepartRequest {
    pub relation_ids: Vec<u64>,
}

// --- Model status and config (`juju status`, `juju model-config`, `juju trust`) ---

/// A unit's agent status as Juju's `juju-status` shows it: `allocating` until its agent runs,
/// `executing` with what it runs (`running install hook`, `running action do-thing`), `idle`,
/// or `error` with `hook failed: "install"` while a hook has failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentStatus {
    pub status: String,
    #[serde(default)]
    pub message: String,
    /// When it last changed (Unix milliseconds), as the controller recorded it; what a unit
    /// sends is ignored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
    /// With `error`: the relation of the failed hook, if it was a relation hook (Juju's status
    /// data `relation-id`, which `juju status` names the other end of).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation_id: Option<u64>,
}

/// `POST /v1/applications/{app}/units/register` (operator): the units a deploy or add-unit
/// made, recorded at once (workload `waiting` / `waiting for machine`, agent `allocating`) so
/// `juju status` lists them before their agents run. A unit already known is left as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitsRegisterRequest {
    pub units: Vec<String>,
}

/// `GET /v1/model/status` (operator): everything `juju status` shows, in one snapshot.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelStatusResponse {
    /// Every application, by name.
    pub applications: std::collections::BTreeMap<String, ModelApplication>,
    /// Every relation, by id.
    #[serde(default)]
    pub relations: Vec<ModelRelation>,
    /// The model config values an operator set (the rest take Juju's defaults).
    #[serde(default)]
    pub config: std::collections::BTreeMap<String, serde_json::Value>,
    /// The controller's clock when it answered (Unix milliseconds).
    pub now_ms: u64,
}

/// One application in the model status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelApplication {
    /// The charm revision the application runs: 0 as deployed, one more with each refresh.
    pub charm_revision: u64,
    /// Where the refreshed charm was prepared (none: the charm it was deployed with).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charm_path: Option<String>,
    /// The application status its leader set, with since when; none while unset (Juju then
    /// derives one from the units').
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkloadStatusSince>,
    /// The unit holding the lease now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leader: Option<String>,
    /// Application config `trust`.
    #[serde(default)]
    pub trust: bool,
    /// The application's units, by name.
    pub units: std::collections::BTreeMap<String, ModelUnit>,
}

/// A workload status with since when (Unix milliseconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkloadStatusSince {
    pub status: WorkloadStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since_ms: Option<u64>,
}

/// One unit in the model status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelUnit {
    pub workload: WorkloadStatusSince,
    pub agent: AgentStatus,
    /// application-version-set's.
    #[serde(default)]
    pub version: String,
    /// Its opened port ranges, each once, sorted as `juju status` lists them.
    #[serde(default)]
    pub ports: Vec<String>,
    /// `alive`, or `dying` while it is being removed.
    pub life: String,
}

/// One relation in the model status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRelation {
    pub id: u64,
    /// Both ends (one for a peer relation), as the relation's record has them.
    pub endpoints: Vec<RelationEndpoint>,
    /// The units in its scope, in name order.
    #[serde(default)]
    pub members: Vec<String>,
}

/// `GET /v1/model/config`: the model config values an operator set, and how many accepted
/// changes produced them (agents long-poll `POST /v1/model/config/watch` on it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelConfigResponse {
    pub values: std::collections::BTreeMap<String, serde_json::Value>,
    pub version: u64,
}

/// `POST /v1/model/config` (operator): set values (as the command line gives them, typed by
/// the key) and reset keys, all or nothing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfigChangeRequest {
    #[serde(default)]
    pub set: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    pub reset: Vec<String>,
}
