//! `juju exec (--unit U[,U...] | --application A[,A...] | --machine N | --all) [--wait D]
//! [--format plain|yaml|json] -- COMMAND...` (juju/juju 3.6.0 `cmd/juju/action/exec.go`): the
//! command runs on each unit as Juju's `juju-exec` task, in a hook context; one argument is the
//! command as it is, several are joined with shell quoting. leaderd has no machines: `--machine`
//! is refused (as a Kubernetes controller refuses it), and `--all` is every unit. leaderd's
//! `exec --format` (`src/local/run.rs`) does the work, with Juju's scheduling.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{duration, failed, format_option, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const EXEC: JujuCommand = JujuCommand { name: "exec", command, init: |m| Ok(Box::new(Exec::init(m)?)) };

const DOC: &str = "
Run a shell command on the specified targets. Only admin users of a model
are able to use this command.

Targets are specified using either machine ids, application names or unit
names.  At least one target specifier is needed.

Multiple values can be set for --machine, --application, and --unit by using
comma separated values.

--application can also be specified as --app and -a
--unit can also be specified as -u

Valid unit identifiers are: 
  a standard unit ID, such as mysql/0 or;
  leader syntax of the form <application>/leader, such as mysql/leader.

If the target is an application, the command is run on all units for that
application.

Commands run for applications or units are executed in a 'hook context' for
the unit.

leaderd runs no machines: --machine is refused, and --all is every unit of the
model.

If you need to pass options to the command being run, you must precede the
command and its arguments with \"--\", to tell \"juju exec\" to stop processing
those arguments. For example:

    juju exec --all -- hostname -f

";

const EXAMPLES: &str = "

    juju exec --all -- hostname -f

    juju exec --unit hello/0 env
";

/// What leaderd says to `--machine`.
pub(crate) const NO_MACHINES: &str = "leaderd has no machines: target units with --unit";

