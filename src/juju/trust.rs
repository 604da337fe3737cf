//! `juju trust <application name> [--remove] [--scope cluster]` (juju/juju 3.6
//! `cmd/juju/application/trust.go`): sets the application config `trust` to true (false with
//! `--remove`), which runs config-changed on the application's units as a charm config change
//! does (Juju's `TrustHash`). leaderd's models are machine models: `--scope` is taken and
//! ignored, as Juju ignores it there.

use clap::{Arg, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::controller::ConfigChangeRequest;

use super::model::{self, Model};
use super::{view, JujuCommand, Outcome, Run, RunError};

pub(crate) const TRUST: JujuCommand = JujuCommand { name: "trust", command, init: |m| Ok(Box::new(Trust::init(m)?)) };

fn command() -> Command {
    model::model_option(cmd::tool_command("juju trust", "<application name>"))
        .about("Sets the trust status of a deployed application to true.")
        .long_about(
            "Sets the trust configuration value to true.\n\nOn k8s models, the trust operation currently grants the \
             charm full access to the cluster.\nUntil the permissions model is refined to grant more granular role \
             based access, the use of\n'--scope=cluster' is required to confirm this choice.\n",
        )
        .after_long_help("\n    juju trust media-wiki\n    juju trust metallb --scope=cluster\n")
        .arg(cmd::bool_flag("remove", "Remove trusted access from a trusted application"))
        .arg(Arg::new("scope").long("scope").value_name("SCOPE").help("k8s models only - needs to be set to 'cluster'"))
}

struct Trust {
    matches: ArgMatches,
    app: String,
    remove: bool,
}

impl Trust {
    fn init(m: &ArgMatches) -> Result<Trust, UsageError> {
        // juju/juju `trust.go`, `Init`: the first argument names the application.
        let args = cmd::positionals(m);
        let app = args.first().ok_or_else(|| UsageError("no application name specified".into()))?;
        Ok(Trust { matches: m.clone(), app: app.to_string_lossy().into_owned(), remove: m.get_flag("remove") })
    }
}

impl Run for Trust {
    fn run(&self) -> Result<Outcome, RunError> {
        leaderd_core::names::check_application(&self.app)
            .map_err(|_| RunError(format!("application {} not found", leaderd_core::gocompat::go_quote(&self.app))))?;
        let model = Model::resolve(&self.matches)?;
        let (_, client) = view::application(&model, &self.app)?;
        let change = ConfigChangeRequest { trust: Some(!self.remove), ..Default::default() };
        view::ask(client.change_config(&change))?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {

    use super::super::tests_support::finished as juju;

    #[test]
    fn help_and_errors_in_jujus_words() {
        let f = juju(&["trust"]);
        assert_eq!(
            (String::from_utf8(f.stderr).unwrap().as_str(), f.code),
            ("ERROR no application name specified\n", 2)
        );
        let help = String::from_utf8(juju(&["trust", "--help"]).stdout).unwrap();
        assert!(
            help.starts_with(
                "Usage: juju trust [options] <application name>\n\nSummary:\nSets the trust status of a deployed application to true.\n"
            ),
            "{help}"
        );
        assert!(help.contains("--remove  (= false)\n    Remove trusted access from a trusted application\n"), "{help}");
        assert!(help.contains("--scope (= \"\")\n    k8s models only - needs to be set to 'cluster'\n"), "{help}");
    }

    #[test]
    fn a_model_that_does_not_exist_is_not_found() {
        let f = juju(&["trust", "testdb", "-m", "leaderd-view-test-no-such-model", "--scope", "cluster"]);
        assert_eq!(
            (String::from_utf8(f.stderr).unwrap().as_str(), f.code),
            ("ERROR model leaderd:admin/leaderd-view-test-no-such-model not found\n", 1)
        );
    }
}
