//! The settings watcher: long-polls the controller for the application's leader-settings
//! version and counts the changes it sees, for the hook runner (a minion runs
//! leader-settings-changed when the count moves). Like Juju's watchers, its first answer is an
//! event of its own: the count starts at 1 once the controller has answered at all.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

use leaderd_net::controller_client::{CallError, ControllerClient};
use leaderd_net::long_poll;

/// What the watcher needs from the controller.
pub trait SettingsVersions: Send + Sync + 'static {
    /// Waits up to `timeout` for the version to pass `after`; answers the version.
    fn watch(&self, after: u64, timeout: Duration) -> impl Future<Output = Result<u64, CallError>> + Send;
}

impl SettingsVersions for ControllerClient {
    async fn watch(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        ControllerClient::watch(self, after, timeout).await
    }
}

/// The application's config versions, for the config watcher.
pub(crate) struct ConfigVersions(pub ControllerClient);

impl SettingsVersions for ConfigVersions {
    async fn watch(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
        self.0.watch_config(after, timeout).await
    }
}

/// Publishes each new version `api` answers (the config watcher: the hook runner runs
/// config-changed for a version it has not run it for) until the receiver is gone.
pub(crate) async fn run_versions(api: impl SettingsVersions, versions: watch::Sender<Option<u64>>) {
    long_poll::watch_versions(
        |after, wait| api.watch(after, wait),
        "watching the config failed",
        || versions.is_closed(),
        |version| {
            versions.send_replace(Some(version));
        },
    )
    .await
}

/// Counts update-status timer ticks into `ticks`, one every `interval` from now.
pub async fn tick(interval: Duration, ticks: watch::Sender<u64>) {
    let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !ticks.is_closed() {
        timer.tick().await;
        ticks.send_modify(|n| *n += 1);
    }
}

/// Counts settings changes into `changes` until the receiver is gone; records each version seen
/// in the event log as `unit`'s.
pub async fn run(api: impl SettingsVersions, changes: watch::Sender<u64>, unit: String) {
    long_poll::watch_versions(
        |after, wait| api.watch(after, wait),
        "watching the leader settings failed",
        || changes.is_closed(),
        |version| {
            leaderd_sys::events::record(Some(&unit), leaderd_sys::events::Event::SettingsVersion { version });
            changes.send_modify(|n| *n += 1);
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::Mutex;

    use super::*;

    struct Scripted(Mutex<VecDeque<Result<u64, CallError>>>);

    impl SettingsVersions for Scripted {
        async fn watch(&self, _after: u64, timeout: Duration) -> Result<u64, CallError> {
            let next = self.0.lock().unwrap().pop_front();
            match next {
                Some(answer) => answer,
                None => {
                    tokio::time::sleep(timeout.max(Duration::from_secs(1))).await;
                    Err(CallError::Unreachable("no more".into()))
                }
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn counts_the_first_answer_and_each_new_version_but_not_repeats_or_errors() {
        let script =
            vec![Ok(0), Ok(0), Err(CallError::Unreachable("controller unreachable".into())), Ok(3), Ok(3), Ok(4)];
        let api = Scripted(Mutex::new(script.into()));
        let (tx, rx) = watch::channel(0);
        let task = tokio::spawn(run(api, tx, "app/0".into()));
        tokio::time::sleep(Duration::from_secs(5)).await;
        // Version 0 (the first answer: 1), a repeat, an error, 3 (2), a repeat, 4 (3).
        assert_eq!(*rx.borrow(), 3);
        task.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn the_config_watcher_publishes_versions_not_counts() {
        let script = vec![Ok(0), Ok(0), Err(CallError::Unreachable("controller unreachable".into())), Ok(3)];
        let api = Scripted(Mutex::new(script.into()));
        let (tx, mut rx) = watch::channel(None);
        let task = tokio::spawn(run_versions(api, tx));
        rx.changed().await.unwrap();
        assert_eq!(*rx.borrow_and_update(), Some(0), "the first answer, even version 0");
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(*rx.borrow(), Some(3));
        task.abort();
    }
}
