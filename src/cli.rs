//! `leaderd`'s command line: the local cluster (`up`, `exec`, `status`), the unit agent, the
//! controller, tokens and the generated completions and man pages. Each subcommand is a thin
//! layer over the library. It lives in the library so that `generate` and its staleness test
//! see the same definition the binary parses.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::agent::AgentOptions;
use crate::controller::{self, auth::Secret, Config, ServeOptions};
use crate::local::state_dir;
use crate::local::up::{up, UpOptions};
use clap::{CommandFactory, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "leaderd", version, about = "Juju-style application leadership for charm hooks")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run an application locally: a controller and N unit agents for one charm, until Ctrl-C.
    Up {
        /// The charm directory (default: the bundled example charm, shared-secret).
        #[arg(long)]
        charm: Option<PathBuf>,
        /// The application name (default: the charm's metadata.yaml name).
        #[arg(long)]
        app: Option<String>,
        /// How many units.
        #[arg(long, default_value_t = 3)]
        units: u32,
        /// State directory (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long)]
        state: Option<PathBuf>,
        /// The leadership guarantee; leases are claimed for twice this.
        #[arg(long, default_value = "30s", value_parser = parse_duration)]
        lease_guarantee: Duration,
    },
    /// Run a command in a fresh hook context of a unit of a running `up` (APP/leader: the leader).
    Exec {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long)]
        state: Option<PathBuf>,
        /// The unit, like app/0, or app/leader.
        #[arg(long)]
        unit: String,
        /// The command and its arguments, after --.
        #[arg(last = true, required = true)]
        command: Vec<std::ffi::OsString>,
    },
    /// Show the applications and units of a running `up`.
    Status {
        /// State directory of the `up` (default: $LEADERD_STATE, else .leaderd here).
        #[arg(long)]
        state: Option<PathBuf>,
        #[arg(long, default_value = "table", value_parser = ["table", "json", "yaml"])]
        format: String,
    },
    /// Write the shell completions (completions/) and man pages (man/) into DIR.
    Generate {
        /// The repository root (or wherever completions/ and man/ should go).
        #[arg(long, default_value = ".")]
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
        #[arg(long)]
        unit: String,
        /// The controller's URL, like http://127.0.0.1:7480.
        #[arg(long)]
        controller: String,
        /// The charm directory the hooks come from (the unit's own copy).
        #[arg(long)]
        charm: PathBuf,
        /// The agent's state directory (created 0700): sockets, tools, uniter state.
        #[arg(long)]
        state: PathBuf,
        /// The unit's token (see `leaderd token`).
        #[arg(long, env = "LEADERD_TOKEN", hide_env_values = true)]
        token: String,
        /// The leadership guarantee; the lease is claimed for twice this.
        #[arg(long, default_value = "30s", value_parser = parse_duration)]
        lease_guarantee: Duration,
        /// The jujuc binary the hook tools link to (default: next to leaderd).
        #[arg(long)]
        jujuc: Option<PathBuf>,
    },
    /// Run a controller: leases with fencing terms, the leader-settings buckets, watches.
    Controller {
        /// Address to listen on (loopback only by default).
        #[arg(long, default_value = "127.0.0.1:7480")]
        listen: SocketAddr,
        /// Where state lives: sqlite:PATH (durable) or memory (lost on exit).
        #[arg(long, default_value = "sqlite:leaderd.db")]
        store: String,
        /// The secret that unit and operator tokens are derived from; created (0600) if missing.
        #[arg(long, default_value = "leaderd.secret")]
        secret_file: PathBuf,
        /// Shortest lease a unit may claim.
        #[arg(long, default_value = "5s", value_parser = parse_duration)]
        min_lease: Duration,
        /// Longest lease a unit may claim; after a restart, persisted leaders are honoured this long.
        #[arg(long, default_value = "5m", value_parser = parse_duration)]
        max_lease: Duration,
    },
    /// Print the token a unit (or, with --operator, the operator) presents to the controller.
    Token {
        /// The unit, like app/0.
        #[arg(required_unless_present = "operator", conflicts_with = "operator")]
        unit: Option<String>,
        /// The operator's token (status, revoke).
        #[arg(long)]
        operator: bool,
        /// The controller's secret file.
        #[arg(long, default_value = "leaderd.secret")]
        secret_file: PathBuf,
    },
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    crate::duration::parse(text)
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
            eprintln!("leaderd: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Up { charm, app, units, state, lease_guarantee } => {
            let options = UpOptions { charm, app, units, state: state_dir(state), guarantee: lease_guarantee };
            tokio::runtime::Runtime::new()?.block_on(up(options))
        }
        Command::Exec { state, unit, command } => {
            let code = crate::local::exec::exec(&state_dir(state), &unit, &command)?;
            std::process::exit(code)
        }
        Command::Status { state, format } => {
            let report = crate::local::status::report(&state_dir(state))?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&report)?),
                "yaml" => print!("{}", serde_yaml_ng::to_string(&report)?),
                _ => print!("{}", crate::local::status::table(&report)),
            }
            Ok(())
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
            print!("{}", crate::generate::completions_for(shell, Cli::command()));
            Ok(())
        }
        Command::Agent { unit, controller, charm, state, token, lease_guarantee, jujuc } => {
            let jujuc = match jujuc {
                Some(path) => path,
                None => std::env::current_exe()?.with_file_name("jujuc"),
            };
            let options = AgentOptions {
                unit,
                controller,
                token,
                charm_dir: charm,
                state_dir: state,
                guarantee: lease_guarantee,
                jujuc,
            };
            tokio::runtime::Runtime::new()?.block_on(crate::agent::run(options))
        }
        Command::Controller { listen, store, secret_file, min_lease, max_lease } => {
            anyhow::ensure!(min_lease <= max_lease, "--min-lease must not be longer than --max-lease");
            let options = ServeOptions { listen, store, secret_file, config: Config { min_lease, max_lease } };
            tokio::runtime::Runtime::new()?.block_on(controller::serve(options))
        }
        Command::Token { unit, operator, secret_file } => {
            let secret = Secret::load(&secret_file)?;
            let principal = match unit {
                Some(unit) if !operator => {
                    crate::names::unit_application(&unit).map_err(anyhow::Error::msg)?;
                    unit
                }
                _ => controller::auth::OPERATOR.to_string(),
            };
            println!("{}", secret.token(&principal));
            Ok(())
        }
    }
}

/// The clap definition of `leaderd`, for completions and man pages.
pub fn command() -> clap::Command {
    Cli::command()
}
