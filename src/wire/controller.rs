//! The controller's HTTP/JSON API types, shared by the controller, the unit agent's controller
//! client and operator tools. Paths and rules: README, "The controller API".

use serde::{Deserialize, Serialize};

use crate::format::Settings;

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
}

/// `POST /v1/token/renew`: a fresh token for the caller (whoever the presented token names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenewResponse {
    pub token: String,
    /// Unix time (seconds) after which the new token is refused.
    pub expires_at: u64,
}
