//! The one client for the controller API (`wire::controller`): the unit agent's, authenticated
//! as its unit, and the operator's (`leaderd status`). A refused call carries the controller's error code and its own words. The connection is TLS,
//! verified against the controller's CA only; the token goes out only once the handshake has
//! verified the controller (an unverified controller never sees a request).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::controller::MergeError;
use crate::format::Settings;
use crate::wire::controller::*;
use crate::wire::{ErrorCode, ErrorResponse};

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
    base: String,
    app: String,
    token: Arc<RwLock<String>>,
}

/// Pooled connections to the controller are dropped after this long unused, well inside the
/// controller's idle timeout, so a request never goes out on a connection it is closing.
pub const POOL_IDLE: Duration = Duration::from_secs(10);

impl ControllerClient {
    pub fn new(
        base: &str,
        app: &str,
        token: &str,
        trust: &crate::tls::Trust,
    ) -> Result<ControllerClient, crate::tls::ClientError> {
        let http = crate::tls::http_client(base, trust, POOL_IDLE)?;
        Ok(ControllerClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            app: app.into(),
            token: Arc::new(RwLock::new(token.into())),
        })
    }

    /// The token this client presents now.
    pub fn token(&self) -> String {
        self.token.read().unwrap().clone()
    }

    /// Gets a fresh token from the controller and presents it from now on; answers its expiry.
    pub async fn renew_token(&self) -> Result<u64, CallError> {
        let url = format!("{}/v1/token/renew", self.base);
        let r: RenewResponse = self.send(self.http.post(url), Duration::ZERO).await?;
        *self.token.write().unwrap() = r.token;
        Ok(r.expires_at)
    }

    async fn send<R: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        wait: Duration,
    ) -> Result<R, CallError> {
        // Long-polls may take their whole timeout; everything else should be quick.
        let request = request.bearer_auth(self.token()).timeout(wait + Duration::from_secs(10));
        let response = request.send().await.map_err(|e| CallError::Unreachable(self.transport_error(&e)))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| CallError::Unreachable(format!("controller: {e}")))?;
        if status == 200 {
            return serde_json::from_slice(&bytes)
                .map_err(|e| CallError::BadAnswer(format!("controller: bad answer: {e}")));
        }
        let (code, message) = ErrorResponse::decode(status, &bytes)
            .unwrap_or_else(|| (ErrorCode::from_status(status), String::from_utf8_lossy(&bytes).into_owned()));
        Err(CallError::Refused { code, message })
    }

    fn transport_error(&self, e: &reqwest::Error) -> String {
        let chain = crate::error_chain(e);
        if crate::tls::is_unverified_peer(e) {
            format!(
                "refusing the controller at {}: it failed TLS verification against the controller CA \
                 (no token was sent): {chain}",
                self.base
            )
        } else if crate::tls::tls_failure(e).is_some() {
            format!("TLS failure talking to the controller at {}: {chain}", self.base)
        } else {
            format!("controller unreachable: {chain}")
        }
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
        wait: Duration,
    ) -> Result<R, CallError> {
        let url = format!("{}/v1/applications/{}/{path}", self.base, self.app);
        let request = match body {
            Some(body) => self.http.post(url).json(body),
            None => self.http.get(url),
        };
        self.send(request, wait).await
    }

    /// Every application's lease and settings version (the operator's token).
    pub async fn status(&self) -> Result<StatusResponse, CallError> {
        let url = format!("{}/v1/status", self.base);
        self.send(self.http.get(url), Duration::ZERO).await
    }

    pub async fn claim(&self, duration: Duration) -> Result<ClaimResponse, CallError> {
        let body = ClaimRequest { duration_ms: duration.as_millis() as u64 };
        self.call("lease/claim", Some(&body), Duration::ZERO).await
    }

    pub async fn wait_released(&self, timeout: Duration) -> Result<bool, CallError> {
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

    pub async fn merge(&self, term: u64, changes: Settings) -> Result<u64, MergeError> {
        let body = MergeRequest { term, set: changes, unset: Vec::new() };
        match self.call::<_, MergeResponse>("settings/merge", Some(&body), Duration::ZERO).await {
            Ok(r) => Ok(r.version),
            Err(CallError::Refused { code: ErrorCode::NotLeader, .. }) => Err(MergeError::NotLeader),
            // The controller refused the request itself (a key it does not take): the caller's
            // mistake, not an unreachable controller.
            Err(CallError::Refused { code: ErrorCode::InvalidKey | ErrorCode::BadRequest, message }) => {
                Err(MergeError::Invalid(message))
            }
            Err(e) => Err(MergeError::Failed(e.to_string())),
        }
    }

    pub async fn watch(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
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
    pub async fn set_app_status(&self, term: u64, status: crate::wire::hook::WorkloadStatus) -> Result<(), CallError> {
        let body = AppStatusRequest { term, status };
        self.call::<_, serde_json::Value>("status/application", Some(&body), Duration::ZERO).await.map(|_| ())
    }
}
