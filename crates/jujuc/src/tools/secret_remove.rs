//! `secret-remove`: remove an owned secret, or one revision of it, when the hook succeeds.

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::secret;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::secrets::SecretUri;

pub const NAME: &str = "secret-remove";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("ID", "The secret to remove")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<ID>")
        .about("Remove an existing secret.")
        .long_about("\nRemove a secret with the specified URI.\n")
        .after_long_help("\n    secret-remove secret:9m4e2mr0ui3e8a215n4g\n")
        .arg(
            // A Go int (`cmd` parses it as strconv.ParseInt does).
            Arg::new("revision")
                .long("revision")
                .value_name("N")
                .default_value("0")
                .allow_hyphen_values(true)
                .value_parser(clap::value_parser!(i64))
                .help("remove the specified revision"),
        )
}

/// A validated `secret-remove` call.
#[derive(Debug)]
pub struct SecretRemove {
    uri: SecretUri,
    revision: Option<u32>,
}

/// `secretRemoveCommand.Init`.
pub fn init(m: &ArgMatches) -> Result<SecretRemove, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("missing secret URI".into()));
    };
    let uri = secret::secret_uri(first)?;
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    // Juju removes the whole secret for a revision that is not positive.
    let revision = m.get_one::<i64>("revision").copied().unwrap_or(0);
    let revision = (revision > 0).then(|| u32::try_from(revision).unwrap_or(u32::MAX));
    Ok(SecretRemove { uri, revision })
}

impl Run for SecretRemove {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.secret_remove(self.uri.id.as_str(), self.revision).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
