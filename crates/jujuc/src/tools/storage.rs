//! The storage tools, `storage-list`, `storage-get` and `storage-add` (Juju 3.6.0's
//! `worker/uniter/runner/jujuc/storage-{list,get,add,id}.go`): the unit's filesystem storage
//! instances (docs/hook-tools.md), each a private directory of the unit's own.

use clap::{Arg, ArgMatches, Command};

use super::cmd::{self, OutputOptions, UsageError};
use super::{ContextError, Outcome, Run, RunError, Tool, ToolContext};
use leaderd_core::format::{go_quote, Value};
use leaderd_core::storage::{storage_name, valid_storage_id};

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
            Arg::new(STORAGE_ID)
                .short('s')
                .value_name("ID")
                .default_value(hook_storage())
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

/// storage-get's `-s` (its clap id).
pub(crate) const STORAGE_ID: &str = "s";

/// gnuflag's words for a `-s` that is not a storage id (`storageIdValue.Set`).
pub(crate) fn invalid_id(id: &str) -> String {
    format!("invalid value {} for option -s: invalid storage ID {}", go_quote(id), go_quote(id))
}

/// The storage instance of the running storage hook (`JUJU_STORAGE_ID`, which the agent sets
/// to the hook's instance, as Juju's `HookStorage`), or `""`.
fn hook_storage() -> String {
    std::env::var("JUJU_STORAGE_ID").unwrap_or_default()
}

/// A validated `storage-list` call.
#[derive(Debug)]
pub struct StorageList {
    name: Option<String>,
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
    let name = zero_or_one(m)?.filter(|n| !n.is_empty());
    Ok(StorageList { name, output: OutputOptions::from_matches(m) })
}

impl Run for StorageList {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let ids = ctx.storage_ids().map_err(ContextError::unannotated)?;
        let ids =
            ids.into_iter().filter(|id| self.name.as_deref().is_none_or(|name| storage_name(id) == name)).collect();
        Ok(Outcome::print(Value::List(ids), self.output))
    }
}

/// A `storage-get` call: the instance (`-s`, or the storage hook's) and the key.
#[derive(Debug)]
pub struct StorageGet {
    id: String,
    /// `-s` was given: the agent is asked whether the unit has it before Init's errors count,
    /// as Juju's `storageIdValue.Set` asks while the flags are parsed.
    checked: bool,
    key: Result<Option<String>, UsageError>,
    output: OutputOptions,
}

/// gnuflag's parse of `-s` (`storageIdValue.Set`: an id that is not a storage id is refused
/// here; whether the unit has it is asked of the agent in Run, before Init's errors), then
/// `StorageGetCommand.Init`.
pub fn init_get(m: &ArgMatches) -> Result<StorageGet, UsageError> {
    let id = m.get_one::<String>(STORAGE_ID).cloned().unwrap_or_default();
    let given = m.value_source(STORAGE_ID) == Some(clap::parser::ValueSource::CommandLine);
    if given && !valid_storage_id(&id) {
        return Err(UsageError(invalid_id(&id)));
    }
    let output = OutputOptions::from_matches(m);
    let key = if id.is_empty() {
        Err(UsageError("no storage instance specified".into()))
    } else {
        zero_or_one(m).map(|key| key.filter(|k| !k.is_empty()))
    };
    if !given {
        key.clone()?;
    }
    Ok(StorageGet { id, checked: given, key, output })
}

impl StorageGet {
    /// An option error after a well-formed `-s ID`: the instance's lookup comes first.
    pub(crate) fn after_option_error(id: String, error: String) -> StorageGet {
        StorageGet {
            id,
            checked: true,
            key: Err(UsageError(error)),
            output: OutputOptions { format: Default::default(), path: None },
        }
    }
}

impl Run for StorageGet {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        let storage = match ctx.storage(&self.id) {
            Ok(storage) => storage,
            // Juju's agent looks the instance up while it parses `-s`: any failure is the
            // flag's.
            Err(ContextError::Refused { message, .. } | ContextError::BadAnswer(message)) if self.checked => {
                return Ok(Outcome::usage(&format!("invalid value {} for option -s: {message}", go_quote(&self.id))));
            }
            Err(e) => return Err(e.unannotated()),
        };
        let key = match self.key {
            Ok(key) => key,
            Err(UsageError(message)) => return Ok(Outcome::usage(&message)),
        };
        let value = match key.as_deref() {
            None => Value::Map([("kind".to_string(), storage.kind), ("location".to_string(), storage.location)].into()),
            Some("kind") => Value::Str(storage.kind),
            Some("location") => Value::Str(storage.location),
            Some(other) => {
                return Err(RunError {
                    message: format!("invalid storage attribute {}", go_quote(other)),
                    client_side: false,
                })
            }
        };
        Ok(Outcome::print(value, self.output))
    }

    fn usage_error(&self) -> Option<String> {
        self.key.as_ref().err().map(|e| e.0.clone())
    }
}

/// A validated `storage-add` call: each storage name with its count, in the order given.
#[derive(Debug)]
pub struct StorageAdd {
    directives: Vec<(String, u64)>,
}

/// `StorageAddCommand.Init`: Juju's `storage.ParseConstraintsMap`, then only a count allowed.
pub fn init_add(m: &ArgMatches) -> Result<StorageAdd, UsageError> {
    let args = cmd::positionals(m);
    if args.is_empty() {
        return Err(UsageError("storage add requires a storage directive".into()));
    }
    let args = args.iter().map(|a| cmd::require_utf8(a).map(str::to_string)).collect::<Result<Vec<_>, _>>()?;
    let directives = leaderd_core::storage::parse_storage_directives(&args).map_err(UsageError)?;
    Ok(StorageAdd { directives })
}

impl Run for StorageAdd {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError> {
        ctx.add_storage(self.directives).map_err(ContextError::unannotated)?;
        Ok(Outcome::default())
    }
}
