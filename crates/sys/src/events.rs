//! The event log: everything `leaderd up` shows as it runs (leadership, hooks, their output,
//! juju-log lines, settings versions, controller restarts, agent exits, operator levers), typed
//! once here and kept as JSON lines in `<state>/events.jsonl`, so the history survives Ctrl-C
//! and `kill -9` of `up`. `leaderd debug-log` and `leaderd timeline` read it.
//!
//! Whoever observes an event appends it: each agent its own (given `--event-log PATH`), `up` its
//! own. Every line is one `write(2)` on a descriptor opened `O_APPEND`, so lines from several
//! processes never interleave, and a line is on disk (in the page cache) before the process can
//! die of anything but a machine crash: no process buffers events for another.
//!
//! Each record carries a wall-clock stamp (`time`, for people) and a `CLOCK_MONOTONIC` stamp
//! (`mono_ns`, machine-wide on Linux, so stamps from the agents and from `up` order correctly
//! and intervals between them are exact even if the wall clock steps).
//!
//! The log is bounded: when a writer finds it past [`MAX_BYTES`] it renames it to
//! `events.jsonl.1` (replacing the previous one) and starts a fresh file, so at most twice
//! [`MAX_BYTES`] is kept. The rename happens under an exclusive `flock` on the full file, and
//! every writer notices the new file before its next line.
//!
//! Recording is a one-liner from anywhere in a process: [`record`] (log only) or, in an agent,
//! `leaderd_agent::emit(unit, Event::...)` (log and the agent's stdout line that `up` relays).

use std::fmt;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};

pub use leaderd_core::wire::hook::LogLevel as Level;

/// The log's file name in a state directory.
pub const FILE_NAME: &str = "events.jsonl";
/// A log file is rotated (to `<file>.1`) once it reaches this size: at most twice this is kept.
pub(crate) const MAX_BYTES: u64 = 16 * 1024 * 1024;
/// Longer texts (a hook's output line, a juju-log message) are cut to this many bytes in the log.
pub(crate) const MAX_TEXT: usize = 16 * 1024;

/// One thing that happened. The JSON form is `{"event": "<kind>", ...fields}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// Any other line, as text (what `leaderd_agent::event` records).
    Message {
        text: String,
    },
    /// `up` started an application.
    UpStarted {
        app: String,
        units: u32,
        charm: String,
        controller: String,
        state: String,
    },
    UpStopping,
    UpStopped,
    /// This unit became the leader under `term`.
    LeaderElected {
        term: u64,
    },
    /// This unit is no longer the leader (its lease ran out or was denied).
    LeadershipLost {
        term: Option<u64>,
    },
    /// This unit gave its lease back (it is stopping) and the controller took it: the lease
    /// was free from then, not at its expiry.
    LeaseReleased {
        term: u64,
    },
    /// A grant: from this record's stamp, the lease runs `lease_ms` as the unit counts it and
    /// is-leader may answer True for `guarantee_ms`.
    Lease {
        term: u64,
        lease_ms: u64,
        guarantee_ms: u64,
    },
    HookStarted {
        hook: String,
    },
    /// The hook exited: `exit` 0 is success.
    HookFinished {
        hook: String,
        exit: i32,
        duration_ms: u64,
    },
    HookNotStarted {
        hook: String,
        why: String,
    },
    HookRetry {
        hook: String,
        delay_ms: u64,
    },
    /// One line of a hook's stdout or stderr.
    HookOutput {
        hook: String,
        line: String,
        /// From stderr, which Juju logs at WARNING (stdout at DEBUG): worker/uniter/runner/runner.go,
        /// the hook loggers of `runCharmHook`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        stderr: bool,
    },
    /// A `juju-log` call from a hook.
    JujuLog {
        hook: String,
        /// As juju-log was given it (the record's `level` is the same, unless unspecified).
        #[serde(rename = "log_level")]
        level: Level,
        message: String,
    },
    /// The leader wrote these keys (names only: the values may be secrets) under `term`.
    LeaderSet {
        term: u64,
        keys: Vec<String>,
    },
    /// The unit saw the leader-settings bucket at this version.
    SettingsVersion {
        version: u64,
    },
    /// The controller exited; `up` restarts it.
    ControllerExited {
        how: String,
        restart_on: String,
    },
    /// The unit's agent exited.
    AgentExited {
        how: String,
    },
    /// The unit was "rebooted" (juju-reboot) after `hook`: its hooks' leftover processes were
    /// stopped; with `now` (`juju-reboot --now`) the hook was killed and runs again first.
    UnitRebooted {
        hook: String,
        now: bool,
    },
    /// An operator's action on the running application (`kill`, `pause`, `elect`, ...).
    Lever {
        action: String,
        detail: String,
    },
}

