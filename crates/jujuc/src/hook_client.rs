//! jujuc's side of the hook endpoint: reads the hook environment in Juju's order
//! and makes one HTTP/1.1 request per tool call over the agent's unix socket.
//!
//! A deliberately small blocking client on `std::os::unix::net::UnixStream` rather than
//! reqwest: every hook tool call pays jujuc's start-up, and building a tokio runtime and a
//! reqwest client, then driving hyper's connection task, cost ~0.4 ms per call here, which
//! put is-leader at 2.37x `/bin/true` against a 1.9x target (docs/architecture.md, "Why jujuc's
//! client is hand-written"). The server side is a real HTTP server (axum), so any HTTP client works
//! against it; this one only needs what that server sends.

use std::path::PathBuf;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::tools::{go_error_text, ClientError, ContextError, ToolContext};
use leaderd_core::model::Settings;
use leaderd_core::unix_http::TransportError;
use leaderd_core::wire::hook::{
    self, ApplicationVersionSetRequest, ConfigGetResponse, ContextRequest, IsLeaderResponse, JujuLogRequest,
    LeaderGetResponse, LeaderSetRequest, LogRecord, RelationGetRequest, RelationGetResponse, RelationInfo,
    RelationSetRequest, RelationsResponse, SecretAccessRequest, SecretAddRequest, SecretAddResponse, SecretContent,
    SecretFields, SecretGetRequest, SecretGetResponse, SecretMetadata, SecretMetadataResponse, SecretRemoveRequest,
    SecretSetRequest, StatusGetRequest, StatusGetResponse, StatusSetRequest, WorkloadStatus,
};
use leaderd_core::wire::{ErrorCode, ErrorResponse};

/// A hook context reached through the unit agent's socket.
pub(crate) struct AgentClient {
    context_id: String,
    socket: PathBuf,
}

/// What follows Juju's `JUJU_CONTEXT_ID not set` when a person typed the tool in a terminal.
pub(crate) const OUTSIDE_A_HOOK_HINT: &str =
    "\nhook tools run inside a hook; to try one by hand: leaderd exec --unit APP/N -- is-leader";

/// Is this process inside a hook context? (`JUJU_CONTEXT_ID` set and non-empty.)
pub(crate) fn in_hook_context() -> bool {
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
            std::env::var_os(name).filter(|v| !v.is_empty()).ok_or_else(|| fail(format!("{name} not set"), 1))
        };
        let context_id = var("JUJU_CONTEXT_ID").map_err(|mut e| {
            // Typed in a terminal: Juju's line, then where tools do run. Charm code and tests
            // (stderr not a terminal) get Juju's bytes alone.
            if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
                e.message.push_str(OUTSIDE_A_HOOK_HINT);
            }
            e
        })?;
        let address = var("JUJU_AGENT_SOCKET_ADDRESS")?;
        let network = var("JUJU_AGENT_SOCKET_NETWORK")?;
        if network != "unix" {
            let message = format!(
                "JUJU_AGENT_SOCKET_NETWORK is {:?}: this jujuc talks to its agent over \"unix\" sockets only",
                network.to_string_lossy()
            );
            return Err(fail(message, 1));
        }
        let context_id = context_id.into_string().unwrap_or_else(|s| s.to_string_lossy().into_owned());
        Ok(AgentClient::new(context_id, PathBuf::from(address)))
    }

    pub fn new(context_id: String, socket: PathBuf) -> AgentClient {
        AgentClient { context_id, socket }
    }

    /// One `POST` with a JSON body; a 200 answer is decoded as `R`, anything else becomes the
    /// endpoint's error, by its code (see `wire::ErrorResponse`).
    fn call<B: Serialize, R: DeserializeOwned>(&self, path: &str, body: &B) -> Result<R, ContextError> {
        let body = serde_json::to_vec(body).map_err(|e| ContextError::BadAnswer(e.to_string()))?;
        let (status, answer) = self.post(path, &body).map_err(ContextError::Unreachable)?;
        if status == 200 {
            return serde_json::from_slice(&answer)
                .map_err(|e| ContextError::BadAnswer(format!("bad response from the unit agent: {e}")));
        }
        let (code, message) = ErrorResponse::decode(status, &answer).unwrap_or_else(|| {
            let message = format!("unit agent answered {status}: {}", String::from_utf8_lossy(&answer));
            (ErrorCode::from_status(status), message)
        });
        Err(ContextError::Refused { code, message })
    }

    fn post(&self, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), TransportError> {
        leaderd_core::unix_http::request(&self.socket, "POST", path, Some(body))
    }
}

