//! What happened in a `leaderd up`, as its event log (`<state>/events.jsonl`) records it: the
//! typed records every agent and `up` itself append, rather than the words `up` prints for
//! people. Tests wait on these (`Up::wait_event`) and count them (`Up::count_events`); a test
//! whose subject is the printed text (debug-log, timeline, `up`'s own lines) reads the text.
//!
//! Every record is stamped with `CLOCK_MONOTONIC`, one clock for every process of the machine,
//! so a [`Mark`] taken by the test orders it against what the processes recorded: the records
//! stamped after a mark are what happened after it.

use std::time::Duration;

pub use leaderd_sys::events::{mono_ns, Event, Level, Record};

/// A moment on the records' clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Mark(pub u64);

impl Mark {
    /// Before anything: every record is after it.
    pub const START: Mark = Mark(0);

    pub fn now() -> Mark {
        Mark(mono_ns())
    }

    /// The mark of a record: what came after it.
    pub fn of(record: &Record) -> Mark {
        Mark(record.mono_ns)
    }
}

/// Questions a test asks of a record, so a wait reads as what it waits for:
/// `up.wait_event(T, |r| r.of("app/0") && r.hook_finished("install"))`.
pub trait RecordExt {
    /// It happened to `unit`.
    fn of(&self, unit: &str) -> bool;
    /// It was stamped at or after `mark`.
    fn after(&self, mark: Mark) -> bool;
    /// The time from `earlier`'s stamp to this one's (zero if this one is earlier).
    fn since(&self, earlier: &Record) -> Duration;
    /// `hook` started.
    fn hook_started(&self, hook: &str) -> bool;
    /// `hook` finished with exit 0.
    fn hook_finished(&self, hook: &str) -> bool;
    /// `hook` ended with exit code `exit` (not 0).
    fn hook_failed(&self, hook: &str, exit: i32) -> bool;
    /// Any run of `hook` ended (exit 0 or not).
    fn hook_ended(&self, hook: &str) -> bool;
    /// `hook` could not start: why.
    fn hook_not_started(&self, hook: &str) -> Option<&str>;
    /// `hook` is to be retried: after how long.
    fn hook_retry(&self, hook: &str) -> Option<Duration>;
    /// A hook printed exactly `line`.
    fn hook_output(&self, line: &str) -> bool;
    /// A hook's `juju-log` at `level` with exactly `message`.
    fn juju_log(&self, level: Level, message: &str) -> bool;
    /// A hook's `juju-log` message, at any level.
    fn juju_message(&self) -> Option<&str>;
    /// Its unit became the leader: under which term.
    fn elected(&self) -> Option<u64>;
    /// Its unit lost leadership.
    fn leadership_lost(&self) -> bool;
    /// Its unit gave its lease back and the controller took it: which term.
    fn released(&self) -> Option<u64>;
    /// An untyped agent message with exactly `text` (what the agent does not type: a resolved
    /// hook, a removal).
    fn message(&self, text: &str) -> bool;
    /// Its unit's agent exited: how (`signal 9`, `exit 1`).
    fn agent_exited(&self) -> Option<&str>;
    /// The controller exited and `up` restarts it.
    fn controller_exited(&self) -> bool;
    /// Its unit was rebooted (juju-reboot) after `hook`.
    fn rebooted_after(&self, hook: &str) -> bool;
}

impl RecordExt for Record {
    fn of(&self, unit: &str) -> bool {
        self.unit.as_deref() == Some(unit)
    }

    fn after(&self, mark: Mark) -> bool {
        self.mono_ns >= mark.0
    }

    fn since(&self, earlier: &Record) -> Duration {
        Duration::from_nanos(self.mono_ns.saturating_sub(earlier.mono_ns))
    }

    fn hook_started(&self, name: &str) -> bool {
        matches!(&self.event, Event::HookStarted { hook } if hook == name)
    }

