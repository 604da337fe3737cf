//! `status-get`: print the unit's workload status, or with `--application` the application's
//! and its units' (leader only).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{Format, Node, Tree, Value};
use leaderd_core::wire::hook::WorkloadStatus;

pub const NAME: &str = "status-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

const DETAILS: &str = r#"By default, only the status value is printed.
If the --include-data flag is passed, the associated data are printed also.

Further details:
status-get allows charms to query the current workload status.

Without arguments, it just prints the status code e.g. ‘maintenance’.
With --include-data specified, it prints YAML which contains the status
value plus any data associated with the status.

Include the --application option to get the overall status for the application, rather than an individual unit.
"#;

const EXAMPLES: &str = r#"
    # Access the unit’s status:
    status-get
    status-get --include-data

    # Access the application’s status:
    status-get --application
"#;

/// The clap definition, with Juju 3.6.0's help text (its usage line names the two flags again).
pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, "[--include-data] [--application]"))
        .about("Print status information.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
        .arg(cmd::bool_flag("application", "print status for all units of this application if this unit is the leader"))
        .arg(cmd::bool_flag("include-data", "print all status data"))
}

/// A validated `status-get` call.
pub struct StatusGet {
    application: bool,
    include_data: bool,
    output: OutputOptions,
}

/// juju/cmd `Init`: no positional arguments.
pub fn init(m: &ArgMatches) -> Result<StatusGet, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(StatusGet {
        application: m.get_one::<bool>("application").copied().unwrap_or(false),
        include_data: m.get_one::<bool>("include-data").copied().unwrap_or(false),
        output: OutputOptions::from_matches(m),
    })
}

/// Juju's `toDetails`: the status, and with data its message and a copy of its data (always a
/// map, possibly empty).
fn details(status: &WorkloadStatus, include_data: bool) -> Tree {
    let mut tree = Tree::from([("status".to_string(), Node::Str(status.status.clone()))]);
    if include_data {
        tree.insert("message".into(), Node::Str(status.message.clone()));
        let data = status.data.iter().map(|(k, v)| (k.clone(), Node::Str(v.clone()))).collect();
        tree.insert("status-data".into(), Node::Map(data));
    }
    tree
}

impl Run for StatusGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let prefix = if self.application { "finding application status" } else { "finding workload status" };
        let answer = ctx.status(self.application).map_err(|e| e.annotate(prefix))?;
        // The plain status name only for smart output without data; otherwise the details.
        if !self.include_data && self.output.format == Format::Smart {
            return Ok(Outcome::print(Value::Str(answer.status.status), self.output));
        }
        // Juju ignores the error of writing a map (`_ = c.out.Write(...)`), so `-o` to an
        // unwritable path fails only for the plain status name.
        let map =
            |value: Value, output: OutputOptions| Outcome { ignore_write_error: true, ..Outcome::print(value, output) };
        let mut tree = details(&answer.status, self.include_data);
        if !self.application {
            return Ok(map(Value::Tree(tree), self.output));
        }
        let units = answer.units.unwrap_or_default();
        let units = units.iter().map(|(name, s)| (name.clone(), Node::Map(details(s, self.include_data)))).collect();
        tree.insert("units".into(), Node::Map(units));
        Ok(map(Value::Tree(Tree::from([("application-status".to_string(), Node::Map(tree))])), self.output))
    }
}
