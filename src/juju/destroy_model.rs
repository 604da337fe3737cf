//! `juju destroy-model [--no-prompt] [--destroy-storage|--release-storage] [--force [--timeout
//! D]] [--no-wait] MODEL` (juju/juju 3.6.0 `cmd/juju/model/destroy.go`): asks the model's `up`
//! to stop (every unit runs its stop and remove hooks, then the controller stops), blocks until
//! that `up` has exited (waiting on its lock, not polling), stops anything of the model still
//! running, removes the model's directory and forgets it as the current model.

use std::io::BufRead as _;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};
use leaderd_core::wire::up::{StopRequest, STOP_PATH};
use leaderd_sys::process::{self, Signal};

use super::model::{self, Model};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const DESTROY_MODEL: JujuCommand =
    JujuCommand { name: "destroy-model", command, init: |m| Ok(Box::new(DestroyModel::init(m)?)) };

/// How long after its stop bound the model's `up` may take to exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(20);
/// `up`'s own bound on a graceful stop (and its forced one), which the wait here follows.
const GRACEFUL_BOUND: Duration = Duration::from_secs(300);
const FORCED_BOUND: Duration = Duration::from_secs(30);

fn command() -> Command {
    let duration =
        |name: &'static str| Arg::new(name).long(name).action(ArgAction::Set).value_name("DURATION").hide(name == "t");
    cmd::tool_command("juju destroy-model", "[<controller name>:]<model name>")
        .about("Terminate all machines/containers and resources for a non-controller model.")
        .long_about(
            "\nDestroys the specified model. This will result in the non-recoverable\n\
             removal of all the units operating in the model and any resources stored\n\
             there. Due to the irreversible nature of the command, it will prompt for\n\
             confirmation (unless overridden with the '--no-prompt' option) before taking any\n\
             action.\n\n\
             On leaderd each unit runs its stop and remove hooks, then the model's controller\n\
             stops and its directory is removed; the command returns once nothing of the model\n\
             runs. With --force, what has not stopped within --timeout (default 30s) is killed.\n",
        )
        .after_long_help(
            "\n    juju destroy-model --no-prompt mymodel\n    juju destroy-model --no-prompt mymodel --destroy-storage\n    juju destroy-model --no-prompt mymodel --release-storage\n    juju destroy-model --no-prompt mymodel --force\n    juju destroy-model --no-prompt mymodel --force --no-wait\n",
        )
        .arg(cmd::bool_flag("destroy-storage", "Destroy all storage instances in the model"))
        .arg(cmd::bool_flag("force", "Force destroy model ignoring any errors"))
        .arg(cmd::bool_flag("no-prompt", "Do not ask for confirmation"))
        .arg(cmd::bool_flag("no-wait", "Rush through model destruction without waiting for each individual step to complete"))
        .arg(cmd::bool_flag(
            "release-storage",
            "Release all storage instances from the model, and management of the controller, without destroying them",
        ))
        .arg(duration("t").short('t'))
        .arg(duration("timeout").help("Timeout for each step of force model destruction"))
        .arg(cmd::bool_flag("y", "").short('y').long(None).hide(true))
        .arg(cmd::bool_flag("yes", "").hide(true))
}

struct DestroyModel {
    model: String,
    no_prompt: bool,
    force: bool,
    no_wait: bool,
    timeout: Option<Duration>,
}

impl DestroyModel {
    fn init(m: &ArgMatches) -> Result<DestroyModel, UsageError> {
        if m.get_flag("destroy-storage") && m.get_flag("release-storage") {
            return Err(UsageError("--destroy-storage and --release-storage cannot both be specified".into()));
        }
        let mut timeout = None;
        for name in ["t", "timeout"] {
            if let Some(text) = m.get_one::<String>(name) {
                let spelled = if name == "t" { "-t" } else { "--timeout" };
                let parsed = go_duration(text).map_err(|e| {
                    UsageError(format!(
                        "invalid value {} for option {spelled}: {e}",
                        leaderd_core::format::go_quote(text)
                    ))
                })?;
                if parsed.is_none() {
                    return Err(UsageError("--timeout must be zero or greater".into()));
                }
                timeout = parsed;
            }
        }
        let force = m.get_flag("force");
        if !force && timeout.is_some() {
            return Err(UsageError("--timeout can only be used with --force (dangerous)".into()));
        }
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let model = match args.as_slice() {
            [] => return Err(UsageError("no model specified".into())),
            [model] => model.clone(),
            [_, rest @ ..] => {
                let rest: Vec<std::ffi::OsString> = rest.iter().map(Into::into).collect();
                return Err(cmd::unrecognized(&rest));
            }
        };
        Ok(DestroyModel {
            model,
            no_prompt: m.get_flag("no-prompt") || m.get_flag("y") || m.get_flag("yes"),
            force,
            no_wait: m.get_flag("no-wait"),
            timeout,
        })
    }
}

