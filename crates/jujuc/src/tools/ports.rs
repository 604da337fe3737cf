//! `open-port` and `close-port`: register a request to open or close a port range, for every
//! endpoint or the `--endpoints` named, held by the hook until it succeeds (Juju 3.6.0
//! `worker/uniter/runner/jujuc/ports.go`).

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::ports::PortRange;

/// Juju's `portFormat`, the usage line's arguments.
const PORT_FORMAT: &str = "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp";

const OPEN_DOC: &str = r#"
open-port registers a request to open the specified port or port range.

By default, the specified port or port range will be opened for all defined
application endpoints. The --endpoints option can be used to constrain the
open request to a comma-delimited list of application endpoints.

The behavior differs a little bit between machine charms and Kubernetes charms.

Machine charms
On public clouds the port will only be open while the application is exposed.
It accepts a single port or range of ports with an optional protocol, which
may be icmp, udp, or tcp. tcp is the default.

open-port will not have any effect if the application is not exposed, and may
have a somewhat delayed effect even if it is. This operation is transactional,
so changes will not be made unless the hook exits successfully.

Prior to Juju 2.9, when charms requested a particular port range to be opened,
Juju would automatically mark that port range as opened for all defined
application endpoints. As of Juju 2.9, charms can constrain opened port ranges
to a set of application endpoints by providing the --endpoints flag followed by
a comma-delimited list of application endpoints.

Kubernetes charms
The port will open directly regardless of whether the application is exposed or not.
This connects to the fact that juju expose currently has no effect on sidecar charms.
Additionally, it is currently not possible to designate a range of ports to open for
Kubernetes charms; to open a range, you will have to run open-port multiple times.
"#;

const OPEN_EXAMPLES: &str = r#"
    # Open port 80 to TCP traffic:
    open-port 80/tcp

    # Open port 1234 to UDP traffic:
    open-port 1234/udp

    # Open a range of ports to UDP traffic:
    open-port 1000-2000/udp

    # Open a range of ports to TCP traffic for specific
    # application endpoints (since Juju 2.9):
    open-port 1000-2000/tcp --endpoints dmz,monitoring
"#;

const CLOSE_DOC: &str = r#"
close-port registers a request to close the specified port or port range.

By default, the specified port or port range will be closed for all defined
application endpoints. The --endpoints option can be used to constrain the
close request to a comma-delimited list of application endpoints.
"#;

const CLOSE_EXAMPLES: &str = r#"
    # Close single port
    close-port 80

    # Close a range of ports
    close-port 9000-9999/udp

    # Disable ICMP
    close-port icmp

    # Close a range of ports for a set of endpoints (since Juju 2.9)
    close-port 80-90 --endpoints dmz,public
"#;

pub const OPEN_PORT: &str = "open-port";
pub const CLOSE_PORT: &str = "close-port";

const POSITIONAL: Option<(&str, &str)> = Some(("PORT", "<port>[/<protocol>], <from>-<to>[/<protocol>] or icmp"));

/// The registry entries (`super::TOOLS`).
pub const OPEN_TOOL: Tool = Tool {
    name: OPEN_PORT,
    command: open_app,
    init: |m| Ok(Box::new(init(m, true)?)),
    positional: POSITIONAL,
    live_keys: None,
};
pub const CLOSE_TOOL: Tool = Tool {
    name: CLOSE_PORT,
    command: close_app,
    init: |m| Ok(Box::new(init(m, false)?)),
    positional: POSITIONAL,
    live_keys: None,
};

/// `portCommand.SetFlags`: `--endpoints` and the deprecated `--format` (plain strings).
fn port_command(name: &'static str) -> Command {
    cmd::tool_command(name, PORT_FORMAT)
        .arg(
            Arg::new("endpoints")
                .long("endpoints")
                .value_name("ENDPOINTS")
                .default_value("")
                .allow_hyphen_values(true)
                .help("a comma-delimited list of application endpoints to target with this operation"),
        )
        .arg(
            Arg::new("format")
                .long("format")
                .value_name("FORMAT")
                .default_value("")
                .allow_hyphen_values(true)
                .help("deprecated format flag"),
        )
}

pub(crate) fn open_app() -> Command {
    port_command(OPEN_PORT)
        .about("Register a request to open a port or port range.")
        .long_about(OPEN_DOC)
        .after_long_help(OPEN_EXAMPLES)
}

pub(crate) fn close_app() -> Command {
    port_command(CLOSE_PORT)
        .about("Register a request to close a port or port range.")
        .long_about(CLOSE_DOC)
        .after_long_help(CLOSE_EXAMPLES)
}

/// A validated `open-port` or `close-port` call.
#[derive(Debug)]
pub struct PortCommand {
    open: bool,
    range: PortRange,
    endpoints: String,
    format_given: bool,
}

/// `portCommand.Init`: the range (lower-cased, then `network.ParsePortRange`), nothing after.
pub fn init(m: &ArgMatches, open: bool) -> Result<PortCommand, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("no port or range specified".into()));
    };
    let text = first.to_string_lossy().to_lowercase();
    let range = leaderd_core::ports::parse(&text).map_err(UsageError)?;
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    Ok(PortCommand {
        open,
        range,
        endpoints: m.get_one::<String>("endpoints").cloned().unwrap_or_default(),
        format_given: m.get_one::<String>("format").is_some_and(|f| !f.is_empty()),
    })
}

impl Run for PortCommand {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let name = if self.open { OPEN_PORT } else { CLOSE_PORT };
        // Juju writes the warning without a newline, before it acts.
        let stderr = if self.format_given {
            format!("--format flag deprecated for command {}", go_quote(name)).into_bytes()
        } else {
            Vec::new()
        };
        let endpoints: Vec<&str> = match self.endpoints.as_str() {
            "" => vec![""],
            list => list.split(',').map(str::trim).collect(),
        };
        for endpoint in endpoints {
            if let Err(e) = ctx.port_request(self.open, endpoint, self.range.clone()) {
                let error = e.unannotated();
                if stderr.is_empty() {
                    return Err(error);
                }
                // The warning came first, then juju/cmd's error line.
                let mut stderr = stderr;
                stderr.extend(format!("ERROR {}\n", error.message).into_bytes());
                return Ok(Outcome { stderr, code: 1, ..Default::default() });
            }
        }
        Ok(Outcome { stderr, ..Default::default() })
    }
}
