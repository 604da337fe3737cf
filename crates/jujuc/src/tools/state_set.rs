//! `state-set`: set keys of the unit's charm state, held by the hook until it succeeds.

use std::ffi::OsString;

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, UsageError};
use super::leader_set::parse_key_values;
use super::relation_set::{parse_settings_yaml, read_settings_file, SettingsFileError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::model::Settings;

pub const NAME: &str = "state-set";

/// The registry entry (`super::TOOLS`).
pub const TOOL: Tool = Tool {
    name: NAME,
    command: uu_app,
    init: |m| Ok(Box::new(init(m)?)),
    positional: Some(("KEY=VALUE", "State to set")),
    live_keys: None,
};

/// The clap definition, with Juju 3.6's help text (`state-set.go`, its limits filled in).
pub(crate) fn uu_app() -> Command {
    cmd::tool_command(NAME, "key=value [key=value ...]")
        .about("Set server-side-state values.")
        .long_about(
            "\nstate-set sets the value of the server side state specified by key.\n\
             \n\
             The --file option should be used when one or more key-value pairs\n\
             are too long to fit within the command length limit of the shell\n\
             or operating system. The file will contain a YAML map containing\n\
             the settings as strings.  Settings in the file will be overridden\n\
             by any duplicate key-value arguments. A value of \"-\" for the filename\n\
             means <stdin>.\n\
             \n\
             The following fixed size limits apply:\n\
             - Length of stored keys cannot exceed 256 bytes.\n\
             - Length of stored values cannot exceed 65536 bytes.\n",
        )
        .arg(
            Arg::new("file")
                .long("file")
                .value_name("FILE")
                .default_value("")
                .value_parser(clap::builder::OsStringValueParser::new())
                .value_hint(clap::ValueHint::FilePath)
                .allow_hyphen_values(true)
                .help("file containing key-value pairs"),
        )
}

/// A validated `state-set` call.
#[derive(Debug)]
pub struct StateSet {
    values: Settings,
    file: Option<OsString>,
}

/// `StateSetCommand.Init`: juju/utils `keyvalues.Parse(args, true)`.
pub fn init(m: &ArgMatches) -> Result<StateSet, UsageError> {
    let args = cmd::positionals(m);
    let args = args.iter().map(|a| cmd::require_utf8(a)).collect::<Result<Vec<_>, _>>()?;
    let values = parse_key_values(&args).map_err(|e| UsageError(e.to_string()))?;
    Ok(StateSet { values, file: m.get_one::<OsString>("file").filter(|f| !f.is_empty()).cloned() })
}

impl Run for StateSet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let mut values = match &self.file {
            None => Settings::new(),
            Some(file) => read_settings_file(file)
                .and_then(|text| parse_settings_yaml(&text).map_err(SettingsFileError::from))
                .map_err(|e| RunError { message: e.to_string(), client_side: false })?,
        };
        // The arguments override the file's keys.
        values.extend(self.values);
        if values.is_empty() {
            return Ok(Outcome::default());
        }
        ctx.set_charm_state(values).map_err(|e| e.unannotated())?;
        Ok(Outcome::default())
    }
}
