//! The settings watcher: long-polls the controller for the application's leader-settings
//! version and counts the changes it sees, for the hook runner (a minion runs
//! leader-settings-changed when the count moves). Like Juju's watchers, its first answer is an
//! event of its own: the count starts at 1 once the controller has answered at all.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

use super::executor::ConfigSeen;
use leaderd_core::wire::controller::CharmRef;
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

impl ConfigVersions {
    /// The config's version and the charm `leaderd refresh` registered with it (none: no
    /// config is registered, an agent run without `up`).
    async fn charm(&self) -> Result<CharmRead, CallError> {
        match self.0.config().await {
            Ok(config) => Ok(Some((config.version, config.charm))),
            Err(CallError::Refused { code: leaderd_core::wire::ErrorCode::NotFound, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The config's version and the charm registered with it (none: no config is registered).
pub(crate) type CharmRead = Option<(u64, Option<CharmRef>)>;

/// What the config watcher needs from the controller: the version's long-poll, and the
/// charm registered with the config.
pub(crate) trait AppConfigs: SettingsVersions {
    fn charm(&self) -> impl Future<Output = Result<CharmRead, CallError>> + Send;
}

impl AppConfigs for ConfigVersions {
    async fn charm(&self) -> Result<CharmRead, CallError> {
        ConfigVersions::charm(self).await
    }
}

/// Publishes each new config version `api` answers, with the charm registered with it (the
/// hook runner runs config-changed for a version it has not run it for, and upgrade-charm for
/// a charm it does not have), until the receiver is gone. The charm is read once per new
/// version, and the version published is the one read with it, so the two always belong
/// together: a refresh moves both, and the uniter sees them in one snapshot.
pub(crate) async fn run_versions(api: impl AppConfigs, versions: watch::Sender<Option<ConfigSeen>>) {
    // The version the charm was last read for, and that charm.
    let read: std::sync::Mutex<(Option<u64>, Option<CharmRef>)> = Default::default();
    let (api, read_ref) = (&api, &read);
    long_poll::watch_versions(
        |after, wait| async move {
            let version = api.watch(after, wait).await?;
            if read_ref.lock().unwrap().0 == Some(version) {
                return Ok(version);
            }
            let version = match api.charm().await? {
                Some((read_version, charm)) => {
                    let version = read_version.max(version);
                    *read_ref.lock().unwrap() = (Some(version), charm);
                    version
                }
                None => {
                    *read_ref.lock().unwrap() = (Some(version), None);
                    version
                }
            };
            Ok(version)
        },
        "watching the config failed",
        || versions.is_closed(),
        |version| {
            let charm = read.lock().unwrap().1.clone();
            versions.send_replace(Some(ConfigSeen { version, charm }));
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

/// Publishes the model config's `update-status-hook-interval` (none while unset) each time
/// the model config changes, until the receiver is gone: the update-status timer follows it.
pub(crate) async fn run_model_interval(client: ControllerClient, intervals: watch::Sender<Option<Duration>>) {
    let read: std::sync::Mutex<Option<Duration>> = Default::default();
    let (client, read_ref) = (&client, &read);
    long_poll::watch_versions(
        |after, wait| async move {
            let version = client.watch_model_config(after, wait).await?;
            let config = client.model_config().await?;
            *read_ref.lock().unwrap() = config
                .values
                .get(leaderd_core::model_config::UPDATE_STATUS_HOOK_INTERVAL)
                .and_then(|v| v.as_str())
                .and_then(leaderd_core::model_config::interval);
            Ok(version.max(config.version))
        },
        "watching the model config failed",
        || intervals.is_closed(),
        |_| {
            let interval = *read.lock().unwrap();
            intervals.send_if_modified(|now| {
                let changed = *now != interval;
                *now = interval;
                changed
            });
        },
    )
    .await
}

/// Counts update-status timer ticks into `ticks`: one every `interval` (the model config's
/// when set, else `default`), the timer starting afresh whenever the interval changes.
pub(crate) async fn tick_following(
    default: Duration,
    mut intervals: watch::Receiver<Option<Duration>>,
    ticks: watch::Sender<u64>,
) {
    loop {
        let interval = intervals.borrow_and_update().unwrap_or(default);
        tokio::select! {
            _ = tick(interval, ticks.clone()) => return,
            changed = intervals.changed() => {
                if changed.is_err() {
                    // No model config watcher: the interval stays as it is.
                    return tick(interval, ticks).await;
                }
            }
        }
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

    impl AppConfigs for Scripted {
        async fn charm(&self) -> Result<CharmRead, CallError> {
            Ok(None)
        }
    }

    fn seen(version: u64, charm: Option<&CharmRef>) -> Option<ConfigSeen> {
        Some(ConfigSeen { version, charm: charm.cloned() })
    }

    #[tokio::test(start_paused = true)]
    async fn the_config_watcher_publishes_versions_not_counts() {
        let script = vec![Ok(0), Ok(0), Err(CallError::Unreachable("controller unreachable".into())), Ok(3)];
        let api = Scripted(Mutex::new(script.into()));
        let (tx, mut rx) = watch::channel(None);
        let task = tokio::spawn(run_versions(api, tx));
        rx.changed().await.unwrap();
        assert_eq!(*rx.borrow_and_update(), seen(0, None), "the first answer, even version 0");
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(*rx.borrow(), seen(3, None));
        task.abort();
    }

    /// The controller's config as a refresh leaves it: each read answers the next of `reads`.
    struct Refreshed(Scripted, Mutex<VecDeque<Result<CharmRead, CallError>>>);

    impl SettingsVersions for Refreshed {
        async fn watch(&self, after: u64, timeout: Duration) -> Result<u64, CallError> {
            self.0.watch(after, timeout).await
        }
    }

    impl AppConfigs for Refreshed {
        async fn charm(&self) -> Result<CharmRead, CallError> {
            self.1.lock().unwrap().pop_front().expect("read once per new version")
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_config_watcher_publishes_the_charm_with_the_version_read_with_it() {
        let charm = CharmRef { revision: 1, path: "/state/charms/1".into() };
        // Version 1; a repeat (not read again); 2, whose read fails and is retried; a read that
        // finds version 3 already, with the charm: 3 is published with it, and the watch's
        // own 3 after that is a repeat.
        let watches = vec![Ok(1), Ok(1), Ok(2), Ok(2), Ok(3)];
        let reads =
            vec![Ok(Some((1, None))), Err(CallError::Unreachable("down".into())), Ok(Some((3, Some(charm.clone()))))];
        let api = Refreshed(Scripted(Mutex::new(watches.into())), Mutex::new(reads.into()));
        let (tx, mut rx) = watch::channel(None);
        let task = tokio::spawn(run_versions(api, tx));
        rx.changed().await.unwrap();
        assert_eq!(*rx.borrow_and_update(), seen(1, None));
        rx.changed().await.unwrap();
        assert_eq!(*rx.borrow_and_update(), seen(3, Some(&charm)));
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert!(!rx.has_changed().unwrap(), "nothing more: {:?}", *rx.borrow());
        task.abort();
    }
}
