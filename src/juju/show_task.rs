//! `juju show-task <task ID> [--format plain|yaml|json] [--wait D] [--watch] [--utc]`
//! (juju/juju 3.6.0 `cmd/juju/action/showtask.go`): a task as the model's controller keeps it.
//! leaderd's `show-task` (`src/local/run.rs`) does the work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{duration, failed, format_option, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const SHOW_TASK: JujuCommand =
    JujuCommand { name: "show-task", command, init: |m| Ok(Box::new(ShowTask::init(m)?)) };

const DOC: &str = "
Show the results returned by a task with the given ID.  
To block until the result is known completed or failed, use
the --wait option with a duration, as in --wait 5s or --wait 1h.
Use --watch to wait indefinitely.  

The default behavior without --wait or --watch is to immediately check and return;
if the results are \"pending\" then only the available information will be
displayed.  This is also the behavior when any negative time is given.
";

const EXAMPLES: &str = "
    juju show-task 1
    juju show-task 1 --wait=2m
    juju show-task 1 --watch
";

fn command() -> Command {
    model::model_option(cmd::tool_command("juju show-task", "<task ID>"))
        .about("Show results of a task by ID.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(format_option(&["json", "plain", "yaml"], "plain"))
        .arg(option("wait", "DURATION", "Maximum wait time for a task to complete").default_value("-1s"))
        .arg(cmd::bool_flag("watch", "Wait indefinitely for results"))
        .arg(cmd::bool_flag("utc", "Show times in UTC"))
}

struct ShowTask {
    matches: ArgMatches,
    id: u64,
    /// How long to wait for the task to end: `--wait` (negative: not at all), `--watch` (for
    /// ever, or near enough).
    wait: Option<std::time::Duration>,
}

impl ShowTask {
    fn init(m: &ArgMatches) -> Result<ShowTask, UsageError> {
        let wait = duration(m, "wait")?;
        let wait_given = m.value_source("wait") == Some(clap::parser::ValueSource::CommandLine);
        if m.get_flag("watch") && wait_given && wait.is_some() {
            return Err(UsageError("specify either --watch or --wait but not both".into()));
        }
        let args = cmd::positionals(m);
        let Some(id) = args.first().map(|a| a.to_string_lossy().into_owned()) else {
            return Err(UsageError("no task ID specified".into()));
        };
        let Ok(parsed) = id.parse::<u64>() else {
            return Err(UsageError(format!("task ID {} not valid", leaderd_core::gocompat::go_quote(&id))));
        };
        if args.len() > 1 {
            return Err(cmd::unrecognized(&args[1..]));
        }
        let wait = match m.get_flag("watch") {
            true => Some(std::time::Duration::from_secs(365 * 24 * 3600)),
            false => wait.filter(|_| wait_given),
        };
        Ok(ShowTask { matches: m.clone(), id: parsed, wait })
    }
}

impl Run for ShowTask {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let format = string(&self.matches, "format").unwrap_or_default();
        let text = crate::local::run::show_task_text(&state, self.id, &format, self.wait).map_err(failed)?;
        Ok(Outcome { stdout: text.into_bytes(), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["show-task", "--help"]);
        assert!(
            help.starts_with("Usage: juju show-task [options] <task ID>\n\nSummary:\nShow results of a task by ID.\n"),
            "{help}"
        );
        assert!(help.contains("\n--wait  (= -1s)\n"), "{help}");
        refused(&["show-task"], "no task ID specified");
        refused(&["show-task", "x"], "task ID \"x\" not valid");
        refused(&["show-task", "1", "--watch", "--wait", "1s"], "specify either --watch or --wait but not both");
        no_such_model(&["show-task", "1"]);
    }
}