impl Event {
    /// The level `debug-log --level` filters on (Juju's levels).
    pub fn level(&self) -> Level {
        match self {
            Event::Lease { .. } => Level::Trace,
            Event::HookOutput { stderr: true, .. } => Level::Warning,
            Event::HookOutput { .. } | Event::SettingsVersion { .. } | Event::LeaderSet { .. } => Level::Debug,
            Event::JujuLog { level, .. } => *level,
            Event::HookFinished { exit, .. } if *exit != 0 => Level::Error,
            Event::HookNotStarted { .. } => Level::Error,
            Event::ControllerExited { .. } | Event::AgentExited { .. } => Level::Warning,
            _ => Level::Info,
        }
    }

    /// The logging module `debug-log` shows, in Juju's style (`unit.<unit>.juju-log` for a
    /// charm's own lines).
    pub fn module(&self, unit: Option<&str>) -> String {
        let unit = unit.unwrap_or("-");
        match self {
            Event::JujuLog { .. } => format!("unit.{unit}.juju-log"),
            Event::HookOutput { hook, .. } => format!("unit.{unit}.{hook}"),
            Event::LeaderElected { .. }
            | Event::LeadershipLost { .. }
            | Event::LeaseReleased { .. }
            | Event::Lease { .. } => "leaderd.leadership".into(),
            Event::HookStarted { .. }
            | Event::HookFinished { .. }
            | Event::HookNotStarted { .. }
            | Event::HookRetry { .. }
            | Event::UnitRebooted { .. } => "leaderd.uniter.operation".into(),
            Event::SettingsVersion { .. } | Event::LeaderSet { .. } => "leaderd.settings".into(),
            Event::Lever { .. } => "leaderd.lever".into(),
            _ => "leaderd.up".into(),
        }
    }
}

/// The human text: what `up` prints after `<unit>: ` (the same words as before the log existed).
impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |ms: &u64| leaderd_core::duration::format(std::time::Duration::from_millis(*ms));
        match self {
            Event::Message { text } => f.write_str(text),
            Event::UpStarted { app, units, charm, controller, state } => write!(
                f,
                "leaderd up: application {app} with {units} unit{}, charm {charm}, controller {controller}, state {state}",
                if *units == 1 { "" } else { "s" }
            ),
            Event::UpStopping => f.write_str("leaderd up: stopping"),
            Event::UpStopped => f.write_str("leaderd up: stopped"),
            Event::LeaderElected { term } => write!(f, "leader elected (term {term})"),
            Event::LeadershipLost { .. } => f.write_str("leadership lost"),
            Event::LeaseReleased { term } => write!(f, "leadership released (term {term})"),
            Event::Lease { term, lease_ms, guarantee_ms } => {
                write!(f, "lease granted (term {term}, lease {}, guarantee {})", ms(lease_ms), ms(guarantee_ms))
            }
            Event::HookStarted { hook } => write!(f, "hook {hook} started"),
            Event::HookFinished { hook, exit: 0, duration_ms } => {
                write!(f, "hook {hook} finished (exit 0, {})", ms(duration_ms))
            }
            Event::HookFinished { hook, exit, duration_ms } => {
                write!(f, "hook {hook} failed (exit {exit}, {})", ms(duration_ms))
            }
            Event::HookNotStarted { hook, why } => write!(f, "hook {hook} could not start: {why}"),
            Event::HookRetry { hook, delay_ms } => write!(f, "hook {hook} will be retried in {}", ms(delay_ms)),
            Event::HookOutput { line, .. } => write!(f, "  | {line}"),
            Event::JujuLog { level, message, .. } => write!(f, "juju-log {}: {message}", level.as_str()),
            Event::SettingsVersion { version } => write!(f, "leader settings at version {version}"),
            Event::LeaderSet { term, keys } => write!(f, "leader-set {} (term {term})", keys.join(" ")),
            Event::ControllerExited { how, restart_on } => {
                write!(f, "controller exited ({how}); restarting it on {restart_on}")
            }
            Event::AgentExited { how } => write!(f, "agent exited ({how})"),
            Event::UnitRebooted { hook, now: false } => write!(f, "unit rebooted after hook {hook} (start runs next)"),
            Event::UnitRebooted { hook, now: true } => {
                write!(f, "unit rebooted after hook {hook} (juju-reboot --now killed it; it runs again, then start)")
            }
            Event::Lever { action, detail } if detail.is_empty() => write!(f, "{action}"),
            Event::Lever { action, detail } => write!(f, "{action}: {detail}"),
        }
    }
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Wall clock, RFC 3339 UTC with milliseconds.
    pub time: String,
    /// `CLOCK_MONOTONIC` in nanoseconds: orders records from all processes of one machine boot.
    pub mono_ns: u64,
    /// The unit it happened to; none for `up` and the controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub level: Level,
    #[serde(flatten)]
    pub event: Event,
}

