//! `juju add-model NAME [CLOUD[/REGION]] [--no-switch] [--config K=V|FILE]...` (juju/juju 3.6.0
//! `cmd/juju/controller/addmodel.go`): a model is a background `leaderd up --host` over
//! `<root>/models/<name>/`, with no application until `juju deploy` adds one. The command
//! returns once that `up` answers on its socket (it says so on a pipe: no polling), and prints
//! Juju's line on stderr.

use std::io::Read as _;
use std::os::fd::AsRawFd as _;
use std::time::Duration;

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::model::{self, Model, ModelRecord, CONTROLLER, USER};
use super::{JujuCommand, Outcome, Run, RunError};

pub(crate) const ADD_MODEL: JujuCommand =
    JujuCommand { name: "add-model", command, init: |m| Ok(Box::new(AddModel::init(m)?)) };

/// How long a new model's `up` may take to answer on its socket.
const READY_WITHIN: Duration = Duration::from_secs(60);

fn command() -> Command {
    cmd::tool_command("juju add-model", "<model name> [cloud|region|(cloud/region)]")
        .about("Adds a workload model.")
        .long_about(
            "\nAdding a model is typically done in order to run a specific workload.\n\n\
             leaderd's controller runs each model on this machine: a background leaderd up over\n\
             <root>/models/<model name>/ (the root is $LEADERD_HOME, else\n\
             $XDG_DATA_HOME/leaderd, else ~/.local/share/leaderd), with no application until\n\
             \"juju deploy\" adds one. Model names may only contain lowercase letters, digits and\n\
             hyphens, and may not start with a hyphen. The new model becomes the current one\n\
             unless --no-switch is given.\n",
        )
        .after_long_help("\n    juju add-model mymodel\n    juju add-model mymodel --no-switch --config logging-config=\"<root>=DEBUG\"\n")
        .arg(
            Arg::new("config")
                .long("config")
                .action(ArgAction::Append)
                .value_name("VALUE")
                .default_value("")
                .help("Path to YAML model configuration file or individual options (--config config.yaml [--config key=value ...])"),
        )
        .arg(Arg::new("controller").short('c').long("controller").action(ArgAction::Set).value_name("VALUE").help("Controller to operate in"))
        .arg(Arg::new("credential").long("credential").action(ArgAction::Set).value_name("VALUE").help("Credential used to add the model"))
        .arg(cmd::bool_flag("no-switch", "Do not switch to the newly created model"))
        .arg(Arg::new("owner").long("owner").action(ArgAction::Set).value_name("VALUE").help("The owner of the new model if not the current user"))
}

struct AddModel {
    name: String,
    no_switch: bool,
    config: Vec<String>,
    controller: Option<String>,
}

impl AddModel {
    fn init(m: &ArgMatches) -> Result<AddModel, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let Some((name, rest)) = args.split_first() else {
            // juju/juju `cmd/juju/common/errors.go`, `MissingModelNameError`.
            return Err(UsageError(
                "juju: no model name was passed. See \"juju add-model --help\".\n\nDid you mean:\n\tjuju add-model <model name>"
                    .into(),
            ));
        };
        if !model::valid_name(name) {
            return Err(UsageError(format!(
                "{} is not a valid name: model names may only contain lowercase letters, digits and hyphens",
                leaderd_core::format::go_quote(name)
            )));
        }
        if let Some(owner) = m.get_one::<String>("owner").filter(|o| o.as_str() != USER) {
            return Err(UsageError(format!("{} is not a valid user", leaderd_core::format::go_quote(owner))));
        }
        // The cloud/region argument: leaderd has one cloud, `localhost`, with one region.
        let rest: Vec<std::ffi::OsString> = rest.iter().skip(1).map(Into::into).collect();
        if !rest.is_empty() {
            return Err(cmd::unrecognized(&rest));
        }
        Ok(AddModel {
            name: name.clone(),
            no_switch: m.get_flag("no-switch"),
            config: m
                .get_many::<String>("config")
                .map(|v| v.filter(|c| !c.is_empty()).cloned().collect())
                .unwrap_or_default(),
            controller: m.get_one::<String>("controller").cloned(),
        })
    }
}

