//! `unit-get`: the unit's private or public address (Juju 3.6.0
//! `worker/uniter/runner/jujuc/unit-get.go`).

use clap::{ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::Value;

pub const NAME: &str = "unit-get";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("SETTING", "private-address or public-address")),
    live_keys: None,
};

const DOC: &str = "
Further details:
unit-get returns the IP address of the unit.

It accepts a single argument, which must be
private-address or public-address. It is not
affected by context.

Note that if a unit has been deployed with
--bind space then the address returned from
unit-get private-address will get the address
from this space, not the ‘default’ space.
";

pub(crate) fn uu_app() -> Command {
    cmd::output_args(cmd::tool_command(NAME, "<setting>"))
        .about("Print public-address or private-address.")
        .long_about(DOC)
}

/// A validated `unit-get` call.
#[derive(Debug)]
pub struct UnitGet {
    public: bool,
    output: OutputOptions,
}

/// `UnitGetCommand.Init`: one of the two settings, nothing after it.
pub fn init(m: &ArgMatches) -> Result<UnitGet, UsageError> {
    let args = cmd::positionals(m);
    let Some(first) = args.first() else {
        return Err(UsageError("no setting specified".into()));
    };
    let public = match first.to_str() {
        Some("private-address") => false,
        Some("public-address") => true,
        _ => {
            let given = leaderd_core::format::go_quote_bytes(first.as_encoded_bytes());
            return Err(UsageError(format!("unknown setting {given}")));
        }
    };
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    Ok(UnitGet { public, output: OutputOptions::from_matches(m) })
}

impl Run for UnitGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let value = if self.public {
            ctx.unit_address(true).map_err(|e| e.unannotated())?
        } else {
            // The default binding's first address (its host name if it was resolved from
            // one), else the unit's private address, as Juju asks.
            let info = ctx.network_info("", None).ok();
            match info.as_ref().and_then(|i| i.info.first()).and_then(|i| i.addresses.first()) {
                Some(addr) if !addr.hostname.is_empty() => addr.hostname.clone(),
                Some(addr) => addr.address.clone(),
                None => ctx.unit_address(false).map_err(|e| e.unannotated())?,
            }
        };
        Ok(Outcome::print(Value::Str(value), self.output))
    }
}
