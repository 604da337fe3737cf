//! `juju add-secret <name> [key[#base64|#file]=value...] [--info TEXT] [--file FILE]` (juju/juju
//! 3.6.0 `cmd/juju/secrets/add.go`): a secret the model owns; prints its URI alone. leaderd's
//! `add-secret` (`src/local/secrets.rs`) does the work on the model's controller.

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const ADD_SECRET: JujuCommand =
    JujuCommand { name: "add-secret", command, init: |m| Ok(Box::new(AddSecret::init(m)?)) };

const DOC: &str = "
Add a secret with a list of key values.

If a key has the '#base64' suffix, the value is already in base64 format and no
encoding will be performed, otherwise the value will be base64 encoded
prior to being stored.

If a key has the '#file' suffix, the value is read from the corresponding file.

A secret is owned by the model, meaning only the model admin
can manage it, ie grant/revoke access, update, remove etc.
";

const EXAMPLES: &str = "
    juju add-secret my-apitoken token=34ae35facd4
    juju add-secret my-secret key#base64=AA==
    juju add-secret my-secret key#file=/path/to/file another-key=s3cret
    juju add-secret db-password \\
        --info \"my database password\" \\
        data#base64=s3cret== 
    juju add-secret db-password \\
        --info \"my database password\" \\
        --file=/path/to/file
";

/// The id of `--file`: a Go string here (the hook tools' `--file` is juju/cmd's FileVar, whose
/// default help shows unquoted).
pub(crate) const FILE: &str = "secret-file";

/// `--info` and `--file` (juju/juju `cmd/juju/secrets/common.go`).
pub(crate) fn common_content_options(command: Command) -> Command {
    command.arg(option("info", "TEXT", "the secret description")).arg(
        clap::Arg::new(FILE)
            .long("file")
            .action(clap::ArgAction::Set)
            .value_name("FILE")
            .default_value("")
            .help("a YAML file containing secret key values"),
    )
}

fn command() -> Command {
    common_content_options(model::model_option(cmd::tool_command(
        "juju add-secret",
        "<name> [key[#base64|#file]=value...]",
    )))
    .about("Add a new secret.")
    .long_about(DOC)
    .after_long_help(EXAMPLES)
}

struct AddSecret {
    matches: ArgMatches,
    name: String,
    content: Vec<String>,
}

impl AddSecret {
    fn init(m: &ArgMatches) -> Result<AddSecret, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let Some((name, content)) = args.split_first() else {
            return Err(UsageError("secret name needs to be supplied as the first argument".into()));
        };
        if content.is_empty() && string(m, FILE).filter(|f| !f.is_empty()).is_none() {
            return Err(UsageError("missing secret value or filename".into()));
        }
        Ok(AddSecret { matches: m.clone(), name: name.clone(), content: content.to_vec() })
    }
}

impl Run for AddSecret {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        let file = string(&self.matches, FILE).filter(|f| !f.is_empty()).map(Into::into);
        let uri = crate::local::secrets::add(
            &state,
            Some(self.name.clone()),
            &self.content,
            string(&self.matches, "info"),
            file,
        )
        .map_err(failed)?;
        Ok(Outcome { stdout: uri.into_bytes(), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_is_jujus() {
        let (help, _, code) = juju(&["add-secret", "--help"]);
        assert_eq!(code, 0);
        assert!(
            help.starts_with(
                "Usage: juju add-secret [options] <name> [key[#base64|#file]=value...]\n\nSummary:\nAdd a new secret.\n\n\
                 Options:\n--file (= \"\")\n    a YAML file containing secret key values\n--info (= \"\")\n    the secret description\n\
                 -m, --model (= \"\")\n"
            ),
            "{help}"
        );
        assert!(help.contains("\nDetails:\nAdd a secret with a list of key values.\n"), "{help}");
        assert!(help.ends_with("        --info \"my database password\" \\\n        --file=/path/to/file\n"), "{help}");
        assert_eq!(juju(&["help", "add-secret"]).0, help);
    }

    #[test]
    fn init_refuses_in_jujus_words() {
        refused(&["add-secret"], "secret name needs to be supplied as the first argument");
        refused(&["add-secret", "sec1"], "missing secret value or filename");
        refused(&["add-secret", "sec1", "--bogus"], "option provided but not defined: --bogus");
        no_such_model(&["add-secret", "sec1", "k=v"]);
        no_such_model(&["add-secret", "sec1", "--file", "/dev/null"]);
    }
}
