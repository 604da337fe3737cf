//! `goal-state`: the application's units and the related units of each relation, with their
//! status (Juju 3.6.0 `worker/uniter/runner/jujuc/goal-state.go`).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{Node, Tree, Value};
use leaderd_core::wire::hook::GoalStatus;

pub const NAME: &str = "goal-state";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

const DOC: &str = "
'goal-state' command will list the charm units and relations, specifying their status and
their relations to other units in different charms.
goal-state queries information about charm deployment and returns it as structured data.

goal-state provides:
    - the details of other peer units have been deployed and their status
    - the details of remote units on the other end of each endpoint and their status

The output will be a subset of that produced by the juju status. There will be output
for sibling (peer) units and relation state per unit.

The unit status values are the workload status of the (sibling) peer units. We also use
a unit status value of dying when the unit’s life becomes dying. Thus unit status is one of:
    - allocating
    - active
    - waiting
    - blocked
    - error
    - dying

The relation status values are determined per unit and depend on whether the unit has entered
or left scope. The possible values are:
    - joining : a relation has been created, but no units are available. This occurs when the
      application on the other side of the relation is added to a model, but the machine hosting
      the first unit has not yet been provisioned. Calling relation-set will work correctly as
      that data will be passed through to the unit when it comes online, but relation-get will
      not provide any data.
    - joined : the relation is active. A unit has entered scope and is accessible to this one.
    - broken : unit has left, or is preparing to leave scope. Calling relation-get is not advised
      as the data will quickly out of date when the unit leaves.
    - suspended : parent cross model relation is suspended
    - error: an external error has been detected

By reporting error state, the charm has a chance to determine that goal state may not be reached
due to some external cause. As with status, we will report the time since the status changed to
allow the charm to empirically guess that a peer may have become stuck if it has not yet reached
active state.
";

pub(crate) fn uu_app() -> Command {
    super::secret::yaml_json_output_args(cmd::tool_command(NAME, ""))
        .about("Print the status of the charm's peers and related units.")
        .long_about(DOC)
        .after_long_help("\n    goal-state\n")
}

/// A validated `goal-state` call.
#[derive(Debug)]
pub struct GoalState {
    output: OutputOptions,
}

/// `GoalStateCommand.Init`: no arguments.
pub fn init(m: &ArgMatches) -> Result<GoalState, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(GoalState { output: OutputOptions::from_matches(m) })
}

/// Juju's `common.FormatTime(t, true)`: `2006-01-02 15:04:05Z` in UTC.
pub(crate) fn format_time(unix_ms: u64) -> String {
    let secs = unix_ms / 1000;
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Howard Hinnant's civil_from_days.
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}Z", rest / 3600, rest % 3600 / 60, rest % 60)
}

/// `goalStateStatusContents`: the status, and `since` unless it is not known.
fn status_node(status: &GoalStatus) -> Node {
    let mut fields = vec![("status".to_string(), Node::Str(status.status.clone()))];
    if let Some(since) = status.since_ms {
        fields.push(("since".to_string(), Node::Str(format_time(since))));
    }
    Node::Struct(fields)
}

impl Run for GoalState {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let state = ctx.goal_state().map_err(|e| e.unannotated())?;
        let units = |units: &std::collections::BTreeMap<String, GoalStatus>| {
            Node::Map(units.iter().map(|(name, s)| (name.clone(), status_node(s))).collect::<Tree>())
        };
        let relations: Tree = state.relations.iter().map(|(endpoint, u)| (endpoint.clone(), units(u))).collect();
        let value = Value::Struct(vec![
            ("units".to_string(), units(&state.units)),
            ("relations".to_string(), Node::Map(relations)),
        ]);
        Ok(Outcome::print(value, self.output))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_print_as_juju_formats_them_in_utc() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00:00Z");
        assert_eq!(super::format_time(1_709_294_645_123), "2024-03-01 12:04:05Z");
        assert_eq!(super::format_time(951_782_400_000), "2000-02-29 00:00:00Z");
    }
}
