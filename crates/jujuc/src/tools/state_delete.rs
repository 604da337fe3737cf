//! `state-delete`: delete a key of the unit's charm state, when the hook succeeds.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "state-delete";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY", "The key to delete")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text (`state-delete.go`).
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<key>")
        .about("Delete server-side-state key value pairs.")
        .long_about("\nstate-delete deletes the value of the server side state specified by key.\n")
}

/// A validated `state-delete` call; no key deletes nothing.
#[derive(Debug)]
pub struct StateDelete {
    key: Option<String>,
}

/// `StateDeleteCommand.Init`: the first argument is the key, any other is refused. Without
/// arguments Juju's Init gets a nil list (jujuc's request carries none) and accepts it: the
/// call then does nothing, as one with an empty key does.
pub fn init(m: &ArgMatches) -> Result<StateDelete, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Ok(StateDelete { key: None });
    };
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    let key = cmd::require_utf8(first)?;
    Ok(StateDelete { key: (!key.is_empty()).then(|| key.to_string()) })
}

impl Run for StateDelete {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        if let Some(key) = self.key {
            ctx.delete_charm_state(&key).map_err(|e| e.unannotated())?;
        }
        Ok(Outcome::default())
    }
}