impl Run for AddModel {
    fn run(&self) -> Result<Outcome, RunError> {
        if let Some(controller) = self.controller.as_deref().filter(|c| *c != CONTROLLER) {
            return Err(RunError(format!("controller {controller} not found")));
        }
        let config = config_values(&self.config).map_err(|e| RunError(format!("{e:#}")))?;
        // Checked before anything is made, as model-config checks them.
        super::model_config::check(&config).map_err(|e| RunError(format!("failed to create new model: {e}")))?;
        if config.len() > leaderd_core::model_config::MAX_CHANGE_KEYS {
            return Err(RunError(format!(
                "failed to create new model: {}",
                leaderd_core::model_config::too_many_keys()
            )));
        }
        let model = Model::named(&self.name);
        let failed = |e: anyhow::Error| RunError(format!("failed to create new model: {e:#}"));
        leaderd_sys::private::create_state_dir(&model::root().join("models")).map_err(failed)?;
        // The directory is the model: making it is what claims the name.
        match std::fs::DirBuilder::new().mode_private().create(&model.dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                // juju/juju `state/model.go` (through the model manager's "failed to create new model").
                return Err(RunError(format!(
                    "failed to create new model: model {} for {USER} already exists",
                    leaderd_core::format::go_quote(&self.name)
                )));
            }
            Err(e) => return Err(failed(anyhow::anyhow!("creating {}: {e}", model.dir.display()))),
        }
        let mut started = false;
        let made = (|| -> anyhow::Result<()> {
            let record =
                ModelRecord { name: self.name.clone(), uuid: model::new_uuid()?, created_ms: now_ms(), config };
            record.save(&model.dir)?;
            start(&model)?;
            started = true;
            // `--config` values are the new model's config (VIEW's `model-config`).
            super::model_config::set_at_creation(&model, &record.config)
        })();
        if let Err(e) = made {
            // A model that failed to be made leaves nothing running: the `up` it started
            // (and what that started) is stopped before its directory goes.
            if started {
                super::destroy_model::stop_model(&model);
            }
            let _ = std::fs::remove_dir_all(&model.dir);
            return Err(failed(e));
        }
        if !self.no_switch {
            model::set_current(Some(&self.name)).map_err(|e| RunError(format!("{e:#}")))?;
        }
        // `ctx.Infof`: the cloud/region part because leaderd's cloud names its region; no
        // credential part (leaderd's models have none).
        let line = format!("Added '{}' model on localhost/localhost for user '{USER}'\n", self.name);
        Ok(Outcome { stdout: Vec::new(), stderr: line.into_bytes(), code: 0 })
    }
}

/// `--config` values: `KEY=VALUE`, or a YAML file of them (juju/juju `cmd/juju/common`
/// `ConfigFlag`: the files first, in order, then the pairs over them).
fn config_values(given: &[String]) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let mut values = std::collections::BTreeMap::new();
    let (pairs, files): (Vec<&String>, Vec<&String>) = given.iter().partition(|v| v.contains('='));
    for file in files {
        let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("reading {file}: {e}"))?;
        let map: std::collections::BTreeMap<String, serde_yaml_ng::Value> = serde_yaml_ng::from_str(&text)?;
        for (key, value) in map {
            let text = match value {
                serde_yaml_ng::Value::String(s) => s,
                other => serde_yaml_ng::to_string(&other)?.trim_end().to_string(),
            };
            values.insert(key, text);
        }
    }
    for pair in pairs {
        let (key, value) = pair.split_once('=').expect("partitioned on '='");
        values.insert(key.to_string(), value.to_string());
    }
    Ok(values)
}

fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// `DirBuilder` with mode 0700 (a model's state is its owner's alone).
trait PrivateMode {
    fn mode_private(&mut self) -> &mut Self;
}

impl PrivateMode for std::fs::DirBuilder {
    fn mode_private(&mut self) -> &mut Self {
        std::os::unix::fs::DirBuilderExt::mode(self, 0o700)
    }
}

/// The environment a model's `up` (and so its agents and hooks) runs with, of the caller's
/// `vars`: `PATH` (the hooks find the charm's `python3` on it, docs/jubilant.md), `HOME`, the
/// locale (`LANG`, `LANGUAGE`, `LC_*`), `TZ`, `TMPDIR`, and leaderd's own settings
/// (`LEADERD_*`, but `LEADERD_HOME`: the model's state directory is given as `--state`).
pub(crate) fn host_environment(
    vars: impl IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
    const KEPT: [&str; 6] = ["PATH", "HOME", "LANG", "LANGUAGE", "TZ", "TMPDIR"];
    vars.into_iter()
        .filter(|(k, _)| {
            let Some(k) = k.to_str() else { return false };
            KEPT.contains(&k) || k.starts_with("LC_") || (k.starts_with("LEADERD_") && k != "LEADERD_HOME")
        })
        .collect()
}

