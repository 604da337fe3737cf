//! `relation-list`: the remote units in a relation, or with `--app` the remote application.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::{self, Checked, HookRelation};
use super::relation_help::RELATION_LIST_DETAILS;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::Value;

pub const NAME: &str = "relation-list";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

/// Juju 3.6.0's definition; inside a relation hook it has no Details at all.
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    let command = cmd::output_args(cmd::tool_command(NAME, ""))
        .about("List relation units.")
        .arg(relation::bool_flag("app", "List remote application instead of participating units"))
        .arg(relation::relation_arg(&hook, "Specify a relation by id"));
    if hook.fake_id.is_some() {
        command
    } else {
        command.long_about(RELATION_LIST_DETAILS)
    }
}

/// A validated `relation-list` call.
pub(crate) struct RelationList {
    checked: Option<Checked<()>>,
    app: bool,
    output: OutputOptions,
}

/// juju/cmd `Init`: a relation (given or the hook's) and no arguments.
pub fn init(m: &ArgMatches) -> Result<RelationList, UsageError> {
    let relation = relation::chosen(m, &HookRelation::from_env())?;
    let args = cmd::positionals(m);
    let init = if args.is_empty() { Ok(()) } else { Err(cmd::unrecognized(&args)) };
    Ok(RelationList {
        checked: Some(Checked { relation, init }),
        app: m.get_one::<bool>("app").copied().unwrap_or(false),
        output: OutputOptions::from_matches(m),
    })
}

impl Run for RelationList {
    fn run(mut self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = self.checked.take().expect("checked once");
        let (relation, ()) = match relation::resolve(ctx, checked)? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        if self.app {
            return Ok(Outcome::print(Value::Str(relation.remote_app), self.output));
        }
        let mut members = relation.members;
        members.sort();
        Ok(Outcome::print(Value::List(members), self.output))
    }

    fn usage_error(&self) -> Option<String> {
        self.checked.as_ref().and_then(|c| c.init.as_ref().err()).map(|e| e.0.clone())
    }
}
