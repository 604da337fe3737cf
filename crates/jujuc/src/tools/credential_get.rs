//! `credential-get`: the model's cloud specification, for a trusted application. leaderd's
//! model has no cloud and no trust: the tool answers as Juju's API does for an application
//! that was not granted trust.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "credential-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

/// The clap definition, with Juju 3.6's help text (`credential-get.go`).
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, ""))
        .about("Access cloud credentials.")
        .long_about("\ncredential-get returns the cloud specification used by the unit's model.\n")
}

/// A validated `credential-get` call.
#[derive(Debug)]
pub struct CredentialGet;

/// `CredentialGetCommand.Init`: no arguments.
pub fn init(m: &ArgMatches) -> Result<CredentialGet, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(CredentialGet)
}

/// What Juju's uniter facade answers an application without trust (`UniterAPI.CloudSpec`:
/// `apiservererrors.ErrPerm`), as `CredentialGetCommand.Run` annotates it.
pub const NO_TRUST: &str = "cannot access cloud credentials: permission denied";

impl Run for CredentialGet {
    fn run(self: Box<Self>, _ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        Err(RunError { message: NO_TRUST.into(), client_side: false })
    }
}
