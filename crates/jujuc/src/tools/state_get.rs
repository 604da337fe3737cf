//! `state-get`: print one key of the unit's charm state (Juju's server-side unit state), or
//! all of them, as this hook sees it (its own pending state-set and state-delete included).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Format, Value};

pub const NAME: &str = "state-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY", "The key to print (all keys with none or \"-\")")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text (`state-get.go`).
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, "[<key>]"))
        .about("Print server-side-state value.")
        .long_about(
            "\nstate-get prints the value of the server side state specified by key.\n\
             If no key is given, or if the key is \"-\", all keys and values will be printed.\n",
        )
        .arg(super::relation::bool_flag("strict", "Return an error if the requested key does not exist"))
}

/// A validated `state-get` call; no key means every key.
#[derive(Debug)]
pub struct StateGet {
    key: Option<String>,
    strict: bool,
    output: OutputOptions,
}

/// `StateGetCommand.Init`: the first argument is the key (`-` and `""` mean every key), any
/// other is refused.
pub fn init(m: &ArgMatches) -> Result<StateGet, UsageError> {
    let args = cmd::positionals(m);
    let key = match args.first() {
        None => None,
        Some(first) => {
            if args.len() > 1 {
                return Err(cmd::unrecognized(&args[1..]));
            }
            let key = cmd::require_utf8(first)?;
            (key != "-" && !key.is_empty()).then(|| key.to_string())
        }
    };
    let strict = m.get_one::<bool>("strict").copied().unwrap_or(false);
    Ok(StateGet { key, strict, output: OutputOptions::from_matches(m) })
}

impl Run for StateGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let mut state = ctx.charm_state().map_err(|e| e.unannotated())?;
        let value = match self.key {
            // Juju's context answers a nil map for an empty state: yaml (and smart) print `{}`,
            // json `null`.
            None if state.is_empty() && self.output.format == Format::Json => Value::Nil,
            None => Value::Map(state),
            Some(key) => match state.remove(&key) {
                Some(value) => Value::Str(value),
                // errors.NotFoundf("%q", key), returned only with --strict; without it Juju
                // prints the empty string its context answered.
                None if self.strict => {
                    return Err(RunError { message: format!("{} not found", go_quote(&key)), client_side: false })
                }
                None => Value::Str(String::new()),
            },
        };
        Ok(Outcome::print(value, self.output))
    }
}
