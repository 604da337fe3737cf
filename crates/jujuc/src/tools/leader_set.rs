//! `leader-set`: merge key=value pairs into the application's leader settings, straight to the
//! controller. Only the leader may write; an empty value deletes its key.
//!
//! `--file PATH|-` is leaderd's addition (Juju 3.6's `leader-set.go` has no flags): the
//! settings as a YAML map, read exactly as relation-set's `--file` reads them
//! (`relation-set.go`), so that a secret need not be an argument, which every user on the
//! machine can read in `/proc/PID/cmdline`.

use std::ffi::OsString;

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::relation_set::{parse_settings_yaml, read_settings_file, SettingsFileError};
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

/// Juju 3.6.0's help text, with leaderd's `--file` (its option and a paragraph after Juju's
/// Details say it is leaderd's).
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
             group leader-set one=one two=two three=three.\n\
             \n\
             --file is leaderd's addition; Juju's leader-set has no options. The file holds a\n\
             YAML map of the settings, as relation-set's --file does, and \"-\" for the filename\n\
             means <stdin>. Settings in the file are overridden by any duplicate key=value\n\
             arguments. A command's arguments can be read by every user on the machine (in\n\
             /proc/PID/cmdline) while it runs: pass a secret through the file or stdin.\n",
        )
        .after_long_help(
            "\n    leader-set cluster-leader-address=10.0.0.123\n\n    leader-set --file - < settings.yaml\n",
        )
        .arg(
            Arg::new("file")
                .long("file")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .value_hint(clap::ValueHint::FilePath)
                .allow_hyphen_values(true)
                .help("file containing key-value pairs (leaderd's addition)"),
        )
}

/// A validated `leader-set` call: the changes to merge.
pub struct LeaderSet {
    settings: Settings,
    file: Option<OsString>,
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
    Ok(LeaderSet { settings, file: m.get_one::<OsString>("file").filter(|f| !f.is_empty()).cloned() })
}

impl Run for LeaderSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // As relation-set's `handleSettingsFile`: the file first (its errors unannotated), then
        // the arguments over it.
        let mut settings = match &self.file {
            None => Settings::new(),
            Some(file) => read_settings_file(file)
                .and_then(|text| parse_settings_yaml(&text).map_err(SettingsFileError::from))
                .map_err(|e| RunError { message: e.to_string(), client_side: false })?,
        };
        settings.extend(self.settings);
        ctx.write_leader_settings(settings).map_err(|e| e.annotate("cannot write leadership settings"))?;
        Ok(Outcome::default())
    }
}

#[cfg(test)]
mod tests {
    use super::parse_key_values;
    use crate::tools::{run_in, ContextError, ToolContext};
    use leaderd_core::model::Settings;
    use proptest::prelude::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// A leader's hook context that records what leader-set writes.
    #[derive(Default, Clone)]
    struct Writes(Rc<RefCell<Vec<Settings>>>);

    impl ToolContext for Writes {
        fn is_leader(&mut self) -> Result<bool, ContextError> {
            Ok(true)
        }
        fn leader_settings(&mut self) -> Result<Settings, ContextError> {
            panic!("leader-set does not read")
        }
        fn write_leader_settings(&mut self, settings: Settings) -> Result<(), ContextError> {
            self.0.borrow_mut().push(settings);
            Ok(())
        }
        fn log(&mut self, _: Vec<leaderd_core::wire::hook::LogRecord>) -> Result<(), ContextError> {
            panic!("not a leader-set call")
        }
        fn set_status(&mut self, _: bool, _: leaderd_core::wire::hook::WorkloadStatus) -> Result<(), ContextError> {
            panic!("not a leader-set call")
        }
        fn status(&mut self, _: bool) -> Result<leaderd_core::wire::hook::StatusGetResponse, ContextError> {
            panic!("not a leader-set call")
        }
        fn set_workload_version(&mut self, _: String) -> Result<(), ContextError> {
            panic!("not a leader-set call")
        }
        fn config(&mut self) -> Result<std::collections::BTreeMap<String, serde_json::Value>, ContextError> {
            panic!("not a leader-set call")
        }
    }

    fn run(argv: &[&str]) -> (String, String, i32, Vec<Settings>) {
        let writes = Writes::default();
        let (stdout, stderr, code) = run_in(Box::new(writes.clone()), argv);
        let sent = writes.0.borrow().clone();
        (stdout, stderr, code, sent)
    }

    fn settings(pairs: &[(&str, &str)]) -> Settings {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// Juju's help text, byte for byte, with leaderd's `--file` option and its paragraph.
    #[test]
    fn help_is_jujus_with_the_file_option_marked_as_leaderds() {
        for flag in ["--help", "-h"] {
            let (stdout, stderr, code, sent) = run(&["leader-set", flag]);
            assert_eq!(stdout, include_str!("testdata/help-leader-set.txt"), "{flag}");
            assert_eq!((stderr.as_str(), code, sent), ("", 0, vec![]));
        }
    }

    /// `--file`: a YAML map read as relation-set reads it, overridden by the arguments; its
    /// errors in relation-set's words, exit 1, nothing written.
    #[test]
    fn file_settings_are_merged_under_the_arguments() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("s.yaml");
        std::fs::write(&file, "shared-secret: \"0123abcd\"\nport: 0x10\ngone:\n").unwrap();
        let path = file.to_str().unwrap();
        let want = settings(&[("gone", ""), ("port", "0x10"), ("shared-secret", "0123abcd")]);
        assert_eq!(run(&["leader-set", "--file", path]), (String::new(), String::new(), 0, vec![want]));
        let want = settings(&[("gone", ""), ("port", "80"), ("shared-secret", "0123abcd"), ("x", "y")]);
        assert_eq!(run(&["leader-set", "port=80", &format!("--file={path}"), "x=y"]).3, vec![want]);

        std::fs::write(&file, "haha").unwrap();
        let want = "ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!str `haha` into map[string]string\n";
        assert_eq!(run(&["leader-set", "--file", path, "a=b"]), (String::new(), want.into(), 1, vec![]));
        std::fs::write(&file, "a: [1]\n").unwrap();
        let want = "ERROR yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into string\n";
        assert_eq!(run(&["leader-set", "--file", path]), (String::new(), want.into(), 1, vec![]));
        let missing = dir.path().join("missing.yaml");
        let want = format!("ERROR open {}: no such file or directory\n", missing.display());
        assert_eq!(run(&["leader-set", "--file", missing.to_str().unwrap()]), (String::new(), want, 1, vec![]));
        // The arguments are still checked first, as Juju's Init does: exit 2.
        let want = "ERROR expected \"key=value\", got \"nonsense\"\n";
        assert_eq!(run(&["leader-set", "--file", path, "nonsense"]), (String::new(), want.into(), 2, vec![]));
        // An empty --file is no file (juju/cmd's FileVar with an empty path).
        assert_eq!(run(&["leader-set", "--file", "", "a=b"]).3, vec![settings(&[("a", "b")])]);
    }

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
