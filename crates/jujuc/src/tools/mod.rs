//! The hook tools behind the `jujuc` multicall binary.
//!
//! Each tool is one module with its clap definition (`uu_app`), its argument validation
//! (`init`, juju/cmd's Init, whose errors exit 2), its action (`Run::run`, juju/cmd's Run,
//! whose errors exit 1) and its registry entry (`TOOL`); [`TOOLS`] lists them once for
//! dispatch, help, the generated completions and man pages, and the agent's tool symlinks.
//! Tools reach the unit agent only through the [`ToolContext`] trait, the shape of Juju's
//! `jujuc.Context`; `crate::hook_client` implements it over the agent's unix socket.

/// For the tools' tests: runs `argv` (argv[0] the tool) in a hook against `ctx`, as jujuc would
/// against the agent: stdout, stderr, exit code.
#[cfg(test)]
pub(crate) fn run_in(ctx: Box<dyn ToolContext>, argv: &[&str]) -> (String, String, i32) {
    let argv: Vec<OsString> = argv.iter().map(OsString::from).collect();
    let Finished { stdout, stderr, code, .. } = main_with(&argv, true, move || Ok(ctx));
    (String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap(), code)
}

/// For the tools' tests: what one call of a tool against a recording fake context printed, its
/// exit code, and the calls the fake recorded.
#[cfg(test)]
#[derive(Debug, PartialEq)]
pub(crate) struct Ran<C> {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    pub calls: Vec<C>,
}

/// For the tools' tests: runs `argv` against `fake`, which records its calls in `calls`.
#[cfg(test)]
pub(crate) fn run_recorded<F, C>(fake: &F, calls: &std::rc::Rc<std::cell::RefCell<Vec<C>>>, argv: &[&str]) -> Ran<C>
where
    F: ToolContext + Clone + 'static,
    C: Clone,
{
    let (stdout, stderr, code) = run_in(Box::new(fake.clone()), argv);
    Ran { stdout, stderr, code, calls: calls.borrow().clone() }
}

/// For the tools' tests: `ran` was a usage error (Juju's `ERROR <message>`, exit 2, nothing
/// printed) that sent nothing.
#[cfg(test)]
#[track_caller]
pub(crate) fn assert_usage_error<C: std::fmt::Debug>(ran: &Ran<C>, argv: &[&str], message: &str) {
    assert_eq!((ran.stderr.as_str(), ran.code, ran.stdout.as_str()), (format!("ERROR {message}\n").as_str(), 2, ""));
    assert!(ran.calls.is_empty(), "{argv:?} sent {:?}", ran.calls);
}

/// For the tools' tests: what Juju's own command code printed and called for one command line,
/// as the Go harnesses that made the `testdata/*-vectors.json` files record it (the part every
/// vector shares; each file adds its stub's set-up).
#[cfg(test)]
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub(crate) struct JujuRan {
    pub args: Vec<String>,
    pub rc: i32,
    pub stdout: String,
    pub stderr: String,
    pub calls: Vec<String>,
}

/// For the tools' tests: replays each vector's command line through `main_with` against the
/// context `fake` makes for it (recording its calls in the list it returns) and fails, listing
/// them all, if any vector's stdout, stderr, exit code or calls differ from what Juju's code
/// did. `describe` names a vector's set-up in the failure.
#[cfg(test)]
pub(crate) fn replay<V>(
    vectors: &[V],
    ran: impl Fn(&V) -> &JujuRan,
    fake: impl Fn(&V) -> (Box<dyn ToolContext>, std::rc::Rc<std::cell::RefCell<Vec<String>>>),
    describe: impl Fn(&V) -> String,
) {
    let mut failed = Vec::new();
    for vector in vectors {
        let want = ran(vector);
        let (ctx, calls) = fake(vector);
        let argv: Vec<&str> = want.args.iter().map(String::as_str).collect();
        let (stdout, stderr, code) = run_in(ctx, &argv);
        let got = (stdout, stderr, code, calls.take());
        let want_tuple = (want.stdout.clone(), want.stderr.clone(), want.rc, want.calls.clone());
        if got != want_tuple {
            failed.push(format!("{:?} ({}):\n  got  {got:?}\n  want {want_tuple:?}", want.args, describe(vector)));
        }
    }
    assert!(failed.is_empty(), "{} vectors differ:\n{}", failed.len(), failed.join("\n"));
}