impl ToolContext for AgentClient {
    fn is_leader(&mut self) -> Result<bool, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: IsLeaderResponse = self.call(hook::IS_LEADER_PATH, &body)?;
        Ok(r.leader)
    }

    fn leader_settings(&mut self) -> Result<Settings, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: LeaderGetResponse = self.call(hook::LEADER_GET_PATH, &body)?;
        Ok(r.settings)
    }

    fn write_leader_settings(&mut self, settings: Settings) -> Result<(), ContextError> {
        let body = LeaderSetRequest { context_id: self.context_id.clone(), settings };
        let _: serde_json::Value = self.call(hook::LEADER_SET_PATH, &body)?;
        Ok(())
    }

    fn log(&mut self, records: Vec<LogRecord>) -> Result<(), ContextError> {
        let body = JujuLogRequest { context_id: self.context_id.clone(), records };
        let _: serde_json::Value = self.call(hook::JUJU_LOG_PATH, &body)?;
        Ok(())
    }

    fn set_status(&mut self, application: bool, status: WorkloadStatus) -> Result<(), ContextError> {
        let body = StatusSetRequest {
            context_id: self.context_id.clone(),
            application,
            status: status.status,
            message: status.message,
        };
        let _: serde_json::Value = self.call(hook::STATUS_SET_PATH, &body)?;
        Ok(())
    }

    fn status(&mut self, application: bool) -> Result<StatusGetResponse, ContextError> {
        let body = StatusGetRequest { context_id: self.context_id.clone(), application };
        self.call(hook::STATUS_GET_PATH, &body)
    }

    fn config(&mut self) -> Result<std::collections::BTreeMap<String, serde_json::Value>, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: ConfigGetResponse = self.call(hook::CONFIG_GET_PATH, &body)?;
        Ok(r.settings)
    }

    fn set_workload_version(&mut self, version: String) -> Result<(), ContextError> {
        let body = ApplicationVersionSetRequest { context_id: self.context_id.clone(), version };
        let _: serde_json::Value = self.call(hook::APPLICATION_VERSION_SET_PATH, &body)?;
        Ok(())
    }

    fn relations(&mut self) -> Result<Vec<RelationInfo>, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: RelationsResponse = self.call(hook::RELATIONS_PATH, &body)?;
        Ok(r.relations)
    }

    fn relation_settings(&mut self, relation_id: u64, target: &str, app: bool) -> Result<Settings, ContextError> {
        let body = RelationGetRequest { context_id: self.context_id.clone(), relation_id, target: target.into(), app };
        let r: RelationGetResponse = self.call(hook::RELATION_GET_PATH, &body)?;
        Ok(r.settings)
    }

    fn set_relation_settings(&mut self, relation_id: u64, app: bool, settings: Settings) -> Result<(), ContextError> {
        let body = RelationSetRequest { context_id: self.context_id.clone(), relation_id, app, settings };
        let _: serde_json::Value = self.call(hook::RELATION_SET_PATH, &body)?;
        Ok(())
    }

    fn secret_get(&mut self, mut request: SecretGetRequest) -> Result<SecretContent, ContextError> {
        request.context_id = self.context_id.clone();
        let r: SecretGetResponse = self.call(hook::SECRET_GET_PATH, &request)?;
        Ok(r.content)
    }

    fn secret_add(&mut self, owner: &str, fields: SecretFields) -> Result<String, ContextError> {
        let body = SecretAddRequest { context_id: self.context_id.clone(), owner: owner.into(), fields };
        let r: SecretAddResponse = self.call(hook::SECRET_ADD_PATH, &body)?;
        Ok(r.uri)
    }

    fn secret_set(&mut self, id: &str, fields: SecretFields) -> Result<(), ContextError> {
        let body = SecretSetRequest { context_id: self.context_id.clone(), id: id.into(), fields };
        let _: serde_json::Value = self.call(hook::SECRET_SET_PATH, &body)?;
        Ok(())
    }

    fn secret_remove(&mut self, id: &str, revision: Option<u32>) -> Result<(), ContextError> {
        let body = SecretRemoveRequest { context_id: self.context_id.clone(), id: id.into(), revision };
        let _: serde_json::Value = self.call(hook::SECRET_REMOVE_PATH, &body)?;
        Ok(())
    }

    fn secret_access(&mut self, grant: bool, mut request: SecretAccessRequest) -> Result<(), ContextError> {
        request.context_id = self.context_id.clone();
        let path = if grant { hook::SECRET_GRANT_PATH } else { hook::SECRET_REVOKE_PATH };
        let _: serde_json::Value = self.call(path, &request)?;
        Ok(())
    }

    fn action_params(&mut self) -> Result<serde_json::Map<String, serde_json::Value>, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: hook::ActionGetResponse = self.call(hook::ACTION_GET_PATH, &body)?;
        Ok(r.params)
    }

    fn action_set(&mut self, results: Vec<(Vec<String>, String)>) -> Result<(), ContextError> {
        let body = hook::ActionSetRequest { context_id: self.context_id.clone(), results };
        let _: serde_json::Value = self.call(hook::ACTION_SET_PATH, &body)?;
        Ok(())
    }

    fn action_log(&mut self, message: String) -> Result<(), ContextError> {
        let body = hook::ActionLogRequest { context_id: self.context_id.clone(), message };
        let _: serde_json::Value = self.call(hook::ACTION_LOG_PATH, &body)?;
        Ok(())
    }

    fn action_fail(&mut self, message: Option<String>) -> Result<(), ContextError> {
        let body = hook::ActionFailRequest { context_id: self.context_id.clone(), message };
        let _: serde_json::Value = self.call(hook::ACTION_FAIL_PATH, &body)?;
        Ok(())
    }

    fn charm_state(&mut self) -> Result<std::collections::BTreeMap<String, String>, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: hook::StateGetResponse = self.call(hook::STATE_GET_PATH, &body)?;
        Ok(r.state)
    }

    fn set_charm_state(&mut self, values: std::collections::BTreeMap<String, String>) -> Result<(), ContextError> {
        let body = hook::StateSetRequest { context_id: self.context_id.clone(), values };
        let _: serde_json::Value = self.call(hook::STATE_SET_PATH, &body)?;
        Ok(())
    }

    fn delete_charm_state(&mut self, key: &str) -> Result<(), ContextError> {
        let body = hook::StateDeleteRequest { context_id: self.context_id.clone(), key: key.into() };
        let _: serde_json::Value = self.call(hook::STATE_DELETE_PATH, &body)?;
        Ok(())
    }

    fn register_payload(&mut self, kind: &str, class: &str, id: &str, labels: &[String]) -> Result<(), ContextError> {
        let body = hook::PayloadRegisterRequest {
            context_id: self.context_id.clone(),
            kind: kind.into(),
            class: class.into(),
            id: id.into(),
            labels: labels.to_vec(),
        };
        let _: serde_json::Value = self.call(hook::PAYLOAD_REGISTER_PATH, &body)?;
        Ok(())
    }

    fn unregister_payload(&mut self, class: &str, id: &str) -> Result<(), ContextError> {
        let body = hook::PayloadRequest {
            context_id: self.context_id.clone(),
            class: class.into(),
            id: id.into(),
            status: None,
        };
        let _: serde_json::Value = self.call(hook::PAYLOAD_UNREGISTER_PATH, &body)?;
        Ok(())
    }

    fn set_payload_status(&mut self, class: &str, id: &str, status: &str) -> Result<(), ContextError> {
        let body = hook::PayloadRequest {
            context_id: self.context_id.clone(),
            class: class.into(),
            id: id.into(),
            status: Some(status.into()),
        };
        let _: serde_json::Value = self.call(hook::PAYLOAD_STATUS_SET_PATH, &body)?;
        Ok(())
    }

    fn request_reboot(&mut self, now: bool) -> Result<(), ContextError> {
        let body = hook::RebootRequest { context_id: self.context_id.clone(), now };
        let _: serde_json::Value = self.call(hook::REBOOT_PATH, &body)?;
        Ok(())
    }

    fn storage_ids(&mut self) -> Result<Vec<String>, ContextError> {
        let body = hook::ContextRequest { context_id: self.context_id.clone() };
        let r: hook::StorageListResponse = self.call(hook::STORAGE_LIST_PATH, &body)?;
        Ok(r.ids)
    }

    fn storage(&mut self, id: &str) -> Result<hook::StorageGetResponse, ContextError> {
        let body = hook::StorageGetRequest { context_id: self.context_id.clone(), id: id.into() };
        self.call(hook::STORAGE_GET_PATH, &body)
    }

    fn add_storage(&mut self, directives: Vec<(String, u64)>) -> Result<(), ContextError> {
        let body = hook::StorageAddRequest { context_id: self.context_id.clone(), directives };
        let _: serde_json::Value = self.call(hook::STORAGE_ADD_PATH, &body)?;
        Ok(())
    }

    fn download_resource(&mut self, name: &str) -> Result<String, ContextError> {
        let body = hook::ResourceGetRequest { context_id: self.context_id.clone(), name: name.into() };
        let r: hook::ResourceGetResponse = self.call(hook::RESOURCE_GET_PATH, &body)?;
        Ok(r.path)
    }

    fn port_request(
        &mut self,
        open: bool,
        endpoint: &str,
        range: leaderd_core::ports::PortRange,
    ) -> Result<(), ContextError> {
        let body = hook::PortRequest { context_id: self.context_id.clone(), endpoint: endpoint.into(), range };
        let path = if open { hook::OPEN_PORT_PATH } else { hook::CLOSE_PORT_PATH };
        let _: serde_json::Value = self.call(path, &body)?;
        Ok(())
    }

    fn opened_ports(&mut self) -> Result<leaderd_core::ports::GroupedPortRanges, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let answer: hook::OpenedPortsResponse = self.call(hook::OPENED_PORTS_PATH, &body)?;
        Ok(answer.ports)
    }

    fn network_info(&mut self, binding: &str, relation_id: Option<u64>) -> Result<hook::NetworkInfo, ContextError> {
        let body =
            hook::NetworkGetRequest { context_id: self.context_id.clone(), binding: binding.into(), relation_id };
        self.call(hook::NETWORK_GET_PATH, &body)
    }

    fn unit_address(&mut self, public: bool) -> Result<String, ContextError> {
        let body = hook::UnitGetRequest { context_id: self.context_id.clone(), public };
        let answer: hook::UnitGetResponse = self.call(hook::UNIT_GET_PATH, &body)?;
        Ok(answer.address)
    }

    fn goal_state(&mut self) -> Result<hook::GoalStateResponse, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        self.call(hook::GOAL_STATE_PATH, &body)
    }

    fn secret_metadata(&mut self) -> Result<std::collections::BTreeMap<String, SecretMetadata>, ContextError> {
        let body = ContextRequest { context_id: self.context_id.clone() };
        let r: SecretMetadataResponse = self.call(hook::SECRET_METADATA_PATH, &body)?;
        Ok(r.secrets)
    }
}
