//! The unit agent's client for the controller API (`wire::controller`), authenticated as the
//! unit. Every call returns the controller's own error text on failure. The connection is TLS,
//! verified against the controller's CA only; the token goes out only once the handshake has
//! verified the controller (an unverified controller never sees a request).

use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::controller::MergeError;
use crate::format::Settings;
use crate::wire::controller::*;
use crate::wire::ErrorResponse;

/// A failed call: the controller's answer or a transport error, in words.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct CallError(pub String);

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
        let r: RenewResponse = self.send(self.http.post(url), Duration::ZERO).await.map_err(|(_, e)| e)?;
        *self.token.write().unwrap() = r.token;
        Ok(r.expires_at)
    }

    async fn send<R: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
        wait: Duration,
    ) -> Result<R, (u16, CallError)> {
        // Long-polls may take their whole timeout; everything else should be quick.
        let request = request.bearer_auth(self.token()).timeout(wait + Duration::from_secs(10));
        let response = request.send().await.map_err(|e| (0, CallError(self.transport_error(&e))))?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await.map_err(|e| (status, CallError(format!("controller: {e}"))))?;
        if status == 200 {
            return serde_json::from_slice(&bytes)
                .map_err(|e| (status, CallError(format!("controller: bad answer: {e}"))));
        }
        let message = serde_json::from_slice::<ErrorResponse>(&bytes)
            .map(|e| e.error)
            .unwrap_or_else(|_| String::from_utf8_lossy(&bytes).into_owned());
        Err((status, CallError(message)))
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
    ) -> Result<R, (u16, CallError)> {
        let url = format!("{}/v1/applications/{}/{path}", self.base, self.app);
        let request = match body {
            Some(body) => self.http.post(url).json(body),
            None => self.http.get(url),
        };
        self.send(request, wait).await
    }

    pub async fn claim(&self, duration: Duration) -> Result<ClaimResponse, CallError> {
        let body = ClaimRequest { duration_ms: duration.as_millis() as u64 };
        self.call("lease/claim", Some(&body), Duration::ZERO).await.map_err(|(_, e)| e)
    }

    pub async fn wait_released(&self, timeout: Duration) -> Result<bool, CallError> {
        let body = WaitReleasedRequest { timeout_ms: timeout.as_millis() as u64 };
        let r: WaitReleasedResponse =
            self.call("lease/wait-released", Some(&body), timeout).await.map_err(|(_, e)| e)?;
        Ok(r.released)
    }

    pub async fn read(&self) -> Result<SettingsResponse, CallError> {
        self.call::<(), _>("settings", None, Duration::ZERO).await.map_err(|(_, e)| e)
    }

    pub async fn merge(&self, term: u64, changes: Settings) -> Result<u64, MergeError> {
        let body = MergeRequest { term, set: changes, unset: Vec::new() };
        match self.call::<_, MergeResponse>("settings/merge", Some(&body), Duration::ZERO).await {
            Ok(r) => Ok(r.version),
            Err((409, _)) => Err(MergeError::NotLeader),
            // The controller refused the request itself (a key it does not take): the caller's
            // mistake, not an unreachable controller.
            Err((400, e)) => Err(MergeError::Invalid(e.0)),
            Err((_, e)) => Err(MergeError::Failed(e.0)),
        }
    }

    pub async fn watch(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        let body = WatchRequest { after, timeout_ms: timeout.as_millis() as u64 };
        let r: WatchResponse = self.call("settings/watch", Some(&body), timeout).await.map_err(|(_, e)| e)?;
        Ok(r.version)
    }
}