/// For the tools' tests: the calls every [`ToolContext`] must answer, as calls the tools under
/// test never make (each panics with `$why`).
#[cfg(test)]
macro_rules! core_calls_unused {
    ($why:literal) => {
        fn is_leader(&mut self) -> Result<bool, ContextError> {
            panic!($why)
        }
        fn leader_settings(&mut self) -> Result<leaderd_core::model::Settings, ContextError> {
            panic!($why)
        }
        fn write_leader_settings(&mut self, _: leaderd_core::model::Settings) -> Result<(), ContextError> {
            panic!($why)
        }
        fn log(&mut self, _: Vec<leaderd_core::wire::hook::LogRecord>) -> Result<(), ContextError> {
            panic!($why)
        }
        fn set_status(&mut self, _: bool, _: leaderd_core::wire::hook::WorkloadStatus) -> Result<(), ContextError> {
            panic!($why)
        }
        fn status(&mut self, _: bool) -> Result<leaderd_core::wire::hook::StatusGetResponse, ContextError> {
            panic!($why)
        }
        fn set_workload_version(&mut self, _: String) -> Result<(), ContextError> {
            panic!($why)
        }
        fn config(&mut self) -> Result<std::collections::BTreeMap<String, serde_json::Value>, ContextError> {
            panic!($why)
        }
    };
}

pub mod action_fail;
pub mod action_get;
pub mod action_log;
pub mod action_set;
#[cfg(test)]
mod action_tests;
pub mod add_metric;
pub mod application_version_set;
pub mod cmd;
pub mod config_get;
pub mod credential_get;
pub mod goal_state;
pub mod is_leader;
pub mod juju_log;
pub mod juju_reboot;
pub mod k8s_spec;
pub mod leader_get;
pub mod leader_set;
pub mod network_get;
#[cfg(test)]
mod network_tests;
pub mod opened_ports;
pub mod payload;
#[cfg(test)]
mod payload_tests;
pub mod ports;
pub mod relation;
pub mod relation_get;
mod relation_help;
pub mod relation_ids;
pub(crate) mod relation_list;
pub mod relation_model_get;
pub mod relation_set;
pub mod resource_get;
pub mod secret;
pub mod secret_add;
pub mod secret_get;
pub mod secret_grant;
pub mod secret_ids;
pub mod secret_info_get;
pub mod secret_remove;
pub mod secret_revoke;
pub mod secret_set;
#[cfg(test)]
mod secret_tests;
pub mod state_delete;
pub mod state_get;
pub mod state_set;
#[cfg(test)]
mod state_tests;
pub mod status_get;
pub mod status_set;
pub mod storage;
#[cfg(test)]
mod storage_tests;
pub mod unit_get;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{ArgMatches, Command};

use cmd::{OutputOptions, Parsed, UsageError};
use leaderd_core::format::{render, Value};
use leaderd_core::gocompat::go_clean;
pub use leaderd_core::gocompat::go_error_text;
use leaderd_core::model::Settings;
use leaderd_core::ports::{GroupedPortRanges, PortRange};
use leaderd_core::unix_http::TransportError;
use leaderd_core::wire::hook::{
    is_tool_error, GoalStateResponse, LogRecord, NetworkInfo, RelationInfo, SecretAccessRequest, SecretContent,
    SecretFields, SecretGetRequest, SecretMetadata, StatusGetResponse, WorkloadStatus,
};
use leaderd_core::wire::ErrorCode;
use std::collections::BTreeMap;

