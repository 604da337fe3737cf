//! `juju secrets [--owner TAG] [--format tabular|yaml|json]` (juju/juju 3.6.0
//! `cmd/juju/secrets/list.go`): the model's secrets keyed by bare ID, or Juju's table.
//! leaderd's `secrets` does the work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, format_option, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const SECRETS: JujuCommand =
    JujuCommand { name: "secrets", command, init: |m| Ok(Box::new(Secrets::init(m)?)) };

fn command() -> Command {
    model::model_option(cmd::tool_command("juju secrets", ""))
        .about("Lists secrets available in the model.")
        .long_about("\nDisplays the secrets available for charms to use if granted access.\n")
        .after_long_help("\n    juju secrets\n    juju secrets --format yaml\n")
        .arg(format_option(&["json", "tabular", "yaml"], "tabular"))
        .arg(option("owner", "TAG", "Include secrets for the specified owner"))
}

struct Secrets {
    matches: ArgMatches,
}

impl Secrets {
    fn init(m: &ArgMatches) -> Result<Secrets, UsageError> {
        let extra = cmd::positionals(m);
        if !extra.is_empty() {
            return Err(cmd::unrecognized(&extra));
        }
        Ok(Secrets { matches: m.clone() })
    }
}

impl Run for Secrets {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let format = string(&self.matches, "format").unwrap_or_default();
        let owner = string(&self.matches, "owner");
        let listed = crate::local::secrets::list(&state, owner.as_deref(), &format).map_err(failed)?;
        let shown = match format.as_str() {
            "json" | "yaml" => leaderd_sys::events::json_printable(&listed),
            _ => leaderd_sys::events::printable(&listed),
        };
        Ok(Outcome { stdout: shown.into_owned().into_bytes(), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["secrets", "--help"]);
        assert_eq!(
            help,
            "Usage: juju secrets [options]\n\nSummary:\nLists secrets available in the model.\n\nOptions:\n\
             --format  (= tabular)\n    Specify output format (json|tabular|yaml)\n\
             -m, --model (= \"\")\n    Model to operate in. Accepts [<controller name>:]<model name>|<model UUID>\n\
             --owner (= \"\")\n    Include secrets for the specified owner\n\n\
             Details:\nDisplays the secrets available for charms to use if granted access.\n\n\
             Examples:\n\n    juju secrets\n    juju secrets --format yaml\n"
        );
        refused(&["secrets", "x"], "unrecognized args: [\"x\"]");
        no_such_model(&["secrets", "--format", "json"]);
    }
}
