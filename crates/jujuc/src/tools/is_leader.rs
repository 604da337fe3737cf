//! `is-leader`: is this unit guaranteed to be leader for at least the lease guarantee?
//! A minion is not an error: it prints False and exits 0.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::Value;

pub const NAME: &str = "is-leader";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

/// The clap definition, with Juju 3.x's help text.
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, ""))
        .about("Print application leadership status.")
        .long_about(
            "\nis-leader prints a boolean indicating whether the local unit is guaranteed to\n\
             be application leader for at least 30 seconds. If it fails, you should assume that\n\
             there is no such guarantee.\n",
        )
        .after_long_help(
            "\n    LEADER=$(is-leader)\n    if [ \"${LEADER}\" == \"True\" ]; then\n      # Do something a leader would do\n    fi\n",
        )
}

/// A validated `is-leader` call.
pub struct IsLeader {
    output: OutputOptions,
}

/// juju/cmd `Init`: no positional arguments at all.
pub fn init(m: &ArgMatches) -> Result<IsLeader, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(IsLeader { output: OutputOptions::from_matches(m) })
}

impl Run for IsLeader {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let leader = ctx.is_leader().map_err(|e| e.annotate("leadership status unknown"))?;
        Ok(Outcome::print(Value::Bool(leader), self.output))
    }
}
