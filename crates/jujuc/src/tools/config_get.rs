//! `config-get`: print one option of the application's config, or all of them. Values are
//! the defaults in the charm's `config.yaml`; numbers are float64, as Juju's API delivers them,
//! so an int option of 1000000 prints `1e+06` (smart, yaml) or `1000000` (json).

use std::collections::BTreeMap;

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Node, Tree, Value};

pub const NAME: &str = "config-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY", "The option to print (all options with none)")),
    live_keys: None,
};

const DETAILS: &str = r#"config-get returns information about the application configuration
(as defined by config.yaml). If called without arguments, it returns
a dictionary containing all config settings that are either explicitly
set, or which have a non-nil default value. If the --all flag is passed,
it returns a dictionary containing all defined config settings including
nil values (for those without defaults). If called with a single argument,
it returns the value of that config key. Missing config keys are reported
as nulls, and do not return an error.

<key> and --all are mutually exclusive.
"#;

const EXAMPLES: &str = r#"
    INTERVAL=$(config-get interval)

    config-get --all
"#;

/// The clap definition, with Juju 3.6.0's help text.
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, "[<key>]"))
        .about("Print application configuration.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
        .arg(
            // A Go bool option: `-a`, `--all`, or `--all=false` (see `cmd::is_bool`).
            Arg::new("all")
                .short('a')
                .long("all")
                .num_args(0..=1)
                .require_equals(true)
                .default_value("false")
                .default_missing_value("true")
                .value_parser(clap::value_parser!(bool))
                .help("print all keys"),
        )
}

/// A validated `config-get` call: one key, or every option (with `all`, those without a value
/// too).
pub struct ConfigGet {
    key: Option<String>,
    all: bool,
    output: OutputOptions,
}

/// juju/cmd `Init`: an empty key means every option; a key with `--all` is refused before any
/// extra argument is.
pub fn init(m: &ArgMatches) -> Result<ConfigGet, UsageError> {
    let args = cmd::positionals(m);
    let all = m.get_one::<bool>("all").copied().unwrap_or(false);
    let key = match args.first() {
        None => None,
        Some(first) => {
            let key = cmd::require_utf8(first)?;
            if !key.is_empty() && all {
                return Err(UsageError(format!("cannot use argument --all together with key {}", go_quote(key))));
            }
            if args.len() > 1 {
                return Err(cmd::unrecognized(&args[1..]));
            }
            (!key.is_empty()).then(|| key.to_string())
        }
    };
    Ok(ConfigGet { key, all, output: OutputOptions::from_matches(m) })
}

/// A config value as Go holds it after JSON decoding: bool, string, float64 or nil.
fn node(value: serde_json::Value) -> Node {
    match value {
        serde_json::Value::Null => Node::Null,
        serde_json::Value::Bool(b) => Node::Bool(b),
        serde_json::Value::Number(n) => Node::Float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Node::Str(s),
        other => Node::Str(other.to_string()),
    }
}

impl Run for ConfigGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let settings: BTreeMap<String, serde_json::Value> = ctx.config().map_err(|e| e.unannotated())?;
        let Some(key) = self.key else {
            let tree: Tree =
                settings.into_iter().filter(|(_, v)| self.all || !v.is_null()).map(|(k, v)| (k, node(v))).collect();
            return Ok(Outcome::print(Value::Tree(tree), self.output));
        };
        let value = match settings.get(&key).cloned().map(node) {
            None | Some(Node::Null) | Some(Node::Map(_)) => Value::Nil,
            Some(Node::Bool(b)) => Value::Bool(b),
            Some(Node::Float(f)) => Value::Float(f),
            Some(Node::Str(s)) => Value::Str(s),
            // A config value is never one of these (they come from the secret tools).
            Some(_) => Value::Nil,
        };
        Ok(Outcome::print(value, self.output))
    }
}
