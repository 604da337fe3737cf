//! `juju`: the Juju 3.6 command line, as test suites such as jubilant drive it, over leaderd.
//! The binary is `target/release/juju` (a thin `src/bin/juju.rs`), or `leaderd` under the name
//! `juju` (a symlink).
//!
//! This module is juju/cmd's `SuperCommand` (github.com/juju/cmd/v3 `supercommand.go`) and
//! juju's `main.go` (juju/juju `cmd/juju/commands/main.go`): the common options before the
//! command name, the command table, Juju's words for a command it does not know, and the exit
//! codes: 2 for an option or argument error (gnuflag's parse and a command's Init), 1 for an
//! error while running, each printed as `ERROR <message>` on stderr. Each command is a module
//! of its own with a clap definition (Juju's help text and options) parsed the gnuflag way by
//! jujuc's `cmd` module, an `init` that checks the arguments, and a `run`.

// The model commands (models, their applications and units): HOST's.
mod add_model;
mod add_unit;
mod deploy;
mod destroy_model;
mod host;
pub(crate) mod model;
mod models;
mod refresh;
mod remove_application;
mod remove_unit;
mod show_model;
mod switch;
mod version;
// The model commands over leaderd's operator commands (run, exec, ssh, debug-log, secrets).
mod add_secret;
mod debug_log;
mod exec;
mod grant_secret;
mod local;
mod remove_secret;
mod run;
mod secrets;
mod show_operation;
mod show_secret;
mod show_task;
mod ssh;
mod update_secret;
// Relations between applications (REL).
mod integrate;
mod remove_relation;
// The viewing commands (status, show-unit, config, model-config, trust) and what they share.
mod config;
mod model_config;
mod show_unit;
mod status;
mod trust;
mod view;

use std::ffi::OsString;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::{Arg, ArgAction, ArgMatches, Command};
use jujuc::tools::cmd::{self, Parsed, UsageError};

/// One `juju` command: its clap definition, Init (argument checks, exit 2) and Run (exit 1).
pub(crate) struct JujuCommand {
    pub name: &'static str,
    pub command: fn() -> Command,
    pub init: fn(&ArgMatches) -> Result<Box<dyn Run>, UsageError>,
}

/// A command whose arguments passed Init.
pub(crate) trait Run {
    fn run(&self) -> Result<Outcome, RunError>;
}

/// What a command printed.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit code: 0, or 1 for `juju run`/`juju exec` when a task failed (after its output).
    pub code: u8,
}

/// An error while running: `ERROR <message>`, exit 1.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub(crate) struct RunError(pub String);

/// The commands leaderd's `juju` offers, by name.
const COMMANDS: &[JujuCommand] = &[
    // The model commands.
    add_model::ADD_MODEL,
    add_unit::ADD_UNIT,
    deploy::DEPLOY,
    destroy_model::DESTROY_MODEL,
    models::MODELS,
    refresh::REFRESH,
    remove_application::REMOVE_APPLICATION,
    remove_unit::REMOVE_UNIT,
    show_model::SHOW_MODEL,
    switch::SWITCH,
    version::VERSION,
    // Run, exec, ssh, debug-log and the secrets.
    add_secret::ADD_SECRET,
    debug_log::DEBUG_LOG,
    exec::EXEC,
    grant_secret::GRANT_SECRET,
    grant_secret::REVOKE_SECRET,
    remove_secret::REMOVE_SECRET,
    run::RUN,
    secrets::SECRETS,
    show_secret::SHOW_SECRET,
    show_operation::OPERATIONS,
    show_operation::LIST_OPERATIONS,
    show_operation::SHOW_OPERATION,
    show_task::SHOW_TASK,
    ssh::SSH,
    update_secret::UPDATE_SECRET,
    // Relations between applications.
    integrate::INTEGRATE,
    integrate::RELATE,
    remove_relation::REMOVE_RELATION,
    // The viewing commands.
    status::STATUS,
    config::CONFIG,
    trust::TRUST,
    model_config::MODEL_CONFIG,
    show_unit::SHOW_UNIT,
];

