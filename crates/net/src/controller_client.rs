//! The one client for the controller API (`wire::controller`): the unit agent's, authenticated
//! as its unit, and the operator's (`leaderd status`). A refused call carries the controller's error code and its own words. The connection is TLS,
//! verified against the controller's CA only; the token goes out only once the handshake has
//! verified the controller (an unverified controller never sees a request).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use leaderd_core::model::LeaderWriteError;
use leaderd_core::model::Settings;
use leaderd_core::wire::controller::*;
use leaderd_core::wire::{ErrorCode, ErrorResponse};

use crate::long_poll;

/// A failed call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CallError {
    /// No answer: the controller could not be reached, failed TLS verification, or the
    /// connection broke.
    #[error("{0}")]
    Unreachable(String),
    /// The controller refused the call: what kind of error, and its words.
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    /// The controller answered 200 with something that is not the answer.
    #[error("{0}")]
    BadAnswer(String),
}

#[derive(Clone)]
pub struct ControllerClient {
    http: reqwest::Client,
    /// Every controller this client knows (several on etcd: one active, the others standbys).
    bases: Arc<Vec<String>>,
    /// Which of `bases` it talks to now: the active controller, as far as it knows, passing
    /// over one that did not answer.
    follow: Arc<std::sync::Mutex<crate::follow::Follow>>,
    app: String,
    token: Arc<RwLock<String>>,
}

/// How long a controller has to answer a call, beyond what the call lets it hold it (a
/// long-poll's wait); a claim has its caller's limit instead.
pub(crate) const ANSWER_TIME: Duration = Duration::from_secs(10);

/// A controller that failed to answer within this long (connection refused or reset) costs a
/// call so little that the call goes on to the next controller at once.
const FAST_FAILURE: Duration = Duration::from_secs(1);

/// Pooled connections to the controller are dropped after this long unused, well inside the
/// controller's idle timeout, so a request never goes out on a connection it is closing.
pub(crate) const POOL_IDLE: Duration = Duration::from_secs(10);

impl ControllerClient {
    /// `base` is one controller's URL, or several separated by commas (controllers on etcd):
    /// the client follows the active one. A standby answers `not_active` naming it, and the
    /// call goes there at once (the standby did nothing); a controller that does not answer
    /// sends the next calls to the others for a while (`follow`). A retried call counts, for
    /// the caller, from when it first sent it, so a lease answer is never counted from later
    /// than it was asked.
    pub fn new(
        base: &str,
        app: &str,
        token: &str,
        trust: &crate::tls::Trust,
    ) -> Result<ControllerClient, crate::tls::ClientError> {
        let bases: Vec<String> =
            base.split(',').map(|b| b.trim().trim_end_matches('/').to_string()).filter(|b| !b.is_empty()).collect();
        let first = bases.first().cloned().unwrap_or_default();
        for other in bases.iter().skip(1) {
            crate::tls::http_client(other, trust, POOL_IDLE)?;
        }
        let http = crate::tls::http_client(&first, trust, POOL_IDLE)?;
        Ok(ControllerClient {
            http,
            follow: Arc::new(std::sync::Mutex::new(crate::follow::Follow::new(bases.len()))),
            bases: Arc::new(if bases.is_empty() { vec![first] } else { bases }),
            app: app.into(),
            token: Arc::new(RwLock::new(token.into())),
        })
    }

    /// The controller this client talks to now.
    pub fn base(&self) -> &str {
        &self.bases[self.current()]
    }

    fn current(&self) -> usize {
        self.follow.lock().unwrap().current() % self.bases.len()
    }

    /// The token this client presents now.
    pub fn token(&self) -> String {
        self.token.read().unwrap().clone()
    }

    /// Gets a fresh token from the controller and presents it from now on; answers its expiry.
    pub async fn renew_token(&self) -> Result<u64, CallError> {
        let r: RenewResponse =
            self.send(|base| self.http.post(format!("{base}/v1/token/renew")), Duration::ZERO).await?;
        *self.token.write().unwrap() = r.token;
        Ok(r.expires_at)
    }

