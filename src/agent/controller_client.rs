//! The unit agent's client for the controller API (`wire::controller`), authenticated as the
//! unit. Every call returns the controller's own error text on failure.

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
    token: String,
}

impl ControllerClient {
    pub fn new(base: &str, app: &str, token: &str) -> ControllerClient {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .build()
            .expect("an HTTP client without TLS always builds");
        ControllerClient { http, base: base.trim_end_matches('/').to_string(), app: app.into(), token: token.into() }
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
        // Long-polls may take their whole timeout; everything else should be quick.
        let request = request.bearer_auth(&self.token).timeout(wait + Duration::from_secs(10));
        let response = request.send().await.map_err(|e| (0, CallError(format!("controller unreachable: {e}"))))?;
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