fn command() -> Command {
    let list = |name: &'static str, help: &'static str| option(name, "LIST", help);
    model::model_option(cmd::tool_command("juju exec", "<commands>"))
        .about("Run the commands on the remote targets specified.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(format_option(&["json", "plain", "yaml"], "plain"))
        .arg(option("wait", "DURATION", "Maximum wait time for a task to complete").default_value("0s"))
        .arg(cmd::bool_flag("background", "Run the task in the background"))
        .arg(cmd::bool_flag("no-color", "Disable ANSI color codes in output"))
        .arg(cmd::bool_flag("color", "Use ANSI color codes in output"))
        .arg(cmd::bool_flag("utc", "Show times in UTC"))
        .arg(cmd::bool_flag("all", "Run the commands on all the machines"))
        .arg(cmd::bool_flag("operator", "Run the commands on the operator (k8s-only)"))
        .arg(
            cmd::bool_flag("parallel", "Run the commands in parallel without first acquiring a lock")
                .default_value("true"),
        )
        .arg(option("execution-group", "GROUP", "Commands in the same execution group are run sequentially"))
        .arg(list("machine", "One or more machine ids"))
        .arg(list("application", "One or more application names").short('a').visible_alias("app"))
        .arg(list("unit", "One or more unit ids").short('u'))
}

/// Where the command runs.
#[derive(Debug, Clone, PartialEq)]
enum Targets {
    All,
    Machines,
    Applications(Vec<String>),
    Units(Vec<String>),
}

struct Exec {
    matches: ArgMatches,
    targets: Targets,
    units_too: Vec<String>,
    command: String,
    wait: Option<std::time::Duration>,
}

/// juju/cmd's `StringsValue`: comma-separated.
fn strings(m: &ArgMatches, id: &str) -> Vec<String> {
    string(m, id).map(|s| s.split(',').map(String::from).collect()).unwrap_or_default()
}

impl Exec {
    fn init(m: &ArgMatches) -> Result<Exec, UsageError> {
        let wait = duration(m, "wait")?;
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let command = match args.as_slice() {
            [] => return Err(UsageError("no commands specified".into())),
            [one] => one.clone(),
            several => several.iter().map(|w| crate::cli::shell_word(w)).collect::<Vec<_>>().join(" "),
        };
        let (machines, apps, units) = (strings(m, "machine"), strings(m, "application"), strings(m, "unit"));
        if m.get_flag("all") {
            for (given, what) in [(&machines, "machines"), (&apps, "applications"), (&units, "units")] {
                if !given.is_empty() {
                    return Err(UsageError(format!("You cannot specify --all and individual {what}")));
                }
            }
        } else if machines.is_empty() && apps.is_empty() && units.is_empty() {
            return Err(UsageError(
                "You must specify a target, either through --all, --machine, --application or --unit".into(),
            ));
        }
        let mut bad = Vec::new();
        for machine in &machines {
            if machine.is_empty()
                || !machine.split("/lxd/").all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            {
                bad.push(format!("  {} is not a valid machine id", leaderd_core::gocompat::go_quote(machine)));
            }
        }
        for app in &apps {
            if leaderd_core::names::check_application(app).is_err() {
                bad.push(format!("  {} is not a valid application name", leaderd_core::gocompat::go_quote(app)));
            }
        }
        for unit in &units {
            let leader =
                unit.strip_suffix("/leader").is_some_and(|a| leaderd_core::names::check_application(a).is_ok());
            if !leader && leaderd_core::names::unit_application(unit).is_err() {
                bad.push(format!("  {} is not a valid unit name", leaderd_core::gocompat::go_quote(unit)));
            }
        }
        if !bad.is_empty() {
            return Err(UsageError(format!("The following exec targets are not valid:\n{}", bad.join("\n"))));
        }
        let targets = if m.get_flag("all") {
            Targets::All
        } else if !machines.is_empty() {
            Targets::Machines
        } else if !apps.is_empty() {
            Targets::Applications(apps)
        } else {
            Targets::Units(units.clone())
        };
        Ok(Exec { matches: m.clone(), targets, units_too: units, command, wait })
    }

    /// The units to run on.
    fn units(&self, state: &std::path::Path) -> Result<Vec<String>, RunError> {
        let up = || crate::local::UpState::load(state).map_err(failed);
        let of = |up: &crate::local::UpState, app: Option<&str>| -> Vec<String> {
            up.units
                .iter()
                .filter(|u| app.is_none_or(|app| u.name.split('/').next() == Some(app)))
                .map(|u| u.name.clone())
                .collect()
        };
        Ok(match &self.targets {
            Targets::Machines => return Err(RunError(NO_MACHINES.into())),
            Targets::All => of(&up()?, None),
            Targets::Units(units) => {
                // An `app/leader` that names no application is the call's error, not a task's
                // (juju/juju `apiserver/facades/client/action/run.go`, `getAllUnitNames`); an
                // unknown unit is a task that failed to schedule.
                let leaders: Vec<&str> = units.iter().filter_map(|u| u.strip_suffix("/leader")).collect();
                if !leaders.is_empty() {
                    let up = up()?;
                    if let Some(app) = leaders.iter().find(|app| of(&up, Some(app)).is_empty()) {
                        let app = leaderd_core::gocompat::go_quote(app);
                        return Err(RunError(format!("could not determine leader for {app}")));
                    }
                }
                units.clone()
            }
            Targets::Applications(apps) => {
                let up = up()?;
                let mut units = Vec::new();
                for app in apps {
                    let of_app = of(&up, Some(app));
                    // The controller's words for an application it does not have
                    // (juju/juju `apiserver/facades/client/action/run.go`, `getAllUnitNames`).
                    if of_app.is_empty() {
                        return Err(RunError(format!(
                            "application {} not found",
                            leaderd_core::gocompat::go_quote(app)
                        )));
                    }
                    units.extend(of_app);
                }
                units.extend(self.units_too.iter().cloned());
                units
            }
        })
    }
}

impl Run for Exec {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let units = self.units(&state)?;
        let format = string(&self.matches, "format").unwrap_or_default();
        // Plain output is each command's own output (exec.go `printExecOutput`): asked for as
        // json and taken apart here.
        let asked = if format == "plain" { "json" } else { format.as_str() };
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let out = &mut crate::local::run::Out { stdout: &mut stdout, stderr: &mut stderr, juju: true };
        let code = crate::local::run::exec_formatted_to(&state, &units, &self.command, asked, self.wait, out)
            .map_err(failed)?;
        if format == "plain" && !stdout.is_empty() {
            let (plain_out, plain_err) = plain(&stdout);
            stdout = plain_out;
            stderr.splice(0..0, plain_err);
        }
        Ok(Outcome { stdout, stderr, code: code as u8 })
    }
}

