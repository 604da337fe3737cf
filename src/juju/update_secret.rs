//! `juju update-secret <ID>|<name> [key[#base64|#file]=value...] [--info TEXT] [--name NAME]
//! [--file FILE] [--auto-prune]` (juju/juju 3.6.0 `cmd/juju/secrets/update.go`): new content is
//! a new revision; prints nothing. leaderd's `update-secret` does the work.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const UPDATE_SECRET: JujuCommand =
    JujuCommand { name: "update-secret", command, init: |m| Ok(Box::new(UpdateSecret::init(m)?)) };

const DOC: &str = "
Update a secret with a list of key values, or info.
If a value has the '#base64' suffix, it is already in base64 format and no
encoding will be performed, otherwise the value will be base64 encoded
prior to being stored.
The --auto-prune option is used to allow Juju to automatically remove revisions 
which are no longer being tracked by any observers (see Rotation and Expiry).
This is configured per revision. This feature is opt-in because Juju 
automatically removing secret content might result in data loss.

";

const EXAMPLES: &str = "
    juju update-secret secret:9m4e2mr0ui3e8a215n4g token=34ae35facd4
    juju update-secret secret:9m4e2mr0ui3e8a215n4g key#base64 AA==
    juju update-secret secret:9m4e2mr0ui3e8a215n4g token=34ae35facd4 --auto-prune
    juju update-secret secret:9m4e2mr0ui3e8a215n4g --name db-password \\
        --info \"my database password\" \\
        data#base64 s3cret== 
    juju update-secret db-pass --name db-password \\
        --info \"my database password\"
    juju update-secret secret:9m4e2mr0ui3e8a215n4g --name db-password \\
        --info \"my database password\" \\
        --file=/path/to/file
";

fn command() -> Command {
    super::add_secret::common_content_options(model::model_option(cmd::tool_command(
        "juju update-secret",
        "<ID>|<name> [key[#base64|#file]=value...]",
    )))
    .about("Update an existing secret.")
    .long_about(DOC)
    .after_long_help(EXAMPLES)
    .arg(option("name", "NAME", "the new secret name"))
    .arg(cmd::bool_flag(
        "auto-prune",
        "used to allow Juju to automatically remove revisions which are no longer being tracked by any observers",
    ))
}

struct UpdateSecret {
    matches: ArgMatches,
    secret: String,
    content: Vec<String>,
}

impl UpdateSecret {
    fn init(m: &ArgMatches) -> Result<UpdateSecret, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let Some((secret, content)) = args.split_first() else {
            return Err(UsageError("missing secret URI".into()));
        };
        Ok(UpdateSecret { matches: m.clone(), secret: secret.clone(), content: content.to_vec() })
    }
}

impl Run for UpdateSecret {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        crate::local::secrets::update(
            &state,
            Some(self.secret.clone()),
            &self.content,
            string(&self.matches, "info"),
            string(&self.matches, super::add_secret::FILE).filter(|f| !f.is_empty()).map(Into::into),
            string(&self.matches, "name"),
        )
        .map_err(failed)?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["update-secret", "-h"]);
        assert!(
            help.starts_with(
                "Usage: juju update-secret [options] <ID>|<name> [key[#base64|#file]=value...]\n\nSummary:\nUpdate an existing secret.\n\nOptions:\n\
                 --auto-prune  (= false)\n"
            ),
            "{help}"
        );
        refused(&["update-secret"], "missing secret URI");
        no_such_model(&["update-secret", "sec1", "--info", "new"]);
    }
}