/// Starts the model's `up` detached (a session of its own, its output in `<model>/up.log`, no
/// descriptor of ours but the readiness pipe) and waits for it to say it is ready, or to exit.
fn start(model: &Model) -> anyhow::Result<()> {
    let leaderd = std::env::current_exe().map_err(|e| anyhow::anyhow!("finding the leaderd binary: {e}"))?;
    let log = leaderd_sys::private::append(&model.dir.join(super::host::LOG))?;
    // A socket pair, not a pipe (std's pipe is newer than the crate's minimum Rust): the
    // same end-of-file once every copy of the writing end is closed.
    let (mut ready, writer) = std::os::unix::net::UnixStream::pair()?;
    let fd = writer.as_raw_fd();
    let mut command = std::process::Command::new(&leaderd);
    command
        .arg("up")
        .arg("--host")
        .arg("--state")
        .arg(&model.dir)
        .arg("--ready-fd")
        .arg(fd.to_string())
        // A daemon keeps no hold on the caller's working directory (which a test may remove).
        .current_dir(&model.dir)
        // Its hooks inherit its environment (the agents keep theirs, as `leaderd up` in the
        // foreground does), and the model outlives this caller: only what a hook may rely on
        // goes on, not the caller's whole environment (a test runner's PYTHONPATH and
        // VIRTUAL_ENV, cloud credentials, tokens). Juju's uniter builds a hook's environment
        // from nothing (`worker/uniter/runner/context/env.go`).
        .env_clear()
        .envs(host_environment(std::env::vars_os()))
        .stdin(std::process::Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log);
    // SAFETY: pre_exec's closure runs between fork and exec, where only async-signal-safe calls
    // are sound: setsid and fcntl are (one system call each) and nothing allocates. `fd` is the
    // pipe's write end, open until `writer` is dropped below, after spawn returned.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut command, move || {
            leaderd_sys::process::new_session()?;
            leaderd_sys::process::keep_across_exec(std::os::fd::BorrowedFd::borrow_raw(fd))
        });
    }
    let mut child = command.spawn().map_err(|e| anyhow::anyhow!("starting {}: {e}", leaderd.display()))?;
    drop(writer);
    drop(command);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut said = String::new();
        let _ = ready.read_to_string(&mut said);
        let _ = tx.send(said);
    });
    match rx.recv_timeout(READY_WITHIN) {
        Ok(said) if said == "ready\n" => Ok(()),
        Ok(_) => {
            let status = child.wait()?;
            anyhow::bail!("its leaderd up exited ({status}):\n{}", super::host::log_tail(model, 5))
        }
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            anyhow::bail!(
                "its leaderd up did not start within {}s:\n{}",
                READY_WITHIN.as_secs(),
                super::host::log_tail(model, 5)
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests_support::{juju, with_root};

    #[test]
    fn add_model_checks_the_name_in_jujus_words() {
        with_root(|_| {
            let f = juju(&["add-model"]);
            assert_eq!(
                (f.stderr.as_str(), f.code),
                (
                    "ERROR juju: no model name was passed. See \"juju add-model --help\".\n\nDid you mean:\n\tjuju add-model <model name>\n",
                    2
                )
            );
            let f = juju(&["add-model", "Bad_Name"]);
            assert_eq!(
                f.stderr,
                "ERROR \"Bad_Name\" is not a valid name: model names may only contain lowercase letters, digits and hyphens\n"
            );
            assert_eq!(f.code, 2);
            let f = juju(&["add-model", "m", "localhost", "extra"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR unrecognized args: [\"extra\"]\n", 2));
        });
    }

    #[test]
    fn add_model_refuses_a_name_taken_in_jujus_words() {
        with_root(|root| {
            std::fs::create_dir_all(root.join("models/taken")).unwrap();
            let f = juju(&["add-model", "--no-switch", "taken"]);
            assert_eq!(
                (f.stderr.as_str(), f.code),
                ("ERROR failed to create new model: model \"taken\" for admin already exists\n", 1)
            );
            let f = juju(&["add-model", "-c", "other", "m"]);
            assert_eq!((f.stderr.as_str(), f.code), ("ERROR controller other not found\n", 1));
        });
    }

    #[test]
    fn add_model_help_is_jujus_usage_and_summary() {
        let f = juju(&["add-model", "--help"]);
        assert!(
            f.stdout.starts_with(
                "Usage: juju add-model [options] <model name> [cloud|region|(cloud/region)]\n\nSummary:\nAdds a workload model.\n\nOptions:\n"
            ),
            "{}",
            f.stdout
        );
        assert!(
            f.stdout.contains("--no-switch  (= false)\n    Do not switch to the newly created model\n"),
            "{}",
            f.stdout
        );
    }

    #[test]
    fn config_files_go_first_then_the_pairs() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.yaml");
        std::fs::write(&file, "a: 1\nb: x\n").unwrap();
        let values = super::config_values(&["b=y".into(), file.display().to_string()]).unwrap();
        assert_eq!(values, [("a".to_string(), "1".to_string()), ("b".to_string(), "y".to_string())].into());
    }
}
