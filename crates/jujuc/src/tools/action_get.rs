//! `action-get`: print the running action's parameters, or the one at a dotted key path.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{Node, Tree, Value};

pub const NAME: &str = "action-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY", "The parameter to print, a dotted key path (all parameters with none)")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, "[<key>[.<key>.<key>...]]"))
        .about("Get action parameters.")
        .long_about(
            "\naction-get will print the value of the parameter at the given key, serialized\n\
             as YAML.  If multiple keys are passed, action-get will recurse into the param\n\
             map as needed.\n",
        )
        .after_long_help("\n    TIMEOUT=$(action-get timeout)\n")
}

/// Which parameters to print.
#[derive(Debug, PartialEq)]
enum Keys {
    /// All of them (no argument).
    All,
    /// The value at this key path (Juju's `strings.Split(arg, ".")`).
    Path(Vec<String>),
    /// An argument that is not UTF-8: no parameter (a JSON key) can have that name.
    NoSuchKey,
}

/// A validated `action-get` call.
#[derive(Debug)]
pub struct ActionGet {
    keys: Keys,
    output: OutputOptions,
}

/// `ActionGetCommand.Init`: at most one argument; any key path is accepted (even `""` or
/// `a..b`, which name nothing).
pub fn init(m: &ArgMatches) -> Result<ActionGet, UsageError> {
    let args = cmd::positionals(m);
    let keys = match args.first() {
        None => Keys::All,
        Some(first) => {
            if args.len() > 1 {
                return Err(cmd::unrecognized(&args[1..]));
            }
            match first.to_str() {
                Some(path) => Keys::Path(path.split('.').map(String::from).collect()),
                None => Keys::NoSuchKey,
            }
        }
    };
    Ok(ActionGet { keys, output: OutputOptions::from_matches(m) })
}

/// `recurseMapOnKeys`: the value at `keys`, if every key but the last names a map.
fn lookup<'a>(
    params: &'a serde_json::Map<String, serde_json::Value>,
    keys: &[String],
) -> Option<&'a serde_json::Value> {
    let (first, rest) = keys.split_first()?;
    let value = params.get(first)?;
    if rest.is_empty() {
        return Some(value);
    }
    match value {
        serde_json::Value::Object(inner) => lookup(inner, rest),
        _ => None,
    }
}

/// A parameter as Juju holds it: decoded from JSON into Go's `interface{}` (every number a
/// float64, every object a `map[string]interface{}`).
fn node(value: &serde_json::Value) -> Node {
    match value {
        serde_json::Value::Null => Node::Null,
        serde_json::Value::Bool(b) => Node::Bool(*b),
        serde_json::Value::Number(n) => Node::Float(n.as_f64().unwrap_or(f64::NAN)),
        serde_json::Value::String(s) => Node::Str(s.clone()),
        serde_json::Value::Array(items) => Node::List(items.iter().map(node).collect()),
        serde_json::Value::Object(map) => Node::Map(tree(map)),
    }
}

fn tree(map: &serde_json::Map<String, serde_json::Value>) -> Tree {
    map.iter().map(|(k, v)| (k.clone(), node(v))).collect()
}

/// The value as juju/cmd's formatters see it: a Go nil, string or bool is printed plainly by
/// `smart`; anything else as YAML.
fn value(found: Option<&serde_json::Value>) -> Value {
    match found {
        None | Some(serde_json::Value::Null) => Value::Nil,
        Some(serde_json::Value::Bool(b)) => Value::Bool(*b),
        Some(serde_json::Value::String(s)) => Value::Str(s.clone()),
        Some(serde_json::Value::Number(n)) => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        Some(serde_json::Value::Object(map)) => Value::Tree(tree(map)),
        Some(serde_json::Value::Array(items)) => Value::Seq(items.iter().map(node).collect()),
    }
}

impl Run for ActionGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // Juju returns the context's error as it is (`not running an action`).
        let params = ctx.action_params().map_err(|e| e.unannotated())?;
        let value = match &self.keys {
            // No parameters still print as an empty map.
            Keys::All => Value::Tree(tree(&params)),
            Keys::Path(keys) => value(lookup(&params, keys)),
            Keys::NoSuchKey => Value::Nil,
        };
        Ok(Outcome::print(value, self.output))
    }
}
