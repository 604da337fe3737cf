//! `leaderd`'s command line: the local cluster (`up`, `exec`, `status`), the unit agent, the
//! controller, tokens and the generated completions and man pages. Each subcommand is a thin
//! layer over the library. It lives in the library so that `generate` and its staleness test
//! see the same definition the binary parses.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::local::state_dir;
use crate::local::up::{up, UpOptions};
use clap::{CommandFactory, Parser, Subcommand};
use leaderd_agent::AgentOptions;
use leaderd_controller::{self as controller, Config, Listen, ServeOptions, Transport};
use leaderd_net::auth::Secret;
use leaderd_net::server::Limits;
use leaderd_net::tls::{TlsDir, Trust};
use leaderd_sys::events::{json_printable, printable};

#[derive(Parser)]
#[command(name = "leaderd", version, about = "Juju-style application leadership for charm hooks")]
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an application locally: a controller and N unit agents for one charm, until Ctrl-C.
    Up {
        /// The charm: a directory, a charmcraft.yaml source directory, or a packed .charm file
        /// (default: the bundled example charm, shared-secret).
        #[arg(long, value_name = "DIR|FILE")]
        charm: Option<PathBuf>,
        /// The application name (default: the charm's metadata.yaml name).
        #[arg(long, value_name = "NAME")]
        app: Option<String>,
        /// How many units.
        #[arg(long, default_value_t = 3, value_name = "N")]
        units: u32,
        /// State directory (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// The leadership guarantee; leases are claimed for twice this.
        #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
        lease_guarantee: Duration,
        /// Config at deploy, as Juju's `deploy --config`: KEY=VALUE, or a YAML FILE in Juju's
        /// format (the application name mapped to its options' values); repeatable, files
        /// first. A file keeps secret values out of up's arguments, which every user can read.
        #[arg(long = "config", value_name = "KEY=VALUE|FILE")]
        config: Vec<String>,
        /// A config file at deploy, as `--config FILE`.
        #[arg(long, value_name = "FILE")]
        config_file: Option<PathBuf>,
        /// How many controllers: one active, the others standing by (more than one needs --etcd).
        #[arg(long, default_value_t = 1, value_name = "N")]
        controllers: u32,
        /// The controllers' store: etcd at ENDPOINTS (http://H1:2379,...[/PREFIX]), or `local`
        /// (`local:M`: M members) to start etcd from PATH in the state directory. Default: SQLite.
        #[arg(long, value_name = "ENDPOINTS|local[:M]")]
        etcd: Option<String>,
        /// The least level of the events printed, one of [TRACE, DEBUG, INFO, WARNING, ERROR]:
        /// DEBUG adds the hooks' stdout and charms' DEBUG juju-log lines (ops logs each event
        /// at DEBUG). The event log keeps everything (`leaderd debug-log`).
        #[arg(long, default_value = "INFO", value_parser = crate::local::debug_log::parse_level, value_name = "LEVEL")]
        log_level: leaderd_sys::events::Level,
        #[command(flatten)]
        hooks: HookFlags,
        /// A model's host (what `juju add-model` starts): no application; `juju deploy` adds
        /// them through up.socket.
        #[arg(long, hide = true, conflicts_with_all = ["charm", "app", "config", "config_file", "resource"])]
        host: bool,
        /// A descriptor to write `ready` on once up.socket answers (then closed).
        #[arg(long, hide = true, value_name = "FD")]
        ready_fd: Option<i32>,
    },
    /// Show or change an application's config (as `juju config`): APP shows every option,
    /// APP KEY one value, APP KEY=VALUE ... sets (KEY= resets).
    Config {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"], value_name = "FORMAT")]
        format: String,
        /// Reset options to their defaults (comma-separated; repeatable).
        #[arg(long, value_name = "KEY[,KEY]")]
        reset: Vec<String>,
        /// The application.
        #[arg(value_name = "APP")]
        app: String,
        /// KEY to show one value, or KEY=VALUE pairs to set.
        #[arg(value_name = "KEY[=VALUE]")]
        settings: Vec<String>,
    },
    /// Resolve a unit's failed hook (as `juju resolved`): run it again now, or with --no-retry
    /// take it as done and carry on.
    Resolve {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Do not run the failed hook again.
        #[arg(long)]
        no_retry: bool,
        /// The unit, like app/0, or app/leader.
        #[arg(value_name = "UNIT")]
        unit: String,
    },
    /// Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader).
    Exec {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// The unit, like app/0, or app/leader.
        #[arg(long, value_name = "UNIT")]
        unit: String,
        /// plain (default): the command runs here in the unit's hook context, its output and
        /// exit code passed through; json or yaml: it runs on the unit as juju exec runs it,
        /// and prints juju exec's shape.
        #[arg(long, default_value = "plain", value_parser = ["plain", "json", "yaml"])]
        format: String,
        /// With --format json|yaml: how long to wait (default 5m, as juju exec).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        wait: Option<Duration>,
        /// The command and its arguments, after --.
        #[arg(last = true, required = true)]
        command: Vec<std::ffi::OsString>,
    },
    /// Run an action on units (juju run): the charm's actions.yaml action with its parameters.
    Run {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Output format.
        #[arg(long, default_value = "plain", value_parser = ["plain", "yaml", "json"])]
        format: String,
        /// How long to wait for the results (default 60s; the tasks carry on after).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        wait: Option<std::time::Duration>,
        /// Schedule the tasks and return at once.
        #[arg(long)]
        background: bool,
        /// A YAML file of parameters (the key=value arguments override it).
        #[arg(long, value_name = "FILE")]
        params: Option<PathBuf>,
        /// Take key=value values as strings, not YAML.
        #[arg(long)]
        string_args: bool,
        /// Print no progress on stderr.
        #[arg(long)]
        quiet: bool,
        /// UNIT... ACTION [key=value...]: units (app/0, app/leader), the action, its parameters.
        #[arg(required = true, value_name = "UNIT|ACTION|KEY=VALUE")]
        args: Vec<String>,
    },
    /// Show a task of an operation (juju show-task).
    ShowTask {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Output format.
        #[arg(long, default_value = "plain", value_parser = ["plain", "yaml", "json"])]
        format: String,
        /// The task's id.
        id: u64,
    },
    /// Show an operation and its tasks (juju show-operation)
    ShowOperation {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Output format.
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"])]
        format: String,
        /// Wait for results (0: until the operation ends).
        #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
        wait: Option<std::time::Duration>,
        /// Wait indefinitely for results.
        #[arg(long)]
        watch: bool,
        /// Show times in UTC (they always are).
        #[arg(long)]
        utc: bool,
        /// The operation's id.
        #[arg(value_name = "OPERATION-ID")]
        args: Vec<String>,
    },
    /// List the operations' tasks (juju operations).
    Operations {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Output format.
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"])]
        format: String,
    },
    /// Show the applications and units of a running `up`.
    Status {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        #[arg(long, default_value = "table", value_parser = ["table", "json", "yaml"], value_name = "FORMAT")]
        format: String,
    },
    /// Kill a unit's agent (SIGKILL) or a controller (controller/N, or --controller), of a running `up`.
    Kill(LeverArgs),
    /// Pause a unit's agent and its hooks (SIGSTOP), or a controller.
    Pause(LeverArgs),
    /// Resume a paused unit (SIGCONT), or a controller.
    Resume(LeverArgs),
    /// Start a unit's agent (or a controller) again, as before: same command line, a fresh token.
    Restart(LeverArgs),
    /// Revoke an application's lease: the leader may not renew, so another unit leads at its expiry.
    Revoke {
        /// The application.
        #[arg(value_name = "APP")]
        app: String,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Make a unit the next leader, as fast as safety allows (the leader keeps its lease to its expiry).
    Elect {
        /// The unit, like app/1.
        #[arg(value_name = "UNIT")]
        unit: String,
        /// Return at once instead of waiting for the unit to lead.
        #[arg(long)]
        no_wait: bool,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Add units to the application of a running `up` (new numbers: unit numbers are never reused).
    AddUnit {
        /// The application.
        #[arg(value_name = "APP")]
        app: String,
        /// How many units.
        #[arg(short = 'n', long = "num-units", default_value_t = 1, value_name = "N")]
        count: u32,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Replace the charm of a running `up`'s application (juju refresh --path): every unit runs
    /// upgrade-charm, then config-changed, from the new charm.
    Refresh {
        /// The application.
        #[arg(value_name = "APP")]
        app: String,
        /// The new charm: a directory, a charmcraft.yaml source directory, or a packed .charm file.
        #[arg(long, value_name = "DIR|FILE")]
        path: PathBuf,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Remove a unit: its stop and remove hooks run, then it leaves (a leader hands over at once).
    RemoveUnit {
        /// The unit, like app/1.
        #[arg(value_name = "UNIT")]
        unit: String,
        /// How long to wait for its hooks to finish.
        #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
        wait: Duration,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Show the event log of an `up` (as `juju debug-log`): the last lines, then new ones.
    DebugLog(crate::local::debug_log::DebugLogArgs),
    /// Draw leadership over time from the event log of an `up`: terms, hooks, gaps, markers.
    Timeline(crate::local::timeline::TimelineArgs),
    /// Show one unit of a running `up` with its relations and every bag it can see (the shape
    /// of `juju show-unit`).
    ShowUnit {
        /// The unit, like app/0.
        #[arg(value_name = "UNIT")]
        unit: String,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"], value_name = "FORMAT")]
        format: String,
    },
    /// Show the payloads the units of a running `up` registered (as `juju payloads`)
    Payloads {
        /// Show only the payloads matching one of these: a unit, type, class, id, status or tag.
        #[arg(value_name = "PATTERN")]
        patterns: Vec<String>,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        #[arg(long, default_value = "tabular", value_parser = ["tabular", "yaml", "json"], value_name = "FORMAT")]
        format: String,
    },
    /// List the secrets of a running `up` (as `juju secrets`): every charm's and the operator's.
    Secrets {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
        /// Include secrets for the specified owner (a tag: application-APP, unit-APP-N, model-...).
        #[arg(long, value_name = "TAG")]
        owner: Option<String>,
        #[arg(long, default_value = "tabular", value_parser = ["tabular", "yaml", "json"], value_name = "FORMAT")]
        format: String,
    },
    /// Show a secret's details (as `juju show-secret`); --reveal shows its content.
    ShowSecret {
        /// The secret: its ID (secret:ID or the bare ID) or a user secret's name.
        #[arg(value_name = "ID|NAME")]
        secret: Option<String>,
        /// Reveal secret values, applicable to yaml or json formats only.
        #[arg(long)]
        reveal: bool,
        /// Show a specific revision (defaults to latest).
        #[arg(short = 'r', long, value_name = "N", allow_negative_numbers = true)]
        revision: Option<i64>,
        /// Show the secret revisions metadata.
        #[arg(long)]
        revisions: bool,
        #[arg(long, default_value = "yaml", value_parser = ["yaml", "json"], value_name = "FORMAT")]
        format: String,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Add a user secret (as `juju add-secret`): key=value, key#base64=value, key#file=PATH; prints secret:ID.
    AddSecret {
        /// The secret's name.
        #[arg(value_name = "NAME")]
        name: Option<String>,
        /// The content: key=value, key#base64=value or key#file=PATH.
        #[arg(value_name = "KEY=VALUE")]
        content: Vec<String>,
        /// The secret description.
        #[arg(long, value_name = "TEXT")]
        info: Option<String>,
        /// A YAML file containing secret key values.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Update a user secret (as `juju update-secret`): new content makes a new revision.
    UpdateSecret {
        /// The secret: its ID or name.
        #[arg(value_name = "ID|NAME")]
        secret: Option<String>,
        /// The new content: key=value, key#base64=value or key#file=PATH.
        #[arg(value_name = "KEY=VALUE")]
        content: Vec<String>,
        /// The secret description.
        #[arg(long, value_name = "TEXT")]
        info: Option<String>,
        /// A YAML file containing secret key values.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// The new secret name.
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Remove a user secret, or one revision of it (as `juju remove-secret`).
    RemoveSecret {
        /// The secret: its ID or name.
        #[arg(value_name = "ID|NAME")]
        secret: String,
        /// Remove the specified revision.
        #[arg(long, value_name = "N")]
        revision: Option<u32>,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Grant applications access to view a user secret (as `juju grant-secret`).
    GrantSecret {
        /// The secret: its ID or name.
        #[arg(value_name = "ID|NAME")]
        secret: Option<String>,
        /// The applications, comma-separated.
        #[arg(value_name = "APP[,APP...]")]
        apps: Option<String>,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Revoke applications' access to view a user secret (as `juju revoke-secret`).
    RevokeSecret {
        /// The secret: its ID or name.
        #[arg(value_name = "ID|NAME")]
        secret: Option<String>,
        /// The applications, comma-separated.
        #[arg(value_name = "APP[,APP...]")]
        apps: Option<String>,
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Write the shell completions (completions/) and man pages (man/) into DIR.
    Generate {
        /// The repository root (or wherever completions/ and man/ should go).
        #[arg(long, default_value = ".", value_name = "DIR")]
        out: PathBuf,
    },
    /// Print the completion script of every hook tool and of leaderd for one shell.
    Completions {
        #[arg(value_parser = ["bash", "zsh", "fish", "elvish", "powershell"])]
        shell: String,
    },
    /// Run one unit's agent: leadership tracker, hook runner, hook and exec endpoints.
    Agent {
        /// The unit, like app/0.
        #[arg(long, value_name = "UNIT")]
        unit: String,
        /// The controller's URL, like https://127.0.0.1:7480; repeat it for several controllers
        /// on etcd (the agent follows the active one).
        #[arg(long, required = true, value_name = "URL")]
        controller: Vec<String>,
        /// The CA certificate (PEM) the controller's certificate must chain to; the system's
        /// roots are not trusted (the controller's TLS directory has it as ca.pem).
        #[arg(long, conflicts_with = "insecure_http", value_name = "FILE")]
        controller_ca: Option<PathBuf>,
        /// Talk to an http:// controller without TLS: the token crosses the network unencrypted.
        #[arg(long)]
        insecure_http: bool,
        /// The charm directory the hooks come from (the unit's own copy).
        #[arg(long, value_name = "DIR")]
        charm: PathBuf,
        /// The agent's state directory (created 0700): sockets, tools, uniter state.
        #[arg(long, value_name = "DIR")]
        state: PathBuf,
        /// The unit's token (see `leaderd token`).
        #[arg(long, env = "LEADERD_TOKEN", hide_env_values = true, value_name = "TOKEN")]
        token: String,
        /// The leadership guarantee; the lease is claimed for twice this.
        #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DURATION")]
        lease_guarantee: Duration,
        /// The jujuc binary the hook tools link to (default: next to leaderd).
        #[arg(long, value_name = "PATH")]
        jujuc: Option<PathBuf>,
        /// Append this unit's events (leadership, hooks, their output, juju-log) to this JSON-lines
        /// file, as `leaderd up` does in <state>/events.jsonl.
        #[arg(long, value_name = "FILE")]
        event_log: Option<PathBuf>,
        /// The least level of the events printed on stdout, one of [TRACE, DEBUG, INFO, WARNING,
        /// ERROR]; the event log keeps everything.
        #[arg(long, default_value = "DEBUG", value_parser = crate::local::debug_log::parse_level, value_name = "LEVEL")]
        log_level: leaderd_sys::events::Level,
        #[command(flatten)]
        timeouts: Timeouts,
        #[command(flatten)]
        hooks: HookFlags,
    },
    /// Run a controller: leases with fencing terms, the leader-settings buckets, watches.
    Controller {
        /// Address to listen on (loopback only by default).
        #[arg(long, default_value = "127.0.0.1:7480", value_name = "ADDR")]
        listen: SocketAddr,
        /// Serve on this inherited, already listening TCP socket instead of binding --listen.
        #[arg(long, value_name = "FD", conflicts_with = "listen")]
        listen_fd: Option<i32>,
        /// TLS directory: ca.pem, ca.key, controller.pem, controller.key; a CA and a
        /// certificate for 127.0.0.1 and localhost (and the --listen address) are created in it
        /// (0700, files 0600) if it has none. Agents take its ca.pem as --controller-ca.
        #[arg(long, default_value = "leaderd-tls", value_name = "DIR")]
        tls_dir: PathBuf,
        /// Another name (DNS name or IP address) for the certificate made in --tls-dir, besides
        /// 127.0.0.1 and localhost; repeatable. Only used when the certificate is made.
        #[arg(long = "tls-name", value_name = "NAME")]
        tls_names: Vec<String>,
        /// Serve this certificate chain (PEM) instead of the TLS directory's.
        #[arg(long, requires = "tls_key", value_name = "FILE")]
        tls_cert: Option<PathBuf>,
        /// The private key (PEM) of --tls-cert.
        #[arg(long, requires = "tls_cert", value_name = "FILE")]
        tls_key: Option<PathBuf>,
        /// Serve plain HTTP, no TLS: tokens cross the network unencrypted.
        #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
        insecure_http: bool,
        /// How long a token the controller renews (POST /v1/token/renew) lives.
        #[arg(long, default_value = "24h", value_parser = parse_duration, value_name = "DURATION")]
        token_ttl: Duration,
        /// Connections open at once (lowered to fit the open-file limit).
        #[arg(long, default_value_t = 4096, env = "LEADERD_MAX_CONNECTIONS", value_name = "N")]
        max_connections: usize,
        #[command(flatten)]
        timeouts: Timeouts,
        /// Where state lives: sqlite:PATH (durable), memory (lost on exit), or
        /// etcd:http://H1:2379,http://H2:2379[/PREFIX] (several controllers, one active; needs a
        /// leaderd built with --features etcd).
        #[arg(long, default_value = "sqlite:leaderd.db", value_name = "STORE")]
        store: String,
        #[command(flatten)]
        etcd: EtcdArgs,
        /// The secret that unit and operator tokens are derived from; created (0600) if missing.
        #[arg(long, default_value = "leaderd.secret", value_name = "FILE")]
        secret_file: PathBuf,
        /// Shortest lease a unit may claim.
        #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DURATION")]
        min_lease: Duration,
        /// Longest lease a unit may claim; after a restart, persisted leaders are honoured this long.
        #[arg(long, default_value = "5m", value_parser = parse_duration, value_name = "DURATION")]
        max_lease: Duration,
    },
    /// Print the token a unit (or, with --operator, the operator) presents to the controller.
    Token {
        /// The unit, like app/0.
        #[arg(required_unless_present = "operator", conflicts_with = "operator", value_name = "UNIT")]
        unit: Option<String>,
        /// The operator's token (status, revoke).
        #[arg(long)]
        operator: bool,
        /// The controller's secret file.
        #[arg(long, default_value = "leaderd.secret", value_name = "FILE")]
        secret_file: PathBuf,
        /// How long the token lives, at most 366 days (a running agent renews its own well
        /// before that).
        #[arg(long, default_value = "24h", value_parser = parse_token_ttl, value_name = "DURATION")]
        ttl: Duration,
    },
}

/// How a unit agent runs update-status and retries failed hooks.
#[derive(clap::Args, Clone)]
struct HookFlags {
    /// How often update-status runs once the unit has started (Juju's default: 5m).
    #[arg(long, default_value = "5m", value_parser = parse_positive_duration, value_name = "DURATION")]
    update_status_interval: Duration,
    /// Retry failed hooks by themselves (on), or leave the unit in error state until
    /// `leaderd resolve` (off).
    #[arg(long, default_value = "on", value_parser = ["on", "off"], value_name = "on|off")]
    hook_retry: String,
    /// The first pause before a failed hook is retried; each next one doubles (Juju: 5s).
    #[arg(long, default_value = "5s", value_parser = parse_positive_duration, value_name = "DURATION")]
    hook_retry_delay: Duration,
    /// The longest pause between retries (Juju: 5m).
    #[arg(long, default_value = "5m", value_parser = parse_positive_duration, value_name = "DURATION")]
    hook_retry_max: Duration,
    /// A file resource of the charm (again for more): each unit gets its own copy of PATH, and
    /// `resource-get NAME` prints where it is.
    #[arg(long = "resource", value_parser = parse_resource, value_name = "NAME=PATH")]
    resource: Vec<(String, PathBuf)>,
}

/// Juju's deploy check (`cmd/juju/resource/validation.go`, `CheckExpectedResources`): every
/// `--resource` names one the charm's `metadata.yaml` declares, whatever form the charm comes
/// in (the bundled example declares none).
fn check_resources(charm: Option<&std::path::Path>, resources: &[(String, PathBuf)]) -> anyhow::Result<()> {
    if resources.is_empty() {
        return Ok(());
    }
    let metadata = charm.and_then(crate::local::charm::metadata_text);
    crate::local::up::check_resources(metadata.as_deref(), resources.iter().map(|(name, _)| name.as_str()))
}

/// `NAME=PATH`: a resource name and an existing file, made absolute (the agents run elsewhere).
fn parse_resource(text: &str) -> Result<(String, PathBuf), String> {
    let Some((name, path)) = text.split_once('=') else {
        return Err(format!("expected NAME=PATH, got {text:?}"));
    };
    if name.is_empty() {
        return Err(format!("expected NAME=PATH, got {text:?}: the name is empty"));
    }
    let path = std::path::Path::new(path);
    if !path.is_file() {
        return Err(format!("{}: not a file", path.display()));
    }
    let path = path.canonicalize().map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((name.to_string(), path))
}

impl HookFlags {
    fn retry(&self) -> leaderd_agent::runner::RetryPolicy {
        leaderd_agent::runner::RetryPolicy {
            enabled: self.hook_retry == "on",
            first: self.hook_retry_delay,
            max: self.hook_retry_max.max(self.hook_retry_delay),
        }
    }

    /// The same flags, for `up` to hand to each agent (the resources go per application).
    fn args(&self) -> Vec<String> {
        vec![
            "--update-status-interval".into(),
            leaderd_core::duration::format(self.update_status_interval),
            "--hook-retry".into(),
            self.hook_retry.clone(),
            "--hook-retry-delay".into(),
            leaderd_core::duration::format(self.hook_retry_delay),
            "--hook-retry-max".into(),
            leaderd_core::duration::format(self.hook_retry_max),
        ]
    }
}

/// A duration above zero (a zero interval would spin).
fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    match parse_duration(text) {
        Ok(d) if d.is_zero() => Err(format!("{text} is not above zero")),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

/// What a lever acts on: one unit, or a controller.
#[derive(clap::Args)]
struct LeverArgs {
    /// The unit, like app/1, or a controller, like controller/1 (`leaderd status` lists them).
    #[arg(required_unless_present = "controller", conflicts_with = "controller", value_name = "UNIT")]
    unit: Option<String>,
    /// The controller: the only one, or the one active now when `up` runs several.
    #[arg(long)]
    controller: bool,
    /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
}

/// A server's connection timeouts.
#[derive(clap::Args, Clone, Copy)]
struct Timeouts {
    /// How long a request (headers and body, from its first byte) or a TLS handshake may take.
    #[arg(long, default_value = "5s", value_parser = parse_duration, env = "LEADERD_HEADER_TIMEOUT", value_name = "DURATION")]
    header_timeout: Duration,
    /// How long a connection with no request in progress stays open.
    #[arg(long, default_value = "30s", value_parser = parse_duration, env = "LEADERD_IDLE_TIMEOUT", value_name = "DURATION")]
    idle_timeout: Duration,
}

/// A token's lifetime: a duration of at least a second and at most 366 days (a stolen token
/// should not outlive the year it was issued in).
fn parse_token_ttl(text: &str) -> Result<Duration, TokenTtlError> {
    let ttl = parse_duration(text)?;
    if ttl < Duration::from_secs(1) || ttl > Duration::from_secs(366 * 86_400) {
        return Err(TokenTtlError::OutOfRange(text.to_string()));
    }
    Ok(ttl)
}

/// Why a token lifetime was refused.
#[derive(Debug, thiserror::Error)]
enum TokenTtlError {
    #[error(transparent)]
    Duration(#[from] leaderd_core::duration::DurationError),
    #[error("{0} is out of range: a token lives from 1s to 366 days (8784h)")]
    OutOfRange(String),
}

/// juju/utils `CommandString`: an argument with whitespace, `"`, `$` or `\\` is double-quoted
/// with those three escaped; others go as they are.
pub(crate) fn shell_word(word: &str) -> String {
    if !word.chars().any(|c| c.is_whitespace() || matches!(c, '"' | '$' | '\\')) {
        return word.to_string();
    }
    let escaped: String =
        word.chars().flat_map(|c| if matches!(c, '"' | '$' | '\\') { vec!['\\', c] } else { vec![c] }).collect();
    format!("\"{escaped}\"")
}

fn parse_duration(text: &str) -> Result<Duration, leaderd_core::duration::DurationError> {
    leaderd_core::duration::parse(text)
}

/// `leaderd`'s entry point.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("LEADERD_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("leaderd: {}", printable(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Up {
            charm,
            app,
            units,
            state,
            lease_guarantee,
            config,
            config_file,
            hooks,
            controllers,
            etcd,
            log_level,
            host,
            ready_fd,
        } => {
            check_resources(charm.as_deref(), &hooks.resource)?;
            let mut agent_args = hooks.args();
            agent_args.extend(["--log-level".to_string(), log_level.as_str().to_string()]);
            let options = UpOptions {
                charm,
                app,
                units,
                state: state_dir(state),
                guarantee: lease_guarantee,
                config,
                config_file,
                agent_args,
                controllers,
                etcd,
                log_level,
                resources: hooks.resource.clone(),
                host,
                ready_fd,
            };
            tokio::runtime::Runtime::new()?.block_on(up(options))
        }
        Command::Config { state, format, reset, app, settings } => {
            let request = crate::local::config::request(&settings, &reset)?;
            print!("{}", crate::local::config::run(&state_dir(state), &app, request, &format)?);
            Ok(())
        }
        Command::Resolve { state, no_retry, unit } => crate::local::config::resolve(&state_dir(state), &unit, no_retry),
        Command::Run { state, format, wait, background, params, string_args, quiet, args } => {
            let run =
                crate::local::run::RunArgs { args, params_file: params, format, wait, background, string_args, quiet };
            let code = crate::local::run::run(&state_dir(state), run)?;
            std::process::exit(code)
        }
        Command::ShowTask { state, format, id } => crate::local::run::show_task(&state_dir(state), id, &format),
        Command::ShowOperation { state, format, wait, watch, utc: _, args } => {
            let show = crate::local::show_operation::ShowOperation { args, format, wait, watch };
            crate::local::show_operation::show_operation(&state_dir(state), show)
        }
        Command::Operations { state, format } => crate::local::run::operations(&state_dir(state), &format),
        Command::Exec { state, unit, format, wait, command } => {
            let code = if format == "plain" {
                crate::local::exec::exec(&state_dir(state), &unit, &command)?
            } else {
                // juju exec's command string (`cmd/juju/action/exec.go`): one argument as it is
                // ("echo hi; exit 3" is a script), several each quoted if it needs it.
                let words: Vec<String> = match command.as_slice() {
                    [one] => vec![one.to_string_lossy().into_owned()],
                    _ => command.iter().map(|w| shell_word(&w.to_string_lossy())).collect(),
                };
                crate::local::run::exec_formatted(&state_dir(state), &[unit], &words.join(" "), &format, wait)?
            };
            std::process::exit(code)
        }
        Command::Status { state, format } => {
            let report = crate::local::status::report(&state_dir(state))?;
            match format.as_str() {
                "json" => println!("{}", json_printable(&serde_json::to_string_pretty(&report)?)),
                "yaml" => print!("{}", json_printable(&serde_yaml_ng::to_string(&report)?)),
                _ => print!("{}", printable(&crate::local::status::table(&report))),
            }
            Ok(())
        }
        Command::Kill(args) => lever(leaderd_core::wire::up::Lever::Kill, args),
        Command::Pause(args) => lever(leaderd_core::wire::up::Lever::Pause, args),
        Command::Resume(args) => lever(leaderd_core::wire::up::Lever::Resume, args),
        Command::Restart(args) => lever(leaderd_core::wire::up::Lever::Restart, args),
        Command::Revoke { app, state } => crate::local::levers::revoke(&state_dir(state), &app),
        Command::Elect { unit, no_wait, state } => crate::local::levers::elect(&state_dir(state), &unit, no_wait),
        Command::AddUnit { app, count, state } => crate::local::levers::add_unit(&state_dir(state), &app, count),
        Command::Refresh { app, path, state } => crate::local::levers::refresh(&state_dir(state), &app, &path),
        Command::RemoveUnit { unit, wait, state } => crate::local::levers::remove_unit(&state_dir(state), &unit, wait),
        Command::DebugLog(args) => crate::local::debug_log::run(args),
        Command::Timeline(args) => crate::local::timeline::run(args),
        Command::ShowUnit { unit, state, format } => {
            print!("{}", json_printable(&crate::local::show_unit::show_unit(&state_dir(state), &unit, &format)?));
            Ok(())
        }
        Command::Payloads { patterns, state, format } => {
            print!("{}", crate::local::payloads::list(&state_dir(state), &patterns, &format)?);
            Ok(())
        }
        Command::Secrets { state, owner, format } => {
            let listed = crate::local::secrets::list(&state_dir(state), owner.as_deref(), &format)?;
            match format.as_str() {
                "json" | "yaml" => print!("{}", json_printable(&listed)),
                _ => print!("{}", printable(&listed)),
            }
            Ok(())
        }
        Command::ShowSecret { secret, reveal, revision, revisions, format, state } => {
            let show = crate::local::secrets::show_request(secret, reveal, revisions, revision)?;
            print!("{}", json_printable(&crate::local::secrets::show(&state_dir(state), show, &format)?));
            Ok(())
        }
        Command::AddSecret { name, content, info, file, state } => {
            print!("{}", crate::local::secrets::add(&state_dir(state), name, &content, info, file)?);
            Ok(())
        }
        Command::UpdateSecret { secret, content, info, file, name, state } => {
            crate::local::secrets::update(&state_dir(state), secret, &content, info, file, name)
        }
        Command::RemoveSecret { secret, revision, state } => {
            crate::local::secrets::remove(&state_dir(state), secret, revision)
        }
        Command::GrantSecret { secret, apps, state } => {
            crate::local::secrets::access(&state_dir(state), true, secret, apps)
        }
        Command::RevokeSecret { secret, apps, state } => {
            crate::local::secrets::access(&state_dir(state), false, secret, apps)
        }
        Command::Generate { out } => {
            for (path, bytes) in crate::generate::files(Cli::command()) {
                let path = out.join(path);
                std::fs::create_dir_all(path.parent().unwrap())?;
                std::fs::write(&path, bytes)?;
            }
            println!("wrote completions/ and man/ in {}", out.display());
            Ok(())
        }
        Command::Completions { shell } => {
            let shell: clap_complete::Shell = shell.parse().map_err(anyhow::Error::msg)?;
            // A closed pipe (`leaderd completions bash | head`) ends the output quietly.
            let script = crate::generate::completions_for(shell, Cli::command());
            match std::io::Write::write_all(&mut std::io::stdout(), script.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                written => Ok(written?),
            }
        }
        Command::Agent {
            unit,
            controller,
            controller_ca,
            insecure_http,
            charm,
            state,
            token,
            lease_guarantee,
            jujuc,
            event_log,
            log_level,
            timeouts,
            hooks,
        } => {
            leaderd_agent::print_level(log_level);
            if let Some(path) = &event_log {
                leaderd_sys::events::init(path)?;
            }
            let jujuc = match jujuc {
                Some(path) => path,
                None => std::env::current_exe()?.with_file_name("jujuc"),
            };
            let trust = match (controller_ca, insecure_http) {
                (Some(ca), _) => Trust::Ca(ca),
                (None, true) => Trust::InsecureHttp,
                (None, false) if controller.iter().any(|c| c.starts_with("http://")) => {
                    return Err(leaderd_net::tls::ClientError::PlainHttpRefused(controller.join(",")).into());
                }
                (None, false) => anyhow::bail!(
                    "give --controller-ca FILE: the CA certificate the controller's certificate chains to \
                     (ca.pem in the controller's TLS directory)"
                ),
            };
            let options = AgentOptions {
                unit,
                controller: controller.join(","),
                token,
                charm_dir: charm,
                state_dir: state,
                guarantee: lease_guarantee,
                jujuc,
                trust,
                header_timeout: timeouts.header_timeout,
                idle_timeout: timeouts.idle_timeout,
                update_status_interval: hooks.update_status_interval,
                hook_retry: hooks.retry(),
                resources: hooks.resource.clone(),
            };
            tokio::runtime::Runtime::new()?.block_on(leaderd_agent::run(options))
        }
        Command::Controller {
            listen,
            listen_fd,
            store,
            secret_file,
            min_lease,
            max_lease,
            tls_dir,
            tls_names,
            tls_cert,
            tls_key,
            insecure_http,
            token_ttl,
            max_connections,
            timeouts,
            etcd,
        } => {
            anyhow::ensure!(min_lease <= max_lease, "--min-lease must not be longer than --max-lease");
            // Everything the controller writes (its database, secret, keys) is its owner's alone.
            leaderd_sys::private::set_umask(0o077);
            let transport = match (insecure_http, tls_cert, tls_key) {
                (true, _, _) => Transport::InsecureHttp,
                (false, Some(cert), Some(key)) => Transport::Tls { cert, key },
                _ => {
                    let dir = TlsDir::new(tls_dir);
                    let ip = listen.ip();
                    let mut extra = tls_names;
                    if listen_fd.is_none() && !ip.is_unspecified() && !ip.is_loopback() {
                        extra.push(ip.to_string());
                    }
                    if dir.ensure(&extra)? {
                        eprintln!(
                            "leaderd: created a CA and the controller's certificate in {}; agents verify the \
                             controller with --controller-ca {}",
                            dir.dir.display(),
                            dir.ca_cert().display()
                        );
                    }
                    Transport::Tls { cert: dir.cert(), key: dir.key() }
                }
            };
            let fds = leaderd_sys::process::raise_fd_limit();
            let limits = Limits {
                header_timeout: timeouts.header_timeout,
                idle_timeout: timeouts.idle_timeout,
                ..Limits::new(max_connections, leaderd_core::wire::controller::MAX_BODY_BYTES).fit(fds, 1)
            };
            let options = ServeOptions {
                listen: match listen_fd {
                    Some(fd) => Listen::Fd(fd),
                    None => Listen::Address(listen),
                },
                store,
                secret_file,
                config: Config { min_lease, max_lease },
                transport,
                limits,
                token_ttl,
                etcd: etcd.options(),
            };
            tokio::runtime::Runtime::new()?.block_on(controller::serve(options))
        }
        Command::Token { unit, operator, secret_file, ttl } => {
            let secret = Secret::load(&secret_file)?;
            let principal = match unit {
                Some(unit) if !operator => {
                    leaderd_core::names::unit_application(&unit)?;
                    unit
                }
                _ => leaderd_net::auth::OPERATOR.to_string(),
            };
            println!("{}", secret.token(&principal, ttl));
            Ok(())
        }
    }
}

fn lever(lever: leaderd_core::wire::up::Lever, args: LeverArgs) -> anyhow::Result<()> {
    crate::local::levers::lever(&state_dir(args.state), lever, args.unit)
}

/// The clap definition of `leaderd`, for completions and man pages.
pub fn command() -> clap::Command {
    Cli::command()
}

/// `leaderd controller` on an etcd store (docs/etcd.md).
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct EtcdArgs {
    /// The CA certificate (PEM) etcd's certificate must chain to.
    #[arg(long, value_name = "FILE")]
    etcd_cacert: Option<PathBuf>,
    /// This controller's client certificate (PEM), for an etcd that requires one.
    #[arg(long, requires = "etcd_key", value_name = "FILE")]
    etcd_cert: Option<PathBuf>,
    /// The private key (PEM) of --etcd-cert.
    #[arg(long, requires = "etcd_cert", value_name = "FILE")]
    etcd_key: Option<PathBuf>,
    /// The etcd session TTL: how long after the active controller's last keepalive a standby
    /// takes over (whole seconds).
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DURATION")]
    etcd_session_ttl: Duration,
    /// The URL agents reach this controller at, which standbys name when it is active
    /// (default: https://LISTEN-ADDRESS).
    #[arg(long, value_name = "URL")]
    advertise_url: Option<String>,
}

impl EtcdArgs {
    fn options(self) -> controller::EtcdOptions {
        controller::EtcdOptions {
            tls: leaderd_controller::store::etcd_keys::EtcdTls {
                cacert: self.etcd_cacert,
                cert: self.etcd_cert,
                key: self.etcd_key,
            },
            session_ttl: self.etcd_session_ttl.max(Duration::from_secs(1)),
            advertise: self.advertise_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    /// clap's `suggestions`: a mistyped subcommand or flag names the one meant.
    #[test]
    fn a_mistyped_subcommand_or_flag_gets_a_suggestion() {
        let err = super::Cli::try_parse_from(["leaderd", "stauts"]).err().unwrap().to_string();
        assert!(err.contains("similar subcommands exist: ") && err.contains("'status'"), "{err}");
        let err = super::Cli::try_parse_from(["leaderd", "exec", "--unti", "app/0", "--", "true"]).err().unwrap();
        assert!(err.to_string().contains("a similar argument exists: '--unit'"), "{err}");
    }

    /// juju/utils `CommandString` (its test cases): quoted only when it has to be.
    #[test]
    fn command_words_are_quoted_as_juju_exec_joins_them() {
        assert_eq!(super::shell_word("hostname"), "hostname");
        assert_eq!(super::shell_word("la lia"), "\"la lia\"");
        assert_eq!(super::shell_word("$HOME"), "\"\\$HOME\"");
        assert_eq!(super::shell_word("a\"b"), "\"a\\\"b\"");
    }
}