impl Run for DestroyModel {
    fn run(&self) -> Result<Outcome, RunError> {
        if self.no_wait && !self.force {
            return Err(RunError("--no-wait without --force not valid".into()));
        }
        let model = Model::existing(&model::short_name(&self.model)?)?;
        let name = model.name.clone();
        // Only a model is ever deleted: a directory of its own (not a link) directly under
        // `<root>/models`, holding the `model.json` add-model wrote. Anything else there is
        // not a model of this controller.
        let is_model = model.dir.parent() == Some(model::root().join("models").as_path())
            && std::fs::symlink_metadata(&model.dir).is_ok_and(|m| m.is_dir())
            && model::ModelRecord::path(&model.dir).is_file();
        if !is_model {
            return Err(model::not_found(&name));
        }
        if !self.no_prompt {
            confirm(&name)?;
        }
        let mut stderr = String::from("Destroying model");
        let bound = match (self.force, self.timeout) {
            (true, Some(timeout)) => timeout,
            (true, None) => FORCED_BOUND,
            (false, _) => GRACEFUL_BOUND,
        };
        let request = StopRequest { force: self.force, timeout_ms: self.timeout.map(|t| t.as_millis() as u64) };
        // A model whose `up` has stopped (or died) has nothing to ask: what it left is stopped
        // below all the same.
        let applications = crate::local::UpState::load(&model.dir).map_or(0, |up| up.applications.len());
        let asked = super::host::call(&model, STOP_PATH, &request);
        // formatDestroyModelInfo: what is left when it first looks (leaderd's models have no
        // machines, volumes or filesystems of Juju's kind).
        stderr.push_str("\nWaiting for model to be removed");
        if applications > 0 {
            stderr.push_str(&format!(", {applications} application(s)"));
        }
        stderr.push_str("...");
        if asked.is_ok() {
            wait_for_exit(&model, bound + EXIT_GRACE);
        }
        stop_leftovers(&model);
        std::fs::remove_dir_all(&model.dir).map_err(|e| RunError(format!("removing {}: {e}", model.dir.display())))?;
        if model::current().as_deref() == Some(name.as_str()) {
            model::set_current(None).map_err(|e| RunError(format!("{e:#}")))?;
        }
        stderr.push_str("\nModel destroyed.\n");
        Ok(Outcome { stdout: Vec::new(), stderr: stderr.into_bytes(), code: 0 })
    }
}

/// juju/juju `cmd/helpers.go`, `UserConfirmName`: the model's name on stdin, or "aborted".
fn confirm(name: &str) -> Result<(), RunError> {
    eprint!(
        "WARNING This command will destroy the {} model and affect the following resources. It cannot be stopped.\n\nTo continue, enter the name of the model to be destroyed: ",
        leaderd_core::format::go_quote(name)
    );
    let mut answer = String::new();
    let _ = std::io::stdin().lock().read_line(&mut answer);
    if answer.trim_end_matches(['\n', '\r']).to_lowercase() != name {
        return Err(RunError("model destruction: aborted".into()));
    }
    Ok(())
}

/// Blocks until the model's `up` has exited (its lock is free), at most `within`; then kills
/// it (SIGKILL: its children get SIGTERM from the kernel as their parent dies) and waits again.
fn wait_for_exit(model: &Model, within: Duration) {
    let lock = model.dir.join("up.lock");
    let (tx, rx) = std::sync::mpsc::channel();
    let waiting = lock.clone();
    std::thread::spawn(move || {
        let _ = tx.send(leaderd_sys::lockfile::wait_released(&waiting));
    });
    if rx.recv_timeout(within).is_ok() {
        return;
    }
    if let Ok(up) = crate::local::UpState::load(&model.dir) {
        process::signal(up.pid, Signal::KILL);
    }
    let _ = rx.recv_timeout(EXIT_GRACE);
}

/// Stops a model's `up` (forced, as `destroy-model --force`) and whatever of it is left, for a
/// command that started one and then failed.
pub(crate) fn stop_model(model: &Model) {
    let request = StopRequest { force: true, timeout_ms: Some(FORCED_BOUND.as_millis() as u64) };
    if super::host::call(model, STOP_PATH, &request).is_ok() {
        wait_for_exit(model, FORCED_BOUND + EXIT_GRACE);
    }
    stop_leftovers(model);
}