impl Record {
    /// A record stamped now.
    pub fn now(unit: Option<&str>, event: Event) -> Record {
        let event = clip(event);
        Record {
            time: rfc3339(wall_ms()),
            mono_ns: mono_ns(),
            unit: unit.map(String::from),
            level: event.level(),
            event,
        }
    }

    /// `<unit>: <text>` or `<text>`, as `up` prints it: [`printable`], and each line after the
    /// first of a multi-line text (a juju-log message) marked `<unit>:   | `, as hook output
    /// lines are, so that no text a charm logs can pass for an event line of its own.
    pub fn line(&self) -> String {
        let prefix = match &self.unit {
            Some(unit) => format!("{unit}: "),
            None => String::new(),
        };
        let prefix = printable_line(&prefix);
        marked_lines(&prefix, &prefix, &self.event.to_string())
    }
}

fn clip(mut event: Event) -> Event {
    let cut = |s: &mut String| {
        if s.len() > MAX_TEXT {
            let mut end = MAX_TEXT;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            s.truncate(end);
            s.push('…');
        }
    };
    match &mut event {
        Event::Message { text } => cut(text),
        Event::HookOutput { line, .. } => cut(line),
        Event::JujuLog { message, .. } => cut(message),
        _ => {}
    }
    event
}

/// The one rule for what charm text may not send to a terminal as it is: control characters
/// (C0, DEL and the C1 controls such as U+009B, which some terminals take for ESC [) and the
/// bidirectional controls (the embeddings, overrides and isolates U+202A..U+202E,
/// U+2066..U+2069, which reorder what is shown after them, and the marks U+200E, U+200F,
/// U+061C). Tab and newline are up to the caller.
pub fn terminal_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// `text` safe to print on a terminal: every [`terminal_unsafe`] character other than tab and
/// newline (an escape sequence that clears the screen or retitles it, a carriage return that
/// overwrites a line, U+009B, U+202E) is spelled out (`\u{1b}`, `\r`, `\u{9b}`, `\u{202e}`).
/// Hook output, juju-log messages, statuses and relation data come from the charm: every
/// plain-text output of `leaderd` shows them through this.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    spelled(text, |c| c == '\t' || c == '\n')
}

/// [`printable`] for one line (a unit name, a field of a table row): a newline or tab is spelled
/// out too, so the text cannot start a line of its own.
pub fn printable_line(text: &str) -> std::borrow::Cow<'_, str> {
    spelled(text, |_| false)
}

fn spelled(text: &str, kept: impl Fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| terminal_unsafe(c) && !kept(c);
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.extend(c.escape_unicode());
        }
    }
    out.into()
}

