//! The unit agent. So far: the hook endpoint that jujuc talks to, with the per-hook sandbox
//! (spec 3.2, 3.4), and the narrow [`Leadership`] interface it needs from the rest of the
//! agent (the leadership tracker and the controller client).

pub mod context;
pub mod hook_endpoint;
pub mod memory;

use std::future::Future;

pub use crate::controller::MergeError;
use crate::format::Settings;

/// What the hook endpoint needs from the agent's leadership machinery. The real agent backs it
/// with its lease tracker and the controller; tests and benchmarks use [`memory::MemoryLeadership`].
pub trait Leadership: Send + Sync + 'static {
    /// A tracker "claim ticket" (spec 3.2): true while this unit holds the lease with at least
    /// the guarantee left. A minion is answered from cached state, without a claim.
    fn is_leader(&self) -> impl Future<Output = bool> + Send;

    /// Reads the application's whole leader-settings bucket from the controller. The error is
    /// the API's reason; the context annotates it.
    fn read_settings(&self) -> impl Future<Output = Result<Settings, String>> + Send;

    /// Merges `changes` into the bucket as this unit, fenced by its lease term; an empty value
    /// deletes its key. Durable when it returns `Ok`.
    fn merge_settings(
        &self,
        changes: Settings,
    ) -> impl Future<Output = Result<(), MergeError>> + Send;
}
