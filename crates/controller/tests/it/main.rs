//! The controller crate's integration tests, one binary: the controller's rules and its
//! relation data, in-process (no `leaderd` binary, no sockets), with a module per area and the
//! helpers they share here.

mod model;
mod relations;
mod rules;
mod secrets;
mod tasks;

use std::time::Duration;

use leaderd_controller::{ClaimOutcome, Config};
use leaderd_core::model::{Application, Settings, Term, Unit};

/// The lease the tests claim, well inside [`config`]'s bounds.
const LEASE: Duration = Duration::from_secs(60);

fn config() -> Config {
    Config { min_lease: Duration::from_secs(5), max_lease: Duration::from_secs(300) }
}

fn app(name: &str) -> Application {
    Application::new(name).unwrap()
}

fn unit(name: &str) -> Unit {
    Unit::new(name).unwrap()
}

fn kv(pairs: &[(&str, &str)]) -> Settings {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// The term of a granted claim (a denial fails the test).
fn term(outcome: ClaimOutcome) -> Term {
    match outcome {
        ClaimOutcome::Granted { term, .. } => term,
        ClaimOutcome::Denied => panic!("claim denied"),
    }
}