/// What the tools ask of the hook context (Juju's `jujuc.Context`, leadership part).
pub trait ToolContext {
    fn is_leader(&mut self) -> Result<bool, ContextError>;
    fn leader_settings(&mut self) -> Result<Settings, ContextError>;
    fn write_leader_settings(&mut self, settings: Settings) -> Result<(), ContextError>;
    fn log(&mut self, records: Vec<LogRecord>) -> Result<(), ContextError>;
    /// Sets the unit's workload status, or the application's (leader only), at once.
    fn set_status(&mut self, application: bool, status: WorkloadStatus) -> Result<(), ContextError>;
    /// The unit's workload status, or the application's with its units' (leader only).
    fn status(&mut self, application: bool) -> Result<StatusGetResponse, ContextError>;
    /// Sets the workload version shown for the application, at once.
    fn set_workload_version(&mut self, version: String) -> Result<(), ContextError>;
    /// The application's config: every option, `null` for one without a value.
    fn config(&mut self) -> Result<std::collections::BTreeMap<String, serde_json::Value>, ContextError>;
    /// The unit's relations as this hook sees them. A context that knows of no relations has
    /// none.
    fn relations(&mut self) -> Result<Vec<RelationInfo>, ContextError> {
        Ok(Vec::new())
    }
    /// The bag of `target` (a unit, or with `app` an application) in relation `relation_id`,
    /// as this hook sees it.
    fn relation_settings(&mut self, relation_id: u64, target: &str, app: bool) -> Result<Settings, ContextError> {
        let _ = (relation_id, target, app);
        Err(ContextError::Refused { code: ErrorCode::NotFound, message: "relation not found".into() })
    }
    /// Changes to the unit's bag (or with `app` the application bag) in `relation_id`, held by
    /// the hook until it succeeds.
    fn set_relation_settings(&mut self, relation_id: u64, app: bool, settings: Settings) -> Result<(), ContextError> {
        let _ = (relation_id, app, settings);
        Err(ContextError::Refused { code: ErrorCode::NotFound, message: "relation not found".into() })
    }

