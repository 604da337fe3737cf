//! `relation-model-get`: the UUID of the model of the application at the other end of a
//! relation (Juju 3.6 `internal/worker/uniter/runner/jujuc/relation-model-get.go`, added in
//! 3.6.2).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::{self, Checked, HookRelation};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{Node, Value};

pub const NAME: &str = "relation-model-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

const DOC: &str = "
`-r` must be specified when not in a relation hook.

`relation-model-get` outputs details about the model hosting the application
on the other end of a unit relation.
If not running in a relation hook context, `-r` needs to be specified with a
relation identifier similar to the `relation-get` and `relation-set` commands.
";

/// Juju's definition; in a relation hook it has no Details.
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    let command = cmd::output_args(cmd::tool_command(NAME, ""))
        .about("Gets details about the model housing a related application.")
        .arg(relation::relation_arg(&hook, "Specifies a relation by ID."));
    match hook.fake_id {
        Some(_) => command,
        None => command.long_about(DOC),
    }
}

/// A validated `relation-model-get` call.
pub struct RelationModelGet {
    checked: Option<Checked<()>>,
    output: OutputOptions,
}

/// `RelationModelGetCommand.Init`: a relation, and no arguments.
pub fn init(m: &ArgMatches) -> Result<RelationModelGet, UsageError> {
    let hook = HookRelation::from_env();
    let relation = relation::chosen(m, &hook)?;
    let args = cmd::positionals(m);
    let init = if args.is_empty() { Ok(()) } else { Err(cmd::unrecognized(&args)) };
    Ok(RelationModelGet { checked: Some(Checked { relation, init }), output: OutputOptions::from_matches(m) })
}

impl Run for RelationModelGet {
    fn run(mut self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = self.checked.take().expect("checked once");
        let relation = match relation::resolve(ctx, checked)? {
            Ok((relation, ())) => relation,
            Err(outcome) => return Ok(outcome),
        };
        let value = Value::Struct(vec![("uuid".to_string(), Node::Str(relation.remote_model_uuid))]);
        Ok(Outcome::print(value, self.output))
    }

    fn usage_error(&self) -> Option<String> {
        self.checked.as_ref().and_then(|c| c.init.as_ref().err()).map(|e| e.0.clone())
    }
}
