//! `relation-ids`: the ids of the relations on an endpoint, as `<endpoint>:<id>`.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::HookRelation;
use super::relation_help::{RELATION_IDS_DETAILS, RELATION_IDS_EXAMPLES};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Value};

pub const NAME: &str = "relation-ids";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("NAME", "The endpoint (in a relation hook, the hook's)")),
    live_keys: None,
};

/// Juju 3.6.0's definition; in a relation hook the name is optional and Details start with
/// the default (`NewRelationIdsCommand`).
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    let (usage, details) = match &hook.endpoint {
        Some(endpoint) if hook.fake_id.is_some() => {
            ("[<name>]", format!("Current default endpoint name is {}.\n{RELATION_IDS_DETAILS}", go_quote(endpoint)))
        }
        _ => ("<name>", RELATION_IDS_DETAILS.to_string()),
    };
    cmd::output_args(cmd::tool_command(NAME, usage))
        .about("List all relation IDs for the given endpoint.")
        .long_about(details)
        .after_long_help(RELATION_IDS_EXAMPLES)
}

/// A validated `relation-ids` call.
pub struct RelationIds {
    endpoint: String,
    output: OutputOptions,
}

/// juju/cmd `Init`: the name given (any string, even empty), or the hook's endpoint.
pub fn init(m: &ArgMatches) -> Result<RelationIds, UsageError> {
    let args = cmd::positionals(m);
    let endpoint = match args.first() {
        Some(first) => {
            let name = cmd::require_utf8(first)?.to_string();
            if args.len() > 1 {
                return Err(cmd::unrecognized(&args[1..]));
            }
            name
        }
        None => {
            let hook = HookRelation::from_env();
            match hook.endpoint.filter(|_| hook.fake_id.is_some()) {
                Some(endpoint) => endpoint,
                None => return Err(UsageError("no endpoint name specified".into())),
            }
        }
    };
    Ok(RelationIds { endpoint, output: OutputOptions::from_matches(m) })
}

impl Run for RelationIds {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let relations = ctx.relations().map_err(|e| e.unannotated())?;
        // Go's sort.Strings: byte order, so db:10 sorts before db:2.
        let mut ids: Vec<String> = relations
            .iter()
            .filter(|r| r.endpoint == self.endpoint)
            .map(|r| format!("{}:{}", r.endpoint, r.id))
            .collect();
        ids.sort();
        Ok(Outcome::print(Value::List(ids), self.output))
    }
}
