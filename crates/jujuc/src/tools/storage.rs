//! The storage tools, `storage-list`, `storage-get` and `storage-add`. leaderd attaches no
//! storage to its units (it has no storage provider): they answer as Juju 3.6 answers a unit
//! with no storage attached, and storage-add, which would need one, is refused in leaderd's
//! own words (docs/hook-tools.md).

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Value};

pub const LIST: Tool = Tool {
    name: "storage-list",
    command: list_command,
    init: |m| Ok(Box::new(init_list(m)?)),
    positional: Some(("STORAGE_NAME", "Only the instances of this storage")),
    live_keys: None,
};
pub const GET: Tool = Tool {
    name: "storage-get",
    command: get_command,
    init: |m| Ok(Box::new(init_get(m)?)),
    positional: Some(("KEY", "The attribute to print (all with none)")),
    live_keys: None,
};
pub const ADD: Tool = Tool {
    name: "storage-add",
    command: add_command,
    init: |m| Ok(Box::new(init_add(m)?)),
    positional: Some(("STORAGE", "<charm storage name>[=count] ...")),
    live_keys: None,
};

/// `storage-list.go`.
pub(crate) fn list_command() -> Command {
    cmd::output_args(cmd::tool_command("storage-list", "[<storage-name>]"))
        .about("List storage attached to the unit.")
        .long_about(
            "\nstorage-list will list the names of all storage instances\n\
             attached to the unit. These names can be passed to storage-get\n\
             via the \"-s\" flag to query the storage attributes.\n\
             \n\
             A storage name may be specified, in which case only storage\n\
             instances for that named storage will be returned.\n\
             \n\
             Further details:\n\
             storage-list list storages instances that are attached to the unit.\n\
             The storage instance identifiers returned from storage-list may be\n\
             passed through to the storage-get command using the -s option.\n",
        )
        .after_long_help("\n    storage-list pgdata\n")
}

/// `storage-get.go`.
pub(crate) fn get_command() -> Command {
    cmd::output_args(cmd::tool_command("storage-get", "[<key>]"))
        .about("Print information for the storage instance with the specified ID.")
        .long_about(
            "\nWhen no <key> is supplied, all keys values are printed.\n\
             \n\
             Further details:\n\
             storage-get obtains information about storage being attached\n\
             to, or detaching from, the unit.\n\
             \n\
             If the executing hook is a storage hook, information about\n\
             the storage related to the hook will be reported; this may\n\
             be overridden by specifying the name of the storage as reported\n\
             by storage-list, and must be specified for non-storage hooks.\n\
             \n\
             storage-get can be used to identify the storage location during\n\
             storage-attached and storage-detaching hooks. The exception to\n\
             this is when the charm specifies a static location for\n\
             singleton stores.\n",
        )
        .after_long_help(
            "\n    # retrieve information by UUID\n    storage-get 21127934-8986-11e5-af63-feff819cdc9f\n\n    \
             # retrieve information by name\n    storage-get -s data/0\n",
        )
        .arg(
            Arg::new("s")
                .short('s')
                .value_name("ID")
                .default_value("")
                .allow_hyphen_values(true)
                .help("specify a storage instance by id"),
        )
}

/// `storage-add.go`.
pub(crate) fn add_command() -> Command {
    cmd::tool_command("storage-add", "<charm storage name>[=count] ...")
        .about("Add storage instances.")
        .long_about(
            "\nStorage add adds storage instances to unit using provided storage directives.\n\
             A storage directive consists of a storage name as per charm specification\n\
             and optional storage COUNT.\n\
             \n\
             COUNT is a positive integer indicating how many instances\n\
             of the storage to create. If unspecified, COUNT defaults to 1.\n\
             \n\
             Further details:\n\
             \n\
             storage-add adds storage volumes to the unit.\n\
             storage-add takes the name of the storage volume (as defined in the\n\
             charm metadata), and optionally the number of storage instances to add.\n\
             By default, it will add a single storage instance of the name.\n",
        )
        .after_long_help("\n    storage-add database-storage=1\n")
}

/// A validated `storage-list` call. No unit has storage, so the name only filters nothing.
#[derive(Debug)]
pub struct StorageList {
    output: OutputOptions,
}

/// juju/cmd `ZeroOrOneArgs`.
fn zero_or_one(m: &ArgMatches) -> Result<Option<String>, UsageError> {
    let args = cmd::positionals(m);
    if args.len() > 1 {
        return Err(cmd::unrecognized(&args[1..]));
    }
    args.first().map(|a| cmd::require_utf8(a).map(str::to_string)).transpose()
}

pub fn init_list(m: &ArgMatches) -> Result<StorageList, UsageError> {
    zero_or_one(m)?;
    Ok(StorageList { output: OutputOptions::from_matches(m) })
}

impl Run for StorageList {
    fn run(self: Box<Self>, _ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // The unit's storage attachments: none.
        Ok(Outcome::print(Value::List(Vec::new()), self.output))
    }
}

/// A `storage-get` call: never valid, since no storage is attached to the unit.
#[derive(Debug)]
pub struct StorageGet;

/// gnuflag's parse of `-s` (`storageIdValue.Set`: a bad id, or one not attached to the unit,
/// and none is) then `StorageGetCommand.Init`: no hook of leaderd is a storage hook, so `-s`
/// must name an instance.
pub fn init_get(m: &ArgMatches) -> Result<StorageGet, UsageError> {
    let id = m.get_one::<String>("s").cloned().unwrap_or_default();
    if !id.is_empty() {
        let reason = if valid_storage_id(&id) {
            let unit = std::env::var("JUJU_UNIT_NAME").unwrap_or_default();
            format!("storage attachment {id}:{unit} not found")
        } else {
            format!("invalid storage ID {}", go_quote(&id))
        };
        return Err(UsageError(format!("invalid value {} for option -s: {reason}", go_quote(&id))));
    }
    Err(UsageError("no storage instance specified".into()))
}

/// names.IsValidStorage: `<name>/<number>`, the name as charm storage names are spelled.
fn valid_storage_id(id: &str) -> bool {
    let Some((name, number)) = id.split_once('/') else { return false };
    let name_ok = name.split('-').enumerate().all(|(i, part)| {
        let first_ok = i > 0 || part.starts_with(|c: char| c.is_ascii_lowercase());
        first_ok
            && !part.is_empty()
            && part.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && (i == 0 || part.chars().any(|c| c.is_ascii_lowercase()))
    });
    let number_ok =
        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit()) && (number == "0" || !number.starts_with('0'));
    name_ok && number_ok
}

impl Run for StorageGet {
    fn run(self: Box<Self>, _ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        // Init refuses every storage-get; this is only what it would say.
        Err(RunError { message: "no storage instance specified".into(), client_side: false })
    }
}

/// A validated `storage-add` call.
#[derive(Debug)]
pub struct StorageAdd;

pub fn init_add(m: &ArgMatches) -> Result<StorageAdd, UsageError> {
    if cmd::positionals(m).is_empty() {
        return Err(UsageError("storage add requires a storage directive".into()));
    }
    Ok(StorageAdd)
}

/// leaderd's words for storage-add: it has no storage to add.
pub const NO_STORAGE: &str = "storage is not supported by leaderd: it attaches no storage to units";

impl Run for StorageAdd {
    fn run(self: Box<Self>, _ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        Err(RunError { message: NO_STORAGE.into(), client_side: false })
    }
}
