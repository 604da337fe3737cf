//! `juju-reboot`: restart the unit after the hook (or at once with `--now`, killing the hook,
//! which then runs again). leaderd's units share one host, so the agent "reboots" the unit, not
//! the machine: docs/hook-tools.md says what that does.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};

pub const NAME: &str = "juju-reboot";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

/// The clap definition, with Juju 3.6's help text (`reboot.go`).
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "")
        .about("Reboot the host machine.")
        .long_about(
            "\njuju-reboot causes the host machine to reboot, after stopping all containers\n\
             hosted on the machine.\n\
             \n\
             An invocation without arguments will allow the current hook to complete, and\n\
             will only cause a reboot if the hook completes successfully.\n\
             \n\
             If the --now flag is passed, the current hook will terminate immediately, and\n\
             be restarted from scratch after reboot. This allows charm authors to write\n\
             hooks that need to reboot more than once in the course of installing software.\n\
             \n\
             The --now flag cannot terminate a debug-hooks session; hooks using --now should\n\
             be sure to terminate on unexpected errors, so as to guarantee expected behaviour\n\
             in all situations.\n\
             \n\
             juju-reboot is not supported when running actions.\n",
        )
        .after_long_help("\n    # immediately reboot\n    juju-reboot --now\n\n    # Reboot after current hook exits\n    juju-reboot\n")
        .arg(super::relation::bool_flag("now", "reboot immediately, killing the invoking process"))
}

/// A validated `juju-reboot` call.
#[derive(Debug)]
pub struct JujuReboot {
    now: bool,
}

/// `JujuRebootCommand.Init`: no arguments.
pub fn init(m: &ArgMatches) -> Result<JujuReboot, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(JujuReboot { now: m.get_one::<bool>("now").copied().unwrap_or(false) })
}

/// Juju's words in an action context (`JujuRebootCommand.Run`).
pub const NOT_IN_ACTIONS: &str = "juju-reboot is not supported when running an action.";

impl Run for JujuReboot {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // As Juju: a context that answers action parameters runs an action.
        if ctx.action_params().is_ok() {
            return Err(RunError { message: NOT_IN_ACTIONS.into(), client_side: false });
        }
        ctx.request_reboot(self.now).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
