//! `juju debug-log [-i ENTITY...] [-x ENTITY...] [-l LEVEL] [-n N] [--limit N] [--replay]
//! [--no-tail | --tail] [--date] [--ms] [--utc] [--location] [--color]` (juju/juju 3.6
//! `cmd/juju/commands/debuglog.go`): the model's log, as Juju prints it. The rules are Juju
//! 3.6's: `--limit N` shows the N most recent (filtered) lines, or with `--replay` the first N,
//! and exits; `-n N` shows the N most recent (10 by default) and then follows; the log is
//! followed with `--tail`, never with `--no-tail` or `--limit`, and otherwise only when stdout is
//! a terminal, so a captured `juju debug-log` ends. The model's log is its own
//! (`<model>/events.jsonl`); leaderd's `debug-log` (`src/local/debug_log.rs`) reads it.

use std::io::IsTerminal;

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};
use crate::local::debug_log::DebugLogArgs;

pub(crate) const DEBUG_LOG: JujuCommand =
    JujuCommand { name: "debug-log", command, init: |m| Ok(Box::new(DebugLog::init(m)?)) };

const DOC: &str = "

This command provides access to all logged Juju activity on a per-model
basis. By default, the logs for the currently select model are shown.

Each log line is emitted in this format:

  <entity> <timestamp> <log-level> <module>:<line-no> <message>

The \"entity\" is the source of the message: a machine or unit. The names for
machines and units can be seen in the output of `juju status`.

The '--include' and '--exclude' options filter by entity. The entity can be
a unit or an application (all its units).

The filtering options combine as follows:
* All --include options are logically ORed together.
* All --exclude options are logically ORed together.
* The combined --include and --exclude selections are logically ANDed to form
  the complete filter.

";

const EXAMPLES: &str = "
Show a maximum of 100 lines; and continue to append filtered messages:

    juju debug-log --lines 100

Include only messages from the mysql/0 unit; show a maximum of 50 lines; and then
exit:

    juju debug-log --include mysql/0 --limit 50

Show all messages from the apache/2 unit and then exit:

    juju debug-log --replay --include apache/2 --no-tail

To see all WARNING and ERROR messages and then continue showing any
new WARNING and ERROR messages as they are logged:

    juju debug-log --replay --level WARNING
";

