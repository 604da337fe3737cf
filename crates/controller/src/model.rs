//! What `juju status` and `juju model-config` read of a model: every application with its
//! units' workload and agent statuses (Juju's status machine: `waiting` / `waiting for
//! machine` and `allocating` from registration until the agent runs, then what the agent
//! reports), in one snapshot; and the model config, which agents watch for
//! `update-status-hook-interval`.

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Controller, LeaderWriteError};
use crate::store::{AgentStatusRecord, ModelConfigRecord, Write};
use leaderd_core::model::{Application, Unit};
use leaderd_core::model_config::InvalidModelConfig;
use leaderd_core::wire::controller::{
    AgentStatus, ModelApplication, ModelConfigChangeRequest, ModelConfigResponse, ModelStatusResponse, ModelUnit,
    UnitStatus, WorkloadStatusSince,
};
use leaderd_core::wire::hook::WorkloadStatus;

/// Juju's `status.MessageWaitForMachine`: a unit's workload message from `deploy` or `add-unit`
/// until its agent runs (juju/juju `state/application.go`, `addUnitOps`).
pub const WAITING_FOR_MACHINE: &str = "waiting for machine";

/// `waiting` / `waiting for machine`.
fn waiting_for_machine() -> WorkloadStatus {
    WorkloadStatus { status: "waiting".into(), message: WAITING_FOR_MACHINE.into(), data: Default::default() }
}

/// A model config change refused.
#[derive(Debug, thiserror::Error)]
pub enum ModelConfigError {
    #[error(transparent)]
    Invalid(#[from] InvalidModelConfig),
    #[error(transparent)]
    Write(LeaderWriteError),
}

impl Controller {
    /// Records `units` of `app` as a deploy (or add-unit) made them, each with workload
    /// `waiting` / `waiting for machine` and agent `allocating`, each where its agent has not
    /// reported its own first; a removed unit is left as it is.
    pub async fn register_units(&self, app: &Application, units: &[Unit]) -> Result<(), LeaderWriteError> {
        for unit in units.iter().filter(|u| u.application() == *app) {
            // Under the unit's status lock: its agent's report cannot land between the check
            // and the write.
            let _one_at_a_time = self.status_lock(unit.as_str()).lock().await;
            if self.is_removed(unit.as_str()) {
                continue;
            }
            // Each part only where the agent has not reported its own yet.
            let now = Some(crate::secrets::now_ms());
            if !self.state.unit_statuses.read().unwrap().contains_key(unit.as_str()) {
                let status = UnitStatus { workload: waiting_for_machine(), version: String::new(), since_ms: now };
                self.put(None, Write::UnitStatus { unit: unit.as_str().into(), status: status.into() }).await?;
            }
            if !self.state.agent_statuses.read().unwrap().contains_key(unit.as_str()) {
                let agent = AgentStatusRecord {
                    status: "allocating".into(),
                    message: String::new(),
                    since_ms: now,
                    relation_id: None,
                };
                self.put(None, Write::AgentStatus { unit: unit.as_str().into(), status: agent }).await?;
            }
        }
        Ok(())
    }

    /// Records `unit`'s agent status, durable before it returns. The controller says since
    /// when: kept while the status and message stay the same, now otherwise.
    pub async fn set_agent_status(&self, unit: &Unit, status: AgentStatus) -> Result<(), LeaderWriteError> {
        let _one_at_a_time = self.status_lock(unit.as_str()).lock().await;
        let before = self.state.agent_statuses.read().unwrap().get(unit.as_str()).cloned();
        let since_ms = match before {
            Some(b)
                if b.status == status.status && b.message == status.message && b.relation_id == status.relation_id =>
            {
                return Ok(())
            }
            _ => Some(crate::secrets::now_ms()),
        };
        let record = AgentStatusRecord { since_ms, ..status.into() };
        self.put(None, Write::AgentStatus { unit: unit.as_str().into(), status: record }).await
    }

