//! An in-memory [`Leadership`]: a settable leader flag and one settings bucket. It drives the
//! hook endpoint in tests and benchmarks, where no controller runs.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use super::{Leadership, MergeError};
use crate::controller::client::CallError;
use crate::format::Settings;

#[derive(Debug, Default)]
pub struct MemoryLeadership {
    leader: AtomicBool,
    settings: Mutex<Settings>,
    read_failure: Mutex<Option<String>>,
    reads: AtomicUsize,
}

impl MemoryLeadership {
    pub fn new(leader: bool, settings: Settings) -> MemoryLeadership {
        MemoryLeadership { leader: AtomicBool::new(leader), settings: Mutex::new(settings), ..Default::default() }
    }

    pub fn set_leader(&self, leader: bool) {
        self.leader.store(leader, Ordering::SeqCst);
    }

    /// The bucket as the "controller" holds it now.
    pub fn settings(&self) -> Settings {
        self.settings.lock().unwrap().clone()
    }

    /// A write from elsewhere (another unit that leads, for instance).
    pub fn replace_settings(&self, settings: Settings) {
        *self.settings.lock().unwrap() = settings;
    }

    /// Makes every read fail with `reason`, as if the controller were unreachable (or succeed
    /// again with `None`).
    pub fn fail_reads(&self, reason: Option<&str>) {
        *self.read_failure.lock().unwrap() = reason.map(String::from);
    }

    /// How many times the bucket has been read: shows the per-hook snapshot at work.
    pub fn reads(&self) -> usize {
        self.reads.load(Ordering::SeqCst)
    }
}

impl Leadership for MemoryLeadership {
    async fn is_leader(&self) -> bool {
        self.leader.load(Ordering::SeqCst)
    }

    async fn read_settings(&self) -> Result<Settings, CallError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        if let Some(reason) = self.read_failure.lock().unwrap().clone() {
            return Err(CallError::Unreachable(reason));
        }
        Ok(self.settings())
    }

    async fn merge_settings(&self, changes: Settings) -> Result<(), MergeError> {
        if !self.leader.load(Ordering::SeqCst) {
            return Err(MergeError::NotLeader);
        }
        crate::model::apply_changes(&mut self.settings.lock().unwrap(), &changes);
        Ok(())
    }
}