    fn hook_finished(&self, name: &str) -> bool {
        matches!(&self.event, Event::HookFinished { hook, exit: 0, .. } if hook == name)
    }

    fn hook_failed(&self, name: &str, code: i32) -> bool {
        code != 0 && matches!(&self.event, Event::HookFinished { hook, exit, .. } if hook == name && *exit == code)
    }

    fn hook_ended(&self, name: &str) -> bool {
        matches!(&self.event, Event::HookFinished { hook, .. } if hook == name)
    }

    fn hook_not_started(&self, name: &str) -> Option<&str> {
        match &self.event {
            Event::HookNotStarted { hook, why } if hook == name => Some(why),
            _ => None,
        }
    }

    fn hook_retry(&self, name: &str) -> Option<Duration> {
        match &self.event {
            Event::HookRetry { hook, delay_ms } if hook == name => Some(Duration::from_millis(*delay_ms)),
            _ => None,
        }
    }

    fn hook_output(&self, text: &str) -> bool {
        matches!(&self.event, Event::HookOutput { line, .. } if line == text)
    }

    fn juju_log(&self, want: Level, text: &str) -> bool {
        matches!(&self.event, Event::JujuLog { level, message, .. } if *level == want && message == text)
    }

    fn juju_message(&self) -> Option<&str> {
        match &self.event {
            Event::JujuLog { message, .. } => Some(message),
            _ => None,
        }
    }

    fn elected(&self) -> Option<u64> {
        match self.event {
            Event::LeaderElected { term } => Some(term),
            _ => None,
        }
    }

    fn leadership_lost(&self) -> bool {
        matches!(self.event, Event::LeadershipLost { .. })
    }

    fn released(&self) -> Option<u64> {
        match self.event {
            Event::LeaseReleased { term } => Some(term),
            _ => None,
        }
    }

    fn message(&self, want: &str) -> bool {
        matches!(&self.event, Event::Message { text } if text == want)
    }

    fn agent_exited(&self) -> Option<&str> {
        match &self.event {
            Event::AgentExited { how } => Some(how),
            _ => None,
        }
    }

    fn controller_exited(&self) -> bool {
        matches!(self.event, Event::ControllerExited { .. })
    }

    fn rebooted_after(&self, name: &str) -> bool {
        matches!(&self.event, Event::UnitRebooted { hook, .. } if hook == name)
    }
}

/// The records of the log at `path` (its rotated part first), stamped at or after `mark`.
pub fn read_after(path: &std::path::Path, mark: Mark) -> Vec<Record> {
    match leaderd_sys::events::read_all(path) {
        Ok(records) => records.into_iter().filter(|r| r.after(mark)).collect(),
        Err(e) => panic!("reading the event log {}: {e}", path.display()),
    }
}

/// The first record of the log at `path` stamped at or after `mark` that `check` accepts,
/// waiting up to `timeout`; or, at the deadline, the records after `mark` it saw.
pub fn wait_for(
    path: &std::path::Path,
    mark: Mark,
    timeout: Duration,
    check: impl Fn(&Record) -> bool,
) -> Result<Record, Vec<Record>> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let seen = read_after(path, mark);
        if let Some(found) = seen.iter().find(|r| check(r)) {
            return Ok(found.clone());
        }
        if std::time::Instant::now() > deadline {
            return Err(seen);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// [`wait_for`], failing the test at the deadline with what the log holds.
#[track_caller]
pub fn wait(path: &std::path::Path, mark: Mark, timeout: Duration, check: impl Fn(&Record) -> bool) -> Record {
    wait_for(path, mark, timeout, check).unwrap_or_else(|seen| {
        panic!("no such event in {} within {timeout:?}; after the mark:\n{}", path.display(), lines(&seen))
    })
}

/// The records as `up` prints them (for a failing test's message).
pub fn lines(records: &[Record]) -> String {
    records.iter().map(Record::line).collect::<Vec<_>>().join("\n")
}
