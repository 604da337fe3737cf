//! `action-set`: add results to the running action's, each `key.key...=value`.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote_bytes;

pub const NAME: &str = "action-set";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY=VALUE", "A result to set, its key a dotted key path")),
    live_keys: None,
};

/// Result keys the agent sets itself from the action's output (Juju's `reservedKeys`).
const RESERVED_KEYS: [&str; 4] = ["stdout", "stdout-encoding", "stderr", "stderr-encoding"];

// Juju builds this from `reservedKeys`; the line before it ends in a space, as Juju's does.
const DETAILS: &str = "
action-set adds the given values to the results map of the Action. This map
is returned to the user after the completion of the Action. Keys must start
and end with lowercase alphanumeric, and contain only lowercase alphanumeric,
hyphens and periods.  The following special keys are reserved for internal use: \n\
\"stdout\", \"stdout-encoding\", \"stderr\", \"stderr-encoding\".
";

const EXAMPLES: &str = r#"
    action-set outfile.size=10G
    action-set foo.bar=2
    action-set foo.baz.val=3
    action-set foo.bar.zab=4
    action-set foo.baz=1

will yield:

    outfile:
      size: "10G"
    foo:
      bar:
        zab: "4"
      baz: "1"
"#;

/// The clap definition, with Juju 3.6's help text.
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<key>=<value> [<key>=<value> ...]")
        .about("Set action results.")
        .long_about(DETAILS)
        .after_long_help(EXAMPLES)
}

/// A validated `action-set` call: each result's key path and value, in order.
#[derive(Debug)]
pub struct ActionSet {
    results: Vec<(Vec<String>, String)>,
}

/// The charm's action name rule (juju/charm v12 `actionNameRule`,
/// `^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$`), which every key of a path must match.
fn valid_key(key: &[u8]) -> bool {
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    match key {
        [] => false,
        [only] => alnum(only),
        [first, middle @ .., last] => alnum(first) && alnum(last) && middle.iter().all(|b| alnum(b) || *b == b'-'),
    }
}

/// `ActionSetCommand.Init`: every argument `key.key...=value` (split at the first `=`), each
/// key valid and none reserved; the first bad argument is the error.
pub fn init(m: &ArgMatches) -> Result<ActionSet, UsageError> {
    let mut results = Vec::new();
    for arg in cmd::positionals(m) {
        let bytes = arg.as_encoded_bytes();
        let Some(eq) = bytes.iter().position(|b| *b == b'=') else {
            return Err(UsageError(format!("argument {} must be of the form key...=value", go_quote_bytes(bytes))));
        };
        let keys: Vec<&[u8]> = bytes[..eq].split(|b| *b == b'.').collect();
        for key in &keys {
            if !valid_key(key) {
                return Err(UsageError(format!(
                    "key {} must start and end with lowercase alphanumeric, and contain only lowercase \
                     alphanumeric, hyphens and periods",
                    go_quote_bytes(key)
                )));
            }
            if RESERVED_KEYS.iter().any(|reserved| reserved.as_bytes() == *key) {
                let key = String::from_utf8_lossy(key);
                return Err(UsageError(format!("cannot set reserved action key \"{key}\"")));
            }
        }
        // Valid keys are ASCII; the value must be UTF-8 to reach the agent (JSON).
        let keys = keys.iter().map(|k| String::from_utf8_lossy(k).into_owned()).collect();
        let value = cmd::require_utf8(&arg)?;
        results.push((keys, value[eq + 1..].to_string()));
    }
    Ok(ActionSet { results })
}

impl Run for ActionSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // Juju sends one result at a time and stops at the first error; the agent applies
        // these in order and refuses all of them (`not running an action`) as Juju would the
        // first.
        if !self.results.is_empty() {
            ctx.action_set(self.results).map_err(|e| e.unannotated())?;
        }
        Ok(Outcome::default())
    }
}
