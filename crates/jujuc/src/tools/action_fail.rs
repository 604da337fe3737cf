//! `action-fail`: mark the running action failed, with a message.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "action-fail";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("MESSAGE", "The failure message (Juju's default with none)")),
    live_keys: None,
};

/// The message of an `action-fail` without one (Juju's `ActionFailCommand.Init`).
pub const DEFAULT_MESSAGE: &str = "action failed without reason given, check action for errors";

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "[\"<failure message>\"]")
        .about("Set action fail status with message.")
        .long_about(
            "\naction-fail sets the fail state of the action with a given error message.  Using\n\
             action-fail without a failure message will set a default message indicating a\n\
             problem with the action.\n",
        )
        .after_long_help("\n    action-fail 'unable to contact remote service'\n")
}

/// A validated `action-fail` call.
#[derive(Debug)]
pub struct ActionFail {
    message: String,
}

/// `ActionFailCommand.Init`: one message at most; none means Juju's default message.
pub fn init(m: &ArgMatches) -> Result<ActionFail, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Ok(ActionFail { message: DEFAULT_MESSAGE.to_string() });
    };
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    // Like juju-log: bytes that are not UTF-8 are replaced rather than failing the action.
    Ok(ActionFail { message: first.to_string_lossy().into_owned() })
}

impl Run for ActionFail {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // Juju's tool always sets the message (its default when none is given), then fails the
        // action: a message set by an earlier action-fail is replaced.
        ctx.action_fail(Some(self.message)).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
