//! `application-version-set`: tell the agent which version of the workload is running. The
//! version is recorded at once; an empty version is allowed.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "application-version-set";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("VERSION", "The workload version (after \"--\" if it starts with \"-\")")),
    live_keys: None,
};

const DETAILS: &str = r#"application-version-set tells Juju which version of the application
software is running. This could be a package version number or some
other useful identifier, such as a Git hash, that indicates the
version of the deployed software. (It shouldn't be confused with the
charm revision.) The version set will be displayed in "juju status"
output for the application.
"#;

const EXAMPLES: &str = r#"
    application-version-set 1.1.10
"#;

/// The clap definition, with Juju 3.6.0's help text. The tool has no options at all.
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<new-version>")
        .about("Specify which version of the application is deployed.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
}

/// A validated `application-version-set` call.
pub struct ApplicationVersionSet {
    version: String,
}

/// juju/cmd `Init`: exactly one argument.
pub fn init(m: &ArgMatches) -> Result<ApplicationVersionSet, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("no version specified".into()));
    };
    let version = cmd::require_utf8(first)?.to_string();
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    Ok(ApplicationVersionSet { version })
}

impl Run for ApplicationVersionSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.set_workload_version(self.version).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