    /// A secret's content (base64 values) by id or label or both (Juju's `GetSecret`): the
    /// owner sees the latest revision; a consumer the revision it tracks, or with `refresh`
    /// the latest (tracked from then on), or with `peek` the latest (not tracked).
    fn secret_get(&mut self, request: SecretGetRequest) -> Result<SecretContent, ContextError> {
        let _ = request;
        Err(no_secrets())
    }
    /// A new secret owned by the application (`application`, leader only) or the unit
    /// (`unit`): its URI. Held by the hook until it succeeds.
    fn secret_add(&mut self, owner: &str, fields: SecretFields) -> Result<String, ContextError> {
        let _ = (owner, fields);
        Err(no_secrets())
    }
    /// Changes to an owned secret (a new revision with `content`), held by the hook.
    fn secret_set(&mut self, id: &str, fields: SecretFields) -> Result<(), ContextError> {
        let _ = (id, fields);
        Err(no_secrets())
    }
    /// Removes an owned secret, or one revision of it, when the hook succeeds.
    fn secret_remove(&mut self, id: &str, revision: Option<u32>) -> Result<(), ContextError> {
        let _ = (id, revision);
        Err(no_secrets())
    }
    /// Grants (`grant`) or revokes read access to an owned secret, when the hook succeeds.
    fn secret_access(&mut self, grant: bool, request: SecretAccessRequest) -> Result<(), ContextError> {
        let _ = (grant, request);
        Err(no_secrets())
    }
    /// The secrets the unit owns (its own and, for the leader, its application's), with this
    /// hook's pending changes, by id.
    fn secret_metadata(&mut self) -> Result<BTreeMap<String, SecretMetadata>, ContextError> {
        Err(no_secrets())
    }
    /// The running action's parameters (Juju's `ActionParams`).
    fn action_params(&mut self) -> Result<serde_json::Map<String, serde_json::Value>, ContextError> {
        Err(not_running_an_action())
    }
    /// Adds results to the running action's, each a key path and its value, in order (Juju's
    /// `UpdateActionResults`).
    fn action_set(&mut self, results: Vec<(Vec<String>, String)>) -> Result<(), ContextError> {
        let _ = results;
        Err(not_running_an_action())
    }
    /// Records a progress message of the running action (Juju's `LogActionMessage`).
    fn action_log(&mut self, message: String) -> Result<(), ContextError> {
        let _ = message;
        Err(not_running_an_action())
    }
    /// An open-port (`open`) or close-port request for `endpoint` (`""`: every endpoint),
    /// held by the hook until it succeeds (Juju's `OpenPortRange`, `ClosePortRange`).
    fn port_request(&mut self, open: bool, endpoint: &str, range: PortRange) -> Result<(), ContextError> {
        let _ = (open, endpoint, range);
        Err(not_available("ports"))
    }
    /// The unit's opened port ranges by endpoint, with this hook's requests merged in (Juju's
    /// `OpenedPortRanges`).
    fn opened_ports(&mut self) -> Result<GroupedPortRanges, ContextError> {
        Err(not_available("ports"))
    }
    /// The network config of `binding` (`""`: the default), for relation `relation_id` if
    /// given (Juju's `NetworkInfo`).
    fn network_info(&mut self, binding: &str, relation_id: Option<u64>) -> Result<NetworkInfo, ContextError> {
        let _ = (binding, relation_id);
        Err(not_available("network info"))
    }
    /// The unit's public (`public`) or private address (Juju's `PublicAddress`,
    /// `PrivateAddress`).
    fn unit_address(&mut self, public: bool) -> Result<String, ContextError> {
        let what = if public { "public address" } else { "private address" };
        Err(ContextError::Refused { code: ErrorCode::NotFound, message: format!("{what} not found") })
    }
    /// The application's units and related units with their status (Juju's `GoalState`).
    fn goal_state(&mut self) -> Result<GoalStateResponse, ContextError> {
        Err(not_available("goal state"))
    }
    /// Marks the running action failed, with `message` (Juju's `SetActionMessage` and
    /// `SetActionFailed`).
    fn action_fail(&mut self, message: Option<String>) -> Result<(), ContextError> {
        let _ = message;
        Err(not_running_an_action())
    }
    /// The unit's charm state with this hook's pending changes (Juju's `GetCharmState`).
    fn charm_state(&mut self) -> Result<BTreeMap<String, String>, ContextError> {
        Err(no_charm_state())
    }
    /// Sets charm state keys, held by the hook until it succeeds (Juju's `SetCharmStateValue`,
    /// with its size limits).
    fn set_charm_state(&mut self, values: BTreeMap<String, String>) -> Result<(), ContextError> {
        let _ = values;
        Err(no_charm_state())
    }
    /// Deletes a charm state key, held by the hook until it succeeds.
    fn delete_charm_state(&mut self, key: &str) -> Result<(), ContextError> {
        let _ = key;
        Err(no_charm_state())
    }
    /// Asks for the unit to be "rebooted" after the hook (or with `now`, at once, killing the
    /// hook, which runs again afterwards): Juju's `RequestReboot`.
    fn request_reboot(&mut self, now: bool) -> Result<(), ContextError> {
        let _ = now;
        Err(ContextError::Refused { code: ErrorCode::NotFound, message: "juju-reboot needs a unit agent".into() })
    }
    /// The ids of the storage instances attached to the unit (Juju's `StorageTags`). A context
    /// that knows of no storage has none.
    fn storage_ids(&mut self) -> Result<Vec<String>, ContextError> {
        Ok(Vec::new())
    }
    /// The attached storage instance `id`: its kind and location (Juju's `Storage`); Juju's
    /// `storage attachment ID:UNIT not found` for one not attached.
    fn storage(&mut self, id: &str) -> Result<leaderd_core::wire::hook::StorageGetResponse, ContextError> {
        let unit = std::env::var("JUJU_UNIT_NAME").unwrap_or_default();
        Err(ContextError::Refused {
            code: ErrorCode::NotFound,
            message: format!("storage attachment {id}:{unit} not found"),
        })
    }
    /// Adds storage instances (each charm storage name with a count), held by the hook until it
    /// succeeds (Juju's `AddUnitStorage`).
    fn add_storage(&mut self, directives: Vec<(String, u64)>) -> Result<(), ContextError> {
        let _ = directives;
        Err(not_available("storage"))
    }
    /// The path of the unit's copy of resource `name` (Juju's `DownloadResource`).
    fn download_resource(&mut self, name: &str) -> Result<String, ContextError> {
        Err(resource_not_found(name))
    }
    /// Registers a payload, `running`, held by the hook until it succeeds (Juju's
    /// `TrackPayload` and `FlushPayloads`).
    fn register_payload(&mut self, kind: &str, class: &str, id: &str, labels: &[String]) -> Result<(), ContextError> {
        let _ = (kind, class, id, labels);
        Err(no_payloads())
    }
    /// Stops tracking the payload of `class` (Juju's `UntrackPayload`).
    fn unregister_payload(&mut self, class: &str, id: &str) -> Result<(), ContextError> {
        let _ = (class, id);
        Err(no_payloads())
    }
    /// Sets the status of the payload of `class` (Juju's `SetPayloadStatus`).
    fn set_payload_status(&mut self, class: &str, id: &str, status: &str) -> Result<(), ContextError> {
        let _ = (class, id, status);
        Err(no_payloads())
    }
}