    /// Sends the request `make` builds for a controller's base URL, following a standby's
    /// pointer to the active controller (each controller at most once per call). `wait` is how
    /// long the controller may hold the call (a long-poll); it gets [`ANSWER_TIME`] more, or
    /// less for a long-poll with several controllers ([`long_poll::answer_time`]).
    async fn send<R: DeserializeOwned>(
        &self,
        make: impl Fn(&str) -> reqwest::RequestBuilder,
        wait: Duration,
    ) -> Result<R, CallError> {
        self.send_within(make, wait + long_poll::answer_time(self.bases.len(), wait)).await
    }

    /// How long a long-poll asks to be held ([`long_poll::held_for`]: less with several
    /// controllers).
    fn poll_wait(&self, wait: Duration) -> Duration {
        long_poll::held_for(self.bases.len(), wait)
    }

    /// [`ControllerClient::send`], giving each controller at most `limit` to answer: one that
    /// does not answer in time is unreachable for this call, and passed over by the next ones.
    async fn send_within<R: DeserializeOwned>(
        &self,
        make: impl Fn(&str) -> reqwest::RequestBuilder,
        limit: Duration,
    ) -> Result<R, CallError> {
        // Each controller at most once per call: the one believed active first, then the
        // others (one passed over last).
        let mut tried = vec![false; self.bases.len()];
        loop {
            let untried = self.follow.lock().unwrap().untried(&tried, std::time::Instant::now());
            let Some(index) = untried.filter(|&i| i < self.bases.len()) else {
                return Err(CallError::Unreachable("no controller left to ask".into()));
            };
            tried[index] = true;
            let base = self.bases[index].clone();
            let attempt = std::time::Instant::now();
            let answer = self.send_once(make(&base), limit, &base).await;
            let now = std::time::Instant::now();
            let mut follow = self.follow.lock().unwrap();
            match answer {
                Err(Answer::NotActive { active, message }) => {
                    let named = active.and_then(|url| self.bases.iter().position(|b| *b == url.trim_end_matches('/')));
                    follow.not_active(index, named, now);
                    if tried.iter().all(|&t| t) {
                        return Err(CallError::Refused { code: ErrorCode::NotActive, message });
                    }
                }
                Err(Answer::Failed(e @ CallError::Unreachable(_))) => {
                    // The next calls try the others: this one may be down. A refusal that came
                    // fast (nothing listens there) is tried at the next one now; one that took
                    // its time has used the call's.
                    follow.unreachable(index, now);
                    if now.duration_since(attempt) >= FAST_FAILURE || tried.iter().all(|&t| t) {
                        return Err(e);
                    }
                }
                Err(Answer::Failed(e)) => {
                    follow.answered(index);
                    return Err(e);
                }
                Ok(r) => {
                    follow.answered(index);
                    return Ok(r);
                }
            }
        }
    }

    async fn send_once<R: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        limit: Duration,
        base: &str,
    ) -> Result<R, Answer> {
        let request = request.bearer_auth(self.token()).timeout(limit);
        let response =
            request.send().await.map_err(|e| Answer::Failed(CallError::Unreachable(transport_error(base, &e))))?;
        let status = response.status().as_u16();
        let bytes =
            response.bytes().await.map_err(|e| Answer::Failed(CallError::Unreachable(format!("controller: {e}"))))?;
        if status == 200 {
            return serde_json::from_slice(&bytes)
                .map_err(|e| Answer::Failed(CallError::BadAnswer(format!("controller: bad answer: {e}"))));
        }
        let (code, message) = ErrorResponse::decode(status, &bytes)
            .unwrap_or_else(|| (ErrorCode::from_status(status), String::from_utf8_lossy(&bytes).into_owned()));
        if code == ErrorCode::NotActive {
            let active = serde_json::from_slice::<ErrorResponse>(&bytes).ok().and_then(|r| r.active);
            return Err(Answer::NotActive { active, message });
        }
        Err(Answer::Failed(CallError::Refused { code, message }))
    }
}

/// One controller's answer that was not the result.
enum Answer {
    NotActive { active: Option<String>, message: String },
    Failed(CallError),
}

fn transport_error(base: &str, e: &reqwest::Error) -> String {
    let chain = leaderd_core::error_chain(e);
    if crate::tls::is_unverified_peer(e) {
        format!(
            "refusing the controller at {base}: it failed TLS verification against the controller CA \
             (no token was sent): {chain}"
        )
    } else if crate::tls::tls_failure(e).is_some() {
        format!("TLS failure talking to the controller at {base}: {chain}")
    } else {
        format!("controller unreachable: {chain}")
    }
}

