//! `relation-get`: print one key, or all, of a unit's or the application's bag in a relation.
//! The hook sees one snapshot of every relation's data, plus its own pending relation-set
//! changes.

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::{self, Checked, HookRelation};
use super::relation_help::{RELATION_GET_DETAILS, RELATION_GET_EXAMPLES};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Value};
use leaderd_core::names;

pub const NAME: &str = "relation-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY", "The key (all with \"-\"), then the unit or application")),
    live_keys: None,
};

/// Juju 3.6.0's definition; with a remote unit in the hook, both arguments are optional and
/// Details end with the default unit.
pub(crate) fn uu_app() -> Command {
    let hook = HookRelation::from_env();
    let (usage, details) = match &hook.remote_unit {
        Some(unit) if hook.fake_id.is_some() => (
            "[<key> [<unit id>]]",
            format!("{}\nCurrent default unit id is {}.", RELATION_GET_DETAILS.trim_end(), go_quote(unit)),
        ),
        _ => ("<key> <unit id>", RELATION_GET_DETAILS.to_string()),
    };
    cmd::output_args(cmd::tool_command(NAME, usage))
        .about("Get relation settings.")
        .long_about(details)
        .after_long_help(RELATION_GET_EXAMPLES)
        .arg(relation::bool_flag("app", "Get the relation data for the overall application, not just a unit"))
        .arg(relation::relation_arg(&hook, "Specify a relation by id"))
}

/// What Init settled: the key (`None` for all) and whose bag.
struct Query {
    key: Option<String>,
    /// A unit name, or with `app` an application name (empty: not a valid name).
    target: String,
    app: bool,
}

/// A validated `relation-get` call.
pub struct RelationGet {
    checked: Option<Checked<Query>>,
    output: OutputOptions,
}

/// juju/cmd `Init`, in Juju's order: relation, key, unit or application
/// (`determineUnitOrAppName`), then no further arguments.
pub fn init(m: &ArgMatches) -> Result<RelationGet, UsageError> {
    let hook = HookRelation::from_env();
    let relation = relation::chosen(m, &hook)?;
    let app = m.get_one::<bool>("app").copied().unwrap_or(false);
    Ok(RelationGet {
        checked: Some(Checked { relation, init: query(m, &hook, app) }),
        output: OutputOptions::from_matches(m),
    })
}

fn query(m: &ArgMatches, hook: &HookRelation, mut app: bool) -> Result<Query, UsageError> {
    let args = cmd::positionals(m);
    let key = match args.first() {
        Some(first) => Some(cmd::require_utf8(first)?.to_string()).filter(|k| k != "-" && !k.is_empty()),
        None => None,
    };
    let none = || UsageError("no unit or application specified".into());
    let target = match args.get(1) {
        Some(given) => {
            let given = cmd::require_utf8(given)?;
            let is_unit = names::unit_application(given).is_ok();
            let is_app = names::check_application(given).is_ok();
            match (app, is_unit, is_app) {
                (true, true, _) => names::unit_application(given).unwrap_or_default().to_string(),
                (true, false, true) => given.to_string(),
                // Juju leaves it empty here; the read then fails.
                (true, false, false) => String::new(),
                (false, true, _) => given.to_string(),
                (false, false, true) => {
                    return Err(UsageError(format!("expected unit name, got application name {}", go_quote(given))))
                }
                (false, false, false) => return Err(UsageError(format!("invalid unit name {}", go_quote(given)))),
            }
        }
        None if app => hook.remote_app.clone().ok_or_else(none)?,
        None => match (&hook.remote_unit, &hook.remote_app) {
            (Some(unit), _) => unit.clone(),
            (None, Some(remote_app)) => {
                app = true;
                remote_app.clone()
            }
            (None, None) => return Err(none()),
        },
    };
    if args.len() > 2 {
        return Err(cmd::unrecognized(&args[2..]));
    }
    Ok(Query { key, target, app })
}

impl Run for RelationGet {
    fn run(mut self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let checked = self.checked.take().expect("checked once");
        let (relation, query) = match relation::resolve(ctx, checked)? {
            Ok(found) => found,
            Err(outcome) => return Ok(outcome),
        };
        if query.target.is_empty() {
            return Err(RunError { message: "\"\" is not a valid unit or application".into(), client_side: false });
        }
        let mut settings = ctx
            .relation_settings(relation.id, &query.target, query.app)
            .map_err(|e| relation::data_error(e, "cannot read relation settings"))?;
        let value = match query.key {
            None => Value::Map(settings),
            Some(key) => settings.remove(&key).map(Value::Str).unwrap_or(Value::Nil),
        };
        Ok(Outcome::print(value, self.output))
    }

    fn usage_error(&self) -> Option<String> {
        self.checked.as_ref().and_then(|c| c.init.as_ref().err()).map(|e| e.0.clone())
    }
}
