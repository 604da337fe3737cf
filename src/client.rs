//! jujuc's side of the hook endpoint: reads the hook environment in Juju's order (spec 2.2)
//! and makes one HTTP/1.1 request per tool call over the agent's unix socket.
//!
//! reqwest with default features off and a current-thread tokio runtime: the blocking client
//! costs an extra thread per call, and default features cost ~2.5 ms per call loading the
//! system CA store (DESIGN.md, "Dependencies"). Every hook pays this start-up, so keep it lean.

use std::ffi::OsString;
use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::format::Settings;
use crate::tools::{go_error_text, ContextError, HookContext};
use crate::wire::{
    self, ContextRequest, ErrorResponse, IsLeaderResponse, JujuLogRequest, LeaderGetResponse,
    LeaderSetRequest, LogRecord,
};

/// A hook context reached through the unit agent's socket.
pub struct AgentClient {
    context_id: String,
    socket: PathBuf,
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

/// Is this process inside a hook context? (`JUJU_CONTEXT_ID` set and non-empty.)
pub fn in_hook_context() -> bool {
    std::env::var_os("JUJU_CONTEXT_ID").is_some_and(|v| !v.is_empty())
}

impl AgentClient {
    /// Checks the hook environment in Juju's order; each message is Juju's, without "ERROR ".
    pub fn from_env() -> Result<AgentClient, String> {
        let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let context_id = var("JUJU_CONTEXT_ID").ok_or("JUJU_CONTEXT_ID not set")?;
        std::env::current_dir().map_err(|e| go_error_text(&e))?;
        let address =
            var("JUJU_AGENT_SOCKET_ADDRESS").ok_or("JUJU_AGENT_SOCKET_ADDRESS not set")?;
        let network =
            var("JUJU_AGENT_SOCKET_NETWORK").ok_or("JUJU_AGENT_SOCKET_NETWORK not set")?;
        if network != "unix" {
            return Err(format!(
                "JUJU_AGENT_SOCKET_NETWORK is {:?}: this jujuc talks to its agent over \"unix\" sockets only",
                network.to_string_lossy()
            ));
        }
        AgentClient::new(os_to_string(context_id), PathBuf::from(address))
    }

    pub fn new(context_id: String, socket: PathBuf) -> Result<AgentClient, String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            // hyper-util's pool reaches for tokio's timer on some responses.
            .enable_time()
            .build()
            .map_err(|e| format!("cannot start jujuc's runtime: {e}"))?;
        let http = reqwest::Client::builder()
            .unix_socket(socket.clone())
            // One request per process: no connection is ever reused.
            .pool_max_idle_per_host(0)
            .build()
            .map_err(|e| format!("cannot build jujuc's HTTP client: {e}"))?;
        Ok(AgentClient {
            context_id,
            socket,
            runtime,
            http,
        })
    }

    fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<R, ContextError> {
        self.runtime.block_on(async {
            let response = self
                .http
                .post(format!("http://agent{path}"))
                .json(body)
                .send()
                .await
                .map_err(|e| ContextError::Request(self.transport_error(&e)))?;
            let status = response.status().as_u16();
            let bytes = response
                .bytes()
                .await
                .map_err(|e| ContextError::Request(self.transport_error(&e)))?;
            if status == 200 {
                return serde_json::from_slice(&bytes).map_err(|e| {
                    ContextError::Request(format!("bad response from the unit agent: {e}"))
                });
            }
            let message = serde_json::from_slice::<ErrorResponse>(&bytes)
                .map(|e| e.error)
                .unwrap_or_else(|_| {
                    format!(
                        "unit agent answered {status}: {}",
                        String::from_utf8_lossy(&bytes)
                    )
                });
            Err(if wire::is_tool_error_status(status) {
                ContextError::Tool(message)
            } else {
                ContextError::Request(message)
            })
        })
    }

    /// Go's net error for a failed dial, `dial unix <addr>: connect: <errno text>`, or the
    /// error chain for anything that went wrong later.
    fn transport_error(&self, err: &reqwest::Error) -> String {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = source {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if err.is_connect() {
                    return format!(
                        "dial unix {}: connect: {}",
                        self.socket.display(),
                        go_error_text(io)
                    );
                }
            }
            source = e.source();
        }
        let mut chain = err.to_string();
        let mut source = std::error::Error::source(err);
        while let Some(e) = source {
            chain.push_str(": ");
            chain.push_str(&e.to_string());
            source = e.source();
        }
        format!(
            "cannot talk to the unit agent at {}: {chain}",
            self.socket.display()
        )
    }

    fn context(&self) -> ContextRequest {
        ContextRequest {
            context_id: self.context_id.clone(),
        }
    }
}

impl HookContext for AgentClient {
    fn is_leader(&mut self) -> Result<bool, ContextError> {
        let r: IsLeaderResponse = self.call(wire::IS_LEADER_PATH, &self.context())?;
        Ok(r.leader)
    }

    fn leader_settings(&mut self) -> Result<Settings, ContextError> {
        let r: LeaderGetResponse = self.call(wire::LEADER_GET_PATH, &self.context())?;
        Ok(r.settings)
    }

    fn write_leader_settings(&mut self, settings: Settings) -> Result<(), ContextError> {
        let body = LeaderSetRequest {
            context_id: self.context_id.clone(),
            settings,
        };
        let _: serde_json::Value = self.call(wire::LEADER_SET_PATH, &body)?;
        Ok(())
    }

    fn log(&mut self, records: Vec<LogRecord>) -> Result<(), ContextError> {
        let body = JujuLogRequest {
            context_id: self.context_id.clone(),
            records,
        };
        let _: serde_json::Value = self.call(wire::JUJU_LOG_PATH, &body)?;
        Ok(())
    }
}

fn os_to_string(s: OsString) -> String {
    s.into_string()
        .unwrap_or_else(|s| s.to_string_lossy().into_owned())
}
