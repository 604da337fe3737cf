//! `juju remove-secret <ID>|<name> [--revision N]` (juju/juju 3.6.0
//! `cmd/juju/secrets/remove.go`): every revision, or one. leaderd's `remove-secret` does the
//! work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const REMOVE_SECRET: JujuCommand =
    JujuCommand { name: "remove-secret", command, init: |m| Ok(Box::new(RemoveSecret::init(m)?)) };

const EXAMPLES: &str = "
    juju remove-secret my-secret
    juju remove-secret secret:9m4e2mr0ui3e8a215n4g
    juju remove-secret secret:9m4e2mr0ui3e8a215n4g --revision 4
";

fn command() -> Command {
    model::model_option(cmd::tool_command("juju remove-secret", "<ID>|<name>"))
        .about("Remove a existing secret.")
        .long_about(
            "\nRemove all the revisions of a secret with the specified URI or remove the provided revision only.\n",
        )
        .after_long_help(EXAMPLES)
        .arg(
            clap::Arg::new("revision")
                .long("revision")
                .action(clap::ArgAction::Set)
                .value_name("N")
                .default_value("0")
                .allow_hyphen_values(true)
                .help("remove the specified revision"),
        )
}

struct RemoveSecret {
    matches: ArgMatches,
    secret: String,
    revision: Option<u32>,
}

impl RemoveSecret {
    fn init(m: &ArgMatches) -> Result<RemoveSecret, UsageError> {
        let args = cmd::positionals(m);
        let Some(secret) = args.first() else { return Err(UsageError("missing secret URI".into())) };
        if args.len() > 1 {
            return Err(cmd::unrecognized(&args[1..]));
        }
        // gnuflag's IntVar already refused one that is not a number; 0 is every revision.
        let revision = string(m, "revision").and_then(|r| r.parse::<u32>().ok()).filter(|r| *r > 0);
        Ok(RemoveSecret { matches: m.clone(), secret: secret.to_string_lossy().into_owned(), revision })
    }
}

impl Run for RemoveSecret {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        crate::local::secrets::remove(&state, self.secret.clone(), self.revision).map_err(failed)?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["remove-secret", "--help"]);
        assert!(
            help.starts_with(
                "Usage: juju remove-secret [options] <ID>|<name>\n\nSummary:\nRemove a existing secret.\n"
            ),
            "{help}"
        );
        assert!(help.contains("\n--revision  (= 0)\n    remove the specified revision\n"), "{help}");
        refused(&["remove-secret"], "missing secret URI");
        refused(&["remove-secret", "a", "b"], "unrecognized args: [\"b\"]");
        no_such_model(&["remove-secret", "sec1"]);
    }
}
