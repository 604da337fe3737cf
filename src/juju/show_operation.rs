//! `juju show-operation <operation-id> [--format yaml|json] [--wait D] [--watch] [--utc]`
//! (juju/juju 3.6.0 `cmd/juju/action/showoperation.go`) and `juju operations [--format
//! plain|yaml|json] [--utc]` (`cmd/juju/action/listoperations.go`): the operations `juju run`
//! scheduled, as the model's controller keeps them. leaderd's `show-operation`
//! (`src/local/show_operation.rs`) does the work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{duration, failed, format_option, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const SHOW_OPERATION: JujuCommand =
    JujuCommand { name: "show-operation", command, init: |m| Ok(Box::new(ShowOperation::init(m)?)) };

pub(crate) const OPERATIONS: JujuCommand =
    JujuCommand { name: "operations", command: operations_command, init: |m| Ok(Box::new(Operations::init(m)?)) };

/// Juju's alias of `operations` (its `Info().Aliases`).
pub(crate) const LIST_OPERATIONS: JujuCommand = JujuCommand {
    name: "list-operations",
    command: || operations_named("juju list-operations"),
    init: |m| Ok(Box::new(Operations::init(m)?)),
};

const DOC: &str = "
Show the results returned by an operation with the given ID.  
To block until the result is known completed or failed, use
the --wait option with a duration, as in --wait 5s or --wait 1h.
Use --watch to wait indefinitely.  

The default behavior without --wait or --watch is to immediately check and return;
if the results are \"pending\" then only the available information will be
displayed.  This is also the behavior when any negative time is given.
";

const EXAMPLES: &str = "
    juju show-operation 1
    juju show-operation 1 --wait=2m
    juju show-operation 1 --watch
";

fn command() -> Command {
    model::model_option(cmd::tool_command("juju show-operation", "<operation-id>"))
        .about("Show results of an operation.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(format_option(&["json", "yaml"], "yaml"))
        .arg(option("wait", "DURATION", "Wait for results").default_value("-1s"))
        .arg(cmd::bool_flag("watch", "Wait indefinitely for results"))
        .arg(cmd::bool_flag("utc", "Show times in UTC"))
}

struct ShowOperation {
    matches: ArgMatches,
    args: Vec<String>,
    /// `--wait` as given (a negative one: no wait; 0: until the operation ends).
    wait: Option<std::time::Duration>,
}

impl ShowOperation {
    fn init(m: &ArgMatches) -> Result<ShowOperation, UsageError> {
        let parsed = duration(m, "wait")?;
        let given = m.value_source("wait") == Some(clap::parser::ValueSource::CommandLine);
        let negative = string(m, "wait").is_some_and(|w| w.starts_with('-'));
        // Juju's Init: `--watch` with a `--wait` other than the default is refused.
        let wait = if given && string(m, "wait").as_deref() != Some("-1s") { parsed } else { None };
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let show = crate::local::show_operation::ShowOperation {
            args: args.clone(),
            format: String::new(),
            wait: wait.filter(|_| !negative || m.get_flag("watch")),
            watch: m.get_flag("watch"),
        };
        crate::local::show_operation::init(&show).map_err(|e| UsageError(e.to_string()))?;
        Ok(ShowOperation { matches: m.clone(), args, wait: show.wait })
    }
}

impl Run for ShowOperation {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let show = crate::local::show_operation::ShowOperation {
            args: self.args.clone(),
            format: string(&self.matches, "format").unwrap_or_default(),
            wait: self.wait,
            watch: self.matches.get_flag("watch"),
        };
        let text = crate::local::show_operation::show_operation_text(&state, show).map_err(failed)?;
        Ok(Outcome { stdout: text.into_bytes(), ..Default::default() })
    }
}

const OPERATIONS_DOC: &str = "
List the operations with the specified query criteria.
When an application is specified, all units from that application are relevant.

When run without any arguments, operations corresponding to actions for all
application units are returned.
To see operations corresponding to juju run tasks, specify an action name
\"juju-exec\" and/or one or more machines.
";

const OPERATIONS_EXAMPLES: &str = "
    juju operations
    juju operations --format yaml
";

fn operations_command() -> Command {
    operations_named("juju operations")
}

fn operations_named(name: &'static str) -> Command {
    model::model_option(cmd::tool_command(name, ""))
        .about("Lists pending, running, or completed operations for specified application, units, machines, or all.")
        .long_about(OPERATIONS_DOC)
        .after_long_help(OPERATIONS_EXAMPLES)
        .arg(format_option(&["json", "plain", "yaml"], "plain"))
        .arg(cmd::bool_flag("utc", "Show times in UTC"))
}

struct Operations {
    matches: ArgMatches,
}

impl Operations {
    fn init(m: &ArgMatches) -> Result<Operations, UsageError> {
        let args = cmd::positionals(m);
        if !args.is_empty() {
            return Err(cmd::unrecognized(&args));
        }
        Ok(Operations { matches: m.clone() })
    }
}

impl Run for Operations {
    fn run(&self) -> Result<Outcome, RunError> {
        use leaderd_core::format::{render, Format, Value};
        let state = state(&self.matches)?;
        let list = crate::local::show_operation::operations_list(&state).map_err(failed)?;
        if list.is_empty() {
            // Juju's `ctx.Infof("no matching operations")`: on stderr, exit 0.
            return Ok(Outcome { stderr: b"no matching operations\n".to_vec(), ..Default::default() });
        }
        let format = string(&self.matches, "format").unwrap_or_default();
        let text = match format.as_str() {
            "plain" => {
                let mut rows =
                    vec![["ID", "Status", "Started", "Finished", "Task IDs", "Summary"].map(String::from).to_vec()];
                for (line, _) in &list {
                    // Juju's `maxTaskIDs`: five task ids, then `...`.
                    let mut tasks = line.tasks.iter().take(5).cloned().collect::<Vec<_>>().join(",");
                    if line.tasks.len() > 5 {
                        tasks.push_str("...");
                    }
                    rows.push(vec![
                        line.id.to_string(),
                        line.status.clone(),
                        line.started.clone(),
                        line.finished.clone(),
                        tasks,
                        line.summary.clone(),
                    ]);
                }
                super::status::table(&rows, &[0])
            }
            _ => {
                let by_id: leaderd_core::format::Tree =
                    list.into_iter().map(|(line, info)| (line.id.to_string(), info)).collect();
                let format = if format == "json" { Format::Json } else { Format::Yaml };
                render(format, &Value::Tree(by_id))
            }
        };
        Ok(Outcome { stdout: text.into_bytes(), ..Default::default() })
    }
}