/// The commands Juju 3.6 also offers under another name (the command's `Info().Aliases`).
const ALIASES: &[(&str, &str)] = &[("relate", "integrate"), ("list-operations", "operations")];

/// Juju 3.6's other commands (`juju help commands`): known to Juju, not offered here. Asking
/// for one gets leaderd's words rather than Juju's "not a juju command", which would be wrong.
const NOT_OFFERED: &[&str] = &[
    "actions",
    "add-cloud",
    "add-credential",
    "add-machine",
    "add-secret-backend",
    "add-space",
    "add-ssh-key",
    "add-storage",
    "add-user",
    "agree",
    "agreements",
    "attach-resource",
    "attach-storage",
    "autoload-credentials",
    "bind",
    "bootstrap",
    "cancel-task",
    "change-user-password",
    "charm-resources",
    "clouds",
    "consume",
    "controller-config",
    "controllers",
    "create-backup",
    "create-storage-pool",
    "credentials",
    "dashboard",
    "debug-code",
    "debug-hooks",
    "default-credential",
    "default-region",
    "destroy-controller",
    "detach-storage",
    "diff-bundle",
    "disable-command",
    "disable-user",
    "disabled-commands",
    "download",
    "download-backup",
    "enable-command",
    "enable-destroy-controller",
    "enable-ha",
    "enable-user",
    "export-bundle",
    "expose",
    "find",
    "find-offers",
    "firewall-rules",
    "grant",
    "grant-cloud",
    "import-filesystem",
    "import-ssh-key",
    "info",
    "kill-controller",
    "login",
    "logout",
    "machines",
    "metrics",
    "migrate",
    "model-constraints",
    "model-default",
    "model-defaults",
    "model-secret-backend",
    "move-to-space",
    "offer",
    "offers",
    "register",
    "reload-spaces",
    "remove-cloud",
    "remove-credential",
    "remove-k8s",
    "remove-machine",
    "remove-offer",
    "remove-saas",
    "remove-secret-backend",
    "remove-space",
    "remove-ssh-key",
    "remove-storage",
    "remove-storage-pool",
    "remove-user",
    "rename-space",
    "resolve",
    "resolved",
    "resources",
    "resume-relation",
    "retry-provisioning",
    "revoke",
    "revoke-cloud",
    "scale-application",
    "scp",
    "secret-backends",
    "set-application-base",
    "set-constraints",
    "set-credential",
    "set-default-credentials",
    "set-default-region",
    "set-firewall-rule",
    "set-meter-status",
    "set-model-constraints",
    "show-action",
    "show-application",
    "show-cloud",
    "show-controller",
    "show-credential",
    "show-machine",
    "show-offer",
    "show-secret-backend",
    "show-space",
    "show-status-log",
    "show-storage",
    "show-user",
    "spaces",
    "ssh-keys",
    "storage",
    "storage-pools",
    "subnets",
    "suspend-relation",
    "sync-agent-binary",
    "unexpose",
    "unregister",
    "update-cloud",
    "update-credential",
    "update-k8s",
    "update-public-clouds",
    "update-secret-backend",
    "update-storage-pool",
    "upgrade-controller",
    "upgrade-machine",
    "upgrade-model",
    "users",
    "whoami",
];

/// The bytes and exit code of one `juju` call, before they reach the real stdout and stderr.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Finished {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub code: u8,
}

impl Finished {
    fn error(message: &str, code: u8) -> Finished {
        Finished { stderr: format!("ERROR {message}\n").into_bytes(), code, ..Default::default() }
    }
}

/// Runs `juju` with the process's arguments and writes what it printed.
pub fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let finished = main_with(&args);
    let _ = std::io::stdout().write_all(&finished.stdout);
    let _ = std::io::stderr().write_all(&finished.stderr);
    ExitCode::from(finished.code)
}

/// Whether `argv0` names this program as `juju` (a symlink to `leaderd` called `juju`).
pub fn called_as_juju(argv0: &OsString) -> bool {
    Path::new(argv0).file_name().is_some_and(|name| name == "juju")
}

