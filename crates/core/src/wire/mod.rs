//! Wire types, each defined once and used by both ends: [`hook`] for jujuc ↔ unit agent,
//! [`controller`] for unit agent (and operator) ↔ controller, [`run`] for `leaderd exec` and
//! `leaderd status` ↔ unit agent. Every error answer, from any of them, is an [`ErrorResponse`].

pub mod controller;
pub mod hook;
pub mod run;
pub mod up;

use serde::{Deserialize, Deserializer, Serialize};

/// What kind of error an answer is. Each code has one HTTP status ([`ErrorCode::status`]);
/// servers say which code, never which status, and clients match on the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The request is malformed: its body, a name in its path, a value out of range.
    BadRequest,
    /// No token, or one that is malformed, forged or expired.
    Unauthorized,
    /// The caller is known but may not do this.
    Forbidden,
    /// No such endpoint.
    NotFound,
    /// The endpoint exists but not for this method.
    MethodNotAllowed,
    /// The unit does not hold the application's lease (under that term).
    NotLeader,
    /// A leader-settings key leader-set could never send.
    InvalidKey,
    /// The request did not arrive in time (its body trickled in too slowly).
    Timeout,
    /// The request body is over the server's limit.
    TooLarge,
    /// The hook context id was never issued (or is long forgotten).
    UnknownContext,
    /// The hook context has ended: its hook is over.
    ContextEnded,
    /// The unit agent could not get an answer from the controller.
    Unreachable,
    /// The controller cannot serve the request now (its store failed, or it is shutting down).
    Unavailable,
    /// This controller is a standby (or was deposed): the answer names the active one in
    /// `active` when it knows it. HTTP 421 Misdirected Request: the request was fine, the
    /// server is the wrong one.
    NotActive,
    /// Anything else that went wrong on the server.
    Internal,
    /// What the request would add is there already (integrate of an existing relation).
    AlreadyExists,
}

