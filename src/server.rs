//! What both HTTP servers (the hook endpoint and the controller) share: JSON error answers
//! and strict JSON body decoding, so a bad request always gets a clear 4xx and never a panic.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;

use crate::wire::ErrorResponse;

/// A refused request: a status and a message, answered as `{"error": "<message>"}`.
#[derive(Debug)]
pub struct HttpError {
    pub status: StatusCode,
    pub message: String,
}

impl HttpError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> HttpError {
        HttpError { status, message: message.into() }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorResponse { error: self.message })).into_response()
    }
}

/// A request body, as axum hands it over (a rejection when it is over the body limit).
pub type Body = Result<Bytes, BytesRejection>;

/// Decodes a JSON body; `limit` is the body limit the router enforces, for the message.
pub fn decode<T: DeserializeOwned>(body: Body, limit: usize) -> Result<T, HttpError> {
    let bytes = body.map_err(|r| {
        let reason = match r.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                format!("request body is larger than the {limit} byte limit")
            }
            _ => r.body_text(),
        };
        HttpError::new(r.status(), format!("bad request: {reason}"))
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| HttpError::new(StatusCode::BAD_REQUEST, format!("bad request: invalid request body: {e}")))
}