/// What a context without payloads answers.
fn no_payloads() -> ContextError {
    ContextError::Refused { code: ErrorCode::NotFound, message: "payloads are not available in this context".into() }
}

/// What a context without charm state answers.
fn no_charm_state() -> ContextError {
    ContextError::Refused { code: ErrorCode::NotFound, message: "charm state is not available in this context".into() }
}

/// The words for a resource the unit has no file of (see `resource_get`).
fn resource_not_found(name: &str) -> ContextError {
    ContextError::Refused { code: ErrorCode::NotFound, message: resource_get::not_found(name) }
}

/// What a context without `what` answers.
fn not_available(what: &str) -> ContextError {
    ContextError::Refused { code: ErrorCode::NotFound, message: format!("{what} not available in this context") }
}

/// What a context that runs no action answers (Juju's words).
fn not_running_an_action() -> ContextError {
    ContextError::Refused { code: ErrorCode::NotFound, message: "not running an action".into() }
}

/// What a context without secrets answers.
fn no_secrets() -> ContextError {
    ContextError::Refused { code: ErrorCode::NotFound, message: "secrets are not available in this context".into() }
}

/// A failure reaching or answering from the hook context.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ContextError {
    /// The agent answered with an error: what kind, and its message. The context's own
    /// failures (e.g. "cannot write settings: not the leader") the tool annotates as Juju
    /// does; request errors (wrong or ended context id, bad request) are printed as they are,
    /// like Juju's RPC errors. Which is which: [`leaderd_core::wire::hook::is_tool_error`].
    #[error("{message}")]
    Refused { code: ErrorCode, message: String },
    /// The agent's answer is not the protocol's (or the request could not be encoded):
    /// printed as it is.
    #[error("{0}")]
    BadAnswer(String),
    /// The agent could not be reached (dial or transport failure): printed as it is, and
    /// coloured on a terminal like every error Juju's client raises itself.
    #[error("{0}")]
    Unreachable(TransportError),
}

impl ContextError {
    fn annotate(self, prefix: &str) -> RunError {
        match self {
            ContextError::Refused { code, message } if is_tool_error(code) => {
                RunError { message: format!("{prefix}: {message}"), client_side: false }
            }
            ContextError::Refused { message, .. } | ContextError::BadAnswer(message) => {
                RunError { message, client_side: false }
            }
            ContextError::Unreachable(e) => RunError { message: e.to_string(), client_side: true },
        }
    }
}

impl ContextError {
    /// The context's own error printed without a prefix, as Juju prints `ErrIsNotLeader` from
    /// `status-set --application`.
    fn unannotated(self) -> RunError {
        match self {
            ContextError::Unreachable(e) => RunError { message: e.to_string(), client_side: true },
            ContextError::Refused { message, .. } | ContextError::BadAnswer(message) => {
                RunError { message, client_side: false }
            }
        }
    }
}

/// A Run error: `ERROR <msg>`, exit 1.
#[derive(Debug, Clone, PartialEq)]
pub struct RunError {
    pub message: String,
    /// Raised by jujuc itself rather than answered by the agent.
    pub client_side: bool,
}

/// jujuc could not set up the call (environment, working directory): `ERROR <msg>`, `code`.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientError {
    pub message: String,
    pub code: i32,
}

/// What a successful Run produced: a value to format (to stdout or `-o FILE`) and any bytes
/// the tool writes to stderr itself.
#[derive(Debug, Default)]
pub struct Outcome {
    pub print: Option<(Value, OutputOptions)>,
    /// Bytes the tool writes to stdout itself (secret-add's URI), before any printed value.
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// A failure to write `-o FILE` is ignored (status-get does so when it prints a map).
    pub ignore_write_error: bool,
    /// The exit code (0, unless the tool wrote its own error to `stderr`).
    pub code: i32,
}

impl Outcome {
    fn print(value: Value, output: OutputOptions) -> Outcome {
        Outcome { print: Some((value, output)), ..Default::default() }
    }