/// exec.go `printExecOutput`: one unit's stdout and stderr as they are; several units' as a
/// YAML map of unit to its id, status and output.
fn plain(json: &[u8]) -> (Vec<u8>, Vec<u8>) {
    let Ok(serde_json::Value::Object(results)) = serde_json::from_slice::<serde_json::Value>(json) else {
        return (json.to_vec(), Vec::new());
    };
    let text = |v: &serde_json::Value, key: &str| v["results"][key].as_str().unwrap_or_default().to_string();
    if let [(_, only)] = results.iter().collect::<Vec<_>>().as_slice() {
        return (text(only, "stdout").into_bytes(), text(only, "stderr").into_bytes());
    }
    let mut tree = leaderd_core::format::Tree::new();
    for (unit, result) in &results {
        use leaderd_core::format::Node;
        let mut entry = leaderd_core::format::Tree::new();
        entry.insert("id".into(), Node::Str(result["id"].as_str().unwrap_or_default().into()));
        entry.insert("status".into(), Node::Str(result["status"].as_str().unwrap_or_default().into()));
        for key in ["stdout", "stderr"] {
            let value = text(result, key);
            if !value.is_empty() {
                entry.insert(key.into(), Node::Str(value));
            }
        }
        tree.insert(unit.clone(), Node::Map(entry));
    }
    let yaml =
        leaderd_core::format::render(leaderd_core::format::Format::Yaml, &leaderd_core::format::Value::Tree(tree));
    (yaml.into_bytes(), Vec::new())
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};
    use super::*;

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["exec", "--help"]);
        assert!(
            help.starts_with("Usage: juju exec [options] <commands>\n\nSummary:\nRun the commands on the remote targets specified.\n\nOptions:\n-a, --application, --app (= \"\")\n"),
            "{help}"
        );
        assert!(help.contains("\n--parallel  (= true)\n"), "{help}");
        refused(&["exec", "--unit", "a/0"], "no commands specified");
        refused(
            &["exec", "--", "echo"],
            "You must specify a target, either through --all, --machine, --application or --unit",
        );
        refused(&["exec", "--all", "-u", "a/0", "--", "echo"], "You cannot specify --all and individual units");
        refused(&["exec", "--all", "--machine", "0", "--", "echo"], "You cannot specify --all and individual machines");
        refused(
            &["exec", "-u", "a/x,b/leader", "--app", "B", "--machine", "m", "--", "echo"],
            "The following exec targets are not valid:\n  \"m\" is not a valid machine id\n  \"B\" is not a valid application name\n  \"a/x\" is not a valid unit name",
        );
        refused(
            &["exec", "-u", "a/0", "--wait", "1", "--", "echo"],
            "invalid value \"1\" for option --wait: time: missing unit in duration \"1\"",
        );
        no_such_model(&["exec", "--format", "json", "--unit", "testdb/0", "--", "echo foo"]);
        no_such_model(&["exec", "--format", "json", "--machine", "0", "--", "echo foo"]);
    }

    #[test]
    fn several_words_are_one_command_quoted_as_juju_quotes_them() {
        let parse = |args: &[&str]| {
            let definition = super::super::common_options(command());
            let args: Vec<std::ffi::OsString> = args.iter().map(Into::into).collect();
            let Ok(cmd::Parsed::Matches(m)) = cmd::parse(definition, &args) else { panic!("{args:?}") };
            Exec::init(&m).unwrap()
        };
        assert_eq!(parse(&["-u", "a/0", "--", "echo foo; exit 3"]).command, "echo foo; exit 3");
        assert_eq!(parse(&["-u", "a/0", "--", "echo", "bar baz", "$x"]).command, "echo \"bar baz\" \"\\$x\"");
        assert_eq!(parse(&["--machine", "0", "--", "x"]).targets, Targets::Machines);
        assert_eq!(parse(&["-a", "x,y", "--", "x"]).targets, Targets::Applications(vec!["x".into(), "y".into()]));
    }

    #[test]
    fn plain_output_is_the_commands_own() {
        let one = br#"{"a/0":{"id":"2","results":{"return-code":0,"stdout":"foo\n","stderr":"warn\n"},"status":"completed","unit":"a/0"}}"#;
        assert_eq!(plain(one), (b"foo\n".to_vec(), b"warn\n".to_vec()));
        let two = br#"{"a/0":{"id":"2","results":{"return-code":0,"stdout":"foo\n"},"status":"completed"},"a/1":{"id":"3","results":{"return-code":1},"status":"completed"}}"#;
        assert_eq!(
            String::from_utf8(plain(two).0).unwrap(),
            "a/0:\n  id: \"2\"\n  status: completed\n  stdout: |\n    foo\na/1:\n  id: \"3\"\n  status: completed\n"
        );
    }
}
