//! `leader-get`: print one key of the application's leader settings, or all of them.
//! The hook sees a snapshot taken at its first leader-get.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Value};

pub const NAME: &str = "leader-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY", "The key to print (all keys with none or \"-\")")),
    live_keys: Some(""),
};

pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, "[<key>]"))
        .about("Print application leadership settings.")
        .long_about(
            "\nleader-get prints the value of a leadership setting specified by key. If no key\n\
             is given, or if the key is \"-\", all keys and values will be printed.\n",
        )
        .after_long_help("\n    ADDRESSS=$(leader-get cluster-leader-address)\n")
}

/// A validated `leader-get` call; no key means the whole bucket.
pub struct LeaderGet {
    key: Option<String>,
    output: OutputOptions,
}

/// juju/cmd `Init`: `-` and `""` mean every key; a key containing `=` is refused before any
/// extra argument is (Juju checks in that order).
pub fn init(m: &ArgMatches) -> Result<LeaderGet, UsageError> {
    let args = cmd::positionals(m);
    let key = match args.first() {
        None => None,
        Some(first) => {
            let key = cmd::require_utf8(first)?;
            if key.contains('=') {
                return Err(UsageError(format!("invalid key {}", go_quote(key))));
            }
            if args.len() > 1 {
                return Err(cmd::unrecognized(&args[1..]));
            }
            (key != "-" && !key.is_empty()).then(|| key.to_string())
        }
    };
    Ok(LeaderGet { key, output: OutputOptions::from_matches(m) })
}

impl Run for LeaderGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let mut settings = ctx.leader_settings().map_err(|e| e.annotate("cannot read leadership settings"))?;
        let value = match self.key {
            None => Value::Map(settings),
            Some(key) => settings.remove(&key).map(Value::Str).unwrap_or(Value::Nil),
        };
        Ok(Outcome::print(value, self.output))
    }
}
