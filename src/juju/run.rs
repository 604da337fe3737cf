//! `juju run <unit> [<unit> ...] <action-name> [<key>=<value>...] [--params FILE]
//! [--string-args] [--background] [--wait D] [--format plain|yaml|json] [--utc]` (juju/juju
//! 3.6.0 `cmd/juju/action/run.go`, `common.go`): an operation with a task per unit, progress
//! on stderr, the results on stdout; exit 1 when a task's return code is 1 or more or the wait
//! runs out. A unit or action that does not exist is a task that failed to schedule: nothing
//! on stdout, exit 0, the reason on stderr (what jubilant reads as "not found"). leaderd's
//! `run` (`src/local/run.rs`) does the work, with Juju's scheduling.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{duration, failed, format_option, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const RUN: JujuCommand = JujuCommand { name: "run", command, init: |m| Ok(Box::new(JujuRun::init(m)?)) };

const DOC: &str = "
Run a charm action for execution on the given unit(s), with a given set of params.
An ID is returned for use with 'juju show-operation <ID>'.

All units must be of the same application.

A action executed on a given unit becomes a task with an ID that can be
used with 'juju show-task <ID>'.

Running an action returns the overall operation ID as well as the individual
task ID(s) for each unit.

To queue a action to be run in the background without waiting for it to finish,
use the --background option.

To set the maximum time to wait for a action to complete, use the --wait option.

By default, a single action will output its failure message if the action fails,
followed by any results set by the action. For multiple actions, each action's
results will be printed with the action id and action status. To see more detailed
information about run timings etc, use --format yaml.

Valid unit identifiers are: 
  a standard unit ID, such as mysql/0 or;
  leader syntax of the form <application>/leader, such as mysql/leader.

If the leader syntax is used, the leader unit for the application will be
resolved before the action is enqueued.

Params are validated according to the charm for the unit's application.  The
valid params can be seen using \"juju actions <application> --schema\".
Params may be in a yaml file which is passed with the --params option, or they
may be specified by a key.key.key...=value format (see examples below.)

Params given in the CLI invocation will be parsed as YAML unless the
--string-args option is set.  This can be helpful for values such as 'y', which
is a boolean true in YAML.

If --params is passed, along with key.key...=value explicit arguments, the
explicit arguments will override the parameter file.
";

const EXAMPLES: &str = "
    juju run mysql/3 backup --background
    juju run mysql/3 backup --wait=2m
    juju run mysql/3 backup --format yaml
    juju run mysql/3 backup --utc
    juju run mysql/3 backup
    juju run mysql/leader backup
    juju show-operation <ID>
    juju run mysql/3 backup --params parameters.yml
    juju run mysql/3 backup out=out.tar.bz2 file.kind=xz file.quality=high
    juju run mysql/3 backup --params p.yml file.kind=xz file.quality=high
    juju run sleeper/0 pause time=1000
    juju run sleeper/0 pause --string-args time=1000
";

fn command() -> Command {
    model::model_option(cmd::tool_command(
        "juju run",
        "<unit> [<unit> ...] <action-name> [<key>=<value> [<key>[.<key> ...]=<value>]]",
    ))
    .about("Run an action on a specified unit.")
    .long_about(DOC)
    .after_long_help(EXAMPLES)
    .arg(format_option(&["json", "plain", "yaml"], "plain"))
    .arg(option("params", "FILE", "Path to yaml-formatted params file"))
    .arg(cmd::bool_flag("string-args", "Use raw string values of CLI args"))
    .arg(cmd::bool_flag("background", "Run the task in the background"))
    .arg(option("wait", "DURATION", "Maximum wait time for a task to complete").default_value("0s"))
    .arg(cmd::bool_flag("no-color", "Disable ANSI color codes in output"))
    .arg(cmd::bool_flag("color", "Use ANSI color codes in output"))
    .arg(cmd::bool_flag("utc", "Show times in UTC"))
}

struct JujuRun {
    matches: ArgMatches,
    args: Vec<String>,
    wait: Option<std::time::Duration>,
}

impl JujuRun {
    fn init(m: &ArgMatches) -> Result<JujuRun, UsageError> {
        let wait = duration(m, "wait")?;
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        // run.go Init: the units (app/N or app/leader) come first, all of one application.
        let units: Vec<&String> = args.iter().take_while(|a| a.contains('/') && !a.contains('=')).collect();
        let mut apps: Vec<&str> = units.iter().filter_map(|u| u.split('/').next()).collect();
        apps.dedup();
        if apps.len() > 1 {
            return Err(UsageError("all units must be of the same application".into()));
        }
        Ok(JujuRun { matches: m.clone(), args, wait })
    }
}

impl Run for JujuRun {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let m = &self.matches;
        let args = crate::local::run::RunArgs {
            args: self.args.clone(),
            params_file: string(m, "params").map(Into::into),
            format: string(m, "format").unwrap_or_default(),
            wait: self.wait,
            background: m.get_flag("background"),
            string_args: m.get_flag("string-args"),
            quiet: m.get_flag("quiet"),
        };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let out = &mut crate::local::run::Out { stdout: &mut stdout, stderr: &mut stderr, juju: true };
        let code = crate::local::run::run_to(&state, args, out).map_err(failed)?;
        Ok(Outcome { stdout, stderr, code: code as u8 })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["run", "--help"]);
        assert!(
            help.starts_with(
                "Usage: juju run [options] <unit> [<unit> ...] <action-name> [<key>=<value> [<key>[.<key> ...]=<value>]]\n\n\
                 Summary:\nRun an action on a specified unit.\n\nOptions:\n--background  (= false)\n"
            ),
            "{help}"
        );
        assert!(help.contains("\n--wait  (= 0s)\n    Maximum wait time for a task to complete\n"), "{help}");
        refused(&["run", "a/0", "b/0", "act"], "all units must be of the same application");
        refused(
            &["run", "a/0", "act", "--wait", "x"],
            "invalid value \"x\" for option --wait: time: invalid duration \"x\"",
        );
        refused(
            &["run", "a/0", "act", "--format", "smart"],
            "invalid value \"smart\" for option --format: unknown format \"smart\"",
        );
        refused(&["run", "a/0", "act", "--wait"], "option needs an argument: --wait");
        // The rest of Juju's Init is leaderd run's, once the model is known.
        no_such_model(&["run", "testdb/0", "do-thing", "--wait", "0.001s", "--format", "json"]);
    }
}
