//! `leaderd`: the controller (and, next, the unit agent and the local cluster). Each
//! subcommand is a thin layer over the library.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use leaderd::controller::{self, auth::Secret, Config, ServeOptions};

#[derive(Parser)]
#[command(
    name = "leaderd",
    version,
    about = "Juju-style application leadership for charm hooks"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    leaderd::duration::parse(text)
}

fn main() -> ExitCode {
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
        Command::Controller {
            listen,
            store,
            secret_file,
            min_lease,
            max_lease,
        } => {
            anyhow::ensure!(
                min_lease <= max_lease,
                "--min-lease must not be longer than --max-lease"
            );
            let options = ServeOptions {
                listen,
                store,
                secret_file,
                config: Config {
                    min_lease,
                    max_lease,
                },
            };
            tokio::runtime::Runtime::new()?.block_on(controller::serve(options))
        }
        Command::Token {
            unit,
            operator,
            secret_file,
        } => {
            let secret = Secret::load(&secret_file)?;
            let principal = match unit {
                Some(unit) if !operator => {
                    leaderd::names::unit_application(&unit).map_err(anyhow::Error::msg)?;
                    unit
                }
                _ => controller::auth::OPERATOR.to_string(),
            };
            println!("{}", secret.token(&principal));
            Ok(())
        }
    }
}