    /// A usage error found only once the hook context was asked (a `-r` naming no relation of
    /// this unit): `ERROR <msg>`, exit 2.
    fn usage(message: &str) -> Outcome {
        Outcome { stderr: format!("ERROR {message}\n").into_bytes(), code: 2, ..Default::default() }
    }
}

/// A validated tool call, ready to run against a hook context (juju/cmd's Run: errors exit 1).
pub trait Run {
    fn run(self: Box<Self>, ctx: &mut dyn ToolContext) -> Result<Outcome, RunError>;

    /// A usage error that Run reports only after checking something with the hook context
    /// (Juju checks `-r` while parsing flags, before Init): outside a hook it is printed as it
    /// is, since nothing can be checked there.
    fn usage_error(&self) -> Option<String> {
        None
    }
}

/// One hook tool: everything dispatch, help, `generate` and the completions need of it.
pub struct Tool {
    /// The name it is called as (argv[0]'s basename).
    pub name: &'static str,
    /// The clap definition, with Juju's help text.
    pub command: fn() -> Command,
    /// juju/cmd's Init: validates the parsed arguments (errors exit 2).
    pub init: fn(&ArgMatches) -> Result<Box<dyn Run>, UsageError>,
    /// The positional arguments' value name and help, for man pages and completions.
    pub positional: Option<(&'static str, &'static str)>,
    /// Completes the hook's leader-settings keys live, each followed by this suffix.
    pub live_keys: Option<&'static str>,
}

/// The registry: every hook tool, in the order help and man pages list them. Adding a tool is
/// one module with its `TOOL` entry and one line here.
pub const TOOLS: &[Tool] = &[
    is_leader::TOOL,
    leader_get::TOOL,
    leader_set::TOOL,
    juju_log::TOOL,
    status_set::TOOL,
    status_get::TOOL,
    application_version_set::TOOL,
    config_get::TOOL,
    unit_get::TOOL,
    ports::OPEN_TOOL,
    ports::CLOSE_TOOL,
    opened_ports::TOOL,
    network_get::TOOL,
    goal_state::TOOL,
    relation_ids::TOOL,
    relation_list::TOOL,
    relation_get::TOOL,
    relation_set::TOOL,
    relation_model_get::TOOL,
    secret_add::TOOL,
    secret_set::TOOL,
    secret_remove::TOOL,
    secret_get::TOOL,
    secret_info_get::TOOL,
    secret_ids::TOOL,
    secret_grant::TOOL,
    secret_revoke::TOOL,
    action_get::TOOL,
    action_set::TOOL,
    action_log::TOOL,
    action_fail::TOOL,
    state_get::TOOL,
    state_set::TOOL,
    state_delete::TOOL,
    juju_reboot::TOOL,
    credential_get::TOOL,
    resource_get::TOOL,
    storage::LIST,
    storage::GET,
    storage::ADD,
    add_metric::TOOL,
    payload::REGISTER,
    payload::UNREGISTER,
    payload::STATUS_SET,
    k8s_spec::K8S_SPEC_SET,
    k8s_spec::K8S_SPEC_GET,
    k8s_spec::K8S_RAW_SET,
    k8s_spec::K8S_RAW_GET,
    k8s_spec::POD_SPEC_SET,
    k8s_spec::POD_SPEC_GET,
];

/// The tools' names, in registry order.
pub const TOOL_NAMES: [&str; TOOLS.len()] = {
    let mut names = [""; TOOLS.len()];
    let mut i = 0;
    while i < TOOLS.len() {
        names[i] = TOOLS[i].name;
        i += 1;
    }
    names
};

/// The tool called `name`, if there is one.
pub fn tool(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.name == name)
}

/// The clap definition of a tool, by name.
pub fn command(name: &str) -> Option<Command> {
    tool(name).map(|t| (t.command)())
}

/// How a command line ends before it needs the agent.
pub enum Prepared {
    Help(String),
    Run(Box<dyn Run>),
}

/// Juju 3.6's words for a tool name it does not have: `jujuc.NewCommand`
/// (internal/worker/uniter/runner/jujuc/server.go), which `Jujuc.Main` wraps as
/// `bad request: ...` and returns as the RPC's error. ("unknown hook command" is only
/// `NewHookCommandForHelp`'s wording, for `juju help-hook-commands`, which no hook reaches.)
fn unknown_command(name: &str) -> String {
    format!("unknown command: {name}")
}