/// JSON (or YAML) text safe to print on a terminal: every [`terminal_unsafe`] character left
/// raw in it becomes `\uXXXX`. In JSON such a character can only be inside a string (serde_json
/// and Go escape C0 themselves, but not DEL, C1 or the bidirectional controls), where `\uXXXX`
/// is its escape: the document stays valid and decodes to the same values. In YAML the
/// emitters escape controls themselves and leave only the bidirectional controls raw; there
/// `\uXXXX` is the same escape inside a double-quoted scalar and plain text elsewhere, valid
/// either way.
pub fn json_printable(text: &str) -> std::borrow::Cow<'_, str> {
    let unsafe_char = |c: char| terminal_unsafe(c) && c != '\n' && c != '\t';
    if !text.chars().any(unsafe_char) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// `first` and each later line of `text`, [`printable`], the later ones marked `<prefix>  | `:
/// a multi-line text a charm wrote cannot pass for lines of their own.
pub fn marked_lines(prefix: &str, first: &str, text: &str) -> String {
    let mut lines = text.split('\n').map(printable);
    let mut out = format!("{first}{}", lines.next().unwrap_or_default());
    for more in lines {
        out.push_str(&format!("\n{prefix}  | {more}"));
    }
    out
}

/// `CLOCK_MONOTONIC` now, in nanoseconds.
pub fn mono_ns() -> u64 {
    let ts = rustix::time::clock_gettime(rustix::time::ClockId::Monotonic);
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

fn wall_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// `2026-11-27T03:51:43.123Z` for milliseconds since the Unix epoch.
pub(crate) fn rfc3339(unix_ms: u64) -> String {
    let (days, ms) = ((unix_ms / 86_400_000) as i64, unix_ms % 86_400_000);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// An open event log: appends records, rotating it past [`MAX_BYTES`].
pub struct EventLog {
    path: PathBuf,
    file: Mutex<File>,
    max_bytes: u64,
}

impl EventLog {
    /// Opens (creates, 0600) the log at `path` for appending.
    pub fn open(path: &Path) -> anyhow::Result<EventLog> {
        Self::with_limit(path, MAX_BYTES)
    }

    pub fn with_limit(path: &Path, max_bytes: u64) -> anyhow::Result<EventLog> {
        let file = crate::private::append(path)?;
        Ok(EventLog { path: path.into(), file: Mutex::new(file), max_bytes })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one record as one line, in one write. Failing to log never stops the caller:
    /// the error is returned for it to report (or not).
    pub fn append(&self, record: &Record) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(record).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let mut file = self.file.lock().unwrap_or_else(|p| p.into_inner());
        self.follow_rotation(&mut file)?;
        file.write_all(&line)?;
        if file.metadata()?.len() >= self.max_bytes {
            self.rotate(&mut file)?;
        }
        Ok(())
    }

    /// Reopens the path if another writer rotated the file this one has open.
    fn follow_rotation(&self, file: &mut File) -> std::io::Result<()> {
        let ours = file.metadata()?;
        match std::fs::metadata(&self.path) {
            Ok(now) if now.ino() == ours.ino() && now.dev() == ours.dev() => Ok(()),
            _ => {
                *file = crate::private::append(&self.path).map_err(std::io::Error::other)?;
                Ok(())
            }
        }
    }

    /// Renames the full file to `<path>.1` and opens a fresh one. Under an exclusive lock on the
    /// full file, and only if the path still names it: two writers never rotate twice.
    fn rotate(&self, file: &mut File) -> std::io::Result<()> {
        use rustix::fs::{flock, FlockOperation};
        // Released by the unlock below, or by close.
        flock(&*file, FlockOperation::LockExclusive)?;
        let ours = file.metadata()?;
        let still_ours = std::fs::metadata(&self.path).is_ok_and(|m| m.ino() == ours.ino() && m.dev() == ours.dev());
        let result = if still_ours { std::fs::rename(&self.path, rotated(&self.path)) } else { Ok(()) };
        let _ = flock(&*file, FlockOperation::Unlock);
        result?;
        *file = crate::private::append(&self.path).map_err(std::io::Error::other)?;
        Ok(())
    }
}

/// Where a rotated log goes: `<path>.1`.
pub fn rotated(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".1");
    PathBuf::from(name)
}

static LOG: OnceLock<EventLog> = OnceLock::new();

/// Makes `path` this process's event log (once; later calls are ignored).
pub fn init(path: &Path) -> anyhow::Result<()> {
    let log = EventLog::open(path)?;
    let _ = LOG.set(log);
    Ok(())
}

/// Appends `event` to this process's event log, if it has one; returns the record (for the
/// caller to print). A log that cannot be written is reported once on stderr, not fatal.
pub fn record(unit: Option<&str>, event: Event) -> Record {
    let record = Record::now(unit, event);
    if let Some(log) = LOG.get() {
        if let Err(e) = log.append(&record) {
            static WARNED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
            if !WARNED.swap(true, std::sync::atomic::Ordering::Relaxed) {
                tracing::warn!(path = %log.path().display(), error = %e, "writing the event log failed");
            }
        }
    }
    record
}

/// Opens the log at `path` (or its rotated part) for reading as every file in a state directory
/// is opened ([`crate::private::open_regular`]): not through a symbolic link, not a FIFO, not
/// another user's file.
pub fn open_read(path: &Path) -> std::io::Result<File> {
    crate::private::open_regular(path, std::fs::OpenOptions::new().read(true))
}

/// Reads every record of the log at `path`, the rotated part first. Lines that do not parse (a
/// line cut by a full disk, say) are skipped.
pub fn read_all(path: &Path) -> std::io::Result<Vec<Record>> {
    let mut records = Vec::new();
    for file in [rotated(path), path.to_path_buf()] {
        match open_read(&file).and_then(|mut f| {
            use std::io::Read;
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).map(|_| bytes)
        }) {
            Ok(bytes) => records.extend(parse_lines(&bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(records)
}

/// The records in complete lines of `bytes`.
pub fn parse_lines(bytes: &[u8]) -> impl Iterator<Item = Record> + '_ {
    bytes.split(|b| *b == b'\n').filter_map(|line| serde_json::from_slice(line).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_human_text_is_what_up_printed_before_the_log() {
        let cases = [
            (Event::LeaderElected { term: 3 }, "leader elected (term 3)"),
            (Event::LeadershipLost { term: Some(3) }, "leadership lost"),
            (Event::LeaseReleased { term: 3 }, "leadership released (term 3)"),
            (Event::HookStarted { hook: "install".into() }, "hook install started"),
            (
                Event::HookFinished { hook: "start".into(), exit: 0, duration_ms: 1500 },
                "hook start finished (exit 0, 1.5s)",
            ),
            (
                Event::HookFinished { hook: "start".into(), exit: 2, duration_ms: 20 },
                "hook start failed (exit 2, 20ms)",
            ),
            (Event::HookRetry { hook: "start".into(), delay_ms: 2000 }, "hook start will be retried in 2s"),
            (Event::HookOutput { hook: "start".into(), line: "hi".into(), stderr: false }, "  | hi"),
            (
                Event::JujuLog { hook: "install".into(), level: Level::Warning, message: "careful".into() },
                "juju-log WARNING: careful",
            ),
            (
                Event::ControllerExited { how: "signal 9".into(), restart_on: "127.0.0.1:4".into() },
                "controller exited (signal 9); restarting it on 127.0.0.1:4",
            ),
            (Event::AgentExited { how: "exit 1".into() }, "agent exited (exit 1)"),
            (
                Event::UnitRebooted { hook: "config-changed".into(), now: false },
                "unit rebooted after hook config-changed (start runs next)",
            ),
            (
                Event::UnitRebooted { hook: "install".into(), now: true },
                "unit rebooted after hook install (juju-reboot --now killed it; it runs again, then start)",
            ),
        ];
        for (event, text) in cases {
            assert_eq!(event.to_string(), text);
        }
        let r = Record::now(Some("app/0"), Event::LeaderElected { term: 1 });
        assert_eq!(r.line(), "app/0: leader elected (term 1)");
    }

    #[test]
    fn a_charms_text_can_neither_drive_the_terminal_nor_pass_for_an_event_line() {
        let message = "x\nhostile/2: leader elected (term 99)\r\u{1b}]0;owned\u{7}\u{9b}2J \u{202e}txt.exe\u{2066}";
        let r = Record::now(
            Some("app/0"),
            Event::JujuLog { hook: "start".into(), level: Level::Info, message: message.into() },
        );
        assert_eq!(
            r.line(),
            "app/0: juju-log INFO: x\napp/0:   | hostile/2: leader elected (term 99)\\r\\u{1b}]0;owned\\u{7}\\u{9b}2J \
             \\u{202e}txt.exe\\u{2066}"
        );
        let r = Record::now(
            Some("app/0"),
            Event::HookOutput { hook: "start".into(), line: "\u{1b}[31mred\u{2069}".into(), stderr: false },
        );
        assert_eq!(r.line(), "app/0:   | \\u{1b}[31mred\\u{2069}");
        assert_eq!(printable("tab\tand\nnewline, é, \u{200d}"), "tab\tand\nnewline, é, \u{200d}", "kept");
        assert_eq!(printable("\u{200e}\u{200f}\u{61c}\u{7f}"), "\\u{200e}\\u{200f}\\u{61c}\\u{7f}");
        assert_eq!(printable_line("a\nb\tc\u{1b}"), "a\\nb\\tc\\u{1b}");
        let r = Record::now(Some("x\u{1b}]0;t\u{7}\nforged/0"), Event::Message { text: "hi".into() });
        assert_eq!(r.line(), "x\\u{1b}]0;t\\u{7}\\nforged/0: hi", "a unit name is one line");
    }

    #[test]
    fn json_keeps_its_values_and_shows_no_terminal_control_raw() {
        let value =
            serde_json::json!({"m": "\u{1b}[31m \u{9b}2J \u{202e}x\u{2066} \u{85}\u{7f}\r\nnext", "k\u{202a}": 1});
        let text = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_printable(&text);
        assert!(!safe.chars().any(|c| terminal_unsafe(c) && c != '\n'), "{safe}");
        assert!(safe.contains(r#""\u001b[31m \u009b2J \u202ex\u2066 \u0085\u007f\r\nnext""#), "{safe}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&safe).unwrap(), value, "the same values");
    }

    #[test]
    fn records_round_trip_as_one_flat_json_object() {
        let r = Record::now(Some("app/1"), Event::HookFinished { hook: "install".into(), exit: 1, duration_ms: 5 });
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["event"], "hook-finished");
        assert_eq!(json["unit"], "app/1");
        assert_eq!(json["level"], "ERROR");
        assert_eq!(json["exit"], 1);
        assert!(json["time"].as_str().unwrap().ends_with('Z'));
        assert_eq!(serde_json::from_value::<Record>(json).unwrap(), r);
    }

    #[test]
    fn wall_stamps_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339(951_782_400_123), "2000-02-29T00:00:00.123Z");
        assert_eq!(rfc3339(1_795_750_303_456), "2026-11-27T03:31:43.456Z");
    }

    #[test]
    fn long_texts_are_cut_on_a_char_boundary() {
        let r = Record::now(None, Event::Message { text: "é".repeat(MAX_TEXT) });
        let Event::Message { text } = r.event else { panic!() };
        assert!(text.len() <= MAX_TEXT + "…".len() && text.ends_with('…'));
    }

    #[test]
    fn the_log_rotates_once_past_its_limit_and_keeps_every_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        let a = EventLog::with_limit(&path, 2000).unwrap();
        let b = EventLog::with_limit(&path, 2000).unwrap();
        for i in 0..30u64 {
            let log = if i % 2 == 0 { &a } else { &b };
            log.append(&Record::now(None, Event::SettingsVersion { version: i })).unwrap();
        }
        let versions: Vec<u64> = read_all(&path)
            .unwrap()
            .into_iter()
            .map(|r| match r.event {
                Event::SettingsVersion { version } => version,
                _ => panic!(),
            })
            .collect();
        // Some lines went to files rotated away twice; what is kept is the newest, in order.
        assert!(versions.len() >= 10 && versions.windows(2).all(|w| w[0] + 1 == w[1]), "{versions:?}");
        assert_eq!(versions.last(), Some(&29));
        use std::os::unix::fs::PermissionsExt;
        for file in [path.clone(), rotated(&path)] {
            assert!(std::fs::metadata(&file).unwrap().len() < 2000 + 200);
            assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
}
