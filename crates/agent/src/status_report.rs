//! What the agent tells the controller about itself for `juju status`: its agent status
//! (Juju's `juju-status`: `executing` with `running install hook`, `running
//! db-relation-changed hook for testdb/0` or `running action do-thing`, `idle`, `error` with
//! `hook failed: "install"` while a hook has failed; juju/juju
//! `internal/worker/uniter/operation/runhook.go` `RunningHookMessage` and `runaction.go`), and
//! the workload statuses the uniter sets by itself around hooks (`runhook.go`, `beforeHook`
//! and `afterHook`): `maintenance` / `installing charm software` before install unless the
//! charm has set a status, `unknown` after start if it still has not, `maintenance` around
//! stop and remove.
//!
//! Hooks never wait on the controller for these: a reporter task sends the latest state,
//! retrying while the controller is away, and a state that changed meanwhile replaces the
//! one not yet sent.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Notify;

use super::hook_endpoint::HookEndpoint;
use super::runner::RunnerStatus;
use super::HookBackend;
use leaderd_core::wire::controller::AgentStatus;
use leaderd_core::wire::hook::WorkloadStatus;

/// How often the reporter looks at the runner's state (it is also woken at each change).
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// How long a fresh agent with no hook to run keeps quiet about its agent status.
const SETTLE: Duration = Duration::from_secs(5);

/// The agent's own account of what it runs, shared by the hook runner, the action runner and
/// the reporter.
#[derive(Default)]
pub(crate) struct Reports {
    /// The message of the hook running now (`running install hook`).
    hook: Mutex<Option<String>>,
    /// The last hook started and its relation's id, if it was a relation hook: the relation a
    /// failure of that hook names.
    last_hook: Mutex<Option<(String, Option<u64>)>>,
    /// The action running now.
    action: Mutex<Option<String>>,
    /// Whether any hook of the unit has set its workload status (Juju's `StatusSet`).
    pub(crate) charm_set_status: AtomicBool,
    /// Bumped whenever the workload status changed without status-set publishing it.
    workload_changes: Mutex<u64>,
    /// Whether a hook or an action has started since the agent did.
    active: AtomicBool,
    /// Held while the unit's status record is built and sent (status-set, application-version-set,
    /// the uniter's steps, the reporter): the controller gets them in the order they were made,
    /// so an older one never lands after a newer.
    pub(crate) workload_publish: tokio::sync::Mutex<()>,
    wake: Notify,
}

