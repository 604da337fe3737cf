//! `juju remove-unit [--no-prompt] UNIT...` and the Kubernetes form `juju remove-unit
//! [--no-prompt] APP --num-units N` (juju/juju 3.6.0 `cmd/juju/application/removeunit.go`):
//! leaderd's models have no machines, and take both forms (the second removes the N
//! highest-numbered units). Each unit runs its stop and remove hooks and leaves; the command
//! returns once they are asked to, as Juju's does.

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::up::{RemoveUnitRequest, REMOVE_UNIT_PATH};

use super::model::{self, Model};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const REMOVE_UNIT: JujuCommand =
    JujuCommand { name: "remove-unit", command, init: |m| Ok(Box::new(RemoveUnit::init(m)?)) };

fn command() -> Command {
    let command = cmd::tool_command("juju remove-unit", "<unit> [...] | <application>")
        .about("Remove application units from the model.")
        .long_about(
            "\nRemove application units from the model.\n\n\
             The usage of this command differs depending on whether it is being used on a\n\
             k8s or cloud model. leaderd's models take both forms: unit names, or an\n\
             application and --num-units (its highest-numbered units go).\n\n\
             Each unit runs its stop and remove hooks, then leaves.\n",
        )
        .after_long_help("\n    juju remove-unit wordpress/2 wordpress/3 wordpress/4\n    juju remove-unit wordpress --num-units 2\n")
        .arg(cmd::bool_flag("destroy-storage", "Destroy storage attached to the unit"))
        .arg(cmd::bool_flag("dry-run", "Print what this command would remove without removing"))
        .arg(cmd::bool_flag("force", "Completely remove an unit and all its dependencies"))
        .arg(cmd::bool_flag("no-prompt", "Do not ask for confirmation. Overrides `mode` model config setting"))
        .arg(cmd::bool_flag("no-wait", "Rush through unit removal without waiting for each individual step to complete"))
        .arg(
            Arg::new("num-units")
                .long("num-units")
                .action(ArgAction::Set)
                .value_name("VALUE")
                .default_value("0")
                .help("Number of units to remove (k8s models only)"),
        );
    model::model_option(command)
}

enum Target {
    Units(Vec<String>),
    Scale { app: String, count: u32 },
}

struct RemoveUnit {
    target: Target,
    no_prompt: bool,
    dry_run: bool,
    force: bool,
    given: ArgMatches,
}

impl RemoveUnit {
    fn init(m: &ArgMatches) -> Result<RemoveUnit, UsageError> {
        let names: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let n = m.get_one::<String>("num-units").map_or("0", String::as_str);
        let count = n.parse::<i64>().map_err(|_| {
            UsageError(format!(
                "invalid value {0} for option --num-units: strconv.ParseInt: parsing {0}: invalid syntax",
                leaderd_core::format::go_quote(n)
            ))
        })?;
        let is_unit = |name: &str| leaderd_core::names::unit_application(name).is_ok();
        let target = if count != 0 {
            // validateCAASRemoval.
            match names.as_slice() {
                [] => return Err(UsageError("no application specified".into())),
                [app] if is_unit(app) => {
                    return Err(UsageError(
                        "k8s models do not support removing named units.\nInstead specify an application with --num-units.\n"
                            .into(),
                    ))
                }
                [app] if leaderd_core::names::check_application(app).is_err() => {
                    return Err(UsageError(format!("application name {} not valid", leaderd_core::format::go_quote(app))))
                }
                [_] if count < 0 => {
                    return Err(UsageError("specify the number of units (> 0) to remove using --num-units".into()))
                }
                [app] => Target::Scale { app: app.clone(), count: count.min(i64::from(u32::MAX)) as u32 },
                _ => return Err(UsageError("only single application supported".into())),
            }
        } else {
            // validateIAASRemoval.
            if names.is_empty() {
                return Err(UsageError("no units specified".into()));
            }
            if let Some(bad) = names.iter().find(|n| !is_unit(n)) {
                return Err(UsageError(format!("invalid unit name {}", leaderd_core::format::go_quote(bad))));
            }
            Target::Units(names)
        };
        if !m.get_flag("force") && m.get_flag("no-wait") {
            return Err(UsageError("--no-wait without --force not valid".into()));
        }
        Ok(RemoveUnit {
            target,
            no_prompt: m.get_flag("no-prompt"),
            dry_run: m.get_flag("dry-run"),
            force: m.get_flag("force"),
            given: m.clone(),
        })
    }
}

