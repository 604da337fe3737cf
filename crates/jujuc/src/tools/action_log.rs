//! `action-log`: record a progress message of the running action.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "action-log";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("MESSAGE", "The message (its words joined by spaces)")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text (a summary only).
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<message>").about("Record a progress message for the current action.")
}

/// A validated `action-log` call.
#[derive(Debug)]
pub struct ActionLog {
    message: String,
}

/// `ActionLogCommand.Init`: the arguments joined by spaces; none is an error (`""` is a
/// message).
pub fn init(m: &ArgMatches) -> Result<ActionLog, UsageError> {
    let args = cmd::positionals(m);
    if args.is_empty() {
        return Err(UsageError("no message specified".into()));
    }
    // Like juju-log: bytes that are not UTF-8 are replaced rather than failing the action.
    let message = args.iter().map(|a| a.to_string_lossy()).collect::<Vec<_>>().join(" ");
    Ok(ActionLog { message })
}

impl Run for ActionLog {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.action_log(self.message).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