/// Parse and validate one tool's arguments (juju/cmd's flag parsing and Init).
pub fn prepare(name: &str, args: &[OsString]) -> Result<Prepared, UsageError> {
    let tool = tool(name).ok_or_else(|| UsageError(unknown_command(name)))?;
    match cmd::parse((tool.command)(), args)? {
        Parsed::Help(text) => Ok(Prepared::Help(text)),
        Parsed::Matches(m) => Ok(Prepared::Run((tool.init)(&m)?)),
        Parsed::AfterRelation { spelling, value, error } => {
            Ok(Prepared::Run(Box::new(relation::OptionErrorAfterRelation::new(spelling, value, error))))
        }
        Parsed::AfterStorage { id, error } => {
            Ok(Prepared::Run(Box::new(storage::StorageGet::after_option_error(id, error))))
        }
    }
}

/// The bytes and exit code of one tool call, before they reach the real stdout and stderr.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Finished {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub code: i32,
    /// The error (if any) was raised by jujuc itself, not answered by the agent: Juju's client
    /// colours the word ERROR of those on a terminal.
    pub client_side_error: bool,
}

impl Finished {
    fn error(msg: &str, code: i32) -> Finished {
        Finished { stderr: format!("ERROR {msg}\n").into_bytes(), code, ..Default::default() }
    }

    fn client_error(msg: &str, code: i32) -> Finished {
        Finished { client_side_error: true, ..Finished::error(msg, code) }
    }
}

/// Runs `jujuc` for `argv` (argv[0] included): dispatch on the basename of argv[0], or on the
/// first argument when called as `jujuc`. `connect` opens the hook context only once the
/// arguments are known to be good, so help and usage errors work outside a hook (docs/hook-tools.md,
/// "Deviations from Juju, on purpose").
pub(crate) fn main_with<F>(argv: &[OsString], in_hook: bool, connect: F) -> Finished
where
    F: FnOnce() -> Result<Box<dyn ToolContext>, ClientError>,
{
    let argv0 = argv.first().map(Path::new).and_then(Path::file_name).map(|n| n.to_string_lossy().into_owned());
    let argv0 = argv0.unwrap_or_else(|| "jujuc".into());
    let (name, args) = if argv0 == "jujuc" && argv.len() > 1 {
        (argv[1].to_string_lossy().into_owned(), &argv[2..])
    } else {
        (argv0, argv.get(1..).unwrap_or(&[]))
    };
    if tool(&name).is_none() {
        // Juju's agent refuses the request; jujuc (cmd/jujuc/main.go, `Main`) prints the RPC
        // error through cmd.WriteError and exits with hookToolMain's preset code, 1.
        let mut finished = Finished::error(&format!("bad request: {}", unknown_command(&name)), 1);
        if !in_hook {
            // Outside a hook, say what would have worked (inside one, Juju's bytes exactly).
            finished.stderr.extend(
                format!(
                    "jujuc runs the hook tools {}: call it through a symlink of that name, \
                     or as \"jujuc <tool> [args...]\"\n",
                    TOOL_NAMES.join(", ")
                )
                .into_bytes(),
            );
        }
        return finished;
    }
    let invocation = match prepare(&name, args) {
        Ok(Prepared::Help(text)) => return Finished { stdout: text.into_bytes(), ..Default::default() },
        Ok(Prepared::Run(invocation)) => invocation,
        Err(UsageError(msg)) => return Finished::error(&msg, 2),
    };
    let mut ctx = match connect() {
        Ok(ctx) => ctx,
        Err(e) => match invocation.usage_error() {
            Some(usage) => return Finished::error(&usage, 2),
            None => return Finished::client_error(&e.message, e.code),
        },
    };
    let outcome = match invocation.run(ctx.as_mut()) {
        Ok(outcome) => outcome,
        Err(RunError { message, client_side: true }) => return Finished::client_error(&message, 1),
        Err(RunError { message, .. }) => return Finished::error(&message, 1),
    };
    let mut finished =
        Finished { stdout: outcome.stdout, stderr: outcome.stderr, code: outcome.code, ..Default::default() };
    if let Some((value, output)) = outcome.print {
        let bytes = render(output.format, &value).into_bytes();
        match output.path {
            None => finished.stdout.extend(bytes),
            Some(path) => match write_output_file(&path, &bytes) {
                Err(_) if outcome.ignore_write_error => {}
                Err(e) => return Finished::error(&e.to_string(), 1),
                Ok(()) => {}
            },
        }
    }
    finished
}

