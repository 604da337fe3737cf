//! `add-metric`: Juju 3.6 keeps the tool, but its hook contexts no longer take metrics
//! (`HookContext.AddMetric`: "metrics not allowed in this context"): it checks its arguments
//! and then fails, as Juju's does.

use std::collections::BTreeMap;

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;

pub const NAME: &str = "add-metric";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY=VALUE", "Metrics")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text (`add-metric.go`).
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "key1=value1 [key2=value2 ...]")
        .about("Add metrics.")
        .after_long_help("\n    add-metric metric1=value1 [metric2=value2 \u{2026}]\n")
        .arg(
            Arg::new("labels")
                .short('l')
                .long("labels")
                .value_name("LABELS")
                .default_value("")
                .allow_hyphen_values(true)
                .help("labels to be associated with metric values"),
        )
}

/// A validated `add-metric` call: the metrics by key.
#[derive(Debug)]
pub struct AddMetric {
    metrics: BTreeMap<String, String>,
}

/// juju/utils `keyvalues.Parse(args, allowEmptyValues=false)`.
fn parse_strict(args: &[&str]) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for arg in args.iter().filter(|a| !a.is_empty()) {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(format!("expected \"key=value\", got {}", go_quote(arg)));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() || value.is_empty() {
            return Err(format!("expected \"key=value\", got {}", go_quote(&format!("{key}={value}"))));
        }
        if out.insert(key.to_string(), value.to_string()).is_some() {
            return Err(format!("key {} specified more than once", go_quote(key)));
        }
    }
    Ok(out)
}

/// `AddMetricCommand.Init`.
pub fn init(m: &ArgMatches) -> Result<AddMetric, UsageError> {
    let args = cmd::positionals(m);
    if args.is_empty() {
        return Err(UsageError("no metrics specified".into()));
    }
    let args = args.iter().map(|a| cmd::require_utf8(a)).collect::<Result<Vec<_>, _>>()?;
    let metrics = parse_strict(&args).map_err(|e| UsageError(format!("invalid metrics: {e}")))?;
    let labels = m.get_one::<String>("labels").cloned().unwrap_or_default();
    if !metrics.is_empty() && !labels.is_empty() {
        let labels: Vec<&str> = labels.split(',').collect();
        parse_strict(&labels).map_err(|e| UsageError(format!("invalid labels: {e}")))?;
    }
    Ok(AddMetric { metrics })
}

/// What Juju 3.6's hook context answers every metric (`HookContext.AddMetric`), as the tool
/// annotates it.
pub const NOT_ALLOWED: &str = "cannot record metric: metrics not allowed in this context";

impl Run for AddMetric {
    fn run(self: Box<Self>, _ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // Juju checks each metric in turn (in Go's map order; here in key order): a built-in
        // name (charm.IsBuiltinMetric: the "juju" prefix) is refused, any other fails to record.
        match self.metrics.keys().next() {
            Some(key) if key.starts_with("juju") => {
                Err(RunError { message: format!("{key} uses a reserved prefix"), client_side: false })
            }
            _ => Err(RunError { message: NOT_ALLOWED.into(), client_side: false }),
        }
    }
}
