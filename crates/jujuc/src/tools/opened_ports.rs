//! `opened-ports`: the port ranges the unit has opened, with this hook's pending requests
//! (Juju 3.6.0 `worker/uniter/runner/jujuc/opened-ports.go`).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::relation::bool_flag;
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::Value;

pub const NAME: &str = "opened-ports";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool =
    Tool { name: NAME, command: uu_app, init: |m| Ok(Box::new(init(m)?)), positional: None, live_keys: None };

// Juju's text keeps its trailing spaces ("the \n", "formatted as <from>-<to>/<protocol> \n").
const DOC: &str = "
opened-ports lists all ports or port ranges opened by a unit.

By default, the port range listing does not include information about the 
application endpoints that each port range applies to. Each list entry is
formatted as <port>/<protocol> (e.g. \"80/tcp\") or <from>-<to>/<protocol> 
(e.g. \"8080-8088/udp\").

If the --endpoints option is specified, each entry in the port list will be
augmented with a comma-delimited list of endpoints that the port range 
applies to (e.g. \"80/tcp (endpoint1, endpoint2)\"). If a port range applies to
all endpoints, this will be indicated by the presence of a '*' character
(e.g. \"80/tcp (*)\").

Opening ports is transactional (i.e. will take place on successfully exiting
the current hook), and therefore opened-ports will not return any values for
pending open-port operations run from within the same hook.
";

pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, ""))
        .about("List all ports or port ranges opened by the unit.")
        .long_about(DOC)
        .after_long_help("\n    opened-ports\n")
        .arg(bool_flag("endpoints", "display the list of target application endpoints for each port range"))
}

/// A validated `opened-ports` call.
#[derive(Debug)]
pub struct OpenedPorts {
    endpoints: bool,
    output: OutputOptions,
}

/// `OpenedPortsCommand.Init`: no arguments.
pub fn init(m: &ArgMatches) -> Result<OpenedPorts, UsageError> {
    let args = cmd::positionals(m);
    if !args.is_empty() {
        return Err(cmd::unrecognized(&args));
    }
    Ok(OpenedPorts {
        endpoints: m.get_one::<bool>("endpoints").copied().unwrap_or(false),
        output: OutputOptions::from_matches(m),
    })
}

impl Run for OpenedPorts {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let grouped = ctx.opened_ports().map_err(|e| e.unannotated())?;
        let unique = leaderd_core::ports::unique(&grouped);
        let lines: Vec<String> = if !self.endpoints {
            unique.iter().map(ToString::to_string).collect()
        } else {
            // `renderPortsWithEndpointDetails`: each range with its endpoints sorted, or `*`
            // when it is open for every endpoint.
            unique
                .iter()
                .map(|range| {
                    let names: Vec<&str> =
                        grouped.iter().filter(|(_, rs)| rs.contains(range)).map(|(e, _)| e.as_str()).collect();
                    let described = if names.contains(&"") { "*".to_string() } else { names.join(", ") };
                    format!("{range} ({described})")
                })
                .collect()
        };
        // Juju writes a Go slice made with make([]string, n): `[]` in JSON when empty.
        Ok(Outcome::print(Value::List(lines), self.output))
    }
}