impl ControllerClient {
    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
        wait: Duration,
    ) -> Result<R, CallError> {
        let make = |base: &str| {
            let url = format!("{base}/v1/applications/{}/{path}", self.app);
            match body {
                Some(body) => self.http.post(url).json(body),
                None => self.http.get(url),
            }
        };
        self.send(make, wait).await
    }

    /// Every application's lease and settings version (the operator's token).
    pub async fn status(&self) -> Result<StatusResponse, CallError> {
        self.send(|base| self.http.get(format!("{base}/v1/status")), Duration::ZERO).await
    }

    pub async fn claim(&self, duration: Duration) -> Result<ClaimResponse, CallError> {
        self.claim_within(duration, ANSWER_TIME).await
    }

    /// Claims, giving the controller at most `within` (and never more than [`ANSWER_TIME`]) to
    /// answer: an agent's answer later than its guarantee is of no use, and a controller that
    /// is silent (killed with its port still open, or on a machine that is gone) must not hold
    /// the next claims too.
    pub async fn claim_within(&self, duration: Duration, within: Duration) -> Result<ClaimResponse, CallError> {
        let body = ClaimRequest { duration_ms: duration.as_millis() as u64 };
        let make = |base: &str| self.http.post(format!("{base}/v1/applications/{}/lease/claim", self.app)).json(&body);
        self.send_within(make, within.min(ANSWER_TIME)).await
    }

    pub async fn wait_released(&self, timeout: Duration) -> Result<bool, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WaitReleasedRequest { timeout_ms: timeout.as_millis() as u64 };
        let r: WaitReleasedResponse = self.call("lease/wait-released", Some(&body), timeout).await?;
        Ok(r.released)
    }

    /// Revokes the application's lease (the operator's token).
    pub async fn revoke(&self) -> Result<RevokeResponse, CallError> {
        self.call::<(), _>("lease/revoke", Some(&()), Duration::ZERO).await
    }

    /// Elects `unit` as the application's next leader (the operator's token).
    pub async fn elect(&self, unit: &str) -> Result<ElectResponse, CallError> {
        self.call("lease/elect", Some(&ElectRequest { unit: unit.into() }), Duration::ZERO).await
    }

    /// Gives up the lease this unit holds under `term`, at once.
    pub async fn release(&self, term: u64) -> Result<bool, CallError> {
        let r: ReleaseResponse = self.call("lease/release", Some(&ReleaseRequest { term }), Duration::ZERO).await?;
        Ok(r.released)
    }

    pub async fn read(&self) -> Result<SettingsResponse, CallError> {
        self.call::<(), _>("settings", None, Duration::ZERO).await
    }

    pub async fn merge(&self, term: u64, changes: Settings) -> Result<u64, LeaderWriteError> {
        let body = MergeRequest { term, set: changes, unset: Vec::new() };
        match self.call::<_, MergeResponse>("settings/merge", Some(&body), Duration::ZERO).await {
            Ok(r) => Ok(r.version),
            Err(CallError::Refused { code: ErrorCode::NotLeader, .. }) => Err(LeaderWriteError::NotLeader),
            // The controller refused the request itself (a key it does not take): the caller's
            // mistake, not an unreachable controller.
            Err(CallError::Refused { code: ErrorCode::InvalidKey | ErrorCode::BadRequest, message }) => {
                Err(LeaderWriteError::Invalid(message))
            }
            Err(e) => Err(LeaderWriteError::failed(e)),
        }
    }

    pub async fn watch(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WatchRequest { after, timeout_ms: timeout.as_millis() as u64 };
        let r: WatchResponse = self.call("settings/watch", Some(&body), timeout).await?;
        Ok(r.version)
    }

    /// The application's config (a unit's or the operator's token).
    pub async fn config(&self) -> Result<AppConfig, CallError> {
        self.call::<(), _>("config", None, Duration::ZERO).await
    }

    /// Changes the application's config (the operator's token).
    pub async fn change_config(&self, change: &ConfigChangeRequest) -> Result<AppConfig, CallError> {
        self.call("config", Some(change), Duration::ZERO).await
    }

    pub async fn watch_config(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WatchRequest { after, timeout_ms: timeout.as_millis() as u64 };
        let r: WatchResponse = self.call("config/watch", Some(&body), timeout).await?;
        Ok(r.version)
    }

    /// The application status and every unit's.
    pub async fn statuses(&self) -> Result<StatusesResponse, CallError> {
        self.call::<(), _>("status", None, Duration::ZERO).await
    }

    /// This unit's workload status and version.
    pub async fn set_unit_status(&self, status: &UnitStatus) -> Result<(), CallError> {
        self.call::<_, serde_json::Value>("status/unit", Some(status), Duration::ZERO).await.map(|_| ())
    }

    /// Forgets a removed unit's status (operator).
    pub async fn forget_unit(&self, unit: &str) -> Result<(), CallError> {
        let body = ForgetUnitRequest { unit: unit.into() };
        self.call::<_, serde_json::Value>("status/unit/forget", Some(&body), Duration::ZERO).await.map(|_| ())
    }

    /// The application status, fenced by `term`.
    pub async fn set_app_status(
        &self,
        term: u64,
        status: leaderd_core::wire::hook::WorkloadStatus,
    ) -> Result<(), CallError> {
        let body = AppStatusRequest { term, status };
        self.call::<_, serde_json::Value>("status/application", Some(&body), Duration::ZERO).await.map(|_| ())
    }

    /// This unit's charm state as last committed.
    pub async fn unit_state(&self) -> Result<std::collections::BTreeMap<String, String>, CallError> {
        let r: UnitStateResponse = self.call::<(), _>("unit-state", None, Duration::ZERO).await?;
        Ok(r.state)
    }

    /// The unit's storage instances.
    pub async fn storage(&self) -> Result<Vec<StorageInstance>, CallError> {
        let r: UnitStorageResponse = self.call::<(), _>("storage", None, Duration::ZERO).await?;
        Ok(r.storage)
    }

    /// Makes the unit's storage up to the charm's minimum counts; answers all of its instances.
    pub async fn ensure_storage(&self, minimums: Vec<StorageDirective>) -> Result<Vec<StorageInstance>, CallError> {
        let body = StorageEnsureRequest { storage: minimums };
        let r: UnitStorageResponse = self.call("storage/ensure", Some(&body), Duration::ZERO).await?;
        Ok(r.storage)
    }

    /// Every relation's data (members and bags) and its version.
    pub async fn relations(&self) -> Result<RelationsResponse, CallError> {
        self.call::<(), _>("relations", None, Duration::ZERO).await
    }

    /// Commits one hook's relation, secret and port changes, all or nothing; `term` fences changes
    /// to application bags and application-owned secrets.
    pub async fn commit_hook(&self, body: &RelationCommitRequest) -> Result<u64, CallError> {
        let r: RelationsVersion = self.call("relations/commit", Some(body), Duration::ZERO).await?;
        Ok(r.version)
    }

    /// A secret's content for this unit (which may move the revision it tracks).
    pub async fn read_secret(&self, request: &SecretReadRequest) -> Result<SecretReadResponse, CallError> {
        self.call("secrets/get", Some(request), Duration::ZERO).await
    }

    /// The secrets this unit manages (its application's too, under a current `term`).
    pub async fn owned_secrets(&self, term: Option<u64>) -> Result<OwnedSecretsResponse, CallError> {
        self.call("secrets/owned", Some(&OwnedSecretsRequest { term }), Duration::ZERO).await
    }

    /// What this unit's secret hooks need to know (its application's secrets too, under a
    /// current `term`).
    pub async fn secret_view(&self, term: Option<u64>) -> Result<SecretView, CallError> {
        self.call("secrets/view", Some(&OwnedSecretsRequest { term }), Duration::ZERO).await
    }

    /// This unit enters the scope of its peer relations `ids`.
    pub async fn join_relations(&self, relation_ids: Vec<u64>) -> Result<u64, CallError> {
        let body = RelationJoinRequest { relation_ids };
        let r: RelationsVersion = self.call("relations/join", Some(&body), Duration::ZERO).await?;
        Ok(r.version)
    }

    /// The calling unit leaves the scope of `relation_ids` (dying relations).
    pub async fn depart_relations(&self, relation_ids: Vec<u64>) -> Result<u64, CallError> {
        let body = RelationDepartRequest { relation_ids };
        let r: RelationsVersion = self.call("relations/depart", Some(&body), Duration::ZERO).await?;
        Ok(r.version)
    }

    /// `unit` leaves the scope of every relation of the application.
    pub async fn leave_relations(&self, unit: &str) -> Result<u64, CallError> {
        let body = RelationLeaveRequest { unit: unit.into() };
        let r: RelationsVersion = self.call("relations/leave", Some(&body), Duration::ZERO).await?;
        Ok(r.version)
    }

    /// Waits (up to `timeout`) for the relations' version to differ from `after`.
    pub async fn watch_relations(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WatchRequest { after, timeout_ms: timeout.as_millis() as u64 };
        let r: RelationsVersion = self.call("relations/watch", Some(&body), timeout).await?;
        Ok(r.version)
    }

    /// The operator enqueues an action on some units: the operation's id and its tasks'.
    pub async fn enqueue(&self, request: &EnqueueRequest) -> Result<EnqueueResponse, CallError> {
        self.send(|base| self.http.post(format!("{base}/v1/operations")).json(request), Duration::ZERO).await
    }

    /// Task `id` as the controller keeps it.
    pub async fn task(&self, id: u64) -> Result<Task, CallError> {
        self.send(|base| self.http.get(format!("{base}/v1/tasks/{id}")), Duration::ZERO).await
    }

    /// Task `id` once it has ended, or as it is after `timeout`.
    pub async fn wait_task(&self, id: u64, timeout: Duration) -> Result<Task, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WaitReleasedRequest { timeout_ms: timeout.as_millis() as u64 };
        self.send(|base| self.http.post(format!("{base}/v1/tasks/{id}/wait")).json(&body), timeout).await
    }

    /// Every task of every operation.
    pub async fn operations(&self) -> Result<OperationsResponse, CallError> {
        self.send(|base| self.http.get(format!("{base}/v1/operations")), Duration::ZERO).await
    }

    /// This unit's work (its tasks left running and its oldest pending one), once it has some
    /// or after `timeout`.
    pub async fn pending_tasks(&self, timeout: Duration) -> Result<Vec<Task>, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WatchRequest { after: 0, timeout_ms: timeout.as_millis() as u64 };
        let r: UnitTasksResponse = self.call("pending-tasks", Some(&body), timeout).await?;
        Ok(r.tasks)
    }

    /// This unit's task `id` started (`result` none) or ended.
    pub async fn report_task(
        &self,
        id: u64,
        result: Option<leaderd_core::wire::run::ActionResult>,
    ) -> Result<(), CallError> {
        let body = TaskReport { result };
        self.call::<_, serde_json::Value>(&format!("tasks/{id}"), Some(&body), Duration::ZERO).await.map(|_| ())
    }

    /// Waits (up to `timeout`) for the secrets' version to differ from `after`.
    pub async fn watch_secrets(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WatchRequest { after, timeout_ms: timeout.as_millis() as u64 };
        let r: WatchResponse = self.call("secrets/watch", Some(&body), timeout).await?;
        Ok(r.version)
    }

    /// A call to the operator's secrets endpoints (`/v1/secrets...`; the operator's token).
    async fn secrets_call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, CallError> {
        let make = |base: &str| {
            let url = format!("{base}/v1/secrets{path}");
            match body {
                Some(body) => self.http.post(url).json(body),
                None => self.http.get(url),
            }
        };
        self.send(make, Duration::ZERO).await
    }

    /// `juju integrate` (the operator's token): the new relation's record.
    pub async fn integrate(&self, endpoints: Vec<String>) -> Result<RelationDef, CallError> {
        self.relations_call("", Some(&IntegrateRequest { endpoints })).await
    }

    /// `juju remove-relation` (the operator's token): the relation's record, now dying.
    pub async fn remove_relation(&self, request: &RemoveRelationRequest) -> Result<RelationDef, CallError> {
        self.relations_call("/remove", Some(request)).await
    }

    /// The application is being removed: every relation of it becomes dying (the operator's
    /// token).
    pub async fn destroy_relations(&self) -> Result<RelationDefsResponse, CallError> {
        self.call("relations/destroy", Some(&serde_json::json!({})), Duration::ZERO).await
    }

    /// Every relation record of the model (the operator's token).
    pub async fn relation_defs(&self) -> Result<RelationDefsResponse, CallError> {
        self.relations_call::<(), _>("", None).await
    }

    async fn relations_call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, CallError> {
        let make = |base: &str| {
            let url = format!("{base}/v1/relations{path}");
            match body {
                Some(body) => self.http.post(url).json(body),
                None => self.http.get(url),
            }
        };
        self.send(make, Duration::ZERO).await
    }

    /// Every secret's metadata (the operator's token).
    pub async fn operator_secrets(&self) -> Result<OperatorSecretsResponse, CallError> {
        self.secrets_call::<(), _>("", None).await
    }

    /// The secrets `request` names, with content when revealed (the operator's token).
    pub async fn show_secret(&self, request: &SecretShowRequest) -> Result<OperatorSecretsResponse, CallError> {
        self.secrets_call("/show", Some(request)).await
    }

    /// A new user secret; answers its id (the operator's token).
    pub async fn add_user_secret(&self, request: &UserSecretAddRequest) -> Result<String, CallError> {
        self.secrets_call::<_, UserSecretWritten>("/add", Some(request)).await.map(|w| w.id)
    }

    pub async fn update_user_secret(&self, request: &UserSecretUpdateRequest) -> Result<String, CallError> {
        self.secrets_call::<_, UserSecretWritten>("/update", Some(request)).await.map(|w| w.id)
    }

    pub async fn remove_user_secret(&self, request: &UserSecretRemoveRequest) -> Result<String, CallError> {
        self.secrets_call::<_, UserSecretWritten>("/remove", Some(request)).await.map(|w| w.id)
    }

    /// Grants (`grant`) or revokes applications' access to a user secret.
    pub async fn user_secret_access(
        &self,
        grant: bool,
        request: &UserSecretAccessRequest,
    ) -> Result<String, CallError> {
        let path = if grant { "/grant" } else { "/revoke" };
        self.secrets_call::<_, UserSecretWritten>(path, Some(request)).await.map(|w| w.id)
    }
}

