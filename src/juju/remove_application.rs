//! `juju remove-application [--no-prompt] APP...` (juju/juju 3.6.0
//! `cmd/juju/application/removeapplication.go`): every unit of each application runs its stop
//! and remove hooks and leaves; the application leaves `juju status` with its last unit.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::up::{RemoveApplicationRequest, REMOVE_APPLICATION_PATH};

use super::model::{self, Model};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const REMOVE_APPLICATION: JujuCommand =
    JujuCommand { name: "remove-application", command, init: |m| Ok(Box::new(RemoveApplication::init(m)?)) };

fn command() -> Command {
    let command = cmd::tool_command("juju remove-application", "<application> [<application>...]")
        .about("Remove applications from the model.")
        .long_about(
            "\nRemoving an application will terminate any relations that application has, remove\n\
             all units of the application, and in the case that this leaves machines with\n\
             no running applications, Juju will also remove the machine.\n\n\
             On leaderd each unit runs its stop and remove hooks, then leaves; the application\n\
             goes with its last unit.\n",
        )
        .after_long_help("\n    juju remove-application hadoop\n    juju remove-application --force hadoop\n    juju remove-application --force --no-wait hadoop\n    juju remove-application -m test-model mariadb\n")
        .arg(cmd::bool_flag("destroy-storage", "Destroy storage attached to application units"))
        .arg(cmd::bool_flag("dry-run", "Print what this command would be removed without removing"))
        .arg(cmd::bool_flag("force", "Completely remove an application and all its dependencies"))
        .arg(cmd::bool_flag("no-prompt", "Do not ask for confirmation. Overrides `mode` model config setting"))
        .arg(cmd::bool_flag("no-wait", "Rush through application removal without waiting for each individual step to complete"));
    model::model_option(command)
}

struct RemoveApplication {
    apps: Vec<String>,
    no_prompt: bool,
    dry_run: bool,
    force: bool,
    given: ArgMatches,
}

impl RemoveApplication {
    fn init(m: &ArgMatches) -> Result<RemoveApplication, UsageError> {
        let apps: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        if apps.is_empty() {
            return Err(UsageError("no application specified".into()));
        }
        if let Some(bad) = apps.iter().find(|a| leaderd_core::names::check_application(a).is_err()) {
            return Err(UsageError(format!("invalid application name {}", leaderd_core::format::go_quote(bad))));
        }
        if !m.get_flag("force") && m.get_flag("no-wait") {
            return Err(UsageError("--no-wait without --force not valid".into()));
        }
        Ok(RemoveApplication {
            apps,
            no_prompt: m.get_flag("no-prompt"),
            dry_run: m.get_flag("dry-run"),
            force: m.get_flag("force"),
            given: m.clone(),
        })
    }
}

impl Run for RemoveApplication {
    fn run(&self) -> Result<Outcome, RunError> {
        let model = Model::resolve(&self.given)?;
        let up = super::host::record(&model)?;
        // What each removal takes with it (`logRemovedApplication`).
        let will_remove = |app: &str| {
            let mut text = format!("will remove application {app}\n");
            for unit in up.units_of(app) {
                text.push_str(&format!("- will remove unit {}\n", unit.name));
            }
            text
        };
        if self.dry_run {
            let text: String = self.apps.iter().filter(|a| up.application(a).is_ok()).map(|a| will_remove(a)).collect();
            return Ok(Outcome { stdout: text.into_bytes(), ..Default::default() });
        }
        if !self.no_prompt {
            super::host::confirm_yes("application removal")?;
        }
        let mut stdout = String::new();
        let mut errors = Vec::new();
        for app in &self.apps {
            let listed = will_remove(app);
            match super::host::call(
                &model,
                REMOVE_APPLICATION_PATH,
                &RemoveApplicationRequest { app: app.clone(), force: self.force },
            ) {
                Ok(_) => stdout.push_str(&listed),
                Err(RunError(why)) => errors.push(format!("removing application {app} failed: {why}")),
            }
        }
        Ok(super::host::with_failures(stdout, String::new(), &errors))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::juju;

    #[test]
    fn remove_application_checks_its_arguments_in_jujus_words() {
        let cases: &[(&[&str], &str)] = &[
            (&["remove-application", "--no-prompt"], "ERROR no application specified\n"),
            (&["remove-application", "--no-prompt", "a/0"], "ERROR invalid application name \"a/0\"\n"),
            (&["remove-application", "--no-prompt", "a", "--no-wait"], "ERROR --no-wait without --force not valid\n"),
        ];
        for (args, want) in cases {
            let f = juju(args);
            assert_eq!((f.stderr.as_str(), f.code), (*want, 2), "{args:?}");
        }
    }
}