impl Run for RemoveUnit {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.given)?;
        let up = super::host::record(&model)?;
        let units: Vec<String> = match &self.target {
            Target::Units(units) => units.clone(),
            Target::Scale { app, count } => {
                let info = up.application(app).map_err(|_| RunError(format!("application {app:?} not found")))?;
                let mut numbered: Vec<(u32, String)> = up
                    .units_of(&info.name)
                    .filter(|u| u.run != crate::local::RunState::Removing)
                    .filter_map(|u| {
                        u.name.rsplit_once('/').and_then(|(_, n)| n.parse().ok()).map(|n| (n, u.name.clone()))
                    })
                    .collect();
                numbered.sort();
                if *count as usize > numbered.len() {
                    return Err(RunError(format!(
                        "can not remove unit: cannot remove {count} unit(s) of {app:?}: it has {}",
                        numbered.len()
                    )));
                }
                numbered.split_off(numbered.len() - *count as usize).into_iter().map(|(_, name)| name).collect()
            }
        };
        if self.dry_run {
            let text: String = units.iter().map(|u| format!("will remove unit {u}\n")).collect();
            return Ok(Outcome { stdout: text.into_bytes(), ..Default::default() });
        }
        if !self.no_prompt {
            super::host::confirm_yes("unit removal")?;
        }
        let mut stdout = String::new();
        let mut errors = Vec::new();
        for unit in &units {
            if !up.units.iter().any(|u| &u.name == unit) {
                // The controller's NotFound (apiserver application.go `DestroyUnit`).
                errors.push(format!("removing unit {unit} failed: unit {unit:?} does not exist"));
                continue;
            }
            match super::host::call(
                &model,
                REMOVE_UNIT_PATH,
                &RemoveUnitRequest { unit: unit.clone(), force: self.force },
            ) {
                Ok(_) => stdout.push_str(&format!("will remove unit {unit}\n")),
                Err(RunError(why)) => errors.push(format!("removing unit {unit} failed: {why}")),
            }
        }
        let stderr = match &self.target {
            Target::Scale { app, .. } if errors.is_empty() => {
                // The scale the application goes to: the units not leaving, less these.
                let staying = up.units_of(app).filter(|u| u.run != crate::local::RunState::Removing).count();
                format!("scaling down to {} units\n", staying - units.len())
            }
            _ => String::new(),
        };
        // Scaling reports on stderr only; named units each get their line on stdout.
        let stdout = if matches!(self.target, Target::Scale { .. }) { String::new() } else { stdout };
        Ok(super::host::with_failures(stdout, stderr, &errors))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::juju;

    #[test]
    fn remove_unit_takes_both_forms_and_says_what_is_wrong_in_jujus_words() {
        let cases: &[(&[&str], &str)] = &[
            (&["remove-unit", "--no-prompt"], "ERROR no units specified\n"),
            (&["remove-unit", "--no-prompt", "app"], "ERROR invalid unit name \"app\"\n"),
            (&["remove-unit", "--no-prompt", "--num-units", "1"], "ERROR no application specified\n"),
            (&["remove-unit", "--no-prompt", "a", "b", "--num-units", "1"], "ERROR only single application supported\n"),
            (
                &["remove-unit", "--no-prompt", "a/1", "--num-units", "1"],
                "ERROR k8s models do not support removing named units.\nInstead specify an application with --num-units.\n\n",
            ),
            (
                &["remove-unit", "--no-prompt", "a", "--num-units", "-1"],
                "ERROR specify the number of units (> 0) to remove using --num-units\n",
            ),
            (&["remove-unit", "--no-prompt", "a/1", "--no-wait"], "ERROR --no-wait without --force not valid\n"),
        ];
        for (args, want) in cases {
            let f = juju(args);
            assert_eq!((f.stderr.as_str(), f.code), (*want, 2), "{args:?}");
        }
    }
}