/// `juju ARGS` (without argv[0]).
pub(crate) fn main_with(args: &[OsString]) -> Finished {
    let args = version_flag_as_command(args);
    // The supercommand's own options come before the command name (juju/cmd parses them with
    // AllowInterspersedFlags false): the common ones, `--version` and `--no-alias`.
    let mut rest = args.as_slice();
    while let Some(first) = rest.first() {
        let text = first.to_string_lossy();
        if text == "--" || !text.starts_with('-') || text.len() < 2 {
            if text == "--" {
                rest = &rest[1..];
            }
            break;
        }
        let (name, attached) = match text.trim_start_matches('-').split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (text.trim_start_matches('-').to_string(), None),
        };
        rest = &rest[1..];
        match name.as_str() {
            "h" | "help" => return help(&[]),
            "logging-config" | "log-file" if attached.is_none() => {
                if rest.is_empty() {
                    return Finished::error(&format!("option needs an argument: --{name}"), 2);
                }
                rest = &rest[1..];
            }
            "debug" | "v" | "verbose" | "q" | "quiet" | "show-log" | "no-alias" | "description" | "logging-config"
            | "log-file" => {}
            _ => {
                let dashes = if name.len() > 1 { "--" } else { "-" };
                return Finished::error(&format!("option provided but not defined: {dashes}{name}"), 2);
            }
        }
    }
    let Some((name, command_args)) = rest.split_first() else {
        return help(&[]);
    };
    let name = name.to_string_lossy().into_owned();
    if name == "help" {
        return help(command_args);
    }
    let Some(command) = COMMANDS.iter().find(|c| c.name == name) else {
        return Finished::error(&missing_command(&name), 1);
    };
    run_command(command, command_args)
}

/// juju's `main.go`: a `--version` before any command name is the `version` command.
fn version_flag_as_command(args: &[OsString]) -> Vec<OsString> {
    let mut args = args.to_vec();
    let flag = args.iter().position(|a| a == "--version");
    let command = args.iter().position(|a| {
        let a = a.to_string_lossy();
        !a.starts_with("--") && a != "help" && a != "version"
    });
    if let Some(flag) = flag {
        if command.is_none_or(|command| command > flag) {
            args[flag] = OsString::from("version");
        }
    }
    args
}

/// The words for a command this `juju` does not have: leaderd's for one of Juju's own that it
/// does not offer; else Juju's (juju/juju `cmd/juju/commands/main.go`, `NotFoundCommand`, and
/// juju/cmd's `DefaultUnrecognizedCommand`), suggesting the closest command as
/// `FindClosestSubCommand` picks it.
fn missing_command(name: &str) -> String {
    if NOT_OFFERED.contains(&name) {
        return format!("\"juju {name}\" is not offered by leaderd's juju yet; see \"juju help commands\"");
    }
    let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).chain(["help"]).collect();
    names.extend(NOT_OFFERED);
    match closest(name, &names) {
        Some(closest) => format!(
            "juju: {} is not a juju command. See \"juju --help\".\n\nDid you mean:\n\t{closest}",
            leaderd_core::format::go_quote(name)
        ),
        None => format!("unrecognized command: juju {name}"),
    }
}

/// juju/cmd's `FindClosestSubCommand`: the least Levenshtein distance (bytes), ties broken by
/// name, and no match unless that distance is below the candidate's length plus one.
fn closest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates.iter().map(|c| (levenshtein(name, c), *c)).collect();
    scored.sort();
    let (distance, best) = *scored.first()?;
    (!best.is_empty() && distance < best.len() + 1).then_some(best)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut row: Vec<usize> = (0..=a.len()).collect();
    for (i, bc) in b.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, ac) in a.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1).min(row[j] + 1).min(diagonal + usize::from(ac != bc));
            diagonal = above;
        }
    }
    row[a.len()]
}