impl Reports {
    /// A hook starts: the agent is executing it.
    pub(crate) fn hook_started(&self, hook: &str, env: &[(String, String)]) {
        *self.hook.lock().unwrap() = Some(running_hook_message(hook, env));
        // `JUJU_RELATION_ID` is `<endpoint>:<id>`.
        let relation = env
            .iter()
            .find(|(k, _)| k == "JUJU_RELATION_ID")
            .and_then(|(_, v)| v.rsplit_once(':'))
            .and_then(|(_, id)| id.parse().ok());
        *self.last_hook.lock().unwrap() = Some((hook.to_string(), relation));
        self.active.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// The hook ended (the runner's state says whether it failed).
    pub(crate) fn hook_ended(&self) {
        *self.hook.lock().unwrap() = None;
        self.wake.notify_one();
    }

    /// An action starts (`Some(name)`) or ends (`None`).
    pub(crate) fn action(&self, name: Option<&str>) {
        *self.action.lock().unwrap() = name.map(String::from);
        self.active.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// The workload status changed by the uniter's own hand: the reporter sends it.
    pub(crate) fn workload_changed(&self) {
        *self.workload_changes.lock().unwrap() += 1;
        self.wake.notify_one();
    }

    /// The agent status now, from the runner's state: executing an action or a hook, else in
    /// error while a hook has failed, else idle.
    fn agent_status(&self, runner: &RunnerStatus) -> AgentStatus {
        let mut relation_id = None;
        let (status, message) = if let Some(action) = self.action.lock().unwrap().clone() {
            ("executing", format!("running action {action}"))
        } else if let Some(message) = self.hook.lock().unwrap().clone() {
            ("executing", message)
        } else if let Some(failed) = &runner.failing {
            relation_id = match self.last_hook.lock().unwrap().clone() {
                Some((hook, relation)) if hook == failed.hook => relation,
                _ => None,
            };
            ("error", format!("hook failed: {}", leaderd_core::gocompat::go_quote(&failed.hook)))
        } else {
            ("idle", String::new())
        };
        AgentStatus { status: status.into(), message, since_ms: None, relation_id }
    }
}

/// juju/juju `internal/worker/uniter/operation/runhook.go`, `RunningHookMessage`: a relation
/// hook names its remote unit, a secret hook its secret (and the revision for the hooks about
/// one revision).
pub(crate) fn running_hook_message(hook: &str, env: &[(String, String)]) -> String {
    let var = |name: &str| env.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).filter(|v| !v.is_empty());
    if hook.contains("-relation-") {
        if let Some(remote) = var("JUJU_REMOTE_UNIT") {
            return format!("running {hook} hook for {remote}");
        }
    }
    if hook.starts_with("secret-") {
        if let Some(uri) = var("JUJU_SECRET_ID") {
            let revision = match (hook, var("JUJU_SECRET_REVISION")) {
                ("secret-remove" | "secret-expired", Some(revision)) if revision != "0" => format!("/{revision}"),
                _ => String::new(),
            };
            return format!("running {hook} hook for {uri}{revision}");
        }
    }
    format!("running {hook} hook")
}

impl<L: HookBackend> HookEndpoint<L> {
    /// Juju's `beforeHook`: the workload status the uniter sets before `hook` runs; true if it
    /// set one.
    pub(crate) fn before_hook(&self, hook: &str) -> bool {
        let status = match hook {
            "install" if !self.reports.charm_set_status.load(Ordering::SeqCst) => {
                Some(("maintenance", "installing charm software"))
            }
            "stop" => Some(("maintenance", "stopping charm software")),
            "remove" => Some(("maintenance", "cleaning up prior to charm deletion")),
            _ => None,
        };
        if let Some((status, message)) = status {
            self.set_workload_by_uniter(status, message);
        }
        status.is_some()
    }

    /// Juju's `afterHook`, once `hook` succeeded: `unknown` after start if no hook has set a
    /// status, `maintenance` after stop; true if it set one.
    pub(crate) fn after_hook(&self, hook: &str) -> bool {
        match hook {
            "start" if !self.reports.charm_set_status.load(Ordering::SeqCst) => {
                self.set_workload_by_uniter("unknown", "")
            }
            "stop" => self.set_workload_by_uniter("maintenance", ""),
            _ => return false,
        }
        true
    }

    /// Sends the agent status to the controller now (the reporter sends it again only if it
    /// changed meanwhile: the controller keeps one that did not).
    pub(crate) async fn publish_agent_now(&self, runner: &RunnerStatus) {
        let status = self.reports.agent_status(runner);
        match tokio::time::timeout(Duration::from_secs(1), self.backend.publish_agent_status(status)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(unit = self.unit, error = %e, "reporting the agent status; will retry"),
            Err(_) => tracing::debug!(unit = self.unit, "reporting the agent status: no answer within 1s; will retry"),
        }
    }

    /// Sends the workload status to the controller now, as Juju's uniter does around a hook
    /// (the hook's finish is recorded once the controller has it); a controller that does not
    /// answer within a second hears of it from the reporter, which retries.
    pub(crate) async fn publish_workload_now(&self) {
        let _in_order = self.reports.workload_publish.lock().await;
        let record = self.unit_status_record();
        match tokio::time::timeout(Duration::from_secs(1), self.backend.publish_unit_status(record)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::debug!(unit = self.unit, error = %e, "reporting the workload status; will retry"),
            Err(_) => {
                tracing::debug!(unit = self.unit, "reporting the workload status: no answer within 1s; will retry")
            }
        }
    }