/// Shell completion of keys (`JUJUC_COMPLETE=keys leader-get`): the keys of the hook's
/// sandboxed leader settings, one per line (`key=` for leader-set), from one request to the
/// agent. Outside a hook context, or if anything fails, it prints nothing: a completion must
/// never write errors over the user's command line.
pub(crate) fn complete_keys<F>(tool: &str, in_hook: bool, connect: F) -> Finished
where
    F: FnOnce() -> Result<Box<dyn ToolContext>, ClientError>,
{
    let Some(suffix) = self::tool(tool).and_then(|t| t.live_keys) else {
        return Finished::default();
    };
    let keys = if in_hook { connect().ok().and_then(|mut ctx| ctx.leader_settings().ok()) } else { None };
    let stdout = keys.unwrap_or_default().keys().map(|k| format!("{k}{suffix}\n")).collect::<String>();
    Finished { stdout: stdout.into_bytes(), ..Default::default() }
}

/// `-o FILE`: created (or truncated) even when the output is empty. The path is resolved as
/// juju/cmd's `ctx.AbsPath` does: `~` and `~/...` expanded, then cleaned and joined to the
/// working directory like Go's `filepath.Join`. Errors read like Go's
/// `open /abs/path: permission denied`.
pub fn write_output_file(path: &OsString, bytes: &[u8]) -> Result<(), OutputFileError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = output_path(Path::new(path), &cwd, home.as_deref());
    let result = std::fs::File::create(&path).and_then(|mut f| f.write_all(bytes));
    result.map_err(|e| OutputFileError { path, reason: go_error_text(&e) })
}

/// `-o FILE` could not be written: Go's `open <path>: <reason>`.
#[derive(Debug, thiserror::Error)]
#[error("open {}: {reason}", path.display())]
pub struct OutputFileError {
    path: PathBuf,
    reason: String,
}

fn output_path(path: &Path, cwd: &Path, home: Option<&Path>) -> PathBuf {
    let expanded = match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    };
    go_clean(&cwd.join(expanded))
}

#[cfg(test)]
mod tests {
    use super::output_path;
    use std::path::Path;

    #[test]
    fn output_paths_resolve_like_juju_abs_path() {
        let (cwd, home) = (Path::new("/charm"), Some(Path::new("/home/u")));
        assert_eq!(output_path(Path::new("out.txt"), cwd, home), Path::new("/charm/out.txt"));
        assert_eq!(output_path(Path::new("nodir/../x.txt"), cwd, home), Path::new("/charm/x.txt"));
        assert_eq!(output_path(Path::new("/tmp//a/./b/"), cwd, home), Path::new("/tmp/a/b"));
        assert_eq!(output_path(Path::new("~"), cwd, home), Path::new("/home/u"));
        assert_eq!(output_path(Path::new("~/r.json"), cwd, home), Path::new("/home/u/r.json"));
        assert_eq!(output_path(Path::new("../../.."), cwd, home), Path::new("/"));
    }
}

#[cfg(test)]
mod registry_tests {
    use super::*;

    #[test]
    fn every_registered_tool_is_named_as_it_is_called_and_only_known_names_dispatch() {
        let mut names: Vec<&str> = TOOL_NAMES.to_vec();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TOOLS.len(), "duplicate tool names: {TOOL_NAMES:?}");
        for tool in TOOLS {
            assert_eq!((tool.command)().get_name(), tool.name);
            assert!(matches!(prepare(tool.name, &["--help".into()]), Ok(Prepared::Help(_))));
        }
        assert!(tool("juju-log").is_some());
        // An unknown name is an error, never some other tool.
        assert!(tool("no-such-tool").is_none());
        assert!(tool("relation-get").is_some());
        let err = prepare("no-such-tool", &[]).err().map(|UsageError(m)| m);
        assert_eq!(err.as_deref(), Some("unknown command: no-such-tool"));
    }
}
