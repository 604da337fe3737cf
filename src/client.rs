//! jujuc's side of the hook endpoint: reads the hook environment in Juju's order (spec 2.2)
//! and makes one HTTP/1.1 request per tool call over the agent's unix socket.
//!
//! A deliberately small blocking client on `std::os::unix::net::UnixStream` rather than
//! reqwest: every hook tool call pays jujuc's start-up, and building a tokio runtime and a
//! reqwest client, then driving hyper's connection task, cost ~0.4 ms per call here, which
//! put is-leader at 2.37x `/bin/true` against a 1.9x target (README, "Deviations from
//! DESIGN.md"). The server side is a real HTTP server (axum), so any HTTP client works
//! against it; this one only needs what that server sends.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::format::Settings;
use crate::tools::{go_error_text, ClientError, ContextError, HookContext};
use crate::wire::hook::{
    self, ContextRequest, IsLeaderResponse, JujuLogRequest, LeaderGetResponse, LeaderSetRequest,
    LogRecord,
};
use crate::wire::ErrorResponse;

/// A hook context reached through the unit agent's socket.
pub struct AgentClient {
    context_id: String,
    socket: PathBuf,
}

/// Is this process inside a hook context? (`JUJU_CONTEXT_ID` set and non-empty.)
pub fn in_hook_context() -> bool {
    std::env::var_os("JUJU_CONTEXT_ID").is_some_and(|v| !v.is_empty())
}

impl AgentClient {
    /// Checks the hook environment in Juju 3.x's order; each message is Juju's, without
    /// "ERROR ". The working directory comes first (juju/cmd's `DefaultContext`, exit 2), then
    /// the variables (exit 1).
    pub fn from_env() -> Result<AgentClient, ClientError> {
        let fail = |message: String, code: i32| ClientError { message, code };
        std::env::current_dir().map_err(|e| fail(format!("getwd: {}", go_error_text(&e)), 2))?;
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .ok_or_else(|| fail(format!("{name} not set"), 1))
        };
        let context_id = var("JUJU_CONTEXT_ID")?;
        let address = var("JUJU_AGENT_SOCKET_ADDRESS")?;
        let network = var("JUJU_AGENT_SOCKET_NETWORK")?;
        if network != "unix" {
            let message = format!(
                "JUJU_AGENT_SOCKET_NETWORK is {:?}: this jujuc talks to its agent over \"unix\" sockets only",
                network.to_string_lossy()
            );
            return Err(fail(message, 1));
        }
        let context_id = context_id
            .into_string()
            .unwrap_or_else(|s| s.to_string_lossy().into_owned());
        Ok(AgentClient::new(context_id, PathBuf::from(address)))
    }

    pub fn new(context_id: String, socket: PathBuf) -> AgentClient {
        AgentClient { context_id, socket }
    }

    /// One `POST` with a JSON body; a 200 answer is decoded as `R`, anything else becomes the
    /// endpoint's error message (see `wire::ErrorResponse`).
    fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ContextError> {
        let body = serde_json::to_vec(body).map_err(|e| ContextError::Request(e.to_string()))?;
        let (status, answer) = self.post(path, &body).map_err(ContextError::Unreachable)?;
        if status == 200 {
            return serde_json::from_slice(&answer).map_err(|e| {
                ContextError::Request(format!("bad response from the unit agent: {e}"))
            });
        }
        let message = serde_json::from_slice::<ErrorResponse>(&answer)
            .map(|e| e.error)
            .unwrap_or_else(|_| {
                format!(
                    "unit agent answered {status}: {}",
                    String::from_utf8_lossy(&answer)
                )
            });
        Err(if hook::is_tool_error_status(status) {
            ContextError::Tool(message)
        } else {
            ContextError::Request(message)
        })
    }

    /// The HTTP exchange: `Connection: close`, so the answer is everything until EOF.
    fn post(&self, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
        // Go's words for a failed dial, as Juju's client prints them.
        let mut stream = UnixStream::connect(&self.socket).map_err(|e| {
            format!(
                "dial unix {}: connect: {}",
                self.socket.display(),
                go_error_text(&e)
            )
        })?;
        let broken = |e: std::io::Error| {
            format!(
                "cannot talk to the unit agent at {}: {}",
                self.socket.display(),
                go_error_text(&e)
            )
        };
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: agent\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        stream.write_all(&request).map_err(broken)?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).map_err(broken)?;
        parse_response(&response).ok_or_else(|| {
            format!(
                "bad response from the unit agent: {:?}",
                String::from_utf8_lossy(&response[..response.len().min(200)])
            )
        })
    }
}

/// Splits an HTTP/1.1 response into status and body, honouring `Content-Length` or chunked
/// transfer encoding.
fn parse_response(response: &[u8]) -> Option<(u16, Vec<u8>)> {
    let end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&response[..end]).ok()?;
    let body = &response[end + 4..];
    let mut lines = head.split("\r\n");
    let status: u16 = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let mut length = None;
    let mut chunked = false;
    for line in lines {
        let (name, value) = line.split_once(':')?;
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().ok()?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        }
    }
    if chunked {
        return Some((status, dechunk(body)?));
    }
    match length {
        Some(n) if n <= body.len() => Some((status, body[..n].to_vec())),
        Some(_) => None,
        None => Some((status, body.to_vec())),
    }
}

fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = body.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&body[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(..size)?);
        body = body.get(size + 2..)?;
    }
}

impl HookContext for AgentClient {
    fn is_leader(&mut self) -> Result<bool, ContextError> {
        let body = ContextRequest {
            context_id: self.context_id.clone(),
        };
        let r: IsLeaderResponse = self.call(hook::IS_LEADER_PATH, &body)?;
        Ok(r.leader)
    }

    fn leader_settings(&mut self) -> Result<Settings, ContextError> {
        let body = ContextRequest {
            context_id: self.context_id.clone(),
        };
        let r: LeaderGetResponse = self.call(hook::LEADER_GET_PATH, &body)?;
        Ok(r.settings)
    }

    fn write_leader_settings(&mut self, settings: Settings) -> Result<(), ContextError> {
        let body = LeaderSetRequest {
            context_id: self.context_id.clone(),
            settings,
        };
        let _: serde_json::Value = self.call(hook::LEADER_SET_PATH, &body)?;
        Ok(())
    }

    fn log(&mut self, records: Vec<LogRecord>) -> Result<(), ContextError> {
        let body = JujuLogRequest {
            context_id: self.context_id.clone(),
            records,
        };
        let _: serde_json::Value = self.call(hook::JUJU_LOG_PATH, &body)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_response;

    #[test]
    fn content_length_and_chunked_bodies() {
        let plain =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(parse_response(plain), Some((200, b"{}".to_vec())));
        let chunked = b"HTTP/1.1 409 Conflict\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n2;x=y\r\n\"}\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked), Some((409, b"{\"a\"}".to_vec())));
        assert_eq!(
            parse_response(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n{}"),
            None,
            "truncated"
        );
        assert_eq!(parse_response(b"garbage"), None);
    }
}