/// Kills whatever of the model still runs once its `up` is gone: the agents and controllers
/// `up.json` names (checked by their command line), and every process carrying the hook
/// environment of one of its units.
fn stop_leftovers(model: &Model) {
    let dir = model.dir.display().to_string();
    let mut pids = process::with_hook_environment_under(&model.dir.join("units"));
    if let Ok(bytes) = std::fs::read(crate::local::UpState::path(&model.dir)) {
        if let Ok(up) = serde_json::from_slice::<crate::local::UpState>(&bytes) {
            pids.extend(up.units.iter().filter_map(|u| u.pid));
            pids.extend(up.controllers.iter().map(|c| c.pid));
            pids.push(up.controller.pid);
            pids.push(up.pid);
        }
    }
    for pid in pids {
        let ours = pid == 0
            || process::cmdline(pid).is_some_and(|args| args.iter().any(|a| crate::local::up::arg_names_dir(a, &dir)))
            || std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| {
                let needle = format!("JUJU_AGENT_SOCKET_ADDRESS={dir}/").into_bytes();
                env.split(|b| *b == 0).any(|var| var.starts_with(&needle))
            });
        if pid != 0 && ours {
            process::signal(pid, Signal::KILL);
        }
    }
}

/// Go's `time.ParseDuration` (gnuflag's `DurationVar`): `1h2m3.5s`, `300ms`, `0`; None for a
/// negative one; the error in Go's words.
fn go_duration(text: &str) -> Result<Option<Duration>, String> {
    let quoted = leaderd_core::format::go_quote(text);
    let invalid = || format!("time: invalid duration {quoted}");
    let (negative, mut rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    if rest == "0" {
        return Ok(Some(Duration::ZERO));
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        let nanos = match unit {
            "" => return Err(format!("time: missing unit in duration {quoted}")),
            "ns" => 1.0,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            other => {
                return Err(format!(
                    "time: unknown unit {} in duration {quoted}",
                    leaderd_core::format::go_quote(other)
                ))
            }
        };
        total += value * nanos;
        rest = &rest[unit_len..];
    }
    if negative && total > 0.0 {
        return Ok(None);
    }
    Ok(Some(Duration::from_nanos(total as u64)))
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{juju, with_root};

    #[test]
    fn destroy_model_checks_its_options_in_jujus_words() {
        let cases: &[(&[&str], &str)] = &[
            (&["destroy-model"], "ERROR no model specified\n"),
            (
                &["destroy-model", "m", "--destroy-storage", "--release-storage"],
                "ERROR --destroy-storage and --release-storage cannot both be specified\n",
            ),
            (&["destroy-model", "m", "--timeout", "5s"], "ERROR --timeout can only be used with --force (dangerous)\n"),
            (&["destroy-model", "m", "n"], "ERROR unrecognized args: [\"n\"]\n"),
            (
                &["destroy-model", "m", "--force", "--timeout", "x"],
                "ERROR invalid value \"x\" for option --timeout: time: invalid duration \"x\"\n",
            ),
        ];
        for (args, want) in cases {
            let f = juju(args);
            assert_eq!((f.stderr.as_str(), f.code), (*want, 2), "{args:?}");
        }
    }

    #[test]
    fn durations_read_as_go_reads_them() {
        use std::time::Duration;
        assert_eq!(super::go_duration("0"), Ok(Some(Duration::ZERO)));
        assert_eq!(super::go_duration("1m30s"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(super::go_duration("0.001s"), Ok(Some(Duration::from_millis(1))));
        assert_eq!(super::go_duration("-1s"), Ok(None));
        assert_eq!(super::go_duration("5"), Err("time: missing unit in duration \"5\"".into()));
        assert_eq!(super::go_duration("5x"), Err("time: unknown unit \"x\" in duration \"5x\"".into()));
        assert_eq!(super::go_duration(""), Err("time: invalid duration \"\"".into()));
    }

    #[test]
    fn destroy_model_of_a_model_that_is_not_there() {
        with_root(|_| {
            let f = juju(&["destroy-model", "--no-prompt", "nope"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR model leaderd:admin/nope not found\n", 1));
            let f = juju(&["destroy-model", "--no-prompt", "other:nope"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR controller other not found\n", 1));
            let f = juju(&["destroy-model", "--no-prompt", "--no-wait", "nope"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR --no-wait without --force not valid\n", 1));
        });
    }
}
