//! `secret-ids`: the ids of the secrets the unit owns (and, for the leader, its application's).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{Format, Value};

pub const NAME: &str = "secret-ids";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, ""))
        .about("Print secret IDs.")
        .long_about("\nReturns the secret ids for secrets owned by the application.\n")
        .after_long_help("\n    secret-ids\n")
}

/// A validated `secret-ids` call.
#[derive(Debug)]
pub struct SecretIds {
    output: OutputOptions,
}

/// `secretIdsCommand.Init`: no arguments.
pub fn init(m: &ArgMatches) -> Result<SecretIds, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(SecretIds { output: OutputOptions::from_matches(m) })
}

impl Run for SecretIds {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let secrets = ctx.secret_metadata().map_err(|e| e.unannotated())?;
        // Juju lists a Go map's keys, in no set order; these are sorted. No secrets is a nil
        // slice, which encoding/json writes as `null`.
        let ids: Vec<String> = secrets.into_keys().collect();
        if ids.is_empty() && self.output.format == Format::Json {
            return Ok(Outcome::print(Value::Nil, self.output));
        }
        Ok(Outcome::print(Value::List(ids), self.output))
    }
}
