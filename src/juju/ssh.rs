//! `juju ssh [--container charm] [--pty] [--no-host-key-checks] [user@]<unit> [command...]`
//! (juju/juju 3.6.0 `cmd/juju/ssh/ssh.go`), for units that run here: there is no ssh, the
//! command runs locally with `sh -c` in the unit's charm directory (where Juju's ssh into a
//! Kubernetes unit's `charm` container lands), with this process's stdin, stdout and stderr,
//! and its exit code is `juju ssh`'s. Without a command, an interactive `sh` there. Machines and
//! other containers are refused.

use std::process::Stdio;

use clap::{ArgMatches, Command};
use jujuc::tools::cmd::{self, UsageError};

use super::local::{failed, option, state, string};
use super::{model, JujuCommand, Outcome, Run, RunError};

pub(crate) const SSH: JujuCommand = JujuCommand { name: "ssh", command, init: |m| Ok(Box::new(Ssh::init(m)?)) };

const DOC: &str = "
The ssh target is identified by the <target> argument which is a unit name,
such as \"mysql/0\", or the leader of an application, such as \"mysql/leader\".

leaderd's units run on this host: the command runs here, with sh, in the
unit's charm directory (the \"charm\" container, the only one there is), its
input, output and exit code passed through. Without a command, an interactive
shell starts there. leaderd has no machines.
";

const EXAMPLES: &str = "
Run a command in the charm directory of unit mysql/0:

    juju ssh mysql/0 ls -l

Read its input from a file:

    juju ssh --container charm mysql/0 cat < input.txt
";

fn command() -> Command {
    model::model_option(cmd::tool_command("juju ssh", "<[user@]target> [openssh options] [command]"))
        .about("Initiates an SSH session or executes a command on a Juju machine or container.")
        .long_about(DOC)
        .after_long_help(EXAMPLES)
        .arg(option("container", "CONTAINER", "the container name of the target pod like charm"))
        .arg(cmd::bool_flag("pty", "Enable pseudo-tty allocation"))
        .arg(cmd::bool_flag("no-host-key-checks", "Skip host key checking (INSECURE)"))
        .arg(cmd::bool_flag("proxy", "Proxy through the API server"))
}

struct Ssh {
    matches: ArgMatches,
    target: String,
    command: Vec<String>,
}

impl Ssh {
    fn init(m: &ArgMatches) -> Result<Ssh, UsageError> {
        let args: Vec<String> = cmd::positionals(m).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        let Some((target, command)) = args.split_first() else {
            return Err(UsageError("no target name specified".into()));
        };
        // `user@target`: there is no user to be here.
        let target = target.rsplit_once('@').map_or(target.as_str(), |(_, t)| t).to_string();
        Ok(Ssh { matches: m.clone(), target, command: command.to_vec() })
    }
}

impl Run for Ssh {
    fn run(&self) -> Result<Outcome, RunError> {
        let state = state(&self.matches)?;
        if let Some(container) = string(&self.matches, "container").filter(|c| c != "charm") {
            return Err(RunError(format!("container {} not found", leaderd_core::gocompat::go_quote(&container))));
        }
        if leaderd_core::names::unit_application(&self.target).is_err() && !self.target.ends_with("/leader") {
            return Err(RunError(super::exec::NO_MACHINES.into()));
        }
        let up = crate::local::UpState::load(&state).map_err(failed)?;
        let unit = up
            .unit(&state, &self.target)
            .map_err(|_| RunError(format!("unit {} not found", leaderd_core::gocompat::go_quote(&self.target))))?;
        let mut sh = std::process::Command::new("sh");
        if !self.command.is_empty() {
            // ssh's remote command: the arguments joined with spaces, for the remote shell.
            sh.arg("-c").arg(self.command.join(" "));
        }
        leaderd_sys::private::restore_user_umask(&mut sh);
        let status = sh
            .current_dir(unit.state_dir.join("charm"))
            .stdin(Stdio::inherit())
            .stdout(Stdio::inherit())
            .stderr(Stdio::inherit())
            .status()
            .map_err(|e| RunError(format!("running sh: {e}")))?;
        let code = leaderd_sys::process::exit_code(&status);
        Ok(Outcome { code: u8::try_from(code).unwrap_or(1), ..Default::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::super::local::testing::{juju, no_such_model, refused};

    #[test]
    fn help_and_init_are_jujus() {
        let (help, _, _) = juju(&["ssh", "--help"]);
        assert!(
            help.starts_with("Usage: juju ssh [options] <[user@]target> [openssh options] [command]\n\nSummary:\n"),
            "{help}"
        );
        assert!(
            help.contains("\n--container (= \"\")\n    the container name of the target pod like charm\n"),
            "{help}"
        );
        refused(&["ssh"], "no target name specified");
        no_such_model(&["ssh", "--container", "charm", "testdb/0", "cat"]);
    }
}