/// The options juju/cmd adds to every command (`Log.AddFlags`, `-h/--help`, `--description`):
/// accepted anywhere among the command's own.
fn common_options(command: Command) -> Command {
    let hidden_bool = |name: &'static str, short: Option<char>| {
        let mut arg = cmd::bool_flag(name, "").hide(true);
        if let Some(short) = short {
            arg = arg.short(short);
        }
        arg
    };
    command
        .arg(hidden_bool("debug", None))
        .arg(hidden_bool("verbose", Some('v')))
        .arg(hidden_bool("quiet", Some('q')))
        .arg(hidden_bool("show-log", None))
        .arg(hidden_bool("description", None))
        .arg(Arg::new("logging-config").long("logging-config").action(ArgAction::Set).hide(true))
        .arg(Arg::new("log-file").long("log-file").action(ArgAction::Set).hide(true))
}

fn run_command(command: &JujuCommand, args: &[OsString]) -> Finished {
    let definition = common_options((command.command)());
    let matches = match cmd::parse(definition, args) {
        Ok(Parsed::Help(text)) => return Finished { stdout: text.into_bytes(), ..Default::default() },
        Ok(Parsed::Matches(m)) => m,
        Ok(Parsed::AfterRelation { error, .. } | Parsed::AfterStorage { error, .. }) => {
            return Finished::error(&error, 2)
        }
        Err(UsageError(message)) => return Finished::error(&message, 2),
    };
    if matches.get_flag("verbose") && matches.get_flag("quiet") {
        return Finished::error("\"verbose\" and \"quiet\" flags clash, please use one or the other, not both", 1);
    }
    let run = match (command.init)(&matches) {
        Ok(run) => run,
        Err(UsageError(message)) => return Finished::error(&message, 2),
    };
    match run.run() {
        Ok(Outcome { stdout, stderr, code }) => Finished { stdout, stderr, code },
        Err(RunError(message)) => Finished::error(&message, 1),
    }
}

/// `juju help [COMMAND]`, `juju help commands` and `juju` alone: the command's help, or the
/// list of the commands offered.
fn help(args: &[OsString]) -> Finished {
    if let Some(name) = args.first().filter(|name| *name != "commands") {
        let name = name.to_string_lossy();
        return match COMMANDS.iter().find(|c| c.name == name) {
            Some(command) => Finished { stdout: cmd::help(&(command.command)()).into_bytes(), ..Default::default() },
            None => Finished::error(&format!("unknown command or topic for {name}"), 1),
        };
    }
    let mut text = String::from(
        "Usage: juju [help] <command>\n\n\
         leaderd's juju: the commands of Juju 3.6 that charm test suites use, over leaderd's\n\
         models. Commands:\n\n",
    );
    let width = COMMANDS.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for command in COMMANDS {
        // juju/cmd's describeCommands: an alias is listed as one, not with its command's purpose.
        let about = match ALIASES.iter().find(|(alias, _)| *alias == command.name) {
            Some((_, of)) => format!("Alias for '{of}'."),
            None => (command.command)().get_about().map(|a| a.to_string()).unwrap_or_default(),
        };
        text.push_str(&format!("    {:width$}  {about}\n", command.name));
    }
    Finished { stdout: text.into_bytes(), ..Default::default() }
}

/// What the commands' tests share: `juju ARGS` as text, and a root of their own.
#[cfg(test)]
pub(crate) mod tests_support {
    use std::ffi::OsString;

    /// One `juju` call's output, as text.
    pub(crate) struct Ran {
        pub stdout: String,
        pub stderr: String,
        pub code: u8,
    }

    pub(crate) fn juju(args: &[&str]) -> Ran {
        let f = finished(args);
        let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
        Ran { stdout: text(f.stdout), stderr: text(f.stderr), code: f.code }
    }

    /// `juju ARGS`: the bytes and exit code.
    pub(crate) fn finished(args: &[&str]) -> super::Finished {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        super::main_with(&args)
    }

    /// `juju ARGS`: stderr as text and the exit code.
    pub(crate) fn stderr(args: &[&str]) -> (String, u8) {
        let f = finished(args);
        (String::from_utf8(f.stderr).unwrap(), f.code)
    }