fn command() -> Command {
    let entities = |name: &'static str, short: char, help: &'static str| {
        Arg::new(name)
            .long(name)
            .short(short)
            .action(ArgAction::Append)
            .value_name("ENTITY")
            .default_value("")
            .help(help)
    };
    let count = |arg: Arg| arg.action(ArgAction::Set).value_name("N");
    model::model_option(cmd::tool_command("juju debug-log", ""))
        .about("Displays log messages for a model.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(entities("include", 'i', "Only show log messages for these entities"))
        .arg(entities("exclude", 'x', "Do not show log messages for these entities"))
        .arg(option("level", "LEVEL", "Log level to show, one of [TRACE, DEBUG, INFO, WARNING, ERROR]").short('l'))
        .arg(count(
            Arg::new("lines")
                .long("lines")
                .default_value("10")
                .short('n')
                .help("Show this many of the most recent (possibly filtered) lines, and continue to append"),
        ))
        .arg(count(
            Arg::new("limit")
                .long("limit")
                .default_value("0")
                .help("Exit once this many of the most recent (possibly filtered) lines are shown"),
        ))
        .arg(cmd::bool_flag("replay", "Show the entire (possibly filtered) log and continue to append"))
        .arg(cmd::bool_flag("no-tail", "Stop after returning existing log messages"))
        .arg(cmd::bool_flag("tail", "Wait for new logs"))
        .arg(cmd::bool_flag("color", "Force use of ANSI color codes"))
        .arg(cmd::bool_flag("utc", "Show times in UTC"))
        .arg(cmd::bool_flag("location", "Show filename and line numbers"))
        .arg(cmd::bool_flag("date", "Show dates as well as times"))
        .arg(cmd::bool_flag("ms", "Show times to millisecond precision"))
}

struct DebugLog {
    matches: ArgMatches,
    args: DebugLogArgs,
}

/// gnuflag's `UintVar`: `strconv.ParseUint(s, 0, 64)`'s words for one that is not.
fn uint(m: &ArgMatches, id: &str) -> Result<Option<usize>, UsageError> {
    let Some(text) = string(m, id) else { return Ok(None) };
    text.parse::<usize>().map(Some).map_err(|_| {
        UsageError(format!(
            "invalid value {} for option --{id}: strconv.ParseUint: parsing {}: invalid syntax",
            leaderd_core::gocompat::go_quote(&text),
            leaderd_core::gocompat::go_quote(&text)
        ))
    })
}

impl DebugLog {
    fn init(m: &ArgMatches) -> Result<DebugLog, UsageError> {
        let level = match string(m, "level").filter(|l| !l.is_empty()) {
            Some(text) => Some(crate::local::debug_log::parse_level(&text).map_err(UsageError)?),
            None => None,
        };
        let (tail, no_tail) = (m.get_flag("tail"), m.get_flag("no-tail"));
        if tail && no_tail {
            return Err(UsageError("setting --tail and --no-tail not valid".into()));
        }
        let lines = uint(m, "lines")?;
        let limit = uint(m, "limit")?.filter(|l| *l > 0);
        if tail && limit.is_some() {
            return Err(UsageError("setting --tail and --limit not valid".into()));
        }
        let extra = cmd::positionals(m);
        if !extra.is_empty() {
            return Err(cmd::unrecognized(&extra));
        }
        // juju/cmd's AppendStringsValue (its empty default is no entity).
        let many = |id: &str| {
            m.get_many::<String>(id).map(|v| v.filter(|e| !e.is_empty()).cloned().collect()).unwrap_or_default()
        };
        let args = DebugLogArgs {
            state: None,
            include: many("include"),
            exclude: many("exclude"),
            level,
            // `--limit N` is the backlog (the N most recent lines), and the end.
            lines: limit.or(lines).unwrap_or(10),
            limit,
            replay: m.get_flag("replay"),
            no_tail: no_tail || limit.is_some(),
            tail,
            date: m.get_flag("date"),
            ms: m.get_flag("ms"),
            format: "text".into(),
        };
        Ok(DebugLog { matches: m.clone(), args })
    }
}

impl Run for DebugLog {
    fn run(&self) -> Result<Outcome, RunError> {
        let mut args = self.args.clone();
        args.state = Some(state(&self.matches)?);
        let terminal = std::io::stdout().is_terminal();
        if args.tail || (terminal && !args.no_tail) {
            // Followed: the lines go out as they come.
            crate::local::debug_log::run_to(&args, terminal, &mut std::io::stdout().lock()).map_err(failed)?;
            return Ok(Outcome::default());
        }
        let mut stdout = Vec::new();
        crate::local::debug_log::run_to(&args, false, &mut stdout).map_err(failed)?;
        Ok(Outcome { stdout, ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};
    use super::*;

    fn args(words: &[&str]) -> DebugLogArgs {
        let definition = super::super::common_options(command());
        let words: Vec<std::ffi::OsString> = words.iter().map(Into::into).collect();
        let Ok(cmd::Parsed::Matches(m)) = cmd::parse(definition, &words) else { panic!("{words:?}") };
        DebugLog::init(&m).unwrap().args
    }

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["debug-log", "--help"]);
        assert!(
            help.starts_with("Usage: juju debug-log [options]\n\nSummary:\nDisplays log messages for a model.\n"),
            "{help}"
        );
        assert!(help.contains("\n--limit  (= 0)\n") && help.contains("\n-n, --lines  (= 10)\n"), "{help}");
        refused(&["debug-log", "--tail", "--no-tail"], "setting --tail and --no-tail not valid");
        refused(&["debug-log", "--tail", "--limit", "3"], "setting --tail and --limit not valid");
        refused(
            &["debug-log", "-l", "loud"],
            "level value \"loud\" is not one of \"TRACE\", \"DEBUG\", \"INFO\", \"WARNING\", \"ERROR\"",
        );
        refused(
            &["debug-log", "-n", "x"],
            "invalid value \"x\" for option --lines: strconv.ParseUint: parsing \"x\": invalid syntax",
        );
        refused(&["debug-log", "extra"], "unrecognized args: [\"extra\"]");
        no_such_model(&["debug-log", "--limit", "1000"]);
    }

    /// Juju 3.6's rules: `--limit N` is the N most recent lines and the end; `-n N` the N most
    /// recent, then the log is followed (on a terminal); `--replay --limit N` the first N.
    #[test]
    fn limit_is_the_backlog_and_the_end() {
        let a = args(&["--limit", "1000"]);
        assert_eq!((a.lines, a.limit, a.no_tail, a.replay), (1000, Some(1000), true, false));
        let a = args(&[]);
        assert_eq!((a.lines, a.limit, a.no_tail, a.tail), (10, None, false, false));
        let a = args(&["-n", "50", "--limit", "0"]);
        assert_eq!((a.lines, a.limit, a.no_tail), (50, None, false), "--limit 0 is no limit");
        let a = args(&["--replay", "--limit", "2", "-i", "app/0", "-x", "db", "--level", "WARNING"]);
        assert_eq!((a.lines, a.limit, a.no_tail, a.replay), (2, Some(2), true, true));
        assert_eq!(
            (a.include, a.exclude, a.level),
            (vec!["app/0".to_string()], vec!["db".to_string()], Some(leaderd_sys::events::Level::Warning))
        );
    }
}