    /// Everything `juju status` shows, as the controller knows it now.
    pub fn model_status(&self) -> ModelStatusResponse {
        let now = tokio::time::Instant::now();
        let configs = self.state.configs.read().unwrap().clone();
        let unit_statuses = self.state.unit_statuses.read().unwrap().clone();
        let agents = self.state.agent_statuses.read().unwrap().clone();
        let app_statuses = self.state.app_statuses.read().unwrap().clone();
        let app_since = self.state.app_status_since.read().unwrap().clone();
        let ports = self.state.unit_ports.read().unwrap().clone();
        let removed = self.state.removed.read().unwrap().clone();
        let leaders: BTreeMap<String, Option<String>> = {
            let leases = self.state.leases.lock().unwrap();
            leases.iter().map(|(app, lease)| (app.clone(), lease.live_holder(now).map(String::from))).collect()
        };
        let mut applications: BTreeMap<String, ModelApplication> = configs
            .iter()
            .map(|(name, config)| {
                let app = ModelApplication {
                    charm_revision: config.charm.as_ref().map_or(0, |c| c.revision),
                    charm_path: config.charm.as_ref().map(|c| c.path.clone()),
                    trust: config.trust,
                    ..Default::default()
                };
                (name.clone(), app)
            })
            .collect();
        let units = unit_statuses.keys().chain(agents.keys()).filter(|u| !removed.contains(*u));
        for unit in units {
            let Ok(app) = leaderd_core::names::unit_application(unit) else { continue };
            // A unit whose agent has reported nothing of its workload yet is still waiting
            // (never `unknown`, which says its start hook has run).
            let status = unit_statuses.get(unit).cloned().unwrap_or_else(|| UnitStatus {
                workload: waiting_for_machine(),
                version: String::new(),
                since_ms: agents.get(unit).and_then(|a| a.since_ms),
            });
            let agent = agents.get(unit).cloned().unwrap_or(AgentStatus {
                status: "allocating".into(),
                since_ms: status.since_ms,
                ..Default::default()
            });
            let ports = ports
                .get(unit)
                .map(|p| leaderd_core::ports::unique(p).iter().map(ToString::to_string).collect())
                .unwrap_or_default();
            let entry = ModelUnit {
                workload: WorkloadStatusSince { status: status.workload, since_ms: status.since_ms },
                agent,
                version: status.version,
                ports,
                life: "alive".into(),
            };
            applications.entry(app.to_string()).or_default().units.insert(unit.clone(), entry);
        }
        for (name, app) in applications.iter_mut() {
            app.leader = leaders.get(name).cloned().flatten();
            app.status = app_statuses
                .get(name)
                .map(|s| WorkloadStatusSince { status: s.clone(), since_ms: app_since.get(name).copied() });
        }
        ModelStatusResponse {
            applications,
            relations: self.model_relations(),
            config: self.state.model_config.read().unwrap().values.clone(),
            now_ms: crate::secrets::now_ms(),
        }
    }

    /// The model config values set, and their version.
    pub fn model_config(&self) -> ModelConfigResponse {
        let config = self.state.model_config.read().unwrap();
        ModelConfigResponse { values: config.values.clone(), version: config.version }
    }

    /// Sets and resets model config keys, all or nothing, each value checked as Juju checks it
    /// (`leaderd_core::model_config`). The version moves only when a value changed.
    pub async fn change_model_config(
        &self,
        change: ModelConfigChangeRequest,
    ) -> Result<ModelConfigResponse, ModelConfigError> {
        let _one_at_a_time = self.config_lock.lock().await;
        let current = self.state.model_config.read().unwrap().clone();
        let mut next = current.clone();
        for key in &change.reset {
            next.values.remove(key);
        }
        for (key, text) in &change.set {
            let value = leaderd_core::model_config::parse_value(key, text)?;
            next.values.insert(key.clone(), value);
        }
        if next.values == current.values {
            return Ok(ModelConfigResponse { values: current.values, version: current.version });
        }
        next.version = current.version + 1;
        let record = ModelConfigRecord { values: next.values.clone(), version: next.version };
        self.put(None, Write::ModelConfig { config: record }).await.map_err(ModelConfigError::Write)?;
        tracing::info!(version = next.version, "model config changed");
        Ok(ModelConfigResponse { values: next.values, version: next.version })
    }

    /// Waits until the model config version is past `after`, or `timeout`; returns it.
    pub async fn watch_model_config(&self, after: u64, timeout: Duration) -> u64 {
        let mut rx = self.state.model_config_version.subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|v| *v > after)).await;
        let v = *rx.borrow();
        v
    }
}