    fn set_workload_by_uniter(&self, status: &str, message: &str) {
        self.set_unit_status_quietly(WorkloadStatus {
            status: status.into(),
            message: message.into(),
            data: Default::default(),
        });
        self.reports.workload_changed();
    }
}

/// Sends the agent status and the uniter's workload statuses to the controller whenever they
/// change, until the agent stops. A failed send is tried again (the latest state) after a
/// pause that doubles up to 5 s.
pub(crate) async fn run<L: HookBackend>(endpoint: Arc<HookEndpoint<L>>, runner: Arc<Mutex<RunnerStatus>>) {
    let reports = &endpoint.reports;
    let mut sent_agent: Option<AgentStatus> = None;
    let mut sent_workload = 0u64;
    let mut pause = Duration::from_millis(200);
    let started = tokio::time::Instant::now();
    loop {
        let agent = reports.agent_status(&runner.lock().unwrap().clone());
        let workload = *reports.workload_changes.lock().unwrap();
        let mut failed = false;
        // A fresh agent is about to run its first hook: it says nothing (the controller's
        // `allocating` stands) until it does, or for 5 s (a restarted agent with nothing to
        // run), so it never reads `idle` before install.
        let settling = !reports.active.load(Ordering::SeqCst) && started.elapsed() < SETTLE;
        if !settling && sent_agent.as_ref() != Some(&agent) {
            match endpoint.backend.publish_agent_status(agent.clone()).await {
                Ok(()) => sent_agent = Some(agent),
                Err(e) => {
                    tracing::debug!(unit = endpoint.unit, error = %e, "reporting the agent status; will retry");
                    failed = true;
                }
            }
        }
        if workload != sent_workload {
            let _in_order = reports.workload_publish.lock().await;
            match endpoint.backend.publish_unit_status(endpoint.unit_status_record()).await {
                Ok(()) => sent_workload = workload,
                Err(e) => {
                    tracing::debug!(unit = endpoint.unit, error = %e, "reporting the workload status; will retry");
                    failed = true;
                }
            }
        }
        if failed {
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(5));
            continue;
        }
        pause = Duration::from_millis(200);
        let _ = tokio::time::timeout(LOOK_EVERY, reports.wake.notified()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn running_messages_are_jujus() {
        assert_eq!(running_hook_message("install", &[]), "running install hook");
        let remote = env(&[("JUJU_REMOTE_UNIT", "testdb/0")]);
        assert_eq!(
            running_hook_message("db-relation-changed", &remote),
            "running db-relation-changed hook for testdb/0"
        );
        assert_eq!(running_hook_message("db-relation-created", &[]), "running db-relation-created hook");
        let secret = env(&[("JUJU_SECRET_ID", "secret:abc"), ("JUJU_SECRET_REVISION", "2")]);
        assert_eq!(running_hook_message("secret-remove", &secret), "running secret-remove hook for secret:abc/2");
        assert_eq!(running_hook_message("secret-changed", &secret), "running secret-changed hook for secret:abc");
    }

    #[test]
    fn the_agent_status_is_an_action_then_a_hook_then_a_failure_then_idle() {
        let reports = Reports::default();
        let mut runner = RunnerStatus::default();
        assert_eq!(reports.agent_status(&runner).status, "idle");
        runner.failing = Some(leaderd_core::wire::run::FailingHook {
            hook: "install".into(),
            exit_code: Some(1),
            attempts: 1,
            error: None,
        });
        let failed = reports.agent_status(&runner);
        assert_eq!((failed.status.as_str(), failed.message.as_str()), ("error", "hook failed: \"install\""));
        reports.hook_started("install", &[]);
        assert_eq!(reports.agent_status(&runner).message, "running install hook");
        reports.action(Some("do-thing"));
        assert_eq!(reports.agent_status(&runner).message, "running action do-thing");
        reports.action(None);
        reports.hook_ended();
        runner.failing = None;
        assert_eq!(reports.agent_status(&runner), AgentStatus { status: "idle".into(), ..Default::default() });
        // A failed relation hook names its relation.
        reports.hook_started("cluster-relation-changed", &env(&[("JUJU_RELATION_ID", "cluster:3")]));
        reports.hook_ended();
        runner.failing = Some(leaderd_core::wire::run::FailingHook {
            hook: "cluster-relation-changed".into(),
            exit_code: Some(1),
            attempts: 1,
            error: None,
        });
        assert_eq!(reports.agent_status(&runner).relation_id, Some(3));
    }
}
