//! `juju switch [MODEL]` (juju/juju 3.6.0 `cmd/juju/commands/switch.go`): prints the current
//! `controller:user/model`, or makes MODEL the current model. leaderd has one controller,
//! `leaderd`, always current.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::model::{self, Model, CONTROLLER, USER};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const SWITCH: JujuCommand =
    JujuCommand { name: "switch", command, init: |m| Ok(Box::new(Switch::init(m)?)) };

fn command() -> Command {
    cmd::tool_command("juju switch", "[<controller>|<model>|<controller>:|:<model>|<controller>:<model>]")
        .about("Selects or identifies the current controller and model.")
        .long_about(
            "\nWhen used without an argument, the command shows the current controller\n\
             and its active model.\n\
             When a single argument without a colon is provided juju first looks for a\n\
             controller by that name and switches to it, and if it's not found it tries\n\
             to switch to a model within current controller. mycontroller: switches to\n\
             default model in mycontroller, :mymodel switches to mymodel in current\n\
             controller and mycontroller:mymodel switches to mymodel on mycontroller.\n\
             The `juju models` command can be used to determine the active model\n\
             (of any controller). An asterisk denotes it.\n",
        )
        .after_long_help(
            "\n    juju switch\n    juju switch mymodel\n    juju switch mycontroller\n    juju switch mycontroller:mymodel\n    juju switch mycontroller:\n    juju switch :mymodel\n",
        )
}

struct Switch {
    target: Option<String>,
}

impl Switch {
    fn init(m: &ArgMatches) -> Result<Switch, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        if args.len() > 1 {
            let rest: Vec<std::ffi::OsString> = args[1..].iter().map(Into::into).collect();
            return Err(cmd::unrecognized(&rest));
        }
        Ok(Switch { target: args.first().cloned() })
    }
}

/// `leaderd:admin/<model>`, or the controller alone (`machine_readable`) or `leaderd
/// (controller)` when no model is current.
fn current_name(machine_readable: bool) -> String {
    match model::current().filter(|name| Model::existing(name).is_ok()) {
        Some(name) => format!("{CONTROLLER}:{USER}/{name}"),
        None if machine_readable => CONTROLLER.to_string(),
        None => format!("{CONTROLLER} (controller)"),
    }
}

impl Run for Switch {
    fn run(&self) -> Result<Outcome, RunError> {
        let Some(target) = &self.target else {
            return Ok(Outcome { stdout: format!("{}\n", current_name(true)).into_bytes(), ..Default::default() });
        };
        let old = current_name(false);
        if let Some(controller) = std::env::var("JUJU_CONTROLLER").ok().filter(|c| !c.is_empty()) {
            return Err(RunError(format!(
                "cannot switch when JUJU_CONTROLLER is overriding the controller (set to {})",
                leaderd_core::format::go_quote(&controller)
            )));
        }
        if let Some(model) = std::env::var("JUJU_MODEL").ok().filter(|m| !m.is_empty()) {
            return Err(RunError(format!(
                "cannot switch when JUJU_MODEL is overriding the model (set to {})",
                leaderd_core::format::go_quote(&model)
            )));
        }
        // The controller itself (`leaderd`, `leaderd:`): it is current already.
        if target == CONTROLLER || target.strip_suffix(':') == Some(CONTROLLER) {
            return Ok(said(&old, &old));
        }
        if let Some(controller) = target.strip_suffix(':') {
            return Err(RunError(format!("controller {controller} not found")));
        }
        let reference = target.strip_prefix(':').unwrap_or(target);
        let Ok(model) = Model::existing(&model::short_name(reference)?) else {
            return Err(RunError(format!(
                "{} is not the name of a model or controller",
                leaderd_core::format::go_quote(target)
            )));
        };
        let name = model.name;
        model::set_current(Some(&name)).map_err(|e| RunError(format!("{e:#}")))?;
        Ok(said(&old, &format!("{CONTROLLER}:{USER}/{name}")))
    }
}

/// juju's `logSwitch`, on stderr.
fn said(old: &str, new: &str) -> Outcome {
    let line = match old == new {
        true => format!("{old} (no change)\n"),
        false => format!("{old} -> {new}\n"),
    };
    Outcome { stderr: line.into_bytes(), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{juju, with_root};

    #[test]
    fn switch_help_is_jujus() {
        let f = juju(&["switch", "--help"]);
        assert_eq!(
            f.stdout,
            "Usage: juju switch [<controller>|<model>|<controller>:|:<model>|<controller>:<model>]\n\n\
             Summary:\nSelects or identifies the current controller and model.\n\n\
             Details:\n\
             When used without an argument, the command shows the current controller\n\
             and its active model.\n\
             When a single argument without a colon is provided juju first looks for a\n\
             controller by that name and switches to it, and if it's not found it tries\n\
             to switch to a model within current controller. mycontroller: switches to\n\
             default model in mycontroller, :mymodel switches to mymodel in current\n\
             controller and mycontroller:mymodel switches to mymodel on mycontroller.\n\
             The `juju models` command can be used to determine the active model\n\
             (of any controller). An asterisk denotes it.\n\n\
             Examples:\n\n    juju switch\n    juju switch mymodel\n    juju switch mycontroller\n    \
             juju switch mycontroller:mymodel\n    juju switch mycontroller:\n    juju switch :mymodel\n"
        );
        assert_eq!(f.code, 0);
    }

    #[test]
    fn switch_prints_and_changes_the_current_model_in_jujus_words() {
        with_root(|root| {
            for name in ["a", "b"] {
                std::fs::create_dir_all(root.join("models").join(name)).unwrap();
            }
            assert_eq!(juju(&["switch"]).stdout, "leaderd\n");
            let f = juju(&["switch", "a"]);
            assert_eq!((f.stderr.as_str(), f.code), ("leaderd (controller) -> leaderd:admin/a\n", 0));
            assert_eq!(juju(&["switch"]).stdout, "leaderd:admin/a\n");
            let f = juju(&["switch", "leaderd:admin/b"]);
            assert_eq!(f.stderr, "leaderd:admin/a -> leaderd:admin/b\n");
            let f = juju(&["switch", "b"]);
            assert_eq!(f.stderr, "leaderd:admin/b (no change)\n");
            let f = juju(&["switch", "leaderd"]);
            assert_eq!(f.stderr, "leaderd:admin/b (no change)\n");
            let f = juju(&["switch", "nope"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR \"nope\" is not the name of a model or controller\n", 1));
            let f = juju(&["switch", "other:m"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR controller other not found\n", 1));
            let f = juju(&["switch", "a", "b"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR unrecognized args: [\"b\"]\n", 2));
        });
    }
}
