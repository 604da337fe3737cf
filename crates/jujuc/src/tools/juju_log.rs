//! `juju-log`: write a message to the unit agent's log. ops calls it for every log
//! record (`juju-log --log-level L -- msg`), so it must never fail on a good call.

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::wire::hook::{LogLevel, LogRecord};

pub const NAME: &str = "juju-log";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("MESSAGE", "The message (after \"--\" if it starts with \"-\")")),
    live_keys: None,
};

pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<message>")
        .about("write a message to the juju log")
        .arg(
            // A Go bool option: `--debug`, or `--debug=false` (see `cmd::is_bool`).
            Arg::new("debug")
                .long("debug")
                .num_args(0..=1)
                .require_equals(true)
                .default_value("false")
                .default_missing_value("true")
                .value_parser(clap::value_parser!(bool))
                .help("log at debug level"),
        )
        .arg(
            Arg::new("log-level")
                .short('l')
                .long("log-level")
                .value_name("LEVEL")
                .default_value("INFO")
                .allow_hyphen_values(true)
                // Offered by shell completion; any string is accepted (Juju warns and uses INFO).
                .value_parser(LevelHints)
                .hide_possible_values(true)
                .help("Send log message at the given level"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value("")
                .allow_hyphen_values(true)
                .help("deprecated format flag"),
        )
}

/// A validated `juju-log` call.
pub struct JujuLog {
    records: Vec<LogRecord>,
    format_given: bool,
}

pub fn init(m: &ArgMatches) -> Result<JujuLog, UsageError> {
    let args = cmd::positionals(m);
    if args.is_empty() {
        return Err(UsageError("no message specified".into()));
    }
    // A log line is never worth failing a hook over: bytes that are not UTF-8 are replaced.
    let message = args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
    let level_arg = m.get_one::<String>("log-level").map(String::as_str).unwrap_or("INFO");
    let mut records = Vec::new();
    let level = if m.get_one::<bool>("debug").copied().unwrap_or(false) {
        LogLevel::Debug
    } else if level_arg.is_empty() {
        LogLevel::Info
    } else {
        LogLevel::parse(level_arg).unwrap_or_else(|| {
            records.push(LogRecord {
                level: LogLevel::Warning,
                message: format!("Specified log level of {} is not valid", go_quote(level_arg)),
            });
            LogLevel::Info
        })
    };
    // In a relation hook Juju prefixes the message with the relation (`juju-log.go`:
    // `r.FakeId() + ": "`).
    let prefix = super::relation::HookRelation::from_env().fake_id.map(|id| id + ": ").unwrap_or_default();
    records.push(LogRecord { level, message: prefix + &message });
    let format_given = m.get_one::<String>("format").is_some_and(|f| !f.is_empty());
    Ok(JujuLog { records, format_given })
}

impl Run for JujuLog {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.log(self.records).map_err(|e| e.annotate("cannot log"))?;
        let mut outcome = Outcome::default();
        if self.format_given {
            // Juju writes this without a trailing newline.
            outcome.stderr = format!("--format flag deprecated for command {}", go_quote(NAME)).into_bytes();
        }
        Ok(outcome)
    }
}

/// juju-log's `-l`: any string (Juju warns about a bad level and uses INFO), with loggo's
/// levels offered to shell completion.
#[derive(Clone)]
struct LevelHints;

impl clap::builder::TypedValueParser for LevelHints {
    type Value = String;

    fn parse_ref(&self, _: &Command, _: Option<&Arg>, value: &std::ffi::OsStr) -> Result<String, clap::Error> {
        Ok(value.to_string_lossy().into_owned())
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let levels = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];
        Some(Box::new(levels.into_iter().map(clap::builder::PossibleValue::new)))
    }
}