    /// The environment is the process's: one test at a time changes it.
    static ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Runs `f` with `LEADERD_HOME` a fresh directory (and no `JUJU_MODEL`/`JUJU_CONTROLLER`).
    pub(crate) fn with_root(f: impl FnOnce(&std::path::Path)) {
        let _one = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let root = tempfile::tempdir().unwrap();
        // SAFETY: the environment is changed only under ENV's lock, and nothing else in these
        // tests reads these variables while it is held.
        unsafe {
            std::env::set_var("LEADERD_HOME", root.path());
            std::env::remove_var("JUJU_MODEL");
            std::env::remove_var("JUJU_CONTROLLER");
        }
        f(root.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn juju(args: &[&str]) -> Finished {
        let args: Vec<OsString> = args.iter().map(OsString::from).collect();
        main_with(&args)
    }

    fn stderr(f: &Finished) -> String {
        String::from_utf8_lossy(&f.stderr).into_owned()
    }

    #[test]
    fn an_unknown_command_gets_jujus_words_with_the_closest_command() {
        let f = juju(&["stauts"]);
        assert_eq!(
            stderr(&f),
            "ERROR juju: \"stauts\" is not a juju command. See \"juju --help\".\n\nDid you mean:\n\tstatus\n"
        );
        assert_eq!((f.code, f.stdout.as_slice()), (1, &b""[..]));
        let f = juju(&["versoin"]);
        assert!(stderr(&f).ends_with("Did you mean:\n\tversion\n"), "{}", stderr(&f));
    }

    #[test]
    fn a_command_too_far_from_any_is_unrecognized() {
        let f = juju(&["zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"]);
        assert_eq!(stderr(&f), "ERROR unrecognized command: juju zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\n");
        assert_eq!(f.code, 1);
    }

    #[test]
    fn closest_breaks_ties_by_name_and_needs_a_distance_below_the_length() {
        assert_eq!(closest("ab", &["ac", "aa"]), Some("aa"));
        assert_eq!(closest("xyz", &["ab"]), None, "distance 3 is not below 2 + 1");
        assert_eq!(closest("ab", &["abc"]), Some("abc"));
    }

    #[test]
    fn levenshtein_counts_edits() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("abc", "abc"), 0);
        assert_eq!(levenshtein("stauts", "status"), 2);
    }

    #[test]
    fn a_juju_command_leaderd_does_not_offer_says_so() {
        let listed = juju(&["help", "commands"]);
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        let version = listed.lines().find(|l| l.trim_start().starts_with("version ")).unwrap_or_default();
        assert!(version.ends_with("  Print the Juju CLI client version."), "{listed}");
        let relate = listed.lines().find(|l| l.trim_start().starts_with("relate ")).unwrap_or_default();
        assert!(relate.ends_with("  Alias for 'integrate'."), "an alias is listed as one: {listed}");
        let f = juju(&["bootstrap"]);
        assert_eq!(
            stderr(&f),
            "ERROR \"juju bootstrap\" is not offered by leaderd's juju yet; see \"juju help commands\"\n"
        );
        assert_eq!(f.code, 1);
    }

    #[test]
    fn options_before_the_command_are_the_supercommands() {
        let f = juju(&["--bogus", "version"]);
        assert_eq!((stderr(&f).as_str(), f.code), ("ERROR option provided but not defined: --bogus\n", 2));
        let f = juju(&["--debug", "version"]);
        assert_eq!(f.code, 0, "{}", stderr(&f));
        let f = juju(&["--logging-config"]);
        assert_eq!((stderr(&f).as_str(), f.code), ("ERROR option needs an argument: --logging-config\n", 2));
    }

    #[test]
    fn the_version_flag_before_a_command_is_the_version_command() {
        assert_eq!(version_flag_as_command(&["--version".into()]), vec![OsString::from("version")]);
        let args: Vec<OsString> = ["status", "--version"].iter().map(OsString::from).collect();
        assert_eq!(version_flag_as_command(&args), args, "after a command it is that command's option");
    }

    #[test]
    fn verbose_and_quiet_clash() {
        let f = juju(&["version", "-v", "-q"]);
        assert_eq!(stderr(&f), "ERROR \"verbose\" and \"quiet\" flags clash, please use one or the other, not both\n");
        assert_eq!(f.code, 1);
    }
}
