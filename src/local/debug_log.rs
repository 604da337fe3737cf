//! `leaderd debug-log`: the event log of an `up` (`<state>/events.jsonl`), shown and followed
//! like `juju debug-log` (Juju's `cmd/juju/commands/debuglog.go`): the last 10 lines, then new
//! ones as they come while stdout is a terminal; `--replay` from the start; `--no-tail` stops at
//! the end; `-i/--include`, `-x/--exclude`, `-l/--level`, `-n/--lines`, `--limit`, `--date`,
//! `--ms`; text lines as Juju prints them: `<entity>: <time> <LEVEL> <module> <message>`.

use std::io::{Read, Seek, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;

use leaderd_sys::events::{Event, Level, Record};

#[derive(clap::Args, Debug, Clone)]
pub struct DebugLogArgs {
    /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
    #[arg(long, value_name = "DIR")]
    pub state: Option<PathBuf>,
    /// Only show log messages for these entities: a unit (app/0 or unit-app-0), an application
    /// (all its units) or leaderd-up (up's own); repeatable.
    #[arg(short = 'i', long = "include", visible_alias = "unit", value_name = "ENTITY")]
    pub include: Vec<String>,
    /// Do not show log messages for these entities; repeatable.
    #[arg(short = 'x', long = "exclude", value_name = "ENTITY")]
    pub exclude: Vec<String>,
    /// Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR] (default: all but TRACE).
    #[arg(short = 'l', long, value_parser = parse_level, value_name = "LEVEL")]
    pub level: Option<Level>,
    /// Show this many of the most recent (possibly filtered) lines, and continue to append.
    #[arg(short = 'n', long = "lines", default_value_t = 10, value_name = "N")]
    pub lines: usize,
    /// Exit once this many of the most recent (possibly filtered) lines are shown.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Show the entire (possibly filtered) log and continue to append.
    #[arg(long)]
    pub replay: bool,
    /// Stop after returning existing log messages.
    #[arg(long, conflicts_with = "tail")]
    pub no_tail: bool,
    /// Wait for new logs (the default when stdout is a terminal).
    #[arg(long, visible_alias = "follow")]
    pub tail: bool,
    /// Show dates as well as times.
    #[arg(long)]
    pub date: bool,
    /// Show times to millisecond precision.
    #[arg(long)]
    pub ms: bool,
    /// text: Juju's lines; json: the log's own records, one per line.
    #[arg(long, default_value = "text", value_parser = ["text", "json"], value_name = "FORMAT")]
    pub format: String,
}

/// Juju's words for a bad level (`cmd/juju/commands/debuglog.go`, Init).
pub(crate) fn parse_level(text: &str) -> Result<Level, String> {
    match Level::parse(text) {
        Some(level) if (Level::Trace..=Level::Error).contains(&level) => Ok(level),
        _ => Err(format!("level value {text:?} is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\"")),
    }
}

/// The entity a record belongs to, in Juju's tag form: `unit-app-0`, or `leaderd-up`.
pub(crate) fn entity(record: &Record) -> String {
    match &record.unit {
        Some(unit) => format!("unit-{}", unit.replace('/', "-")),
        None => "leaderd-up".into(),
    }
}

/// Does `record` match the entity `pattern` (a unit, its tag, its application, or leaderd-up)?
fn matches_entity(record: &Record, pattern: &str) -> bool {
    let tag = entity(record);
    if pattern == tag {
        return true;
    }
    match &record.unit {
        Some(unit) => unit == pattern || unit.split('/').next() == Some(pattern),
        None => false,
    }
}

/// Which records to show.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub level: Option<Level>,
}

impl Filter {
    pub fn keeps(&self, record: &Record) -> bool {
        let min = self.level.unwrap_or(Level::Debug);
        record.level >= min
            && (self.include.is_empty() || self.include.iter().any(|p| matches_entity(record, p)))
            && !self.exclude.iter().any(|p| matches_entity(record, p))
    }
}

