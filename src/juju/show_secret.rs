//! `juju show-secret <ID>|<name> [--reveal] [--revision N | --revisions] [--format yaml|json]`
//! (juju/juju 3.6.0 `cmd/juju/secrets/show.go`): the secret keyed by its bare ID, in Juju's
//! `secretDisplayDetails` shape. leaderd's `show-secret` does the work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, format_option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const SHOW_SECRET: JujuCommand =
    JujuCommand { name: "show-secret", command, init: |m| Ok(Box::new(ShowSecret::init(m)?)) };

const DOC: &str = "
Displays the details of a specified secret.

For controller/model admins, the actual secret content is exposed
with the '--reveal' option in json or yaml formats.

Use --revision to inspect a particular revision, else latest is used.
Use --revisions to see the metadata for each revision.
";

const EXAMPLES: &str = "
    juju show-secret my-secret
    juju show-secret 9m4e2mr0ui3e8a215n4g
    juju show-secret secret:9m4e2mr0ui3e8a215n4g --revision 2
    juju show-secret 9m4e2mr0ui3e8a215n4g --revision 2 --reveal
    juju show-secret 9m4e2mr0ui3e8a215n4g --revisions
    juju show-secret 9m4e2mr0ui3e8a215n4g --reveal
";

fn command() -> Command {
    model::model_option(cmd::tool_command("juju show-secret", "<ID>|<name>"))
        .about("Shows details for a specific secret.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(format_option(&["json", "yaml"], "yaml"))
        .arg(cmd::bool_flag("reveal", "Reveal secret values, applicable to yaml or json formats only"))
        .arg(cmd::bool_flag("revisions", "Show the secret revisions metadata"))
        .arg(
            clap::Arg::new("revision")
                .long("revision")
                .short('r')
                .action(clap::ArgAction::Set)
                .value_name("N")
                .default_value("0")
                .allow_hyphen_values(true)
                .help("Show a specific revision (defaults to latest)"),
        )
}

struct ShowSecret {
    matches: ArgMatches,
    show: crate::local::secrets::Show,
}

impl ShowSecret {
    fn init(m: &ArgMatches) -> Result<ShowSecret, UsageError> {
        let args = cmd::positionals(m);
        // gnuflag's IntVar already refused a revision that is not a number.
        let revision = string(m, "revision").map(|r| r.parse::<i64>().unwrap_or(0)).filter(|r| *r != 0);
        let secret = args.first().map(|a| a.to_string_lossy().into_owned());
        let show = crate::local::secrets::show_request(secret, m.get_flag("reveal"), m.get_flag("revisions"), revision)
            .map_err(|e| UsageError(e.to_string()))?;
        if args.len() > 1 {
            return Err(cmd::unrecognized(&args[1..]));
        }
        Ok(ShowSecret { matches: m.clone(), show })
    }
}

impl Run for ShowSecret {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let format = string(&self.matches, "format").unwrap_or_default();
        let shown = crate::local::secrets::show(&state, self.show.clone(), &format).map_err(failed)?;
        Ok(Outcome {
            stdout: leaderd_sys::events::json_printable(&shown).into_owned().into_bytes(),
            ..Default::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["show-secret", "--help"]);
        assert!(
            help.starts_with(
                "Usage: juju show-secret [options] <ID>|<name>\n\nSummary:\nShows details for a specific secret.\n\nOptions:\n\
                 --format  (= yaml)\n    Specify output format (json|yaml)\n"
            ),
            "{help}"
        );
        assert!(
            help.contains("\n-r, --revision  (= 0)\n    Show a specific revision (defaults to latest)\n"),
            "{help}"
        );
        refused(&["show-secret"], "secret ID is required");
        refused(
            &["show-secret", "s", "--reveal", "--revisions"],
            "specify either --revisions or --reveal but not both",
        );
        refused(
            &["show-secret", "s", "--revision", "2", "--revisions"],
            "specify either --revisions or --revision but not both",
        );
        refused(&["show-secret", "s", "-r", "-1"], "revision must be a positive integer");
        refused(
            &["show-secret", "s", "--revision", "x"],
            "invalid value \"x\" for option --revision: strconv.ParseInt: parsing \"x\": invalid syntax",
        );
        refused(
            &["show-secret", "s", "--format", "tabular"],
            "invalid value \"tabular\" for option --format: unknown format \"tabular\"",
        );
        refused(&["show-secret", "s", "t"], "unrecognized args: [\"t\"]");
        no_such_model(&["show-secret", "sec1", "--reveal", "--format", "json"]);
    }
}
