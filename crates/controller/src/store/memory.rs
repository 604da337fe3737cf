//! A store that keeps nothing across restarts: for tests, and for a throwaway controller. It has
//! no schema version: nothing outlives it.

use super::{CommitError, Snapshot, Store, StoredLease, Write};
use leaderd_core::model::apply_changes;
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct MemoryStore {
    leases: HashMap<String, StoredLease>,
    buckets: HashMap<String, super::Bucket>,
    configs: HashMap<String, super::ConfigRecord>,
    unit_statuses: HashMap<String, super::UnitStatusRecord>,
    app_statuses: HashMap<String, super::StatusRecord>,
    relations: HashMap<String, super::AppRelations>,
    removed: std::collections::BTreeSet<String>,
    secrets: HashMap<String, super::SecretRecord>,
    tasks: std::collections::BTreeMap<u64, super::TaskRecord>,
    unit_states: HashMap<String, std::collections::BTreeMap<String, String>>,
    unit_ports: HashMap<String, leaderd_core::ports::GroupedPortRanges>,
    unit_storage: HashMap<String, Vec<super::StorageRecord>>,
    storage_sequences: HashMap<String, u64>,
    unit_payloads: HashMap<String, leaderd_core::payloads::UnitPayloads>,
    relation_defs: std::collections::BTreeMap<u64, super::RelationDefRecord>,
    relation_sequence: Option<u64>,
    agent_statuses: HashMap<String, super::AgentStatusRecord>,
    model_config: Option<super::ModelConfigRecord>,
}

impl Store for MemoryStore {
    fn load(&mut self) -> anyhow::Result<Snapshot> {
        Ok(Snapshot {
            leases: self.leases.values().cloned().collect(),
            buckets: self.buckets.clone(),
            configs: self.configs.clone(),
            unit_statuses: self.unit_statuses.clone(),
            app_statuses: self.app_statuses.clone(),
            relations: self.relations.clone(),
            removed: self.removed.clone(),
            secrets: self.secrets.clone(),
            tasks: self.tasks.clone(),
            unit_states: self.unit_states.clone(),
            unit_ports: self.unit_ports.clone(),
            unit_storage: self.unit_storage.clone(),
            storage_sequences: self.storage_sequences.clone(),
            unit_payloads: self.unit_payloads.clone(),
            relation_defs: self.relation_defs.clone(),
            relation_sequence: self.relation_sequence,
            agent_statuses: self.agent_statuses.clone(),
            model_config: self.model_config.clone(),
        })
    }

    fn commit(&mut self, batch: &[Write]) -> Result<(), CommitError> {
        for write in batch {
            match write {
                Write::Lease(lease) => {
                    self.leases.insert(lease.app.clone(), lease.clone());
                }
                Write::Settings { app, changes, version } => {
                    let bucket = self.buckets.entry(app.clone()).or_default();
                    apply_changes(&mut bucket.settings, changes);
                    bucket.version = *version;
                }
                Write::Config { app, config } => {
                    self.configs.insert(app.clone(), config.clone());
                }
                Write::UnitStatus { unit, status } => {
                    self.unit_statuses.insert(unit.clone(), status.clone());
                }
                Write::ForgetUnit { unit } => {
                    self.unit_statuses.remove(unit);
                    self.unit_states.remove(unit);
                    self.unit_ports.remove(unit);
                    self.unit_storage.remove(unit);
                    self.unit_payloads.remove(unit);
                    self.agent_statuses.remove(unit);
                    self.removed.insert(unit.clone());
                }
                Write::UnitState { unit, state } if state.is_empty() => {
                    self.unit_states.remove(unit);
                }
                Write::UnitState { unit, state } => {
                    self.unit_states.insert(unit.clone(), state.clone());
                }
                Write::AppStatus { app, status } => {
                    self.app_statuses.insert(app.clone(), status.clone());
                }
                Write::Secret { id, record: Some(record) } => {
                    self.secrets.insert(id.clone(), record.clone());
                }
                Write::Secret { id, record: None } => {
                    self.secrets.remove(id);
                }
                Write::Task { id, record } => {
                    self.tasks.insert(*id, record.clone());
                }
                Write::UnitPorts { unit, ports } if ports.is_empty() => {
                    self.unit_ports.remove(unit);
                }
                Write::UnitPorts { unit, ports } => {
                    self.unit_ports.insert(unit.clone(), ports.clone());
                }
                Write::UnitStorage { unit, storage } if storage.is_empty() => {
                    self.unit_storage.remove(unit);
                }
                Write::UnitStorage { unit, storage } => {
                    self.unit_storage.insert(unit.clone(), storage.clone());
                }
                Write::StorageSequence { app, next } => {
                    self.storage_sequences.insert(app.clone(), *next);
                }
                Write::UnitPayloads { unit, payloads } if payloads.is_empty() => {
                    self.unit_payloads.remove(unit);
                }
                Write::UnitPayloads { unit, payloads } => {
                    self.unit_payloads.insert(unit.clone(), payloads.clone());
                }
                Write::AgentStatus { unit, status } => {
                    self.agent_statuses.insert(unit.clone(), status.clone());
                }
                Write::ModelConfig { config } => {
                    self.model_config = Some(config.clone());
                }
                Write::RelationSettings { .. } | Write::RelationScope { .. } => {
                    super::apply_relation_write(&mut self.relations, write);
                }
                Write::RelationDef { id, record: Some(record) } => {
                    self.relation_defs.insert(*id, record.clone());
                }
                Write::RelationDef { id, record: None } => {
                    self.relation_defs.remove(id);
                    super::apply_relation_write(&mut self.relations, write);
                }
                Write::RelationSequence { next } => self.relation_sequence = Some(*next),
            }
        }
        Ok(())
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}
