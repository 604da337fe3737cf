//! `leader-set`: merge key=value pairs into the application's leader settings, straight to the
//! controller. Only the leader may write; an empty value deletes its key.

use clap::{ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::go_quote;
use leaderd_core::model::Settings;

pub const NAME: &str = "leader-set";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY=VALUE", "Settings to write; an empty value deletes the key")),
    live_keys: Some("="),
};

pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "<key>=<value> [...]")
        .about("Write application leadership settings.")
        .long_about(
            "\nleader-set immediate writes the supplied key/value pairs to the controller,\n\
             which will then inform non-leader units of the change. It will fail if called\n\
             without arguments, or if called by a unit that is not currently application leader.\n\
             \n\
             leader-set lets you distribute string key=value pairs to other units, but with the\n\
             following differences:\n    \
             there\u{2019}s only one leader-settings bucket per application (not one per unit)\n    \
             only the leader can write to the bucket\n    \
             only minions are informed of changes to the bucket\n    \
             changes are propagated instantly\n\
             \n\
             The instant propagation may be surprising, but it exists to satisfy the use case where\n\
             shared data can be chosen by the leader at the very beginning of the install hook.\n\
             \n\
             It is strongly recommended that leader settings are always written as a self-consistent\n\
             group leader-set one=one two=two three=three.\n",
        )
        .after_long_help("\n    leader-set cluster-leader-address=10.0.0.123\n")
}

/// A validated `leader-set` call: the changes to merge.
pub struct LeaderSet {
    settings: Settings,
}

/// Why `key=value` arguments are refused, in juju/utils' words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyValueError {
    /// An argument without `=`.
    #[error("expected \"key=value\", got {}", go_quote(.0))]
    NoEquals(String),
    /// An empty key (after trimming); the value as trimmed.
    #[error("expected \"key=value\", got \"={0}\"")]
    EmptyKey(String),
    #[error("key {} specified more than once", go_quote(.0))]
    Repeated(String),
}

/// juju/utils/v3 `keyvalues.Parse(args, allowEmptyValues=true)`: skip empty arguments, split
/// at the first `=`, trim both sides, refuse an empty key or a repeated key.
pub fn parse_key_values<S: AsRef<str>>(args: &[S]) -> Result<Settings, KeyValueError> {
    let mut settings = Settings::new();
    for arg in args.iter().map(AsRef::as_ref).filter(|a| !a.is_empty()) {
        let Some((key, value)) = arg.split_once('=') else {
            return Err(KeyValueError::NoEquals(arg.to_string()));
        };
        let (key, value) = (key.trim(), value.trim());
        if key.is_empty() {
            return Err(KeyValueError::EmptyKey(value.to_string()));
        }
        if settings.insert(key.to_string(), value.to_string()).is_some() {
            return Err(KeyValueError::Repeated(key.to_string()));
        }
    }
    Ok(settings)
}

pub fn init(m: &ArgMatches) -> Result<LeaderSet, UsageError> {
    let args = cmd::positionals(m);
    let args = args.iter().map(|a| cmd::require_utf8(a)).collect::<Result<Vec<_>, _>>()?;
    let settings = parse_key_values(&args).map_err(|e| UsageError(e.to_string()))?;
    Ok(LeaderSet { settings })
}

impl Run for LeaderSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.write_leader_settings(self.settings).map_err(|e| e.annotate("cannot write leadership settings"))?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_key_values;
    use proptest::prelude::*;

    #[test]
    fn juju_key_value_errors() {
        let refused = |args: &[&str]| parse_key_values(args).unwrap_err().to_string();
        assert_eq!(refused(&["nonsense"]), r#"expected "key=value", got "nonsense""#);
        assert_eq!(refused(&[" = v "]), r#"expected "key=value", got "=v""#);
        assert_eq!(refused(&["a=1", " a =2"]), r#"key "a" specified more than once"#);
        assert_eq!(parse_key_values(&["k= spaced value ", "e="]).unwrap()["k"], "spaced value");
    }

    proptest! {
        /// Any well-formed pair list parses back to the pairs it was built from: the split is at
        /// the first `=`, so values may contain `=`, and both sides are trimmed.
        #[test]
        fn pairs_round_trip(pairs in proptest::collection::btree_map("[a-z][a-z0-9._-]{0,8}", "[ -~]{0,20}", 0..8)) {
            let args: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let parsed = parse_key_values(&args).unwrap();
            let want: std::collections::BTreeMap<String, String> =
                pairs.iter().map(|(k, v)| (k.clone(), v.trim().to_string())).collect();
            prop_assert_eq!(parsed, want);
        }

        /// Arbitrary input never panics, and an accepted argument always had an `=` and a key.
        #[test]
        fn never_panics(args in proptest::collection::vec(".{0,12}", 0..6)) {
            if let Ok(parsed) = parse_key_values(&args) {
                prop_assert!(args.iter().all(|a| a.is_empty() || a.contains('=')));
                prop_assert!(parsed.keys().all(|k| !k.is_empty() && k.trim() == k));
            }
        }
    }
}