impl ErrorCode {
    /// Every code, for tests and documentation.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::NotLeader,
        ErrorCode::InvalidKey,
        ErrorCode::Timeout,
        ErrorCode::TooLarge,
        ErrorCode::UnknownContext,
        ErrorCode::ContextEnded,
        ErrorCode::Unreachable,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
        ErrorCode::NotActive,
        ErrorCode::AlreadyExists,
    ];

    /// The HTTP status an answer with this code carries: the one table.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::InvalidKey => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::Forbidden => 403,
            ErrorCode::NotFound | ErrorCode::UnknownContext => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Timeout => 408,
            ErrorCode::NotLeader | ErrorCode::AlreadyExists => 409,
            ErrorCode::ContextEnded => 410,
            ErrorCode::TooLarge => 413,
            ErrorCode::NotActive => 421,
            ErrorCode::Internal => 500,
            ErrorCode::Unreachable => 502,
            ErrorCode::Unavailable => 503,
        }
    }

    /// The code an answer without one means (a server from before codes): the most general
    /// code with that status.
    pub fn from_status(status: u16) -> ErrorCode {
        match status {
            401 => ErrorCode::Unauthorized,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            408 => ErrorCode::Timeout,
            409 => ErrorCode::NotLeader,
            410 => ErrorCode::ContextEnded,
            413 => ErrorCode::TooLarge,
            421 => ErrorCode::NotActive,
            502 => ErrorCode::Unreachable,
            503 => ErrorCode::Unavailable,
            400..=499 => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        }
    }

    /// The code's wire spelling (`not_leader`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::NotLeader => "not_leader",
            ErrorCode::InvalidKey => "invalid_key",
            ErrorCode::Timeout => "timeout",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::UnknownContext => "unknown_context",
            ErrorCode::ContextEnded => "context_ended",
            ErrorCode::Unreachable => "unreachable",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::NotActive => "not_active",
            ErrorCode::AlreadyExists => "already_exists",
        }
    }

    /// The code spelled `text`, if it is one this build knows.
    pub fn parse(text: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every non-200 answer, from any server, carries this body: `{"error": "<message>", "code":
/// "<code>"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub error: String,
    /// Absent from an older server's answers, and `None` for a code this build does not know:
    /// then [`ErrorResponse::code_for`] goes by the status.
    #[serde(default, deserialize_with = "known_code", skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    /// With `not_active`: the active controller's URL, when the standby knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<String>,
}

impl ErrorResponse {
    pub fn new(code: ErrorCode, error: impl Into<String>) -> ErrorResponse {
        ErrorResponse { error: error.into(), code: Some(code), active: None }
    }

    /// The answer's code, or the one its `status` implies when it has none.
    pub fn code_for(&self, status: u16) -> ErrorCode {
        self.code.unwrap_or_else(|| ErrorCode::from_status(status))
    }

    /// Decodes an error answer's body: its code (from the status when the body has none) and
    /// its message; `None` when the body is not an error body at all.
    pub fn decode(status: u16, body: &[u8]) -> Option<(ErrorCode, String)> {
        let answer = serde_json::from_slice::<ErrorResponse>(body).ok()?;
        Some((answer.code_for(status), answer.error))
    }
}

/// A code as the wire has it; one this build does not know reads as none.
fn known_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ErrorCode>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.as_deref().and_then(ErrorCode::parse))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes and their statuses are a public contract: clients of any version match on them.
    #[test]
    fn the_code_table_is_stable() {
        let table: Vec<(&str, u16)> = ErrorCode::ALL.iter().map(|c| (c.as_str(), c.status())).collect();
        assert_eq!(
            table,
            [
                ("bad_request", 400),
                ("unauthorized", 401),
                ("forbidden", 403),
                ("not_found", 404),
                ("method_not_allowed", 405),
                ("not_leader", 409),
                ("invalid_key", 400),
                ("timeout", 408),
                ("too_large", 413),
                ("unknown_context", 404),
                ("context_ended", 410),
                ("unreachable", 502),
                ("unavailable", 503),
                ("internal", 500),
                ("not_active", 421),
                ("already_exists", 409),
            ]
        );
        for code in ErrorCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), serde_json::json!(code.as_str()));
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            assert_eq!(code.to_string(), code.as_str());
            // An old body with only this code's status still reads as a code with that status.
            assert_eq!(ErrorCode::from_status(code.status()).status(), code.status());
        }
    }

    #[test]
    fn error_bodies_round_trip_with_and_without_a_code() {
        let answer = ErrorResponse::new(ErrorCode::NotLeader, "not the leader");
        let text = serde_json::to_string(&answer).unwrap();
        assert_eq!(text, r#"{"error":"not the leader","code":"not_leader"}"#);
        assert_eq!(serde_json::from_str::<ErrorResponse>(&text).unwrap(), answer);
        assert_eq!(ErrorResponse::decode(409, text.as_bytes()), Some((ErrorCode::NotLeader, "not the leader".into())));

        // An older server: no code, so the status says which.
        let old = br#"{"error":"not the leader"}"#;
        assert_eq!(ErrorResponse::decode(409, old), Some((ErrorCode::NotLeader, "not the leader".into())));
        assert_eq!(ErrorResponse::decode(502, old).unwrap().0, ErrorCode::Unreachable);
        assert_eq!(ErrorResponse::decode(422, old).unwrap().0, ErrorCode::BadRequest);
        assert_eq!(ErrorResponse::decode(599, old).unwrap().0, ErrorCode::Internal);
        // A newer server's code this build does not know: the status says which.
        let newer = br#"{"error":"slow down","code":"rate_limited"}"#;
        assert_eq!(ErrorResponse::decode(503, newer), Some((ErrorCode::Unavailable, "slow down".into())));
        assert_eq!(ErrorResponse::decode(500, b"<html>oops</html>"), None);
    }
}