// Model status and config (`juju status`, `juju model-config`; docs/controller-api.md).
impl ControllerClient {
    /// Everything `juju status` shows, in one snapshot (the operator's token).
    pub async fn model_status(&self) -> Result<ModelStatusResponse, CallError> {
        self.send(|base| self.http.get(format!("{base}/v1/model/status")), Duration::ZERO).await
    }

    /// The model config values set (a unit's or the operator's token).
    pub async fn model_config(&self) -> Result<ModelConfigResponse, CallError> {
        self.send(|base| self.http.get(format!("{base}/v1/model/config")), Duration::ZERO).await
    }

    /// Changes the model config (the operator's token).
    pub async fn change_model_config(
        &self,
        change: &ModelConfigChangeRequest,
    ) -> Result<ModelConfigResponse, CallError> {
        self.send(|base| self.http.post(format!("{base}/v1/model/config")).json(change), Duration::ZERO).await
    }

    /// Waits until the model config version is past `after` (or the long-poll ends).
    pub async fn watch_model_config(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        let timeout = self.poll_wait(timeout);
        let body = WatchRequest { after, timeout_ms: timeout.as_millis() as u64 };
        let r: WatchResponse =
            self.send(|base| self.http.post(format!("{base}/v1/model/config/watch")).json(&body), timeout).await?;
        Ok(r.version)
    }

    /// This unit's agent status.
    pub async fn set_agent_status(&self, status: &AgentStatus) -> Result<(), CallError> {
        self.call::<_, serde_json::Value>("status/agent", Some(status), Duration::ZERO).await.map(|_| ())
    }

    /// Registers the application's new units (the operator's token).
    pub async fn register_units(&self, units: &[String]) -> Result<(), CallError> {
        let body = UnitsRegisterRequest { units: units.to_vec() };
        self.call::<_, serde_json::Value>("units/register", Some(&body), Duration::ZERO).await.map(|_| ())
    }
}
