//! `juju add-unit APP [-n N]` (juju/juju 3.6.0 `cmd/juju/application/addunit.go`): the model's
//! `up` starts N more units of the application, numbered after every unit it ever had; they are
//! in `juju status` when the command returns. Prints nothing.

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::up::{AddUnitRequest, ADD_UNIT_PATH};

use super::model::{self, Model};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const ADD_UNIT: JujuCommand =
    JujuCommand { name: "add-unit", command, init: |m| Ok(Box::new(AddUnit::init(m)?)) };

fn command() -> Command {
    let command = cmd::tool_command("juju add-unit", "<application name>")
        .about("Adds one or more units to a deployed application.")
        .long_about(
            "\nThe add-unit is used to scale out an application for improved performance or\n\
             availability.\n\n\
             On leaderd each unit is an agent process on this machine; --to and\n\
             --attach-storage are accepted and have no effect.\n",
        )
        .after_long_help("\nAdd five units of mysql:\n\n    juju add-unit mysql --num-units 5\n")
        .arg(Arg::new("attach-storage").long("attach-storage").action(ArgAction::Append).value_name("VALUE").hide(true))
        .arg(
            Arg::new("num-units")
                .short('n')
                .long("num-units")
                .action(ArgAction::Set)
                .value_name("VALUE")
                .default_value("1")
                .help("Number of units to add"),
        )
        .arg(
            Arg::new("to")
                .long("to")
                .action(ArgAction::Set)
                .value_name("VALUE")
                .help("The machine and/or container to deploy the unit in (bypasses constraints)"),
        );
    model::model_option(command)
}

struct AddUnit {
    app: String,
    count: u32,
    given: ArgMatches,
}

impl AddUnit {
    fn init(m: &ArgMatches) -> Result<AddUnit, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let app = match args.as_slice() {
            [] => return Err(UsageError("no application specified".into())),
            [app] => app.clone(),
            [_, rest @ ..] => {
                let rest: Vec<std::ffi::OsString> = rest.iter().map(Into::into).collect();
                return Err(cmd::unrecognized(&rest));
            }
        };
        let n = m.get_one::<String>("num-units").map_or("1", String::as_str);
        let count = match n.parse::<i64>() {
            Ok(n) if n >= 1 => n.min(i64::from(u32::MAX)) as u32,
            // addunit.go `Init`.
            Ok(_) => return Err(UsageError("--num-units must be a positive integer".into())),
            Err(_) => {
                return Err(UsageError(format!(
                    "invalid value {0} for option --num-units: strconv.ParseInt: parsing {0}: invalid syntax",
                    leaderd_core::format::go_quote(n)
                )))
            }
        };
        Ok(AddUnit { app, count, given: m.clone() })
    }
}

impl Run for AddUnit {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.given)?;
        super::host::call(&model, ADD_UNIT_PATH, &AddUnitRequest { app: self.app.clone(), count: self.count })?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::juju;

    #[test]
    fn add_unit_checks_its_arguments_in_jujus_words() {
        let cases: &[(&[&str], &str)] = &[
            (&["add-unit"], "ERROR no application specified\n"),
            (&["add-unit", "a", "b"], "ERROR unrecognized args: [\"b\"]\n"),
            (&["add-unit", "a", "-n", "0"], "ERROR --num-units must be a positive integer\n"),
        ];
        for (args, want) in cases {
            let f = juju(args);
            assert_eq!((f.stderr.as_str(), f.code), (*want, 2), "{args:?}");
        }
    }
}