/// What `debug-log` says for a record: the message without what the other columns say.
fn message(event: &Event) -> String {
    match event {
        Event::HookOutput { line, .. } => line.clone(),
        Event::JujuLog { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

/// One text line, as Juju's `writeText`: `<entity>: <time> <LEVEL> <module> <message>` (UTC).
pub(crate) fn text_line(record: &Record, date: bool, ms: bool) -> String {
    let t = &record.time; // 2026-11-27T03:55:29.840Z
    let mut stamp = String::new();
    if date && t.len() >= 10 {
        stamp.push_str(&t[..10]);
        stamp.push(' ');
    }
    stamp.push_str(t.get(11..19).unwrap_or(t));
    if ms {
        stamp.push_str(t.get(19..23).unwrap_or(""));
    }
    // The entity is one line whatever the log says (a hand-edited unit name); each later line
    // of a multi-line message is marked as the entity's, so it cannot pass for a line of its own.
    let entity = leaderd_sys::events::printable_line(&entity(record)).into_owned();
    let first = format!(
        "{entity}: {stamp} {} {} ",
        record.level.as_str(),
        leaderd_sys::events::printable_line(&record.event.module(record.unit.as_deref()))
    );
    leaderd_sys::events::marked_lines(&format!("{entity}:"), &first, &message(&record.event))
}

/// Whether `--limit` lets another line be shown after `shown`. As in Juju (`--limit (= 0)`),
/// 0 is no limit.
fn wants_more(limit: Option<usize>, shown: usize) -> bool {
    limit.is_none_or(|limit| limit == 0 || shown < limit)
}

pub fn run(args: DebugLogArgs) -> anyhow::Result<()> {
    use std::io::IsTerminal;
    let terminal = std::io::stdout().is_terminal();
    run_to(&args, terminal, &mut std::io::stdout().lock())
}

/// [`run`], writing to `out`; following the log when asked to (`--tail`), or when `terminal`
/// (stdout is one) unless `--no-tail`.
pub(crate) fn run_to(args: &DebugLogArgs, terminal: bool, out: &mut dyn Write) -> anyhow::Result<()> {
    let path = super::state_dir(args.state.clone()).join(leaderd_sys::events::FILE_NAME);
    let filter = Filter { include: args.include.clone(), exclude: args.exclude.clone(), level: args.level };
    let follow = args.tail || (!args.no_tail && terminal);
    let mut shown = 0usize;
    let mut show = |record: &Record, out: &mut dyn Write| -> bool {
        if !filter.keeps(record) {
            return true;
        }
        let line = match args.format.as_str() {
            "json" => {
                leaderd_sys::events::json_printable(&serde_json::to_string(record).unwrap_or_default()).into_owned()
            }
            _ => text_line(record, args.date, args.ms),
        };
        // A closed stdout (`| head`) ends the command quietly.
        if writeln!(out, "{line}").and_then(|_| out.flush()).is_err() {
            return false;
        }
        shown += 1;
        wants_more(args.limit, shown)
    };

    let mut tail = Tail::open(&path).with_context(|| {
        format!("no event log at {} (is this the state directory of a `leaderd up`?)", path.display())
    })?;
    let mut backlog = match std::fs::read(leaderd_sys::events::rotated(&path)) {
        Ok(bytes) => leaderd_sys::events::parse_lines(&bytes).collect(),
        Err(_) => Vec::new(),
    };
    backlog.extend(tail.read_new()?);
    let kept: Vec<Record> = backlog.into_iter().filter(|r| filter.keeps(r)).collect();
    let skip = if args.replay { 0 } else { kept.len().saturating_sub(args.lines) };
    for record in &kept[skip..] {
        if !show(record, out) {
            return Ok(());
        }
    }
    if !follow {
        return Ok(());
    }
    loop {
        std::thread::sleep(Duration::from_millis(100));
        for record in tail.read_new()? {
            if !show(&record, out) {
                return Ok(());
            }
        }
    }
}

/// The growing end of the log: reads whole lines as they are appended, and follows the log to
/// its new file when a writer rotates it.
struct Tail {
    path: PathBuf,
    file: std::fs::File,
    partial: Vec<u8>,
}

impl Tail {
    fn open(path: &Path) -> std::io::Result<Tail> {
        Ok(Tail { path: path.into(), file: leaderd_sys::events::open_read(path)?, partial: Vec::new() })
    }

    /// The records appended since the last call.
    fn read_new(&mut self) -> std::io::Result<Vec<Record>> {
        self.read_new_racing(|| {})
    }

    /// [`Tail::read_new`], with `meanwhile` run between looking for a rotation and reading the
    /// file: a writer may append and rotate at any moment (the tests rotate there). Looking
    /// first means a rotation seen is one that happened before the old file is read to its end,
    /// so no line written to the old file just before its rename is skipped.
    fn read_new_racing(&mut self, meanwhile: impl FnOnce()) -> std::io::Result<Vec<Record>> {
        let ours = self.file.metadata()?;
        let rotated = std::fs::metadata(&self.path).is_ok_and(|m| m.ino() != ours.ino() || m.dev() != ours.dev());
        meanwhile();
        let mut records = self.drain()?;
        if rotated {
            // What was written to the old file before the rename is read first, then the new.
            self.file = leaderd_sys::events::open_read(&self.path)?;
            self.partial.clear();
            self.file.rewind()?;
            records.extend(self.drain()?);
        }
        Ok(records)
    }

    fn drain(&mut self) -> std::io::Result<Vec<Record>> {
        let mut bytes = std::mem::take(&mut self.partial);
        self.file.read_to_end(&mut bytes)?;
        let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        self.partial = bytes.split_off(complete);
        Ok(leaderd_sys::events::parse_lines(&bytes).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(unit: Option<&str>, event: Event) -> Record {
        let mut r = Record::now(unit, event);
        r.time = "2026-11-27T03:55:29.840Z".into();
        r
    }

    #[test]
    fn text_lines_are_jujus() {
        let r = record(Some("app/0"), Event::HookStarted { hook: "install".into() });
        assert_eq!(
            text_line(&r, false, false),
            "unit-app-0: 03:55:29 INFO leaderd.uniter.operation hook install started"
        );
        let r = record(
            Some("app/1"),
            Event::JujuLog { hook: "start".into(), level: Level::Warning, message: "careful".into() },
        );
        assert_eq!(
            text_line(&r, true, true),
            "unit-app-1: 2026-11-27 03:55:29.840 WARNING unit.app/1.juju-log careful"
        );
        let r = record(Some("app/1"), Event::HookOutput { hook: "start".into(), line: "out".into(), stderr: false });
        assert_eq!(text_line(&r, false, true), "unit-app-1: 03:55:29.840 DEBUG unit.app/1.start out");
        let r = record(None, Event::AgentExited { how: "signal 9".into() });
        assert_eq!(text_line(&r, false, false), "leaderd-up: 03:55:29 WARNING leaderd.up agent exited (signal 9)");
    }

    #[test]
    fn hook_text_cannot_drive_the_terminal() {
        // A hook's output or juju-log message is shown, not obeyed: escapes and carriage
        // returns (which could clear the screen, retitle it, or overwrite a line) are spelled out.
        let r = record(
            Some("app/0"),
            Event::HookOutput {
                hook: "start".into(),
                line: "a\x1b[2J\x1b]0;owned\x07b\rc\u{9b}d\te\u{202e}f".into(),
                stderr: false,
            },
        );
        assert_eq!(
            text_line(&r, false, false),
            "unit-app-0: 03:55:29 DEBUG unit.app/0.start a\\u{1b}[2J\\u{1b}]0;owned\\u{7}b\\rc\\u{9b}d\te\\u{202e}f"
        );
        let r = record(
            Some("app/0"),
            Event::JujuLog { hook: "start".into(), level: Level::Info, message: "line one\nline two\x1b[1m".into() },
        );
        assert_eq!(
            text_line(&r, false, false),
            "unit-app-0: 03:55:29 INFO unit.app/0.juju-log line one\nunit-app-0:  | line two\\u{1b}[1m",
            "a multi-line message keeps its lines, each later one marked as the unit's (Juju prints them bare)"
        );
        // A hand-edited log's unit name is one line, spelled out.
        let r = record(
            Some("x\u{1b}]0;t\u{7}\u{2066}\nunit-y-9/0"),
            Event::HookOutput { hook: "start".into(), line: "a".into(), stderr: false },
        );
        assert_eq!(
            text_line(&r, false, false),
            "unit-x\\u{1b}]0;t\\u{7}\\u{2066}\\nunit-y-9-0: 03:55:29 DEBUG unit.x\\u{1b}]0;t\\u{7}\\u{2066}\\nunit-y-9/0.start a"
        );
    }

    #[test]
    fn limit_zero_is_no_limit_as_in_juju() {
        assert!(wants_more(None, 100));
        assert!(wants_more(Some(0), 1), "--limit 0 (Juju's default) stopped after one line");
        assert!(wants_more(Some(0), 100));
        assert!(wants_more(Some(3), 2));
        assert!(!wants_more(Some(3), 3));
    }

    #[test]
    fn filters_by_entity_and_level() {
        let hook = record(Some("app/0"), Event::HookStarted { hook: "install".into() });
        let other = record(Some("db/1"), Event::HookStarted { hook: "install".into() });
        let lease = record(Some("app/0"), Event::Lease { term: 1, lease_ms: 2, guarantee_ms: 1 });
        let up = record(None, Event::UpStopping);
        let keeps = |f: &Filter| [&hook, &other, &lease, &up].map(|r| f.keeps(r));
        assert_eq!(keeps(&Filter::default()), [true, true, false, true], "TRACE hidden by default");
        let level = |l| Filter { level: Some(l), ..Filter::default() };
        assert_eq!(keeps(&level(Level::Trace)), [true, true, true, true]);
        assert_eq!(keeps(&level(Level::Warning)), [false, false, false, false]);
        let include = |p: &[&str]| Filter { include: p.iter().map(|s| s.to_string()).collect(), ..Filter::default() };
        assert_eq!(keeps(&include(&["app/0"])), [true, false, false, false]);
        assert_eq!(keeps(&include(&["unit-app-0", "leaderd-up"])), [true, false, false, true]);
        assert_eq!(keeps(&include(&["db"])), [false, true, false, false]);
        let exclude = Filter { exclude: vec!["app".into()], ..Filter::default() };
        assert_eq!(keeps(&exclude), [false, true, false, true]);
    }

    #[test]
    fn bad_levels_get_jujus_words() {
        assert_eq!(parse_level("warn"), Ok(Level::Warning));
        assert_eq!(
            parse_level("loud"),
            Err("level value \"loud\" is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\"".into())
        );
    }

    #[test]
    fn a_line_written_just_before_a_rotation_is_not_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        let line = |v: u64| {
            let mut s = serde_json::to_string(&Record::now(None, Event::SettingsVersion { version: v })).unwrap();
            s.push('\n');
            s
        };
        let version = |r: &Record| match r.event {
            Event::SettingsVersion { version } => version,
            _ => 0,
        };
        std::fs::write(&path, line(1)).unwrap();
        let mut tail = Tail::open(&path).unwrap();
        let mut seen: Vec<u64> = tail.read_new().unwrap().iter().map(version).collect();
        // A writer appends line 2 and rotates while the tail is between its two looks.
        let rotate = || {
            let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
            f.write_all(line(2).as_bytes()).unwrap();
            std::fs::rename(&path, leaderd_sys::events::rotated(&path)).unwrap();
            std::fs::write(&path, line(3)).unwrap();
        };
        seen.extend(tail.read_new_racing(rotate).unwrap().iter().map(version));
        seen.extend(tail.read_new().unwrap().iter().map(version));
        assert_eq!(seen, [1, 2, 3]);
    }

    #[test]
    fn the_tail_reads_whole_lines_and_follows_a_rotation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.jsonl");
        let line = |v: u64| {
            let mut s = serde_json::to_string(&Record::now(None, Event::SettingsVersion { version: v })).unwrap();
            s.push('\n');
            s
        };
        std::fs::write(&path, line(1)).unwrap();
        let mut tail = Tail::open(&path).unwrap();
        let versions = |rs: Vec<Record>| {
            rs.into_iter()
                .map(|r| match r.event {
                    Event::SettingsVersion { version } => version,
                    _ => 0,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(versions(tail.read_new().unwrap()), [1]);
        let two = line(2);
        let (head, rest) = two.split_at(10);
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(head.as_bytes()).unwrap();
        assert_eq!(versions(tail.read_new().unwrap()), Vec::<u64>::new(), "half a line waits");
        f.write_all(rest.as_bytes()).unwrap();
        f.write_all(line(3).as_bytes()).unwrap();
        std::fs::rename(&path, leaderd_sys::events::rotated(&path)).unwrap();
        std::fs::write(&path, line(4)).unwrap();
        assert_eq!(versions(tail.read_new().unwrap()), [2, 3, 4]);
    }
}
