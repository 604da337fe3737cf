//! Secrets in the controller: the live copy of every secret, its version for the unit agents'
//! watchers, and the calls units make. The rules are `secret_rules` (pure); every change,
//! including a read that moves what a consumer tracks, goes through the writer thread, which
//! checks the caller's term and applies the rules against the state the batch has reached
//! (`writer::Job::SecretRead` and the secret changes in `writer::Job::Relations`).
//!
//! Like the relations version, the secrets version lives in memory and starts from the wall
//! clock at every controller start, so a watcher always wakes after a restart.

use std::collections::HashMap;
use std::sync::Mutex;

use tokio::sync::watch;
use tokio::time::Instant;

use super::secret_rules::{self, Caller, Records, SecretError, UserChange};
use super::{Controller, LeaderWriteError, ShuttingDown};
use crate::store::{SecretRecord, Write};
use leaderd_core::model::{Term, Unit};
use leaderd_core::wire::controller::{
    OperatorSecretsResponse, OwnedSecretsResponse, SecretReadRequest, SecretReadResponse, SecretShowRequest, SecretView,
};

/// A new secret id: the time, and random bytes for the rest of the xid.
pub fn new_secret_id() -> String {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random).expect("the OS random number generator failed");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    leaderd_core::secrets::SecretId::from_parts(now as u32, random).as_str().to_string()
}

/// The live copy of every secret, and the version watchers wait on.
pub(crate) struct Secrets {
    records: Mutex<Records>,
    version: watch::Sender<u64>,
}

impl Secrets {
    pub(crate) fn new(loaded: Records) -> Secrets {
        let epoch =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_micros() as u64);
        Secrets { records: Mutex::new(loaded), version: watch::channel(epoch).0 }
    }

    /// A copy of every record (the writer's starting point for a batch).
    pub(crate) fn snapshot(&self) -> Records {
        self.records.lock().unwrap().clone()
    }

    /// Applies committed secret writes and moves the version on.
    pub(crate) fn apply(&self, writes: &[Write]) {
        let mut records = self.records.lock().unwrap();
        let mut changed = false;
        for write in writes {
            if let Write::Secret { id, record } = write {
                changed = true;
                match record {
                    Some(record) => records.insert(id.clone(), record.clone()),
                    None => records.remove(id),
                };
            }
        }
        drop(records);
        if changed {
            self.version.send_modify(|v| *v += 1);
        }
    }

    /// Replaces every record (a controller that has just won the election) and moves the
    /// version on.
    pub(crate) fn replace(&self, loaded: Records) {
        *self.records.lock().unwrap() = loaded;
        self.version.send_modify(|v| *v += 1);
    }
}

/// The writes that make `touched` durable.
pub(crate) fn writes(touched: impl IntoIterator<Item = (String, Option<SecretRecord>)>) -> Vec<Write> {
    touched.into_iter().map(|(id, record)| Write::Secret { id, record }).collect()
}

/// Unix milliseconds now (secret times are wall-clock times, as Juju's are).
pub(crate) fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// Why a secret read got no content.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SecretReadError {
    #[error(transparent)]
    Refused(#[from] SecretError),
    /// The change of what the caller tracks could not be made durable.
    #[error(transparent)]
    Failed(LeaderWriteError),
}

impl From<SecretError> for LeaderWriteError {
    fn from(e: SecretError) -> LeaderWriteError {
        match e {
            SecretError::NotLeader => LeaderWriteError::NotLeader,
            SecretError::PermissionDenied => LeaderWriteError::Invalid(e.to_string()),
            e => LeaderWriteError::Invalid(e.to_string()),
        }
    }
}

impl Controller {
    /// Does `unit` lead its application under `term` now?
    fn leads(&self, unit: &Unit, term: Option<Term>) -> bool {
        let app = unit.application();
        term.is_some_and(|t| self.state.leases.lock().unwrap().holds(app.as_str(), unit.as_str(), t.0, Instant::now()))
    }

    /// A secret's content for `unit`, by id or label; with `term`, `unit` says it leads (an
    /// application secret is then its to manage, and it sees the latest revision).
    pub async fn read_secret(
        &self,
        unit: &Unit,
        request: SecretReadRequest,
    ) -> Result<SecretReadResponse, SecretReadError> {
        let job = |reply| super::writer::Job::SecretRead { unit: unit.as_str().into(), request, reply };
        self.submit(job).await.unwrap_or_else(|| Err(SecretReadError::Failed(LeaderWriteError::failed(ShuttingDown))))
    }

    /// The secrets `unit` manages (its application's too if it leads under `term`), as
    /// secret-info-get shows them.
    pub fn owned_secrets(&self, unit: &Unit, term: Option<Term>) -> OwnedSecretsResponse {
        let caller = Caller::new(unit.as_str(), self.leads(unit, term));
        let records = self.state.secrets.records.lock().unwrap();
        OwnedSecretsResponse { secrets: secret_rules::metadata(&records, &caller) }
    }

    /// What `unit`'s secret hooks need to know.
    pub fn secret_view(&self, unit: &Unit, term: Option<Term>) -> SecretView {
        let caller = Caller::new(unit.as_str(), self.leads(unit, term));
        let version = *self.state.secrets.version.borrow();
        let records = self.state.secrets.records.lock().unwrap();
        secret_rules::view(&records, &caller, version)
    }

    /// The secrets version now.
    pub fn secrets_version(&self) -> u64 {
        *self.state.secrets.version.borrow()
    }

    /// Waits until the secrets version differs from `after`, or `timeout`; returns it.
    pub async fn watch_secrets(&self, after: u64, timeout: std::time::Duration) -> u64 {
        let mut rx = self.state.secrets.version.subscribe();
        let _ = tokio::time::timeout(timeout, rx.wait_for(|v| *v != after)).await;
        let v = *rx.borrow();
        v
    }

    /// Every secret's metadata, no content (the operator's `leaderd secrets`).
    pub fn operator_secrets(&self) -> OperatorSecretsResponse {
        let records = self.state.secrets.records.lock().unwrap();
        OperatorSecretsResponse { secrets: secret_rules::operator_list(&records) }
    }

    /// The secrets `show-secret` names, with content when revealed (the operator's).
    pub fn show_secret(&self, request: &SecretShowRequest) -> Result<OperatorSecretsResponse, SecretError> {
        let records = self.state.secrets.records.lock().unwrap();
        Ok(OperatorSecretsResponse { secrets: secret_rules::operator_show(&records, request)? })
    }

    /// The operator's change to a user secret, through the writer; answers its id. A new
    /// secret's id is made here (the time and random bytes, as a unit agent makes them).
    pub async fn change_user_secret(&self, change: UserChange) -> Result<String, SecretReadError> {
        let job = |reply| super::writer::Job::UserSecret { change, reply };
        self.submit(job).await.unwrap_or_else(|| Err(SecretReadError::Failed(LeaderWriteError::failed(ShuttingDown))))
    }

    /// Every secret, whole (operator inspection).
    pub fn secret_records(&self) -> HashMap<String, SecretRecord> {
        self.state.secrets.snapshot()
    }
}
