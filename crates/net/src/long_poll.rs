//! The agent's long-polls, in one place: how long a poll asks the controller to hold it, how
//! long the answer may then take, how long to wait after a failed poll, and the loop a version
//! watcher runs. Its users are the agent's settings and config watchers, its relation watcher,
//! and the leadership tracker's wait for a lease to be released (a minion's long-poll).
//!
//! The durations, as docs/etcd.md gives them: a poll asks to be
//! held [`WAIT`] (30 s); with several controllers [`MULTI_WAIT`] (10 s) at most, and gives up
//! [`MULTI_GRACE`] (2 s) after that, so a poll held by a controller that then stops answering
//! (SIGSTOP, a machine gone) moves on to the others within seconds rather than after the
//! whole wait. With one controller there is nowhere else to go, and the answer gets the
//! client's usual [`ANSWER_TIME`](crate::controller_client::ANSWER_TIME) beyond the wait.

use std::future::Future;
use std::time::Duration;

use leaderd_core::wire::ErrorCode;

use crate::controller_client::{CallError, ANSWER_TIME};

/// How long one long-poll asks the controller to hold it (one controller).
pub const WAIT: Duration = Duration::from_secs(30);

/// With several controllers, the longest a long-poll asks to be held.
pub(crate) const MULTI_WAIT: Duration = Duration::from_secs(10);

/// With several controllers, how long after its wait a long-poll's answer may take.
pub(crate) const MULTI_GRACE: Duration = Duration::from_secs(2);

/// Pause after a failed poll: the controller may be restarting or switching over, and a
/// watcher that asked again at once would only spin.
pub const RETRY: Duration = Duration::from_millis(500);

/// How long the agent's loops wait before asking again after the controller refused this unit
/// outright: asking again soon would change nothing.
pub const REFUSED_PAUSE: Duration = Duration::from_secs(30);

/// How long a long-poll of `wait` asks to be held by a client of `controllers` controllers.
pub(crate) fn held_for(controllers: usize, wait: Duration) -> Duration {
    if controllers > 1 {
        wait.min(MULTI_WAIT)
    } else {
        wait
    }
}

/// How long after the wait a call that asked to be held `wait` may take to be answered, by a
/// client of `controllers` controllers: a long-poll with several gets only [`MULTI_GRACE`], any
/// other call [`ANSWER_TIME`].
pub(crate) fn answer_time(controllers: usize, wait: Duration) -> Duration {
    if controllers > 1 && !wait.is_zero() {
        MULTI_GRACE
    } else {
        ANSWER_TIME
    }
}

/// Is `e` the controller refusing this unit outright (403 `forbidden`: the operator removed it,
/// or its token is for another application)? The loops then pause [`REFUSED_PAUSE`] and say
/// nothing: the leadership tracker says why, once.
pub fn refused_outright(e: &CallError) -> bool {
    matches!(e, CallError::Refused { code: ErrorCode::Forbidden, .. })
}

/// How long to wait before the next call after the failed call `e`, logging it as `what`: a
/// unit the controller refuses outright (removed) waits [`REFUSED_PAUSE`] and logs nothing;
/// any other failure is logged and waits [`RETRY`].
pub fn pause_after(e: &CallError, what: &str) -> Duration {
    if refused_outright(e) {
        return REFUSED_PAUSE;
    }
    tracing::warn!(error = %e, "{what}");
    RETRY
}

/// The version watcher's loop: long-polls `watch(after, wait)` for a version other than the
/// last one seen, and hands each new one to `seen`, until `closed()`. Like Juju's watchers,
/// the first answer is an event of its own: the first call asks not to be held, and whatever
/// version it answers is new. A failed poll is logged as `what` and paused after
/// ([`pause_after`]).
pub async fn watch_versions<F, Fut>(mut watch: F, what: &str, closed: impl Fn() -> bool, mut seen: impl FnMut(u64))
where
    F: FnMut(u64, Duration) -> Fut,
    Fut: Future<Output = Result<u64, CallError>>,
{
    let mut known: Option<u64> = None;
    while !closed() {
        let wait = if known.is_none() { Duration::ZERO } else { WAIT };
        match watch(known.unwrap_or(0), wait).await {
            Ok(version) if known != Some(version) => {
                known = Some(version);
                seen(version);
            }
            Ok(_) => {}
            Err(e) => tokio::time::sleep(pause_after(&e, what)).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_several_controllers_a_poll_is_held_10_s_at_most_and_answered_2_s_after() {
        assert_eq!(held_for(1, WAIT), Duration::from_secs(30));
        assert_eq!(held_for(3, WAIT), Duration::from_secs(10));
        assert_eq!(held_for(3, Duration::from_secs(4)), Duration::from_secs(4));
        assert_eq!(answer_time(1, WAIT), ANSWER_TIME);
        assert_eq!(answer_time(3, MULTI_WAIT), Duration::from_secs(2));
        assert_eq!(answer_time(3, Duration::ZERO), ANSWER_TIME, "a call that is not a long-poll");
    }

    #[test]
    fn a_removed_unit_pauses_30_s_and_any_other_failure_half_a_second() {
        let removed = CallError::Refused { code: ErrorCode::Forbidden, message: "unit app/1 has been removed".into() };
        assert_eq!(pause_after(&removed, "test"), Duration::from_secs(30));
        let other = CallError::Refused { code: ErrorCode::Unauthorized, message: "expired".into() };
        assert_eq!(pause_after(&other, "test"), Duration::from_millis(500));
        assert_eq!(pause_after(&CallError::Unreachable("down".into()), "test"), Duration::from_millis(500));
    }

    #[tokio::test(start_paused = true)]
    async fn the_loop_asks_at_once_first_then_holds_and_pauses_after_a_failure() {
        use std::sync::{Arc, Mutex};
        let start = tokio::time::Instant::now();
        let script = Arc::new(Mutex::new(std::collections::VecDeque::from(vec![
            Ok(5),
            Err(CallError::Unreachable("down".into())),
            Ok(5),
            Ok(6),
        ])));
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (s, c, v) = (script.clone(), calls.clone(), seen.clone());
        watch_versions(
            move |after, wait| {
                c.lock().unwrap().push((after, wait, start.elapsed()));
                let next = s.lock().unwrap().pop_front();
                async move { next.unwrap_or(Ok(6)) }
            },
            "test",
            move || script.lock().unwrap().is_empty(),
            move |version| v.lock().unwrap().push(version),
        )
        .await;
        assert_eq!(*seen.lock().unwrap(), vec![5, 6]);
        let calls = calls.lock().unwrap().clone();
        assert_eq!(calls[0], (0, Duration::ZERO, Duration::ZERO), "the first call is not held");
        assert_eq!(calls[1], (5, WAIT, Duration::ZERO));
        assert_eq!(calls[2], (5, WAIT, RETRY), "after a failure, a pause");
        assert_eq!(calls[3], (5, WAIT, RETRY));
    }
}
